//! Running the clients: one process per repetition, its JSON line, medians and ranges.

use super::*;

/// One repetition's JSON line.
#[derive(Clone, Debug, Default)]
pub(super) struct Sample {
    pub(super) seconds: f64,
    pub(super) events: u64,
    pub(super) errors: u64,
    pub(super) peak_rss_kb: u64,
    pub(super) bytes: Option<u64>,
    /// Minor page faults during the workload (the Rust clients).
    pub(super) minor_faults: Option<u64>,
    /// CPU time of the process during the workload, to 10 ms (the Rust clients).
    pub(super) cpu_seconds: Option<f64>,
    /// What the client said about its errors (the end of its stderr).
    pub(super) error: Option<String>,
}

impl Sample {
    pub(super) fn parse(line: &Value) -> Option<Sample> {
        Some(Sample {
            seconds: line.get("seconds")?.as_f64()?,
            events: line.get("events").and_then(Value::as_u64).unwrap_or(0),
            errors: line.get("errors").and_then(Value::as_u64).unwrap_or(0),
            peak_rss_kb: line.get("peak_rss_kb").and_then(Value::as_u64).unwrap_or(0),
            bytes: line.get("bytes").and_then(Value::as_u64),
            minor_faults: line.get("minor_faults").and_then(Value::as_u64),
            cpu_seconds: line.get("cpu_seconds").and_then(Value::as_f64),
            error: line.get("error").and_then(Value::as_str).map(str::to_owned),
        })
    }
}

/// The repetitions of one client on one workload.
#[derive(Default)]
pub(super) struct Cell {
    pub(super) samples: Vec<Sample>,
    /// Repetitions that produced no measurement, with why.
    pub(super) failures: Vec<String>,
    /// Repetitions planned.
    pub(super) reps: usize,
    /// Why fewer repetitions than asked were run.
    pub(super) reduced: Option<String>,
    /// Repetitions whose events or bytes were not the expected ones.
    pub(super) incomplete: usize,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Stats {
    pub(super) median: f64,
    pub(super) min: f64,
    pub(super) max: f64,
}

pub(super) fn stats(values: impl IntoIterator<Item = f64>) -> Option<Stats> {
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
    pub(super) fn seconds(&self) -> Option<Stats> {
        stats(self.samples.iter().map(|s| s.seconds))
    }

    pub(super) fn rss_kb(&self) -> Option<Stats> {
        stats(self.samples.iter().map(|s| s.peak_rss_kb as f64))
    }

    /// Minor page faults per MB of a stream of `bytes` (median of the repetitions).
    pub(super) fn faults_per_mb(&self, bytes: u64) -> Option<f64> {
        let mb = bytes as f64 / 1e6;
        let per_mb = self
            .samples
            .iter()
            .filter_map(|s| s.minor_faults)
            .map(|f| f as f64 / mb);
        stats(per_mb).filter(|_| mb > 0.0).map(|s| s.median)
    }

    /// CPU time per event in µs over a stream of `events` (median of the repetitions).
    pub(super) fn cpu_us_per_event(&self, events: u64) -> Option<f64> {
        let per_event = self
            .samples
            .iter()
            .filter_map(|s| s.cpu_seconds)
            .map(|cpu| cpu * 1e6 / events as f64);
        stats(per_event).filter(|_| events > 0).map(|s| s.median)
    }

    /// The events a client delivered in its median repetition (`None` for the baseline,
    /// which counts none).
    pub(super) fn delivered(&self, client: &str) -> Option<u64> {
        if client == "raw" {
            return None;
        }
        stats(self.samples.iter().map(|s| s.events as f64)).map(|s| s.median as u64)
    }

    pub(super) fn errors(&self) -> u64 {
        self.samples.iter().map(|s| s.errors).sum::<u64>() + self.failures.len() as u64
    }

    /// Whether every repetition ran, without errors, delivering everything.
    pub(super) fn clean(&self) -> bool {
        !self.samples.is_empty() && self.errors() == 0 && self.incomplete == 0
    }
}

/// All results: by workload, then by client.
pub(super) type Results = BTreeMap<&'static str, BTreeMap<&'static str, Cell>>;

/// Runs one repetition; returns its sample and its wall time, or why it failed.
pub(super) fn run_once(
    runner: &Runner,
    workload: &Workload,
    url: &str,
) -> (Result<Sample, String>, Duration) {
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
pub(super) fn parse_sample(stdout: &str, stderr: &str) -> Result<Sample, String> {
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
pub(super) fn collect(child: Child) -> Result<(String, String), String> {
    let finished = crate::child::wait(child, REP_TIMEOUT).map_err(|e| format!("waiting: {e}"))?;
    match finished.status {
        Some(status) if status.success() => Ok((finished.stdout, finished.stderr)),
        Some(status) => Err(format!(
            "exited with {status}; stderr: {}",
            tail(&finished.stderr, 8)
        )),
        None => Err(format!("killed after {} s", REP_TIMEOUT.as_secs())),
    }
}

pub(super) fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let shown = all[all.len().saturating_sub(lines)..].join(" | ");
    if shown.is_empty() {
        "(empty)".into()
    } else {
        shown
    }
}

/// Runs every client on `workload`, repetitions interleaved (client after client).
pub(super) fn measure(
    workload: &Workload,
    runners: &[Runner],
    url: &str,
    reps: usize,
    results: &mut Results,
) {
    eprintln!("\n== {}: {}", workload.title, workload.what);
    if workload.lanes > 1 {
        measure_lanes(workload, runners, url, results);
        return;
    }
    let runners: Vec<&Runner> = runners.iter().filter(|r| r.applies(workload)).collect();
    let cells = results.entry(workload.key).or_default();
    for runner in &runners {
        cells.entry(runner.key).or_default().reps = reps;
    }
    for rep in 0..reps {
        for runner in &runners {
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
pub(super) fn measure_lanes(
    workload: &Workload,
    runners: &[Runner],
    url: &str,
    results: &mut Results,
) {
    let cells = results.entry(workload.key).or_default();
    for round in 0..E2E_ROUNDS {
        let mut order: Vec<&Runner> = runners.iter().filter(|r| r.applies(workload)).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for runner in order {
            measure_round(workload, runner, url, round, cells);
        }
    }
}

pub(super) fn measure_round(
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
pub(super) fn per_run_ms(workload: &Workload, seconds: f64) -> f64 {
    seconds / workload.ops.unwrap_or(1).max(1) as f64 * 1000.0
}

/// Runs per second of a round of lanes side by side: its runs over the slowest lane's time
/// (the median over the rounds, for a cell of several rounds).
pub(super) fn lanes_rate(workload: &Workload, cell: &Cell) -> Option<f64> {
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

pub(super) fn rate_note(workload: &Workload, client: &str, sample: &Sample) -> String {
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
pub(super) fn rate(workload: &Workload, delivered: Option<u64>, seconds: f64) -> Option<f64> {
    if seconds <= 0.0 {
        return None;
    }
    let work = match workload.events {
        Some(expected) => delivered.unwrap_or(expected),
        None => workload.ops?,
    };
    Some(work as f64 / seconds)
}

pub(super) fn unit(workload: &Workload) -> &'static str {
    match (workload.events, workload.target) {
        (Some(_), _) => "events/s",
        (None, Target::Real) => "runs/s",
        (None, Target::Fast) => "req/s",
    }
}

// --------------------------------------------------------------------------

/// Instructions per event of the Rust clients on the stream workload (callgrind), by client.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Instructions {
    pub(super) per_event: BTreeMap<String, f64>,
    /// By client: the instructions an event of each of the SDK's [`PARTS`] (inclusive: with
    /// what they call), where callgrind's annotation found the function.
    pub(super) parts: BTreeMap<String, BTreeMap<String, f64>>,
    /// Why they were not measured.
    pub(super) missing: Option<String>,
}

/// The SDK functions whose instructions an event the report shows (inclusive), by the part of
/// the work they do: the SSE framing, and what an event becomes (typed parts, or the event as
/// sent). What is left of an event's instructions is reading the body, handing the event over
/// and the resumption bookkeeping, and the consumer dropping it.
pub(super) const PARTS: &[(&str, &str)] = &[
    ("sse", "langgraph_sdk::sse::Decoder::next_event"),
    ("typed", "langgraph_sdk::stream::part::decode"),
    // `as_sent`, inlined into the `Item` impl that calls it.
    (
        "as_sent",
        "<langgraph_sdk::stream::SseEvent as langgraph_sdk::stream::Item>::make",
    ),
];

/// The inclusive instructions of each of [`PARTS`] in a callgrind output file, from
/// `callgrind_annotate` (part of valgrind); empty if it cannot be run.
fn part_counts(out: &Path) -> BTreeMap<String, f64> {
    let Ok(output) = Command::new("callgrind_annotate")
        .args(["--inclusive=yes", "--threshold=100"])
        .arg(out)
        .stdin(Stdio::null())
        .output()
    else {
        return BTreeMap::new();
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let mut counts = BTreeMap::new();
    // `  23,573,445 (37.84%)  ???:langgraph_sdk::sse::Decoder::next_event [/path/to/binary]`
    for line in text.lines() {
        let line = line.trim_start();
        let Some((count, rest)) = line.split_once(' ') else {
            continue;
        };
        let Ok(count) = count.replace(',', "").parse::<f64>() else {
            continue;
        };
        let Some((_, location)) = rest.split_once(")  ") else {
            continue;
        };
        let location = location.split(" [").next().unwrap_or_default();
        let function = location.split_once(':').map_or("", |(_, f)| f);
        for (part, name) in PARTS {
            if function == *name {
                // A function inlined into several files is listed once per file: the largest
                // entry is the function itself.
                let entry = counts.entry(part.to_string()).or_insert(0.0);
                *entry = f64::max(*entry, count);
            }
        }
    }
    counts
}

impl Instructions {
    /// Runs the stream of `stream` twice under callgrind for each Rust client, at its size and
    /// at a fifth of it: the difference over the difference in events is what an event
    /// costs, start-up and the end of the stream cancelling out. Deterministic, unlike times
    /// on a shared machine: user-space instructions only (not the kernel's work).
    pub(super) fn measure(
        runners: &[Runner],
        stream: &Workload,
        url: &str,
        target: &Path,
    ) -> Instructions {
        if !on_path("valgrind") {
            return Instructions {
                missing: Some("valgrind is not installed".into()),
                ..Instructions::default()
            };
        }
        let Some(events) = stream.events else {
            return Instructions::default();
        };
        let small = events / 5;
        eprintln!("\n== Instructions per event (callgrind, {events} and {small} events)");
        let dir = target.join("langgraph-bench");
        let _ = std::fs::create_dir_all(&dir);
        let mut per_event = BTreeMap::new();
        let mut parts = BTreeMap::new();
        for runner in runners
            .iter()
            .filter(|r| matches!(r.key, "rust" | "pass" | "raw"))
        {
            let mut counts = Vec::new();
            let mut part_runs = Vec::new();
            for n in [events, small] {
                let out = dir.join(format!("callgrind.{}.{n}", runner.key));
                let mut command = Command::new("valgrind");
                command
                    .arg("--tool=callgrind")
                    .arg(format!("--callgrind-out-file={}", out.display()))
                    .arg(&runner.program)
                    .args(&runner.prefix)
                    .args(["stream", "--url", url, "--thread", &format!("n-{n}")])
                    .args(["--run", "run-1"])
                    .stdin(Stdio::null());
                let result = command.output();
                part_runs.push(part_counts(&out));
                let _ = std::fs::remove_file(&out);
                let stderr = result
                    .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
                    .unwrap_or_else(|e| e.to_string());
                let collected = stderr.lines().find_map(|l| {
                    let (_, n) = l.split_once("Collected : ")?;
                    n.trim().parse::<f64>().ok()
                });
                match collected {
                    Some(count) => counts.push(count),
                    None => eprintln!("  {:<6} callgrind: {}", runner.key, tail(&stderr, 4)),
                }
            }
            if let [big, small_count] = counts[..] {
                let value = (big - small_count) / (events - small) as f64;
                eprintln!("  {:<6} {value:.0} instructions an event", runner.key);
                per_event.insert(runner.key.to_string(), value);
                if let [big_parts, small_parts] = &part_runs[..] {
                    let of_client: BTreeMap<String, f64> = big_parts
                        .iter()
                        .filter_map(|(part, in_big)| {
                            let in_small = small_parts.get(part)?;
                            Some((part.clone(), (in_big - in_small) / (events - small) as f64))
                        })
                        .collect();
                    if !of_client.is_empty() {
                        eprintln!("  {:<6} by part: {of_client:.0?}", runner.key);
                        parts.insert(runner.key.to_string(), of_client);
                    }
                }
            } else {
                eprintln!("  {:<6} callgrind gave no count", runner.key);
            }
        }
        Instructions {
            per_event,
            parts,
            missing: None,
        }
    }

    pub(super) fn to_json(&self) -> Value {
        serde_json::json!({"per_event": self.per_event, "parts": self.parts, "missing": self.missing})
    }

    pub(super) fn parse(v: &Value) -> Instructions {
        Instructions {
            per_event: v["per_event"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?)))
                        .collect()
                })
                .unwrap_or_default(),
            parts: v["parts"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .filter_map(|(client, parts)| {
                            let parts = parts
                                .as_object()?
                                .iter()
                                .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?)))
                                .collect();
                            Some((client.clone(), parts))
                        })
                        .collect()
                })
                .unwrap_or_default(),
            missing: v["missing"].as_str().map(str::to_owned),
        }
    }
}
