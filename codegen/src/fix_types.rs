//! Types generated with and without each spec fix, for the test that proves the fix is
//! needed (`tests/live_spec_fixes.rs`, through the `langgraph-spec-fix-types` crate).
//!
//! For every entry of [`SPEC_FIXES`] whose need is shown by decoding ([`Need::Decode`],
//! [`Need::Typing`]), [`source`] generates the type of its target schema twice, the way the
//! bindings are generated: from the spec normalized with every fix (`fixed`) and with every
//! fix but that one (`unfixed`). Only the target and the schemas it references are generated,
//! so that the test compiles a few types per entry rather than the whole API. A generated
//! `decode(pointer, json)` decodes a JSON value into both and serializes each back, so that
//! the test can see what fails or is lost without the fix.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::{
    Error, Problems,
    passes::{Need, SPEC_FIXES, util::closure},
};

/// The component the target schema is generated as.
const TARGET: &str = "SpecFixTarget";

/// Rust source: a module per entry (`fix_<n>::{fixed, unfixed}::types::SpecFixTarget`) and
/// `pub fn decode(pointer: &str, json: &Value) -> Option<Decoded>`. An entry whose unfixed
/// spec does not normalize or generate gets, in place of its type, the message why.
///
/// # Errors
/// When the spec itself does not parse or normalize.
pub fn source(spec_json: &str) -> Result<String, Problems> {
    let spec: Value = serde_json::from_str(spec_json)
        .map_err(|e| Error::new("parse", "", format!("openapi.json is not valid JSON: {e}")))?;
    let (fixed, _) = crate::normalize(spec.clone())?;
    let mut modules = String::new();
    let mut arms = String::new();
    // The fixed type of a target is the same for every entry that decodes it.
    let mut fixed_modules: BTreeMap<&str, String> = BTreeMap::new();
    for (n, fix) in SPEC_FIXES.iter().enumerate() {
        let (Need::Decode(target) | Need::Typing(target)) = fix.need else {
            continue;
        };
        let fixed_path = match fixed_modules.get(target) {
            Some(path) => path.clone(),
            None => {
                let name = format!("fixed_{}", fixed_modules.len());
                let types =
                    types_for(&fixed, target).map_err(|e| Error::new("fix-types", target, e))?;
                modules.push_str(&format!("pub mod {name} {{ {types} }}\n"));
                let path = format!("{name}::types::{TARGET}");
                fixed_modules.insert(target, path.clone());
                path
            }
        };
        let unfixed = crate::normalize_without_fixes(spec.clone(), &[fix.pointer])
            .map_err(|p| format!("without it the spec does not normalize: {p}"))
            .and_then(|(normalized, _)| types_for(&normalized, target));
        let unfixed_call = match unfixed {
            Ok(types) => {
                modules.push_str(&format!("pub mod unfixed_{n} {{ {types} }}\n"));
                format!("roundtrip::<unfixed_{n}::types::{TARGET}>(json)")
            }
            Err(why) => format!("Err({why:?}.to_string())"),
        };
        arms.push_str(&format!(
            "{:?} => Some(Decoded {{ fixed: roundtrip::<{fixed_path}>(json), unfixed: {unfixed_call} }}),\n",
            fix.pointer
        ));
    }
    Ok(format!(
        "{modules}\n\
         /// A JSON value decoded into the type generated with every fix and into the one \
         generated without the fix at hand, each serialized back (or the error).\n\
         #[derive(Debug)]\n\
         pub struct Decoded {{\n\
             /// Through the type generated from the spec with every fix.\n\
             pub fixed: Result<serde_json::Value, String>,\n\
             /// Through the type generated without the fix.\n\
             pub unfixed: Result<serde_json::Value, String>,\n\
         }}\n\
         fn roundtrip<T: serde::de::DeserializeOwned + serde::Serialize>(json: &serde_json::Value) -> Result<serde_json::Value, String> {{\n\
             let typed: T = serde_json::from_value(json.clone()).map_err(|e| e.to_string())?;\n\
             serde_json::to_value(typed).map_err(|e| e.to_string())\n\
         }}\n\
         /// `json` through the types of the fix at `pointer`; `None` for a fix not shown by decoding.\n\
         pub fn decode(pointer: &str, json: &serde_json::Value) -> Option<Decoded> {{\n\
             match pointer {{\n{arms}_ => None,\n}}\n\
         }}\n"
    ))
}

/// The `types` module progenitor generates for the schema at `target` in `normalized` (as
/// [`TARGET`]) and the component schemas it references.
fn types_for(normalized: &Value, target: &str) -> Result<String, String> {
    let schema = normalized
        .pointer(target)
        .cloned()
        .ok_or_else(|| format!("without it there is no schema at {target}"))?;
    let mut schemas: Map<String, Value> = normalized
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    schemas.insert(TARGET.to_string(), schema);
    let needed = closure(&schemas, TARGET);
    schemas.retain(|name, _| needed.contains(name));
    let spec = json!({
        "openapi": "3.0.3",
        "info": {"title": "spec fix types", "version": "0"},
        "paths": {},
        "components": {"schemas": schemas},
    });
    let openapi: openapiv3::OpenAPI =
        serde_json::from_value(spec).map_err(|e| format!("openapiv3 cannot read it: {e}"))?;
    let mut settings = progenitor::GenerationSettings::new();
    settings.with_interface(progenitor::InterfaceStyle::Positional);
    let tokens = crate::catch_progenitor(|| {
        progenitor::Generator::new(&settings).generate_tokens(&openapi)
    })?;
    // No JsonSchema derives here, so none of the post-processing the bindings get is needed.
    let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
    let types = file
        .items
        .into_iter()
        .find(|item| matches!(item, syn::Item::Mod(m) if m.ident == "types"))
        .ok_or("progenitor generated no `types` module")?;
    Ok(quote::quote!(#types).to_string())
}
