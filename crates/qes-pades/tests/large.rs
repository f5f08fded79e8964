//! A large PDF (a 48 MiB content stream) signs and verifies: the reader only follows the
//! cross-reference data, the signer hashes the ranges in one pass and streams the output,
//! and a flipped byte deep inside the big stream is still a HASH_FAILURE.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::time::Instant;

use common::{anchors, at, holder, large_pdf};
use qes_cms::{SubIndication, Verifier};
use qes_pades::{Coverage, PadesSigner, PadesVerifier};

#[test]
fn a_48_mib_pdf_signs_and_verifies() {
    let input = large_pdf(48 << 20);
    let signer = holder();
    let started = Instant::now();
    let mut out = Vec::with_capacity(input.len() + 64 * 1024);
    PadesSigner::new(&signer)
        .with_signing_time(at())
        .sign_to(&input, &mut out)
        .unwrap();
    let signing = started.elapsed();
    assert!(out.starts_with(&input));

    let anchors = anchors();
    let verifier = PadesVerifier::new(Verifier::new(&anchors, at()));
    let started = Instant::now();
    let report = verifier.verify(&out).unwrap();
    let verifying = started.elapsed();
    assert!(report.all_passed(), "{report:#?}");
    assert_eq!(report.signatures[0].coverage, Some(Coverage::EntireFile));
    println!("48 MiB: signed in {signing:?}, verified in {verifying:?}");

    // Negative control: one byte flipped in the middle of the big stream.
    let middle = input.len() / 2;
    out[middle] ^= 0x20;
    let s = &verifier.verify(&out).unwrap().signatures[0];
    assert_eq!(s.sub_indication, Some(SubIndication::HashFailure));
}
