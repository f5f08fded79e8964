//! The PDF reader on arbitrary bytes: `startxref`, every cross-reference section (tables,
//! streams, hybrid), the trailer, the catalog, the first page, the page tree walk (count
//! and the second page with inherited boxes) and every object the cross-reference names —
//! each returns a value or a typed error, never panics, within the reader's limits.
#![no_main]

use qes_pades::pdf::{Document, ObjRef, XrefEntry};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(doc) = Document::open(data) else {
        return;
    };
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
        let _ = doc.get(ObjRef { num, gen });
    }
});
