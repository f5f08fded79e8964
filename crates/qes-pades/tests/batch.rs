//! `PadesSigner::sign_batch`: many PDFs through one `Signer::sign_batch` call, each output
//! verifying like a single signature; all or nothing on failure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::{anchors, at, holder, minimal_pdf, tsa};
use qes_cert::Certificate;
use qes_cms::{Indication, Verifier};
use qes_pades::{PadesSigner, PadesVerifier};
use qes_signer::{KeyKind, SignError, SignatureAlgorithm, Signer, SoftwareSigner};

/// Counts the signer calls; fails the batch call when told to.
struct Counting {
    inner: SoftwareSigner,
    batches: AtomicUsize,
    singles: AtomicUsize,
    fail: bool,
}

impl Signer for Counting {
    fn certificate(&self) -> &Certificate {
        self.inner.certificate()
    }
    fn chain(&self) -> &[Certificate] {
        self.inner.chain()
    }
    fn key_kind(&self) -> KeyKind {
        self.inner.key_kind()
    }
    fn algorithms(&self) -> Vec<SignatureAlgorithm> {
        self.inner.algorithms()
    }
    fn sign_digests(
        &self,
        algorithm: SignatureAlgorithm,
        digests: &[&[u8]],
    ) -> Result<Vec<Vec<u8>>, SignError> {
        self.inner.sign_digests(algorithm, digests)
    }
    fn sign(&self, algorithm: SignatureAlgorithm, tbs: &[u8]) -> Result<Vec<u8>, SignError> {
        self.singles.fetch_add(1, Ordering::SeqCst);
        self.inner.sign(algorithm, tbs)
    }
    fn sign_batch(
        &self,
        algorithm: SignatureAlgorithm,
        tbs: &[&[u8]],
    ) -> Result<Vec<Vec<u8>>, SignError> {
        self.batches.fetch_add(1, Ordering::SeqCst);
        if self.fail {
            return Err(SignError::BatchTooLarge {
                actual: tbs.len(),
                limit: 0,
            });
        }
        self.inner.sign_batch(algorithm, tbs)
    }
}

fn counting(fail: bool) -> Counting {
    Counting {
        inner: holder(),
        batches: AtomicUsize::new(0),
        singles: AtomicUsize::new(0),
        fail,
    }
}

fn verify_all(pdf: &[u8]) {
    let anchors = anchors();
    let report = PadesVerifier::new(Verifier::new(&anchors, at()))
        .verify(pdf)
        .unwrap();
    assert_eq!(report.signatures.len(), 1);
    assert!(report.all_passed(), "{report:#?}");
}

#[test]
fn one_signer_call_signs_every_document() {
    let inputs: Vec<Vec<u8>> = (0..5).map(|i| minimal_pdf(&format!("doc {i}"))).collect();
    let refs: Vec<&[u8]> = inputs.iter().map(Vec::as_slice).collect();
    let signer = counting(false);
    let builder = PadesSigner::new(&signer)
        .with_signing_time(at())
        .with_reason("batch");
    let updates = builder.sign_batch(&refs).unwrap();
    assert_eq!(updates.len(), 5);
    assert_eq!(signer.batches.load(Ordering::SeqCst), 1, "one batch call");
    assert_eq!(
        signer.singles.load(Ordering::SeqCst),
        0,
        "no single signatures"
    );
    for (input, update) in inputs.iter().zip(&updates) {
        let signed = [input.as_slice(), update.as_slice()].concat();
        verify_all(&signed);
        // The same bytes a single signature with the same options gives (PKCS#1 v1.5 is
        // deterministic).
        assert_eq!(update, &builder.sign_update(input).unwrap());
    }
}

#[test]
fn batches_are_timestamped_per_document() {
    let inputs: Vec<Vec<u8>> = (0..3).map(|i| minimal_pdf(&format!("B-T {i}"))).collect();
    let refs: Vec<&[u8]> = inputs.iter().map(Vec::as_slice).collect();
    let signer = counting(false);
    let tsa = tsa();
    let updates = PadesSigner::new(&signer)
        .with_timestamper(&tsa)
        .sign_batch(&refs)
        .unwrap();
    assert_eq!(signer.batches.load(Ordering::SeqCst), 1);
    for (input, update) in inputs.iter().zip(&updates) {
        let signed = [input.as_slice(), update.as_slice()].concat();
        let anchors = anchors();
        let report = PadesVerifier::new(Verifier::new(&anchors, at()))
            .verify(&signed)
            .unwrap();
        let signer_report = report.signatures[0].signer.as_ref().unwrap();
        assert_eq!(signer_report.indication, Indication::TotalPassed);
        assert_eq!(signer_report.timestamp_time, Some(at()));
    }
}

#[test]
fn a_failing_batch_or_document_yields_nothing() {
    let good = minimal_pdf("good");
    let signer = counting(true);
    assert!(PadesSigner::new(&signer)
        .sign_batch(&[&good, &good])
        .is_err());
    // A broken document fails the batch before the signer is called.
    let signer = counting(false);
    assert!(PadesSigner::new(&signer)
        .sign_batch(&[&good, b"not a pdf"])
        .is_err());
    assert_eq!(signer.batches.load(Ordering::SeqCst), 0);
    // An empty batch is empty.
    assert!(PadesSigner::new(&signer)
        .sign_batch(&[])
        .unwrap()
        .is_empty());
}
