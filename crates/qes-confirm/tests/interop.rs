//! The confirmation document judged by independent tools:
//! - `pdftotext` extracts the prefilled holder data exactly, Romanian diacritics included;
//!   `qpdf --check` finds the prefilled and the final document clean;
//! - pyHanko, standing in for the holder's desktop reader, signs the prefilled document
//!   in the holder field; we accept that upload, countersign it, and `pyhanko sign
//!   validate` and `pdfsig` judge both signatures of the final document valid;
//! - `qpdf` re-saving the final document (a real rewrite) makes the authority refuse it.
//!
//! Gated by `require_tool!`: a missing tool fails under `CI=true` / `QES_REQUIRE_REAL=1`
//! and prints `SKIPPED` otherwise.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Utc};
use qes_cert::{Certificate, ParseMode};
use qes_cms::Verifier;
use qes_confirm::{check_final, check_holder_signed, countersign, prefill, Reason, HOLDER_FIELD};
use qes_pades::PadesVerifier;
use qes_signer::SoftwareSigner;
use qes_testkit::interop::run;
use qes_testkit::{Issued, TestPki, PKCS12_PASSWORD};
use qes_tsp::{LocalTsa, TspClient};

fn pki() -> &'static TestPki {
    TestPki::shared()
}

fn cert(issued: &Issued) -> Certificate {
    Certificate::from_der(issued.cert_der(), ParseMode::Strict).unwrap()
}

fn signer_of(issued: &Issued) -> SoftwareSigner {
    SoftwareSigner::from_pkcs12(&issued.pkcs12(PKCS12_PASSWORD).unwrap(), PKCS12_PASSWORD).unwrap()
}

fn put(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// pyHanko signs with the wall clock, so this test validates at the wall clock too (the
/// shared test PKI is valid around it).
fn now() -> DateTime<Utc> {
    Utc::now()
}

#[test]
fn pdftotext_extracts_the_holder_data_exactly_and_qpdf_finds_it_clean() {
    let pdftotext = qes_testkit::require_tool!("pdftotext");
    let qpdf = qes_testkit::require_tool!("qpdf");
    let dir = tempfile::tempdir().unwrap();
    let holder = cert(pki().natural_person());
    let prefilled = prefill(&holder, now()).unwrap();
    let path = put(dir.path(), &prefilled.file_name, &prefilled.pdf);
    let r = run(Command::new(&pdftotext).arg(&path).arg("-"));
    assert!(r.success, "{r:?}");
    for expected in [
        "Document de confirmare",
        qes_testkit::NATURAL_PERSON_GIVEN_NAME,
        qes_testkit::NATURAL_PERSON_SURNAME,
        qes_testkit::NATURAL_PERSON_CNP,
        qes_testkit::NATURAL_PERSON_EMAIL,
        &holder.serial_hex(),
        "Semnătura titularului",
        "Contrasemnătura furnizorului",
        "Valabil până la",
        "confirm că datele",
    ] {
        assert!(
            r.stdout.contains(expected),
            "{expected:?} not in:\n{}",
            r.stdout
        );
    }
    let r = run(Command::new(&qpdf).arg("--check").arg(&path));
    assert!(
        r.success && r.stdout.contains("No syntax or stream encoding errors"),
        "{r:?}"
    );
}

#[test]
fn a_pyhanko_signed_upload_is_accepted_countersigned_and_judged_valid() {
    let pyhanko = qes_testkit::require_tool!("pyhanko");
    let pdfsig = qes_testkit::require_tool!("pdfsig");
    let qpdf = qes_testkit::require_tool!("qpdf");
    let dir = tempfile::tempdir().unwrap();
    let issued = pki().natural_person();
    let holder = cert(issued);
    let prefilled = prefill(&holder, now()).unwrap();
    let input = put(dir.path(), &prefilled.file_name, &prefilled.pdf);

    // The holder's desktop reader: pyHanko signs the holder field (PAdES B-B).
    let key = put(dir.path(), "key.pem", issued.key().pkcs8_pem());
    let cert_pem = put(dir.path(), "cert.pem", issued.cert_pem());
    let chain = put(dir.path(), "chain.pem", issued.chain_pem().unwrap());
    let uploaded_path = dir.path().join("uploaded.pdf");
    let r = run(Command::new(&pyhanko)
        .args(["sign", "addsig", "--field", HOLDER_FIELD, "--use-pades"])
        .args(["pemder", "--key"])
        .arg(&key)
        .arg("--cert")
        .arg(&cert_pem)
        .arg("--chain")
        .arg(&chain)
        .arg("--no-pass")
        .arg(&input)
        .arg(&uploaded_path));
    assert!(r.success, "pyhanko sign addsig: {r:?}");
    let uploaded = std::fs::read(&uploaded_path).unwrap();

    let anchors = vec![cert(pki().root())];
    let verifier = PadesVerifier::new(Verifier::new(&anchors, now()));
    let check = check_holder_signed(&verifier, &prefilled.pdf, &uploaded, &holder);
    assert!(check.is_accepted(), "{:#?}", check.reasons);

    let tsa = TspClient::new(LocalTsa::new(
        signer_of(pki().tsa()),
        qes_tsp::LOCAL_TSA_POLICY,
        Utc::now,
    ));
    let provider = pki().legal_person();
    let done = countersign(&uploaded, &check, &signer_of(provider), &tsa, now()).unwrap();
    let final_check = check_final(&verifier, &done.pdf, &[cert(provider)]);
    assert!(final_check.is_accepted(), "{:#?}", final_check.reasons);
    let final_path = put(dir.path(), &done.file_name, &done.pdf);

    let root = put(dir.path(), "root.pem", pki().root().cert_pem());
    let r = qes_testkit::interop::pyhanko_validate(&pyhanko, &[&root], &[], &final_path);
    assert!(r.success, "pyhanko sign validate: {r:?}");
    assert_eq!(
        r.stdout.matches("The signature is judged VALID.").count(),
        2,
        "{r:?}"
    );
    let r = run(Command::new(&pdfsig).arg(&final_path));
    assert_eq!(
        r.stdout
            .matches("Signature Validation: Signature is Valid.")
            .count(),
        2,
        "{r:?}"
    );
    let r = run(Command::new(&qpdf).arg("--check").arg(&final_path));
    assert!(r.success, "{r:?}");

    // A real re-save: qpdf rewrites the file; the authority refuses it.
    let resaved = dir.path().join("resaved.pdf");
    let r = run(Command::new(&qpdf).arg(&final_path).arg(&resaved));
    assert!(r.success, "qpdf rewrite: {r:?}");
    let resaved = std::fs::read(&resaved).unwrap();
    let reasons = check_final(&verifier, &resaved, &[cert(provider)]).reasons;
    assert!(
        reasons
            .iter()
            .any(|r| matches!(r, Reason::ModifiedAfterCountersignature { .. })),
        "{reasons:?}"
    );
}
