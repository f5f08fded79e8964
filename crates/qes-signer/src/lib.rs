//! # qes-signer — one pluggable signer
//!
//! A [`Signer`] holds a certificate (and its chain) and turns small to-be-signed bytes — CMS
//! signed attributes, a TBSCertificationRequest, a COSE `Sig_structure` — into a signature. It
//! never sees a whole document. Backends that only sign digests (PKCS#11 `CKM_ECDSA`, CSC
//! `signatures/signHash`) implement the one required method,
//! [`Signer::sign_digests`], which is also the batch primitive: one token login or one cloud
//! authorization serves every digest in the call.
//!
//! What is here:
//!
//! | item | what | standard |
//! |---|---|---|
//! | [`Signer`], [`check_digest_request`] | the trait and the checks every backend does first | |
//! | [`SignatureAlgorithm`], [`DigestAlgorithm`] | algorithms with their AlgorithmIdentifiers, RSASSA-PSS parameters | RFC 4055, RFC 5754, RFC 5758 |
//! | [`ecdsa_raw_to_der`], [`ecdsa_der_to_raw`] | raw `r‖s` ↔ DER `Ecdsa-Sig-Value` | RFC 3279 §2.2.3 |
//! | [`KeySigner`] | a key that signs before it has a certificate (CSR proof of possession) | RFC 2986 §3 |
//! | [`SoftwareKey`], [`SoftwareSigner`] | the software backend: PKCS#8 (plain, encrypted), PKCS#12 (modern and legacy) | RFC 5958, RFC 8018, RFC 7292 |
//! | [`AlgorithmSigner`] | any signer as a RustCrypto `signature::Signer` for `x509-cert` and `cms` builders | |
//! | `conformance` (feature `conformance`) | the suite every backend runs | |
//!
//! # Example
//!
//! Load a holder's PKCS#12 file, sign the to-be-signed bytes, verify against the certificate:
//!
//! ```
//! use qes_cert::{verify_signature, AlgorithmPolicy};
//! use qes_signer::{Signer, SoftwareSigner};
//!
//! // A `.p12` as a certificate holder gets it (here from the test PKI).
//! let holder = qes_testkit::TestPki::shared().natural_person();
//! let p12 = holder.pkcs12("holder's password")?;
//!
//! let signer = SoftwareSigner::from_pkcs12(&p12, "holder's password")?;
//! let algorithm = signer.default_algorithm(); // RSA PKCS#1 v1.5 with SHA-256
//! let tbs = b"DER of the CMS signed attributes";
//! let signature = signer.sign(algorithm, tbs)?;
//!
//! // One login, many documents.
//! let batch = signer.sign_batch(algorithm, &[b"first".as_slice(), b"second".as_slice()])?;
//! assert_eq!(batch.len(), 2);
//!
//! verify_signature(
//!     &algorithm.algorithm_identifier()?,
//!     &signer.certificate().x509().tbs_certificate.subject_public_key_info,
//!     tbs,
//!     &signature,
//!     &AlgorithmPolicy::default(),
//! )?;
//! assert_eq!(signer.chain().len(), 2); // qualified CA, root
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![cfg_attr(not(test), warn(missing_docs))]

mod algorithm;
#[cfg(feature = "conformance")]
pub mod conformance;
mod encoding;
mod error;
mod key_signer;
mod rustcrypto;
mod software;

pub use algorithm::{Curve, DigestAlgorithm, Hasher, KeyKind, SignatureAlgorithm};
pub use encoding::{ecdsa_der_to_raw, ecdsa_raw_to_der};
pub use error::{BackendError, SignError};
pub use key_signer::KeySigner;
pub use rustcrypto::{AlgorithmSigner, PublicKeyInfo, SignatureValue};
pub use software::{
    SoftwareKey, SoftwareSigner, MAX_KDF_ITERATIONS, MAX_KDF_WORK, MAX_KEY_FILE_LEN,
    MAX_PKCS12_BAGS, MAX_RSA_BITS, MAX_SCRYPT_MEMORY, MIN_RSA_BITS,
};

use qes_cert::Certificate;

/// A signing key with its certificate.
///
/// # Contract
/// - [`Signer::sign_digests`] is the primitive: each digest is the output of
///   `algorithm.digest()`; the result has one signature per digest, in order. Signatures use
///   the encoding CMS and X.509 carry: RSA as a modulus-length big-endian integer, ECDSA as a
///   DER `Ecdsa-Sig-Value` (a backend that gets raw `r‖s` converts it).
/// - [`Signer::sign`] and [`Signer::sign_batch`] hash in software and call `sign_digests`;
///   a backend may override them (e.g. to let a token hash).
/// - Signers are `Send + Sync`: a backend serializes internally what its device cannot do in
///   parallel.
/// - Asking for an algorithm outside [`Signer::algorithms`] is
///   [`SignError::UnsupportedAlgorithm`]; a digest of the wrong length is
///   [`SignError::DigestLength`]. Neither reaches the device.
pub trait Signer: Send + Sync {
    /// The signer's certificate.
    fn certificate(&self) -> &Certificate;

    /// The issuing chain above the certificate, nearest issuer first (may be empty; the trust
    /// anchor may be omitted).
    fn chain(&self) -> &[Certificate];

    /// The key's kind and size.
    fn key_kind(&self) -> KeyKind;

    /// Every algorithm this signer can produce, preferred first.
    fn algorithms(&self) -> Vec<SignatureAlgorithm>;

    /// The algorithm used when the caller does not choose: the first of
    /// [`Signer::algorithms`], else the key kind's default.
    fn default_algorithm(&self) -> SignatureAlgorithm {
        self.algorithms()
            .first()
            .copied()
            .unwrap_or_else(|| self.key_kind().default_algorithm())
    }

    /// Sign each precomputed digest with `algorithm`.
    ///
    /// # Errors
    /// [`SignError::UnsupportedAlgorithm`], [`SignError::DigestLength`],
    /// [`SignError::BatchTooLarge`] or the backend's own failure.
    fn sign_digests(
        &self,
        algorithm: SignatureAlgorithm,
        digests: &[&[u8]],
    ) -> Result<Vec<Vec<u8>>, SignError>;

    /// Sign the to-be-signed bytes `tbs` with `algorithm`.
    ///
    /// # Errors
    /// As [`Signer::sign_digests`].
    fn sign(&self, algorithm: SignatureAlgorithm, tbs: &[u8]) -> Result<Vec<u8>, SignError> {
        let digest = algorithm.digest().digest(tbs);
        self.sign_digests(algorithm, &[&digest])?
            .pop()
            .ok_or(SignError::BatchTooLarge {
                actual: 1,
                limit: 0,
            })
    }

    /// Sign several to-be-signed inputs at once (one login / one authorization).
    ///
    /// # Errors
    /// As [`Signer::sign_digests`].
    fn sign_batch(
        &self,
        algorithm: SignatureAlgorithm,
        tbs: &[&[u8]],
    ) -> Result<Vec<Vec<u8>>, SignError> {
        let digests: Vec<Vec<u8>> = tbs.iter().map(|t| algorithm.digest().digest(t)).collect();
        let refs: Vec<&[u8]> = digests.iter().map(Vec::as_slice).collect();
        self.sign_digests(algorithm, &refs)
    }
}

/// Check the common preconditions of [`Signer::sign_digests`]: the algorithm fits the key and
/// is offered, and every digest has the hash's length. Backends call this first.
///
/// # Errors
/// [`SignError::UnsupportedAlgorithm`] or [`SignError::DigestLength`].
pub fn check_digest_request<S: Signer + ?Sized>(
    signer: &S,
    algorithm: SignatureAlgorithm,
    digests: &[&[u8]],
) -> Result<(), SignError> {
    let key = signer.key_kind();
    if !algorithm.fits(key) || !signer.algorithms().contains(&algorithm) {
        return Err(SignError::UnsupportedAlgorithm { algorithm, key });
    }
    let expected = algorithm.digest().output_len();
    for (index, digest) in digests.iter().enumerate() {
        if digest.len() != expected {
            return Err(SignError::DigestLength {
                index,
                algorithm,
                expected,
                actual: digest.len(),
            });
        }
    }
    Ok(())
}

/// `Signer` for a pointer type that derefs to a signer: every method forwarded, overrides
/// included.
macro_rules! forward_signer {
    ($($ptr:tt)+) => {
        impl<S: Signer + ?Sized> Signer for $($ptr)+ {
            fn certificate(&self) -> &Certificate {
                (**self).certificate()
            }
            fn chain(&self) -> &[Certificate] {
                (**self).chain()
            }
            fn key_kind(&self) -> KeyKind {
                (**self).key_kind()
            }
            fn algorithms(&self) -> Vec<SignatureAlgorithm> {
                (**self).algorithms()
            }
            fn default_algorithm(&self) -> SignatureAlgorithm {
                (**self).default_algorithm()
            }
            fn sign_digests(
                &self,
                a: SignatureAlgorithm,
                d: &[&[u8]],
            ) -> Result<Vec<Vec<u8>>, SignError> {
                (**self).sign_digests(a, d)
            }
            fn sign(&self, a: SignatureAlgorithm, tbs: &[u8]) -> Result<Vec<u8>, SignError> {
                (**self).sign(a, tbs)
            }
            fn sign_batch(
                &self,
                a: SignatureAlgorithm,
                t: &[&[u8]],
            ) -> Result<Vec<Vec<u8>>, SignError> {
                (**self).sign_batch(a, t)
            }
        }
    };
}

forward_signer!(&S);
forward_signer!(Box<S>);
forward_signer!(std::sync::Arc<S>);
