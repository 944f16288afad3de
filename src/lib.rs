//! Rust SDK for the [LangGraph Agent Server API] (LangSmith Deployment): assistants, threads,
//! runs, crons, the store, and streaming of graph runs.
//!
//! ```toml
//! [dependencies]
//! langgraph-sdk = "0.1"
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! # Quick start
//!
//! ```no_run
//! use langgraph_sdk::prelude::*;
//! use serde_json::json;
//!
//! # async fn demo() -> langgraph_sdk::Result<()> {
//! // LANGGRAPH_API_URL (default http://localhost:8123) and the first of LANGGRAPH_API_KEY,
//! // LANGSMITH_API_KEY, LANGCHAIN_API_KEY.
//! let client = Client::from_env()?;
//! let assistants = client.assistants().search().graph_id("agent").limit(10).await?;
//! let thread = client.threads().create().metadata(json!({"user": "u1"})).await?;
//!
//! #[derive(serde::Deserialize)]
//! struct Chat {
//!     messages: Vec<serde_json::Value>,
//! }
//! let chat: Chat = client
//!     .runs()
//!     .wait(thread.thread_id, "agent")
//!     .input(json!({"messages": [{"role": "user", "content": "hi"}]}))
//!     .output_as()
//!     .await?;
//! # Ok(())
//! # }
//! ```
//!
//! One [`Client`] per server ([`Client::from_env`], [`Client::new`], [`Client::builder`] for
//! the key, headers, timeouts, retries and your own `reqwest` settings); it is cheap to clone
//! and shares one connection pool. Each resource has a handle: [`assistants`](Client::assistants),
//! [`threads`](Client::threads), [`runs`](Client::runs), [`crons`](Client::crons),
//! [`store`](Client::store). Every call is a builder: set what you need, then `.await` it (or
//! call its `send()`). Ids go in as anything that displays (`&str`, `String`, `uuid::Uuid`)
//! and come out as [`uuid::Uuid`].
//!
//! # Streaming
//!
//! ```no_run
//! use langgraph_sdk::prelude::*;
//! use serde_json::json;
//!
//! # async fn demo(client: Client, thread_id: uuid::Uuid) -> langgraph_sdk::Result<()> {
//! let mut stream = client
//!     .runs()
//!     .stream(thread_id, "agent")
//!     .input(json!({"messages": [{"role": "user", "content": "hi"}]}))
//!     .stream_mode([StreamMode::MessagesTuple, StreamMode::Updates])
//!     .stream_resumable(true) // a dropped connection resumes without losing events
//!     .await?;
//! let mut messages = MessageAccumulator::new();
//! while let Some(event) = stream.try_next().await? {
//!     for delta in messages.push(&event) {
//!         print!("{}", delta.text); // tokens as they come
//!     }
//!     if let StreamPart::Updates { interrupts, .. } = &event.part
//!         && let Some(interrupt) = interrupts.first()
//!     {
//!         println!("\nthe graph asks: {:?}", interrupt.value);
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! A [`RunStream`](stream::RunStream) is a `Stream` of [`StreamEvent`](stream::StreamEvent)s:
//! the typed [`StreamPart`](stream::StreamPart), the subgraph namespace, the event id, and a
//! generic view ([`event`](stream::StreamEvent::event), [`data`](stream::StreamEvent::data))
//! for code that forwards or logs events. An interrupt always arrives inside the `updates` or
//! `values` part that carries it. A resumable stream reconnects after a dropped connection and
//! delivers every event exactly once; one that cannot be resumed ends with
//! [`Error::StreamLost`] instead of skipping events. [`messages::MessageAccumulator`] folds
//! message chunks into messages.
//!
//! # Errors
//!
//! Every call returns [`Result<T, Error>`](Result). [`Error::Api`] carries the server's status,
//! message, `x-request-id` and body ([`Error::is_not_found`], [`Error::is_conflict`], …); a run
//! that fails is [`Error::Run`]; transport failures, timeouts and undecodable answers have
//! their own variants; bad input is refused before anything is sent ([`Error::InvalidInput`]).
//! Errors of the [`raw`] layer convert with `?`.
//!
//! # Pagination
//!
//! Searches and lists `.await` to one [`Page`] (`limit`, `offset`, [`Page::next_offset`],
//! [`Page::total`]), or stream every item of every page with `.all()`:
//!
//! ```no_run
//! # use langgraph_sdk::prelude::*;
//! # async fn demo(client: Client) -> langgraph_sdk::Result<()> {
//! let mut threads = client.threads().search().limit(100).all();
//! while let Some(thread) = threads.try_next().await? {
//!     println!("{}", thread.thread_id);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Per-request options
//!
//! Every call also takes `.header(name, value)` and `.timeout(duration)` (or a
//! [`RequestOptions`] for many calls), e.g. an end user's token for a deployment with custom
//! auth, without a client per user.
//!
//! # Retries and timeouts
//!
//! A failed connection is retried for every call. A request that is harmless to repeat (GET,
//! PUT, DELETE, the searches and counts) is also retried when the connection drops without an
//! answer and on 429, 502, 503 and 504, after the server's `Retry-After`; a request that may
//! have started a run is never sent twice ([`RetryPolicy`]). By default a connection must open
//! within 5 s and the server must send something every 300 s; there is no limit on a whole
//! request, since a stream or a `wait` may take hours. Redirects are never followed, and the
//! API key goes only to the server's origin. Each request is traced in a `tracing` span
//! (`langgraph.request`); the API key is in no span, log or `Debug` output.
//!
//! # The raw layer
//!
//! [`raw`] is the client generated from the server's OpenAPI spec: one method per operation,
//! every request and response type ([`types`]). Reach it through [`Client::raw`] to share the
//! client's connection pool, key, retries and tracing:
//!
//! ```no_run
//! # async fn demo(client: langgraph_sdk::Client) -> langgraph_sdk::Result<()> {
//! use langgraph_sdk::types;
//!
//! let count = client
//!     .raw()
//!     .count_crons()
//!     .body(types::CronCountRequest::builder())
//!     .send()
//!     .await?; // the raw layer's errors convert with `?`
//! println!("{} crons", *count);
//! # Ok(())
//! # }
//! ```
//!
//! # Features
//!
//! - `rustls` (default): TLS with rustls.
//! - `native-tls`: TLS with the platform's library (OpenSSL, Secure Transport, SChannel).
//! - `schemars`: `schemars::JsonSchema` on every type of [`types`].
//! - `websocket`: thread stream sessions over a WebSocket.
//! - `blocking`: a blocking client, `langgraph_sdk::blocking`, for code without an async
//!   runtime: the same API, each call ending in `.send()`, streams as iterators.
//!
//! # Modules
//!
//! | module | what it holds |
//! |---|---|
//! | [`prelude`] | what a typical program needs, in one `use` |
//! | [`client`] | [`Client`] and its own calls (`info`, `health`) |
//! | [`assistants`], [`threads`], [`runs`], [`crons`], [`store`] | one handle and its builders per resource |
//! | [`stream`] | run streams, their events, resumption |
//! | [`messages`] | folding message chunks into messages |
//! | [`raw`], [`types`] | the generated client and types |
//! | `blocking` (feature `blocking`) | the same API without async: `.send()`, iterators |
//!
//! [LangGraph Agent Server API]: https://docs.langchain.com/langsmith/server-api-ref
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod assistants;
#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;
mod byte_words;
pub mod client;
mod config;
pub mod crons;
mod error;
pub mod messages;
mod operations;
mod pagination;
pub mod raw;
mod request;
mod request_options;
pub mod runs;
#[cfg(test)]
mod spec_mirrors;
mod sse;
pub mod store;
pub mod stream;
pub mod thread_stream;
pub mod threads;
mod transport;

pub use assistants::Assistants;
pub use client::Client;
pub use config::{API_KEY_ENVS, ApiKey, ClientBuilder, DEFAULT_URL, RetryPolicy, URL_ENV};
pub use crons::Crons;
pub use error::{ApiError, Error, ErrorKind, RunError};
pub use pagination::Page;
pub use raw::types;
pub use request_options::RequestOptions;
pub use runs::Runs;
pub use store::Store;
pub use threads::Threads;

/// The result of every fallible call of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a typical program needs, in one `use langgraph_sdk::prelude::*;`: the client, its
/// errors, run options and stream types, and the `futures` extension traits that give
/// streams their `.next()` and `.try_next()`.
pub mod prelude {
    pub use crate::messages::MessageAccumulator;
    pub use crate::runs::{Command, RunOptions, StreamMode};
    pub use crate::stream::{StreamEvent, StreamPart};
    pub use crate::threads::ThreadStreamMode;
    pub use crate::{Client, Error, RequestOptions, Result};
    pub use futures_util::{StreamExt as _, TryStreamExt as _};
}

// The README's examples are compiled with the doctests, so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;
