//! RFC 3161 `TimeStampResp` parsing (tolerant BER envelope, PKIStatusInfo, token slicing),
//! then the accessors a client uses.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(response) = qes_tsp::TimestampResponse::from_der(data) {
        let _ = response.status().to_string();
        let _ = response.token_has_definite_length();
        if let Some(token) = response.token() {
            // The token is a slice of the input, never re-encoded.
            assert!(data.windows(token.len()).any(|w| w == token));
        }
        let _ = response.into_granted();
    }
});
