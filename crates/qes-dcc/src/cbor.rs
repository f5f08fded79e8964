//! A small, bounded CBOR (RFC 8949) reader and writer for COSE and CWT, and the CBOR ↔ JSON
//! bridge the HCERT payload needs (HCERT §2.6.3: the payload is the CBOR form of a JSON
//! document).
//!
//! ```text
//! data item = head [payload]       head = major type (3 bits) | additional information (5 bits)
//! 0 uint  1 negint  2 bytes  3 text  4 array  5 map  6 tag  7 simple / float / break
//! ```
//!
//! Definite and indefinite lengths are read; every length is checked against the bytes that
//! remain before anything is allocated, nesting is bounded, and exactly one item must fill
//! the input. Writing uses the shortest heads (RFC 8949 §4.2.1 preferred serialization).

use std::borrow::Cow;

use crate::error::{DccError, Result};
use crate::json::{Json, Number};

/// One CBOR data item.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    /// Major type 0.
    Uint(u64),
    /// Major type 1: the value is `-1 - n`.
    Nint(u64),
    /// Major type 2.
    Bytes(Vec<u8>),
    /// Major type 3.
    Text(String),
    /// Major type 4.
    Array(Vec<Value>),
    /// Major type 5, in the order received.
    Map(Vec<(Value, Value)>),
    /// Major type 6.
    Tag(u64, Box<Value>),
    /// `false` / `true`.
    Bool(bool),
    /// `null`.
    Null,
    /// `undefined`.
    Undefined,
    /// Other simple values.
    Simple(u8),
    /// Half, single or double precision float.
    Float(f64),
}

impl Value {
    /// A signed integer as CBOR.
    pub(crate) fn int(v: i64) -> Self {
        match u64::try_from(v) {
            Ok(u) => Self::Uint(u),
            // v < 0: -1 - n = v  =>  n = -1 - v = !v as u64.
            Err(_) => Self::Nint(u64::try_from(-(v + 1)).unwrap_or(0)),
        }
    }
}

fn err(what: &str) -> DccError {
    DccError::Cbor(what.into())
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    max_depth: usize,
}

const BREAK: u8 = 0xff;

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    fn byte(&mut self) -> Result<u8> {
        let b = *self.buf.get(self.pos).ok_or_else(|| err("truncated"))?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(err("length beyond the end of the input"));
        }
        let s = self
            .buf
            .get(self.pos..self.pos + n)
            .ok_or_else(|| err("truncated"))?;
        self.pos += n;
        Ok(s)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        self.take(N)?.try_into().map_err(|_| err("truncated"))
    }

    fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    /// The argument of a head with additional information `ai`; `None` for indefinite (31).
    fn argument(&mut self, ai: u8) -> Result<Option<u64>> {
        Ok(Some(match ai {
            0..=23 => u64::from(ai),
            24 => u64::from(self.byte()?),
            25 => u64::from(u16::from_be_bytes(self.array()?)),
            26 => u64::from(u32::from_be_bytes(self.array()?)),
            27 => u64::from_be_bytes(self.array()?),
            31 => return Ok(None),
            _ => return Err(err("reserved additional information (28-30)")),
        }))
    }

    fn len(&self, n: u64) -> Result<usize> {
        usize::try_from(n).map_err(|_| err("length too large"))
    }

    /// A byte or text string's content, definite or indefinite (chunks of the same type).
    fn string(&mut self, major: u8, arg: Option<u64>) -> Result<Vec<u8>> {
        match arg {
            Some(n) => Ok(self.take(self.len(n)?)?.to_vec()),
            None => {
                let mut out = Vec::new();
                loop {
                    let ib = self.byte()?;
                    if ib == BREAK {
                        return Ok(out);
                    }
                    if ib >> 5 != major {
                        return Err(err("indefinite string chunk of another type"));
                    }
                    let n = self
                        .argument(ib & 0x1f)?
                        .ok_or_else(|| err("nested indefinite string"))?;
                    out.extend_from_slice(self.take(self.len(n)?)?);
                }
            }
        }
    }

    fn item(&mut self, depth: usize) -> Result<Value> {
        if depth > self.max_depth {
            return Err(err("nested too deeply"));
        }
        let ib = self.byte()?;
        let (major, ai) = (ib >> 5, ib & 0x1f);
        if major == 7 {
            return self.simple(ai);
        }
        let arg = self.argument(ai)?;
        Ok(match (major, arg) {
            (0, Some(n)) => Value::Uint(n),
            (1, Some(n)) => Value::Nint(n),
            (0 | 1 | 6, None) => return Err(err("indefinite length on an integer or tag")),
            (2, _) => Value::Bytes(self.string(2, arg)?),
            (3, _) => Value::Text(
                String::from_utf8(self.string(3, arg)?).map_err(|_| err("text is not UTF-8"))?,
            ),
            (4, Some(n)) => {
                // Every item takes at least one byte: a count above what remains is a lie.
                let n = self.len(n)?;
                if n > self.remaining() {
                    return Err(err("array count beyond the end of the input"));
                }
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.item(depth + 1)?);
                }
                Value::Array(items)
            }
            (4, None) => {
                let mut items = Vec::new();
                while self.peek() != Some(BREAK) {
                    items.push(self.item(depth + 1)?);
                }
                self.pos += 1;
                Value::Array(items)
            }
            (5, Some(n)) => {
                let n = self.len(n)?;
                if n > self.remaining() / 2 {
                    return Err(err("map count beyond the end of the input"));
                }
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let k = self.item(depth + 1)?;
                    let v = self.item(depth + 1)?;
                    entries.push((k, v));
                }
                Value::Map(entries)
            }
            (5, None) => {
                let mut entries = Vec::new();
                while self.peek() != Some(BREAK) {
                    let k = self.item(depth + 1)?;
                    let v = self.item(depth + 1)?;
                    entries.push((k, v));
                }
                self.pos += 1;
                Value::Map(entries)
            }
            (6, Some(tag)) => Value::Tag(tag, Box::new(self.item(depth + 1)?)),
            _ => return Err(err("unknown major type")),
        })
    }

    fn simple(&mut self, ai: u8) -> Result<Value> {
        Ok(match ai {
            20 => Value::Bool(false),
            21 => Value::Bool(true),
            22 => Value::Null,
            23 => Value::Undefined,
            0..=19 => Value::Simple(ai),
            24 => {
                let v = self.byte()?;
                if v < 32 {
                    return Err(err("two-byte simple value below 32"));
                }
                Value::Simple(v)
            }
            25 => Value::Float(half_to_f64(u16::from_be_bytes(self.array()?))),
            26 => Value::Float(f64::from(f32::from_be_bytes(self.array()?))),
            27 => Value::Float(f64::from_be_bytes(self.array()?)),
            31 => return Err(err("unexpected break")),
            _ => return Err(err("reserved simple value")),
        })
    }
}

impl<'a> Reader<'a> {
    /// Read one item straight into the JSON data model (the HCERT payload), text borrowed
    /// from the input. Tags are unwrapped (RFC 8949 §3.4: tag 0/1 dates carry a text or
    /// number the JSON form keeps); byte strings, non-text keys, `undefined`, other simple
    /// values and non-finite floats have no JSON form.
    ///
    /// # Errors
    /// [`DccError::NotJson`] with the JSON pointer of the offending value, [`DccError::Cbor`]
    /// for malformed input.
    fn json(&mut self, depth: usize) -> Result<Json<'a>> {
        if depth > self.max_depth {
            return Err(err("nested too deeply"));
        }
        // The pointer is built while unwinding (see `within`); "" here is this item.
        let not_json = || DccError::NotJson {
            path: String::new(),
        };
        let ib = self.peek().ok_or_else(|| err("truncated"))?;
        let (major, ai) = (ib >> 5, ib & 0x1f);
        match major {
            3 => Ok(Json::String(
                self.text(depth)?.ok_or_else(|| err("truncated"))?,
            )),
            4 => {
                self.pos += 1;
                let n = self.argument(ai)?;
                let mut out = Vec::with_capacity(self.capacity_for(n, 1));
                let mut i = 0usize;
                loop {
                    match n {
                        Some(n) if as_u64(i) >= n => break,
                        None if self.peek() == Some(BREAK) => {
                            self.pos += 1;
                            break;
                        }
                        _ => {}
                    }
                    out.push(
                        self.json(depth + 1)
                            .map_err(|e| within(e, &i.to_string()))?,
                    );
                    i += 1;
                }
                Ok(Json::Array(out))
            }
            5 => {
                self.pos += 1;
                let n = self.argument(ai)?;
                let mut out = Vec::with_capacity(self.capacity_for(n, 2));
                let mut i = 0u64;
                loop {
                    match n {
                        Some(n) if i >= n => break,
                        None if self.peek() == Some(BREAK) => {
                            self.pos += 1;
                            break;
                        }
                        _ => {}
                    }
                    let Some(key) = self.text(depth + 1)? else {
                        return Err(not_json());
                    };
                    let v = self.json(depth + 1).map_err(|e| within(e, &key))?;
                    out.push((key, v));
                    i += 1;
                }
                Ok(Json::object(out))
            }
            6 => {
                self.pos += 1;
                self.argument(ai)?
                    .ok_or_else(|| err("indefinite length on an integer or tag"))?;
                self.json(depth + 1)
            }
            // Leaves.
            _ => match self.item(depth)? {
                Value::Null => Ok(Json::Null),
                Value::Bool(b) => Ok(Json::Bool(b)),
                Value::Uint(n) => Ok(Json::Number(Number::Unsigned(n))),
                v @ Value::Nint(_) => Ok(Json::Number(Number::Negative(
                    as_i64(&v).ok_or_else(not_json)?,
                ))),
                Value::Float(f) if f.is_finite() => Ok(Json::Number(Number::Float(f))),
                // Byte strings, `undefined`, other simple values and non-finite floats.
                _ => Err(not_json()),
            },
        }
    }

    /// Room to reserve for `n` items of at least `min_bytes` bytes each: never more than the
    /// input left could hold (a count is not trusted), nothing for an indefinite length.
    fn capacity_for(&self, n: Option<u64>, min_bytes: usize) -> usize {
        n.and_then(|n| usize::try_from(n).ok())
            .map_or(0, |n| n.min(self.remaining() / min_bytes))
    }

    /// A text string, borrowed when it has a definite length; `None` (the item read and
    /// skipped) for any other item.
    fn text(&mut self, depth: usize) -> Result<Option<Cow<'a, str>>> {
        if depth > self.max_depth {
            return Err(err("nested too deeply"));
        }
        match self.peek() {
            Some(ib) if ib >> 5 == 3 && ib & 0x1f != 31 => {
                self.pos += 1;
                let n = self.argument(ib & 0x1f)?.ok_or_else(|| err("truncated"))?;
                let bytes = self.take(self.len(n)?)?;
                let text = core::str::from_utf8(bytes).map_err(|_| err("text is not UTF-8"))?;
                Ok(Some(Cow::Borrowed(text)))
            }
            _ => match self.item(depth)? {
                Value::Text(t) => Ok(Some(Cow::Owned(t))),
                _ => Ok(None),
            },
        }
    }
}

/// A [`DccError::NotJson`] inside member or element `segment`: its pointer, one level up.
fn within(e: DccError, segment: &str) -> DccError {
    match e {
        DccError::NotJson { path } => DccError::NotJson {
            path: format!("/{segment}{path}"),
        },
        e => e,
    }
}

/// A [`DccError::NotJson`] of the whole item: its pointer is `/`.
fn at_root(e: DccError) -> DccError {
    match e {
        DccError::NotJson { path } if path.is_empty() => DccError::NotJson { path: "/".into() },
        e => e,
    }
}

fn as_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// A data item in the JSON data model, with the bytes of its CBOR encoding.
pub(crate) type JsonItem<'a> = (Json<'a>, &'a [u8]);

/// The entries of a CBOR map read one by one: keys as [`Value`]s, each value either as a
/// [`Value`] or (for the HCERT payload) straight as JSON.
pub(crate) struct MapReader<'a> {
    reader: Reader<'a>,
    remaining: Option<u64>,
}

impl<'a> MapReader<'a> {
    /// Start reading the map that must fill `bytes`.
    pub(crate) fn new(bytes: &'a [u8], max_depth: usize) -> Result<Self> {
        let mut reader = Reader {
            buf: bytes,
            pos: 0,
            max_depth,
        };
        let ib = reader.byte()?;
        if ib >> 5 != 5 {
            return Err(err("not a map"));
        }
        let remaining = reader.argument(ib & 0x1f)?;
        Ok(Self { reader, remaining })
    }

    /// The next key, `None` at the end of the map (then no bytes may follow).
    pub(crate) fn next_key(&mut self) -> Result<Option<Value>> {
        let end = match self.remaining {
            Some(0) => true,
            Some(_) => false,
            None if self.reader.peek() == Some(BREAK) => {
                self.reader.pos += 1;
                true
            }
            None => false,
        };
        if end {
            if self.reader.remaining() != 0 {
                return Err(DccError::Cbor(format!(
                    "{} trailing bytes after the data item",
                    self.reader.remaining()
                )));
            }
            return Ok(None);
        }
        if let Some(n) = &mut self.remaining {
            *n -= 1;
        }
        self.reader.item(1).map(Some)
    }

    /// The value of the key just read.
    pub(crate) fn value(&mut self) -> Result<Value> {
        self.reader.item(1)
    }

    /// The value of the key just read, when it is a map: its entries, the value of integer
    /// key `wanted` read as JSON, with the bytes of its CBOR encoding. `Ok(None)` when the
    /// value is not a map (it is skipped).
    pub(crate) fn json_in_map(&mut self, wanted: i64) -> Result<Option<Option<JsonItem<'a>>>> {
        let ib = self.reader.peek().ok_or_else(|| err("truncated"))?;
        if ib >> 5 != 5 {
            self.reader.item(1)?;
            return Ok(None);
        }
        self.reader.pos += 1;
        let n = self.reader.argument(ib & 0x1f)?;
        let mut found = None;
        let mut i = 0u64;
        loop {
            match n {
                Some(n) if i >= n => break,
                None if self.reader.peek() == Some(BREAK) => {
                    self.reader.pos += 1;
                    break;
                }
                _ => {}
            }
            let k = self.reader.item(2)?;
            if as_i64(&k) == Some(wanted) && found.is_none() {
                if self.reader.peek().map(|b| b >> 5) == Some(5) {
                    let start = self.reader.pos;
                    let json = self.reader.json(2).map_err(at_root)?;
                    let bytes = self
                        .reader
                        .buf
                        .get(start..self.reader.pos)
                        .ok_or_else(|| err("truncated"))?;
                    found = Some((json, bytes));
                } else {
                    return Err(DccError::Cwt("EU DCC v1 payload is not a map"));
                }
            } else {
                self.reader.item(2)?;
            }
            i += 1;
        }
        Ok(Some(found))
    }
}

/// IEEE 754 binary16 to f64 (RFC 8949 Appendix D).
fn half_to_f64(h: u16) -> f64 {
    let exp = (h >> 10) & 0x1f;
    let mant = f64::from(h & 0x3ff);
    let val = match exp {
        0 => mant * 2f64.powi(-24),
        31 if mant == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (mant + 1024.0) * 2f64.powi(i32::from(e) - 25),
    };
    if h & 0x8000 != 0 {
        -val
    } else {
        val
    }
}

/// Decode exactly one CBOR data item: no trailing bytes, at most `max_depth` levels of nesting.
///
/// # Errors
/// [`DccError::Cbor`] for malformed, truncated, too-deep or trailing input.
pub(crate) fn decode_one(bytes: &[u8], max_depth: usize) -> Result<Value> {
    let mut r = Reader {
        buf: bytes,
        pos: 0,
        max_depth,
    };
    let v = r.item(0)?;
    if r.remaining() != 0 {
        return Err(DccError::Cbor(format!(
            "{} trailing bytes after the data item",
            r.remaining()
        )));
    }
    Ok(v)
}

/// Decode exactly one CBOR data item into the JSON data model (see `Reader::json`), text
/// borrowed from `bytes`.
///
/// # Errors
/// [`DccError::Cbor`] for malformed, truncated, too-deep or trailing input,
/// [`DccError::NotJson`] for an item without a JSON form.
pub(crate) fn decode_json(bytes: &[u8], max_depth: usize) -> Result<Json<'_>> {
    let mut r = Reader {
        buf: bytes,
        pos: 0,
        max_depth,
    };
    let v = r.json(0).map_err(at_root)?;
    if r.remaining() != 0 {
        return Err(DccError::Cbor(format!(
            "{} trailing bytes after the data item",
            r.remaining()
        )));
    }
    Ok(v)
}

fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    if n < 24 {
        out.push(m | u8::try_from(n).unwrap_or(0));
    } else if let Ok(b) = u8::try_from(n) {
        out.extend_from_slice(&[m | 24, b]);
    } else if let Ok(s) = u16::try_from(n) {
        out.push(m | 25);
        out.extend_from_slice(&s.to_be_bytes());
    } else if let Ok(w) = u32::try_from(n) {
        out.push(m | 26);
        out.extend_from_slice(&w.to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn len64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Append one value.
pub(crate) fn write(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Uint(n) => head(out, 0, *n),
        Value::Nint(n) => head(out, 1, *n),
        Value::Bytes(b) => {
            head(out, 2, len64(b.len()));
            out.extend_from_slice(b);
        }
        Value::Text(t) => {
            head(out, 3, len64(t.len()));
            out.extend_from_slice(t.as_bytes());
        }
        Value::Array(items) => {
            head(out, 4, len64(items.len()));
            items.iter().for_each(|i| write(out, i));
        }
        Value::Map(entries) => {
            head(out, 5, len64(entries.len()));
            for (k, val) in entries {
                write(out, k);
                write(out, val);
            }
        }
        Value::Tag(t, inner) => {
            head(out, 6, *t);
            write(out, inner);
        }
        Value::Bool(false) => out.push(0xf4),
        Value::Bool(true) => out.push(0xf5),
        Value::Null => out.push(0xf6),
        Value::Undefined => out.push(0xf7),
        Value::Simple(s) if *s < 24 => out.push(0xe0 | s),
        Value::Simple(s) => out.extend_from_slice(&[0xf8, *s]),
        Value::Float(f) => {
            out.push(0xfb);
            out.extend_from_slice(&f.to_be_bytes());
        }
    }
}

/// Append the head of a map of `n` entries (the entries follow).
pub(crate) fn write_map_head(out: &mut Vec<u8>, n: usize) {
    head(out, 5, len64(n));
}

/// Append a byte string.
pub(crate) fn write_bytes(out: &mut Vec<u8>, b: &[u8]) {
    head(out, 2, len64(b.len()));
    out.extend_from_slice(b);
}

/// Append a text string.
pub(crate) fn write_text(out: &mut Vec<u8>, t: &str) {
    head(out, 3, len64(t.len()));
    out.extend_from_slice(t.as_bytes());
}

/// Encode one CBOR value.
pub(crate) fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut out, value);
    out
}

/// The integer value of a CBOR integer, when it fits `i64`.
pub(crate) fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Uint(n) => i64::try_from(*n).ok(),
        Value::Nint(n) => i64::try_from(*n).ok().map(|n| -1 - n),
        _ => None,
    }
}

/// Convert JSON to CBOR: integers stay integers, other numbers become floats.
pub(crate) fn from_json(j: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match j {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::String(s) => Value::Text(s.clone()),
        J::Number(n) => {
            if let Some(u) = n.as_u64() {
                Value::Uint(u)
            } else if let Some(i) = n.as_i64() {
                Value::int(i)
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 8949 Appendix A examples.
    #[test]
    fn rfc8949_appendix_a() {
        let cases: &[(&str, Value)] = &[
            ("00", Value::Uint(0)),
            ("17", Value::Uint(23)),
            ("1818", Value::Uint(24)),
            ("1903e8", Value::Uint(1000)),
            ("1b000000e8d4a51000", Value::Uint(1_000_000_000_000)),
            ("20", Value::int(-1)),
            ("3863", Value::int(-100)),
            ("3bffffffffffffffff", Value::Nint(u64::MAX)),
            ("f90000", Value::Float(0.0)),
            ("f93c00", Value::Float(1.0)),
            ("f97bff", Value::Float(65504.0)),
            ("fa47c35000", Value::Float(100000.0)),
            ("fb3ff199999999999a", Value::Float(1.1)),
            ("f90001", Value::Float(5.960464477539063e-8)),
            ("f4", Value::Bool(false)),
            ("f6", Value::Null),
            ("f7", Value::Undefined),
            ("f0", Value::Simple(16)),
            ("f8ff", Value::Simple(255)),
            (
                "c11a514b67b0",
                Value::Tag(1, Box::new(Value::Uint(1_363_896_240))),
            ),
            ("4401020304", Value::Bytes(vec![1, 2, 3, 4])),
            ("62c3bc", Value::Text("ü".into())),
            ("5f42010243030405ff", Value::Bytes(vec![1, 2, 3, 4, 5])),
            (
                "7f657374726561646d696e67ff",
                Value::Text("streaming".into()),
            ),
            (
                "83010203",
                Value::Array(vec![Value::Uint(1), Value::Uint(2), Value::Uint(3)]),
            ),
            ("9fff", Value::Array(vec![])),
            (
                "a201020304",
                Value::Map(vec![
                    (Value::Uint(1), Value::Uint(2)),
                    (Value::Uint(3), Value::Uint(4)),
                ]),
            ),
            (
                "bf6346756ef563416d7421ff",
                Value::Map(vec![
                    (Value::Text("Fun".into()), Value::Bool(true)),
                    (Value::Text("Amt".into()), Value::int(-2)),
                ]),
            ),
        ];
        for (h, want) in cases {
            assert_eq!(&decode_one(&hex(h), 16).unwrap(), want, "{h}");
        }
        assert!(
            matches!(decode_one(&hex("f97c00"), 4).unwrap(), Value::Float(f) if f.is_infinite())
        );
        assert_eq!(as_i64(&Value::int(-260)), Some(-260));
        assert_eq!(encode(&Value::int(-260)), hex("390103"));
        assert_eq!(encode(&Value::Uint(1_000_000)), hex("1a000f4240"));
    }

    #[test]
    fn rejects_malformed() {
        for h in [
            "",
            "18",
            "1c",
            "5a00000010",
            "9a7fffffff",
            "bb000000000000ffff",
            "ff",
            "62c3",
            "61ff",
            "5f01ff",
            "00 00",
            "c0",
            "f818",
            "f8",
        ] {
            let bytes = hex(&h.replace(' ', ""));
            assert!(decode_one(&bytes, 16).is_err(), "{h}");
        }
        // Depth.
        let deep: Vec<u8> = std::iter::repeat_n(0x81, 40).chain([0]).collect();
        assert!(decode_one(&deep, 16).is_err());
        assert!(decode_one(&deep, 64).is_ok());
    }

    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<u64>().prop_map(Value::Uint),
            any::<u64>().prop_map(Value::Nint),
            proptest::collection::vec(any::<u8>(), 0..20).prop_map(Value::Bytes),
            ".{0,12}".prop_map(Value::Text),
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Null),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec((inner.clone(), inner.clone()), 0..4)
                    .prop_map(Value::Map),
                (any::<u64>(), inner).prop_map(|(t, v)| Value::Tag(t, Box::new(v))),
            ]
        })
    }

    /// The reference CBOR → JSON mapping, written plainly over a decoded [`Value`]: tags
    /// unwrapped, maps inserted in order into a `serde_json::Map` (the last of a repeated key
    /// wins), and the JSON pointer of the first item without a JSON form.
    fn reference_json(v: &Value, path: &str) -> core::result::Result<serde_json::Value, String> {
        use serde_json::Value as J;
        let here = || {
            if path.is_empty() {
                "/".to_owned()
            } else {
                path.to_owned()
            }
        };
        Ok(match v {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Text(t) => J::String(t.clone()),
            Value::Uint(n) => J::from(*n),
            Value::Nint(_) => J::from(as_i64(v).ok_or_else(here)?),
            Value::Float(f) => J::Number(serde_json::Number::from_f64(*f).ok_or_else(here)?),
            Value::Tag(_, inner) => reference_json(inner, path)?,
            Value::Array(items) => J::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| reference_json(x, &format!("{path}/{i}")))
                    .collect::<core::result::Result<_, _>>()?,
            ),
            Value::Map(entries) => {
                let mut out = serde_json::Map::new();
                for (k, x) in entries {
                    let Value::Text(k) = k else {
                        return Err(here());
                    };
                    out.insert(k.clone(), reference_json(x, &format!("{path}/{k}"))?);
                }
                J::Object(out)
            }
            Value::Bytes(_) | Value::Undefined | Value::Simple(_) => return Err(here()),
        })
    }

    #[test]
    fn json_pointer_of_an_item_without_json_form() {
        let v = Value::Map(vec![(
            Value::Text("a".into()),
            Value::Array(vec![Value::Null, Value::Bytes(vec![1])]),
        )]);
        assert!(matches!(
            decode_json(&encode(&v), 16),
            Err(DccError::NotJson { path }) if path == "/a/1"
        ));
        assert!(matches!(
            decode_json(&encode(&Value::Undefined), 16),
            Err(DccError::NotJson { path }) if path == "/"
        ));
    }

    proptest! {
        /// The borrowed reader agrees with the reference mapping on every value: the same
        /// JSON, or the same pointer to what has no JSON form.
        #[test]
        fn json_view_agrees_with_the_reference(v in any_value(), f in any::<f64>()) {
            let v = Value::Array(vec![v, Value::Float(f)]);
            let ours = decode_json(&encode(&v), 16).map(|j| j.to_serde());
            match (ours, reference_json(&v, "")) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
                (Err(DccError::NotJson { path }), Err(p)) => prop_assert_eq!(path, p),
                (a, b) => prop_assert!(false, "ours {:?}, reference {:?}", a, b),
            }
        }

        #[test]
        fn json_view_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode_json(&bytes, 16);
        }

        #[test]
        fn round_trip(v in any_value()) {
            prop_assert_eq!(decode_one(&encode(&v), 16).unwrap(), v);
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode_one(&bytes, 16);
        }
    }
}
