//! PKCS#10 certification requests (RFC 2986): building one signed by the key it certifies
//! (the proof of possession, §3), and parsing and verifying one received.
//!
//! The signature covers the `CertificationRequestInfo` bytes exactly as they were sent (the
//! verifier slices them out of the input, never re-encodes them). Requested extensions travel
//! in the PKCS#9 `extensionRequest` attribute (RFC 2985 §5.4.2).

use std::str::FromStr;

use const_oid::db::rfc5912;
use const_oid::ObjectIdentifier;
use der::asn1::{BitString, Ia5String, SetOfVec};
use der::{Decode, Encode, Reader, SliceReader};
use qes_cert::{verify_signature, AlgorithmPolicy, Certificate};
use qes_signer::{KeySigner, SignatureAlgorithm};
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{KeyUsage, SubjectAltName};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::request::{CertReq, CertReqInfo, ExtensionReq, Version};

use crate::error::CsrError;

/// The largest request [`CertificationRequest::from_der`] accepts (64 KiB: an RSA-8192 key
/// with a long subject and every extension is under 4 KiB).
pub const MAX_CSR_LEN: usize = 64 * 1024;

/// PKCS#9 `extensionRequest` (RFC 2985 §5.4.2).
pub const OID_EXTENSION_REQUEST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.14");

/// PKCS#9 `challengePassword` (RFC 2985 §5.4.1).
pub const OID_CHALLENGE_PASSWORD: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.7");

/// Builds a PKCS#10 request: subject, requested extensions, and the key's signature.
///
/// ```
/// use qes_renewal::CsrBuilder;
/// use qes_signer::{KeyKind, Curve, SoftwareKey};
///
/// let (key, _pkcs8) = SoftwareKey::generate(KeyKind::Ec(Curve::P256)).unwrap();
/// let csr = CsrBuilder::from_subject_str("CN=Mihai Ionescu,C=RO")
///     .unwrap()
///     .sign(&key)
///     .unwrap();
/// csr.verify().unwrap();
/// assert!(csr.to_pem().starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
/// ```
#[derive(Clone, Debug)]
pub struct CsrBuilder {
    subject: Name,
    key_usage: Option<KeyUsage>,
    emails: Vec<String>,
    algorithm: Option<SignatureAlgorithm>,
}

impl CsrBuilder {
    /// A request for `subject`.
    pub fn new(subject: Name) -> Self {
        Self {
            subject,
            key_usage: None,
            emails: Vec::new(),
            algorithm: None,
        }
    }

    /// A request for the subject written as an RFC 4514 string, e.g.
    /// `CN=Mihai Ionescu,serialNumber=PNORO-1800101221144,C=RO`.
    ///
    /// # Errors
    /// [`CsrError::Subject`] when the string does not parse.
    ///
    /// Besides the names RFC 4514 and RFC 4519 define, `organizationIdentifier` (X.520
    /// 2.5.4.97, the `VATRO-…` of ETSI EN 319 412-1 §5.1.4) is understood.
    pub fn from_subject_str(subject: &str) -> Result<Self, CsrError> {
        let name =
            Name::from_str(&with_dotted_names(subject)).map_err(|source| CsrError::Subject {
                subject: subject.to_owned(),
                source,
            })?;
        Ok(Self::new(name))
    }

    /// A re-key request for the holder of `current`: the same subject, and the key usage and
    /// e-mail addresses the current certificate carries.
    pub fn rekey(current: &Certificate) -> Self {
        let mut builder = Self::new(current.subject().clone());
        if let Ok(Some((_, usage))) = current.extension::<KeyUsage>() {
            builder.key_usage = Some(usage);
        }
        if let Ok(Some((_, san))) = current.extension::<SubjectAltName>() {
            builder.emails = san
                .0
                .iter()
                .filter_map(|name| match name {
                    GeneralName::Rfc822Name(mail) => Some(mail.to_string()),
                    _ => None,
                })
                .collect();
        }
        builder
    }

    /// Ask for this key usage (a critical extension). Qualified signature certificates use
    /// `nonRepudiation` (ETSI EN 319 412-2 §4.3.2).
    #[must_use]
    pub fn key_usage(mut self, usage: KeyUsage) -> Self {
        self.key_usage = Some(usage);
        self
    }

    /// Ask for an `rfc822Name` subject alternative name.
    #[must_use]
    pub fn email(mut self, address: impl Into<String>) -> Self {
        self.emails.push(address.into());
        self
    }

    /// Sign with this algorithm instead of the key kind's default.
    #[must_use]
    pub fn algorithm(mut self, algorithm: SignatureAlgorithm) -> Self {
        self.algorithm = Some(algorithm);
        self
    }

    fn extensions(&self) -> Result<Vec<Extension>, CsrError> {
        let mut extensions = Vec::new();
        if let Some(usage) = self.key_usage {
            extensions.push(Extension {
                extn_id: rfc5912::ID_CE_KEY_USAGE,
                critical: true,
                extn_value: der::asn1::OctetString::new(usage.to_der().map_err(CsrError::Encode)?)
                    .map_err(CsrError::Encode)?,
            });
        }
        if !self.emails.is_empty() {
            let names = self
                .emails
                .iter()
                .map(|mail| {
                    Ia5String::new(mail)
                        .map(GeneralName::Rfc822Name)
                        .map_err(CsrError::Encode)
                })
                .collect::<Result<Vec<_>, _>>()?;
            extensions.push(Extension {
                extn_id: rfc5912::ID_CE_SUBJECT_ALT_NAME,
                critical: false,
                extn_value: der::asn1::OctetString::new(
                    SubjectAltName(names).to_der().map_err(CsrError::Encode)?,
                )
                .map_err(CsrError::Encode)?,
            });
        }
        Ok(extensions)
    }

    /// Build the request and sign it with `key` (the proof of possession, RFC 2986 §3).
    ///
    /// # Errors
    /// [`CsrError::EmptySubject`], [`CsrError::Encode`], or [`CsrError::Sign`] when the key
    /// cannot make the algorithm or its backend fails.
    pub fn sign(&self, key: &dyn KeySigner) -> Result<CertificationRequest, CsrError> {
        if self.subject.0.is_empty() {
            return Err(CsrError::EmptySubject);
        }
        let algorithm = self
            .algorithm
            .unwrap_or_else(|| key.key_signer_kind().default_algorithm());
        let extensions = self.extensions()?;
        let mut attributes = SetOfVec::new();
        if !extensions.is_empty() {
            let attribute =
                Attribute::try_from(ExtensionReq(extensions)).map_err(CsrError::Encode)?;
            attributes.insert(attribute).map_err(CsrError::Encode)?;
        }
        let info = CertReqInfo {
            version: Version::V1,
            subject: self.subject.clone(),
            public_key: key.public_key_info().clone(),
            attributes,
        };
        let info_der = info.to_der().map_err(CsrError::Encode)?;
        let signature = key.sign_with_key(algorithm, &info_der)?;
        let request = CertReq {
            info,
            algorithm: algorithm.algorithm_identifier()?,
            signature: BitString::from_bytes(&signature).map_err(CsrError::Encode)?,
        };
        let der = request.to_der().map_err(CsrError::Encode)?;
        CertificationRequest::from_der(&der)
    }
}

/// Attribute type names the RFC 4514 parser does not know, rewritten to their dotted OIDs.
const EXTRA_NAMES: [(&str, &str); 1] = [("organizationidentifier", "2.5.4.97")];

/// `subject` with each RDN attribute type in [`EXTRA_NAMES`] replaced by its dotted OID.
fn with_dotted_names(subject: &str) -> String {
    let mut out = String::with_capacity(subject.len());
    let mut at_type = true;
    let mut escaped = false;
    let mut start = 0;
    for (i, c) in subject.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '=' if at_type => {
                let name = subject.get(start..i).unwrap_or_default();
                let trimmed = name.trim().to_ascii_lowercase();
                match EXTRA_NAMES.iter().find(|(n, _)| *n == trimmed) {
                    Some((_, oid)) => out.push_str(oid),
                    None => out.push_str(name),
                }
                out.push('=');
                at_type = false;
                start = i + 1;
            }
            ',' | '+' if !at_type => {
                out.push_str(subject.get(start..=i).unwrap_or_default());
                at_type = true;
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push_str(subject.get(start..).unwrap_or_default());
    out
}

/// One extension asked for in `extensionRequest`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestedExtension {
    /// The extension's OID.
    pub oid: ObjectIdentifier,
    /// Whether it is asked for as critical.
    pub critical: bool,
    /// The DER `extnValue` contents.
    pub value: Vec<u8>,
}

/// A parsed PKCS#10 request (RFC 2986 §4), as built or as received.
///
/// Parsing checks the structure (strict DER, version v1, `extensionRequest` at most once
/// with one value and no repeated extension); [`CertificationRequest::verify`] checks the
/// proof of possession.
#[derive(Clone, Debug)]
pub struct CertificationRequest {
    der: Vec<u8>,
    info_range: std::ops::Range<usize>,
    request: CertReq,
    extensions: Vec<RequestedExtension>,
    other_attributes: Vec<ObjectIdentifier>,
}

impl CertificationRequest {
    /// Parse a DER request.
    ///
    /// # Errors
    /// [`CsrError::TooLarge`], [`CsrError::Malformed`], [`CsrError::Version`],
    /// [`CsrError::AttributeCardinality`] or [`CsrError::DuplicateExtension`].
    pub fn from_der(der: &[u8]) -> Result<Self, CsrError> {
        if der.len() > MAX_CSR_LEN {
            return Err(CsrError::TooLarge {
                len: der.len(),
                limit: MAX_CSR_LEN,
            });
        }
        let malformed = |e: der::Error| CsrError::Malformed(e.to_string());
        let request = CertReq::from_der(der).map_err(malformed)?;
        let info_range = info_range(der).map_err(malformed)?;
        if request.info.version != Version::V1 {
            // x509-cert decodes only v1; kept for a future decoder that accepts more.
            return Err(CsrError::Version(1));
        }
        let mut extensions = Vec::new();
        let mut other_attributes = Vec::new();
        let mut seen_extension_request = false;
        for attribute in request.info.attributes.iter() {
            if attribute.oid != OID_EXTENSION_REQUEST {
                other_attributes.push(attribute.oid);
                continue;
            }
            let only_value = attribute.values.len() == 1;
            if seen_extension_request || !only_value {
                return Err(CsrError::AttributeCardinality { oid: attribute.oid });
            }
            seen_extension_request = true;
            for value in attribute.values.iter() {
                let requested: ExtensionReq = value.decode_as().map_err(malformed)?;
                for extension in requested.0 {
                    if extensions
                        .iter()
                        .any(|e: &RequestedExtension| e.oid == extension.extn_id)
                    {
                        return Err(CsrError::DuplicateExtension {
                            oid: extension.extn_id,
                        });
                    }
                    extensions.push(RequestedExtension {
                        oid: extension.extn_id,
                        critical: extension.critical,
                        value: extension.extn_value.into_bytes(),
                    });
                }
            }
        }
        Ok(Self {
            der: der.to_vec(),
            info_range,
            request,
            extensions,
            other_attributes,
        })
    }

    /// Parse a PEM `CERTIFICATE REQUEST` block (RFC 7468 §7; `NEW CERTIFICATE REQUEST` as
    /// older tools write it is accepted too).
    ///
    /// # Errors
    /// [`CsrError::Malformed`] for bad PEM or another label; otherwise as
    /// [`CertificationRequest::from_der`].
    pub fn from_pem(pem: &str) -> Result<Self, CsrError> {
        if pem.len() > MAX_CSR_LEN.saturating_mul(2) {
            return Err(CsrError::TooLarge {
                len: pem.len(),
                limit: MAX_CSR_LEN.saturating_mul(2),
            });
        }
        let (label, der) = pem_rfc7468::decode_vec(pem.trim().as_bytes())
            .map_err(|e| CsrError::Malformed(e.to_string()))?;
        if label != "CERTIFICATE REQUEST" && label != "NEW CERTIFICATE REQUEST" {
            return Err(CsrError::Malformed(format!(
                "PEM label {label:?}, expected CERTIFICATE REQUEST"
            )));
        }
        Self::from_der(&der)
    }

    /// Verify the proof of possession: the signature over the `CertificationRequestInfo`
    /// bytes as received, with the request's own public key, under the default
    /// [`AlgorithmPolicy`] (no SHA-1, RSA ≥ 2048 bits).
    ///
    /// # Errors
    /// [`CsrError::Signature`] naming why it does not verify.
    pub fn verify(&self) -> Result<(), CsrError> {
        self.verify_with(&AlgorithmPolicy::default())
    }

    /// As [`CertificationRequest::verify`], under `policy`.
    ///
    /// # Errors
    /// As [`CertificationRequest::verify`].
    pub fn verify_with(&self, policy: &AlgorithmPolicy) -> Result<(), CsrError> {
        let info = self.der.get(self.info_range.clone()).unwrap_or_default();
        let signature = self.request.signature.as_bytes().ok_or_else(|| {
            CsrError::Malformed("the signature BIT STRING has unused bits".into())
        })?;
        verify_signature(
            &self.request.algorithm,
            &self.request.info.public_key,
            info,
            signature,
            policy,
        )?;
        Ok(())
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The PEM encoding (`CERTIFICATE REQUEST`, 64-column lines, LF).
    pub fn to_pem(&self) -> String {
        pem_rfc7468::encode_string(
            "CERTIFICATE REQUEST",
            pem_rfc7468::LineEnding::LF,
            &self.der,
        )
        .unwrap_or_default()
    }

    /// The subject asked for.
    pub fn subject(&self) -> &Name {
        &self.request.info.subject
    }

    /// The public key to be certified.
    pub fn public_key(&self) -> &SubjectPublicKeyInfoOwned {
        &self.request.info.public_key
    }

    /// The signature algorithm of the proof of possession.
    pub fn signature_algorithm(&self) -> &spki::AlgorithmIdentifierOwned {
        &self.request.algorithm
    }

    /// The extensions asked for in `extensionRequest`, in request order.
    pub fn requested_extensions(&self) -> &[RequestedExtension] {
        &self.extensions
    }

    /// The key usage asked for, if any.
    pub fn requested_key_usage(&self) -> Option<KeyUsage> {
        self.extensions
            .iter()
            .find(|e| e.oid == rfc5912::ID_CE_KEY_USAGE)
            .and_then(|e| KeyUsage::from_der(&e.value).ok())
    }

    /// Attribute types other than `extensionRequest` (e.g. `challengePassword`), for the
    /// caller's policy to accept or refuse.
    pub fn other_attributes(&self) -> &[ObjectIdentifier] {
        &self.other_attributes
    }
}

/// The byte range of `certificationRequestInfo` inside the DER `CertificationRequest`.
fn info_range(der: &[u8]) -> der::Result<std::ops::Range<usize>> {
    let mut outer = SliceReader::new(der)?;
    let header = der::Header::decode(&mut outer)?;
    header.tag.assert_eq(der::Tag::Sequence)?;
    let start = usize::try_from(outer.position())?;
    let info = outer.tlv_bytes()?;
    Ok(start..start.saturating_add(info.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_identifier_is_understood_and_escapes_respected() {
        assert_eq!(
            with_dotted_names("CN=Firma SRL, organizationIdentifier=VATRO-1,C=RO"),
            "CN=Firma SRL,2.5.4.97=VATRO-1,C=RO"
        );
        assert_eq!(
            with_dotted_names(r"CN=a\,organizationIdentifier=x+O=y"),
            r"CN=a\,organizationIdentifier=x+O=y"
        );
        let builder = CsrBuilder::from_subject_str("organizationIdentifier=VATRO-1,C=RO");
        let name = builder.map(|b| b.subject).unwrap_or_default();
        let oids: Vec<String> = name
            .0
            .iter()
            .flat_map(|rdn| rdn.0.iter().map(|atv| atv.oid.to_string()))
            .collect();
        assert!(oids.contains(&"2.5.4.97".to_owned()), "{oids:?}");
    }
}
