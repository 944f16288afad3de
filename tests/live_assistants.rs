//! Every method of `client.assistants()` against the real server, checked by its effect.

mod common;

use futures_util::TryStreamExt;
use langgraph_sdk::{
    assistants::XRay,
    types::{AssistantSelectField, IfExists},
};
use serde_json::json;

#[tokio::test]
async fn create_get_update_versions_delete() {
    let client = common::client();
    let tag = common::tag();
    let a = client
        .assistants()
        .create("echo")
        .name("first")
        .description("made by a test")
        .metadata(json!({"tag": tag}))
        .config(json!({"tags": ["t1"], "recursion_limit": 7}))
        .context(json!({"greeting": "hi"}))
        .await
        .unwrap();
    assert_eq!(a.graph_id, "echo");
    assert_eq!(a.name.as_deref(), Some("first"));
    assert_eq!(a.description.as_deref(), Some("made by a test"));
    assert_eq!(a.config.tags, vec!["t1".to_string()]);
    assert_eq!(a.config.recursion_limit, Some(7));
    assert_eq!(a.context.as_ref().unwrap()["greeting"], json!("hi"));

    let got = client.assistants().get(a.assistant_id).await.unwrap();
    assert_eq!(got.assistant_id, a.assistant_id);
    assert_eq!(got.metadata["tag"], json!(tag));

    // A second create with the same id and `do_nothing` returns the first.
    let again = client
        .assistants()
        .create("echo")
        .assistant_id(a.assistant_id)
        .name("second")
        .if_exists(IfExists::DoNothing)
        .await
        .unwrap();
    assert_eq!(again.assistant_id, a.assistant_id);
    assert_eq!(again.name.as_deref(), Some("first"));
    let conflict = client
        .assistants()
        .create("echo")
        .assistant_id(a.assistant_id)
        .await
        .unwrap_err();
    assert!(conflict.is_conflict(), "{conflict}");

    let updated = client
        .assistants()
        .update(a.assistant_id)
        .name("renamed")
        .metadata(json!({"v": 2}))
        .await
        .unwrap();
    assert_eq!(updated.name.as_deref(), Some("renamed"));
    assert_eq!(updated.version, Some(2));
    assert_eq!(updated.metadata["tag"], json!(tag), "metadata is merged");

    let versions = client
        .assistants()
        .get_versions(a.assistant_id)
        .await
        .unwrap();
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        vec![2, 1]
    );
    let filtered = client
        .assistants()
        .get_versions(a.assistant_id)
        .metadata(json!({"v": 2}))
        .await
        .unwrap();
    assert_eq!(filtered.len(), 1);

    let latest = client
        .assistants()
        .set_latest(a.assistant_id, 1)
        .await
        .unwrap();
    assert_eq!(latest.version, Some(1));
    assert_eq!(
        client
            .assistants()
            .get(a.assistant_id)
            .await
            .unwrap()
            .name
            .as_deref(),
        Some("first")
    );

    client
        .assistants()
        .delete(a.assistant_id)
        .delete_threads(true)
        .await
        .unwrap();
    let gone = client.assistants().get(a.assistant_id).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn search_count_and_pages() {
    let client = common::client();
    let tag = common::tag();
    for i in 0..5 {
        client
            .assistants()
            .create("echo")
            .name(format!("paged-{i}"))
            .metadata(json!({"tag": tag}))
            .await
            .unwrap();
    }
    let count = client
        .assistants()
        .count()
        .metadata(json!({"tag": tag}))
        .await
        .unwrap();
    assert_eq!(count, 5);
    assert_eq!(
        client
            .assistants()
            .count()
            .metadata(json!({"tag": tag}))
            .graph_id("chat")
            .await
            .unwrap(),
        0
    );

    let first = client
        .assistants()
        .search()
        .metadata(json!({"tag": tag}))
        .limit(2)
        .await
        .unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(first.next_offset(), Some(2));
    let last = client
        .assistants()
        .search()
        .metadata(json!({"tag": tag}))
        .limit(2)
        .offset(4)
        .await
        .unwrap();
    assert_eq!(last.len(), 1);
    assert_eq!(last.next_offset(), None);

    let all: Vec<_> = client
        .assistants()
        .search()
        .metadata(json!({"tag": tag}))
        .limit(2)
        .all()
        .try_collect()
        .await
        .unwrap();
    let mut names: Vec<_> = all.iter().filter_map(|a| a.name.clone()).collect();
    names.sort();
    assert_eq!(
        names,
        (0..5).map(|i| format!("paged-{i}")).collect::<Vec<_>>()
    );

    let named = client
        .assistants()
        .search()
        .name("PAGED-3")
        .metadata(json!({"tag": tag}))
        .await
        .unwrap();
    assert_eq!(named.len(), 1, "name is a case-insensitive substring match");

    // `select` takes the assistant fields (a generated enum of its own, not the crons' one).
    let selected = client
        .assistants()
        .search()
        .metadata(json!({"tag": tag}))
        .select([
            AssistantSelectField::AssistantId,
            AssistantSelectField::GraphId,
        ])
        .limit(1)
        .await
        .unwrap();
    assert_eq!(selected[0].len(), 2, "{selected:?}");
    assert_eq!(selected[0]["graph_id"], json!("echo"));
}

#[tokio::test]
async fn graph_schemas_and_subgraphs() {
    let client = common::client();
    let graph = client.assistants().get_graph("echo").await.unwrap();
    let nodes: Vec<_> = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].clone())
        .collect();
    assert!(nodes.contains(&json!("echo")), "{graph}");

    let flat = client.assistants().get_graph("subgraph").await.unwrap();
    let deep = client
        .assistants()
        .get_graph("subgraph")
        .xray(true)
        .await
        .unwrap();
    assert!(
        deep["nodes"].as_array().unwrap().len() > flat["nodes"].as_array().unwrap().len(),
        "xray draws the subgraph's nodes"
    );
    let depth1 = client
        .assistants()
        .get_graph("subgraph")
        .xray(XRay::Depth(1))
        .await
        .unwrap();
    assert_eq!(
        depth1["nodes"].as_array().unwrap().len(),
        deep["nodes"].as_array().unwrap().len()
    );

    let echo = common::system_assistant(&client, "echo").await;
    let schemas = client.assistants().get_schemas(echo).await.unwrap();
    assert_eq!(schemas.graph_id, "echo");
    assert!(
        schemas.state_schema["properties"].get("text").is_some(),
        "{:?}",
        schemas.state_schema
    );
    assert!(
        schemas.context_schema.unwrap()["properties"]
            .get("greeting")
            .is_some()
    );

    let sub = common::system_assistant(&client, "subgraph").await;
    let subgraphs = client.assistants().get_subgraphs(sub).await.unwrap();
    assert_eq!(subgraphs.keys().collect::<Vec<_>>(), vec!["child"]);
    let one = client
        .assistants()
        .get_subgraphs(sub)
        .namespace("child")
        .recurse(true)
        .await
        .unwrap();
    assert!(one.contains_key("child"));
}
