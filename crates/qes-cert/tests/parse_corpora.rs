//! Parsing real certificates: the vendored pkilint PEMs and EU DCC document signer
//! certificates that are not strict DER (`third-party/dgc-testdata/`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::tlv;
use std::path::{Path, PathBuf};

use qes_cert::{
    identity, lint, parse_any, parse_p7b, parse_pem, parse_pem_bundle, Certificate, DerRule, Error,
    Limits, ParseMode, QcStatements, QualifiedSummary,
};

fn third_party() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../third-party")
}

fn pkilint_pems() -> Vec<(String, String)> {
    let root = third_party().join("pkilint/tests/integration_certificate/etsi");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(root).unwrap() {
        let dir = dir.unwrap().path();
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            let text = std::fs::read_to_string(&f).unwrap();
            let end = text.find("-----END CERTIFICATE-----").unwrap() + 25;
            out.push((f.display().to_string(), text[..end].to_owned()));
        }
    }
    out.sort();
    out
}

/// The base64 DER of a DSC from a dgc-testdata vector (`TESTCTX.CERTIFICATE`).
fn dgc_certificate_pem(rel: &str) -> String {
    let text = std::fs::read_to_string(third_party().join("dgc-testdata").join(rel)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let b64 = json["TESTCTX"]["CERTIFICATE"].as_str().unwrap();
    format!("-----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----\n")
}

#[test]
fn every_pkilint_certificate_parses_leniently_and_strict_errors_are_named() {
    let mut strict_rejections = 0;
    for (name, pem) in pkilint_pems() {
        let cert = parse_pem(pem.as_bytes(), ParseMode::Lenient, &Limits::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // The profile readers never fail on these, and the lint never panics.
        let _ = QualifiedSummary::of(&cert);
        let _ = identity(&cert).unwrap();
        let _ = lint(&cert);
        match parse_pem(pem.as_bytes(), ParseMode::Strict, &Limits::default()) {
            Ok(strict) => assert!(strict.der_deviations().is_empty()),
            Err(Error::NonDer { .. }) => {
                strict_rejections += 1;
                assert!(!cert.der_deviations().is_empty(), "{name}");
            }
            Err(e) => panic!("{name}: strict mode failed with a non-DER-rule error: {e}"),
        }
    }
    println!("pkilint certificates rejected by strict mode: {strict_rejections}");
}

#[test]
fn explicit_ca_false_is_rejected_strict_and_accepted_lenient() {
    let pem = dgc_certificate_pem("FI/2DCode/raw/3.json");
    let err = parse_pem(pem.as_bytes(), ParseMode::Strict, &Limits::default()).unwrap_err();
    match &err {
        Error::NonDer { location, rule } => {
            assert_eq!(location.to_string(), "extension 2.5.29.19");
            assert_eq!(
                *rule,
                DerRule::ExplicitDefaultBoolean {
                    field: "BasicConstraints.cA"
                }
            );
        }
        other => panic!("unexpected {other}"),
    }
    assert!(err.to_string().contains("DEFAULT"), "{err}");
    let cert = parse_pem(pem.as_bytes(), ParseMode::Lenient, &Limits::default()).unwrap();
    assert_eq!(cert.der_deviations().len(), 1);
    let report = lint(&cert);
    assert!(report.has("qes.der.explicit_default_value"), "{report:?}");
}

#[test]
fn empty_eku_is_rejected_strict_and_accepted_lenient() {
    let pem = dgc_certificate_pem("common/2DCode/raw/CO15.json");
    match parse_pem(pem.as_bytes(), ParseMode::Strict, &Limits::default()).unwrap_err() {
        Error::NonDer {
            location,
            rule: DerRule::EmptySequence { field },
        } => {
            assert_eq!(location.to_string(), "extension 2.5.29.37");
            assert_eq!(field, "ExtKeyUsageSyntax");
        }
        other => panic!("unexpected {other}"),
    }
    let cert = parse_pem(pem.as_bytes(), ParseMode::Lenient, &Limits::default()).unwrap();
    assert!(lint(&cert).has("qes.der.empty_sequence"));
}

/// A certs-only SignedData (RFC 5652) holding `certs`.
fn p7b(certs: &[&[u8]]) -> Vec<u8> {
    let signed_data_oid = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ];
    let data_oid = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
    ];
    let mut sd = vec![0x02, 0x01, 0x01]; // version
    sd.extend(tlv(0x31, &[])); // digestAlgorithms
    sd.extend(tlv(0x30, &data_oid)); // encapContentInfo
    sd.extend(tlv(0xa0, &certs.concat())); // certificates [0] IMPLICIT
    sd.extend(tlv(0x31, &[])); // signerInfos
    let mut ci = signed_data_oid.to_vec();
    ci.extend(tlv(0xa0, &tlv(0x30, &sd)));
    tlv(0x30, &ci)
}

#[test]
fn input_formats() {
    let pems = pkilint_pems();
    let a = parse_pem(pems[0].1.as_bytes(), ParseMode::Lenient, &Limits::default()).unwrap();
    let b = parse_pem(pems[1].1.as_bytes(), ParseMode::Lenient, &Limits::default()).unwrap();

    // DER.
    assert_eq!(
        parse_any(a.der(), ParseMode::Lenient).unwrap(),
        vec![a.clone()]
    );
    // PEM bundle with text and a non-certificate block in between.
    let bundle = format!(
        "subject=whatever\n{}\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\nnotes\n{}",
        pems[0].1, pems[1].1
    );
    assert_eq!(
        parse_any(bundle.as_bytes(), ParseMode::Lenient).unwrap(),
        vec![a.clone(), b.clone()]
    );
    let limits = Limits {
        max_certificates: 1,
        ..Limits::default()
    };
    assert!(matches!(
        parse_pem_bundle(bundle.as_bytes(), ParseMode::Lenient, &limits),
        Err(Error::TooMany { .. })
    ));
    // PKCS#7 certs-only, DER and PEM; the certificates keep their exact bytes.
    let der = p7b(&[a.der(), b.der()]);
    let from_p7b = parse_any(&der, ParseMode::Lenient).unwrap();
    assert_eq!(from_p7b, vec![a.clone(), b.clone()]);
    assert_eq!(from_p7b[0].der(), a.der());
    assert_eq!(
        parse_p7b(&der, ParseMode::Lenient, &Limits::default())
            .unwrap()
            .len(),
        2
    );
    let b64 = base64_encode(&der);
    let pem = format!("-----BEGIN PKCS7-----\n{b64}\n-----END PKCS7-----\n");
    assert_eq!(
        parse_any(pem.as_bytes(), ParseMode::Lenient).unwrap().len(),
        2
    );
    // Size limit.
    let huge = vec![0x30u8; 9 * 1024 * 1024];
    assert!(matches!(
        parse_any(&huge, ParseMode::Lenient),
        Err(Error::TooLarge { .. })
    ));
    // A single-certificate PEM reader refuses other labels.
    assert!(matches!(
        parse_pem(pem.as_bytes(), ParseMode::Lenient, &Limits::default()),
        Err(Error::PemLabel { .. })
    ));
}

#[test]
fn qc_statements_of_a_real_qwac() {
    let pems = pkilint_pems();
    let (_, pem) = pems
        .iter()
        .find(|(n, _)| n.ends_with("qevcp_w_eidas_final_certificate/queulimitvalue.crttest"))
        .unwrap();
    let cert: Certificate =
        parse_pem(pem.as_bytes(), ParseMode::Lenient, &Limits::default()).unwrap();
    let qcs = QcStatements::from_certificate(&cert).unwrap().unwrap();
    assert!(qcs
        .statements
        .iter()
        .any(|s| matches!(s, qes_cert::QcStatement::LimitValue(_))));
    let summary = QualifiedSummary::of(&cert).unwrap();
    assert!(summary.claims_qualified());
    assert_eq!(summary.purpose.value, Some(qes_cert::Purpose::Website));
    let json = serde_json::to_string(&summary).unwrap();
    assert!(json.contains("qc_compliance"), "{json}");
}

fn base64_encode(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(
                    ALPHABET[usize::try_from((n >> (18 - 6 * i)) & 63).unwrap()],
                ));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn non_eu_qualified_and_natural_person_vectors() {
    let pems = pkilint_pems();
    let find = |suffix: &str| {
        let (_, pem) = pems.iter().find(|(n, _)| n.ends_with(suffix)).unwrap();
        parse_pem(pem.as_bytes(), ParseMode::Lenient, &Limits::default()).unwrap()
    };
    // QcCompliance + QcCClegislation: qualified under non-EU law.
    let cert = find("qevcp_w_non_eidas_pre_certificate/country_code_good.crttest");
    let s = QualifiedSummary::of(&cert).unwrap();
    match &s.qualified.value {
        qes_cert::Qualification::NonEuQualified { countries } => assert!(!countries.is_empty()),
        other => panic!("{other:?}"),
    }
    // A natural person website certificate: names read, person decided by the attributes.
    let cert = find("qncp_w_gen_natural_person_eidas_final_certificate/natural_person.crttest");
    let id = identity(&cert).unwrap();
    assert_eq!(id.person, Some(qes_cert::PersonKind::Natural));
    assert!(
        !id.given_names.is_empty() && !id.surnames.is_empty(),
        "{id:?}"
    );
    assert!(id.display_name().is_some());
}
