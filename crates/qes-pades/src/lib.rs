//! # qes-pades — PAdES signatures for PDF
//!
//! PAdES baseline signatures (ETSI EN 319 142-1) in PDF documents (ISO 32000-2 §12.8):
//!
//! - [`pdf`] — a tolerant, bounded PDF reader: objects, cross-reference tables and streams,
//!   object streams, incremental updates; it never parses more of the file than it needs.
//! - [`PadesSigner`] — PAdES B-B / B-T signing as an incremental update, with any
//!   [`qes_signer::Signer`] and, for B-T, any [`qes_cms::Timestamper`].
//! - [`PadesVerifier`] — every signature of a PDF: ByteRange sanity, coverage, the CMS
//!   verified by [`qes_cms::Verifier`], in a [`PdfReport`].
#![cfg_attr(not(test), warn(missing_docs))]

mod error;
pub mod pdf;
mod report;
mod sign;
mod verify;

pub use error::{Error, Result};
pub use report::{ByteRangeProblem, Coverage, PadesLevel, PdfReport, SignatureReport};
pub use sign::{PadesSigner, CONTENTS_OVERHEAD, TIMESTAMP_RESERVE};
pub use verify::{PadesVerifier, MAX_SIGNATURE_FIELDS};
