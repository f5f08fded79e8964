//! CMS `SignedData` parsing and CAdES verification on arbitrary bytes: `Verifier::verify` with
//! the content attached and with detached content `b"x"` (what the detached seeds sign) must
//! return a report or an error, never panic.
//!
//! The trust anchor is fixed: the test PKI's root (`qes-testkit`, seed 0), committed as DER in
//! `fuzz/anchors/testkit-root-ca.der`, so the seeds signed under it reach path validation, key
//! usage and every check after it. The validation time is fixed too (epoch + 30 days, as in the
//! tests), so runs are reproducible.
#![no_main]

use std::sync::OnceLock;

use chrono::{TimeZone, Utc};
use qes_cert::{parse_der, Certificate, ParseMode};
use qes_cms::{Content, Verifier};

const ROOT: &[u8] = include_bytes!("../anchors/testkit-root-ca.der");

fn anchors() -> &'static [Certificate] {
    static ANCHORS: OnceLock<Vec<Certificate>> = OnceLock::new();
    ANCHORS.get_or_init(|| {
        vec![parse_der(ROOT, ParseMode::Strict).expect("the committed anchor parses")]
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some(at) = Utc.with_ymd_and_hms(2026, 1, 31, 0, 0, 0).single() else {
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
