//! Every method of `client.runs()` against the real server, checked by its effect, and the
//! how-to scenarios that use them (human in the loop, double texting, time travel, webhooks).

mod common;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use futures_util::TryStreamExt;
use langgraph_sdk::{
    Error,
    runs::{Command, Nodes, RunCreated, RunOptions},
    types::{
        Action, IfNotExists, MultitaskStrategy, OnCompletion, OnDisconnect, RunSelectField,
        RunStatus,
    },
};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize, PartialEq)]
struct Echo {
    text: String,
    echo: String,
    count: i64,
    user_id: Option<String>,
}

#[tokio::test]
async fn wait_returns_typed_output_and_reports_the_run() {
    let client = common::client();
    let thread = client.threads().create().await.unwrap();
    let created: Arc<Mutex<Option<RunCreated>>> = Arc::default();
    let out: Echo = client
        .runs()
        .wait(thread.thread_id, "echo")
        .input(json!({"text": "hello"}))
        .config(json!({"configurable": {"user_id": "u7"}}))
        .metadata(json!({"purpose": "test"}))
        .on_run_created({
            let created = created.clone();
            move |run| *created.lock().unwrap() = Some(run)
        })
        .output_as()
        .await
        .unwrap();
    assert_eq!(
        out,
        Echo {
            text: "hello".into(),
            echo: "hello".into(),
            count: 1,
            user_id: Some("u7".into())
        }
    );
    let created = created.lock().unwrap().expect("on_run_created was called");
    assert_eq!(created.thread_id, Some(thread.thread_id));
    let run = client
        .runs()
        .get(thread.thread_id, created.run_id)
        .await
        .unwrap();
    assert!(matches!(run.status, RunStatus::Success));
    assert_eq!(run.metadata["purpose"], json!("test"));

    // Context reaches the graph's runtime.
    let out: Echo = client
        .runs()
        .wait(thread.thread_id, "echo")
        .input(json!({"text": "there"}))
        .context(json!({"greeting": "hi"}))
        .output_as()
        .await
        .unwrap();
    assert_eq!(out.echo, "hi there");
    assert_eq!(out.count, 2, "the thread keeps its state");
}

#[tokio::test]
async fn stateless_runs_and_batches() {
    let client = common::client();
    let out: Value = client
        .runs()
        .wait_stateless("echo")
        .input(json!({"text": "solo"}))
        .await
        .unwrap();
    assert_eq!(out["echo"], json!("solo"));
    assert_eq!(out["count"], json!(1));

    // A stateless run's thread is deleted when it completes, unless kept.
    let run = client
        .runs()
        .create_stateless("echo")
        .input(json!({"text": "bg"}))
        .on_completion(OnCompletion::Keep)
        .await
        .unwrap();
    let joined: Value = client.runs().join(run.thread_id, run.run_id).await.unwrap();
    assert_eq!(joined["echo"], json!("bg"));
    let gone = client
        .runs()
        .create_stateless("echo")
        .input(json!({"text": "gone"}))
        .await
        .unwrap();
    common::eventually(
        "the thread of a finished stateless run is deleted",
        || async {
            client
                .threads()
                .get(gone.thread_id)
                .await
                .is_err_and(|e| e.is_not_found())
        },
    )
    .await;
    let err = client
        .runs()
        .join(gone.thread_id, gone.run_id)
        .await
        .unwrap_err();
    assert!(
        err.is_not_found(),
        "the server's in-band 404 is an API error: {err}"
    );

    let batch = client
        .runs()
        .create_batch([
            (
                "echo",
                RunOptions::new()
                    .input(json!({"text": "b1"}))
                    .on_completion(OnCompletion::Keep),
            ),
            (
                "echo",
                RunOptions::new()
                    .input(json!({"text": "b2"}))
                    .on_completion(OnCompletion::Keep),
            ),
        ])
        .await
        .unwrap();
    assert_eq!(batch.len(), 2);
    for run in &batch {
        let out: Value = client.runs().join(run.thread_id, run.run_id).await.unwrap();
        assert!(
            out["echo"] == json!("b1") || out["echo"] == json!("b2"),
            "{out}"
        );
    }
    let empty: Vec<(&str, RunOptions)> = vec![];
    assert!(matches!(
        client.runs().create_batch(empty).await,
        Err(Error::InvalidInput(_))
    ));
}

#[tokio::test]
async fn a_failing_run_is_a_typed_error_never_an_output() {
    let client = common::client();
    let thread = client.threads().create().await.unwrap();
    let err = client
        .runs()
        .wait(thread.thread_id, "fail")
        .input(json!({"reason": "on purpose"}))
        .await
        .unwrap_err();
    match &err {
        Error::Run(run) => {
            assert_eq!(run.error, "ValueError");
            assert_eq!(run.message, "deliberate failure: on purpose");
        }
        other => panic!("expected a run error, got {other:?}"),
    }
    let run = client
        .runs()
        .create(thread.thread_id, "fail")
        .await
        .unwrap();
    let err = client
        .runs()
        .join(thread.thread_id, run.run_id)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Run(_)), "{err}");
    let err = client.runs().wait_stateless("fail").await.unwrap_err();
    assert!(matches!(err, Error::Run(_)), "{err}");
}

#[tokio::test]
async fn create_join_list_get_delete() {
    let client = common::client();
    let thread = client.threads().create().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..3 {
        let run = client
            .runs()
            .create(thread.thread_id, "echo")
            .input(json!({"text": format!("r{i}")}))
            .multitask_strategy(MultitaskStrategy::Enqueue)
            .await
            .unwrap();
        assert!(
            matches!(run.status, RunStatus::Pending | RunStatus::Running),
            "{:?}",
            run.status
        );
        ids.push(run.run_id);
    }
    let last: Echo = client
        .runs()
        .join(thread.thread_id, ids[2])
        .output_as()
        .await
        .unwrap();
    assert_eq!(last.count, 3, "enqueued runs ran one after the other");

    let page = client.runs().list(thread.thread_id).limit(2).await.unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(page.next_offset(), Some(2));
    let all: Vec<_> = client
        .runs()
        .list(thread.thread_id)
        .limit(2)
        .all()
        .try_collect()
        .await
        .unwrap();
    let mut listed: Vec<_> = all.iter().map(|r| r.run_id).collect();
    listed.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(listed, expected);
    let done = client
        .runs()
        .list(thread.thread_id)
        .status(RunStatus::Success)
        .await
        .unwrap();
    assert_eq!(done.len(), 3);
    let selected = client
        .runs()
        .list(thread.thread_id)
        .select([RunSelectField::RunId, RunSelectField::Status])
        .await
        .unwrap();
    assert_eq!(selected[0].len(), 2, "{:?}", selected[0]);

    client
        .runs()
        .delete(thread.thread_id, ids[0])
        .await
        .unwrap();
    let err = client
        .runs()
        .get(thread.thread_id, ids[0])
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn cancel_one_and_many() {
    let client = common::client();
    let thread = client.threads().create().await.unwrap();
    let slow = || {
        RunOptions::new()
            .input(json!({"steps": 20, "delay": 0.2}))
            .multitask_strategy(MultitaskStrategy::Enqueue)
    };
    let run = client
        .runs()
        .create(thread.thread_id, "slow")
        .options(slow())
        .await
        .unwrap();
    client
        .runs()
        .cancel(thread.thread_id, run.run_id)
        .await
        .unwrap();
    let _ = client.runs().join(thread.thread_id, run.run_id).await;
    assert!(matches!(
        client
            .runs()
            .get(thread.thread_id, run.run_id)
            .await
            .unwrap()
            .status,
        RunStatus::Interrupted
    ));

    let run = client
        .runs()
        .create(thread.thread_id, "slow")
        .options(slow())
        .await
        .unwrap();
    common::eventually("the run has ticked", || async {
        let state = client.threads().get_state(thread.thread_id).await.unwrap();
        state.values["done"].as_i64().unwrap_or(0) >= 1
    })
    .await;
    client
        .runs()
        .cancel(thread.thread_id, run.run_id)
        .wait(true)
        .await
        .unwrap();
    let stopped = client
        .runs()
        .get(thread.thread_id, run.run_id)
        .await
        .unwrap();
    assert!(
        matches!(stopped.status, RunStatus::Interrupted),
        "stopped when cancel returned: {:?}",
        stopped.status
    );
    let state = client.threads().get_state(thread.thread_id).await.unwrap();
    assert!(
        state.values["done"].as_i64().unwrap_or(0) >= 1,
        "the run had ticked before it stopped: {:?}",
        state.values
    );

    let a = client
        .runs()
        .create(thread.thread_id, "slow")
        .options(slow())
        .await
        .unwrap();
    let b = client
        .runs()
        .create(thread.thread_id, "slow")
        .options(slow())
        .await
        .unwrap();
    client
        .runs()
        .cancel_many()
        .thread_id(thread.thread_id)
        .run_ids([a.run_id, b.run_id])
        .action(Action::Interrupt)
        .await
        .unwrap();
    let _ = client.runs().join(thread.thread_id, b.run_id).await;
    for id in [a.run_id, b.run_id] {
        let run = client.runs().get(thread.thread_id, id).await.unwrap();
        assert!(
            matches!(run.status, RunStatus::Interrupted),
            "{:?}",
            run.status
        );
    }
    let err = client
        .runs()
        .cancel_many()
        .run_ids([a.run_id])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
}

#[tokio::test]
async fn human_in_the_loop_resumes_with_a_command() {
    let client = common::client();
    let thread = client.threads().create().await.unwrap();
    let paused: Value = client
        .runs()
        .wait(thread.thread_id, "interrupt")
        .input(json!({"question": "Ship it?"}))
        .await
        .unwrap();
    assert_eq!(
        paused["__interrupt__"][0]["value"],
        json!({"question": "Ship it?"})
    );
    let done: Value = client
        .runs()
        .wait(thread.thread_id, "interrupt")
        .command(Command::resume("yes"))
        .await
        .unwrap();
    assert_eq!(done["answer"], json!("yes"));
    assert_eq!(done["done"], json!(true));
}

#[tokio::test]
async fn static_breakpoints_and_time_travel() {
    let client = common::client();
    let thread = client.threads().create().await.unwrap();
    let _: Value = client
        .runs()
        .wait(thread.thread_id, "echo")
        .input(json!({"text": "a"}))
        .interrupt_before(["echo"])
        .await
        .unwrap();
    let state = client.threads().get_state(thread.thread_id).await.unwrap();
    assert_eq!(
        state.next,
        vec!["echo".to_string()],
        "stopped before the node"
    );
    let resumed: Echo = client
        .runs()
        .wait(thread.thread_id, "echo")
        .input(Value::Null)
        .output_as()
        .await
        .unwrap();
    assert_eq!(
        resumed.echo, "a",
        "a null input resumes from the breakpoint"
    );

    let after_first = client
        .threads()
        .get_state(thread.thread_id)
        .await
        .unwrap()
        .checkpoint
        .checkpoint_id
        .unwrap();
    let _: Value = client
        .runs()
        .wait(thread.thread_id, "echo")
        .input(json!({"text": "b"}))
        .await
        .unwrap();
    let forked: Echo = client
        .runs()
        .wait(thread.thread_id, "echo")
        .input(json!({"text": "c"}))
        .checkpoint_id(after_first)
        .output_as()
        .await
        .unwrap();
    assert_eq!(
        forked.count, 2,
        "forked from the first run's checkpoint, not the second's"
    );

    let chain = client.threads().create().await.unwrap();
    let _: Value = client
        .runs()
        .wait(chain.thread_id, "subgraph")
        .input(json!({}))
        .interrupt_after(["prepare"])
        .await
        .unwrap();
    let state = client.threads().get_state(chain.thread_id).await.unwrap();
    assert_eq!(
        state.next,
        vec!["child".to_string()],
        "stopped after `prepare`"
    );
    let _: Value = client
        .runs()
        .wait(chain.thread_id, "subgraph")
        .input(Value::Null)
        .interrupt_before(Nodes::All)
        .await
        .unwrap();
    let state = client.threads().get_state(chain.thread_id).await.unwrap();
    assert_eq!(
        state.next,
        vec!["finalize".to_string()],
        "resumed `child`, then `*` stopped before the next node"
    );
}

#[tokio::test]
async fn double_texting_strategies() {
    let client = common::client();
    // A busy first run, then a second one with `strategy` while the first still runs.
    let double_text = |strategy: MultitaskStrategy| {
        let client = client.clone();
        async move {
            let slow = RunOptions::new().input(json!({"steps": 2, "delay": 1.0}));
            let thread = client.threads().create().await.unwrap();
            let first = client
                .runs()
                .create(thread.thread_id, "slow")
                .options(slow.clone())
                .await
                .unwrap();
            common::eventually("the first run is running", || async {
                let run = client.runs().get(thread.thread_id, first.run_id).await;
                matches!(run.unwrap().status, RunStatus::Running)
            })
            .await;
            let second = client
                .runs()
                .create(thread.thread_id, "slow")
                .options(slow)
                .multitask_strategy(strategy)
                .await;
            (thread.thread_id, first.run_id, second)
        }
    };

    // reject: the second run is refused while the first is busy.
    let (thread, first, second) = double_text(MultitaskStrategy::Reject).await;
    let err = second.unwrap_err();
    assert!(err.is_conflict(), "{err}");
    let _ = client.runs().join(thread, first).await;

    // interrupt: the first run is interrupted, the second completes.
    let (thread, first, second) = double_text(MultitaskStrategy::Interrupt).await;
    let _ = client
        .runs()
        .join(thread, second.unwrap().run_id)
        .await
        .unwrap();
    let status = client.runs().get(thread, first).await.unwrap().status;
    assert!(matches!(status, RunStatus::Interrupted), "{status:?}");

    // rollback: the first run is deleted.
    let (thread, first, second) = double_text(MultitaskStrategy::Rollback).await;
    let _ = client
        .runs()
        .join(thread, second.unwrap().run_id)
        .await
        .unwrap();
    let err = client.runs().get(thread, first).await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn if_not_exists_creates_the_thread() {
    let client = common::client();
    let thread_id = uuid::Uuid::new_v4();
    let err = client
        .runs()
        .wait(thread_id, "echo")
        .input(json!({"text": "x"}))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let out: Echo = client
        .runs()
        .wait(thread_id, "echo")
        .input(json!({"text": "x"}))
        .if_not_exists(IfNotExists::Create)
        .on_disconnect(OnDisconnect::Continue)
        .output_as()
        .await
        .unwrap();
    assert_eq!(out.echo, "x");
    assert_eq!(
        client.threads().get(thread_id).await.unwrap().thread_id,
        thread_id
    );
}

#[tokio::test]
async fn options_an_endpoint_does_not_take_fail_before_sending() {
    let client = common::client();
    let err = client
        .runs()
        .create_stateless("echo")
        .multitask_strategy(MultitaskStrategy::Enqueue)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidInput(ref m) if m.contains("multitask_strategy")),
        "{err}"
    );
    let err = client
        .runs()
        .wait_stateless("echo")
        .metadata(json!("not an object"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
}

#[tokio::test]
async fn webhooks_receive_the_finished_run() {
    let client = common::client();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    let mock = common::mock::Mock::serve(listener, vec![common::mock::Reply::json(200, "{}")]);
    let thread = client.threads().create().await.unwrap();
    let _: Value = client
        .runs()
        .wait(thread.thread_id, "echo")
        .input(json!({"text": "hook"}))
        .webhook(&hook)
        .await
        .unwrap();
    let mut seen = Vec::new();
    for _ in 0..50 {
        seen = mock.seen();
        if !seen.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let posted: Value =
        serde_json::from_str(&seen.first().expect("the webhook was called").body).unwrap();
    assert_eq!(posted["thread_id"], json!(thread.thread_id.to_string()));
    assert_eq!(posted["status"], json!("success"));
}
