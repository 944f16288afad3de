//! Crons: runs the server starts on a schedule.
//!
//! A cron belongs to a thread ([`Crons::create_for_thread`]: every execution runs on that
//! thread) or is stateless ([`Crons::create`]: every execution gets a new thread). Schedules
//! are standard five-field cron expressions, read in UTC unless a
//! [`timezone`](CreateCron::timezone) is given.
//!
//! ```no_run
//! # async fn demo(client: langgraph_sdk::Client, assistant_id: uuid::Uuid) -> langgraph_sdk::Result<()> {
//! use serde_json::json;
//!
//! let cron = client
//!     .crons()
//!     .create(assistant_id, "27 15 * * *")
//!     .input(json!({"messages": [{"role": "user", "content": "What time is it?"}]}))
//!     .timezone("Europe/Paris")
//!     .await?;
//! client.crons().update(cron.cron_id).enabled(false).await?;
//! client.crons().delete(cron.cron_id).await?;
//! # Ok(())
//! # }
//! ```

use std::{fmt::Display, marker::PhantomData};

use chrono::{DateTime, Utc};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Value, json};

use crate::{
    Client, Error, RequestOptions, Result, operations as ops,
    raw::types::{self, Cron, CronSelectField, CronSortBy, OnRunCompleted, SortOrder},
    request::{Invalid, awaitable, build, path_request, spec_types, to_json, to_map},
    request_options::request_options,
    runs::{RunBody, RunOptions, delegate_run_options},
};

/// The crons of a deployment: `client.crons()`.
#[derive(Debug, Clone)]
pub struct Crons {
    client: Client,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl Crons {
    pub(crate) fn new(client: Client) -> Self {
        Crons { client }
    }

    /// Schedules a stateless run of `assistant_id` (an assistant id or a graph name): at each
    /// tick of `schedule` the server runs it on a new thread, which it deletes afterwards
    /// unless [`on_run_completed`](CreateCron::on_run_completed) says to keep it.
    ///
    /// The builder takes the run options a cron stores ([`input`](CreateCron::input),
    /// [`config`](CreateCron::config), [`webhook`](CreateCron::webhook), …) and the cron's
    /// own ([`end_time`](CreateCron::end_time), [`enabled`](CreateCron::enabled),
    /// [`timezone`](CreateCron::timezone), [`on_run_completed`](CreateCron::on_run_completed)).
    /// Options that a cron does not take (a `multitask_strategy`, which has no meaning without a
    /// shared thread, or `on_disconnect`, say) fail with [`Error::InvalidInput`] before sending.
    pub fn create(&self, assistant_id: impl Display, schedule: impl Into<String>) -> CreateCron {
        CreateCron::new(
            self.client.clone(),
            None,
            assistant_id.to_string(),
            schedule.into(),
        )
    }

    /// Schedules runs of `assistant_id` on a thread: every execution runs on `thread_id`, so
    /// they share its state. [`multitask_strategy`](CreateCron::multitask_strategy) says what
    /// happens when an execution finds the previous one still running;
    /// [`on_run_completed`](CreateCron::on_run_completed) does not apply (the thread stays).
    pub fn create_for_thread(
        &self,
        thread_id: impl Display,
        assistant_id: impl Display,
        schedule: impl Into<String>,
    ) -> CreateCron {
        CreateCron::new(
            self.client.clone(),
            Some(thread_id.to_string()),
            assistant_id.to_string(),
            schedule.into(),
        )
    }

    /// Changes a cron: only what is set is sent, the rest keeps its value. Metadata is merged
    /// into the existing metadata.
    ///
    /// ```no_run
    /// # async fn demo(client: langgraph_sdk::Client, cron_id: uuid::Uuid) -> langgraph_sdk::Result<()> {
    /// let cron = client
    ///     .crons()
    ///     .update(cron_id)
    ///     .schedule("0 9 * * 1-5")
    ///     .clear_end_time()
    ///     .await?;
    /// assert!(cron.end_time.is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn update(&self, cron_id: impl Display) -> UpdateCron {
        UpdateCron {
            client: self.client.clone(),
            cron_id: cron_id.to_string(),
            options: RunOptions::new(),
            request: RequestOptions::default(),
        }
    }

    /// Deletes a cron; runs it already started are not affected. `.await` fails with
    /// [`Error::Api`] 404 when there is none.
    pub fn delete(&self, cron_id: impl Display) -> DeleteCron {
        DeleteCron::new(self.client.clone(), cron_id)
    }

    /// The cron with this id (the Python SDK has no such call; the server does). `.await`
    /// fails with [`Error::Api`] 404 when there is none.
    pub fn get(&self, cron_id: impl Display) -> GetCron {
        GetCron::new(self.client.clone(), cron_id)
    }

    /// Searches crons, newest first unless [`sort_by`](SearchCrons::sort_by) says otherwise;
    /// 10 per page unless [`limit`](SearchCrons::limit) says otherwise, or every match with
    /// [`all`](SearchCrons::all).
    pub fn search(&self) -> SearchCrons {
        SearchCrons {
            client: self.client.clone(),
            body: types::CronSearch::builder(),
            offset: 0,
            limit: 10,
            invalid: Invalid::default(),
            request: RequestOptions::default(),
            item: PhantomData,
        }
    }

    /// Counts the crons matching the filters.
    pub fn count(&self) -> CountCrons {
        CountCrons {
            client: self.client.clone(),
            body: types::CronCountRequest::builder(),
            invalid: Invalid::default(),
            request: RequestOptions::default(),
        }
    }
}

path_request! {
    /// Builder of [`Crons::get`]; `.await` it.
    GetCron(cron_id) -> Cron = json(ops::GET_CRON)
}

path_request! {
    /// Builder of [`Crons::delete`]; `.await` it.
    DeleteCron(cron_id) -> () = empty(ops::DELETE_CRON)
}

/// Parses a filter id: the cron filters take UUIDs only (the server answers 422 for a graph
/// name), so say so before sending.
fn uuid_of(what: &str, id: impl Display) -> Result<uuid::Uuid> {
    let id = id.to_string();
    id.parse().map_err(|_| {
        Error::InvalidInput(format!(
            "`{what}` must be a UUID (a graph name does not work as a cron filter), not {id:?}"
        ))
    })
}

/// Builder of [`Crons::create`] and [`Crons::create_for_thread`]; `.await` it for the new
/// [`Cron`].
///
/// Besides its own setters it has every setter of [`RunOptions`]; those the endpoint's schema
/// lacks are refused with [`Error::InvalidInput`] when it is awaited.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct CreateCron {
    client: Client,
    thread_id: Option<String>,
    assistant_id: String,
    options: RunOptions,
    request: RequestOptions,
}

delegate_run_options!(CreateCron);

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl CreateCron {
    fn new(
        client: Client,
        thread_id: Option<String>,
        assistant_id: String,
        schedule: String,
    ) -> Self {
        CreateCron {
            client,
            thread_id,
            assistant_id,
            options: RunOptions::new().with_field("schedule", Value::String(schedule)),
            request: RequestOptions::default(),
        }
    }

    /// The last time the cron may run; after it the cron stops.
    pub fn end_time(mut self, end_time: impl Into<DateTime<Utc>>) -> Self {
        self.options = self
            .options
            .with_field("end_time", end_time_json(end_time.into()));
        self
    }

    /// Whether the cron is active (the server's default) or created paused.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.options = self.options.with_field("enabled", json!(enabled));
        self
    }

    /// The IANA time zone the schedule is read in (`"America/New_York"`); UTC otherwise.
    pub fn timezone(mut self, timezone: impl Into<String>) -> Self {
        self.options = self
            .options
            .with_field("timezone", Value::String(timezone.into()));
        self
    }

    /// Stateless crons: whether each execution's thread is deleted (the server's default) or
    /// kept afterwards. Refused for a thread cron, whose thread always stays.
    pub fn on_run_completed(mut self, behavior: OnRunCompleted) -> Self {
        self.options = self
            .options
            .with_field("on_run_completed", enum_json(&behavior));
        self
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<Cron> {
        let (kind, op) = match self.thread_id {
            Some(_) => (RunBody::ThreadCron, &ops::CREATE_THREAD_CRON),
            None => (RunBody::Cron, &ops::CREATE_CRON),
        };
        let body = self.options.body(kind, Some(&self.assistant_id))?;
        let params: Vec<&str> = self.thread_id.as_deref().into_iter().collect();
        self.client
            .transport()
            .json(op, &params, &[], Some(&body), &self.request)
            .await
    }
}
awaitable!(CreateCron => Cron);
request_options!(CreateCron);

/// Builder of [`Crons::update`]; `.await` it for the updated [`Cron`].
///
/// The [`RunOptions`] setters change what each execution runs with; those a cron update does
/// not take (`multitask_strategy`, `command`, …) are refused with [`Error::InvalidInput`] when
/// it is awaited.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct UpdateCron {
    client: Client,
    cron_id: String,
    options: RunOptions,
    request: RequestOptions,
}

delegate_run_options!(UpdateCron);

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl UpdateCron {
    /// The new schedule.
    pub fn schedule(mut self, schedule: impl Into<String>) -> Self {
        self.options = self
            .options
            .with_field("schedule", Value::String(schedule.into()));
        self
    }

    /// A new end time. Not calling this (nor [`clear_end_time`](Self::clear_end_time)) leaves
    /// the end time as it is.
    pub fn end_time(mut self, end_time: impl Into<DateTime<Utc>>) -> Self {
        self.options = self
            .options
            .with_field("end_time", end_time_json(end_time.into()));
        self
    }

    /// Removes the end time (sends `"end_time": null`): the cron runs until deleted.
    pub fn clear_end_time(mut self) -> Self {
        self.options = self.options.with_field("end_time", Value::Null);
        self
    }

    /// Pauses (`false`) or resumes (`true`) the cron.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.options = self.options.with_field("enabled", json!(enabled));
        self
    }

    /// The new IANA time zone of the schedule.
    pub fn timezone(mut self, timezone: impl Into<String>) -> Self {
        self.options = self
            .options
            .with_field("timezone", Value::String(timezone.into()));
        self
    }

    /// Stateless crons: whether each execution's thread is deleted or kept afterwards.
    pub fn on_run_completed(mut self, behavior: OnRunCompleted) -> Self {
        self.options = self
            .options
            .with_field("on_run_completed", enum_json(&behavior));
        self
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<Cron> {
        let body = self.options.body(RunBody::CronPatch, None)?;
        let op = &ops::UPDATE_CRON;
        self.client
            .transport()
            .json(op, &[&self.cron_id], &[], Some(&body), &self.request)
            .await
    }
}
awaitable!(UpdateCron => Cron);
request_options!(UpdateCron);

// The setters' types are the generated field types, so a spec that changes one fails to
// compile here instead of the builders sending the old type (they write the body as JSON, with
// the run options). One builder serves both cron bodies, so it is tied to both;
// `UpdateCron::end_time` takes the create body's type: the patch's `end_time` is untyped JSON
// (so that it can be cleared).
spec_types! {
    fields::CronCreate {
        schedule: String,
        end_time: DateTime<Utc>,
        enabled: bool,
        timezone: String,
        on_run_completed: OnRunCompleted,
    }
    fields::ThreadCronCreate { schedule: String, end_time: DateTime<Utc>, enabled: bool, timezone: String }
    fields::CronPatch { schedule: String, enabled: bool, timezone: String, on_run_completed: OnRunCompleted }
}

/// RFC 3339 in UTC, as chrono's serde writes it (`2030-01-01T00:00:00Z`).
fn end_time_json(end_time: DateTime<Utc>) -> Value {
    Value::String(end_time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}

/// The wire form of a generated enum (which always serializes).
fn enum_json(value: &impl Serialize) -> Value {
    to_json("enum", value).unwrap_or(Value::Null)
}

/// Builder of [`Crons::search`]; `.await` it for one page, or stream every match with
/// [`all`](Self::all). The items are [`Cron`]s, or JSON objects after
/// [`select`](Self::select).
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct SearchCrons<T = Cron> {
    client: Client,
    body: types::builder::CronSearch,
    offset: u64,
    limit: u64,
    invalid: Invalid,
    request: RequestOptions,
    item: PhantomData<fn() -> T>,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl SearchCrons<Cron> {
    /// Returns only these fields: the items become JSON objects with just those keys.
    pub fn select(
        self,
        fields: impl IntoIterator<Item = CronSelectField>,
    ) -> SearchCrons<Map<String, Value>> {
        SearchCrons {
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
impl<T: DeserializeOwned + Send + 'static> SearchCrons<T> {
    /// Only crons of this assistant. It must be the assistant's UUID: the server refuses a
    /// graph name here (use [`Assistants::search`](crate::Assistants::search) to find it).
    pub fn assistant_id(mut self, assistant_id: impl Display) -> Self {
        if let Some(id) = self.invalid.check(uuid_of("assistant_id", assistant_id)) {
            self.body = self.body.assistant_id(Some(id));
        }
        self
    }

    /// Only crons of this thread.
    pub fn thread_id(mut self, thread_id: impl Display) -> Self {
        if let Some(id) = self.invalid.check(uuid_of("thread_id", thread_id)) {
            self.body = self.body.thread_id(Some(id));
        }
        self
    }

    /// Only enabled (`true`) or only paused (`false`) crons; both otherwise.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.body = self.body.enabled(Some(enabled));
        self
    }

    /// Only crons whose metadata has these keys with these values.
    pub fn metadata(mut self, metadata: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("metadata", metadata)) {
            self.body = self.body.metadata(Some(map));
        }
        self
    }

    /// Sort field (the server's default: `created_at`).
    pub fn sort_by(mut self, field: CronSortBy) -> Self {
        self.body = self.body.sort_by(Some(field));
        self
    }

    /// Sort direction (the server's default: descending).
    pub fn sort_order(mut self, order: SortOrder) -> Self {
        self.body = self.body.sort_order(Some(order));
        self
    }
}

request_options!(impl[T] SearchCrons<T>);
crate::pagination::paged_search!(
    SearchCrons,
    types::CronSearch,
    ops::SEARCH_CRONS,
    "search crons"
);

/// Builder of [`Crons::count`]; `.await` it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct CountCrons {
    client: Client,
    body: types::builder::CronCountRequest,
    invalid: Invalid,
    request: RequestOptions,
}

#[cfg_attr(feature = "blocking", crate::blocking::mirror)]
impl CountCrons {
    /// Only crons of this assistant (its UUID, not a graph name).
    pub fn assistant_id(mut self, assistant_id: impl Display) -> Self {
        if let Some(id) = self.invalid.check(uuid_of("assistant_id", assistant_id)) {
            self.body = self.body.assistant_id(Some(id));
        }
        self
    }

    /// Only crons of this thread.
    pub fn thread_id(mut self, thread_id: impl Display) -> Self {
        if let Some(id) = self.invalid.check(uuid_of("thread_id", thread_id)) {
            self.body = self.body.thread_id(Some(id));
        }
        self
    }

    /// Only crons whose metadata has these keys with these values.
    pub fn metadata(mut self, metadata: impl Serialize) -> Self {
        if let Some(map) = self.invalid.check(to_map("metadata", metadata)) {
            self.body = self.body.metadata(Some(map));
        }
        self
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<u64> {
        self.invalid.into_result()?;
        let body: types::CronCountRequest = build("count crons", self.body)?;
        self.client
            .transport()
            .json(&ops::COUNT_CRONS, &[], &[], Some(&body), &self.request)
            .await
    }
}
awaitable!(CountCrons => u64);
request_options!(CountCrons);

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::spec_mirrors::offline_client as client;
    use crate::types::{Durability, MultitaskStrategy, OnRunCompleted};

    fn end() -> DateTime<Utc> {
        "2099-01-02T03:04:05Z".parse().unwrap()
    }

    #[test]
    fn create_bodies_carry_cron_fields_and_run_options() {
        let crons = client().crons();
        let create = crons
            .create("agent", "0 9 * * *")
            .input(json!({"text": "hi"}))
            .end_time(end())
            .enabled(false)
            .timezone("Europe/Paris")
            .on_run_completed(OnRunCompleted::Keep)
            .durability(Durability::Exit);
        let body = create.options.body(RunBody::Cron, Some("agent")).unwrap();
        assert_eq!(
            Value::Object(body),
            json!({
                "assistant_id": "agent",
                "schedule": "0 9 * * *",
                "input": {"text": "hi"},
                "end_time": "2099-01-02T03:04:05Z",
                "enabled": false,
                "timezone": "Europe/Paris",
                "on_run_completed": "keep",
                "durability": "exit"
            })
        );
    }

    #[test]
    fn each_cron_kind_refuses_what_its_schema_lacks() {
        let crons = client().crons();
        let stateless = crons
            .create("agent", "* * * * *")
            .multitask_strategy(MultitaskStrategy::Enqueue);
        let err = stateless
            .options
            .body(RunBody::Cron, Some("agent"))
            .unwrap_err();
        assert!(err.to_string().contains("multitask_strategy"), "{err}");

        let threaded = crons
            .create_for_thread("t", "agent", "* * * * *")
            .on_run_completed(OnRunCompleted::Delete);
        let err = threaded
            .options
            .body(RunBody::ThreadCron, Some("agent"))
            .unwrap_err();
        assert!(err.to_string().contains("on_run_completed"), "{err}");
        let threaded = crons
            .create_for_thread("t", "agent", "* * * * *")
            .multitask_strategy(MultitaskStrategy::Enqueue);
        assert!(
            threaded
                .options
                .body(RunBody::ThreadCron, Some("agent"))
                .is_ok()
        );
    }

    #[test]
    fn update_end_time_is_tri_state() {
        let crons = client().crons();
        let untouched = crons.update("c").enabled(true);
        let body = untouched.options.body(RunBody::CronPatch, None).unwrap();
        assert!(!body.contains_key("end_time"));
        assert_eq!(body["enabled"], json!(true));

        let set = crons.update("c").end_time(end());
        let body = set.options.body(RunBody::CronPatch, None).unwrap();
        assert_eq!(body["end_time"], json!("2099-01-02T03:04:05Z"));

        let cleared = crons.update("c").end_time(end()).clear_end_time();
        let body = cleared.options.body(RunBody::CronPatch, None).unwrap();
        assert_eq!(body.get("end_time"), Some(&Value::Null));

        let err = crons
            .update("c")
            .multitask_strategy(MultitaskStrategy::Reject)
            .options
            .body(RunBody::CronPatch, None)
            .unwrap_err();
        assert!(err.to_string().contains("cron update"), "{err}");
    }

    /// Every setter sends a field of the spec's body, and every field has a setter. (The
    /// bodies of cron creation and update are run options: see `runs::options`.)
    pub(crate) fn check_bodies(coverage: &mut crate::spec_mirrors::Coverage) {
        use crate::spec_mirrors::PAGING;
        let crons = client().crons();
        let id = uuid::Uuid::nil();
        let object = json!({"k": 1});

        let b = crons
            .search()
            .assistant_id(id)
            .thread_id(id)
            .enabled(true)
            .metadata(&object)
            .sort_by(types::CronSortBy::CronId)
            .sort_order(types::SortOrder::Desc)
            .select([CronSelectField::CronId]);
        b.invalid.into_result().unwrap();
        let body: types::CronSearch = build("t", b.body).unwrap();
        let sent = [serde_json::to_value(body).unwrap()];
        coverage.check(&ops::SEARCH_CRONS, &sent, PAGING);

        let b = crons
            .count()
            .assistant_id(id)
            .thread_id(id)
            .metadata(&object);
        b.invalid.into_result().unwrap();
        let body: types::CronCountRequest = build("t", b.body).unwrap();
        let sent = [serde_json::to_value(body).unwrap()];
        coverage.check(&ops::COUNT_CRONS, &sent, &[]);
    }

    #[tokio::test]
    async fn filters_need_uuids_and_fail_before_sending() {
        let crons = client().crons();
        let err = crons.search().assistant_id("echo").await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput(ref m) if m.contains("assistant_id")),
            "{err}"
        );
        let err = crons.count().thread_id("nope").await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err}");
        let err = crons.search().limit(0).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    }
}
