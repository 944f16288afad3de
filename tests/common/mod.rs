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
