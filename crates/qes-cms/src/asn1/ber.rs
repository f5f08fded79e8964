//! BER input to DER length form (ITU-T X.690 §8 and §10), without reordering anything.
//!
//! CMS allows BER (RFC 5652 §1.1.1, §5.4): streaming signers write indefinite lengths and
//! constructed `OCTET STRING`s for the encapsulated content, and the `der` crate reads DER only.
//! [`normalize_to_der`] rewrites exactly what X.690 §10.1 and §10.2 change between BER and
//! DER — definite, minimal lengths and primitive string encodings — and nothing else: `SET`
//! elements keep their order and every primitive value keeps its bytes, so a signature over
//! signed attributes (DER already, RFC 5652 §5.4) is still checked over the bytes as received.
//!
//! ```text
//! -- X.690 §8.1: an element is identifier octets, length octets, contents octets
//! --   [end-of-contents octets 00 00 after an indefinite length (§8.1.5)]
//! -- identifier: class(2 bits) constructed(1 bit) number(5 bits, 11111 = high-tag form §8.1.2.4)
//! -- length:     0xxxxxxx short form | 1nnnnnnn + n octets long form (§8.1.3.5)
//! --             | 10000000 indefinite (§8.1.3.6, constructed only) | 11111111 reserved
//! -- constructed strings (§8.6.4, §8.7.3, §8.23.6): BIT STRING segments are BIT STRINGs,
//! --   OCTET STRING and restricted character string segments are OCTET STRINGs
//! ```
//!
//! The walk is iterative (an explicit stack bounded by [`BerLimits`]), and two passes over
//! the input: the first validates and measures the DER lengths, the second writes them.

use std::borrow::Cow;
use std::ops::Range;

use super::DecodeError;

/// Bounds on the work [`normalize_to_der`] does for one input.
///
/// The defaults fit any CMS signature this crate verifies (its own size cap is smaller):
/// 64 MiB of input, 64 levels of nesting, 4 194 304 elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BerLimits {
    max_input_len: usize,
    max_depth: usize,
    max_elements: usize,
}

impl BerLimits {
    /// The default limits.
    pub const DEFAULT: Self = Self {
        max_input_len: 64 * 1024 * 1024,
        max_depth: 64,
        max_elements: 4 * 1024 * 1024,
    };

    /// Largest input accepted, in bytes.
    #[must_use]
    pub const fn with_max_input_len(mut self, bytes: usize) -> Self {
        self.max_input_len = bytes;
        self
    }

    /// Deepest nesting of constructed elements accepted (the outermost element is depth 1).
    #[must_use]
    pub const fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// Most elements (primitive and constructed, end-of-contents markers not counted).
    #[must_use]
    pub const fn with_max_elements(mut self, elements: usize) -> Self {
        self.max_elements = elements;
        self
    }

    /// Largest input accepted, in bytes.
    pub const fn max_input_len(&self) -> usize {
        self.max_input_len
    }

    /// Deepest nesting of constructed elements accepted.
    pub const fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// Most elements accepted.
    pub const fn max_elements(&self) -> usize {
        self.max_elements
    }
}

impl Default for BerLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Why an input is not acceptable BER ([`DecodeError::Ber`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BerErrorKind {
    /// An element runs past the end of the input or of its enclosing element, or the input
    /// is empty.
    #[error("truncated element")]
    Truncated,
    /// Bytes follow the one top-level element.
    #[error("trailing data after the element")]
    TrailingData,
    /// The reserved length octet `0xFF` (X.690 §8.1.3.5 c).
    #[error("reserved length octet 0xFF")]
    ReservedLength,
    /// A long-form length does not fit in `usize`.
    #[error("length does not fit in memory addresses")]
    LengthOverflow,
    /// An indefinite length on a primitive element (X.690 §8.1.3.2 a).
    #[error("indefinite length on a primitive element")]
    IndefinitePrimitive,
    /// An end-of-contents marker where no indefinite-length element is open, or one that is
    /// not `00 00` (X.690 §8.1.5).
    #[error("misplaced or malformed end-of-contents")]
    EndOfContents,
    /// A high-tag-number identifier with a leading `0x80` octet or a number below 31
    /// (X.690 §8.1.2.4).
    #[error("tag number not minimally encoded")]
    TagNotMinimal,
    /// A tag number above `u32::MAX`.
    #[error("tag number too large")]
    TagNumberOverflow,
    /// A segment of a constructed string has another tag than X.690 §8.6.4 / §8.7.3 /
    /// §8.23.6 allow (`BIT STRING` in a `BIT STRING`, `OCTET STRING` in the others).
    #[error("constructed string segment with identifier octet {found:#04x}")]
    StringSegment {
        /// The segment's first identifier octet.
        found: u8,
    },
    /// A `BIT STRING` segment without its unused-bits octet, with more than 7 unused bits,
    /// with unused bits but no data, or with unused bits before the last segment
    /// (X.690 §8.6.2, §8.6.4).
    #[error("invalid unused-bits count in a constructed BIT STRING")]
    BitStringUnusedBits,
    /// Nesting deeper than [`BerLimits::max_depth`].
    #[error("nesting deeper than {limit}")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// More elements than [`BerLimits::max_elements`].
    #[error("more than {limit} elements")]
    TooManyElements {
        /// The limit.
        limit: usize,
    },
}

/// Convert one BER element to DER length form: definite minimal lengths, constructed
/// `UNIVERSAL` strings flattened to primitive ones.
///
/// Only length octets are rewritten and constructed strings concatenated; identifier octets,
/// primitive contents and the order of elements (including inside `SET`s and `SET OF`s)
/// are kept, so the output is DER exactly when the input was DER apart from those
/// (X.690 §10.1, §10.2). Returns [`Cow::Borrowed`] with the input when it already has DER
/// lengths and no constructed strings.
///
/// Strings under an `IMPLICIT` context-specific tag (for example `EnvelopedData`'s
/// `encryptedContent [0] IMPLICIT OCTET STRING`) cannot be told from an explicit tag without
/// the schema and are left constructed.
///
/// # Errors
/// [`DecodeError::TooLarge`] above [`BerLimits::max_input_len`]; [`DecodeError::Ber`] with
/// the offset and a [`BerErrorKind`] for truncated input, trailing data, the reserved length
/// `0xFF`, lengths or tag numbers that overflow, indefinite primitive lengths, misplaced
/// end-of-contents, malformed constructed strings, and nesting or element counts over the
/// limits.
pub fn normalize_to_der<'a>(
    input: &'a [u8],
    limits: &BerLimits,
) -> Result<Cow<'a, [u8]>, DecodeError> {
    if input.len() > limits.max_input_len {
        return Err(DecodeError::TooLarge {
            what: "BER input",
            actual: input.len(),
            limit: limits.max_input_len,
        });
    }
    let measured = measure(input, limits)?;
    if !measured.changed {
        return Ok(Cow::Borrowed(input));
    }
    emit(input, limits, &measured).map(Cow::Owned)
}

// ---- reading ----------------------------------------------------------------------------

fn ber_err(offset: usize, kind: BerErrorKind) -> DecodeError {
    DecodeError::Ber { offset, kind }
}

/// The identifier and length octets of one element.
#[derive(Clone, Copy, Debug)]
struct Header {
    /// The first identifier octet.
    first: u8,
    /// Identifier octets count.
    tag_len: usize,
    /// Identifier and length octets count.
    header_len: usize,
    /// `None` for the indefinite form.
    len: Option<usize>,
    /// The length octets are not DER (§10.1): indefinite, long form under 128, leading zero.
    non_der_length: bool,
}

impl Header {
    fn constructed(&self) -> bool {
        self.first & 0x20 != 0
    }

    /// The `UNIVERSAL` tag number, when the identifier is one octet of class universal.
    fn universal(&self) -> Option<u8> {
        (self.first & 0xC0 == 0 && self.first & 0x1F != 0x1F).then_some(self.first & 0x1F)
    }
}

/// Parse the header at `pos`; `bytes` ends where the enclosing element ends.
fn read_header(bytes: &[u8], pos: usize) -> Result<Header, DecodeError> {
    let truncated = || ber_err(pos, BerErrorKind::Truncated);
    let byte_at = |i: usize| bytes.get(i).copied().ok_or_else(truncated);
    let first = byte_at(pos)?;
    let mut cursor = pos.checked_add(1).ok_or_else(truncated)?;
    if first & 0x1F == 0x1F {
        // High-tag-number form (X.690 §8.1.2.4): base-128, first octet not 0x80, number >= 31.
        let mut number: u32 = 0;
        let mut first_subsequent = true;
        loop {
            let b = byte_at(cursor)?;
            cursor = cursor.checked_add(1).ok_or_else(truncated)?;
            if first_subsequent && b == 0x80 {
                return Err(ber_err(pos, BerErrorKind::TagNotMinimal));
            }
            first_subsequent = false;
            number = number
                .checked_mul(128)
                .and_then(|n| n.checked_add(u32::from(b & 0x7F)))
                .ok_or_else(|| ber_err(pos, BerErrorKind::TagNumberOverflow))?;
            if b & 0x80 == 0 {
                break;
            }
        }
        if number < 31 {
            return Err(ber_err(pos, BerErrorKind::TagNotMinimal));
        }
    }
    let tag_len = cursor.saturating_sub(pos);
    let l0 = byte_at(cursor)?;
    cursor = cursor.checked_add(1).ok_or_else(truncated)?;
    let (len, non_der_length) = match l0 {
        0x00..=0x7F => (Some(usize::from(l0)), false),
        0x80 => (None, true),
        0xFF => return Err(ber_err(pos, BerErrorKind::ReservedLength)),
        _ => {
            let count = usize::from(l0 & 0x7F);
            let mut value: usize = 0;
            let mut leading_zero = false;
            for i in 0..count {
                let b = byte_at(cursor)?;
                cursor = cursor.checked_add(1).ok_or_else(truncated)?;
                if i == 0 && b == 0 {
                    leading_zero = true;
                }
                value = value
                    .checked_mul(256)
                    .and_then(|v| v.checked_add(usize::from(b)))
                    .ok_or_else(|| ber_err(pos, BerErrorKind::LengthOverflow))?;
            }
            (Some(value), leading_zero || value < 0x80)
        }
    };
    Ok(Header {
        first,
        tag_len,
        header_len: cursor.saturating_sub(pos),
        len,
        non_der_length,
    })
}

/// One step of the walk.
#[derive(Clone, Debug)]
enum Event {
    /// A constructed element starts; its children follow, then [`Event::Close`].
    Open { header: Header, offset: usize },
    /// A primitive element.
    Primitive {
        header: Header,
        offset: usize,
        content: Range<usize>,
    },
    /// The innermost open constructed element ends.
    Close,
}

#[derive(Clone, Copy, Debug)]
struct Frame {
    /// Where the element ends; `None` for an indefinite length.
    end: Option<usize>,
    /// Where its contents must end at the latest (the nearest definite end, or the input's).
    limit: usize,
}

/// An iterative, validating walk over one BER element.
struct Walker<'a> {
    input: &'a [u8],
    pos: usize,
    stack: Vec<Frame>,
    limits: BerLimits,
    elements: usize,
    started: bool,
}

impl<'a> Walker<'a> {
    fn new(input: &'a [u8], limits: &BerLimits) -> Self {
        Self {
            input,
            pos: 0,
            stack: Vec::new(),
            limits: *limits,
            elements: 0,
            started: false,
        }
    }

    fn next_event(&mut self) -> Result<Option<Event>, DecodeError> {
        let limit = match self.stack.last().copied() {
            Some(frame) => {
                match frame.end {
                    Some(end) if self.pos == end => {
                        self.stack.pop();
                        return Ok(Some(Event::Close));
                    }
                    Some(_) => {}
                    None => {
                        if self.input.get(self.pos) == Some(&0) {
                            return self.end_of_contents(frame.limit).map(Some);
                        }
                    }
                }
                frame.limit
            }
            None if self.started => {
                return if self.pos == self.input.len() {
                    Ok(None)
                } else {
                    Err(ber_err(self.pos, BerErrorKind::TrailingData))
                };
            }
            None => self.input.len(),
        };
        self.started = true;
        let offset = self.pos;
        let bytes = self.input.get(..limit).unwrap_or_default();
        let header = read_header(bytes, offset)?;
        if header.first & 0xDF == 0 {
            // UNIVERSAL 0 is reserved for end-of-contents (X.690 §8.1.5).
            return Err(ber_err(offset, BerErrorKind::EndOfContents));
        }
        self.elements = self.elements.saturating_add(1);
        if self.elements > self.limits.max_elements {
            return Err(ber_err(
                offset,
                BerErrorKind::TooManyElements {
                    limit: self.limits.max_elements,
                },
            ));
        }
        let start = offset
            .checked_add(header.header_len)
            .filter(|s| *s <= limit)
            .ok_or_else(|| ber_err(offset, BerErrorKind::Truncated))?;
        match (header.len, header.constructed()) {
            (Some(len), constructed) => {
                let end = start
                    .checked_add(len)
                    .filter(|e| *e <= limit)
                    .ok_or_else(|| ber_err(offset, BerErrorKind::Truncated))?;
                if constructed {
                    self.push(offset, Some(end), end)?;
                    self.pos = start;
                    Ok(Some(Event::Open { header, offset }))
                } else {
                    self.pos = end;
                    Ok(Some(Event::Primitive {
                        header,
                        offset,
                        content: start..end,
                    }))
                }
            }
            (None, true) => {
                self.push(offset, None, limit)?;
                self.pos = start;
                Ok(Some(Event::Open { header, offset }))
            }
            (None, false) => Err(ber_err(offset, BerErrorKind::IndefinitePrimitive)),
        }
    }

    /// At a `0x00` octet inside an indefinite-length element: it must be `00 00`.
    fn end_of_contents(&mut self, limit: usize) -> Result<Event, DecodeError> {
        let at = self.pos;
        match self
            .input
            .get(..limit)
            .and_then(|b| b.get(at.checked_add(1)?))
        {
            Some(0) => {
                self.pos = at.saturating_add(2);
                self.stack.pop();
                Ok(Event::Close)
            }
            Some(_) => Err(ber_err(at, BerErrorKind::EndOfContents)),
            None => Err(ber_err(at, BerErrorKind::Truncated)),
        }
    }

    fn push(&mut self, offset: usize, end: Option<usize>, limit: usize) -> Result<(), DecodeError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(ber_err(
                offset,
                BerErrorKind::TooDeep {
                    limit: self.limits.max_depth,
                },
            ));
        }
        self.stack.push(Frame { end, limit });
        Ok(())
    }
}

// ---- what each element becomes ------------------------------------------------------------

/// The `UNIVERSAL` string types X.690 lets a BER encoder segment (§8.6.4, §8.7.3, §8.23.6),
/// with the tag number their segments carry.
fn string_segment_tag(universal: u8) -> Option<u8> {
    match universal {
        3 => Some(3),
        4 | 7 | 12 | 18..=28 | 30 => Some(4),
        _ => None,
    }
}

/// How a constructed element is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// Copied with a DER length.
    Plain,
    /// A constructed string, written as one primitive string.
    String {
        /// Its segments' tag number.
        segment: u8,
    },
    /// A constructed segment inside a constructed string: only its payload is written.
    Segment {
        /// Its segments' tag number.
        segment: u8,
    },
}

impl Role {
    /// The segment tag when this frame is (inside) a constructed string.
    fn segment(self) -> Option<u8> {
        match self {
            Self::Plain => None,
            Self::String { segment } | Self::Segment { segment } => Some(segment),
        }
    }
}

/// The role of a constructed element under `parent`.
fn role_of(header: &Header, offset: usize, parent: Option<Role>) -> Result<Role, DecodeError> {
    match parent.and_then(Role::segment) {
        Some(segment) => {
            check_segment(header, offset, segment)?;
            Ok(Role::Segment { segment })
        }
        None => Ok(match header.universal().and_then(string_segment_tag) {
            Some(segment) => Role::String { segment },
            None => Role::Plain,
        }),
    }
}

fn check_segment(header: &Header, offset: usize, segment: u8) -> Result<(), DecodeError> {
    if header.universal() == Some(segment) {
        Ok(())
    } else {
        Err(ber_err(
            offset,
            BerErrorKind::StringSegment {
                found: header.first,
            },
        ))
    }
}

/// DER length octets count for a contents length (X.690 §10.1).
fn der_len_len(len: usize) -> usize {
    if len < 0x80 {
        return 1;
    }
    let bytes = len.to_be_bytes();
    let leading_zeros = bytes.iter().take_while(|b| **b == 0).count();
    1 + bytes.len().saturating_sub(leading_zeros)
}

/// Identifier + DER length + contents, checked.
fn element_len(tag_len: usize, content: usize, offset: usize) -> Result<usize, DecodeError> {
    tag_len
        .checked_add(der_len_len(content))
        .and_then(|n| n.checked_add(content))
        .ok_or_else(|| ber_err(offset, BerErrorKind::LengthOverflow))
}

// ---- pass 1: validate and measure -----------------------------------------------------------

/// What the first pass learned: each constructed element's DER contents length, in order.
struct Measured {
    changed: bool,
    total: usize,
    /// Per [`Event::Open`], in walk order: DER contents length and (for `BIT STRING`s) the
    /// unused-bits count of the last segment.
    slots: Vec<(usize, u8)>,
}

struct MeasureFrame {
    slot: usize,
    offset: usize,
    tag_len: usize,
    role: Role,
    /// Bytes the children contribute to the output.
    acc: usize,
}

fn measure(input: &[u8], limits: &BerLimits) -> Result<Measured, DecodeError> {
    let mut walker = Walker::new(input, limits);
    let mut out = Measured {
        changed: false,
        total: 0,
        slots: Vec::new(),
    };
    let mut stack: Vec<MeasureFrame> = Vec::new();
    // Unused bits of the last segment seen in the open constructed BIT STRING.
    let mut last_unused: Option<u8> = None;
    while let Some(event) = walker.next_event()? {
        // Bytes this event adds to its parent (or to the total, at the top).
        let contribution = match event {
            Event::Open { header, offset } => {
                let role = role_of(&header, offset, stack.last().map(|f| f.role))?;
                out.changed |= header.non_der_length || role != Role::Plain;
                if matches!(role, Role::String { segment: 3 }) {
                    last_unused = Some(0);
                }
                stack.push(MeasureFrame {
                    slot: out.slots.len(),
                    offset,
                    tag_len: header.tag_len,
                    role,
                    acc: 0,
                });
                out.slots.push((0, 0));
                continue;
            }
            Event::Primitive {
                header,
                offset,
                content,
            } => {
                out.changed |= header.non_der_length;
                match stack.last().and_then(|f| f.role.segment()) {
                    None => element_len(header.tag_len, content.len(), offset)?,
                    Some(segment) => {
                        check_segment(&header, offset, segment)?;
                        if segment == 3 {
                            bit_segment(input, &content, offset, &mut last_unused)?
                        } else {
                            content.len()
                        }
                    }
                }
            }
            Event::Close => {
                let Some(frame) = stack.pop() else {
                    continue;
                };
                match frame.role {
                    Role::Plain => {
                        set_slot(&mut out.slots, frame.slot, frame.acc, 0);
                        element_len(frame.tag_len, frame.acc, frame.offset)?
                    }
                    Role::String { segment } => {
                        let unused = if segment == 3 {
                            last_unused.take().unwrap_or(0)
                        } else {
                            0
                        };
                        let content = frame
                            .acc
                            .checked_add(usize::from(segment == 3))
                            .ok_or_else(|| ber_err(frame.offset, BerErrorKind::LengthOverflow))?;
                        set_slot(&mut out.slots, frame.slot, content, unused);
                        element_len(frame.tag_len, content, frame.offset)?
                    }
                    Role::Segment { .. } => frame.acc,
                }
            }
        };
        match stack.last_mut() {
            Some(parent) => {
                parent.acc = parent
                    .acc
                    .checked_add(contribution)
                    .ok_or_else(|| ber_err(parent.offset, BerErrorKind::LengthOverflow))?;
            }
            None => out.total = contribution,
        }
    }
    Ok(out)
}

fn set_slot(slots: &mut [(usize, u8)], slot: usize, len: usize, unused: u8) {
    if let Some(s) = slots.get_mut(slot) {
        *s = (len, unused);
    }
}

/// Check one primitive `BIT STRING` segment; returns its data length (without the
/// unused-bits octet).
fn bit_segment(
    input: &[u8],
    content: &Range<usize>,
    offset: usize,
    last_unused: &mut Option<u8>,
) -> Result<usize, DecodeError> {
    let bad = || ber_err(offset, BerErrorKind::BitStringUnusedBits);
    let bytes = input.get(content.clone()).ok_or_else(bad)?;
    let (&unused, data) = bytes.split_first().ok_or_else(bad)?;
    if unused > 7 || (unused > 0 && data.is_empty()) || last_unused.is_some_and(|u| u != 0) {
        return Err(bad());
    }
    *last_unused = Some(unused);
    Ok(data.len())
}

// ---- pass 2: write ---------------------------------------------------------------------------

fn emit(input: &[u8], limits: &BerLimits, measured: &Measured) -> Result<Vec<u8>, DecodeError> {
    let mut walker = Walker::new(input, limits);
    let mut out = Vec::with_capacity(measured.total);
    let mut roles: Vec<Role> = Vec::new();
    let mut slots = measured.slots.iter();
    let slice = |r: Range<usize>| input.get(r).unwrap_or_default();
    while let Some(event) = walker.next_event()? {
        match event {
            Event::Open { header, offset } => {
                let role = role_of(&header, offset, roles.last().copied())?;
                let (len, unused) = slots.next().copied().unwrap_or_default();
                match role {
                    Role::Plain => {
                        out.extend_from_slice(slice(offset..offset.saturating_add(header.tag_len)));
                        crate::tlv::push_length(&mut out, len);
                    }
                    Role::String { segment } => {
                        out.push(header.first & !0x20);
                        crate::tlv::push_length(&mut out, len);
                        if segment == 3 {
                            out.push(unused);
                        }
                    }
                    Role::Segment { .. } => {}
                }
                roles.push(role);
            }
            Event::Primitive {
                header,
                offset,
                content,
            } => match roles.last().and_then(|r| r.segment()) {
                None => {
                    out.extend_from_slice(slice(offset..offset.saturating_add(header.tag_len)));
                    crate::tlv::push_length(&mut out, content.len());
                    out.extend_from_slice(slice(content));
                }
                Some(3) => out.extend_from_slice(slice(content).get(1..).unwrap_or_default()),
                Some(_) => out.extend_from_slice(slice(content)),
            },
            Event::Close => {
                roles.pop();
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn norm(input: &[u8]) -> Result<Cow<'_, [u8]>, DecodeError> {
        normalize_to_der(input, &BerLimits::default())
    }

    fn kind(input: &[u8]) -> (usize, BerErrorKind) {
        match norm(input) {
            Err(DecodeError::Ber { offset, kind }) => (offset, kind),
            other => panic!("expected a BER error, got {other:?}"),
        }
    }

    #[test]
    fn der_is_borrowed() {
        let der = [0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xAA];
        assert!(matches!(norm(&der).unwrap(), Cow::Borrowed(b) if b == der));
        let long = [&[0x04, 0x81, 0x80][..], &[7; 128]].concat();
        assert!(matches!(norm(&long).unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn indefinite_and_long_lengths() {
        let ber = [
            0x30, 0x80, 0x02, 0x81, 0x01, 0x05, 0x31, 0x82, 0x00, 0x00, 0x00, 0x00,
        ];
        assert_eq!(
            &*norm(&ber).unwrap(),
            &[0x30, 0x05, 0x02, 0x01, 0x05, 0x31, 0x00]
        );
    }

    #[test]
    fn constructed_strings_flatten() {
        // OCTET STRING, indefinite, with a nested definite constructed segment.
        let ber = [
            0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x24, 0x03, 0x04, 0x01, b'c', 0x00, 0x00,
        ];
        assert_eq!(&*norm(&ber).unwrap(), &[0x04, 0x03, b'a', b'b', b'c']);
        // BIT STRING: unused bits only in the last segment.
        let bits = [0x23, 0x08, 0x03, 0x02, 0x00, 0xFF, 0x03, 0x02, 0x04, 0xF0];
        assert_eq!(&*norm(&bits).unwrap(), &[0x03, 0x03, 0x04, 0xFF, 0xF0]);
        let bad = [0x23, 0x08, 0x03, 0x02, 0x04, 0xF0, 0x03, 0x02, 0x00, 0xFF];
        assert_eq!(kind(&bad).1, BerErrorKind::BitStringUnusedBits);
        // Empty constructed BIT STRING.
        assert_eq!(&*norm(&[0x23, 0x80, 0, 0]).unwrap(), &[0x03, 0x01, 0x00]);
        // PrintableString segments are OCTET STRINGs (X.690 §8.23.6).
        let ps = [0x33, 0x80, 0x04, 0x01, b'R', 0x04, 0x01, b'O', 0, 0];
        assert_eq!(&*norm(&ps).unwrap(), &[0x13, 0x02, b'R', b'O']);
        let wrong = [0x33, 0x80, 0x13, 0x01, b'R', 0, 0];
        assert_eq!(
            kind(&wrong),
            (2, BerErrorKind::StringSegment { found: 0x13 })
        );
        // Implicitly tagged constructed strings are kept (no schema), with DER lengths.
        let implicit = [0xA0, 0x80, 0x04, 0x01, 0x01, 0x00, 0x00];
        assert_eq!(&*norm(&implicit).unwrap(), &[0xA0, 0x03, 0x04, 0x01, 0x01]);
    }

    #[test]
    fn set_order_is_kept() {
        let ber = [0x31, 0x80, 0x02, 0x01, 0x09, 0x02, 0x01, 0x01, 0x00, 0x00];
        assert_eq!(
            &*norm(&ber).unwrap(),
            &[0x31, 0x06, 0x02, 0x01, 0x09, 0x02, 0x01, 0x01]
        );
    }

    #[test]
    fn malformed_inputs() {
        assert_eq!(kind(&[]), (0, BerErrorKind::Truncated));
        assert_eq!(kind(&[0x30]), (0, BerErrorKind::Truncated));
        assert_eq!(
            kind(&[0x30, 0x03, 0x02, 0x01]),
            (0, BerErrorKind::Truncated)
        );
        assert_eq!(
            kind(&[0x30, 0x80, 0x05, 0x00]),
            (4, BerErrorKind::Truncated)
        );
        assert_eq!(kind(&[0x05, 0x00, 0x00]), (2, BerErrorKind::TrailingData));
        assert_eq!(kind(&[0x04, 0xFF]), (0, BerErrorKind::ReservedLength));
        assert_eq!(
            kind(&[0x04, 0x80, 0x00, 0x00]),
            (0, BerErrorKind::IndefinitePrimitive)
        );
        assert_eq!(kind(&[0x00, 0x00]), (0, BerErrorKind::EndOfContents));
        assert_eq!(
            kind(&[0x30, 0x02, 0x00, 0x00]),
            (2, BerErrorKind::EndOfContents)
        );
        assert_eq!(
            kind(&[0x30, 0x80, 0x00, 0x01, 0x00]).1,
            BerErrorKind::EndOfContents
        );
        assert_eq!(
            kind(&[0x30, 0x80, 0x20, 0x00, 0x00, 0x00]).1,
            BerErrorKind::EndOfContents
        );
        assert_eq!(
            kind(&[0x9F, 0x80, 0x20, 0x00]),
            (0, BerErrorKind::TagNotMinimal)
        );
        assert_eq!(kind(&[0x9F, 0x1E, 0x00]), (0, BerErrorKind::TagNotMinimal));
        assert_eq!(
            kind(&[0x9F, 0x90, 0x80, 0x80, 0x80, 0x00, 0x00]),
            (0, BerErrorKind::TagNumberOverflow)
        );
        let mut huge = vec![0x04, 0x89, 0x01];
        huge.extend([0; 8]);
        assert_eq!(kind(&huge), (0, BerErrorKind::LengthOverflow));
        // A definite child may not run past its definite parent.
        assert_eq!(
            kind(&[0x30, 0x02, 0x04, 0x02, 0x01, 0x02]),
            (2, BerErrorKind::Truncated)
        );
        // An indefinite child's EOC must come before the definite parent ends.
        assert_eq!(
            kind(&[0x30, 0x02, 0x30, 0x80, 0x00, 0x00]),
            (4, BerErrorKind::Truncated)
        );
    }

    #[test]
    fn high_tag_numbers_are_kept() {
        let ber = [0xBF, 0x81, 0x00, 0x80, 0x05, 0x00, 0x00, 0x00];
        assert_eq!(&*norm(&ber).unwrap(), &[0xBF, 0x81, 0x00, 0x02, 0x05, 0x00]);
    }

    #[test]
    fn limits() {
        let nested = [0x30, 0x80, 0x30, 0x80, 0x30, 0x80, 0, 0, 0, 0, 0, 0];
        let shallow = BerLimits::default().with_max_depth(2);
        assert!(matches!(
            normalize_to_der(&nested, &shallow),
            Err(DecodeError::Ber {
                offset: 4,
                kind: BerErrorKind::TooDeep { limit: 2 }
            })
        ));
        assert!(normalize_to_der(&nested, &BerLimits::default().with_max_depth(3)).is_ok());
        let few = BerLimits::default().with_max_elements(2);
        assert!(matches!(
            normalize_to_der(&nested, &few),
            Err(DecodeError::Ber {
                kind: BerErrorKind::TooManyElements { limit: 2 },
                ..
            })
        ));
        let small = BerLimits::default().with_max_input_len(4);
        assert!(matches!(
            normalize_to_der(&nested, &small),
            Err(DecodeError::TooLarge {
                actual: 12,
                limit: 4,
                ..
            })
        ));
        assert_eq!(BerLimits::default().max_depth(), 64);
    }

    #[test]
    fn der_length_sizes() {
        for (len, expect) in [
            (0, 1),
            (127, 1),
            (128, 2),
            (255, 2),
            (256, 3),
            (65_535, 3),
            (65_536, 4),
        ] {
            assert_eq!(der_len_len(len), expect, "{len}");
            let mut v = Vec::new();
            crate::tlv::push_length(&mut v, len);
            assert_eq!(v.len(), expect);
        }
        assert_eq!(der_len_len(usize::MAX), 1 + size_of::<usize>());
    }
}
