//! A short scenario against a test server (`LANGGRAPH_API_URL`), written as a user of the
//! published crate would write it.

use futures_util::TryStreamExt;
use langgraph_sdk::{Client, runs::StreamMode, stream::StreamPart};
use serde_json::{Value, json};

#[tokio::main(flavor = "current_thread")]
async fn main() -> langgraph_sdk::Result<()> {
    let client = Client::from_env()?;
    client.health().await?;

    let thread = client
        .threads()
        .create()
        .metadata(json!({"from": "downstream"}))
        .await?;

    let mut stream = client
        .runs()
        .stream(thread.thread_id, "echo")
        .input(json!({"text": "hi"}))
        .stream_mode([StreamMode::Values])
        .await?;
    let mut last = None;
    while let Some(event) = stream.try_next().await? {
        if let StreamPart::Values { values, .. } = event.part {
            last = Some(values);
        }
    }
    assert_eq!(
        last.as_ref().map(|v| &v["echo"]),
        Some(&json!("hi")),
        "{last:?}"
    );

    let output: Value = client
        .runs()
        .wait(thread.thread_id, "echo")
        .input(json!({"text": "again"}))
        .await?;
    assert_eq!(output["echo"], json!("again"), "{output}");

    let missing = client
        .threads()
        .get(uuid::Uuid::new_v4())
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing}");

    client.threads().delete(thread.thread_id).await?;
    println!("downstream scenario: ok");
    Ok(())
}
