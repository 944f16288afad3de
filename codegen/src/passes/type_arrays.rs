//! `type-arrays`: the 3.1 `type: [..]` lists → 3.0 constructs.
//!
//! openapiv3 cannot parse a list of types at all. `[T, "null"]` becomes `type: T` with
//! `nullable: true`; a list of every JSON type means "anything" and becomes no `type`; any
//! other list becomes an `anyOf` of single types (plus `nullable`).

use serde_json::{Value, json};

use super::{Ctx, Pass};
use crate::{Error, pointer::for_each_schema};

pub(super) const PASS: Pass = Pass {
    name: "type-arrays",
    why: "openapiv3 cannot parse `type` lists (OpenAPI 3.1)",
    edit: "codegen/src/passes/type_arrays.rs",
    run,
};

const ALL_TYPES: &[&str] = &["object", "array", "number", "string", "boolean"];

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    let mut spec = std::mem::take(&mut ctx.spec);
    let mut log = Vec::new();
    let mut found = Vec::new();
    let result = for_each_schema(&mut spec, &mut |at, schema| {
        let Some(Value::Array(types)) = schema.get("type") else {
            return Ok(());
        };
        let mut names = Vec::new();
        for t in types {
            match t.as_str() {
                Some(name) => names.push(name.to_string()),
                None => {
                    found.push(Error::new(
                        PASS.name,
                        &format!("{at}/type"),
                        format!("`type` list holds a non-string {t}"),
                    ));
                    return Ok(());
                }
            }
        }
        let nullable = names.iter().any(|n| n == "null");
        names.retain(|n| n != "null");
        schema.remove("type");
        if ALL_TYPES.iter().all(|t| names.iter().any(|n| n == t)) {
            log.push((at.to_string(), "every JSON type: any value".to_string()));
            return Ok(());
        }
        match names.as_slice() {
            [] => {
                schema.insert("enum".into(), json!([null]));
            }
            [one] => {
                schema.insert("type".into(), json!(one));
            }
            many => {
                let branches: Vec<Value> = many.iter().map(|t| json!({ "type": t })).collect();
                schema.insert("anyOf".into(), Value::Array(branches));
            }
        }
        if nullable {
            schema.insert("nullable".into(), json!(true));
        }
        log.push((
            at.to_string(),
            format!("type list -> {names:?}, nullable: {nullable}"),
        ));
        Ok(())
    });
    ctx.spec = spec;
    ctx.problems(found);
    result?;
    for (at, what) in log {
        ctx.log(&at, what);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::run_one;

    fn one(schema: Value) -> Value {
        let spec = json!({"components": {"schemas": {"S": schema}}});
        run_one(&PASS, spec).unwrap().0["components"]["schemas"]["S"].clone()
    }

    #[test]
    fn nullable_single_type() {
        assert_eq!(
            one(json!({"type": ["object", "null"], "title": "V"})),
            json!({"title": "V", "type": "object", "nullable": true})
        );
    }

    #[test]
    fn every_type_is_any() {
        assert_eq!(
            one(json!({"type": ["object", "array", "number", "string", "boolean", "null"]})),
            json!({})
        );
    }

    #[test]
    fn other_lists_become_any_of() {
        assert_eq!(
            one(json!({"type": ["object", "array", "null"]})),
            json!({"anyOf": [{"type": "object"}, {"type": "array"}], "nullable": true})
        );
    }

    #[test]
    fn non_string_entry_is_an_error() {
        let spec = json!({"components": {"schemas": {"S": {"type": [1]}}}});
        let err = run_one(&PASS, spec).unwrap_err();
        assert_eq!(err.pointer, "/components/schemas/S/type");
    }
}
