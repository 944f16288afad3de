//! Run streams: SSE decoding, typed events, and resumption after a dropped connection.
//!
//! A [`RunStream`] is a `Stream` of [`StreamEvent`]s. When the connection drops (a transport
//! error, a read timeout, or a close before the `end` event), a resumable stream reconnects
//! with `GET` to the run's stream URL and `Last-Event-ID`, so the server replays what was
//! missed; events already delivered are not delivered again. A stream that the server cannot
//! resume ends with [`Error::StreamLost`] instead of silently skipping events.

pub use crate::stream_part::{Message, RunMetadata, StreamEvent, StreamPart};

use std::{
    collections::VecDeque,
    marker::PhantomData,
    pin::Pin,
    sync::{Arc, Mutex},
    task::{Context, Poll},
};

use bytes::Bytes;
use futures_util::{Stream, StreamExt, stream::BoxStream};
use reqwest::{Response, Url, header};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sse_parse::SseParser;

use crate::{
    Client, Error, Result,
    operations::{self as ops, Operation},
    stream_part::{Decoded, decode},
    transport::check,
    types::RunStatus,
};

/// What is known about a stream while it runs.
#[derive(Debug, Clone, Default)]
struct Info {
    run_id: Option<String>,
    thread_id: Option<String>,
    last_event_id: Option<String>,
    reconnects: u32,
}

/// A stream of the events of a run (or of a thread's runs).
///
/// ```no_run
/// # async fn demo(client: langgraph_sdk::Client, thread_id: uuid::Uuid) -> langgraph_sdk::Result<()> {
/// use futures_util::TryStreamExt;
/// use langgraph_sdk::runs::StreamMode;
/// use langgraph_sdk::stream::StreamPart;
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
///         StreamPart::Updates(update) => println!("\n{:?}", update.keys()),
///         _ => {}
///     }
/// }
/// # Ok(())
/// # }
/// ```
///
/// Dropping the stream closes the connection.
pub struct RunStream<S = Value> {
    events: BoxStream<'static, Result<StreamEvent<S>>>,
    info: Arc<Mutex<Info>>,
}

impl<S> std::fmt::Debug for RunStream<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunStream")
            .field("info", &self.info.lock().map(|i| i.clone()).ok())
            .finish_non_exhaustive()
    }
}

impl<S> RunStream<S> {
    /// The run, once known (from the response headers or the `metadata` event).
    pub fn run_id(&self) -> Option<String> {
        self.info.lock().ok().and_then(|i| i.run_id.clone())
    }

    /// The thread the run is on (a temporary one for stateless runs), when known.
    pub fn thread_id(&self) -> Option<String> {
        self.info.lock().ok().and_then(|i| i.thread_id.clone())
    }

    /// The id of the last event delivered (resumable streams only).
    pub fn last_event_id(&self) -> Option<String> {
        self.info.lock().ok().and_then(|i| i.last_event_id.clone())
    }

    /// How often the stream reconnected.
    pub fn reconnects(&self) -> u32 {
        self.info.lock().map(|i| i.reconnects).unwrap_or_default()
    }
}

impl<S> Stream for RunStream<S> {
    type Item = Result<StreamEvent<S>>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.poll_next_unpin(cx)
    }
}

/// How a stream was opened, and so how it can be resumed.
pub(crate) struct Opened {
    /// The operation that opened it (for errors and tracing).
    pub op: &'static Operation,
    /// The response whose body is the stream.
    pub response: Response,
    /// Where to reconnect with `GET` and `Last-Event-ID`; `None` when the server cannot
    /// resume this stream.
    pub resume: Option<Url>,
    /// The thread and run, when known.
    pub thread_id: Option<String>,
    /// The run, when known.
    pub run_id: Option<String>,
    /// The `Last-Event-ID` the stream was opened with.
    pub last_event_id: Option<String>,
    /// Whether the stream goes on after a run ends (a thread stream): no `end` event is
    /// expected, and a close is always reconnected.
    pub endless: bool,
}

/// Compares event ids of the form `<milliseconds>-<sequence>`; `None` for other forms, which
/// are then not used to drop replayed events.
fn id_key(id: &str) -> Option<(u64, u64)> {
    let (ms, seq) = id.split_once('-')?;
    Some((ms.parse().ok()?, seq.parse().ok()?))
}

struct Session<S> {
    client: Client,
    op: &'static Operation,
    body: Option<BoxStream<'static, reqwest::Result<Bytes>>>,
    parser: SseParser,
    overflows: u64,
    pending: VecDeque<Result<StreamEvent<S>>>,
    resume: Option<Url>,
    endless: bool,
    /// Consecutive failed reconnects; progress resets it.
    attempts: u32,
    /// Set by a reconnect: events up to the last delivered id are replays to drop.
    replaying: bool,
    finished: bool,
    info: Arc<Mutex<Info>>,
    output: PhantomData<fn() -> S>,
}

impl<S: DeserializeOwned + Send + 'static> RunStream<S> {
    pub(crate) fn new(client: Client, opened: Opened) -> RunStream<S> {
        let info = Arc::new(Mutex::new(Info {
            run_id: opened.run_id,
            thread_id: opened.thread_id,
            last_event_id: opened.last_event_id.clone(),
            reconnects: 0,
        }));
        let parser = parser(&client, opened.last_event_id.as_deref());
        let session = Session {
            client,
            op: opened.op,
            body: Some(opened.response.bytes_stream().boxed()),
            parser,
            overflows: 0,
            pending: VecDeque::new(),
            resume: opened.resume,
            endless: opened.endless,
            attempts: 0,
            replaying: false,
            finished: false,
            info: info.clone(),
            output: PhantomData,
        };
        let events = futures_util::stream::unfold(session, |mut session| async move {
            let item = session.next().await?;
            Some((item, session))
        })
        .boxed();
        RunStream { events, info }
    }
}

fn parser(client: &Client, last_event_id: Option<&str>) -> SseParser {
    let parser = match last_event_id {
        Some(id) => SseParser::with_last_event_id(id),
        None => SseParser::new(),
    };
    parser.max_buffer(client.transport().max_event_size)
}

impl<S: DeserializeOwned> Session<S> {
    fn last_id(&self) -> Option<String> {
        self.info.lock().ok().and_then(|i| i.last_event_id.clone())
    }

    async fn next(&mut self) -> Option<Result<StreamEvent<S>>> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                if item.is_err() {
                    self.finish();
                }
                return Some(item);
            }
            if self.finished {
                return None;
            }
            let Some(body) = self.body.as_mut() else {
                self.finish();
                return None;
            };
            match body.next().await {
                Some(Ok(bytes)) => self.feed(&bytes),
                Some(Err(e)) => {
                    let reason = if e.is_timeout() {
                        "read timeout".to_string()
                    } else {
                        format!("connection error: {e}")
                    };
                    self.recover(reason).await;
                }
                None => self.closed().await,
            }
        }
    }

    fn finish(&mut self) {
        self.finished = true;
        self.body = None;
        self.pending.retain(|item| item.is_ok());
    }

    /// Decodes what `bytes` completes.
    fn feed(&mut self, bytes: &[u8]) {
        self.parser.feed(bytes);
        if self.parser.overflows() > self.overflows {
            self.overflows = self.parser.overflows();
            let limit = self.client.transport().max_event_size;
            self.pending.push_back(Err(Error::EventTooLarge {
                operation: self.op.id,
                limit,
            }));
            return;
        }
        while let Some(event) = self.parser.next_event() {
            self.deliver(event);
        }
    }

    fn deliver(&mut self, event: sse_parse::Event) {
        let id = (!event.id.is_empty()).then_some(event.id);
        if self.replaying {
            // After a reconnect the server may repeat events up to the one we resumed from.
            let seen = self.last_id().and_then(|l| id_key(&l));
            match (seen, id.as_deref().and_then(id_key)) {
                (Some(seen), Some(this)) if this <= seen => return,
                _ => self.replaying = false,
            }
        }
        self.attempts = 0;
        if let Ok(mut info) = self.info.lock()
            && id.is_some()
        {
            info.last_event_id.clone_from(&id);
        }
        match decode::<S>(self.op.id, &event.event, &event.data, id) {
            Ok(Decoded::Part(part)) => {
                if let StreamPart::Metadata(meta) = &part.part
                    && let (Some(run_id), Ok(mut info)) = (&meta.run_id, self.info.lock())
                    && info.run_id.is_none()
                {
                    info.run_id = Some(run_id.clone());
                }
                let end = matches!(part.part, StreamPart::End) && !self.endless;
                self.pending.push_back(Ok(part));
                if end {
                    self.finished = true;
                    self.body = None;
                }
            }
            Ok(Decoded::Failed(error)) => self.pending.push_back(Err(Error::Run(error))),
            Err(e) => self.pending.push_back(Err(e)),
        }
    }

    /// The connection closed. That is how a run stream normally ends; it is an interruption
    /// only if the run is still going, and then the stream is resumed (or reported lost).
    async fn closed(&mut self) {
        self.parser.finish();
        while let Some(event) = self.parser.next_event() {
            self.deliver(event);
        }
        if self.finished || self.pending.iter().any(Result::is_err) {
            return;
        }
        if !self.endless {
            match Self::run_status(&self.client, &self.info).await {
                Some(RunStatus::Pending | RunStatus::Running) => {}
                status => {
                    tracing::debug!(?status, "stream closed after the run ended");
                    self.finish();
                    return;
                }
            }
        }
        self.recover("the connection closed while the run was still going".into())
            .await;
    }

    /// The run's status, when the thread and run are known (and the server answers).
    async fn run_status(client: &Client, info: &Mutex<Info>) -> Option<RunStatus> {
        let (thread, run) = {
            let info = info.lock().ok()?;
            (info.thread_id.clone()?, info.run_id.clone()?)
        };
        let run: crate::types::Run = client
            .transport()
            .json(&ops::GET_RUN, &[&thread, &run], &[], None::<&()>)
            .await
            .ok()?;
        Some(run.status)
    }

    fn lost(&mut self, reason: String) {
        let (last_event_id, run_id) = match self.info.lock() {
            Ok(info) => (info.last_event_id.clone(), info.run_id.clone()),
            Err(_) => (None, None),
        };
        self.pending.push_back(Err(Error::StreamLost {
            operation: self.op.id,
            reason,
            last_event_id,
            run_id,
        }));
        self.body = None;
    }

    /// Reconnects with `Last-Event-ID`, or gives up with [`Error::StreamLost`].
    async fn recover(&mut self, reason: String) {
        self.body = None;
        let Some(url) = self.resume.clone() else {
            self.lost(format!("{reason}; the server cannot resume this stream (create the run with `stream_resumable(true)`)"));
            return;
        };
        let transport = self.client.transport();
        let max = transport.retry.max_retries.max(1);
        let mut last_reason = reason;
        while self.attempts < max {
            let delay = self
                .parser
                .retry()
                .map(|d| d.min(transport.retry.max_backoff))
                .unwrap_or_else(|| transport.retry.backoff(self.attempts));
            self.attempts += 1;
            tokio::time::sleep(delay).await;
            let last_id = self.last_id();
            tracing::debug!(%url, attempt = self.attempts, last_event_id = ?last_id, reason = %last_reason, "resuming stream");
            let mut request = transport
                .http
                .get(url.clone())
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
            let response = match transport
                .execute(ops::JOIN_RUN_STREAM.id, true, request)
                .await
            {
                Ok(response) => check(self.op.id, response).await,
                Err(e) => Err(Error::from_reqwest(self.op.id, e)),
            };
            match response {
                Ok(response) => {
                    if let Ok(mut info) = self.info.lock() {
                        info.reconnects += 1;
                    }
                    self.parser = parser(&self.client, last_id.as_deref());
                    self.overflows = 0;
                    self.replaying = last_id.is_some();
                    self.body = Some(response.bytes_stream().boxed());
                    return;
                }
                Err(e @ Error::Api(_))
                    if !e
                        .status()
                        .is_some_and(|s| s.is_server_error() || s.as_u16() == 429) =>
                {
                    self.pending.push_back(Err(e));
                    return;
                }
                Err(e) => last_reason = e.to_string(),
            }
        }
        self.lost(format!(
            "{last_reason}; gave up after {} reconnects",
            self.attempts
        ));
    }
}

/// Sends a streaming request for `op` and checks the answer.
pub(crate) async fn open(
    client: &Client,
    op: &'static Operation,
    builder: reqwest::RequestBuilder,
) -> Result<Response> {
    let builder = builder
        .header(header::ACCEPT, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-store");
    client.transport().send(op, builder).await
}

/// The reconnect URL a stream response names (`Location`), if it is on the server's origin.
pub(crate) fn location(client: &Client, response: &Response) -> Option<Url> {
    let location = response.headers().get(header::LOCATION)?.to_str().ok()?;
    let url = client.transport().base.join(location).ok()?;
    client.transport().same_origin(&url).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_compare_by_time_then_sequence() {
        assert!(id_key("1795285944921-0") < id_key("1795285944921-1"));
        assert!(id_key("1795285944921-9") < id_key("1795285944922-0"));
        assert_eq!(id_key("abc"), None);
        assert_eq!(id_key("12"), None);
    }
}
