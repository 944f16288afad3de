//! Rust SDK for the LangGraph Agent Server API (LangSmith Deployment).
//!
//! The crate is generated from the server's OpenAPI spec (vendored as `openapi.json`) and
//! layered:
//!
//! - [`raw`]: the generated bindings, one method per operation with a builder, and every
//!   request and response type. It is complete and exact, and it is the escape hatch under the
//!   ergonomic layer.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use langgraph_sdk::raw;
//!
//! let client = raw::Client::new("http://localhost:8123", raw::Hooks::default());
//! let assistants = client
//!     .search_assistants()
//!     .body(raw::types::AssistantSearchRequest::builder().graph_id(Some("agent".to_string())))
//!     .send()
//!     .await?;
//! println!("{} assistants", assistants.len());
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

pub mod raw;
