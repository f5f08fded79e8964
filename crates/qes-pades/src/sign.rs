//! PAdES signing (ETSI EN 319 142-1 §6.3 baseline B-B and B-T; ISO 32000-2 §12.8): a new
//! invisible signature field and a signature dictionary appended as an incremental update,
//! the `/ByteRange` hashed in one pass, and a CAdES detached signature from `qes-cms` in
//! the fixed-size `/Contents` placeholder.

use crate::docmdp::{self, DocMdpLevel};
use crate::pdf::update::Update;
use crate::pdf::write::{text_string, write_object, write_string};
use crate::pdf::{Dict, Document, ObjRef, Object};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use qes_cms::{CadesBuilder, Timestamper};
use qes_signer::Signer;
use std::io::Write;

/// Bytes reserved in `/Contents` beyond the certificates: signed attributes, the signature
/// value (up to RSA-8192) and CMS structure.
pub const CONTENTS_OVERHEAD: usize = 4096;
/// Bytes reserved in `/Contents` for a signature timestamp token (TSTInfo, the TSA's
/// signature and its certificate chain).
pub const TIMESTAMP_RESERVE: usize = 12 * 1024;

/// Width of the `/ByteRange` array's contents, filled after layout (four numbers of up to
/// 20 digits and their separators fit).
const BYTE_RANGE_WIDTH: usize = 84;

/// Where the signature goes.
enum Field {
    /// An existing signature field without a value (its reference and dictionary).
    Empty(ObjRef, Dict),
    /// A new invisible field with this name.
    New(String),
}

/// Signs PDF documents as PAdES baseline B-B, or B-T with a timestamper.
///
/// ```text
/// PadesSigner::new(&signer)                   the signing key and its certificate chain
///     .with_reason("…") .with_location("…")   optional /Reason /Location /ContactInfo /Name
///     .with_field_name("Signature1")          the new field's /T (default: Signature<n>)
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
/// The CMS carries no signing-time attribute (EN 319 142-1 §5.4: the time is `/M`).
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

    /// Reserve exactly `bytes` for the DER signature in `/Contents` instead of the
    /// estimate (certificates + [`CONTENTS_OVERHEAD`] + [`TIMESTAMP_RESERVE`] when
    /// timestamped).
    pub fn with_reserved_contents(mut self, bytes: usize) -> Self {
        self.reserved = Some(bytes);
        self
    }

    /// The bytes reserved for the DER signature.
    pub fn reserved_contents(&self) -> usize {
        self.reserved.unwrap_or_else(|| {
            let certs: usize = std::iter::once(self.signer.certificate())
                .chain(self.signer.chain())
                .map(|c| c.der().len())
                .sum();
            let stamp = if self.timestamper.is_some() {
                TIMESTAMP_RESERVE
            } else {
                0
            };
            certs
                .saturating_add(CONTENTS_OVERHEAD)
                .saturating_add(stamp)
        })
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
        let update = self.sign_update(input)?;
        out.write_all(input).map_err(Error::Io)?;
        out.write_all(&update).map_err(Error::Io)?;
        out.flush().map_err(Error::Io)
    }

    /// The incremental update that signs `input`: the bytes to append to it.
    ///
    /// # Errors
    /// [`Error::Encrypted`] for an encrypted input; [`Error::NoChangesAllowed`] for a
    /// document certified with DocMDP level 1; a reader error when its catalog, form or
    /// first page cannot be read; [`Error::FieldExists`] when the chosen field name is
    /// taken; [`Error::Cms`] when the signer or timestamper fails;
    /// [`Error::ContentsTooSmall`] when the signature does not fit the reserved space
    /// (never a truncated file).
    pub fn sign_update(&self, input: &[u8]) -> Result<Vec<u8>> {
        let doc = Document::open(input)?;
        if doc.is_encrypted() {
            return Err(Error::Encrypted);
        }
        let (catalog_ref, mut catalog) = doc.catalog()?;
        if docmdp::document_level(&doc, &catalog)? == Some(DocMdpLevel(1)) {
            return Err(Error::NoChangesAllowed);
        }
        let mut update = Update::new(&doc);
        let sig_ref = update.allocate()?;

        // The interactive form (§12.7.3): /SigFlags 3 (§12.7.3 Table 225: SignaturesExist |
        // AppendOnly), and the new field joins /Fields.
        let (form_ref, form) = match catalog.get("AcroForm") {
            Some(Object::Ref(r)) => (Some(*r), doc.resolve_dict(Some(&Object::Ref(*r)))?),
            Some(Object::Dict(d)) => (None, Some(d.clone())),
            _ => (None, None),
        };
        let form_is_new = form.is_none();
        let mut form_dict = form.unwrap_or_default();
        let mut fields = match form_dict.get("Fields") {
            Some(f) => doc.resolve(f)?.as_array().map(<[Object]>::to_vec),
            None => None,
        }
        .unwrap_or_default();
        let old_flags = form_dict.get_int("SigFlags").unwrap_or(0);
        form_dict.set("SigFlags", Object::Integer(old_flags | 3));
        let mut form_changed = old_flags & 3 != 3;

        let (sig_body, contents_at, range_at) = self.signature_dictionary();
        let reserved_hex = self.reserved_contents().saturating_mul(2);
        let sig_index = update.put_raw(sig_ref, sig_body);
        match self.choose_field(&doc, &fields)? {
            Field::Empty(field_ref, mut field) => {
                // An existing, unsigned signature field gets the value (§12.7.5.5).
                field.set("V", Object::Ref(sig_ref));
                update.put(field_ref, &Object::Dict(field));
            }
            Field::New(name) => {
                // An invisible widget on the first page (§12.5.6.19), merged with its field.
                let (page_ref, mut page) = doc.first_page()?;
                let widget_ref = update.allocate()?;
                let mut annots = match page.get("Annots") {
                    Some(a) => doc.resolve(a)?.as_array().map(<[Object]>::to_vec),
                    None => None,
                }
                .unwrap_or_default();
                annots.push(Object::Ref(widget_ref));
                page.set("Annots", Object::Array(annots));
                let mut widget = Dict::new();
                widget.set("Type", Object::name("Annot"));
                widget.set("Subtype", Object::name("Widget"));
                widget.set("FT", Object::name("Sig"));
                widget.set("T", Object::String(text_string(&name)));
                widget.set("V", Object::Ref(sig_ref));
                widget.set("Rect", Object::Array(vec![Object::Integer(0); 4]));
                // Print | Locked (§12.5.3 Table 167).
                widget.set("F", Object::Integer(132));
                widget.set("P", Object::Ref(page_ref));
                update.put(widget_ref, &Object::Dict(widget));
                update.put(page_ref, &Object::Dict(page));
                fields.push(Object::Ref(widget_ref));
                form_changed = true;
            }
        }
        if form_changed {
            form_dict.set("Fields", Object::Array(fields));
            match form_ref {
                Some(r) => update.put(r, &Object::Dict(form_dict)),
                None if form_is_new => {
                    let r = update.allocate()?;
                    update.put(r, &Object::Dict(form_dict));
                    catalog.set("AcroForm", Object::Ref(r));
                    update.put(catalog_ref, &Object::Dict(catalog));
                }
                None => {
                    catalog.set("AcroForm", Object::Dict(form_dict));
                    update.put(catalog_ref, &Object::Dict(catalog));
                }
            }
        }
        let written = update.finish()?;
        let mut update = written.update;
        let base = input.len();
        let sig_body_at = *written.bodies.get(sig_index).ok_or(Error::Overflow)?;

        // /ByteRange: everything but the /Contents string, angle brackets included. `start`
        // and `end` are offsets in the update; the file offsets add `base`.
        let start = sig_body_at
            .checked_add(contents_at)
            .ok_or(Error::Overflow)?;
        let end = start
            .checked_add(reserved_hex)
            .and_then(|e| e.checked_add(2))
            .ok_or(Error::Overflow)?;
        let tail = update.len().checked_sub(end).ok_or(Error::Overflow)?;
        let file_start = base.checked_add(start).ok_or(Error::Overflow)?;
        let file_end = base.checked_add(end).ok_or(Error::Overflow)?;
        let ranges = format!("0 {file_start} {file_end} {tail}");
        let range_field = sig_body_at.checked_add(range_at).ok_or(Error::Overflow)?;
        let slot = update
            .get_mut(range_field..range_field.saturating_add(BYTE_RANGE_WIDTH))
            .ok_or(Error::Overflow)?;
        for (i, b) in slot.iter_mut().enumerate() {
            *b = ranges.as_bytes().get(i).copied().unwrap_or(b' ');
        }

        // One pass over the two ranges: the input and the update up to /Contents, then
        // the rest of the update.
        let mut builder = CadesBuilder::new(self.signer);
        if let Some(tsa) = self.timestamper {
            builder = builder.timestamper(tsa);
        }
        let mut hasher = builder.digest_algorithm().hasher();
        hasher.update(input);
        hasher.update(update.get(..start).ok_or(Error::Overflow)?);
        hasher.update(update.get(end..).ok_or(Error::Overflow)?);
        let cms = builder.sign_detached_digest(&hasher.finish())?;
        let needed = cms.len();
        if needed.saturating_mul(2) > reserved_hex {
            return Err(Error::ContentsTooSmall {
                needed,
                reserved: reserved_hex / 2,
            });
        }
        let hex = update
            .get_mut(start.saturating_add(1)..end.saturating_sub(1))
            .ok_or(Error::Overflow)?;
        for (pair, byte) in hex.chunks_exact_mut(2).zip(&cms) {
            let digits = format!("{byte:02X}");
            pair.copy_from_slice(digits.as_bytes());
        }
        Ok(update)
    }

    /// The field to sign: the named one if it is an unsigned signature field, else a new
    /// field with the chosen name or the first free `Signature<n>`.
    fn choose_field(&self, doc: &Document<'_>, fields: &[Object]) -> Result<Field> {
        let mut names = Vec::new();
        for f in fields {
            let Some(d) = doc.resolve_dict(Some(f))? else {
                continue;
            };
            let Some(Object::String(t)) = d.get("T") else {
                continue;
            };
            let name = t.to_text();
            if self.field_name.as_deref() == Some(name.as_str()) {
                return match (f, d.get_name("FT"), d.get("V")) {
                    (Object::Ref(r), Some(b"Sig"), None | Some(Object::Null)) => {
                        Ok(Field::Empty(*r, d))
                    }
                    _ => Err(Error::FieldExists(name)),
                };
            }
            names.push(name);
        }
        if let Some(name) = &self.field_name {
            return Ok(Field::New(name.clone()));
        }
        Ok(Field::New(
            (1..)
                .map(|n| format!("Signature{n}"))
                .find(|n| !names.contains(n))
                .unwrap_or_default(),
        ))
    }

    /// The signature dictionary (§12.8.1 Table 255) with placeholders, and the offsets in it
    /// of the `/Contents` string's `<` and of the `/ByteRange` array's contents.
    fn signature_dictionary(&self) -> (Vec<u8>, usize, usize) {
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
            let date = t.format("D:%Y%m%d%H%M%S+00'00'").to_string();
            write_object(
                &mut d,
                &Object::String(crate::pdf::PdfString::literal(date)),
            );
        }
        d.extend_from_slice(b"\n/ByteRange [");
        let range_at = d.len();
        d.extend(std::iter::repeat_n(b' ', BYTE_RANGE_WIDTH));
        d.extend_from_slice(b"]\n/Contents ");
        let contents_at = d.len();
        d.push(b'<');
        d.extend(std::iter::repeat_n(
            b'0',
            self.reserved_contents().saturating_mul(2),
        ));
        d.extend_from_slice(b">\n>>");
        (d, contents_at, range_at)
    }
}
