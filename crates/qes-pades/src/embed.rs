//! Embedding a signature value in a PDF (ISO 32000-2 §12.8.1), shared by PAdES signatures
//! and document timestamps: the signature field (new, or an existing empty one), the
//! signature dictionary with fixed-size `/ByteRange` and `/Contents` placeholders, the
//! incremental update, the one-pass digest over the two ranges, and `/Contents` filled in;
//! for a visible signature, the widget's page, `/Rect` and `/AP` from `appearance`.

use crate::appearance::{self, Appearance, AppearanceDetails, Rect};
use crate::docmdp::{self, DocMdpLevel};
use crate::pdf::update::Update;
use crate::pdf::write::text_string;
use crate::pdf::{Dict, Document, ObjRef, Object};
use crate::{Error, Result};
use qes_signer::DigestAlgorithm;
use std::io::Write;

/// Width of the `/ByteRange` array's contents, filled after layout (four numbers of up to
/// 20 digits and their separators fit).
const BYTE_RANGE_WIDTH: usize = 84;

/// What a signer puts into the PDF.
pub(crate) struct Embedding<'a> {
    /// The field to sign (`/T`), or `None` for the first free `Signature<n>`.
    pub field_name: Option<&'a str>,
    /// The signature dictionary up to, not including, `/ByteRange` (starts with `<<`).
    pub dict_head: Vec<u8>,
    /// Bytes reserved for the DER value in `/Contents`.
    pub reserved: usize,
    /// The digest algorithm of the ByteRange digest handed to the value producer.
    pub algorithm: DigestAlgorithm,
    /// A certification signature: the catalog's `/Perms /DocMDP` names the new signature
    /// dictionary (whose head carries the `/Reference`), and the document must be unsigned.
    pub certify: bool,
    /// A document timestamp, which a DocMDP level 1 certification permits (ISO 32000-2
    /// §12.8.2.2.2); any other signature is refused there.
    pub document_timestamp: bool,
    /// A visible signature: how it looks and, for a new field, where it goes.
    pub visible: Option<Visible<'a>>,
}

/// A visible signature's look and place.
pub(crate) struct Visible<'a> {
    /// The page number (from 1) and rectangle of a new field; `None` to draw into the
    /// existing empty field's own widget.
    pub placement: Option<(usize, Rect)>,
    /// What it shows.
    pub appearance: &'a Appearance,
    /// The facts the appearance shows.
    pub details: AppearanceDetails,
}

/// Where the signature goes.
enum Field {
    /// An existing signature field without a value (its reference and dictionary).
    Empty(ObjRef, Dict),
    /// A new invisible field with this name.
    New(String),
}

/// The incremental update that embeds in `doc` the value `contents` makes from the
/// ByteRange digest.
///
/// # Errors
/// [`Error::Encrypted`], [`Error::NoChangesAllowed`], [`Error::AlreadySigned`], a reader
/// error, [`Error::FieldExists`], the producer's error, or [`Error::ContentsTooSmall`].
pub(crate) fn embed(
    doc: &Document<'_>,
    embedding: &Embedding<'_>,
    contents: &dyn Fn(&[u8]) -> Result<Vec<u8>>,
) -> Result<Vec<u8>> {
    if doc.is_encrypted() {
        return Err(Error::Encrypted);
    }
    let (catalog_ref, mut catalog) = doc.catalog()?;
    let certified = docmdp::document_level(doc, &catalog)?;
    if certified == Some(DocMdpLevel(1)) && !embedding.document_timestamp {
        return Err(Error::NoChangesAllowed);
    }
    // A certification signature is the document's first signature (ISO 32000-2
    // §12.8.2.2.1).
    if embedding.certify
        && (certified.is_some() || !crate::verify::signature_fields(doc)?.is_empty())
    {
        return Err(Error::AlreadySigned);
    }
    let mut update = Update::new(doc);
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

    let reserved_hex = embedding.reserved.saturating_mul(2);
    let (sig_body, contents_at, range_at) = placeholder(&embedding.dict_head, reserved_hex);
    let sig_index = update.put_raw(sig_ref, sig_body);
    match choose_field(doc, &fields, embedding.field_name)? {
        Field::Empty(field_ref, mut field) => {
            // An existing, unsigned signature field gets the value (§12.7.5.5).
            field.set("V", Object::Ref(sig_ref));
            if let Some(visible) = &embedding.visible {
                if visible.placement.is_some() {
                    return Err(Error::Appearance(
                        "an existing field has its own widget: a page and rectangle are for new fields",
                    ));
                }
                draw_into_existing(doc, &mut update, field_ref, &mut field, visible)?;
            }
            update.put(field_ref, &Object::Dict(field));
        }
        Field::New(name) => {
            // A widget (§12.5.6.19) merged with its field: invisible on the first page, or
            // visible on the chosen page and rectangle.
            let (page_ref, mut page, rect, ap) = match &embedding.visible {
                None => {
                    let (r, page) = doc.first_page()?;
                    (r, page, [0.0; 4], None)
                }
                Some(Visible {
                    placement: None, ..
                }) => {
                    return Err(Error::Appearance(
                        "a new visible field needs a page and a rectangle",
                    ))
                }
                Some(Visible {
                    placement: Some((number, rect)),
                    appearance,
                    details,
                }) => {
                    let index = number.checked_sub(1).ok_or(Error::PageOutOfRange {
                        page: 0,
                        pages: doc.page_count()?,
                    })?;
                    let page = doc.page(index)?;
                    let at = appearance::place(&page, *number, *rect)?;
                    let rendered = appearance.render(details, at.width, at.height)?;
                    let form = rendered.write(&mut update, at.rotate)?;
                    (page.id, page.dict, at.rect, Some(form))
                }
            };
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
            widget.set(
                "Rect",
                Object::Array(rect.iter().map(|v| Object::Real(*v)).collect()),
            );
            match ap {
                Some(form) => {
                    // Print (§12.5.3 Table 167); the normal appearance (§12.5.5).
                    widget.set("F", Object::Integer(4));
                    let mut ap = Dict::new();
                    ap.set("N", Object::Ref(form));
                    widget.set("AP", Object::Dict(ap));
                }
                // Print | Locked.
                None => widget.set("F", Object::Integer(132)),
            }
            widget.set("P", Object::Ref(page_ref));
            update.put(widget_ref, &Object::Dict(widget));
            update.put(page_ref, &Object::Dict(page));
            fields.push(Object::Ref(widget_ref));
            form_changed = true;
        }
    }
    let mut catalog_changed = false;
    if form_changed {
        form_dict.set("Fields", Object::Array(fields));
        match form_ref {
            Some(r) => update.put(r, &Object::Dict(form_dict)),
            None if form_is_new => {
                let r = update.allocate()?;
                update.put(r, &Object::Dict(form_dict));
                catalog.set("AcroForm", Object::Ref(r));
                catalog_changed = true;
            }
            None => {
                catalog.set("AcroForm", Object::Dict(form_dict));
                catalog_changed = true;
            }
        }
    }
    if embedding.certify {
        // The permissions dictionary (§12.8.4 Table 263), other entries such as /UR3 kept.
        let mut perms = doc.resolve_dict(catalog.get("Perms"))?.unwrap_or_default();
        perms.set("DocMDP", Object::Ref(sig_ref));
        catalog.set("Perms", Object::Dict(perms));
        catalog_changed = true;
    }
    if catalog_changed {
        update.put(catalog_ref, &Object::Dict(catalog));
    }
    let written = update.finish()?;
    let mut update = written.update;
    let base = doc.len();
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

    // One pass over the two ranges: the input (in chunks when read from a file) and the
    // update up to /Contents, then the rest of the update.
    let mut hasher = embedding.algorithm.hasher();
    doc.source().for_each_chunk(0..base, |chunk| {
        hasher.update(chunk);
        Ok(())
    })?;
    hasher.update(update.get(..start).ok_or(Error::Overflow)?);
    hasher.update(update.get(end..).ok_or(Error::Overflow)?);
    let cms = contents(&hasher.finish())?;
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

/// Write the signed file: `doc`'s bytes (copied in chunks when read from a file), then
/// `update`.
///
/// # Errors
/// [`Error::Io`] when writing fails, [`Error::Read`] when reading does.
pub(crate) fn write_signed(doc: &Document<'_>, update: &[u8], out: &mut dyn Write) -> Result<()> {
    doc.source().for_each_chunk(0..doc.len(), |chunk| {
        out.write_all(chunk).map_err(Error::Io)
    })?;
    out.write_all(update).map_err(Error::Io)?;
    out.flush().map_err(Error::Io)
}

/// Draw `visible` into the widget of the existing empty field `field`: the field itself
/// when merged with its widget (§12.7.1), else its first kid; sized from its `/Rect` and
/// turned upright for its page's `/Rotate`.
fn draw_into_existing(
    doc: &Document<'_>,
    update: &mut Update<'_, '_>,
    field_ref: ObjRef,
    field: &mut Dict,
    visible: &Visible<'_>,
) -> Result<()> {
    let merged = field.get_name("Subtype") == Some(b"Widget") || field.get("Rect").is_some();
    let (widget_ref, mut widget) = if merged {
        (field_ref, field.clone())
    } else {
        let kid = doc
            .resolve(field.get("Kids").unwrap_or(&Object::Null))?
            .as_array()
            .and_then(|k| k.first().cloned());
        match kid {
            Some(Object::Ref(r)) => match doc.get(r)? {
                Object::Dict(d) => (r, d),
                _ => return Err(Error::Appearance("the field's widget is not a dictionary")),
            },
            _ => return Err(Error::Appearance("the field has no widget annotation")),
        }
    };
    let rect = match doc.resolve(widget.get("Rect").unwrap_or(&Object::Null))? {
        Object::Array(a) if a.len() == 4 => {
            let mut v = [0.0; 4];
            for (slot, item) in v.iter_mut().zip(&a) {
                *slot = match doc.resolve(item)? {
                    Object::Integer(i) => f64::from(i32::try_from(i).unwrap_or(0)),
                    Object::Real(r) if r.is_finite() => r,
                    _ => 0.0,
                };
            }
            v
        }
        _ => [0.0; 4],
    };
    let (w, h) = ((rect[2] - rect[0]).abs(), (rect[3] - rect[1]).abs());
    if w < 1.0 || h < 1.0 {
        return Err(Error::Appearance(
            "the existing field is invisible (its /Rect has no area)",
        ));
    }
    let rotate = match widget.get_ref("P") {
        Some(p) => doc.find_page(p)?.map_or(0, |page| page.rotate),
        None => 0,
    };
    let (w, h) = if rotate % 180 == 90 { (h, w) } else { (w, h) };
    let rendered = visible.appearance.render(&visible.details, w, h)?;
    let form = rendered.write(update, rotate)?;
    let mut ap = Dict::new();
    ap.set("N", Object::Ref(form));
    widget.set("AP", Object::Dict(ap));
    if merged {
        *field = widget;
    } else {
        update.put(widget_ref, &Object::Dict(widget));
    }
    Ok(())
}

/// The field to sign: the named one if it is an unsigned signature field, else a new
/// field with the chosen name or the first free `Signature<n>`.
fn choose_field(doc: &Document<'_>, fields: &[Object], wanted: Option<&str>) -> Result<Field> {
    let mut names = Vec::new();
    for f in fields {
        let Some(d) = doc.resolve_dict(Some(f))? else {
            continue;
        };
        let Some(Object::String(t)) = d.get("T") else {
            continue;
        };
        let name = t.to_text();
        if wanted == Some(name.as_str()) {
            return match (f, d.get_name("FT"), d.get("V")) {
                (Object::Ref(r), Some(b"Sig"), None | Some(Object::Null)) => {
                    Ok(Field::Empty(*r, d))
                }
                _ => Err(Error::FieldExists(name)),
            };
        }
        names.push(name);
    }
    if let Some(name) = wanted {
        return Ok(Field::New(name.to_string()));
    }
    Ok(Field::New(
        (1..)
            .map(|n| format!("Signature{n}"))
            .find(|n| !names.contains(n))
            .unwrap_or_default(),
    ))
}

/// The signature dictionary: `head`, then `/ByteRange` and `/Contents` placeholders; the
/// offsets in it of the `/Contents` string's `<` and of the `/ByteRange` array's contents.
fn placeholder(head: &[u8], reserved_hex: usize) -> (Vec<u8>, usize, usize) {
    let mut d = head.to_vec();
    d.extend_from_slice(b"\n/ByteRange [");
    let range_at = d.len();
    d.extend(std::iter::repeat_n(b' ', BYTE_RANGE_WIDTH));
    d.extend_from_slice(b"]\n/Contents ");
    let contents_at = d.len();
    d.push(b'<');
    d.extend(std::iter::repeat_n(b'0', reserved_hex));
    d.extend_from_slice(b">\n>>");
    (d, contents_at, range_at)
}
