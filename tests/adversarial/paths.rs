//! Path ids: an id is one path segment of its own operation. `.`, `..` and empty ids are
//! refused before anything is sent (URL parsing would climb out of the template, `%2E%2E`
//! included); everything else is encoded into one segment. Checked on the URL the server
//! received, not on an encoded string.

use futures_util::future::BoxFuture;
use langgraph_sdk::{Client, Error, Result};

use crate::common::mock::{Mock, Reply};
use crate::{ASSISTANT, THREAD, client, lines};

crate::cases!(
    dot_and_empty_ids_never_leave_the_client,
    odd_ids_stay_inside_their_segment,
    the_raw_client_checks_ids_too,
);

type Call = Box<dyn Fn(Client, &'static str) -> BoxFuture<'static, Result<()>> + Send + Sync>;

/// Every operation of the ergonomic layer that takes an id in its path, with the id in
/// each position.
fn calls() -> Vec<(&'static str, Call)> {
    fn call<F>(f: F) -> Call
    where
        F: Fn(Client, &'static str) -> BoxFuture<'static, Result<()>> + Send + Sync + 'static,
    {
        Box::new(f)
    }
    vec![
        (
            "threads.get",
            call(|c, id| Box::pin(async move { c.threads().get(id).await.map(drop) })),
        ),
        (
            "threads.delete",
            call(|c, id| Box::pin(async move { c.threads().delete(id).await })),
        ),
        (
            "threads.update",
            call(|c, id| Box::pin(async move { c.threads().update(id).await.map(drop) })),
        ),
        (
            "threads.get_state",
            call(|c, id| Box::pin(async move { c.threads().get_state(id).await.map(drop) })),
        ),
        (
            "threads.get_history",
            call(|c, id| Box::pin(async move { c.threads().get_history(id).await.map(drop) })),
        ),
        (
            "threads.copy",
            call(|c, id| Box::pin(async move { c.threads().copy(id).await.map(drop) })),
        ),
        (
            "threads.join_stream",
            call(|c, id| Box::pin(async move { c.threads().join_stream(id).await.map(drop) })),
        ),
        (
            "runs.create",
            call(|c, id| Box::pin(async move { c.runs().create(id, "agent").await.map(drop) })),
        ),
        (
            "runs.wait",
            call(|c, id| Box::pin(async move { c.runs().wait(id, "agent").await.map(drop) })),
        ),
        (
            "runs.stream",
            call(|c, id| Box::pin(async move { c.runs().stream(id, "agent").await.map(drop) })),
        ),
        (
            "runs.list",
            call(|c, id| Box::pin(async move { c.runs().list(id).await.map(drop) })),
        ),
        (
            "runs.get (thread)",
            call(|c, id| Box::pin(async move { c.runs().get(id, THREAD).await.map(drop) })),
        ),
        (
            "runs.get (run)",
            call(|c, id| Box::pin(async move { c.runs().get(THREAD, id).await.map(drop) })),
        ),
        (
            "runs.delete",
            call(|c, id| Box::pin(async move { c.runs().delete(THREAD, id).await })),
        ),
        (
            "runs.join",
            call(|c, id| Box::pin(async move { c.runs().join(THREAD, id).await.map(drop) })),
        ),
        (
            "runs.join_stream",
            call(|c, id| Box::pin(async move { c.runs().join_stream(THREAD, id).await.map(drop) })),
        ),
        (
            "runs.cancel",
            call(|c, id| Box::pin(async move { c.runs().cancel(THREAD, id).await.map(drop) })),
        ),
        (
            "crons.get",
            call(|c, id| Box::pin(async move { c.crons().get(id).await.map(drop) })),
        ),
        (
            "crons.delete",
            call(|c, id| Box::pin(async move { c.crons().delete(id).await })),
        ),
        (
            "assistants.get",
            call(|c, id| Box::pin(async move { c.assistants().get(id).await.map(drop) })),
        ),
        (
            "assistants.delete",
            call(|c, id| Box::pin(async move { c.assistants().delete(id).await.map(drop) })),
        ),
        (
            "assistants.get_schemas",
            call(|c, id| Box::pin(async move { c.assistants().get_schemas(id).await.map(drop) })),
        ),
        (
            "assistants.get_subgraphs (namespace)",
            call(|c, id| {
                Box::pin(async move {
                    c.assistants()
                        .get_subgraphs(ASSISTANT)
                        .namespace(id)
                        .await
                        .map(drop)
                })
            }),
        ),
    ]
}

async fn dot_and_empty_ids_never_leave_the_client() {
    // The server answers anything: without the check, these calls reach other endpoints
    // (`threads.get("..")` is `GET /`, `runs.create("..")` a stateless run).
    let mock = Mock::start(vec![Reply::json(200, "{}"); 200]).await;
    let client = client(&mock.url);
    let mut refused = 0;
    for (name, call) in calls() {
        for id in ["..", ".", ""] {
            match call(client.clone(), id).await {
                Err(Error::InvalidInput(message)) => {
                    assert!(
                        message.contains("another endpoint"),
                        "{name}({id:?}): {message}"
                    );
                    refused += 1;
                }
                other => panic!("{name}({id:?}): expected InvalidInput, got {other:?}"),
            }
        }
    }
    assert_eq!(refused, calls().len() * 3);
    assert!(mock.seen().is_empty(), "sent: {:?}", lines(&mock.seen()));
}

async fn odd_ids_stay_inside_their_segment() {
    let cases = [
        ("%2E%2E", "%252E%252E"),
        (".%2e", ".%252e"),
        ("...", "..."),
        ("a/../..", "a%2F..%2F.."),
        ("..\\..", "..%5C.."),
        ("?x=1#f", "%3Fx%3D1%23f"),
        (". .", ".%20."),
        ("\u{FF0E}\u{FF0E}", "%EF%BC%8E%EF%BC%8E"),
        ("..;", "..%3B"),
        ("\r\nx-evil: 1", "%0D%0Ax-evil%3A%201"),
    ];
    let mock = Mock::start(vec![
        Reply::json(404, r#"{"detail": "Thread not found"}"#);
        10
    ])
    .await;
    let client = client(&mock.url);
    for (id, _) in cases {
        let err = client.threads().get(id).await.unwrap_err();
        assert!(err.is_not_found(), "{id:?}: {err}");
    }
    let expected: Vec<String> = cases
        .iter()
        .map(|(_, sent)| format!("GET /threads/{sent}"))
        .collect();
    assert_eq!(lines(&mock.seen()), expected);
    assert!(
        mock.seen()
            .iter()
            .all(|s| crate::header(s, "x-evil").is_none())
    );
}

async fn the_raw_client_checks_ids_too() {
    let mock = Mock::start(vec![Reply::json(200, "{}"); 10]).await;
    let client = client(&mock.url);
    let assistant: uuid::Uuid = ASSISTANT.parse().unwrap();
    // The only string path parameter of the generated client; `\` counts as `/` in URLs.
    for namespace in ["..", ".", "", "..\\..", "a\\..\\..\\.."] {
        let err = client
            .raw()
            .get_assistant_subgraphs_by_namespace()
            .assistant_id(assistant)
            .namespace(namespace)
            .send()
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(err, langgraph_sdk::raw::Error::InvalidRequest(_)),
            "{namespace:?}: {text}"
        );
        assert!(text.contains("another endpoint"), "{text}");
    }
    assert!(mock.seen().is_empty(), "sent: {:?}", lines(&mock.seen()));
    // A good one still goes out, to its own endpoint.
    let _ = client
        .raw()
        .get_assistant_subgraphs_by_namespace()
        .assistant_id(assistant)
        .namespace("%2E%2E")
        .send()
        .await;
    assert_eq!(
        lines(&mock.seen()),
        vec![format!("GET /assistants/{ASSISTANT}/subgraphs/%252E%252E")]
    );
}
