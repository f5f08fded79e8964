//! DER conformance of the `tbsCertificate` and its extension values: the deviations real
//! issuers make, found by name.
//!
//! `der` 0.7 (and `x509-cert` on top of it) *accepts* some encodings that DER forbids (its
//! derive decodes a `DEFAULT` component as `Option` and never checks that an encoded value
//! differs from the default), so the strictness is enforced here, on the raw bytes. Each
//! deviation names where it is and the rule it breaks:
//!
//! ```text
//! -- X.690 §11.5: a DEFAULT value shall not be encoded
//! TBSCertificate  ::=  SEQUENCE  {                      -- RFC 5280 §4.1
//!      version         [0]  EXPLICIT Version DEFAULT v1,   -- explicit v1 is not DER
//!      ...
//!      extensions      [3]  EXPLICIT Extensions OPTIONAL }
//! Extension  ::=  SEQUENCE  {
//!      extnID      OBJECT IDENTIFIER,
//!      critical    BOOLEAN DEFAULT FALSE,                -- explicit FALSE is not DER
//!      extnValue   OCTET STRING }
//!
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
    /// X.690 §11.5: a non-boolean component equal to its `DEFAULT` value is encoded (e.g.
    /// `version` v1 written out).
    ExplicitDefaultValue {
        /// The ASN.1 component name.
        field: &'static str,
    },
}

/// Where in the certificate a DER deviation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "in", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DerLocation {
    /// A field of the `tbsCertificate` itself (e.g. `version`).
    TbsCertificate,
    /// An extension: its envelope (`critical`) or its value.
    Extension {
        /// The extension's OID.
        #[serde(serialize_with = "crate::oids::serialize_oid")]
        oid: ObjectIdentifier,
    },
}

impl core::fmt::Display for DerLocation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::TbsCertificate => f.write_str("tbsCertificate"),
            Self::Extension { oid } => write!(f, "extension {oid}"),
        }
    }
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
            Self::ExplicitDefaultValue { field } => write!(
                f,
                "{field} is encoded although equal to its DEFAULT (X.690 §11.5)"
            ),
        }
    }
}

/// One non-DER encoding found in a certificate, accepted in [`crate::ParseMode::Lenient`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct DerDeviation {
    /// Where it is.
    pub location: DerLocation,
    /// The rule broken.
    pub rule: DerRule,
}

impl DerDeviation {
    /// The extension that carries it, if it is in an extension.
    pub fn extension(&self) -> Option<ObjectIdentifier> {
        match self.location {
            DerLocation::Extension { oid } => Some(oid),
            DerLocation::TbsCertificate => None,
        }
    }
}

/// Every known deviation: in the raw `tbsCertificate` (explicit default `version` and
/// `Extension.critical`), then in the extension values. Extension values that do not even
/// decode are left to the consumers of those extensions.
pub(crate) fn find_deviations(cert: &x509_cert::Certificate, tbs: &[u8]) -> Vec<DerDeviation> {
    let mut out = tbs_deviations(tbs);
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
                location: DerLocation::Extension { oid },
                rule,
            });
        }
    }
    out
}

/// The contents octets of one TLV (the whole input), if it decodes.
fn contents(tlv: &[u8]) -> Option<(Tag, &[u8])> {
    let mut r = SliceReader::new(tlv).ok()?;
    let header = der::Header::decode(&mut r).ok()?;
    let value = r.read_slice(header.length).ok()?;
    r.is_finished().then_some((header.tag, value))
}

/// The TLVs of a constructed value's contents, in order (stops at the first bad one).
fn elements(value: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let Ok(mut r) = SliceReader::new(value) else {
        return out;
    };
    while !r.is_finished() {
        match r.tlv_bytes() {
            Ok(tlv) => out.push(tlv),
            Err(_) => break,
        }
    }
    out
}

/// `version [0] EXPLICIT INTEGER 0` and `critical BOOLEAN FALSE`, read from the raw bytes
/// because the decoder cannot tell an absent DEFAULT from an encoded one.
fn tbs_deviations(tbs: &[u8]) -> Vec<DerDeviation> {
    const EXPLICIT_V1: [u8; 5] = [0xa0, 0x03, 0x02, 0x01, 0x00];
    const EXTENSIONS_TAG: Tag = Tag::ContextSpecific {
        constructed: true,
        number: der::TagNumber::N3,
    };
    let mut out = Vec::new();
    let Some((Tag::Sequence, body)) = contents(tbs) else {
        return out;
    };
    let fields = elements(body);
    if fields.first() == Some(&EXPLICIT_V1.as_slice()) {
        out.push(DerDeviation {
            location: DerLocation::TbsCertificate,
            rule: DerRule::ExplicitDefaultValue {
                field: "TBSCertificate.version",
            },
        });
    }
    let Some(extensions) = fields
        .iter()
        .filter_map(|f| contents(f))
        .find(|(tag, _)| *tag == EXTENSIONS_TAG)
        .and_then(|(_, v)| contents(v))
        .map(|(_, list)| list)
    else {
        return out;
    };
    for ext in elements(extensions) {
        let Some((Tag::Sequence, body)) = contents(ext) else {
            continue;
        };
        let parts = elements(body);
        let (Some(id), Some(critical)) = (parts.first(), parts.get(1)) else {
            continue;
        };
        if *critical == [0x01, 0x01, 0x00] {
            if let Ok(oid) = ObjectIdentifier::from_der(id) {
                out.push(DerDeviation {
                    location: DerLocation::Extension { oid },
                    rule: DerRule::ExplicitDefaultBoolean {
                        field: "Extension.critical",
                    },
                });
            }
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

    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag, u8::try_from(content.len()).unwrap()];
        out.extend_from_slice(content);
        out
    }

    #[test]
    fn explicit_v1_and_critical_false_detected() {
        // SEQUENCE { [0] { INTEGER 0 }, INTEGER 1, [3] { SEQUENCE { SEQUENCE {
        //   OID 2.5.29.15, BOOLEAN FALSE, OCTET STRING { 03 02 07 80 } } } } }
        let ext = tlv(
            0x30,
            &[
                &[0x06, 0x03, 0x55, 0x1d, 0x0f][..],
                &[0x01, 0x01, 0x00],
                &tlv(0x04, &[0x03, 0x02, 0x07, 0x80]),
            ]
            .concat(),
        );
        let body = [
            &[0xa0, 0x03, 0x02, 0x01, 0x00][..],
            &[0x02, 0x01, 0x01],
            &tlv(0xa3, &tlv(0x30, &ext)),
        ]
        .concat();
        let found = tbs_deviations(&tlv(0x30, &body));
        assert_eq!(
            found,
            vec![
                DerDeviation {
                    location: DerLocation::TbsCertificate,
                    rule: DerRule::ExplicitDefaultValue {
                        field: "TBSCertificate.version"
                    },
                },
                DerDeviation {
                    location: DerLocation::Extension {
                        oid: oids::EXT_KEY_USAGE
                    },
                    rule: DerRule::ExplicitDefaultBoolean {
                        field: "Extension.critical"
                    },
                },
            ]
        );
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
