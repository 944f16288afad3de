//! The quickstart: search the assistants, create a thread, run the agent, print its answer.
//!
//! `cargo xtask demo` runs it against a local server it starts; point it at any server with
//! `LANGGRAPH_API_URL` (and `LANGGRAPH_API_KEY` for a deployment).

use langgraph_sdk::prelude::*;
use serde::Deserialize;
use serde_json::json;

/// The part of the agent's state this example reads.
#[derive(Deserialize)]
struct Chat {
    messages: Vec<Message>,
}

#[derive(Deserialize)]
struct Message {
    #[serde(rename = "type")]
    kind: String,
    content: serde_json::Value,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> langgraph_sdk::Result<()> {
    let client = Client::from_env()?;

    // The server makes an assistant for each graph it serves.
    let assistants = client
        .assistants()
        .search()
        .graph_id("chat")
        .limit(10)
        .await?;
    let agent = assistants
        .first()
        .expect("the server serves the `chat` graph");
    println!(
        "assistant {} (graph {})",
        agent.assistant_id, agent.graph_id
    );

    let thread = client
        .threads()
        .create()
        .metadata(json!({"user": "u1"}))
        .await?;
    println!("thread {}", thread.thread_id);

    let state: Chat = client
        .runs()
        .wait(thread.thread_id, agent.assistant_id)
        .input(json!({"messages": [{"role": "human", "content": "what's the weather in la"}]}))
        .output_as()
        .await?;
    for message in &state.messages {
        let text = message
            .content
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| message.content.to_string());
        println!("{:>5}: {text}", message.kind);
    }
    let last = state.messages.last().map(|m| m.kind.as_str());
    assert_eq!(last, Some("ai"), "the agent answered");
    Ok(())
}
