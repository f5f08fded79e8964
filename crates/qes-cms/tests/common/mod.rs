//! Helpers shared by the interop and vector tests of `qes-cms`: the shared test PKI, the
//! validation time, signers, file writing and running external tools.
#![allow(dead_code)] // Each test binary uses a different subset.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use qes_cert::{parse_der, Certificate, ParseMode};
use qes_cms::{Content, SignerReport, VerificationReport, Verifier};
use qes_signer::SoftwareSigner;
use qes_testkit::{EndEntity, Issued, KeyAlgorithm, TestPki, PKCS12_PASSWORD};

/// The content our signatures and the external tools' sign.
pub const CONTENT: &[u8] = b"Declaratie unica 2026 \xc8\x99i anexe\nline two\n";

pub fn pki() -> &'static TestPki {
    TestPki::shared()
}

/// The validation time of every test: 30 days after the test PKI's epoch (its certificates
/// are valid relative to the epoch, not to the wall clock).
pub fn at() -> DateTime<Utc> {
    pki().epoch() + Duration::days(30)
}

/// The test PKI's root as the only trust anchor.
pub fn anchors() -> Vec<Certificate> {
    vec![parse_der(pki().root().cert_der(), ParseMode::Strict).unwrap()]
}

pub fn signer(issued: &Issued) -> SoftwareSigner {
    SoftwareSigner::from_pkcs12(&issued.pkcs12(PKCS12_PASSWORD).unwrap(), PKCS12_PASSWORD).unwrap()
}

/// A natural-person holder with a key of `key`, issued by the qualified CA.
pub fn issued_with(key: KeyAlgorithm, label: &str) -> Issued {
    pki()
        .issue(
            &EndEntity::natural_person("Ana", "Pop", qes_testkit::NATURAL_PERSON_CNP)
                .key(key)
                .label(label),
        )
        .unwrap()
}

/// Verify with the test root as anchor at [`at`]; a report is required (no `Err`).
pub fn verify(p7s: &[u8], content: Content<'_>) -> VerificationReport {
    let anchors = anchors();
    Verifier::new(&anchors, at())
        .verify(p7s, content)
        .unwrap_or_else(|e| panic!("no report: {e}"))
}

/// The single signer of a report.
pub fn only(report: &VerificationReport) -> &SignerReport {
    assert_eq!(report.signers.len(), 1, "{report:#?}");
    &report.signers[0]
}

/// Write `bytes` to `dir/name` and return the path.
pub fn put(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Write a holder's certificate, key, chain and the root: `<label>.cert.pem`,
/// `<label>.key.pem`, `<label>.chain.pem`, `root.pem`.
pub struct Files {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub chain: PathBuf,
    pub root: PathBuf,
}

pub fn write_holder(dir: &Path, issued: &Issued) -> Files {
    let label = issued.label();
    Files {
        cert: put(dir, &format!("{label}.cert.pem"), issued.cert_pem()),
        key: put(dir, &format!("{label}.key.pem"), issued.key().pkcs8_pem()),
        chain: put(
            dir,
            &format!("{label}.chain.pem"),
            issued.chain_pem().unwrap(),
        ),
        root: put(dir, "root.pem", pki().root().cert_pem()),
    }
}

/// External tools: captured runs (shared with every interop test through the testkit).
#[allow(unused_imports)] // each test binary uses a different subset
pub use qes_testkit::interop::{run, ToolRun as Run};

/// The position of `needle` in `haystack` (it must be there).
pub fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap_or_else(|| panic!("needle of {} bytes not found", needle.len()))
}

/// Whether the outermost value (the `ContentInfo`) has an indefinite length: BER as
/// streaming encoders write it (`30 80 ...`).
pub fn outer_length_is_indefinite(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x30, 0x80])
}
