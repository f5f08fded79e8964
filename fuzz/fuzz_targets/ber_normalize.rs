//! BER to DER-length normalization of untrusted CMS input (X.690 §8, §10.1, §10.2).
#![no_main]

use std::borrow::Cow;

use qes_cms::asn1::{normalize_to_der, BerLimits};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let limits = BerLimits::default();
    if let Ok(der) = normalize_to_der(data, &limits) {
        // Whatever is accepted comes out in DER length form: a second pass changes nothing.
        assert!(matches!(
            normalize_to_der(&der, &limits),
            Ok(Cow::Borrowed(_))
        ));
    }
});
