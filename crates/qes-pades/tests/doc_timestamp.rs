//! Document timestamps (ISO 32000-2 §12.8.5): added as an incremental update, verified as
//! RFC 3161 tokens over the ByteRange; earlier signatures keep verifying.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{anchors, at, holder, minimal_pdf, tsa};
use qes_cms::{Indication, SubIndication, Verifier};
use qes_pades::{
    Coverage, DocumentTimestamper, Error, PadesSigner, PadesVerifier, PdfReport, SignatureKind,
};

fn verify(pdf: &[u8]) -> PdfReport {
    let anchors = anchors();
    PadesVerifier::new(Verifier::new(&anchors, at()))
        .verify(pdf)
        .unwrap()
}

#[test]
fn a_document_timestamp_verifies() {
    let tsa = tsa();
    let input = minimal_pdf("stamp me");
    let out = DocumentTimestamper::new(&tsa).timestamp(&input).unwrap();
    assert!(out.starts_with(&input));
    let report = verify(&out);
    assert!(report.all_passed(), "{report:#?}");
    let s = &report.signatures[0];
    assert_eq!(s.kind, SignatureKind::DocumentTimestamp);
    assert_eq!(s.sub_filter.as_deref(), Some("ETSI.RFC3161"));
    assert!(s.intact && s.valid);
    assert_eq!(s.coverage, Some(Coverage::EntireFile));
    assert_eq!(s.timestamp.as_ref().unwrap().gen_time, Some(at()));
    assert!(s.signer.is_none() && s.level.is_none());
    assert!(s.trusted, "the TSA's path: {s:#?}");
    assert_eq!(s.timestamp_time, Some(at()));

    // Negative control: a flipped byte in the stamped range.
    let mut tampered = out.clone();
    let i = tampered.windows(8).position(|w| w == b"stamp me").unwrap();
    tampered[i] ^= 0x01;
    let s = verify(&tampered).signatures.remove(0);
    assert!(!s.intact);
    assert_eq!(s.indication, Indication::TotalFailed);
    assert_eq!(s.sub_indication, Some(SubIndication::HashFailure));
    assert_eq!(s.timestamp_time, None, "a failed token proves nothing");
}

#[test]
fn signed_then_timestamped() {
    let tsa = tsa();
    let signed = PadesSigner::new(&holder())
        .with_timestamper(&tsa)
        .sign(&minimal_pdf("B-T then doc timestamp"))
        .unwrap();
    let stamped = DocumentTimestamper::new(&tsa)
        .with_field_name("DocTs")
        .timestamp(&signed)
        .unwrap();
    let report = verify(&stamped);
    assert!(report.all_passed(), "{report:#?}");
    let kinds: Vec<_> = report
        .signatures
        .iter()
        .map(|s| (s.field.as_str(), s.kind, s.coverage))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                "Signature1",
                SignatureKind::Signature,
                Some(Coverage::EntireRevision)
            ),
            (
                "DocTs",
                SignatureKind::DocumentTimestamp,
                Some(Coverage::EntireFile)
            ),
        ]
    );
}

#[test]
fn a_token_that_does_not_fit_is_an_error() {
    let tsa = tsa();
    assert!(matches!(
        DocumentTimestamper::new(&tsa)
            .with_reserved_contents(64)
            .timestamp(&minimal_pdf("x")),
        Err(Error::ContentsTooSmall { reserved: 64, .. })
    ));
}

/// A TSA with a long certificate chain (over 20 KiB per token) still fits: the reserve is
/// measured from a probe token, not fixed.
#[test]
fn a_large_token_fits() {
    let large = common::tsa_with_large_chain();
    let input = minimal_pdf("x");
    let stamper = DocumentTimestamper::new(&large);
    let once = stamper.timestamp(&input).unwrap();
    let twice = stamper.timestamp(&once).unwrap();
    let report = verify(&twice);
    assert!(report.all_passed(), "{report:#?}");
    assert_eq!(report.signatures.len(), 2);
    for s in &report.signatures {
        assert_eq!(s.kind, SignatureKind::DocumentTimestamp);
    }
    // Control: the former fixed 16 KiB reserve is too small for it.
    assert!(matches!(
        DocumentTimestamper::new(&large)
            .with_reserved_contents(16 * 1024)
            .timestamp(&input),
        Err(Error::ContentsTooSmall { .. })
    ));
}
