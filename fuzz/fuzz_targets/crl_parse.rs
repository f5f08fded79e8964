//! CRL parsing (RFC 5280 §5) and the entry lookups path validation performs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = qes_cert::Crl::from_der(data);
});
