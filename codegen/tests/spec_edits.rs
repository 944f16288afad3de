//! Synthetic edits of the vendored spec through the whole pipeline, as `cargo xtask
//! update-spec` runs it: the spec-level report (`spec_diff`), then either every problem
//! (`generate`'s error) or the change of the generated surface. Each test asserts on the
//! report lines and on the errors a maintainer would read.

use langgraph_sdk_codegen::{Problems, generate, spec_diff, surface::Surface};
use serde_json::{Value, json};

fn spec() -> Value {
    serde_json::from_str(include_str!("../../openapi.json")).unwrap()
}

fn surface(spec: &Value) -> Surface {
    let generated = generate(&spec.to_string()).expect("the edited spec generates");
    Surface::parse(&generated.code, &generated.normalized).unwrap()
}

/// The spec report and the surface diff of `edit` applied to the vendored spec.
fn reports(edit: impl FnOnce(&mut Value)) -> (String, String) {
    let old = spec();
    let mut new = old.clone();
    edit(&mut new);
    let report = spec_diff::diff(&old, &new).render();
    let surface = surface(&new).diff(&surface(&old));
    (report, surface)
}

/// The spec report and every problem of `edit`, which must not generate.
fn problems(edit: impl FnOnce(&mut Value)) -> (String, Problems) {
    let old = spec();
    let mut new = old.clone();
    edit(&mut new);
    let report = spec_diff::diff(&old, &new).render();
    match generate(&new.to_string()) {
        Ok(_) => panic!("the edited spec generated; report:\n{report}"),
        Err(problems) => (report, problems),
    }
}

fn schema<'a>(spec: &'a mut Value, name: &str) -> &'a mut Value {
    &mut spec["components"]["schemas"][name]
}

#[test]
fn removed_operation() {
    let (report, surface) = reports(|s| {
        let history = s["paths"]["/threads/{thread_id}/history"].as_object_mut();
        history.unwrap().shift_remove("get");
    });
    assert!(
        report.contains(
            "Operations removed (1):\n  GET /threads/{thread_id}/history \
             (get_thread_history_threads__thread_id__history_get)"
        ),
        "{report}"
    );
    assert!(
        surface.contains(
            "Operations removed:\n  get_thread_history (GET /threads/{thread_id}/history)"
        ),
        "{surface}"
    );
}

#[test]
fn field_type_change() {
    let (report, surface) = reports(|s| {
        schema(s, "CronCreate")["properties"]["schedule"]["type"] = json!("integer");
    });
    assert!(
        report.contains("Schemas changed (1):\n  CronCreate\n    schedule: string -> integer"),
        "{report}"
    );
    assert!(
        surface.contains("CronCreate: schedule: String -> i64"),
        "{surface}"
    );
}

#[test]
fn required_becomes_optional() {
    let (report, surface) = reports(|s| {
        let required = schema(s, "CronCreate")["required"].as_array_mut().unwrap();
        required.retain(|r| r != "schedule");
    });
    assert!(
        report.contains("CronCreate\n    schedule: required -> optional"),
        "{report}"
    );
    assert!(
        surface.contains("CronCreate: schedule: String -> Option<String>"),
        "{surface}"
    );
}

#[test]
fn new_enum_variant() {
    let (report, surface) = reports(|s| {
        let status = &mut schema(s, "Run")["properties"]["status"]["enum"];
        status.as_array_mut().unwrap().push(json!("paused"));
    });
    assert!(
        report.contains("Run\n    status: enum +\"paused\""),
        "{report}"
    );
    assert!(surface.contains("RunStatus: +Paused"), "{surface}");
}

#[test]
fn parameter_explode_change_is_reported_and_refused() {
    let (report, problems) = problems(|s| {
        s["paths"]["/threads/{thread_id}/runs"]["get"]["parameters"][4]["explode"] = json!(false);
    });
    assert!(
        report.contains("GET /threads/{thread_id}/runs\n    param query select?: [")
            && report.contains("] explode=false"),
        "{report}"
    );
    let text = problems.to_string();
    assert!(
        text.contains("openapi.json#/paths/~1threads~1{thread_id}~1runs/get/parameters/4/explode: pass `parameters`"),
        "{text}"
    );
    assert!(
        text.contains("[edit: SPEC_FIXES in codegen/src/passes/spec_fixes.rs"),
        "{text}"
    );
}

#[test]
fn dangling_ref_names_its_pointer() {
    let (report, problems) = problems(|s| {
        schema(s, "Run")["properties"]["kwargs"] = json!({"$ref": "#/components/schemas/Nope"});
    });
    assert!(
        report.contains("Run\n    kwargs: object -> Nope"),
        "{report}"
    );
    let text = problems.to_string();
    assert!(
        text.contains(
            "openapi.json#/components/schemas/Run/properties/kwargs/$ref: pass `refs`: `$ref` \
             `#/components/schemas/Nope` resolves to nothing"
        ),
        "{text}"
    );
}

/// Five tables, each with a stale, drifted or clashing entry, and an unknown keyword: all in
/// one run.
#[test]
fn several_problems_in_one_run() {
    let (report, problems) = problems(|s| {
        let paths = s["paths"].as_object_mut().unwrap();
        paths.shift_remove("/docs");
        paths.shift_remove("/runs/crons/search");
        let cron_patch = schema(s, "CronPatch")["properties"]
            .as_object_mut()
            .unwrap();
        cron_patch.shift_remove("end_time");
        schema(s, "Cron")["properties"]["end_time"]["type"] = json!("integer");
        schema(s, "Item")["properties"]["status"] =
            json!({"type": "string", "enum": ["fresh", "stale"], "title": "Sort Order"});
        schema(s, "Run")["properties"]["kwargs"]["unevaluatedProperties"] = json!(false);
    });
    assert!(report.contains("Operations removed (2)"), "{report}");
    let found: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.pass, p.pointer.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "keywords",
                "/components/schemas/Run/properties/kwargs/unevaluatedProperties"
            ),
            ("drop-ops", "/paths/~1docs/get"),
            (
                "spec-fixes",
                "/components/schemas/Cron/properties/end_time/type"
            ),
            (
                "explicit-nulls",
                "/components/schemas/CronPatch/properties/end_time"
            ),
            ("titles", "/components/schemas/Item/properties/status"),
            ("rename-ops", "/paths"),
        ],
        "{problems}"
    );
    let edits: Vec<&str> = problems.iter().map(|p| p.edit).collect();
    assert!(edits.contains(&"DROPPED_OPERATIONS in codegen/src/passes/drop_ops.rs"));
    assert!(edits.contains(&"OVERRIDES in codegen/src/passes/rename_ops.rs"));
    assert!(edits.contains(&"RENAMES in codegen/src/passes/titles.rs"));
}

#[test]
fn openapiv3_failure_names_the_place() {
    let (_, problems) = problems(|s| {
        let response = s["paths"]["/threads"]["post"]["responses"]["200"]
            .as_object_mut()
            .unwrap();
        response.shift_remove("description");
    });
    let text = problems.to_string();
    assert!(
        text.contains("openapi.json#/paths/~1threads/post/responses/200: pass `openapiv3`")
            && text.contains("missing field `description`"),
        "{text}"
    );
}

#[test]
fn progenitor_failure_names_the_operation() {
    let (_, problems) = problems(|s| {
        // A struct-typed path parameter: progenitor's builder asserts and panics.
        s["paths"]["/threads/{thread_id}"]["get"]["parameters"][0]["schema"] = json!({
            "type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}
        });
    });
    let text = problems.to_string();
    assert!(
        text.contains(
            "openapi.json#/paths/~1threads~1{thread_id}/get: pass `progenitor`: progenitor panicked"
        ),
        "{text}"
    );
    assert_eq!(problems.len(), 1, "{text}");
}

#[test]
fn the_snapshot_listing_reads_back() {
    let surface = surface(&spec());
    assert_eq!(Surface::parse_rendered(&surface.render()), Ok(surface));
}
