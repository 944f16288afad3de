//! Numbers JSON cannot say: `serde_json` writes NaN and the infinities as `null`, so
//! `after_seconds(NaN)` would start a run at once and a `ttl` of infinity would mean none.
//! They are refused before anything is sent, wherever a number goes into a request.

use futures_util::future::BoxFuture;
use langgraph_sdk::{Client, Error, Result, runs::Command, types};
use serde::Serialize;
use serde_json::{Value, json};

use crate::common::mock::{Mock, Reply};
use crate::{THREAD, client, lines, run_json};

crate::cases!(
    non_finite_numbers_never_leave_the_client,
    the_raw_client_refuses_them_too,
    finite_numbers_go_out_unchanged,
);

#[derive(Serialize)]
struct Scored {
    name: &'static str,
    scores: Vec<f64>,
}

type Call = fn(Client, f64) -> BoxFuture<'static, Result<()>>;

async fn non_finite_numbers_never_leave_the_client() {
    let calls: [(&str, Call); 10] = [
        ("runs.create.after_seconds", |c, n| {
            Box::pin(async move {
                c.runs()
                    .create(THREAD, "agent")
                    .after_seconds(n)
                    .await
                    .map(drop)
            })
        }),
        ("runs.wait.after_seconds", |c, n| {
            Box::pin(async move {
                c.runs()
                    .wait(THREAD, "agent")
                    .after_seconds(n)
                    .await
                    .map(|_: Value| ())
            })
        }),
        ("runs.stream.after_seconds", |c, n| {
            Box::pin(async move {
                c.runs()
                    .stream(THREAD, "agent")
                    .after_seconds(n)
                    .await
                    .map(drop)
            })
        }),
        ("crons.create.after_seconds", |c, n| {
            Box::pin(async move {
                c.crons()
                    .create("agent", "* * * * *")
                    .after_seconds(n)
                    .await
                    .map(drop)
            })
        }),
        ("runs.create.input", |c, n| {
            Box::pin(async move {
                let input = Scored {
                    name: "x",
                    scores: vec![1.0, n],
                };
                c.runs()
                    .create(THREAD, "agent")
                    .input(input)
                    .await
                    .map(drop)
            })
        }),
        ("runs.wait.command", |c, n| {
            Box::pin(async move {
                c.runs()
                    .wait(THREAD, "agent")
                    .command(Command::resume(n))
                    .await
                    .map(|_: Value| ())
            })
        }),
        ("threads.create.ttl", |c, n| {
            Box::pin(async move { c.threads().create().ttl(n).await.map(drop) })
        }),
        ("threads.update_state.values", |c, n| {
            Box::pin(async move {
                c.threads()
                    .update_state(THREAD)
                    .values(std::collections::BTreeMap::from([("score", n)]))
                    .await
                    .map(drop)
            })
        }),
        ("store.put_item.value", |c, n| {
            Box::pin(async move {
                c.store()
                    .put_item(
                        ["ns"],
                        "k",
                        std::collections::BTreeMap::from([("score", n)]),
                    )
                    .await
            })
        }),
        ("store.put_item.ttl", |c, n| {
            Box::pin(async move { c.store().put_item(["ns"], "k", json!({})).ttl(n).await })
        }),
    ];
    let mock = Mock::start(vec![Reply::json(200, &run_json("pending")); 40]).await;
    let client = client(&mock.url);
    for (name, call) in calls {
        for n in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            match call(client.clone(), n).await {
                Err(Error::InvalidInput(message)) => {
                    assert!(message.contains(&n.to_string()), "{name}({n}): {message}")
                }
                other => panic!("{name}({n}): expected InvalidInput, got {other:?}"),
            }
        }
    }
    assert!(mock.seen().is_empty(), "sent: {:?}", mock.seen());
}

async fn the_raw_client_refuses_them_too() {
    let mock = Mock::start(vec![Reply::json(200, &run_json("pending")); 4]).await;
    let client = client(&mock.url);
    for n in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let err = client
            .raw()
            .create_run()
            .thread_id(THREAD.parse::<uuid::Uuid>().unwrap())
            .body(
                types::builder::RunCreateStateful::default()
                    .assistant_id("agent")
                    .after_seconds(Some(n)),
            )
            .send()
            .await
            .unwrap_err();
        let chain = crate::chain(&err);
        assert!(chain.contains("JSON cannot represent"), "{n}: {chain}");
    }
    assert!(mock.seen().is_empty(), "sent: {:?}", lines(&mock.seen()));
}

async fn finite_numbers_go_out_unchanged() {
    let mock = Mock::start(vec![Reply::json(200, &run_json("pending"))]).await;
    client(&mock.url)
        .runs()
        .create(THREAD, "agent")
        .after_seconds(1.5)
        .input(Scored {
            name: "x",
            scores: vec![0.0, -2.5e-300, 1e300, f64::MAX],
        })
        .await
        .unwrap();
    let body: Value = serde_json::from_str(&mock.seen()[0].body).unwrap();
    assert_eq!(body["after_seconds"], json!(1.5));
    assert_eq!(
        body["input"]["scores"],
        json!([0.0, -2.5e-300, 1e300, f64::MAX])
    );
}
