//! Streaming against the real server: one test per stream mode (the sequence of event kinds
//! is snapshotted), token reassembly, subgraph namespaces, interrupts, errors, joins.

mod common;

use futures_util::TryStreamExt;
use langgraph_sdk::{
    runs::StreamMode,
    stream::{StreamEvent, StreamPart},
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
                StreamPart::Updates(u) => format!(
                    "updates:{}",
                    u.keys().cloned().collect::<Vec<_>>().join(",")
                ),
                StreamPart::Interrupt(_) => "interrupt".into(),
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
    insta::assert_yaml_snapshot!(kinds(&events));
}

#[tokio::test]
async fn updates_mode() {
    let events = stream("echo", json!({"text": "hi"}), &[StreamMode::Updates], false).await;
    insta::assert_yaml_snapshot!(kinds(&events));
}
