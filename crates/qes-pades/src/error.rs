//! The crate's one error type: everything that stops a PDF from being read, signed or
//! verified (a verdict on a signature is not an error: it is in the report).

use std::ops::Range;

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The PDF syntax is broken at `offset` (ISO 32000-2 §7.2–§7.3).
    #[error("PDF syntax error at byte {offset}: {reason}")]
    Syntax {
        /// Byte offset in the file (or in a decoded object stream, see `in_object_stream`).
        offset: usize,
        /// What was expected.
        reason: &'static str,
    },
    /// No usable `startxref` near the end of the file (ISO 32000-2 §7.5.5).
    #[error("no startxref found at the end of the file")]
    NoStartXref,
    /// A cross-reference section is malformed (ISO 32000-2 §7.5.4, §7.5.8).
    #[error("malformed cross-reference section at byte {offset}: {reason}")]
    Xref {
        /// Where the section starts.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// An explicit limit was reached (nesting depth, object count, decoded size, …).
    #[error("limit exceeded: {what} (limit {limit})")]
    Limit {
        /// Which limit.
        what: &'static str,
        /// Its value.
        limit: usize,
    },
    /// An object named by the cross-reference table is missing or is not the object
    /// expected there.
    #[error("object {num} {gen} R: {reason}")]
    Object {
        /// Object number.
        num: u32,
        /// Generation number.
        gen: u16,
        /// What is wrong.
        reason: &'static str,
    },
    /// A stream cannot be decoded (unsupported filter or corrupt data).
    #[error("stream cannot be decoded: {reason}")]
    Filter {
        /// What is wrong.
        reason: &'static str,
    },
    /// A required entry is missing or has the wrong type.
    #[error("{dict}: entry /{key} missing or of the wrong type")]
    Entry {
        /// Which dictionary.
        dict: &'static str,
        /// Which key.
        key: &'static str,
    },
    /// The document is encrypted (ISO 32000-2 §7.6); encrypted documents are not supported.
    #[error("encrypted PDFs are not supported")]
    Encrypted,
    /// The document is certified with DocMDP level 1 (no changes allowed, ISO 32000-2
    /// §12.8.2.2): another signature would break the certification.
    #[error("the document is certified with no changes allowed (DocMDP P=1)")]
    NoChangesAllowed,
    /// A certification signature was asked for on a document that already has a signature
    /// or is already certified: a certification signature must be the first one (ISO
    /// 32000-2 §12.8.2.2.1).
    #[error("a certification signature must be the document's first signature")]
    AlreadySigned,
    /// The signature field name is already used in the document's form.
    #[error("a form field named {0:?} already exists")]
    FieldExists(String),
    /// The CMS signature does not fit the `/Contents` placeholder reserved for it.
    #[error("signature of {needed} bytes does not fit the {reserved} bytes reserved in /Contents")]
    ContentsTooSmall {
        /// Bytes the DER signature needs.
        needed: usize,
        /// Bytes reserved.
        reserved: usize,
    },
    /// The page asked for does not exist (pages are numbered from 1).
    #[error("page {page} does not exist: the document has {pages} page(s)")]
    PageOutOfRange {
        /// The page number asked for.
        page: usize,
        /// How many pages there are.
        pages: usize,
    },
    /// A visible signature's rectangle does not lie inside the page's visible area.
    #[error("the signature rectangle {rect:?} lies outside page {page} ({width} × {height} pt)")]
    RectOutsidePage {
        /// The page number.
        page: usize,
        /// The rectangle asked for: x, y, width, height.
        rect: [f64; 4],
        /// The page's visible width as displayed.
        width: f64,
        /// The page's visible height as displayed.
        height: f64,
    },
    /// The visible signature cannot be placed or drawn as asked.
    #[error("visible signature: {0}")]
    Appearance(&'static str),
    /// A font for the appearance is unusable (ISO 32000-2 §9.9; OpenType).
    #[error("font: {0}")]
    Font(&'static str),
    /// The appearance font has no glyph for a character of the text.
    #[error("the font has no glyph for {0:?} (U+{code:04X})", code = u32::from(*.0))]
    MissingGlyph(char),
    /// An image for the appearance is unusable.
    #[error("image: {0}")]
    Image(&'static str),
    /// Arithmetic on offsets or lengths overflowed.
    #[error("offset arithmetic overflow")]
    Overflow,
    /// A byte range lies outside the file.
    #[error("byte range {0:?} lies outside the file")]
    OutOfBounds(Range<usize>),
    /// Writing the output failed.
    #[error("writing the signed PDF: {0}")]
    Io(#[source] std::io::Error),
    /// Reading the input failed (a document opened from a reader).
    #[error("reading the PDF: {0}")]
    Read(#[source] std::io::Error),
    /// The timestamper failed (a document timestamp).
    #[error("timestamping failed: {0}")]
    Timestamp(#[source] qes_signer::BackendError),
    /// The CMS layer failed (building the signature).
    #[error("CMS: {0}")]
    Cms(#[from] qes_cms::Error),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
