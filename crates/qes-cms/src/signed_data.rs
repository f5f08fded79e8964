//! A read-only view of CMS `SignedData` (RFC 5652 §5) over the bytes as received.
//!
//! ```text
//! ContentInfo ::= SEQUENCE {
//!   contentType ContentType,
//!   content [0] EXPLICIT ANY DEFINED BY contentType }
//!
//! SignedData ::= SEQUENCE {
//!   version CMSVersion,
//!   digestAlgorithms DigestAlgorithmIdentifiers,
//!   encapContentInfo EncapsulatedContentInfo,
//!   certificates [0] IMPLICIT CertificateSet OPTIONAL,
//!   crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
//!   signerInfos SignerInfos }
//!
//! EncapsulatedContentInfo ::= SEQUENCE {
//!   eContentType ContentType,
//!   eContent [0] EXPLICIT OCTET STRING OPTIONAL }
//!
//! SignerInfo ::= SEQUENCE {
//!   version CMSVersion,
//!   sid SignerIdentifier,
//!   digestAlgorithm DigestAlgorithmIdentifier,
//!   signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL,
//!   signatureAlgorithm SignatureAlgorithmIdentifier,
//!   signature SignatureValue,
//!   unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
//!
//! Attribute ::= SEQUENCE {
//!   attrType OBJECT IDENTIFIER,
//!   attrValues SET OF AttributeValue }
//! ```
//!
//! Input may be BER (indefinite lengths, constructed OCTET STRINGs, as streaming producers
//! write): it is first normalized to definite lengths without reordering anything
//! ([`crate::asn1::normalize_to_der`]).

use crate::asn1::oids;
use crate::tlv::{self, Tlv};
use crate::{Error, Result};
use const_oid::ObjectIdentifier;
use der::Tag;
use spki::AlgorithmIdentifierOwned;
use x509_cert::{name::Name, serial_number::SerialNumber};

/// How a `SignerInfo` names its certificate (RFC 5652 §5.3).
///
/// ```text
/// SignerIdentifier ::= CHOICE {
///   issuerAndSerialNumber IssuerAndSerialNumber,
///   subjectKeyIdentifier [0] SubjectKeyIdentifier }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignerId {
    /// Issuer name and serial number (SignerInfo version 1).
    IssuerSerial {
        /// The issuer's distinguished name.
        issuer: Name,
        /// The certificate serial number.
        serial: SerialNumber,
    },
    /// The subject key identifier (SignerInfo version 3).
    SubjectKeyId(Vec<u8>),
}

impl SignerId {
    /// Whether `cert` is the certificate this identifier names.
    pub fn matches(&self, cert: &qes_cert::Certificate) -> bool {
        match self {
            Self::IssuerSerial { issuer, serial } => {
                cert.issuer() == issuer && cert.x509().tbs_certificate.serial_number == *serial
            }
            Self::SubjectKeyId(ski) => matches!(
                cert.extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>(),
                Ok(Some((_, found))) if found.0.as_bytes() == ski.as_slice()
            ),
        }
    }
}

/// One attribute as received.
#[derive(Clone, Debug)]
pub(crate) struct AttributeView<'a> {
    pub oid: ObjectIdentifier,
    /// Each value's full TLV bytes.
    pub values: Vec<&'a [u8]>,
}

/// A `SET OF Attribute` as received (signed or unsigned attributes).
#[derive(Clone, Debug)]
pub(crate) struct AttributesView<'a> {
    /// Content octets of the `[0]`/`[1] IMPLICIT` element.
    pub content: &'a [u8],
    pub attributes: Vec<AttributeView<'a>>,
}

impl<'a> AttributesView<'a> {
    fn parse(tlv: &Tlv<'a>) -> Result<Self> {
        let mut attributes = Vec::new();
        for attr in tlv::children(tlv.value, "attribute")? {
            tlv::check_tag(&attr, Tag::Sequence, "attribute")?;
            let parts = tlv::children(attr.value, "attribute")?;
            let [oid, values] = parts.as_slice() else {
                return Err(malformed(
                    "attribute",
                    "not SEQUENCE { attrType, attrValues }",
                ));
            };
            let oid: ObjectIdentifier = tlv::decode(oid, "attribute type")?;
            tlv::check_tag(values, Tag::Set, "attribute values")?;
            let values = tlv::children(values.value, "attribute values")?;
            attributes.push(AttributeView {
                oid,
                values: values.iter().map(|v| v.full).collect(),
            });
        }
        Ok(Self {
            content: tlv.value,
            attributes,
        })
    }

    /// The attributes with type `oid`.
    pub fn all(&self, oid: ObjectIdentifier) -> impl Iterator<Item = &AttributeView<'a>> {
        self.attributes.iter().filter(move |a| a.oid == oid)
    }

    /// The DER the signature covers: the attributes re-tagged as `SET OF` (RFC 5652 §5.4),
    /// content octets exactly as received.
    pub fn signed_bytes(&self) -> Vec<u8> {
        tlv::encode(tlv::tags::SET, self.content)
    }
}

/// One `SignerInfo` as received.
#[derive(Clone, Debug)]
pub(crate) struct SignerInfoView<'a> {
    /// The whole SignerInfo element.
    pub full: &'a [u8],
    /// Elements from `version` up to and including `signature`, as received.
    pub signed_part: &'a [u8],
    pub sid: SignerId,
    pub digest_algorithm: AlgorithmIdentifierOwned,
    pub signed_attrs: Option<AttributesView<'a>>,
    pub signature_algorithm: AlgorithmIdentifierOwned,
    pub signature: &'a [u8],
    pub unsigned_attrs: Option<AttributesView<'a>>,
}

impl<'a> SignerInfoView<'a> {
    /// Parse one SignerInfo from its full TLV.
    pub fn parse(full: &'a [u8]) -> Result<Self> {
        let tlv = tlv::expect(full, Tag::Sequence, "SignerInfo")?;
        let parts = tlv::children(tlv.value, "SignerInfo")?;
        let mut it = parts.iter().peekable();
        let mut next = |what: &'static str| it.next().ok_or_else(|| malformed("SignerInfo", what));
        let version = tlv::small_uint(next("missing version")?, "SignerInfo version")?;
        let sid_tlv = next("missing sid")?;
        let sid =
            match tlv::decode::<cms::signed_data::SignerIdentifier>(sid_tlv, "SignerIdentifier")? {
                cms::signed_data::SignerIdentifier::IssuerAndSerialNumber(ias) => {
                    SignerId::IssuerSerial {
                        issuer: ias.issuer,
                        serial: ias.serial_number,
                    }
                }
                cms::signed_data::SignerIdentifier::SubjectKeyIdentifier(ski) => {
                    SignerId::SubjectKeyId(ski.0.as_bytes().to_vec())
                }
            };
        // RFC 5652 §5.3: version 1 with issuerAndSerialNumber, 3 with subjectKeyIdentifier.
        let expected_version = match sid {
            SignerId::IssuerSerial { .. } => 1,
            SignerId::SubjectKeyId(_) => 3,
        };
        if version != expected_version {
            return Err(malformed(
                "SignerInfo",
                "version does not match the signer identifier (RFC 5652 §5.3)",
            ));
        }
        let digest_algorithm = tlv::decode(next("missing digestAlgorithm")?, "digestAlgorithm")?;
        let mut signed_attrs = None;
        let mut element = next("missing signatureAlgorithm")?;
        if element.tag == tlv::context(0, true) {
            signed_attrs = Some(AttributesView::parse(element)?);
            element = next("missing signatureAlgorithm")?;
        }
        let signature_algorithm = tlv::decode(element, "signatureAlgorithm")?;
        let signature_tlv = next("missing signature")?;
        tlv::check_tag(signature_tlv, Tag::OctetString, "signature")?;
        let mut unsigned_attrs = None;
        if let Some(element) = it.next() {
            if element.tag != tlv::context(1, true) {
                return Err(malformed(
                    "SignerInfo",
                    "unexpected element after signature",
                ));
            }
            unsigned_attrs = Some(AttributesView::parse(element)?);
        }
        if it.next().is_some() {
            return Err(malformed("SignerInfo", "trailing elements"));
        }
        // Everything from `version` to `signature`: the children before unsignedAttrs.
        let signed_children = if unsigned_attrs.is_some() {
            parts.len() - 1
        } else {
            parts.len()
        };
        let signed_len: usize = parts
            .iter()
            .take(signed_children)
            .map(|p| p.full.len())
            .sum();
        let signed_part = tlv.value.get(..signed_len).unwrap_or_default();
        Ok(Self {
            full: tlv.full,
            signed_part,
            sid,
            digest_algorithm,
            signed_attrs,
            signature_algorithm,
            signature: signature_tlv.value,
            unsigned_attrs,
        })
    }
}

/// A parsed `SignedData` over the (normalized) input.
#[derive(Clone, Debug)]
pub(crate) struct SignedDataView<'a> {
    pub digest_algorithms: Vec<AlgorithmIdentifierOwned>,
    pub econtent_type: ObjectIdentifier,
    /// The encapsulated content octets, when attached.
    pub econtent: Option<&'a [u8]>,
    /// Each `certificate` choice of the CertificateSet, full TLV (other choices skipped).
    pub certificates: Vec<&'a [u8]>,
    /// Each `CertificateList` of the RevocationInfoChoices, full TLV.
    pub crls: Vec<&'a [u8]>,
    /// Every CertificateChoices entry as received (other formats too), for rebuilding.
    pub certificate_set: Vec<&'a [u8]>,
    /// Every RevocationInfoChoice as received (`[1] OtherRevocationInfoFormat`, e.g. OCSP
    /// responses, too), for rebuilding.
    pub revocation_set: Vec<&'a [u8]>,
    pub signer_infos: Vec<SignerInfoView<'a>>,
    /// The encoded parts, as received, for rebuilding with new signers.
    pub parts: SignedDataParts<'a>,
}

/// The raw parts of a SignedData, for the builder to reassemble.
#[derive(Clone, Debug)]
pub(crate) struct SignedDataParts<'a> {
    pub encap_content_info: &'a [u8],
}

impl<'a> SignedDataView<'a> {
    /// Parse a `ContentInfo` that must hold `SignedData`, from DER (normalize BER first).
    pub fn parse_content_info(der: &'a [u8]) -> Result<Self> {
        let ci = tlv::expect(der, Tag::Sequence, "ContentInfo")?;
        let parts = tlv::children(ci.value, "ContentInfo")?;
        let [content_type, content] = parts.as_slice() else {
            return Err(malformed(
                "ContentInfo",
                "not SEQUENCE { contentType, [0] content }",
            ));
        };
        let content_type: ObjectIdentifier = tlv::decode(content_type, "contentType")?;
        if content_type != oids::ID_SIGNED_DATA {
            return Err(Error::UnexpectedContentType {
                expected: oids::ID_SIGNED_DATA,
                found: content_type,
            });
        }
        tlv::check_tag(content, tlv::context(0, true), "ContentInfo content")?;
        Self::parse(tlv::single(content.value, "SignedData")?.full)
    }

    /// Parse a bare `SignedData` SEQUENCE.
    pub fn parse(der: &'a [u8]) -> Result<Self> {
        let sd = tlv::expect(der, Tag::Sequence, "SignedData")?;
        let parts = tlv::children(sd.value, "SignedData")?;
        let mut it = parts.iter().peekable();
        let version = tlv::small_uint(
            it.next()
                .ok_or_else(|| malformed("SignedData", "missing version"))?,
            "SignedData version",
        )?;
        // RFC 5652 §5.1: 1, 3, 4 or 5.
        if !matches!(version, 1 | 3 | 4 | 5) {
            return Err(malformed("SignedData", "version is not 1, 3, 4 or 5"));
        }
        let algs = it
            .next()
            .ok_or_else(|| malformed("SignedData", "missing digestAlgorithms"))?;
        tlv::check_tag(algs, Tag::Set, "digestAlgorithms")?;
        let digest_algorithms = tlv::children(algs.value, "digestAlgorithms")?
            .iter()
            .map(|a| tlv::decode(a, "digestAlgorithm"))
            .collect::<Result<Vec<AlgorithmIdentifierOwned>, _>>()?;
        let encap = it
            .next()
            .ok_or_else(|| malformed("SignedData", "missing encapContentInfo"))?;
        tlv::check_tag(encap, Tag::Sequence, "encapContentInfo")?;
        let encap_parts = tlv::children(encap.value, "encapContentInfo")?;
        let (econtent_type, econtent) = match encap_parts.as_slice() {
            [t] => (tlv::decode::<ObjectIdentifier>(t, "eContentType")?, None),
            [t, c] => {
                tlv::check_tag(c, tlv::context(0, true), "eContent")?;
                let octets = tlv::expect(c.value, Tag::OctetString, "eContent")?;
                (
                    tlv::decode::<ObjectIdentifier>(t, "eContentType")?,
                    Some(octets.value),
                )
            }
            _ => {
                return Err(malformed(
                    "encapContentInfo",
                    "not SEQUENCE { eContentType, [0] eContent OPTIONAL }",
                ))
            }
        };
        let mut certificates = Vec::new();
        let mut crls = Vec::new();
        let mut certificate_set = Vec::new();
        let mut revocation_set = Vec::new();
        if let Some(certs) = it.next_if(|t| t.tag == tlv::context(0, true)) {
            for choice in tlv::children(certs.value, "certificates")? {
                certificate_set.push(choice.full);
                if choice.tag == Tag::Sequence {
                    certificates.push(choice.full);
                }
            }
        }
        if let Some(list) = it.next_if(|t| t.tag == tlv::context(1, true)) {
            for choice in tlv::children(list.value, "crls")? {
                revocation_set.push(choice.full);
                if choice.tag == Tag::Sequence {
                    crls.push(choice.full);
                }
            }
        }
        let infos = it
            .next()
            .ok_or_else(|| malformed("SignedData", "missing signerInfos"))?;
        tlv::check_tag(infos, Tag::Set, "signerInfos")?;
        let signer_infos = tlv::children(infos.value, "signerInfos")?
            .iter()
            .map(|si| SignerInfoView::parse(si.full))
            .collect::<Result<Vec<_>, _>>()?;
        if it.next().is_some() {
            return Err(malformed("SignedData", "trailing elements"));
        }
        Ok(Self {
            digest_algorithms,
            econtent_type,
            econtent,
            certificates,
            crls,
            certificate_set,
            revocation_set,
            signer_infos,
            parts: SignedDataParts {
                encap_content_info: encap.full,
            },
        })
    }
}

pub(crate) fn malformed(what: &'static str, reason: &'static str) -> Error {
    Error::Structure { what, reason }
}
