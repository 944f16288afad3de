//! The one error type of the SDK.
//!
//! Every fallible call returns [`Result<T, Error>`](crate::Result). The variants keep apart
//! what a caller reacts to differently: the server said no ([`Error::Api`]), the request never
//! got an answer ([`Error::Connect`], [`Error::Timeout`], [`Error::Transport`]), the answer
//! was not what the API promises ([`Error::Decode`], [`Error::Redirect`],
//! [`Error::NotEventStream`], [`Error::BodyTooLarge`]), the run itself failed
//! ([`Error::Run`]), or the call was refused before anything was sent
//! ([`Error::InvalidInput`], [`Error::Config`]).
//!
//! Whatever a server sends that ends up in an error's `Display` (a message, a title, a body
//! excerpt, a request id, a redirect target) is cut to 1 KiB with its control
//! characters escaped, so that a hostile or broken server cannot flood or forge log lines.

use std::fmt;

use reqwest::{StatusCode, Url};
use serde_json::Value;

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status. (Boxed: it carries the body, and a
    /// `Result` should stay small.)
    #[error(transparent)]
    Api(Box<ApiError>),
    /// No connection could be made (the request was never sent).
    #[error("cannot connect for `{operation}`: {}", chain(source))]
    Connect {
        /// The operation, e.g. `create_run`.
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The connect or read timeout passed.
    #[error("`{operation}` timed out: {}", chain(source))]
    Timeout {
        /// The operation, e.g. `wait_run`.
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The connection failed after the request was sent, or the body could not be read.
    #[error("`{operation}` failed in transport: {}", chain(source))]
    Transport {
        /// The operation.
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The response did not have the shape the API documents.
    #[error("cannot decode the response of `{operation}`: {message}; body: {snippet}")]
    Decode {
        /// The operation.
        operation: &'static str,
        /// What the decoder said (with what was being decoded, e.g. the stream event).
        message: String,
        /// The start of the body (at most 1 KiB, lossily decoded).
        snippet: String,
        /// The JSON error, when the body did not decode as JSON or into its type (`None` for
        /// an answer that decoded but says something impossible, or is not UTF-8).
        #[source]
        source: Option<serde_json::Error>,
    },
    /// The server answered with a redirect (3xx), which is never followed: the API key and the
    /// request body are not sent anywhere but the configured server.
    #[error("`{operation}` was redirected ({status}) to {}; redirects are not followed", location.as_deref().unwrap_or("nowhere (no `Location`)"))]
    Redirect {
        /// The operation.
        operation: &'static str,
        /// The redirect status, e.g. 307.
        status: StatusCode,
        /// Where the server pointed, resolved against the request URL, without userinfo or
        /// query (see [`ClientBuilder`](crate::ClientBuilder) on what is shown of URLs).
        location: Option<String>,
    },
    /// A stream request was answered with something other than an event stream (a login page,
    /// a proxy's JSON): no events can be read from it.
    #[error("`{operation}` answered {status} with {}, not an event stream: {excerpt}", content_type.as_deref().map_or_else(|| "no content type".to_string(), |t| format!("`{t}`")))]
    NotEventStream {
        /// The operation that opened the stream.
        operation: &'static str,
        /// The status of the response.
        status: StatusCode,
        /// Its `Content-Type`, if it had one.
        content_type: Option<String>,
        /// The start of its body (at most 1 KiB).
        excerpt: String,
    },
    /// A response body was larger than the configured limit
    /// ([`ClientBuilder::max_body_size`](crate::ClientBuilder::max_body_size)); reading
    /// stopped there.
    #[error("the response of `{operation}` is larger than {limit} bytes")]
    BodyTooLarge {
        /// The operation.
        operation: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// The run ended in an error (the `__error__` body of `wait` and `join`).
    #[error(transparent)]
    Run(#[from] RunError),
    /// A stream broke and could not be resumed without losing events: it was not created
    /// resumable (`stream_resumable`), it is stateless, or the reconnect attempts ran out.
    /// Nothing after `last_event_id` was delivered.
    #[error("the stream of `{operation}` broke and was not resumed ({reason}); last event delivered: {}", last_event_id.as_deref().map_or_else(|| "none".into(), excerpt))]
    StreamLost {
        /// The operation that opened the stream.
        operation: &'static str,
        /// Why it could not be resumed.
        reason: String,
        /// The id of the last event delivered, to join the run from there yourself.
        last_event_id: Option<String>,
        /// The run, when known, to join or inspect.
        run_id: Option<uuid::Uuid>,
    },
    /// One event of a stream was larger than the configured limit
    /// ([`ClientBuilder::max_event_size`](crate::ClientBuilder::max_event_size)).
    #[error("an event of the `{operation}` stream is larger than {limit} bytes")]
    EventTooLarge {
        /// The operation that opened the stream.
        operation: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// The server refused a command of a [thread stream](crate::thread_stream) session
    /// (`run.start`, `input.respond`): the protocol's error code and message.
    #[error(transparent)]
    Protocol(Box<crate::thread_stream::ProtocolError>),
    /// A consumer of a [thread stream](crate::thread_stream) projection fell further behind
    /// than its buffer; the projection ended after the items it held (the others go on).
    #[error("the `{projection}` projection fell more than {capacity} items behind and was ended")]
    Lagged {
        /// The projection, e.g. `messages`.
        projection: &'static str,
        /// Its buffer, in items.
        capacity: usize,
    },
    /// The [thread stream](crate::thread_stream) session was closed (or dropped) first.
    #[error("the thread stream session is closed")]
    SessionClosed,
    /// The call was refused before sending: an argument is invalid.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The client could not be configured.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// `error` and what caused it, down to the root (reqwest's own message rarely says what went
/// wrong: "error sending request for url (…)").
fn chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(e) = cause {
        let message = e.to_string();
        if !text.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        cause = e.source();
    }
    text
}

impl Error {
    /// The API error, when the server answered with an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status, when the server answered with an error status.
    pub fn status(&self) -> Option<StatusCode> {
        self.api().map(|e| e.status)
    }

    /// The server answered 404.
    pub fn is_not_found(&self) -> bool {
        self.api().is_some_and(|e| e.kind == ErrorKind::NotFound)
    }

    /// The server answered 409 (for example a thread or assistant that already exists, or a
    /// run rejected by `multitask_strategy: reject`).
    pub fn is_conflict(&self) -> bool {
        self.api().is_some_and(|e| e.kind == ErrorKind::Conflict)
    }

    /// The server answered 429.
    pub fn is_rate_limited(&self) -> bool {
        self.api().is_some_and(|e| e.kind == ErrorKind::RateLimited)
    }

    /// A timeout, a refused connection or another transport failure: worth trying again
    /// later, unlike an answer from the server.
    pub fn is_transport(&self) -> bool {
        matches!(
            self,
            Error::Connect { .. } | Error::Timeout { .. } | Error::Transport { .. }
        )
    }

    /// Worth asking again: a transport failure, a 5xx or a 429. Not a redirect, a body that is
    /// not a stream, a body too large, or another 4xx: those answer the same every time.
    pub(crate) fn is_transient(&self) -> bool {
        self.is_transport()
            || self
                .status()
                .is_some_and(|s| s.is_server_error() || s == StatusCode::TOO_MANY_REQUESTS)
    }

    /// Classifies a reqwest error of `operation` (a body cut off by
    /// [`max_body_size`](crate::ClientBuilder::max_body_size) is [`Error::BodyTooLarge`]). The
    /// URL it names loses its userinfo.
    pub(crate) fn from_reqwest(operation: &'static str, mut source: reqwest::Error) -> Error {
        if let Some(limit) = body_limit_in(&source) {
            return Error::BodyTooLarge { operation, limit };
        }
        if let Some(url) = source.url_mut() {
            strip_userinfo(url);
        }
        if source.is_timeout() {
            Error::Timeout { operation, source }
        } else if source.is_connect() {
            Error::Connect { operation, source }
        } else {
            Error::Transport { operation, source }
        }
    }

    /// A JSON error decoding a response of `operation`, with the start of `body`.
    pub(crate) fn decode(operation: &'static str, source: serde_json::Error, body: &[u8]) -> Error {
        Error::Decode {
            operation,
            // A decoder quotes what it could not take (an unknown variant, say).
            message: excerpt(&source.to_string()),
            snippet: snippet(body),
            source: Some(source),
        }
    }

    /// [`decode`](Self::decode) of a part of the response (`context`, e.g. "`values` event").
    pub(crate) fn decode_in(
        operation: &'static str,
        context: impl fmt::Display,
        source: serde_json::Error,
        body: &[u8],
    ) -> Error {
        Error::Decode {
            operation,
            message: excerpt(&format!("{context}: {source}")),
            snippet: snippet(body),
            source: Some(source),
        }
    }

    /// A response of `operation` that decoded but cannot be right (or is not text).
    pub(crate) fn malformed(
        operation: &'static str,
        message: impl fmt::Display,
        body: &[u8],
    ) -> Error {
        Error::Decode {
            operation,
            // A decoder quotes what it could not take (an unknown variant, say).
            message: excerpt(&message.to_string()),
            snippet: snippet(body),
            source: None,
        }
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Error {
        Error::Api(Box::new(e))
    }
}

/// The raw layer's errors, so that `?` works in code that mixes [`raw`](crate::raw) and
/// ergonomic calls. The raw client names no operation, so the errors name `"raw"`.
///
/// ```no_run
/// # async fn demo(client: langgraph_sdk::Client) -> langgraph_sdk::Result<()> {
/// let info = client.raw().get_info().send().await?;
/// let threads = client.threads().search().limit(1).await?;
/// # Ok(())
/// # }
/// ```
impl<E: serde::Serialize + fmt::Debug> From<progenitor_client::Error<E>> for Error {
    fn from(error: progenitor_client::Error<E>) -> Error {
        use progenitor_client::Error as Raw;
        const OPERATION: &str = "raw";
        match error {
            Raw::InvalidRequest(message) => Error::InvalidInput(message),
            Raw::CommunicationError(e) | Raw::ResponseBodyError(e) => {
                Error::from_reqwest(OPERATION, e)
            }
            Raw::InvalidUpgrade(e) => Error::Transport {
                operation: OPERATION,
                source: e,
            },
            Raw::ErrorResponse(response) => {
                let status = response.status();
                let request_id = response
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                let body = serde_json::to_vec(&*response).unwrap_or_default();
                ApiError::new(OPERATION, status, request_id, &body).into()
            }
            Raw::InvalidResponsePayload(body, source) => Error::decode(OPERATION, source, &body),
            Raw::UnexpectedResponse(response) => {
                let status = response.status();
                let request_id = crate::transport::request_id(&response);
                ApiError::new(OPERATION, status, request_id, b"").into()
            }
            Raw::Custom(message) => Error::InvalidInput(message),
        }
    }
}

/// The most bytes of server-sent text kept in an error message.
pub(crate) const MAX_EXCERPT: usize = 1024;

/// The most bytes of an error response's body that are read and kept ([`ApiError::body`]).
pub(crate) const MAX_ERROR_BODY: usize = 64 * 1024;

/// Server-sent `text` as it may appear in an error message: at most 1 KiB (cut
/// at a character boundary, `…` marks the cut), control characters escaped so that a message
/// cannot start a new log line or drive a terminal.
pub(crate) fn excerpt(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_EXCERPT) + 3);
    for c in text.chars() {
        let escaped = c.is_control().then(|| c.escape_default().to_string());
        let len = escaped.as_ref().map_or(c.len_utf8(), String::len);
        if out.len() + len > MAX_EXCERPT {
            out.push('…');
            break;
        }
        match escaped {
            Some(e) => out.push_str(&e),
            None => out.push(c),
        }
    }
    out
}

/// The start of a body for error messages (lossily decoded, see [`excerpt`]).
pub(crate) fn snippet(body: &[u8]) -> String {
    // A few bytes more than fit, so that a cut is still marked after lossy decoding.
    let end = body.len().min(MAX_EXCERPT + 4);
    let mut text = excerpt(&String::from_utf8_lossy(&body[..end]));
    if end < body.len() && !text.ends_with('…') {
        text.push('…');
    }
    text
}

/// `url` as it may be shown (errors, `Debug`, logs): without userinfo, and with its query and
/// fragment replaced by `…` (they can carry tokens).
pub(crate) fn redact(url: &Url) -> String {
    let mut shown = url.clone();
    strip_userinfo(&mut shown);
    let hidden = shown.query().is_some() || shown.fragment().is_some();
    shown.set_query(None);
    shown.set_fragment(None);
    let mut text = shown.to_string();
    if hidden {
        text.push_str("?…");
    }
    excerpt(&text)
}

/// [`redact`] for text that may not parse as a URL: the userinfo of `scheme://userinfo@host`
/// is dropped all the same.
pub(crate) fn redact_str(text: &str) -> String {
    if let Ok(url) = Url::parse(text.trim()) {
        return redact(&url);
    }
    let Some(start) = text.find("://").map(|i| i + 3) else {
        return excerpt(text);
    };
    let authority_end = text[start..]
        .find(['/', '?', '#'])
        .map_or(text.len(), |i| start + i);
    match text[start..authority_end].rfind('@') {
        Some(at) => excerpt(&format!(
            "{}***@{}",
            &text[..start],
            &text[start + at + 1..]
        )),
        None => excerpt(text),
    }
}

fn strip_userinfo(url: &mut Url) {
    // Fails only for URLs that cannot have userinfo.
    let _ = url.set_username("");
    let _ = url.set_password(None);
}

/// Marks a body that [`max_body_size`](crate::ClientBuilder::max_body_size) cut off, in the
/// source chain of the reqwest error that reading it gave.
#[derive(Debug)]
pub(crate) struct BodyLimit(pub usize);

impl fmt::Display for BodyLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the response body is larger than {} bytes (`ClientBuilder::max_body_size`)",
            self.0
        )
    }
}

impl std::error::Error for BodyLimit {}

/// The limit, when `error` is a body cut off by [`BodyLimit`].
fn body_limit_in(error: &(dyn std::error::Error + 'static)) -> Option<usize> {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if let Some(limit) = e.downcast_ref::<BodyLimit>() {
            return Some(limit.0);
        }
        cause = e.source();
    }
    None
}

/// The class of an error status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 400
    BadRequest,
    /// 401
    Unauthorized,
    /// 403
    Forbidden,
    /// 404
    NotFound,
    /// 409
    Conflict,
    /// 422
    Unprocessable,
    /// 429
    RateLimited,
    /// 5xx
    Server,
    /// Any other error status.
    Other,
}

impl ErrorKind {
    /// The kind of `status`.
    pub fn of(status: StatusCode) -> ErrorKind {
        match status.as_u16() {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            422 => ErrorKind::Unprocessable,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Other,
        }
    }
}

/// An error status from the server.
#[derive(Debug, Clone, thiserror::Error)]
#[error("`{operation}` failed with {status}: {message}{}", request_id.as_deref().map(|id| format!(" (request id {id})")).unwrap_or_default())]
#[non_exhaustive]
pub struct ApiError {
    /// The operation, e.g. `get_thread`.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The class of the status.
    pub kind: ErrorKind,
    /// The server's message: `message`, `detail` or `error` of a JSON body, else the text of
    /// the body (an HTML page from a proxy is reduced to its title), else the status line. At
    /// most 1 KiB, control characters escaped.
    pub message: String,
    /// The `x-request-id` response header, to quote when reporting a problem (at most
    /// 1 KiB).
    pub request_id: Option<String>,
    /// The body: JSON when it parses, else a JSON string of its text, else `None`. Only the
    /// first 64 KiB of an error body are read: a longer one is kept as the text of its start.
    pub body: Option<Value>,
}

impl ApiError {
    /// Builds the error for a response of `operation` with `status`, `x-request-id` and body.
    pub(crate) fn new(
        operation: &'static str,
        status: StatusCode,
        request_id: Option<String>,
        body: &[u8],
    ) -> ApiError {
        let body = &body[..body.len().min(MAX_ERROR_BODY)];
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let text = String::from_utf8_lossy(body);
        let message = json
            .as_ref()
            .and_then(message_of)
            .or_else(|| html_title(&text))
            .map(|m| excerpt(&m))
            .or_else(|| {
                // Plain text is a message; JSON without one is not.
                let t = text.trim();
                (json.is_none() && !t.is_empty()).then(|| snippet(t.as_bytes()))
            })
            .unwrap_or_else(|| {
                format!(
                    "{} {}",
                    status.as_u16(),
                    status.canonical_reason().unwrap_or("HTTP error")
                )
            });
        let body = json.or_else(|| (!text.is_empty()).then(|| Value::String(text.into_owned())));
        ApiError {
            operation,
            status,
            kind: ErrorKind::of(status),
            message,
            request_id: request_id.as_deref().map(excerpt),
            body,
        }
    }
}

/// `message`, `detail` or `error` of an error body; inside a nested `error` object too.
/// FastAPI validation errors carry a list in `detail`; its messages are joined.
fn message_of(body: &Value) -> Option<String> {
    for key in ["message", "detail", "error"] {
        match body.get(key) {
            Some(Value::String(s)) if !s.is_empty() => return Some(s.clone()),
            Some(Value::Array(items)) if !items.is_empty() => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|i| match i.get("msg").and_then(Value::as_str) {
                        Some(msg) => msg.to_string(),
                        None => i.to_string(),
                    })
                    .collect();
                return Some(parts.join("; "));
            }
            _ => {}
        }
    }
    body.get("error")
        .filter(|e| e.is_object())
        .and_then(message_of)
}

/// The `<title>` of an HTML error page (a proxy's 502, say).
fn html_title(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    let title = text[start..end].trim();
    (!title.is_empty()).then(|| title.to_string())
}

/// A run that ended in an error, as the server reports it inside a successful response
/// (`{"__error__": {"error": "ValueError", "message": "…"}}`) or as an `error` stream event.
#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Deserialize, serde::Serialize)]
#[error("the run failed: {}: {}", excerpt(error), excerpt(message))]
#[non_exhaustive]
pub struct RunError {
    /// The exception type, e.g. `ValueError`.
    #[serde(default)]
    pub error: String,
    /// The exception message.
    #[serde(default)]
    pub message: String,
}

impl RunError {
    pub(crate) fn new(error: impl Into<String>, message: impl Into<String>) -> RunError {
        RunError {
            error: error.into(),
            message: message.into(),
        }
    }

    /// The run error inside a `wait`/`join` result, if the result is one.
    pub(crate) fn in_result(value: &Value) -> Option<RunError> {
        let inner = value.get("__error__")?;
        if !inner.is_object() {
            return None;
        }
        serde_json::from_value(inner.clone()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn api(status: u16, body: &str) -> ApiError {
        ApiError::new(
            "get_thread",
            StatusCode::from_u16(status).unwrap(),
            Some("req-1".into()),
            body.as_bytes(),
        )
    }

    #[test]
    fn raw_errors_convert() {
        use progenitor_client::{Error as Raw, ResponseValue};
        let err = Error::from(Raw::<()>::InvalidRequest("bad".into()));
        assert!(
            matches!(err, Error::InvalidInput(ref m) if m == "bad"),
            "{err:?}"
        );
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-request-id", "req-9".parse().unwrap());
        let response = ResponseValue::new(
            json!({"detail": "Thread not found"}),
            StatusCode::NOT_FOUND,
            headers,
        );
        let err = Error::from(Raw::ErrorResponse(response));
        assert!(err.is_not_found(), "{err:?}");
        let api = err.api().unwrap();
        assert_eq!(api.message, "Thread not found");
        assert_eq!(api.request_id.as_deref(), Some("req-9"));
        let json_error = serde_json::from_slice::<Value>(b"{").unwrap_err();
        let err = Error::from(Raw::<()>::InvalidResponsePayload("{".into(), json_error));
        assert!(
            matches!(
                err,
                Error::Decode {
                    source: Some(_),
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(
            std::error::Error::source(&err).is_some(),
            "the JSON error is the source"
        );
    }

    #[test]
    fn every_status_has_its_kind() {
        let cases = [
            (400, ErrorKind::BadRequest),
            (401, ErrorKind::Unauthorized),
            (403, ErrorKind::Forbidden),
            (404, ErrorKind::NotFound),
            (409, ErrorKind::Conflict),
            (422, ErrorKind::Unprocessable),
            (429, ErrorKind::RateLimited),
            (500, ErrorKind::Server),
            (502, ErrorKind::Server),
            (503, ErrorKind::Server),
            (405, ErrorKind::Other),
            (418, ErrorKind::Other),
        ];
        for (status, kind) in cases {
            assert_eq!(api(status, "{}").kind, kind, "{status}");
        }
    }

    #[test]
    fn message_comes_from_message_detail_or_error() {
        assert_eq!(
            api(404, r#"{"detail": "Thread not found"}"#).message,
            "Thread not found"
        );
        assert_eq!(
            api(400, r#"{"message": "bad", "detail": "x"}"#).message,
            "bad"
        );
        assert_eq!(api(400, r#"{"error": "nope"}"#).message, "nope");
        assert_eq!(
            api(400, r#"{"error": {"message": "nested"}}"#).message,
            "nested"
        );
        assert_eq!(
            api(
                422,
                r#"{"detail": [{"msg": "field required"}, {"msg": "bad type"}]}"#
            )
            .message,
            "field required; bad type"
        );
    }

    #[test]
    fn non_json_body_still_gives_a_useful_message() {
        let html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
        let e = api(502, html);
        assert_eq!(e.message, "502 Bad Gateway");
        assert_eq!(e.kind, ErrorKind::Server);
        assert_eq!(e.body, Some(json!(html)));
        assert_eq!(
            api(503, "upstream overloaded").message,
            "upstream overloaded"
        );
        assert_eq!(api(500, "").message, "500 Internal Server Error");
        assert_eq!(api(500, "").body, None);
        assert_eq!(api(429, "{}").message, "429 Too Many Requests");
    }

    #[test]
    fn display_names_operation_status_and_request_id() {
        let e = Error::from(api(404, r#"{"detail": "Thread not found"}"#));
        assert_eq!(
            e.to_string(),
            "`get_thread` failed with 404 Not Found: Thread not found (request id req-1)"
        );
        assert!(e.is_not_found());
        assert!(!e.is_conflict());
        assert_eq!(e.status(), Some(StatusCode::NOT_FOUND));
    }

    #[test]
    fn run_error_is_found_in_results() {
        let value = json!({"__error__": {"error": "ValueError", "message": "deliberate failure"}});
        let e = RunError::in_result(&value).unwrap();
        assert_eq!(
            e.to_string(),
            "the run failed: ValueError: deliberate failure"
        );
        assert!(RunError::in_result(&json!({"text": "ok"})).is_none());
        assert!(RunError::in_result(&json!({"__error__": "text"})).is_none());
    }
}
