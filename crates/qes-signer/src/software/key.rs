//! The software backend's private keys: a PKCS#8 `PrivateKeyInfo` (RFC 5208 §5, RFC 5958 §2)
//! holding an RSA key (RFC 8017 Appendix A.1.2 `RSAPrivateKey`, RFC 3279 §2.3.1) or an EC key
//! on a named curve (RFC 5915 `ECPrivateKey`, RFC 5480 §2.1.1), and the signature maths.
//!
//! ```text
//! PrivateKeyInfo ::= SEQUENCE {
//!     version                   Version,
//!     privateKeyAlgorithm       PrivateKeyAlgorithmIdentifier,
//!     privateKey                PrivateKey,                      -- OCTET STRING
//!     attributes           [0]  IMPLICIT Attributes OPTIONAL }
//! ```
//!
//! Which library does what:
//! - **Message signing** ([`KeyMaterial::sign_message`]) uses `ring` for RSASSA-PKCS1-v1_5 and
//!   RSASSA-PSS with SHA-256/384/512 and for ECDSA P-256/SHA-256 and P-384/SHA-384: ring's RSA
//!   private-key operation is constant-time, whereas the RustCrypto `rsa` crate has a timing
//!   side channel (RUSTSEC-2023-0071, "Marvin"). ECDSA pairings ring lacks (P-256 with
//!   SHA-384/512, P-384 with SHA-256/512) hash in software and use the prehash path.
//! - **Prehashed signing** ([`KeyMaterial::sign_prehash`]) needs an API ring does not have.
//!   RSA uses the `rsa` crate with blinding from the operating system's RNG (which mitigates,
//!   but does not remove, the advisory's side channel: prefer [`crate::Signer::sign`] for RSA
//!   when the caller has the message); ECDSA uses `p256`/`p384` with RFC 6979 nonces.
//!
//! Key bytes: the RustCrypto key types zeroize themselves on drop, and every intermediate
//! buffer here is `Zeroizing`. ring's key types do not zeroize their memory (ring offers no
//! such option); that is the one copy of the key this module cannot wipe.

use const_oid::db::{rfc5912, rfc5912::ID_EC_PUBLIC_KEY};
use const_oid::ObjectIdentifier;
use der::asn1::ObjectIdentifier as Oid;
use der::{Decode, Tagged};
use pkcs8::PrivateKeyInfo;
use rsa::traits::PublicKeyParts;
use spki::SubjectPublicKeyInfoOwned;
use zeroize::Zeroizing;

use crate::{Curve, DigestAlgorithm, KeyKind, SignError, SignatureAlgorithm};

/// Largest RSA modulus the software backend loads, in bits (ring's limit too).
pub const MAX_RSA_BITS: usize = 8192;
/// Smallest RSA modulus the software backend loads, in bits (ring's limit; ETSI TS 119 312
/// requires at least 2048 bits for RSA signatures).
pub const MIN_RSA_BITS: usize = 2048;

/// A loaded private key, with the library objects that sign with it.
pub(crate) enum KeyMaterial {
    Rsa(Box<RsaKey>),
    P256(Box<EcKey<p256::ecdsa::SigningKey>>),
    P384(Box<EcKey<p384::ecdsa::SigningKey>>),
}

pub(crate) struct RsaKey {
    ring: ring::signature::RsaKeyPair,
    rustcrypto: rsa::RsaPrivateKey,
    bits: usize,
    public: SubjectPublicKeyInfoOwned,
}

pub(crate) struct EcKey<K> {
    /// ring's key pair, bound to the curve's natural hash (ring signs nothing else).
    ring: ring::signature::EcdsaKeyPair,
    rustcrypto: K,
    public: SubjectPublicKeyInfoOwned,
}

fn curve_oid(curve: Curve) -> ObjectIdentifier {
    match curve {
        Curve::P256 => rfc5912::SECP_256_R_1,
        Curve::P384 => rfc5912::SECP_384_R_1,
    }
}

/// Load a PKCS#8 EC key of one RustCrypto curve crate into both signing back-ends: ring
/// (message signing with the curve's natural hash) and RustCrypto (prehashed signing).
macro_rules! ec_key {
    ($curve:ident, $pkcs8:expr, $ring_alg:ident, $name:literal, $variant:ident) => {{
        use $curve::elliptic_curve::sec1::ToEncodedPoint;
        use $curve::pkcs8::{DecodePrivateKey, EncodePublicKey};
        let secret = $curve::SecretKey::from_pkcs8_der($pkcs8)
            .map_err(|e| SignError::key_load(concat!("not a ", $name, " ECPrivateKey"), e))?;
        let public_point = secret.public_key().to_encoded_point(false);
        let scalar = Zeroizing::new(secret.to_bytes());
        let ring = ring::signature::EcdsaKeyPair::from_private_key_and_public_key(
            &ring::signature::$ring_alg,
            &scalar[..],
            public_point.as_bytes(),
            &ring::rand::SystemRandom::new(),
        )
        .map_err(|e| SignError::key_load(concat!($name, " key rejected"), e))?;
        let public = secret
            .public_key()
            .to_public_key_der()
            .map_err(|e| SignError::key_load("cannot encode the EC public key", e))?;
        let public = SubjectPublicKeyInfoOwned::from_der(public.as_bytes())
            .map_err(|e| SignError::key_load("cannot encode the EC public key", e))?;
        Ok(Self::$variant(Box::new(EcKey {
            ring,
            rustcrypto: $curve::ecdsa::SigningKey::from(&secret),
            public,
        })))
    }};
}

impl KeyMaterial {
    /// Decode a DER `PrivateKeyInfo` (v1 or v2), the whole input.
    pub(crate) fn from_pkcs8_der(der: &[u8]) -> Result<Self, SignError> {
        let info = PrivateKeyInfo::from_der(der)
            .map_err(|e| SignError::key_load("not a DER PKCS#8 PrivateKeyInfo", e))?;
        let oid = info.algorithm.oid;
        match oid {
            rfc5912::RSA_ENCRYPTION => {
                // RFC 3279 §2.3.1: parameters NULL (absent is tolerated, as OpenSSL does).
                if let Some(params) = info.algorithm.parameters {
                    if params.tag() != der::Tag::Null || !params.value().is_empty() {
                        return Err(SignError::key_load_bare(
                            "rsaEncryption parameters are not NULL",
                        ));
                    }
                }
                Self::rsa(info.private_key)
            }
            ID_EC_PUBLIC_KEY => {
                let params = info
                    .algorithm
                    .parameters
                    .ok_or_else(|| SignError::key_load_bare("EC key without a named curve"))?;
                let named: Oid = params
                    .decode_as()
                    .map_err(|e| SignError::key_load("EC parameters are not a named curve", e))?;
                match named {
                    rfc5912::SECP_256_R_1 => Self::p256(der),
                    rfc5912::SECP_384_R_1 => Self::p384(der),
                    other => Err(SignError::UnsupportedKeyFormat {
                        what: "elliptic curve",
                        oid: other,
                    }),
                }
            }
            other => Err(SignError::UnsupportedKeyFormat {
                what: "private key algorithm",
                oid: other,
            }),
        }
    }

    fn rsa(rsa_private_key: &[u8]) -> Result<Self, SignError> {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        use rsa::pkcs8::EncodePublicKey;
        // ring validates the key fully (CRT consistency, 2048..=8192 bits, e ≥ 65537) and
        // rejects multi-prime keys; parse with it first so RustCrypto only sees sane keys.
        let ring = ring::signature::RsaKeyPair::from_der(rsa_private_key)
            .map_err(|e| SignError::key_load("RSA key rejected", e))?;
        let rustcrypto = rsa::RsaPrivateKey::from_pkcs1_der(rsa_private_key)
            .map_err(|e| SignError::key_load("not a PKCS#1 RSAPrivateKey", e))?;
        let bits = rustcrypto.n().bits();
        if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
            return Err(SignError::key_load_bare("RSA modulus size out of range"));
        }
        let public = rustcrypto
            .to_public_key()
            .to_public_key_der()
            .map_err(|e| SignError::key_load("cannot encode the RSA public key", e))?;
        let public = SubjectPublicKeyInfoOwned::from_der(public.as_bytes())
            .map_err(|e| SignError::key_load("cannot encode the RSA public key", e))?;
        Ok(Self::Rsa(Box::new(RsaKey {
            ring,
            rustcrypto,
            bits,
            public,
        })))
    }

    fn p256(pkcs8: &[u8]) -> Result<Self, SignError> {
        ec_key!(p256, pkcs8, ECDSA_P256_SHA256_ASN1_SIGNING, "P-256", P256)
    }

    fn p384(pkcs8: &[u8]) -> Result<Self, SignError> {
        ec_key!(p384, pkcs8, ECDSA_P384_SHA384_ASN1_SIGNING, "P-384", P384)
    }

    /// The key's kind and size.
    pub(crate) fn kind(&self) -> KeyKind {
        match self {
            Self::Rsa(k) => KeyKind::Rsa { bits: k.bits },
            Self::P256(_) => KeyKind::Ec(Curve::P256),
            Self::P384(_) => KeyKind::Ec(Curve::P384),
        }
    }

    /// The public key, as a `SubjectPublicKeyInfo` (RSA with NULL parameters, EC with the named
    /// curve and an uncompressed point).
    pub(crate) fn public_key(&self) -> &SubjectPublicKeyInfoOwned {
        match self {
            Self::Rsa(k) => &k.public,
            Self::P256(k) => &k.public,
            Self::P384(k) => &k.public,
        }
    }

    /// Whether `spki` (from a certificate) is this key's public key. Compared by value, not by
    /// encoding: RSA modulus and exponent (`rsaEncryption` or `id-RSASSA-PSS`), EC curve and
    /// point (compressed or not).
    pub(crate) fn matches(&self, spki: &SubjectPublicKeyInfoOwned) -> bool {
        let Some(bits) = spki.subject_public_key.as_bytes() else {
            return false;
        };
        match self {
            Self::Rsa(k) => {
                if spki.algorithm.oid != rfc5912::RSA_ENCRYPTION
                    && spki.algorithm.oid != rfc5912::ID_RSASSA_PSS
                {
                    return false;
                }
                // Parsed as plain integers: the `rsa` crate's public-key decoder stops at 4096
                // bits, the software backend goes to 8192.
                pkcs1::RsaPublicKey::from_der(bits).is_ok_and(|public| {
                    public.modulus.as_bytes() == k.rustcrypto.n().to_bytes_be().as_slice()
                        && public.public_exponent.as_bytes()
                            == k.rustcrypto.e().to_bytes_be().as_slice()
                })
            }
            Self::P256(k) => {
                is_named_curve(spki, Curve::P256)
                    && p256::PublicKey::from_sec1_bytes(bits)
                        .is_ok_and(|p| p.as_affine() == k.rustcrypto.verifying_key().as_affine())
            }
            Self::P384(k) => {
                is_named_curve(spki, Curve::P384)
                    && p384::PublicKey::from_sec1_bytes(bits)
                        .is_ok_and(|p| p.as_affine() == k.rustcrypto.verifying_key().as_affine())
            }
        }
    }

    /// Sign `message` (hashing it) with `algorithm`, which the caller has checked fits the key.
    pub(crate) fn sign_message(
        &self,
        algorithm: SignatureAlgorithm,
        message: &[u8],
    ) -> Result<Vec<u8>, SignError> {
        use ring::signature as rs;
        use DigestAlgorithm::{Sha256, Sha384, Sha512};
        let rng = ring::rand::SystemRandom::new();
        match (self, algorithm) {
            (Self::Rsa(k), SignatureAlgorithm::RsaPkcs1v15(_) | SignatureAlgorithm::RsaPss(_)) => {
                let padding: &'static dyn rs::RsaEncoding = match algorithm {
                    SignatureAlgorithm::RsaPkcs1v15(Sha256) => &rs::RSA_PKCS1_SHA256,
                    SignatureAlgorithm::RsaPkcs1v15(Sha384) => &rs::RSA_PKCS1_SHA384,
                    SignatureAlgorithm::RsaPkcs1v15(Sha512) => &rs::RSA_PKCS1_SHA512,
                    SignatureAlgorithm::RsaPss(Sha256) => &rs::RSA_PSS_SHA256,
                    SignatureAlgorithm::RsaPss(Sha384) => &rs::RSA_PSS_SHA384,
                    SignatureAlgorithm::RsaPss(Sha512) => &rs::RSA_PSS_SHA512,
                    _ => return Err(self.unsupported(algorithm)),
                };
                let mut signature = vec![0u8; k.ring.public().modulus_len()];
                k.ring
                    .sign(padding, &rng, message, &mut signature)
                    .map_err(SignError::software)?;
                Ok(signature)
            }
            (Self::P256(k), SignatureAlgorithm::Ecdsa(Sha256)) => {
                let signature = k.ring.sign(&rng, message).map_err(SignError::software)?;
                Ok(signature.as_ref().to_vec())
            }
            (Self::P384(k), SignatureAlgorithm::Ecdsa(Sha384)) => {
                let signature = k.ring.sign(&rng, message).map_err(SignError::software)?;
                Ok(signature.as_ref().to_vec())
            }
            (Self::P256(_) | Self::P384(_), SignatureAlgorithm::Ecdsa(digest)) => {
                self.sign_prehash(algorithm, &digest.digest(message))
            }
            _ => Err(self.unsupported(algorithm)),
        }
    }

    /// Sign a precomputed digest (length checked by the caller) with `algorithm`.
    pub(crate) fn sign_prehash(
        &self,
        algorithm: SignatureAlgorithm,
        digest: &[u8],
    ) -> Result<Vec<u8>, SignError> {
        use signature::hazmat::PrehashSigner;
        match (self, algorithm) {
            (Self::Rsa(k), SignatureAlgorithm::RsaPkcs1v15(d)) => {
                let scheme = match d {
                    DigestAlgorithm::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                    DigestAlgorithm::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                    DigestAlgorithm::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
                };
                k.rustcrypto
                    .sign_with_rng(&mut rand_core::OsRng, scheme, digest)
                    .map_err(SignError::software)
            }
            (Self::Rsa(k), SignatureAlgorithm::RsaPss(d)) => {
                let salt = d.output_len();
                let scheme = match d {
                    DigestAlgorithm::Sha256 => rsa::Pss::new_with_salt::<sha2::Sha256>(salt),
                    DigestAlgorithm::Sha384 => rsa::Pss::new_with_salt::<sha2::Sha384>(salt),
                    DigestAlgorithm::Sha512 => rsa::Pss::new_with_salt::<sha2::Sha512>(salt),
                };
                k.rustcrypto
                    .sign_with_rng(&mut rand_core::OsRng, scheme, digest)
                    .map_err(SignError::software)
            }
            (Self::P256(k), SignatureAlgorithm::Ecdsa(_)) => {
                let signature: p256::ecdsa::Signature = k
                    .rustcrypto
                    .sign_prehash(digest)
                    .map_err(SignError::software)?;
                Ok(signature.to_der().as_bytes().to_vec())
            }
            (Self::P384(k), SignatureAlgorithm::Ecdsa(_)) => {
                let signature: p384::ecdsa::Signature = k
                    .rustcrypto
                    .sign_prehash(digest)
                    .map_err(SignError::software)?;
                Ok(signature.to_der().as_bytes().to_vec())
            }
            _ => Err(self.unsupported(algorithm)),
        }
    }

    fn unsupported(&self, algorithm: SignatureAlgorithm) -> SignError {
        SignError::UnsupportedAlgorithm {
            algorithm,
            key: self.kind(),
        }
    }
}

fn is_named_curve(spki: &SubjectPublicKeyInfoOwned, curve: Curve) -> bool {
    spki.algorithm.oid == ID_EC_PUBLIC_KEY
        && spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<Oid>().ok())
            == Some(curve_oid(curve))
}

/// A fresh PKCS#8 `PrivateKeyInfo` of `kind`: ECDSA keys from ring's generator, RSA keys
/// (e = 65537) from RustCrypto's, both over the operating system's random source.
pub(crate) fn generate_pkcs8(kind: KeyKind) -> Result<Zeroizing<Vec<u8>>, SignError> {
    use ring::signature::{
        EcdsaKeyPair, ECDSA_P256_SHA256_ASN1_SIGNING, ECDSA_P384_SHA384_ASN1_SIGNING,
    };
    let rng = ring::rand::SystemRandom::new();
    match kind {
        KeyKind::Ec(curve) => {
            let alg = match curve {
                Curve::P256 => &ECDSA_P256_SHA256_ASN1_SIGNING,
                Curve::P384 => &ECDSA_P384_SHA384_ASN1_SIGNING,
            };
            let doc = EcdsaKeyPair::generate_pkcs8(alg, &rng)
                .map_err(|e| SignError::key_load("EC key generation failed", e))?;
            Ok(Zeroizing::new(doc.as_ref().to_vec()))
        }
        KeyKind::Rsa { bits } => {
            use rsa::pkcs8::EncodePrivateKey;
            if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
                return Err(SignError::key_load_bare("RSA modulus size out of range"));
            }
            let key = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, bits)
                .map_err(|e| SignError::key_load("RSA key generation failed", e))?;
            let doc = key
                .to_pkcs8_der()
                .map_err(|e| SignError::key_load("cannot encode the RSA key", e))?;
            Ok(Zeroizing::new(doc.as_bytes().to_vec()))
        }
    }
}
