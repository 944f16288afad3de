//! `ref-siblings`: `{$ref, description, …}` → `{allOf: [{$ref}], description}`.
//!
//! openapiv3 reads a `$ref` with siblings as a bare reference and drops the siblings, losing
//! the field's documentation. A one-element `allOf` keeps it, and typify resolves it to the
//! referenced type. Only annotations survive: a `type` or `title` next to a `$ref` says
//! nothing the target does not, and a title would make typify mint a new type.

use serde_json::{Map, json};

use super::{Ctx, Pass};
use crate::{Error, pointer::for_each_schema};

pub(super) const PASS: Pass = Pass {
    name: "ref-siblings",
    why: "openapiv3 drops the siblings of a $ref (field docs)",
    edit: "codegen/src/passes/ref_siblings.rs",
    run,
};

const KEPT: &[&str] = &["description", "default", "deprecated"];

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    let mut spec = std::mem::take(&mut ctx.spec);
    let mut log = Vec::new();
    for_each_schema(&mut spec, &mut |at, schema| {
        if schema.len() > 1 && schema.contains_key("$ref") {
            let reference = schema.remove("$ref").unwrap_or_default();
            let mut out = Map::new();
            out.insert("allOf".into(), json!([{ "$ref": reference }]));
            for (k, v) in std::mem::take(schema) {
                if KEPT.contains(&k.as_str()) || k.starts_with("x-") {
                    out.insert(k, v);
                }
            }
            *schema = out;
            log.push(at.to_string());
        }
        Ok(())
    })?;
    ctx.spec = spec;
    for at in log {
        ctx.log(&at, "$ref with siblings wrapped in allOf");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::run_one;

    #[test]
    fn wraps_ref_and_keeps_annotations() {
        let spec = json!({"components": {"schemas": {"A": {"properties": {"c": {
            "$ref": "#/components/schemas/C", "description": "d", "title": "C", "type": "object"
        }}}}}});
        let (out, changes) = run_one(&PASS, spec).unwrap();
        assert_eq!(
            out.pointer("/components/schemas/A/properties/c").unwrap(),
            &json!({"allOf": [{"$ref": "#/components/schemas/C"}], "description": "d"})
        );
        assert_eq!(changes.len(), 1);
    }

    #[test]
    fn bare_ref_is_untouched() {
        let spec = json!({"components": {"schemas": {"A": {"$ref": "#/components/schemas/C"}}}});
        let (out, changes) = run_one(&PASS, spec.clone()).unwrap();
        assert_eq!(out, spec);
        assert!(changes.is_empty());
    }
}
