//! Helpers shared by the integration tests: test-PKI holders with every key algorithm.
#![allow(dead_code)]

use qes_cert::{verify_signature, AlgorithmPolicy, Certificate, ParseMode};
use qes_signer::{SignatureAlgorithm, Signer, SoftwareKey, SoftwareSigner};
use qes_testkit::{EndEntity, Issued, KeyAlgorithm, TestPki};

/// A natural-person holder of the shared test PKI with a key of `algorithm`.
pub fn holder(algorithm: KeyAlgorithm) -> Issued {
    TestPki::shared()
        .issue(
            &EndEntity::natural_person(
                qes_testkit::NATURAL_PERSON_GIVEN_NAME,
                qes_testkit::NATURAL_PERSON_SURNAME,
                qes_testkit::NATURAL_PERSON_CNP,
            )
            .label(&format!("qes-signer-{algorithm}"))
            .key(algorithm),
        )
        .unwrap()
}

/// The issued certificate, parsed by qes-cert.
pub fn certificate(issued: &Issued) -> Certificate {
    Certificate::from_der(issued.cert_der(), ParseMode::Lenient).unwrap()
}

/// The issuing chain, parsed by qes-cert, nearest issuer first.
pub fn chain(issued: &Issued) -> Vec<Certificate> {
    issued
        .chain_der()
        .iter()
        .map(|der| Certificate::from_der(der, ParseMode::Lenient).unwrap())
        .collect()
}

/// A software signer for `issued`, from its PKCS#8 key.
pub fn signer(issued: &Issued) -> SoftwareSigner {
    SoftwareKey::from_pkcs8_der(issued.key().pkcs8_der())
        .unwrap()
        .with_certificate(certificate(issued))
        .unwrap()
        .with_chain(chain(issued))
}

/// Verify `signature` over `message` against the signer's certificate.
pub fn verifies(
    signer: &dyn Signer,
    algorithm: SignatureAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> bool {
    verify_signature(
        &algorithm.algorithm_identifier().unwrap(),
        &signer
            .certificate()
            .x509()
            .tbs_certificate
            .subject_public_key_info,
        message,
        signature,
        &AlgorithmPolicy::default(),
    )
    .is_ok()
}
