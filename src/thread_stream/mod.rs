//! Thread streaming sessions (the v3 protocol): one connection per session, typed
//! projections read from it, live tokens, interrupts answered in place.
//!
//! A [`ThreadStream`] is a session on one thread, opened with
//! [`client.threads().stream(assistant)`](crate::threads::Threads::stream). Runs are started
//! and interrupts answered with commands (`POST /threads/{id}/commands`); everything the
//! graph does arrives on one shared event connection (`POST /threads/{id}/stream/events`,
//! or a WebSocket with the `websocket` feature), from which any number of projections read:
//!
//! | projection | yields |
//! |---|---|
//! | [`values`](ThreadStream::values), [`values_as`](ThreadStream::values_as) | state snapshots, as JSON or your type |
//! | [`messages`](ThreadStream::messages) | one [`MessageStream`] per message: live text and reasoning deltas, then the whole message |
//! | [`tool_calls`](ThreadStream::tool_calls) | one [`ToolCallStream`] per tool call: input, output deltas, output or error |
//! | [`custom`](ThreadStream::custom), [`custom_channel`](ThreadStream::custom_channel) | custom events, all or of one named channel |
//! | [`subgraphs`](ThreadStream::subgraphs) | one [`Subgraph`] per subgraph, with the same projections scoped to it |
//! | [`interrupts`](ThreadStream::interrupts) | requests for human input, to answer with [`respond`](ThreadStream::respond) |
//! | [`lifecycle`](ThreadStream::lifecycle), [`updates`](ThreadStream::updates) | run and subgraph lifecycle; what each node returned |
//! | [`merged`](ThreadStream::merged) | several of the above in one stream, in the server's order |
//! | [`events`](ThreadStream::events) | the raw event envelopes of some channels |
//!
//! and [`output`](ThreadStream::output) is the thread's state once the run completes (the
//! run's error, [`Error::Run`], when it fails).
//!
//! ```no_run
//! # async fn demo(client: langgraph_sdk::Client) -> langgraph_sdk::Result<()> {
//! use futures_util::TryStreamExt;
//! use serde_json::json;
//!
//! let session = client.threads().stream("agent").await?;
//! session
//!     .start()
//!     .input(json!({"messages": [{"role": "user", "content": "hi"}]}))
//!     .await?;
//! let mut messages = session.messages();
//! while let Some(message) = messages.try_next().await? {
//!     let mut tokens = message.text_deltas();
//!     while let Some(token) = tokens.try_next().await? {
//!         print!("{token}");
//!     }
//! }
//! let state: serde_json::Value = session.output().await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Which events a projection sees
//!
//! A projection follows one run of the thread, through its interrupts and resumptions, and
//! ends when that run completes or fails: the run the session started last (from the run's
//! first event, even if they arrived before the projection was made), else the run in
//! progress, else the next one. So `start()` then `messages()` sees the whole run, and so
//! does `messages()` then `start()`; after [`output`](ThreadStream::output), `messages()`
//! replays the run that just ended. Runs that ended before a session opened on an existing
//! thread are not followed.
//! A projection is scoped to a namespace: the root graph's for the session, a subgraph's for
//! a [`Subgraph`]. Values, messages, tool calls and updates are those of exactly that
//! namespace; custom events, lifecycle events, interrupts and raw events include those of
//! the subgraphs below it.
//!
//! # Buffering
//!
//! The session reads the connection as fast as the server sends and never waits for a
//! consumer, so a slow or stalled consumer does not hold up the others. Each projection
//! buffers at most [`buffer`](OpenThreadStream::buffer) items (1,024 by default; a message or
//! tool call is one item however long it is); a projection whose consumer falls further
//! behind ends with [`Error::Lagged`] after the items it holds, and the
//! others go on. The session also keeps the current run's events, up to the same bound, for
//! projections made during the run. A [`MessageStream`] or [`ToolCallStream`] holds what it
//! received (its text, its output deltas) for its readers, each at its own pace.
//!
//! # Connections
//!
//! The connection subscribes to the union of the channels the projections read (and always
//! to `lifecycle` and `input`). A projection that needs another channel makes the session
//! open a wider connection, replaying the current run if needed, and close the old one once
//! the new one answers. Events are taken once by their `event_id`; a connection that drops
//! is reopened with `since` (the highest `seq` taken) after a backoff, as the client's
//! [`RetryPolicy`](crate::RetryPolicy) says, and an error status other than 408 and 429 ends
//! the session's projections with that error. Dropping the last handle of the session (or
//! [`close`](ThreadStream::close)) closes the connection and ends every projection.

mod connection;
mod decoders;
mod driver;
mod handles;
mod queue;
mod scope;
#[cfg(feature = "websocket")]
mod websocket;
mod wire;

pub use handles::{Deltas, FinishedMessage, MessageStream, ToolCallStream};
pub use wire::{
    Channel, Checkpoint, CustomEvent, Delta, Event, EventData, InputRequest, Lifecycle,
    LifecycleStatus, MessageEvent, Method, ProtocolError, ProtocolErrorCode, Role, ToolEvent,
    Update,
};

use std::{
    fmt::{self, Display},
    future::{IntoFuture, poll_fn},
    pin::Pin,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    task::{Context, Poll},
};

use futures_util::{Stream, future::BoxFuture};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use self::{
    connection::Ctx,
    decoders::{Decoder, Item, Kind, Payload, event_of},
    driver::{Control, Driver, Follow, Status, Sub},
    queue::{EVENTS_OPERATION, Fault, Queue, Shared},
    scope::Prefix,
    wire::{Answer, Command},
};
use crate::{
    Client, Error, RequestOptions, Result,
    error::ApiError,
    operations as ops,
    request::{Invalid, to_json, to_map},
    request_options::request_options,
};

/// The default bound of each projection's buffer ([`OpenThreadStream::buffer`]).
pub const DEFAULT_BUFFER: usize = 1024;

/// How a session receives its events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamTransport {
    /// Server-sent events on `POST /threads/{id}/stream/events`.
    #[default]
    Sse,
    /// A WebSocket on `/threads/{id}/stream/events` (the `websocket` feature). The
    /// handshake carries what the session's HTTP requests carry: the API key (on the
    /// server's origin only), the `User-Agent`, the client's and the session's headers.
    ///
    /// The pinned server ignores `since` on a WebSocket subscription and replays the
    /// events of the run in progress instead (all the thread's events when no run is in
    /// progress); repeats are dropped by `event_id` as on SSE, but a connection that drops
    /// while one run ends and the next begins may miss the end of the first. SSE resumes
    /// exactly from `since`.
    #[cfg(feature = "websocket")]
    WebSocket,
}

/// Opens a [`ThreadStream`]: `client.threads().stream(assistant)`, then `.await`.
///
/// Like every call it takes [`header`](Self::header), [`timeout`](Self::timeout) and
/// [`request_options`](Self::request_options): the headers go with every command, read and
/// event connection of the session (and on the WebSocket handshake); the timeout limits each
/// command and read, and the opening of each event connection (one that does not open in time
/// is tried again, like a dropped one), not how long the connection lasts.
///
/// ```no_run
/// # async fn demo(client: langgraph_sdk::Client, thread_id: uuid::Uuid) -> langgraph_sdk::Result<()> {
/// let session = client
///     .threads()
///     .stream("agent")
///     .thread_id(thread_id)
///     .header("x-user-id", "u1")
///     .buffer(4096)
///     .await?;
/// # Ok(())
/// # }
/// ```
#[must_use = "a session is opened when awaited"]
pub struct OpenThreadStream {
    client: Client,
    assistant_id: String,
    thread_id: Option<uuid::Uuid>,
    request: RequestOptions,
    buffer: usize,
    transport: StreamTransport,
    invalid: Invalid,
}

impl fmt::Debug for OpenThreadStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenThreadStream")
            .field("assistant_id", &self.assistant_id)
            .field("thread_id", &self.thread_id)
            .field("request", &self.request)
            .field("buffer", &self.buffer)
            .field("transport", &self.transport)
            .finish()
    }
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl OpenThreadStream {
    pub(crate) fn new(client: Client, assistant_id: String) -> OpenThreadStream {
        let mut invalid = Invalid::default();
        if assistant_id.is_empty() {
            invalid.check::<()>(Err(Error::InvalidInput("the assistant id is empty".into())));
        }
        OpenThreadStream {
            client,
            assistant_id,
            thread_id: None,
            request: RequestOptions::default(),
            buffer: DEFAULT_BUFFER,
            transport: StreamTransport::default(),
            invalid,
        }
    }

    /// The thread (a UUID). Without it a new id is made; the server creates the thread with
    /// the first run. With it the session can watch runs already going on the thread.
    pub fn thread_id(mut self, id: impl Display) -> Self {
        let id = id.to_string();
        self.thread_id =
            self.invalid.check(uuid::Uuid::parse_str(&id).map_err(|e| {
                Error::InvalidInput(format!("the thread id {id:?} is not a UUID: {e}"))
            }));
        self
    }

    /// How many items each projection buffers for a consumer that is behind (see the
    /// [module docs](self#buffering)); at least 1.
    pub fn buffer(mut self, items: usize) -> Self {
        self.buffer = items.max(1);
        self
    }

    /// How the session receives events (SSE by default).
    pub fn transport(mut self, transport: StreamTransport) -> Self {
        self.transport = transport;
        self
    }

    /// Opens the session. It must run inside a Tokio runtime (the session's fan-out is a
    /// task).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an invalid thread id, header or empty assistant id.
    pub async fn send(self) -> Result<ThreadStream> {
        self.invalid.into_result()?;
        self.request.check()?;
        let explicit = self.thread_id.is_some();
        let thread_id = self.thread_id.unwrap_or_else(uuid::Uuid::new_v4);
        let ctx = Arc::new(Ctx {
            client: self.client,
            thread_id: thread_id.to_string(),
            request: self.request,
            capacity: self.buffer,
            transport: self.transport,
        });
        let (control, rx) = mpsc::unbounded_channel();
        let status = Arc::new(Mutex::new(Status::default()));
        Driver::spawn(ctx.clone(), status.clone(), rx, explicit);
        let link = Arc::new(Link {
            control,
            capacity: ctx.capacity,
            next_id: AtomicU64::new(1),
            last_started: Mutex::new(None),
        });
        Ok(ThreadStream {
            inner: Arc::new(Inner {
                scope: Scope {
                    link,
                    namespace: Vec::new(),
                    epoch: None,
                },
                ctx,
                thread_id,
                assistant_id: self.assistant_id,
                explicit,
                status,
                commands: AtomicU64::new(1),
                runs_started: AtomicU64::new(0),
            }),
        })
    }
}

request_options!(OpenThreadStream);

impl IntoFuture for OpenThreadStream {
    type Output = Result<ThreadStream>;
    type IntoFuture = BoxFuture<'static, Result<ThreadStream>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A streaming session on one thread (see the [module docs](self)).
///
/// Cheap to clone and `Send + Sync`: use it from several tasks at once. The session (its
/// connection, and every projection) ends when the last clone is dropped or on
/// [`close`](Self::close).
#[derive(Clone)]
pub struct ThreadStream {
    inner: Arc<Inner>,
}

struct Inner {
    scope: Scope,
    ctx: Arc<Ctx>,
    thread_id: uuid::Uuid,
    assistant_id: String,
    explicit: bool,
    status: Arc<Mutex<Status>>,
    commands: AtomicU64,
    runs_started: AtomicU64,
}

impl Drop for Inner {
    fn drop(&mut self) {
        let _ = self.scope.link.control.send(Control::Close);
    }
}

impl fmt::Debug for ThreadStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadStream")
            .field("thread_id", &self.inner.thread_id)
            .field("assistant_id", &self.inner.assistant_id)
            .field("transport", &self.inner.ctx.transport)
            .finish_non_exhaustive()
    }
}

/// Counters of a session's connections ([`ThreadStream::stats`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamStats {
    /// Event connections opened: the first, wider ones for new projections, reconnects.
    pub connections: u64,
    /// Reconnects after a connection dropped.
    pub reconnects: u64,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl ThreadStream {
    /// The thread.
    pub fn thread_id(&self) -> uuid::Uuid {
        self.inner.thread_id
    }

    /// The assistant (or graph) the session's runs use.
    pub fn assistant_id(&self) -> &str {
        &self.inner.assistant_id
    }

    /// The session's root scope: the projections of the root graph.
    pub fn scope(&self) -> &Scope {
        &self.inner.scope
    }

    /// Counts of the connections opened so far.
    pub fn stats(&self) -> StreamStats {
        let s = lock(&self.inner.status);
        StreamStats {
            connections: s.connections,
            reconnects: s.reconnects,
        }
    }

    /// Starts a run of the session's assistant on the thread (`run.start`); `.await` it for
    /// the run id.
    ///
    /// When the thread waits for human input, the server treats a start with input as the
    /// answer to its interrupt; answer with [`respond`](Self::respond) instead.
    pub fn start(&self) -> StartRun {
        StartRun {
            session: self.clone(),
            params: serde_json::Map::new(),
            invalid: Invalid::default(),
        }
    }

    /// Answers `interrupt` with `response` (`input.respond`); the run goes on in this
    /// session and its projections continue. Answer several interrupts of one step at once
    /// with [`and`](Respond::and).
    ///
    /// ```no_run
    /// # async fn demo(session: langgraph_sdk::thread_stream::ThreadStream) -> langgraph_sdk::Result<()> {
    /// use futures_util::TryStreamExt;
    /// use serde_json::json;
    ///
    /// let mut interrupts = session.interrupts();
    /// if let Some(interrupt) = interrupts.try_next().await? {
    ///     println!("asked: {}", interrupt.payload);
    ///     session.respond(&interrupt, json!("yes")).await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn respond(&self, interrupt: &Interrupt, response: impl Serialize) -> Respond {
        Respond {
            session: self.clone(),
            answers: Vec::new(),
            invalid: Invalid::default(),
        }
        .and(interrupt, response)
    }

    /// The interrupts waiting for an answer, as last seen on the event stream.
    pub fn pending_interrupts(&self) -> Vec<Interrupt> {
        lock(&self.inner.status).interrupts.clone()
    }

    /// The thread's state values once the run this session follows completes: the run in
    /// progress, else the next one. On a thread the session watches (opened with a thread
    /// id) where no run has been seen, the current state when the thread is idle.
    ///
    /// # Errors
    /// [`Error::Run`] when the run fails, [`Error::Decode`] when the values do not decode
    /// as `S`, [`Error::SessionClosed`], [`Error::StreamLost`], [`Error::InvalidInput`]
    /// when no run was started on a new thread.
    pub async fn output<S: DeserializeOwned>(&self) -> Result<S> {
        let seen = lock(&self.inner.status).runs_seen;
        let started = self.inner.runs_started.load(Ordering::SeqCst);
        if seen == 0 && started == 0 {
            if !self.inner.explicit {
                return Err(Error::InvalidInput(
                    "no run was started in this session, and its thread is new".into(),
                ));
            }
            let state = self.state().await?;
            if state
                .get("next")
                .and_then(Value::as_array)
                .is_none_or(Vec::is_empty)
            {
                return values_of(state);
            }
        }
        let mut lifecycle = self.scope().project(
            "output",
            vec![Decoder::pass(
                Kind::Lifecycle,
                [Channel::Lifecycle],
                Prefix::exact(vec![]),
            )],
            decode_lifecycle,
        );
        loop {
            let Some(event) = poll_fn(|cx| Pin::new(&mut lifecycle).poll_next(cx)).await else {
                return Err(lock(&self.inner.status)
                    .dead
                    .as_ref()
                    .map_or(Error::SessionClosed, Fault::to_error));
            };
            let event = event?;
            match event.lifecycle.status {
                LifecycleStatus::Completed => return values_of(self.state().await?),
                LifecycleStatus::Failed => {
                    return Err(Error::Run(crate::RunError::new(
                        "RunFailed",
                        event
                            .lifecycle
                            .error
                            .unwrap_or_else(|| "the run failed".into()),
                    )));
                }
                _ => {}
            }
        }
    }

    async fn state(&self) -> Result<Value> {
        let id = self.inner.thread_id.to_string();
        let transport = self.inner.ctx.client.transport();
        let builder = transport.request(&ops::GET_THREAD_STATE, &[&id], &self.inner.ctx.request)?;
        let response = transport.send(&ops::GET_THREAD_STATE, builder).await?;
        crate::transport::decode(ops::GET_THREAD_STATE.id, response).await
    }

    /// Closes the session now: the connection, and every projection of every clone.
    pub fn close(&self) {
        let _ = self.inner.scope.link.control.send(Control::Close);
    }

    /// Sends one command and returns its result.
    async fn command(&self, method: &'static str, params: Value) -> Result<Value> {
        let op = &ops::PROTOCOL_THREAD_COMMAND;
        let id = self.inner.commands.fetch_add(1, Ordering::SeqCst);
        let transport = self.inner.ctx.client.transport();
        let body = crate::request::to_json_bytes(op.id, &Command { id, method, params })?;
        let request = transport
            .request(
                op,
                &[&self.inner.thread_id.to_string()],
                &self.inner.ctx.request,
            )?
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .build()
            .map_err(|e| Error::InvalidInput(format!("`{method}`: {e}")))?;
        transport.prepare(op, &request)?;
        let response = transport
            .execute(op, request)
            .await
            .map_err(|e| Error::from_reqwest(op.id, e))?;
        let status = response.status();
        // A protocol error comes with 200 (a malformed command with 400); anything else
        // (a redirect, another error status) is not an answer.
        let response = if status.as_u16() == 400 {
            response
        } else {
            crate::transport::check(op.id, response).await?
        };
        let request_id = crate::transport::request_id(&response);
        let body = response
            .bytes()
            .await
            .map_err(|e| Error::from_reqwest(op.id, e))?;
        let json: Option<Value> = serde_json::from_slice(&body).ok();
        match json.as_ref().and_then(|j| Answer::parse(method, j)) {
            Some(Answer::Success { result }) => Ok(result),
            Some(Answer::Error(e)) => Err(Error::Protocol(Box::new(e))),
            None if status.is_success() => Err(Error::malformed(
                op.id,
                format!("`{method}` was not answered with a protocol response"),
                &body,
            )),
            None => Err(ApiError::new(op.id, status, request_id, &body).into()),
        }
    }
}

fn values_of<S: DeserializeOwned>(state: Value) -> Result<S> {
    let values = state.get("values").cloned().unwrap_or(Value::Null);
    S::deserialize(&values)
        .map_err(|e| Error::decode(ops::GET_THREAD_STATE.id, e, values.to_string().as_bytes()))
}

/// Starts a run ([`ThreadStream::start`]); `.await` it for the run id.
#[must_use = "the run starts when awaited"]
pub struct StartRun {
    session: ThreadStream,
    params: serde_json::Map<String, Value>,
    invalid: Invalid,
}

impl fmt::Debug for StartRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StartRun")
            .field("params", &self.params.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl StartRun {
    /// The graph's input.
    pub fn input(mut self, input: impl Serialize) -> Self {
        if let Some(v) = self.invalid.check(to_json("input", input)) {
            self.params.insert("input".into(), v);
        }
        self
    }

    /// The run's config (`configurable`, `tags`, `recursion_limit`, …).
    pub fn config(mut self, config: impl Serialize) -> Self {
        if let Some(v) = self.invalid.check(to_map("config", config)) {
            self.params.insert("config".into(), Value::Object(v));
        }
        self
    }

    /// The run's metadata.
    pub fn metadata(mut self, metadata: impl Serialize) -> Self {
        if let Some(v) = self.invalid.check(to_map("metadata", metadata)) {
            self.params.insert("metadata".into(), Value::Object(v));
        }
        self
    }

    /// Sends `run.start`.
    ///
    /// # Errors
    /// [`Error::Protocol`] when the server refuses it (an assistant that does not exist is
    /// [`ProtocolErrorCode::UnknownError`] with the server's 422 message),
    /// [`Error::SessionClosed`] after [`close`](ThreadStream::close), and as any request.
    pub async fn send(self) -> Result<uuid::Uuid> {
        self.invalid.into_result()?;
        let session = self.session;
        if lock(&session.inner.status).dead.is_some() {
            return Err(Error::SessionClosed);
        }
        let mut params = self.params;
        params.insert("assistant_id".into(), json!(session.inner.assistant_id));
        let result = session.command("run.start", Value::Object(params)).await?;
        let id = result
            .get("run_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let run_id = uuid::Uuid::parse_str(id).map_err(|e| {
            Error::malformed(
                ops::PROTOCOL_THREAD_COMMAND.id,
                format!("the run id is not a UUID: {e}"),
                result.to_string().as_bytes(),
            )
        });
        let link = &session.inner.scope.link;
        *lock(&link.last_started) = Some(id.to_ascii_lowercase());
        session.inner.runs_started.fetch_add(1, Ordering::SeqCst);
        let _ = link.control.send(Control::RunStarted);
        run_id
    }
}

impl IntoFuture for StartRun {
    type Output = Result<uuid::Uuid>;
    type IntoFuture = BoxFuture<'static, Result<uuid::Uuid>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Answers interrupts ([`ThreadStream::respond`]); `.await` it.
#[must_use = "the answer is sent when awaited"]
pub struct Respond {
    session: ThreadStream,
    answers: Vec<Value>,
    invalid: Invalid,
}

impl fmt::Debug for Respond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Respond")
            .field("answers", &self.answers.len())
            .finish()
    }
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl Respond {
    /// Answers another interrupt in the same command (the protocol's batch `responses`): the
    /// way to answer several interrupts raised in one step, which one answer at a time
    /// cannot (the first answer resumes the run).
    pub fn and(mut self, interrupt: &Interrupt, response: impl Serialize) -> Self {
        if let Some(response) = self.invalid.check(to_json("response", response)) {
            self.answers.push(json!({
                "interrupt_id": interrupt.id,
                "namespace": interrupt.namespace,
                "response": response,
            }));
        }
        self
    }

    /// Sends `input.respond`.
    ///
    /// # Errors
    /// [`Error::Protocol`] with [`ProtocolErrorCode::NoSuchInterrupt`] for an interrupt that
    /// is unknown or already answered, and as any request.
    pub async fn send(self) -> Result<()> {
        self.invalid.into_result()?;
        let session = self.session;
        let ids: Vec<String> = self
            .answers
            .iter()
            .filter_map(|a| a["interrupt_id"].as_str().map(str::to_string))
            .collect();
        let params = match <[Value; 1]>::try_from(self.answers) {
            Ok([one]) => one,
            Err(many) => json!({ "responses": many }),
        };
        session.command("input.respond", params).await?;
        let _ = session
            .inner
            .scope
            .link
            .control
            .send(Control::Responded(ids));
        let _ = session.inner.scope.link.control.send(Control::RunStarted);
        Ok(())
    }
}

impl IntoFuture for Respond {
    type Output = Result<()>;
    type IntoFuture = BoxFuture<'static, Result<()>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A request for human input: the graph called `interrupt(payload)` and waits for an
/// answer ([`ThreadStream::respond`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Interrupt {
    /// The interrupt's id.
    pub id: String,
    /// Where in the graph it was raised (`[]`: the root graph).
    pub namespace: Vec<String>,
    /// What the graph passed to `interrupt(…)`.
    pub payload: Value,
}

/// A lifecycle event and where it happened ([`ThreadStream::lifecycle`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LifecycleEvent {
    /// The namespace of the graph it is about (`[]`: the run's root graph).
    pub namespace: Vec<String>,
    /// What happened.
    pub lifecycle: Lifecycle,
}

/// What the session and its projections share: the way to the fan-out.
struct Link {
    control: mpsc::UnboundedSender<Control>,
    capacity: usize,
    next_id: AtomicU64,
    /// The run this session started last: projections made after it follow it.
    last_started: Mutex<Option<String>>,
}

/// The projections of one namespace: the root graph's ([`ThreadStream::scope`]) or a
/// subgraph's ([`Subgraph::scope`]). [`ThreadStream`] and [`Subgraph`] offer the same
/// methods directly.
#[derive(Clone)]
pub struct Scope {
    link: Arc<Link>,
    namespace: Vec<String>,
    /// The run a subgraph's scope belongs to (`None`: the session's root scope).
    epoch: Option<u64>,
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope")
            .field("namespace", &self.namespace)
            .finish()
    }
}

/// One kind of item of a [merged](Scope::merged) projection.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProjectionKind {
    /// [`Scope::values`]
    Values,
    /// [`Scope::messages`]
    Messages,
    /// [`Scope::tool_calls`]
    ToolCalls,
    /// [`Scope::custom`]
    Custom,
    /// [`Scope::custom_channel`]
    CustomChannel(String),
    /// [`Scope::subgraphs`]
    Subgraphs,
    /// [`Scope::updates`]
    Updates,
    /// [`Scope::lifecycle`]
    Lifecycle,
    /// [`Scope::interrupts`]
    Interrupts,
}

/// An item of a [merged](Scope::merged) projection.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Merged {
    /// A state snapshot.
    Values(Value),
    /// A message.
    Message(MessageStream),
    /// A tool call.
    ToolCall(ToolCallStream),
    /// A custom event.
    Custom(CustomEvent),
    /// A subgraph.
    Subgraph(Subgraph),
    /// A node's update.
    Update(Update),
    /// A lifecycle event.
    Lifecycle(LifecycleEvent),
    /// An interrupt.
    Interrupt(Interrupt),
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror(skip(events)))]
impl Scope {
    /// The namespace (`[]`: the root graph).
    pub fn namespace(&self) -> &[String] {
        &self.namespace
    }

    fn child(&self, namespace: Vec<String>, epoch: u64) -> Scope {
        Scope {
            link: self.link.clone(),
            namespace,
            epoch: Some(epoch),
        }
    }

    fn project<T>(
        &self,
        name: &'static str,
        decoders: Vec<Decoder>,
        decode: fn(Item) -> Option<Result<T>>,
    ) -> Projection<T> {
        let id = self.link.next_id.fetch_add(1, Ordering::Relaxed);
        let queue = Arc::new(Queue::new(self.link.capacity));
        let follows = match self.epoch {
            Some(epoch) => Follow::Epoch(epoch),
            None => Follow::Latest(lock(&self.link.last_started).clone()),
        };
        let sub = Sub::new(id, name, decoders, queue.clone(), follows);
        if self
            .link
            .control
            .send(Control::Subscribe(Box::new(sub)))
            .is_err()
        {
            // The session is closed.
            queue.close(None);
        }
        Projection {
            queue,
            decode,
            id,
            control: self.link.control.clone(),
        }
    }

    fn exact(&self) -> Prefix {
        Prefix::exact(self.namespace.clone())
    }

    fn below(&self) -> Prefix {
        Prefix::below(self.namespace.clone())
    }

    fn decoder(&self, kind: &ProjectionKind) -> Decoder {
        match kind {
            ProjectionKind::Values => Decoder::pass(Kind::Values, [Channel::Values], self.exact()),
            ProjectionKind::Messages => Decoder::Messages {
                prefix: self.exact(),
                open: Vec::new(),
            },
            ProjectionKind::ToolCalls => Decoder::ToolCalls {
                prefix: self.exact(),
                open: Default::default(),
            },
            ProjectionKind::Custom => Decoder::pass(Kind::Custom, [Channel::Custom], self.below()),
            ProjectionKind::CustomChannel(name) => {
                Decoder::pass(Kind::Custom, [Channel::Named(name.clone())], self.below())
            }
            ProjectionKind::Subgraphs => Decoder::Subgraphs {
                scope: self.clone(),
                children: Default::default(),
            },
            ProjectionKind::Updates => {
                Decoder::pass(Kind::Updates, [Channel::Updates], self.exact())
            }
            ProjectionKind::Lifecycle => {
                Decoder::pass(Kind::Lifecycle, [Channel::Lifecycle], self.below())
            }
            ProjectionKind::Interrupts => {
                Decoder::pass(Kind::Interrupts, [Channel::Input], self.below())
            }
        }
    }

    /// State snapshots of this namespace's graph, as JSON.
    pub fn values(&self) -> Projection<Value> {
        self.values_as()
    }

    /// State snapshots of this namespace's graph, decoded as `S` (a snapshot that does not
    /// decode is an [`Error::Decode`] item; the projection goes on).
    pub fn values_as<S: DeserializeOwned>(&self) -> Projection<S> {
        self.project(
            "values",
            vec![self.decoder(&ProjectionKind::Values)],
            decode_values::<S>,
        )
    }

    /// One [`MessageStream`] per message written in this namespace, as soon as it starts.
    pub fn messages(&self) -> Projection<MessageStream> {
        self.project(
            "messages",
            vec![self.decoder(&ProjectionKind::Messages)],
            |item| match item.1 {
                Payload::Message(m) => Some(Ok(m)),
                _ => None,
            },
        )
    }

    /// One [`ToolCallStream`] per tool call made in this namespace, as soon as it starts.
    /// (The server streams tool calls for graphs compiled with `ToolCallTransformer`.)
    pub fn tool_calls(&self) -> Projection<ToolCallStream> {
        self.project(
            "tool_calls",
            vec![self.decoder(&ProjectionKind::ToolCalls)],
            |item| match item.1 {
                Payload::ToolCall(t) => Some(Ok(t)),
                _ => None,
            },
        )
    }

    /// Every custom event written in this namespace and below (plain stream-writer events
    /// and named channels). (The server streams them for graphs with a stream transformer
    /// that asks for the `custom` mode.)
    pub fn custom(&self) -> Projection<CustomEvent> {
        self.project(
            "custom",
            vec![self.decoder(&ProjectionKind::Custom)],
            decode_custom,
        )
    }

    /// The events of one named custom channel (`custom:<name>`: a stream transformer's
    /// `StreamChannel(name)`), in this namespace and below.
    pub fn custom_channel(&self, name: impl Into<String>) -> Projection<CustomEvent> {
        let name = name.into();
        let projection = self.project(
            "custom_channel",
            vec![self.decoder(&ProjectionKind::CustomChannel(name.clone()))],
            decode_custom,
        );
        if name.is_empty() {
            projection
                .queue
                .close(Some(Fault::Invalid("a custom channel needs a name".into())));
        }
        projection
    }

    /// What each node of this namespace's graph returned.
    pub fn updates(&self) -> Projection<Update> {
        self.project(
            "updates",
            vec![self.decoder(&ProjectionKind::Updates)],
            |item| event_of(item).map(|e| Ok(Update::from_event(&e))),
        )
    }

    /// Lifecycle events of this namespace's graph and its subgraphs.
    pub fn lifecycle(&self) -> Projection<LifecycleEvent> {
        self.project(
            "lifecycle",
            vec![self.decoder(&ProjectionKind::Lifecycle)],
            decode_lifecycle,
        )
    }

    /// Interrupts raised in this namespace and below, to answer with
    /// [`ThreadStream::respond`].
    pub fn interrupts(&self) -> Projection<Interrupt> {
        self.project(
            "interrupts",
            vec![self.decoder(&ProjectionKind::Interrupts)],
            decode_interrupt,
        )
    }

    /// One [`Subgraph`] per subgraph started directly in this namespace.
    pub fn subgraphs(&self) -> Projection<Subgraph> {
        self.project(
            "subgraphs",
            vec![self.decoder(&ProjectionKind::Subgraphs)],
            |item| match item.1 {
                Payload::Subgraph(s) => Some(Ok(s)),
                _ => None,
            },
        )
    }

    /// The raw events on `channels` in this namespace and below.
    pub fn events(&self, channels: impl IntoIterator<Item = Channel>) -> Projection<Arc<Event>> {
        self.project(
            "events",
            vec![Decoder::pass(Kind::Events, channels, self.below())],
            |item| event_of(item).map(Ok),
        )
    }

    /// Several projections as one stream, in the order the server sent their events.
    ///
    /// ```no_run
    /// # async fn demo(session: langgraph_sdk::thread_stream::ThreadStream) -> langgraph_sdk::Result<()> {
    /// use futures_util::TryStreamExt;
    /// use langgraph_sdk::thread_stream::{Merged, ProjectionKind};
    ///
    /// let mut all = session.merged([ProjectionKind::Values, ProjectionKind::ToolCalls]);
    /// while let Some(item) = all.try_next().await? {
    ///     match item {
    ///         Merged::Values(state) => println!("state: {state}"),
    ///         Merged::ToolCall(call) => println!("calling {}", call.name()),
    ///         _ => {}
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn merged(&self, kinds: impl IntoIterator<Item = ProjectionKind>) -> Projection<Merged> {
        let decoders = kinds.into_iter().map(|k| self.decoder(&k)).collect();
        self.project("merged", decoders, decode_merged)
    }
}

fn decode_values<S: DeserializeOwned>(item: Item) -> Option<Result<S>> {
    let event = event_of(item)?;
    Some(
        S::deserialize(&event.data)
            .map_err(|e| Error::decode(EVENTS_OPERATION, e, event.data.to_string().as_bytes())),
    )
}

fn decode_custom(item: Item) -> Option<Result<CustomEvent>> {
    event_of(item).map(|e| Ok(CustomEvent::from_event(&e)))
}

fn decode_lifecycle(item: Item) -> Option<Result<LifecycleEvent>> {
    let event = event_of(item)?;
    Some(
        Lifecycle::deserialize(&event.data)
            .map(|lifecycle| LifecycleEvent {
                namespace: event.namespace.clone(),
                lifecycle,
            })
            .map_err(|e| Error::decode(EVENTS_OPERATION, e, event.data.to_string().as_bytes())),
    )
}

fn decode_interrupt(item: Item) -> Option<Result<Interrupt>> {
    let event = event_of(item)?;
    match event.data() {
        EventData::InputRequested(r) => Some(Ok(Interrupt {
            id: r.interrupt_id,
            namespace: event.namespace.clone(),
            payload: r.payload,
        })),
        _ => None,
    }
}

fn decode_merged(item: Item) -> Option<Result<Merged>> {
    let kind = item.0;
    Some(Ok(match item.1 {
        Payload::Message(m) => Merged::Message(m),
        Payload::ToolCall(t) => Merged::ToolCall(t),
        Payload::Subgraph(s) => Merged::Subgraph(s),
        Payload::Event(e) => {
            let item = (kind, Payload::Event(e.clone()));
            match kind {
                Kind::Values => return decode_values::<Value>(item).map(|r| r.map(Merged::Values)),
                Kind::Custom => Merged::Custom(CustomEvent::from_event(&e)),
                Kind::Updates => Merged::Update(Update::from_event(&e)),
                Kind::Lifecycle => return decode_lifecycle(item).map(|r| r.map(Merged::Lifecycle)),
                Kind::Interrupts => {
                    return decode_interrupt(item).map(|r| r.map(Merged::Interrupt));
                }
                Kind::Events | Kind::Messages | Kind::ToolCalls | Kind::Subgraphs => return None,
            }
        }
    }))
}

/// A projection: a `Stream` of typed items read from the session's shared connection.
///
/// It ends when the run it follows ends, when the session closes, or with an error: the
/// connection could not be resumed ([`Error::StreamLost`]), the server refused it
/// ([`Error::Api`]), or this consumer fell too far behind ([`Error::Lagged`]). Dropping it
/// unsubscribes.
pub struct Projection<T> {
    queue: Arc<Queue<Item>>,
    decode: fn(Item) -> Option<Result<T>>,
    id: u64,
    control: mpsc::UnboundedSender<Control>,
}

impl<T> fmt::Debug for Projection<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Projection").field("id", &self.id).finish()
    }
}

impl<T> Drop for Projection<T> {
    fn drop(&mut self) {
        self.queue.close(None);
        let _ = self.control.send(Control::Unsubscribe(self.id));
    }
}

impl<T> Stream for Projection<T> {
    type Item = Result<T>;
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        loop {
            match self.queue.poll_next(cx) {
                Poll::Ready(Some(Ok(item))) => {
                    if let Some(out) = (self.decode)(item) {
                        return Poll::Ready(Some(out));
                    }
                }
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// A subgraph of the run, with the same projections scoped to it.
#[derive(Clone)]
pub struct Subgraph {
    scope: Scope,
    graph_name: Option<String>,
    trigger_call_id: Option<String>,
    status: Arc<Shared<SubgraphStatus>>,
}

/// Where a subgraph is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubgraphStatus {
    /// Running.
    Running,
    /// Waiting for human input.
    Interrupted,
    /// Finished.
    Completed,
    /// Failed, with the server's message when it sent one.
    Failed(Option<String>),
}

impl fmt::Debug for Subgraph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subgraph")
            .field("namespace", &self.scope.namespace)
            .field("graph_name", &self.graph_name)
            .field("status", &self.status())
            .finish()
    }
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl Subgraph {
    fn new(scope: Scope, graph_name: Option<String>, trigger_call_id: Option<String>) -> Subgraph {
        Subgraph {
            scope,
            graph_name,
            trigger_call_id,
            status: Shared::new(SubgraphStatus::Running),
        }
    }

    fn set_status(&self, status: SubgraphStatus) {
        self.status.update(|s| *s = status);
    }

    /// Marks it ended, unless it already has.
    fn end(&self, status: SubgraphStatus) {
        self.status.update(|s| {
            if matches!(s, SubgraphStatus::Running | SubgraphStatus::Interrupted) {
                *s = status;
            }
        });
    }

    /// Its namespace (`["child:<task id>"]`).
    pub fn namespace(&self) -> &[String] {
        &self.scope.namespace
    }

    /// The subgraph's name (its node in the parent graph).
    pub fn graph_name(&self) -> Option<&str> {
        self.graph_name.as_deref()
    }

    /// The task that started it.
    pub fn trigger_call_id(&self) -> Option<&str> {
        self.trigger_call_id.as_deref()
    }

    /// Where it is now.
    pub fn status(&self) -> SubgraphStatus {
        self.status.read(Clone::clone)
    }

    /// Waits until it has completed or failed.
    pub async fn finished(&self) -> SubgraphStatus {
        poll_fn(|cx| {
            self.status.poll(cx, |s| {
                matches!(s, SubgraphStatus::Completed | SubgraphStatus::Failed(_))
                    .then(|| s.clone())
            })
        })
        .await
    }

    /// Its projections.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// The projection methods of [`Scope`], on the types that have a scope.
macro_rules! projections {
    ($type:ty) => {
        // `events` has no blocking form: its items are shared (`Arc`) envelopes.
        #[cfg_attr(feature = "blocking", crate::blocking::mirror(skip(events)))]
        impl $type {
            /// See [`Scope::values`].
            pub fn values(&self) -> Projection<Value> {
                self.scope().values()
            }
            /// See [`Scope::values_as`].
            pub fn values_as<S: DeserializeOwned>(&self) -> Projection<S> {
                self.scope().values_as()
            }
            /// See [`Scope::messages`].
            pub fn messages(&self) -> Projection<MessageStream> {
                self.scope().messages()
            }
            /// See [`Scope::tool_calls`].
            pub fn tool_calls(&self) -> Projection<ToolCallStream> {
                self.scope().tool_calls()
            }
            /// See [`Scope::custom`].
            pub fn custom(&self) -> Projection<CustomEvent> {
                self.scope().custom()
            }
            /// See [`Scope::custom_channel`].
            pub fn custom_channel(&self, name: impl Into<String>) -> Projection<CustomEvent> {
                self.scope().custom_channel(name)
            }
            /// See [`Scope::updates`].
            pub fn updates(&self) -> Projection<Update> {
                self.scope().updates()
            }
            /// See [`Scope::lifecycle`].
            pub fn lifecycle(&self) -> Projection<LifecycleEvent> {
                self.scope().lifecycle()
            }
            /// See [`Scope::interrupts`].
            pub fn interrupts(&self) -> Projection<Interrupt> {
                self.scope().interrupts()
            }
            /// See [`Scope::subgraphs`].
            pub fn subgraphs(&self) -> Projection<Subgraph> {
                self.scope().subgraphs()
            }
            /// See [`Scope::events`].
            pub fn events(
                &self,
                channels: impl IntoIterator<Item = Channel>,
            ) -> Projection<Arc<Event>> {
                self.scope().events(channels)
            }
            /// See [`Scope::merged`].
            pub fn merged(
                &self,
                kinds: impl IntoIterator<Item = ProjectionKind>,
            ) -> Projection<Merged> {
                self.scope().merged(kinds)
            }
        }
    };
}

projections!(ThreadStream);
projections!(Subgraph);

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
