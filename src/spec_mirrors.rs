//! Hand-written enums that mirror an enum of the spec hold exactly its values: a server
//! release that adds (or drops) a stream mode fails here until the hand-written enum follows,
//! instead of the new mode being unreachable from the SDK.
//!
//! Enums the SDK takes straight from the generated types (`MultitaskStrategy`, `Durability`,
//! `IfNotExists`, `SortOrder`, `ThreadStatus`, …) need no check: they are the spec's, and the
//! setters that take them are tied to the generated field types at compile time. What is
//! checked here: the run stream modes ([`StreamMode`]), the thread join stream modes
//! ([`ThreadStreamMode`]), the v3 protocol's channels ([`Channel`]) and error codes
//! ([`ProtocolErrorCode`]), the `"*"` of [`Nodes::All`], and the generated [`RunStatus`] that
//! the run list filter takes for the spec's own (identical) enum of that query parameter.

use std::{collections::BTreeSet, io::Write as _};

use serde_json::Value;

use crate::{
    operations::{self as ops, Operation},
    runs::{Nodes, StreamMode},
    thread_stream::{Channel, ProtocolErrorCode},
    threads::ThreadStreamMode,
};

/// The spec as the server publishes it (the normalizer may rewrite enums it does not bind).
const SPEC: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json"));

fn spec() -> Value {
    serde_json::from_str(SPEC).expect("openapi.json is JSON")
}

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

/// The enum strings at or below the JSON pointer `at` of the spec.
fn enum_at(at: &str) -> BTreeSet<String> {
    let spec = spec();
    let value = spec
        .pointer(at)
        .unwrap_or_else(|| panic!("openapi.json has nothing at {at}"));
    let mut values = BTreeSet::new();
    enum_values(value, &mut values);
    values
}

/// The enum strings of the schema of query parameter `name` of `method path`.
fn parameter_enum(method: &str, path: &str, name: &str) -> BTreeSet<String> {
    let spec = spec();
    let params = spec["paths"][path][method]["parameters"]
        .as_array()
        .unwrap_or_else(|| panic!("openapi.json has no {method} {path} with parameters"));
    let param = params
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{method} {path} has no parameter `{name}` in openapi.json"));
    let mut values = BTreeSet::new();
    enum_values(&param["schema"], &mut values);
    values
}

/// `(schema name, values)` of property `property` in every component schema that has it.
fn property_enums(property: &str) -> Vec<(String, BTreeSet<String>)> {
    let spec = spec();
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

/// Every unit variant of a hand-written enum. The `match` makes the list exhaustive: a
/// variant added to the enum does not compile here until it is listed (variants that carry
/// data, such as an `Other(String)` for values the crate does not know, are named after `;`).
macro_rules! every {
    ($ty:ident: $($variant:ident),+ $(; $($other:pat),+)? $(,)?) => {{
        let _exhaustive = |x: $ty| match x {
            $($ty::$variant)|+ => (),
            $($($other => (),)+)?
        };
        [$($ty::$variant),+]
    }};
}

/// Checks that `ours` (the wire names of a hand-written enum) is the spec's `theirs`, but for
/// `extras`: values the pinned server sends or takes beyond the spec, each with the reason.
/// An extra that the spec comes to list fails too (it is no extra any more).
fn assert_same(
    what: &str,
    ours: &BTreeSet<String>,
    theirs: &BTreeSet<String>,
    extras: &[(&str, &str)],
) {
    assert!(!theirs.is_empty(), "{what}: the spec has no values here");
    for (extra, why) in extras {
        assert!(
            ours.contains(*extra),
            "{what}: the extra {extra:?} ({why}) is not ours"
        );
        assert!(
            !theirs.contains(*extra),
            "{what}: {extra:?} is in the spec now: it is no extra any more"
        );
    }
    let ours: BTreeSet<&String> = ours
        .iter()
        .filter(|v| !extras.iter().any(|(e, _)| e == v))
        .collect();
    let theirs: BTreeSet<&String> = theirs.iter().collect();
    let missing: Vec<_> = theirs.difference(&ours).collect();
    let unknown: Vec<_> = ours.difference(&theirs).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "{what} differs from openapi.json: the spec's values it lacks {missing:?}, its values \
         the spec lacks {unknown:?}"
    );
}

/// The figure of a passing check, straight to stderr so that it shows when the test passes.
fn report(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// [`assert_same`], then its figure.
fn same_values(
    what: &str,
    ours: &BTreeSet<String>,
    theirs: &BTreeSet<String>,
    extras: &[(&str, &str)],
) {
    assert_same(what, ours, theirs, extras);
    let more = match extras.len() {
        0 => String::new(),
        n => format!(", and {n} more the pinned server uses"),
    };
    report(format_args!(
        "{what}: the spec's {} values{more}",
        theirs.len()
    ));
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
    report(format_args!(
        "stream modes: {} values, equal in {} request bodies",
        ours.len(),
        bodies.len()
    ));
}

#[test]
fn thread_stream_modes_are_the_spec_join_stream_modes() {
    let ours = every!(ThreadStreamMode: RunModes, Lifecycle, StateUpdate);
    let ours = ours.iter().map(|m| m.as_str().to_string()).collect();
    let theirs = parameter_enum("get", "/threads/{thread_id}/stream", "stream_modes");
    same_values("threads::ThreadStreamMode", &ours, &theirs, &[]);
}

#[test]
fn protocol_channels_are_the_spec_channels() {
    let ours = every!(Channel: Values, Updates, Messages, Tools, Lifecycle, Input, Tasks,
        Checkpoints, Custom; Channel::Named(_));
    let ours = ours.iter().map(|c| c.as_str().into_owned()).collect();
    let theirs = enum_at("/components/schemas/ProtocolChannel");
    same_values(
        "thread_stream::Channel",
        &ours,
        &theirs,
        &[(
            "checkpoints",
            "dropped from the protocol, still accepted by the pinned server (server-notes.md)",
        )],
    );
    // The named channels: the spec's other alternative, a `custom:<name>` pattern.
    let spec = spec();
    let patterns: Vec<&str> = spec["components"]["schemas"]["ProtocolChannel"]["anyOf"]
        .as_array()
        .expect("ProtocolChannel is an anyOf")
        .iter()
        .filter_map(|alt| alt["pattern"].as_str())
        .collect();
    assert_eq!(
        patterns,
        ["^custom:.+$"],
        "the spec's named channels changed"
    );
    assert_eq!(Channel::Named("n".into()).as_str(), "custom:n");
}

#[test]
fn protocol_error_codes_are_the_spec_codes() {
    let ours = every!(ProtocolErrorCode: InvalidArgument, UnknownCommand, UnknownError,
        NoSuchRun, NoSuchSubscription, NoSuchNamespace, NoSuchInterrupt, NoSuchCheckpoint,
        PermissionDenied, NotSupported, Unsupported, ResumeGap; ProtocolErrorCode::Other(_));
    for code in &ours {
        // An answer's code reads back as the variant that sends it.
        assert_eq!(&ProtocolErrorCode::parse(code.as_str()), code);
    }
    let ours = ours.iter().map(|c| c.as_str().to_string()).collect();
    let theirs = enum_at("/components/schemas/ProtocolError/properties/error");
    same_values(
        "thread_stream::ProtocolErrorCode",
        &ours,
        &theirs,
        &[
            (
                "unsupported",
                "sent by the pinned server for what the spec calls not_supported",
            ),
            (
                "resume_gap",
                "sent by the pinned server when a resume point is no longer buffered",
            ),
        ],
    );
}

/// `Nodes::All` is the spec's one enum value of `interrupt_before`/`interrupt_after`.
#[test]
fn all_nodes_is_the_spec_wildcard() {
    let ours = BTreeSet::from([Nodes::All
        .to_json()
        .as_str()
        .unwrap_or_default()
        .to_string()]);
    let mut fields = 0;
    for property in ["interrupt_before", "interrupt_after"] {
        for (name, theirs) in property_enums(property) {
            assert_same(
                &format!("runs::Nodes::All ({name}.{property})"),
                &ours,
                &theirs,
                &[],
            );
            fields += 1;
        }
    }
    assert!(
        fields >= 2,
        "no run body of the spec has interrupt_before/after"
    );
    report(format_args!(
        "runs::Nodes::All: the spec's one value of {fields} interrupt_before/after fields"
    ));
}

/// The run list's `status` filter takes the generated [`RunStatus`] (a run's own status, what
/// users hold) for the spec's enum of that query parameter: they must have the same values.
#[cfg(feature = "schemars")]
#[test]
fn run_status_is_the_run_list_status_filter() {
    use crate::types::RunStatus;
    let schema = schemars::schema_for!(RunStatus).schema;
    let ours = schema
        .enum_values
        .expect("RunStatus is an enum")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let theirs = parameter_enum("get", "/threads/{thread_id}/runs", "status");
    same_values("types::RunStatus (list_runs status)", &ours, &theirs, &[]);
}

/// Fields of a search body that the paging sets on each page (`limit`, `offset`), not a filter.
pub(crate) const PAGING: &[(&str, &str)] = &[
    ("limit", "set for each page by the `limit` setter"),
    ("offset", "set for each page by the `offset` setter"),
];

/// Request bodies that no resource builder's setters write, and what does.
const NOT_BY_SETTERS: &[(&str, &str)] = &[
    (
        "set_latest_assistant_version",
        "a struct literal of the generated body (`SetLatestVersion::send`): a field added or \
         removed fails to compile",
    ),
    (
        "get_thread_state_for_checkpoint",
        "a struct literal of the generated body (`GetState::send`): a field added or removed \
         fails to compile",
    ),
    (
        "protocol_thread_events",
        "the v3 session's subscription (`thread_stream::connection::Open::body`: channels and \
         since; it filters namespaces itself, see `thread_stream::scope`)",
    ),
    (
        "protocol_thread_command",
        "the v3 session's commands (`thread_stream::wire`), checked against recorded events of \
         the real server",
    ),
];

/// A client for building requests that are never sent (nothing listens on port 9).
pub(crate) fn offline_client() -> crate::Client {
    crate::Client::builder()
        .url("http://127.0.0.1:9")
        .no_api_key()
        .build()
        .unwrap()
}

/// What a builder sends: its body, once its input is checked.
pub(crate) fn sent(invalid: crate::request::Invalid, body: impl serde::Serialize) -> Vec<Value> {
    invalid.into_result().unwrap();
    vec![serde_json::to_value(body).unwrap()]
}

/// How the setters of the resource builders cover the spec's request bodies.
#[derive(Default)]
pub(crate) struct Coverage {
    /// The operations checked, with the number of their fields and of those left unset.
    checked: std::collections::BTreeMap<&'static str, (usize, usize)>,
}

impl Coverage {
    /// Checks `sent` (the bodies a builder sends with every setter called: one, or one per
    /// form of the request) against the fields of `op`'s body in the spec (the generated
    /// `operations::BODIES`), both ways: every key sent is a field of the spec's body (a field
    /// that a release renames or removes fails here), and every field of the spec is sent or
    /// listed in `unset` with the reason (a field that a release adds fails here until a
    /// setter sends it or it is listed).
    pub(crate) fn check(&mut self, op: &Operation, sent: &[Value], unset: &[(&str, &str)]) {
        let id = op.id;
        let fields = body_fields(id)
            .unwrap_or_else(|| panic!("`{id}` has no JSON object body in the spec any more"));
        let mut keys = BTreeSet::new();
        for body in sent {
            let body = body
                .as_object()
                .unwrap_or_else(|| panic!("{id}: the builder sends no JSON object: {body}"));
            keys.extend(body.keys().cloned());
        }
        for key in &keys {
            assert!(
                fields.contains(&key.as_str()),
                "{id}: the builder sends `{key}`, which the spec's body does not have (its \
                 fields: {fields:?})"
            );
        }
        for (field, why) in unset {
            assert!(
                fields.contains(field),
                "{id}: `{field}` ({why}) is no field of the spec's body any more"
            );
            assert!(
                !keys.contains(*field),
                "{id}: `{field}` is listed as unset ({why}) but a setter sends it"
            );
        }
        let missing: Vec<&&str> = fields
            .iter()
            .filter(|f| !keys.contains(**f) && !unset.iter().any(|(u, _)| u == *f))
            .collect();
        assert!(
            missing.is_empty(),
            "{id}: fields of the spec's body that no setter sends: {missing:?}"
        );
        self.checked.insert(id, (fields.len(), unset.len()));
    }
}

/// The fields of the body of the operation `id`, if it has a JSON object body.
pub(crate) fn body_fields(id: &str) -> Option<&'static [&'static str]> {
    ops::BODIES
        .iter()
        .find(|(op, _)| op.id == id)
        .map(|(_, fields)| *fields)
}

/// Every request body of the spec is checked against the setters that write it: by a resource
/// builder's setters here, by the run options (`runs::options`), or listed in
/// [`NOT_BY_SETTERS`] with what writes it. A release that adds an operation with a body fails
/// here until one of them covers it.
#[test]
fn every_request_body_is_checked_against_its_setters() {
    let mut coverage = Coverage::default();
    crate::assistants::tests::check_bodies(&mut coverage);
    crate::threads::tests::check_bodies(&mut coverage);
    crate::runs::tests::check_bodies(&mut coverage);
    crate::crons::tests::check_bodies(&mut coverage);
    crate::store::tests::check_bodies(&mut coverage);
    let run_bodies: Vec<&str> = crate::runs::RunBody::ALL
        .iter()
        .flat_map(|body| body.operations())
        .collect();
    for (id, why) in NOT_BY_SETTERS {
        assert!(
            body_fields(id).is_some(),
            "`{id}` ({why}) has no JSON object body in the spec any more"
        );
    }
    let unchecked: Vec<&str> = ops::BODIES
        .iter()
        .map(|(op, _)| op.id)
        .filter(|id| {
            !coverage.checked.contains_key(id)
                && !run_bodies.contains(id)
                && !NOT_BY_SETTERS.iter().any(|(n, _)| n == id)
        })
        .collect();
    assert!(
        unchecked.is_empty(),
        "request bodies of the spec that no setters are checked against: {unchecked:?}"
    );
    let fields: usize = coverage.checked.values().map(|(f, _)| f).sum();
    let unset: usize = coverage.checked.values().map(|(_, u)| u).sum();
    report(format_args!(
        "request bodies: {} of {} checked against the setters of the resource builders \
         ({} of their {fields} fields sent, {unset} left to the paging or deliberately unset), \
         {} against the run options, {} written otherwise",
        coverage.checked.len(),
        ops::BODIES.len(),
        fields - unset,
        run_bodies.len(),
        NOT_BY_SETTERS.len()
    ));
}
