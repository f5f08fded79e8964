//! Key pairs: deterministic generation from (seed, label), a process-wide cache, PKCS#8
//! export and signing.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use der::asn1::Null;
use der::Any;
use pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use sha2::{Digest, Sha256};
use signature::{SignatureEncoding, Signer};
use spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

use crate::error::Result;
use crate::oid;

/// Key algorithm of a test entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyAlgorithm {
    /// RSA with a 2048-bit modulus (public exponent 65537); signs with
    /// `sha256WithRSAEncryption` (RSASSA-PKCS1-v1_5, RFC 8017 §8.2).
    Rsa2048,
    /// RSA with a 3072-bit modulus; signs with `sha256WithRSAEncryption`.
    Rsa3072,
    /// ECDSA on NIST P-256 (secp256r1); signs with `ecdsa-with-SHA256`, nonces per RFC 6979.
    EcP256,
    /// ECDSA on NIST P-384 (secp384r1); signs with `ecdsa-with-SHA384`, nonces per RFC 6979.
    EcP384,
}

impl KeyAlgorithm {
    /// All algorithms, in declaration order.
    pub const ALL: [KeyAlgorithm; 4] = [Self::Rsa2048, Self::Rsa3072, Self::EcP256, Self::EcP384];

    /// A short stable name (`rsa2048`, `rsa3072`, `p256`, `p384`), part of the key
    /// derivation input.
    pub fn name(self) -> &'static str {
        match self {
            Self::Rsa2048 => "rsa2048",
            Self::Rsa3072 => "rsa3072",
            Self::EcP256 => "p256",
            Self::EcP384 => "p384",
        }
    }

    /// The signature algorithm a key of this type signs with, as it appears in
    /// `Certificate.signatureAlgorithm` (RSA: NULL parameters per RFC 4055 §5; ECDSA:
    /// parameters absent per RFC 5758 §3.2).
    pub fn signature_algorithm(self) -> AlgorithmIdentifierOwned {
        match self {
            Self::Rsa2048 | Self::Rsa3072 => AlgorithmIdentifierOwned {
                oid: oid::SHA256_WITH_RSA,
                parameters: Some(Any::from(Null)),
            },
            Self::EcP256 => AlgorithmIdentifierOwned {
                oid: oid::ECDSA_WITH_SHA256,
                parameters: None,
            },
            Self::EcP384 => AlgorithmIdentifierOwned {
                oid: oid::ECDSA_WITH_SHA384,
                parameters: None,
            },
        }
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

enum SigningKey {
    Rsa(Box<rsa::pkcs1v15::SigningKey<Sha256>>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

struct KeyData {
    algorithm: KeyAlgorithm,
    label: String,
    signing: SigningKey,
    pkcs8_der: Zeroizing<Vec<u8>>,
    pkcs8_pem: Zeroizing<String>,
    public_key_der: Vec<u8>,
}

/// A private key with its public key, generated deterministically from `(seed, label,
/// algorithm)`.
///
/// Cloning is cheap (shared). The private key material (the signing key and its PKCS#8
/// encodings) is zeroized when the last clone is dropped; `Debug` prints only the
/// algorithm and the label.
#[derive(Clone)]
pub struct KeyPair(Arc<KeyData>);

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair")
            .field("algorithm", &self.0.algorithm)
            .field("label", &self.0.label)
            .finish_non_exhaustive()
    }
}

type CacheKey = (u64, String, KeyAlgorithm);

fn cache() -> &'static Mutex<HashMap<CacheKey, KeyPair>> {
    static CACHE: OnceLock<Mutex<HashMap<CacheKey, KeyPair>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

impl KeyPair {
    /// The key for `(seed, label, algorithm)`: generated on first use from a ChaCha20 RNG
    /// seeded with `SHA-256("qes-testkit/key/v1" ‖ seed ‖ algorithm ‖ label)`, then served
    /// from a process-wide cache, so the same inputs always give the same key.
    ///
    /// # Errors
    /// If the underlying key generation or PKCS#8 encoding fails.
    pub fn derive(seed: u64, label: &str, algorithm: KeyAlgorithm) -> Result<KeyPair> {
        let key = (seed, label.to_owned(), algorithm);
        if let Some(found) = cache()
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return Ok(found.clone());
        }
        // Generate outside the lock: two threads may race on the same key, both get the
        // same (deterministic) result and the first insert wins.
        let generated = Self::generate(seed, label, algorithm)?;
        let mut map = cache().lock().unwrap_or_else(PoisonError::into_inner);
        Ok(map.entry(key).or_insert(generated).clone())
    }

    fn generate(seed: u64, label: &str, algorithm: KeyAlgorithm) -> Result<KeyPair> {
        let mut hash = Sha256::new();
        hash.update(b"qes-testkit/key/v1\0");
        hash.update(seed.to_be_bytes());
        hash.update(algorithm.name().as_bytes());
        hash.update(b"\0");
        hash.update(label.as_bytes());
        let mut rng = ChaCha20Rng::from_seed(hash.finalize().into());

        let (signing, pkcs8, public) = match algorithm {
            KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 => {
                let bits = if algorithm == KeyAlgorithm::Rsa2048 {
                    2048
                } else {
                    3072
                };
                let private = rsa::RsaPrivateKey::new(&mut rng, bits)?;
                let pkcs8 = private.to_pkcs8_der()?;
                let public = private.to_public_key().to_public_key_der()?;
                (
                    SigningKey::Rsa(Box::new(rsa::pkcs1v15::SigningKey::<Sha256>::new(private))),
                    pkcs8,
                    public,
                )
            }
            KeyAlgorithm::EcP256 => {
                let secret = p256::SecretKey::random(&mut rng);
                let pkcs8 = secret.to_pkcs8_der()?;
                let public = secret.public_key().to_public_key_der()?;
                (
                    SigningKey::P256(p256::ecdsa::SigningKey::from(&secret)),
                    pkcs8,
                    public,
                )
            }
            KeyAlgorithm::EcP384 => {
                let secret = p384::SecretKey::random(&mut rng);
                let pkcs8 = secret.to_pkcs8_der()?;
                let public = secret.public_key().to_public_key_der()?;
                (
                    SigningKey::P384(p384::ecdsa::SigningKey::from(&secret)),
                    pkcs8,
                    public,
                )
            }
        };
        let pkcs8_pem = pkcs8.to_pem("PRIVATE KEY", LineEnding::LF)?;
        Ok(KeyPair(Arc::new(KeyData {
            algorithm,
            label: label.to_owned(),
            signing,
            pkcs8_der: Zeroizing::new(pkcs8.as_bytes().to_vec()),
            pkcs8_pem,
            public_key_der: public.as_bytes().to_vec(),
        })))
    }

    /// The key algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        self.0.algorithm
    }

    /// The label the key was derived from.
    pub fn label(&self) -> &str {
        &self.0.label
    }

    /// The private key as DER `PrivateKeyInfo` (PKCS#8 v1, RFC 5208); the buffer is
    /// zeroized on drop.
    pub fn pkcs8_der(&self) -> &[u8] {
        &self.0.pkcs8_der
    }

    /// The private key as a PEM `PRIVATE KEY` block (RFC 7468 §10). The returned `String`
    /// is a copy the caller owns (wrap it in `Zeroizing` if it matters).
    pub fn pkcs8_pem(&self) -> String {
        self.0.pkcs8_pem.as_str().to_owned()
    }

    /// The public key as DER `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7).
    pub fn public_key_der(&self) -> Vec<u8> {
        self.0.public_key_der.clone()
    }

    /// The public key as a PEM `PUBLIC KEY` block (RFC 7468 §13).
    ///
    /// # Errors
    /// Only if PEM encoding fails (it does not for well-formed keys).
    pub fn public_key_pem(&self) -> Result<String> {
        Ok(pem_rfc7468::encode_string(
            "PUBLIC KEY",
            LineEnding::LF,
            &self.0.public_key_der,
        )?)
    }

    /// The algorithm identifier of the signatures [`sign`](Self::sign) produces.
    pub fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        self.0.algorithm.signature_algorithm()
    }

    /// Signs `msg` (hashing it) with [`signature_algorithm`](Self::signature_algorithm):
    /// RSASSA-PKCS1-v1_5 signature bytes for RSA, a DER `ECDSA-Sig-Value` for ECDSA. Both
    /// are deterministic.
    ///
    /// Infallible like RustCrypto's `Signer::sign` (which it calls); use
    /// [`try_sign`](Self::try_sign) to get the error instead.
    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        match &self.0.signing {
            SigningKey::Rsa(key) => key.sign(msg).to_vec(),
            SigningKey::P256(key) => {
                let sig: p256::ecdsa::Signature = key.sign(msg);
                sig.to_der().to_vec()
            }
            SigningKey::P384(key) => {
                let sig: p384::ecdsa::Signature = key.sign(msg);
                sig.to_der().to_vec()
            }
        }
    }

    /// Like [`sign`](Self::sign), returning the signature error.
    ///
    /// # Errors
    /// If the underlying signature operation fails.
    pub fn try_sign(&self, msg: &[u8]) -> Result<Vec<u8>> {
        Ok(match &self.0.signing {
            SigningKey::Rsa(key) => key.try_sign(msg)?.to_vec(),
            SigningKey::P256(key) => {
                let sig: p256::ecdsa::Signature = key.try_sign(msg)?;
                sig.to_der().to_vec()
            }
            SigningKey::P384(key) => {
                let sig: p384::ecdsa::Signature = key.try_sign(msg)?;
                sig.to_der().to_vec()
            }
        })
    }

    /// The SHA-1 hash of the `subjectPublicKey` BIT STRING contents: the key identifier of
    /// RFC 5280 §4.2.1.2 method (1), used for SKI and AKI.
    pub(crate) fn key_identifier(&self) -> Result<Vec<u8>> {
        use der::Decode;
        let spki = spki::SubjectPublicKeyInfoRef::from_der(&self.0.public_key_der)?;
        Ok(sha1::Sha1::digest(spki.subject_public_key.raw_bytes()).to_vec())
    }
}
