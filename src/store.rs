//! Store: long-term key-value memory shared across threads.
//!
//! Items live in namespaces, paths of labels such as `["users", "u1", "memories"]`, and hold
//! a JSON object under a key.
//!
//! A namespace is given as any iterable of string-likes (`impl IntoIterator<Item = impl
//! AsRef<str>>`): an array of literals (`["users", "u1"]`), a `Vec<String>`, or the
//! `namespace` of an [`Item`] you got back, borrowed (`&item.namespace`), without cloning.
//! Labels must be non-empty and must not contain `.`: `get_item` sends the namespace as one
//! dot-joined string, so a dotted label could never be read back. Every method checks this
//! before sending and fails with [`Error::InvalidInput`].
//!
//! ```no_run
//! # async fn demo(client: langgraph_sdk::Client) -> langgraph_sdk::Result<()> {
//! use serde_json::json;
//!
//! let store = client.store();
//! store
//!     .put_item(["users", "u1"], "prefs", json!({"theme": "dark"}))
//!     .ttl(60.0)
//!     .await?;
//! if let Some(item) = store.get_item(["users", "u1"], "prefs").await? {
//!     assert_eq!(item.value["theme"], "dark");
//! }
//! let found = store.search_items(["users"]).filter(json!({"theme": "dark"})).await?;
//! # Ok(())
//! # }
//! ```

use std::ops::Deref;

use futures_util::stream::BoxStream;
use serde::{Deserialize, Serialize};

use crate::{
    Client, Error, Page, RequestOptions, Result, operations as ops, pagination,
    raw::types::{self, Item},
    request::{Invalid, awaitable, spec_types, to_map},
    request_options::request_options,
};

/// The store of a deployment: `client.store()`.
#[derive(Debug, Clone)]
pub struct Store {
    client: Client,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl Store {
    pub(crate) fn new(client: Client) -> Self {
        Store { client }
    }

    /// Stores `value` (a JSON object) under `key` in `namespace`, replacing what was there.
    ///
    /// The server indexes it for semantic search as its store configuration says, unless
    /// [`index`](PutItem::index) or [`no_index`](PutItem::no_index) says otherwise; it keeps it
    /// forever unless [`ttl`](PutItem::ttl) is set.
    pub fn put_item(
        &self,
        namespace: impl IntoIterator<Item = impl AsRef<str>>,
        key: impl Into<String>,
        value: impl Serialize,
    ) -> PutItem {
        let mut invalid = Invalid::default();
        let namespace = invalid
            .check(namespace_of("namespace", namespace, false))
            .unwrap_or_default();
        let key = key.into();
        invalid.check(check_key(&key));
        let value = invalid.check(to_map("value", value)).unwrap_or_default();
        PutItem {
            client: self.client.clone(),
            body: types::StorePutRequest {
                namespace,
                key,
                value,
                index: None,
                ttl: None,
            },
            invalid,
            request: RequestOptions::default(),
        }
    }

    /// The item under `key` in `namespace`, or `None` when there is none.
    pub fn get_item(
        &self,
        namespace: impl IntoIterator<Item = impl AsRef<str>>,
        key: impl Into<String>,
    ) -> GetItem {
        let mut invalid = Invalid::default();
        let namespace = invalid
            .check(namespace_of("namespace", namespace, false))
            .unwrap_or_default();
        let key = key.into();
        invalid.check(check_key(&key));
        GetItem {
            client: self.client.clone(),
            namespace,
            key,
            refresh_ttl: None,
            invalid,
            request: RequestOptions::default(),
        }
    }

    /// Deletes the item under `key` in `namespace`. Deleting an item that does not exist
    /// succeeds too; an invalid namespace fails with [`Error::InvalidInput`] before sending.
    pub fn delete_item(
        &self,
        namespace: impl IntoIterator<Item = impl AsRef<str>>,
        key: impl Into<String>,
    ) -> DeleteItem {
        let mut invalid = Invalid::default();
        let namespace = invalid
            .check(namespace_of("namespace", namespace, false))
            .unwrap_or_default();
        DeleteItem {
            client: self.client.clone(),
            body: types::StoreDeleteRequest {
                namespace,
                key: key.into(),
            },
            invalid,
            request: RequestOptions::default(),
        }
    }

    /// Searches the items whose namespace starts with `namespace_prefix` (an empty prefix
    /// searches everything): most recently updated first, or by relevance with a
    /// [`query`](SearchItems::query). 10 per page unless [`limit`](SearchItems::limit) says
    /// otherwise, or every match with [`all`](SearchItems::all).
    pub fn search_items(
        &self,
        namespace_prefix: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> SearchItems {
        let mut invalid = Invalid::default();
        let prefix = invalid
            .check(namespace_of("namespace_prefix", namespace_prefix, true))
            .unwrap_or_default();
        SearchItems {
            client: self.client.clone(),
            // The server needs `namespace_prefix` (it answers 500 without one), even empty.
            body: types::StoreSearchRequest {
                namespace_prefix: Some(prefix),
                ..Default::default()
            },
            limit: 10,
            offset: 0,
            invalid,
            request: RequestOptions::default(),
        }
    }

    /// Lists the namespaces that hold items, filtered by [`prefix`](ListNamespaces::prefix),
    /// [`suffix`](ListNamespaces::suffix) and cut at [`max_depth`](ListNamespaces::max_depth);
    /// 100 per page unless [`limit`](ListNamespaces::limit) says otherwise.
    pub fn list_namespaces(&self) -> ListNamespaces {
        ListNamespaces {
            client: self.client.clone(),
            body: types::StoreListNamespacesRequest::default(),
            limit: 100,
            offset: 0,
            invalid: Invalid::default(),
            request: RequestOptions::default(),
        }
    }
}

/// Checks the labels of a namespace (and that there is at least one, unless `allow_empty`).
fn namespace_of(
    what: &str,
    labels: impl IntoIterator<Item = impl AsRef<str>>,
    allow_empty: bool,
) -> Result<Vec<String>> {
    let labels: Vec<String> = labels
        .into_iter()
        .map(|label| label.as_ref().to_string())
        .collect();
    if let Some(bad) = labels.iter().find(|l| l.is_empty() || l.contains('.')) {
        return Err(Error::InvalidInput(format!(
            "`{what}` label {bad:?} is invalid: labels must be non-empty and cannot contain \
             periods ('.')"
        )));
    }
    if labels.is_empty() && !allow_empty {
        return Err(Error::InvalidInput(format!(
            "`{what}` needs at least one label"
        )));
    }
    Ok(labels)
}

/// An empty key is stored by the server but can never be read back (`get_item` answers 400
/// "Key is required"), so it is refused.
fn check_key(key: &str) -> Result<()> {
    if key.is_empty() {
        return Err(Error::InvalidInput("`key` is empty".into()));
    }
    Ok(())
}

/// A page size or offset as the store's request types want it.
fn count(what: &str, n: u64, min: u64) -> Result<i64> {
    if n < min {
        return Err(Error::InvalidInput(format!(
            "`{what}` must be at least {min}"
        )));
    }
    i64::try_from(n).map_err(|_| Error::InvalidInput(format!("`{what}` is too large: {n}")))
}

/// Builder of [`Store::put_item`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct PutItem {
    client: Client,
    body: types::StorePutRequest,
    invalid: Invalid,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl PutItem {
    /// Indexes only these fields of the value (JSON paths such as `"text"` or
    /// `"sections[*].body"`) for semantic search, instead of the store's configured fields.
    pub fn index(mut self, fields: impl IntoIterator<Item = impl Into<String>>) -> Self {
        let fields = fields.into_iter().map(Into::into).collect();
        self.body.index = Some(types::Index::Array(fields));
        self
    }

    /// Does not index the item for semantic search (sends `"index": false`).
    pub fn no_index(mut self) -> Self {
        // `true` is not something the server takes (422), so there is no setter for it.
        self.body.index = Some(types::Index::Boolean(false));
        self
    }

    /// Deletes the item after `minutes` (fractions allowed); reading it with `refresh_ttl`
    /// restarts the countdown.
    pub fn ttl(mut self, minutes: impl Into<f64>) -> Self {
        let minutes = minutes.into();
        // NaN and infinities have no JSON form (serde_json would send `null`: no TTL).
        if minutes.is_finite() && minutes >= 0.0 {
            self.body.ttl = Some(minutes);
        } else {
            self.invalid.check::<()>(Err(Error::InvalidInput(format!(
                "`ttl` must be a finite, non-negative number of minutes, not {minutes}"
            ))));
        }
        self
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<()> {
        self.invalid.into_result()?;
        self.client
            .transport()
            .empty(&ops::PUT_ITEM, &[], &[], Some(&self.body), &self.request)
            .await
    }
}
awaitable!(PutItem => ());
request_options!(PutItem);

/// Builder of [`Store::delete_item`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct DeleteItem {
    client: Client,
    body: types::StoreDeleteRequest,
    invalid: Invalid,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl DeleteItem {
    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<()> {
        self.invalid.into_result()?;
        self.client
            .transport()
            .empty(&ops::DELETE_ITEM, &[], &[], Some(&self.body), &self.request)
            .await
    }
}
awaitable!(DeleteItem => ());
request_options!(DeleteItem);

/// Builder of [`Store::get_item`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct GetItem {
    client: Client,
    namespace: Vec<String>,
    key: String,
    refresh_ttl: Option<bool>,
    invalid: Invalid,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl GetItem {
    /// Whether reading the item restarts its TTL; the store's configured behaviour otherwise.
    pub fn refresh_ttl(mut self, refresh: bool) -> Self {
        self.refresh_ttl = Some(refresh);
        self
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<Option<Item>> {
        self.invalid.into_result()?;
        // The server reads ONE `namespace` parameter and splits it on `.`.
        let mut query = vec![("namespace", self.namespace.join(".")), ("key", self.key)];
        if let Some(refresh) = self.refresh_ttl {
            query.push(("refresh_ttl", refresh.to_string()));
        }
        self.client
            .transport()
            .json(&ops::GET_ITEM, &[], &query, None::<&()>, &self.request)
            .await
    }
}
awaitable!(GetItem => Option<Item>);
request_options!(GetItem);

// `get_item` writes its query itself (the other builders fill in the generated bodies, whose
// types tie them): its `namespace` goes as one dot-joined string, which the server splits (the
// normalized spec says so too).
spec_types! {
    params::GetItem { namespace: String, key: String, refresh_ttl: bool }
}

/// An item found by [`Store::search_items`]: the [`Item`] (which it dereferences to) and its
/// relevance score.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchItem {
    /// The item.
    #[serde(flatten)]
    pub item: Item,
    /// How well the item matches the [`query`](SearchItems::query), higher is better; `None`
    /// without a query or when the store has no semantic index.
    #[serde(default)]
    pub score: Option<f64>,
}

impl Deref for SearchItem {
    type Target = Item;
    fn deref(&self) -> &Item {
        &self.item
    }
}

impl From<SearchItem> for Item {
    fn from(found: SearchItem) -> Item {
        found.item
    }
}

#[derive(Deserialize)]
struct SearchItemsResponse {
    items: Vec<SearchItem>,
}

/// Builder of [`Store::search_items`]; `.await` it for one page, or stream every match with
/// [`all`](Self::all).
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct SearchItems {
    client: Client,
    body: types::StoreSearchRequest,
    limit: u64,
    offset: u64,
    invalid: Invalid,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl SearchItems {
    /// Only items whose value matches: `{"field": value}` for equality, or operators such as
    /// `{"score": {"$gt": 4}}` (`$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`).
    pub fn filter(mut self, filter: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("filter", filter)) {
            self.body.filter = Some(map);
        }
        self
    }

    /// A natural-language query: results are ranked by similarity, with a
    /// [`score`](SearchItem::score), when the store has a semantic index.
    pub fn query(mut self, query: impl Into<String>) -> Self {
        self.body.query = Some(query.into());
        self
    }

    /// Whether returning the items restarts their TTL; the store's configured behaviour
    /// otherwise.
    pub fn refresh_ttl(mut self, refresh: bool) -> Self {
        self.body.refresh_ttl = Some(refresh);
        self
    }

    /// Page size (default 10).
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = limit;
        self
    }

    /// Skips this many matches.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// Every match, page after page, as a stream.
    pub fn all(self) -> BoxStream<'static, Result<SearchItem>> {
        let SearchItems {
            client,
            body,
            limit,
            offset,
            invalid,
            request,
        } = self;
        let mut invalid = Some(invalid);
        pagination::all(offset, move |offset| {
            let page = SearchItems {
                client: client.clone(),
                body: body.clone(),
                limit,
                offset,
                invalid: invalid.take().unwrap_or_default(),
                request: request.clone(),
            };
            page.send()
        })
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<Page<SearchItem>> {
        self.invalid.into_result()?;
        let body = types::StoreSearchRequest {
            limit: Some(count("limit", self.limit, 1)?),
            offset: Some(count("offset", self.offset, 0)?),
            ..self.body
        };
        let transport = self.client.transport();
        let op = &ops::SEARCH_ITEMS;
        let builder = transport.request(op, &[], &self.request)?.json(&body);
        let page = (self.offset, self.limit);
        pagination::fetch(
            transport,
            op,
            builder,
            page,
            |found: SearchItemsResponse| found.items,
        )
        .await
    }
}
awaitable!(SearchItems => Page<SearchItem>);
request_options!(SearchItems);

/// Builder of [`Store::list_namespaces`]; `.await` it for one page of namespaces (each a list
/// of labels), or stream them all with [`all`](Self::all).
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct ListNamespaces {
    client: Client,
    body: types::StoreListNamespacesRequest,
    limit: u64,
    offset: u64,
    invalid: Invalid,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl ListNamespaces {
    /// Only namespaces starting with these labels (`"*"` matches any one label).
    pub fn prefix(mut self, prefix: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        if let Some(prefix) = self.invalid.check(namespace_of("prefix", prefix, true)) {
            self.body.prefix = prefix;
        }
        self
    }

    /// Only namespaces ending with these labels (`"*"` matches any one label).
    pub fn suffix(mut self, suffix: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        if let Some(suffix) = self.invalid.check(namespace_of("suffix", suffix, true)) {
            self.body.suffix = suffix;
        }
        self
    }

    /// Cuts namespaces to their first `depth` labels (duplicates are merged); at least 1.
    pub fn max_depth(mut self, depth: u32) -> Self {
        if let Some(depth) = self.invalid.check(count("max_depth", depth.into(), 1)) {
            self.body.max_depth = Some(depth);
        }
        self
    }

    /// Page size (default 100).
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = limit;
        self
    }

    /// Skips this many namespaces.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// Every namespace, page after page, as a stream.
    pub fn all(self) -> BoxStream<'static, Result<Vec<String>>> {
        let ListNamespaces {
            client,
            body,
            limit,
            offset,
            invalid,
            request,
        } = self;
        let mut invalid = Some(invalid);
        pagination::all(offset, move |offset| {
            let page = ListNamespaces {
                client: client.clone(),
                body: body.clone(),
                limit,
                offset,
                invalid: invalid.take().unwrap_or_default(),
                request: request.clone(),
            };
            page.send()
        })
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<Page<Vec<String>>> {
        self.invalid.into_result()?;
        let body = types::StoreListNamespacesRequest {
            limit: Some(count("limit", self.limit, 1)?),
            offset: Some(count("offset", self.offset, 0)?),
            ..self.body
        };
        let transport = self.client.transport();
        let op = &ops::LIST_NAMESPACES;
        let builder = transport.request(op, &[], &self.request)?.json(&body);
        let page = (self.offset, self.limit);
        pagination::fetch(
            transport,
            op,
            builder,
            page,
            |found: types::ListNamespaceResponse| found.namespaces,
        )
        .await
    }
}
awaitable!(ListNamespaces => Page<Vec<String>>);
request_options!(ListNamespaces);

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::spec_mirrors::offline_client as client;
    use serde_json::json;

    /// Every setter sends a field of the spec's body, and every field has a setter.
    pub(crate) fn check_bodies(coverage: &mut crate::spec_mirrors::Coverage) {
        use crate::spec_mirrors::{PAGING, sent};
        let store = client().store();

        let b = store
            .put_item(["a"], "k", json!({"v": 1}))
            .index(["v"])
            .ttl(5);
        coverage.check(&ops::PUT_ITEM, &sent(b.invalid, &b.body), &[]);

        let b = store.delete_item(["a"], "k");
        coverage.check(&ops::DELETE_ITEM, &sent(b.invalid, &b.body), &[]);

        let b = store
            .search_items(["a"])
            .filter(json!({"v": 1}))
            .query("q")
            .refresh_ttl(true);
        coverage.check(&ops::SEARCH_ITEMS, &sent(b.invalid, &b.body), PAGING);

        let b = store
            .list_namespaces()
            .prefix(["a"])
            .suffix(["b"])
            .max_depth(2);
        coverage.check(&ops::LIST_NAMESPACES, &sent(b.invalid, &b.body), PAGING);
    }

    #[test]
    fn namespaces_take_arrays_vecs_and_borrowed_labels() {
        let owned = vec!["a".to_string(), "b".to_string()];
        assert_eq!(namespace_of("ns", ["a", "b"], false).unwrap(), owned);
        assert_eq!(namespace_of("ns", &owned, false).unwrap(), owned);
        assert_eq!(namespace_of("ns", owned.clone(), false).unwrap(), owned);
        assert_eq!(namespace_of("ns", owned.iter(), false).unwrap(), owned);
    }

    #[test]
    fn bad_labels_are_refused() {
        for bad in [vec!["a.b"], vec!["a", ""], vec!["."]] {
            let err = namespace_of("namespace", bad.clone(), false).unwrap_err();
            assert!(matches!(err, Error::InvalidInput(_)), "{bad:?}: {err}");
        }
        assert!(namespace_of("namespace", Vec::<String>::new(), false).is_err());
        assert!(
            namespace_of("prefix", Vec::<String>::new(), true)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn search_items_keep_their_score() {
        let found: SearchItem = serde_json::from_value(json!({
            "namespace": ["a"], "key": "k", "value": {"x": 1},
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
            "score": 0.5
        }))
        .unwrap();
        assert_eq!(found.score, Some(0.5));
        assert_eq!(found.key, "k");
        let unscored: SearchItem = serde_json::from_value(json!({
            "namespace": ["a"], "key": "k", "value": {},
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
            "score": null
        }))
        .unwrap();
        assert_eq!(unscored.score, None);
    }

    #[test]
    fn index_and_ttl_have_their_wire_form() {
        let client = Client::builder()
            .url("http://127.0.0.1:9")
            .no_api_key()
            .build()
            .unwrap();
        let put = client
            .store()
            .put_item(["a"], "k", json!({"x": 1}))
            .no_index()
            .ttl(1.5);
        assert_eq!(
            serde_json::to_value(&put.body).unwrap(),
            json!({"namespace": ["a"], "key": "k", "value": {"x": 1}, "index": false, "ttl": 1.5})
        );
        let put = client
            .store()
            .put_item(["a"], "k", json!({}))
            .index(["text"]);
        assert_eq!(
            serde_json::to_value(&put.body).unwrap()["index"],
            json!(["text"])
        );
        let put = client.store().put_item(["a"], "k", json!({}));
        let body = serde_json::to_value(&put.body).unwrap();
        assert!(body.get("index").is_none() && body.get("ttl").is_none());
        assert!(
            client
                .store()
                .put_item(["a"], "k", json!({}))
                .ttl(f64::NAN)
                .invalid
                .into_result()
                .is_err()
        );
    }
}
