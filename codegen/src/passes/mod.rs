//! The normalization passes, in the order they run.
//!
//! Each pass is small, documented where it is defined, and unit-tested on a minimal spec
//! fragment. A pass either rewrites what it knows, leaves what is not its business, or
//! reports an [`Error`] naming the JSON pointer of what it does not understand and the table
//! to edit. A pass reports every problem it finds and goes on; [`normalize`] runs every pass
//! and returns all of them at once, so a new spec needs one run to see what it takes.

use serde_json::Value;

use crate::{Error, Problems};

mod constants;
mod content;
mod drop_ops;
mod explicit_nulls;
mod inline_refs;
mod keywords;
mod nulls;
mod optional_objects;
mod parameters;
mod ref_siblings;
pub(crate) mod refs;
mod rename_ops;
mod request_defaults;
mod responses;
mod spec_fixes;
mod titles;
mod type_arrays;
mod unions;
mod version;

pub use drop_ops::DROPPED_OPERATIONS;
pub use explicit_nulls::EXPLICIT_NULLS;
pub use spec_fixes::{Need, SPEC_FIXES, SpecFix};

/// One change a pass made, for the build log and the change report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The pass that made it.
    pub pass: &'static str,
    /// Where, as a JSON pointer into the spec as it was when the pass ran.
    pub pointer: String,
    /// What it did.
    pub what: String,
}

/// The state a pass works on.
pub struct Ctx {
    /// The spec being normalized.
    pub spec: Value,
    /// What the passes changed so far.
    pub changes: Vec<Change>,
    /// What the passes could not handle so far.
    pub problems: Vec<Error>,
    /// Pointers of the [`SPEC_FIXES`] left out (see [`normalize_without_fixes`]).
    unfixed: Vec<String>,
    pass: &'static str,
    edit: &'static str,
}

impl Ctx {
    fn new(spec: Value) -> Self {
        Ctx {
            spec,
            changes: Vec::new(),
            problems: Vec::new(),
            unfixed: Vec::new(),
            pass: "",
            edit: "",
        }
    }

    fn start(&mut self, pass: &Pass) {
        self.pass = pass.name;
        self.edit = pass.edit;
    }

    /// Records a problem of the current pass; the pass goes on with the rest of the spec.
    pub(crate) fn problem(&mut self, pointer: &str, message: impl Into<String>) {
        let e = self.error(pointer, message);
        self.problems.push(e);
    }

    /// Records problems found while walking the spec (visitors cannot borrow the context).
    pub(crate) fn problems(&mut self, found: Vec<Error>) {
        for e in found {
            let e = if e.edit.is_empty() {
                e.edit(self.edit)
            } else {
                e
            };
            self.problems.push(e);
        }
    }

    /// Records a change made by the current pass.
    pub(crate) fn log(&mut self, pointer: &str, what: impl Into<String>) {
        self.changes.push(Change {
            pass: self.pass,
            pointer: pointer.to_string(),
            what: what.into(),
        });
    }

    /// An error of the current pass.
    pub(crate) fn error(&self, pointer: &str, message: impl Into<String>) -> Error {
        Error::new(self.pass, pointer, message).edit(self.edit)
    }
}

/// A named normalization step.
pub struct Pass {
    /// Short name used in logs and errors.
    pub name: &'static str,
    /// Why the pass exists.
    pub why: &'static str,
    /// What to edit when it reports a problem (file and table).
    pub edit: &'static str,
    /// Rewrites `ctx.spec`, reporting problems with [`Ctx::problem`]; an `Err` is a problem
    /// after which the pass could not go on.
    run: fn(&mut Ctx) -> Result<(), Error>,
}

/// Every pass, in order. The order matters where noted on each pass.
pub const PASSES: &[Pass] = &[
    version::PASS,
    keywords::PASS,
    drop_ops::PASS,
    spec_fixes::PASS,
    refs::PASS,
    parameters::PASS,
    content::PASS,
    responses::PASS,
    ref_siblings::PASS,
    type_arrays::PASS,
    explicit_nulls::PASS,
    nulls::PASS,
    unions::STRING_UNIONS,
    unions::ANYOF_TO_ONEOF,
    constants::PASS,
    inline_refs::PASS,
    request_defaults::PASS,
    optional_objects::PASS,
    titles::PASS,
    rename_ops::PASS,
];

/// Runs every pass over `spec` and returns the normalized spec with the log of changes.
///
/// Every pass runs even after another reported problems, so that one run lists them all;
/// last, every `$ref` of the result must resolve (a table entry may point at a schema the
/// new spec no longer has).
///
/// # Errors
/// Every [`Error`] the passes reported, in order.
pub fn normalize(spec: Value) -> Result<(Value, Vec<Change>), Problems> {
    normalize_without_fixes(spec, &[])
}

/// [`normalize`] with the [`SPEC_FIXES`] at these pointers left out: the spec the generator
/// would see without them, for the tests that prove each fix is needed.
///
/// # Errors
/// As [`normalize`].
pub fn normalize_without_fixes(
    spec: Value,
    unfixed: &[&str],
) -> Result<(Value, Vec<Change>), Problems> {
    let mut ctx = Ctx::new(spec);
    ctx.unfixed = unfixed.iter().map(|p| p.to_string()).collect();
    for pass in PASSES {
        ctx.start(pass);
        if let Err(e) = (pass.run)(&mut ctx) {
            ctx.problems.push(e);
        }
    }
    ctx.start(&refs::PASS);
    for (at, target) in refs::dangling(&ctx.spec) {
        let quoted = format!("`{target}`");
        let reported = |p: &Error| p.pass == refs::PASS.name && p.message.contains(&quoted);
        if !ctx.problems.iter().any(reported) {
            ctx.problem(
                &at,
                format!(
                    "`$ref` {quoted} made by the normalizer resolves to nothing (pointer in the \
                     normalized spec): a table entry refers to a schema the spec does not have"
                ),
            );
        }
    }
    if ctx.problems.is_empty() {
        Ok((ctx.spec, ctx.changes))
    } else {
        Err(Problems(ctx.problems))
    }
}

/// Runs one pass on `spec`; for the passes' unit tests. The first problem is the error.
#[cfg(test)]
pub(crate) fn run_one(pass: &Pass, spec: Value) -> Result<(Value, Vec<Change>), Error> {
    let (spec, changes, mut problems) = run_one_all(pass, spec);
    match problems.is_empty() {
        true => Ok((spec, changes)),
        false => Err(problems.remove(0)),
    }
}

/// Runs one pass on `spec` and returns everything it reported.
#[cfg(test)]
pub(crate) fn run_one_all(pass: &Pass, spec: Value) -> (Value, Vec<Change>, Vec<Error>) {
    let mut ctx = Ctx::new(spec);
    ctx.start(pass);
    if let Err(e) = (pass.run)(&mut ctx) {
        ctx.problems.push(e);
    }
    (ctx.spec, ctx.changes, ctx.problems)
}

/// Helpers shared by the passes.
pub(crate) mod util {
    use serde_json::{Map, Value};

    /// Annotations that do not change what a schema accepts.
    pub(crate) const ANNOTATIONS: &[&str] = &[
        "title",
        "description",
        "default",
        "deprecated",
        "example",
        "examples",
        "readOnly",
        "writeOnly",
    ];

    /// The schema with every annotation removed at every depth, for structural comparison.
    pub(crate) fn shape(schema: &Value) -> Value {
        match schema {
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, v) in map {
                    if ANNOTATIONS.contains(&k.as_str()) {
                        continue;
                    }
                    let v = if k == "properties" {
                        match v {
                            Value::Object(props) => Value::Object(
                                props
                                    .iter()
                                    .map(|(name, s)| (name.clone(), shape(s)))
                                    .collect(),
                            ),
                            other => other.clone(),
                        }
                    } else {
                        shape(v)
                    };
                    out.insert(k.clone(), v);
                }
                out.sort_keys();
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
            other => other.clone(),
        }
    }

    /// The names of the component schemas `value` refers to with `$ref`, at any depth.
    pub(crate) fn schema_refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref")
                    && let Some(name) = r.strip_prefix("#/components/schemas/")
                {
                    out.push(name.to_string());
                }
                map.values().for_each(|v| schema_refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| schema_refs(v, out)),
            _ => {}
        }
    }

    /// The component schemas `name` references, directly or not, and `name` itself.
    pub(crate) fn closure(
        schemas: &Map<String, Value>,
        name: &str,
    ) -> std::collections::BTreeSet<String> {
        closure_of(schemas, vec![name.to_string()])
    }

    /// The component schemas of `start` and every one they reference, directly or not.
    pub(crate) fn closure_of(
        schemas: &Map<String, Value>,
        start: Vec<String>,
    ) -> std::collections::BTreeSet<String> {
        let mut seen = std::collections::BTreeSet::new();
        let mut todo = start;
        while let Some(next) = todo.pop() {
            if let Some(schema) = schemas.get(&next)
                && seen.insert(next)
            {
                schema_refs(schema, &mut todo);
            }
        }
        seen
    }

    /// `"Sort By"` / `"sort_by"` → `"SortBy"`, the way typify names types.
    pub(crate) fn pascal(s: &str) -> String {
        let mut out = String::new();
        let mut upper = true;
        for c in s.chars() {
            if c.is_alphanumeric() {
                if upper {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                upper = false;
            } else {
                upper = true;
            }
        }
        out
    }
}
