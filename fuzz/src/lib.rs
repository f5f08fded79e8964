//! What several fuzz targets share: the fixed trust anchor and validation time that let
//! seeds signed under the test PKI reach every verification step, reproducibly.

use std::sync::OnceLock;

use chrono::{DateTime, TimeZone, Utc};
use qes_cert::{parse_der, Certificate, ParseMode};

/// The test PKI's root (`qes-testkit`, seed 0), committed as DER.
const ROOT: &[u8] = include_bytes!("../anchors/testkit-root-ca.der");

/// The trust anchors: the test PKI's root.
///
/// # Panics
/// If the committed anchor does not parse (a broken checkout, not a finding).
pub fn anchors() -> &'static [Certificate] {
    static ANCHORS: OnceLock<Vec<Certificate>> = OnceLock::new();
    ANCHORS.get_or_init(|| {
        vec![parse_der(ROOT, ParseMode::Strict).expect("the committed anchor parses")]
    })
}

/// The validation time: 30 days after the test PKI's epoch, as in the tests.
pub fn validation_time() -> Option<DateTime<Utc>> {
    Utc.with_ymd_and_hms(2026, 1, 31, 0, 0, 0).single()
}
