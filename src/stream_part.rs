//! The typed events of a run stream.
//!
//! The server names each SSE event after its stream mode (`values`, `updates`, `messages`, …),
//! with the subgraph it comes from appended (`updates|parent:<task>|child:<task>`). Each event
//! becomes a [`StreamEvent`]: the [`StreamPart`] with its data decoded, the namespace as a list,
//! and the event id.

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::{Map, Value};

use crate::{Error, RunError, types::Interrupt};

/// One event of a run stream.
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
    /// `updates` mode: what each node returned, by node.
    Updates(Map<String, Value>),
    /// The graph stopped for input (`interrupt()`); resume it with
    /// [`Command::resume`](crate::runs::Command::resume).
    Interrupt(Vec<Interrupt>),
    /// `messages-tuple` mode: one chunk of a chat model's output, with the metadata of the node
    /// that produced it. Fold chunks into messages with
    /// [`MessageAccumulator`](crate::messages::MessageAccumulator).
    Message {
        /// The chunk (boxed: a message is large next to the other parts).
        chunk: Box<Message>,
        /// The node, step and model that produced it.
        metadata: Map<String, Value>,
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
    #[serde(default)]
    pub run_id: Option<String>,
    /// The attempt (a run is retried after a worker failure).
    #[serde(default)]
    pub attempt: Option<u64>,
    /// On a thread stream, `"run_done"` when a run has finished.
    #[serde(default)]
    pub status: Option<String>,
    /// Anything else the server sends.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A chat message or message chunk, as LangChain serializes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Message {
    /// The message id; every chunk of one message shares it.
    pub id: Option<String>,
    /// `AIMessageChunk`, `ai`, `human`, `tool`, `system`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The content: a string, or a list of content blocks.
    pub content: Value,
    /// Complete tool calls (`{"name", "args", "id"}`).
    pub tool_calls: Vec<Value>,
    /// Pieces of tool calls, by `index` (`{"name", "args", "id", "index"}`, `args` a JSON text
    /// fragment).
    pub tool_call_chunks: Vec<Value>,
    /// Token counts (`input_tokens`, `output_tokens`, `total_tokens`).
    pub usage_metadata: Option<Value>,
    /// For a tool message: the call it answers.
    pub tool_call_id: Option<String>,
    /// A name (of the tool, for a tool message).
    pub name: Option<String>,
    /// The other fields (`response_metadata`, `additional_kwargs`, `chunk_position`, …).
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

// By hand rather than derived: `#[serde(flatten)]` buffers every field before sorting them
// out, and message chunks are the hot path of a token stream. This reads each field once.
impl<'de> Deserialize<'de> for Message {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Message, D::Error> {
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = Message;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a message object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Message, A::Error> {
                let mut m = Message::default();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match key.as_ref() {
                        "id" => m.id = map.next_value()?,
                        "type" => m.kind = map.next_value::<Option<String>>()?.unwrap_or_default(),
                        "content" => m.content = map.next_value()?,
                        "tool_calls" => {
                            m.tool_calls =
                                map.next_value::<Option<Vec<Value>>>()?.unwrap_or_default()
                        }
                        "tool_call_chunks" => {
                            m.tool_call_chunks =
                                map.next_value::<Option<Vec<Value>>>()?.unwrap_or_default()
                        }
                        "usage_metadata" => m.usage_metadata = map.next_value()?,
                        "tool_call_id" => m.tool_call_id = map.next_value()?,
                        "name" => m.name = map.next_value()?,
                        _ => {
                            let value: Value = map.next_value()?;
                            m.other.insert(key.into_owned(), value);
                        }
                    }
                }
                Ok(m)
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

impl Message {
    /// The text of the content: the string, or the `text` of its text blocks.
    pub fn text(&self) -> String {
        text_of(&self.content)
    }
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
    data: &'a str,
    value: Value,
}

impl Typed<'_> {
    fn get<T: DeserializeOwned>(self) -> Result<T, Error> {
        let (operation, event, data) = (self.operation, self.event, self.data);
        serde_json::from_value(self.value)
            .map_err(|e| Error::decode(operation, format!("`{event}` event: {e}"), data.as_bytes()))
    }
}

/// Splits `updates|parent:1|child:2` into the mode and the namespace.
fn split_name(event: &str) -> (&str, Vec<String>) {
    let mut parts = event.split('|');
    let name = parts.next().unwrap_or_default();
    (name, parts.map(str::to_string).collect())
}

/// Decodes one SSE event of `operation`'s stream.
pub(crate) fn decode<S: DeserializeOwned>(
    operation: &'static str,
    event: &str,
    data: &str,
    id: Option<String>,
) -> Result<Decoded<S>, Error> {
    let (name, namespace) = split_name(event);
    let json = || -> Result<Value, Error> {
        if data.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(data)
            .map_err(|e| Error::decode(operation, format!("`{event}` event: {e}"), data.as_bytes()))
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
        data: &str,
    ) -> Result<T, Error> {
        serde_json::from_str(if data.is_empty() { "null" } else { data })
            .map_err(|e| Error::decode(operation, format!("`{event}` event: {e}"), data.as_bytes()))
    }
    let part = match name {
        "metadata" => StreamPart::Metadata(direct(operation, event, data)?),
        "values" if !data.contains("\"__interrupt__\"") => StreamPart::Values {
            values: direct(operation, event, data)?,
            interrupts: Vec::new(),
        },
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
            let mut update: Map<String, Value> = direct(operation, event, data)?;
            match update.remove("__interrupt__") {
                Some(list) if update.is_empty() => StreamPart::Interrupt(typed(list).get()?),
                Some(list) => {
                    update.insert("__interrupt__".into(), list);
                    StreamPart::Updates(update)
                }
                None => StreamPart::Updates(update),
            }
        }
        "messages" => {
            let (chunk, metadata): (Message, Map<String, Value>) = direct(operation, event, data)?;
            StreamPart::Message {
                chunk: Box::new(chunk),
                metadata,
            }
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
            let value = json().unwrap_or_else(|_| Value::String(data.to_string()));
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
            data: serde_json::from_str(data).unwrap_or_else(|_| Value::String(data.to_string())),
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
        match decode::<Value>("stream_run", event, data, Some("1-0".into())).unwrap() {
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
        assert!(matches!(e.part, StreamPart::Updates(ref m) if m.contains_key("step_one")));
        assert_eq!(e.id.as_deref(), Some("1-0"));
        assert!(part("values", "{}").namespace.is_empty());
    }

    #[test]
    fn interrupts_are_typed() {
        let e = part(
            "updates",
            r#"{"__interrupt__": [{"value": {"question": "ok?"}, "id": "i1"}]}"#,
        );
        match e.part {
            StreamPart::Interrupt(list) => {
                assert_eq!(list[0].id.as_deref(), Some("i1"));
                assert_eq!(list[0].value, json!({"question": "ok?"}));
            }
            other => panic!("{other:?}"),
        }
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
                assert_eq!(metadata["langgraph_node"], json!("model"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_end_the_stream_as_run_errors() {
        let d = decode::<Value>(
            "stream_run",
            "error",
            r#"{"error": "ValueError", "message": "boom"}"#,
            None,
        )
        .unwrap();
        assert!(
            matches!(d, Decoded::Failed(ref e) if e.error == "ValueError" && e.message == "boom")
        );
        let d = decode::<Value>("stream_run", "error", "plain text", None).unwrap();
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
        let err = decode::<Value>("stream_run", "values", "{not json", None).unwrap_err();
        assert!(err.to_string().contains("`values` event"), "{err}");
        #[derive(Debug, serde::Deserialize)]
        struct Strict {
            #[allow(dead_code)]
            n: u8,
        }
        let err = decode::<Strict>("stream_run", "values", r#"{"n": "x"}"#, None).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }));
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
        assert_eq!(m.other["chunk_position"], json!("last"));
        let back = serde_json::to_value(&m).unwrap();
        assert_eq!(back["chunk_position"], json!("last"));
        assert_eq!(back["type"], json!("AIMessageChunk"));
    }

    #[test]
    fn every_mode_has_its_part() {
        assert!(
            matches!(part("metadata", r#"{"run_id": "r", "attempt": 1}"#).part, StreamPart::Metadata(ref m) if m.run_id.as_deref() == Some("r"))
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
