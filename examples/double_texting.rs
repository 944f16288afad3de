//! Double texting: a second run on a busy thread, with each multitask strategy.
//!
//! The same two questions with `enqueue`, `interrupt`, `reject` and `rollback`, and what
//! each leaves in the thread.
//!
//! Guides: "Enqueue", "How to use the interrupt option", "Reject", "How to use the Rollback
//! option". Graph `weather` of `tests/server/graphs.py`: `look_up` says it looks the weather
//! up, then `answer` takes two seconds to answer.
//! Run it with `cargo xtask demo double_texting`.

use std::time::Duration;

use langgraph_sdk::{prelude::*, types::MultitaskStrategy};
use serde_json::{Value, json};
use uuid::Uuid;

/// What a strategy did: the thread's messages, and what became of each run.
struct Outcome {
    messages: Vec<String>,
    first: String,
    second: String,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> langgraph_sdk::Result<()> {
    let client = Client::from_env()?;
    // The four take a few seconds each: run them side by side, on four threads.
    let (enqueue, interrupt, reject, rollback) = tokio::try_join!(
        double_text(&client, MultitaskStrategy::Enqueue),
        double_text(&client, MultitaskStrategy::Interrupt),
        double_text(&client, MultitaskStrategy::Reject),
        double_text(&client, MultitaskStrategy::Rollback),
    )?;
    let sf = [
        "human: what's the weather in sf?",
        "ai: Looking up the weather in sf...",
        "ai: It is sunny in sf.",
    ];
    let nyc = [
        "human: what's the weather in nyc?",
        "ai: Looking up the weather in nyc...",
        "ai: It is sunny in nyc.",
    ];

    show("enqueue", &enqueue);
    assert_eq!(enqueue.messages, [sf, nyc].concat(), "one after the other");
    assert_eq!((&*enqueue.first, &*enqueue.second), ("success", "success"));

    show("interrupt", &interrupt);
    assert_eq!(
        interrupt.messages,
        [&sf[..2], &nyc[..]].concat(),
        "the first run's finished steps stay, its answer never comes"
    );
    assert_eq!(
        (&*interrupt.first, &*interrupt.second),
        ("interrupted", "success")
    );

    show("reject", &reject);
    assert_eq!(reject.messages, sf, "the second question never got in");
    assert_eq!(
        (&*reject.first, &*reject.second),
        ("success", "rejected (409)")
    );

    show("rollback", &rollback);
    assert_eq!(rollback.messages, nyc, "as if the first run never happened");
    assert_eq!(
        (&*rollback.first, &*rollback.second),
        ("deleted", "success")
    );
    Ok(())
}

/// Asks about sf, and about nyc with `strategy` while the first run is busy.
async fn double_text(
    client: &Client,
    strategy: MultitaskStrategy,
) -> langgraph_sdk::Result<Outcome> {
    let thread = client.threads().create().await?.thread_id;
    let first = client
        .runs()
        .create(thread, "weather")
        .input(question("sf"))
        .await?;
    // The first run is busy in `answer` once `look_up`'s message is in the thread.
    while messages(client, thread).await?.len() < 2 {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let second = client
        .runs()
        .create(thread, "weather")
        .input(question("nyc"))
        .multitask_strategy(strategy)
        .await;
    let second = match second {
        Ok(run) => {
            client.runs().join(thread, run.run_id).await?;
            status(client, thread, run.run_id).await?
        }
        Err(e) if e.is_conflict() => {
            client.runs().join(thread, first.run_id).await?;
            "rejected (409)".to_string()
        }
        Err(e) => return Err(e),
    };
    Ok(Outcome {
        messages: messages(client, thread).await?,
        first: status(client, thread, first.run_id).await?,
        second,
    })
}

fn question(city: &str) -> Value {
    json!({"messages": [{"role": "user", "content": format!("what's the weather in {city}?")}]})
}

/// The thread's messages, as `type: text` lines.
async fn messages(client: &Client, thread: Uuid) -> langgraph_sdk::Result<Vec<String>> {
    let state = client.threads().get_state(thread).await?;
    let messages = state.values["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    Ok(messages
        .iter()
        .map(|m| {
            format!(
                "{}: {}",
                m["type"].as_str().unwrap_or("?"),
                m["content"].as_str().unwrap_or("")
            )
        })
        .collect())
}

/// A run's status, or `deleted` when the server has no such run any more.
async fn status(client: &Client, thread: Uuid, run: Uuid) -> langgraph_sdk::Result<String> {
    match client.runs().get(thread, run).await {
        Ok(run) => Ok(run.status.to_string()),
        Err(e) if e.is_not_found() => Ok("deleted".into()),
        Err(e) => Err(e),
    }
}

fn show(strategy: &str, outcome: &Outcome) {
    println!(
        "{strategy}: first run {}, second run {}",
        outcome.first, outcome.second
    );
    for message in &outcome.messages {
        println!("    {message}");
    }
}
