//! `version`: declare OpenAPI 3.0.3 and drop the 3.1-only top-level keys.
//!
//! progenitor rejects any `openapi` other than 3.0.x. The schema-level 3.1 constructs are
//! rewritten by the passes that follow; a version this code was not written for is an error.

use serde_json::{Value, json};

use super::{Ctx, Pass};
use crate::Error;

pub(super) const PASS: Pass = Pass {
    name: "version",
    why: "progenitor only accepts OpenAPI 3.0.x",
    edit: "codegen/src/passes/version.rs",
    run,
};

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    let version = ctx
        .spec
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if !(version.starts_with("3.1.") || version.starts_with("3.0.")) {
        ctx.problem(
            "/openapi",
            format!("unsupported OpenAPI version {version:?}: the normalizer handles 3.0 and 3.1"),
        );
        return Ok(());
    }
    if version != "3.0.3" {
        ctx.spec["openapi"] = json!("3.0.3");
        ctx.log("/openapi", format!("{version} -> 3.0.3"));
    }
    for (parent, key) in [
        ("", "webhooks"),
        ("", "jsonSchemaDialect"),
        ("/components", "pathItems"),
        ("/info", "summary"),
        ("/info/license", "identifier"),
    ] {
        if let Some(Value::Object(map)) = ctx.spec.pointer_mut(parent)
            && map.remove(key).is_some()
        {
            ctx.log(&format!("{parent}/{key}"), "removed (3.1 only)");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::run_one;

    #[test]
    fn downgrades_and_drops_31_keys() {
        let spec = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1", "summary": "s"}, "webhooks": {}});
        let (out, changes) = run_one(&PASS, spec).unwrap();
        assert_eq!(
            out,
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}})
        );
        assert_eq!(changes.len(), 3);
    }

    #[test]
    fn rejects_unknown_version() {
        let err = run_one(&PASS, json!({"openapi": "4.0.0"})).unwrap_err();
        assert_eq!(err.pointer, "/openapi");
        assert!(err.to_string().contains("4.0.0"));
    }
}
