//! [`RenewalPolicy`]: every number the renewal rules use, with the Romanian QTSP defaults.

use chrono::{DateTime, Duration, Months, Utc};
use serde::Serialize;

use crate::cloud::{CloudPackage, CloudRules};
use crate::handover::HandoverRules;

/// A certificate term in whole years.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Term(u8);

impl Term {
    /// A term of `years` years (whether the provider sells it is the policy's business).
    pub const fn years(years: u8) -> Self {
        Self(years)
    }

    /// The number of years.
    pub const fn in_years(self) -> u8 {
        self.0
    }

    /// The end of a validity starting at `start`: the same instant `years` calendar years
    /// later (29 February maps to 28 February in a common year). `None` past year 262 143.
    pub fn end_from(self, start: DateTime<Utc>) -> Option<DateTime<Utc>> {
        start.checked_add_months(Months::new(u32::from(self.0).saturating_mul(12)))
    }
}

/// An institution a holder registers a certificate with, and so must re-enroll a renewed one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Institution {
    /// Short name, e.g. `ANAF`.
    pub code: String,
    /// Full name.
    pub name: String,
}

impl Institution {
    /// An institution with its short and full names.
    pub fn new(code: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            name: name.into(),
        }
    }
}

/// The rules of a provider's renewal practice. Build the defaults with
/// [`RenewalPolicy::romanian_qtsp`] and change any field for another provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenewalPolicy {
    /// How long before expiry the order and the CSR must be in, at the latest (3 days).
    pub order_lead: Duration,
    /// How long before the current certificate's expiry the new one's validity starts (3
    /// days), whatever the order date.
    pub new_validity_lead: Duration,
    /// The terms on sale (1, 2 and 3 years).
    pub terms: Vec<Term>,
    /// The first reminder, this long before expiry (45 days); always sent.
    pub first_reminder: Duration,
    /// The second reminder, this long before expiry (15 days); only if no renewal was placed.
    pub second_reminder: Duration,
    /// A cloud account shows a renewal banner during this last stretch of validity (45 days).
    pub cloud_banner: Duration,
    /// Cloud packages and the activation window.
    pub cloud: CloudRules,
    /// PIN/PUK handover, lock-out and data-error rules.
    pub handover: HandoverRules,
    /// Where a renewed certificate must be enrolled again.
    pub institutions: Vec<Institution>,
}

impl RenewalPolicy {
    /// The Romanian qualified trust service providers' practice: order and CSR no later than 3
    /// days before expiry, new validity from 3 days before expiry for 1, 2 or 3 years,
    /// reminders at 45 and 15 days, a cloud banner for the last 45 days, cloud packages of
    /// 200/400/600 transactions, 60 days to activate a cloud account, the PIN/PUK page
    /// locking after 3 wrong pairs, a 14-character PUK, an authenticator link locking after 5
    /// wrong codes, data errors reported within 72 hours; re-enrollment with ANAF, CNAS and
    /// UNNPR.
    pub fn romanian_qtsp() -> Self {
        Self {
            order_lead: Duration::days(3),
            new_validity_lead: Duration::days(3),
            terms: vec![Term::years(1), Term::years(2), Term::years(3)],
            first_reminder: Duration::days(45),
            second_reminder: Duration::days(15),
            cloud_banner: Duration::days(45),
            cloud: CloudRules {
                packages: vec![
                    CloudPackage::new(Term::years(1), 200),
                    CloudPackage::new(Term::years(2), 400),
                    CloudPackage::new(Term::years(3), 600),
                ],
                activation_window: Duration::days(60),
            },
            handover: HandoverRules::romanian_qtsp(),
            institutions: vec![
                Institution::new("ANAF", "Agenția Națională de Administrare Fiscală"),
                Institution::new("CNAS", "Casa Națională de Asigurări de Sănătate"),
                Institution::new("UNNPR", "Uniunea Națională a Notarilor Publici din România"),
            ],
        }
    }

    /// Whether the provider sells `term`.
    pub fn offers(&self, term: Term) -> bool {
        self.terms.contains(&term)
    }
}

impl Default for RenewalPolicy {
    fn default() -> Self {
        Self::romanian_qtsp()
    }
}
