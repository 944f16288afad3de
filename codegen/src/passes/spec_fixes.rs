//! `spec-fixes`: where the published spec disagrees with what the server sends.
//!
//! Each entry replaces one value, found by pointer, and states the value it expects to find
//! there. If the value differs (the server fixed its spec, or changed it), the build fails so
//! that the entry is reviewed instead of silently patching something else. Every entry is
//! covered by a live test against the real server (`tests/live_conformance.rs`).

use serde_json::Value;

use super::{Ctx, Pass, util::shape};
use crate::Error;

pub(super) const PASS: Pass = Pass {
    name: "spec-fixes",
    why: "strict types fail on what the real server sends where the spec is wrong",
    run,
};

/// One correction of the published spec.
pub struct SpecFix {
    /// JSON pointer of the value to replace (in the spec as published).
    pub pointer: &'static str,
    /// The value the published spec has there (JSON; annotations are ignored when comparing).
    pub expect: &'static str,
    /// The value the server actually honours (JSON, in the spec's own 3.1 dialect).
    pub replace: &'static str,
    /// Why, in one line.
    pub reason: &'static str,
}

/// The fixes, in the order they are applied.
pub const SPEC_FIXES: &[SpecFix] = &[
    SpecFix {
        pointer: "/components/schemas/Thread/properties/values/type",
        expect: r#""object""#,
        replace: r#"["object", "null"]"#,
        reason: "a thread that never ran has `values: null`",
    },
    SpecFix {
        pointer: "/paths/~1info/get/responses/200/content/application~1json/schema/required",
        expect: r#"["version", "langgraph_py_version", "flags", "metadata"]"#,
        replace: r#"["version", "langgraph_py_version", "flags"]"#,
        reason: "`GET /info` has no `metadata` under `langgraph dev`",
    },
    SpecFix {
        pointer: "/paths/~1store~1items/get/parameters/1/schema",
        expect: r#"{"type": "array", "items": {"type": "string"}}"#,
        replace: r#"{"type": "string", "description": "The namespace as ONE dot-joined string (`a.b.c`): the server splits it on `.`; an exploded array would silently read only its first segment."}"#,
        reason: "`GET /store/items` reads `namespace` as one dot-joined string",
    },
    SpecFix {
        pointer: "/paths/~1store~1items/get/responses/200/content/application~1json/schema",
        expect: r##"{"$ref": "#/components/schemas/Item"}"##,
        replace: r##"{"anyOf": [{"$ref": "#/components/schemas/Item"}, {"type": "null"}]}"##,
        reason: "`GET /store/items` answers `200 null` for a missing item",
    },
    SpecFix {
        pointer: "/paths/~1runs/post/responses/200/content/application~1json/schema",
        expect: r#"{}"#,
        replace: r##"{"$ref": "#/components/schemas/Run"}"##,
        reason: "`POST /runs` (background stateless run) returns the created Run",
    },
];

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    for fix in SPEC_FIXES {
        apply(ctx, fix)?;
    }
    Ok(())
}

fn apply(ctx: &mut Ctx, fix: &SpecFix) -> Result<(), Error> {
    let expect: Value = serde_json::from_str(fix.expect)
        .map_err(|e| ctx.error(fix.pointer, format!("bad `expect` JSON in SPEC_FIXES: {e}")))?;
    let replace: Value = serde_json::from_str(fix.replace)
        .map_err(|e| ctx.error(fix.pointer, format!("bad `replace` JSON in SPEC_FIXES: {e}")))?;
    let Some(found) = ctx.spec.pointer_mut(fix.pointer) else {
        return Err(ctx.error(
            fix.pointer,
            format!("spec fix ({}) points at nothing: review the entry", fix.reason),
        ));
    };
    if shape(found) != shape(&expect) {
        let found = found.to_string();
        return Err(ctx.error(
            fix.pointer,
            format!(
                "spec fix ({}) expected {} but the spec has {found}: the spec changed here, \
                 check the server and update or remove the entry",
                fix.reason, fix.expect
            ),
        ));
    }
    *found = replace;
    ctx.log(fix.pointer, fix.reason);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::run_one;
    use serde_json::json;

    #[test]
    fn every_entry_has_valid_json_and_a_reason() {
        for fix in SPEC_FIXES {
            serde_json::from_str::<Value>(fix.expect).unwrap();
            serde_json::from_str::<Value>(fix.replace).unwrap();
            assert!(!fix.reason.is_empty());
        }
    }

    #[test]
    fn applies_to_the_published_spec() {
        let spec: Value =
            serde_json::from_str(include_str!("../../../openapi.json")).unwrap();
        let (out, changes) = run_one(&PASS, spec).unwrap();
        assert_eq!(changes.len(), SPEC_FIXES.len());
        assert_eq!(
            out.pointer("/components/schemas/Thread/properties/values/type"),
            Some(&json!(["object", "null"]))
        );
    }

    #[test]
    fn drifted_value_is_an_error() {
        let mut spec: Value =
            serde_json::from_str(include_str!("../../../openapi.json")).unwrap();
        *spec.pointer_mut("/components/schemas/Thread/properties/values/type").unwrap() =
            json!(["object", "null"]);
        let err = run_one(&PASS, spec).unwrap_err();
        assert_eq!(err.pointer, "/components/schemas/Thread/properties/values/type");
        assert!(err.message.contains("the spec changed here"));
    }
}
