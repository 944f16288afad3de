//! Time travel: a past checkpoint replayed, and its state edited (a fork) and run again.
//!
//! The thread's history lists its checkpoints; a run from a past checkpoint, edited or not,
//! writes a new branch, and the original one stays.
//!
//! Guide: "Time travel using Server API". Graph `joke` of `tests/server/graphs.py`
//! (`refine_topic` → `generate_joke`).
//! Run it with `cargo xtask demo time_travel`.

use langgraph_sdk::prelude::*;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
struct Joke {
    topic: Option<String>,
    joke: Option<String>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> langgraph_sdk::Result<()> {
    let client = Client::from_env()?;
    let thread = client.threads().create().await?.thread_id;
    let first: Joke = client
        .runs()
        .wait(thread, "joke")
        .input(json!({"topic": "ice cream"}))
        .output_as()
        .await?;
    println!("first run: {:?}", first.joke);

    // The history, newest first.
    let history = client
        .threads()
        .get_history(thread)
        .values_as::<Joke>()
        .await?;
    for state in &history {
        println!(
            "  step {}: next {:?}, topic {:?}",
            state.metadata["step"], state.next, state.values.topic
        );
    }
    // The checkpoint just before `generate_joke` ran.
    let selected = history
        .iter()
        .find(|s| s.next == ["generate_joke"])
        .expect("a checkpoint before generate_joke");

    // Replay: run from the selected checkpoint as it is (no input); `generate_joke` runs
    // again on the same topic, in a new fork.
    let replayed: Joke = client
        .runs()
        .wait(thread, "joke")
        .checkpoint(&selected.checkpoint)
        .output_as()
        .await?;
    println!("replayed from there: {:?}", replayed.joke);
    assert_eq!(
        replayed.joke.as_deref(),
        Some("This is a joke about ice cream and cats")
    );

    // Edit the state there: a new checkpoint whose parent is the selected one, a fork.
    let fork = client
        .threads()
        .update_state(thread)
        .values(json!({"topic": "chickens"}))
        .checkpoint(selected.checkpoint.clone())
        .await?;
    println!("forked at {:?}", fork.checkpoint_id);

    // Run from the fork: no input, the graph goes on from there.
    let from_fork: Joke = client
        .runs()
        .wait(thread, "joke")
        .checkpoint(&fork)
        .output_as()
        .await?;
    println!("run from the fork: {:?}", from_fork.joke);
    assert_eq!(
        from_fork.joke.as_deref(),
        Some("This is a joke about chickens")
    );

    // The fork hangs off the selected checkpoint; the first branch is still there.
    let forked = client
        .threads()
        .get_state(thread)
        .checkpoint(fork.clone())
        .await?;
    let parent = forked.parent_checkpoint.and_then(|c| c.checkpoint_id);
    assert_eq!(parent, selected.checkpoint.checkpoint_id);
    let history = client
        .threads()
        .get_history(thread)
        .values_as::<Joke>()
        .await?;
    let jokes: Vec<&str> = history
        .iter()
        .filter_map(|s| s.values.joke.as_deref())
        .collect();
    println!("jokes in the history: {jokes:?}");
    // The first run's joke, the replay's and the fork's.
    assert_eq!(
        jokes,
        [
            "This is a joke about chickens",
            "This is a joke about ice cream and cats",
            "This is a joke about ice cream and cats",
        ]
    );
    Ok(())
}
