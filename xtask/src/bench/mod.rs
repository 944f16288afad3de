//! `cargo xtask bench`: this SDK against the official Python and JS clients and a raw
//! `reqwest` baseline, in one run on one machine; writes `docs/benchmarks.md` and
//! `docs/benchmarks.svg`.
//!
//! Every client runs as its own process, one per repetition, and prints one JSON line
//! (`seconds`, `events`, `requests`, `errors`, `peak_rss_kb`) about the timed part only:
//!
//! - `rust`: `langgraph-bench client <workload> ...` (the `bench/` crate, release build);
//! - `pass`: `langgraph-bench pass <workload> ...`, the same SDK's pass-through streams
//!   (events as name and data bytes, no JSON decoding; stream workloads only);
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
//! - `--clients rust,pass,raw,python,js`: only these;
//! - `--no-e2e`: skip the real-server workloads.
//!
//! With `valgrind` on the PATH, the stream is also run under callgrind for the Rust clients
//! (instructions per event, independent of the machine's load). The load average at the
//! start and the end is in the report.
//!
//! Every run saves its measurements in `target/langgraph-bench/results.json`;
//! `cargo xtask bench --render RESULTS.json [DIR]` writes the report again from such a file
//! (into `docs/` by default), without measuring.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::Error;

mod chart;
mod machine;
mod measure;
mod report;

use machine::*;
use measure::*;
use report::*;

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
                            return Err(format!(
                                "unknown client `{c}` (rust, pass, raw, python, js)"
                            )
                            .into());
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
    ("pass", "langgraph-sdk pass-through (Rust, this crate)"),
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
    /// Whether this client runs `workload` (pass-through streams: the stream workloads only).
    fn applies(&self, workload: &Workload) -> bool {
        self.key != "pass" || (workload.events.is_some() && workload.target == Target::Fast)
    }

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
    if options.wants("pass") {
        runners.push(Runner {
            key: "pass",
            program: bench.clone().into(),
            prefix: vec!["pass".into()],
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
    env.rows
        .push(("Load average at the start".into(), load_average()));

    let fast = FastServer::start(&bench)?;
    eprintln!("bench: fast server at {}", fast.url);
    for workload in workloads.iter().filter(|w| w.target == Target::Fast) {
        measure(workload, &runners, &fast.url, options.reps, &mut results);
    }
    let instructions = match workloads.iter().find(|w| w.key == "stream") {
        Some(stream) => Instructions::measure(&runners, stream, &fast.url, &target),
        None => Instructions::default(),
    };
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

    env.rows
        .push(("Load average at the end".into(), load_average()));
    let total = started.elapsed().as_secs_f64();
    let report = Report {
        reps: options.reps,
        env: &env,
        workloads: &workloads,
        results: &results,
        total_seconds: total,
        build_seconds,
        decode,
        instructions,
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
        instructions: Instructions::parse(&saved["instructions"]),
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
