//! PINs and the token's PIN state: the zeroized [`Pin`] secret, the retry flags of
//! PKCS#11 v2.40 §3.2 `CK_TOKEN_INFO` ([`PinStatus`]), the explicit final-try choice
//! ([`FinalTry`]) and advisory [`PinWarning`]s.

use zeroize::Zeroizing;

/// A PIN, PUK or SO PIN. Zeroized on drop; `Debug` prints no digit of it.
///
/// Built from a `String` the caller already holds (it is moved, not copied) or from a `&str`
/// (copied into zeroizing storage).
#[derive(Clone)]
pub struct Pin(Zeroizing<String>);

impl Pin {
    /// Take ownership of `pin`.
    pub fn new(pin: impl Into<String>) -> Self {
        Self(Zeroizing::new(pin.into()))
    }

    /// The PIN's length in characters (what tokens and PIN pads count).
    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }

    /// Advisory warnings about this PIN (see [`PinWarning`]).
    pub fn warnings(&self) -> Vec<PinWarning> {
        let length = self.char_len();
        if length > MACOS_PIN_LIMIT {
            vec![PinWarning::LongerThanMacOsLimit { length }]
        } else {
            Vec::new()
        }
    }

    /// Check the length against the token's `ulMinPinLen`/`ulMaxPinLen`.
    pub(crate) fn check_length(&self, min: usize, max: usize) -> Result<(), crate::TokenError> {
        let actual = self.char_len();
        // Tokens report 0 or absurd values for "no limit": only apply sane bounds.
        let max = if max == 0 { usize::MAX } else { max };
        if actual < min || actual > max {
            return Err(crate::TokenError::PinLength { min, max, actual });
        }
        Ok(())
    }

    /// The PIN as cryptoki's secret type (itself zeroized on drop).
    pub(crate) fn auth(&self) -> cryptoki::types::AuthPin {
        cryptoki::types::AuthPin::new(self.0.as_str().to_owned())
    }

    /// The PIN text, for the rare caller that must hand it on (e.g. to another process).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Pin {
    fn from(pin: String) -> Self {
        Self::new(pin)
    }
}

impl From<&str> for Pin {
    fn from(pin: &str) -> Self {
        Self::new(pin)
    }
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(<redacted>)")
    }
}

/// Some macOS versions' smart-card stack (CryptoTokenKit PIN dialogs) accept at most this many
/// PIN characters.
pub const MACOS_PIN_LIMIT: usize = 8;

/// An advisory about a PIN that the token accepted or will accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PinWarning {
    /// Longer than [`MACOS_PIN_LIMIT`]: some macOS versions cannot enter it.
    LongerThanMacOsLimit {
        /// The PIN's length in characters.
        length: usize,
    },
}

impl std::fmt::Display for PinWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::LongerThanMacOsLimit { length } => write!(
                f,
                "the PIN has {length} characters; some macOS versions accept only \
                 {MACOS_PIN_LIMIT}, so the token may be unusable there"
            ),
        }
    }
}

/// The retry state of a PIN as the token reports it in `CK_TOKEN_INFO.flags`
/// (PKCS#11 v2.40 §3.2: `CKF_USER_PIN_COUNT_LOW`, `CKF_USER_PIN_FINAL_TRY`,
/// `CKF_USER_PIN_LOCKED`, `CKF_USER_PIN_TO_BE_CHANGED`, and the `CKF_SO_PIN_*` twins).
///
/// PKCS#11 exposes no counter, only these flags; "how close to locking" is therefore
/// *few tries left* (`count_low`) or *one try left* (`final_try`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PinStatus {
    /// A wrong PIN was entered since the last successful login.
    pub count_low: bool,
    /// The next wrong PIN locks.
    pub final_try: bool,
    /// Locked: no login until unblocked.
    pub locked: bool,
    /// The PIN is the factory/initial one or expired and must be changed.
    pub to_be_changed: bool,
}

impl PinStatus {
    /// The user PIN's state in `info`.
    pub fn user(info: &cryptoki::slot::TokenInfo) -> Self {
        Self {
            count_low: info.user_pin_count_low(),
            final_try: info.user_pin_final_try(),
            locked: info.user_pin_locked(),
            to_be_changed: info.user_pin_to_be_changed(),
        }
    }

    /// The SO PIN's (PUK's) state in `info`.
    pub fn so(info: &cryptoki::slot::TokenInfo) -> Self {
        Self {
            count_low: info.so_pin_count_low(),
            final_try: info.so_pin_final_try(),
            locked: info.so_pin_locked(),
            to_be_changed: info.so_pin_to_be_changed(),
        }
    }

    /// Build from the raw `CK_FLAGS` word for the user PIN (for tools that read flags
    /// themselves, e.g. from a vendor API).
    pub const fn from_user_flags(flags: u64) -> Self {
        Self {
            count_low: flags & 0x0001_0000 != 0,
            final_try: flags & 0x0002_0000 != 0,
            locked: flags & 0x0004_0000 != 0,
            to_be_changed: flags & 0x0008_0000 != 0,
        }
    }
}

impl std::fmt::Display for PinStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = if self.locked {
            "locked"
        } else if self.final_try {
            "final try"
        } else if self.count_low {
            "few tries left"
        } else {
            "ok"
        };
        f.write_str(text)?;
        if self.to_be_changed {
            f.write_str(", must be changed")?;
        }
        Ok(())
    }
}

/// Whether a login may spend the last try before the token locks. The default refuses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FinalTry {
    /// When the token reports "final try", fail with
    /// [`crate::TokenError::FinalTryRefused`] before sending the PIN.
    #[default]
    Refuse,
    /// Send the PIN even on the final try (a wrong one locks the token).
    Allow,
}
