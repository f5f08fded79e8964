//! Secrets handover and lock-out rules: the one-time PIN/PUK generation page, the PUK's
//! format, what a blocked token means, the cloud authenticator link, and the window for
//! reporting data errors in an issued certificate.
//!
//! These are state machines the provider's systems (or a test of them) drive; they compare
//! secrets in constant time and never print them.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use zeroize::Zeroizing;

/// The numbers of the handover rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandoverRules {
    /// Wrong (generation code, CNP digits) pairs before the PIN/PUK page locks (3).
    pub page_attempts: u8,
    /// How many trailing CNP digits the page asks for (6).
    pub cnp_digits: usize,
    /// PUK length in characters (14).
    pub puk_len: usize,
    /// Consecutive wrong one-time codes before a cloud authenticator link locks (5).
    pub otp_attempts: u8,
    /// How long after receiving a certificate the holder may report data errors (72 hours).
    pub data_error_window: Duration,
}

impl HandoverRules {
    /// The Romanian QTSP defaults.
    pub fn romanian_qtsp() -> Self {
        Self {
            page_attempts: 3,
            cnp_digits: 6,
            puk_len: 14,
            otp_attempts: 5,
            data_error_window: Duration::hours(72),
        }
    }

    /// The last instant a data error in a certificate received at `received_at` may be
    /// reported.
    pub fn data_error_deadline(&self, received_at: DateTime<Utc>) -> DateTime<Utc> {
        received_at + self.data_error_window
    }

    /// Whether a report at `reported_at` is in time.
    ///
    /// # Errors
    /// [`HandoverError::DataErrorReportLate`] after the deadline.
    pub fn check_data_error_report(
        &self,
        received_at: DateTime<Utc>,
        reported_at: DateTime<Utc>,
    ) -> Result<(), HandoverError> {
        let deadline = self.data_error_deadline(received_at);
        if reported_at > deadline {
            return Err(HandoverError::DataErrorReportLate { deadline });
        }
        Ok(())
    }

    /// Check a PUK's format: exactly [`HandoverRules::puk_len`] characters, ASCII letters and
    /// digits.
    ///
    /// # Errors
    /// [`HandoverError::PukFormat`].
    pub fn check_puk(&self, puk: &str) -> Result<(), HandoverError> {
        let chars = puk.chars().count();
        if chars != self.puk_len || !puk.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(HandoverError::PukFormat {
                expected_len: self.puk_len,
            });
        }
        Ok(())
    }
}

impl Default for HandoverRules {
    fn default() -> Self {
        Self::romanian_qtsp()
    }
}

/// Why a handover step was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[non_exhaustive]
pub enum HandoverError {
    /// The (generation code, CNP digits) pair is wrong.
    #[error("wrong generation code or CNP digits; {attempts_left} attempt(s) left")]
    WrongPair {
        /// Attempts left before the page locks.
        attempts_left: u8,
    },
    /// The page locked after too many wrong pairs; the provider must issue a new code.
    #[error("the PIN/PUK page is locked after too many wrong attempts; ask the provider for a new generation code")]
    PageLocked,
    /// The page worked once already.
    #[error("the PIN/PUK page was already used; it works only once")]
    PageUsed,
    /// The CNP digits are not the expected number of decimal digits.
    #[error("expected the last {expected} digits of the CNP")]
    CnpDigits {
        /// How many digits.
        expected: usize,
    },
    /// Not a well-formed PUK.
    #[error("a PUK has exactly {expected_len} letters or digits")]
    PukFormat {
        /// The required length.
        expected_len: usize,
    },
    /// A wrong one-time code.
    #[error("wrong one-time code; {tries_left} try(ies) left before the authenticator link locks")]
    WrongCode {
        /// Tries left.
        tries_left: u8,
    },
    /// The authenticator link is locked: the provider must re-enroll the authenticator.
    #[error("the authenticator link is locked after too many wrong codes; the provider must re-enroll it")]
    LinkLocked,
    /// The data-error report window has closed.
    #[error("data errors had to be reported by {deadline}")]
    DataErrorReportLate {
        /// The deadline.
        deadline: DateTime<Utc>,
    },
}

/// Constant-time equality of two byte strings (length is not secret).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The PIN/PUK generation page: it asks for the generation code and the last CNP digits,
/// locks after [`HandoverRules::page_attempts`] wrong pairs, and works exactly once.
pub struct PinPukPage {
    rules: HandoverRules,
    code: Zeroizing<String>,
    cnp_tail: Zeroizing<String>,
    wrong: u8,
    used: bool,
}

impl std::fmt::Debug for PinPukPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinPukPage")
            .field("wrong", &self.wrong)
            .field("used", &self.used)
            .finish_non_exhaustive()
    }
}

impl PinPukPage {
    /// A page expecting `generation_code` and the last digits of `cnp`.
    pub fn new(rules: HandoverRules, generation_code: &str, cnp: &str) -> Self {
        let digits: Vec<char> = cnp.chars().collect();
        let tail: String = digits
            .iter()
            .skip(digits.len().saturating_sub(rules.cnp_digits))
            .collect();
        Self {
            rules,
            code: Zeroizing::new(generation_code.to_owned()),
            cnp_tail: Zeroizing::new(tail),
            wrong: 0,
            used: false,
        }
    }

    /// Submit a pair. `Ok` means the holder may now generate the PIN and PUK (once).
    ///
    /// # Errors
    /// [`HandoverError::PageUsed`], [`HandoverError::PageLocked`],
    /// [`HandoverError::CnpDigits`] (not counted as an attempt) or
    /// [`HandoverError::WrongPair`].
    pub fn submit(&mut self, generation_code: &str, cnp_tail: &str) -> Result<(), HandoverError> {
        if self.used {
            return Err(HandoverError::PageUsed);
        }
        if self.wrong >= self.rules.page_attempts {
            return Err(HandoverError::PageLocked);
        }
        if cnp_tail.len() != self.rules.cnp_digits || !cnp_tail.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(HandoverError::CnpDigits {
                expected: self.rules.cnp_digits,
            });
        }
        let code_ok = same(generation_code.as_bytes(), self.code.as_bytes());
        let cnp_ok = same(cnp_tail.as_bytes(), self.cnp_tail.as_bytes());
        if code_ok && cnp_ok {
            self.used = true;
            return Ok(());
        }
        self.wrong = self.wrong.saturating_add(1);
        let attempts_left = self.rules.page_attempts.saturating_sub(self.wrong);
        if attempts_left == 0 {
            return Err(HandoverError::PageLocked);
        }
        Err(HandoverError::WrongPair { attempts_left })
    }

    /// Whether the page is locked.
    pub fn is_locked(&self) -> bool {
        self.wrong >= self.rules.page_attempts
    }
}

/// What a token's PIN/PUK state means for its certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TokenFate {
    /// The PIN works.
    Usable,
    /// The PIN is locked; unblock it with the PUK (tries left as the token says).
    PinLocked {
        /// PUK tries left.
        puk_tries_left: u8,
    },
    /// The PUK retries are gone: the token is blocked for good. The certificate on it must be
    /// revoked and a new certificate issued on a new token.
    BlockedForGood,
}

impl TokenFate {
    /// The fate from the token's state.
    pub fn of(pin_locked: bool, puk_tries_left: u8) -> Self {
        match (pin_locked, puk_tries_left) {
            (_, 0) => Self::BlockedForGood,
            (true, n) => Self::PinLocked { puk_tries_left: n },
            (false, _) => Self::Usable,
        }
    }

    /// Whether the certificate must be revoked and replaced on a new token.
    pub fn requires_revocation(self) -> bool {
        matches!(self, Self::BlockedForGood)
    }
}

/// A cloud authenticator link: locks after [`HandoverRules::otp_attempts`] consecutive wrong
/// codes; a right code resets the count.
#[derive(Clone, Copy, Debug)]
pub struct AuthenticatorLink {
    limit: u8,
    consecutive_wrong: u8,
}

impl AuthenticatorLink {
    /// A fresh link.
    pub fn new(rules: &HandoverRules) -> Self {
        Self {
            limit: rules.otp_attempts,
            consecutive_wrong: 0,
        }
    }

    /// Record the result of one code check.
    ///
    /// # Errors
    /// [`HandoverError::LinkLocked`] once locked (also for a right code: a locked link stays
    /// locked), [`HandoverError::WrongCode`] with the tries left.
    pub fn record(&mut self, code_was_right: bool) -> Result<(), HandoverError> {
        if self.is_locked() {
            return Err(HandoverError::LinkLocked);
        }
        if code_was_right {
            self.consecutive_wrong = 0;
            return Ok(());
        }
        self.consecutive_wrong = self.consecutive_wrong.saturating_add(1);
        if self.is_locked() {
            return Err(HandoverError::LinkLocked);
        }
        Err(HandoverError::WrongCode {
            tries_left: self.limit.saturating_sub(self.consecutive_wrong),
        })
    }

    /// Whether the link is locked.
    pub fn is_locked(&self) -> bool {
        self.consecutive_wrong >= self.limit
    }
}
