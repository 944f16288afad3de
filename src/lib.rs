//! Rust SDK for the LangGraph Agent Server API (LangSmith Deployment): assistants, threads,
//! runs, crons and the store.
//!
//! ```no_run
//! use langgraph_sdk::Client;
//! use serde_json::json;
//!
//! # async fn demo() -> langgraph_sdk::Result<()> {
//! let client = Client::from_env()?;
//! let assistants = client.assistants().search().graph_id("agent").limit(10).await?;
//! let thread = client.threads().create().metadata(json!({"user": "u1"})).await?;
//! let output: serde_json::Value = client
//!     .runs()
//!     .wait(thread.thread_id, "agent")
//!     .input(json!({"messages": [{"role": "user", "content": "hi"}]}))
//!     .await?;
//! # Ok(())
//! # }
//! ```
//!
//! The crate has two layers:
//!
//! - The ergonomic client, [`Client`], with one handle per resource
//!   ([`assistants`](Client::assistants), [`threads`](Client::threads), [`runs`](Client::runs),
//!   [`crons`](Client::crons), [`store`](Client::store)). Calls are builders that you `.await`;
//!   every call returns [`Result<T, Error>`](Result). It adds what the API alone does not: API
//!   key resolution from the environment, retries of what is safe to retry, typed errors,
//!   tracing, pagination, typed state.
//! - [`raw`]: the bindings generated from the server's OpenAPI spec, one method per operation,
//!   with every request and response type ([`types`]). Reach it through [`Client::raw`] to
//!   share the client's connection pool, key, retries and tracing.
#![warn(missing_docs)]

pub mod assistants;
mod client;
mod config;
pub mod crons;
mod error;
pub mod messages;
mod operations;
mod pagination;
pub mod raw;
mod request;
mod run_options;
pub mod runs;
#[cfg(test)]
mod spec_mirrors;
mod sse;
pub mod store;
pub mod stream;
mod stream_part;
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
pub use runs::Runs;
pub use store::Store;
pub use threads::Threads;

/// The result of every fallible call of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

// The README's examples are compiled with the doctests, so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;
