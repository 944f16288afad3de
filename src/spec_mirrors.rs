//! Hand-written enums that mirror an enum of the spec hold exactly its values: a server
//! release that adds (or drops) a stream mode fails here until the hand-written enum follows,
//! instead of the new mode being unreachable from the SDK.
//!
//! Enums the SDK takes straight from the generated types (`MultitaskStrategy`, `Durability`,
//! `IfNotExists`, …) need no check: they are the spec's.

use std::{collections::BTreeSet, io::Write as _};

use serde_json::Value;

use crate::runs::StreamMode;

/// The spec as the server publishes it (the normalizer may rewrite enums it does not bind).
const SPEC: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json"));

/// Every string of every `enum` at or below `value`.
fn enum_values(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(values)) = map.get("enum") {
                out.extend(values.iter().filter_map(|v| v.as_str().map(str::to_string)));
            }
            map.values().for_each(|v| enum_values(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| enum_values(v, out)),
        _ => {}
    }
}

/// `(schema name, values)` of property `property` in every component schema that has it.
fn property_enums(property: &str) -> Vec<(String, BTreeSet<String>)> {
    let spec: Value = serde_json::from_str(SPEC).expect("openapi.json is JSON");
    let schemas = spec["components"]["schemas"].as_object().expect("schemas");
    schemas
        .iter()
        .filter_map(|(name, schema)| {
            let prop = schema.get("properties")?.get(property)?;
            let mut values = BTreeSet::new();
            enum_values(prop, &mut values);
            Some((name.clone(), values))
        })
        .collect()
}

/// Every variant of a hand-written enum. The `match` makes the list exhaustive: a variant
/// added to the enum does not compile here until it is listed.
macro_rules! every {
    ($ty:ident: $($variant:ident),+ $(,)?) => {{
        let _exhaustive = |x: $ty| match x {
            $($ty::$variant)|+ => (),
        };
        [$($ty::$variant),+]
    }};
}

#[test]
fn stream_modes_are_the_spec_stream_modes() {
    let ours = every!(StreamMode: Values, Updates, MessagesTuple, Messages, Custom, Events, Tasks, Checkpoints, Debug);
    for mode in ours {
        // What is sent (`as_str`) and what is read back (serde) agree.
        assert_eq!(
            serde_json::to_value(mode).unwrap(),
            mode.as_str(),
            "{mode:?}"
        );
    }
    let ours: BTreeSet<String> = ours.iter().map(|m| m.as_str().to_string()).collect();
    let bodies = property_enums("stream_mode");
    assert!(
        bodies.iter().any(|(name, _)| name == "RunCreateStateful"),
        "the spec's run body has no stream_mode: {bodies:?}"
    );
    for (name, spec) in &bodies {
        assert_eq!(
            &ours, spec,
            "runs::StreamMode differs from {name}.stream_mode in openapi.json"
        );
    }
    // Straight to stderr, so that the figure shows when the test passes.
    let _ = writeln!(
        std::io::stderr(),
        "stream modes: {} values, equal in {} request bodies",
        ours.len(),
        bodies.len()
    );
}
