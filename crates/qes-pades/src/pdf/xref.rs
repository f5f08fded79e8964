//! Cross-reference sections (ISO 32000-2 §7.5.4 tables, §7.5.5 trailer, §7.5.8
//! cross-reference streams, §7.5.8.4 hybrid files, §7.5.6 incremental updates): finding
//! `startxref`, reading each section and following `/Prev` with loop protection.

use super::filter;
use super::object::{Dict, Object};
use super::parse::Parser;
use super::source::Source;
use super::Limits;
use crate::{Error, Result};
use std::collections::{BTreeMap, BTreeSet};

/// Where an object is (ISO 32000-2 §7.5.4 and §7.5.8.3 Table 18).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XrefEntry {
    /// A free (deleted or never used) object number.
    Free,
    /// An object at a byte offset in the file.
    InFile {
        /// Offset of `num gen obj`.
        offset: usize,
        /// Generation number.
        gen: u16,
    },
    /// An object inside an object stream (type 2 entry, §7.5.7).
    InObjectStream {
        /// Object number of the object stream.
        stream: u32,
        /// Index of the object in that stream.
        index: u32,
    },
}

/// How a section is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XrefKind {
    /// A classic `xref` table with a `trailer` dictionary (§7.5.4, §7.5.5).
    Table,
    /// A cross-reference stream (§7.5.8).
    Stream,
    /// A classic table whose trailer names a cross-reference stream by `/XRefStm`
    /// (§7.5.8.4).
    Hybrid,
}

/// One cross-reference section: one revision of the document (§7.5.6).
#[derive(Clone, Debug, PartialEq)]
pub struct XrefSection {
    /// Where the section starts: what `startxref` or `/Prev` points at, or where it was
    /// found when that is off by a byte or two.
    pub offset: usize,
    /// How it is written.
    pub kind: XrefKind,
    /// The trailer dictionary (for a stream: the stream's dictionary).
    pub trailer: Dict,
    /// The entries, in the order of precedence within the section.
    pub entries: Vec<(u32, XrefEntry)>,
}

/// How far from the end of the file `startxref` is looked for.
const STARTXREF_WINDOW: usize = 4096;

/// The offset `startxref` gives, looked for in the last bytes of the file (§7.5.5).
///
/// # Errors
/// [`Error::NoStartXref`] when there is no `startxref` followed by an offset.
pub fn find_startxref(bytes: &[u8]) -> Result<usize> {
    startxref_before(&Source::Memory(bytes), bytes.len()).ok_or(Error::NoStartXref)
}

/// The offset the last `startxref` before `end` gives (the revision ending at `end`).
pub(crate) fn startxref_before(source: &Source<'_>, end: usize) -> Option<usize> {
    let from = end.saturating_sub(STARTXREF_WINDOW);
    let at = source.rfind(from..end, b"startxref")?;
    let limits = Limits::default();
    source
        .parse_at(at + b"startxref".len(), &limits, |p| Ok(p.unsigned()))
        .ok()
        .flatten()
        .and_then(|v| usize::try_from(v).ok())
}

/// Every section from the one at `start` back through `/Prev` (and `/XRefStm`), newest
/// first.
///
/// # Errors
/// A malformed section, a `/Prev` loop, or more sections than [`Limits::max_xref_sections`].
pub(crate) fn read_chain(
    source: &Source<'_>,
    start: usize,
    limits: &Limits,
) -> Result<Vec<XrefSection>> {
    let mut sections = Vec::new();
    let mut seen = BTreeSet::new();
    let mut next = Some(start);
    while let Some(offset) = next {
        if !seen.insert(offset) {
            return Err(Error::Xref {
                offset,
                reason: "/Prev loop",
            });
        }
        if sections.len() >= limits.max_xref_sections {
            return Err(Error::Limit {
                what: "cross-reference sections",
                limit: limits.max_xref_sections,
            });
        }
        let section = read_section(source, offset, limits, &mut seen)?;
        next = match section.trailer.get("Prev") {
            Some(Object::Integer(p)) => Some(usize::try_from(*p).map_err(|_| Error::Xref {
                offset,
                reason: "negative /Prev",
            })?),
            Some(Object::Real(_) | Object::String(_)) => {
                return Err(Error::Xref {
                    offset,
                    reason: "/Prev is not an integer",
                })
            }
            _ => None,
        };
        sections.push(section);
    }
    Ok(sections)
}

/// The section at `offset`; a few bytes of slack are tolerated (writers that are off by
/// one or by an EOL).
fn read_section(
    source: &Source<'_>,
    offset: usize,
    limits: &Limits,
    seen: &mut BTreeSet<usize>,
) -> Result<XrefSection> {
    match read_section_exact(source, offset, limits, seen) {
        Ok(s) => Ok(s),
        Err(first) => {
            for delta in [1usize, 2] {
                let candidates = [offset.checked_sub(delta), offset.checked_add(delta)];
                for c in candidates.into_iter().flatten() {
                    if let Ok(s) = read_section_exact(source, c, limits, seen) {
                        return Ok(s);
                    }
                }
            }
            Err(first)
        }
    }
}

fn read_section_exact(
    source: &Source<'_>,
    offset: usize,
    limits: &Limits,
    seen: &mut BTreeSet<usize>,
) -> Result<XrefSection> {
    if offset >= source.len() {
        return Err(Error::Xref {
            offset,
            reason: "offset beyond the end of the file",
        });
    }
    // White space before the keyword or object is tolerated; the section is where the
    // keyword or object starts.
    let (offset, table) = source.parse_at(offset, limits, |p| {
        p.skip_ws();
        let offset = p.pos();
        if !p.eat_keyword(b"xref") {
            return Ok((offset, None));
        }
        Ok((offset, Some(read_table(p, offset, limits)?)))
    })?;
    if let Some((entries, trailer)) = table {
        let Some(stm) = trailer.get_int("XRefStm") else {
            return Ok(XrefSection {
                offset,
                kind: XrefKind::Table,
                trailer,
                entries,
            });
        };
        let stm = usize::try_from(stm).map_err(|_| Error::Xref {
            offset,
            reason: "negative /XRefStm",
        })?;
        if !seen.insert(stm) {
            return Err(Error::Xref {
                offset,
                reason: "/XRefStm loop",
            });
        }
        let stream = read_stream(source, stm, limits)?;
        // §7.5.8.4: the table's objects first, then those only the stream knows, then the
        // table's free entries (which hide objects from pre-1.5 readers only).
        let (used, free): (Vec<_>, Vec<_>) = entries
            .into_iter()
            .partition(|(_, e)| !matches!(e, XrefEntry::Free));
        let mut merged = used;
        merged.extend(stream.entries);
        merged.extend(free);
        return Ok(XrefSection {
            offset,
            kind: XrefKind::Hybrid,
            trailer,
            entries: merged,
        });
    }
    read_stream(source, offset, limits)
}

/// After the `xref` keyword: subsections and the trailer.
fn read_table(
    p: &mut Parser<'_>,
    offset: usize,
    limits: &Limits,
) -> Result<(Vec<(u32, XrefEntry)>, Dict)> {
    let bad = |reason| Error::Xref { offset, reason };
    let mut entries = Vec::new();
    loop {
        if p.eat_keyword(b"trailer") {
            let trailer = match p.object(0)? {
                Object::Dict(d) => d,
                _ => return Err(bad("trailer is not a dictionary")),
            };
            return Ok((entries, trailer));
        }
        let header = p.pos();
        let start = p
            .unsigned()
            .ok_or_else(|| bad("subsection header expected"))?;
        let count = p
            .unsigned()
            .ok_or_else(|| bad("subsection count expected"))?;
        if p.eat_keyword(b"n") || p.eat_keyword(b"f") {
            // Entries without a subsection header ("orphaned"): pyHanko's lenient reader
            // numbers them on from the previous subsection (from 0 at first).
            p.set_pos(header);
            let mut num = match entries.last() {
                Some((n, _)) => u32::checked_add(*n, 1).ok_or(Error::Overflow)?,
                None => 0,
            };
            while let Some(entry) = table_entry(p) {
                if entries.len() >= limits.max_objects {
                    return Err(Error::Limit {
                        what: "objects",
                        limit: limits.max_objects,
                    });
                }
                entries.push((num, entry));
                num = num.checked_add(1).ok_or(Error::Overflow)?;
            }
            continue;
        }
        let end = start.checked_add(count).ok_or(Error::Overflow)?;
        if usize::try_from(end).map_or(true, |e| e > limits.max_objects)
            || entries
                .len()
                .saturating_add(usize::try_from(count).unwrap_or(usize::MAX))
                > limits.max_objects
        {
            return Err(Error::Limit {
                what: "objects",
                limit: limits.max_objects,
            });
        }
        for num in start..end {
            let entry = table_entry(p).ok_or_else(|| bad("entry `offset gen n|f` expected"))?;
            let num = u32::try_from(num).map_err(|_| Error::Overflow)?;
            entries.push((num, entry));
        }
    }
}

/// One `offset gen n|f` entry, or `None` (cursor restored) when something else follows.
fn table_entry(p: &mut Parser<'_>) -> Option<XrefEntry> {
    let save = p.pos();
    let mut read = || {
        let off = p.unsigned()?;
        let gen = p.unsigned()?;
        let used = if p.eat_keyword(b"n") {
            true
        } else if p.eat_keyword(b"f") {
            false
        } else {
            return None;
        };
        Some(match (used, usize::try_from(off), u16::try_from(gen)) {
            (true, Ok(offset), Ok(gen)) if offset > 0 => XrefEntry::InFile { offset, gen },
            _ => XrefEntry::Free,
        })
    };
    let entry = read();
    if entry.is_none() {
        p.set_pos(save);
    }
    entry
}

/// A cross-reference stream at `offset` (§7.5.8).
fn read_stream(source: &Source<'_>, offset: usize, limits: &Limits) -> Result<XrefSection> {
    let bad = |reason| Error::Xref { offset, reason };
    let (_, object) = source.parse_at(offset, limits, |p| p.indirect(&|_| None))?;
    let Object::Stream(stream) = object else {
        return Err(bad("neither a table nor a stream"));
    };
    if !stream.dict.is_type("XRef") {
        return Err(bad("stream is not /Type /XRef"));
    }
    let raw = source.read(stream.data.clone())?;
    let data = filter::decode(&stream.dict, &raw, limits.max_decoded_len)?;
    let widths: Vec<usize> = stream
        .dict
        .get("W")
        .and_then(Object::as_array)
        .ok_or_else(|| bad("/W missing"))?
        .iter()
        .map(|w| {
            w.as_int()
                .and_then(|w| usize::try_from(w).ok())
                .filter(|&w| w <= 8)
        })
        .collect::<Option<_>>()
        .ok_or_else(|| bad("/W entries must be integers 0..8"))?;
    let &[w0, w1, w2] = widths.as_slice() else {
        return Err(bad("/W must have three entries"));
    };
    let row = w0 + w1 + w2;
    if row == 0 {
        return Err(bad("/W is all zero"));
    }
    let size = stream
        .dict
        .get_int("Size")
        .ok_or_else(|| bad("/Size missing"))?;
    let index: Vec<i64> = match stream.dict.get("Index").and_then(Object::as_array) {
        Some(a) => a
            .iter()
            .map(Object::as_int)
            .collect::<Option<_>>()
            .ok_or_else(|| bad("/Index entries must be integers"))?,
        None => vec![0, size],
    };
    if index.len() % 2 != 0 {
        return Err(bad("/Index must have pairs"));
    }
    let mut entries = Vec::new();
    let mut rows = data.chunks_exact(row);
    for pair in index.chunks_exact(2) {
        let (Ok(start), Ok(count)) = (
            u32::try_from(pair.first().copied().unwrap_or(-1)),
            u32::try_from(pair.get(1).copied().unwrap_or(-1)),
        ) else {
            return Err(bad("/Index entries must be non-negative"));
        };
        let end = start.checked_add(count).ok_or(Error::Overflow)?;
        if usize::try_from(end).map_or(true, |e| e > limits.max_objects) {
            return Err(Error::Limit {
                what: "objects",
                limit: limits.max_objects,
            });
        }
        for num in start..end {
            let Some(r) = rows.next() else {
                return Err(bad("stream data shorter than /Index says"));
            };
            let (f0, rest) = r.split_at(w0);
            let (f1, f2) = rest.split_at(w1);
            // A zero-width type field means type 1 (§7.5.8.2 Table 17).
            let kind = if w0 == 0 { 1 } else { be(f0) };
            let (a, b) = (be(f1), be(f2));
            let entry = match kind {
                0 => XrefEntry::Free,
                1 => match (usize::try_from(a), u16::try_from(b)) {
                    (Ok(offset), Ok(gen)) if offset > 0 => XrefEntry::InFile { offset, gen },
                    _ => XrefEntry::Free,
                },
                2 => match (u32::try_from(a), u32::try_from(b)) {
                    (Ok(stream), Ok(index)) => XrefEntry::InObjectStream { stream, index },
                    _ => XrefEntry::Free,
                },
                // Other types are references to the null object (§7.5.8.3).
                _ => XrefEntry::Free,
            };
            entries.push((num, entry));
        }
    }
    Ok(XrefSection {
        offset,
        kind: XrefKind::Stream,
        trailer: stream.dict,
        entries,
    })
}

/// A big-endian unsigned field of at most 8 bytes.
fn be(field: &[u8]) -> u64 {
    field.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b))
}

/// The newest entry for each object number over `sections` (newest first, §7.5.6).
pub(crate) fn merge(sections: &[XrefSection]) -> BTreeMap<u32, XrefEntry> {
    let mut map = BTreeMap::new();
    for section in sections {
        for (num, entry) in &section.entries {
            map.entry(*num).or_insert(*entry);
        }
    }
    map
}
