//! The explicit work budget of the PDF reader: how deep, how many, how large.

/// Caps on what the reader accepts; every limit reached is [`crate::Error::Limit`]. ISO
/// 32000-2 Annex C lists implementation limits; these are the reader's own.
///
/// The defaults accept any reasonable document (a 100 MB scan, 10⁶ objects) and reject
/// inputs built to exhaust memory or stack.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Deepest nesting of arrays and dictionaries (ISO 32000-2 Annex C suggests 28 for
    /// content; documents nest less).
    pub max_depth: usize,
    /// Most entries in one array or dictionary.
    pub max_container_len: usize,
    /// Longest string object, decoded, in bytes.
    pub max_string_len: usize,
    /// Highest object number / most cross-reference entries in the whole document.
    pub max_objects: usize,
    /// Most cross-reference sections followed through `/Prev` and `/XRefStm`.
    pub max_xref_sections: usize,
    /// Largest decoded stream (FlateDecode output), in bytes.
    pub max_decoded_len: usize,
    /// Most objects in one object stream.
    pub max_objstm_objects: usize,
    /// Most indirect references followed while resolving one value.
    pub max_ref_chain: usize,
    /// Bytes first read at an object's offset from a `Read + Seek` source (a cross-reference
    /// table, an object without its stream data); an object that does not fit is read again
    /// with four times the window.
    pub read_window: usize,
    /// Largest object (stream data excluded: it is never read whole) or cross-reference
    /// table read from a `Read + Seek` source, in bytes.
    pub max_object_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 64,
            max_container_len: 1 << 20,
            max_string_len: 32 << 20,
            max_objects: 8 << 20,
            max_xref_sections: 4096,
            max_decoded_len: 256 << 20,
            max_objstm_objects: 1 << 20,
            max_ref_chain: 32,
            read_window: 16 << 10,
            max_object_len: 192 << 20,
        }
    }
}
