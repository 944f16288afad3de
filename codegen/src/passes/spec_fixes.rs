//! `spec-fixes`: where the published spec disagrees with what the server sends.
//!
//! Each entry replaces one value, found by pointer, and states the value it expects to find
//! there. If the value differs (the server fixed its spec, or changed it), the build fails so
//! that the entry is reviewed instead of silently patching something else. Every entry says
//! what shows that it is needed ([`Need`]), and `tests/live_spec_fixes.rs` checks that against
//! the real server and the spec normalized without the entry.

use serde_json::Value;

use super::{Ctx, Pass, util::shape};
use crate::Error;

pub(super) const PASS: Pass = Pass {
    name: "spec-fixes",
    why: "strict types fail on what the real server sends where the spec is wrong",
    edit: "SPEC_FIXES in codegen/src/passes/spec_fixes.rs",
    run,
};

/// One correction of the published spec.
pub struct SpecFix {
    /// JSON pointer of the value to replace (in the spec as published).
    pub pointer: &'static str,
    /// The value the published spec has there (JSON; annotations are ignored when comparing),
    /// or [`ABSENT`] where the spec has nothing.
    pub expect: &'static str,
    /// The value the server actually honours (JSON, in the spec's own 3.1 dialect), or
    /// [`ABSENT`] to remove the value (an array element is removed from its array).
    pub replace: &'static str,
    /// Why, in one line.
    pub reason: &'static str,
    /// What shows that the fix is needed (or, where it is not, what it is).
    pub need: Need,
}

/// What shows that a fix is needed. `tests/live_spec_fixes.rs` checks each entry against the
/// real server and the spec normalized without that one fix ([`crate::normalize_without_fixes`]);
/// `codegen/tests/spec_fixes_needed.rs` checks that each entry changes the generated code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// What the server sends fails to decode, or decodes with a value lost, into the type
    /// generated without the fix from the schema at this pointer (in the published spec).
    Decode(&'static str),
    /// The request the spec describes without the fix fails, or the server misreads it.
    Request,
    /// The server answers with a status the operation lists only with the fix; without it
    /// the generated client takes the answer for an unexpected response.
    Status,
    /// Not needed on its own: the spec does not generate without it once the entry at this
    /// pointer is applied (which is needed).
    ForEntry(&'static str),
    /// Not needed to decode: the spec types this schema (pointer) loosely or not at all where
    /// the server sends a definite shape; the fix types it. What the server sends decodes
    /// into the fixed type, and into the unfixed one without loss.
    Typing(&'static str),
    /// Not needed to decode or send: the spec has something the server ignores, and the fix
    /// removes it so that the generated API does not ask for it.
    Ignored,
}

/// Marks a value that is not (or must no longer be) in the spec.
pub const ABSENT: &str = "<absent>";

/// The fixes, in the order they are applied.
pub const SPEC_FIXES: &[SpecFix] = &[
    SpecFix {
        pointer: "/paths/~1info/get/responses/200/content/application~1json/schema/required",
        expect: r#"["version", "langgraph_py_version", "flags", "metadata"]"#,
        replace: r#"["version", "langgraph_py_version", "flags"]"#,
        reason: "`GET /info` has no `metadata` under `langgraph dev`",
        need: Need::Decode("/paths/~1info/get/responses/200/content/application~1json/schema"),
    },
    SpecFix {
        pointer: "/paths/~1store~1items/get/parameters/1/schema",
        expect: r#"{"type": "array", "items": {"type": "string"}}"#,
        replace: r#"{"type": "string", "description": "The namespace as ONE dot-joined string (`a.b.c`): the server splits it on `.`; an exploded array would silently read only its first segment."}"#,
        reason: "`GET /store/items` reads `namespace` as one dot-joined string",
        need: Need::Request,
    },
    SpecFix {
        pointer: "/paths/~1store~1items/get/responses/200/content/application~1json/schema",
        expect: r##"{"$ref": "#/components/schemas/Item"}"##,
        replace: r##"{"anyOf": [{"$ref": "#/components/schemas/Item"}, {"type": "null"}]}"##,
        reason: "`GET /store/items` answers `200 null` for a missing item",
        need: Need::Decode(
            "/paths/~1store~1items/get/responses/200/content/application~1json/schema",
        ),
    },
    SpecFix {
        pointer: "/paths/~1runs/post/responses/200/content/application~1json/schema",
        expect: r#"{}"#,
        replace: r##"{"$ref": "#/components/schemas/Run"}"##,
        reason: "`POST /runs` (background stateless run) returns the created Run",
        need: Need::Typing("/paths/~1runs/post/responses/200/content/application~1json/schema"),
    },
    SpecFix {
        pointer: "/paths/~1runs~1batch/post/responses/200/content/application~1json/schema",
        expect: r#"{}"#,
        replace: r##"{"type": "array", "items": {"$ref": "#/components/schemas/Run"}}"##,
        reason: "`POST /runs/batch` returns the created Runs",
        need: Need::Typing(
            "/paths/~1runs~1batch/post/responses/200/content/application~1json/schema",
        ),
    },
    SpecFix {
        pointer: "/paths/~1assistants~1{assistant_id}~1versions/post/requestBody",
        expect: ABSENT,
        replace: r##"{"content": {"application/json": {"schema": {"$ref": "#/components/schemas/AssistantVersionsSearchRequest"}}}, "required": true}"##,
        reason: "`POST /assistants/{id}/versions` reads its filters from a JSON body",
        need: Need::Request,
    },
    SpecFix {
        pointer: "/paths/~1assistants~1{assistant_id}/delete/responses/200",
        expect: r#"{"content": {"application/json": {"schema": {}}}}"#,
        replace: ABSENT,
        reason: "`DELETE /assistants/{assistant_id}` answers 204 with no body, never 200",
        need: Need::ForEntry("/paths/~1assistants~1{assistant_id}/delete/responses/204"),
    },
    SpecFix {
        pointer: "/paths/~1assistants~1{assistant_id}/delete/responses/204",
        expect: ABSENT,
        replace: r#"{"description": "The assistant was deleted."}"#,
        reason: "`DELETE /assistants/{assistant_id}` answers 204 with no body",
        need: Need::Status,
    },
    SpecFix {
        pointer: "/paths/~1threads~1{thread_id}/delete/responses/200",
        expect: r#"{"content": {"application/json": {"schema": {}}}}"#,
        replace: ABSENT,
        reason: "`DELETE /threads/{thread_id}` answers 204 with no body, never 200",
        need: Need::ForEntry("/paths/~1threads~1{thread_id}/delete/responses/204"),
    },
    SpecFix {
        pointer: "/paths/~1threads~1{thread_id}/delete/responses/204",
        expect: ABSENT,
        replace: r#"{"description": "The thread was deleted."}"#,
        reason: "`DELETE /threads/{thread_id}` answers 204 with no body",
        need: Need::Status,
    },
    SpecFix {
        pointer: "/paths/~1threads~1{thread_id}~1runs~1{run_id}/delete/responses/200",
        expect: r#"{"content": {"application/json": {"schema": {}}}}"#,
        replace: ABSENT,
        reason: "`DELETE /threads/{thread_id}/runs/{run_id}` answers 204 with no body, never 200",
        need: Need::ForEntry("/paths/~1threads~1{thread_id}~1runs~1{run_id}/delete/responses/204"),
    },
    SpecFix {
        pointer: "/paths/~1threads~1{thread_id}~1runs~1{run_id}/delete/responses/204",
        expect: ABSENT,
        replace: r#"{"description": "The run was deleted."}"#,
        reason: "`DELETE /threads/{thread_id}/runs/{run_id}` answers 204 with no body",
        need: Need::Status,
    },
    SpecFix {
        pointer: "/paths/~1runs~1crons~1{cron_id}/delete/responses/200",
        expect: r#"{"content": {"application/json": {"schema": {}}}}"#,
        replace: ABSENT,
        reason: "`DELETE /runs/crons/{cron_id}` answers 204 with no body, never 200",
        need: Need::ForEntry("/paths/~1runs~1crons~1{cron_id}/delete/responses/204"),
    },
    SpecFix {
        pointer: "/paths/~1runs~1crons~1{cron_id}/delete/responses/204",
        expect: ABSENT,
        replace: r#"{"description": "The cron was deleted."}"#,
        reason: "`DELETE /runs/crons/{cron_id}` answers 204 with no body",
        need: Need::Status,
    },
    SpecFix {
        pointer: "/paths/~1threads~1{thread_id}~1runs~1{run_id}~1cancel/post/responses/200",
        expect: r#"{"content": {"application/json": {"schema": {}}}}"#,
        replace: r#"{"description": "With `wait=true`: the run's final result, streamed as JSON once the run has stopped.", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}"#,
        reason: "cancel answers 200 with a JSON body only with `wait=true`; the body is read as bytes because 202 has none",
        need: Need::ForEntry(
            "/paths/~1threads~1{thread_id}~1runs~1{run_id}~1cancel/post/responses/202",
        ),
    },
    SpecFix {
        pointer: "/paths/~1threads~1{thread_id}~1runs~1{run_id}~1cancel/post/responses/202",
        expect: ABSENT,
        replace: r#"{"description": "Without `wait`: the cancellation was accepted (no body).", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}"#,
        reason: "cancel answers 202 with no body unless `wait=true`",
        need: Need::Status,
    },
    SpecFix {
        pointer: "/components/schemas/Interrupt/properties/value",
        expect: r#"{"type": "object"}"#,
        replace: r#"{"description": "The value passed to `interrupt()`: any JSON value."}"#,
        reason: "an interrupt's value is whatever the graph passed to `interrupt()`, often a string",
        need: Need::Decode("/components/schemas/Interrupt"),
    },
    SpecFix {
        pointer: "/components/schemas/Cron/properties/end_time/type",
        expect: r#""string""#,
        replace: r#"["string", "null"]"#,
        reason: "a cron without an end time has `end_time: null`",
        need: Need::Decode("/components/schemas/Cron"),
    },
    SpecFix {
        pointer: "/components/schemas/Cron/properties/thread_id/type",
        expect: r#""string""#,
        replace: r#"["string", "null"]"#,
        reason: "a stateless cron (a new thread per execution) has `thread_id: null`",
        need: Need::Decode("/components/schemas/Cron"),
    },
    SpecFix {
        pointer: "/components/schemas/Cron/properties/timezone",
        expect: ABSENT,
        replace: r#"{"type": ["string", "null"], "description": "IANA timezone the schedule is read in; `null` for UTC."}"#,
        reason: "crons carry their `timezone`, which the spec leaves out",
        need: Need::Decode("/components/schemas/Cron"),
    },
    SpecFix {
        pointer: "/components/schemas/Cron/properties/on_run_completed",
        expect: ABSENT,
        replace: r#"{"type": ["string", "null"], "enum": ["delete", "keep", null], "description": "What happens to the thread of each execution of a stateless cron."}"#,
        reason: "crons carry `on_run_completed`, which the spec leaves out",
        need: Need::Decode("/components/schemas/Cron"),
    },
    SpecFix {
        pointer: "/components/schemas/ThreadState/properties/tasks/items/properties/result",
        expect: ABSENT,
        replace: r#"{"type": ["object", "null"], "description": "What the task wrote, once it has finished."}"#,
        reason: "thread state tasks carry their `result`, which the spec leaves out",
        need: Need::Decode("/components/schemas/ThreadState"),
    },
    SpecFix {
        pointer: "/components/schemas/ListNamespaceResponse",
        expect: r#"{"type": "array", "items": {"type": "array", "items": {"type": "string"}}}"#,
        replace: r#"{"type": "object", "title": "ListNamespaceResponse", "required": ["namespaces"], "properties": {"namespaces": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}, "description": "The namespaces, each a list of labels."}}}"#,
        reason: "`POST /store/namespaces` answers `{\"namespaces\": [...]}`, not a bare array",
        need: Need::Decode("/components/schemas/ListNamespaceResponse"),
    },
    SpecFix {
        pointer: "/components/schemas/RunCreateStateful/properties/checkpoint_id",
        expect: ABSENT,
        replace: r#"{"type": "string", "description": "The checkpoint to start from (or fork at), by id: the short form of `checkpoint`."}"#,
        reason: "threaded runs honour `checkpoint_id` (time travel), which the spec leaves out",
        need: Need::Request,
    },
    SpecFix {
        pointer: "/components/schemas/ThreadState/properties/checkpoint",
        expect: r##"{"$ref": "#/components/schemas/CheckpointConfig"}"##,
        replace: r##"{"anyOf": [{"$ref": "#/components/schemas/CheckpointConfig"}, {"type": "null"}], "description": "The checkpoint of this state; `null` for a thread that has none yet."}"##,
        reason: "the state of a thread without checkpoints has `checkpoint: null`",
        need: Need::Decode("/components/schemas/ThreadState"),
    },
    SpecFix {
        pointer: "/components/schemas/ThreadState/properties/metadata/type",
        expect: r#""object""#,
        replace: r#"["object", "null"]"#,
        reason: "the state of a thread without checkpoints has `metadata: null`",
        need: Need::Decode("/components/schemas/ThreadState"),
    },
    SpecFix {
        pointer: "/components/schemas/ThreadState/properties/created_at/type",
        expect: r#""string""#,
        replace: r#"["string", "null"]"#,
        reason: "the state of a thread without checkpoints has `created_at: null`",
        need: Need::Decode("/components/schemas/ThreadState"),
    },
    SpecFix {
        pointer: "/components/schemas/ThreadState/properties/parent_checkpoint",
        expect: r#"{"type": "object"}"#,
        replace: r##"{"anyOf": [{"$ref": "#/components/schemas/CheckpointConfig"}, {"type": "null"}], "description": "The checkpoint before this one; `null` for the first."}"##,
        reason: "`parent_checkpoint` is a checkpoint (or `null` for the first state), not any object",
        need: Need::Typing("/components/schemas/ThreadState"),
    },
    SpecFix {
        pointer: "/components/schemas/AssistantVersion",
        expect: ABSENT,
        replace: r##"{"type": "object", "title": "AssistantVersion", "description": "One version of an assistant: an Assistant without `updated_at` (versions are immutable).", "required": ["assistant_id", "graph_id", "config", "created_at", "metadata", "version"], "properties": {
            "assistant_id": {"type": "string", "format": "uuid", "description": "The ID of the assistant."},
            "graph_id": {"type": "string", "description": "The ID of the graph."},
            "config": {"$ref": "#/components/schemas/Config"},
            "context": {"type": "object", "description": "Static context added to the assistant."},
            "created_at": {"type": "string", "format": "date-time", "description": "When this version was created."},
            "metadata": {"type": "object", "description": "The assistant metadata of this version."},
            "version": {"type": "integer", "description": "The version number."},
            "name": {"type": "string", "description": "The name of the assistant."},
            "description": {"type": ["string", "null"], "description": "The description of the assistant."}
        }}"##,
        reason: "assistant versions have no `updated_at`, which `Assistant` requires",
        need: Need::ForEntry(
            "/paths/~1assistants~1{assistant_id}~1versions/post/responses/200/content/application~1json/schema/items",
        ),
    },
    SpecFix {
        pointer: "/paths/~1assistants~1{assistant_id}~1versions/post/responses/200/content/application~1json/schema/items",
        expect: r##"{"$ref": "#/components/schemas/Assistant"}"##,
        replace: r##"{"$ref": "#/components/schemas/AssistantVersion"}"##,
        reason: "`POST /assistants/{id}/versions` lists AssistantVersions",
        need: Need::Decode(
            "/paths/~1assistants~1{assistant_id}~1versions/post/responses/200/content/application~1json/schema",
        ),
    },
    SpecFix {
        pointer: "/paths/~1assistants~1{assistant_id}~1latest/post/parameters/1",
        expect: r#"{"required": true, "schema": {"type": "integer"}, "name": "version", "in": "query"}"#,
        replace: ABSENT,
        reason: "`POST /assistants/{id}/latest` ignores a `version` query parameter",
        need: Need::Ignored,
    },
    SpecFix {
        pointer: "/paths/~1assistants~1{assistant_id}~1latest/post/requestBody",
        expect: ABSENT,
        replace: r##"{"content": {"application/json": {"schema": {"$ref": "#/components/schemas/AssistantVersionChange"}}}, "required": true}"##,
        reason: "`POST /assistants/{id}/latest` reads `{\"version\": n}` from a JSON body",
        need: Need::Request,
    },
    SpecFix {
        pointer: "/paths/~1threads~1{thread_id}~1stream/get/parameters/2/schema",
        expect: r#"{"anyOf": [{"type": "string", "enum": ["lifecycle", "run_modes", "state_update"]}, {"type": "array", "items": {"type": "string", "enum": ["lifecycle", "run_modes", "state_update"]}}]}"#,
        replace: r#"{"type": "string", "description": "Comma-separated stream modes (`lifecycle`, `run_modes`, `state_update`): the server reads one value and splits it on `,`; repeated keys would silently keep only one of them."}"#,
        reason: "`GET /threads/{id}/stream` reads `stream_modes` as one comma-separated string",
        need: Need::Request,
    },
];

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    for fix in SPEC_FIXES {
        if ctx.unfixed.iter().any(|p| p == fix.pointer) {
            continue;
        }
        if let Err(e) = apply(ctx, fix) {
            ctx.problems(vec![e]);
        }
    }
    Ok(())
}

fn parse(ctx: &Ctx, fix: &SpecFix, json: &str, what: &str) -> Result<Option<Value>, Error> {
    if json == ABSENT {
        return Ok(None);
    }
    serde_json::from_str(json)
        .map(Some)
        .map_err(|e| ctx.error(fix.pointer, format!("bad `{what}` JSON in SPEC_FIXES: {e}")))
}

fn apply(ctx: &mut Ctx, fix: &SpecFix) -> Result<(), Error> {
    let expect = parse(ctx, fix, fix.expect, "expect")?;
    let replace = parse(ctx, fix, fix.replace, "replace")?;
    let (parent_at, last) = fix.pointer.rsplit_once('/').unwrap_or(("", fix.pointer));
    let key = last.replace("~1", "/").replace("~0", "~");
    let found = ctx.spec.pointer(fix.pointer).map(shape);
    if found != expect.as_ref().map(shape) {
        let found = found.map_or_else(|| ABSENT.to_string(), |f| f.to_string());
        return Err(ctx.error(
            fix.pointer,
            format!(
                "spec fix ({}) expected {} but the spec has {found}: the spec changed here, \
                 check the server and update or remove the entry",
                fix.reason, fix.expect
            ),
        ));
    }
    let Some(parent) = ctx.spec.pointer_mut(parent_at) else {
        return Err(ctx.error(
            fix.pointer,
            format!("spec fix ({}): no parent to patch", fix.reason),
        ));
    };
    match (parent, replace) {
        (Value::Object(map), Some(value)) => {
            map.insert(key, value);
        }
        (Value::Object(map), None) => {
            map.remove(&key);
        }
        (Value::Array(items), replace) => {
            let index: usize = key.parse().map_err(|_| {
                Error::new(
                    PASS.name,
                    fix.pointer,
                    "array index expected in SPEC_FIXES pointer",
                )
            })?;
            match replace {
                Some(value) => items[index] = value,
                None => {
                    items.remove(index);
                }
            }
        }
        _ => {
            return Err(ctx.error(
                fix.pointer,
                "SPEC_FIXES pointer's parent is not a container",
            ));
        }
    }
    ctx.log(fix.pointer, fix.reason);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::run_one;
    use serde_json::json;

    #[test]
    fn every_entry_has_valid_json_and_a_reason() {
        for fix in SPEC_FIXES {
            for json in [fix.expect, fix.replace] {
                if json != ABSENT {
                    serde_json::from_str::<Value>(json).unwrap();
                }
            }
            assert!(!fix.reason.is_empty());
        }
    }

    #[test]
    fn applies_to_the_published_spec() {
        let spec: Value = serde_json::from_str(include_str!("../../../openapi.json")).unwrap();
        let (out, changes) = run_one(&PASS, spec).unwrap();
        assert_eq!(changes.len(), SPEC_FIXES.len());
        assert_eq!(
            out.pointer("/components/schemas/Cron/properties/end_time/type"),
            Some(&json!(["string", "null"]))
        );
    }

    #[test]
    fn what_shows_the_need_points_at_something() {
        let spec: Value = serde_json::from_str(include_str!("../../../openapi.json")).unwrap();
        for fix in SPEC_FIXES {
            match fix.need {
                Need::Decode(target) | Need::Typing(target) => assert!(
                    spec.pointer(target).is_some(),
                    "{}: no schema at {target}",
                    fix.pointer
                ),
                Need::ForEntry(other) => assert!(
                    SPEC_FIXES
                        .iter()
                        .any(|f| f.pointer == other && !matches!(f.need, Need::ForEntry(_))),
                    "{}: {other} is not a needed entry",
                    fix.pointer
                ),
                Need::Request | Need::Status | Need::Ignored => {}
            }
        }
    }

    #[test]
    fn an_entry_can_be_left_out() {
        let spec: Value = serde_json::from_str(include_str!("../../../openapi.json")).unwrap();
        let pointer = "/components/schemas/Cron/properties/end_time/type";
        let nullable = "/components/schemas/Cron/properties/end_time/nullable";
        let (fixed, _) = crate::normalize(spec.clone()).unwrap();
        assert_eq!(fixed.pointer(nullable), Some(&json!(true)));
        let (out, changes) = crate::normalize_without_fixes(spec, &[pointer]).unwrap();
        assert!(changes.iter().all(|c| c.pointer != pointer));
        assert!(
            changes.iter().filter(|c| c.pass == PASS.name).count() == SPEC_FIXES.len() - 1,
            "only that entry is left out"
        );
        assert_eq!(out.pointer(nullable), None);
    }

    #[test]
    fn drifted_value_is_an_error() {
        let mut spec: Value = serde_json::from_str(include_str!("../../../openapi.json")).unwrap();
        *spec
            .pointer_mut("/components/schemas/Cron/properties/end_time/type")
            .unwrap() = json!(["string", "null"]);
        let err = run_one(&PASS, spec).unwrap_err();
        assert_eq!(
            err.pointer,
            "/components/schemas/Cron/properties/end_time/type"
        );
        assert!(err.message.contains("the spec changed here"));
    }
}
