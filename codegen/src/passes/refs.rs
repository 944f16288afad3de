//! `refs`: every `$ref` resolves.
//!
//! progenitor meets a dangling reference with `$ref #/components/schemas/Nope is missing`,
//! naming no place in the spec. Checked here, each dangling reference is reported with the
//! pointer of the `$ref` itself, all of them in one run. It runs after `spec-fixes`, so that
//! a fix can supply what the published spec lacks; [`super::normalize`] checks again at the
//! end for references the later passes or tables made.

use serde_json::Value;

use super::{Ctx, Pass};
use crate::{Error, pointer::join};

pub(crate) const PASS: Pass = Pass {
    name: "refs",
    why: "progenitor fails on a dangling $ref without saying where it is",
    edit: "SPEC_FIXES in codegen/src/passes/spec_fixes.rs",
    run,
};

/// `(pointer of the object holding the $ref, the $ref)` for every reference that does not
/// resolve within the document (external references included: progenitor reads one file).
pub(crate) fn dangling(spec: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(spec, spec, "", &mut out);
    out
}

fn walk(spec: &Value, value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref")
                && resolve(spec, target).is_none()
            {
                out.push((at.to_string(), target.clone()));
            }
            for (key, sub) in map {
                // Example values are data, not schema: a `$ref` key there is just a key.
                if key != "example" {
                    walk(spec, sub, &join(at, key), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, sub) in items.iter().enumerate() {
                walk(spec, sub, &join(at, &i.to_string()), out);
            }
        }
        _ => {}
    }
}

/// The value a local `$ref` (`#/json/pointer`, possibly percent-encoded) points at.
fn resolve<'a>(spec: &'a Value, target: &str) -> Option<&'a Value> {
    let pointer = target.strip_prefix('#')?;
    let mut decoded = Vec::with_capacity(pointer.len());
    let bytes = pointer.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    spec.pointer(&String::from_utf8(decoded).ok()?)
}

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    for (at, target) in dangling(&ctx.spec) {
        let why = if target.starts_with('#') {
            "resolves to nothing in the spec"
        } else {
            "is external; progenitor reads one document"
        };
        ctx.problem(
            &join(&at, "$ref"),
            format!("`$ref` `{target}` {why}: fix the spec with an entry in SPEC_FIXES"),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::run_one_all;
    use serde_json::json;

    #[test]
    fn every_dangling_ref_is_reported_with_its_pointer() {
        let spec = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Nope"}
            }}}}}}},
            "components": {"schemas": {
                "S": {"type": "object", "properties": {
                    "ok": {"$ref": "#/components/schemas/S"},
                    "bad": {"items": {"$ref": "#/components/schemas/Gone"}},
                    "far": {"$ref": "other.json#/X"}
                }, "example": {"$ref": "not a reference"}},
                "T~/": {"type": "string"},
                "U": {"$ref": "#/components/schemas/T~0~1"}
            }}
        });
        let (_, _, problems) = run_one_all(&PASS, spec);
        let found: Vec<(&str, bool)> = problems
            .iter()
            .map(|p| (p.pointer.as_str(), p.message.contains("external")))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "/paths/~1a/get/responses/200/content/application~1json/schema/$ref",
                    false
                ),
                ("/components/schemas/S/properties/bad/items/$ref", false),
                ("/components/schemas/S/properties/far/$ref", true),
            ]
        );
    }

    #[test]
    fn percent_encoded_refs_resolve() {
        let spec = json!({"components": {"schemas": {"A{b}": {}}}});
        assert!(resolve(&spec, "#/components/schemas/A%7Bb%7D").is_some());
        assert!(resolve(&spec, "#/components/schemas/A%7Bc%7D").is_none());
    }
}
