//! A small, tolerant BER reader (X.690 §8.1) for the outer envelope of a `TimeStampResp`.
//!
//! Real TSAs answer in BER: some send the `TimeStampResp` and `ContentInfo` with indefinite
//! lengths (X.690 §8.1.3.6), long-form lengths with leading zero octets, or non-zero unused
//! bits. This reader accepts those, locates elements by offset, and never re-encodes: the
//! token is handed on as the exact bytes received. It enforces a nesting limit
//! ([`MAX_DEPTH`]) and an element budget ([`MAX_ELEMENTS`]); only indefinite-length elements
//! are walked to find their end, definite ones are skipped by their length.

use std::cell::Cell;

use crate::error::{Malformation, TspError};

/// Deepest nesting of indefinite-length elements walked.
pub(crate) const MAX_DEPTH: usize = 64;
/// Most elements decoded in one input.
pub(crate) const MAX_ELEMENTS: usize = 100_000;
/// Most length octets in a long-form length (leading zeros allowed, as BER does).
const MAX_LENGTH_OCTETS: usize = 8;
/// Most octets of a high-tag-number identifier.
const MAX_TAG_OCTETS: usize = 5;

/// Identifier octets of the universal types read here.
pub(crate) mod tag {
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const BIT_STRING: u8 = 0x03;
    pub(crate) const OBJECT_IDENTIFIER: u8 = 0x06;
    pub(crate) const UTF8_STRING: u8 = 0x0c;
    pub(crate) const SEQUENCE: u8 = 0x30;
}

/// One element: where its identifier, contents and end are in the input.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Element {
    /// The first identifier octet (class, constructed bit, tag number or `0x1f`).
    pub(crate) tag: u8,
    /// Offset of the identifier octet.
    pub(crate) start: usize,
    /// Offset of the first contents octet.
    pub(crate) contents_start: usize,
    /// Offset just past the contents (before the end-of-contents octets, if any).
    pub(crate) contents_end: usize,
    /// Offset just past the whole element (after the end-of-contents octets, if any).
    pub(crate) end: usize,
    /// Nesting depth (0 for the outermost element).
    pub(crate) depth: usize,
}

impl Element {
    fn constructed(&self) -> bool {
        self.tag & 0x20 != 0
    }
}

/// A reader over one input, with its work budget.
pub(crate) struct Ber<'a> {
    input: &'a [u8],
    budget: Cell<usize>,
}

fn malformed(what: &'static str, offset: usize, reason: Malformation) -> TspError {
    TspError::Malformed {
        what,
        offset,
        reason,
    }
}

impl<'a> Ber<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Self {
            input,
            budget: Cell::new(MAX_ELEMENTS),
        }
    }

    /// The input length.
    pub(crate) fn len(&self) -> usize {
        self.input.len()
    }

    /// The bytes of `e`, identifier to end (end-of-contents included).
    pub(crate) fn full(&self, e: &Element) -> &'a [u8] {
        self.input.get(e.start..e.end).unwrap_or_default()
    }

    /// The contents octets of `e` (end-of-contents excluded).
    pub(crate) fn contents(&self, e: &Element) -> &'a [u8] {
        self.input
            .get(e.contents_start..e.contents_end)
            .unwrap_or_default()
    }

    fn byte(&self, at: usize, limit: usize, what: &'static str) -> Result<u8, TspError> {
        if at >= limit {
            return Err(malformed(what, at, Malformation::Truncated));
        }
        self.input
            .get(at)
            .copied()
            .ok_or_else(|| malformed(what, at, Malformation::Truncated))
    }

    /// The element starting at `pos`, which must end by `limit`.
    pub(crate) fn element(
        &self,
        pos: usize,
        limit: usize,
        depth: usize,
        what: &'static str,
    ) -> Result<Element, TspError> {
        if depth > MAX_DEPTH {
            return Err(malformed(
                what,
                pos,
                Malformation::TooDeep { limit: MAX_DEPTH },
            ));
        }
        let left = self.budget.get();
        if left == 0 {
            return Err(malformed(
                what,
                pos,
                Malformation::TooManyElements {
                    limit: MAX_ELEMENTS,
                },
            ));
        }
        self.budget.set(left.saturating_sub(1));

        // Identifier octets (X.690 §8.1.2).
        let tag = self.byte(pos, limit, what)?;
        let mut p = pos.saturating_add(1);
        if tag & 0x1f == 0x1f {
            let mut count = 0usize;
            loop {
                let b = self.byte(p, limit, what)?;
                p = p.saturating_add(1);
                count = count.saturating_add(1);
                if count > MAX_TAG_OCTETS {
                    return Err(malformed(what, pos, Malformation::BadLength));
                }
                if b & 0x80 == 0 {
                    break;
                }
            }
        }

        // Length octets (X.690 §8.1.3).
        let first = self.byte(p, limit, what)?;
        let length_at = p;
        p = p.saturating_add(1);
        let definite = match first {
            0x80 => None,
            0xff => return Err(malformed(what, length_at, Malformation::BadLength)),
            b if b & 0x80 == 0 => Some(usize::from(b)),
            b => {
                let n = usize::from(b & 0x7f);
                if n > MAX_LENGTH_OCTETS {
                    return Err(malformed(what, length_at, Malformation::BadLength));
                }
                let mut len: u64 = 0;
                for _ in 0..n {
                    let octet = self.byte(p, limit, what)?;
                    p = p.saturating_add(1);
                    len = len
                        .checked_mul(256)
                        .and_then(|l| l.checked_add(u64::from(octet)))
                        .ok_or_else(|| malformed(what, length_at, Malformation::BadLength))?;
                }
                Some(
                    usize::try_from(len)
                        .map_err(|_| malformed(what, length_at, Malformation::Truncated))?,
                )
            }
        };
        let contents_start = p;

        if tag == 0x00 {
            // An end-of-contents marker where an element is expected.
            return Err(malformed(what, pos, Malformation::BadEndOfContents));
        }

        match definite {
            Some(len) => {
                let end = contents_start
                    .checked_add(len)
                    .filter(|e| *e <= limit)
                    .ok_or_else(|| malformed(what, pos, Malformation::Truncated))?;
                Ok(Element {
                    tag,
                    start: pos,
                    contents_start,
                    contents_end: end,
                    end,
                    depth,
                })
            }
            None => {
                if tag & 0x20 == 0 {
                    return Err(malformed(
                        what,
                        length_at,
                        Malformation::IndefinitePrimitive,
                    ));
                }
                // Walk the children up to the end-of-contents octets (X.690 §8.1.5).
                let mut q = contents_start;
                loop {
                    let b0 = self.byte(q, limit, what)?;
                    if b0 == 0x00 {
                        let b1 = self.byte(q.saturating_add(1), limit, what)?;
                        if b1 != 0x00 {
                            return Err(malformed(what, q, Malformation::BadEndOfContents));
                        }
                        return Ok(Element {
                            tag,
                            start: pos,
                            contents_start,
                            contents_end: q,
                            end: q.saturating_add(2),
                            depth,
                        });
                    }
                    let child = self.element(q, limit, depth.saturating_add(1), what)?;
                    q = child.end;
                }
            }
        }
    }

    /// The element at `pos` with identifier `expected`.
    pub(crate) fn expect(
        &self,
        pos: usize,
        limit: usize,
        depth: usize,
        expected: u8,
        what: &'static str,
    ) -> Result<Element, TspError> {
        let e = self.element(pos, limit, depth, what)?;
        check_tag(&e, expected, what)?;
        Ok(e)
    }

    /// The children of a constructed element, at most `max` of them.
    pub(crate) fn children(
        &self,
        parent: &Element,
        max: usize,
        what: &'static str,
    ) -> Result<Vec<Element>, TspError> {
        if !parent.constructed() {
            return Err(malformed(
                what,
                parent.start,
                Malformation::UnexpectedTag {
                    expected: parent.tag | 0x20,
                    found: parent.tag,
                },
            ));
        }
        let mut out = Vec::new();
        let mut q = parent.contents_start;
        while q < parent.contents_end {
            if out.len() >= max {
                return Err(malformed(what, q, Malformation::UnexpectedElement));
            }
            let child =
                self.element(q, parent.contents_end, parent.depth.saturating_add(1), what)?;
            q = child.end;
            out.push(child);
        }
        Ok(out)
    }
}

/// Fail unless `e` has identifier `expected`.
pub(crate) fn check_tag(e: &Element, expected: u8, what: &'static str) -> Result<(), TspError> {
    if e.tag == expected {
        Ok(())
    } else {
        Err(malformed(
            what,
            e.start,
            Malformation::UnexpectedTag {
                expected,
                found: e.tag,
            },
        ))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    fn reason(r: Result<Element, TspError>) -> Malformation {
        match r {
            Err(TspError::Malformed { reason, .. }) => reason,
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    #[test]
    fn definite_short_and_long_forms() {
        let short = [0x04, 0x02, 0xaa, 0xbb];
        let ber = Ber::new(&short);
        let e = ber.element(0, short.len(), 0, "t").unwrap();
        assert_eq!(ber.contents(&e), &[0xaa, 0xbb]);
        assert_eq!(e.end, 4);

        // Long form with a leading zero length octet (BER, not DER).
        let long = [0x04, 0x83, 0x00, 0x00, 0x02, 0xaa, 0xbb];
        let ber = Ber::new(&long);
        let e = ber.element(0, long.len(), 0, "t").unwrap();
        assert_eq!(ber.contents(&e), &[0xaa, 0xbb]);
        assert_eq!(ber.full(&e), &long);
    }

    #[test]
    fn indefinite_lengths_nest() {
        let input = [
            0x30, 0x80, // SEQUENCE, indefinite
            0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00, // SEQUENCE { INTEGER 5 }, indefinite
            0x04, 0x01, 0x00, // OCTET STRING
            0x00, 0x00, // end of outer
            0xff, // trailing
        ];
        let ber = Ber::new(&input);
        let e = ber.element(0, input.len(), 0, "t").unwrap();
        assert_eq!(e.end, 14);
        assert_eq!(e.contents_end, 12);
        let kids = ber.children(&e, 4, "t").unwrap();
        assert_eq!(kids.len(), 2);
        assert_eq!(kids[0].end, 9);
        assert_eq!(ber.children(&kids[0], 4, "t").unwrap().len(), 1);
    }

    #[test]
    fn rejects_bad_forms() {
        let cases: &[(&[u8], Malformation)] = &[
            (&[], Malformation::Truncated),
            (&[0x30], Malformation::Truncated),
            (&[0x30, 0x05, 0x00], Malformation::Truncated),
            (&[0x30, 0x80, 0x02, 0x01, 0x00], Malformation::Truncated),
            (&[0x04, 0x80, 0x00, 0x00], Malformation::IndefinitePrimitive),
            (&[0x30, 0xff], Malformation::BadLength),
            (
                &[0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9],
                Malformation::BadLength,
            ),
            (
                &[0x30, 0x80, 0x00, 0x01, 0x00],
                Malformation::BadEndOfContents,
            ),
            (&[0x00, 0x00], Malformation::BadEndOfContents),
            (
                &[0x1f, 0x81, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00],
                Malformation::BadLength,
            ),
            (
                &[0x30, 0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
                Malformation::Truncated,
            ),
        ];
        for (input, expected) in cases {
            let ber = Ber::new(input);
            assert_eq!(
                &reason(ber.element(0, input.len(), 0, "t")),
                expected,
                "{input:02x?}"
            );
        }
    }

    #[test]
    fn depth_is_limited() {
        let mut input = Vec::new();
        for _ in 0..(MAX_DEPTH + 2) {
            input.extend_from_slice(&[0x30, 0x80]);
        }
        let ber = Ber::new(&input);
        assert_eq!(
            reason(ber.element(0, input.len(), 0, "t")),
            Malformation::TooDeep { limit: MAX_DEPTH }
        );
    }

    #[test]
    fn element_budget_is_limited() {
        let mut input = vec![0x30, 0x80];
        for _ in 0..MAX_ELEMENTS {
            input.extend_from_slice(&[0x05, 0x00]);
        }
        input.extend_from_slice(&[0x00, 0x00]);
        let ber = Ber::new(&input);
        assert_eq!(
            reason(ber.element(0, input.len(), 0, "t")),
            Malformation::TooManyElements {
                limit: MAX_ELEMENTS
            }
        );
    }
}
