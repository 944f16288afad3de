//! `examples/thread_stream.rs` against the test server, with its stdin scripted: it prints
//! the model's tokens as they arrive and answers the graph's interrupt from stdin.

use std::{
    io::Write,
    process::{Command, Stdio},
};

const CHAT_TEXT: &str = "The quick brown fox jumps over the lazy dog, streaming token by token.";

/// The example's binary: `cargo test` builds it next to the test binaries (a run of this
/// test alone, `--test example_thread_stream`, does not, so it is built here then).
fn example() -> std::path::PathBuf {
    let mut dir = std::env::current_exe().expect("the test binary");
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let binary = dir
        .join("examples")
        .join(format!("thread_stream{}", std::env::consts::EXE_SUFFIX));
    if !binary.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--example", "thread_stream"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo builds the example");
        assert!(status.success());
    }
    binary
}

#[test]
fn the_example_prints_tokens_live_and_answers_the_interrupt_from_stdin() {
    let url = langgraph_testbed::shared_url().expect("a test server");
    let binary = example();
    assert!(
        binary.exists(),
        "{} (built by `cargo test`)",
        binary.display()
    );
    let mut child = Command::new(&binary)
        .args(["v3_review", "hello"])
        .env("LANGGRAPH_API_URL", &url)
        .env_remove("LANGGRAPH_API_KEY")
        .env_remove("LANGSMITH_API_KEY")
        .env_remove("LANGCHAIN_API_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example runs");
    // The answer waits in the pipe until the example asks for it.
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"yes, send it\n")
        .unwrap();
    // Its output is small (it fits the pipe): wait for the exit, at most a minute.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("thread "), "{stdout}");
    assert_eq!(lines[1], CHAT_TEXT, "the answer, printed as it streamed");
    assert_eq!(
        lines[2],
        r#"the graph asks: {"question":"Send this answer?"}"#
    );
    assert!(stdout.contains("approved: \"yes, send it\""), "{stdout}");
}
