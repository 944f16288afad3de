//! `examples/blocking_quickstart.rs` against the test server: the blocking client from a plain
//! `fn main`, the answer streamed token by token, then a typed wait.

#![cfg(feature = "blocking")]

use std::process::Command;

const CHAT_TEXT: &str = "The quick brown fox jumps over the lazy dog, streaming token by token.";

/// The example's binary: `cargo test --features blocking` builds it next to the test binaries
/// (a run of this test alone does not, so it is built here then).
fn example() -> std::path::PathBuf {
    let mut dir = std::env::current_exe().expect("the test binary");
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let binary = dir.join("examples").join(format!(
        "blocking_quickstart{}",
        std::env::consts::EXE_SUFFIX
    ));
    if !binary.exists() {
        let status = Command::new(env!("CARGO"))
            .args([
                "build",
                "--example",
                "blocking_quickstart",
                "--features",
                "blocking",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo builds the example");
        assert!(status.success());
    }
    binary
}

#[test]
fn the_blocking_quickstart_streams_the_answer_then_waits_for_the_next() {
    let url = langgraph_testbed::shared_url().expect("a test server");
    let out = Command::new(example())
        .env("LANGGRAPH_API_URL", &url)
        .env_remove("LANGGRAPH_API_KEY")
        .env_remove("LANGSMITH_API_KEY")
        .env_remove("LANGCHAIN_API_KEY")
        .output()
        .expect("the example runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("assistant "), "{stdout}");
    assert!(lines[0].ends_with("(graph chat)"), "{stdout}");
    assert!(lines[1].starts_with("thread "), "{stdout}");
    assert_eq!(lines[2], CHAT_TEXT, "the answer, printed as it streamed");
    assert_eq!(
        lines[3], "4 messages on the thread",
        "two questions, two answers"
    );
    assert_eq!(lines.len(), 4, "{stdout}");
}
