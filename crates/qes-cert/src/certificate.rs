//! The parsed certificate: decoded fields plus the exact bytes they came from.
//!
//! ```text
//! Certificate  ::=  SEQUENCE  {                      -- RFC 5280 §4.1
//!      tbsCertificate       TBSCertificate,
//!      signatureAlgorithm   AlgorithmIdentifier,
//!      signatureValue       BIT STRING  }
//! ```

use core::ops::Range;

use const_oid::{AssociatedOid, ObjectIdentifier};
use der::{Decode, Encode, Reader, SliceReader};

use crate::error::{Error, Result};
use crate::strictness::{find_deviations, DerDeviation};

/// How strictly certificate bytes are held to DER (X.690 §10).
///
/// Real-world certificates, some qualified ones among them, carry encodings that DER forbids
/// but every deployed verifier accepts. Choose the mode deliberately.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseMode {
    /// Distinguished Encoding Rules only: any non-DER encoding is an error that names it.
    #[default]
    Strict,
    /// Accept the known real-world deviations (explicit DEFAULT values such as `cA = FALSE` or
    /// `critical = FALSE`, an empty extendedKeyUsage sequence) and record them in
    /// [`Certificate::der_deviations`] (and as lint findings) instead.
    Lenient,
}

/// Upper bound on the size of one certificate, against resource exhaustion.
pub const MAX_CERTIFICATE_LEN: usize = 64 * 1024;

/// An X.509 certificate decoded once at the boundary, keeping its original encoding.
///
/// Signatures are verified over [`Certificate::tbs_der`], the `tbsCertificate` bytes exactly as
/// received, never over a re-encoding.
#[derive(Clone)]
pub struct Certificate {
    der: Vec<u8>,
    tbs: Range<usize>,
    inner: x509_cert::Certificate,
    mode: ParseMode,
    deviations: Vec<DerDeviation>,
}

impl core::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.inner.tbs_certificate.subject.to_string())
            .field("issuer", &self.inner.tbs_certificate.issuer.to_string())
            .field("serial", &self.inner.tbs_certificate.serial_number)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}
impl Eq for Certificate {}

impl Certificate {
    /// Decode one DER certificate (the whole input, no trailing bytes).
    ///
    /// # Errors
    /// [`Error::Der`] when the bytes are not a certificate, [`Error::TrailingData`] when bytes
    /// follow it, [`Error::TooLarge`] above [`MAX_CERTIFICATE_LEN`]; in
    /// [`ParseMode::Strict`], [`Error::NonDer`] naming where and the DER rule broken
    /// (explicit DEFAULT values: `version` v1, `Extension.critical` FALSE, `cA = FALSE`; an
    /// empty `SEQUENCE SIZE (1..MAX)`; trailing zero bits in keyUsage). [`ParseMode::Lenient`] records those in
    /// [`Certificate::der_deviations`] instead.
    pub fn from_der(der: &[u8], mode: ParseMode) -> Result<Self> {
        if der.len() > MAX_CERTIFICATE_LEN {
            return Err(Error::TooLarge {
                what: "certificate",
                actual: der.len(),
                limit: MAX_CERTIFICATE_LEN,
            });
        }
        let inner =
            x509_cert::Certificate::from_der(der).map_err(Error::decoding("certificate"))?;
        let tbs = tbs_range(der).map_err(|source| Error::Der {
            what: "certificate",
            source,
        })?;
        let deviations = find_deviations(&inner, der.get(tbs.clone()).unwrap_or_default());
        if mode == ParseMode::Strict {
            if let Some(d) = deviations.first() {
                return Err(Error::NonDer {
                    location: d.location,
                    rule: d.rule,
                });
            }
        }
        Ok(Self {
            der: der.to_vec(),
            tbs,
            inner,
            mode,
            deviations,
        })
    }

    /// The complete certificate as received.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The `tbsCertificate` bytes as received: what the issuer's signature covers.
    pub fn tbs_der(&self) -> &[u8] {
        self.der.get(self.tbs.clone()).unwrap_or_default()
    }

    /// The decoded structure (RustCrypto `x509-cert`).
    pub fn x509(&self) -> &x509_cert::Certificate {
        &self.inner
    }

    /// The raw extension with this OID, if present.
    ///
    /// # Errors
    /// [`Error::DuplicateExtension`] when the certificate carries it more than once
    /// (RFC 5280 §4.2 forbids it).
    pub fn extension_raw(
        &self,
        oid: ObjectIdentifier,
    ) -> Result<Option<&x509_cert::ext::Extension>> {
        let mut found = None;
        for ext in self.inner.tbs_certificate.extensions.iter().flatten() {
            if ext.extn_id == oid {
                if found.is_some() {
                    return Err(Error::DuplicateExtension { oid });
                }
                found = Some(ext);
            }
        }
        Ok(found)
    }

    /// Decode the extension of type `T` (by its associated OID) with its criticality.
    ///
    /// In [`ParseMode::Strict`] the extension value must be DER: it must re-encode to exactly
    /// the bytes received, otherwise [`Error::NonDerExtension`] names the extension.
    ///
    /// # Errors
    /// [`Error::DuplicateExtension`], [`Error::Der`] for an undecodable value,
    /// [`Error::NonDerExtension`] in strict mode.
    pub fn extension<'a, T>(&'a self) -> Result<Option<(bool, T)>>
    where
        T: Decode<'a> + Encode + AssociatedOid,
    {
        let Some(ext) = self.extension_raw(T::OID)? else {
            return Ok(None);
        };
        let bytes = ext.extn_value.as_bytes();
        let value = T::from_der(bytes).map_err(|source| Error::Der {
            what: "extension",
            source,
        })?;
        if self.mode == ParseMode::Strict {
            let reencoded = value.to_der().map_err(|source| Error::Der {
                what: "extension",
                source,
            })?;
            if reencoded != bytes {
                return Err(Error::NonDerExtension { oid: T::OID });
            }
        }
        Ok(Some((ext.critical, value)))
    }

    /// The non-DER encodings accepted in [`ParseMode::Lenient`] (always empty in strict mode).
    pub fn der_deviations(&self) -> &[DerDeviation] {
        &self.deviations
    }

    /// The subject distinguished name (RFC 5280 §4.1.2.6); `Display` renders RFC 4514.
    pub fn subject(&self) -> &x509_cert::name::Name {
        &self.inner.tbs_certificate.subject
    }

    /// The issuer distinguished name (RFC 5280 §4.1.2.4); `Display` renders RFC 4514.
    pub fn issuer(&self) -> &x509_cert::name::Name {
        &self.inner.tbs_certificate.issuer
    }

    /// The serial number as upper-case hexadecimal, as encoded (RFC 5280 §4.1.2.2).
    pub fn serial_hex(&self) -> String {
        self.inner
            .tbs_certificate
            .serial_number
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect()
    }

    /// The start of the validity period (RFC 5280 §4.1.2.5).
    pub fn not_before(&self) -> chrono::DateTime<chrono::Utc> {
        to_chrono(self.inner.tbs_certificate.validity.not_before)
    }

    /// The end of the validity period (RFC 5280 §4.1.2.5).
    pub fn not_after(&self) -> chrono::DateTime<chrono::Utc> {
        to_chrono(self.inner.tbs_certificate.validity.not_after)
    }

    /// The mode the certificate was parsed in.
    pub fn parse_mode(&self) -> ParseMode {
        self.mode
    }
}

/// UTCTime and GeneralizedTime as decoded by `der` lie in 1970..=9999, always representable.
fn to_chrono(t: x509_cert::time::Time) -> chrono::DateTime<chrono::Utc> {
    let secs = i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    chrono::DateTime::from_timestamp(secs, 0).unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC)
}

/// Byte range of the first inner TLV of a SIGNED{} structure (RFC 5280 §4.1, §5.1): the
/// `tbsCertificate` / `tbsCertList` bytes exactly as received.
pub(crate) fn tbs_range(der: &[u8]) -> der::Result<Range<usize>> {
    let mut reader = SliceReader::new(der)?;
    let outer = der::Header::decode(&mut reader)?;
    outer.tag.assert_eq(der::Tag::Sequence)?;
    let start = usize::try_from(reader.position())?;
    let tbs = reader.tlv_bytes()?;
    let end = start
        .checked_add(tbs.len())
        .ok_or(der::ErrorKind::Overflow)?;
    Ok(start..end)
}
