//! Certification path building and validation (RFC 5280 §6).
//!
//! [`PathValidator`] builds candidate paths from a leaf through a pool of intermediates to one
//! of the trust anchors (name chaining with AKI/SKI preference, loop detection, bounded depth,
//! a work [`Budget`]), validates each with the basic path validation algorithm of RFC 5280
//! §6.1 at the validation time given in [`ValidationOptions`], checks revocation against the
//! supplied CRLs (§6.3), and returns the first [`ValidatedPath`] — or the most specific
//! [`PathError`] among the candidates that failed.
//!
//! ```
//! # fn demo(anchor: qes_cert::Certificate, ca: qes_cert::Certificate, leaf: qes_cert::Certificate,
//! #         crls: Vec<qes_cert::Crl>) -> Result<(), qes_cert::PathError> {
//! use qes_cert::{PathValidator, RevocationPolicy, ValidationOptions};
//! let time = chrono::DateTime::parse_from_rfc3339("2026-11-22T00:00:00Z").unwrap().to_utc();
//! let opts = ValidationOptions::new(time)
//!     .with_crls(crls)
//!     .with_revocation(RevocationPolicy::Require);
//! let anchors = [anchor];
//! let pool = [ca];
//! let path = PathValidator::new(&anchors).with_intermediates(&pool).validate(&leaf, &opts)?;
//! println!("{} certificates, policies {:?}", path.certificates().len(), path.valid_policies());
//! # Ok(()) }
//! ```
//!
//! Trust anchors are used as RFC 5280 §6.1.1 (d) trust anchor information: their name and public
//! key (and DSA parameters). Their own extensions and validity are not processed.
//!
//! NIST PKITS (all 249 cases of BoringSSL's conversion) runs in `tests/pkits.rs`; the one
//! divergence is listed in `third-party/nist-pkits/EXCEPTIONS.md`.
//!
//! # Limitations
//!
//! - Nothing is fetched: CRLs and OCSP responses are inputs ([`ValidationOptions::with_crls`],
//!   [`ValidationOptions::with_ocsp_responses`]); AIA caIssuers is not followed.
//! - A user-initial-policy-set other than {anyPolicy} is a requirement even without
//!   initial-explicit-policy (BoringSSL and PKITS read it so); policy qualifiers are ignored.
//! - Name constraints on otherName, x400Address, ediPartyName and registeredID cannot be
//!   evaluated: a name of such a form under such a constraint fails the path.
//! - Extended key usage is not enforced along the path (the caller checks the leaf's purpose);
//!   a critical extendedKeyUsage is accepted as recognised (§6.1.4 (o)) without evaluation.
//! - A critical QCStatements extension (RFC 3739 §3.2.6) is accepted as recognised without
//!   evaluating its statements here; [`crate::QualifiedSummary`] reads them.
//! - OCSP: a `good` answer from a delegated responder without id-pkix-ocsp-nocheck is not
//!   accepted (its own status is not checked, RFC 6960 §4.2.2.2.1); its `revoked` answer is.
//!   OCSP and CRLs are both read: `revoked` from either wins.
//! - A CRL signed by a certificate other than the issuer counts only if that certificate's
//!   own path ends at the same trust anchor (§6.3.3 (f)); a delta CRL only if signed with the
//!   same key as its complete CRL (§6.3.3 (g)(2)). Revocation status is as of the validation
//!   time: see [`crate::RevocationStatus::Revoked`] for past-time validation.

mod build;
pub(crate) mod names;
mod nc;
mod policy;
mod revocation;
mod validate;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use const_oid::ObjectIdentifier;

use crate::certificate::Certificate;
use crate::crl::{Crl, RevocationStatus, UndeterminedReason};
use crate::sigverify::{AlgorithmPolicy, SignatureError};

pub use policy::ANY_POLICY;

/// How revocation is checked during path validation (RFC 5280 §6.1.3 (a)(3)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RevocationPolicy {
    /// Every certificate of the path (the anchor excepted) must be shown not revoked by fresh,
    /// authoritative revocation data; an undetermined status fails the path. The default.
    Require,
    /// Soft fail: a revoked certificate fails the path, an undetermined status is recorded in
    /// the [`ValidatedPath`] but accepted. An attacker who blocks CRL delivery wins.
    IfAvailable,
    /// Dangerous: revocation is not checked at all.
    Skip,
}

/// initial-explicit-policy (RFC 5280 §6.1.1 (f)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExplicitPolicy {
    /// The path need not be valid for at least one policy (unless the certificates say so).
    #[default]
    NotRequired,
    /// The path must be valid for at least one policy of the user-initial-policy-set.
    Required,
}

/// initial-policy-mapping-inhibit (RFC 5280 §6.1.1 (e)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PolicyMapping {
    /// Policy mapping is allowed (unless the certificates inhibit it).
    #[default]
    Allowed,
    /// Policy mapping is inhibited from the start.
    Inhibited,
}

/// initial-any-policy-inhibit (RFC 5280 §6.1.1 (g)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AnyPolicy {
    /// anyPolicy in a certificate matches any policy (unless the certificates inhibit it).
    #[default]
    Allowed,
    /// anyPolicy is not processed from the start.
    Inhibited,
}

/// Limits on the work one validation may do, against pathological inputs (RFC 4158 §5.2 notes
/// path building can be expensive; compare webpki's `Budget`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Budget {
    signatures: usize,
    candidates: usize,
    name_comparisons: usize,
}

impl Default for Budget {
    /// 256 signature checks, 512 path-building candidates, 250 000 name comparisons.
    fn default() -> Self {
        Self {
            signatures: 256,
            candidates: 512,
            name_comparisons: 250_000,
        }
    }
}

impl Budget {
    /// A budget with explicit limits.
    pub const fn new(signatures: usize, candidates: usize, name_comparisons: usize) -> Self {
        Self {
            signatures,
            candidates,
            name_comparisons,
        }
    }
}

/// Inputs of path validation (RFC 5280 §6.1.1) and the revocation, algorithm and work policy.
#[derive(Clone, Debug)]
pub struct ValidationOptions {
    time: DateTime<Utc>,
    initial_policies: BTreeSet<ObjectIdentifier>,
    explicit_policy: bool,
    policy_mapping_inhibit: bool,
    any_policy_inhibit: bool,
    // Shared, so that validating a CRL issuer's own path (which clones the options) is cheap
    // even with large CRLs.
    crls: std::sync::Arc<Vec<Crl>>,
    ocsp: std::sync::Arc<Vec<crate::ocsp::OcspResponse>>,
    revocation: RevocationPolicy,
    budget: Budget,
    algorithms: AlgorithmPolicy,
    max_depth: usize,
}

/// Default bound on the number of certificates in a path (leaf and intermediates).
pub const DEFAULT_MAX_DEPTH: usize = 10;

impl ValidationOptions {
    /// Validation at `time`: user-initial-policy-set {anyPolicy}, no explicit policy, mapping
    /// and anyPolicy allowed, no CRLs, [`RevocationPolicy::Require`], the default [`Budget`]
    /// and the strict [`AlgorithmPolicy`].
    pub fn new(time: DateTime<Utc>) -> Self {
        Self {
            time,
            initial_policies: BTreeSet::from([ANY_POLICY]),
            explicit_policy: false,
            policy_mapping_inhibit: false,
            any_policy_inhibit: false,
            crls: std::sync::Arc::default(),
            ocsp: std::sync::Arc::default(),
            revocation: RevocationPolicy::Require,
            budget: Budget::default(),
            algorithms: AlgorithmPolicy::default(),
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }

    /// user-initial-policy-set (§6.1.1 (c)). An empty iterator means {anyPolicy}. A set other
    /// than {anyPolicy} is a requirement: the path fails when none of these policies is valid
    /// for it, whether or not explicit policy is required (as BoringSSL and NIST PKITS expect).
    pub fn with_initial_policies(
        mut self,
        policies: impl IntoIterator<Item = ObjectIdentifier>,
    ) -> Self {
        let set: BTreeSet<_> = policies.into_iter().collect();
        self.initial_policies = if set.is_empty() {
            BTreeSet::from([ANY_POLICY])
        } else {
            set
        };
        self
    }

    /// initial-explicit-policy (§6.1.1 (f)).
    pub fn with_explicit_policy(mut self, explicit: ExplicitPolicy) -> Self {
        self.explicit_policy = explicit == ExplicitPolicy::Required;
        self
    }

    /// initial-policy-mapping-inhibit (§6.1.1 (e)).
    pub fn with_policy_mapping(mut self, mapping: PolicyMapping) -> Self {
        self.policy_mapping_inhibit = mapping == PolicyMapping::Inhibited;
        self
    }

    /// initial-any-policy-inhibit (§6.1.1 (g)).
    pub fn with_any_policy(mut self, any: AnyPolicy) -> Self {
        self.any_policy_inhibit = any == AnyPolicy::Inhibited;
        self
    }

    /// CRLs to check revocation with (complete, delta and indirect CRLs alike).
    pub fn with_crls(mut self, crls: impl IntoIterator<Item = Crl>) -> Self {
        std::sync::Arc::make_mut(&mut self.crls).extend(crls);
        self
    }

    /// OCSP responses (RFC 6960) to check revocation with, alongside the CRLs: a response
    /// that passes [`crate::OcspResponse::check`] for a certificate and its issuer at the
    /// validation time (default [`crate::OcspCheckOptions`], this algorithm policy) counts.
    /// `revoked` from OCSP or a CRL fails the path; otherwise `good` from either suffices. A
    /// `good` from a delegated responder without id-pkix-ocsp-nocheck
    /// ([`crate::ResponderStatus::Unchecked`]) does not count.
    pub fn with_ocsp_responses(
        mut self,
        responses: impl IntoIterator<Item = crate::ocsp::OcspResponse>,
    ) -> Self {
        std::sync::Arc::make_mut(&mut self.ocsp).extend(responses);
        self
    }

    /// How revocation is checked.
    pub fn with_revocation(mut self, policy: RevocationPolicy) -> Self {
        self.revocation = policy;
        self
    }

    /// The work budget.
    pub fn with_budget(mut self, budget: Budget) -> Self {
        self.budget = budget;
        self
    }

    /// Accepted signature algorithms and key sizes.
    pub fn with_algorithm_policy(mut self, policy: AlgorithmPolicy) -> Self {
        self.algorithms = policy;
        self
    }

    /// Bound on the number of certificates in a path (leaf and intermediates, at least 1).
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth.max(1);
        self
    }

    /// The validation time.
    pub fn time(&self) -> DateTime<Utc> {
        self.time
    }
}

/// What went wrong, with a stable machine code ([`PathErrorKind::code`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathErrorKind {
    /// No issuer for a certificate among the intermediates and trust anchors.
    #[error("no issuer found")]
    NoIssuer,
    /// Paths would exceed the maximum depth.
    #[error("path too long")]
    PathTooLong,
    /// The work budget ran out.
    #[error("work budget exhausted ({what})")]
    BudgetExceeded {
        /// Which budget.
        what: &'static str,
    },
    /// A certificate's signature does not verify, or its algorithm is unsupported or weak.
    #[error("signature: {0}")]
    Signature(SignatureError),
    /// notAfter is before the validation time.
    #[error("certificate expired")]
    Expired,
    /// notBefore is after the validation time.
    #[error("certificate not yet valid")]
    NotYetValid,
    /// The issuer name does not match the issuing certificate's subject (§6.1.3 (a)(4)).
    #[error("issuer name does not chain")]
    NameChaining,
    /// An intermediate is not a CA (basicConstraints absent or cA false, §6.1.4 (k)).
    #[error("issuer is not a CA")]
    NotCa,
    /// pathLenConstraint exceeded (§6.1.4 (l)).
    #[error("path length constraint exceeded")]
    PathLength,
    /// An intermediate's keyUsage lacks keyCertSign (§6.1.4 (n)).
    #[error("issuer key usage lacks keyCertSign")]
    KeyUsage,
    /// An unrecognised critical extension (§6.1.4 (o), §6.1.5 (f)).
    #[error("unknown critical extension {oid}")]
    UnknownCriticalExtension {
        /// The extension.
        oid: ObjectIdentifier,
    },
    /// No acceptable certificate policy (§6.1.3 (f), §6.1.5 (g)), or a mapping to or from
    /// anyPolicy (§6.1.4 (a)).
    #[error("certificate policy check failed")]
    Policy,
    /// A name lies outside the permitted or inside an excluded subtree (§6.1.3 (b)–(c)).
    #[error("name constraints violated")]
    NameConstraints,
    /// The certificate is revoked.
    #[error("certificate revoked")]
    Revoked {
        /// When.
        time: DateTime<Utc>,
        /// Why, when stated.
        reason: Option<crate::crl::RevocationReason>,
    },
    /// Revocation status undetermined under [`RevocationPolicy::Require`].
    #[error("revocation status undetermined: {0}")]
    RevocationUnknown(UndeterminedReason),
    /// A certificate field or extension is malformed.
    #[error("malformed {what}")]
    Malformed {
        /// What.
        what: &'static str,
    },
}

impl PathErrorKind {
    /// A stable machine-readable code (snake_case), for the CLI's JSON and for callers.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoIssuer => "no_issuer",
            Self::PathTooLong => "path_too_long",
            Self::BudgetExceeded { .. } => "budget_exceeded",
            Self::Signature(SignatureError::BadSignature) => "bad_signature",
            Self::Signature(
                SignatureError::Sha1Rejected
                | SignatureError::DsaRejected
                | SignatureError::RsaKeySize { .. },
            ) => "weak_algorithm",
            Self::Signature(
                SignatureError::UnsupportedAlgorithm { .. } | SignatureError::UnsupportedKey { .. },
            ) => "unsupported_algorithm",
            Self::Signature(_) => "bad_signature",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::NameChaining => "name_chaining",
            Self::NotCa => "not_ca",
            Self::PathLength => "path_length",
            Self::KeyUsage => "key_usage",
            Self::UnknownCriticalExtension { .. } => "unknown_critical_extension",
            Self::Policy => "policy",
            Self::NameConstraints => "name_constraints",
            Self::Revoked { .. } => "revoked",
            Self::RevocationUnknown(_) => "revocation_unknown",
            Self::Malformed { .. } => "malformed",
        }
    }

    /// Specificity for choosing among failed candidate paths (webpki `most_specific`): an
    /// error found deeper in the checks of a plausible path beats "no issuer".
    fn rank(&self) -> u8 {
        match self {
            Self::NoIssuer => 0,
            Self::PathTooLong => 1,
            Self::NameChaining => 2,
            Self::Signature(_) => 3,
            Self::Malformed { .. } => 4,
            Self::NotCa | Self::KeyUsage | Self::PathLength => 5,
            Self::UnknownCriticalExtension { .. } => 6,
            Self::Expired | Self::NotYetValid => 7,
            Self::NameConstraints | Self::Policy => 8,
            Self::RevocationUnknown(_) => 9,
            Self::Revoked { .. } => 10,
            Self::BudgetExceeded { .. } => 11,
        }
    }
}

/// Path validation failed (RFC 5280 §6.1.6 failure indication): what, and for which
/// certificate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct PathError {
    kind: PathErrorKind,
    index: Option<usize>,
}

impl core::fmt::Display for PathError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.index {
            Some(0) => write!(f, "{} (the leaf certificate)", self.kind),
            Some(i) => write!(f, "{} (certificate {i} above the leaf)", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

impl PathError {
    pub(crate) fn new(kind: PathErrorKind, index: Option<usize>) -> Self {
        Self { kind, index }
    }

    /// What went wrong.
    pub fn kind(&self) -> &PathErrorKind {
        &self.kind
    }

    /// The stable machine code of [`PathError::kind`].
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The offending certificate: 0 is the leaf, counting towards the anchor.
    pub fn index(&self) -> Option<usize> {
        self.index
    }

    /// The more specific of two errors (the first on a tie).
    pub(crate) fn most_specific(self, other: Self) -> Self {
        if other.kind.rank() > self.kind.rank() {
            other
        } else {
            self
        }
    }
}

/// JSON shape for the CLI: `{"code": "expired", "index": 0, "message": "certificate expired"}`.
impl serde::Serialize for PathError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = serializer.serialize_struct("PathError", 3)?;
        st.serialize_field("code", self.code())?;
        st.serialize_field("index", &self.index)?;
        st.serialize_field("message", &self.kind.to_string())?;
        st.end()
    }
}

/// A path that passed validation (the outputs of RFC 5280 §6.1.6, plus revocation status):
/// only [`PathValidator`] builds one.
#[derive(Clone, Debug)]
pub struct ValidatedPath {
    certs: Vec<Certificate>,
    anchor: Certificate,
    policies: BTreeSet<ObjectIdentifier>,
    revocation: Vec<RevocationStatus>,
}

impl ValidatedPath {
    /// The path from the leaf (index 0) up to the certificate the trust anchor issued.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certs
    }

    /// The leaf.
    pub fn leaf(&self) -> Option<&Certificate> {
        self.certs.first()
    }

    /// The trust anchor the path ends at.
    pub fn trust_anchor(&self) -> &Certificate {
        &self.anchor
    }

    /// The user-constrained policy set (§6.1.6); contains [`ANY_POLICY`] when any policy is
    /// acceptable, empty when no policy is valid and none was required.
    pub fn valid_policies(&self) -> &BTreeSet<ObjectIdentifier> {
        &self.policies
    }

    /// Revocation status per certificate, same order as [`ValidatedPath::certificates`].
    pub fn revocation(&self) -> &[RevocationStatus] {
        &self.revocation
    }

    /// A serialisable summary (for `--json` output).
    pub fn summary(&self) -> PathSummary {
        let entry = |c: &Certificate, rev: Option<&RevocationStatus>| PathEntry {
            subject: crate::name::format_dn(c.subject()),
            issuer: crate::name::format_dn(c.issuer()),
            serial: c.serial_hex(),
            not_after: c.not_after(),
            revocation: rev.cloned().unwrap_or(RevocationStatus::NotChecked),
        };
        PathSummary {
            certificates: self
                .certs
                .iter()
                .zip(&self.revocation)
                .map(|(c, r)| entry(c, Some(r)))
                .collect(),
            trust_anchor: entry(&self.anchor, None),
            policies: self.policies.iter().map(ToString::to_string).collect(),
        }
    }
}

/// One certificate of a [`PathSummary`].
#[derive(Clone, Debug, serde::Serialize)]
pub struct PathEntry {
    /// Subject DN (RFC 4514).
    pub subject: String,
    /// Issuer DN (RFC 4514).
    pub issuer: String,
    /// Serial number, upper-case hex ([`Certificate::serial_hex`]).
    pub serial: String,
    /// notAfter.
    pub not_after: DateTime<Utc>,
    /// Revocation status.
    pub revocation: RevocationStatus,
}

/// Serialisable summary of a [`ValidatedPath`].
#[derive(Clone, Debug, serde::Serialize)]
pub struct PathSummary {
    /// Leaf first.
    pub certificates: Vec<PathEntry>,
    /// The trust anchor.
    pub trust_anchor: PathEntry,
    /// The user-constrained policy set, dotted OIDs.
    pub policies: Vec<String>,
}

/// Builds (RFC 4158 style) and validates (RFC 5280 §6.1) certification paths to a set of trust
/// anchors.
#[derive(Clone, Copy, Debug)]
pub struct PathValidator<'a> {
    anchors: &'a [Certificate],
    intermediates: &'a [Certificate],
}

impl<'a> PathValidator<'a> {
    /// A validator trusting `anchors`.
    pub fn new(anchors: &'a [Certificate]) -> Self {
        Self {
            anchors,
            intermediates: &[],
        }
    }

    /// Candidate intermediate certificates (any order, may contain unrelated certificates).
    pub fn with_intermediates(mut self, intermediates: &'a [Certificate]) -> Self {
        self.intermediates = intermediates;
        self
    }

    /// Build and validate a path for `leaf` under `opts`.
    ///
    /// # Errors
    /// The most specific [`PathError`] over all candidate paths.
    pub fn validate(
        &self,
        leaf: &Certificate,
        opts: &ValidationOptions,
    ) -> Result<ValidatedPath, PathError> {
        let mut work = Work::new(&opts.budget);
        build::build(self, leaf, opts, &mut work, &mut Vec::new())
    }
}

/// Remaining work during one validation, and the subject names prepared so far.
#[derive(Debug)]
pub(crate) struct Work {
    signatures: usize,
    candidates: usize,
    pub(crate) name_comparisons: usize,
    pub(crate) crls: usize,
    /// Prepared subject names of the anchors, intermediates and path certificates, keyed by
    /// the certificate's address: they are borrowed for the whole validation run, so an
    /// address names one certificate while this `Work` lives.
    subjects: std::collections::HashMap<usize, names::PreparedName>,
}

impl Work {
    fn new(b: &Budget) -> Self {
        Self {
            signatures: b.signatures,
            candidates: b.candidates,
            name_comparisons: b.name_comparisons,
            crls: b.candidates.saturating_mul(8),
            subjects: std::collections::HashMap::new(),
        }
    }

    /// Whether `cert`'s subject matches `name` (RFC 5280 §7.1), charging one name comparison;
    /// each certificate's subject is prepared once per run. `cert` must be borrowed for the
    /// whole run (an anchor, an intermediate or the leaf), never a temporary.
    pub(crate) fn subject_matches(
        &mut self,
        cert: &Certificate,
        name: &names::PreparedName,
    ) -> Result<bool, PathErrorKind> {
        self.name_comparisons =
            self.name_comparisons
                .checked_sub(1)
                .ok_or(PathErrorKind::BudgetExceeded {
                    what: "name comparisons",
                })?;
        let prepared = self
            .subjects
            .entry(core::ptr::from_ref(cert).addr())
            .or_insert_with(|| names::PreparedName::new(&cert.x509().tbs_certificate.subject));
        Ok(prepared == name)
    }

    pub(crate) fn signature(&mut self) -> Result<(), PathErrorKind> {
        self.signatures = self
            .signatures
            .checked_sub(1)
            .ok_or(PathErrorKind::BudgetExceeded { what: "signatures" })?;
        Ok(())
    }

    pub(crate) fn candidate(&mut self) -> Result<(), PathErrorKind> {
        self.candidates = self
            .candidates
            .checked_sub(1)
            .ok_or(PathErrorKind::BudgetExceeded {
                what: "path candidates",
            })?;
        Ok(())
    }
}
