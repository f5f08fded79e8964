//! What later revisions changed after a signature (ISO 32000-2 §12.8.2.2, ETSI EN 319 142-1
//! §5.4: incremental updates after signing). A conservative allow-list in the manner of
//! pyHanko's difference analysis: every object a later revision adds, overrides or frees is
//! compared with the signed revision's version, and only the changes that adding signatures,
//! document timestamps and validation data, filling in form fields and (where permitted)
//! editing annotations make are allowed — anything else (page content, resources, pages,
//! the page tree, other objects) is not.
//!
//! An allowed override is also checked against where the object is seen from: an
//! overridden field, annotation, appearance stream or metadata object must be reachable in
//! the signed revision only through the places that change permits (the reachability index
//! of [`crate::reach`]), so that an appearance stream or dictionary that the page content or
//! the trailer also names cannot be swapped under the cover of a form update.
//!
//! A DocMDP certification of the signed revision narrows this: after P=1 only document
//! timestamps (and DSS) may be added, after P=2 also form filling and signatures, after P=3
//! also annotations; without a certification, everything P=3 allows is allowed.

use crate::docmdp::{self, DocMdpLevel};
use crate::pdf::{Dict, Document, ObjRef, Object, XrefEntry};
use crate::reach::{Referrer, Step, Usage, Usages};
use crate::Result;
use serde::Serialize;
use std::cell::{Cell, OnceCell, RefCell};
use std::collections::{BTreeMap, BTreeSet};

/// How the revisions after a signature's own changed the document (ISO 32000-2 §7.5.6,
/// §12.8.2.2), from the least to the most permissive class — pyHanko's modification levels
/// NONE, LTA_UPDATES, FORM_FILLING, ANNOTATIONS and OTHER.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "class", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Modifications {
    /// Nothing was appended after the signed revision.
    None,
    /// Only what later signatures, document timestamps and validation data (DSS) add: new
    /// objects; the catalog's `/AcroForm`, `/DSS`, `/Metadata`, `/Extensions`, `/Version`,
    /// `/MarkInfo`; the form's `/Fields` (grown by signature fields only), `/SigFlags`,
    /// `/DR`, `/DA`, `/Q`, `/NeedAppearances`; pages' `/Annots` (grown by signature widgets
    /// only); a value and a new appearance for an unsigned signature field; the document
    /// information dictionary and XMP metadata stream. After a DocMDP P=1 certification,
    /// the only new signature values allowed are document timestamps.
    SignatureMaintenance,
    /// Signature maintenance, and form filling (ISO 32000-2 §12.8.2.2.2 Table 257, P=2): a
    /// value (`/V`) and appearance (`/AP`, `/AS`, new appearance streams, or an existing
    /// appearance stream replaced in place when nothing else names it) for a field that
    /// had no value when signed. A value present at signing stays as signed.
    FormFilling,
    /// Form filling as above, and annotations (P=3, or no certification): new indirect
    /// markup or pop-up annotations (§12.5.6.2) without actions; existing annotations other
    /// than widgets changed (subtype kept, no new actions) or removed.
    Annotations,
    /// Something else changed: the first such object and why.
    NotAllowed {
        /// The object number (0 for the trailer or cross-reference structure).
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
/// declare PDF 2.0 and the ETSI extensions —, §14.7.1 MarkInfo).
const CATALOG_KEYS: [&str; 6] = [
    "AcroForm",
    "DSS",
    "Metadata",
    "Extensions",
    "Version",
    "MarkInfo",
];
/// Interactive-form entries a signature or form filling updates (§12.7.3).
const FORM_KEYS: [&str; 6] = ["Fields", "SigFlags", "DR", "DA", "Q", "NeedAppearances"];
/// Field / widget entries that may change on any field, whatever its state (§12.7.4.1 field
/// flags; a missing `/Type /Annot` may be added).
const ALWAYS_MODIFIABLE: [&str; 2] = ["Ff", "Type"];
/// Field / widget entries filling a field in sets (§12.7.4, §12.5.5, §12.7.5.5 `/Lock` of a
/// signature field): value, appearance, appearance state, annotation flags, default
/// appearance and quadding.
const VALUE_UPDATE_KEYS: [&str; 9] = ["V", "AP", "AS", "F", "DA", "Q", "Ff", "Type", "Lock"];
/// Where a field or widget may be named from: the form's `/Fields` and `/CO`, a parent's
/// `/Kids`, a page's `/Annots`, a kid's `/Parent`, a structure element's `/Obj` (§14.7.5.3).
const FIELD_USES: [&str; 6] = ["Fields", "Kids", "Annots", "Parent", "CO", "Obj"];
/// Where an annotation may be named from: a page's `/Annots`, a pop-up's `/Parent`, its
/// markup's `/Popup`, a reply's `/IRT`, a structure element's `/Obj`.
const ANNOT_USES: [&str; 5] = ["Annots", "Popup", "Parent", "IRT", "Obj"];
/// Appearance dictionary entries (§12.5.5).
const APPEARANCE_KEYS: [&str; 3] = ["N", "R", "D"];

/// Annotation subtypes later revisions may add where annotations are permitted: the markup
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

/// The modification classes, ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Maintenance,
    FormFilling,
    Annotations,
}

/// Where an overridden signed object may be seen from, in the signed revision.
#[derive(Clone, Debug)]
enum Contexts {
    /// Every usage ends in one of these keys (an indirect array in between is looked
    /// through once).
    Keys(&'static [&'static str]),
    /// This one usage and no other.
    Only(Usage),
    /// One relative context at most (an indirect appearance dictionary a field stops or
    /// keeps using: if it is also named elsewhere, the field update would change more than
    /// the field).
    Single,
}

/// What the revisions appended to the first `base_len` bytes of `pdf` changed, judged as
/// for a signature over those bytes: `base_len` must end a revision (just after one of its
/// `%%EOF` markers, as a signature's `/ByteRange` does), e.g. a document as it was handed
/// out before others signed it.
///
/// ```text
/// modifications_since(&uploaded, prefilled.len())  → SignatureMaintenance when the later
///                                                    revisions only signed empty fields
/// ```
///
/// # Errors
/// [`crate::Error`] when either version cannot be read (a `base_len` past the end of the
/// file or inside a revision reads as no cross-reference data), or a reachability index
/// exceeds its limits.
pub fn modifications_since(pdf: &[u8], base_len: usize) -> Result<Modifications> {
    let base = pdf.get(..base_len).ok_or(crate::Error::Limit {
        what: "base revision length beyond the end of the file",
        limit: pdf.len(),
    })?;
    let doc = Document::open(pdf)?;
    let signed = Document::open(base)?;
    analyse(&doc, &signed)
}

/// Compare `doc` (the whole file) with `signed` (the signed revision).
///
/// # Errors
/// A reader error on either version of a changed object, or a reachability index that
/// exceeds its limits.
pub(crate) fn analyse<'a>(doc: &Document<'a>, signed: &Document<'a>) -> Result<Modifications> {
    // The newest revision must build on the signed one (§7.5.6): a /Prev chain that does
    // not lead through the signed revision's cross-reference section replaces the signed
    // document instead of updating it.
    if !doc
        .sections()
        .iter()
        .any(|s| s.offset == signed.startxref())
    {
        return Ok(Modifications::NotAllowed {
            object: 0,
            reason: "the newest cross-reference chain does not lead through the signed revision",
        });
    }
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
    let ctx = Context::new(doc, signed, changed.clone())?;
    // Objects that only an approval from another object's rule can clear (appearance
    // streams and dictionaries replaced in place) are judged after the rest.
    let mut deferred = Vec::new();
    for &num in &changed {
        match ctx.judge(num)? {
            Verdict::Allowed => {}
            Verdict::Deferred(reason) => deferred.push((num, reason)),
            Verdict::NotAllowed(reason) => {
                return Ok(Modifications::NotAllowed {
                    object: num,
                    reason,
                })
            }
        }
    }
    for (num, reason) in deferred {
        let approved = ctx.approved.borrow().get(&num).cloned();
        match approved {
            Some((r, contexts, level)) => {
                ctx.require(r, contexts);
                ctx.raise(level);
            }
            None => {
                return Ok(Modifications::NotAllowed {
                    object: num,
                    reason,
                })
            }
        }
    }
    if let Some((object, reason)) = ctx.check_contexts()? {
        return Ok(Modifications::NotAllowed { object, reason });
    }
    Ok(match ctx.level.get() {
        Level::Maintenance => Modifications::SignatureMaintenance,
        Level::FormFilling => Modifications::FormFilling,
        Level::Annotations => Modifications::Annotations,
    })
}

/// The judgement on one changed object.
enum Verdict {
    Allowed,
    /// Not allowed unless another object's rule approves it.
    Deferred(&'static str),
    NotAllowed(&'static str),
}

/// What the signed revision's special objects are, and what the judgements so far require.
struct Context<'d, 'a> {
    doc: &'d Document<'a>,
    signed: &'d Document<'a>,
    changed: BTreeSet<u32>,
    catalog: ObjRef,
    form: Option<ObjRef>,
    info: Option<ObjRef>,
    metadata: Option<ObjRef>,
    extensions: Option<ObjRef>,
    dss: Option<ObjRef>,
    /// The signed revision's certification level (catalog `/Perms /DocMDP`).
    certified: Option<DocMdpLevel>,
    /// The most permissive class needed so far.
    level: Cell<Level>,
    /// Overridden objects and where they may be seen from.
    required: RefCell<Vec<(ObjRef, Contexts)>>,
    /// In-place overrides another rule approved: object number → (reference, contexts,
    /// class).
    approved: RefCell<BTreeMap<u32, (ObjRef, Contexts, Level)>>,
    /// The signed revision's reachability index, built when first needed.
    usages: OnceCell<Usages>,
}

impl<'d, 'a> Context<'d, 'a> {
    fn new(
        doc: &'d Document<'a>,
        signed: &'d Document<'a>,
        changed: BTreeSet<u32>,
    ) -> Result<Self> {
        let (catalog, cat) = signed.catalog()?;
        let certified = docmdp::document_level(signed, &cat)?;
        Ok(Self {
            doc,
            signed,
            changed,
            catalog,
            form: cat.get_ref("AcroForm"),
            info: signed.trailer().get_ref("Info"),
            metadata: cat.get_ref("Metadata"),
            extensions: cat.get_ref("Extensions"),
            dss: cat.get_ref("DSS"),
            certified,
            level: Cell::new(Level::Maintenance),
            required: RefCell::new(Vec::new()),
            approved: RefCell::new(BTreeMap::new()),
            usages: OnceCell::new(),
        })
    }

    fn raise(&self, level: Level) {
        if level > self.level.get() {
            self.level.set(level);
        }
    }

    fn require(&self, r: ObjRef, contexts: Contexts) {
        self.required.borrow_mut().push((r, contexts));
    }

    /// Whether object `num` is not part of the signed revision.
    fn is_new(&self, num: u32) -> bool {
        matches!(self.signed.entry(num), None | Some(XrefEntry::Free))
    }

    /// Whether annotations may be created, changed and deleted: DocMDP P=3 or no
    /// certification (ISO 32000-2 §12.8.2.2.2 Table 257).
    fn annotations_permitted(&self) -> bool {
        matches!(self.certified, None | Some(DocMdpLevel(3)))
    }

    /// The judgement on object `num`.
    fn judge(&self, num: u32) -> Result<Verdict> {
        use Verdict::{Allowed, NotAllowed};
        let before = match self.signed.entry(num) {
            None | Some(XrefEntry::Free) => return Ok(Allowed), // a new object
            Some(XrefEntry::InFile { gen, .. }) => ObjRef::new(num, gen),
            Some(XrefEntry::InObjectStream { .. }) => ObjRef::new(num, 0),
        };
        let old = self.signed.get(before)?;
        let after = match self.doc.entry(num) {
            Some(XrefEntry::InFile { gen, .. }) => ObjRef::new(num, gen),
            Some(XrefEntry::InObjectStream { .. }) => ObjRef::new(num, 0),
            None | Some(XrefEntry::Free) => return Ok(NotAllowed("a signed object was deleted")),
        };
        if after != before {
            return Ok(NotAllowed(
                "a signed object was replaced by another generation",
            ));
        }
        let new = self.doc.get(after)?;
        if same(&old, &new, self.doc, self.signed) {
            return Ok(Allowed);
        }
        if Some(before) == self.info {
            self.require(before, Contexts::Keys(&["Info"]));
            return Ok(Allowed);
        }
        if Some(before) == self.metadata {
            self.require(before, Contexts::Keys(&["Metadata"]));
            return Ok(Allowed);
        }
        if Some(before) == self.dss {
            self.require(before, Contexts::Keys(&["DSS"]));
            return Ok(Allowed);
        }
        if Some(before) == self.extensions && !matches!(new, Object::Stream(_)) {
            self.require(before, Contexts::Keys(&["Extensions"]));
            return Ok(Allowed);
        }
        if let Some(dss) = self.dss {
            // Validation data below the DSS (indirect /Certs, /OCSPs, /CRLs, /VRI).
            if !matches!(new, Object::Stream(_)) && self.only_within(before, dss)? {
                return Ok(Allowed);
            }
        }
        if matches!(old, Object::Stream(_)) || matches!(new, Object::Stream(_)) {
            return Ok(Verdict::Deferred("a signed stream was changed"));
        }
        if let (Object::Array(old_a), Object::Array(new_a)) = (&old, &new) {
            return self.array_ok(before, old_a, new_a);
        }
        let (Some(old_d), Some(new_d)) = (old.as_dict(), new.as_dict()) else {
            return Ok(NotAllowed("a signed object was changed"));
        };
        if before == self.catalog {
            return self.catalog_ok(old_d, new_d);
        }
        if Some(before) == self.form {
            self.require(before, Contexts::Keys(&["AcroForm"]));
            return self.form_ok(old_d, new_d);
        }
        if old_d.is_type("Page") {
            if !only_keys_differ(old_d, new_d, &["Annots"]) {
                return Ok(NotAllowed("a page was changed beyond /Annots"));
            }
            let old_annots = list(self.signed, old_d.get("Annots"))?;
            let new_annots = list(self.doc, new_d.get("Annots"))?;
            // Pages are named from many places (the tree, widgets' /P, destinations): the
            // change is confined to /Annots, so every path to the page may see it.
            return self.annots_ok(&old_annots, &new_annots);
        }
        if is_annotation(old_d) {
            return self.annotation_changed_ok(before, old_d, new_d);
        }
        if is_field(old_d) {
            return self.field_ok(before, old_d, new_d);
        }
        Ok(Verdict::Deferred("a signed object was changed"))
    }

    fn catalog_ok(&self, old_d: &Dict, new_d: &Dict) -> Result<Verdict> {
        use Verdict::NotAllowed;
        if old_d.get("Perms") != new_d.get("Perms") {
            return Ok(NotAllowed(
                "the catalog's /Perms (certification) was added or changed after signing",
            ));
        }
        if !only_keys_differ(old_d, new_d, &CATALOG_KEYS) {
            return Ok(NotAllowed(
                "the catalog was changed beyond /AcroForm, /DSS, /Metadata, /Extensions, /Version, /MarkInfo",
            ));
        }
        // A form that was direct in the catalog is judged like an indirect one.
        let (Some(old_form), Some(new_form)) = (
            self.signed.resolve_dict(old_d.get("AcroForm"))?,
            self.doc.resolve_dict(new_d.get("AcroForm"))?,
        ) else {
            return Ok(match new_d.get("AcroForm") {
                Some(f) => self.new_form_ok(f)?,
                None if old_d.get("AcroForm").is_some() => NotAllowed("the form was removed"),
                None => Verdict::Allowed,
            });
        };
        if let (Some(Object::Ref(a)), Some(Object::Ref(b))) =
            (old_d.get("AcroForm"), new_d.get("AcroForm"))
        {
            if a == b {
                // The indirect form object is judged on its own.
                return Ok(Verdict::Allowed);
            }
        }
        self.form_ok(&old_form, &new_form)
    }

    fn form_ok(&self, old: &Dict, new: &Dict) -> Result<Verdict> {
        if !only_keys_differ(old, new, &FORM_KEYS) {
            return Ok(Verdict::NotAllowed(
                "the form was changed beyond /Fields, /SigFlags, /DR, /DA, /Q, /NeedAppearances",
            ));
        }
        let old_fields = list(self.signed, old.get("Fields"))?;
        let new_fields = list(self.doc, new.get("Fields"))?;
        self.fields_ok(&old_fields, &new_fields)
    }

    /// A form that did not exist in the signed revision: only signature fields.
    fn new_form_ok(&self, form: &Object) -> Result<Verdict> {
        let Some(form) = self.doc.resolve_dict(Some(form))? else {
            return Ok(Verdict::NotAllowed("the new form is not a dictionary"));
        };
        let fields = list(self.doc, form.get("Fields"))?;
        self.fields_ok(&[], &fields)
    }

    /// An overridden array: an indirect `/Annots` of pages or `/Fields` of the form, judged
    /// like the entry; anything else is deferred.
    fn array_ok(&self, before: ObjRef, old: &[Object], new: &[Object]) -> Result<Verdict> {
        let usages = self.usages()?.of(before).to_vec();
        if usages.is_empty() {
            return Ok(Verdict::Deferred("a signed array was changed"));
        }
        let mut annots = true;
        let mut fields = true;
        for u in &usages {
            let Referrer::Object(owner) = u.referrer else {
                return Ok(Verdict::Deferred("a signed array was changed"));
            };
            let owner_d = self.signed.resolve_dict(Some(&Object::Ref(owner)))?;
            let is_page = owner_d.as_ref().is_some_and(|d| d.is_type("Page"));
            annots &= is_page && u.path == [Step::Key("Annots".into())];
            fields &= Some(owner) == self.form && u.path == [Step::Key("Fields".into())];
        }
        if annots {
            self.annots_ok(old, new)
        } else if fields {
            self.fields_ok(old, new)
        } else {
            Ok(Verdict::Deferred("a signed array was changed"))
        }
    }

    /// The form's fields: every signed field kept, only signature fields added.
    fn fields_ok(&self, old: &[Object], new: &[Object]) -> Result<Verdict> {
        if old.iter().any(|o| !new.contains(o)) {
            return Ok(Verdict::NotAllowed("form fields were removed"));
        }
        for added in new.iter().filter(|n| !old.contains(n)) {
            let Some(d) = self.doc.resolve_dict(Some(added))? else {
                return Ok(Verdict::NotAllowed(
                    "a non-dictionary was added to the form",
                ));
            };
            if !is_signature_field(self.doc, &d)? {
                return Ok(Verdict::NotAllowed(
                    "a field other than a signature field was added",
                ));
            }
            if let Some(reason) = self.new_signature_ok(&d)? {
                return Ok(Verdict::NotAllowed(reason));
            }
        }
        Ok(Verdict::Allowed)
    }

    /// A page's annotations: signature widgets may be added; where annotations are
    /// permitted, markup annotations added and annotations other than widgets removed.
    fn annots_ok(&self, old: &[Object], new: &[Object]) -> Result<Verdict> {
        for removed in old.iter().filter(|o| !new.contains(o)) {
            let d = self.signed.resolve_dict(Some(removed))?;
            let widget = d.as_ref().is_none_or(|d| !is_annotation(d));
            if widget || !self.annotations_permitted() {
                return Ok(Verdict::NotAllowed("page annotations were removed"));
            }
            self.raise(Level::Annotations);
        }
        for added in new.iter().filter(|n| !old.contains(n)) {
            let Some(d) = self.doc.resolve_dict(Some(added))? else {
                return Ok(Verdict::NotAllowed(
                    "a non-dictionary was added to a page's /Annots",
                ));
            };
            if self.new_annotation_ok(added, &d) {
                self.raise(Level::Annotations);
                continue;
            }
            if !is_signature_field(self.doc, &d)? {
                return Ok(Verdict::NotAllowed(
                    "an annotation other than a signature widget was added",
                ));
            }
            if let Some(reason) = self.new_signature_ok(&d)? {
                return Ok(Verdict::NotAllowed(reason));
            }
        }
        Ok(Verdict::Allowed)
    }

    /// Whether `d`, added to a page's `/Annots` as `added`, is an annotation that may be
    /// created: annotations permitted, a new indirect object (not one of the signed
    /// revision's), of a markup or pop-up subtype, without `/A` or `/AA` actions.
    fn new_annotation_ok(&self, added: &Object, d: &Dict) -> bool {
        if !self.annotations_permitted() {
            return false;
        }
        let Object::Ref(r) = added else {
            return false;
        };
        if !self.is_new(r.num) {
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

    /// A signed annotation (not a widget) overridden: where annotations are permitted, with
    /// its subtype kept and no new actions, and seen only as an annotation.
    fn annotation_changed_ok(&self, before: ObjRef, old: &Dict, new: &Dict) -> Result<Verdict> {
        if !self.annotations_permitted() {
            return Ok(Verdict::NotAllowed(
                "an annotation was changed where the certification does not permit it",
            ));
        }
        if old.get("Subtype") != new.get("Subtype") || new.get_name("Subtype") == Some(b"Widget") {
            return Ok(Verdict::NotAllowed("an annotation's subtype was changed"));
        }
        if old.get("A") != new.get("A") || old.get("AA") != new.get("AA") {
            return Ok(Verdict::NotAllowed("an annotation's actions were changed"));
        }
        if old.get("Type") != new.get("Type") && !new.is_type("Annot") {
            return Ok(Verdict::NotAllowed("an annotation's /Type was changed"));
        }
        if new.get("FT").is_some() || new.get("Parent") != old.get("Parent") {
            return Ok(Verdict::NotAllowed(
                "an annotation was turned into or moved in a form field",
            ));
        }
        self.require(before, Contexts::Keys(&ANNOT_USES));
        self.raise(Level::Annotations);
        Ok(Verdict::Allowed)
    }

    /// A signed field or widget overridden (§12.7): signing an empty signature field;
    /// filling in a field without a value; otherwise only its flags.
    fn field_ok(&self, before: ObjRef, old: &Dict, new: &Dict) -> Result<Verdict> {
        use Verdict::NotAllowed;
        let had_type = old.get("Type").is_some();
        match new.get("Type") {
            Some(t) if had_type && Some(t) != old.get("Type") => {
                return Ok(NotAllowed("the /Type of a form field was changed"))
            }
            Some(_) if !had_type && !new.is_type("Annot") => {
                return Ok(NotAllowed(
                    "a form field was given a /Type other than /Annot",
                ))
            }
            None if had_type => return Ok(NotAllowed("the /Type of a form field was removed")),
            _ => {}
        }
        self.require(before, Contexts::Keys(&FIELD_USES));
        if only_keys_differ(old, new, &ALWAYS_MODIFIABLE) {
            return Ok(Verdict::Allowed);
        }
        if is_signature_field(self.signed, old)? {
            if old.get("V").is_some() {
                return Ok(NotAllowed("a signed signature field was changed"));
            }
            if new.get("V").is_none() {
                return Ok(NotAllowed(
                    "an unsigned signature field was changed without being signed",
                ));
            }
            if !only_keys_differ(old, new, &VALUE_UPDATE_KEYS) {
                return Ok(NotAllowed(
                    "an unsigned signature field was changed beyond its value and appearance",
                ));
            }
            if let Some(reason) = self.new_signature_ok(new)? {
                return Ok(NotAllowed(reason));
            }
            return self.appearance_ok(before, old, new);
        }
        // Any other field: filled in (ISO 32000-2 §12.8.2.2.2: P=2 and P=3).
        if self.certified == Some(DocMdpLevel(1)) {
            return Ok(NotAllowed(
                "a form field was filled in after a DocMDP P=1 certification",
            ));
        }
        if !only_keys_differ(old, new, &VALUE_UPDATE_KEYS) {
            return Ok(NotAllowed(
                "a form field was changed beyond its value and appearance",
            ));
        }
        // What the signer saw filled in stays as signed (a "shadow" value swapped after
        // signing would change what was signed, whatever the permissions say).
        // A widget's value is its parent field's when it has none of its own (§12.7.4.1
        // inheritable /V): a radio button's kid may not change its state under a value set
        // at signing either.
        let inherited = match old.get("V") {
            Some(v) => Some(v.clone()),
            None => self
                .signed
                .resolve_dict(old.get("Parent"))?
                .and_then(|p| p.get("V").cloned()),
        };
        if !is_empty_value(self.signed, inherited.as_ref())? {
            return Ok(NotAllowed(
                "a form field value present at signing was changed",
            ));
        }
        if let Some(Object::Ref(v)) = new.get("V") {
            if new.get("V") != old.get("V") && !self.is_new(v.num) {
                return Ok(NotAllowed(
                    "a form field's new value is an object of the signed revision",
                ));
            }
        }
        self.raise(Level::FormFilling);
        self.appearance_ok(before, old, new)
    }

    /// A field's appearance (§12.5.5) after filling or signing it: new appearance streams,
    /// or an existing one replaced in place when the field is the only place that names it;
    /// an indirect appearance dictionary only this field uses.
    fn appearance_ok(&self, field: ObjRef, old: &Dict, new: &Dict) -> Result<Verdict> {
        let Some(new_raw) = new.get("AP") else {
            return Ok(Verdict::Allowed);
        };
        let Some(new_ap) = self.doc.resolve_dict(Some(new_raw))? else {
            return Ok(Verdict::NotAllowed(
                "an appearance entry /AP is not a dictionary",
            ));
        };
        let old_raw = old.get("AP");
        let old_ap = self.signed.resolve_dict(old_raw)?;
        if let Some(Object::Ref(a)) = old_raw {
            if old_ap.is_some() {
                self.require(*a, Contexts::Single);
            }
        }
        if let Object::Ref(a) = new_raw {
            if !self.is_new(a.num) && self.changed.contains(&a.num) {
                // The appearance dictionary itself replaced in place.
                if old_raw != Some(new_raw) {
                    return Ok(Verdict::NotAllowed(
                        "a field's new appearance dictionary is another object of the signed revision",
                    ));
                }
                self.approved.borrow_mut().insert(
                    a.num,
                    (
                        *a,
                        Contexts::Only(Usage::at(Referrer::Object(field), &["AP"])),
                        Level::FormFilling,
                    ),
                );
            }
        }
        for key in APPEARANCE_KEYS {
            let Some(Object::Ref(s)) = new_ap.get(key) else {
                continue;
            };
            if self.is_new(s.num) || !self.changed.contains(&s.num) {
                continue;
            }
            // An existing stream replaced in place: only for a field without appearance
            // states, and only where the same entry named it when signed.
            let same_entry = old_ap
                .as_ref()
                .is_some_and(|o| o.get(key) == Some(&Object::Ref(*s)));
            if !same_entry || old.get("AS").is_some() {
                continue; // left to the deferred judgement: not allowed
            }
            let usage = match new_raw {
                Object::Ref(a) => Usage::at(Referrer::Object(*a), &[key]),
                _ => Usage::at(Referrer::Object(field), &["AP", key]),
            };
            self.approved
                .borrow_mut()
                .insert(s.num, (*s, Contexts::Only(usage), Level::FormFilling));
        }
        Ok(Verdict::Allowed)
    }

    /// Whether a signature field (or widget) `d` may carry the value it has: a new object
    /// (not one of the signed revision's, which would re-use a signed value); under a DocMDP
    /// level 1 certification, only a document timestamp (§12.8.2.2.2, EN 319 142-1 §5.4.3).
    fn new_signature_ok(&self, d: &Dict) -> Result<Option<&'static str>> {
        let value = match d.get("V") {
            Some(v) => Some(v.clone()),
            None => self
                .doc
                .resolve_dict(d.get("Parent"))?
                .and_then(|p| p.get("V").cloned()),
        };
        if let Some(Object::Ref(v)) = &value {
            if !self.is_new(v.num) {
                return Ok(Some(
                    "a signature field's value is an object of the signed revision",
                ));
            }
        }
        if self.certified != Some(DocMdpLevel(1)) {
            return Ok(None);
        }
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

    fn usages(&self) -> Result<&Usages> {
        if let Some(u) = self.usages.get() {
            return Ok(u);
        }
        let built = Usages::build(self.signed)?;
        Ok(self.usages.get_or_init(|| built))
    }

    /// Whether every usage of `r` in the signed revision is inside `owner` (possibly
    /// through other objects only `owner` names, one level).
    fn only_within(&self, r: ObjRef, owner: ObjRef) -> Result<bool> {
        let usages = self.usages()?;
        let all = usages.of(r);
        Ok(!all.is_empty()
            && all.iter().all(|u| match u.referrer {
                Referrer::Object(o) if o == owner => true,
                Referrer::Object(o) => {
                    let up = usages.of(o);
                    !up.is_empty() && up.iter().all(|u| u.referrer == Referrer::Object(owner))
                }
                Referrer::Trailer => false,
            }))
    }

    /// Check every overridden object against the places it is seen from in the signed
    /// revision: the first violation, if any.
    fn check_contexts(&self) -> Result<Option<(u32, &'static str)>> {
        let required = std::mem::take(&mut *self.required.borrow_mut());
        if required.is_empty() {
            return Ok(None);
        }
        let usages = self.usages()?;
        for (r, contexts) in required {
            let all = usages.of(r);
            let ok = match &contexts {
                Contexts::Keys(keys) => all.iter().all(|u| {
                    ends_in(u, keys)
                        || (u.path.len() == 1
                            && matches!(u.path.first(), Some(Step::Index(_)))
                            && match u.referrer {
                                // An indirect array in between (`/Annots 12 0 R`).
                                Referrer::Object(array) => {
                                    let up = usages.of(array);
                                    !up.is_empty() && up.iter().all(|v| ends_in(v, keys))
                                }
                                Referrer::Trailer => false,
                            })
                }),
                Contexts::Only(usage) => all.iter().all(|u| u == usage),
                Contexts::Single => {
                    let distinct: BTreeSet<&Usage> = all.iter().collect();
                    distinct.len() <= 1
                }
            };
            if !ok {
                return Ok(Some((
                    r.num,
                    match contexts {
                        Contexts::Single => {
                            "an appearance dictionary a form update changed is also used elsewhere"
                        }
                        Contexts::Only(_) => {
                            "an appearance stream replaced in place is also used elsewhere"
                        }
                        _ => "an object the update was allowed to change is also used elsewhere",
                    },
                )));
            }
        }
        Ok(None)
    }
}

/// Whether usage `u` is one of `keys` of its referrer, or an element of such an array entry
/// (`/Annots [ … ]`); a structure element's `/Obj` may be nested deeper (§14.7.5.3).
fn ends_in(u: &Usage, keys: &[&str]) -> bool {
    let listed = |k: &[u8]| keys.iter().any(|key| key.as_bytes() == k);
    // An interactive form written directly in the catalog (`/AcroForm << /Fields [ … ] >>`)
    // names its fields one level deeper than an indirect one.
    let path = match u.path.as_slice() {
        [Step::Key(form), rest @ ..] if form.as_bytes() == b"AcroForm" && !rest.is_empty() => rest,
        path => path,
    };
    match path {
        [Step::Key(k)] | [Step::Key(k), Step::Index(_)] => listed(k.as_bytes()),
        [.., Step::Key(k)] => k.as_bytes() == b"Obj" && listed(k.as_bytes()),
        _ => false,
    }
}

/// A field's value as signed is empty: absent, `null`, an empty string or array, or the
/// name `/Off` (§12.7.5.2.3 check boxes).
fn is_empty_value(doc: &Document<'_>, v: Option<&Object>) -> Result<bool> {
    let Some(v) = v else {
        return Ok(true);
    };
    Ok(match doc.resolve(v)? {
        Object::Null => true,
        Object::String(s) => s.bytes.is_empty(),
        Object::Array(a) => a.is_empty(),
        Object::Name(n) => n.as_bytes() == b"Off",
        _ => false,
    })
}

/// Whether `d` is an annotation other than a widget (§12.5.2: `/Subtype`, not `/Widget`,
/// and not a field).
fn is_annotation(d: &Dict) -> bool {
    d.get_name("Subtype").is_some_and(|s| s != b"Widget")
        && d.get("FT").is_none()
        && d.get("T").is_none()
        && (d.is_type("Annot") || d.get("Rect").is_some())
}

/// Whether `d` is a form field or a widget (§12.7.4: `/FT`, `/T`, `/Kids` with a
/// `/Parent`, or `/Subtype /Widget`).
fn is_field(d: &Dict) -> bool {
    d.get("FT").is_some()
        || d.get("T").is_some()
        || d.get_name("Subtype") == Some(b"Widget")
        || (d.get("Parent").is_some() && d.get("Subtype").is_none())
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

fn list(doc: &Document<'_>, o: Option<&Object>) -> Result<Vec<Object>> {
    Ok(match o {
        Some(o) => doc
            .resolve(o)?
            .as_array()
            .map(<[Object]>::to_vec)
            .unwrap_or_default(),
        None => Vec::new(),
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
                && signed
                    .source()
                    .same_bytes(a.data.clone(), doc.source(), b.data.clone())
        }
        _ => old == new,
    }
}
