//! PDF date strings (ISO 32000-2 §7.9.4, a signature dictionary's `/M`): `parse_date` on
//! arbitrary text returns a UTC time or `None`, never panics; a date it accepts formats back
//! to a string it accepts again, as the same instant.
#![no_main]

use qes_pades::pdf::parse_date;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(t) = parse_date(text) {
        let again = t.format("D:%Y%m%d%H%M%SZ").to_string();
        assert_eq!(parse_date(&again), Some(t), "{text:?} -> {again:?}");
    }
});
