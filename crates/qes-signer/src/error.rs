//! The crate's one error type.

use crate::{Curve, KeyKind, SignatureAlgorithm};
use const_oid::ObjectIdentifier;

/// A backend's own error, kept as the `source()` of a [`SignError`].
pub type BackendError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong asking a [`Signer`](crate::Signer) for a signature, or loading
/// a key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The signer's key cannot produce this algorithm (e.g. ECDSA asked of an RSA key), or
    /// the backend does not offer it.
    #[error("{algorithm} is not available for this {key:?} key")]
    UnsupportedAlgorithm {
        /// What was asked for.
        algorithm: SignatureAlgorithm,
        /// The signer's key.
        key: KeyKind,
    },
    /// An AlgorithmIdentifier names no algorithm a signer can be asked for.
    #[error("unsupported signature algorithm identifier {oid}")]
    UnsupportedAlgorithmIdentifier {
        /// The OID found.
        oid: ObjectIdentifier,
    },
    /// A digest handed to [`Signer::sign_digests`](crate::Signer::sign_digests) has the wrong
    /// length for the algorithm's hash.
    #[error("digest {index} is {actual} bytes, {algorithm} needs {expected}")]
    DigestLength {
        /// Position in the batch.
        index: usize,
        /// The algorithm asked for.
        algorithm: SignatureAlgorithm,
        /// Its hash length.
        expected: usize,
        /// The length given.
        actual: usize,
    },
    /// A batch larger than the backend accepts in one call.
    #[error("batch of {actual} exceeds the backend's limit of {limit}")]
    BatchTooLarge {
        /// Items asked for.
        actual: usize,
        /// The backend's limit.
        limit: usize,
    },
    /// Encoding or decoding a DER structure failed.
    #[error("DER encoding: {0}")]
    Der(#[source] der::Error),
    /// The key material could not be read (malformed, wrong password, unsupported encryption).
    #[error("cannot load key: {reason}")]
    KeyLoad {
        /// What was wrong.
        reason: &'static str,
        /// The decoder's own error, when there is one.
        #[source]
        source: Option<BackendError>,
    },
    /// The password does not open the key: the PKCS#12 integrity MAC does not verify under it
    /// (a wrong password, or a file modified after it was written), or the decrypted
    /// PKCS#8 key is not a key (PKCS#8 has no MAC, so a wrong password shows as garbage).
    #[error("wrong password (or the protected key file was modified)")]
    WrongPassword,
    /// The key file is well formed but uses a key type, curve, cipher, KDF or MAC this backend
    /// does not support (the OID says which).
    #[error("unsupported {what}: {oid}")]
    UnsupportedKeyFormat {
        /// What kind of algorithm (`key algorithm`, `curve`, `encryption scheme`, `MAC`, …).
        what: &'static str,
        /// The algorithm found.
        oid: ObjectIdentifier,
    },
    /// A raw `r‖s` ECDSA signature does not have twice the curve's scalar length.
    #[error("raw ECDSA signature is {actual} bytes, {curve:?} needs {expected}")]
    RawSignatureLength {
        /// The curve.
        curve: Curve,
        /// `2 × scalar length`.
        expected: usize,
        /// The length given.
        actual: usize,
    },
    /// A signature value is malformed: not one strict-DER `Ecdsa-Sig-Value`, or `r`/`s`
    /// outside `1..n`.
    #[error("malformed signature: {reason}")]
    MalformedSignature {
        /// What was wrong.
        reason: &'static str,
        /// The DER decoder's error, when there is one.
        #[source]
        source: Option<der::Error>,
    },
    /// The certificate does not match the private key.
    #[error("the certificate's public key does not match the private key")]
    CertificateKeyMismatch,
    /// The certificate could not be parsed.
    #[error("certificate: {0}")]
    Certificate(#[source] qes_cert::Error),
    /// The backend refused or failed (token, service); its own error is the source.
    #[error("{backend} backend: {source}")]
    Backend {
        /// Which backend (`software`, `pkcs11`, `csc`).
        backend: &'static str,
        /// The backend's error.
        #[source]
        source: BackendError,
    },
}

impl SignError {
    /// Wrap a DER encoding error.
    pub(crate) fn encoding(err: der::Error) -> Self {
        Self::Der(err)
    }

    /// A [`SignError::KeyLoad`] with the decoder's error as source. Callers pass errors that
    /// never carry key bytes (DER positions, cipher padding, ring's `KeyRejected`).
    pub(crate) fn key_load<E>(reason: &'static str, source: E) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        Self::KeyLoad {
            reason,
            source: Some(Box::new(source)),
        }
    }

    /// A [`SignError::KeyLoad`] without a source.
    pub(crate) fn key_load_bare(reason: &'static str) -> Self {
        Self::KeyLoad {
            reason,
            source: None,
        }
    }

    /// A backend failure of the software signer.
    pub(crate) fn software<E>(source: E) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        Self::Backend {
            backend: "software",
            source: Box::new(source),
        }
    }
}
