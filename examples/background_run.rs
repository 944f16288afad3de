//! A background run: start it, check on it, wait for it (`join`), read the final state.
//!
//! Guide: "How to kick off background runs". Graph `tools` of `tests/server/graphs.py` (a
//! model that calls a weather tool, then answers).
//! Run it with `cargo xtask demo background_run`.

use langgraph_sdk::{prelude::*, types::RunStatus};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
struct Chat {
    messages: Vec<Message>,
}

#[derive(Deserialize)]
struct Message {
    #[serde(rename = "type")]
    kind: String,
    content: Value,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> langgraph_sdk::Result<()> {
    let client = Client::from_env()?;
    let thread = client.threads().create().await?;
    let runs = client.runs().list(thread.thread_id).await?;
    println!("thread {}: {} runs", thread.thread_id, runs.len());
    assert!(runs.is_empty());

    // `create` returns as soon as the server has queued the run.
    let run = client
        .runs()
        .create(thread.thread_id, "tools")
        .input(json!({"messages": [{"role": "user", "content": "what's the weather in Paris?"}]}))
        .await?;
    let queued = client.runs().get(thread.thread_id, run.run_id).await?;
    println!("run {}: {}", run.run_id, queued.status);
    assert!(matches!(
        queued.status,
        RunStatus::Pending | RunStatus::Running
    ));

    // `join` waits until it has finished (and returns the thread's values).
    client.runs().join(thread.thread_id, run.run_id).await?;
    let finished = client.runs().get(thread.thread_id, run.run_id).await?;
    println!("run {}: {}", run.run_id, finished.status);
    assert!(matches!(finished.status, RunStatus::Success));

    let state = client
        .threads()
        .get_state(thread.thread_id)
        .values_as::<Chat>()
        .await?;
    for message in &state.values.messages {
        println!("{:>6}: {}", message.kind, text(&message.content));
    }
    let kinds: Vec<&str> = state
        .values
        .messages
        .iter()
        .map(|m| m.kind.as_str())
        .collect();
    assert_eq!(
        kinds,
        ["human", "ai", "tool", "ai"],
        "question, tool call, tool, answer"
    );
    let last = state.values.messages.last().map(|m| text(&m.content));
    assert_eq!(last.as_deref(), Some("The weather in Paris is sunny."));
    assert!(state.next.is_empty(), "nothing left to run");
    Ok(())
}

/// A message's text; a message with tool calls and no text shows as `""`.
fn text(content: &Value) -> String {
    content
        .as_str()
        .map_or_else(|| content.to_string(), str::to_string)
}
