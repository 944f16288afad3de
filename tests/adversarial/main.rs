//! Adversarial tests: what a hostile server, a broken proxy or a careless caller does to the
//! client, against scripted servers on loopback that record exactly what they received.
//!
//! Each case is an async function that panics when the client misbehaves; the runner counts
//! what passed and failed and prints `adversarial: N passed, M failed` (N counts cases that
//! ran and held, nothing else). Arguments that do not start with `-` filter cases by name.
//!
//! Classes (one module each): redirects and the API key, path ids, answers that are not
//! event streams, bodies (oversized, truncated, invalid UTF-8, slow), numbers JSON cannot
//! say, base URLs.

#[path = "../common/mod.rs"]
mod common;

mod bodies;
mod numbers;
mod paths;
mod redirects;
mod streams;
mod urls;

use std::{process::ExitCode, time::Duration};

use futures_util::{TryStreamExt, future::BoxFuture};
use langgraph_sdk::{
    Client, RetryPolicy,
    stream::{RunStream, StreamPart},
};
use serde_json::json;

use common::mock::{Reply, Seen};

/// One named case.
pub type Case = (&'static str, fn() -> BoxFuture<'static, ()>);

/// Declares a module's `CASES` from its async test functions.
#[macro_export]
macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        pub const CASES: &[$crate::Case] = &[$(
            (stringify!($name), || -> ::futures_util::future::BoxFuture<'static, ()> {
                Box::pin($name())
            })
        ),*];
    };
}

pub const THREAD: &str = "0f0e0d0c-0b0a-0908-0706-050403020100";
pub const RUN: &str = "1f0e0d0c-0b0a-0908-0706-050403020100";
pub const ASSISTANT: &str = "2f0e0d0c-0b0a-0908-0706-050403020100";
/// The API key every client here sends: no other origin may ever see it.
pub const KEY: &str = "adversarial-secret-key";

/// A client of `url` with [`KEY`] and quick retries.
pub fn client(url: &str) -> Client {
    Client::builder()
        .url(url)
        .api_key(KEY)
        .retry(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
        })
        .build()
        .expect("a client")
}

pub fn thread_json() -> String {
    json!({
        "thread_id": THREAD, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        "state_updated_at": "2026-01-01T00:00:00Z", "metadata": {}, "status": "idle", "values": null, "interrupts": {}
    })
    .to_string()
}

pub fn run_json(status: &str) -> String {
    json!({
        "run_id": RUN, "thread_id": THREAD, "assistant_id": ASSISTANT,
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        "status": status, "metadata": {}, "kwargs": {}, "multitask_strategy": "reject"
    })
    .to_string()
}

/// A 200 event stream with extra headers.
pub fn sse(headers: &[(&'static str, String)], body: &str) -> Reply {
    let mut all = vec![("content-type", "text/event-stream".to_string())];
    all.extend(headers.iter().cloned());
    Reply::Respond(200, all, body.to_string())
}

/// A raw HTTP/1.1 response with these header lines and body bytes.
pub fn raw(status: u16, headers: &[&str], body: &[u8]) -> Reply {
    let mut out = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
    for h in headers {
        out.push_str(h);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    Reply::Raw(bytes)
}

/// The value of header `name` of a received request.
pub fn header<'a>(seen: &'a Seen, name: &str) -> Option<&'a str> {
    seen.headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The opening of a resumable run stream of [`THREAD`]/[`RUN`] that resumes from `location`:
/// `body`, then the connection closes (the run still running, as the next reply says).
pub fn resumable_start(location: &str, body: &str) -> Reply {
    sse(
        &[
            ("location", location.to_string()),
            ("content-location", format!("/threads/{THREAD}/runs/{RUN}")),
        ],
        body,
    )
}

/// Opens a resumable run stream on [`THREAD`].
pub async fn open_resumable(client: &Client) -> RunStream {
    client
        .runs()
        .stream(THREAD, "agent")
        .stream_resumable(true)
        .await
        .expect("a stream")
}

/// The parts of a stateless run stream, read to the end or the first error.
pub async fn stateless_parts(client: &Client) -> langgraph_sdk::Result<Vec<StreamPart>> {
    let stream = client.runs().stream_stateless("agent").await?;
    stream.map_ok(|e| e.part).try_collect().await
}

/// `GET /threads/{THREAD}` through the generated client.
pub async fn raw_get_thread(
    client: &Client,
) -> Result<
    langgraph_sdk::raw::ResponseValue<langgraph_sdk::types::Thread>,
    langgraph_sdk::raw::Error<langgraph_sdk::types::ErrorResponse>,
> {
    client
        .raw()
        .get_thread()
        .thread_id(THREAD.parse::<uuid::Uuid>().expect("a UUID"))
        .send()
        .await
}

/// `error` and its sources, joined.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(&format!(": {e}"));
        source = e.source();
    }
    text
}

/// The request lines a mock received.
pub fn lines(seen: &[Seen]) -> Vec<String> {
    seen.iter().map(|s| s.line.clone()).collect()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let cases: Vec<Case> = [
        redirects::CASES,
        paths::CASES,
        streams::CASES,
        bodies::CASES,
        numbers::CASES,
        urls::CASES,
    ]
    .concat()
    .into_iter()
    .filter(|(name, _)| filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str())))
    .collect();
    if args.iter().any(|a| a == "--list") {
        for (name, _) in &cases {
            println!("{name}: test");
        }
        return ExitCode::SUCCESS;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let (mut passed, mut failed) = (0usize, Vec::new());
    for (name, case) in cases {
        let outcome = runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(60), tokio::spawn(case())).await
        });
        match outcome {
            Ok(Ok(())) => {
                passed += 1;
                println!("adversarial {name} ... ok");
            }
            Ok(Err(e)) => {
                println!("adversarial {name} ... FAILED ({e})");
                failed.push(name);
            }
            Err(_) => {
                println!("adversarial {name} ... FAILED (no result within 60 s)");
                failed.push(name);
            }
        }
    }
    println!("adversarial: {passed} passed, {} failed", failed.len());
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!("failed: {}", failed.join(", "));
        ExitCode::FAILURE
    }
}
