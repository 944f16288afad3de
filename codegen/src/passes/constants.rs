//! `constants`: `const: v` → `enum: [v]`.
//!
//! openapiv3 has no `const` and drops it silently: `ProtocolSuccess.type` would become a plain
//! `String` with no discriminator. A one-value enum keeps the constraint.

use serde_json::{Value, json};

use super::{Ctx, Pass};
use crate::{Error, pointer::for_each_schema};

pub(super) const PASS: Pass = Pass {
    name: "constants",
    why: "openapiv3 silently drops `const`",
    edit: "codegen/src/passes/constants.rs",
    run,
};

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    let mut spec = std::mem::take(&mut ctx.spec);
    let mut log = Vec::new();
    let mut found = Vec::new();
    let result = for_each_schema(&mut spec, &mut |at, schema| {
        if let Some(value) = schema.remove("const") {
            if let Some(existing) = schema.get("enum")
                && existing != &json!([value.clone()])
            {
                found.push(Error::new(
                    PASS.name,
                    &format!("{at}/const"),
                    "`const` next to a different `enum`",
                ));
                return Ok(());
            }
            schema.insert("enum".into(), Value::Array(vec![value]));
            log.push(at.to_string());
        }
        Ok(())
    });
    ctx.spec = spec;
    ctx.problems(found);
    result?;
    for at in log {
        ctx.log(&at, "const -> one-value enum");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::run_one;

    #[test]
    fn const_becomes_enum() {
        let spec =
            json!({"components": {"schemas": {"S": {"type": "string", "const": "success"}}}});
        let (out, _) = run_one(&PASS, spec).unwrap();
        assert_eq!(
            out["components"]["schemas"]["S"],
            json!({"type": "string", "enum": ["success"]})
        );
    }

    #[test]
    fn conflicting_enum_is_an_error() {
        let spec = json!({"components": {"schemas": {"S": {"const": "a", "enum": ["b"]}}}});
        assert_eq!(
            run_one(&PASS, spec).unwrap_err().pointer,
            "/components/schemas/S/const"
        );
    }
}
