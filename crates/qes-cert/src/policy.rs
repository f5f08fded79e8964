//! Certificate policies (ETSI EN 319 411-1/-2, CA/B Forum), key usage and extended key usage.
//!
//! ```text
//! certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation   -- RFC 5280 §4.2.1.4
//! PolicyInformation ::= SEQUENCE {
//!      policyIdentifier   CertPolicyId,
//!      policyQualifiers   SEQUENCE SIZE (1..MAX) OF PolicyQualifierInfo OPTIONAL }
//!
//! -- EN 319 411-2 §5.3
//! qcp-natural       { 0 4 0 194112 1 0 }    qcp-legal        { 0 4 0 194112 1 1 }
//! qcp-natural-qscd  { 0 4 0 194112 1 2 }    qcp-legal-qscd   { 0 4 0 194112 1 3 }
//! qcp-web           { 0 4 0 194112 1 4 }    qncp-web         { 0 4 0 194112 1 5 }
//! qncp-web-gen      { 0 4 0 194112 1 6 }
//! -- EN 319 411-1 §5.3
//! ncp { 0 4 0 2042 1 1 }  ncp-plus { .. 1 2 }  lcp { .. 1 3 }  evcp { .. 1 4 }
//! dvcp { .. 1 6 }  ovcp { .. 1 7 }  ivcp { .. 1 8 }
//!
//! KeyUsage ::= BIT STRING { digitalSignature (0), contentCommitment (1),   -- RFC 5280 §4.2.1.3
//!      keyEncipherment (2), dataEncipherment (3), keyAgreement (4), keyCertSign (5),
//!      cRLSign (6), encipherOnly (7), decipherOnly (8) }
//! ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId           -- RFC 5280 §4.2.1.12
//! ```

use const_oid::ObjectIdentifier;
use der::Decode;
use serde::Serialize;
use x509_cert::ext::pkix::{CertificatePolicies, ExtendedKeyUsage, KeyUsage, KeyUsages};

use crate::certificate::Certificate;
use crate::error::{Error, Result};
use crate::oids;

/// A certificate policy identifier, named where a standard defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum CertificatePolicy {
    /// EN 319 411-2 QCP-n: qualified, natural person.
    QcpN,
    /// EN 319 411-2 QCP-l: qualified, legal person.
    QcpL,
    /// EN 319 411-2 QCP-n-qscd: qualified, natural person, key on a QSCD.
    QcpNQscd,
    /// EN 319 411-2 QCP-l-qscd: qualified, legal person, key on a QSCD.
    QcpLQscd,
    /// EN 319 411-2 QCP-w: qualified website authentication (EU QWAC, EV).
    QcpW,
    /// EN 319 411-2 QNCP-w: qualified website authentication (OV/IV/DV).
    QncpW,
    /// EN 319 411-2 QNCP-w-gen: qualified website authentication, not CA/B-Forum bound.
    QncpWGen,
    /// TS 119 495 QCP-w-psd2.
    QcpWPsd2,
    /// EN 319 411-1 NCP.
    Ncp,
    /// EN 319 411-1 NCP+ (key on a secure device).
    NcpPlus,
    /// EN 319 411-1 LCP.
    Lcp,
    /// EN 319 411-1 EVCP.
    Evcp,
    /// EN 319 411-1 DVCP.
    Dvcp,
    /// EN 319 411-1 OVCP.
    Ovcp,
    /// EN 319 411-1 IVCP.
    Ivcp,
    /// CA/B Forum extended validation.
    CabfEv,
    /// CA/B Forum domain validated.
    CabfDv,
    /// CA/B Forum organization validated.
    CabfOv,
    /// CA/B Forum individual validated.
    CabfIv,
    /// RFC 5280 anyPolicy.
    AnyPolicy,
    /// Another policy.
    Other(#[serde(serialize_with = "crate::oids::serialize_oid")] ObjectIdentifier),
}

/// Every named policy with its OID (the one table `from_oid` and `oid` both read).
const POLICY_TABLE: &[(ObjectIdentifier, CertificatePolicy)] = &[
    (oids::POLICY_QCP_N, CertificatePolicy::QcpN),
    (oids::POLICY_QCP_L, CertificatePolicy::QcpL),
    (oids::POLICY_QCP_N_QSCD, CertificatePolicy::QcpNQscd),
    (oids::POLICY_QCP_L_QSCD, CertificatePolicy::QcpLQscd),
    (oids::POLICY_QCP_W, CertificatePolicy::QcpW),
    (oids::POLICY_QNCP_W, CertificatePolicy::QncpW),
    (oids::POLICY_QNCP_W_GEN, CertificatePolicy::QncpWGen),
    (oids::POLICY_QCP_W_PSD2, CertificatePolicy::QcpWPsd2),
    (oids::POLICY_NCP, CertificatePolicy::Ncp),
    (oids::POLICY_NCP_PLUS, CertificatePolicy::NcpPlus),
    (oids::POLICY_LCP, CertificatePolicy::Lcp),
    (oids::POLICY_EVCP, CertificatePolicy::Evcp),
    (oids::POLICY_DVCP, CertificatePolicy::Dvcp),
    (oids::POLICY_OVCP, CertificatePolicy::Ovcp),
    (oids::POLICY_IVCP, CertificatePolicy::Ivcp),
    (oids::POLICY_CABF_EV, CertificatePolicy::CabfEv),
    (oids::POLICY_CABF_DV, CertificatePolicy::CabfDv),
    (oids::POLICY_CABF_OV, CertificatePolicy::CabfOv),
    (oids::POLICY_CABF_IV, CertificatePolicy::CabfIv),
    (oids::POLICY_ANY, CertificatePolicy::AnyPolicy),
];

impl CertificatePolicy {
    /// Name the policy.
    pub fn from_oid(oid: ObjectIdentifier) -> Self {
        POLICY_TABLE
            .iter()
            .find(|(o, _)| *o == oid)
            .map_or(Self::Other(oid), |(_, p)| *p)
    }

    /// The policy's OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Self::QcpN => oids::POLICY_QCP_N,
            Self::QcpL => oids::POLICY_QCP_L,
            Self::QcpNQscd => oids::POLICY_QCP_N_QSCD,
            Self::QcpLQscd => oids::POLICY_QCP_L_QSCD,
            Self::QcpW => oids::POLICY_QCP_W,
            Self::QncpW => oids::POLICY_QNCP_W,
            Self::QncpWGen => oids::POLICY_QNCP_W_GEN,
            Self::QcpWPsd2 => oids::POLICY_QCP_W_PSD2,
            Self::Ncp => oids::POLICY_NCP,
            Self::NcpPlus => oids::POLICY_NCP_PLUS,
            Self::Lcp => oids::POLICY_LCP,
            Self::Evcp => oids::POLICY_EVCP,
            Self::Dvcp => oids::POLICY_DVCP,
            Self::Ovcp => oids::POLICY_OVCP,
            Self::Ivcp => oids::POLICY_IVCP,
            Self::CabfEv => oids::POLICY_CABF_EV,
            Self::CabfDv => oids::POLICY_CABF_DV,
            Self::CabfOv => oids::POLICY_CABF_OV,
            Self::CabfIv => oids::POLICY_CABF_IV,
            Self::AnyPolicy => oids::POLICY_ANY,
            Self::Other(oid) => oid,
        }
    }

    /// The name the defining standard gives the policy (`QCP-n-qscd`, `NCP+`, …), `None` for
    /// [`CertificatePolicy::Other`].
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::QcpN => "QCP-n",
            Self::QcpL => "QCP-l",
            Self::QcpNQscd => "QCP-n-qscd",
            Self::QcpLQscd => "QCP-l-qscd",
            Self::QcpW => "QCP-w",
            Self::QncpW => "QNCP-w",
            Self::QncpWGen => "QNCP-w-gen",
            Self::QcpWPsd2 => "QCP-w-psd2",
            Self::Ncp => "NCP",
            Self::NcpPlus => "NCP+",
            Self::Lcp => "LCP",
            Self::Evcp => "EVCP",
            Self::Dvcp => "DVCP",
            Self::Ovcp => "OVCP",
            Self::Ivcp => "IVCP",
            Self::CabfEv => "CA/B Forum EV",
            Self::CabfDv => "CA/B Forum DV",
            Self::CabfOv => "CA/B Forum OV",
            Self::CabfIv => "CA/B Forum IV",
            Self::AnyPolicy => "anyPolicy",
            Self::Other(_) => return None,
        })
    }
}

impl core::fmt::Display for CertificatePolicy {
    /// `QCP-n-qscd (0.4.0.194112.1.2)`, or the bare OID for an unnamed policy.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.oid()),
            None => write!(f, "{}", self.oid()),
        }
    }
}

impl CertificatePolicy {
    /// Whether this is a qualified-certificate policy: one of EN 319 411-2 (QCP-n, QCP-l,
    /// QCP-n-qscd, QCP-l-qscd, QCP-w, QNCP-w, QNCP-w-gen) or QCP-w-psd2 of TS 119 495 §6.1.
    /// A policy names the CA's practice; the certificate's own qualified claim is the
    /// QcCompliance statement (see [`crate::Qualification::PolicyOnly`]).
    pub fn is_qualified(self) -> bool {
        self.is_en_319_411_2() || self == Self::QcpWPsd2
    }

    /// Whether this is one of the certificate-type policies of EN 319 411-2 §5.3 (QCP-w-psd2
    /// of TS 119 495 is not among them).
    pub fn is_en_319_411_2(self) -> bool {
        matches!(
            self,
            Self::QcpN
                | Self::QcpL
                | Self::QcpNQscd
                | Self::QcpLQscd
                | Self::QcpW
                | Self::QncpW
                | Self::QncpWGen
        )
    }

    /// Whether this is one of the EN 319 411-1 reserved policies.
    pub fn is_en_319_411_1(self) -> bool {
        matches!(
            self,
            Self::Ncp
                | Self::NcpPlus
                | Self::Lcp
                | Self::Evcp
                | Self::Dvcp
                | Self::Ovcp
                | Self::Ivcp
        )
    }

    /// Whether the policy requires the key on a QSCD (QCP-n-qscd, QCP-l-qscd).
    pub fn requires_qscd(self) -> bool {
        matches!(self, Self::QcpNQscd | Self::QcpLQscd)
    }
}

/// The certificate policies extension, read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Policies {
    /// Whether the extension is marked critical.
    pub critical: bool,
    /// Each policy identifier, named.
    pub policies: Vec<CertificatePolicy>,
    /// The raw identifiers, in order.
    #[serde(serialize_with = "crate::oids::serialize_oids")]
    pub oids: Vec<ObjectIdentifier>,
}

impl Policies {
    /// Read the certificate's policies, if the extension is present.
    ///
    /// # Errors
    /// [`Error::DuplicateExtension`], [`Error::Der`] when the value does not decode.
    pub fn from_certificate(cert: &Certificate) -> Result<Option<Self>> {
        let Some(ext) = cert.extension_raw(oids::EXT_CERTIFICATE_POLICIES)? else {
            return Ok(None);
        };
        let cp = CertificatePolicies::from_der(ext.extn_value.as_bytes()).map_err(|source| {
            Error::Der {
                what: "certificatePolicies",
                source,
            }
        })?;
        let oids: Vec<_> = cp.0.iter().map(|p| p.policy_identifier).collect();
        Ok(Some(Self {
            critical: ext.critical,
            policies: oids
                .iter()
                .copied()
                .map(CertificatePolicy::from_oid)
                .collect(),
            oids,
        }))
    }

    /// Whether the policy is present.
    pub fn contains(&self, p: CertificatePolicy) -> bool {
        self.policies.contains(&p)
    }
}

/// One key usage bit (RFC 5280 §4.2.1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyUsageBit {
    /// Bit 0.
    DigitalSignature,
    /// Bit 1, formerly nonRepudiation.
    ContentCommitment,
    /// Bit 2.
    KeyEncipherment,
    /// Bit 3.
    DataEncipherment,
    /// Bit 4.
    KeyAgreement,
    /// Bit 5.
    KeyCertSign,
    /// Bit 6.
    CrlSign,
    /// Bit 7.
    EncipherOnly,
    /// Bit 8.
    DecipherOnly,
}

const BITS: [(KeyUsages, KeyUsageBit); 9] = [
    (KeyUsages::DigitalSignature, KeyUsageBit::DigitalSignature),
    (KeyUsages::NonRepudiation, KeyUsageBit::ContentCommitment),
    (KeyUsages::KeyEncipherment, KeyUsageBit::KeyEncipherment),
    (KeyUsages::DataEncipherment, KeyUsageBit::DataEncipherment),
    (KeyUsages::KeyAgreement, KeyUsageBit::KeyAgreement),
    (KeyUsages::KeyCertSign, KeyUsageBit::KeyCertSign),
    (KeyUsages::CRLSign, KeyUsageBit::CrlSign),
    (KeyUsages::EncipherOnly, KeyUsageBit::EncipherOnly),
    (KeyUsages::DecipherOnly, KeyUsageBit::DecipherOnly),
];

/// The key usage extension, read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyUsageSet {
    /// Whether the extension is marked critical.
    pub critical: bool,
    /// The bits set, in bit order.
    pub bits: Vec<KeyUsageBit>,
}

impl KeyUsageSet {
    /// Read the certificate's key usage, if present.
    ///
    /// # Errors
    /// [`Error::DuplicateExtension`], [`Error::Der`] when the value does not decode.
    pub fn from_certificate(cert: &Certificate) -> Result<Option<Self>> {
        let Some(ext) = cert.extension_raw(oids::EXT_KEY_USAGE)? else {
            return Ok(None);
        };
        let ku = KeyUsage::from_der(ext.extn_value.as_bytes()).map_err(|source| Error::Der {
            what: "keyUsage",
            source,
        })?;
        let bits = BITS
            .iter()
            .filter(|(f, _)| ku.0.contains(*f))
            .map(|(_, b)| *b)
            .collect();
        Ok(Some(Self {
            critical: ext.critical,
            bits,
        }))
    }

    /// Whether the bit is set.
    pub fn has(&self, bit: KeyUsageBit) -> bool {
        self.bits.contains(&bit)
    }
}

/// One extended key purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum KeyPurpose {
    /// TLS server authentication.
    ServerAuth,
    /// TLS client authentication.
    ClientAuth,
    /// Code signing.
    CodeSigning,
    /// S/MIME.
    EmailProtection,
    /// RFC 3161 time stamping.
    TimeStamping,
    /// OCSP response signing.
    OcspSigning,
    /// anyExtendedKeyUsage.
    Any,
    /// Microsoft document signing.
    DocumentSigning,
    /// Adobe authentic documents trust.
    AdobeAuthenticDocuments,
    /// Another purpose.
    Other(#[serde(serialize_with = "crate::oids::serialize_oid")] ObjectIdentifier),
}

impl KeyPurpose {
    /// Name the purpose.
    pub fn from_oid(oid: ObjectIdentifier) -> Self {
        match oid {
            o if o == oids::KP_SERVER_AUTH => Self::ServerAuth,
            o if o == oids::KP_CLIENT_AUTH => Self::ClientAuth,
            o if o == oids::KP_CODE_SIGNING => Self::CodeSigning,
            o if o == oids::KP_EMAIL_PROTECTION => Self::EmailProtection,
            o if o == oids::KP_TIME_STAMPING => Self::TimeStamping,
            o if o == oids::KP_OCSP_SIGNING => Self::OcspSigning,
            o if o == oids::KP_ANY => Self::Any,
            o if o == oids::KP_DOCUMENT_SIGNING => Self::DocumentSigning,
            o if o == oids::KP_ADOBE_AUTHENTIC_DOCUMENTS => Self::AdobeAuthenticDocuments,
            o => Self::Other(o),
        }
    }
}

/// The extended key usage extension, read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExtendedKeyUsageSet {
    /// Whether the extension is marked critical.
    pub critical: bool,
    /// The purposes, in order (empty only for a lenient-mode non-DER certificate).
    pub purposes: Vec<KeyPurpose>,
}

impl ExtendedKeyUsageSet {
    /// Read the certificate's extended key usage, if present.
    ///
    /// # Errors
    /// [`Error::DuplicateExtension`], [`Error::Der`] when the value does not decode.
    pub fn from_certificate(cert: &Certificate) -> Result<Option<Self>> {
        let Some(ext) = cert.extension_raw(oids::EXT_EXTENDED_KEY_USAGE)? else {
            return Ok(None);
        };
        let eku =
            ExtendedKeyUsage::from_der(ext.extn_value.as_bytes()).map_err(|source| Error::Der {
                what: "extendedKeyUsage",
                source,
            })?;
        Ok(Some(Self {
            critical: ext.critical,
            purposes: eku.0.into_iter().map(KeyPurpose::from_oid).collect(),
        }))
    }
}
