//! EU DCC verification throughput next to the bare signature check of the same key, same run.
//!
//! Run: `cargo bench --bench dcc` (README "Performance" quotes the medians and ratios).
//! - `dcc_es256/raw_verify`: one ECDSA P-256 / SHA-256 check of the COSE `Sig_structure`
//!   (`qes_cert::verify_signature`, DER signature prepared in advance);
//! - `dcc_es256/hc1_verify`: `Verifier::verify` of the whole `HC1:` string (prefix, Base45,
//!   inflate, COSE, CWT, kid lookup, raw r‖s → DER, signature, DSC validity, expiry, key usage,
//!   JSON schema, value sets, business rules);
//! - `dcc_es256/hc1_decode`: `decode` of the same string (every step up to the typed payload
//!   and its schema, no signature, no rules): the share of `hc1_verify` that is not the
//!   signature check;
//! - the same three for RSA-2048 PSS (PS256) in `dcc_ps256`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use chrono::Duration;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use qes::cert::{verify_signature, AlgorithmPolicy, Certificate, ParseMode};
use qes::dcc::{
    decode, CertificateBuilder, Entry, HealthCertificate, Limits, PersonName, TrustList,
    Vaccination, Verifier,
};
use qes::signer::{ecdsa_raw_to_der, Curve, DigestAlgorithm, SignatureAlgorithm, SoftwareKey};
use qes_testkit::{DccType, EndEntity, KeyAlgorithm, TestPki};

fn payload(dt: &str) -> HealthCertificate {
    HealthCertificate {
        ver: "1.3.0".into(),
        name: PersonName {
            family: Some("Popescu".into()),
            family_standardised: "POPESCU".into(),
            given: Some("Ion".into()),
            given_standardised: Some("ION".into()),
        },
        date_of_birth: "1985-03-15".into(),
        entry: Entry::Vaccination(Vaccination {
            target: "840539006".into(),
            vaccine: "1119349007".into(),
            product: "EU/1/20/1528".into(),
            manufacturer: "ORG-100030215".into(),
            dose_number: 2,
            total_doses: 2,
            date: dt.into(),
            country: "RO".into(),
            issuer: "Ministerul Sanatatii".into(),
            id: "URN:UVCI:01:RO:MS/ABC123XYZ#B".into(),
        }),
    }
}

fn group(c: &mut Criterion, name: &str, key: KeyAlgorithm) {
    let pki = TestPki::shared();
    let issued = pki
        .issue(
            &EndEntity::dcc_signer(DccType::Vaccination, "Bench DSC")
                .label("bench-dsc")
                .key(key),
        )
        .unwrap();
    let cert = Certificate::from_der(issued.cert_der(), ParseMode::Strict).unwrap();
    let signer = SoftwareKey::from_pkcs8_der(issued.key().pkcs8_der())
        .unwrap()
        .with_certificate(cert.clone())
        .unwrap();
    let at = pki.epoch() + Duration::days(30);
    let iat = at - Duration::days(1);
    let dt = (at - Duration::days(20)).format("%Y-%m-%d").to_string();
    let hc1 = CertificateBuilder::new(payload(&dt), "RO", iat, iat + Duration::days(365))
        .sign(&signer)
        .unwrap();
    let mut trust = TrustList::new();
    trust.add_certificates([cert.clone()]).unwrap();
    let verifier = Verifier::new(&trust, at);
    assert!(verifier.verify(hc1.text()).accepted());

    let cose = qes::dcc::CoseSign1::from_cbor(hc1.cose(), 16).unwrap();
    let tbs = cose.sig_structure().unwrap();
    let (identifier, sig) = match key {
        KeyAlgorithm::EcP256 => (
            SignatureAlgorithm::Ecdsa(DigestAlgorithm::Sha256)
                .algorithm_identifier()
                .unwrap(),
            ecdsa_raw_to_der(cose.signature(), Curve::P256).unwrap(),
        ),
        _ => (
            SignatureAlgorithm::RsaPss(DigestAlgorithm::Sha256)
                .algorithm_identifier()
                .unwrap(),
            cose.signature().to_vec(),
        ),
    };
    let spki = cert.x509().tbs_certificate.subject_public_key_info.clone();
    let policy = AlgorithmPolicy::default();
    verify_signature(&identifier, &spki, &tbs, &sig, &policy).unwrap();

    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(1));
    g.bench_function("raw_verify", |b| {
        b.iter(|| verify_signature(&identifier, &spki, black_box(&tbs), &sig, &policy).unwrap())
    });
    g.bench_function("hc1_verify", |b| {
        b.iter(|| {
            let report = verifier.verify(black_box(hc1.text()));
            assert!(report.accepted());
            report
        })
    });
    let limits = Limits::default();
    g.bench_function("hc1_decode", |b| {
        b.iter(|| decode(black_box(hc1.text()), &limits).unwrap())
    });
    g.finish();
}

fn dcc_es256(c: &mut Criterion) {
    group(c, "dcc_es256", KeyAlgorithm::EcP256);
}

fn dcc_ps256(c: &mut Criterion) {
    group(c, "dcc_ps256", KeyAlgorithm::Rsa2048);
}

criterion_group!(benches, dcc_es256, dcc_ps256);
criterion_main!(benches);
