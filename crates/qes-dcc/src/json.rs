//! The HCERT payload in the JSON data model, read straight from its CBOR bytes (HCERT §2.6.3:
//! the payload is the CBOR form of a JSON document; RFC 8949 §6.1 for the mapping).
//!
//! [`Json`] borrows the text of the CBOR message, so that the verifier can validate the schema
//! and read the typed payload without building a `serde_json` tree: that tree (a `String` per
//! key and value, a `BTreeMap` per object) cost more than every other decoding step together.
//! Its semantics are exactly those of `serde_json::Value` with the default `BTreeMap` maps:
//! objects are sorted by key and a repeated key keeps its last value; numbers are unsigned,
//! negative or floating point. [`Json::to_serde`] and [`Json::from_serde`] convert both ways,
//! and the typed payload is read from it through serde (the same derives as from JSON).

use std::borrow::Cow;

use serde::de::value::{Error as DeError, MapDeserializer, SeqDeserializer};
use serde::de::{IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;

/// A JSON number, as `serde_json` keeps it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Number {
    /// A non-negative integer.
    Unsigned(u64),
    /// A negative integer.
    Negative(i64),
    /// Any other number (finite).
    Float(f64),
}

impl Number {
    /// The value as `f64`, rounded as `serde_json::Number::as_f64` rounds it (JSON Schema's
    /// `minimum`/`maximum` compare in `f64`).
    #[allow(clippy::as_conversions, clippy::cast_precision_loss)]
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            Self::Unsigned(u) => u as f64,
            Self::Negative(i) => i as f64,
            Self::Float(f) => f,
        }
    }

    fn as_i64(self) -> Option<i64> {
        match self {
            Self::Unsigned(u) => i64::try_from(u).ok(),
            Self::Negative(i) => Some(i),
            Self::Float(_) => None,
        }
    }

    /// Whether it is an integer (a float without a fraction counts, as in JSON Schema).
    pub(crate) fn is_integer(self) -> bool {
        match self {
            Self::Unsigned(_) | Self::Negative(_) => true,
            Self::Float(f) => f.fract() == 0.0,
        }
    }
}

/// A JSON value whose strings borrow from the bytes it was read from.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    /// Sorted by key, keys unique.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// An object from entries in the order received: sorted by key, a repeated key keeping its
    /// last value (as `serde_json::Map` inserts do).
    pub(crate) fn object(mut entries: Vec<(Cow<'a, str>, Json<'a>)>) -> Self {
        // What an encoder of a sorted map (or of our own) gives: nothing to do.
        if entries.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0)) {
            return Self::Object(entries);
        }
        // Stable: among equal keys the received order stays, so the last is the one to keep.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut unique: Vec<(Cow<'a, str>, Json<'a>)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match unique.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => unique.push(entry),
            }
        }
        Self::Object(unique)
    }

    /// The member `key` of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Self::Object(entries) => entries
                .binary_search_by(|(k, _)| k.as_ref().cmp(key))
                .ok()
                .and_then(|i| entries.get(i))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, when it is one.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// Borrow a `serde_json` value.
    pub(crate) fn from_serde(v: &'a serde_json::Value) -> Self {
        use serde_json::Value as J;
        match v {
            J::Null => Self::Null,
            J::Bool(b) => Self::Bool(*b),
            J::Number(n) => Self::Number(if let Some(u) = n.as_u64() {
                Number::Unsigned(u)
            } else if let Some(i) = n.as_i64() {
                Number::Negative(i)
            } else {
                Number::Float(n.as_f64().unwrap_or(f64::NAN))
            }),
            J::String(s) => Self::String(Cow::Borrowed(s)),
            J::Array(a) => Self::Array(a.iter().map(Self::from_serde).collect()),
            // A serde_json map is already sorted and unique.
            J::Object(o) => Self::Object(
                o.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), Self::from_serde(v)))
                    .collect(),
            ),
        }
    }

    /// The `serde_json` value.
    pub(crate) fn to_serde(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Self::Null => J::Null,
            Self::Bool(b) => J::Bool(*b),
            Self::Number(Number::Unsigned(u)) => J::from(*u),
            Self::Number(Number::Negative(i)) => J::from(*i),
            Self::Number(Number::Float(f)) => {
                serde_json::Number::from_f64(*f).map_or(J::Null, J::Number)
            }
            Self::String(s) => J::String(s.as_ref().to_owned()),
            Self::Array(a) => J::Array(a.iter().map(Self::to_serde).collect()),
            Self::Object(o) => J::Object(
                o.iter()
                    .map(|(k, v)| (k.as_ref().to_owned(), v.to_serde()))
                    .collect(),
            ),
        }
    }

    /// The same value owning its strings.
    pub(crate) fn into_owned(self) -> Json<'static> {
        match self {
            Self::Null => Json::Null,
            Self::Bool(b) => Json::Bool(b),
            Self::Number(n) => Json::Number(n),
            Self::String(s) => Json::String(Cow::Owned(s.into_owned())),
            Self::Array(a) => Json::Array(a.into_iter().map(Self::into_owned).collect()),
            Self::Object(o) => Json::Object(
                o.into_iter()
                    .map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned()))
                    .collect(),
            ),
        }
    }

    /// A serde deserializer over this value (for the typed payload).
    pub(crate) fn deserializer(&self) -> Deserializer<'_, 'a> {
        Deserializer(self)
    }
}

/// JSON equality with numbers compared by value (`1` equals `1.0`), as JSON Schema's `enum`
/// and `const` want it.
pub(crate) fn json_eq(a: &Json<'_>, b: &Json<'_>) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k, p), (l, q))| k == l && json_eq(p, q))
        }
        _ => a == b,
    }
}

/// A serde [`serde::Deserializer`] over a borrowed [`Json`], with the behaviour of
/// `serde_json::Value`'s (`null` is `None`, integers visit as `u64`/`i64`, floats as `f64`).
#[derive(Clone, Copy)]
pub(crate) struct Deserializer<'v, 'a>(&'v Json<'a>);

impl<'de, 'a> IntoDeserializer<'de, DeError> for Deserializer<'de, 'a> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de, 'a> serde::Deserializer<'de> for Deserializer<'de, 'a> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Json::Null => visitor.visit_unit(),
            Json::Bool(b) => visitor.visit_bool(*b),
            Json::Number(Number::Unsigned(u)) => visitor.visit_u64(*u),
            Json::Number(Number::Negative(i)) => visitor.visit_i64(*i),
            Json::Number(Number::Float(f)) => visitor.visit_f64(*f),
            Json::String(s) => visitor.visit_borrowed_str(s.as_ref()),
            Json::Array(items) => {
                let mut seq = SeqDeserializer::new(items.iter().map(Deserializer));
                let v = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(v)
            }
            Json::Object(entries) => {
                let mut map = MapDeserializer::new(
                    entries.iter().map(|(k, v)| (k.as_ref(), Deserializer(v))),
                );
                let v = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(v)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Json::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_is_sorted_and_keeps_the_last_of_a_repeated_key() {
        let o = Json::object(vec![
            ("b".into(), Json::Bool(true)),
            ("a".into(), Json::Null),
            ("b".into(), Json::Bool(false)),
        ]);
        assert_eq!(o.get("b"), Some(&Json::Bool(false)));
        assert_eq!(o.get("a"), Some(&Json::Null));
        assert_eq!(o.get("c"), None);
        assert_eq!(o.to_serde(), serde_json::json!({"a": null, "b": false}));
    }

    #[test]
    fn numbers_compare_by_value() {
        let one = Json::Number(Number::Unsigned(1));
        assert!(json_eq(&one, &Json::Number(Number::Float(1.0))));
        assert!(!json_eq(&one, &Json::Number(Number::Negative(-1))));
    }

    #[test]
    fn serde_round_trip() {
        let v = serde_json::json!({"n": [1, -2, 2.5, null, true], "s": "ș", "o": {}});
        assert_eq!(Json::from_serde(&v).to_serde(), v);
    }
}
