//! Decoding and verification: `HC1:` → Base45 → zlib → COSE_Sign1 → CWT → payload, then
//! signature, DSC, expiry, key usage, schema and rules, each reported as its own step.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use qes_cert::{verify_signature, AlgorithmPolicy, Certificate};
use qes_signer::{ecdsa_raw_to_der, Curve, DigestAlgorithm, SignatureAlgorithm};
use spki::AlgorithmIdentifierOwned;

use crate::base45;
use crate::cose::{CoseAlgorithm, CoseSign1};
use crate::cwt::Claims;
use crate::error::{DccError, Result};
use crate::json::Json;
use crate::payload::{CertificateType, HealthCertificate};
use crate::rules::Rules;
use crate::schema::Schema;
use crate::trust::{Dsc, TrustList};
use crate::valuesets::ValueSets;
use crate::zlib;

/// The context identifier of an EU DCC version 1 (HCERT §4.1).
pub const PREFIX: &str = "HC1:";

/// Explicit bounds on untrusted input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest accepted text (a version-40 QR code holds 4,296 alphanumeric characters).
    pub max_text_len: usize,
    /// Largest inflated COSE message.
    pub max_inflated_len: usize,
    /// Deepest CBOR nesting.
    pub max_cbor_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_text_len: 16 * 1024,
            max_inflated_len: 64 * 1024,
            max_cbor_depth: 16,
        }
    }
}

/// One step of decoding and verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Step {
    /// The `HC1:` context identifier.
    Prefix,
    /// Base45 decoding.
    Base45,
    /// zlib inflation.
    Inflate,
    /// The COSE_Sign1 structure.
    Cose,
    /// The CWT claims and the HCERT payload.
    Cbor,
    /// Finding the DSC(s) by `kid`.
    Kid,
    /// The signature.
    Signature,
    /// The DSC's validity period.
    DscValidity,
    /// `iat <= at <= exp`.
    Expiry,
    /// The DSC's extended key usage allows the certificate type.
    KeyUsage,
    /// The payload against the JSON schema of its `ver`, and its typed reading.
    Schema,
    /// Value sets and business rules.
    Rules,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 12] = [
        Self::Prefix,
        Self::Base45,
        Self::Inflate,
        Self::Cose,
        Self::Cbor,
        Self::Kid,
        Self::Signature,
        Self::DscValidity,
        Self::Expiry,
        Self::KeyUsage,
        Self::Schema,
        Self::Rules,
    ];

    /// A short name (`prefix`, `base45`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Prefix => "prefix",
            Self::Base45 => "base45",
            Self::Inflate => "inflate",
            Self::Cose => "cose",
            Self::Cbor => "cbor",
            Self::Kid => "kid",
            Self::Signature => "signature",
            Self::DscValidity => "dsc_validity",
            Self::Expiry => "expiry",
            Self::KeyUsage => "key_usage",
            Self::Schema => "schema",
            Self::Rules => "rules",
        }
    }
}

/// What happened at one step.
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome {
    /// It passed.
    Passed,
    /// It failed, and why.
    Failed(DccError),
    /// It was not run (an earlier step failed, it needs what a failed step would give, or the
    /// caller turned it off).
    NotRun,
}

impl Outcome {
    /// Whether it passed.
    pub fn passed(&self) -> bool {
        matches!(self, Self::Passed)
    }

    /// The error, when it failed.
    pub fn error(&self) -> Option<&DccError> {
        match self {
            Self::Failed(e) => Some(e),
            _ => None,
        }
    }
}

/// What decoding found (no signature check).
#[derive(Clone, Debug)]
pub struct Decoded {
    /// The COSE_Sign1.
    pub cose: CoseSign1,
    /// The CWT claims with the payload as JSON.
    pub claims: Claims,
    /// The typed payload, when it reads as one (see [`Step::Schema`]).
    pub certificate: Option<HealthCertificate>,
}

/// The result of [`Verifier::verify`]: every step's outcome, and what was decoded.
#[derive(Debug)]
pub struct Report {
    steps: [(Step, Outcome); 12],
    decoded: Option<Decoded>,
    signer: Option<std::sync::Arc<Certificate>>,
}

impl Report {
    fn new() -> Self {
        Self {
            steps: Step::ALL.map(|s| (s, Outcome::NotRun)),
            decoded: None,
            signer: None,
        }
    }

    fn set(&mut self, step: Step, outcome: Outcome) {
        if let Some(slot) = self.steps.iter_mut().find(|(s, _)| *s == step) {
            slot.1 = outcome;
        }
    }

    fn record<T>(&mut self, step: Step, r: Result<T>) -> Option<T> {
        match r {
            Ok(v) => {
                self.set(step, Outcome::Passed);
                Some(v)
            }
            Err(e) => {
                self.set(step, Outcome::Failed(e));
                None
            }
        }
    }

    /// Every step with its outcome, in order.
    pub fn steps(&self) -> &[(Step, Outcome)] {
        &self.steps
    }

    /// The outcome of one step.
    pub fn outcome(&self, step: Step) -> &Outcome {
        self.steps
            .iter()
            .find(|(s, _)| *s == step)
            .map_or(&Outcome::NotRun, |(_, o)| o)
    }

    /// Accepted: the signature verified, nothing failed, and the certificate is not expired.
    pub fn accepted(&self) -> bool {
        self.outcome(Step::Signature).passed()
            && self.outcome(Step::Expiry).passed()
            && self.outcome(Step::Schema).passed()
            && !self
                .steps
                .iter()
                .any(|(_, o)| matches!(o, Outcome::Failed(_)))
    }

    /// The first failed step and its error.
    pub fn first_failure(&self) -> Option<(Step, &DccError)> {
        self.steps
            .iter()
            .find_map(|(s, o)| o.error().map(|e| (*s, e)))
    }

    /// What was decoded, if decoding got that far.
    pub fn decoded(&self) -> Option<&Decoded> {
        self.decoded.as_ref()
    }

    /// The DSC whose key verified the signature.
    pub fn signer(&self) -> Option<&Certificate> {
        self.signer.as_deref()
    }
}

/// When the DSC must be valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DscValidityPolicy {
    /// At the validation time (the default).
    AtValidationTime,
    /// When the certificate was issued (`iat`).
    AtIssuance,
    /// Not checked (test vectors with long-expired DSCs).
    Ignore,
}

/// Strip the `HC1:` prefix.
///
/// # Errors
/// [`DccError::Prefix`] when it is absent.
pub fn strip_prefix(text: &str) -> Result<&str> {
    text.strip_prefix(PREFIX).ok_or_else(|| DccError::Prefix)
}

/// Decode without verifying anything: prefix, Base45, zlib, COSE, CWT, and the typed payload
/// when it reads as one.
///
/// # Errors
/// The error of the first failing step.
pub fn decode(text: &str, limits: &Limits) -> Result<Decoded> {
    let mut report = Report::new();
    match decode_into(&mut report, text, limits) {
        Some(read) => Ok(read.decoded),
        None => Err(report
            .steps
            .into_iter()
            .find_map(|(_, o)| match o {
                Outcome::Failed(e) => Some(e),
                _ => None,
            })
            .unwrap_or(DccError::Prefix)),
    }
}

/// What decoding read, with what the verifier needs of the payload: the steps after
/// [`Step::Cbor`] use the payload in the JSON data model borrowed from the CBOR, so these are
/// worked out while it is at hand.
struct Read {
    decoded: Decoded,
    /// The type by which of `v`/`t`/`r` the payload has.
    kind: Option<CertificateType>,
    /// The schema of the payload's `ver` and the typed reading ([`Step::Schema`]).
    schema: Result<()>,
}

fn decode_into(report: &mut Report, text: &str, limits: &Limits) -> Option<Read> {
    let text = text.trim_end_matches(['\r', '\n']);
    if text.len() > limits.max_text_len {
        report.set(
            Step::Prefix,
            Outcome::Failed(DccError::TooLarge {
                what: "text",
                actual: text.len(),
                limit: limits.max_text_len,
            }),
        );
        return None;
    }
    let b45 = report.record(Step::Prefix, strip_prefix(text))?;
    let compressed = report.record(Step::Base45, base45::decode(b45, limits.max_text_len))?;
    zlib::with_inflated(&compressed, limits.max_inflated_len, |cose| {
        let cose = report.record(Step::Inflate, cose)?;
        decode_cose_into(report, cose, limits)
    })
}

fn decode_cose_into(report: &mut Report, bytes: &[u8], limits: &Limits) -> Option<Read> {
    if bytes.len() > limits.max_inflated_len {
        report.set(
            Step::Cose,
            Outcome::Failed(DccError::TooLarge {
                what: "COSE message",
                actual: bytes.len(),
                limit: limits.max_inflated_len,
            }),
        );
        return None;
    }
    let cose = report.record(
        Step::Cose,
        CoseSign1::from_cbor(bytes, limits.max_cbor_depth),
    )?;
    let (claims, payload) = report.record(
        Step::Cbor,
        Claims::read(cose.payload(), limits.max_cbor_depth),
    )?;
    // The schema step passes when the payload is valid and reads as typed.
    let (certificate, schema) = match (
        validate_schema(&payload),
        HealthCertificate::from_view(&payload),
    ) {
        (Ok(()), Ok(c)) => (Some(c), Ok(())),
        (Err(e), c) => (c.ok(), Err(e)),
        (Ok(()), Err(e)) => (None, Err(e)),
    };
    let kind = CertificateType::of_view(&payload);
    drop(payload);
    Some(Read {
        decoded: Decoded {
            cose,
            claims,
            certificate,
        },
        kind,
        schema,
    })
}

/// Verify a COSE_Sign1 signature with one certificate's key (ES256 raw `r‖s`, PS256).
///
/// # Errors
/// [`DccError::Algorithm`] for another `alg`, [`DccError::BadSignature`] otherwise.
pub fn verify_cose_signature(
    cose: &CoseSign1,
    certificate: &Certificate,
    policy: &AlgorithmPolicy,
) -> Result<()> {
    let alg = cose.alg();
    let algorithm = alg
        .and_then(CoseAlgorithm::from_value)
        .ok_or_else(|| DccError::Algorithm { alg })?;
    let sig: std::borrow::Cow<'_, [u8]> = match algorithm {
        CoseAlgorithm::Es256 => ecdsa_raw_to_der(cose.signature(), Curve::P256)
            .map_err(|_| DccError::BadSignature { candidates: 1 })?
            .into(),
        CoseAlgorithm::Ps256 => cose.signature().into(),
    };
    let tbs = cose.sig_structure()?;
    let spki = &certificate.x509().tbs_certificate.subject_public_key_info;
    verify_signature(algorithm_identifier(algorithm)?, spki, &tbs, &sig, policy)
        .map_err(|_| DccError::BadSignature { candidates: 1 })
}

/// The X.509 `AlgorithmIdentifier` of a COSE algorithm, encoded once (the PSS parameters
/// are a DER structure of their own).
fn algorithm_identifier(algorithm: CoseAlgorithm) -> Result<&'static AlgorithmIdentifierOwned> {
    static ES256: OnceLock<AlgorithmIdentifierOwned> = OnceLock::new();
    static PS256: OnceLock<AlgorithmIdentifierOwned> = OnceLock::new();
    let (cell, signature_algorithm) = match algorithm {
        CoseAlgorithm::Es256 => (&ES256, SignatureAlgorithm::Ecdsa(DigestAlgorithm::Sha256)),
        CoseAlgorithm::Ps256 => (&PS256, SignatureAlgorithm::RsaPss(DigestAlgorithm::Sha256)),
    };
    if let Some(identifier) = cell.get() {
        return Ok(identifier);
    }
    let identifier = signature_algorithm.algorithm_identifier()?;
    Ok(cell.get_or_init(|| identifier))
}

/// Check `iat <= at <= exp`.
///
/// # Errors
/// [`DccError::MissingClaim`], [`DccError::NotYetValid`] or [`DccError::Expired`].
pub fn check_expiry(claims: &Claims, at: DateTime<Utc>) -> Result<()> {
    let at = at.timestamp();
    let iat = claims
        .iat
        .ok_or_else(|| DccError::MissingClaim { claim: "iat" })?;
    let exp = claims
        .exp
        .ok_or_else(|| DccError::MissingClaim { claim: "exp" })?;
    if at < iat {
        return Err(DccError::NotYetValid { iat, at });
    }
    if at > exp {
        return Err(DccError::Expired { exp, at });
    }
    Ok(())
}

/// Check that `dsc` may sign a certificate of `kind`.
///
/// # Errors
/// [`DccError::KeyUsage`].
pub fn check_key_usage(dsc: &Dsc, kind: CertificateType) -> Result<()> {
    if dsc.allows(kind) {
        Ok(())
    } else {
        Err(DccError::KeyUsage {
            kind: kind.name(),
            allowed: dsc.dcc_usages().to_vec(),
        })
    }
}

/// Validate a payload against its schema and read it as typed.
///
/// # Errors
/// [`DccError::SchemaVersion`], [`DccError::Schema`], [`DccError::Payload`].
pub fn check_schema(payload: &serde_json::Value) -> Result<HealthCertificate> {
    let view = Json::from_serde(payload);
    validate_schema(&view)?;
    HealthCertificate::from_json(payload)
}

fn validate_schema(payload: &Json<'_>) -> Result<()> {
    let ver = payload
        .get("ver")
        .and_then(Json::as_str)
        .ok_or_else(|| DccError::Schema {
            path: "/ver".into(),
            keyword: "required",
        })?;
    Schema::for_version(ver)?.validate_view(payload)
}

/// A verifier: a trust list, a validation time, and the policies.
#[derive(Clone, Debug)]
pub struct Verifier<'a> {
    trust: &'a TrustList,
    at: DateTime<Utc>,
    limits: Limits,
    rules: Option<Rules>,
    value_sets: &'a ValueSets,
    algorithms: AlgorithmPolicy,
    dsc_validity: DscValidityPolicy,
}

impl<'a> Verifier<'a> {
    /// Verify against `trust` at time `at`, with the default [`Rules`], the bundled value sets,
    /// the strict [`AlgorithmPolicy`] and the DSC valid at `at`.
    pub fn new(trust: &'a TrustList, at: DateTime<Utc>) -> Self {
        Self {
            trust,
            at,
            limits: Limits::default(),
            rules: Some(Rules::default()),
            value_sets: ValueSets::bundled(),
            algorithms: AlgorithmPolicy::strict(),
            dsc_validity: DscValidityPolicy::AtValidationTime,
        }
    }

    /// Other limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Other business rules, or `None` to skip [`Step::Rules`].
    pub fn with_rules(mut self, rules: Option<Rules>) -> Self {
        self.rules = rules;
        self
    }

    /// Other value sets.
    pub fn with_value_sets(mut self, sets: &'a ValueSets) -> Self {
        self.value_sets = sets;
        self
    }

    /// Another algorithm policy (e.g. RSA keys below 2048 bits).
    pub fn with_algorithm_policy(mut self, policy: AlgorithmPolicy) -> Self {
        self.algorithms = policy;
        self
    }

    /// When the DSC must be valid.
    pub fn with_dsc_validity(mut self, policy: DscValidityPolicy) -> Self {
        self.dsc_validity = policy;
        self
    }

    /// Verify an `HC1:` string.
    pub fn verify(&self, text: &str) -> Report {
        let mut report = Report::new();
        if let Some(read) = decode_into(&mut report, text, &self.limits) {
            self.verify_decoded(&mut report, read);
        }
        report
    }

    /// Verify a COSE_Sign1 message (the steps before [`Step::Cose`] are not run).
    pub fn verify_cose(&self, cose: &[u8]) -> Report {
        let mut report = Report::new();
        if let Some(read) = decode_cose_into(&mut report, cose, &self.limits) {
            self.verify_decoded(&mut report, read);
        }
        report
    }

    fn verify_decoded(&self, report: &mut Report, read: Read) {
        let Read {
            decoded,
            kind,
            schema,
        } = read;
        // kid and signature.
        let kid_result = match decoded.cose.kid() {
            None => Err(DccError::MissingKid),
            Some(kid) => {
                let candidates: Vec<&Dsc> = self.trust.candidates(kid).collect();
                if candidates.is_empty() {
                    Err(DccError::UnknownKid {
                        kid: <base64ct::Base64 as base64ct::Encoding>::encode_string(kid),
                    })
                } else {
                    Ok(candidates)
                }
            }
        };
        let dsc = report.record(Step::Kid, kid_result).and_then(|candidates| {
            let n = candidates.len();
            let mut last = None;
            for dsc in candidates {
                match verify_cose_signature(&decoded.cose, dsc.certificate(), &self.algorithms) {
                    Ok(()) => {
                        report.set(Step::Signature, Outcome::Passed);
                        return Some(dsc);
                    }
                    Err(e) => last = Some(e),
                }
            }
            let e = match last {
                Some(DccError::BadSignature { .. }) | None => {
                    DccError::BadSignature { candidates: n }
                }
                Some(e) => e,
            };
            report.set(Step::Signature, Outcome::Failed(e));
            None
        });
        // DSC validity.
        if let Some(dsc) = dsc {
            let cert = dsc.certificate();
            let when = match self.dsc_validity {
                DscValidityPolicy::AtValidationTime => Some(self.at),
                DscValidityPolicy::AtIssuance => decoded
                    .claims
                    .iat
                    .and_then(|t| DateTime::<Utc>::from_timestamp(t, 0)),
                DscValidityPolicy::Ignore => None,
            };
            if let Some(when) = when {
                let r = if when < cert.not_before() || when > cert.not_after() {
                    Err(DccError::DscValidity {
                        not_before: cert.not_before().to_rfc3339(),
                        not_after: cert.not_after().to_rfc3339(),
                    })
                } else {
                    Ok(())
                };
                report.record(Step::DscValidity, r);
            }
            report.signer = Some(dsc.shared_certificate());
        }
        report.record(Step::Expiry, check_expiry(&decoded.claims, self.at));
        if let (Some(dsc), Some(kind)) = (dsc, kind) {
            report.record(Step::KeyUsage, check_key_usage(dsc, kind));
        }
        let schema_ok = report.record(Step::Schema, schema).is_some();
        if let (true, Some(cert), Some(rules)) = (schema_ok, &decoded.certificate, &self.rules) {
            report.record(Step::Rules, rules.check(cert, self.value_sets, self.at));
        }
        report.decoded = Some(decoded);
    }
}
