//! Helpers shared by the qes-pades tests: the test PKI and signers, a LocalTsa, a tiny
//! one-page PDF generator (classic xref table), the pyHanko corpus, and running tools.
#![allow(dead_code)] // Each test binary uses a different subset.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use qes_cert::{parse_der, Certificate, ParseMode};
use qes_signer::SoftwareSigner;
use qes_testkit::{Issued, TestPki, PKCS12_PASSWORD};
use qes_tsp::{LocalTsa, TspClient};

pub fn pki() -> &'static TestPki {
    TestPki::shared()
}

/// Signing and validation time: 30 days into the test PKI's validity.
pub fn at() -> DateTime<Utc> {
    pki().epoch() + Duration::days(30)
}

pub fn anchors() -> Vec<Certificate> {
    vec![parse_der(pki().root().cert_der(), ParseMode::Strict).unwrap()]
}

pub fn signer_of(issued: &Issued) -> SoftwareSigner {
    SoftwareSigner::from_pkcs12(&issued.pkcs12(PKCS12_PASSWORD).unwrap(), PKCS12_PASSWORD).unwrap()
}

pub fn holder() -> SoftwareSigner {
    signer_of(pki().natural_person())
}

/// The in-process TSA of the test PKI, answering at `at()`.
pub fn tsa() -> TspClient<LocalTsa<SoftwareSigner>> {
    let gen_time = at();
    TspClient::new(LocalTsa::new(
        signer_of(pki().tsa()),
        qes_tsp::LOCAL_TSA_POLICY,
        move || gen_time,
    ))
}

/// An in-process TSA whose tokens carry a long certificate chain (every certificate of the
/// test PKI and 24 more: over 20 KiB), as some qualified TSAs send. Certificates must be
/// distinct: a DER `SET OF` keeps one copy of each.
pub fn tsa_with_large_chain() -> TspClient<LocalTsa<SoftwareSigner>> {
    let gen_time = at();
    let extra: Vec<Issued> = (0..24u64)
        .map(|i| {
            let entity = qes_testkit::EndEntity::tsa(&format!("qes test padding TSA {i}"))
                .key(qes_testkit::KeyAlgorithm::EcP256)
                .serial(0x5ad0 + i);
            pki().issue(&entity).unwrap()
        })
        .collect();
    let chain: Vec<Certificate> = pki()
        .all()
        .into_iter()
        .chain(&extra)
        .map(|issued| parse_der(issued.cert_der(), ParseMode::Strict).unwrap())
        .collect();
    TspClient::new(LocalTsa::new(
        signer_of(pki().tsa()).with_chain(chain),
        qes_tsp::LOCAL_TSA_POLICY,
        move || gen_time,
    ))
}

/// A minimal one-page PDF 1.7 with a classic cross-reference table, an /Info dictionary
/// and a page whose content stream says `text`.
pub fn minimal_pdf(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 24 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        "<< /Title (qes test) /Producer (qes-pades tests) >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        pdf.extend_from_slice(format!("{off:010} 00000 n\r\n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// A one-page PDF of about `size` bytes (the test kit's generator, a payload stream).
pub fn large_pdf(size: usize) -> Vec<u8> {
    qes_testkit::pdf::one_page("Declaratie unica 2026", size)
}

/// A pyHanko test PDF from `third-party/pyhanko/pdf/`.
pub fn corpus(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../third-party/pyhanko/pdf/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The `/ByteRange` numbers of every signature in `pdf`, found textually.
pub fn byte_ranges(pdf: &[u8]) -> Vec<[usize; 4]> {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/ByteRange")
        .filter_map(|(i, _)| {
            let rest = &text[i..];
            let open = rest.find('[')?;
            let close = rest.find(']')?;
            let nums: Vec<usize> = rest[open + 1..close]
                .split_whitespace()
                .map(|n| n.parse().unwrap())
                .collect();
            Some([nums[0], nums[1], nums[2], nums[3]])
        })
        .collect()
}

pub fn put(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// External tools: captured runs (shared with every interop test through the testkit).
#[allow(unused_imports)] // each test binary uses a different subset
pub use qes_testkit::interop::{run, ToolRun as Run};

/// A hand-made incremental update (classic xref) adding the annotation `annot` (a
/// dictionary's text) to the first page's `/Annots`; with `content`, it also replaces the
/// page's content stream by a new object saying so.
pub fn add_annotation(pdf: &[u8], annot: &str, content: Option<&str>) -> Vec<u8> {
    use qes_pades::pdf::{Document, XrefEntry};
    let doc = Document::open(pdf).unwrap();
    let (page_ref, _) = doc.first_page().unwrap();
    let Some(XrefEntry::InFile { offset, .. }) = doc.entry(page_ref.num) else {
        panic!("page not in the file")
    };
    let raw = String::from_utf8_lossy(&pdf[offset..]).into_owned();
    let body_start = raw.find("obj").unwrap() + 3;
    let body = raw[body_start..raw.find("endobj").unwrap()]
        .trim()
        .to_string();
    let size = u32::try_from(doc.trailer().get_int("Size").unwrap()).unwrap();
    let (annot_num, content_num) = (size, size + 1);
    let open = body.find("/Annots").unwrap();
    let close = open + body[open..].find(']').unwrap();
    let mut page = format!("{} {annot_num} 0 R{}", &body[..close], &body[close..]);
    let mut objects = vec![
        (page_ref.num, String::new()),
        (annot_num, annot.to_string()),
    ];
    if let Some(text) = content {
        let stream = format!("BT /F1 24 Tf 72 720 Td ({text}) Tj ET");
        let c = page.find("/Contents").unwrap();
        let end = c + page[c..].find(" R").unwrap() + 2;
        page = format!("{}/Contents {content_num} 0 R{}", &page[..c], &page[end..]);
        objects.push((
            content_num,
            format!(
                "<< /Length {} >>\nstream\n{stream}\nendstream",
                stream.len()
            ),
        ));
    }
    objects[0].1 = page;
    let mut out = pdf.to_vec();
    out.push(b'\n');
    let mut xref = String::from("xref\n");
    for (num, text) in &objects {
        xref += &format!("{num} 1\n{:010} 00000 n\r\n", out.len());
        out.extend_from_slice(format!("{num} 0 obj\n{text}\nendobj\n").as_bytes());
    }
    let at_ = out.len();
    let new_size = objects.iter().map(|(n, _)| n + 1).max().unwrap().max(size);
    xref += &format!(
        "trailer << /Size {new_size} /Root {} /Info {} /ID {} /Prev {} >>\nstartxref\n{at_}\n%%EOF\n",
        ref_text(doc.trailer().get("Root")),
        ref_text(doc.trailer().get("Info")),
        id_text(doc.trailer().get("ID")),
        doc.startxref()
    );
    out.extend_from_slice(xref.as_bytes());
    out
}

fn ref_text(o: Option<&qes_pades::pdf::Object>) -> String {
    use qes_pades::pdf::Object;
    match o {
        Some(Object::Ref(r)) => format!("{} {} R", r.num, r.gen),
        other => panic!("{other:?}"),
    }
}

fn id_text(o: Option<&qes_pades::pdf::Object>) -> String {
    use qes_pades::pdf::Object;
    let Some(Object::Array(ids)) = o else {
        panic!("{o:?}")
    };
    let hex: Vec<String> = ids
        .iter()
        .map(|i| match i {
            Object::String(s) => format!(
                "<{}>",
                s.bytes
                    .iter()
                    .map(|b| format!("{b:02X}"))
                    .collect::<String>()
            ),
            other => panic!("{other:?}"),
        })
        .collect();
    format!("[{}]", hex.join(" "))
}
