//! Streaming: every stream mode, several at once, subgraphs, joining a running run.
//!
//! The modes `updates`, `values`, `messages-tuple` (a model's tokens), `custom`, `debug`,
//! `events`, `tasks` and `checkpoints`; `updates` and `custom` at once; the namespaces of a
//! subgraph's events; and `join_stream` on a run that is already going.
//!
//! Guide: "Streaming API". Graphs of `tests/server/graphs.py`: `joke` (`refine_topic` →
//! `generate_joke`), `chat` (a model streaming a sentence token by token), `custom` (a node
//! writing progress events), `subgraph` (`prepare` → `child` (`step_one` → `step_two`) →
//! `finalize`) and `slow`.
//! Run it with `cargo xtask demo streaming`.

use langgraph_sdk::{prelude::*, stream::RunStream};
use serde_json::{Value, json};
use uuid::Uuid;

#[tokio::main(flavor = "current_thread")]
async fn main() -> langgraph_sdk::Result<()> {
    let client = Client::from_env()?;
    let ice_cream = json!({"topic": "ice cream"});

    println!("== updates: what each node returned");
    let stream = client
        .runs()
        .stream(new_thread(&client).await?, "joke")
        .input(ice_cream.clone())
        .stream_mode(StreamMode::Updates)
        .await?;
    let events = print_all(stream).await?;
    assert_eq!(
        data_of(&events, "updates"),
        [
            json!({"refine_topic": {"topic": "ice cream and cats"}}),
            json!({"generate_joke": {"joke": "This is a joke about ice cream and cats"}}),
        ]
    );

    println!("== values: the whole state after each step");
    let stream = client
        .runs()
        .stream(new_thread(&client).await?, "joke")
        .input(ice_cream.clone())
        .stream_mode(StreamMode::Values)
        .await?;
    let events = print_all(stream).await?;
    assert_eq!(
        data_of(&events, "values"),
        [
            json!({"topic": "ice cream"}),
            json!({"topic": "ice cream and cats"}),
            json!({"topic": "ice cream and cats", "joke": "This is a joke about ice cream and cats"}),
        ]
    );

    println!("== messages-tuple: a model's tokens as it writes them");
    let mut stream = client
        .runs()
        .stream(new_thread(&client).await?, "chat")
        .input(json!({"messages": [{"role": "user", "content": "hi"}]}))
        .stream_mode(StreamMode::MessagesTuple)
        .await?;
    let mut text = String::new();
    while let Some(event) = stream.try_next().await? {
        if let StreamPart::Message { chunk, metadata } = &event.part
            && metadata.node()?.as_deref() == Some("model")
        {
            print!("{}|", chunk.text());
            text.push_str(&chunk.text());
        }
    }
    println!();
    assert_eq!(
        text,
        "The quick brown fox jumps over the lazy dog, streaming token by token."
    );

    println!("== custom: what a node writes with its stream writer");
    let stream = client
        .runs()
        .stream(new_thread(&client).await?, "custom")
        .input(json!({}))
        .stream_mode(StreamMode::Custom)
        .await?;
    let events = print_all(stream).await?;
    assert_eq!(
        data_of(&events, "custom"),
        [
            json!({"progress": 1}),
            json!({"progress": 2}),
            json!({"progress": 3})
        ]
    );

    println!("== several modes at once: updates and custom, told apart by the event name");
    let stream = client
        .runs()
        .stream(new_thread(&client).await?, "custom")
        .input(json!({}))
        .stream_mode([StreamMode::Updates, StreamMode::Custom])
        .await?;
    let events = print_all(stream).await?;
    let modes: Vec<&str> = events.iter().map(|(event, _)| event.as_str()).collect();
    assert_eq!(modes, ["metadata", "custom", "custom", "custom", "updates"]);

    println!("== subgraphs: events from inside `child`, named by their namespace");
    let stream = client
        .runs()
        .stream(new_thread(&client).await?, "subgraph")
        .input(json!({}))
        .stream_mode(StreamMode::Updates)
        .stream_subgraphs(true)
        .await?;
    let events = print_all(stream).await?;
    let nodes: Vec<String> = events
        .iter()
        .filter(|(event, _)| event.starts_with("updates"))
        .map(|(event, data)| {
            let node = data.as_object().and_then(|o| o.keys().next().cloned());
            match event.split_once('|') {
                Some((_, namespace)) => {
                    let graph = namespace.split(':').next().unwrap_or_default();
                    format!("{graph}/{}", node.unwrap_or_default())
                }
                None => node.unwrap_or_default(),
            }
        })
        .collect();
    assert_eq!(
        nodes,
        [
            "prepare",
            "child/step_one",
            "child/step_two",
            "child",
            "finalize"
        ]
    );

    println!("== debug: checkpoints and tasks, with their payloads");
    let mut stream = client
        .runs()
        .stream(new_thread(&client).await?, "joke")
        .input(ice_cream.clone())
        .stream_mode(StreamMode::Debug)
        .await?;
    let mut kinds = Vec::new();
    while let Some(event) = stream.try_next().await? {
        if let StreamPart::Debug(debug) = &event.part {
            let kind = debug["type"].as_str().unwrap_or_default().to_string();
            let payload = &debug["payload"];
            match kind.as_str() {
                "checkpoint" => println!(
                    "step {}: checkpoint, next {}",
                    debug["step"], payload["next"]
                ),
                _ => println!("step {}: {kind} {}", debug["step"], payload["name"]),
            }
            kinds.push(kind);
        }
    }
    for kind in ["checkpoint", "task", "task_result"] {
        assert!(kinds.iter().any(|k| k == kind), "a {kind} event");
    }

    println!("== events: the LangChain callback events of the run");
    let mut stream = client
        .runs()
        .stream(new_thread(&client).await?, "joke")
        .input(ice_cream.clone())
        .stream_mode(StreamMode::Events)
        .await?;
    let mut started = Vec::new();
    while let Some(event) = stream.try_next().await? {
        if let StreamPart::Events(data) = &event.part {
            println!("{} {}", data["event"], data["name"]);
            if data["event"] == "on_chain_start" {
                started.push(data["name"].as_str().unwrap_or_default().to_string());
            }
        }
    }
    assert!(started.contains(&"refine_topic".to_string()));
    assert!(started.contains(&"generate_joke".to_string()));

    println!("== tasks: each node as it starts and finishes");
    let mut stream = client
        .runs()
        .stream(new_thread(&client).await?, "joke")
        .input(ice_cream.clone())
        .stream_mode(StreamMode::Tasks)
        .await?;
    let mut finished = Vec::new();
    while let Some(event) = stream.try_next().await? {
        if let StreamPart::Tasks(task) = &event.part {
            match task.get("result") {
                None => println!("{} started with {}", task["name"], task["input"]),
                Some(result) => {
                    println!("{} finished: {result}", task["name"]);
                    finished.push(task["name"].clone());
                }
            }
        }
    }
    assert_eq!(finished, ["refine_topic", "generate_joke"]);

    println!("== checkpoints: each checkpoint as it is saved");
    let mut stream = client
        .runs()
        .stream(new_thread(&client).await?, "joke")
        .input(ice_cream.clone())
        .stream_mode(StreamMode::Checkpoints)
        .await?;
    let mut next = Vec::new();
    while let Some(event) = stream.try_next().await? {
        if let StreamPart::Checkpoints(checkpoint) = &event.part {
            println!(
                "next {} values {}",
                checkpoint["next"], checkpoint["values"]
            );
            next.push(checkpoint["next"].clone());
        }
    }
    assert_eq!(
        next.last(),
        Some(&json!([])),
        "the last checkpoint has nothing left to run"
    );

    println!("== join: the rest of a run that is already going");
    join_a_running_run(&client, new_thread(&client).await?).await?;
    Ok(())
}

/// Starts a slow run in the background, then streams what it does from now on: what it
/// did before the join is not sent (the run is not resumable).
async fn join_a_running_run(client: &Client, thread: Uuid) -> langgraph_sdk::Result<()> {
    let run = client
        .runs()
        .create(thread, "slow")
        .input(json!({"steps": 3, "delay": 0.3}))
        .stream_mode(StreamMode::Custom)
        .await?;
    let stream = client.runs().join_stream(thread, run.run_id).await?;
    let events = print_all(stream).await?;
    let ticks = data_of(&events, "custom");
    assert_eq!(
        ticks.last(),
        Some(&json!({"tick": 3})),
        "up to the last tick"
    );
    Ok(())
}

async fn new_thread(client: &Client) -> langgraph_sdk::Result<Uuid> {
    Ok(client.threads().create().await?.thread_id)
}

/// Prints every event of a stream as `event: data`, and returns them.
async fn print_all(mut stream: RunStream) -> langgraph_sdk::Result<Vec<(String, Value)>> {
    let mut events = Vec::new();
    while let Some(event) = stream.try_next().await? {
        let data = event.data()?;
        println!("{}: {data}", event.event());
        events.push((event.event(), data));
    }
    Ok(events)
}

/// The data of the root graph's events of one mode.
fn data_of(events: &[(String, Value)], mode: &str) -> Vec<Value> {
    events
        .iter()
        .filter(|(event, _)| event == mode)
        .map(|(_, data)| data.clone())
        .collect()
}
