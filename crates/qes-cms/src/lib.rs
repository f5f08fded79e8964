//! # qes-cms — CMS SignedData and CAdES baseline signatures
//!
//! Sign and verify CMS `SignedData` (RFC 5652) as CAdES baseline signatures (ETSI EN 319 122-1):
//! attached and detached `.p7s`, levels B-B and B-T, parallel signers and countersignatures.
//! RFC 3161 timestamp tokens are `SignedData` too: their verification lives here, so a
//! CAdES verifier can check a signature-time-stamp; the RFC 3161 protocol (requests,
//! responses, transports) is `qes-tsp`, which implements the [`Timestamper`] trait defined here.
#![cfg_attr(not(test), warn(missing_docs))]

pub mod asn1;
mod error;

pub use error::{Error, Result};
