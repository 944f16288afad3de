//! The typed events of a run stream.
//!
//! The server names each SSE event after its stream mode (`values`, `updates`, `messages`, …),
//! with the subgraph it comes from appended (`updates|parent:<task>|child:<task>`). Each event
//! becomes a [`StreamEvent`]: the [`StreamPart`] with its data decoded, the namespace as a list,
//! and the event id. Code that forwards or logs events without looking into them reads the
//! generic view instead: [`StreamEvent::event`] (the name as sent) and [`StreamEvent::data`]
//! (the data as JSON).

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::{Map, Value};

use crate::{Error, RunError, types::Interrupt};

mod fast_message;

impl<S> StreamEvent<S> {
    /// The stream mode of the event as the server names it (`values`, `updates`, `messages`,
    /// `messages/partial`, `custom`, `metadata`, `end`, …), without the namespace.
    pub fn mode(&self) -> &str {
        match &self.part {
            StreamPart::Metadata(_) => "metadata",
            StreamPart::Values { .. } => "values",
            StreamPart::Updates { .. } => "updates",
            StreamPart::Message { .. } => "messages",
            StreamPart::MessagesPartial(_) => "messages/partial",
            StreamPart::MessagesComplete(_) => "messages/complete",
            StreamPart::MessagesMetadata(_) => "messages/metadata",
            StreamPart::Custom(_) => "custom",
            StreamPart::Events(_) => "events",
            StreamPart::Debug(_) => "debug",
            StreamPart::Tasks(_) => "tasks",
            StreamPart::Checkpoints(_) => "checkpoints",
            StreamPart::Feedback(_) => "feedback",
            StreamPart::End => "end",
            StreamPart::Other { event, .. } => event.split('|').next().unwrap_or_default(),
        }
    }

    /// The SSE event name as the server sent it: the mode, then the namespace
    /// (`updates|parent:<task id>|child:<task id>`).
    ///
    /// ```
    /// # fn demo(event: langgraph_sdk::stream::StreamEvent) -> langgraph_sdk::Result<()> {
    /// // Forward every event as it came, whatever its mode.
    /// println!("event: {}\ndata: {}\n", event.event(), event.data()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn event(&self) -> String {
        let mut name = self.mode().to_string();
        for part in &self.namespace {
            name.push('|');
            name.push_str(part);
        }
        name
    }

    /// The interrupts the event carries: those of a `values` event (the state's
    /// `__interrupt__`) or an `updates` event; empty for every other event.
    pub fn interrupts(&self) -> &[Interrupt] {
        match &self.part {
            StreamPart::Values { interrupts, .. } | StreamPart::Updates { interrupts, .. } => {
                interrupts
            }
            _ => &[],
        }
    }
}

impl<S: Serialize> StreamEvent<S> {
    /// The event's data as JSON, rebuilt from the typed part: the same JSON the server sent
    /// (interrupts back under `__interrupt__`, `null` for `end`), except that a message
    /// field the server left out reads as its empty value (`null`, `[]` or `{}`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when `S` (a type of yours, from `values_as`) does not
    /// serialize; [`Error::Decode`] when a message chunk's metadata, read here for the first
    /// time, is not JSON (see [`ChunkMetadata`]).
    pub fn data(&self) -> Result<Value, Error> {
        fn json<T: Serialize + ?Sized>(value: &T) -> Result<Value, Error> {
            crate::request::to_json("event data", value)
        }
        let with_interrupts =
            |mut value: Value, interrupts: &[Interrupt]| -> Result<Value, Error> {
                if !interrupts.is_empty()
                    && let Value::Object(map) = &mut value
                {
                    map.insert("__interrupt__".into(), json(&interrupts)?);
                }
                Ok(value)
            };
        match &self.part {
            StreamPart::Metadata(metadata) => json(metadata),
            StreamPart::Values { values, interrupts } => with_interrupts(json(values)?, interrupts),
            StreamPart::Updates {
                updates,
                interrupts,
            } => with_interrupts(Value::Object(updates.clone()), interrupts),
            StreamPart::Message { chunk, metadata } => {
                Ok(Value::Array(vec![json(chunk)?, metadata.to_typed()?]))
            }
            StreamPart::MessagesPartial(messages) | StreamPart::MessagesComplete(messages) => {
                json(messages)
            }
            StreamPart::MessagesMetadata(map) | StreamPart::Feedback(map) => {
                Ok(Value::Object(map.clone()))
            }
            StreamPart::Custom(value)
            | StreamPart::Events(value)
            | StreamPart::Debug(value)
            | StreamPart::Tasks(value)
            | StreamPart::Checkpoints(value)
            | StreamPart::Other { data: value, .. } => Ok(value.clone()),
            StreamPart::End => Ok(Value::Null),
        }
    }
}

/// One event of a run stream: the typed [`part`](Self::part), and a generic view of it for
/// code that forwards or logs events ([`event`](Self::event), [`data`](Self::data)).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StreamEvent<S = Value> {
    /// What happened.
    pub part: StreamPart<S>,
    /// The subgraph the event comes from, outermost first (`["parent:<task id>",
    /// "child:<task id>"]`); empty for the graph itself.
    pub namespace: Vec<String>,
    /// The server's event id (resumable streams only). Not unique: events of the same
    /// millisecond share it (see [`RunStream::last_event_id`](crate::stream::RunStream::last_event_id)).
    pub id: Option<String>,
}

/// What a stream event carries, by stream mode.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StreamPart<S = Value> {
    /// The run's ids, first on every stream; on a thread stream also `status: "run_done"` at
    /// the end of each run.
    Metadata(RunMetadata),
    /// `values` mode: the whole state after a step (decoded as `S`), with the interrupts the
    /// step raised.
    Values {
        /// The state.
        values: S,
        /// The pending interrupts (`__interrupt__`), if the graph stopped for input.
        interrupts: Vec<Interrupt>,
    },
    /// `updates` mode: what each node returned, by node, and the interrupts raised.
    ///
    /// When the graph stops for input (`interrupt()`), the server sends an `updates` event with
    /// only `__interrupt__`: it arrives here with empty `updates` and the `interrupts`, so code
    /// that handles updates sees it. Resume with
    /// [`Command::resume`](crate::runs::Command::resume).
    Updates {
        /// What each node returned, by node name.
        updates: Map<String, Value>,
        /// The interrupts raised (`__interrupt__`), if the graph stopped for input.
        interrupts: Vec<Interrupt>,
    },
    /// `messages-tuple` mode: one chunk of a chat model's output, with the metadata of the node
    /// that produced it. Fold chunks into messages with
    /// [`MessageAccumulator`](crate::messages::MessageAccumulator).
    Message {
        /// The chunk (boxed: a message is large next to the other parts).
        chunk: Box<Message>,
        /// The node, step and model that produced it.
        metadata: ChunkMetadata,
    },
    /// `messages` mode: the messages so far, each with its text up to now.
    MessagesPartial(Vec<Message>),
    /// `messages` mode: messages that are complete.
    MessagesComplete(Vec<Message>),
    /// `messages` mode: metadata of the messages being streamed, by message id.
    MessagesMetadata(Map<String, Value>),
    /// `custom` mode: what a node wrote with its stream writer.
    Custom(Value),
    /// `events` mode: a LangChain callback event.
    Events(Value),
    /// `debug` mode: a debug event.
    Debug(Value),
    /// `tasks` mode: a task started or finished.
    Tasks(Value),
    /// `checkpoints` mode: a checkpoint was saved.
    Checkpoints(Value),
    /// LangSmith feedback URLs, for the `feedback_keys` of the run.
    Feedback(Map<String, Value>),
    /// The run finished; nothing follows.
    End,
    /// An event this version does not know, kept as it came.
    Other {
        /// The event name.
        event: String,
        /// Its data: JSON when it parses, else a JSON string.
        data: Value,
    },
}

/// The `metadata` event: which run this is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RunMetadata {
    /// The run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<uuid::Uuid>,
    /// The attempt (a run is retried after a worker failure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u64>,
    /// On a thread stream, `"run_done"` when a run has finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Anything else the server sends.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A chat message or message chunk, as LangChain serializes it.
///
/// It serializes with the fields it was read with (a field the server left out stays out), so
/// that a message passed on is the message received; a message built here has the fields
/// LangChain always writes.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Message {
    /// The message id; every chunk of one message shares it.
    pub id: Option<String>,
    /// `AIMessageChunk`, `ai`, `human`, `tool`, `system`, …
    pub kind: String,
    /// The content: a string, or a list of content blocks.
    pub content: Value,
    /// Complete tool calls (`{"name", "args", "id"}`).
    pub tool_calls: Vec<Value>,
    /// Pieces of tool calls, by `index` (`{"name", "args", "id", "index"}`, `args` a JSON text
    /// fragment).
    pub tool_call_chunks: Vec<Value>,
    /// Tool calls whose arguments did not parse (`{"name", "args", "id", "error"}`).
    pub invalid_tool_calls: Vec<Value>,
    /// Token counts (`input_tokens`, `output_tokens`, `total_tokens`).
    pub usage_metadata: Option<Value>,
    /// For a tool message: the call it answers.
    pub tool_call_id: Option<String>,
    /// A name (of the tool, for a tool message).
    pub name: Option<String>,
    /// The provider's metadata (model name, finish reason, …).
    pub response_metadata: Map<String, Value>,
    /// Provider-specific fields (e.g. a legacy `function_call`).
    pub additional_kwargs: Map<String, Value>,
    /// `"last"` on the last chunk of a message, when the model says so.
    pub chunk_position: Option<String>,
    /// The other fields (`status` and `artifact` of a tool message, …).
    pub other: Map<String, Value>,
    /// The optional fields it was read with.
    pub(crate) sent: Sent,
}

/// Which optional fields of a [`Message`] are written when it is serialized even when empty:
/// those it was read with. Not part of its value: two messages that hold the same are equal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sent(u16);

impl Sent {
    const ID: u16 = 1;
    const TOOL_CALLS: u16 = 1 << 1;
    const TOOL_CALL_CHUNKS: u16 = 1 << 2;
    const INVALID_TOOL_CALLS: u16 = 1 << 3;
    const USAGE_METADATA: u16 = 1 << 4;
    const TOOL_CALL_ID: u16 = 1 << 5;
    const NAME: u16 = 1 << 6;
    const RESPONSE_METADATA: u16 = 1 << 7;
    const ADDITIONAL_KWARGS: u16 = 1 << 8;
    const CHUNK_POSITION: u16 = 1 << 9;
    /// What LangChain writes for every message.
    const LANGCHAIN: Sent = Sent(
        Sent::ID
            | Sent::TOOL_CALLS
            | Sent::TOOL_CALL_CHUNKS
            | Sent::USAGE_METADATA
            | Sent::TOOL_CALL_ID
            | Sent::NAME
            | Sent::RESPONSE_METADATA
            | Sent::ADDITIONAL_KWARGS,
    );

    fn has(self, field: u16) -> bool {
        self.0 & field != 0
    }
}

impl PartialEq for Sent {
    fn eq(&self, _: &Sent) -> bool {
        true
    }
}

impl Default for Message {
    fn default() -> Message {
        Message {
            id: None,
            kind: String::new(),
            content: Value::Null,
            tool_calls: Vec::new(),
            tool_call_chunks: Vec::new(),
            invalid_tool_calls: Vec::new(),
            usage_metadata: None,
            tool_call_id: None,
            name: None,
            response_metadata: Map::new(),
            additional_kwargs: Map::new(),
            chunk_position: None,
            other: Map::new(),
            sent: Sent::LANGCHAIN,
        }
    }
}

impl Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let sent = self.sent;
        let mut map = serializer.serialize_map(None)?;
        if sent.has(Sent::ID) || self.id.is_some() {
            map.serialize_entry("id", &self.id)?;
        }
        map.serialize_entry("type", &self.kind)?;
        map.serialize_entry("content", &self.content)?;
        let lists = [
            ("tool_calls", Sent::TOOL_CALLS, &self.tool_calls),
            (
                "tool_call_chunks",
                Sent::TOOL_CALL_CHUNKS,
                &self.tool_call_chunks,
            ),
            (
                "invalid_tool_calls",
                Sent::INVALID_TOOL_CALLS,
                &self.invalid_tool_calls,
            ),
        ];
        for (key, field, list) in lists {
            if sent.has(field) || !list.is_empty() {
                map.serialize_entry(key, list)?;
            }
        }
        if sent.has(Sent::USAGE_METADATA) || self.usage_metadata.is_some() {
            map.serialize_entry("usage_metadata", &self.usage_metadata)?;
        }
        let texts = [
            ("tool_call_id", Sent::TOOL_CALL_ID, &self.tool_call_id),
            ("name", Sent::NAME, &self.name),
            ("chunk_position", Sent::CHUNK_POSITION, &self.chunk_position),
        ];
        for (key, field, text) in texts {
            if sent.has(field) || text.is_some() {
                map.serialize_entry(key, text)?;
            }
        }
        let maps = [
            (
                "response_metadata",
                Sent::RESPONSE_METADATA,
                &self.response_metadata,
            ),
            (
                "additional_kwargs",
                Sent::ADDITIONAL_KWARGS,
                &self.additional_kwargs,
            ),
        ];
        for (key, field, value) in maps {
            if sent.has(field) || !value.is_empty() {
                map.serialize_entry(key, value)?;
            }
        }
        for (key, value) in &self.other {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// A map key, borrowed from the input when it can be (serde's `Cow<str>` always allocates).
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    fn into_string(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_string(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Key<'de>, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(s))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(s))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

// By hand rather than derived: `#[serde(flatten)]` buffers every field before sorting them
// out, and message chunks are the hot path of a token stream. This reads each field once.
impl<'de> Deserialize<'de> for Message {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Message, D::Error> {
        Ok(*deserializer.deserialize_map(Fields)?)
    }
}

/// A [`Message`] decoded straight into its box: the struct is some 300 bytes, and a token
/// stream would otherwise copy it from frame to frame several times per chunk.
struct Boxed(Box<Message>);

impl<'de> Deserialize<'de> for Boxed {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Boxed, D::Error> {
        deserializer.deserialize_map(Fields).map(Boxed)
    }
}

/// Reads a message object field by field into a boxed [`Message`].
struct Fields;

impl<'de> serde::de::Visitor<'de> for Fields {
    type Value = Box<Message>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a message object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Box<Message>, A::Error> {
        let mut m = Message::unread();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let field = Field::named(key.as_str());
            read_field(&mut m, key, field, &mut FromMap(&mut map))?;
        }
        Ok(m)
    }
}

/// Where the values of a message's fields come from: serde's map access, or the scanner of
/// the fast path ([`fast_message`]). Both read through [`read_field`], so the two cannot
/// disagree on what a key means, which type its value has, or which [`Sent`] bit it sets.
trait FieldValues<'de> {
    type Error;
    /// The value of the key just read, as a `T`.
    fn next<T: Deserialize<'de>>(&mut self) -> Result<T, Self::Error>;
    /// Steps over the value of the key just read if it is `{}` and says so; `false` where that
    /// cannot be looked at first (serde's map access).
    fn empty_object(&mut self) -> bool {
        false
    }
}

/// Serde's map access as [`FieldValues`] (a wrapper: a blanket impl over `MapAccess` would
/// overlap with the fast path's).
struct FromMap<'a, A>(&'a mut A);

impl<'de, A: serde::de::MapAccess<'de>> FieldValues<'de> for FromMap<'_, A> {
    type Error = A::Error;
    fn next<T: Deserialize<'de>>(&mut self) -> Result<T, A::Error> {
        self.0.next_value()
    }
}

impl Message {
    /// A message before its fields are read: every field empty, none of them sent.
    fn unread() -> Box<Message> {
        // Made in its box, not on the stack and then copied into it.
        let mut m = Box::<Message>::default();
        m.sent = Sent(0);
        m
    }
}

/// Declares the fields of a [`Message`] by their names in its JSON, once: [`Field`], the
/// lookup of a key ([`Field::named`]), and the scan that recognises a name in the text itself
/// ([`Field::at_start`], which the fast path uses to skip the search for the closing quote).
/// They are declared in the order LangChain writes them, which `at_start` tries them in.
macro_rules! message_fields {
    ($($name:literal => $field:ident,)*) => {
        /// A field of a [`Message`] that has its own member (any other key goes to `other`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Field {
            $($field,)*
        }

        impl Field {
            /// The field a key names.
            fn named(key: &str) -> Option<Field> {
                match key {
                    $($name => Some(Field::$field),)*
                    _ => None,
                }
            }

            /// The field whose name and closing quote `text` starts with, and the name's
            /// length. Each comparison is with a constant, which the compiler does without a
            /// call.
            fn at_start(text: &[u8]) -> Option<(Field, usize)> {
                let first = *text.first()?;
                $(
                    if first == $name.as_bytes()[0]
                        && text.starts_with(concat!($name, "\"").as_bytes())
                    {
                        return Some((Field::$field, $name.len()));
                    }
                )*
                None
            }
        }
    };
}

message_fields! {
    "content" => Content,
    "additional_kwargs" => AdditionalKwargs,
    "response_metadata" => ResponseMetadata,
    "type" => Type,
    "name" => Name,
    "id" => Id,
    "tool_calls" => ToolCalls,
    "invalid_tool_calls" => InvalidToolCalls,
    "usage_metadata" => UsageMetadata,
    "tool_call_chunks" => ToolCallChunks,
    "chunk_position" => ChunkPosition,
    "tool_call_id" => ToolCallId,
}

/// Reads the value of `key` (the message's `field`, if it is one) into `m`; the last of
/// duplicate keys wins, as in a map.
#[inline]
fn read_field<'de, V: FieldValues<'de>>(
    m: &mut Message,
    key: Key<'de>,
    field: Option<Field>,
    values: &mut V,
) -> Result<(), V::Error> {
    let Some(field) = field else {
        let value: Value = values.next()?;
        m.other.insert(key.into_string(), value);
        return Ok(());
    };
    let sent = match field {
        Field::Id => {
            m.id = values.next()?;
            Sent::ID
        }
        Field::Type => {
            m.kind = values.next::<Option<String>>()?.unwrap_or_default();
            0
        }
        Field::Content => {
            m.content = values.next()?;
            0
        }
        Field::ToolCalls => {
            m.tool_calls = values.next::<Option<Vec<Value>>>()?.unwrap_or_default();
            Sent::TOOL_CALLS
        }
        Field::ToolCallChunks => {
            m.tool_call_chunks = values.next::<Option<Vec<Value>>>()?.unwrap_or_default();
            Sent::TOOL_CALL_CHUNKS
        }
        Field::InvalidToolCalls => {
            m.invalid_tool_calls = values.next::<Option<Vec<Value>>>()?.unwrap_or_default();
            Sent::INVALID_TOOL_CALLS
        }
        Field::UsageMetadata => {
            m.usage_metadata = values.next()?;
            Sent::USAGE_METADATA
        }
        Field::ToolCallId => {
            m.tool_call_id = values.next()?;
            Sent::TOOL_CALL_ID
        }
        Field::Name => {
            m.name = values.next()?;
            Sent::NAME
        }
        Field::ResponseMetadata => {
            read_map(&mut m.response_metadata, values)?;
            Sent::RESPONSE_METADATA
        }
        Field::AdditionalKwargs => {
            read_map(&mut m.additional_kwargs, values)?;
            Sent::ADDITIONAL_KWARGS
        }
        Field::ChunkPosition => {
            m.chunk_position = values.next()?;
            Sent::CHUNK_POSITION
        }
    };
    m.sent.0 |= sent;
    Ok(())
}

/// Reads a map field (`null` as empty). A token chunk sends two empty maps: `{}` over an
/// empty map builds and takes apart nothing, which costs more than reading it.
fn read_map<'de, V: FieldValues<'de>>(
    map: &mut Map<String, Value>,
    values: &mut V,
) -> Result<(), V::Error> {
    if values.empty_object() {
        if !map.is_empty() {
            *map = Map::new();
        }
    } else {
        *map = values.next::<Option<_>>()?.unwrap_or_default();
    }
    Ok(())
}

impl Message {
    /// The text of the content: the string, or the `text` of its text blocks.
    pub fn text(&self) -> String {
        text_of(&self.content)
    }

    /// Whether this is the last chunk of its message (`"chunk_position": "last"`).
    pub fn is_last_chunk(&self) -> bool {
        self.chunk_position.as_deref() == Some("last")
    }
}

/// The metadata of the node that produced a message chunk (`langgraph_node`,
/// `langgraph_step`, `ls_model_name`, the run's ids, …), read when asked for.
///
/// It is kept as the JSON text the server sent, not decoded and not even checked: a token
/// stream carries one per chunk, about a kilobyte with twenty keys on a deployed server, and
/// most consumers read one key or none. So reading is where bad metadata shows: every method
/// that reads it returns [`Error::Decode`] if the text is not JSON (or the key's value not of
/// the type asked for).
///
/// ```
/// # use langgraph_sdk::stream::ChunkMetadata;
/// let metadata: ChunkMetadata =
///     serde_json::from_str(r#"{"langgraph_node": "model", "langgraph_step": 2}"#)?;
/// assert_eq!(metadata.node()?.as_deref(), Some("model"));
/// assert_eq!(metadata.step()?, Some(2));
/// assert_eq!(metadata.get("langgraph_step")?, Some(serde_json::json!(2)));
/// assert_eq!(metadata.get("absent")?, None);
/// assert_eq!(metadata.to_map()?.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct ChunkMetadata {
    json: Box<str>,
    /// The operation whose stream it came from, for errors.
    operation: &'static str,
}

/// The operation named by errors about metadata that did not come from a stream.
const NO_OPERATION: &str = "chunk metadata";

impl ChunkMetadata {
    /// Metadata as the server sent it in the stream of `operation` (not checked here).
    pub(crate) fn unchecked(json: &str, operation: &'static str) -> ChunkMetadata {
        ChunkMetadata {
            json: json.into(),
            operation,
        }
    }

    /// The node that produced the chunk (`langgraph_node`).
    pub fn node(&self) -> Result<Option<String>, Error> {
        self.find("langgraph_node")
    }

    /// The step of the graph (`langgraph_step`).
    pub fn step(&self) -> Result<Option<u64>, Error> {
        self.find("langgraph_step")
    }

    /// The value of `key`, if the metadata has it.
    pub fn get(&self, key: &str) -> Result<Option<Value>, Error> {
        self.find(key)
    }

    /// The value of `key` decoded as `T` (`None` if absent or `null`); the last of duplicate
    /// keys wins, as in a map. The whole text is read, so that bad JSON anywhere is an error.
    fn find<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, Error> {
        struct Find<'k, T>(&'k str, std::marker::PhantomData<T>);
        impl<'de, T: DeserializeOwned> serde::de::DeserializeSeed<'de> for Find<'_, T> {
            type Value = Option<T>;
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
                d.deserialize_map(self)
            }
        }
        impl<'de, T: DeserializeOwned> serde::de::Visitor<'de> for Find<'_, T> {
            type Value = Option<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Option<T>, A::Error> {
                let mut found = None;
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    if key.as_str() == self.0 {
                        found = map.next_value()?;
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                Ok(found)
            }
        }
        let mut de = serde_json::Deserializer::from_str(&self.json);
        serde::de::DeserializeSeed::deserialize(Find(key, std::marker::PhantomData), &mut de)
            .and_then(|found| de.end().map(|()| found))
            .map_err(|e| self.error(&format!("`{key}`"), e))
    }

    /// All of it, as a map.
    pub fn to_map(&self) -> Result<Map<String, Value>, Error> {
        self.to_typed()
    }

    /// All of it, decoded as `T`.
    pub fn to_typed<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_str(&self.json).map_err(|e| self.error("", e))
    }

    /// The JSON text as the server sent it (not checked: see the type's docs).
    pub fn as_json(&self) -> &str {
        &self.json
    }

    fn error(&self, what: &str, e: serde_json::Error) -> Error {
        let what = if what.is_empty() {
            String::new()
        } else {
            format!(" {what}")
        };
        Error::decode_in(
            self.operation,
            format_args!("message chunk metadata{what}"),
            e,
            self.json.as_bytes(),
        )
    }
}

impl Serialize for ChunkMetadata {
    /// The JSON as it was sent; metadata that is not JSON does not serialize (an error).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match serde_json::from_str::<&serde_json::value::RawValue>(&self.json) {
            Ok(raw) => raw.serialize(serializer),
            Err(e) => Err(serde::ser::Error::custom(format!(
                "message chunk metadata is not JSON: {e}"
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for ChunkMetadata {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ChunkMetadata, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        Ok(ChunkMetadata {
            json: raw.into(),
            operation: NO_OPERATION,
        })
    }
}

impl Default for ChunkMetadata {
    fn default() -> ChunkMetadata {
        ChunkMetadata::unchecked("{}", NO_OPERATION)
    }
}

impl From<Map<String, Value>> for ChunkMetadata {
    fn from(map: Map<String, Value>) -> ChunkMetadata {
        ChunkMetadata {
            json: Value::Object(map).to_string().into(),
            operation: NO_OPERATION,
        }
    }
}

impl PartialEq for ChunkMetadata {
    /// The same keys with the same values, in any order and spacing (the same text, when it
    /// is not JSON).
    fn eq(&self, other: &ChunkMetadata) -> bool {
        if self.json == other.json {
            return true;
        }
        match (
            serde_json::from_str::<Value>(&self.json),
            serde_json::from_str::<Value>(&other.json),
        ) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

impl std::fmt::Debug for ChunkMetadata {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ChunkMetadata")
            .field(&self.as_json())
            .finish()
    }
}

/// A `messages` event's data, `[<message>, <metadata>]`: the message decoded, the metadata
/// kept as its text (after the message, up to the closing bracket; not read here).
fn message_tuple(
    operation: &'static str,
    text: &str,
) -> Result<(Box<Message>, ChunkMetadata), serde_json::Error> {
    use serde::de::Error as _;
    let shape = || serde_json::Error::custom("expected `[message, metadata]`");
    let inner = json_trim_start(text).strip_prefix('[').ok_or_else(shape)?;
    let (chunk, end) = match fast_message::read(inner) {
        Some(read) => read,
        // Whatever the fast path leaves, serde reads, with the errors it has always given.
        None => {
            let mut items = serde_json::Deserializer::from_str(inner).into_iter::<Boxed>();
            let Boxed(chunk) = items.next().ok_or_else(shape)??;
            (chunk, items.byte_offset())
        }
    };
    let rest = inner.get(end..).ok_or_else(shape)?;
    let metadata = json_trim_start(rest)
        .strip_prefix(',')
        .and_then(|rest| json_trim_end(rest).strip_suffix(']'))
        .map(|metadata| json_trim_end(json_trim_start(metadata)))
        .filter(|metadata| !metadata.is_empty())
        .ok_or_else(shape)?;
    Ok((chunk, ChunkMetadata::unchecked(metadata, operation)))
}

/// Whether `b` is whitespace to JSON: space, tab, LF, CR, what it allows between values (not
/// Unicode's, which `str::trim` tests for, decoding each character).
fn json_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// `text` without the JSON whitespace it starts with.
fn json_trim_start(text: &str) -> &str {
    let leading = text.bytes().take_while(|&b| json_whitespace(b));
    &text[leading.count()..]
}

/// `text` without the JSON whitespace it ends with.
fn json_trim_end(text: &str) -> &str {
    let trailing = text.bytes().rev().take_while(|&b| json_whitespace(b));
    &text[..text.len() - trailing.count()]
}

/// The text of message content: the string, or the `text` of its text blocks.
pub(crate) fn text_of(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(blocks) => blocks
            .iter()
            .filter_map(|b| match b {
                Value::String(s) => Some(s.as_str()),
                _ if b.get("type").and_then(Value::as_str) == Some("text") => {
                    b.get("text").and_then(Value::as_str)
                }
                _ => None,
            })
            .collect(),
        _ => String::new(),
    }
}

/// The outcome of decoding one SSE event (short-lived, so its size does not matter).
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum Decoded<S> {
    /// A part to deliver.
    Part(StreamEvent<S>),
    /// The run failed (an `error` event): the stream ends with this error.
    Failed(RunError),
}

/// A JSON value on its way into a typed part, with what a decode error should name.
struct Typed<'a> {
    operation: &'static str,
    event: &'a str,
    data: &'a [u8],
    value: Value,
}

impl Typed<'_> {
    fn get<T: DeserializeOwned>(self) -> Result<T, Error> {
        let (operation, event, data) = (self.operation, self.event, self.data);
        serde_json::from_value(self.value)
            .map_err(|e| Error::decode_in(operation, format_args!("`{event}` event"), e, data))
    }
}

/// `data` as JSON text, or as a JSON string when it is not JSON.
fn json_or_text(data: &[u8]) -> Value {
    serde_json::from_slice(data)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(data).into_owned()))
}

/// Splits `updates|parent:1|child:2` into the mode and the namespace.
fn split_name(event: &str) -> (&str, Vec<String>) {
    // A loop over the few bytes of a name: `split_once('|')` costs a searcher per event.
    let Some(bar) = event.bytes().position(|b| b == b'|') else {
        return (event, Vec::new());
    };
    let (name, namespace) = (&event[..bar], &event[bar + 1..]);
    (name, namespace.split('|').map(str::to_string).collect())
}

/// Decodes one SSE event of `operation`'s stream.
pub(crate) fn decode<S: DeserializeOwned>(
    operation: &'static str,
    event: &str,
    data: &[u8],
    id: Option<String>,
) -> Result<Decoded<S>, Error> {
    let (name, namespace) = split_name(event);
    let json = || -> Result<Value, Error> {
        if data.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(data)
            .map_err(|e| Error::decode_in(operation, format_args!("`{event}` event"), e, data))
    };
    let typed = |value: Value| Typed {
        operation,
        event,
        data,
        value,
    };
    // Straight from the text into the target type where no JSON has to be looked at first:
    // this is the hot path of a token stream.
    fn direct<T: DeserializeOwned>(
        operation: &'static str,
        event: &str,
        data: &[u8],
    ) -> Result<T, Error> {
        direct_with(operation, event, data, |text| serde_json::from_str(text))
    }
    fn direct_with<T>(
        operation: &'static str,
        event: &str,
        data: &[u8],
        decode: impl FnOnce(&str) -> serde_json::Result<T>,
    ) -> Result<T, Error> {
        // One UTF-8 check of the whole text is cheaper than one per string (`from_slice`),
        // and with SIMD cheaper than the standard library's.
        let text = match simdutf8::basic::from_utf8(data) {
            Ok("") => "null",
            Ok(text) => text,
            Err(_) => {
                // Where the text goes wrong, from the standard check (the fast one does not say).
                let e = std::str::from_utf8(data).err().map(|e| e.to_string());
                let e = format!("`{event}` event: invalid UTF-8: {}", e.unwrap_or_default());
                return Err(Error::malformed(operation, e, data));
            }
        };
        decode(text)
            .map_err(|e| Error::decode_in(operation, format_args!("`{event}` event"), e, data))
    }
    let part = match name {
        "metadata" => StreamPart::Metadata(direct(operation, event, data)?),
        "values" if memchr::memmem::find(data, b"\"__interrupt__\"").is_none() => {
            StreamPart::Values {
                values: direct(operation, event, data)?,
                interrupts: Vec::new(),
            }
        }
        "values" => {
            let mut value = json()?;
            let interrupts = match value
                .as_object_mut()
                .and_then(|m| m.remove("__interrupt__"))
            {
                Some(list) => typed(list).get()?,
                None => Vec::new(),
            };
            StreamPart::Values {
                values: typed(value).get()?,
                interrupts,
            }
        }
        "updates" => {
            let mut updates: Map<String, Value> = direct(operation, event, data)?;
            let interrupts = match updates.remove("__interrupt__") {
                Some(list) => typed(list).get()?,
                None => Vec::new(),
            };
            StreamPart::Updates {
                updates,
                interrupts,
            }
        }
        "messages" => {
            let (chunk, metadata) = direct_with(operation, event, data, |text| {
                message_tuple(operation, text)
            })?;
            StreamPart::Message { chunk, metadata }
        }
        "messages/partial" => StreamPart::MessagesPartial(direct(operation, event, data)?),
        "messages/complete" => StreamPart::MessagesComplete(direct(operation, event, data)?),
        "messages/metadata" => StreamPart::MessagesMetadata(direct(operation, event, data)?),
        "custom" => StreamPart::Custom(json()?),
        "events" => StreamPart::Events(json()?),
        "debug" => StreamPart::Debug(json()?),
        "tasks" => StreamPart::Tasks(json()?),
        "checkpoints" => StreamPart::Checkpoints(json()?),
        "feedback" => StreamPart::Feedback(direct(operation, event, data)?),
        "end" => StreamPart::End,
        "error" => {
            let value = json_or_text(data);
            let error = serde_json::from_value::<RunError>(value.clone()).unwrap_or_else(|_| {
                RunError::new(
                    "Error",
                    value
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| value.to_string()),
                )
            });
            return Ok(Decoded::Failed(error));
        }
        _ => StreamPart::Other {
            event: event.to_string(),
            data: json_or_text(data),
        },
    };
    Ok(Decoded::Part(StreamEvent {
        part,
        namespace,
        id,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn part(event: &str, data: &str) -> StreamEvent {
        match decode::<Value>("stream_run", event, data.as_bytes(), Some("1-0".into())).unwrap() {
            Decoded::Part(p) => p,
            Decoded::Failed(e) => panic!("failed: {e}"),
        }
    }

    #[test]
    fn namespaces_are_lists() {
        let e = part(
            "updates|parent:1|child:2",
            r#"{"step_one": {"trail": ["a"]}}"#,
        );
        assert_eq!(e.namespace, vec!["parent:1", "child:2"]);
        assert!(
            matches!(e.part, StreamPart::Updates { ref updates, .. } if updates.contains_key("step_one"))
        );
        assert_eq!(e.event(), "updates|parent:1|child:2");
        assert_eq!(e.id.as_deref(), Some("1-0"));
        assert!(part("values", "{}").namespace.is_empty());
    }

    #[test]
    fn interrupts_are_typed() {
        let e = part(
            "updates",
            r#"{"__interrupt__": [{"value": {"question": "ok?"}, "id": "i1"}]}"#,
        );
        assert_eq!(e.interrupts()[0].id.as_deref(), Some("i1"));
        match e.part {
            StreamPart::Updates {
                updates,
                interrupts,
            } => {
                assert!(updates.is_empty(), "{updates:?}");
                assert_eq!(interrupts[0].id.as_deref(), Some("i1"));
                assert_eq!(interrupts[0].value, json!({"question": "ok?"}));
            }
            other => panic!("an interrupt is an update: {other:?}"),
        }
        let e = part(
            "updates",
            r#"{"ask": {"q": 1}, "__interrupt__": [{"value": "ok?", "id": "i3"}]}"#,
        );
        assert!(
            matches!(e.part, StreamPart::Updates { ref updates, ref interrupts } if updates.contains_key("ask") && interrupts.len() == 1)
        );
        let e = part(
            "values",
            r#"{"q": 1, "__interrupt__": [{"value": "ok?", "id": "i2"}]}"#,
        );
        match e.part {
            StreamPart::Values { values, interrupts } => {
                assert_eq!(values, json!({"q": 1}));
                assert_eq!(interrupts[0].value, json!("ok?"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn message_chunks_and_metadata() {
        let e = part(
            "messages",
            r#"[{"content": "The", "type": "AIMessageChunk", "id": "m1", "tool_call_chunks": []}, {"langgraph_node": "model"}]"#,
        );
        match e.part {
            StreamPart::Message { chunk, metadata } => {
                assert_eq!(chunk.text(), "The");
                assert_eq!(chunk.kind, "AIMessageChunk");
                assert_eq!(metadata.node().unwrap().as_deref(), Some("model"));
                assert_eq!(metadata.get("nope").unwrap(), None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_end_the_stream_as_run_errors() {
        let d = decode::<Value>(
            "stream_run",
            "error",
            br#"{"error": "ValueError", "message": "boom"}"#,
            None,
        )
        .unwrap();
        assert!(
            matches!(d, Decoded::Failed(ref e) if e.error == "ValueError" && e.message == "boom")
        );
        let d = decode::<Value>("stream_run", "error", b"plain text", None).unwrap();
        assert!(matches!(d, Decoded::Failed(ref e) if e.message == "plain text"));
    }

    #[test]
    fn unknown_events_are_kept() {
        let e = part("brand_new", r#"{"x": 1}"#);
        assert!(
            matches!(e.part, StreamPart::Other { ref event, ref data } if event == "brand_new" && *data == json!({"x": 1}))
        );
        let e = part("brand_new", "not json");
        assert!(matches!(e.part, StreamPart::Other { ref data, .. } if *data == json!("not json")));
    }

    #[test]
    fn bad_data_is_a_decode_error_naming_the_event() {
        let err = decode::<Value>("stream_run", "values", b"{not json", None).unwrap_err();
        assert!(err.to_string().contains("`values` event"), "{err}");
        #[derive(Debug, serde::Deserialize)]
        struct Strict {
            #[allow(dead_code)]
            n: u8,
        }
        let err = decode::<Strict>("stream_run", "values", br#"{"n": "x"}"#, None).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }));
    }

    /// What the server sends, one event per mode (recorded from `langgraph dev`); the generic
    /// view gives back the same name and the same JSON.
    #[test]
    fn the_generic_view_gives_back_what_was_sent() {
        let events = [
            (
                "metadata",
                r#"{"run_id": "1f0c9d4e-7f1a-6c2e-8d3b-5a4f3e2d1c0b", "attempt": 1}"#,
            ),
            ("values", r#"{"text": "hi", "echo": "hi", "count": 1}"#),
            (
                "values",
                r#"{"question": "why?", "__interrupt__": [{"value": {"question": "why?"}, "id": "9d2f"}]}"#,
            ),
            (
                "updates",
                r#"{"echo": {"echo": "hi", "count": 1, "user_id": null}}"#,
            ),
            (
                "updates|child:93aa4bf4-1b84-610e-d162-59b5b32f6a1c",
                r#"{"step_one": {"trail": ["one"]}}"#,
            ),
            (
                "updates",
                r#"{"__interrupt__": [{"value": {"question": "why?"}, "id": "9d2f"}]}"#,
            ),
            (
                "messages",
                r#"[{"content": "Hel", "additional_kwargs": {}, "response_metadata": {}, "type": "AIMessageChunk", "name": null, "id": "run--1", "tool_calls": [], "invalid_tool_calls": [], "usage_metadata": null, "tool_call_chunks": []}, {"langgraph_step": 1, "langgraph_node": "model", "ls_model_name": "fake"}]"#,
            ),
            (
                "messages/partial",
                r#"[{"content": "Hel", "additional_kwargs": {}, "response_metadata": {}, "type": "ai", "name": null, "id": "m1", "tool_calls": [], "invalid_tool_calls": [], "usage_metadata": null}]"#,
            ),
            (
                "messages/metadata",
                r#"{"m1": {"metadata": {"langgraph_node": "model"}}}"#,
            ),
            ("custom", r#"{"progress": 50}"#),
            ("custom", r#""plain text""#),
            (
                "tasks",
                r#"{"id": "t1", "name": "echo", "input": {}, "triggers": ["start:echo"]}"#,
            ),
            ("debug", r#"{"step": 1, "type": "task"}"#),
            ("checkpoints", r#"{"config": {}, "values": {}}"#),
            ("feedback", r#"{"score": "https://x"}"#),
            ("end", ""),
            ("brand_new|ns:1", r#"{"x": [1, 2]}"#),
        ];
        for (name, data) in events {
            let e = part(name, data);
            assert_eq!(e.event(), name);
            let sent: Value = if data.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(data).unwrap()
            };
            assert_eq!(e.data().unwrap(), sent, "{name}");
        }
    }

    #[test]
    fn chunk_metadata_reads_keys_on_demand() {
        let m: ChunkMetadata = serde_json::from_str(
            r#"{"langgraph_node": "a", "tags": [1, {"x": 2}], "langgraph_node": "b"}"#,
        )
        .unwrap();
        assert_eq!(
            m.node().unwrap().as_deref(),
            Some("b"),
            "the last of duplicate keys, as in a map"
        );
        assert_eq!(m.get("tags").unwrap(), Some(json!([1, {"x": 2}])));
        assert_eq!(m.get("absent").unwrap(), None);
        assert_eq!(m.step().unwrap(), None);
        let reordered: ChunkMetadata =
            serde_json::from_str(r#"{ "tags": [1, {"x": 2}],"langgraph_node":"b" }"#).unwrap();
        assert_eq!(
            m, reordered,
            "equal as JSON, whatever the order and spacing"
        );
        assert_ne!(m, ChunkMetadata::default());
        let back = serde_json::to_value(&m).unwrap();
        assert_eq!(
            back["tags"],
            json!([1, {"x": 2}]),
            "serializes as the JSON it holds"
        );
    }

    /// Around the metadata, the JSON whitespace is not part of it; anything else is, and makes
    /// it bad JSON, as it is.
    #[test]
    fn chunk_metadata_is_kept_without_the_json_whitespace_around_it() {
        let message = r#"{"content": "hi", "type": "AIMessageChunk"}"#;
        for (data, kept) in [
            (
                format!("\r\n\t [{message} \t,\r\n {{\"a\": 1}}\n\t ] \r\n"),
                r#"{"a": 1}"#,
            ),
            (
                format!("[{message},\u{a0}{{\"a\": 1}}]"),
                "\u{a0}{\"a\": 1}",
            ),
        ] {
            let StreamPart::Message { chunk, metadata } = part("messages", &data).part else {
                panic!("{data:?}")
            };
            assert_eq!(chunk.text(), "hi");
            assert_eq!(metadata.as_json(), kept, "{data:?}");
        }
    }

    /// The stream does not check the metadata; each read of bad metadata is a decode error
    /// naming the stream's operation, never a panic or a silent `None`.
    #[test]
    fn bad_chunk_metadata_is_an_error_where_it_is_read() {
        let message = r#"{"content": "hi", "type": "AIMessageChunk", "id": "m1"}"#;
        for metadata in [
            r#"{"langgraph_node": "model", "x": }"#,
            r#"{"langgraph_node": "model"} trailing"#,
            r#"{"langgraph_node": "model""#,
            "[1, 2]",
            r#""text""#,
            "not json",
            "{\"langgraph_node\": \"mo\ndel\"}",
        ] {
            let data = format!("[{message}, {metadata}]");
            let e = part("messages", &data);
            let not_json = serde_json::from_str::<Value>(metadata).is_err();
            assert_eq!(
                matches!(e.data(), Err(Error::Decode { .. })),
                not_json,
                "{data}: the generic view reads the metadata"
            );
            let StreamPart::Message { chunk, metadata: m } = e.part else {
                panic!("{data}: {:?}", e.part)
            };
            assert_eq!(chunk.text(), "hi", "{data}: the message is read");
            assert_eq!(m.as_json(), metadata, "{data}: kept as sent");
            let reads: [(&str, Result<(), Error>); 6] = [
                ("node", m.node().map(drop)),
                ("step", m.step().map(drop)),
                ("get", m.get("x").map(drop)),
                ("to_map", m.to_map().map(drop)),
                ("to_typed", m.to_typed::<Value>().map(drop)),
                (
                    "serialize",
                    serde_json::to_string(&m)
                        .map(drop)
                        .map_err(|e| Error::decode("test", e, b"")),
                ),
            ];
            for (read, result) in reads {
                let is_object = metadata.starts_with('{');
                if read == "to_typed" && !is_object && metadata != "not json" {
                    continue; // `[1, 2]` and `"text"` are JSON values, just not objects.
                }
                if read == "serialize" && !is_object && metadata != "not json" {
                    continue;
                }
                match result {
                    Err(Error::Decode {
                        operation, message, ..
                    }) if read == "serialize" => {
                        assert!(message.contains("metadata is not JSON"), "{message}");
                        assert_eq!(operation, "test");
                    }
                    Err(Error::Decode {
                        operation, message, ..
                    }) => {
                        assert_eq!(operation, "stream_run", "{data} {read}");
                        assert!(message.contains("metadata"), "{data} {read}: {message}");
                    }
                    other => panic!("{data}: {read} gave {other:?}"),
                }
            }
        }
        // A wrong type is an error too.
        let m = ChunkMetadata::unchecked(r#"{"langgraph_step": "one", "langgraph_node": 2}"#, "op");
        assert!(m.step().is_err() && m.node().is_err());
        assert_eq!(m.get("langgraph_node").unwrap(), Some(json!(2)));
    }

    /// The frame around the metadata is checked where the event is read: what is not a
    /// `[message, metadata]` pair is a decode error of the stream.
    #[test]
    fn a_messages_event_that_is_not_a_pair_is_an_error_of_the_stream() {
        let message = r#"{"content": "hi", "type": "AIMessageChunk"}"#;
        for data in [
            format!("[{message}]"),
            format!("[{message},]"),
            format!("[{message}, {{}}"),
            message.to_string(),
            format!("[{message} {{}}]"),
            r#"[{"content": 1, }, {}]"#.to_string(),
            "[]".to_string(),
            String::new(),
        ] {
            let err = decode::<Value>("stream_run", "messages", data.as_bytes(), None).unwrap_err();
            assert!(matches!(err, Error::Decode { .. }), "{data}: {err:?}");
            assert!(
                err.to_string().contains("`messages` event"),
                "{data}: {err}"
            );
        }
        let e = part("messages", &format!(" [ {message} ,\n {{\"a\": [1]}} ] "));
        let StreamPart::Message { metadata, .. } = e.part else {
            panic!("{:?}", e.part)
        };
        assert_eq!(
            metadata.as_json(),
            r#"{"a": [1]}"#,
            "spacing around the pair"
        );
    }

    #[test]
    fn messages_read_every_field_and_keep_the_rest() {
        let m: Message = serde_json::from_str(
            r#"{"content": [{"type": "text", "text": "a"}, "b"], "type": "AIMessageChunk", "id": "m1",
                "tool_call_chunks": [{"index": 0, "args": "{"}], "tool_calls": null, "usage_metadata": {"input_tokens": 1},
                "tool_call_id": null, "name": "n", "chunk_position": "last", "additional_kwargs": {}}"#,
        )
        .unwrap();
        assert_eq!(m.id.as_deref(), Some("m1"));
        assert_eq!(m.kind, "AIMessageChunk");
        assert_eq!(m.text(), "ab");
        assert_eq!(m.tool_call_chunks.len(), 1);
        assert!(m.tool_calls.is_empty(), "null reads as empty");
        assert_eq!(m.usage_metadata, Some(json!({"input_tokens": 1})));
        assert_eq!(m.name.as_deref(), Some("n"));
        assert!(m.is_last_chunk());
        assert_eq!(m.additional_kwargs, Map::new());
        assert!(m.other.is_empty(), "{:?}", m.other);
        let back = serde_json::to_value(&m).unwrap();
        assert_eq!(back["chunk_position"], json!("last"));
        assert_eq!(back["type"], json!("AIMessageChunk"));
    }

    #[test]
    fn the_last_of_duplicate_keys_wins_on_both_paths() {
        let emptied = r#"{"response_metadata": {"a": 1}, "additional_kwargs": {"b": 2},
            "tool_calls": [{"x": 1}], "id": "m1", "content": "a", "type": "ai",
            "response_metadata": {}, "additional_kwargs": null, "tool_calls": [], "id": null,
            "content": "b", "type": null}"#;
        let filled = r#"{"response_metadata": {}, "additional_kwargs": null, "tool_calls": [],
            "response_metadata": {"a": 1}, "additional_kwargs": {"b": 2}, "tool_calls": [{"x": 1}]}"#;
        for (text, empty) in [(emptied, true), (filled, false)] {
            let serde: Message = serde_json::from_str(text).unwrap();
            let (fast, _) = fast_message::read(text).expect("taken by the fast path");
            for m in [&serde, &*fast] {
                assert_eq!(m.response_metadata.is_empty(), empty, "{text}");
                assert_eq!(m.additional_kwargs.is_empty(), empty, "{text}");
                assert_eq!(m.tool_calls.is_empty(), empty, "{text}");
            }
            assert_eq!(serde, *fast);
        }
        let (fast, _) = fast_message::read(emptied).unwrap();
        assert_eq!(
            (fast.id.as_deref(), &fast.content, fast.kind.as_str()),
            (None, &json!("b"), "")
        );
        let replaced = r#"{"additional_kwargs": {"a": 1}, "additional_kwargs": {"c": 3}}"#;
        let serde: Message = serde_json::from_str(replaced).unwrap();
        let (fast, _) = fast_message::read(replaced).unwrap();
        for m in [&serde, &*fast] {
            assert_eq!(Value::Object(m.additional_kwargs.clone()), json!({"c": 3}));
        }
    }

    #[test]
    fn every_mode_has_its_part() {
        assert!(
            matches!(part("metadata", r#"{"run_id": "00000000-0000-0000-0000-000000000001", "attempt": 1}"#).part, StreamPart::Metadata(ref m) if m.run_id == Some(uuid::Uuid::from_u128(1)))
        );
        assert!(matches!(
            part("custom", r#"{"progress": 1}"#).part,
            StreamPart::Custom(_)
        ));
        assert!(matches!(part("events", "{}").part, StreamPart::Events(_)));
        assert!(matches!(part("debug", "{}").part, StreamPart::Debug(_)));
        assert!(matches!(part("tasks", "{}").part, StreamPart::Tasks(_)));
        assert!(matches!(
            part("checkpoints", "{}").part,
            StreamPart::Checkpoints(_)
        ));
        assert!(
            matches!(part("messages/partial", r#"[{"content": "ab", "type": "ai"}]"#).part, StreamPart::MessagesPartial(ref m) if m[0].text() == "ab")
        );
        assert!(matches!(
            part("messages/complete", "[]").part,
            StreamPart::MessagesComplete(_)
        ));
        assert!(matches!(
            part("messages/metadata", "{}").part,
            StreamPart::MessagesMetadata(_)
        ));
        assert!(matches!(
            part("feedback", "{}").part,
            StreamPart::Feedback(_)
        ));
        assert!(matches!(part("end", "").part, StreamPart::End));
    }
}
