//! ESS signing-certificate references (`asn1::{SigningCertificate, SigningCertificateV2}`) and
//! CAdES commitment-type / signer-location attributes: encodings, round trips, and bindings
//! to real certificates of the test PKI and to the openssl-made TSA token vector.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::borrow::Cow;
use std::path::Path;

use cms::signed_data::SignedData;
use const_oid::db::rfc5912::ID_SHA_1;
use const_oid::ObjectIdentifier;
use der::asn1::OctetString;
use der::Decode;
use proptest::prelude::*;
use qes_cert::{Certificate, ParseMode};
use qes_cms::asn1::{
    normalize_to_der, oids, BerLimits, CommitmentType, CommitmentTypeIndication,
    CommitmentTypeQualifier, DecodeError, EssCertId, EssCertIdV2, HashMatch, IssuerSerial,
    IssuerSerialMatch, SignerLocation, SigningCertificate, SigningCertificateV2,
};
use qes_signer::DigestAlgorithm;
use qes_testkit::TestPki;
use spki::AlgorithmIdentifierOwned;
use x509_cert::serial_number::SerialNumber;

fn cert(issued: &qes_testkit::Issued) -> Certificate {
    Certificate::from_der(issued.cert_der(), ParseMode::Strict).unwrap()
}

fn serial(c: &Certificate) -> SerialNumber {
    c.x509().tbs_certificate.serial_number.clone()
}

#[test]
fn v2_reference_binds_its_certificate_only() {
    let pki = TestPki::shared();
    let holder = cert(pki.natural_person());
    let other = cert(pki.legal_person());
    for digest in DigestAlgorithm::ALL {
        let id =
            EssCertIdV2::for_certificate(holder.der(), holder.issuer(), &serial(&holder), digest)
                .unwrap();
        let b = id.binding(&holder);
        assert_eq!(
            (b.cert_hash, b.issuer_serial),
            (HashMatch::Matches, IssuerSerialMatch::Matches),
            "{digest:?}"
        );
        assert_eq!(b.hash_algorithm, digest.oid());
        assert!(b.is_bound());
        let b = id.binding(&other);
        assert_eq!(
            (b.cert_hash, b.issuer_serial),
            (HashMatch::Mismatch, IssuerSerialMatch::Differs)
        );
        assert!(!b.is_bound());
        // Attribute value round trip, DER.
        let attr = SigningCertificateV2 {
            certs: vec![id.clone()],
            policies: None,
        };
        let der = attr.to_der().unwrap();
        assert!(matches!(
            normalize_to_der(&der, &BerLimits::default()).unwrap(),
            Cow::Borrowed(_)
        ));
        let back = SigningCertificateV2::from_der(&der).unwrap();
        assert_eq!(back, attr);
        assert_eq!(back.signing_cert_id(), Some(&id));
    }
}

#[test]
fn hash_without_issuer_serial_and_wrong_serial() {
    let pki = TestPki::shared();
    let holder = cert(pki.natural_person());
    let mut id = EssCertIdV2::for_certificate(
        holder.der(),
        holder.issuer(),
        &serial(&holder),
        DigestAlgorithm::Sha256,
    )
    .unwrap();
    let wrong = IssuerSerial::new(holder.issuer(), &SerialNumber::new(&[0x7F, 1, 2]).unwrap());
    id.issuer_serial = Some(wrong);
    let b = id.binding(&holder);
    assert_eq!(
        (b.cert_hash, b.issuer_serial),
        (HashMatch::Matches, IssuerSerialMatch::Differs)
    );
    assert!(
        !b.is_bound(),
        "a differing issuerSerial unbinds a matching hash"
    );
    id.issuer_serial = None;
    let b = id.binding(&holder);
    assert_eq!(
        (b.cert_hash, b.issuer_serial),
        (HashMatch::Matches, IssuerSerialMatch::Absent)
    );
    assert!(b.is_bound());
    // The right serial under another issuer name.
    id.issuer_serial = Some(IssuerSerial::new(
        cert(pki.root()).subject(),
        &serial(&holder),
    ));
    assert_eq!(
        id.binding(&holder).issuer_serial,
        IssuerSerialMatch::Differs
    );
}

#[test]
fn unsupported_hash_algorithm_is_reported() {
    let pki = TestPki::shared();
    let holder = cert(pki.natural_person());
    let mut id = EssCertIdV2::for_certificate(
        holder.der(),
        holder.issuer(),
        &serial(&holder),
        DigestAlgorithm::Sha256,
    )
    .unwrap();
    // id-sha3-256 (NIST): well-formed, not computed here.
    id.hash_algorithm = AlgorithmIdentifierOwned {
        oid: ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.8"),
        parameters: None,
    };
    let b = id.binding(&holder);
    assert_eq!(b.cert_hash, HashMatch::UnsupportedAlgorithm);
    assert!(!b.is_bound());
    // SHA-1 inside a v2 reference is computed, and named.
    let sha1 = EssCertId::for_certificate(holder.der(), holder.issuer(), &serial(&holder)).unwrap();
    id.hash_algorithm = AlgorithmIdentifierOwned {
        oid: ID_SHA_1,
        parameters: None,
    };
    id.cert_hash = sha1.cert_hash.clone();
    let b = id.binding(&holder);
    assert_eq!(
        (b.hash_algorithm, b.cert_hash),
        (ID_SHA_1, HashMatch::Matches)
    );
}

#[test]
fn v1_reference_uses_sha1() {
    let pki = TestPki::shared();
    let tsa = cert(pki.tsa());
    let id = EssCertId::for_certificate(tsa.der(), tsa.issuer(), &serial(&tsa)).unwrap();
    assert_eq!(id.cert_hash.as_bytes().len(), 20);
    let b = id.binding(&tsa);
    assert_eq!(
        (b.hash_algorithm, b.cert_hash, b.issuer_serial),
        (ID_SHA_1, HashMatch::Matches, IssuerSerialMatch::Matches)
    );
    let attr = SigningCertificate {
        certs: vec![id],
        policies: None,
    };
    assert_eq!(
        SigningCertificate::from_der(&attr.to_der().unwrap()).unwrap(),
        attr
    );
    let mut tampered = attr.certs[0].clone();
    let mut hash = tampered.cert_hash.as_bytes().to_vec();
    hash[0] ^= 1;
    tampered.cert_hash = OctetString::new(hash).unwrap();
    assert_eq!(tampered.binding(&tsa).cert_hash, HashMatch::Mismatch);
}

#[test]
fn explicit_sha256_decodes_as_the_default() {
    // ESSCertIDv2 with hashAlgorithm sha256 written out (with NULL parameters, as some
    // encoders do): decodes, and still binds.
    let pki = TestPki::shared();
    let holder = cert(pki.natural_person());
    let mut id = EssCertIdV2::for_certificate(
        holder.der(),
        holder.issuer(),
        &serial(&holder),
        DigestAlgorithm::Sha256,
    )
    .unwrap();
    id.hash_algorithm.parameters = Some(der::Any::null());
    let der = SigningCertificateV2 {
        certs: vec![id.clone()],
        policies: None,
    }
    .to_der()
    .unwrap();
    let sha256_null = [
        0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
    ];
    assert!(
        der.windows(15).any(|w| w == sha256_null),
        "written out when parameters are NULL"
    );
    let back = SigningCertificateV2::from_der(&der).unwrap();
    assert_eq!(back.certs[0], id);
    assert!(back.certs[0].binding(&holder).is_bound());
}

/// The signed attributes of the openssl-made token in the x509-tsp vectors.
fn token_signed_attrs() -> Vec<(ObjectIdentifier, Vec<u8>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../third-party/rustcrypto-formats/x509-tsp/response.tsr");
    let bytes = std::fs::read(path).unwrap();
    let resp = x509_tsp::TimeStampResp::from_der(&bytes).unwrap();
    let sd = resp
        .time_stamp_token
        .unwrap()
        .content
        .decode_as::<SignedData>()
        .unwrap();
    let si = sd.signer_infos.0.iter().next().unwrap().clone();
    si.signed_attrs
        .unwrap()
        .iter()
        .map(|a| {
            (
                a.oid,
                der::Encode::to_der(a.values.iter().next().unwrap()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn openssl_tsa_signing_certificate_decodes() {
    let attrs = token_signed_attrs();
    let (_, value) = attrs
        .iter()
        .find(|(oid, _)| *oid == oids::SIGNING_CERTIFICATE)
        .unwrap();
    let sc = SigningCertificate::from_der(value).unwrap();
    assert_eq!(sc.certs.len(), 1);
    let id = sc.signing_cert_id().unwrap();
    let hex: String = id
        .cert_hash
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    assert_eq!(hex, "2F36B1B52456F5AC3A1CA09794AE3D0D64AD38C2");
    assert!(id.issuer_serial.is_none());
    assert!(sc.policies.is_none());
    assert_eq!(sc.to_der().unwrap(), *value);
    // Structurally a v1 value is also a v2 value (hashAlgorithm absent, so SHA-256): which
    // one it is comes from the attribute type, never from the bytes. The signing-time next
    // to it parses.
    assert!(SigningCertificateV2::from_der(value)
        .is_ok_and(|v| v.certs[0].hash_algorithm.oid == DigestAlgorithm::Sha256.oid()));
    let (_, time) = attrs
        .iter()
        .find(|(oid, _)| *oid == oids::SIGNING_TIME)
        .unwrap();
    assert_eq!(
        qes_cms::asn1::parse_time(time).unwrap().timestamp(),
        1_686_137_186
    );
}

#[test]
fn malformed_attribute_values_are_typed_errors() {
    for bad in [
        &[][..],
        &[0x30, 0x00],
        &[0x30, 0x02, 0x30, 0x00],
        &[0x31, 0x00],
        &[0x30, 0x03, 0x30, 0x01, 0x04],
    ] {
        assert!(matches!(
            SigningCertificateV2::from_der(bad),
            Err(DecodeError::Der { .. } | DecodeError::Value { .. })
        ));
        assert!(SigningCertificate::from_der(bad).is_err());
        assert!(matches!(
            CommitmentTypeIndication::from_der(bad),
            Err(DecodeError::Der { .. })
        ));
    }
    assert!(SignerLocation::from_der(&[0x31, 0x00]).is_err());
}

// ---- CAdES attributes -----------------------------------------------------------------------

fn commitment_type() -> impl Strategy<Value = CommitmentType> {
    prop_oneof![
        prop::sample::select(CommitmentType::NAMED.to_vec()),
        (1u32..100_000).prop_map(|n| CommitmentType::Other(
            ObjectIdentifier::new(&format!("1.3.6.1.4.1.{n}.1")).unwrap()
        )),
    ]
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ăâîșțĂÂÎȘȚ.,-]{1,40}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn commitment_round_trip(t in commitment_type(), quals in prop::collection::vec((1u32..1000, prop::option::of(text())), 0..3)) {
        let mut c = CommitmentTypeIndication::new(t);
        for (n, q) in quals {
            c.qualifiers.push(CommitmentTypeQualifier {
                id: ObjectIdentifier::new(&format!("1.3.6.1.4.1.99.{n}")).unwrap(),
                qualifier: q.map(|s| der::Any::new(der::Tag::Utf8String, s.into_bytes()).unwrap()),
            });
        }
        let der = c.to_der().unwrap();
        prop_assert!(matches!(normalize_to_der(&der, &BerLimits::default()).unwrap(), Cow::Borrowed(_)));
        prop_assert_eq!(CommitmentTypeIndication::from_der(&der).unwrap(), c.clone());
        prop_assert_eq!(CommitmentType::from_oid(t.oid()), t);
    }

    #[test]
    fn signer_location_round_trip(country in prop::option::of("[A-Z]{2}"), locality in prop::option::of(text()), postal in prop::collection::vec(text(), 0..7)) {
        let loc = SignerLocation { country_name: country, locality_name: locality, postal_address: postal };
        let der = loc.to_der().unwrap();
        prop_assert!(matches!(normalize_to_der(&der, &BerLimits::default()).unwrap(), Cow::Borrowed(_)));
        prop_assert_eq!(SignerLocation::from_der(&der).unwrap(), loc);
    }

    #[test]
    fn attribute_decoders_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..128)) {
        let _ = SigningCertificate::from_der(&bytes);
        let _ = SigningCertificateV2::from_der(&bytes);
        let _ = CommitmentTypeIndication::from_der(&bytes);
        let _ = SignerLocation::from_der(&bytes);
        let _ = qes_cms::asn1::parse_time(&bytes);
    }
}
