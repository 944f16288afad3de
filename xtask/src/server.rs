//! `cargo xtask server`: a LangGraph test server for manual use.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use langgraph_testbed::Server;

use crate::Error;

/// Starts a server, prints `LANGGRAPH_API_URL=<url>` on stdout and waits until
/// we are interrupted (the server dies with us) or the server exits.
pub fn run() -> Result<ExitCode, Error> {
    let mut server = Server::start()?;
    println!("LANGGRAPH_API_URL={}", server.url());
    std::io::stdout().flush()?;
    eprintln!(
        "LangGraph test server running at {} (log: {}); press Ctrl-C to stop.",
        server.url(),
        server.log_path().display()
    );
    while server.is_running() {
        std::thread::sleep(Duration::from_millis(500));
    }
    Err(format!(
        "the server exited unexpectedly; see {}",
        server.log_path().display()
    )
    .into())
}
