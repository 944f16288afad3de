//! Resumable streams: a stream cut halfway, finished by another process from a `ResumePoint`.
//!
//! A resumable run (`stream_resumable(true)`) keeps its events on the server, so a later
//! `join_stream` can go on from where a stream stopped. This example streams a run of `slow`
//! (of `tests/server/graphs.py`, a tick every 0.3 s), drops the stream after two ticks, and
//! starts itself again as a second process with the saved point as its only knowledge
//! (`resumable_stream --resume <thread> <run> <point as JSON>`). The first process then
//! checks that its events followed by the second's are the run's events as the server
//! replays them from the start: each once, in order.
//! Run it with `cargo xtask demo resumable_stream`.

use std::process::Command;

use langgraph_sdk::{prelude::*, runs::RunOptions, stream::ResumePoint, types::OnDisconnect};
use serde_json::json;

type Error = Box<dyn std::error::Error>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, thread, run, point] if flag == "--resume" => resume(thread, run, point).await,
        _ => cut_and_hand_over().await,
    }
}

async fn cut_and_hand_over() -> Result<(), Error> {
    let client = Client::from_env()?;
    let thread = client.threads().create().await?.thread_id;
    let mut stream = client
        .runs()
        .stream(thread, "slow")
        .options(
            RunOptions::new()
                .input(json!({"steps": 6, "delay": 0.3}))
                .stream_mode([StreamMode::Updates, StreamMode::Custom])
                .stream_resumable(true)
                // The run goes on when our connection goes away.
                .on_disconnect(OnDisconnect::Continue),
        )
        .await?;
    let mut ours = Vec::new();
    while let Some(event) = stream.try_next().await? {
        ours.push(line(&event)?);
        if event.data()? == json!({"tick": 2}) {
            break;
        }
    }
    let run = stream.run_id().expect("the stream names its run");
    let point = serde_json::to_string(&stream.resume_point())?;
    drop(stream);
    println!("process 1 read {} events, then stopped:", ours.len());
    for line in &ours {
        println!("  {line}");
    }
    println!("saved point: {point}");

    // Another process takes over with the point.
    let output = Command::new(std::env::current_exe()?)
        .args(["--resume", &thread.to_string(), &run.to_string(), &point])
        .output()?;
    let theirs: Vec<String> = String::from_utf8(output.stdout)?
        .lines()
        .map(String::from)
        .collect();
    println!("process 2 read {} events:", theirs.len());
    for line in &theirs {
        println!("  {line}");
    }
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // What the server replays of the run from its start.
    let mut replay = client
        .runs()
        .join_stream(thread, run)
        .last_event_id("0")
        .await?;
    let mut everything = Vec::new();
    while let Some(event) = replay.try_next().await? {
        everything.push(line(&event)?);
    }
    let together = [ours, theirs].concat();
    println!(
        "together: {} events; the server's replay from the start: {}",
        together.len(),
        everything.len()
    );
    assert_eq!(together, everything, "every event once, in order");
    assert!(everything.contains(&r#"custom: {"tick":6}"#.to_string()));
    Ok(())
}

/// The second process: the run's events after `point`, one per line.
async fn resume(thread: &str, run: &str, point: &str) -> Result<(), Error> {
    let client = Client::from_env()?;
    let point: ResumePoint = serde_json::from_str(point)?;
    let mut stream = client
        .runs()
        .join_stream(thread, run)
        .resume_from(point)
        .await?;
    while let Some(event) = stream.try_next().await? {
        println!("{}", line(&event)?);
    }
    Ok(())
}

/// An event as `name: data`.
fn line(event: &StreamEvent) -> langgraph_sdk::Result<String> {
    Ok(format!("{}: {}", event.event(), event.data()?))
}
