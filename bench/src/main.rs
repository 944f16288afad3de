//! `langgraph-bench`: the Rust side of `cargo xtask bench`.
//!
//! ```text
//! langgraph-bench serve [--port P]
//! langgraph-bench client <workload> --url URL [--thread T] [--run R] [--count N] [--concurrency C]
//! langgraph-bench pass   <workload> --url URL [--thread T] [--run R] [--count N] [--concurrency C]
//! langgraph-bench raw    <workload> --url URL [--thread T] [--run R] [--count N] [--concurrency C]
//! langgraph-bench events <thread>
//! langgraph-bench decode
//! ```
//!
//! `serve` is the fast fake server (see `server.rs`); it prints `LISTENING http://127.0.0.1:P`
//! once it accepts connections (port 0, the default, picks a free port). `client` runs a
//! workload through this SDK, `pass` through its pass-through streams (events as name and
//! data bytes, no JSON; stream workloads only), `raw` through plain `reqwest` without parsing. Both print one
//! JSON line, `{"workload", "seconds", "events", "requests", "errors", "peak_rss_kb",
//! "minor_faults", "cpu_seconds"}` (`raw` adds `bytes`), where `seconds`, `minor_faults` (the
//! process's minor page faults) and `cpu_seconds` (its CPU time, user and system, to 10 ms)
//! cover the workload only (not start-up or building the client). `events` prints `{"events": N, "bytes": B}`, what the server streams for a thread
//! id (`n-<N>` or `bytes-<B>`). `decode` times the decoding of the fixture's events in memory
//! (see `decode.rs`). Workloads:
//!
//! - `stream`, `memory`: one join stream of `--thread`/`--run`, consumed to the end.
//! - `requests`: `--count` sequential `GET /threads/{--thread}`.
//! - `concurrent`: `--concurrency` join streams of `--thread`/`--run` at once over one client.
//! - `e2e-wait`, `e2e-stream` (the real server): `--count` runs of the `echo` graph with input
//!   `{"text": "hi"}`, waited for or streamed (`values`), in `--concurrency` (default 1)
//!   sequences side by side, each on its own thread created before the clock starts.

mod decode;
mod fixture;
mod raw;
mod sdk;
mod server;

use std::{process::ExitCode, time::Instant};

/// The command line of `client` and `raw`.
pub struct Args {
    pub workload: String,
    pub url: String,
    pub thread: Option<String>,
    pub run: Option<String>,
    pub count: Option<u64>,
    pub concurrency: Option<usize>,
}

type BoxError = Box<dyn std::error::Error>;

impl Args {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, BoxError> {
        let workload = args.next().ok_or("missing <workload>")?;
        let mut parsed = Args {
            workload,
            url: String::new(),
            thread: None,
            run: None,
            count: None,
            concurrency: None,
        };
        while let Some(flag) = args.next() {
            let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
            match flag.as_str() {
                "--url" => parsed.url = value,
                "--thread" => parsed.thread = Some(value),
                "--run" => parsed.run = Some(value),
                "--count" => parsed.count = Some(value.parse()?),
                "--concurrency" => parsed.concurrency = Some(value.parse()?),
                other => return Err(format!("unknown option {other}").into()),
            }
        }
        if parsed.url.is_empty() {
            return Err("--url is required".into());
        }
        Ok(parsed)
    }

    pub fn thread(&self) -> Result<&str, BoxError> {
        self.thread
            .as_deref()
            .ok_or_else(|| "--thread is required".into())
    }

    pub fn run(&self) -> Result<&str, BoxError> {
        self.run
            .as_deref()
            .ok_or_else(|| "--run is required".into())
    }

    pub fn count(&self) -> Result<u64, BoxError> {
        self.count.ok_or_else(|| "--count is required".into())
    }

    pub fn concurrency(&self) -> Result<usize, BoxError> {
        self.concurrency
            .ok_or_else(|| "--concurrency is required".into())
    }
}

/// What a workload measured.
pub struct Outcome {
    pub seconds: f64,
    pub events: u64,
    pub requests: u64,
    pub errors: u64,
    pub bytes: Option<u64>,
    /// Minor page faults of the process during the workload.
    pub faults: Option<u64>,
    /// CPU time of the process (all threads, user and system) during the workload, in
    /// seconds, to the kernel's clock tick (10 ms): what the client itself spent, apart from
    /// waiting for the server or for a core.
    pub cpu_seconds: Option<f64>,
}

/// The start of the timed work: the time, and the process's page faults and CPU time so far.
pub struct Clock {
    started: Instant,
    faults: Option<u64>,
    cpu: Option<f64>,
}

impl Clock {
    pub fn start() -> Clock {
        Clock {
            faults: minor_faults(),
            cpu: cpu_seconds(),
            started: Instant::now(),
        }
    }

    /// The outcome of the work since the start.
    pub fn outcome(&self, events: u64, requests: u64, errors: u64) -> Outcome {
        let seconds = self.started.elapsed().as_secs_f64();
        Outcome {
            seconds,
            events,
            requests,
            errors,
            bytes: None,
            faults: minor_faults()
                .zip(self.faults)
                .map(|(now, then)| now - then),
            cpu_seconds: cpu_seconds().zip(self.cpu).map(|(now, then)| now - then),
        }
    }
}

/// The fields of `/proc/self/stat` after the command name (in parentheses, which may hold
/// spaces): state, ppid, pgrp, session, tty_nr, tpgid, flags, minflt, cminflt, majflt,
/// cmajflt, utime, stime, …
fn stat_field(n: usize) -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let (_, fields) = stat.rsplit_once(')')?;
    fields.split_whitespace().nth(n)?.parse().ok()
}

/// The minor page faults of this process (all its threads) so far (`/proc/self/stat`).
fn minor_faults() -> Option<u64> {
    stat_field(7)
}

/// The CPU time of this process (all its threads, user and system) so far, in seconds
/// (`/proc/self/stat`, in clock ticks of 1/100 s: the `USER_HZ` Linux has on every platform
/// it exports it).
fn cpu_seconds() -> Option<f64> {
    Some((stat_field(11)? + stat_field(12)?) as f64 / 100.0)
}

/// Reports the first error of a kind on stderr.
pub fn report_error<E: std::fmt::Display>(what: &str, error: Option<&E>) {
    if let Some(e) = error {
        eprintln!("{what} failed: {e}");
    }
}

/// `total` split into `parts` shares that differ by at most one.
pub fn shares(total: u64, parts: usize) -> impl Iterator<Item = u64> {
    let parts = parts.max(1) as u64;
    (0..parts).map(move |i| total / parts + u64::from(i < total % parts))
}

/// The peak resident set size of this process (`VmHWM`), in KiB.
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmHWM:")?
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse()
                    .ok()
            })
        })
        .unwrap_or(0)
}

const USAGE: &str = "usage: langgraph-bench serve [--port P]
       langgraph-bench events <n-N|bytes-B>
       langgraph-bench decode
       langgraph-bench (client|pass|raw) <stream|requests|concurrent|memory|e2e-wait|e2e-stream> --url URL [--thread T] [--run R] [--count N] [--concurrency C]";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let command = args.next();
    let result = match command.as_deref() {
        Some("serve") => serve(args),
        Some(side @ ("client" | "pass" | "raw")) => measure(side, args),
        Some("events") => events(args),
        Some("decode") => decode::run(),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("langgraph-bench: {e}\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}

fn serve(mut args: impl Iterator<Item = String>) -> Result<(), BoxError> {
    let mut port = 0;
    while let Some(flag) = args.next() {
        match (flag.as_str(), args.next()) {
            ("--port", Some(p)) => port = p.parse()?,
            _ => return Err(format!("unexpected argument {flag}").into()),
        }
    }
    server::run(port)
}

/// What the fast server streams for a thread id: the number of events and their bytes.
fn events(mut args: impl Iterator<Item = String>) -> Result<(), BoxError> {
    let thread = args.next().ok_or("missing <thread>")?;
    let fixture = fixture::Fixture::new();
    let events = server::stream_length(&fixture, &thread).ok_or("not a stream thread id")?;
    let bytes: u64 = (1..=events).map(|k| fixture.event_len(k)).sum();
    println!("{}", serde_json::json!({"events": events, "bytes": bytes}));
    Ok(())
}

fn measure(side: &str, args: impl Iterator<Item = String>) -> Result<(), BoxError> {
    let args = Args::parse(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let outcome = runtime.block_on(async {
        match side {
            "client" => sdk::run(&args, sdk::Read::Typed).await,
            "pass" => sdk::run(&args, sdk::Read::PassThrough).await,
            _ => raw::run(&args).await,
        }
    })?;
    drop(runtime);
    let mut line = serde_json::json!({
        "workload": args.workload,
        "seconds": outcome.seconds,
        "events": outcome.events,
        "requests": outcome.requests,
        "errors": outcome.errors,
        "peak_rss_kb": peak_rss_kb(),
    });
    if let Some(bytes) = outcome.bytes {
        line["bytes"] = bytes.into();
    }
    if let Some(faults) = outcome.faults {
        line["minor_faults"] = faults.into();
    }
    if let Some(cpu) = outcome.cpu_seconds {
        line["cpu_seconds"] = cpu.into();
    }
    println!("{line}");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn shares_add_up() {
        assert_eq!(super::shares(10, 3).collect::<Vec<_>>(), vec![4, 3, 3]);
        assert_eq!(super::shares(2, 4).sum::<u64>(), 2);
        assert_eq!(super::shares(5, 0).collect::<Vec<_>>(), vec![5]);
    }
}
