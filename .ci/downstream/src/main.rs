//! A short scenario against a test server (`LANGGRAPH_API_URL`), written as a user of the
//! published crate would write it.

use langgraph_sdk::prelude::*;
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
        .stream_mode(StreamMode::Values)
        .await?;
    let mut last = None;
    while let Some(event) = stream.try_next().await? {
        if let StreamPart::Values { values, .. } = &event.part {
            assert_eq!(event.event(), "values");
            last = Some(values.clone());
        }
    }
    assert_eq!(
        last.as_ref().map(|v| &v["echo"]),
        Some(&json!("hi")),
        "{last:?}"
    );
    assert!(stream.run_id().is_some(), "the run's id is known");

    // The test server maps `x-user-id` into the run's configurable values.
    let output: Value = client
        .runs()
        .wait(thread.thread_id, "echo")
        .input(json!({"text": "again"}))
        .header("x-user-id", "downstream-user")
        .await?;
    assert_eq!(output["echo"], json!("again"), "{output}");
    assert_eq!(output["user_id"], json!("downstream-user"), "{output}");

    let missing = client
        .threads()
        .get(uuid::Uuid::new_v4())
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing}");

    client.threads().delete(thread.thread_id).await?;
    println!("downstream scenario: ok");
    blocking()
}

/// The blocking client (the `blocking` feature, made with the packaged macros crate).
fn blocking() -> langgraph_sdk::Result<()> {
    let client = langgraph_sdk::blocking::Client::from_env()?;
    let thread = client.threads().create().send()?;
    let mut values = None;
    for event in client
        .runs()
        .stream(thread.thread_id, "echo")
        .input(json!({"text": "blocking"}))
        .stream_mode(StreamMode::Values)
        .send()?
    {
        if let StreamPart::Values { values: v, .. } = event?.part {
            values = Some(v);
        }
    }
    assert_eq!(values.map(|v| v["echo"].clone()), Some(json!("blocking")));
    client.threads().delete(thread.thread_id).send()?;
    println!("downstream blocking scenario: ok");
    Ok(())
}
