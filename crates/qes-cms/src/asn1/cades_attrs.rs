//! CAdES signed attributes that qualify the signer's intent and place: commitment-type-
//! indication (ETSI EN 319 122-1 §5.2.3, RFC 5126 §5.11.1) and signer-location
//! (EN 319 122-1 §5.2.5, RFC 5126 §5.11.2).
//!
//! Both types implement `der`'s `Encode` and `Decode` (they are `SEQUENCE`s), and offer
//! `from_der` / `to_der` with this crate's error types. The ASN.1 module of these attributes
//! uses `EXPLICIT` tags.

use const_oid::ObjectIdentifier;
use der::asn1::{ContextSpecific, Utf8StringRef};
use der::{
    Decode, DecodeValue, Encode, EncodeValue, Header, Length, Reader, Sequence, Tag, TagMode,
    TagNumber, Writer,
};

use super::{encode_err, explicit_field, oids, DecodeError};

/// A commitment type (ETSI TS 119 172-1 Annex B, RFC 5126 §5.11.1).
///
/// ```text
/// CommitmentTypeIdentifier ::= OBJECT IDENTIFIER
/// id-cti-ets-proofOfOrigin   OBJECT IDENTIFIER ::= { id-cti 1 }
/// id-cti-ets-proofOfReceipt  OBJECT IDENTIFIER ::= { id-cti 2 }
/// id-cti-ets-proofOfDelivery OBJECT IDENTIFIER ::= { id-cti 3 }
/// id-cti-ets-proofOfSender   OBJECT IDENTIFIER ::= { id-cti 4 }
/// id-cti-ets-proofOfApproval OBJECT IDENTIFIER ::= { id-cti 5 }
/// id-cti-ets-proofOfCreation OBJECT IDENTIFIER ::= { id-cti 6 }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommitmentType {
    /// The signer created, approved and sent the data.
    ProofOfOrigin,
    /// The signer received the data.
    ProofOfReceipt,
    /// A trust service delivered the data to a recipient.
    ProofOfDelivery,
    /// The signer sent the data (not necessarily created it).
    ProofOfSender,
    /// The signer approved the data.
    ProofOfApproval,
    /// The signer created the data (not necessarily approved or sent it).
    ProofOfCreation,
    /// Another commitment type, by its identifier (never one of the six above).
    Other(ObjectIdentifier),
}

impl CommitmentType {
    /// The six named commitment types.
    pub const NAMED: [Self; 6] = [
        Self::ProofOfOrigin,
        Self::ProofOfReceipt,
        Self::ProofOfDelivery,
        Self::ProofOfSender,
        Self::ProofOfApproval,
        Self::ProofOfCreation,
    ];

    /// The commitment type identifier.
    pub fn oid(&self) -> ObjectIdentifier {
        match self {
            Self::ProofOfOrigin => oids::PROOF_OF_ORIGIN,
            Self::ProofOfReceipt => oids::PROOF_OF_RECEIPT,
            Self::ProofOfDelivery => oids::PROOF_OF_DELIVERY,
            Self::ProofOfSender => oids::PROOF_OF_SENDER,
            Self::ProofOfApproval => oids::PROOF_OF_APPROVAL,
            Self::ProofOfCreation => oids::PROOF_OF_CREATION,
            Self::Other(oid) => *oid,
        }
    }

    /// The commitment type with this identifier: a named one for the six ETSI identifiers,
    /// [`CommitmentType::Other`] otherwise.
    pub fn from_oid(oid: ObjectIdentifier) -> Self {
        Self::NAMED
            .into_iter()
            .find(|t| t.oid() == oid)
            .unwrap_or(Self::Other(oid))
    }
}

impl From<ObjectIdentifier> for CommitmentType {
    fn from(oid: ObjectIdentifier) -> Self {
        Self::from_oid(oid)
    }
}

/// A qualifier of a commitment type, its syntax defined by its identifier (outside the scope
/// of ETSI EN 319 122-1).
///
/// ```text
/// CommitmentTypeQualifier ::= SEQUENCE {
///     commitmentTypeIdentifier   CommitmentTypeIdentifier,
///     qualifier                  ANY DEFINED BY commitmentTypeIdentifier OPTIONAL }
/// ```
///
/// RFC 5126 has `qualifier` mandatory, ETSI TS 101 733 (97 syntax) OPTIONAL; both decode.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct CommitmentTypeQualifier {
    /// What the qualifier is.
    pub id: ObjectIdentifier,
    /// The qualifier value, as encoded.
    #[asn1(optional = "true")]
    pub qualifier: Option<der::Any>,
}

/// The commitment-type-indication attribute value (EN 319 122-1 §5.2.3).
///
/// ```text
/// CommitmentTypeIndication ::= SEQUENCE {
///     commitmentTypeId          CommitmentTypeIdentifier,
///     commitmentTypeQualifier   SEQUENCE SIZE (1..MAX) OF
///                               CommitmentTypeQualifier OPTIONAL }
/// ```
///
/// No qualifiers is written as the field absent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitmentTypeIndication {
    /// The commitment.
    pub commitment_type: CommitmentType,
    /// Its qualifiers; empty when absent.
    pub qualifiers: Vec<CommitmentTypeQualifier>,
}

impl CommitmentTypeIndication {
    /// A commitment without qualifiers.
    pub fn new(commitment_type: CommitmentType) -> Self {
        Self {
            commitment_type,
            qualifiers: Vec::new(),
        }
    }

    /// Decode the attribute value.
    ///
    /// # Errors
    /// [`DecodeError::Der`] when it is not a DER `CommitmentTypeIndication`.
    pub fn from_der(der: &[u8]) -> Result<Self, DecodeError> {
        <Self as Decode>::from_der(der).map_err(DecodeError::der("CommitmentTypeIndication"))
    }

    /// The DER attribute value.
    ///
    /// # Errors
    /// [`crate::Error::Encode`] if a qualifier cannot be encoded.
    pub fn to_der(&self) -> crate::Result<Vec<u8>> {
        Encode::to_der(self).map_err(encode_err("CommitmentTypeIndication"))
    }
}

impl<'a> DecodeValue<'a> for CommitmentTypeIndication {
    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        reader.read_nested(header.length, |reader| {
            let oid: ObjectIdentifier = reader.decode()?;
            let qualifiers: Option<Vec<CommitmentTypeQualifier>> = reader.decode()?;
            Ok(Self {
                commitment_type: CommitmentType::from_oid(oid),
                qualifiers: qualifiers.unwrap_or_default(),
            })
        })
    }
}

impl EncodeValue for CommitmentTypeIndication {
    fn value_len(&self) -> der::Result<Length> {
        let qualifiers = if self.qualifiers.is_empty() {
            Length::ZERO
        } else {
            self.qualifiers.encoded_len()?
        };
        self.commitment_type.oid().encoded_len()? + qualifiers
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        self.commitment_type.oid().encode(writer)?;
        if !self.qualifiers.is_empty() {
            self.qualifiers.encode(writer)?;
        }
        Ok(())
    }
}

impl Sequence<'_> for CommitmentTypeIndication {}

/// Where the signer claims to have signed (EN 319 122-1 §5.2.5).
///
/// ```text
/// SignerLocation ::= SEQUENCE { -- at least one of the following shall be present
///     countryName    [0] DirectoryString OPTIONAL,
///        -- As used to name a Country in X.520
///     localityName   [1] DirectoryString OPTIONAL,
///        -- As used to name a locality in X.520
///     postalAdddress [2] PostalAddress OPTIONAL }
///
/// PostalAddress ::= SEQUENCE SIZE(1..6) OF DirectoryString
///
/// DirectoryString ::= CHOICE {                 -- X.520
///     teletexString       TeletexString (SIZE (1..MAX)),
///     printableString     PrintableString (SIZE (1..MAX)),
///     universalString     UniversalString (SIZE (1..MAX)),
///     utf8String          UTF8String (SIZE (1..MAX)),
///     bmpString           BMPString (SIZE (1..MAX)) }
/// ```
///
/// Every choice of `DirectoryString` decodes (`TeletexString` read as ISO 8859-1, as common
/// practice has it); encoding writes `UTF8String`. An empty `postal_address` is written as
/// the field absent; more than six lines cannot be encoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignerLocation {
    /// The country.
    pub country_name: Option<String>,
    /// The locality (city).
    pub locality_name: Option<String>,
    /// The postal address, one to six lines.
    pub postal_address: Vec<String>,
}

/// The most lines a `PostalAddress` holds.
const MAX_POSTAL_LINES: usize = 6;

impl SignerLocation {
    /// Decode the attribute value.
    ///
    /// # Errors
    /// [`DecodeError::Der`] when it is not a DER `SignerLocation` (a postal address of no or
    /// more than six lines included, or text that is not valid in its string type).
    pub fn from_der(der: &[u8]) -> Result<Self, DecodeError> {
        <Self as Decode>::from_der(der).map_err(DecodeError::der("SignerLocation"))
    }

    /// The DER attribute value.
    ///
    /// # Errors
    /// [`crate::Error::Encode`] for a postal address of more than six lines.
    pub fn to_der(&self) -> crate::Result<Vec<u8>> {
        Encode::to_der(self).map_err(encode_err("SignerLocation"))
    }

    /// The three fields as the `EXPLICIT`-tagged `UTF8String`s they are written as.
    #[allow(clippy::type_complexity)]
    fn fields(
        &self,
    ) -> der::Result<(
        Option<ContextSpecific<Utf8StringRef<'_>>>,
        Option<ContextSpecific<Utf8StringRef<'_>>>,
        Option<ContextSpecific<Vec<Utf8StringRef<'_>>>>,
    )> {
        if self.postal_address.len() > MAX_POSTAL_LINES {
            return Err(Tag::Sequence.length_error());
        }
        let postal = if self.postal_address.is_empty() {
            None
        } else {
            let lines = self
                .postal_address
                .iter()
                .map(Utf8StringRef::new)
                .collect::<der::Result<Vec<_>>>()?;
            Some(ContextSpecific {
                tag_number: TagNumber::N2,
                tag_mode: TagMode::Explicit,
                value: lines,
            })
        };
        Ok((
            explicit_text(TagNumber::N0, self.country_name.as_deref())?,
            explicit_text(TagNumber::N1, self.locality_name.as_deref())?,
            postal,
        ))
    }
}

/// `[number] EXPLICIT UTF8String`, when there is text.
fn explicit_text(
    tag_number: TagNumber,
    text: Option<&str>,
) -> der::Result<Option<ContextSpecific<Utf8StringRef<'_>>>> {
    text.map(|t| {
        Utf8StringRef::new(t).map(|value| ContextSpecific {
            tag_number,
            tag_mode: TagMode::Explicit,
            value,
        })
    })
    .transpose()
}

impl<'a> DecodeValue<'a> for SignerLocation {
    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        reader.read_nested(header.length, |reader| {
            let country: Option<DirectoryText> = explicit_field(reader, TagNumber::N0)?;
            let locality: Option<DirectoryText> = explicit_field(reader, TagNumber::N1)?;
            let postal: Option<Vec<DirectoryText>> = explicit_field(reader, TagNumber::N2)?;
            let has_postal = postal.is_some();
            let postal_address: Vec<String> = postal
                .map(|p| p.into_iter().map(|t| t.0).collect())
                .unwrap_or_default();
            if has_postal && !(1..=MAX_POSTAL_LINES).contains(&postal_address.len()) {
                return Err(Tag::Sequence.length_error());
            }
            Ok(Self {
                country_name: country.map(|c| c.0),
                locality_name: locality.map(|l| l.0),
                postal_address,
            })
        })
    }
}

impl EncodeValue for SignerLocation {
    fn value_len(&self) -> der::Result<Length> {
        let (country, locality, postal) = self.fields()?;
        (country.encoded_len()? + locality.encoded_len()?)? + postal.encoded_len()?
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        let (country, locality, postal) = self.fields()?;
        country.encode(writer)?;
        locality.encode(writer)?;
        postal.encode(writer)
    }
}

impl Sequence<'_> for SignerLocation {}

/// A `DirectoryString` of any choice, as text. Read by hand: `der` 0.7 has no tag for
/// `UniversalString` (`0x1C`).
struct DirectoryText(String);

impl<'a> Decode<'a> for DirectoryText {
    fn decode<R: Reader<'a>>(reader: &mut R) -> der::Result<Self> {
        let identifier = reader.read_byte()?;
        let length = Length::decode(reader)?;
        let bytes = reader.read_vec(length)?;
        let invalid = |tag: Tag| tag.value_error();
        let text = match identifier {
            0x0C => String::from_utf8(bytes).map_err(|_| invalid(Tag::Utf8String))?,
            0x13 => {
                if !bytes.is_ascii() {
                    return Err(invalid(Tag::PrintableString));
                }
                String::from_utf8(bytes).map_err(|_| invalid(Tag::PrintableString))?
            }
            // ISO 8859-1: each octet is the code point.
            0x14 => bytes.iter().map(|b| char::from(*b)).collect(),
            0x1E => {
                if bytes.len() % 2 != 0 {
                    return Err(invalid(Tag::BmpString));
                }
                let units = bytes
                    .chunks_exact(2)
                    .map(|c| <[u8; 2]>::try_from(c).map_or(0xFFFF, u16::from_be_bytes));
                char::decode_utf16(units)
                    .collect::<Result<String, _>>()
                    .map_err(|_| invalid(Tag::BmpString))?
            }
            0x1C => {
                let bad = || {
                    der::Error::from(der::ErrorKind::Value {
                        tag: Tag::Utf8String,
                    })
                };
                if bytes.len() % 4 != 0 {
                    return Err(bad());
                }
                bytes
                    .chunks_exact(4)
                    .map(|c| {
                        let quad = <[u8; 4]>::try_from(c).map_err(|_| bad())?;
                        char::from_u32(u32::from_be_bytes(quad)).ok_or_else(bad)
                    })
                    .collect::<der::Result<String>>()?
            }
            other => {
                return Err(match Tag::try_from(other) {
                    Ok(tag) => tag.unexpected_error(None),
                    Err(e) => e,
                })
            }
        };
        Ok(Self(text))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn commitment_types() {
        for t in CommitmentType::NAMED {
            assert_eq!(CommitmentType::from_oid(t.oid()), t);
        }
        assert_eq!(
            CommitmentType::ProofOfCreation.oid().to_string(),
            "1.2.840.113549.1.9.16.6.6"
        );
        let other = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.99");
        assert_eq!(
            CommitmentType::from_oid(other),
            CommitmentType::Other(other)
        );
        assert_eq!(CommitmentType::Other(other).oid(), other);
    }

    #[test]
    fn commitment_round_trip() {
        let plain = CommitmentTypeIndication::new(CommitmentType::ProofOfApproval);
        let der = plain.to_der().unwrap();
        // SEQUENCE { OID 1.2.840.113549.1.9.16.6.5 }
        assert_eq!(
            der,
            [
                &[0x30, 0x0D, 0x06, 0x0B][..],
                oids::PROOF_OF_APPROVAL.as_bytes()
            ]
            .concat()
        );
        assert_eq!(CommitmentTypeIndication::from_der(&der).unwrap(), plain);

        let mut qualified = CommitmentTypeIndication::new(CommitmentType::Other(
            ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.99"),
        ));
        qualified.qualifiers.push(CommitmentTypeQualifier {
            id: ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.99.1"),
            qualifier: Some(der::Any::new(Tag::Utf8String, b"why".to_vec()).unwrap()),
        });
        qualified.qualifiers.push(CommitmentTypeQualifier {
            id: ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.99.2"),
            qualifier: None,
        });
        let der = qualified.to_der().unwrap();
        assert_eq!(CommitmentTypeIndication::from_der(&der).unwrap(), qualified);
        assert!(CommitmentTypeIndication::from_der(&[0x30, 0x00]).is_err());
    }

    #[test]
    fn signer_location_round_trip() {
        let loc = SignerLocation {
            country_name: Some("RO".into()),
            locality_name: Some("Brașov".into()),
            postal_address: vec!["Str. Mureșenilor 1".into(), "500030".into()],
        };
        let der = loc.to_der().unwrap();
        assert_eq!(
            &der[2..6],
            &[0xA0, 0x04, 0x0C, 0x02],
            "[0] EXPLICIT UTF8String"
        );
        assert_eq!(SignerLocation::from_der(&der).unwrap(), loc);
        let empty = SignerLocation::default();
        assert_eq!(empty.to_der().unwrap(), [0x30, 0x00]);
        assert_eq!(SignerLocation::from_der(&[0x30, 0x00]).unwrap(), empty);
        let long = SignerLocation {
            postal_address: vec!["x".into(); 7],
            ..SignerLocation::default()
        };
        assert!(long.to_der().is_err());
    }

    #[test]
    fn directory_string_choices() {
        // [1] PrintableString "Iasi", [0] absent, [2] { BMPString "Ș", UniversalString "ț", TeletexString "é" }
        let der = [
            0x30, 0x19, 0xA1, 0x06, 0x13, 0x04, b'I', b'a', b's', b'i', 0xA2, 0x0F, 0x30, 0x0D,
            0x1E, 0x02, 0x02, 0x18, 0x1C, 0x04, 0x00, 0x00, 0x02, 0x1B, 0x14, 0x01, 0xE9,
        ];
        let loc = SignerLocation::from_der(&der).unwrap();
        assert_eq!(loc.country_name, None);
        assert_eq!(loc.locality_name.as_deref(), Some("Iasi"));
        assert_eq!(loc.postal_address, vec!["Ș", "ț", "é"]);
        // An unpaired surrogate in a BMPString, an invalid code point in a UniversalString.
        let bad_bmp = [0x30, 0x06, 0xA0, 0x04, 0x1E, 0x02, 0xD8, 0x00];
        assert!(SignerLocation::from_der(&bad_bmp).is_err());
        let bad_ucs = [0x30, 0x08, 0xA0, 0x06, 0x1C, 0x04, 0x00, 0x11, 0x00, 0x00];
        assert!(SignerLocation::from_der(&bad_ucs).is_err());
        // An empty PostalAddress, and an INTEGER where a DirectoryString belongs.
        assert!(SignerLocation::from_der(&[0x30, 0x04, 0xA2, 0x02, 0x30, 0x00]).is_err());
        assert!(SignerLocation::from_der(&[0x30, 0x05, 0xA0, 0x03, 0x02, 0x01, 0x01]).is_err());
        // Fields out of order.
        let swapped = [
            0x30, 0x0C, 0xA1, 0x04, 0x0C, 0x02, b'B', b'V', 0xA0, 0x04, 0x0C, 0x02, b'R', b'O',
        ];
        assert!(SignerLocation::from_der(&swapped).is_err());
    }
}
