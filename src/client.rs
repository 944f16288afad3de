//! The [`Client`]: one per server, cheap to clone, shared by every resource; and the builders
//! of its own calls ([`Client::info`], [`Client::health`]).

use std::{fmt, sync::Arc, time::Duration};

use reqwest::Url;

use crate::{
    ClientBuilder, RequestOptions, Result,
    assistants::Assistants,
    crons::Crons,
    operations as ops,
    raw::{self, types},
    request::{awaitable, path_request},
    request_options::request_options,
    runs::Runs,
    store::Store,
    threads::Threads,
    transport::Transport,
};

/// A client of one Agent Server deployment.
///
/// Cloning is cheap (the connection pool is shared), so clone it into tasks freely.
///
/// ```no_run
/// # async fn demo() -> langgraph_sdk::Result<()> {
/// let client = langgraph_sdk::Client::from_env()?;
/// let assistants = client.assistants().search().graph_id("agent").limit(10).await?;
/// for assistant in &assistants {
///     println!("{} {}", assistant.assistant_id, assistant.graph_id);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Arc<Transport>,
    raw: raw::Client,
    connect_timeout: Duration,
    read_timeout: Option<Duration>,
    timeout: Option<Duration>,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl Client {
    /// A client configured from the environment: `LANGGRAPH_API_URL` (else
    /// `http://localhost:8123`) and the first non-empty of `LANGGRAPH_API_KEY`,
    /// `LANGSMITH_API_KEY`, `LANGCHAIN_API_KEY`.
    ///
    /// # Errors
    /// [`Error::Config`](crate::Error::Config) for an invalid URL or key.
    pub fn from_env() -> Result<Client> {
        ClientBuilder::default().build()
    }

    /// A client of the server at `url`, with the API key from the environment.
    ///
    /// # Errors
    /// [`Error::Config`](crate::Error::Config) for an invalid URL or key.
    pub fn new(url: impl Into<String>) -> Result<Client> {
        ClientBuilder::default().url(url).build()
    }

    /// A builder for every setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub(crate) fn from_transport(
        transport: Transport,
        connect_timeout: Duration,
        read_timeout: Option<Duration>,
        timeout: Option<Duration>,
    ) -> Client {
        let transport = Arc::new(transport);
        let raw = raw::Client::new_with_client(
            transport.base.as_str().trim_end_matches('/'),
            transport.http.clone(),
            raw::Hooks::with_transport(transport.clone()),
        );
        Client {
            inner: Arc::new(Inner {
                transport,
                raw,
                connect_timeout,
                read_timeout,
                timeout,
            }),
        }
    }

    /// The server's base URL, without the userinfo it was configured with (that is sent as
    /// basic authentication, to this origin only).
    pub fn base_url(&self) -> &Url {
        &self.inner.transport.base
    }

    /// The generated client under this one, sharing its connection pool, API key, retries and
    /// tracing: the escape hatch for anything the ergonomic layer does not cover.
    pub fn raw(&self) -> &raw::Client {
        &self.inner.raw
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// Assistants: versioned configurations of a graph.
    pub fn assistants(&self) -> Assistants {
        Assistants::new(self.clone())
    }

    /// Threads: conversations with state and history.
    pub fn threads(&self) -> Threads {
        Threads::new(self.clone())
    }

    /// Runs: executions of an assistant, on a thread or stateless.
    pub fn runs(&self) -> Runs {
        Runs::new(self.clone())
    }

    /// Crons: scheduled runs.
    pub fn crons(&self) -> Crons {
        Crons::new(self.clone())
    }

    /// The store: long-term key-value memory shared across threads.
    pub fn store(&self) -> Store {
        Store::new(self.clone())
    }

    /// The server's version and feature flags.
    pub fn info(&self) -> GetInfo {
        GetInfo::new(self.clone())
    }

    /// Checks that the server is up (`GET /ok`): `.await` gives `Ok(())`, or the error (a
    /// [`Error::Decode`](crate::Error::Decode) if the server answers that it is not healthy).
    pub fn health(&self) -> CheckHealth {
        CheckHealth {
            client: self.clone(),
            request: RequestOptions::default(),
        }
    }
}

path_request! {
    /// Builder of [`Client::info`]; `.await` it.
    GetInfo() -> types::ServerInfo = json(ops::GET_INFO)
}

/// Builder of [`Client::health`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct CheckHealth {
    client: Client,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl CheckHealth {
    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<()> {
        let health: types::HealthResponse = self
            .client
            .transport()
            .json(&ops::GET_HEALTH, &[], &[], None::<&()>, &self.request)
            .await?;
        if health.ok {
            Ok(())
        } else {
            Err(crate::Error::malformed(
                ops::GET_HEALTH.id,
                "the server is not healthy",
                b"{\"ok\": false}",
            ))
        }
    }
}
awaitable!(CheckHealth => ());
request_options!(CheckHealth);

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field(
                "base_url",
                &crate::error::redact(&self.inner.transport.base),
            )
            .field("api_key", &self.inner.transport.has_api_key())
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("read_timeout", &self.inner.read_timeout)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.transport.retry)
            .finish()
    }
}
