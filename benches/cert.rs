//! Certificate throughput: parse + qualified profile, and RFC 5280 path validation.
//!
//! Run: `cargo bench --bench cert` (README "Performance" quotes the medians). Each group
//! measures a reference in the same run so the figures can be read as ratios on any machine:
//! - `parse_profile/x509_cert_decode` (the bare RustCrypto DER decode) vs
//!   `parse_profile/qes_parse_summary_identity_lint` (what `qes cert inspect` computes);
//! - `path/ring_verify_one_signature` (the cost floor: one signature check) vs
//!   `path/validate_3_certs_with_crls` (two signatures, two CRL signatures, every RFC 5280 check).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use chrono::Duration;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use der::Decode;
use qes::cert::{
    identity, lint, parse_der, Crl, ParseMode, PathValidator, QualifiedSummary, RevocationPolicy,
    ValidationOptions,
};
use qes_testkit::TestPki;

fn parse_profile(c: &mut Criterion) {
    let pki = TestPki::shared();
    let der = pki.natural_person().cert_der().to_vec();
    let mut g = c.benchmark_group("parse_profile");
    g.throughput(Throughput::Elements(1));
    g.bench_function("x509_cert_decode", |b| {
        b.iter(|| x509_cert::Certificate::from_der(black_box(&der)).unwrap())
    });
    g.bench_function("qes_parse_summary_identity_lint", |b| {
        b.iter(|| {
            let cert = parse_der(black_box(&der), ParseMode::Strict).unwrap();
            let summary = QualifiedSummary::of(&cert).unwrap();
            let holder = identity(&cert).unwrap();
            let report = lint(&cert);
            (summary, holder, report)
        })
    });
    g.finish();
}

fn path_validation(c: &mut Criterion) {
    let pki = TestPki::shared();
    let parse = |der: &[u8]| parse_der(der, ParseMode::Strict).unwrap();
    let root = parse(pki.root().cert_der());
    let ca = parse(pki.qualified_ca().cert_der());
    let leaf = parse(pki.natural_person().cert_der());
    let at = pki.epoch() + Duration::days(30);
    let crl = |issuer| {
        let der = pki
            .crl(issuer, &[], at - Duration::days(1), at + Duration::days(6))
            .unwrap();
        Crl::from_der(&der).unwrap()
    };
    let crls = vec![crl(pki.root()), crl(pki.qualified_ca())];
    let anchors = [root];
    let pool = [ca.clone()];
    let opts = ValidationOptions::new(at)
        .with_crls(crls)
        .with_revocation(RevocationPolicy::Require);
    let validator = PathValidator::new(&anchors).with_intermediates(&pool);
    validator
        .validate(&leaf, &opts)
        .expect("benchmark path must validate");

    let mut g = c.benchmark_group("path");
    g.throughput(Throughput::Elements(1));
    g.bench_function("ring_verify_one_signature", |b| {
        b.iter(|| {
            qes::cert::verify_signature(
                black_box(&leaf.x509().signature_algorithm),
                black_box(&ca.x509().tbs_certificate.subject_public_key_info),
                black_box(leaf.tbs_der()),
                black_box(leaf.x509().signature.raw_bytes()),
                &qes::cert::AlgorithmPolicy::default(),
            )
            .unwrap()
        })
    });
    g.bench_function("validate_3_certs_with_crls", |b| {
        b.iter(|| validator.validate(black_box(&leaf), &opts).unwrap())
    });
    g.finish();
}

criterion_group!(benches, parse_profile, path_validation);
criterion_main!(benches);
