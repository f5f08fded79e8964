//! The facade end to end: what an integrator gets from `qes` alone, over files as they arrive.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::Duration;
use qes::cert::{
    parse_any, Crl, ParseMode, PathValidator, Qualification, QualifiedSummary, RevocationPolicy,
    RevocationStatus, ValidationOptions,
};
use qes_testkit::TestPki;

/// The files `TestPki::write_to` produces (PEM, DER, bundle, CRLs) validate through the facade.
#[test]
fn written_pki_files_validate_through_the_facade() {
    let pki = TestPki::shared();
    let dir = tempfile::tempdir().unwrap();
    pki.write_to(dir.path()).unwrap();
    let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap();

    let holder = parse_any(&read("natural-person.der"), ParseMode::Strict).unwrap();
    let seal = parse_any(&read("legal-person.pem"), ParseMode::Strict).unwrap();
    let chain = parse_any(&read("chain.pem"), ParseMode::Strict).unwrap();
    assert_eq!(
        chain.len(),
        2,
        "chain.pem is the qualified CA then the root"
    );
    let (ca, root) = (chain[..1].to_vec(), chain[1..].to_vec());

    for (cert, expected) in [(&holder[0], "natural"), (&seal[0], "legal")] {
        let summary = QualifiedSummary::of(cert).unwrap();
        assert_eq!(
            summary.qualified.value,
            Qualification::EuQualified,
            "{expected}"
        );
    }

    let at = pki.epoch() + Duration::days(10);
    let crls = ["root-ca.crl", "qualified-ca.crl"].map(|f| Crl::from_der_or_pem(&read(f)).unwrap());
    let options = ValidationOptions::new(at)
        .with_crls(crls)
        .with_revocation(RevocationPolicy::Require);
    for leaf in [&holder[0], &seal[0]] {
        let path = PathValidator::new(&root)
            .with_intermediates(&ca)
            .validate(leaf, &options)
            .unwrap();
        assert!(path
            .revocation()
            .iter()
            .all(|r| *r == RevocationStatus::Good));
    }

    // After the written CRLs' nextUpdate (epoch + 1 year) revocation status is unknown, and
    // `Require` turns that into a failure rather than a pass.
    let late = pki.epoch() + Duration::days(400);
    let crls = ["root-ca.crl", "qualified-ca.crl"].map(|f| Crl::from_der_or_pem(&read(f)).unwrap());
    let options = ValidationOptions::new(late)
        .with_crls(crls)
        .with_revocation(RevocationPolicy::Require);
    let err = PathValidator::new(&root)
        .with_intermediates(&ca)
        .validate(&holder[0], &options);
    assert_eq!(err.unwrap_err().code(), "revocation_unknown");
}
