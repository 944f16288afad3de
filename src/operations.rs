//! The API's operations, generated from the spec: one constant per operation with its method,
//! path template and retry safety. Requests are built from these, never from spelled-out
//! paths, so a spec change that renames or removes an operation fails to compile.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::{Error, Result};

/// One operation of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Operation {
    /// The operation id, e.g. `create_run`; also the method name in [`crate::raw`].
    pub id: &'static str,
    /// HTTP method.
    pub method: reqwest::Method,
    /// Path template, e.g. `/threads/{thread_id}/runs`.
    pub path: &'static str,
    /// Whether it may be sent again after a failure (see [`crate::RetryPolicy`]).
    pub retry_safe: bool,
}

include!(concat!(env!("OUT_DIR"), "/operations.rs"));

/// Everything but the unreserved characters of RFC 3986 is escaped in a path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

impl Operation {
    /// The operation with this id (for the raw client's hooks).
    pub(crate) fn by_id(id: &str) -> Option<&'static Operation> {
        ALL.iter().find(|op| op.id == id)
    }

    /// The path with each `{param}` replaced, in order, by one percent-encoded segment.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty parameter or a count that does not match.
    pub(crate) fn path(&self, params: &[&str]) -> Result<String> {
        let mut out = String::with_capacity(self.path.len() + 40);
        let mut rest = self.path;
        let mut params = params.iter();
        while let Some(start) = rest.find('{') {
            let end = start + rest[start..].find('}').unwrap_or(0);
            let name = &rest[start + 1..end];
            let value = params
                .next()
                .ok_or_else(|| Error::InvalidInput(format!("`{}` needs `{name}`", self.id)))?;
            if value.is_empty() {
                return Err(Error::InvalidInput(format!(
                    "`{name}` of `{}` is empty",
                    self.id
                )));
            }
            out.push_str(&rest[..start]);
            if value.bytes().all(|b| b == b'.') {
                // `.` and `..` would be collapsed as dot-segments by URL normalization.
                out.push_str(&"%2E".repeat(value.len()));
            } else {
                out.extend(utf8_percent_encode(value, SEGMENT));
            }
            rest = &rest[end + 1..];
        }
        if params.next().is_some() {
            return Err(Error::InvalidInput(format!(
                "too many path parameters for `{}`",
                self.id
            )));
        }
        out.push_str(rest);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_the_spec() {
        assert_eq!(CREATE_RUN.path, "/threads/{thread_id}/runs");
        assert_eq!(CREATE_RUN.method, reqwest::Method::POST);
        const { assert!(!CREATE_RUN.retry_safe) };
        const { assert!(SEARCH_THREADS.retry_safe) };
        const { assert!(GET_THREAD.retry_safe) };
        assert_eq!(Operation::by_id("join_run_stream"), Some(&JOIN_RUN_STREAM));
    }

    #[test]
    fn path_parameters_are_encoded_segments() {
        assert_eq!(GET_RUN.path(&["t1", "r1"]).unwrap(), "/threads/t1/runs/r1");
        assert_eq!(
            GET_THREAD.path(&["a/b?c#d e"]).unwrap(),
            "/threads/a%2Fb%3Fc%23d%20e"
        );
        assert_eq!(GET_THREAD.path(&[".."]).unwrap(), "/threads/%2E%2E");
        assert_eq!(GET_THREAD.path(&["ünï"]).unwrap(), "/threads/%C3%BCn%C3%AF");
        assert!(GET_THREAD.path(&[""]).is_err());
        assert!(GET_RUN.path(&["t1"]).is_err());
        assert!(GET_THREAD.path(&["a", "b"]).is_err());
        assert_eq!(CREATE_THREAD.path(&[]).unwrap(), "/threads");
    }

    /// `ALL` is every operation of the spec it was generated from, in spec order: counted
    /// from the spec, not written down, so that a spec with another number of operations
    /// passes for the right reason.
    #[test]
    fn table_lists_every_operation_of_the_spec() {
        let spec: serde_json::Value = serde_json::from_str(include_str!(concat!(
            env!("OUT_DIR"),
            "/openapi.normalized.json"
        )))
        .unwrap();
        let mut in_spec = Vec::new();
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                if let Some(id) = op.get("operationId").and_then(|id| id.as_str()) {
                    in_spec.push((id.to_string(), method.to_uppercase(), path.clone()));
                }
            }
        }
        let table: Vec<_> = ALL
            .iter()
            .map(|op| {
                (
                    op.id.to_string(),
                    op.method.to_string(),
                    op.path.to_string(),
                )
            })
            .collect();
        assert!(!table.is_empty());
        assert_eq!(table, in_spec);
    }
}
