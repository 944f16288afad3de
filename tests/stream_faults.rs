//! Fault injection: a TCP proxy of our own between the client and the real server cuts the
//! connection of a run stream at a random byte offset; the stream must resume and deliver
//! exactly the events of an uncut run: none lost, none twice.
//!
//! Seeds are printed; rerun one with `LANGGRAPH_FAULT_SEED=<seed>`.

mod common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use futures_util::TryStreamExt;
use langgraph_sdk::{
    Client, RetryPolicy,
    runs::StreamMode,
    stream::{StreamEvent, StreamPart},
};
use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// How the proxy ends the first connection.
#[derive(Debug, Clone, Copy)]
enum Cut {
    /// Closes both sides cleanly (FIN): looks like the end of the stream.
    Close,
    /// Resets the client side (RST): a transport error mid-body.
    Reset,
}

/// A proxy to `upstream` that cuts the response of its first connection after `after` bytes.
async fn proxy(upstream: String, after: usize, cut: Cut) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((client, _)) = listener.accept().await else {
                return;
            };
            let first = count.fetch_add(1, Ordering::SeqCst) == 0;
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let Ok(mut server) = TcpStream::connect(&upstream).await else {
                    return;
                };
                let mut client = client;
                let (mut from_client, mut from_server) = ([0u8; 8192], [0u8; 8192]);
                let mut sent = 0usize;
                loop {
                    tokio::select! {
                        read = client.read(&mut from_client) => match read {
                            Ok(0) | Err(_) => return,
                            Ok(n) => if server.write_all(&from_client[..n]).await.is_err() { return },
                        },
                        read = server.read(&mut from_server) => match read {
                            Ok(0) | Err(_) => return,
                            Ok(n) if first && sent + n >= after => {
                                let _ = client.write_all(&from_server[..after - sent]).await;
                                match cut {
                                    Cut::Close => {
                                        let _ = client.shutdown().await;
                                    }
                                    Cut::Reset => {
                                        // Linger 0: closing sends RST instead of FIN.
                                        #[allow(deprecated)]
                                        let _ = client.set_linger(Some(Duration::ZERO));
                                    }
                                }
                                return;
                            }
                            Ok(n) => {
                                if client.write_all(&from_server[..n]).await.is_err() { return }
                                sent += n;
                            }
                        },
                    }
                }
            });
        }
    });
    (url, connections)
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

/// The events that must arrive, without the run-specific metadata.
fn payload(events: &[StreamEvent]) -> Vec<String> {
    events
        .iter()
        .filter(|e| !matches!(e.part, StreamPart::Metadata(_)))
        .map(|e| match &e.part {
            StreamPart::Custom(v) => format!("custom {v}"),
            StreamPart::Values { values, .. } => format!("values {values}"),
            StreamPart::Updates(u) => format!("updates {}", serde_json::Value::Object(u.clone())),
            other => format!("{other:?}"),
        })
        .collect()
}

async fn run_through(
    base: &str,
    upstream_url: &str,
) -> langgraph_sdk::Result<(Vec<StreamEvent>, u32)> {
    let client = Client::builder()
        .url(base)
        .no_api_key()
        .retry(RetryPolicy {
            max_retries: 5,
            initial_backoff: Duration::from_millis(30),
            max_backoff: Duration::from_millis(300),
        })
        .build()
        .unwrap();
    // The thread is made directly on the server, so that the proxy's first connection is the stream.
    let direct = Client::builder()
        .url(upstream_url)
        .no_api_key()
        .build()
        .unwrap();
    let thread = direct.threads().create().await.unwrap();
    let mut stream = client
        .runs()
        .stream(thread.thread_id, "slow")
        .input(json!({"steps": 8, "delay": 0.05}))
        .stream_mode([StreamMode::Custom, StreamMode::Values, StreamMode::Updates])
        .stream_resumable(true)
        .await?;
    let mut events = Vec::new();
    while let Some(event) = stream.try_next().await? {
        events.push(event);
    }
    Ok((events, stream.reconnects()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_streams_resume_with_nothing_lost_or_repeated() {
    let upstream_url = langgraph_testbed::shared_url().unwrap();
    let upstream = upstream_url.trim_start_matches("http://").to_string();

    // The reference: an uncut run, and the size of its response.
    let (reference, _) = run_through(
        &proxy(upstream.clone(), usize::MAX, Cut::Close).await.0,
        &upstream_url,
    )
    .await
    .unwrap();
    let expected = payload(&reference);
    assert!(expected.len() >= 20, "{expected:?}");

    let runs: u64 = std::env::var("LANGGRAPH_FAULT_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
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
    let (mut resumed, mut lost, mut duplicated, mut failures) = (0, 0, 0, Vec::new());
    for i in 0..runs {
        let seed = base_seed.wrapping_add(i).max(1);
        let mut rng = Rng(seed);
        // Past the response headers (~430 bytes: a cut inside them loses the response of the
        // POST itself, which is a transport error by design, since a request that may have
        // started a run is never re-sent), before the end of a ~4 KB body.
        let after = 600 + rng.below(2800) as usize;
        let cut = if rng.below(2) == 0 {
            Cut::Close
        } else {
            Cut::Reset
        };
        let (url, _) = proxy(upstream.clone(), after, cut).await;
        let (events, reconnects) = match run_through(&url, &upstream_url).await {
            Ok(done) => done,
            Err(e) => {
                failures.push(format!("seed {seed}: cut {cut:?} after {after} bytes: {e}"));
                continue;
            }
        };
        let got = payload(&events);
        let missing = expected
            .iter()
            .filter(|e| {
                got.iter().filter(|g| g == e).count() < expected.iter().filter(|x| x == e).count()
            })
            .count();
        let extra = got.len().saturating_sub(expected.len() - missing);
        lost += missing;
        duplicated += extra;
        if reconnects > 0 && got == expected {
            resumed += 1;
        }
        if got != expected && std::env::var("LANGGRAPH_FAULT_DEBUG").is_ok() {
            let ids: Vec<String> = events
                .iter()
                .map(|e| {
                    format!(
                        "{} {:?}",
                        e.id.clone().unwrap_or_default(),
                        std::mem::discriminant(&e.part)
                    )
                })
                .collect();
            eprintln!("expected {expected:#?}\ngot {got:#?}\nids {ids:#?}");
        }
        if got != expected || reconnects == 0 {
            failures.push(format!("seed {seed}: cut {cut:?} after {after} bytes, {reconnects} reconnects, lost {missing}, extra {extra}"));
        }
    }
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("seeds {base_seed}..{}\nresumed: {resumed}/{runs}, lost: {lost}, duplicated: {duplicated}\n", base_seed.wrapping_add(runs - 1)).as_bytes(),
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_close_of_a_running_run_is_rejoined() {
    let upstream_url = langgraph_testbed::shared_url().unwrap();
    let upstream = upstream_url.trim_start_matches("http://").to_string();
    // A clean close (FIN) right after the first events, while the run still has ticks to go.
    let (url, connections) = proxy(upstream, 700, Cut::Close).await;
    let (events, reconnects) = run_through(&url, &upstream_url).await.unwrap();
    assert!(reconnects >= 1, "rejoined");
    assert!(connections.load(Ordering::SeqCst) >= 2);
    let ticks: Vec<_> = events
        .iter()
        .filter(|e| matches!(e.part, StreamPart::Custom(_)))
        .collect();
    assert_eq!(ticks.len(), 8, "every tick, once: {:?}", payload(&events));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_that_cannot_be_resumed_fails_loudly() {
    let upstream_url = langgraph_testbed::shared_url().unwrap();
    let upstream = upstream_url.trim_start_matches("http://").to_string();
    let (url, _) = proxy(upstream, 700, Cut::Reset).await;
    let client = Client::builder().url(&url).no_api_key().build().unwrap();
    let direct = Client::builder()
        .url(&upstream_url)
        .no_api_key()
        .build()
        .unwrap();
    let thread = direct.threads().create().await.unwrap();
    let mut stream = client
        .runs()
        .stream(thread.thread_id, "slow")
        .input(json!({"steps": 8, "delay": 0.05}))
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
    match err {
        langgraph_sdk::Error::StreamLost { reason, run_id, .. } => {
            assert!(reason.contains("stream_resumable"), "{reason}");
            assert!(run_id.is_some(), "the run is named, to join it");
        }
        other => panic!("{other}"),
    }
}
