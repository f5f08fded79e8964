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

use core::cmp::Ordering;
use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::error::{DccError, Result};
use crate::json::{json_eq, Json};

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

#[derive(Clone, Copy, PartialEq, Eq)]
enum JsonType {
    Object,
    Array,
    String,
    Boolean,
    Null,
    Number,
    Integer,
}

impl JsonType {
    fn from_name(n: &str) -> Option<Self> {
        Some(match n {
            "object" => Self::Object,
            "array" => Self::Array,
            "string" => Self::String,
            "boolean" => Self::Boolean,
            "null" => Self::Null,
            "number" => Self::Number,
            "integer" => Self::Integer,
            _ => return None,
        })
    }

    fn matches(self, v: &Json<'_>) -> bool {
        match (self, v) {
            (Self::Object, Json::Object(_))
            | (Self::Array, Json::Array(_))
            | (Self::String, Json::String(_))
            | (Self::Boolean, Json::Bool(_))
            | (Self::Null, Json::Null)
            | (Self::Number, Json::Number(_)) => true,
            (Self::Integer, Json::Number(n)) => n.is_integer(),
            _ => false,
        }
    }
}

/// One compiled schema node (the keywords of one schema object).
#[derive(Default)]
struct Node {
    /// A boolean schema.
    always: Option<bool>,
    reference: Option<usize>,
    /// A `$ref` that does not resolve: always fails.
    broken_ref: bool,
    types: Option<Vec<JsonType>>,
    enumeration: Option<Vec<Json<'static>>>,
    constant: Option<Json<'static>>,
    max_length: Option<u64>,
    min_length: Option<u64>,
    /// `Err` for a pattern that does not compile: always fails.
    pattern: Option<core::result::Result<regex::Regex, ()>>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    max_items: Option<u64>,
    min_items: Option<u64>,
    items: Option<usize>,
    /// Sorted, unique.
    required: Vec<String>,
    /// Sorted by name, unique.
    properties: Vec<(String, usize)>,
    additional: Option<usize>,
    all_of: Vec<usize>,
    any_of: Vec<usize>,
    one_of: Vec<usize>,
    not: Option<usize>,
}

/// A schema compiled into nodes, with its patterns compiled once.
pub struct Schema {
    version: &'static str,
    nodes: Vec<Node>,
}

impl core::fmt::Debug for Schema {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Schema")
            .field("version", &self.version)
            .finish()
    }
}

struct Compiler<'a> {
    root: &'a Value,
    nodes: Vec<Node>,
    refs: HashMap<String, usize>,
}

impl Compiler<'_> {
    fn compile(&mut self, v: &Value, depth: usize) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node::default());
        let mut node = Node::default();
        match v {
            Value::Bool(b) => node.always = Some(*b),
            Value::Object(m) if depth <= MAX_DEPTH => {
                for (k, val) in m {
                    match k.as_str() {
                        "$ref" => match val.as_str() {
                            Some(r) => match self.refs.get(r) {
                                Some(&target) => node.reference = Some(target),
                                None => {
                                    match r.strip_prefix('#').and_then(|p| self.root.pointer(p)) {
                                        Some(target) => {
                                            // Register before compiling: a cycle ends at this index.
                                            let next = self.nodes.len();
                                            self.refs.insert(r.to_owned(), next);
                                            node.reference = Some(self.compile(target, depth + 1));
                                        }
                                        None => node.broken_ref = true,
                                    }
                                }
                            },
                            None => node.broken_ref = true,
                        },
                        "type" => {
                            let names: Vec<&str> = match val {
                                Value::String(n) => vec![n.as_str()],
                                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                                _ => Vec::new(),
                            };
                            node.types =
                                Some(names.into_iter().filter_map(JsonType::from_name).collect());
                        }
                        "enum" => {
                            node.enumeration = val.as_array().map(|a| {
                                a.iter().map(|x| Json::from_serde(x).into_owned()).collect()
                            })
                        }
                        "const" => node.constant = Some(Json::from_serde(val).into_owned()),
                        "maxLength" => node.max_length = val.as_u64(),
                        "minLength" => node.min_length = val.as_u64(),
                        "pattern" => {
                            node.pattern =
                                val.as_str().map(|p| regex::Regex::new(p).map_err(|_| ()))
                        }
                        "minimum" => node.minimum = val.as_f64(),
                        "maximum" => node.maximum = val.as_f64(),
                        "maxItems" => node.max_items = val.as_u64(),
                        "minItems" => node.min_items = val.as_u64(),
                        "items" => node.items = Some(self.compile(val, depth + 1)),
                        "required" => {
                            node.required = val
                                .as_array()
                                .map(|a| {
                                    a.iter()
                                        .filter_map(|r| r.as_str().map(str::to_owned))
                                        .collect()
                                })
                                .unwrap_or_default()
                        }
                        "properties" => {
                            if let Some(props) = val.as_object() {
                                for (name, sub) in props {
                                    let sub = self.compile(sub, depth + 1);
                                    node.properties.push((name.clone(), sub));
                                }
                            }
                        }
                        "additionalProperties" => {
                            node.additional = Some(self.compile(val, depth + 1))
                        }
                        "allOf" | "anyOf" | "oneOf" => {
                            let subs: Vec<usize> = val
                                .as_array()
                                .map(|a| a.iter().map(|x| self.compile(x, depth + 1)).collect())
                                .unwrap_or_default();
                            match k.as_str() {
                                "allOf" => node.all_of = subs,
                                "anyOf" => node.any_of = subs,
                                _ => node.one_of = subs,
                            }
                        }
                        "not" => node.not = Some(self.compile(val, depth + 1)),
                        _ => {}
                    }
                }
            }
            Value::Object(_) => node.broken_ref = true,
            _ => {}
        }
        // Sorted and unique, as `check` walks them beside an instance's sorted members.
        node.required.sort_unstable();
        node.required.dedup();
        node.properties.sort_by(|a, b| a.0.cmp(&b.0));
        node.properties.dedup_by(|a, b| a.0 == b.0);
        if let Some(slot) = self.nodes.get_mut(id) {
            *slot = node;
        }
        id
    }
}

fn parse_version(v: &str) -> Option<(u32, u32, u32)> {
    let mut it = v.split('.').map(|p| p.parse::<u32>().ok());
    match (it.next(), it.next(), it.next(), it.next()) {
        (Some(Some(a)), Some(Some(b)), Some(Some(c)), None) => Some((a, b, c)),
        _ => None,
    }
}

/// A failed keyword and the path to it, built while unwinding (only on failure, and only
/// where the failure is reported: not inside `anyOf`, `oneOf` or `not`, whose alternatives
/// fail as a matter of course).
struct Fail {
    keyword: &'static str,
    path: Vec<String>,
}

fn fail(keyword: &'static str) -> Fail {
    Fail {
        keyword,
        path: Vec::new(),
    }
}

fn at(trace: bool, segment: impl ToString) -> impl FnOnce(Fail) -> Fail {
    move |mut f| {
        if trace {
            f.path.push(segment.to_string());
        }
        f
    }
}

impl Schema {
    fn load(version: &'static str, text: &str) -> Option<Self> {
        let root: Value = serde_json::from_str(text).ok()?;
        let mut c = Compiler {
            root: &root,
            nodes: Vec::new(),
            refs: HashMap::new(),
        };
        c.compile(&root, 0);
        Some(Self {
            version,
            nodes: c.nodes,
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
        self.validate_view(&Json::from_serde(instance))
    }

    /// [`Schema::validate`] of a payload read from CBOR.
    pub(crate) fn validate_view(&self, instance: &Json<'_>) -> Result<()> {
        self.check(0, instance, 0, true).map_err(|f| {
            let path: String = f.path.iter().rev().map(|s| format!("/{s}")).collect();
            DccError::Schema {
                path: if path.is_empty() { "/".into() } else { path },
                keyword: f.keyword,
            }
        })
    }

    /// Check `v` against node `id`; `trace`: record the path of a failure.
    fn check(
        &self,
        id: usize,
        v: &Json<'_>,
        depth: usize,
        trace: bool,
    ) -> core::result::Result<(), Fail> {
        let n = self.nodes.get(id).ok_or_else(|| fail("$ref"))?;
        if depth > MAX_DEPTH || n.broken_ref {
            return Err(fail("$ref"));
        }
        match n.always {
            Some(true) => return Ok(()),
            Some(false) => return Err(fail("false")),
            None => {}
        }
        if let Some(r) = n.reference {
            self.check(r, v, depth + 1, trace)?;
        }
        if let Some(types) = &n.types {
            if !types.iter().any(|t| t.matches(v)) {
                return Err(fail("type"));
            }
        }
        if let Some(options) = &n.enumeration {
            if !options.iter().any(|o| json_eq(o, v)) {
                return Err(fail("enum"));
            }
        }
        if let Some(c) = &n.constant {
            if !json_eq(c, v) {
                return Err(fail("const"));
            }
        }
        match v {
            Json::String(text) => {
                // Lengths count characters; the byte length bounds them from above, so the
                // characters are counted only when the bytes cannot decide.
                let bytes = as_u64(text.len());
                let chars = || as_u64(text.chars().count());
                if n.max_length.is_some_and(|m| bytes > m && chars() > m) {
                    return Err(fail("maxLength"));
                }
                if n.min_length
                    .is_some_and(|m| m > 0 && (bytes < m || chars() < m))
                {
                    return Err(fail("minLength"));
                }
                match &n.pattern {
                    Some(Ok(re)) if !re.is_match(text) => return Err(fail("pattern")),
                    Some(Err(())) => return Err(fail("pattern")),
                    _ => {}
                }
            }
            Json::Number(num) => {
                let x = num.as_f64();
                if n.minimum.is_some_and(|m| x.is_nan() || x < m) {
                    return Err(fail("minimum"));
                }
                if n.maximum.is_some_and(|m| x.is_nan() || x > m) {
                    return Err(fail("maximum"));
                }
            }
            Json::Array(items) => {
                let len = as_u64(items.len());
                if n.max_items.is_some_and(|m| len > m) {
                    return Err(fail("maxItems"));
                }
                if n.min_items.is_some_and(|m| len < m) {
                    return Err(fail("minItems"));
                }
                if let Some(item) = n.items {
                    for (i, x) in items.iter().enumerate() {
                        self.check(item, x, depth + 1, trace)
                            .map_err(at(trace, i))?;
                    }
                }
            }
            Json::Object(obj) => {
                // The members, `required` and `properties` are all sorted by name: one walk
                // over each pair.
                let mut members = obj.iter().map(|(k, _)| k.as_ref()).peekable();
                for r in &n.required {
                    if next_equal(&mut members, |k| k.cmp(&r.as_str())).is_none() {
                        return Err(at(trace, r)(fail("required")));
                    }
                }
                let mut properties = n.properties.iter().peekable();
                for (k, x) in obj {
                    let sub = next_equal(&mut properties, |(name, _)| name.as_str().cmp(k))
                        .map(|(_, sub)| *sub)
                        .or(n.additional);
                    if let Some(sub) = sub {
                        self.check(sub, x, depth + 1, trace).map_err(at(trace, k))?;
                    }
                }
            }
            _ => {}
        }
        for sub in &n.all_of {
            self.check(*sub, v, depth + 1, trace)?;
        }
        if !n.any_of.is_empty()
            && !n
                .any_of
                .iter()
                .any(|sub| self.check(*sub, v, depth + 1, false).is_ok())
        {
            return Err(fail("anyOf"));
        }
        if !n.one_of.is_empty() {
            let passing = n
                .one_of
                .iter()
                .filter(|sub| self.check(**sub, v, depth + 1, false).is_ok())
                .count();
            if passing != 1 {
                return Err(fail("oneOf"));
            }
        }
        if let Some(not) = n.not {
            if self.check(not, v, depth + 1, false).is_ok() {
                return Err(fail("not"));
            }
        }
        Ok(())
    }
}

/// In a sorted sequence, skip the items ordered before the sought one and take the one equal
/// to it, if any (`order`: an item's order relative to the sought one). One comparison per
/// item passed.
fn next_equal<I: Iterator>(
    items: &mut core::iter::Peekable<I>,
    mut order: impl FnMut(&I::Item) -> Ordering,
) -> Option<I::Item> {
    loop {
        match order(items.peek()?) {
            Ordering::Less => {
                items.next();
            }
            Ordering::Equal => return items.next(),
            Ordering::Greater => return None,
        }
    }
}

fn as_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_loads_and_patterns_compile() {
        for (v, _) in SCHEMAS {
            let s = Schema::for_version(v).unwrap();
            assert_eq!(s.version(), v);
            assert!(
                s.nodes
                    .iter()
                    .all(|n| !matches!(n.pattern, Some(Err(()))) && !n.broken_ref),
                "{v}"
            );
        }
        assert_eq!(Schema::for_version("1.3.9").unwrap().version(), "1.3.3");
        assert!(Schema::for_version("2.0.0").is_err());
        assert!(Schema::for_version("x").is_err());
    }
}
