//! One event connection of a session: opens `POST /threads/{id}/stream/events` (or the
//! WebSocket on the same path) with a filter and a `since`, and hands each event to the
//! fan-out, tagged with the connection's generation. The fan-out decides what to take.

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use futures_util::StreamExt;
use reqwest::header;
use serde_json::{Value, json};
use tokio::{sync::mpsc, task::JoinHandle};

use super::{
    StreamTransport,
    queue::Fault,
    wire::{Channel, Event},
};
use crate::{Client, Error, RequestOptions, operations as ops, sse};

/// What every connection of a session needs.
pub(crate) struct Ctx {
    pub(crate) client: Client,
    pub(crate) thread_id: String,
    /// The session's own headers and timeout (the client's headers are added by its HTTP
    /// client).
    pub(crate) request: RequestOptions,
    /// The bound of each projection's queue and of the record of the current run.
    pub(crate) capacity: usize,
    pub(crate) transport: StreamTransport,
}

/// A connection to open.
pub(crate) struct Open {
    pub(crate) conn_id: u64,
    pub(crate) channels: BTreeSet<Channel>,
    pub(crate) since: Option<u64>,
    /// Wait this long first (a reconnect's backoff).
    pub(crate) delay: Duration,
}

/// What a connection tells the fan-out.
pub(crate) enum FromConn {
    /// The server accepted the subscription.
    Opened {
        conn_id: u64,
    },
    Event {
        conn_id: u64,
        event: Arc<Event>,
    },
    Ended {
        conn_id: u64,
        end: ConnEnd,
    },
}

/// How a connection ended.
#[derive(Debug)]
pub(crate) enum ConnEnd {
    /// It dropped or could not be opened; worth trying again.
    Retry(String),
    /// Trying again would not help.
    Fatal(Fault),
}

impl Open {
    /// The request body (`EventStreamRequest`): the filter and the resume point.
    pub(crate) fn body(&self) -> Value {
        let mut body = json!({ "channels": self.channels });
        if let Some(since) = self.since {
            body["since"] = json!(since);
        }
        body
    }
}

pub(crate) fn spawn(ctx: Arc<Ctx>, open: Open, tx: mpsc::Sender<FromConn>) -> JoinHandle<()> {
    tokio::spawn(async move {
        if !open.delay.is_zero() {
            tokio::time::sleep(open.delay).await;
        }
        let conn_id = open.conn_id;
        let end = match ctx.transport {
            StreamTransport::Sse => sse_events(&ctx, &open, &tx).await,
            #[cfg(feature = "websocket")]
            StreamTransport::WebSocket => super::websocket::events(&ctx, &open, &tx).await,
        };
        // The fan-out may be gone (the session closed): nothing to tell.
        let _ = tx.send(FromConn::Ended { conn_id, end }).await;
    })
}

/// Hands `message` to the fan-out; an error when the fan-out is gone (the session closed).
pub(crate) async fn tell(tx: &mpsc::Sender<FromConn>, message: FromConn) -> Result<(), ConnEnd> {
    tx.send(message)
        .await
        .map_err(|_| ConnEnd::Retry("the session is closed".into()))
}

/// Whether an error status on the event stream is worth trying again: 408, 429 and server
/// errors.
pub(crate) fn connection_retryable(status: reqwest::StatusCode) -> bool {
    status.is_server_error() || matches!(status.as_u16(), 408 | 429)
}

/// Turns one frame (an SSE event's data, a WebSocket text frame) into an event. Command
/// answers and unknown frames are skipped; an unsolicited error frame is logged (the server
/// sends one before closing a stream it cannot go on with).
pub(crate) fn parse_frame(data: &[u8]) -> Option<Event> {
    match serde_json::from_slice(data) {
        Ok(value) => event_of(value),
        Err(e) => {
            tracing::warn!(error = %e, "thread stream: skipping a frame that is not JSON");
            None
        }
    }
}

/// [`parse_frame`] of a frame already parsed as JSON.
pub(crate) fn event_of(value: Value) -> Option<Event> {
    match value.get("type").and_then(Value::as_str) {
        Some("event") | None if value.get("method").is_some() => {
            match serde_json::from_value(value) {
                Ok(event) => Some(event),
                Err(e) => {
                    tracing::warn!(error = %e, "thread stream: skipping a malformed event");
                    None
                }
            }
        }
        Some("error") => {
            tracing::warn!(frame = %value, "thread stream: the server reported a stream error");
            None
        }
        _ => None,
    }
}

/// How an attempt to open (or read) the event stream failed: worth trying again, or not.
pub(crate) fn classify(error: Error) -> ConnEnd {
    match &error {
        Error::Api(e) if connection_retryable(e.status) => ConnEnd::Retry(error.to_string()),
        e if e.is_transport() => ConnEnd::Retry(error.to_string()),
        _ => ConnEnd::Fatal(Fault::from_error(error)),
    }
}

async fn sse_events(ctx: &Ctx, open: &Open, tx: &mpsc::Sender<FromConn>) -> ConnEnd {
    let transport = ctx.client.transport();
    let op = &ops::PROTOCOL_THREAD_EVENTS;
    // The timeout limits opening the connection, not its life: it lasts as long as the
    // session.
    let request = transport
        .request(op, &[&ctx.thread_id], &ctx.request.without_timeout())
        .and_then(|b| {
            let body = crate::request::to_json_bytes(op.id, &open.body())?;
            Ok(b.header(header::CONTENT_TYPE, "application/json")
                .body(body))
        });
    tracing::debug!(conn = open.conn_id, body = %open.body(), "thread stream: connecting");
    // Asks for an event stream and refuses an answer that is not one; an error status is
    // an error, and a redirect is not followed.
    let opening = async {
        match request {
            Ok(builder) => transport.open_stream(op, builder).await,
            Err(e) => Err(e),
        }
    };
    let response = match ctx.request.time_limit() {
        Some(limit) => match tokio::time::timeout(limit, opening).await {
            Ok(response) => response,
            // Like a dropped connection: tried again, until the session gives up.
            Err(_) => return ConnEnd::Retry(format!("`{}`: no answer within {limit:?}", op.id)),
        },
        None => opening.await,
    };
    let response = match response {
        Ok(r) => r,
        Err(e) => return classify(e),
    };
    if let Err(end) = tell(
        tx,
        FromConn::Opened {
            conn_id: open.conn_id,
        },
    )
    .await
    {
        return end;
    }
    let limit = transport.max_event_size;
    let mut decoder = sse::Decoder::new(limit, None);
    let mut body = response.bytes_stream();
    loop {
        match body.next().await {
            Some(Ok(bytes)) => {
                decoder.feed(&bytes);
                while let Some(event) = decoder.next_event().map(|e| parse_frame(e.data)) {
                    let Some(event) = event else { continue };
                    let event = Arc::new(event);
                    if let Err(end) = tell(
                        tx,
                        FromConn::Event {
                            conn_id: open.conn_id,
                            event,
                        },
                    )
                    .await
                    {
                        return end;
                    }
                }
                if decoder.overflowed() {
                    return ConnEnd::Fatal(Fault::TooLarge { limit });
                }
            }
            Some(Err(e)) => {
                return ConnEnd::Retry(format!(
                    "the event stream broke: {}",
                    Error::from_reqwest(op.id, e)
                ));
            }
            None => return ConnEnd::Retry("the server closed the event stream".into()),
        }
    }
}
