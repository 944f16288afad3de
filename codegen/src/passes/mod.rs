//! The normalization passes, in the order they run.
//!
//! Each pass is small, documented where it is defined, and unit-tested on a minimal spec
//! fragment. A pass either rewrites what it knows, leaves what is not its business, or fails
//! with an [`Error`] naming the JSON pointer of what it does not understand.

use serde_json::Value;

use crate::Error;

mod constants;
mod content;
mod drop_ops;
mod explicit_nulls;
mod inline_refs;
mod keywords;
mod nulls;
mod optional_objects;
mod ref_siblings;
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
pub use spec_fixes::SPEC_FIXES;

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
    pass: &'static str,
}

impl Ctx {
    fn new(spec: Value) -> Self {
        Ctx {
            spec,
            changes: Vec::new(),
            pass: "",
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
        Error::new(self.pass, pointer, message)
    }
}

/// A named normalization step.
pub struct Pass {
    /// Short name used in logs and errors.
    pub name: &'static str,
    /// Why the pass exists.
    pub why: &'static str,
    run: fn(&mut Ctx) -> Result<(), Error>,
}

/// Every pass, in order. The order matters where noted on each pass.
pub const PASSES: &[Pass] = &[
    version::PASS,
    keywords::PASS,
    drop_ops::PASS,
    spec_fixes::PASS,
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
/// # Errors
/// The first [`Error`] any pass reports.
pub fn normalize(spec: Value) -> Result<(Value, Vec<Change>), Error> {
    let mut ctx = Ctx::new(spec);
    for pass in PASSES {
        ctx.pass = pass.name;
        (pass.run)(&mut ctx)?;
    }
    Ok((ctx.spec, ctx.changes))
}

/// Runs one pass on `spec`; for the passes' unit tests.
#[cfg(test)]
pub(crate) fn run_one(pass: &Pass, spec: Value) -> Result<(Value, Vec<Change>), Error> {
    let mut ctx = Ctx::new(spec);
    ctx.pass = pass.name;
    (pass.run)(&mut ctx)?;
    Ok((ctx.spec, ctx.changes))
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
