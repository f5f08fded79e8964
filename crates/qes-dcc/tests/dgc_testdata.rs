//! Every vector of eu-digital-green-certificates/dgc-testdata (`third-party/dgc-testdata/`):
//! for each `EXPECTED*` flag a vector sets, the matching step must agree. Divergences are
//! listed in `third-party/dgc-testdata/EXCEPTIONS.tsv` with their reasons; the test fails when
//! an unlisted check disagrees or a listed one starts agreeing.
//!
//! `cargo test -p qes-dcc --test dgc_testdata -- --nocapture` prints the table in the README.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use base64ct::{Base64, Encoding};
use qes_cert::{Certificate, ParseMode};
use qes_dcc::{
    base45, check_expiry, check_key_usage, check_schema, parse_datetime, strip_prefix, zlib,
    CertificateType, Claims, CoseSign1, Dsc, Limits, Schema, Step, TrustList, Verifier,
};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../third-party/dgc-testdata")
}

fn vectors(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            vectors(&p, out);
        } else if p.extension().is_some_and(|x| x == "json")
            && p.components().any(|c| c.as_os_str() == "2DCode")
        {
            out.push(p);
        }
    }
}

fn hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The flags a vector sets, with upstream's quirks: a nested `EXPECTEDRESULTS`, and the misspelt
/// `EXPTECTEDEXPIRED`, which upstream's own harness never reads (so neither do we).
fn flags(v: &Value) -> BTreeMap<String, bool> {
    let mut out = BTreeMap::new();
    let mut add = |m: &serde_json::Map<String, Value>| {
        for (k, val) in m {
            if let Some(b) = val.as_bool() {
                out.insert(k.clone(), b);
            }
        }
    };
    if let Some(Value::Object(m)) = v.get("EXPECTEDRESULTS") {
        add(m);
        if let Some(Value::Object(inner)) = m.get("EXPECTEDRESULTS") {
            add(inner);
        }
    }
    out
}

struct Vector {
    v: Value,
    limits: Limits,
}

impl Vector {
    fn str(&self, k: &str) -> Option<&str> {
        self.v.get(k).and_then(Value::as_str)
    }
    fn ctx(&self, k: &str) -> Option<&str> {
        self.v
            .get("TESTCTX")
            .and_then(|c| c.get(k))
            .and_then(Value::as_str)
    }
    /// The COSE bytes: the `COSE` field, else decoded from `PREFIX` through the chain.
    fn cose(&self) -> Option<Vec<u8>> {
        if let Some(c) = self.str("COSE").and_then(hex) {
            return Some(c);
        }
        let b45 = strip_prefix(self.str("PREFIX")?).ok()?;
        let z = base45::decode(b45, usize::MAX).ok()?;
        zlib::inflate(&z, self.limits.max_inflated_len).ok()
    }
    fn certificate(&self) -> Option<Certificate> {
        let der = Base64::decode_vec(self.ctx("CERTIFICATE")?.trim()).ok()?;
        Certificate::from_der(&der, ParseMode::Lenient).ok()
    }
    fn claims(&self) -> Option<Claims> {
        let cose = CoseSign1::from_cbor(&self.cose()?, self.limits.max_cbor_depth).ok()?;
        Claims::from_cbor(cose.payload(), self.limits.max_cbor_depth).ok()
    }
    fn clock(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        parse_datetime(self.ctx("VALIDATIONCLOCK")?)
    }
    /// The payload in the `CBOR` field: some vectors hold the payload, others the whole CWT
    /// claims set.
    fn json_of_cbor_field(&self) -> Option<Value> {
        let cbor = hex(self.str("CBOR")?)?;
        if let Ok(claims) = Claims::from_cbor(&cbor, self.limits.max_cbor_depth) {
            return Some(claims.payload().clone());
        }
        let v: ciborium::value::Value = ciborium::de::from_reader(cbor.as_slice()).ok()?;
        cbor_to_json(&v)
    }

    /// What our implementation says for `flag`; `None` when the vector lacks the inputs.
    fn check(&self, flag: &str) -> Option<bool> {
        Some(match flag {
            "EXPECTEDUNPREFIX" => {
                let b45 = strip_prefix(self.str("PREFIX")?);
                match (b45, self.str("BASE45")) {
                    (Ok(b), Some(exp)) => b == exp,
                    (Ok(_), None) => true,
                    (Err(_), _) => false,
                }
            }
            "EXPECTEDB45DECODE" => match base45::decode(self.str("BASE45")?, usize::MAX) {
                Ok(bytes) => match self.str("COMPRESSED").and_then(hex) {
                    Some(c) => c == bytes,
                    None => true,
                },
                Err(_) => false,
            },
            "EXPECTEDCOMPRESSION" => {
                let z = hex(self.str("COMPRESSED")?)?;
                match zlib::inflate(&z, self.limits.max_inflated_len) {
                    Ok(c) => match self.str("COSE").and_then(hex) {
                        Some(cose) => c == cose,
                        None => true,
                    },
                    Err(_) => false,
                }
            }
            "EXPECTEDVERIFY" => {
                let cose = self.cose()?;
                let Some(cert) = self.certificate() else {
                    return Some(false);
                };
                let mut trust = TrustList::new();
                trust.push(Dsc::new(cert).ok()?);
                // Without a clock, any fixed time: the signature step does not depend on it.
                let at = self
                    .clock()
                    .or_else(|| parse_datetime("2021-06-01T00:00:00Z"))?;
                let report = Verifier::new(&trust, at).verify_cose(&cose);
                report.outcome(Step::Signature).passed()
            }
            "EXPECTEDDECODE" => {
                let Some(claims) = self.claims() else {
                    return Some(false);
                };
                let json_ok = self
                    .v
                    .get("JSON")
                    .is_none_or(|j| json_eq(j, claims.payload()));
                let cbor_ok = match self.str("CBOR") {
                    Some(_) => self
                        .json_of_cbor_field()
                        .is_some_and(|c| json_eq(&c, claims.payload())),
                    None => true,
                };
                if std::env::var_os("DGC_DEBUG").is_some() && !(json_ok && cbor_ok) {
                    eprintln!(
                        "decode: ours {}\n   json {:?}\n   cbor {:?}",
                        claims.payload(),
                        self.v.get("JSON"),
                        self.json_of_cbor_field()
                    );
                }
                json_ok && cbor_ok
            }
            "EXPECTEDVALIDJSON" => {
                let json = self.v.get("JSON")?;
                let claims = match self.str("PREFIX") {
                    Some(p) => qes_dcc::decode(p, &self.limits).ok().map(|d| d.claims),
                    None => self.claims(),
                };
                claims.is_some_and(|c| json_eq(json, c.payload()))
            }
            "EXPECTEDSCHEMAVALIDATION" => {
                let payload = match self.claims() {
                    Some(c) => c.payload().clone(),
                    None => self.v.get("JSON")?.clone(),
                };
                let r = check_schema(&payload);
                if std::env::var_os("DGC_DEBUG").is_some() {
                    if let Err(e) = &r {
                        eprintln!("schema: {e}");
                    }
                }
                r.is_ok()
            }
            "EXPECTEDVALIDOBJECT" => {
                let json = self.v.get("JSON")?;
                let ver = self.ctx("SCHEMA").or_else(|| json.get("ver")?.as_str())?;
                let r = Schema::for_version(ver).and_then(|s| s.validate(json));
                if std::env::var_os("DGC_DEBUG").is_some() {
                    if let Err(e) = &r {
                        eprintln!("validobject {ver}: {e}");
                    }
                }
                r.is_ok()
            }
            "EXPECTEDEXPIRATIONCHECK" => {
                let Some(claims) = self.claims() else {
                    return Some(false);
                };
                check_expiry(&claims, self.clock()?).is_ok()
            }
            "EXPECTEDKEYUSAGE" => {
                let Some(claims) = self.claims() else {
                    return Some(false);
                };
                let Some(cert) = self.certificate() else {
                    return Some(false);
                };
                let Some(kind) = CertificateType::of_json(claims.payload()) else {
                    return Some(false);
                };
                check_key_usage(&Dsc::new(cert).ok()?, kind).is_ok()
            }
            "EXPECTEDENCODE" => {
                let json = self.v.get("JSON")?;
                // Without a `CBOR` field, the JSON encoded must read back as itself.
                let c = match self.str("CBOR") {
                    Some(_) => self.json_of_cbor_field(),
                    None => {
                        let claims = Claims::new(None, None, None, json.clone());
                        let cbor = claims.to_cbor().ok()?;
                        Claims::from_cbor(&cbor, self.limits.max_cbor_depth)
                            .ok()
                            .map(|c| c.payload().clone())
                    }
                };
                if std::env::var_os("DGC_DEBUG").is_some()
                    && !c.as_ref().is_some_and(|c| json_eq(json, c))
                {
                    eprintln!("encode: json {json}\n   cbor {c:?}");
                }
                c.is_some_and(|c| json_eq(json, &c))
            }
            "EXPECTEDPICTUREDECODE" => {
                let png = Base64::decode_vec(self.str("2DCODE")?.trim()).ok();
                let text = png.and_then(|p| qes_dcc::qr::read_png(&p).ok());
                match (text, self.str("PREFIX")) {
                    (Some(t), Some(prefix)) => t == prefix,
                    (Some(_), None) => true,
                    (None, _) => false,
                }
            }
            _ => return None,
        })
    }
}

fn cbor_to_json(v: &ciborium::value::Value) -> Option<Value> {
    use ciborium::value::Value as C;
    Some(match v {
        C::Null => Value::Null,
        C::Bool(b) => Value::Bool(*b),
        C::Text(s) => Value::String(s.clone()),
        C::Integer(i) => Value::from(i64::try_from(i128::from(*i)).ok()?),
        C::Float(f) => Value::Number(serde_json::Number::from_f64(*f)?),
        C::Tag(_, inner) => cbor_to_json(inner)?,
        C::Array(a) => Value::Array(a.iter().map(cbor_to_json).collect::<Option<_>>()?),
        C::Map(m) => Value::Object(
            m.iter()
                .map(|(k, v)| Some((k.as_text()?.to_owned(), cbor_to_json(v)?)))
                .collect::<Option<_>>()?,
        ),
        _ => return None,
    })
}

fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
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

/// `EXCEPTIONS.tsv`: `file<TAB>flag<TAB>reason`, `#` comments.
fn exceptions() -> BTreeMap<(String, String), String> {
    let text = std::fs::read_to_string(root().join("EXCEPTIONS.tsv")).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut it = l.splitn(3, '\t');
            let file = it.next().unwrap().to_owned();
            let flag = it.next().unwrap_or_default().to_owned();
            let reason = it.next().unwrap_or_default().to_owned();
            assert!(!reason.trim().is_empty(), "exception without a reason: {l}");
            ((file, flag), reason)
        })
        .collect()
}

#[test]
fn every_vector() {
    let root = root();
    let mut files = Vec::new();
    vectors(&root, &mut files);
    files.sort();
    assert!(files.len() > 400, "vectors missing: {}", files.len());
    let exceptions = exceptions();
    let mut used = BTreeSet::new();
    let mut table: BTreeMap<String, [usize; 3]> = BTreeMap::new(); // checked, agree, exception
    let mut unexpected = Vec::new();
    let mut unparsable = 0;
    for path in &files {
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(path).unwrap();
        let Ok(v) = serde_json::from_str::<Value>(&text) else {
            unparsable += 1;
            continue;
        };
        let vector = Vector {
            v,
            limits: Limits::default(),
        };
        for (flag, expected) in flags(&vector.v) {
            let Some(ours) = vector.check(&flag) else {
                continue;
            };
            let row = table.entry(flag.clone()).or_default();
            row[0] += 1;
            let key = (rel.clone(), flag.clone());
            if ours == expected {
                row[1] += 1;
                if exceptions.contains_key(&key) {
                    unexpected.push(format!(
                        "{rel}\t{flag}\tlisted as an exception but agrees now"
                    ));
                    used.insert(key);
                }
            } else if exceptions.contains_key(&key) {
                row[2] += 1;
                used.insert(key);
            } else {
                unexpected.push(format!("{rel}\t{flag}\texpected {expected}, ours {ours}"));
            }
        }
    }
    for key in exceptions.keys() {
        if !used.contains(key) {
            unexpected.push(format!("{}\t{}\texception matches no check", key.0, key.1));
        }
    }
    println!("| step (flag) | checks | agree | exceptions |");
    println!("|---|---:|---:|---:|");
    let mut total = [0usize; 3];
    for (flag, row) in &table {
        println!("| `{flag}` | {} | {} | {} |", row[0], row[1], row[2]);
        for i in 0..3 {
            total[i] += row[i];
        }
    }
    println!(
        "| **all** ({} files, {unparsable} not JSON) | **{}** | **{}** | **{}** |",
        files.len(),
        total[0],
        total[1],
        total[2]
    );
    assert!(
        unexpected.is_empty(),
        "{} unexpected results:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}
