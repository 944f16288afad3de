//! Options of one request: headers and a timeout on top of the client's, taken by every call.

use std::{fmt, time::Duration};

use reqwest::header::{HeaderName, HeaderValue};

use crate::{Error, Result, config::API_KEY_HEADER};

/// Headers and a timeout for one request, on top of the client's.
///
/// Every call takes them through its own [`header`](Self::header) and
/// [`timeout`](Self::timeout) setters; build a `RequestOptions` to give the same ones to many
/// calls with `.request_options(..)`. One [`Client`](crate::Client) (one connection pool) can
/// so serve many end users, each with their own headers:
///
/// ```no_run
/// # async fn demo(client: langgraph_sdk::Client, thread_id: uuid::Uuid) -> langgraph_sdk::Result<()> {
/// use std::time::Duration;
/// use langgraph_sdk::RequestOptions;
///
/// let thread = client
///     .threads()
///     .get(thread_id)
///     .header("authorization", "Bearer <end user's token>")
///     .timeout(Duration::from_secs(10))
///     .await?;
///
/// let as_user = RequestOptions::new().header("x-user-id", "user-1");
/// let runs = client.runs().list(thread_id).request_options(as_user.clone()).await?;
/// # Ok(())
/// # }
/// ```
///
/// The rules are those of [`ClientBuilder::header`](crate::ClientBuilder::header): `x-api-key`
/// is refused (the key has its own setting, so that it is never logged), and so are header
/// names and values that are not valid HTTP (a value with CR or LF, say). An invalid header is
/// reported as [`Error::InvalidInput`] when the request is sent, and nothing is sent. A
/// per-request header replaces a client header of the same name. The values are marked
/// sensitive and never shown by `Debug`.
///
/// A stream sends the same headers again when it reconnects, and so does a `wait` or `join`
/// that fetches its result again after a dropped connection. The timeout limits each request
/// as a whole, body included (for a stream: each connection of it; for a
/// [thread stream session](crate::thread_stream): each command and read, and the opening of
/// each event connection, which then lasts as long as the session), and replaces the client's
/// total timeout ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)) for this request.
#[derive(Clone, Default)]
pub struct RequestOptions {
    headers: Vec<(HeaderName, HeaderValue)>,
    timeout: Option<Duration>,
    /// The first invalid input, reported when the request is sent.
    invalid: Option<String>,
}

impl RequestOptions {
    /// No options: the client's headers and timeouts.
    pub fn new() -> RequestOptions {
        RequestOptions::default()
    }

    /// Adds a header (replacing one of the same name given before, or the client's).
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> RequestOptions {
        match header(name.as_ref(), value.as_ref()) {
            Ok((name, value)) => {
                self.headers.retain(|(n, _)| *n != name);
                self.headers.push((name, value));
            }
            Err(e) => {
                self.invalid.get_or_insert(e);
            }
        }
        self
    }

    /// Limits the whole request, body included, to `timeout`.
    pub fn timeout(mut self, timeout: Duration) -> RequestOptions {
        self.timeout = Some(timeout);
        self
    }

    /// These options with those of `other` added (its headers and timeout win).
    pub(crate) fn merge(mut self, other: RequestOptions) -> RequestOptions {
        for (name, value) in other.headers {
            self.headers.retain(|(n, _)| *n != name);
            self.headers.push((name, value));
        }
        if other.timeout.is_some() {
            self.timeout = other.timeout;
        }
        if self.invalid.is_none() {
            self.invalid = other.invalid;
        }
        self
    }

    /// The timeout given, if any.
    pub(crate) fn time_limit(&self) -> Option<Duration> {
        self.timeout
    }

    /// These options without their timeout: for a connection that lasts as long as it is
    /// wanted (a thread stream session's event connection).
    pub(crate) fn without_timeout(&self) -> RequestOptions {
        RequestOptions {
            timeout: None,
            ..self.clone()
        }
    }

    /// The headers given.
    #[cfg_attr(not(feature = "websocket"), allow(dead_code))]
    pub(crate) fn headers(&self) -> impl Iterator<Item = &(HeaderName, HeaderValue)> {
        self.headers.iter()
    }

    /// Fails with the first invalid header given.
    pub(crate) fn check(&self) -> Result<()> {
        match &self.invalid {
            Some(message) => Err(Error::InvalidInput(message.clone())),
            None => Ok(()),
        }
    }

    /// Adds the headers and the timeout to a request.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an invalid header given.
    pub(crate) fn apply(
        &self,
        mut builder: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder> {
        self.check()?;
        for (name, value) in &self.headers {
            builder = builder.header(name.clone(), value.clone());
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        Ok(builder)
    }
}

/// A header as the rules allow it.
fn header(name: &str, value: &str) -> std::result::Result<(HeaderName, HeaderValue), String> {
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| format!("invalid header name {name:?}"))?;
    if name == API_KEY_HEADER {
        return Err("set the API key with `ClientBuilder::api_key`, not as a header".into());
    }
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        format!("invalid value for header {name}: only visible ASCII, spaces and tabs")
    })?;
    value.set_sensitive(true);
    Ok((name, value))
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may be credentials (a bearer token): names only.
        f.debug_struct("RequestOptions")
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("invalid", &self.invalid)
            .finish()
    }
}

/// Implements the [`RequestOptions`] setters (`header`, `timeout`, `request_options`) on a
/// builder with a `request: RequestOptions` field.
macro_rules! request_options {
    ($builder:ty) => {
        $crate::request_options::request_options!(impl[] $builder);
    };
    (impl[$($generics:tt)*] $builder:ty) => {
        #[cfg_attr(feature = "blocking", $crate::blocking::mirror)]
        impl<$($generics)*> $builder {
            /// Adds a header to this request (see [`RequestOptions`](crate::RequestOptions)):
            /// e.g. an end user's token or id for a deployment with custom auth. `x-api-key`
            /// and invalid headers fail with [`Error::InvalidInput`](crate::Error::InvalidInput)
            /// when the request is sent.
            pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
                self.request = self.request.header(name, value);
                self
            }

            /// Limits this request as a whole, body included, to `timeout` (see
            /// [`RequestOptions`](crate::RequestOptions)).
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.request = self.request.timeout(timeout);
                self
            }

            /// Adds every header and the timeout of `options` (later setters override them).
            pub fn request_options(mut self, options: $crate::RequestOptions) -> Self {
                self.request = self.request.merge(options);
                self
            }
        }
    };
}
pub(crate) use request_options;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_header_rules_apply() {
        for name in ["x-api-key", "X-Api-Key", " X-API-KEY "] {
            let err = RequestOptions::new().header(name, "k").check().unwrap_err();
            assert!(
                matches!(err, Error::InvalidInput(ref m) if m.contains("api_key")),
                "{name}: {err}"
            );
        }
        for (name, value) in [
            ("x-ok", "a\r\nx-api-key: stolen"),
            ("x-ok", "a\nb"),
            ("bad name", "v"),
        ] {
            let err = RequestOptions::new()
                .header(name, value)
                .check()
                .unwrap_err();
            assert!(matches!(err, Error::InvalidInput(_)), "{name:?}: {err}");
        }
        assert!(
            RequestOptions::new()
                .header("x-user-id", "u1")
                .check()
                .is_ok()
        );
    }

    #[test]
    fn the_first_invalid_header_is_kept_through_merges() {
        let bad = RequestOptions::new().header("x-api-key", "k");
        let merged = RequestOptions::new().header("x-a", "1").merge(bad);
        assert!(merged.check().is_err());
        let merged = RequestOptions::new()
            .header("bad name", "1")
            .merge(RequestOptions::new());
        assert!(merged.check().is_err());
    }

    #[test]
    fn later_headers_replace_earlier_ones() {
        let options = RequestOptions::new()
            .header("x-user-id", "a")
            .header("X-User-Id", "b")
            .merge(RequestOptions::new().timeout(Duration::from_secs(1)));
        assert_eq!(options.headers.len(), 1);
        assert_eq!(options.headers[0].1, "b");
        assert_eq!(options.timeout, Some(Duration::from_secs(1)));
        let merged = options.merge(RequestOptions::new().header("x-user-id", "c"));
        assert_eq!(merged.headers[0].1, "c");
        assert_eq!(merged.timeout, Some(Duration::from_secs(1)));
    }

    #[test]
    fn debug_shows_no_header_value() {
        let options = RequestOptions::new().header("authorization", "Bearer s3cret");
        let debug = format!("{options:?}");
        assert!(
            !debug.contains("s3cret") && debug.contains("authorization"),
            "{debug}"
        );
    }
}
