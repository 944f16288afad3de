//! Sending requests: the API key, retries, tracing and error mapping, shared by the ergonomic
//! layer and the generated raw client.
//!
//! # What every request goes through
//!
//! The ergonomic layer sends with [`Transport::send`] (streams with
//! [`Transport::open_stream`]); the generated raw client reaches the same code through its
//! hooks (`raw.rs`: `pre` runs [`Transport::prepare`], `exec` runs [`Transport::execute`]).
//! So for every request, whichever layer built it:
//!
//! - [`Transport::prepare`]: the URL is the operation's own endpoint on the server
//!   ([`Operation::check_url`]): an id cannot make it another one.
//! - [`Transport::execute`]: the API key is added only for the server's origin; retries follow
//!   [`RetryPolicy`]; the body of every response is limited to `max_body_size` bytes (an
//!   event stream's events are limited one by one instead, by the stream decoder).
//! - [`check`] (ergonomic layer): a 3xx is [`Error::Redirect`], 4xx and 5xx are
//!   [`Error::Api`] with at most 64 KiB of the body read; [`expect_event_stream`] refuses a
//!   stream answer that is not `text/event-stream`.
//!
//! # Redirects and the API key
//!
//! Redirects are never followed: the `reqwest::Client` given to [`Transport::new`] must be
//! built with `redirect::Policy::none()` ([`crate::ClientBuilder`] does so). reqwest has no
//! per-request switch, and when it follows a redirect it re-sends our `x-api-key` header (it
//! strips only `Authorization` and cookies on a cross-host hop) and, on 307/308, the request
//! body. A client that follows redirects must therefore never reach this type: one supplied by
//! a caller has to be built by us from their `reqwest::ClientBuilder` with the policy
//! overridden. The raw client gets the 3xx as its `UnexpectedResponse`.

use std::{
    pin::Pin,
    task::{Context, Poll},
    time::{Duration, Instant},
};

use bytes::Bytes;
use reqwest::{
    Response, StatusCode, Url,
    header::{self, HeaderValue},
};
use serde::{Serialize, de::DeserializeOwned};
use tracing::Instrument;

use crate::{
    Error, RequestOptions, Result,
    config::{API_KEY_HEADER, ApiKey, RetryPolicy},
    error::{ApiError, BodyLimit, MAX_ERROR_BODY, MAX_EXCERPT, redact, redact_str, snippet},
    operations::Operation,
};

/// The HTTP side of a client.
pub(crate) struct Transport {
    /// Never follows redirects (see the module docs).
    pub(crate) http: reqwest::Client,
    /// The base URL, without a trailing slash.
    pub(crate) base: Url,
    api_key: Option<ApiKey>,
    pub(crate) retry: RetryPolicy,
    /// The largest stream event accepted.
    pub(crate) max_event_size: usize,
    /// The largest response body read (an event stream's events are limited one by one).
    pub(crate) max_body_size: usize,
    /// Basic authentication from the userinfo of the configured URL (taken out of `base`),
    /// sent like the API key: to the server's origin only.
    pub(crate) basic_auth: Option<HeaderValue>,
    /// The headers the HTTP client adds to every request (`User-Agent`, the configured
    /// ones), for connections it does not make itself (a WebSocket handshake).
    pub(crate) default_headers: reqwest::header::HeaderMap,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("base", &redact(&self.base))
            .field("api_key", &self.api_key.is_some())
            .field("basic_auth", &self.basic_auth.is_some())
            .field("retry", &self.retry)
            .field("max_event_size", &self.max_event_size)
            .field("max_body_size", &self.max_body_size)
            .finish_non_exhaustive()
    }
}

/// Statuses after which a request that cannot have had an effect is sent again.
fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// The wait a `Retry-After` header asks for (seconds, or an HTTP date).
fn retry_after(response: &Response) -> Option<Duration> {
    let value = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate_to_unix(value)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(when.saturating_sub(now))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) into time since the epoch.
fn httpdate_to_unix(value: &str) -> Option<Duration> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m == month)? as i64
        + 1;
    let (day, year): (i64, i64) = (day.parse().ok()?, year.parse().ok()?);
    let hms: Vec<i64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    // Days from civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + m * 60 + s;
    u64::try_from(secs).ok().map(Duration::from_secs)
}

impl Transport {
    /// `http` must not follow redirects (see the module docs).
    pub(crate) fn new(
        http: reqwest::Client,
        base: Url,
        api_key: Option<ApiKey>,
        retry: RetryPolicy,
    ) -> Self {
        Transport {
            http,
            base,
            api_key,
            retry,
            max_event_size: crate::config::DEFAULT_MAX_EVENT_SIZE,
            max_body_size: crate::config::DEFAULT_MAX_BODY_SIZE,
            basic_auth: None,
            default_headers: reqwest::header::HeaderMap::new(),
        }
    }

    /// The credentials for a request to `url`: the API key and basic authentication, on the
    /// server's origin only (nothing elsewhere).
    pub(crate) fn credentials(&self, url: &Url) -> Vec<(header::HeaderName, HeaderValue)> {
        let mut out = Vec::new();
        if self.same_origin(url) {
            if let Some(key) = &self.api_key
                && let Ok(value) = key.header_value()
            {
                out.push((header::HeaderName::from_static(API_KEY_HEADER), value));
            }
            if let Some(auth) = &self.basic_auth {
                out.push((header::AUTHORIZATION, auth.clone()));
            }
        }
        out
    }

    pub(crate) fn has_api_key(&self) -> bool {
        self.api_key.is_some()
    }

    /// Whether `url` is on the server's origin (scheme, host and port), the only place the API
    /// key is sent.
    pub(crate) fn same_origin(&self, url: &Url) -> bool {
        url.origin() == self.base.origin()
    }

    /// The absolute URL of an API path.
    pub(crate) fn url(&self, path: &str) -> Result<Url> {
        let base = self.base.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}{path}"))
            .map_err(|e| Error::InvalidInput(format!("cannot build a URL from {path:?}: {e}")))
    }

    /// Refuses a request for `op` whose URL is not `op`'s endpoint on the server (see
    /// [`Operation::check_url`]). Run before [`execute`](Self::execute), by both layers.
    ///
    /// # Errors
    /// [`Error::InvalidInput`].
    pub(crate) fn prepare(&self, op: &Operation, request: &reqwest::Request) -> Result<()> {
        op.check_url(&self.base, request.url())
    }

    /// Sends `request` for operation `op`: adds the API key (same origin only), retries what
    /// [`RetryPolicy`] allows, limits the size of the response body, and traces the request
    /// in a span. HTTP error statuses (and redirects, which are not followed) are returned as
    /// responses; only transport failures are errors.
    pub(crate) async fn execute(
        &self,
        op: &Operation,
        mut request: reqwest::Request,
    ) -> reqwest::Result<Response> {
        let retry_safe = op.retry_safe;
        for (name, value) in self.credentials(request.url()) {
            // A per-request `Authorization` (an end user's token) wins over the URL's userinfo.
            if name == header::AUTHORIZATION && request.headers().contains_key(&name) {
                continue;
            }
            request.headers_mut().insert(name, value);
        }
        let span = tracing::info_span!(
            "langgraph.request",
            operation = op.id,
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        // Fields are recorded on this handle, not on `Span::current()`: subscribers that do
        // not track the current span would lose them.
        let recorder = span.clone();
        async move {
            let started = Instant::now();
            let mut retry = 0;
            let result = loop {
                // A body that cannot be cloned (a stream) cannot be sent twice.
                let spare = (retry < self.retry.max_retries)
                    .then(|| request.try_clone())
                    .flatten();
                let attempt = self.http.execute(request).await;
                let wait = match (&attempt, spare.is_some()) {
                    (_, false) => None,
                    (Err(e), true) if e.is_connect() => Some(self.retry.backoff(retry)),
                    // No answer (the server closed the connection, a proxy reset it): sending
                    // again is safe only when doing it twice is harmless.
                    (Err(e), true) if retry_safe && !e.is_timeout() => {
                        Some(self.retry.backoff(retry))
                    }
                    (Ok(r), true) if retry_safe && retryable_status(r.status()) => {
                        match retry_after(r) {
                            Some(asked) if asked > self.retry.max_backoff => None,
                            Some(asked) => Some(asked),
                            None => Some(self.retry.backoff(retry)),
                        }
                    }
                    _ => None,
                };
                match (wait, spare) {
                    (Some(wait), Some(spare)) => {
                        let reason = match &attempt {
                            Ok(r) => r.status().to_string(),
                            Err(e) => e.to_string(),
                        };
                        tracing::debug!(retry = retry + 1, ?wait, %reason, "retrying");
                        drop(attempt);
                        tokio::time::sleep(wait).await;
                        request = spare;
                        retry += 1;
                    }
                    _ => break attempt,
                }
            };
            let span = recorder;
            span.record("attempts", retry + 1);
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            match &result {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    if let Some(id) = request_id(response) {
                        span.record("request_id", id.as_str());
                    }
                    tracing::debug!("response");
                }
                Err(e) => tracing::debug!(error = %e, "request failed"),
            }
            result.map(|response| self.limit_body(op, response))
        }
        .instrument(span)
        .await
    }

    /// `response` with a body that fails with [`BodyLimit`] past `max_body_size` bytes (at
    /// once when its `Content-Length` says so), unless it is the event stream of a streaming
    /// operation: its events are limited by the decoder instead, and it may rightly run to
    /// gigabytes. Reading such a body gives [`Error::BodyTooLarge`].
    fn limit_body(&self, op: &Operation, response: Response) -> Response {
        if op.streams && is_event_stream(&response) {
            return response;
        }
        let limit = self.max_body_size;
        let url = response.url().clone();
        let oversized = response.content_length().is_some_and(|n| n > limit as u64);
        let (mut parts, body) = http::Response::from(response).into_parts();
        // `Response::from` below takes the URL from this extension.
        if let Ok(with_url) = {
            use reqwest::ResponseBuilderExt;
            http::Response::builder().url(url).body(())
        } {
            parts.extensions.extend(with_url.into_parts().0.extensions);
        }
        let body = Limited {
            inner: body,
            remaining: limit,
            limit,
            oversized,
        };
        Response::from(http::Response::from_parts(parts, reqwest::Body::wrap(body)))
    }

    /// Builds a request for `op` with its path parameters and the caller's options.
    pub(crate) fn request(
        &self,
        op: &Operation,
        params: &[&str],
        options: &RequestOptions,
    ) -> Result<reqwest::RequestBuilder> {
        options.apply(
            self.http
                .request(op.method.clone(), self.url(&op.path(params)?)?),
        )
    }

    /// Sends a built request for `op`; an error status becomes [`Error::Api`].
    pub(crate) async fn send(
        &self,
        op: &Operation,
        builder: reqwest::RequestBuilder,
    ) -> Result<Response> {
        let request = builder
            .build()
            .map_err(|e| Error::InvalidInput(format!("`{}`: {e}", op.id)))?;
        self.prepare(op, &request)?;
        let response = self
            .execute(op, request)
            .await
            .map_err(|e| Error::from_reqwest(op.id, e))?;
        check(op.id, response).await
    }

    /// Opens the event stream of `op`: asks for one, and refuses an answer that is not one
    /// ([`expect_event_stream`]).
    pub(crate) async fn open_stream(
        &self,
        op: &Operation,
        builder: reqwest::RequestBuilder,
    ) -> Result<Response> {
        let builder = builder
            .header(header::ACCEPT, "text/event-stream")
            .header(header::CACHE_CONTROL, "no-store");
        let response = self.send(op, builder).await?;
        expect_event_stream(op.id, response).await
    }

    /// Sends `op` with an optional JSON body and decodes a JSON answer.
    pub(crate) async fn json<T: DeserializeOwned>(
        &self,
        op: &Operation,
        params: &[&str],
        query: &[(&str, String)],
        body: Option<&(impl Serialize + ?Sized)>,
        options: &RequestOptions,
    ) -> Result<T> {
        let mut builder = self.request(op, params, options)?.query(query);
        if let Some(body) = body {
            builder = json_body(op, builder, body)?;
        }
        let response = self.send(op, builder).await?;
        decode(op.id, response).await
    }

    /// Sends `op` and expects no body back (a 202 or 204).
    pub(crate) async fn empty(
        &self,
        op: &Operation,
        params: &[&str],
        query: &[(&str, String)],
        body: Option<&(impl Serialize + ?Sized)>,
        options: &RequestOptions,
    ) -> Result<()> {
        let mut builder = self.request(op, params, options)?.query(query);
        if let Some(body) = body {
            builder = json_body(op, builder, body)?;
        }
        self.send(op, builder).await.map(drop)
    }
}

/// The `x-request-id` of a response.
pub(crate) fn request_id(response: &Response) -> Option<String> {
    response
        .headers()
        .get("x-request-id")
        .and_then(|v: &HeaderValue| v.to_str().ok())
        .map(str::to_string)
}

/// `body` as the JSON body of `builder`, refusing what JSON cannot say (NaN, infinities).
fn json_body(
    op: &Operation,
    builder: reqwest::RequestBuilder,
    body: &(impl Serialize + ?Sized),
) -> Result<reqwest::RequestBuilder> {
    let bytes = crate::request::to_json_bytes(op.id, body)?;
    Ok(builder
        .header(header::CONTENT_TYPE, "application/json")
        .body(bytes))
}

/// Turns a redirect into [`Error::Redirect`] and an error status into [`Error::Api`], reading
/// at most 64 KiB of the body for the server's message.
pub(crate) async fn check(operation: &'static str, response: Response) -> Result<Response> {
    let status = response.status();
    if status.is_redirection() {
        return Err(redirect(operation, &response));
    }
    if !status.is_client_error() && !status.is_server_error() {
        return Ok(response);
    }
    let request_id = request_id(&response);
    let body = read_prefix(response, MAX_ERROR_BODY).await;
    Err(ApiError::new(operation, status, request_id, &body).into())
}

/// The redirect `response` asked for, as an error (its target shown without secrets). Also for
/// mapping the raw client's `UnexpectedResponse` of a 3xx.
pub(crate) fn redirect(operation: &'static str, response: &Response) -> Error {
    let location = response.headers().get(header::LOCATION).map(|value| {
        let text = String::from_utf8_lossy(value.as_bytes());
        match response.url().join(&text) {
            Ok(url) => redact(&url),
            Err(_) => redact_str(&text),
        }
    });
    Error::Redirect {
        operation,
        status: response.status(),
        location,
    }
}

/// Whether `response` is an event stream (`text/event-stream`, parameters allowed).
fn is_event_stream(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/event-stream"))
}

/// `response` if it is an event stream; else [`Error::NotEventStream`] with its status, type
/// and the start of its body. A 200 with a login page or a proxy's JSON must not look like a
/// run without output.
pub(crate) async fn expect_event_stream(
    operation: &'static str,
    response: Response,
) -> Result<Response> {
    if is_event_stream(&response) {
        return Ok(response);
    }
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| crate::error::excerpt(&String::from_utf8_lossy(v.as_bytes())));
    let body = read_prefix(response, MAX_EXCERPT + 4).await;
    Err(Error::NotEventStream {
        operation,
        status,
        content_type,
        excerpt: snippet(&body),
    })
}

/// At most the first `max` bytes of a body; a body that fails is cut where it failed.
async fn read_prefix(mut response: Response, max: usize) -> Vec<u8> {
    let mut out = Vec::new();
    while out.len() < max {
        match response.chunk().await {
            Ok(Some(chunk)) => out.extend_from_slice(&chunk[..chunk.len().min(max - out.len())]),
            _ => break,
        }
    }
    out
}

/// A response body that fails with [`BodyLimit`] once more than `limit` bytes arrive.
struct Limited {
    inner: reqwest::Body,
    remaining: usize,
    limit: usize,
    /// Known to be too large (its `Content-Length`): fail before reading anything.
    oversized: bool,
}

impl http_body::Body for Limited {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<std::result::Result<http_body::Frame<Bytes>, Self::Error>>> {
        if self.oversized {
            return Poll::Ready(Some(Err(Box::new(BodyLimit(self.limit)))));
        }
        let frame = match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(Some(Ok(frame))) => frame,
        };
        if let Some(data) = frame.data_ref() {
            if data.len() > self.remaining {
                self.oversized = true;
                return Poll::Ready(Some(Err(Box::new(BodyLimit(self.limit)))));
            }
            self.remaining -= data.len();
        }
        Poll::Ready(Some(Ok(frame)))
    }

    fn is_end_stream(&self) -> bool {
        !self.oversized && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Reads and decodes a JSON body.
pub(crate) async fn decode<T: DeserializeOwned>(
    operation: &'static str,
    response: Response,
) -> Result<T> {
    let body = response
        .bytes()
        .await
        .map_err(|e| Error::from_reqwest(operation, e))?;
    serde_json::from_slice(&body).map_err(|e| Error::decode(operation, e, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_parse() {
        assert_eq!(
            httpdate_to_unix("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::from_secs(784_111_777))
        );
        assert_eq!(
            httpdate_to_unix("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(httpdate_to_unix("yesterday"), None);
    }

    #[test]
    fn only_transient_statuses_are_retried() {
        for s in [429, 502, 503, 504] {
            assert!(retryable_status(StatusCode::from_u16(s).unwrap()));
        }
        for s in [400, 404, 409, 422, 500, 501] {
            assert!(!retryable_status(StatusCode::from_u16(s).unwrap()));
        }
    }
}
