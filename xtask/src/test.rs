//! `cargo xtask test`: the whole test suite, then every example, against one shared server.

use std::process::ExitCode;

use langgraph_testbed::{Server, TEST_URL_ENV};

use crate::{Error, examples};

/// Starts one server, runs `cargo test --workspace <args>` with `LANGGRAPH_TEST_URL`
/// pointing at it, then (when no arguments narrow the tests) runs every example against it;
/// stops the server and fails if anything failed. The SDK's optional `websocket` feature is
/// on, so that thread streams are tested over both transports, `blocking`, so that the
/// blocking client is tested with the async one, and every feature an example needs.
pub fn run(args: &[String]) -> Result<ExitCode, Error> {
    let features = examples::test_features(&examples::discover()?);
    let server = Server::start()?;
    let status = crate::cargo()
        .args(["test", "--workspace", "--features", &features])
        .args(args)
        .env(TEST_URL_ENV, server.url())
        .status()
        .map_err(|e| format!("running cargo test: {e}"))?;
    let examples_ok = if args.is_empty() {
        examples::run_all(server.url(), &features, false)?
    } else {
        println!("examples: not run (the tests were narrowed; `cargo xtask demo --all` runs them)");
        true
    };
    drop(server);
    if !status.success() {
        return Ok(crate::exit_code(status));
    }
    Ok(if examples_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
