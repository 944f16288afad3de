//! Thread stream sessions (v3) against the real server: live tokens, tool calls, custom
//! channels, subgraphs, interrupts answered in place, concurrent and slow consumers; each
//! test over SSE (`sse::`) and, with the `websocket` feature, over a WebSocket
//! (`websocket::`).

mod common;

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use langgraph_sdk::{
    Error,
    thread_stream::{
        Channel, LifecycleStatus, Merged, ProjectionKind, ProtocolErrorCode, Role, StreamTransport,
        SubgraphStatus, ThreadStream,
    },
};
use serde_json::{Value, json};

const CHAT_TEXT: &str = "The quick brown fox jumps over the lazy dog, streaming token by token.";
const CHILD_TEXT: &str = "Child model says hello from inside the subgraph.";
const TOOLS_FINAL_TEXT: &str = "The weather in Paris is sunny.";

/// A bound on each test's waiting, so that a hang fails instead of stalling the suite.
async fn within<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .expect("timed out")
}

async fn session(graph: &str, t: StreamTransport) -> ThreadStream {
    common::client()
        .threads()
        .stream(graph)
        .transport(t)
        .await
        .unwrap()
}

fn hi() -> Value {
    json!({"messages": [{"role": "user", "content": "hi"}]})
}

async fn tokens_arrive_live_and_reassemble_to_the_exact_text(t: StreamTransport) {
    within(async {
        let session = session("chat", t).await;
        session.start().input(hi()).await.unwrap();
        let mut messages = session.messages();
        let message = messages.try_next().await.unwrap().expect("a message");
        assert_eq!(message.role(), &Role::Ai);
        let deltas: Vec<String> = message.text_deltas().try_collect().await.unwrap();
        assert!(deltas.len() > 10, "one delta per token: {deltas:?}");
        assert_eq!(deltas.concat(), CHAT_TEXT);
        assert_eq!(message.text().await.unwrap(), CHAT_TEXT);
        assert!(
            messages.try_next().await.unwrap().is_none(),
            "one message, then the run ends"
        );
        let output: Value = session.output().await.unwrap();
        let last = output["messages"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last["id"].as_str(), message.id());
    })
    .await;
}

async fn deltas_arrive_while_the_model_is_still_writing(t: StreamTransport) {
    within(async {
        // `v3_slow_chat` writes one token every 20 ms.
        let session = session("v3_slow_chat", t).await;
        let mut messages = session.messages();
        session.start().input(hi()).await.unwrap();
        let message = messages.try_next().await.unwrap().expect("a message");
        let mut deltas = message.text_deltas();
        let mut arrivals = Vec::new();
        while let Some(delta) = deltas.try_next().await.unwrap() {
            arrivals.push((std::time::Instant::now(), delta));
        }
        let text: String = arrivals.iter().map(|(_, d)| d.as_str()).collect();
        assert_eq!(
            text,
            (0..40)
                .map(|i| format!("token{i}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let spread = arrivals.last().unwrap().0 - arrivals[0].0;
        assert!(
            spread > Duration::from_millis(500),
            "79 deltas written 20 ms apart arrived within {spread:?}: not live"
        );
    })
    .await;
}

async fn awaiting_a_message_inside_the_loop_does_not_deadlock(t: StreamTransport) {
    within(async {
        // Two AI messages (the tool call, then the answer), and a tool message elsewhere.
        let session = session("v3_tools", t).await;
        session.start().input(hi()).await.unwrap();
        let mut messages = session.messages();
        let mut texts = Vec::new();
        while let Some(message) = messages.try_next().await.unwrap() {
            // The official client deadlocks here: its message streams are fed by the loop.
            let whole = message.finished().await.unwrap();
            texts.push((whole.text, whole.tool_calls));
        }
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert_eq!(texts[0].1.len(), 1);
        assert_eq!(texts[0].1[0].name, "get_weather");
        assert_eq!(texts[0].1[0].args, json!({"city": "Paris"}));
        assert_eq!(texts[1].0, TOOLS_FINAL_TEXT);
    })
    .await;
}

async fn tool_calls_have_their_input_output_deltas_and_output(t: StreamTransport) {
    within(async {
        let session = session("v3_tools", t).await;
        let mut calls = session.tool_calls();
        session.start().input(hi()).await.unwrap();
        let call = calls.try_next().await.unwrap().expect("a tool call");
        assert_eq!(call.name(), "get_weather");
        assert_eq!(call.id(), "call_1");
        assert_eq!(call.input(), &json!({"city": "Paris"}));
        let deltas: Vec<Value> = call.output_deltas().try_collect().await.unwrap();
        assert_eq!(
            deltas,
            ["It is ", "sunny ", "in ", "Paris", "."].map(|d| json!(d))
        );
        assert_eq!(call.output().await.unwrap(), json!("It is sunny in Paris."));
        assert!(calls.try_next().await.unwrap().is_none());
    })
    .await;
}

async fn custom_events_all_and_by_channel_name(t: StreamTransport) {
    within(async {
        let session = session("v3_custom", t).await;
        let all = session.custom();
        let progress = session.custom_channel("progress");
        session.start().input(json!({})).await.unwrap();
        let all: Vec<_> = all.try_collect().await.unwrap();
        let progress: Vec<_> = progress.try_collect().await.unwrap();
        let steps: Vec<Value> = progress.iter().map(|e| e.payload.clone()).collect();
        assert_eq!(steps, [1, 2, 3].map(|i| json!({"step": i})));
        assert!(
            progress
                .iter()
                .all(|e| e.name.as_deref() == Some("progress"))
        );
        let plain: Vec<Value> = all
            .iter()
            .filter(|e| e.name.is_none())
            .map(|e| e.payload.clone())
            .collect();
        assert_eq!(
            plain,
            [
                json!({"progress": 1}),
                json!({"progress": 2}),
                json!({"progress": 3}),
                json!("plain text event")
            ]
        );
        assert_eq!(
            all.len(),
            7,
            "the named events are custom events too: {all:?}"
        );
    })
    .await;
}

async fn a_subgraphs_events_arrive_under_its_handle_only(t: StreamTransport) {
    within(async {
        let session = session("v3_subgraph", t).await;
        let root_messages = session.messages();
        let mut subgraphs = session.subgraphs();
        session.start().input(hi()).await.unwrap();
        let child = subgraphs.try_next().await.unwrap().expect("a subgraph");
        assert_eq!(child.graph_name(), Some("child"));
        assert!(
            child.namespace()[0].starts_with("child:"),
            "{:?}",
            child.namespace()
        );
        // Made after the subgraph was announced: its first snapshot, which came before the
        // announcement, is still there.
        let child_values: Vec<Value> = child.values().try_collect().await.unwrap();
        let child_messages: Vec<_> = child.messages().try_collect().await.unwrap();
        assert_eq!(child_messages.len(), 1);
        assert_eq!(child_messages[0].text().await.unwrap(), CHILD_TEXT);
        assert_eq!(child_messages[0].namespace(), child.namespace());
        assert!(child_values.len() >= 2, "{child_values:?}");
        assert_eq!(child_values[0]["messages"].as_array().unwrap().len(), 2);
        let root: Vec<_> = root_messages.try_collect().await.unwrap();
        assert_eq!(root.len(), 1, "the child's message is not the root's");
        assert_eq!(root[0].text().await.unwrap(), CHAT_TEXT);
        assert_eq!(child.finished().await, SubgraphStatus::Completed);
        assert!(subgraphs.try_next().await.unwrap().is_none());
    })
    .await;
}

async fn an_interrupt_is_answered_in_the_session_and_the_run_completes(t: StreamTransport) {
    within(async {
        let session = session("interrupt", t).await;
        let values = session.values();
        let lifecycle = session.lifecycle();
        let mut interrupts = session.interrupts();
        session
            .start()
            .input(json!({"question": "Proceed?"}))
            .await
            .unwrap();
        let interrupt = interrupts.try_next().await.unwrap().expect("an interrupt");
        assert_eq!(interrupt.payload, json!({"question": "Proceed?"}));
        assert!(interrupt.namespace.is_empty());
        assert_eq!(session.pending_interrupts(), vec![interrupt.clone()]);
        session.respond(&interrupt, "yes").await.unwrap();
        let output: Value = session.output().await.unwrap();
        assert_eq!(output["answer"], "yes");
        assert_eq!(output["done"], true);
        // The projections went on across the interrupt, into the resumed run.
        let values: Vec<Value> = values.try_collect().await.unwrap();
        assert_eq!(values.last().unwrap(), &output);
        assert!(values.iter().any(|v| v.get("answer").is_none()));
        let statuses: Vec<LifecycleStatus> = lifecycle
            .map_ok(|e| e.lifecycle.status)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(
            statuses,
            [
                LifecycleStatus::Running,
                LifecycleStatus::Interrupted,
                LifecycleStatus::Running,
                LifecycleStatus::Completed
            ]
        );
        assert!(interrupts.try_next().await.unwrap().is_none());
        assert!(session.pending_interrupts().is_empty());
        // Answered already: the server says so, typed.
        let again = session.respond(&interrupt, "again").await.unwrap_err();
        assert!(
            matches!(&again, Error::Protocol(e) if e.code == ProtocolErrorCode::NoSuchInterrupt),
            "{again}"
        );
    })
    .await;
}

async fn several_interrupts_are_answered_at_once(t: StreamTransport) {
    within(async {
        let session = session("v3_approvals", t).await;
        let interrupts = session.interrupts();
        session
            .start()
            .input(json!({"items": ["a", "b"]}))
            .await
            .unwrap();
        let asked: Vec<_> = interrupts.take(2).try_collect().await.unwrap();
        let a = asked
            .iter()
            .find(|i| i.payload == json!({"approve": "a"}))
            .unwrap();
        let b = asked
            .iter()
            .find(|i| i.payload == json!({"approve": "b"}))
            .unwrap();
        session.respond(a, "ok").and(b, "no").await.unwrap();
        let output: Value = session.output().await.unwrap();
        let mut approved: Vec<&str> = output["approved"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        approved.sort();
        assert_eq!(approved, ["a:ok", "b:no"]);
    })
    .await;
}

async fn refused_commands_are_typed_errors(t: StreamTransport) {
    within(async {
        let session = session("no-such-graph", t).await;
        let err = session.start().input(hi()).await.unwrap_err();
        match &err {
            Error::Protocol(e) => {
                assert_eq!(e.code, ProtocolErrorCode::UnknownError);
                assert!(e.message.contains("no-such-graph"), "{e}");
            }
            other => panic!("{other}"),
        }
        let err = common::client()
            .threads()
            .stream("chat")
            .thread_id("nope")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    })
    .await;
}

async fn a_failed_run_fails_its_output(t: StreamTransport) {
    within(async {
        let session = session("fail", t).await;
        let values = session.values();
        session
            .start()
            .input(json!({"reason": "boom"}))
            .await
            .unwrap();
        let err = session.output::<Value>().await.unwrap_err();
        assert!(
            matches!(&err, Error::Run(e) if e.message == "deliberate failure: boom"),
            "{err}"
        );
        let values: Vec<Value> = values.try_collect().await.unwrap();
        assert_eq!(
            values,
            [json!({"reason": "boom"})],
            "the projection ends with the run"
        );
    })
    .await;
}

async fn two_projections_read_concurrently_from_different_tasks(t: StreamTransport) {
    within(async {
        let session = session("v3_tools", t).await;
        let reference = session.events([Channel::Values, Channel::Messages, Channel::Tools]);
        let values = session.values();
        let messages = session.messages();
        let calls = session.tool_calls();
        session.start().input(hi()).await.unwrap();
        let values = tokio::spawn(async move { values.try_collect::<Vec<Value>>().await });
        let messages = tokio::spawn(async move {
            let mut texts: Vec<String> = Vec::new();
            let mut messages = messages;
            while let Some(m) = messages.try_next().await? {
                texts.push(m.text().await?);
            }
            Ok::<_, Error>(texts)
        });
        let calls = tokio::spawn(async move { calls.try_collect::<Vec<_>>().await });
        let reference: Vec<_> = reference.try_collect().await.unwrap();
        let values = values.await.unwrap().unwrap();
        let messages = messages.await.unwrap().unwrap();
        let calls = calls.await.unwrap().unwrap();
        let root =
            |e: &&std::sync::Arc<langgraph_sdk::thread_stream::Event>| e.namespace.is_empty();
        let expected_values: Vec<Value> = reference
            .iter()
            .filter(root)
            .filter(|e| e.method.channel() == Some(Channel::Values))
            .map(|e| e.data.clone())
            .collect();
        assert_eq!(values, expected_values);
        assert_eq!(values.len(), 4);
        assert_eq!(messages, ["", TOOLS_FINAL_TEXT]);
        assert_eq!(calls.len(), 1);
        assert_eq!(session.stats().connections, 1, "one shared connection");
    })
    .await;
}

async fn a_slow_consumer_does_not_make_a_fast_one_lose_events(t: StreamTransport) {
    within(async {
        let session = common::client()
            .threads()
            .stream("v3_slow_chat")
            .transport(t)
            .buffer(16)
            .await
            .unwrap();
        let fast = session.events([Channel::Messages, Channel::Values, Channel::Lifecycle]);
        let mut slow = session.events([Channel::Messages, Channel::Values, Channel::Lifecycle]);
        let mut stalled = session.messages();
        let stalled_values = session.values();
        session.start().input(hi()).await.unwrap();
        let fast = tokio::spawn(async move { fast.try_collect::<Vec<_>>().await });
        // Reads one event, then sleeps longer than the whole run.
        let first = slow.try_next().await.unwrap().unwrap();
        let fast = fast.await.unwrap().unwrap();
        assert!(fast.len() > 80, "{}", fast.len());
        let ids: Vec<_> = fast.iter().map(|e| e.event_id.clone()).collect();
        let unique: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "no event twice");
        let seqs: Vec<u64> = fast.iter().map(|e| e.seq.unwrap()).collect();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order");
        assert_eq!(first.event_id, fast[0].event_id);
        // The slow one fell more than its 16 events behind: what it holds, then a typed error.
        let mut rest = Vec::new();
        let err = loop {
            match slow.try_next().await {
                Ok(Some(e)) => rest.push(e),
                Ok(None) => panic!("ended without saying it lost events"),
                Err(e) => break e,
            }
        };
        assert!(matches!(err, Error::Lagged { capacity: 16, .. }), "{err}");
        assert_eq!(rest.len(), 16);
        assert_eq!(
            rest[0].event_id, fast[1].event_id,
            "what it holds is in order"
        );
        // One message handle is one item: the stalled messages projection is within bounds.
        let message = stalled.try_next().await.unwrap().unwrap();
        assert!(message.text().await.unwrap().starts_with("token0 token1"));
        let values: Vec<Value> = stalled_values.try_collect().await.unwrap();
        assert_eq!(values.len(), 2);
    })
    .await;
}

async fn merged_projections_come_in_server_order(t: StreamTransport) {
    within(async {
        let session = session("chat", t).await;
        session.start().input(hi()).await.unwrap();
        let items: Vec<Merged> = session
            .merged([ProjectionKind::Values, ProjectionKind::Messages])
            .try_collect()
            .await
            .unwrap();
        let kinds: Vec<&str> = items
            .iter()
            .map(|i| match i {
                Merged::Values(_) => "values",
                Merged::Message(_) => "message",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["values", "message", "values"]);
    })
    .await;
}

async fn each_run_of_a_session_has_its_own_projections(t: StreamTransport) {
    within(async {
        let session = session("chat", t).await;
        for turn in 0..2 {
            session.start().input(hi()).await.unwrap();
            let messages: Vec<_> = session.messages().try_collect().await.unwrap();
            assert_eq!(messages.len(), 1, "turn {turn}");
            let output: Value = session.output().await.unwrap();
            assert_eq!(output["messages"].as_array().unwrap().len(), 2 * (turn + 1));
        }
        // After a run: a projection made now follows the run started last (it is replayed).
        let replayed: Vec<_> = session.messages().try_collect().await.unwrap();
        assert_eq!(replayed.len(), 1);
        assert_eq!(replayed[0].text().await.unwrap(), CHAT_TEXT);
    })
    .await;
}

async fn a_session_on_an_existing_thread_follows_new_runs_not_history(t: StreamTransport) {
    within(async {
        let first = session("interrupt", t).await;
        first
            .start()
            .input(json!({"question": "Again?"}))
            .await
            .unwrap();
        let interrupt = first.interrupts().try_next().await.unwrap().unwrap();
        first.respond(&interrupt, "first").await.unwrap();
        let _: Value = first.output().await.unwrap();
        let thread = first.thread_id();
        drop(first);
        // A second session on the same thread: the finished run is history.
        let second = common::client()
            .threads()
            .stream("interrupt")
            .transport(t)
            .thread_id(thread)
            .await
            .unwrap();
        let now: Value = second.output().await.unwrap();
        assert_eq!(now["answer"], "first", "an idle thread's state at once");
        let mut interrupts = second.interrupts();
        second
            .start()
            .input(json!({"question": "Twice?"}))
            .await
            .unwrap();
        let interrupt = interrupts.try_next().await.unwrap().unwrap();
        assert_eq!(
            interrupt.payload,
            json!({"question": "Twice?"}),
            "not the old one"
        );
        // A third session, opened while the run waits: it sees the pending interrupt.
        let third = common::client()
            .threads()
            .stream("interrupt")
            .transport(t)
            .thread_id(thread)
            .await
            .unwrap();
        let waiting = third.interrupts().try_next().await.unwrap().unwrap();
        assert_eq!(waiting.id, interrupt.id);
        third.respond(&waiting, "third").await.unwrap();
        let out: Value = second.output().await.unwrap();
        assert_eq!(out["answer"], "third");
    })
    .await;
}

async fn closing_the_session_ends_every_projection(t: StreamTransport) {
    within(async {
        let session = session("v3_slow_chat", t).await;
        let mut messages = session.messages();
        let values = session.values();
        session.start().input(hi()).await.unwrap();
        let message = messages.try_next().await.unwrap().unwrap();
        let other = session.clone();
        drop(session);
        assert!(!message.is_finished());
        other.close();
        assert!(messages.try_next().await.unwrap().is_none());
        let _: Vec<Value> = values.try_collect().await.unwrap();
        let err = message.text().await.unwrap_err();
        assert!(matches!(err, Error::SessionClosed), "{err}");
        assert!(matches!(other.start().await, Err(Error::SessionClosed)));
        assert!(other.values().try_next().await.unwrap().is_none());
    })
    .await;
}

/// Every test above, over each transport the build has.
macro_rules! over_each_transport {
    ($($name:ident),* $(,)?) => {
        mod sse {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::StreamTransport::Sse).await
                }
            )*
        }
        #[cfg(feature = "websocket")]
        mod websocket {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::StreamTransport::WebSocket).await
                }
            )*
        }
    };
}

over_each_transport!(
    tokens_arrive_live_and_reassemble_to_the_exact_text,
    deltas_arrive_while_the_model_is_still_writing,
    awaiting_a_message_inside_the_loop_does_not_deadlock,
    tool_calls_have_their_input_output_deltas_and_output,
    custom_events_all_and_by_channel_name,
    a_subgraphs_events_arrive_under_its_handle_only,
    an_interrupt_is_answered_in_the_session_and_the_run_completes,
    several_interrupts_are_answered_at_once,
    refused_commands_are_typed_errors,
    a_failed_run_fails_its_output,
    two_projections_read_concurrently_from_different_tasks,
    a_slow_consumer_does_not_make_a_fast_one_lose_events,
    merged_projections_come_in_server_order,
    each_run_of_a_session_has_its_own_projections,
    a_session_on_an_existing_thread_follows_new_runs_not_history,
    closing_the_session_ends_every_projection,
);
