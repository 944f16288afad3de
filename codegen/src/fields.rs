//! `raw::fields`: the type of every field of every generated struct, by name; `raw::params`:
//! the type of every parameter of every operation.
//!
//! Rust cannot name the type of a struct's field, so the hand-written layer would otherwise
//! spell it again (`schedule: impl Into<String>`) and keep compiling when the spec changes it
//! (a `schedule` that became an integer would still be sent as a string). Its `spec_types!`
//! asserts that a setter's type is `fields::CronCreate::schedule`, so such a change fails to
//! compile. An optional field's alias is the type inside its `Option`, which is what a setter
//! takes.

use std::fmt::Write as _;

use quote::ToTokens;

/// The Rust source of the `fields` and `params` modules for the generated `code` (appended
/// to it).
///
/// # Errors
/// When `code` does not parse as Rust.
pub fn aliases(code: &str) -> Result<String, String> {
    let file = syn::parse_file(code).map_err(|e| format!("generated code: {e}"))?;
    let mut out = modules(
        &file,
        Aliases {
            source: "types",
            module: "fields",
            doc: "/// The type of every field of every struct in [`types`], by struct and field name (an\n\
                  /// optional field's type without its `Option`): `fields::CronCreate::schedule` is\n\
                  /// `String`. The hand-written layer ties its setters' types to these.",
            each: "field types",
            import: "types::*",
            skip: &[],
        },
    );
    // Builders fill in parameters by `TryInto`, so nothing else names their types: a `bool`
    // still converts into an integer parameter.
    out.push_str(&modules(
        &file,
        Aliases {
            source: "builder",
            module: "params",
            doc: "/// The type of every parameter (path, query, header) of every operation, by builder and\n\
                  /// parameter name (an optional parameter's type without its `Option`):\n\
                  /// `params::CancelRun::wait` is `bool`. The hand-written layer ties the types of the\n\
                  /// parameters it sends itself to these.",
            each: "parameter types",
            import: "types",
            // The client, and the body (whose fields are in `fields`).
            skip: &["client", "body"],
        },
    ));
    Ok(out)
}

/// What one module of aliases is made from.
struct Aliases {
    /// The generated module whose structs are read (`types`, `builder`).
    source: &'static str,
    /// The module written (`fields`, `params`).
    module: &'static str,
    doc: &'static str,
    /// What each inner module holds, for its doc.
    each: &'static str,
    /// What each inner module imports from `types`.
    import: &'static str,
    /// Fields that get no alias.
    skip: &'static [&'static str],
}

/// One module per struct of `aliases.source`, with one alias per named field: its type
/// without `Result` (a builder's) and `Option` (an optional one's).
fn modules(file: &syn::File, aliases: Aliases) -> String {
    let structs = file.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == aliases.source => {
            m.content.as_ref().map(|(_, items)| items)
        }
        _ => None,
    });
    let (source, module, each, import) =
        (aliases.source, aliases.module, aliases.each, aliases.import);
    let mut out = format!(
        "{}\n#[allow(non_snake_case, non_camel_case_types)]\npub mod {module} {{\n",
        aliases.doc
    );
    for item in structs.into_iter().flatten() {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(named) = &s.fields else {
            continue;
        };
        let name = &s.ident;
        let _ = writeln!(
            out,
            "    /// The {each} of `{source}::{name}`.\n    pub mod {name} {{\n        #[allow(unused_imports)]\n        use super::super::{import};"
        );
        for field in &named.named {
            let Some(ident) = &field.ident else { continue };
            if aliases.skip.iter().any(|skip| ident == skip) {
                continue;
            }
            let ty = crate::surface::unwrap(&field.ty, "Result");
            let ty = crate::surface::unwrap(ty, "Option").to_token_stream();
            let _ = writeln!(out, "        pub type {ident} = {ty};");
        }
        out.push_str("    }\n");
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_alias_per_field_without_option() {
        let code = "pub mod types {
            pub struct CronCreate {
                pub schedule: ::std::string::String,
                pub end_time: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                pub r#type: Kind,
            }
            pub struct Tuple(pub i64);
            pub enum Kind { A }
        }";
        let out = aliases(code).unwrap();
        let out: String = out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(out.contains("pub mod CronCreate {"), "{out}");
        assert!(
            out.contains("pub type schedule = :: std :: string :: String;"),
            "{out}"
        );
        assert!(
            out.contains(
                "pub type end_time = :: chrono :: DateTime < :: chrono :: offset :: Utc >;"
            ),
            "{out}"
        );
        assert!(out.contains("pub type r#type = Kind;"), "{out}");
        assert!(!out.contains("Tuple"), "{out}");
    }

    #[test]
    fn one_alias_per_parameter_without_result_and_option() {
        let code = "pub mod types { pub enum Action { A } }
        pub mod builder {
            use super::types;
            pub struct CancelRun<'a> {
                client: &'a super::Client,
                thread_id: Result<::uuid::Uuid, String>,
                wait: Result<Option<bool>, String>,
                action: Result<Option<types::Action>, String>,
                body: Result<types::builder::RunsCancel, String>,
            }
        }";
        let out = aliases(code).unwrap();
        let out: String = out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(out.contains("pub mod params {"), "{out}");
        assert!(out.contains("pub mod CancelRun {"), "{out}");
        assert!(
            out.contains("pub type thread_id = :: uuid :: Uuid;"),
            "{out}"
        );
        assert!(out.contains("pub type wait = bool;"), "{out}");
        assert!(out.contains("pub type action = types :: Action;"), "{out}");
        assert!(
            !out.contains("type client") && !out.contains("type body"),
            "{out}"
        );
    }
}
