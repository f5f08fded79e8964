//! The trust list: document signer certificates (DSC) by key identifier.
//!
//! HCERT §3.3.1: `kid` is the first 8 bytes of the SHA-256 of the DSC's DER encoding. Several
//! certificates may share a `kid`; the verifier tries each. A DSC's extended key usage, when it
//! carries any of the DCC purposes, restricts the certificate types it may sign:
//!
//! ```text
//! 1.3.6.1.4.1.1847.2021.1.1   test        (also seen as 1.3.6.1.4.1.0.1847.2021.1.1)
//! 1.3.6.1.4.1.1847.2021.1.2   vaccination (also seen as 1.3.6.1.4.1.0.1847.2021.1.2)
//! 1.3.6.1.4.1.1847.2021.1.3   recovery    (also seen as 1.3.6.1.4.1.0.1847.2021.1.3)
//! ```

use base64ct::{Base64, Encoding};
use const_oid::ObjectIdentifier;
use qes_cert::{parse_any, Certificate, ExtendedKeyUsageSet, KeyPurpose, ParseMode};
use sha2::{Digest, Sha256};
use std::sync::Arc;

use crate::error::{DccError, Result};
use crate::payload::CertificateType;

/// DCC extended key usage OIDs and the type each allows, in both the registered and the
/// mistyped (`.4.1.0.1847`) form found in deployed DSCs.
pub const DCC_KEY_USAGES: [(ObjectIdentifier, CertificateType); 6] = [
    (
        ObjectIdentifier::new_unwrap("1.3.6.1.4.1.1847.2021.1.1"),
        CertificateType::Test,
    ),
    (
        ObjectIdentifier::new_unwrap("1.3.6.1.4.1.1847.2021.1.2"),
        CertificateType::Vaccination,
    ),
    (
        ObjectIdentifier::new_unwrap("1.3.6.1.4.1.1847.2021.1.3"),
        CertificateType::Recovery,
    ),
    (
        ObjectIdentifier::new_unwrap("1.3.6.1.4.1.0.1847.2021.1.1"),
        CertificateType::Test,
    ),
    (
        ObjectIdentifier::new_unwrap("1.3.6.1.4.1.0.1847.2021.1.2"),
        CertificateType::Vaccination,
    ),
    (
        ObjectIdentifier::new_unwrap("1.3.6.1.4.1.0.1847.2021.1.3"),
        CertificateType::Recovery,
    ),
];

/// Largest trust-list input accepted.
pub const MAX_TRUST_LIST_LEN: usize = 16 * 1024 * 1024;

/// The `kid` of a DSC: the first 8 bytes of SHA-256 over its DER.
pub fn kid_of(der: &[u8]) -> [u8; 8] {
    let digest = Sha256::digest(der);
    let mut kid = [0u8; 8];
    kid.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
    kid
}

/// One trusted document signer certificate.
#[derive(Clone, Debug)]
pub struct Dsc {
    kid: Vec<u8>,
    certificate: Arc<Certificate>,
    dcc_usages: Vec<ObjectIdentifier>,
}

impl Dsc {
    /// A DSC under its computed `kid`.
    ///
    /// # Errors
    /// [`DccError::TrustList`] when its extended key usage does not decode.
    pub fn new(certificate: Certificate) -> Result<Self> {
        let kid = kid_of(certificate.der()).to_vec();
        Self::with_kid(kid, certificate)
    }

    /// A DSC under a given `kid` (as a trust list states it).
    ///
    /// # Errors
    /// [`DccError::TrustList`] when its extended key usage does not decode.
    pub fn with_kid(kid: Vec<u8>, certificate: Certificate) -> Result<Self> {
        let eku = ExtendedKeyUsageSet::from_certificate(&certificate)
            .map_err(|e| DccError::TrustList(format!("extended key usage: {e}")))?;
        let dcc_usages = eku
            .map(|e| {
                e.purposes
                    .into_iter()
                    .filter_map(|p| match p {
                        KeyPurpose::Other(oid) => Some(oid),
                        _ => None,
                    })
                    .filter(|oid| DCC_KEY_USAGES.iter().any(|(o, _)| o == oid))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            kid,
            certificate: Arc::new(certificate),
            dcc_usages,
        })
    }

    /// The key identifier.
    pub fn kid(&self) -> &[u8] {
        &self.kid
    }

    /// The certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    pub(crate) fn shared_certificate(&self) -> Arc<Certificate> {
        Arc::clone(&self.certificate)
    }

    /// The DCC key usage OIDs it carries (empty: no restriction).
    pub fn dcc_usages(&self) -> &[ObjectIdentifier] {
        &self.dcc_usages
    }

    /// Whether it may sign certificates of `kind`: yes without any DCC key usage, else only
    /// when one of its DCC key usages names `kind`.
    pub fn allows(&self, kind: CertificateType) -> bool {
        self.dcc_usages.is_empty()
            || DCC_KEY_USAGES
                .iter()
                .any(|(oid, t)| *t == kind && self.dcc_usages.contains(oid))
    }
}

/// The DSCs a verifier trusts.
#[derive(Clone, Debug, Default)]
pub struct TrustList {
    dscs: Vec<Dsc>,
}

impl TrustList {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one DSC.
    pub fn push(&mut self, dsc: Dsc) {
        self.dscs.push(dsc);
    }

    /// Add certificates under their computed `kid`s.
    ///
    /// # Errors
    /// As [`Dsc::new`].
    pub fn add_certificates(&mut self, certs: impl IntoIterator<Item = Certificate>) -> Result<()> {
        for c in certs {
            self.push(Dsc::new(c)?);
        }
        Ok(())
    }

    /// Read DSCs from DER, PEM (one or a bundle) or `.p7b` bytes; certificates are parsed
    /// leniently (deployed DSCs carry explicit `cA = FALSE` or empty sequences).
    ///
    /// # Errors
    /// [`DccError::TrustList`] when nothing parses.
    pub fn add_certificate_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        let certs =
            parse_any(bytes, ParseMode::Lenient).map_err(|e| DccError::TrustList(e.to_string()))?;
        self.add_certificates(certs)
    }

    /// Read a JSON trust list: either an object `{ "<kid base64>": ["<DER base64>", ...] }`
    /// (a single string is accepted for the array), or an array of objects
    /// `{ "kid": "<base64>", "rawData" | "certificate": "<DER base64>" }` (the gateway's
    /// `trustList/DSC` form). The stated `kid` is used as given.
    ///
    /// # Errors
    /// [`DccError::TrustList`] for malformed JSON, Base64 or certificates,
    /// [`DccError::TooLarge`] above [`MAX_TRUST_LIST_LEN`].
    pub fn add_json(&mut self, bytes: &[u8]) -> Result<()> {
        if bytes.len() > MAX_TRUST_LIST_LEN {
            return Err(DccError::TooLarge {
                what: "trust list",
                actual: bytes.len(),
                limit: MAX_TRUST_LIST_LEN,
            });
        }
        let json: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| DccError::TrustList(e.to_string()))?;
        let b64 = |s: &str| {
            Base64::decode_vec(s.trim()).map_err(|_| DccError::TrustList("invalid Base64".into()))
        };
        let cert = |der: Vec<u8>| {
            Certificate::from_der(&der, ParseMode::Lenient)
                .map_err(|e| DccError::TrustList(e.to_string()))
        };
        match json {
            serde_json::Value::Object(map) => {
                for (kid, certs) in map {
                    let kid = b64(&kid)?;
                    let list = match certs {
                        serde_json::Value::String(s) => vec![s],
                        serde_json::Value::Array(a) => a
                            .into_iter()
                            .map(|v| match v {
                                serde_json::Value::String(s) => Ok(s),
                                _ => Err(DccError::TrustList("certificate is not a string".into())),
                            })
                            .collect::<Result<_>>()?,
                        _ => {
                            return Err(DccError::TrustList(
                                "kid maps to neither string nor array".into(),
                            ))
                        }
                    };
                    for c in list {
                        self.push(Dsc::with_kid(kid.clone(), cert(b64(&c)?)?)?);
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    let kid = item.get("kid").and_then(|k| k.as_str());
                    let der = item
                        .get("rawData")
                        .or_else(|| item.get("certificate"))
                        .and_then(|k| k.as_str())
                        .ok_or_else(|| DccError::TrustList("entry without rawData".into()))?;
                    let c = cert(b64(der)?)?;
                    let dsc = match kid {
                        Some(k) => Dsc::with_kid(b64(k)?, c)?,
                        None => Dsc::new(c)?,
                    };
                    self.push(dsc);
                }
            }
            _ => return Err(DccError::TrustList("neither an object nor an array".into())),
        }
        Ok(())
    }

    /// Every DSC with this `kid`, in insertion order.
    pub fn candidates<'a>(&'a self, kid: &'a [u8]) -> impl Iterator<Item = &'a Dsc> + 'a {
        self.dscs.iter().filter(move |d| d.kid == kid)
    }

    /// Number of DSCs.
    pub fn len(&self) -> usize {
        self.dscs.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.dscs.is_empty()
    }

    /// Every DSC.
    pub fn iter(&self) -> impl Iterator<Item = &Dsc> {
        self.dscs.iter()
    }
}
