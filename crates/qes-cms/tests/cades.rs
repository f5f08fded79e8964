//! CAdES B-B sign → verify round trips with the software signer over the test PKI, and
//! every tampering a verifier must catch, with its ETSI EN 319 102-1 sub-indication.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{DateTime, Duration, Utc};
use qes_cert::{parse_der, Certificate, Crl, ParseMode, RevocationPolicy};
use qes_cms::{
    CadesBuilder, CadesLevel, CommitmentType, CommitmentTypeIndication, Content, Indication,
    SignerIdentifierKind, SignerLocation, Step, SubIndication, Verifier,
};
use qes_signer::{DigestAlgorithm, SignatureAlgorithm, Signer, SoftwareSigner};
use qes_testkit::{CrlReason, EndEntity, Issued, KeyAlgorithm, Revoked, TestPki, PKCS12_PASSWORD};

const CONTENT: &[u8] = b"Declaratie unica 2026 \xc8\x99i anexe";

fn pki() -> &'static TestPki {
    TestPki::shared()
}

fn at() -> DateTime<Utc> {
    pki().epoch() + Duration::days(30)
}

fn anchors() -> Vec<Certificate> {
    vec![parse_der(pki().root().cert_der(), ParseMode::Strict).unwrap()]
}

fn signer(issued: &Issued) -> SoftwareSigner {
    SoftwareSigner::from_pkcs12(&issued.pkcs12(PKCS12_PASSWORD).unwrap(), PKCS12_PASSWORD).unwrap()
}

fn holder() -> SoftwareSigner {
    signer(pki().natural_person())
}

fn issued_with(key: KeyAlgorithm, label: &str) -> Issued {
    pki()
        .issue(
            &EndEntity::natural_person("Ana", "Pop", qes_testkit::NATURAL_PERSON_CNP)
                .key(key)
                .label(label),
        )
        .unwrap()
}

fn verify(p7s: &[u8], content: Content<'_>) -> qes_cms::VerificationReport {
    let anchors = anchors();
    Verifier::new(&anchors, at()).verify(p7s, content).unwrap()
}

fn only(report: &qes_cms::VerificationReport) -> &qes_cms::SignerReport {
    assert_eq!(report.signers.len(), 1, "{report:#?}");
    &report.signers[0]
}

#[test]
fn attached_b_b_verifies_for_every_algorithm() {
    for (key, label) in [
        (KeyAlgorithm::Rsa2048, "cms-rsa2048"),
        (KeyAlgorithm::Rsa3072, "cms-rsa3072"),
        (KeyAlgorithm::EcP256, "cms-p256"),
        (KeyAlgorithm::EcP384, "cms-p384"),
    ] {
        let s = signer(&issued_with(key, label));
        for alg in s.algorithms() {
            let p7s = CadesBuilder::new(&s)
                .algorithm(alg)
                .signing_time(at())
                .sign_attached(CONTENT)
                .unwrap();
            let report = verify(&p7s, Content::Attached);
            let r = only(&report);
            assert_eq!(
                r.indication,
                Indication::TotalPassed,
                "{label} {alg}: {r:#?}"
            );
            assert_eq!(r.level, CadesLevel::BaselineB);
            assert_eq!(r.signature_algorithm, alg.name());
            assert_eq!(r.signing_time, Some(at()));
            assert!(!report.detached);
        }
    }
}

#[test]
fn detached_from_bytes_reader_and_digest() {
    let s = holder();
    let p7s = CadesBuilder::new(&s)
        .signing_time(at())
        .sign_detached(CONTENT)
        .unwrap();
    let streamed = CadesBuilder::new(&s)
        .signing_time(at())
        .sign_detached_reader(CONTENT)
        .unwrap();
    assert_eq!(
        p7s, streamed,
        "RSA PKCS#1 v1.5 is deterministic: same attributes, same bytes"
    );
    for content in [
        Content::Detached(CONTENT),
        Content::DetachedReader(&mut &CONTENT[..]),
        Content::DetachedDigest(
            DigestAlgorithm::Sha256,
            &DigestAlgorithm::Sha256.digest(CONTENT),
        ),
    ] {
        let report = verify(&p7s, content);
        assert!(report.detached);
        assert!(report.all_passed(), "{report:#?}");
        let signer = only(&report).signer.as_ref().unwrap();
        assert!(signer.subject.contains("PNORO-1850315400010"), "{signer:?}");
    }
}

#[test]
fn detached_without_content_is_signed_data_not_found() {
    let s = holder();
    let p7s = CadesBuilder::new(&s)
        .signing_time(at())
        .sign_detached(CONTENT)
        .unwrap();
    let report = verify(&p7s, Content::Attached);
    assert_eq!(
        only(&report).sub_indication,
        Some(SubIndication::SignedDataNotFound)
    );
    assert_eq!(only(&report).indication, Indication::Indeterminate);
}

#[test]
fn tampered_content_is_hash_failure() {
    let s = holder();
    let p7s = CadesBuilder::new(&s)
        .signing_time(at())
        .sign_detached(CONTENT)
        .unwrap();
    let mut other = CONTENT.to_vec();
    other[0] ^= 1;
    let report = verify(&p7s, Content::Detached(&other));
    assert_eq!(only(&report).indication, Indication::TotalFailed);
    assert_eq!(
        only(&report).sub_indication,
        Some(SubIndication::HashFailure)
    );

    let attached = CadesBuilder::new(&s)
        .signing_time(at())
        .sign_attached(CONTENT)
        .unwrap();
    let at_content = find(&attached, CONTENT);
    let mut tampered = attached.clone();
    tampered[at_content] ^= 1;
    let report = verify(&tampered, Content::Attached);
    assert_eq!(
        only(&report).sub_indication,
        Some(SubIndication::HashFailure)
    );
}

#[test]
fn tampered_signed_attribute_and_signature_are_sig_crypto_failure() {
    let s = holder();
    let p7s = CadesBuilder::new(&s)
        .signing_time(at())
        .sign_detached(CONTENT)
        .unwrap();
    // The signing-time value: UTCTime of `at()`.
    let time = at().format("%y%m%d%H%M%SZ").to_string();
    let pos = find(&p7s, time.as_bytes());
    let mut tampered = p7s.clone();
    tampered[pos + 1] = if tampered[pos + 1] == b'9' {
        b'8'
    } else {
        tampered[pos + 1] + 1
    };
    let report = verify(&tampered, Content::Detached(CONTENT));
    assert_eq!(only(&report).indication, Indication::TotalFailed);
    assert_eq!(
        only(&report).sub_indication,
        Some(SubIndication::SigCryptoFailure)
    );

    let mut tampered = p7s.clone();
    let last = tampered.len() - 10; // inside the RSA signature value, the last element
    tampered[last] ^= 0x40;
    let report = verify(&tampered, Content::Detached(CONTENT));
    assert_eq!(
        only(&report).sub_indication,
        Some(SubIndication::SigCryptoFailure)
    );
    assert!(matches!(
        only(&report).first_failure().unwrap().step,
        Step::SignatureValue
    ));
}

#[test]
fn untrusted_signer_has_no_chain() {
    let s = holder();
    let p7s = CadesBuilder::new(&s)
        .signing_time(at())
        .sign_attached(CONTENT)
        .unwrap();
    // An anchor whose name nothing chains to.
    let anchors = vec![parse_der(pki().legal_person().cert_der(), ParseMode::Strict).unwrap()];
    let report = Verifier::new(&anchors, at())
        .verify(&p7s, Content::Attached)
        .unwrap();
    assert_eq!(
        only(&report).sub_indication,
        Some(SubIndication::NoCertificateChainFound)
    );
    assert_eq!(only(&report).indication, Indication::Indeterminate);

    // A look-alike root (same names, another key): the chain is found but does not verify.
    let other = TestPki::builder().seed(77).build().unwrap();
    let anchors = vec![parse_der(other.root().cert_der(), ParseMode::Strict).unwrap()];
    let report = Verifier::new(&anchors, at())
        .verify(&p7s, Content::Attached)
        .unwrap();
    assert_eq!(
        only(&report).sub_indication,
        Some(SubIndication::CertificateChainGeneralFailure)
    );
    assert_eq!(only(&report).indication, Indication::Indeterminate);
}

#[test]
fn expired_without_timestamp_is_out_of_bounds_no_poe() {
    let s = holder();
    let p7s = CadesBuilder::new(&s)
        .signing_time(at())
        .sign_attached(CONTENT)
        .unwrap();
    let late = s.certificate().not_after() + Duration::days(1);
    let anchors = anchors();
    let report = Verifier::new(&anchors, late)
        .verify(&p7s, Content::Attached)
        .unwrap();
    assert_eq!(
        only(&report).sub_indication,
        Some(SubIndication::OutOfBoundsNoPoe)
    );
}

#[test]
fn revoked_signer_is_revoked_no_poe() {
    let issued = issued_with(KeyAlgorithm::EcP256, "cms-revoked");
    let s = signer(&issued);
    let p7s = CadesBuilder::new(&s)
        .signing_time(at())
        .sign_attached(CONTENT)
        .unwrap();
    let crl = |issuer: &Issued, revoked: &[Revoked]| {
        Crl::from_der(
            &pki()
                .crl(
                    issuer,
                    revoked,
                    at() - Duration::days(1),
                    at() + Duration::days(6),
                )
                .unwrap(),
        )
        .unwrap()
    };
    let crls = vec![
        crl(pki().root(), &[]),
        crl(
            pki().qualified_ca(),
            &[Revoked::new(
                &issued,
                at() - Duration::days(2),
                CrlReason::KeyCompromise,
            )],
        ),
    ];
    let anchors = anchors();
    let report = Verifier::new(&anchors, at())
        .with_crls(crls.clone())
        .with_revocation(RevocationPolicy::Require)
        .verify(&p7s, Content::Attached)
        .unwrap();
    assert_eq!(
        only(&report).sub_indication,
        Some(SubIndication::RevokedNoPoe),
        "{report:#?}"
    );

    // The holder, not revoked, passes with revocation required.
    let good = CadesBuilder::new(&holder())
        .signing_time(at())
        .sign_attached(CONTENT)
        .unwrap();
    let report = Verifier::new(&anchors, at())
        .with_crls(crls)
        .with_revocation(RevocationPolicy::Require)
        .verify(&good, Content::Attached)
        .unwrap();
    assert!(report.all_passed(), "{report:#?}");
}

#[test]
fn optional_attributes_and_subject_key_identifier() {
    let s = signer(pki().legal_person());
    let p7s = CadesBuilder::new(&s)
        .signing_time(at())
        .commitment(CommitmentTypeIndication::new(
            CommitmentType::ProofOfApproval,
        ))
        .location(SignerLocation {
            country_name: Some("RO".into()),
            locality_name: Some("Bucure\u{219}ti".into()),
            postal_address: vec!["Str. Apolodor 17".into()],
        })
        .identifier(SignerIdentifierKind::SubjectKeyIdentifier)
        .sign_attached(CONTENT)
        .unwrap();
    assert!(verify(&p7s, Content::Attached).all_passed());
}

#[test]
fn parallel_signers_and_countersignature() {
    let first = holder();
    let second = signer(&issued_with(KeyAlgorithm::EcP384, "cms-parallel-p384"));
    let p7s = CadesBuilder::new(&first)
        .signing_time(at())
        .sign_detached(CONTENT)
        .unwrap();
    let both = CadesBuilder::new(&second)
        .signing_time(at())
        .add_parallel_signature(&p7s, Some(CONTENT))
        .unwrap();
    let report = verify(&both, Content::Detached(CONTENT));
    assert_eq!(report.signers.len(), 2);
    assert!(report.all_passed(), "{report:#?}");

    let countersigned = CadesBuilder::new(&signer(pki().legal_person()))
        .signing_time(at())
        .countersign(&both, 0)
        .unwrap();
    let report = verify(&countersigned, Content::Detached(CONTENT));
    assert!(report.all_passed(), "{report:#?}");
    let counter = report
        .signers
        .iter()
        .find(|s| !s.countersignatures.is_empty())
        .unwrap();
    assert_eq!(counter.countersignatures.len(), 1);
    assert!(counter.countersignatures[0]
        .signer
        .as_ref()
        .unwrap()
        .subject
        .contains("VATRO-18615742"));

    // The countersigned signer keeps its signature value (RSA-2048: the last 256 bytes of the
    // single-signer file) byte for byte.
    find(&countersigned, &p7s[p7s.len() - 256..]);
}

#[test]
fn batch_signing_matches_single_signatures() {
    let s = holder();
    let contents: Vec<&[u8]> = vec![b"one", b"two", b"three"];
    let batch = CadesBuilder::new(&s)
        .signing_time(at())
        .sign_detached_batch(&contents)
        .unwrap();
    assert_eq!(batch.len(), 3);
    for (p7s, content) in batch.iter().zip(&contents) {
        assert_eq!(
            p7s,
            &CadesBuilder::new(&s)
                .signing_time(at())
                .sign_detached(content)
                .unwrap()
        );
        assert!(verify(p7s, Content::Detached(content)).all_passed());
    }
}

#[test]
fn pss_signatures_verify() {
    let s = holder();
    let p7s = CadesBuilder::new(&s)
        .algorithm(SignatureAlgorithm::RsaPss(DigestAlgorithm::Sha384))
        .signing_time(at())
        .sign_attached(CONTENT)
        .unwrap();
    let report = verify(&p7s, Content::Attached);
    assert!(report.all_passed(), "{report:#?}");
    assert_eq!(only(&report).signature_algorithm, "RSA-PSS-SHA384");
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    let anchors = anchors();
    let v = Verifier::new(&anchors, at());
    assert!(v.verify(b"", Content::Attached).is_err());
    assert!(v
        .verify(b"\x30\x03\x06\x01\x00", Content::Attached)
        .is_err());
    let p7s = CadesBuilder::new(&holder())
        .signing_time(at())
        .sign_attached(CONTENT)
        .unwrap();
    assert!(
        v.verify(&p7s, Content::Detached(CONTENT)).is_err(),
        "content given twice"
    );
    for cut in [1, 10, p7s.len() / 2, p7s.len() - 1] {
        assert!(v.verify(&p7s[..cut], Content::Attached).is_err());
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("needle present")
}
