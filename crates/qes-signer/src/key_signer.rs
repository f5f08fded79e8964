//! [`KeySigner`]: a private key that signs before it has a certificate.
//!
//! A certificate request (RFC 2986 §3, the proof of possession) is signed by the key it asks a
//! certificate for, which by definition has none yet; a re-key on a token or a fresh software
//! key is such a key. Every [`Signer`] is also a `KeySigner` (its public key is its
//! certificate's), so a renewal that keeps the key signs the request with the holder's
//! existing signer.

use spki::SubjectPublicKeyInfoOwned;

use crate::{KeyKind, SignError, SignatureAlgorithm, Signer, SoftwareKey};

/// A private key with its public key, signing to-be-signed bytes; no certificate needed.
///
/// The signature encoding is that of [`Signer`]: RSA as a modulus-length integer, ECDSA as a
/// DER `Ecdsa-Sig-Value`.
pub trait KeySigner: Send + Sync {
    /// The public key, as a `SubjectPublicKeyInfo`.
    fn public_key_info(&self) -> &SubjectPublicKeyInfoOwned;

    /// The key's kind and size.
    fn key_signer_kind(&self) -> KeyKind;

    /// Sign `tbs` (hashing it) with `algorithm`.
    ///
    /// # Errors
    /// [`SignError::UnsupportedAlgorithm`] when the algorithm does not fit the key, or the
    /// backend's own failure.
    fn sign_with_key(
        &self,
        algorithm: SignatureAlgorithm,
        tbs: &[u8],
    ) -> Result<Vec<u8>, SignError>;
}

impl<S: Signer + ?Sized> KeySigner for S {
    fn public_key_info(&self) -> &SubjectPublicKeyInfoOwned {
        &self
            .certificate()
            .x509()
            .tbs_certificate
            .subject_public_key_info
    }

    fn key_signer_kind(&self) -> KeyKind {
        self.key_kind()
    }

    fn sign_with_key(
        &self,
        algorithm: SignatureAlgorithm,
        tbs: &[u8],
    ) -> Result<Vec<u8>, SignError> {
        self.sign(algorithm, tbs)
    }
}

impl KeySigner for SoftwareKey {
    fn public_key_info(&self) -> &SubjectPublicKeyInfoOwned {
        self.public_key()
    }

    fn key_signer_kind(&self) -> KeyKind {
        self.key_kind()
    }

    fn sign_with_key(
        &self,
        algorithm: SignatureAlgorithm,
        tbs: &[u8],
    ) -> Result<Vec<u8>, SignError> {
        if !algorithm.fits(self.key_kind()) {
            return Err(SignError::UnsupportedAlgorithm {
                algorithm,
                key: self.key_kind(),
            });
        }
        self.sign_message(algorithm, tbs)
    }
}
