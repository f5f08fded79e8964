//! Installing a renewed certificate on the token in steps a caller can report one by one:
//! find the private key the certificate certifies ([`SessionPool::key_for_certificate`]),
//! store the certificate next to it under the same `CKA_ID` ([`SessionPool::add_certificate`]),
//! and only then destroy the key's other certificates
//! ([`SessionPool::remove_other_certificates`], which refuses while the new one is not on the
//! token). PKCS#11 v2.40 §4.6.3 (`CKO_CERTIFICATE`, `CKA_ID` linking a certificate to its key).

use cryptoki::object::{Attribute, AttributeType, ObjectClass};
use qes_cert::{Certificate, ParseMode};

use crate::objects::{
    attributes, bytes_of, check_key_matches, create_certificate, find, token_public_key,
};
use crate::pubkey::spki_kind;
use crate::{KeyId, SessionPool, TokenError};

/// What [`SessionPool::add_certificate`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Added {
    /// The certificate was stored as a new object.
    Stored,
    /// The same certificate (byte for byte) was already on the token with that `CKA_ID`;
    /// nothing was written. A repeated installation is therefore harmless.
    AlreadyPresent,
}

/// A certificate object [`SessionPool::remove_other_certificates`] destroyed.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RemovedCertificate {
    /// Its `CKA_LABEL` (lossy UTF-8).
    pub label: String,
    /// The certificate, when its `CKA_VALUE` parsed.
    pub certificate: Option<Box<Certificate>>,
}

fn certificate_template(id: &KeyId) -> Vec<Attribute> {
    vec![
        Attribute::Class(ObjectClass::CERTIFICATE),
        Attribute::Id(id.as_bytes().to_vec()),
    ]
}

impl SessionPool {
    /// The `CKA_ID` of the private key whose public key is `certificate`'s.
    ///
    /// With `id`, only that key is checked. Without, every private key on the token is
    /// compared (through its public key object, or an RSA key's public attributes); keys whose
    /// public half the token does not reveal cannot be compared and are counted in the error.
    ///
    /// # Errors
    /// With `id`: [`TokenError::KeyNotFound`], [`TokenError::CertificateKeyMismatch`].
    /// Without: [`TokenError::NoKeyForCertificate`], [`TokenError::AmbiguousKey`] (several
    /// keys with the same public key). Always [`TokenError::PublicKey`] for an unsupported
    /// certificate key and [`TokenError::Pkcs11`].
    pub fn key_for_certificate(
        &self,
        certificate: &Certificate,
        id: Option<&KeyId>,
    ) -> Result<KeyId, TokenError> {
        self.with_session(|session| {
            if let Some(id) = id {
                check_key_matches(session, certificate, id)?;
                return Ok(id.clone());
            }
            let wanted = spki_kind(&certificate.x509().tbs_certificate.subject_public_key_info)?;
            let mut matching: Vec<KeyId> = Vec::new();
            let mut unreadable = 0usize;
            for handle in find(session, &[Attribute::Class(ObjectClass::PRIVATE_KEY)])? {
                let attrs = attributes(session, handle, &[AttributeType::Id])?;
                let Some(key_id) = bytes_of(&attrs, AttributeType::Id)
                    .and_then(|bytes| KeyId::new(bytes.to_vec()).ok())
                else {
                    continue;
                };
                match token_public_key(session, &key_id) {
                    Ok(Some(key)) if key == wanted => matching.push(key_id),
                    Ok(_) => {}
                    Err(TokenError::PublicKey { .. }) => unreadable += 1,
                    Err(other) => return Err(other),
                }
            }
            matching.sort();
            matching.dedup();
            match matching.len() {
                0 => Err(TokenError::NoKeyForCertificate { unreadable }),
                1 => matching
                    .pop()
                    .ok_or(TokenError::NoKeyForCertificate { unreadable }),
                _ => Err(TokenError::AmbiguousKey { ids: matching }),
            }
        })
    }

    /// Store `certificate` next to its private key `id` (same `CKA_ID`, label `label`), even
    /// when older certificates of that key are on the token: the first half of a renewal.
    /// The key match is checked again in the same session before anything is written.
    ///
    /// # Errors
    /// [`TokenError::KeyNotFound`], [`TokenError::CertificateKeyMismatch`],
    /// [`TokenError::Pkcs11`] (e.g. `C_CreateObject` on a full token).
    pub fn add_certificate(
        &self,
        certificate: &Certificate,
        id: &KeyId,
        label: &str,
    ) -> Result<Added, TokenError> {
        self.with_session(|session| {
            check_key_matches(session, certificate, id)?;
            let mut same = certificate_template(id);
            same.push(Attribute::Value(certificate.der().to_vec()));
            if !find(session, &same)?.is_empty() {
                return Ok(Added::AlreadyPresent);
            }
            create_certificate(session, certificate, Some(id), label)?;
            Ok(Added::Stored)
        })
    }

    /// Destroy every certificate with `CKA_ID` `id` except `keep`: the second half of a
    /// renewal. Refuses to destroy anything unless `keep` itself is on the token with that
    /// `CKA_ID`, so a key is never left without a certificate. Returns what was destroyed,
    /// in the token's order.
    ///
    /// # Errors
    /// [`TokenError::CertificateNotStored`] when `keep` is not on the token under `id`;
    /// [`TokenError::Pkcs11`] (`C_DestroyObject`): the objects destroyed before the failure
    /// stay destroyed, `keep` stays.
    pub fn remove_other_certificates(
        &self,
        id: &KeyId,
        keep: &Certificate,
    ) -> Result<Vec<RemovedCertificate>, TokenError> {
        self.with_session(|session| {
            let mut kept = certificate_template(id);
            kept.push(Attribute::Value(keep.der().to_vec()));
            let kept = find(session, &kept)?;
            if kept.is_empty() {
                return Err(TokenError::CertificateNotStored { id: id.clone() });
            }
            let mut removed = Vec::new();
            for handle in find(session, &certificate_template(id))? {
                if kept.contains(&handle) {
                    continue;
                }
                let attrs = attributes(
                    session,
                    handle,
                    &[AttributeType::Label, AttributeType::Value],
                )?;
                let certificate = bytes_of(&attrs, AttributeType::Value)
                    .and_then(|der| Certificate::from_der(der, ParseMode::Lenient).ok())
                    .map(Box::new);
                let label = bytes_of(&attrs, AttributeType::Label)
                    .map(|l| String::from_utf8_lossy(l).into_owned())
                    .unwrap_or_default();
                session
                    .destroy_object(handle)
                    .map_err(TokenError::pkcs11("C_DestroyObject"))?;
                removed.push(RemovedCertificate { label, certificate });
            }
            Ok(removed)
        })
    }
}
