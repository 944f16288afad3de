//! The operation table the hand-written layer builds its requests from.
//!
//! One constant per generated operation (`CREATE_ASSISTANT`, …) with its HTTP method, path
//! template and whether it may be re-sent after a failure. The ergonomic layer refers to these
//! constants instead of spelling paths, so an operation that a new spec renames or removes
//! breaks the build instead of a request at run time. Whether an operation answers with an
//! event stream decides which size limit its body gets (a whole body, or each event).
//!
//! For each operation whose JSON request body is an object (or a list of objects), a second
//! constant `<OPERATION>_FIELDS` lists the body's fields as the spec names them. The run
//! options are checked against these before a request is sent: an option the endpoint does not
//! take is refused instead of being ignored by the server.

use std::fmt::Write as _;

use serde_json::Value;

/// Whether a request for this operation may be sent twice without a second effect.
///
/// GET, PUT, DELETE and HEAD are idempotent by definition. A POST is retried only when it
/// reads: the search, count, list and get operations of this API
/// (`search_threads`, `count_crons`, `list_namespaces`, `get_thread_state_for_checkpoint`).
/// Anything else may create a run, a thread or a cron and is never re-sent.
pub fn retry_safe(method: &str, operation_id: &str) -> bool {
    match method {
        "get" | "put" | "delete" | "head" | "options" => true,
        "post" => ["search_", "count_", "list_", "get_"]
            .iter()
            .any(|p| operation_id.starts_with(p)),
        _ => false,
    }
}

/// Whether an operation answers with an event stream (`text/event-stream`).
fn streams(op: &Value) -> bool {
    op.get("responses")
        .and_then(Value::as_object)
        .is_some_and(|responses| {
            responses.values().any(|r| {
                r.get("content")
                    .and_then(Value::as_object)
                    .is_some_and(|c| c.contains_key("text/event-stream"))
            })
        })
}

/// The fields of an operation's JSON request body, with the name of the body's schema: the
/// properties of the object it names (with those of every `allOf` part), or of the items of a
/// list of objects (a batch).
pub fn body_fields(normalized: &Value, op: &Value) -> Option<(String, Vec<String>)> {
    let schema = op.pointer("/requestBody/content/application~1json/schema")?;
    let name = schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")?;
    let mut fields = Vec::new();
    collect_properties(normalized, schema, &mut fields, 0)?;
    (!fields.is_empty()).then(|| (name.to_string(), fields))
}

/// Adds the properties of `schema` to `fields` (each once, in spec order); `None` for a schema
/// whose fields are not known (a union, say).
fn collect_properties(
    normalized: &Value,
    schema: &Value,
    fields: &mut Vec<String>,
    depth: usize,
) -> Option<()> {
    if depth > 8 {
        return None;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.strip_prefix("#/components/schemas/")?;
        let target = normalized.pointer(&format!("/components/schemas/{name}"))?;
        return collect_properties(normalized, target, fields, depth + 1);
    }
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        return collect_properties(normalized, schema.get("items")?, fields, depth + 1);
    }
    if let Some(Value::Array(parts)) = schema.get("allOf") {
        for part in parts {
            collect_properties(normalized, part, fields, depth + 1)?;
        }
    }
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for name in properties.keys() {
            if !fields.contains(name) {
                fields.push(name.clone());
            }
        }
    }
    Some(())
}

/// Rust source declaring one `Operation` constant per operation of the normalized spec, plus
/// `ALL`, and the body fields of those that take a JSON object (`<OPERATION>_FIELDS`, and all
/// of them in `BODIES`). The
/// including module must define `Operation { id, method, path, retry_safe, streams }`.
pub fn table(normalized: &Value) -> String {
    let mut consts = String::new();
    let mut all = Vec::new();
    let mut bodies = Vec::new();
    if let Some(Value::Object(paths)) = normalized.get("paths") {
        for (path, item) in paths {
            let Value::Object(item) = item else { continue };
            for (method, op) in item {
                let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                let name = id.to_uppercase();
                let _ = writeln!(
                    consts,
                    "/// `{} {path}`\npub(crate) const {name}: Operation = Operation {{ id: {id:?}, method: reqwest::Method::{}, path: {path:?}, retry_safe: {}, streams: {} }};",
                    method.to_uppercase(),
                    method.to_uppercase(),
                    retry_safe(method, id),
                    streams(op),
                );
                if let Some((schema, fields)) = body_fields(normalized, op) {
                    let _ = writeln!(
                        consts,
                        "/// The fields of the `{id}` request body (`{schema}`).\n#[allow(dead_code)]\npub(crate) const {name}_FIELDS: &[&str] = &{fields:?};",
                    );
                    bodies.push(format!("(&{name}, {name}_FIELDS)"));
                }
                all.push(name);
            }
        }
    }
    let _ = writeln!(
        consts,
        "/// Every operation, in spec order.\npub(crate) const ALL: &[Operation] = &[{}];",
        all.join(", ")
    );
    let _ = writeln!(
        consts,
        "/// Every operation whose request body is a JSON object, with the body's fields.\n#[allow(dead_code)]\npub(crate) const BODIES: &[(&Operation, &[&str])] = &[{}];",
        bodies.join(", ")
    );
    consts
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_reading_posts_are_retry_safe() {
        assert!(retry_safe("get", "get_thread"));
        assert!(retry_safe("delete", "delete_thread"));
        assert!(retry_safe("post", "search_threads"));
        assert!(retry_safe("post", "count_crons"));
        assert!(retry_safe("post", "get_thread_state_for_checkpoint"));
        assert!(!retry_safe("post", "create_run"));
        assert!(!retry_safe("post", "wait_run"));
        assert!(!retry_safe("post", "stream_run"));
        assert!(!retry_safe("patch", "update_thread"));
    }

    #[test]
    fn body_fields_come_from_the_schema_or_its_items() {
        let spec = json!({
            "paths": {
                "/runs": {"post": {"operationId": "create_stateless_run", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunCreate"}}}}}},
                "/runs/batch": {"post": {"operationId": "create_batch_runs", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Batch"}}}}}},
                "/runs/stream": {"post": {"operationId": "stream_stateless_run", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Streaming"}}}}}},
                "/ok": {"get": {"operationId": "get_health"}}
            },
            "components": {"schemas": {
                "RunCreate": {"type": "object", "properties": {"assistant_id": {}, "input": {}}},
                "Batch": {"type": "array", "items": {"$ref": "#/components/schemas/RunCreate"}},
                "Streaming": {"allOf": [{"$ref": "#/components/schemas/RunCreate"}, {"type": "object", "properties": {"on_disconnect": {}}}]}
            }}
        });
        let out = table(&spec);
        assert!(
            out.contains(r#"pub(crate) const CREATE_STATELESS_RUN_FIELDS: &[&str] = &["assistant_id", "input"];"#),
            "{out}"
        );
        assert!(
            out.contains(r#"pub(crate) const CREATE_BATCH_RUNS_FIELDS: &[&str] = &["assistant_id", "input"];"#),
            "{out}"
        );
        assert!(
            out.contains(r#"pub(crate) const STREAM_STATELESS_RUN_FIELDS: &[&str] = &["assistant_id", "input", "on_disconnect"];"#),
            "{out}"
        );
        assert!(!out.contains("GET_HEALTH_FIELDS"), "{out}");
        assert!(
            out.contains("pub(crate) const BODIES: &[(&Operation, &[&str])] = &[(&CREATE_STATELESS_RUN, CREATE_STATELESS_RUN_FIELDS), (&CREATE_BATCH_RUNS, CREATE_BATCH_RUNS_FIELDS), (&STREAM_STATELESS_RUN, STREAM_STATELESS_RUN_FIELDS)];"),
            "{out}"
        );
    }

    #[test]
    fn emits_one_constant_per_operation() {
        let spec = json!({"paths": {"/threads/{thread_id}": {
            "get": {"operationId": "get_thread"},
            "patch": {"operationId": "update_thread"}
        }, "/threads/{thread_id}/stream": {
            "get": {"operationId": "join_thread_stream", "responses": {
                "200": {"content": {"text/event-stream": {}}},
                "404": {"content": {"application/json": {}}}
            }}
        }}});
        let out = table(&spec);
        assert!(out.contains(r#"pub(crate) const GET_THREAD: Operation = Operation { id: "get_thread", method: reqwest::Method::GET, path: "/threads/{thread_id}", retry_safe: true, streams: false };"#), "{out}");
        assert!(
            out.contains(
                r#"path: "/threads/{thread_id}/stream", retry_safe: true, streams: true };"#
            ),
            "{out}"
        );
        assert!(out.contains("retry_safe: false"), "{out}");
        assert!(
            out.contains("pub(crate) const ALL: &[Operation] = &[GET_THREAD, UPDATE_THREAD, JOIN_THREAD_STREAM];"),
            "{out}"
        );
    }
}
