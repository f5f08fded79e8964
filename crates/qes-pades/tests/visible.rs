//! Visible signatures: the widget, its page and rectangle (rotation and crop box), the
//! appearance objects (Type0/CIDFontType2 subset font, ToUnicode, image XObject), existing
//! empty fields, two visible signers — judged by our verifier, and by `pdftotext` (the
//! Romanian diacritics come back exactly), `pdfsig`, `pyhanko sign validate` and
//! `qpdf --check` when they are installed (`require_tool!`: missing fails under `CI=true` /
//! `QES_REQUIRE_REAL=1`, skips otherwise).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{anchors, at, corpus, holder, minimal_pdf, pki, put, run};
use qes_cms::{Indication, Verifier};
use qes_pades::pdf::{Document, Object};
use qes_pades::{
    Appearance, Error, Font, Image, Modifications, PadesSigner, PadesVerifier, PdfReport, Rect,
};

/// Every Romanian letter with a diacritic: comma-below forms, then the cedilla forms.
const DIACRITICS: &str = "ăâîșț ĂÂÎȘȚ şţŞŢ";
/// A sentence with them.
const SENTENCE: &str = "Știință și țară în România, Ştefan Ţăran";

fn verify(pdf: &[u8]) -> PdfReport {
    let anchors = anchors();
    PadesVerifier::new(Verifier::new(&anchors, at()))
        .verify(pdf)
        .unwrap()
}

fn visible(pdf: &[u8], text: &str, page: usize, rect: Rect) -> Vec<u8> {
    let signer = holder();
    PadesSigner::new(&signer)
        .with_reason("Aprobat")
        .with_signing_time(at())
        .with_visible(page, rect)
        .with_appearance(Appearance::new().with_text(text))
        .sign(pdf)
        .unwrap()
}

fn diacritics_pdf() -> Vec<u8> {
    visible(
        &minimal_pdf("Contract"),
        &format!("Semnat de Ștefan Țăranu\n{DIACRITICS}\n{SENTENCE}"),
        1,
        Rect::new(300.0, 60.0, 280.0, 80.0),
    )
}

fn twice_visible() -> Vec<u8> {
    let once = diacritics_pdf();
    let signer = holder();
    PadesSigner::new(&signer)
        .with_signing_time(at())
        .with_visible(1, Rect::new(20.0, 60.0, 250.0, 90.0))
        .with_appearance(Appearance::oug140(
            "AT-0815/2024",
            "Ordinul Arhitecților din România",
        ))
        .sign(&once)
        .unwrap()
}

/// The newest widget of `pdf` (the last entry of the first page's /Annots... of page
/// `index`) as a dictionary.
fn last_widget(pdf: &[u8], index: usize) -> qes_pades::pdf::Dict {
    let doc = Document::open(pdf).unwrap();
    let page = doc.page(index).unwrap();
    let annots = doc.resolve(page.dict.get("Annots").unwrap()).unwrap();
    let last = annots.as_array().unwrap().last().unwrap().clone();
    doc.resolve_dict(Some(&last)).unwrap().unwrap()
}

fn rect_of(d: &qes_pades::pdf::Dict) -> Vec<f64> {
    d.get("Rect")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| match o {
            Object::Integer(i) => f64::from(i32::try_from(*i).unwrap()),
            Object::Real(r) => *r,
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn the_widget_is_visible_and_the_signature_valid() {
    let pdf = diacritics_pdf();
    let report = verify(&pdf);
    assert_eq!(report.signatures.len(), 1);
    assert_eq!(report.signatures[0].indication, Indication::TotalPassed);

    let w = last_widget(&pdf, 0);
    assert_eq!(w.get_name("Subtype"), Some(&b"Widget"[..]));
    assert_eq!(w.get_name("FT"), Some(&b"Sig"[..]));
    assert_eq!(w.get_int("F"), Some(4));
    assert_eq!(rect_of(&w), [300.0, 60.0, 580.0, 140.0]);
    let text = String::from_utf8_lossy(&pdf);
    for needle in [
        "/Subtype /Type0",
        "/Encoding /Identity-H",
        "/Subtype /CIDFontType2",
        "/CIDToGIDMap /Identity",
        "/FontFile2",
        "/ToUnicode",
        "+DejaVuSans",
        "/Subtype /Form",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
    // The form XObject's rectangle is the widget's, unrotated.
    assert!(text.contains("/BBox [0 0 280 80] /Matrix [1 0 0 1 0 0]"));
    // The form is in /AcroForm /Fields with /SigFlags 3.
    let doc = Document::open(&pdf).unwrap();
    let (_, catalog) = doc.catalog().unwrap();
    let form = doc.resolve_dict(catalog.get("AcroForm")).unwrap().unwrap();
    assert_eq!(form.get_int("SigFlags"), Some(3));
}

#[test]
fn a_second_visible_signature_keeps_the_first_valid() {
    let pdf = twice_visible();
    let report = verify(&pdf);
    assert_eq!(report.signatures.len(), 2);
    for s in &report.signatures {
        assert_eq!(s.indication, Indication::TotalPassed, "{s:?}");
    }
    assert_eq!(
        report.signatures[0].modifications,
        Some(Modifications::SignatureMaintenance),
        "{:?}",
        report.signatures[0]
    );
    let doc = Document::open(&pdf).unwrap();
    let annots = doc
        .resolve(doc.page(0).unwrap().dict.get("Annots").unwrap())
        .unwrap();
    assert_eq!(annots.as_array().unwrap().len(), 2);
}

#[test]
fn rotation_and_crop_box_are_honoured() {
    // A page displayed rotated by 90°, its crop box offset from the origin.
    let body = "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
                2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 /Rotate 90 >> endobj\n\
                3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
                /CropBox [36 36 576 756] >> endobj\n";
    let offsets = [
        9,
        body.find("2 0 obj").unwrap(),
        body.find("3 0 obj").unwrap(),
    ];
    let mut pdf = format!("{body}xref\n0 4\n0000000000 65535 f\r\n");
    for off in offsets {
        pdf += &format!("{off:010} 00000 n\r\n");
    }
    pdf += &format!(
        "trailer << /Size 4 /Root 1 0 R >>\nstartxref\n{}\n%%EOF\n",
        body.len()
    );
    // Displayed: 720 wide, 540 high. The rectangle at the displayed lower left.
    let signed = visible(
        pdf.as_bytes(),
        "Rotit",
        1,
        Rect::new(10.0, 20.0, 200.0, 50.0),
    );
    let w = last_widget(&signed, 0);
    // Displayed (u, v) ↦ user (36 + 540 - v, 36 + u).
    assert_eq!(rect_of(&w), [506.0, 46.0, 556.0, 246.0]);
    assert!(String::from_utf8_lossy(&signed).contains("/BBox [0 0 200 50] /Matrix [0 1 -1 0 0 0]"));
    assert_eq!(
        verify(&signed).signatures[0].indication,
        Indication::TotalPassed
    );
    // 720 × 540 displayed: 600 wide fits, 600 high does not.
    let signer = holder();
    let err = PadesSigner::new(&signer)
        .with_visible(1, Rect::new(0.0, 0.0, 100.0, 600.0))
        .sign(pdf.as_bytes())
        .unwrap_err();
    assert!(
        matches!(err, Error::RectOutsidePage { page: 1, .. }),
        "{err}"
    );
}

#[test]
fn bad_placements_are_typed_errors() {
    let pdf = minimal_pdf("x");
    let signer = holder();
    let sign = |page, rect| {
        PadesSigner::new(&signer)
            .with_visible(page, rect)
            .sign(&pdf)
            .unwrap_err()
    };
    let ok = Rect::new(10.0, 10.0, 100.0, 40.0);
    assert!(matches!(
        sign(2, ok),
        Error::PageOutOfRange { page: 2, pages: 1 }
    ));
    assert!(matches!(sign(0, ok), Error::PageOutOfRange { page: 0, .. }));
    assert!(matches!(
        sign(1, Rect::new(600.0, 10.0, 100.0, 40.0)),
        Error::RectOutsidePage { .. }
    ));
    assert!(matches!(
        sign(1, Rect::new(10.0, 10.0, 3.0, 3.0)),
        Error::Appearance(_)
    ));
    // An appearance without a place for a new field.
    let err = PadesSigner::new(&signer)
        .with_appearance(Appearance::new())
        .sign(&pdf)
        .unwrap_err();
    assert!(matches!(err, Error::Appearance(_)), "{err}");
    // A character the font lacks.
    let err = PadesSigner::new(&signer)
        .with_visible(1, ok)
        .with_appearance(Appearance::new().with_text("签名"))
        .sign(&pdf)
        .unwrap_err();
    assert!(matches!(err, Error::MissingGlyph('签')), "{err}");
}

#[test]
fn an_existing_empty_field_gets_the_appearance_in_its_rectangle() {
    let signer = holder();
    let signed = PadesSigner::new(&signer)
        .with_field_name("Sig1")
        .with_signing_time(at())
        .with_appearance(Appearance::new().with_text("Ștefan"))
        .sign(&corpus("minimal-with-field.pdf"))
        .unwrap();
    assert!(String::from_utf8_lossy(&signed).contains("/BBox [0 0 280 60]"));
    let report = verify(&signed);
    assert_eq!(report.signatures.len(), 1);
    assert_eq!(report.signatures[0].indication, Indication::TotalPassed);
    // A page and rectangle for an existing field contradict its widget.
    let err = PadesSigner::new(&signer)
        .with_field_name("Sig1")
        .with_visible(1, Rect::new(10.0, 10.0, 100.0, 40.0))
        .sign(&corpus("minimal-with-field.pdf"))
        .unwrap_err();
    assert!(matches!(err, Error::Appearance(_)), "{err}");
    // A signed field is not signed again.
    let err = PadesSigner::new(&signer)
        .with_field_name("Sig1")
        .sign(&signed)
        .unwrap_err();
    assert!(matches!(err, Error::FieldExists(_)), "{err}");
}

#[test]
fn caller_font_and_image() {
    let ttf = std::fs::read(format!(
        "{}/fonts/DejaVuSans-Latin.ttf",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let font = Font::from_ttf(&ttf).unwrap();
    // A 2×1 RGBA PNG with transparency.
    let mut png_bytes = Vec::new();
    {
        let mut e = png::Encoder::new(&mut png_bytes, 2, 1);
        e.set_color(png::ColorType::Rgba);
        e.set_depth(png::BitDepth::Eight);
        let mut w = e.write_header().unwrap();
        w.write_image_data(&[0, 0, 200, 255, 200, 0, 0, 64])
            .unwrap();
        w.finish().unwrap();
    }
    let image = Image::from_bytes(&png_bytes).unwrap();
    let signer = holder();
    let signed = PadesSigner::new(&signer)
        .with_signing_time(at())
        .with_visible(1, Rect::new(50.0, 50.0, 300.0, 80.0))
        .with_appearance(Appearance::new().with_font(font).with_image(image))
        .sign(&minimal_pdf("x"))
        .unwrap();
    let text = String::from_utf8_lossy(&signed);
    assert!(text.contains("/Subtype /Image /Width 2 /Height 1 /ColorSpace /DeviceRGB"));
    assert!(text.contains("/SMask"));
    assert!(text.contains("/Im1 Do"));
    assert_eq!(
        verify(&signed).signatures[0].indication,
        Indication::TotalPassed
    );
    assert!(matches!(Font::from_ttf(&ttf[..1000]), Err(Error::Font(_))));
}

// --- Independent tools -------------------------------------------------------------

/// `pdftotext` gives back the appearance text exactly: every diacritic, comma-below and
/// cedilla forms kept apart.
#[test]
fn pdftotext_extracts_the_diacritics_exactly() {
    let pdftotext = qes_testkit::require_tool!("pdftotext");
    let dir = tempfile::tempdir().unwrap();
    let path = put(dir.path(), "visible.pdf", diacritics_pdf());
    let out = run(Command::new(&pdftotext).arg(&path).arg("-"));
    assert!(out.success, "{out:?}");
    let lines: Vec<&str> = out.stdout.lines().map(str::trim).collect();
    assert!(lines.contains(&"Semnat de Ștefan Țăranu"), "{out:?}");
    assert!(lines.contains(&DIACRITICS), "{out:?}");
    assert!(lines.contains(&SENTENCE), "{out:?}");
    // Negative control: the comma-below and cedilla forms are not confused.
    assert!(!lines.contains(&DIACRITICS.replace('ș', "ş").as_str()));
}

fn nss_db(certutil: &Path, dir: &Path) -> String {
    let db = dir.join("nssdb");
    std::fs::create_dir_all(&db).unwrap();
    let root = put(dir, "root.pem", pki().root().cert_pem());
    let sql = format!("sql:{}", db.display());
    let r = run(Command::new(certutil).args(["-N", "-d", &sql, "--empty-password"]));
    assert!(r.success, "certutil -N: {r:?}");
    let r = run(Command::new(certutil)
        .args(["-A", "-d", &sql, "-n", "root", "-t", "CT,C,C", "-i"])
        .arg(&root));
    assert!(r.success, "certutil -A: {r:?}");
    sql
}

#[test]
fn pdfsig_validates_visible_signatures() {
    let pdfsig = qes_testkit::require_tool!("pdfsig");
    let certutil = qes_testkit::require_tool!("certutil");
    let dir = tempfile::tempdir().unwrap();
    let nss = nss_db(&certutil, dir.path());
    for (name, pdf, count) in [
        ("visible.pdf", diacritics_pdf(), 1),
        ("twice.pdf", twice_visible(), 2),
    ] {
        let path = put(dir.path(), name, &pdf);
        let r = run(Command::new(&pdfsig).args(["-nssdir", &nss]).arg(&path));
        assert_eq!(
            r.stdout.matches("Signature is Valid.").count(),
            count,
            "{name}: {r:?}"
        );
    }
}

#[test]
fn pyhanko_judges_visible_signatures_valid() {
    let pyhanko = qes_testkit::require_tool!("pyhanko");
    let dir = tempfile::tempdir().unwrap();
    let root = put(dir.path(), "root.pem", pki().root().cert_pem());
    for (name, pdf, count) in [
        ("visible.pdf", diacritics_pdf(), 1),
        ("twice.pdf", twice_visible(), 2),
    ] {
        let path = put(dir.path(), name, &pdf);
        let r = qes_testkit::interop::pyhanko_validate(&pyhanko, &[&root], &[], &path);
        assert!(r.success, "{name}: {r:?}");
        assert_eq!(
            r.stdout.matches("The signature is judged VALID.").count(),
            count,
            "{name}: {r:?}"
        );
    }
}

#[test]
fn qpdf_check_is_clean_for_visible_signatures() {
    let qpdf = qes_testkit::require_tool!("qpdf");
    let dir = tempfile::tempdir().unwrap();
    for (name, pdf) in [
        ("visible.pdf", diacritics_pdf()),
        ("twice.pdf", twice_visible()),
    ] {
        let path = put(dir.path(), name, &pdf);
        let r = run(Command::new(&qpdf).arg("--check").arg(&path));
        assert!(r.success, "{name}: {r:?}");
        assert!(
            r.stdout.contains("No syntax or stream encoding errors"),
            "{name}: {r:?}"
        );
    }
}
