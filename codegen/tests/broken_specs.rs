//! A copy of the real spec with one thing the normalizer does not understand must make
//! [`langgraph_sdk_codegen::generate`] fail, naming the JSON pointer. `build.rs` calls exactly
//! this function and turns the error into `cargo::error=…`, so these are the build failures a
//! maintainer sees after dropping in a new `openapi.json`.

use serde_json::{Value, json};

fn spec() -> Value {
    serde_json::from_str(include_str!("../../openapi.json")).unwrap()
}

fn generate(spec: &Value) -> String {
    match langgraph_sdk_codegen::generate(&spec.to_string()) {
        Ok(_) => panic!("the broken spec generated code"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_published_spec_generates() {
    let generated = langgraph_sdk_codegen::generate(&spec().to_string()).unwrap();
    assert!(generated.code.contains("pub fn create_assistant"));
}

#[test]
fn title_clash_fails_naming_the_pointer() {
    let mut spec = spec();
    // A new inline enum titled like the (different) `SortOrder` enum used by the searches.
    spec["components"]["schemas"]["Item"]["properties"]["status"] =
        json!({"type": "string", "enum": ["fresh", "stale"], "title": "Sort Order"});
    let message = generate(&spec);
    assert!(
        message.contains("openapi.json#/components/schemas/Item/properties/status"),
        "{message}"
    );
    assert!(message.contains("title clash"), "{message}");
}

#[test]
fn unknown_keyword_fails_naming_the_pointer() {
    let mut spec = spec();
    spec["components"]["schemas"]["Run"]["properties"]["kwargs"]["unevaluatedProperties"] =
        json!(false);
    let message = generate(&spec);
    assert!(
        message.contains(
            "openapi.json#/components/schemas/Run/properties/kwargs/unevaluatedProperties"
        ),
        "{message}"
    );
    assert!(message.contains("unknown schema keyword"), "{message}");
}

#[test]
fn second_success_type_fails_naming_the_response() {
    let mut spec = spec();
    spec["paths"]["/threads"]["post"]["responses"]["202"] = json!({"description": "queued"});
    let message = generate(&spec);
    assert!(
        message.contains("openapi.json#/paths/~1threads/post/responses/202"),
        "{message}"
    );
}

#[test]
fn drifted_spec_fix_fails_naming_the_pointer() {
    let mut spec = spec();
    spec["components"]["schemas"]["Cron"]["properties"]["thread_id"]["type"] =
        json!(["string", "null"]);
    let message = generate(&spec);
    assert!(
        message.contains("openapi.json#/components/schemas/Cron/properties/thread_id/type"),
        "{message}"
    );
    assert!(message.contains("the spec changed here"), "{message}");
}

#[test]
fn name_collision_fails_naming_the_operation() {
    let mut spec = spec();
    spec["paths"]["/assistants2"] = json!({"post": {
        "operationId": "create_assistant_assistants2_post",
        "responses": {"200": {"description": "ok"}}
    }});
    let message = generate(&spec);
    assert!(
        message.contains("operation name `create_assistant`"),
        "{message}"
    );
}
