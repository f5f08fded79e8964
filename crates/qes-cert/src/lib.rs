//! # qes-cert — qualified certificates
//!
//! Parse X.509 certificates (RFC 5280) the way real signature verifiers meet them, read their
//! qualified profile (ETSI EN 319 412-1/-2/-3/-5) and holder identity (including the Romanian
//! CNP), lint them, and validate certification paths (RFC 5280 §6) with CRL and OCSP checking.
//!
//! Time is always an argument: nothing in this crate reads the clock.
#![cfg_attr(not(test), warn(missing_docs))]

mod certificate;
mod error;

pub use certificate::{Certificate, ParseMode};
pub use error::{Error, Result};
