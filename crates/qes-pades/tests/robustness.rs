//! Property tests over whole documents: signing and verifying mutated PDFs and PDF-like
//! garbage never panics,
//! and no change to a signed byte ever leaves a signature TOTAL-PASSED.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::sync::OnceLock;

use common::{anchors, at, byte_ranges, corpus, holder, minimal_pdf};
use proptest::prelude::*;
use qes_cms::Verifier;
use qes_pades::{PadesSigner, PadesVerifier};

/// One signed PDF, shared by the cases.
fn signed() -> &'static [u8] {
    static SIGNED: OnceLock<Vec<u8>> = OnceLock::new();
    SIGNED.get_or_init(|| {
        PadesSigner::new(&holder())
            .with_signing_time(at())
            .sign(&minimal_pdf("robust"))
            .unwrap()
    })
}

#[test]
fn the_unmodified_file_passes() {
    // The control for the property below.
    let anchors = anchors();
    let report = PadesVerifier::new(Verifier::new(&anchors, at()))
        .verify(signed())
        .unwrap();
    assert!(report.all_passed(), "{report:#?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn changed_signed_bytes_never_pass(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let original = signed();
        let [_, b, c, d] = byte_ranges(original)[0];
        let mut pdf = original.to_vec();
        for (i, byte) in &edits {
            let i = i.index(pdf.len());
            pdf[i] = *byte;
        }
        let signed_changed = (0..pdf.len())
            .any(|i| (i < b || (c..c + d).contains(&i)) && pdf[i] != original[i]);
        let anchors = anchors();
        let result = PadesVerifier::new(Verifier::new(&anchors, at())).verify(&pdf);
        if signed_changed {
            prop_assert!(!result.is_ok_and(|r| r.all_passed()));
        }
    }

    #[test]
    fn verifying_pdf_like_garbage_never_panics(
        tokens in proptest::collection::vec(prop::sample::select(vec![
            "<<", ">>", "[", "]", "/Type", "/Catalog", "/AcroForm", "/Fields", "/Kids", "/FT",
            "/Sig", "/V", "/T", "(f)", "/ByteRange", "/Contents", "/SubFilter",
            "/ETSI.CAdES.detached", "/ETSI.RFC3161", "/adbe.pkcs7.detached", "/Reference",
            "/TransformMethod", "/DocMDP", "/Perms", "/Root", "/Size", "<3082>", "<30800000>",
            "0", "1", "2", "3", "99999999999", "-5", "R", "obj", "endobj", "1 0 obj", "2 0 obj",
            "3 0 R", "1 0 R", "2 0 R", " ",
        ]), 0..120),
    ) {
        // Objects 1..3 at the positions the tokens happen to give, with a table pointing at
        // every "n 0 obj" found.
        let body = format!("%PDF-1.7\n{}\n", tokens.join(" "));
        let mut pdf = body.clone().into_bytes();
        let xref = pdf.len();
        let mut table = String::from("xref\n0 4\n0000000000 65535 f\r\n");
        for n in 1..=3 {
            let at = body.find(&format!("{n} 0 obj")).unwrap_or(0);
            table.push_str(&format!("{at:010} 00000 n\r\n"));
        }
        table.push_str(&format!("trailer << /Size 4 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"));
        pdf.extend_from_slice(table.as_bytes());
        let anchors = anchors();
        let _ = PadesVerifier::new(Verifier::new(&anchors, at())).verify(&pdf);
    }

    #[test]
    fn verifying_arbitrary_signature_dictionaries_never_panics(
        byte_range in proptest::collection::vec(-3i64..3000, 0..6),
        contents in proptest::collection::vec(any::<u8>(), 0..48),
        der_header in any::<bool>(),
        sub_filter in prop::sample::select(vec![
            "/ETSI.CAdES.detached", "/adbe.pkcs7.detached", "/ETSI.RFC3161", "/Other", "1",
        ]),
        nesting in 0usize..4,
        reference in any::<bool>(),
    ) {
        let mut hex: String = contents.iter().map(|b| format!("{b:02X}")).collect();
        if der_header {
            hex = format!("3082{:04X}{hex}", contents.len());
        }
        let range: Vec<String> = byte_range.iter().map(i64::to_string).collect();
        let reference = if reference {
            "/Reference [<< /TransformMethod /DocMDP /TransformParams << /P 7 >> >>]"
        } else {
            ""
        };
        // Field 3 is a chain of `nesting` parents (objects 5, 6, …) above the signed field.
        let mut objects = vec![
            "<< /Type /Catalog /Pages 9 0 R /AcroForm 2 0 R >>".to_string(),
            "<< /Fields [3 0 R] >>".to_string(),
        ];
        let sig = format!(
            "<< /Type /Sig /SubFilter {sub_filter} /ByteRange [{}] /Contents <{hex}> {reference} >>",
            range.join(" ")
        );
        if nesting == 0 {
            objects.push("<< /FT /Sig /T (s) /V 4 0 R >>".into());
        } else {
            objects.push("<< /FT /Sig /T (p) /Kids [5 0 R] >>".into());
        }
        objects.push(sig);
        for level in 0..nesting {
            let kid = if level + 1 == nesting {
                "/V 4 0 R".to_string()
            } else {
                format!("/Kids [{} 0 R]", 6 + level)
            };
            objects.push(format!("<< /T (k{level}) {kid} >>"));
        }
        let mut pdf = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(pdf.len());
            pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = pdf.len();
        pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f\r\n", offsets.len() + 1).as_bytes());
        for off in &offsets {
            pdf.extend_from_slice(format!("{off:010} 00000 n\r\n").as_bytes());
        }
        pdf.extend_from_slice(
            format!("trailer << /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", offsets.len() + 1)
                .as_bytes(),
        );
        let anchors = anchors();
        let report = PadesVerifier::new(Verifier::new(&anchors, at())).verify(&pdf).unwrap();
        // The one signature is found through any nesting, and never passes.
        prop_assert_eq!(report.signatures.len(), 1);
        prop_assert!(!report.all_passed());
    }

    #[test]
    fn signing_mutated_corpus_files_never_panics(
        which in 0usize..3,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let name = ["minimal.pdf", "minimal-xref.pdf", "uncompressed-objstream-sample.pdf"][which];
        let mut pdf = corpus(name);
        for (i, byte) in edits {
            let i = i.index(pdf.len());
            pdf[i] = byte;
        }
        let signer = holder();
        if let Ok(out) = PadesSigner::new(&signer).sign(&pdf) {
            // Whatever was signed starts with the input.
            prop_assert!(out.starts_with(&pdf));
        }
    }
}
