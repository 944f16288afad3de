use std::fmt;

/// One thing in a spec the normalizer or the generator cannot handle.
///
/// It names the pass, the JSON pointer into `openapi.json` and what to edit, so that whoever
/// drops in a new spec knows exactly where to look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The pass (or `refs`, `openapiv3`, `progenitor`) that found it.
    pub pass: &'static str,
    /// JSON pointer (RFC 6901) into the spec; empty when the problem is not local.
    pub pointer: String,
    /// What went wrong and what to do about it.
    pub message: String,
    /// The file (and table) to edit to resolve it, e.g.
    /// `codegen/src/passes/drop_ops.rs (DROPPED_OPERATIONS)`; empty when not one place.
    pub edit: &'static str,
}

impl Error {
    pub(crate) fn new(pass: &'static str, pointer: &str, message: impl Into<String>) -> Self {
        Error {
            pass,
            pointer: pointer.to_string(),
            message: message.into(),
            edit: "",
        }
    }

    /// The same problem, naming the file and table to edit.
    pub(crate) fn edit(mut self, edit: &'static str) -> Self {
        self.edit = edit;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "openapi.json: pass `{}`: {}", self.pass, self.message)?;
        } else {
            write!(
                f,
                "openapi.json#{}: pass `{}`: {}",
                self.pointer, self.pass, self.message
            )?;
        }
        if !self.edit.is_empty() {
            write!(f, " [edit: {}]", self.edit)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Every problem one run found, in the order of the passes.
///
/// The normalizer does not stop at the first problem: stale table entries, title clashes,
/// unknown keywords and the rest all come in one run. Generation (openapiv3, progenitor) is
/// only attempted on a spec the normalizer accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Error>);

impl Problems {
    /// The problems, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Error> {
        self.0.iter()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none (never, for a returned `Problems`).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Error> for Problems {
    fn from(e: Error) -> Self {
        Problems(vec![e])
    }
}

impl<'a> IntoIterator for &'a Problems {
    type Item = &'a Error;
    type IntoIter = std::slice::Iter<'a, Error>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(f, "{n} problem{}:", if n == 1 { "" } else { "s" })?;
        for (i, e) in self.0.iter().enumerate() {
            write!(f, "\n  {}. {e}", i + 1)?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}
