//! Faults of a thread stream session's shared event connection.
//!
//! - Against the real server, through the fault proxy (`common::fault`): the event
//!   connection is cut at a random byte offset inside its body (FIN or RST); the session
//!   must resume (`since`, dedup by `event_id`) and deliver exactly the events of an uncut
//!   run: none lost, none twice. Only runs whose cut really fell inside the event stream's
//!   body are counted, and the line `v3 resumed: N/N, lost: 0, duplicated: 0` is printed
//!   from them. Seeds are printed; rerun one with `LANGGRAPH_FAULT_SEED=<seed>`.
//! - Against a scripted server, what the real one cannot do on demand: an event stream
//!   answered with something else, an error status, drops that never stop.

mod common;

use std::time::Duration;

use common::{
    fault::{Cut, CutAt, Proxy},
    mock::{Mock, Reply},
};
use futures_util::TryStreamExt;
use langgraph_sdk::{
    Client, Error, RetryPolicy,
    thread_stream::{Channel, Delta, Event, EventData, MessageEvent, ThreadStream},
};
use serde_json::{Value, json};

const SLOW_CHAT_TOKENS: usize = 40;

fn slow_chat_text() -> String {
    (0..SLOW_CHAT_TOKENS)
        .map(|i| format!("token{i}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn client(url: &str) -> Client {
    Client::builder()
        .url(url)
        .no_api_key()
        .retry(RetryPolicy {
            max_retries: 5,
            initial_backoff: Duration::from_millis(30),
            max_backoff: Duration::from_millis(300),
        })
        .build()
        .unwrap()
}

/// What one run of `v3_slow_chat` delivered through a session.
struct Delivered {
    /// The events (values, messages, lifecycle), in order, by what they say (ids and times
    /// differ from run to run).
    events: Vec<String>,
    text: String,
    reconnects: u64,
}

async fn run_through(url: &str) -> langgraph_sdk::Result<Delivered> {
    let session: ThreadStream = client(url).threads().stream("v3_slow_chat").await?;
    let events = session.events([Channel::Values, Channel::Messages, Channel::Lifecycle]);
    let messages = session.messages();
    session
        .start()
        .input(json!({"messages": [{"role": "user", "content": "hi"}]}))
        .await?;
    let (events, texts) = tokio::time::timeout(Duration::from_secs(60), async {
        let events: Vec<_> = events.try_collect().await?;
        let mut texts = Vec::new();
        let mut messages = messages;
        while let Some(m) = messages.try_next().await? {
            texts.push(m.text().await?);
        }
        Ok::<_, Error>((events, texts))
    })
    .await
    .expect("the run ends")?;
    Ok(Delivered {
        events: events.iter().map(|e| content(e)).collect(),
        text: texts.concat(),
        reconnects: session.stats().reconnects,
    })
}

/// What an event says, without the ids and times that differ from run to run.
fn content(event: &Event) -> String {
    let what = match event.data() {
        EventData::Lifecycle(l) => format!("{:?}", l.status),
        EventData::Values(v) => format!(
            "{} messages, last: {}",
            v["messages"].as_array().map_or(0, Vec::len),
            v["messages"]
                .as_array()
                .and_then(|m| m.last())
                .map_or(Value::Null, |m| m["content"].clone())
        ),
        EventData::Message(MessageEvent::Start { role, .. }) => format!("start {role:?}"),
        EventData::Message(MessageEvent::BlockDelta {
            delta: Delta::Text(t),
            ..
        }) => format!("delta {t:?}"),
        EventData::Message(MessageEvent::BlockFinish { content, .. }) => {
            format!("block {content}")
        }
        EventData::Message(other) => format!("{other:?}"),
        other => format!("{other:?}"),
    };
    format!("{} {what}", event.method)
}

/// How many of `expected` are missing from `got`, and how many of `got` are extra, as
/// multisets.
fn lost_and_repeated(expected: &[String], got: &[String]) -> (usize, usize) {
    let mut counts: std::collections::HashMap<&String, i64> = Default::default();
    for e in expected {
        *counts.entry(e).or_default() += 1;
    }
    for g in got {
        *counts.entry(g).or_default() -= 1;
    }
    let lost = counts.values().filter(|c| **c > 0).sum::<i64>() as usize;
    let extra = counts.values().filter(|c| **c < 0).map(|c| -c).sum::<i64>() as usize;
    (lost, extra)
}

/// A small deterministic generator, so that a seed reproduces a run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Where the event stream is in a proxy's record: its connection, its response number on
/// it, and the bytes before it on that connection.
fn event_stream(proxy: &Proxy) -> Option<(usize, usize, usize)> {
    for (c, responses) in proxy.responses().iter().enumerate() {
        let mut before = 0;
        for (n, r) in responses.iter().enumerate() {
            if r.head
                .to_ascii_lowercase()
                .contains("content-type: text/event-stream")
            {
                return Some((c, n, before));
            }
            let (head, body) = r.wire();
            before += head + body;
        }
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_event_connections_resume_with_nothing_lost_or_repeated() {
    let upstream = langgraph_testbed::shared_url().unwrap();

    // The reference: an uncut run, and where its event stream is on the wire.
    let reference_proxy = Proxy::start(&upstream, None).await;
    let reference = run_through(&reference_proxy.url).await.unwrap();
    assert_eq!(reference.text, slow_chat_text());
    assert_eq!(reference.reconnects, 0);
    assert!(reference.events.len() > 80, "{}", reference.events.len());
    let (connection, response, before) =
        event_stream(&reference_proxy).expect("an event stream in the reference");
    let stream = reference_proxy.response(connection, response).unwrap();
    let (head, body) = stream.wire();
    assert!(body > 10_000, "the reference body: {body} bytes");

    let runs: u64 = std::env::var("LANGGRAPH_FAULT_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let base_seed: u64 = std::env::var("LANGGRAPH_FAULT_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    let (mut cut_in_body, mut resumed, mut lost, mut duplicated) = (0, 0, 0, 0);
    let (mut fin, mut rst) = (0, 0);
    let (mut missed, mut failures) = (Vec::new(), Vec::new());
    for i in 0..runs {
        let seed = base_seed.wrapping_add(i).max(1);
        let mut rng = Rng(seed);
        let how = if i % 2 == 0 { Cut::Close } else { Cut::Reset };
        // Inside the event stream's body: after its head, before the end of what the
        // reference run sent.
        let into = 1 + rng.below(body as u64 - 1) as usize;
        let cut = CutAt {
            connection,
            after: before + head + into,
            how,
        };
        let proxy = Proxy::start(&upstream, Some(cut)).await;
        let outcome = run_through(&proxy.url).await;
        // Count the run only if the cut fell inside the event stream's body: the stream is the
        // reference's response on the cut connection, its head arrived, its end did not. (Not
        // that the bytes before it are the reference's: the answers before it vary by a few
        // bytes from run to run, which once made every run of a campaign uncounted.)
        let landed = proxy.cut().is_some()
            && event_stream(&proxy).is_some_and(|(c, n, _)| {
                let r = proxy.response(c, n).unwrap();
                c == connection && n == response && !r.complete && r.head_len > 0
            });
        if !landed {
            missed.push(format!(
                "seed {seed}: {how:?} after {} bytes did not cut the event stream's body",
                cut.after
            ));
            continue;
        }
        cut_in_body += 1;
        match how {
            Cut::Close => fin += 1,
            Cut::Reset => rst += 1,
        }
        let got = match outcome {
            Ok(got) => got,
            Err(e) => {
                failures.push(format!(
                    "seed {seed}: {how:?} {into} bytes into the body: {e}"
                ));
                continue;
            }
        };
        let (missing, repeated) = lost_and_repeated(&reference.events, &got.events);
        lost += missing;
        duplicated += repeated;
        let exact = got.events == reference.events && got.text == reference.text;
        if exact && got.reconnects > 0 {
            resumed += 1;
        } else {
            failures.push(format!(
                "seed {seed}: {how:?} {into} bytes into the body: {} reconnects, lost {missing}, repeated {repeated}, text ok: {}",
                got.reconnects,
                got.text == reference.text
            ));
        }
    }
    let report = format!(
        "seeds {base_seed}..{}\nv3 cut inside the event stream body: {cut_in_body} of {runs} runs (FIN {fin}, RST {rst}); not counted: {}\nv3 resumed: {resumed}/{cut_in_body}, lost: {lost}, duplicated: {duplicated}\n",
        base_seed.wrapping_add(runs - 1),
        missed.len()
    );
    let _ = std::io::Write::write_all(&mut std::io::stderr(), report.as_bytes());
    for m in &missed {
        eprintln!("{m}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(cut_in_body >= 30.min(runs as usize), "{report}");
    assert!(fin > 0 && rst > 0, "{report}");
}

/// A script for a minted thread: `run.start` answered, then `event_stream` for the events.
fn started_then(event_stream: Vec<Reply>) -> Vec<Reply> {
    let mut script = vec![Reply::json(
        200,
        r#"{"type":"success","id":1,"result":{"run_id":"01a23396-d6f9-7324-8da5-0b7cbe4a72d6"},"meta":{"applied_through_seq":0}}"#,
    )];
    script.extend(event_stream);
    script
}

async fn first_item(mock: &Mock) -> Result<Option<Value>, Error> {
    let session = client(&mock.url).threads().stream("chat").await.unwrap();
    let values = session.values();
    session.start().await.unwrap();
    tokio::time::timeout(Duration::from_secs(20), async move {
        let mut values = values;
        values.try_next().await
    })
    .await
    .expect("the projection answers")
}

#[tokio::test]
async fn an_event_stream_that_is_not_one_is_a_typed_error() {
    let mock = Mock::start(started_then(vec![Reply::Respond(
        200,
        vec![("content-type", "text/html".into())],
        "<html><title>Login</title></html>".into(),
    )]))
    .await;
    let err = first_item(&mock).await.unwrap_err();
    match err {
        Error::NotEventStream {
            status,
            content_type,
            excerpt,
            ..
        } => {
            assert_eq!(status, 200);
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert!(excerpt.contains("Login"), "{excerpt}");
        }
        other => panic!("{other}"),
    }
    assert_eq!(mock.seen().len(), 2, "not retried");
}

#[tokio::test]
async fn a_redirect_of_the_event_stream_is_not_followed() {
    let mock = Mock::start(started_then(vec![Reply::Respond(
        307,
        vec![("location", "http://elsewhere.invalid/steal".into())],
        String::new(),
    )]))
    .await;
    let err = first_item(&mock).await.unwrap_err();
    assert!(
        matches!(&err, Error::Redirect { status, .. } if status.as_u16() == 307),
        "{err}"
    );
    assert_eq!(mock.seen().len(), 2, "not followed, not retried");
}

#[tokio::test]
async fn a_client_error_on_the_event_stream_is_not_retried() {
    let mock = Mock::start(started_then(vec![Reply::json(
        403,
        r#"{"detail": "not your thread"}"#,
    )]))
    .await;
    let err = first_item(&mock).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403), "{err}");
    assert!(err.to_string().contains("not your thread"), "{err}");
    let seen = mock.seen();
    assert_eq!(seen.len(), 2, "not retried");
    assert!(
        seen[1].line.starts_with("POST /threads/"),
        "{}",
        seen[1].line
    );
    assert!(seen[1].line.ends_with("/stream/events"), "{}", seen[1].line);
    let body: Value = serde_json::from_str(&seen[1].body).unwrap();
    assert_eq!(body, json!({"channels": ["values", "lifecycle", "input"]}));
}

#[tokio::test]
async fn transient_failures_are_retried_then_the_session_reports_the_loss() {
    let event = |seq: u64, data: &str| {
        format!(
            "event: values\ndata: {{\"type\":\"event\",\"event_id\":\"e{seq}\",\"seq\":{seq},\"method\":\"values\",\"params\":{{\"namespace\":[],\"timestamp\":1,\"data\":{data}}}}}\nid: {seq}\n\n"
        )
    };
    let running = "event: lifecycle\ndata: {\"type\":\"event\",\"event_id\":\"synth:01a23396-d6f9-7324-8da5-0b7cbe4a72d6:lc||running\",\"seq\":1,\"method\":\"lifecycle\",\"params\":{\"namespace\":[],\"timestamp\":1,\"data\":{\"event\":\"running\"}}}\n\n";
    let sse = |body: String| {
        Reply::Raw(
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n{body}"
            )
            .into_bytes(),
        )
    };
    // The first connection sends two events and closes; the second replays the second
    // event (`since` 1 is not honoured by this script) and a new one; then only failures.
    let mut script = started_then(vec![
        sse(format!("{running}{}", event(2, "{\"n\":2}"))),
        sse(format!(
            "{}{}",
            event(2, "{\"n\":2}"),
            event(3, "{\"n\":3}")
        )),
    ]);
    script.extend((0..6).map(|_| Reply::json(503, r#"{"detail": "busy"}"#)));
    let mock = Mock::start(script).await;
    let session = client(&mock.url).threads().stream("chat").await.unwrap();
    let values = session.values();
    session.start().await.unwrap();
    let mut got = Vec::new();
    let err = tokio::time::timeout(Duration::from_secs(20), async {
        let mut values = values;
        loop {
            match values.try_next().await {
                Ok(Some(v)) => got.push(v),
                Ok(None) => panic!("ended without saying events may be lost"),
                Err(e) => break e,
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(
        got,
        [json!({"n": 2}), json!({"n": 3})],
        "each once, in order"
    );
    match &err {
        Error::StreamLost {
            reason,
            last_event_id,
            ..
        } => {
            assert!(reason.contains("gave up after 5 reconnects"), "{reason}");
            assert_eq!(last_event_id.as_deref(), Some("3"));
        }
        other => panic!("{other}"),
    }
    let seen = mock.seen();
    let bodies: Vec<Value> = seen[1..]
        .iter()
        .map(|s| serde_json::from_str(&s.body).unwrap())
        .collect();
    assert_eq!(
        bodies[0].get("since"),
        None,
        "the first connection starts at the beginning"
    );
    assert_eq!(bodies[1]["since"], 2, "the highest seq taken");
    assert!(bodies[2..].iter().all(|b| b["since"] == 3), "{bodies:?}");
    assert_eq!(session.stats().reconnects, 6);
}

/// The official client sends none of these on the WebSocket handshake, so it cannot
/// authenticate against a deployment that wants a key.
#[cfg(feature = "websocket")]
#[tokio::test]
async fn the_websocket_handshake_carries_the_key_user_agent_and_headers() {
    use langgraph_sdk::thread_stream::StreamTransport;
    let mock = Mock::start(started_then(vec![Reply::json(
        403,
        r#"{"detail": "no key, no events"}"#,
    )]))
    .await;
    let client = Client::builder()
        .url(&mock.url)
        .api_key("lsv2-test-key")
        .header("x-team", "blue")
        .build()
        .unwrap();
    let session = client
        .threads()
        .stream("chat")
        .transport(StreamTransport::WebSocket)
        .header("x-session", "s1")
        .await
        .unwrap();
    let values = session.values();
    session.start().await.unwrap();
    let err = tokio::time::timeout(Duration::from_secs(20), async move {
        let mut values = values;
        values.try_next().await
    })
    .await
    .unwrap()
    .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403), "{err}");
    let seen = mock.seen();
    assert_eq!(seen.len(), 2, "a refused handshake is not retried");
    let handshake = &seen[1];
    let header = |name: &str| {
        handshake
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(
        handshake.line,
        format!("GET /threads/{}/stream/events", session.thread_id())
    );
    assert_eq!(header("upgrade"), Some("websocket"));
    assert_eq!(header("x-api-key"), Some("lsv2-test-key"));
    assert!(
        header("user-agent").is_some_and(|ua| ua.starts_with("langgraph-sdk-rust/")),
        "{:?}",
        header("user-agent")
    );
    assert_eq!(header("x-team"), Some("blue"), "the client's headers");
    assert_eq!(header("x-session"), Some("s1"), "the session's headers");
}

/// A session takes the per-request options of every call: its headers go with the command
/// and each event connection, and its timeout bounds the opening of an event connection (one
/// that does not open in time is tried again) but not how long the connection lasts.
#[tokio::test]
async fn a_sessions_request_options_go_everywhere_and_its_timeout_bounds_only_the_opening() {
    use langgraph_sdk::RequestOptions;
    let running = "event: lifecycle\ndata: {\"type\":\"event\",\"event_id\":\"synth:01a23396-d6f9-7324-8da5-0b7cbe4a72d6:lc||running\",\"seq\":1,\"method\":\"lifecycle\",\"params\":{\"namespace\":[],\"timestamp\":1,\"data\":{\"event\":\"running\"}}}\n\n";
    let value = |n: u64| {
        format!(
            "event: values\ndata: {{\"type\":\"event\",\"event_id\":\"e{n}\",\"seq\":{n},\"method\":\"values\",\"params\":{{\"namespace\":[],\"timestamp\":1,\"data\":{{\"n\":{n}}}}}}}\nid: {n}\n\n"
        )
    };
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
    let mock = Mock::start(started_then(vec![
        // Answers only after 2 s: longer than the timeout, so never taken.
        Reply::Drip {
            head: String::new(),
            chunks: vec![format!("{head}{running}{}", value(2)).into_bytes()],
            every: Duration::from_secs(2),
        },
        // Opens at once, sends its event after longer than the timeout, and stays open
        // as long again.
        Reply::Drip {
            head: format!("{head}{running}"),
            chunks: vec![value(3).into_bytes(), b": still here\n\n".to_vec()],
            every: Duration::from_millis(900),
        },
    ]))
    .await;
    let session = client(&mock.url)
        .threads()
        .stream("chat")
        .request_options(RequestOptions::new().header("x-user", "u1"))
        .header("x-session", "s1")
        .timeout(Duration::from_millis(300))
        .await
        .unwrap();
    let values = session.values();
    session.start().await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(20), async move {
        let mut values = values;
        values.try_next().await
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(first, Some(json!({"n": 3})));
    assert_eq!(
        session.stats().reconnects,
        1,
        "only the one that did not open"
    );
    let seen = mock.seen();
    assert_eq!(seen.len(), 3, "the command and two event connections");
    for request in &seen {
        let header = |name: &str| {
            request
                .headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(header("x-user"), Some("u1"), "{}", request.line);
        assert_eq!(header("x-session"), Some("s1"), "{}", request.line);
    }

    let err = client(&mock.url)
        .threads()
        .stream("chat")
        .header("x-api-key", "k")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
}
