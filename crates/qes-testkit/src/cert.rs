//! Certificate assembly: names, times, extensions, the signed `Certificate`, and the
//! [`Issued`] value that carries a certificate with its key and chain.

use chrono::{DateTime, Datelike, Utc};
use const_oid::{AssociatedOid, ObjectIdentifier};
use der::asn1::{BitString, OctetString, PrintableStringRef, SetOfVec, Utf8StringRef};
use der::{Any, Decode, Encode};
use sha2::{Digest, Sha256};
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::certificate::{TbsCertificate, Version};
use x509_cert::ext::Extension;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;

use crate::error::{Error, Result};
use crate::key::KeyPair;

/// How an attribute value is encoded in a `DirectoryString` / `PrintableString`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum StringKind {
    /// `UTF8String` (RFC 5280 §4.1.2.4 "MUST use UTF8String" for new certificates).
    Utf8,
    /// `PrintableString` (required for `countryName` and `serialNumber`, X.520).
    Printable,
}

/// Builds a distinguished name, one attribute per RDN, in the order given.
#[derive(Default)]
pub(crate) struct NameBuilder {
    rdns: Vec<RelativeDistinguishedName>,
}

impl NameBuilder {
    pub(crate) fn push(
        mut self,
        oid: ObjectIdentifier,
        kind: StringKind,
        value: &str,
    ) -> Result<Self> {
        let value = match kind {
            StringKind::Utf8 => Any::encode_from(&Utf8StringRef::new(value)?)?,
            StringKind::Printable => Any::encode_from(&PrintableStringRef::new(value)?)?,
        };
        let atv = AttributeTypeAndValue { oid, value };
        self.rdns
            .push(RelativeDistinguishedName(SetOfVec::try_from(vec![atv])?));
        Ok(self)
    }

    pub(crate) fn build(self) -> Name {
        RdnSequence(self.rdns)
    }
}

/// An X.509 `Time`: `UTCTime` through 2049, `GeneralizedTime` from 2050 (RFC 5280
/// §4.1.2.5). Sub-second precision is dropped.
pub(crate) fn x509_time(t: DateTime<Utc>) -> Result<Time> {
    let secs = u64::try_from(t.timestamp()).map_err(|_| Error::TimeOutOfRange(t))?;
    let duration = core::time::Duration::from_secs(secs);
    if t.year() < 2050 {
        Ok(Time::UtcTime(
            der::asn1::UtcTime::from_unix_duration(duration)
                .map_err(|_| Error::TimeOutOfRange(t))?,
        ))
    } else {
        Ok(Time::GeneralTime(
            der::asn1::GeneralizedTime::from_unix_duration(duration)
                .map_err(|_| Error::TimeOutOfRange(t))?,
        ))
    }
}

/// An extension from a value that knows its OID.
pub(crate) fn ext<T: AssociatedOid + Encode>(critical: bool, value: &T) -> Result<Extension> {
    raw_ext(T::OID, critical, value.to_der()?)
}

/// An extension from an OID and the DER of its value.
pub(crate) fn raw_ext(oid: ObjectIdentifier, critical: bool, der: Vec<u8>) -> Result<Extension> {
    Ok(Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(der)?,
    })
}

/// A positive serial number of 16 octets derived from `material` (RFC 5280 §4.1.2.2: at
/// most 20 octets; CA/B-style 64+ bits of output).
pub(crate) fn derived_serial(material: &[&[u8]]) -> Result<SerialNumber> {
    let mut hash = Sha256::new();
    hash.update(b"qes-testkit/serial/v1\0");
    for part in material {
        hash.update(u64::try_from(part.len()).unwrap_or(u64::MAX).to_be_bytes());
        hash.update(part);
    }
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    for (b, d) in bytes.iter_mut().zip(digest.iter()) {
        *b = *d;
    }
    // Positive, and exactly 16 octets long (no leading zero to strip).
    if let Some(first) = bytes.first_mut() {
        *first = (*first & 0x7f) | 0x40;
    }
    Ok(SerialNumber::new(&bytes)?)
}

/// Everything needed to sign one certificate.
pub(crate) struct CertSpec<'a> {
    pub(crate) serial: SerialNumber,
    pub(crate) subject: Name,
    pub(crate) not_before: DateTime<Utc>,
    pub(crate) not_after: DateTime<Utc>,
    pub(crate) subject_key: &'a KeyPair,
    pub(crate) extensions: Vec<Extension>,
}

/// Builds and signs the certificate; `issuer` is `None` for a self-signed certificate.
pub(crate) fn sign_certificate(
    spec: CertSpec<'_>,
    issuer: Option<(&Name, &KeyPair)>,
) -> Result<Certificate> {
    if spec.not_after <= spec.not_before {
        return Err(Error::EmptyValidity {
            not_before: spec.not_before,
            not_after: spec.not_after,
        });
    }
    let (issuer_name, issuer_key) = match issuer {
        Some((name, key)) => (name.clone(), key),
        None => (spec.subject.clone(), spec.subject_key),
    };
    let signature_algorithm = issuer_key.signature_algorithm();
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: spec.serial,
        signature: signature_algorithm.clone(),
        issuer: issuer_name,
        validity: Validity {
            not_before: x509_time(spec.not_before)?,
            not_after: x509_time(spec.not_after)?,
        },
        subject: spec.subject,
        subject_public_key_info: SubjectPublicKeyInfoOwned::from_der(
            &spec.subject_key.public_key_der(),
        )?,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: if spec.extensions.is_empty() {
            None
        } else {
            Some(spec.extensions)
        },
    };
    let signature = issuer_key.try_sign(&tbs.to_der()?)?;
    Ok(Certificate {
        tbs_certificate: tbs,
        signature_algorithm,
        signature: BitString::from_bytes(&signature)?,
    })
}

/// A certificate issued by the test PKI, with its private key and the chain of its
/// issuers.
#[derive(Clone, Debug)]
pub struct Issued {
    label: String,
    certificate: Certificate,
    cert_der: Vec<u8>,
    cert_pem: String,
    key: KeyPair,
    chain: Vec<Vec<u8>>,
    is_ca: bool,
}

impl Issued {
    pub(crate) fn new(
        label: &str,
        certificate: Certificate,
        key: KeyPair,
        chain: Vec<Vec<u8>>,
        is_ca: bool,
    ) -> Result<Self> {
        let cert_der = certificate.to_der()?;
        let cert_pem =
            pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, &cert_der)?;
        Ok(Self {
            label: label.to_owned(),
            certificate,
            cert_der,
            cert_pem,
            key,
            chain,
            is_ca,
        })
    }

    /// The label (also the file stem used by [`TestPki::write_to`](crate::TestPki::write_to)
    /// and part of the key derivation input).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The certificate, DER.
    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// The certificate, PEM (`-----BEGIN CERTIFICATE-----`, LF line endings).
    pub fn cert_pem(&self) -> String {
        self.cert_pem.clone()
    }

    /// The certificate, decoded with `x509-cert`.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The certificate's serial number.
    pub fn serial(&self) -> &SerialNumber {
        &self.certificate.tbs_certificate.serial_number
    }

    /// The subject name.
    pub fn subject(&self) -> &Name {
        &self.certificate.tbs_certificate.subject
    }

    /// The subject's key pair.
    pub fn key(&self) -> &KeyPair {
        &self.key
    }

    /// Whether this is a CA certificate (`basicConstraints cA=TRUE`) that can issue.
    pub fn is_ca(&self) -> bool {
        self.is_ca
    }

    /// DER certificates of the issuers, nearest first, ending with the root (empty for the
    /// root itself).
    pub fn chain_der(&self) -> &[Vec<u8>] {
        &self.chain
    }

    /// The issuers as one PEM bundle, nearest first.
    ///
    /// # Errors
    /// Only if PEM encoding fails.
    pub fn chain_pem(&self) -> Result<String> {
        let mut out = String::new();
        for der in &self.chain {
            out.push_str(&pem_rfc7468::encode_string(
                "CERTIFICATE",
                pem_rfc7468::LineEnding::LF,
                der,
            )?);
        }
        Ok(out)
    }

    /// A PKCS#12 file (RFC 7292) with the private key, this certificate and its issuing
    /// chain, protected as OpenSSL 3 does by default: PBES2 (PBKDF2-HMAC-SHA256, 2048
    /// iterations, AES-256-CBC) for the key bag and for the certificate bags, and an
    /// HMAC-SHA256 MAC. Salts and IVs are derived from the contents and the password, so
    /// the output is deterministic.
    ///
    /// # Errors
    /// If encoding or encryption fails.
    pub fn pkcs12(&self, password: &str) -> Result<Vec<u8>> {
        crate::pkcs12::build(self, password)
    }

    /// The key identifier (SHA-1 of the subject public key) used in SKI and in the AKI of
    /// the certificates and CRLs it issues.
    pub(crate) fn key_identifier(&self) -> Result<Vec<u8>> {
        self.key.key_identifier()
    }

    /// The chain to pass to the certificates this CA issues: itself, then its own chain.
    pub(crate) fn chain_for_children(&self) -> Vec<Vec<u8>> {
        let mut chain = Vec::with_capacity(self.chain.len().saturating_add(1));
        chain.push(self.cert_der.clone());
        chain.extend(self.chain.iter().cloned());
        chain
    }
}
