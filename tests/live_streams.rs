//! Streaming against the real server: one test per stream mode (each event's kind and payload
//! are snapshotted, with ids and times redacted), token reassembly, subgraph namespaces,
//! interrupts, errors, joins.

mod common;

use futures_util::TryStreamExt;
use langgraph_sdk::{
    runs::StreamMode,
    stream::{ResumePoint, StreamEvent, StreamPart},
};
use serde_json::{Value, json};

/// `kind[|namespace length]` for each event: what the snapshots compare (ids redacted).
fn kinds(events: &[StreamEvent]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            let kind = match &e.part {
                StreamPart::Metadata(_) => "metadata".to_string(),
                StreamPart::Values { interrupts, .. } if !interrupts.is_empty() => {
                    "values+interrupt".into()
                }
                StreamPart::Values { .. } => "values".into(),
                StreamPart::Updates {
                    updates,
                    interrupts,
                } if updates.is_empty() && !interrupts.is_empty() => "interrupt".into(),
                StreamPart::Updates { updates, .. } => format!(
                    "updates:{}",
                    updates.keys().cloned().collect::<Vec<_>>().join(",")
                ),
                StreamPart::Message { chunk, .. } => format!("message:{}", chunk.kind),
                StreamPart::MessagesPartial(_) => "messages/partial".into(),
                StreamPart::MessagesComplete(_) => "messages/complete".into(),
                StreamPart::MessagesMetadata(_) => "messages/metadata".into(),
                StreamPart::Custom(v) => format!("custom:{v}"),
                StreamPart::Events(v) => format!("events:{}", v["event"].as_str().unwrap_or("?")),
                StreamPart::Debug(v) => format!("debug:{}", v["type"].as_str().unwrap_or("?")),
                StreamPart::Tasks(v) => format!("tasks:{}", v["name"].as_str().unwrap_or("?")),
                StreamPart::Checkpoints(_) => "checkpoints".into(),
                StreamPart::Feedback(_) => "feedback".into(),
                StreamPart::End => "end".into(),
                StreamPart::Other { event, .. } => format!("other:{event}"),
                _ => "unknown".into(),
            };
            if e.namespace.is_empty() {
                kind
            } else {
                format!(
                    "{kind} @{}",
                    e.namespace
                        .iter()
                        .map(|n| n.split(':').next().unwrap_or(""))
                        .collect::<Vec<_>>()
                        .join("/")
                )
            }
        })
        .collect()
}

/// Each event as the snapshots lock it: its kind and its whole payload, with what differs from
/// run to run redacted (ids, times).
fn snapshot(events: &[StreamEvent]) -> Vec<Value> {
    events
        .iter()
        .zip(kinds(events))
        .map(|(e, kind)| json!({"kind": kind, "data": redact(payload(&e.part))}))
        .collect()
}

/// What an event carries, as JSON.
fn payload(part: &StreamPart) -> Value {
    let json = |v: &dyn erased::Json| v.json();
    match part {
        StreamPart::Metadata(m) => json(m),
        StreamPart::Values { values, interrupts } => {
            json!({"values": values, "interrupts": serde_json::to_value(interrupts).unwrap()})
        }
        StreamPart::Updates {
            updates,
            interrupts,
        } if updates.is_empty() && !interrupts.is_empty() => {
            serde_json::to_value(interrupts).unwrap()
        }
        StreamPart::Updates { updates: m, .. }
        | StreamPart::MessagesMetadata(m)
        | StreamPart::Feedback(m) => Value::Object(m.clone()),
        StreamPart::Message { chunk, metadata } => {
            json!({"chunk": json(chunk.as_ref()), "metadata": json(metadata)})
        }
        StreamPart::MessagesPartial(m) | StreamPart::MessagesComplete(m) => {
            serde_json::to_value(m).unwrap()
        }
        StreamPart::Custom(v)
        | StreamPart::Events(v)
        | StreamPart::Debug(v)
        | StreamPart::Tasks(v)
        | StreamPart::Checkpoints(v) => v.clone(),
        StreamPart::Other { event, data } => json!({"event": event, "data": data}),
        _ => Value::Null,
    }
}

mod erased {
    /// Serializes to JSON (for the payloads of several types, in one `match`).
    pub trait Json {
        fn json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap()
        }
    }
}

/// `value` with what differs from run to run (or server to server) replaced by a placeholder:
/// UUIDs (also inside strings and keys, as in `lc_run--<uuid>`), 32-digit hex ids, RFC 3339 times, the
/// test server's address, numeric times (keys with `time`), and the server's versions (keys
/// with `version`).
fn redact(value: Value) -> Value {
    const PATTERNS: [(&str, &str); 4] = [
        ("http://127\\.0\\.0\\.1:\\d+", "<server>"),
        (
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "<uuid>",
        ),
        ("\\b[0-9a-f]{32}\\b", "<id>"),
        (
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})?",
            "<time>",
        ),
    ];
    let text = |mut text: String| {
        for (pattern, placeholder) in PATTERNS {
            let re = regress::Regex::new(pattern).unwrap();
            let mut out = String::new();
            let mut last = 0;
            for m in re.find_iter(&text) {
                out.push_str(&text[last..m.start()]);
                out.push_str(placeholder);
                last = m.end();
            }
            out.push_str(&text[last..]);
            text = out;
        }
        text
    };
    match value {
        Value::String(s) => Value::String(text(s)),
        Value::Array(items) => Value::Array(items.into_iter().map(redact).collect()),
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map
                .into_iter()
                .map(|(k, v)| match v {
                    Value::Number(_) if k.contains("time") => (k, json!("<time>")),
                    _ if k.contains("version") => (k, json!("<version>")),
                    v => (text(k), redact(v)),
                })
                .collect();
            // The server's key order is not stable from run to run (a chunk's metadata).
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().collect())
        }
        other => other,
    }
}

async fn stream(
    graph: &str,
    input: Value,
    modes: &[StreamMode],
    subgraphs: bool,
) -> Vec<StreamEvent> {
    let client = common::client();
    let thread = client.threads().create().await.unwrap();
    let stream = client
        .runs()
        .stream(thread.thread_id, graph)
        .input(input)
        .stream_mode(modes.iter().copied())
        .stream_subgraphs(subgraphs)
        .await
        .unwrap();
    stream.try_collect().await.unwrap()
}

#[tokio::test]
async fn values_mode() {
    let events = stream("echo", json!({"text": "hi"}), &[StreamMode::Values], false).await;
    insta::assert_yaml_snapshot!(snapshot(&events));
}

#[tokio::test]
async fn updates_mode() {
    let events = stream("echo", json!({"text": "hi"}), &[StreamMode::Updates], false).await;
    insta::assert_yaml_snapshot!(snapshot(&events));
}

#[tokio::test]
async fn messages_tuple_mode() {
    let events = stream(
        "chat",
        json!({"messages": [{"role": "human", "content": "hi"}]}),
        &[StreamMode::MessagesTuple],
        false,
    )
    .await;
    let ai: String = events
        .iter()
        .filter_map(|e| match &e.part {
            StreamPart::Message { chunk, .. } if chunk.kind == "AIMessageChunk" => {
                Some(chunk.text())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        ai,
        "The quick brown fox jumps over the lazy dog, streaming token by token."
    );
    insta::assert_yaml_snapshot!(snapshot(&events));
}

#[tokio::test]
async fn messages_mode() {
    let events = stream(
        "chat",
        json!({"messages": [{"role": "human", "content": "hi"}]}),
        &[StreamMode::Messages],
        false,
    )
    .await;
    let last_partial = events
        .iter()
        .filter_map(|e| match &e.part {
            StreamPart::MessagesPartial(m) => m.last().map(|m| m.text()),
            _ => None,
        })
        .next_back();
    assert_eq!(
        last_partial.as_deref(),
        Some("The quick brown fox jumps over the lazy dog, streaming token by token.")
    );
    // How many partial events the server sends varies from run to run: the snapshot has each
    // kind once, and the payloads of every event but the partials, and of the last partial.
    let mut kinds = kinds(&events);
    kinds.dedup();
    let partial = |e: &&StreamEvent| matches!(e.part, StreamPart::MessagesPartial(_));
    let steady: Vec<StreamEvent> = events
        .iter()
        .filter(|e| !partial(e))
        .chain(events.iter().rfind(partial))
        .cloned()
        .collect();
    insta::assert_yaml_snapshot!(json!({"kinds": kinds, "events": snapshot(&steady)}));
}

#[tokio::test]
async fn custom_mode() {
    let events = stream("custom", json!({}), &[StreamMode::Custom], false).await;
    insta::assert_yaml_snapshot!(snapshot(&events));
}

#[tokio::test]
async fn tasks_checkpoints_debug_and_events_modes() {
    for mode in [
        StreamMode::Tasks,
        StreamMode::Checkpoints,
        StreamMode::Debug,
    ] {
        let events = stream("echo", json!({"text": "x"}), &[mode], false).await;
        insta::assert_yaml_snapshot!(format!("{}_mode", mode.as_str()), snapshot(&events));
    }
    let events = stream(
        "chat",
        json!({"messages": [{"role": "human", "content": "hi"}]}),
        &[StreamMode::Events],
        false,
    )
    .await;
    assert!(
        events.iter().any(
            |e| matches!(&e.part, StreamPart::Events(v) if v["event"] == "on_chat_model_stream")
        ),
        "token events"
    );
}

#[tokio::test]
async fn subgraph_events_carry_their_namespace() {
    let events = stream("subgraph", json!({}), &[StreamMode::Updates], true).await;
    let child: Vec<&StreamEvent> = events.iter().filter(|e| !e.namespace.is_empty()).collect();
    assert_eq!(
        child.len(),
        2,
        "step_one and step_two: {:?}",
        kinds(&events)
    );
    for e in &child {
        assert_eq!(e.namespace.len(), 1);
        assert!(e.namespace[0].starts_with("child:"), "{:?}", e.namespace);
    }
    insta::assert_yaml_snapshot!(snapshot(&events));
    let flat = stream("subgraph", json!({}), &[StreamMode::Updates], false).await;
    assert!(
        flat.iter().all(|e| e.namespace.is_empty()),
        "no subgraph events unless asked"
    );
}

#[tokio::test]
async fn an_interrupt_arrives_typed_and_a_resume_completes_the_graph() {
    let client = common::client();
    let thread = client.threads().create().await.unwrap();
    let events: Vec<StreamEvent> = client
        .runs()
        .stream(thread.thread_id, "interrupt")
        .input(json!({"question": "Proceed?"}))
        .stream_mode([StreamMode::Updates])
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let interrupt = events
        .iter()
        .find_map(|e| match &e.part {
            StreamPart::Updates { interrupts, .. } => interrupts.first().cloned(),
            _ => None,
        })
        .expect("an updates part with the interrupt");
    assert_eq!(interrupt.value, json!({"question": "Proceed?"}));
    assert!(interrupt.id.is_some());

    let resumed: Vec<StreamEvent> = client
        .runs()
        .stream(thread.thread_id, "interrupt")
        .command(langgraph_sdk::runs::Command::resume("yes"))
        .stream_mode([StreamMode::Values])
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let last = resumed.iter().rev().find_map(|e| match &e.part {
        StreamPart::Values { values, .. } => Some(values.clone()),
        _ => None,
    });
    assert_eq!(
        last,
        Some(json!({"question": "Proceed?", "answer": "yes", "done": true}))
    );
}

#[tokio::test]
async fn an_error_event_ends_the_stream_as_a_typed_error() {
    let client = common::client();
    let thread = client.threads().create().await.unwrap();
    let mut stream = client
        .runs()
        .stream(thread.thread_id, "fail")
        .input(json!({"reason": "streamed"}))
        .await
        .unwrap();
    let mut seen = Vec::new();
    let error = loop {
        match stream.try_next().await {
            Ok(Some(event)) => seen.push(event),
            Ok(None) => panic!("the stream ended without the error: {:?}", kinds(&seen)),
            Err(e) => break e,
        }
    };
    match error {
        langgraph_sdk::Error::Run(e) => assert_eq!(
            (e.error.as_str(), e.message.as_str()),
            ("ValueError", "deliberate failure: streamed")
        ),
        other => panic!("{other}"),
    }
    assert!(
        stream.try_next().await.unwrap().is_none(),
        "nothing after the error"
    );
}

#[tokio::test]
async fn typed_values_and_stateless_streams() {
    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Echo {
        text: String,
        #[serde(default)]
        echo: Option<String>,
    }
    let client = common::client();
    let events: Vec<StreamEvent<Echo>> = client
        .runs()
        .stream_stateless("echo")
        .input(json!({"text": "typed"}))
        .values_as::<Echo>()
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let last = events.iter().rev().find_map(|e| match &e.part {
        StreamPart::Values { values, .. } => Some(values),
        _ => None,
    });
    assert_eq!(
        last,
        Some(&Echo {
            text: "typed".into(),
            echo: Some("typed".into())
        })
    );
}

#[tokio::test]
async fn join_stream_replays_a_resumable_run() {
    let client = common::client();
    let thread = client.threads().create().await.unwrap();
    let run = client
        .runs()
        .create(thread.thread_id, "slow")
        .input(json!({"steps": 3, "delay": 0.1}))
        .stream_mode([StreamMode::Custom, StreamMode::Values])
        .stream_resumable(true)
        .await
        .unwrap();
    let events: Vec<StreamEvent> = client
        .runs()
        .join_stream(thread.thread_id, run.run_id)
        .last_event_id("-1")
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let ticks: Vec<Value> = events
        .iter()
        .filter_map(|e| match &e.part {
            StreamPart::Custom(v) => Some(v.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        ticks,
        vec![json!({"tick": 1}), json!({"tick": 2}), json!({"tick": 3})]
    );
    let only_custom: Vec<StreamEvent> = client
        .runs()
        .join_stream(thread.thread_id, run.run_id)
        .stream_mode([StreamMode::Custom])
        .last_event_id("-1")
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(
        only_custom
            .iter()
            .all(|e| matches!(e.part, StreamPart::Custom(_) | StreamPart::Metadata(_))),
        "{:?}",
        kinds(&only_custom)
    );
}

#[tokio::test]
async fn a_thread_stream_follows_runs() {
    let client = common::client();
    let thread = client.threads().create().await.unwrap();
    let mut stream = client
        .threads()
        .join_stream(thread.thread_id)
        .await
        .unwrap();
    let _: Value = client
        .runs()
        .wait(thread.thread_id, "echo")
        .input(json!({"text": "watched"}))
        .await
        .unwrap();
    let mut seen = Vec::new();
    while let Ok(Some(event)) =
        tokio::time::timeout(std::time::Duration::from_secs(10), stream.try_next())
            .await
            .unwrap()
    {
        let done = matches!(&event.part, StreamPart::Metadata(m) if m.status.as_deref() == Some("run_done"));
        seen.push(event);
        if done {
            break;
        }
    }
    assert!(
        seen.iter().any(
            |e| matches!(&e.part, StreamPart::Values { values, .. } if values["echo"] == "watched")
        ),
        "{:?}",
        kinds(&seen)
    );
}

/// Joins the run from the start, or from `point`; at most `take` events, and the stream's
/// resume point after them.
async fn join_events(
    client: &langgraph_sdk::Client,
    thread: uuid::Uuid,
    run: uuid::Uuid,
    point: Option<ResumePoint>,
    take: usize,
) -> (Vec<String>, ResumePoint) {
    let join = client.runs().join_stream(thread, run);
    let join = match point {
        Some(point) => join.resume_from(point),
        None => join.last_event_id("0"),
    };
    let mut stream = join.await.unwrap();
    let mut events = Vec::new();
    while events.len() < take {
        match stream.try_next().await.unwrap() {
            Some(e) => events.push(format!("{:?} {:?}", e.id, e.part)),
            None => break,
        }
    }
    (events, stream.resume_point())
}

#[tokio::test]
async fn a_resume_point_goes_on_exactly_where_the_stream_stopped() {
    let client = common::client();
    let thread = client.threads().create().await.unwrap();
    let run = client
        .runs()
        .create(thread.thread_id, "chat")
        .input(json!({"messages": [{"role": "user", "content": "hi"}]}))
        .stream_mode([StreamMode::MessagesTuple, StreamMode::Values])
        .stream_resumable(true)
        .await
        .unwrap();
    client
        .runs()
        .join(thread.thread_id, run.run_id)
        .await
        .unwrap();
    let (all, _) = join_events(&client, thread.thread_id, run.run_id, None, usize::MAX).await;
    assert!(all.len() > 10, "{all:#?}");
    let ids: Vec<&str> = all.iter().map(|e| e.split(' ').next().unwrap()).collect();
    let shared = ids.windows(2).filter(|w| w[0] == w[1]).count();
    for cut in 0..all.len() {
        let (mut events, point) =
            join_events(&client, thread.thread_id, run.run_id, None, cut).await;
        // Through JSON, as another process would receive it.
        let point: ResumePoint =
            serde_json::from_str(&serde_json::to_string(&point).unwrap()).unwrap();
        let (rest, _) = join_events(
            &client,
            thread.thread_id,
            run.run_id,
            Some(point.clone()),
            usize::MAX,
        )
        .await;
        events.extend(rest);
        assert_eq!(
            events, all,
            "cut after {cut} events, resumed from {point:?}"
        );
    }
    println!(
        "resume points: {} cuts, each event once; {shared} of {} events share their id with the one before",
        all.len(),
        all.len()
    );
}
