//! `content`: keep only `application/json` where a body offers several media types.
//!
//! progenitor already picks JSON silently; doing it here makes the choice visible in the log,
//! and a body with several media types but no JSON among them is an error.

use serde_json::Value;

use super::{Ctx, Pass};
use crate::{Error, pointer::join};

pub(super) const PASS: Pass = Pass {
    name: "content",
    why: "progenitor binds one media type per body",
    edit: "SPEC_FIXES in codegen/src/passes/spec_fixes.rs",
    run,
};

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    let mut log = Vec::new();
    let mut errors = Vec::new();
    for (at, _, _, op) in crate::pointer::operations(&mut ctx.spec) {
        let mut holders: Vec<(String, &mut Value)> = Vec::new();
        for (key, value) in op.iter_mut() {
            match (key.as_str(), value) {
                ("requestBody", body) => holders.push((join(&at, "requestBody"), body)),
                ("responses", Value::Object(responses)) => {
                    for (status, r) in responses.iter_mut() {
                        holders.push((join(&join(&at, "responses"), status), r));
                    }
                }
                _ => {}
            }
        }
        for (holder_at, holder) in holders {
            let Some(Value::Object(content)) = holder.get_mut("content") else {
                continue;
            };
            if content.len() <= 1 {
                continue;
            }
            let at = join(&holder_at, "content");
            if !content.contains_key("application/json") {
                errors.push(at);
                continue;
            }
            let dropped: Vec<String> = content
                .keys()
                .filter(|k| *k != "application/json")
                .cloned()
                .collect();
            content.retain(|k, _| k == "application/json");
            log.push((
                at,
                format!("kept application/json, dropped {}", dropped.join(", ")),
            ));
        }
    }
    for at in errors {
        ctx.problem(&at, "several media types and none is application/json");
    }
    for (at, what) in log {
        ctx.log(&at, what);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::run_one;
    use serde_json::json;

    #[test]
    fn keeps_json_only() {
        let spec = json!({"paths": {"/m": {"get": {"responses": {"200": {"content": {
            "text/plain": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}}
        }}}}}}});
        let (out, changes) = run_one(&PASS, spec).unwrap();
        assert_eq!(
            out.pointer("/paths/~1m/get/responses/200/content").unwrap(),
            &json!({"application/json": {"schema": {"type": "object"}}})
        );
        assert_eq!(changes.len(), 1);
    }

    #[test]
    fn no_json_among_several_is_an_error() {
        let spec = json!({"paths": {"/m": {"get": {"responses": {"200": {"content": {
            "text/plain": {}, "text/html": {}
        }}}}}}});
        let err = run_one(&PASS, spec).unwrap_err();
        assert_eq!(err.pointer, "/paths/~1m/get/responses/200/content");
    }
}
