//! `cargo xtask <command>`: development tasks for the langgraph-sdk workspace.
//!
//! Depends on `langgraph-testbed` (which starts the real LangGraph
//! server with the test graphs of `tests/server/`).

mod bench;
mod child;
mod demo;
mod examples;
mod package;
mod server;
mod server_pin;
mod test;
mod update_spec;

use std::process::ExitCode;

/// One line per command, shown by `cargo xtask help`.
const COMMANDS: &[(&str, &str)] = &[
    (
        "server",
        "start the LangGraph test server; prints LANGGRAPH_API_URL=<url>, runs until Ctrl-C",
    ),
    (
        "test [ARGS...]",
        "start one server and run `cargo test --workspace ARGS...` against it, then (without ARGS) every example",
    ),
    (
        "demo [NAME [ARGS...]]",
        "start a server and run example NAME (default: quickstart) against it",
    ),
    (
        "demo --list | --all",
        "list the examples, one line each | run every example against one server",
    ),
    (
        "bench [OPTIONS]",
        "benchmark against the official Python and JS SDKs and raw reqwest (~13 min); writes docs/benchmarks.md (--quick, --reps N, --clients rust,raw,python,js, --no-e2e; --render RESULTS.json [DIR])",
    ),
    (
        "package [--allow-dirty] [--clean] [--timings]",
        "package and verify the published crates, then build a crate outside the workspace from the packages and run it against a server",
    ),
    (
        "update-spec SOURCE [OPTIONS]",
        "replace openapi.json (--version X.Y.Z | --url URL | --file PATH), report the spec and surface changes, move the test server (--dry-run, --force, --release X.Y.Z)",
    ),
    (
        "accept-surface",
        "accept the generated surface of openapi.json into the snapshot tests/generated_surface.rs checks",
    ),
    ("help", "show this help"),
];

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let command = args.next();
    let rest: Vec<String> = args.collect();
    let result = match command.as_deref() {
        Some("server") => no_args("server", &rest).and_then(|()| server::run()),
        Some("test") => test::run(&rest),
        Some("demo") => demo::run(&rest),
        Some("bench") => bench::run(&rest),
        Some("package") => package::run(&rest),
        Some("update-spec") => update_spec::run(&rest)
            .map(|()| ExitCode::SUCCESS)
            .map_err(Error::from),
        Some("accept-surface") => no_args("accept-surface", &rest)
            .and_then(|()| update_spec::accept_surface().map_err(Error::from))
            .map(|()| ExitCode::SUCCESS),
        None | Some("help" | "-h" | "--help") => {
            println!("{}", help());
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => {
            eprintln!("error: unknown command `{other}`\n\n{}", help());
            Ok(ExitCode::from(2))
        }
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        ExitCode::FAILURE
    })
}

fn help() -> String {
    let width = COMMANDS.iter().map(|(c, _)| c.len()).max().unwrap_or(0);
    let mut text = String::from("Usage: cargo xtask <COMMAND>\n\nCommands:");
    for (command, help) in COMMANDS {
        text.push_str(&format!("\n  {command:width$}  {help}"));
    }
    text
}

fn no_args(command: &str, rest: &[String]) -> Result<(), Error> {
    match rest.first() {
        None => Ok(()),
        Some(arg) => Err(format!("`{command}` takes no arguments (got `{arg}`)").into()),
    }
}

/// Any error of a command, reported as `error: <message>`.
type Error = Box<dyn std::error::Error>;

/// The exit code of a finished child process (1 if it was killed by a signal).
fn exit_code(status: std::process::ExitStatus) -> ExitCode {
    match status.code() {
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    }
}

/// The `cargo` that runs us (`$CARGO`), or `cargo` from the PATH.
fn cargo() -> std::process::Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = std::process::Command::new(cargo);
    command.current_dir(langgraph_testbed::workspace_root());
    command
}
