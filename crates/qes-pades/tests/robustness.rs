//! Property tests over whole documents: signing and verifying mutated PDFs never panics,
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
