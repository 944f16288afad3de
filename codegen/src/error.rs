use std::fmt;

/// A spec the normalizer or the generator cannot handle.
///
/// The message names the pass and the JSON pointer into `openapi.json`, so that whoever drops
/// in a new spec knows exactly where to look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The pass (or `progenitor`) that failed.
    pub pass: &'static str,
    /// JSON pointer (RFC 6901) into the spec; empty when the problem is not local.
    pub pointer: String,
    /// What went wrong and what to do about it.
    pub message: String,
}

impl Error {
    pub(crate) fn new(pass: &'static str, pointer: &str, message: impl Into<String>) -> Self {
        Error {
            pass,
            pointer: pointer.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "openapi.json: pass `{}`: {}", self.pass, self.message)
        } else {
            write!(
                f,
                "openapi.json#{}: pass `{}`: {}",
                self.pointer, self.pass, self.message
            )
        }
    }
}

impl std::error::Error for Error {}
