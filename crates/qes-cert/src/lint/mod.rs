//! A lint report against ETSI EN 319 412-1/-2/-3/-4/-5 and EN 319 411-1/-2.
//!
//! Every finding has a stable code (`qes.<source>.<rule>`), a severity and a message. Codes
//! never change meaning; new rules get new codes. `third-party/pkilint/COVERAGE.md` maps the
//! pkilint codes this lint covers to ours.
//!
//! The profile (natural or legal person, qualified or not, website kind) decides which rules
//! apply: [`lint`] detects it from the certificate, [`lint_with_profile`] takes it as given.

mod extensions;
mod names;
mod policies;
mod psd2;
mod qc;
mod subject;

use serde::Serialize;

use crate::certificate::Certificate;
use crate::identity::{identity, PersonKind};
use crate::oids;
use crate::policy::{CertificatePolicy, Policies};
use crate::qc_statements::{QcStatements, QcType};
use crate::summary::{purpose_of, Purpose};

/// How serious a finding is (pkilint's scale).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    /// Informational.
    Info,
    /// Worth knowing, not a defect.
    Notice,
    /// A "should" is not met.
    Warning,
    /// A "shall" is not met.
    Error,
    /// The structure cannot be read.
    Fatal,
}

/// One lint finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable identifier, e.g. `qes.etsi.en_319_412_5.missing_qc_type`.
    pub code: &'static str,
    /// How serious.
    pub severity: Severity,
    /// The requirement, with its clause, and what was found.
    pub message: String,
}

/// Website-certificate validation kind (EN 319 412-4, CA/B Forum).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WebValidation {
    /// Extended validation (EVCP, QEVCP-w).
    Ev,
    /// Organization validation (OVCP, QNCP-w OV).
    Ov,
    /// Individual validation (IVCP, QNCP-w IV).
    Iv,
    /// Domain validation (DVCP).
    Dv,
    /// QNCP-w-gen: a website certificate outside the CA/B Forum baseline.
    Gen,
}

impl WebValidation {
    /// Whether the CA/B Forum server certificate requirements apply.
    pub fn is_cabf(self) -> bool {
        !matches!(self, Self::Gen)
    }
}

/// Which qualified regime a profile claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileQualification {
    /// EU qualified (eIDAS).
    Eu,
    /// Qualified under non-EU legislation (QcCClegislation).
    NonEu,
    /// Not qualified.
    None,
}

/// The certificate profile the rules are chosen by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct LintProfile {
    /// Natural or legal person; `None` when the certificate does not tell (the person rules
    /// of EN 319 412-2 §4.2.4 and EN 319 412-3 §4.2.1 are then skipped).
    pub person: Option<PersonKind>,
    /// Qualified regime.
    pub qualification: ProfileQualification,
    /// Declared purpose, if any.
    pub purpose: Option<Purpose>,
    /// Website kind, for website certificates.
    pub web: Option<WebValidation>,
    /// Whether the profile requires the key on a QSCD (QCP-n-qscd, QCP-l-qscd).
    pub qscd: bool,
    /// Whether it is a PSD2 certificate (TS 119 495).
    pub psd2: bool,
    /// Whether it is a CT precertificate (RFC 6962 poison extension).
    pub precertificate: bool,
}

impl LintProfile {
    /// Detect the profile from the certificate's policies, QC statements and subject, the way
    /// EN 319 412 tells profiles apart.
    ///
    /// A well-formed QcCompliance statement makes the profile qualified (EU, or non-EU with
    /// QcCClegislation); so does an EN 319 411-2 qualified policy without it, so that the
    /// presence rules of EN 319 412-5 QCS-5-01 are checked against what the policy promises.
    /// The purpose follows [`crate::QualifiedSummary`]: QcType decides, policies only when
    /// QcType is absent, no purpose when QcType names several.
    pub fn detect(cert: &Certificate) -> Self {
        let qcs = QcStatements::from_certificate(cert)
            .ok()
            .flatten()
            .unwrap_or_default();
        let policies = Policies::from_certificate(cert).ok().flatten();
        let policy_list: &[CertificatePolicy] =
            policies.as_ref().map_or(&[], |p| p.policies.as_slice());
        let has = |p: CertificatePolicy| policy_list.contains(&p);
        let compliance = qcs.contains(oids::QCS_COMPLIANCE);
        let legislation = qcs.contains_any_form(oids::QCS_CC_LEGISLATION);
        let qualified_policy = policy_list.iter().any(|p| p.is_qualified());
        let qualification = match (compliance, legislation) {
            (true, false) => ProfileQualification::Eu,
            (true, true) => ProfileQualification::NonEu,
            (false, _) if qualified_policy => ProfileQualification::Eu,
            (false, _) => ProfileQualification::None,
        };
        let web = if has(CertificatePolicy::CabfEv) || has(CertificatePolicy::Evcp) {
            Some(WebValidation::Ev)
        } else if has(CertificatePolicy::CabfOv) || has(CertificatePolicy::Ovcp) {
            Some(WebValidation::Ov)
        } else if has(CertificatePolicy::CabfIv) || has(CertificatePolicy::Ivcp) {
            Some(WebValidation::Iv)
        } else if has(CertificatePolicy::CabfDv) || has(CertificatePolicy::Dvcp) {
            Some(WebValidation::Dv)
        } else if has(CertificatePolicy::QncpWGen) || qcs.qc_types() == [QcType::Web] {
            Some(WebValidation::Gen)
        } else {
            None
        };
        let person = identity(cert).ok().and_then(|i| i.person);
        let purpose = if web.is_some() {
            Some(Purpose::Website)
        } else {
            purpose_of(&qcs, policy_list).0
        };
        Self {
            person,
            qualification,
            purpose,
            web,
            qscd: has(CertificatePolicy::QcpNQscd) || has(CertificatePolicy::QcpLQscd),
            psd2: qcs.contains_any_form(oids::QCS_PSD2),
            precertificate: cert
                .extension_raw(oids::EXT_CT_POISON)
                .ok()
                .flatten()
                .is_some(),
        }
    }

    /// A QCP-n profile (EU qualified e-signature of a natural person).
    pub(crate) fn is_qcp_n(&self) -> bool {
        self.web.is_none()
            && self.qualification == ProfileQualification::Eu
            && self.person == Some(PersonKind::Natural)
            && self.purpose == Some(Purpose::ESignature)
    }
}

/// The lint result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LintReport {
    /// The profile the rules were chosen by.
    pub profile: LintProfile,
    /// The findings, in rule order.
    pub findings: Vec<Finding>,
}

impl LintReport {
    /// Whether a finding with this code is present.
    pub fn has(&self, code: &str) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }

    /// The most severe finding's severity.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// Findings of severity Error or Fatal.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity >= Severity::Error)
    }
}

/// Lint a certificate against the profile detected from it.
pub fn lint(cert: &Certificate) -> LintReport {
    lint_with_profile(cert, LintProfile::detect(cert))
}

/// Lint a certificate against a given profile.
pub fn lint_with_profile(cert: &Certificate, profile: LintProfile) -> LintReport {
    let mut ctx = Ctx {
        cert,
        profile,
        findings: Vec::new(),
    };
    encoding(&mut ctx);
    extensions::check(&mut ctx);
    subject::check(&mut ctx);
    qc::check(&mut ctx);
    policies::check(&mut ctx);
    psd2::check(&mut ctx);
    names::check(&mut ctx);
    LintReport {
        profile,
        findings: ctx.findings,
    }
}

/// Shared state of one lint run.
pub(crate) struct Ctx<'a> {
    pub(crate) cert: &'a Certificate,
    pub(crate) profile: LintProfile,
    pub(crate) findings: Vec<Finding>,
}

impl Ctx<'_> {
    pub(crate) fn push(
        &mut self,
        code: &'static str,
        severity: Severity,
        message: impl Into<String>,
    ) {
        self.findings.push(Finding {
            code,
            severity,
            message: message.into(),
        });
    }
}

/// Non-DER encodings accepted in lenient mode. RFC 5280 §4.1 requires certificates to be
/// DER-encoded, so each is an error even though lenient parsing tolerates it.
fn encoding(ctx: &mut Ctx<'_>) {
    use crate::strictness::DerRule;
    for d in ctx.cert.der_deviations().to_vec() {
        let code = match d.rule {
            DerRule::ExplicitDefaultBoolean { .. } | DerRule::ExplicitDefaultValue { .. } => {
                "qes.der.explicit_default_value"
            }
            DerRule::EmptySequence { .. } => "qes.der.empty_sequence",
            DerRule::NamedBitListTrailingZeros { .. } => "qes.der.named_bit_list_trailing_zeros",
        };
        ctx.push(code, Severity::Error, format!("{}: {}", d.location, d.rule));
    }
}
