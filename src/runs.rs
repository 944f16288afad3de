//! Runs: executions of an assistant, on a thread or stateless.

use std::{fmt::Display, marker::PhantomData, sync::Arc};

use futures_util::stream::BoxStream;
use reqwest::{Response, Url};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::{
    Client, Error, Page, RequestOptions, Result, RunError,
    operations::{self as ops, Operation},
    pagination,
    raw::types::{Action, CancelRunsStatus, Run, RunSelectField, RunStatus},
    request::{awaitable, path_request, spec_types},
    request_options::request_options,
    stream::{self, PassThrough, ResumePoint, RunStream, StreamModes},
    transport::{Transport, check},
};
use uuid::Uuid;

mod options;

pub use options::{Command, Nodes, RunOptions, StreamMode};
pub(crate) use options::{RunBody, delegate_run_options};

/// The runs of a deployment: `client.runs()`.
///
/// Every call that starts a run exists in a threaded form (`create`, `wait`) taking the
/// thread, and a stateless form (`create_stateless`, `wait_stateless`) for which the server
/// makes a temporary thread.
#[derive(Debug, Clone)]
pub struct Runs {
    client: Client,
}

/// The ids of a run the server just created (from its `Content-Location`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunCreated {
    /// The run.
    pub run_id: Uuid,
    /// The thread it runs on (a temporary one for stateless runs), when the server names it.
    pub thread_id: Option<Uuid>,
}

impl RunCreated {
    fn from_response(response: &Response) -> Option<RunCreated> {
        let location = response.headers().get("content-location")?.to_str().ok()?;
        let path = location.split(['?', '#']).next()?;
        let (thread, run) = match path.split_once("/runs/") {
            Some((before, run)) => (
                before
                    .strip_prefix("/threads/")
                    .or_else(|| before.rsplit_once("/threads/").map(|(_, t)| t)),
                run,
            ),
            None => return None,
        };
        let run_id = run.split('/').next()?.parse().ok()?;
        Some(RunCreated {
            run_id,
            thread_id: thread.and_then(|t| t.parse().ok()),
        })
    }
}

type OnRunCreated = Arc<dyn Fn(RunCreated) + Send + Sync>;

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl Runs {
    pub(crate) fn new(client: Client) -> Self {
        Runs { client }
    }

    /// Starts a run of `assistant_id` (an assistant id or a graph name) on a thread, in the
    /// background; `.await` gives the created, pending [`Run`].
    pub fn create(&self, thread_id: impl Display, assistant_id: impl Display) -> CreateRun {
        CreateRun::new(
            self.client.clone(),
            Some(thread_id.to_string()),
            assistant_id.to_string(),
        )
    }

    /// Starts a stateless run in the background (on a temporary thread).
    pub fn create_stateless(&self, assistant_id: impl Display) -> CreateRun {
        CreateRun::new(self.client.clone(), None, assistant_id.to_string())
    }

    /// Runs `assistant_id` on a thread and waits for its output: the thread's final values.
    ///
    /// ```no_run
    /// # async fn demo(client: langgraph_sdk::Client, thread_id: uuid::Uuid) -> langgraph_sdk::Result<()> {
    /// use serde_json::json;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Echo { echo: String }
    ///
    /// let out: Echo = client.runs().wait(thread_id, "echo").input(json!({"text": "hi"})).output_as().await?;
    /// assert_eq!(out.echo, "hi");
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait(&self, thread_id: impl Display, assistant_id: impl Display) -> WaitRun {
        WaitRun::new(
            self.client.clone(),
            Some(thread_id.to_string()),
            assistant_id.to_string(),
        )
    }

    /// Runs `assistant_id` statelessly and waits for its output.
    pub fn wait_stateless(&self, assistant_id: impl Display) -> WaitRun {
        WaitRun::new(self.client.clone(), None, assistant_id.to_string())
    }

    /// Runs `assistant_id` on a thread and streams its events; `.await` opens the stream.
    /// Set what to stream with [`stream_mode`](StreamRun::stream_mode) (the server streams
    /// `values` by default), and [`stream_resumable`](StreamRun::stream_resumable) to have a
    /// dropped connection resumed without losing events.
    pub fn stream(&self, thread_id: impl Display, assistant_id: impl Display) -> StreamRun {
        StreamRun::new(
            self.client.clone(),
            Some(thread_id.to_string()),
            assistant_id.to_string(),
        )
    }

    /// Runs `assistant_id` statelessly and streams its events. A stateless stream cannot be
    /// resumed: a dropped connection ends it with [`Error::StreamLost`].
    pub fn stream_stateless(&self, assistant_id: impl Display) -> StreamRun {
        StreamRun::new(self.client.clone(), None, assistant_id.to_string())
    }

    /// Streams the events of a run that is already going (or finished, for a resumable run,
    /// which replays its events): a `GET`, it does not start anything.
    pub fn join_stream(&self, thread_id: impl Display, run_id: impl Display) -> JoinStream {
        JoinStream {
            client: self.client.clone(),
            thread_id: thread_id.to_string(),
            run_id: run_id.to_string(),
            stream_mode: Vec::new(),
            last_event_id: None,
            replayed: None,
            cancel_on_disconnect: None,
            request: RequestOptions::default(),
            output: PhantomData,
        }
    }

    /// Starts several stateless background runs at once: one per `(assistant, options)` pair.
    /// `.await` gives the created runs, or [`Error::InvalidInput`] for an empty batch or
    /// options a stateless run does not take (before anything is sent).
    ///
    /// ```no_run
    /// # async fn demo(client: langgraph_sdk::Client) -> langgraph_sdk::Result<()> {
    /// use langgraph_sdk::runs::RunOptions;
    /// use serde_json::json;
    ///
    /// let runs = client
    ///     .runs()
    ///     .create_batch([
    ///         ("echo", RunOptions::new().input(json!({"text": "a"}))),
    ///         ("echo", RunOptions::new().input(json!({"text": "b"}))),
    ///     ])
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create_batch<A: Display>(
        &self,
        runs: impl IntoIterator<Item = (A, RunOptions)>,
    ) -> CreateBatch {
        let bodies = runs
            .into_iter()
            .map(|(assistant, options)| {
                options.body(RunBody::CreateStateless, Some(&assistant.to_string()))
            })
            .collect::<Result<Vec<_>>>();
        CreateBatch {
            client: self.client.clone(),
            bodies,
            request: RequestOptions::default(),
        }
    }

    /// The runs of a thread, newest first; 10 per page unless [`limit`](ListRuns::limit) says
    /// otherwise.
    pub fn list(&self, thread_id: impl Display) -> ListRuns {
        ListRuns {
            client: self.client.clone(),
            thread_id: thread_id.to_string(),
            limit: 10,
            offset: 0,
            status: None,
            select: Vec::new(),
            request: RequestOptions::default(),
            item: PhantomData,
        }
    }

    /// A run; `.await` fails with [`Error::Api`] 404 when there is none.
    pub fn get(&self, thread_id: impl Display, run_id: impl Display) -> GetRun {
        GetRun::new(self.client.clone(), thread_id, run_id)
    }

    /// Cancels a run; with [`wait`](CancelRun::wait), also waits until it has stopped.
    pub fn cancel(&self, thread_id: impl Display, run_id: impl Display) -> CancelRun {
        CancelRun {
            client: self.client.clone(),
            thread_id: thread_id.to_string(),
            run_id: run_id.to_string(),
            wait: false,
            action: None,
            request: RequestOptions::default(),
        }
    }

    /// Cancels several runs: those of [`run_ids`](CancelRuns::run_ids) on a thread, or every
    /// run with a [`status`](CancelRuns::status).
    pub fn cancel_many(&self) -> CancelRuns {
        CancelRuns {
            client: self.client.clone(),
            thread_id: None,
            run_ids: Vec::new(),
            status: None,
            action: None,
            request: RequestOptions::default(),
        }
    }

    /// Waits for a run to finish and returns the thread's values.
    pub fn join(&self, thread_id: impl Display, run_id: impl Display) -> JoinRun {
        JoinRun {
            client: self.client.clone(),
            thread_id: thread_id.to_string(),
            run_id: run_id.to_string(),
            request: RequestOptions::default(),
            output: PhantomData,
        }
    }

    /// Deletes a finished run.
    pub fn delete(&self, thread_id: impl Display, run_id: impl Display) -> DeleteRun {
        DeleteRun::new(self.client.clone(), thread_id, run_id)
    }
}

path_request! {
    /// Builder of [`Runs::get`]; `.await` it.
    GetRun(thread_id, run_id) -> Run = json(ops::GET_RUN)
}

path_request! {
    /// Builder of [`Runs::delete`]; `.await` it.
    DeleteRun(thread_id, run_id) -> () = empty(ops::DELETE_RUN)
}

/// Builder of [`Runs::create_batch`]; `.await` it for the created runs.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct CreateBatch {
    client: Client,
    bodies: Result<Vec<Map<String, Value>>>,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl CreateBatch {
    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<Vec<Run>> {
        let bodies = self.bodies?;
        if bodies.is_empty() {
            return Err(Error::InvalidInput("a batch needs at least one run".into()));
        }
        self.client
            .transport()
            .json(
                &ops::CREATE_BATCH_RUNS,
                &[],
                &[],
                Some(&bodies),
                &self.request,
            )
            .await
    }
}
awaitable!(CreateBatch => Vec<Run>);
request_options!(CreateBatch);

/// Sends `body` to the threaded or stateless form of an operation.
async fn start(
    client: &Client,
    thread_id: Option<&str>,
    (threaded, stateless): (&'static Operation, &'static Operation),
    body: &Map<String, Value>,
    on_run_created: Option<&OnRunCreated>,
    options: &RequestOptions,
) -> Result<(&'static Operation, Response)> {
    let transport = client.transport();
    let (op, builder) = match thread_id {
        Some(thread) => (threaded, transport.request(threaded, &[thread], options)?),
        None => (stateless, transport.request(stateless, &[], options)?),
    };
    let response = transport.send(op, builder.json(body)).await?;
    if let (Some(callback), Some(created)) = (on_run_created, RunCreated::from_response(&response))
    {
        callback(created);
    }
    Ok((op, response))
}

/// Builder of [`Runs::create`] and [`Runs::create_stateless`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
pub struct CreateRun {
    client: Client,
    thread_id: Option<String>,
    assistant_id: String,
    options: RunOptions,
    on_run_created: Option<OnRunCreated>,
    request: RequestOptions,
}

impl std::fmt::Debug for CreateRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateRun")
            .field("thread_id", &self.thread_id)
            .field("assistant_id", &self.assistant_id)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

delegate_run_options!(CreateRun);

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl CreateRun {
    fn new(client: Client, thread_id: Option<String>, assistant_id: String) -> Self {
        CreateRun {
            client,
            thread_id,
            assistant_id,
            options: RunOptions::new(),
            on_run_created: None,
            request: RequestOptions::default(),
        }
    }

    /// Calls `callback` with the new run's ids as soon as the server has created it.
    pub fn on_run_created(mut self, callback: impl Fn(RunCreated) + Send + Sync + 'static) -> Self {
        self.on_run_created = Some(Arc::new(callback));
        self
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<Run> {
        let kind = if self.thread_id.is_some() {
            RunBody::Create
        } else {
            RunBody::CreateStateless
        };
        let body = self.options.body(kind, Some(&self.assistant_id))?;
        let ops = (&ops::CREATE_RUN, &ops::CREATE_STATELESS_RUN);
        let (op, response) = start(
            &self.client,
            self.thread_id.as_deref(),
            ops,
            &body,
            self.on_run_created.as_ref(),
            &self.request,
        )
        .await?;
        crate::transport::decode(op.id, response).await
    }
}
awaitable!(CreateRun => Run);
request_options!(CreateRun);

/// Builder of [`Runs::wait`] and [`Runs::wait_stateless`]; `.await` it for the output as JSON,
/// or call [`output_as`](Self::output_as) first for a type of your own.
///
/// A run that fails is [`Error::Run`], never an output. If the connection drops while the run
/// is still going, the result is fetched again from the run's join URL (a `GET`: the run is
/// not started twice).
#[must_use = "a request does nothing until it is awaited"]
pub struct WaitRun<T = Value> {
    client: Client,
    thread_id: Option<String>,
    assistant_id: String,
    options: RunOptions,
    on_run_created: Option<OnRunCreated>,
    request: RequestOptions,
    output: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for WaitRun<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitRun")
            .field("thread_id", &self.thread_id)
            .field("assistant_id", &self.assistant_id)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

delegate_run_options!(WaitRun);

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl WaitRun<Value> {
    fn new(client: Client, thread_id: Option<String>, assistant_id: String) -> Self {
        WaitRun {
            client,
            thread_id,
            assistant_id,
            options: RunOptions::new(),
            on_run_created: None,
            request: RequestOptions::default(),
            output: PhantomData,
        }
    }

    /// Decodes the output into `T` instead of JSON.
    pub fn output_as<T: DeserializeOwned>(self) -> WaitRun<T> {
        WaitRun {
            client: self.client,
            thread_id: self.thread_id,
            assistant_id: self.assistant_id,
            options: self.options,
            on_run_created: self.on_run_created,
            request: self.request,
            output: PhantomData,
        }
    }

    /// Calls `callback` with the new run's ids as soon as the server has created it.
    pub fn on_run_created(mut self, callback: impl Fn(RunCreated) + Send + Sync + 'static) -> Self {
        self.on_run_created = Some(Arc::new(callback));
        self
    }
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl<T: DeserializeOwned> WaitRun<T> {
    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<T> {
        let kind = if self.thread_id.is_some() {
            RunBody::Streaming
        } else {
            RunBody::StreamingStateless
        };
        let body = self.options.body(kind, Some(&self.assistant_id))?;
        let ops = (&ops::WAIT_RUN, &ops::WAIT_STATELESS_RUN);
        let (op, response) = start(
            &self.client,
            self.thread_id.as_deref(),
            ops,
            &body,
            self.on_run_created.as_ref(),
            &self.request,
        )
        .await?;
        let value = read_result(self.client.transport(), op, response, &self.request).await?;
        output(op.id, value)
    }
}
awaitable!(impl[T: DeserializeOwned + Send + 'static] WaitRun<T> => T);
request_options!(impl[T] WaitRun<T>);

/// The output of a finished run, or its error.
fn output<T: DeserializeOwned>(operation: &'static str, value: Value) -> Result<T> {
    if let Some(error) = RunError::in_result(&value) {
        // The server reports some HTTP errors (a run that is gone) inside a 200 as
        // `{"__error__": {"error": "HTTPException", "message": "404: Run not found"}}`.
        if error.error == "HTTPException"
            && let Some((code, message)) = error.message.split_once(": ")
            && let Ok(status) = code.parse::<u16>()
            && let Ok(status) = reqwest::StatusCode::from_u16(status)
        {
            let body = json!({"detail": message});
            return Err(
                crate::ApiError::new(operation, status, None, body.to_string().as_bytes()).into(),
            );
        }
        return Err(Error::Run(error));
    }
    serde_json::from_value(value.clone())
        .map_err(|e| Error::decode(operation, e, value.to_string().as_bytes()))
}

/// Reads a run's result. When the connection drops before the whole body arrived, fetches it
/// again from the `Location` the server named (the run's join URL, same origin only), as often
/// as the retry policy allows.
async fn read_result(
    transport: &Transport,
    op: &Operation,
    response: Response,
    options: &RequestOptions,
) -> Result<Value> {
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .and_then(|l| transport.base.join(l).ok())
        .filter(|url| transport.same_origin(url));
    let first = response.bytes().await;
    let error = match first {
        Ok(body) => {
            return serde_json::from_slice(&body).map_err(|e| Error::decode(op.id, e, &body));
        }
        Err(e) => Error::from_reqwest(op.id, e),
    };
    if !error.is_transient() {
        return Err(error);
    }
    let Some(location) = location else {
        return Err(error);
    };
    rejoin(transport, location, error, options).await
}

async fn rejoin(
    transport: &Transport,
    location: Url,
    mut last: Error,
    options: &RequestOptions,
) -> Result<Value> {
    let op = &ops::JOIN_RUN;
    for retry in 0..transport.retry.max_retries.max(1) {
        tokio::time::sleep(transport.retry.backoff(retry)).await;
        tracing::debug!(
            url = location.path(),
            retry,
            "reconnecting to the run's result"
        );
        let request = options
            .apply(transport.http.get(location.clone()))?
            .build()
            .map_err(|e| Error::from_reqwest(op.id, e))?;
        let attempt = match transport.execute(op, request).await {
            Ok(response) => match check(op.id, response).await {
                Ok(response) => response
                    .bytes()
                    .await
                    .map_err(|e| Error::from_reqwest(op.id, e)),
                Err(e) => Err(e),
            },
            Err(e) => Err(Error::from_reqwest(op.id, e)),
        };
        match attempt {
            Ok(body) => {
                return serde_json::from_slice(&body).map_err(|e| Error::decode(op.id, e, &body));
            }
            Err(e) if e.is_transient() => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// Builder of [`Runs::stream`] and [`Runs::stream_stateless`]; `.await` it to open the
/// stream. State payloads (`values`) are JSON unless [`values_as`](Self::values_as) names
/// your type.
#[must_use = "a request does nothing until it is awaited"]
pub struct StreamRun<S = Value> {
    client: Client,
    thread_id: Option<String>,
    assistant_id: String,
    options: RunOptions,
    on_run_created: Option<OnRunCreated>,
    request: RequestOptions,
    output: PhantomData<fn() -> S>,
}

impl<S> std::fmt::Debug for StreamRun<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamRun")
            .field("thread_id", &self.thread_id)
            .field("assistant_id", &self.assistant_id)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

delegate_run_options!(StreamRun);

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl StreamRun<Value> {
    fn new(client: Client, thread_id: Option<String>, assistant_id: String) -> Self {
        StreamRun {
            client,
            thread_id,
            assistant_id,
            options: RunOptions::new(),
            on_run_created: None,
            request: RequestOptions::default(),
            output: PhantomData,
        }
    }

    /// Decodes `values` events into `T` instead of JSON.
    pub fn values_as<T: DeserializeOwned>(self) -> StreamRun<T> {
        StreamRun {
            client: self.client,
            thread_id: self.thread_id,
            assistant_id: self.assistant_id,
            options: self.options,
            on_run_created: self.on_run_created,
            request: self.request,
            output: PhantomData,
        }
    }

    /// Calls `callback` with the new run's ids as soon as the server has created it.
    pub fn on_run_created(mut self, callback: impl Fn(RunCreated) + Send + Sync + 'static) -> Self {
        self.on_run_created = Some(Arc::new(callback));
        self
    }
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl<S: DeserializeOwned + Send + 'static> StreamRun<S> {
    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<RunStream<S>> {
        let (client, opened) = self.open().await?;
        Ok(RunStream::new(client, opened))
    }

    /// Streams the events as the server sends them (name, data bytes, id), without decoding
    /// them, and resumes like the typed stream: to relay a run to your own clients. Call it
    /// last, then `.await` it.
    pub fn pass_through(self) -> PassThrough {
        PassThrough::new(self.open())
    }

    async fn open(self) -> Result<(Client, stream::Opened)> {
        let kind = if self.thread_id.is_some() {
            RunBody::Streaming
        } else {
            RunBody::StreamingStateless
        };
        let body = self.options.body(kind, Some(&self.assistant_id))?;
        let resumable =
            self.thread_id.is_some() && body.get("stream_resumable") == Some(&Value::Bool(true));
        let transport = self.client.transport();
        let (op, builder) = match &self.thread_id {
            Some(thread) => (
                &ops::STREAM_RUN,
                transport.request(&ops::STREAM_RUN, &[thread], &self.request)?,
            ),
            None => (
                &ops::STREAM_STATELESS_RUN,
                transport.request(&ops::STREAM_STATELESS_RUN, &[], &self.request)?,
            ),
        };
        let response = stream::open(&self.client, op, builder.json(&body)).await?;
        let created = RunCreated::from_response(&response);
        if let (Some(callback), Some(created)) = (&self.on_run_created, created) {
            callback(created);
        }
        let resume = if self.thread_id.is_none() {
            Err("a stateless run's stream cannot be resumed".to_string())
        } else if resumable {
            stream::location(&self.client, &response)
        } else {
            Err("the run was not created with `stream_resumable(true)`".to_string())
        };
        let (thread_id, run_id) = match created {
            Some(c) => (
                c.thread_id.map(|t| t.to_string()).or(self.thread_id),
                Some(c.run_id.to_string()),
            ),
            None => (self.thread_id, None),
        };
        let opened = stream::Opened {
            op,
            response,
            resume,
            thread_id,
            run_id,
            last_event_id: None,
            replayed: None,
            endless: false,
            request: self.request,
        };
        Ok((self.client, opened))
    }
}
awaitable!(impl[S: DeserializeOwned + Send + 'static] StreamRun<S> => RunStream<S>);
request_options!(impl[S] StreamRun<S>);

/// Builder of [`Runs::join_stream`]; `.await` it to open the stream.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct JoinStream<S = Value> {
    client: Client,
    thread_id: String,
    run_id: String,
    stream_mode: Vec<StreamMode>,
    last_event_id: Option<String>,
    replayed: Option<(String, usize)>,
    cancel_on_disconnect: Option<bool>,
    request: RequestOptions,
    output: PhantomData<fn() -> S>,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl JoinStream<Value> {
    /// Decodes `values` events into `T` instead of JSON.
    pub fn values_as<T: DeserializeOwned>(self) -> JoinStream<T> {
        JoinStream {
            client: self.client,
            thread_id: self.thread_id,
            run_id: self.run_id,
            stream_mode: self.stream_mode,
            last_event_id: self.last_event_id,
            replayed: self.replayed,
            cancel_on_disconnect: self.cancel_on_disconnect,
            request: self.request,
            output: PhantomData,
        }
    }
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl<S: DeserializeOwned + Send + 'static> JoinStream<S> {
    /// Only this mode or these modes (of those the run was created with); all of them by
    /// default.
    pub fn stream_mode(mut self, modes: impl StreamModes<StreamMode>) -> Self {
        self.stream_mode = modes.into_modes();
        self
    }

    /// Starts after this event (a resumable run replays the events after it). Events of one
    /// millisecond share an id, so this can skip some; [`resume_from`](Self::resume_from)
    /// does not.
    pub fn last_event_id(mut self, id: impl Into<String>) -> Self {
        self.last_event_id = Some(id.into());
        self.replayed = None;
        self
    }

    /// Goes on from where an earlier stream of this run got to
    /// ([`RunStream::resume_point`]): every event after it, once.
    pub fn resume_from(mut self, point: ResumePoint) -> Self {
        self.last_event_id = point.after;
        self.replayed = point.last.map(|last| (last, point.skip));
        self
    }

    /// Cancels the run if this stream disconnects.
    pub fn cancel_on_disconnect(mut self, yes: bool) -> Self {
        self.cancel_on_disconnect = Some(yes);
        self
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<RunStream<S>> {
        let (client, opened) = self.open().await?;
        Ok(RunStream::new(client, opened))
    }

    /// Streams the events as the server sends them (name, data bytes, id), without decoding
    /// them, and resumes like the typed stream: to relay a run to your own clients. Call it
    /// last, then `.await` it.
    ///
    /// ```no_run
    /// # async fn demo(client: langgraph_sdk::Client, thread_id: uuid::Uuid, run_id: uuid::Uuid) -> langgraph_sdk::Result<()> {
    /// use futures_util::TryStreamExt;
    ///
    /// let mut events = client.runs().join_stream(thread_id, run_id).pass_through().await?;
    /// while let Some(event) = events.try_next().await? {
    ///     println!("{} ({} bytes)", event.event(), event.data().len());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn pass_through(self) -> PassThrough {
        PassThrough::new(self.open())
    }

    async fn open(self) -> Result<(Client, stream::Opened)> {
        let mut query: Vec<(&str, String)> = Vec::new();
        if let Some(cancel) = self.cancel_on_disconnect {
            query.push(("cancel_on_disconnect", cancel.to_string()));
        }
        if !self.stream_mode.is_empty() {
            // The server reads one value: a mode, or a JSON list of modes.
            let modes: Vec<&str> = self.stream_mode.iter().map(|m| m.as_str()).collect();
            query.push((
                "stream_mode",
                serde_json::to_string(&modes).unwrap_or_default(),
            ));
        }
        let op = &ops::JOIN_RUN_STREAM;
        let mut builder = self
            .client
            .transport()
            .request(op, &[&self.thread_id, &self.run_id], &self.request)?
            .query(&query);
        if let Some(id) = &self.last_event_id {
            builder = builder.header("Last-Event-ID", id);
        }
        let request = builder.try_clone().and_then(|b| b.build().ok());
        let response = stream::open(&self.client, op, builder).await?;
        let opened = stream::Opened {
            op,
            resume: request
                .map(|r| r.url().clone())
                .ok_or_else(|| "the join request cannot be built again".to_string()),
            response,
            thread_id: Some(self.thread_id),
            run_id: Some(self.run_id),
            last_event_id: self.last_event_id,
            replayed: self.replayed,
            endless: false,
            request: self.request,
        };
        Ok((self.client, opened))
    }
}
awaitable!(impl[S: DeserializeOwned + Send + 'static] JoinStream<S> => RunStream<S>);
request_options!(impl[S] JoinStream<S>);

// The run builders put their query parameters on the wire themselves: each value is tied to
// the parameter's generated type (the join's modes go as one string, a JSON list: see
// `JoinStream::send`; the page size and offset, `u64`s, as integers).
spec_types! {
    params::JoinRunStream { stream_mode: String, last_event_id: String, cancel_on_disconnect: bool }
    params::ListRuns { limit: i64, offset: i64, select: Vec<RunSelectField> }
    params::CancelRun { wait: bool, action: Action }
    params::CancelRuns { action: Action }
}

// `CancelRuns` sends its body as JSON: its status is the generated body's.
const _: fn(CancelRunsStatus) -> crate::types::RunsCancel =
    |status| crate::types::RunsCancel::Variant0 { status };

/// Builder of [`Runs::join`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct JoinRun<T = Value> {
    client: Client,
    thread_id: String,
    run_id: String,
    request: RequestOptions,
    output: PhantomData<fn() -> T>,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl JoinRun<Value> {
    /// Decodes the output into `T` instead of JSON.
    pub fn output_as<T: DeserializeOwned>(self) -> JoinRun<T> {
        JoinRun {
            client: self.client,
            thread_id: self.thread_id,
            run_id: self.run_id,
            request: self.request,
            output: PhantomData,
        }
    }
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl<T: DeserializeOwned> JoinRun<T> {
    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<T> {
        let op = &ops::JOIN_RUN;
        let transport = self.client.transport();
        let request = transport.request(op, &[&self.thread_id, &self.run_id], &self.request)?;
        let response = transport.send(op, request).await?;
        let value = read_result(transport, op, response, &self.request).await?;
        output(op.id, value)
    }
}
awaitable!(impl[T: DeserializeOwned + Send + 'static] JoinRun<T> => T);
request_options!(impl[T] JoinRun<T>);

/// Builder of [`Runs::list`]; `.await` it for one page, or stream every run with
/// [`all`](Self::all).
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct ListRuns<T = Run> {
    client: Client,
    thread_id: String,
    limit: u64,
    offset: u64,
    status: Option<RunStatus>,
    select: Vec<RunSelectField>,
    request: RequestOptions,
    item: PhantomData<fn() -> T>,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl ListRuns<Run> {
    /// Returns only these fields: the items become JSON objects with just those keys.
    pub fn select(
        self,
        fields: impl IntoIterator<Item = RunSelectField>,
    ) -> ListRuns<Map<String, Value>> {
        ListRuns {
            client: self.client,
            thread_id: self.thread_id,
            limit: self.limit,
            offset: self.offset,
            status: self.status,
            select: fields.into_iter().collect(),
            request: self.request,
            item: PhantomData,
        }
    }
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl<T: DeserializeOwned + Send + 'static> ListRuns<T> {
    /// Page size (default 10).
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = limit;
        self
    }

    /// Skips this many runs.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// Only runs with this status.
    pub fn status(mut self, status: RunStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Every run, page after page, as a stream.
    pub fn all(self) -> BoxStream<'static, Result<T>> {
        let ListRuns {
            client,
            thread_id,
            limit,
            offset,
            status,
            select,
            request,
            item,
        } = self;
        pagination::all(offset, move |offset| {
            let page = ListRuns {
                client: client.clone(),
                thread_id: thread_id.clone(),
                limit,
                offset,
                status,
                select: select.clone(),
                request: request.clone(),
                item,
            };
            page.send()
        })
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<Page<T>> {
        if self.limit == 0 {
            return Err(Error::InvalidInput("`limit` must be at least 1".into()));
        }
        let mut query = vec![
            ("limit", self.limit.to_string()),
            ("offset", self.offset.to_string()),
        ];
        if let Some(status) = self.status {
            query.push(("status", json_str(&status)));
        }
        query.extend(self.select.iter().map(|f| ("select", json_str(f))));
        let op = &ops::LIST_RUNS;
        let transport = self.client.transport();
        let builder = transport
            .request(op, &[&self.thread_id], &self.request)?
            .query(&query);
        let page = (self.offset, self.limit);
        pagination::fetch(transport, op, builder, page, |items| items).await
    }
}

awaitable!(impl[T: DeserializeOwned + Send + 'static] ListRuns<T> => Page<T>);
request_options!(impl[T] ListRuns<T>);

/// The wire name of a generated enum value.
fn json_str(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Builder of [`Runs::cancel`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct CancelRun {
    client: Client,
    thread_id: String,
    run_id: String,
    wait: bool,
    action: Option<Action>,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl CancelRun {
    /// Returns only once the run has stopped. (The server's answer then carries no values:
    /// read the thread's state for them.)
    pub fn wait(mut self, wait: bool) -> Self {
        self.wait = wait;
        self
    }

    /// `Interrupt` (the server's default) keeps the run and its state so far; `Rollback`
    /// deletes the run and its checkpoints.
    pub fn action(mut self, action: Action) -> Self {
        self.action = Some(action);
        self
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<()> {
        let mut query = vec![("wait", if self.wait { "1" } else { "0" }.to_string())];
        if let Some(action) = self.action {
            query.push(("action", json_str(&action)));
        }
        let op = &ops::CANCEL_RUN;
        let transport = self.client.transport();
        let builder = transport
            .request(op, &[&self.thread_id, &self.run_id], &self.request)?
            .query(&query);
        let response = transport.send(op, builder).await?;
        if response.status() == reqwest::StatusCode::ACCEPTED || !self.wait {
            return Ok(());
        }
        // The body ends when the run has stopped; a dropped connection is rejoined.
        read_result(transport, op, response, &self.request)
            .await
            .map(drop)
    }
}
awaitable!(CancelRun => ());
request_options!(CancelRun);

/// Builder of [`Runs::cancel_many`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct CancelRuns {
    client: Client,
    thread_id: Option<String>,
    run_ids: Vec<String>,
    status: Option<CancelRunsStatus>,
    action: Option<Action>,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl CancelRuns {
    /// The thread of the [`run_ids`](Self::run_ids).
    pub fn thread_id(mut self, thread_id: impl Display) -> Self {
        self.thread_id = Some(thread_id.to_string());
        self
    }

    /// These runs (of [`thread_id`](Self::thread_id)).
    pub fn run_ids<I: Display>(mut self, run_ids: impl IntoIterator<Item = I>) -> Self {
        self.run_ids = run_ids.into_iter().map(|r| r.to_string()).collect();
        self
    }

    /// Every run with this status, on every thread.
    pub fn status(mut self, status: CancelRunsStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// `Interrupt` (the server's default) or `Rollback`.
    pub fn action(mut self, action: Action) -> Self {
        self.action = Some(action);
        self
    }

    /// The request body. The server takes exactly one of the two forms; say which is wrong
    /// before sending.
    fn body(&self) -> Result<Value> {
        match (&self.thread_id, self.run_ids.is_empty(), &self.status) {
            (Some(thread), false, None) => {
                Ok(json!({"thread_id": thread, "run_ids": self.run_ids}))
            }
            (None, true, Some(status)) => Ok(json!({"status": status})),
            _ => Err(Error::InvalidInput(
                "cancel_many takes either `thread_id` with `run_ids`, or `status`".into(),
            )),
        }
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<()> {
        let body = self.body()?;
        let query: Vec<(&str, String)> = self
            .action
            .iter()
            .map(|a| ("action", json_str(a)))
            .collect();
        self.client
            .transport()
            .empty(&ops::CANCEL_RUNS, &[], &query, Some(&body), &self.request)
            .await
    }
}
awaitable!(CancelRuns => ());
request_options!(CancelRuns);

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn created(location: &str) -> Option<RunCreated> {
        let response = http::Response::builder()
            .header("content-location", location)
            .body("")
            .unwrap();
        RunCreated::from_response(&Response::from(response))
    }

    #[test]
    fn content_location_names_the_run() {
        let (t, r) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert_eq!(
            created(&format!("/threads/{t}/runs/{r}")),
            Some(RunCreated {
                run_id: r,
                thread_id: Some(t)
            })
        );
        assert_eq!(
            created(&format!("/runs/{r}/stream?x=1")),
            Some(RunCreated {
                run_id: r,
                thread_id: None
            })
        );
        assert_eq!(
            created(&format!("/prefix/threads/{t}/runs/{r}")),
            Some(RunCreated {
                run_id: r,
                thread_id: Some(t)
            })
        );
        assert_eq!(created(&format!("/threads/{t}")), None);
        assert_eq!(created("/threads/t1/runs/r1"), None, "ids are UUIDs");
    }

    /// Both forms of `cancel_many` send fields of the spec's body, and cover them.
    pub(crate) fn check_bodies(coverage: &mut crate::spec_mirrors::Coverage) {
        let runs = crate::spec_mirrors::offline_client().runs();
        let id = Uuid::nil();
        let sent = [
            runs.cancel_many()
                .thread_id(id)
                .run_ids([id])
                .body()
                .unwrap(),
            runs.cancel_many()
                .status(CancelRunsStatus::Pending)
                .body()
                .unwrap(),
        ];
        coverage.check(&ops::CANCEL_RUNS, &sent, &[]);
    }

    #[test]
    fn run_errors_are_errors_not_output() {
        let err = output::<Value>(
            "wait_run",
            json!({"__error__": {"error": "ValueError", "message": "boom"}}),
        )
        .unwrap_err();
        assert!(
            matches!(err, Error::Run(ref e) if e.error == "ValueError" && e.message == "boom"),
            "{err}"
        );
        let gone = output::<Value>(
            "join_run",
            json!({"__error__": {"error": "HTTPException", "message": "404: Run not found"}}),
        )
        .unwrap_err();
        assert!(gone.is_not_found(), "{gone}");
        assert_eq!(gone.api().unwrap().message, "Run not found");
        let ok: Value = output("wait_run", json!({"a": 1})).unwrap();
        assert_eq!(ok, json!({"a": 1}));
    }
}
