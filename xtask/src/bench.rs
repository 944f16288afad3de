//! `cargo xtask bench`: this SDK against the official Python and JS clients and a raw
//! `reqwest` baseline, in one run on one machine; writes `docs/benchmarks.md` and
//! `docs/benchmarks.svg`.
//!
//! Every client runs as its own process, one per repetition, and prints one JSON line
//! (`seconds`, `events`, `requests`, `errors`, `peak_rss_kb`) about the timed part only:
//!
//! - `rust`: `langgraph-bench client <workload> ...` (the `bench/` crate, release build);
//! - `raw`: `langgraph-bench raw <workload> ...`, plain `reqwest` reading the same bytes;
//! - `python`: `target/langgraph-venv/bin/python bench/python/runner.py <workload> ...`;
//! - `js`: `node bench/js/runner.mjs <workload> ...` (after `npm ci` in `bench/js`), skipped
//!   with the reason printed when `node` or `npm` is missing.
//!
//! The fast workloads run against `langgraph-bench serve`, the e2e ones against the real
//! server of `langgraph-testbed`. Options (for trying it out; the documentation is only
//! rewritten by a full run without them):
//!
//! - `--quick`: small sizes, 3 repetitions;
//! - `--reps N`: repetitions per figure (default 5);
//! - `--clients rust,raw,python,js`: only these;
//! - `--no-e2e`: skip the real-server workloads.
//!
//! Every run saves its measurements in `target/langgraph-bench/results.json`;
//! `cargo xtask bench --render RESULTS.json [DIR]` writes the report again from such a file
//! (into `docs/` by default), without measuring.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::Error;

/// Repetitions per figure.
const REPS: usize = 5;
/// A client whose first repetition of a workload takes longer than this (wall time, start-up
/// included) is repeated [`SLOW_REPS`] times instead, to keep the whole run under 15 minutes.
const SLOW_REP: Duration = Duration::from_secs(20);
const SLOW_REPS: usize = 3;
/// The longest one repetition may take before it is killed and counted as failed.
const REP_TIMEOUT: Duration = Duration::from_secs(600);
/// e2e: lanes (client processes running side by side; the test server runs 10 runs at a
/// time), and the runs each lane makes one after the other on its own thread: 200 in all.
const E2E_LANES: usize = 10;
const E2E_RUNS: u64 = 10;
/// e2e: rounds of lanes per client, the clients' order reversed every other round (the
/// server slows down a little as runs pile up in its memory): 2 × 10 lanes × 10 runs = 200.
const E2E_ROUNDS: usize = 2;

// --------------------------------------------------------------------------
// Options
// --------------------------------------------------------------------------

struct Options {
    quick: bool,
    reps: usize,
    clients: Option<Vec<String>>,
    e2e: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, Error> {
        let mut options = Options {
            quick: false,
            reps: REPS,
            clients: None,
            e2e: true,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--no-e2e" => options.e2e = false,
                "--reps" => {
                    let n = args.next().ok_or("--reps needs a number")?;
                    options.reps = n.parse().map_err(|_| format!("--reps {n}: not a number"))?;
                    if options.reps == 0 {
                        return Err("--reps must be at least 1".into());
                    }
                }
                "--clients" => {
                    let list = args.next().ok_or("--clients needs a list")?;
                    let list: Vec<String> = list.split(',').map(str::to_owned).collect();
                    for c in &list {
                        if !CLIENTS.iter().any(|(key, _)| key == c) {
                            return Err(
                                format!("unknown client `{c}` (rust, raw, python, js)").into()
                            );
                        }
                    }
                    options.clients = Some(list);
                }
                other => return Err(format!("`bench`: unknown option `{other}`").into()),
            }
        }
        if options.quick && options.reps == REPS {
            options.reps = 3;
        }
        Ok(options)
    }

    /// Whether this is the full benchmark, the one the documentation shows.
    fn full(&self) -> bool {
        !self.quick && self.reps >= REPS && self.clients.is_none() && self.e2e
    }

    fn wants(&self, client: &str) -> bool {
        self.clients
            .as_ref()
            .is_none_or(|list| list.iter().any(|c| c == client))
    }
}

// --------------------------------------------------------------------------
// Clients
// --------------------------------------------------------------------------

/// The clients, in the order of the tables: key and name.
const CLIENTS: &[(&str, &str)] = &[
    ("rust", "langgraph-sdk (Rust, this crate)"),
    ("python", "langgraph-sdk (Python, official)"),
    ("js", "@langchain/langgraph-sdk (JS, official)"),
    ("raw", "raw reqwest, no parsing (baseline)"),
];

/// A client that can run: the command that starts its runner.
struct Runner {
    key: &'static str,
    program: OsString,
    prefix: Vec<OsString>,
}

impl Runner {
    fn command(&self, workload: &str, url: &str, args: &[String]) -> Command {
        let mut command = Command::new(&self.program);
        command
            .args(&self.prefix)
            .arg(workload)
            .arg("--url")
            .arg(url)
            .args(args)
            .current_dir(langgraph_testbed::workspace_root());
        command
    }
}

fn client_name(key: &str) -> &'static str {
    CLIENTS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, name)| *name)
        .unwrap_or("?")
}

// --------------------------------------------------------------------------
// Workloads
// --------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Fast,
    Real,
}

struct Workload {
    key: &'static str,
    title: &'static str,
    what: String,
    target: Target,
    /// `--thread`, `--run`, `--count`, `--concurrency`.
    args: Vec<String>,
    /// The events each repetition must deliver (stream workloads).
    events: Option<u64>,
    /// The bytes each repetition reads (stream workloads).
    bytes: Option<u64>,
    /// Requests or runs per repetition (request workloads).
    ops: Option<u64>,
    /// Processes started side by side for one measurement, each a sample (e2e); 1 otherwise.
    lanes: usize,
}

fn flags(pairs: &[(&str, String)]) -> Vec<String> {
    pairs
        .iter()
        .flat_map(|(k, v)| [format!("--{k}"), v.clone()])
        .collect()
}

fn workloads(options: &Options, bench: &Path) -> Result<Vec<Workload>, Error> {
    let q = options.quick;
    let stream_events: u64 = if q { 10_000 } else { 100_000 };
    let requests: u64 = if q { 200 } else { 2_000 };
    let (streams, per_stream): (u64, u64) = if q { (100, 100) } else { (1_000, 1_000) };
    let memory_bytes: u64 = if q { 50_000_000 } else { 1_000_000_000 };
    let e2e_runs = if q { 2 } else { E2E_RUNS };
    let stream_thread = format!("n-{stream_events}");
    let memory_thread = format!("bytes-{memory_bytes}");
    let per_stream_thread = format!("n-{per_stream}");
    let (stream_events, stream_bytes) = fixture_size(bench, &stream_thread)?;
    let (memory_events, memory_size) = fixture_size(bench, &memory_thread)?;
    let (_, per_stream_bytes) = fixture_size(bench, &per_stream_thread)?;
    let mut list = vec![
        Workload {
            key: "stream",
            title: "Stream throughput",
            what: format!(
                "one join stream of {} `messages` events ({:.1} MB), consumed as typed parts",
                thousands(stream_events),
                stream_bytes as f64 / 1e6
            ),
            target: Target::Fast,
            args: flags(&[("thread", stream_thread), ("run", "run-1".into())]),
            events: Some(stream_events),
            bytes: Some(stream_bytes),
            ops: None,
            lanes: 1,
        },
        Workload {
            key: "requests",
            title: "Request overhead",
            what: format!(
                "{} sequential `GET /threads/{{id}}` (a 421-byte thread)",
                thousands(requests)
            ),
            target: Target::Fast,
            args: flags(&[("thread", "t-1".into()), ("count", requests.to_string())]),
            events: None,
            bytes: None,
            ops: Some(requests),
            lanes: 1,
        },
        Workload {
            key: "concurrent",
            title: "Concurrency",
            what: format!(
                "{} join streams of {} events at once over one client",
                thousands(streams),
                thousands(per_stream)
            ),
            target: Target::Fast,
            args: flags(&[
                ("thread", per_stream_thread),
                ("run", "run-1".into()),
                ("concurrency", streams.to_string()),
            ]),
            events: Some(streams * per_stream),
            bytes: Some(streams * per_stream_bytes),
            ops: None,
            lanes: 1,
        },
        Workload {
            key: "memory",
            title: "Memory",
            what: format!(
                "one join stream of {} ({} events), consumed as typed parts; peak RSS of the process",
                size(memory_size),
                thousands(memory_events)
            ),
            target: Target::Fast,
            args: flags(&[("thread", memory_thread), ("run", "run-1".into())]),
            events: Some(memory_events),
            bytes: Some(memory_size),
            ops: None,
            lanes: 1,
        },
    ];
    if options.e2e {
        for (key, title, how) in [
            (
                "e2e-wait",
                "End to end: runs.wait",
                "waited for (`runs.wait`)",
            ),
            (
                "e2e-stream",
                "End to end: streamed runs",
                "streamed (`runs.stream`, `values` mode) and consumed",
            ),
        ] {
            list.push(Workload {
                key,
                title,
                what: format!(
                    "{} runs of the `echo` graph on the real server, {how}: {E2E_ROUNDS} rounds of {E2E_LANES} client processes side by side (lanes), each creating a thread and making {e2e_runs} runs on it one after the other",
                    (E2E_ROUNDS * E2E_LANES) as u64 * e2e_runs
                ),
                target: Target::Real,
                args: flags(&[("count", e2e_runs.to_string())]),
                events: None,
                bytes: None,
                ops: Some(e2e_runs),
                lanes: E2E_LANES,
            });
        }
    }
    Ok(list)
}

/// The events and bytes the fast server streams for a thread id.
fn fixture_size(bench: &Path, thread: &str) -> Result<(u64, u64), Error> {
    let output = Command::new(bench).args(["events", thread]).output()?;
    let line: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("`langgraph-bench events {thread}`: {e}"))?;
    Ok((
        line["events"].as_u64().unwrap_or(0),
        line["bytes"].as_u64().unwrap_or(0),
    ))
}

// --------------------------------------------------------------------------
// Measurements
// --------------------------------------------------------------------------

/// One repetition's JSON line.
#[derive(Clone, Debug, Default)]
struct Sample {
    seconds: f64,
    events: u64,
    errors: u64,
    peak_rss_kb: u64,
    bytes: Option<u64>,
    /// What the client said about its errors (the end of its stderr).
    error: Option<String>,
}

impl Sample {
    fn parse(line: &Value) -> Option<Sample> {
        Some(Sample {
            seconds: line.get("seconds")?.as_f64()?,
            events: line.get("events").and_then(Value::as_u64).unwrap_or(0),
            errors: line.get("errors").and_then(Value::as_u64).unwrap_or(0),
            peak_rss_kb: line.get("peak_rss_kb").and_then(Value::as_u64).unwrap_or(0),
            bytes: line.get("bytes").and_then(Value::as_u64),
            error: line.get("error").and_then(Value::as_str).map(str::to_owned),
        })
    }
}

/// The repetitions of one client on one workload.
#[derive(Default)]
struct Cell {
    samples: Vec<Sample>,
    /// Repetitions that produced no measurement, with why.
    failures: Vec<String>,
    /// Repetitions planned.
    reps: usize,
    /// Why fewer repetitions than asked were run.
    reduced: Option<String>,
    /// Repetitions whose events or bytes were not the expected ones.
    incomplete: usize,
}

#[derive(Clone, Copy, Debug)]
struct Stats {
    median: f64,
    min: f64,
    max: f64,
}

fn stats(values: impl IntoIterator<Item = f64>) -> Option<Stats> {
    let mut v: Vec<f64> = values.into_iter().collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    Some(Stats {
        median,
        min: v[0],
        max: v[n - 1],
    })
}

impl Cell {
    fn seconds(&self) -> Option<Stats> {
        stats(self.samples.iter().map(|s| s.seconds))
    }

    fn rss_kb(&self) -> Option<Stats> {
        stats(self.samples.iter().map(|s| s.peak_rss_kb as f64))
    }

    /// The events a client delivered in its median repetition (`None` for the baseline,
    /// which counts none).
    fn delivered(&self, client: &str) -> Option<u64> {
        if client == "raw" {
            return None;
        }
        stats(self.samples.iter().map(|s| s.events as f64)).map(|s| s.median as u64)
    }

    fn errors(&self) -> u64 {
        self.samples.iter().map(|s| s.errors).sum::<u64>() + self.failures.len() as u64
    }

    /// Whether every repetition ran, without errors, delivering everything.
    fn clean(&self) -> bool {
        !self.samples.is_empty() && self.errors() == 0 && self.incomplete == 0
    }
}

/// All results: by workload, then by client.
type Results = BTreeMap<&'static str, BTreeMap<&'static str, Cell>>;

/// Runs one repetition; returns its sample and its wall time, or why it failed.
fn run_once(runner: &Runner, workload: &Workload, url: &str) -> (Result<Sample, String>, Duration) {
    let started = Instant::now();
    let mut command = runner.command(workload.key, url, &workload.args);
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let result = match command.spawn() {
        Ok(child) => collect(child),
        Err(e) => Err(format!("cannot start {:?}: {e}", runner.program)),
    };
    let result = result.and_then(|(stdout, stderr)| parse_sample(&stdout, &stderr));
    (result, started.elapsed())
}

/// The sample a runner printed (its last JSON line).
fn parse_sample(stdout: &str, stderr: &str) -> Result<Sample, String> {
    let line = stdout.lines().rev().find_map(|l| {
        serde_json::from_str::<Value>(l.trim())
            .ok()
            .filter(Value::is_object)
    });
    match line.as_ref().and_then(Sample::parse) {
        Some(mut sample) => {
            if sample.errors > 0 {
                eprintln!("      stderr: {}", tail(stderr, 6));
                sample.error = Some(tail(stderr, 1));
            }
            Ok(sample)
        }
        None => Err(format!(
            "no result line; stdout: {}; stderr: {}",
            tail(stdout, 3),
            tail(stderr, 8)
        )),
    }
}

/// Waits for a child (at most [`REP_TIMEOUT`]) and returns its stdout and stderr.
fn collect(mut child: Child) -> Result<(String, String), String> {
    fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let mut bytes = Vec::new();
                let _ = pipe.read_to_end(&mut bytes);
                text = String::from_utf8_lossy(&bytes).into_owned();
            }
            text
        })
    }
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let deadline = Instant::now() + REP_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!("killed after {} s", REP_TIMEOUT.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => break Err(format!("waiting: {e}")),
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    match status {
        Ok(status) if status.success() => Ok((stdout, stderr)),
        Ok(status) => Err(format!(
            "exited with {status}; stderr: {}",
            tail(&stderr, 8)
        )),
        Err(e) => Err(e),
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let shown = all[all.len().saturating_sub(lines)..].join(" | ");
    if shown.is_empty() {
        "(empty)".into()
    } else {
        shown
    }
}

/// Runs every client on `workload`, repetitions interleaved (client after client).
fn measure(workload: &Workload, runners: &[Runner], url: &str, reps: usize, results: &mut Results) {
    eprintln!("\n== {}: {}", workload.title, workload.what);
    if workload.lanes > 1 {
        measure_lanes(workload, runners, url, results);
        return;
    }
    let cells = results.entry(workload.key).or_default();
    for runner in runners {
        cells.entry(runner.key).or_default().reps = reps;
    }
    for rep in 0..reps {
        for runner in runners {
            let cell = cells.get_mut(runner.key).expect("cell");
            if rep >= cell.reps {
                continue;
            }
            let (result, wall) = run_once(runner, workload, url);
            match result {
                Ok(sample) => {
                    let complete = match runner.key {
                        "raw" => workload.bytes.is_none_or(|b| sample.bytes == Some(b)),
                        _ => workload.events.is_none_or(|e| sample.events == e),
                    };
                    eprintln!(
                        "  {:<6} {}/{}: {:>9.3} s{}{}{}",
                        runner.key,
                        rep + 1,
                        cell.reps,
                        sample.seconds,
                        rate_note(workload, runner.key, &sample),
                        if sample.errors > 0 {
                            format!(", {} errors", sample.errors)
                        } else {
                            String::new()
                        },
                        if complete {
                            ""
                        } else {
                            ", INCOMPLETE (events or bytes missing)"
                        }
                    );
                    if !complete {
                        cell.incomplete += 1;
                    }
                    cell.samples.push(sample);
                }
                Err(why) => {
                    eprintln!(
                        "  {:<6} {}/{}: FAILED: {why}",
                        runner.key,
                        rep + 1,
                        cell.reps
                    );
                    cell.failures.push(why);
                }
            }
            if rep == 0 && wall > SLOW_REP && cell.reps > SLOW_REPS {
                cell.reduced = Some(format!(
                    "{SLOW_REPS} repetitions instead of {reps}: one takes {:.0} s",
                    wall.as_secs_f64()
                ));
                cell.reps = SLOW_REPS;
                eprintln!(
                    "  {:<6} takes {:.0} s a repetition: {SLOW_REPS} repetitions instead of {reps}",
                    runner.key,
                    wall.as_secs_f64()
                );
            }
        }
    }
}

/// Runs each client as [`Workload::lanes`] processes side by side, [`E2E_ROUNDS`] times (the
/// clients' order reversed every other round); each lane is a sample.
fn measure_lanes(workload: &Workload, runners: &[Runner], url: &str, results: &mut Results) {
    let cells = results.entry(workload.key).or_default();
    for round in 0..E2E_ROUNDS {
        let order: Vec<&Runner> = if round % 2 == 0 {
            runners.iter().collect()
        } else {
            runners.iter().rev().collect()
        };
        for runner in order {
            measure_round(workload, runner, url, round, cells);
        }
    }
}

fn measure_round(
    workload: &Workload,
    runner: &Runner,
    url: &str,
    round: usize,
    cells: &mut BTreeMap<&'static str, Cell>,
) {
    {
        let started = Instant::now();
        let lanes: Vec<_> = (0..workload.lanes)
            .map(|_| {
                let mut command = runner.command(workload.key, url, &workload.args);
                command
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped());
                command.spawn()
            })
            .collect();
        let cell = cells.entry(runner.key).or_default();
        cell.reps += workload.lanes;
        let before = cell.samples.len();
        for lane in lanes {
            let result = lane
                .map_err(|e| format!("cannot start {:?}: {e}", runner.program))
                .and_then(collect)
                .and_then(|(stdout, stderr)| parse_sample(&stdout, &stderr));
            match result {
                Ok(sample) => cell.samples.push(sample),
                Err(why) => cell.failures.push(why),
            }
        }
        let round_cell = Cell {
            samples: cell.samples[before..].to_vec(),
            ..Cell::default()
        };
        match (round_cell.seconds(), lanes_rate(workload, &round_cell)) {
            (Some(s), Some(rate)) => eprintln!(
                "  {:<6} round {}: {} lanes in {:.1} s: {:.0} ms a run (median lane; {:.0} to {:.0}), {:.1} runs/s in all{}",
                runner.key,
                round + 1,
                round_cell.samples.len(),
                started.elapsed().as_secs_f64(),
                per_run_ms(workload, s.median),
                per_run_ms(workload, s.min),
                per_run_ms(workload, s.max),
                rate,
                if cell.errors() > 0 {
                    format!(", {} errors", cell.errors())
                } else {
                    String::new()
                }
            ),
            _ => eprintln!(
                "  {:<6} FAILED: {}",
                runner.key,
                cell.failures
                    .first()
                    .map_or("no lane finished", String::as_str)
            ),
        }
    }
}

/// The milliseconds a run takes in a lane that took `seconds`.
fn per_run_ms(workload: &Workload, seconds: f64) -> f64 {
    seconds / workload.ops.unwrap_or(1).max(1) as f64 * 1000.0
}

/// Runs per second of a round of lanes side by side: its runs over the slowest lane's time
/// (the median over the rounds, for a cell of several rounds).
fn lanes_rate(workload: &Workload, cell: &Cell) -> Option<f64> {
    let rates = cell
        .samples
        .chunks(workload.lanes.max(1))
        .filter_map(|round| {
            let slowest = round.iter().map(|s| s.seconds).fold(0.0, f64::max);
            let runs = workload.ops? * round.len() as u64;
            (slowest > 0.0).then(|| runs as f64 / slowest)
        });
    stats(rates).map(|s| s.median)
}

fn rate_note(workload: &Workload, client: &str, sample: &Sample) -> String {
    let mut note = String::new();
    let delivered = (client != "raw").then_some(sample.events);
    if let Some(rate) = rate(workload, delivered, sample.seconds) {
        let _ = write!(note, "  {:>10} {}", si(rate), unit(workload));
    }
    if sample.peak_rss_kb > 0 {
        let _ = write!(note, "  peak RSS {:.1} MB", mb(sample.peak_rss_kb as f64));
    }
    note
}

/// Events per second (streams: the events a client `delivered`; the baseline, which counts
/// none, is credited with the events its bytes carry), or requests or runs per second.
fn rate(workload: &Workload, delivered: Option<u64>, seconds: f64) -> Option<f64> {
    if seconds <= 0.0 {
        return None;
    }
    let work = match workload.events {
        Some(expected) => delivered.unwrap_or(expected),
        None => workload.ops?,
    };
    Some(work as f64 / seconds)
}

fn unit(workload: &Workload) -> &'static str {
    match (workload.events, workload.target) {
        (Some(_), _) => "events/s",
        (None, Target::Real) => "runs/s",
        (None, Target::Fast) => "req/s",
    }
}

// --------------------------------------------------------------------------
// Processes: the fast server
// --------------------------------------------------------------------------

/// `langgraph-bench serve`, killed when dropped.
struct FastServer {
    child: Child,
    url: String,
}

impl FastServer {
    fn start(bench: &Path) -> Result<FastServer, Error> {
        let mut child = Command::new(bench)
            .args(["serve", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", bench.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let Some(url) = line.trim().strip_prefix("LISTENING ") else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("`langgraph-bench serve` printed {line:?}").into());
        };
        Ok(FastServer {
            url: url.to_owned(),
            child,
        })
    }
}

impl Drop for FastServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// --------------------------------------------------------------------------
// The machine and the versions
// --------------------------------------------------------------------------

struct Environment {
    rows: Vec<(String, String)>,
    skipped: Vec<(String, String)>,
}

fn command_output(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .current_dir(langgraph_testbed::workspace_root())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    (output.status.success() && !text.is_empty()).then_some(text)
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn memory_total() -> String {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!("{:.1} GiB", kb / 1024.0 / 1024.0))
        })
        .unwrap_or_else(|| "unknown".into())
}

fn os_name() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_owned())
        })
        .unwrap_or_else(|| std::env::consts::OS.to_owned());
    match std::fs::read_to_string("/proc/sys/kernel/osrelease") {
        Ok(kernel) => format!("{pretty}, Linux {}", kernel.trim()),
        Err(_) => pretty,
    }
}

/// The `version` of a package in `Cargo.lock`.
fn locked_version(package: &str) -> Option<String> {
    let lock =
        std::fs::read_to_string(langgraph_testbed::workspace_root().join("Cargo.lock")).ok()?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{package}\"") {
            return lines
                .next()?
                .strip_prefix("version = \"")?
                .strip_suffix('"')
                .map(str::to_owned);
        }
    }
    None
}

/// UTC now as `YYYY-MM-DD HH:MM UTC`.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil from days (Howard Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

// --------------------------------------------------------------------------
// The command
// --------------------------------------------------------------------------

pub fn run(args: &[String]) -> Result<ExitCode, Error> {
    if args.first().map(String::as_str) == Some("--render") {
        return render(&args[1..]);
    }
    let options = Options::parse(args)?;
    let started = Instant::now();
    let root = langgraph_testbed::workspace_root();

    eprintln!("bench: building langgraph-bench (release)...");
    let status = crate::cargo()
        .args(["build", "--release", "--quiet", "-p", "langgraph-bench"])
        .status()
        .map_err(|e| format!("running cargo build: {e}"))?;
    if !status.success() {
        return Err("`cargo build --release -p langgraph-bench` failed".into());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"));
    let bench = target.join("release").join("langgraph-bench");
    let build_seconds = started.elapsed().as_secs_f64();

    let mut env = Environment {
        rows: vec![
            ("Date".into(), utc_now()),
            ("CPU".into(), cpu_model()),
            (
                "Cores".into(),
                std::thread::available_parallelism()
                    .map(|n| n.to_string())
                    .unwrap_or_else(|_| "?".into()),
            ),
            ("Memory".into(), memory_total()),
            ("OS".into(), os_name()),
            (
                "rustc".into(),
                command_output("rustc", &["--version"]).unwrap_or_else(|| "?".into()),
            ),
        ],
        skipped: Vec::new(),
    };
    let commit = command_output("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_default();
    let dirty = command_output("git", &["status", "--porcelain", "--untracked-files=no"]).is_some();
    let sdk_version = locked_version("langgraph-sdk").unwrap_or_else(|| "?".into());
    let reqwest = locked_version("reqwest").unwrap_or_else(|| "?".into());
    env.rows.push((
        client_name("rust").into(),
        format!(
            "{sdk_version} (commit {commit}{}), reqwest {reqwest}, tokio {}",
            if dirty { " + local changes" } else { "" },
            locked_version("tokio").unwrap_or_else(|| "?".into())
        ),
    ));

    let mut runners = Vec::new();
    if options.wants("rust") {
        runners.push(Runner {
            key: "rust",
            program: bench.clone().into(),
            prefix: vec!["client".into()],
        });
    }
    if options.wants("python") {
        match python_runner(&root) {
            Ok((runner, rows)) => {
                runners.push(runner);
                env.rows.extend(rows);
            }
            Err(why) => skip(&mut env, "python", why),
        }
    }
    if options.wants("js") {
        match js_runner(&root) {
            Ok((runner, rows)) => {
                runners.push(runner);
                env.rows.extend(rows);
            }
            Err(why) => skip(&mut env, "js", why),
        }
    }
    if options.wants("raw") {
        runners.push(Runner {
            key: "raw",
            program: bench.clone().into(),
            prefix: vec!["raw".into()],
        });
        env.rows
            .push((client_name("raw").into(), format!("reqwest {reqwest}")));
    }
    if runners.is_empty() {
        return Err("no client to run".into());
    }

    let workloads = workloads(&options, &bench)?;
    let mut results = Results::new();

    let fast = FastServer::start(&bench)?;
    eprintln!("bench: fast server at {}", fast.url);
    for workload in workloads.iter().filter(|w| w.target == Target::Fast) {
        measure(workload, &runners, &fast.url, options.reps, &mut results);
    }
    drop(fast);
    let decode = if options.wants("rust") && workloads.iter().any(|w| w.key == "stream") {
        eprintln!("bench: decoding the stream's events in memory");
        Decode::measure(&bench)
            .inspect_err(|e| eprintln!("bench: {e}"))
            .ok()
    } else {
        None
    };

    if options.e2e {
        let server = langgraph_testbed::Server::start()?;
        // Warm up (graph import, first run), not measured.
        let warm = Workload {
            key: "e2e-wait",
            title: "warm-up",
            what: String::new(),
            target: Target::Real,
            args: flags(&[("count", "10".into()), ("concurrency", "10".into())]),
            events: None,
            bytes: None,
            ops: None,
            lanes: 1,
        };
        if let Some(rust) = runners.first() {
            let _ = run_once(rust, &warm, server.url());
        }
        for workload in workloads.iter().filter(|w| w.target == Target::Real) {
            measure(workload, &runners, server.url(), options.reps, &mut results);
        }
        drop(server);
    }

    let total = started.elapsed().as_secs_f64();
    let report = Report {
        reps: options.reps,
        env: &env,
        workloads: &workloads,
        results: &results,
        total_seconds: total,
        build_seconds,
        decode,
    };
    let out_dir = if options.full() {
        root.join("docs")
    } else {
        target.join("langgraph-bench")
    };
    let saved = target.join("langgraph-bench").join("results.json");
    std::fs::create_dir_all(target.join("langgraph-bench"))?;
    std::fs::write(&saved, serde_json::to_string_pretty(&report.to_json())?)?;
    write_report(&report, &out_dir)?;
    println!(
        "(total {total:.0} s, of which {build_seconds:.0} s building; measurements saved in {})",
        saved.display()
    );
    if !options.full() {
        println!("(Not a full run: docs/ left as it was.)");
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `benchmarks.md` and `benchmarks.svg` into `dir` and prints the summary.
fn write_report(report: &Report, dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("benchmarks.md"), report.markdown())?;
    std::fs::write(dir.join("benchmarks.svg"), report.svg())?;
    println!("{}", report.summary());
    println!(
        "\nWrote {} and {}.",
        dir.join("benchmarks.md").display(),
        dir.join("benchmarks.svg").display()
    );
    Ok(())
}

/// `--render FILE [DIR]`: writes the report again from saved measurements (the
/// `results.json` a run leaves in `target/langgraph-bench/`), into `DIR` (default `docs`).
fn render(args: &[String]) -> Result<ExitCode, Error> {
    let (file, dir) = match args {
        [file] => (
            PathBuf::from(file),
            langgraph_testbed::workspace_root().join("docs"),
        ),
        [file, dir] => (PathBuf::from(file), PathBuf::from(dir)),
        _ => return Err("usage: cargo xtask bench --render RESULTS.json [DIR]".into()),
    };
    let text =
        std::fs::read_to_string(&file).map_err(|e| format!("reading {}: {e}", file.display()))?;
    let saved: Value = serde_json::from_str(&text)?;
    let (reps, env, workloads, results, total_seconds, build_seconds) =
        Report::from_json(&saved).ok_or("not a results file of `cargo xtask bench`")?;
    let report = Report {
        reps,
        env: &env,
        workloads: &workloads,
        results: &results,
        total_seconds,
        build_seconds,
        decode: Decode::parse(&saved["decode"]),
    };
    write_report(&report, &dir)?;
    Ok(ExitCode::SUCCESS)
}

fn skip(env: &mut Environment, client: &str, why: String) {
    eprintln!("bench: skipping {}: {why}", client_name(client));
    env.skipped.push((client_name(client).into(), why));
}

fn python_runner(root: &Path) -> Result<(Runner, Vec<(String, String)>), String> {
    let script = root.join("bench").join("python").join("runner.py");
    if !script.is_file() {
        return Err(format!("{} is missing", script.display()));
    }
    let venv = langgraph_testbed::ensure_venv().map_err(|e| e.to_string())?;
    let python = venv.join("bin").join("python");
    let versions = command_output(
        &python,
        &[
            "-c",
            "import importlib.metadata as m, platform; print(platform.python_version(), m.version('langgraph-sdk'), m.version('httpx'), m.version('orjson'))",
        ],
    )
    .ok_or("cannot run the venv's python")?;
    let v: Vec<&str> = versions.split_whitespace().collect();
    let [python_version, sdk, httpx, orjson] = v.as_slice() else {
        return Err(format!("unexpected version line {versions:?}"));
    };
    Ok((
        Runner {
            key: "python",
            program: python.into(),
            prefix: vec![script.into()],
        },
        vec![
            ("Python".into(), python_version.to_string()),
            (
                client_name("python").into(),
                format!("{sdk} (httpx {httpx}, orjson {orjson})"),
            ),
        ],
    ))
}

fn js_runner(root: &Path) -> Result<(Runner, Vec<(String, String)>), String> {
    let dir = root.join("bench").join("js");
    let script = dir.join("runner.mjs");
    if !script.is_file() {
        return Err(format!("{} is missing", script.display()));
    }
    for program in ["node", "npm"] {
        if !on_path(program) {
            return Err(format!("`{program}` is not on the PATH"));
        }
    }
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules").join(".package-lock.json");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let up_to_date =
        matches!((modified(&installed), modified(&lock)), (Some(i), Some(l)) if i >= l);
    if !up_to_date {
        eprintln!("bench: npm ci in {}", dir.display());
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::from(std::io::stderr()))
            .status()
            .map_err(|e| format!("running npm ci: {e}"))?;
        if !status.success() {
            return Err(format!("`npm ci` failed in {}: {status}", dir.display()));
        }
    }
    let node = command_output("node", &["--version"]).ok_or("`node --version` failed")?;
    let package = dir
        .join("node_modules")
        .join("@langchain")
        .join("langgraph-sdk")
        .join("package.json");
    let sdk = std::fs::read_to_string(&package)
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .and_then(|v| v["version"].as_str().map(str::to_owned))
        .ok_or_else(|| format!("cannot read {}", package.display()))?;
    Ok((
        Runner {
            key: "js",
            program: "node".into(),
            prefix: vec![script.into()],
        },
        vec![
            ("Node.js".into(), node),
            (client_name("js").into(), format!("{sdk} (Node's fetch)")),
        ],
    ))
}

// --------------------------------------------------------------------------
// Report
// --------------------------------------------------------------------------

struct Report<'a> {
    reps: usize,
    env: &'a Environment,
    workloads: &'a [Workload],
    results: &'a Results,
    total_seconds: f64,
    build_seconds: f64,
    decode: Option<Decode>,
}

/// The stream's events decoded in memory (`langgraph-bench decode`), µs per event.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Decode {
    /// serde_json only checking the JSON.
    validate: f64,
    /// Into this SDK's typed parts.
    typed: f64,
    /// Into a generic JSON tree.
    tree: f64,
}

impl Decode {
    fn parse(v: &Value) -> Option<Decode> {
        Some(Decode {
            validate: v["validate_us"].as_f64()?,
            typed: v["typed_us"].as_f64()?,
            tree: v["tree_us"].as_f64()?,
        })
    }

    /// Runs `langgraph-bench decode`.
    fn measure(bench: &Path) -> Result<Decode, String> {
        let output = Command::new(bench)
            .arg("decode")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("running {} decode: {e}", bench.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        serde_json::from_str(stdout.trim())
            .ok()
            .and_then(|v| Decode::parse(&v))
            .ok_or_else(|| {
                format!(
                    "`langgraph-bench decode` printed {stdout:?}; stderr: {}",
                    String::from_utf8_lossy(&output.stderr)
                )
            })
    }
}

/// A target of the issue and how it went.
struct Check {
    what: String,
    measured: String,
    ok: Option<bool>,
}

fn mb(kb: f64) -> f64 {
    kb * 1024.0 / 1e6
}

/// `1234567` as `1.23M`, `12345` as `12.3k`.
fn si(x: f64) -> String {
    let (v, suffix) = if x >= 1e6 {
        (x / 1e6, "M")
    } else if x >= 1e3 {
        (x / 1e3, "k")
    } else {
        (x, "")
    };
    let digits = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    format!("{v:.digits$}{suffix}")
}

/// `1000000123` bytes as `1 GB`, `50000000` as `50 MB`.
fn size(bytes: u64) -> String {
    if bytes >= 1_000_000_000 {
        format!("{:.0} GB", bytes as f64 / 1e9)
    } else {
        format!("{:.0} MB", bytes as f64 / 1e6)
    }
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn secs(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else if x >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

fn tick(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "✓",
        Some(false) => "✗",
        None => "–",
    }
}

/// `s` as a `&'static str` (the report's keys are static; loaded ones are leaked, once).
fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

impl Report<'_> {
    /// Everything measured, to render the report again (`--render`).
    fn to_json(&self) -> Value {
        let workloads: Vec<Value> = self
            .workloads
            .iter()
            .map(|w| {
                serde_json::json!({
                    "key": w.key, "title": w.title, "what": w.what,
                    "real_server": w.target == Target::Real, "args": w.args,
                    "events": w.events, "bytes": w.bytes, "ops": w.ops, "lanes": w.lanes,
                })
            })
            .collect();
        let mut cells = serde_json::Map::new();
        for (workload, clients) in self.results {
            let mut by_client = serde_json::Map::new();
            for (client, cell) in clients {
                let samples: Vec<Value> = cell
                    .samples
                    .iter()
                    .map(|s| {
                        serde_json::json!({
                            "seconds": s.seconds, "events": s.events, "errors": s.errors,
                            "peak_rss_kb": s.peak_rss_kb, "bytes": s.bytes, "error": s.error,
                        })
                    })
                    .collect();
                by_client.insert(
                    client.to_string(),
                    serde_json::json!({
                        "samples": samples, "failures": cell.failures, "reps": cell.reps,
                        "reduced": cell.reduced, "incomplete": cell.incomplete,
                    }),
                );
            }
            cells.insert(workload.to_string(), Value::Object(by_client));
        }
        serde_json::json!({
            "reps": self.reps,
            "total_seconds": self.total_seconds,
            "build_seconds": self.build_seconds,
            "environment": self.env.rows,
            "skipped": self.env.skipped,
            "workloads": workloads,
            "results": cells,
            "decode": self.decode.map(|d| serde_json::json!({
                "validate_us": d.validate, "typed_us": d.typed, "tree_us": d.tree,
            })),
        })
    }

    #[allow(clippy::type_complexity)]
    fn from_json(v: &Value) -> Option<(usize, Environment, Vec<Workload>, Results, f64, f64)> {
        let pairs = |v: &Value| -> Option<Vec<(String, String)>> {
            v.as_array()?
                .iter()
                .map(|p| Some((p[0].as_str()?.to_owned(), p[1].as_str()?.to_owned())))
                .collect()
        };
        let env = Environment {
            rows: pairs(&v["environment"])?,
            skipped: pairs(&v["skipped"])?,
        };
        let workloads = v["workloads"]
            .as_array()?
            .iter()
            .map(|w| {
                Some(Workload {
                    key: leak(w["key"].as_str()?),
                    title: leak(w["title"].as_str()?),
                    what: w["what"].as_str()?.to_owned(),
                    target: if w["real_server"].as_bool()? {
                        Target::Real
                    } else {
                        Target::Fast
                    },
                    args: w["args"]
                        .as_array()?
                        .iter()
                        .filter_map(|a| a.as_str().map(str::to_owned))
                        .collect(),
                    events: w["events"].as_u64(),
                    bytes: w["bytes"].as_u64(),
                    ops: w["ops"].as_u64(),
                    lanes: w["lanes"].as_u64().unwrap_or(1) as usize,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let mut results = Results::new();
        for (workload, clients) in v["results"].as_object()? {
            let by_client = results.entry(leak(workload)).or_default();
            for (client, c) in clients.as_object()? {
                let cell = Cell {
                    samples: c["samples"]
                        .as_array()?
                        .iter()
                        .filter_map(Sample::parse)
                        .collect(),
                    failures: c["failures"]
                        .as_array()?
                        .iter()
                        .filter_map(|f| f.as_str().map(str::to_owned))
                        .collect(),
                    reps: c["reps"].as_u64()? as usize,
                    reduced: c["reduced"].as_str().map(str::to_owned),
                    incomplete: c["incomplete"].as_u64()? as usize,
                };
                by_client.insert(leak(client), cell);
            }
        }
        Some((
            v["reps"].as_u64()? as usize,
            env,
            workloads,
            results,
            v["total_seconds"].as_f64()?,
            v["build_seconds"].as_f64()?,
        ))
    }

    fn cell(&self, workload: &str, client: &str) -> Option<&Cell> {
        self.results.get(workload)?.get(client)
    }

    fn median(&self, workload: &str, client: &str) -> Option<f64> {
        self.cell(workload, client)?.seconds().map(|s| s.median)
    }

    fn workload(&self, key: &str) -> Option<&Workload> {
        self.workloads.iter().find(|w| w.key == key)
    }

    fn checks(&self) -> Vec<Check> {
        let mut checks = Vec::new();
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if b > 0.0 => Some(a / b),
            _ => None,
        };
        let rust_stream = self.median("stream", "rust");
        let vs_python = ratio(self.median("stream", "python"), rust_stream);
        checks.push(Check {
            what: "Stream throughput ≥ 10× the official Python SDK".into(),
            measured: vs_python.map_or("not measured".into(), |r| format!("{r:.2}×")),
            ok: vs_python.map(|r| r >= 10.0),
        });
        let vs_raw = ratio(rust_stream, self.median("stream", "raw"));
        checks.push(Check {
            what: "Stream throughput within 3× of the raw baseline".into(),
            measured: vs_raw.map_or("not measured".into(), |r| format!("{r:.1}× the raw time")),
            ok: vs_raw.map(|r| r <= 3.0),
        });
        let requests = ratio(
            self.median("requests", "rust"),
            self.median("requests", "raw"),
        );
        checks.push(Check {
            what: "Request overhead within 1.5× of raw reqwest".into(),
            measured: requests.map_or("not measured".into(), |r| format!("{r:.2}× the raw time")),
            ok: requests.map(|r| r <= 1.5),
        });
        let rss = self
            .cell("memory", "rust")
            .and_then(|c| c.rss_kb())
            .map(|s| mb(s.max));
        checks.push(Check {
            what: "Peak RSS under 50 MB while consuming the 1 GB stream".into(),
            measured: rss.map_or("not measured".into(), |m| {
                format!("{m:.1} MB (largest of the repetitions)")
            }),
            ok: rss.map(|m| m < 50.0),
        });
        let concurrent = self.cell("concurrent", "rust");
        let streams = self
            .workload("concurrent")
            .and_then(|w| w.events)
            .unwrap_or(0);
        checks.push(Check {
            what: "1,000 concurrent streams with 0 errors".into(),
            measured: concurrent.map_or("not measured".into(), |c| {
                format!(
                    "{} errors, {} of {} repetitions delivered all {} events",
                    c.errors(),
                    c.samples.len() - c.incomplete,
                    c.reps,
                    thousands(streams)
                )
            }),
            ok: concurrent.map(Cell::clean),
        });
        checks
    }

    fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# Benchmarks\n");
        let _ = writeln!(
            md,
            "This SDK against the official Python and JavaScript clients and a raw baseline \
             (plain `reqwest` reading the same bytes without parsing anything), measured in one \
             run on one machine by `cargo xtask bench` (generated file: do not edit; run the \
             command to refresh it). Each figure is the median of the repetitions, with the \
             fastest and the slowest; every repetition is a fresh process, and only the \
             workload itself is timed (not start-up, imports or building the client).\n"
        );
        let _ = writeln!(
            md,
            "The stream workloads run against a fast local fake server (`langgraph-bench \
             serve`, hand-written HTTP/1.1 on tokio that writes pre-generated bytes), so that \
             the server is not the bottleneck; its events are the `messages` events of the \
             test server's fake chat model (`event: messages`, `data: [AIMessageChunk, \
             metadata]`, an `id:` line, CRLF line ends, {:.0} bytes on average), generated \
             deterministically, nothing binary committed. The end-to-end workloads run against \
             the real Agent Server (`langgraph dev`, in-memory runtime) of `tests/server`.\n",
            self.mean_event_size()
        );
        let _ = writeln!(md, "![Benchmark chart](benchmarks.svg)\n");

        let _ = writeln!(md, "## Targets\n");
        let _ = writeln!(md, "| Target | Measured | |\n|---|---|---|");
        for check in self.checks() {
            let _ = writeln!(
                md,
                "| {} | {} | {} |",
                check.what,
                check.measured,
                tick(check.ok)
            );
        }
        md.push('\n');

        let _ = writeln!(md, "## Machine and versions\n");
        let _ = writeln!(md, "| | |\n|---|---|");
        for (k, v) in &self.env.rows {
            let _ = writeln!(md, "| {k} | {v} |");
        }
        for (client, why) in &self.env.skipped {
            let _ = writeln!(md, "| {client} | skipped: {why} |");
        }
        let _ = writeln!(
            md,
            "| Bench run | {:.0} s in all ({:.0} s of it building), {} repetitions per figure |",
            self.total_seconds, self.build_seconds, self.reps
        );
        md.push('\n');

        let _ = writeln!(md, "## Results\n");
        for (i, workload) in self.workloads.iter().enumerate() {
            self.workload_table(&mut md, i + 1, workload);
        }
        self.notes(&mut md);
        md
    }

    fn mean_event_size(&self) -> f64 {
        self.workload("stream")
            .and_then(|w| Some(w.bytes? as f64 / w.events? as f64))
            .unwrap_or(0.0)
    }

    fn workload_table(&self, md: &mut String, n: usize, workload: &Workload) {
        let _ = writeln!(md, "### {n}. {}\n", workload.title);
        let _ = writeln!(md, "{}.\n", capitalize(&workload.what));
        if workload.lanes > 1 {
            self.lanes_table(md, workload);
            md.push('\n');
            return;
        }
        let unit = unit(workload);
        let _ = writeln!(
            md,
            "| Client | Median (s) | Min (s) | Max (s) | {unit} (median) | × raw time | Peak RSS (MB) | Errors | Reps |"
        );
        let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        let raw = self.median(workload.key, "raw");
        for (key, name) in CLIENTS {
            let Some(cell) = self.cell(workload.key, key) else {
                continue;
            };
            let reps = format!(
                "{}{}",
                cell.samples.len(),
                if cell.reduced.is_some() { "*" } else { "" }
            );
            let errors = if cell.incomplete > 0 {
                format!("{} ({} incomplete)", cell.errors(), cell.incomplete)
            } else {
                cell.errors().to_string()
            };
            match cell.seconds() {
                Some(s) => {
                    let rate = rate(workload, cell.delivered(key), s.median).map_or("–".into(), si);
                    let vs_raw = raw.map_or("–".into(), |r| format!("{:.2}", s.median / r));
                    let rss = cell
                        .rss_kb()
                        .map_or("–".into(), |r| format!("{:.1}", mb(r.median)));
                    let _ = writeln!(
                        md,
                        "| {name} | {} | {} | {} | {rate} | {vs_raw} | {rss} | {errors} | {reps} |",
                        secs(s.median),
                        secs(s.min),
                        secs(s.max)
                    );
                }
                None => {
                    let _ = writeln!(md, "| {name} | failed | | | | | | {errors} | {reps} |");
                }
            }
        }
        let reduced: Vec<String> = CLIENTS
            .iter()
            .filter_map(|(key, name)| {
                let cell = self.cell(workload.key, key)?;
                cell.reduced.as_ref().map(|why| format!("{name}: {why}"))
            })
            .collect();
        if !reduced.is_empty() {
            let _ = writeln!(md, "\n\\* {}.", reduced.join("; "));
        }
        if workload.key == "stream" {
            self.stream_time(md, workload);
        }
        md.push('\n');
    }

    /// Where the time of the stream workload goes, from the in-memory decode figures.
    fn stream_time(&self, md: &mut String, workload: &Workload) {
        let (Some(decode), Some(events)) = (self.decode, workload.events) else {
            return;
        };
        let us = |key: &str| {
            self.median(workload.key, key)
                .map(|s| s * 1e6 / events as f64)
        };
        let _ = write!(
            md,
            "\nWhere the time goes: the same events' data decoded in memory, without the network \
             (`langgraph-bench decode`, median of 5 passes over the 100,000 events): serde_json \
             only checking the JSON takes {:.2} µs an event, decoding it into this SDK's typed \
             parts (`Message` and `ChunkMetadata`, the types its stream hands out) {:.2} µs, and into a \
             generic JSON tree (`serde_json::Value`, the shape the official clients hand out) \
             {:.2} µs.",
            decode.validate, decode.typed, decode.tree
        );
        if let (Some(rust), Some(raw), Some(python)) = (us("rust"), us("raw"), us("python")) {
            let floor = raw + decode.typed;
            let _ = write!(
                md,
                " In the stream above this SDK spends {rust:.2} µs an event and the official \
                 Python client {python:.2} µs; reading the bytes alone takes {raw:.2} µs (the raw \
                 baseline). Reading plus the typed decode make {floor:.2} µs; what this SDK \
                 spends beyond that ({:.2} µs) is SSE framing, handing each event over, and at \
                 the end of the stream a status check and a catch-up rejoin. The targets leave \
                 {:.2} µs an event for all of it (10× the Python client) and {:.2} µs (3× the \
                 raw baseline).",
                (rust - floor).max(0.0),
                python / 10.0,
                raw * 3.0,
            );
        }
        md.push('\n');
    }

    /// An e2e table: the time of a run in each lane (a sample), and the runs per second of
    /// all lanes together; then where the time goes.
    fn lanes_table(&self, md: &mut String, workload: &Workload) {
        let _ = writeln!(
            md,
            "| Client | ms per run (median lane) | Fastest lane | Slowest lane | Runs/s (all lanes) | × raw time | Peak RSS (MB) | Errors | Lanes |"
        );
        let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        let raw = self.median(workload.key, "raw");
        for (key, name) in CLIENTS {
            let Some(cell) = self.cell(workload.key, key) else {
                continue;
            };
            let Some(s) = cell.seconds() else {
                let _ = writeln!(md, "| {name} | failed | | | | | | {} | 0 |", cell.errors());
                continue;
            };
            let ms = |x: f64| format!("{:.0}", per_run_ms(workload, x));
            let _ = writeln!(
                md,
                "| {name} | {} | {} | {} | {} | {} | {} | {} | {} |",
                ms(s.median),
                ms(s.min),
                ms(s.max),
                lanes_rate(workload, cell).map_or("–".into(), |r| format!("{r:.2}")),
                raw.map_or("–".into(), |r| format!("{:.2}", s.median / r)),
                cell.rss_kb()
                    .map_or("–".into(), |r| format!("{:.1}", mb(r.median))),
                cell.errors(),
                cell.samples.len()
            );
        }
        let (Some(raw), Some(raw_cell)) = (raw, self.cell(workload.key, "raw")) else {
            return;
        };
        let medians: Vec<f64> = CLIENTS
            .iter()
            .filter_map(|(key, _)| self.median(workload.key, key))
            .map(|m| per_run_ms(workload, m))
            .collect();
        let (lo, hi) = (
            medians.iter().copied().fold(f64::INFINITY, f64::min),
            medians.iter().copied().fold(0.0, f64::max),
        );
        let spread = raw_cell
            .seconds()
            .map(|s| per_run_ms(workload, s.max) - per_run_ms(workload, s.min))
            .unwrap_or(0.0);
        let own: Vec<String> = CLIENTS
            .iter()
            .filter_map(|(key, _)| {
                let requests = self.workload("requests")?.ops? as f64;
                let m = self.median("requests", key)?;
                Some(format!(
                    "{} {:.2} ms",
                    short_name(key),
                    m / requests * 1000.0
                ))
            })
            .collect();
        let _ = writeln!(
            md,
            "\nWhere the time goes: with bare HTTP (the raw baseline) a run takes {:.0} ms from \
             request to answer, all of it the server's (mostly its queue, which looks for new \
             runs every 0.5 s). The clients' median lanes take {lo:.0} to {hi:.0} ms a run: \
             differences of the order of the server's own variation (the baseline's lanes \
             alone spread over {spread:.0} ms), while what a client itself spends on a request \
             is well under a millisecond to about one (workload 2, per request: {}).",
            per_run_ms(workload, raw),
            own.join(", ")
        );
    }

    fn notes(&self, md: &mut String) {
        let _ = writeln!(md, "## Notes\n");
        let notes = [
            "Repetitions are interleaved (each client in turn, then the next repetition), so that a slow phase of the machine does not fall on one client only.".to_string(),
            format!(
                "A client whose first repetition of a workload takes more than {} s runs {SLOW_REPS} repetitions of it instead of {REPS}, to keep the whole benchmark under 15 minutes on 2 cores; such figures are marked `*`.",
                SLOW_REP.as_secs(),
            ),
            "The raw baseline parses nothing: it counts the bytes of the stream (`events` = 0 in its output line), and its events/s is the stream's event count over its time, so that the figures compare directly.".into(),
            "Each SDK is used through its normal API: Rust `client.runs().join_stream(thread, run)` consumed with `TryStreamExt::try_next`; Python `async for part in client.runs.join_stream(...)`; JS `for await (const part of client.runs.joinStream(...))`; `threads.get` for the requests; `runs.wait` and `runs.stream` for e2e.".into(),
            "The Rust clients use tokio's multi-threaded runtime (as many workers as cores; the concurrent streams are one task each); Python runs asyncio's default loop and JS Node's, both single-threaded.".into(),
            "The fake server's events carry ids and a `Location` header, like a resumable stream of the real server. When such a stream closes, the Rust SDK and the Python SDK ask for the run's status (`GET /threads/{t}/runs/{r}`) to tell the end of the run from a cut; the Rust SDK then rejoins once with `Last-Event-ID` to replay anything a cut could have swallowed. Both requests are part of the timed work.".into(),
            "What \"typed parts\" means per client: this SDK decodes a message chunk into typed fields (`Message`) and keeps the node's metadata as its JSON text, checked but read only when asked for (`ChunkMetadata`); the official clients build a generic tree of both (Python with orjson, JS with `JSON.parse`).".into(),
            "The metadata of the fixture's events is shortened to the node's keys (the real server adds a dozen about the deployment and run, about 1,300 bytes an event in all), to match the event size the benchmark is specified with.".into(),
            format!(
                "End to end: a run of the in-memory server takes about a second whoever asks (its queue polls for new runs every 0.5 s), so 200 runs one after the other would take over 3 minutes per client and mode, 25 minutes in all. Instead {E2E_LANES} processes of a client run side by side (the test server runs `--n-jobs-per-worker 10`), each creating its own thread (not timed) and making {} runs on it one after the other; {E2E_ROUNDS} such rounds per client and mode, the clients' order reversed in the second (the server slows down a little as runs pile up in its memory), make {} runs. Each lane is a sample; runs/s is a round's runs over its slowest lane's time (median of the rounds).",
                self.workload("e2e-wait").and_then(|w| w.ops).unwrap_or(E2E_RUNS),
                self.workload("e2e-wait").and_then(|w| w.ops).unwrap_or(E2E_RUNS) * (E2E_LANES * E2E_ROUNDS) as u64
            ),
        ];
        for note in notes {
            let _ = writeln!(md, "- {note}");
        }
        for workload in self.workloads {
            for (key, name) in CLIENTS {
                let Some(cell) = self.cell(workload.key, key) else {
                    continue;
                };
                if !cell.failures.is_empty() {
                    let _ = writeln!(
                        md,
                        "- {} / {name}: {} repetitions failed, first: {}",
                        workload.title,
                        cell.failures.len(),
                        cell.failures[0].replace('|', "\\|")
                    );
                }
                let errors: u64 = cell.samples.iter().map(|s| s.errors).sum();
                if errors > 0 {
                    let said = cell
                        .samples
                        .iter()
                        .find_map(|s| s.error.as_deref())
                        .map_or(String::new(), |e| {
                            format!("; the client says: `{}`", e.replace('`', "'"))
                        });
                    let _ = writeln!(
                        md,
                        "- {} / {name}: {errors} errors in {} repetitions{said}.",
                        workload.title,
                        cell.samples.len()
                    );
                }
            }
        }
    }

    fn summary(&self) -> String {
        let mut out = String::from("\n== Summary");
        for workload in self.workloads {
            let _ = write!(out, "\n{} ({})", workload.title, workload.what);
            for (key, _) in CLIENTS {
                let Some(cell) = self.cell(workload.key, key) else {
                    continue;
                };
                match cell.seconds() {
                    Some(s) if workload.lanes > 1 => {
                        let _ = write!(
                            out,
                            "\n  {key:<6} {:>5.0} ms a run (median lane; {:.0} to {:.0})  {:.2} runs/s in all  errors {}  lanes {}",
                            per_run_ms(workload, s.median),
                            per_run_ms(workload, s.min),
                            per_run_ms(workload, s.max),
                            lanes_rate(workload, cell).unwrap_or(0.0),
                            cell.errors(),
                            cell.samples.len()
                        );
                    }
                    Some(s) => {
                        let delivered = cell.delivered(key);
                        let rate = rate(workload, delivered, s.median).map_or(String::new(), |r| {
                            format!("  {:>8} {}", si(r), unit(workload))
                        });
                        let rss = cell.rss_kb().map_or(0.0, |r| mb(r.median));
                        let _ = write!(
                            out,
                            "\n  {key:<6} median {:>8} s  (min {}, max {}){rate}  RSS {rss:.1} MB  errors {}  reps {}",
                            secs(s.median),
                            secs(s.min),
                            secs(s.max),
                            cell.errors(),
                            cell.samples.len()
                        );
                    }
                    None => {
                        let _ = write!(out, "\n  {key:<6} failed");
                    }
                }
            }
        }
        out.push_str("\n\nTargets:");
        for check in self.checks() {
            let _ = write!(
                out,
                "\n  {} {} — {}",
                tick(check.ok),
                check.what,
                check.measured
            );
        }
        out
    }

    fn svg(&self) -> String {
        svg::render(self)
    }
}

fn short_name(key: &str) -> &'static str {
    match key {
        "rust" => "Rust SDK",
        "python" => "Python SDK",
        "js" => "JS SDK",
        _ => "raw reqwest",
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

// --------------------------------------------------------------------------
// Chart
// --------------------------------------------------------------------------

mod svg {
    use std::fmt::Write as _;

    use super::{CLIENTS, Report, mb, rate, si};

    const WIDTH: f64 = 1000.0;
    const PANEL_W: f64 = 470.0;
    const PANEL_H: f64 = 222.0;
    const TOP: f64 = 78.0;
    const LABEL_W: f64 = 88.0;
    const BAR_H: f64 = 22.0;
    const BAR_GAP: f64 = 9.0;

    fn color(client: &str) -> &'static str {
        match client {
            "rust" => "#ce422b",
            "python" => "#3572a5",
            "js" => "#d4a017",
            _ => "#8a8a8a",
        }
    }

    use super::short_name as short;

    fn esc(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }

    /// One bar: the client, the median, and the range of the repetitions.
    struct Bar {
        client: &'static str,
        value: f64,
        low: f64,
        high: f64,
        label: String,
    }

    /// A reference line across a panel.
    struct Mark {
        value: f64,
        label: String,
    }

    struct Panel {
        title: String,
        subtitle: String,
        bars: Vec<Bar>,
        marks: Vec<Mark>,
        log: bool,
    }

    fn panels(report: &Report) -> Vec<Panel> {
        let mut panels = Vec::new();
        for workload in report.workloads {
            let mut bars = Vec::new();
            for (key, _) in CLIENTS {
                let Some(cell) = report.cell(workload.key, key) else {
                    continue;
                };
                let Some(s) = cell.seconds() else { continue };
                let errors = cell.errors();
                let suffix = if errors > 0 {
                    format!(" ({errors} errors)")
                } else {
                    String::new()
                };
                let bar = match workload.key {
                    "memory" => cell.rss_kb().map(|r| Bar {
                        client: key,
                        value: mb(r.median),
                        low: mb(r.min),
                        high: mb(r.max),
                        label: format!("{:.1} MB{suffix}", mb(r.median)),
                    }),
                    _ if workload.lanes > 1 => Some(Bar {
                        client: key,
                        value: super::per_run_ms(workload, s.median),
                        low: super::per_run_ms(workload, s.min),
                        high: super::per_run_ms(workload, s.max),
                        label: format!("{:.0} ms{suffix}", super::per_run_ms(workload, s.median)),
                    }),
                    "concurrent" => Some(Bar {
                        client: key,
                        value: s.median,
                        low: s.min,
                        high: s.max,
                        label: format!("{} s{suffix}", super::secs(s.median)),
                    }),
                    _ => rate(workload, cell.delivered(key), s.median).map(|r| Bar {
                        client: key,
                        value: r,
                        low: rate(workload, cell.delivered(key), s.max).unwrap_or(r),
                        high: rate(workload, cell.delivered(key), s.min).unwrap_or(r),
                        label: format!("{} {}{suffix}", si(r), super::unit(workload)),
                    }),
                };
                bars.extend(bar);
            }
            if bars.is_empty() {
                continue;
            }
            let value = |client: &str| bars.iter().find(|b| b.client == client).map(|b| b.value);
            let mut marks = Vec::new();
            let (title, subtitle, log) = match workload.key {
                "stream" => {
                    if let Some(p) = value("python") {
                        marks.push(Mark {
                            value: p * 10.0,
                            label: "target: 10× Python".into(),
                        });
                    }
                    if let Some(r) = value("raw") {
                        marks.push(Mark {
                            value: r / 3.0,
                            label: "target: ⅓ of raw".into(),
                        });
                    }
                    (
                        "Stream throughput",
                        "events/s, log scale · higher is better".to_string(),
                        true,
                    )
                }
                "requests" => {
                    if let Some(r) = value("raw") {
                        marks.push(Mark {
                            value: r / 1.5,
                            label: "target: raw / 1.5".into(),
                        });
                    }
                    (
                        "Request overhead",
                        "sequential GETs, requests/s, log scale · higher is better".to_string(),
                        true,
                    )
                }
                "concurrent" => {
                    let streams = concurrency(workload).max(1);
                    (
                        "Concurrency",
                        format!(
                            "{} streams × {} events at once, seconds, log scale · lower is better",
                            super::thousands(streams),
                            super::thousands(workload.events.unwrap_or(0) / streams)
                        ),
                        true,
                    )
                }
                "memory" => {
                    marks.push(Mark {
                        value: 50.0,
                        label: "target: 50 MB".into(),
                    });
                    (
                        "Memory",
                        format!(
                            "peak RSS on a {} stream, MB · lower is better",
                            super::size(workload.bytes.unwrap_or(0))
                        ),
                        false,
                    )
                }
                "e2e-wait" => (
                    "End to end: runs.wait",
                    "real server, ms per run (median lane) · lower is better".to_string(),
                    false,
                ),
                _ => (
                    "End to end: streamed runs",
                    "real server, ms per run (median lane) · lower is better".to_string(),
                    false,
                ),
            };
            panels.push(Panel {
                title: title.into(),
                subtitle,
                bars,
                marks,
                log,
            });
        }
        panels
    }

    pub(super) fn render(report: &Report) -> String {
        let panels = panels(report);
        let rows = panels.len().div_ceil(2).max(1);
        let height = TOP + rows as f64 * (PANEL_H + 24.0) + 20.0;
        let mut s = String::new();
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif">"#
        );
        let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
        let _ = writeln!(
            s,
            r##"<text x="20" y="32" font-size="20" font-weight="600" fill="#222">langgraph-sdk benchmarks</text>"##
        );
        let date = report
            .env
            .rows
            .iter()
            .find(|(k, _)| k == "Date")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        let cpu = report
            .env
            .rows
            .iter()
            .find(|(k, _)| k == "CPU")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        let _ = writeln!(
            s,
            r##"<text x="20" y="54" font-size="12.5" fill="#555">Median of the repetitions; whiskers: fastest and slowest. {} · {} · {}</text>"##,
            esc(cpu),
            esc(&format!(
                "{} cores",
                report
                    .env
                    .rows
                    .iter()
                    .find(|(k, _)| k == "Cores")
                    .map(|(_, v)| v.as_str())
                    .unwrap_or("?")
            )),
            esc(date)
        );
        // Legend.
        let mut x = WIDTH - 20.0;
        for (key, _) in CLIENTS.iter().rev() {
            if !panels
                .iter()
                .any(|p| p.bars.iter().any(|b| b.client == *key))
            {
                continue;
            }
            let w = short(key).len() as f64 * 7.0 + 22.0;
            x -= w;
            let _ = writeln!(
                s,
                r##"<rect x="{x:.1}" y="22" width="12" height="12" rx="2" fill="{}"/><text x="{:.1}" y="32.5" font-size="12.5" fill="#333">{}</text>"##,
                color(key),
                x + 16.0,
                short(key)
            );
        }
        for (i, panel) in panels.iter().enumerate() {
            let px = 20.0 + (i % 2) as f64 * (PANEL_W + 20.0);
            let py = TOP + (i / 2) as f64 * (PANEL_H + 24.0);
            draw_panel(&mut s, panel, px, py);
        }
        s.push_str("</svg>\n");
        s
    }

    fn draw_panel(s: &mut String, panel: &Panel, px: f64, py: f64) {
        let _ = writeln!(
            s,
            r##"<rect x="{px}" y="{py}" width="{PANEL_W}" height="{PANEL_H}" rx="6" fill="#fafafa" stroke="#e2e2e2"/>"##
        );
        let _ = writeln!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="14.5" font-weight="600" fill="#222">{}</text>"##,
            px + 12.0,
            py + 22.0,
            esc(&panel.title)
        );
        let _ = writeln!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="11.5" fill="#666">{}</text>"##,
            px + 12.0,
            py + 38.0,
            esc(&panel.subtitle)
        );
        let x0 = px + LABEL_W + 12.0;
        let x1 = px + PANEL_W - 110.0;
        let plot_top = py + 52.0;
        let plot_h = panel.bars.len() as f64 * (BAR_H + BAR_GAP) - BAR_GAP;
        let mut hi = panel
            .bars
            .iter()
            .map(|b| b.high.max(b.value))
            .chain(panel.marks.iter().map(|m| m.value))
            .fold(0.0f64, f64::max);
        let mut lo = panel
            .bars
            .iter()
            .map(|b| b.low.min(b.value))
            .chain(panel.marks.iter().map(|m| m.value))
            .fold(f64::INFINITY, f64::min);
        let scale: Box<dyn Fn(f64) -> f64> = if panel.log {
            lo = 10f64.powf((lo.max(1e-9)).log10().floor());
            hi = 10f64.powf(hi.max(lo * 10.0).log10().ceil());
            let (l, h) = (lo.log10(), hi.log10());
            Box::new(move |v: f64| x0 + (v.max(lo).log10() - l) / (h - l) * (x1 - x0))
        } else {
            hi = nice_ceiling(hi * 1.05);
            lo = 0.0;
            Box::new(move |v: f64| x0 + (v - lo) / (hi - lo) * (x1 - x0))
        };
        // Grid and ticks.
        let ticks: Vec<f64> = if panel.log {
            let mut t = Vec::new();
            let mut v = lo;
            while v <= hi * 1.0001 {
                t.push(v);
                v *= 10.0;
            }
            t
        } else {
            (0..=4).map(|i| hi * i as f64 / 4.0).collect()
        };
        for t in ticks {
            let x = scale(t);
            let _ = writeln!(
                s,
                r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#e6e6e6"/><text x="{x:.1}" y="{:.1}" font-size="10" fill="#888" text-anchor="middle">{}</text>"##,
                plot_top - 4.0,
                plot_top + plot_h + 4.0,
                plot_top + plot_h + 16.0,
                tick_label(t)
            );
        }
        // Target lines, under the bars; their labels in rows below the axis.
        for (k, mark) in panel.marks.iter().enumerate() {
            let x = scale(mark.value);
            let _ = writeln!(
                s,
                r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#2e7d32" stroke-width="1.5" stroke-dasharray="5,3"/><text x="{x:.1}" y="{:.1}" font-size="10.5" fill="#2e7d32" text-anchor="middle">▲ {}</text>"##,
                plot_top - 6.0,
                plot_top + plot_h + 4.0,
                plot_top + plot_h + 31.0 + k as f64 * 13.0,
                esc(&mark.label)
            );
        }
        for (j, bar) in panel.bars.iter().enumerate() {
            let y = plot_top + j as f64 * (BAR_H + BAR_GAP);
            let x = scale(bar.value);
            let _ = writeln!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="12" fill="#333" text-anchor="end">{}</text>"##,
                x0 - 8.0,
                y + BAR_H / 2.0 + 4.0,
                short(bar.client)
            );
            let _ = writeln!(
                s,
                r##"<rect x="{x0:.1}" y="{y:.1}" width="{:.1}" height="{BAR_H}" rx="2" fill="{}"/>"##,
                (x - x0).max(1.0),
                color(bar.client)
            );
            let (wl, wh) = (scale(bar.low), scale(bar.high));
            if wh - wl > 1.0 {
                let ym = y + BAR_H / 2.0;
                let _ = writeln!(
                    s,
                    r##"<path d="M{wl:.1},{ym:.1}H{wh:.1}M{wl:.1},{:.1}V{:.1}M{wh:.1},{:.1}V{:.1}" stroke="#222" stroke-width="1.2" fill="none"/>"##,
                    ym - 5.0,
                    ym + 5.0,
                    ym - 5.0,
                    ym + 5.0
                );
            }
            let _ = writeln!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="11.5" fill="#222">{}</text>"##,
                x.max(wh) + 6.0,
                y + BAR_H / 2.0 + 4.0,
                esc(&bar.label)
            );
        }
    }

    /// `10000` as `10k`, `0.1` as `0.1`: no trailing zeros.
    fn tick_label(v: f64) -> String {
        let (v, suffix) = if v >= 1e6 {
            (v / 1e6, "M")
        } else if v >= 1e3 {
            (v / 1e3, "k")
        } else {
            (v, "")
        };
        let text = format!("{v:.3}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        format!("{text}{suffix}")
    }

    fn concurrency(workload: &super::Workload) -> u64 {
        workload
            .args
            .windows(2)
            .find(|w| w[0] == "--concurrency")
            .and_then(|w| w[1].parse().ok())
            .unwrap_or(0)
    }

    fn nice_ceiling(v: f64) -> f64 {
        if v <= 0.0 {
            return 1.0;
        }
        let p = 10f64.powf(v.log10().floor());
        for m in [1.0, 1.2, 1.5, 2.0, 2.5, 5.0, 10.0] {
            if m * p >= v {
                return m * p;
            }
        }
        10.0 * p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_ranges() {
        let s = stats([3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.median, s.min, s.max), (2.0, 1.0, 3.0));
        let s = stats([4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!(s.median, 2.5);
        assert!(stats([]).is_none());
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(si(3_204_000.0), "3.20M");
        assert_eq!(si(150_123.0), "150k");
        assert_eq!(si(8_050.0), "8.05k");
        assert_eq!(si(9.6), "9.60");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(size(1_000_000_123), "1 GB");
        assert_eq!(size(50_000_000), "50 MB");
        assert_eq!(secs(0.0314), "0.031");
        assert_eq!(secs(21.24), "21.2");
        assert!(utc_now().ends_with(" UTC"));
    }

    #[test]
    fn a_saved_report_renders_the_same() {
        let workloads = vec![Workload {
            key: "stream",
            title: "Stream throughput",
            what: "one stream".into(),
            target: Target::Fast,
            args: flags(&[("thread", "n-10".into())]),
            events: Some(10),
            bytes: Some(4460),
            ops: None,
            lanes: 1,
        }];
        let mut results = Results::new();
        let sample = |seconds| Sample {
            seconds,
            events: 10,
            peak_rss_kb: 1000,
            ..Sample::default()
        };
        results.entry("stream").or_default().insert(
            "rust",
            Cell {
                samples: vec![sample(0.2), sample(0.1), sample(0.3)],
                reps: 3,
                ..Cell::default()
            },
        );
        let env = Environment {
            rows: vec![("CPU".into(), "test".into())],
            skipped: vec![("js".into(), "no node".into())],
        };
        let report = Report {
            reps: 3,
            env: &env,
            workloads: &workloads,
            results: &results,
            total_seconds: 1.0,
            build_seconds: 0.5,
            decode: Some(Decode {
                validate: 0.25,
                typed: 0.5,
                tree: 1.0,
            }),
        };
        let saved = report.to_json();
        let (reps, env2, workloads2, results2, total, build) =
            Report::from_json(&saved).expect("loads");
        let again = Report {
            reps,
            env: &env2,
            workloads: &workloads2,
            results: &results2,
            total_seconds: total,
            build_seconds: build,
            decode: Decode::parse(&saved["decode"]),
        };
        assert_eq!(again.decode, report.decode);
        assert_eq!(again.markdown(), report.markdown());
        assert_eq!(again.svg(), report.svg());
        assert!(
            report
                .markdown()
                .contains("| 0.200 | 0.100 | 0.300 | 50.0 |")
        );
    }
}
