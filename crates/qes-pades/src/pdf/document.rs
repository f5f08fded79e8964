//! A PDF document opened for reading (ISO 32000-2 §7.5 file structure, §7.7.2 catalog):
//! the cross-reference index of every revision, and objects resolved on demand — from the
//! file or from object streams (§7.5.7) — never the whole file parsed at once. The file is a
//! slice in memory or any `Read + Seek`, read in windows (`source`).

use super::object::{Dict, ObjRef, Object};
use super::parse::Parser;
use super::source::Source;
use super::xref::{self, XrefEntry, XrefSection};
use super::{filter, Limits};
use crate::{Error, Result};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

/// A decoded object stream: its data and, per index, (object number, offset in data).
struct ObjectStream {
    data: Vec<u8>,
    offsets: Vec<(u32, usize)>,
}

/// A PDF file opened for reading: bytes, cross-reference index and trailer.
///
/// Objects are parsed when asked for ([`Document::get`]); decoded object streams are cached,
/// their total size bounded by [`Limits::max_decoded_len`] times four. A document opened
/// from a reader ([`Document::from_reader`]) reads only what it parses: the end of the file,
/// the cross-reference sections and the objects asked for.
pub struct Document<'a> {
    source: Source<'a>,
    limits: Limits,
    startxref: usize,
    sections: Vec<XrefSection>,
    entries: BTreeMap<u32, XrefEntry>,
    object_streams: RefCell<BTreeMap<u32, Rc<ObjectStream>>>,
    decoded: Cell<usize>,
}

impl std::fmt::Debug for Document<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("len", &self.source.len())
            .field("in_memory", &self.source.as_slice().is_some())
            .field("startxref", &self.startxref)
            .field("sections", &self.sections.len())
            .field("objects", &self.entries.len())
            .finish_non_exhaustive()
    }
}

impl<'a> Document<'a> {
    /// Open `bytes` with the default [`Limits`].
    ///
    /// # Errors
    /// As [`Document::open_with_limits`].
    pub fn open(bytes: &'a [u8]) -> Result<Self> {
        Self::open_with_limits(bytes, Limits::default())
    }

    /// Open `bytes`: find `startxref`, read every cross-reference section.
    ///
    /// # Errors
    /// [`Error::NoStartXref`], [`Error::Xref`], [`Error::Syntax`], [`Error::Limit`] or
    /// [`Error::Filter`] for a file whose cross-reference data cannot be read.
    pub fn open_with_limits(bytes: &'a [u8], limits: Limits) -> Result<Self> {
        Self::open_source(Source::Memory(bytes), limits)
    }

    /// Open a PDF from `reader` (a file) with the default [`Limits`], without reading it
    /// whole.
    ///
    /// # Errors
    /// As [`Document::from_reader_with_limits`].
    pub fn from_reader(reader: impl std::io::Read + std::io::Seek + 'static) -> Result<Self> {
        Self::from_reader_with_limits(reader, Limits::default())
    }

    /// Open a PDF from `reader`: its length from seeking to the end, then `startxref` and
    /// every cross-reference section, each read in windows ([`Limits::read_window`]).
    ///
    /// # Errors
    /// As [`Document::open_with_limits`], [`Error::Read`] when reading fails, or
    /// [`Error::Limit`] for a cross-reference table above [`Limits::max_object_len`].
    pub fn from_reader_with_limits(
        reader: impl std::io::Read + std::io::Seek + 'static,
        limits: Limits,
    ) -> Result<Self> {
        Self::open_source(Source::from_reader(reader)?, limits)
    }

    fn open_source(source: Source<'a>, limits: Limits) -> Result<Self> {
        let len = source.len();
        let declared = xref::startxref_before(&source, len).ok_or(Error::NoStartXref)?;
        Self::at_section(source, declared, limits)
    }

    /// The document as of an earlier revision: the one whose newest cross-reference section
    /// is at `offset` (one of [`Document::sections`]), later updates ignored.
    ///
    /// # Errors
    /// As [`Document::open_with_limits`].
    pub fn revision(&self, offset: usize) -> Result<Document<'a>> {
        Self::at_section(self.source.clone(), offset, self.limits.clone())
    }

    fn at_section(source: Source<'a>, declared: usize, limits: Limits) -> Result<Self> {
        let sections = xref::read_chain(&source, declared, &limits)?;
        let startxref = sections.first().map_or(declared, |s| s.offset);
        let entries = xref::merge(&sections);
        if entries.len() > limits.max_objects {
            return Err(Error::Limit {
                what: "objects",
                limit: limits.max_objects,
            });
        }
        Ok(Self {
            source,
            limits,
            startxref,
            sections,
            entries,
            object_streams: RefCell::new(BTreeMap::new()),
            decoded: Cell::new(0),
        })
    }

    /// The file, when it was opened from memory ([`Document::open`]); `None` for a reader.
    pub fn bytes(&self) -> Option<&'a [u8]> {
        self.source.as_slice()
    }

    /// The file's length in bytes.
    pub fn len(&self) -> usize {
        self.source.len()
    }

    /// Whether the file is empty (it never is for an opened document).
    pub fn is_empty(&self) -> bool {
        self.source.len() == 0
    }

    /// Where the bytes come from.
    pub(crate) fn source(&self) -> &Source<'a> {
        &self.source
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Where the newest section is: what the last `startxref` gives, corrected when it is
    /// off by a byte or two (an update's `/Prev` points here).
    pub fn startxref(&self) -> usize {
        self.startxref
    }

    /// Every cross-reference section, newest first.
    pub fn sections(&self) -> &[XrefSection] {
        &self.sections
    }

    /// The newest trailer (ISO 32000-2 §7.5.5; for a cross-reference stream, its
    /// dictionary).
    pub fn trailer(&self) -> &Dict {
        // `read_chain` returns at least the section at startxref.
        static EMPTY: Dict = Dict(Vec::new());
        self.sections.first().map_or(&EMPTY, |s| &s.trailer)
    }

    /// The cross-reference entry of object `num`, if any section lists it.
    pub fn entry(&self, num: u32) -> Option<XrefEntry> {
        self.entries.get(&num).copied()
    }

    /// The lowest object number no section uses: `max(/Size, highest listed + 1)`.
    pub fn next_object_number(&self) -> u32 {
        let size = self
            .trailer()
            .get_int("Size")
            .and_then(|s| u32::try_from(s).ok())
            .unwrap_or(0);
        let listed = self
            .entries
            .keys()
            .next_back()
            .map_or(0, |n| n.saturating_add(1));
        size.max(listed).max(1)
    }

    /// Whether the document is encrypted (the trailer has `/Encrypt`, §7.6.1).
    pub fn is_encrypted(&self) -> bool {
        self.trailer().get("Encrypt").is_some()
    }

    /// The indirect object `r`: `null` for a free or unknown object (§7.3.10).
    ///
    /// # Errors
    /// [`Error::Object`] when the cross-reference entry does not lead to object `r`, or
    /// the object (or its object stream) cannot be parsed.
    pub fn get(&self, r: ObjRef) -> Result<Object> {
        match self.entries.get(&r.num) {
            None | Some(XrefEntry::Free) => Ok(Object::Null),
            Some(XrefEntry::InFile { offset, gen }) => {
                if *gen != r.gen {
                    return Ok(Object::Null);
                }
                self.parse_at(*offset, r, true)
            }
            Some(XrefEntry::InObjectStream { stream, index }) => {
                if r.gen != 0 {
                    return Ok(Object::Null);
                }
                self.in_object_stream(*stream, *index, r)
            }
        }
    }

    /// The object at `offset`, checked to be `r`; stream lengths given by reference are
    /// resolved one level deep (`resolve_length`).
    fn parse_at(&self, offset: usize, r: ObjRef, resolve_length: bool) -> Result<Object> {
        let lookup = |len: ObjRef| -> Option<i64> {
            match self.entries.get(&len.num) {
                Some(XrefEntry::InFile { offset, .. }) if resolve_length => {
                    self.parse_at(*offset, len, false).ok()?.as_int()
                }
                Some(XrefEntry::InObjectStream { stream, index }) if resolve_length => {
                    self.in_object_stream(*stream, *index, len).ok()?.as_int()
                }
                _ => None,
            }
        };
        let parsed = self
            .source
            .parse_at(offset, &self.limits, |p| p.indirect(&lookup));
        let (id, object) = parsed.map_err(|_| Error::Object {
            num: r.num,
            gen: r.gen,
            reason: "not parseable at its cross-reference offset",
        })?;
        if id != r {
            return Err(Error::Object {
                num: r.num,
                gen: r.gen,
                reason: "another object is at its cross-reference offset",
            });
        }
        Ok(object)
    }

    fn in_object_stream(&self, stream: u32, index: u32, r: ObjRef) -> Result<Object> {
        let objstm = self.object_stream(stream)?;
        let bad = |reason| Error::Object {
            num: r.num,
            gen: r.gen,
            reason,
        };
        let i = usize::try_from(index).map_err(|_| Error::Overflow)?;
        let &(num, off) = objstm
            .offsets
            .get(i)
            .ok_or(bad("index past the object stream's /N"))?;
        if num != r.num {
            return Err(bad("object stream lists another object at its index"));
        }
        let mut p = Parser::detached(&objstm.data, &self.limits);
        p.set_pos(off);
        let object = p.object(0)?;
        Ok(object)
    }

    fn object_stream(&self, num: u32) -> Result<Rc<ObjectStream>> {
        if let Some(s) = self.object_streams.borrow().get(&num) {
            return Ok(Rc::clone(s));
        }
        let bad = |reason| Error::Object {
            num,
            gen: 0,
            reason,
        };
        // An object stream is itself never inside an object stream (§7.5.7).
        let Some(XrefEntry::InFile { offset, gen: 0 }) = self.entries.get(&num).copied() else {
            return Err(bad("object stream is not an object in the file"));
        };
        let Object::Stream(stream) = self.parse_at(offset, ObjRef::new(num, 0), true)? else {
            return Err(bad("object stream is not a stream"));
        };
        if !stream.dict.is_type("ObjStm") {
            return Err(bad("object stream is not /Type /ObjStm"));
        }
        let raw = self.source.read(stream.data.clone())?;
        let data = filter::decode(&stream.dict, &raw, self.limits.max_decoded_len)?;
        let budget = self.limits.max_decoded_len.saturating_mul(4);
        let total = self.decoded.get().saturating_add(data.len());
        if total > budget {
            return Err(Error::Limit {
                what: "decoded object streams in total",
                limit: budget,
            });
        }
        self.decoded.set(total);
        let n = stream
            .dict
            .get_int("N")
            .and_then(|n| usize::try_from(n).ok())
            .ok_or(bad("/N missing"))?;
        if n > self.limits.max_objstm_objects {
            return Err(Error::Limit {
                what: "objects in an object stream",
                limit: self.limits.max_objstm_objects,
            });
        }
        let first = stream
            .dict
            .get_int("First")
            .and_then(|n| usize::try_from(n).ok())
            .ok_or(bad("/First missing"))?;
        let mut p = Parser::detached(&data, &self.limits);
        let mut offsets = Vec::with_capacity(n.min(4096));
        for _ in 0..n {
            let (Some(obj), Some(off)) = (p.unsigned(), p.unsigned()) else {
                return Err(bad("object stream header truncated"));
            };
            let obj = u32::try_from(obj).map_err(|_| bad("object number too large"))?;
            let off = usize::try_from(off)
                .ok()
                .and_then(|o| o.checked_add(first))
                .filter(|&o| o <= data.len())
                .ok_or(bad("object offset outside the object stream"))?;
            offsets.push((obj, off));
        }
        let decoded = Rc::new(ObjectStream { data, offsets });
        self.object_streams
            .borrow_mut()
            .insert(num, Rc::clone(&decoded));
        Ok(decoded)
    }

    /// `object`, with indirect references followed (at most [`Limits::max_ref_chain`]).
    ///
    /// # Errors
    /// As [`Document::get`], or [`Error::Limit`] for a longer chain of references.
    pub fn resolve(&self, object: &Object) -> Result<Object> {
        let mut current = object.clone();
        for _ in 0..self.limits.max_ref_chain {
            match current {
                Object::Ref(r) => current = self.get(r)?,
                other => return Ok(other),
            }
        }
        Err(Error::Limit {
            what: "chain of indirect references",
            limit: self.limits.max_ref_chain,
        })
    }

    /// `object` resolved to a dictionary (a stream's dictionary too), or `None`.
    ///
    /// # Errors
    /// As [`Document::resolve`].
    pub fn resolve_dict(&self, object: Option<&Object>) -> Result<Option<Dict>> {
        let Some(object) = object else {
            return Ok(None);
        };
        Ok(match self.resolve(object)? {
            Object::Dict(d) => Some(d),
            Object::Stream(s) => Some(s.dict),
            _ => None,
        })
    }

    /// The document catalog (`/Root`, ISO 32000-2 §7.7.2) and its reference.
    ///
    /// # Errors
    /// [`Error::Entry`] when `/Root` is not a reference to a dictionary.
    pub fn catalog(&self) -> Result<(ObjRef, Dict)> {
        let missing = Error::Entry {
            dict: "trailer",
            key: "Root",
        };
        let r = self.trailer().get_ref("Root").ok_or(missing)?;
        match self.get(r)? {
            Object::Dict(d) => Ok((r, d)),
            _ => Err(Error::Entry {
                dict: "trailer",
                key: "Root",
            }),
        }
    }

    /// The first page (ISO 32000-2 §7.7.3): its reference and dictionary, found depth-first
    /// through the page tree with loop protection.
    ///
    /// # Errors
    /// [`Error::Entry`] when the catalog has no page tree or the tree has no page.
    pub fn first_page(&self) -> Result<(ObjRef, Dict)> {
        let (_, catalog) = self.catalog()?;
        let no_page = || Error::Entry {
            dict: "page tree",
            key: "Kids",
        };
        let mut node = catalog.get_ref("Pages").ok_or(Error::Entry {
            dict: "catalog",
            key: "Pages",
        })?;
        let mut seen = std::collections::BTreeSet::new();
        loop {
            if !seen.insert(node) || seen.len() > self.limits.max_depth {
                return Err(no_page());
            }
            let dict = self
                .resolve_dict(Some(&Object::Ref(node)))?
                .ok_or_else(no_page)?;
            if dict.is_type("Page") || (dict.get("Kids").is_none() && !dict.is_type("Pages")) {
                return Ok((node, dict));
            }
            let kids = self.resolve(dict.get("Kids").ok_or_else(no_page)?)?;
            node = kids
                .as_array()
                .and_then(|k| k.first())
                .and_then(|k| match k {
                    Object::Ref(r) => Some(*r),
                    _ => None,
                })
                .ok_or_else(no_page)?;
        }
    }
}
