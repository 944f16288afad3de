//! `request-defaults`: request bodies send only what the caller set.
//!
//! typify turns an optional field with a spec `default` into a non-`Option` field that is
//! always serialized, so every request would carry the spec's defaults
//! (`multitask_strategy: "enqueue"`, `stream_mode: ["values"]`, the deprecated
//! `checkpoint_during: false`, …) and override the server's own choice the day the two drift.
//! For every schema a request body can reach, property defaults move into the description
//! ("Server default: …") and the field becomes an `Option` that is omitted when unset.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Ctx, Pass};
use crate::{Error, pointer::for_each_schema};

pub(super) const PASS: Pass = Pass {
    name: "request-defaults",
    why: "generated request types would always send the spec's defaults",
    edit: "codegen/src/passes/request_defaults.rs",
    run,
};

/// Component names reachable from any request body.
fn request_components(spec: &Value) -> BTreeSet<String> {
    let mut bodies = Vec::new();
    if let Some(Value::Object(paths)) = spec.get("paths") {
        for item in paths.values().filter_map(Value::as_object) {
            for op in item.values() {
                if let Some(body) = op.get("requestBody") {
                    super::util::schema_refs(body, &mut bodies);
                }
            }
        }
    }
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    super::util::closure_of(schemas.unwrap_or(&Default::default()), bodies)
}

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    let reachable = request_components(&ctx.spec);
    let mut spec = std::mem::take(&mut ctx.spec);
    let mut log = Vec::new();
    for_each_schema(&mut spec, &mut |at, schema| {
        let tokens = crate::pointer::tokens(at);
        let in_request = match tokens.as_slice() {
            [c, s, name, ..] if c == "components" && s == "schemas" => reachable.contains(name),
            [p, ..] if p == "paths" => tokens.iter().any(|t| t == "requestBody"),
            _ => false,
        };
        let is_property = tokens.len() >= 2 && tokens[tokens.len() - 2] == "properties";
        if !(in_request && is_property) {
            return Ok(());
        }
        if let Some(default) = schema.remove("default") {
            let note = format!("Server default: `{default}`.");
            let description = match schema.get("description").and_then(Value::as_str) {
                Some(d) => format!("{d}\n\n{note}"),
                None => note,
            };
            schema.insert("description".into(), Value::String(description));
            log.push((
                at.to_string(),
                format!("default {default} not sent by the client"),
            ));
        }
        Ok(())
    })?;
    ctx.spec = spec;
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
    fn strips_defaults_reachable_from_request_bodies_only() {
        let spec = json!({
            "paths": {"/r": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Resp"}}}}}
            }}},
            "components": {"schemas": {
                "Req": {"type": "object", "properties": {
                    "mode": {"type": "string", "default": "enqueue", "description": "How."},
                    "inner": {"$ref": "#/components/schemas/Inner"}
                }},
                "Inner": {"type": "object", "properties": {"n": {"type": "integer", "default": 3}}},
                "Resp": {"type": "object", "properties": {"k": {"type": "integer", "default": 1}}}
            }}
        });
        let (out, changes) = run_one(&PASS, spec).unwrap();
        let s = &out["components"]["schemas"];
        assert_eq!(
            s["Req"]["properties"]["mode"],
            json!({"type": "string", "description": "How.\n\nServer default: `\"enqueue\"`."})
        );
        assert!(
            s["Inner"]["properties"]["n"].get("default").is_none(),
            "reached through a $ref"
        );
        assert_eq!(
            s["Resp"]["properties"]["k"]["default"],
            json!(1),
            "response-only schemas keep defaults"
        );
        assert_eq!(changes.len(), 2);
    }
}
