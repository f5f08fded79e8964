//! Document timestamps (ETSI EN 319 142-1 §5.4.3, ISO 32000-2 §12.8.5): an RFC 3161 token
//! over the ByteRange in a `/Type /DocTimeStamp` signature dictionary with `/SubFilter
//! /ETSI.RFC3161`, appended as an incremental update like a signature.

use crate::embed::{embed, write_signed, Embedding};
use crate::pdf::Document;
use crate::{Error, Result};
use qes_cms::Timestamper;
use std::io::{Read, Seek, Write};
use std::sync::OnceLock;

/// Bytes reserved in `/Contents` beyond the length of a probe token: room for the real
/// token's serial number, `genTime` fraction and nonce being longer than the probe's.
pub const TIMESTAMP_MARGIN: usize = 1024;

/// The `/Contents` bytes to reserve for a token from `timestamper`: the DER length of one
/// probe token over a zero digest (same TSA, same request form, so the same certificates)
/// plus [`TIMESTAMP_MARGIN`].
///
/// # Errors
/// [`Error::Timestamp`] when the probe request fails.
pub(crate) fn probe_reserve(timestamper: &dyn Timestamper) -> Result<usize> {
    let algorithm = timestamper.digest_algorithm();
    let zero = vec![0u8; algorithm.output_len()];
    let token = timestamper
        .timestamp(algorithm, &zero)
        .map_err(Error::Timestamp)?;
    Ok(token.len().saturating_add(TIMESTAMP_MARGIN))
}

/// Adds a document timestamp to a PDF (ISO 32000-2 §12.8.5; ETSI EN 319 142-1 §5.4.3).
///
/// ```text
/// DocumentTimestamper::new(&tsa)            any qes_cms::Timestamper (qes-tsp's TspClient)
///     .with_field_name("Timestamp1")        the new field's /T (default: Signature<n>)
///     .timestamp(&pdf)                      → the PDF with one more revision
/// ```
pub struct DocumentTimestamper<'t> {
    timestamper: &'t dyn Timestamper,
    field_name: Option<String>,
    reserved: Option<usize>,
    /// The reserve measured by the first probe, kept for every later document.
    probed: OnceLock<usize>,
}

impl std::fmt::Debug for DocumentTimestamper<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentTimestamper")
            .field("field_name", &self.field_name)
            .field("reserved", &self.reserved)
            .finish_non_exhaustive()
    }
}

impl<'t> DocumentTimestamper<'t> {
    /// A document timestamper asking `timestamper` for tokens.
    pub fn new(timestamper: &'t dyn Timestamper) -> Self {
        Self {
            timestamper,
            field_name: None,
            reserved: None,
            probed: OnceLock::new(),
        }
    }

    /// The timestamp field's name (`/T`), as [`crate::PadesSigner::with_field_name`].
    pub fn with_field_name(mut self, field: impl Into<String>) -> Self {
        self.field_name = Some(field.into());
        self
    }

    /// Reserve `bytes` for the token instead of measuring a probe token (one extra request,
    /// the first time this timestamper is used, whose length plus [`TIMESTAMP_MARGIN`] is
    /// reserved for every document).
    pub fn with_reserved_contents(mut self, bytes: usize) -> Self {
        self.reserved = Some(bytes);
        self
    }

    /// `input` with a document timestamp appended.
    ///
    /// # Errors
    /// As [`DocumentTimestamper::timestamp_update`].
    pub fn timestamp(&self, input: &[u8]) -> Result<Vec<u8>> {
        let update = self.timestamp_update(input)?;
        let mut out = Vec::with_capacity(input.len().saturating_add(update.len()));
        out.extend_from_slice(input);
        out.extend_from_slice(&update);
        Ok(out)
    }

    /// Write `input` and then the update to `out`.
    ///
    /// # Errors
    /// As [`DocumentTimestamper::timestamp_update`], or [`Error::Io`].
    pub fn timestamp_to(&self, input: &[u8], out: &mut dyn Write) -> Result<()> {
        let doc = Document::open(input)?;
        write_signed(&doc, &self.update_for(&doc)?, out)
    }

    /// Timestamp the PDF `input` gives (a file) and write the result to `out`, reading the
    /// input in windows and chunks, never whole (as [`crate::PadesSigner::sign_reader_to`]).
    ///
    /// # Errors
    /// As [`DocumentTimestamper::timestamp_to`], or [`Error::Read`] when reading fails.
    pub fn timestamp_reader_to(
        &self,
        input: impl Read + Seek + 'static,
        out: &mut dyn Write,
    ) -> Result<()> {
        let doc = Document::from_reader(input)?;
        write_signed(&doc, &self.update_for(&doc)?, out)
    }

    /// The incremental update that timestamps `input`.
    ///
    /// # Errors
    /// As [`crate::PadesSigner::sign_update`]; [`Error::Timestamp`] when the timestamper
    /// fails.
    pub fn timestamp_update(&self, input: &[u8]) -> Result<Vec<u8>> {
        self.update_for(&Document::open(input)?)
    }

    /// The incremental update that timestamps `doc`.
    fn update_for(&self, doc: &Document<'_>) -> Result<Vec<u8>> {
        let reserved = match (self.reserved, self.probed.get()) {
            (Some(bytes), _) | (None, Some(&bytes)) => bytes,
            (None, None) => {
                let bytes = probe_reserve(self.timestamper)?;
                *self.probed.get_or_init(|| bytes)
            }
        };
        let embedding = Embedding {
            field_name: self.field_name.as_deref(),
            dict_head: b"<</Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161"
                .to_vec(),
            reserved,
            algorithm: self.timestamper.digest_algorithm(),
            certify: false,
            document_timestamp: true,
            visible: None,
        };
        let algorithm = embedding.algorithm;
        embed(doc, &embedding, &|digest| {
            self.timestamper
                .timestamp(algorithm, digest)
                .map_err(Error::Timestamp)
        })
    }
}
