//! The whole EU DCC decode and verify chain on arbitrary input: as an `HC1:` string (the
//! bytes as UTF-8, and with the prefix added), as COSE bytes, as Base45 text, as zlib data and,
//! when the bytes start with the PNG signature, as a picture of a QR code. Every call returns
//! a report or an error, never panics.
//!
//! Trust list: the document signer certificate of dgc-testdata `AT/2DCode/raw/1.json`
//! (`fuzz/anchors/dgc-at-1-dsc.der`), so its seeds reach the signature and every later step;
//! the validation time is fixed (2021-06-01).
#![no_main]

use std::sync::OnceLock;

use chrono::{TimeZone, Utc};
use qes_dcc::{base45, qr, zlib, Limits, TrustList, Verifier};

const DSC: &[u8] = include_bytes!("../anchors/dgc-at-1-dsc.der");

fn trust() -> &'static TrustList {
    static TRUST: OnceLock<TrustList> = OnceLock::new();
    TRUST.get_or_init(|| {
        let mut t = TrustList::new();
        let _ = t.add_certificate_bytes(DSC);
        t
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some(at) = Utc.with_ymd_and_hms(2021, 6, 1, 0, 0, 0).single() else {
        return;
    };
    let verifier = Verifier::new(trust(), at);
    let look = |r: qes_dcc::Report| {
        let _ = r.accepted();
        let _ = r.first_failure().map(|(s, e)| (s.name(), e.to_string()));
        let _ = format!("{r:?}");
    };
    if let Ok(text) = std::str::from_utf8(data) {
        look(verifier.verify(text));
        look(verifier.verify(&format!("HC1:{text}")));
        let _ = qes_dcc::decode(text, &Limits::default());
        let _ = base45::decode(text, 1 << 16);
    }
    look(verifier.verify_cose(data));
    let _ = zlib::inflate(data, 1 << 16);
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        if let Ok(text) = qr::read_png(data) {
            look(verifier.verify(&text));
        }
    }
});
