//! The operation table the hand-written layer builds its requests from.
//!
//! One constant per generated operation (`CREATE_ASSISTANT`, …) with its HTTP method, path
//! template and whether it may be re-sent after a failure. The ergonomic layer refers to these
//! constants instead of spelling paths, so an operation that a new spec renames or removes
//! breaks the build instead of a request at run time. Whether an operation answers with an
//! event stream decides which size limit its body gets (a whole body, or each event).

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

/// Rust source declaring one `Operation` constant per operation of the normalized spec, plus
/// `ALL`. The including module must define
/// `Operation { id, method, path, retry_safe, streams }`.
pub fn table(normalized: &Value) -> String {
    let mut consts = String::new();
    let mut all = Vec::new();
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
                all.push(name);
            }
        }
    }
    let _ = writeln!(
        consts,
        "/// Every operation, in spec order.\npub(crate) const ALL: &[Operation] = &[{}];",
        all.join(", ")
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
