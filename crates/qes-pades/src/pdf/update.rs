//! Writing an incremental update (ISO 32000-2 §7.5.6): new and changed objects appended
//! after the original bytes, then a cross-reference section of the same kind as the last
//! one — a classic table (§7.5.4) or a cross-reference stream (§7.5.8) — whose trailer
//! keeps every prior entry and chains to the previous section by `/Prev`.

use super::document::Document;
use super::object::{Dict, ObjRef, Object};
use super::write::write_object;
use super::xref::XrefKind;
use crate::{Error, Result};
use std::io::Write;

/// Trailer keys that describe one cross-reference section, not the document: never
/// copied into the next section's trailer.
const SECTION_KEYS: [&str; 9] = [
    "Prev",
    "XRefStm",
    "Type",
    "W",
    "Index",
    "Length",
    "Filter",
    "DecodeParms",
    "Size",
];

/// Where new objects go: numbered, then written as serialised bodies — an incremental update
/// ([`Update`]) or a new file (`crate::compose`).
pub(crate) trait ObjectSink {
    /// A fresh object number.
    fn allocate(&mut self) -> Result<ObjRef>;
    /// Write `body`, already serialised, as object `r`.
    fn put_body(&mut self, r: ObjRef, body: Vec<u8>);
}

impl ObjectSink for Update<'_, '_> {
    fn allocate(&mut self) -> Result<ObjRef> {
        Update::allocate(self)
    }

    fn put_body(&mut self, r: ObjRef, body: Vec<u8>) {
        self.put_raw(r, body);
    }
}

/// An incremental update being assembled over a [`Document`].
pub(crate) struct Update<'d, 'a> {
    doc: &'d Document<'a>,
    next: u32,
    objects: Vec<(ObjRef, Vec<u8>)>,
}

/// The appended bytes and where each object starts in them.
pub(crate) struct Written {
    /// The update: what follows the original bytes (an EOL first if they lack one).
    pub update: Vec<u8>,
    /// The offset in `update` of each object's body (after `num gen obj\n`), in `put`
    /// order.
    pub bodies: Vec<usize>,
}

impl<'d, 'a> Update<'d, 'a> {
    pub fn new(doc: &'d Document<'a>) -> Self {
        Self {
            doc,
            next: doc.next_object_number(),
            objects: Vec::new(),
        }
    }

    /// A fresh object number.
    pub fn allocate(&mut self) -> Result<ObjRef> {
        let r = ObjRef::new(self.next, 0);
        self.next = self.next.checked_add(1).ok_or(Error::Overflow)?;
        Ok(r)
    }

    /// Write `object` as the (new version of) object `r`.
    pub fn put(&mut self, r: ObjRef, object: &Object) {
        let mut body = Vec::new();
        write_object(&mut body, object);
        self.objects.push((r, body));
    }

    /// Write `body`, already serialised, as object `r`; its index in [`Written::bodies`].
    pub fn put_raw(&mut self, r: ObjRef, body: Vec<u8>) -> usize {
        self.objects.push((r, body));
        self.objects.len() - 1
    }

    /// The objects and a cross-reference section, to append to the original bytes.
    pub fn finish(self) -> Result<Written> {
        let base = self.doc.len();
        let last = base.checked_sub(1).and_then(|i| self.doc.source().byte(i));
        let mut out = Vec::with_capacity(
            self.objects
                .iter()
                .map(|(_, b)| b.len().saturating_add(64))
                .fold(4096usize, usize::saturating_add),
        );
        if !matches!(last, Some(b'\n' | b'\r')) {
            out.push(b'\n');
        }
        let at = |out: &Vec<u8>| base.checked_add(out.len()).ok_or(Error::Overflow);
        let mut offsets = Vec::with_capacity(self.objects.len() + 1);
        let mut bodies = Vec::with_capacity(self.objects.len());
        for (r, body) in &self.objects {
            offsets.push((*r, at(&out)?));
            let _ = writeln!(out, "{} {} obj", r.num, r.gen);
            bodies.push(out.len());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let prev = i64::try_from(self.doc.startxref()).map_err(|_| Error::Overflow)?;
        let mut trailer = Dict::new();
        for (k, v) in &self.doc.trailer().0 {
            let key = k.as_bytes();
            if !SECTION_KEYS.iter().any(|s| s.as_bytes() == key) {
                trailer.0.push((k.clone(), v.clone()));
            }
        }
        let stream_section = self
            .doc
            .sections()
            .first()
            .is_some_and(|s| s.kind == XrefKind::Stream);
        let xref_offset = at(&out)?;
        if stream_section {
            let me = ObjRef::new(self.next, 0);
            let size = self.next.checked_add(1).ok_or(Error::Overflow)?;
            offsets.push((me, xref_offset));
            write_xref_stream(&mut out, me, size, &offsets, trailer, prev)?;
        } else {
            write_xref_table(&mut out, self.next, &offsets, trailer, prev);
        }
        let _ = write!(out, "startxref\n{xref_offset}\n%%EOF\n");
        Ok(Written {
            update: out,
            bodies,
        })
    }
}

/// Consecutive runs of object numbers: `(first, entries)` (§7.5.4 subsections).
fn runs(offsets: &[(ObjRef, usize)]) -> Vec<(u32, Vec<(ObjRef, usize)>)> {
    let mut sorted = offsets.to_vec();
    sorted.sort_by_key(|(r, _)| r.num);
    sorted.dedup_by_key(|(r, _)| r.num);
    let mut out: Vec<(u32, Vec<(ObjRef, usize)>)> = Vec::new();
    for entry in sorted {
        match out.last_mut() {
            Some((first, run))
                if u32::try_from(run.len())
                    .ok()
                    .and_then(|n| first.checked_add(n))
                    == Some(entry.0.num) =>
            {
                run.push(entry)
            }
            _ => out.push((entry.0.num, vec![entry])),
        }
    }
    out
}

fn write_xref_table(
    file: &mut Vec<u8>,
    size: u32,
    offsets: &[(ObjRef, usize)],
    mut trailer: Dict,
    prev: i64,
) {
    file.extend_from_slice(b"xref\n");
    for (first, run) in runs(offsets) {
        let _ = writeln!(file, "{first} {}", run.len());
        for (r, offset) in run {
            // Exactly 20 bytes per entry, EOL "\r\n" (§7.5.4).
            let _ = write!(file, "{offset:010} {:05} n\r\n", r.gen);
        }
    }
    trailer.set("Size", Object::Integer(i64::from(size)));
    trailer.set("Prev", Object::Integer(prev));
    file.extend_from_slice(b"trailer\n");
    write_object(file, &Object::Dict(trailer));
    file.push(b'\n');
}

fn write_xref_stream(
    file: &mut Vec<u8>,
    me: ObjRef,
    size: u32,
    offsets: &[(ObjRef, usize)],
    mut dict: Dict,
    prev: i64,
) -> Result<()> {
    let max = offsets.iter().map(|(_, o)| *o).max().unwrap_or(0);
    let width = (1..=8usize)
        .find(|&w| w == 8 || (max >> (8 * w)) == 0)
        .unwrap_or(8);
    let mut data = Vec::new();
    let mut index = Vec::new();
    for (first, run) in runs(offsets) {
        index.push(Object::Integer(i64::from(first)));
        index.push(Object::Integer(
            i64::try_from(run.len()).map_err(|_| Error::Overflow)?,
        ));
        for (r, offset) in run {
            data.push(1u8);
            let be = u64::try_from(offset)
                .map_err(|_| Error::Overflow)?
                .to_be_bytes();
            data.extend_from_slice(be.get(8 - width..).unwrap_or_default());
            data.extend_from_slice(&r.gen.to_be_bytes());
        }
    }
    let width_obj = i64::try_from(width).map_err(|_| Error::Overflow)?;
    dict.set("Type", Object::name("XRef"));
    dict.set("Size", Object::Integer(i64::from(size)));
    dict.set(
        "W",
        Object::Array(vec![
            Object::Integer(1),
            Object::Integer(width_obj),
            Object::Integer(2),
        ]),
    );
    dict.set("Index", Object::Array(index));
    dict.set("Prev", Object::Integer(prev));
    dict.set(
        "Length",
        Object::Integer(i64::try_from(data.len()).map_err(|_| Error::Overflow)?),
    );
    let _ = writeln!(file, "{} {} obj", me.num, me.gen);
    write_object(file, &Object::Dict(dict));
    file.extend_from_slice(b"\nstream\n");
    file.extend_from_slice(&data);
    file.extend_from_slice(b"\nendstream\nendobj\n");
    Ok(())
}
