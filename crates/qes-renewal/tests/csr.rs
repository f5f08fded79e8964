//! PKCS#10 requests: built with every key kind (fresh software keys and the holder's existing
//! signer), judged by `openssl req -verify`, and our verifier judged against tampered and
//! openssl-made requests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::process::Command;

use const_oid::db::rfc5912;
use qes_cert::{Certificate, ParseMode};
use qes_renewal::{CertificationRequest, CsrBuilder, CsrError};
use qes_signer::{
    Curve, DigestAlgorithm, KeyKind, SignatureAlgorithm, SoftwareKey, SoftwareSigner,
};
use qes_testkit::TestPki;
use x509_cert::ext::pkix::{KeyUsage, KeyUsages};

fn holder_certificate() -> Certificate {
    Certificate::from_der(
        TestPki::shared().natural_person().cert_der(),
        ParseMode::Strict,
    )
    .unwrap()
}

fn holder() -> SoftwareSigner {
    let issued = TestPki::shared().natural_person();
    SoftwareKey::from_pkcs8_der(issued.key().pkcs8_der())
        .unwrap()
        .with_certificate(holder_certificate())
        .unwrap()
}

fn non_repudiation() -> KeyUsage {
    KeyUsage(KeyUsages::NonRepudiation.into())
}

#[test]
fn fresh_keys_of_every_kind_make_verifiable_requests() {
    let kinds = [
        (KeyKind::Ec(Curve::P256), None),
        (KeyKind::Ec(Curve::P384), None),
        (KeyKind::Rsa { bits: 2048 }, None),
        (
            KeyKind::Rsa { bits: 2048 },
            Some(SignatureAlgorithm::RsaPss(DigestAlgorithm::Sha256)),
        ),
    ];
    for (kind, algorithm) in kinds {
        let (key, pkcs8) = SoftwareKey::generate(kind).unwrap();
        assert!(!pkcs8.is_empty());
        let mut builder = CsrBuilder::from_subject_str(
            "CN=Mihai Ionescu,givenName=Mihai,SN=Ionescu,serialNumber=PNORO-1800101221144,C=RO",
        )
        .unwrap()
        .key_usage(non_repudiation())
        .email("mihai.ionescu@example.ro");
        if let Some(a) = algorithm {
            builder = builder.algorithm(a);
        }
        let csr = builder.sign(&key).unwrap();
        csr.verify().unwrap();
        assert_eq!(csr.public_key(), key.public_key());
        assert_eq!(csr.requested_key_usage(), Some(non_repudiation()));
        let ku = &csr.requested_extensions()[0];
        assert!(ku.critical && ku.oid == rfc5912::ID_CE_KEY_USAGE);
        assert_eq!(
            csr.requested_extensions()[1].oid,
            rfc5912::ID_CE_SUBJECT_ALT_NAME
        );
        let round = CertificationRequest::from_pem(&csr.to_pem()).unwrap();
        assert_eq!(round.der(), csr.der());
    }
}

#[test]
fn rekey_keeps_the_current_subject_and_key_usage() {
    let signer = holder();
    let current = &holder_certificate();
    let (new_key, _) = SoftwareKey::generate(KeyKind::Ec(Curve::P256)).unwrap();
    let csr = CsrBuilder::rekey(current).sign(&new_key).unwrap();
    csr.verify().unwrap();
    assert_eq!(csr.subject(), current.subject());
    assert!(csr.requested_key_usage().is_some());
    // A renewal keeping the key: the existing signer is the proof of possession.
    let same_key = CsrBuilder::rekey(current).sign(&signer).unwrap();
    same_key.verify().unwrap();
    assert_eq!(
        same_key.public_key(),
        &current.x509().tbs_certificate.subject_public_key_info
    );
}

#[test]
fn tampering_breaks_the_proof_of_possession() {
    let (key, _) = SoftwareKey::generate(KeyKind::Ec(Curve::P256)).unwrap();
    let csr = CsrBuilder::from_subject_str("CN=Ana Popescu,C=RO")
        .unwrap()
        .sign(&key)
        .unwrap();
    let der = csr.der().to_vec();
    // Flip a byte of the subject's "Ana" (still valid DER, different name).
    let at = der.windows(3).position(|w| w == b"Ana").unwrap();
    let mut tampered = der.clone();
    tampered[at] = b'E';
    let parsed = CertificationRequest::from_der(&tampered).unwrap();
    assert!(matches!(parsed.verify(), Err(CsrError::Signature(_))));
    // Another key's public key swapped in.
    let (other, _) = SoftwareKey::generate(KeyKind::Ec(Curve::P256)).unwrap();
    let swapped = CsrBuilder::from_subject_str("CN=Ana Popescu,C=RO")
        .unwrap()
        .sign(&other)
        .unwrap();
    let mut mixed = swapped.der().to_vec();
    let old_point = &key.public_key().subject_public_key.raw_bytes()[1..];
    let new_point = &other.public_key().subject_public_key.raw_bytes()[1..];
    let p = mixed
        .windows(new_point.len())
        .position(|w| w == new_point)
        .unwrap();
    mixed[p..p + new_point.len()].copy_from_slice(old_point);
    let parsed = CertificationRequest::from_der(&mixed).unwrap();
    assert!(parsed.verify().is_err());
}

#[test]
fn malformed_inputs_are_typed_errors() {
    assert!(matches!(
        CertificationRequest::from_der(&[0x30, 0x03, 0x02, 0x01]),
        Err(CsrError::Malformed(_))
    ));
    assert!(matches!(
        CertificationRequest::from_der(&vec![0u8; qes_renewal::MAX_CSR_LEN + 1]),
        Err(CsrError::TooLarge { .. })
    ));
    assert!(matches!(
        CertificationRequest::from_pem(
            "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"
        ),
        Err(CsrError::Malformed(_))
    ));
    assert!(matches!(
        CsrBuilder::from_subject_str("not a name"),
        Err(CsrError::Subject { .. })
    ));
    let (key, _) = SoftwareKey::generate(KeyKind::Ec(Curve::P256)).unwrap();
    assert!(matches!(
        CsrBuilder::from_subject_str("CN=X")
            .unwrap()
            .algorithm(SignatureAlgorithm::RsaPkcs1v15(DigestAlgorithm::Sha256))
            .sign(&key),
        Err(CsrError::Sign(_))
    ));
}

#[test]
fn openssl_verifies_our_requests_and_we_verify_openssls() {
    let openssl = qes_testkit::require_tool!("openssl");
    let dir = tempfile::tempdir().unwrap();
    let (key, pkcs8) = SoftwareKey::generate(KeyKind::Rsa { bits: 2048 }).unwrap();
    let csr =
        CsrBuilder::from_subject_str("CN=Mihai Ionescu,serialNumber=PNORO-1800101221144,C=RO")
            .unwrap()
            .key_usage(non_repudiation())
            .sign(&key)
            .unwrap();
    let ours = dir.path().join("ours.csr");
    std::fs::write(&ours, csr.to_pem()).unwrap();
    let out = Command::new(&openssl)
        .args(["req", "-verify", "-noout", "-text", "-in"])
        .arg(&ours)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "openssl req -verify: {err}");
    assert!(format!("{text}{err}").contains("verify OK"), "{text}{err}");
    assert!(text.contains("Non Repudiation"), "{text}");
    assert!(text.contains("PNORO-1800101221144"), "{text}");

    // Negative control: openssl refuses a tampered copy.
    let mut bad = csr.der().to_vec();
    let at = bad.windows(5).position(|w| w == b"Mihai").unwrap();
    bad[at] = b'N';
    let bad_path = dir.path().join("bad.der");
    std::fs::write(&bad_path, &bad).unwrap();
    let out = Command::new(&openssl)
        .args(["req", "-verify", "-noout", "-inform", "DER", "-in"])
        .arg(&bad_path)
        .output()
        .unwrap();
    // OpenSSL 3.0 exits 0 either way; its verdict is in the message.
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("verify failure"),
        "openssl accepted a tampered request: {said}"
    );
    assert!(!said.contains("verify OK"), "{said}");

    // openssl makes a request with our generated key; we verify it.
    let key_path = dir.path().join("key.der");
    std::fs::write(&key_path, &*pkcs8).unwrap();
    let theirs = dir.path().join("theirs.csr");
    let status = Command::new(&openssl)
        .args(["req", "-new", "-keyform", "DER", "-key"])
        .arg(&key_path)
        .args([
            "-subj",
            "/CN=Ion Popa/C=RO",
            "-addext",
            "keyUsage=critical,nonRepudiation",
            "-out",
        ])
        .arg(&theirs)
        .status()
        .unwrap();
    assert!(status.success());
    let parsed =
        CertificationRequest::from_pem(&std::fs::read_to_string(&theirs).unwrap()).unwrap();
    parsed.verify().unwrap();
    assert_eq!(parsed.public_key(), key.public_key());
    assert_eq!(parsed.requested_key_usage(), Some(non_repudiation()));
}

proptest::proptest! {
    /// Arbitrary bytes never panic the parser, and a parsed request's accessors are total.
    #[test]
    fn parser_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
        if let Ok(csr) = CertificationRequest::from_der(&bytes) {
            let _ = csr.verify();
            let _ = csr.requested_key_usage();
            let _ = csr.to_pem();
        }
    }

    /// Any single-byte change to a valid request is either refused by the parser or fails
    /// verification; never accepted.
    #[test]
    fn every_byte_is_covered(position in 0usize..4096, flip in 1u8..=255) {
        let csr = sample();
        let mut der = csr.der().to_vec();
        let at = position % der.len();
        der[at] ^= flip;
        if let Ok(parsed) = CertificationRequest::from_der(&der) {
            proptest::prop_assert!(parsed.verify().is_err(), "byte {} accepted", at);
        }
    }
}

fn sample() -> CertificationRequest {
    static SAMPLE: std::sync::OnceLock<CertificationRequest> = std::sync::OnceLock::new();
    SAMPLE
        .get_or_init(|| {
            let signer = holder();
            CsrBuilder::rekey(qes_signer::Signer::certificate(&signer))
                .sign(&signer)
                .unwrap()
        })
        .clone()
}
