//! RFC 3161 TSTInfo decoding, lenient genTime included, and its DER re-encoding.
#![no_main]

use qes_cms::asn1::TstInfo;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(info) = TstInfo::from_der(data) {
        // Whatever decodes re-encodes to a value that decodes the same.
        if let Ok(der) = info.to_der() {
            assert_eq!(TstInfo::from_der(&der).ok(), Some(info));
        }
    }
});
