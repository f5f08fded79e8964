//! Certificate revocation lists: parsing (RFC 5280 §5) and the revocation check of §6.3.
//!
//! ```text
//! CertificateList  ::=  SEQUENCE  {                      -- RFC 5280 §5.1
//!      tbsCertList          TBSCertList,
//!      signatureAlgorithm   AlgorithmIdentifier,
//!      signatureValue       BIT STRING  }
//!
//! TBSCertList  ::=  SEQUENCE  {
//!      version                 Version OPTIONAL,
//!      signature               AlgorithmIdentifier,
//!      issuer                  Name,
//!      thisUpdate              Time,
//!      nextUpdate              Time OPTIONAL,
//!      revokedCertificates     SEQUENCE OF SEQUENCE  {
//!           userCertificate         CertificateSerialNumber,
//!           revocationDate          Time,
//!           crlEntryExtensions      Extensions OPTIONAL  } OPTIONAL,
//!      crlExtensions           [0]  EXPLICIT Extensions OPTIONAL  }
//! ```
//!
//! The check follows §6.3.3: every applicable complete CRL (and a matching delta CRL, §5.2.4)
//! for each distribution point of the certificate, until all reasons are covered, honouring
//! the issuingDistributionPoint scope (§5.2.5), indirect CRLs and their certificateIssuer
//! entry extension (§5.3.3), and removeFromCRL in delta CRLs (which releases only a
//! certificateHold, §5.3.1). A delta CRL is applied only when its own cRLNumber is above the
//! complete CRL's, its BaseCRLNumber not above it, and it is signed with the complete CRL's
//! key (§5.2.4, §6.3.3 (g)(2)); the highest-numbered one wins.

use core::ops::Range;

use chrono::{DateTime, Utc};
use const_oid::db::rfc5280 as oid;
use const_oid::ObjectIdentifier;
use der::Decode;
use x509_cert::ext::pkix::crl::dp::{DistributionPoint, IssuingDistributionPoint};
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{BasicConstraints, CrlDistributionPoints, CrlReason};
use x509_cert::name::Name;

use crate::certificate::Certificate;
use crate::error::{Error, Result};
use crate::path::names::PreparedName;
use crate::sigverify::{verify_signature, AlgorithmPolicy, SignatureError};

/// Upper bound on the size of one CRL, against resource exhaustion.
pub const MAX_CRL_LEN: usize = 16 * 1024 * 1024;

/// Upper bound on the names of one certificateIssuer entry extension (RFC 5280 §5.3.3), so
/// that parsing an indirect CRL stays linear in its size.
pub const MAX_CERTIFICATE_ISSUER_NAMES: usize = 32;

/// Budget of CRLs considered by [`Crl::check_certificate`] (one CRL and its entry lookups).
const STANDALONE_CRL_BUDGET: usize = 64;

/// All revocation reasons of ReasonFlags (bits 1..=8; bit 0 is `unused`).
const ALL_REASONS: u16 = 0x01FE;

/// The reason a certificate was revoked (RFC 5280 §5.3.1 CRLReason, RFC 6960 §4.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RevocationReason {
    /// `unspecified` (0).
    Unspecified,
    /// `keyCompromise` (1): the subject's private key is known or suspected compromised.
    KeyCompromise,
    /// `cACompromise` (2): the issuing CA's key is compromised.
    CaCompromise,
    /// `affiliationChanged` (3): the subject's name or other information changed.
    AffiliationChanged,
    /// `superseded` (4): the certificate was replaced.
    Superseded,
    /// `cessationOfOperation` (5): the certificate is no longer needed.
    CessationOfOperation,
    /// `certificateHold` (6): temporarily suspended; may be released by `removeFromCRL`.
    CertificateHold,
    /// `removeFromCRL` (8): a delta CRL releasing an earlier `certificateHold`.
    RemoveFromCrl,
    /// `privilegeWithdrawn` (9): a privilege asserted by the certificate was withdrawn.
    PrivilegeWithdrawn,
    /// `aACompromise` (10): the attribute authority's key is compromised.
    AaCompromise,
}

impl RevocationReason {
    pub(crate) fn from_crl(reason: CrlReason) -> Self {
        match reason {
            CrlReason::Unspecified => Self::Unspecified,
            CrlReason::KeyCompromise => Self::KeyCompromise,
            CrlReason::CaCompromise => Self::CaCompromise,
            CrlReason::AffiliationChanged => Self::AffiliationChanged,
            CrlReason::Superseded => Self::Superseded,
            CrlReason::CessationOfOperation => Self::CessationOfOperation,
            CrlReason::CertificateHold => Self::CertificateHold,
            CrlReason::RemoveFromCRL => Self::RemoveFromCrl,
            CrlReason::PrivilegeWithdrawn => Self::PrivilegeWithdrawn,
            CrlReason::AaCompromise => Self::AaCompromise,
        }
    }

    /// Map an RFC 5280 CRLReason code (as carried by OCSP) to a reason.
    pub fn from_code(code: u32) -> Option<Self> {
        Some(match code {
            0 => Self::Unspecified,
            1 => Self::KeyCompromise,
            2 => Self::CaCompromise,
            3 => Self::AffiliationChanged,
            4 => Self::Superseded,
            5 => Self::CessationOfOperation,
            6 => Self::CertificateHold,
            8 => Self::RemoveFromCrl,
            9 => Self::PrivilegeWithdrawn,
            10 => Self::AaCompromise,
            _ => return None,
        })
    }
}

/// Why revocation status could not be determined (RFC 5280 §6.3.3 UNDETERMINED).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum UndeterminedReason {
    /// No CRL in scope for the certificate was supplied.
    #[error("no CRL in scope for the certificate")]
    NoCrl,
    /// The CRLs in scope do not cover all revocation reasons (onlySomeReasons).
    #[error("CRLs in scope do not cover all reasons")]
    ReasonsNotCovered,
    /// The CRL's nextUpdate is before the validation time.
    #[error("CRL is stale (nextUpdate passed)")]
    CrlExpired,
    /// The CRL's thisUpdate is after the validation time.
    #[error("CRL thisUpdate is after the validation time")]
    CrlNotYetValid,
    /// The CRL signature does not verify with any acceptable CRL issuer key.
    #[error("CRL signature does not verify")]
    BadCrlSignature,
    /// No valid certificate for the CRL issuer (with cRLSign) was found.
    #[error("no valid CRL issuer certificate")]
    NoCrlIssuer,
    /// The CRL (or one of its entries) carries an unknown critical extension.
    #[error("CRL carries an unknown critical extension")]
    UnknownCriticalExtension,
    /// A delta CRL was supplied without a usable complete CRL.
    #[error("delta CRL without a usable complete CRL")]
    DeltaWithoutBase,
    /// The CRL or the certificate's CRL extensions are malformed.
    #[error("malformed CRL or CRL extension")]
    Malformed,
    /// The revocation check ran out of its work budget.
    #[error("work budget exhausted")]
    Budget,
    /// The OCSP response says `unknown` (RFC 6960 §2.2).
    #[error("OCSP responder does not know the certificate")]
    OcspUnknown,
}

impl UndeterminedReason {
    /// How informative the reason is, to report the best one when several CRLs fail.
    fn rank(self) -> u8 {
        match self {
            Self::NoCrl => 0,
            Self::ReasonsNotCovered => 1,
            Self::DeltaWithoutBase => 2,
            Self::CrlNotYetValid | Self::CrlExpired => 3,
            Self::NoCrlIssuer => 4,
            Self::BadCrlSignature => 5,
            Self::UnknownCriticalExtension | Self::Malformed => 6,
            Self::OcspUnknown => 7,
            Self::Budget => 9,
        }
    }
}

/// The revocation status of one certificate at the validation time (RFC 5280 §6.3.3
/// cert_status; RFC 6960 §2.2 for OCSP).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RevocationStatus {
    /// Not revoked according to authoritative, fresh revocation data.
    Good,
    /// Revoked.
    ///
    /// `time` is the revocationDate of the CRL entry (RFC 5280 §5.1.2.6) or the OCSP
    /// revocationTime (RFC 6960 §4.2.1). The status is reported as of the validation time
    /// whatever `time` is: a certificate revoked after a past validation time (EN 319 102-1
    /// §5.6.2 past-time validation of a signature) is still reported as revoked, and the
    /// caller decides whether the signature predates the revocation (for keyCompromise, it
    /// cannot rely on that) — compare `time` with a trusted signing time.
    Revoked {
        /// When it was revoked (revocationDate / revocationTime).
        time: DateTime<Utc>,
        /// Why, when the CRL entry / OCSP response says.
        reason: Option<RevocationReason>,
    },
    /// The status could not be established.
    Undetermined {
        /// Why.
        why: UndeterminedReason,
    },
    /// Revocation was not checked ([`crate::RevocationPolicy::Skip`], or a trust anchor).
    NotChecked,
}

impl core::fmt::Display for RevocationStatus {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Good => f.write_str("not revoked"),
            Self::Revoked {
                time,
                reason: Some(r),
            } => {
                write!(f, "revoked {} ({r:?})", time.format("%Y-%m-%dT%H:%M:%SZ"))
            }
            Self::Revoked { time, reason: None } => {
                write!(f, "revoked {}", time.format("%Y-%m-%dT%H:%M:%SZ"))
            }
            Self::Undetermined { why } => write!(f, "revocation undetermined: {why}"),
            Self::NotChecked => f.write_str("revocation not checked"),
        }
    }
}

/// One revoked-certificate entry (RFC 5280 §5.1.2.6, §5.3).
#[derive(Clone, Debug)]
struct Entry {
    serial: Vec<u8>,
    time: DateTime<Utc>,
    reason: Option<RevocationReason>,
    /// Index into [`Crl::issuer_sets`] of the certificate issuer names (RFC 5280 §5.3.3):
    /// 0, the CRL issuer, for direct CRLs and entries before any certificateIssuer.
    issuer_set: usize,
}

/// A parsed CRL, keeping the `tbsCertList` bytes as received (RFC 5280 §5.1).
#[derive(Clone)]
pub struct Crl {
    der: Vec<u8>,
    tbs: Range<usize>,
    inner: x509_cert::crl::CertificateList,
    issuer: PreparedName,
    this_update: DateTime<Utc>,
    next_update: Option<DateTime<Utc>>,
    number: Option<Vec<u8>>,
    delta_base: Option<Vec<u8>>,
    idp: Option<IssuingDistributionPoint>,
    idp_der: Option<Vec<u8>>,
    unknown_critical: bool,
    /// Certificate issuer name sets, each stored once (the CRL issuer first).
    issuer_sets: Vec<Vec<PreparedName>>,
    entries: Vec<Entry>,
}

impl core::fmt::Debug for Crl {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Crl")
            .field("issuer", &self.inner.tbs_cert_list.issuer.to_string())
            .field("this_update", &self.this_update)
            .field("entries", &self.entries.len())
            .field("delta", &self.delta_base.is_some())
            .finish_non_exhaustive()
    }
}

pub(crate) fn to_chrono(t: x509_cert::time::Time) -> Option<DateTime<Utc>> {
    let d = t.to_unix_duration();
    DateTime::<Utc>::from_timestamp(i64::try_from(d.as_secs()).ok()?, 0)
}

/// Strip leading zero bytes of an unsigned big-endian integer.
fn strip(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().skip_while(|b| **b == 0).copied().collect()
}

/// Compare two unsigned big-endian integers (already stripped).
fn cmp_uint(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl Crl {
    /// Decode one DER CRL (the whole input) and its extensions. Never panics.
    ///
    /// # Errors
    /// [`Error::Der`] for malformed input (including malformed known extensions),
    /// [`Error::TrailingData`], [`Error::TooLarge`] above [`MAX_CRL_LEN`],
    /// [`Error::DuplicateExtension`].
    pub fn from_der(der: &[u8]) -> Result<Self> {
        if der.len() > MAX_CRL_LEN {
            return Err(Error::TooLarge {
                what: "CRL",
                actual: der.len(),
                limit: MAX_CRL_LEN,
            });
        }
        let inner =
            x509_cert::crl::CertificateList::from_der(der).map_err(Error::decoding("CRL"))?;
        let tbs = crate::certificate::tbs_range(der).map_err(Error::decoding("CRL"))?;
        let tbs_list = &inner.tbs_cert_list;
        let issuer = PreparedName::new(&tbs_list.issuer);
        let bad_time = || Error::Der {
            what: "CRL time",
            source: der::ErrorKind::DateTime.into(),
        };
        let this_update = to_chrono(tbs_list.this_update).ok_or_else(bad_time)?;
        let next_update = match tbs_list.next_update {
            Some(t) => Some(to_chrono(t).ok_or_else(bad_time)?),
            None => None,
        };
        let mut crl = Self {
            der: der.to_vec(),
            tbs,
            issuer,
            this_update,
            next_update,
            number: None,
            delta_base: None,
            idp: None,
            idp_der: None,
            unknown_critical: false,
            issuer_sets: Vec::new(),
            entries: Vec::new(),
            inner: inner.clone(),
        };
        let mut seen: Vec<ObjectIdentifier> = Vec::new();
        for ext in tbs_list.crl_extensions.iter().flatten() {
            if seen.contains(&ext.extn_id) {
                return Err(Error::DuplicateExtension { oid: ext.extn_id });
            }
            seen.push(ext.extn_id);
            let value = ext.extn_value.as_bytes();
            match ext.extn_id {
                oid::ID_CE_CRL_NUMBER => {
                    let n = x509_cert::ext::pkix::CrlNumber::from_der(value)
                        .map_err(Error::decoding("cRLNumber"))?;
                    crl.number = Some(strip(n.0.as_bytes()));
                }
                oid::ID_CE_DELTA_CRL_INDICATOR => {
                    let n = x509_cert::ext::pkix::BaseCrlNumber::from_der(value)
                        .map_err(Error::decoding("deltaCRLIndicator"))?;
                    crl.delta_base = Some(strip(n.0.as_bytes()));
                }
                oid::ID_CE_ISSUING_DISTRIBUTION_POINT => {
                    let idp = IssuingDistributionPoint::from_der(value)
                        .map_err(Error::decoding("issuingDistributionPoint"))?;
                    crl.idp_der = Some(value.to_vec());
                    crl.idp = Some(idp);
                }
                oid::ID_CE_AUTHORITY_KEY_IDENTIFIER
                | oid::ID_CE_ISSUER_ALT_NAME
                | oid::ID_CE_FRESHEST_CRL => {}
                _ if ext.critical => crl.unknown_critical = true,
                _ => {}
            }
        }
        let indirect = crl.idp.as_ref().is_some_and(|i| i.indirect_crl);
        crl.issuer_sets.push(vec![crl.issuer.clone()]);
        let mut current_issuer = 0usize;
        for rc in tbs_list.revoked_certificates.iter().flatten() {
            let time = to_chrono(rc.revocation_date).ok_or_else(bad_time)?;
            let mut reason = None;
            let mut seen: Vec<ObjectIdentifier> = Vec::new();
            for ext in rc.crl_entry_extensions.iter().flatten() {
                if seen.contains(&ext.extn_id) {
                    return Err(Error::DuplicateExtension { oid: ext.extn_id });
                }
                seen.push(ext.extn_id);
                let value = ext.extn_value.as_bytes();
                match ext.extn_id {
                    oid::ID_CE_CRL_REASONS => {
                        let r =
                            CrlReason::from_der(value).map_err(Error::decoding("reasonCode"))?;
                        reason = Some(RevocationReason::from_crl(r));
                    }
                    oid::ID_CE_CERTIFICATE_ISSUER if indirect => {
                        let names = x509_cert::ext::pkix::name::GeneralNames::from_der(value)
                            .map_err(Error::decoding("certificateIssuer"))?;
                        if names.len() > MAX_CERTIFICATE_ISSUER_NAMES {
                            return Err(Error::TooLarge {
                                what: "certificateIssuer names",
                                actual: names.len(),
                                limit: MAX_CERTIFICATE_ISSUER_NAMES,
                            });
                        }
                        current_issuer = crl.issuer_sets.len();
                        crl.issuer_sets.push(dir_names(&names));
                    }
                    oid::ID_CE_INVALIDITY_DATE | oid::ID_CE_HOLD_INSTRUCTION_CODE => {}
                    _ if ext.critical => crl.unknown_critical = true,
                    _ => {}
                }
            }
            crl.entries.push(Entry {
                serial: rc.serial_number.as_bytes().to_vec(),
                time,
                reason,
                issuer_set: current_issuer,
            });
        }
        Ok(crl)
    }

    /// Decode a CRL given as DER or as PEM (`-----BEGIN X509 CRL-----`, RFC 7468 §6).
    ///
    /// # Errors
    /// As [`Crl::from_der`], plus [`Error::Pem`] / [`Error::PemLabel`] for bad armour.
    pub fn from_der_or_pem(bytes: &[u8]) -> Result<Self> {
        let trimmed = bytes.trim_ascii_start();
        if !trimmed.starts_with(b"-----BEGIN") {
            return Self::from_der(bytes);
        }
        let (label, der) =
            pem_rfc7468::decode_vec(trimmed).map_err(|source| Error::Pem { source })?;
        if label != "X509 CRL" {
            return Err(Error::PemLabel {
                label: label.to_owned(),
                expected: "X509 CRL",
            });
        }
        Self::from_der(&der)
    }

    /// The complete CRL as received.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The `tbsCertList` bytes as received: what the signature covers.
    pub fn tbs_der(&self) -> &[u8] {
        self.der.get(self.tbs.clone()).unwrap_or_default()
    }

    /// The decoded structure (RustCrypto `x509-cert`).
    pub fn x509(&self) -> &x509_cert::crl::CertificateList {
        &self.inner
    }

    /// The CRL issuer.
    pub fn issuer(&self) -> &Name {
        &self.inner.tbs_cert_list.issuer
    }

    /// The CRL issuer, prepared for comparison (RFC 5280 §7.1).
    pub(crate) fn prepared_issuer(&self) -> &PreparedName {
        &self.issuer
    }

    /// thisUpdate.
    pub fn this_update(&self) -> DateTime<Utc> {
        self.this_update
    }

    /// nextUpdate, if present.
    pub fn next_update(&self) -> Option<DateTime<Utc>> {
        self.next_update
    }

    /// Whether this is a delta CRL (deltaCRLIndicator, RFC 5280 §5.2.4).
    pub fn is_delta(&self) -> bool {
        self.delta_base.is_some()
    }

    /// The cRLNumber (RFC 5280 §5.2.3), big-endian without leading zeros.
    pub fn number(&self) -> Option<&[u8]> {
        self.number.as_deref()
    }

    /// Number of revoked-certificate entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the CRL lists no certificate.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Verify the CRL signature with the issuer's public key.
    ///
    /// # Errors
    /// [`SignatureError`] when it does not verify.
    pub fn verify_signature(
        &self,
        issuer_key: &spki::SubjectPublicKeyInfoOwned,
        policy: &AlgorithmPolicy,
    ) -> core::result::Result<(), SignatureError> {
        if self.inner.signature_algorithm != self.inner.tbs_cert_list.signature {
            return Err(SignatureError::MalformedParameters {
                oid: self.inner.signature_algorithm.oid,
            });
        }
        let sig = self
            .inner
            .signature
            .as_bytes()
            .ok_or(SignatureError::BadSignature)?;
        verify_signature(
            &self.inner.signature_algorithm,
            issuer_key,
            self.tbs_der(),
            sig,
            policy,
        )
    }

    /// Check `cert` against this one CRL, signed by `crl_signer` (whose subject must match
    /// the CRL issuer and whose keyUsage, if present, must allow cRLSign), at `time`: the
    /// standalone form of the RFC 5280 §6.3.3 check for callers holding one complete CRL.
    ///
    /// # Not checked
    /// - `crl_signer` itself: neither its signature, validity, revocation nor its path to a
    ///   trust anchor (§6.3.3 (f)). The caller must already trust it, for instance as the
    ///   issuer in a [`crate::ValidatedPath`]; [`crate::PathValidator`] does all of this.
    /// - Delta CRLs: only this one CRL is read.
    pub fn check_certificate(
        &self,
        cert: &Certificate,
        crl_signer: &Certificate,
        time: DateTime<Utc>,
        policy: &AlgorithmPolicy,
    ) -> RevocationStatus {
        let crls = core::slice::from_ref(self);
        let mut verify = |crl: &Crl| -> core::result::Result<Vec<u8>, UndeterminedReason> {
            if !may_sign_crls(crl_signer) {
                return Err(UndeterminedReason::NoCrlIssuer);
            }
            let spki = &crl_signer.x509().tbs_certificate.subject_public_key_info;
            if PreparedName::new(&crl_signer.x509().tbs_certificate.subject) != crl.issuer {
                return Err(UndeterminedReason::NoCrlIssuer);
            }
            crl.verify_signature(spki, policy)
                .map_err(|_| UndeterminedReason::BadCrlSignature)?;
            Ok(spki.subject_public_key.raw_bytes().to_vec())
        };
        let mut budget = STANDALONE_CRL_BUDGET;
        revocation_status(cert, crls, time, &mut verify, &mut budget)
    }

    /// RFC 5280 §6.3.3 (a): thisUpdate ≤ time ≤ nextUpdate.
    fn current_at(&self, time: DateTime<Utc>) -> core::result::Result<(), UndeterminedReason> {
        if self.this_update > time {
            return Err(UndeterminedReason::CrlNotYetValid);
        }
        if self.next_update.is_some_and(|n| n < time) {
            return Err(UndeterminedReason::CrlExpired);
        }
        Ok(())
    }

    fn lookup(&self, serial: &[u8], issuer: &PreparedName) -> Option<&Entry> {
        self.entries.iter().find(|e| {
            e.serial == serial
                && self
                    .issuer_sets
                    .get(e.issuer_set)
                    .is_some_and(|set| set.iter().any(|n| n == issuer))
        })
    }
}

/// Whether a certificate's keyUsage (when present) allows signing CRLs (RFC 5280 §4.2.1.3).
pub(crate) fn may_sign_crls(cert: &Certificate) -> bool {
    match cert.extension::<x509_cert::ext::pkix::KeyUsage>() {
        Ok(Some((_, ku))) => ku.crl_sign(),
        Ok(None) => true,
        Err(_) => false,
    }
}

/// Full names of a distribution point name, a relative name resolved against `crl_issuer`.
fn dp_full_names(dp: &DistributionPointName, crl_issuer: &Name) -> Vec<GeneralName> {
    match dp {
        DistributionPointName::FullName(names) => names.clone(),
        DistributionPointName::NameRelativeToCRLIssuer(rdn) => {
            let mut name = crl_issuer.clone();
            name.0.push(rdn.clone());
            vec![GeneralName::DirectoryName(name)]
        }
    }
}

fn general_names_overlap(a: &[GeneralName], b: &[GeneralName]) -> bool {
    a.iter().any(|x| {
        b.iter().any(|y| match (x, y) {
            (GeneralName::DirectoryName(m), GeneralName::DirectoryName(n)) => {
                PreparedName::new(m) == PreparedName::new(n)
            }
            (x, y) => x == y,
        })
    })
}

fn dir_names(names: &[GeneralName]) -> Vec<PreparedName> {
    names
        .iter()
        .filter_map(|g| match g {
            GeneralName::DirectoryName(n) => Some(PreparedName::new(n)),
            _ => None,
        })
        .collect()
}

/// The verdict of one CRL entry: `None` when the entry does not revoke (a removeFromCRL
/// entry in a complete CRL, which §5.3.1 reserves for delta CRLs).
fn revoked(entry: &Entry) -> Option<RevocationStatus> {
    (entry.reason != Some(RevocationReason::RemoveFromCrl)).then_some(RevocationStatus::Revoked {
        time: entry.time,
        reason: entry.reason,
    })
}

/// The usable delta CRL for the verified complete CRL `crl` (§6.3.3 (c)(2), (g)(2), §5.2.4):
/// same issuer and scope, both cRLNumbers present, BaseCRLNumber ≤ the complete CRL's number
/// < the delta's own number, current, unknown critical extensions absent, and signed with
/// the key that signed the complete CRL (`key`). The one with the highest number wins.
fn usable_delta<'c>(
    crl: &Crl,
    crls: &'c [Crl],
    key: &[u8],
    time: DateTime<Utc>,
    verify: &mut dyn FnMut(&Crl) -> core::result::Result<Vec<u8>, UndeterminedReason>,
    budget: &mut usize,
) -> core::result::Result<Option<&'c Crl>, UndeterminedReason> {
    use core::cmp::Ordering;
    let Some(number) = crl.number.as_deref() else {
        return Ok(None);
    };
    let mut deltas: Vec<(&[u8], &Crl)> = crls
        .iter()
        .filter(|d| d.issuer == crl.issuer && d.idp_der == crl.idp_der && !d.unknown_critical)
        .filter_map(|d| Some((d.delta_base.as_deref()?, d.number.as_deref()?, d)))
        .filter(|(base, dnum, _)| {
            cmp_uint(number, base) != Ordering::Less && cmp_uint(dnum, number) == Ordering::Greater
        })
        .map(|(_, dnum, d)| (dnum, d))
        .collect();
    deltas.sort_by(|a, b| cmp_uint(b.0, a.0));
    for (_, delta) in deltas {
        *budget = budget.checked_sub(1).ok_or(UndeterminedReason::Budget)?;
        if delta.current_at(time).is_err() {
            continue;
        }
        match verify(delta) {
            Ok(k) if k == key => return Ok(Some(delta)),
            Err(UndeterminedReason::Budget) => return Err(UndeterminedReason::Budget),
            _ => {}
        }
    }
    Ok(None)
}

/// RFC 5280 §6.3.3 over a set of CRLs. `verify` checks a CRL's signature and its issuer's
/// authority (the path module resolves the CRL issuer's certificate) and returns the public
/// key that verified it; `budget` counts CRLs considered.
///
/// Delta CRLs (§5.2.4) are applied only on top of a verified complete CRL, signed with the
/// same key (§6.3.3 (g)(2)); a removeFromCRL entry in the delta releases only a
/// certificateHold entry of the complete CRL (§5.3.1).
pub(crate) fn revocation_status(
    cert: &Certificate,
    crls: &[Crl],
    time: DateTime<Utc>,
    verify: &mut dyn FnMut(&Crl) -> core::result::Result<Vec<u8>, UndeterminedReason>,
    budget: &mut usize,
) -> RevocationStatus {
    let undetermined = |why| RevocationStatus::Undetermined { why };
    let tbs = &cert.x509().tbs_certificate;
    let cert_issuer_name = &tbs.issuer;
    let cert_issuer = PreparedName::new(cert_issuer_name);
    let serial = tbs.serial_number.as_bytes().to_vec();
    let is_ca = matches!(cert.extension::<BasicConstraints>(), Ok(Some((_, bc))) if bc.ca);
    let dps: Vec<DistributionPoint> = match cert.extension::<CrlDistributionPoints>() {
        Ok(Some((_, dps))) => dps.0,
        Ok(None) => vec![DistributionPoint {
            distribution_point: None,
            reasons: None,
            crl_issuer: None,
        }],
        Err(_) => return undetermined(UndeterminedReason::Malformed),
    };
    // Complete CRLs, newest first (thisUpdate, then cRLNumber).
    let mut complete: Vec<&Crl> = crls.iter().filter(|c| !c.is_delta()).collect();
    complete.sort_by(|a, b| {
        b.this_update.cmp(&a.this_update).then_with(|| {
            cmp_uint(
                b.number.as_deref().unwrap_or(&[]),
                a.number.as_deref().unwrap_or(&[]),
            )
        })
    });
    let mut reasons_mask: u16 = 0;
    let mut best = UndeterminedReason::NoCrl;
    let note = |why: UndeterminedReason, best: &mut UndeterminedReason| {
        if why.rank() > best.rank() {
            *best = why;
        }
    };
    for dp in &dps {
        for crl in &complete {
            let Some(left) = budget.checked_sub(1) else {
                return undetermined(UndeterminedReason::Budget);
            };
            *budget = left;
            // (b)(1) issuer.
            let indirect = crl.idp.as_ref().is_some_and(|i| i.indirect_crl);
            if let Some(crl_issuers) = &dp.crl_issuer {
                if !indirect || !dir_names(crl_issuers).contains(&crl.issuer) {
                    continue;
                }
            } else if crl.issuer != cert_issuer {
                continue;
            }
            // (b)(2) scope.
            if let Some(idp) = &crl.idp {
                if let Some(idp_dp) = &idp.distribution_point {
                    let idp_names = dp_full_names(idp_dp, crl.issuer());
                    let ok = match (&dp.distribution_point, &dp.crl_issuer) {
                        (Some(dpn), _) => {
                            general_names_overlap(&idp_names, &dp_full_names(dpn, crl.issuer()))
                        }
                        (None, Some(ci)) => general_names_overlap(&idp_names, ci),
                        (None, None) => false,
                    };
                    if !ok {
                        continue;
                    }
                }
                if (idp.only_contains_user_certs && is_ca)
                    || (idp.only_contains_ca_certs && !is_ca)
                    || idp.only_contains_attribute_certs
                {
                    continue;
                }
            }
            if crl.unknown_critical {
                note(UndeterminedReason::UnknownCriticalExtension, &mut best);
                continue;
            }
            // (c)-(d) reasons.
            let idp_reasons = crl
                .idp
                .as_ref()
                .and_then(|i| i.only_some_reasons)
                .map(|r| r.bits());
            let dp_reasons = dp.reasons.map(|r| r.bits());
            let interim = idp_reasons.unwrap_or(ALL_REASONS)
                & dp_reasons.unwrap_or(ALL_REASONS)
                & ALL_REASONS;
            // (d) would skip a CRL that adds no reasons; every current CRL in scope is read
            // instead, so that a newer CRL listing the certificate is never shadowed by an
            // older one that does not.
            if let Err(why) = crl.current_at(time) {
                note(why, &mut best);
                continue;
            }
            // (f)-(g) signature and issuer authority.
            let key = match verify(crl) {
                Ok(key) => key,
                Err(why) => {
                    note(why, &mut best);
                    continue;
                }
            };
            // (h)-(i) the newest usable delta CRL for this complete CRL, if supplied.
            let delta = match usable_delta(crl, crls, &key, time, verify, budget) {
                Ok(delta) => delta,
                Err(why) => return undetermined(why),
            };
            // (j) the complete CRL's entry, updated by the delta's.
            let base_entry = crl.lookup(&serial, &cert_issuer);
            let delta_entry = delta.and_then(|d| d.lookup(&serial, &cert_issuer));
            let verdict = match (base_entry, delta_entry) {
                (Some(base), Some(d)) if d.reason == Some(RevocationReason::RemoveFromCrl) => {
                    // Only a hold can be lifted (§5.3.1).
                    if base.reason == Some(RevocationReason::CertificateHold) {
                        None
                    } else {
                        revoked(base)
                    }
                }
                (_, Some(d)) => revoked(d),
                (Some(base), None) => revoked(base),
                (None, None) => None,
            };
            if let Some(status) = verdict {
                return status;
            }
            // (k)
            reasons_mask |= interim;
        }
    }
    if reasons_mask == ALL_REASONS {
        return RevocationStatus::Good;
    }
    if reasons_mask != 0 && best == UndeterminedReason::NoCrl {
        best = UndeterminedReason::ReasonsNotCovered;
    }
    if best == UndeterminedReason::NoCrl
        && crls.iter().any(|c| c.is_delta() && c.issuer == cert_issuer)
    {
        best = UndeterminedReason::DeltaWithoutBase;
    }
    undetermined(best)
}
