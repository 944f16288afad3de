//! The generated types derive `schemars::JsonSchema`; the schema derived from a request type
//! must describe the same object as the (normalized) spec it was generated from.

use std::collections::BTreeSet;

use langgraph_sdk::raw::types;
use serde_json::Value;

const NORMALIZED: &str = include_str!(concat!(env!("OUT_DIR"), "/openapi.normalized.json"));

fn names(value: Option<&Value>) -> BTreeSet<String> {
    match value {
        Some(Value::Object(map)) => map.keys().cloned().collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        _ => BTreeSet::new(),
    }
}

fn agrees_with_spec<T: schemars::JsonSchema>(component: &str) {
    let derived = serde_json::to_value(schemars::schema_for!(T)).unwrap();
    let spec: Value = serde_json::from_str(NORMALIZED).unwrap();
    let expected = &spec["components"]["schemas"][component];
    assert_eq!(
        names(derived.get("properties")),
        names(expected.get("properties")),
        "{component}: properties"
    );
    assert_eq!(
        names(derived.get("required")),
        names(expected.get("required")),
        "{component}: required"
    );
    // Spot-check that field types carry over (a string stays a string, an enum keeps its values).
    for (name, prop) in expected["properties"].as_object().unwrap() {
        if let Some(ty) = prop.get("type").and_then(Value::as_str) {
            let derived_prop = &derived["properties"][name];
            let derived_types: Vec<&str> = match &derived_prop["type"] {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            if !derived_types.is_empty() {
                assert!(
                    derived_types.contains(&ty),
                    "{component}.{name}: {ty} vs {derived_prop}"
                );
            }
        }
    }
}

#[test]
fn request_types_derive_the_spec_schema() {
    agrees_with_spec::<types::ThreadCreate>("ThreadCreate");
    agrees_with_spec::<types::AssistantCreate>("AssistantCreate");
    agrees_with_spec::<types::RunCreateStateful>("RunCreateStateful");
    agrees_with_spec::<types::CronCreate>("CronCreate");
}

#[test]
fn enums_keep_their_values() {
    let derived = serde_json::to_value(schemars::schema_for!(types::MultitaskStrategy)).unwrap();
    let values = names(derived.get("enum"));
    assert_eq!(
        values,
        ["enqueue", "interrupt", "reject", "rollback"]
            .map(String::from)
            .into()
    );
}
