//! `drop-ops`: remove the operations the SDK does not bind, each with its reason.

use serde_json::Value;

use super::{Ctx, Pass};
use crate::{Error, pointer::join};

pub(super) const PASS: Pass = Pass {
    name: "drop-ops",
    why: "protocol endpoints that are not part of the SDK surface (and one progenitor panics on)",
    edit: "DROPPED_OPERATIONS in codegen/src/passes/drop_ops.rs",
    run,
};

/// `(method, path, reason)` of every operation the SDK deliberately does not generate.
pub const DROPPED_OPERATIONS: &[(&str, &str, &str)] = &[
    (
        "post",
        "/mcp/",
        "MCP JSON-RPC transport for MCP clients, not an SDK concern; it has two success types (200 JSON, 202 empty), which makes progenitor panic",
    ),
    (
        "get",
        "/mcp/",
        "MCP transport: only answers 405, documents no success response",
    ),
    (
        "delete",
        "/mcp/",
        "MCP transport: only answers 404, documents no success response",
    ),
    (
        "post",
        "/a2a/{assistant_id}",
        "A2A JSON-RPC for agent-to-agent clients; JSON or SSE chosen by Accept, which a typed binding cannot express",
    ),
    (
        "get",
        "/docs",
        "interactive HTML documentation for browsers",
    ),
    (
        "get",
        "/metrics",
        "Prometheus/JSON metrics for scrapers, not for API clients",
    ),
];

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    for (method, path, _) in DROPPED_OPERATIONS {
        let at = join(&join("/paths", path), method);
        let Some(Value::Object(paths)) = ctx.spec.get_mut("paths") else {
            return Err(ctx.error("/paths", "the spec has no paths"));
        };
        let removed = match paths.get_mut(*path) {
            Some(Value::Object(item)) => {
                let removed = item.remove(*method).is_some();
                if !item
                    .keys()
                    .any(|k| crate::pointer::HTTP_METHODS.contains(&k.as_str()))
                {
                    paths.remove(*path);
                }
                removed
            }
            _ => false,
        };
        if removed {
            ctx.log(&at, "dropped");
        } else {
            ctx.problem(
                &at,
                "listed in DROPPED_OPERATIONS but not in the spec: remove the stale entry",
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::run_one;
    use serde_json::json;

    fn all_dropped() -> Value {
        let mut paths = serde_json::Map::new();
        for (method, path, _) in DROPPED_OPERATIONS {
            let item = paths.entry(path.to_string()).or_insert(json!({}));
            item[*method] = json!({"operationId": "x"});
        }
        paths.insert("/ok".into(), json!({"get": {"operationId": "ok"}}));
        json!({ "paths": paths })
    }

    #[test]
    fn drops_listed_operations_and_empty_paths() {
        let (out, changes) = run_one(&PASS, all_dropped()).unwrap();
        assert_eq!(
            out,
            json!({"paths": {"/ok": {"get": {"operationId": "ok"}}}})
        );
        assert_eq!(changes.len(), DROPPED_OPERATIONS.len());
    }

    #[test]
    fn stale_entry_is_an_error() {
        let mut spec = all_dropped();
        spec["paths"].as_object_mut().unwrap().remove("/docs");
        let err = run_one(&PASS, spec).unwrap_err();
        assert_eq!(err.pointer, "/paths/~1docs/get");
    }
}
