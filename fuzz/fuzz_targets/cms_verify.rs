//! CMS `SignedData` parsing and CAdES verification on arbitrary bytes: `Verifier::verify` with
//! the content attached and with detached content `b"x"` (what the detached seeds sign) must
//! return a report or an error, never panic.
//!
//! The trust anchor is fixed: the test PKI's root (`qes-testkit`, seed 0), committed as DER in
//! `fuzz/anchors/testkit-root-ca.der`, so the seeds signed under it reach path validation, key
//! usage and every check after it. The validation time is fixed too (epoch + 30 days, as in the
//! tests), so runs are reproducible.
#![no_main]

use qes_cms::{Content, Verifier};
use qes_fuzz::{anchors, validation_time};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some(at) = validation_time() else {
        return;
    };
    let verifier = Verifier::new(anchors(), at);
    for content in [Content::Attached, Content::Detached(b"x")] {
        if let Ok(report) = verifier.verify(data, content) {
            let _ = report.all_passed();
            for signer in &report.signers {
                let _ = signer.first_failure();
                let _ = signer.sub_indication.map(|s| s.name());
            }
        }
    }
});
