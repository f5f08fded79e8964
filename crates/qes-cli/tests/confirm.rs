//! `qes confirm` end to end through the binary: prefill, the holder signs with `qes sign
//! pdf --field holder`, check-holder, countersign (B-T from a real TSA on loopback), check
//! — in Romanian and English, text and JSON, with the exit codes 0 accepted / 1 refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use qes_testkit::TestPki;

mod common;
use common::{p, qes, text};

#[test]
fn prefill_sign_check_countersign_check() {
    let Some(tsa) = qes_testkit::servers::TsaServer::openssl().unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pki = TestPki::shared();
    pki.write_to(d).unwrap();
    let tsa_root = p(d, "tsa-root.der");
    std::fs::write(&tsa_root, tsa.root_der()).unwrap();
    let holder_pem = p(d, &format!("{}.pem", pki.natural_person().label()));
    let holder_p12 = p(d, &format!("{}.p12", pki.natural_person().label()));
    let provider_p12 = p(d, &format!("{}.p12", pki.legal_person().label()));
    let provider_pem = p(d, &format!("{}.pem", pki.legal_person().label()));
    let root = p(d, &format!("{}.pem", pki.root().label()));
    let out = p(d, "out");

    let o = qes(&["confirm", "prefill", &holder_pem, "-o", &out]);
    assert!(o.status.success(), "{}", text(&o));
    let prefilled = p(&d.join("out"), "stefan_margarit.pdf");
    assert!(Path::new(&prefilled).is_file(), "{}", text(&o));

    let uploaded = p(d, "uploaded.pdf");
    let o = qes(&[
        "sign",
        "pdf",
        &prefilled,
        "--key",
        &holder_p12,
        "--field",
        "holder",
        "--tsa",
        tsa.url(),
        "-o",
        &uploaded,
    ]);
    assert!(o.status.success(), "{}", text(&o));

    let trust = ["--trust", root.as_str(), "--trust", tsa_root.as_str()];
    let mut args = vec![
        "confirm",
        "check-holder",
        &uploaded,
        "--prefilled",
        &prefilled,
        "--holder-cert",
        &holder_pem,
    ];
    args.extend_from_slice(&trust);
    let o = qes(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).starts_with("ACCEPTAT"), "{}", text(&o));

    // The prefilled document itself is not signed: refused, in both languages.
    let mut refused = vec![
        "confirm",
        "check-holder",
        &prefilled,
        "--prefilled",
        &prefilled,
        "--holder-cert",
        &holder_pem,
    ];
    refused.extend_from_slice(&trust);
    let o = qes(&refused);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("nu este semnat de titular"),
        "{}",
        text(&o)
    );
    refused.extend_from_slice(&["--lang", "en", "--json"]);
    let o = qes(&refused);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["reasons"][0]["reason"], "not-signed", "{json:#}");

    let mut args = vec![
        "confirm",
        "countersign",
        &uploaded,
        "--prefilled",
        &prefilled,
        "--holder-cert",
        &holder_pem,
        "--key",
        &provider_p12,
        "--tsa",
        tsa.url(),
        "-o",
        &out,
    ];
    args.extend_from_slice(&trust);
    let o = qes(&args);
    assert!(o.status.success(), "{}\n{}", text(&o), tsa.logs());
    let confirmed = p(&d.join("out"), "confirmare.pdf");

    let mut args = vec![
        "confirm",
        "check",
        &confirmed,
        "--countersigner",
        &provider_pem,
        "--json",
    ];
    args.extend_from_slice(&trust);
    let o = qes(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["reasons"], serde_json::json!([]), "{json:#}");
    assert_eq!(json["countersignature"]["level"], "B-T", "{json:#}");

    // Countersigned by a provider the authority does not trust.
    let mut args = vec![
        "confirm",
        "check",
        &confirmed,
        "--countersigner",
        &holder_pem,
        "--lang",
        "en",
    ];
    args.extend_from_slice(&trust);
    let o = qes(&args);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("not by a trusted provider"),
        "{}",
        text(&o)
    );
}
