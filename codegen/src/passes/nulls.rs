//! `nulls`: `{type: "null"}` → `{enum: [null]}`.
//!
//! progenitor hits a `todo!()` on the 3.1 null type. `enum: [null]` is the same set of values
//! and typify maps it to JSON null, so `anyOf: [X, null]` becomes `Option<X>` and a wider
//! union gets a `Null` variant that can still *send* an explicit `null`.

use serde_json::{Value, json};

use super::{Ctx, Pass};
use crate::{Error, pointer::for_each_schema};

pub(super) const PASS: Pass = Pass {
    name: "nulls",
    why: "progenitor panics (todo!) on `type: null`",
    edit: "codegen/src/passes/nulls.rs",
    run,
};

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    let mut spec = std::mem::take(&mut ctx.spec);
    let mut log = Vec::new();
    for_each_schema(&mut spec, &mut |at, schema| {
        if schema.get("type") == Some(&Value::String("null".into())) {
            schema.remove("type");
            schema.insert("enum".into(), json!([null]));
            log.push(at.to_string());
        }
        Ok(())
    })?;
    ctx.spec = spec;
    for at in log {
        ctx.log(&at, "type null -> enum [null]");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::run_one;

    #[test]
    fn null_branch_becomes_null_enum() {
        let spec = json!({"components": {"schemas": {"S": {"anyOf": [{"type": "string"}, {"type": "null"}]}}}});
        let (out, changes) = run_one(&PASS, spec).unwrap();
        assert_eq!(
            out["components"]["schemas"]["S"],
            json!({"anyOf": [{"type": "string"}, {"enum": [null]}]})
        );
        assert_eq!(changes[0].pointer, "/components/schemas/S/anyOf/1");
    }
}
