//! [`TokenKey`]: a private key on a token that has no certificate yet — typically one just
//! made by [`SessionPool::generate_key_pair`] for a renewal — as a
//! [`qes_signer::KeySigner`], so that the PKCS#10 request proving possession of it
//! (RFC 2986 §3) is signed on the token. Same mechanisms as [`crate::TokenSigner`].

use std::sync::Arc;

use cryptoki::object::ObjectHandle;
use qes_signer::{KeyKind, KeySigner, SignError, SignatureAlgorithm};
use spki::SubjectPublicKeyInfoOwned;

use crate::objects::{private_key_handle, token_public_key};
use crate::signer::{algorithms_for, sign_digest};
use crate::{KeyId, SessionPool, TokenError};

/// A token private key and its public key (read from the token's public key object or the
/// RSA private key's public attributes), signing through a [`SessionPool`].
pub struct TokenKey {
    pool: Arc<SessionPool>,
    key: ObjectHandle,
    id: KeyId,
    public_key: SubjectPublicKeyInfoOwned,
    kind: KeyKind,
    algorithms: Vec<SignatureAlgorithm>,
}

impl TokenKey {
    /// The key pair with `CKA_ID` `id`.
    ///
    /// # Errors
    /// [`TokenError::KeyNotFound`] without a private key of that id;
    /// [`TokenError::PublicKey`] when the token reveals no public key for it (no public key
    /// object, no RSA public attributes); [`TokenError::MechanismUnavailable`];
    /// [`TokenError::Pkcs11`].
    pub fn new(pool: Arc<SessionPool>, id: &KeyId) -> Result<Self, TokenError> {
        let (key, public) = pool.with_session(|session| {
            let key = private_key_handle(session, id)?.ok_or(TokenError::KeyNotFound {
                id: Some(id.clone()),
            })?;
            let public = token_public_key(session, id)?.ok_or(TokenError::PublicKey {
                reason: "the token reveals no public key for this CKA_ID",
            })?;
            Ok((key, public))
        })?;
        let algorithms = algorithms_for(public.kind, &pool.token().mechanisms()?);
        if algorithms.is_empty() {
            return Err(TokenError::MechanismUnavailable {
                mechanism: match public.kind {
                    KeyKind::Ec(_) => "CKM_ECDSA",
                    _ => "CKM_RSA_PKCS",
                },
            });
        }
        Ok(Self {
            pool,
            key,
            id: id.clone(),
            public_key: public.spki,
            kind: public.kind,
            algorithms,
        })
    }

    /// The key's `CKA_ID`.
    pub fn key_id(&self) -> &KeyId {
        &self.id
    }

    /// The signature algorithms the token offers for this key, the default first.
    pub fn algorithms(&self) -> &[SignatureAlgorithm] {
        &self.algorithms
    }
}

impl KeySigner for TokenKey {
    fn public_key_info(&self) -> &SubjectPublicKeyInfoOwned {
        &self.public_key
    }

    fn key_signer_kind(&self) -> KeyKind {
        self.kind
    }

    fn sign_with_key(
        &self,
        algorithm: SignatureAlgorithm,
        tbs: &[u8],
    ) -> Result<Vec<u8>, SignError> {
        if !self.algorithms.contains(&algorithm) {
            return Err(SignError::UnsupportedAlgorithm {
                algorithm,
                key: self.kind,
            });
        }
        let digest = algorithm.digest().digest(tbs);
        Ok(self.pool.with_session(|session| {
            sign_digest(session, self.key, self.kind, algorithm, &digest)
        })?)
    }
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKey")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}
