//! `inline-refs`: an inline object identical to a component becomes a reference to it.
//!
//! pydantic inlines copies of `Config` (same title, same shape) into six schemas; typify
//! would otherwise define `Config` twice (E0428) or reuse one type for a different shape.
//! Only the shape counts (annotations ignored); the use-site description is kept.

use serde_json::{Map, Value, json};

use super::{Ctx, Pass, util::shape};
use crate::{Error, pointer::for_each_schema};

pub(super) const PASS: Pass = Pass {
    name: "inline-refs",
    why: "inlined copies of a component must be that component, not a second type",
    edit: "codegen/src/passes/inline_refs.rs",
    run,
};

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    let components: Vec<(String, Value)> = ctx
        .spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(_, s)| s.get("properties").is_some())
                .map(|(name, s)| (name.clone(), shape(s)))
                .collect()
        })
        .unwrap_or_default();
    let mut spec = std::mem::take(&mut ctx.spec);
    let mut log = Vec::new();
    for_each_schema(&mut spec, &mut |at, schema| {
        if at.starts_with("/components/schemas/") && at.matches('/').count() == 3 {
            return Ok(()); // a component itself
        }
        if !schema.contains_key("properties") {
            return Ok(());
        }
        let this = shape(&Value::Object(schema.clone()));
        if let Some((name, _)) = components.iter().find(|(_, s)| *s == this) {
            let mut out = Map::new();
            out.insert(
                "allOf".into(),
                json!([{ "$ref": format!("#/components/schemas/{name}") }]),
            );
            if let Some(d) = schema.get("description") {
                out.insert("description".into(), d.clone());
            }
            *schema = out;
            log.push((at.to_string(), format!("inline copy of {name} -> $ref")));
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

    #[test]
    fn identical_inline_object_becomes_ref() {
        let config = json!({"type": "object", "title": "Config", "properties": {"tags": {"type": "array", "items": {"type": "string"}}}});
        let mut inline = config.clone();
        inline["description"] = json!("the config");
        let spec = json!({"components": {"schemas": {
            "Config": config,
            "A": {"type": "object", "properties": {"config": inline, "other": {"type": "object", "properties": {"x": {"type": "string"}}}}}
        }}});
        let (out, changes) = run_one(&PASS, spec).unwrap();
        assert_eq!(
            out.pointer("/components/schemas/A/properties/config")
                .unwrap(),
            &json!({"allOf": [{"$ref": "#/components/schemas/Config"}], "description": "the config"})
        );
        assert_eq!(changes.len(), 1, "the different object is left alone");
    }
}
