//! `cargo xtask demo`: the `quickstart` example against a fresh server.

use std::process::ExitCode;

use langgraph_testbed::Server;

use crate::Error;

/// Starts a server and runs `cargo run --quiet --example quickstart [-- <args>]` with
/// `LANGGRAPH_API_URL` pointing at it; returns the example's exit code.
pub fn run(args: &[String]) -> Result<ExitCode, Error> {
    let server = Server::start()?;
    let mut command = crate::cargo();
    command
        .args(["run", "--quiet", "--example", "quickstart"])
        .env("LANGGRAPH_API_URL", server.url());
    if !args.is_empty() {
        command.arg("--").args(args);
    }
    let status = command
        .status()
        .map_err(|e| format!("running the demo example: {e}"))?;
    drop(server);
    Ok(crate::exit_code(status))
}
