//! The PDF reader on arbitrary bytes: `startxref`, every cross-reference section (tables,
//! streams, hybrid), the trailer, the catalog, the first page, the page tree walk (count
//! and the second page with inherited boxes) and every object the cross-reference names —
//! each returns a value or a typed error, never panics, within the reader's limits.
//!
//! Differential: the same bytes opened from a reader with a 16-byte first window (every
//! object read through the growing window) must give the same sections and objects.
#![no_main]

use qes_pades::pdf::{Document, Limits, ObjRef, XrefEntry};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut tiny = Limits::default();
    tiny.read_window = 16;
    let from_reader = Document::from_reader_with_limits(std::io::Cursor::new(data.to_vec()), tiny);
    let Ok(doc) = Document::open(data) else {
        assert!(from_reader.is_err(), "opens from a reader only");
        return;
    };
    let Ok(file) = from_reader else {
        panic!("opens from memory only");
    };
    assert_eq!(doc.sections(), file.sections());
    let _ = doc.is_encrypted();
    let _ = doc.catalog();
    let _ = doc.first_page();
    let _ = doc.page_count();
    let _ = doc.page(1);
    for num in 0..doc.next_object_number().min(256) {
        let gen = match doc.entry(num) {
            Some(XrefEntry::InFile { gen, .. }) => gen,
            Some(_) => 0,
            None => continue,
        };
        let r = ObjRef { num, gen };
        assert_eq!(
            format!("{:?}", doc.get(r)),
            format!("{:?}", file.get(r)),
            "object {num} {gen}"
        );
    }
});
