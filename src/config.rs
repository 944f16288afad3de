//! Client configuration: base URL, API key, headers, timeouts, retries.

use std::{fmt, sync::Arc, time::Duration};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::{Client, Error, Result, error::redact_str, transport::Transport};

/// The URL used when neither the caller nor `LANGGRAPH_API_URL` names one (as in the official
/// clients: the port of a local `langgraph up`).
pub const DEFAULT_URL: &str = "http://localhost:8123";

/// The environment variable that overrides [`DEFAULT_URL`] in [`Client::from_env`].
pub const URL_ENV: &str = "LANGGRAPH_API_URL";

/// The environment variables read for an API key, in order of precedence.
pub const API_KEY_ENVS: [&str; 3] = [
    "LANGGRAPH_API_KEY",
    "LANGSMITH_API_KEY",
    "LANGCHAIN_API_KEY",
];

/// The header the API key travels in, and the only one.
pub(crate) const API_KEY_HEADER: &str = "x-api-key";

/// An API key. Its `Debug` and `Display` never show the key.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(Arc<str>);

impl ApiKey {
    /// Wraps a key as it is (use [`ClientBuilder::api_key`] to have it trimmed and checked).
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(Arc::from(key.into()))
    }

    /// The key, to put into the request header.
    pub(crate) fn header_value(&self) -> Result<HeaderValue> {
        let mut value = HeaderValue::from_str(&self.0).map_err(|_| {
            Error::Config("the API key contains characters not allowed in a header".into())
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Trims whitespace and one layer of matching surrounding quotes; `None` when nothing is left.
fn clean_key(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let unquoted = ['"', '\'']
        .iter()
        .find_map(|q| {
            trimmed
                .strip_prefix(*q)
                .and_then(|rest| rest.strip_suffix(*q))
        })
        .unwrap_or(trimmed)
        .trim();
    (!unquoted.is_empty()).then(|| unquoted.to_string())
}

/// Where the API key comes from.
#[derive(Clone, Debug, Default)]
enum KeySource {
    /// The first non-empty of [`API_KEY_ENVS`].
    #[default]
    Env,
    Explicit(ApiKey),
    /// No key, and no environment lookup.
    Disabled,
}

impl KeySource {
    fn resolve(&self, env: &dyn Fn(&str) -> Option<String>) -> Option<ApiKey> {
        match self {
            KeySource::Explicit(key) => Some(key.clone()),
            KeySource::Disabled => None,
            KeySource::Env => API_KEY_ENVS
                .iter()
                .find_map(|name| env(name).as_deref().and_then(clean_key))
                .map(ApiKey::new),
        }
    }
}

/// When and how often a failed request is sent again.
///
/// A failure to connect is retried for every operation, since the request never left. A
/// request that may have had an effect is never re-sent; one that is harmless to repeat (GET,
/// PUT, DELETE, and the POST searches and counts) is also retried when the connection drops
/// without an answer and on 429, 502, 503 and 504, after the server's `Retry-After` when it
/// sends one, else after an exponential backoff with jitter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 turns retrying off).
    pub max_retries: u32,
    /// The backoff before the first retry; it doubles with each retry.
    pub initial_backoff: Duration,
    /// The longest backoff, and the longest `Retry-After` honoured: a server asking for a
    /// longer wait gets its error returned instead.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// The backoff before retry number `retry` (0-based): half of the exponential value plus
    /// a random part of the other half, so that clients do not retry in lockstep.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.max_backoff);
        let half = exp / 2;
        half + half.mul_f64(random_unit())
    }
}

impl Default for RetryPolicy {
    /// Five retries from 0.5 s, at most 10 s apart.
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_retries: 5,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
        }
    }
}

/// A number in `[0, 1)` from the standard library's randomly seeded hasher: enough for
/// jitter, without a dependency.
pub(crate) fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default(),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Removes the userinfo of `url` and returns it as a basic `Authorization` value (marked
/// sensitive). Kept apart like the API key, so that no URL the client holds, shows or logs
/// carries a password.
fn take_userinfo(url: &mut reqwest::Url) -> Result<Option<HeaderValue>> {
    use base64::Engine as _;
    use percent_encoding::percent_decode_str;
    if url.username().is_empty() && url.password().is_none() {
        return Ok(None);
    }
    let decode = |part: &str| percent_decode_str(part).decode_utf8_lossy().into_owned();
    let credentials = format!(
        "{}:{}",
        decode(url.username()),
        decode(url.password().unwrap_or_default())
    );
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
    let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
        .map_err(|_| Error::Config("invalid userinfo in the URL".into()))?;
    value.set_sensitive(true);
    Ok(Some(value))
}

/// Reads an environment variable (the process environment, or a test's).
type EnvReader = dyn Fn(&str) -> Option<String> + Send + Sync;

/// Builds a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use langgraph_sdk::{Client, RetryPolicy};
///
/// let client = Client::builder()
///     .url("https://my-deployment.example.com")
///     .api_key("lsv2_...")
///     .header("x-user-id", "user-1")
///     .read_timeout(Some(Duration::from_secs(60)))
///     .retry(RetryPolicy::none())
///     .build()?;
/// # Ok::<(), langgraph_sdk::Error>(())
/// ```
pub struct ClientBuilder {
    url: Option<String>,
    http: Option<reqwest::ClientBuilder>,
    key: KeySource,
    headers: Vec<(String, String)>,
    connect_timeout: Duration,
    read_timeout: Option<Duration>,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    max_event_size: usize,
    max_body_size: usize,
    env: Arc<EnvReader>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("url", &self.url.as_deref().map(redact_str))
            .field("http", &self.http.is_some())
            .field("key", &self.key)
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("max_event_size", &self.max_event_size)
            .field("max_body_size", &self.max_body_size)
            .finish()
    }
}

/// The default of [`ClientBuilder::max_event_size`].
pub const DEFAULT_MAX_EVENT_SIZE: usize = 32 << 20;

/// The default of [`ClientBuilder::max_body_size`]: room for a long thread's state or history,
/// far below what would hurt a service.
pub const DEFAULT_MAX_BODY_SIZE: usize = 64 << 20;

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            url: None,
            http: None,
            key: KeySource::Env,
            headers: Vec::new(),
            connect_timeout: Duration::from_secs(5),
            read_timeout: Some(Duration::from_secs(300)),
            timeout: None,
            retry: RetryPolicy::default(),
            max_event_size: DEFAULT_MAX_EVENT_SIZE,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            env: Arc::new(|name| std::env::var(name).ok()),
        }
    }
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl ClientBuilder {
    /// The server's base URL (a path prefix is kept; a query or fragment is an error at
    /// [`build`](Self::build), since every path is appended to it). Userinfo
    /// (`https://user:password@host`) is sent as basic authentication, and never shown: not by
    /// `Debug`, errors or logs. Default: `LANGGRAPH_API_URL`, else [`DEFAULT_URL`].
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Sends `key` as `x-api-key` (trimmed, one layer of quotes removed). Without this, the
    /// key comes from the first non-empty of [`API_KEY_ENVS`].
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        let key = key.into();
        self.key = match clean_key(&key) {
            Some(clean) => KeySource::Explicit(ApiKey::new(clean)),
            None => KeySource::Disabled,
        };
        self
    }

    /// Builds the HTTP client from `http`, a `reqwest::ClientBuilder` of yours: your TLS roots
    /// and client certificate (mTLS), proxies, local address, DNS resolver, … One client (one
    /// connection pool) is built from it, as without this.
    ///
    /// Over your settings this builder still sets what keeps the API key safe and the
    /// timeouts documented: redirects are never followed (reqwest would re-send `x-api-key`
    /// wherever they point), and its [`connect_timeout`](Self::connect_timeout),
    /// [`read_timeout`](Self::read_timeout) and [`timeout`](Self::timeout) replace yours; so
    /// do the headers set with [`header`](Self::header) and the `User-Agent` (set your own
    /// with `header("user-agent", ..)`). The API key is added per request, to the server's
    /// origin only, and retries and tracing work as with the default client.
    ///
    /// ```no_run
    /// # fn demo(pem: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
    /// let ca = reqwest::Certificate::from_pem(pem)?;
    /// let client = langgraph_sdk::Client::builder()
    ///     .url("https://langgraph.internal")
    ///     .http(reqwest::Client::builder().add_root_certificate(ca))
    ///     .build()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn http(mut self, http: reqwest::ClientBuilder) -> Self {
        self.http = Some(http);
        self
    }

    /// Sends no API key and does not look in the environment for one.
    pub fn no_api_key(mut self) -> Self {
        self.key = KeySource::Disabled;
        self
    }

    /// Adds a header to every request, e.g. one the server maps into the run's configurable
    /// values. Setting `x-api-key` this way (in any letter case) is an error at
    /// [`build`](Self::build): the key has its own setting so that it is never logged.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// How long to wait for a connection. Default 5 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long to wait between two reads of a response; `None` waits forever. Default 300 s,
    /// long enough for the server's heartbeats on streams and waits.
    pub fn read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// A limit on each whole request, body included. Default none: a stream or a `wait` may
    /// legitimately take hours.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// When failed requests are retried. Default [`RetryPolicy::default`].
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The largest single stream event accepted, in bytes (default 32 MiB): a larger one ends
    /// the stream with [`Error::EventTooLarge`] instead of growing memory without bound.
    pub fn max_event_size(mut self, bytes: usize) -> Self {
        self.max_event_size = bytes;
        self
    }

    /// The largest response body read, in bytes (default 64 MiB, enough for the state and
    /// history of long threads): reading stops past it with [`Error::BodyTooLarge`], so a
    /// broken or hostile server cannot make the client allocate without bound. Event streams
    /// are limited per event instead ([`max_event_size`](Self::max_event_size)); only the
    /// first 64 KiB of an error response are read.
    ///
    /// ```
    /// let client = langgraph_sdk::Client::builder()
    ///     .url("http://localhost:2024")
    ///     .max_body_size(256 << 20)
    ///     .build()?;
    /// # Ok::<(), langgraph_sdk::Error>(())
    /// ```
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// Reads variables through `env` instead of the process environment (for tests).
    #[cfg(test)]
    pub(crate) fn env(
        mut self,
        env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.env = Arc::new(env);
        self
    }

    /// Resolves the configuration and builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] for a URL that is not `http(s)://host…` or has a query or fragment, an
    /// invalid header, an `x-api-key` header, or an HTTP client that cannot be built.
    pub fn build(self) -> Result<Client> {
        let url = match self.url.clone() {
            Some(url) => url,
            None => (self.env)(URL_ENV)
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| DEFAULT_URL.to_string()),
        };
        let shown = redact_str(&url);
        let mut base = reqwest::Url::parse(url.trim_end_matches('/'))
            .map_err(|e| Error::Config(format!("invalid URL {shown}: {e}")))?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(Error::Config(format!(
                "invalid URL {shown}: expected http(s)://host"
            )));
        }
        if base.query().is_some() || base.fragment().is_some() {
            // Every path is appended to the base: `?tenant=1` would swallow them all.
            return Err(Error::Config(format!(
                "invalid URL {shown}: a base URL cannot have a query or fragment"
            )));
        }
        let basic_auth = take_userinfo(&mut base)?;
        let headers = self.default_headers()?;
        let default_headers = headers.clone();
        let api_key = self.key.resolve(&*self.env);
        if let Some(key) = &api_key {
            key.header_value()?;
        }
        // Never follow a redirect, whatever a caller's builder says: reqwest would re-send
        // `x-api-key` (and a 307/308 body) to wherever it points. A 3xx becomes
        // `Error::Redirect` (see `transport`).
        let mut http = self
            .http
            .unwrap_or_default()
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .connect_timeout(self.connect_timeout);
        if let Some(read) = self.read_timeout {
            http = http.read_timeout(read);
        }
        if let Some(total) = self.timeout {
            http = http.timeout(total);
        }
        let http = http
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let mut transport = Transport::new(http, base, api_key, self.retry);
        transport.max_event_size = self.max_event_size;
        transport.max_body_size = self.max_body_size;
        transport.basic_auth = basic_auth;
        transport.default_headers = default_headers;
        Ok(Client::from_transport(
            transport,
            self.connect_timeout,
            self.read_timeout,
            self.timeout,
        ))
    }

    fn default_headers(&self) -> Result<HeaderMap> {
        let mut headers = HeaderMap::new();
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("langgraph-sdk-rust/", env!("CARGO_PKG_VERSION"))),
        );
        for (name, value) in &self.headers {
            let name = HeaderName::from_bytes(name.trim().as_bytes())
                .map_err(|_| Error::Config(format!("invalid header name {name:?}")))?;
            if name == API_KEY_HEADER {
                return Err(Error::Config(
                    "set the API key with `api_key`, not as a header".into(),
                ));
            }
            let value = HeaderValue::from_str(value)
                .map_err(|_| Error::Config(format!("invalid value for header {name}")))?;
            headers.insert(name, value);
        }
        Ok(headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.get(name).cloned()
    }

    fn key(builder: ClientBuilder) -> Option<ApiKey> {
        builder.key.resolve(&*builder.env)
    }

    #[test]
    fn env_precedence_is_langgraph_langsmith_langchain() {
        let all = [
            ("LANGGRAPH_API_KEY", "a"),
            ("LANGSMITH_API_KEY", "b"),
            ("LANGCHAIN_API_KEY", "c"),
        ];
        assert_eq!(
            key(ClientBuilder::default().env(env(&all))),
            Some(ApiKey::new("a"))
        );
        assert_eq!(
            key(ClientBuilder::default().env(env(&all[1..]))),
            Some(ApiKey::new("b"))
        );
        assert_eq!(
            key(ClientBuilder::default().env(env(&all[2..]))),
            Some(ApiKey::new("c"))
        );
        assert_eq!(key(ClientBuilder::default().env(env(&[]))), None);
    }

    #[test]
    fn explicit_key_wins_over_env() {
        let b = ClientBuilder::default()
            .env(env(&[("LANGGRAPH_API_KEY", "env")]))
            .api_key("mine");
        assert_eq!(key(b), Some(ApiKey::new("mine")));
    }

    #[test]
    fn values_are_trimmed_and_unquoted_once() {
        for (raw, clean) in [
            ("  k1  ", Some("k1")),
            ("\"k2\"", Some("k2")),
            ("'k3'", Some("k3")),
            ("  \"k4\" ", Some("k4")),
            ("\"'k5'\"", Some("'k5'")),
            ("\"unbalanced", Some("\"unbalanced")),
            ("   ", None),
            ("\"\"", None),
            ("", None),
        ] {
            assert_eq!(clean_key(raw).as_deref(), clean, "{raw:?}");
        }
    }

    #[test]
    fn empty_env_values_are_skipped() {
        let vars = [
            ("LANGGRAPH_API_KEY", "  "),
            ("LANGSMITH_API_KEY", "\"\""),
            ("LANGCHAIN_API_KEY", " c "),
        ];
        assert_eq!(
            key(ClientBuilder::default().env(env(&vars))),
            Some(ApiKey::new("c"))
        );
    }

    #[test]
    fn disabled_means_no_env_lookup() {
        let b = ClientBuilder::default()
            .env(env(&[("LANGGRAPH_API_KEY", "env")]))
            .no_api_key();
        assert_eq!(key(b), None);
        let b = ClientBuilder::default()
            .env(env(&[("LANGGRAPH_API_KEY", "env")]))
            .api_key("  ");
        assert_eq!(key(b), None, "an explicitly empty key means none");
    }

    #[test]
    fn x_api_key_header_is_refused_in_any_case() {
        for name in ["x-api-key", "X-Api-Key", "X-API-KEY", " x-api-key "] {
            let err = ClientBuilder::default()
                .header(name, "v")
                .build()
                .unwrap_err();
            assert!(
                matches!(err, Error::Config(ref m) if m.contains("api_key")),
                "{name}: {err}"
            );
        }
    }

    #[test]
    fn header_rules() {
        let b = ClientBuilder::default()
            .header("x-user-id", "u1")
            .header("User-Agent", "mine/1");
        let headers = b.default_headers().unwrap();
        assert_eq!(headers["x-user-id"], "u1");
        assert_eq!(
            headers[USER_AGENT], "mine/1",
            "a custom User-Agent replaces ours"
        );
        let headers = ClientBuilder::default().default_headers().unwrap();
        assert_eq!(
            headers[USER_AGENT],
            concat!("langgraph-sdk-rust/", env!("CARGO_PKG_VERSION"))
        );
        assert!(
            ClientBuilder::default()
                .header("bad name", "v")
                .build()
                .is_err()
        );
        assert!(
            ClientBuilder::default()
                .header("x-ok", "bad\nvalue")
                .build()
                .is_err()
        );
    }

    #[test]
    fn url_comes_from_builder_then_env_then_default() {
        let c = ClientBuilder::default()
            .env(env(&[]))
            .no_api_key()
            .build()
            .unwrap();
        assert_eq!(c.base_url().as_str(), "http://localhost:8123/");
        let c = ClientBuilder::default()
            .env(env(&[(URL_ENV, "http://h:1/prefix/")]))
            .build()
            .unwrap();
        assert_eq!(c.base_url().as_str(), "http://h:1/prefix");
        let c = ClientBuilder::default()
            .env(env(&[(URL_ENV, "http://h:1")]))
            .url("https://x")
            .build()
            .unwrap();
        assert_eq!(c.base_url().as_str(), "https://x/");
        assert!(
            ClientBuilder::default()
                .url("localhost:8123")
                .build()
                .is_err()
        );
        assert!(ClientBuilder::default().url("ftp://x").build().is_err());
        for bad in [
            "http://h/?tenant=1",
            "http://h/prefix?",
            "http://h/#x",
            "http://h/p#",
        ] {
            let err = ClientBuilder::default().url(bad).build().unwrap_err();
            assert!(
                matches!(err, Error::Config(ref m) if m.contains("query or fragment")),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn userinfo_is_never_shown() {
        let url = "http://user:s3cret@h:1/prefix";
        let builder = ClientBuilder::default().env(env(&[])).url(url);
        assert!(!format!("{builder:?}").contains("s3cret"), "{builder:?}");
        let client = builder.build().unwrap();
        let debug = format!("{client:?}");
        assert!(
            !debug.contains("s3cret") && !debug.contains("user"),
            "{debug}"
        );
        assert!(debug.contains("http://h:1/prefix"), "{debug}");
        assert_eq!(client.base_url().as_str(), "http://h:1/prefix");
        for bad in [
            "http://user:s3cret@h/?q=1",
            "http://user:s3cret@",
            "ftp://user:s3cret@h",
        ] {
            let err = ClientBuilder::default().url(bad).build().unwrap_err();
            assert!(!err.to_string().contains("s3cret"), "{err}");
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let secret = "lsv2_super_secret_value";
        let builder = ClientBuilder::default().env(env(&[])).api_key(secret);
        assert!(!format!("{builder:?}").contains(secret));
        let client = builder.build().unwrap();
        let debug = format!("{client:?}");
        assert!(!debug.contains(secret), "{debug}");
        assert!(debug.contains("api_key: true"), "{debug}");
        assert_eq!(format!("{:?}", ApiKey::new(secret)), "ApiKey(<redacted>)");
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let policy = RetryPolicy::default();
        for retry in 0..8 {
            let exp = Duration::from_millis(500)
                .saturating_mul(1 << retry)
                .min(policy.max_backoff);
            let b = policy.backoff(retry);
            assert!(b >= exp / 2 && b <= exp, "retry {retry}: {b:?} vs {exp:?}");
        }
    }
}
