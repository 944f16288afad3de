//! The generated raw layer on its own: search assistants, create a thread, wait for a run.
//!
//! It uses the generated raw layer (`langgraph_sdk::raw`) without the ergonomic client; point
//! it at any server with `LANGGRAPH_API_URL` (default `http://localhost:8123`), or run it with
//! `cargo xtask demo raw`.

use langgraph_sdk::raw::{self, types};
use serde_json::json;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("LANGGRAPH_API_URL").unwrap_or_else(|_| "http://localhost:8123".into());
    let client = raw::Client::new_with_client(&url, reqwest::Client::new(), raw::Hooks::default());

    let assistants = client
        .search_assistants()
        .body(
            types::AssistantSearchRequest::builder()
                .graph_id("echo".to_string())
                .limit(std::num::NonZeroU64::new(10)),
        )
        .send()
        .await?;
    for assistant in assistants.iter() {
        println!(
            "assistant {} (graph {})",
            assistant.assistant_id, assistant.graph_id
        );
    }

    let thread = client
        .create_thread()
        .body(types::ThreadCreate::builder().metadata(json!({"demo": true}).as_object().cloned()))
        .send()
        .await?;
    println!("thread {}", thread.thread_id);

    let input: types::RunInput = serde_json::from_value(json!({"text": "hello from Rust"}))?;
    let result = client
        .wait_run()
        .thread_id(thread.thread_id)
        .body(
            types::RunCreateStreamingStateful::builder()
                .assistant_id("echo")
                .input(Some(input)),
        )
        .send()
        .await?;
    println!("result {}", serde_json::to_string_pretty(&*result)?);
    assert_eq!(result.get("echo"), Some(&json!("hello from Rust")));
    Ok(())
}
