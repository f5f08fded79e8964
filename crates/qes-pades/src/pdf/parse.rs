//! Lexer and object parser (ISO 32000-2 §7.2 lexical conventions, §7.3 objects, §7.3.10
//! indirect objects): bytes in, [`Object`]s out, bounded by [`Limits`], tolerant of the
//! usual deviations (odd hex digits, unknown escapes, a wrong stream `/Length`).

use super::object::{Dict, Name, ObjRef, Object, PdfString, Stream};
use super::Limits;
use crate::{Error, Result};

/// ISO 32000-2 §7.2.3 Table 1: white-space characters.
pub(crate) fn is_whitespace(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// ISO 32000-2 §7.2.3 Table 2: delimiter characters.
pub(crate) fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_whitespace(b) && !is_delimiter(b)
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Looks up the `/Length` of a stream given by an indirect reference.
pub(crate) type LengthResolver<'r> = &'r dyn Fn(ObjRef) -> Option<i64>;

/// What a parser over a window of the file asks the file itself: whether a stream's data is
/// followed by `endstream` (or where `endstream` is), when that lies past the window.
pub(crate) trait Outside {
    /// Whether `keyword` follows (after white space) at `offset`.
    fn keyword_at(&self, offset: usize, keyword: &[u8], limits: &Limits) -> bool;
    /// The first position of `needle` at or after `offset`.
    fn find_from(&self, offset: usize, needle: &[u8]) -> Option<usize>;
    /// The byte at `offset`.
    fn byte_at(&self, offset: usize) -> Option<u8>;
}

/// A cursor over PDF bytes.
///
/// Positions are offsets in the file (or in decoded data, for a detached parser). The bytes
/// may be only a window of the file, `buf` starting at `base`: a parser that reaches the
/// window's end before the file's records it ([`Parser::ran_out`]), and its caller retries
/// on a larger window.
pub(crate) struct Parser<'a> {
    buf: &'a [u8],
    /// The file offset of `buf[0]`.
    base: usize,
    pos: usize,
    /// Whether `buf` is the file itself (string spans are then file offsets).
    in_file: bool,
    /// Whether `buf` reaches the end of the file (or of the decoded data).
    complete: bool,
    /// Set when a look at or past the end of an incomplete window was needed.
    ran_out: std::cell::Cell<bool>,
    /// The rest of the file, for a window.
    outside: Option<&'a dyn Outside>,
    limits: &'a Limits,
}

impl<'a> Parser<'a> {
    /// A parser over the file `buf` at `pos`.
    pub fn new(buf: &'a [u8], pos: usize, limits: &'a Limits) -> Self {
        Self {
            buf,
            base: 0,
            pos,
            in_file: true,
            complete: true,
            ran_out: std::cell::Cell::new(false),
            outside: None,
            limits,
        }
    }

    /// A parser over `window`, the bytes of the file from `base` on (to its end when
    /// `complete`), at `base`; `outside` answers for what lies past the window.
    pub fn window(
        window: &'a [u8],
        base: usize,
        complete: bool,
        limits: &'a Limits,
        outside: &'a dyn Outside,
    ) -> Self {
        Self {
            buf: window,
            base,
            pos: base,
            in_file: true,
            complete,
            ran_out: std::cell::Cell::new(false),
            outside: Some(outside),
            limits,
        }
    }

    /// A parser over decoded bytes that are not the file (an object stream).
    pub fn detached(buf: &'a [u8], limits: &'a Limits) -> Self {
        Self {
            in_file: false,
            pos: 0,
            ..Self::new(buf, 0, limits)
        }
    }

    /// Whether the parse looked at the end of an incomplete window: its result is then not
    /// to be trusted, and a larger window is needed.
    pub fn ran_out(&self) -> bool {
        self.ran_out.get()
    }

    /// The byte at file offset `at`; at or past an incomplete window's end, `None` and
    /// [`Parser::ran_out`].
    fn byte(&self, at: usize) -> Option<u8> {
        let b = at
            .checked_sub(self.base)
            .and_then(|i| self.buf.get(i))
            .copied();
        if b.is_none() && !self.complete && at >= self.base {
            self.ran_out.set(true);
        }
        b
    }

    /// The bytes of the file range `start..end`, when inside the window.
    fn slice(&self, start: usize, end: usize) -> Option<&'a [u8]> {
        self.buf
            .get(start.checked_sub(self.base)?..end.checked_sub(self.base)?)
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn set_pos(&mut self, pos: usize) {
        self.pos = pos;
    }

    fn peek(&self) -> Option<u8> {
        self.byte(self.pos)
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.byte(self.pos.checked_add(ahead)?)
    }

    fn err(&self, reason: &'static str) -> Error {
        Error::Syntax {
            offset: self.pos,
            reason,
        }
    }

    /// Skip white space and comments.
    pub fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if is_whitespace(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The run of regular characters at the cursor (after white space), consumed.
    pub fn token(&mut self) -> &'a [u8] {
        self.skip_ws();
        let start = self.pos;
        while self.peek().is_some_and(is_regular) {
            self.pos += 1;
        }
        self.slice(start, self.pos).unwrap_or_default()
    }

    /// Consume the keyword `kw` (after white space) or fail.
    pub fn expect_keyword(&mut self, kw: &[u8], reason: &'static str) -> Result<()> {
        let save = self.pos;
        if self.token() == kw {
            Ok(())
        } else {
            self.pos = save;
            Err(self.err(reason))
        }
    }

    /// Whether the keyword `kw` follows; consumed if so.
    pub fn eat_keyword(&mut self, kw: &[u8]) -> bool {
        let save = self.pos;
        if self.token() == kw {
            true
        } else {
            self.pos = save;
            false
        }
    }

    /// An unsigned integer token (cross-reference tables, object headers).
    pub fn unsigned(&mut self) -> Option<u64> {
        let save = self.pos;
        let tok = self.token();
        match parse_unsigned(tok) {
            Some(v) => Some(v),
            None => {
                self.pos = save;
                None
            }
        }
    }

    /// Parse one object (a reference `n g R` is recognised after an integer).
    pub fn object(&mut self, depth: usize) -> Result<Object> {
        if depth > self.limits.max_depth {
            return Err(Error::Limit {
                what: "nesting depth",
                limit: self.limits.max_depth,
            });
        }
        self.skip_ws();
        let Some(b) = self.peek() else {
            return Err(self.err("object expected, end of data"));
        };
        match b {
            b'/' => {
                self.pos += 1;
                Ok(Object::Name(self.name_body()))
            }
            b'(' => self.literal_string().map(Object::String),
            b'<' if self.peek_at(1) == Some(b'<') => {
                self.pos += 2;
                self.dict_body(depth).map(Object::Dict)
            }
            b'<' => self.hex_string().map(Object::String),
            b'[' => {
                self.pos += 1;
                self.array_body(depth)
            }
            _ if is_regular(b) => self.keyword_or_number(),
            _ => Err(self.err("unexpected delimiter")),
        }
    }

    fn keyword_or_number(&mut self) -> Result<Object> {
        let start = self.pos;
        let tok = self.token();
        match tok {
            b"true" => return Ok(Object::Bool(true)),
            b"false" => return Ok(Object::Bool(false)),
            b"null" => return Ok(Object::Null),
            _ => {}
        }
        let Some(number) = parse_number(tok) else {
            self.pos = start;
            return Err(self.err("unknown keyword"));
        };
        if let Object::Integer(num) = number {
            // `num gen R`?
            let after = self.pos;
            if let (Ok(num), Some(gen)) = (u32::try_from(num), self.unsigned()) {
                if let Ok(gen) = u16::try_from(gen) {
                    if self.eat_keyword(b"R") {
                        return Ok(Object::Ref(ObjRef::new(num, gen)));
                    }
                }
            }
            self.pos = after;
        }
        Ok(number)
    }

    /// After the `/`.
    fn name_body(&mut self) -> Name {
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            if !is_regular(b) {
                break;
            }
            if b == b'#' {
                if let (Some(h), Some(l)) = (
                    self.peek_at(1).and_then(hex_value),
                    self.peek_at(2).and_then(hex_value),
                ) {
                    out.push(h << 4 | l);
                    self.pos += 3;
                    continue;
                }
            }
            out.push(b);
            self.pos += 1;
        }
        Name(out)
    }

    fn check_string_len(&self, len: usize) -> Result<()> {
        if len > self.limits.max_string_len {
            return Err(Error::Limit {
                what: "string length",
                limit: self.limits.max_string_len,
            });
        }
        Ok(())
    }

    fn span(&self, start: usize) -> Option<std::ops::Range<usize>> {
        self.in_file.then_some(start..self.pos)
    }

    /// At the `(`.
    fn literal_string(&mut self) -> Result<PdfString> {
        let start = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        let mut nesting = 0usize;
        loop {
            self.check_string_len(out.len())?;
            let Some(b) = self.peek() else {
                return Err(self.err("unterminated literal string"));
            };
            self.pos += 1;
            match b {
                b'(' => {
                    nesting += 1;
                    out.push(b);
                }
                b')' if nesting == 0 => break,
                b')' => {
                    nesting -= 1;
                    out.push(b);
                }
                b'\r' => {
                    // An EOL in a string is read as a single line feed (§7.3.4.2).
                    if self.peek() == Some(b'\n') {
                        self.pos += 1;
                    }
                    out.push(b'\n');
                }
                b'\\' => self.escape(&mut out),
                _ => out.push(b),
            }
        }
        Ok(PdfString {
            bytes: out,
            hex: false,
            span: self.span(start),
        })
    }

    /// After a backslash in a literal string (ISO 32000-2 §7.3.4.2 Table 3).
    fn escape(&mut self, out: &mut Vec<u8>) {
        let Some(b) = self.peek() else {
            return;
        };
        self.pos += 1;
        match b {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'\r' => {
                if self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
            }
            b'\n' => {}
            b'0'..=b'7' => {
                let mut value = u32::from(b - b'0');
                for _ in 0..2 {
                    match self.peek() {
                        Some(d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                // High-order overflow is ignored (§7.3.4.2).
                out.push(u8::try_from(value & 0xff).unwrap_or_default());
            }
            // Unknown escapes: the backslash is ignored.
            other => out.push(other),
        }
    }

    /// At the `<`.
    fn hex_string(&mut self) -> Result<PdfString> {
        let start = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.err("unterminated hexadecimal string"));
            };
            self.pos += 1;
            if b == b'>' {
                break;
            }
            if is_whitespace(b) {
                continue;
            }
            let Some(v) = hex_value(b) else {
                self.pos -= 1;
                return Err(self.err("non-hex digit in hexadecimal string"));
            };
            match high.take() {
                Some(h) => {
                    self.check_string_len(out.len())?;
                    out.push(h << 4 | v);
                }
                None => high = Some(v),
            }
        }
        // An odd final digit is followed by an implied 0 (§7.3.4.3).
        if let Some(h) = high {
            out.push(h << 4);
        }
        Ok(PdfString {
            bytes: out,
            hex: true,
            span: self.span(start),
        })
    }

    /// After the `[`.
    fn array_body(&mut self, depth: usize) -> Result<Object> {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Err(self.err("unterminated array")),
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Object::Array(items));
                }
                Some(_) => {
                    if items.len() >= self.limits.max_container_len {
                        return Err(Error::Limit {
                            what: "array length",
                            limit: self.limits.max_container_len,
                        });
                    }
                    items.push(self.object(depth + 1)?);
                }
            }
        }
    }

    /// After the `<<`.
    fn dict_body(&mut self, depth: usize) -> Result<Dict> {
        let mut entries = Vec::new();
        loop {
            self.skip_ws();
            match (self.peek(), self.peek_at(1)) {
                (None, _) => return Err(self.err("unterminated dictionary")),
                (Some(b'>'), Some(b'>')) => {
                    self.pos += 2;
                    return Ok(Dict(entries));
                }
                (Some(b'/'), _) => {
                    if entries.len() >= self.limits.max_container_len {
                        return Err(Error::Limit {
                            what: "dictionary size",
                            limit: self.limits.max_container_len,
                        });
                    }
                    self.pos += 1;
                    let key = self.name_body();
                    let value = self.object(depth + 1)?;
                    entries.push((key, value));
                }
                _ => return Err(self.err("name expected as dictionary key")),
            }
        }
    }

    /// An indirect object `num gen obj … endobj` at the cursor (ISO 32000-2 §7.3.10),
    /// streams included (§7.3.8).
    pub fn indirect(&mut self, length: LengthResolver<'_>) -> Result<(ObjRef, Object)> {
        let num = self
            .unsigned()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| self.err("object number expected"))?;
        let gen = self
            .unsigned()
            .and_then(|g| u16::try_from(g).ok())
            .ok_or_else(|| self.err("generation number expected"))?;
        self.expect_keyword(b"obj", "keyword obj expected")?;
        let id = ObjRef::new(num, gen);
        let object = self.object(0)?;
        let save = self.pos;
        if !self.eat_keyword(b"stream") {
            self.pos = save;
            // `endobj` is not required by tolerant readers; its absence is not fatal.
            let _ = self.eat_keyword(b"endobj");
            return Ok((id, object));
        }
        let Object::Dict(dict) = object else {
            return Err(self.err("stream keyword after a non-dictionary"));
        };
        // The keyword is followed by CRLF or LF (a lone CR is tolerated).
        match (self.peek(), self.peek_at(1)) {
            (Some(b'\r'), Some(b'\n')) => self.pos += 2,
            (Some(b'\n' | b'\r'), _) => self.pos += 1,
            _ => {}
        }
        let data_start = self.pos;
        let declared = match dict.get("Length") {
            Some(Object::Integer(n)) => Some(*n),
            Some(Object::Ref(r)) => length(*r),
            _ => None,
        };
        let declared_end = declared
            .and_then(|n| usize::try_from(n).ok())
            .and_then(|n| data_start.checked_add(n));
        let data_end = match declared_end.filter(|&end| self.endstream_at(end)) {
            Some(end) => end,
            None => self.find_endstream(data_start)?,
        };
        let stream = Object::Stream(Stream {
            dict,
            data: data_start..data_end,
        });
        if self.slice(data_end, data_end).is_none() && !self.complete {
            // The data runs past the window: what follows it is not needed.
            self.pos = data_end;
            return Ok((id, stream));
        }
        self.pos = data_end;
        let _ = self.eat_keyword(b"endstream");
        let _ = self.eat_keyword(b"endobj");
        Ok((id, stream))
    }

    /// Whether `endstream` follows (after white space) at `end`: read in the window, or
    /// asked of the file when the window does not show enough of it.
    fn endstream_at(&self, end: usize) -> bool {
        let mut p = Parser {
            pos: end,
            ran_out: std::cell::Cell::new(false),
            ..*self
        };
        let found = p.eat_keyword(b"endstream");
        match (p.ran_out() || end < self.base, self.outside) {
            (true, Some(outside)) => outside.keyword_at(end, b"endstream", self.limits),
            _ => found,
        }
    }

    /// Where the data ends when `/Length` is wrong: before the EOL preceding `endstream`.
    fn find_endstream(&self, from: usize) -> Result<usize> {
        let in_window = self
            .slice(from, self.base.saturating_add(self.buf.len()))
            .and_then(|hay| find(hay, b"endstream"))
            .map(|at| from + at);
        let found = match (in_window, self.outside) {
            (Some(at), _) => Some(at),
            (None, Some(outside)) if !self.complete => outside.find_from(from, b"endstream"),
            (None, _) => None,
        };
        let mut end = found.ok_or(Error::Syntax {
            offset: from,
            reason: "stream without endstream",
        })?;
        let before = |i: usize| {
            let j = i.checked_sub(1)?;
            match (self.slice(j, i), self.outside) {
                (Some(b), _) => b.first().copied(),
                (None, Some(outside)) => outside.byte_at(j),
                (None, None) => None,
            }
        };
        if end > from && before(end) == Some(b'\n') {
            end -= 1;
        }
        if end > from && before(end) == Some(b'\r') {
            end -= 1;
        }
        Ok(end)
    }
}

/// The first position of `needle` in `hay`.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The last position of `needle` in `hay`.
pub(crate) fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(hay.len());
    }
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn parse_unsigned(tok: &[u8]) -> Option<u64> {
    if tok.is_empty() || tok.len() > 19 || !tok.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(tok).ok()?.parse().ok()
}

/// A numeric token (ISO 32000-2 §7.3.3): integers, and reals with an optional sign and
/// at most one period; `None` for anything else.
fn parse_number(tok: &[u8]) -> Option<Object> {
    let (negative, digits) = match tok.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, tok),
    };
    if digits.is_empty() || digits.len() > 64 {
        return None;
    }
    let periods = digits.iter().filter(|&&b| b == b'.').count();
    if periods > 1 || !digits.iter().all(|&b| b == b'.' || b.is_ascii_digit()) {
        return None;
    }
    if periods == 0 {
        let v = parse_unsigned(digits).and_then(|v| i64::try_from(v).ok())?;
        return Some(Object::Integer(if negative { -v } else { v }));
    }
    if digits == b"." {
        return None;
    }
    let text = std::str::from_utf8(digits).ok()?;
    let text = if text.ends_with('.') {
        format!("{text}0")
    } else {
        format!("0{text}")
    };
    let v: f64 = text.parse().ok()?;
    Some(Object::Real(if negative { -v } else { v }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &[u8]) -> Result<Object> {
        let limits = Limits::default();
        Parser::new(s, 0, &limits).object(0)
    }

    #[test]
    fn scalars() {
        assert_eq!(parse(b"null").unwrap(), Object::Null);
        assert_eq!(parse(b" true").unwrap(), Object::Bool(true));
        assert_eq!(parse(b"-17").unwrap(), Object::Integer(-17));
        assert_eq!(parse(b"+.5").unwrap(), Object::Real(0.5));
        assert_eq!(parse(b"4.").unwrap(), Object::Real(4.0));
        assert!(parse(b"1.2.3").is_err());
        assert!(parse(b"bogus").is_err());
    }

    #[test]
    fn names_and_strings() {
        assert_eq!(parse(b"/A#20B").unwrap(), Object::name("A B"));
        assert_eq!(parse(b"/A#zz").unwrap(), Object::name("A#zz"));
        let Object::String(s) = parse(b"(a\\(b\\) (c) \\101\\\nd\r\n)").unwrap() else {
            panic!()
        };
        assert_eq!(s.bytes, b"a(b) (c) Ad\n");
        assert_eq!(s.span, Some(0..22));
        let Object::String(h) = parse(b"<48 65 6c6C 6>").unwrap() else {
            panic!()
        };
        assert_eq!(h.bytes, b"Hell`");
        assert!(h.hex);
        assert!(parse(b"<4x>").is_err());
        assert!(parse(b"(open").is_err());
    }

    #[test]
    fn containers_and_refs() {
        let o = parse(b"<< /K [1 0 R 2 (x) 3 4] /D << /E 5 6 R >> >>").unwrap();
        let d = o.as_dict().unwrap();
        let k = d.get("K").unwrap().as_array().unwrap();
        assert_eq!(k[0], Object::Ref(ObjRef::new(1, 0)));
        assert_eq!(k[1], Object::Integer(2));
        assert_eq!(k[3], Object::Integer(3));
        assert_eq!(k[4], Object::Integer(4));
        let e = d.get("D").unwrap().as_dict().unwrap().get_ref("E");
        assert_eq!(e, Some(ObjRef::new(5, 6)));
    }

    #[test]
    fn depth_limit() {
        let deep = "[".repeat(100);
        assert!(matches!(
            parse(deep.as_bytes()),
            Err(Error::Limit {
                what: "nesting depth",
                ..
            })
        ));
        let ok = format!("{}{}", "[".repeat(60), "]".repeat(60));
        assert!(parse(ok.as_bytes()).is_ok());
    }

    #[test]
    fn streams_with_direct_indirect_and_wrong_length() {
        let limits = Limits::default();
        let none = |_: ObjRef| None;
        let src = b"7 0 obj << /Length 5 >> stream\r\nhello\nendstream endobj";
        let (id, o) = Parser::new(src, 0, &limits).indirect(&none).unwrap();
        assert_eq!(id, ObjRef::new(7, 0));
        let Object::Stream(s) = o else { panic!() };
        assert_eq!(&src[s.data.clone()], b"hello");
        // Indirect length.
        let src = b"7 0 obj << /Length 9 0 R >> stream\nhello\nendstream endobj";
        let five = |r: ObjRef| (r == ObjRef::new(9, 0)).then_some(5);
        let (_, o) = Parser::new(src, 0, &limits).indirect(&five).unwrap();
        let Object::Stream(s) = o else { panic!() };
        assert_eq!(&src[s.data.clone()], b"hello");
        // A wrong length falls back to the endstream keyword.
        let src = b"7 0 obj << /Length 2 >> stream\nhello\r\nendstream endobj";
        let (_, o) = Parser::new(src, 0, &limits).indirect(&none).unwrap();
        let Object::Stream(s) = o else { panic!() };
        assert_eq!(&src[s.data], b"hello");
    }
}
