//! What later revisions changed after a signature (ISO 32000-2 §12.8.2.2, ETSI EN 319 142-1
//! §5.4: incremental updates after signing). A conservative allow-list: every object a later
//! revision adds, overrides or frees is compared with the signed revision's version, and only
//! the changes that adding signatures, document timestamps and validation data make are
//! allowed — anything else (content, resources, pages, other objects) is not. A DocMDP
//! certification of the signed revision narrows or widens this: after P=1 only document
//! timestamps (and DSS) may be added, after P=3 also new annotations.

use crate::docmdp::{self, DocMdpLevel};
use crate::pdf::{Dict, Document, ObjRef, Object, XrefEntry};
use crate::Result;
use serde::Serialize;
use std::collections::BTreeSet;

/// How the revisions after a signature's own changed the document (ISO 32000-2 §7.5.6,
/// §12.8.2.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "class", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Modifications {
    /// Nothing was appended after the signed revision.
    None,
    /// Only what later signatures, document timestamps and validation data (DSS) add: new
    /// objects; the catalog's `/AcroForm`, `/DSS`, `/Metadata`, `/Extensions`, `/Version`; the form's
    /// `/Fields` (grown by signature fields only) and `/SigFlags`; pages' `/Annots` (grown
    /// by signature widgets only); a value for an unsigned signature field; the document
    /// information dictionary and XMP metadata stream. After a DocMDP P=1 certification,
    /// the only new signature values allowed are document timestamps.
    SignatureMaintenance,
    /// Signature maintenance as above, and new annotations that a DocMDP level 3
    /// certification of the signed revision permits (ISO 32000-2 §12.8.2.2.2 Table 257):
    /// new indirect markup or pop-up annotations (§12.5.6.2) without actions, added to
    /// pages' `/Annots`. Existing annotations stay as signed.
    Annotations,
    /// Something else changed: the first such object and why.
    NotAllowed {
        /// The object number.
        object: u32,
        /// What changed.
        reason: &'static str,
    },
}

/// Trailer entries an update rewrites (§7.5.5, §7.5.8.2): the rest must stay as signed.
const TRAILER_KEYS: [&str; 11] = [
    "Size",
    "Prev",
    "Info",
    "ID",
    "XRefStm",
    "Type",
    "W",
    "Index",
    "Length",
    "Filter",
    "DecodeParms",
];

/// Catalog entries later signatures and validation data may set (ISO 32000-2 §7.7.2,
/// §12.8.4.3 DSS, §14.3.2 Metadata, §7.12 Extensions, §7.2.2 Version — a PAdES update may
/// declare PDF 2.0 and the ETSI extensions).
const CATALOG_KEYS: [&str; 5] = ["AcroForm", "DSS", "Metadata", "Extensions", "Version"];
/// Interactive-form entries a signature updates (§12.7.3).
const FORM_KEYS: [&str; 5] = ["Fields", "SigFlags", "DR", "DA", "NeedAppearances"];
/// Signature field / widget entries signing an empty field sets (§12.7.5.5, §12.5.5).
const SIG_FIELD_KEYS: [&str; 4] = ["V", "AP", "AS", "Lock"];

/// Compare `doc` (the whole file) with `signed` (the signed revision).
///
/// # Errors
/// A reader error on either version of a changed object.
pub(crate) fn analyse(doc: &Document<'_>, signed: &Document<'_>) -> Result<Modifications> {
    let later = doc
        .sections()
        .iter()
        .take_while(|s| s.offset != signed.startxref());
    let mut changed = BTreeSet::new();
    for section in later {
        for (num, _) in &section.entries {
            changed.insert(*num);
        }
    }
    if changed.is_empty() {
        return Ok(Modifications::None);
    }
    // The trailer may only gain what an update writes (§7.5.5): the document's root and
    // encryption stay as signed.
    let (old_t, new_t) = (signed.trailer(), doc.trailer());
    for (key, value) in &new_t.0 {
        let k = std::str::from_utf8(key.as_bytes()).unwrap_or_default();
        if !TRAILER_KEYS.contains(&k) && (k.is_empty() || old_t.get(k) != Some(value)) {
            return Ok(Modifications::NotAllowed {
                object: 0,
                reason: "the trailer gained or changed an entry",
            });
        }
    }
    if new_t.get("Root") != old_t.get("Root") || new_t.get("Encrypt") != old_t.get("Encrypt") {
        return Ok(Modifications::NotAllowed {
            object: 0,
            reason: "the trailer's /Root or /Encrypt was replaced",
        });
    }
    let ctx = Context::new(doc, signed)?;
    for num in changed {
        if let Some(reason) = ctx.judge(num)? {
            return Ok(Modifications::NotAllowed {
                object: num,
                reason,
            });
        }
    }
    Ok(if ctx.annotated.get() {
        Modifications::Annotations
    } else {
        Modifications::SignatureMaintenance
    })
}

/// Annotation subtypes a DocMDP level 3 certification lets later revisions add: the markup
/// annotations of ISO 32000-2 §12.5.6.2 Table 171 (no widgets, links, media, 3D or file
/// attachments) and their pop-ups.
const ANNOTATION_SUBTYPES: [&str; 15] = [
    "Text",
    "FreeText",
    "Line",
    "Square",
    "Circle",
    "Polygon",
    "PolyLine",
    "Highlight",
    "Underline",
    "Squiggly",
    "StrikeOut",
    "Caret",
    "Ink",
    "Stamp",
    "Popup",
];

/// What the signed revision's special objects are.
struct Context<'d, 'a> {
    doc: &'d Document<'a>,
    signed: &'d Document<'a>,
    catalog: Option<ObjRef>,
    form: Option<ObjRef>,
    info: Option<ObjRef>,
    metadata: Option<ObjRef>,
    /// The signed revision's certification level (catalog `/Perms /DocMDP`): at level 1
    /// only document timestamps may be added (ISO 32000-2 §12.8.2.2.2).
    certified: Option<DocMdpLevel>,
    /// Whether an annotation was added under a level 3 certification.
    annotated: std::cell::Cell<bool>,
}

impl<'d, 'a> Context<'d, 'a> {
    fn new(doc: &'d Document<'a>, signed: &'d Document<'a>) -> Result<Self> {
        let (catalog, cat) = signed.catalog()?;
        let certified = docmdp::document_level(signed, &cat)?;
        Ok(Self {
            certified,
            annotated: std::cell::Cell::new(false),
            doc,
            signed,
            catalog: Some(catalog),
            form: cat.get_ref("AcroForm"),
            info: signed.trailer().get_ref("Info"),
            metadata: cat.get_ref("Metadata"),
        })
    }

    /// `None` when the change to object `num` is allowed, else why not.
    fn judge(&self, num: u32) -> Result<Option<&'static str>> {
        let before = match self.signed.entry(num) {
            None | Some(XrefEntry::Free) => return Ok(None), // a new object
            Some(XrefEntry::InFile { gen, .. }) => ObjRef::new(num, gen),
            Some(XrefEntry::InObjectStream { .. }) => ObjRef::new(num, 0),
        };
        let old = self.signed.get(before)?;
        let after = match self.doc.entry(num) {
            Some(XrefEntry::InFile { gen, .. }) => ObjRef::new(num, gen),
            Some(XrefEntry::InObjectStream { .. }) => ObjRef::new(num, 0),
            None | Some(XrefEntry::Free) => return Ok(Some("a signed object was deleted")),
        };
        if after != before {
            return Ok(Some("a signed object was replaced by another generation"));
        }
        let new = self.doc.get(after)?;
        if same(&old, &new, self.doc, self.signed) {
            return Ok(None);
        }
        if Some(before) == self.info || Some(before) == self.metadata {
            return Ok(None);
        }
        let (Some(old_d), Some(new_d)) = (old.as_dict(), new.as_dict()) else {
            return Ok(Some("a signed object was changed"));
        };
        if matches!(old, Object::Stream(_)) || matches!(new, Object::Stream(_)) {
            return Ok(Some("a signed stream was changed"));
        }
        if Some(before) == self.catalog {
            if !only_keys_differ(old_d, new_d, &CATALOG_KEYS) {
                return Ok(Some(
                    "the catalog was changed beyond /AcroForm, /DSS, /Metadata, /Extensions, /Version",
                ));
            }
            // A form that was direct in the catalog is judged like an indirect one.
            let (Some(old_form), Some(new_form)) = (
                self.signed.resolve_dict(old_d.get("AcroForm"))?,
                self.doc.resolve_dict(new_d.get("AcroForm"))?,
            ) else {
                return Ok(match new_d.get("AcroForm") {
                    Some(f) => self.new_form_ok(f)?,
                    None if old_d.get("AcroForm").is_some() => Some("the form was removed"),
                    None => None,
                });
            };
            return self.form_ok(&old_form, &new_form);
        }
        if Some(before) == self.form {
            return self.form_ok(old_d, new_d);
        }
        if old_d.is_type("Page") {
            if !only_keys_differ(old_d, new_d, &["Annots"]) {
                return Ok(Some("a page was changed beyond /Annots"));
            }
            let old_annots = self.list(self.signed, old_d.get("Annots"))?;
            let new_annots = self.list(self.doc, new_d.get("Annots"))?;
            return self.grown_by_signature_fields(&old_annots, &new_annots, "annotation");
        }
        if is_signature_field(self.signed, old_d)? && old_d.get("V").is_none() {
            if only_keys_differ(old_d, new_d, &SIG_FIELD_KEYS) {
                return self.value_ok(new_d);
            }
            return Ok(Some(
                "an unsigned signature field was changed beyond its value",
            ));
        }
        Ok(Some("a signed object was changed"))
    }

    fn form_ok(&self, old: &Dict, new: &Dict) -> Result<Option<&'static str>> {
        if !only_keys_differ(old, new, &FORM_KEYS) {
            return Ok(Some("the form was changed beyond /Fields and /SigFlags"));
        }
        let old_fields = self.list(self.signed, old.get("Fields"))?;
        let new_fields = self.list(self.doc, new.get("Fields"))?;
        self.grown_by_signature_fields(&old_fields, &new_fields, "field")
    }

    /// A form that did not exist in the signed revision: only signature fields.
    fn new_form_ok(&self, form: &Object) -> Result<Option<&'static str>> {
        let Some(form) = self.doc.resolve_dict(Some(form))? else {
            return Ok(Some("the new form is not a dictionary"));
        };
        let fields = self.list(self.doc, form.get("Fields"))?;
        self.grown_by_signature_fields(&[], &fields, "field")
    }

    /// `new` keeps every element of `old`, in order, and adds only signature fields or
    /// their widgets.
    fn grown_by_signature_fields(
        &self,
        old: &[Object],
        new: &[Object],
        what: &'static str,
    ) -> Result<Option<&'static str>> {
        if new.get(..old.len()) != Some(old) {
            return Ok(Some(if what == "field" {
                "form fields were removed or reordered"
            } else {
                "page annotations were removed or reordered"
            }));
        }
        for added in new.get(old.len()..).unwrap_or_default() {
            let Some(d) = self.doc.resolve_dict(Some(added))? else {
                return Ok(Some("a non-dictionary was added to a form or page"));
            };
            if what == "annotation" && self.annotation_ok(added, &d) {
                self.annotated.set(true);
                continue;
            }
            if !is_signature_field(self.doc, &d)? {
                return Ok(Some(if what == "field" {
                    "a field other than a signature field was added"
                } else {
                    "an annotation other than a signature widget was added"
                }));
            }
            if let Some(reason) = self.value_ok(&d)? {
                return Ok(Some(reason));
            }
        }
        Ok(None)
    }

    /// Whether `d`, added to a page's `/Annots` as `added`, is an annotation a DocMDP level
    /// 3 certification permits: a new indirect object (not one of the signed revision's),
    /// of a markup or pop-up subtype, without `/A` or `/AA` actions.
    fn annotation_ok(&self, added: &Object, d: &Dict) -> bool {
        if self.certified != Some(DocMdpLevel(3)) {
            return false;
        }
        let Object::Ref(r) = added else {
            return false;
        };
        if !matches!(self.signed.entry(r.num), None | Some(XrefEntry::Free)) {
            return false;
        }
        let subtype = d
            .get_name("Subtype")
            .and_then(|s| std::str::from_utf8(s).ok())
            .unwrap_or_default();
        ANNOTATION_SUBTYPES.contains(&subtype)
            && d.get("A").is_none()
            && d.get("AA").is_none()
            && d.get("Type").is_none_or(|_| d.is_type("Annot"))
    }

    /// Whether the signature field (or widget) `d` may carry the value it has: under a
    /// DocMDP level 1 certification, only a document timestamp (§12.8.2.2.2, EN 319 142-1
    /// §5.4.3); otherwise any value.
    fn value_ok(&self, d: &Dict) -> Result<Option<&'static str>> {
        if self.certified != Some(DocMdpLevel(1)) {
            return Ok(None);
        }
        let value = match d.get("V") {
            Some(v) => Some(v.clone()),
            None => self
                .doc
                .resolve_dict(d.get("Parent"))?
                .and_then(|p| p.get("V").cloned()),
        };
        let sig = match &value {
            Some(v) => self.doc.resolve_dict(Some(v))?,
            None => None,
        };
        let timestamp = sig.is_some_and(|s| {
            s.is_type("DocTimeStamp") && s.get_name("SubFilter") == Some(b"ETSI.RFC3161")
        });
        Ok((!timestamp).then_some(
            "a signature other than a document timestamp after a DocMDP P=1 certification",
        ))
    }

    fn list(&self, doc: &Document<'_>, o: Option<&Object>) -> Result<Vec<Object>> {
        Ok(match o {
            Some(o) => doc
                .resolve(o)?
                .as_array()
                .map(<[Object]>::to_vec)
                .unwrap_or_default(),
            None => Vec::new(),
        })
    }
}

/// Whether a field or widget is a signature field (`/FT /Sig`, possibly on its parent).
fn is_signature_field(doc: &Document<'_>, d: &Dict) -> Result<bool> {
    if d.get_name("FT") == Some(b"Sig") {
        return Ok(true);
    }
    Ok(match doc.resolve_dict(d.get("Parent"))? {
        Some(parent) => parent.get_name("FT") == Some(b"Sig"),
        None => false,
    })
}

/// Whether `old` and `new` differ only in the entries `allowed`.
fn only_keys_differ(old: &Dict, new: &Dict, allowed: &[&str]) -> bool {
    let keys: BTreeSet<&[u8]> = old
        .0
        .iter()
        .chain(&new.0)
        .map(|(k, _)| k.as_bytes())
        .collect();
    keys.into_iter().all(|k| {
        allowed.iter().any(|a| a.as_bytes() == k) || {
            let key = std::str::from_utf8(k).unwrap_or_default();
            !key.is_empty() && old.get(key) == new.get(key)
        }
    })
}

/// The same object, streams compared by their raw data.
fn same(old: &Object, new: &Object, doc: &Document<'_>, signed: &Document<'_>) -> bool {
    match (old, new) {
        (Object::Stream(a), Object::Stream(b)) => {
            a.dict == b.dict
                && signed.bytes().get(a.data.clone()) == doc.bytes().get(b.data.clone())
        }
        _ => old == new,
    }
}
