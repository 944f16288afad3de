//! Bodies: what a server sends cannot make the client allocate without bound, flood an error
//! message or a log line, or hang it forever; broken bodies are typed errors.

use std::{
    sync::{Arc, atomic::AtomicUsize},
    time::{Duration, Instant},
};

use langgraph_sdk::{Client, Error, RetryPolicy};
use serde_json::json;

use crate::common::mock::{Mock, Reply};
use crate::{THREAD, lines, raw, thread_json};

crate::cases!(
    a_huge_error_message_is_capped,
    control_characters_cannot_forge_log_lines,
    a_body_past_the_limit_is_refused,
    the_default_limit_stops_a_200_mib_body,
    the_raw_client_reads_within_the_limit,
    an_oversized_wait_result_is_not_fetched_again,
    a_truncated_body_is_a_transport_error,
    invalid_utf8_bodies_are_decode_errors,
    a_slow_drip_is_bounded_by_the_timeouts,
);

fn quiet(url: &str) -> Client {
    Client::builder()
        .url(url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

fn limited(url: &str, bytes: usize) -> Client {
    Client::builder()
        .url(url)
        .retry(RetryPolicy::none())
        .max_body_size(bytes)
        .build()
        .unwrap()
}

async fn a_huge_error_message_is_capped() {
    let ten_mib = "d".repeat(10 << 20);
    let title_page = format!("<html><title>{}</title></html>", "t".repeat(1 << 20));
    let mock = Mock::start(vec![
        Reply::Respond(
            500,
            vec![
                ("content-type", "application/json".into()),
                ("x-request-id", "r".repeat(16 << 10)),
            ],
            json!({ "detail": ten_mib }).to_string(),
        ),
        Reply::Respond(502, vec![("content-type", "text/html".into())], title_page),
        Reply::Respond(500, vec![], "p".repeat(3 << 20)),
    ])
    .await;
    let client = quiet(&mock.url);
    for what in ["json detail", "html title", "plain text"] {
        let err = client.threads().get(THREAD).await.unwrap_err();
        let shown = err.to_string();
        assert!(shown.len() < 2400, "{what}: {} bytes", shown.len());
        let api = err.api().unwrap();
        assert!(
            api.message.len() <= 1024 + 3,
            "{what}: {}",
            api.message.len()
        );
        assert!(api.message.ends_with('…'), "{what}");
        let kept = serde_json::to_string(&api.body).unwrap().len();
        assert!(kept <= (64 << 10) + 16, "{what}: {kept} bytes of body kept");
        if what == "json detail" {
            assert!(api.request_id.as_ref().unwrap().len() <= 1024 + 3);
        }
    }
}

async fn control_characters_cannot_forge_log_lines() {
    let forged = "denied\n2026-01-01T00:00:00Z INFO login ok user=admin\u{1b}[2K\r\u{7}";
    let mock = Mock::start(vec![
        Reply::json(403, &json!({ "detail": forged }).to_string()),
        Reply::json(
            200,
            &json!({"__error__": {"error": "Value\nError", "message": forged}}).to_string(),
        ),
    ])
    .await;
    let client = quiet(&mock.url);
    let api = client.threads().get(THREAD).await.unwrap_err();
    let run = client
        .runs()
        .wait(THREAD, "agent")
        .await
        .map(|_: serde_json::Value| ())
        .unwrap_err();
    for err in [api, run] {
        let shown = err.to_string();
        assert!(
            !shown.contains(['\n', '\r', '\u{1b}', '\u{7}']),
            "control characters reach the message: {shown:?}"
        );
        assert!(shown.contains("denied\\n2026"), "{shown}");
    }
}

async fn a_body_past_the_limit_is_refused() {
    let limit = 1 << 20;
    // Declared too large, streamed without a length, and just within the limit.
    let padded = format!(
        "{}{}",
        thread_json(),
        " ".repeat(limit - thread_json().len())
    );
    let sent = Arc::new(AtomicUsize::new(0));
    let mock = Mock::start(vec![
        Reply::json(200, &"x".repeat(2 << 20)),
        Reply::Flood {
            head: "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n["
                .into(),
            fill: b' ',
            bytes: 2 << 20,
            sent: sent.clone(),
        },
        Reply::json(200, &padded),
    ])
    .await;
    let client = limited(&mock.url, limit);
    for _ in 0..2 {
        let err = client.threads().get(THREAD).await.unwrap_err();
        assert!(
            matches!(err, Error::BodyTooLarge { operation: "get_thread", limit: l } if l == limit),
            "{err:?}"
        );
        assert!(
            err.to_string().contains("larger than 1048576 bytes"),
            "{err}"
        );
    }
    client.threads().get(THREAD).await.unwrap();
}

async fn the_default_limit_stops_a_200_mib_body() {
    const BYTES: usize = 200 << 20;
    let declared = Arc::new(AtomicUsize::new(0));
    let undeclared = Arc::new(AtomicUsize::new(0));
    let mock = Mock::start(vec![
        Reply::Flood {
            head: format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n[",
                BYTES + 1
            ),
            fill: b' ',
            bytes: BYTES,
            sent: declared.clone(),
        },
        Reply::Flood {
            head: "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n["
                .into(),
            fill: b' ',
            bytes: BYTES,
            sent: undeclared.clone(),
        },
    ])
    .await;
    let client = quiet(&mock.url);
    for sent in [&declared, &undeclared] {
        let err = client.threads().search().await.unwrap_err();
        assert!(
            matches!(err, Error::BodyTooLarge { limit, .. } if limit == 64 << 20),
            "{err:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        let sent = sent.load(std::sync::atomic::Ordering::Relaxed);
        assert!(
            sent < 100 << 20,
            "the client read on: {sent} bytes went out"
        );
    }
    assert_eq!(mock.seen().len(), 2);
}

async fn the_raw_client_reads_within_the_limit() {
    let mock = Mock::start(vec![Reply::json(200, &"x".repeat(2 << 20))]).await;
    let client = limited(&mock.url, 1 << 20);
    let err = crate::raw_get_thread(&client).await.unwrap_err();
    let chain = crate::chain(&err);
    assert!(chain.contains("larger than 1048576 bytes"), "{chain}");
}

async fn an_oversized_wait_result_is_not_fetched_again() {
    let mock = Mock::start(vec![
        Reply::Respond(
            200,
            vec![
                ("content-type", "application/json".into()),
                ("location", format!("/threads/{THREAD}/runs/r1/join")),
            ],
            format!("{{\"x\": \"{}\"}}", "x".repeat(2 << 20)),
        ),
        Reply::json(200, "{}"),
    ])
    .await;
    let err = limited(&mock.url, 1 << 20)
        .runs()
        .wait(THREAD, "agent")
        .await
        .map(|_: serde_json::Value| ())
        .unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");
    assert_eq!(
        lines(&mock.seen()),
        vec![format!("POST /threads/{THREAD}/runs/wait")]
    );
}

async fn a_truncated_body_is_a_transport_error() {
    let mut chunked =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_vec();
    chunked.extend_from_slice(b"10\r\n{\"thread_id\": \"0\r\n");
    let mut short =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n"
            .to_vec();
    short.extend_from_slice(&thread_json().as_bytes()[..40]);
    for reply in [short, chunked] {
        let mock = Mock::start(vec![Reply::Raw(reply)]).await;
        let err = quiet(&mock.url).threads().get(THREAD).await.unwrap_err();
        assert!(err.is_transport(), "{err:?}");
    }
}

async fn invalid_utf8_bodies_are_decode_errors() {
    let mock = Mock::start(vec![
        raw(
            200,
            &["content-type: application/json"],
            b"{\"thread_id\": \"\xff\xfe\"}",
        ),
        raw(
            404,
            &["content-type: application/json"],
            b"{\"detail\": \"no \xff such\"}",
        ),
        raw(
            200,
            &["content-type: application/json"],
            b"\xef\xbb\xbf\xff",
        ),
    ])
    .await;
    let client = quiet(&mock.url);
    let err = client.threads().get(THREAD).await.unwrap_err();
    assert!(
        matches!(&err, Error::Decode { snippet, .. } if snippet.contains('\u{FFFD}')),
        "{err:?}"
    );
    let err = client.threads().get(THREAD).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert!(
        err.api().unwrap().message.contains("no \u{FFFD} such"),
        "{err}"
    );
    let err = client.threads().get(THREAD).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

async fn a_slow_drip_is_bounded_by_the_timeouts() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n";
    let drip = |every: Duration| Reply::Drip {
        head: head.into(),
        chunks: vec![b" ".to_vec(); 1000],
        every,
    };
    // Never silent for long, but never done: the whole-request timeout ends it.
    let mock = Mock::start(vec![drip(Duration::from_millis(20))]).await;
    times_out(
        Client::builder().timeout(Some(Duration::from_millis(400))),
        &mock.url,
    )
    .await;
    // Silent for longer than the read timeout.
    let mock = Mock::start(vec![drip(Duration::from_secs(5))]).await;
    times_out(
        Client::builder().read_timeout(Some(Duration::from_millis(300))),
        &mock.url,
    )
    .await;
}

/// A `get` through `builder` gives up with a timeout, and soon.
async fn times_out(builder: langgraph_sdk::ClientBuilder, url: &str) {
    let client = builder.url(url).retry(RetryPolicy::none()).build().unwrap();
    let started = Instant::now();
    let err = client.threads().get(THREAD).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}
