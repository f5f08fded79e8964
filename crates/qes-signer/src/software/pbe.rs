//! Password-based decryption of key files: PBES2 (RFC 8018 §6.2, PBKDF2 or scrypt with
//! AES-CBC or DES-EDE3-CBC) and the legacy PKCS#12 schemes (RFC 7292 Appendix B key
//! derivation, Appendix C `pkcs-12PbeIds`: 3-key and 2-key triple DES, 128- and 40-bit RC2).
//!
//! ```text
//! pkcs-12PbeParams ::= SEQUENCE {          -- RFC 7292 Appendix C
//!     salt        OCTET STRING,
//!     iterations  INTEGER }
//! PBES2-params ::= SEQUENCE {              -- RFC 8018 Appendix A.4
//!     keyDerivationFunc AlgorithmIdentifier {{PBES2-KDFs}},
//!     encryptionScheme  AlgorithmIdentifier {{PBES2-Encs}} }
//! ```
//!
//! Work is bounded before any key derivation: at most [`MAX_KDF_ITERATIONS`] PBKDF2 or
//! PKCS#12-KDF iterations per derivation, scrypt at most [`MAX_SCRYPT_MEMORY`] bytes of memory,
//! and at most [`MAX_KDF_WORK`] iterations for all derivations of one file together (a PKCS#12
//! file derives a MAC key and, per encrypted bag, a key and an IV).

use cbc::cipher::{block_padding::Pkcs7, BlockDecryptMut, InnerIvInit, KeyInit};
use std::cell::Cell;

use const_oid::ObjectIdentifier;
use der::asn1::AnyRef;
use pkcs12::kdf::{derive_key, Pkcs12KeyType};
use pkcs12::pbe_params::Pkcs12PbeParams;
use spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

use crate::SignError;

/// Most iterations accepted for PBKDF2 and the PKCS#12 KDF (OpenSSL writes 2048; OWASP's 2023
/// advice for PBKDF2-HMAC-SHA256 is 600 000), against denial of service by a crafted file.
pub const MAX_KDF_ITERATIONS: u32 = 10_000_000;

/// Most memory (bytes, `128 · r · N`) a scrypt KDF may ask for (OpenSSL's default asks 16 MiB).
pub const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;

/// Most key-derivation work loading one file may do, in KDF iterations summed over every
/// derivation (scrypt counts `N · r · p`): four maximal derivations.
pub const MAX_KDF_WORK: u64 = 40_000_000;

const PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");

/// A password in the two forms the standards feed to their KDFs.
pub(crate) struct Password<'a> {
    /// The UTF-8 bytes: PBKDF2 and scrypt in PBES2 (as OpenSSL feeds them).
    utf8: &'a [u8],
    /// The BMPString with two NUL bytes appended (RFC 7292 Appendix B.1): the PKCS#12 KDF.
    bmp: Zeroizing<Vec<u8>>,
    /// Key-derivation work left for this load (see [`MAX_KDF_WORK`]).
    budget: Cell<u64>,
}

impl<'a> Password<'a> {
    pub(crate) fn new(password: &'a str) -> Self {
        let units = password.encode_utf16();
        let mut bmp = Zeroizing::new(Vec::with_capacity(
            password.len().saturating_mul(2).saturating_add(2),
        ));
        for unit in units {
            bmp.extend_from_slice(&unit.to_be_bytes());
        }
        bmp.extend_from_slice(&[0, 0]);
        Self {
            utf8: password.as_bytes(),
            bmp,
            budget: Cell::new(MAX_KDF_WORK),
        }
    }

    /// Spend `work` iterations of the load's budget.
    pub(crate) fn charge(&self, work: u64) -> Result<(), SignError> {
        let left =
            self.budget.get().checked_sub(work).ok_or_else(|| {
                SignError::key_load_bare("key derivation work exceeds MAX_KDF_WORK")
            })?;
        self.budget.set(left);
        Ok(())
    }

    /// OpenSSL's reading of an empty password for the PKCS#12 KDF: no bytes at all rather than
    /// the two-byte terminator (`PKCS12_parse` tries both).
    pub(crate) fn empty_without_terminator(&self) -> Option<Self> {
        self.utf8.is_empty().then(|| Self {
            utf8: self.utf8,
            bmp: Zeroizing::new(Vec::new()),
            budget: Cell::new(self.budget.get()),
        })
    }

    pub(crate) fn bmp(&self) -> &[u8] {
        &self.bmp
    }
}

/// Why decryption failed.
pub(crate) enum DecryptError {
    /// The padding did not check out: a wrong password, or corrupted ciphertext.
    Padding,
    /// Anything else (malformed or unsupported parameters, excessive work).
    Other(SignError),
}

impl From<SignError> for DecryptError {
    fn from(e: SignError) -> Self {
        Self::Other(e)
    }
}

/// Decrypt `ciphertext` protected by the scheme `algorithm` names.
pub(crate) fn decrypt(
    algorithm: &AlgorithmIdentifierOwned,
    password: &Password<'_>,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, DecryptError> {
    let params = algorithm.parameters.as_ref().map(AnyRef::from);
    match algorithm.oid {
        PBES2 => pbes2(params, password, ciphertext),
        pkcs12::PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC => {
            pkcs12_pbe::<des::TdesEde3>(params, password, ciphertext, Cipher::Fixed(24))
        }
        pkcs12::PKCS_12_PBE_WITH_SHAAND2_KEY_TRIPLE_DES_CBC => {
            pkcs12_pbe::<des::TdesEde2>(params, password, ciphertext, Cipher::Fixed(16))
        }
        pkcs12::PKCS_12_PBE_WITH_SHAAND128_BIT_RC2_CBC => {
            pkcs12_pbe::<rc2::Rc2>(params, password, ciphertext, Cipher::Rc2 { bits: 128 })
        }
        pkcs12::PKCS_12_PBEWITH_SHAAND40_BIT_RC2_CBC => {
            pkcs12_pbe::<rc2::Rc2>(params, password, ciphertext, Cipher::Rc2 { bits: 40 })
        }
        oid => Err(SignError::UnsupportedKeyFormat {
            what: "password-based encryption scheme",
            oid,
        }
        .into()),
    }
}

fn pbes2(
    params: Option<AnyRef<'_>>,
    password: &Password<'_>,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, DecryptError> {
    let params = params.ok_or_else(|| SignError::key_load_bare("PBES2 without parameters"))?;
    let params = pkcs5::pbes2::Parameters::try_from(params).map_err(|e| match e.kind() {
        der::ErrorKind::OidUnknown { oid } => SignError::UnsupportedKeyFormat {
            what: "PBES2 algorithm",
            oid,
        },
        _ => SignError::key_load("malformed PBES2 parameters", e),
    })?;
    match &params.kdf {
        pkcs5::pbes2::Kdf::Pbkdf2(p) => {
            if p.iteration_count == 0 || p.iteration_count > MAX_KDF_ITERATIONS {
                return Err(SignError::key_load_bare("PBKDF2 iteration count out of range").into());
            }
            password.charge(u64::from(p.iteration_count))?;
        }
        pkcs5::pbes2::Kdf::Scrypt(p) => password.charge(check_scrypt(p)?)?,
        other => {
            return Err(SignError::UnsupportedKeyFormat {
                what: "PBES2 key derivation function",
                oid: other.oid(),
            }
            .into())
        }
    }
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    let len = match params.decrypt_in_place(password.utf8, &mut buffer) {
        Ok(plain) => plain.len(),
        // pkcs5 0.7.1 reports a bad CBC padding on decryption as `EncryptFailed`.
        Err(pkcs5::Error::DecryptFailed | pkcs5::Error::EncryptFailed) => {
            return Err(DecryptError::Padding)
        }
        Err(e) => return Err(pkcs5_error(e).into()),
    };
    buffer.truncate(len);
    Ok(buffer)
}

/// scrypt's parameters (RFC 7914 §2): `N` a power of two above 1, memory `128·r·N` and work
/// `N·r·p` bounded. Returns the work, `N·r·p`.
fn check_scrypt(p: &pkcs5::pbes2::ScryptParams<'_>) -> Result<u64, SignError> {
    let n = p.cost_parameter;
    let r = u64::from(p.block_size);
    let par = u64::from(p.parallelization);
    let memory = n.checked_mul(r).and_then(|v| v.checked_mul(128));
    let work = n.checked_mul(r).and_then(|v| v.checked_mul(par));
    let ok = n > 1
        && n.is_power_of_two()
        && r > 0
        && par > 0
        && memory.is_some_and(|m| m <= MAX_SCRYPT_MEMORY)
        && work.is_some_and(|w| w <= MAX_SCRYPT_MEMORY / 128 * 4);
    match work {
        Some(work) if ok => Ok(work),
        _ => Err(SignError::key_load_bare("scrypt parameters out of range")),
    }
}

/// Map a `pkcs5` error: unsupported algorithms are typed, the rest is a malformed file.
fn pkcs5_error(e: pkcs5::Error) -> SignError {
    match e {
        pkcs5::Error::UnsupportedAlgorithm { oid } => SignError::UnsupportedKeyFormat {
            what: "PBES2 algorithm",
            oid,
        },
        other => SignError::key_load("malformed PBES2 parameters", PkcsError(other)),
    }
}

/// `pkcs5::Error` as a `std::error::Error` (it implements only `Display` without `std`).
#[derive(Debug)]
struct PkcsError(pkcs5::Error);

impl std::fmt::Display for PkcsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for PkcsError {}

enum Cipher {
    /// A cipher with one key size, in bytes.
    Fixed(usize),
    /// RC2 with this effective key size, in bits (RFC 2268 §2).
    Rc2 { bits: usize },
}

/// The block ciphers of the PKCS#12 PBE schemes, built from derived key bytes.
trait Pkcs12Cipher: Sized {
    fn from_key(key: &[u8], cipher: &Cipher) -> Option<Self>;
}

impl Pkcs12Cipher for des::TdesEde3 {
    fn from_key(key: &[u8], _: &Cipher) -> Option<Self> {
        <Self as KeyInit>::new_from_slice(key).ok()
    }
}

impl Pkcs12Cipher for des::TdesEde2 {
    fn from_key(key: &[u8], _: &Cipher) -> Option<Self> {
        <Self as KeyInit>::new_from_slice(key).ok()
    }
}

impl Pkcs12Cipher for rc2::Rc2 {
    fn from_key(key: &[u8], cipher: &Cipher) -> Option<Self> {
        match cipher {
            // `new_with_eff_key_len` indexes with the key length: keep it within 1..=128.
            Cipher::Rc2 { bits } if (1..=128).contains(&key.len()) => {
                Some(Self::new_with_eff_key_len(key, *bits))
            }
            _ => None,
        }
    }
}

/// RFC 7292 Appendix B.2 key and IV derivation with SHA-1, then CBC decryption with PKCS#7
/// padding (Appendix C).
fn pkcs12_pbe<C>(
    params: Option<AnyRef<'_>>,
    password: &Password<'_>,
    ciphertext: &[u8],
    cipher: Cipher,
) -> Result<Zeroizing<Vec<u8>>, DecryptError>
where
    C: Pkcs12Cipher + cbc::cipher::BlockCipher + BlockDecryptMut,
{
    let params =
        params.ok_or_else(|| SignError::key_load_bare("PKCS#12 PBE without parameters"))?;
    let params: Pkcs12PbeParams = params
        .decode_as()
        .map_err(|e| SignError::key_load("malformed pkcs-12PbeParams", e))?;
    let iterations = params.iterations;
    if iterations < 1 || u32::try_from(iterations).map_or(true, |i| i > MAX_KDF_ITERATIONS) {
        return Err(SignError::key_load_bare("PKCS#12 KDF iteration count out of range").into());
    }
    // Two derivations: the key and the IV.
    password.charge(u64::from(iterations.unsigned_abs()).saturating_mul(2))?;
    let key_len = match cipher {
        Cipher::Fixed(len) => len,
        Cipher::Rc2 { bits } => bits / 8,
    };
    let salt = params.salt.as_bytes();
    let key = Zeroizing::new(derive_key::<sha1::Sha1>(
        password.bmp(),
        salt,
        Pkcs12KeyType::EncryptionKey,
        iterations,
        key_len,
    ));
    let iv = Zeroizing::new(derive_key::<sha1::Sha1>(
        password.bmp(),
        salt,
        Pkcs12KeyType::Iv,
        iterations,
        8,
    ));
    let block_cipher = C::from_key(&key, &cipher)
        .ok_or_else(|| SignError::key_load_bare("cannot initialise the PKCS#12 cipher"))?;
    let decryptor = cbc::Decryptor::<C>::inner_iv_slice_init(block_cipher, &iv)
        .map_err(|_| SignError::key_load_bare("cannot initialise the PKCS#12 cipher"))?;
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    let len = decryptor
        .decrypt_padded_mut::<Pkcs7>(&mut buffer)
        .map_err(|_| DecryptError::Padding)?
        .len();
    buffer.truncate(len);
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn work_budget_is_shared_by_every_derivation_of_a_load() {
        assert_eq!(MAX_KDF_WORK, 4 * u64::from(MAX_KDF_ITERATIONS));
        let password = Password::new("pw");
        password.charge(MAX_KDF_WORK - 10).unwrap();
        password.charge(10).unwrap();
        assert!(matches!(password.charge(1), Err(SignError::KeyLoad { .. })));
        // The empty-password retry does not get a fresh budget.
        let empty = Password::new("");
        empty.charge(MAX_KDF_WORK).unwrap();
        assert!(empty.empty_without_terminator().unwrap().charge(1).is_err());
    }

    #[test]
    fn bmp_password_is_utf16_big_endian_with_terminator() {
        assert_eq!(Password::new("aȘ").bmp(), [0, b'a', 0x02, 0x18, 0, 0]);
        assert_eq!(Password::new("").bmp(), [0, 0]);
        assert!(Password::new("")
            .empty_without_terminator()
            .unwrap()
            .bmp()
            .is_empty());
        assert!(Password::new("x").empty_without_terminator().is_none());
    }

    #[test]
    fn scrypt_parameters_are_bounded() {
        let params = |n: u64, r: u16, p: u16| pkcs5::pbes2::ScryptParams {
            salt: &[1, 2, 3, 4],
            cost_parameter: n,
            block_size: r,
            parallelization: p,
            key_length: None,
        };
        assert_eq!(check_scrypt(&params(16384, 8, 1)).unwrap(), 16384 * 8);
        for (n, r, p) in [
            (0, 8, 1),
            (1, 8, 1),
            (1000, 8, 1),
            (1 << 40, 8, 1),
            (16384, 0, 1),
        ] {
            assert!(check_scrypt(&params(n, r, p)).is_err(), "{n} {r} {p}");
        }
        // 256 MiB of memory: N = 2^18 with r = 8; work N·r·p up to 4 · 2^21.
        assert!(check_scrypt(&params(1 << 18, 8, 1)).is_ok());
        assert!(check_scrypt(&params(1 << 19, 8, 1)).is_err());
        assert!(check_scrypt(&params(1 << 18, 8, 4)).is_ok());
        assert!(check_scrypt(&params(1 << 18, 8, 5)).is_err());
    }
}
