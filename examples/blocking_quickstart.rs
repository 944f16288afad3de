//! The quickstart without async (the `blocking` feature): an answer streamed, then one waited for.
//!
//! Find the agent, start a thread, stream its answer token by token, then wait for a typed
//! answer. Each call ends in `.send()`; a stream is an iterator.
//!
//! `cargo xtask demo blocking_quickstart` runs it against a server it starts; or
//! `cargo run --example blocking_quickstart --features blocking` against any server with
//! `LANGGRAPH_API_URL` (and `LANGGRAPH_API_KEY` for a deployment).

use std::io::Write;

use langgraph_sdk::blocking::prelude::*;
use serde::Deserialize;
use serde_json::json;

/// The part of the agent's state this example reads.
#[derive(Deserialize)]
struct Chat {
    messages: Vec<serde_json::Value>,
}

fn main() -> langgraph_sdk::Result<()> {
    let client = Client::from_env()?;

    // The server makes an assistant for each graph it serves.
    let assistants = client
        .assistants()
        .search()
        .graph_id("chat")
        .limit(10)
        .send()?;
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
        .send()?;
    println!("thread {}", thread.thread_id);

    // The answer as it is written: a dropped connection resumes without losing a token.
    let stream = client
        .runs()
        .stream(thread.thread_id, agent.assistant_id)
        .input(json!({"messages": [{"role": "human", "content": "what's the weather in la"}]}))
        .stream_mode(StreamMode::MessagesTuple)
        .stream_resumable(true)
        .send()?;
    let mut messages = MessageAccumulator::new();
    let mut said = String::new();
    for event in stream {
        for delta in messages.push(&event?) {
            print!("{}", delta.text);
            std::io::stdout().flush().ok();
            said.push_str(&delta.text);
        }
    }
    println!();

    // A second turn, waited for and read as a type of ours.
    let state: Chat = client
        .runs()
        .wait(thread.thread_id, agent.assistant_id)
        .input(json!({"messages": [{"role": "human", "content": "and tomorrow?"}]}))
        .output_as()
        .send()?;
    println!("{} messages on the thread", state.messages.len());
    // The tokens streamed are the answer the thread keeps, and the thread holds both turns.
    assert_eq!(
        state.messages[1]["content"],
        said.as_str(),
        "the first answer"
    );
    assert_eq!(state.messages.len(), 4, "two questions, two answers");
    Ok(())
}
