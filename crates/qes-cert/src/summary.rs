//! The qualified-profile answers a relying party asks, each with its evidence
//! (ETSI EN 319 412-5 §4.2, EN 319 411-2 §5.3).

use serde::Serialize;

use crate::certificate::Certificate;
use crate::error::Result;
use crate::identity::{identity, PersonEvidence, PersonKind};
use crate::oids;
use crate::policy::{CertificatePolicy, Policies};
use crate::qc_statements::{QcStatement, QcStatements, QcType};

/// Why an answer was given: one fact read from the certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "evidence", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Evidence {
    /// The QcCompliance statement is present.
    QcCompliance,
    /// QcCClegislation names these countries (qualified under their law, not EU law).
    QcCcLegislation {
        /// ISO 3166-1 codes.
        countries: Vec<String>,
    },
    /// The QcSSCD statement is present.
    QcSscd,
    /// The QcType statement names this purpose.
    QcType {
        /// The purpose.
        qc_type: QcType,
    },
    /// The certificate policies contain this policy.
    Policy {
        /// The policy.
        policy: CertificatePolicy,
    },
    /// The holder identity decided natural/legal person.
    Person {
        /// How.
        from: PersonEvidence,
    },
}

/// An answer and the facts behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Answer<T> {
    /// The answer.
    pub value: T,
    /// The facts it rests on (empty when nothing in the certificate speaks to it).
    pub evidence: Vec<Evidence>,
}

/// Qualified status of a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Qualification {
    /// An EU qualified certificate (eIDAS): QcCompliance and/or an EN 319 411-2 qualified
    /// policy, no QcCClegislation.
    EuQualified,
    /// Qualified under the legislation of non-EU countries (QcCompliance + QcCClegislation).
    NonEuQualified {
        /// ISO 3166-1 codes.
        countries: Vec<String>,
    },
    /// Not claimed as qualified.
    NotQualified,
}

/// What the certificate is for (EN 319 412-5 §4.2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Electronic signature.
    ESignature,
    /// Electronic seal.
    ESeal,
    /// Website authentication.
    Website,
}

/// The qualified-profile summary of a certificate.
///
/// ```
/// use qes_cert::{identity, lint, parse_any, ParseMode, Purpose, QualifiedSummary};
///
/// let pem = qes_testkit::TestPki::shared().natural_person().cert_pem();
/// let certs = parse_any(pem.as_bytes(), ParseMode::Strict)?;
/// let cert = certs.first().expect("one certificate");
///
/// let summary = QualifiedSummary::of(cert)?;
/// assert!(summary.is_qualified());
/// assert_eq!(summary.purpose.value, Some(Purpose::ESignature));
/// assert!(summary.qscd.value);
///
/// let holder = identity(cert)?;
/// assert_eq!(holder.cnp().map(|c| c.county()), Some("București"));
/// assert!(lint(cert).errors().next().is_none());
/// # Ok::<(), qes_cert::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QualifiedSummary {
    /// Qualified, and under which law.
    pub qualified: Answer<Qualification>,
    /// E-signature, e-seal or website, if declared.
    pub purpose: Answer<Option<Purpose>>,
    /// Whether the private key is declared to reside in a QSCD.
    pub qscd: Answer<bool>,
    /// Natural or legal person.
    pub person: Answer<Option<PersonKind>>,
    /// Every certificate policy, named.
    pub policies: Vec<CertificatePolicy>,
}

impl QualifiedSummary {
    /// Whether the certificate is claimed as qualified at all.
    pub fn is_qualified(&self) -> bool {
        !matches!(self.qualified.value, Qualification::NotQualified)
    }

    /// Summarize a certificate.
    ///
    /// # Errors
    /// [`crate::Error::DuplicateExtension`], and [`crate::Error::Der`] when qcStatements or
    /// certificatePolicies do not decode.
    pub fn of(cert: &Certificate) -> Result<Self> {
        let qcs = QcStatements::from_certificate(cert)?.unwrap_or_default();
        let policies = Policies::from_certificate(cert)?
            .map(|p| p.policies)
            .unwrap_or_default();
        let holder = identity(cert)?;

        // Qualified?
        let mut q_ev = Vec::new();
        let compliance = qcs.contains(oids::QCS_COMPLIANCE);
        if compliance {
            q_ev.push(Evidence::QcCompliance);
        }
        let legislation = qcs.cc_legislation().map(<[String]>::to_vec);
        if let Some(countries) = &legislation {
            q_ev.push(Evidence::QcCcLegislation {
                countries: countries.clone(),
            });
        }
        for p in policies.iter().filter(|p| p.is_qualified()) {
            q_ev.push(Evidence::Policy { policy: *p });
        }
        let qualified_policy = policies.iter().any(|p| p.is_qualified());
        let qualification = match (&legislation, compliance || qualified_policy) {
            // EN 319 412-5 §4.2.4: the statement means "qualified under these countries' law";
            // EU qualified certificates shall not carry it.
            (Some(countries), true) => Qualification::NonEuQualified {
                countries: countries.clone(),
            },
            (_, true) => Qualification::EuQualified,
            (_, false) => Qualification::NotQualified,
        };

        // Purpose.
        let mut p_ev = Vec::new();
        let types = qcs.qc_types();
        let mut purpose = None;
        if let [t] = types.as_slice() {
            purpose = match t {
                QcType::Esign => Some(Purpose::ESignature),
                QcType::Eseal => Some(Purpose::ESeal),
                QcType::Web => Some(Purpose::Website),
                QcType::Other(_) => None,
            };
            if purpose.is_some() {
                p_ev.push(Evidence::QcType { qc_type: *t });
            }
        }
        if purpose.is_none() {
            for p in &policies {
                let from_policy = match p {
                    CertificatePolicy::QcpN | CertificatePolicy::QcpNQscd => {
                        Some(Purpose::ESignature)
                    }
                    CertificatePolicy::QcpL | CertificatePolicy::QcpLQscd => Some(Purpose::ESeal),
                    CertificatePolicy::QcpW
                    | CertificatePolicy::QncpW
                    | CertificatePolicy::QncpWGen
                    | CertificatePolicy::QcpWPsd2 => Some(Purpose::Website),
                    _ => None,
                };
                if from_policy.is_some() {
                    purpose = from_policy;
                    p_ev.push(Evidence::Policy { policy: *p });
                    break;
                }
            }
        }

        // QSCD.
        let mut s_ev = Vec::new();
        if qcs
            .statements
            .iter()
            .any(|s| matches!(s, QcStatement::Sscd))
        {
            s_ev.push(Evidence::QcSscd);
        }
        for p in policies.iter().filter(|p| p.requires_qscd()) {
            s_ev.push(Evidence::Policy { policy: *p });
        }
        let qscd = !s_ev.is_empty();

        let person = Answer {
            value: holder.person,
            evidence: holder
                .person_evidence
                .map(|from| vec![Evidence::Person { from }])
                .unwrap_or_default(),
        };

        Ok(Self {
            qualified: Answer {
                value: qualification,
                evidence: q_ev,
            },
            purpose: Answer {
                value: purpose,
                evidence: p_ev,
            },
            qscd: Answer {
                value: qscd,
                evidence: s_ev,
            },
            person,
            policies,
        })
    }
}
