//! The visible-signature appearance builder on untrusted input: arbitrary font bytes (a
//! caller-supplied TTF) and arbitrary text laid out in an arbitrary box, the font subset,
//! and the same bytes as a PNG/JPEG image — each a value or a typed error, never a panic.
//!
//! Input: byte 0 → box width, byte 1 → box height, bytes 2..4 → text length (big-endian),
//! then the text (UTF-8, lossy), then the font bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let [w, h, l0, l1, rest @ ..] = data else {
        return;
    };
    let len = usize::from(u16::from_be_bytes([*l0, *l1])).min(rest.len());
    let (text, font) = rest.split_at(len);
    let text = String::from_utf8_lossy(text);
    qes_pades::fuzz_appearance(font, &text, f64::from(*w) * 2.0, f64::from(*h));
});
