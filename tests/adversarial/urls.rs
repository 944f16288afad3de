//! Base URLs and headers: what would mangle every request is refused at `build()`, a path
//! prefix is kept whole, and nothing a caller passes can add a header line.

use langgraph_sdk::{Client, Error};

use crate::common::mock::{Mock, Reply};
use crate::{THREAD, client, header, lines, thread_json};

crate::cases!(
    base_urls_that_mangle_paths_are_refused,
    a_path_prefix_is_kept_whole,
    headers_cannot_be_injected,
);

async fn base_urls_that_mangle_paths_are_refused() {
    for url in [
        "http://127.0.0.1:1/?tenant=1",
        "http://127.0.0.1:1/prefix?",
        "http://127.0.0.1:1/#x",
        "http://127.0.0.1:1/p#",
        "http://user:pw-secret@127.0.0.1:1/?token=tok-secret",
        "http://127.0.0.1:99999",
        "http://",
        "localhost:8123",
        "file:///tmp/socket",
        "unix:///var/run/x.sock",
        "http://user:pw-secret@",
    ] {
        match Client::builder().url(url).no_api_key().build() {
            Err(Error::Config(message)) => {
                assert!(!message.contains("pw-secret"), "{message}");
                assert!(!message.contains("tok-secret"), "{message}");
            }
            other => panic!("{url}: expected Error::Config, got {other:?}"),
        }
    }
}

async fn a_path_prefix_is_kept_whole() {
    let mock = Mock::start(vec![Reply::json(200, &thread_json()); 3]).await;
    for prefix in ["/deployments/a", "/deployments/a/", "/deployments/a//"] {
        client(&format!("{}{prefix}", mock.url))
            .threads()
            .get(THREAD)
            .await
            .unwrap();
    }
    assert_eq!(
        lines(&mock.seen()),
        vec![format!("GET /deployments/a/threads/{THREAD}"); 3]
    );
}

async fn headers_cannot_be_injected() {
    for (name, value) in [
        ("x-user", "u1\r\nx-evil: 1"),
        ("x-user\r\nx-evil", "1"),
        ("x-user", "u1\nx-evil: 1"),
    ] {
        let err = Client::builder()
            .url("http://127.0.0.1:1")
            .header(name, value)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
    }
    let mock = Mock::start(vec![Reply::json(200, "{}"); 2]).await;
    let client = client(&mock.url);
    let err = client
        .runs()
        .join_stream(THREAD, crate::RUN)
        .last_event_id("1-0\r\nx-evil: 1")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    assert!(
        Client::builder()
            .url("http://127.0.0.1:1")
            .api_key("key\r\nx-evil: 1")
            .build()
            .is_err()
    );
    assert!(
        mock.seen().iter().all(|s| header(s, "x-evil").is_none()),
        "{:?}",
        mock.seen()
    );
}
