//! RFC 3161 `TimeStampResp` parsing (tolerant BER envelope, PKIStatusInfo, token slicing),
//! then what a client does with a granted token: the check that it answers a request
//! (`check_token_answers`) and its full verification (`qes_cms::Verifier`) against a fixed
//! trust anchor (the test PKI's root, `fuzz/anchors/testkit-root-ca.der`) at a fixed time.
#![no_main]

use qes_fuzz::{anchors, validation_time};
use qes_signer::DigestAlgorithm;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(response) = qes_tsp::TimestampResponse::from_der(data) else {
        return;
    };
    let _ = response.status().to_string();
    let _ = response.token_has_definite_length();
    let _ = response.to_der();
    let Ok(token) = response.into_granted() else {
        return;
    };
    // The token is a slice of the input, never re-encoded.
    assert!(data.windows(token.len()).any(|w| w == token.as_slice()));
    if let Ok(request) = qes_tsp::TimestampRequest::from_data(DigestAlgorithm::Sha256, b"x") {
        let _ = qes_tsp::check_token_answers(&request, &token);
    }
    let Some(at) = validation_time() else {
        return;
    };
    let report = qes_cms::Verifier::new(anchors(), at).verify_timestamp_token(&token, b"x");
    let _ = report.sub_indication.map(|s| s.name());
});
