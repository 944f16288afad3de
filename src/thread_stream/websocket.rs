//! The event connection over a WebSocket (`/threads/{id}/stream/events`, the `websocket`
//! feature): the handshake carries what an HTTP request of the client carries (the API key
//! and basic authentication on the server's origin, `User-Agent`, the client's and the
//! session's headers), then a `subscription.subscribe` command with the filter and `since`,
//! then one event per text frame. Commands still go over `POST …/commands`.

use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::{self, Message, client::IntoClientRequest};

use super::{
    connection::{ConnEnd, Ctx, FromConn, Open, connection_retryable, event_of, tell},
    queue::Fault,
    wire::Answer,
};
use crate::{Error, error::ApiError, operations as ops};

/// The WebSocket URL of the thread's event stream: the base URL's scheme as `ws`/`wss`, its
/// path, then the operation's path.
pub(crate) fn url(ctx: &Ctx) -> crate::Result<reqwest::Url> {
    let transport = ctx.client.transport();
    let op = &ops::PROTOCOL_THREAD_EVENTS;
    let http = transport.url(&op.path(&[&ctx.thread_id])?)?;
    let mut ws = http.clone();
    let scheme = if http.scheme() == "https" {
        "wss"
    } else {
        "ws"
    };
    ws.set_scheme(scheme)
        .map_err(|()| Error::InvalidInput(format!("no WebSocket URL for {http}")))?;
    Ok(ws)
}

/// The handshake request: every header an HTTP request of the session would carry.
pub(crate) fn handshake(ctx: &Ctx) -> crate::Result<tungstenite::handshake::client::Request> {
    ctx.request.check()?;
    let transport = ctx.client.transport();
    let op = &ops::PROTOCOL_THREAD_EVENTS;
    let url = url(ctx)?;
    let mut request = url
        .as_str()
        .into_client_request()
        .map_err(|e| Error::InvalidInput(format!("`{}`: {e}", op.id)))?;
    let headers = request.headers_mut();
    for (name, value) in &transport.default_headers {
        headers.insert(name, value.clone());
    }
    for (name, value) in ctx.request.headers() {
        headers.insert(name, value.clone());
    }
    // The credentials go where an HTTP request to the same endpoint would take them: the
    // server's origin only.
    let http = transport.url(&op.path(&[&ctx.thread_id])?)?;
    for (name, value) in transport.credentials(&http) {
        headers.insert(name, value);
    }
    Ok(request)
}

pub(crate) async fn events(ctx: &Ctx, open: &Open, tx: &mpsc::Sender<FromConn>) -> ConnEnd {
    let op = &ops::PROTOCOL_THREAD_EVENTS;
    let request = match handshake(ctx) {
        Ok(r) => r,
        Err(e) => return ConnEnd::Fatal(Fault::from_error(e)),
    };
    tracing::debug!(conn = open.conn_id, body = %open.body(), "thread stream: connecting (WebSocket)");
    // The timeout limits the handshake, not the connection's life (as over SSE).
    let connecting = tokio_tungstenite::connect_async(request);
    let connected = match ctx.request.time_limit() {
        Some(limit) => match tokio::time::timeout(limit, connecting).await {
            Ok(connected) => connected,
            Err(_) => return ConnEnd::Retry(format!("`{}`: no answer within {limit:?}", op.id)),
        },
        None => connecting.await,
    };
    let mut socket = match connected {
        Ok((socket, _)) => socket,
        Err(tungstenite::Error::Http(response)) => {
            let status = response.status();
            let body = response.body().clone().unwrap_or_default();
            let error = ApiError::new(op.id, status, None, &body);
            return if connection_retryable(status) {
                ConnEnd::Retry(error.to_string())
            } else if status.is_redirection() {
                ConnEnd::Fatal(Fault::Redirected {
                    status,
                    location: None,
                })
            } else {
                ConnEnd::Fatal(Fault::Refused(Arc::new(error)))
            };
        }
        Err(e) => return ConnEnd::Retry(format!("the WebSocket handshake failed: {e}")),
    };
    let subscribe = json!({"id": 1, "method": "subscription.subscribe", "params": open.body()});
    if let Err(e) = socket.send(Message::text(subscribe.to_string())).await {
        return ConnEnd::Retry(format!("the WebSocket broke: {e}"));
    }
    // The server replays the run's events before it answers the subscription: the
    // connection is open from here, and its events count from the first frame.
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
    let limit = ctx.client.transport().max_event_size;
    loop {
        let frame = match socket.next().await {
            Some(Ok(frame)) => frame,
            Some(Err(e)) => return ConnEnd::Retry(format!("the WebSocket broke: {e}")),
            None => return ConnEnd::Retry("the server closed the WebSocket".into()),
        };
        let text = match frame {
            Message::Text(text) => text,
            Message::Close(frame) => {
                // `4000 + status` says the server refused; anything else (1000, or 1011
                // when its thread stream ended) is worth reopening.
                let code = frame.as_ref().map_or(1005, |f| u16::from(f.code));
                let reason = frame.map(|f| f.reason.to_string()).unwrap_or_default();
                if let Some(status) = code
                    .checked_sub(4000)
                    .and_then(|s| reqwest::StatusCode::from_u16(s).ok())
                    .filter(|s| !connection_retryable(*s))
                {
                    let error = ApiError::new(op.id, status, None, reason.as_bytes());
                    return ConnEnd::Fatal(Fault::Refused(Arc::new(error)));
                }
                return ConnEnd::Retry(format!(
                    "the server closed the WebSocket ({code} {reason})"
                ));
            }
            Message::Binary(_) | Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {
                continue;
            }
        };
        if text.len() > limit {
            return ConnEnd::Fatal(Fault::TooLarge { limit });
        }
        let value: Value = match serde_json::from_str(&text) {
            Ok(value) => value,
            Err(e) => {
                tracing::warn!(error = %e, "thread stream: skipping a frame that is not JSON");
                continue;
            }
        };
        // The answer to the subscription (command id 1): a refusal ends the connection.
        if value.get("id").and_then(Value::as_u64) == Some(1) {
            if let Some(Answer::Error(e)) = Answer::parse("subscription.subscribe", &value) {
                return ConnEnd::Fatal(Fault::Protocol(e));
            }
            continue;
        }
        let Some(event) = event_of(value) else {
            continue;
        };
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
}
