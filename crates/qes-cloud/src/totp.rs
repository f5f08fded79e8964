//! One-time passwords: HOTP (RFC 4226 §5: HMAC, dynamic truncation, decimal digits) and TOTP
//! (RFC 6238 §4: the counter is the number of 30-second steps since the Unix epoch), with the
//! seed encodings authenticator apps use (RFC 4648 §6 Base32).
//!
//! Time is an argument: [`Totp::code_at`] and [`Totp::verify_at`] take the Unix time; nothing
//! here reads the clock. The seed is zeroized on drop and never printed.

use hmac::{Mac, SimpleHmac};
use zeroize::Zeroizing;

use crate::error::{CloudError, Result};

/// The time step of RFC 6238 §4.1 (`X`), seconds; the only one authenticator apps use.
pub const TIME_STEP: u64 = 30;
/// Smallest accepted seed, bytes (RFC 4226 §4 R6: at least 128 bits; 160 recommended).
pub const MIN_SECRET_LEN: usize = 16;
/// Largest accepted seed, bytes (longer than any HMAC block; a larger input is an error).
pub const MAX_SECRET_LEN: usize = 256;
/// Largest Base32 text [`Totp::from_base32`] reads.
pub const MAX_BASE32_LEN: usize = 1024;

/// The HMAC hash of a TOTP (RFC 6238 §1.2: SHA-1, SHA-256 or SHA-512).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TotpAlgorithm {
    /// HMAC-SHA-1 (RFC 4226's original; what most authenticator apps use).
    Sha1,
    /// HMAC-SHA-256.
    Sha256,
    /// HMAC-SHA-512.
    Sha512,
}

impl TotpAlgorithm {
    /// The name in `otpauth://` URIs (`SHA1`, `SHA256`, `SHA512`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
            Self::Sha512 => "SHA512",
        }
    }
}

/// A TOTP generator and verifier (RFC 6238) with a 30-second step (§4.1 `X = 30`,
/// `T0 = 0`), 6 to 8 digits and SHA-1/256/512.
///
/// ```
/// use qes_cloud::{Totp, TotpAlgorithm};
///
/// // RFC 6238 Appendix B: the SHA-1 seed, 8 digits, at T = 59 s.
/// let totp = Totp::new(b"12345678901234567890".to_vec(), TotpAlgorithm::Sha1, 8)?;
/// assert_eq!(totp.code_at(59)?.as_str(), "94287082");
/// // Accepted one step late (clock drift), refused two steps late.
/// assert_eq!(totp.verify_at("94287082", 59 + 30), Some(-1));
/// assert_eq!(totp.verify_at("94287082", 59 + 60), None);
/// # Ok::<(), qes_cloud::CloudError>(())
/// ```
#[derive(Clone)]
pub struct Totp {
    secret: Zeroizing<Vec<u8>>,
    algorithm: TotpAlgorithm,
    digits: u32,
}

impl std::fmt::Debug for Totp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Totp")
            .field("secret", &"<redacted>")
            .field("algorithm", &self.algorithm)
            .field("digits", &self.digits)
            .finish()
    }
}

impl Totp {
    /// A generator over the raw seed `secret`.
    ///
    /// # Errors
    /// [`CloudError::Totp`] when `digits` is outside 6–8 or the seed is shorter than
    /// [`MIN_SECRET_LEN`] or longer than [`MAX_SECRET_LEN`].
    pub fn new(secret: Vec<u8>, algorithm: TotpAlgorithm, digits: u32) -> Result<Self> {
        let secret = Zeroizing::new(secret);
        if !(6..=8).contains(&digits) {
            return Err(CloudError::Totp {
                reason: "digits must be 6, 7 or 8",
            });
        }
        if secret.len() < MIN_SECRET_LEN {
            return Err(CloudError::Totp {
                reason: "the seed is shorter than 128 bits (RFC 4226 §4 R6)",
            });
        }
        if secret.len() > MAX_SECRET_LEN {
            return Err(CloudError::Totp {
                reason: "the seed is longer than 256 bytes",
            });
        }
        Ok(Self {
            secret,
            algorithm,
            digits,
        })
    }

    /// A generator over a Base32 seed as authenticator apps show it (RFC 4648 §6; case,
    /// spaces, hyphens and `=` padding ignored).
    ///
    /// # Errors
    /// [`CloudError::Totp`] for text that is not Base32, else as [`Totp::new`].
    pub fn from_base32(text: &str, algorithm: TotpAlgorithm, digits: u32) -> Result<Self> {
        Self::new(base32_decode(text)?, algorithm, digits)
    }

    /// The hash.
    pub fn algorithm(&self) -> TotpAlgorithm {
        self.algorithm
    }

    /// The number of digits.
    pub fn digits(&self) -> u32 {
        self.digits
    }

    /// The RFC 4226 §5.3 HOTP value for `counter`.
    pub fn hotp(&self, counter: u64) -> Zeroizing<String> {
        let message = counter.to_be_bytes();
        let mac = match self.algorithm {
            TotpAlgorithm::Sha1 => hmac_of::<sha1::Sha1>(&self.secret, &message),
            TotpAlgorithm::Sha256 => hmac_of::<sha2::Sha256>(&self.secret, &message),
            TotpAlgorithm::Sha512 => hmac_of::<sha2::Sha512>(&self.secret, &message),
        };
        // Dynamic truncation (§5.3): the low nibble of the last byte is the offset of four
        // bytes, read big-endian with the top bit masked. Every MAC is ≥ 20 bytes, so the
        // offset (≤ 15) plus four is in range; `get` keeps it panic-free regardless.
        let offset = usize::from(mac.last().copied().unwrap_or_default() & 0x0f);
        let mut word = [0u8; 4];
        if let Some(bytes) = mac.get(offset..offset.saturating_add(4)) {
            word.copy_from_slice(bytes);
        }
        let binary = u32::from_be_bytes(word) & 0x7fff_ffff;
        let modulus = 10u32.saturating_pow(self.digits);
        let value = binary % modulus;
        let width = usize::try_from(self.digits).unwrap_or(6);
        Zeroizing::new(format!("{value:0width$}"))
    }

    /// The RFC 6238 §4.2 time step counter `T` at Unix time `unix_seconds`.
    pub const fn counter_at(unix_seconds: u64) -> u64 {
        unix_seconds / TIME_STEP
    }

    /// The code valid at Unix time `unix_seconds`.
    ///
    /// # Errors
    /// Never for a time after 1970; the `Result` leaves room for future parameters.
    pub fn code_at(&self, unix_seconds: u64) -> Result<Zeroizing<String>> {
        Ok(self.hotp(Self::counter_at(unix_seconds)))
    }

    /// Check `code` against the steps around `unix_seconds` (RFC 6238 §5.2: one step of
    /// drift either way), in constant time per candidate. Returns the drift in steps
    /// (`-1`, `0` or `1`; negative: the code's step is before the verifier's) or `None`.
    pub fn verify_at(&self, code: &str, unix_seconds: u64) -> Option<i8> {
        let now = Self::counter_at(unix_seconds);
        let mut found = None;
        for drift in [0i8, -1, 1] {
            let counter = match drift {
                -1 => now.checked_sub(1),
                1 => now.checked_add(1),
                _ => Some(now),
            };
            let Some(counter) = counter else { continue };
            let expected = self.hotp(counter);
            if constant_time_eq(expected.as_bytes(), code.as_bytes()) && found.is_none() {
                found = Some(drift);
            }
        }
        found
    }
}

fn hmac_of<D>(key: &[u8], message: &[u8]) -> Vec<u8>
where
    D: hmac::digest::Digest + hmac::digest::core_api::BlockSizeUser,
{
    // `SimpleHmac` accepts any key length (keys longer than the block are hashed, RFC 2104).
    match <SimpleHmac<D> as Mac>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
        // Unreachable for HMAC (any key length is valid); an empty MAC truncates to 0.
        Err(_) => Vec::new(),
    }
}

/// Equal length and equal bytes, without an early exit on the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Decode RFC 4648 §6 Base32 (alphabet `A–Z2–7`), ignoring case, spaces, hyphens and `=`
/// padding; the trailing bits of an incomplete quantum must be zero-free of data.
///
/// # Errors
/// [`CloudError::Totp`] for a character outside the alphabet, an impossible length, or text
/// longer than [`MAX_BASE32_LEN`].
pub fn base32_decode(text: &str) -> Result<Vec<u8>> {
    if text.len() > MAX_BASE32_LEN {
        return Err(CloudError::Totp {
            reason: "Base32 seed too long",
        });
    }
    let mut out = Vec::with_capacity(text.len().saturating_mul(5) / 8);
    let mut buffer: u32 = 0;
    let mut bits: u32 = 0;
    let mut symbols: usize = 0;
    let mut padding = false;
    for c in text.chars() {
        let value = match c {
            ' ' | '-' | '\t' => continue,
            '=' => {
                padding = true;
                continue;
            }
            'A'..='Z' => u32::from(c) - u32::from('A'),
            'a'..='z' => u32::from(c) - u32::from('a'),
            '2'..='7' => u32::from(c) - u32::from('2') + 26,
            _ => {
                return Err(CloudError::Totp {
                    reason: "not a Base32 character",
                })
            }
        };
        if padding {
            return Err(CloudError::Totp {
                reason: "Base32 data after padding",
            });
        }
        symbols = symbols.saturating_add(1);
        buffer = (buffer << 5) | value;
        bits = bits.saturating_add(5);
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).unwrap_or_default());
            buffer &= (1u32 << bits).wrapping_sub(1);
        }
    }
    // Valid quanta end after 2, 4, 5 or 7 symbols (8, 16, 24, 32 bits), or a whole quantum.
    if matches!(symbols % 8, 1 | 3 | 6) {
        return Err(CloudError::Totp {
            reason: "impossible Base32 length",
        });
    }
    if buffer != 0 {
        return Err(CloudError::Totp {
            reason: "non-zero trailing Base32 bits",
        });
    }
    Ok(out)
}

/// Encode bytes as unpadded upper-case Base32 (RFC 4648 §6), as authenticator apps take seeds.
pub fn base32_encode(data: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(data.len().saturating_mul(8).div_ceil(5));
    let mut buffer: u32 = 0;
    let mut bits: u32 = 0;
    for byte in data {
        buffer = (buffer << 8) | u32::from(*byte);
        bits = bits.saturating_add(8);
        while bits >= 5 {
            bits -= 5;
            let index = usize::try_from((buffer >> bits) & 0x1f).unwrap_or_default();
            out.push(char::from(ALPHABET.get(index).copied().unwrap_or(b'A')));
        }
        buffer &= (1u32 << bits).wrapping_sub(1);
    }
    if bits > 0 {
        let index = usize::try_from((buffer << (5 - bits)) & 0x1f).unwrap_or_default();
        out.push(char::from(ALPHABET.get(index).copied().unwrap_or(b'A')));
    }
    out
}
