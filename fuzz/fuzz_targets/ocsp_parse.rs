//! OCSP response parsing (RFC 6960 §4.2), lenient GeneralizedTime included.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = qes_cert::OcspResponse::from_der(data);
});
