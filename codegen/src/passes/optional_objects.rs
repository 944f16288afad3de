//! `optional-objects`: an optional free-form object is an `Option`.
//!
//! typify maps an optional `{type: object}` without properties to a `Map` that defaults to
//! empty and is skipped when empty. That fails on the `null` the server sends for many of
//! them (`ThreadState.parent_checkpoint`, `Interrupt.response_schema`, the schemas of a graph
//! it cannot derive), and a request can never send an explicit `{}`. Marked `nullable`, the
//! field becomes `Option<Map>`: absent, `null` and `{}` are all expressible.

use serde_json::{Value, json};

use super::{Ctx, Pass};
use crate::{Error, pointer::for_each_schema};

pub(super) const PASS: Pass = Pass {
    name: "optional-objects",
    why: "optional free-form objects must accept null and be able to send {}",
    edit: "codegen/src/passes/optional_objects.rs",
    run,
};

fn is_free_form_object(schema: &serde_json::Map<String, Value>) -> bool {
    schema.get("type") == Some(&json!("object"))
        && ![
            "properties",
            "additionalProperties",
            "allOf",
            "anyOf",
            "oneOf",
            "$ref",
        ]
        .iter()
        .any(|k| schema.contains_key(*k))
}

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    let mut spec = std::mem::take(&mut ctx.spec);
    let mut log = Vec::new();
    for_each_schema(&mut spec, &mut |at, schema| {
        let Some(Value::Object(props)) = schema.get("properties") else {
            return Ok(());
        };
        let required: Vec<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let optional: Vec<String> = props
            .iter()
            .filter(|(name, s)| {
                !required.contains(name)
                    && s.as_object().is_some_and(|s| {
                        is_free_form_object(s) && s.get("nullable") != Some(&json!(true))
                    })
            })
            .map(|(name, _)| name.clone())
            .collect();
        let Some(Value::Object(props)) = schema.get_mut("properties") else {
            return Ok(());
        };
        for name in optional {
            if let Some(Value::Object(prop)) = props.get_mut(&name) {
                prop.insert("nullable".into(), json!(true));
                log.push(crate::pointer::join(
                    &crate::pointer::join(at, "properties"),
                    &name,
                ));
            }
        }
        Ok(())
    })?;
    ctx.spec = spec;
    for at in log {
        ctx.log(&at, "optional free-form object -> nullable");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::run_one;

    #[test]
    fn optional_free_form_objects_become_nullable() {
        let spec = json!({"components": {"schemas": {"S": {
            "type": "object",
            "required": ["must"],
            "properties": {
                "must": {"type": "object"},
                "maybe": {"type": "object"},
                "shaped": {"type": "object", "properties": {"a": {"type": "string"}}},
                "text": {"type": "string"}
            }
        }}}});
        let (out, changes) = run_one(&PASS, spec).unwrap();
        let props = &out["components"]["schemas"]["S"]["properties"];
        assert_eq!(props["maybe"], json!({"type": "object", "nullable": true}));
        assert_eq!(props["must"], json!({"type": "object"}));
        assert!(props["shaped"].get("nullable").is_none());
        assert_eq!(changes.len(), 1);
    }
}
