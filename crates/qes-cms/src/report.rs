//! Verification reports: per signer, an ETSI EN 319 102-1 §5.1.3 indication and
//! sub-indication, the signer's identity, its times, and every check made.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// The main status of a validation (ETSI EN 319 102-1 §5.1.3, Table 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING-KEBAB-CASE")]
pub enum Indication {
    /// Every check passed.
    TotalPassed,
    /// The signature is proven invalid: a cryptographic check failed, or the certificate was
    /// revoked, expired or not yet valid at the signing time.
    TotalFailed,
    /// The checks neither prove nor disprove validity (missing chain, revocation data, …).
    Indeterminate,
}

impl std::fmt::Display for Indication {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::TotalPassed => "TOTAL-PASSED",
            Self::TotalFailed => "TOTAL-FAILED",
            Self::Indeterminate => "INDETERMINATE",
        })
    }
}

/// Why a validation is not TOTAL-PASSED (ETSI EN 319 102-1 §5.1.3, Tables 5 and 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum SubIndication {
    /// TOTAL-FAILED: the signature is not conformant to the format (structure, mandatory
    /// attributes, attribute rules).
    FormatFailure,
    /// TOTAL-FAILED: the signed data's hash does not match the message-digest attribute.
    HashFailure,
    /// TOTAL-FAILED: the signature value does not verify with the signer's public key.
    SigCryptoFailure,
    /// TOTAL-FAILED: the signing certificate was revoked before the proven signing time.
    Revoked,
    /// TOTAL-FAILED: the signing certificate had expired at the proven signing time.
    Expired,
    /// TOTAL-FAILED: the signing certificate was not yet valid at the proven signing time.
    NotYetValid,
    /// INDETERMINATE: a signature constraint failed (key usage, signed-attribute constraints).
    SigConstraintsFailure,
    /// INDETERMINATE: a constraint on the certificate chain failed (policies, name
    /// constraints, basic constraints, path length).
    ChainConstraintsFailure,
    /// INDETERMINATE: the chain could not be validated for another reason.
    CertificateChainGeneralFailure,
    /// INDETERMINATE: an algorithm or key size is not acceptable under the policy.
    CryptoConstraintsFailureNoPoe,
    /// INDETERMINATE: the signing certificate cannot be identified, or its reference in the
    /// signing-certificate attribute does not match it.
    NoSigningCertificateFound,
    /// INDETERMINATE: no chain to a trust anchor could be built.
    NoCertificateChainFound,
    /// INDETERMINATE: the signing certificate is revoked and no proof of existence precedes
    /// the revocation.
    RevokedNoPoe,
    /// INDETERMINATE: a CA certificate of the chain is revoked, with no proof of existence
    /// before it.
    RevokedCaNoPoe,
    /// INDETERMINATE: the validation time is outside the certificate's validity and there
    /// is no proof of existence inside it.
    OutOfBoundsNoPoe,
    /// INDETERMINATE: revocation status cannot be determined now; retry when fresher
    /// revocation information is available.
    TryLater,
    /// INDETERMINATE: the signed data (detached content) was not provided.
    SignedDataNotFound,
    /// INDETERMINATE: a timestamp's time precedes the claimed signing time by more than
    /// the tolerance, or timestamps are out of order.
    TimestampOrderFailure,
}

impl SubIndication {
    /// The main indication this sub-indication belongs to.
    pub const fn indication(self) -> Indication {
        match self {
            Self::FormatFailure
            | Self::HashFailure
            | Self::SigCryptoFailure
            | Self::Revoked
            | Self::Expired
            | Self::NotYetValid => Indication::TotalFailed,
            _ => Indication::Indeterminate,
        }
    }

    /// The ETSI name (`HASH_FAILURE`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::FormatFailure => "FORMAT_FAILURE",
            Self::HashFailure => "HASH_FAILURE",
            Self::SigCryptoFailure => "SIG_CRYPTO_FAILURE",
            Self::Revoked => "REVOKED",
            Self::Expired => "EXPIRED",
            Self::NotYetValid => "NOT_YET_VALID",
            Self::SigConstraintsFailure => "SIG_CONSTRAINTS_FAILURE",
            Self::ChainConstraintsFailure => "CHAIN_CONSTRAINTS_FAILURE",
            Self::CertificateChainGeneralFailure => "CERTIFICATE_CHAIN_GENERAL_FAILURE",
            Self::CryptoConstraintsFailureNoPoe => "CRYPTO_CONSTRAINTS_FAILURE_NO_POE",
            Self::NoSigningCertificateFound => "NO_SIGNING_CERTIFICATE_FOUND",
            Self::NoCertificateChainFound => "NO_CERTIFICATE_CHAIN_FOUND",
            Self::RevokedNoPoe => "REVOKED_NO_POE",
            Self::RevokedCaNoPoe => "REVOKED_CA_NO_POE",
            Self::OutOfBoundsNoPoe => "OUT_OF_BOUNDS_NO_POE",
            Self::TryLater => "TRY_LATER",
            Self::SignedDataNotFound => "SIGNED_DATA_NOT_FOUND",
            Self::TimestampOrderFailure => "TIMESTAMP_ORDER_FAILURE",
        }
    }
}

impl std::fmt::Display for SubIndication {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One step of a validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Step {
    /// Structure and mandatory fields.
    Format,
    /// Finding the signer's certificate from the signer identifier.
    SignerCertificate,
    /// The ESS signing-certificate(-v2) reference to the signer's certificate.
    SigningCertificateReference,
    /// The signed-attribute rules (RFC 5652 §5.3, §11; ETSI EN 319 122-1 §5.2).
    SignedAttributes,
    /// The message-digest attribute against the content's hash.
    MessageDigest,
    /// The signature value against the signer's public key.
    SignatureValue,
    /// The signing certificate's key usage.
    KeyUsage,
    /// The certification path to a trust anchor, with revocation.
    CertificatePath,
    /// A signature timestamp (ETSI EN 319 122-1 §5.3).
    SignatureTimestamp,
    /// The timestamp token's content (RFC 3161 §2.4.2): imprint, TSA certificate.
    TimestampContent,
}

/// How one step ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "detail", rename_all = "kebab-case")]
pub enum Outcome {
    /// The step passed.
    Passed,
    /// The step passed with a caveat the reader should see (e.g. revocation status not
    /// established under `RevocationPolicy::IfAvailable`, or a revocation dated after the
    /// signature's proof of existence).
    PassedWithNote(String),
    /// The step failed for the reason given.
    Failed(String),
    /// The step could not be carried out (reason given); it neither passes nor fails.
    NotChecked(String),
}

impl Outcome {
    /// Whether the step passed (with or without a note).
    pub fn passed(&self) -> bool {
        matches!(self, Self::Passed | Self::PassedWithNote(_))
    }
}

/// One check in a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Which step.
    pub step: Step,
    /// How it ended.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Who signed, from the signing certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignerIdentity {
    /// The certificate subject (RFC 4514 string).
    pub subject: String,
    /// The certificate issuer (RFC 4514 string).
    pub issuer: String,
    /// The serial number, hex.
    pub serial: String,
    /// SHA-256 of the certificate's DER, hex: names exactly this certificate.
    pub certificate_sha256: String,
    /// The certificate's DER, as the signature carried it (for checks that need the
    /// certificate itself, such as matching a document's holder data).
    #[serde(skip)]
    pub certificate_der: Vec<u8>,
}

/// CAdES baseline level reached (ETSI EN 319 122-1 §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CadesLevel {
    // Ordered weakest first: `level >= CadesLevel::BaselineB` reads as "at least B-B".
    /// Plain CMS: the mandatory CAdES B-B attributes are not all present.
    #[serde(rename = "CMS")]
    Cms,
    /// CAdES-B-B: signing-certificate(-v2) and signing-time… signed.
    #[serde(rename = "B-B")]
    BaselineB,
    /// CAdES-B-T: B-B plus a signature timestamp.
    #[serde(rename = "B-T")]
    BaselineT,
}

/// The validation of one RFC 3161 timestamp token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimestampReport {
    /// The outcome.
    pub indication: Indication,
    /// Why, when not TOTAL-PASSED.
    pub sub_indication: Option<SubIndication>,
    /// The token's genTime.
    pub gen_time: Option<DateTime<Utc>>,
    /// The TSA (signer of the token).
    pub tsa: Option<SignerIdentity>,
    /// The TSA policy OID (dotted).
    pub policy: Option<String>,
    /// The token serial number, hex.
    pub serial: Option<String>,
    /// Every check made.
    pub checks: Vec<Check>,
}

/// The validation of one signer (or countersigner).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignerReport {
    /// The outcome.
    pub indication: Indication,
    /// Why, when not TOTAL-PASSED.
    pub sub_indication: Option<SubIndication>,
    /// Who signed, when the certificate was found.
    pub signer: Option<SignerIdentity>,
    /// The signature algorithm (`RSA-PKCS1-SHA256`, … or the OID).
    pub signature_algorithm: String,
    /// The claimed signing time (signing-time attribute; not proof).
    pub signing_time: Option<DateTime<Utc>>,
    /// The earliest valid signature timestamp: proof the signature existed then.
    pub timestamp_time: Option<DateTime<Utc>>,
    /// The time the certificate path was validated at.
    pub validation_time: DateTime<Utc>,
    /// The CAdES level the signature reaches.
    pub level: CadesLevel,
    /// Every check made, in order.
    pub checks: Vec<Check>,
    /// Signature timestamps over this signature.
    pub timestamps: Vec<TimestampReport>,
    /// Countersignatures of this signature.
    pub countersignatures: Vec<SignerReport>,
}

impl SignerReport {
    /// Whether this signer and all its countersigners are TOTAL-PASSED.
    pub fn passed(&self) -> bool {
        self.indication == Indication::TotalPassed
            && self.countersignatures.iter().all(Self::passed)
    }

    /// The first failed check, if any.
    pub fn first_failure(&self) -> Option<&Check> {
        self.checks
            .iter()
            .find(|c| matches!(c.outcome, Outcome::Failed(_)))
    }
}

/// The validation of a whole `SignedData`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerificationReport {
    /// Whether the content was encapsulated (attached) or supplied separately (detached).
    pub detached: bool,
    /// The encapsulated content type (dotted OID).
    pub content_type: String,
    /// One report per SignerInfo, in order.
    pub signers: Vec<SignerReport>,
}

impl VerificationReport {
    /// Whether there is at least one signer and every signer (and countersigner) is
    /// TOTAL-PASSED.
    pub fn all_passed(&self) -> bool {
        !self.signers.is_empty() && self.signers.iter().all(SignerReport::passed)
    }
}

/// Collects checks and settles the indication: the first failure decides.
#[derive(Debug, Default)]
pub(crate) struct Checks {
    pub checks: Vec<Check>,
    pub verdict: Option<SubIndication>,
}

impl Checks {
    pub fn pass(&mut self, step: Step) {
        self.checks.push(Check {
            step,
            outcome: Outcome::Passed,
        });
    }

    pub fn pass_with(&mut self, step: Step, note: impl Into<String>) {
        self.checks.push(Check {
            step,
            outcome: Outcome::PassedWithNote(note.into()),
        });
    }

    pub fn fail(&mut self, step: Step, sub: SubIndication, detail: impl Into<String>) {
        self.checks.push(Check {
            step,
            outcome: Outcome::Failed(detail.into()),
        });
        // TOTAL-FAILED outranks INDETERMINATE; otherwise the first failure stays.
        match self.verdict {
            None => self.verdict = Some(sub),
            Some(prev)
                if prev.indication() == Indication::Indeterminate
                    && sub.indication() == Indication::TotalFailed =>
            {
                self.verdict = Some(sub)
            }
            Some(_) => {}
        }
    }

    pub fn not_checked(&mut self, step: Step, detail: impl Into<String>) {
        self.checks.push(Check {
            step,
            outcome: Outcome::NotChecked(detail.into()),
        });
    }

    pub fn indication(&self) -> (Indication, Option<SubIndication>) {
        match self.verdict {
            None => (Indication::TotalPassed, None),
            Some(sub) => (sub.indication(), Some(sub)),
        }
    }
}
