//! Assistants: versioned configurations of a graph.

use std::{fmt::Display, marker::PhantomData};

use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Value};

use crate::{
    Client, Page, Result, operations as ops,
    raw::types::{
        self, Assistant, AssistantSelectField, AssistantSortBy, AssistantVersion, GraphSchema,
        IfExists, SortOrder, Subgraphs,
    },
    request::{Invalid, awaitable, build, limit, to_map},
};

/// The assistants of a deployment: `client.assistants()`.
#[derive(Debug, Clone)]
pub struct Assistants {
    client: Client,
}

impl Assistants {
    pub(crate) fn new(client: Client) -> Self {
        Assistants { client }
    }

    /// Creates an assistant of `graph_id`.
    ///
    /// ```no_run
    /// # async fn demo(client: langgraph_sdk::Client) -> langgraph_sdk::Result<()> {
    /// use serde_json::json;
    /// let assistant = client
    ///     .assistants()
    ///     .create("agent")
    ///     .name("Support bot")
    ///     .config(json!({"configurable": {"model": "small"}}))
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create(&self, graph_id: impl Into<String>) -> CreateAssistant {
        CreateAssistant {
            client: self.client.clone(),
            body: types::AssistantCreate::builder().graph_id(graph_id.into()),
            invalid: Invalid::default(),
        }
    }

    /// The assistant with this id. A graph name also works: it names the graph's default
    /// assistant.
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) with 404 when there is none.
    pub async fn get(&self, assistant_id: impl Display) -> Result<Assistant> {
        let id = assistant_id.to_string();
        self.client
            .transport()
            .json(&ops::GET_ASSISTANT, &[&id], &[], None::<&()>)
            .await
    }

    /// Changes an assistant. This creates a new version and makes it the latest; fields not
    /// set keep their value.
    pub fn update(&self, assistant_id: impl Display) -> UpdateAssistant {
        UpdateAssistant {
            client: self.client.clone(),
            assistant_id: assistant_id.to_string(),
            body: types::AssistantPatch::builder(),
            invalid: Invalid::default(),
        }
    }

    /// Deletes an assistant with all its versions.
    pub fn delete(&self, assistant_id: impl Display) -> DeleteAssistant {
        DeleteAssistant {
            client: self.client.clone(),
            assistant_id: assistant_id.to_string(),
            delete_threads: false,
        }
    }

    /// Searches assistants; 10 per page unless [`limit`](SearchAssistants::limit) says
    /// otherwise, or every match with [`all`](SearchAssistants::all).
    pub fn search(&self) -> SearchAssistants {
        SearchAssistants {
            client: self.client.clone(),
            body: types::AssistantSearchRequest::builder(),
            offset: 0,
            limit: 10,
            invalid: Invalid::default(),
            item: PhantomData,
        }
    }

    /// Counts the assistants matching the filters.
    pub fn count(&self) -> CountAssistants {
        CountAssistants {
            client: self.client.clone(),
            body: types::AssistantCountRequest::builder(),
            invalid: Invalid::default(),
        }
    }

    /// The graph of an assistant (`{"nodes": [...], "edges": [...]}`); `xray` also draws
    /// subgraphs, to the given depth.
    ///
    /// # Errors
    /// As for any request.
    pub async fn get_graph(&self, assistant_id: impl Display, xray: Option<XRay>) -> Result<Value> {
        let id = assistant_id.to_string();
        let query: Vec<(&str, String)> = match xray {
            None => vec![],
            Some(XRay::All) => vec![("xray", "true".into())],
            Some(XRay::Depth(depth)) => vec![("xray", depth.to_string())],
        };
        self.client
            .transport()
            .json(&ops::GET_ASSISTANT_GRAPH, &[&id], &query, None::<&()>)
            .await
    }

    /// The JSON schemas of the assistant's graph: input, output, state, config and context.
    ///
    /// # Errors
    /// As for any request.
    pub async fn get_schemas(&self, assistant_id: impl Display) -> Result<GraphSchema> {
        let id = assistant_id.to_string();
        self.client
            .transport()
            .json(&ops::GET_ASSISTANT_SCHEMAS, &[&id], &[], None::<&()>)
            .await
    }

    /// The schemas of the assistant's subgraphs, by namespace; only those under `namespace`
    /// when given, and nested ones too with `recurse`.
    ///
    /// # Errors
    /// As for any request.
    pub async fn get_subgraphs(
        &self,
        assistant_id: impl Display,
        namespace: Option<&str>,
        recurse: bool,
    ) -> Result<Subgraphs> {
        let id = assistant_id.to_string();
        let query = [("recurse", recurse.to_string())];
        match namespace {
            Some(ns) => {
                let op = &ops::GET_ASSISTANT_SUBGRAPHS_BY_NAMESPACE;
                self.client
                    .transport()
                    .json(op, &[&id, ns], &query, None::<&()>)
                    .await
            }
            None => {
                let op = &ops::GET_ASSISTANT_SUBGRAPHS;
                self.client
                    .transport()
                    .json(op, &[&id], &query, None::<&()>)
                    .await
            }
        }
    }

    /// The versions of an assistant, newest first.
    pub fn get_versions(&self, assistant_id: impl Display) -> GetVersions {
        GetVersions {
            client: self.client.clone(),
            assistant_id: assistant_id.to_string(),
            body: types::AssistantVersionsSearchRequest::builder(),
            offset: 0,
            limit: 10,
            invalid: Invalid::default(),
        }
    }

    /// Makes `version` the assistant's active version.
    ///
    /// # Errors
    /// As for any request.
    pub async fn set_latest(&self, assistant_id: impl Display, version: i64) -> Result<Assistant> {
        let id = assistant_id.to_string();
        let body = types::AssistantVersionChange {
            version: Some(version),
        };
        self.client
            .transport()
            .json(&ops::SET_LATEST_ASSISTANT_VERSION, &[&id], &[], Some(&body))
            .await
    }
}

/// How far [`Assistants::get_graph`] draws subgraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XRay {
    /// Every level.
    All,
    /// Down to this depth.
    Depth(u32),
}

/// Builder of [`Assistants::create`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct CreateAssistant {
    client: Client,
    body: types::builder::AssistantCreate,
    invalid: Invalid,
}

impl CreateAssistant {
    /// The assistant's config (`{"configurable": {...}, "tags": [...], "recursion_limit": n}`).
    pub fn config(mut self, config: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("config", config)) {
            self.body = self.body.config(Some(map));
        }
        self
    }

    /// Static context for the graph's runtime.
    pub fn context(mut self, context: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("context", context)) {
            self.body = self.body.context(Some(map));
        }
        self
    }

    /// Metadata to filter searches by.
    pub fn metadata(mut self, metadata: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("metadata", metadata)) {
            self.body = self.body.metadata(Some(map));
        }
        self
    }

    /// The id to give the assistant (a UUID); the server picks one otherwise.
    pub fn assistant_id(mut self, id: uuid::Uuid) -> Self {
        self.body = self.body.assistant_id(Some(id));
        self
    }

    /// What to do if an assistant with that id exists: fail (the server's default) or return
    /// the existing one.
    pub fn if_exists(mut self, behavior: IfExists) -> Self {
        self.body = self.body.if_exists(Some(behavior));
        self
    }

    /// A human-readable name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.body = self.body.name(Some(name.into()));
        self
    }

    /// A description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.body = self.body.description(Some(description.into()));
        self
    }

    async fn send(self) -> Result<Assistant> {
        self.invalid.into_result()?;
        let body: types::AssistantCreate = build("create assistant", self.body)?;
        self.client
            .transport()
            .json(&ops::CREATE_ASSISTANT, &[], &[], Some(&body))
            .await
    }
}
awaitable!(CreateAssistant => Assistant);

/// Builder of [`Assistants::update`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct UpdateAssistant {
    client: Client,
    assistant_id: String,
    body: types::builder::AssistantPatch,
    invalid: Invalid,
}

impl UpdateAssistant {
    /// Moves the assistant to another graph.
    pub fn graph_id(mut self, graph_id: impl Into<String>) -> Self {
        self.body = self.body.graph_id(Some(graph_id.into()));
        self
    }

    /// The whole new config: it replaces the old one (an empty object clears it).
    pub fn config(mut self, config: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("config", config)) {
            self.body = self.body.config(Some(map));
        }
        self
    }

    /// The new context.
    pub fn context(mut self, context: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("context", context)) {
            self.body = self.body.context(Some(map));
        }
        self
    }

    /// Metadata, merged into the existing metadata.
    pub fn metadata(mut self, metadata: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("metadata", metadata)) {
            self.body = self.body.metadata(Some(map));
        }
        self
    }

    /// The new name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.body = self.body.name(Some(name.into()));
        self
    }

    /// The new description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.body = self.body.description(Some(description.into()));
        self
    }

    async fn send(self) -> Result<Assistant> {
        self.invalid.into_result()?;
        let body: types::AssistantPatch = build("update assistant", self.body)?;
        let op = &ops::UPDATE_ASSISTANT;
        self.client
            .transport()
            .json(op, &[&self.assistant_id], &[], Some(&body))
            .await
    }
}
awaitable!(UpdateAssistant => Assistant);

/// Builder of [`Assistants::delete`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct DeleteAssistant {
    client: Client,
    assistant_id: String,
    delete_threads: bool,
}

impl DeleteAssistant {
    /// Also deletes the threads whose `metadata.assistant_id` is this assistant, with their
    /// runs and checkpoints.
    pub fn delete_threads(mut self, yes: bool) -> Self {
        self.delete_threads = yes;
        self
    }

    async fn send(self) -> Result<()> {
        let query: Vec<(&str, String)> = if self.delete_threads {
            vec![("delete_threads", "true".into())]
        } else {
            vec![]
        };
        let op = &ops::DELETE_ASSISTANT;
        self.client
            .transport()
            .empty(op, &[&self.assistant_id], &query, None::<&()>)
            .await
    }
}
awaitable!(DeleteAssistant => ());

/// Builder of [`Assistants::search`]; `.await` it for one page, or stream every match with
/// [`all`](Self::all). The items are [`Assistant`]s, or JSON objects after
/// [`select`](Self::select).
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct SearchAssistants<T = Assistant> {
    client: Client,
    body: types::builder::AssistantSearchRequest,
    offset: u64,
    limit: u64,
    invalid: Invalid,
    item: PhantomData<fn() -> T>,
}

impl SearchAssistants<Assistant> {
    /// Returns only these fields: the items become JSON objects with just those keys.
    pub fn select(
        self,
        fields: impl IntoIterator<Item = AssistantSelectField>,
    ) -> SearchAssistants<Map<String, Value>> {
        SearchAssistants {
            client: self.client,
            body: self.body.select(fields.into_iter().collect::<Vec<_>>()),
            offset: self.offset,
            limit: self.limit,
            invalid: self.invalid,
            item: PhantomData,
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> SearchAssistants<T> {
    /// Only assistants of this graph.
    pub fn graph_id(mut self, graph_id: impl Into<String>) -> Self {
        self.body = self.body.graph_id(Some(graph_id.into()));
        self
    }

    /// Only assistants whose name contains this (case-insensitive).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.body = self.body.name(Some(name.into()));
        self
    }

    /// Only assistants whose metadata has these keys with these values.
    pub fn metadata(mut self, metadata: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("metadata", metadata)) {
            self.body = self.body.metadata(Some(map));
        }
        self
    }

    /// Sort field.
    pub fn sort_by(mut self, field: AssistantSortBy) -> Self {
        self.body = self.body.sort_by(Some(field));
        self
    }

    /// Sort direction.
    pub fn sort_order(mut self, order: SortOrder) -> Self {
        self.body = self.body.sort_order(Some(order));
        self
    }
}
crate::pagination::paged_search!(
    SearchAssistants,
    types::AssistantSearchRequest,
    ops::SEARCH_ASSISTANTS,
    "search assistants"
);

/// Builder of [`Assistants::count`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct CountAssistants {
    client: Client,
    body: types::builder::AssistantCountRequest,
    invalid: Invalid,
}

impl CountAssistants {
    /// Only assistants of this graph.
    pub fn graph_id(mut self, graph_id: impl Into<String>) -> Self {
        self.body = self.body.graph_id(Some(graph_id.into()));
        self
    }

    /// Only assistants whose name contains this.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.body = self.body.name(Some(name.into()));
        self
    }

    /// Only assistants whose metadata has these keys with these values.
    pub fn metadata(mut self, metadata: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("metadata", metadata)) {
            self.body = self.body.metadata(Some(map));
        }
        self
    }

    async fn send(self) -> Result<u64> {
        self.invalid.into_result()?;
        let body: types::AssistantCountRequest = build("count assistants", self.body)?;
        self.client
            .transport()
            .json(&ops::COUNT_ASSISTANTS, &[], &[], Some(&body))
            .await
    }
}
awaitable!(CountAssistants => u64);

/// Builder of [`Assistants::get_versions`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct GetVersions {
    client: Client,
    assistant_id: String,
    body: types::builder::AssistantVersionsSearchRequest,
    offset: u64,
    limit: u64,
    invalid: Invalid,
}

impl GetVersions {
    /// Only versions whose metadata has these keys with these values.
    pub fn metadata(mut self, metadata: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("metadata", metadata)) {
            self.body = self.body.metadata(Some(map));
        }
        self
    }

    /// Page size (default 10).
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = limit;
        self
    }

    /// Skips this many versions.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    async fn send(self) -> Result<Page<AssistantVersion>> {
        self.invalid.into_result()?;
        let body: types::AssistantVersionsSearchRequest = build(
            "assistant versions",
            self.body
                .limit(Some(limit(self.limit)?))
                .offset(Some(self.offset)),
        )?;
        let op = &ops::SEARCH_ASSISTANT_VERSIONS;
        let items: Vec<AssistantVersion> = self
            .client
            .transport()
            .json(op, &[&self.assistant_id], &[], Some(&body))
            .await?;
        let more = items.len() as u64 >= self.limit;
        let next = more.then_some(self.offset + items.len() as u64);
        Ok(Page::new(items, next))
    }
}
awaitable!(GetVersions => Page<AssistantVersion>);
