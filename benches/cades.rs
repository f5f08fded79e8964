//! CAdES throughput against the bare key operation, and large-file detached signing against
//! a plain hash, each group with its reference measured in the same run.
//!
//! Run: `cargo bench --bench cades` (README "Performance" quotes the medians and ratios).
//! - `cades_rsa2048/raw_sign` (one RSA-2048 PKCS#1 v1.5 signature over 300 bytes: the key
//!   operation a B-B signature cannot avoid) vs `cades_rsa2048/b_b_sign` (the whole detached
//!   `.p7s`: hash, signed attributes, ESS reference, signature, DER assembly) and
//!   `cades_rsa2048/b_b_verify` (parse, digest, signature, ESS binding, path validation with
//!   its two certificate signatures) vs `cades_rsa2048/raw_verify` (one signature check);
//! - the same four for ECDSA P-256 in `cades_p256`;
//! - `detached_100mb/sha256_sha2` and `detached_100mb/sha256_ring` (a plain SHA-256 of
//!   100 MB in memory) vs `detached_100mb/b_b_sign_streaming` (a detached B-B `.p7s` of the
//!   same bytes read through `std::io::Read` in one pass).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration as StdDuration;

use chrono::Duration;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use qes::cert::{parse_der, verify_signature, AlgorithmPolicy, ParseMode};
use qes::cms::{CadesBuilder, Content, Verifier};
use qes::signer::{Signer, SoftwareSigner};
use qes_testkit::{EndEntity, KeyAlgorithm, TestPki};

/// About the size of CAdES B-B signed attributes.
const TBS: [u8; 300] = [0x5a; 300];
const DOCUMENT: &[u8] = b"<Invoice><ID>RO-2026-000017</ID></Invoice>";

fn signer_for(pki: &TestPki, key: KeyAlgorithm) -> SoftwareSigner {
    let issued = pki
        .issue(
            &EndEntity::natural_person("Ion", "Popescu", "1850315400010")
                .key(key)
                .label("bench"),
        )
        .unwrap();
    SoftwareSigner::from_pkcs12(&issued.pkcs12("pw").unwrap(), "pw").unwrap()
}

fn cades_group(c: &mut Criterion, name: &str, key: KeyAlgorithm) {
    let pki = TestPki::shared();
    let signer = signer_for(pki, key);
    let algorithm = signer.default_algorithm();
    let at = pki.epoch() + Duration::days(30);
    let anchors = [parse_der(pki.root().cert_der(), ParseMode::Strict).unwrap()];
    let spki = signer
        .certificate()
        .x509()
        .tbs_certificate
        .subject_public_key_info
        .clone();
    let identifier = algorithm.algorithm_identifier().unwrap();
    let raw = signer.sign(algorithm, &TBS).unwrap();
    let p7s = CadesBuilder::new(&signer)
        .signing_time(at)
        .sign_detached(DOCUMENT)
        .unwrap();
    let policy = AlgorithmPolicy::default();

    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(1));
    g.bench_function("raw_sign", |b| {
        b.iter(|| signer.sign(algorithm, black_box(&TBS)).unwrap())
    });
    g.bench_function("b_b_sign", |b| {
        b.iter(|| {
            CadesBuilder::new(&signer)
                .signing_time(at)
                .sign_detached(black_box(DOCUMENT))
                .unwrap()
        })
    });
    g.bench_function("raw_verify", |b| {
        b.iter(|| verify_signature(&identifier, &spki, black_box(&TBS), &raw, &policy).unwrap())
    });
    g.bench_function("b_b_verify", |b| {
        b.iter(|| {
            let report = Verifier::new(&anchors, at)
                .verify(black_box(&p7s), Content::Detached(DOCUMENT))
                .unwrap();
            assert!(report.all_passed());
            report
        })
    });
    g.finish();
}

fn cades_rsa2048(c: &mut Criterion) {
    cades_group(c, "cades_rsa2048", KeyAlgorithm::Rsa2048);
}

fn cades_p256(c: &mut Criterion) {
    cades_group(c, "cades_p256", KeyAlgorithm::EcP256);
}

fn detached_100mb(c: &mut Criterion) {
    use sha2::Digest as _;
    let pki = TestPki::shared();
    let signer = signer_for(pki, KeyAlgorithm::Rsa2048);
    let at = pki.epoch() + Duration::days(30);
    let data: Vec<u8> = (0..100u32 * 1024 * 1024)
        .map(|i| i.wrapping_mul(2_654_435_761).to_be_bytes()[0])
        .collect();
    let mut g = c.benchmark_group("detached_100mb");
    g.sample_size(10)
        .measurement_time(StdDuration::from_secs(8))
        .throughput(Throughput::Bytes(u64::try_from(data.len()).unwrap()));
    g.bench_function("sha256_sha2", |b| {
        b.iter(|| sha2::Sha256::digest(black_box(&data)))
    });
    g.bench_function("sha256_ring", |b| {
        b.iter(|| ring::digest::digest(&ring::digest::SHA256, black_box(&data)))
    });
    g.bench_function("b_b_sign_streaming", |b| {
        b.iter(|| {
            CadesBuilder::new(&signer)
                .signing_time(at)
                .sign_detached_reader(black_box(data.as_slice()))
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, cades_rsa2048, cades_p256, detached_100mb);
criterion_main!(benches);
