//! ESS signing-certificate attributes: which certificate a signer (or a TSA) signed with
//! (RFC 2634 §5.4 with SHA-1, RFC 5035 §3 with any hash; ETSI EN 319 122-1 §5.2.2.3).
//!
//! Both attribute values decode and encode here, and [`EssCertId::binding`] /
//! [`EssCertIdV2::binding`] say whether a reference names a given certificate: the hash of its
//! DER and, when present, its issuer and serial number.

use const_oid::db::rfc5912::{ID_SHA_1, ID_SHA_256};
use const_oid::ObjectIdentifier;
use der::asn1::OctetString;
use der::{Decode, DecodeValue, Encode, EncodeValue, Header, Length, Reader, Sequence, Writer};
use sha1::Digest as _;
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::pkix::certpolicy::PolicyInformation;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;

use super::{encode_err, DecodeError};

/// The issuer and serial number of a referenced certificate (RFC 2634 §5.4.1, RFC 5035 §4).
///
/// ```text
/// IssuerSerial ::= SEQUENCE {
///     issuer                   GeneralNames,
///     serialNumber             CertificateSerialNumber }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct IssuerSerial {
    /// The issuer's names; a certificate reference carries its issuer as one `directoryName`.
    pub issuer: Vec<GeneralName>,
    /// The certificate's serial number.
    pub serial_number: SerialNumber,
}

impl IssuerSerial {
    /// `issuer` as the single `directoryName` and `serial`.
    pub fn new(issuer: &Name, serial: &SerialNumber) -> Self {
        Self {
            issuer: vec![GeneralName::DirectoryName(issuer.clone())],
            serial_number: serial.clone(),
        }
    }

    /// Whether this names `cert`: a `directoryName` equal to its issuer (compared as encoded)
    /// and the same serial number.
    fn matches(&self, cert: &qes_cert::Certificate) -> IssuerSerialMatch {
        let issuer_matches = self
            .issuer
            .iter()
            .any(|n| matches!(n, GeneralName::DirectoryName(name) if name == cert.issuer()));
        let serial_matches =
            self.serial_number.as_bytes() == cert.x509().tbs_certificate.serial_number.as_bytes();
        if issuer_matches && serial_matches {
            IssuerSerialMatch::Matches
        } else {
            IssuerSerialMatch::Differs
        }
    }
}

/// A certificate reference with a SHA-1 hash (RFC 2634 §5.4.1).
///
/// ```text
/// ESSCertID ::=  SEQUENCE {
///      certHash                 Hash,
///      issuerSerial             IssuerSerial OPTIONAL }
///
/// Hash ::= OCTET STRING -- SHA1 hash of entire certificate
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct EssCertId {
    /// SHA-1 of the certificate's DER.
    pub cert_hash: OctetString,
    /// The certificate's issuer and serial number.
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

impl EssCertId {
    /// The reference to the certificate `cert_der`, issued by `issuer` with `serial`.
    ///
    /// SHA-1 is what RFC 2634 defines; new signatures use [`EssCertIdV2`].
    ///
    /// # Errors
    /// [`crate::Error::Encode`] only if the hash cannot be held (never in practice).
    pub fn for_certificate(
        cert_der: &[u8],
        issuer: &Name,
        serial: &SerialNumber,
    ) -> crate::Result<Self> {
        Ok(Self {
            cert_hash: OctetString::new(sha1::Sha1::digest(cert_der).to_vec())
                .map_err(encode_err("ESSCertID.certHash"))?,
            issuer_serial: Some(IssuerSerial::new(issuer, serial)),
        })
    }

    /// Whether this reference names `cert`.
    pub fn binding(&self, cert: &qes_cert::Certificate) -> EssBinding {
        binding(
            ID_SHA_1,
            self.cert_hash.as_bytes(),
            self.issuer_serial.as_ref(),
            cert,
        )
    }
}

/// The signing-certificate attribute value (RFC 2634 §5.4).
///
/// ```text
/// SigningCertificate ::=  SEQUENCE {
///     certs        SEQUENCE OF ESSCertID,
///     policies     SEQUENCE OF PolicyInformation OPTIONAL }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct SigningCertificate {
    /// The first names the signing certificate; the others may constrain the path.
    pub certs: Vec<EssCertId>,
    /// Policies the signing certificate is meant for.
    #[asn1(optional = "true")]
    pub policies: Option<Vec<PolicyInformation>>,
}

impl SigningCertificate {
    /// Decode the attribute value.
    ///
    /// # Errors
    /// [`DecodeError::Der`] when it is not a DER `SigningCertificate`;
    /// [`DecodeError::Value`] when `certs` is empty.
    pub fn from_der(der: &[u8]) -> Result<Self, DecodeError> {
        let value =
            <Self as Decode>::from_der(der).map_err(DecodeError::der("SigningCertificate"))?;
        non_empty(&value.certs, "SigningCertificate.certs")?;
        Ok(value)
    }

    /// The DER attribute value.
    ///
    /// # Errors
    /// [`crate::Error::Encode`] if a part cannot be encoded.
    pub fn to_der(&self) -> crate::Result<Vec<u8>> {
        Encode::to_der(self).map_err(encode_err("SigningCertificate"))
    }

    /// The reference to the signing certificate: the first (RFC 2634 §5.4).
    pub fn signing_cert_id(&self) -> Option<&EssCertId> {
        self.certs.first()
    }
}

/// The `hashAlgorithm` DEFAULT of [`EssCertIdV2`]: SHA-256, parameters absent.
fn sha256_identifier() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: ID_SHA_256,
        parameters: None,
    }
}

/// A certificate reference with any hash algorithm (RFC 5035 §4).
///
/// ```text
/// ESSCertIDv2 ::=  SEQUENCE {
///     hashAlgorithm           AlgorithmIdentifier
///                             DEFAULT {algorithm id-sha256},
///     certHash                 Hash,
///     issuerSerial             IssuerSerial OPTIONAL
/// }
///
/// Hash ::= OCTET STRING
/// ```
///
/// An absent `hashAlgorithm` decodes as SHA-256; SHA-256 with absent parameters is omitted
/// when encoding (X.690 §11.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EssCertIdV2 {
    /// The hash algorithm of `cert_hash`.
    pub hash_algorithm: AlgorithmIdentifierOwned,
    /// The hash of the certificate's DER.
    pub cert_hash: OctetString,
    /// The certificate's issuer and serial number.
    pub issuer_serial: Option<IssuerSerial>,
}

// By hand: `der` 0.7's derive cannot compare a non-`Copy` field with its DEFAULT.
impl<'a> DecodeValue<'a> for EssCertIdV2 {
    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        reader.read_nested(header.length, |reader| {
            let hash_algorithm: Option<AlgorithmIdentifierOwned> = reader.decode()?;
            Ok(Self {
                hash_algorithm: hash_algorithm.unwrap_or_else(sha256_identifier),
                cert_hash: reader.decode()?,
                issuer_serial: reader.decode()?,
            })
        })
    }
}

impl EncodeValue for EssCertIdV2 {
    fn value_len(&self) -> der::Result<Length> {
        let algorithm = if self.hash_algorithm == sha256_identifier() {
            Length::ZERO
        } else {
            self.hash_algorithm.encoded_len()?
        };
        (algorithm + self.cert_hash.encoded_len()?)? + self.issuer_serial.encoded_len()?
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        if self.hash_algorithm != sha256_identifier() {
            self.hash_algorithm.encode(writer)?;
        }
        self.cert_hash.encode(writer)?;
        self.issuer_serial.encode(writer)
    }
}

impl Sequence<'_> for EssCertIdV2 {}

impl EssCertIdV2 {
    /// The reference to the certificate `cert_der`, issued by `issuer` with `serial`, hashed
    /// with `digest` (parameters absent, RFC 5754 §2).
    ///
    /// # Errors
    /// [`crate::Error::Encode`] only if the hash cannot be held (never in practice).
    pub fn for_certificate(
        cert_der: &[u8],
        issuer: &Name,
        serial: &SerialNumber,
        digest: qes_signer::DigestAlgorithm,
    ) -> crate::Result<Self> {
        Ok(Self {
            hash_algorithm: digest.algorithm_identifier(),
            cert_hash: OctetString::new(digest.digest(cert_der))
                .map_err(encode_err("ESSCertIDv2.certHash"))?,
            issuer_serial: Some(IssuerSerial::new(issuer, serial)),
        })
    }

    /// Whether this reference names `cert`. SHA-1 (legacy, named in
    /// [`EssBinding::hash_algorithm`]), SHA-256, SHA-384 and SHA-512 are computed.
    pub fn binding(&self, cert: &qes_cert::Certificate) -> EssBinding {
        binding(
            self.hash_algorithm.oid,
            self.cert_hash.as_bytes(),
            self.issuer_serial.as_ref(),
            cert,
        )
    }
}

/// The signing-certificate-v2 attribute value (RFC 5035 §3).
///
/// ```text
/// SigningCertificateV2 ::=  SEQUENCE {
///     certs        SEQUENCE OF ESSCertIDv2,
///     policies     SEQUENCE OF PolicyInformation OPTIONAL
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct SigningCertificateV2 {
    /// The first names the signing certificate; the others may constrain the path.
    pub certs: Vec<EssCertIdV2>,
    /// Policies the signing certificate is meant for.
    #[asn1(optional = "true")]
    pub policies: Option<Vec<PolicyInformation>>,
}

impl SigningCertificateV2 {
    /// Decode the attribute value.
    ///
    /// # Errors
    /// [`DecodeError::Der`] when it is not a DER `SigningCertificateV2`;
    /// [`DecodeError::Value`] when `certs` is empty.
    pub fn from_der(der: &[u8]) -> Result<Self, DecodeError> {
        let value =
            <Self as Decode>::from_der(der).map_err(DecodeError::der("SigningCertificateV2"))?;
        non_empty(&value.certs, "SigningCertificateV2.certs")?;
        Ok(value)
    }

    /// The DER attribute value.
    ///
    /// # Errors
    /// [`crate::Error::Encode`] if a part cannot be encoded.
    pub fn to_der(&self) -> crate::Result<Vec<u8>> {
        Encode::to_der(self).map_err(encode_err("SigningCertificateV2"))
    }

    /// The reference to the signing certificate: the first (RFC 5035 §3).
    pub fn signing_cert_id(&self) -> Option<&EssCertIdV2> {
        self.certs.first()
    }
}

fn non_empty<T>(certs: &[T], what: &'static str) -> Result<(), DecodeError> {
    if certs.is_empty() {
        Err(DecodeError::Value {
            what,
            reason: "no certificate reference",
        })
    } else {
        Ok(())
    }
}

/// How a certificate reference relates to a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EssBinding {
    /// The hash algorithm of the reference (SHA-1 for [`EssCertId`]).
    pub hash_algorithm: ObjectIdentifier,
    /// Whether the certificate's hash is the one referenced.
    pub cert_hash: HashMatch,
    /// Whether the issuer and serial number, when referenced, are the certificate's.
    pub issuer_serial: IssuerSerialMatch,
}

impl EssBinding {
    /// The reference names the certificate: its hash matches and no issuer-serial differs.
    pub fn is_bound(&self) -> bool {
        self.cert_hash == HashMatch::Matches && self.issuer_serial != IssuerSerialMatch::Differs
    }
}

/// The certificate hash check of an [`EssBinding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HashMatch {
    /// The certificate's hash is the referenced one.
    Matches,
    /// It is not.
    Mismatch,
    /// The reference's hash algorithm is not one this crate computes.
    UnsupportedAlgorithm,
}

/// The issuer-serial check of an [`EssBinding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IssuerSerialMatch {
    /// Present, and the certificate's issuer and serial number.
    Matches,
    /// Present, and another issuer or serial number.
    Differs,
    /// Not in the reference.
    Absent,
}

fn binding(
    hash_algorithm: ObjectIdentifier,
    cert_hash: &[u8],
    issuer_serial: Option<&IssuerSerial>,
    cert: &qes_cert::Certificate,
) -> EssBinding {
    let computed = if hash_algorithm == ID_SHA_1 {
        Some(sha1::Sha1::digest(cert.der()).to_vec())
    } else {
        qes_signer::DigestAlgorithm::from_oid(&hash_algorithm).map(|d| d.digest(cert.der()))
    };
    let cert_hash = match computed {
        Some(h) if h == cert_hash => HashMatch::Matches,
        Some(_) => HashMatch::Mismatch,
        None => HashMatch::UnsupportedAlgorithm,
    };
    EssBinding {
        hash_algorithm,
        cert_hash,
        issuer_serial: issuer_serial.map_or(IssuerSerialMatch::Absent, |is| is.matches(cert)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use qes_signer::DigestAlgorithm;

    #[test]
    fn sha256_default_is_omitted_and_implied() {
        let name = Name::default();
        let serial = SerialNumber::new(&[1]).unwrap();
        let id =
            EssCertIdV2::for_certificate(b"cert", &name, &serial, DigestAlgorithm::Sha256).unwrap();
        let der = id.to_der().unwrap();
        // SEQUENCE { OCTET STRING (32), IssuerSerial }: no AlgorithmIdentifier first.
        assert_eq!(&der[2..4], &[0x04, 0x20]);
        assert_eq!(EssCertIdV2::from_der(&der).unwrap(), id);
        let id384 =
            EssCertIdV2::for_certificate(b"cert", &name, &serial, DigestAlgorithm::Sha384).unwrap();
        let der384 = id384.to_der().unwrap();
        assert_eq!(der384[2], 0x30, "SHA-384 is written");
        assert_eq!(
            EssCertIdV2::from_der(&der384).unwrap().hash_algorithm.oid,
            DigestAlgorithm::Sha384.oid()
        );
    }

    #[test]
    fn empty_certs_rejected() {
        let empty = SigningCertificateV2 {
            certs: Vec::new(),
            policies: None,
        };
        let der = empty.to_der().unwrap();
        assert!(matches!(
            SigningCertificateV2::from_der(&der),
            Err(DecodeError::Value { .. })
        ));
        let empty = SigningCertificate {
            certs: Vec::new(),
            policies: None,
        };
        assert!(matches!(
            SigningCertificate::from_der(&empty.to_der().unwrap()),
            Err(DecodeError::Value { .. })
        ));
    }
}
