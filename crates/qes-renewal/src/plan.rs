//! The renewal plan: [`plan`] turns (current certificate, product, events, time, policy) into
//! a [`RenewalPlan`] with dates and typed reasons.
//!
//! Instants follow RFC 5280 §4.1.2.5: a certificate is valid from `notBefore` to `notAfter`
//! inclusive. A deadline "no later than N days before expiry" is `notAfter − N days`, and an
//! order at that exact second is in time. Events dated after the plan's time are ignored (the
//! plan is as of that time).

use chrono::{DateTime, Utc};
use qes_cert::Certificate;
use serde::Serialize;

use crate::policy::{Institution, RenewalPolicy, Term};

/// How the certificate is held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Product {
    /// On a hardware token (PKCS#11).
    Token,
    /// In a cloud signing service.
    Cloud,
}

/// What the plan needs of the current certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RenewalFacts {
    /// `notBefore`.
    pub not_before: DateTime<Utc>,
    /// `notAfter`.
    pub not_after: DateTime<Utc>,
    /// Token or cloud.
    pub product: Product,
    /// The certificate's serial number (hex), when known.
    pub serial: Option<String>,
}

impl RenewalFacts {
    /// Facts from a validity period.
    pub fn new(not_before: DateTime<Utc>, not_after: DateTime<Utc>, product: Product) -> Self {
        Self {
            not_before,
            not_after,
            product,
            serial: None,
        }
    }

    /// Facts from the current certificate.
    pub fn from_certificate(certificate: &Certificate, product: Product) -> Self {
        Self {
            not_before: certificate.not_before(),
            not_after: certificate.not_after(),
            product,
            serial: Some(certificate.serial_hex()),
        }
    }
}

/// Something that happened, as input to the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The holder ordered a renewal for `term`.
    RenewalOrdered {
        /// When.
        at: DateTime<Utc>,
        /// The term ordered.
        term: Term,
    },
    /// The holder submitted the CSR.
    CsrSubmitted {
        /// When.
        at: DateTime<Utc>,
    },
    /// A reminder went out.
    ReminderSent {
        /// When.
        at: DateTime<Utc>,
        /// Which.
        kind: ReminderKind,
    },
    /// The holder received the new certificate.
    NewCertificateReceived {
        /// When.
        at: DateTime<Utc>,
    },
}

impl Event {
    fn at(&self) -> DateTime<Utc> {
        match *self {
            Self::RenewalOrdered { at, .. }
            | Self::CsrSubmitted { at }
            | Self::ReminderSent { at, .. }
            | Self::NewCertificateReceived { at } => at,
        }
    }
}

/// Where renewal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RenewalStatus {
    /// The current certificate is not valid yet: renewal is possible only while it is valid.
    NotYetValid {
        /// When it becomes valid.
        valid_from: DateTime<Utc>,
    },
    /// Renewal is possible; order and CSR are due by `deadline`.
    Open {
        /// The last instant order and CSR count.
        deadline: DateTime<Utc>,
    },
    /// Order and CSR came in time: the new certificate has this validity.
    Placed {
        /// When the order came.
        ordered_at: DateTime<Utc>,
        /// When the CSR came.
        csr_at: DateTime<Utc>,
        /// The validity of the new certificate.
        new_validity: Validity,
    },
    /// The certificate is still valid but the deadline passed without a complete renewal:
    /// only a new certificate can be bought.
    Closed {
        /// The deadline that passed.
        deadline: DateTime<Utc>,
    },
    /// The certificate expired: only a new certificate can be bought.
    Expired {
        /// When it expired.
        expired_at: DateTime<Utc>,
    },
}

/// A validity period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Validity {
    /// `notBefore`.
    pub start: DateTime<Utc>,
    /// `notAfter`.
    pub end: DateTime<Utc>,
    /// The term.
    pub term: Term,
}

/// The two expiry reminders.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// [`RenewalPolicy::first_reminder`] before expiry (45 days); always sent.
    First,
    /// [`RenewalPolicy::second_reminder`] before expiry (15 days); only without a renewal.
    Second,
}

/// A reminder's state at the plan's time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ReminderState {
    /// Not due yet.
    Upcoming,
    /// Due and not sent: send it now.
    Due,
    /// Sent.
    Sent {
        /// When.
        at: DateTime<Utc>,
    },
    /// Not to be sent: a renewal was placed.
    NotNeeded,
    /// Never sent and the certificate has expired: pointless now.
    Lapsed,
}

/// One reminder in the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Reminder {
    /// Which.
    pub kind: ReminderKind,
    /// When it is due.
    pub due: DateTime<Utc>,
    /// Its state.
    pub state: ReminderState,
}

/// What the renewal keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kept {
    /// The same token.
    Token,
    /// The token's PIN (and PUK).
    TokenPin,
    /// The cloud account.
    CloudAccount,
    /// The cloud authorization method (authenticator app).
    AuthorizationMethod,
}

/// Why the plan is what it is. Several may apply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// Renewal is possible only while the current certificate is valid; it is not yet.
    NotYetValid,
    /// The certificate has expired; only a new certificate can be bought.
    Expired,
    /// The order/CSR deadline passed without a complete renewal.
    DeadlinePassed,
    /// An order came after the deadline and does not count.
    OrderTooLate {
        /// When it came.
        at: DateTime<Utc>,
    },
    /// A CSR came after the deadline and does not count.
    CsrTooLate {
        /// When it came.
        at: DateTime<Utc>,
    },
    /// An order or CSR came before the certificate was valid and does not count.
    BeforeValidity {
        /// When it came.
        at: DateTime<Utc>,
    },
    /// The order is in; the CSR is still missing.
    CsrMissing,
    /// The CSR is in; the order is still missing.
    OrderMissing,
    /// An order for a term the provider does not sell.
    UnknownTerm {
        /// Years ordered.
        years: u8,
    },
    /// The cloud renewal banner is showing (the last stretch of validity).
    BannerShowing,
}

/// A step for the holder or the provider, with its date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Order the renewal by this time.
    PlaceOrder {
        /// Deadline.
        by: DateTime<Utc>,
    },
    /// Submit the CSR by this time.
    SubmitCsr {
        /// Deadline.
        by: DateTime<Utc>,
    },
    /// Send this reminder now.
    SendReminder {
        /// Which.
        kind: ReminderKind,
    },
    /// Buy a new certificate (renewal is no longer possible).
    BuyNewCertificate,
    /// Install the new certificate on the token, replacing the old one (serial given when
    /// known).
    InstallReplacingOld {
        /// The certificate to delete once the new one is in.
        old_serial: Option<String>,
    },
    /// Check the new certificate's data and report errors by this time.
    ReportDataErrors {
        /// Deadline.
        by: DateTime<Utc>,
    },
    /// Enroll the new certificate again with these institutions.
    Reenroll {
        /// Where.
        institutions: Vec<Institution>,
    },
}

/// The plan for one certificate at one time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RenewalPlan {
    /// The time the plan is for.
    pub at: DateTime<Utc>,
    /// Where renewal stands.
    pub status: RenewalStatus,
    /// The last instant an order and a CSR count (`notAfter − order_lead`).
    pub order_deadline: DateTime<Utc>,
    /// When a renewed certificate starts (`notAfter − new_validity_lead`), whatever the
    /// order date.
    pub new_validity_start: DateTime<Utc>,
    /// The validity each term on sale would give.
    pub options: Vec<Validity>,
    /// The two reminders.
    pub reminders: Vec<Reminder>,
    /// For a cloud account: whether the renewal banner shows at the plan's time.
    pub banner: bool,
    /// What a renewal keeps.
    pub kept: Vec<Kept>,
    /// Why.
    pub reasons: Vec<Reason>,
    /// What to do next, in order.
    pub actions: Vec<Action>,
}

/// The renewal plan for the certificate `facts` describes, given what happened (`events`), at
/// time `at`, under `policy`. Pure: no clock, no I/O.
pub fn plan(
    facts: &RenewalFacts,
    events: &[Event],
    at: DateTime<Utc>,
    policy: &RenewalPolicy,
) -> RenewalPlan {
    let deadline = facts.not_after - policy.order_lead;
    let new_start = facts.not_after - policy.new_validity_lead;
    let validity_for = |term: Term| {
        term.end_from(new_start).map(|end| Validity {
            start: new_start,
            end,
            term,
        })
    };
    let options = policy
        .terms
        .iter()
        .filter_map(|&t| validity_for(t))
        .collect();
    let past: Vec<&Event> = events.iter().filter(|e| e.at() <= at).collect();
    let mut reasons = Vec::new();

    // Orders and CSRs count only inside [notBefore, deadline].
    let in_window = |t: DateTime<Utc>| facts.not_before <= t && t <= deadline;
    let mut order: Option<(DateTime<Utc>, Term)> = None;
    let mut csr: Option<DateTime<Utc>> = None;
    for event in &past {
        match **event {
            Event::RenewalOrdered { at: t, term } => {
                if !policy.offers(term) {
                    reasons.push(Reason::UnknownTerm {
                        years: term.in_years(),
                    });
                } else if t < facts.not_before {
                    reasons.push(Reason::BeforeValidity { at: t });
                } else if !in_window(t) {
                    reasons.push(Reason::OrderTooLate { at: t });
                } else if order.is_none() {
                    order = Some((t, term));
                }
            }
            Event::CsrSubmitted { at: t } => {
                if t < facts.not_before {
                    reasons.push(Reason::BeforeValidity { at: t });
                } else if !in_window(t) {
                    reasons.push(Reason::CsrTooLate { at: t });
                } else if csr.is_none() {
                    csr = Some(t);
                }
            }
            Event::ReminderSent { .. } | Event::NewCertificateReceived { .. } => {}
        }
    }
    let placed = match (order, csr) {
        (Some((ordered_at, term)), Some(csr_at)) => {
            validity_for(term).map(|new_validity| RenewalStatus::Placed {
                ordered_at,
                csr_at,
                new_validity,
            })
        }
        _ => None,
    };

    let status = if let Some(placed) = placed {
        placed
    } else if at < facts.not_before {
        reasons.push(Reason::NotYetValid);
        RenewalStatus::NotYetValid {
            valid_from: facts.not_before,
        }
    } else if at > facts.not_after {
        reasons.push(Reason::Expired);
        RenewalStatus::Expired {
            expired_at: facts.not_after,
        }
    } else if at > deadline {
        reasons.push(Reason::DeadlinePassed);
        RenewalStatus::Closed { deadline }
    } else {
        RenewalStatus::Open { deadline }
    };
    let is_placed = matches!(status, RenewalStatus::Placed { .. });
    if matches!(status, RenewalStatus::Open { .. }) {
        match (order, csr) {
            (Some(_), None) => reasons.push(Reason::CsrMissing),
            (None, Some(_)) => reasons.push(Reason::OrderMissing),
            _ => {}
        }
    }

    let reminders: Vec<Reminder> = [
        (ReminderKind::First, policy.first_reminder),
        (ReminderKind::Second, policy.second_reminder),
    ]
    .into_iter()
    .map(|(kind, lead)| {
        let due = facts.not_after - lead;
        let sent = past.iter().find_map(|e| match **e {
            Event::ReminderSent { at: t, kind: k } if k == kind => Some(t),
            _ => None,
        });
        let state = match sent {
            Some(t) => ReminderState::Sent { at: t },
            None if kind == ReminderKind::Second && is_placed => ReminderState::NotNeeded,
            None if at < due => ReminderState::Upcoming,
            None if at <= facts.not_after => ReminderState::Due,
            None => ReminderState::Lapsed,
        };
        Reminder { kind, due, state }
    })
    .collect();

    let banner = facts.product == Product::Cloud
        && facts.not_after - policy.cloud_banner <= at
        && at <= facts.not_after;
    if banner {
        reasons.push(Reason::BannerShowing);
    }
    let kept = match facts.product {
        Product::Token => vec![Kept::Token, Kept::TokenPin],
        Product::Cloud => vec![Kept::CloudAccount, Kept::AuthorizationMethod],
    };

    let mut actions = Vec::new();
    for reminder in &reminders {
        if reminder.state == ReminderState::Due {
            actions.push(Action::SendReminder {
                kind: reminder.kind,
            });
        }
    }
    match status {
        RenewalStatus::Open { deadline } => {
            if order.is_none() {
                actions.push(Action::PlaceOrder { by: deadline });
            }
            if csr.is_none() {
                actions.push(Action::SubmitCsr { by: deadline });
            }
        }
        RenewalStatus::Closed { .. } | RenewalStatus::Expired { .. } => {
            actions.push(Action::BuyNewCertificate);
        }
        RenewalStatus::NotYetValid { .. } => {}
        RenewalStatus::Placed { .. } => {
            let received = past.iter().find_map(|e| match **e {
                Event::NewCertificateReceived { at: t } => Some(t),
                _ => None,
            });
            if facts.product == Product::Token {
                actions.push(Action::InstallReplacingOld {
                    old_serial: facts.serial.clone(),
                });
            }
            if let Some(received) = received {
                actions.push(Action::ReportDataErrors {
                    by: policy.handover.data_error_deadline(received),
                });
            }
            actions.push(Action::Reenroll {
                institutions: policy.institutions.clone(),
            });
        }
    }

    RenewalPlan {
        at,
        status,
        order_deadline: deadline,
        new_validity_start: new_start,
        options,
        reminders,
        banner,
        kept,
        reasons,
        actions,
    }
}
