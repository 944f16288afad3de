//! Every method of `client.threads()` against the real server, checked by its effect.

mod common;

use std::collections::HashSet;

use futures_util::TryStreamExt;
use langgraph_sdk::{
    Client, Error,
    types::{
        self, IfExists, SortOrder, Strategy, ThreadSelectField, ThreadSortBy, ThreadStatus,
        TtlStrategy,
    },
};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

/// Runs `graph` on the thread to its end (or interrupt) through the raw client, so these tests
/// do not depend on `client.runs()`.
async fn wait_run(client: &Client, thread_id: Uuid, body: Value) -> Value {
    let body: types::RunCreateStreamingStateful = serde_json::from_value(body).unwrap();
    client
        .raw()
        .wait_run()
        .thread_id(thread_id)
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner()
}

/// A thread of the `echo` graph whose state went through `texts`, one superstep each.
async fn echo_thread(client: &Client, tag: &str, texts: &[&str]) -> types::Thread {
    let steps: Vec<Value> = texts
        .iter()
        .map(|t| json!({"updates": [{"values": {"text": t}, "as_node": "echo"}]}))
        .collect();
    client
        .threads()
        .create()
        .graph_id("echo")
        .metadata(json!({"tag": tag}))
        .supersteps(steps)
        .await
        .unwrap()
}

fn is_invalid_input(e: &Error) -> bool {
    matches!(e, Error::InvalidInput(_))
}

#[tokio::test]
async fn create_get_update_delete() {
    let client = common::client();
    let tag = common::tag();
    let thread = client
        .threads()
        .create()
        .metadata(json!({"tag": tag, "user": "u1"}))
        .graph_id("echo")
        .await
        .unwrap();
    assert_eq!(thread.status, ThreadStatus::Idle);
    assert_eq!(
        thread.metadata["graph_id"],
        json!("echo"),
        "graph_id is metadata"
    );
    assert!(thread.values.is_none(), "a new thread has null values");

    let got = client.threads().get(thread.thread_id).await.unwrap();
    assert_eq!(got.thread_id, thread.thread_id);
    assert_eq!(got.metadata["tag"], json!(tag));
    assert_eq!(got.metadata["user"], json!("u1"));
    assert_eq!(got.metadata["graph_id"], json!("echo"));

    let updated = client
        .threads()
        .update(thread.thread_id)
        .metadata(json!({"user": "u2", "v": 2}))
        .await
        .unwrap();
    assert_eq!(updated.metadata["user"], json!("u2"));
    let got = client.threads().get(thread.thread_id).await.unwrap();
    assert_eq!(got.metadata["v"], json!(2));
    assert_eq!(got.metadata["tag"], json!(tag), "metadata is merged");
    assert_eq!(got.metadata["graph_id"], json!("echo"));

    client.threads().delete(thread.thread_id).await.unwrap();
    let gone = client.threads().get(thread.thread_id).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    let again = client.threads().delete(thread.thread_id).await.unwrap_err();
    assert!(again.is_not_found(), "{again}");
}

/// The in-memory server accepts a thread's time to live and ignores it (it never sweeps, and
/// `include=ttl` adds nothing), so its effect cannot be observed here: what can is that the
/// options reach the real server exactly as the API defines them, and that it takes them.
#[tokio::test]
async fn ttl_options_reach_the_server_as_the_api_defines_them() {
    let upstream = langgraph_testbed::shared_url().unwrap();
    let proxy = common::fault::Proxy::start(&upstream, None).await;
    let client = Client::builder()
        .url(&proxy.url)
        .no_api_key()
        .build()
        .unwrap();
    let thread = client.threads().create().ttl(60).await.unwrap();
    let with_ttl = client
        .threads()
        .get(thread.thread_id)
        .include(["ttl"])
        .await
        .unwrap();
    assert_eq!(with_ttl.thread_id, thread.thread_id);
    client
        .threads()
        .update(thread.thread_id)
        .ttl_with_strategy(30, TtlStrategy::KeepLatest)
        .await
        .unwrap();
    let sent: Vec<(String, Value)> = proxy
        .requests()
        .into_iter()
        .map(|r| (r.line.clone(), r.json()))
        .collect();
    let id = thread.thread_id;
    assert_eq!(sent.len(), 3, "{sent:#?}");
    assert_eq!(sent[0].0, "POST /threads");
    assert_eq!(
        sent[0].1["ttl"],
        json!({"ttl": 60.0, "strategy": "delete"}),
        "a number of minutes deletes the thread, as in the Python SDK"
    );
    assert_eq!(sent[1].0, format!("GET /threads/{id}?include=ttl"));
    assert_eq!(sent[2].0, format!("PATCH /threads/{id}"));
    assert_eq!(
        sent[2].1,
        json!({"ttl": {"ttl": 30.0, "strategy": "keep_latest"}}),
        "only the time to live is sent"
    );
}

#[tokio::test]
async fn create_with_an_id_and_if_exists() {
    let client = common::client();
    let id = Uuid::new_v4();
    let first = client
        .threads()
        .create()
        .thread_id(id)
        .metadata(json!({"n": 1}))
        .await
        .unwrap();
    assert_eq!(first.thread_id, id);

    let again = client
        .threads()
        .create()
        .thread_id(id)
        .metadata(json!({"n": 2}))
        .if_exists(IfExists::DoNothing)
        .await
        .unwrap();
    assert_eq!(again.thread_id, id);
    assert_eq!(again.metadata["n"], json!(1), "the first thread, unchanged");

    let conflict = client
        .threads()
        .create()
        .thread_id(id)
        .if_exists(IfExists::Raise)
        .await
        .unwrap_err();
    assert!(conflict.is_conflict(), "{conflict}");
    client.threads().delete(id).await.unwrap();
}

#[tokio::test]
async fn supersteps_prepopulate_state() {
    let client = common::client();
    let tag = common::tag();
    let thread = echo_thread(&client, &tag, &["a", "b"]).await;
    assert_eq!(thread.values.as_ref().unwrap()["text"], json!("b"));
    let state = client.threads().get_state(thread.thread_id).await.unwrap();
    assert_eq!(state.values["text"], json!("b"));
    assert_eq!(state.metadata["source"], json!("update"));
    let history = client
        .threads()
        .get_history(thread.thread_id)
        .await
        .unwrap();
    assert_eq!(history.len(), 2, "one checkpoint per superstep");

    // Without a graph, the server creates the thread but cannot apply the supersteps; it says
    // so with a 201 and a `detail`, which is an error, not a thread.
    let id = Uuid::new_v4();
    let err = client
        .threads()
        .create()
        .thread_id(id)
        .supersteps(json!([{"updates": [{"values": {"text": "a"}, "as_node": "echo"}]}]))
        .await
        .unwrap_err();
    let api = err.api().unwrap_or_else(|| panic!("{err}"));
    assert!(api.message.contains("graph ID"), "{err}");
    client.threads().delete(id).await.unwrap();
}

#[tokio::test]
async fn search_count_and_pages() {
    let client = common::client();
    let tag = common::tag();
    let mut ids = Vec::new();
    for i in 0..5 {
        let text = if i < 2 { "match" } else { "other" };
        ids.push(echo_thread(&client, &tag, &[text]).await.thread_id);
    }

    let count = |values: Option<Value>, status: Option<ThreadStatus>| {
        let mut count = client.threads().count().metadata(json!({"tag": tag}));
        if let Some(v) = values {
            count = count.values(v);
        }
        if let Some(s) = status {
            count = count.status(s);
        }
        count
    };
    assert_eq!(count(None, None).await.unwrap(), 5);
    assert_eq!(
        count(Some(json!({"text": "match"})), None).await.unwrap(),
        2
    );
    assert_eq!(count(None, Some(ThreadStatus::Idle)).await.unwrap(), 5);
    assert_eq!(count(None, Some(ThreadStatus::Busy)).await.unwrap(), 0);

    let search = || client.threads().search().metadata(json!({"tag": tag}));
    let first = search().limit(2).await.unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(first.next_offset(), Some(2));
    let last = search().limit(2).offset(4).await.unwrap();
    assert_eq!(last.len(), 1);
    assert_eq!(last.next_offset(), None);
    assert_eq!(search().await.unwrap().len(), 5, "10 per page by default");

    let all: Vec<_> = search().limit(2).all().try_collect().await.unwrap();
    let found: HashSet<Uuid> = all.iter().map(|t| t.thread_id).collect();
    assert_eq!(found, ids.iter().copied().collect::<HashSet<_>>());
    assert_eq!(all.len(), 5, "no thread twice");

    let matched = search().values(json!({"text": "match"})).await.unwrap();
    let found: HashSet<Uuid> = matched.iter().map(|t| t.thread_id).collect();
    assert_eq!(found, ids[..2].iter().copied().collect::<HashSet<_>>());

    assert_eq!(search().status(ThreadStatus::Idle).await.unwrap().len(), 5);
    assert!(
        search()
            .status(ThreadStatus::Interrupted)
            .await
            .unwrap()
            .is_empty()
    );

    let by_id = client
        .threads()
        .search()
        .ids([ids[3], ids[4]])
        .await
        .unwrap();
    let found: HashSet<Uuid> = by_id.iter().map(|t| t.thread_id).collect();
    assert_eq!(found, HashSet::from([ids[3], ids[4]]));

    let ascending = search()
        .sort_by(ThreadSortBy::CreatedAt)
        .sort_order(SortOrder::Asc)
        .await
        .unwrap();
    assert_eq!(
        ascending.iter().map(|t| t.thread_id).collect::<Vec<_>>(),
        ids
    );
    let descending = search()
        .sort_by(ThreadSortBy::CreatedAt)
        .sort_order(SortOrder::Desc)
        .await
        .unwrap();
    assert_eq!(descending[0].thread_id, ids[4]);

    let selected = search()
        .select([ThreadSelectField::ThreadId, ThreadSelectField::Values])
        .limit(1)
        .await
        .unwrap();
    assert_eq!(selected[0].len(), 2, "{selected:?}");
    assert!(selected[0]["values"]["text"].is_string());

    let extracted = search()
        .extract([("said", "values.text")])
        .ids([ids[0]])
        .await
        .unwrap();
    assert_eq!(
        extracted[0].extracted.as_ref().unwrap()["said"],
        json!("match")
    );
}

#[tokio::test]
async fn copy_and_prune() {
    let client = common::client();
    let tag = common::tag();
    let thread = echo_thread(&client, &tag, &["a", "b"]).await;
    let copy = client.threads().copy(thread.thread_id).await.unwrap();
    assert_ne!(copy.thread_id, thread.thread_id);
    assert_eq!(copy.metadata["tag"], json!(tag));
    let original = client.threads().get_state(thread.thread_id).await.unwrap();
    let copied = client.threads().get_state(copy.thread_id).await.unwrap();
    assert_eq!(copied.values, original.values);
    let history = client.threads().get_history(copy.thread_id).await.unwrap();
    assert_eq!(history.len(), 2, "the copy has the whole history");

    let pruned = client
        .threads()
        .prune([copy.thread_id])
        .strategy(Strategy::Delete)
        .await
        .unwrap();
    assert_eq!(pruned.pruned_count, 1);
    let gone = client.threads().get(copy.thread_id).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    assert!(client.threads().get(thread.thread_id).await.is_ok());

    // `keep_latest` keeps the thread (pruning its checkpoints); without the strategy the
    // server would delete it. The in-memory server refuses `keep_latest`, and says so.
    match client
        .threads()
        .prune([thread.thread_id.to_string()])
        .strategy(Strategy::KeepLatest)
        .await
    {
        Ok(pruned) => {
            assert_eq!(pruned.pruned_count, 1);
            let kept = client.threads().get_state(thread.thread_id).await.unwrap();
            assert_eq!(kept.values, original.values, "kept, with its latest state");
        }
        Err(e) => assert!(
            e.status().map(|s| s.as_u16()) == Some(422)
                && e.to_string()
                    .contains("keep_latest strategy is not supported"),
            "{e}"
        ),
    }
    assert!(
        client.threads().get(thread.thread_id).await.is_ok(),
        "not deleted"
    );
}

#[tokio::test]
async fn state_at_checkpoints_and_history() {
    let client = common::client();
    let tag = common::tag();
    let thread = echo_thread(&client, &tag, &["a", "b", "c", "d"]).await;
    let threads = client.threads();

    let history = threads.get_history(thread.thread_id).await.unwrap();
    let texts: Vec<&Value> = history.iter().map(|s| &s.values["text"]).collect();
    assert_eq!(texts, [&json!("d"), &json!("c"), &json!("b"), &json!("a")]);
    assert_eq!(
        history[0].parent_checkpoint.as_ref().unwrap().checkpoint_id,
        history[1].checkpoint.checkpoint_id,
        "newest first"
    );
    assert!(history[0].created_at >= history[1].created_at);

    let two = threads
        .get_history(thread.thread_id)
        .limit(2)
        .await
        .unwrap();
    assert_eq!(two.len(), 2);
    assert_eq!(two[0].values["text"], json!("d"));

    // `before` pages through the history.
    let older = threads
        .get_history(thread.thread_id)
        .before(two[1].checkpoint.clone())
        .limit(2)
        .await
        .unwrap();
    assert_eq!(
        older.iter().map(|s| &s.values["text"]).collect::<Vec<_>>(),
        [&json!("b"), &json!("a")]
    );
    // `all` pages through it by itself: pages of 3 (4 states: one full page, one short).
    let all: Vec<_> = threads
        .get_history(thread.thread_id)
        .limit(3)
        .all()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|s| &s.values["text"]).collect::<Vec<_>>(),
        texts,
        "every state once, newest first"
    );
    let pages_of_two: Vec<_> = threads
        .get_history(thread.thread_id)
        .limit(2)
        .all()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages_of_two.len(), 4, "full pages up to an empty one");
    let by_id = threads
        .get_history(thread.thread_id)
        .before_id(history[2].checkpoint.checkpoint_id.clone().unwrap())
        .await
        .unwrap();
    assert_eq!(by_id.len(), 1);
    assert_eq!(by_id[0].values["text"], json!("a"));

    let step1 = threads
        .get_history(thread.thread_id)
        .metadata(json!({"step": 1}))
        .await
        .unwrap();
    assert_eq!(step1.len(), 1);
    assert_eq!(step1[0].values["text"], json!("b"));
    let root = threads
        .get_history(thread.thread_id)
        .checkpoint(types::CheckpointConfig {
            checkpoint_ns: Some(String::new()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(root.len(), 4);

    let latest = threads.get_state(thread.thread_id).await.unwrap();
    assert_eq!(latest.values["text"], json!("d"));
    assert_eq!(
        latest.checkpoint.checkpoint_id,
        history[0].checkpoint.checkpoint_id
    );

    let at_id = threads
        .get_state(thread.thread_id)
        .checkpoint_id(history[2].checkpoint.checkpoint_id.clone().unwrap())
        .await
        .unwrap();
    assert_eq!(at_id.values["text"], json!("b"));
    assert_eq!(
        at_id.checkpoint.checkpoint_id,
        history[2].checkpoint.checkpoint_id
    );

    let at_checkpoint = threads
        .get_state(thread.thread_id)
        .checkpoint(history[3].checkpoint.clone())
        .await
        .unwrap();
    assert_eq!(at_checkpoint.values["text"], json!("a"));

    let unknown = threads.get_state(Uuid::new_v4()).await.unwrap_err();
    assert!(unknown.is_not_found(), "{unknown}");
}

#[tokio::test]
async fn update_state_forks_and_writes_null() {
    let client = common::client();
    let tag = common::tag();
    let thread = echo_thread(&client, &tag, &["a", "b"]).await;
    let threads = client.threads();
    let history = threads.get_history(thread.thread_id).await.unwrap();
    let at_a = history[1].checkpoint.clone();

    // A write after an older checkpoint forks from it.
    let forked = threads
        .update_state(thread.thread_id)
        .values(json!({"text": "forked"}))
        .checkpoint(at_a.clone())
        .await
        .unwrap();
    assert!(forked.checkpoint_id.is_some());
    let state = threads.get_state(thread.thread_id).await.unwrap();
    assert_eq!(state.values["text"], json!("forked"));
    assert_eq!(state.checkpoint.checkpoint_id, forked.checkpoint_id);
    assert_eq!(
        state.parent_checkpoint.unwrap().checkpoint_id,
        at_a.checkpoint_id,
        "the fork's parent is the checkpoint it was written after"
    );

    let by_id = threads
        .update_state(thread.thread_id)
        .values(json!({"text": "again"}))
        .checkpoint_id(at_a.checkpoint_id.clone().unwrap())
        .as_node("echo")
        .await
        .unwrap();
    let state = threads.get_state(thread.thread_id).await.unwrap();
    assert_eq!(state.values["text"], json!("again"));
    assert_eq!(state.checkpoint.checkpoint_id, by_id.checkpoint_id);
    assert_eq!(
        state.parent_checkpoint.unwrap().checkpoint_id,
        at_a.checkpoint_id
    );

    // `values: null` as a node marks the node done without writing: `echo` was due next.
    threads
        .update_state(thread.thread_id)
        .values(json!({"text": "x"}))
        .as_node("__start__")
        .await
        .unwrap();
    let due = threads.get_state(thread.thread_id).await.unwrap();
    assert_eq!(due.next, ["echo"]);
    let done = threads
        .update_state(thread.thread_id)
        .values(Value::Null)
        .as_node("echo")
        .await
        .unwrap();
    let state = threads.get_state(thread.thread_id).await.unwrap();
    assert!(state.next.is_empty(), "{:?}", state.next);
    assert_eq!(state.values, due.values, "null writes nothing");
    assert_eq!(state.checkpoint.checkpoint_id, done.checkpoint_id);

    // Values may also be left out: a checkpoint with the same values.
    let bare = threads.update_state(thread.thread_id).await.unwrap();
    let state = threads.get_state(thread.thread_id).await.unwrap();
    assert_eq!(state.checkpoint.checkpoint_id, bare.checkpoint_id);
    assert_eq!(state.values, due.values);
}

#[tokio::test]
async fn typed_state() {
    #[derive(Debug, Deserialize, PartialEq)]
    struct Echo {
        text: String,
        #[serde(default)]
        echo: Option<String>,
        count: i64,
    }

    let client = common::client();
    let thread = client.threads().create().await.unwrap();
    wait_run(
        &client,
        thread.thread_id,
        json!({"assistant_id": "echo", "input": {"text": "hi"}}),
    )
    .await;
    let state = client
        .threads()
        .get_state(thread.thread_id)
        .values_as::<Echo>()
        .await
        .unwrap();
    assert_eq!(
        state.values,
        Echo {
            text: "hi".into(),
            echo: Some("hi".into()),
            count: 1
        }
    );
    assert_eq!(state.metadata["graph_id"], json!("echo"));

    let history = client
        .threads()
        .get_history(thread.thread_id)
        .values_as::<Echo>()
        .metadata(json!({"source": "loop"}))
        .await
        .unwrap();
    assert_eq!(
        history.iter().map(|s| s.values.count).collect::<Vec<_>>(),
        [1, 0]
    );

    // A type the values do not fit is a decode error.
    #[derive(Debug, Deserialize)]
    struct Wrong {
        #[allow(dead_code)]
        missing: String,
    }
    let err = client
        .threads()
        .get_state(thread.thread_id)
        .values_as::<Wrong>()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err}");
}

#[tokio::test]
async fn interrupts_and_subgraph_state() {
    let client = common::client();

    let thread = client.threads().create().await.unwrap();
    wait_run(
        &client,
        thread.thread_id,
        json!({"assistant_id": "interrupt", "input": {"question": "why?"}}),
    )
    .await;
    let state = client.threads().get_state(thread.thread_id).await.unwrap();
    assert_eq!(state.next, ["ask"]);
    assert_eq!(state.interrupts[0].value, json!({"question": "why?"}));
    assert_eq!(state.tasks[0].name, "ask");
    assert_eq!(state.tasks[0].interrupts.len(), 1);
    let got = client.threads().get(thread.thread_id).await.unwrap();
    assert_eq!(got.status, ThreadStatus::Interrupted);
    let interrupted = client
        .threads()
        .search()
        .ids([thread.thread_id])
        .status(ThreadStatus::Interrupted)
        .await
        .unwrap();
    assert_eq!(interrupted.len(), 1);

    // A subgraph about to start: its state comes inside the task with `subgraphs`.
    let thread = client.threads().create().await.unwrap();
    wait_run(
        &client,
        thread.thread_id,
        json!({"assistant_id": "subgraph", "input": {}, "interrupt_before": ["child"]}),
    )
    .await;
    let flat = client.threads().get_state(thread.thread_id).await.unwrap();
    assert_eq!(flat.next, ["child"]);
    assert!(flat.tasks[0].state.is_none());
    let deep = client
        .threads()
        .get_state(thread.thread_id)
        .subgraphs(true)
        .await
        .unwrap();
    assert!(deep.tasks[0].state.is_some(), "{deep:?}");
    let at = client
        .threads()
        .get_state(thread.thread_id)
        .checkpoint(deep.checkpoint.clone())
        .subgraphs(true)
        .await
        .unwrap();
    assert!(at.tasks[0].state.is_some(), "{at:?}");
}

#[tokio::test]
async fn invalid_input_is_refused_before_sending() {
    let client = common::client();
    let threads = client.threads();
    let id = Uuid::new_v4();

    let e = threads.create().metadata(json!([1])).await.unwrap_err();
    assert!(is_invalid_input(&e), "{e}");
    let e = threads
        .create()
        .supersteps(json!([{"updates": [{"values": {}}]}]))
        .await
        .unwrap_err();
    assert!(is_invalid_input(&e), "as_node is required: {e}");
    let e = threads.create().ttl(f64::NAN).await.unwrap_err();
    assert!(is_invalid_input(&e), "{e}");
    let e = threads.search().limit(0).await.unwrap_err();
    assert!(is_invalid_input(&e), "{e}");
    let e = threads.search().ids(["nope"]).await.unwrap_err();
    assert!(is_invalid_input(&e), "{e}");
    let e = threads.prune(["nope"]).await.unwrap_err();
    assert!(is_invalid_input(&e), "{e}");
    let e = threads.get_history(id).limit(0).await.unwrap_err();
    assert!(is_invalid_input(&e), "{e}");
    let e = threads.update_state(id).values("text").await.unwrap_err();
    assert!(is_invalid_input(&e), "{e}");
    let e = threads.get_state(id).checkpoint_id("").await.unwrap_err();
    assert!(is_invalid_input(&e), "{e}");
    let e = threads.get("").await.unwrap_err();
    assert!(is_invalid_input(&e), "{e}");
}

/// `?` takes the raw layer's errors into `langgraph_sdk::Error`, so both layers mix.
#[tokio::test]
async fn raw_and_ergonomic_errors_mix_with_the_question_mark() {
    async fn missing(client: &Client) -> langgraph_sdk::Result<()> {
        let thread = client.threads().create().await?;
        client
            .raw()
            .get_thread()
            .thread_id(thread.thread_id)
            .send()
            .await?;
        client.threads().delete(thread.thread_id).await?;
        client
            .raw()
            .get_thread()
            .thread_id(thread.thread_id)
            .send()
            .await?;
        Ok(())
    }
    let err = missing(&common::client()).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
}
