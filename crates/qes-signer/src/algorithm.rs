//! Digest and signature algorithms a [`Signer`](crate::Signer) can produce, with their
//! AlgorithmIdentifiers (RFC 5754 §2 digests, RFC 4055 §5 / RFC 8017 RSA, RFC 5758 §3.2 ECDSA,
//! RFC 4055 §3.1 RSASSA-PSS parameters).

use const_oid::ObjectIdentifier;
use sha2::Digest as _;
use spki::AlgorithmIdentifierOwned;

/// A hash function of the SHA-2 family (FIPS 180-4), identified per RFC 5754 §2.
///
/// ```text
/// id-sha256 OBJECT IDENTIFIER ::= { 2 16 840 1 101 3 4 2 1 }
/// id-sha384 OBJECT IDENTIFIER ::= { 2 16 840 1 101 3 4 2 2 }
/// id-sha512 OBJECT IDENTIFIER ::= { 2 16 840 1 101 3 4 2 3 }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// SHA-256 (32-byte output).
    Sha256,
    /// SHA-384 (48-byte output).
    Sha384,
    /// SHA-512 (64-byte output).
    Sha512,
}

impl DigestAlgorithm {
    /// Every digest algorithm, strongest last.
    pub const ALL: [DigestAlgorithm; 3] = [Self::Sha256, Self::Sha384, Self::Sha512];

    /// The algorithm's object identifier.
    pub const fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Sha256 => const_oid::db::rfc5912::ID_SHA_256,
            Self::Sha384 => const_oid::db::rfc5912::ID_SHA_384,
            Self::Sha512 => const_oid::db::rfc5912::ID_SHA_512,
        }
    }

    /// The digest algorithm with this OID, if it is one of ours.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.oid() == *oid)
    }

    /// The AlgorithmIdentifier with parameters absent (RFC 5754 §2: "implementations MUST
    /// accept ... absent" and SHOULD generate absent).
    pub fn algorithm_identifier(self) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: self.oid(),
            parameters: None,
        }
    }

    /// Output length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    /// A short stable name (`SHA-256`, …).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Sha256 => "SHA-256",
            Self::Sha384 => "SHA-384",
            Self::Sha512 => "SHA-512",
        }
    }

    /// Digest `data` in one call.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut hasher = self.hasher();
        hasher.update(data);
        hasher.finish()
    }

    /// A streaming hasher, for inputs read in pieces (detached signing of a large file).
    pub fn hasher(self) -> Hasher {
        Hasher(match self {
            Self::Sha256 => HasherState::Sha256(sha2::Sha256::new()),
            Self::Sha384 => HasherState::Sha384(sha2::Sha384::new()),
            Self::Sha512 => HasherState::Sha512(sha2::Sha512::new()),
        })
    }
}

impl std::fmt::Display for DigestAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A streaming [`DigestAlgorithm`] computation; also an [`std::io::Write`] sink, so
/// `std::io::copy(&mut file, &mut hasher)` hashes a file in one pass.
#[derive(Clone)]
pub struct Hasher(HasherState);

#[derive(Clone)]
enum HasherState {
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    /// Feed more bytes.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.0 {
            HasherState::Sha256(h) => h.update(data),
            HasherState::Sha384(h) => h.update(data),
            HasherState::Sha512(h) => h.update(data),
        }
    }

    /// The digest of everything fed so far.
    pub fn finish(self) -> Vec<u8> {
        match self.0 {
            HasherState::Sha256(h) => h.finalize().to_vec(),
            HasherState::Sha384(h) => h.finalize().to_vec(),
            HasherState::Sha512(h) => h.finalize().to_vec(),
        }
    }

    /// Which algorithm this hasher computes.
    pub fn algorithm(&self) -> DigestAlgorithm {
        match self.0 {
            HasherState::Sha256(_) => DigestAlgorithm::Sha256,
            HasherState::Sha384(_) => DigestAlgorithm::Sha384,
            HasherState::Sha512(_) => DigestAlgorithm::Sha512,
        }
    }
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Hasher").field(&self.algorithm()).finish()
    }
}

impl std::io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A signature scheme together with its hash: what a [`Signer`](crate::Signer) is asked to
/// produce, and what ends up in `SignerInfo.signatureAlgorithm` or
/// `Certificate.signatureAlgorithm`.
///
/// RSASSA-PSS always uses MGF1 with the same hash, a salt as long as the hash and trailer field 1
/// (RFC 4055 §3.1, the only PSS profile ETSI TS 119 312 lists).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2), e.g. `sha256WithRSAEncryption`.
    RsaPkcs1v15(DigestAlgorithm),
    /// RSASSA-PSS (RFC 8017 §8.1), `id-RSASSA-PSS` with explicit parameters.
    RsaPss(DigestAlgorithm),
    /// ECDSA (FIPS 186-5), e.g. `ecdsa-with-SHA256`; the signature is a DER `Ecdsa-Sig-Value`.
    Ecdsa(DigestAlgorithm),
}

impl SignatureAlgorithm {
    /// The hash the scheme signs.
    pub const fn digest(self) -> DigestAlgorithm {
        match self {
            Self::RsaPkcs1v15(d) | Self::RsaPss(d) | Self::Ecdsa(d) => d,
        }
    }

    /// A stable name (`RSA-PKCS1-SHA256`, `RSA-PSS-SHA256`, `ECDSA-SHA256`, …).
    pub const fn name(self) -> &'static str {
        use DigestAlgorithm::{Sha256, Sha384, Sha512};
        match self {
            Self::RsaPkcs1v15(Sha256) => "RSA-PKCS1-SHA256",
            Self::RsaPkcs1v15(Sha384) => "RSA-PKCS1-SHA384",
            Self::RsaPkcs1v15(Sha512) => "RSA-PKCS1-SHA512",
            Self::RsaPss(Sha256) => "RSA-PSS-SHA256",
            Self::RsaPss(Sha384) => "RSA-PSS-SHA384",
            Self::RsaPss(Sha512) => "RSA-PSS-SHA512",
            Self::Ecdsa(Sha256) => "ECDSA-SHA256",
            Self::Ecdsa(Sha384) => "ECDSA-SHA384",
            Self::Ecdsa(Sha512) => "ECDSA-SHA512",
        }
    }

    /// Whether a key of `kind` can produce this signature.
    pub const fn fits(self, kind: KeyKind) -> bool {
        matches!(
            (self, kind),
            (Self::RsaPkcs1v15(_) | Self::RsaPss(_), KeyKind::Rsa { .. })
                | (Self::Ecdsa(_), KeyKind::Ec(_))
        )
    }
}

impl std::fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// An elliptic curve a signer's key may be on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Curve {
    /// NIST P-256 (`secp256r1`, `prime256v1`).
    P256,
    /// NIST P-384 (`secp384r1`).
    P384,
}

impl Curve {
    /// Size of one scalar (`r` or `s`) in bytes.
    pub const fn scalar_len(self) -> usize {
        match self {
            Self::P256 => 32,
            Self::P384 => 48,
        }
    }

    /// The hash this curve is conventionally paired with (P-256 → SHA-256, P-384 → SHA-384).
    pub const fn natural_digest(self) -> DigestAlgorithm {
        match self {
            Self::P256 => DigestAlgorithm::Sha256,
            Self::P384 => DigestAlgorithm::Sha384,
        }
    }
}

/// The kind and size of a signer's key, as its certificate's SubjectPublicKeyInfo says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum KeyKind {
    /// RSA with a modulus of `bits` bits.
    Rsa {
        /// Modulus length in bits.
        bits: usize,
    },
    /// ECDSA on a named curve.
    Ec(Curve),
}

impl KeyKind {
    /// The scheme a signer of this kind uses unless told otherwise: RSA PKCS#1 v1.5 with
    /// SHA-256, ECDSA with the curve's natural hash.
    pub const fn default_algorithm(self) -> SignatureAlgorithm {
        match self {
            Self::Rsa { .. } => SignatureAlgorithm::RsaPkcs1v15(DigestAlgorithm::Sha256),
            Self::Ec(curve) => SignatureAlgorithm::Ecdsa(curve.natural_digest()),
        }
    }
}

mod identifiers {
    //! AlgorithmIdentifier encoding and decoding for [`SignatureAlgorithm`].

    use super::{DigestAlgorithm, SignatureAlgorithm};
    use crate::SignError;
    use const_oid::db::rfc5912;
    use der::{asn1::Null, Any, Decode, Encode};
    use spki::AlgorithmIdentifierOwned;

    impl SignatureAlgorithm {
        /// The AlgorithmIdentifier to put in `signatureAlgorithm`: RSA PKCS#1 v1.5 with NULL
        /// parameters (RFC 4055 §5), ECDSA with parameters absent (RFC 5758 §3.2), RSASSA-PSS
        /// with explicit `RSASSA-PSS-params` (RFC 4055 §3.1).
        ///
        /// # Errors
        /// Only if the PSS parameters cannot be encoded (never for the supported digests).
        pub fn algorithm_identifier(self) -> Result<AlgorithmIdentifierOwned, SignError> {
            use DigestAlgorithm::{Sha256, Sha384, Sha512};
            let (oid, parameters) = match self {
                Self::RsaPkcs1v15(Sha256) => {
                    (rfc5912::SHA_256_WITH_RSA_ENCRYPTION, Some(Any::from(Null)))
                }
                Self::RsaPkcs1v15(Sha384) => {
                    (rfc5912::SHA_384_WITH_RSA_ENCRYPTION, Some(Any::from(Null)))
                }
                Self::RsaPkcs1v15(Sha512) => {
                    (rfc5912::SHA_512_WITH_RSA_ENCRYPTION, Some(Any::from(Null)))
                }
                Self::Ecdsa(Sha256) => (rfc5912::ECDSA_WITH_SHA_256, None),
                Self::Ecdsa(Sha384) => (rfc5912::ECDSA_WITH_SHA_384, None),
                Self::Ecdsa(Sha512) => (rfc5912::ECDSA_WITH_SHA_512, None),
                Self::RsaPss(digest) => {
                    let params = pss_params(digest);
                    let der = params.to_der().map_err(SignError::encoding)?;
                    (
                        rfc5912::ID_RSASSA_PSS,
                        Some(Any::from_der(&der).map_err(SignError::encoding)?),
                    )
                }
            };
            Ok(AlgorithmIdentifierOwned { oid, parameters })
        }

        /// The algorithm an AlgorithmIdentifier names, if it is one a [`crate::Signer`] can be
        /// asked for. `rsaEncryption` (what many CMS producers put in
        /// `SignerInfo.signatureAlgorithm`) needs the separate digest: pass it as `digest`.
        ///
        /// # Errors
        /// [`SignError::UnsupportedAlgorithmIdentifier`] for any other OID, and for PSS
        /// parameters other than "MGF1 with the same hash, salt as long as the hash".
        pub fn from_algorithm_identifier(
            aid: &AlgorithmIdentifierOwned,
            digest: Option<DigestAlgorithm>,
        ) -> Result<Self, SignError> {
            use DigestAlgorithm::{Sha256, Sha384, Sha512};
            let unsupported = || SignError::UnsupportedAlgorithmIdentifier { oid: aid.oid };
            Ok(match aid.oid {
                rfc5912::SHA_256_WITH_RSA_ENCRYPTION => Self::RsaPkcs1v15(Sha256),
                rfc5912::SHA_384_WITH_RSA_ENCRYPTION => Self::RsaPkcs1v15(Sha384),
                rfc5912::SHA_512_WITH_RSA_ENCRYPTION => Self::RsaPkcs1v15(Sha512),
                rfc5912::RSA_ENCRYPTION => Self::RsaPkcs1v15(digest.ok_or_else(unsupported)?),
                rfc5912::ECDSA_WITH_SHA_256 => Self::Ecdsa(Sha256),
                rfc5912::ECDSA_WITH_SHA_384 => Self::Ecdsa(Sha384),
                rfc5912::ECDSA_WITH_SHA_512 => Self::Ecdsa(Sha512),
                rfc5912::ID_RSASSA_PSS => {
                    let params = aid.parameters.as_ref().ok_or_else(unsupported)?;
                    let der = params.to_der().map_err(|_| unsupported())?;
                    let parsed = pkcs1::RsaPssParams::from_der(&der).map_err(|_| unsupported())?;
                    let found = DigestAlgorithm::ALL.into_iter().find(|d| {
                        let expected = pss_params(*d);
                        parsed.hash.oid == expected.hash.oid
                            && parsed.mask_gen.oid == expected.mask_gen.oid
                            && parsed.mask_gen.parameters.as_ref().map(|p| p.oid) == Some(d.oid())
                            && usize::from(parsed.salt_len) == d.output_len()
                            && parsed.trailer_field == expected.trailer_field
                    });
                    Self::RsaPss(found.ok_or_else(unsupported)?)
                }
                _ => return Err(unsupported()),
            })
        }
    }

    /// RFC 4055 §3.1 parameters: MGF1 with the same hash, salt as long as the hash. The hash
    /// AlgorithmIdentifiers carry NULL parameters, as OpenSSL and the `rsa` crate write them.
    fn pss_params(digest: DigestAlgorithm) -> pkcs1::RsaPssParams<'static> {
        let salt = match digest {
            DigestAlgorithm::Sha256 => 32,
            DigestAlgorithm::Sha384 => 48,
            DigestAlgorithm::Sha512 => 64,
        };
        match digest {
            DigestAlgorithm::Sha256 => pkcs1::RsaPssParams::new::<sha2::Sha256>(salt),
            DigestAlgorithm::Sha384 => pkcs1::RsaPssParams::new::<sha2::Sha384>(salt),
            DigestAlgorithm::Sha512 => pkcs1::RsaPssParams::new::<sha2::Sha512>(salt),
        }
    }
}
