//! Our verifier against pyHanko's verdicts (`third-party/pyhanko/VERDICTS.json`, transcribed
//! from pyHanko's own tests): for every signed-PDF case and every signature it names, we
//! must agree on the ByteRange, intact, valid, trusted, coverage, modification class and
//! bottom line — or the divergence is
//! listed, with its reason, in `third-party/pyhanko/EXCEPTIONS.tsv`. The harness fails on
//! an unlisted divergence and on a listed one that no longer diverges; it prints the
//! agreement table with `--nocapture`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};
use qes_cert::{parse_pem, Certificate, Limits, ParseMode};
use qes_cms::{Indication, Step, Verifier};
use qes_pades::{Coverage, Modifications, PadesVerifier, SignatureReport};
use qes_signer::DigestAlgorithm;
use serde_json::Value;

/// One boolean of a report.
type Flag = fn(&SignatureReport) -> bool;

fn third_party(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../third-party/pyhanko")
        .join(path)
}

fn anchors() -> Vec<Certificate> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(third_party("derived-trust-anchors")).unwrap() {
        let pem = std::fs::read(entry.unwrap().path()).unwrap();
        out.push(parse_pem(&pem, ParseMode::Lenient, &Limits::default()).unwrap());
    }
    out
}

/// pyHanko's coverage names for ours; a ByteRange we reject is pyHanko's UNCLEAR.
fn coverage_name(s: &SignatureReport) -> &'static str {
    match (s.byte_range_problem, s.coverage) {
        (Some(_), _) => "UNCLEAR",
        (None, Some(Coverage::EntireFile)) => "ENTIRE_FILE",
        (None, Some(Coverage::EntireRevision)) => "ENTIRE_REVISION",
        (None, Some(Coverage::Partial)) => "CONTIGUOUS_BLOCK_FROM_START",
        (None, _) => "NONE",
    }
}

/// Whether the certificate path validated (pyHanko's "trusted").
fn trusted(s: &SignatureReport) -> bool {
    s.signer.as_ref().is_some_and(|r| {
        r.checks
            .iter()
            .any(|c| c.step == Step::CertificatePath && c.outcome.passed())
    })
}

/// `EXCEPTIONS.tsv`: `file \t index \t field \t reason`.
fn exceptions() -> BTreeMap<(String, usize, String), String> {
    let text = std::fs::read_to_string(third_party("EXCEPTIONS.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 4, "bad EXCEPTIONS.tsv line: {l}");
            (
                (
                    cols[0].to_string(),
                    cols[1].parse().unwrap(),
                    cols[2].to_string(),
                ),
                cols[3].to_string(),
            )
        })
        .collect()
}

#[test]
fn agree_with_pyhanko_verdicts() {
    let verdicts: Value =
        serde_json::from_slice(&std::fs::read(third_party("VERDICTS.json")).unwrap()).unwrap();
    let anchors = anchors();
    let exceptions = exceptions();
    let mut checked = std::collections::BTreeSet::new();
    let mut unlisted = Vec::new();
    let (mut agreed, mut diverged) = (0, 0);
    for case in verdicts["cases"].as_array().unwrap() {
        let file = case["file"]
            .as_str()
            .unwrap()
            .trim_start_matches("test_data/pdf/");
        let pdf = std::fs::read(third_party(&format!("pdf/{file}"))).unwrap();
        // The vector is the one the verdicts were made on.
        assert_eq!(
            u64::try_from(pdf.len()).unwrap(),
            case["size"].as_u64().unwrap(),
            "{file}"
        );
        let digest = DigestAlgorithm::Sha256.digest(&pdf);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, case["sha256"].as_str().unwrap(), "{file}");

        let at = case["validation_time"]
            .as_str()
            .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap())
            .unwrap_or(NaiveDate::from_ymd_opt(2021, 1, 5).unwrap());
        let at = Utc.from_utc_datetime(&at.and_hms_opt(12, 0, 0).unwrap());
        let mut observed: BTreeMap<String, String> = BTreeMap::new();
        let mut reports: Vec<SignatureReport> =
            match PadesVerifier::new(Verifier::new(&anchors, at)).verify(&pdf) {
                Ok(r) => r.signatures,
                Err(e) => {
                    observed.insert("error".into(), e.to_string());
                    Vec::new()
                }
            };
        // pyHanko numbers signatures in file order.
        reports.sort_by_key(|s| s.byte_range.map_or(usize::MAX, |r| r[1]));

        let expected = &case["expected"];
        let sigs: Vec<Value> = match expected.get("signatures") {
            Some(Value::Array(a)) => a.clone(),
            _ => vec![{
                let mut v = expected.clone();
                v["index"] = Value::from(0);
                v
            }],
        };
        let byteranges = case["byteranges"].as_array().cloned().unwrap_or_default();
        for sig in sigs {
            let index = sig["index"].as_u64().unwrap().try_into().unwrap();
            let ours = reports.get(index);
            let mut check = |field: &str, theirs: String, ours: String| {
                let key = (file.to_string(), index, field.to_string());
                checked.insert(key.clone());
                let agrees = theirs == ours;
                match (agrees, exceptions.get(&key)) {
                    (true, None) => agreed += 1,
                    (false, Some(_)) => diverged += 1,
                    (true, Some(reason)) => unlisted.push(format!(
                        "{file}#{index} {field}: now agrees ({ours}) but is listed: {reason}"
                    )),
                    (false, None) => unlisted.push(format!(
                        "{file}#{index} {field}: pyHanko {theirs}, ours {ours}"
                    )),
                }
            };
            let describe = |s: Option<&SignatureReport>| -> String {
                s.map_or("no signature".into(), |s| {
                    format!("{:?} {:?}", s.indication, s.problem)
                })
            };
            if let Some(range) = byteranges.get(index) {
                let theirs: Vec<usize> = range
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.as_u64().unwrap().try_into().unwrap())
                    .collect();
                check(
                    "byterange",
                    format!("{theirs:?}"),
                    ours.and_then(|s| s.byte_range)
                        .map_or(describe(ours), |r| format!("{:?}", r.to_vec())),
                );
            }
            let flags: [(&str, Flag); 3] = [
                ("intact", |s| s.intact),
                ("valid", |s| s.valid),
                ("trusted", trusted),
            ];
            for (field, get) in flags {
                if let Some(theirs) = sig.get(field).and_then(Value::as_bool) {
                    check(
                        field,
                        theirs.to_string(),
                        ours.map_or(describe(ours), |s| get(s).to_string()),
                    );
                }
            }
            if let Some(theirs) = sig.get("coverage").and_then(Value::as_str) {
                // "ENTIRE_FILE (presumed: …)" → "ENTIRE_FILE".
                let theirs = theirs.split_whitespace().next().unwrap().to_string();
                check(
                    "coverage",
                    theirs,
                    ours.map_or(describe(ours), |s| coverage_name(s).to_string()),
                );
            }
            if let Some(theirs) = sig
                .get("bottom_line")
                .or(expected.get("bottom_line"))
                .and_then(Value::as_bool)
            {
                check(
                    "bottom_line",
                    theirs.to_string(),
                    ours.map_or(describe(ours), |s| {
                        (s.indication == Indication::TotalPassed).to_string()
                    }),
                );
            }
            if sig.get("error").is_some() {
                check(
                    "rejected",
                    "true".into(),
                    ours.map_or("no signature".into(), |s| {
                        (s.indication == Indication::TotalFailed && s.signer.is_none()).to_string()
                    }),
                );
            }
            // Modification classes: pyHanko's levels NONE / LTA_UPDATES, FORM_FILLING,
            // ANNOTATIONS / OTHER and its SuspiciousModification, against ours.
            let ours_class = ours.map_or("no signature".to_string(), |s| {
                match &s.modifications {
                    Some(Modifications::None) => "none",
                    Some(Modifications::SignatureMaintenance | Modifications::FormFilling) => {
                        "allowed"
                    }
                    Some(Modifications::Annotations) => "annotations",
                    Some(Modifications::NotAllowed { .. }) => "not-allowed",
                    _ => "not analysed",
                }
                .to_string()
            });
            if let Some(level) = sig.get("modification_level").and_then(Value::as_str) {
                let theirs = match level {
                    "NONE" => "none",
                    "LTA_UPDATES" | "FORM_FILLING" => "allowed",
                    _ => "not-allowed",
                };
                check("modification_level", theirs.to_string(), ours_class.clone());
            }
            if sig.get("diff_result").and_then(Value::as_str) == Some("SuspiciousModification") {
                check("diff_result", "not-allowed".into(), ours_class.clone());
            }
        }
    }
    for key in exceptions.keys().filter(|k| !checked.contains(*k)) {
        unlisted.push(format!(
            "{}#{} {}: listed in EXCEPTIONS.tsv but not checked",
            key.0, key.1, key.2
        ));
    }
    println!("pyHanko verdicts: {agreed} checks agree, {diverged} listed divergences");
    assert!(unlisted.is_empty(), "{}", unlisted.join("\n"));
    // The harness is not vacuous.
    assert!(agreed > 40, "{agreed}");
}
