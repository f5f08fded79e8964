//! PAdES signing and verification throughput next to a plain SHA-256 of the same file, in one
//! run, for 100 KB and 10 MB one-page PDFs (the content stream makes up the size).
//!
//! Run: `cargo bench -p qes-pades --bench pades`.
//! - `pades_<size>/sha256` — the reference: SHA-256 of the file in memory;
//! - `pades_<size>/sign_b_b` — [`PadesSigner::sign_to`] into `io::sink()`: open the
//!   document, write the update, hash both ranges, one RSA-2048 signature;
//! - `pades_<size>/verify` — [`PadesVerifier::verify`] of the signed file: ByteRange,
//!   coverage, modification analysis, CMS with path validation.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{anchors, at, holder, large_pdf};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use qes_cms::Verifier;
use qes_pades::{PadesSigner, PadesVerifier};
use qes_signer::DigestAlgorithm;

fn group(c: &mut Criterion, name: &str, size: usize) {
    let signer = holder();
    let input = large_pdf(size);
    let signed = PadesSigner::new(&signer).sign(&input).unwrap();
    let anchors = anchors();
    let verifier = PadesVerifier::new(Verifier::new(&anchors, at()));
    assert!(verifier.verify(&signed).unwrap().all_passed());

    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(u64::try_from(input.len()).unwrap()));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("sha256", |b| {
        b.iter(|| black_box(DigestAlgorithm::Sha256.digest(black_box(&input))))
    });
    g.bench_function("sign_b_b", |b| {
        b.iter(|| {
            PadesSigner::new(&signer)
                .sign_to(black_box(&input), &mut std::io::sink())
                .unwrap()
        })
    });
    g.bench_function("verify", |b| {
        b.iter(|| black_box(verifier.verify(black_box(&signed)).unwrap()))
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    group(c, "pades_100kb", 100 << 10);
    group(c, "pades_10mb", 10 << 20);
}

criterion_group!(pades, benches);
criterion_main!(pades);
