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
pub mod fields;
mod finite;
pub mod fix_types;
pub mod operations;
pub mod passes;
mod pointer;
pub mod spec_diff;
pub mod surface;

pub use error::{Error, Problems};
pub use passes::{Change, normalize, normalize_without_fixes};

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde_json::Value;

/// What [`generate`] produces from a spec.
#[derive(Debug)]
pub struct Generated {
    /// The formatted Rust source of the raw bindings (`Client`, `builder`, `types`), followed
    /// by the field and parameter type aliases of [`fields`].
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
/// Every problem the normalizer found, each naming its pass, JSON pointer and the table to
/// edit. On a spec the normalizer accepts, a failure of openapiv3 (reading) or progenitor
/// (generating, including its panics) is reported with the pointer of the smallest part of
/// the spec that fails on its own.
pub fn generate(spec_json: &str) -> Result<Generated, Problems> {
    generate_without_fixes(spec_json, &[])
}

/// [`generate`] with the [`passes::SPEC_FIXES`] at these pointers left out: what the
/// bindings would be without them (see [`normalize_without_fixes`]).
///
/// # Errors
/// As [`generate`].
pub fn generate_without_fixes(spec_json: &str, unfixed: &[&str]) -> Result<Generated, Problems> {
    let spec: Value = serde_json::from_str(spec_json)
        .map_err(|e| Error::new("parse", "", format!("openapi.json is not valid JSON: {e}")))?;
    let (normalized, changes) = normalize_without_fixes(spec, unfixed)?;
    let mut code = generate_normalized(&normalized)?;
    let fields = fields::aliases(&code).map_err(|e| Error::new("progenitor", "", e))?;
    code.push_str(&fields);
    let operations = operations::table(&normalized);
    Ok(Generated {
        code,
        normalized,
        changes,
        operations,
    })
}

/// Reads the normalized spec as openapiv3 does; a failure names where.
fn read_openapi(normalized: &Value) -> Result<openapiv3::OpenAPI, Error> {
    serde_path_to_error::deserialize(normalized).map_err(|e| {
        let (pointer, message) = locate_read_error(normalized, &e);
        Error::new(
            "openapiv3",
            &pointer,
            format!(
                "openapiv3 cannot read the normalized spec here: {message} (pointer in the \
                 normalized spec)"
            ),
        )
        .edit("SPEC_FIXES in codegen/src/passes/spec_fixes.rs, or the pass that made it")
    })
}

/// The JSON pointer of a `serde_path_to_error` path.
fn path_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = pointer::join(&pointer, &index.to_string()),
            Segment::Map { key } => pointer = pointer::join(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

/// Where reading fails and why. serde's message inside an untagged enum (openapiv3's
/// `ReferenceOr`) is only "did not match any variant"; the value there is read again as the
/// type its place calls for, which names the real problem (`missing field description`) and
/// its place, level by level.
fn locate_read_error(
    spec: &Value,
    e: &serde_path_to_error::Error<serde_json::Error>,
) -> (String, String) {
    let mut at = path_pointer(e.path());
    let mut message = e.inner().to_string();
    for _ in 0..16 {
        let Some(value) = spec.pointer(&at) else {
            break;
        };
        let Some(deeper) = read_as_its_place(&at, value) else {
            break;
        };
        let (sub, inner) = deeper;
        message = inner;
        if sub.is_empty() {
            break;
        }
        at.push_str(&sub);
    }
    (at, message)
}

/// Reads `value` as the openapiv3 type its pointer calls for; the error's relative pointer
/// and message, `None` when it reads (or the place is not one of the known ones).
fn read_as_its_place(at: &str, value: &Value) -> Option<(String, String)> {
    fn read<T: serde::de::DeserializeOwned>(value: &Value) -> Option<(String, String)> {
        serde_path_to_error::deserialize::<_, T>(value)
            .err()
            .map(|e| (path_pointer(e.path()), e.inner().to_string()))
    }
    /// The first entry of a map (openapiv3 flattens these, which hides the key from the
    /// error's path) that does not read as `T`.
    fn entries<T: serde::de::DeserializeOwned>(value: &Value) -> Option<(String, String)> {
        value.as_object()?.iter().find_map(|(key, entry)| {
            let (sub, message) = read::<T>(entry)?;
            Some((format!("{}{sub}", pointer::join("", key)), message))
        })
    }
    let tokens = pointer::tokens(at);
    let last = tokens.last().map(String::as_str).unwrap_or("");
    let parent = tokens.iter().rev().nth(1).map(String::as_str).unwrap_or("");
    let in_components =
        |kind: &str| tokens.len() == 3 && tokens[0] == "components" && tokens[1] == kind;
    match last {
        "paths" if tokens.len() == 1 => return entries::<openapiv3::PathItem>(value),
        "responses" => return entries::<openapiv3::Response>(value),
        "schemas" | "properties" => return entries::<openapiv3::Schema>(value),
        "content" => return entries::<openapiv3::MediaType>(value),
        "headers" => return entries::<openapiv3::Header>(value),
        _ => {}
    }
    if ["schema", "items", "additionalProperties", "not"].contains(&last)
        || ["properties", "anyOf", "oneOf", "allOf"].contains(&parent)
        || in_components("schemas")
    {
        read::<openapiv3::Schema>(value)
    } else if parent == "responses" || in_components("responses") {
        read::<openapiv3::Response>(value)
    } else if parent == "parameters" || in_components("parameters") {
        read::<openapiv3::Parameter>(value)
    } else if last == "requestBody" || in_components("requestBodies") {
        read::<openapiv3::RequestBody>(value)
    } else if parent == "headers" {
        read::<openapiv3::Header>(value)
    } else if parent == "content" {
        read::<openapiv3::MediaType>(value)
    } else if parent == "paths" {
        read::<openapiv3::PathItem>(value)
    } else if pointer::HTTP_METHODS.contains(&last) {
        read::<openapiv3::Operation>(value)
    } else {
        None
    }
}

/// Runs progenitor on an already normalized spec and formats the result.
fn generate_normalized(normalized: &Value) -> Result<String, Problems> {
    let openapi = read_openapi(normalized)?;
    let tokens = match progenitor_tokens(&openapi) {
        Ok(tokens) => tokens,
        Err(message) => return Err(Problems(locate_generation_failure(normalized, &message))),
    };
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| {
        Error::new(
            "progenitor",
            "",
            format!("generated code does not parse: {e}"),
        )
    })?;
    syn::visit_mut::VisitMut::visit_file_mut(&mut PostProcess, &mut file);
    syn::visit_mut::VisitMut::visit_file_mut(&mut finite::FiniteNumbers, &mut file);
    Ok(prettyplease::unparse(&file))
}

fn settings() -> progenitor::GenerationSettings {
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_inner_type(quote::quote!(crate::raw::Hooks))
        .with_hooks(progenitor::HooksMode::Expected)
        .with_derive("schemars::JsonSchema");
    settings
}

/// progenitor's tokens, or its message; its panics (which carry no context) are caught.
fn progenitor_tokens(openapi: &openapiv3::OpenAPI) -> Result<proc_macro2::TokenStream, String> {
    let settings = settings();
    catch_progenitor(|| progenitor::Generator::new(&settings).generate_tokens(openapi))
}

/// Runs a progenitor generation; its error or panic becomes the message.
fn catch_progenitor(
    generate: impl FnOnce() -> Result<proc_macro2::TokenStream, progenitor::Error>,
) -> Result<proc_macro2::TokenStream, String> {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(generate));
    std::panic::set_hook(previous_hook);
    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(e.to_string()),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            Err(format!("progenitor panicked: {message}"))
        }
    }
}

/// Whether progenitor fails on `spec` (which openapiv3 reads); its message if so.
fn fails(spec: &Value) -> Option<String> {
    let openapi: openapiv3::OpenAPI = serde_json::from_value(spec.clone()).ok()?;
    progenitor_tokens(&openapi).err()
}

/// progenitor names no place when it fails: find the parts of the spec that fail on their
/// own. With no operations at all, a failure is in the component schemas: each schema is
/// tried with only what it references, and the ones failing without a failing reference are
/// reported. Otherwise each operation is tried alone (with every component).
fn locate_generation_failure(normalized: &Value, message: &str) -> Vec<Error> {
    let edit = "the pass whose output this is (codegen/src/passes), or SPEC_FIXES / \
                DROPPED_OPERATIONS";
    let problem = |at: &str, message: String| {
        Error::new(
            "progenitor",
            at,
            format!("{message} (pointer in the normalized spec; this part fails on its own)"),
        )
        .edit(edit)
    };
    let mut found = Vec::new();
    let mut without_paths = normalized.clone();
    without_paths["paths"] = Value::Object(serde_json::Map::new());
    if fails(&without_paths).is_some() {
        let schemas = normalized
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut failing = Vec::new();
        for name in schemas.keys() {
            let closure = passes::util::closure(&schemas, name);
            let mut spec = without_paths.clone();
            spec["components"]["schemas"] = Value::Object(
                schemas
                    .iter()
                    .filter(|(n, _)| closure.contains(*n))
                    .map(|(n, s)| (n.clone(), s.clone()))
                    .collect(),
            );
            if let Some(m) = fails(&spec) {
                failing.push((name.clone(), closure, m));
            }
        }
        for (name, closure, m) in &failing {
            let other_fails = failing
                .iter()
                .any(|(other, _, _)| other != name && closure.contains(other));
            if !other_fails {
                found.push(problem(
                    &pointer::join("/components/schemas", name),
                    m.clone(),
                ));
            }
        }
    } else if let Some(Value::Object(paths)) = normalized.get("paths") {
        for (path, item) in paths {
            let Value::Object(item) = item else { continue };
            for (method, op) in item {
                if !pointer::HTTP_METHODS.contains(&method.as_str()) {
                    continue;
                }
                let mut alone = serde_json::Map::new();
                if let Some(shared) = item.get("parameters") {
                    alone.insert("parameters".into(), shared.clone());
                }
                alone.insert(method.clone(), op.clone());
                let mut spec = without_paths.clone();
                spec["paths"] = serde_json::json!({ path: alone });
                if let Some(m) = fails(&spec) {
                    found.push(problem(
                        &pointer::join(&pointer::join("/paths", path), method),
                        m,
                    ));
                }
            }
        }
    }
    if found.is_empty() {
        found.push(
            Error::new(
                "progenitor",
                "",
                format!("{message} (no single operation or schema fails on its own)"),
            )
            .edit(edit),
        );
    }
    found
}

/// Rewrites of the generated code that progenitor has no setting for.
///
/// - typify writes schemars 0.8's `gen` as a plain identifier; `gen` is reserved in edition
///   2024.
/// - The `schemars::JsonSchema` derives and impls are gated behind the including crate's
///   `schemars` feature, so that users who do not want JSON schemas of the types do not compile
///   schemars (`#[derive(.., schemars::JsonSchema)]` becomes
///   `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]`).
struct PostProcess;

impl PostProcess {
    /// Gates the schemars parts of `attrs`.
    fn gate(attrs: &mut Vec<syn::Attribute>) {
        let mut gated = Vec::new();
        for attr in attrs.iter_mut() {
            if attr.path().is_ident("derive") {
                let Ok(paths) = attr.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                ) else {
                    continue;
                };
                let (schema, kept): (Vec<syn::Path>, Vec<syn::Path>) = paths
                    .into_iter()
                    .partition(|p| p.segments.last().is_some_and(|s| s.ident == "JsonSchema"));
                if schema.is_empty() {
                    continue;
                }
                *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
                gated.push(syn::parse_quote!(
                    #[cfg_attr(feature = "schemars", derive(#(#schema),*))]
                ));
            } else if attr.path().is_ident("schemars") {
                let meta = &attr.meta;
                *attr = syn::parse_quote!(#[cfg_attr(feature = "schemars", #meta)]);
            }
        }
        attrs.extend(gated);
    }
}

impl syn::visit_mut::VisitMut for PostProcess {
    fn visit_ident_mut(&mut self, ident: &mut proc_macro2::Ident) {
        if ident == "gen" {
            *ident = proc_macro2::Ident::new_raw("gen", ident.span());
        }
    }

    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        Self::gate(&mut item.attrs);
        syn::visit_mut::visit_item_struct_mut(self, item);
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        Self::gate(&mut item.attrs);
        syn::visit_mut::visit_item_enum_mut(self, item);
    }

    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        Self::gate(&mut field.attrs);
        syn::visit_mut::visit_field_mut(self, field);
    }

    fn visit_variant_mut(&mut self, variant: &mut syn::Variant) {
        Self::gate(&mut variant.attrs);
        syn::visit_mut::visit_variant_mut(self, variant);
    }

    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let schema_impl = item.trait_.as_ref().is_some_and(|(_, path, _)| {
            path.segments
                .last()
                .is_some_and(|s| s.ident == "JsonSchema")
        });
        if schema_impl {
            item.attrs
                .push(syn::parse_quote!(#[cfg(feature = "schemars")]));
        }
        syn::visit_mut::visit_item_impl_mut(self, item);
    }
}
