//! # qes-pades — PAdES signatures for PDF
//!
//! PAdES baseline signatures (ETSI EN 319 142-1) in PDF documents (ISO 32000-2 §12.8):
//!
//! - [`pdf`] — a tolerant, bounded PDF reader: objects, cross-reference tables and streams,
//!   object streams, incremental updates; it never parses more of the file than it needs.
#![cfg_attr(not(test), warn(missing_docs))]

mod error;
pub mod pdf;

pub use error::{Error, Result};
