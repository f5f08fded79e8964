//! Bounded CBOR (RFC 8949) decoding into `ciborium` values, and the CBOR ↔ JSON bridge the
//! HCERT payload needs (HCERT §2.6.3: the payload is the CBOR form of a JSON document).

use ciborium::value::{Integer, Value};

use crate::error::{DccError, Result};

/// Decode exactly one CBOR data item: no trailing bytes, at most `max_depth` levels of nesting.
///
/// # Errors
/// [`DccError::Cbor`] for malformed, truncated, too-deep or trailing input.
pub(crate) fn decode_one(bytes: &[u8], max_depth: usize) -> Result<Value> {
    let mut rest = bytes;
    let value: Value = ciborium::de::from_reader_with_recursion_limit(&mut rest, max_depth)
        .map_err(|e| DccError::Cbor(e.to_string()))?;
    if !rest.is_empty() {
        return Err(DccError::Cbor(format!(
            "{} trailing bytes after the data item",
            rest.len()
        )));
    }
    Ok(value)
}

/// Encode one CBOR value.
pub(crate) fn encode(value: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(value, &mut out).map_err(|e| DccError::Cbor(e.to_string()))?;
    Ok(out)
}

/// The integer value of a CBOR integer, when it fits `i64`.
pub(crate) fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Integer(i) => i64::try_from(*i).ok(),
        _ => None,
    }
}

/// Convert a CBOR value to JSON. Tags are unwrapped (RFC 8949 §3.4: tag 0/1 dates carry a
/// text or number the JSON form keeps); byte strings, non-text keys, `undefined` and
/// non-finite floats have no JSON form.
///
/// # Errors
/// [`DccError::NotJson`] with the JSON pointer of the offending value.
pub(crate) fn to_json(v: &Value, path: &mut String) -> Result<serde_json::Value> {
    use serde_json::Value as J;
    let not_json = |path: &str| DccError::NotJson {
        path: if path.is_empty() {
            "/".into()
        } else {
            path.into()
        },
    };
    Ok(match v {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Text(s) => J::String(s.clone()),
        Value::Integer(i) => {
            let i = i128::from(*i);
            if let Ok(n) = i64::try_from(i) {
                J::from(n)
            } else if let Ok(n) = u64::try_from(i) {
                J::from(n)
            } else {
                return Err(not_json(path));
            }
        }
        Value::Float(f) => {
            J::Number(serde_json::Number::from_f64(*f).ok_or_else(|| not_json(path))?)
        }
        Value::Tag(_, inner) => to_json(inner, path)?,
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                out.push(to_json(item, path)?);
                path.truncate(len);
            }
            J::Array(out)
        }
        Value::Map(entries) => {
            let mut out = serde_json::Map::new();
            for (k, val) in entries {
                let Value::Text(key) = k else {
                    return Err(not_json(path));
                };
                let len = path.len();
                path.push('/');
                path.push_str(key);
                let j = to_json(val, path)?;
                path.truncate(len);
                out.insert(key.clone(), j);
            }
            J::Object(out)
        }
        _ => return Err(not_json(path)),
    })
}

/// Convert JSON to CBOR: integers stay integers, other numbers become floats.
pub(crate) fn from_json(j: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match j {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::String(s) => Value::Text(s.clone()),
        J::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Integer(Integer::from(i))
            } else if let Some(u) = n.as_u64() {
                Value::Integer(Integer::from(u))
            } else {
                Value::Float(n.as_f64().unwrap_or(0.0))
            }
        }
        J::Array(a) => Value::Array(a.iter().map(from_json).collect()),
        J::Object(o) => Value::Map(
            o.iter()
                .map(|(k, v)| (Value::Text(k.clone()), from_json(v)))
                .collect(),
        ),
    }
}
