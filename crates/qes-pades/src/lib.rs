#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), warn(missing_docs))]

mod batch;
mod diff;
mod docmdp;
mod embed;
mod error;
pub mod pdf;
mod report;
mod sign;
mod timestamp;
mod verify;

pub use diff::Modifications;
pub use docmdp::DocMdpLevel;
pub use error::{Error, Result};
pub use report::{
    ByteRangeProblem, Coverage, PadesLevel, PdfReport, SignatureKind, SignatureReport,
};
pub use sign::{PadesSigner, CONTENTS_OVERHEAD, TIMESTAMP_RESERVE};
pub use timestamp::{DocumentTimestamper, DOCUMENT_TIMESTAMP_RESERVE};
pub use verify::{PadesVerifier, MAX_SIGNATURE_FIELDS};
