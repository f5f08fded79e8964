//! PDF signature enumeration and verification on arbitrary bytes: `PadesVerifier::verify`
//! against the test PKI's root at a fixed time returns a report or a typed error, never
//! panics. Seeds are PDFs signed under that root (and pyHanko's corpus), so mutations reach
//! the ByteRange checks, the CMS verification and the timestamp tokens.
#![no_main]

use qes_cms::Verifier;
use qes_fuzz::{anchors, validation_time};
use qes_pades::PadesVerifier;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some(at) = validation_time() else {
        return;
    };
    if let Ok(report) = PadesVerifier::new(Verifier::new(anchors(), at)).verify(data) {
        let _ = report.all_passed();
        for signature in &report.signatures {
            let _ = (
                signature.coverage,
                signature.byte_range_problem,
                signature.passed(),
            );
        }
    }
});
