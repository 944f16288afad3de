//! What the blocking client promises beyond the guide scenarios (`live_scenarios.rs`), against
//! the real server: many threads share one client and one connection pool; it works inside an
//! async runtime (where `reqwest::blocking` panics); dropping a stream closes its connection;
//! a callback may call the client; thread streaming sessions in blocking form.

#![cfg(feature = "blocking")]

mod common;

use std::thread;

use common::fault::Proxy;
use langgraph_sdk::{
    Error, Result, blocking,
    messages::MessageAccumulator,
    runs::StreamMode,
    stream::StreamPart,
    thread_stream::{ProjectionKind, ProtocolErrorCode, Role},
    types::{OnDisconnect, RunStatus},
};
use serde_json::{Value, json};

const CHAT_TEXT: &str = "The quick brown fox jumps over the lazy dog, streaming token by token.";

fn report(line: String) {
    // Straight to stderr, so that the figure shows when the test passes.
    let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{line}\n").as_bytes());
}

fn hi() -> Value {
    json!({"messages": [{"role": "user", "content": "hi"}]})
}

/// One client, cloned into many threads, uses one pool: a call from any thread takes a
/// connection another thread opened. The proxy between the client and the server counts the
/// connections.
#[test]
fn many_threads_share_one_client_and_one_pool() {
    let io = tokio::runtime::Runtime::new().unwrap();
    let upstream = langgraph_testbed::shared_url().unwrap();
    let proxy = io.block_on(Proxy::start(&upstream, None));
    let client = blocking::Client::builder()
        .url(&proxy.url)
        .no_api_key()
        .build()
        .unwrap();

    // One after another, each from a new thread: the connection the first one opened. (The
    // pool takes a connection back in a task of the runtime thread once the response has
    // ended, after the call has returned: each thread gives it a moment, else a busy machine
    // can make the next call open a second connection.)
    let one_by_one = |client: &blocking::Client| {
        for _ in 0..8 {
            let client = client.clone();
            thread::spawn(move || client.health().send())
                .join()
                .unwrap()
                .unwrap();
            thread::sleep(std::time::Duration::from_millis(100));
        }
    };
    one_by_one(&client);
    let sequential = proxy.connections();
    assert_eq!(sequential, 1, "8 threads one after another, one connection");

    // All at once: 8 threads, each making 25 threads and reading each back. (The pool may
    // open a few more connections than there are threads: a connection being opened for a
    // call that then takes one freed by another thread joins the pool too.)
    let (threads, calls) = (8, 25);
    let workers: Vec<_> = (0..threads)
        .map(|i| {
            let client = client.clone();
            thread::spawn(move || -> Result<()> {
                for j in 0..calls {
                    let made = client
                        .threads()
                        .create()
                        .metadata(json!({"worker": i, "call": j}))
                        .send()?;
                    let got = client.threads().get(made.thread_id).send()?;
                    assert_eq!(got.metadata["worker"], json!(i));
                }
                Ok(())
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap().unwrap();
    }
    let concurrent = proxy.connections();
    let requests = proxy.requests().len();
    assert_eq!(requests, 8 + threads * calls * 2, "every call went through");
    assert!(
        concurrent < requests / 10,
        "{concurrent} connections for {requests} requests"
    );

    // New threads again, one after another: they take the connections the others left.
    one_by_one(&client);
    assert_eq!(proxy.connections(), concurrent, "no new connection");
    report(format!(
        "blocking pool: 8 threads one after another used {sequential} connection; \
         {threads} threads at once made {requests} requests over {concurrent} connections; \
         8 new threads after them opened none"
    ));
}

/// A blocking call blocks its thread, wherever it is made: inside a task of a Tokio runtime
/// it runs (no panic), and the client can be made and dropped there.
#[tokio::test]
async fn it_works_inside_a_current_thread_runtime() {
    let client = common::blocking_client();
    let thread = client.threads().create().send().unwrap();
    let events = client
        .runs()
        .stream(thread.thread_id, "slow")
        .input(json!({"steps": 3, "delay": 0.05}))
        .stream_mode(StreamMode::Custom)
        .send()
        .unwrap()
        .collect::<Result<Vec<_>>>()
        .unwrap();
    let ticks = events
        .iter()
        .filter(|e| matches!(e.part, StreamPart::Custom(_)))
        .count();
    assert_eq!(ticks, 3);
    // The runtime goes on once the call returns.
    assert_eq!(tokio::spawn(async { 7 }).await.unwrap(), 7);
    drop(client);
    tokio::task::yield_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn it_works_inside_a_multi_thread_runtime_and_from_spawn_blocking() {
    let made_here = common::blocking_client();
    let out: Value = made_here
        .runs()
        .wait_stateless("echo")
        .input(json!({"text": "in a task"}))
        .send()
        .unwrap();
    assert_eq!(out["echo"], json!("in a task"));
    let client = made_here.clone();
    let out: Value = tokio::task::spawn_blocking(move || {
        client
            .runs()
            .wait_stateless("echo")
            .input(json!({"text": "in spawn_blocking"}))
            .send()
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(out["echo"], json!("in spawn_blocking"));
    drop(made_here);
}

/// Dropping the iterator closes the connection: the server sees the client go, and cancels
/// the run as `on_disconnect(Cancel)` asks.
#[test]
fn dropping_a_stream_closes_its_connection() {
    let client = common::blocking_client();
    let thread = client.threads().create().send().unwrap();
    let mut stream = client
        .runs()
        .stream(thread.thread_id, "slow")
        .input(json!({"steps": 100, "delay": 0.1}))
        .stream_mode(StreamMode::Custom)
        .on_disconnect(OnDisconnect::Cancel)
        .send()
        .unwrap();
    let tick = stream
        .find(|e| matches!(e, Ok(e) if matches!(e.part, StreamPart::Custom(_))))
        .expect("a tick");
    tick.unwrap();
    let run = stream.run_id().expect("the run");
    let running = client.runs().get(thread.thread_id, run).send().unwrap();
    assert!(matches!(running.status, RunStatus::Running), "{running:?}");
    drop(stream);
    common::eventually_blocking("the server cancels the run of the dropped stream", || {
        let run = client.runs().get(thread.thread_id, run).send().unwrap();
        matches!(run.status, RunStatus::Interrupted)
    });
}

/// `MessageAccumulator::collect_iter` folds a blocking stream into its messages, as `collect`
/// does an async one.
#[test]
fn message_chunks_of_a_blocking_stream_collect_into_the_answer() {
    let client = common::blocking_client();
    let thread = client.threads().create().send().unwrap();
    let stream = client
        .runs()
        .stream(thread.thread_id, "chat")
        .input(hi())
        .stream_mode(StreamMode::MessagesTuple)
        .send()
        .unwrap();
    let messages = MessageAccumulator::collect_iter(stream).unwrap();
    let answer = messages
        .iter()
        .rfind(|m| m.kind == "ai")
        .expect("an answer");
    assert_eq!(answer.text(), CHAT_TEXT);
    assert!(answer.complete);
}

/// `.pass_through()` gives the events as sent, as an iterator, then ends.
#[test]
fn a_pass_through_stream_is_an_iterator_of_the_events_as_sent() {
    let client = common::blocking_client();
    let thread = client.threads().create().send().unwrap();
    let events = client
        .runs()
        .stream(thread.thread_id, "echo")
        .input(json!({"text": "as sent"}))
        .stream_mode(StreamMode::Values)
        .pass_through()
        .send()
        .unwrap()
        .collect::<Result<Vec<_>>>()
        .unwrap();
    let names: Vec<&str> = events.iter().map(|e| e.event()).collect();
    assert_eq!(names.first(), Some(&"metadata"), "{names:?}");
    let last: Value = events
        .iter()
        .rfind(|e| e.event() == "values")
        .expect("values")
        .json()
        .unwrap();
    assert_eq!(last["echo"], json!("as sent"));
}

/// A callback runs on the caller's thread, inside the call: it may make calls of its own.
#[test]
fn a_callback_can_call_the_client() {
    let client = common::blocking_client();
    let thread = client.threads().create().send().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let inner = client.clone();
    let out: Value = client
        .runs()
        .wait(thread.thread_id, "echo")
        .input(json!({"text": "hi"}))
        .on_run_created(move |created| {
            let run = inner
                .runs()
                .get(created.thread_id.unwrap(), created.run_id)
                .send();
            let _ = tx.send(run.map(|r| r.run_id == created.run_id));
        })
        .send()
        .unwrap();
    assert_eq!(out["echo"], json!("hi"));
    assert!(
        rx.recv().unwrap().unwrap(),
        "the callback's call saw the run"
    );
}

/// What a `std::thread` program moves between threads can move: the client (shared too), a
/// stream, the pages of a search, a session and its projections. And the client's `Debug`
/// keeps its API key out, as the async one does.
#[test]
fn blocking_values_cross_threads_and_debug_keeps_the_key_out() {
    fn send<T: Send>() {}
    fn shared<T: Send + Sync + Clone>() {}
    shared::<blocking::Client>();
    send::<blocking::RunStream>();
    send::<blocking::PassThroughStream>();
    send::<blocking::Pages<langgraph_sdk::types::Thread>>();
    send::<blocking::ThreadStream>();
    send::<blocking::Projection<Value>>();
    send::<blocking::Deltas<String>>();

    let builder = blocking::Client::builder()
        .url("http://127.0.0.1:9")
        .api_key("lsv2-secret-key-123");
    assert!(!format!("{builder:?}").contains("secret"), "{builder:?}");
    let client = builder.build().unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains("secret"), "{debug}");
    assert!(debug.contains("Blocking"), "{debug}");
}

/// The same errors as the async client: refused before sending, and the server's.
#[test]
fn errors_are_the_async_clients() {
    let client = common::blocking_client();
    let err = client
        .runs()
        .wait_stateless("echo")
        .metadata(json!("not an object"))
        .send()
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    let err = client
        .threads()
        .get(uuid::Uuid::new_v4())
        .header("x-user-id", "u1")
        .send()
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let err = blocking::Client::new("ftp://nowhere").unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err}");
}

/// A thread streaming session: live tokens of a message, the run's output; values and an
/// interrupt answered in the session; a merged projection.
#[test]
fn a_thread_streaming_session_in_blocking_form() {
    let client = common::blocking_client();

    let session = client.threads().stream("chat").send().unwrap();
    session.start().input(hi()).send().unwrap();
    let mut messages = session.messages();
    let message = messages.next().expect("a message").unwrap();
    assert_eq!(message.role(), &Role::Ai);
    let deltas = message.text_deltas().collect::<Result<Vec<_>>>().unwrap();
    assert!(deltas.len() > 10, "one delta per token: {deltas:?}");
    assert_eq!(deltas.concat(), CHAT_TEXT);
    assert_eq!(message.text().unwrap(), CHAT_TEXT);
    assert!(messages.next().is_none(), "one message, then the run ends");
    let output: Value = session.output().unwrap();
    assert_eq!(
        output["messages"].as_array().unwrap().last().unwrap()["id"].as_str(),
        message.id()
    );

    let session = client.threads().stream("interrupt").send().unwrap();
    let values = session.values();
    let mut interrupts = session.interrupts();
    session
        .start()
        .input(json!({"question": "Proceed?"}))
        .send()
        .unwrap();
    let interrupt = interrupts.next().expect("an interrupt").unwrap();
    assert_eq!(interrupt.payload, json!({"question": "Proceed?"}));
    assert_eq!(session.pending_interrupts(), vec![interrupt.clone()]);
    session.respond(&interrupt, "yes").send().unwrap();
    let output: Value = session.output().unwrap();
    assert_eq!(
        (&output["answer"], &output["done"]),
        (&json!("yes"), &json!(true))
    );
    let values = values.collect::<Result<Vec<Value>>>().unwrap();
    assert_eq!(values.last(), Some(&output));
    assert!(interrupts.next().is_none());
    let again = session.respond(&interrupt, "again").send().unwrap_err();
    assert!(
        matches!(&again, Error::Protocol(e) if e.code == ProtocolErrorCode::NoSuchInterrupt),
        "{again}"
    );

    let session = client.threads().stream("chat").send().unwrap();
    let merged = session.merged([ProjectionKind::Values, ProjectionKind::Messages]);
    session.start().input(hi()).send().unwrap();
    let (mut states, mut texts) = (0, Vec::new());
    for item in merged {
        match item.unwrap() {
            blocking::Merged::Values(_) => states += 1,
            blocking::Merged::Message(m) => texts.push(m.text().unwrap()),
            other => panic!("{other:?}"),
        }
    }
    assert!(states >= 2, "{states}");
    assert_eq!(texts, [CHAT_TEXT]);
}
