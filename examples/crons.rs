//! Cron jobs: a thread cron and a stateless one; search, disable, enable, delete.
//!
//! Guide: "Use cron jobs". Graph `echo` of `tests/server/graphs.py`. The schedule is in UTC;
//! the example deletes its crons before they are due.
//! Run it with `cargo xtask demo crons`.

use langgraph_sdk::prelude::*;
use serde_json::json;
use uuid::Uuid;

#[tokio::main(flavor = "current_thread")]
async fn main() -> langgraph_sdk::Result<()> {
    let client = Client::from_env()?;
    // Cron filters take an assistant id (not a graph name): the one the server made for `echo`.
    let assistant = client
        .assistants()
        .search()
        .graph_id("echo")
        .metadata(json!({"created_by": "system"}))
        .await?
        .into_items()
        .into_iter()
        .next()
        .expect("the server serves the `echo` graph");
    // Our crons carry this tag, so the searches below see only them.
    let tag = json!({"example": "crons", "run": Uuid::new_v4()});

    let thread = client.threads().create().await?;
    let on_thread = client
        .crons()
        .create_for_thread(thread.thread_id, assistant.assistant_id, "27 15 * * *")
        .input(json!({"text": "What time is it?"}))
        .metadata(tag.clone())
        .await?;
    let stateless = client
        .crons()
        .create(assistant.assistant_id, "27 15 * * *")
        .input(json!({"text": "What time is it?"}))
        .metadata(tag.clone())
        .await?;
    for cron in [&on_thread, &stateless] {
        println!(
            "cron {} `{}` on thread {:?}, next run {:?}",
            cron.cron_id,
            cron.schedule,
            cron.thread_id,
            cron.next_run_date.map(|d| d.to_rfc3339())
        );
    }
    assert_eq!(on_thread.thread_id, Some(thread.thread_id));
    assert!(stateless.next_run_date.is_some());

    let ours = client
        .crons()
        .search()
        .assistant_id(assistant.assistant_id)
        .metadata(tag.clone())
        .await?;
    println!("search: {} crons", ours.len());
    assert_eq!(ours.len(), 2);

    // Disabled, a cron stays but does not run.
    let disabled = client
        .crons()
        .update(stateless.cron_id)
        .enabled(false)
        .await?;
    let enabled = client
        .crons()
        .search()
        .metadata(tag.clone())
        .enabled(true)
        .await?;
    println!(
        "disabled {}: {} of 2 enabled",
        disabled.cron_id,
        enabled.len()
    );
    assert!(!disabled.enabled);
    assert_eq!(enabled.len(), 1);
    let again = client
        .crons()
        .update(stateless.cron_id)
        .enabled(true)
        .await?;
    assert!(again.enabled);

    // Delete them: a forgotten cron runs (and costs) forever.
    for cron in [&on_thread, &stateless] {
        client.crons().delete(cron.cron_id).await?;
    }
    let left = client.crons().count().metadata(tag).await?;
    println!("deleted; {left} left");
    assert_eq!(left, 0);
    Ok(())
}
