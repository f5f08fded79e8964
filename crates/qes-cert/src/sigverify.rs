//! Signature verification over bytes as received (RFC 5280 §4.1.1.2, §6.1.3 (a)(1)).
//!
//! One entry point, [`verify_signature`], takes the signature `AlgorithmIdentifier`, the
//! signer's `SubjectPublicKeyInfo`, the signed bytes and an [`AlgorithmPolicy`]. `ring` does
//! the maths wherever it supports the combination; RustCrypto (`rsa`, `p256`, `p384`, `dsa`)
//! covers the rest (SHA-224, RSA keys between 1024 and 2048 bits with SHA-384, RSA-PSS with a
//! non-default salt, ECDSA with SHA-1/SHA-224/SHA-512, DSA).
//!
//! Algorithms (RFC 3279, RFC 4055, RFC 5758, RFC 8410):
//!
//! ```text
//! AlgorithmIdentifier  ::=  SEQUENCE  {
//!      algorithm               OBJECT IDENTIFIER,
//!      parameters              ANY DEFINED BY algorithm OPTIONAL  }
//!
//! RSASSA-PSS-params  ::=  SEQUENCE  {                    -- RFC 4055 §3.1
//!      hashAlgorithm      [0] HashAlgorithm DEFAULT sha1Identifier,
//!      maskGenAlgorithm   [1] MaskGenAlgorithm DEFAULT mgf1SHA1Identifier,
//!      saltLength         [2] INTEGER DEFAULT 20,
//!      trailerField       [3] INTEGER DEFAULT 1  }
//!
//! Dss-Parms  ::=  SEQUENCE  {  p INTEGER, q INTEGER, g INTEGER  }   -- RFC 3279 §2.3.2
//! ```

use const_oid::ObjectIdentifier;
use der::asn1::{AnyRef, UintRef};
use der::{Decode, Sequence};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

/// OIDs of the algorithms this module knows (RFC 3279, RFC 4055, RFC 5758, RFC 8410).
pub(crate) mod oids {
    use const_oid::ObjectIdentifier as Oid;
    pub const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    pub const SHA1_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
    pub const SHA224_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.14");
    pub const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
    pub const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
    pub const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
    pub const RSASSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
    pub const MGF1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.8");
    pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    pub const SECP256R1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    pub const SECP384R1: Oid = Oid::new_unwrap("1.3.132.0.34");
    pub const ECDSA_SHA1: Oid = Oid::new_unwrap("1.2.840.10045.4.1");
    pub const ECDSA_SHA224: Oid = Oid::new_unwrap("1.2.840.10045.4.3.1");
    pub const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
    pub const ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
    pub const ECDSA_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
    pub const ED25519: Oid = Oid::new_unwrap("1.3.101.112");
    pub const DSA: Oid = Oid::new_unwrap("1.2.840.10040.4.1");
    pub const DSA_SHA1: Oid = Oid::new_unwrap("1.2.840.10040.4.3");
    pub const DSA_SHA224: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.1");
    pub const DSA_SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.3.2");
    pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
    pub const SHA224: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.4");
    pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
    pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
    pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
}

/// Whether SHA-1 based signatures are accepted (SHA-1 collisions are practical since 2017).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Sha1Policy {
    /// Reject every SHA-1 signature (the default).
    Reject,
    /// Accept SHA-1 signatures: only for legacy data and test suites such as NIST PKITS.
    AllowLegacy,
}

/// Whether DSA signatures (FIPS 186-4, withdrawn for new signatures by FIPS 186-5) are accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DsaPolicy {
    /// Reject DSA (the default).
    Reject,
    /// Accept DSA: only for legacy data and test suites such as NIST PKITS.
    AllowLegacy,
}

/// Which signature algorithms and key sizes are acceptable (RFC 5280 §6.1.3 (a)(1) leaves the
/// choice to the relying party).
///
/// [`AlgorithmPolicy::default`] is the strict policy: no SHA-1, no DSA, RSA keys of at least
/// 2048 bits. [`AlgorithmPolicy::legacy`] names what a test suite from 2011 needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AlgorithmPolicy {
    sha1: Sha1Policy,
    dsa: DsaPolicy,
    min_rsa_bits: usize,
}

impl Default for AlgorithmPolicy {
    fn default() -> Self {
        Self::strict()
    }
}

/// Largest RSA modulus accepted (bits), against denial of service.
pub const MAX_RSA_BITS: usize = 8192;
/// Largest DSA prime accepted (bits), against denial of service.
pub const MAX_DSA_BITS: usize = 3072;

impl AlgorithmPolicy {
    /// No SHA-1, no DSA, RSA ≥ 2048 bits.
    pub const fn strict() -> Self {
        Self {
            sha1: Sha1Policy::Reject,
            dsa: DsaPolicy::Reject,
            min_rsa_bits: 2048,
        }
    }

    /// SHA-1 and DSA allowed, RSA ≥ 1024 bits: legacy data only (e.g. NIST PKITS).
    pub const fn legacy() -> Self {
        Self {
            sha1: Sha1Policy::AllowLegacy,
            dsa: DsaPolicy::AllowLegacy,
            min_rsa_bits: 1024,
        }
    }

    /// Set the SHA-1 policy.
    pub const fn with_sha1(mut self, sha1: Sha1Policy) -> Self {
        self.sha1 = sha1;
        self
    }

    /// Set the DSA policy.
    pub const fn with_dsa(mut self, dsa: DsaPolicy) -> Self {
        self.dsa = dsa;
        self
    }

    /// Set the minimum RSA modulus size in bits (values below 1024 are raised to 1024).
    pub const fn with_min_rsa_bits(mut self, bits: usize) -> Self {
        self.min_rsa_bits = if bits < 1024 { 1024 } else { bits };
        self
    }

    /// The SHA-1 policy.
    pub const fn sha1(&self) -> Sha1Policy {
        self.sha1
    }

    /// The DSA policy.
    pub const fn dsa(&self) -> DsaPolicy {
        self.dsa
    }

    /// The minimum RSA modulus size in bits.
    pub const fn min_rsa_bits(&self) -> usize {
        self.min_rsa_bits
    }
}

/// Why a signature did not verify (RFC 5280 §4.1.1.2 / §6.1.3 (a)(1)).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature algorithm is not supported (or not with this key type / curve / hash).
    #[error("unsupported signature algorithm {oid}")]
    UnsupportedAlgorithm {
        /// The signature algorithm.
        oid: ObjectIdentifier,
    },
    /// The public key algorithm is not supported.
    #[error("unsupported public key algorithm {oid}")]
    UnsupportedKey {
        /// The key algorithm (or the curve).
        oid: ObjectIdentifier,
    },
    /// The signature algorithm does not fit the key (e.g. ECDSA with an RSA key).
    #[error("signature algorithm {signature} does not fit a {key} key")]
    AlgorithmKeyMismatch {
        /// The signature algorithm.
        signature: ObjectIdentifier,
        /// The key algorithm.
        key: ObjectIdentifier,
    },
    /// The algorithm parameters are malformed or not allowed for this algorithm.
    #[error("malformed parameters for algorithm {oid}")]
    MalformedParameters {
        /// The algorithm.
        oid: ObjectIdentifier,
    },
    /// The public key does not decode.
    #[error("malformed public key")]
    MalformedKey,
    /// SHA-1 is rejected by the [`AlgorithmPolicy`].
    #[error("SHA-1 signatures are rejected by policy")]
    Sha1Rejected,
    /// DSA is rejected by the [`AlgorithmPolicy`].
    #[error("DSA signatures are rejected by policy")]
    DsaRejected,
    /// The RSA modulus is smaller than the policy minimum or larger than [`MAX_RSA_BITS`].
    #[error("RSA key of {bits} bits outside the accepted range ({min}..={MAX_RSA_BITS})")]
    RsaKeySize {
        /// Modulus size.
        bits: usize,
        /// Policy minimum.
        min: usize,
    },
    /// The DSA parameters are missing (and none were inherited) or too large.
    #[error("DSA parameters missing or too large")]
    DsaParameters,
    /// The signature value is wrong.
    #[error("signature does not verify")]
    BadSignature,
}

type SigResult<T> = Result<T, SignatureError>;

/// Hash functions used inside signature algorithms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn from_oid(oid: ObjectIdentifier) -> Option<Self> {
        Some(match oid {
            oids::SHA1 => Self::Sha1,
            oids::SHA224 => Self::Sha224,
            oids::SHA256 => Self::Sha256,
            oids::SHA384 => Self::Sha384,
            oids::SHA512 => Self::Sha512,
            _ => return None,
        })
    }

    fn len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha224 => 28,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    fn digest(self, msg: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        match self {
            Self::Sha1 => sha1::Sha1::digest(msg).to_vec(),
            Self::Sha224 => sha2::Sha224::digest(msg).to_vec(),
            Self::Sha256 => sha2::Sha256::digest(msg).to_vec(),
            Self::Sha384 => sha2::Sha384::digest(msg).to_vec(),
            Self::Sha512 => sha2::Sha512::digest(msg).to_vec(),
        }
    }
}

/// Digest `msg` with the hash function named by `oid` (SHA-1, SHA-224/256/384/512).
pub(crate) fn digest_by_oid(oid: ObjectIdentifier, msg: &[u8]) -> Option<Vec<u8>> {
    Hash::from_oid(oid).map(|h| h.digest(msg))
}

/// What the signature algorithm identifier asks for.
#[derive(Clone, Copy, Debug)]
enum Scheme {
    RsaPkcs1(Hash),
    RsaPss {
        hash: Hash,
        mgf1: Hash,
        salt_len: usize,
    },
    Ecdsa(Hash),
    Ed25519,
    Dsa(Hash),
}

/// RFC 4055 §3.1 RSASSA-PSS-params.
#[derive(Sequence)]
struct PssParams {
    #[asn1(context_specific = "0", optional = "true")]
    hash: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "1", optional = "true")]
    mask_gen: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "2", optional = "true")]
    salt_len: Option<u32>,
    #[asn1(context_specific = "3", optional = "true")]
    trailer: Option<u32>,
}

/// Parameters of a hash AlgorithmIdentifier must be absent or NULL (RFC 4055 §2.1).
fn hash_of(alg: &AlgorithmIdentifierOwned, outer: ObjectIdentifier) -> SigResult<Hash> {
    if let Some(p) = &alg.parameters {
        if !p.is_null() {
            return Err(SignatureError::MalformedParameters { oid: outer });
        }
    }
    Hash::from_oid(alg.oid).ok_or(SignatureError::UnsupportedAlgorithm { oid: outer })
}

fn params_absent_or_null(alg: &AlgorithmIdentifierOwned) -> bool {
    alg.parameters.as_ref().is_none_or(|p| p.is_null())
}

fn scheme_of(alg: &AlgorithmIdentifierOwned) -> SigResult<Scheme> {
    let oid = alg.oid;
    let bad_params = || SignatureError::MalformedParameters { oid };
    let scheme = match oid {
        oids::SHA1_WITH_RSA => Scheme::RsaPkcs1(Hash::Sha1),
        oids::SHA224_WITH_RSA => Scheme::RsaPkcs1(Hash::Sha224),
        oids::SHA256_WITH_RSA => Scheme::RsaPkcs1(Hash::Sha256),
        oids::SHA384_WITH_RSA => Scheme::RsaPkcs1(Hash::Sha384),
        oids::SHA512_WITH_RSA => Scheme::RsaPkcs1(Hash::Sha512),
        oids::RSASSA_PSS => {
            let params = alg.parameters.as_ref().ok_or_else(bad_params)?;
            let params: PssParams = params.decode_as().map_err(|_| bad_params())?;
            let hash = match &params.hash {
                Some(h) => hash_of(h, oid)?,
                None => Hash::Sha1,
            };
            let mgf1 = match &params.mask_gen {
                Some(m) => {
                    if m.oid != oids::MGF1 {
                        return Err(SignatureError::UnsupportedAlgorithm { oid });
                    }
                    let inner = m.parameters.as_ref().ok_or_else(bad_params)?;
                    let inner: AlgorithmIdentifierOwned =
                        inner.decode_as().map_err(|_| bad_params())?;
                    hash_of(&inner, oid)?
                }
                None => Hash::Sha1,
            };
            if params.trailer.is_some_and(|t| t != 1) {
                return Err(bad_params());
            }
            let salt_len =
                usize::try_from(params.salt_len.unwrap_or(20)).map_err(|_| bad_params())?;
            return Ok(Scheme::RsaPss {
                hash,
                mgf1,
                salt_len,
            });
        }
        oids::ECDSA_SHA1 => Scheme::Ecdsa(Hash::Sha1),
        oids::ECDSA_SHA224 => Scheme::Ecdsa(Hash::Sha224),
        oids::ECDSA_SHA256 => Scheme::Ecdsa(Hash::Sha256),
        oids::ECDSA_SHA384 => Scheme::Ecdsa(Hash::Sha384),
        oids::ECDSA_SHA512 => Scheme::Ecdsa(Hash::Sha512),
        oids::ED25519 => Scheme::Ed25519,
        oids::DSA_SHA1 => Scheme::Dsa(Hash::Sha1),
        oids::DSA_SHA224 => Scheme::Dsa(Hash::Sha224),
        oids::DSA_SHA256 => Scheme::Dsa(Hash::Sha256),
        _ => return Err(SignatureError::UnsupportedAlgorithm { oid }),
    };
    // RFC 4055 §5 (RSA PKCS#1: NULL, tolerated absent), RFC 5758 §3.2 (ECDSA, DSA: absent),
    // RFC 8410 §3 (Ed25519: absent).
    let ok = match scheme {
        Scheme::RsaPkcs1(_) => params_absent_or_null(alg),
        _ => {
            alg.parameters.is_none()
                || (matches!(scheme, Scheme::Dsa(_)) && params_absent_or_null(alg))
        }
    };
    if !ok {
        return Err(bad_params());
    }
    Ok(scheme)
}

/// Verify `signature` over `message` (the bytes as received) with the key in `spki`.
///
/// # Errors
/// A [`SignatureError`] naming the reason: unsupported or mismatched algorithm, rejected by
/// `policy`, malformed key or parameters, or [`SignatureError::BadSignature`].
pub fn verify_signature(
    algorithm: &AlgorithmIdentifierOwned,
    spki: &SubjectPublicKeyInfoOwned,
    message: &[u8],
    signature: &[u8],
    policy: &AlgorithmPolicy,
) -> SigResult<()> {
    verify_signature_inheriting(algorithm, spki, None, message, signature, policy)
}

/// As [`verify_signature`], with DSA domain parameters inherited from the issuer's key when
/// the key's own parameters are absent (RFC 5280 §6.1.4 (f), RFC 3279 §2.3.2).
pub(crate) fn verify_signature_inheriting(
    algorithm: &AlgorithmIdentifierOwned,
    spki: &SubjectPublicKeyInfoOwned,
    inherited_dsa_params: Option<&der::Any>,
    message: &[u8],
    signature: &[u8],
    policy: &AlgorithmPolicy,
) -> SigResult<()> {
    let scheme = scheme_of(algorithm)?;
    let key_oid = spki.algorithm.oid;
    let key_bits = spki
        .subject_public_key
        .as_bytes()
        .ok_or(SignatureError::MalformedKey)?;
    let mismatch = || SignatureError::AlgorithmKeyMismatch {
        signature: algorithm.oid,
        key: key_oid,
    };
    let uses_sha1 = match scheme {
        Scheme::RsaPkcs1(h) | Scheme::Ecdsa(h) | Scheme::Dsa(h) => h == Hash::Sha1,
        Scheme::RsaPss { hash, .. } => hash == Hash::Sha1,
        Scheme::Ed25519 => false,
    };
    if uses_sha1 && policy.sha1 == Sha1Policy::Reject {
        return Err(SignatureError::Sha1Rejected);
    }
    match scheme {
        Scheme::RsaPkcs1(_) | Scheme::RsaPss { .. } => {
            if key_oid != oids::RSA_ENCRYPTION && key_oid != oids::RSASSA_PSS {
                return Err(mismatch());
            }
            if key_oid == oids::RSA_ENCRYPTION && !params_absent_or_null(&spki.algorithm) {
                return Err(SignatureError::MalformedKey);
            }
            if key_oid == oids::RSASSA_PSS && matches!(scheme, Scheme::RsaPkcs1(_)) {
                return Err(mismatch());
            }
            // RFC 4055 §3.3: an id-RSASSA-PSS key with parameters may only sign with the same
            // hash and mask generation function and a salt at least as long.
            if let (
                Scheme::RsaPss {
                    hash,
                    mgf1,
                    salt_len,
                },
                true,
            ) = (scheme, key_oid == oids::RSASSA_PSS)
            {
                if !params_absent_or_null(&spki.algorithm) {
                    match scheme_of(&spki.algorithm).map_err(|_| SignatureError::MalformedKey)? {
                        Scheme::RsaPss {
                            hash: key_hash,
                            mgf1: key_mgf1,
                            salt_len: key_salt,
                        } if key_hash == hash && key_mgf1 == mgf1 && salt_len >= key_salt => {}
                        _ => return Err(mismatch()),
                    }
                }
            }
            verify_rsa(scheme, key_bits, message, signature, policy)
        }
        Scheme::Ecdsa(hash) => {
            if key_oid != oids::EC_PUBLIC_KEY {
                return Err(mismatch());
            }
            let curve: ObjectIdentifier = spki
                .algorithm
                .parameters
                .as_ref()
                .ok_or(SignatureError::MalformedKey)?
                .decode_as()
                .map_err(|_| SignatureError::MalformedKey)?;
            verify_ecdsa(curve, hash, key_bits, message, signature)
        }
        Scheme::Ed25519 => {
            if key_oid != oids::ED25519 {
                return Err(mismatch());
            }
            if spki.algorithm.parameters.is_some() {
                return Err(SignatureError::MalformedKey);
            }
            ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, key_bits)
                .verify(message, signature)
                .map_err(|_| SignatureError::BadSignature)
        }
        Scheme::Dsa(hash) => {
            if key_oid != oids::DSA {
                return Err(mismatch());
            }
            if policy.dsa == DsaPolicy::Reject {
                return Err(SignatureError::DsaRejected);
            }
            let params = match &spki.algorithm.parameters {
                Some(p) if !p.is_null() => p,
                _ => inherited_dsa_params.ok_or(SignatureError::DsaParameters)?,
            };
            verify_dsa(params, key_bits, hash, message, signature)
        }
    }
}

/// The bit length of a big-endian unsigned integer.
fn bit_len(bytes: &[u8]) -> usize {
    let mut iter = bytes.iter().skip_while(|b| **b == 0);
    let Some(first) = iter.next() else { return 0 };
    let rest = iter.count();
    let lead = usize::try_from(u8::BITS - first.leading_zeros()).unwrap_or(0);
    rest.saturating_mul(8).saturating_add(lead)
}

fn verify_rsa(
    scheme: Scheme,
    key: &[u8],
    message: &[u8],
    signature: &[u8],
    policy: &AlgorithmPolicy,
) -> SigResult<()> {
    use ring::signature as r;
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }   -- RFC 8017 A.1.1
    #[derive(Sequence)]
    struct RsaPublicKey<'a> {
        modulus: UintRef<'a>,
        exponent: UintRef<'a>,
    }
    let parsed = RsaPublicKey::from_der(key).map_err(|_| SignatureError::MalformedKey)?;
    let bits = bit_len(parsed.modulus.as_bytes());
    if bits < policy.min_rsa_bits || bits > MAX_RSA_BITS {
        return Err(SignatureError::RsaKeySize {
            bits,
            min: policy.min_rsa_bits,
        });
    }
    let big = bits >= 2048;
    let ring_alg: Option<&'static dyn r::VerificationAlgorithm> = match scheme {
        Scheme::RsaPkcs1(Hash::Sha1) => Some(&r::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY),
        Scheme::RsaPkcs1(Hash::Sha256) if big => Some(&r::RSA_PKCS1_2048_8192_SHA256),
        Scheme::RsaPkcs1(Hash::Sha256) => Some(&r::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY),
        Scheme::RsaPkcs1(Hash::Sha384) if big => Some(&r::RSA_PKCS1_2048_8192_SHA384),
        Scheme::RsaPkcs1(Hash::Sha512) if big => Some(&r::RSA_PKCS1_2048_8192_SHA512),
        Scheme::RsaPkcs1(Hash::Sha512) => Some(&r::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY),
        Scheme::RsaPss {
            hash,
            mgf1,
            salt_len,
        } if big && hash == mgf1 && salt_len == hash.len() => match hash {
            Hash::Sha256 => Some(&r::RSA_PSS_2048_8192_SHA256),
            Hash::Sha384 => Some(&r::RSA_PSS_2048_8192_SHA384),
            Hash::Sha512 => Some(&r::RSA_PSS_2048_8192_SHA512),
            _ => None,
        },
        _ => None,
    };
    if let Some(alg) = ring_alg {
        return r::UnparsedPublicKey::new(alg, key)
            .verify(message, signature)
            .map_err(|_| SignatureError::BadSignature);
    }
    // RustCrypto `rsa` for the combinations ring does not offer.
    let n = rsa::BigUint::from_bytes_be(parsed.modulus.as_bytes());
    let e = rsa::BigUint::from_bytes_be(parsed.exponent.as_bytes());
    let public = rsa::RsaPublicKey::new_with_max_size(n, e, MAX_RSA_BITS)
        .map_err(|_| SignatureError::MalformedKey)?;
    match scheme {
        Scheme::RsaPkcs1(hash) => {
            let padding = match hash {
                Hash::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
                Hash::Sha224 => rsa::Pkcs1v15Sign::new::<sha2::Sha224>(),
                Hash::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                Hash::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                Hash::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
            };
            public
                .verify(padding, &hash.digest(message), signature)
                .map_err(|_| SignatureError::BadSignature)
        }
        Scheme::RsaPss {
            hash,
            mgf1,
            salt_len,
        } => {
            if hash != mgf1 {
                return Err(SignatureError::UnsupportedAlgorithm {
                    oid: oids::RSASSA_PSS,
                });
            }
            let padding = match hash {
                Hash::Sha1 => rsa::Pss::new_with_salt::<sha1::Sha1>(salt_len),
                Hash::Sha224 => rsa::Pss::new_with_salt::<sha2::Sha224>(salt_len),
                Hash::Sha256 => rsa::Pss::new_with_salt::<sha2::Sha256>(salt_len),
                Hash::Sha384 => rsa::Pss::new_with_salt::<sha2::Sha384>(salt_len),
                Hash::Sha512 => rsa::Pss::new_with_salt::<sha2::Sha512>(salt_len),
            };
            public
                .verify(padding, &hash.digest(message), signature)
                .map_err(|_| SignatureError::BadSignature)
        }
        _ => Err(SignatureError::MalformedKey),
    }
}

fn verify_ecdsa(
    curve: ObjectIdentifier,
    hash: Hash,
    key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> SigResult<()> {
    use ring::signature as r;
    use signature::hazmat::PrehashVerifier;
    let ring_alg: Option<&'static dyn r::VerificationAlgorithm> = match (curve, hash) {
        (oids::SECP256R1, Hash::Sha256) => Some(&r::ECDSA_P256_SHA256_ASN1),
        (oids::SECP256R1, Hash::Sha384) => Some(&r::ECDSA_P256_SHA384_ASN1),
        (oids::SECP384R1, Hash::Sha256) => Some(&r::ECDSA_P384_SHA256_ASN1),
        (oids::SECP384R1, Hash::Sha384) => Some(&r::ECDSA_P384_SHA384_ASN1),
        _ => None,
    };
    if let Some(alg) = ring_alg {
        return r::UnparsedPublicKey::new(alg, key)
            .verify(message, signature)
            .map_err(|_| SignatureError::BadSignature);
    }
    let digest = hash.digest(message);
    match curve {
        oids::SECP256R1 => {
            let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(key)
                .map_err(|_| SignatureError::MalformedKey)?;
            let sig = p256::ecdsa::Signature::from_der(signature)
                .map_err(|_| SignatureError::BadSignature)?;
            vk.verify_prehash(&digest, &sig)
                .map_err(|_| SignatureError::BadSignature)
        }
        oids::SECP384R1 => {
            let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(key)
                .map_err(|_| SignatureError::MalformedKey)?;
            let sig = p384::ecdsa::Signature::from_der(signature)
                .map_err(|_| SignatureError::BadSignature)?;
            vk.verify_prehash(&digest, &sig)
                .map_err(|_| SignatureError::BadSignature)
        }
        other => Err(SignatureError::UnsupportedKey { oid: other }),
    }
}

fn verify_dsa(
    params: &der::Any,
    key: &[u8],
    hash: Hash,
    message: &[u8],
    signature: &[u8],
) -> SigResult<()> {
    use dsa::BigUint;
    use signature::hazmat::PrehashVerifier;
    // Dss-Parms ::= SEQUENCE { p INTEGER, q INTEGER, g INTEGER }   -- RFC 3279 §2.3.2
    #[derive(Sequence)]
    struct DssParms<'a> {
        p: UintRef<'a>,
        q: UintRef<'a>,
        g: UintRef<'a>,
    }
    let parms: DssParms<'_> = AnyRef::from(params)
        .decode_as()
        .map_err(|_| SignatureError::DsaParameters)?;
    // FIPS 186-4 §4.2: N = len(q) is 160, 224 or 256 bits; 1 < g < p and 1 < y < p. Bounding
    // q and g (not only p) bounds the cost of the modular exponentiations.
    if bit_len(parms.p.as_bytes()) > MAX_DSA_BITS
        || !matches!(bit_len(parms.q.as_bytes()), 160 | 224 | 256)
    {
        return Err(SignatureError::DsaParameters);
    }
    let p = BigUint::from_bytes_be(parms.p.as_bytes());
    let g = BigUint::from_bytes_be(parms.g.as_bytes());
    if g >= p {
        return Err(SignatureError::DsaParameters);
    }
    let y = UintRef::from_der(key).map_err(|_| SignatureError::MalformedKey)?;
    let y = BigUint::from_bytes_be(y.as_bytes());
    if y >= p {
        return Err(SignatureError::MalformedKey);
    }
    let components =
        dsa::Components::from_components(p, BigUint::from_bytes_be(parms.q.as_bytes()), g)
            .map_err(|_| SignatureError::DsaParameters)?;
    let vk = dsa::VerifyingKey::from_components(components, y)
        .map_err(|_| SignatureError::MalformedKey)?;
    let sig = dsa::Signature::try_from(signature).map_err(|_| SignatureError::BadSignature)?;
    vk.verify_prehash(&hash.digest(message), &sig)
        .map_err(|_| SignatureError::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let len = content.len();
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        if len >= 0x80 {
            out.push(0x80 | u8::try_from(bytes.len()).unwrap());
        }
        out.extend(bytes);
        out.extend_from_slice(content);
        out
    }

    fn dss_parms(p: &[u8], q: &[u8], g: &[u8]) -> der::Any {
        let seq = tlv(0x30, &[tlv(2, p), tlv(2, q), tlv(2, g)].concat());
        der::Any::from_der(&seq).unwrap()
    }

    /// Review D4: DSA q (and g, y) are bounded, not only p.
    #[test]
    fn dsa_parameters_are_bounded() {
        let mut p = vec![0x00, 0x80];
        p.extend([0u8; 126]);
        p.push(1); // 1024-bit p
        let mut big_q = vec![0x00, 0x80];
        big_q.extend([0u8; 124]); // 1000-bit q
        let mut q160 = vec![0x00, 0x80];
        q160.extend([0u8; 19]);
        let y = tlv(2, &[3]);
        let run = |params: &der::Any, y: &[u8]| {
            verify_dsa(
                params,
                y,
                Hash::Sha256,
                b"m",
                &tlv(0x30, &[tlv(2, &[1]), tlv(2, &[1])].concat()),
            )
        };
        assert_eq!(
            run(&dss_parms(&p, &big_q, &[2]), &y),
            Err(SignatureError::DsaParameters)
        );
        assert_eq!(
            run(&dss_parms(&p, &q160, &p), &y),
            Err(SignatureError::DsaParameters)
        );
        assert_eq!(
            run(&dss_parms(&p, &q160, &[2]), &tlv(2, &p)),
            Err(SignatureError::MalformedKey)
        );
    }

    fn pss(hash: ObjectIdentifier, salt: u32) -> AlgorithmIdentifierOwned {
        use der::Encode;
        let h = AlgorithmIdentifierOwned {
            oid: hash,
            parameters: None,
        };
        let mgf = AlgorithmIdentifierOwned {
            oid: oids::MGF1,
            parameters: Some(der::Any::from_der(&h.to_der().unwrap()).unwrap()),
        };
        let params = PssParams {
            hash: Some(h),
            mask_gen: Some(mgf),
            salt_len: Some(salt),
            trailer: None,
        };
        AlgorithmIdentifierOwned {
            oid: oids::RSASSA_PSS,
            parameters: Some(der::Any::from_der(&params.to_der().unwrap()).unwrap()),
        }
    }

    /// Review (lower): RSASSA-PSS key parameters bind the signature's (RFC 4055 §3.3).
    #[test]
    fn pss_key_parameters_are_enforced() {
        let key = |alg| SubjectPublicKeyInfoOwned {
            algorithm: alg,
            subject_public_key: der::asn1::BitString::from_bytes(&[0x30, 0]).unwrap(),
        };
        let policy = AlgorithmPolicy::default();
        let mismatch = Err(SignatureError::AlgorithmKeyMismatch {
            signature: oids::RSASSA_PSS,
            key: oids::RSASSA_PSS,
        });
        for (sig, k) in [
            (pss(oids::SHA256, 32), pss(oids::SHA512, 64)),
            (pss(oids::SHA256, 20), pss(oids::SHA256, 32)),
        ] {
            assert_eq!(
                verify_signature(&sig, &key(k), b"m", b"s", &policy),
                mismatch
            );
        }
        // Matching parameters get past the check (and fail later on the dummy key).
        let r = verify_signature(
            &pss(oids::SHA256, 32),
            &key(pss(oids::SHA256, 32)),
            b"m",
            b"s",
            &policy,
        );
        assert_ne!(r, mismatch);
        assert!(r.is_err());
    }

    #[test]
    fn bit_length() {
        assert_eq!(bit_len(&[0, 0, 1]), 1);
        assert_eq!(bit_len(&[0x80, 0]), 16);
        assert_eq!(bit_len(&[]), 0);
    }

    #[test]
    fn sha1_rejected_by_default() {
        let alg = AlgorithmIdentifierOwned {
            oid: oids::SHA1_WITH_RSA,
            parameters: None,
        };
        let spki = SubjectPublicKeyInfoOwned {
            algorithm: AlgorithmIdentifierOwned {
                oid: oids::RSA_ENCRYPTION,
                parameters: None,
            },
            subject_public_key: der::asn1::BitString::from_bytes(&[0x30, 0]).unwrap(),
        };
        let err = verify_signature(&alg, &spki, b"x", b"y", &AlgorithmPolicy::default());
        assert_eq!(err, Err(SignatureError::Sha1Rejected));
    }
}
