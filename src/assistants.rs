//! Assistants: versioned configurations of a graph.

use std::{fmt::Display, marker::PhantomData};

use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Value};

use crate::{
    Client, Page, RequestOptions, Result, operations as ops,
    raw::params,
    raw::types::{
        self, Assistant, AssistantSelectField, AssistantSortBy, AssistantVersion, GraphSchema,
        IfExists, SortOrder, Subgraphs,
    },
    request::{Invalid, awaitable, build, limit, path_request, spec_types, to_map, uuid},
    request_options::request_options,
};

/// The assistants of a deployment: `client.assistants()`.
#[derive(Debug, Clone)]
pub struct Assistants {
    client: Client,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
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
            request: RequestOptions::default(),
        }
    }

    /// The assistant with this id. A graph name also works: it names the graph's default
    /// assistant. `.await` fails with [`Error::Api`](crate::Error::Api) 404 when there is none.
    pub fn get(&self, assistant_id: impl Display) -> GetAssistant {
        GetAssistant::new(self.client.clone(), assistant_id)
    }

    /// Changes an assistant. This creates a new version and makes it the latest; fields not
    /// set keep their value.
    pub fn update(&self, assistant_id: impl Display) -> UpdateAssistant {
        UpdateAssistant {
            client: self.client.clone(),
            assistant_id: assistant_id.to_string(),
            body: types::AssistantPatch::builder(),
            invalid: Invalid::default(),
            request: RequestOptions::default(),
        }
    }

    /// Deletes an assistant with all its versions.
    pub fn delete(&self, assistant_id: impl Display) -> DeleteAssistant {
        DeleteAssistant {
            client: self.client.clone(),
            assistant_id: assistant_id.to_string(),
            delete_threads: false,
            request: RequestOptions::default(),
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
            request: RequestOptions::default(),
            item: PhantomData,
        }
    }

    /// Counts the assistants matching the filters.
    pub fn count(&self) -> CountAssistants {
        CountAssistants {
            client: self.client.clone(),
            body: types::AssistantCountRequest::builder(),
            invalid: Invalid::default(),
            request: RequestOptions::default(),
        }
    }

    /// The graph of an assistant (`{"nodes": [...], "edges": [...]}`); with
    /// [`xray`](GetGraph::xray) also the subgraphs.
    pub fn get_graph(&self, assistant_id: impl Display) -> GetGraph {
        GetGraph {
            client: self.client.clone(),
            assistant_id: assistant_id.to_string(),
            xray: None,
            request: RequestOptions::default(),
        }
    }

    /// The JSON schemas of the assistant's graph: input, output, state, config and context.
    pub fn get_schemas(&self, assistant_id: impl Display) -> GetSchemas {
        GetSchemas::new(self.client.clone(), assistant_id)
    }

    /// The schemas of the assistant's subgraphs, by namespace: only those under a
    /// [`namespace`](GetSubgraphs::namespace) when given, and nested ones too with
    /// [`recurse`](GetSubgraphs::recurse).
    pub fn get_subgraphs(&self, assistant_id: impl Display) -> GetSubgraphs {
        GetSubgraphs {
            client: self.client.clone(),
            assistant_id: assistant_id.to_string(),
            namespace: None,
            recurse: false,
            request: RequestOptions::default(),
        }
    }

    /// The versions of an assistant, newest first; 10 per page unless
    /// [`limit`](GetVersions::limit) says otherwise, or every version with
    /// [`all`](GetVersions::all).
    pub fn get_versions(&self, assistant_id: impl Display) -> GetVersions {
        GetVersions {
            client: self.client.clone(),
            assistant_id: assistant_id.to_string(),
            body: types::AssistantVersionsSearchRequest::builder(),
            offset: 0,
            limit: 10,
            invalid: Invalid::default(),
            request: RequestOptions::default(),
        }
    }

    /// Makes `version` the assistant's active version; `.await` gives the assistant as it now
    /// is.
    ///
    /// The server (langgraph-api 0.16.7) restores the version's `config` but keeps the newest
    /// `context`, which is what a graph's runtime context reads: settings that must roll back
    /// belong in `config` (see `examples/assistant_versions.rs`).
    pub fn set_latest(&self, assistant_id: impl Display, version: i64) -> SetLatestVersion {
        SetLatestVersion {
            client: self.client.clone(),
            assistant_id: assistant_id.to_string(),
            version,
            request: RequestOptions::default(),
        }
    }
}

path_request! {
    /// Builder of [`Assistants::get`]; `.await` it.
    GetAssistant(assistant_id) -> Assistant = json(ops::GET_ASSISTANT)
}

path_request! {
    /// Builder of [`Assistants::get_schemas`]; `.await` it.
    GetSchemas(assistant_id) -> GraphSchema = json(ops::GET_ASSISTANT_SCHEMAS)
}

/// How far [`GetGraph::xray`] draws subgraphs: `true` (or [`XRay::All`]) for every level, a
/// number for a depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XRay {
    /// Every level.
    All,
    /// Down to this depth.
    Depth(u32),
}

impl From<bool> for XRay {
    /// `true` is every level, `false` none (depth 0).
    fn from(all: bool) -> XRay {
        if all { XRay::All } else { XRay::Depth(0) }
    }
}

impl From<u32> for XRay {
    fn from(depth: u32) -> XRay {
        XRay::Depth(depth)
    }
}

// `XRay` is the spec's `xray`: a boolean (every level) or an integer (a depth), no more.
const _: fn(params::GetAssistantGraph::xray) = |xray| match xray {
    types::Xray::Boolean(all) => {
        let _: bool = all;
    }
    types::Xray::Integer(depth) => {
        let _: i64 = depth;
    }
};
// The graph, subgraph and delete builders write their query parameters themselves (the others
// fill in the generated bodies, whose types tie them); one `recurse` setter serves both
// subgraph endpoints.
spec_types! {
    params::GetAssistantSubgraphs { recurse: bool }
    params::GetAssistantSubgraphsByNamespace { namespace: String, recurse: bool }
    params::DeleteAssistant { delete_threads: bool }
}

/// Builder of [`Assistants::get_graph`]; `.await` it for the graph as JSON.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct GetGraph {
    client: Client,
    assistant_id: String,
    xray: Option<XRay>,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl GetGraph {
    /// Also draws the subgraphs: every level (`true`, [`XRay::All`]) or down to a depth
    /// (`2`, [`XRay::Depth`]).
    pub fn xray(mut self, xray: impl Into<XRay>) -> Self {
        self.xray = Some(xray.into());
        self
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<Value> {
        let query: Vec<(&str, String)> = match self.xray {
            None => vec![],
            Some(XRay::All) => vec![("xray", "true".into())],
            Some(XRay::Depth(depth)) => vec![("xray", depth.to_string())],
        };
        let op = &ops::GET_ASSISTANT_GRAPH;
        self.client
            .transport()
            .json(
                op,
                &[&self.assistant_id],
                &query,
                None::<&()>,
                &self.request,
            )
            .await
    }
}
awaitable!(GetGraph => Value);
request_options!(GetGraph);

/// Builder of [`Assistants::get_subgraphs`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct GetSubgraphs {
    client: Client,
    assistant_id: String,
    namespace: Option<String>,
    recurse: bool,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl GetSubgraphs {
    /// Only the subgraphs under this namespace (a node of the graph, e.g. `"child"`).
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Also the subgraphs of subgraphs, at every depth.
    pub fn recurse(mut self, recurse: bool) -> Self {
        self.recurse = recurse;
        self
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<Subgraphs> {
        let query = [("recurse", self.recurse.to_string())];
        let transport = self.client.transport();
        let id = self.assistant_id.as_str();
        match &self.namespace {
            Some(ns) => {
                let op = &ops::GET_ASSISTANT_SUBGRAPHS_BY_NAMESPACE;
                transport
                    .json(op, &[id, ns], &query, None::<&()>, &self.request)
                    .await
            }
            None => {
                let op = &ops::GET_ASSISTANT_SUBGRAPHS;
                transport
                    .json(op, &[id], &query, None::<&()>, &self.request)
                    .await
            }
        }
    }
}
awaitable!(GetSubgraphs => Subgraphs);
request_options!(GetSubgraphs);

/// Builder of [`Assistants::set_latest`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct SetLatestVersion {
    client: Client,
    assistant_id: String,
    version: i64,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl SetLatestVersion {
    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<Assistant> {
        let body = types::AssistantVersionChange {
            version: Some(self.version),
        };
        let op = &ops::SET_LATEST_ASSISTANT_VERSION;
        self.client
            .transport()
            .json(op, &[&self.assistant_id], &[], Some(&body), &self.request)
            .await
    }
}
awaitable!(SetLatestVersion => Assistant);
request_options!(SetLatestVersion);

/// Builder of [`Assistants::create`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct CreateAssistant {
    client: Client,
    body: types::builder::AssistantCreate,
    invalid: Invalid,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
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

    /// The id to give the assistant (a UUID: a [`uuid::Uuid`] or its text); the server picks
    /// one otherwise.
    pub fn assistant_id(mut self, id: impl Display) -> Self {
        if let Some(id) = self.invalid.check(uuid("assistant_id", id)) {
            self.body = self.body.assistant_id(Some(id));
        }
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

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<Assistant> {
        self.invalid.into_result()?;
        let body: types::AssistantCreate = build("create assistant", self.body)?;
        self.client
            .transport()
            .json(&ops::CREATE_ASSISTANT, &[], &[], Some(&body), &self.request)
            .await
    }
}
awaitable!(CreateAssistant => Assistant);
request_options!(CreateAssistant);

/// Builder of [`Assistants::update`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct UpdateAssistant {
    client: Client,
    assistant_id: String,
    body: types::builder::AssistantPatch,
    invalid: Invalid,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
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

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<Assistant> {
        self.invalid.into_result()?;
        let body: types::AssistantPatch = build("update assistant", self.body)?;
        let op = &ops::UPDATE_ASSISTANT;
        self.client
            .transport()
            .json(op, &[&self.assistant_id], &[], Some(&body), &self.request)
            .await
    }
}
awaitable!(UpdateAssistant => Assistant);
request_options!(UpdateAssistant);

/// Builder of [`Assistants::delete`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct DeleteAssistant {
    client: Client,
    assistant_id: String,
    delete_threads: bool,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl DeleteAssistant {
    /// Also deletes the threads whose `metadata.assistant_id` is this assistant, with their
    /// runs and checkpoints.
    pub fn delete_threads(mut self, yes: bool) -> Self {
        self.delete_threads = yes;
        self
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<()> {
        let query: Vec<(&str, String)> = if self.delete_threads {
            vec![("delete_threads", "true".into())]
        } else {
            vec![]
        };
        let op = &ops::DELETE_ASSISTANT;
        self.client
            .transport()
            .empty(
                op,
                &[&self.assistant_id],
                &query,
                None::<&()>,
                &self.request,
            )
            .await
    }
}
awaitable!(DeleteAssistant => ());
request_options!(DeleteAssistant);

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
    request: RequestOptions,
    item: PhantomData<fn() -> T>,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
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
            request: self.request,
            item: PhantomData,
        }
    }
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
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
request_options!(impl[T] SearchAssistants<T>);
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
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
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

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<u64> {
        self.invalid.into_result()?;
        let body: types::AssistantCountRequest = build("count assistants", self.body)?;
        self.client
            .transport()
            .json(&ops::COUNT_ASSISTANTS, &[], &[], Some(&body), &self.request)
            .await
    }
}
awaitable!(CountAssistants => u64);
request_options!(CountAssistants);

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
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
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

    /// Every version, page after page, as a stream.
    pub fn all(self) -> futures_util::stream::BoxStream<'static, Result<AssistantVersion>> {
        let GetVersions {
            client,
            assistant_id,
            body,
            offset,
            limit,
            invalid,
            request,
        } = self;
        let mut invalid = Some(invalid);
        crate::pagination::all(offset, move |offset| {
            let page = GetVersions {
                client: client.clone(),
                assistant_id: assistant_id.clone(),
                body: body.clone(),
                offset,
                limit,
                invalid: invalid.take().unwrap_or_default(),
                request: request.clone(),
            };
            page.send()
        })
    }

    /// Sends the request for one page (what `.await` does).
    pub async fn send(self) -> Result<Page<AssistantVersion>> {
        self.invalid.into_result()?;
        let body: types::AssistantVersionsSearchRequest = build(
            "assistant versions",
            self.body
                .limit(Some(limit(self.limit)?))
                .offset(Some(self.offset)),
        )?;
        let op = &ops::SEARCH_ASSISTANT_VERSIONS;
        let transport = self.client.transport();
        let builder = transport
            .request(op, &[&self.assistant_id], &self.request)?
            .json(&body);
        let page = (self.offset, self.limit);
        crate::pagination::fetch(transport, op, builder, page, |items| items).await
    }
}
awaitable!(GetVersions => Page<AssistantVersion>);
request_options!(GetVersions);

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::spec_mirrors::{Coverage, PAGING, offline_client as client, sent};
    use serde_json::json;

    /// Every setter sends a field of the spec's body, and every field has a setter.
    pub(crate) fn check_bodies(coverage: &mut Coverage) {
        let assistants = client().assistants();
        let object = json!({"k": 1});

        let b = assistants
            .create("agent")
            .config(&object)
            .context(&object)
            .metadata(&object)
            .assistant_id(uuid::Uuid::nil())
            .if_exists(types::IfExists::DoNothing)
            .name("n")
            .description("d");
        let body: types::AssistantCreate = build("t", b.body).unwrap();
        coverage.check(&ops::CREATE_ASSISTANT, &sent(b.invalid, body), &[]);

        let b = assistants
            .update("a")
            .graph_id("agent")
            .config(&object)
            .context(&object)
            .metadata(&object)
            .name("n")
            .description("d");
        let body: types::AssistantPatch = build("t", b.body).unwrap();
        coverage.check(&ops::UPDATE_ASSISTANT, &sent(b.invalid, body), &[]);

        let b = assistants
            .search()
            .graph_id("agent")
            .name("n")
            .metadata(&object)
            .sort_by(types::AssistantSortBy::Name)
            .sort_order(types::SortOrder::Asc)
            .select([AssistantSelectField::Name]);
        let body: types::AssistantSearchRequest = build("t", b.body).unwrap();
        coverage.check(&ops::SEARCH_ASSISTANTS, &sent(b.invalid, body), PAGING);

        let b = assistants
            .count()
            .graph_id("agent")
            .name("n")
            .metadata(&object);
        let body: types::AssistantCountRequest = build("t", b.body).unwrap();
        coverage.check(&ops::COUNT_ASSISTANTS, &sent(b.invalid, body), &[]);

        let b = assistants.get_versions("a").metadata(&object);
        let body: types::AssistantVersionsSearchRequest = build("t", b.body).unwrap();
        coverage.check(
            &ops::SEARCH_ASSISTANT_VERSIONS,
            &sent(b.invalid, body),
            PAGING,
        );
    }
}
