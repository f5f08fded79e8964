//! Certificate profiles: what each kind of test certificate contains, and the
//! [`EndEntity`] description callers use to issue their own.

use chrono::{DateTime, Utc};
use const_oid::ObjectIdentifier;
use der::asn1::{Ia5String, Null, OctetString};
use der::Encode;
use x509_cert::ext::pkix::certpolicy::PolicyInformation;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AccessDescription, AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints,
    CertificatePolicies, CrlDistributionPoints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::ext::Extension;
use x509_cert::name::Name;

use crate::cert::{ext, raw_ext, NameBuilder, StringKind};
use crate::error::Result;
use crate::key::KeyAlgorithm;
use crate::qc::{self, QcType};
use crate::{oid, Issued};

/// The variant of an EU DCC document signer certificate (DSC).
///
/// eHealth Network, "Technical Specifications for EU Digital COVID Certificates" Volume 1
/// §5.1.1: a DSC's extended key usage restricts which certificate types it may sign; a DSC
/// without the extension may sign all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DccType {
    /// EKU `1.3.6.1.4.1.1847.2021.1.1`: test certificates only.
    Test,
    /// EKU `1.3.6.1.4.1.1847.2021.1.2`: vaccination certificates only.
    Vaccination,
    /// EKU `1.3.6.1.4.1.1847.2021.1.3`: recovery certificates only.
    Recovery,
    /// No extended key usage extension: may sign every type.
    Any,
}

impl DccType {
    /// All variants.
    pub const ALL: [DccType; 4] = [Self::Test, Self::Vaccination, Self::Recovery, Self::Any];

    /// The EKU OID, `None` for [`DccType::Any`].
    pub fn eku(self) -> Option<ObjectIdentifier> {
        match self {
            Self::Test => Some(oid::DCC_EKU_TEST),
            Self::Vaccination => Some(oid::DCC_EKU_VACCINATION),
            Self::Recovery => Some(oid::DCC_EKU_RECOVERY),
            Self::Any => None,
        }
    }

    /// The default label of the standard signer of this type (`dcc-test`, ...).
    pub fn label(self) -> &'static str {
        match self {
            Self::Test => "dcc-test",
            Self::Vaccination => "dcc-vaccination",
            Self::Recovery => "dcc-recovery",
            Self::Any => "dcc-any",
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Self::Test => "Test",
            Self::Vaccination => "Vaccination",
            Self::Recovery => "Recovery",
            Self::Any => "All Types",
        }
    }
}

#[derive(Clone, Debug)]
enum Kind {
    NaturalPerson {
        given: String,
        surname: String,
        cnp: String,
    },
    LegalPerson {
        organization: String,
        cui: String,
    },
    Tsa,
    OcspResponder,
    DccSigner(DccType),
}

/// Description of an end-entity certificate to issue with
/// [`TestPki::issue`](crate::TestPki::issue).
///
/// Constructors pick the profile; `with`-style methods adjust it. The key is derived from
/// `(seed, label, algorithm)`, so two entities with the same label and algorithm share a
/// key (a renewal); give a new [`label`](Self::label) for a new key. Inputs are not
/// validated (an invalid CNP or CUI is written as given), so tests can build deliberately
/// broken certificates.
#[derive(Clone, Debug)]
pub struct EndEntity {
    kind: Kind,
    pub(crate) label: String,
    pub(crate) key: KeyAlgorithm,
    common_name: String,
    email: Option<String>,
    pub(crate) validity: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub(crate) serial: Option<u64>,
    key_usage: Option<KeyUsage>,
    non_qualified: bool,
}

impl EndEntity {
    fn new(kind: Kind, label: &str, key: KeyAlgorithm, common_name: String) -> Self {
        Self {
            kind,
            label: label.to_owned(),
            key,
            common_name,
            email: None,
            validity: None,
            serial: None,
            key_usage: None,
            non_qualified: false,
        }
    }

    /// A natural person holding a qualified certificate for electronic signatures on a
    /// QSCD: ETSI EN 319 412-2 (subject §4.2.4, key usage §4.3.2, policies §4.3.3, AIA
    /// §4.4.1, CRL DP §4.3.11), EN 319 412-5 statements (QcCompliance, QcSSCD, QcType
    /// esign, QcPDS en/ro), EN 319 412-1 §5.1.3 semantics identifier natural with subject
    /// `serialNumber = PNORO-<cnp>`, policy QCP-n-qscd (EN 319 411-2). `commonName` is
    /// "given surname"; the email goes to subjectAltName `rfc822Name`.
    ///
    /// Label `natural-person`, RSA-2048.
    pub fn natural_person(given: &str, surname: &str, cnp: &str) -> Self {
        Self::new(
            Kind::NaturalPerson {
                given: given.to_owned(),
                surname: surname.to_owned(),
                cnp: cnp.to_owned(),
            },
            "natural-person",
            KeyAlgorithm::Rsa2048,
            format!("{given} {surname}"),
        )
    }

    /// A legal person holding a qualified certificate for electronic seals on a QSCD: ETSI
    /// EN 319 412-3 (subject §4.2.1 with `organizationIdentifier = VATRO-<cui>` per EN
    /// 319 412-1 §5.1.4), EN 319 412-5 statements with QcType eseal, semantics identifier
    /// legal, policy QCP-l-qscd. `commonName` defaults to the organization name.
    ///
    /// Label `legal-person`, RSA-2048.
    pub fn legal_person(organization: &str, cui: &str) -> Self {
        Self::new(
            Kind::LegalPerson {
                organization: organization.to_owned(),
                cui: cui.to_owned(),
            },
            "legal-person",
            KeyAlgorithm::Rsa2048,
            organization.to_owned(),
        )
    }

    /// A time-stamping unit (RFC 3161 §2.3): keyUsage digitalSignature (critical) and
    /// extendedKeyUsage `id-kp-timeStamping` only, critical.
    ///
    /// Label `tsa`, RSA-2048.
    pub fn tsa(common_name: &str) -> Self {
        Self::new(
            Kind::Tsa,
            "tsa",
            KeyAlgorithm::Rsa2048,
            common_name.to_owned(),
        )
    }

    /// A delegated OCSP responder (RFC 6960 §4.2.2.2): extendedKeyUsage
    /// `id-kp-OCSPSigning`, keyUsage digitalSignature, and `id-pkix-ocsp-nocheck`
    /// (§4.2.2.2.1); no AIA or CRL DP.
    ///
    /// Label `ocsp-responder`, ECDSA P-256.
    pub fn ocsp_responder(common_name: &str) -> Self {
        Self::new(
            Kind::OcspResponder,
            "ocsp-responder",
            KeyAlgorithm::EcP256,
            common_name.to_owned(),
        )
    }

    /// An EU DCC document signer (see [`DccType`]): keyUsage digitalSignature, the
    /// variant's extendedKeyUsage (non-critical) if any.
    ///
    /// Label from [`DccType::label`], ECDSA P-256 (what the DCC specification recommends).
    pub fn dcc_signer(dcc_type: DccType, common_name: &str) -> Self {
        Self::new(
            Kind::DccSigner(dcc_type),
            dcc_type.label(),
            KeyAlgorithm::EcP256,
            common_name.to_owned(),
        )
    }

    /// Sets the label: the file stem in [`TestPki::write_to`](crate::TestPki::write_to) and
    /// the key derivation input.
    pub fn label(mut self, label: &str) -> Self {
        label.clone_into(&mut self.label);
        self
    }

    /// Sets the key algorithm.
    pub fn key(mut self, algorithm: KeyAlgorithm) -> Self {
        self.key = algorithm;
        self
    }

    /// Sets the validity window (default: the PKI epoch to epoch + 3 years). Any window is
    /// allowed, including one already over or about to end.
    pub fn validity(mut self, not_before: DateTime<Utc>, not_after: DateTime<Utc>) -> Self {
        self.validity = Some((not_before, not_after));
        self
    }

    /// Sets the serial number (default: 16 octets derived from the seed and contents).
    /// `0` is written as given, which RFC 5280 §4.1.2.2 forbids: useful for negative tests.
    pub fn serial(mut self, serial: u64) -> Self {
        self.serial = Some(serial);
        self
    }

    /// Sets the subject `commonName`.
    pub fn common_name(mut self, common_name: &str) -> Self {
        common_name.clone_into(&mut self.common_name);
        self
    }

    /// Sets the email address written to subjectAltName `rfc822Name` (natural persons
    /// default to [`NATURAL_PERSON_EMAIL`](crate::NATURAL_PERSON_EMAIL) when using the
    /// standard holder; others have none unless set).
    pub fn email(mut self, email: &str) -> Self {
        self.email = Some(email.to_owned());
        self
    }

    /// Replaces the key usage bits (the extension stays critical), for negative tests.
    pub fn key_usage(mut self, usage: KeyUsage) -> Self {
        self.key_usage = Some(usage);
        self
    }

    /// Leaves out the EN 319 412-5 QC statements (and with them the qualified claim) of a
    /// natural or legal person, for negative tests.
    pub fn non_qualified(mut self) -> Self {
        self.non_qualified = true;
        self
    }

    /// Subject name and extensions for this entity under `issuer`.
    pub(crate) fn contents(
        &self,
        issuer: &Issued,
        subject_key_id: Vec<u8>,
    ) -> Result<(Name, Vec<Extension>)> {
        let ku_sign = KeyUsage(KeyUsages::DigitalSignature.into());
        // EN 319 412-2 §4.3.2 (NAT-4.3.2-1..3): nonRepudiation alone is the preferred
        // setting for content commitment (type A); EN 319 412-3 §4.3.1 applies it to seals.
        let ku_commit = KeyUsage(KeyUsages::NonRepudiation.into());
        let mut exts = vec![
            authority_key_id(issuer)?,
            ext(
                false,
                &SubjectKeyIdentifier(OctetString::new(subject_key_id)?),
            )?,
        ];
        let subject;
        match &self.kind {
            Kind::NaturalPerson {
                given,
                surname,
                cnp,
            } => {
                subject = NameBuilder::default()
                    .push(oid::AT_COUNTRY_NAME, StringKind::Printable, "RO")?
                    .push(oid::AT_SURNAME, StringKind::Utf8, surname)?
                    .push(oid::AT_GIVEN_NAME, StringKind::Utf8, given)?
                    .push(
                        oid::AT_SERIAL_NUMBER,
                        StringKind::Printable,
                        &format!("PNORO-{cnp}"),
                    )?
                    .push(oid::AT_COMMON_NAME, StringKind::Utf8, &self.common_name)?
                    .build();
                exts.push(ext(true, self.key_usage.as_ref().unwrap_or(&ku_commit))?);
                exts.push(policies(oid::QCP_N_QSCD)?);
                if !self.non_qualified {
                    exts.push(qc_statements(QcType::Esign, oid::SEMANTICS_ID_NATURAL)?);
                }
                exts.extend(revocation_pointers()?);
            }
            Kind::LegalPerson { organization, cui } => {
                subject = NameBuilder::default()
                    .push(oid::AT_COUNTRY_NAME, StringKind::Printable, "RO")?
                    .push(oid::AT_ORGANIZATION_NAME, StringKind::Utf8, organization)?
                    .push(
                        oid::AT_ORGANIZATION_IDENTIFIER,
                        StringKind::Utf8,
                        &format!("VATRO-{cui}"),
                    )?
                    .push(oid::AT_COMMON_NAME, StringKind::Utf8, &self.common_name)?
                    .build();
                exts.push(ext(true, self.key_usage.as_ref().unwrap_or(&ku_commit))?);
                exts.push(policies(oid::QCP_L_QSCD)?);
                if !self.non_qualified {
                    exts.push(qc_statements(QcType::Eseal, oid::SEMANTICS_ID_LEGAL)?);
                }
                exts.extend(revocation_pointers()?);
            }
            Kind::Tsa => {
                subject = tsp_subject(&self.common_name)?;
                exts.push(ext(true, self.key_usage.as_ref().unwrap_or(&ku_sign))?);
                exts.push(ext(true, &ExtendedKeyUsage(vec![oid::KP_TIME_STAMPING]))?);
                exts.push(policies_tsp_only()?);
                exts.extend(revocation_pointers()?);
            }
            Kind::OcspResponder => {
                subject = tsp_subject(&self.common_name)?;
                exts.push(ext(true, self.key_usage.as_ref().unwrap_or(&ku_sign))?);
                exts.push(ext(false, &ExtendedKeyUsage(vec![oid::KP_OCSP_SIGNING]))?);
                exts.push(raw_ext(oid::PKIX_OCSP_NOCHECK, false, Null.to_der()?)?);
            }
            Kind::DccSigner(dcc_type) => {
                subject = NameBuilder::default()
                    .push(oid::AT_COUNTRY_NAME, StringKind::Printable, "RO")?
                    .push(
                        oid::AT_ORGANIZATION_NAME,
                        StringKind::Utf8,
                        crate::TSP_ORGANIZATION,
                    )?
                    .push(oid::AT_COMMON_NAME, StringKind::Utf8, &self.common_name)?
                    .build();
                exts.push(ext(true, self.key_usage.as_ref().unwrap_or(&ku_sign))?);
                if let Some(eku) = dcc_type.eku() {
                    exts.push(ext(false, &ExtendedKeyUsage(vec![eku]))?);
                }
                exts.extend(revocation_pointers()?);
            }
        }
        let email = match (&self.kind, &self.email) {
            (_, Some(email)) => Some(email.as_str()),
            (Kind::NaturalPerson { .. }, None) => Some(crate::NATURAL_PERSON_EMAIL),
            _ => None,
        };
        if let Some(email) = email {
            exts.push(ext(
                false,
                &SubjectAltName(vec![GeneralName::Rfc822Name(Ia5String::new(email)?)]),
            )?);
        }
        Ok((subject, exts))
    }

    /// The standard holder description of a `DccType` with its default common name.
    pub(crate) fn standard_dcc(dcc_type: DccType) -> Self {
        Self::dcc_signer(
            dcc_type,
            &format!("QES Testkit DCC Signer {}", dcc_type.suffix()),
        )
    }
}

/// The subject of the TSP's own service certificates (TSA, OCSP responder) and CAs.
pub(crate) fn tsp_subject(common_name: &str) -> Result<Name> {
    Ok(NameBuilder::default()
        .push(oid::AT_COUNTRY_NAME, StringKind::Printable, "RO")?
        .push(
            oid::AT_ORGANIZATION_NAME,
            StringKind::Utf8,
            crate::TSP_ORGANIZATION,
        )?
        .push(
            oid::AT_ORGANIZATION_IDENTIFIER,
            StringKind::Utf8,
            &format!("VATRO-{}", crate::TSP_CUI),
        )?
        .push(oid::AT_COMMON_NAME, StringKind::Utf8, common_name)?
        .build())
}

/// Extensions of a CA certificate (RFC 5280 §4.2.1.9 basicConstraints critical, §4.2.1.3
/// keyUsage keyCertSign + cRLSign critical, SKI; for a subordinate CA also AKI,
/// certificatePolicies anyPolicy, AIA caIssuers and CRL DP pointing at the root).
pub(crate) fn ca_extensions(
    issuer: Option<&Issued>,
    subject_key_id: Vec<u8>,
    path_len: Option<u8>,
) -> Result<Vec<Extension>> {
    let mut exts = vec![
        ext(
            true,
            &BasicConstraints {
                ca: true,
                path_len_constraint: path_len,
            },
        )?,
        ext(true, &KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign))?,
        ext(
            false,
            &SubjectKeyIdentifier(OctetString::new(subject_key_id)?),
        )?,
    ];
    if let Some(issuer) = issuer {
        exts.push(authority_key_id(issuer)?);
        exts.push(ext(
            false,
            &CertificatePolicies(vec![PolicyInformation {
                policy_identifier: oid::ANY_POLICY,
                policy_qualifiers: None,
            }]),
        )?);
        exts.push(ext(
            false,
            &AuthorityInfoAccessSyntax(vec![access(
                oid::AD_CA_ISSUERS,
                crate::ROOT_CA_ISSUERS_URL,
            )?]),
        )?);
        exts.push(crl_dp(crate::ROOT_CRL_URL)?);
    }
    Ok(exts)
}

/// The AKI extension naming `issuer`'s key (RFC 5280 §4.2.1.1, §5.2.1).
pub(crate) fn authority_key_id(issuer: &Issued) -> Result<Extension> {
    ext(
        false,
        &AuthorityKeyIdentifier {
            key_identifier: Some(OctetString::new(issuer.key_identifier()?)?),
            authority_cert_issuer: None,
            authority_cert_serial_number: None,
        },
    )
}

fn access(method: ObjectIdentifier, url: &str) -> Result<AccessDescription> {
    Ok(AccessDescription {
        access_method: method,
        access_location: GeneralName::UniformResourceIdentifier(Ia5String::new(url)?),
    })
}

fn crl_dp(url: &str) -> Result<Extension> {
    ext(
        false,
        &CrlDistributionPoints(vec![DistributionPoint {
            distribution_point: Some(DistributionPointName::FullName(vec![
                GeneralName::UniformResourceIdentifier(Ia5String::new(url)?),
            ])),
            reasons: None,
            crl_issuer: None,
        }]),
    )
}

/// AIA (OCSP + caIssuers, RFC 5280 §4.2.2.1, EN 319 412-2 §4.4.1) and CRL DP (§4.2.1.13,
/// EN 319 412-2 §4.3.11) of a certificate issued by the qualified CA.
fn revocation_pointers() -> Result<Vec<Extension>> {
    Ok(vec![
        ext(
            false,
            &AuthorityInfoAccessSyntax(vec![
                access(oid::AD_OCSP, crate::OCSP_URL)?,
                access(oid::AD_CA_ISSUERS, crate::CA_ISSUERS_URL)?,
            ]),
        )?,
        crl_dp(crate::CRL_URL)?,
    ])
}

/// The TSP's own policy, without qualifiers (RFC 5280 §4.2.1.4 recommends none).
fn tsp_policy() -> Result<PolicyInformation> {
    Ok(PolicyInformation {
        policy_identifier: oid::TESTKIT_TSP_POLICY,
        policy_qualifiers: None,
    })
}

/// certificatePolicies (RFC 5280 §4.2.1.4, EN 319 412-2 §4.3.3): the TSP's own policy and
/// the ETSI policy.
fn policies(etsi: ObjectIdentifier) -> Result<Extension> {
    ext(
        false,
        &CertificatePolicies(vec![
            tsp_policy()?,
            PolicyInformation {
                policy_identifier: etsi,
                policy_qualifiers: None,
            },
        ]),
    )
}

fn policies_tsp_only() -> Result<Extension> {
    ext(false, &CertificatePolicies(vec![tsp_policy()?]))
}

fn qc_statements(qc_type: QcType, semantics: ObjectIdentifier) -> Result<Extension> {
    raw_ext(
        oid::PE_QC_STATEMENTS,
        false,
        qc::encode(&qc::qualified_statements(qc_type, semantics)?)?,
    )
}
