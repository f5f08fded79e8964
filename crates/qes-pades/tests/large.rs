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

use common::{anchors, at, holder};
use qes_cms::{SubIndication, Verifier};
use qes_pades::{Coverage, PadesSigner, PadesVerifier};

/// A one-page PDF whose content stream is `size` bytes of text operators.
fn large_pdf(size: usize) -> Vec<u8> {
    let line = b"BT /F1 12 Tf 72 720 Td (Declaratie unica 2026) Tj ET\n";
    let mut content = Vec::with_capacity(size + line.len());
    while content.len() < size {
        content.extend_from_slice(line);
    }
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for body in [
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>".to_vec(),
    ] {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        pdf.extend_from_slice(&body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    offsets.push(pdf.len());
    pdf.extend_from_slice(format!("4 0 obj\n<< /Length {} >>\nstream\n", content.len()).as_bytes());
    pdf.extend_from_slice(&content);
    pdf.extend_from_slice(b"\nendstream\nendobj\n");
    let xref = pdf.len();
    pdf.extend_from_slice(b"xref\n0 5\n0000000000 65535 f\r\n");
    for off in offsets {
        pdf.extend_from_slice(format!("{off:010} 00000 n\r\n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    pdf
}

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
