//! The API's operations, generated from the spec: one constant per operation with its method,
//! path template and retry safety. Requests are built from these, never from spelled-out
//! paths, so a spec change that renames or removes an operation fails to compile.
//!
//! [`Operation::check_url`] is the one check that a request's URL is the operation's own
//! endpoint: every request of the ergonomic layer and of the generated raw client passes it
//! before it is sent (an id `..` must not turn `GET /threads/{id}` into `GET /`).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Url;

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
    /// Whether it answers with an event stream (whose events, not its whole body, are
    /// limited in size).
    pub streams: bool,
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
    /// [`Error::InvalidInput`] for a parameter that is empty, `.` or `..` (URL parsing drops or
    /// climbs such segments, encoded or not), or a count that does not match.
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
            if matches!(*value, "" | "." | "..") {
                return Err(Error::InvalidInput(format!(
                    "`{name}` of `{}` cannot be {value:?}: the request would reach another endpoint",
                    self.id
                )));
            }
            out.push_str(&rest[..start]);
            out.extend(utf8_percent_encode(value, SEGMENT));
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

    /// Checks that `url` is this operation's endpoint under `base`: the same origin, the
    /// base's path, then the template's segments, each `{param}` one segment that is not
    /// empty, `.` or `..`.
    ///
    /// This checks the URL as it will be sent, after parsing: the WHATWG rules remove `.` and
    /// `..` segments, `%2E%2E` included, and read `\` as `/`, so checking the parameters
    /// before they become a URL is not enough (the generated client builds its own).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the operation and the URL that would have been sent.
    pub(crate) fn check_url(&self, base: &Url, url: &Url) -> Result<()> {
        let refuse = |why: &str| {
            Err(Error::InvalidInput(format!(
                "`{}`: {why}, so the request would reach another endpoint ({}); ids cannot be \
                 empty, `.` or `..`",
                self.id,
                crate::error::redact(url)
            )))
        };
        if url.origin() != base.origin() {
            return refuse("the URL is not on the server's origin");
        }
        let Some(path) = url.path().strip_prefix(base.path().trim_end_matches('/')) else {
            return refuse("the URL is not under the base URL");
        };
        let mut got = path.split('/');
        let mut want = self.path.split('/');
        loop {
            match (want.next(), got.next()) {
                (None, None) => return Ok(()),
                (Some(w), Some(g)) if w.starts_with('{') => {
                    let dots = g.replace("%2e", ".").replace("%2E", ".");
                    if matches!(dots.as_str(), "" | "." | "..") {
                        return refuse(&format!(
                            "path parameter `{}` is {g:?}",
                            &w[1..w.len() - 1]
                        ));
                    }
                }
                (Some(w), Some(g)) if w == g => {}
                _ => return refuse("its path is not the operation's"),
            }
        }
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
        assert_eq!(GET_THREAD.path(&["..."]).unwrap(), "/threads/...");
        assert_eq!(
            GET_THREAD.path(&["a\\..\\.."]).unwrap(),
            "/threads/a%5C..%5C.."
        );
        assert_eq!(GET_THREAD.path(&["ünï"]).unwrap(), "/threads/%C3%BCn%C3%AF");
        for dots in ["", ".", ".."] {
            let err = GET_THREAD.path(&[dots]).unwrap_err();
            assert!(matches!(err, Error::InvalidInput(_)), "{dots:?}: {err}");
        }
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

    #[test]
    fn a_url_is_checked_as_it_will_be_sent() {
        let base = Url::parse("http://h:1/prefix").unwrap();
        let ok = |op: &Operation, path: &str| {
            op.check_url(
                &base,
                &Url::parse(&format!("http://h:1/prefix{path}")).unwrap(),
            )
        };
        assert!(ok(&GET_RUN, "/threads/t/runs/r").is_ok());
        assert!(ok(&GET_RUN, "/threads/t/runs/r?x=1").is_ok());
        assert!(ok(&CREATE_THREAD, "/threads").is_ok());
        assert!(ok(&GET_THREAD, "/threads/a%2F..").is_ok(), "one segment");
        // What URL parsing makes of `..`, `%2E%2E`, `.` and `\..`: other endpoints.
        for path in [
            "/threads/..",
            "/threads/%2E%2E",
            "/threads/.",
            "/threads/",
            "/threads/a\\..\\..",
            "/threads/t/extra",
        ] {
            assert!(ok(&GET_THREAD, path).is_err(), "{path}");
        }
        assert!(ok(&GET_RUN, "/threads//runs/r").is_err());
        assert!(ok(&GET_RUN, "/threads/t/runs/").is_err());
        let elsewhere = Url::parse("http://other:1/prefix/threads/t").unwrap();
        assert!(GET_THREAD.check_url(&base, &elsewhere).is_err());
        let outside = Url::parse("http://h:1/threads/t").unwrap();
        assert!(GET_THREAD.check_url(&base, &outside).is_err());
    }
}
