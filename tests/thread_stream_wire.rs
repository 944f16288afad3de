//! The v3 wire types against events the real server sent: recorded streams
//! (`tests/fixtures/thread_stream/`) decoded and snapshotted, and the live server checked to
//! still send streams of the same shape.

mod common;

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use langgraph_sdk::thread_stream::{Channel, Delta, Event, EventData, MessageEvent, ToolEvent};
use serde_json::{Value, json};

const ALL: [Channel; 9] = [
    Channel::Values,
    Channel::Updates,
    Channel::Messages,
    Channel::Tools,
    Channel::Lifecycle,
    Channel::Input,
    Channel::Tasks,
    Channel::Checkpoints,
    Channel::Custom,
];

/// The events of a recorded stream (its `data:` lines).
fn recorded(name: &str) -> Vec<Event> {
    let path = format!(
        "{}/tests/fixtures/thread_stream/{name}.sse",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|data| serde_json::from_str(data).unwrap_or_else(|e| panic!("{data}: {e}")))
        .collect()
}

/// A namespace with its task ids left out (`child:<id>` -> `child`).
fn shape_of(namespace: &[String]) -> String {
    let names: Vec<&str> = namespace
        .iter()
        .map(|s| s.split_once(':').map_or(s.as_str(), |(name, _)| name))
        .collect();
    format!("[{}]", names.join("/"))
}

/// What an event is, without its ids and timestamps: the same for every run of a graph.
fn signature(event: &Event) -> String {
    let kind = match event.data() {
        EventData::Lifecycle(l) => format!("{:?}", l.status),
        EventData::Values(_) => "snapshot".into(),
        EventData::Updates(u) => format!("update {:?}", u.node),
        EventData::Message(m) => match m {
            MessageEvent::Start { role, .. } => format!("start {role:?}"),
            MessageEvent::BlockStart { index, .. } => format!("block-start {index}"),
            MessageEvent::BlockDelta { index, delta } => format!(
                "delta {index} {}",
                match delta {
                    Delta::Text(_) => "text",
                    Delta::Reasoning(_) => "reasoning",
                    Delta::ToolCall { .. } => "tool-call",
                    Delta::Content(_) => "content",
                    _ => "other",
                }
            ),
            MessageEvent::BlockFinish { index, .. } => format!("block-finish {index}"),
            MessageEvent::Finish { .. } => "finish".into(),
            MessageEvent::Error { .. } => "error".into(),
            other => format!("unknown {other:?}"),
        },
        EventData::Tool(t) => match t {
            ToolEvent::Started { tool_name, .. } => format!("tool-started {tool_name}"),
            ToolEvent::OutputDelta { delta, .. } => format!("tool-delta {delta}"),
            ToolEvent::Finished { .. } => "tool-finished".into(),
            ToolEvent::Error { .. } => "tool-error".into(),
            other => format!("unknown {other:?}"),
        },
        EventData::Custom(c) => format!("custom {:?} {}", c.name, c.payload),
        EventData::InputRequested(r) => format!("input {}", r.payload),
        EventData::Checkpoint(_) => "checkpoint".into(),
        EventData::Task(_) => "task".into(),
        other => format!("other {other:?}"),
    };
    format!("{} {} {kind}", event.method, shape_of(&event.namespace))
}

/// A readable account of how a recorded stream decodes, for the snapshot.
fn decoded(events: &[Event]) -> String {
    events
        .iter()
        .map(|e| {
            let data = match e.data() {
                // States are long and checked elsewhere: their keys say enough here.
                EventData::Values(v) => format!(
                    "Values(keys {:?})",
                    v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>())
                ),
                other => format!("{other:?}"),
            };
            format!(
                "#{} {} {:?} {:?} node={:?}\n    {data}",
                e.seq.unwrap_or_default(),
                e.method,
                e.namespace,
                e.event_id,
                e.node
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn recorded_streams_decode_to_typed_events() {
    for name in [
        "chat",
        "tools",
        "custom",
        "subgraph",
        "approvals",
        "fail",
        "interrupt",
    ] {
        let events = recorded(name);
        assert!(!events.is_empty(), "{name}");
        // Nothing a known channel sends is left undecoded.
        for e in &events {
            assert!(
                !matches!(e.data(), EventData::Other(_)),
                "{name}: {e:?} did not decode"
            );
            assert!(e.event_id.is_some() && e.seq.is_some() && e.timestamp.is_some());
        }
        let seqs: Vec<u64> = events.iter().map(|e| e.seq.unwrap()).collect();
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "{name}: seq increases"
        );
        insta::assert_snapshot!(format!("thread_stream_{name}"), decoded(&events));
    }
}

#[test]
fn recorded_details_the_projections_rely_on() {
    // The interrupt's payload is in `payload` (the official client reads `value`).
    let interrupt = recorded("interrupt");
    let asked: Vec<Value> = interrupt
        .iter()
        .filter_map(|e| match e.data() {
            EventData::InputRequested(r) => Some(r.payload),
            _ => None,
        })
        .collect();
    assert_eq!(asked, [json!({"question": "Go?"})]);
    // Tool output deltas and the finished output.
    let tools = recorded("tools");
    let deltas: Vec<Value> = tools
        .iter()
        .filter_map(|e| match e.data() {
            EventData::Tool(ToolEvent::OutputDelta { delta, .. }) => Some(delta),
            _ => None,
        })
        .collect();
    assert_eq!(
        deltas,
        ["It is ", "sunny ", "in ", "Paris", "."].map(|d| json!(d))
    );
    // Text deltas reassemble to the model's text.
    let text: String = recorded("chat")
        .iter()
        .filter_map(|e| match e.data() {
            EventData::Message(MessageEvent::BlockDelta {
                delta: Delta::Text(t),
                ..
            }) => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(
        text,
        "The quick brown fox jumps over the lazy dog, streaming token by token."
    );
}

/// The live server still sends what was recorded: the same events, ids and times aside.
#[tokio::test]
async fn the_live_server_sends_what_was_recorded() {
    let client = common::client();
    let cases: [(&str, &str, Value); 5] = [
        (
            "chat",
            "chat",
            json!({"messages": [{"role": "user", "content": "hi"}]}),
        ),
        (
            "tools",
            "v3_tools",
            json!({"messages": [{"role": "user", "content": "weather?"}]}),
        ),
        ("custom", "v3_custom", json!({})),
        (
            "subgraph",
            "v3_subgraph",
            json!({"messages": [{"role": "user", "content": "hi"}]}),
        ),
        ("fail", "fail", json!({"reason": "boom"})),
    ];
    for (name, graph, input) in cases {
        let session = client.threads().stream(graph).await.unwrap();
        let events = session.events(ALL);
        session.start().input(input).await.unwrap();
        let live: Vec<_> =
            tokio::time::timeout(Duration::from_secs(30), events.try_collect::<Vec<_>>())
                .await
                .expect("the run ends")
                .unwrap();
        let live: Vec<String> = live.iter().map(|e| signature(e)).collect();
        let expected: Vec<String> = recorded(name).iter().map(signature).collect();
        assert_eq!(live, expected, "{name}");
    }
    // A run that stops at interrupts: as many events as recorded, then it waits.
    let session = client.threads().stream("v3_approvals").await.unwrap();
    let expected: Vec<String> = recorded("approvals").iter().map(signature).collect();
    let events = session.events(ALL).take(expected.len());
    session
        .start()
        .input(json!({"items": ["a", "b"]}))
        .await
        .unwrap();
    let live: Vec<_> =
        tokio::time::timeout(Duration::from_secs(30), events.try_collect::<Vec<_>>())
            .await
            .expect("the interrupts arrive")
            .unwrap();
    let live: Vec<String> = live.iter().map(|e| signature(e)).collect();
    assert_eq!(live, expected, "approvals");
}
