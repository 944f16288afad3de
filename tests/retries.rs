//! Retries, against precise faults from a scripted server: what is safe to send again is, what
//! may have started a run is not.

mod common;

use std::time::{Duration, Instant};

use common::mock::{Mock, Reply};
use langgraph_sdk::{Client, Error, ErrorKind, RetryPolicy, stream::StreamPart};
use serde_json::json;

const THREAD: &str = "0f0e0d0c-0b0a-0908-0706-050403020100";

fn client(url: &str) -> Client {
    Client::builder()
        .url(url)
        .api_key("test-key")
        .retry(RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(200),
        })
        .build()
        .unwrap()
}

fn thread_json() -> String {
    json!({
        "thread_id": THREAD, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        "state_updated_at": "2026-01-01T00:00:00Z", "metadata": {}, "status": "idle", "values": null, "interrupts": {}
    })
    .to_string()
}

#[tokio::test]
async fn a_get_is_retried_through_two_503s_and_succeeds() {
    let mock = Mock::start(vec![
        Reply::json(503, r#"{"detail": "busy"}"#),
        Reply::json(503, r#"{"detail": "busy"}"#),
        Reply::json(200, &thread_json()),
    ])
    .await;
    let thread = client(&mock.url).threads().get(THREAD).await.unwrap();
    assert_eq!(thread.thread_id.to_string(), THREAD);
    let seen = mock.seen();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(
        seen.iter()
            .all(|s| s.line == format!("GET /threads/{THREAD}"))
    );
}

#[tokio::test]
async fn a_run_creating_post_is_not_resent_after_a_503() {
    let mock = Mock::start(vec![
        Reply::json(503, r#"{"detail": "overloaded"}"#),
        Reply::json(200, "{}"),
    ])
    .await;
    let err = client(&mock.url)
        .runs()
        .create(THREAD, "agent")
        .input(json!({"x": 1}))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err}");
    assert_eq!(err.api().unwrap().kind, ErrorKind::Server);
    assert_eq!(
        mock.seen().len(),
        1,
        "the request reached the server once and is not sent again"
    );

    // Nor is `wait`, after the server dropped the connection without answering.
    let mock = Mock::start(vec![Reply::Hangup, Reply::json(200, "{}")]).await;
    let err = client(&mock.url)
        .runs()
        .wait(THREAD, "agent")
        .await
        .unwrap_err();
    assert!(err.is_transport(), "{err}");
    assert!(
        err.to_string().contains("closed"),
        "the message says what went wrong, not only reqwest's \"error sending request\": {err}"
    );
    assert_eq!(mock.seen().len(), 1);
}

#[tokio::test]
async fn a_get_whose_connection_drops_unanswered_is_sent_again() {
    let mock = Mock::start(vec![Reply::Hangup, Reply::json(200, &thread_json())]).await;
    let thread = client(&mock.url).threads().get(THREAD).await.unwrap();
    assert_eq!(thread.thread_id.to_string(), THREAD);
    assert_eq!(mock.seen().len(), 2);
}

#[tokio::test]
async fn a_read_only_post_is_retried() {
    let mock = Mock::start(vec![
        Reply::json(502, "bad gateway"),
        Reply::json(200, &format!("[{}]", thread_json())),
    ])
    .await;
    let page = client(&mock.url).threads().search().await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(mock.seen().len(), 2);
}

#[tokio::test]
async fn retry_after_is_honoured_and_a_long_one_is_not_waited_for() {
    let busy =
        |after: &str| Reply::Respond(429, vec![("retry-after", after.to_string())], "{}".into());
    let mock = Mock::start(vec![busy("1"), Reply::json(200, &thread_json())]).await;
    let started = Instant::now();
    let patient = Client::builder()
        .url(&mock.url)
        .retry(RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_secs(2),
        })
        .build()
        .unwrap();
    patient.threads().get(THREAD).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited as asked: {:?}",
        started.elapsed()
    );
    assert_eq!(mock.seen().len(), 2);

    // Longer than the policy's max_backoff (200 ms): the 429 is returned instead.
    let mock = Mock::start(vec![busy("3600"), Reply::json(200, &thread_json())]).await;
    let err = client(&mock.url).threads().get(THREAD).await.unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    assert_eq!(mock.seen().len(), 1);
}

#[tokio::test]
async fn a_failed_connect_is_retried_even_for_a_post() {
    // Reserve a port, free it, and start listening there only after the first attempts failed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let run = json!({
        "run_id": "1f0e0d0c-0b0a-0908-0706-050403020100", "thread_id": THREAD,
        "assistant_id": "2f0e0d0c-0b0a-0908-0706-050403020100", "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z", "status": "pending", "metadata": {}, "kwargs": {},
        "multitask_strategy": "reject"
    });
    let late = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(60)).await;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        Mock::serve(listener, vec![Reply::json(200, &run.to_string())])
    });
    let client = Client::builder()
        .url(&url)
        .retry(RetryPolicy {
            max_retries: 8,
            initial_backoff: Duration::from_millis(40),
            max_backoff: Duration::from_millis(200),
        })
        .build()
        .unwrap();
    let created = client.runs().create(THREAD, "agent").await.unwrap();
    assert_eq!(created.thread_id.to_string(), THREAD);
    assert_eq!(
        late.await.unwrap().seen().len(),
        1,
        "sent once, when the server was there"
    );
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let mock = Mock::start(vec![
        Reply::json(503, "{}"),
        Reply::json(200, &thread_json()),
    ])
    .await;
    let client = Client::builder()
        .url(&mock.url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert!(client.threads().get(THREAD).await.is_err());
    assert_eq!(mock.seen().len(), 1);
}

#[tokio::test]
async fn errors_carry_status_message_request_id_and_body() {
    let html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let mock = Mock::start(vec![
        Reply::Respond(
            404,
            vec![
                ("x-request-id", "req-42".into()),
                ("content-type", "application/json".into()),
            ],
            r#"{"detail": "Thread not found"}"#.into(),
        ),
        Reply::Respond(502, vec![("content-type", "text/html".into())], html.into()),
    ])
    .await;
    let client = Client::builder()
        .url(&mock.url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.threads().get(THREAD).await.unwrap_err();
    let api = err.api().unwrap();
    assert!(err.is_not_found());
    assert_eq!(api.message, "Thread not found");
    assert_eq!(api.request_id.as_deref(), Some("req-42"));
    assert_eq!(api.body, Some(json!({"detail": "Thread not found"})));
    let err = client.threads().get(THREAD).await.unwrap_err();
    assert_eq!(err.api().unwrap().message, "502 Bad Gateway");
    assert_eq!(err.api().unwrap().kind, ErrorKind::Server);
}

#[tokio::test]
async fn a_malformed_answer_is_a_decode_error_naming_the_operation() {
    let mock = Mock::start(vec![Reply::json(200, r#"{"thread_id": 42}"#)]).await;
    let err = client(&mock.url).threads().get(THREAD).await.unwrap_err();
    match err {
        Error::Decode {
            operation, snippet, ..
        } => {
            assert_eq!(operation, "get_thread");
            assert!(snippet.contains("\"thread_id\": 42"), "{snippet}");
        }
        other => panic!("expected a decode error, got {other}"),
    }
}

#[tokio::test]
async fn the_key_travels_as_x_api_key_with_our_user_agent() {
    let mock = Mock::start(vec![Reply::json(200, &thread_json())]).await;
    client(&mock.url).threads().get(THREAD).await.unwrap();
    let headers = &mock.seen()[0].headers;
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("x-api-key"), Some("test-key"));
    assert!(
        get("user-agent")
            .unwrap()
            .starts_with("langgraph-sdk-rust/")
    );
    assert_eq!(get("authorization"), None);
}

#[tokio::test]
async fn a_wait_whose_connection_drops_is_joined_with_get() {
    // The server answers the POST with its Location and starts the body, then the connection
    // dies; the result is fetched from the Location with a GET, the run is not re-created.
    let location = format!("/threads/{THREAD}/runs/r1/join");
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nlocation: {location}\r\ntransfer-encoding: chunked\r\n\r\n2\r\n\n\n\r\n"
    );
    let mock = Mock::start(vec![
        Reply::Raw(head.into_bytes()),
        Reply::json(200, r#"{"echo": "hi"}"#),
    ])
    .await;
    let out: serde_json::Value = client(&mock.url)
        .runs()
        .wait(THREAD, "echo")
        .input(json!({"text": "hi"}))
        .await
        .unwrap();
    assert_eq!(out, json!({"echo": "hi"}));
    let lines: Vec<String> = mock.seen().into_iter().map(|s| s.line).collect();
    assert_eq!(
        lines,
        vec![
            format!("POST /threads/{THREAD}/runs/wait"),
            format!("GET {location}")
        ]
    );
}

#[tokio::test]
async fn an_event_larger_than_the_limit_is_a_typed_error() {
    use futures_util::TryStreamExt;
    let big = "x".repeat(10_000);
    let body = format!(
        "event: values\r\ndata: {{\"a\": 1}}\r\n\r\nevent: values\r\ndata: {{\"a\": \"{big}\"}}\r\n\r\n"
    );
    let mock = Mock::start(vec![Reply::Respond(
        200,
        vec![("content-type", "text/event-stream".into())],
        body,
    )])
    .await;
    let client = Client::builder()
        .url(&mock.url)
        .max_event_size(4096)
        .build()
        .unwrap();
    let mut stream = client.runs().stream_stateless("agent").await.unwrap();
    let first = stream.try_next().await.unwrap().unwrap();
    assert!(
        matches!(first.part, StreamPart::Values { ref values, .. } if values["a"] == 1),
        "the event before the large one is delivered: {first:?}"
    );
    let err = stream.try_next().await.unwrap_err();
    assert!(
        matches!(err, Error::EventTooLarge { limit: 4096, .. }),
        "{err}"
    );
    assert!(
        stream.try_next().await.unwrap().is_none(),
        "the stream ends"
    );
}

#[tokio::test]
async fn the_last_event_id_is_that_of_the_last_event_handed_out() {
    use futures_util::TryStreamExt;
    // Three events in one read: the stream decodes all three before handing out the first.
    let body = "id: 1-0\r\nevent: custom\r\ndata: 1\r\n\r\nid: 2-0\r\nevent: custom\r\ndata: 2\r\n\r\nid: 3-0\r\nevent: custom\r\ndata: 3\r\n\r\n";
    let mock = Mock::start(vec![Reply::Respond(
        200,
        vec![("content-type", "text/event-stream".into())],
        body.into(),
    )])
    .await;
    let mut stream = client(&mock.url)
        .runs()
        .stream_stateless("agent")
        .await
        .unwrap();
    assert_eq!(stream.last_event_id(), None);
    for expected in ["1-0", "2-0", "3-0"] {
        let event = stream.try_next().await.unwrap().unwrap();
        assert_eq!(event.id.as_deref(), Some(expected));
        assert_eq!(
            stream.last_event_id().as_deref(),
            Some(expected),
            "a rejoin from here must not skip what the caller has not seen"
        );
    }
    assert!(stream.try_next().await.unwrap().is_none());
}
