//! Union passes: `string-unions` and `anyof-to-oneof`.
//!
//! `string-unions`: an `anyOf` of string schemas one of which is an unconstrained string
//! (`[uuid, string]`: "an assistant id or a graph name") accepts any string, so it becomes
//! `type: string`. typify would otherwise make a struct of it, and progenitor panics on a
//! struct-typed path parameter.
//!
//! `anyof-to-oneof`: for an `anyOf` whose branches are not all objects, typify emits a struct
//! of `#[serde(flatten)] Option<Branch>` fields that fails on every plain value (`"node_a"`
//! for `Command.goto`). As `oneOf` it becomes an untagged enum: the first matching branch
//! wins, which is the only reading a client can use for such a union anyway.

use serde_json::{Map, Value, json};

use super::{Ctx, Pass, util::ANNOTATIONS};
use crate::{Error, pointer::for_each_schema};

pub(super) const STRING_UNIONS: Pass = Pass {
    name: "string-unions",
    why: "a union with a plain string accepts any string; typify would make it a struct",
    edit: "codegen/src/passes/unions.rs",
    run: run_string_unions,
};

pub(super) const ANYOF_TO_ONEOF: Pass = Pass {
    name: "anyof-to-oneof",
    why: "typify mistypes non-object anyOf as a struct of flattened options",
    edit: "codegen/src/passes/unions.rs",
    run: run_anyof_to_oneof,
};

fn is_plain_string(schema: &Value) -> bool {
    schema.as_object().is_some_and(|m| {
        m.get("type") == Some(&json!("string"))
            && m.keys()
                .all(|k| k == "type" || ANNOTATIONS.contains(&k.as_str()))
    })
}

fn is_string(schema: &Value) -> bool {
    schema.get("type") == Some(&json!("string"))
}

fn run_string_unions(ctx: &mut Ctx) -> Result<(), Error> {
    let mut spec = std::mem::take(&mut ctx.spec);
    let mut log = Vec::new();
    for_each_schema(&mut spec, &mut |at, schema| {
        let Some(Value::Array(branches)) = schema.get("anyOf") else {
            return Ok(());
        };
        if branches.iter().all(is_string) && branches.iter().any(is_plain_string) {
            schema.remove("anyOf");
            schema.insert("type".into(), json!("string"));
            log.push(at.to_string());
        }
        Ok(())
    })?;
    ctx.spec = spec;
    for at in log {
        ctx.log(&at, "union of strings including any string -> string");
    }
    Ok(())
}

/// A branch that typify treats as an object (a struct it can flatten).
fn is_object(schema: &Value, components: &Map<String, Value>) -> bool {
    if let Some(Value::String(r)) = schema.get("$ref") {
        let name = r.trim_start_matches("#/components/schemas/");
        return components
            .get(name)
            .is_some_and(|s| is_object(s, components));
    }
    schema.get("type") == Some(&json!("object")) || schema.get("properties").is_some()
}

fn run_anyof_to_oneof(ctx: &mut Ctx) -> Result<(), Error> {
    let components = ctx
        .spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut spec = std::mem::take(&mut ctx.spec);
    let mut log = Vec::new();
    let mut found = Vec::new();
    let result = for_each_schema(&mut spec, &mut |at, schema| {
        let Some(Value::Array(branches)) = schema.get("anyOf") else {
            return Ok(());
        };
        if branches.iter().all(|b| is_object(b, &components)) {
            return Ok(());
        }
        if schema.contains_key("oneOf") {
            found.push(Error::new(
                ANYOF_TO_ONEOF.name,
                at,
                "both anyOf and oneOf on one schema",
            ));
            return Ok(());
        }
        let branches = schema.remove("anyOf").unwrap_or_default();
        schema.insert("oneOf".into(), branches);
        log.push(at.to_string());
        Ok(())
    });
    ctx.spec = spec;
    ctx.problems(found);
    result?;
    for at in log {
        ctx.log(&at, "anyOf with non-object branches -> oneOf");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::run_one;

    fn schemas(s: Value) -> Value {
        json!({"components": {"schemas": s}})
    }

    #[test]
    fn uuid_or_name_becomes_string() {
        let spec = schemas(
            json!({"P": {"anyOf": [{"type": "string", "format": "uuid"}, {"type": "string"}], "title": "Id"}}),
        );
        let (out, _) = run_one(&STRING_UNIONS, spec).unwrap();
        assert_eq!(
            out["components"]["schemas"]["P"],
            json!({"title": "Id", "type": "string"})
        );
    }

    #[test]
    fn constrained_strings_stay_a_union() {
        let s = json!({"P": {"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "string", "pattern": "^x"}]}});
        let (out, changes) = run_one(&STRING_UNIONS, schemas(s.clone())).unwrap();
        assert_eq!(out["components"]["schemas"], s);
        assert!(changes.is_empty());
    }

    #[test]
    fn mixed_any_of_becomes_one_of() {
        let spec = schemas(json!({
            "Send": {"type": "object", "properties": {"node": {"type": "string"}}},
            "G": {"anyOf": [{"$ref": "#/components/schemas/Send"}, {"type": "string"}, {"enum": [null]}]}
        }));
        let (out, _) = run_one(&ANYOF_TO_ONEOF, spec).unwrap();
        assert!(out["components"]["schemas"]["G"].get("oneOf").is_some());
        assert!(out["components"]["schemas"]["G"].get("anyOf").is_none());
    }

    #[test]
    fn all_object_any_of_is_kept() {
        let spec = schemas(json!({
            "A": {"type": "object"},
            "G": {"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "object", "properties": {}}]}
        }));
        let (out, changes) = run_one(&ANYOF_TO_ONEOF, spec).unwrap();
        assert!(out["components"]["schemas"]["G"].get("anyOf").is_some());
        assert!(changes.is_empty());
    }
}
