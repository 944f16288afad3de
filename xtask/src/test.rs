//! `cargo xtask test`: the whole test suite against one shared server.

use std::process::ExitCode;

use langgraph_testbed::{Server, TEST_URL_ENV};

use crate::Error;

/// Starts one server, runs `cargo test --workspace <args>` with
/// `LANGGRAPH_TEST_URL` pointing at it, stops the server and returns cargo's
/// exit code. The SDK's optional `websocket` feature is on, so that thread
/// streams are tested over both transports.
pub fn run(args: &[String]) -> Result<ExitCode, Error> {
    let server = Server::start()?;
    let status = crate::cargo()
        .args([
            "test",
            "--workspace",
            "--features",
            "langgraph-sdk/websocket",
        ])
        .args(args)
        .env(TEST_URL_ENV, server.url())
        .status()
        .map_err(|e| format!("running cargo test: {e}"))?;
    drop(server);
    Ok(crate::exit_code(status))
}
