//! Small, valid PDFs for tests, benches, examples and `qes demo`: one A4 page with a line of
//! text (Helvetica, WinAnsi: ASCII text), optionally a payload stream to reach a given size,
//! and a classic cross-reference table (ISO 32000-2 §7.5.4).

/// A one-page PDF 1.7 showing `text`, plus a stream object of `payload` pseudo-random bytes
/// (0 for none) so that files of any size can be made.
///
/// ```
/// let pdf = qes_testkit::pdf::one_page("Declaratie", 0);
/// assert!(pdf.starts_with(b"%PDF-1.7"));
/// assert!(pdf.ends_with(b"%%EOF\n"));
/// ```
pub fn one_page(text: &str, payload: usize) -> Vec<u8> {
    let escaped: String = text
        .chars()
        .map(|c| match c {
            '(' | ')' | '\\' => format!("\\{c}"),
            c if c.is_ascii() && !c.is_ascii_control() => c.to_string(),
            _ => "?".to_owned(),
        })
        .collect();
    let content = format!("BT /F1 14 Tf 72 770 Td ({escaped}) Tj ET");
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
          /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_vec(),
        stream(content.as_bytes()),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    ];
    if payload > 0 {
        let mut state = 0x9e37_79b9_u32;
        let data: Vec<u8> = (0..payload)
            .map(|_| {
                // xorshift32: cheap, deterministic filler that does not compress.
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state.to_be_bytes()[0]
            })
            .collect();
        objects.push(stream(&data));
    }
    let mut pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    let size = objects.len() + 1;
    pdf.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f\r\n").as_bytes());
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    pdf
}

fn stream(data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}
