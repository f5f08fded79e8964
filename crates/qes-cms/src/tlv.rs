//! DER tag-length-value handling on raw bytes (X.690 §8.1, §10, §11.6).
//!
//! The verifier walks `SignedData` element by element and keeps every slice exactly as
//! received, because signatures and digests cover the bytes as received, and a decoder that
//! re-sorts a `SET OF` (as `der`'s `SetOfVec` does) would change them. The builder assembles
//! `SignedData` from already-encoded parts, so countersignatures and timestamps can be added
//! to an existing signature without re-encoding the rest.

use crate::asn1::DecodeError;
use der::{Decode, Encode, Reader, SliceReader, Tag};

/// Most children accepted in one constructed element, against denial of service.
pub const MAX_CHILDREN: usize = 4096;

/// One DER element as received.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    /// The tag.
    pub tag: Tag,
    /// The content octets.
    pub value: &'a [u8],
    /// Tag, length and content together.
    pub full: &'a [u8],
}

fn der_err(what: &'static str) -> impl Fn(der::Error) -> DecodeError {
    move |source| DecodeError::Der { what, source }
}

/// Read the first element of `bytes`; returns it and the bytes after it.
pub(crate) fn read<'a>(
    bytes: &'a [u8],
    what: &'static str,
) -> Result<(Tlv<'a>, &'a [u8]), DecodeError> {
    let err = der_err(what);
    let mut reader = SliceReader::new(bytes).map_err(&err)?;
    let header = reader.peek_header().map_err(&err)?;
    let full = reader.tlv_bytes().map_err(&err)?;
    let header_len = usize::try_from(header.encoded_len().map_err(&err)?).map_err(&err)?;
    let value = full.get(header_len..).unwrap_or_default();
    let rest = bytes.get(full.len()..).unwrap_or_default();
    Ok((
        Tlv {
            tag: header.tag,
            value,
            full,
        },
        rest,
    ))
}

/// Exactly one element: no trailing bytes.
pub(crate) fn single<'a>(bytes: &'a [u8], what: &'static str) -> Result<Tlv<'a>, DecodeError> {
    let (tlv, rest) = read(bytes, what)?;
    if !rest.is_empty() {
        return Err(DecodeError::Der {
            what,
            source: der::ErrorKind::TrailingData {
                decoded: der::Length::try_from(tlv.full.len()).unwrap_or(der::Length::ZERO),
                remaining: der::Length::try_from(rest.len()).unwrap_or(der::Length::ZERO),
            }
            .into(),
        });
    }
    Ok(tlv)
}

/// Exactly one element with tag `tag`.
pub(crate) fn expect<'a>(
    bytes: &'a [u8],
    tag: Tag,
    what: &'static str,
) -> Result<Tlv<'a>, DecodeError> {
    let tlv = single(bytes, what)?;
    check_tag(&tlv, tag, what)?;
    Ok(tlv)
}

/// Fail unless `tlv` has tag `tag`.
pub(crate) fn check_tag(tlv: &Tlv<'_>, tag: Tag, what: &'static str) -> Result<(), DecodeError> {
    if tlv.tag == tag {
        Ok(())
    } else {
        Err(DecodeError::Der {
            what,
            source: der::ErrorKind::TagUnexpected {
                expected: Some(tag),
                actual: tlv.tag,
            }
            .into(),
        })
    }
}

/// The elements inside a constructed element's content octets.
pub(crate) fn children<'a>(
    value: &'a [u8],
    what: &'static str,
) -> Result<Vec<Tlv<'a>>, DecodeError> {
    let mut out = Vec::new();
    let mut rest = value;
    while !rest.is_empty() {
        if out.len() >= MAX_CHILDREN {
            return Err(DecodeError::Der {
                what,
                source: der::ErrorKind::Overlength.into(),
            });
        }
        let (tlv, next) = read(rest, what)?;
        out.push(tlv);
        rest = next;
    }
    Ok(out)
}

/// Decode a typed value from an element's full bytes.
pub(crate) fn decode<'a, T: Decode<'a>>(
    tlv: &Tlv<'a>,
    what: &'static str,
) -> Result<T, DecodeError> {
    T::from_der(tlv.full).map_err(der_err(what))
}

/// A small non-negative INTEGER (versions).
pub(crate) fn small_uint(tlv: &Tlv<'_>, what: &'static str) -> Result<u8, DecodeError> {
    check_tag(tlv, Tag::Integer, what)?;
    match tlv.value {
        [v] if *v < 0x80 => Ok(*v),
        _ => Err(DecodeError::Der {
            what,
            source: der::ErrorKind::Value { tag: Tag::Integer }.into(),
        }),
    }
}

/// Context-specific tag `[number]`, constructed or not.
pub(crate) fn context(number: u8, constructed: bool) -> Tag {
    Tag::ContextSpecific {
        constructed,
        number: der::TagNumber::new(number),
    }
}

// ---- writing ----------------------------------------------------------------------------

/// DER length octets (X.690 §8.1.3, definite form, minimal).
pub(crate) fn push_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.extend(u8::try_from(len));
        return;
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let significant = bytes.get(skip..).unwrap_or_default();
    out.extend(u8::try_from(significant.len()).map(|n| 0x80 | n));
    out.extend_from_slice(significant);
}

/// Encode one element from a raw identifier octet and content octets.
pub(crate) fn encode(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    push_length(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

/// Encode a constructed element whose content is the concatenation of `parts` (written
/// straight into the output, no intermediate buffer).
pub(crate) fn encode_parts<B: AsRef<[u8]>>(tag: u8, parts: &[B]) -> Vec<u8> {
    let len = parts
        .iter()
        .map(|p| p.as_ref().len())
        .fold(0usize, usize::saturating_add);
    let mut out = Vec::with_capacity(len.saturating_add(10));
    out.push(tag);
    push_length(&mut out, len);
    for part in parts {
        out.extend_from_slice(part.as_ref());
    }
    out
}

/// Encode a DER `SET OF` (or a `[n] IMPLICIT SET OF` with `tag`): the elements sorted as
/// octet strings, the shorter padded with zero octets (X.690 §11.6).
pub(crate) fn encode_set_of(tag: u8, mut elements: Vec<Vec<u8>>) -> Vec<u8> {
    elements.sort_by(|a, b| der_set_order(a, b));
    encode_parts(tag, &elements)
}

/// The X.690 §11.6 ordering of two encodings.
pub(crate) fn der_set_order(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let common = a.len().min(b.len());
    let (a_head, a_tail) = a.split_at(common);
    let (b_head, b_tail) = b.split_at(common);
    match a_head.cmp(b_head) {
        // The longer one compares against zero padding: greater unless its tail is all zero.
        Ordering::Equal if a_tail.iter().any(|x| *x != 0) => Ordering::Greater,
        Ordering::Equal if b_tail.iter().any(|x| *x != 0) => Ordering::Less,
        order => order,
    }
}

/// Identifier octets used by the builder.
pub(crate) mod tags {
    pub const SEQUENCE: u8 = 0x30;
    pub const SET: u8 = 0x31;
    pub const OCTET_STRING: u8 = 0x04;
    pub const CONTEXT_0_CONSTRUCTED: u8 = 0xA0;
    pub const CONTEXT_1_CONSTRUCTED: u8 = 0xA1;
}

/// DER of a typed value, mapping the error to [`crate::Error::Encode`].
pub(crate) fn to_der<T: Encode>(value: &T, what: &'static str) -> crate::Result<Vec<u8>> {
    value
        .to_der()
        .map_err(|source| crate::Error::Encode { what, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_minimal() {
        assert_eq!(encode(0x04, &[]), vec![0x04, 0x00]);
        assert_eq!(encode(0x04, &[0; 127])[..2], [0x04, 0x7f]);
        assert_eq!(encode(0x04, &[0; 128])[..3], [0x04, 0x81, 0x80]);
        assert_eq!(encode(0x04, &[0; 256])[..4], [0x04, 0x82, 0x01, 0x00]);
        let long = encode(0x04, &[7; 70000]);
        assert_eq!(
            der::asn1::OctetString::from_der(&long).map(|o| o.as_bytes().len()),
            Ok(70000)
        );
    }

    #[test]
    fn set_of_is_der_sorted() {
        let set = encode_set_of(
            0x31,
            vec![
                vec![0x02, 0x01, 0x05],
                vec![0x02, 0x01, 0x01],
                vec![0x01, 0x01, 0xff],
            ],
        );
        assert_eq!(
            set,
            vec![0x31, 9, 0x01, 0x01, 0xff, 0x02, 0x01, 0x01, 0x02, 0x01, 0x05]
        );
        assert_eq!(der_set_order(&[1], &[1, 0]), std::cmp::Ordering::Equal);
    }

    #[test]
    fn walking_keeps_bytes() {
        let seq = encode_parts(0x30, &[encode(0x02, &[1]), encode(0x04, b"abc")]);
        let tlv = expect(&seq, Tag::Sequence, "test").unwrap();
        let kids = children(tlv.value, "test").unwrap();
        assert_eq!(kids.len(), 2);
        assert_eq!(kids[1].value, b"abc");
        assert_eq!(small_uint(&kids[0], "v").unwrap(), 1);
        assert!(single(&[seq.as_slice(), &[0]].concat(), "t").is_err());
        assert!(read(&[0x30, 0x05, 0x01], "t").is_err());
    }
}
