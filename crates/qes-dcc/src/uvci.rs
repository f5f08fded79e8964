//! Unique vaccination certificate / assertion identifiers (UVCI, eHealth Network
//! interoperability guidelines, Annex 2) and their Luhn mod N checksum.
//!
//! ```text
//! URN:UVCI:01:RO:<issuing entity>/<opaque unique string>#<check character>
//! check character: Luhn mod N over everything before '#' (the "URN:UVCI:" prefix included),
//! N = 38, code points in the order ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:
//! ```
//!
//! The checksum detects transcription errors; it proves nothing about the certificate.

use crate::error::{DccError, Result};

/// The Luhn mod N alphabet of the UVCI (DCC schema FAQ "UVCI checksum").
pub const LUHN_ALPHABET: &[u8; 38] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:";
/// The prefix every EU DCC identifier carries.
pub const UVCI_PREFIX: &str = "URN:UVCI:";
/// Longest identifier the schema allows (`ci` `maxLength`).
pub const MAX_UVCI_LEN: usize = 80;

fn code_point(c: u8) -> Option<u32> {
    LUHN_ALPHABET
        .iter()
        .position(|&a| a == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// The Luhn mod N check character of `text`, `None` when a character is outside
/// [`LUHN_ALPHABET`].
pub fn luhn_mod_n(text: &str) -> Option<char> {
    let n = 38u32;
    let mut factor = 2;
    let mut sum = 0u32;
    for &c in text.as_bytes().iter().rev() {
        let addend = factor * code_point(c)?;
        factor = if factor == 2 { 1 } else { 2 };
        sum += addend / n + addend % n;
    }
    let check = (n - sum % n) % n;
    LUHN_ALPHABET
        .get(usize::try_from(check).ok()?)
        .map(|&c| char::from(c))
}

/// A checked UVCI.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Uvci {
    text: String,
}

impl Uvci {
    /// Build `URN:UVCI:01:<country>:<body>#<check>`: `country` is ISO 3166-1 alpha-2, `body`
    /// uses `A-Z`, `0-9`, `/` and `:`.
    ///
    /// # Errors
    /// [`DccError::Uvci`] for another character, a bad country, or a result longer than
    /// [`MAX_UVCI_LEN`].
    pub fn generate(country: &str, body: &str) -> Result<Self> {
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(DccError::Uvci("the country must be two capital letters"));
        }
        if body.is_empty() {
            return Err(DccError::Uvci("empty identifier"));
        }
        let base = format!("{UVCI_PREFIX}01:{country}:{body}");
        let check = luhn_mod_n(&base)
            .ok_or_else(|| DccError::Uvci("characters outside A-Z, 0-9, '/' and ':'"))?;
        let text = format!("{base}#{check}");
        if text.len() > MAX_UVCI_LEN {
            return Err(DccError::Uvci("longer than 80 characters"));
        }
        Ok(Self { text })
    }

    /// Parse and check a UVCI: `URN:UVCI:` (optional on input, as the guidelines allow), the
    /// version `01`, a two-letter country, and, when a `#` is present, the check character.
    ///
    /// # Errors
    /// [`DccError::Uvci`] naming what is wrong (a wrong check character included).
    pub fn parse(text: &str) -> Result<Self> {
        if text.len() > MAX_UVCI_LEN {
            return Err(DccError::Uvci("longer than 80 characters"));
        }
        let full = if text.starts_with(UVCI_PREFIX) {
            text.to_owned()
        } else {
            format!("{UVCI_PREFIX}{text}")
        };
        let (base, check) = match full.split_once('#') {
            Some((b, c)) => (b, Some(c)),
            None => (full.as_str(), None),
        };
        let rest = base.strip_prefix(UVCI_PREFIX).unwrap_or(base);
        let mut fields = rest.splitn(3, ':');
        if fields.next() != Some("01") {
            return Err(DccError::Uvci("version prefix is not 01"));
        }
        let country = fields.next().unwrap_or_default();
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(DccError::Uvci("the country must be two capital letters"));
        }
        if fields.next().is_none_or(str::is_empty) {
            return Err(DccError::Uvci("empty identifier"));
        }
        let expected = luhn_mod_n(base)
            .ok_or_else(|| DccError::Uvci("characters outside A-Z, 0-9, '/' and ':'"))?;
        match check {
            None => {}
            Some(c) if c.len() == 1 && c.starts_with(expected) => {}
            Some(_) => return Err(DccError::Uvci("wrong check character")),
        }
        Ok(Self { text: full })
    }

    /// The identifier.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The issuing country.
    pub fn country(&self) -> &str {
        self.text.get(12..14).unwrap_or_default()
    }
}

impl core::fmt::Display for Uvci {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn guideline_example() {
        assert_eq!(luhn_mod_n("URN:UVCI:01:NL:187/37512422923"), Some('Z'));
        let u = Uvci::parse("URN:UVCI:01:NL:187/37512422923#Z").unwrap();
        assert_eq!(u.country(), "NL");
        assert!(Uvci::parse("URN:UVCI:01:NL:187/37512422923#Y").is_err());
        assert!(Uvci::parse("01:NL:187/37512422923#Z").is_ok());
        assert!(Uvci::parse("URN:UVCI:02:NL:187#Z").is_err());
        assert!(Uvci::parse("URN:UVCI:01:nl:187").is_err());
        assert!(Uvci::generate("RO", "abc").is_err());
        let g = Uvci::generate("RO", "MS/ABC123XYZ").unwrap();
        assert!(g.as_str().starts_with("URN:UVCI:01:RO:MS/ABC123XYZ#"));
        assert_eq!(Uvci::parse(g.as_str()).unwrap(), g);
    }

    proptest! {
        #[test]
        fn a_single_substitution_is_detected(body in "[A-Z0-9/]{4,30}", pos in 0usize..30, sub in 0usize..38) {
            let g = Uvci::generate("RO", &body).unwrap();
            let mut bytes = g.as_str().as_bytes().to_vec();
            let i = 15 + pos % body.len();
            let new = LUHN_ALPHABET[sub];
            prop_assume!(bytes[i] != new);
            bytes[i] = new;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(Uvci::parse(&changed).is_err());
        }
    }
}
