//! The RustCrypto adapter: `x509-cert`'s builders sign with any backend through
//! `AlgorithmSigner`, and what they build verifies.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::str::FromStr;
use std::time::Duration;

use common::{holder, signer};
use der::{Decode, Encode};
use qes_cert::{verify_signature, AlgorithmPolicy, Certificate};
use qes_signer::{
    AlgorithmSigner, DigestAlgorithm, KeyKind, SignError, SignatureAlgorithm, SignatureValue,
    Signer,
};
use qes_testkit::KeyAlgorithm;
use signature::hazmat::PrehashSigner;
use signature::Keypair;
use spki::{DynSignatureAlgorithmIdentifier, EncodePublicKey};
use x509_cert::builder::{Builder, CertificateBuilder, Profile, RequestBuilder};
use x509_cert::name::Name;
use x509_cert::request::CertReq;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Validity;

fn policy() -> AlgorithmPolicy {
    AlgorithmPolicy::default()
}

#[test]
fn pkcs10_request_built_with_every_algorithm_verifies() {
    for key in KeyAlgorithm::ALL {
        let signer = signer(&holder(key));
        for algorithm in signer.algorithms() {
            let fixed = AlgorithmSigner::new(&signer, algorithm).unwrap();
            let subject =
                Name::from_str("CN=Ștefan Mărgărit,serialNumber=PNORO-1850315400010").unwrap();
            let request = RequestBuilder::new(subject, &fixed)
                .unwrap()
                .build::<SignatureValue>()
                .unwrap();
            // Round trip through DER, then verify the request's own signature over its own
            // CertificationRequestInfo bytes with qes-cert.
            let der = request.to_der().unwrap();
            let parsed = CertReq::from_der(&der).unwrap();
            assert_eq!(parsed.algorithm, algorithm.algorithm_identifier().unwrap());
            assert_eq!(
                parsed.info.public_key,
                signer
                    .certificate()
                    .x509()
                    .tbs_certificate
                    .subject_public_key_info
            );
            verify_signature(
                &parsed.algorithm,
                &parsed.info.public_key,
                &parsed.info.to_der().unwrap(),
                parsed.signature.raw_bytes(),
                &policy(),
            )
            .unwrap_or_else(|e| panic!("{key} {algorithm}: {e}"));
            // A changed subject no longer verifies.
            let mut tampered = parsed.info.clone();
            tampered.subject = Name::from_str("CN=someone else").unwrap();
            assert!(verify_signature(
                &parsed.algorithm,
                &parsed.info.public_key,
                &tampered.to_der().unwrap(),
                parsed.signature.raw_bytes(),
                &policy(),
            )
            .is_err());
        }
    }
}

#[test]
fn certificate_builder_issues_with_a_software_signer() {
    let issuer = signer(&holder(KeyAlgorithm::EcP384));
    let subject_key = holder(KeyAlgorithm::EcP256);
    let fixed = AlgorithmSigner::with_default_algorithm(&issuer);
    let spki =
        spki::SubjectPublicKeyInfoOwned::from_der(&subject_key.key().public_key_der()).unwrap();
    let builder = CertificateBuilder::new(
        Profile::Leaf {
            issuer: issuer.certificate().subject().clone(),
            enable_key_agreement: false,
            enable_key_encipherment: false,
        },
        SerialNumber::from(42u32),
        Validity::from_now(Duration::from_secs(3600)).unwrap(),
        Name::from_str("CN=qes-signer builder test").unwrap(),
        spki,
        &fixed,
    )
    .unwrap();
    let cert = builder.build::<SignatureValue>().unwrap();
    let parsed =
        Certificate::from_der(&cert.to_der().unwrap(), qes_cert::ParseMode::Lenient).unwrap();
    verify_signature(
        &parsed.x509().signature_algorithm,
        &issuer
            .certificate()
            .x509()
            .tbs_certificate
            .subject_public_key_info,
        parsed.tbs_der(),
        parsed.x509().signature.raw_bytes(),
        &policy(),
    )
    .unwrap();
    assert_eq!(
        parsed.x509().signature_algorithm,
        SignatureAlgorithm::Ecdsa(DigestAlgorithm::Sha384)
            .algorithm_identifier()
            .unwrap()
    );
}

#[test]
fn prehash_keypair_and_algorithm_identifier() {
    let signer = signer(&holder(KeyAlgorithm::Rsa2048));
    let algorithm = SignatureAlgorithm::RsaPss(DigestAlgorithm::Sha512);
    let fixed = AlgorithmSigner::new(&signer, algorithm).unwrap();
    assert_eq!(fixed.algorithm(), algorithm);
    let digest = DigestAlgorithm::Sha512.digest(b"prehashed");
    let signature: SignatureValue = fixed.sign_prehash(&digest).unwrap();
    assert!(common::verifies(
        &signer,
        algorithm,
        b"prehashed",
        signature.as_bytes()
    ));
    assert!(fixed.sign_prehash(&digest[1..]).is_err());
    assert_eq!(
        fixed
            .verifying_key()
            .to_public_key_der()
            .unwrap()
            .as_bytes(),
        signer
            .certificate()
            .x509()
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .unwrap()
    );
    assert_eq!(
        fixed.signature_algorithm_identifier().unwrap(),
        algorithm.algorithm_identifier().unwrap()
    );
    assert!(matches!(
        AlgorithmSigner::new(&signer, SignatureAlgorithm::Ecdsa(DigestAlgorithm::Sha256)),
        Err(SignError::UnsupportedAlgorithm {
            key: KeyKind::Rsa { bits: 2048 },
            ..
        })
    ));
}

#[test]
fn signer_errors_surface_as_the_signature_error_source() {
    struct Refusing(qes_signer::SoftwareSigner);
    impl Signer for Refusing {
        fn certificate(&self) -> &Certificate {
            self.0.certificate()
        }
        fn chain(&self) -> &[Certificate] {
            self.0.chain()
        }
        fn key_kind(&self) -> KeyKind {
            self.0.key_kind()
        }
        fn algorithms(&self) -> Vec<SignatureAlgorithm> {
            self.0.algorithms()
        }
        fn sign_digests(
            &self,
            _: SignatureAlgorithm,
            digests: &[&[u8]],
        ) -> Result<Vec<Vec<u8>>, SignError> {
            Err(SignError::BatchTooLarge {
                actual: digests.len(),
                limit: 0,
            })
        }
    }
    let refusing = Refusing(signer(&holder(KeyAlgorithm::EcP256)));
    let fixed = AlgorithmSigner::with_default_algorithm(&refusing);
    let err = signature::Signer::<SignatureValue>::try_sign(&fixed, b"x").unwrap_err();
    let source = std::error::Error::source(&err).unwrap();
    assert!(matches!(
        source.downcast_ref::<SignError>(),
        Some(SignError::BatchTooLarge { actual: 1, .. })
    ));
}
