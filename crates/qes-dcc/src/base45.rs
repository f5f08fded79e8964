//! Base45 (RFC 9285), the QR-alphanumeric-friendly encoding of the HCERT.
//!
//! ```text
//! two bytes [a, b]:  n = a * 256 + b,  n = c + d * 45 + e * 45^2  ->  "c d e"
//! one byte  [a]:     n = a,            n = c + d * 45             ->  "c d"
//! ```

use crate::error::{DccError, Result};

/// The 45 characters, in value order (RFC 9285 §4).
pub const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Character → value, 255 for characters outside the alphabet.
// Evaluated at compile time: an out-of-range index is a build error, and `i < 45` fits `u8`.
#[allow(
    clippy::as_conversions,
    clippy::cast_possible_truncation,
    clippy::indexing_slicing
)]
const VALUES: [u8; 256] = {
    let mut t = [255u8; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        t[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// The table entry of `c`: its value, or 255 outside the alphabet.
fn raw_value(c: u8) -> u8 {
    VALUES.get(usize::from(c)).copied().unwrap_or(255)
}

fn value_of(c: u8) -> Option<u16> {
    match VALUES.get(usize::from(c)) {
        Some(&v) if v != 255 => Some(u16::from(v)),
        _ => None,
    }
}

fn char_of(v: u32) -> char {
    // `v` is always `< 45` here (a remainder).
    ALPHABET
        .get(usize::try_from(v % 45).unwrap_or(0))
        .map_or('0', |&c| char::from(c))
}

/// Encode bytes as Base45.
pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() / 2 * 3 + 2);
    let mut chunks = data.chunks_exact(2);
    for pair in &mut chunks {
        if let [a, b] = *pair {
            let n = u32::from(a) * 256 + u32::from(b);
            out.push(char_of(n));
            out.push(char_of(n / 45));
            out.push(char_of(n / 2025));
        }
    }
    if let [a] = *chunks.remainder() {
        let n = u32::from(a);
        out.push(char_of(n));
        out.push(char_of(n / 45));
    }
    out
}

/// Decode Base45 text; `max_len` bounds the input length.
///
/// # Errors
/// [`DccError::TooLarge`] above `max_len` characters, [`DccError::Base45Char`] for a character
/// outside [`ALPHABET`], [`DccError::Base45Group`] for a length of 3n+1 or a group whose value
/// exceeds what its size can hold (RFC 9285 §4.2: "MUST be rejected").
pub fn decode(text: &str, max_len: usize) -> Result<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.len() > max_len {
        return Err(DccError::TooLarge {
            what: "Base45 text",
            actual: bytes.len(),
            limit: max_len,
        });
    }
    let mut out = Vec::with_capacity(bytes.len() / 3 * 2 + 1);
    let value = |offset: usize, c: u8| -> Result<u32> {
        value_of(c)
            .map(u32::from)
            .ok_or_else(|| DccError::Base45Char { offset })
    };
    let mut groups = bytes.chunks_exact(3);
    let mut offset = 0;
    for g in &mut groups {
        if let [c, d, e] = *g {
            let (x, y, z) = (raw_value(c), raw_value(d), raw_value(e));
            // Values are below 64, the "not in the alphabet" mark is not: one test for all
            // three characters, and the error path works out which one it was.
            if (x | y | z) >= 64 {
                value(offset, c)?;
                value(offset + 1, d)?;
                value(offset + 2, e)?;
            }
            let n = u32::from(x) + u32::from(y) * 45 + u32::from(z) * 2025;
            let [_, _, hi, lo] = n.to_be_bytes();
            if n > 0xffff {
                return Err(DccError::Base45Group { offset });
            }
            out.extend_from_slice(&[hi, lo]);
        }
        offset += 3;
    }
    match *groups.remainder() {
        [] => {}
        [c, d] => {
            let n = value(offset, c)? + value(offset + 1, d)? * 45;
            out.push(u8::try_from(n).map_err(|_| DccError::Base45Group { offset })?);
        }
        [c] => {
            value(offset, c)?;
            return Err(DccError::Base45Group { offset });
        }
        _ => return Err(DccError::Base45Group { offset }),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc9285_examples() {
        assert_eq!(encode(b"AB"), "BB8");
        assert_eq!(encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(encode(b"ietf!"), "QED8WEX0");
        assert_eq!(decode("QED8WEX0", 100).unwrap(), b"ietf!");
        assert_eq!(decode("", 100).unwrap(), b"");
    }

    #[test]
    fn rejects_bad_input() {
        assert!(matches!(
            decode("GGW", 100),
            Err(DccError::Base45Group { offset: 0 })
        )); // 65536 + ...
        assert!(matches!(
            decode(":::", 100),
            Err(DccError::Base45Group { .. })
        ));
        assert!(matches!(
            decode("A", 100),
            Err(DccError::Base45Group { .. })
        ));
        assert!(matches!(
            decode("AB8a", 100),
            Err(DccError::Base45Char { offset: 3 })
        ));
        assert!(matches!(decode("ABCD", 2), Err(DccError::TooLarge { .. })));
        // Pair above 255.
        assert!(matches!(
            decode("::", 100),
            Err(DccError::Base45Group { .. })
        ));
    }

    proptest! {
        #[test]
        fn round_trip(data in proptest::collection::vec(any::<u8>(), 0..600)) {
            let text = encode(&data);
            prop_assert_eq!(decode(&text, usize::MAX).unwrap(), data);
        }

        #[test]
        fn decode_never_panics(s in "[0-9A-Z $%*+\\-./:a]{0,64}") {
            let _ = decode(&s, usize::MAX);
        }

        /// The grouped fast path answers as the RFC's definition does, errors and offsets
        /// included.
        #[test]
        fn decode_agrees_with_the_definition(s in "[0-9A-Z $%*+\\-./:a~\u{e9}]{0,40}") {
            let got = format!("{:?}", decode(&s, usize::MAX));
            prop_assert_eq!(got, format!("{:?}", definition(s.as_bytes())));
        }
    }

    /// RFC 9285 §4.2 read literally: groups of three (then two) characters, each checked in
    /// order.
    fn definition(b: &[u8]) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut offset = 0;
        while offset < b.len() {
            let group = &b[offset..b.len().min(offset + 3)];
            let mut n = 0u32;
            for ((i, &c), weight) in group.iter().enumerate().zip([1u32, 45, 45 * 45]) {
                let v = value_of(c).ok_or(DccError::Base45Char { offset: offset + i })?;
                n += u32::from(v) * weight;
            }
            let group_error = DccError::Base45Group { offset };
            match group.len() {
                3 => {
                    out.extend_from_slice(&u16::try_from(n).map_err(|_| group_error)?.to_be_bytes())
                }
                2 => out.push(u8::try_from(n).map_err(|_| group_error)?),
                _ => return Err(group_error),
            }
            offset += 3;
        }
        Ok(out)
    }
}
