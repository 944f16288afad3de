//! Every method of `client.crons()` against the real server, checked by its effect.
//!
//! Schedules are `0 0 1 1 *` (New Year only) so that nothing fires while the tests run, and
//! each test tags what it creates so that the searches and counts see only its own crons.

mod common;

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use langgraph_sdk::{
    Error,
    runs::StreamMode,
    types::{
        CronOnRunCompleted, CronSelectField, CronSortBy, Durability, MultitaskStrategy,
        OnRunCompleted, SortOrder,
    },
};
use serde_json::json;

const NEVER_SOON: &str = "0 0 1 1 *";

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[tokio::test]
async fn stateless_cron_create_get_update_delete() {
    let client = common::client();
    let tag = common::tag();
    let assistant = common::system_assistant(&client, "echo").await;

    let cron = client
        .crons()
        .create(assistant, NEVER_SOON)
        .input(json!({"text": "tick"}))
        .metadata(json!({"tag": tag}))
        .config(json!({"tags": ["cron"]}))
        .context(json!({"greeting": "hello"}))
        .end_time(at("2099-01-02T03:04:05Z"))
        .timezone("Europe/Paris")
        .on_run_completed(OnRunCompleted::Keep)
        .interrupt_before(["echo"])
        .stream_mode([StreamMode::Values])
        .durability(Durability::Exit)
        .await
        .unwrap();
    assert_eq!(cron.schedule, NEVER_SOON);
    assert_eq!(cron.assistant_id, Some(assistant));
    assert_eq!(cron.thread_id, None, "a stateless cron has no thread");
    assert_eq!(cron.end_time, Some(at("2099-01-02T03:04:05Z")));
    assert_eq!(cron.timezone.as_deref(), Some("Europe/Paris"));
    assert_eq!(cron.on_run_completed, Some(CronOnRunCompleted::Keep));
    assert!(cron.enabled, "enabled by default");
    assert!(cron.next_run_date.is_some());
    assert_eq!(cron.metadata.as_ref().unwrap()["tag"], json!(tag));
    assert_eq!(cron.payload["input"], json!({"text": "tick"}));
    assert_eq!(cron.payload["context"], json!({"greeting": "hello"}));
    assert_eq!(cron.payload["config"]["tags"], json!(["cron"]));
    assert_eq!(cron.payload["interrupt_before"], json!(["echo"]));
    assert_eq!(cron.payload["stream_mode"], json!(["values"]));
    assert_eq!(cron.payload["durability"], json!("exit"));

    // `get` and `search` see the same cron.
    let got = client.crons().get(cron.cron_id).await.unwrap();
    assert_eq!(got.cron_id, cron.cron_id);
    assert_eq!(got.payload, cron.payload);
    let found = client
        .crons()
        .search()
        .metadata(json!({"tag": tag}))
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|c| c.cron_id).collect::<Vec<_>>(),
        vec![cron.cron_id]
    );

    // An update changes what it sets and leaves the rest (here: end_time) alone.
    let updated = client
        .crons()
        .update(cron.cron_id)
        .schedule("0 0 2 1 *")
        .input(json!({"text": "tock"}))
        .metadata(json!({"round": 2}))
        .enabled(false)
        .timezone("UTC")
        .on_run_completed(OnRunCompleted::Delete)
        .webhook("http://127.0.0.1:9/hook")
        .interrupt_after(["echo"])
        .stream_subgraphs(true)
        .stream_resumable(true)
        .await
        .unwrap();
    assert_eq!(updated.schedule, "0 0 2 1 *");
    assert!(!updated.enabled);
    assert_eq!(updated.timezone.as_deref(), Some("UTC"));
    assert_eq!(updated.on_run_completed, Some(CronOnRunCompleted::Delete));
    assert_eq!(updated.end_time, Some(at("2099-01-02T03:04:05Z")));
    let metadata = updated.metadata.as_ref().unwrap();
    assert_eq!(metadata["tag"], json!(tag), "metadata is merged");
    assert_eq!(metadata["round"], json!(2));
    assert_eq!(updated.payload["input"], json!({"text": "tock"}));
    assert_eq!(updated.payload["webhook"], json!("http://127.0.0.1:9/hook"));
    assert_eq!(updated.payload["interrupt_after"], json!(["echo"]));
    assert_eq!(updated.payload["stream_subgraphs"], json!(true));
    assert_eq!(updated.payload["stream_resumable"], json!(true));

    // end_time: set to a new value, then cleared with an explicit null.
    let moved = client
        .crons()
        .update(cron.cron_id)
        .end_time(at("2098-05-06T07:08:09Z"))
        .await
        .unwrap();
    assert_eq!(moved.end_time, Some(at("2098-05-06T07:08:09Z")));
    let cleared = client
        .crons()
        .update(cron.cron_id)
        .clear_end_time()
        .await
        .unwrap();
    assert_eq!(cleared.end_time, None);
    let reread = client.crons().get(cron.cron_id).await.unwrap();
    assert_eq!(reread.end_time, None, "the null really was stored");
    assert_eq!(reread.schedule, "0 0 2 1 *", "an update keeps unset fields");

    client.crons().delete(cron.cron_id).await.unwrap();
    let gone = client.crons().get(cron.cron_id).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    let count = client
        .crons()
        .count()
        .metadata(json!({"tag": tag}))
        .await
        .unwrap();
    assert_eq!(count, 0);
    let again = client.crons().delete(cron.cron_id).await.unwrap_err();
    assert!(again.is_not_found(), "{again}");
}

#[tokio::test]
async fn options_a_cron_does_not_take_fail_before_sending() {
    let client = common::client();
    let tag = common::tag();
    let assistant = common::system_assistant(&client, "echo").await;

    // A stateless cron has no shared thread, so no multitask strategy.
    let err = client
        .crons()
        .create(assistant, NEVER_SOON)
        .metadata(json!({"tag": tag}))
        .multitask_strategy(MultitaskStrategy::Enqueue)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidInput(ref m) if m.contains("multitask_strategy")),
        "{err}"
    );
    let err = client
        .crons()
        .create(assistant, NEVER_SOON)
        .metadata(json!({"tag": tag}))
        .after_seconds(5.0)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    let count = client
        .crons()
        .count()
        .metadata(json!({"tag": tag}))
        .await
        .unwrap();
    assert_eq!(count, 0, "nothing was created");

    // The server's own validation comes back as an API error.
    let err = client
        .crons()
        .create(assistant, "not a schedule")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422), "{err}");
    let err = client
        .crons()
        .update(uuid::Uuid::new_v4())
        .enabled(true)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn thread_cron_is_tied_to_its_thread() {
    let client = common::client();
    let tag = common::tag();
    let thread = client.threads().create().await.unwrap();
    let assistant = common::system_assistant(&client, "echo").await;

    // A graph name works as the assistant when creating.
    let cron = client
        .crons()
        .create_for_thread(thread.thread_id, "echo", NEVER_SOON)
        .input(json!({"text": "on thread"}))
        .metadata(json!({"tag": tag}))
        .multitask_strategy(MultitaskStrategy::Enqueue)
        .enabled(false)
        .await
        .unwrap();
    assert_eq!(cron.thread_id, Some(thread.thread_id));
    assert_eq!(cron.assistant_id, Some(assistant));
    assert!(!cron.enabled);
    assert_eq!(cron.payload["multitask_strategy"], json!("enqueue"));
    assert_eq!(cron.payload["input"], json!({"text": "on thread"}));

    let by_thread = client
        .crons()
        .search()
        .thread_id(thread.thread_id)
        .await
        .unwrap();
    assert_eq!(
        by_thread.iter().map(|c| c.cron_id).collect::<Vec<_>>(),
        vec![cron.cron_id]
    );
    let counted = client
        .crons()
        .count()
        .thread_id(thread.thread_id)
        .await
        .unwrap();
    assert_eq!(counted, 1);
    let counted = client
        .crons()
        .count()
        .thread_id(thread.thread_id)
        .assistant_id(assistant)
        .metadata(json!({"tag": tag}))
        .await
        .unwrap();
    assert_eq!(counted, 1);

    // A thread cron's thread always stays: the option is refused, not silently dropped.
    let err = client
        .crons()
        .create_for_thread(thread.thread_id, "echo", NEVER_SOON)
        .on_run_completed(OnRunCompleted::Delete)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidInput(ref m) if m.contains("on_run_completed")),
        "{err}"
    );

    client.crons().delete(cron.cron_id).await.unwrap();
    let counted = client
        .crons()
        .count()
        .thread_id(thread.thread_id)
        .await
        .unwrap();
    assert_eq!(counted, 0);
    client.threads().delete(thread.thread_id).await.unwrap();
}

#[tokio::test]
async fn search_count_filters_and_pages() {
    let client = common::client();
    let tag = common::tag();
    let assistant = common::system_assistant(&client, "echo").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let cron = client
            .crons()
            .create(assistant, NEVER_SOON)
            .metadata(json!({"tag": tag, "i": i}))
            .enabled(i % 2 == 0)
            .await
            .unwrap();
        ids.push(cron.cron_id);
    }

    let count = |metadata: serde_json::Value| {
        let client = client.clone();
        async move { client.crons().count().metadata(metadata).await.unwrap() }
    };
    assert_eq!(count(json!({"tag": tag})).await, 5);
    assert_eq!(count(json!({"tag": tag, "i": 3})).await, 1);
    assert_eq!(
        client
            .crons()
            .count()
            .assistant_id(assistant)
            .metadata(json!({"tag": tag}))
            .await
            .unwrap(),
        5
    );

    let enabled = client
        .crons()
        .search()
        .metadata(json!({"tag": tag}))
        .enabled(true)
        .await
        .unwrap();
    assert_eq!(enabled.len(), 3);
    assert!(enabled.iter().all(|c| c.enabled));
    let paused = client
        .crons()
        .search()
        .metadata(json!({"tag": tag}))
        .assistant_id(assistant)
        .enabled(false)
        .await
        .unwrap();
    assert_eq!(paused.len(), 2);

    // Sorted by creation, oldest first: the order they were made in.
    let sorted = client
        .crons()
        .search()
        .metadata(json!({"tag": tag}))
        .sort_by(CronSortBy::CreatedAt)
        .sort_order(SortOrder::Asc)
        .await
        .unwrap();
    assert_eq!(sorted.iter().map(|c| c.cron_id).collect::<Vec<_>>(), ids);

    // Pages: the server's X-Pagination headers say where the next one starts.
    let first = client
        .crons()
        .search()
        .metadata(json!({"tag": tag}))
        .limit(2)
        .await
        .unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(first.next_offset(), Some(2));
    let last = client
        .crons()
        .search()
        .metadata(json!({"tag": tag}))
        .limit(2)
        .offset(4)
        .await
        .unwrap();
    assert_eq!(last.len(), 1);
    assert_eq!(last.next_offset(), None);
    let mut all: Vec<_> = client
        .crons()
        .search()
        .metadata(json!({"tag": tag}))
        .limit(2)
        .all()
        .map_ok(|c| c.cron_id)
        .try_collect()
        .await
        .unwrap();
    all.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(all, expected);

    let selected = client
        .crons()
        .search()
        .metadata(json!({"tag": tag}))
        .select([CronSelectField::CronId, CronSelectField::Enabled])
        .limit(1)
        .await
        .unwrap();
    assert_eq!(selected.len(), 1);
    let mut keys: Vec<_> = selected[0].keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["cron_id", "enabled"]);
    let selected_all: Vec<_> = client
        .crons()
        .search()
        .metadata(json!({"tag": tag}))
        .select([CronSelectField::CronId])
        .limit(2)
        .all()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(selected_all.len(), 5);

    // Cron filters take UUIDs only; a graph name is refused before sending.
    let err = client
        .crons()
        .search()
        .assistant_id("echo")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");

    for id in ids {
        client.crons().delete(id).await.unwrap();
    }
    assert_eq!(count(json!({"tag": tag})).await, 0);
}
