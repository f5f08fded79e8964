//! Cloud batch signing: the same ten hashes signed through a CSC service with one
//! authorization per hash (batch size 1) and with one authorization for all of them (batch
//! size `multisign` = 10), in the same run, against certomancer-csc-dummy (SCAL 2) on
//! loopback, started by the bench.
//!
//! Run: `QES_VENV=$PWD/.venv-interop cargo bench --bench cloud` (README "Performance"). Each
//! iteration signs ten 32-byte digests; `cloud_rsa2048/batch_1` makes ten
//! `credentials/authorize` + ten `signatures/signHash` calls, `cloud_rsa2048/batch_10` one
//! of each. Without `certomancer-csc` (the interop venv) the bench prints that it skipped.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use qes::cloud::{CscClient, CscSigner, NoSecrets};
use qes::signer::{DigestAlgorithm, SignatureAlgorithm, Signer};
use qes_testkit::csc::{CscServer, Scal, CSC_ECDSA, CSC_MULTISIGN, CSC_RSA};

fn group(
    c: &mut Criterion,
    server: &CscServer,
    name: &str,
    credential: &str,
    algorithm: SignatureAlgorithm,
) {
    let client = Arc::new(CscClient::builder(server.url()).connect().unwrap());
    let batched = CscSigner::new(client.clone(), credential, Box::new(NoSecrets)).unwrap();
    let single = CscSigner::new(client, credential, Box::new(NoSecrets))
        .unwrap()
        .with_batch_limit(1);
    assert_eq!(batched.batch_limit(), CSC_MULTISIGN);
    let digests: Vec<Vec<u8>> = (0..CSC_MULTISIGN)
        .map(|i| DigestAlgorithm::Sha256.digest(&[u8::try_from(i).unwrap(); 64]))
        .collect();
    let refs: Vec<&[u8]> = digests.iter().map(Vec::as_slice).collect();
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(u64::try_from(refs.len()).unwrap()));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("batch_1", |b| {
        b.iter(|| black_box(single.sign_digests(algorithm, &refs).unwrap()))
    });
    g.bench_function(format!("batch_{CSC_MULTISIGN}"), |b| {
        b.iter(|| black_box(batched.sign_digests(algorithm, &refs).unwrap()))
    });
    g.finish();
}

fn cloud(c: &mut Criterion) {
    if qes_testkit::interop::find_tool("certomancer-csc").is_none() {
        println!(
            "SKIPPED: bench cloud: certomancer-csc not found (set QES_VENV to the interop venv)"
        );
        return;
    }
    let server = CscServer::start(Scal::Two).unwrap().unwrap();
    group(
        c,
        &server,
        "cloud_rsa2048",
        CSC_RSA,
        SignatureAlgorithm::RsaPkcs1v15(DigestAlgorithm::Sha256),
    );
    group(
        c,
        &server,
        "cloud_p256",
        CSC_ECDSA,
        SignatureAlgorithm::Ecdsa(DigestAlgorithm::Sha256),
    );
}

criterion_group!(benches, cloud);
criterion_main!(benches);
