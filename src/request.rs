//! What every request builder shares: `.await` through `IntoFuture`, and input checked when it
//! is given but reported when the request is sent.
//!
//! Numbers that JSON cannot say (NaN, infinities) are refused here: `serde_json` would write
//! them as `null` (so `after_seconds(NaN)` would start a run at once). A caller's value enters
//! the request as JSON through [`to_json`], and a body leaves through [`to_json_bytes`]; both
//! check with [`finite`] first, and a [`Value`] cannot hold such a number in between. The
//! generated types (also sent by the raw client, which serializes them itself) check each of
//! their `f64`s with [`finite_number`], which the code generator puts on them.

use std::fmt::{self, Display};

use serde::{Serialize, ser};
use serde_json::{Map, Value};

use crate::{Error, Result};

/// Makes a builder with an `async fn send(self) -> Result<Output>` awaitable (generic
/// builders, of one parameter: `awaitable!(impl[S: Bound] Builder<S> => Output<S>)`), and
/// gives it a blocking form with the `blocking` feature.
macro_rules! awaitable {
    (impl[$param:ident $($bounds:tt)*] $builder:ty => $output:ty) => {
        impl<$param $($bounds)*> ::std::future::IntoFuture for $builder {
            type Output = $crate::Result<$output>;
            type IntoFuture = ::futures_util::future::BoxFuture<'static, $crate::Result<$output>>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
        // Its blocking form (`Blocking<Builder>`) for every parameter, as the builder's own
        // setters (`output_as`, `values_as`) make it.
        #[cfg(feature = "blocking")]
        impl<$param> $crate::blocking::Handle for $builder {}
    };
    ($builder:ty => $output:ty) => {
        impl ::std::future::IntoFuture for $builder {
            type Output = $crate::Result<$output>;
            type IntoFuture = ::futures_util::future::BoxFuture<'static, $crate::Result<$output>>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
        #[cfg(feature = "blocking")]
        impl $crate::blocking::Handle for $builder {}
    };
}
pub(crate) use awaitable;

/// Declares the builder of a request that takes nothing but its path parameters (and the
/// [`RequestOptions`](crate::RequestOptions)): `.await` it, or call `send()`.
macro_rules! path_request {
    (
        $(#[$doc:meta])*
        $name:ident($($param:ident),*) -> $output:ty = $kind:ident($op:path)
    ) => {
        $(#[$doc])*
        #[must_use = "a request does nothing until it is awaited"]
        #[derive(Debug)]
        pub struct $name {
            client: $crate::Client,
            $($param: String,)*
            request: $crate::RequestOptions,
        }

        #[cfg_attr(feature = "blocking", $crate::blocking::mirror)]
        impl $name {
            pub(crate) fn new(
                client: $crate::Client,
                $($param: impl ::std::fmt::Display),*
            ) -> Self {
                $name {
                    client,
                    $($param: $param.to_string(),)*
                    request: $crate::RequestOptions::default(),
                }
            }

            /// Sends the request (what `.await` does).
            ///
            /// # Errors
            /// As for any request: [`Error::Api`](crate::Error::Api) with the server's answer
            /// (404 when there is no such resource), a transport error when there is none.
            pub async fn send(self) -> $crate::Result<$output> {
                let params: &[&str] = &[$(&self.$param),*];
                self.client
                    .transport()
                    .$kind(&$op, params, &[], None::<&()>, &self.request)
                    .await
            }
        }
        $crate::request::awaitable!($name => $output);
        $crate::request_options::request_options!($name);
    };
}
pub(crate) use path_request;

/// Ties the type of each value a setter takes to the type the spec gives it: the field of a
/// generated body (`raw::fields`) or the parameter of a generated operation (`raw::params`).
/// `spec_types! { fields::CronCreate { schedule: String } params::CancelRun { wait: bool } }`
/// fails to compile when a release changes `schedule` or `wait` to another type, instead of the
/// setter sending the old one. Setters spell the type itself (`impl Into<String>`, `bool`,
/// `CronSortBy`), which their docs show; the alias would show only as `schedule`.
macro_rules! spec_types {
    ($($kind:ident::$item:ident { $($name:ident: $value:ty),+ $(,)? })+) => {
        $($(const _: fn($value) -> $crate::raw::$kind::$item::$name = |v| v;)+)+
    };
}
pub(crate) use spec_types;

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
///
/// # Errors
/// [`Error::InvalidInput`] for a value that does not serialize, or holds a number JSON cannot
/// say ([`finite`]).
pub(crate) fn to_json(what: &str, value: impl Serialize) -> Result<Value> {
    finite(what, &value)?;
    serde_json::to_value(value)
        .map_err(|e| Error::InvalidInput(format!("`{what}` does not serialize: {e}")))
}

/// Serializes a request body to JSON bytes, checked like [`to_json`].
pub(crate) fn to_json_bytes(what: &str, value: &(impl Serialize + ?Sized)) -> Result<Vec<u8>> {
    finite(what, value)?;
    serde_json::to_vec(value)
        .map_err(|e| Error::InvalidInput(format!("`{what}` does not serialize: {e}")))
}

/// `serialize_with` of every `f64` of the generated types (added by the code generator): fails
/// for NaN and the infinities, which `serde_json` would write as `null`.
pub(crate) fn finite_number<S: ser::Serializer>(n: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if n.is_finite() {
        serializer.serialize_f64(*n)
    } else {
        Err(ser::Error::custom(format!(
            "a number is {n}, which JSON cannot represent (it would be sent as null)"
        )))
    }
}

/// [`finite_number`] for an `Option<f64>`.
pub(crate) fn finite_optional_number<S: ser::Serializer>(
    n: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match n {
        Some(n) => finite_number(n, serializer),
        None => serializer.serialize_none(),
    }
}

/// Refuses a value that holds NaN or an infinity, naming where (`input.scores[2]`).
pub(crate) fn finite(what: &str, value: &(impl Serialize + ?Sized)) -> Result<()> {
    match value.serialize(Finite) {
        Ok(()) => Ok(()),
        Err(NotFinite::At(number, mut path)) => {
            path.reverse();
            Err(Error::InvalidInput(format!(
                "`{what}{}` is {number}, which JSON cannot represent (it would be sent as null)",
                path.concat()
            )))
        }
        // The serializer's own error: `serde_json` reports it when the value is encoded.
        Err(NotFinite::Other(_)) => Ok(()),
    }
}

/// Walks a value as a serializer does, failing at the first non-finite number.
struct Finite;

/// Why [`Finite`] stopped: a number (with the path to it, innermost first), or the value's
/// own serialization error.
#[derive(Debug)]
enum NotFinite {
    At(f64, Vec<String>),
    Other(String),
}

impl NotFinite {
    /// Adds the segment of the enclosing container on the way out.
    fn within(self, segment: impl FnOnce() -> String) -> NotFinite {
        match self {
            NotFinite::At(n, mut path) => {
                path.push(segment());
                NotFinite::At(n, path)
            }
            other => other,
        }
    }
}

impl Display for NotFinite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotFinite::At(n, _) => write!(f, "{n} is not a JSON number"),
            NotFinite::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for NotFinite {}

impl ser::Error for NotFinite {
    fn custom<T: Display>(msg: T) -> Self {
        NotFinite::Other(msg.to_string())
    }
}

fn number(n: f64) -> std::result::Result<(), NotFinite> {
    if n.is_finite() {
        Ok(())
    } else {
        Err(NotFinite::At(n, Vec::new()))
    }
}

/// A map key as it appears in a path (strings and numbers; others are not named).
fn key_name(key: &(impl Serialize + ?Sized)) -> String {
    match serde_json::to_value(key) {
        Ok(Value::String(k)) => format!(".{k}"),
        Ok(Value::Number(n)) => format!(".{n}"),
        _ => ".<key>".to_string(),
    }
}

/// One container being walked: its elements' index, or the key of the entry in hand.
struct Walk {
    index: usize,
    key: Option<String>,
}

impl Walk {
    fn new() -> Walk {
        Walk {
            index: 0,
            key: None,
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> std::result::Result<(), NotFinite> {
        let index = self.index;
        self.index += 1;
        value
            .serialize(Finite)
            .map_err(|e| e.within(|| format!("[{index}]")))
    }

    fn field<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> std::result::Result<(), NotFinite> {
        value
            .serialize(Finite)
            .map_err(|e| e.within(|| format!(".{name}")))
    }
}

macro_rules! sequence {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Walk {
            type Ok = ();
            type Error = NotFinite;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> std::result::Result<(), NotFinite> {
                self.element(value)
            }
            fn end(self) -> std::result::Result<(), NotFinite> {
                Ok(())
            }
        }
    )*};
}
sequence!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

macro_rules! structure {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Walk {
            type Ok = ();
            type Error = NotFinite;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                name: &'static str,
                value: &T,
            ) -> std::result::Result<(), NotFinite> {
                self.field(name, value)
            }
            fn end(self) -> std::result::Result<(), NotFinite> {
                Ok(())
            }
        }
    )*};
}
structure!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for Walk {
    type Ok = ();
    type Error = NotFinite;
    fn serialize_key<T: Serialize + ?Sized>(
        &mut self,
        key: &T,
    ) -> std::result::Result<(), NotFinite> {
        key.serialize(Finite)?;
        self.key = Some(key_name(key));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> std::result::Result<(), NotFinite> {
        let key = self.key.take();
        value
            .serialize(Finite)
            .map_err(|e| e.within(|| key.unwrap_or_default()))
    }
    fn end(self) -> std::result::Result<(), NotFinite> {
        Ok(())
    }
}

macro_rules! scalars {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, _: $ty) -> std::result::Result<(), NotFinite> {
            Ok(())
        }
    )*};
}

impl ser::Serializer for Finite {
    type Ok = ();
    type Error = NotFinite;
    type SerializeSeq = Walk;
    type SerializeTuple = Walk;
    type SerializeTupleStruct = Walk;
    type SerializeTupleVariant = Walk;
    type SerializeMap = Walk;
    type SerializeStruct = Walk;
    type SerializeStructVariant = Walk;

    scalars!(
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_char: char,
        serialize_str: &str, serialize_bytes: &[u8], serialize_unit_struct: &'static str
    );

    fn serialize_f32(self, v: f32) -> std::result::Result<(), NotFinite> {
        number(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> std::result::Result<(), NotFinite> {
        number(v)
    }
    fn serialize_none(self) -> std::result::Result<(), NotFinite> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(
        self,
        value: &T,
    ) -> std::result::Result<(), NotFinite> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> std::result::Result<(), NotFinite> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> std::result::Result<(), NotFinite> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> std::result::Result<(), NotFinite> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> std::result::Result<(), NotFinite> {
        Walk::new().field(variant, value)
    }
    fn serialize_seq(self, _: Option<usize>) -> std::result::Result<Walk, NotFinite> {
        Ok(Walk::new())
    }
    fn serialize_tuple(self, _: usize) -> std::result::Result<Walk, NotFinite> {
        Ok(Walk::new())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Walk, NotFinite> {
        Ok(Walk::new())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Walk, NotFinite> {
        Ok(Walk::new())
    }
    fn serialize_map(self, _: Option<usize>) -> std::result::Result<Walk, NotFinite> {
        Ok(Walk::new())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> std::result::Result<Walk, NotFinite> {
        Ok(Walk::new())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Walk, NotFinite> {
        Ok(Walk::new())
    }
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

/// An id as the UUID a request body holds.
pub(crate) fn uuid(what: &str, id: impl std::fmt::Display) -> Result<uuid::Uuid> {
    let id = id.to_string();
    uuid::Uuid::parse_str(&id)
        .map_err(|e| Error::InvalidInput(format!("`{what}`: {id:?} is not a UUID: {e}")))
}

/// Ids as the UUIDs the request bodies hold; the first that is not one is reported.
pub(crate) fn uuids<I>(what: &str, ids: I) -> Result<Vec<uuid::Uuid>>
where
    I: IntoIterator,
    I::Item: std::fmt::Display,
{
    ids.into_iter().map(|id| uuid(what, id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_json_cannot_say_are_refused_with_their_path() {
        #[derive(Serialize)]
        struct Body {
            ttl: Option<f64>,
            scores: Vec<f32>,
        }
        for (value, path) in [(json!(null), None), (json!({"a": [1.5, {"b": 2}]}), None)] {
            assert_eq!(finite("input", &value).err().map(|e| e.to_string()), path);
        }
        let err = finite("after_seconds", &f64::NAN).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid input: `after_seconds` is NaN, which JSON cannot represent (it would be sent as null)"
        );
        let body = Body {
            ttl: Some(f64::INFINITY),
            scores: vec![],
        };
        assert!(
            to_json_bytes("body", &body)
                .unwrap_err()
                .to_string()
                .contains("`body.ttl` is inf")
        );
        let body = Body {
            ttl: None,
            scores: vec![1.0, f32::NEG_INFINITY],
        };
        assert!(
            to_json("input", &body)
                .unwrap_err()
                .to_string()
                .contains("`input.scores[1]` is -inf")
        );
        let mut map = std::collections::BTreeMap::new();
        map.insert("k", vec![(1, f64::NAN)]);
        assert!(
            to_json("values", &map)
                .unwrap_err()
                .to_string()
                .contains("`values.k[0][1]` is NaN")
        );
        assert_eq!(
            to_json_bytes("ok", &json!({"x": 1.5})).unwrap(),
            br#"{"x":1.5}"#
        );
    }

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
