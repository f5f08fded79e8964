//! Public keys from token attributes: `CKA_MODULUS`/`CKA_PUBLIC_EXPONENT` (RSA) and
//! `CKA_EC_PARAMS`/`CKA_EC_POINT` (EC) into an X.509 `SubjectPublicKeyInfo`, and `CKA_ID`s.
//! Attribute bytes come from the token: they are parsed with explicit limits, never trusted.

use const_oid::ObjectIdentifier;
use der::asn1::{BitString, OctetStringRef, UintRef};
use der::{Decode, Encode, Sequence};
use qes_signer::{Curve, KeyKind, MAX_RSA_BITS, MIN_RSA_BITS};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::TokenError;

/// The longest `CKA_ID` accepted (bytes). Real tokens use 1–32 (often a SHA-1 of the key).
pub const MAX_KEY_ID_LEN: usize = 64;

const RSA_ENCRYPTION: ObjectIdentifier = const_oid::db::rfc5912::RSA_ENCRYPTION;
const EC_PUBLIC_KEY: ObjectIdentifier = const_oid::db::rfc5912::ID_EC_PUBLIC_KEY;
const SECP256R1: ObjectIdentifier = const_oid::db::rfc5912::SECP_256_R_1;
const SECP384R1: ObjectIdentifier = const_oid::db::rfc5912::SECP_384_R_1;

/// A PKCS#11 object identifier (`CKA_ID`, PKCS#11 v2.40 §4.4): the link between a
/// certificate, its private key and its public key. Shown as lowercase hex.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(Vec<u8>);

impl KeyId {
    /// Wrap raw bytes.
    ///
    /// # Errors
    /// [`TokenError::PublicKey`] when empty or longer than [`MAX_KEY_ID_LEN`].
    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Self, TokenError> {
        let bytes = bytes.into();
        if bytes.is_empty() || bytes.len() > MAX_KEY_ID_LEN {
            return Err(TokenError::PublicKey {
                reason: "CKA_ID must be 1 to 64 bytes",
            });
        }
        Ok(Self(bytes))
    }

    /// Parse hex (case-insensitive, optional `0x`, `:` separators allowed as `pkcs11-tool`
    /// and `p11tool` print them).
    ///
    /// # Errors
    /// [`TokenError::PublicKey`] for non-hex text or a bad length.
    pub fn from_hex(text: &str) -> Result<Self, TokenError> {
        let text = text.trim();
        let text = text
            .strip_prefix("0x")
            .or_else(|| text.strip_prefix("0X"))
            .unwrap_or(text);
        let digits: Vec<u8> = text.bytes().filter(|b| *b != b':').collect();
        if digits.len() % 2 != 0 || digits.len() > 2 * MAX_KEY_ID_LEN {
            return Err(TokenError::PublicKey {
                reason: "CKA_ID hex must have an even number of digits, at most 128",
            });
        }
        let mut bytes = Vec::with_capacity(digits.len() / 2);
        for pair in digits.chunks_exact(2) {
            let (hi, lo) = match pair {
                [hi, lo] => (hex_value(*hi), hex_value(*lo)),
                _ => (None, None),
            };
            match (hi, lo) {
                (Some(hi), Some(lo)) => bytes.push((hi << 4) | lo),
                _ => {
                    return Err(TokenError::PublicKey {
                        reason: "CKA_ID is not hex",
                    })
                }
            }
        }
        Self::new(bytes)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for byte in &self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyId({self})")
    }
}

impl std::str::FromStr for KeyId {
    type Err = TokenError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_hex(s)
    }
}

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }` (RFC 8017 §A.1.1).
#[derive(Sequence)]
struct RsaPublicKey<'a> {
    modulus: UintRef<'a>,
    public_exponent: UintRef<'a>,
}

/// A token key's public half, as the certificate must carry it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenPublicKey {
    /// Kind and size.
    pub kind: KeyKind,
    /// The X.509 `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7; RSA per RFC 3279 §2.3.1, EC per
    /// RFC 5480 §2).
    pub spki: SubjectPublicKeyInfoOwned,
}

/// Build an RSA public key from `CKA_MODULUS` and `CKA_PUBLIC_EXPONENT` (big-endian bytes).
///
/// # Errors
/// [`TokenError::PublicKey`] for a modulus outside `MIN_RSA_BITS..=MAX_RSA_BITS`, an even or
/// tiny exponent, or empty values.
pub fn rsa_public_key(modulus: &[u8], exponent: &[u8]) -> Result<TokenPublicKey, TokenError> {
    let modulus = strip_leading_zeros(modulus);
    let exponent = strip_leading_zeros(exponent);
    let (Some(&first), Some(&last_e)) = (modulus.first(), exponent.last()) else {
        return Err(TokenError::PublicKey {
            reason: "empty RSA modulus or exponent",
        });
    };
    let leading = usize::try_from(first.leading_zeros()).unwrap_or(0);
    let bits = modulus
        .len()
        .checked_mul(8)
        .and_then(|b| b.checked_sub(leading))
        .ok_or(TokenError::PublicKey {
            reason: "RSA modulus length overflows",
        })?;
    if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
        return Err(TokenError::PublicKey {
            reason: "RSA modulus size outside the supported range",
        });
    }
    if exponent.len() > 8 || last_e & 1 == 0 || exponent == [1] {
        return Err(TokenError::PublicKey {
            reason: "RSA public exponent must be odd, greater than 1 and at most 64 bits",
        });
    }
    let key = RsaPublicKey {
        modulus: UintRef::new(modulus)?,
        public_exponent: UintRef::new(exponent)?,
    };
    let spki = SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: RSA_ENCRYPTION,
            parameters: Some(der::Any::from(der::asn1::Null)),
        },
        subject_public_key: BitString::from_bytes(&key.to_der()?)?,
    };
    Ok(TokenPublicKey {
        kind: KeyKind::Rsa { bits },
        spki,
    })
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// The curve named by `CKA_EC_PARAMS` (DER `ECParameters`, RFC 5480 §2.1.1: only
/// `namedCurve` is accepted).
///
/// # Errors
/// [`TokenError::PublicKey`] for anything but the DER OID of P-256 or P-384.
pub fn curve_from_params(params: &[u8]) -> Result<Curve, TokenError> {
    let oid = ObjectIdentifier::from_der(params).map_err(|_| TokenError::PublicKey {
        reason: "CKA_EC_PARAMS is not a named-curve OID (explicit parameters are not supported)",
    })?;
    match oid {
        SECP256R1 => Ok(Curve::P256),
        SECP384R1 => Ok(Curve::P384),
        _ => Err(TokenError::PublicKey {
            reason: "unsupported elliptic curve (P-256 and P-384 are)",
        }),
    }
}

/// The DER `ECParameters` (named curve OID) for `curve`, as `CKA_EC_PARAMS` wants it.
///
/// # Errors
/// Only if DER encoding fails.
pub fn curve_params(curve: Curve) -> Result<Vec<u8>, TokenError> {
    let oid = match curve {
        Curve::P384 => SECP384R1,
        _ => SECP256R1,
    };
    Ok(oid.to_der()?)
}

/// Build an EC public key from `CKA_EC_PARAMS` and `CKA_EC_POINT`.
///
/// `CKA_EC_POINT` is a DER OCTET STRING wrapping the uncompressed point (PKCS#11 v2.40
/// §2.3.3); some modules return the bare point, which is accepted too. The point must be
/// uncompressed (`04 ‖ X ‖ Y`) with coordinates of the curve's size, and on the curve.
///
/// # Errors
/// [`TokenError::PublicKey`] for an unsupported curve or a malformed or off-curve point.
pub fn ec_public_key(params: &[u8], point: &[u8]) -> Result<TokenPublicKey, TokenError> {
    let curve = curve_from_params(params)?;
    let expected = curve
        .scalar_len()
        .checked_mul(2)
        .and_then(|n| n.checked_add(1))
        .ok_or(TokenError::PublicKey {
            reason: "curve size overflows",
        })?;
    let bare = if point.len() == expected && point.first() == Some(&0x04) {
        point
    } else {
        OctetStringRef::from_der(point)
            .map_err(|_| TokenError::PublicKey {
                reason: "CKA_EC_POINT is neither a DER OCTET STRING nor a bare point",
            })?
            .as_bytes()
    };
    if bare.len() != expected || bare.first() != Some(&0x04) {
        return Err(TokenError::PublicKey {
            reason: "EC point is not an uncompressed point of the curve's size",
        });
    }
    let on_curve = match curve {
        Curve::P384 => p384::PublicKey::from_sec1_bytes(bare).is_ok(),
        _ => p256::PublicKey::from_sec1_bytes(bare).is_ok(),
    };
    if !on_curve {
        return Err(TokenError::PublicKey {
            reason: "EC point is not on the curve",
        });
    }
    let named = match curve {
        Curve::P384 => SECP384R1,
        _ => SECP256R1,
    };
    let spki = SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: EC_PUBLIC_KEY,
            parameters: Some(der::Any::from(&named)),
        },
        subject_public_key: BitString::from_bytes(bare)?,
    };
    Ok(TokenPublicKey {
        kind: KeyKind::Ec(curve),
        spki,
    })
}

/// The `CKA_EC_POINT` value for an uncompressed point: a DER OCTET STRING around it.
///
/// # Errors
/// Only if DER encoding fails.
pub fn wrap_ec_point(bare: &[u8]) -> Result<Vec<u8>, TokenError> {
    Ok(OctetStringRef::new(bare)?.to_der()?)
}

/// The key kind a certificate's `SubjectPublicKeyInfo` describes (RSA, P-256, P-384).
pub(crate) fn spki_kind(spki: &SubjectPublicKeyInfoOwned) -> Result<TokenPublicKey, TokenError> {
    let key = spki
        .subject_public_key
        .as_bytes()
        .ok_or(TokenError::PublicKey {
            reason: "certificate public key has unused bits",
        })?;
    match spki.algorithm.oid {
        RSA_ENCRYPTION => {
            let rsa = RsaPublicKey::from_der(key)?;
            rsa_public_key(rsa.modulus.as_bytes(), rsa.public_exponent.as_bytes())
        }
        EC_PUBLIC_KEY => {
            let params = spki
                .algorithm
                .parameters
                .as_ref()
                .ok_or(TokenError::PublicKey {
                    reason: "EC certificate key without curve",
                })?
                .to_der()?;
            ec_public_key(&params, key)
        }
        _ => Err(TokenError::PublicKey {
            reason: "certificate key is neither RSA nor EC",
        }),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn key_id_hex_forms() {
        let id = KeyId::from_hex("0xA1:b2").unwrap();
        assert_eq!(id.as_bytes(), &[0xa1, 0xb2]);
        assert_eq!(id.to_string(), "a1b2");
        assert!(KeyId::from_hex("abc").is_err());
        assert!(KeyId::from_hex("zz").is_err());
        assert!(KeyId::from_hex("").is_err());
        assert!(KeyId::from_hex(&"00".repeat(65)).is_err());
    }

    #[test]
    fn ec_point_wrapped_and_bare() {
        let secret = p256::SecretKey::from_slice(&[7u8; 32]).unwrap();
        let point = secret.public_key().to_sec1_bytes();
        let params = curve_params(Curve::P256).unwrap();
        let wrapped = wrap_ec_point(&point).unwrap();
        let a = ec_public_key(&params, &wrapped).unwrap();
        let b = ec_public_key(&params, &point).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.kind, KeyKind::Ec(Curve::P256));
        assert_eq!(spki_kind(&a.spki).unwrap(), a);
        // Off-curve point.
        let mut bad = point.to_vec();
        if let Some(last) = bad.last_mut() {
            *last ^= 1;
        }
        assert!(ec_public_key(&params, &bad).is_err());
        // Wrong curve for the point size.
        let p384 = curve_params(Curve::P384).unwrap();
        assert!(ec_public_key(&p384, &wrapped).is_err());
    }

    #[test]
    fn rsa_limits() {
        let mut modulus = vec![0xffu8; 256];
        modulus.insert(0, 0);
        let key = rsa_public_key(&modulus, &[1, 0, 1]).unwrap();
        assert_eq!(key.kind, KeyKind::Rsa { bits: 2048 });
        assert_eq!(spki_kind(&key.spki).unwrap(), key);
        assert!(rsa_public_key(&[0xff; 64], &[1, 0, 1]).is_err()); // 512 bits
        assert!(rsa_public_key(&modulus, &[2]).is_err());
        assert!(rsa_public_key(&modulus, &[1]).is_err());
        assert!(rsa_public_key(&[], &[3]).is_err());
    }

    proptest! {
        #[test]
        fn ec_parsing_never_panics(params in proptest::collection::vec(any::<u8>(), 0..16),
                                   point in proptest::collection::vec(any::<u8>(), 0..140)) {
            let _ = ec_public_key(&params, &point);
        }

        #[test]
        fn rsa_parsing_never_panics(modulus in proptest::collection::vec(any::<u8>(), 0..600),
                                    exponent in proptest::collection::vec(any::<u8>(), 0..12)) {
            if let Ok(key) = rsa_public_key(&modulus, &exponent) {
                prop_assert_eq!(spki_kind(&key.spki).unwrap(), key);
            }
        }

        #[test]
        fn key_id_round_trips(bytes in proptest::collection::vec(any::<u8>(), 1..=64)) {
            let id = KeyId::new(bytes.clone()).unwrap();
            let parsed = KeyId::from_hex(&id.to_string()).unwrap();
            prop_assert_eq!(parsed.as_bytes(), &bytes[..]);
        }
    }
}
