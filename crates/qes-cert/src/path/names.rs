//! Distinguished-name comparison (RFC 5280 §7.1, RFC 4518 string preparation, simplified).
//!
//! ```text
//! Name ::= CHOICE { rdnSequence  RDNSequence }                 -- RFC 5280 §4.1.2.4
//! RDNSequence ::= SEQUENCE OF RelativeDistinguishedName
//! RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
//! AttributeTypeAndValue ::= SEQUENCE { type AttributeType, value AttributeValue }
//! ```
//!
//! Two names match when they have the same RDNs in the same order, each RDN holding the same
//! set of attributes, and values compare equal after preparation: directory strings
//! (PrintableString, UTF8String, IA5String, VisibleString, TeletexString, BMPString) are
//! decoded, their leading and trailing spaces removed, inner runs of spaces collapsed and case
//! folded; other values compare as their DER encoding.

use const_oid::ObjectIdentifier;
use der::{Encode, Tag, Tagged};
use x509_cert::name::Name;

/// A prepared attribute value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Value {
    /// A directory string after preparation.
    Text(String),
    /// Any other value, by its DER encoding.
    Der(Vec<u8>),
}

/// A name prepared for comparison: RDNs in order, attributes within an RDN sorted.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct PreparedName(pub(crate) Vec<Vec<(ObjectIdentifier, Value)>>);

impl PreparedName {
    /// Prepare `name` for comparison.
    pub(crate) fn new(name: &Name) -> Self {
        let rdns = name
            .0
            .iter()
            .map(|rdn| {
                let mut atvs: Vec<_> = rdn
                    .0
                    .iter()
                    .map(|atv| (atv.oid, prepare_value(&atv.value)))
                    .collect();
                atvs.sort();
                atvs
            })
            .collect();
        Self(rdns)
    }

    /// The empty name (no RDNs).
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `base` is a prefix of this name (RFC 5280 §4.2.1.10 directoryName subtrees).
    pub(crate) fn within(&self, base: &Self) -> bool {
        base.0.len() <= self.0.len() && self.0.iter().zip(base.0.iter()).all(|(a, b)| a == b)
    }

    /// The values of attributes of type `oid`, as text.
    pub(crate) fn texts(&self, oid: ObjectIdentifier) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .flatten()
            .filter(move |(o, _)| *o == oid)
            .filter_map(|(_, v)| match v {
                Value::Text(t) => Some(t.as_str()),
                Value::Der(_) => None,
            })
    }
}

/// Whether two names match (RFC 5280 §7.1).
pub(crate) fn names_match(a: &Name, b: &Name) -> bool {
    PreparedName::new(a) == PreparedName::new(b)
}

fn prepare_value(value: &der::Any) -> Value {
    let bytes = value.value();
    let text = match value.tag() {
        Tag::PrintableString | Tag::Utf8String | Tag::Ia5String | Tag::VisibleString => {
            core::str::from_utf8(bytes).ok().map(str::to_owned)
        }
        // TeletexString: treated as Latin-1, as deployed software does.
        Tag::TeletexString => Some(bytes.iter().map(|b| char::from(*b)).collect()),
        Tag::BmpString => {
            if bytes.len() % 2 != 0 {
                None
            } else {
                let units: Vec<u16> = bytes
                    .chunks_exact(2)
                    .filter_map(|c| <[u8; 2]>::try_from(c).ok().map(u16::from_be_bytes))
                    .collect();
                String::from_utf16(&units).ok()
            }
        }
        _ => None,
    };
    match text {
        Some(t) => Value::Text(fold(&t)),
        None => Value::Der(value.to_der().unwrap_or_default()),
    }
}

/// Trim, collapse inner whitespace, case fold (RFC 4518 §2, simplified).
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folding() {
        assert_eq!(fold("  Test  CA   One "), "test ca one");
    }
}
