//! Shared by the live tests: a client of the test server.

#![allow(dead_code)]

pub mod fault;
pub mod mock;

use langgraph_sdk::Client;

/// A client of the test server (`LANGGRAPH_TEST_URL`, or one started for this process).
pub fn client() -> Client {
    let url = langgraph_testbed::shared_url().expect("a running test server");
    Client::builder()
        .url(url)
        .no_api_key()
        .build()
        .expect("a client")
}

/// A blocking client of the test server (the `blocking` feature).
#[cfg(feature = "blocking")]
pub fn blocking_client() -> langgraph_sdk::blocking::Client {
    let url = langgraph_testbed::shared_url().expect("a running test server");
    langgraph_sdk::blocking::Client::builder()
        .url(url)
        .no_api_key()
        .build()
        .expect("a blocking client")
}

/// A unique tag for the metadata of what one test creates, so that searches see only it.
pub fn tag() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The id of the assistant the server made for `graph_id` (`metadata.created_by == "system"`).
pub async fn system_assistant(client: &Client, graph_id: &str) -> uuid::Uuid {
    client
        .assistants()
        .search()
        .graph_id(graph_id)
        .metadata(serde_json::json!({"created_by": "system"}))
        .await
        .expect("search assistants")
        .first()
        .unwrap_or_else(|| panic!("no system assistant for {graph_id}"))
        .assistant_id
}

/// Polls `check` until it holds, failing the test after 30 s: for conditions the server
/// reaches in its own time (a run that started, a thread that was deleted), instead of a sleep
/// that guesses how long that takes.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !check().await {
        assert!(
            std::time::Instant::now() < deadline,
            "not within 30 s: {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// [`eventually`] for blocking code.
pub fn eventually_blocking(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !check() {
        assert!(
            std::time::Instant::now() < deadline,
            "not within 30 s: {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
