//! # qes-cms — CMS SignedData and CAdES baseline signatures
//!
//! Sign and verify CMS `SignedData` (RFC 5652) as CAdES baseline signatures (ETSI EN 319 122-1):
//! attached and detached `.p7s`, levels B-B and B-T, parallel signers and countersignatures.
//! RFC 3161 timestamp tokens are `SignedData` too: their verification lives here, so a
//! CAdES verifier can check a signature-time-stamp; the RFC 3161 protocol (requests,
//! responses, transports) is `qes-tsp`, which implements the [`Timestamper`] trait defined here.
//!
//! - [`CadesBuilder`] signs with any [`qes_signer::Signer`]; the signer only ever sees the
//!   DER of the signed attributes.
//! - [`Verifier`] checks every signer over the bytes as received and returns a
//!   [`VerificationReport`] with an ETSI EN 319 102-1 indication per signer.
#![cfg_attr(not(test), warn(missing_docs))]

pub mod asn1;
mod builder;
mod error;
mod report;
mod signed_data;
mod timestamp;
mod tlv;
mod verify;

pub use asn1::{CommitmentType, CommitmentTypeIndication, SignerLocation, TstInfo};
pub use builder::{add_signature_timestamp, CadesBuilder, SignerIdentifierKind};
pub use error::{Error, Result};
pub use report::{
    CadesLevel, Check, Indication, Outcome, SignerIdentity, SignerReport, Step, SubIndication,
    TimestampReport, VerificationReport,
};
pub use signed_data::SignerId;
pub use timestamp::{token_tst_info, Timestamper};
pub use verify::{
    Content, Verifier, MAX_COUNTERSIGNATURE_DEPTH, MAX_SIGNATURE_LEN, MAX_SIGNERS,
    SIGNING_TIME_TOLERANCE_SECONDS,
};
