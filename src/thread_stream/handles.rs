//! Live handles: one per message and per tool call, written by the session's fan-out as the
//! events arrive (not by whoever reads them), so waiting on one while reading the projection
//! that yielded it cannot deadlock.

use std::{
    collections::BTreeMap,
    future::poll_fn,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use futures_util::Stream;
use serde_json::Value;

use super::{
    queue::{Fault, Shared},
    wire::{Delta, MessageEvent, Role},
};
use crate::{Result, messages::ToolCall, messages::Usage};

/// One message as a model writes it, live: its text and reasoning arrive as deltas, and once
/// it finishes the whole message is there ([`finished`](Self::finished)).
///
/// Cheap to clone; every clone sees the same message. Each call to
/// [`text_deltas`](Self::text_deltas) reads the deltas from the first one, at its own pace.
///
/// ```no_run
/// # async fn demo(session: langgraph_sdk::thread_stream::ThreadStream) -> langgraph_sdk::Result<()> {
/// use futures_util::TryStreamExt;
///
/// let mut messages = session.messages();
/// while let Some(message) = messages.try_next().await? {
///     let mut tokens = message.text_deltas();
///     while let Some(token) = tokens.try_next().await? {
///         print!("{token}");
///     }
///     let whole = message.finished().await?;
///     println!("\n{} tool calls", whole.tool_calls.len());
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct MessageStream {
    meta: Arc<MessageMeta>,
    state: Arc<Shared<MessageState>>,
}

#[derive(Debug)]
struct MessageMeta {
    id: Option<String>,
    role: Role,
    namespace: Vec<String>,
    tool_call_id: Option<String>,
    metadata: Option<Value>,
}

/// What is known of a message so far.
#[derive(Debug, Default)]
pub(crate) struct MessageState {
    text: Text,
    reasoning: Text,
    /// Blocks by index: as started, replaced by the finished block.
    blocks: BTreeMap<u64, Value>,
    /// Tool-call argument text streamed per block.
    tool_args: BTreeMap<u64, String>,
    usage: Option<Usage>,
    end: Option<std::result::Result<(), Fault>>,
}

/// Text received in deltas: the text and where each delta ends.
#[derive(Debug, Default)]
struct Text {
    text: String,
    cuts: Vec<usize>,
}

impl Text {
    fn push(&mut self, delta: &str) {
        if delta.is_empty() {
            return;
        }
        self.text.push_str(delta);
        self.cuts.push(self.text.len());
    }

    fn delta(&self, i: usize) -> Option<&str> {
        let end = *self.cuts.get(i)?;
        let start = if i == 0 { 0 } else { self.cuts[i - 1] };
        Some(&self.text[start..end])
    }
}

impl std::fmt::Debug for MessageStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageStream")
            .field("id", &self.meta.id)
            .field("role", &self.meta.role)
            .field("namespace", &self.meta.namespace)
            .field("finished", &self.is_finished())
            .finish()
    }
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl MessageStream {
    pub(crate) fn start(event: &MessageEvent, namespace: &[String]) -> Option<MessageStream> {
        let MessageEvent::Start {
            role,
            id,
            tool_call_id,
            metadata,
        } = event
        else {
            return None;
        };
        Some(MessageStream {
            meta: Arc::new(MessageMeta {
                id: id.clone(),
                role: role.clone(),
                namespace: namespace.to_vec(),
                tool_call_id: tool_call_id.clone(),
                metadata: metadata.clone(),
            }),
            state: Shared::new(MessageState::default()),
        })
    }

    /// Applies one event of this message; true when it ended the message.
    pub(crate) fn apply(&self, event: &MessageEvent) -> bool {
        self.state.update(|s| {
            if s.end.is_some() {
                return true;
            }
            match event {
                MessageEvent::BlockStart { index, content } => {
                    if let Some(text) = text_of(content) {
                        s.text.push(text);
                    }
                    s.blocks.insert(*index, content.clone());
                }
                MessageEvent::BlockDelta { index, delta } => match delta {
                    Delta::Text(t) => s.text.push(t),
                    Delta::Reasoning(r) => s.reasoning.push(r),
                    Delta::ToolCall { args, .. } => {
                        s.tool_args.entry(*index).or_default().push_str(args)
                    }
                    // The whole block so far: what it adds to the text is what is new.
                    Delta::Content(content) => {
                        if let Some(text) = text_of(content) {
                            let had = block_text(s.blocks.get(index)).unwrap_or_default();
                            let new = text.strip_prefix(had.as_str()).unwrap_or(text);
                            s.text.push(new);
                        }
                        s.blocks.insert(*index, content.clone());
                    }
                    Delta::Data { .. } | Delta::Block(_) | Delta::Other(_) => {}
                },
                MessageEvent::BlockFinish { index, content } => {
                    s.blocks.insert(*index, content.clone());
                }
                MessageEvent::Finish { usage, .. } => {
                    s.usage.clone_from(usage);
                    s.end = Some(Ok(()));
                }
                MessageEvent::Error { message, code } => {
                    s.end = Some(Err(Fault::Run(crate::RunError::new(
                        code.clone().unwrap_or_else(|| "MessageError".into()),
                        message.clone(),
                    ))));
                }
                MessageEvent::Start { .. } | MessageEvent::Other(_) => {}
            }
            s.end.is_some()
        })
    }

    /// Ends the message without its `message-finish`: with `fault`, or complete as it is
    /// when the run completed.
    pub(crate) fn end(&self, fault: Option<Fault>) {
        self.state.update(|s| {
            if s.end.is_none() {
                s.end = Some(fault.map_or(Ok(()), Err));
            }
        });
    }

    /// The message id (the id of the message as stored in the thread's state).
    pub fn id(&self) -> Option<&str> {
        self.meta.id.as_deref()
    }

    /// Who writes it.
    pub fn role(&self) -> &Role {
        &self.meta.role
    }

    /// Where in the graph it is written (`[]`: the root graph).
    pub fn namespace(&self) -> &[String] {
        &self.meta.namespace
    }

    /// For a tool message, the call it answers.
    pub fn tool_call_id(&self) -> Option<&str> {
        self.meta.tool_call_id.as_deref()
    }

    /// Provider and model, when the server sends them.
    pub fn metadata(&self) -> Option<&Value> {
        self.meta.metadata.as_ref()
    }

    /// Whether it has ended (finished or failed).
    pub fn is_finished(&self) -> bool {
        self.state.read(|s| s.end.is_some())
    }

    /// The text received so far.
    pub fn text_so_far(&self) -> String {
        self.state.read(|s| s.text.text.clone())
    }

    /// The text deltas as they arrive, from the first one. Ends when the message does; an
    /// error if it failed.
    pub fn text_deltas(&self) -> Deltas<String> {
        self.deltas(false)
    }

    /// The reasoning deltas as they arrive (models that show their reasoning).
    pub fn reasoning_deltas(&self) -> Deltas<String> {
        self.deltas(true)
    }

    fn deltas(&self, reasoning: bool) -> Deltas<String> {
        let state = self.state.clone();
        Deltas::new(move |cx, next| {
            state.poll(cx, |s| {
                let text = if reasoning { &s.reasoning } else { &s.text };
                match (text.delta(next), &s.end) {
                    (Some(delta), _) => Some(Some(Ok(delta.to_string()))),
                    (None, Some(end)) => Some(end.as_ref().err().map(|f| Err(f.to_error()))),
                    (None, None) => None,
                }
            })
        })
    }

    /// The whole text, once the message has finished.
    ///
    /// # Errors
    /// As [`finished`](Self::finished).
    pub async fn text(&self) -> Result<String> {
        self.finished().await.map(|m| m.text)
    }

    /// The whole reasoning, once the message has finished.
    ///
    /// # Errors
    /// As [`finished`](Self::finished).
    pub async fn reasoning(&self) -> Result<String> {
        self.finished().await.map(|m| m.reasoning)
    }

    /// The whole message, once it has finished.
    ///
    /// # Errors
    /// [`Error::Run`](crate::Error::Run) if the message or the run failed, [`Error::SessionClosed`](crate::Error::SessionClosed) if the
    /// session was closed first, [`Error::StreamLost`](crate::Error::StreamLost) if the connection could not be
    /// resumed.
    pub async fn finished(&self) -> Result<FinishedMessage> {
        poll_fn(|cx| {
            self.state.poll(cx, |s| {
                s.end.as_ref().map(|end| match end {
                    Ok(()) => Ok(self.assemble(s)),
                    Err(fault) => Err(fault.to_error()),
                })
            })
        })
        .await
    }

    fn assemble(&self, s: &MessageState) -> FinishedMessage {
        let mut text = String::new();
        let mut reasoning = String::new();
        let mut tool_calls = Vec::new();
        let mut any_text_block = false;
        for (index, block) in &s.blocks {
            match block.get("type").and_then(Value::as_str) {
                Some("text") => {
                    any_text_block = true;
                    text.push_str(block_text(Some(block)).as_deref().unwrap_or_default());
                }
                Some("reasoning") => reasoning.push_str(
                    block
                        .get("reasoning")
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                ),
                Some("tool_call" | "tool_call_chunk" | "invalid_tool_call") => {
                    tool_calls.push(tool_call_of(block, s.tool_args.get(index)))
                }
                _ => {}
            }
        }
        // Deltas without their blocks (or blocks without text) are still the message's text.
        if !any_text_block || text.is_empty() {
            text.clone_from(&s.text.text);
        }
        if reasoning.is_empty() {
            reasoning.clone_from(&s.reasoning.text);
        }
        FinishedMessage {
            id: self.meta.id.clone(),
            role: self.meta.role.clone(),
            namespace: self.meta.namespace.clone(),
            text,
            reasoning,
            tool_calls,
            usage: s.usage.clone(),
            blocks: s.blocks.values().cloned().collect(),
        }
    }
}

/// The text of a text block.
fn text_of(content: &Value) -> Option<&str> {
    (content.get("type").and_then(Value::as_str) == Some("text"))
        .then(|| content.get("text").and_then(Value::as_str))
        .flatten()
}

fn block_text(block: Option<&Value>) -> Option<String> {
    block.and_then(text_of).map(str::to_string)
}

/// A tool call from a finished block (`tool_call`, or the streamed argument text of a
/// `tool_call_chunk`, parsed; `invalid_tool_call` keeps its error).
fn tool_call_of(block: &Value, streamed: Option<&String>) -> ToolCall {
    let mut block = block.clone();
    if let (Some(args), Some(object)) = (streamed, block.as_object_mut())
        && !object.get("args").is_some_and(Value::is_object)
    {
        object.insert("args".into(), Value::String(args.clone()));
    }
    ToolCall::from_block(&block)
}

/// A message once it has finished ([`MessageStream::finished`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FinishedMessage {
    /// The message id.
    pub id: Option<String>,
    /// Who wrote it.
    pub role: Role,
    /// Where in the graph.
    pub namespace: Vec<String>,
    /// Its text.
    pub text: String,
    /// Its reasoning, if the model showed any.
    pub reasoning: String,
    /// The tool calls it makes.
    pub tool_calls: Vec<ToolCall>,
    /// Token counts, when the model reports them.
    pub usage: Option<Usage>,
    /// Its content blocks as the server finished them.
    pub blocks: Vec<Value>,
}

/// The deltas of one message's text or reasoning ([`MessageStream::text_deltas`]) or of a
/// tool call's output ([`ToolCallStream::output_deltas`]), from the first, at the reader's
/// own pace. It ends when the message (or tool call) does; with its error if it failed.
pub struct Deltas<T> {
    #[allow(clippy::type_complexity)]
    read: Box<dyn Fn(&mut Context<'_>, usize) -> Poll<Option<Result<T>>> + Send + Sync>,
    next: usize,
    done: bool,
}

impl<T> Deltas<T> {
    /// `read(cx, i)`: delta `i`, or the end (with the error that ended it), or `Pending`.
    fn new(
        read: impl Fn(&mut Context<'_>, usize) -> Poll<Option<Result<T>>> + Send + Sync + 'static,
    ) -> Deltas<T> {
        Deltas {
            read: Box::new(read),
            next: 0,
            done: false,
        }
    }
}

impl<T> std::fmt::Debug for Deltas<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deltas").field("next", &self.next).finish()
    }
}

impl<T> Stream for Deltas<T> {
    type Item = Result<T>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let item = (self.read)(cx, self.next);
        match &item {
            Poll::Ready(Some(Ok(_))) => self.next += 1,
            Poll::Ready(_) => self.done = true,
            Poll::Pending => {}
        }
        item
    }
}

/// One tool call, live: its input when it starts, its output deltas as the tool streams
/// them, then its output (or error).
///
/// Cheap to clone; each call to [`output_deltas`](Self::output_deltas) reads from the first
/// delta.
#[derive(Clone)]
pub struct ToolCallStream {
    meta: Arc<ToolMeta>,
    state: Arc<Shared<ToolState>>,
}

#[derive(Debug)]
struct ToolMeta {
    id: String,
    name: String,
    input: Value,
    namespace: Vec<String>,
    node: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct ToolState {
    deltas: Vec<Value>,
    end: Option<std::result::Result<Value, Fault>>,
}

impl std::fmt::Debug for ToolCallStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToolCallStream")
            .field("id", &self.meta.id)
            .field("name", &self.meta.name)
            .field("finished", &self.is_finished())
            .finish()
    }
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl ToolCallStream {
    pub(crate) fn start(
        id: &str,
        name: &str,
        input: Option<&Value>,
        namespace: &[String],
        node: Option<&str>,
    ) -> ToolCallStream {
        ToolCallStream {
            meta: Arc::new(ToolMeta {
                id: id.to_string(),
                name: name.to_string(),
                input: input.cloned().unwrap_or(Value::Null),
                namespace: namespace.to_vec(),
                node: node.map(str::to_string),
            }),
            state: Shared::new(ToolState::default()),
        }
    }

    pub(crate) fn push_delta(&self, delta: &Value) {
        self.state.update(|s| {
            if s.end.is_none() {
                s.deltas.push(delta.clone())
            }
        });
    }

    pub(crate) fn end(&self, end: std::result::Result<Value, Fault>) {
        self.state.update(|s| {
            if s.end.is_none() {
                s.end = Some(end);
            }
        });
    }

    /// The call's id (from the model's tool call).
    pub fn id(&self) -> &str {
        &self.meta.id
    }

    /// The tool.
    pub fn name(&self) -> &str {
        &self.meta.name
    }

    /// Its arguments.
    pub fn input(&self) -> &Value {
        &self.meta.input
    }

    /// Where in the graph it runs.
    pub fn namespace(&self) -> &[String] {
        &self.meta.namespace
    }

    /// The node that ran it, when the server says.
    pub fn node(&self) -> Option<&str> {
        self.meta.node.as_deref()
    }

    /// Whether it has ended.
    pub fn is_finished(&self) -> bool {
        self.state.read(|s| s.end.is_some())
    }

    /// The output deltas the tool streams (`ToolRuntime.emit_output_delta`), from the first.
    pub fn output_deltas(&self) -> Deltas<Value> {
        let state = self.state.clone();
        Deltas::new(move |cx, next| {
            state.poll(cx, |s| match (s.deltas.get(next), &s.end) {
                (Some(delta), _) => Some(Some(Ok(delta.clone()))),
                (None, Some(end)) => Some(end.as_ref().err().map(|f| Err(f.to_error()))),
                (None, None) => None,
            })
        })
    }

    /// The output, once the tool has finished: the content of the `ToolMessage` a LangChain
    /// tool returns, else the output as sent.
    ///
    /// # Errors
    /// [`Error::Run`](crate::Error::Run) with the tool's error if it failed (or if the run ended first),
    /// [`Error::SessionClosed`](crate::Error::SessionClosed), [`Error::StreamLost`](crate::Error::StreamLost).
    pub async fn output(&self) -> Result<Value> {
        poll_fn(|cx| {
            self.state.poll(cx, |s| {
                s.end.as_ref().map(|end| match end {
                    Ok(output) => Ok(tool_output(output)),
                    Err(fault) => Err(fault.to_error()),
                })
            })
        })
        .await
    }
}

/// The content of a serialized `ToolMessage`, else the output itself.
fn tool_output(output: &Value) -> Value {
    match output.get("type").and_then(Value::as_str) {
        Some("tool") if output.get("content").is_some() => output["content"].clone(),
        _ if output.get("lc").is_some()
            && output
                .get("id")
                .and_then(Value::as_array)
                .and_then(|id| id.last())
                .and_then(Value::as_str)
                == Some("ToolMessage") =>
        {
            output["kwargs"]["content"].clone()
        }
        _ => output.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use serde_json::json;

    fn msg(value: Value) -> MessageEvent {
        serde_json::from_value(value).unwrap()
    }

    #[tokio::test]
    async fn a_message_is_assembled_from_its_events() {
        let m = MessageStream::start(
            &msg(json!({"event": "message-start", "role": "ai", "id": "m1"})),
            &[],
        )
        .unwrap();
        let events = [
            json!({"event": "content-block-start", "index": 0, "content": {"type": "text", "text": ""}}),
            json!({"event": "content-block-delta", "index": 0, "delta": {"type": "text-delta", "text": "Hel"}}),
            json!({"event": "content-block-delta", "index": 0, "delta": {"type": "text-delta", "text": "lo"}}),
            json!({"event": "content-block-finish", "index": 0, "content": {"type": "text", "text": "Hello"}}),
            json!({"event": "content-block-start", "index": 1, "content": {"type": "tool_call_chunk", "id": "c1", "name": "f", "args": ""}}),
            json!({"event": "content-block-delta", "index": 1, "delta": {"type": "tool-call-delta", "args": "{\"a\":"}}),
            json!({"event": "content-block-delta", "index": 1, "delta": {"type": "tool-call-delta", "args": " 1}"}}),
            json!({"event": "content-block-finish", "index": 1, "content": {"type": "tool_call_chunk", "id": "c1", "name": "f"}}),
            json!({"event": "message-finish", "usage": {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}}),
        ];
        let deltas = m.text_deltas();
        for (i, e) in events.iter().enumerate() {
            assert_eq!(m.apply(&msg(e.clone())), i == events.len() - 1);
        }
        use futures_util::TryStreamExt;
        let deltas: Vec<String> = deltas.try_collect().await.unwrap();
        assert_eq!(deltas, ["Hel", "lo"]);
        let done = m.finished().await.unwrap();
        assert_eq!(done.text, "Hello");
        assert_eq!(done.tool_calls.len(), 1);
        assert_eq!(done.tool_calls[0].args, json!({"a": 1}));
        assert_eq!(done.tool_calls[0].id.as_deref(), Some("c1"));
        assert_eq!(done.usage.unwrap().total_tokens, 5);
    }

    #[tokio::test]
    async fn a_failed_message_fails_its_readers() {
        let m = MessageStream::start(&msg(json!({"event": "message-start", "role": "ai"})), &[])
            .unwrap();
        m.apply(&msg(json!({"event": "content-block-delta", "index": 0, "delta": {"type": "text-delta", "text": "x"}})));
        m.apply(&msg(
            json!({"event": "error", "message": "model down", "code": "overloaded"}),
        ));
        let err = m.text().await.unwrap_err();
        assert!(
            matches!(&err, Error::Run(e) if e.message == "model down" && e.error == "overloaded"),
            "{err}"
        );
        use futures_util::StreamExt;
        let items: Vec<_> = m.text_deltas().collect().await;
        assert!(matches!(items.as_slice(), [Ok(x), Err(_)] if x == "x"));
    }

    #[tokio::test]
    async fn tool_output_is_the_tool_message_content() {
        let t = ToolCallStream::start(
            "c1",
            "get_weather",
            Some(&json!({"city": "Paris"})),
            &[],
            None,
        );
        t.push_delta(&json!("It is "));
        t.end(Ok(
            json!({"type": "tool", "content": "It is sunny.", "tool_call_id": "c1"}),
        ));
        assert_eq!(t.output().await.unwrap(), json!("It is sunny."));
        use futures_util::TryStreamExt;
        let d: Vec<Value> = t.output_deltas().try_collect().await.unwrap();
        assert_eq!(d, [json!("It is ")]);
    }
}
