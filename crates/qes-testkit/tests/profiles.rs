#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Every profile carries the extensions its clause requires, with the right criticality and
//! encodings, and every certificate chains by signature to the root.

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::{decode, extensions, subject_attrs, verify_cert, Statement};
use der::asn1::{Ia5String, Null, ObjectIdentifier, PrintableString};
use der::{Decode, Encode, Tag};
use qes_testkit::{oid, DccType, EndEntity, KeyAlgorithm, TestPki};
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies,
    CrlDistributionPoints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName,
    SubjectKeyIdentifier,
};
use x509_cert::time::Time;

const AKI: &str = "2.5.29.35";
const SKI: &str = "2.5.29.14";
const KU: &str = "2.5.29.15";
const EKU: &str = "2.5.29.37";
const BC: &str = "2.5.29.19";
const CP: &str = "2.5.29.32";
const SAN: &str = "2.5.29.17";
const CRLDP: &str = "2.5.29.31";
const AIA: &str = "1.3.6.1.5.5.7.1.1";
const QCS: &str = "1.3.6.1.5.5.7.1.3";
const NOCHECK: &str = "1.3.6.1.5.5.7.48.1.5";

fn keys(map: &std::collections::BTreeMap<String, (bool, Vec<u8>)>) -> Vec<(&str, bool)> {
    map.iter().map(|(k, (c, _))| (k.as_str(), *c)).collect()
}

fn sorted(mut v: Vec<(&'static str, bool)>) -> Vec<(&'static str, bool)> {
    v.sort();
    v
}

fn uri(name: &GeneralName) -> &str {
    match name {
        GeneralName::UniformResourceIdentifier(u) => u.as_str(),
        other => panic!("not a URI: {other:?}"),
    }
}

fn check_revocation_pointers(exts: &std::collections::BTreeMap<String, (bool, Vec<u8>)>) {
    let aia: AuthorityInfoAccessSyntax = decode(&exts[AIA].1);
    let found: Vec<(String, &str)> = aia
        .0
        .iter()
        .map(|a| (a.access_method.to_string(), uri(&a.access_location)))
        .collect();
    assert_eq!(
        found,
        vec![
            ("1.3.6.1.5.5.7.48.1".to_owned(), qes_testkit::OCSP_URL),
            ("1.3.6.1.5.5.7.48.2".to_owned(), qes_testkit::CA_ISSUERS_URL),
        ]
    );
    let dp: CrlDistributionPoints = decode(&exts[CRLDP].1);
    match &dp.0[0].distribution_point {
        Some(DistributionPointName::FullName(names)) => {
            assert_eq!(uri(&names[0]), qes_testkit::CRL_URL)
        }
        other => panic!("{other:?}"),
    }
}

fn check_key_ids(pki: &TestPki, issued: &qes_testkit::Issued) {
    let exts = extensions(issued.certificate());
    let aki: AuthorityKeyIdentifier = decode(&exts[AKI].1);
    let issuer_ski: SubjectKeyIdentifier =
        decode(&extensions(pki.qualified_ca().certificate())[SKI].1);
    assert_eq!(aki.key_identifier.unwrap(), issuer_ski.0);
    let ski: SubjectKeyIdentifier = decode(&exts[SKI].1);
    assert_eq!(ski.0.as_bytes().len(), 20);
}

fn statements(der: &[u8]) -> Vec<Statement> {
    Vec::<Statement>::from_der(der).unwrap()
}

fn check_qc_statements(der: &[u8], qc_type: &str, semantics: &str) {
    let st = statements(der);
    let ids: Vec<String> = st.iter().map(|s| s.id.to_string()).collect();
    assert_eq!(
        ids,
        [
            "1.3.6.1.5.5.7.11.2",
            "0.4.0.1862.1.1",
            "0.4.0.1862.1.4",
            "0.4.0.1862.1.6",
            "0.4.0.1862.1.5"
        ]
    );
    // PKIX QCSyntax-v2: SEQUENCE { semanticsIdentifier }
    let sem = st[0].info.as_ref().unwrap().to_der().unwrap();
    let sem: Vec<ObjectIdentifier> = {
        #[derive(der::Sequence)]
        struct Sem {
            id: ObjectIdentifier,
        }
        vec![Sem::from_der(&sem).unwrap().id]
    };
    assert_eq!(sem[0].to_string(), semantics);
    assert!(st[1].info.is_none() && st[2].info.is_none());
    let types: Vec<ObjectIdentifier> = decode(&st[3].info.as_ref().unwrap().to_der().unwrap());
    assert_eq!(
        types.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [qc_type]
    );
    #[derive(der::Sequence)]
    struct Pds {
        url: Ia5String,
        lang: PrintableString,
    }
    let pds: Vec<Pds> = decode(&st[4].info.as_ref().unwrap().to_der().unwrap());
    let pds: Vec<(String, String)> = pds
        .iter()
        .map(|p| (p.url.to_string(), p.lang.to_string()))
        .collect();
    assert_eq!(
        pds,
        [
            (qes_testkit::PDS_URL_EN.to_owned(), "en".to_owned()),
            (qes_testkit::PDS_URL_RO.to_owned(), "ro".to_owned())
        ]
    );
    assert!(pds.iter().all(|(u, _)| u.starts_with("https://")));
}

fn policies(der: &[u8]) -> Vec<String> {
    let cp: CertificatePolicies = decode(der);
    cp.0.iter()
        .map(|p| p.policy_identifier.to_string())
        .collect()
}

#[test]
fn natural_person_profile() {
    let pki = TestPki::shared();
    let issued = pki.natural_person();
    let cert = issued.certificate();
    let exts = extensions(cert);
    assert_eq!(
        keys(&exts),
        sorted(vec![
            (AKI, false),
            (SKI, false),
            (KU, true),
            (CP, false),
            (QCS, false),
            (AIA, false),
            (CRLDP, false),
            (SAN, false)
        ])
    );
    let ku: KeyUsage = decode(&exts[KU].1);
    assert_eq!(ku.0, der::flagset::FlagSet::from(KeyUsages::NonRepudiation));
    assert!(policies(&exts[CP].1).contains(&"0.4.0.194112.1.2".to_owned()));
    check_qc_statements(&exts[QCS].1, "0.4.0.1862.1.6.1", "0.4.0.194121.1.1");
    check_revocation_pointers(&exts);
    check_key_ids(pki, issued);
    let san: SubjectAltName = decode(&exts[SAN].1);
    assert_eq!(
        san.0,
        vec![GeneralName::Rfc822Name(
            Ia5String::new(qes_testkit::NATURAL_PERSON_EMAIL).unwrap()
        )]
    );
    assert_eq!(
        subject_attrs(cert),
        vec![
            ("2.5.4.6".into(), Tag::PrintableString, "RO".into()),
            ("2.5.4.4".into(), Tag::Utf8String, "Mărgărit".into()),
            ("2.5.4.42".into(), Tag::Utf8String, "Ștefan".into()),
            (
                "2.5.4.5".into(),
                Tag::PrintableString,
                qes_testkit::NATURAL_PERSON_SERIAL_NUMBER.into()
            ),
            ("2.5.4.3".into(), Tag::Utf8String, "Ștefan Mărgărit".into()),
        ]
    );
    // The CNP/CUI checksums are qes-cert's to judge: see qes-cert/tests/testkit_profiles.rs.
    assert_eq!(
        qes_testkit::NATURAL_PERSON_SERIAL_NUMBER,
        format!("PNORO-{}", qes_testkit::NATURAL_PERSON_CNP)
    );
}

#[test]
fn legal_person_profile() {
    let pki = TestPki::shared();
    let issued = pki.legal_person();
    let cert = issued.certificate();
    let exts = extensions(cert);
    assert_eq!(
        keys(&exts),
        sorted(vec![
            (AKI, false),
            (SKI, false),
            (KU, true),
            (CP, false),
            (QCS, false),
            (AIA, false),
            (CRLDP, false)
        ])
    );
    let ku: KeyUsage = decode(&exts[KU].1);
    assert_eq!(ku.0, der::flagset::FlagSet::from(KeyUsages::NonRepudiation));
    assert!(policies(&exts[CP].1).contains(&"0.4.0.194112.1.3".to_owned()));
    check_qc_statements(&exts[QCS].1, "0.4.0.1862.1.6.2", "0.4.0.194121.1.2");
    check_revocation_pointers(&exts);
    check_key_ids(pki, issued);
    assert_eq!(
        subject_attrs(cert),
        vec![
            ("2.5.4.6".into(), Tag::PrintableString, "RO".into()),
            (
                "2.5.4.10".into(),
                Tag::Utf8String,
                qes_testkit::LEGAL_PERSON_ORGANIZATION.into()
            ),
            (
                "2.5.4.97".into(),
                Tag::Utf8String,
                qes_testkit::LEGAL_PERSON_ORGANIZATION_IDENTIFIER.into()
            ),
            (
                "2.5.4.3".into(),
                Tag::Utf8String,
                qes_testkit::LEGAL_PERSON_ORGANIZATION.into()
            ),
        ]
    );
}

#[test]
fn tsa_profile() {
    let pki = TestPki::shared();
    let exts = extensions(pki.tsa().certificate());
    assert_eq!(
        keys(&exts),
        sorted(vec![
            (AKI, false),
            (SKI, false),
            (KU, true),
            (EKU, true),
            (CP, false),
            (AIA, false),
            (CRLDP, false)
        ])
    );
    let eku: ExtendedKeyUsage = decode(&exts[EKU].1);
    assert_eq!(eku.0, vec![oid::KP_TIME_STAMPING]);
    let ku: KeyUsage = decode(&exts[KU].1);
    assert_eq!(
        ku.0,
        der::flagset::FlagSet::from(KeyUsages::DigitalSignature)
    );
}

#[test]
fn ocsp_responder_profile() {
    let pki = TestPki::shared();
    let exts = extensions(pki.ocsp_responder().certificate());
    assert_eq!(
        keys(&exts),
        sorted(vec![
            (AKI, false),
            (SKI, false),
            (KU, true),
            (EKU, false),
            (NOCHECK, false)
        ])
    );
    let eku: ExtendedKeyUsage = decode(&exts[EKU].1);
    assert_eq!(eku.0, vec![oid::KP_OCSP_SIGNING]);
    assert_eq!(exts[NOCHECK].1, Null.to_der().unwrap());
    assert_eq!(pki.ocsp_responder().key().algorithm(), KeyAlgorithm::EcP256);
}

#[test]
fn dcc_signer_profiles() {
    let pki = TestPki::shared();
    for (t, eku_oid) in [
        (DccType::Test, Some("1.3.6.1.4.1.1847.2021.1.1")),
        (DccType::Vaccination, Some("1.3.6.1.4.1.1847.2021.1.2")),
        (DccType::Recovery, Some("1.3.6.1.4.1.1847.2021.1.3")),
        (DccType::Any, None),
    ] {
        let issued = pki.dcc_signer(t);
        assert_eq!(issued.label(), t.label());
        let exts = extensions(issued.certificate());
        match eku_oid {
            Some(o) => {
                let eku: ExtendedKeyUsage = decode(&exts[EKU].1);
                assert_eq!(eku.0.len(), 1);
                assert_eq!(eku.0[0].to_string(), o);
                assert!(!exts[EKU].0);
            }
            None => assert!(!exts.contains_key(EKU)),
        }
        assert!(exts[KU].0);
        verify_cert(issued.certificate(), pki.qualified_ca().certificate());
    }
}

#[test]
fn ca_profiles_and_chain_signatures() {
    let pki = TestPki::shared();
    let root = pki.root().certificate();
    let ca = pki.qualified_ca().certificate();
    let root_exts = extensions(root);
    assert_eq!(
        keys(&root_exts),
        sorted(vec![(BC, true), (KU, true), (SKI, false)])
    );
    let bc: BasicConstraints = decode(&root_exts[BC].1);
    assert!(bc.ca && bc.path_len_constraint.is_none());
    let ca_exts = extensions(ca);
    assert_eq!(
        keys(&ca_exts),
        sorted(vec![
            (BC, true),
            (KU, true),
            (SKI, false),
            (AKI, false),
            (CP, false),
            (AIA, false),
            (CRLDP, false)
        ])
    );
    let bc: BasicConstraints = decode(&ca_exts[BC].1);
    assert!(bc.ca && bc.path_len_constraint == Some(0));
    let ku: KeyUsage = decode(&ca_exts[KU].1);
    assert_eq!(ku.0, KeyUsages::KeyCertSign | KeyUsages::CRLSign);
    assert_eq!(policies(&ca_exts[CP].1), ["2.5.29.32.0"]);

    verify_cert(root, root);
    verify_cert(ca, root);
    for issued in pki.all().into_iter().skip(2) {
        verify_cert(issued.certificate(), ca);
        assert_eq!(
            issued.chain_der(),
            [pki.qualified_ca().cert_der(), pki.root().cert_der()]
        );
        assert!(!issued.is_ca());
    }
    assert!(pki.root().chain_der().is_empty());
    assert_eq!(pki.qualified_ca().chain_der(), [pki.root().cert_der()]);
}

fn years_after(t: &Time, epoch: chrono::DateTime<Utc>) -> i64 {
    let secs = i64::try_from(t.to_unix_duration().as_secs()).unwrap();
    (secs - epoch.timestamp()) / (365 * 86400)
}

#[test]
fn validity_follows_epoch() {
    let pki = TestPki::shared();
    let epoch = pki.epoch();
    assert_eq!(epoch, Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
    for (issued, years) in [
        (pki.root(), 20),
        (pki.qualified_ca(), 10),
        (pki.natural_person(), 3),
    ] {
        let v = &issued.certificate().tbs_certificate.validity;
        assert_eq!(
            v.not_before.to_unix_duration().as_secs(),
            u64::try_from(epoch.timestamp()).unwrap()
        );
        assert_eq!(years_after(&v.not_after, epoch), years);
        // Before 2050: UTCTime (RFC 5280 §4.1.2.5).
        assert!(matches!(v.not_after, Time::UtcTime(_)));
    }
}

#[test]
fn custom_end_entities_every_algorithm_and_window() {
    let pki = TestPki::shared();
    let epoch = pki.epoch();
    for alg in KeyAlgorithm::ALL {
        let expired = pki
            .issue(
                &EndEntity::natural_person("Ana", "Ionescu", "2901127400127")
                    .label(&format!("expired-{alg}"))
                    .key(alg)
                    .validity(epoch - Duration::days(400), epoch - Duration::days(35))
                    .serial(4242),
            )
            .unwrap();
        assert_eq!(expired.key().algorithm(), alg);
        assert_eq!(
            expired.key().signature_algorithm(),
            alg.signature_algorithm()
        );
        let cert = expired.certificate();
        assert_eq!(
            cert.tbs_certificate.serial_number.as_bytes(),
            4242u64.to_be_bytes().as_slice()[6..].to_vec().as_slice()
        );
        verify_cert(cert, pki.qualified_ca().certificate());
        // The key signs with the advertised algorithm.
        let sig = expired.key().sign(b"hello");
        common::verify(
            &expired.key().public_key_der(),
            &expired.key().signature_algorithm(),
            b"hello",
            &sig,
        );
        assert_eq!(
            expired.key().try_sign(b"hello").unwrap(),
            sig,
            "deterministic"
        );
    }
    // A certificate far in the future uses GeneralizedTime.
    let late = pki
        .issue(
            &EndEntity::legal_person("Late SRL", "12345674")
                .validity(epoch, Utc.with_ymd_and_hms(2051, 1, 1, 0, 0, 0).unwrap()),
        )
        .unwrap();
    assert!(matches!(
        late.certificate().tbs_certificate.validity.not_after,
        Time::GeneralTime(_)
    ));
    // An empty window is an error, not a panic.
    assert!(pki
        .issue(&EndEntity::tsa("x").validity(epoch, epoch))
        .is_err());
    // Only a CA can issue.
    assert!(pki.issue_by(pki.tsa(), &EndEntity::tsa("x")).is_err());
    // The root can issue directly.
    let direct = pki
        .issue_by(pki.root(), &EndEntity::tsa("Root TSA").label("root-tsa"))
        .unwrap();
    verify_cert(direct.certificate(), pki.root().certificate());
}

#[test]
fn key_pair_debug_hides_the_key() {
    let pki = TestPki::shared();
    let key = pki.natural_person().key();
    let debug = format!("{key:?}");
    assert!(
        debug.contains("Rsa2048") && debug.contains("natural-person"),
        "{debug}"
    );
    assert!(!debug.contains("PRIVATE") && debug.len() < 120, "{debug}");
    let issued_debug = format!("{:?}", pki.natural_person());
    assert!(!issued_debug.contains("PRIVATE KEY"));
    // PKCS#8 round trip.
    let pem = key.pkcs8_pem();
    let (label, der) = pem_rfc7468::decode_vec(pem.as_bytes()).unwrap();
    assert_eq!(label, "PRIVATE KEY");
    assert_eq!(der, key.pkcs8_der());
    use pkcs8::DecodePrivateKey;
    let rsa = rsa::RsaPrivateKey::from_pkcs8_der(key.pkcs8_der()).unwrap();
    use pkcs8::EncodePublicKey;
    assert_eq!(
        rsa.to_public_key().to_public_key_der().unwrap().as_bytes(),
        key.public_key_der()
    );
}
