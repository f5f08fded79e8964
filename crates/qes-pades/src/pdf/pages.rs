//! The page tree (ISO 32000-2 §7.7.3): pages in document order, with the attributes a
//! page inherits from its ancestors (§7.7.3.4: `/MediaBox`, `/CropBox`, `/Rotate`,
//! `/Resources`) resolved; walked depth-first with loop and size protection.

use super::document::Document;
use super::object::{Dict, ObjRef, Object};
use crate::{Error, Result};

/// A page and the geometry it has after inheritance.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// The page object.
    pub id: ObjRef,
    /// Its dictionary as stored (inherited entries not merged in).
    pub dict: Dict,
    /// `/MediaBox`, normalised (lower-left, upper-right), in default user space.
    pub media_box: [f64; 4],
    /// `/CropBox` clipped to the media box (the media box when absent): the visible area.
    pub crop_box: [f64; 4],
    /// `/Rotate`, normalised to 0, 90, 180 or 270 (clockwise when displayed).
    pub rotate: u16,
}

/// US Letter, for a page tree that names no media box at all (§7.7.3.3 makes it required;
/// readers default it).
const LETTER: [f64; 4] = [0.0, 0.0, 612.0, 792.0];

#[derive(Clone, Default)]
struct Inherited {
    media_box: Option<[f64; 4]>,
    crop_box: Option<[f64; 4]>,
    rotate: Option<i64>,
}

impl Document<'_> {
    /// The page at `index` (0-based) in document order.
    ///
    /// # Errors
    /// [`Error::PageOutOfRange`] past the last page; [`Error::Entry`] for a catalog
    /// without a page tree; a reader error for an unreadable tree.
    pub fn page(&self, index: usize) -> Result<Page> {
        let mut found = None;
        let count = self.walk_pages(|i, page| {
            if i == index {
                found = Some(page);
                false
            } else {
                true
            }
        })?;
        found.ok_or(Error::PageOutOfRange {
            page: index.saturating_add(1),
            pages: count,
        })
    }

    /// The page whose object is `id`, if it is in the page tree.
    ///
    /// # Errors
    /// As [`Document::page`].
    pub fn find_page(&self, id: ObjRef) -> Result<Option<Page>> {
        let mut found = None;
        self.walk_pages(|_, page| {
            if page.id == id {
                found = Some(page);
                false
            } else {
                true
            }
        })?;
        Ok(found)
    }

    /// How many pages the page tree has (counted, not read from `/Count`).
    ///
    /// # Errors
    /// As [`Document::page`].
    pub fn page_count(&self) -> Result<usize> {
        self.walk_pages(|_, _| true)
    }

    /// Visit pages in order until `visit` returns `false`; the number visited.
    fn walk_pages(&self, mut visit: impl FnMut(usize, Page) -> bool) -> Result<usize> {
        let (_, catalog) = self.catalog()?;
        let root = catalog.get_ref("Pages").ok_or(Error::Entry {
            dict: "catalog",
            key: "Pages",
        })?;
        let limit = self.limits().max_objects;
        let mut seen = std::collections::BTreeSet::new();
        // Depth-first: a stack of (node, inherited, depth), children pushed reversed.
        let mut stack = vec![(root, Inherited::default(), 0usize)];
        let mut index = 0usize;
        while let Some((node, parent, depth)) = stack.pop() {
            if !seen.insert(node) {
                return Err(Error::Object {
                    num: node.num,
                    gen: node.gen,
                    reason: "the page tree has a loop",
                });
            }
            if depth > self.limits().max_depth || seen.len() > limit {
                return Err(Error::Limit {
                    what: "page tree depth or size",
                    limit: self.limits().max_depth,
                });
            }
            let Some(dict) = self.resolve_dict(Some(&Object::Ref(node)))? else {
                continue;
            };
            let here = Inherited {
                media_box: self.rect(dict.get("MediaBox"))?.or(parent.media_box),
                crop_box: self.rect(dict.get("CropBox"))?.or(parent.crop_box),
                rotate: match dict.get("Rotate") {
                    Some(r) => self.resolve(r)?.as_int().or(parent.rotate),
                    None => parent.rotate,
                },
            };
            let kids = match dict.get("Kids") {
                Some(k) if !dict.is_type("Page") => self.resolve(k)?,
                _ => Object::Null,
            };
            if let Some(kids) = kids.as_array() {
                for kid in kids.iter().rev() {
                    if let Object::Ref(r) = kid {
                        stack.push((*r, here.clone(), depth.saturating_add(1)));
                    }
                }
                continue;
            }
            let media_box = here.media_box.unwrap_or(LETTER);
            let crop_box = here.crop_box.map_or(media_box, |c| intersect(c, media_box));
            let page = Page {
                id: node,
                dict,
                media_box,
                crop_box,
                rotate: u16::try_from(here.rotate.unwrap_or(0).rem_euclid(360) / 90 * 90)
                    .unwrap_or(0),
            };
            let more = visit(index, page);
            index = index.saturating_add(1);
            if !more {
                break;
            }
        }
        Ok(index)
    }

    /// A rectangle (§7.9.5), normalised; `None` when absent or not four numbers.
    fn rect(&self, o: Option<&Object>) -> Result<Option<[f64; 4]>> {
        let Some(o) = o else { return Ok(None) };
        let o = self.resolve(o)?;
        let Some(items) = o.as_array() else {
            return Ok(None);
        };
        let mut v = [0.0; 4];
        if items.len() != 4 {
            return Ok(None);
        }
        for (slot, item) in v.iter_mut().zip(items) {
            *slot = match self.resolve(item)? {
                Object::Integer(i) => i64_to_f64(i),
                Object::Real(r) if r.is_finite() => r,
                _ => return Ok(None),
            };
        }
        let [a, b, c, d] = v;
        Ok(Some([a.min(c), b.min(d), a.max(c), b.max(d)]))
    }
}

fn i64_to_f64(i: i64) -> f64 {
    let clamped = i.clamp(i64::from(i32::MIN), i64::from(i32::MAX));
    f64::from(i32::try_from(clamped).unwrap_or(0))
}

fn intersect(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
    let r = [
        a[0].max(b[0]),
        a[1].max(b[1]),
        a[2].min(b[2]),
        a[3].min(b[3]),
    ];
    if r[0] < r[2] && r[1] < r[3] {
        r
    } else {
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdf(objects: &[&str]) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj {o} endobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes(),
        );
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer << /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    #[test]
    fn inherits_boxes_and_rotation() {
        let bytes = pdf(&[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 3 /MediaBox [0 0 600 800] /Rotate 90 >>",
            "<< /Type /Page /Parent 2 0 R >>",
            "<< /Type /Pages /Parent 2 0 R /Kids [5 0 R] /Count 1 /CropBox [10 20 590 780] >>",
            "<< /Type /Page /Parent 4 0 R /Rotate -90 /MediaBox [800 900 0 0] >>",
        ]);
        let doc = Document::open(&bytes).unwrap();
        assert_eq!(doc.page_count().unwrap(), 2);
        let first = doc.page(0).unwrap();
        assert_eq!(first.id, ObjRef::new(3, 0));
        assert_eq!(first.rotate, 90);
        assert_eq!(first.crop_box, [0.0, 0.0, 600.0, 800.0]);
        let second = doc.page(1).unwrap();
        assert_eq!(second.rotate, 270);
        assert_eq!(second.media_box, [0.0, 0.0, 800.0, 900.0]);
        assert_eq!(second.crop_box, [10.0, 20.0, 590.0, 780.0]);
        assert!(matches!(
            doc.page(2),
            Err(Error::PageOutOfRange { page: 3, pages: 2 })
        ));
    }

    #[test]
    fn loops_are_errors() {
        let bytes = pdf(&[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
        ]);
        let doc = Document::open(&bytes).unwrap();
        assert!(doc.page(0).is_err());
    }
}
