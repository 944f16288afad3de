//! Human in the loop: `interrupt()` answered with `Command::resume`, and a static breakpoint.
//!
//! A graph stops at `interrupt()` and goes on with the answer sent in `Command::resume`; a
//! run with `interrupt_before` stops before a node until a run without input continues it.
//!
//! Guide: "Human-in-the-loop using Server API". Graphs `hitl` (the guide's `human_node`) and
//! `joke` (`refine_topic` → `generate_joke`) of `tests/server/graphs.py`.
//! Run it with `cargo xtask demo human_in_the_loop`.

use langgraph_sdk::{prelude::*, types::Interrupt, types::ThreadStatus};
use serde::Deserialize;
use serde_json::{Value, json};

/// What a run of `hitl` returns: its state, with the interrupt it stopped at, if any.
#[derive(Deserialize)]
struct Review {
    some_text: String,
    #[serde(rename = "__interrupt__", default)]
    interrupts: Vec<Interrupt>,
}

#[derive(Deserialize)]
struct Joke {
    topic: String,
    joke: Option<String>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> langgraph_sdk::Result<()> {
    let client = Client::from_env()?;

    // Dynamic interrupt: `human_node` calls `interrupt({"text_to_revise": some_text})`, and
    // the run returns the state with the interrupt.
    let thread = client.threads().create().await?;
    let paused: Review = client
        .runs()
        .wait(thread.thread_id, "hitl")
        .input(json!({"some_text": "original text"}))
        .output_as()
        .await?;
    let interrupt = &paused.interrupts[0];
    println!("the graph asks: {}", interrupt.value);
    assert_eq!(interrupt.value, json!({"text_to_revise": "original text"}));

    // Resume it: the value of `Command::resume` is what `interrupt()` returns in the graph.
    let answer = "Edited text";
    let done: Review = client
        .runs()
        .wait(thread.thread_id, "hitl")
        .command(Command::resume(answer))
        .output_as()
        .await?;
    println!("resumed with {answer:?}: some_text = {:?}", done.some_text);
    assert_eq!(done.some_text, answer, "the graph stored our answer");
    assert!(done.interrupts.is_empty(), "and did not stop again");

    // Static breakpoint: this run stops before `generate_joke`.
    let thread = client.threads().create().await?;
    let _: Value = client
        .runs()
        .wait(thread.thread_id, "joke")
        .input(json!({"topic": "ice cream"}))
        .interrupt_before(["generate_joke"])
        .await?;
    let state = client
        .threads()
        .get_state(thread.thread_id)
        .values_as::<Joke>()
        .await?;
    let status = client.threads().get(thread.thread_id).await?.status;
    println!(
        "stopped before {:?} ({status}): topic = {:?}",
        state.next, state.values.topic
    );
    assert_eq!(state.next, ["generate_joke"]);
    assert!(matches!(status, ThreadStatus::Interrupted));
    assert!(state.values.joke.is_none(), "the joke is not written yet");

    // Continue: a run without input goes on from the breakpoint.
    let done: Joke = client
        .runs()
        .wait(thread.thread_id, "joke")
        .output_as()
        .await?;
    let joke = done.joke.unwrap_or_default();
    println!("continued: {joke}");
    assert_eq!(joke, "This is a joke about ice cream and cats");
    let state = client.threads().get_state(thread.thread_id).await?;
    assert!(state.next.is_empty(), "the graph has finished");
    Ok(())
}
