//! `keywords`: refuse schema keywords the normalizer was not written for.
//!
//! openapiv3 silently ignores keywords it does not model (that is how `const` got lost), and
//! 3.1 adds many (`prefixItems`, `$defs`, `if`/`then`, `unevaluatedProperties`, …). Anything
//! outside the list below stops the build, naming the pointer, so that a new server release
//! is read by a human before it is trusted.

use super::{Ctx, Pass};
use crate::{Error, pointer::for_each_schema};

pub(super) const PASS: Pass = Pass {
    name: "keywords",
    why: "unknown keywords would be dropped silently by openapiv3",
    edit: "KNOWN in codegen/src/passes/keywords.rs, once a pass handles the keyword",
    run,
};

/// Schema keywords that the later passes handle or that progenitor reads correctly.
const KNOWN: &[&str] = &[
    // structure
    "type",
    "properties",
    "required",
    "items",
    "additionalProperties",
    "enum",
    "const",
    "anyOf",
    "oneOf",
    "allOf",
    "$ref",
    "nullable",
    "format",
    // validation progenitor/typify understand
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "uniqueItems",
    "multipleOf",
    // annotations
    "title",
    "description",
    "default",
    "deprecated",
    "example",
    "readOnly",
    "writeOnly",
];

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    let mut spec = std::mem::take(&mut ctx.spec);
    let mut found = Vec::new();
    let result = for_each_schema(&mut spec, &mut |at, schema| {
        for key in schema.keys() {
            if !KNOWN.contains(&key.as_str()) && !key.starts_with("x-") {
                found.push(Error::new(
                    PASS.name,
                    &crate::pointer::join(at, key),
                    format!(
                        "unknown schema keyword `{key}`: teach the normalizer about it \
                         (codegen/src/passes) before trusting the generated code"
                    ),
                ));
            }
        }
        Ok(())
    });
    ctx.spec = spec;
    ctx.problems(found);
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::run_one;
    use serde_json::json;

    #[test]
    fn accepts_known_keywords() {
        let spec = json!({"components": {"schemas": {"A": {"type": "object", "title": "A",
            "properties": {"x": {"type": "string", "x-extra": 1}}}}}});
        run_one(&PASS, spec).unwrap();
    }

    #[test]
    fn rejects_unknown_keyword_with_pointer() {
        let spec = json!({"components": {"schemas": {"A": {"type": "object",
            "properties": {"x": {"type": "array", "prefixItems": [{"type": "string"}]}}}}}});
        let err = run_one(&PASS, spec).unwrap_err();
        assert_eq!(
            err.pointer,
            "/components/schemas/A/properties/x/prefixItems"
        );
        assert!(
            err.to_string()
                .contains("unknown schema keyword `prefixItems`")
        );
    }
}
