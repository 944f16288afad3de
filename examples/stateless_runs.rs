//! Stateless runs: streamed and waited for, on a thread the server makes and deletes.
//!
//! A stateless run needs no thread of yours; the server deletes the thread it ran on when
//! it finishes, unless asked to keep it.
//!
//! Guide: "Stateless Runs". Graph `chat` of `tests/server/graphs.py` (a model that answers
//! with a fixed sentence).
//! Run it with `cargo xtask demo stateless_runs`.

use langgraph_sdk::{prelude::*, types::OnCompletion};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

#[derive(Deserialize)]
struct Chat {
    messages: Vec<Value>,
}

const ANSWER: &str = "The quick brown fox jumps over the lazy dog, streaming token by token.";

#[tokio::main(flavor = "current_thread")]
async fn main() -> langgraph_sdk::Result<()> {
    let client = Client::from_env()?;
    let input = json!({"messages": [{"role": "user", "content": "Hello! My name is Bagatur and I am 26 years old."}]});
    // The server copies a run's metadata to the thread it makes for it: this tag finds it.
    let tag = json!({"example": "stateless_runs", "run": Uuid::new_v4()});

    let mut stream = client
        .runs()
        .stream_stateless("chat")
        .input(input.clone())
        .metadata(tag.clone())
        .stream_mode(StreamMode::Updates)
        .await?;
    let mut answers = Vec::new();
    while let Some(event) = stream.try_next().await? {
        if let StreamPart::Updates { updates, .. } = &event.part {
            println!("{}", Value::Object(updates.clone()));
            answers.push(updates["model"]["messages"][0]["content"].clone());
        }
    }
    assert_eq!(answers, [ANSWER]);
    // The run's temporary thread was deleted when it finished.
    let left = client.threads().search().metadata(tag.clone()).await?;
    println!("threads left behind: {}", left.len());
    assert!(left.is_empty());

    // Waiting for the output instead; `on_completion(Keep)` keeps the thread.
    let out: Chat = client
        .runs()
        .wait_stateless("chat")
        .input(input)
        .metadata(tag.clone())
        .on_completion(OnCompletion::Keep)
        .output_as()
        .await?;
    let kinds: Vec<&str> = out
        .messages
        .iter()
        .map(|m| m["type"].as_str().unwrap_or("?"))
        .collect();
    println!("wait: {kinds:?}, answer {}", out.messages[1]["content"]);
    assert_eq!(kinds, ["human", "ai"]);
    assert_eq!(out.messages[1]["content"], ANSWER);
    let kept = client.threads().search().metadata(tag).await?;
    println!("threads kept: {}", kept.len());
    assert_eq!(kept.len(), 1);
    client.threads().delete(kept[0].thread_id).await?;
    Ok(())
}
