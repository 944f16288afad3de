//! `rename-ops`: clean operation names.
//!
//! FastAPI builds operation ids as `<name>_<path>_<method>`, and progenitor uses them verbatim
//! as method and type names (`get_thread_state_at_checkpoint_threads__thread_id__state__…`).
//! This pass strips that suffix, then applies [`OVERRIDES`]: names where the server's id is a
//! copy-paste of another route's (`POST …/versions` has id `…_versions_get`), where stripping
//! collides, or where the SDK's verb is clearer. An id whose suffix does not match its own
//! route and is not overridden, a stale override, or two operations with one name stop the
//! build.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Ctx, Pass};
use crate::{Error, pointer::join};

pub(super) const PASS: Pass = Pass {
    name: "rename-ops",
    why: "FastAPI operation ids make unusable Rust names",
    edit: "OVERRIDES in codegen/src/passes/rename_ops.rs",
    run,
};

/// `(server operationId, name in the SDK)`.
pub const OVERRIDES: &[(&str, &str)] = &[
    (
        "patch_assistant_assistants__assistant_id__patch",
        "update_assistant",
    ),
    (
        "get_assistant_subgraphs_assistants__assistant_id__subgraphs__namespace__get",
        "get_assistant_subgraphs_by_namespace",
    ),
    (
        "get_assistant_versions_assistants__assistant_id__versions_get",
        "search_assistant_versions",
    ),
    (
        "set_latest_assistant_version_assistants__assistant_id__versions_post",
        "set_latest_assistant_version",
    ),
    ("patch_thread_threads__thread_id__patch", "update_thread"),
    (
        "get_latest_thread_state_threads__thread_id__state_get",
        "get_thread_state",
    ),
    (
        "post_thread_state_at_checkpoint_threads__thread_id__state__checkpoint_id__get",
        "get_thread_state_for_checkpoint",
    ),
    (
        "get_thread_history_post_threads__thread_id__history_post",
        "search_thread_history",
    ),
    (
        "copy_thread_post_threads__thread_id__copy_post",
        "copy_thread",
    ),
    ("protocol_thread_events_post", "protocol_thread_events"),
    ("protocol_thread_command_post", "protocol_thread_command"),
    ("list_runs_http_threads__thread_id__runs_get", "list_runs"),
    (
        "get_run_http_threads__thread_id__runs__run_id__get",
        "get_run",
    ),
    (
        "join_run_http_threads__thread_id__runs__run_id__join_get",
        "join_run",
    ),
    (
        "stream_run_http_threads__thread_id__runs__run_id__join_get",
        "join_run_stream",
    ),
    (
        "cancel_run_http_threads__thread_id__runs__run_id__cancel_post",
        "cancel_run",
    ),
    ("search_crons_runs_crons_post", "search_crons"),
    ("patch_cron_runs_crons__cron_id__patch", "update_cron"),
    (
        "stream_run_stateless_runs_stream_post",
        "stream_stateless_run",
    ),
    ("wait_run_stateless_runs_wait_post", "wait_stateless_run"),
    ("run_stateless_runs_post", "create_stateless_run"),
    ("run_batch_stateless_runs_post", "create_batch_runs"),
    ("cancel_runs_post", "cancel_runs"),
    ("server_info_info_get", "get_info"),
    ("health_check_ok_get", "get_health"),
];

/// The suffix FastAPI appends to a route's name: every non-word character of the path
/// becomes `_`, then `_<method>`.
fn fastapi_suffix(path: &str, method: &str) -> String {
    let path: String = path
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{path}_{method}")
}

fn is_snake_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    let mut used: BTreeMap<String, String> = BTreeMap::new();
    let mut overrides_used = vec![false; OVERRIDES.len()];
    let mut renames = Vec::new();
    let mut found = Vec::new();
    for (at, path, method, op) in crate::pointer::operations(&mut ctx.spec) {
        let id_at = join(&at, "operationId");
        let Some(Value::String(id)) = op.get("operationId") else {
            found.push(Error::new(
                PASS.name,
                &id_at,
                "operation has no operationId: name it in rename_ops::OVERRIDES after giving \
                 it one in SPEC_FIXES",
            ));
            continue;
        };
        let name = if let Some(i) = OVERRIDES.iter().position(|(from, _)| from == id) {
            overrides_used[i] = true;
            OVERRIDES[i].1.to_string()
        } else if let Some(stripped) = id.strip_suffix(&fastapi_suffix(&path, &method)) {
            stripped.to_string()
        } else if id.ends_with(&format!("_{method}")) || !is_snake_identifier(id) {
            found.push(Error::new(
                PASS.name,
                &id_at,
                format!(
                    "operationId `{id}` does not end in its route's FastAPI suffix `{}`: \
                     name it in rename_ops::OVERRIDES",
                    fastapi_suffix(&path, &method)
                ),
            ));
            continue;
        } else {
            id.clone()
        };
        if let Some(previous) = used.insert(name.clone(), id_at.clone()) {
            found.push(Error::new(
                PASS.name,
                &id_at,
                format!("operation name `{name}` is also the name of {previous}: add an override"),
            ));
            continue;
        }
        if *id != name {
            renames.push((id_at, format!("{id} -> {name}")));
            op.insert("operationId".into(), Value::String(name));
        }
    }
    ctx.problems(found);
    for (i, _) in overrides_used
        .iter()
        .enumerate()
        .filter(|(_, used)| !**used)
    {
        ctx.problem(
            "/paths",
            format!(
                "OVERRIDES entry `{}` matches no operation: remove the stale entry",
                OVERRIDES[i].0
            ),
        );
    }
    for (at, what) in renames {
        ctx.log(&at, what);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::run_one;
    use serde_json::json;

    #[test]
    fn suffix_matches_fastapi() {
        assert_eq!(
            fastapi_suffix("/threads/{thread_id}/runs", "post"),
            "_threads__thread_id__runs_post"
        );
    }

    /// Every override plus `extra` paths, so that the table is not stale.
    fn spec_with(extra: Value) -> Value {
        let spec: Value = serde_json::from_str(include_str!("../../../openapi.json")).unwrap();
        let mut paths = spec["paths"].clone();
        for (method, path, _) in super::super::DROPPED_OPERATIONS {
            paths[*path].as_object_mut().unwrap().remove(*method);
        }
        for (k, v) in extra.as_object().unwrap() {
            paths[k] = v.clone();
        }
        json!({ "paths": paths })
    }

    #[test]
    fn published_spec_gets_clean_names() {
        let (out, _) = run_one(&PASS, spec_with(json!({}))).unwrap();
        let id = |p: &str| out.pointer(p).unwrap().as_str().unwrap().to_string();
        assert_eq!(
            id("/paths/~1assistants/post/operationId"),
            "create_assistant"
        );
        assert_eq!(
            id("/paths/~1threads~1search/post/operationId"),
            "search_threads"
        );
        assert_eq!(
            id("/paths/~1threads~1{thread_id}~1state/get/operationId"),
            "get_thread_state"
        );
        assert_eq!(
            id("/paths/~1threads~1{thread_id}~1runs~1stream/post/operationId"),
            "stream_run"
        );
        assert_eq!(
            id("/paths/~1threads~1{thread_id}~1runs~1wait/post/operationId"),
            "wait_run"
        );
        assert_eq!(
            id("/paths/~1threads~1{thread_id}~1runs~1{run_id}~1stream/get/operationId"),
            "join_run_stream"
        );
        assert_eq!(id("/paths/~1store~1items/put/operationId"), "put_item");
    }

    #[test]
    fn mismatched_suffix_is_an_error() {
        let extra = json!({"/things": {"get": {"operationId": "list_things_stuff_get"}}});
        let err = run_one(&PASS, spec_with(extra)).unwrap_err();
        assert_eq!(err.pointer, "/paths/~1things/get/operationId");
    }

    #[test]
    fn collision_is_an_error() {
        let extra =
            json!({"/assistants2": {"post": {"operationId": "create_assistant_assistants2_post"}}});
        let err = run_one(&PASS, spec_with(extra)).unwrap_err();
        assert!(err.message.contains("`create_assistant`"), "{err}");
    }
}
