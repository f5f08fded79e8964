//! Cloud signing packages: transaction quotas and the account activation window.
//!
//! A transaction is one signature together with its timestamp; a package buys a number of
//! them for the certificate's term. An account invited but not activated within the window is
//! deleted.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::error::RenewalError;
use crate::policy::Term;

/// A cloud package: a term and the transactions it includes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CloudPackage {
    /// The certificate term.
    pub term: Term,
    /// Transactions included.
    pub transactions: u32,
}

impl CloudPackage {
    /// A package of `transactions` for `term`.
    pub const fn new(term: Term, transactions: u32) -> Self {
        Self { term, transactions }
    }
}

/// Cloud account rules of a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloudRules {
    /// The packages on sale.
    pub packages: Vec<CloudPackage>,
    /// How long after the invitation an account may still be activated (60 days).
    pub activation_window: Duration,
}

impl CloudRules {
    /// The package for `term`.
    ///
    /// # Errors
    /// [`RenewalError::UnknownTerm`] when no package has that term.
    pub fn package(&self, term: Term) -> Result<CloudPackage, RenewalError> {
        self.packages
            .iter()
            .copied()
            .find(|p| p.term == term)
            .ok_or(RenewalError::UnknownTerm {
                years: term.in_years(),
            })
    }

    /// The account's state at `at`, given when it was invited and (if so) activated.
    /// Activation at the last second of the window counts; after it, the account is deleted.
    pub fn account_state(
        &self,
        invited_at: DateTime<Utc>,
        activated_at: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> AccountState {
        let deadline = invited_at + self.activation_window;
        match activated_at {
            Some(activated) if activated <= deadline && activated <= at => {
                AccountState::Active { since: activated }
            }
            _ if at > deadline => AccountState::Deleted { at: deadline },
            _ => AccountState::AwaitingActivation { deadline },
        }
    }
}

/// Signatures and timestamps made with a cloud credential.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Usage {
    /// Signatures made.
    pub signatures: u32,
    /// Timestamps obtained (with a signature or alone, e.g. a document timestamp).
    pub timestamps: u32,
}

impl Usage {
    /// Transactions consumed: each signature with its timestamp is one, and so is a signature
    /// without one or a timestamp without a signature — the larger of the two counts.
    pub fn transactions(self) -> u32 {
        self.signatures.max(self.timestamps)
    }
}

/// What is left of a package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Quota {
    /// The package.
    pub package: CloudPackage,
    /// Transactions used so far.
    pub used: u32,
    /// Transactions left (0 when used up or over).
    pub remaining: u32,
}

impl Quota {
    /// The quota of `package` after `usage`.
    pub fn of(package: CloudPackage, usage: Usage) -> Self {
        let used = usage.transactions();
        Self {
            package,
            used,
            remaining: package.transactions.saturating_sub(used),
        }
    }

    /// Whether `n` more transactions fit.
    pub fn allows(&self, n: u32) -> bool {
        n <= self.remaining
    }
}

/// A cloud account's life before and after activation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AccountState {
    /// Invited, not yet activated; activation possible until `deadline`.
    AwaitingActivation {
        /// The last instant activation counts.
        deadline: DateTime<Utc>,
    },
    /// Activated in time.
    Active {
        /// When.
        since: DateTime<Utc>,
    },
    /// Not activated within the window: the provider deletes the account.
    Deleted {
        /// When the window closed.
        at: DateTime<Utc>,
    },
}
