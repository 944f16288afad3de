//! `MessageAccumulator` against the real server: the `chat` and `tools` test graphs, in
//! `messages-tuple` and `messages` modes.

mod common;

use futures_util::TryStreamExt;
use langgraph_sdk::{
    messages::{AccumulatedMessage, MessageAccumulator},
    runs::StreamMode,
    stream::RunStream,
};
use serde_json::json;

/// What the `chat` graph's model answers (tests/server/graphs.py).
const CHAT_TEXT: &str = "The quick brown fox jumps over the lazy dog, streaming token by token.";
/// The `tools` graph's tool result and final answer.
const TOOL_RESULT_TEXT: &str = "It is sunny in Paris.";
const TOOLS_FINAL_TEXT: &str = "The weather in Paris is sunny.";

async fn open(graph: &str, mode: StreamMode) -> RunStream {
    let client = common::client();
    let thread = client.threads().create().await.unwrap();
    client
        .runs()
        .stream(thread.thread_id, graph)
        .input(json!({"messages": [{"role": "user", "content": "What is the weather in Paris?"}]}))
        .stream_mode([mode])
        .await
        .unwrap()
}

/// Folds the whole stream; returns the messages (before `finish`) and the AI text deltas in
/// the order they came.
async fn fold(graph: &str, mode: StreamMode) -> (MessageAccumulator, String) {
    let mut stream = open(graph, mode).await;
    let mut acc = MessageAccumulator::new();
    let mut printed = String::new();
    while let Some(event) = stream.try_next().await.unwrap() {
        for delta in acc.push(&event) {
            assert!(!delta.replaced, "the server only appends: {delta:?}");
            if delta.kind == "ai" {
                printed.push_str(&delta.text);
            }
        }
    }
    (acc, printed)
}

fn ai(messages: &[AccumulatedMessage]) -> Vec<&AccumulatedMessage> {
    messages.iter().filter(|m| m.kind == "ai").collect()
}

#[tokio::test]
async fn chat_tuple_mode_reassembles_the_text() {
    let (acc, printed) = fold("chat", StreamMode::MessagesTuple).await;
    assert_eq!(printed, CHAT_TEXT);
    let answers = ai(acc.messages());
    assert_eq!(answers.len(), 1, "{:#?}", acc.messages());
    let answer = answers[0];
    assert_eq!(answer.text(), CHAT_TEXT);
    assert_eq!(answer.content, json!(CHAT_TEXT));
    // The last chunk says `"chunk_position": "last"`: complete without `finish`.
    assert!(answer.complete);
    assert!(answer.id.as_deref().is_some_and(|id| !id.is_empty()));
    assert!(answer.namespace.is_empty());
    assert_eq!(answer.node().unwrap().as_deref(), Some("model"));
    assert!(answer.tool_calls.is_empty());
    // The fake model reports no token usage.
    assert_eq!(answer.usage, None);
    assert_eq!(acc.get(answer.id.as_deref().unwrap()), Some(answer));
}

#[tokio::test]
async fn tools_tuple_mode_reassembles_the_tool_call() {
    let (acc, printed) = fold("tools", StreamMode::MessagesTuple).await;
    assert_eq!(printed, TOOLS_FINAL_TEXT);
    let messages = acc.messages();
    let kinds: Vec<&str> = messages.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(kinds, ["ai", "tool", "ai"], "{messages:#?}");
    assert!(messages.iter().all(|m| m.complete));

    let call_message = &messages[0];
    assert_eq!(call_message.text(), "");
    assert_eq!(call_message.tool_calls.len(), 1);
    let call = &call_message.tool_calls[0];
    assert_eq!(call.name, "get_weather");
    assert_eq!(call.args, json!({"city": "Paris"}));
    assert_eq!(call.id.as_deref(), Some("call_1"));
    assert!(call.is_valid(), "{call:?}");
    // Two chunks, split after the colon.
    assert_eq!(call_message.tool_call_chunks.len(), 1);
    assert_eq!(
        call_message.tool_call_chunks[0].args,
        r#"{"city": "Paris"}"#
    );

    let tool = &messages[1];
    assert_eq!(tool.text(), TOOL_RESULT_TEXT);
    assert_eq!(tool.tool_call_id.as_deref(), Some("call_1"));
    assert_eq!(tool.name.as_deref(), Some("get_weather"));
    assert_eq!(tool.node().unwrap().as_deref(), Some("tools"));
    assert_eq!(tool.extra.get("status"), Some(&json!("success")));

    let answer = &messages[2];
    assert_eq!(answer.text(), TOOLS_FINAL_TEXT);
    assert!(answer.tool_calls.is_empty());
    assert_ne!(answer.id, call_message.id);

    // Back to LangChain's form, e.g. to send as input.
    let message = call_message.to_message();
    assert_eq!(message.kind, "ai");
    assert_eq!(
        message.tool_calls,
        vec![
            json!({"name": "get_weather", "args": {"city": "Paris"}, "id": "call_1", "type": "tool_call"})
        ]
    );
}

#[tokio::test]
async fn messages_mode_gives_the_same_text() {
    let (mut acc, printed) = fold("chat", StreamMode::Messages).await;
    assert_eq!(printed, CHAT_TEXT);
    let answers = ai(acc.messages());
    assert_eq!(answers.len(), 1, "{:#?}", acc.messages());
    assert_eq!(answers[0].text(), CHAT_TEXT);
    // From `messages/metadata`.
    assert_eq!(answers[0].node().unwrap().as_deref(), Some("model"));
    // The server never sends `messages/complete` for a streamed AI message.
    assert!(!answers[0].complete);
    acc.finish();
    assert!(acc.messages().iter().all(|m| m.complete));
}

#[tokio::test]
async fn messages_mode_tools() {
    let (acc, printed) = fold("tools", StreamMode::Messages).await;
    assert_eq!(printed, TOOLS_FINAL_TEXT);
    let messages = acc.messages();
    let kinds: Vec<&str> = messages.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(kinds, ["ai", "tool", "ai"], "{messages:#?}");
    let call = &messages[0].tool_calls[0];
    assert_eq!(
        (call.name.as_str(), &call.args, call.id.as_deref()),
        ("get_weather", &json!({"city": "Paris"}), Some("call_1"))
    );
    // The tool message comes whole, in `messages/complete`.
    assert_eq!(messages[1].text(), TOOL_RESULT_TEXT);
    assert!(messages[1].complete);
    assert_eq!(messages[2].text(), TOOLS_FINAL_TEXT);
}

#[tokio::test]
async fn collect_in_one_line() {
    let stream = open("tools", StreamMode::MessagesTuple).await;
    let messages = MessageAccumulator::collect(stream).await.unwrap();
    let texts: Vec<String> = messages.iter().map(|m| m.text()).collect();
    assert_eq!(texts, ["", TOOL_RESULT_TEXT, TOOLS_FINAL_TEXT]);
    assert_eq!(messages[0].tool_calls[0].args, json!({"city": "Paris"}));
    assert!(messages.iter().all(|m| m.complete));
    assert_eq!(
        messages[0].metadata.get("langgraph_step").unwrap(),
        Some(json!(1))
    );
    assert_eq!(
        messages[2].metadata.get("langgraph_step").unwrap(),
        Some(json!(3))
    );
}
