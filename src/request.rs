//! What every request builder shares: `.await` through `IntoFuture`, and input checked when it
//! is given but reported when the request is sent.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::{Error, Result};

/// Makes a builder with an `async fn send(self) -> Result<Output>` awaitable.
macro_rules! awaitable {
    ($builder:ty => $output:ty) => {
        impl ::std::future::IntoFuture for $builder {
            type Output = $crate::Result<$output>;
            type IntoFuture = ::futures_util::future::BoxFuture<'static, $crate::Result<$output>>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}
pub(crate) use awaitable;

/// The first invalid input a builder was given, reported when it is awaited.
#[derive(Debug, Default)]
pub(crate) struct Invalid(Option<Error>);

impl Invalid {
    /// Keeps `value`'s error (the first one wins) and returns its value.
    pub(crate) fn check<T>(&mut self, value: Result<T>) -> Option<T> {
        match value {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.get_or_insert(e);
                None
            }
        }
    }

    /// Fails with the first invalid input, if any.
    pub(crate) fn into_result(self) -> Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

/// Serializes `value` to JSON.
pub(crate) fn to_json(what: &str, value: impl Serialize) -> Result<Value> {
    serde_json::to_value(value)
        .map_err(|e| Error::InvalidInput(format!("`{what}` does not serialize: {e}")))
}

/// Serializes `value`, which must be a JSON object (a map or a struct).
pub(crate) fn to_map(what: &str, value: impl Serialize) -> Result<Map<String, Value>> {
    match to_json(what, value)? {
        Value::Object(map) => Ok(map),
        other => Err(Error::InvalidInput(format!(
            "`{what}` must be a JSON object, not {other}"
        ))),
    }
}

/// Converts a JSON value into a generated type, for fields whose generated type is narrower
/// than JSON (a union of object and array, say).
pub(crate) fn convert<T: serde::de::DeserializeOwned>(
    what: &str,
    value: impl Serialize,
) -> Result<T> {
    serde_json::from_value(to_json(what, value)?)
        .map_err(|e| Error::InvalidInput(format!("invalid `{what}`: {e}")))
}

/// Converts a generated body builder into its type; a missing required field is invalid input.
pub(crate) fn build<T, B>(what: &str, builder: B) -> Result<T>
where
    B: TryInto<T>,
    B::Error: std::fmt::Display,
{
    builder
        .try_into()
        .map_err(|e| Error::InvalidInput(format!("{what}: {e}")))
}

/// A page size, which the server takes as a positive number.
pub(crate) fn limit(n: u64) -> Result<std::num::NonZeroU64> {
    std::num::NonZeroU64::new(n)
        .ok_or_else(|| Error::InvalidInput("`limit` must be at least 1".into()))
}

/// Ids as the UUIDs the request bodies hold; the first that is not one is reported.
pub(crate) fn uuids<I>(what: &str, ids: I) -> Result<Vec<uuid::Uuid>>
where
    I: IntoIterator,
    I::Item: std::fmt::Display,
{
    ids.into_iter()
        .map(|id| {
            let id = id.to_string();
            uuid::Uuid::parse_str(&id)
                .map_err(|e| Error::InvalidInput(format!("`{what}`: {id:?} is not a UUID: {e}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_must_be_objects() {
        assert!(to_map("metadata", json!({"a": 1})).is_ok());
        let err = to_map("metadata", json!([1])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid input: `metadata` must be a JSON object, not [1]"
        );
    }

    #[test]
    fn the_first_invalid_input_is_reported() {
        let mut invalid = Invalid::default();
        assert_eq!(invalid.check(Ok(1)), Some(1));
        assert_eq!(
            invalid.check::<u8>(Err(Error::InvalidInput("first".into()))),
            None
        );
        invalid.check::<u8>(Err(Error::InvalidInput("second".into())));
        assert!(
            invalid
                .into_result()
                .unwrap_err()
                .to_string()
                .contains("first")
        );
    }
}
