//! The qualified-profile answers a relying party asks, each with its evidence
//! (ETSI EN 319 412-5 §4.2, EN 319 411-2 §5.3).
//!
//! The QC statements are the claim: EN 319 412-5 §4.2.1 makes `QcCompliance` the statement
//! that a certificate is issued as qualified, §4.2.2 `QcSSCD` the one that the key is on a
//! QSCD, §4.2.3 `QcType` the one that names its single purpose. An EN 319 411-2 policy
//! identifier names the practice the CA issued under; it is reported as evidence, and as
//! [`Qualification::PolicyOnly`] when it stands alone, never as the claim itself.

use serde::Serialize;

use crate::certificate::Certificate;
use crate::error::Result;
use crate::identity::{identity, PersonEvidence, PersonKind};
use crate::oids;
use crate::policy::{CertificatePolicy, Policies};
use crate::qc_statements::{QcStatements, QcType};

/// Why an answer was given: one fact read from the certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "evidence", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Evidence {
    /// A well-formed QcCompliance statement is present.
    QcCompliance,
    /// QcCClegislation names these countries (qualified under their law, not EU law).
    QcCcLegislation {
        /// ISO 3166-1 codes.
        countries: Vec<String>,
    },
    /// A well-formed QcSSCD statement is present.
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

/// Qualified status of a certificate (EN 319 412-5 §4.2.1, §4.2.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Qualification {
    /// An EU qualified certificate (eIDAS): a well-formed QcCompliance statement and no
    /// QcCClegislation.
    EuQualified,
    /// Qualified under the legislation of non-EU countries (QcCompliance + QcCClegislation).
    NonEuQualified {
        /// ISO 3166-1 codes.
        countries: Vec<String>,
    },
    /// No QcCompliance statement, but EN 319 411-2 qualified policies: the CA's practice is
    /// named, the qualified claim of EN 319 412-5 §4.2.1 is missing. Not qualified.
    PolicyOnly {
        /// The qualified policies found.
        policies: Vec<CertificatePolicy>,
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

impl Purpose {
    fn from_qc_type(t: QcType) -> Option<Self> {
        match t {
            QcType::Esign => Some(Self::ESignature),
            QcType::Eseal => Some(Self::ESeal),
            QcType::Web => Some(Self::Website),
            QcType::Other(_) => None,
        }
    }

    fn from_policy(p: CertificatePolicy) -> Option<Self> {
        match p {
            CertificatePolicy::QcpN | CertificatePolicy::QcpNQscd => Some(Self::ESignature),
            CertificatePolicy::QcpL | CertificatePolicy::QcpLQscd => Some(Self::ESeal),
            CertificatePolicy::QcpW
            | CertificatePolicy::QncpW
            | CertificatePolicy::QncpWGen
            | CertificatePolicy::QcpWPsd2 => Some(Self::Website),
            _ => None,
        }
    }
}

/// Whether the private key is declared to reside in a qualified signature/seal creation device
/// (EN 319 412-5 §4.2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum QscdDeclaration {
    /// A qualified certificate carries a well-formed QcSSCD statement.
    Declared,
    /// Only a policy that requires a QSCD (QCP-n-qscd, QCP-l-qscd) says so; the QcSSCD
    /// statement that declares it is missing (or the certificate does not claim to be
    /// qualified).
    PolicyOnly,
    /// Nothing declares it.
    NotDeclared,
}

/// Evidence in the certificate that contradicts itself, reported rather than resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "conflict", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Conflict {
    /// QcType names more than one purpose (EN 319 412-5 §4.2.3: one and only one).
    AmbiguousQcType {
        /// Every purpose named, across all QcType statements.
        qc_types: Vec<QcType>,
    },
    /// QcType names one purpose, a qualified policy another.
    QcTypeContradictsPolicy {
        /// The QcType purpose.
        qc_type: QcType,
        /// The policy.
        policy: CertificatePolicy,
    },
    /// QcSSCD is present on a certificate that does not claim to be qualified.
    QcSscdWithoutCompliance,
    /// The natural/legal person evidence disagrees.
    Person {
        /// The person the answer rests on.
        decided: PersonKind,
        /// The other source, which says otherwise.
        contradicted_by: PersonEvidence,
    },
}

/// The qualified-profile summary of a certificate.
///
/// ```
/// use qes_cert::{identity, lint, parse_any, ParseMode, Purpose, QscdDeclaration, QualifiedSummary};
///
/// let pem = qes_testkit::TestPki::shared().natural_person().cert_pem();
/// let certs = parse_any(pem.as_bytes(), ParseMode::Strict)?;
/// let cert = certs.first().expect("one certificate");
///
/// let summary = QualifiedSummary::of(cert)?;
/// assert!(summary.is_eu_qualified());
/// assert_eq!(summary.purpose.value, Some(Purpose::ESignature));
/// assert_eq!(summary.qscd.value, QscdDeclaration::Declared);
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
    /// E-signature, e-seal or website, if declared unambiguously.
    pub purpose: Answer<Option<Purpose>>,
    /// Whether the private key is declared to reside in a QSCD.
    pub qscd: Answer<QscdDeclaration>,
    /// Natural or legal person.
    pub person: Answer<Option<PersonKind>>,
    /// Every certificate policy, named.
    pub policies: Vec<CertificatePolicy>,
    /// Contradictions found between the sources of the answers.
    pub conflicts: Vec<Conflict>,
}

/// The purpose answer: QcType decides when present (several distinct purposes: no answer,
/// all evidence kept); the policies only when QcType is absent.
pub(crate) fn purpose_of(
    qcs: &QcStatements,
    policies: &[CertificatePolicy],
) -> (Option<Purpose>, Vec<Evidence>, Vec<Conflict>) {
    let mut types = qcs.qc_types();
    let mut conflicts = Vec::new();
    let mut distinct: Vec<QcType> = Vec::new();
    for t in types.drain(..) {
        if !distinct.contains(&t) {
            distinct.push(t);
        }
    }
    if !distinct.is_empty() {
        let evidence = distinct
            .iter()
            .map(|t| Evidence::QcType { qc_type: *t })
            .collect();
        if let [t] = distinct.as_slice() {
            let purpose = Purpose::from_qc_type(*t);
            for p in policies {
                if let Some(from_policy) = Purpose::from_policy(*p) {
                    if Some(from_policy) != purpose {
                        conflicts.push(Conflict::QcTypeContradictsPolicy {
                            qc_type: *t,
                            policy: *p,
                        });
                    }
                }
            }
            return (purpose, evidence, conflicts);
        }
        conflicts.push(Conflict::AmbiguousQcType { qc_types: distinct });
        return (None, evidence, conflicts);
    }
    let mut found: Option<Purpose> = None;
    let mut evidence = Vec::new();
    for p in policies {
        if let Some(purpose) = Purpose::from_policy(*p) {
            evidence.push(Evidence::Policy { policy: *p });
            match found {
                None => found = Some(purpose),
                Some(f) if f == purpose => {}
                // Policies of different purposes: no answer.
                Some(_) => return (None, evidence, conflicts),
            }
        }
    }
    (found, evidence, conflicts)
}

impl QualifiedSummary {
    /// Whether the certificate claims to be qualified under any legislation (a well-formed
    /// QcCompliance statement, EU or non-EU). [`Qualification::PolicyOnly`] does not count.
    pub fn claims_qualified(&self) -> bool {
        matches!(
            self.qualified.value,
            Qualification::EuQualified | Qualification::NonEuQualified { .. }
        )
    }

    /// Whether the certificate claims to be an EU qualified certificate (eIDAS).
    pub fn is_eu_qualified(&self) -> bool {
        self.qualified.value == Qualification::EuQualified
    }

    /// Summarize a certificate.
    ///
    /// # Errors
    /// [`crate::Error::DuplicateExtension`], and [`crate::Error::Der`] when qcStatements or
    /// certificatePolicies do not decode: the summary refuses to answer from a certificate
    /// whose claims it cannot read (the lint reports such certificates instead).
    pub fn of(cert: &Certificate) -> Result<Self> {
        let qcs = QcStatements::from_certificate(cert)?.unwrap_or_default();
        let policies = Policies::from_certificate(cert)?
            .map(|p| p.policies)
            .unwrap_or_default();
        let holder = identity(cert)?;
        let mut conflicts = Vec::new();

        // Qualified? QcCompliance is the claim (EN 319 412-5 §4.2.1).
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
        let qualified_policies: Vec<CertificatePolicy> = policies
            .iter()
            .copied()
            .filter(|p| p.is_qualified())
            .collect();
        q_ev.extend(
            qualified_policies
                .iter()
                .map(|p| Evidence::Policy { policy: *p }),
        );
        let qualification = match (&legislation, compliance) {
            // EN 319 412-5 §4.2.4: the statement means "qualified under these countries' law";
            // EU qualified certificates shall not carry it.
            (Some(countries), true) => Qualification::NonEuQualified {
                countries: countries.clone(),
            },
            (None, true) => Qualification::EuQualified,
            (_, false) if !qualified_policies.is_empty() => Qualification::PolicyOnly {
                policies: qualified_policies,
            },
            (_, false) => Qualification::NotQualified,
        };

        // Purpose.
        let (purpose, p_ev, p_conflicts) = purpose_of(&qcs, &policies);
        conflicts.extend(p_conflicts);

        // QSCD: declared by QcSSCD on a qualified certificate (EN 319 412-5 §4.2.2).
        let sscd = qcs.contains(oids::QCS_SSCD);
        let qscd_policies: Vec<CertificatePolicy> = policies
            .iter()
            .copied()
            .filter(|p| p.requires_qscd())
            .collect();
        let mut s_ev = Vec::new();
        let qscd = if sscd && compliance {
            s_ev.push(Evidence::QcSscd);
            s_ev.extend(
                qscd_policies
                    .iter()
                    .map(|p| Evidence::Policy { policy: *p }),
            );
            QscdDeclaration::Declared
        } else {
            if sscd {
                conflicts.push(Conflict::QcSscdWithoutCompliance);
            }
            if qscd_policies.is_empty() {
                QscdDeclaration::NotDeclared
            } else {
                s_ev.extend(
                    qscd_policies
                        .iter()
                        .map(|p| Evidence::Policy { policy: *p }),
                );
                QscdDeclaration::PolicyOnly
            }
        };

        let person = Answer {
            value: holder.person,
            evidence: holder
                .person_evidence
                .clone()
                .map(|from| vec![Evidence::Person { from }])
                .unwrap_or_default(),
        };
        if let Some(decided) = holder.person {
            conflicts.extend(
                holder
                    .person_conflicts
                    .iter()
                    .cloned()
                    .map(|contradicted_by| Conflict::Person {
                        decided,
                        contradicted_by,
                    }),
            );
        }

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
            conflicts,
        })
    }
}
