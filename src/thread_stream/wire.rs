//! The v3 thread protocol on the wire: the channels, the event envelope and each channel's
//! data, the commands and their answers.
//!
//! Everything here decodes leniently: a method, event kind, role, status or field this crate
//! does not know arrives as an `Other` variant or stays in the raw data, and never fails the
//! session. The shapes are those the pinned server sends (checked by the snapshot tests of
//! `tests/thread_stream_wire.rs` against recorded and live events).

use std::{borrow::Cow, fmt};

use serde::{Deserialize, Deserializer, Serialize, de};
use serde_json::{Map, Value};

use crate::messages::Usage;

/// A channel an event stream subscribes to.
///
/// The wire names: `values`, `updates`, `messages`, `tools`, `lifecycle`, `input`, `tasks`,
/// `checkpoints`, `custom` and `custom:<name>`. Subscribing to [`Custom`](Channel::Custom)
/// receives every custom event, named or not; [`Named`](Channel::Named) only the events of one
/// named channel.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Channel {
    /// Full state snapshots after each step.
    Values,
    /// What each node returned.
    Updates,
    /// Chat messages as content-block events (live tokens).
    Messages,
    /// Tool calls: started, output deltas, finished or failed.
    Tools,
    /// Run and subgraph lifecycle: started, running, interrupted, completed, failed.
    Lifecycle,
    /// Requests for human input (interrupts).
    Input,
    /// Task starts and results.
    Tasks,
    /// Checkpoints taken.
    Checkpoints,
    /// Every custom event (`get_stream_writer()` and named stream channels).
    Custom,
    /// The custom events of one named stream channel (`custom:<name>`).
    Named(String),
}

impl Channel {
    /// The wire name.
    pub fn as_str(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Channel::Values => "values",
            Channel::Updates => "updates",
            Channel::Messages => "messages",
            Channel::Tools => "tools",
            Channel::Lifecycle => "lifecycle",
            Channel::Input => "input",
            Channel::Tasks => "tasks",
            Channel::Checkpoints => "checkpoints",
            Channel::Custom => "custom",
            Channel::Named(name) => return Cow::Owned(format!("custom:{name}")),
        })
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl Serialize for Channel {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_str())
    }
}

/// What an event is, from the envelope's `method`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `values`
    Values,
    /// `updates`
    Updates,
    /// `messages`
    Messages,
    /// `tools`
    Tools,
    /// `lifecycle`
    Lifecycle,
    /// `input.requested` (on the `input` channel)
    InputRequested,
    /// `tasks`
    Tasks,
    /// `checkpoints`
    Checkpoints,
    /// `custom`
    Custom,
    /// A method this crate does not know.
    Other(String),
}

impl Method {
    fn parse(method: &str) -> Method {
        match method {
            "values" => Method::Values,
            "updates" => Method::Updates,
            "messages" => Method::Messages,
            "tools" => Method::Tools,
            "lifecycle" => Method::Lifecycle,
            "input.requested" => Method::InputRequested,
            "tasks" => Method::Tasks,
            "checkpoints" => Method::Checkpoints,
            "custom" => Method::Custom,
            other => Method::Other(other.to_string()),
        }
    }

    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Values => "values",
            Method::Updates => "updates",
            Method::Messages => "messages",
            Method::Tools => "tools",
            Method::Lifecycle => "lifecycle",
            Method::InputRequested => "input.requested",
            Method::Tasks => "tasks",
            Method::Checkpoints => "checkpoints",
            Method::Custom => "custom",
            Method::Other(other) => other,
        }
    }

    /// The channel that carries this method (`None` for a method of no known channel).
    pub fn channel(&self) -> Option<Channel> {
        Some(match self {
            Method::Values => Channel::Values,
            Method::Updates => Channel::Updates,
            Method::Messages => Channel::Messages,
            Method::Tools => Channel::Tools,
            Method::Lifecycle => Channel::Lifecycle,
            Method::InputRequested => Channel::Input,
            Method::Tasks => Channel::Tasks,
            Method::Checkpoints => Channel::Checkpoints,
            Method::Custom => Channel::Custom,
            Method::Other(_) => return None,
        })
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One event of a thread's event stream: the envelope
/// `{"type": "event", "event_id", "seq", "method", "params": {"namespace", "timestamp", "data", "node"}}`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event {
    /// The stable id of the event, the same on every connection and across reconnects (the
    /// session drops repeats by it).
    pub event_id: Option<String>,
    /// The position of the event in the connection's numbering of the thread's events (the
    /// resume cursor, `since`).
    pub seq: Option<u64>,
    /// What the event is.
    pub method: Method,
    /// Where in the graph it happened: `[]` for the root graph, one segment per subgraph
    /// level (`"child:<task id>"`).
    pub namespace: Vec<String>,
    /// Wall-clock milliseconds since the Unix epoch (not for ordering: use `seq`).
    pub timestamp: Option<i64>,
    /// The graph node that produced it (updates, tools).
    pub node: Option<String>,
    /// The channel-specific payload; typed by [`data`](Self::data).
    pub data: Value,
    /// Other fields of `params` this crate does not know, as sent.
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Event, D::Error> {
        #[derive(Deserialize)]
        struct Envelope {
            #[serde(default, rename = "type")]
            kind: Option<String>,
            #[serde(default)]
            event_id: Option<String>,
            #[serde(default)]
            seq: Option<u64>,
            method: String,
            #[serde(default)]
            params: Params,
        }
        #[derive(Deserialize, Default)]
        struct Params {
            #[serde(default, deserialize_with = "null_as_default")]
            namespace: Vec<String>,
            #[serde(default)]
            timestamp: Option<i64>,
            #[serde(default)]
            node: Option<String>,
            #[serde(default)]
            data: Value,
            #[serde(flatten)]
            extra: Map<String, Value>,
        }
        let envelope = Envelope::deserialize(deserializer)?;
        if envelope.kind.as_deref().is_some_and(|k| k != "event") {
            return Err(de::Error::custom(format!(
                "not an event envelope: type {:?}",
                envelope.kind
            )));
        }
        Ok(Event {
            event_id: envelope.event_id,
            seq: envelope.seq,
            method: Method::parse(&envelope.method),
            namespace: envelope.params.namespace,
            timestamp: envelope.params.timestamp,
            node: envelope.params.node,
            data: envelope.params.data,
            extra: envelope.params.extra,
        })
    }
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

impl Event {
    /// The channels this event is delivered on: its method's channel, and for a named custom
    /// event also `custom:<name>`.
    pub(crate) fn named_channel(&self) -> Option<&str> {
        if self.method != Method::Custom {
            return None;
        }
        let object = self.data.as_object()?;
        // A named channel's event is `{"name", "payload"}`; a plain stream-writer event is
        // the raw payload, which may be any object.
        if object.len() == 2 && object.contains_key("payload") {
            object.get("name")?.as_str().filter(|n| !n.is_empty())
        } else {
            None
        }
    }

    /// The data, typed by channel. Data that does not have the documented shape is
    /// [`EventData::Other`], never an error.
    pub fn data(&self) -> EventData {
        fn typed<T: serde::de::DeserializeOwned>(
            data: &Value,
            wrap: impl FnOnce(T) -> EventData,
        ) -> EventData {
            match T::deserialize(data) {
                Ok(t) => wrap(t),
                Err(_) => EventData::Other(data.clone()),
            }
        }
        match &self.method {
            Method::Lifecycle => typed(&self.data, EventData::Lifecycle),
            Method::Values => EventData::Values(self.data.clone()),
            Method::Updates => EventData::Updates(Update::from_event(self)),
            Method::Messages => typed(&self.data, EventData::Message),
            Method::Tools => typed(&self.data, EventData::Tool),
            Method::Tasks => EventData::Task(self.data.clone()),
            Method::Checkpoints => typed(&self.data, EventData::Checkpoint),
            Method::Custom => EventData::Custom(CustomEvent::from_event(self)),
            Method::InputRequested => match InputRequest::from_data(&self.data) {
                Some(request) => EventData::InputRequested(request),
                None => EventData::Other(self.data.clone()),
            },
            Method::Other(_) => EventData::Other(self.data.clone()),
        }
    }
}

/// An event's data, typed by channel ([`Event::data`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum EventData {
    /// `lifecycle`
    Lifecycle(Lifecycle),
    /// `values`: the state (interrupts are stripped; they arrive as `input.requested`).
    Values(Value),
    /// `updates`
    Updates(Update),
    /// `messages`
    Message(MessageEvent),
    /// `tools`
    Tool(ToolEvent),
    /// `tasks`, as sent.
    Task(Value),
    /// `checkpoints`
    Checkpoint(Checkpoint),
    /// `custom`
    Custom(CustomEvent),
    /// `input.requested`
    InputRequested(InputRequest),
    /// A method this crate does not know, or data without the documented shape.
    Other(Value),
}

/// Where a graph (the run's root, or a subgraph) is in its life.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LifecycleStatus {
    /// A subgraph began (`namespace` and `trigger_call_id` tell which).
    Started,
    /// The run is executing.
    Running,
    /// It stopped for human input; not the end: answering continues it.
    Interrupted,
    /// It finished.
    Completed,
    /// It ended in an error.
    Failed,
    /// A status this crate does not know.
    Other(String),
}

impl LifecycleStatus {
    /// Completed or failed: nothing more happens in this namespace.
    pub fn is_terminal(&self) -> bool {
        matches!(self, LifecycleStatus::Completed | LifecycleStatus::Failed)
    }
}

impl<'de> Deserialize<'de> for LifecycleStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let status = String::deserialize(deserializer)?;
        Ok(match status.as_str() {
            "started" => LifecycleStatus::Started,
            "running" => LifecycleStatus::Running,
            "interrupted" => LifecycleStatus::Interrupted,
            "completed" => LifecycleStatus::Completed,
            "failed" => LifecycleStatus::Failed,
            _ => LifecycleStatus::Other(status),
        })
    }
}

/// The data of a `lifecycle` event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Lifecycle {
    /// What happened.
    #[serde(rename = "event")]
    pub status: LifecycleStatus,
    /// The graph's name (`agent`, or the subgraph's node name).
    #[serde(default)]
    pub graph_name: Option<String>,
    /// Why it failed.
    #[serde(default)]
    pub error: Option<String>,
    /// The subgraph's namespace (on a subgraph's `started`).
    #[serde(default)]
    pub namespace: Option<Vec<String>>,
    /// The task that started the subgraph (on a subgraph's `started`).
    #[serde(default)]
    pub trigger_call_id: Option<String>,
    /// Other fields (`cause`, `checkpoint`, …), as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The data of an `updates` event: what one node returned.
///
/// The server sends it in two shapes: the node in the envelope (`params.node`) and its values
/// as `data`, or `{"node", "values"}` as `data`; both decode to this.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Update {
    /// The node.
    pub node: Option<String>,
    /// What it wrote.
    pub values: Value,
}

impl Update {
    pub(crate) fn from_event(event: &Event) -> Update {
        if let Some(object) = event.data.as_object()
            && object.contains_key("values")
            && object.keys().all(|k| k == "values" || k == "node")
        {
            return Update {
                node: object
                    .get("node")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .or_else(|| event.node.clone()),
                values: object["values"].clone(),
            };
        }
        Update {
            node: event.node.clone(),
            values: event.data.clone(),
        }
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// The model.
    Ai,
    /// The user.
    Human,
    /// A system prompt.
    System,
    /// A tool's answer.
    Tool,
    /// A role this crate does not know.
    Other(String),
}

impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let role = String::deserialize(deserializer)?;
        Ok(match role.as_str() {
            "ai" => Role::Ai,
            "human" => Role::Human,
            "system" => Role::System,
            "tool" => Role::Tool,
            _ => Role::Other(role),
        })
    }
}

/// The data of a `messages` event: one step of a message streamed as content blocks.
///
/// A message is `message-start`, then for each block `content-block-start`, any number of
/// `content-block-delta` and `content-block-finish`, then `message-finish` (or `error`). Only
/// `message-start` names the message: the other events belong to the message open in their
/// namespace.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MessageEvent {
    /// `message-start`
    Start {
        /// Who writes it.
        role: Role,
        /// The message id (the id of the message stored in the state).
        id: Option<String>,
        /// The call a tool message answers.
        tool_call_id: Option<String>,
        /// Provider and model, when sent.
        metadata: Option<Value>,
    },
    /// `content-block-start`: a block begins (its content so far, usually empty).
    BlockStart {
        /// The block's position in the message.
        index: u64,
        /// The block as it starts.
        content: Value,
    },
    /// `content-block-delta`: more of a block.
    BlockDelta {
        /// The block's position in the message.
        index: u64,
        /// What was added.
        delta: Delta,
    },
    /// `content-block-finish`: a block is complete.
    BlockFinish {
        /// The block's position in the message.
        index: u64,
        /// The finished block (`{"type": "text", "text"}`, `{"type": "tool_call", …}`, …).
        content: Value,
    },
    /// `message-finish`
    Finish {
        /// Token counts, when the model reports them.
        usage: Option<Usage>,
        /// Other data sent with it.
        metadata: Option<Value>,
    },
    /// `error`: the message failed.
    Error {
        /// What went wrong.
        message: String,
        /// A machine-readable code, when sent.
        code: Option<String>,
    },
    /// An event kind this crate does not know, as sent.
    Other(Value),
}

impl<'de> Deserialize<'de> for MessageEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let kind = value.get("event").and_then(Value::as_str).unwrap_or("");
        let index = || value.get("index").and_then(Value::as_u64);
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
        Ok(match kind {
            "message-start" => MessageEvent::Start {
                role: value
                    .get("role")
                    .and_then(|r| Role::deserialize(r).ok())
                    .unwrap_or(Role::Ai),
                id: text("id").or_else(|| text("message_id")),
                tool_call_id: text("tool_call_id"),
                metadata: value.get("metadata").cloned(),
            },
            "content-block-start" if index().is_some() => MessageEvent::BlockStart {
                index: index().unwrap_or_default(),
                content: value.get("content").cloned().unwrap_or(Value::Null),
            },
            // A tool message's block event carries the whole `content` instead of a delta.
            "content-block-delta" if index().is_some() => MessageEvent::BlockDelta {
                index: index().unwrap_or_default(),
                delta: match (value.get("delta"), value.get("content")) {
                    (Some(delta), _) => Delta::from_value(delta),
                    (None, Some(content)) => Delta::Content(content.clone()),
                    (None, None) => Delta::Other(Value::Null),
                },
            },
            "content-block-finish" if index().is_some() => MessageEvent::BlockFinish {
                index: index().unwrap_or_default(),
                content: value.get("content").cloned().unwrap_or(Value::Null),
            },
            "message-finish" => MessageEvent::Finish {
                usage: value.get("usage").and_then(|u| Usage::deserialize(u).ok()),
                metadata: value.get("metadata").cloned(),
            },
            "error" => MessageEvent::Error {
                message: text("message").unwrap_or_default(),
                code: text("code"),
            },
            _ => MessageEvent::Other(value),
        })
    }
}

/// What a `content-block-delta` adds to its block.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Delta {
    /// `text-delta`: more text.
    Text(String),
    /// `reasoning-delta`: more reasoning.
    Reasoning(String),
    /// `tool-call-delta`: more of a tool call's argument text (and its id and name when sent).
    ToolCall {
        /// A fragment of the arguments' JSON text.
        args: String,
        /// The call's id, when sent.
        id: Option<String>,
        /// The tool, when sent.
        name: Option<String>,
    },
    /// `data-delta`: an encoded chunk of binary data.
    Data {
        /// The chunk.
        data: String,
        /// Its encoding (`base64` when absent).
        encoding: Option<String>,
    },
    /// `block-delta`: fields of a block of another kind.
    Block(Value),
    /// The whole content of the block (a tool message's block event).
    Content(Value),
    /// A delta kind this crate does not know, as sent.
    Other(Value),
}

impl Delta {
    fn from_value(value: &Value) -> Delta {
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
        match value.get("type").and_then(Value::as_str) {
            Some("text-delta") => match text("text") {
                Some(t) => Delta::Text(t),
                None => Delta::Other(value.clone()),
            },
            Some("reasoning-delta") => match text("reasoning") {
                Some(t) => Delta::Reasoning(t),
                None => Delta::Other(value.clone()),
            },
            Some("tool-call-delta") => Delta::ToolCall {
                args: text("args").unwrap_or_default(),
                id: text("id"),
                name: text("name"),
            },
            Some("data-delta") => Delta::Data {
                data: text("data").unwrap_or_default(),
                encoding: text("encoding"),
            },
            Some("block-delta") => Delta::Block(value.get("fields").cloned().unwrap_or_default()),
            _ => Delta::Other(value.clone()),
        }
    }
}

/// The data of a `tools` event.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ToolEvent {
    /// `tool-started`
    Started {
        /// The call (the id in the model's tool call).
        tool_call_id: String,
        /// The tool.
        tool_name: String,
        /// Its arguments.
        input: Option<Value>,
    },
    /// `tool-output-delta`: part of the output, streamed by the tool.
    OutputDelta {
        /// The call.
        tool_call_id: String,
        /// The part (text, or any JSON value the tool streams).
        delta: Value,
    },
    /// `tool-finished`
    Finished {
        /// The call.
        tool_call_id: String,
        /// What it returned (a serialized `ToolMessage` for LangChain tools).
        output: Value,
    },
    /// `tool-error`
    Error {
        /// The call.
        tool_call_id: String,
        /// What went wrong.
        message: String,
        /// A machine-readable code, when sent.
        code: Option<String>,
    },
    /// An event kind this crate does not know, as sent.
    Other(Value),
}

impl<'de> Deserialize<'de> for ToolEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
        let Some(id) = text("tool_call_id") else {
            return Ok(ToolEvent::Other(value));
        };
        Ok(
            match value.get("event").and_then(Value::as_str).unwrap_or("") {
                "tool-started" => ToolEvent::Started {
                    tool_call_id: id,
                    tool_name: text("tool_name").unwrap_or_default(),
                    input: value.get("input").cloned(),
                },
                "tool-output-delta" => ToolEvent::OutputDelta {
                    tool_call_id: id,
                    delta: value.get("delta").cloned().unwrap_or(Value::Null),
                },
                "tool-finished" => ToolEvent::Finished {
                    tool_call_id: id,
                    output: value.get("output").cloned().unwrap_or(Value::Null),
                },
                "tool-error" => ToolEvent::Error {
                    tool_call_id: id,
                    message: text("message").unwrap_or_default(),
                    code: text("code"),
                },
                _ => ToolEvent::Other(value),
            },
        )
    }
}

/// The data of a `checkpoints` event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Checkpoint {
    /// The checkpoint id.
    pub id: String,
    /// The checkpoint before it.
    #[serde(default)]
    pub parent_id: Option<String>,
    /// The step number.
    #[serde(default)]
    pub step: Option<i64>,
    /// What made it: `input`, `loop`, `update` or `fork`.
    #[serde(default)]
    pub source: Option<String>,
    /// Other fields, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A custom event: what a node wrote with `get_stream_writer()` (unnamed), or what a stream
/// transformer pushed to a named stream channel.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CustomEvent {
    /// The named channel (`custom:<name>`), `None` for a plain stream-writer event.
    pub name: Option<String>,
    /// What was written.
    pub payload: Value,
    /// Where in the graph it was written.
    pub namespace: Vec<String>,
}

impl CustomEvent {
    pub(crate) fn from_event(event: &Event) -> CustomEvent {
        match event.named_channel() {
            Some(name) => CustomEvent {
                name: Some(name.to_string()),
                payload: event.data["payload"].clone(),
                namespace: event.namespace.clone(),
            },
            // A plain stream-writer event is the raw payload (not `{"payload": …}`).
            None => CustomEvent {
                name: None,
                payload: event.data.clone(),
                namespace: event.namespace.clone(),
            },
        }
    }
}

/// The data of an `input.requested` event: a graph asks for human input (an interrupt).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct InputRequest {
    /// The interrupt, to answer.
    pub interrupt_id: String,
    /// What the graph passed to `interrupt(…)`.
    pub payload: Value,
}

impl InputRequest {
    fn from_data(data: &Value) -> Option<InputRequest> {
        let interrupt_id = data.get("interrupt_id")?.as_str()?.to_string();
        // The server sends `payload`; `value` is read when it is absent (an older shape).
        let payload = data
            .get("payload")
            .or_else(|| data.get("value"))
            .cloned()
            .unwrap_or(Value::Null);
        Some(InputRequest {
            interrupt_id,
            payload,
        })
    }
}

/// A command to the server: `{"id", "method", "params"}`.
#[derive(Debug, Serialize)]
pub(crate) struct Command<'a> {
    pub id: u64,
    pub method: &'a str,
    pub params: Value,
}

/// The server's answer to a command.
#[derive(Debug)]
pub(crate) enum Answer {
    /// `{"type": "success", "id", "result", "meta"}`
    Success { result: Value },
    /// `{"type": "error", "id", "error", "message"}`
    Error(ProtocolError),
}

impl Answer {
    /// Decodes an answer to command `method`; `None` for a body that is not one.
    pub(crate) fn parse(method: &str, body: &Value) -> Option<Answer> {
        match body.get("type")?.as_str()? {
            "success" => Some(Answer::Success {
                result: body.get("result").cloned().unwrap_or(Value::Null),
            }),
            "error" => Some(Answer::Error(ProtocolError {
                method: method.to_string(),
                code: ProtocolErrorCode::parse(body.get("error").and_then(Value::as_str)?),
                message: body
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            })),
            _ => None,
        }
    }
}

/// Why the server refused a command (or ended a stream): the protocol's error codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProtocolErrorCode {
    /// `invalid_argument`: a parameter is missing or malformed.
    InvalidArgument,
    /// `unknown_command`
    UnknownCommand,
    /// `unknown_error`: the server failed (for example an assistant that does not exist).
    UnknownError,
    /// `no_such_run`: no run is bound to the thread (for example nothing to resume).
    NoSuchRun,
    /// `no_such_subscription`
    NoSuchSubscription,
    /// `no_such_namespace`
    NoSuchNamespace,
    /// `no_such_interrupt`: the interrupt is unknown or already answered.
    NoSuchInterrupt,
    /// `no_such_checkpoint`
    NoSuchCheckpoint,
    /// `permission_denied`
    PermissionDenied,
    /// `not_supported`
    NotSupported,
    /// `unsupported`: the deployment does not support this (sent by the server although the
    /// protocol spells it `not_supported`).
    Unsupported,
    /// `resume_gap`: the events after the resume point are no longer buffered.
    ResumeGap,
    /// A code this crate does not know.
    Other(String),
}

impl ProtocolErrorCode {
    pub(crate) fn parse(code: &str) -> ProtocolErrorCode {
        match code {
            "invalid_argument" => ProtocolErrorCode::InvalidArgument,
            "unknown_command" => ProtocolErrorCode::UnknownCommand,
            "unknown_error" => ProtocolErrorCode::UnknownError,
            "no_such_run" => ProtocolErrorCode::NoSuchRun,
            "no_such_subscription" => ProtocolErrorCode::NoSuchSubscription,
            "no_such_namespace" => ProtocolErrorCode::NoSuchNamespace,
            "no_such_interrupt" => ProtocolErrorCode::NoSuchInterrupt,
            "no_such_checkpoint" => ProtocolErrorCode::NoSuchCheckpoint,
            "permission_denied" => ProtocolErrorCode::PermissionDenied,
            "not_supported" => ProtocolErrorCode::NotSupported,
            "unsupported" => ProtocolErrorCode::Unsupported,
            "resume_gap" => ProtocolErrorCode::ResumeGap,
            other => ProtocolErrorCode::Other(other.to_string()),
        }
    }

    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            ProtocolErrorCode::InvalidArgument => "invalid_argument",
            ProtocolErrorCode::UnknownCommand => "unknown_command",
            ProtocolErrorCode::UnknownError => "unknown_error",
            ProtocolErrorCode::NoSuchRun => "no_such_run",
            ProtocolErrorCode::NoSuchSubscription => "no_such_subscription",
            ProtocolErrorCode::NoSuchNamespace => "no_such_namespace",
            ProtocolErrorCode::NoSuchInterrupt => "no_such_interrupt",
            ProtocolErrorCode::NoSuchCheckpoint => "no_such_checkpoint",
            ProtocolErrorCode::PermissionDenied => "permission_denied",
            ProtocolErrorCode::NotSupported => "not_supported",
            ProtocolErrorCode::Unsupported => "unsupported",
            ProtocolErrorCode::ResumeGap => "resume_gap",
            ProtocolErrorCode::Other(code) => code,
        }
    }
}

impl fmt::Display for ProtocolErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The server refused a command of a thread stream ([`Error::Protocol`](crate::Error::Protocol)).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the server refused `{method}`: {code}: {message}")]
#[non_exhaustive]
pub struct ProtocolError {
    /// The command, e.g. `input.respond`.
    pub method: String,
    /// Why.
    pub code: ProtocolErrorCode,
    /// The server's message.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(method: &str, namespace: Value, data: Value) -> Event {
        serde_json::from_value(json!({
            "type": "event", "event_id": "1-0", "seq": 3, "method": method,
            "params": {"namespace": namespace, "timestamp": 1, "data": data}
        }))
        .unwrap()
    }

    #[test]
    fn unknown_methods_kinds_and_fields_pass_through() {
        let e: Event = serde_json::from_value(json!({
            "type": "event", "seq": 1, "method": "telemetry",
            "params": {"namespace": null, "data": {"x": 1}, "future": true}
        }))
        .unwrap();
        assert_eq!(e.method, Method::Other("telemetry".into()));
        assert!(e.namespace.is_empty());
        assert_eq!(e.extra["future"], json!(true));
        assert_eq!(e.data(), EventData::Other(json!({"x": 1})));
        let m = event(
            "messages",
            json!([]),
            json!({"event": "message-glow", "x": 1}),
        );
        assert!(matches!(
            m.data(),
            EventData::Message(MessageEvent::Other(_))
        ));
        let l = event("lifecycle", json!([]), json!({"event": "paused"}));
        match l.data() {
            EventData::Lifecycle(l) => {
                assert_eq!(l.status, LifecycleStatus::Other("paused".into()))
            }
            other => panic!("{other:?}"),
        }
        let d = event(
            "messages",
            json!([]),
            json!({"event": "content-block-delta", "index": 0, "delta": {"type": "sparkle"}}),
        );
        assert!(matches!(
            d.data(),
            EventData::Message(MessageEvent::BlockDelta {
                delta: Delta::Other(_),
                ..
            })
        ));
    }

    #[test]
    fn an_answer_frame_is_not_an_event() {
        let frame = json!({"type": "success", "id": 1, "result": {}, "method": "x"});
        assert!(serde_json::from_value::<Event>(frame).is_err());
    }

    #[test]
    fn interrupts_read_payload_and_fall_back_to_value() {
        let e = event(
            "input.requested",
            json!([]),
            json!({"interrupt_id": "i1", "payload": {"q": 1}}),
        );
        assert_eq!(
            e.data(),
            EventData::InputRequested(InputRequest {
                interrupt_id: "i1".into(),
                payload: json!({"q": 1})
            })
        );
        let old = event(
            "input.requested",
            json!([]),
            json!({"interrupt_id": "i1", "value": 2}),
        );
        assert!(
            matches!(old.data(), EventData::InputRequested(InputRequest { payload, .. }) if payload == json!(2))
        );
    }

    #[test]
    fn custom_events_named_and_plain() {
        let named = event(
            "custom",
            json!([]),
            json!({"name": "progress", "payload": {"step": 1}}),
        );
        assert_eq!(named.named_channel(), Some("progress"));
        let plain = event("custom", json!([]), json!({"progress": 1}));
        assert_eq!(plain.named_channel(), None);
        assert_eq!(
            CustomEvent::from_event(&plain).payload,
            json!({"progress": 1})
        );
        let text = event("custom", json!([]), json!("plain text"));
        assert_eq!(CustomEvent::from_event(&text).payload, json!("plain text"));
    }

    #[test]
    fn updates_in_both_shapes() {
        let mut a = event("updates", json!([]), json!({"x": 1}));
        a.node = Some("n".into());
        assert_eq!(
            Update::from_event(&a),
            Update {
                node: Some("n".into()),
                values: json!({"x": 1})
            }
        );
        let b = event(
            "updates",
            json!([]),
            json!({"node": "m", "values": {"y": 2}}),
        );
        assert_eq!(
            Update::from_event(&b),
            Update {
                node: Some("m".into()),
                values: json!({"y": 2})
            }
        );
    }

    #[test]
    fn answers_and_error_codes() {
        let ok = Answer::parse(
            "run.start",
            &json!({"type": "success", "id": 1, "result": {"run_id": "r"}}),
        );
        assert!(matches!(ok, Some(Answer::Success { result }) if result["run_id"] == "r"));
        let err = Answer::parse(
            "input.respond",
            &json!({"type": "error", "id": 2, "error": "no_such_interrupt", "message": "gone"}),
        );
        match err {
            Some(Answer::Error(e)) => {
                assert_eq!(e.code, ProtocolErrorCode::NoSuchInterrupt);
                assert_eq!(
                    e.to_string(),
                    "the server refused `input.respond`: no_such_interrupt: gone"
                );
            }
            other => panic!("{other:?}"),
        }
        let odd = Answer::parse(
            "x",
            &json!({"type": "error", "error": "brand_new", "message": ""}),
        );
        assert!(
            matches!(odd, Some(Answer::Error(ProtocolError { code: ProtocolErrorCode::Other(c), .. })) if c == "brand_new")
        );
        assert!(Answer::parse("x", &json!({"id": 1})).is_none());
        for code in [
            "invalid_argument",
            "unknown_command",
            "unknown_error",
            "no_such_run",
            "no_such_subscription",
            "no_such_namespace",
            "no_such_interrupt",
            "no_such_checkpoint",
            "permission_denied",
            "not_supported",
            "unsupported",
            "resume_gap",
        ] {
            let parsed = ProtocolErrorCode::parse(code);
            assert!(!matches!(parsed, ProtocolErrorCode::Other(_)), "{code}");
            assert_eq!(parsed.as_str(), code);
        }
    }

    #[test]
    fn channels_on_the_wire() {
        assert_eq!(
            serde_json::to_value([Channel::Input, Channel::Named("progress".into())]).unwrap(),
            json!(["input", "custom:progress"])
        );
    }
}
