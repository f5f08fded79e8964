//! Certificate revocation lists (RFC 5280 §5).

use chrono::{DateTime, Utc};
use der::asn1::{BitString, Uint};
use der::Encode;
use x509_cert::certificate::Version;
use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
use x509_cert::ext::pkix::crl::CrlNumber;
use x509_cert::ext::pkix::CrlReason;
use x509_cert::serial_number::SerialNumber;

use crate::cert::{ext, x509_time};
use crate::error::{Error, Result};
use crate::Issued;

/// One revoked certificate in a CRL (RFC 5280 §5.1.2.6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revoked {
    /// The revoked certificate's serial number.
    pub serial: SerialNumber,
    /// `revocationDate`.
    pub time: DateTime<Utc>,
    /// The `reasonCode` entry extension (RFC 5280 §5.3.1); [`CrlReason::Unspecified`] is
    /// written as no extension, as §5.3.1 recommends.
    pub reason: CrlReason,
}

impl Revoked {
    /// The entry revoking `cert` at `time` for `reason`.
    pub fn new(cert: &Issued, time: DateTime<Utc>, reason: CrlReason) -> Self {
        Self {
            serial: cert.serial().clone(),
            time,
            reason,
        }
    }
}

/// A v2 CRL signed by `issuer`, with `crlNumber` = `this_update` as Unix seconds (so later
/// CRLs have larger numbers) and the issuer's AKI.
pub(crate) fn build(
    issuer: &Issued,
    revoked: &[Revoked],
    this_update: DateTime<Utc>,
    next_update: DateTime<Utc>,
) -> Result<Vec<u8>> {
    if !issuer.is_ca() {
        return Err(Error::NotACa(issuer.label().to_owned()));
    }
    let mut entries = Vec::with_capacity(revoked.len());
    for r in revoked {
        let crl_entry_extensions = if r.reason == CrlReason::Unspecified {
            None
        } else {
            Some(vec![ext(false, &r.reason)?])
        };
        entries.push(RevokedCert {
            serial_number: r.serial.clone(),
            revocation_date: x509_time(r.time)?,
            crl_entry_extensions,
        });
    }
    let number =
        u64::try_from(this_update.timestamp()).map_err(|_| Error::TimeOutOfRange(this_update))?;
    let signature_algorithm = issuer.key().signature_algorithm();
    let tbs = TbsCertList {
        version: Version::V2,
        signature: signature_algorithm.clone(),
        issuer: issuer.subject().clone(),
        this_update: x509_time(this_update)?,
        next_update: Some(x509_time(next_update)?),
        revoked_certificates: if entries.is_empty() {
            None
        } else {
            Some(entries)
        },
        crl_extensions: Some(vec![
            crate::profile::authority_key_id(issuer)?,
            ext(false, &CrlNumber(Uint::new(&number.to_be_bytes())?))?,
        ]),
    };
    let signature = issuer.key().try_sign(&tbs.to_der()?)?;
    let crl = CertificateList {
        tbs_cert_list: tbs,
        signature_algorithm,
        signature: BitString::from_bytes(&signature)?,
    };
    Ok(crl.to_der()?)
}
