//! Helpers shared by the integration tests: independent decoding and signature checks.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use der::asn1::ObjectIdentifier;
use der::{Any, Decode, Encode, Tag};
use signature::Verifier;
use spki::{AlgorithmIdentifierOwned, DecodePublicKey};
use x509_cert::Certificate;

/// Extensions by OID string: (critical, DER value).
pub fn extensions(cert: &Certificate) -> BTreeMap<String, (bool, Vec<u8>)> {
    let mut map = BTreeMap::new();
    for ext in cert
        .tbs_certificate
        .extensions
        .as_deref()
        .unwrap_or_default()
    {
        let old = map.insert(
            ext.extn_id.to_string(),
            (ext.critical, ext.extn_value.as_bytes().to_vec()),
        );
        assert!(old.is_none(), "duplicate extension {}", ext.extn_id);
    }
    map
}

/// Subject attributes in order: (OID string, tag, value).
pub fn subject_attrs(cert: &Certificate) -> Vec<(String, Tag, String)> {
    let mut out = Vec::new();
    for rdn in &cert.tbs_certificate.subject.0 {
        for atv in rdn.0.iter() {
            let tag = der::Tagged::tag(&atv.value);
            let value = String::from_utf8(atv.value.value().to_vec()).unwrap();
            out.push((atv.oid.to_string(), tag, value));
        }
    }
    out
}

/// Verifies `sig` over `msg` with the SubjectPublicKeyInfo DER `spki` and algorithm `alg`.
pub fn verify(spki: &[u8], alg: &AlgorithmIdentifierOwned, msg: &[u8], sig: &[u8]) {
    match alg.oid.to_string().as_str() {
        "1.2.840.113549.1.1.11" => {
            assert_eq!(alg.parameters, Some(Any::from(der::asn1::Null)));
            let key = rsa::RsaPublicKey::from_public_key_der(spki).unwrap();
            let vk = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key);
            vk.verify(msg, &rsa::pkcs1v15::Signature::try_from(sig).unwrap())
                .expect("RSA signature verifies");
        }
        "1.2.840.10045.4.3.2" => {
            assert!(alg.parameters.is_none());
            let vk = p256::ecdsa::VerifyingKey::from_public_key_der(spki).unwrap();
            let sig = p256::ecdsa::Signature::from_der(sig).unwrap();
            vk.verify(msg, &sig).expect("P-256 signature verifies");
        }
        "1.2.840.10045.4.3.3" => {
            assert!(alg.parameters.is_none());
            let vk = p384::ecdsa::VerifyingKey::from_public_key_der(spki).unwrap();
            let sig = p384::ecdsa::Signature::from_der(sig).unwrap();
            vk.verify(msg, &sig).expect("P-384 signature verifies");
        }
        other => panic!("unexpected signature algorithm {other}"),
    }
}

/// Verifies `cert`'s signature with `issuer`'s public key.
pub fn verify_cert(cert: &Certificate, issuer: &Certificate) {
    assert_eq!(cert.tbs_certificate.issuer, issuer.tbs_certificate.subject);
    assert_eq!(cert.signature_algorithm, cert.tbs_certificate.signature);
    verify(
        &issuer
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .unwrap(),
        &cert.signature_algorithm,
        &cert.tbs_certificate.to_der().unwrap(),
        cert.signature.raw_bytes(),
    );
}

/// One QCStatement decoded independently of the testkit's own types.
#[derive(Debug, der::Sequence)]
pub struct Statement {
    pub id: ObjectIdentifier,
    pub info: Option<Any>,
}

pub fn decode<'a, T: Decode<'a>>(der: &'a [u8]) -> T {
    T::from_der(der).unwrap()
}

/// Verifies a CRL's signature with the issuing CA's key.
pub fn verify_crl(crl: &x509_cert::crl::CertificateList, issuer: &qes_testkit::Issued) {
    verify(
        &issuer.key().public_key_der(),
        &crl.signature_algorithm,
        &crl.tbs_cert_list.to_der().unwrap(),
        crl.signature.raw_bytes(),
    );
}
