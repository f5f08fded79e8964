//! OCSP responses: parsing (RFC 6960 §4.2.1) and checking (§3.2, §4.2.2.2). No network.
//!
//! ```text
//! OCSPResponse ::= SEQUENCE {
//!    responseStatus         OCSPResponseStatus,
//!    responseBytes          [0] EXPLICIT ResponseBytes OPTIONAL }
//! BasicOCSPResponse ::= SEQUENCE {
//!    tbsResponseData      ResponseData,
//!    signatureAlgorithm   AlgorithmIdentifier,
//!    signature            BIT STRING,
//!    certs            [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
//! ResponseData ::= SEQUENCE {
//!    version              [0] EXPLICIT Version DEFAULT v1,
//!    responderID              ResponderID,
//!    producedAt               GeneralizedTime,
//!    responses                SEQUENCE OF SingleResponse,
//!    responseExtensions   [1] EXPLICIT Extensions OPTIONAL }
//! SingleResponse ::= SEQUENCE {
//!    certID                       CertID,
//!    certStatus                   CertStatus,
//!    thisUpdate                   GeneralizedTime,
//!    nextUpdate         [0]       EXPLICIT GeneralizedTime OPTIONAL,
//!    singleExtensions   [1]       EXPLICIT Extensions OPTIONAL }
//! CertStatus ::= CHOICE {
//!    good        [0]     IMPLICIT NULL,
//!    revoked     [1]     IMPLICIT RevokedInfo,
//!    unknown     [2]     IMPLICIT UnknownInfo }
//! RevokedInfo ::= SEQUENCE {
//!    revocationTime              GeneralizedTime,
//!    revocationReason    [0]     EXPLICIT CRLReason OPTIONAL }
//! ```
//!
//! Real responders (certomancer, some TSAs) put fractional seconds in GeneralizedTime
//! (`20261122032244.853599Z`), which RFC 5280 §4.1.2.5.2 forbids and `der` 0.7 rejects; the
//! time fields here are decoded leniently (fraction accepted, `Z` required) by the crate's
//! one time decoder (`time.rs`, [`TimeRules::FractionalSeconds`]). The
//! `tbsResponseData` bytes are kept as received for the signature check.

use chrono::{DateTime, Duration, Utc};
use const_oid::db::rfc5280::ID_KP_OCSP_SIGNING;
use const_oid::ObjectIdentifier;
use der::asn1::{BitString, Null, OctetString};
use der::{
    Choice, Decode, DecodeValue, Encode, EncodeValue, FixedTag, Header, Length, Reader, Sequence,
    SliceReader, Tag, TagMode, TagNumber, Writer,
};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::pkix::{CrlReason, ExtendedKeyUsage, KeyUsage};
use x509_cert::ext::Extensions;
use x509_ocsp::{CertId, OcspResponseStatus, ResponderId};

use crate::certificate::{Certificate, ParseMode};
use crate::crl::{RevocationReason, RevocationStatus, UndeterminedReason};
use crate::error::{Error, Result};
use crate::path::names::names_match;
use crate::sigverify::{digest_by_oid, verify_signature, AlgorithmPolicy, SignatureError};
use crate::time::{decode_generalized_time, TimeRules};

/// Upper bound on the size of an OCSP response, against resource exhaustion.
pub const MAX_OCSP_RESPONSE_LEN: usize = 1024 * 1024;
/// Upper bound on the number of certificates embedded in a response.
pub const MAX_OCSP_CERTS: usize = 16;

/// `id-pkix-ocsp-basic` (RFC 6960 §4.2.1).
const ID_PKIX_OCSP_BASIC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");
/// `id-pkix-ocsp-nonce` (RFC 6960 §4.4.1).
const ID_PKIX_OCSP_NONCE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.2");
/// `id-pkix-ocsp-nocheck` (RFC 6960 §4.2.2.2.1).
const ID_PKIX_OCSP_NOCHECK: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.5");

/// Extensions of a delegated responder certificate that may be critical: those the check
/// processes (EKU, keyUsage, id-pkix-ocsp-nocheck) or that constrain nothing it relies on.
const RESPONDER_EXTENSIONS: &[ObjectIdentifier] = &[
    const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE,
    const_oid::db::rfc5280::ID_CE_KEY_USAGE,
    const_oid::db::rfc5280::ID_CE_BASIC_CONSTRAINTS,
    const_oid::db::rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER,
    const_oid::db::rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER,
    const_oid::db::rfc5280::ID_CE_SUBJECT_ALT_NAME,
    const_oid::db::rfc5280::ID_CE_CERTIFICATE_POLICIES,
    ID_PKIX_OCSP_NOCHECK,
];

/// A GeneralizedTime decoded leniently (fractional seconds accepted), keeping its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
struct LenientTime {
    raw: Vec<u8>,
    time: DateTime<Utc>,
}

impl<'a> DecodeValue<'a> for LenientTime {
    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        let raw = reader.read_vec(header.length)?;
        let time = decode_generalized_time(&raw, TimeRules::FractionalSeconds)
            .ok_or_else(|| der::Error::from(der::ErrorKind::DateTime))?;
        Ok(Self { raw, time })
    }
}

impl EncodeValue for LenientTime {
    fn value_len(&self) -> der::Result<Length> {
        Length::try_from(self.raw.len())
    }
    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        writer.write(&self.raw)
    }
}

impl FixedTag for LenientTime {
    const TAG: Tag = Tag::GeneralizedTime;
}

#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
struct RevokedInfoAsn1 {
    revocation_time: LenientTime,
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    revocation_reason: Option<CrlReason>,
}

#[derive(Clone, Debug, PartialEq, Eq, Choice)]
enum CertStatusAsn1 {
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT")]
    Good(Null),
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", constructed = "true")]
    Revoked(RevokedInfoAsn1),
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT")]
    Unknown(Null),
}

#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
struct SingleResponseAsn1 {
    cert_id: CertId,
    cert_status: CertStatusAsn1,
    this_update: LenientTime,
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    next_update: Option<LenientTime>,
    #[asn1(context_specific = "1", optional = "true", tag_mode = "EXPLICIT")]
    single_extensions: Option<Extensions>,
}

#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
struct ResponseDataAsn1 {
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    version: Option<u8>,
    responder_id: ResponderId,
    produced_at: LenientTime,
    responses: Vec<SingleResponseAsn1>,
    #[asn1(context_specific = "1", optional = "true", tag_mode = "EXPLICIT")]
    response_extensions: Option<Extensions>,
}

/// The status of one certificate in an OCSP response (RFC 6960 §4.2.1 CertStatus).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum OcspCertStatus {
    /// `good`.
    Good,
    /// `revoked`.
    Revoked {
        /// revocationTime.
        time: DateTime<Utc>,
        /// revocationReason, when present.
        reason: Option<RevocationReason>,
    },
    /// `unknown`.
    Unknown,
}

/// One SingleResponse (RFC 6960 §4.2.1).
#[derive(Clone, Debug)]
pub struct SingleResponse {
    cert_id: CertId,
    status: OcspCertStatus,
    this_update: DateTime<Utc>,
    next_update: Option<DateTime<Utc>>,
    unknown_critical: bool,
}

impl SingleResponse {
    /// The CertID (hash algorithm, issuer name hash, issuer key hash, serial).
    pub fn cert_id(&self) -> &CertId {
        &self.cert_id
    }
    /// The certificate status.
    pub fn status(&self) -> &OcspCertStatus {
        &self.status
    }
    /// thisUpdate.
    pub fn this_update(&self) -> DateTime<Utc> {
        self.this_update
    }
    /// nextUpdate, if present.
    pub fn next_update(&self) -> Option<DateTime<Utc>> {
        self.next_update
    }
}

/// The responseStatus (RFC 6960 §4.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResponseStatus {
    /// `successful` (0): the response has valid confirmations.
    Successful,
    /// `malformedRequest` (1): the request did not conform to the OCSP syntax.
    MalformedRequest,
    /// `internalError` (2): the responder reached an inconsistent internal state.
    InternalError,
    /// `tryLater` (3): the responder is busy; try again later.
    TryLater,
    /// `sigRequired` (5): the responder requires signed requests.
    SigRequired,
    /// `unauthorized` (6): the responder will not answer for this certificate.
    Unauthorized,
}

impl From<OcspResponseStatus> for ResponseStatus {
    fn from(s: OcspResponseStatus) -> Self {
        match s {
            OcspResponseStatus::Successful => Self::Successful,
            OcspResponseStatus::MalformedRequest => Self::MalformedRequest,
            OcspResponseStatus::InternalError => Self::InternalError,
            OcspResponseStatus::TryLater => Self::TryLater,
            OcspResponseStatus::SigRequired => Self::SigRequired,
            OcspResponseStatus::Unauthorized => Self::Unauthorized,
        }
    }
}

/// The signed part of a successful response: BasicOCSPResponse (RFC 6960 §4.2.1).
#[derive(Clone, Debug)]
struct Basic {
    tbs: Vec<u8>,
    responder_id: ResponderId,
    produced_at: DateTime<Utc>,
    responses: Vec<SingleResponse>,
    nonce: Option<Vec<u8>>,
    unknown_critical: bool,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
    certs: Vec<Certificate>,
}

/// A parsed OCSP response (RFC 6960 §4.2.1).
#[derive(Clone, Debug)]
pub struct OcspResponse {
    status: ResponseStatus,
    basic: Option<Basic>,
}

impl OcspResponse {
    /// Decode an OCSPResponse (the whole input). Never panics.
    ///
    /// # Errors
    /// [`Error::Der`] for malformed input, [`Error::TrailingData`], [`Error::TooLarge`] above
    /// [`MAX_OCSP_RESPONSE_LEN`], [`Error::TooMany`] above [`MAX_OCSP_CERTS`] certificates,
    /// [`Error::Ocsp`] for a response type other than id-pkix-ocsp-basic.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        if der.len() > MAX_OCSP_RESPONSE_LEN {
            return Err(Error::TooLarge {
                what: "OCSP response",
                actual: der.len(),
                limit: MAX_OCSP_RESPONSE_LEN,
            });
        }
        let outer =
            x509_ocsp::OcspResponse::from_der(der).map_err(Error::decoding("OCSP response"))?;
        let status = ResponseStatus::from(outer.response_status);
        let Some(bytes) = outer.response_bytes else {
            return Ok(Self {
                status,
                basic: None,
            });
        };
        if bytes.response_type != ID_PKIX_OCSP_BASIC {
            return Err(OcspError::UnsupportedResponseType {
                oid: bytes.response_type,
            }
            .into());
        }
        let basic = parse_basic(bytes.response.as_bytes())?;
        Ok(Self {
            status,
            basic: Some(basic),
        })
    }

    /// The responseStatus.
    pub fn status(&self) -> ResponseStatus {
        self.status
    }

    /// The `tbsResponseData` bytes as received (what the signature covers), for successful
    /// responses.
    pub fn tbs_response_data(&self) -> Option<&[u8]> {
        self.basic.as_ref().map(|b| b.tbs.as_slice())
    }

    /// producedAt.
    pub fn produced_at(&self) -> Option<DateTime<Utc>> {
        self.basic.as_ref().map(|b| b.produced_at)
    }

    /// The SingleResponses.
    pub fn responses(&self) -> &[SingleResponse] {
        self.basic.as_ref().map_or(&[], |b| b.responses.as_slice())
    }

    /// Certificates the responder included (e.g. a delegated responder certificate).
    pub fn certificates(&self) -> &[Certificate] {
        self.basic.as_ref().map_or(&[], |b| b.certs.as_slice())
    }

    /// The nonce extension value (RFC 8954 / RFC 6960 §4.4.1), if present.
    pub fn nonce(&self) -> Option<&[u8]> {
        self.basic.as_ref().and_then(|b| b.nonce.as_deref())
    }

    /// Check this response for `cert` issued by `issuer` (RFC 6960 §3.2): status successful,
    /// responder authorised (the issuer itself, or a certificate the issuer issued with EKU
    /// id-kp-OCSPSigning), signature, CertID match, freshness, nonce.
    ///
    /// # Errors
    /// An [`OcspError`] naming the first failed check.
    ///
    /// # Security
    /// Not checked here: the delegated responder certificate's own revocation status when it
    /// lacks id-pkix-ocsp-nocheck (see [`OcspVerdict::responder`] and [`ResponderStatus`]),
    /// RSASSA-PSS key parameters against the signature's (RFC 4055 §3.3), and whether the
    /// issuer itself is trusted — `issuer` must come from a validated path. Path validation
    /// ([`crate::ValidationOptions::with_ocsp_responses`]) does not accept a `good` answer
    /// from an unchecked responder.
    pub fn check(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        opts: &OcspCheckOptions,
    ) -> core::result::Result<OcspVerdict, OcspError> {
        if self.status != ResponseStatus::Successful {
            return Err(OcspError::NotSuccessful {
                status: self.status,
            });
        }
        let basic = self.basic.as_ref().ok_or(OcspError::NoResponseBytes)?;
        if basic.unknown_critical {
            return Err(OcspError::UnknownCriticalExtension);
        }
        let responder = authorise(basic, issuer, opts)?;
        // Signature over tbsResponseData as received.
        let signer = match &responder {
            Responder::Issuer => issuer,
            Responder::Delegated(c) => c,
        };
        let sig = basic
            .signature
            .as_bytes()
            .ok_or(OcspError::Signature(SignatureError::BadSignature))?;
        verify_signature(
            &basic.signature_algorithm,
            &signer.x509().tbs_certificate.subject_public_key_info,
            &basic.tbs,
            sig,
            &opts.algorithms,
        )
        .map_err(OcspError::Signature)?;
        // CertID.
        let single = basic
            .responses
            .iter()
            .find(|r| cert_id_matches(&r.cert_id, cert, issuer))
            .ok_or(OcspError::NoMatchingResponse)?;
        if single.unknown_critical {
            return Err(OcspError::UnknownCriticalExtension);
        }
        // Freshness. Checked arithmetic: an overflow fails closed.
        let t = opts.time;
        let latest = t.checked_add_signed(opts.clock_skew);
        if latest.is_none_or(|latest| single.this_update > latest) {
            return Err(OcspError::NotYetValid {
                this_update: single.this_update,
            });
        }
        let earliest = t.checked_sub_signed(opts.clock_skew);
        match single.next_update {
            Some(next) if earliest.is_none_or(|earliest| next < earliest) => {
                return Err(OcspError::Stale {
                    this_update: single.this_update,
                    next_update: Some(next),
                })
            }
            None if t.signed_duration_since(single.this_update) > opts.max_age => {
                return Err(OcspError::Stale {
                    this_update: single.this_update,
                    next_update: None,
                })
            }
            _ => {}
        }
        // Nonce.
        if let Some(expected) = &opts.nonce {
            match &basic.nonce {
                None => return Err(OcspError::NonceMissing),
                Some(n) if n != expected => return Err(OcspError::NonceMismatch),
                Some(_) => {}
            }
        }
        let status = match &single.status {
            OcspCertStatus::Good => RevocationStatus::Good,
            OcspCertStatus::Revoked { time, reason } => RevocationStatus::Revoked {
                time: *time,
                reason: *reason,
            },
            OcspCertStatus::Unknown => RevocationStatus::Undetermined {
                why: UndeterminedReason::OcspUnknown,
            },
        };
        let responder = match responder {
            Responder::Issuer => ResponderKind::Issuer,
            Responder::Delegated(c) => ResponderKind::Delegated {
                subject: c.x509().tbs_certificate.subject.to_string(),
                status: if c
                    .extension_raw(ID_PKIX_OCSP_NOCHECK)
                    .ok()
                    .flatten()
                    .is_some()
                {
                    ResponderStatus::NoCheck
                } else {
                    ResponderStatus::Unchecked
                },
            },
        };
        Ok(OcspVerdict {
            status,
            this_update: single.this_update,
            next_update: single.next_update,
            produced_at: basic.produced_at,
            responder,
        })
    }
}

fn parse_basic(bytes: &[u8]) -> Result<Basic> {
    let what = "BasicOCSPResponse";
    let mut reader = SliceReader::new(bytes).map_err(Error::decoding(what))?;
    let (tbs, signature_algorithm, signature, cert_anys) = reader
        .sequence(|r| {
            let tbs = r.tlv_bytes()?.to_vec();
            let alg = AlgorithmIdentifierOwned::decode(r)?;
            let sig = BitString::decode(r)?;
            let certs: Option<Vec<der::Any>> =
                r.context_specific(TagNumber::N0, TagMode::Explicit)?;
            Ok((tbs, alg, sig, certs))
        })
        .map_err(Error::decoding(what))?;
    reader.finish(()).map_err(Error::decoding(what))?;
    let data = ResponseDataAsn1::from_der(&tbs).map_err(Error::decoding("ResponseData"))?;
    let cert_anys = cert_anys.unwrap_or_default();
    if cert_anys.len() > MAX_OCSP_CERTS {
        return Err(Error::TooMany {
            what: "certificates in OCSP response",
            limit: MAX_OCSP_CERTS,
        });
    }
    let mut certs = Vec::with_capacity(cert_anys.len());
    for any in &cert_anys {
        let der = any.to_der().map_err(Error::decoding("OCSP certificate"))?;
        certs.push(Certificate::from_der(&der, ParseMode::Lenient)?);
    }
    let mut unknown_critical = false;
    let mut nonce = None;
    for ext in data.response_extensions.iter().flatten() {
        if ext.extn_id == ID_PKIX_OCSP_NONCE {
            let v = ext.extn_value.as_bytes();
            nonce = Some(match OctetString::from_der(v) {
                Ok(o) => o.as_bytes().to_vec(),
                Err(_) => v.to_vec(),
            });
        } else if ext.critical {
            unknown_critical = true;
        }
    }
    let responses = data
        .responses
        .into_iter()
        .map(|r| {
            let status = match r.cert_status {
                CertStatusAsn1::Good(_) => OcspCertStatus::Good,
                CertStatusAsn1::Unknown(_) => OcspCertStatus::Unknown,
                CertStatusAsn1::Revoked(info) => OcspCertStatus::Revoked {
                    time: info.revocation_time.time,
                    reason: info.revocation_reason.map(RevocationReason::from_crl),
                },
            };
            SingleResponse {
                cert_id: r.cert_id,
                status,
                this_update: r.this_update.time,
                next_update: r.next_update.map(|t| t.time),
                unknown_critical: r.single_extensions.iter().flatten().any(|e| e.critical),
            }
        })
        .collect();
    Ok(Basic {
        tbs,
        responder_id: data.responder_id,
        produced_at: data.produced_at.time,
        responses,
        nonce,
        unknown_critical,
        signature_algorithm,
        signature,
        certs,
    })
}

enum Responder<'a> {
    Issuer,
    Delegated(&'a Certificate),
}

/// SHA-1 of the subjectPublicKey BIT STRING value (RFC 6960 §4.2.1 KeyHash).
fn key_hash(cert: &Certificate, hash: ObjectIdentifier) -> Option<Vec<u8>> {
    let key = cert
        .x509()
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .raw_bytes();
    digest_by_oid(hash, key)
}

fn responder_is(id: &ResponderId, cert: &Certificate) -> bool {
    match id {
        ResponderId::ByName(name) => names_match(name, &cert.x509().tbs_certificate.subject),
        ResponderId::ByKey(hash) => {
            key_hash(cert, crate::sigverify::oids::SHA1).is_some_and(|h| h == hash.as_bytes())
        }
    }
}

/// RFC 6960 §4.2.2.2: the CA itself, or a delegated responder certificate issued by the CA
/// carrying id-kp-OCSPSigning.
fn authorise<'a>(
    basic: &'a Basic,
    issuer: &Certificate,
    opts: &OcspCheckOptions,
) -> core::result::Result<Responder<'a>, OcspError> {
    if responder_is(&basic.responder_id, issuer) {
        return Ok(Responder::Issuer);
    }
    let mut last = OcspError::ResponderNotFound;
    for cand in basic
        .certs
        .iter()
        .filter(|c| responder_is(&basic.responder_id, c))
    {
        match delegated_ok(cand, issuer, opts) {
            Ok(()) => return Ok(Responder::Delegated(cand)),
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn delegated_ok(
    cand: &Certificate,
    issuer: &Certificate,
    opts: &OcspCheckOptions,
) -> core::result::Result<(), OcspError> {
    let x = cand.x509();
    let tbs = &x.tbs_certificate;
    // RFC 5280 §4.1.1.2: the outer and inner signature algorithms must be identical.
    if x.signature_algorithm != tbs.signature {
        return Err(OcspError::ResponderNotAuthorised {
            why: "signatureAlgorithm differs from tbsCertificate.signature",
        });
    }
    // RFC 5280 §4.2: a critical extension this check does not process rejects the responder.
    if tbs
        .extensions
        .iter()
        .flatten()
        .any(|e| e.critical && !RESPONDER_EXTENSIONS.contains(&e.extn_id))
    {
        return Err(OcspError::ResponderNotAuthorised {
            why: "unknown critical extension",
        });
    }
    if !names_match(&tbs.issuer, &issuer.x509().tbs_certificate.subject) {
        return Err(OcspError::ResponderNotAuthorised {
            why: "not issued by the certificate's issuer",
        });
    }
    let sig = x
        .signature
        .as_bytes()
        .ok_or(OcspError::ResponderNotAuthorised {
            why: "bad signature",
        })?;
    verify_signature(
        &x.signature_algorithm,
        &issuer.x509().tbs_certificate.subject_public_key_info,
        cand.tbs_der(),
        sig,
        &opts.algorithms,
    )
    .map_err(|_| OcspError::ResponderNotAuthorised {
        why: "not signed by the certificate's issuer",
    })?;
    let eku =
        cand.extension::<ExtendedKeyUsage>()
            .map_err(|_| OcspError::ResponderNotAuthorised {
                why: "malformed extendedKeyUsage",
            })?;
    if !eku.is_some_and(|(_, e)| e.0.contains(&ID_KP_OCSP_SIGNING)) {
        return Err(OcspError::ResponderNotAuthorised {
            why: "no id-kp-OCSPSigning",
        });
    }
    if let Ok(Some((_, ku))) = cand.extension::<KeyUsage>() {
        if !ku.digital_signature() && !ku.non_repudiation() {
            return Err(OcspError::ResponderNotAuthorised {
                why: "keyUsage forbids signing",
            });
        }
    }
    let (nb, na) = (cand.not_before(), cand.not_after());
    let latest = opts.time.checked_add_signed(opts.clock_skew);
    let earliest = opts.time.checked_sub_signed(opts.clock_skew);
    if latest.is_none_or(|l| l < nb) || earliest.is_none_or(|e| e > na) {
        return Err(OcspError::ResponderNotAuthorised {
            why: "responder certificate outside its validity",
        });
    }
    Ok(())
}

fn cert_id_matches(id: &CertId, cert: &Certificate, issuer: &Certificate) -> bool {
    let hash = id.hash_algorithm.oid;
    if id
        .hash_algorithm
        .parameters
        .as_ref()
        .is_some_and(|p| !p.is_null())
    {
        return false;
    }
    let tbs = &cert.x509().tbs_certificate;
    if id.serial_number != tbs.serial_number {
        return false;
    }
    // RFC 6960 §4.1.1: the hash of the issuer's DN as it appears in the certificate.
    let Some(name_der) = issuer_name_der(cert.tbs_der()) else {
        return false;
    };
    let name_ok =
        digest_by_oid(hash, name_der).is_some_and(|h| h == id.issuer_name_hash.as_bytes());
    let key_ok = key_hash(issuer, hash).is_some_and(|h| h == id.issuer_key_hash.as_bytes());
    name_ok && key_ok && names_match(&tbs.issuer, &issuer.x509().tbs_certificate.subject)
}

/// The `issuer` Name of a `tbsCertificate`, as its bytes were received (RFC 5280 §4.1):
/// `SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, ... }`.
fn issuer_name_der(tbs: &[u8]) -> Option<&[u8]> {
    let mut reader = SliceReader::new(tbs).ok()?;
    let header = Header::decode(&mut reader).ok()?;
    if header.tag != Tag::Sequence {
        return None;
    }
    if reader.peek_tag().ok()?
        == (Tag::ContextSpecific {
            constructed: true,
            number: TagNumber::N0,
        })
    {
        reader.tlv_bytes().ok()?;
    }
    reader.tlv_bytes().ok()?; // serialNumber
    reader.tlv_bytes().ok()?; // signature
    reader.tlv_bytes().ok()
}

/// Inputs of [`OcspResponse::check`] (RFC 6960 §3.2, RFC 5019 §4 for freshness and skew).
#[derive(Clone, Debug)]
pub struct OcspCheckOptions {
    time: DateTime<Utc>,
    clock_skew: Duration,
    max_age: Duration,
    nonce: Option<Vec<u8>>,
    algorithms: AlgorithmPolicy,
}

impl OcspCheckOptions {
    /// Check at `time`, 5 minutes clock skew tolerance, 1 day maximum age when nextUpdate is
    /// absent, no nonce expected, the strict [`AlgorithmPolicy`].
    pub fn new(time: DateTime<Utc>) -> Self {
        Self {
            time,
            clock_skew: Duration::minutes(5),
            max_age: Duration::days(1),
            nonce: None,
            algorithms: AlgorithmPolicy::default(),
        }
    }

    /// Tolerance for clocks that disagree (applied to thisUpdate, nextUpdate and the responder
    /// certificate's validity). A negative skew counts as zero; a skew so large that the
    /// tolerance window leaves chrono's range makes every response fail the freshness check.
    pub fn with_clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew.max(Duration::zero());
        self
    }

    /// How old a response without nextUpdate may be.
    pub fn with_max_age(mut self, age: Duration) -> Self {
        self.max_age = age;
        self
    }

    /// Require the response to echo this nonce (the one sent in the request).
    pub fn with_nonce(mut self, nonce: impl Into<Vec<u8>>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// Accepted signature algorithms.
    pub fn with_algorithm_policy(mut self, policy: AlgorithmPolicy) -> Self {
        self.algorithms = policy;
        self
    }
}

/// Who signed the response.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResponderKind {
    /// The certificate's issuer (the CA) itself.
    Issuer,
    /// A delegated responder certificate issued by the CA (EKU id-kp-OCSPSigning).
    Delegated {
        /// Its subject DN.
        subject: String,
        /// Whether its own revocation status needs checking (RFC 6960 §4.2.2.2.1).
        status: ResponderStatus,
    },
}

/// Whether a delegated responder's own revocation status still needs checking
/// (RFC 6960 §4.2.2.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResponderStatus {
    /// The responder certificate carries id-pkix-ocsp-nocheck: the CA vouches that it need
    /// not be checked for its lifetime.
    NoCheck,
    /// No id-pkix-ocsp-nocheck: [`OcspResponse::check`] did not check the responder's own
    /// revocation status; until the caller does, a `good` answer is not authoritative.
    Unchecked,
}

/// The result of a successful [`OcspResponse::check`] (RFC 6960 §3.2).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OcspVerdict {
    /// The certificate's status.
    pub status: RevocationStatus,
    /// thisUpdate of the matching SingleResponse.
    pub this_update: DateTime<Utc>,
    /// nextUpdate of the matching SingleResponse.
    pub next_update: Option<DateTime<Utc>>,
    /// producedAt.
    pub produced_at: DateTime<Utc>,
    /// Who signed.
    pub responder: ResponderKind,
}

/// Why an OCSP response cannot be relied on (RFC 6960 §3.2, §4.2.2.2).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OcspError {
    /// responseStatus is not `successful`.
    #[error("OCSP response status {status:?}")]
    NotSuccessful {
        /// The status.
        status: ResponseStatus,
    },
    /// A successful response without responseBytes.
    #[error("OCSP response without responseBytes")]
    NoResponseBytes,
    /// A response type other than id-pkix-ocsp-basic.
    #[error("unsupported OCSP response type {oid}")]
    UnsupportedResponseType {
        /// The responseType.
        oid: ObjectIdentifier,
    },
    /// The responder ID matches neither the issuer nor an included certificate.
    #[error("OCSP responder not found")]
    ResponderNotFound,
    /// The responder certificate is not authorised by the CA.
    #[error("OCSP responder not authorised: {why}")]
    ResponderNotAuthorised {
        /// Why.
        why: &'static str,
    },
    /// The response signature does not verify.
    #[error("OCSP response signature: {0}")]
    Signature(SignatureError),
    /// No SingleResponse for the certificate (CertID mismatch).
    #[error("no response for this certificate (CertID mismatch)")]
    NoMatchingResponse,
    /// thisUpdate is in the future beyond the clock skew.
    #[error("OCSP response not yet valid (thisUpdate {this_update})")]
    NotYetValid {
        /// thisUpdate.
        this_update: DateTime<Utc>,
    },
    /// nextUpdate passed, or the response is older than the maximum age.
    #[error("OCSP response stale (thisUpdate {this_update}, nextUpdate {next_update:?})")]
    Stale {
        /// thisUpdate.
        this_update: DateTime<Utc>,
        /// nextUpdate.
        next_update: Option<DateTime<Utc>>,
    },
    /// A nonce was expected but is absent.
    #[error("OCSP nonce missing")]
    NonceMissing,
    /// The nonce differs from the one sent.
    #[error("OCSP nonce mismatch")]
    NonceMismatch,
    /// An unrecognised critical extension.
    #[error("OCSP response carries an unknown critical extension")]
    UnknownCriticalExtension,
}

impl OcspError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotSuccessful { .. } => "ocsp_not_successful",
            Self::NoResponseBytes => "ocsp_malformed",
            Self::UnsupportedResponseType { .. } => "ocsp_unsupported_type",
            Self::ResponderNotFound => "ocsp_responder_not_found",
            Self::ResponderNotAuthorised { .. } => "ocsp_responder_not_authorised",
            Self::Signature(_) => "ocsp_bad_signature",
            Self::NoMatchingResponse => "ocsp_cert_id_mismatch",
            Self::NotYetValid { .. } => "ocsp_not_yet_valid",
            Self::Stale { .. } => "ocsp_stale",
            Self::NonceMissing | Self::NonceMismatch => "ocsp_nonce",
            Self::UnknownCriticalExtension => "ocsp_unknown_critical_extension",
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn lenient_time() {
        // The shared decoder (crate::time), with fractional seconds as responders send them.
        let t = decode_generalized_time(b"20261122032244.853599Z", TimeRules::FractionalSeconds)
            .unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-22T03:22:44.853599+00:00");
        assert!(LenientTime::from_der(b"\x18\x0f20261122032244Z").is_ok());
        assert!(LenientTime::from_der(b"\x18\x0e20261122032244").is_err());
    }

    /// Review (lower): issuerNameHash is computed over the issuer Name as received.
    #[test]
    fn issuer_name_bytes_as_received() {
        let pki = qes_testkit::TestPki::shared();
        let cert =
            Certificate::from_der(pki.natural_person().cert_der(), ParseMode::Strict).unwrap();
        let expected = cert.x509().tbs_certificate.issuer.to_der().unwrap();
        assert_eq!(issuer_name_der(cert.tbs_der()), Some(expected.as_slice()));
        assert_eq!(issuer_name_der(&[0x30, 0x00]), None);
        assert_eq!(issuer_name_der(b"garbage"), None);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(OcspResponse::from_der(&[]).is_err());
        assert!(OcspResponse::from_der(&[0x30, 0x03, 0x0a, 0x01, 0x00, 0x00]).is_err());
        // tryLater, no bytes.
        let r = OcspResponse::from_der(&[0x30, 0x03, 0x0a, 0x01, 0x03]).unwrap();
        assert_eq!(r.status(), ResponseStatus::TryLater);
    }
}
