//! Configurable headers: request headers that reach the graph, per client and per request.
//!
//! The server hands the headers its configuration lets through to the graph, in
//! `config["configurable"]`; the others never reach it.
//!
//! Guide: "Configurable Headers". The test server's `langgraph.json` lets `x-user-id` through
//! (`"http": {"configurable_headers": {"include": ["x-user-id"]}}`); graph `config_echo` of
//! `tests/server/graphs.py` returns what it finds in `config["configurable"]`.
//! Run it with `cargo xtask demo configurable_headers`.

use std::collections::BTreeMap;

use langgraph_sdk::prelude::*;
use serde::Deserialize;
use serde_json::json;

/// What `config_echo` saw in `config["configurable"]`.
#[derive(Deserialize)]
struct Seen {
    seen: BTreeMap<String, String>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> langgraph_sdk::Result<()> {
    // A header on every request of this client.
    let client = Client::builder().header("x-user-id", "service").build()?;
    let out: Seen = client
        .runs()
        .wait_stateless("config_echo")
        .input(json!({}))
        .output_as()
        .await?;
    println!(
        "client header:      x-user-id = {:?}",
        out.seen.get("x-user-id")
    );
    assert_eq!(out.seen["x-user-id"], "service");

    // A header on one request replaces the client's; a header the server does not let
    // through (`x-tenant`) never reaches the graph.
    let out: Seen = client
        .runs()
        .wait_stateless("config_echo")
        .input(json!({}))
        .header("x-user-id", "user-42")
        .header("x-tenant", "acme")
        .output_as()
        .await?;
    println!(
        "per-request header: x-user-id = {:?}",
        out.seen.get("x-user-id")
    );
    println!(
        "not let through:    x-tenant  = {:?}",
        out.seen.get("x-tenant")
    );
    assert_eq!(out.seen["x-user-id"], "user-42");
    assert!(!out.seen.contains_key("x-tenant"));

    let headers: Vec<&String> = out.seen.keys().filter(|k| k.starts_with("x-")).collect();
    println!("headers the graph saw: {headers:?}");
    assert_eq!(headers, ["x-user-id"]);
    Ok(())
}
