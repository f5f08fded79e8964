//! Romanian CNP and CUI parsing: any string either parses or yields a typed error.
#![no_main]

use qes_cert::{Cnp, Cui};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(cnp) = Cnp::parse(s) {
            let _ = (cnp.sex(), cnp.birth_date(), cnp.county(), cnp.to_string());
        }
        let _ = Cui::parse(s);
    }
});
