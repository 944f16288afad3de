//! Fault injection: a TCP proxy of our own (`common::fault`) between the client and the real
//! server cuts the connection of a run stream inside the stream's body; the stream must
//! resume and deliver exactly the events of an uncut run: none lost, none twice.
//!
//! The cut offsets come from the measured size of a reference stream, and the proxy records
//! where each cut fell; a run counts only if its cut fell inside the body of the stream
//! response, so the printed figure never counts a cut that missed the stream.
//!
//! Seeds are printed; rerun one with `LANGGRAPH_FAULT_SEED=<seed>`.

mod common;

use std::time::Duration;

use common::fault::{Cut, CutAt, Landed, Proxy, Response};
use futures_util::TryStreamExt;
use langgraph_sdk::{
    Client, RetryPolicy,
    runs::{StreamMode, StreamRun},
    stream::{SseEvent, StreamEvent, StreamPart},
};
use serde_json::{Value, json};

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

/// The events that must arrive, without what differs from run to run (the metadata event,
/// ids of messages).
fn payload(events: &[StreamEvent]) -> Vec<String> {
    events
        .iter()
        .filter(|e| !matches!(e.part, StreamPart::Metadata(_)))
        .map(|e| match &e.part {
            StreamPart::Custom(v) => format!("custom {v}"),
            StreamPart::Values { values, .. } => format!("values {}", without_ids(values)),
            StreamPart::Updates { .. } => {
                format!("updates {}", without_ids(&e.data().expect("event data")))
            }
            StreamPart::Message { chunk, .. } => format!("message {:?}", chunk.text()),
            other => format!("{other:?}"),
        })
        .collect()
}

fn without_ids(value: &Value) -> Value {
    match value {
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| *k != "id")
            .map(|(k, v)| (k.clone(), without_ids(v)))
            .collect(),
        Value::Array(items) => items.iter().map(without_ids).collect(),
        other => other.clone(),
    }
}

/// `(lost, duplicated)`: events of `expected` missing from `got`, and events beyond them.
fn compare(expected: &[String], got: &[String]) -> (usize, usize) {
    let missing = expected
        .iter()
        .filter(|e| {
            got.iter().filter(|g| g == e).count() < expected.iter().filter(|x| x == e).count()
        })
        .count();
    (missing, got.len().saturating_sub(expected.len() - missing))
}

fn client(url: &str) -> Client {
    Client::builder()
        .url(url)
        .no_api_key()
        .retry(fast_retry())
        .build()
        .unwrap()
}

/// Retries soon after a cut, so that the campaign runs quickly.
fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 5,
        initial_backoff: Duration::from_millis(30),
        max_backoff: Duration::from_millis(300),
    }
}

/// A thread made directly on the server, so that the proxy's first connection is the stream.
async fn thread(upstream: &str) -> String {
    client(upstream)
        .threads()
        .create()
        .await
        .unwrap()
        .thread_id
        .to_string()
}

/// A run to stream: a graph, its input, the stream modes.
#[derive(Clone)]
struct Case {
    graph: &'static str,
    input: Value,
    modes: Vec<StreamMode>,
    /// No two events of the run are alike, so an event seen twice on one connection is a
    /// repeat by the server. (Chat tokens are not: two `" "` chunks of one millisecond are
    /// byte for byte the same event.)
    distinct: bool,
}

impl Case {
    /// `steps` ticks, `delay` seconds apart: the run goes on while the stream is cut.
    fn slow(steps: u32, delay: f64) -> Case {
        Case {
            graph: "slow",
            input: json!({"steps": steps, "delay": delay}),
            modes: vec![StreamMode::Custom, StreamMode::Values, StreamMode::Updates],
            distinct: true,
        }
    }

    /// A chat answer token by token: most of its events share an id with the one before
    /// (same millisecond), which a resume must not lose.
    fn chat() -> Case {
        Case {
            graph: "chat",
            input: json!({"messages": [{"role": "user", "content": "hi"}]}),
            modes: vec![StreamMode::MessagesTuple, StreamMode::Values],
            distinct: false,
        }
    }
}

/// How the client reads the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Typed parts (`RunStream`).
    Typed,
    /// The events as sent (`.pass_through()`).
    PassThrough,
    /// Typed parts, through the blocking client's iterator, on a thread of its own.
    #[cfg(feature = "blocking")]
    Blocking,
}

/// A resumable run of `case` on a new thread, streamed through `base`, to open.
async fn start(base: &str, upstream: &str, case: &Case) -> StreamRun {
    let thread = thread(upstream).await;
    client(base)
        .runs()
        .stream(thread, case.graph)
        .input(case.input.clone())
        .stream_mode(case.modes.clone())
        .stream_resumable(true)
}

/// One resumable run of `case` streamed through `base`: its events and reconnects.
async fn run_through(
    base: &str,
    upstream: &str,
    case: &Case,
) -> langgraph_sdk::Result<(Vec<StreamEvent>, u32)> {
    let mut stream = start(base, upstream, case).await.await?;
    let mut events = Vec::new();
    while let Some(event) = stream.try_next().await? {
        events.push(event);
    }
    Ok((events, stream.reconnects()))
}

/// [`run_through`] read as `mode`: the payload of its events, and its reconnects.
async fn run_payload(
    base: &str,
    upstream: &str,
    case: &Case,
    mode: Mode,
) -> langgraph_sdk::Result<(Vec<String>, u32)> {
    if mode == Mode::Typed {
        let (events, reconnects) = run_through(base, upstream, case).await?;
        return Ok((payload(&events), reconnects));
    }
    #[cfg(feature = "blocking")]
    if mode == Mode::Blocking {
        let (base, upstream, case) = (base.to_string(), upstream.to_string(), case.clone());
        let (events, reconnects) =
            tokio::task::spawn_blocking(move || blocking::run_through(&base, &upstream, &case))
                .await
                .unwrap()?;
        return Ok((payload(&events), reconnects));
    }
    let mut stream = start(base, upstream, case).await.pass_through().await?;
    let mut events = Vec::new();
    while let Some(event) = stream.try_next().await? {
        events.push(event);
    }
    Ok((sent_payload(&events), stream.reconnects()))
}

/// [`run_through`] with the blocking client: the same run, read with `for`.
#[cfg(feature = "blocking")]
mod blocking {
    use super::*;

    fn client(url: &str) -> langgraph_sdk::blocking::Client {
        langgraph_sdk::blocking::Client::builder()
            .url(url)
            .no_api_key()
            .retry(fast_retry())
            .build()
            .unwrap()
    }

    pub fn run_through(
        base: &str,
        upstream: &str,
        case: &Case,
    ) -> langgraph_sdk::Result<(Vec<StreamEvent>, u32)> {
        // A thread made directly on the server, so that the proxy's first connection is the
        // stream.
        let thread = client(upstream).threads().create().send()?.thread_id;
        let mut stream = client(base)
            .runs()
            .stream(thread, case.graph)
            .input(case.input.clone())
            .stream_mode(case.modes.clone())
            .stream_resumable(true)
            .send()?;
        let mut events = Vec::new();
        for event in stream.by_ref() {
            events.push(event?);
        }
        Ok((events, stream.reconnects()))
    }
}

/// [`payload`] of events as sent: name and data, without the metadata event and what differs
/// from run to run (ids; a message chunk is its text, its node metadata names the run).
fn sent_payload(events: &[SseEvent]) -> Vec<String> {
    events
        .iter()
        .filter(|e| e.event() != "metadata")
        .map(|e| {
            let data: Value = if e.data().is_empty() {
                Value::Null
            } else {
                e.json().expect("JSON data")
            };
            match e.event() {
                "messages" => format!("messages {}", data[0]["content"]),
                name => format!("{name} {}", without_ids(&data)),
            }
        })
        .collect()
}

/// An uncut run of `case`, through a proxy that measures its stream response.
struct Reference {
    expected: Vec<String>,
    /// Head and body lengths of the stream response, on the wire.
    head: usize,
    body: usize,
    /// Events of the stream response, and how many share their id with the one before.
    events: usize,
    shared_ids: usize,
}

async fn reference(upstream: &str, case: &Case, mode: Mode) -> Reference {
    let proxy = Proxy::start(upstream, None).await;
    let (expected, _) = run_payload(&proxy.url, upstream, case, mode).await.unwrap();
    let stream = proxy.response(0, 0).expect("the stream response");
    assert!(
        stream.complete && stream.head.contains("text/event-stream"),
        "{}",
        stream.head
    );
    let wire = stream.events();
    let (head, body) = stream.wire();
    Reference {
        expected,
        head,
        body,
        events: wire.len(),
        shared_ids: wire.windows(2).filter(|w| w[0].0 == w[1].0).count(),
    }
}

/// Events the server sent twice within one stream response (the repeated block of a resumed
/// connection), counted from the bytes the proxy forwarded; meaningful for a [`Case`] whose
/// events are `distinct`.
fn repeated_on_the_wire(responses: &[Vec<Response>]) -> usize {
    responses
        .iter()
        .flatten()
        .map(|r| {
            let events = r.events();
            let mut seen = std::collections::HashSet::new();
            events.iter().filter(|e| !seen.insert(*e)).count()
        })
        .sum()
}

fn seed() -> u64 {
    std::env::var("LANGGRAPH_FAULT_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        })
}

fn report(line: String) {
    // Straight to stderr, so that the figure shows when the test passes.
    let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{line}\n").as_bytes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_streams_resume_with_nothing_lost_or_repeated() {
    cut_streams(Mode::Typed).await;
}

/// The same for pass-through streams (events as sent): the same resumption underneath.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_pass_through_streams_resume_with_nothing_lost_or_repeated() {
    cut_streams(Mode::PassThrough).await;
}

/// The same through the blocking client's iterator: the same resumption under an `Iterator`.
#[cfg(feature = "blocking")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_streams_resume_through_the_blocking_iterator() {
    cut_streams(Mode::Blocking).await;
}

/// Cuts runs of the slow and the chat graph at random points of their stream's body, read
/// as `mode`; each must deliver exactly what an uncut run does.
async fn cut_streams(mode: Mode) {
    let upstream = langgraph_testbed::shared_url().unwrap();
    let cases = [Case::slow(8, 0.05), Case::chat()];
    let mut references = Vec::new();
    for case in &cases {
        let r = reference(&upstream, case, mode).await;
        assert!(r.expected.len() >= 20, "{:?}", r.expected);
        references.push(r);
    }

    let runs: u64 = std::env::var("LANGGRAPH_FAULT_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let base_seed = seed();
    let (mut resumed, mut lost, mut duplicated, mut failures) = (0, 0, 0, Vec::new());
    let mut repeated = 0;
    // Per case: how many complete events the client got before each counted cut.
    let mut cut_events = vec![Vec::new(); cases.len()];
    for i in 0..runs {
        let seed = base_seed.wrapping_add(i).max(1);
        let mut rng = Rng(seed);
        let which = i as usize % cases.len();
        let (case, reference) = (&cases[which], &references[which]);
        // Anywhere in the body of the stream response, from its first byte to its last.
        let after = reference.head + rng.below(reference.body as u64) as usize;
        let how = if rng.below(2) == 0 {
            Cut::Close
        } else {
            Cut::Reset
        };
        let cut = CutAt {
            connection: 0,
            after,
            how,
        };
        let proxy = Proxy::start(&upstream, Some(cut)).await;
        let outcome = run_payload(&proxy.url, &upstream, case, mode).await;
        let landed = proxy.cut().map(|c| c.landed);
        let what = format!(
            "seed {seed}: {} run, cut {how:?} after {after} bytes ({landed:?})",
            case.graph
        );
        let Some(Landed::Body { events, .. }) = landed else {
            failures.push(format!("{what}: not inside the stream's body"));
            continue;
        };
        let (got, reconnects) = match outcome {
            Ok(done) => done,
            Err(e) => {
                failures.push(format!("{what}: {e}"));
                continue;
            }
        };
        let (missing, extra) = compare(&reference.expected, &got);
        lost += missing;
        duplicated += extra;
        if case.distinct {
            repeated += repeated_on_the_wire(&proxy.responses()[1..]);
        }
        cut_events[which].push(events);
        if got == reference.expected && reconnects > 0 {
            resumed += 1;
        } else {
            failures.push(format!(
                "{what}: {reconnects} reconnects, lost {missing}, extra {extra}"
            ));
            if std::env::var("LANGGRAPH_FAULT_DEBUG").is_ok() {
                eprintln!("expected {:#?}\ngot {got:#?}", reference.expected);
            }
        }
    }
    let counted: usize = cut_events.iter().map(Vec::len).sum();
    let per_case: Vec<String> = cases
        .iter()
        .zip(&references)
        .zip(&cut_events)
        .map(|((case, r), cuts)| {
            format!(
                "{} {} runs cut after {}..={} of {} events ({} sharing the id before)",
                cuts.len(),
                case.graph,
                cuts.iter().min().unwrap_or(&0),
                cuts.iter().max().unwrap_or(&0),
                r.events,
                r.shared_ids,
            )
        })
        .collect();
    let label = match mode {
        Mode::Typed => "resumed",
        Mode::PassThrough => "pass-through resumed",
        #[cfg(feature = "blocking")]
        Mode::Blocking => "blocking resumed",
    };
    report(format!(
        "seeds {base_seed}..{}\n{label}: {resumed}/{counted} runs cut inside the stream's body \
         ({}; {} of {runs} cuts missed the body), lost: {lost}, duplicated: {duplicated}; \
         events the server sent twice on resume (slow runs): {repeated}",
        base_seed.wrapping_add(runs - 1),
        per_case.join("; "),
        runs as usize - counted,
    ));
    // The figure in short, for every way of reading (`pass-through resumed: 50/50, lost: 0,
    // duplicated: 0`), and never a figure of a few runs.
    report(format!(
        "{label}: {resumed}/{counted}, lost: {lost}, duplicated: {duplicated}"
    ));
    assert!(
        counted as u64 >= runs.min(20),
        "only {counted} runs cut inside the body"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// How often the repeated-block tests try to make the server repeat a block (it does on about
/// half the tries).
const ATTEMPTS: usize = 20;

/// The server can send a block of events twice when a stream is resumed while the run goes
/// on: what the run publishes between the server's subscription to the live feed and its
/// replay of the stored events is in both. The stream must deliver it once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_the_server_repeats_on_resume_is_delivered_once() {
    let upstream = langgraph_testbed::shared_url().unwrap();
    // Many small steps: events are published while the stream resumes.
    let case = Case::slow(60, 0.005);
    let Reference {
        expected,
        head,
        body,
        ..
    } = reference(&upstream, &case, Mode::Typed).await;

    let mut tries = Vec::new();
    for attempt in 0..ATTEMPTS {
        // A quarter into the body: the run is under way, and goes on while the stream resumes.
        let faults = Some(CutAt {
            connection: 0,
            after: head + body / 4,
            how: Cut::Reset,
        });
        let proxy = Proxy::start(&upstream, faults).await;
        let (events, reconnects) = run_through(&proxy.url, &upstream, &case).await.unwrap();
        assert!(
            matches!(proxy.cut().unwrap().landed, Landed::Body { .. }),
            "{:?}",
            proxy.cut()
        );
        let repeated = repeated_on_the_wire(&proxy.responses()[1..]);
        let got = payload(&events);
        assert_eq!(
            compare(&expected, &got),
            (0, 0),
            "attempt {attempt}: {reconnects} reconnects, the server repeated {repeated} events"
        );
        assert_eq!(got, expected);
        tries.push(repeated);
        if repeated > 0 {
            report(format!(
                "repeated block: the server sent {repeated} events twice on resume (attempt {}), delivered once",
                attempt + 1
            ));
            return;
        }
    }
    panic!("the server never repeated a block on resume: {tries:?}");
}

/// A join from an earlier event replays, and so can repeat a block the same way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_the_server_repeats_on_a_join_is_delivered_once() {
    let upstream = langgraph_testbed::shared_url().unwrap();
    let case = Case::slow(40, 0.005);
    let expected = reference(&upstream, &case, Mode::Typed).await.expected;

    let mut tries = Vec::new();
    for attempt in 0..ATTEMPTS {
        let direct = client(&upstream);
        let thread = thread(&upstream).await;
        let run = direct
            .runs()
            .create(&thread, case.graph)
            .input(case.input.clone())
            .stream_mode(case.modes.clone())
            .stream_resumable(true)
            .await
            .unwrap();
        // Join once the run is under way (the join races the run's next events).
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let state = direct.threads().get_state(&thread).await.unwrap();
            if state.values.get("done").and_then(Value::as_u64) >= Some(2) {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the run never started"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let proxy = Proxy::start(&upstream, None).await;
        let mut stream = client(&proxy.url)
            .runs()
            .join_stream(&thread, run.run_id.to_string())
            .last_event_id("0")
            .await
            .unwrap();
        let mut events = Vec::new();
        while let Some(event) = stream.try_next().await.unwrap() {
            events.push(event);
        }
        let repeated = repeated_on_the_wire(&proxy.responses());
        let got = payload(&events);
        assert_eq!(
            compare(&expected, &got),
            (0, 0),
            "attempt {attempt}: the server repeated {repeated} events"
        );
        tries.push(repeated);
        if repeated > 0 {
            report(format!(
                "repeated block on join: the server sent {repeated} events twice (attempt {}), delivered once",
                attempt + 1
            ));
            return;
        }
    }
    panic!("the server never repeated a block on a join: {tries:?}");
}

/// A pass-through stream hands out the events exactly as the server sent them (checked
/// against the bytes the proxy forwarded, read by the proxy's own parser), and the same events
/// as a typed stream of the same run: same names, same data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pass_through_events_are_what_the_server_sent() {
    let upstream = langgraph_testbed::shared_url().unwrap();
    let proxy = Proxy::start(&upstream, None).await;
    let case = Case {
        modes: vec![
            StreamMode::MessagesTuple,
            StreamMode::Values,
            StreamMode::Updates,
        ],
        ..Case::chat()
    };
    let mut stream = start(&proxy.url, &upstream, &case)
        .await
        .pass_through()
        .await
        .unwrap();
    let mut sent = Vec::new();
    while let Some(event) = stream.try_next().await.unwrap() {
        sent.push(event);
    }
    let wire = proxy.response(0, 0).expect("the stream response").events();
    let got: Vec<(String, String, String)> = sent
        .iter()
        .map(|e| {
            let data = String::from_utf8(e.data().to_vec()).unwrap();
            let id = e.id().unwrap_or_default().to_string();
            (id, e.event().to_string(), data)
        })
        .collect();
    assert!(got.len() > 20, "{got:?}");
    assert_eq!(got, wire, "the events as the server sent them, each once");

    // The typed stream of the same run (a join from the start: the server replays it), through
    // a proxy of its own, which records the bytes the typed stream read.
    let (thread, run) = (stream.thread_id().unwrap(), stream.run_id().unwrap());
    let typed_proxy = Proxy::start(&upstream, None).await;
    let mut typed = client(&typed_proxy.url)
        .runs()
        .join_stream(thread, run)
        .last_event_id("0")
        .await
        .unwrap();
    let mut names = Vec::new();
    let mut i = 0;
    while let Some(event) = typed.try_next().await.unwrap() {
        let as_sent = &sent[i];
        names.push(event.event());
        assert_eq!(event.event(), as_sent.event(), "event {i}");
        let part = as_sent.to_part::<Value>().unwrap();
        assert_eq!(
            format!("{part:?}"),
            format!("{event:?}"),
            "event {i}: an event as sent, read later, is the typed stream's"
        );
        assert_eq!(event.id.as_deref(), as_sent.id(), "event {i}");
        let data: Value = if as_sent.data().is_empty() {
            Value::Null
        } else {
            as_sent.json().unwrap()
        };
        match &event.part {
            // The typed message fills in fields the server left out: compare what it sent.
            StreamPart::Message { chunk, metadata } => {
                assert_eq!(json!(chunk.text()), data[0]["content"], "event {i}");
                assert_eq!(metadata.to_typed::<Value>().unwrap(), data[1], "event {i}");
            }
            _ => assert_eq!(event.data().unwrap(), data, "event {i}"),
        }
        i += 1;
    }
    assert_eq!(
        i,
        sent.len(),
        "the typed stream has the same events: {names:?}"
    );
    let typed_wire = typed_proxy
        .response(0, 0)
        .expect("the typed stream's response")
        .events();
    assert_eq!(
        typed_wire, got,
        "the typed stream read the same names, data bytes and ids"
    );
    report(format!(
        "pass-through: {} events of a chat run byte for byte as the server sent them, and as the typed stream reads them (same names, ids, data bytes)",
        sent.len()
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_close_of_a_running_run_is_rejoined() {
    let upstream = langgraph_testbed::shared_url().unwrap();
    let case = Case::slow(8, 0.05);
    // A clean close (FIN) right after the first events (the head is about 450 bytes), while
    // the run still has ticks to go.
    let proxy = Proxy::start(
        &upstream,
        Some(CutAt {
            connection: 0,
            after: 700,
            how: Cut::Close,
        }),
    )
    .await;
    let (events, reconnects) = run_through(&proxy.url, &upstream, &case).await.unwrap();
    let cut = proxy.cut().expect("cut");
    assert!(
        matches!(cut.landed, Landed::Body { events, .. } if (1..8).contains(&events)),
        "{cut:?}"
    );
    assert!(reconnects >= 1, "rejoined");
    assert!(proxy.connections() >= 2);
    let ticks: Vec<_> = events
        .iter()
        .filter(|e| matches!(e.part, StreamPart::Custom(_)))
        .collect();
    assert_eq!(ticks.len(), 8, "every tick, once: {:?}", payload(&events));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_that_cannot_be_resumed_fails_loudly() {
    let upstream = langgraph_testbed::shared_url().unwrap();
    let input = json!({"steps": 8, "delay": 0.05});
    let proxy = Proxy::start(
        &upstream,
        Some(CutAt {
            connection: 0,
            after: 700,
            how: Cut::Reset,
        }),
    )
    .await;
    let thread = thread(&upstream).await;
    let mut stream = client(&proxy.url)
        .runs()
        .stream(thread, "slow")
        .input(input)
        .stream_mode([StreamMode::Custom])
        .await
        .unwrap();
    let err = loop {
        match stream.try_next().await {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("a cut non-resumable stream must not end as if complete"),
            Err(e) => break e,
        }
    };
    let cut = proxy.cut().expect("cut");
    assert!(
        matches!(cut.landed, Landed::Body { events, .. } if events >= 1),
        "{cut:?}"
    );
    match err {
        langgraph_sdk::Error::StreamLost { reason, run_id, .. } => {
            assert!(reason.contains("stream_resumable"), "{reason}");
            assert!(run_id.is_some(), "the run is named, to join it");
        }
        other => panic!("{other}"),
    }
}

const THREAD: &str = "00000000-0000-0000-0000-000000000001";
const RUN: &str = "00000000-0000-0000-0000-000000000002";

/// A scripted stream response (status line, headers, chunked body) carrying the `custom`
/// events `ns` (event `n` has id `n-0`), then `end` if `end`; without `end` the body breaks
/// off (no final chunk), a transport error.
fn scripted(ns: &[u32], end: bool) -> Vec<u8> {
    let chunk = |text: String| format!("{:x}\r\n{text}\r\n", text.len());
    let mut out = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\
         location: /threads/{THREAD}/runs/{RUN}/stream\r\n\
         content-location: /threads/{THREAD}/runs/{RUN}\r\n\r\n"
    );
    for n in ns {
        out.push_str(&chunk(format!(
            "event: custom\ndata: {{\"n\":{n}}}\nid: {n}-0\n\n"
        )));
    }
    if end {
        out.push_str(&chunk("event: end\ndata: null\n\n".into()));
        out.push_str("0\r\n\r\n");
    }
    out.into_bytes()
}

/// The `n` of every custom event of `stream`, in order.
async fn numbers(mut stream: langgraph_sdk::stream::RunStream) -> Vec<u64> {
    let mut got = Vec::new();
    while let Some(event) = stream.try_next().await.unwrap() {
        if let StreamPart::Custom(value) = event.part {
            got.push(value["n"].as_u64().unwrap());
        }
    }
    got
}

/// The same repeated block from a scripted server, so that it happens on every run: the first
/// connection breaks after three events; the resume replays the third (already delivered),
/// sends two new ones, then those two again (the repeat), then the rest.
#[tokio::test]
async fn a_scripted_repeated_block_on_resume_is_dropped() {
    use common::mock::{Mock, Reply};

    let mock = Mock::start(vec![
        Reply::Raw(scripted(&[1, 2, 3], false)),
        Reply::Raw(scripted(&[3, 4, 5, 4, 5, 6], true)),
    ])
    .await;
    let stream = client(&mock.url)
        .runs()
        .stream(THREAD, "slow")
        .stream_mode([StreamMode::Custom])
        .stream_resumable(true)
        .await
        .unwrap();
    assert_eq!(
        numbers(stream).await,
        [1, 2, 3, 4, 5, 6],
        "each once, in order"
    );
    let seen = mock.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen[1].line.starts_with("GET /threads/"), "{:?}", seen[1]);
    let last_event_id = seen[1].headers.iter().find(|(k, _)| k == "last-event-id");
    assert_eq!(
        last_event_id.map(|(_, v)| v.as_str()),
        Some("2-0"),
        "resumed before the last delivered id"
    );
}

/// A join from the start: the replay of events 1..=3, then 2 and 3 again from the live feed.
#[tokio::test]
async fn a_scripted_repeated_block_on_a_join_is_dropped() {
    use common::mock::{Mock, Reply};

    let mock = Mock::start(vec![Reply::Raw(scripted(&[1, 2, 3, 2, 3, 4], true))]).await;
    let stream = client(&mock.url)
        .runs()
        .join_stream(THREAD, RUN)
        .last_event_id("0")
        .await
        .unwrap();
    assert_eq!(numbers(stream).await, [1, 2, 3, 4], "each once, in order");
}
