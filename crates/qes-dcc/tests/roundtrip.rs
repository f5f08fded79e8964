//! Issue with the testkit's DCC signers, then decode and verify every step.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use qes_cert::{Certificate, ParseMode};
use qes_dcc::{
    decode, CertificateBuilder, CertificateType, CoseAlgorithm, DccError, Entry, HealthCertificate,
    Outcome, PersonName, Recovery, Step, Test, TrustList, Vaccination, Verifier,
};
use qes_signer::{SoftwareKey, SoftwareSigner};
use qes_testkit::{DccType, EndEntity, Issued, KeyAlgorithm, TestPki};

fn signer(issued: &Issued) -> SoftwareSigner {
    let cert = Certificate::from_der(issued.cert_der(), ParseMode::Strict).unwrap();
    SoftwareKey::from_pkcs8_der(issued.key().pkcs8_der())
        .unwrap()
        .with_certificate(cert)
        .unwrap()
}

fn trust(issued: &[&Issued]) -> TrustList {
    let mut t = TrustList::new();
    for i in issued {
        t.add_certificate_bytes(i.cert_der()).unwrap();
    }
    t
}

fn name() -> PersonName {
    PersonName {
        family: Some("Popescu-Ionescu".into()),
        family_standardised: "POPESCU<IONESCU".into(),
        given: Some("Ștefan".into()),
        given_standardised: Some("STEFAN".into()),
    }
}

fn vaccination(dt: &str, dn: u32, sd: u32) -> HealthCertificate {
    HealthCertificate {
        ver: "1.3.0".into(),
        name: name(),
        date_of_birth: "1980-05-17".into(),
        entry: Entry::Vaccination(Vaccination {
            target: "840539006".into(),
            vaccine: "1119349007".into(),
            product: "EU/1/20/1528".into(),
            manufacturer: "ORG-100030215".into(),
            dose_number: dn,
            total_doses: sd,
            date: dt.into(),
            country: "RO".into(),
            issuer: "Ministry of Health".into(),
            id: "URN:UVCI:01:RO:ABCDEF123456#5".into(),
        }),
    }
}

fn test_cert(tt: &str, sc: &str) -> HealthCertificate {
    HealthCertificate {
        ver: "1.3.0".into(),
        name: name(),
        date_of_birth: "1980-05-17".into(),
        entry: Entry::Test(Test {
            target: "840539006".into(),
            test_type: tt.into(),
            name: None,
            device: (tt == qes_dcc::TEST_RAT).then(|| "1232".into()),
            sample_collected: sc.into(),
            result_date: None,
            result: "260415000".into(),
            centre: Some("Centrul X".into()),
            country: "RO".into(),
            issuer: "Ministry of Health".into(),
            id: "URN:UVCI:01:RO:ABCDEF123456#5".into(),
        }),
    }
}

fn recovery(fr: &str) -> HealthCertificate {
    HealthCertificate {
        ver: "1.3.0".into(),
        name: name(),
        date_of_birth: "1980-05-17".into(),
        entry: Entry::Recovery(Recovery {
            target: "840539006".into(),
            first_positive: fr.into(),
            country: "RO".into(),
            issuer: "Ministry of Health".into(),
            valid_from: "2021-05-12".into(),
            valid_until: "2021-10-28".into(),
            id: "URN:UVCI:01:RO:ABCDEF123456#5".into(),
        }),
    }
}

fn t(s: &str) -> DateTime<Utc> {
    qes_dcc::parse_datetime(s).unwrap()
}

fn issue(cert: HealthCertificate, signer: &SoftwareSigner) -> String {
    let iat = t("2021-05-01T00:00:00Z");
    CertificateBuilder::new(cert, "RO", iat, iat + Duration::days(365))
        .sign(signer)
        .unwrap()
        .text()
        .to_owned()
}

fn pki() -> &'static TestPki {
    TestPki::shared()
}

fn at_dsc_time(pki: &TestPki) -> DateTime<Utc> {
    // The DSCs are valid for 3 years from the PKI epoch.
    pki.epoch() + Duration::days(30)
}

#[test]
fn es256_vaccination_accepted_and_every_step_passes() {
    let pki = pki();
    let dsc = pki.dcc_signer(DccType::Vaccination);
    let s = signer(dsc);
    let at = at_dsc_time(pki);
    let iat = at - Duration::days(60);
    let dt = (iat - Duration::days(20)).format("%Y-%m-%d").to_string();
    let hc1 = CertificateBuilder::new(vaccination(&dt, 2, 2), "RO", iat, iat + Duration::days(365))
        .sign(&s)
        .unwrap();
    assert!(hc1.text().starts_with("HC1:"));
    let trust = trust(&[dsc]);
    let report = Verifier::new(&trust, at).verify(hc1.text());
    for (step, outcome) in report.steps() {
        assert!(outcome.passed(), "{step:?}: {outcome:?}");
    }
    assert!(report.accepted());
    let decoded = report.decoded().unwrap();
    assert_eq!(decoded.claims.iss.as_deref(), Some("RO"));
    assert_eq!(
        decoded.certificate.as_ref().unwrap().entry.kind(),
        CertificateType::Vaccination
    );
    // Debug shows no personal data.
    let debug = format!("{report:?}");
    assert!(
        !debug.contains("POPESCU") && !debug.contains("1980") && !debug.contains("UVCI"),
        "{debug}"
    );
}

#[test]
fn ps256_signer_verifies() {
    let pki = pki();
    let dsc = pki
        .issue(
            &EndEntity::dcc_signer(DccType::Any, "DCC RSA")
                .label("dcc-rsa")
                .key(KeyAlgorithm::Rsa2048),
        )
        .unwrap();
    let s = signer(&dsc);
    let at = at_dsc_time(pki);
    let iat = at - Duration::hours(1);
    let sc = (at - Duration::hours(5)).to_rfc3339();
    let hc1 = CertificateBuilder::new(
        test_cert(qes_dcc::TEST_NAAT, &sc),
        "RO",
        iat,
        iat + Duration::days(3),
    )
    .sign(&s)
    .unwrap();
    let decoded = decode(hc1.text(), &Default::default()).unwrap();
    assert_eq!(decoded.cose.alg(), Some(CoseAlgorithm::Ps256.value()));
    let trust = trust(&[&dsc]);
    let report = Verifier::new(&trust, at).verify(hc1.text());
    assert!(report.accepted(), "{:?}", report.first_failure());
}

#[test]
fn refusals_name_their_step() {
    let pki = pki();
    let vacc = pki.dcc_signer(DccType::Vaccination);
    let test = pki.dcc_signer(DccType::Test);
    let at = at_dsc_time(pki);
    let iat = at - Duration::days(1);
    let sc = (at - Duration::hours(50)).to_rfc3339();
    // A test certificate signed by a vaccination-only DSC: key usage.
    let text = CertificateBuilder::new(
        test_cert(qes_dcc::TEST_RAT, &sc),
        "RO",
        iat,
        iat + Duration::days(3),
    )
    .sign(&signer(vacc))
    .unwrap();
    let trust_all = trust(&[vacc, test]);
    let r = Verifier::new(&trust_all, at).verify(text.text());
    assert!(matches!(
        r.outcome(Step::KeyUsage),
        Outcome::Failed(DccError::KeyUsage { kind: "test", .. })
    ));
    // A RAT after 50 h: rules.
    assert!(matches!(
        r.outcome(Step::Rules),
        Outcome::Failed(DccError::Rule {
            rule: "TR-VALIDITY",
            ..
        })
    ));
    assert!(!r.accepted());
    // Unknown kid.
    let r = Verifier::new(&trust(&[test]), at).verify(text.text());
    assert!(matches!(
        r.outcome(Step::Kid),
        Outcome::Failed(DccError::UnknownKid { .. })
    ));
    assert!(matches!(r.outcome(Step::Signature), Outcome::NotRun));
    // Expired.
    let r = Verifier::new(&trust_all, iat + Duration::days(4)).verify(text.text());
    assert!(matches!(
        r.outcome(Step::Expiry),
        Outcome::Failed(DccError::Expired { .. })
    ));
    let r = Verifier::new(&trust_all, iat - Duration::seconds(1)).verify(text.text());
    assert!(matches!(
        r.outcome(Step::Expiry),
        Outcome::Failed(DccError::NotYetValid { .. })
    ));
    // Tampered: flip one Base45 character in the middle (may break inflate or the signature).
    let mut chars: Vec<char> = text.text().chars().collect();
    let mid = chars.len() / 2;
    chars[mid] = if chars[mid] == '0' { '1' } else { '0' };
    let tampered: String = chars.into_iter().collect();
    let r = Verifier::new(&trust_all, at).verify(&tampered);
    assert!(!r.accepted());
    // Prefix.
    let r = Verifier::new(&trust_all, at).verify(&text.text()[4..]);
    assert!(matches!(
        r.outcome(Step::Prefix),
        Outcome::Failed(DccError::Prefix)
    ));
}

#[test]
fn several_dscs_share_a_kid() {
    let pki = pki();
    let dsc = pki.dcc_signer(DccType::Any);
    let other = pki.dcc_signer(DccType::Test);
    let at = at_dsc_time(pki);
    let iat = at - Duration::days(1);
    let sc = (at - Duration::hours(10)).to_rfc3339();
    let text = CertificateBuilder::new(
        test_cert(qes_dcc::TEST_NAAT, &sc),
        "RO",
        iat,
        iat + Duration::days(3),
    )
    .sign(&signer(dsc))
    .unwrap();
    let kid = qes_dcc::kid_of(dsc.cert_der()).to_vec();
    let mut trust = TrustList::new();
    let c = |i: &Issued| Certificate::from_der(i.cert_der(), ParseMode::Strict).unwrap();
    trust.push(qes_dcc::Dsc::with_kid(kid.clone(), c(other)).unwrap());
    trust.push(qes_dcc::Dsc::with_kid(kid, c(dsc)).unwrap());
    let r = Verifier::new(&trust, at).verify(text.text());
    assert!(r.accepted(), "{:?}", r.first_failure());
    assert_eq!(r.signer().unwrap().der(), dsc.cert_der());
}

#[test]
fn business_rules_at_their_edges() {
    let rules = qes_dcc::Rules::default();
    let sets = qes_dcc::ValueSets::bundled();
    let v = vaccination("2021-06-01", 2, 2);
    assert!(rules.check(&v, sets, t("2021-06-10T23:59:59Z")).is_err());
    assert!(rules.check(&v, sets, t("2021-06-11T00:00:00Z")).is_ok());
    let incomplete = vaccination("2021-06-01", 1, 2);
    assert!(matches!(
        rules.check(&incomplete, sets, t("2021-08-01T00:00:00Z")),
        Err(DccError::Rule {
            rule: "VR-COMPLETE",
            ..
        })
    ));
    let booster = vaccination("2021-06-01", 3, 2);
    assert!(rules
        .check(&booster, sets, t("2021-08-01T00:00:00Z"))
        .is_ok());
    let pcr = test_cert(qes_dcc::TEST_NAAT, "2021-06-01T08:00:00Z");
    assert!(rules.check(&pcr, sets, t("2021-06-04T08:00:00Z")).is_ok());
    assert!(rules.check(&pcr, sets, t("2021-06-04T08:00:01Z")).is_err());
    let rat = test_cert(qes_dcc::TEST_RAT, "2021-06-01T08:00:00+02:00");
    assert!(rules.check(&rat, sets, t("2021-06-03T06:00:00Z")).is_ok());
    assert!(rules.check(&rat, sets, t("2021-06-03T06:00:01Z")).is_err());
    let r = recovery("2021-05-01");
    assert!(rules.check(&r, sets, t("2021-05-15T23:59:59Z")).is_err());
    assert!(rules.check(&r, sets, t("2021-05-16T00:00:00Z")).is_ok());
    assert!(rules.check(&r, sets, t("2021-10-28T23:59:59Z")).is_ok());
    assert!(rules.check(&r, sets, t("2021-10-29T00:00:00Z")).is_err());
    let mut bad_code = vaccination("2021-06-01", 2, 2);
    if let Entry::Vaccination(v) = &mut bad_code.entry {
        v.product = "NOT-A-VACCINE".into();
    }
    assert!(matches!(
        rules.check(&bad_code, sets, t("2021-08-01T00:00:00Z")),
        Err(DccError::ValueSet { .. })
    ));
    let _ = Utc.with_ymd_and_hms(2021, 1, 1, 0, 0, 0);
    let _ = issue;
}

#[test]
fn json_trust_lists() {
    use base64ct::{Base64, Encoding};
    let pki = pki();
    let dsc = pki.dcc_signer(DccType::Recovery);
    let der = Base64::encode_string(dsc.cert_der());
    let kid = Base64::encode_string(&qes_dcc::kid_of(dsc.cert_der()));
    let mut a = TrustList::new();
    a.add_json(format!(r#"{{"{kid}": ["{der}"]}}"#).as_bytes())
        .unwrap();
    let mut b = TrustList::new();
    b.add_json(
        format!(r#"[{{"kid": "{kid}", "rawData": "{der}"}}, {{"certificate": "{der}"}}]"#)
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(b.len(), 2);
    let k = qes_dcc::kid_of(dsc.cert_der());
    assert_eq!(b.candidates(&k).count(), 2);
    assert!(a
        .candidates(&k)
        .next()
        .unwrap()
        .allows(CertificateType::Recovery));
    assert!(!a
        .candidates(&k)
        .next()
        .unwrap()
        .allows(CertificateType::Test));
    assert!(TrustList::new().add_json(b"{\"a\": 1}").is_err());
    assert!(TrustList::new().add_json(b"not json").is_err());
}

mod robustness {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn sample() -> &'static (Vec<u8>, String, TrustList, DateTime<Utc>) {
        static S: OnceLock<(Vec<u8>, String, TrustList, DateTime<Utc>)> = OnceLock::new();
        S.get_or_init(|| {
            let pki = pki();
            let dsc = pki.dcc_signer(DccType::Any);
            let at = at_dsc_time(pki);
            let sc = (at - Duration::hours(3)).to_rfc3339();
            let issued = CertificateBuilder::new(
                test_cert(qes_dcc::TEST_NAAT, &sc),
                "RO",
                at - Duration::hours(1),
                at + Duration::days(2),
            )
            .sign(&signer(dsc))
            .unwrap();
            (
                issued.cose().to_vec(),
                issued.text().to_owned(),
                trust(&[dsc]),
                at,
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Mutated COSE messages never panic; a change inside the signed bytes never verifies.
        #[test]
        fn mutated_cose(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)) {
            let (cose, _, trust, at) = sample();
            let mut bytes = cose.clone();
            for (i, b) in &edits {
                let i = i.index(bytes.len());
                bytes[i] = *b;
            }
            let report = Verifier::new(trust, *at).verify_cose(&bytes);
            // The protected header and the payload sit between the first bytes (tag, array
            // head) and the signature; a change there must break the signature.
            let signed = 4..cose.len() - 70;
            let touched_signed = bytes[signed.clone()] != cose[signed];
            if touched_signed {
                prop_assert!(!report.accepted());
            }
        }

        /// Truncated and mutated HC1 texts never panic.
        #[test]
        fn mutated_text(cut in any::<prop::sample::Index>(), c in "[0-9A-Z $%*+\\-./:]") {
            let (_, text, trust, at) = sample();
            let cut = cut.index(text.len());
            let mut t = text[..cut].to_owned();
            t.push_str(&c);
            t.push_str(&text[(cut + 1).min(text.len())..]);
            let _ = Verifier::new(trust, *at).verify(&t);
            let _ = Verifier::new(trust, *at).verify(&text[..cut]);
        }
    }
}
