//! `explicit-nulls`: request fields where `null` means something other than "not set".
//!
//! typify maps an optional nullable field to one `Option`, omitted when `None`, so `null` can
//! never be sent. Where the API gives `null` a meaning of its own (clearing a cron's
//! `end_time`), the field becomes an untyped JSON value: `None` leaves it out, `Some(null)`
//! sends `null`, `Some(value)` sends the value. The ergonomic layer puts the type back.

use serde_json::{Value, json};

use super::{Ctx, Pass};
use crate::Error;

pub(super) const PASS: Pass = Pass {
    name: "explicit-nulls",
    why: "an `Option` cannot tell `null` from absent",
    edit: "EXPLICIT_NULLS in codegen/src/passes/explicit_nulls.rs",
    run,
};

/// `(pointer, what null means there)`.
pub const EXPLICIT_NULLS: &[(&str, &str)] = &[(
    "/components/schemas/CronPatch/properties/end_time",
    "`null` clears the end time; leaving it out keeps it",
)];

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    for (pointer, meaning) in EXPLICIT_NULLS {
        let nullable = match ctx.spec.pointer(pointer) {
            Some(Value::Object(schema)) => schema.get("nullable") == Some(&json!(true)),
            _ => {
                ctx.problem(
                    pointer,
                    "listed in EXPLICIT_NULLS but not in the spec: remove the stale entry",
                );
                continue;
            }
        };
        if !nullable {
            ctx.problem(
                pointer,
                "listed in EXPLICIT_NULLS but not nullable: review the entry",
            );
            continue;
        }
        let Some(Value::Object(schema)) = ctx.spec.pointer_mut(pointer) else {
            continue;
        };
        let ty = schema.get("type").cloned().unwrap_or(Value::Null);
        let format = schema.get("format").cloned().unwrap_or(Value::Null);
        let description = schema
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        *schema = serde_json::Map::new();
        schema.insert(
            "description".into(),
            Value::String(format!("{description}\n\nA JSON value of type {ty} (format {format}), or `null`: {meaning}.")),
        );
        ctx.log(
            pointer,
            format!("nullable {ty} -> any JSON value ({meaning})"),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::run_one;

    #[test]
    fn listed_fields_become_any_json() {
        let spec = json!({"components": {"schemas": {"CronPatch": {"type": "object", "properties": {
            "end_time": {"type": "string", "format": "date-time", "nullable": true, "description": "End."}
        }}}}});
        let (out, changes) = run_one(&PASS, spec).unwrap();
        let field = &out["components"]["schemas"]["CronPatch"]["properties"]["end_time"];
        assert!(field.get("type").is_none());
        assert!(
            field["description"]
                .as_str()
                .unwrap()
                .contains("clears the end time")
        );
        assert_eq!(changes.len(), 1);
    }

    #[test]
    fn stale_entry_is_an_error() {
        let err = run_one(&PASS, json!({"components": {"schemas": {}}})).unwrap_err();
        assert!(err.message.contains("stale"), "{err}");
    }
}
