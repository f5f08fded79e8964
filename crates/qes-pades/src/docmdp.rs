//! Certification signatures (ISO 32000-2 §12.8.2.2 DocMDP): which changes a certified
//! document permits, read from a signature dictionary's `/Reference` or the catalog's
//! `/Perms`.

use crate::pdf::{Dict, Document};
use crate::Result;

/// The DocMDP permission level `/P` of a certification signature (§12.8.2.2 Table 257):
/// 1 no changes, 2 form filling and signing, 3 also annotations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct DocMdpLevel(pub u8);

/// The DocMDP level of the signature dictionary `sig`, if it is a certification signature
/// (a `/Reference` entry with `/TransformMethod /DocMDP`; `/P` defaults to 2).
///
/// # Errors
/// A reader error while resolving the references.
pub(crate) fn level_of(doc: &Document<'_>, sig: &Dict) -> Result<Option<DocMdpLevel>> {
    let Some(refs) = sig.get("Reference") else {
        return Ok(None);
    };
    let refs = doc.resolve(refs)?;
    for r in refs.as_array().unwrap_or_default() {
        let Some(transform) = doc.resolve_dict(Some(r))? else {
            continue;
        };
        if transform.get_name("TransformMethod") != Some(b"DocMDP") {
            continue;
        }
        let params = doc.resolve_dict(transform.get("TransformParams"))?;
        let p = params.as_ref().and_then(|p| p.get_int("P")).unwrap_or(2);
        // Values other than 1–3 are treated as 2 (§12.8.2.2.2).
        let level = u8::try_from(p)
            .ok()
            .filter(|p| (1..=3).contains(p))
            .unwrap_or(2);
        return Ok(Some(DocMdpLevel(level)));
    }
    Ok(None)
}

/// The DocMDP level the document's certification signature sets (catalog `/Perms
/// /DocMDP`, §12.8.4), if it is certified.
///
/// # Errors
/// A reader error while resolving the catalog's entries.
pub(crate) fn document_level(doc: &Document<'_>, catalog: &Dict) -> Result<Option<DocMdpLevel>> {
    let Some(perms) = doc.resolve_dict(catalog.get("Perms"))? else {
        return Ok(None);
    };
    match doc.resolve_dict(perms.get("DocMDP"))? {
        Some(sig) => level_of(doc, &sig),
        None => Ok(None),
    }
}
