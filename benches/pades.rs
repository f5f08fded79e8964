//! PAdES signing and verification throughput against a plain SHA-256 of the same file, for
//! 100 KB, 10 MB and 100 MB PDFs, all in one run.
//!
//! Run: `cargo bench --bench pades` (README "Performance"). For each size `N`:
//! - `pades_N/sha256` (reference: SHA-256 of the input PDF in memory);
//! - `pades_N/sign_b_b` (`PadesSigner::sign_update`: read the cross-reference chain, build
//!   the incremental update, hash input + update in one pass, sign; the input is not copied);
//! - `pades_N/verify` (`PadesVerifier::verify` of the signed file: the signature dictionary,
//!   ByteRange checks, the ranges hashed in one pass, CMS and path validation);
//! - from files (in the page cache), as `qes sign pdf` and `qes verify` read them:
//!   `pades_N/sha256_file` (reference: the file read in 1 MiB chunks and hashed),
//!   `pades_N/sign_file` (`PadesSigner::sign_reader_to` into a sink: the input read in
//!   windows, digested and copied in chunks) and `pades_N/verify_file`
//!   (`PadesVerifier::verify_reader`).
//!
//! The goal for 100 MB is sign and verify ≤ 2× the SHA-256 time.
//!
//! With `QES_BENCH_PDF_DIR` set, the inputs are that directory's `doc-100kb.pdf`,
//! `doc-10mb.pdf` and `doc-100mb.pdf` (written by `examples/bench_files.rs`), so that
//! `scripts/bench-pades-pyhanko` times pyHanko on the very same files in the same run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::hint::black_box;
use std::io::Read;
use std::time::Duration as StdDuration;

use chrono::Duration;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use qes::cert::{parse_der, ParseMode};
use qes::cms::Verifier;
use qes::pades::{PadesSigner, PadesVerifier};
use qes::signer::SoftwareSigner;
use qes_testkit::{TestPki, PKCS12_PASSWORD};

fn pades(c: &mut Criterion) {
    use sha2::Digest as _;
    let pki = TestPki::shared();
    let holder = pki.natural_person();
    let signer =
        SoftwareSigner::from_pkcs12(&holder.pkcs12(PKCS12_PASSWORD).unwrap(), PKCS12_PASSWORD)
            .unwrap();
    let at = pki.epoch() + Duration::days(30);
    let anchors = [parse_der(pki.root().cert_der(), ParseMode::Strict).unwrap()];
    let dir = std::env::temp_dir().join(format!("qes-bench-pades-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files = std::env::var_os("QES_BENCH_PDF_DIR").map(std::path::PathBuf::from);
    for (name, size) in [
        ("100kb", 100 * 1024),
        ("10mb", 10 * 1024 * 1024),
        ("100mb", 100 * 1024 * 1024),
    ] {
        let input = match &files {
            Some(dir) => std::fs::read(dir.join(format!("doc-{name}.pdf"))).unwrap(),
            None => qes_testkit::pdf::one_page("qes bench", size),
        };
        let name = format!("pades_{name}");
        let signed = PadesSigner::new(&signer)
            .with_signing_time(at)
            .sign(&input)
            .unwrap();
        let mut g = c.benchmark_group(&name);
        g.throughput(Throughput::Bytes(u64::try_from(input.len()).unwrap()));
        if size > 1024 * 1024 {
            g.sample_size(10)
                .measurement_time(StdDuration::from_secs(8));
        }
        g.bench_function("sha256", |b| {
            b.iter(|| sha2::Sha256::digest(black_box(&input)))
        });
        g.bench_function("sign_b_b", |b| {
            b.iter(|| {
                PadesSigner::new(&signer)
                    .with_signing_time(at)
                    .sign_update(black_box(&input))
                    .unwrap()
            })
        });
        g.bench_function("verify", |b| {
            b.iter(|| {
                let report = PadesVerifier::new(Verifier::new(&anchors, at))
                    .verify(black_box(&signed))
                    .unwrap();
                assert!(report.all_passed());
                report
            })
        });
        let (input_path, signed_path) = (dir.join("input.pdf"), dir.join("signed.pdf"));
        std::fs::write(&input_path, &input).unwrap();
        std::fs::write(&signed_path, &signed).unwrap();
        g.bench_function("sha256_file", |b| {
            b.iter(|| {
                let mut file = std::fs::File::open(&input_path).unwrap();
                let mut hasher = sha2::Sha256::new();
                let mut chunk = vec![0; 1 << 20];
                loop {
                    let n = file.read(&mut chunk).unwrap();
                    if n == 0 {
                        break hasher.finalize();
                    }
                    hasher.update(&chunk[..n]);
                }
            })
        });
        g.bench_function("sign_file", |b| {
            b.iter(|| {
                let file = std::fs::File::open(&input_path).unwrap();
                PadesSigner::new(&signer)
                    .with_signing_time(at)
                    .sign_reader_to(file, &mut std::io::sink())
                    .unwrap()
            })
        });
        g.bench_function("verify_file", |b| {
            b.iter(|| {
                let file = std::fs::File::open(&signed_path).unwrap();
                let report = PadesVerifier::new(Verifier::new(&anchors, at))
                    .verify_reader(file)
                    .unwrap();
                assert!(report.all_passed());
                report
            })
        });
        g.finish();
    }
    std::fs::remove_dir_all(&dir).ok();
}

criterion_group!(benches, pades);
criterion_main!(benches);
