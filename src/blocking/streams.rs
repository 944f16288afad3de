//! Streams as iterators: run streams, the pages of a search, the projections and deltas of a
//! thread streaming session. Each `next()` waits for one item; nothing is read ahead.

// The conversion of a projection's items takes the runtime, which is the crate's own; it is a
// method of a sealed trait, which nothing outside the crate can name or call.
#![allow(private_interfaces)]

use futures_util::{StreamExt, stream::BoxStream};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Blocking, Handle, Runtime};
use crate::{
    Result,
    stream::{PassThroughStream, RunStream, SseEvent, StreamEvent},
    thread_stream::{
        self, CustomEvent, Deltas, Interrupt, LifecycleEvent, MessageStream, Projection, Subgraph,
        ToolCallStream, Update,
    },
};

impl<S: DeserializeOwned + Send + 'static> Iterator for Blocking<RunStream<S>> {
    type Item = Result<StreamEvent<S>>;

    fn next(&mut self) -> Option<Self::Item> {
        let (stream, rt) = self.parts_mut();
        rt.block_on(stream.next())
    }
}

impl Iterator for Blocking<PassThroughStream> {
    type Item = Result<SseEvent>;

    fn next(&mut self) -> Option<Self::Item> {
        let (stream, rt) = self.parts_mut();
        rt.block_on(stream.next())
    }
}

impl<T> Iterator for Blocking<BoxStream<'static, Result<T>>> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Self::Item> {
        let (stream, rt) = self.parts_mut();
        rt.block_on(stream.next())
    }
}

impl<T> Iterator for Blocking<Deltas<T>> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Self::Item> {
        let (stream, rt) = self.parts_mut();
        rt.block_on(stream.next())
    }
}

impl<T: ProjectionItem> Iterator for Blocking<Projection<T>> {
    type Item = Result<T::Blocking>;

    fn next(&mut self) -> Option<Self::Item> {
        let (stream, rt) = self.parts_mut();
        let item = rt.block_on(stream.next())?;
        Some(item.map(|item| item.blocking(rt)))
    }
}

mod sealed {
    pub trait Sealed {
        fn blocking(self, rt: &super::Runtime) -> <Self as super::ProjectionItem>::Blocking
        where
            Self: super::ProjectionItem;
    }
}

/// An item of a session's [`Projection`](super::Projection), and its blocking form: a message,
/// tool call or subgraph becomes its [`Blocking`] form (its deltas an iterator, its `text()` a
/// blocking call); data stays as it is.
pub trait ProjectionItem: sealed::Sealed {
    /// What the blocking projection yields.
    type Blocking;
}

/// Data (state snapshots, interrupts, your `values_as` type) as it is.
impl<S: DeserializeOwned> ProjectionItem for S {
    type Blocking = S;
}

impl<S: DeserializeOwned> sealed::Sealed for S {
    fn blocking(self, _: &Runtime) -> <S as ProjectionItem>::Blocking {
        self
    }
}

macro_rules! items {
    (data: $($data:ty),*; handles: $($handle:ty),*) => {
        $(
            impl ProjectionItem for $data {
                type Blocking = $data;
            }
            impl sealed::Sealed for $data {
                fn blocking(self, _: &Runtime) -> <$data as ProjectionItem>::Blocking {
                    self
                }
            }
        )*
        $(
            impl ProjectionItem for $handle {
                type Blocking = Blocking<$handle>;
            }
            impl sealed::Sealed for $handle {
                fn blocking(self, rt: &Runtime) -> <$handle as ProjectionItem>::Blocking {
                    self.wrap(rt)
                }
            }
        )*
    };
}

items!(
    data: CustomEvent, Update, LifecycleEvent;
    handles: MessageStream, ToolCallStream, Subgraph
);

/// An item of a [merged](thread_stream::Scope::merged) projection, in blocking form: the
/// variants of [`thread_stream::Merged`], with messages, tool calls and subgraphs blocking.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Merged {
    /// A state snapshot.
    Values(Value),
    /// A message.
    Message(Blocking<MessageStream>),
    /// A tool call.
    ToolCall(Blocking<ToolCallStream>),
    /// A custom event.
    Custom(CustomEvent),
    /// A subgraph.
    Subgraph(Blocking<Subgraph>),
    /// A node's update.
    Update(Update),
    /// A lifecycle event.
    Lifecycle(LifecycleEvent),
    /// An interrupt.
    Interrupt(Interrupt),
}

impl ProjectionItem for thread_stream::Merged {
    type Blocking = Merged;
}

impl sealed::Sealed for thread_stream::Merged {
    fn blocking(self, rt: &Runtime) -> <thread_stream::Merged as ProjectionItem>::Blocking {
        use thread_stream::Merged as M;
        match self {
            M::Values(v) => Merged::Values(v),
            M::Message(m) => Merged::Message(m.wrap(rt)),
            M::ToolCall(t) => Merged::ToolCall(t.wrap(rt)),
            M::Custom(c) => Merged::Custom(c),
            M::Subgraph(s) => Merged::Subgraph(s.wrap(rt)),
            M::Update(u) => Merged::Update(u),
            M::Lifecycle(l) => Merged::Lifecycle(l),
            M::Interrupt(i) => Merged::Interrupt(i),
        }
    }
}
