//! Code generation for `langgraph-sdk`.
//!
//! The server publishes an OpenAPI 3.1 spec that progenitor (3.0 only) cannot take as is,
//! and parts of which typify would silently mistype. This crate turns the vendored,
//! untouched `openapi.json` into the raw Rust bindings in three steps:
//!
//! 1. [`normalize`]: a fixed sequence of small, named [`passes`] rewrites the spec into the
//!    OpenAPI 3.0 dialect progenitor understands, applies the table of fixes where the
//!    published spec disagrees with the server, and gives every operation and inline type a
//!    clean, unique name. Anything a pass does not understand is an [`Error`] that names the
//!    JSON pointer, never a silent guess.
//! 2. [`generate`]: progenitor (builder interface, merged tags) turns the normalized spec into
//!    Rust source, formatted with prettyplease.
//! 3. [`surface`]: a readable listing of every generated operation and type, parsed back out of
//!    the generated source. Snapshot tests lock it, and `cargo xtask update-spec` diffs it.
//!
//! `build.rs` of the root crate calls [`generate`]; the same function is what the tests call,
//! so a spec that fails here fails the build with the same message.

mod error;
pub mod operations;
pub mod passes;
mod pointer;
pub mod surface;

pub use error::Error;
pub use passes::{Change, normalize};

use std::panic::{AssertUnwindSafe, catch_unwind};

/// What [`generate`] produces from a spec.
#[derive(Debug)]
pub struct Generated {
    /// The formatted Rust source of the raw bindings (`Client`, `builder`, `types`).
    pub code: String,
    /// The normalized spec (OpenAPI 3.0.3) that progenitor consumed.
    pub normalized: serde_json::Value,
    /// Every change the normalizer made, in order.
    pub changes: Vec<Change>,
    /// The operation table for the hand-written layer (see [`operations::table`]).
    pub operations: String,
}

/// Normalizes `spec_json` (the server's `openapi.json`) and generates the raw bindings.
///
/// # Errors
/// Returns an [`Error`] naming the pass and JSON pointer when the spec contains something the
/// normalizer does not understand, and an error carrying progenitor's message (including its
/// panics, which carry no context of their own) when generation fails.
pub fn generate(spec_json: &str) -> Result<Generated, Error> {
    let spec: serde_json::Value = serde_json::from_str(spec_json)
        .map_err(|e| Error::new("parse", "", format!("openapi.json is not valid JSON: {e}")))?;
    let (normalized, changes) = normalize(spec)?;
    let code = generate_normalized(&normalized)?;
    let operations = operations::table(&normalized);
    Ok(Generated {
        code,
        normalized,
        changes,
        operations,
    })
}

/// Runs progenitor on an already normalized spec and formats the result.
fn generate_normalized(normalized: &serde_json::Value) -> Result<String, Error> {
    let openapi: openapiv3::OpenAPI = serde_json::from_value(normalized.clone()).map_err(|e| {
        Error::new(
            "progenitor",
            "",
            format!("the normalized spec is not OpenAPI 3.0 as openapiv3 reads it: {e}"),
        )
    })?;
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_inner_type(quote::quote!(crate::raw::Hooks))
        .with_hooks(progenitor::HooksMode::Expected)
        .with_derive("schemars::JsonSchema");
    // progenitor reports some problems by panicking; turn those into an error with context.
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(|| {
        progenitor::Generator::new(&settings).generate_tokens(&openapi)
    }));
    std::panic::set_hook(previous_hook);
    let tokens = match result {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => return Err(Error::new("progenitor", "", e.to_string())),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            return Err(Error::new(
                "progenitor",
                "",
                format!("progenitor panicked: {message}"),
            ));
        }
    };
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| {
        Error::new(
            "progenitor",
            "",
            format!("generated code does not parse: {e}"),
        )
    })?;
    syn::visit_mut::VisitMut::visit_file_mut(&mut Edition2024, &mut file);
    Ok(prettyplease::unparse(&file))
}

/// typify writes schemars 0.8's `gen` as a plain identifier; `gen` is reserved in edition 2024.
struct Edition2024;

impl syn::visit_mut::VisitMut for Edition2024 {
    fn visit_ident_mut(&mut self, ident: &mut proc_macro2::Ident) {
        if ident == "gen" {
            *ident = proc_macro2::Ident::new_raw("gen", ident.span());
        }
    }
}
