//! Thread streaming (v3): the model's tokens as they arrive, its questions answered on stdin.
//!
//! A session on one thread prints the model's answer token by token, and when the graph asks
//! for human input, asks you on stdin and sends your answer back in the same session.
//!
//! ```sh
//! cargo xtask server &                      # prints LANGGRAPH_API_URL=http://127.0.0.1:PORT
//! LANGGRAPH_API_URL=http://127.0.0.1:PORT cargo run --example thread_stream -- v3_review "hi"
//! ```
//!
//! Arguments: the assistant (or graph) and the user's message. `cargo xtask demo
//! thread_stream` runs it with `v3_review hello` against a server it starts. Against a
//! deployment, set `LANGGRAPH_API_URL` and `LANGGRAPH_API_KEY`.

use std::io::{BufRead, Write};

use futures_util::TryStreamExt;
use langgraph_sdk::{
    Client,
    thread_stream::{Merged, ProjectionKind},
    types::ThreadStatus,
};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> langgraph_sdk::Result<()> {
    let mut args = std::env::args().skip(1);
    let assistant = args.next().unwrap_or_else(|| "agent".into());
    let text = args.next().unwrap_or_else(|| "hi".into());

    let client = Client::from_env()?;
    let session = client.threads().stream(&assistant).await?;
    // Made before the run starts: nothing of it is missed.
    let mut run = session.merged([ProjectionKind::Messages, ProjectionKind::Interrupts]);
    session
        .start()
        .input(json!({"messages": [{"role": "user", "content": text}]}))
        .await?;
    println!("thread {}", session.thread_id());

    let mut last_answer = None;
    let mut said = String::new();
    while let Some(item) = run.try_next().await? {
        match item {
            Merged::Message(message) => {
                let mut tokens = message.text_deltas();
                while let Some(token) = tokens.try_next().await? {
                    print!("{token}");
                    let _ = std::io::stdout().flush();
                    said.push_str(&token);
                }
                println!();
            }
            Merged::Interrupt(interrupt) => {
                println!("the graph asks: {}", interrupt.payload);
                print!("> ");
                let _ = std::io::stdout().flush();
                let answer = read_line().await;
                // JSON if it is JSON (`true`, `{"a": 1}`), else the text.
                let answer: Value =
                    serde_json::from_str(&answer).unwrap_or_else(|_| Value::String(answer));
                session.respond(&interrupt, answer.clone()).await?;
                last_answer = Some(answer);
            }
            _ => {}
        }
    }

    let state: Value = session.output().await?;
    let keys: Vec<&String> = state
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    println!("done; state keys: {keys:?}");
    if let Some(approved) = state.get("approved") {
        println!("approved: {approved}");
        // `v3_review` stores the answer: the one we sent reached the graph.
        assert_eq!(
            Some(approved),
            last_answer.as_ref(),
            "the graph got our answer"
        );
    }
    // The run went to its end: the model's text came through, and every question it asked
    // was answered (a thread left waiting for an answer is `interrupted`).
    assert!(!said.is_empty(), "the model's answer streamed");
    let thread = client.threads().get(session.thread_id()).await?;
    assert_eq!(thread.status, ThreadStatus::Idle, "nothing left unanswered");
    Ok(())
}

/// One line from stdin, without blocking the runtime.
async fn read_line() -> String {
    tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
        line.trim().to_string()
    })
    .await
    .unwrap_or_default()
}
