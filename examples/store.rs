//! The store: put, get, filter, list namespaces, time to live, search by meaning.
//!
//! Search by meaning ranks the results where the server has a semantic index.
//!
//! Guides: "How to add semantic search to your LangGraph deployment" and the store's
//! reference. No graph: the store is shared by every thread and assistant.
//! Run it with `cargo xtask demo store`.

use langgraph_sdk::prelude::*;
use serde_json::json;
use uuid::Uuid;

#[tokio::main(flavor = "current_thread")]
async fn main() -> langgraph_sdk::Result<()> {
    let client = Client::from_env()?;
    let store = client.store();
    // A namespace of our own: labels of a path, most general first.
    let user = format!("user-{}", Uuid::new_v4());
    let facts = ["memories", user.as_str(), "facts"];
    let prefs = ["memories", user.as_str(), "preferences"];

    store
        .put_item(
            facts,
            "pets",
            json!({"text": "I have a cat called Mia", "kind": "pet"}),
        )
        .await?;
    store
        .put_item(
            facts,
            "city",
            json!({"text": "I live in Lisbon", "kind": "place"}),
        )
        .await?;
    store
        .put_item(
            prefs,
            "food",
            json!({"text": "I love spicy ramen", "kind": "food"}),
        )
        .await?;

    let item = store.get_item(facts, "pets").await?.expect("just put");
    println!(
        "get {:?}/{}: {}",
        item.namespace,
        item.key,
        json!(item.value)
    );
    assert_eq!(item.value["text"], "I have a cat called Mia");

    // Search every namespace under the user's, filtered on the values.
    let places = store
        .search_items(["memories", user.as_str()])
        .filter(json!({"kind": "place"}))
        .await?;
    println!(
        "places: {:?}",
        places.iter().map(|i| &i.key).collect::<Vec<_>>()
    );
    assert_eq!(places.len(), 1);
    assert_eq!(places[0].key, "city");

    let mut namespaces = store
        .list_namespaces()
        .prefix(["memories", user.as_str()])
        .await?
        .into_items();
    namespaces.sort();
    println!("namespaces: {namespaces:?}");
    assert_eq!(
        namespaces,
        [facts, prefs].map(|ns| ns.map(String::from).to_vec())
    );

    // An item that the server deletes once it has not been read for a minute (if its store
    // sweeps expired items); reading it with `refresh_ttl` starts the minute again.
    store
        .put_item(
            facts,
            "mood",
            json!({"text": "I am in a hurry", "kind": "mood"}),
        )
        .ttl(1.0)
        .await?;
    let mood = store.get_item(facts, "mood").refresh_ttl(true).await?;
    let mood = mood.map(|i| i.key);
    println!("with a ttl of one minute: {mood:?}");
    assert_eq!(mood.as_deref(), Some("mood"), "not expired yet");

    // A search by meaning. With a semantic index (`"store": {"index": ...}` in
    // langgraph.json; the test server's embeds with `tests/server/embeddings.py`) the
    // results are ranked and scored; without one they are not.
    let found = store
        .search_items(["memories", user.as_str()])
        .query("which cat do I have?")
        .limit(3)
        .await?;
    for item in &found {
        println!("  {} (score {:?})", item.key, item.score);
    }
    if found.iter().any(|i| i.score.is_some()) {
        assert_eq!(found[0].key, "pets", "the best match first");
    } else {
        println!("this server has no semantic index: the results are not ranked");
    }

    for (namespace, key) in [
        (facts, "pets"),
        (facts, "city"),
        (facts, "mood"),
        (prefs, "food"),
    ] {
        store.delete_item(namespace, key).await?;
    }
    assert!(store.get_item(facts, "pets").await?.is_none());
    println!("deleted");
    Ok(())
}
