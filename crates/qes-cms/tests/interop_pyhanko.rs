//! pyHanko signs, we verify: a detached CMS signature of an arbitrary (non-PDF) file.
//!
//! pyHanko's CLI does it directly (no Python API needed): `pyhanko sign addsig --detach
//! pemder --key key.pem --cert cert.pem --chain chain.pem --no-pass <infile> <out.p7s>`
//! (pyhanko-cli 0.6.0 / pyhanko 0.38.0, installed in `.venv-interop` by
//! `scripts/setup-interop --python`). pyHanko writes content-type, signing-time,
//! cmsAlgorithmProtection, message-digest and signing-certificate-v2: CAdES B-B.
//!
//! Gated by `require_tool!("pyhanko")`: missing pyHanko fails under `CI=true` /
//! `QES_REQUIRE_REAL=1` and prints `SKIPPED` otherwise.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::process::Command;

use common::{at, issued_with, only, pki, put, run, verify, write_holder, CONTENT};
use qes_cert::{parse_der, ParseMode};
use qes_cms::{CadesLevel, Content, Indication, Step, SubIndication};
use qes_testkit::{Issued, KeyAlgorithm};

/// `pyhanko sign addsig [extra] --detach pemder ...` over [`CONTENT`]; the DER `.p7s`.
fn pyhanko_sign_detached(pyhanko: &std::path::Path, issued: &Issued, extra: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let files = write_holder(dir.path(), issued);
    let data = put(dir.path(), "invoice.xml", CONTENT);
    let out = dir.path().join("invoice.xml.p7s");
    let r = run(Command::new(pyhanko)
        .args(["sign", "addsig"])
        .args(extra)
        .args(["--detach", "pemder", "--key"])
        .arg(&files.key)
        .arg("--cert")
        .arg(&files.cert)
        .arg("--chain")
        .arg(&files.chain)
        .arg("--no-pass")
        .arg(&data)
        .arg(&out));
    assert!(r.success, "pyhanko sign addsig --detach: {r:?}");
    std::fs::read(out).unwrap()
}

#[test]
fn we_verify_pyhanko_detached_cades() {
    let pyhanko = qes_testkit::require_tool!("pyhanko");
    let p256 = issued_with(KeyAlgorithm::EcP256, "pyhanko-p256");
    let cases: [(&Issued, &[&str], &str); 3] = [
        (pki().natural_person(), &[], "RSA-PKCS1-SHA256"),
        // pyHanko's PSS uses the largest salt (222 bytes for RSA-2048 with SHA-256), not the
        // hash length; `qes_signer::SignatureAlgorithm` names only RFC 4055 §3.1 parameters
        // (salt = hash length), so the report falls back to the OID, as documented for
        // `SignerReport::signature_algorithm`. The signature itself verifies.
        (
            pki().natural_person(),
            &["--prefer-pss"],
            "1.2.840.113549.1.1.10",
        ),
        (&p256, &[], "ECDSA-SHA256"),
    ];
    for (issued, extra, algorithm) in cases {
        let p7s = pyhanko_sign_detached(&pyhanko, issued, extra);
        let report = verify(&p7s, Content::Detached(CONTENT));
        assert!(report.detached);
        let r = only(&report);
        assert_eq!(r.indication, Indication::TotalPassed, "{report:#?}");
        assert_eq!(r.sub_indication, None);
        assert_eq!(r.level, CadesLevel::BaselineB, "{algorithm}");
        assert_eq!(r.signature_algorithm, algorithm);
        assert!(r.signing_time.is_some(), "pyHanko claims a signing time");
        assert_eq!(r.validation_time, at());
        assert_eq!(
            r.signer.as_ref().unwrap().serial,
            parse_der(issued.cert_der(), ParseMode::Strict)
                .unwrap()
                .serial_hex()
        );

        let mut content = CONTENT.to_vec();
        content[5] ^= 0x01;
        let report = verify(&p7s, Content::Detached(&content));
        let r = only(&report);
        assert_eq!(r.indication, Indication::TotalFailed, "{report:#?}");
        assert_eq!(r.sub_indication, Some(SubIndication::HashFailure));
        assert_eq!(r.first_failure().unwrap().step, Step::MessageDigest);
    }
}
