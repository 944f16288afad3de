//! Event streams: an answer that is not `text/event-stream` is an error, never an empty run;
//! floods, endless lines, invalid UTF-8, forged ids and stalls end in typed errors or are
//! delivered whole.

use std::{
    sync::{Arc, atomic::AtomicUsize},
    time::{Duration, Instant},
};

use futures_util::{TryStreamExt, future::BoxFuture};
use langgraph_sdk::{Client, Error, Result, stream::StreamPart};
use serde_json::json;

use crate::common::mock::{Mock, Reply};
use crate::{
    RUN, THREAD, client, header, lines, open_resumable, resumable_start, run_json, sse,
    stateless_parts,
};

crate::cases!(
    a_200_that_is_not_an_event_stream_is_an_error,
    every_stream_opener_checks_the_content_type,
    a_long_non_stream_answer_is_excerpted,
    event_stream_types_are_matched_loosely,
    a_resume_answered_with_a_login_page_ends_with_that_error,
    a_flood_of_tiny_events_arrives_whole_and_in_order,
    an_endless_line_is_cut_at_the_event_limit,
    invalid_utf8_in_events_is_an_error_not_a_panic,
    event_ids_cannot_inject_headers,
    a_slow_stream_is_delivered_and_a_stalled_one_gives_up,
);

/// Opens a run stream and reads it to the end.
async fn collect(client: &Client) -> Result<Vec<StreamPart>> {
    let stream = client
        .runs()
        .stream(THREAD, "agent")
        .input(json!({"x": 1}))
        .await?;
    stream.map_ok(|e| e.part).try_collect().await
}

async fn a_200_that_is_not_an_event_stream_is_an_error() {
    let answers: [(Option<&str>, &str); 6] = [
        (Some("application/json"), r#"{"detail": "please log in"}"#),
        (
            Some("text/html; charset=utf-8"),
            "<html><title>Sign in</title><body>please log in</body></html>",
        ),
        (None, ""),
        (Some("text/plain"), "event: end\ndata: null\n\n"),
        (Some("text/event-streamx"), "event: end\ndata: null\n\n"),
        (Some(""), "please log in"),
    ];
    for (content_type, body) in answers {
        let headers = content_type
            .map(|t| vec![("content-type", t.to_string())])
            .unwrap_or_default();
        let mock = Mock::start(vec![Reply::Respond(200, headers, body.into())]).await;
        let err = collect(&client(&mock.url)).await.unwrap_err();
        match &err {
            Error::NotEventStream {
                operation,
                status,
                content_type: got,
                excerpt,
            } => {
                assert_eq!(*operation, "stream_run");
                assert_eq!(status.as_u16(), 200);
                assert_eq!(got.as_deref(), content_type, "{err}");
                // Control characters are shown escaped.
                assert_eq!(*excerpt, body.replace('\n', "\\n"), "{err}");
            }
            other => panic!("{content_type:?}: expected NotEventStream, got {other:?}"),
        }
        assert_eq!(mock.seen().len(), 1, "not retried");
    }
}

async fn every_stream_opener_checks_the_content_type() {
    type Open = fn(Client) -> BoxFuture<'static, Result<()>>;
    let openers: [(&str, Open); 4] = [
        ("stream_stateless_run", |c| {
            Box::pin(async move { c.runs().stream_stateless("agent").await.map(drop) })
        }),
        ("join_run_stream", |c| {
            Box::pin(async move { c.runs().join_stream(THREAD, RUN).await.map(drop) })
        }),
        ("join_thread_stream", |c| {
            Box::pin(async move { c.threads().join_stream(THREAD).await.map(drop) })
        }),
        ("stream_run", |c| {
            Box::pin(async move { c.runs().stream(THREAD, "agent").await.map(drop) })
        }),
    ];
    for (operation, open) in openers {
        let mock = Mock::start(vec![Reply::json(200, r#"{"detail": "please log in"}"#)]).await;
        let err = open(client(&mock.url)).await.unwrap_err();
        assert!(
            matches!(err, Error::NotEventStream { operation: op, .. } if op == operation),
            "{operation}: {err:?}"
        );
        assert!(err.to_string().contains("please log in"), "{err}");
    }
}

async fn a_long_non_stream_answer_is_excerpted() {
    let page = format!("<html>{}</html>", "x".repeat(5 << 20));
    let mock = Mock::start(vec![Reply::Respond(
        200,
        vec![("content-type", "text/html".into())],
        page,
    )])
    .await;
    let err = collect(&client(&mock.url)).await.unwrap_err();
    let Error::NotEventStream { excerpt, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(excerpt.starts_with("<html>xxx") && excerpt.ends_with('…'));
    assert!(excerpt.len() <= 1024 + 3, "{}", excerpt.len());
    assert!(err.to_string().len() < 1200, "{}", err.to_string().len());
}

async fn event_stream_types_are_matched_loosely() {
    for content_type in [
        "text/event-stream",
        "Text/Event-Stream; charset=utf-8",
        " text/event-stream ;charset=UTF-8",
    ] {
        let mock = Mock::start(vec![Reply::Respond(
            200,
            vec![("content-type", content_type.into())],
            "event: custom\ndata: 1\n\nevent: end\ndata: null\n\n".into(),
        )])
        .await;
        let parts = collect(&client(&mock.url)).await.unwrap();
        assert!(
            matches!(parts.as_slice(), [StreamPart::Custom(v), StreamPart::End] if *v == json!(1)),
            "{content_type}: {parts:?}"
        );
    }
}

fn stream_path() -> String {
    format!("/threads/{THREAD}/runs/{RUN}/stream")
}

async fn a_resume_answered_with_a_login_page_ends_with_that_error() {
    let mock = Mock::start(vec![
        resumable_start(&stream_path(), "id: 1-0\nevent: custom\ndata: 1\n\n"),
        Reply::json(200, &run_json("running")),
        Reply::Respond(
            200,
            vec![("content-type", "text/html".into())],
            "<title>Sign in</title>".into(),
        ),
        crate::sse(&[], "event: end\ndata: null\n\n"),
    ])
    .await;
    let mut stream = open_resumable(&client(&mock.url)).await;
    stream.try_next().await.unwrap().unwrap();
    let err = stream.try_next().await.unwrap_err();
    assert!(matches!(err, Error::NotEventStream { .. }), "{err:?}");
    assert_eq!(mock.seen().len(), 3, "{:?}", lines(&mock.seen()));
    assert!(stream.try_next().await.unwrap().is_none());
}

async fn a_flood_of_tiny_events_arrives_whole_and_in_order() {
    const EVENTS: usize = 100_000;
    let mut body = String::with_capacity(EVENTS * 40);
    for i in 0..EVENTS {
        body.push_str(&format!("id: {i}-0\nevent: custom\ndata: {i}\n\n"));
    }
    body.push_str("event: end\ndata: null\n\n");
    let mock = Mock::start(vec![sse(&[], &body)]).await;
    let parts = collect(&client(&mock.url)).await.unwrap();
    assert_eq!(parts.len(), EVENTS + 1);
    for (i, part) in parts[..EVENTS].iter().enumerate() {
        assert!(
            matches!(part, StreamPart::Custom(v) if *v == json!(i)),
            "{i}: {part:?}"
        );
    }
}

async fn an_endless_line_is_cut_at_the_event_limit() {
    for fill in [b':', b'x'] {
        let sent = Arc::new(AtomicUsize::new(0));
        let prefix = if fill == b'x' { "data: " } else { "" };
        let mock = Mock::start(vec![Reply::Flood {
            head: format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n{prefix}"
            ),
            fill,
            bytes: 256 << 20,
            sent: sent.clone(),
        }])
        .await;
        let client = Client::builder()
            .url(&mock.url)
            .max_event_size(64 << 10)
            .build()
            .unwrap();
        let err = stateless_parts(&client).await.unwrap_err();
        assert!(
            matches!(err, Error::EventTooLarge { limit, .. } if limit == 64 << 10),
            "{err:?}"
        );
        // The client stopped reading: the server could not write the whole line.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let sent = sent.load(std::sync::atomic::Ordering::Relaxed);
        assert!(sent < 64 << 20, "{} bytes went out", sent);
    }
}

async fn invalid_utf8_in_events_is_an_error_not_a_panic() {
    let bodies: [&[u8]; 3] = [
        b"event: custom\ndata: \"\xff\xfe\"\n\n",
        b"event: values\ndata: {\"a\": \"\xc3\x28\"}\n\n",
        b"event: \xff\xfe\ndata: 1\n\nevent: end\ndata: null\n\n",
    ];
    for body in bodies {
        let mut reply =
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"
                .to_vec();
        reply.extend_from_slice(body);
        let mock = Mock::start(vec![Reply::Raw(reply)]).await;
        let result = collect(&client(&mock.url)).await;
        match (body.starts_with(b"event: \xff"), result) {
            // An unknown event name is delivered as it is; the stream goes on.
            (true, Ok(parts)) => assert_eq!(parts.len(), 2, "{parts:?}"),
            (false, Err(Error::Decode { .. })) => {}
            (_, other) => panic!("{}: {other:?}", String::from_utf8_lossy(body)),
        }
    }
}

async fn event_ids_cannot_inject_headers() {
    // A CR ends the `id` line: `x-evil: yes` is a field of its own, which SSE ignores.
    let mock = Mock::start(vec![
        resumable_start(&stream_path(), "id: 1-0\rx-evil: yes\nevent: custom\ndata: 1\n\nid: 2-\u{0}0\nevent: custom\ndata: 2\n\n"),
        Reply::json(200, &run_json("running")),
        sse(&[], "event: end\ndata: null\n\n"),
        Reply::json(200, &run_json("success")),
    ])
    .await;
    let stream = open_resumable(&client(&mock.url)).await;
    let parts: Vec<StreamPart> = stream.map_ok(|e| e.part).try_collect().await.unwrap();
    assert!(matches!(parts.last(), Some(StreamPart::End)), "{parts:?}");
    let seen = mock.seen();
    assert!(seen.len() >= 3, "{:?}", lines(&seen));
    for request in &seen {
        assert_eq!(header(request, "x-evil"), None, "{request:?}");
        if let Some(id) = header(request, "last-event-id") {
            assert!(!id.contains(['\r', '\n', '\0']), "{id:?}");
        }
    }
    assert_eq!(
        seen[2].line,
        format!("GET /threads/{THREAD}/runs/{RUN}/stream")
    );
}

async fn a_slow_stream_is_delivered_and_a_stalled_one_gives_up() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
    let events: Vec<Vec<u8>> = (0..5)
        .map(|i| format!("event: custom\ndata: {i}\n\n").into_bytes())
        .chain([b"event: end\ndata: null\n\n".to_vec()])
        .collect();
    let mock = Mock::start(vec![Reply::Drip {
        head: head.into(),
        chunks: events,
        every: Duration::from_millis(50),
    }])
    .await;
    let client = Client::builder()
        .url(&mock.url)
        .read_timeout(Some(Duration::from_millis(500)))
        .build()
        .unwrap();
    let parts = stateless_parts(&client).await.unwrap();
    assert_eq!(parts.len(), 6, "{parts:?}");

    // One event, then nothing for longer than the read timeout.
    let mock = Mock::start(vec![Reply::Drip {
        head: head.into(),
        chunks: vec![
            b"event: custom\ndata: 0\n\n".to_vec(),
            b"event: end\ndata: null\n\n".to_vec(),
        ],
        every: Duration::from_secs(3),
    }])
    .await;
    let client = Client::builder()
        .url(&mock.url)
        .read_timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = stateless_parts(&client).await.unwrap_err();
    assert!(
        matches!(&err, Error::StreamLost { reason, .. } if reason.contains("read timeout")),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
}
