//! Several assistants on one thread: each run goes on from the conversation the others left.
//!
//! Guide: "How to run multiple agents on the same thread". Graph `chat` of
//! `tests/server/graphs.py`: the server's default assistant for it, and one made here with
//! its own configuration.
//! Run it with `cargo xtask demo same_thread`.

use langgraph_sdk::prelude::*;
use serde_json::json;

#[tokio::main(flavor = "current_thread")]
async fn main() -> langgraph_sdk::Result<()> {
    let client = Client::from_env()?;
    let custom = client
        .assistants()
        .create("chat")
        .config(json!({"configurable": {"model_name": "openai"}}))
        .await?;
    // There is always a default assistant per graph, made by the server, with no configuration.
    let default = client
        .assistants()
        .search()
        .graph_id("chat")
        .metadata(json!({"created_by": "system"}))
        .await?
        .into_items()
        .into_iter()
        .next()
        .expect("the server serves the `chat` graph");
    println!(
        "assistants {} and {} (default), both of graph {}",
        custom.assistant_id, default.assistant_id, default.graph_id
    );
    assert_ne!(custom.assistant_id, default.assistant_id);

    let thread = client.threads().create().await?.thread_id;
    for (assistant, question) in [
        (custom.assistant_id, "who made you?"),
        (default.assistant_id, "and you?"),
    ] {
        let mut stream = client
            .runs()
            .stream(thread, assistant)
            .input(json!({"messages": [{"role": "user", "content": question}]}))
            .stream_mode(StreamMode::Updates)
            .await?;
        println!("{question} (assistant {assistant})");
        while let Some(event) = stream.try_next().await? {
            if let StreamPart::Updates { updates, .. } = &event.part {
                for (node, update) in updates {
                    println!("  {node}: {}", update["messages"][0]["content"]);
                }
            }
        }
    }

    // The second run saw the first one's messages: the thread is not tied to an assistant.
    let state = client.threads().get_state(thread).await?;
    let kinds: Vec<&str> = state.values["messages"]
        .as_array()
        .map(|messages| messages.iter().filter_map(|m| m["type"].as_str()).collect())
        .unwrap_or_default();
    println!("the thread: {kinds:?}");
    assert_eq!(kinds, ["human", "ai", "human", "ai"]);
    let runs = client.runs().list(thread).await?;
    let mut by: Vec<_> = runs.iter().map(|run| run.assistant_id).collect();
    by.sort();
    let mut expected = vec![custom.assistant_id, default.assistant_id];
    expected.sort();
    assert_eq!(by, expected, "one run by each assistant");
    client.assistants().delete(custom.assistant_id).await?;
    Ok(())
}
