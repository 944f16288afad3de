//! Run streams: SSE decoding, typed events, and resumption after a dropped connection.
//!
//! A [`RunStream`] is a `Stream` of [`StreamEvent`]s. When the connection drops (a transport
//! error, a read timeout, or a close before the `end` event), a resumable stream reconnects
//! with `GET` to the run's stream URL and `Last-Event-ID`, so the server replays what was
//! missed; events already delivered are not delivered again. A stream that the server cannot
//! resume ends with [`Error::StreamLost`] instead of silently skipping events.

mod event_id;
pub(crate) mod part;

pub use part::{ChunkMetadata, Message, RunMetadata, StreamEvent, StreamPart};

use std::{
    borrow::Cow,
    collections::VecDeque,
    pin::Pin,
    sync::{Arc, Mutex},
    task::{Context, Poll},
};

use bytes::Bytes;
use futures_util::{Stream, StreamExt, future::BoxFuture, stream::BoxStream};
use reqwest::{Response, Url, header};
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use crate::{
    Client, Error, RequestOptions, Result,
    operations::{self as ops, Operation},
    sse::{self, OwnedEvent},
    stream::event_id::{EventId, text},
    stream::part::{Decoded, decode},
    transport::{check, expect_event_stream},
    types::RunStatus,
};

/// One stream mode or several, for the `stream_mode` setters: a mode
/// (`StreamMode::Values`), or anything that iterates over modes (an array
/// `[StreamMode::Values, StreamMode::Updates]`, a `Vec`, `slice.iter().copied()`). Implemented for [`StreamMode`](crate::runs::StreamMode) and
/// [`ThreadStreamMode`](crate::threads::ThreadStreamMode).
pub trait StreamModes<M> {
    /// The modes, in order.
    fn into_modes(self) -> Vec<M>;
}

/// Implements [`StreamModes`] for a mode type: one mode, and anything that iterates over modes
/// (arrays, `Vec`s, `slice.iter().copied()`, …).
macro_rules! stream_modes {
    ($mode:ty) => {
        impl $crate::stream::StreamModes<$mode> for $mode {
            fn into_modes(self) -> Vec<$mode> {
                vec![self]
            }
        }
        impl<I: IntoIterator<Item = $mode>> $crate::stream::StreamModes<$mode> for I {
            fn into_modes(self) -> Vec<$mode> {
                self.into_iter().collect()
            }
        }
    };
}
pub(crate) use stream_modes;

/// What is known about a stream while it runs (shared: the session may be busy reconnecting
/// when the caller asks).
#[derive(Debug, Clone, Default)]
struct Info {
    run_id: Option<String>,
    thread_id: Option<String>,
    reconnects: u32,
}

/// A stream of the events of a run (or of a thread's runs).
///
/// ```no_run
/// # async fn demo(client: langgraph_sdk::Client, thread_id: uuid::Uuid) -> langgraph_sdk::Result<()> {
/// use langgraph_sdk::prelude::*;
/// use serde_json::json;
///
/// let mut stream = client
///     .runs()
///     .stream(thread_id, "agent")
///     .input(json!({"messages": [{"role": "user", "content": "hi"}]}))
///     .stream_mode([StreamMode::MessagesTuple, StreamMode::Updates])
///     .await?;
/// while let Some(event) = stream.try_next().await? {
///     match event.part {
///         StreamPart::Message { chunk, .. } => print!("{}", chunk.text()),
///         StreamPart::Updates { updates, interrupts } => {
///             println!("\n{:?}", updates.keys());
///             if !interrupts.is_empty() {
///                 println!("the graph stopped for input: {:?}", interrupts[0].value);
///             }
///         }
///         _ => {}
///     }
/// }
/// # Ok(())
/// # }
/// ```
///
/// Events are decoded one at a time, as they are asked for; a consumer that is slower than
/// the server holds about one read of undecoded bytes, and the connection's flow control
/// does the rest. Dropping the stream closes the connection.
pub struct RunStream<S = Value> {
    inner: Inner<StreamEvent<S>>,
}

/// A run stream's events as the server sent them (name, data bytes and id), no JSON decoded:
/// what a service that relays a run to its own clients needs. Opened with `.pass_through()`
/// on a stream builder ([`StreamRun`](crate::runs::StreamRun::pass_through),
/// [`JoinStream`](crate::runs::JoinStream::pass_through),
/// [`JoinThreadStream`](crate::threads::JoinThreadStream::pass_through)).
///
/// It resumes exactly like a [`RunStream`] (the same machinery underneath): after a dropped
/// connection every event is delivered once, none lost, none twice, or the stream ends with
/// [`Error::StreamLost`]; [`resume_point`](Self::resume_point) lets a later join go on from
/// here. An `error` event is delivered as it came and ends the stream; a run that failed
/// without one reaching the stream (an `error` event is not replayed after a resume) ends it
/// with [`Error::Run`].
///
/// ```no_run
/// # async fn demo(client: langgraph_sdk::Client, thread_id: uuid::Uuid, run_id: uuid::Uuid) -> langgraph_sdk::Result<()> {
/// use futures_util::TryStreamExt;
///
/// let mut events = client.runs().join_stream(thread_id, run_id).pass_through().await?;
/// while let Some(event) = events.try_next().await? {
///     // Relay it as it came: `event: ...`, `data: ...`, `id: ...`.
///     let bytes = event.to_sse();
///     # let _ = bytes;
/// }
/// # Ok(())
/// # }
/// ```
pub struct PassThroughStream {
    inner: Inner<SseEvent>,
}

/// A stream builder's `.pass_through()`: `.await` it (or [`send`](Self::send)) to open a
/// [`PassThroughStream`].
#[must_use = "a request does nothing until it is awaited"]
pub struct PassThrough {
    open: BoxFuture<'static, Result<(Client, Opened)>>,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl PassThrough {
    pub(crate) fn new(
        open: impl std::future::Future<Output = Result<(Client, Opened)>> + Send + 'static,
    ) -> PassThrough {
        PassThrough {
            open: Box::pin(open),
        }
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<PassThroughStream> {
        let (client, opened) = self.open.await?;
        Ok(PassThroughStream::new(client, opened))
    }
}

impl std::fmt::Debug for PassThrough {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PassThrough").finish_non_exhaustive()
    }
}

crate::request::awaitable!(PassThrough => PassThroughStream);

/// One event of a stream, as the server sent it ([`PassThroughStream`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    name: Cow<'static, str>,
    data: Bytes,
    id: EventId,
}

/// The event names of the server's stream modes, kept without an allocation per event; the
/// most frequent first (a token stream's `messages`: one comparison).
const EVENT_NAMES: &[&str] = &[
    "messages",
    "values",
    "updates",
    "custom",
    "metadata",
    "end",
    "error",
    "messages/partial",
    "messages/complete",
    "messages/metadata",
    "events",
    "debug",
    "tasks",
    "checkpoints",
    "feedback",
];

impl SseEvent {
    /// An event as a server sent it: its name, its data (the `data:` lines joined with `\n`)
    /// and its id. For events kept or relayed elsewhere and read later, with
    /// [`to_part`](Self::to_part).
    ///
    /// ```
    /// use langgraph_sdk::stream::{SseEvent, StreamPart};
    ///
    /// let event = SseEvent::new("values", r#"{"text": "hi"}"#, Some("1718000000000-0".into()));
    /// assert_eq!(event.event(), "values");
    /// let part = event.to_part::<serde_json::Value>()?;
    /// assert!(matches!(part.part, StreamPart::Values { .. }));
    /// assert_eq!(part.id.as_deref(), Some("1718000000000-0"));
    /// # Ok::<(), langgraph_sdk::Error>(())
    /// ```
    pub fn new(event: impl Into<String>, data: impl Into<Bytes>, id: Option<String>) -> SseEvent {
        let event = event.into();
        SseEvent {
            name: known_name(event.as_bytes()).map_or(Cow::Owned(event), Cow::Borrowed),
            data: data.into(),
            id: id.map_or(EventId::None, EventId::from),
        }
    }

    /// The event as the typed stream ([`RunStream`]) hands it out, `values` decoded as `S`:
    /// the same decoding, for an event taken as sent and read later.
    ///
    /// # Errors
    /// [`Error::Decode`] if the data is not what the event's name says; [`Error::Run`] for an
    /// `error` event (the run failed), as the typed stream reports it.
    pub fn to_part<S: DeserializeOwned>(&self) -> Result<StreamEvent<S>> {
        let id = self.id.bytes();
        let event = sse::Event {
            name: self.name.as_bytes(),
            data: &self.data,
            id: id.unwrap_or_default(),
            chunk: Some(&self.data),
        };
        typed::<S>("pass_through", event, id).item
    }

    /// The event name as sent: the stream mode, then the namespace of a subgraph's event
    /// (`values`, `messages`, `updates|parent:<task id>`, `metadata`, `end`, …).
    pub fn event(&self) -> &str {
        &self.name
    }

    /// The data (its `data:` lines joined with `\n`), not decoded. A view of the bytes the
    /// connection received, not a copy: holding it holds them (copy it to keep a small event
    /// of a large read for long).
    pub fn data(&self) -> &Bytes {
        &self.data
    }

    /// The event id (resumable streams only). Not unique: events of the same millisecond
    /// share it (see [`RunStream::last_event_id`]).
    pub fn id(&self) -> Option<&str> {
        self.id.text()
    }

    /// The data decoded as `T` (`serde_json::Value` for any JSON).
    ///
    /// # Errors
    /// [`Error::Decode`] if it is not JSON of that shape.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.data).map_err(|e| {
            let what = format_args!("`{}` event", self.name);
            Error::decode_in("pass_through", what, e, &self.data)
        })
    }

    /// The event in the SSE format, to relay it: `event:`, one `data:` line per line of the
    /// data, `id:` (when it has one), and the blank line that ends it.
    ///
    /// ```
    /// # fn demo(event: langgraph_sdk::stream::SseEvent) {
    /// // e.g. `event: values\ndata: {"x": 1}\nid: 1718000000000-0\n\n`
    /// let wire: Vec<u8> = event.to_sse();
    /// # }
    /// ```
    pub fn to_sse(&self) -> Vec<u8> {
        let id = self.id.bytes();
        let id_len = id.map_or(0, |id| id.len() + 5);
        let mut out = Vec::with_capacity(self.name.len() + self.data.len() + id_len + 16);
        out.extend_from_slice(b"event: ");
        out.extend_from_slice(self.name.as_bytes());
        out.push(b'\n');
        for line in self.data.split(|&b| b == b'\n') {
            out.extend_from_slice(b"data: ");
            out.extend_from_slice(line);
            out.push(b'\n');
        }
        if let Some(id) = id {
            out.extend_from_slice(b"id: ");
            out.extend_from_slice(id);
            out.push(b'\n');
        }
        out.push(b'\n');
        out
    }
}

/// What one event becomes: the item to hand out, and what it says about the stream.
pub(crate) struct Delivery<T> {
    item: Result<T>,
    /// The run it names (a `metadata` event).
    run_id: Option<String>,
    /// Nothing follows it on a run stream (`end`).
    end: bool,
}

/// What a stream hands out, made from each event: typed parts ([`RunStream`]) or the event
/// as sent ([`PassThroughStream`]). The rest of the machinery is the same for both; the item
/// type says how it is made and what its id is.
pub(crate) trait Item: Sized + Send + 'static {
    /// What an event (with its id, if any) becomes.
    fn make(operation: &'static str, event: sse::Event<'_>, id: Option<&[u8]>) -> Delivery<Self>;

    /// The item's event id.
    fn event_id(&self) -> Option<&[u8]>;
}

impl<S: DeserializeOwned + Send + 'static> Item for StreamEvent<S> {
    fn make(operation: &'static str, event: sse::Event<'_>, id: Option<&[u8]>) -> Delivery<Self> {
        typed(operation, event, id)
    }

    fn event_id(&self) -> Option<&[u8]> {
        self.id.as_deref().map(str::as_bytes)
    }
}

impl Item for SseEvent {
    fn make(operation: &'static str, event: sse::Event<'_>, id: Option<&[u8]>) -> Delivery<Self> {
        as_sent(operation, event, id)
    }

    fn event_id(&self) -> Option<&[u8]> {
        self.id.bytes()
    }
}

/// A [`RunStream`]'s items: typed parts, `values` as `S`.
fn typed<S: DeserializeOwned>(
    operation: &'static str,
    event: sse::Event<'_>,
    id: Option<&[u8]>,
) -> Delivery<StreamEvent<S>> {
    let id = id.map(text);
    let name = known_name(event.name).map_or_else(|| event.name(), Cow::Borrowed);
    match decode::<S>(operation, &name, event.data, id) {
        Ok(Decoded::Part(part)) => Delivery {
            run_id: match &part.part {
                StreamPart::Metadata(meta) => meta.run_id.map(|id| id.to_string()),
                _ => None,
            },
            end: matches!(part.part, StreamPart::End),
            item: Ok(part),
        },
        Ok(Decoded::Failed(error)) => Delivery {
            item: Err(Error::Run(error)),
            run_id: None,
            end: false,
        },
        Err(e) => Delivery {
            item: Err(e),
            run_id: None,
            end: false,
        },
    }
}

/// A [`PassThroughStream`]'s items: the events as sent. Only a `metadata` event's data is
/// read (for the run id the stream may need to resume).
fn as_sent(_: &'static str, event: sse::Event<'_>, id: Option<&[u8]>) -> Delivery<SseEvent> {
    let name = known_name(event.name);
    let run_id = match name {
        Some("metadata") => serde_json::from_slice::<RunMetadata>(event.data)
            .ok()
            .and_then(|meta| meta.run_id)
            .map(|id| id.to_string()),
        _ => None,
    };
    Delivery {
        end: matches!(name, Some("end" | "error")),
        run_id,
        item: Ok(SseEvent {
            name: name.map_or_else(|| Cow::Owned(event.name().into_owned()), Cow::Borrowed),
            data: event.data_bytes(),
            id: id.map_or(EventId::None, EventId::sent),
        }),
    }
}

/// The name of an event when it is one of the server's stream modes: compared as bytes, so
/// that the name is neither checked as UTF-8 nor copied per event.
fn known_name(name: &[u8]) -> Option<&'static str> {
    EVENT_NAMES
        .iter()
        .find(|known| known.as_bytes() == name)
        .copied()
}

/// The stream machinery under [`RunStream`] and [`PassThroughStream`]: reading, resuming,
/// skipping what was delivered, dropping repeated blocks; `T` is what it hands out.
struct Inner<T> {
    state: State<T>,
    info: Arc<Mutex<Info>>,
    /// The events handed to the caller, in the terms the server resumes from.
    handed: Cursor,
}

/// Where a stream is. Events are handed out straight from the session; only the rare slow
/// paths (a reconnect, a status check when the connection closes) run as a future.
enum State<T> {
    Ready(Box<Session<T>>),
    Busy(BoxFuture<'static, Box<Session<T>>>),
    Done,
}

impl<T> std::fmt::Debug for Inner<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream")
            .field("info", &self.info.lock().map(|i| i.clone()).ok())
            .field("handed", &self.handed)
            .finish_non_exhaustive()
    }
}

impl<S> std::fmt::Debug for RunStream<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("RunStream").field(&self.inner).finish()
    }
}

impl std::fmt::Debug for PassThroughStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PassThroughStream")
            .field(&self.inner)
            .finish()
    }
}

/// The accessors of a stream type, on its `inner` machinery.
macro_rules! accessors {
    ($($generics:ident)? => $stream:ty) => {
        #[cfg_attr(feature = "blocking", crate::blocking::mirror)]
        impl$(<$generics>)? $stream {
            /// The run, once known (from the response headers or the `metadata` event).
            pub fn run_id(&self) -> Option<Uuid> {
                let info = self.inner.info.lock().ok()?;
                info.run_id.as_deref()?.parse().ok()
            }

            /// The thread the run is on (a temporary one for stateless runs), when known.
            pub fn thread_id(&self) -> Option<Uuid> {
                let info = self.inner.info.lock().ok()?;
                info.thread_id.as_deref()?.parse().ok()
            }

            /// The id of the last event delivered (resumable streams only).
            ///
            /// The server gives events of the same millisecond the same id and replays only
            /// ids strictly after `Last-Event-ID`, so a join from this id can miss events that
            /// share it. The stream's own resumption accounts for that; to go on later, take a
            /// [`resume_point`](Self::resume_point) instead.
            pub fn last_event_id(&self) -> Option<String> {
                self.inner.handed.last_id()
            }

            /// Where the stream got to, for a later join to go on from exactly there: nothing
            /// delivered so far is delivered again, nothing after it is missed. It serializes,
            /// so another process can take over.
            ///
            /// ```no_run
            /// # async fn demo(client: langgraph_sdk::Client, thread: &str, run: &str) -> langgraph_sdk::Result<()> {
            /// use futures_util::TryStreamExt;
            ///
            /// let mut stream = client.runs().join_stream(thread, run).await?;
            /// let first = stream.try_next().await?;
            /// let point = stream.resume_point();
            /// drop(stream);
            /// // Later, perhaps elsewhere: the events after `first`, each once.
            /// let rest = client.runs().join_stream(thread, run).resume_from(point).await?;
            /// # Ok(())
            /// # }
            /// ```
            pub fn resume_point(&self) -> ResumePoint {
                self.inner.resume_point()
            }

            /// How often the stream reconnected.
            pub fn reconnects(&self) -> u32 {
                self.inner.info.lock().map(|i| i.reconnects).unwrap_or_default()
            }
        }
    };
}

accessors!(S => RunStream<S>);
accessors!(=> PassThroughStream);

impl<S: DeserializeOwned + Send + 'static> Stream for RunStream<S> {
    type Item = Result<StreamEvent<S>>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next(cx)
    }
}

impl Stream for PassThroughStream {
    type Item = Result<SseEvent>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next(cx)
    }
}

impl<S: DeserializeOwned + Send + 'static> RunStream<S> {
    pub(crate) fn new(client: Client, opened: Opened) -> RunStream<S> {
        RunStream {
            inner: Inner::new(client, opened),
        }
    }
}

impl PassThroughStream {
    pub(crate) fn new(client: Client, opened: Opened) -> PassThroughStream {
        PassThroughStream {
            inner: Inner::new(client, opened),
        }
    }
}

impl<T> Inner<T> {
    fn resume_point(&self) -> ResumePoint {
        ResumePoint {
            after: self.handed.resume_from(),
            last: self.handed.last.as_deref().map(text),
            skip: if self.handed.last.is_some() {
                self.handed.with_last
            } else {
                0
            },
        }
    }
}

impl<T: Item> Inner<T> {
    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        loop {
            // Matched in place: the state moves only on the rare slow paths, not per event.
            let session = match &mut self.state {
                State::Done => return Poll::Ready(None),
                State::Busy(work) => match work.as_mut().poll(cx) {
                    Poll::Ready(session) => {
                        self.state = State::Ready(session);
                        continue;
                    }
                    Poll::Pending => return Poll::Pending,
                },
                State::Ready(session) => session,
            };
            if let Some(item) = session.next_item() {
                match &item {
                    Ok(event) => {
                        if let Some(id) = event.event_id() {
                            self.handed.delivered(id);
                        }
                    }
                    // An error ends the stream: nothing is delivered after it.
                    Err(_) => {
                        session.flow.pending.clear();
                        session.finish();
                    }
                }
                return Poll::Ready(Some(item));
            }
            let Some(body) = session.body.as_mut().filter(|_| !session.finished) else {
                self.state = State::Done;
                return Poll::Ready(None);
            };
            match body.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(bytes))) => session.parser.feed(bytes),
                Poll::Ready(Some(Err(e))) => {
                    let reason = if e.is_timeout() {
                        "read timeout".to_string()
                    } else {
                        format!("connection error: {e}")
                    };
                    self.slow_path(SlowPath::Recover(reason));
                }
                Poll::Ready(None) => self.slow_path(SlowPath::Closed),
            }
        }
    }

    /// Hands the session to a future for a reconnect or the check after a close.
    fn slow_path(&mut self, path: SlowPath) {
        if let State::Ready(mut session) = std::mem::replace(&mut self.state, State::Done) {
            // The session has delivered what was handed out: the hot path reads on only once
            // nothing is pending. Taken here rather than kept up to date per event.
            debug_assert!(session.flow.pending.is_empty());
            session.flow.cursor = self.handed.clone();
            self.state = State::Busy(Box::pin(async move {
                match path {
                    SlowPath::Recover(reason) => session.recover(reason).await,
                    SlowPath::Closed => session.closed().await,
                }
                session
            }));
        }
    }
}

/// What a stream does off its hot path.
enum SlowPath {
    /// The connection failed (the reason): reconnect.
    Recover(String),
    /// The connection closed: the end of the run, or a cut.
    Closed,
}

/// How a stream was opened, and so how it can be resumed.
pub(crate) struct Opened {
    /// The operation that opened it (for errors and tracing).
    pub op: &'static Operation,
    /// The response whose body is the stream.
    pub response: Response,
    /// Where to reconnect with `GET` and `Last-Event-ID`, or why the stream cannot be
    /// resumed (said in [`Error::StreamLost`]).
    pub resume: std::result::Result<Url, String>,
    /// The thread and run, when known.
    pub thread_id: Option<String>,
    /// The run, when known.
    pub run_id: Option<String>,
    /// The `Last-Event-ID` the stream was opened with.
    pub last_event_id: Option<String>,
    /// Events with this id that the caller already has (opened from a [`ResumePoint`]): the
    /// server replays them first, and they are skipped.
    pub replayed: Option<(String, usize)>,
    /// Whether the stream goes on after a run ends (a thread stream): no `end` event is
    /// expected, and a close is always reconnected.
    pub endless: bool,
    /// The caller's headers and timeout, for every request of the stream (reconnects, the
    /// run status and error checks).
    pub request: RequestOptions,
}

/// Where a run stream got to ([`RunStream::resume_point`]), for a later
/// [`join_stream`](crate::runs::Runs::join_stream) to go on from there
/// ([`resume_from`](crate::runs::JoinStream::resume_from)) without losing or repeating events.
///
/// The server gives events of one millisecond the same id and replays only the events with an
/// id strictly greater than `Last-Event-ID`. So a resume point joins after the id *before* the
/// last one delivered, and skips the `skip` replayed events that carry the last id.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct ResumePoint {
    /// The `Last-Event-ID` to join with (`"0"`: from the start).
    pub after: Option<String>,
    /// The id of the last event delivered.
    pub last: Option<String>,
    /// How many delivered events carry `last`.
    pub skip: usize,
}

/// Where the client is in the stream, in the terms the server resumes from.
///
/// The server's event ids are not unique: events published in the same millisecond share one
/// (`<ms>-0`), and a resume replays the events with an id strictly greater than
/// `Last-Event-ID`. Resuming from the last id would lose the undelivered events that share it,
/// so the stream resumes from the last id *before* it and skips the events with the last id
/// that it already delivered, which the server replays in their original order.
#[derive(Debug, Clone, Default)]
struct Cursor {
    /// The id of the last event delivered (UTF-8, kept as the decoder's bytes).
    last: Option<Vec<u8>>,
    /// The last delivered id different from `last`.
    before_last: Option<Vec<u8>>,
    /// How many delivered events carry `last`.
    with_last: usize,
    /// Where the stream started: the `Last-Event-ID` it was opened with, `"0"` (the start)
    /// for a run stream, `None` (live only) for a thread stream.
    start: Option<String>,
}

impl Cursor {
    fn delivered(&mut self, id: &[u8]) {
        if self.last.as_deref() == Some(id) {
            self.with_last += 1;
        } else {
            // `before_last` takes `last`, and `last` reuses the old `before_last`'s buffer:
            // no allocation per event.
            std::mem::swap(&mut self.before_last, &mut self.last);
            let last = self.last.get_or_insert_with(Vec::new);
            last.clear();
            last.extend_from_slice(id);
            self.with_last = 1;
        }
    }

    /// The `Last-Event-ID` to resume from: the id before the last one, else where the stream
    /// started (`0` sorts before every id, and so replays from the start).
    fn resume_from(&self) -> Option<String> {
        (self.before_last.as_deref().map(text)).or_else(|| self.start.clone())
    }

    /// The id of the last event delivered, else the `Last-Event-ID` the stream was opened
    /// with (not the `0` a run stream starts from by itself).
    fn last_id(&self) -> Option<String> {
        (self.last.as_deref().map(text)).or_else(|| self.start.clone().filter(|start| start != "0"))
    }
}

/// A fingerprint of one event on the wire (id, name, data).
fn fingerprint(event: &OwnedEvent) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    event.hash(&mut h);
    h.finish()
}

/// How many events of a resumed connection are remembered to recognise a repeated block.
const REPEAT_WINDOW: usize = 4096;

/// Drops the block of events the server sends twice on a resumed connection.
///
/// A resume replays stored events while the run goes on; an event published during the replay
/// is sent by the replay and again by the live feed, so the live feed can start with a repeat
/// of the tail of what this connection already sent. Events that match the connection's
/// history are held back; if they match it up to its last event they were a repeat and are
/// dropped, otherwise they are released in order. (An event that legitimately repeats the
/// connection's last events byte for byte, id included, would be taken for a repeat.)
#[derive(Debug, Default)]
struct Repeats {
    /// Fingerprints of the events delivered on this connection, newest last.
    history: VecDeque<u64>,
    /// Events held back while they match the history.
    held: Vec<(u64, OwnedEvent)>,
    /// Positions in `history` the held events may continue from.
    candidates: Vec<usize>,
}

impl Repeats {
    /// Takes one event; returns the events to deliver, in order.
    fn push(&mut self, event: OwnedEvent) -> Vec<OwnedEvent> {
        let f = fingerprint(&event);
        let next: Vec<usize> = if self.held.is_empty() {
            self.history
                .iter()
                .enumerate()
                .filter(|(_, h)| **h == f)
                .map(|(j, _)| j + 1)
                .collect()
        } else {
            self.candidates
                .iter()
                .filter(|q| self.history.get(**q) == Some(&f))
                .map(|q| q + 1)
                .collect()
        };
        if next.contains(&self.history.len()) {
            // The held events and this one repeat the end of the history: a repeated block.
            self.held.clear();
            self.candidates.clear();
            return Vec::new();
        }
        if !next.is_empty() {
            self.held.push((f, event));
            self.candidates = next;
            return Vec::new();
        }
        self.candidates.clear();
        let mut out: Vec<(u64, OwnedEvent)> = std::mem::take(&mut self.held);
        out.push((f, event));
        out.into_iter().map(|(f, e)| self.remember(f, e)).collect()
    }

    fn remember(&mut self, f: u64, event: OwnedEvent) -> OwnedEvent {
        if self.history.len() == REPEAT_WINDOW {
            self.history.pop_front();
        }
        self.history.push_back(f);
        event
    }

    /// The connection ended: what is still held was not a repeat.
    fn flush(&mut self) -> Vec<OwnedEvent> {
        self.candidates.clear();
        std::mem::take(&mut self.held)
            .into_iter()
            .map(|(_, e)| e)
            .collect()
    }
}

struct Session<T> {
    client: Client,
    body: Option<BoxStream<'static, reqwest::Result<Bytes>>>,
    /// The received bytes; events are decoded from it one at a time, as they are asked for.
    parser: sse::Decoder,
    flow: Flow<T>,
    resume: std::result::Result<Url, String>,
    /// The caller's headers and timeout, for every request after the first.
    request: RequestOptions,
    /// The stream rejoined after the run ended, to replay what a cut swallowed.
    caught_up: bool,
    finished: bool,
}

/// What becomes of each event: skipped (a replay of what was delivered), held back (maybe a
/// repeated block), or decoded and delivered. Apart from the decoder, which the events
/// borrow from.
struct Flow<T> {
    op: &'static Operation,
    pending: VecDeque<Result<T>>,
    endless: bool,
    /// The `end` event of a run stream was delivered.
    ended: bool,
    /// Consecutive failed reconnects; progress resets it.
    attempts: u32,
    /// What was delivered, to resume from: brought up to date when the stream leaves its hot
    /// path (a reconnect, a close), not per event.
    cursor: Cursor,
    /// After a reconnect: how many replayed events with the cursor's last id to skip.
    skip: usize,
    /// On a connection that replays (a reconnect, or a stream opened after an event): the
    /// detector of repeated blocks.
    repeats: Option<Repeats>,
    /// Events delivered so far.
    delivered: u64,
    info: Arc<Mutex<Info>>,
}

impl<T> Inner<T> {
    fn new(client: Client, opened: Opened) -> Inner<T> {
        let info = Arc::new(Mutex::new(Info {
            run_id: opened.run_id,
            thread_id: opened.thread_id,
            reconnects: 0,
        }));
        let parser = sse::Decoder::new(
            client.transport().max_event_size,
            opened.last_event_id.as_deref(),
        );
        let mut cursor = Cursor {
            start: opened
                .last_event_id
                .clone()
                .or_else(|| (!opened.endless).then(|| "0".to_string())),
            ..Cursor::default()
        };
        if let Some((last, count)) = opened.replayed.filter(|(_, count)| *count > 0) {
            cursor.last = Some(last.into_bytes());
            cursor.with_last = count;
        }
        let session = Session {
            client,
            body: Some(opened.response.bytes_stream().boxed()),
            parser,
            flow: Flow {
                op: opened.op,
                pending: VecDeque::new(),
                endless: opened.endless,
                ended: false,
                attempts: 0,
                skip: cursor.with_last,
                cursor: cursor.clone(),
                // A stream opened after an event replays what followed it, and can repeat a
                // block the way a resumed connection does.
                repeats: opened.last_event_id.is_some().then(Repeats::default),
                delivered: 0,
                info: info.clone(),
            },
            resume: opened.resume,
            request: opened.request,
            caught_up: false,
            finished: false,
        };
        Inner {
            state: State::Ready(Box::new(session)),
            info,
            handed: cursor,
        }
    }
}

impl<T: Item> Flow<T> {
    /// An event arrived: skip what a resume replays that was already delivered, hold back
    /// what may be a repeated block, deliver the rest. Returns the next item to hand out
    /// (nothing else is pending then): on the hot path an item is handed out as it is made,
    /// not queued and taken back.
    fn arrived(&mut self, event: sse::Event<'_>) -> Option<Result<T>> {
        debug_assert!(self.pending.is_empty());
        if self.skip > 0 {
            if self.cursor.last.as_deref() == Some(event.id) {
                self.skip -= 1;
                return None;
            }
            self.skip = 0;
        }
        match self.repeats.as_mut() {
            Some(repeats) => {
                for event in repeats.push(event.to_owned()) {
                    let item = self.deliver(event.borrow());
                    self.pending.push_back(item);
                }
                self.pending.pop_front()
            }
            None => Some(self.deliver(event)),
        }
    }

    /// The item an event becomes, to hand out next.
    fn deliver(&mut self, event: sse::Event<'_>) -> Result<T> {
        self.delivered += 1;
        self.attempts = 0;
        let id = (!event.id.is_empty()).then_some(event.id);
        let delivery = T::make(self.op.id, event, id);
        // Only a `metadata` event names the run: the lock is not taken per event.
        if let Some(run_id) = delivery.run_id
            && let Ok(mut info) = self.info.lock()
            && info.run_id.is_none()
        {
            info.run_id = Some(run_id);
        }
        self.ended |= delivery.end && !self.endless;
        delivery.item
    }
}

impl<T: Item> Session<T> {
    /// No more reading; what is pending is still delivered.
    fn finish(&mut self) {
        self.finished = true;
        self.body = None;
    }

    /// The next item to hand out: one pending, else the next complete event of the buffer,
    /// decoded now. One at a time: a large read is not decoded (and held) all at once.
    fn next_item(&mut self) -> Option<Result<T>> {
        loop {
            if let Some(item) = self.flow.pending.pop_front() {
                return Some(item);
            }
            if self.finished {
                return None;
            }
            if self.flow.ended {
                self.finish();
                return None;
            }
            if let Some(event) = self.parser.next_event() {
                if let Some(item) = self.flow.arrived(event) {
                    return Some(item);
                }
                continue;
            }
            if !self.parser.overflowed() {
                return None;
            }
            let limit = self.client.transport().max_event_size;
            self.flow.pending.push_back(Err(Error::EventTooLarge {
                operation: self.flow.op.id,
                limit,
            }));
            self.finish();
        }
    }

    /// The connection closed. That is how a run stream normally ends, but also what a cut
    /// looks like; the run's status tells them apart. A run still going is resumed (or the
    /// stream reported lost). For a finished resumable run the stream rejoins once, so that
    /// the server replays anything the cut swallowed, then ends.
    async fn closed(&mut self) {
        // An event without its blank line is incomplete: the resume replays it.
        self.parser.finish();
        if self.finished || self.flow.pending.iter().any(Result::is_err) {
            return;
        }
        if self.flow.endless {
            self.recover("the connection closed".into()).await;
            return;
        }
        let status = Self::run_status(&self.client, &self.flow.info, &self.request).await;
        if matches!(status, Some(RunStatus::Pending | RunStatus::Running)) {
            self.recover("the connection closed while the run was still going".into())
                .await;
            return;
        }
        if self.resume.is_ok() && self.flow.cursor.last.is_some() && !self.caught_up {
            self.caught_up = true;
            let reason = "the run ended; replaying what the connection may have missed";
            self.recover_after(reason.into(), false).await;
            return;
        }
        tracing::debug!(?status, "stream closed after the run ended");
        // A repeated block cannot be cut short by the end of a finished run's stream: what is
        // still held is new.
        for event in self
            .flow
            .repeats
            .as_mut()
            .map(Repeats::flush)
            .unwrap_or_default()
        {
            let item = self.flow.deliver(event.borrow());
            self.flow.pending.push_back(item);
        }
        if status == Some(RunStatus::Error) {
            self.run_failed().await;
        }
        self.finish();
    }

    /// The run ended in an error that this stream did not carry (an `error` event is not
    /// replayed after a resume): fetch it, so that it is not lost.
    async fn run_failed(&mut self) {
        let ids = self
            .flow
            .info
            .lock()
            .ok()
            .and_then(|i| Some((i.thread_id.clone()?, i.run_id.clone()?)));
        let Some((thread, run)) = ids else { return };
        let result: Result<Value> = self
            .client
            .transport()
            .json(
                &ops::JOIN_RUN,
                &[&thread, &run],
                &[],
                None::<&()>,
                &self.request,
            )
            .await;
        let error = match result {
            Ok(value) => crate::RunError::in_result(&value),
            Err(_) => None,
        };
        self.flow.pending.push_back(Err(Error::Run(
            error.unwrap_or_else(|| crate::RunError::new("Error", "the run ended in an error")),
        )));
    }

    /// The run's status, when the thread and run are known (and the server answers).
    async fn run_status(
        client: &Client,
        info: &Mutex<Info>,
        options: &RequestOptions,
    ) -> Option<RunStatus> {
        let (thread, run) = {
            let info = info.lock().ok()?;
            (info.thread_id.clone()?, info.run_id.clone()?)
        };
        let run: crate::types::Run = client
            .transport()
            .json(&ops::GET_RUN, &[&thread, &run], &[], None::<&()>, options)
            .await
            .ok()?;
        Some(run.status)
    }

    fn lost(&mut self, reason: String) {
        // Everything decoded is delivered before this error: the cursor's last id is the
        // caller's.
        let last_event_id = self.flow.cursor.last_id();
        let run_id = self
            .flow
            .info
            .lock()
            .ok()
            .and_then(|info| info.run_id.as_deref()?.parse().ok());
        self.flow.pending.push_back(Err(Error::StreamLost {
            operation: self.flow.op.id,
            reason,
            last_event_id,
            run_id,
        }));
        self.body = None;
    }

    /// Reconnects with `Last-Event-ID`, or gives up with [`Error::StreamLost`].
    async fn recover(&mut self, reason: String) {
        self.recover_after(reason, true).await;
    }

    /// [`recover`](Self::recover); `wait` is false when nothing failed (the catch-up after a
    /// run ended), so the first attempt goes out at once.
    async fn recover_after(&mut self, reason: String, wait: bool) {
        self.body = None;
        // Events held back as a possible repeat were not delivered, so the cursor is before
        // them: the resume replays them if they were new.
        self.flow.repeats = None;
        // Events without ids are not kept by the server (the run is not resumable): a resume
        // would skip what was missed.
        if self.flow.cursor.last.is_none() && self.flow.delivered > 0 {
            self.lost(format!(
                "{reason}; the server sent its events without ids, so it keeps none to resume \
                 from (create the run with `stream_resumable(true)`)"
            ));
            return;
        }
        let url = match &self.resume {
            Ok(url) => url.clone(),
            Err(why) => {
                let why = why.clone();
                self.lost(format!("{reason}; {why}"));
                return;
            }
        };
        let transport = self.client.transport();
        let max = transport.retry.max_retries.max(1);
        let mut last_reason = reason;
        while self.flow.attempts < max {
            let delay = self
                .parser
                .retry()
                .map(|d| d.min(transport.retry.max_backoff))
                .unwrap_or_else(|| transport.retry.backoff(self.flow.attempts));
            if wait || self.flow.attempts > 0 {
                tokio::time::sleep(delay).await;
            }
            self.flow.attempts += 1;
            let last_id = self.flow.cursor.resume_from();
            tracing::debug!(url = url.path(), attempt = self.flow.attempts, last_event_id = ?last_id, reason = %last_reason, "resuming stream");
            let request = match self.request.apply(transport.http.get(url.clone())) {
                Ok(request) => request,
                Err(e) => {
                    self.flow.pending.push_back(Err(e));
                    return;
                }
            };
            let mut request = request
                .header(header::ACCEPT, "text/event-stream")
                .header(header::CACHE_CONTROL, "no-store");
            if let Some(id) = &last_id {
                request = request.header("Last-Event-ID", id);
            }
            let request = match request.build() {
                Ok(r) => r,
                Err(e) => {
                    self.lost(format!("cannot build the resume request: {e}"));
                    return;
                }
            };
            let response = match transport.execute(&ops::JOIN_RUN_STREAM, request).await {
                Ok(response) => match check(self.flow.op.id, response).await {
                    Ok(response) => expect_event_stream(self.flow.op.id, response).await,
                    Err(e) => Err(e),
                },
                Err(e) => Err(Error::from_reqwest(self.flow.op.id, e)),
            };
            match response {
                Ok(response) => {
                    if let Ok(mut info) = self.flow.info.lock() {
                        info.reconnects += 1;
                    }
                    self.parser = sse::Decoder::new(self.client.transport().max_event_size, None);
                    self.flow.skip = if last_id.is_some() {
                        self.flow.cursor.with_last
                    } else {
                        0
                    };
                    self.flow.repeats = Some(Repeats::default());
                    self.body = Some(response.bytes_stream().boxed());
                    return;
                }
                Err(e) if e.is_transient() => last_reason = e.to_string(),
                // A redirect, a page that is not a stream, a 404: trying again changes nothing.
                Err(e) => {
                    self.flow.pending.push_back(Err(e));
                    return;
                }
            }
        }
        self.lost(format!(
            "{last_reason}; gave up after {} reconnects",
            self.flow.attempts
        ));
    }
}

/// Sends a streaming request for `op` and checks that the answer is an event stream.
pub(crate) async fn open(
    client: &Client,
    op: &'static Operation,
    builder: reqwest::RequestBuilder,
) -> Result<Response> {
    client.transport().open_stream(op, builder).await
}

/// The reconnect URL a stream response names (`Location`), or why there is none: the API key
/// is sent to the server's origin only, so a `Location` elsewhere is not used.
pub(crate) fn location(client: &Client, response: &Response) -> std::result::Result<Url, String> {
    let Some(location) = response.headers().get(header::LOCATION) else {
        return Err("the server named no `Location` to resume from".into());
    };
    let text = String::from_utf8_lossy(location.as_bytes());
    let transport = client.transport();
    match transport.base.join(&text) {
        Ok(mut url) if transport.same_origin(&url) => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            Ok(url)
        }
        Ok(url) => Err(format!(
            "the server's resume `Location` {} is on another origin, and this client talks to \
             its server only",
            crate::error::redact(&url)
        )),
        Err(e) => Err(format!(
            "the server's resume `Location` {} is not a URL: {e}",
            crate::error::redact_str(&text)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str, data: &str) -> OwnedEvent {
        sse::Event {
            name: b"custom",
            data: data.as_bytes(),
            id: id.as_bytes(),
            chunk: None,
        }
        .to_owned()
    }

    fn data(event: OwnedEvent) -> String {
        String::from_utf8(event.borrow().data.to_vec()).unwrap()
    }

    /// Every event of `wire`, through the SSE decoder and `as_sent`.
    fn sent(wire: &[u8]) -> Vec<Delivery<SseEvent>> {
        let mut decoder = sse::Decoder::new(usize::MAX, None);
        decoder.feed(Bytes::copy_from_slice(wire));
        let mut out = Vec::new();
        while let Some(event) = decoder.next_event() {
            let id = (!event.id.is_empty()).then_some(event.id);
            out.push(as_sent("op", event, id));
        }
        out
    }

    #[test]
    fn events_as_sent_relay_as_they_came() {
        let wire = b"event: metadata\r\ndata: {\"run_id\": \"00000000-0000-0000-0000-000000000007\"}\r\nid: 1-0\r\n\r\n\
            event: custom\ndata: line one\ndata: \ndata: line three\nid: 2-0\n\n\
            event: values|child:1\ndata: {}\nid: 2-0\n\n\
            event: end\ndata\n\n";
        let events = sent(wire);
        let names: Vec<&str> = events
            .iter()
            .map(|d| d.item.as_ref().unwrap().event())
            .collect();
        assert_eq!(names, ["metadata", "custom", "values|child:1", "end"]);
        assert_eq!(
            events[0].run_id.as_deref(),
            Some("00000000-0000-0000-0000-000000000007"),
            "the run, from the metadata event"
        );
        assert_eq!(
            events.iter().map(|d| d.end).collect::<Vec<_>>(),
            [false, false, false, true]
        );
        let custom = events[1].item.as_ref().unwrap();
        assert_eq!(&custom.data()[..], b"line one\n\nline three");
        assert_eq!(custom.id(), Some("2-0"));
        assert!(custom.json::<Value>().is_err(), "not JSON: a decode error");

        // Relayed, they read back the same (names, data lines, ids).
        let relayed: Vec<u8> = events
            .iter()
            .flat_map(|d| d.item.as_ref().unwrap().to_sse())
            .collect();
        let again: Vec<SseEvent> = sent(&relayed)
            .into_iter()
            .map(|d| d.item.unwrap())
            .collect();
        let expected: Vec<SseEvent> = events.into_iter().map(|d| d.item.unwrap()).collect();
        assert_eq!(
            expected[3].id(),
            Some("2-0"),
            "an event without an `id:` line has the last id, as in the stream"
        );
        assert_eq!(again, expected);
        let error = sent(b"event: error\ndata: {\"error\": \"ValueError\"}\n\n");
        assert!(
            error[0].end && error[0].item.is_ok(),
            "delivered, then the end"
        );
    }

    #[test]
    fn the_cursor_resumes_before_a_shared_id() {
        let mut c = Cursor {
            start: Some("0".into()),
            ..Cursor::default()
        };
        assert_eq!(
            c.resume_from().as_deref(),
            Some("0"),
            "nothing delivered: from the start"
        );
        c.delivered(b"5-0");
        assert_eq!(c.resume_from().as_deref(), Some("0"));
        c.delivered(b"5-0");
        c.delivered(b"7-0");
        c.delivered(b"7-0");
        assert_eq!(c.resume_from().as_deref(), Some("5-0"));
        assert_eq!(c.with_last, 2);
    }

    #[test]
    fn a_repeated_tail_is_dropped() {
        let mut r = Repeats::default();
        let delivered: Vec<String> = ["a", "b", "c", "b", "c", "d"]
            .into_iter()
            .flat_map(|d| r.push(ev("1-0", d)))
            .map(data)
            .collect();
        assert_eq!(
            delivered,
            vec!["a", "b", "c", "d"],
            "`b c` repeated the tail and was dropped"
        );
    }

    #[test]
    fn a_partial_match_is_released_in_order() {
        let mut r = Repeats::default();
        let mut out: Vec<String> = ["a", "b", "c", "a", "b", "x"]
            .into_iter()
            .flat_map(|d| r.push(ev("1-0", d)))
            .map(data)
            .collect();
        out.extend(r.flush().into_iter().map(data));
        assert_eq!(
            out,
            vec!["a", "b", "c", "a", "b", "x"],
            "`a b` then `x` is not a repeat of the tail `b c`"
        );
        let mut r = Repeats::default();
        let mut out: Vec<String> = ["a", "b", "a"]
            .into_iter()
            .flat_map(|d| r.push(ev("1-0", d)))
            .map(data)
            .collect();
        out.extend(r.flush().into_iter().map(data));
        assert_eq!(
            out,
            vec!["a", "b", "a"],
            "held at the end of the connection and released"
        );
    }

    #[test]
    fn distinct_ids_are_never_repeats() {
        let mut r = Repeats::default();
        let out: Vec<String> = [("1-0", " "), ("2-0", " "), ("3-0", " ")]
            .into_iter()
            .flat_map(|(i, d)| r.push(ev(i, d)))
            .map(data)
            .collect();
        assert_eq!(out.len(), 3);
    }
}
