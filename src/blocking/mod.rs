//! A blocking client, for code without an async runtime (the `blocking` feature).
//!
//! The same client as the async one, with the same resources, builders, setters, options and
//! [`Error`](crate::Error); a call ends in `.send()` instead of `.await`, a stream is an
//! [`Iterator`], and so is `.all()` of a search.
//!
//! ```no_run
//! use langgraph_sdk::blocking::prelude::*;
//! use serde_json::json;
//!
//! # fn main() -> langgraph_sdk::Result<()> {
//! let client = Client::from_env()?;
//! let thread = client.threads().create().metadata(json!({"user": "u1"})).send()?;
//! let output: serde_json::Value = client
//!     .runs()
//!     .wait(thread.thread_id, "agent")
//!     .input(json!({"messages": [{"role": "user", "content": "hi"}]}))
//!     .send()?;
//!
//! let stream = client
//!     .runs()
//!     .stream(thread.thread_id, "agent")
//!     .input(json!({"messages": [{"role": "user", "content": "and now?"}]}))
//!     .stream_mode(StreamMode::MessagesTuple)
//!     .stream_resumable(true)
//!     .send()?;
//! let mut messages = MessageAccumulator::new();
//! for event in stream {
//!     for delta in messages.push(&event?) {
//!         print!("{}", delta.text);
//!     }
//! }
//!
//! for thread in client.threads().search().limit(100).all() {
//!     println!("{}", thread?.thread_id);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # How it works
//!
//! Every blocking type is a [`Blocking<T>`] around the async `T`: `client.assistants().create(..)`
//! is a `Blocking<CreateAssistant>`, with every setter of
//! [`CreateAssistant`](crate::assistants::CreateAssistant) and a `send()` that blocks. The
//! methods of `Blocking<T>` are made from `T`'s own impl blocks at compile time, so the two
//! APIs cannot drift apart, and the async docs are the reference.
//!
//! A blocking [`Client`] owns a Tokio runtime on a thread of its own (`langgraph-blocking`),
//! which drives the connections of its one pool; each call runs on the calling thread, inside
//! that runtime. Clone the client into as many threads as you like: they share the pool. The
//! runtime thread ends when the client, and everything made from it, is dropped.
//!
//! # Streams
//!
//! A [`RunStream`] is an `Iterator<Item = Result<StreamEvent>>`, with the async stream's
//! guarantees: a resumable stream reconnects after a dropped connection and delivers every
//! event once, one that cannot resume ends with [`Error::StreamLost`](crate::Error::StreamLost).
//! Events are read as they are asked for; dropping the iterator closes the connection.
//! `.pass_through()` gives a [`PassThroughStream`], the events as sent, the same way.
//! [`MessageAccumulator`](crate::messages::MessageAccumulator) takes its events as they are,
//! and [`collect_iter`](crate::messages::MessageAccumulator::collect_iter) folds a whole stream.
//!
//! Thread streaming sessions ([`ThreadStream`], from `client.threads().stream(assistant)`)
//! work the same way: `start()` and `respond(..)` end in `.send()`, and each projection
//! (`values()`, `messages()`, `interrupts()`, …) is an iterator; a message's
//! `text_deltas()` too. (The raw `events()` projection is async only.)
//!
//! # Inside an async runtime
//!
//! A blocking call blocks its thread until it is done, wherever it is made; unlike
//! `reqwest::blocking`, it does not panic inside a Tokio runtime, and a client can be created
//! and dropped there. But a blocked thread of a runtime runs none of its other tasks: in async
//! code, use the async [`Client`](crate::Client) (or call from `spawn_blocking`).

#[cfg(test)]
mod coverage;
pub(crate) mod runtime;
mod streams;

pub use streams::{Merged, ProjectionItem};

pub(crate) use langgraph_sdk_macros::mirror;
pub(crate) use runtime::Runtime;

use std::fmt;

use futures_util::stream::BoxStream;
use serde_json::Value;

use crate::{Result, thread_stream};

/// A blocking client of one Agent Server deployment; see the [module docs](self).
///
/// Made with `Client::from_env()`, `Client::new(url)` or `Client::builder()`, as the async
/// [`Client`](crate::Client). Cloning is cheap: the clones share the connection pool and the
/// runtime thread.
pub type Client = Blocking<crate::Client>;

/// The settings of a blocking [`Client`]: those of [`ClientBuilder`](crate::ClientBuilder).
pub type ClientBuilder = Blocking<crate::ClientBuilder>;

/// The events of a run as an [`Iterator`] ([`stream::RunStream`](crate::stream::RunStream)).
pub type RunStream<S = Value> = Blocking<crate::stream::RunStream<S>>;

/// The events of a run as the server sent them, as an [`Iterator`]
/// ([`stream::PassThroughStream`](crate::stream::PassThroughStream), from `.pass_through()`).
pub type PassThroughStream = Blocking<crate::stream::PassThroughStream>;

/// Every item of every page of a search, as an [`Iterator`] (what `.all()` returns).
pub type Pages<T> = Blocking<BoxStream<'static, Result<T>>>;

/// A thread streaming session ([`thread_stream::ThreadStream`]).
pub type ThreadStream = Blocking<thread_stream::ThreadStream>;

/// A projection of a session as an [`Iterator`] ([`thread_stream::Projection`]).
pub type Projection<T> = Blocking<thread_stream::Projection<T>>;

/// One message of a session ([`thread_stream::MessageStream`]).
pub type MessageStream = Blocking<thread_stream::MessageStream>;

/// One tool call of a session ([`thread_stream::ToolCallStream`]).
pub type ToolCallStream = Blocking<thread_stream::ToolCallStream>;

/// A subgraph of a session's run ([`thread_stream::Subgraph`]).
pub type Subgraph = Blocking<thread_stream::Subgraph>;

/// The deltas of a message's text or a tool call's output as an [`Iterator`]
/// ([`thread_stream::Deltas`]).
pub type Deltas<T> = Blocking<thread_stream::Deltas<T>>;

/// What a typical blocking program needs, in one `use langgraph_sdk::blocking::prelude::*;`.
pub mod prelude {
    pub use super::Client;
    pub use crate::messages::MessageAccumulator;
    pub use crate::runs::{Command, RunOptions, StreamMode};
    pub use crate::stream::{StreamEvent, StreamPart};
    pub use crate::threads::ThreadStreamMode;
    pub use crate::{Error, RequestOptions, Result};
}

/// The blocking form of an async type `T` of this crate: `T`'s methods, with `.send()` (and
/// every other `async fn`) blocking until done, and streams as iterators.
///
/// Its methods are listed by `T`: `Blocking<SearchThreads>` has every setter of
/// [`SearchThreads`](crate::threads::SearchThreads). Each ends with a link to the async
/// method it runs.
#[must_use = "nothing is sent until `.send()` is called or the iterator is read"]
pub struct Blocking<T> {
    inner: T,
    rt: Runtime,
}

impl<T> Blocking<T> {
    pub(crate) fn from_parts(inner: T, rt: Runtime) -> Blocking<T> {
        Blocking { inner, rt }
    }

    pub(crate) fn into_parts(self) -> (T, Runtime) {
        (self.inner, self.rt)
    }

    pub(crate) fn parts(&self) -> (&T, &Runtime) {
        (&self.inner, &self.rt)
    }

    pub(crate) fn parts_mut(&mut self) -> (&mut T, &Runtime) {
        (&mut self.inner, &self.rt)
    }
}

impl<T: fmt::Debug> fmt::Debug for Blocking<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Blocking").field(&self.inner).finish()
    }
}

impl<T: Clone> Clone for Blocking<T> {
    fn clone(&self) -> Self {
        Blocking {
            inner: self.inner.clone(),
            rt: self.rt.clone(),
        }
    }
}

/// An async type with a blocking form ([`Blocking<Self>`]): the builders (through the macros
/// that make them awaitable), the resource handles, streams and sessions. A method whose
/// result is neither this nor a data type fails to compile with the `blocking` feature.
pub(crate) trait Handle: Sized {
    fn wrap(self, rt: &Runtime) -> Blocking<Self> {
        Blocking::from_parts(self, rt.clone())
    }

    /// [`wrap`](Self::wrap), for a result that may be an error anyway.
    fn attach(self, rt: &Runtime) -> Result<Blocking<Self>> {
        Ok(self.wrap(rt))
    }
}

impl Handle for crate::Client {
    /// A new client starts its runtime, and reports when it cannot.
    fn attach(self, rt: &Runtime) -> Result<Blocking<Self>> {
        rt.start()?;
        Ok(self.wrap(rt))
    }
}

impl Handle for crate::ClientBuilder {}
impl Handle for crate::Assistants {}
impl Handle for crate::Threads {}
impl Handle for crate::Runs {}
impl Handle for crate::Crons {}
impl Handle for crate::Store {}
impl<S> Handle for crate::stream::RunStream<S> {}
impl Handle for crate::stream::PassThroughStream {}
impl<T> Handle for BoxStream<'static, Result<T>> {}
impl Handle for thread_stream::OpenThreadStream {}
impl Handle for thread_stream::ThreadStream {}
impl Handle for thread_stream::StartRun {}
impl Handle for thread_stream::Respond {}
impl Handle for thread_stream::Scope {}
impl Handle for thread_stream::Subgraph {}
impl Handle for thread_stream::MessageStream {}
impl Handle for thread_stream::ToolCallStream {}
impl<T> Handle for thread_stream::Projection<T> {}
impl<T> Handle for thread_stream::Deltas<T> {}

/// What a mirrored method returns as it is (data) must have no blocking form: `CHECK` is
/// ambiguous, and fails to compile, for a [`Handle`], a stream or a future, which the blocking
/// API would otherwise hand out in its async form.
pub(crate) trait NotHandle<Which> {
    const CHECK: () = ();
}
impl<T: ?Sized> NotHandle<()> for T {}
impl<T: Handle> NotHandle<u8> for T {}
impl<T: ?Sized + futures_util::Stream> NotHandle<u16> for T {}
impl<T: ?Sized + std::future::IntoFuture> NotHandle<u32> for T {}
