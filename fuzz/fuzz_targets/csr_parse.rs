//! PKCS#10 requests: arbitrary DER or PEM either parses (then verifies or not) or is a typed
//! error; RFC 4514 subject strings either parse or are a typed error.
#![no_main]

use qes_renewal::{CertificationRequest, CsrBuilder};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(csr) = CertificationRequest::from_der(data) {
        let _ = (csr.verify(), csr.requested_key_usage(), csr.to_pem());
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = CertificationRequest::from_pem(text).map(|csr| csr.verify());
        let _ = CsrBuilder::from_subject_str(text);
    }
});
