//! Where a document's bytes come from: a slice in memory, or any `Read + Seek` (a file) read
//! in windows when asked, so that signing or verifying a 100 MB PDF never holds it whole.
//!
//! Everything that touches the file goes through [`Source`]: the object parser reads a window
//! at an object's offset (grown while the object does not fit, see [`Source::parse_at`]),
//! digests and copies read the signed ranges in chunks, and the few searches (`%%EOF`,
//! `startxref`, `endstream`) scan chunk by chunk with an overlap of the needle's length.

use super::parse::{Outside, Parser};
use super::Limits;
use crate::{Error, Result};
use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::rc::Rc;

/// Bytes read at a time by the chunked passes (digests, copies, comparisons, searches).
const CHUNK: usize = 1 << 20;

/// A reader the document can seek in.
pub(crate) trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// The bytes of a PDF: borrowed from memory, or read on demand from a seekable reader
/// (shared by every revision opened from it). The reader owns what it reads from
/// (`'static`: a `File`, a `Cursor<Vec<u8>>`), so that a document stays covariant in `'a`.
#[derive(Clone)]
pub(crate) enum Source<'a> {
    /// The whole file in memory.
    Memory(&'a [u8]),
    /// A seekable reader of `len` bytes.
    Reader {
        inner: Rc<RefCell<Box<dyn ReadSeek>>>,
        len: usize,
    },
}

impl<'a> Source<'a> {
    /// A reader as a source: its length is where it ends.
    pub fn from_reader(mut reader: impl Read + Seek + 'static) -> Result<Self> {
        let len = reader.seek(SeekFrom::End(0)).map_err(Error::Read)?;
        let len = usize::try_from(len).map_err(|_| Error::Overflow)?;
        Ok(Self::Reader {
            inner: Rc::new(RefCell::new(Box::new(reader))),
            len,
        })
    }

    /// The file's length.
    pub fn len(&self) -> usize {
        match self {
            Self::Memory(b) => b.len(),
            Self::Reader { len, .. } => *len,
        }
    }

    /// The whole file, when it is in memory.
    pub fn as_slice(&self) -> Option<&'a [u8]> {
        match self {
            Self::Memory(b) => Some(b),
            Self::Reader { .. } => None,
        }
    }

    /// The bytes of `range`: borrowed from memory, or read.
    ///
    /// # Errors
    /// [`Error::OutOfBounds`] for a range outside the file, [`Error::Read`] when reading
    /// fails.
    pub fn read(&self, range: Range<usize>) -> Result<Cow<'a, [u8]>> {
        if range.start > range.end || range.end > self.len() {
            return Err(Error::OutOfBounds(range));
        }
        match self {
            Self::Memory(b) => b
                .get(range.clone())
                .map(Cow::Borrowed)
                .ok_or(Error::OutOfBounds(range)),
            Self::Reader { inner, .. } => {
                let mut buf = vec![0; range.end - range.start];
                let mut reader = inner.borrow_mut();
                let start = u64::try_from(range.start).map_err(|_| Error::Overflow)?;
                reader.seek(SeekFrom::Start(start)).map_err(Error::Read)?;
                reader.read_exact(&mut buf).map_err(Error::Read)?;
                Ok(Cow::Owned(buf))
            }
        }
    }

    /// The byte at `offset`, if inside the file and readable.
    pub fn byte(&self, offset: usize) -> Option<u8> {
        let end = offset.checked_add(1)?;
        self.read(offset..end).ok()?.first().copied()
    }

    /// Hand `range` to `f` in order, in chunks (one slice for a source in memory).
    ///
    /// # Errors
    /// As [`Source::read`].
    pub fn for_each_chunk(
        &self,
        range: Range<usize>,
        mut f: impl FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        if range.start > range.end || range.end > self.len() {
            return Err(Error::OutOfBounds(range));
        }
        if let Self::Memory(_) = self {
            return f(&self.read(range)?);
        }
        let mut at = range.start;
        while at < range.end {
            let end = at.saturating_add(CHUNK).min(range.end);
            f(&self.read(at..end)?)?;
            at = end;
        }
        Ok(())
    }

    /// A reader over `ranges`, one after the other (a signature's ByteRange).
    pub fn reader(&self, ranges: [Range<usize>; 2]) -> RangeReader<'_, 'a> {
        RangeReader {
            source: self,
            ranges,
            chunk: Cow::Borrowed(&[]),
            chunk_pos: 0,
        }
    }

    /// Whether `self[a]` and `other[b]` hold the same bytes, compared chunk by chunk.
    pub fn same_bytes(&self, a: Range<usize>, other: &Source<'_>, b: Range<usize>) -> bool {
        if a.end.checked_sub(a.start) != b.end.checked_sub(b.start) {
            return false;
        }
        let mut offset = 0;
        let len = a.end.saturating_sub(a.start);
        while offset < len {
            let n = CHUNK.min(len - offset);
            let left = self.read(a.start + offset..a.start + offset + n);
            let right = other.read(b.start + offset..b.start + offset + n);
            match (left, right) {
                (Ok(l), Ok(r)) if l == r => offset += n,
                _ => return false,
            }
        }
        a.end <= self.len() && b.end <= other.len()
    }

    /// The first position of `needle` in `range`, scanning forward chunk by chunk.
    pub fn find(&self, range: Range<usize>, needle: &[u8]) -> Option<usize> {
        let end = range.end.min(self.len());
        if let Self::Memory(b) = self {
            let hay = b.get(range.start..end)?;
            return super::parse::find(hay, needle).map(|i| range.start + i);
        }
        let mut at = range.start;
        while at < end {
            let stop = at.saturating_add(CHUNK).min(end);
            let window = self.read(at..stop).ok()?;
            if let Some(i) = super::parse::find(&window, needle) {
                return Some(at + i);
            }
            if stop == end {
                return None;
            }
            // The needle may straddle the chunk boundary.
            at = stop
                .saturating_sub(needle.len().saturating_sub(1))
                .max(at + 1);
        }
        None
    }

    /// The last position of `needle` in `range`, scanning backward chunk by chunk.
    pub fn rfind(&self, range: Range<usize>, needle: &[u8]) -> Option<usize> {
        let end = range.end.min(self.len());
        if let Self::Memory(b) = self {
            let hay = b.get(range.start..end)?;
            return super::parse::rfind(hay, needle).map(|i| range.start + i);
        }
        let mut stop = end;
        while stop > range.start {
            let start = stop.saturating_sub(CHUNK).max(range.start);
            let window = self.read(start..stop).ok()?;
            if let Some(i) = super::parse::rfind(&window, needle) {
                return Some(start + i);
            }
            if start == range.start {
                return None;
            }
            stop = (start + needle.len().saturating_sub(1)).min(stop - 1);
        }
        None
    }

    /// Run `parse` on a parser at `offset`.
    ///
    /// In memory the parser sees the whole file. From a reader it sees a window from
    /// `offset`, first [`Limits::read_window`] bytes long; a parse that looks at the
    /// window's end before the end of the file is run again on a window four times as
    /// large, up to [`Limits::max_object_len`]. Stream data is never read into the window:
    /// the parser checks `endstream` after it (or searches for it) through the source.
    ///
    /// # Errors
    /// What `parse` returns, [`Error::Limit`] for an object larger than
    /// [`Limits::max_object_len`], or [`Error::Read`].
    pub fn parse_at<T>(
        &self,
        offset: usize,
        limits: &Limits,
        parse: impl Fn(&mut Parser<'_>) -> Result<T>,
    ) -> Result<T> {
        if let Self::Memory(b) = self {
            return parse(&mut Parser::new(b, offset, limits));
        }
        let len = self.len();
        if offset >= len {
            return Err(Error::OutOfBounds(offset..len));
        }
        let mut size = limits.read_window.max(16);
        loop {
            let end = offset.saturating_add(size).min(len);
            let window = self.read(offset..end)?;
            let complete = end == len;
            let mut p = Parser::window(&window, offset, complete, limits, self);
            let result = parse(&mut p);
            if complete || !p.ran_out() {
                return result;
            }
            if size >= limits.max_object_len {
                return Err(Error::Limit {
                    what: "object size read from a file",
                    limit: limits.max_object_len,
                });
            }
            size = size.saturating_mul(4).min(limits.max_object_len);
        }
    }
}

impl Outside for Source<'_> {
    fn keyword_at(&self, offset: usize, keyword: &[u8], limits: &Limits) -> bool {
        self.parse_at(offset, limits, |p| Ok(p.eat_keyword(keyword)))
            .unwrap_or(false)
    }

    fn find_from(&self, offset: usize, needle: &[u8]) -> Option<usize> {
        self.find(offset..self.len(), needle)
    }

    fn byte_at(&self, offset: usize) -> Option<u8> {
        self.byte(offset)
    }
}

/// The bytes of two ranges of a [`Source`] as one [`Read`], chunk by chunk.
pub(crate) struct RangeReader<'s, 'a> {
    source: &'s Source<'a>,
    /// What is left to read, in order.
    ranges: [Range<usize>; 2],
    /// The chunk read from a reader source, and how much of it was handed out.
    chunk: Cow<'a, [u8]>,
    chunk_pos: usize,
}

impl Read for RangeReader<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let pending = self.chunk.get(self.chunk_pos..).unwrap_or_default();
            if !pending.is_empty() {
                let n = buf.len().min(pending.len());
                let (to, from) = (buf.get_mut(..n), pending.get(..n));
                if let (Some(to), Some(from)) = (to, from) {
                    to.copy_from_slice(from);
                }
                self.chunk_pos += n;
                return Ok(n);
            }
            let Some(range) = self.ranges.iter_mut().find(|r| r.start < r.end) else {
                return Ok(0);
            };
            // From memory the whole range is one borrowed chunk; from a reader, CHUNK bytes.
            let end = match self.source {
                Source::Memory(_) => range.end,
                Source::Reader { .. } => range.start.saturating_add(CHUNK).min(range.end),
            };
            self.chunk = self
                .source
                .read(range.start..end)
                .map_err(std::io::Error::other)?;
            self.chunk_pos = 0;
            range.start = end;
        }
    }
}
