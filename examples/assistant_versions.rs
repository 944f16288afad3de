//! Assistant versions: update an assistant, list its versions, roll back with `set_latest`.
//!
//! An assistant has its own configuration; each update makes a new version, which runs use
//! from then on, and `set_latest` makes an earlier version the one runs use again.
//!
//! Guide: "Manage assistants". Graph `config_echo` of `tests/server/graphs.py`, which returns
//! the `config["configurable"]` it runs with.
//! Run it with `cargo xtask demo assistant_versions`.

use std::collections::BTreeMap;

use futures_util::TryStreamExt;
use langgraph_sdk::prelude::*;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

#[tokio::main(flavor = "current_thread")]
async fn main() -> langgraph_sdk::Result<()> {
    let client = Client::from_env()?;

    let assistant = client
        .assistants()
        .create("config_echo")
        .name("Open AI Assistant")
        .config(json!({"configurable": {"model_name": "openai"}}))
        .await?;
    println!(
        "assistant {} version {:?}",
        assistant.assistant_id, assistant.version
    );
    assert_eq!(assistant.version, Some(1));
    assert_eq!(model_name(&client, assistant.assistant_id).await?, "openai");

    // An update is a new version, and the one runs use from now on. It replaces the whole
    // configuration: pass all of it, not only what changes.
    let updated = client
        .assistants()
        .update(assistant.assistant_id)
        .config(json!({"configurable": {"model_name": "anthropic"}}))
        .await?;
    println!("updated: version {:?}", updated.version);
    assert_eq!(updated.version, Some(2));
    assert_eq!(
        model_name(&client, assistant.assistant_id).await?,
        "anthropic"
    );

    let versions: Vec<_> = client
        .assistants()
        .get_versions(assistant.assistant_id)
        .all()
        .try_collect()
        .await?;
    for version in &versions {
        println!(
            "  version {}: config {}",
            version.version,
            json!(version.config)
        );
    }
    let mut numbers: Vec<i64> = versions.iter().map(|v| v.version).collect();
    numbers.sort();
    assert_eq!(numbers, [1, 2]);

    // Roll back: version 1 is the latest again. (The pinned server restores a version's
    // `config` but not its `context`, so this example keeps its settings in `config`.)
    let rolled_back = client
        .assistants()
        .set_latest(assistant.assistant_id, 1)
        .await?;
    println!("rolled back to version {:?}", rolled_back.version);
    assert_eq!(rolled_back.version, Some(1));
    assert_eq!(model_name(&client, assistant.assistant_id).await?, "openai");

    // Deleting an assistant deletes every version of it.
    client.assistants().delete(assistant.assistant_id).await?;
    let gone = client.assistants().get(assistant.assistant_id).await;
    assert!(gone.is_err_and(|e| e.is_not_found()));
    println!("deleted");
    Ok(())
}

/// Runs the assistant (its latest version) and returns the `model_name` the graph saw.
async fn model_name(client: &Client, assistant_id: Uuid) -> langgraph_sdk::Result<String> {
    #[derive(Deserialize)]
    struct Seen {
        seen: BTreeMap<String, String>,
    }
    let out: Seen = client
        .runs()
        .wait_stateless(assistant_id)
        .input(json!({}))
        .output_as()
        .await?;
    let model = out.seen.get("model_name").cloned().unwrap_or_default();
    println!("  a run sees model_name = {model:?}");
    Ok(model)
}
