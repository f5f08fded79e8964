//! Certificate parsing (every input format, both modes) followed by everything `qes cert
//! inspect` derives from a certificate: qualified summary, identity, lint.
#![no_main]

use qes_cert::{identity, lint, parse_any, ParseMode, QualifiedSummary};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for mode in [ParseMode::Strict, ParseMode::Lenient] {
        if let Ok(certs) = parse_any(data, mode) {
            for cert in &certs {
                let _ = QualifiedSummary::of(cert);
                let _ = identity(cert);
                let _ = lint(cert);
            }
        }
    }
});
