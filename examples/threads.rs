//! Threads: prepopulate, `update_state(as_node)`, copy, search, past checkpoints, prune.
//!
//! Guide: "Use threads". Graph `chat` of `tests/server/graphs.py` (node `model`).
//! Run it with `cargo xtask demo threads`.

use langgraph_sdk::{prelude::*, types::ThreadStatus};
use serde_json::{Value, json};
use uuid::Uuid;

#[tokio::main(flavor = "current_thread")]
async fn main() -> langgraph_sdk::Result<()> {
    let client = Client::from_env()?;
    // Our threads carry this tag, so the searches below see only them.
    let tag = Uuid::new_v4().to_string();

    let empty = client
        .threads()
        .create()
        .metadata(json!({"example": tag}))
        .await?;
    println!("empty thread {}: {}", empty.thread_id, empty.status);
    assert!(matches!(empty.status, ThreadStatus::Idle));

    // A thread that starts with a conversation: each superstep is written as if the node
    // named in `as_node` had returned the values.
    let chat = client
        .threads()
        .create()
        .graph_id("chat")
        .metadata(json!({"example": tag}))
        .supersteps(json!([
            {"updates": [{"values": {}, "as_node": "__input__"}]},
            {"updates": [{"values": {"messages": [{"type": "human", "content": "hello"}]}, "as_node": "__start__"}]},
            {"updates": [{"values": {"messages": [{"type": "ai", "content": "Hello! How can I assist you today?"}]}, "as_node": "model"}]},
        ]))
        .await?;
    let state = client.threads().get_state(chat.thread_id).await?;
    println!(
        "prepopulated {}: {}",
        chat.thread_id,
        texts(&state.values).join(" / ")
    );
    assert_eq!(
        texts(&state.values),
        ["hello", "Hello! How can I assist you today?"]
    );

    // More state, written as the model: the graph takes it as the model's answer, so
    // nothing is left to run.
    client
        .threads()
        .update_state(chat.thread_id)
        .values(json!({"messages": [{"type": "ai", "content": "Anything else?"}]}))
        .as_node("model")
        .await?;
    let state = client.threads().get_state(chat.thread_id).await?;
    let conversation = texts(&state.values);
    println!(
        "after update_state: {} (next {:?})",
        conversation.join(" / "),
        state.next
    );
    assert_eq!(
        conversation,
        [
            "hello",
            "Hello! How can I assist you today?",
            "Anything else?"
        ]
    );
    assert!(state.next.is_empty());

    // A copy has the same state and history, under a new id.
    let copy = client.threads().copy(chat.thread_id).await?;
    let copied = client.threads().get_state(copy.thread_id).await?;
    println!(
        "copy {}: {}",
        copy.thread_id,
        texts(&copied.values).join(" / ")
    );
    assert_ne!(copy.thread_id, chat.thread_id);
    assert_eq!(texts(&copied.values), conversation);

    let tagged = client
        .threads()
        .search()
        .metadata(json!({"example": tag}))
        .await?;
    let idle = client
        .threads()
        .search()
        .metadata(json!({"example": tag, "graph_id": "chat"}))
        .status(ThreadStatus::Idle)
        .await?;
    println!(
        "search: {} threads tagged, {} of graph chat and idle",
        tagged.len(),
        idle.len()
    );
    assert_eq!(tagged.len(), 3, "the empty one, the chat and its copy");
    assert_eq!(idle.len(), 2);

    // The state at a past checkpoint: the history is newest first.
    let history = client.threads().get_history(chat.thread_id).await?;
    let before = &history[1];
    let past = client
        .threads()
        .get_state(chat.thread_id)
        .checkpoint(before.checkpoint.clone())
        .await?;
    println!(
        "{} checkpoints; one before the last: {}",
        history.len(),
        texts(&past.values).join(" / ")
    );
    assert_eq!(texts(&past.values), conversation[..2]);

    // Pruning deletes threads with their runs and checkpoints.
    let pruned = client
        .threads()
        .prune([copy.thread_id, empty.thread_id])
        .await?;
    let gone = client.threads().get(copy.thread_id).await;
    println!("pruned {}", pruned.pruned_count);
    assert_eq!(pruned.pruned_count, 2);
    assert!(gone.is_err_and(|e| e.is_not_found()));
    client.threads().delete(chat.thread_id).await?;
    Ok(())
}

/// The texts of a state's messages.
fn texts(values: &Value) -> Vec<String> {
    let messages = values["messages"].as_array().cloned().unwrap_or_default();
    messages
        .iter()
        .map(|m| m["content"].as_str().unwrap_or_default().to_string())
        .collect()
}
