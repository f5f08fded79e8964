//! Objects on a token, linked by `CKA_ID`: listing certificates and keys, generating a key
//! pair on the token (PKCS#11 v2.40 §2.1.4 `CKM_RSA_PKCS_KEY_PAIR_GEN`, §2.3.5
//! `CKM_EC_KEY_PAIR_GEN`), importing an X.509 certificate next to its key
//! (`CKO_CERTIFICATE`/`CKC_X_509`, PKCS#11 v2.40 §4.6.3) and replacing an old one.

use cryptoki::mechanism::Mechanism;
use cryptoki::object::{
    Attribute, AttributeType, CertificateType, KeyType, ObjectClass, ObjectHandle,
};
use cryptoki::session::Session;
use der::Encode;
use qes_cert::{Certificate, ParseMode};
use qes_signer::{Curve, KeyKind};

use crate::pubkey::{curve_from_params, curve_params, ec_public_key, rsa_public_key, spki_kind};
use crate::{KeyId, SessionPool, Token, TokenError, TokenPublicKey};

/// The most objects read from one token (against a hostile or broken module).
pub const MAX_OBJECTS: usize = 4096;

/// What an object on the token is.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ObjectKind {
    /// An X.509 certificate.
    Certificate(Box<Certificate>),
    /// A private key (visible only after login) of this kind, if the token tells.
    PrivateKey(Option<KeyKind>),
    /// A public key.
    PublicKey(Box<TokenPublicKey>),
}

/// One object on a token.
#[derive(Clone, Debug)]
pub struct TokenObject {
    /// `CKA_ID`, if set and well-formed.
    pub id: Option<KeyId>,
    /// `CKA_LABEL` (lossy UTF-8).
    pub label: String,
    /// The object.
    pub kind: ObjectKind,
}

/// Key pairs [`SessionPool::generate_key_pair`] makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeySpec {
    /// RSA 2048 bits, e = 65537.
    Rsa2048,
    /// RSA 3072 bits, e = 65537.
    Rsa3072,
    /// ECDSA on NIST P-256.
    P256,
    /// ECDSA on NIST P-384.
    P384,
}

impl KeySpec {
    /// Every spec.
    pub const ALL: [KeySpec; 4] = [Self::Rsa2048, Self::Rsa3072, Self::P256, Self::P384];

    /// The key kind generated.
    pub const fn kind(self) -> KeyKind {
        match self {
            Self::Rsa2048 => KeyKind::Rsa { bits: 2048 },
            Self::Rsa3072 => KeyKind::Rsa { bits: 3072 },
            Self::P256 => KeyKind::Ec(Curve::P256),
            Self::P384 => KeyKind::Ec(Curve::P384),
        }
    }

    /// `rsa2048`, `rsa3072`, `p256`, `p384`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Rsa2048 => "rsa2048",
            Self::Rsa3072 => "rsa3072",
            Self::P256 => "p256",
            Self::P384 => "p384",
        }
    }
}

impl std::str::FromStr for KeySpec {
    type Err = TokenError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s))
            .ok_or(TokenError::PublicKey {
                reason: "key spec must be rsa2048, rsa3072, p256 or p384",
            })
    }
}

/// What to do with the old key when [`SessionPool::replace_certificate`] removes the old
/// certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OldKey {
    /// Keep the old key pair (e.g. to decrypt old mail).
    Keep,
    /// Destroy the old private and public key too.
    Destroy,
}

pub(crate) fn find(
    session: &Session,
    template: &[Attribute],
) -> Result<Vec<ObjectHandle>, TokenError> {
    let mut found = Vec::new();
    for handle in session
        .iter_objects(template)
        .map_err(TokenError::pkcs11("C_FindObjectsInit"))?
    {
        found.push(handle.map_err(TokenError::pkcs11("C_FindObjects"))?);
        if found.len() >= MAX_OBJECTS {
            break;
        }
    }
    Ok(found)
}

pub(crate) fn attributes(
    session: &Session,
    handle: ObjectHandle,
    types: &[AttributeType],
) -> Result<Vec<Attribute>, TokenError> {
    session
        .get_attributes(handle, types)
        .map_err(TokenError::pkcs11("C_GetAttributeValue"))
}

pub(crate) fn bytes_of(attrs: &[Attribute], wanted: AttributeType) -> Option<&[u8]> {
    attrs.iter().find_map(|a| match (a, wanted) {
        (Attribute::Id(v), AttributeType::Id)
        | (Attribute::Label(v), AttributeType::Label)
        | (Attribute::Value(v), AttributeType::Value)
        | (Attribute::Modulus(v), AttributeType::Modulus)
        | (Attribute::PublicExponent(v), AttributeType::PublicExponent)
        | (Attribute::EcParams(v), AttributeType::EcParams)
        | (Attribute::EcPoint(v), AttributeType::EcPoint) => Some(v.as_slice()),
        _ => None,
    })
}

fn key_type_of(attrs: &[Attribute]) -> Option<KeyType> {
    attrs.iter().find_map(|a| match a {
        Attribute::KeyType(k) => Some(*k),
        _ => None,
    })
}

/// Read the public key a key object's attributes describe.
fn public_key(attrs: &[Attribute]) -> Option<Result<TokenPublicKey, TokenError>> {
    match key_type_of(attrs)? {
        KeyType::RSA => Some(rsa_public_key(
            bytes_of(attrs, AttributeType::Modulus)?,
            bytes_of(attrs, AttributeType::PublicExponent)?,
        )),
        KeyType::EC => Some(ec_public_key(
            bytes_of(attrs, AttributeType::EcParams)?,
            bytes_of(attrs, AttributeType::EcPoint)?,
        )),
        _ => None,
    }
}

fn private_kind(attrs: &[Attribute]) -> Option<KeyKind> {
    match key_type_of(attrs)? {
        KeyType::RSA => {
            let modulus = bytes_of(attrs, AttributeType::Modulus)?;
            let exponent = bytes_of(attrs, AttributeType::PublicExponent)?;
            rsa_public_key(modulus, exponent).ok().map(|k| k.kind)
        }
        KeyType::EC => curve_from_params(bytes_of(attrs, AttributeType::EcParams)?)
            .ok()
            .map(KeyKind::Ec),
        _ => None,
    }
}

/// Every certificate and key object `session` can see (private keys only when logged in),
/// at most [`MAX_OBJECTS`]. Objects whose attributes are malformed are skipped, not fatal:
/// one broken object must not make the others unusable.
pub(crate) fn list(session: &Session) -> Result<Vec<TokenObject>, TokenError> {
    let mut objects = Vec::new();
    let common = [AttributeType::Id, AttributeType::Label];
    for handle in find(session, &[Attribute::Class(ObjectClass::CERTIFICATE)])? {
        let attrs = attributes(
            session,
            handle,
            &[
                AttributeType::Id,
                AttributeType::Label,
                AttributeType::Value,
            ],
        )?;
        let Some(Ok(cert)) = bytes_of(&attrs, AttributeType::Value)
            .map(|der| Certificate::from_der(der, ParseMode::Lenient))
        else {
            continue;
        };
        objects.push(object(&attrs, ObjectKind::Certificate(Box::new(cert))));
    }
    let key_attrs = [
        AttributeType::KeyType,
        AttributeType::Modulus,
        AttributeType::PublicExponent,
        AttributeType::EcParams,
    ];
    for handle in find(session, &[Attribute::Class(ObjectClass::PRIVATE_KEY)])? {
        let types: Vec<AttributeType> = common.iter().chain(key_attrs.iter()).copied().collect();
        let attrs = attributes(session, handle, &types)?;
        let kind = private_kind(&attrs);
        objects.push(object(&attrs, ObjectKind::PrivateKey(kind)));
    }
    for handle in find(session, &[Attribute::Class(ObjectClass::PUBLIC_KEY)])? {
        let types: Vec<AttributeType> = common
            .iter()
            .chain(key_attrs.iter())
            .chain([AttributeType::EcPoint].iter())
            .copied()
            .collect();
        let attrs = attributes(session, handle, &types)?;
        if let Some(Ok(key)) = public_key(&attrs) {
            objects.push(object(&attrs, ObjectKind::PublicKey(Box::new(key))));
        }
    }
    Ok(objects)
}

fn object(attrs: &[Attribute], kind: ObjectKind) -> TokenObject {
    TokenObject {
        id: bytes_of(attrs, AttributeType::Id).and_then(|id| KeyId::new(id.to_vec()).ok()),
        label: bytes_of(attrs, AttributeType::Label)
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .unwrap_or_default(),
        kind,
    }
}

impl Token {
    /// The public objects (certificates, public keys), read without login.
    ///
    /// # Errors
    /// [`TokenError::Pkcs11`].
    pub fn public_objects(&self) -> Result<Vec<TokenObject>, TokenError> {
        let session = self
            .module
            .context()
            .open_ro_session(self.slot)
            .map_err(TokenError::pkcs11("C_OpenSession"))?;
        list(&session)
    }
}

impl SessionPool {
    /// Every certificate and key on the token, private keys included.
    ///
    /// # Errors
    /// [`TokenError::Pkcs11`].
    pub fn objects(&self) -> Result<Vec<TokenObject>, TokenError> {
        self.with_session(list)
    }

    /// Generate a key pair on the token, both halves labelled `label` with `CKA_ID` `id`.
    /// The private key is `CKA_SENSITIVE`, not extractable, signing only; the public key is
    /// a token object, for a renewal CSR (sign the CSR with a signer built on `id`'s key,
    /// e.g. `qes-renewal`).
    ///
    /// # Errors
    /// [`TokenError::ObjectExists`] when a key with that `CKA_ID` exists,
    /// [`TokenError::MechanismUnavailable`], [`TokenError::Pkcs11`].
    pub fn generate_key_pair(
        &self,
        spec: KeySpec,
        id: &KeyId,
        label: &str,
    ) -> Result<TokenPublicKey, TokenError> {
        let mechanisms = self.token().mechanisms()?;
        let (mechanism, name) = match spec {
            KeySpec::Rsa2048 | KeySpec::Rsa3072 => {
                (Mechanism::RsaPkcsKeyPairGen, "CKM_RSA_PKCS_KEY_PAIR_GEN")
            }
            KeySpec::P256 | KeySpec::P384 => (Mechanism::EccKeyPairGen, "CKM_EC_KEY_PAIR_GEN"),
        };
        if !mechanisms.contains(&mechanism.mechanism_type()) {
            return Err(TokenError::MechanismUnavailable { mechanism: name });
        }
        self.with_session(|session| {
            let existing = find(session, &[Attribute::Id(id.as_bytes().to_vec())])?;
            if !existing.is_empty() {
                return Err(TokenError::ObjectExists {
                    what: "key pair or certificate",
                    id: id.clone(),
                });
            }
            let mut public = vec![
                Attribute::Token(true),
                Attribute::Private(false),
                Attribute::Verify(true),
                Attribute::Id(id.as_bytes().to_vec()),
                Attribute::Label(label.as_bytes().to_vec()),
            ];
            match spec.kind() {
                KeyKind::Rsa { bits } => {
                    let bits = u64::try_from(bits)
                        .map_err(|_| TokenError::PublicKey { reason: "RSA size" })?;
                    public.push(Attribute::ModulusBits(bits.into()));
                    public.push(Attribute::PublicExponent(vec![0x01, 0x00, 0x01]));
                }
                KeyKind::Ec(curve) => public.push(Attribute::EcParams(curve_params(curve)?)),
                _ => {
                    return Err(TokenError::PublicKey {
                        reason: "unsupported key spec",
                    })
                }
            }
            let private = [
                Attribute::Token(true),
                Attribute::Private(true),
                Attribute::Sensitive(true),
                Attribute::Extractable(false),
                Attribute::Sign(true),
                Attribute::Id(id.as_bytes().to_vec()),
                Attribute::Label(label.as_bytes().to_vec()),
            ];
            let (public_handle, _private) = session
                .generate_key_pair(&mechanism, &public, &private)
                .map_err(TokenError::pkcs11("C_GenerateKeyPair"))?;
            let attrs = attributes(
                session,
                public_handle,
                &[
                    AttributeType::KeyType,
                    AttributeType::Modulus,
                    AttributeType::PublicExponent,
                    AttributeType::EcParams,
                    AttributeType::EcPoint,
                ],
            )?;
            public_key(&attrs).unwrap_or(Err(TokenError::PublicKey {
                reason: "the generated public key has no readable key material",
            }))
        })
    }

    /// Store `certificate` on the token next to its private key (same `CKA_ID` `id`).
    ///
    /// Refuses a certificate whose public key is not the key's, and a second certificate for
    /// the same key (use [`SessionPool::replace_certificate`] for a renewal).
    ///
    /// # Errors
    /// [`TokenError::KeyNotFound`], [`TokenError::CertificateKeyMismatch`],
    /// [`TokenError::ObjectExists`], [`TokenError::Pkcs11`].
    pub fn import_certificate(
        &self,
        certificate: &Certificate,
        id: &KeyId,
        label: &str,
    ) -> Result<(), TokenError> {
        self.with_session(|session| {
            check_key_matches(session, certificate, id)?;
            let existing = find(
                session,
                &[
                    Attribute::Class(ObjectClass::CERTIFICATE),
                    Attribute::Id(id.as_bytes().to_vec()),
                ],
            )?;
            if !existing.is_empty() {
                return Err(TokenError::ObjectExists {
                    what: "certificate",
                    id: id.clone(),
                });
            }
            create_certificate(session, certificate, Some(id), label).map(|_| ())
        })
    }

    /// Store an issuer (CA) certificate, without `CKA_ID`, so signers find their chain on the
    /// token. An identical certificate already present is not duplicated.
    ///
    /// # Errors
    /// [`TokenError::Pkcs11`].
    pub fn import_ca_certificate(
        &self,
        certificate: &Certificate,
        label: &str,
    ) -> Result<(), TokenError> {
        self.with_session(|session| {
            let existing = find(
                session,
                &[
                    Attribute::Class(ObjectClass::CERTIFICATE),
                    Attribute::Value(certificate.der().to_vec()),
                ],
            )?;
            if existing.is_empty() {
                create_certificate(session, certificate, None, label)?;
            }
            Ok(())
        })
    }

    /// Renewal: store `new` next to its key `new_id` and, only once it is in, destroy the
    /// certificates with `CKA_ID` `old_id` (and the old key pair if `old_key` says so).
    /// `new_id` may equal `old_id` (re-certification of the same key): then the new
    /// certificate replaces the old ones of that key.
    ///
    /// Returns how many objects were destroyed.
    ///
    /// # Errors
    /// As [`SessionPool::import_certificate`]; when destroying fails, the new certificate
    /// stays and the error says so ([`TokenError::Pkcs11`] of `C_DestroyObject`).
    pub fn replace_certificate(
        &self,
        new: &Certificate,
        new_id: &KeyId,
        old_id: &KeyId,
        old_key: OldKey,
    ) -> Result<usize, TokenError> {
        self.with_session(|session| {
            check_key_matches(session, new, new_id)?;
            let old_certs: Vec<ObjectHandle> = find(
                session,
                &[
                    Attribute::Class(ObjectClass::CERTIFICATE),
                    Attribute::Id(old_id.as_bytes().to_vec()),
                ],
            )?;
            if new_id != old_id {
                let clash = find(
                    session,
                    &[
                        Attribute::Class(ObjectClass::CERTIFICATE),
                        Attribute::Id(new_id.as_bytes().to_vec()),
                    ],
                )?;
                if !clash.is_empty() {
                    return Err(TokenError::ObjectExists {
                        what: "certificate",
                        id: new_id.clone(),
                    });
                }
            }
            let label = String::from("certificate");
            let created = create_certificate(session, new, Some(new_id), &label)?;
            let mut doomed: Vec<ObjectHandle> =
                old_certs.into_iter().filter(|h| *h != created).collect();
            if old_key == OldKey::Destroy && new_id != old_id {
                for class in [ObjectClass::PRIVATE_KEY, ObjectClass::PUBLIC_KEY] {
                    doomed.extend(find(
                        session,
                        &[
                            Attribute::Class(class),
                            Attribute::Id(old_id.as_bytes().to_vec()),
                        ],
                    )?);
                }
            }
            for handle in &doomed {
                session
                    .destroy_object(*handle)
                    .map_err(TokenError::pkcs11("C_DestroyObject"))?;
            }
            Ok(doomed.len())
        })
    }
}

pub(crate) fn create_certificate(
    session: &Session,
    certificate: &Certificate,
    id: Option<&KeyId>,
    label: &str,
) -> Result<ObjectHandle, TokenError> {
    let x509 = certificate.x509();
    let mut template = vec![
        Attribute::Class(ObjectClass::CERTIFICATE),
        Attribute::CertificateType(CertificateType::X_509),
        Attribute::Token(true),
        Attribute::Private(false),
        Attribute::Label(label.as_bytes().to_vec()),
        Attribute::Subject(x509.tbs_certificate.subject.to_der()?),
        Attribute::Issuer(x509.tbs_certificate.issuer.to_der()?),
        Attribute::SerialNumber(x509.tbs_certificate.serial_number.to_der()?),
        Attribute::Value(certificate.der().to_vec()),
    ];
    if let Some(id) = id {
        template.push(Attribute::Id(id.as_bytes().to_vec()));
    }
    session
        .create_object(&template)
        .map_err(TokenError::pkcs11("C_CreateObject"))
}

/// The certificate's key must be the token key `id`'s (compared via the public key object or
/// the RSA private key's public attributes).
pub(crate) fn check_key_matches(
    session: &Session,
    certificate: &Certificate,
    id: &KeyId,
) -> Result<(), TokenError> {
    let key = token_public_key(session, id)?.ok_or(TokenError::KeyNotFound {
        id: Some(id.clone()),
    })?;
    let cert_key = spki_kind(&certificate.x509().tbs_certificate.subject_public_key_info)?;
    if cert_key != key {
        return Err(TokenError::CertificateKeyMismatch { id: id.clone() });
    }
    Ok(())
}

/// The public key of key `id`: from its public key object, else from an RSA private key's
/// public attributes. `None` if there is no private key with that id; an EC private key
/// without a public key object yields `Err(PublicKey)` (its point is not readable).
pub(crate) fn token_public_key(
    session: &Session,
    id: &KeyId,
) -> Result<Option<TokenPublicKey>, TokenError> {
    let types = [
        AttributeType::KeyType,
        AttributeType::Modulus,
        AttributeType::PublicExponent,
        AttributeType::EcParams,
        AttributeType::EcPoint,
    ];
    let private = find(
        session,
        &[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Id(id.as_bytes().to_vec()),
        ],
    )?;
    let Some(private) = private.first().copied() else {
        return Ok(None);
    };
    let public = find(
        session,
        &[
            Attribute::Class(ObjectClass::PUBLIC_KEY),
            Attribute::Id(id.as_bytes().to_vec()),
        ],
    )?;
    if let Some(handle) = public.first().copied() {
        if let Some(key) = public_key(&attributes(session, handle, &types)?) {
            return key.map(Some);
        }
    }
    let attrs = attributes(session, private, &types[..3])?;
    match public_key(&attrs) {
        Some(key) => key.map(Some),
        None => Err(TokenError::PublicKey {
            reason: "the key's public half is not readable (no public key object)",
        }),
    }
}

/// The private key handle with `CKA_ID` `id`.
pub(crate) fn private_key_handle(
    session: &Session,
    id: &KeyId,
) -> Result<Option<ObjectHandle>, TokenError> {
    Ok(find(
        session,
        &[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Id(id.as_bytes().to_vec()),
        ],
    )?
    .first()
    .copied())
}
