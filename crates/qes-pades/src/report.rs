//! Verification reports for PDF signatures: per signature dictionary, the ByteRange check,
//! the coverage, the PAdES level and the CMS signer report from `qes-cms`, summed up in an
//! ETSI EN 319 102-1 indication.

use chrono::{DateTime, Utc};
use qes_cms::{Check, Indication, SignerReport, Step, SubIndication, TimestampReport};
use serde::Serialize;

/// Why a `/ByteRange` is not acceptable (ISO 32000-2 §12.8.1: the range covers the whole
/// revision except exactly the `/Contents` hexadecimal string, delimiters included).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ByteRangeProblem {
    /// No `/ByteRange`, or not an array of four non-negative integers.
    Malformed,
    /// The first range does not start at byte 0.
    NotFromStart,
    /// The second range starts before the first ends (overlap).
    Overlap,
    /// The ranges extend past the end of the file.
    PastEndOfFile,
    /// The gap between the ranges is not exactly this dictionary's `/Contents` string
    /// (something else is unsigned, or the string is not where the gap is).
    GapIsNotContents,
}

impl std::fmt::Display for ByteRangeProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Malformed => "/ByteRange is not four non-negative integers",
            Self::NotFromStart => "/ByteRange does not start at byte 0",
            Self::Overlap => "/ByteRange ranges overlap",
            Self::PastEndOfFile => "/ByteRange extends past the end of the file",
            Self::GapIsNotContents => "/ByteRange leaves out more or less than /Contents",
        })
    }
}

/// Why a signature dictionary's claim to be a certification signature (ISO 32000-2
/// §12.8.2.2: a `/Reference` with the DocMDP transform) is not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum CertificationProblem {
    /// The catalog's `/Perms /DocMDP` of the revision it signs (§12.8.4 Table 263) does not
    /// name this signature dictionary: none, another one (two certification signatures),
    /// or a direct dictionary.
    NotNamedByPerms {
        /// The level the dictionary claims.
        claimed: crate::DocMdpLevel,
    },
}

impl std::fmt::Display for CertificationProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotNamedByPerms { claimed } => write!(
                f,
                "the signature claims DocMDP P={} but the catalog's /Perms /DocMDP does not name it",
                claimed.0
            ),
        }
    }
}

/// Where a signature dictionary contradicts what its `/Contents` holds (ISO 32000-2
/// §12.8.1 Table 255, §12.8.3; ETSI EN 319 142-1 §5.4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DictionaryConflict {
    /// `/SubFilter` names one kind of content and `/Contents` holds another: a CMS signature
    /// under `ETSI.RFC3161`, or a timestamp token under a signature SubFilter.
    SubFilter,
    /// `/M` and the signed signing-time attribute differ by more than
    /// [`crate::SIGNING_TIME_TOLERANCE_SECS`].
    SigningTime,
}

impl std::fmt::Display for DictionaryConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::SubFilter => "/SubFilter contradicts the content of /Contents",
            Self::SigningTime => "/M contradicts the signed signing-time attribute",
        })
    }
}

/// How much of the file a signature covers, in revisions (ISO 32000-2 §7.5.6 incremental
/// updates, §12.8.1 ByteRange).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Coverage {
    /// Everything but its own `/Contents`: nothing was appended after signing.
    EntireFile,
    /// A whole earlier revision (up to one of its `%%EOF` markers); later revisions
    /// follow, whose changes are not covered by this signature.
    EntireRevision,
    /// The signed bytes end inside a revision: the signature fails (FORMAT_FAILURE).
    Partial,
}

/// PAdES baseline level (ETSI EN 319 142-1 §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum PadesLevel {
    /// PAdES-B-B: `ETSI.CAdES.detached`, a signing-certificate-v2 reference, no
    /// signing-time attribute.
    #[serde(rename = "B-B")]
    BaselineB,
    /// PAdES-B-T: B-B plus a valid signature timestamp.
    #[serde(rename = "B-T")]
    BaselineT,
}

/// What a signature dictionary is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SignatureKind {
    /// A signature (`/Type /Sig`, CMS in `/Contents`).
    Signature,
    /// A document timestamp (`/Type /DocTimeStamp`, `/SubFilter /ETSI.RFC3161`: an RFC 3161
    /// token in `/Contents`, ISO 32000-2 §12.8.5).
    DocumentTimestamp,
}

/// The validation of one signature dictionary (ISO 32000-2 §12.8.1 Table 255).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignatureReport {
    /// The fully qualified field name (`parent.child`).
    pub field: String,
    /// A signature or a document timestamp (from `/SubFilter`).
    pub kind: SignatureKind,
    /// `/SubFilter`, as written.
    pub sub_filter: Option<String>,
    /// `/ByteRange`, when it is four non-negative integers.
    pub byte_range: Option<[usize; 4]>,
    /// What is wrong with the `/ByteRange`, if anything.
    pub byte_range_problem: Option<ByteRangeProblem>,
    /// How much of the file is signed (when the `/ByteRange` is sane).
    pub coverage: Option<Coverage>,
    /// The signed bytes hash to the CMS message digest.
    pub intact: bool,
    /// Intact, and the signature value verifies with the signer's key.
    pub valid: bool,
    /// The PAdES level reached, if the signature is a PAdES baseline signature
    /// (`ETSI.CAdES.detached`, signing-certificate-v2, no signing-time attribute).
    pub level: Option<PadesLevel>,
    /// The DocMDP level when this is a certification signature (ISO 32000-2 §12.8.2.2): a
    /// DocMDP `/Reference` that the catalog's `/Perms /DocMDP` names.
    pub certification: Option<crate::DocMdpLevel>,
    /// Why a claimed certification is not accepted (the signature then fails).
    pub certification_problem: Option<CertificationProblem>,
    /// Where the signature dictionary contradicts its `/Contents` (the signature then
    /// fails).
    pub dictionary_conflict: Option<DictionaryConflict>,
    /// `/M`, as written (a claim, not proof).
    pub claimed_time: Option<String>,
    /// The signing time the signature dictionary claims: `/M` read as a PDF date
    /// (ISO 32000-2 §7.9.4), `None` when absent or not a date. A claim, not proof.
    pub signing_time: Option<DateTime<Utc>>,
    /// Proof of existence: the earliest valid signature timestamp's genTime for a
    /// signature, the token's genTime for a valid document timestamp.
    pub timestamp_time: Option<DateTime<Utc>>,
    /// The signer's (or, for a document timestamp, the TSA's) certificate path reached a
    /// trust anchor and passed (RFC 5280 §6, with revocation as the policy asks), at the
    /// validation time or the proof of existence. Independent of `intact`/`valid`: a
    /// trusted signer's signature over changed bytes is trusted but not valid.
    pub trusted: bool,
    /// The overall outcome.
    pub indication: Indication,
    /// Why, when not TOTAL-PASSED.
    pub sub_indication: Option<SubIndication>,
    /// Why the PDF layer failed the signature, when it did.
    pub problem: Option<String>,
    /// The CMS verification of the signer (when the CMS could be verified).
    pub signer: Option<SignerReport>,
    /// The token verification of a document timestamp.
    pub timestamp: Option<TimestampReport>,
    /// What later revisions changed (when the ByteRange is sane).
    pub modifications: Option<crate::Modifications>,
}

impl SignatureReport {
    /// Whether this signature is TOTAL-PASSED.
    pub fn passed(&self) -> bool {
        self.indication == Indication::TotalPassed
    }

    /// Fill the summary fields (`timestamp_time`, `trusted`) from what
    /// the verification found; called once per report, after every check.
    pub(crate) fn summarise(&mut self) {
        (self.timestamp_time, self.trusted) = match (&self.signer, &self.timestamp) {
            (Some(signer), _) => (signer.timestamp_time, path_trusted(&signer.checks)),
            (None, Some(token)) => (
                token
                    .gen_time
                    .filter(|_| token.indication == Indication::TotalPassed),
                path_trusted(&token.checks),
            ),
            (None, None) => (None, false),
        };
    }
}

/// Whether the certificate path step ran and passed, and no path check failed.
fn path_trusted(checks: &[Check]) -> bool {
    let mut path = checks
        .iter()
        .filter(|c| c.step == Step::CertificatePath)
        .peekable();
    path.peek().is_some() && path.all(|c| c.outcome.passed())
}

/// The validation of every signature of a PDF (every signature field with a value,
/// ISO 32000-2 §12.7.5.5).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PdfReport {
    /// One report per signed signature field, in form order.
    pub signatures: Vec<SignatureReport>,
}

impl PdfReport {
    /// Whether there is at least one signature and every signature is TOTAL-PASSED.
    pub fn all_passed(&self) -> bool {
        !self.signatures.is_empty() && self.signatures.iter().all(SignatureReport::passed)
    }
}
