//! Documents opened from a `Read + Seek` (a file) behave exactly as documents in memory —
//! every object, every verdict, every signed byte — while reading only windows and chunks.
//!
//! The reader side runs with a 16-byte first window ([`Limits::read_window`]), so that
//! nearly every object, cross-reference table and stream is read through the window-growing
//! path and the `endstream` checks past the window; a counting reader shows that no single
//! read exceeds a chunk and that the file is read about once (verifying) or twice (signing:
//! digest, then copy).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::cell::Cell;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use common::{anchors, at, holder, large_pdf, minimal_pdf, tsa};
use proptest::prelude::*;
use qes_cms::Verifier;
use qes_pades::pdf::{Document, Limits};
use qes_pades::{DocumentTimestamper, PadesSigner, PadesVerifier};

/// Limits with a tiny first window: every object takes the growing path.
fn tiny_window() -> Limits {
    let mut limits = Limits::default();
    limits.read_window = 16;
    limits
}

fn reader_doc(bytes: &[u8]) -> qes_pades::Result<Document<'static>> {
    Document::from_reader_with_limits(Cursor::new(bytes.to_vec()), tiny_window())
}

/// Every PDF of the pyHanko corpus, subdirectories included.
fn corpus_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "pdf") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../third-party/pyhanko/pdf");
    let mut out = Vec::new();
    walk(&root, &mut out);
    out.sort();
    assert!(out.len() >= 40, "corpus not found at {}", root.display());
    out
}

/// The same document, field by field: sections, trailer, and every listed object.
fn assert_same_document(name: &str, memory: &Document<'_>, file: &Document<'_>) {
    assert_eq!(memory.len(), file.len(), "{name}");
    assert_eq!(memory.startxref(), file.startxref(), "{name}");
    assert_eq!(memory.sections(), file.sections(), "{name}");
    for section in memory.sections() {
        for (num, _) in &section.entries {
            let Some(entry) = memory.entry(*num) else {
                continue;
            };
            let gen = match entry {
                qes_pades::pdf::XrefEntry::InFile { gen, .. } => gen,
                _ => 0,
            };
            let r = qes_pades::pdf::ObjRef::new(*num, gen);
            let (a, b) = (memory.get(r), file.get(r));
            assert_eq!(
                format!("{a:?}"),
                format!("{b:?}"),
                "{name}: object {num} {gen}"
            );
        }
    }
}

/// The same verification verdict (the whole report, as JSON) or the same error.
fn verdict(verifier: &PadesVerifier<'_>, doc: qes_pades::Result<Document<'_>>) -> String {
    match doc.and_then(|d| verifier.verify_document(&d)) {
        Ok(report) => serde_json::to_string(&report).unwrap(),
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn every_corpus_pdf_reads_and_verifies_the_same_from_a_reader() {
    let trust = anchors();
    let verifier = PadesVerifier::new(Verifier::new(&trust, at()));
    for path in corpus_files() {
        let name = path.display().to_string();
        let bytes = std::fs::read(&path).unwrap();
        match (Document::open(&bytes), reader_doc(&bytes)) {
            (Ok(memory), Ok(file)) => {
                assert_same_document(&name, &memory, &file);
                for section in memory.sections().iter().skip(1) {
                    let (old_m, old_f) = (
                        memory.revision(section.offset),
                        file.revision(section.offset),
                    );
                    match (old_m, old_f) {
                        (Ok(m), Ok(f)) => assert_same_document(&name, &m, &f),
                        (m, f) => assert_eq!(m.is_ok(), f.is_ok(), "{name}"),
                    }
                }
            }
            (m, f) => assert_eq!(
                m.map(|_| ()).map_err(|e| e.to_string()),
                f.map(|_| ()).map_err(|e| e.to_string()),
                "{name}"
            ),
        }
        assert_eq!(
            verdict(&verifier, Document::open(&bytes)),
            verdict(&verifier, reader_doc(&bytes)),
            "{name}"
        );
    }
}

/// Signing from a reader writes the very bytes signing from memory writes.
#[test]
fn signing_and_timestamping_from_a_reader_write_the_same_bytes() {
    let signer = holder();
    let stamper = tsa();
    let inputs = [
        ("minimal", minimal_pdf("reader")),
        ("hybrid", common::corpus("minimal-hybrid-xref.pdf")),
        (
            "objstm",
            common::corpus("uncompressed-objstream-sample.pdf"),
        ),
        ("xref stream", common::corpus("minimal-xref.pdf")),
        (
            "signed twice",
            common::corpus("minimal-two-fields-signed-twice.pdf"),
        ),
        ("several chunks", large_pdf(3 << 20)),
    ];
    for (name, input) in inputs {
        // B-B: RSA PKCS#1 v1.5 at a fixed signing time is deterministic.
        let pades = PadesSigner::new(&signer).with_signing_time(at());
        let mut from_memory = Vec::new();
        pades.sign_to(&input, &mut from_memory).unwrap();
        let mut from_reader = Vec::new();
        pades
            .sign_reader_to(Cursor::new(input.clone()), &mut from_reader)
            .unwrap();
        assert!(from_memory == from_reader, "{name}: signed bytes differ");
        assert!(from_reader.starts_with(&input), "{name}");

        let stamper = DocumentTimestamper::new(&stamper);
        let mut stamped_memory = Vec::new();
        stamper
            .timestamp_to(&from_memory, &mut stamped_memory)
            .unwrap();
        let mut stamped_reader = Vec::new();
        stamper
            .timestamp_reader_to(Cursor::new(from_memory.clone()), &mut stamped_reader)
            .unwrap();
        // Each token has its own serial number and nonce: the same bytes but for /Contents.
        assert_eq!(stamped_memory.len(), stamped_reader.len(), "{name}");
        let [_, gap_start, gap_end, _] = *common::byte_ranges(&stamped_reader).last().unwrap();
        assert!(
            stamped_memory[..gap_start] == stamped_reader[..gap_start]
                && stamped_memory[gap_end..] == stamped_reader[gap_end..],
            "{name}: stamped bytes differ outside /Contents"
        );
    }
}

/// A reader that records how it is read.
struct Counting {
    inner: Cursor<Vec<u8>>,
    total: Rc<Cell<usize>>,
    largest: Rc<Cell<usize>>,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.total.set(self.total.get() + n);
        self.largest.set(self.largest.get().max(buf.len()));
        Ok(n)
    }
}

impl Seek for Counting {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

fn counting(bytes: Vec<u8>) -> (Counting, Rc<Cell<usize>>, Rc<Cell<usize>>) {
    let (total, largest) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
    let reader = Counting {
        inner: Cursor::new(bytes),
        total: Rc::clone(&total),
        largest: Rc::clone(&largest),
    };
    (reader, total, largest)
}

#[test]
fn a_large_file_is_read_in_chunks_about_once_per_pass() {
    const MIB: usize = 1 << 20;
    let input = large_pdf(24 * MIB);
    let len = input.len();
    let signer = holder();
    let (reader, total, largest) = counting(input);
    let mut signed = Vec::new();
    PadesSigner::new(&signer)
        .with_signing_time(at())
        .sign_reader_to(reader, &mut signed)
        .unwrap();
    // One pass to digest, one to copy, a few windows for the structure.
    assert!(largest.get() <= MIB, "largest read {}", largest.get());
    assert!(
        total.get() <= 2 * len + MIB,
        "signing read {} bytes of a {len}-byte file",
        total.get()
    );

    let trust = anchors();
    let verifier = PadesVerifier::new(Verifier::new(&trust, at()));
    let (reader, total, largest) = counting(signed.clone());
    let report = verifier.verify_reader(reader).unwrap();
    assert!(report.all_passed(), "{report:#?}");
    assert!(largest.get() <= MIB, "largest read {}", largest.get());
    assert!(
        total.get() <= signed.len() + MIB,
        "verifying read {} bytes of a {}-byte file",
        total.get(),
        signed.len()
    );

    // Negative control: a byte flipped deep in the signed range is seen from the reader.
    let mut tampered = signed;
    tampered[len / 2] ^= 0x01;
    let report = verifier.verify_reader(Cursor::new(tampered)).unwrap();
    assert!(!report.signatures[0].intact);
}

/// A reader that fails after some bytes: the error is reported, never a panic or a verdict.
struct Failing(Cursor<Vec<u8>>, u64);

impl Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.0.position() >= self.1 {
            return Err(std::io::Error::other("disk gone"));
        }
        self.0.read(buf)
    }
}

impl Seek for Failing {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.0.seek(pos)
    }
}

#[test]
fn a_failing_reader_is_an_error() {
    let signer = holder();
    let input = minimal_pdf("failing");
    // Before the end: the trailer cannot be read.
    let half = u64::try_from(input.len() / 2).unwrap();
    let short = Failing(Cursor::new(input.clone()), half);
    let err = PadesSigner::new(&signer)
        .sign_reader_to(short, &mut Vec::new())
        .unwrap_err();
    assert!(
        matches!(
            err,
            qes_pades::Error::Read(_) | qes_pades::Error::NoStartXref
        ),
        "{err}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any damage to a signed PDF gets the same verdict from memory and from a reader.
    #[test]
    fn damaged_pdfs_get_the_same_verdict_from_a_reader(
        position in any::<usize>(),
        byte in any::<u8>(),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let signed = signed_sample();
        let mut damaged = signed.to_vec();
        let i = position % damaged.len();
        damaged[i] = byte;
        if let Some(cut) = cut {
            damaged.truncate(cut % damaged.len());
        }
        let trust = anchors();
        let verifier = PadesVerifier::new(Verifier::new(&trust, at()));
        prop_assert_eq!(
            verdict(&verifier, Document::open(&damaged)),
            verdict(&verifier, reader_doc(&damaged))
        );
    }
}

/// A PDF signed twice (the second signature over an update), made once.
fn signed_sample() -> &'static [u8] {
    static SAMPLE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    SAMPLE.get_or_init(|| {
        let signer = holder();
        let pades = PadesSigner::new(&signer).with_signing_time(at());
        let once = pades.sign(&minimal_pdf("damaged")).unwrap();
        pades.with_field_name("Second").sign(&once).unwrap()
    })
}
