//! DER conformance of extension values: the deviations real issuers make, found by name.
//!
//! `der` 0.7 (and `x509-cert` on top of it) *accepts* some encodings that DER forbids, so the
//! strictness is enforced here. Each deviation names the extension and the rule it breaks:
//!
//! ```text
//! -- X.690 §11.5: a DEFAULT value shall not be encoded
//! BasicConstraints ::= SEQUENCE {                       -- RFC 5280 §4.2.1.9
//!      cA                      BOOLEAN DEFAULT FALSE,   -- explicit FALSE is not DER
//!      pathLenConstraint       INTEGER (0..MAX) OPTIONAL }
//!
//! -- RFC 5280 §4.2.1.12: at least one purpose
//! ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId
//!
//! -- X.690 §11.2.2: trailing 0 bits of a named bit list shall be removed
//! KeyUsage ::= BIT STRING { digitalSignature (0), ... }  -- RFC 5280 §4.2.1.3
//! ```

use const_oid::ObjectIdentifier;
use der::{Decode, Reader, SliceReader, Tag};
use serde::Serialize;

use crate::oids;

/// Which DER rule an encoding breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DerRule {
    /// X.690 §11.5: a component equal to its `DEFAULT` value is encoded (e.g. `cA = FALSE`).
    ExplicitDefaultBoolean {
        /// The ASN.1 component name.
        field: &'static str,
    },
    /// A `SEQUENCE SIZE (1..MAX) OF` is empty (e.g. an extendedKeyUsage with no purpose).
    EmptySequence {
        /// The ASN.1 type name.
        field: &'static str,
    },
    /// X.690 §11.2.2: a named bit list carries trailing zero bits.
    NamedBitListTrailingZeros {
        /// The ASN.1 type name.
        field: &'static str,
    },
}

impl core::fmt::Display for DerRule {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::ExplicitDefaultBoolean { field } => write!(
                f,
                "{field} is encoded although equal to its DEFAULT (X.690 §11.5)"
            ),
            Self::EmptySequence { field } => {
                write!(
                    f,
                    "{field} is an empty SEQUENCE, SIZE (1..MAX) requires one element"
                )
            }
            Self::NamedBitListTrailingZeros { field } => {
                write!(f, "{field} has trailing zero bits (X.690 §11.2.2)")
            }
        }
    }
}

/// One non-DER encoding found in a certificate, accepted in [`crate::ParseMode::Lenient`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct DerDeviation {
    /// The extension (by OID) that carries it.
    #[serde(serialize_with = "crate::oids::serialize_oid")]
    pub extension: ObjectIdentifier,
    /// The rule broken.
    pub rule: DerRule,
}

/// Every known deviation in the certificate's extensions. Extension values that do not even
/// decode are left to the consumers of those extensions.
pub(crate) fn find_deviations(cert: &x509_cert::Certificate) -> Vec<DerDeviation> {
    let mut out = Vec::new();
    for ext in cert.tbs_certificate.extensions.iter().flatten() {
        let value = ext.extn_value.as_bytes();
        let oid = ext.extn_id;
        let rule = if oid == oids::EXT_BASIC_CONSTRAINTS {
            explicit_false_ca(value).then_some(DerRule::ExplicitDefaultBoolean {
                field: "BasicConstraints.cA",
            })
        } else if oid == oids::EXT_KEY_USAGE {
            trailing_zero_bits(value)
                .then_some(DerRule::NamedBitListTrailingZeros { field: "KeyUsage" })
        } else if let Some(field) = non_empty_sequence_type(oid) {
            is_empty_sequence(value).then_some(DerRule::EmptySequence { field })
        } else {
            None
        };
        if let Some(rule) = rule {
            out.push(DerDeviation {
                extension: oid,
                rule,
            });
        }
    }
    out
}

/// Extensions whose value is a `SEQUENCE SIZE (1..MAX) OF`.
fn non_empty_sequence_type(oid: ObjectIdentifier) -> Option<&'static str> {
    Some(match oid {
        o if o == oids::EXT_EXTENDED_KEY_USAGE => "ExtKeyUsageSyntax",
        o if o == oids::EXT_SUBJECT_ALT_NAME => "SubjectAltName (GeneralNames)",
        o if o == oids::EXT_ISSUER_ALT_NAME => "IssuerAltName (GeneralNames)",
        o if o == oids::EXT_CERTIFICATE_POLICIES => "CertificatePolicies",
        o if o == oids::EXT_AUTHORITY_INFO_ACCESS => "AuthorityInfoAccessSyntax",
        o if o == oids::EXT_CRL_DISTRIBUTION_POINTS => "CRLDistributionPoints",
        _ => return None,
    })
}

fn is_empty_sequence(value: &[u8]) -> bool {
    value == [0x30, 0x00]
}

/// `SEQUENCE { BOOLEAN FALSE, ... }`.
fn explicit_false_ca(value: &[u8]) -> bool {
    let Ok(mut reader) = SliceReader::new(value) else {
        return false;
    };
    let Ok(header) = der::Header::decode(&mut reader) else {
        return false;
    };
    if header.tag != Tag::Sequence {
        return false;
    }
    match reader.peek_tag() {
        Ok(Tag::Boolean) => matches!(bool::decode(&mut reader), Ok(false)),
        _ => false,
    }
}

/// A BIT STRING whose last content octet has a zero bit in the last used position (or an
/// empty trailing octet), which DER forbids for named bit lists.
fn trailing_zero_bits(value: &[u8]) -> bool {
    let Ok(bits) = der::asn1::BitString::from_der(value) else {
        return false;
    };
    let raw = bits.raw_bytes();
    let unused = u32::from(bits.unused_bits());
    match raw.last() {
        None => false,
        Some(&last) => {
            // The lowest used bit must be 1 in DER.
            let lowest_used = 1u32.checked_shl(unused).unwrap_or(0);
            u32::from(last) & lowest_used == 0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_false_detected() {
        assert!(explicit_false_ca(&[0x30, 0x03, 0x01, 0x01, 0x00]));
        assert!(!explicit_false_ca(&[0x30, 0x03, 0x01, 0x01, 0xff]));
        assert!(!explicit_false_ca(&[0x30, 0x00]));
        assert!(!explicit_false_ca(&[0x30, 0x03, 0x02, 0x01, 0x00]));
    }

    #[test]
    fn trailing_zero_bits_detected() {
        // digitalSignature only, DER: 03 02 07 80
        assert!(!trailing_zero_bits(&[0x03, 0x02, 0x07, 0x80]));
        // same bit, zero unused bits declared: not DER
        assert!(trailing_zero_bits(&[0x03, 0x02, 0x00, 0x80]));
        // nonRepudiation + (padding) DER: 03 02 06 40
        assert!(!trailing_zero_bits(&[0x03, 0x02, 0x06, 0x40]));
    }
}
