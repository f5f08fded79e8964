//! CAdES through a real PKCS#11 token (SoftHSM2): 1 000 detached B-B signatures in one
//! batch with one session against the same batch with a session per core, in one run.
//!
//! Run: `cargo bench --bench token` (needs SoftHSM2 and pkcs11-tool; prints `SKIPPED` and
//! measures nothing without them). README "Performance" quotes the medians and the ratio.
//! - `token_cades_1000_rsa2048/sessions_1` (reference) vs
//!   `token_cades_1000_rsa2048/sessions_per_core`: `CadesBuilder::sign_detached_batch` over
//!   1 000 documents, one login, the batch split over the pool's sessions;
//! - the same for ECDSA P-256 in `token_cades_1000_p256`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use qes::cms::CadesBuilder;
use qes_testkit::softhsm::{SoftHsm, USER_PIN};
use qes_testkit::{EndEntity, KeyAlgorithm, TestPki};
use qes_token::{LoginOptions, Module, Pin, SessionPool, TokenSelector, TokenSigner};

const DOCUMENTS: usize = 1_000;

fn group(c: &mut Criterion, hsm: &'static SoftHsm, name: &str, key: KeyAlgorithm) {
    let pki = TestPki::shared();
    let issued = pki
        .issue(
            &EndEntity::natural_person("Ion", "Popescu", "1850315400010")
                .key(key)
                .label("bench-token"),
        )
        .unwrap();
    let token = hsm.token().unwrap();
    token.import(&issued, &[0x01], true).unwrap();
    let module = Module::open(hsm.module_path()).unwrap();
    let token = module
        .token(&TokenSelector::Label(token.label().into()))
        .unwrap();
    let at = pki.epoch() + chrono::Duration::days(30);
    let documents: Vec<Vec<u8>> = (0..DOCUMENTS)
        .map(|i| format!("<Invoice><ID>RO-2026-{i:06}</ID></Invoice>").into_bytes())
        .collect();
    let refs: Vec<&[u8]> = documents.iter().map(Vec::as_slice).collect();
    let per_core = LoginOptions::per_core().sessions;
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .warm_up_time(StdDuration::from_secs(1))
        .measurement_time(StdDuration::from_secs(12))
        .throughput(Throughput::Elements(u64::try_from(DOCUMENTS).unwrap()));
    for (label, sessions) in [("sessions_1", 1), ("sessions_per_core", per_core)] {
        let pool = SessionPool::login(
            &token,
            &Pin::new(USER_PIN),
            LoginOptions::default().with_sessions(sessions),
        )
        .unwrap();
        let signer = TokenSigner::new(Arc::new(pool), None).unwrap();
        let builder = CadesBuilder::new(&signer).signing_time(at);
        assert_eq!(builder.sign_detached_batch(&refs).unwrap().len(), DOCUMENTS);
        g.bench_function(label, |b| {
            b.iter(|| black_box(builder.sign_detached_batch(black_box(&refs)).unwrap()))
        });
    }
    g.finish();
}

fn token_benches(c: &mut Criterion) {
    let Some(hsm) = SoftHsm::shared().unwrap() else {
        eprintln!("SKIPPED: bench token: SoftHSM2 / pkcs11-tool not installed");
        return;
    };
    eprintln!(
        "token bench: {} sessions per core setting",
        LoginOptions::per_core().sessions
    );
    group(c, hsm, "token_cades_1000_rsa2048", KeyAlgorithm::Rsa2048);
    group(c, hsm, "token_cades_1000_p256", KeyAlgorithm::EcP256);
}

criterion_group!(benches, token_benches);
criterion_main!(benches);
