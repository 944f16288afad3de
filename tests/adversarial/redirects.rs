//! Redirects and the API key: no redirect is followed, so neither the key nor a request body
//! reaches anything but the configured server, and another origin's answer is never taken
//! for the API's.

use futures_util::TryStreamExt;
use langgraph_sdk::{Client, Error};
use serde_json::json;

use crate::common::mock::{Mock, Reply};
use crate::{
    KEY, RUN, THREAD, client, header, lines, open_resumable, resumable_start, run_json, sse,
    thread_json,
};

crate::cases!(
    a_redirected_get_goes_nowhere_else,
    a_redirected_run_post_is_never_resent,
    same_origin_redirects_are_not_followed_either,
    odd_redirect_targets_are_refused_and_named,
    redirect_targets_are_shown_without_secrets,
    a_redirect_without_location_is_an_error,
    the_raw_client_follows_no_redirect,
    a_stream_request_is_not_redirected,
    a_resume_is_not_redirected,
    a_cross_origin_resume_location_is_refused_and_said,
    url_credentials_stay_with_the_server,
);

const STATUSES: [u16; 5] = [301, 302, 303, 307, 308];

/// What a resumable stream sends before its connection closes.
const FIRST: &str = "id: 1-0\nevent: custom\ndata: 1\n\n";

fn redirect(status: u16, location: &str) -> Reply {
    Reply::Respond(
        status,
        vec![("location", location.to_string())],
        String::new(),
    )
}

/// The error must be a redirect of `operation` with `status` to `target`.
fn assert_redirect(err: &Error, operation: &str, status: u16, target: Option<&str>) {
    match err {
        Error::Redirect {
            operation: op,
            status: s,
            location,
        } => {
            assert_eq!(*op, operation, "{err}");
            assert_eq!(s.as_u16(), status, "{err}");
            assert_eq!(location.as_deref(), target, "{err}");
            let shown = err.to_string();
            assert!(shown.contains(&status.to_string()), "{shown}");
            if let Some(target) = target {
                assert!(shown.contains(target), "{shown}");
            }
        }
        other => panic!("expected Error::Redirect for {operation} {status}, got {other:?}"),
    }
}

async fn a_redirected_get_goes_nowhere_else() {
    for status in STATUSES {
        let elsewhere = Mock::start(vec![Reply::json(200, &thread_json())]).await;
        let target = format!("{}/threads/{THREAD}", elsewhere.url);
        let api = Mock::start(vec![redirect(status, &target)]).await;
        let err = client(&api.url).threads().get(THREAD).await.unwrap_err();
        assert_redirect(&err, "get_thread", status, Some(&target));
        assert_eq!(lines(&api.seen()), vec![format!("GET /threads/{THREAD}")]);
        assert!(
            elsewhere.seen().is_empty(),
            "{status}: the other origin received {:?}",
            elsewhere.seen()
        );
    }
}

async fn a_redirected_run_post_is_never_resent() {
    for status in STATUSES {
        let elsewhere = Mock::start(vec![Reply::json(200, &run_json("pending"))]).await;
        let target = format!("{}/threads/{THREAD}/runs", elsewhere.url);
        let api = Mock::start(vec![redirect(status, &target)]).await;
        let err = client(&api.url)
            .runs()
            .create(THREAD, "agent")
            .input(json!({"secret": "input-payload"}))
            .await
            .unwrap_err();
        assert_redirect(&err, "create_run", status, Some(&target));
        let seen = api.seen();
        assert_eq!(lines(&seen), vec![format!("POST /threads/{THREAD}/runs")]);
        assert!(seen[0].body.contains("input-payload"));
        // Neither re-sent as a POST (307/308) nor turned into a GET (301/302/303).
        assert!(
            elsewhere.seen().is_empty(),
            "{status}: the other origin received {:?}",
            elsewhere.seen()
        );
    }
}

async fn same_origin_redirects_are_not_followed_either() {
    for target in ["/threads/other", "other", "./x/../y"] {
        let api = Mock::start(vec![
            redirect(307, target),
            Reply::json(200, &thread_json()),
        ])
        .await;
        let err = client(&api.url).threads().get(THREAD).await.unwrap_err();
        assert!(matches!(err, Error::Redirect { .. }), "{err}");
        assert_eq!(api.seen().len(), 1, "{target}: {:?}", lines(&api.seen()));
    }
}

async fn odd_redirect_targets_are_refused_and_named() {
    let elsewhere = Mock::start(vec![]).await;
    let port = elsewhere.url.rsplit(':').next().unwrap().to_string();
    let api_probe = Mock::start(vec![]).await;
    let api_port = api_probe.url.rsplit(':').next().unwrap().to_string();
    let targets = [
        // Same host and port, other scheme: another origin.
        format!("https://127.0.0.1:{api_port}/threads/{THREAD}"),
        format!("http://localhost:{port}/threads/{THREAD}"),
        format!("//127.0.0.1:{port}/threads/{THREAD}"),
        format!("http://[::1]:{port}/"),
        "file:///etc/passwd".to_string(),
        "javascript:alert(1)".to_string(),
        "data:text/plain,hello".to_string(),
        "ftp://127.0.0.1/x".to_string(),
        "../../../../etc".to_string(),
    ];
    for target in targets {
        let api = Mock::start(vec![redirect(302, &target)]).await;
        let err = client(&api.url).threads().get(THREAD).await.unwrap_err();
        match &err {
            Error::Redirect {
                location: Some(_), ..
            } => {}
            other => panic!("{target}: {other:?}"),
        }
        assert_eq!(api.seen().len(), 1, "{target}");
    }
    // Bytes that are not text in `Location`.
    let api = Mock::start(vec![Reply::Raw(
        b"HTTP/1.1 302 X\r\ncontent-length: 0\r\nlocation: http://\xff\xfe/x\r\n\r\n".to_vec(),
    )])
    .await;
    let err = client(&api.url).threads().get(THREAD).await.unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    assert!(elsewhere.seen().is_empty(), "{:?}", elsewhere.seen());
    assert!(api_probe.seen().is_empty());
}

async fn redirect_targets_are_shown_without_secrets() {
    let api = Mock::start(vec![redirect(
        302,
        "http://user:pw-secret@127.0.0.1:1/login?token=tok-secret&next=/#frag-secret",
    )])
    .await;
    let err = client(&api.url).threads().get(THREAD).await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("http://127.0.0.1:1/login"), "{shown}");
    for secret in ["pw-secret", "tok-secret", "frag-secret", "user"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

async fn a_redirect_without_location_is_an_error() {
    for status in [300, 302, 304] {
        let api = Mock::start(vec![Reply::Respond(status, vec![], String::new())]).await;
        let err = client(&api.url).threads().get(THREAD).await.unwrap_err();
        assert_redirect(&err, "get_thread", status, None);
        assert!(err.to_string().contains("no `Location`"), "{err}");
    }
}

async fn the_raw_client_follows_no_redirect() {
    for status in STATUSES {
        let elsewhere = Mock::start(vec![Reply::json(200, &thread_json())]).await;
        let api = Mock::start(vec![redirect(
            status,
            &format!("{}/threads/{THREAD}", elsewhere.url),
        )])
        .await;
        let client = client(&api.url);
        let err = crate::raw_get_thread(&client).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err}");
        assert_eq!(api.seen().len(), 1);
        assert!(
            elsewhere.seen().is_empty(),
            "{status}: {:?}",
            elsewhere.seen()
        );
    }
}

async fn a_stream_request_is_not_redirected() {
    for status in [302, 307, 308] {
        let elsewhere = Mock::start(vec![sse(&[], "event: end\ndata: null\n\n")]).await;
        let target = format!("{}/threads/{THREAD}/runs/stream", elsewhere.url);
        let api = Mock::start(vec![redirect(status, &target)]).await;
        let err = client(&api.url)
            .runs()
            .stream(THREAD, "agent")
            .input(json!({"x": 1}))
            .await
            .unwrap_err();
        assert_redirect(&err, "stream_run", status, Some(&target));
        assert!(elsewhere.seen().is_empty(), "{:?}", elsewhere.seen());
    }
}

async fn a_resume_is_not_redirected() {
    let elsewhere = Mock::start(vec![sse(&[], "event: end\ndata: null\n\n")]).await;
    let stream_path = format!("/threads/{THREAD}/runs/{RUN}/stream");
    let api = Mock::start(vec![
        resumable_start(&stream_path, FIRST),
        Reply::json(200, &run_json("running")),
        redirect(307, &format!("{}{stream_path}", elsewhere.url)),
    ])
    .await;
    let mut stream = open_resumable(&client(&api.url)).await;
    let first = stream.try_next().await.unwrap().unwrap();
    assert_eq!(first.id.as_deref(), Some("1-0"));
    let err = stream.try_next().await.unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    let seen = api.seen();
    assert_eq!(
        lines(&seen),
        vec![
            format!("POST /threads/{THREAD}/runs/stream"),
            format!("GET /threads/{THREAD}/runs/{RUN}"),
            format!("GET {stream_path}"),
        ],
        "one resume attempt: a redirect is not worth retrying"
    );
    assert_eq!(header(&seen[2], "x-api-key"), Some(KEY));
    assert!(elsewhere.seen().is_empty(), "{:?}", elsewhere.seen());
}

async fn a_cross_origin_resume_location_is_refused_and_said() {
    let elsewhere = Mock::start(vec![sse(&[], "event: end\ndata: null\n\n")]).await;
    let api = Mock::start(vec![
        resumable_start(
            &format!("{}/threads/{THREAD}/runs/{RUN}/stream", elsewhere.url),
            FIRST,
        ),
        Reply::json(200, &run_json("running")),
    ])
    .await;
    let mut stream = open_resumable(&client(&api.url)).await;
    stream.try_next().await.unwrap().unwrap();
    let err = stream.try_next().await.unwrap_err();
    match &err {
        Error::StreamLost {
            reason,
            last_event_id,
            ..
        } => {
            assert!(reason.contains("another origin"), "{reason}");
            assert!(reason.contains(&elsewhere.url), "{reason}");
            assert!(
                !reason.contains("stream_resumable(true)"),
                "the run was resumable; the reason must say what happened: {reason}"
            );
            assert_eq!(last_event_id.as_deref(), Some("1-0"));
        }
        other => panic!("expected StreamLost, got {other:?}"),
    }
    assert!(elsewhere.seen().is_empty(), "{:?}", elsewhere.seen());
}

async fn url_credentials_stay_with_the_server() {
    let elsewhere = Mock::start(vec![Reply::json(200, &thread_json())]).await;
    let api = Mock::start(vec![
        Reply::json(200, &thread_json()),
        redirect(307, &format!("{}/threads/{THREAD}", elsewhere.url)),
    ])
    .await;
    let with_credentials = api.url.replace("http://", "http://user:pw-secret@");
    let client = Client::builder()
        .url(&with_credentials)
        .no_api_key()
        .build()
        .unwrap();
    client.threads().get(THREAD).await.unwrap();
    // base64("user:pw-secret")
    assert_eq!(
        header(&api.seen()[0], "authorization"),
        Some("Basic dXNlcjpwdy1zZWNyZXQ=")
    );
    let err = client.threads().get(THREAD).await.unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err}");
    assert!(elsewhere.seen().is_empty(), "{:?}", elsewhere.seen());
    let shown = format!(
        "{client:?} {:?} {err} {err:?} {}",
        client.raw(),
        client.base_url()
    );
    assert!(!shown.contains("pw-secret"), "{shown}");
    // A server that is not there: the connection error names the URL, not the password.
    let dead = Client::builder()
        .url("http://user:pw-secret@127.0.0.1:9")
        .no_api_key()
        .retry(langgraph_sdk::RetryPolicy::none())
        .build()
        .unwrap();
    let err = dead.threads().get(THREAD).await.unwrap_err();
    assert!(err.is_transport(), "{err}");
    assert!(!format!("{err} {err:?}").contains("pw-secret"), "{err:?}");
}
