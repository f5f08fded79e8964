//! We verify PDFs that pyHanko signed with a key on a real PKCS#11 token: a throw-away
//! SoftHSM2 token (its own `softhsm2.conf` and token directory, selected by label), the test
//! PKI's natural-person key and certificate imported with `pkcs11-tool`, and
//! `pyhanko sign addsig --use-pades pkcs11` signing through the token. Our verifier must
//! report the signature intact, valid, trusted and PAdES B-B — and not valid after one
//! flipped byte anywhere in either signed range.
//!
//! Gated by `require_tool!` (softhsm2-util, pkcs11-tool, pyhanko) and by the SoftHSM2
//! module: missing pieces fail under `CI=true` / `QES_REQUIRE_REAL=1` and print `SKIPPED`
//! otherwise. The SoftHSM2 helper below is local to this test (the full harness lives in
//! qes-testkit).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{anchors, at, minimal_pdf, pki, put, run};
use qes_cms::{Indication, Step, Verifier};
use qes_pades::{Coverage, PadesLevel, PadesVerifier};

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const LABEL: &str = "qes-pyhanko";
const PIN: &str = "1234";

/// A SoftHSM2 token that lives in a temporary directory: every command run through
/// [`SoftHsm::command`] sees only this token (`SOFTHSM2_CONF`).
struct SoftHsm {
    conf: PathBuf,
}

impl SoftHsm {
    /// A fresh token labelled [`LABEL`] with user PIN [`PIN`] under `dir`.
    fn new(softhsm2_util: &Path, dir: &Path) -> Self {
        let tokens = dir.join("tokens");
        std::fs::create_dir_all(&tokens).unwrap();
        let conf = put(
            dir,
            "softhsm2.conf",
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                tokens.display()
            ),
        );
        let hsm = Self { conf };
        let r = run(hsm.command(softhsm2_util).args([
            "--init-token",
            "--free",
            "--label",
            LABEL,
            "--pin",
            PIN,
            "--so-pin",
            "123456",
        ]));
        assert!(r.success, "softhsm2-util --init-token: {r:?}");
        hsm
    }

    fn command(&self, program: &Path) -> Command {
        let mut c = Command::new(program);
        c.env("SOFTHSM2_CONF", &self.conf);
        c
    }

    /// Import a DER object (`privkey` or `cert`) with `pkcs11-tool`, by token label.
    fn import(&self, pkcs11_tool: &Path, kind: &str, der: &Path, label: &str) {
        let r = run(self
            .command(pkcs11_tool)
            .args([
                "--module",
                MODULE,
                "--token-label",
                LABEL,
                "--login",
                "--pin",
                PIN,
            ])
            .arg("--write-object")
            .arg(der)
            .args(["--type", kind, "--id", "01", "--label", label]));
        assert!(r.success, "pkcs11-tool --write-object {kind}: {r:?}");
    }
}

#[test]
fn we_verify_pdfs_pyhanko_signed_on_a_softhsm2_token() {
    let softhsm2_util = qes_testkit::require_tool!("softhsm2-util");
    let pkcs11_tool = qes_testkit::require_tool!("pkcs11-tool");
    let pyhanko = qes_testkit::require_tool!("pyhanko");
    if !Path::new(MODULE).is_file() {
        assert!(
            !qes_testkit::interop::require_real(),
            "the SoftHSM2 module {MODULE} is missing (apt-get install softhsm2)"
        );
        eprintln!("SKIPPED: {MODULE} not found");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let hsm = SoftHsm::new(&softhsm2_util, dir.path());
    let issued = pki().natural_person();
    let key = put(dir.path(), "key.der", issued.key().pkcs8_der());
    let cert = put(dir.path(), "cert.der", issued.cert_der());
    let chain = put(dir.path(), "chain.pem", issued.chain_pem().unwrap());
    hsm.import(&pkcs11_tool, "privkey", &key, "signer");
    hsm.import(&pkcs11_tool, "cert", &cert, "signer");
    // The token holds the key and the certificate (an independent client's view).
    let r = run(hsm
        .command(&pkcs11_tool)
        .args([
            "--module",
            MODULE,
            "--token-label",
            LABEL,
            "--login",
            "--pin",
            PIN,
        ])
        .arg("--list-objects"));
    assert!(
        r.success && r.stdout.contains("Private Key Object") && r.stdout.contains("signer"),
        "{r:?}"
    );

    let input = put(dir.path(), "in.pdf", minimal_pdf("semnat pe token"));
    let out = dir.path().join("signed.pdf");
    let mut sign = hsm.command(&pyhanko);
    sign.env("PYHANKO_PKCS11_PIN", PIN)
        .args(["sign", "addsig", "--field", "Sig1", "--use-pades", "pkcs11"])
        .args(["--lib", MODULE, "--token-label", LABEL])
        .args(["--key-label", "signer", "--cert-label", "signer"])
        .arg("--other-cert-file")
        .arg(&chain);
    if !issued.key().algorithm().name().starts_with("RSA") {
        // SoftHSM2 has CKM_ECDSA only: pyHanko hashes and calls the raw mechanism.
        sign.arg("--raw-mechanism");
    }
    let r = run(sign.arg(&input).arg(&out));
    assert!(r.success, "pyhanko sign addsig pkcs11: {r:?}");

    let pdf = std::fs::read(&out).unwrap();
    let anchors = anchors();
    let verifier = PadesVerifier::new(Verifier::new(&anchors, at()));
    let report = verifier.verify(&pdf).unwrap();
    assert_eq!(report.signatures.len(), 1, "{report:#?}");
    let s = &report.signatures[0];
    assert_eq!(s.field, "Sig1");
    assert!(s.intact && s.valid, "{s:#?}");
    assert_eq!(s.coverage, Some(Coverage::EntireFile));
    assert_eq!(s.level, Some(PadesLevel::BaselineB), "{s:#?}");
    assert_eq!(s.indication, Indication::TotalPassed, "{s:#?}");
    let signer = s.signer.as_ref().unwrap();
    assert!(
        signer
            .checks
            .iter()
            .any(|c| c.step == Step::CertificatePath && c.outcome.passed()),
        "not trusted: {s:#?}"
    );
    assert!(signer.signer.is_some(), "{s:#?}");

    // One flipped byte anywhere in either signed range: never TOTAL-PASSED (the digest
    // catches it, or the structure no longer reads).
    let [_, first_len, second_start, second_len] = s.byte_range.unwrap();
    let end = second_start + second_len;
    for at_ in [
        0,
        first_len / 3,
        first_len / 2,
        first_len - 1,
        second_start,
        second_start + second_len / 2,
        end - 1,
    ] {
        let mut flipped = pdf.clone();
        flipped[at_] ^= 0x01;
        if let Ok(report) = verifier.verify(&flipped) {
            assert!(
                report.signatures.iter().all(|s| !s.passed()),
                "byte {at_}: {report:#?}"
            );
        }
    }
}
