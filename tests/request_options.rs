//! Per-request options and a caller's own `reqwest` settings.
//!
//! Against the real server: a per-request header reaches the graph (the test server maps
//! `x-user-id` into the run's configurable values) and only on the request that carries it.
//! Against scripted servers (what the real one cannot show): invalid headers are refused before
//! anything is sent, a stream sends its headers again when it reconnects, and a client built
//! from a caller's `reqwest::ClientBuilder` still follows no redirect with the API key.

mod common;

use std::time::Duration;

use futures_util::TryStreamExt;
use langgraph_sdk::{
    Client, Error, RequestOptions, RetryPolicy, runs::StreamMode, stream::StreamPart,
};
use serde_json::{Value, json};

use common::mock::{Mock, Reply, Seen};

const THREAD: &str = "5b7c1a7e-2f0a-4c51-9d3e-0a6b8f1e2d3c";
const RUN: &str = "1f0c9d4e-7f1a-4c2e-8d3b-5a4f3e2d1c0b";

fn client(url: &str) -> Client {
    Client::builder()
        .url(url)
        .api_key("k-secret")
        .retry(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(20),
        })
        .build()
        .unwrap()
}

fn header<'a>(seen: &'a Seen, name: &str) -> Option<&'a str> {
    seen.headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn sse(headers: &[(&'static str, String)], body: &str) -> Reply {
    let mut all = vec![("content-type", "text/event-stream".to_string())];
    all.extend(headers.iter().cloned());
    Reply::Respond(200, all, body.to_string())
}

#[tokio::test]
async fn a_per_request_header_reaches_the_graph_and_only_that_request() {
    let client = common::client();
    let thread = client.threads().create().await.unwrap();
    let out: Value = client
        .runs()
        .wait(thread.thread_id, "echo")
        .input(json!({"text": "a"}))
        .header("x-user-id", "u-42")
        .await
        .unwrap();
    assert_eq!(out["user_id"], json!("u-42"), "{out}");

    let out: Value = client
        .runs()
        .wait(thread.thread_id, "echo")
        .input(json!({"text": "b"}))
        .await
        .unwrap();
    assert_eq!(
        out["user_id"],
        Value::Null,
        "the header was for one request: {out}"
    );

    let as_user = RequestOptions::new().header("x-user-id", "u-9");
    let events: Vec<_> = client
        .runs()
        .stream(thread.thread_id, "echo")
        .input(json!({"text": "c"}))
        .stream_mode(StreamMode::Values)
        .request_options(as_user.clone())
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let last = events
        .iter()
        .rev()
        .find_map(|e| match &e.part {
            StreamPart::Values { values, .. } => Some(values.clone()),
            _ => None,
        })
        .expect("a values event");
    assert_eq!(last["user_id"], json!("u-9"), "{last}");
    client.threads().delete(thread.thread_id).await.unwrap();
}

#[tokio::test]
async fn invalid_headers_are_refused_before_anything_is_sent() {
    let mock = Mock::start(vec![Reply::json(200, "{}")]).await;
    let client = client(&mock.url);
    for (name, value) in [
        ("x-api-key", "stolen"),
        ("X-API-Key", "stolen"),
        ("x-user-id", "u1\r\nx-api-key: stolen"),
        ("x-user-id", "u1\nx"),
        ("bad name", "v"),
    ] {
        let err = client
            .threads()
            .get(THREAD)
            .header(name, value)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{name:?}: {err:?}");
        let err = client
            .runs()
            .stream(THREAD, "agent")
            .request_options(RequestOptions::new().header(name, value))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{name:?}: {err:?}");
    }
    assert!(mock.seen().is_empty(), "{:?}", mock.seen());
}

#[tokio::test]
async fn per_request_headers_and_timeout_replace_the_clients() {
    let mock = Mock::start(vec![
        Reply::json(200, &thread_json()),
        Reply::Drip {
            head: "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n"
                .into(),
            chunks: vec![b"{".to_vec(), b"}".to_vec()],
            every: Duration::from_millis(400),
        },
    ])
    .await;
    let client = Client::builder()
        .url(&mock.url)
        .no_api_key()
        .header("x-user-id", "client")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    client
        .threads()
        .get(THREAD)
        .header("X-User-Id", "request")
        .header("authorization", "Bearer end-user")
        .await
        .unwrap();
    let seen = mock.seen();
    assert_eq!(header(&seen[0], "x-user-id"), Some("request"));
    assert_eq!(header(&seen[0], "authorization"), Some("Bearer end-user"));
    let values: Vec<_> = seen[0]
        .headers
        .iter()
        .filter(|(n, _)| n == "x-user-id")
        .collect();
    assert_eq!(values.len(), 1, "replaced, not added: {values:?}");

    let err = client
        .threads()
        .get(THREAD)
        .timeout(Duration::from_millis(150))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn a_stream_sends_its_headers_again_when_it_reconnects() {
    let mock = Mock::start(vec![
        // One event, then the connection closes while the run is still going.
        sse(
            &[
                ("location", format!("/threads/{THREAD}/runs/{RUN}/stream")),
                ("content-location", format!("/threads/{THREAD}/runs/{RUN}")),
            ],
            "id: 1-0\nevent: custom\ndata: 1\n\n",
        ),
        Reply::json(200, &run_json("running")),
        sse(
            &[],
            "id: 2-0\nevent: custom\ndata: 2\n\nevent: end\ndata: null\n\n",
        ),
    ])
    .await;
    let parts: Vec<_> = client(&mock.url)
        .runs()
        .stream(THREAD, "agent")
        .stream_resumable(true)
        .header("authorization", "Bearer end-user")
        .await
        .unwrap()
        .map_ok(|e| e.part)
        .try_collect()
        .await
        .unwrap();
    assert!(
        matches!(parts.as_slice(), [StreamPart::Custom(a), StreamPart::Custom(b), StreamPart::End] if *a == json!(1) && *b == json!(2)),
        "{parts:?}"
    );
    let seen = mock.seen();
    let lines: Vec<&str> = seen.iter().map(|s| s.line.as_str()).collect();
    assert_eq!(
        lines,
        [
            format!("POST /threads/{THREAD}/runs/stream").as_str(),
            format!("GET /threads/{THREAD}/runs/{RUN}").as_str(),
            format!("GET /threads/{THREAD}/runs/{RUN}/stream").as_str(),
        ]
    );
    for request in &seen {
        assert_eq!(
            header(request, "authorization"),
            Some("Bearer end-user"),
            "{}",
            request.line
        );
        assert_eq!(
            header(request, "x-api-key"),
            Some("k-secret"),
            "{}",
            request.line
        );
    }
}

#[tokio::test]
async fn a_callers_reqwest_builder_is_used_and_still_follows_no_redirect() {
    let elsewhere = Mock::start(vec![Reply::json(200, &thread_json())]).await;
    let mock = Mock::start(vec![
        Reply::json(200, &thread_json()),
        Reply::Respond(
            307,
            vec![("location", format!("{}/threads/{THREAD}", elsewhere.url))],
            String::new(),
        ),
    ])
    .await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-from-builder", "1".parse().unwrap());
    let client = Client::builder()
        .url(&mock.url)
        .api_key("k-secret")
        .retry(RetryPolicy::none())
        // reqwest's own default follows up to 10 redirects.
        .http(reqwest::Client::builder().default_headers(defaults))
        .build()
        .unwrap();
    client.threads().get(THREAD).await.unwrap();
    let err = client.threads().get(THREAD).await.unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    let seen = mock.seen();
    assert_eq!(
        header(&seen[0], "x-from-builder"),
        Some("1"),
        "the builder was used"
    );
    assert_eq!(header(&seen[0], "x-api-key"), Some("k-secret"));
    assert!(
        elsewhere.seen().is_empty(),
        "nothing, let alone the key, went to the redirect's target: {:?}",
        elsewhere.seen()
    );
}

fn thread_json() -> String {
    json!({
        "thread_id": THREAD, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        "state_updated_at": "2026-01-01T00:00:00Z", "metadata": {}, "status": "idle", "values": null, "interrupts": {}
    })
    .to_string()
}

fn run_json(status: &str) -> String {
    json!({
        "run_id": RUN,
        "thread_id": THREAD,
        "assistant_id": "5b7c1a7e-2f0a-4c51-9d3e-0a6b8f1e2d3d",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "status": status,
        "metadata": {},
        "kwargs": {},
        "multitask_strategy": "reject"
    })
    .to_string()
}
