//! The confirmation document checks on arbitrary bytes: `check_final`, and
//! `check_holder_signed` with the input's first revision (up to its first `%%EOF`) standing
//! for the prefilled document, return reasons, never panic. Seeds are the documents of a
//! `qes demo` run: prefilled, holder-signed, countersigned and re-saved.
#![no_main]

use qes_cms::Verifier;
use qes_confirm::{check_final, check_holder_signed};
use qes_fuzz::{anchors, validation_time};
use qes_pades::PadesVerifier;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some(at) = validation_time() else {
        return;
    };
    let verifier = PadesVerifier::new(Verifier::new(anchors(), at));
    let final_check = check_final(&verifier, data, anchors());
    assert_eq!(final_check.is_accepted(), final_check.reasons.is_empty());
    let first_revision = data
        .windows(5)
        .position(|w| w == b"%%EOF")
        .map_or(data.len(), |at| at + 5);
    let prefilled = data.get(..first_revision).unwrap_or_default();
    if let Some(expected) = anchors().first() {
        let holder_check = check_holder_signed(&verifier, prefilled, data, expected);
        // Nothing is accepted for a certificate that is not a natural person's.
        assert!(!holder_check.is_accepted() || data.len() > prefilled.len());
    }
});
