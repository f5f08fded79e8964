//! The PDF object model (ISO 32000-2 §7.3): the eight basic object types plus indirect
//! references, as parsed — strings keep their raw bytes and where they were in the file.

use std::ops::Range;

/// An indirect reference `num gen R` (ISO 32000-2 §7.3.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjRef {
    /// Object number (positive).
    pub num: u32,
    /// Generation number.
    pub gen: u16,
}

impl ObjRef {
    /// `num gen R`.
    pub const fn new(num: u32, gen: u16) -> Self {
        Self { num, gen }
    }
}

impl std::fmt::Display for ObjRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} R", self.num, self.gen)
    }
}

/// A name object, decoded (`#xx` escapes resolved, no leading `/`) (ISO 32000-2 §7.3.5).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(pub Vec<u8>);

impl Name {
    /// The name's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Self(s.as_bytes().to_vec())
    }
}

/// A string object, literal `( … )` or hexadecimal `< … >` (ISO 32000-2 §7.3.4), decoded.
///
/// Two strings are equal when their decoded bytes are: the form and position they were
/// written in do not matter.
#[derive(Clone, Debug, Eq)]
pub struct PdfString {
    /// The decoded bytes.
    pub bytes: Vec<u8>,
    /// Whether it was written in hexadecimal form.
    pub hex: bool,
    /// Where the string, delimiters included, is in the file; `None` for strings that were
    /// not read directly from the file (object streams, strings we build).
    pub span: Option<Range<usize>>,
}

impl PartialEq for PdfString {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl PdfString {
    /// A literal string with `bytes`, not from any file.
    pub fn literal(bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            bytes: bytes.into(),
            hex: false,
            span: None,
        }
    }

    /// The string as text: UTF-16BE with a byte-order mark, UTF-8 with one (ISO 32000-2
    /// §7.9.2.2), else each byte as a Latin-1 character (close to PDFDocEncoding).
    pub fn to_text(&self) -> String {
        if let Some(rest) = self.bytes.strip_prefix(&[0xfe, 0xff]) {
            let units: Vec<u16> = rest
                .chunks(2)
                .map(|c| match c {
                    [a, b] => u16::from_be_bytes([*a, *b]),
                    _ => 0xfffd,
                })
                .collect();
            return String::from_utf16_lossy(&units);
        }
        if let Some(rest) = self.bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
            return String::from_utf8_lossy(rest).into_owned();
        }
        self.bytes.iter().map(|&b| char::from(b)).collect()
    }
}

/// A dictionary (ISO 32000-2 §7.3.7), entries in file order; a later duplicate key is
/// ignored on lookup (the first wins).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dict(pub Vec<(Name, Object)>);

impl Dict {
    /// An empty dictionary.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// The value of `/key`.
    pub fn get(&self, key: &str) -> Option<&Object> {
        self.0
            .iter()
            .find(|(k, _)| k.as_bytes() == key.as_bytes())
            .map(|(_, v)| v)
    }

    /// Set `/key` to `value`, replacing an existing entry in place.
    pub fn set(&mut self, key: &str, value: Object) {
        match self
            .0
            .iter_mut()
            .find(|(k, _)| k.as_bytes() == key.as_bytes())
        {
            Some((_, v)) => *v = value,
            None => self.0.push((Name::from(key), value)),
        }
    }

    /// Remove `/key`.
    pub fn remove(&mut self, key: &str) {
        self.0.retain(|(k, _)| k.as_bytes() != key.as_bytes());
    }

    /// `/key` as a name.
    pub fn get_name(&self, key: &str) -> Option<&[u8]> {
        match self.get(key) {
            Some(Object::Name(n)) => Some(n.as_bytes()),
            _ => None,
        }
    }

    /// `/key` as an integer.
    pub fn get_int(&self, key: &str) -> Option<i64> {
        match self.get(key) {
            Some(Object::Integer(i)) => Some(*i),
            _ => None,
        }
    }

    /// `/key` as an indirect reference.
    pub fn get_ref(&self, key: &str) -> Option<ObjRef> {
        match self.get(key) {
            Some(Object::Ref(r)) => Some(*r),
            _ => None,
        }
    }

    /// Whether `/Type` is `ty`.
    pub fn is_type(&self, ty: &str) -> bool {
        self.get_name("Type") == Some(ty.as_bytes())
    }
}

/// A stream (ISO 32000-2 §7.3.8): its dictionary and where its raw (still encoded) data is.
#[derive(Clone, Debug, PartialEq)]
pub struct Stream {
    /// The stream dictionary.
    pub dict: Dict,
    /// The raw data's position in the file.
    pub data: Range<usize>,
}

/// Any PDF object (ISO 32000-2 §7.3).
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A real number.
    Real(f64),
    /// A string.
    String(PdfString),
    /// A name.
    Name(Name),
    /// An array.
    Array(Vec<Object>),
    /// A dictionary.
    Dict(Dict),
    /// A stream (only as an indirect object).
    Stream(Stream),
    /// An indirect reference.
    Ref(ObjRef),
}

impl Object {
    /// The dictionary of a dictionary or a stream.
    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Self::Dict(d) => Some(d),
            Self::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }

    /// The elements of an array.
    pub fn as_array(&self) -> Option<&[Object]> {
        match self {
            Self::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The value of an integer.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Self::Integer(i) => Some(*i),
            _ => None,
        }
    }

    /// A name object from `s`.
    pub fn name(s: &str) -> Self {
        Self::Name(Name::from(s))
    }
}
