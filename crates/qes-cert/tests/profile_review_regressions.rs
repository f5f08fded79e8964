//! Regressions for the second review of the profile, identity, parsing and lint modules: each
//! test failed before its fix.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{rebuild, rebuild_with, tlv};
use std::path::Path;

use der::Encode;
use qes_cert::{
    identity, lint, lint_with_profile, parse_any, parse_pem, Certificate, CertificatePolicy, Cnp,
    CnpError, Conflict, Cui, CuiError, DerLocation, DerRule, Error, Evidence, Limits, LintProfile,
    ObjectIdentifier, ParseMode, PersonEvidence, PersonKind, Policies, ProfileQualification,
    Purpose, QcStatement, QcStatements, QcType, QscdDeclaration, Qualification, QualifiedSummary,
    Residency, Severity,
};
use qes_testkit::TestPki;

// ---------------------------------------------------------------------------------------------
// Certificate surgery (re-assembles a testkit certificate; the signature no longer verifies,
// which none of these tests needs).

fn ext_tlv(oid: &ObjectIdentifier, critical: Option<bool>, value: &[u8]) -> Vec<u8> {
    let mut c = oid.to_der().unwrap();
    if let Some(b) = critical {
        c.extend([0x01, 0x01, if b { 0xff } else { 0x00 }]);
    }
    c.extend(tlv(0x04, value));
    tlv(0x30, &c)
}

const QCS: &str = "1.3.6.1.5.5.7.1.3";
const COMPLIANCE: &str = "0.4.0.1862.1.1";
const SSCD: &str = "0.4.0.1862.1.4";
const QC_TYPE: &str = "0.4.0.1862.1.6";
const ESIGN: &str = "0.4.0.1862.1.6.1";
const ESEAL: &str = "0.4.0.1862.1.6.2";

fn oid_der(s: &str) -> Vec<u8> {
    ObjectIdentifier::new_unwrap(s).to_der().unwrap()
}

fn stmt(oid: &str, info: Option<Vec<u8>>) -> Vec<u8> {
    let mut c = oid_der(oid);
    if let Some(i) = info {
        c.extend(i);
    }
    tlv(0x30, &c)
}

fn qc_types(types: &[&str]) -> Vec<u8> {
    tlv(
        0x30,
        &types
            .iter()
            .map(|t| oid_der(t))
            .collect::<Vec<_>>()
            .concat(),
    )
}

fn natural_der() -> Vec<u8> {
    TestPki::shared().natural_person().cert_der().to_vec()
}

/// The natural person's certificate (QCP-n-qscd) with these QC statements instead of its own.
fn with_qcs(statements: &[Vec<u8>]) -> Certificate {
    let value = tlv(0x30, &statements.concat());
    let der = rebuild(&natural_der(), |e| {
        (e.extn_id.to_string() == QCS).then(|| ext_tlv(&e.extn_id, None, &value))
    });
    Certificate::from_der(&der, ParseMode::Strict).unwrap()
}

fn pkilint_vector(rel: &str) -> Certificate {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../third-party/pkilint/tests/integration_certificate/etsi")
        .join(rel);
    let text = std::fs::read_to_string(path).unwrap();
    parse_pem(text.as_bytes(), ParseMode::Lenient, &Limits::default()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// P0 1: a qualified policy alone is not a qualified claim, and lint checks such certificates.

#[test]
fn qualified_policy_without_qc_compliance_is_policy_only_and_linted() {
    for f in [
        "missing_qc_statements.crttest",
        "empty_qc_statements.crttest",
    ] {
        let cert = pkilint_vector(&format!("qcp_n_qscd_eidas_final_certificate/{f}"));
        let s = QualifiedSummary::of(&cert).unwrap();
        assert_eq!(
            s.qualified.value,
            Qualification::PolicyOnly {
                policies: vec![CertificatePolicy::QcpNQscd]
            },
            "{f}"
        );
        assert!(!s.claims_qualified() && !s.is_eu_qualified(), "{f}");
        assert_eq!(s.qscd.value, QscdDeclaration::PolicyOnly, "{f}");
        let r = lint(&cert);
        assert_eq!(r.profile.qualification, ProfileQualification::Eu, "{f}");
        let errors: Vec<_> = r.errors().map(|f| f.code).collect();
        let expected = if f.starts_with("missing") {
            "qes.etsi.en_319_412_5.missing_qc_statements_extension"
        } else {
            "qes.etsi.en_319_412_5.missing_qc_compliance"
        };
        assert!(errors.contains(&expected), "{f}: {errors:?}");
    }
}

// P0 2: QcType decides the purpose; several purposes are ambiguous, with all evidence.

#[test]
fn ambiguous_qc_type_is_not_hidden_behind_the_policy() {
    let cert = with_qcs(&[
        stmt(COMPLIANCE, None),
        stmt(SSCD, None),
        stmt(QC_TYPE, Some(qc_types(&[ESIGN, ESEAL]))),
    ]);
    let s = QualifiedSummary::of(&cert).unwrap();
    assert_eq!(s.purpose.value, None);
    assert_eq!(
        s.purpose.evidence,
        vec![
            Evidence::QcType {
                qc_type: QcType::Esign
            },
            Evidence::QcType {
                qc_type: QcType::Eseal
            }
        ]
    );
    assert!(s.conflicts.contains(&Conflict::AmbiguousQcType {
        qc_types: vec![QcType::Esign, QcType::Eseal]
    }));
}

#[test]
fn qc_type_contradicting_the_policy_is_reported() {
    // QcType eseal on a QCP-n-qscd certificate: QcType decides, the policy conflicts.
    let cert = with_qcs(&[
        stmt(COMPLIANCE, None),
        stmt(SSCD, None),
        stmt(QC_TYPE, Some(qc_types(&[ESEAL]))),
    ]);
    let s = QualifiedSummary::of(&cert).unwrap();
    assert_eq!(s.purpose.value, Some(Purpose::ESeal));
    assert!(s.conflicts.contains(&Conflict::QcTypeContradictsPolicy {
        qc_type: QcType::Eseal,
        policy: CertificatePolicy::QcpNQscd
    }));
}

// P0 3: two QcType statements are two purposes.

#[test]
fn two_qc_type_statements_are_multiple_purposes() {
    let cert = with_qcs(&[
        stmt(COMPLIANCE, None),
        stmt(SSCD, None),
        stmt(QC_TYPE, Some(qc_types(&[ESIGN]))),
        stmt(QC_TYPE, Some(qc_types(&[ESEAL]))),
    ]);
    let r = lint(&cert);
    assert!(r.has("qes.etsi.en_319_412_5.qc_type_multiple"), "{r:?}");
    assert!(
        r.has("qes.etsi.en_319_412_5.duplicate_qc_statement"),
        "{r:?}"
    );
    assert_eq!(QualifiedSummary::of(&cert).unwrap().purpose.value, None);
}

// P0 4: QSCD and compliance only from well-formed statements on qualified certificates.

#[test]
fn malformed_statements_claim_nothing() {
    // QcCompliance and QcSSCD each carrying a (forbidden) statementInfo.
    let cert = with_qcs(&[
        stmt(COMPLIANCE, Some(vec![0x05, 0x00])),
        stmt(SSCD, Some(vec![0x05, 0x00])),
    ]);
    let qcs = QcStatements::from_certificate(&cert).unwrap().unwrap();
    assert!(!qcs.contains(ObjectIdentifier::new_unwrap(COMPLIANCE)));
    assert!(qcs.contains_any_form(ObjectIdentifier::new_unwrap(COMPLIANCE)));
    let s = QualifiedSummary::of(&cert).unwrap();
    assert!(!s.qualified.evidence.contains(&Evidence::QcCompliance));
    assert!(matches!(
        s.qualified.value,
        Qualification::PolicyOnly { .. }
    ));
    assert_eq!(s.qscd.value, QscdDeclaration::PolicyOnly);
    assert!(!s.qscd.evidence.contains(&Evidence::QcSscd));
    // The lint still reports them as malformed, not as missing.
    let r = lint(&cert);
    assert!(r.has("qes.asn1.malformed_qc_statement"));
    assert!(!r.has("qes.etsi.en_319_412_5.missing_qc_compliance"));
}

#[test]
fn qc_sscd_without_compliance_is_not_a_declaration() {
    let der = rebuild(&natural_der(), |e| {
        if e.extn_id.to_string() == QCS {
            Some(ext_tlv(&e.extn_id, None, &tlv(0x30, &stmt(SSCD, None))))
        } else if e.extn_id.to_string() == "2.5.29.32" {
            // certificatePolicies: an unnamed policy only
            let p = tlv(0x30, &tlv(0x30, &oid_der("1.2.3.4")));
            Some(ext_tlv(&e.extn_id, None, &p))
        } else {
            None
        }
    });
    let cert = Certificate::from_der(&der, ParseMode::Strict).unwrap();
    let s = QualifiedSummary::of(&cert).unwrap();
    assert_eq!(s.qualified.value, Qualification::NotQualified);
    assert_eq!(s.qscd.value, QscdDeclaration::NotDeclared);
    assert!(s.conflicts.contains(&Conflict::QcSscdWithoutCompliance));
}

// P0 5: explicit DEFAULT values in the TBS are not DER.

#[test]
fn explicit_critical_false_is_rejected_strict_and_recorded_lenient() {
    let natural = natural_der();
    assert_eq!(rebuild(&natural, |_| None), natural, "re-assembly is exact");
    let bad = rebuild(&natural, |e| {
        (!e.critical).then(|| ext_tlv(&e.extn_id, Some(false), e.extn_value.as_bytes()))
    });
    match Certificate::from_der(&bad, ParseMode::Strict) {
        Err(Error::NonDer {
            location: DerLocation::Extension { .. },
            rule: DerRule::ExplicitDefaultBoolean { field },
        }) => assert_eq!(field, "Extension.critical"),
        other => panic!("{other:?}"),
    }
    let cert = Certificate::from_der(&bad, ParseMode::Lenient).unwrap();
    assert!(!cert.der_deviations().is_empty());
    assert!(cert.der_deviations().iter().all(|d| d.rule
        == DerRule::ExplicitDefaultBoolean {
            field: "Extension.critical"
        }));
    let r = lint(&cert);
    assert!(r
        .findings
        .iter()
        .any(|f| f.code == "qes.der.explicit_default_value" && f.severity == Severity::Error));
}

#[test]
fn explicit_version_v1_is_rejected_strict_and_recorded_lenient() {
    let v1 = vec![0xa0, 0x03, 0x02, 0x01, 0x00];
    let der = rebuild_with(&natural_der(), Some(v1), |_| None, &[]);
    // a v1 certificate has no extensions; drop them
    let c = Certificate::from_der(&der, ParseMode::Lenient);
    let der = match c {
        Ok(_) => der,
        Err(_) => {
            let v1 = vec![0xa0, 0x03, 0x02, 0x01, 0x00];
            let stripped = strip_extensions(&natural_der());
            rebuild_with(&stripped, Some(v1), |_| None, &[])
        }
    };
    match Certificate::from_der(&der, ParseMode::Strict) {
        Err(Error::NonDer {
            location: DerLocation::TbsCertificate,
            rule: DerRule::ExplicitDefaultValue { field },
        }) => assert_eq!(field, "TBSCertificate.version"),
        other => panic!("{other:?}"),
    }
    let cert = Certificate::from_der(&der, ParseMode::Lenient).unwrap();
    assert_eq!(
        cert.der_deviations()[0].location,
        DerLocation::TbsCertificate
    );
    assert!(lint(&cert).has("qes.der.explicit_default_value"));
}

/// The certificate as v1: no version TLV (an empty replacement) and every extension dropped.
fn strip_extensions(der: &[u8]) -> Vec<u8> {
    rebuild_with(der, Some(Vec::new()), |_| Some(Vec::new()), &[])
}

// P0 6: every public Serialize type serializes, for both holders.

#[test]
fn every_public_serialize_type_serializes_for_both_holders() {
    let pki = TestPki::shared();
    for (label, der) in [
        ("natural", pki.natural_person().cert_der()),
        ("legal", pki.legal_person().cert_der()),
    ] {
        let cert = Certificate::from_der(der, ParseMode::Strict).unwrap();
        let qcs = QcStatements::from_certificate(&cert).unwrap().unwrap();
        serde_json::to_string(&qcs).unwrap_or_else(|e| panic!("{label} QcStatements: {e}"));
        for st in &qcs.statements {
            serde_json::to_string(st).unwrap_or_else(|e| panic!("{label} {st:?}: {e}"));
        }
        let id = identity(&cert).unwrap();
        serde_json::to_string(&id).unwrap_or_else(|e| panic!("{label} identity: {e}"));
        serde_json::to_string(&id.romanian_id)
            .unwrap_or_else(|e| panic!("{label} romanian_id: {e}"));
        let s = QualifiedSummary::of(&cert).unwrap();
        serde_json::to_string(&s).unwrap_or_else(|e| panic!("{label} summary: {e}"));
        let r = lint(&cert);
        serde_json::to_string(&r).unwrap_or_else(|e| panic!("{label} lint: {e}"));
        let p = Policies::from_certificate(&cert).unwrap().unwrap();
        serde_json::to_string(&p).unwrap_or_else(|e| panic!("{label} policies: {e}"));
        serde_json::to_string(cert.der_deviations()).unwrap();
    }
    // The raw variants and the error types too.
    let odd = with_qcs(&[
        stmt(COMPLIANCE, Some(vec![0x05, 0x00])),
        stmt("1.2.3.4", Some(vec![0x02, 0x01, 0x07])),
    ]);
    let qcs = QcStatements::from_certificate(&odd).unwrap().unwrap();
    let json = serde_json::to_string(&qcs).unwrap();
    assert!(json.contains("\"0500\""), "Malformed.info as hex: {json}");
    assert!(json.contains("\"020107\""), "Unknown.info as hex: {json}");
    serde_json::to_string(&CnpError::InvalidSerial).unwrap();
    serde_json::to_string(&CuiError::LeadingZero).unwrap();
}

// P0 7: the subject attributes decide the person before QcType; unknown person skips person
// rules.

#[test]
fn subject_attributes_beat_qc_type_for_the_person() {
    let cert = pkilint_vector("qcp_n_qscd_eidas_final_certificate/invalid_qc_type.crttest");
    let id = identity(&cert).unwrap();
    assert_eq!(id.person, Some(PersonKind::Natural));
    assert_eq!(id.person_evidence, Some(PersonEvidence::SubjectAttributes));
    assert_eq!(
        id.person_conflicts,
        vec![PersonEvidence::QcType {
            qc_type: QcType::Eseal
        }]
    );
    let r = lint(&cert);
    assert!(
        !r.has("qes.etsi.en_319_412_3.legal_subject_missing_organization"),
        "{r:?}"
    );
    let s = QualifiedSummary::of(&cert).unwrap();
    assert!(s
        .conflicts
        .iter()
        .any(|c| matches!(c, Conflict::Person { .. })));
}

#[test]
fn unknown_person_skips_the_person_rules() {
    let cert = Certificate::from_der(&natural_der(), ParseMode::Strict).unwrap();
    let mut profile = LintProfile::detect(&cert);
    profile.person = None;
    let r = lint_with_profile(&cert, profile);
    assert!(
        r.findings
            .iter()
            .all(|f| !f.code.contains("natural_subject") && !f.code.contains("legal_subject")),
        "{r:?}"
    );
}

// P1 8: .p7b and PEM edge cases.

#[test]
fn p7b_and_pem_edge_cases() {
    let signed_data_oid = oid_der("1.2.840.113549.1.7.2");
    let data_oid = oid_der("1.2.840.113549.1.7.1");
    let mut sd = vec![0x02, 0x01, 0x01];
    sd.extend(tlv(0x31, &[]));
    sd.extend(tlv(0x30, &data_oid));
    sd.extend(tlv(0x31, &[]));
    let mut ci = signed_data_oid.clone();
    ci.extend(tlv(0xa0, &tlv(0x30, &sd)));
    let empty = tlv(0x30, &ci);
    assert!(
        matches!(
            parse_any(&empty, ParseMode::Strict),
            Err(Error::NoCertificate { .. })
        ),
        "{:?}",
        parse_any(&empty, ParseMode::Strict).map(|v| v.len())
    );

    // BER indefinite-length .p7b: a typed PKCS#7 error, not "malformed certificate".
    let cert = natural_der();
    let mut sd = vec![0x02, 0x01, 0x01];
    sd.extend(tlv(0x31, &[]));
    sd.extend(tlv(0x30, &data_oid));
    sd.extend([0xa0, 0x80]);
    sd.extend(&cert);
    sd.extend([0, 0]);
    sd.extend(tlv(0x31, &[]));
    let mut ber = vec![0x30, 0x80];
    ber.extend(&signed_data_oid);
    ber.extend([0xa0, 0x80, 0x30, 0x80]);
    ber.extend(&sd);
    ber.extend([0, 0, 0, 0, 0, 0]);
    assert!(
        matches!(
            parse_any(&ber, ParseMode::Lenient),
            Err(Error::Pkcs7 { .. })
        ),
        "{:?}",
        parse_any(&ber, ParseMode::Lenient).map(|v| v.len())
    );

    // An unterminated PEM block before a valid certificate does not hide it.
    let pem = TestPki::shared().natural_person().cert_pem();
    let text = format!("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n(truncated)\n\n{pem}");
    assert_eq!(
        parse_any(text.as_bytes(), ParseMode::Strict).unwrap().len(),
        1
    );

    // parse_pem honours the caller's limits.
    let tiny = Limits {
        max_input_len: 16,
        ..Limits::default()
    };
    assert!(matches!(
        parse_pem(pem.as_bytes(), ParseMode::Strict, &tiny),
        Err(Error::TooLarge { .. })
    ));
}

// P1 9: CNP and CUI.

fn cnp_with(first12: [u8; 12]) -> String {
    let c = qes_cert::cnp_control_digit(&first12);
    first12
        .iter()
        .chain([c].iter())
        .map(|d| char::from(b'0' + d))
        .collect()
}

#[test]
fn cnp_serial_000_and_county_70() {
    let s = cnp_with([5, 9, 9, 0, 1, 0, 1, 4, 0, 0, 0, 0]);
    assert_eq!(Cnp::parse(&s), Err(CnpError::InvalidSerial));
    let s = cnp_with([7, 9, 0, 0, 1, 0, 1, 7, 0, 0, 0, 1]);
    let cnp = Cnp::parse(&s).unwrap();
    assert_eq!(cnp.residency(), Residency::ForeignResident);
    assert_eq!(cnp.county_code(), 70);
    assert!(cnp.county().contains("SIIEASC"), "{}", cnp.county());
}

#[test]
fn cui_leading_zero_and_lowercase_prefix() {
    assert_eq!(Cui::parse("0000000000"), Err(CuiError::LeadingZero));
    assert_eq!(Cui::parse("ro18547290").unwrap().as_str(), "18547290");
    assert_eq!(Cui::parse("Ro18547290").unwrap().as_str(), "18547290");
    assert!(Cui::parse("RO18547290").is_ok());
}

// P2.

#[test]
fn policy_names_and_oids_round_trip() {
    assert!(CertificatePolicy::QcpWPsd2.is_qualified());
    assert!(!CertificatePolicy::QcpWPsd2.is_en_319_411_2());
    for p in [
        CertificatePolicy::QcpN,
        CertificatePolicy::QcpL,
        CertificatePolicy::QcpNQscd,
        CertificatePolicy::QcpLQscd,
        CertificatePolicy::QcpW,
        CertificatePolicy::QncpW,
        CertificatePolicy::QncpWGen,
        CertificatePolicy::QcpWPsd2,
        CertificatePolicy::Ncp,
        CertificatePolicy::NcpPlus,
        CertificatePolicy::Lcp,
        CertificatePolicy::Evcp,
        CertificatePolicy::Dvcp,
        CertificatePolicy::Ovcp,
        CertificatePolicy::Ivcp,
        CertificatePolicy::CabfEv,
        CertificatePolicy::CabfDv,
        CertificatePolicy::CabfOv,
        CertificatePolicy::CabfIv,
        CertificatePolicy::AnyPolicy,
    ] {
        assert_eq!(CertificatePolicy::from_oid(p.oid()), p);
    }
}

#[test]
fn identity_reports_duplicate_qc_statements() {
    let natural = natural_der();
    let c = Certificate::from_der(&natural, ParseMode::Strict).unwrap();
    let qcs = c
        .extension_raw(ObjectIdentifier::new_unwrap(QCS))
        .unwrap()
        .unwrap()
        .to_der()
        .unwrap();
    let der = rebuild_with(&natural, None, |_| None, &[qcs]);
    let cert = Certificate::from_der(&der, ParseMode::Strict).unwrap();
    assert!(matches!(
        identity(&cert),
        Err(Error::DuplicateExtension { .. })
    ));
}

#[test]
fn semantics_identifier_declaration_is_reported() {
    let cert = Certificate::from_der(
        TestPki::shared().natural_person().cert_der(),
        ParseMode::Strict,
    )
    .unwrap();
    let id = identity(&cert).unwrap();
    assert_eq!(
        id.semantics_identifier_declared,
        Some(qes_cert::SemanticsId::Natural)
    );
    // Without the QCSyntax-v2 statement the attribute's shape is parsed but not declared.
    let cert = with_qcs(&[stmt(COMPLIANCE, None)]);
    let id = identity(&cert).unwrap();
    assert!(id.semantics_identifier.is_some());
    assert_eq!(id.semantics_identifier_declared, None);
}

#[test]
fn empty_name_registration_authorities_is_malformed() {
    // QCSyntax-v2 { SemanticsInformation { semanticsId-Natural, SEQUENCE {} } }
    let info = tlv(
        0x30,
        &[oid_der("0.4.0.194121.1.1"), tlv(0x30, &[])].concat(),
    );
    let cert = with_qcs(&[
        stmt(COMPLIANCE, None),
        stmt("1.3.6.1.5.5.7.11.2", Some(info)),
    ]);
    let qcs = QcStatements::from_certificate(&cert).unwrap().unwrap();
    assert!(
        qcs.statements
            .iter()
            .any(|s| matches!(s, QcStatement::Malformed { .. })),
        "{qcs:?}"
    );
}

// Finding 10: an unmapped error pkilint does not raise. EN 319 412-2 table 1 is not the keyUsage
// rule of a CA/B Forum website profile (EN 319 412-4 §4.1 defers to the CA/B Forum).

#[test]
fn cabf_website_key_usage_is_not_judged_by_table_1() {
    let cert = pkilint_vector("qncp_w_ov_eidas_pre_certificate/bad_bc_extension_encoding.crttest");
    let r = lint(&cert);
    assert!(
        !r.has("qes.etsi.en_319_412_2.key_usage_unknown_setting"),
        "{r:?}"
    );
}
