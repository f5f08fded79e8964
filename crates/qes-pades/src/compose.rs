//! New one-page PDF forms written from scratch (ISO 32000-2 §7.5 file structure, §7.7
//! document structure): lines of text in an embedded subset TrueType font (§9.7, with a
//! `/ToUnicode` CMap so that text extraction gives back the exact characters), empty
//! signature fields for later signers (§12.7.5.5), and an application's private data on the
//! page (§14.5 page-piece dictionaries) — the shape of a document a provider prefills and its
//! holder and the provider then sign.
//!
//! [`FormDocument`] writes; [`read_private_data`] reads the private data back from any
//! revision of such a document.

use crate::appearance::font::{EmbeddedFont, GlyphSet};
use crate::appearance::{deflate, num, stream, Font, Rect};
use crate::pdf::update::ObjectSink;
use crate::pdf::write::{text_string, write_object, write_string};
use crate::pdf::{format_date, Document, ObjRef, Object, PdfString};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use qes_signer::DigestAlgorithm;
use std::io::Write as _;

/// ISO 216 A4 in points.
const A4: (f64, f64) = (595.276, 841.89);
/// The most text lines and signature fields one document takes.
pub const MAX_FORM_ITEMS: usize = 1024;

/// One line of text on the page.
#[derive(Clone, Debug)]
struct TextLine {
    x: f64,
    y: f64,
    size: f64,
    text: String,
}

/// A new one-page PDF 1.7 document: text lines, framed empty signature fields and private
/// data, written with a classic cross-reference table (ISO 32000-2 §7.5.4).
///
/// The output is a function of the builder's contents only (no clock, no randomness): the
/// same input gives the same bytes, and the file identifier (§14.4) is derived from them.
///
/// ```
/// use qes_pades::{FormDocument, Rect};
/// use chrono::{TimeZone, Utc};
/// let pdf = FormDocument::a4(Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap())
///     .with_title("Confirmare")
///     .text(72.0, 760.0, 14.0, "Confirmare — date certificat")
///     .signature_field("holder", Rect::new(72.0, 100.0, 200.0, 60.0))
///     .to_pdf()
///     .unwrap();
/// assert!(pdf.starts_with(b"%PDF-1.7"));
/// ```
#[derive(Clone, Debug)]
pub struct FormDocument {
    font: Font,
    size: (f64, f64),
    modified: DateTime<Utc>,
    title: Option<String>,
    language: Option<String>,
    lines: Vec<TextLine>,
    fields: Vec<(String, Rect)>,
    private: Option<(String, Vec<(String, String)>)>,
}

impl FormDocument {
    /// An empty A4 portrait page; `modified` is the document's creation and modification
    /// date (`/CreationDate`, `/ModDate`, the page's `/LastModified`).
    pub fn a4(modified: DateTime<Utc>) -> Self {
        Self {
            font: Font::dejavu_sans(),
            size: A4,
            modified,
            title: None,
            language: None,
            lines: Vec::new(),
            fields: Vec::new(),
            private: None,
        }
    }

    /// The font every line is set in (default: the bundled DejaVu Sans).
    pub fn with_font(mut self, font: Font) -> Self {
        self.font = font;
        self
    }

    /// The document title (`/Title`, §14.3.3), shown by viewers instead of the file name.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The natural language of the text (`/Lang`, §14.9.2.2), a BCP 47 tag such as `ro-RO`.
    pub fn with_language(mut self, tag: impl Into<String>) -> Self {
        self.language = Some(tag.into());
        self
    }

    /// One line of `text` at `size` points, its baseline starting at (`x`, `y`) points
    /// from the page's lower-left corner. Line breaks and other control characters are
    /// dropped; nothing is wrapped.
    pub fn text(mut self, x: f64, y: f64, size: f64, text: impl Into<String>) -> Self {
        self.lines.push(TextLine {
            x,
            y,
            size,
            text: text.into(),
        });
        self
    }

    /// The width of `text` set at `size` points in this document's font, in points; for
    /// laying lines out.
    ///
    /// # Errors
    /// [`Error::MissingGlyph`] for a character the font lacks.
    pub fn text_width(&self, text: &str, size: f64) -> Result<f64> {
        Ok(self.font.shape(text)?.iter().map(|g| g.width).sum::<f64>() * size / 1000.0)
    }

    /// An empty signature field named `name` (its `/T`) whose widget is `rect`, framed by a
    /// thin grey line so a reader sees where to sign.
    pub fn signature_field(mut self, name: impl Into<String>, rect: Rect) -> Self {
        self.fields.push((name.into(), rect));
        self
    }

    /// Private data of `application` (a PDF name, e.g. `QesConfirm`): text entries stored
    /// in the page's `/PieceInfo` (§14.5, Table 366 `/Private`), read back by
    /// [`read_private_data`]. Any later revision that changes them changes the page.
    pub fn private_data<K: Into<String>, V: Into<String>>(
        mut self,
        application: impl Into<String>,
        entries: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.private = Some((
            application.into(),
            entries
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        ));
        self
    }

    /// Write the document.
    ///
    /// # Errors
    /// [`Error::MissingGlyph`] for text the font cannot show; [`Error::Limit`] for more
    /// than [`MAX_FORM_ITEMS`] lines or fields; [`Error::Appearance`] for a field name,
    /// application or private-data key that is empty or not a plain PDF name, or for a
    /// field without area; [`Error::Font`] when the font cannot be subset.
    pub fn to_pdf(&self) -> Result<Vec<u8>> {
        if self.lines.len() > MAX_FORM_ITEMS || self.fields.len() > MAX_FORM_ITEMS {
            return Err(Error::Limit {
                what: "text lines or signature fields in a composed document",
                limit: MAX_FORM_ITEMS,
            });
        }
        let mut sink = NewFile::default();
        let catalog = sink.allocate()?;
        let pages = sink.allocate()?;
        let page = sink.allocate()?;

        let (content, glyphs) = self.content()?;
        let font = if glyphs.is_empty() {
            None
        } else {
            Some(EmbeddedFont::build(&self.font, &glyphs)?.write(&mut sink)?)
        };
        let contents = sink.allocate()?;
        sink.put_body(
            contents,
            stream("/Filter /FlateDecode", &deflate(&content)?),
        );

        let mut widgets = Vec::with_capacity(self.fields.len());
        for (name, rect) in &self.fields {
            if !is_plain_name(name) {
                return Err(Error::Appearance(
                    "a signature field name must be plain ASCII letters, digits, '-' or '_'",
                ));
            }
            if !(rect.width > 0.0 && rect.height > 0.0) {
                return Err(Error::Appearance("a signature field needs an area"));
            }
            let widget = sink.allocate()?;
            let mut body = Vec::new();
            let _ = write!(
                body,
                "<</Type /Annot /Subtype /Widget /FT /Sig /T ({name}) /F 4 /P {page} \
                 /Rect [{} {} {} {}]>>",
                num(rect.x),
                num(rect.y),
                num(rect.x + rect.width),
                num(rect.y + rect.height)
            );
            sink.put_body(widget, body);
            widgets.push(widget);
        }

        let date = Object::String(PdfString::literal(format_date(self.modified)));
        let mut page_dict = Vec::new();
        let _ = write!(
            page_dict,
            "<</Type /Page /Parent {pages} /MediaBox [0 0 {} {}] /Contents {contents} \
             /Resources <<",
            num(self.size.0),
            num(self.size.1)
        );
        if let Some(font) = font {
            let _ = write!(page_dict, "/Font <</F1 {font}>>");
        }
        page_dict.extend_from_slice(b">>");
        if !widgets.is_empty() {
            page_dict.extend_from_slice(b" /Annots [");
            for w in &widgets {
                let _ = write!(page_dict, " {w}");
            }
            page_dict.extend_from_slice(b"]");
        }
        page_dict.extend_from_slice(b" /LastModified ");
        write_object(&mut page_dict, &date);
        if let Some((application, entries)) = &self.private {
            if !is_plain_name(application) || entries.iter().any(|(k, _)| !is_plain_name(k)) {
                return Err(Error::Appearance(
                    "private data names must be plain ASCII letters, digits, '-' or '_'",
                ));
            }
            let _ = write!(page_dict, " /PieceInfo <</{application} <</LastModified ");
            write_object(&mut page_dict, &date);
            page_dict.extend_from_slice(b" /Private <<");
            for (key, value) in entries {
                let _ = write!(page_dict, "/{key} ");
                write_string(&mut page_dict, &text_string(value));
                page_dict.push(b' ');
            }
            page_dict.extend_from_slice(b">>>>>>");
        }
        page_dict.extend_from_slice(b">>");
        sink.put_body(page, page_dict);
        sink.put_body(
            pages,
            format!("<</Type /Pages /Kids [{page}] /Count 1>>").into_bytes(),
        );

        let mut catalog_dict = format!("<</Type /Catalog /Pages {pages}").into_bytes();
        if !widgets.is_empty() {
            catalog_dict.extend_from_slice(b" /AcroForm <</Fields [");
            for w in &widgets {
                let _ = write!(catalog_dict, " {w}");
            }
            catalog_dict.extend_from_slice(b"]>>");
        }
        if let Some(lang) = &self.language {
            catalog_dict.extend_from_slice(b" /Lang ");
            write_string(&mut catalog_dict, &text_string(lang));
        }
        catalog_dict.extend_from_slice(b">>");
        sink.put_body(catalog, catalog_dict);

        let info = sink.allocate()?;
        let mut info_dict = b"<</Producer (qes)".to_vec();
        if let Some(title) = &self.title {
            info_dict.extend_from_slice(b" /Title ");
            write_string(&mut info_dict, &text_string(title));
        }
        for key in ["CreationDate", "ModDate"] {
            let _ = write!(info_dict, " /{key} ");
            write_object(&mut info_dict, &date);
        }
        info_dict.extend_from_slice(b">>");
        sink.put_body(info, info_dict);

        sink.finish(catalog, info)
    }

    /// The page's content stream (frames and labels of the fields, then the text) and the
    /// glyphs it uses.
    fn content(&self) -> Result<(Vec<u8>, GlyphSet)> {
        let mut glyphs = GlyphSet::new();
        let mut out = Vec::new();
        if !self.fields.is_empty() {
            out.extend_from_slice(b"q 0.6 G 0.5 w\n");
            for (_, r) in &self.fields {
                let _ = writeln!(
                    out,
                    "{} {} {} {} re S",
                    num(r.x),
                    num(r.y),
                    num(r.width),
                    num(r.height)
                );
            }
            out.extend_from_slice(b"Q\n");
        }
        if !self.lines.is_empty() {
            out.extend_from_slice(b"BT 0 g\n");
            for line in &self.lines {
                let clean: String = line.text.chars().filter(|c| !c.is_control()).collect();
                let shaped = self.font.shape(&clean)?;
                if shaped.is_empty() {
                    continue;
                }
                let _ = write!(
                    out,
                    "/F1 {} Tf 1 0 0 1 {} {} Tm <",
                    num(line.size),
                    num(line.x),
                    num(line.y)
                );
                for g in &shaped {
                    let _ = write!(out, "{:04X}", glyphs.code(g));
                }
                out.extend_from_slice(b"> Tj\n");
            }
            out.extend_from_slice(b"ET\n");
        }
        Ok((out, glyphs))
    }
}

/// A name written without escapes and read back unchanged: 1–127 ASCII letters, digits,
/// `-` and `_`.
fn is_plain_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 127
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The objects of a new file, numbered from 1 and written in number order.
#[derive(Default)]
struct NewFile {
    objects: Vec<(ObjRef, Vec<u8>)>,
    next: u32,
}

impl ObjectSink for NewFile {
    fn allocate(&mut self) -> Result<ObjRef> {
        self.next = self.next.checked_add(1).ok_or(Error::Overflow)?;
        Ok(ObjRef::new(self.next, 0))
    }

    fn put_body(&mut self, r: ObjRef, body: Vec<u8>) {
        self.objects.push((r, body));
    }
}

impl NewFile {
    /// Header, objects, cross-reference table and trailer (§7.5.2–§7.5.5).
    fn finish(mut self, root: ObjRef, info: ObjRef) -> Result<Vec<u8>> {
        self.objects.sort_by_key(|(r, _)| r.num);
        let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::with_capacity(self.objects.len());
        for (r, body) in &self.objects {
            offsets.push(out.len());
            let _ = writeln!(out, "{} {} obj", r.num, r.gen);
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        if offsets.len() != usize::try_from(self.next).map_err(|_| Error::Overflow)? {
            return Err(Error::Appearance("an allocated object was never written"));
        }
        let id = DigestAlgorithm::Sha256.digest(&out);
        let id = id.get(..16).unwrap_or_default();
        let xref = out.len();
        let _ = write!(out, "xref\n0 {}\n0000000000 65535 f\r\n", offsets.len() + 1);
        for offset in offsets {
            let _ = write!(out, "{offset:010} 00000 n\r\n");
        }
        let _ = write!(
            out,
            "trailer\n<</Size {} /Root {root} /Info {info} /ID [",
            self.next + 1
        );
        let id = PdfString {
            bytes: id.to_vec(),
            hex: true,
            span: None,
        };
        write_string(&mut out, &id);
        write_string(&mut out, &id);
        let _ = write!(out, "]>>\nstartxref\n{xref}\n%%EOF\n");
        Ok(out)
    }
}

/// The private data `application` stored on the first page of `doc` (the `/Private`
/// dictionary of its `/PieceInfo` entry, §14.5): each text-string entry as (key, text), in
/// the order written; `None` when the page has no such entry.
///
/// # Errors
/// A reader error on the catalog, the page tree or the page.
pub fn read_private_data(
    doc: &Document<'_>,
    application: &str,
) -> Result<Option<Vec<(String, String)>>> {
    let (_, page) = doc.first_page()?;
    let Some(pieces) = doc.resolve_dict(page.get("PieceInfo"))? else {
        return Ok(None);
    };
    let Some(data) = doc.resolve_dict(pieces.get(application))? else {
        return Ok(None);
    };
    let Some(private) = doc.resolve_dict(data.get("Private"))? else {
        return Ok(None);
    };
    let mut entries = Vec::with_capacity(private.0.len());
    for (key, value) in &private.0 {
        if let Object::String(s) = doc.resolve(value)? {
            entries.push((
                String::from_utf8_lossy(key.as_bytes()).into_owned(),
                s.to_text(),
            ));
        }
    }
    Ok(Some(entries))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 9, 30, 0).unwrap()
    }

    fn form() -> FormDocument {
        FormDocument::a4(at())
            .with_title("Confirmare — Ștefan Țîrcă")
            .with_language("ro-RO")
            .text(72.0, 760.0, 14.0, "Ștefan Țîrcă, în București")
            .signature_field("holder", Rect::new(72.0, 120.0, 220.0, 70.0))
            .signature_field("countersignature", Rect::new(320.0, 120.0, 220.0, 70.0))
            .private_data("QesConfirm", [("Name", "Ștefan Țîrcă"), ("Serial", "0A1B")])
    }

    #[test]
    fn writes_a_readable_form_with_private_data() {
        let pdf = form().to_pdf().unwrap();
        let again = form().to_pdf().unwrap();
        assert_eq!(pdf, again, "deterministic");
        let doc = Document::open(&pdf).unwrap();
        assert_eq!(
            read_private_data(&doc, "QesConfirm").unwrap().unwrap(),
            vec![
                ("Name".to_string(), "Ștefan Țîrcă".to_string()),
                ("Serial".to_string(), "0A1B".to_string())
            ]
        );
        assert_eq!(read_private_data(&doc, "Other").unwrap(), None);
        let fields = crate::verify::signature_fields(&doc).unwrap();
        assert!(fields.is_empty(), "empty fields have no value");
    }

    #[test]
    fn rejects_bad_names_and_empty_fields() {
        let base = FormDocument::a4(at());
        assert!(base
            .clone()
            .signature_field("a b", Rect::new(0.0, 0.0, 10.0, 10.0))
            .to_pdf()
            .is_err());
        assert!(base
            .clone()
            .signature_field("ok", Rect::new(0.0, 0.0, 0.0, 10.0))
            .to_pdf()
            .is_err());
        assert!(base
            .clone()
            .private_data("Qes Confirm", [("a", "b")])
            .to_pdf()
            .is_err());
        assert!(matches!(
            base.text(0.0, 0.0, 10.0, "\u{4e2d}").to_pdf(),
            Err(Error::MissingGlyph(_))
        ));
    }
}
