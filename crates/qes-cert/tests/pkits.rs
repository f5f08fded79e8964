//! NIST PKITS v1.0.1 (as vendored from BoringSSL, `third-party/nist-pkits/`): every case of
//! `pkits_testcases.json` through `PathValidator`, revocation required, at 2022-05-01.
//!
//! Cases that do not give the expected result must be listed in
//! `third-party/nist-pkits/EXCEPTIONS.md`; a listed case that passes fails the test too, so the
//! file stays honest.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use qes_cert::{
    AlgorithmPolicy, Certificate, Crl, ParseMode, PathValidator, RevocationPolicy,
    ValidationOptions,
};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../third-party/nist-pkits")
}

fn load_cert(name: &str) -> Option<Certificate> {
    let bytes = std::fs::read(dir().join("certs").join(format!("{name}.crt"))).unwrap();
    Certificate::from_der(&bytes, ParseMode::Strict)
        .or_else(|_| Certificate::from_der(&bytes, ParseMode::Lenient))
        .ok()
}

fn load_crl(name: &str) -> Option<Crl> {
    let bytes = std::fs::read(dir().join("crls").join(format!("{name}.crl"))).unwrap();
    Crl::from_der(&bytes).ok()
}

/// The JSON conversion dropped two inputs that the upstream generated header sets; read them
/// from `pkits_testcases-inl.h` by gtest name.
fn header_flags() -> BTreeMap<String, (bool, bool)> {
    let text = std::fs::read_to_string(dir().join("pkits_testcases-inl.h")).unwrap();
    let mut out = BTreeMap::new();
    for block in text.split("WRAPPED_TYPED_TEST_P(").skip(1) {
        let Some(name) = block.split(',').nth(1) else {
            continue;
        };
        let name = name.split(')').next().unwrap().trim().to_owned();
        let mapping = block.contains("SetInitialPolicyMappingInhibit(true)");
        let any = block.contains("SetInitialInhibitAnyPolicy(true)");
        out.insert(name, (mapping, any));
    }
    out
}

/// `| gtest name | number | reason |` rows of EXCEPTIONS.md.
fn exceptions() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(dir().join("EXCEPTIONS.md")).unwrap_or_default();
    text.lines()
        .filter(|l| l.starts_with("| Section"))
        .map(|l| {
            let cols: Vec<&str> = l.split('|').map(str::trim).collect();
            (
                cols[1].to_owned(),
                cols.get(3).copied().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// The error codes an invalid case of each section may fail with: a negative case must fail
/// for a reason of its section, not by accident.
fn allowed_codes(section: u32) -> &'static [&'static str] {
    match section {
        1 => &["bad_signature"],
        2 => &["expired", "not_yet_valid"],
        3 => &["no_issuer", "name_chaining"],
        4 | 14 | 15 => &["revoked", "revocation_unknown"],
        5 => &["revoked", "revocation_unknown", "not_ca", "key_usage"],
        6 => &["not_ca", "path_length"],
        7 => &["key_usage", "revocation_unknown"],
        8..=12 => &["policy"],
        13 => &["name_constraints"],
        16 => &["unknown_critical_extension"],
        _ => &[],
    }
}

#[test]
fn nist_pkits() {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("pkits_testcases.json")).unwrap())
            .unwrap();
    let oids: BTreeMap<String, String> = json["policy_name_to_oid"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    let flags = header_flags();
    let exceptions = exceptions();
    let time = chrono::DateTime::parse_from_rfc3339("2022-05-01T00:00:00Z")
        .unwrap()
        .to_utc();

    let mut table: BTreeMap<u32, (usize, usize, usize)> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for case in json["testcases"].as_array().unwrap() {
        let name = case["gtest_name"].as_str().unwrap().to_owned();
        let number = case["test_number"].as_str().unwrap();
        seen.insert(name.clone());
        let should = case["should_validate"].as_bool().unwrap();
        let section: u32 = number.split('.').nth(1).unwrap().parse().unwrap();
        let names: Vec<&str> = case["certs_root_to_leaf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let certs: Vec<Option<Certificate>> = names.iter().map(|n| load_cert(n)).collect();
        let crls: Vec<Crl> = case["crls"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| load_crl(v.as_str().unwrap()))
            .collect();
        let policies: Vec<const_oid::ObjectIdentifier> = case
            .get("initial_policy_set")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .map(|p| oids[p.as_str().unwrap()].parse().unwrap())
                    .collect()
            })
            .unwrap_or_default();
        let explicit = case
            .get("initial_explicit_policy")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let (mapping_inhibit, any_inhibit) = flags.get(&name).copied().unwrap_or_default();

        let result = if certs.iter().any(Option::is_none) {
            Err("a certificate does not parse".to_owned())
        } else {
            let certs: Vec<Certificate> = certs.into_iter().flatten().collect();
            let anchors = [certs[0].clone()];
            let pool: Vec<Certificate> = certs[1..certs.len() - 1].to_vec();
            let leaf = &certs[certs.len() - 1];
            let opts = ValidationOptions::new(time)
                .with_initial_policies(policies)
                .with_explicit_policy(explicit)
                .with_policy_mapping_inhibit(mapping_inhibit)
                .with_any_policy_inhibit(any_inhibit)
                .with_crls(crls)
                .with_revocation(RevocationPolicy::Require)
                .with_algorithm_policy(AlgorithmPolicy::legacy());
            PathValidator::new(&anchors)
                .with_intermediates(&pool)
                .validate(leaf, &opts)
                .map(|path| {
                    path.valid_policies()
                        .iter()
                        .map(ToString::to_string)
                        .collect::<BTreeSet<_>>()
                })
                .map_err(|e| format!("{}|at {:?}: {e}", e.code(), e.index()))
        };
        let expected_policies: Option<BTreeSet<String>> = case
            .get("expected_user_constrained_policy_set")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .map(|p| oids[p.as_str().unwrap()].clone())
                    .collect()
            });
        let mut passed = result.is_ok() == should;
        if let Err(e) = &result {
            let code = e.split('|').next().unwrap_or_default();
            if !should && !allowed_codes(section).contains(&code) && !exceptions.contains_key(&name)
            {
                passed = false;
                problems.push(format!(
                    "{number} {name}: fails with {e}, not a reason of its section"
                ));
            }
        }
        if let (Ok(got), Some(want)) = (&result, &expected_policies) {
            if got != want {
                passed = false;
                problems.push(format!(
                    "{number} {name}: user-constrained policy set {got:?}, expected {want:?}"
                ));
            }
        }
        if std::env::var_os("PKITS_VERBOSE").is_some() {
            println!(
                "{number:10} {:5} {:60} {result:?}",
                passed,
                case["title"].as_str().unwrap()
            );
        }
        let listed = exceptions.contains_key(&name);
        let row = table.entry(section).or_default();
        row.0 += 1;
        if passed {
            row.1 += 1;
        }
        if listed {
            row.2 += 1;
        }
        match (passed, listed) {
            (true, true) => problems.push(format!(
                "{number} {name}: listed in EXCEPTIONS.md but passes"
            )),
            (false, false) => problems.push(format!(
                "{number} {name}: expected {}, got {result:?}",
                if should { "valid" } else { "invalid" }
            )),
            _ => {}
        }
    }
    for name in exceptions.keys() {
        if !seen.contains(name) {
            problems.push(format!(
                "{name}: listed in EXCEPTIONS.md but not a PKITS case"
            ));
        }
    }

    println!("| Section | Cases | Pass | Listed exceptions |");
    println!("|---|---:|---:|---:|");
    let (mut total, mut pass, mut listed) = (0, 0, 0);
    for (section, (n, p, l)) in &table {
        println!("| 4.{section} | {n} | {p} | {l} |");
        total += n;
        pass += p;
        listed += l;
    }
    println!("| **all** | {total} | {pass} | {listed} |");
    assert!(
        problems.is_empty(),
        "{} PKITS problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Path building among every PKITS certificate and CRL at once: each valid case with default
/// policy inputs must still find its path (and not drown in the 400 unrelated certificates).
#[test]
fn path_building_in_the_full_pool() {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("pkits_testcases.json")).unwrap())
            .unwrap();
    let mut pool = Vec::new();
    for entry in std::fs::read_dir(dir().join("certs")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        if name != "TrustAnchorRootCertificate" {
            if let Some(c) = load_cert(&name) {
                pool.push(c);
            }
        }
    }
    let mut crls = Vec::new();
    for entry in std::fs::read_dir(dir().join("crls")).unwrap() {
        let path = entry.unwrap().path();
        if let Some(c) = load_crl(path.file_stem().unwrap().to_str().unwrap()) {
            crls.push(c);
        }
    }
    let anchors = [load_cert("TrustAnchorRootCertificate").unwrap()];
    let time = chrono::DateTime::parse_from_rfc3339("2022-05-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let opts = ValidationOptions::new(time)
        .with_crls(crls)
        .with_algorithm_policy(AlgorithmPolicy::legacy());
    let validator = PathValidator::new(&anchors).with_intermediates(&pool);
    let exceptions = exceptions();
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in json["testcases"].as_array().unwrap() {
        let name = case["gtest_name"].as_str().unwrap();
        if !case["should_validate"].as_bool().unwrap()
            || case.get("initial_policy_set").is_some()
            || case.get("initial_explicit_policy").is_some()
            || exceptions.contains_key(name)
        {
            continue;
        }
        let certs = case["certs_root_to_leaf"].as_array().unwrap();
        let leaf = load_cert(certs.last().unwrap().as_str().unwrap()).unwrap();
        checked += 1;
        if let Err(e) = validator.validate(&leaf, &opts) {
            failures.push(format!("{} {name}: {} {e}", case["test_number"], e.code()));
        }
    }
    println!("{checked} valid cases rebuilt from the full pool");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // A tiny candidate budget ends the search with a budget error, not a wrong answer.
    let leaf = load_cert("ValidCertificatePathTest1EE").unwrap();
    let tight = opts
        .clone()
        .with_budget(qes_cert::Budget::new(100, 1, 1000));
    let err = validator.validate(&leaf, &tight).unwrap_err();
    assert_eq!(err.code(), "budget_exceeded");
}
