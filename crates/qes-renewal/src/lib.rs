//! # qes-renewal — renewing a qualified certificate
//!
//! Two halves, both free of I/O and of the clock (time is always an argument):
//!
//! | item | what | standard |
//! |---|---|---|
//! | [`CsrBuilder`], [`CertificationRequest`] | PKCS#10 requests signed by the key they certify (any [`KeySigner`](qes_signer::KeySigner): a software key, a token key, a holder's existing [`Signer`](qes_signer::Signer)); parsing and verification of received requests | RFC 2986, RFC 2985 §5.4 |
//! | [`RenewalPolicy`], [`plan`], [`RenewalPlan`] | the renewal policy engine: when renewal is possible, the order/CSR deadline, the new certificate's validity, reminders, the cloud banner, what is kept, where to re-enroll | a QTSP's practice (Romanian defaults) |
//! | [`cloud`] | cloud packages and transaction counting, the invitation/activation window | |
//! | [`handover`] | PIN/PUK handover page, PUK format, token blocking, the cloud authenticator lock-out, the data-error report window | |
//!
//! Every number of the default policy ([`RenewalPolicy::romanian_qtsp`]) is a field the caller
//! can change for another provider. The functions are pure: the same certificate, events and
//! time give the same plan, which makes each rule testable at the exact second it flips.
//!
//! # Example
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use qes_renewal::{plan, Product, RenewalFacts, RenewalPolicy, RenewalStatus};
//!
//! let expires = Utc.with_ymd_and_hms(2027, 3, 31, 12, 0, 0).unwrap();
//! let facts = RenewalFacts::new(expires - Duration::days(365), expires, Product::Token);
//! let policy = RenewalPolicy::romanian_qtsp();
//!
//! // Ten days before expiry: renewal is open until three days before it.
//! let p = plan(&facts, &[], expires - Duration::days(10), &policy);
//! assert!(matches!(p.status, RenewalStatus::Open { .. }));
//! assert_eq!(p.order_deadline, expires - Duration::days(3));
//! // The new certificate starts three days before the current one expires.
//! assert_eq!(p.new_validity_start, expires - Duration::days(3));
//! ```

pub mod cloud;
mod csr;
mod error;
pub mod handover;
mod plan;
mod policy;

pub use csr::{
    CertificationRequest, CsrBuilder, RequestedExtension, MAX_CSR_LEN, OID_CHALLENGE_PASSWORD,
    OID_EXTENSION_REQUEST,
};
pub use error::{CsrError, RenewalError};
pub use plan::{
    plan, Action, Event, Kept, Product, Reason, Reminder, ReminderKind, ReminderState,
    RenewalFacts, RenewalPlan, RenewalStatus, Validity,
};
pub use policy::{Institution, RenewalPolicy, Term};
