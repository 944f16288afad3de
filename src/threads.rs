//! Threads: conversations with state and history.
//!
//! A thread keeps the state of the graph runs made on it, one checkpoint per step. Its state
//! ([`ThreadState`]) has the graph's values, the nodes to run next, the pending tasks and
//! interrupts, and the checkpoint it was read at. The values are JSON unless you ask for your
//! own type with [`GetState::values_as`] or [`GetHistory::values_as`].

use std::{fmt::Display, marker::PhantomData};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, de::DeserializeOwned};
use serde_json::{Map, Value};

use crate::{
    Client, Error, RequestOptions, Result,
    error::ApiError,
    operations as ops,
    raw::types::{
        self, CheckpointConfig, IfExists, Interrupt, SortOrder, Strategy, Thread,
        ThreadPruneResponse, ThreadSelectField, ThreadSortBy, ThreadStateUpdateValues,
        ThreadStatus, TtlStrategy,
    },
    request::{
        Invalid, awaitable, build, convert, limit, path_request, spec_types, to_json, to_map, uuid,
        uuids,
    },
    request_options::request_options,
    stream::{RunStream, StreamModes},
};

/// The threads of a deployment: `client.threads()`.
#[derive(Debug, Clone)]
pub struct Threads {
    client: Client,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl Threads {
    pub(crate) fn new(client: Client) -> Self {
        Threads { client }
    }

    /// Creates a thread.
    ///
    /// ```no_run
    /// # async fn demo(client: langgraph_sdk::Client) -> langgraph_sdk::Result<()> {
    /// use serde_json::json;
    /// let thread = client
    ///     .threads()
    ///     .create()
    ///     .metadata(json!({"user": "u1"}))
    ///     .graph_id("agent")
    ///     .ttl(60)
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Awaiting it fails with [`Error::Api`] 409 when the id is taken (unless
    /// [`if_exists`](CreateThread::if_exists) says otherwise), and with [`Error::Api`] carrying
    /// the server's 201 and its message when the thread was created but its
    /// [`supersteps`](CreateThread::supersteps) could not be applied.
    pub fn create(&self) -> CreateThread {
        CreateThread {
            client: self.client.clone(),
            body: types::ThreadCreate::builder(),
            metadata: None,
            graph_id: None,
            invalid: Invalid::default(),
            request: RequestOptions::default(),
        }
    }

    /// The thread with this id.
    pub fn get(&self, thread_id: impl Display) -> GetThread {
        GetThread {
            client: self.client.clone(),
            thread_id: thread_id.to_string(),
            include: Vec::new(),
            request: RequestOptions::default(),
        }
    }

    /// Changes a thread's metadata (merged into the existing metadata) or its time to live.
    pub fn update(&self, thread_id: impl Display) -> UpdateThread {
        UpdateThread {
            client: self.client.clone(),
            thread_id: thread_id.to_string(),
            body: types::ThreadPatch::builder(),
            invalid: Invalid::default(),
            request: RequestOptions::default(),
        }
    }

    /// Deletes a thread with its runs and checkpoints. `.await` fails with
    /// [`Error::Api`] 404 when there is none.
    pub fn delete(&self, thread_id: impl Display) -> DeleteThread {
        DeleteThread::new(self.client.clone(), thread_id)
    }

    /// Opens a streaming session on a thread with `assistant` (an assistant id or a graph
    /// name): runs started and interrupts answered in it, typed projections (values, live
    /// messages, tool calls, custom events, subgraphs, interrupts) read from one shared
    /// connection. See [`thread_stream`](crate::thread_stream).
    ///
    /// ```no_run
    /// # async fn demo(client: langgraph_sdk::Client) -> langgraph_sdk::Result<()> {
    /// use serde_json::json;
    /// let session = client.threads().stream("agent").await?;
    /// session.start().input(json!({"messages": [{"role": "user", "content": "hi"}]})).await?;
    /// let state: serde_json::Value = session.output().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn stream(&self, assistant: impl Display) -> crate::thread_stream::OpenThreadStream {
        crate::thread_stream::OpenThreadStream::new(self.client.clone(), assistant.to_string())
    }

    /// Searches threads; 10 per page unless [`limit`](SearchThreads::limit) says otherwise,
    /// or every match with [`all`](SearchThreads::all).
    ///
    /// ```no_run
    /// # async fn demo(client: langgraph_sdk::Client) -> langgraph_sdk::Result<()> {
    /// use futures_util::TryStreamExt;
    /// use langgraph_sdk::types::ThreadStatus;
    /// use serde_json::json;
    /// let waiting: Vec<_> = client
    ///     .threads()
    ///     .search()
    ///     .metadata(json!({"user": "u1"}))
    ///     .status(ThreadStatus::Interrupted)
    ///     .all()
    ///     .try_collect()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn search(&self) -> SearchThreads {
        SearchThreads {
            client: self.client.clone(),
            body: types::ThreadSearchRequest::builder(),
            offset: 0,
            limit: 10,
            invalid: Invalid::default(),
            request: RequestOptions::default(),
            item: PhantomData,
        }
    }

    /// Counts the threads matching the filters.
    pub fn count(&self) -> CountThreads {
        CountThreads {
            client: self.client.clone(),
            body: types::ThreadCountRequest::builder(),
            invalid: Invalid::default(),
            request: RequestOptions::default(),
        }
    }

    /// Copies a thread with its whole history; `.await` gives the copy, which has a new id
    /// (or [`Error::Api`] 404 when there is no such thread).
    pub fn copy(&self, thread_id: impl Display) -> CopyThread {
        CopyThread::new(self.client.clone(), thread_id)
    }

    /// Prunes threads: deletes them (the default), or with
    /// [`Strategy::KeepLatest`](PruneThreads::strategy) drops their old checkpoints but keeps
    /// the latest state.
    pub fn prune<I>(&self, thread_ids: I) -> PruneThreads
    where
        I: IntoIterator,
        I::Item: Display,
    {
        let mut invalid = Invalid::default();
        let ids = invalid.check(uuids("thread_ids", thread_ids));
        PruneThreads {
            client: self.client.clone(),
            body: types::ThreadPruneRequest::builder().thread_ids(ids.unwrap_or_default()),
            invalid,
            request: RequestOptions::default(),
        }
    }

    /// The current state of a thread, or its state at a checkpoint
    /// ([`checkpoint_id`](GetState::checkpoint_id), [`checkpoint`](GetState::checkpoint)).
    ///
    /// The values are JSON; [`values_as`](GetState::values_as) decodes them into your type:
    ///
    /// ```no_run
    /// # async fn demo(client: langgraph_sdk::Client, thread_id: uuid::Uuid) -> langgraph_sdk::Result<()> {
    /// #[derive(serde::Deserialize)]
    /// struct Chat {
    ///     messages: Vec<serde_json::Value>,
    /// }
    ///
    /// let state = client.threads().get_state(thread_id).values_as::<Chat>().await?;
    /// println!("{} messages, next: {:?}", state.values.messages.len(), state.next);
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_state(&self, thread_id: impl Display) -> GetState {
        GetState {
            client: self.client.clone(),
            thread_id: thread_id.to_string(),
            at: None,
            subgraphs: false,
            request: RequestOptions::default(),
            values: PhantomData,
        }
    }

    /// Writes to a thread's state, as if [`as_node`](UpdateState::as_node) (or the last node
    /// that ran) had returned [`values`](UpdateState::values). This adds a checkpoint (after
    /// the latest one, or after [`checkpoint`](UpdateState::checkpoint): a fork) and returns
    /// it.
    ///
    /// ```no_run
    /// # async fn demo(client: langgraph_sdk::Client, thread_id: uuid::Uuid) -> langgraph_sdk::Result<()> {
    /// use serde_json::json;
    /// let checkpoint = client
    ///     .threads()
    ///     .update_state(thread_id)
    ///     .values(json!({"answer": "yes"}))
    ///     .as_node("ask")
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn update_state(&self, thread_id: impl Display) -> UpdateState {
        UpdateState {
            client: self.client.clone(),
            thread_id: thread_id.to_string(),
            body: types::ThreadStateUpdate::builder(),
            invalid: Invalid::default(),
            request: RequestOptions::default(),
        }
    }

    /// Streams the events of every run on the thread, as they happen (the stream does not end
    /// with a run: drop it to stop). The server reads `run_modes` (every run event, plus a
    /// `metadata` part with `status: "run_done"` after each run) unless
    /// [`stream_mode`](JoinThreadStream::stream_mode) says otherwise.
    pub fn join_stream(&self, thread_id: impl Display) -> JoinThreadStream {
        JoinThreadStream {
            client: self.client.clone(),
            thread_id: thread_id.to_string(),
            stream_mode: Vec::new(),
            last_event_id: None,
            request: RequestOptions::default(),
            values: PhantomData,
        }
    }

    /// The past states of a thread, newest first: 10 unless [`limit`](GetHistory::limit) says
    /// otherwise. The values are JSON unless [`values_as`](GetHistory::values_as) asks for
    /// your type.
    pub fn get_history(&self, thread_id: impl Display) -> GetHistory {
        GetHistory {
            client: self.client.clone(),
            thread_id: thread_id.to_string(),
            body: types::ThreadStateSearch::builder(),
            limit: 10,
            before: None,
            invalid: Invalid::default(),
            request: RequestOptions::default(),
            values: PhantomData,
        }
    }
}

/// The state of a thread at one checkpoint, with its values decoded as `S` (JSON unless you
/// asked for your type with [`GetState::values_as`] or [`GetHistory::values_as`]).
///
/// The server sends `null` for the checkpoint, metadata and creation time of a thread that has
/// no checkpoint yet (and of a subgraph that has not started); they read as an empty
/// [`CheckpointConfig`], empty metadata and `None`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ThreadState<S = Value> {
    /// The graph's state values.
    pub values: S,
    /// The nodes that run next; empty when the graph has finished.
    #[serde(default, deserialize_with = "null_as_default")]
    pub next: Vec<String>,
    /// The checkpoint of this state. Pass it to [`GetState::checkpoint`],
    /// [`UpdateState::checkpoint`] or a run to continue from here.
    #[serde(default, deserialize_with = "null_as_default")]
    pub checkpoint: CheckpointConfig,
    /// The checkpoint's metadata: `step`, `source` (`"input"`, `"loop"`, `"update"`, …),
    /// `run_id`, `graph_id`, `writes`, …
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: Map<String, Value>,
    /// When the checkpoint was written.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    /// The checkpoint before this one.
    #[serde(default)]
    pub parent_checkpoint: Option<CheckpointConfig>,
    /// The tasks of the next step, with their interrupts, errors and (with
    /// [`GetState::subgraphs`]) the state of their subgraph.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tasks: Vec<ThreadTask>,
    /// The interrupts waiting for a resume.
    #[serde(default, deserialize_with = "null_as_default")]
    pub interrupts: Vec<Interrupt>,
}

/// A task of a thread's next step (a node about to run, or interrupted).
///
/// Hand-written rather than the generated [`types::TasksItem`] because a subgraph's `state`
/// comes with `null` checkpoint, metadata and creation time before the subgraph starts, which
/// the generated [`types::ThreadState`] cannot hold.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ThreadTask {
    /// The task id.
    pub id: String,
    /// The node.
    pub name: String,
    /// The error the task raised, if it failed.
    #[serde(default)]
    pub error: Option<String>,
    /// The interrupts the task raised.
    #[serde(default, deserialize_with = "null_as_default")]
    pub interrupts: Vec<Interrupt>,
    /// The checkpoint of the task's subgraph, if it has one.
    #[serde(default)]
    pub checkpoint: Option<CheckpointConfig>,
    /// The state of the task's subgraph (with [`GetState::subgraphs`]).
    #[serde(default)]
    pub state: Option<Box<ThreadState>>,
    /// What the task returned, once it has run.
    #[serde(default)]
    pub result: Option<Value>,
}

/// `null` (or a missing field, with `#[serde(default)]`) as the type's default.
fn null_as_default<'de, D, T>(deserializer: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A time to live of `minutes` with `strategy`. Minutes that are not finite have no JSON form
/// (`serde_json` would send `null`), so they are refused here.
fn ttl(minutes: f64, strategy: TtlStrategy) -> Result<types::Ttl> {
    if !minutes.is_finite() {
        return Err(Error::InvalidInput(format!(
            "`ttl` must be a finite number of minutes, not {minutes}"
        )));
    }
    Ok(types::Ttl {
        ttl: Some(minutes),
        strategy: Some(strategy),
    })
}

/// The body of a thread creation: `graph_id` goes into the metadata.
fn create_body(
    body: types::builder::ThreadCreate,
    mut metadata: Option<Map<String, Value>>,
    graph_id: Option<String>,
) -> Result<types::ThreadCreate> {
    if let Some(graph_id) = graph_id {
        metadata
            .get_or_insert_with(Map::new)
            .insert("graph_id".into(), Value::String(graph_id));
    }
    build("create thread", body.metadata(metadata))
}

/// Builder of [`Threads::create`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct CreateThread {
    client: Client,
    body: types::builder::ThreadCreate,
    // Kept apart from `body` because `graph_id` is folded into them when the request is sent.
    metadata: Option<Map<String, Value>>,
    graph_id: Option<String>,
    invalid: Invalid,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl CreateThread {
    /// Metadata to filter searches by.
    pub fn metadata(mut self, metadata: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("metadata", metadata)) {
            self.metadata = Some(map);
        }
        self
    }

    /// The id to give the thread (a UUID: a [`uuid::Uuid`] or its text); the server picks one
    /// otherwise.
    pub fn thread_id(mut self, id: impl Display) -> Self {
        if let Some(id) = self.invalid.check(uuid("thread_id", id)) {
            self.body = self.body.thread_id(Some(id));
        }
        self
    }

    /// What to do if a thread with that id exists: fail (the server's default) or return the
    /// existing one, unchanged.
    pub fn if_exists(mut self, behavior: IfExists) -> Self {
        self.body = self.body.if_exists(Some(behavior));
        self
    }

    /// The graph the thread is for. Like the Python SDK, this is sent as
    /// `metadata.graph_id` (over a `graph_id` in [`metadata`](Self::metadata)); the server
    /// needs it to apply [`supersteps`](Self::supersteps) to a thread that has no runs yet.
    pub fn graph_id(mut self, graph_id: impl Into<String>) -> Self {
        self.graph_id = Some(graph_id.into());
        self
    }

    /// State updates to apply, one superstep after the other, when the thread is created: a
    /// list of `{"updates": [{"values": ..., "as_node": "node", "command": ...}]}` (the
    /// [`types::ThreadCreateSuperstepsItem`]s). The thread needs a
    /// [`graph_id`](Self::graph_id).
    ///
    /// ```no_run
    /// # async fn demo(client: langgraph_sdk::Client) -> langgraph_sdk::Result<()> {
    /// use serde_json::json;
    /// let thread = client
    ///     .threads()
    ///     .create()
    ///     .graph_id("agent")
    ///     .supersteps(json!([
    ///         {"updates": [{"values": {"messages": [{"role": "user", "content": "hi"}]}, "as_node": "__input__"}]},
    ///         {"updates": [{"values": {"messages": [{"role": "ai", "content": "hello"}]}, "as_node": "model"}]},
    ///     ]))
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn supersteps(mut self, supersteps: impl Serialize) -> Self {
        let steps: Option<Vec<types::ThreadCreateSuperstepsItem>> =
            self.invalid.check(convert("supersteps", supersteps));
        if let Some(steps) = steps {
            self.body = self.body.supersteps(steps);
        }
        self
    }

    /// Deletes the thread `minutes` from now (like the Python SDK's number `ttl`: the `delete`
    /// strategy).
    pub fn ttl(self, minutes: impl Into<f64>) -> Self {
        self.ttl_with_strategy(minutes, TtlStrategy::Delete)
    }

    /// A time to live of `minutes` from now with a strategy: [`TtlStrategy::KeepLatest`]
    /// prunes old checkpoints but keeps the thread and its latest state.
    pub fn ttl_with_strategy(mut self, minutes: impl Into<f64>, strategy: TtlStrategy) -> Self {
        if let Some(ttl) = self.invalid.check(ttl(minutes.into(), strategy)) {
            self.body = self.body.ttl(Some(ttl));
        }
        self
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<Thread> {
        self.invalid.into_result()?;
        let body = create_body(self.body, self.metadata, self.graph_id)?;
        let transport = self.client.transport();
        let op = &ops::CREATE_THREAD;
        let response = transport
            .send(op, transport.request(op, &[], &self.request)?.json(&body))
            .await?;
        let status = response.status();
        let request_id = crate::transport::request_id(&response);
        let bytes = response
            .bytes()
            .await
            .map_err(|e| Error::from_reqwest(op.id, e))?;
        match serde_json::from_slice::<Thread>(&bytes) {
            Ok(thread) => Ok(thread),
            // When the supersteps cannot be applied, the server has created the thread but
            // answers 201 with `{"detail": "..."}` instead of the thread: an error, not a
            // thread that fails to decode.
            Err(_)
                if serde_json::from_slice::<Value>(&bytes)
                    .is_ok_and(|v| v.get("detail").is_some()) =>
            {
                Err(ApiError::new(op.id, status, request_id, &bytes).into())
            }
            Err(e) => Err(Error::decode(op.id, e, &bytes)),
        }
    }
}
awaitable!(CreateThread => Thread);
request_options!(CreateThread);

/// Builder of [`Threads::get`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct GetThread {
    client: Client,
    thread_id: String,
    include: Vec<String>,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl GetThread {
    /// Optional fields to add to the thread; the server knows `"ttl"`
    /// ([`Thread::ttl`](types::Thread::ttl)).
    pub fn include<I>(mut self, fields: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.include = fields.into_iter().map(Into::into).collect();
        self
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<Thread> {
        // Comma-joined, as the server reads it (and the Python SDK sends it).
        let query: Vec<(&str, String)> = if self.include.is_empty() {
            vec![]
        } else {
            vec![("include", self.include.join(","))]
        };
        self.client
            .transport()
            .json(
                &ops::GET_THREAD,
                &[&self.thread_id],
                &query,
                None::<&()>,
                &self.request,
            )
            .await
    }
}
awaitable!(GetThread => Thread);
request_options!(GetThread);

path_request! {
    /// Builder of [`Threads::delete`]; `.await` it.
    DeleteThread(thread_id) -> () = empty(ops::DELETE_THREAD)
}

path_request! {
    /// Builder of [`Threads::copy`]; `.await` it for the copy.
    CopyThread(thread_id) -> Thread = json(ops::COPY_THREAD)
}

// What the builders put in query and path parameters themselves (the others fill in the
// generated bodies, whose types tie them): `include` and the join's modes comma-joined; a
// checkpoint id as given (the checkpoint's own string, which the spec calls a UUID); one
// `subgraphs` setter for a body field and two query parameters.
spec_types! {
    params::GetThread { include: String }
    params::GetThreadState { subgraphs: bool }
    params::GetThreadStateAtCheckpoint { checkpoint_id: uuid::Uuid, subgraphs: bool }
    fields::ThreadStateCheckpointRequest { subgraphs: bool }
    params::JoinThreadStream { stream_modes: String, last_event_id: String }
}

/// Builder of [`Threads::update`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct UpdateThread {
    client: Client,
    thread_id: String,
    body: types::builder::ThreadPatch,
    invalid: Invalid,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl UpdateThread {
    /// Metadata, merged into the existing metadata.
    pub fn metadata(mut self, metadata: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("metadata", metadata)) {
            self.body = self.body.metadata(Some(map));
        }
        self
    }

    /// A new time to live: deletes the thread `minutes` from now.
    pub fn ttl(self, minutes: impl Into<f64>) -> Self {
        self.ttl_with_strategy(minutes, TtlStrategy::Delete)
    }

    /// A new time to live with a strategy (see [`CreateThread::ttl_with_strategy`]).
    pub fn ttl_with_strategy(mut self, minutes: impl Into<f64>, strategy: TtlStrategy) -> Self {
        if let Some(ttl) = self.invalid.check(ttl(minutes.into(), strategy)) {
            self.body = self.body.ttl(Some(ttl));
        }
        self
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<Thread> {
        self.invalid.into_result()?;
        let body: types::ThreadPatch = build("update thread", self.body)?;
        self.client
            .transport()
            .json(
                &ops::UPDATE_THREAD,
                &[&self.thread_id],
                &[],
                Some(&body),
                &self.request,
            )
            .await
    }
}
awaitable!(UpdateThread => Thread);
request_options!(UpdateThread);

/// Builder of [`Threads::search`]; `.await` it for one page, or stream every match with
/// [`all`](Self::all). The items are [`Thread`]s, or JSON objects after
/// [`select`](Self::select).
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct SearchThreads<T = Thread> {
    client: Client,
    body: types::builder::ThreadSearchRequest,
    offset: u64,
    limit: u64,
    invalid: Invalid,
    request: RequestOptions,
    item: PhantomData<fn() -> T>,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl SearchThreads<Thread> {
    /// Returns only these fields: the items become JSON objects with just those keys.
    pub fn select(
        self,
        fields: impl IntoIterator<Item = ThreadSelectField>,
    ) -> SearchThreads<Map<String, Value>> {
        SearchThreads {
            client: self.client,
            body: self.body.select(fields.into_iter().collect::<Vec<_>>()),
            offset: self.offset,
            limit: self.limit,
            invalid: self.invalid,
            request: self.request,
            item: PhantomData,
        }
    }
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl<T: DeserializeOwned + Send + 'static> SearchThreads<T> {
    /// Only threads whose metadata has these keys with these values.
    pub fn metadata(mut self, metadata: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("metadata", metadata)) {
            self.body = self.body.metadata(Some(map));
        }
        self
    }

    /// Only threads whose state values have these keys with these values.
    pub fn values(mut self, values: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("values", values)) {
            self.body = self.body.values(Some(map));
        }
        self
    }

    /// Only the threads with these ids (UUIDs).
    pub fn ids<I>(mut self, ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Display,
    {
        if let Some(ids) = self.invalid.check(uuids("ids", ids)) {
            self.body = self.body.ids(ids);
        }
        self
    }

    /// Only threads with this status.
    pub fn status(mut self, status: ThreadStatus) -> Self {
        self.body = self.body.status(Some(status));
        self
    }

    /// Sort field.
    pub fn sort_by(mut self, field: ThreadSortBy) -> Self {
        self.body = self.body.sort_by(Some(field));
        self
    }

    /// Sort direction.
    pub fn sort_order(mut self, order: SortOrder) -> Self {
        self.body = self.body.sort_order(Some(order));
        self
    }

    /// Extracts values into each thread's `extracted`: alias → JSON path into the thread,
    /// e.g. `("last", "values.messages[-1]")`. The server takes at most 10.
    pub fn extract<I, K, P>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = (K, P)>,
        K: Into<String>,
        P: Into<String>,
    {
        let paths = paths
            .into_iter()
            .map(|(k, p)| (k.into(), p.into()))
            .collect::<std::collections::HashMap<_, _>>();
        self.body = self.body.extract(paths);
        self
    }
}
request_options!(impl[T] SearchThreads<T>);
crate::pagination::paged_search!(
    SearchThreads,
    types::ThreadSearchRequest,
    ops::SEARCH_THREADS,
    "search threads"
);

/// Builder of [`Threads::count`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct CountThreads {
    client: Client,
    body: types::builder::ThreadCountRequest,
    invalid: Invalid,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl CountThreads {
    /// Only threads whose metadata has these keys with these values.
    pub fn metadata(mut self, metadata: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("metadata", metadata)) {
            self.body = self.body.metadata(Some(map));
        }
        self
    }

    /// Only threads whose state values have these keys with these values.
    pub fn values(mut self, values: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("values", values)) {
            self.body = self.body.values(Some(map));
        }
        self
    }

    /// Only threads with this status.
    pub fn status(mut self, status: ThreadStatus) -> Self {
        self.body = self.body.status(Some(status));
        self
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<u64> {
        self.invalid.into_result()?;
        let body: types::ThreadCountRequest = build("count threads", self.body)?;
        self.client
            .transport()
            .json(&ops::COUNT_THREADS, &[], &[], Some(&body), &self.request)
            .await
    }
}
awaitable!(CountThreads => u64);
request_options!(CountThreads);

/// Builder of [`Threads::prune`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct PruneThreads {
    client: Client,
    body: types::builder::ThreadPruneRequest,
    invalid: Invalid,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl PruneThreads {
    /// [`Strategy::Delete`] (the server's default) removes the threads;
    /// [`Strategy::KeepLatest`] removes their old checkpoints but keeps the latest state.
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.body = self.body.strategy(Some(strategy));
        self
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<ThreadPruneResponse> {
        self.invalid.into_result()?;
        let body: types::ThreadPruneRequest = build("prune threads", self.body)?;
        self.client
            .transport()
            .json(&ops::PRUNE_THREADS, &[], &[], Some(&body), &self.request)
            .await
    }
}
awaitable!(PruneThreads => ThreadPruneResponse);
request_options!(PruneThreads);

/// Which checkpoint a [`GetState`] reads.
#[derive(Debug, Clone)]
enum At {
    Id(String),
    Checkpoint(CheckpointConfig),
}

/// Builder of [`Threads::get_state`]; `.await` it. The state's values are `S`: JSON, or your
/// type after [`values_as`](Self::values_as).
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct GetState<S = Value> {
    client: Client,
    thread_id: String,
    at: Option<At>,
    subgraphs: bool,
    request: RequestOptions,
    values: PhantomData<fn() -> S>,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl<S: DeserializeOwned + Send + 'static> GetState<S> {
    /// The state at this checkpoint id (of the root graph) instead of the latest. Replaces a
    /// [`checkpoint`](Self::checkpoint) given before.
    pub fn checkpoint_id(mut self, checkpoint_id: impl Into<String>) -> Self {
        self.at = Some(At::Id(checkpoint_id.into()));
        self
    }

    /// The state at this checkpoint (e.g. the [`ThreadState::checkpoint`] of a history entry;
    /// `checkpoint_ns` selects a subgraph). Replaces a [`checkpoint_id`](Self::checkpoint_id)
    /// given before.
    pub fn checkpoint(mut self, checkpoint: CheckpointConfig) -> Self {
        self.at = Some(At::Checkpoint(checkpoint));
        self
    }

    /// Also returns the state of subgraphs, in the [`ThreadTask::state`] of their tasks.
    pub fn subgraphs(mut self, yes: bool) -> Self {
        self.subgraphs = yes;
        self
    }

    /// Decodes the values as `T` (any [`DeserializeOwned`] type) instead of JSON.
    pub fn values_as<T: DeserializeOwned + Send + 'static>(self) -> GetState<T> {
        GetState {
            client: self.client,
            thread_id: self.thread_id,
            at: self.at,
            subgraphs: self.subgraphs,
            request: self.request,
            values: PhantomData,
        }
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<ThreadState<S>> {
        let transport = self.client.transport();
        let id = self.thread_id.as_str();
        // The three endpoints, chosen as the Python SDK does: a checkpoint object is posted,
        // a bare id goes in the path, and no checkpoint reads the latest state.
        match self.at {
            Some(At::Checkpoint(checkpoint)) => {
                let body = types::ThreadStateCheckpointRequest {
                    checkpoint,
                    subgraphs: Some(self.subgraphs),
                };
                let op = &ops::GET_THREAD_STATE_FOR_CHECKPOINT;
                transport
                    .json(op, &[id], &[], Some(&body), &self.request)
                    .await
            }
            Some(At::Id(checkpoint_id)) => {
                let query = [("subgraphs", self.subgraphs.to_string())];
                let op = &ops::GET_THREAD_STATE_AT_CHECKPOINT;
                transport
                    .json(
                        op,
                        &[id, &checkpoint_id],
                        &query,
                        None::<&()>,
                        &self.request,
                    )
                    .await
            }
            None => {
                let query = [("subgraphs", self.subgraphs.to_string())];
                let op = &ops::GET_THREAD_STATE;
                transport
                    .json(op, &[id], &query, None::<&()>, &self.request)
                    .await
            }
        }
    }
}
awaitable!(impl[S: DeserializeOwned + Send + 'static] GetState<S> => ThreadState<S>);
request_options!(impl[S] GetState<S>);

/// Builder of [`Threads::update_state`]; `.await` it for the checkpoint it wrote.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct UpdateState {
    client: Client,
    thread_id: String,
    body: types::builder::ThreadStateUpdate,
    invalid: Invalid,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl UpdateState {
    /// The values to write: an object (a struct or a map), a list of objects, or `null`
    /// (`()`, `None` or [`Value::Null`]) to write nothing, e.g. to mark
    /// [`as_node`](Self::as_node) done without changing the values. Without this call no
    /// `values` are sent, which the server reads as `null`.
    pub fn values(mut self, values: impl Serialize) -> Self {
        let values = self.invalid.check(to_json("values", values).and_then(|v| {
            Ok(match v {
                Value::Null => ThreadStateUpdateValues::Null,
                Value::Object(map) => ThreadStateUpdateValues::Object(map),
                Value::Array(items) => ThreadStateUpdateValues::Array(items),
                other => {
                    return Err(Error::InvalidInput(format!(
                        "`values` must be a JSON object, a list or null, not {other}"
                    )));
                }
            })
        }));
        if let Some(values) = values {
            self.body = self.body.values(Some(values));
        }
        self
    }

    /// Writes as if this node had just run (it decides which nodes run next); by default the
    /// node that ran last.
    pub fn as_node(mut self, node: impl Into<String>) -> Self {
        self.body = self.body.as_node(Some(node.into()));
        self
    }

    /// Writes after this checkpoint instead of the latest: a fork. Replaces a
    /// [`checkpoint_id`](Self::checkpoint_id) given before.
    pub fn checkpoint(mut self, checkpoint: CheckpointConfig) -> Self {
        self.body = self.body.checkpoint(Some(checkpoint));
        self
    }

    /// Writes after the checkpoint with this id (of the root graph). Replaces a
    /// [`checkpoint`](Self::checkpoint) given before.
    pub fn checkpoint_id(self, checkpoint_id: impl Into<String>) -> Self {
        // The server applies a top-level `checkpoint_id` and a `checkpoint` the same way, and
        // the spec has only the latter.
        self.checkpoint(CheckpointConfig {
            checkpoint_id: Some(checkpoint_id.into()),
            ..CheckpointConfig::default()
        })
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<CheckpointConfig> {
        /// The response: the spec types its checkpoint as a bare object.
        #[derive(Deserialize)]
        struct Updated {
            checkpoint: CheckpointConfig,
        }
        self.invalid.into_result()?;
        let body: types::ThreadStateUpdate = build("update state", self.body)?;
        let updated: Updated = self
            .client
            .transport()
            .json(
                &ops::UPDATE_THREAD_STATE,
                &[&self.thread_id],
                &[],
                Some(&body),
                &self.request,
            )
            .await?;
        Ok(updated.checkpoint)
    }
}
awaitable!(UpdateState => CheckpointConfig);
request_options!(UpdateState);

/// Builder of [`Threads::get_history`]; `.await` it. The states' values are `S`: JSON, or
/// your type after [`values_as`](Self::values_as).
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct GetHistory<S = Value> {
    client: Client,
    thread_id: String,
    body: types::builder::ThreadStateSearch,
    limit: u64,
    // Kept apart from `body`: see `before_value`.
    before: Option<CheckpointConfig>,
    invalid: Invalid,
    request: RequestOptions,
    values: PhantomData<fn() -> S>,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl<S: DeserializeOwned + Send + 'static> GetHistory<S> {
    /// At most this many states (default 10; the server allows up to 1000).
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = limit;
        self
    }

    /// Only the states before this checkpoint (e.g. the [`ThreadState::checkpoint`] of the
    /// last state of the previous call, to read the next page). Replaces a
    /// [`before_id`](Self::before_id) given before.
    pub fn before(mut self, checkpoint: CheckpointConfig) -> Self {
        self.before = Some(checkpoint);
        self
    }

    /// Only the states before the checkpoint with this id. Replaces a
    /// [`before`](Self::before) given before.
    pub fn before_id(self, checkpoint_id: impl Into<String>) -> Self {
        self.before(CheckpointConfig {
            checkpoint_id: Some(checkpoint_id.into()),
            ..CheckpointConfig::default()
        })
    }

    /// Only the states whose checkpoint metadata has these keys with these values (e.g.
    /// `{"source": "input"}`).
    pub fn metadata(mut self, metadata: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("metadata", metadata)) {
            self.body = self.body.metadata(Some(map));
        }
        self
    }

    /// The history of a subgraph: the checkpoint whose `checkpoint_ns` names it.
    pub fn checkpoint(mut self, checkpoint: CheckpointConfig) -> Self {
        self.body = self.body.checkpoint(Some(checkpoint));
        self
    }

    /// Every past state from the [`before`](Self::before) point on (the latest by default),
    /// newest first, as a stream: page after page of [`limit`](Self::limit) states, each page
    /// before the last state of the previous one.
    ///
    /// ```no_run
    /// # async fn demo(client: langgraph_sdk::Client, thread_id: uuid::Uuid) -> langgraph_sdk::Result<()> {
    /// use futures_util::TryStreamExt;
    /// let history: Vec<_> = client
    ///     .threads()
    ///     .get_history(thread_id)
    ///     .limit(100)
    ///     .all()
    ///     .try_collect()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn all(self) -> futures_util::stream::BoxStream<'static, Result<ThreadState<S>>> {
        use futures_util::{StreamExt, TryStreamExt, stream};
        let GetHistory {
            client,
            thread_id,
            body,
            limit,
            before,
            invalid,
            request,
            values,
        } = self;
        let first = (Some(invalid), before);
        stream::try_unfold(Some(first), move |next| {
            let (client, thread_id, body, request) = (
                client.clone(),
                thread_id.clone(),
                body.clone(),
                request.clone(),
            );
            async move {
                let Some((invalid, before)) = next else {
                    return Ok::<_, Error>(None);
                };
                let page = GetHistory {
                    client,
                    thread_id,
                    body,
                    limit,
                    before,
                    invalid: invalid.unwrap_or_default(),
                    request,
                    values,
                }
                .send()
                .await?;
                // A short page is the last; so is one whose last checkpoint is unknown.
                let next = (page.len() as u64 >= limit)
                    .then(|| page.last().map(|state| state.checkpoint.clone()))
                    .flatten()
                    .filter(|checkpoint| checkpoint.checkpoint_id.is_some())
                    .map(|checkpoint| (None, Some(checkpoint)));
                Ok(Some((stream::iter(page.into_iter().map(Ok)), next)))
            }
        })
        .try_flatten()
        .boxed()
    }

    /// Decodes the values as `T` (any [`DeserializeOwned`] type) instead of JSON.
    pub fn values_as<T: DeserializeOwned + Send + 'static>(self) -> GetHistory<T> {
        GetHistory {
            client: self.client,
            thread_id: self.thread_id,
            body: self.body,
            limit: self.limit,
            before: self.before,
            invalid: self.invalid,
            request: self.request,
            values: PhantomData,
        }
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<Vec<ThreadState<S>>> {
        self.invalid.into_result()?;
        let body = history_body(self.body, self.limit, self.before)?;
        self.client
            .transport()
            .json(
                &ops::SEARCH_THREAD_HISTORY,
                &[&self.thread_id],
                &[],
                Some(&body),
                &self.request,
            )
            .await
    }
}
awaitable!(impl[S: DeserializeOwned + Send + 'static] GetHistory<S> => Vec<ThreadState<S>>);
request_options!(impl[S] GetHistory<S>);

/// The body of a history search: the filters, the page size and where it starts.
fn history_body(
    body: types::builder::ThreadStateSearch,
    size: u64,
    before: Option<CheckpointConfig>,
) -> Result<Value> {
    let body: types::ThreadStateSearch = build("get history", body.limit(Some(limit(size)?)))?;
    let mut body = to_json("history search", body)?;
    if let (Some(before), Value::Object(map)) = (before, &mut body) {
        map.insert("before".into(), before_value(before)?);
    }
    Ok(body)
}

/// The wire form of `before`. The spec (and the Python SDK) send a flat checkpoint, but the
/// server hands `before` to LangGraph as a config, which reads `configurable.checkpoint_id`:
/// a flat checkpoint fails with a 500 and a bare id string with a 422. So the checkpoint goes
/// both flat (what the schema validates, and what a fixed server would read) and under
/// `configurable` (what this server reads).
fn before_value(before: CheckpointConfig) -> Result<Value> {
    let flat = to_map("before", &before)?;
    let mut value = flat.clone();
    value.insert("configurable".into(), Value::Object(flat));
    Ok(Value::Object(value))
}

/// What a thread stream ([`Threads::join_stream`]) carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ThreadStreamMode {
    /// Every event of every run on the thread (the default).
    RunModes,
    /// Only the start and end of runs.
    Lifecycle,
    /// Only changes of the thread's state.
    StateUpdate,
}

crate::stream::stream_modes!(ThreadStreamMode);

impl ThreadStreamMode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ThreadStreamMode::RunModes => "run_modes",
            ThreadStreamMode::Lifecycle => "lifecycle",
            ThreadStreamMode::StateUpdate => "state_update",
        }
    }
}

/// Builder of [`Threads::join_stream`]; `.await` it to open the stream.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct JoinThreadStream<S = Value> {
    client: Client,
    thread_id: String,
    stream_mode: Vec<ThreadStreamMode>,
    last_event_id: Option<String>,
    request: RequestOptions,
    values: PhantomData<fn() -> S>,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl JoinThreadStream<Value> {
    /// Decodes `values` events into `T` instead of JSON.
    pub fn values_as<T: DeserializeOwned>(self) -> JoinThreadStream<T> {
        JoinThreadStream {
            client: self.client,
            thread_id: self.thread_id,
            stream_mode: self.stream_mode,
            last_event_id: self.last_event_id,
            request: self.request,
            values: PhantomData,
        }
    }
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl<S: DeserializeOwned + Send + 'static> JoinThreadStream<S> {
    /// What to stream: one mode, or several (`[ThreadStreamMode::Lifecycle,
    /// ThreadStreamMode::StateUpdate]`). (Sent as the `stream_modes` the server reads,
    /// comma-joined; the Python client sends `stream_mode`, which the server ignores.)
    pub fn stream_mode(mut self, modes: impl StreamModes<ThreadStreamMode>) -> Self {
        self.stream_mode = modes.into_modes();
        self
    }

    /// Starts after this event; `"-"` replays from the beginning.
    pub fn last_event_id(mut self, id: impl Into<String>) -> Self {
        self.last_event_id = Some(id.into());
        self
    }

    /// Opens the stream (what `.await` does).
    pub async fn send(self) -> Result<RunStream<S>> {
        let (client, opened) = self.open().await?;
        Ok(RunStream::new(client, opened))
    }

    /// Streams the events as the server sends them (name, data bytes, id), without decoding
    /// them, and resumes like the typed stream: to relay a thread to your own clients. Call
    /// it last, then `.await` it.
    pub fn pass_through(self) -> crate::stream::PassThrough {
        crate::stream::PassThrough::new(self.open())
    }

    async fn open(self) -> Result<(Client, crate::stream::Opened)> {
        let op = &ops::JOIN_THREAD_STREAM;
        let mut builder = self
            .client
            .transport()
            .request(op, &[&self.thread_id], &self.request)?;
        if !self.stream_mode.is_empty() {
            let modes: Vec<&str> = self.stream_mode.iter().map(|m| m.as_str()).collect();
            builder = builder.query(&[("stream_modes", modes.join(","))]);
        }
        let resume = builder
            .try_clone()
            .and_then(|b| b.build().ok())
            .map(|r| r.url().clone())
            .ok_or_else(|| "the join request cannot be built again".to_string());
        if let Some(id) = &self.last_event_id {
            builder = builder.header("Last-Event-ID", id);
        }
        let response = crate::stream::open(&self.client, op, builder).await?;
        let opened = crate::stream::Opened {
            op,
            response,
            resume,
            thread_id: Some(self.thread_id),
            run_id: None,
            last_event_id: self.last_event_id,
            replayed: None,
            endless: true,
            request: self.request,
        };
        Ok((self.client, opened))
    }
}
awaitable!(impl[S: DeserializeOwned + Send + 'static] JoinThreadStream<S> => RunStream<S>);
request_options!(impl[S] JoinThreadStream<S>);

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn thread_values_may_be_null_an_object_or_missing() {
        let base = json!({
            "thread_id": "01a1ff74-a2ee-7710-a2ec-3019168d964a",
            "created_at": "2026-11-21T18:53:16.399109+00:00",
            "updated_at": "2026-11-21T18:53:16.399109+00:00",
            "metadata": {},
            "status": "idle",
            "config": {},
        });
        let mut null = base.clone();
        null["values"] = Value::Null;
        let thread: Thread = serde_json::from_value(null).unwrap();
        assert!(thread.values.is_none());
        let mut object = base.clone();
        object["values"] = json!({"text": "hi"});
        let thread: Thread = serde_json::from_value(object).unwrap();
        assert_eq!(thread.values.unwrap()["text"], json!("hi"));
        let thread: Thread = serde_json::from_value(base).unwrap();
        assert!(thread.values.is_none());
    }

    /// What the server sends for a thread without checkpoints, and inside a subgraph task.
    fn empty_state() -> Value {
        json!({
            "values": {}, "next": [], "tasks": [], "metadata": null, "created_at": null,
            "checkpoint": null, "parent_checkpoint": null, "interrupts": [],
            "checkpoint_id": null, "parent_checkpoint_id": null
        })
    }

    #[test]
    fn an_empty_state_decodes() {
        let state: ThreadState = serde_json::from_value(empty_state()).unwrap();
        assert_eq!(state.values, json!({}));
        assert!(state.checkpoint.checkpoint_id.is_none());
        assert!(state.metadata.is_empty());
        assert!(state.created_at.is_none());
        assert!(state.parent_checkpoint.is_none());
    }

    #[test]
    fn a_state_with_a_subgraph_task_decodes_into_a_typed_state() {
        #[derive(Deserialize)]
        struct Parent {
            trail: Vec<String>,
            prepared: bool,
        }
        let state = json!({
            "values": {"trail": [], "prepared": true},
            "next": ["child"],
            "tasks": [{
                "id": "93aa4bf4-1b84-610e-d162-59b5b32f6a1c", "name": "child",
                "path": ["__pregel_pull", "child"], "error": null, "interrupts": [],
                "checkpoint": null, "state": empty_state(), "result": null
            }],
            "metadata": {"step": 1, "source": "loop"},
            "created_at": "2026-11-21T18:53:24.993423+00:00",
            "checkpoint": {"checkpoint_id": "c1", "thread_id": "t", "checkpoint_ns": ""},
            "parent_checkpoint": {"checkpoint_id": "c0", "thread_id": "t", "checkpoint_ns": ""},
            "interrupts": [{"id": "i1", "value": {"question": "why?"}}]
        });
        let state: ThreadState<Parent> = serde_json::from_value(state).unwrap();
        assert!(state.values.trail.is_empty() && state.values.prepared);
        assert_eq!(state.next, ["child"]);
        assert_eq!(state.checkpoint.checkpoint_id.as_deref(), Some("c1"));
        assert_eq!(
            state.parent_checkpoint.unwrap().checkpoint_id.as_deref(),
            Some("c0")
        );
        assert_eq!(state.interrupts[0].value, json!({"question": "why?"}));
        let task = &state.tasks[0];
        assert_eq!(task.name, "child");
        assert!(task.state.as_ref().unwrap().created_at.is_none());
        assert!(state.created_at.is_some());
    }

    #[test]
    fn before_goes_flat_and_under_configurable() {
        let before = CheckpointConfig {
            checkpoint_id: Some("c1".into()),
            checkpoint_ns: Some(String::new()),
            ..CheckpointConfig::default()
        };
        assert_eq!(
            before_value(before).unwrap(),
            json!({
                "checkpoint_id": "c1", "checkpoint_ns": "",
                "configurable": {"checkpoint_id": "c1", "checkpoint_ns": ""}
            })
        );
    }

    #[test]
    fn thread_ids_must_be_uuids() {
        let ok = uuids("ids", ["01a1ff74-a2ee-7710-a2ec-3019168d964a"]).unwrap();
        assert_eq!(ok.len(), 1);
        let err = uuids("ids", ["nope"]).unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    }

    /// Every setter sends a field of the spec's body, and every field has a setter.
    pub(crate) fn check_bodies(coverage: &mut crate::spec_mirrors::Coverage) {
        use crate::spec_mirrors::{PAGING, offline_client as client, sent};
        let threads = client().threads();
        let object = json!({"k": 1});
        let checkpoint = CheckpointConfig {
            checkpoint_id: Some("c1".into()),
            ..CheckpointConfig::default()
        };
        let id = uuid::Uuid::nil();

        let b = threads
            .create()
            .thread_id(id)
            .metadata(&object)
            .graph_id("agent")
            .if_exists(IfExists::DoNothing)
            .ttl(5)
            .supersteps(json!([{"updates": [{"values": {}, "as_node": "n"}]}]));
        let body = create_body(b.body, b.metadata, b.graph_id).unwrap();
        coverage.check(&ops::CREATE_THREAD, &sent(b.invalid, body), &[]);

        let b = threads
            .update("t")
            .metadata(&object)
            .ttl_with_strategy(5, TtlStrategy::KeepLatest);
        let body: types::ThreadPatch = build("t", b.body).unwrap();
        coverage.check(&ops::UPDATE_THREAD, &sent(b.invalid, body), &[]);

        let b = threads
            .search()
            .metadata(&object)
            .values(&object)
            .ids([id])
            .status(types::ThreadStatus::Idle)
            .sort_by(types::ThreadSortBy::CreatedAt)
            .sort_order(types::SortOrder::Asc)
            .extract([("last", "values.messages[-1]")])
            .select([ThreadSelectField::ThreadId]);
        let body: types::ThreadSearchRequest = build("t", b.body).unwrap();
        coverage.check(&ops::SEARCH_THREADS, &sent(b.invalid, body), PAGING);

        let b = threads
            .count()
            .metadata(&object)
            .values(&object)
            .status(types::ThreadStatus::Busy);
        let body: types::ThreadCountRequest = build("t", b.body).unwrap();
        coverage.check(&ops::COUNT_THREADS, &sent(b.invalid, body), &[]);

        let b = threads.prune([id]).strategy(types::Strategy::KeepLatest);
        let body: types::ThreadPruneRequest = build("t", b.body).unwrap();
        coverage.check(&ops::PRUNE_THREADS, &sent(b.invalid, body), &[]);

        let b = threads
            .update_state("t")
            .values(&object)
            .as_node("n")
            .checkpoint(checkpoint.clone());
        let body: types::ThreadStateUpdate = build("t", b.body).unwrap();
        coverage.check(&ops::UPDATE_THREAD_STATE, &sent(b.invalid, body), &[]);

        let b = threads
            .get_history("t")
            .limit(5)
            .before(checkpoint.clone())
            .metadata(&object)
            .checkpoint(checkpoint);
        b.invalid.into_result().unwrap();
        let body = history_body(b.body, b.limit, b.before).unwrap();
        coverage.check(&ops::SEARCH_THREAD_HISTORY, &[body], &[]);
    }

    #[test]
    fn ttl_must_be_finite() {
        let t = ttl(5.0, TtlStrategy::Delete).unwrap();
        assert_eq!(
            serde_json::to_value(t).unwrap(),
            json!({"ttl": 5.0, "strategy": "delete"})
        );
        assert!(ttl(f64::NAN, TtlStrategy::Delete).is_err());
        assert!(ttl(f64::INFINITY, TtlStrategy::KeepLatest).is_err());
    }
}
