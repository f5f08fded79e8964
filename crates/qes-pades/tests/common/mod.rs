//! Helpers shared by the qes-pades tests: the test PKI and signers, a LocalTsa, a tiny
//! one-page PDF generator (classic xref table), the pyHanko corpus, and running tools.
#![allow(dead_code)] // Each test binary uses a different subset.

use std::path::{Path, PathBuf};
use std::process::Command;

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

/// The outcome of an external command.
pub struct Run {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "success {}\n--- stdout\n{}\n--- stderr\n{}",
            self.success, self.stdout, self.stderr
        )
    }
}

pub fn run(cmd: &mut Command) -> Run {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    Run {
        success: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
