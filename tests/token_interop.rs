//! Documents signed through a PKCS#11 token (SoftHSM2, made by `qes_testkit::softhsm`) judged
//! by independent validators: CAdES `.p7s` by `openssl cms -verify`, PAdES by
//! `pyhanko sign validate`, for an RSA and an ECDSA token key; each with a tampered negative
//! control so the checks can fail.
//!
//! Gated: missing SoftHSM2, pkcs11-tool, openssl or pyHanko fails under `CI=true` /
//! `QES_REQUIRE_REAL=1` and prints `SKIPPED` otherwise.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use qes::cms::CadesBuilder;
use qes::pades::PadesSigner;
use qes_testkit::softhsm::{SoftHsm, USER_PIN};
use qes_testkit::{EndEntity, KeyAlgorithm, TestPki};
use qes_token::{LoginOptions, Module, Pin, SessionPool, TokenSelector, TokenSigner};

fn token_signer(hsm: &'static SoftHsm, key: KeyAlgorithm) -> TokenSigner {
    let issued = TestPki::shared()
        .issue(
            &EndEntity::natural_person(
                qes_testkit::NATURAL_PERSON_GIVEN_NAME,
                qes_testkit::NATURAL_PERSON_SURNAME,
                qes_testkit::NATURAL_PERSON_CNP,
            )
            .key(key)
            .label(&format!("interop-token-{key}")),
        )
        .unwrap();
    let claimed = hsm.token().unwrap();
    claimed.import(&issued, &[0x42], true).unwrap();
    let token = Module::open(hsm.module_path())
        .unwrap()
        .token(&TokenSelector::Label(claimed.label().into()))
        .unwrap();
    let pool = SessionPool::login(&token, &Pin::new(USER_PIN), LoginOptions::default()).unwrap();
    TokenSigner::new(Arc::new(pool), None).unwrap()
}

fn run(command: &mut Command) -> (bool, String) {
    let out = command.output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn cades_signed_on_the_token_verifies_with_openssl() {
    let Some(hsm) = SoftHsm::shared().unwrap() else {
        return;
    };
    let openssl = qes_testkit::require_tool!("openssl");
    let pki = TestPki::shared();
    let at = pki.epoch() + chrono::Duration::days(30);
    let dir = tempfile::tempdir().unwrap();
    let root = write(dir.path(), "root.pem", pki.root().cert_pem());
    let content = b"<Invoice><ID>RO-2026-000042</ID></Invoice>";
    let content_path = write(dir.path(), "invoice.xml", content);
    for key in [KeyAlgorithm::Rsa2048, KeyAlgorithm::EcP384] {
        let signer = token_signer(hsm, key);
        let p7s = CadesBuilder::new(&signer)
            .signing_time(at)
            .sign_detached(content)
            .unwrap();
        let p7s_path = write(dir.path(), "sig.p7s", &p7s);
        let verify = |content: &Path| {
            run(Command::new(&openssl)
                .args(["cms", "-verify", "-binary", "-inform", "DER", "-in"])
                .arg(&p7s_path)
                .arg("-content")
                .arg(content)
                .arg("-CAfile")
                .arg(&root)
                .arg("-attime")
                .arg(at.timestamp().to_string())
                .args(["-out", "/dev/null"]))
        };
        let (ok, out) = verify(&content_path);
        assert!(
            ok && out.contains("Verification successful"),
            "{key}: {out}"
        );
        let tampered = write(
            dir.path(),
            "tampered.xml",
            b"<Invoice><ID>RO-2026-000043</ID></Invoice>",
        );
        let (ok, out) = verify(&tampered);
        assert!(
            !ok && !out.contains("Verification successful"),
            "{key}: {out}"
        );
    }
}

#[test]
fn pades_signed_on_the_token_verifies_with_pyhanko() {
    let Some(hsm) = SoftHsm::shared().unwrap() else {
        return;
    };
    let pyhanko = qes_testkit::require_tool!("pyhanko");
    let pki = TestPki::shared();
    let dir = tempfile::tempdir().unwrap();
    let root = write(dir.path(), "root.pem", pki.root().cert_pem());
    for key in [KeyAlgorithm::Rsa3072, KeyAlgorithm::EcP256] {
        let signer = token_signer(hsm, key);
        let pdf = PadesSigner::new(&signer)
            .with_reason("Aprobat")
            .with_signing_time(pki.epoch() + chrono::Duration::days(30))
            .sign(&qes_testkit::pdf::one_page("Semnat pe token", 0))
            .unwrap();
        let validate = |path: &Path| {
            run(Command::new(&pyhanko)
                .args([
                    "sign",
                    "validate",
                    "--pretty-print",
                    "--no-revocation-check",
                    "--trust",
                ])
                .arg(&root)
                .arg("--trust-replace")
                .arg(path))
        };
        let signed = write(dir.path(), "signed.pdf", &pdf);
        let (ok, out) = validate(&signed);
        assert!(
            ok && out.contains("The signature is judged VALID."),
            "{key}: {out}"
        );
        // Negative control: a byte inside the signed range changed.
        let mut tampered = pdf.clone();
        let at = tampered.windows(7).position(|w| w == b"Semnat ").unwrap();
        tampered[at] = b'X';
        let bad = write(dir.path(), "tampered.pdf", &tampered);
        let (ok, out) = validate(&bad);
        assert!(!ok && !out.contains("judged VALID"), "{key}: {out}");
    }
}
