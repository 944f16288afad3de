//! `cargo xtask demo`: an example against a fresh server (the quickstart by default), every
//! example (`--all`), or the list of them (`--list`).

use std::process::ExitCode;

use langgraph_testbed::Server;

use crate::{Error, examples};

/// The example `cargo xtask demo` runs when given none.
const DEFAULT: &str = "quickstart";

/// `demo [NAME [ARGS...]]`, `demo --list`, `demo --all`.
pub fn run(args: &[String]) -> Result<ExitCode, Error> {
    let all = examples::discover()?;
    match args.first().map(String::as_str) {
        Some("--list") => {
            examples::list(&all);
            Ok(ExitCode::SUCCESS)
        }
        Some("--all") => {
            let server = Server::start()?;
            let ok = examples::run_all(server.url(), &examples::test_features(&all), true)?;
            drop(server);
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        name => {
            let name = name.unwrap_or(DEFAULT);
            let Some(example) = all.iter().find(|e| e.name == name) else {
                let names: Vec<&str> = all.iter().map(|e| e.name.as_str()).collect();
                return Err(format!(
                    "no example `{name}`; `cargo xtask demo --list` lists them: {}",
                    names.join(", ")
                )
                .into());
            };
            let rest = args.get(1..).unwrap_or_default();
            run_one(example, if rest.is_empty() { &example.args } else { rest })
        }
    }
}

/// Starts a server and runs `cargo run --quiet --example NAME -- ARGS` against it, with the
/// terminal's stdin (an example may ask questions); returns the example's exit code.
fn run_one(example: &examples::Example, args: &[String]) -> Result<ExitCode, Error> {
    let server = Server::start()?;
    let mut command = crate::cargo();
    command
        .args([
            "run",
            "--quiet",
            "-p",
            "langgraph-sdk",
            "--example",
            &example.name,
        ])
        .env("LANGGRAPH_API_URL", server.url());
    if !example.features.is_empty() {
        command.args(["--features", &example.features.join(",")]);
    }
    if !args.is_empty() {
        command.arg("--").args(args);
    }
    let status = command
        .status()
        .map_err(|e| format!("running example {}: {e}", example.name))?;
    drop(server);
    Ok(crate::exit_code(status))
}
