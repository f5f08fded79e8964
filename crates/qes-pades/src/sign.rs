//! PAdES signing (ETSI EN 319 142-1 §6.3 baseline B-B and B-T; ISO 32000-2 §12.8): the
//! signer's options, the signature dictionary's entries, the `/Contents` size estimate, and
//! the CAdES detached signature from `qes-cms` over the ByteRange digest. The field, the
//! placeholders and the incremental update are `embed`'s.

use crate::appearance::{Appearance, AppearanceDetails, Rect};
use crate::embed::{embed, write_signed, Embedding, Visible};
use crate::pdf::write::{text_string, write_object, write_string};
use crate::pdf::{Document, Object};
use crate::timestamp::probe_reserve;
use crate::DocMdpLevel;
#[cfg(doc)]
use crate::Error;
use crate::Result;
use chrono::{DateTime, Utc};
use qes_cms::{CadesBuilder, Timestamper};
use qes_signer::Signer;
use std::io::{Read, Seek, Write};
use std::sync::OnceLock;

/// Bytes reserved in `/Contents` beyond the certificates: signed attributes, the signature
/// value (up to RSA-8192) and CMS structure.
pub const CONTENTS_OVERHEAD: usize = 4096;

/// Signs PDF documents as PAdES baseline B-B, or B-T with a timestamper.
///
/// ```text
/// PadesSigner::new(&signer)                   the signing key and its certificate chain
///     .with_reason("…") .with_location("…")   optional /Reason /Location /ContactInfo /Name
///     .with_field_name("Signature1")          the new field's /T (default: Signature<n>)
///     .with_visible(1, Rect::new(…))          visible on page 1 (default: invisible)
///     .with_appearance(Appearance::oug140(…)) what it shows (default: Appearance::new())
///     .with_signing_time(t)                   the claimed time, written as /M
///     .with_timestamper(&tsa)                 B-T: a signature-time-stamp in the CMS
///     .sign(&pdf)                             → the PDF with one more revision
/// ```
///
/// The output is the input, byte for byte, followed by an incremental update (ISO 32000-2
/// §7.5.6) with: a signature dictionary (`/Type /Sig /Filter /Adobe.PPKLite /SubFilter
/// /ETSI.CAdES.detached`), and either a new version of the named empty signature field
/// with its `/V`, or an invisible widget annotation (`/Rect [0 0 0 0]`) merged with a new
/// signature field on the first page and new versions of that page, of the interactive
/// form (`/Fields`, `/SigFlags 3`) and — when the form is new or direct — of the catalog.
/// A visible signature's widget has the chosen page's `/Rect` and `/F 4`, and its `/AP
/// /N` form XObject, font and image objects are new objects in the same update; an
/// existing empty field with an appearance gets the `/AP` drawn to its own rectangle.
/// The CMS carries no signing-time attribute (EN 319 142-1 §5.4: the time is `/M`).
#[derive(Clone)]
pub struct PadesSigner<'s> {
    signer: &'s dyn Signer,
    timestamper: Option<&'s dyn Timestamper>,
    reason: Option<String>,
    location: Option<String>,
    contact_info: Option<String>,
    name: Option<String>,
    field_name: Option<String>,
    signing_time: Option<DateTime<Utc>>,
    reserved: Option<usize>,
    certification: Option<DocMdpLevel>,
    placement: Option<(usize, Rect)>,
    appearance: Option<Appearance>,
    /// The timestamp token reserve measured by the first probe (see `reserved_contents`).
    probed_stamp: OnceLock<usize>,
}

impl std::fmt::Debug for PadesSigner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PadesSigner")
            .field("timestamped", &self.timestamper.is_some())
            .field("field_name", &self.field_name)
            .field("signing_time", &self.signing_time)
            .finish_non_exhaustive()
    }
}

impl<'s> PadesSigner<'s> {
    /// A signer for PAdES B-B with `signer`'s key, certificate and chain.
    pub fn new(signer: &'s dyn Signer) -> Self {
        Self {
            signer,
            timestamper: None,
            reason: None,
            location: None,
            contact_info: None,
            name: None,
            field_name: None,
            signing_time: None,
            reserved: None,
            certification: None,
            placement: None,
            appearance: None,
            probed_stamp: OnceLock::new(),
        }
    }

    /// `/Reason`: why the document is signed.
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// `/Location`: where it is signed.
    pub fn with_location(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }

    /// `/ContactInfo`: how to reach the signer.
    pub fn with_contact_info(mut self, contact: impl Into<String>) -> Self {
        self.contact_info = Some(contact.into());
        self
    }

    /// `/Name`: the signer's name as the document shows it.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The signature field's name (`/T`): an existing signature field without a value is
    /// signed in place (its widget keeps its page and rectangle); otherwise a new field
    /// with this name is created. Any other existing field of this name is an error.
    pub fn with_field_name(mut self, field: impl Into<String>) -> Self {
        self.field_name = Some(field.into());
        self
    }

    /// Make the signature visible in a new field on page `page_number` (from 1), in
    /// `rect` — points from the lower-left corner of the page's visible area as displayed
    /// (crop box, after `/Rotate`); the page's `/Rect` is computed from it. It shows
    /// [`PadesSigner::with_appearance`]'s appearance, by default [`Appearance::new`].
    pub fn with_visible(mut self, page_number: usize, rect: Rect) -> Self {
        self.placement = Some((page_number, rect));
        self
    }

    /// What the visible signature shows: in the new field placed by
    /// [`PadesSigner::with_visible`], or in the existing empty field named by
    /// [`PadesSigner::with_field_name`] (drawn to that field's rectangle).
    pub fn with_appearance(mut self, appearance: Appearance) -> Self {
        self.appearance = Some(appearance);
        self
    }

    /// The claimed signing time, written as `/M` (not proof: B-T adds a timestamp).
    pub fn with_signing_time(mut self, time: DateTime<Utc>) -> Self {
        self.signing_time = Some(time);
        self
    }

    /// Timestamp the signature value (PAdES B-T).
    pub fn with_timestamper(mut self, timestamper: &'s dyn Timestamper) -> Self {
        self.timestamper = Some(timestamper);
        self
    }

    /// Make this a certification signature (ISO 32000-2 §12.8.2.2 DocMDP) permitting
    /// `level`'s changes afterwards: 1 none, 2 form filling and signing, 3 also
    /// annotations (levels outside 1–3 are written as 2). The signature dictionary gets a
    /// `/Reference` with `/TransformMethod /DocMDP` and the catalog `/Perms /DocMDP`, in
    /// the same update; the document must not be signed yet.
    pub fn with_certification(mut self, level: DocMdpLevel) -> Self {
        let p = if (1..=3).contains(&level.0) {
            level.0
        } else {
            2
        };
        self.certification = Some(DocMdpLevel(p));
        self
    }

    /// Reserve exactly `bytes` for the DER signature in `/Contents` instead of the
    /// estimate of [`PadesSigner::reserved_contents`].
    pub fn with_reserved_contents(mut self, bytes: usize) -> Self {
        self.reserved = Some(bytes);
        self
    }

    /// The bytes reserved for the DER signature: the size given to
    /// [`PadesSigner::with_reserved_contents`], else the signer's certificate and chain plus
    /// [`CONTENTS_OVERHEAD`], plus — for B-T — the size of a real token from the timestamper
    /// and [`crate::TIMESTAMP_MARGIN`]. That token comes from one probe request (over a zero
    /// digest), made the first time this signer needs it and remembered for every later
    /// document it signs: the reserve follows the TSA's actual certificate chain, so a
    /// timestamp never fails to fit and nothing is signed twice.
    ///
    /// # Errors
    /// [`Error::Timestamp`] when the probe request fails.
    pub fn reserved_contents(&self) -> Result<usize> {
        if let Some(bytes) = self.reserved {
            return Ok(bytes);
        }
        let certs: usize = std::iter::once(self.signer.certificate())
            .chain(self.signer.chain())
            .map(|c| c.der().len())
            .sum();
        let stamp = match self.timestamper {
            None => 0,
            Some(tsa) => match self.probed_stamp.get() {
                Some(&bytes) => bytes,
                None => {
                    let bytes = probe_reserve(tsa)?;
                    *self.probed_stamp.get_or_init(|| bytes)
                }
            },
        };
        Ok(certs
            .saturating_add(CONTENTS_OVERHEAD)
            .saturating_add(stamp))
    }

    /// The same options over another signer and timestamper (hook of `batch`'s two passes).
    pub(crate) fn rebind<'t>(
        &self,
        signer: &'t dyn Signer,
        timestamper: Option<&'t dyn Timestamper>,
    ) -> PadesSigner<'t>
    where
        's: 't,
    {
        PadesSigner {
            signer,
            timestamper,
            // Another timestamper: its tokens are measured again.
            probed_stamp: OnceLock::new(),
            ..self.clone()
        }
    }

    /// The signer and timestamper (for `batch`).
    pub(crate) fn parts(&self) -> (&'s dyn Signer, Option<&'s dyn Timestamper>) {
        (self.signer, self.timestamper)
    }

    /// Sign `input`, returning it with the signature appended as an incremental update.
    ///
    /// # Errors
    /// As [`PadesSigner::sign_update`].
    pub fn sign(&self, input: &[u8]) -> Result<Vec<u8>> {
        let update = self.sign_update(input)?;
        let mut out = Vec::with_capacity(input.len().saturating_add(update.len()));
        out.extend_from_slice(input);
        out.extend_from_slice(&update);
        Ok(out)
    }

    /// Sign `input` and write the signed PDF to `out` — `input` itself, then the update —
    /// without building the whole output in memory.
    ///
    /// # Errors
    /// As [`PadesSigner::sign_update`], or [`Error::Io`] when writing fails.
    pub fn sign_to(&self, input: &[u8], out: &mut dyn Write) -> Result<()> {
        let doc = Document::open(input)?;
        write_signed(&doc, &self.update_for(&doc)?, out)
    }

    /// Sign the PDF `input` gives (a file) and write the signed PDF to `out`, reading the
    /// input in windows and chunks: neither the input nor the output is ever held whole
    /// (the peak memory does not grow with the file). The input is read twice — once to
    /// digest it, once to copy it — and must not change in between.
    ///
    /// # Errors
    /// As [`PadesSigner::sign_to`], or [`Error::Read`] when reading fails.
    pub fn sign_reader_to(
        &self,
        input: impl Read + Seek + 'static,
        out: &mut dyn Write,
    ) -> Result<()> {
        let doc = Document::from_reader(input)?;
        write_signed(&doc, &self.update_for(&doc)?, out)
    }

    /// The incremental update that signs `input`: the bytes to append to it.
    ///
    /// # Errors
    /// [`Error::Encrypted`] for an encrypted input; [`Error::NoChangesAllowed`] for a
    /// document certified with DocMDP level 1; a reader error when its catalog, form or
    /// first page cannot be read; [`Error::AlreadySigned`] for a certification of a document
    /// that has a signature already; [`Error::FieldExists`] when the chosen field name is
    /// taken; for a visible signature [`Error::PageOutOfRange`],
    /// [`Error::RectOutsidePage`], [`Error::Appearance`], [`Error::MissingGlyph`] or
    /// [`Error::Font`]; [`Error::Cms`] when the signer or timestamper fails;
    /// [`Error::ContentsTooSmall`] when the signature does not fit the reserved space
    /// (never a truncated file).
    pub fn sign_update(&self, input: &[u8]) -> Result<Vec<u8>> {
        self.update_for(&Document::open(input)?)
    }

    /// The incremental update that signs `doc`.
    fn update_for(&self, doc: &Document<'_>) -> Result<Vec<u8>> {
        let mut builder = CadesBuilder::new(self.signer);
        if let Some(tsa) = self.timestamper {
            builder = builder.timestamper(tsa);
        }
        let default_look;
        let visible = match (&self.appearance, self.placement) {
            (None, None) => None,
            (appearance, placement) => Some(Visible {
                placement,
                appearance: match appearance {
                    Some(a) => a,
                    None => {
                        default_look = Appearance::new();
                        &default_look
                    }
                },
                details: self.appearance_details(),
            }),
        };
        let embedding = Embedding {
            visible,
            field_name: self.field_name.as_deref(),
            dict_head: self.dictionary_head(),
            reserved: self.reserved_contents()?,
            algorithm: builder.digest_algorithm(),
            certify: self.certification.is_some(),
            document_timestamp: false,
        };
        embed(doc, &embedding, &|digest| {
            Ok(builder.sign_detached_digest(digest)?)
        })
    }

    /// What a visible signature shows: the `/Name` given or the certificate holder's
    /// display name, the signing time, reason and location.
    fn appearance_details(&self) -> AppearanceDetails {
        AppearanceDetails {
            name: self.name.clone().or_else(|| {
                qes_cert::identity(self.signer.certificate())
                    .ok()
                    .and_then(|id| id.display_name())
            }),
            date: self.signing_time,
            reason: self.reason.clone(),
            location: self.location.clone(),
        }
    }

    /// The signature dictionary (§12.8.1 Table 255) up to `/ByteRange`.
    fn dictionary_head(&self) -> Vec<u8> {
        let mut d = Vec::new();
        d.extend_from_slice(b"<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached");
        let mut text = |key: &str, value: &Option<String>| {
            if let Some(v) = value {
                let _ = write!(d, " /{key} ");
                write_string(&mut d, &text_string(v));
            }
        };
        text("Name", &self.name);
        text("Reason", &self.reason);
        text("Location", &self.location);
        text("ContactInfo", &self.contact_info);
        if let Some(t) = self.signing_time {
            d.extend_from_slice(b" /M ");
            let date = crate::pdf::format_date(t);
            write_object(
                &mut d,
                &Object::String(crate::pdf::PdfString::literal(date)),
            );
        }
        if let Some(DocMdpLevel(p)) = self.certification {
            // §12.8.1 Table 255 /Reference, Table 256 signature reference, Table 257
            // DocMDP transform parameters.
            let _ = write!(
                d,
                " /Reference [<</Type /SigRef /TransformMethod /DocMDP /TransformParams \
                 <</Type /TransformParams /P {p} /V /1.2>>>>]"
            );
        }
        d
    }
}
