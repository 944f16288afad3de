//! The generated bindings: every operation of the Agent Server API, exactly as the
//! (normalized) spec describes it.
//!
//! This is the layer under the ergonomic client: complete, typed, and one-to-one with the
//! HTTP API. Each operation is a method on [`Client`] that returns a builder; set its
//! parameters and `.send().await` it. Request and response types live in [`types`], each with
//! a `builder()` of its own; all of them derive `serde`, and `schemars::JsonSchema` with the
//! `schemars` feature.
//!
//! The code is generated at build time by `build.rs` from `openapi.json`; see the `codegen`
//! crate for the normalization applied first (clean operation names, fixes where the
//! published spec disagrees with the server, request types that send only what was set).
//!
//! [`Hooks`] is how the generated client reaches code of ours around each request.

// Generated code: not every item has a description in the spec, and clippy's style is not the
// generator's. Its docs are checked like ours (no rustdoc lint is allowed).
#![allow(missing_docs, clippy::all, clippy::pedantic)]

use std::{fmt, sync::Arc};

include!(concat!(env!("OUT_DIR"), "/raw.rs"));

/// A callback told the operation id and the HTTP status (or `None` when no response arrived)
/// of every request the generated client completes.
pub type ResponseObserver = dyn Fn(&'static str, Option<reqwest::StatusCode>) + Send + Sync;

/// What the generated [`Client`] runs around each request.
///
/// `Hooks::default()` sends requests as they are. The raw client of a
/// [`crate::Client`] ([`crate::Client::raw`]) has hooks that do what every call of the
/// ergonomic layer does: refuse a URL that is not the operation's endpoint (an id `..`, say:
/// [`Error::InvalidRequest`]), add the API key (to the server's origin only), retry what is
/// safe to retry, limit the size of response bodies, and trace each request. Redirects are
/// not followed: a 3xx is an [`Error::UnexpectedResponse`] carrying it.
#[derive(Clone, Default)]
pub struct Hooks {
    transport: Option<Arc<crate::transport::Transport>>,
    on_response: Option<Arc<ResponseObserver>>,
}

impl Hooks {
    pub(crate) fn with_transport(transport: Arc<crate::transport::Transport>) -> Self {
        Hooks {
            transport: Some(transport),
            on_response: None,
        }
    }

    /// Calls `observer` after every request with the operation id (e.g. `"create_run"`) and
    /// the status of the response, if one arrived.
    pub fn on_response(
        mut self,
        observer: impl Fn(&'static str, Option<reqwest::StatusCode>) + Send + Sync + 'static,
    ) -> Self {
        self.on_response = Some(Arc::new(observer));
        self
    }
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field("transport", &self.transport.is_some())
            .field("on_response", &self.on_response.is_some())
            .finish()
    }
}

/// The operation of `info`, as the transport knows it (every generated operation is in the
/// table; one that is not gets the strictest treatment: not retried, body limited).
fn operation(info: &OperationInfo, method: &reqwest::Method) -> crate::operations::Operation {
    crate::operations::Operation::by_id(info.operation_id)
        .cloned()
        .unwrap_or(crate::operations::Operation {
            id: info.operation_id,
            method: method.clone(),
            path: "",
            retry_safe: false,
            streams: false,
        })
}

impl ClientHooks<Hooks> for Client {
    /// The checks of the ergonomic layer: the URL must be the operation's own endpoint.
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        if let Some(transport) = &self.inner.transport {
            let op = operation(info, request.method());
            transport
                .prepare(&op, request)
                .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        match &self.inner.transport {
            Some(transport) => {
                let op = operation(info, request.method());
                transport.execute(&op, request).await
            }
            None => self.client.execute(request).await,
        }
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        if let Some(observer) = &self.inner.on_response {
            observer(info.operation_id, result.as_ref().ok().map(|r| r.status()));
        }
        Ok(())
    }
}
