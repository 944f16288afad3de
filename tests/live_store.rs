//! Every method of `client.store()` against the real server, checked by its effect.
//!
//! Each test works under its own namespace root (`["rs-store", <uuid>]`), so searches and
//! listings see only its items.

mod common;

use futures_util::TryStreamExt;
use langgraph_sdk::{Client, Error, RetryPolicy};
use serde_json::json;

const ROOT: &str = "rs-store";

#[tokio::test]
async fn put_get_delete() {
    let client = common::client();
    let store = client.store();
    let tag = common::tag();
    let ns = [ROOT, &tag, "docs"];

    store
        .put_item(ns, "k1", json!({"text": "hello", "n": 1}))
        .ttl(30.0)
        .await
        .unwrap();
    let item = store.get_item(ns, "k1").await.unwrap().expect("the item");
    assert_eq!(item.namespace, ns);
    assert_eq!(item.key, "k1");
    assert_eq!(json!(item.value), json!({"text": "hello", "n": 1}));

    // Reading with a TTL refresh is accepted and returns the same item.
    let refreshed = store
        .get_item(&item.namespace, "k1")
        .refresh_ttl(true)
        .await
        .unwrap()
        .expect("the item");
    assert_eq!(refreshed.value, item.value);
    assert!(
        store
            .get_item(ns, "k1")
            .refresh_ttl(false)
            .await
            .unwrap()
            .is_some()
    );

    // A second put replaces the value; index settings are accepted.
    store
        .put_item(ns, "k1", json!({"text": "bye"}))
        .no_index()
        .await
        .unwrap();
    let replaced = store.get_item(ns, "k1").await.unwrap().unwrap();
    assert_eq!(json!(replaced.value), json!({"text": "bye"}));
    assert!(replaced.updated_at >= item.updated_at);
    store
        .put_item(ns, "k2", json!({"text": "indexed"}))
        .index(["text"])
        .ttl(0.5)
        .await
        .unwrap();
    assert!(store.get_item(ns, "k2").await.unwrap().is_some());

    // A value must be a JSON object.
    let err = store.put_item(ns, "k3", json!([1, 2])).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");

    assert!(store.get_item(ns, "missing").await.unwrap().is_none());
    assert!(
        store
            .get_item([ROOT, &tag, "other"], "k1")
            .await
            .unwrap()
            .is_none(),
        "the namespace is part of the address"
    );

    store.delete_item(ns, "k1").await.unwrap();
    assert!(store.get_item(ns, "k1").await.unwrap().is_none());
    store
        .delete_item(ns, "k1")
        .await
        .expect("deleting a missing item succeeds");
    store.delete_item(ns, "k2").await.unwrap();
    assert!(store.get_item(ns, "k2").await.unwrap().is_none());
}

#[tokio::test]
async fn search_items_by_prefix_filter_and_pages() {
    let client = common::client();
    let store = client.store();
    let tag = common::tag();
    let put = [
        (
            "a",
            "1",
            json!({"kind": "x", "n": 1, "text": "hello there"}),
        ),
        ("a", "2", json!({"kind": "y", "n": 2})),
        ("b", "3", json!({"kind": "x", "n": 3})),
    ];
    for (sub, key, value) in &put {
        store
            .put_item([ROOT, &tag, sub], *key, value)
            .await
            .unwrap();
    }

    let everything = store.search_items([ROOT, &tag]).await.unwrap();
    let mut keys: Vec<_> = everything.iter().map(|i| i.key.clone()).collect();
    keys.sort();
    assert_eq!(keys, ["1", "2", "3"]);
    assert!(everything.iter().all(|i| i.score.is_none()), "no query");
    assert_eq!(everything.next_offset(), None);

    let only_a = store.search_items([ROOT, &tag, "a"]).await.unwrap();
    assert_eq!(only_a.len(), 2);
    assert!(only_a.iter().all(|i| i.namespace[2] == "a"));

    let x = store
        .search_items([ROOT, tag.as_str()])
        .filter(json!({"kind": "x"}))
        .await
        .unwrap();
    let mut keys: Vec<_> = x.iter().map(|i| i.key.as_str()).collect();
    keys.sort();
    assert_eq!(keys, ["1", "3"]);
    let big = store
        .search_items([ROOT, &tag])
        .filter(json!({"n": {"$gt": 1}}))
        .await
        .unwrap();
    assert_eq!(big.len(), 2);

    let first = store.search_items([ROOT, &tag]).limit(2).await.unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(first.next_offset(), Some(2));
    let rest = store
        .search_items([ROOT, &tag])
        .limit(2)
        .offset(2)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    let mut all: Vec<_> = store
        .search_items([ROOT, &tag])
        .limit(2)
        .all()
        .map_ok(|i| i.item.key)
        .try_collect()
        .await
        .unwrap();
    all.sort();
    assert_eq!(all, ["1", "2", "3"]);

    // The test server has a semantic index (tests/server/embeddings.py): a query scores
    // every item; refresh_ttl is accepted.
    let queried = store
        .search_items([ROOT, &tag])
        .query("hello")
        .refresh_ttl(true)
        .await
        .unwrap();
    assert_eq!(queried.len(), 3);
    assert!(queried.iter().all(|i| i.score.is_some()), "scored");

    for (sub, key, _) in &put {
        store.delete_item([ROOT, &tag, sub], *key).await.unwrap();
    }
    assert!(store.search_items([ROOT, &tag]).await.unwrap().is_empty());
}

#[tokio::test]
async fn list_namespaces_honours_prefix_suffix_and_depth() {
    let client = common::client();
    let store = client.store();
    let tag = common::tag();
    let namespaces = [["a", "x"], ["b", "x"], ["b", "y"]];
    for [one, two] in namespaces {
        store
            .put_item([ROOT, &tag, one, two], "k", json!({}))
            .await
            .unwrap();
    }
    let full = |one: &str, two: &str| vec![ROOT.to_string(), tag.clone(), one.into(), two.into()];

    let mut listed = store
        .list_namespaces()
        .prefix([ROOT, &tag])
        .await
        .unwrap()
        .into_items();
    listed.sort();
    assert_eq!(listed, [full("a", "x"), full("b", "x"), full("b", "y")]);

    let mut shallow = store
        .list_namespaces()
        .prefix([ROOT, &tag])
        .max_depth(3)
        .await
        .unwrap()
        .into_items();
    shallow.sort();
    assert_eq!(
        shallow,
        [
            vec![ROOT.to_string(), tag.clone(), "a".into()],
            vec![ROOT.to_string(), tag.clone(), "b".into()],
        ]
    );

    let mut ending_x = store
        .list_namespaces()
        .prefix([ROOT, &tag])
        .suffix(["x"])
        .await
        .unwrap()
        .into_items();
    ending_x.sort();
    assert_eq!(ending_x, [full("a", "x"), full("b", "x")]);

    // `*` matches any one label.
    let wildcard = store
        .list_namespaces()
        .prefix([ROOT, &tag, "*", "y"])
        .await
        .unwrap();
    assert_eq!(wildcard.items(), [full("b", "y")]);

    let page = store
        .list_namespaces()
        .prefix([ROOT, &tag])
        .limit(2)
        .await
        .unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(page.next_offset(), Some(2));
    let mut all: Vec<_> = store
        .list_namespaces()
        .prefix([ROOT, &tag])
        .limit(1)
        .all()
        .try_collect()
        .await
        .unwrap();
    all.sort();
    assert_eq!(all, listed);

    for [one, two] in namespaces {
        store
            .delete_item([ROOT, &tag, one, two], "k")
            .await
            .unwrap();
    }
    // The in-memory server keeps listing a namespace after its last item is deleted (even a
    // `get_item` in a new namespace makes it appear), so only the items are checked here.
    assert!(store.search_items([ROOT, &tag]).await.unwrap().is_empty());
}

/// A client of a port nothing listens on: a request that were sent would fail with a
/// connection error, so `InvalidInput` proves that nothing was sent.
fn unreachable_client() -> Client {
    Client::builder()
        .url("http://127.0.0.1:9")
        .no_api_key()
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

fn assert_invalid<T: std::fmt::Debug>(result: langgraph_sdk::Result<T>, what: &str) {
    match result {
        Err(Error::InvalidInput(message)) => assert!(!message.is_empty()),
        other => panic!("{what}: expected InvalidInput, got {other:?}"),
    }
}

#[tokio::test]
async fn invalid_namespaces_fail_locally_for_every_method() {
    let store = unreachable_client().store();
    let bad: [&[&str]; 4] = [&["a.b"], &["ok", ""], &["ok", "v1.2"], &[]];
    for ns in bad {
        let what = format!("{ns:?}");
        assert_invalid(store.put_item(ns, "k", json!({})).await, &what);
        assert_invalid(store.get_item(ns, "k").await, &what);
        assert_invalid(store.delete_item(ns, "k").await, &what);
        if !ns.is_empty() {
            // An empty prefix means "everything", which is fine.
            assert_invalid(store.search_items(ns).await, &what);
            assert_invalid(store.list_namespaces().prefix(ns).await, &what);
            assert_invalid(store.list_namespaces().suffix(ns).await, &what);
        }
    }
    // The same checks against the real server: still refused before sending.
    let store = common::client().store();
    assert_invalid(store.put_item(["a.b"], "k", json!({})).await, "real server");
    assert_invalid(store.get_item(["a", "b.c"], "k").await, "real server");

    // Other input checked before sending.
    let store = unreachable_client().store();
    assert_invalid(store.put_item(["a"], "", json!({})).await, "empty key");
    assert_invalid(store.get_item(["a"], "").await, "empty key");
    assert_invalid(store.put_item(["a"], "k", json!(1)).await, "value");
    assert_invalid(
        store
            .put_item(["a"], "k", json!({}))
            .ttl(f64::INFINITY)
            .await,
        "ttl",
    );
    assert_invalid(store.search_items(["a"]).limit(0).await, "limit");
    assert_invalid(store.list_namespaces().limit(0).await, "limit");
    assert_invalid(store.list_namespaces().max_depth(0).await, "max_depth");

    // A valid call to the unreachable client does try to connect.
    let err = store.get_item(["a"], "k").await.unwrap_err();
    assert!(err.is_transport(), "{err}");
}
