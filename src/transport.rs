//! Sending requests: the API key, retries, tracing and error mapping, shared by the ergonomic
//! layer and the generated raw client.

use std::time::{Duration, Instant};

use reqwest::{Response, StatusCode, Url, header::HeaderValue};
use serde::{Serialize, de::DeserializeOwned};
use tracing::Instrument;

use crate::{
    Error, Result,
    config::{API_KEY_HEADER, ApiKey, RetryPolicy},
    error::ApiError,
    operations::Operation,
};

/// The HTTP side of a client.
#[derive(Debug)]
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    /// The base URL, without a trailing slash.
    pub(crate) base: Url,
    api_key: Option<ApiKey>,
    pub(crate) retry: RetryPolicy,
    /// The largest stream event accepted.
    pub(crate) max_event_size: usize,
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
        }
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

    /// Sends `request` for operation `op`: adds the API key (same origin only), retries what
    /// [`RetryPolicy`] allows, and traces the request in a span. HTTP error statuses are
    /// returned as responses; only transport failures are errors.
    pub(crate) async fn execute(
        &self,
        op: &'static str,
        retry_safe: bool,
        mut request: reqwest::Request,
    ) -> reqwest::Result<Response> {
        if let Some(key) = &self.api_key
            && self.same_origin(request.url())
            && let Ok(value) = key.header_value()
        {
            request.headers_mut().insert(API_KEY_HEADER, value);
        }
        let span = tracing::info_span!(
            "langgraph.request",
            operation = op,
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
            result
        }
        .instrument(span)
        .await
    }

    /// Builds a request for `op` with its path parameters.
    pub(crate) fn request(
        &self,
        op: &Operation,
        params: &[&str],
    ) -> Result<reqwest::RequestBuilder> {
        Ok(self
            .http
            .request(op.method.clone(), self.url(&op.path(params)?)?))
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
        let response = self
            .execute(op.id, op.retry_safe, request)
            .await
            .map_err(|e| Error::from_reqwest(op.id, e))?;
        check(op.id, response).await
    }

    /// Sends `op` with an optional JSON body and decodes a JSON answer.
    pub(crate) async fn json<T: DeserializeOwned>(
        &self,
        op: &Operation,
        params: &[&str],
        query: &[(&str, String)],
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<T> {
        let mut builder = self.request(op, params)?.query(query);
        if let Some(body) = body {
            builder = builder.json(body);
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
    ) -> Result<()> {
        let mut builder = self.request(op, params)?.query(query);
        if let Some(body) = body {
            builder = builder.json(body);
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

/// Turns an error status into [`Error::Api`], reading the body for the server's message.
pub(crate) async fn check(operation: &'static str, response: Response) -> Result<Response> {
    let status = response.status();
    if !status.is_client_error() && !status.is_server_error() {
        return Ok(response);
    }
    let request_id = request_id(&response);
    let body = response.bytes().await.unwrap_or_default();
    Err(ApiError::new(operation, status, request_id, &body).into())
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
