//! What each projection makes of the events it is given. Decoders run in the session's
//! fan-out, event by event: they create the live handles (messages, tool calls, subgraphs)
//! and keep writing into them, whatever the consumer is doing.

use std::{
    collections::{BTreeSet, HashMap},
    sync::Arc,
};

use super::{
    Scope, Subgraph, SubgraphStatus,
    handles::{MessageStream, ToolCallStream},
    queue::Fault,
    scope::{Prefix, on_channels},
    wire::{Channel, Event, LifecycleStatus, MessageEvent, Method, ToolEvent},
};

/// Which projection an item is for (a merged projection holds several).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Values,
    Updates,
    Custom,
    Lifecycle,
    Interrupts,
    Events,
    Messages,
    ToolCalls,
    Subgraphs,
}

/// What a projection yields, before it is typed for the consumer.
#[derive(Debug, Clone)]
pub(crate) enum Payload {
    Event(Arc<Event>),
    Message(MessageStream),
    ToolCall(ToolCallStream),
    Subgraph(Subgraph),
}

pub(crate) type Item = (Kind, Payload);

/// One projection's decoding.
#[derive(Debug)]
pub(crate) enum Decoder {
    /// Events on some channels under a prefix, passed on as they are.
    Pass {
        kind: Kind,
        channels: BTreeSet<Channel>,
        prefix: Prefix,
    },
    /// One handle per `message-start`; the other message events go to the message open in
    /// their namespace.
    Messages {
        prefix: Prefix,
        open: Vec<MessageStream>,
    },
    /// One handle per `tool-started`; the other tool events go to their call by id.
    ToolCalls {
        prefix: Prefix,
        open: HashMap<String, ToolCallStream>,
    },
    /// One handle per subgraph started directly below the scope.
    Subgraphs {
        scope: Scope,
        children: HashMap<Vec<String>, Subgraph>,
    },
}

impl Decoder {
    pub(crate) fn pass(
        kind: Kind,
        channels: impl IntoIterator<Item = Channel>,
        prefix: Prefix,
    ) -> Decoder {
        Decoder::Pass {
            kind,
            channels: channels.into_iter().collect(),
            prefix,
        }
    }

    /// The channels it needs on the wire.
    pub(crate) fn channels(&self) -> BTreeSet<Channel> {
        match self {
            Decoder::Pass { channels, .. } => channels.clone(),
            Decoder::Messages { .. } => [Channel::Messages].into(),
            Decoder::ToolCalls { .. } => [Channel::Tools].into(),
            Decoder::Subgraphs { .. } => [Channel::Lifecycle].into(),
        }
    }

    /// Takes one event of run `epoch`; what it yields goes to `out`.
    pub(crate) fn decode(&mut self, event: &Arc<Event>, epoch: u64, out: &mut Vec<Item>) {
        match self {
            Decoder::Pass {
                kind,
                channels,
                prefix,
            } => {
                if on_channels(channels, event) && prefix.matches(&event.namespace) {
                    out.push((*kind, Payload::Event(event.clone())));
                }
            }
            Decoder::Messages { prefix, open } => {
                if event.method != Method::Messages || !prefix.matches(&event.namespace) {
                    return;
                }
                let Ok(message) = serde::Deserialize::deserialize(&event.data) else {
                    return;
                };
                if let Some(handle) = MessageStream::start(&message, &event.namespace) {
                    out.push((Kind::Messages, Payload::Message(handle.clone())));
                    open.push(handle);
                    return;
                }
                // Only `message-start` names its message: the others belong to the newest
                // message still open in their namespace (the protocol cannot tell two
                // concurrent messages of one namespace apart; none is dropped).
                let Some(at) = open
                    .iter()
                    .rposition(|m| m.namespace() == event.namespace.as_slice())
                else {
                    return;
                };
                let message: MessageEvent = message;
                if open[at].apply(&message) {
                    open.remove(at);
                }
            }
            Decoder::ToolCalls { prefix, open } => {
                if event.method != Method::Tools || !prefix.matches(&event.namespace) {
                    return;
                }
                let Ok(tool) = serde::Deserialize::deserialize(&event.data) else {
                    return;
                };
                match tool {
                    ToolEvent::Started {
                        tool_call_id,
                        tool_name,
                        input,
                    } => {
                        let handle = ToolCallStream::start(
                            &tool_call_id,
                            &tool_name,
                            input.as_ref(),
                            &event.namespace,
                            event.node.as_deref(),
                        );
                        out.push((Kind::ToolCalls, Payload::ToolCall(handle.clone())));
                        open.insert(tool_call_id, handle);
                    }
                    ToolEvent::OutputDelta {
                        tool_call_id,
                        delta,
                    } => {
                        if let Some(h) = open.get(&tool_call_id) {
                            h.push_delta(&delta);
                        }
                    }
                    ToolEvent::Finished {
                        tool_call_id,
                        output,
                    } => {
                        if let Some(h) = open.remove(&tool_call_id) {
                            h.end(Ok(output));
                        }
                    }
                    ToolEvent::Error {
                        tool_call_id,
                        message,
                        code,
                    } => {
                        if let Some(h) = open.remove(&tool_call_id) {
                            h.end(Err(Fault::Run(crate::RunError::new(
                                code.unwrap_or_else(|| "ToolError".into()),
                                message,
                            ))));
                        }
                    }
                    ToolEvent::Other(_) => {}
                }
            }
            Decoder::Subgraphs { scope, children } => {
                if event.method != Method::Lifecycle {
                    return;
                }
                let ns = &event.namespace;
                let depth = scope.namespace.len();
                if ns.len() != depth + 1
                    || !Prefix::exact(scope.namespace.clone()).matches(&ns[..depth])
                {
                    return;
                }
                let Ok(lifecycle) = serde::Deserialize::deserialize(&event.data) else {
                    return;
                };
                let lifecycle: super::wire::Lifecycle = lifecycle;
                match children.get(ns) {
                    Some(child) => {
                        child.set_status(status_of(&lifecycle.status, lifecycle.error.as_deref()))
                    }
                    None if lifecycle.status == LifecycleStatus::Started => {
                        let child = Subgraph::new(
                            scope.child(ns.clone(), epoch),
                            lifecycle.graph_name.clone(),
                            lifecycle.trigger_call_id.clone(),
                        );
                        out.push((Kind::Subgraphs, Payload::Subgraph(child.clone())));
                        children.insert(ns.clone(), child);
                    }
                    None => {}
                }
            }
        }
    }

    /// The projection ends: handles still open end with `fault`, or complete as they are
    /// when the run completed.
    pub(crate) fn end(&mut self, fault: Option<&Fault>) {
        match self {
            Decoder::Pass { .. } => {}
            Decoder::Messages { open, .. } => {
                for m in open.drain(..) {
                    m.end(fault.cloned());
                }
            }
            Decoder::ToolCalls { open, .. } => {
                for (_, t) in open.drain() {
                    t.end(Err(fault.cloned().unwrap_or_else(|| {
                        Fault::Run(crate::RunError::new(
                            "Incomplete",
                            "the run ended before the tool call finished",
                        ))
                    })));
                }
            }
            Decoder::Subgraphs { children, .. } => {
                for child in children.values() {
                    child.end(match fault {
                        Some(Fault::Run(e)) => SubgraphStatus::Failed(Some(e.message.clone())),
                        Some(_) => SubgraphStatus::Failed(None),
                        None => SubgraphStatus::Completed,
                    });
                }
            }
        }
    }
}

fn status_of(status: &LifecycleStatus, error: Option<&str>) -> SubgraphStatus {
    match status {
        LifecycleStatus::Completed => SubgraphStatus::Completed,
        LifecycleStatus::Failed => SubgraphStatus::Failed(error.map(str::to_string)),
        LifecycleStatus::Interrupted => SubgraphStatus::Interrupted,
        _ => SubgraphStatus::Running,
    }
}

/// The payload of an item as a value, for projections of plain data.
pub(crate) fn event_of(item: Item) -> Option<Arc<Event>> {
    match item.1 {
        Payload::Event(e) => Some(e),
        _ => None,
    }
}
