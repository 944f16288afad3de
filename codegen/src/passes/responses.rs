//! `responses`: every operation has at most one success body type.
//!
//! progenitor asserts this with a bare `assert!` that names no operation; checking it here
//! turns that panic into an error naming the operation's pointer.

use serde_json::Value;

use super::{Ctx, Pass, util::shape};
use crate::{Error, pointer::join};

pub(super) const PASS: Pass = Pass {
    name: "responses",
    why: "progenitor panics without context on a second success response type",
    edit: "DROPPED_OPERATIONS in codegen/src/passes/drop_ops.rs, or SPEC_FIXES in codegen/src/passes/spec_fixes.rs",
    run,
};

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    let mut found = Vec::new();
    for (at, _, _, op) in crate::pointer::operations(&mut ctx.spec) {
        let Some(Value::Object(responses)) = op.get("responses") else {
            continue;
        };
        let mut first: Option<(String, Value)> = None;
        for (status, response) in responses {
            if !status.starts_with('2') {
                continue;
            }
            let body = response
                .pointer("/content/application~1json/schema")
                .map(shape)
                .or_else(|| {
                    response
                        .get("content")
                        .filter(|c| c.as_object().is_some_and(|c| !c.is_empty()))
                        .map(shape)
                })
                .unwrap_or(Value::Null);
            match &first {
                None => first = Some((status.clone(), body)),
                Some((_, seen)) if *seen == body => {}
                Some((seen_status, _)) => {
                    found.push(Error::new(
                        PASS.name,
                        &join(&join(&at, "responses"), status),
                        format!(
                            "a second success response type (also {seen_status}): progenitor \
                             binds one; drop the operation or fix the spec in SPEC_FIXES"
                        ),
                    ));
                }
            }
        }
    }
    ctx.problems(found);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::run_one;
    use serde_json::json;

    #[test]
    fn one_success_type_is_fine() {
        let spec = json!({"paths": {"/a": {"post": {"responses": {
            "200": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "404": {"content": {"application/json": {"schema": {"type": "string"}}}}
        }}}}});
        run_one(&PASS, spec).unwrap();
    }

    #[test]
    fn second_success_type_names_the_response() {
        let spec = json!({"paths": {"/mcp/": {"post": {"responses": {
            "200": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "202": {"description": "accepted"}
        }}}}});
        let err = run_one(&PASS, spec).unwrap_err();
        assert_eq!(err.pointer, "/paths/~1mcp~1/post/responses/202");
    }
}
