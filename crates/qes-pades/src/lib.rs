#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), warn(missing_docs))]

mod appearance;
mod batch;
mod compose;
mod diff;
mod docmdp;
mod embed;
mod error;
pub mod pdf;
mod reach;
mod report;
mod sign;
mod timestamp;
mod verify;

#[doc(hidden)]
pub use appearance::fuzz_appearance;
pub use appearance::{
    Appearance, AppearanceDetails, Font, Image, Rect, RenderedAppearance, MAX_FONT_LEN,
    MAX_FONT_SIZE, MAX_IMAGE_LEN, MAX_IMAGE_PIXELS, MAX_TEXT_CHARS, MIN_FONT_SIZE,
};
pub use batch::MAX_BATCH_DOCUMENTS;
pub use compose::{read_private_data, FormDocument, MAX_FORM_ITEMS};
pub use diff::{modifications_since, Modifications};
pub use docmdp::DocMdpLevel;
pub use error::{Error, Result};
pub use report::{
    ByteRangeProblem, CertificationProblem, Coverage, DictionaryConflict, PadesLevel, PdfReport,
    SignatureKind, SignatureReport,
};
pub use sign::{PadesSigner, CONTENTS_OVERHEAD};
pub use timestamp::{DocumentTimestamper, TIMESTAMP_MARGIN};
pub use verify::{PadesVerifier, MAX_SIGNATURE_FIELDS, SIGNING_TIME_TOLERANCE_SECS};
