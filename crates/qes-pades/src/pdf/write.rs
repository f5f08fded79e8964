//! Serialising objects back to PDF syntax (ISO 32000-2 §7.3), for the objects an
//! incremental update writes. Reals are written without exponent; names escape every
//! byte outside the regular printable range as `#xx`; strings are written as hex
//! unless they are printable ASCII.

use super::object::{Name, Object, PdfString};
use super::parse::{is_delimiter, is_whitespace};
use std::io::Write;

/// Append `object` to `out`.
pub fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Object::Real(r) => write_real(out, *r),
        Object::String(s) => write_string(out, s),
        Object::Name(n) => write_name(out, n),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dict(d) => {
            out.extend_from_slice(b"<<");
            for (k, v) in &d.0 {
                write_name(out, k);
                out.push(b' ');
                write_object(out, v);
            }
            out.extend_from_slice(b">>");
        }
        // Streams are never rewritten: an update refers to the existing one.
        Object::Stream(_) => out.extend_from_slice(b"null"),
        Object::Ref(r) => {
            let _ = write!(out, "{} {} R", r.num, r.gen);
        }
    }
}

fn write_real(out: &mut Vec<u8>, r: f64) {
    if !r.is_finite() {
        out.push(b'0');
        return;
    }
    let text = format!("{r:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    out.extend_from_slice(
        if text.is_empty() || text == "-" {
            "0"
        } else {
            text
        }
        .as_bytes(),
    );
}

/// `/Name` with `#xx` escapes (§7.3.5).
pub fn write_name(out: &mut Vec<u8>, name: &Name) {
    out.push(b'/');
    for &b in name.as_bytes() {
        if b == b'#' || !(0x21..=0x7e).contains(&b) || is_delimiter(b) || is_whitespace(b) {
            let _ = write!(out, "#{b:02X}");
        } else {
            out.push(b);
        }
    }
}

/// A string: literal when printable ASCII (with `(`, `)`, `\` escaped), hex otherwise.
pub fn write_string(out: &mut Vec<u8>, s: &PdfString) {
    if !s.hex && s.bytes.iter().all(|&b| (0x20..=0x7e).contains(&b)) {
        out.push(b'(');
        for &b in &s.bytes {
            if matches!(b, b'(' | b')' | b'\\') {
                out.push(b'\\');
            }
            out.push(b);
        }
        out.push(b')');
    } else {
        out.push(b'<');
        for b in &s.bytes {
            let _ = write!(out, "{b:02X}");
        }
        out.push(b'>');
    }
}

/// A text string (§7.9.2.2): PDFDocEncoding-compatible ASCII as is, anything else as
/// UTF-16BE with a byte-order mark.
pub fn text_string(text: &str) -> PdfString {
    if text.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return PdfString::literal(text.as_bytes());
    }
    let mut bytes = vec![0xfe, 0xff];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    PdfString {
        bytes,
        hex: true,
        span: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::object::{Dict, ObjRef};
    use crate::pdf::parse::Parser;
    use crate::pdf::Limits;

    #[test]
    fn round_trip() {
        let mut d = Dict::new();
        d.set("A B", Object::Integer(-3));
        d.set("S", Object::String(PdfString::literal(b"a(b)\\".to_vec())));
        d.set("T", Object::String(text_string("Ștefan")));
        d.set("R", Object::Real(0.25));
        d.set(
            "L",
            Object::Array(vec![Object::Ref(ObjRef::new(3, 0)), Object::Null]),
        );
        let o = Object::Dict(d);
        let mut out = Vec::new();
        write_object(&mut out, &o);
        let limits = Limits::default();
        let mut back = Parser::detached(&out, &limits).object(0).unwrap();
        if let Object::Dict(d) = &mut back {
            for (_, v) in &mut d.0 {
                if let Object::String(s) = v {
                    s.hex = false;
                }
            }
        }
        let mut expected = o.clone();
        if let Object::Dict(d) = &mut expected {
            for (_, v) in &mut d.0 {
                if let Object::String(s) = v {
                    s.hex = false;
                }
            }
        }
        assert_eq!(back, expected);
        let Object::Dict(d) = back else { panic!() };
        let Some(Object::String(t)) = d.get("T") else {
            panic!()
        };
        assert_eq!(t.to_text(), "Ștefan");
    }
}
