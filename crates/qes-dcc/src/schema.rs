//! JSON Schema validation of the HCERT payload against the schema of its `ver`
//! (eHealth Network `DCC.combined-schema.json`, JSON Schema 2020-12).
//!
//! A validator for the subset of keywords those schemas use: `type`, `properties`, `required`,
//! `items`, `minItems`, `maxItems`, `minLength`, `maxLength`, `minimum`, `maximum`, `pattern`
//! (unanchored, as ECMA-262 `RegExp.test`), `enum`, `const`, `oneOf`, `anyOf`, `allOf`, `not`,
//! `additionalProperties`, and local `$ref` (`#/$defs/…`, `#/definitions/…`). `format` is an
//! annotation (2020-12 §7.2.1, the default of the format-annotation vocabulary), as it is for
//! the reference validators the upstream vectors were judged with. The schemas are vendored in
//! `data/schemas/` (Apache-2.0, source commit beside them).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::error::{DccError, Result};

/// The schema versions known, oldest first, with their `DCC.combined-schema.json`.
const SCHEMAS: [(&str, &str); 9] = [
    ("1.0.0", include_str!("../data/schemas/1.0.0.json")),
    ("1.0.1", include_str!("../data/schemas/1.0.1.json")),
    ("1.1.0", include_str!("../data/schemas/1.1.0.json")),
    ("1.2.0", include_str!("../data/schemas/1.2.0.json")),
    ("1.2.1", include_str!("../data/schemas/1.2.1.json")),
    ("1.3.0", include_str!("../data/schemas/1.3.0.json")),
    ("1.3.1", include_str!("../data/schemas/1.3.1.json")),
    ("1.3.2", include_str!("../data/schemas/1.3.2.json")),
    ("1.3.3", include_str!("../data/schemas/1.3.3.json")),
];

/// Nesting bound for schema evaluation (guards against `$ref` cycles).
const MAX_DEPTH: usize = 64;

/// A parsed schema with its compiled patterns.
pub struct Schema {
    version: &'static str,
    root: Value,
    patterns: HashMap<String, Option<regex::Regex>>,
}

impl core::fmt::Debug for Schema {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Schema")
            .field("version", &self.version)
            .finish()
    }
}

fn collect_patterns(v: &Value, out: &mut HashMap<String, Option<regex::Regex>>) {
    match v {
        Value::Object(m) => {
            for (k, val) in m {
                if k == "pattern" {
                    if let Value::String(p) = val {
                        out.entry(p.clone())
                            .or_insert_with(|| regex::Regex::new(p).ok());
                    }
                } else {
                    collect_patterns(val, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_patterns(x, out)),
        _ => {}
    }
}

fn parse_version(v: &str) -> Option<(u32, u32, u32)> {
    let mut it = v.split('.').map(|p| p.parse::<u32>().ok());
    match (it.next(), it.next(), it.next(), it.next()) {
        (Some(Some(a)), Some(Some(b)), Some(Some(c)), None) => Some((a, b, c)),
        _ => None,
    }
}

impl Schema {
    fn load(version: &'static str, text: &str) -> Option<Self> {
        let root: Value = serde_json::from_str(text).ok()?;
        let mut patterns = HashMap::new();
        collect_patterns(&root, &mut patterns);
        Some(Self {
            version,
            root,
            patterns,
        })
    }

    /// The schema for a payload's `ver`: the exact version, else the newest known version of
    /// the same major version that is not newer than `ver`.
    ///
    /// # Errors
    /// [`DccError::SchemaVersion`] when no schema fits.
    pub fn for_version(ver: &str) -> Result<&'static Schema> {
        static CACHE: OnceLock<Vec<Schema>> = OnceLock::new();
        let all = CACHE.get_or_init(|| {
            SCHEMAS
                .iter()
                .filter_map(|(v, t)| Self::load(v, t))
                .collect()
        });
        let unknown = || DccError::SchemaVersion { ver: ver.into() };
        if let Some(s) = all.iter().find(|s| s.version == ver) {
            return Ok(s);
        }
        let wanted = parse_version(ver).ok_or_else(unknown)?;
        all.iter()
            .rfind(|s| parse_version(s.version).is_some_and(|v| v.0 == wanted.0 && v <= wanted))
            .ok_or_else(unknown)
    }

    /// The schema's version.
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// Validate a payload.
    ///
    /// # Errors
    /// [`DccError::Schema`] naming the instance path and the first failing keyword.
    pub fn validate(&self, instance: &Value) -> Result<()> {
        let mut path = String::new();
        self.check(&self.root, instance, &mut path, 0)
    }

    fn resolve<'a>(&'a self, reference: &str) -> Option<&'a Value> {
        let pointer = reference.strip_prefix('#')?;
        self.root.pointer(pointer)
    }

    fn fail(path: &str, keyword: &'static str) -> DccError {
        DccError::Schema {
            path: if path.is_empty() {
                "/".into()
            } else {
                path.into()
            },
            keyword,
        }
    }

    fn type_matches(name: &str, v: &Value) -> bool {
        match name {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            "number" => v.is_number(),
            "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
            _ => false,
        }
    }

    fn check(&self, schema: &Value, v: &Value, path: &mut String, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(Self::fail(path, "$ref"));
        }
        let s = match schema {
            Value::Bool(true) => return Ok(()),
            Value::Bool(false) => return Err(Self::fail(path, "false")),
            Value::Object(s) => s,
            _ => return Ok(()),
        };
        if let Some(Value::String(r)) = s.get("$ref") {
            let target = self.resolve(r).ok_or_else(|| Self::fail(path, "$ref"))?;
            self.check(target, v, path, depth + 1)?;
        }
        if let Some(t) = s.get("type") {
            let ok = match t {
                Value::String(name) => Self::type_matches(name, v),
                Value::Array(names) => names
                    .iter()
                    .any(|n| n.as_str().is_some_and(|n| Self::type_matches(n, v))),
                _ => true,
            };
            if !ok {
                return Err(Self::fail(path, "type"));
            }
        }
        if let Some(Value::Array(options)) = s.get("enum") {
            if !options.iter().any(|o| json_eq(o, v)) {
                return Err(Self::fail(path, "enum"));
            }
        }
        if let Some(c) = s.get("const") {
            if !json_eq(c, v) {
                return Err(Self::fail(path, "const"));
            }
        }
        if let Value::String(text) = v {
            let chars = text.chars().count();
            if s.get("maxLength")
                .and_then(Value::as_u64)
                .is_some_and(|m| as_u64(chars) > m)
            {
                return Err(Self::fail(path, "maxLength"));
            }
            if s.get("minLength")
                .and_then(Value::as_u64)
                .is_some_and(|m| as_u64(chars) < m)
            {
                return Err(Self::fail(path, "minLength"));
            }
            if let Some(Value::String(p)) = s.get("pattern") {
                match self.patterns.get(p) {
                    Some(Some(re)) if re.is_match(text) => {}
                    _ => return Err(Self::fail(path, "pattern")),
                }
            }
        }
        if let Some(n) = v.as_f64() {
            if s.get("minimum")
                .and_then(Value::as_f64)
                .is_some_and(|m| n < m)
            {
                return Err(Self::fail(path, "minimum"));
            }
            if s.get("maximum")
                .and_then(Value::as_f64)
                .is_some_and(|m| n > m)
            {
                return Err(Self::fail(path, "maximum"));
            }
        }
        if let Value::Array(items) = v {
            if s.get("maxItems")
                .and_then(Value::as_u64)
                .is_some_and(|m| as_u64(items.len()) > m)
            {
                return Err(Self::fail(path, "maxItems"));
            }
            if s.get("minItems")
                .and_then(Value::as_u64)
                .is_some_and(|m| as_u64(items.len()) < m)
            {
                return Err(Self::fail(path, "minItems"));
            }
            if let Some(item_schema) = s.get("items") {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("/{i}"));
                    self.check(item_schema, item, path, depth + 1)?;
                    path.truncate(len);
                }
            }
        }
        if let Value::Object(obj) = v {
            if let Some(Value::Array(req)) = s.get("required") {
                for r in req {
                    if let Some(name) = r.as_str() {
                        if !obj.contains_key(name) {
                            let len = path.len();
                            path.push('/');
                            path.push_str(name);
                            let e = Self::fail(path, "required");
                            path.truncate(len);
                            return Err(e);
                        }
                    }
                }
            }
            let props = s.get("properties").and_then(Value::as_object);
            for (k, val) in obj {
                let len = path.len();
                path.push('/');
                path.push_str(k);
                match props.and_then(|p| p.get(k)) {
                    Some(ps) => self.check(ps, val, path, depth + 1)?,
                    None => {
                        if let Some(ap) = s.get("additionalProperties") {
                            self.check(ap, val, path, depth + 1)?;
                        }
                    }
                }
                path.truncate(len);
            }
        }
        if let Some(Value::Array(all)) = s.get("allOf") {
            for sub in all {
                self.check(sub, v, path, depth + 1)?;
            }
        }
        if let Some(Value::Array(any)) = s.get("anyOf") {
            if !any
                .iter()
                .any(|sub| self.check(sub, v, path, depth + 1).is_ok())
            {
                return Err(Self::fail(path, "anyOf"));
            }
        }
        if let Some(Value::Array(one)) = s.get("oneOf") {
            let n = one
                .iter()
                .filter(|sub| self.check(sub, v, path, depth + 1).is_ok())
                .count();
            if n != 1 {
                return Err(Self::fail(path, "oneOf"));
            }
        }
        if let Some(not) = s.get("not") {
            if self.check(not, v, path, depth + 1).is_ok() {
                return Err(Self::fail(path, "not"));
            }
        }
        Ok(())
    }
}

fn as_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// JSON equality with numbers compared by value (`1` equals `1.0`).
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, p)| y.get(k).is_some_and(|q| json_eq(p, q)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_loads_and_patterns_compile() {
        for (v, _) in SCHEMAS {
            let s = Schema::for_version(v).unwrap();
            assert_eq!(s.version(), v);
            assert!(s.patterns.values().all(Option::is_some), "{v}");
        }
        assert_eq!(Schema::for_version("1.3.9").unwrap().version(), "1.3.3");
        assert!(Schema::for_version("2.0.0").is_err());
        assert!(Schema::for_version("x").is_err());
    }
}
