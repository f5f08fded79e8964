//! A tolerant, bounded PDF reader and incremental-update writer (ISO 32000-2 §7): the object
//! syntax, cross-reference tables and streams of every revision, object streams. It reads
//! what signing and verification need — the trailer, the catalog, the form, a page,
//! signature dictionaries — on demand, never the whole file.
//!
//! - [`Object`] and friends — the object model (§7.3);
//! - `parse` — lexer and object parser (§7.2, §7.3, §7.3.10);
//! - `filter` — `FlateDecode` and PNG predictors (§7.4.4);
//! - `source` — the file: a slice, or a `Read + Seek` read in windows and chunks;
//! - `xref` — `startxref`, tables, streams, hybrid files and `/Prev` (§7.5.4–§7.5.8);
//! - [`Document`] — object resolution, object streams (§7.5.7), catalog and pages (§7.7);
//! - [`parse_date`], [`format_date`] — date strings (§7.9.4);
//! - `pages` — the page tree in order with inherited boxes and rotation (§7.7.3);
//! - `update` — incremental updates (§7.5.6); `write` — object serialisation for them.

mod date;
mod document;
mod filter;
mod limits;
mod object;
mod pages;
mod parse;
mod source;
pub(crate) mod update;
pub(crate) mod write;
mod xref;

pub use date::{format_date, parse_date};
pub use document::Document;
pub use limits::Limits;
pub use object::{Dict, Name, ObjRef, Object, PdfString, Stream};
pub use pages::Page;
pub(crate) use source::Source;
pub(crate) use xref::startxref_before;
pub use xref::{find_startxref, XrefEntry, XrefKind, XrefSection};
