//! The SDK's examples (`examples/*.rs`): found from cargo's metadata, listed with the first
//! sentence of their doc comment, built once and run against a server, each asserting its
//! own outcome (an example that fails exits non-zero).
//!
//! An example runs with no arguments and no input unless `[package.metadata.examples.<name>]`
//! in Cargo.toml gives `args` and `stdin` (what the runner writes to it); one that needs a
//! feature (`[[example]] required-features`) is built with it.

use std::{
    collections::BTreeMap,
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::Value;

use crate::{Error, child::Finished};

/// The package whose examples these are.
const PACKAGE: &str = "langgraph-sdk";

/// How long one example may take before it counts as failed (the slowest takes ~15 s).
const TIMEOUT: Duration = Duration::from_secs(180);

/// Features `cargo xtask test` always turns on: thread streams are tested over both
/// transports, and the blocking client with the async one.
const TEST_FEATURES: &[&str] = &["blocking", "websocket"];

/// One example of the package.
#[derive(Debug, Clone)]
pub struct Example {
    /// Its name (`cargo run --example <name>`).
    pub name: String,
    /// The first sentence of its doc comment.
    pub summary: String,
    /// The features it needs.
    pub features: Vec<String>,
    /// The arguments it runs with (by default).
    pub args: Vec<String>,
    /// What the runner writes to its stdin.
    pub stdin: Option<String>,
}

/// Every example of the package, by name.
pub fn discover() -> Result<Vec<Example>, Error> {
    let output = crate::cargo()
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("running cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err("cargo metadata failed".into());
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)?;
    let package = metadata["packages"]
        .as_array()
        .and_then(|packages| packages.iter().find(|p| p["name"] == PACKAGE))
        .ok_or_else(|| format!("no package {PACKAGE} in cargo metadata"))?;
    let settings = &package["metadata"]["examples"];
    let mut examples = Vec::new();
    for target in package["targets"].as_array().into_iter().flatten() {
        if !strings(&target["kind"]).iter().any(|k| k == "example") {
            continue;
        }
        let name = target["name"].as_str().unwrap_or_default().to_string();
        let source = PathBuf::from(target["src_path"].as_str().unwrap_or_default());
        let text = std::fs::read_to_string(&source)
            .map_err(|e| format!("reading {}: {e}", source.display()))?;
        let summary = summary(&text).ok_or_else(|| {
            format!(
                "{} has no `//!` doc comment to list it by",
                source.display()
            )
        })?;
        let settings = &settings[&name];
        examples.push(Example {
            summary,
            features: strings(&target["required-features"]),
            args: strings(&settings["args"]),
            stdin: settings["stdin"].as_str().map(String::from),
            name,
        });
    }
    examples.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(examples)
}

/// The features `cargo xtask test` builds with: the test features and every feature an
/// example needs, so that one build serves the tests and the examples.
pub fn test_features(examples: &[Example]) -> String {
    let mut features: Vec<&str> = TEST_FEATURES.to_vec();
    for example in examples {
        features.extend(example.features.iter().map(String::as_str));
    }
    features.sort_unstable();
    features.dedup();
    features
        .iter()
        .map(|f| format!("{PACKAGE}/{f}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// `cargo xtask demo --list`: one line per example.
pub fn list(examples: &[Example]) {
    let width = examples.iter().map(|e| e.name.len()).max().unwrap_or(0);
    for example in examples {
        let needs = match example.features.as_slice() {
            [] => String::new(),
            features => format!(" (feature {})", features.join(", ")),
        };
        println!("{:width$}  {}{needs}", example.name, example.summary);
    }
}

/// Builds every example with `features` (`cargo build --workspace --examples`, as
/// `cargo test --workspace` does, so that a build after the tests finds everything built);
/// returns each one's executable.
pub fn build(features: &str) -> Result<BTreeMap<String, PathBuf>, Error> {
    let manifest = langgraph_testbed::workspace_root().join("Cargo.toml");
    let output = crate::cargo()
        .args(["build", "--workspace", "--examples", "--features", features])
        .args(["--message-format", "json-render-diagnostics"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("running cargo build: {e}"))?;
    if !output.status.success() {
        return Err("building the examples failed".into());
    }
    let mut executables = BTreeMap::new();
    for line in output.stdout.split(|b| *b == b'\n') {
        let Ok(message) = serde_json::from_slice::<Value>(line) else {
            continue;
        };
        let target = &message["target"];
        if message["reason"] == "compiler-artifact"
            && strings(&target["kind"]).iter().any(|k| k == "example")
            && message["manifest_path"].as_str().map(Path::new) == Some(manifest.as_path())
            && let Some(executable) = message["executable"].as_str()
        {
            let name = target["name"].as_str().unwrap_or_default().to_string();
            executables.insert(name, PathBuf::from(executable));
        }
    }
    Ok(executables)
}

/// Runs every example against the server at `url`, one after the other, and prints
/// `examples: N/M ran` (N: the examples that exited successfully). With `verbose`, each
/// example's output is shown; otherwise only that of those that failed. Returns whether all
/// of them succeeded.
pub fn run_all(url: &str, features: &str, verbose: bool) -> Result<bool, Error> {
    let examples = discover()?;
    let executables = build(features)?;
    let mut failed = Vec::new();
    for example in &examples {
        let Some(executable) = executables.get(&example.name) else {
            println!("example {}: FAILED (not built)", example.name);
            failed.push(example.name.as_str());
            continue;
        };
        let started = Instant::now();
        let run = run_one(executable, example, url)?;
        let took = started.elapsed().as_secs_f64();
        let ok = run.status.is_some_and(|s| s.success());
        if verbose {
            println!("── {} ── {}", example.name, example.summary);
            print!("{}", run.stdout);
            eprint!("{}", run.stderr);
        }
        let outcome = match run.status {
            _ if ok => "ok".to_string(),
            Some(status) => format!("FAILED ({status})"),
            None => format!("FAILED (killed after {} s)", TIMEOUT.as_secs()),
        };
        println!("example {}: {outcome} in {took:.1} s", example.name);
        if !ok {
            if !verbose {
                print!("{}", indent(&run.stdout));
                print!("{}", indent(&run.stderr));
            }
            failed.push(example.name.as_str());
        }
    }
    let ran = examples.len() - failed.len();
    println!("examples: {ran}/{} ran", examples.len());
    if !failed.is_empty() {
        println!("failed: {}", failed.join(", "));
    }
    Ok(failed.is_empty())
}

/// Runs one example against `url` with its arguments and stdin, at most [`TIMEOUT`].
fn run_one(executable: &Path, example: &Example, url: &str) -> Result<Finished, Error> {
    let mut child = Command::new(executable)
        .args(&example.args)
        .env("LANGGRAPH_API_URL", url)
        // The test server needs no key; one from the environment must not go to it.
        .env_remove("LANGGRAPH_API_KEY")
        .env_remove("LANGSMITH_API_KEY")
        .env_remove("LANGCHAIN_API_KEY")
        .current_dir(langgraph_testbed::workspace_root())
        .stdin(if example.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running {}: {e}", executable.display()))?;
    if let (Some(mut pipe), Some(input)) = (child.stdin.take(), example.stdin.clone()) {
        // Read when the example asks for it; the pipe closes after it.
        std::thread::spawn(move || pipe.write_all(input.as_bytes()));
    }
    Ok(crate::child::wait(child, TIMEOUT)?)
}
/// The first sentence of a file's `//!` doc comment (up to the first blank line).
fn summary(source: &str) -> Option<String> {
    let paragraph: Vec<&str> = source
        .lines()
        .skip_while(|l| !l.starts_with("//!"))
        .map_while(|l| l.strip_prefix("//!"))
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .collect();
    let paragraph = paragraph.join(" ");
    if paragraph.is_empty() {
        return None;
    }
    let end = paragraph.find(". ").map_or(paragraph.len(), |i| i + 1);
    Some(paragraph[..end].to_string())
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .collect()
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::summary;

    #[test]
    fn the_summary_is_the_first_sentence_of_the_doc_comment() {
        let source = "//! Streaming: every mode, and `a.b` too. More\n//! text.\n//!\n//! Guide: x.\n\nuse x;";
        assert_eq!(
            summary(source).as_deref(),
            Some("Streaming: every mode, and `a.b` too.")
        );
        let one_line = "//! A thread streaming session, on\n//! two lines\n";
        assert_eq!(
            summary(one_line).as_deref(),
            Some("A thread streaming session, on two lines")
        );
        assert_eq!(summary("fn main() {}"), None);
    }
}
