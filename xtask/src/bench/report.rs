//! The report: `docs/benchmarks.md`, the summary printed at the end, the saved measurements.

use super::*;

pub(super) struct Report<'a> {
    pub(super) reps: usize,
    pub(super) env: &'a Environment,
    pub(super) workloads: &'a [Workload],
    pub(super) results: &'a Results,
    pub(super) total_seconds: f64,
    pub(super) build_seconds: f64,
    pub(super) decode: Option<Decode>,
    pub(super) instructions: Instructions,
}

/// The stream's events decoded in memory (`langgraph-bench decode`), µs per event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Decode {
    /// serde_json only checking the JSON.
    pub(super) validate: f64,
    /// Into this SDK's typed parts.
    pub(super) typed: f64,
    /// Into a generic JSON tree.
    pub(super) tree: f64,
}

impl Decode {
    pub(super) fn parse(v: &Value) -> Option<Decode> {
        Some(Decode {
            validate: v["validate_us"].as_f64()?,
            typed: v["typed_us"].as_f64()?,
            tree: v["tree_us"].as_f64()?,
        })
    }

    /// Runs `langgraph-bench decode`.
    pub(super) fn measure(bench: &Path) -> Result<Decode, String> {
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
pub(super) struct Check {
    pub(super) what: String,
    pub(super) measured: String,
    pub(super) ok: Option<bool>,
}

/// The workload whose page faults per MB the report shows.
const FAULTS_WORKLOAD: &str = "memory";

pub(super) fn mb(kb: f64) -> f64 {
    kb * 1024.0 / 1e6
}

/// `1234567` as `1.23M`, `12345` as `12.3k`.
pub(super) fn si(x: f64) -> String {
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
pub(super) fn size(bytes: u64) -> String {
    if bytes >= 1_000_000_000 {
        format!("{:.0} GB", bytes as f64 / 1e9)
    } else {
        format!("{:.0} MB", bytes as f64 / 1e6)
    }
}

pub(super) fn thousands(n: u64) -> String {
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

pub(super) fn secs(x: f64) -> String {
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

pub(super) fn tick(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "✓",
        Some(false) => "✗",
        None => "–",
    }
}

/// `s` as a `&'static str` (the report's keys are static; loaded ones are leaked, once).
pub(super) fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

impl Report<'_> {
    /// Everything measured, to render the report again (`--render`).
    pub(super) fn to_json(&self) -> Value {
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
                            "minor_faults": s.minor_faults, "cpu_seconds": s.cpu_seconds,
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
            "instructions": self.instructions.to_json(),
        })
    }

    #[allow(clippy::type_complexity)]
    pub(super) fn from_json(
        v: &Value,
    ) -> Option<(usize, Environment, Vec<Workload>, Results, f64, f64)> {
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

    pub(super) fn cell(&self, workload: &str, client: &str) -> Option<&Cell> {
        self.results.get(workload)?.get(client)
    }

    pub(super) fn median(&self, workload: &str, client: &str) -> Option<f64> {
        self.cell(workload, client)?.seconds().map(|s| s.median)
    }

    pub(super) fn workload(&self, key: &str) -> Option<&Workload> {
        self.workloads.iter().find(|w| w.key == key)
    }

    /// The stream workload's time per event of `client`, in µs: median and fastest.
    pub(super) fn per_event_us(&self, client: &str) -> Option<Stats> {
        let events = self.workload("stream")?.events? as f64;
        let s = self.cell("stream", client)?.seconds()?;
        let us = |x: f64| x * 1e6 / events;
        Some(Stats {
            median: us(s.median),
            min: us(s.min),
            max: us(s.max),
        })
    }

    /// Minor page faults per MB received, of `client`: on the 1 GB stream (the memory
    /// workload), where the few hundred a process takes to start streaming do not count.
    pub(super) fn faults_per_mb(&self, client: &str) -> Option<f64> {
        let key = FAULTS_WORKLOAD;
        let bytes = self.workload(key)?.bytes?;
        self.cell(key, client)?.faults_per_mb(bytes)
    }

    /// CPU time per event of `client`, in µs, on the 1 GB stream (the memory workload: long
    /// enough for the 10 ms clock tick of the CPU time not to matter).
    pub(super) fn cpu_per_event_us(&self, client: &str) -> Option<f64> {
        let events = self.workload(FAULTS_WORKLOAD)?.events?;
        self.cell(FAULTS_WORKLOAD, client)?.cpu_us_per_event(events)
    }

    pub(super) fn checks(&self) -> Vec<Check> {
        let mut checks = Vec::new();
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if b > 0.0 => Some(a / b),
            _ => None,
        };
        let typed = self.per_event_us("rust");
        let pass = self.per_event_us("pass");
        let raw = self.per_event_us("raw");
        let python = self.per_event_us("python");
        let vs_python = ratio(python.map(|p| p.median), typed.map(|t| t.median));
        let vs_python_fastest = ratio(python.map(|p| p.min), typed.map(|t| t.median));
        checks.push(Check {
            what: "Typed stream ≥ 10× the official Python SDK (medians)".into(),
            measured: vs_python.map_or("not measured".into(), |r| {
                format!(
                    "{r:.2}× ({:.2} µs an event, Python {:.2}); against Python's fastest repetition ({:.2} µs) {:.2}×",
                    typed.map_or(0.0, |t| t.median),
                    python.map_or(0.0, |p| p.median),
                    python.map_or(0.0, |p| p.min),
                    vs_python_fastest.unwrap_or(0.0)
                )
            }),
            ok: vs_python.map(|r| r >= 10.0),
        });
        let per_event_vs_raw = |what: &str, client: Option<Stats>, limit: f64| {
            let r = ratio(client.map(|c| c.median), raw.map(|r| r.median));
            Check {
                what: format!("{what} within {limit}× of raw reqwest per event"),
                measured: r.map_or("not measured".into(), |r| {
                    format!(
                        "{r:.2}× ({:.2} µs an event, raw {:.2})",
                        client.map_or(0.0, |c| c.median),
                        raw.map_or(0.0, |c| c.median)
                    )
                }),
                ok: r.map(|r| r <= limit),
            }
        };
        checks.push(per_event_vs_raw("Typed stream", typed, 3.0));
        checks.push(per_event_vs_raw("Pass-through stream", pass, 1.5));
        let raw_faults = self.faults_per_mb("raw");
        let faults = ratio(self.faults_per_mb("rust"), raw_faults);
        checks.push(Check {
            what: "Page faults per MB received within 2× of raw reqwest (1 GB stream)".into(),
            measured: faults.map_or("not measured".into(), |r| {
                format!(
                    "{r:.2}× (typed {:.1}, pass-through {}, raw {:.1} a MB)",
                    self.faults_per_mb("rust").unwrap_or(0.0),
                    self.faults_per_mb("pass")
                        .map_or("–".into(), |f| format!("{f:.1}")),
                    raw_faults.unwrap_or(0.0)
                )
            }),
            ok: faults.map(|r| r <= 2.0),
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
        let rss = |client: &str| {
            self.cell("concurrent", client)
                .and_then(Cell::rss_kb)
                .map(|r| mb(r.median))
        };
        let (rust_rss, raw_rss) = (rss("rust"), rss("raw"));
        checks.push(Check {
            what: "1,000 concurrent streams with 0 errors, peak RSS not above raw reqwest's".into(),
            measured: concurrent.map_or("not measured".into(), |c| {
                format!(
                    "{} errors, {} of {} repetitions delivered all {} events; peak RSS {} MB (raw reqwest {} MB, medians)",
                    c.errors(),
                    c.samples.len() - c.incomplete,
                    c.reps,
                    thousands(streams),
                    rust_rss.map_or("–".into(), |m| format!("{m:.0}")),
                    raw_rss.map_or("–".into(), |m| format!("{m:.0}")),
                )
            }),
            ok: concurrent.map(|c| {
                c.clean() && matches!((rust_rss, raw_rss), (Some(a), Some(b)) if a <= b)
            }),
        });
        checks
    }

    pub(super) fn markdown(&self) -> String {
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
        for reason in self.missed_reasons() {
            let _ = writeln!(md, "{reason}\n");
        }

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

    pub(super) fn mean_event_size(&self) -> f64 {
        self.workload("stream")
            .and_then(|w| Some(w.bytes? as f64 / w.events? as f64))
            .unwrap_or(0.0)
    }

    pub(super) fn workload_table(&self, md: &mut String, n: usize, workload: &Workload) {
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

    /// The stream workload per event (time, instructions, page faults) and where the time
    /// goes, from the in-memory decode figures.
    pub(super) fn stream_time(&self, md: &mut String, workload: &Workload) {
        let Some(events) = workload.events else {
            return;
        };
        let _ = writeln!(
            md,
            "\nPer event: the time of the stream over its {} events (median and fastest \
             repetition); user-space instructions an event (callgrind, the difference between \
             this stream and one of a fifth of its events, so that start-up and the end of the \
             stream cancel out; load-independent); minor page faults per MB received, and the \
             CPU time of the client process (all threads, user and system) per event, both over \
             the {} stream of workload 4 (the few hundred faults a process takes to start a \
             stream, and the 10 ms clock tick of the CPU time, are negligible there).\n",
            thousands(events),
            self.workload(FAULTS_WORKLOAD)
                .and_then(|w| w.bytes)
                .map_or("large".into(), size)
        );
        let _ = writeln!(
            md,
            "| Client | µs an event (median) | µs an event (fastest) | × raw (median) | Instructions an event | Page faults per MB | CPU µs an event |"
        );
        let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|");
        let raw = self.per_event_us("raw");
        for (key, name) in CLIENTS {
            let Some(us) = self.per_event_us(key) else {
                continue;
            };
            let instructions = match (self.instructions.per_event.get(*key), key) {
                (Some(n), _) => thousands(n.round() as u64),
                (None, &("python" | "js")) => "–".into(),
                (None, _) => self
                    .instructions
                    .missing
                    .as_ref()
                    .map_or("–".into(), |why| format!("not measured: {why}")),
            };
            let _ = writeln!(
                md,
                "| {name} | {:.2} | {:.2} | {} | {instructions} | {} | {} |",
                us.median,
                us.min,
                raw.map_or("–".into(), |r| format!("{:.2}", us.median / r.median)),
                self.faults_per_mb(key)
                    .map_or("–".into(), |f| format!("{f:.1}")),
                self.cpu_per_event_us(key)
                    .map_or("–".into(), |c| format!("{c:.2}")),
            );
        }
        if let Some(parts) = self.parts_text() {
            let _ = writeln!(md, "\n{parts}");
        }
        if let Some(cpu) = self.cpu_text() {
            let _ = writeln!(md, "\n{cpu}");
        }
        let Some(decode) = self.decode else {
            return;
        };
        let us = |key: &str| self.per_event_us(key).map(|s| s.median);
        let _ = write!(
            md,
            "\nWhere the time goes: the same events' data decoded in memory, without the network \
             (`langgraph-bench decode`, median of 5 passes over the 100,000 events): serde_json \
             only checking the JSON takes {:.2} µs an event, decoding it into this SDK's typed \
             parts as its stream does (`SseEvent::to_part`: a `Message` and a `ChunkMetadata`) \
             {:.2} µs, and into a \
             generic JSON tree (`serde_json::Value`, the shape the official clients hand out) \
             {:.2} µs.",
            decode.validate, decode.typed, decode.tree
        );
        if let (Some(rust), Some(raw), Some(python)) = (us("rust"), us("raw"), us("python")) {
            let floor = raw + decode.typed;
            let beyond = if rust > floor {
                format!(
                    "what this SDK spends beyond that ({:.2} µs) is SSE framing, handing each \
                     event over, and at the end of the stream a status check and a catch-up \
                     rejoin",
                    rust - floor
                )
            } else {
                "more than the stream takes: reading (on the connection's thread) and decoding \
                 (on the consumer's) overlap"
                    .to_string()
            };
            let _ = write!(
                md,
                " In the stream above this SDK spends {rust:.2} µs an event and the official \
                 Python client {python:.2} µs; reading the bytes alone takes {raw:.2} µs (the raw \
                 baseline). Reading plus the typed decode make {floor:.2} µs; {beyond}. The \
                 targets leave {:.2} µs an event for all of it (10× the Python client) and \
                 {:.2} µs (3× the raw baseline).",
                python / 10.0,
                raw * 3.0,
            );
            if let Some(pass) = us("pass") {
                let _ = write!(
                    md,
                    " The pass-through stream, which decodes no JSON, takes {pass:.2} µs: \
                     {:.2} µs over the raw baseline (SSE framing, handing over, resumption \
                     bookkeeping, the end-of-stream check) where its target leaves {:.2} µs; \
                     the typed parts cost {:.2} µs more than that.",
                    pass - raw,
                    raw * 0.5,
                    rust - pass
                );
            }
        }
        md.push('\n');
    }

    /// Why the stream targets that were missed were missed, in the measured figures: the time
    /// over the baseline, the client's own CPU in it, and the instructions by part.
    pub(super) fn missed_reasons(&self) -> Vec<String> {
        let missed = |prefix: &str| {
            self.checks()
                .iter()
                .any(|c| c.what.starts_with(prefix) && c.ok == Some(false))
        };
        let us = |key: &str| self.per_event_us(key).map(|s| s.median);
        let count = |n: f64| thousands(n.max(0.0).round() as u64);
        let part = |client: &str, part: &str| {
            self.instructions
                .parts
                .get(client)
                .and_then(|parts| parts.get(part))
                .copied()
        };
        let cpu_over_raw =
            |client: &str| Some(self.cpu_per_event_us(client)? - self.cpu_per_event_us("raw")?);
        let long = self
            .workload(FAULTS_WORKLOAD)
            .and_then(|w| w.bytes)
            .map_or("long".into(), size);
        let mut reasons = Vec::new();
        if (missed("Typed stream within") || missed("Typed stream ≥"))
            && let (Some(typed), Some(raw)) = (us("rust"), us("raw"))
        {
            let mut text = format!(
                "**Why the typed stream misses:** it takes {typed:.2} µs an event, raw reqwest \
                 {raw:.2}."
            );
            if let (Some(total), Some(sse), Some(decode)) = (
                self.instructions.per_event.get("rust"),
                part("rust", "sse"),
                part("rust", "typed"),
            ) {
                let _ = write!(
                    text,
                    " Of its {} instructions an event, decoding the JSON of each event into \
                     typed parts (for this stream: the message chunk into `Message`) takes {} \
                     ({:.0} %), the SSE framing {}, the rest {}.",
                    count(*total),
                    count(decode),
                    decode / total * 100.0,
                    count(sse),
                    count(total - sse - decode)
                );
            }
            if let Some(pass) = us("pass") {
                let _ = write!(
                    text,
                    " The pass-through stream, the same machinery without the JSON, takes \
                     {pass:.2} µs: the typed parts cost {:.2} µs an event on top.",
                    typed - pass
                );
            }
            if let Some(decode) = self.decode {
                let _ = write!(
                    text,
                    " Decoding the same events into typed parts in memory, with no network and \
                     no stream, takes {:.2} µs an event (`langgraph-bench decode`).",
                    decode.typed
                );
            }
            if let Some(python) = us("python") {
                let _ = write!(
                    text,
                    " The targets leave {:.2} µs an event in all (3× raw) and {:.2} µs (10× \
                     faster than Python's median).",
                    raw * 3.0,
                    python / 10.0
                );
            } else {
                let _ = write!(text, " 3× raw leaves {:.2} µs an event in all.", raw * 3.0);
            }
            if let Some(cpu) = cpu_over_raw("rust") {
                let _ = write!(
                    text,
                    " On the {long} stream its own CPU work is {cpu:.2} µs an event beyond raw \
                     reqwest's."
                );
            }
            reasons.push(text);
        }
        if missed("Pass-through stream")
            && let (Some(pass), Some(raw)) = (us("pass"), us("raw"))
        {
            let mut text = format!(
                "**Why the pass-through stream misses:** it takes {pass:.2} µs an event, raw \
                 reqwest {raw:.2}: {:.2} µs more, where 1.5× leaves {:.2} µs.",
                pass - raw,
                raw * 0.5
            );
            match cpu_over_raw("pass") {
                Some(cpu) if cpu >= pass - raw => {
                    let _ = write!(
                        text,
                        " Its own CPU work beyond raw reqwest's, {cpu:.2} µs an event ({long} \
                         stream), is more than its extra time: part of it runs alongside the \
                         reading, on the other core. It misses by the work it does per event, \
                         not by waiting."
                    );
                }
                Some(cpu) => {
                    let _ = write!(
                        text,
                        " Its own CPU work beyond raw reqwest's is {cpu:.2} µs an event ({long} \
                         stream); the rest of its extra time is waiting (for the server's \
                         bytes, or for a core the fake server and the client's threads share)."
                    );
                }
                None => {}
            }
            if let (Some(total), Some(sse), Some(as_sent)) = (
                self.instructions.per_event.get("pass"),
                part("pass", "sse"),
                part("pass", "as_sent"),
            ) {
                let _ = write!(
                    text,
                    " Of its {} instructions an event the SSE framing takes {} ({:.0} %), \
                     making the event as sent {}, the rest {} (reading the body, handing the \
                     event over, the resumption bookkeeping, the consumer dropping the event); \
                     raw reqwest spends {} an event.",
                    count(*total),
                    count(sse),
                    sse / total * 100.0,
                    count(as_sent),
                    count(total - sse - as_sent),
                    self.instructions
                        .per_event
                        .get("raw")
                        .map_or("–".into(), |n| count(*n)),
                );
            }
            reasons.push(text);
        }
        reasons
    }

    /// Where the instructions of an event go, by part of the SDK (callgrind), for the typed
    /// and the pass-through stream.
    pub(super) fn parts_text(&self) -> Option<String> {
        let names = [
            ("sse", "SSE framing"),
            ("typed", "JSON into typed parts"),
            ("as_sent", "the event as sent"),
        ];
        let mut clients = Vec::new();
        for (key, label) in [("rust", "typed stream"), ("pass", "pass-through stream")] {
            let (Some(total), Some(parts)) = (
                self.instructions.per_event.get(key),
                self.instructions.parts.get(key),
            ) else {
                continue;
            };
            let share = |n: f64| {
                format!(
                    "{} ({:.0} %)",
                    thousands(n.max(0.0).round() as u64),
                    n / total * 100.0
                )
            };
            let mut items = Vec::new();
            let mut counted = 0.0;
            for (part, name) in names {
                if let Some(n) = parts.get(part) {
                    items.push(format!("{name} {}", share(*n)));
                    counted += n;
                }
            }
            items.push(format!(
                "the rest {} (reading the body, handing the event over, the resumption \
                 bookkeeping, the consumer dropping the event)",
                thousands((total - counted).max(0.0).round() as u64)
            ));
            clients.push(format!(
                "{label} {} in all: {}",
                thousands(total.round() as u64),
                items.join(", ")
            ));
        }
        (!clients.is_empty()).then(|| {
            format!(
                "Instructions an event by part of the SDK (callgrind, each part with what it \
                 calls; the same difference of two streams as above): {}.",
                clients.join("; ")
            )
        })
    }

    /// Time against CPU time per event on the 1 GB stream: how much of a client's time over
    /// the raw baseline is its own work, and how much is waiting (for the server, or for a
    /// core: the fake server runs on the same machine).
    pub(super) fn cpu_text(&self) -> Option<String> {
        let events = self.workload(FAULTS_WORKLOAD)?.events? as f64;
        let wall = |key: &str| Some(self.median(FAULTS_WORKLOAD, key)? * 1e6 / events);
        let (raw_wall, raw_cpu) = (wall("raw")?, self.cpu_per_event_us("raw")?);
        let mut clients = Vec::new();
        for (key, label) in [("rust", "typed stream"), ("pass", "pass-through stream")] {
            let (Some(w), Some(c)) = (wall(key), self.cpu_per_event_us(key)) else {
                continue;
            };
            clients.push(format!(
                "the {label} takes {w:.2} µs an event ({:.2}× raw), {:.2} µs more than raw \
                 reqwest, and uses {c:.2} µs of CPU an event, {:.2} µs more",
                w / raw_wall,
                w - raw_wall,
                c - raw_cpu
            ));
        }
        (!clients.is_empty()).then(|| {
            format!(
                "Time and CPU time on the {} stream of workload 4 (medians): raw reqwest takes \
                 {raw_wall:.2} µs an event and uses {raw_cpu:.2} µs of CPU (its process, all \
                 threads); {}. Extra time beyond the extra CPU is waiting (for the server's \
                 bytes, or for a core: the machine's cores are shared with the fake server, \
                 which writes the stream); extra CPU beyond the extra time ran alongside the \
                 reading, the client's connection and consumer threads on both cores.",
                self.workload(FAULTS_WORKLOAD)
                    .and_then(|w| w.bytes)
                    .map_or("large".into(), size),
                clients.join("; ")
            )
        })
    }

    /// An e2e table: the time of a run in each lane (a sample), and the runs per second of
    /// all lanes together; then where the time goes.
    pub(super) fn lanes_table(&self, md: &mut String, workload: &Workload) {
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

    pub(super) fn notes(&self, md: &mut String) {
        let _ = writeln!(md, "## Notes\n");
        let notes = [
            "Repetitions are interleaved (each client in turn, then the next repetition), so that a slow phase of the machine does not fall on one client only.".to_string(),
            format!(
                "A client whose first repetition of a workload takes more than {} s runs {SLOW_REPS} repetitions of it instead of {REPS}, to keep the whole benchmark under 15 minutes on 2 cores; such figures are marked `*`.",
                SLOW_REP.as_secs(),
            ),
            "The raw baseline parses nothing: it counts the bytes of the stream (`events` = 0 in its output line), and its events/s is the stream's event count over its time, so that the figures compare directly.".into(),
            "Each SDK is used through its normal API: Rust `client.runs().join_stream(thread, run)` consumed with `TryStreamExt::try_next` (pass-through: the same with `.pass_through()`, events as name and data bytes, no JSON decoded); Python `async for part in client.runs.join_stream(...)`; JS `for await (const part of client.runs.joinStream(...))`; `threads.get` for the requests; `runs.wait` and `runs.stream` for e2e.".into(),
            "The Rust clients use tokio's multi-threaded runtime (as many workers as cores; the concurrent streams are one task each); Python runs asyncio's default loop and JS Node's, both single-threaded.".into(),
            "The fake server's events carry ids and a `Location` header, like a resumable stream of the real server. When such a stream closes, the Rust SDK and the Python SDK ask for the run's status (`GET /threads/{t}/runs/{r}`) to tell the end of the run from a cut; the Rust SDK then rejoins once with `Last-Event-ID` to replay anything a cut could have swallowed. Both requests are part of the timed work.".into(),
            "What \"typed parts\" means per client: this SDK decodes a message chunk into typed fields (`Message`) and keeps the node's metadata as its JSON text, neither decoded nor checked until it is read (`ChunkMetadata`); the official clients build a generic tree of both (Python with orjson, JS with `JSON.parse`).".into(),
            "The metadata of the fixture's events is shortened to the node's keys (the real server adds a dozen about the deployment and run, about 1,300 bytes an event in all), to match the event size the benchmark is specified with.".into(),
            format!(
                "End to end: a run of the in-memory server takes about a second whoever asks (its queue polls for new runs every 0.5 s), so 200 runs one after the other would take over 3 minutes per client and mode, 25 minutes in all. Instead {E2E_LANES} processes of a client run side by side (the test server runs `--n-jobs-per-worker 10`), each creating its own thread (not timed) and making {} runs on it one after the other; {E2E_ROUNDS} such rounds per client and mode, the clients' order reversed in the second (the server slows down a little as runs pile up in its memory), make {} runs. Each lane is a sample; runs/s is a round's runs over its slowest lane's time (median of the rounds).",
                self.workload("e2e-wait").and_then(|w| w.ops).unwrap_or(E2E_RUNS),
                self.workload("e2e-wait").and_then(|w| w.ops).unwrap_or(E2E_RUNS) * (E2E_LANES * E2E_ROUNDS) as u64
            ),
        ];
        for note in notes.into_iter().chain(self.load_note()) {
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

    /// A note when the machine was busy: the 1-minute load average at the start or the end
    /// above its cores.
    pub(super) fn load_note(&self) -> Option<String> {
        let row = |key: &str| {
            self.env
                .rows
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        let cores: f64 = row("Cores")?.parse().ok()?;
        let load = |key: &str| -> Option<f64> { row(key)?.split_whitespace().next()?.parse().ok() };
        let (start, end) = (
            load("Load average at the start"),
            load("Load average at the end"),
        );
        let highest = start.into_iter().chain(end).fold(0.0, f64::max);
        (highest > cores).then(|| {
            format!(
                "The machine was busy during this run: a load average of up to {highest:.1} on {cores:.0} cores (see the table above), so other processes competed for the cores and the times are higher and noisier than on an idle machine, for every client (the repetitions are interleaved). The instructions and page faults per event do not depend on the load."
            )
        })
    }

    pub(super) fn summary(&self) -> String {
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
        if self.workload("stream").is_some() {
            out.push_str("\n\nPer event (stream):");
            for (key, _) in CLIENTS {
                let Some(us) = self.per_event_us(key) else {
                    continue;
                };
                let _ = write!(
                    out,
                    "\n  {key:<6} {:.2} µs (fastest {:.2}){}{}",
                    us.median,
                    us.min,
                    self.instructions
                        .per_event
                        .get(*key)
                        .map_or(String::new(), |n| format!("  {n:.0} instructions")),
                    self.faults_per_mb(key)
                        .map_or(String::new(), |f| format!("  {f:.1} page faults/MB")),
                );
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

    pub(super) fn svg(&self) -> String {
        super::chart::render(self)
    }
}

pub(super) fn short_name(key: &str) -> &'static str {
    match key {
        "rust" => "Rust SDK",
        "pass" => "Pass-through",
        "python" => "Python SDK",
        "js" => "JS SDK",
        _ => "raw reqwest",
    }
}

pub(super) fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
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
            instructions: Instructions {
                per_event: [("rust".to_string(), 9000.0)].into(),
                parts: [(
                    "rust".to_string(),
                    [("sse".to_string(), 900.0), ("typed".to_string(), 6300.0)].into(),
                )]
                .into(),
                missing: None,
            },
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
            instructions: Instructions::parse(&saved["instructions"]),
        };
        assert_eq!(again.decode, report.decode);
        assert_eq!(again.instructions, report.instructions);
        assert_eq!(again.markdown(), report.markdown());
        assert_eq!(again.svg(), report.svg());
        assert!(
            report
                .markdown()
                .contains("| 0.200 | 0.100 | 0.300 | 50.0 |")
        );
        assert!(
            report.markdown().contains(
                "typed stream 9,000 in all: SSE framing 900 (10 %), JSON into typed parts 6,300 (70 %), the rest 1,800 (reading"
            ),
            "{}",
            report.markdown()
        );
    }
}
