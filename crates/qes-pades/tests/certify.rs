//! Certification signatures (ISO 32000-2 §12.8.2.2 DocMDP): what we write, what we refuse,
//! and how the modification analysis applies the level to later revisions.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{add_annotation, anchors, at, holder, minimal_pdf, tsa};
use qes_cms::{Indication, Verifier};
use qes_pades::pdf::{Document, Object};
use qes_pades::{
    DocMdpLevel, DocumentTimestamper, Error, Modifications, PadesSigner, PadesVerifier,
};

fn certified(p: u8) -> Vec<u8> {
    PadesSigner::new(&holder())
        .with_certification(DocMdpLevel(p))
        .with_signing_time(at())
        .sign(&minimal_pdf("Certified"))
        .unwrap()
}

fn verify(pdf: &[u8]) -> qes_pades::PdfReport {
    let anchors = anchors();
    PadesVerifier::new(Verifier::new(&anchors, at()))
        .verify(pdf)
        .unwrap()
}

/// An approval signature appended to a P=1 document, bypassing our refusal: the update
/// our signer makes for the same file with `/P 1` read as `/P 2` (same length, same
/// offsets), appended to the real file. Its CMS covers the patched bytes, so the approval
/// signature itself is broken; what matters is the certification's verdict.
fn approval_after_p1(pdf: &[u8]) -> Vec<u8> {
    let at_ = pdf.windows(5).position(|w| w == b"/P 1 ").unwrap();
    let mut patched = pdf.to_vec();
    patched[at_ + 3] = b'2';
    let update = PadesSigner::new(&holder()).sign_update(&patched).unwrap();
    [pdf, &update[..]].concat()
}

#[test]
fn the_signature_dictionary_and_catalog_carry_docmdp() {
    for p in 1..=3 {
        let pdf = certified(p);
        let doc = Document::open(&pdf).unwrap();
        let (_, catalog) = doc.catalog().unwrap();
        let perms = doc.resolve_dict(catalog.get("Perms")).unwrap().unwrap();
        let sig_ref = perms.get_ref("DocMDP").unwrap();
        let sig = doc
            .resolve_dict(Some(&Object::Ref(sig_ref)))
            .unwrap()
            .unwrap();
        assert!(sig.is_type("Sig"));
        let refs = sig.get("Reference").unwrap().as_array().unwrap().to_vec();
        assert_eq!(refs.len(), 1);
        let r = refs[0].as_dict().unwrap();
        assert!(r.is_type("SigRef"));
        assert_eq!(r.get_name("TransformMethod"), Some(&b"DocMDP"[..]));
        let params = r.get("TransformParams").unwrap().as_dict().unwrap();
        assert!(params.is_type("TransformParams"));
        assert_eq!(params.get_int("P"), Some(i64::from(p)));
        assert_eq!(params.get_name("V"), Some(&b"1.2"[..]));
        // The form's field points at the same dictionary (same update: two sections).
        assert_eq!(doc.sections().len(), 2);
        let report = verify(&pdf);
        assert_eq!(report.signatures.len(), 1);
        let s = &report.signatures[0];
        assert_eq!(s.certification, Some(DocMdpLevel(p)), "{s:#?}");
        assert_eq!(s.indication, Indication::TotalPassed, "{s:#?}");
    }
    // Negative control: an approval signature reports no certification.
    let plain = PadesSigner::new(&holder()).sign(&minimal_pdf("x")).unwrap();
    assert_eq!(verify(&plain).signatures[0].certification, None);
    assert!(!String::from_utf8_lossy(&plain).contains("/Perms"));
}

#[test]
fn only_the_first_signature_certifies() {
    let signer = holder();
    let signed = PadesSigner::new(&signer).sign(&minimal_pdf("x")).unwrap();
    assert!(matches!(
        PadesSigner::new(&signer)
            .with_certification(DocMdpLevel(2))
            .sign(&signed),
        Err(Error::AlreadySigned)
    ));
    // A certified document cannot be certified again either, at any level.
    assert!(matches!(
        PadesSigner::new(&signer)
            .with_certification(DocMdpLevel(3))
            .sign(&certified(2)),
        Err(Error::AlreadySigned)
    ));
    // P=1 refuses any further signature; the document itself stays certifiable (control).
    assert!(matches!(
        PadesSigner::new(&signer).sign(&certified(1)),
        Err(Error::NoChangesAllowed)
    ));
    assert!(PadesSigner::new(&signer).sign(&certified(2)).is_ok());
}

#[test]
fn p2_and_p3_allow_a_later_approval_signature() {
    for p in [2, 3] {
        let twice = PadesSigner::new(&holder())
            .with_signing_time(at())
            .sign(&certified(p))
            .unwrap();
        let report = verify(&twice);
        assert_eq!(report.signatures.len(), 2, "{report:#?}");
        assert!(report.all_passed(), "{report:#?}");
        let cert = report
            .signatures
            .iter()
            .find(|s| s.certification.is_some())
            .unwrap();
        assert_eq!(cert.certification, Some(DocMdpLevel(p)));
        assert_eq!(
            cert.modifications,
            Some(Modifications::SignatureMaintenance)
        );
    }
}

#[test]
fn p1_allows_a_document_timestamp_but_not_a_signature() {
    let p1 = certified(1);
    let signed = approval_after_p1(&p1);
    let report = verify(&signed);
    let cert = report
        .signatures
        .iter()
        .find(|s| s.certification == Some(DocMdpLevel(1)))
        .unwrap();
    assert!(cert.intact && cert.valid, "{cert:#?}");
    assert!(
        matches!(
            cert.modifications,
            Some(Modifications::NotAllowed { reason, .. }) if reason.contains("DocMDP P=1")
        ),
        "{cert:#?}"
    );
    assert_eq!(cert.indication, Indication::TotalFailed, "{cert:#?}");

    // Negative control: the same hand-made update on a P=2 document is allowed.
    let p2 = certified(2);
    let update = PadesSigner::new(&holder()).sign_update(&p2).unwrap();
    let report = verify(&[&p2[..], &update[..]].concat());
    assert!(report.all_passed(), "{report:#?}");

    // A document timestamp is allowed after P=1.
    let tsa = tsa();
    let stamped = DocumentTimestamper::new(&tsa).timestamp(&p1).unwrap();
    let report = verify(&stamped);
    assert_eq!(report.signatures.len(), 2);
    assert!(report.all_passed(), "{report:#?}");
    let cert = &report
        .signatures
        .iter()
        .find(|s| s.certification.is_some())
        .unwrap();
    assert_eq!(
        cert.modifications,
        Some(Modifications::SignatureMaintenance)
    );
}

const NOTE: &str = "<< /Type /Annot /Subtype /Text /Rect [100 100 120 120] /Contents (Vezi) >>";

#[test]
fn p3_and_approval_signatures_allow_a_new_annotation_p2_does_not() {
    let p3 = add_annotation(&certified(3), NOTE, None);
    let s = &verify(&p3).signatures[0];
    assert_eq!(s.certification, Some(DocMdpLevel(3)));
    assert_eq!(s.modifications, Some(Modifications::Annotations), "{s:#?}");
    assert_eq!(s.indication, Indication::TotalPassed, "{s:#?}");
    // Without a certification, annotations are allowed too (at the annotations class).
    let approval = add_annotation(
        &PadesSigner::new(&holder()).sign(&minimal_pdf("x")).unwrap(),
        NOTE,
        None,
    );
    let s = &verify(&approval).signatures[0];
    assert_eq!(s.modifications, Some(Modifications::Annotations), "{s:#?}");
    assert_eq!(s.indication, Indication::TotalPassed, "{s:#?}");
    // Negative controls: the same annotation after P=2 or P=1; an annotation with an
    // action, or a widget, after P=3; and an annotation that comes with a content change
    // after P=3.
    for pdf in [
        add_annotation(&certified(2), NOTE, None),
        add_annotation(&certified(1), NOTE, None),
        add_annotation(
            &certified(3),
            "<< /Type /Annot /Subtype /Link /Rect [0 0 612 792] \
             /A << /S /URI /URI (https://example.com) >> >>",
            None,
        ),
        add_annotation(
            &certified(3),
            "<< /Type /Annot /Subtype /Text /Rect [0 0 9 9] /A << /S /JavaScript /JS (1) >> >>",
            None,
        ),
        add_annotation(
            &certified(3),
            "<< /Type /Annot /Subtype /Widget /FT /Tx /T (x) /Rect [0 0 9 9] >>",
            None,
        ),
        add_annotation(&certified(3), NOTE, Some("Replaced")),
    ] {
        let s = &verify(&pdf).signatures[0];
        assert!(s.intact && s.valid, "{s:#?}");
        assert!(
            matches!(s.modifications, Some(Modifications::NotAllowed { .. })),
            "{s:#?}"
        );
        assert_eq!(s.indication, Indication::TotalFailed, "{s:#?}");
    }
}
