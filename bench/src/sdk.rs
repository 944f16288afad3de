//! `langgraph-bench client <workload>`: the workloads through this SDK's public API, as a user
//! writes them.

use futures_util::{TryStreamExt, future::join_all};
use langgraph_sdk::{Client, runs::StreamMode};
use serde_json::json;

use crate::{Args, Clock, Outcome, report_error, shares};

/// How a stream is read: typed parts, or the events as sent (`.pass_through()`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Read {
    Typed,
    PassThrough,
}

pub async fn run(args: &Args, read: Read) -> Result<Outcome, Box<dyn std::error::Error>> {
    // Not timed: building the client (the HTTP client, its TLS configuration).
    let client = Client::builder().url(&args.url).no_api_key().build()?;
    let outcome = match args.workload.as_str() {
        "stream" | "memory" => {
            let (thread, run) = (args.thread()?, args.run()?);
            let clock = Clock::start();
            let (events, error) = consume(&client, thread, run, read).await;
            report_error("join_stream", error.as_ref());
            clock.outcome(events, 1, u64::from(error.is_some()))
        }
        "requests" => {
            let (thread, count) = (args.thread()?, args.count()?);
            let clock = Clock::start();
            let mut errors = 0;
            for _ in 0..count {
                if let Err(e) = client.threads().get(thread).await {
                    if errors == 0 {
                        report_error("threads().get", Some(&e));
                    }
                    errors += 1;
                }
            }
            clock.outcome(0, count, errors)
        }
        "concurrent" => {
            let (thread, run, streams) = (args.thread()?, args.run()?, args.concurrency()?);
            let clock = Clock::start();
            // One task per stream, all on one client (its connection pool).
            let tasks = (0..streams).map(|_| {
                let (client, thread, run) = (client.clone(), thread.to_owned(), run.to_owned());
                tokio::spawn(async move { consume(&client, &thread, &run, read).await })
            });
            let results = join_all(tasks).await;
            let mut outcome = clock.outcome(0, streams as u64, 0);
            for result in results {
                match result {
                    Ok((events, error)) => {
                        outcome.events += events;
                        if error.is_some() {
                            if outcome.errors == 0 {
                                report_error("join_stream", error.as_ref());
                            }
                            outcome.errors += 1;
                        }
                    }
                    Err(e) => {
                        eprintln!("task failed: {e}");
                        outcome.errors += 1;
                    }
                }
            }
            outcome
        }
        "e2e-wait" | "e2e-stream" if read == Read::Typed => e2e(&client, args).await?,
        other => return Err(format!("unknown workload {other:?}").into()),
    };
    Ok(outcome)
}

/// Consumes one join stream read as `read`; returns the events and the error that ended it.
async fn consume(
    client: &Client,
    thread: &str,
    run: &str,
    read: Read,
) -> (u64, Option<langgraph_sdk::Error>) {
    let join = client.runs().join_stream(thread, run);
    match read {
        Read::Typed => match join.await {
            Ok(stream) => count(stream).await,
            Err(e) => (0, Some(e)),
        },
        Read::PassThrough => match join.pass_through().await {
            Ok(stream) => count(stream).await,
            Err(e) => (0, Some(e)),
        },
    }
}

/// Reads a stream to its end; returns its items and the error that ended it.
async fn count<T>(
    mut stream: impl futures_util::Stream<Item = langgraph_sdk::Result<T>> + Unpin,
) -> (u64, Option<langgraph_sdk::Error>) {
    let mut events = 0;
    loop {
        match stream.try_next().await {
            Ok(Some(event)) => {
                std::hint::black_box(&event);
                events += 1;
            }
            Ok(None) => return (events, None),
            Err(e) => return (events, Some(e)),
        }
    }
}

/// `--count` runs of the `echo` graph on the real server, `--concurrency` at a time: one
/// thread per concurrent sequence (created before the clock starts), each running its share
/// of the runs one after the other.
async fn e2e(client: &Client, args: &Args) -> Result<Outcome, Box<dyn std::error::Error>> {
    let count = args.count()?;
    let lanes = args.concurrency.unwrap_or(1);
    let mut threads = Vec::new();
    for _ in 0..lanes {
        threads.push(client.threads().create().await?.thread_id.to_string());
    }
    let streamed = args.workload == "e2e-stream";
    let clock = Clock::start();
    let lanes = threads
        .into_iter()
        .zip(shares(count, lanes))
        .map(|(thread, runs)| {
            let client = client.clone();
            tokio::spawn(async move {
                let (mut events, mut errors) = (0, 0);
                for _ in 0..runs {
                    let result = if streamed {
                        run_streamed(&client, &thread).await
                    } else {
                        client
                            .runs()
                            .wait(&thread, "echo")
                            .input(json!({"text": "hi"}))
                            .await
                            .map(|_| 0)
                    };
                    match result {
                        Ok(n) => events += n,
                        Err(e) => {
                            if errors == 0 {
                                report_error("run", Some(&e));
                            }
                            errors += 1;
                        }
                    }
                }
                (events, errors)
            })
        });
    let results = join_all(lanes).await;
    let mut outcome = clock.outcome(0, count, 0);
    for result in results {
        let (events, errors) = result.unwrap_or((0, 1));
        outcome.events += events;
        outcome.errors += errors;
    }
    Ok(outcome)
}

async fn run_streamed(client: &Client, thread: &str) -> langgraph_sdk::Result<u64> {
    let mut stream = client
        .runs()
        .stream(thread, "echo")
        .input(json!({"text": "hi"}))
        .stream_mode([StreamMode::Values])
        .await?;
    let mut events = 0;
    while let Some(event) = stream.try_next().await? {
        std::hint::black_box(&event);
        events += 1;
    }
    Ok(events)
}
