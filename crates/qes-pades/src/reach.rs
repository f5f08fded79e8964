//! Who refers to whom in one revision: the reachability index behind the modification
//! analysis (ISO 32000-2 §7.3.10 indirect objects, §7.5.6 incremental updates). Every object
//! reachable from the trailer is read once and, for each object it names, the place that
//! names it is recorded: the referring object (or the trailer) and the path of keys and array
//! indices inside it. An update may override a signed object only where the change it is
//! allowed to make is the only way the object is seen — this index says whether that holds.

use crate::pdf::{Document, Name, ObjRef, Object};
use crate::{Error, Result};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Most references recorded in one revision (every `n g R` of every reachable object).
pub(crate) const MAX_REFERENCES: usize = 1 << 24;

/// Where a reference is written: in the trailer, or in an indirect object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Referrer {
    /// The trailer dictionary (§7.5.5).
    Trailer,
    /// An indirect object.
    Object(ObjRef),
}

/// One step of a path inside a direct object.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Step {
    /// A dictionary entry.
    Key(Name),
    /// An array element.
    Index(usize),
}

/// One place that names an object: the referrer and the path inside it (a relative context).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Usage {
    /// The object (or trailer) the reference is written in.
    pub referrer: Referrer,
    /// The keys and indices from the referrer to the reference.
    pub path: Vec<Step>,
}

impl Usage {
    /// `referrer` / `keys…`.
    pub fn at(referrer: Referrer, keys: &[&str]) -> Self {
        Self {
            referrer,
            path: keys.iter().map(|k| Step::Key(Name::from(*k))).collect(),
        }
    }
}

/// Every usage of every object reachable from the trailer of one revision.
#[derive(Debug, Default)]
pub(crate) struct Usages {
    map: BTreeMap<ObjRef, Vec<Usage>>,
}

impl Usages {
    /// Walk `doc` from its trailer, breadth first, each object once. Objects that cannot
    /// be read count as `null` (they name nothing).
    ///
    /// # Errors
    /// [`Error::Limit`] past [`crate::pdf::Limits::max_objects`] reachable objects or
    /// [`MAX_REFERENCES`] references.
    pub fn build(doc: &Document<'_>) -> Result<Self> {
        let mut usages = Self::default();
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::new();
        let mut count = 0usize;
        let mut path = Vec::new();
        let trailer = Object::Dict(doc.trailer().clone());
        usages.walk(
            Referrer::Trailer,
            &trailer,
            &mut path,
            &mut queue,
            &mut count,
        )?;
        while let Some(r) = queue.pop_front() {
            if !seen.insert(r) {
                continue;
            }
            if seen.len() > doc.limits().max_objects {
                return Err(Error::Limit {
                    what: "objects reachable from the trailer",
                    limit: doc.limits().max_objects,
                });
            }
            let object = doc.get(r).unwrap_or(Object::Null);
            let direct = match object {
                Object::Stream(s) => Object::Dict(s.dict),
                other => other,
            };
            usages.walk(
                Referrer::Object(r),
                &direct,
                &mut path,
                &mut queue,
                &mut count,
            )?;
        }
        Ok(usages)
    }

    fn walk(
        &mut self,
        referrer: Referrer,
        object: &Object,
        path: &mut Vec<Step>,
        queue: &mut VecDeque<ObjRef>,
        count: &mut usize,
    ) -> Result<()> {
        match object {
            Object::Ref(r) => {
                *count = count.saturating_add(1);
                if *count > MAX_REFERENCES {
                    return Err(Error::Limit {
                        what: "references in one revision",
                        limit: MAX_REFERENCES,
                    });
                }
                self.map.entry(*r).or_default().push(Usage {
                    referrer,
                    path: path.clone(),
                });
                queue.push_back(*r);
            }
            Object::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    let walked = self.walk(referrer, item, path, queue, count);
                    path.pop();
                    walked?;
                }
            }
            Object::Dict(d) => {
                for (k, v) in &d.0 {
                    path.push(Step::Key(k.clone()));
                    let walked = self.walk(referrer, v, path, queue, count);
                    path.pop();
                    walked?;
                }
            }
            Object::Stream(s) => {
                for (k, v) in &s.dict.0 {
                    path.push(Step::Key(k.clone()));
                    let walked = self.walk(referrer, v, path, queue, count);
                    path.pop();
                    walked?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Every place that names `r` (empty when nothing reachable does).
    pub fn of(&self, r: ObjRef) -> &[Usage] {
        self.map.get(&r).map_or(&[], Vec::as_slice)
    }
}
