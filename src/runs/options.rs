//! The options of a run, shared by every call that starts one: `create`, `wait`, `stream`,
//! `create_batch` and cron creation.
//!
//! Only what the caller sets is sent: the server keeps its own defaults for the rest.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::{
    Error, Result, operations as ops,
    request::{to_json, to_map},
};

/// What a run streams (and, for `create`, what a later join can stream).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum StreamMode {
    /// The whole state after each step.
    Values,
    /// What each node returned.
    Updates,
    /// Chat model tokens as `[message chunk, metadata]` pairs (`messages-tuple`).
    #[serde(rename = "messages-tuple")]
    MessagesTuple,
    /// Chat model messages as they grow (`messages/partial`, `messages/complete`).
    Messages,
    /// What nodes wrote with the stream writer.
    Custom,
    /// LangChain callback events.
    Events,
    /// Task starts and results.
    Tasks,
    /// Checkpoints as they are saved.
    Checkpoints,
    /// Everything, for debugging.
    Debug,
}

crate::stream::stream_modes!(StreamMode);

impl StreamMode {
    /// The mode's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            StreamMode::Values => "values",
            StreamMode::Updates => "updates",
            StreamMode::MessagesTuple => "messages-tuple",
            StreamMode::Messages => "messages",
            StreamMode::Custom => "custom",
            StreamMode::Events => "events",
            StreamMode::Tasks => "tasks",
            StreamMode::Checkpoints => "checkpoints",
            StreamMode::Debug => "debug",
        }
    }
}

/// A command to the graph instead of (or with) input: resume an interrupt, update the state,
/// or jump to nodes.
///
/// ```
/// use langgraph_sdk::runs::Command;
/// use serde_json::json;
///
/// let resume = Command::resume(json!("yes"));
/// let jump = Command::goto(["review"]).update(json!({"approved": true}));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Command {
    #[serde(skip_serializing_if = "Option::is_none")]
    resume: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    update: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    goto: Option<Value>,
    /// The first value that could not become JSON (NaN, say): serializing the command fails
    /// with it, so the run call that takes the command reports it instead of sending `null`.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "refuse")]
    invalid: Option<String>,
}

fn refuse<S: serde::Serializer>(invalid: &Option<String>, _: S) -> Result<S::Ok, S::Error> {
    Err(serde::ser::Error::custom(
        invalid.as_deref().unwrap_or("invalid"),
    ))
}

impl Command {
    /// Resumes the pending interrupt with `value` (what `interrupt()` returns in the graph).
    pub fn resume(value: impl Serialize) -> Command {
        Command::default().with_resume(value)
    }

    /// Continues at these nodes.
    pub fn goto<S: Into<String>>(nodes: impl IntoIterator<Item = S>) -> Command {
        let nodes: Vec<String> = nodes.into_iter().map(Into::into).collect();
        Command {
            goto: Some(json!(nodes)),
            ..Command::default()
        }
    }

    /// `value` as JSON; a value that cannot be is remembered as the command's error.
    fn json(&mut self, what: &str, value: impl Serialize) -> Value {
        match to_json(what, value) {
            Ok(value) => value,
            Err(e) => {
                self.invalid.get_or_insert_with(|| e.to_string());
                Value::Null
            }
        }
    }

    /// Sends `input` to `node` (a `Send`); call again to send to several.
    pub fn send(mut self, node: impl Into<String>, input: impl Serialize) -> Command {
        let input = self.json("command.send.input", input);
        let send = json!({"node": node.into(), "input": input});
        let mut list = match self.goto.take() {
            Some(Value::Array(items)) => items,
            Some(other) => vec![other],
            None => vec![],
        };
        list.push(send);
        self.goto = Some(Value::Array(list));
        self
    }

    /// Also resumes with `value`.
    pub fn with_resume(mut self, value: impl Serialize) -> Command {
        self.resume = Some(self.json("command.resume", value));
        self
    }

    /// Also updates the state with `update` (an object, or a list of `[key, value]` pairs).
    pub fn update(mut self, update: impl Serialize) -> Command {
        self.update = Some(self.json("command.update", update));
        self
    }
}

/// Which nodes a static breakpoint stops at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nodes {
    /// Every node (`"*"`).
    All,
    /// These nodes.
    Only(Vec<String>),
}

impl<S: Into<String>, const N: usize> From<[S; N]> for Nodes {
    fn from(nodes: [S; N]) -> Nodes {
        Nodes::Only(nodes.into_iter().map(Into::into).collect())
    }
}

impl<S: Into<String>> From<Vec<S>> for Nodes {
    fn from(nodes: Vec<S>) -> Nodes {
        Nodes::Only(nodes.into_iter().map(Into::into).collect())
    }
}

impl Nodes {
    pub(crate) fn to_json(&self) -> Value {
        match self {
            Nodes::All => json!("*"),
            Nodes::Only(nodes) => json!(nodes),
        }
    }
}

/// The options of a run. The run calls (`client.runs().create(…)`, `wait`, `stream`, cron
/// creation) take them through their own setters, which are these; build one directly for
/// [`Runs::create_batch`](crate::Runs::create_batch) or to reuse a set of options.
///
/// ```
/// use langgraph_sdk::runs::{RunOptions, StreamMode};
/// use langgraph_sdk::types::MultitaskStrategy;
/// use serde_json::json;
///
/// let options = RunOptions::new()
///     .input(json!({"messages": [{"role": "user", "content": "hi"}]}))
///     .metadata(json!({"source": "docs"}))
///     .multitask_strategy(MultitaskStrategy::Enqueue)
///     .stream_mode([StreamMode::Values, StreamMode::Updates]);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunOptions {
    fields: Map<String, Value>,
    invalid: Option<String>,
}

/// Generates the setters of [`RunOptions`] once, and delegating copies on each run builder.
macro_rules! run_option_setters {
    // `$d` is a `$` passed in, so that the inner macro can have metavariables of its own.
    ($d:tt $($(#[$doc:meta])* $vis:vis fn $name:ident($arg:ident: $ty:ty) $body:block)* ) => {
        impl RunOptions {
            /// The field each setter sets, for the check against the spec's run bodies.
            #[cfg(test)]
            const SETTERS: &[&str] = &[$(stringify!($name)),*];

            $(
                $(#[$doc])*
                $vis fn $name(mut self, $arg: $ty) -> Self {
                    let value: Result<Value> = $body;
                    self.set(stringify!($name), value);
                    self
                }
            )*
        }

        /// Implements the [`RunOptions`] setters on a builder with an `options` field.
        macro_rules! delegate_run_options {
            ($d builder:ty) => {
                #[cfg_attr(feature = "blocking", $crate::blocking::mirror)]
                impl $d builder {
                    $(
                        $(#[$doc])*
                        $vis fn $name(mut self, $arg: $ty) -> Self {
                            self.options = self.options.$name($arg);
                            self
                        }
                    )*

                    /// Sets every option of `options` (later setters override them).
                    pub fn options(mut self, options: $crate::runs::RunOptions) -> Self {
                        self.options = self.options.merge(options);
                        self
                    }
                }
            };
        }
    };
}

run_option_setters! {
    $
    /// The graph's input (any JSON value; `null` resumes from a breakpoint).
    pub fn input(input: impl ::serde::Serialize) { to_json("input", input) }

    /// A command instead of input: resume an interrupt, update state, go to nodes.
    pub fn command(command: crate::runs::Command) { to_json("command", command) }

    /// The run's config (`{"configurable": {...}, "tags": [...], "recursion_limit": n}`), merged
    /// with the assistant's by the server.
    pub fn config(config: impl ::serde::Serialize) { to_map("config", config).map(Value::Object) }

    /// Static context for the graph's runtime.
    pub fn context(context: impl ::serde::Serialize) { to_map("context", context).map(Value::Object) }

    /// The run's metadata.
    pub fn metadata(metadata: impl ::serde::Serialize) { to_map("metadata", metadata).map(Value::Object) }

    /// Starts from (or forks at) this checkpoint
    /// (`{"checkpoint_id": ..., "checkpoint_ns": ...}`).
    pub fn checkpoint(checkpoint: impl ::serde::Serialize) { to_map("checkpoint", checkpoint).map(Value::Object) }

    /// Starts from (or forks at) the checkpoint with this id.
    pub fn checkpoint_id(checkpoint_id: impl Into<String>) { Ok(Value::String(checkpoint_id.into())) }

    /// Stops before these nodes (a static breakpoint).
    pub fn interrupt_before(nodes: impl Into<crate::runs::Nodes>) { Ok(nodes.into().to_json()) }

    /// Stops after these nodes (a static breakpoint).
    pub fn interrupt_after(nodes: impl Into<crate::runs::Nodes>) { Ok(nodes.into().to_json()) }

    /// A URL the server POSTs the finished run to.
    pub fn webhook(url: impl Into<String>) { Ok(Value::String(url.into())) }

    /// What to do when the thread already has a run in flight ("double texting").
    pub fn multitask_strategy(strategy: crate::types::MultitaskStrategy) { to_json("multitask_strategy", strategy) }

    /// What to do when the thread does not exist: fail (the server's default) or create it.
    pub fn if_not_exists(behavior: crate::types::IfNotExists) { to_json("if_not_exists", behavior) }

    /// Stateless runs: whether the temporary thread is deleted or kept afterwards.
    pub fn on_completion(behavior: crate::types::OnCompletion) { to_json("on_completion", behavior) }

    /// `wait` and `stream`: what happens to the run when the client disconnects.
    pub fn on_disconnect(behavior: crate::types::OnDisconnect) { to_json("on_disconnect", behavior) }

    /// Starts the run this many seconds from now (NaN and infinities are refused: JSON would
    /// send them as `null`, which starts the run at once).
    pub fn after_seconds(seconds: f64) { to_json("after_seconds", seconds) }

    /// When checkpoints are written: before the next step, in the background, or at the end.
    pub fn durability(durability: crate::types::Durability) { to_json("durability", durability) }

    /// LangSmith feedback keys to get signed feedback URLs for.
    pub fn feedback_keys(keys: impl IntoIterator<Item = String>) { Ok(json!(keys.into_iter().collect::<Vec<_>>())) }

    /// What to stream (for `create`: what a later join can stream): one mode, or several
    /// (`[StreamMode::MessagesTuple, StreamMode::Updates]`).
    pub fn stream_mode(modes: impl crate::stream::StreamModes<crate::runs::StreamMode>) {
        Ok(json!(modes.into_modes().into_iter().map(StreamMode::as_str).collect::<Vec<_>>()))
    }

    /// Also stream the events of subgraphs.
    pub fn stream_subgraphs(yes: bool) { Ok(json!(yes)) }

    /// Keep the run's events so that a dropped stream can be resumed or joined later.
    pub fn stream_resumable(yes: bool) { Ok(json!(yes)) }
}

/// Ties a setter's value type to the generated type of its field (`raw::fields`) in the run
/// bodies that have it: a release that changes a field's type fails to compile here, instead
/// of the setter sending the old type. (`try`: the setter's value converts, as a `webhook`
/// string into the length-checked `Webhook`.)
macro_rules! same_type {
    ($value:ty => $field:ident: $($body:ident),+) => {
        $(const _: fn($value) -> crate::raw::fields::$body::$field = |v| v;)+
    };
    (try $value:ty => $field:ident: $($body:ident),+) => {
        $(const _: fn($value) -> Option<crate::raw::fields::$body::$field> = |v| v.try_into().ok();)+
    };
}
same_type!(String => checkpoint_id: RunCreateStateful, RunCreateStreamingStateful);
same_type!(try String => webhook: RunCreateStateful, RunCreateStateless, RunCreateStreamingStateful,
    RunCreateStreamingStateless, CronCreate, ThreadCronCreate, CronPatch);
same_type!(crate::types::MultitaskStrategy => multitask_strategy: RunCreateStateful,
    RunCreateStreamingStateful, ThreadCronCreate);
same_type!(crate::types::IfNotExists => if_not_exists: RunCreateStateful, RunCreateStreamingStateful);
same_type!(crate::types::OnCompletion => on_completion: RunCreateStateless, RunCreateStreamingStateless);
same_type!(crate::types::OnDisconnect => on_disconnect: RunCreateStreamingStateful,
    RunCreateStreamingStateless);
same_type!(f64 => after_seconds: RunCreateStateful, RunCreateStateless, RunCreateStreamingStateful,
    RunCreateStreamingStateless);
same_type!(crate::types::Durability => durability: RunCreateStateful, RunCreateStateless,
    RunCreateStreamingStateful, RunCreateStreamingStateless, CronCreate, ThreadCronCreate, CronPatch);
same_type!(Vec<String> => feedback_keys: RunCreateStateful, RunCreateStateless,
    RunCreateStreamingStateful, RunCreateStreamingStateless);
same_type!(bool => stream_subgraphs: RunCreateStateful, RunCreateStateless,
    RunCreateStreamingStateful, RunCreateStreamingStateless, CronCreate, ThreadCronCreate, CronPatch);
same_type!(bool => stream_resumable: RunCreateStateful, RunCreateStateless,
    RunCreateStreamingStateful, RunCreateStreamingStateless, CronCreate, ThreadCronCreate, CronPatch);

/// Where a set of options is sent; each accepts the fields of its request schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunBody {
    /// `POST /threads/{id}/runs`
    Create,
    /// `POST /runs` and each run of `POST /runs/batch`
    CreateStateless,
    /// `POST /threads/{id}/runs/wait` and `/stream`
    Streaming,
    /// `POST /runs/wait` and `/runs/stream`
    StreamingStateless,
    /// `POST /runs/crons`
    Cron,
    /// `POST /threads/{id}/runs/crons`
    ThreadCron,
    /// `PATCH /runs/crons/{id}`
    CronPatch,
}

impl RunBody {
    /// The fields the endpoint's request schema has (generated from the spec).
    fn fields(self) -> &'static [&'static str] {
        match self {
            RunBody::Create => ops::CREATE_RUN_FIELDS,
            RunBody::CreateStateless => ops::CREATE_STATELESS_RUN_FIELDS,
            RunBody::Streaming => ops::STREAM_RUN_FIELDS,
            RunBody::StreamingStateless => ops::STREAM_STATELESS_RUN_FIELDS,
            RunBody::Cron => ops::CREATE_CRON_FIELDS,
            RunBody::ThreadCron => ops::CREATE_THREAD_CRON_FIELDS,
            RunBody::CronPatch => ops::UPDATE_CRON_FIELDS,
        }
    }

    /// Every kind of run body.
    #[cfg(test)]
    pub(crate) const ALL: [RunBody; 7] = [
        RunBody::Create,
        RunBody::CreateStateless,
        RunBody::Streaming,
        RunBody::StreamingStateless,
        RunBody::Cron,
        RunBody::ThreadCron,
        RunBody::CronPatch,
    ];

    /// The operations whose body this is (the tests check that their fields are the same).
    #[cfg(test)]
    pub(crate) fn operations(self) -> Vec<&'static str> {
        let ops: &[&ops::Operation] = match self {
            RunBody::Create => &[&ops::CREATE_RUN],
            RunBody::CreateStateless => &[&ops::CREATE_STATELESS_RUN, &ops::CREATE_BATCH_RUNS],
            RunBody::Streaming => &[&ops::STREAM_RUN, &ops::WAIT_RUN],
            RunBody::StreamingStateless => &[&ops::STREAM_STATELESS_RUN, &ops::WAIT_STATELESS_RUN],
            RunBody::Cron => &[&ops::CREATE_CRON],
            RunBody::ThreadCron => &[&ops::CREATE_THREAD_CRON],
            RunBody::CronPatch => &[&ops::UPDATE_CRON],
        };
        ops.iter().map(|op| op.id).collect()
    }

    fn describe(self) -> &'static str {
        match self {
            RunBody::Create => "a background run on a thread",
            RunBody::CreateStateless => "a stateless background run",
            RunBody::Streaming => "a waited or streamed run on a thread",
            RunBody::StreamingStateless => "a stateless waited or streamed run",
            RunBody::Cron => "a cron",
            RunBody::ThreadCron => "a cron on a thread",
            RunBody::CronPatch => "a cron update",
        }
    }
}

impl RunOptions {
    /// No options: the server's defaults for everything.
    pub fn new() -> RunOptions {
        RunOptions::default()
    }

    fn set(&mut self, name: &str, value: Result<Value>) {
        match value {
            Ok(value) => {
                self.fields.insert(name.to_string(), value);
            }
            Err(e) => {
                self.invalid.get_or_insert_with(|| e.to_string());
            }
        }
    }

    /// These options with every option set in `other` overriding.
    pub(crate) fn merge(mut self, other: RunOptions) -> RunOptions {
        self.fields.extend(other.fields);
        if self.invalid.is_none() {
            self.invalid = other.invalid;
        }
        self
    }

    /// Sets a field that is not a run option (a cron's `schedule`, say).
    pub(crate) fn with_field(mut self, name: &str, value: Value) -> RunOptions {
        self.fields.insert(name.to_string(), value);
        self
    }

    /// The request body for `body` with `assistant_id`, refusing options that the endpoint
    /// does not take (they would be rejected or, worse, ignored by the server).
    pub(crate) fn body(
        &self,
        body: RunBody,
        assistant_id: Option<&str>,
    ) -> Result<Map<String, Value>> {
        if let Some(invalid) = &self.invalid {
            return Err(Error::InvalidInput(
                invalid.trim_start_matches("invalid input: ").to_string(),
            ));
        }
        let allowed = body.fields();
        let mut fields = self.fields.clone();
        if let Some(id) = assistant_id {
            if id.is_empty() {
                return Err(Error::InvalidInput("`assistant_id` is empty".into()));
            }
            fields.insert("assistant_id".into(), Value::String(id.to_string()));
        }
        if let Some(bad) = fields.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(Error::InvalidInput(format!(
                "`{bad}` does not apply to {}",
                body.describe()
            )));
        }
        if fields.contains_key("input") && fields.contains_key("command") {
            let command_resumes = fields["command"].get("resume").is_some();
            if command_resumes && !fields["input"].is_null() {
                return Err(Error::InvalidInput(
                    "a run takes `input` or a resuming `command`, not both".into(),
                ));
            }
        }
        Ok(fields)
    }
}

// A path import, so that the run builders can name the macro (`use crate::runs::options::…`).
#[allow(clippy::single_component_path_imports)]
pub(crate) use delegate_run_options;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{
        self, Durability, IfNotExists, MultitaskStrategy, OnCompletion, OnDisconnect,
    };
    use std::collections::BTreeSet;

    #[test]
    fn only_what_was_set_is_sent() {
        let body = RunOptions::new()
            .input(json!({"a": 1}))
            .body(RunBody::Create, Some("agent"))
            .unwrap();
        assert_eq!(
            Value::Object(body),
            json!({"assistant_id": "agent", "input": {"a": 1}})
        );
        let body = RunOptions::new()
            .body(RunBody::Create, Some("agent"))
            .unwrap();
        assert_eq!(Value::Object(body), json!({"assistant_id": "agent"}));
    }

    /// The field table comes from the spec at build time; the generated types must agree.
    #[cfg(feature = "schemars")]
    #[test]
    fn the_field_table_agrees_with_the_generated_types() {
        fn fields_of<T: schemars::JsonSchema>() -> Vec<String> {
            let schema = schemars::schema_for!(T).schema;
            schema.object.unwrap().properties.into_keys().collect()
        }
        let cases = [
            (RunBody::Create, fields_of::<types::RunCreateStateful>()),
            (
                RunBody::CreateStateless,
                fields_of::<types::RunCreateStateless>(),
            ),
            (
                RunBody::Streaming,
                fields_of::<types::RunCreateStreamingStateful>(),
            ),
            (
                RunBody::StreamingStateless,
                fields_of::<types::RunCreateStreamingStateless>(),
            ),
            (RunBody::Cron, fields_of::<types::CronCreate>()),
            (RunBody::ThreadCron, fields_of::<types::ThreadCronCreate>()),
            (RunBody::CronPatch, fields_of::<types::CronPatch>()),
        ];
        for (body, derived) in cases {
            let mut table: Vec<String> = body.fields().iter().map(|f| f.to_string()).collect();
            table.sort();
            assert_eq!(table, derived, "{body:?}");
        }
        assert!(RunBody::Create.fields().contains(&"multitask_strategy"));
        assert!(!RunBody::Create.fields().contains(&"on_disconnect"));
    }

    /// Run-body fields of the spec that the SDK deliberately offers no setter for, and why.
    const NOT_SET: &[(&str, &str)] = &[(
        "checkpoint_during",
        "deprecated by the spec in favour of `durability`",
    )];

    /// The setters and the spec's run bodies agree, both ways: a setter whose field no run
    /// body has any more, or a run-body field a new release adds with no setter, fails here
    /// (the field sets come from the generated operation table, so from the spec).
    #[test]
    fn setters_and_run_bodies_of_the_spec_agree() {
        let bodies = RunBody::ALL;
        // Exhaustive: a new kind of run body must be listed in `RunBody::ALL`.
        let _ = |b: RunBody| match b {
            RunBody::Create
            | RunBody::CreateStateless
            | RunBody::Streaming
            | RunBody::StreamingStateless
            | RunBody::Cron
            | RunBody::ThreadCron
            | RunBody::CronPatch => (),
        };
        // One body serves several operations: the spec must give them the same fields.
        for body in bodies {
            let ours: BTreeSet<&str> = body.fields().iter().copied().collect();
            for id in body.operations() {
                let theirs: BTreeSet<&str> = crate::spec_mirrors::body_fields(id)
                    .unwrap_or_else(|| panic!("`{id}` has no JSON object body in the spec"))
                    .iter()
                    .copied()
                    .collect();
                assert_eq!(
                    ours,
                    theirs,
                    "`{id}` takes other fields than the rest of {}",
                    body.describe()
                );
            }
        }
        // Set by the run and cron builders themselves, not by a run option.
        let builders_own = [
            "assistant_id",
            "schedule",
            "end_time",
            "enabled",
            "timezone",
            "on_run_completed",
        ];
        for setter in RunOptions::SETTERS {
            assert!(
                bodies.iter().any(|b| b.fields().contains(setter)),
                "RunOptions::{setter} sets a field no run body of the spec has"
            );
        }
        let mut fields = 0;
        let mut unset = Vec::new();
        for body in bodies {
            for field in body.fields() {
                fields += 1;
                if !(RunOptions::SETTERS.contains(field)
                    || builders_own.contains(field)
                    || NOT_SET.iter().any(|(f, _)| f == field))
                {
                    unset.push(format!("{field} ({})", body.describe()));
                }
            }
        }
        assert!(
            unset.is_empty(),
            "run-body fields of the spec nothing sets: {unset:?}"
        );
        let _ = std::io::Write::write_fmt(
            &mut std::io::stderr(),
            format_args!(
                "run options: {} setters, {fields} fields of {} run bodies covered\n",
                RunOptions::SETTERS.len(),
                bodies.len()
            ),
        );
    }

    #[test]
    fn explicit_null_input_is_sent() {
        let body = RunOptions::new()
            .input(Value::Null)
            .body(RunBody::Create, Some("a"))
            .unwrap();
        assert_eq!(body.get("input"), Some(&Value::Null));
    }

    #[test]
    fn every_setter_has_its_wire_name_and_shape() {
        let options = RunOptions::new()
            .command(Command::resume("yes"))
            .config(json!({"tags": ["t"]}))
            .context(json!({"c": 1}))
            .metadata(json!({"m": 1}))
            .checkpoint(json!({"checkpoint_id": "c1"}))
            .checkpoint_id("c1")
            .interrupt_before(Nodes::All)
            .interrupt_after(["a", "b"])
            .webhook("http://x/hook")
            .multitask_strategy(MultitaskStrategy::Rollback)
            .if_not_exists(IfNotExists::Create)
            .on_disconnect(OnDisconnect::Continue)
            .after_seconds(1.5)
            .durability(Durability::Exit)
            .feedback_keys(["k".to_string()])
            .stream_mode([StreamMode::Values, StreamMode::MessagesTuple])
            .stream_subgraphs(true)
            .stream_resumable(true);
        let body = options.body(RunBody::Streaming, Some("agent")).unwrap();
        assert_eq!(
            Value::Object(body),
            json!({
                "assistant_id": "agent",
                "command": {"resume": "yes"},
                "config": {"tags": ["t"]},
                "context": {"c": 1},
                "metadata": {"m": 1},
                "checkpoint": {"checkpoint_id": "c1"},
                "checkpoint_id": "c1",
                "interrupt_before": "*",
                "interrupt_after": ["a", "b"],
                "webhook": "http://x/hook",
                "multitask_strategy": "rollback",
                "if_not_exists": "create",
                "on_disconnect": "continue",
                "after_seconds": 1.5,
                "durability": "exit",
                "feedback_keys": ["k"],
                "stream_mode": ["values", "messages-tuple"],
                "stream_subgraphs": true,
                "stream_resumable": true
            })
        );
    }

    #[test]
    fn options_an_endpoint_does_not_take_are_refused() {
        let err = RunOptions::new()
            .on_disconnect(OnDisconnect::Cancel)
            .body(RunBody::Create, Some("a"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid input: `on_disconnect` does not apply to a background run on a thread"
        );
        let err = RunOptions::new()
            .on_completion(OnCompletion::Keep)
            .body(RunBody::Create, Some("a"))
            .unwrap_err();
        assert!(err.to_string().contains("on_completion"), "{err}");
        assert!(
            RunOptions::new()
                .on_completion(OnCompletion::Keep)
                .body(RunBody::CreateStateless, Some("a"))
                .is_ok()
        );
        let err = RunOptions::new()
            .multitask_strategy(MultitaskStrategy::Enqueue)
            .body(RunBody::StreamingStateless, Some("a"))
            .unwrap_err();
        assert!(err.to_string().contains("multitask_strategy"), "{err}");
    }

    #[test]
    fn bad_input_is_reported_when_sent() {
        let err = RunOptions::new()
            .metadata(json!([1]))
            .input(json!(1))
            .body(RunBody::Create, Some("a"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid input: `metadata` must be a JSON object, not [1]"
        );
        let err = RunOptions::new()
            .body(RunBody::Create, Some(""))
            .unwrap_err();
        assert!(err.to_string().contains("assistant_id"));
        let err = RunOptions::new()
            .input(json!({"a": 1}))
            .command(Command::resume(1))
            .body(RunBody::Create, Some("a"))
            .unwrap_err();
        assert!(err.to_string().contains("not both"), "{err}");
    }

    #[test]
    fn later_options_override() {
        let merged = RunOptions::new()
            .input(1)
            .metadata(json!({"a": 1}))
            .merge(RunOptions::new().input(2));
        let body = merged.body(RunBody::Create, None).unwrap();
        assert_eq!(body["input"], json!(2));
        assert_eq!(body["metadata"], json!({"a": 1}));
    }

    #[test]
    fn commands_serialize_like_the_wire() {
        assert_eq!(
            serde_json::to_value(Command::resume("ok")).unwrap(),
            json!({"resume": "ok"})
        );
        assert_eq!(
            serde_json::to_value(Command::goto(["a"]).update(json!({"k": 1}))).unwrap(),
            json!({"goto": ["a"], "update": {"k": 1}})
        );
        assert_eq!(
            serde_json::to_value(Command::default().send("n", json!({"x": 1}))).unwrap(),
            json!({"goto": [{"node": "n", "input": {"x": 1}}]})
        );
    }
}
