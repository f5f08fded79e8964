//! The test PKI's holder certificates read as what they claim to be.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use qes_cert::{
    identity, lint, parse_any, Certificate, CertificatePolicy, Evidence, ParseMode, PersonKind,
    Purpose, QscdDeclaration, Qualification, QualifiedSummary, Severity, Sex,
};
use qes_testkit::TestPki;

fn strict(der: &[u8]) -> Certificate {
    Certificate::from_der(der, ParseMode::Strict).unwrap()
}

#[test]
fn natural_person_is_a_qualified_qscd_esignature_with_a_valid_cnp() {
    let cert = strict(TestPki::shared().natural_person().cert_der());
    let s = QualifiedSummary::of(&cert).unwrap();
    assert_eq!(s.qualified.value, Qualification::EuQualified);
    assert!(s.qualified.evidence.contains(&Evidence::QcCompliance));
    assert!(s.qualified.evidence.contains(&Evidence::Policy {
        policy: CertificatePolicy::QcpNQscd
    }));
    assert_eq!(s.purpose.value, Some(Purpose::ESignature));
    assert_eq!(s.qscd.value, QscdDeclaration::Declared);
    assert!(s.qscd.evidence.contains(&Evidence::QcSscd));
    assert!(s.conflicts.is_empty(), "{:?}", s.conflicts);
    assert!(s.is_eu_qualified() && s.claims_qualified());
    assert_eq!(s.person.value, Some(PersonKind::Natural));

    assert!(cert.not_before() < cert.not_after());
    assert!(
        cert.subject().to_string().contains("PNORO-"),
        "{}",
        cert.subject()
    );
    assert!(cert
        .issuer()
        .to_string()
        .contains(qes_testkit::QUALIFIED_CA_CN));
    assert!(!cert.serial_hex().is_empty());

    let id = identity(&cert).unwrap();
    let cnp = id.cnp().expect("PNORO- with a valid CNP");
    assert_eq!(cnp.to_string(), qes_testkit::NATURAL_PERSON_CNP);
    assert_eq!(cnp.sex(), Sex::Male);
    assert_eq!(
        cnp.birth_date(),
        chrono::NaiveDate::from_ymd_opt(1985, 3, 15)
    );
    assert_eq!(
        id.given_names,
        vec![qes_testkit::NATURAL_PERSON_GIVEN_NAME.to_owned()]
    );
    assert_eq!(
        id.surnames,
        vec![qes_testkit::NATURAL_PERSON_SURNAME.to_owned()]
    );
    assert!(
        id.emails
            .contains(&qes_testkit::NATURAL_PERSON_EMAIL.to_owned()),
        "{:?}",
        id.emails
    );

    let report = lint(&cert);
    for f in &report.findings {
        println!(
            "natural person finding: {:?} {} {}",
            f.severity, f.code, f.message
        );
    }
    let errors: Vec<_> = report.errors().collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(report.profile.purpose, Some(Purpose::ESignature));
    assert!(report.profile.qscd);
    serde_json::to_string(&(s, id, report)).unwrap();
}

#[test]
fn legal_person_is_a_qualified_qscd_eseal_with_a_valid_cui() {
    let cert = strict(TestPki::shared().legal_person().cert_der());
    let s = QualifiedSummary::of(&cert).unwrap();
    assert_eq!(s.qualified.value, Qualification::EuQualified);
    assert_eq!(s.purpose.value, Some(Purpose::ESeal));
    assert_eq!(s.qscd.value, QscdDeclaration::Declared);
    assert!(s.conflicts.is_empty(), "{:?}", s.conflicts);
    assert_eq!(s.person.value, Some(PersonKind::Legal));
    let id = identity(&cert).unwrap();
    assert_eq!(
        id.cui().expect("VATRO- with a valid CUI").as_str(),
        qes_testkit::LEGAL_PERSON_CUI
    );
    assert_eq!(
        id.organization.as_deref(),
        Some(qes_testkit::LEGAL_PERSON_ORGANIZATION)
    );
    let report = lint(&cert);
    for f in &report.findings {
        println!(
            "legal person finding: {:?} {} {}",
            f.severity, f.code, f.message
        );
    }
    let errors: Vec<_> = report.errors().collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(report.findings.iter().all(|f| f.severity < Severity::Error));
}

#[test]
fn chain_pem_bundle_parses_in_order() {
    let holder = TestPki::shared().natural_person();
    // The leaf, then its issuer chain, as a CLI user would concatenate them.
    let bundle = format!("{}\n{}", holder.cert_pem(), holder.chain_pem().unwrap());
    let certs = parse_any(bundle.as_bytes(), ParseMode::Strict).unwrap();
    assert!(certs.len() >= 2, "{}", certs.len());
    assert_eq!(certs[0].der(), holder.cert_der());
    // The CA certificates are not qualified end-entity certificates.
    let ca = strict(TestPki::shared().qualified_ca().cert_der());
    assert!(!QualifiedSummary::of(&ca).unwrap().claims_qualified());
}

/// The testkit's identifiers are valid by qes-cert's own checks (the testkit cannot depend on
/// qes-cert, so this is where its constants are judged).
#[test]
fn testkit_identifiers_are_valid() {
    assert!(qes_cert::Cnp::parse(qes_testkit::NATURAL_PERSON_CNP).is_ok());
    assert!(qes_cert::Cui::parse(qes_testkit::LEGAL_PERSON_CUI).is_ok());
    assert!(qes_cert::Cui::parse(qes_testkit::TSP_CUI).is_ok());
}
