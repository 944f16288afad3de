//! `langgraph-bench raw <workload>`: the baseline. The same requests with plain `reqwest`
//! (the SDK's version, default client settings), reading the same bytes and parsing nothing:
//! no SSE decoding, no JSON. Streams report `events: 0` and the bytes read; their event rate
//! is the stream's known event count over the time.

use futures_util::future::join_all;

use crate::{Args, Clock, Outcome, report_error, shares};

pub async fn run(args: &Args) -> Result<Outcome, Box<dyn std::error::Error>> {
    let http = reqwest::Client::builder().build()?;
    let base = args.url.trim_end_matches('/').to_string();
    let outcome = match args.workload.as_str() {
        "stream" | "memory" => {
            let url = stream_url(&base, args.thread()?, args.run()?);
            let clock = Clock::start();
            let result = read_stream(&http, &url).await;
            let mut outcome = clock.outcome(0, 1, 0);
            match result {
                Ok(bytes) => outcome.bytes = Some(bytes),
                Err(e) => {
                    report_error("stream", Some(&e));
                    outcome.errors = 1;
                }
            }
            outcome
        }
        "requests" => {
            let (thread, count) = (args.thread()?, args.count()?);
            let url = format!("{base}/threads/{thread}");
            let clock = Clock::start();
            let (mut errors, mut bytes) = (0, 0);
            for _ in 0..count {
                match get_bytes(&http, &url).await {
                    Ok(n) => bytes += n,
                    Err(e) => {
                        if errors == 0 {
                            report_error("GET", Some(&e));
                        }
                        errors += 1;
                    }
                }
            }
            let mut outcome = clock.outcome(0, count, errors);
            outcome.bytes = Some(bytes);
            outcome
        }
        "concurrent" => {
            let url = stream_url(&base, args.thread()?, args.run()?);
            let streams = args.concurrency()?;
            let clock = Clock::start();
            let tasks = (0..streams).map(|_| {
                let (http, url) = (http.clone(), url.clone());
                tokio::spawn(async move { read_stream(&http, &url).await })
            });
            let results = join_all(tasks).await;
            let mut outcome = clock.outcome(0, streams as u64, 0);
            let mut bytes = 0;
            for result in results {
                match result {
                    Ok(Ok(n)) => bytes += n,
                    Ok(Err(e)) => {
                        if outcome.errors == 0 {
                            report_error("stream", Some(&e));
                        }
                        outcome.errors += 1;
                    }
                    Err(e) => {
                        eprintln!("task failed: {e}");
                        outcome.errors += 1;
                    }
                }
            }
            outcome.bytes = Some(bytes);
            outcome
        }
        "e2e-wait" | "e2e-stream" => e2e(&http, &base, args).await?,
        other => return Err(format!("unknown workload {other:?}").into()),
    };
    Ok(outcome)
}

fn stream_url(base: &str, thread: &str, run: &str) -> String {
    format!("{base}/threads/{thread}/runs/{run}/stream")
}

/// Reads a stream to its end; returns the bytes read.
async fn read_stream(http: &reqwest::Client, url: &str) -> reqwest::Result<u64> {
    let mut response = http
        .get(url)
        .header("accept", "text/event-stream")
        .send()
        .await?
        .error_for_status()?;
    let mut bytes = 0;
    while let Some(chunk) = response.chunk().await? {
        bytes += chunk.len() as u64;
    }
    Ok(bytes)
}

async fn get_bytes(http: &reqwest::Client, url: &str) -> reqwest::Result<u64> {
    let response = http.get(url).send().await?.error_for_status()?;
    Ok(response.bytes().await?.len() as u64)
}

async fn post_bytes(http: &reqwest::Client, url: &str, body: &'static str) -> reqwest::Result<u64> {
    let mut response = http
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await?
        .error_for_status()?;
    let mut bytes = 0;
    while let Some(chunk) = response.chunk().await? {
        bytes += chunk.len() as u64;
    }
    Ok(bytes)
}

/// The e2e workloads with bare requests: `POST /threads/{id}/runs/wait` or `/runs/stream`
/// with the body the SDKs send, the answer read as bytes.
async fn e2e(
    http: &reqwest::Client,
    base: &str,
    args: &Args,
) -> Result<Outcome, Box<dyn std::error::Error>> {
    let count = args.count()?;
    let lanes = args.concurrency.unwrap_or(1);
    let mut threads = Vec::new();
    for _ in 0..lanes {
        let created = http
            .post(format!("{base}/threads"))
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        let created: serde_json::Value = serde_json::from_slice(&created)?;
        let id = created["thread_id"]
            .as_str()
            .ok_or("no thread_id in the created thread")?
            .to_string();
        threads.push(id);
    }
    let (path, body) = if args.workload == "e2e-stream" {
        (
            "stream",
            r#"{"assistant_id":"echo","input":{"text":"hi"},"stream_mode":["values"]}"#,
        )
    } else {
        ("wait", r#"{"assistant_id":"echo","input":{"text":"hi"}}"#)
    };
    let clock = Clock::start();
    let lanes = threads
        .into_iter()
        .zip(shares(count, lanes))
        .map(|(thread, runs)| {
            let http = http.clone();
            let url = format!("{base}/threads/{thread}/runs/{path}");
            tokio::spawn(async move {
                let (mut bytes, mut errors) = (0, 0);
                for _ in 0..runs {
                    match post_bytes(&http, &url, body).await {
                        Ok(n) => bytes += n,
                        Err(e) => {
                            if errors == 0 {
                                report_error("run", Some(&e));
                            }
                            errors += 1;
                        }
                    }
                }
                (bytes, errors)
            })
        });
    let results = join_all(lanes).await;
    let mut outcome = clock.outcome(0, count, 0);
    let mut bytes = 0;
    for result in results {
        let (n, errors) = result.unwrap_or((0, 1));
        bytes += n;
        outcome.errors += errors;
    }
    outcome.bytes = Some(bytes);
    Ok(outcome)
}
