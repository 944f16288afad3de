//! A thread streaming session: prints the model's answer token by token as it arrives, and
//! when the graph asks for human input, asks you on stdin and sends your answer back in the
//! same session.
//!
//! ```sh
//! cargo xtask server &                      # prints LANGGRAPH_API_URL=http://127.0.0.1:PORT
//! LANGGRAPH_API_URL=http://127.0.0.1:PORT cargo run --example thread_stream -- v3_review "hi"
//! ```
//!
//! Arguments: the assistant (or graph) and the user's message. Against a deployment, set
//! `LANGGRAPH_API_URL` and `LANGGRAPH_API_KEY`.

use std::io::{BufRead, Write};

use futures_util::TryStreamExt;
use langgraph_sdk::{
    Client,
    thread_stream::{Merged, ProjectionKind},
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

    while let Some(item) = run.try_next().await? {
        match item {
            Merged::Message(message) => {
                let mut tokens = message.text_deltas();
                while let Some(token) = tokens.try_next().await? {
                    print!("{token}");
                    let _ = std::io::stdout().flush();
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
                session.respond(&interrupt, answer).await?;
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
    }
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
