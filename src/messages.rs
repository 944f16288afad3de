//! Folding streamed chat messages into whole messages.
//!
//! A run streamed in `messages-tuple` mode ([`StreamMode::MessagesTuple`]) delivers a chat
//! model's answer one chunk at a time ([`StreamPart::Message`]): a few characters of text, a
//! fragment of a tool call's JSON arguments. A [`MessageAccumulator`] folds those chunks into
//! whole messages by message id, the way LangChain adds `AIMessageChunk`s (`chunk + chunk`),
//! and tells you what each event changed, so you can print tokens as they arrive and still
//! have the complete messages at the end. It also understands the `messages` mode
//! ([`StreamMode::Messages`]: `messages/partial` events carrying each message as it is so
//! far, and `messages/complete`). The Python client leaves this to the caller; the JS client
//! does it in its React hook.
//!
//! ```no_run
//! # async fn demo(client: langgraph_sdk::Client, thread_id: uuid::Uuid) -> langgraph_sdk::Result<()> {
//! use futures_util::TryStreamExt;
//! use langgraph_sdk::{messages::MessageAccumulator, runs::StreamMode};
//! use serde_json::json;
//!
//! let mut stream = client
//!     .runs()
//!     .stream(thread_id, "agent")
//!     .input(json!({"messages": [{"role": "user", "content": "What is the weather in Paris?"}]}))
//!     .stream_mode([StreamMode::MessagesTuple])
//!     .await?;
//! let mut messages = MessageAccumulator::new();
//! while let Some(event) = stream.try_next().await? {
//!     for delta in messages.push(&event) {
//!         // Tokens as they come (the AI's only: tool messages are streamed too).
//!         if delta.kind == "ai" {
//!             print!("{}", delta.text);
//!         }
//!     }
//! }
//! messages.finish();
//! for message in messages.messages() {
//!     for call in &message.tool_calls {
//!         println!("{} called {}({})", message.kind, call.name, call.args);
//!     }
//!     println!("{}: {}", message.kind, message.text());
//! }
//! # Ok(())
//! # }
//! ```
//!
//! When you only want the messages, [`MessageAccumulator::collect`] does all of that in one
//! line: `let messages = MessageAccumulator::collect(stream).await?;`.
//!
//! # How chunks are folded
//!
//! As LangChain's `AIMessageChunk.__add__` (`langchain_core` 1.x) does, except where noted:
//!
//! - **Content**: strings are concatenated. List content (content blocks) is merged by the
//!   blocks' `index`: blocks with the same index are merged field by field (a text block's
//!   `text` is concatenated), blocks without one are appended. A string followed by a list
//!   becomes a list starting with the string (LangChain keeps an empty string there; it is
//!   dropped here).
//! - **Tool calls**: `tool_call_chunks` are merged by `index` (chunks with the same index and
//!   no conflicting ids are one call): the `args` fragments are concatenated; the `name` and
//!   `id` are those of the first chunk that has them (LangChain concatenates a repeated name;
//!   providers send it once, so the result is the same). After each chunk the merged calls
//!   are parsed into [`ToolCall`]s: `args` parsed as JSON, `{}` when empty. Arguments that are
//!   not (yet) a JSON object are kept as the raw string, with [`ToolCall::error`] saying why;
//!   while a message is streaming that is normal (the JSON is incomplete), once it is
//!   [`complete`](AccumulatedMessage::complete) it means the model produced bad arguments
//!   (LangChain's `invalid_tool_calls`). Each chunk's own `tool_calls` and
//!   `invalid_tool_calls` (a parse of that chunk alone) are ignored, unless the chunk has no
//!   `tool_call_chunks`, in which case they count as whole calls.
//! - **Usage**: `usage_metadata` is summed field by field (`input_tokens`, `output_tokens`,
//!   `total_tokens`, and the numbers in the `*_details` maps).
//! - **`response_metadata`, `additional_kwargs`**: merged like LangChain's `merge_dicts`:
//!   strings concatenated (but an equal `id`, `output_version` or `model_provider` is kept
//!   once), maps merged, lists merged by `index`, integers summed (except `index`, `created`
//!   and `timestamp`, where the last wins), `null` never overwrites. Where LangChain raises
//!   (two values of different types, two different booleans or floats), the last value wins.
//! - **Completion**: a chunk with `"chunk_position": "last"`, a `messages/complete` event, a
//!   message that arrives whole (not a `…Chunk`: tool messages, human messages) or
//!   [`finish`](MessageAccumulator::finish) (at the end of the stream) mark a message
//!   [`complete`](AccumulatedMessage::complete).
//! - **`messages` mode**: a `messages/partial` event carries the message as it is so far; it
//!   replaces the stored message (content, tool calls, usage…) instead of being appended. The
//!   [`MessageDelta`] still gives the appended text when the new text extends the old one.
//!   Note that the server sends `messages/complete` only for messages that arrive whole: an
//!   AI message streamed as partials is never marked complete by the server, only by
//!   [`finish`](MessageAccumulator::finish). Asked for both modes, the server (langgraph-api
//!   0.16.7) sends only the `messages-tuple` events.
//!
//! Messages are keyed by (namespace, id), so the messages of two subgraphs never mix, even
//! with equal ids. A message without an id (LangChain gives every streamed message one; a
//! custom node may not): a chunk continues the last message without an id of its namespace
//! that is still incomplete and of the same kind, a whole message is always a new message.
//!
//! [`StreamMode::MessagesTuple`]: crate::runs::StreamMode::MessagesTuple
//! [`StreamMode::Messages`]: crate::runs::StreamMode::Messages

use std::{collections::HashMap, ops::AddAssign, pin::pin};

use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::{
    Result,
    stream::{ChunkMetadata, Message, StreamEvent, StreamPart},
};

/// Folds the chunks of a message stream into whole messages; see the [module
/// docs](crate::messages) for the rules.
///
/// ```
/// use langgraph_sdk::{messages::MessageAccumulator, stream::{ChunkMetadata, Message}};
/// use serde_json::json;
///
/// let mut acc = MessageAccumulator::new();
/// for (text, last) in [("Hello", false), (", ", false), ("world", true)] {
///     let chunk: Message = serde_json::from_value(json!({
///         "type": "AIMessageChunk", "id": "m1", "content": text,
///         "chunk_position": if last { json!("last") } else { json!(null) },
///     }))
///     .unwrap();
///     let delta = acc.push_chunk(&[], &chunk, &ChunkMetadata::default());
///     assert_eq!(delta.text, text);
/// }
/// let message = acc.get("m1").unwrap();
/// assert_eq!((message.kind.as_str(), message.text().as_str()), ("ai", "Hello, world"));
/// assert!(message.complete);
/// ```
#[derive(Debug, Clone, Default)]
pub struct MessageAccumulator {
    messages: Vec<AccumulatedMessage>,
    /// Namespace → id → position in `messages`.
    by_id: HashMap<Vec<String>, HashMap<String, usize>>,
    /// Namespace → the last message without an id (chunks without an id continue it).
    anonymous: HashMap<Vec<String>, usize>,
    /// `messages/metadata` for ids not seen yet.
    pending_metadata: HashMap<String, ChunkMetadata>,
}

impl MessageAccumulator {
    /// An empty accumulator.
    pub fn new() -> MessageAccumulator {
        MessageAccumulator::default()
    }

    /// Folds a stream event in, and says what changed: nothing for events that are not about
    /// messages, one [`MessageDelta`] per message otherwise (a `messages/partial` or
    /// `messages/complete` event may carry several). Handles [`StreamPart::Message`]
    /// (`messages-tuple` mode), [`StreamPart::MessagesPartial`],
    /// [`StreamPart::MessagesComplete`] and [`StreamPart::MessagesMetadata`] (`messages`
    /// mode); [`StreamPart::End`] calls [`finish`](Self::finish).
    pub fn push<S>(&mut self, event: &StreamEvent<S>) -> Vec<MessageDelta> {
        let namespace = &event.namespace;
        match &event.part {
            StreamPart::Message { chunk, metadata } => {
                vec![self.push_chunk(namespace, chunk, metadata)]
            }
            StreamPart::MessagesPartial(list) => list
                .iter()
                .map(|m| self.replace(namespace, m, None, false))
                .collect(),
            StreamPart::MessagesComplete(list) => list
                .iter()
                .map(|m| self.replace(namespace, m, None, true))
                .collect(),
            StreamPart::MessagesMetadata(by_id) => {
                for (id, value) in by_id {
                    // `{"<id>": {"metadata": {...}}}`.
                    let metadata = match value.get("metadata").unwrap_or(value) {
                        Value::Object(m) => ChunkMetadata::from(m.clone()),
                        _ => continue,
                    };
                    match self.position(namespace, Some(id)) {
                        Some(i) => self.messages[i].metadata = metadata,
                        None => {
                            self.pending_metadata.insert(id.clone(), metadata);
                        }
                    }
                }
                Vec::new()
            }
            StreamPart::End => {
                self.finish();
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Folds one `messages-tuple` chunk in: the parts of a [`StreamPart::Message`] and the
    /// [`namespace`](StreamEvent::namespace) of its event, for callers that destructure the
    /// events themselves. A message that is not a chunk (its type does not end in `Chunk`:
    /// a tool or human message) is stored as it is, complete.
    pub fn push_chunk(
        &mut self,
        namespace: &[String],
        chunk: &Message,
        metadata: &ChunkMetadata,
    ) -> MessageDelta {
        if !chunk.kind.ends_with("Chunk") {
            return self.replace(namespace, chunk, Some(metadata), true);
        }
        let kind = normalize_kind(&chunk.kind);
        let (index, new) = match self.position(namespace, chunk.id.as_deref()) {
            Some(i) if chunk.id.is_some() || self.messages[i].kind == kind => (i, false),
            _ => (self.insert(namespace, chunk.id.as_deref(), kind), true),
        };
        let message = &mut self.messages[index];
        if is_empty(&message.metadata) {
            // Kept once per message, not per chunk (and not read: see `ChunkMetadata`).
            message.metadata = metadata.clone();
        }
        let added = message.fold(chunk);
        let text = chunk.text();
        MessageDelta {
            index,
            id: message.id.clone(),
            kind: message.kind.clone(),
            text,
            replaced: false,
            tool_call_chunks: added,
            new,
            complete: message.complete,
        }
    }

    /// Marks every message complete: nothing more will come (the stream ended).
    /// [`collect`](Self::collect) and the `end` event call it.
    pub fn finish(&mut self) {
        for message in &mut self.messages {
            message.complete = true;
        }
        self.anonymous.clear();
    }

    /// The messages so far, in the order they were first seen.
    pub fn messages(&self) -> &[AccumulatedMessage] {
        &self.messages
    }

    /// The first message seen with this id, in any namespace (ids are normally unique; see
    /// [`get_in`](Self::get_in) to pick the namespace).
    pub fn get(&self, id: &str) -> Option<&AccumulatedMessage> {
        self.messages.iter().find(|m| m.id.as_deref() == Some(id))
    }

    /// The message with this id in this namespace (`&[]` for the graph itself).
    pub fn get_in(&self, namespace: &[String], id: &str) -> Option<&AccumulatedMessage> {
        let i = *self.by_id.get(namespace)?.get(id)?;
        self.messages.get(i)
    }

    /// The messages, in the order they were first seen.
    pub fn into_messages(self) -> Vec<AccumulatedMessage> {
        self.messages
    }

    /// Reads a whole stream and returns its messages, all
    /// [`complete`](AccumulatedMessage::complete): the one-line form, when you do not need the
    /// tokens as they come. Stops at the first error (a failed run, a lost connection) and returns it;
    /// loop over the stream with [`push`](Self::push) yourself to keep what came before.
    ///
    /// ```no_run
    /// # async fn demo(client: langgraph_sdk::Client, thread_id: uuid::Uuid) -> langgraph_sdk::Result<()> {
    /// use langgraph_sdk::{messages::MessageAccumulator, runs::StreamMode};
    /// use serde_json::json;
    ///
    /// let stream = client
    ///     .runs()
    ///     .stream(thread_id, "agent")
    ///     .input(json!({"messages": [{"role": "user", "content": "hi"}]}))
    ///     .stream_mode([StreamMode::MessagesTuple])
    ///     .await?;
    /// let messages = MessageAccumulator::collect(stream).await?;
    /// let answer = messages.iter().rfind(|m| m.kind == "ai").map(|m| m.text());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn collect<S>(
        stream: impl Stream<Item = Result<StreamEvent<S>>>,
    ) -> Result<Vec<AccumulatedMessage>> {
        let mut stream = pin!(stream);
        let mut acc = MessageAccumulator::new();
        while let Some(event) = stream.next().await {
            acc.push(&event?);
        }
        acc.finish();
        Ok(acc.into_messages())
    }

    /// [`collect`](Self::collect) for events that come as an [`Iterator`]: a stream of the
    /// blocking client (the `blocking` feature), or events kept in a `Vec`.
    ///
    /// ```no_run
    /// # #[cfg(feature = "blocking")]
    /// # fn demo(client: langgraph_sdk::blocking::Client, thread_id: uuid::Uuid) -> langgraph_sdk::Result<()> {
    /// use langgraph_sdk::{messages::MessageAccumulator, runs::StreamMode};
    /// use serde_json::json;
    ///
    /// let stream = client
    ///     .runs()
    ///     .stream(thread_id, "agent")
    ///     .input(json!({"messages": [{"role": "user", "content": "hi"}]}))
    ///     .stream_mode([StreamMode::MessagesTuple])
    ///     .send()?;
    /// let messages = MessageAccumulator::collect_iter(stream)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn collect_iter<S>(
        events: impl IntoIterator<Item = Result<StreamEvent<S>>>,
    ) -> Result<Vec<AccumulatedMessage>> {
        let mut acc = MessageAccumulator::new();
        for event in events {
            acc.push(&event?);
        }
        acc.finish();
        Ok(acc.into_messages())
    }

    /// Where the message `id` of `namespace` is; for `None`, the open message without an id.
    fn position(&self, namespace: &[String], id: Option<&str>) -> Option<usize> {
        match id {
            Some(id) => self.by_id.get(namespace)?.get(id).copied(),
            None => self
                .anonymous
                .get(namespace)
                .copied()
                .filter(|&i| !self.messages[i].complete),
        }
    }

    /// Adds an empty message and returns its position.
    fn insert(&mut self, namespace: &[String], id: Option<&str>, kind: String) -> usize {
        let index = self.messages.len();
        let metadata = id
            .and_then(|id| self.pending_metadata.remove(id))
            .unwrap_or_default();
        self.messages.push(AccumulatedMessage {
            id: id.map(str::to_string),
            namespace: namespace.to_vec(),
            kind,
            content: Value::String(String::new()),
            metadata,
            ..AccumulatedMessage::default()
        });
        match id {
            Some(id) => {
                self.by_id
                    .entry(namespace.to_vec())
                    .or_default()
                    .insert(id.to_string(), index);
            }
            None => {
                self.anonymous.insert(namespace.to_vec(), index);
            }
        }
        index
    }

    /// Stores a message that arrived whole (or as it is so far, for `messages/partial`) in
    /// place of what was there.
    fn replace(
        &mut self,
        namespace: &[String],
        message: &Message,
        metadata: Option<&ChunkMetadata>,
        complete: bool,
    ) -> MessageDelta {
        let kind = normalize_kind(&message.kind);
        // A whole message without an id is always a new one.
        let (index, new) = match message
            .id
            .as_deref()
            .and_then(|id| self.position(namespace, Some(id)))
        {
            Some(i) => (i, false),
            None => (self.insert(namespace, message.id.as_deref(), kind), true),
        };
        if message.id.is_none() {
            // Chunks without an id do not continue a whole message.
            self.anonymous.remove(namespace);
        }
        let stored = &mut self.messages[index];
        let old_text = stored.text();
        let mut replacement = AccumulatedMessage::whole(message);
        replacement.namespace = std::mem::take(&mut stored.namespace);
        replacement.metadata = match metadata {
            Some(m) if !is_empty(m) && is_empty(&stored.metadata) => m.clone(),
            _ => std::mem::take(&mut stored.metadata),
        };
        replacement.complete = complete || stored.complete;
        *stored = replacement;
        let new_text = stored.text();
        let (text, replaced) = match new_text.strip_prefix(old_text.as_str()) {
            Some(suffix) => (suffix.to_string(), false),
            None => (new_text, true),
        };
        MessageDelta {
            index,
            id: stored.id.clone(),
            kind: stored.kind.clone(),
            text,
            replaced,
            tool_call_chunks: Vec::new(),
            new,
            complete: stored.complete,
        }
    }
}

/// What one event changed in one message: returned by [`MessageAccumulator::push`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MessageDelta {
    /// The message's position in [`MessageAccumulator::messages`].
    pub index: usize,
    /// The message id.
    pub id: Option<String>,
    /// The message's kind, as in [`AccumulatedMessage::kind`] (`ai`, `tool`, …).
    pub kind: String,
    /// The text appended to the message (may be empty: a tool-call chunk has no text). When
    /// [`replaced`](Self::replaced), the message's whole new text instead.
    pub text: String,
    /// The message's text was replaced by one that does not extend it (a `messages/partial`
    /// or whole message that rewrote it): redraw the message instead of appending.
    pub replaced: bool,
    /// The tool-call pieces this chunk brought (`args` fragments), before merging.
    pub tool_call_chunks: Vec<ToolCallChunk>,
    /// This is the message's first event.
    pub new: bool,
    /// The message is complete (after this event).
    pub complete: bool,
}

/// A message folded from its chunks (or received whole).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct AccumulatedMessage {
    /// The message id (shared by all its chunks).
    pub id: Option<String>,
    /// The subgraph the message comes from (outermost first); empty for the graph itself.
    pub namespace: Vec<String>,
    /// The message type without LangChain's class suffix: `ai` (for `AIMessageChunk`),
    /// `human`, `tool`, `system`, …
    pub kind: String,
    /// The content: a string, or a list of content blocks.
    pub content: Value,
    /// The tool calls, in the order they were first seen.
    pub tool_calls: Vec<ToolCall>,
    /// The merged tool-call chunks (`args` still text); empty for a message received whole.
    pub tool_call_chunks: Vec<ToolCallChunk>,
    /// Token counts, summed over the chunks; `None` when no chunk had any.
    pub usage: Option<Usage>,
    /// For a tool message: the call it answers.
    pub tool_call_id: Option<String>,
    /// A name (of the tool, for a tool message).
    pub name: Option<String>,
    /// The provider's metadata (model name, finish reason…), merged over the chunks.
    pub response_metadata: Map<String, Value>,
    /// Provider-specific fields, merged over the chunks.
    pub additional_kwargs: Map<String, Value>,
    /// The message's other fields (`status` and `artifact` of a tool message, …), the last
    /// value of each.
    pub extra: Map<String, Value>,
    /// The metadata of the node that produced the message (`langgraph_node`,
    /// `langgraph_step`, `ls_model_name`, …): of its first chunk, or of the
    /// `messages/metadata` event. As the server sent it: reading it is where it is checked.
    pub metadata: ChunkMetadata,
    /// No more chunks will come: the last chunk was seen (`"chunk_position": "last"`), the
    /// message came whole or in a `messages/complete` event, or the stream ended.
    pub complete: bool,
}

impl AccumulatedMessage {
    /// The text of the content: the string, or the `text` of its text blocks.
    pub fn text(&self) -> String {
        crate::stream::part::text_of(&self.content)
    }

    /// The node that produced the message (`metadata.langgraph_node`).
    ///
    /// # Errors
    /// [`Error::Decode`](crate::Error::Decode) if the metadata the server sent is not JSON.
    pub fn node(&self) -> Result<Option<String>> {
        self.metadata.node()
    }

    /// The message as LangChain serializes it (a whole message, not a chunk), e.g. to send
    /// it back as input.
    pub fn to_message(&self) -> Message {
        let (valid, invalid): (Vec<&ToolCall>, Vec<&ToolCall>) =
            self.tool_calls.iter().partition(|c| c.is_valid());
        Message {
            id: self.id.clone(),
            kind: self.kind.clone(),
            content: self.content.clone(),
            tool_calls: valid
                .iter()
                .map(|c| json!({"name": c.name, "args": c.args, "id": c.id, "type": "tool_call"}))
                .collect(),
            tool_call_chunks: Vec::new(),
            usage_metadata: self
                .usage
                .as_ref()
                .and_then(|u| serde_json::to_value(u).ok()),
            invalid_tool_calls: invalid
                .iter()
                .map(|c| {
                    json!({"name": c.name, "args": c.args, "id": c.id, "error": c.error,
                        "type": "invalid_tool_call"})
                })
                .collect(),
            tool_call_id: self.tool_call_id.clone(),
            name: self.name.clone(),
            response_metadata: self.response_metadata.clone(),
            additional_kwargs: self.additional_kwargs.clone(),
            chunk_position: None,
            other: self.extra.clone(),
            ..Message::default()
        }
    }

    /// A message received whole (or as it is so far).
    fn whole(message: &Message) -> AccumulatedMessage {
        let tool_call_chunks: Vec<ToolCallChunk> = message
            .tool_call_chunks
            .iter()
            .filter_map(ToolCallChunk::from_value)
            .collect();
        let mut tool_calls: Vec<ToolCall> = message
            .tool_calls
            .iter()
            .map(ToolCall::from_value)
            .collect();
        tool_calls.extend(
            message
                .invalid_tool_calls
                .iter()
                .map(ToolCall::from_invalid),
        );
        if tool_calls.is_empty() {
            tool_calls = tool_call_chunks.iter().map(ToolCallChunk::parse).collect();
        }
        AccumulatedMessage {
            id: message.id.clone(),
            namespace: Vec::new(),
            kind: normalize_kind(&message.kind),
            content: match &message.content {
                Value::Null => Value::String(String::new()),
                c => c.clone(),
            },
            tool_calls,
            tool_call_chunks,
            usage: message.usage_metadata.as_ref().and_then(Usage::from_value),
            tool_call_id: message.tool_call_id.clone(),
            name: message.name.clone(),
            response_metadata: message.response_metadata.clone(),
            additional_kwargs: message.additional_kwargs.clone(),
            extra: message
                .other
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            metadata: ChunkMetadata::default(),
            complete: false,
        }
    }

    /// Adds a chunk; returns the tool-call pieces it brought.
    fn fold(&mut self, chunk: &Message) -> Vec<ToolCallChunk> {
        merge_content(&mut self.content, &chunk.content);
        merge_dicts(&mut self.additional_kwargs, &chunk.additional_kwargs);
        merge_dicts(&mut self.response_metadata, &chunk.response_metadata);

        // Tool calls: from the chunks; a chunk with none but whole `tool_calls` (or
        // `invalid_tool_calls`) brings those as unindexed chunks (LangChain does the same).
        let mut added: Vec<ToolCallChunk> = chunk
            .tool_call_chunks
            .iter()
            .filter_map(ToolCallChunk::from_value)
            .collect();
        if added.is_empty() {
            added = chunk
                .tool_calls
                .iter()
                .map(|c| ToolCallChunk::from_call(&ToolCall::from_value(c)))
                .collect();
            added.extend(
                chunk
                    .invalid_tool_calls
                    .iter()
                    .map(|c| ToolCallChunk::from_call(&ToolCall::from_invalid(c))),
            );
        }
        if !added.is_empty() {
            for piece in &added {
                merge_tool_call_chunk(&mut self.tool_call_chunks, piece);
            }
            self.tool_calls = self
                .tool_call_chunks
                .iter()
                .map(ToolCallChunk::parse)
                .collect();
        }

        if let Some(usage) = chunk.usage_metadata.as_ref().and_then(Usage::from_value) {
            match &mut self.usage {
                Some(total) => *total += &usage,
                None => self.usage = Some(usage),
            }
        }
        if self.name.is_none() {
            self.name.clone_from(&chunk.name);
        }
        if self.tool_call_id.is_none() {
            self.tool_call_id.clone_from(&chunk.tool_call_id);
        }
        for (key, value) in &chunk.other {
            if !value.is_null() {
                self.extra.insert(key.clone(), value.clone());
            }
        }
        if chunk.is_last_chunk() {
            self.complete = true;
        }
        added
    }
}

/// A tool call the model made.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ToolCall {
    /// The tool.
    pub name: String,
    /// The arguments: a JSON object; when [`error`](Self::error) is set, the raw text that did
    /// not parse (a JSON string).
    pub args: Value,
    /// The call's id (a tool message answers it with this `tool_call_id`).
    pub id: Option<String>,
    /// Why the arguments are not a JSON object (invalid JSON, or another JSON value); `None`
    /// for a valid call. While the message is still streaming this only means the arguments
    /// are not complete yet.
    pub error: Option<String>,
}

impl ToolCall {
    /// The arguments parsed as a JSON object.
    pub fn is_valid(&self) -> bool {
        self.error.is_none()
    }

    /// A tool call from a content block (`output_version` v1): `tool_call` (arguments an
    /// object), `tool_call_chunk` (argument text, parsed) or `invalid_tool_call`.
    pub(crate) fn from_block(block: &Value) -> ToolCall {
        match (block.get("type").and_then(Value::as_str), block.get("args")) {
            (Some("invalid_tool_call"), _) => ToolCall::from_invalid(block),
            (_, Some(Value::String(_))) => ToolCallChunk::from_value(block)
                .map(|chunk| chunk.parse())
                .unwrap_or_default(),
            _ => ToolCall::from_value(block),
        }
    }

    /// Parses a LangChain `{"name", "args", "id"}` call.
    fn from_value(value: &Value) -> ToolCall {
        ToolCall {
            name: str_field(value, "name").unwrap_or_default(),
            args: value.get("args").cloned().unwrap_or_else(|| json!({})),
            id: str_field(value, "id"),
            error: None,
        }
    }

    /// Parses a LangChain invalid call (`{"name", "args", "id", "error"}`, `args` text).
    fn from_invalid(value: &Value) -> ToolCall {
        ToolCall {
            name: str_field(value, "name").unwrap_or_default(),
            args: value.get("args").cloned().unwrap_or(Value::Null),
            id: str_field(value, "id"),
            error: Some(
                str_field(value, "error")
                    .unwrap_or_else(|| "the model sent an invalid tool call".into()),
            ),
        }
    }
}

/// A piece of a tool call as a model streams it, or several merged.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ToolCallChunk {
    /// The tool (usually only on the first piece).
    pub name: Option<String>,
    /// A fragment of the arguments' JSON text (merged: the text so far).
    pub args: String,
    /// The call's id (usually only on the first piece).
    pub id: Option<String>,
    /// Which call of the message this piece belongs to; pieces without one are whole calls.
    pub index: Option<i64>,
    /// A string index (`lc_…`, used by some providers' translators), instead of `index`.
    #[serde(skip)]
    string_index: Option<String>,
}

impl ToolCallChunk {
    fn from_value(value: &Value) -> Option<ToolCallChunk> {
        let object = value.as_object()?;
        let (index, string_index) = match object.get("index") {
            Some(Value::Number(n)) => (n.as_i64(), None),
            Some(Value::String(s)) if s.starts_with("lc_") => (None, Some(s.clone())),
            _ => (None, None),
        };
        Some(ToolCallChunk {
            name: str_field(value, "name"),
            args: match object.get("args") {
                Some(Value::String(s)) => s.clone(),
                None | Some(Value::Null) => String::new(),
                Some(other) => other.to_string(),
            },
            id: str_field(value, "id"),
            index,
            string_index,
        })
    }

    /// A whole call as an unindexed chunk.
    fn from_call(call: &ToolCall) -> ToolCallChunk {
        ToolCallChunk {
            name: Some(call.name.clone()),
            args: match &call.args {
                Value::String(s) if call.error.is_some() => s.clone(),
                Value::Null => String::new(),
                args => args.to_string(),
            },
            id: call.id.clone(),
            index: None,
            string_index: None,
        }
    }

    /// Whether `other` continues this piece (LangChain's `merge_lists`: same index, and ids
    /// that do not disagree).
    fn continues(&self, other: &ToolCallChunk) -> bool {
        let same_index = match (&other.index, &other.string_index) {
            (Some(i), _) => self.index == Some(*i),
            (None, Some(s)) => self.string_index.as_deref() == Some(s.as_str()),
            (None, None) => false,
        };
        let ids_agree = match (self.id.as_deref(), other.id.as_deref()) {
            (None | Some(""), _) | (_, None | Some("")) => true,
            (Some(a), Some(b)) => a == b,
        };
        same_index && ids_agree
    }

    /// The call, with its arguments parsed.
    fn parse(&self) -> ToolCall {
        let (args, error) = if self.args.trim().is_empty() {
            (json!({}), None)
        } else {
            match serde_json::from_str::<Value>(&self.args) {
                Ok(args @ Value::Object(_)) => (args, None),
                Ok(_) => (
                    Value::String(self.args.clone()),
                    Some("the arguments are not a JSON object".to_string()),
                ),
                Err(e) => (
                    Value::String(self.args.clone()),
                    Some(format!("the arguments are not valid JSON: {e}")),
                ),
            }
        };
        ToolCall {
            name: self.name.clone().unwrap_or_default(),
            args,
            id: self.id.clone(),
            error,
        }
    }
}

fn merge_tool_call_chunk(merged: &mut Vec<ToolCallChunk>, piece: &ToolCallChunk) {
    match merged.iter_mut().find(|m| m.continues(piece)) {
        Some(m) => {
            m.args.push_str(&piece.args);
            if m.name.as_deref().is_none_or(str::is_empty) && piece.name.is_some() {
                m.name.clone_from(&piece.name);
            }
            if m.id.as_deref().is_none_or(str::is_empty) && piece.id.is_some() {
                m.id.clone_from(&piece.id);
            }
        }
        None => merged.push(piece.clone()),
    }
}

/// Whether no metadata was kept yet (none came, or only an empty object).
fn is_empty(metadata: &ChunkMetadata) -> bool {
    let json = metadata.as_json().trim();
    json.strip_prefix('{')
        .and_then(|json| json.strip_suffix('}'))
        .is_some_and(|inside| inside.trim().is_empty())
}

/// Token counts (`usage_metadata`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Usage {
    /// Prompt tokens.
    #[serde(default)]
    pub input_tokens: u64,
    /// Generated tokens.
    #[serde(default)]
    pub output_tokens: u64,
    /// Both.
    #[serde(default)]
    pub total_tokens: u64,
    /// The other fields: `input_token_details` (`cache_read`, `audio`, …),
    /// `output_token_details` (`reasoning`, …).
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

impl Usage {
    fn from_value(value: &Value) -> Option<Usage> {
        serde_json::from_value(value.clone()).ok()
    }
}

/// Sums field by field, the numbers of the detail maps too (LangChain's `add_usage`).
impl AddAssign<&Usage> for Usage {
    fn add_assign(&mut self, other: &Usage) {
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
        self.total_tokens += other.total_tokens;
        for (key, value) in &other.details {
            match self.details.get_mut(key) {
                Some(mine) => add_numbers(mine, value),
                None => {
                    self.details.insert(key.clone(), value.clone());
                }
            }
        }
    }
}

/// Adds the numbers of `right` to those of `left`, recursively in maps; other values: the
/// right one wins.
fn add_numbers(left: &mut Value, right: &Value) {
    match (&mut *left, right) {
        (Value::Number(a), Value::Number(b)) => {
            if let Some(sum) = add_json_numbers(a, b) {
                *left = Value::Number(sum);
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in b {
                match a.get_mut(key) {
                    Some(mine) => add_numbers(mine, value),
                    None => {
                        a.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (_, Value::Null) => {}
        _ => *left = right.clone(),
    }
}

fn add_json_numbers(a: &serde_json::Number, b: &serde_json::Number) -> Option<serde_json::Number> {
    if let (Some(a), Some(b)) = (a.as_u64(), b.as_u64()) {
        return Some(a.saturating_add(b).into());
    }
    if let (Some(a), Some(b)) = (a.as_i64(), b.as_i64()) {
        return Some(a.saturating_add(b).into());
    }
    serde_json::Number::from_f64(a.as_f64()? + b.as_f64()?)
}

/// `AIMessageChunk` → `ai`, `ToolMessageChunk` → `tool`; `ai`, `tool`… as they are.
fn normalize_kind(kind: &str) -> String {
    let stripped = kind
        .strip_suffix("MessageChunk")
        .or_else(|| kind.strip_suffix("Message"))
        .filter(|s| !s.is_empty())
        .unwrap_or(kind);
    stripped.to_ascii_lowercase()
}

fn str_field(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}

/// LangChain's `merge_content`.
fn merge_content(merged: &mut Value, content: &Value) {
    match (&mut *merged, content) {
        (_, Value::Null) => {}
        (Value::Null, _) => *merged = content.clone(),
        (Value::String(left), Value::String(right)) => left.push_str(right),
        (Value::String(left), Value::Array(right)) => {
            let mut list = Vec::with_capacity(right.len() + 1);
            if !left.is_empty() {
                list.push(Value::String(std::mem::take(left)));
            }
            list.extend(right.iter().cloned());
            *merged = Value::Array(list);
        }
        (Value::Array(left), Value::Array(right)) => merge_lists(left, right),
        (Value::Array(left), Value::String(right)) => match left.last_mut() {
            Some(Value::String(last)) => last.push_str(right),
            _ if right.is_empty() => {}
            _ => left.push(Value::String(right.clone())),
        },
        // Content of another type (not produced by LangChain): the last wins.
        _ => *merged = content.clone(),
    }
}

/// The `index` of a list element that LangChain merges by index (an integer, or a string
/// starting with `lc_`).
fn merge_index(value: &Value) -> Option<&Value> {
    let index = value.as_object()?.get("index")?;
    match index {
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(index),
        Value::String(s) if s.starts_with("lc_") => Some(index),
        _ => None,
    }
}

/// LangChain's `merge_lists`: elements with the same `index` (and ids that do not disagree)
/// are merged with [`merge_dicts`]; the others appended.
fn merge_lists(left: &mut Vec<Value>, right: &[Value]) {
    for element in right {
        let target = merge_index(element).and_then(|index| {
            let id = element.get("id");
            left.iter().position(|l| {
                l.get("index") == Some(index) && {
                    let left_id = l.get("id");
                    is_blank(left_id) || is_blank(id) || left_id == id
                }
            })
        });
        match (target, element) {
            (Some(i), Value::Object(right)) => {
                if let Value::Object(into) = &mut left[i] {
                    let mut right = right.clone();
                    right.remove("type");
                    merge_dicts(into, &right);
                }
            }
            _ => left.push(element.clone()),
        }
    }
}

fn is_blank(value: Option<&Value>) -> bool {
    matches!(value, None | Some(Value::Null)) || value.and_then(Value::as_str) == Some("")
}

/// LangChain's `merge_dicts`, except that where it raises (values of different types, two
/// different booleans or floats) the right value wins.
fn merge_dicts(left: &mut Map<String, Value>, right: &Map<String, Value>) {
    for (key, value) in right {
        let Some(mine) = left.get_mut(key) else {
            left.insert(key.clone(), value.clone());
            continue;
        };
        match (&mut *mine, value) {
            (_, Value::Null) => {}
            (Value::Null, _) => *mine = value.clone(),
            (Value::String(a), Value::String(b)) => {
                let keep = (key == "index" && a.starts_with("lc_"))
                    || (matches!(key.as_str(), "id" | "output_version" | "model_provider")
                        && a == b);
                if !keep {
                    a.push_str(b);
                }
            }
            (Value::Object(a), Value::Object(b)) => merge_dicts(a, b),
            (Value::Array(a), Value::Array(b)) => merge_lists(a, b),
            (a, b) if a == b => {}
            (Value::Number(a), Value::Number(b))
                if !matches!(key.as_str(), "index" | "created" | "timestamp")
                    && (a.is_i64() || a.is_u64())
                    && (b.is_i64() || b.is_u64()) =>
            {
                if let Some(sum) = add_json_numbers(a, b) {
                    *mine = Value::Number(sum);
                }
            }
            _ => *mine = value.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(value: Value) -> Message {
        serde_json::from_value(value).unwrap()
    }

    fn event(part: StreamPart, namespace: &[&str]) -> StreamEvent {
        StreamEvent {
            part,
            namespace: namespace.iter().map(|s| s.to_string()).collect(),
            id: None,
        }
    }

    /// A `messages-tuple` event.
    fn tuple(chunk: Value, namespace: &[&str]) -> StreamEvent {
        event(
            StreamPart::Message {
                chunk: Box::new(message(chunk)),
                metadata: serde_json::from_value(json!({"langgraph_node": "model"})).unwrap(),
            },
            namespace,
        )
    }

    fn ai(id: &str, content: Value) -> Value {
        json!({"type": "AIMessageChunk", "id": id, "content": content, "tool_call_chunks": [],
            "chunk_position": null})
    }

    #[test]
    fn text_chunks_are_concatenated() {
        let mut acc = MessageAccumulator::new();
        let mut printed = String::new();
        let tokens = ["The", " ", "quick", " ", "fox."];
        for (i, token) in tokens.iter().enumerate() {
            let mut chunk = ai("m1", json!(token));
            if i == tokens.len() - 1 {
                chunk["chunk_position"] = json!("last");
            }
            let deltas = acc.push(&tuple(chunk, &[]));
            assert_eq!(deltas.len(), 1);
            let d = &deltas[0];
            assert_eq!(
                (d.index, d.id.as_deref(), d.kind.as_str()),
                (0, Some("m1"), "ai")
            );
            assert_eq!(d.new, i == 0);
            assert_eq!(d.complete, i == tokens.len() - 1);
            assert!(!d.replaced);
            printed.push_str(&d.text);
        }
        assert_eq!(printed, "The quick fox.");
        let messages = acc.messages();
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].text(), "The quick fox.");
        assert_eq!(messages[0].content, json!("The quick fox."));
        assert_eq!(messages[0].node().unwrap().as_deref(), Some("model"));
        assert!(messages[0].complete);
        assert!(messages[0].tool_calls.is_empty());
        assert_eq!(messages[0].usage, None);
    }

    #[test]
    fn other_events_are_ignored() {
        let mut acc = MessageAccumulator::new();
        assert!(
            acc.push(&event(StreamPart::Custom(json!({"x": 1})), &[]))
                .is_empty()
        );
        assert!(
            acc.push(&event(
                StreamPart::Updates {
                    updates: Map::new(),
                    interrupts: Vec::new(),
                },
                &[],
            ))
            .is_empty()
        );
        assert!(acc.messages().is_empty());
    }

    #[test]
    fn tool_call_chunks_split_mid_json() {
        let mut acc = MessageAccumulator::new();
        // As the `tools` test graph sends it: each chunk's own `tool_calls` is a partial parse.
        let first = json!({"type": "AIMessageChunk", "id": "m1", "content": "",
            "tool_calls": [{"name": "get_weather", "args": {}, "id": "call_1", "type": "tool_call"}],
            "invalid_tool_calls": [],
            "tool_call_chunks": [{"name": "get_weather", "args": "{\"city\":", "id": "call_1",
                "index": 0, "type": "tool_call_chunk"}]});
        let d = acc.push(&tuple(first, &[])).remove(0);
        assert_eq!(d.text, "");
        assert_eq!(d.tool_call_chunks[0].args, "{\"city\":");
        let call = &acc.messages()[0].tool_calls[0];
        assert_eq!(call.name, "get_weather");
        assert!(!call.is_valid(), "incomplete JSON so far");
        assert_eq!(call.args, json!("{\"city\":"));

        let second = json!({"type": "AIMessageChunk", "id": "m1", "content": "",
            "tool_calls": [],
            "invalid_tool_calls": [{"name": null, "args": " \"Par", "id": null, "error": null}],
            "tool_call_chunks": [{"name": null, "args": " \"Par", "id": null, "index": 0}]});
        acc.push(&tuple(second, &[]));
        let third = json!({"type": "AIMessageChunk", "id": "m1", "content": "",
            "tool_call_chunks": [{"name": null, "args": "is\"}", "id": null, "index": 0}],
            "chunk_position": "last"});
        assert!(acc.push(&tuple(third, &[]))[0].complete);

        let m = acc.get("m1").unwrap();
        assert_eq!(m.tool_calls.len(), 1);
        let call = &m.tool_calls[0];
        assert_eq!(call.name, "get_weather");
        assert_eq!(call.id.as_deref(), Some("call_1"));
        assert_eq!(call.args, json!({"city": "Paris"}));
        assert!(call.is_valid());
        assert_eq!(m.tool_call_chunks[0].args, "{\"city\": \"Paris\"}");
        assert!(m.complete);
        assert!(!m.extra.contains_key("invalid_tool_calls"));
    }

    #[test]
    fn bad_arguments_are_kept_raw() {
        let mut acc = MessageAccumulator::new();
        let chunk = json!({"type": "AIMessageChunk", "id": "m1", "content": "",
            "tool_call_chunks": [
                {"name": "a", "args": "{\"x\": tru", "id": "c1", "index": 0},
                {"name": "b", "args": "[1, 2]", "id": "c2", "index": 1},
                {"name": "c", "args": "", "id": "c3", "index": 2}],
            "chunk_position": "last"});
        acc.push(&tuple(chunk, &[]));
        let calls = &acc.messages()[0].tool_calls;
        assert_eq!(calls[0].args, json!("{\"x\": tru"));
        assert!(
            calls[0]
                .error
                .as_deref()
                .unwrap()
                .contains("not valid JSON")
        );
        assert_eq!(calls[1].args, json!("[1, 2]"));
        assert!(
            calls[1]
                .error
                .as_deref()
                .unwrap()
                .contains("not a JSON object")
        );
        assert_eq!(
            calls[2].args,
            json!({}),
            "empty arguments are an empty object"
        );
        assert!(calls[2].is_valid());
        let message = acc.messages()[0].to_message();
        assert_eq!(message.tool_calls.len(), 1);
        assert_eq!(message.invalid_tool_calls.len(), 2);
    }

    #[test]
    fn interleaved_and_out_of_order_indexes() {
        let mut acc = MessageAccumulator::new();
        let pieces = [
            json!({"name": "second", "args": "{\"b\":", "id": "c2", "index": 1}),
            json!({"name": "first", "args": "{\"a\"", "id": "c1", "index": 0}),
            json!({"name": null, "args": " 2}", "id": null, "index": 1}),
            json!({"name": null, "args": ": 1}", "id": null, "index": 0}),
        ];
        for piece in pieces {
            let chunk = json!({"type": "AIMessageChunk", "id": "m1", "content": "",
                "tool_call_chunks": [piece]});
            acc.push(&tuple(chunk, &[]));
        }
        let calls = &acc.messages()[0].tool_calls;
        // In the order first seen, as LangChain merges them.
        assert_eq!(calls.len(), 2);
        assert_eq!(
            (
                calls[0].name.as_str(),
                calls[0].id.as_deref(),
                &calls[0].args
            ),
            ("second", Some("c2"), &json!({"b": 2}))
        );
        assert_eq!(
            (
                calls[1].name.as_str(),
                calls[1].id.as_deref(),
                &calls[1].args
            ),
            ("first", Some("c1"), &json!({"a": 1}))
        );
        assert_eq!(acc.messages()[0].tool_call_chunks[0].index, Some(1));
        // Same index, different ids: two calls.
        let mut acc = MessageAccumulator::new();
        let chunk = json!({"type": "AIMessageChunk", "id": "m1", "content": "",
            "tool_call_chunks": [{"name": "x", "args": "{}", "id": "a", "index": 0},
                {"name": "y", "args": "{}", "id": "b", "index": 0}]});
        acc.push(&tuple(chunk, &[]));
        assert_eq!(acc.messages()[0].tool_calls.len(), 2);
    }

    #[test]
    fn whole_tool_calls_on_a_chunk_are_kept() {
        let mut acc = MessageAccumulator::new();
        let chunk = json!({"type": "AIMessageChunk", "id": "m1", "content": "",
            "tool_calls": [{"name": "f", "args": {"q": 1}, "id": "c1", "type": "tool_call"}]});
        acc.push(&tuple(chunk, &[]));
        let call = &acc.messages()[0].tool_calls[0];
        assert_eq!((call.name.as_str(), &call.args), ("f", &json!({"q": 1})));
    }

    #[test]
    fn usage_is_summed() {
        let mut acc = MessageAccumulator::new();
        let mut a = ai("m1", json!("a"));
        a["usage_metadata"] = json!({"input_tokens": 10, "output_tokens": 1, "total_tokens": 11,
            "input_token_details": {"cache_read": 4}});
        let mut b = ai("m1", json!("b"));
        b["usage_metadata"] = json!(null);
        let mut c = ai("m1", json!("c"));
        c["usage_metadata"] = json!({"input_tokens": 0, "output_tokens": 2, "total_tokens": 2,
            "input_token_details": {"cache_read": 1}, "output_token_details": {"reasoning": 3}});
        for chunk in [a, b, c] {
            acc.push(&tuple(chunk, &[]));
        }
        let usage = acc.messages()[0].usage.clone().unwrap();
        assert_eq!(
            (usage.input_tokens, usage.output_tokens, usage.total_tokens),
            (10, 3, 13)
        );
        assert_eq!(
            usage.details["input_token_details"],
            json!({"cache_read": 5})
        );
        assert_eq!(
            usage.details["output_token_details"],
            json!({"reasoning": 3})
        );
        assert_eq!(acc.messages()[0].text(), "abc");
    }

    #[test]
    fn metadata_maps_are_merged() {
        let mut acc = MessageAccumulator::new();
        let mut a = ai("m1", json!("a"));
        a["response_metadata"] = json!({"model_name": "gpt", "id": "r1", "n": 1, "created": 5});
        a["additional_kwargs"] = json!({"refusal": null});
        let mut b = ai("m1", json!("b"));
        b["response_metadata"] = json!({"finish_reason": "stop", "id": "r1", "n": 2,
            "created": 7, "model_name": null});
        b["additional_kwargs"] = json!({"refusal": "no"});
        acc.push(&tuple(a, &[]));
        acc.push(&tuple(b, &[]));
        let m = &acc.messages()[0];
        assert_eq!(
            Value::Object(m.response_metadata.clone()),
            json!({"model_name": "gpt", "id": "r1", "n": 3, "created": 7, "finish_reason": "stop"})
        );
        assert_eq!(m.additional_kwargs["refusal"], json!("no"));
    }

    #[test]
    fn list_content_is_merged_by_index() {
        let mut acc = MessageAccumulator::new();
        let chunks = [
            json!([{"type": "text", "text": "Hel", "index": 0}]),
            json!([{"type": "reasoning", "reasoning": "hm", "index": 1}]),
            json!([{"type": "text", "text": "lo", "index": 0}]),
            json!([{"type": "text", "text": "!", "index": 2}]),
        ];
        let mut printed = String::new();
        for content in chunks {
            printed += &acc.push(&tuple(ai("m1", content), &[]))[0].text;
        }
        let m = &acc.messages()[0];
        assert_eq!(
            m.content,
            json!([{"type": "text", "text": "Hello", "index": 0},
                {"type": "reasoning", "reasoning": "hm", "index": 1},
                {"type": "text", "text": "!", "index": 2}])
        );
        assert_eq!(m.text(), "Hello!");
        assert_eq!(printed, "Hello!");

        // A string, then blocks: a list starting with the string.
        let mut acc = MessageAccumulator::new();
        acc.push(&tuple(ai("m1", json!("a")), &[]));
        acc.push(&tuple(
            ai("m1", json!([{"type": "text", "text": "b"}])),
            &[],
        ));
        acc.push(&tuple(ai("m1", json!("")), &[]));
        assert_eq!(
            acc.messages()[0].content,
            json!(["a", {"type": "text", "text": "b"}])
        );
        // An empty string first is dropped.
        let mut acc = MessageAccumulator::new();
        acc.push(&tuple(ai("m1", json!("")), &[]));
        acc.push(&tuple(
            ai("m1", json!([{"type": "text", "text": "b"}])),
            &[],
        ));
        assert_eq!(
            acc.messages()[0].content,
            json!([{"type": "text", "text": "b"}])
        );
    }

    #[test]
    fn whole_messages_are_stored_as_they_are() {
        let mut acc = MessageAccumulator::new();
        let tool = json!({"type": "tool", "id": "t1", "content": "It is sunny.",
            "name": "get_weather", "tool_call_id": "call_1", "status": "success",
            "artifact": null, "additional_kwargs": {}, "response_metadata": {}});
        let d = acc.push(&tuple(tool, &[])).remove(0);
        assert_eq!((d.kind.as_str(), d.text.as_str()), ("tool", "It is sunny."));
        assert!(d.new && d.complete);
        let m = acc.get("t1").unwrap();
        assert_eq!(m.tool_call_id.as_deref(), Some("call_1"));
        assert_eq!(m.name.as_deref(), Some("get_weather"));
        assert_eq!(m.extra["status"], json!("success"));
        assert!(!m.extra.contains_key("artifact"));
        assert_eq!(m.node().unwrap().as_deref(), Some("model"));
        let back = m.to_message();
        assert_eq!(back.kind, "tool");
        assert_eq!(back.text(), "It is sunny.");
        // Without ids: each whole message is its own.
        let human = json!({"type": "human", "content": "hi"});
        acc.push(&tuple(human.clone(), &[]));
        acc.push(&tuple(human, &[]));
        assert_eq!(acc.messages().len(), 3);
    }

    #[test]
    fn chunks_without_ids_continue_the_open_message() {
        let mut acc = MessageAccumulator::new();
        let chunk = |text: &str, last: bool| {
            json!({"type": "AIMessageChunk", "content": text,
                "chunk_position": if last { json!("last") } else { json!(null) }})
        };
        acc.push(&tuple(chunk("a", false), &[]));
        acc.push(&tuple(chunk("b", true), &[]));
        acc.push(&tuple(chunk("c", false), &[]));
        let texts: Vec<String> = acc.messages().iter().map(|m| m.text()).collect();
        assert_eq!(texts, ["ab", "c"]);
        assert!(acc.messages().iter().all(|m| m.id.is_none()));
    }

    #[test]
    fn partial_replaces_and_complete_completes() {
        let mut acc = MessageAccumulator::new();
        let partial = |text: &str| {
            event(
                StreamPart::MessagesPartial(vec![message(
                    json!({"type": "ai", "id": "m1", "content": text}),
                )]),
                &[],
            )
        };
        let mut metadata = Map::new();
        metadata.insert(
            "m1".into(),
            json!({"metadata": {"langgraph_node": "model"}}),
        );
        assert!(
            acc.push(&event(StreamPart::MessagesMetadata(metadata), &[]))
                .is_empty()
        );
        let d = acc.push(&partial("The")).remove(0);
        assert_eq!((d.text.as_str(), d.new, d.replaced), ("The", true, false));
        let d = acc.push(&partial("The quick")).remove(0);
        assert_eq!(
            (d.text.as_str(), d.new, d.replaced),
            (" quick", false, false)
        );
        assert!(!d.complete);
        // A rewrite.
        let d = acc.push(&partial("A quick")).remove(0);
        assert_eq!((d.text.as_str(), d.replaced), ("A quick", true));
        let d = acc
            .push(&event(
                StreamPart::MessagesComplete(vec![message(json!({"type": "ai", "id": "m1",
                    "content": "A quick fox.",
                    "tool_calls": [{"name": "f", "args": {"x": 1}, "id": "c1"}]}))]),
                &[],
            ))
            .remove(0);
        assert_eq!((d.text.as_str(), d.complete), (" fox.", true));
        assert_eq!(acc.messages().len(), 1);
        let m = &acc.messages()[0];
        assert_eq!(m.text(), "A quick fox.");
        assert_eq!(m.node().unwrap().as_deref(), Some("model"));
        assert_eq!(m.tool_calls[0].args, json!({"x": 1}));
        assert!(m.complete);
    }

    #[test]
    fn namespaces_keep_equal_ids_apart() {
        let mut acc = MessageAccumulator::new();
        acc.push(&tuple(ai("m1", json!("root ")), &[]));
        acc.push(&tuple(ai("m1", json!("child ")), &["child:1"]));
        acc.push(&tuple(ai("m1", json!("a")), &[]));
        acc.push(&tuple(ai("m1", json!("b")), &["child:1"]));
        let d = acc
            .push(&tuple(ai("m1", json!("c")), &["child:1"]))
            .remove(0);
        assert_eq!(d.index, 1);
        assert_eq!(acc.messages().len(), 2);
        assert_eq!(acc.get_in(&[], "m1").unwrap().text(), "root a");
        let child = acc.get_in(&["child:1".to_string()], "m1").unwrap();
        assert_eq!(child.text(), "child bc");
        assert_eq!(child.namespace, ["child:1"]);
        assert_eq!(acc.get("m1").unwrap().text(), "root a");
        assert!(acc.get_in(&["other:2".to_string()], "m1").is_none());
    }

    #[test]
    fn end_and_finish_complete_everything() {
        let mut acc = MessageAccumulator::new();
        acc.push(&tuple(ai("m1", json!("a")), &[]));
        assert!(!acc.messages()[0].complete);
        acc.push(&event(StreamPart::End, &[]));
        assert!(acc.messages()[0].complete);
    }

    #[tokio::test]
    async fn collect_folds_a_stream() {
        let events: Vec<Result<StreamEvent>> = vec![
            Ok(tuple(ai("m1", json!("Hello")), &[])),
            Ok(tuple(ai("m1", json!(" world")), &[])),
        ];
        let messages = MessageAccumulator::collect(futures_util::stream::iter(events))
            .await
            .unwrap();
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].text(), "Hello world");
        assert!(messages[0].complete);

        let events: Vec<Result<StreamEvent>> = vec![
            Ok(tuple(ai("m1", json!("Hello")), &[])),
            Err(crate::Error::Run(crate::RunError::new(
                "ValueError",
                "boom",
            ))),
        ];
        let err = MessageAccumulator::collect(futures_util::stream::iter(events))
            .await
            .unwrap_err();
        assert!(matches!(err, crate::Error::Run(_)));
    }

    #[test]
    fn collect_iter_folds_an_iterator_and_stops_at_an_error() {
        let events: Vec<Result<StreamEvent>> = vec![
            Ok(tuple(ai("m1", json!("Hello")), &[])),
            Ok(tuple(ai("m1", json!(" world")), &[])),
        ];
        let messages = MessageAccumulator::collect_iter(events).unwrap();
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].text(), "Hello world");
        assert!(messages[0].complete);

        let events: Vec<Result<StreamEvent>> = vec![
            Ok(tuple(ai("m1", json!("Hello")), &[])),
            Err(crate::Error::Run(crate::RunError::new(
                "ValueError",
                "boom",
            ))),
            Ok(tuple(ai("m2", json!("never read")), &[])),
        ];
        let err = MessageAccumulator::collect_iter(events).unwrap_err();
        assert!(matches!(err, crate::Error::Run(_)));
    }

    #[test]
    fn kinds_are_normalized() {
        assert_eq!(normalize_kind("AIMessageChunk"), "ai");
        assert_eq!(normalize_kind("ToolMessageChunk"), "tool");
        assert_eq!(normalize_kind("HumanMessage"), "human");
        assert_eq!(normalize_kind("ai"), "ai");
        assert_eq!(normalize_kind("Message"), "message");
    }
}
