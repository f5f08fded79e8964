//! `qes sign pdf --visible/--text/--image/--font/--oug140` end to end: the visible
//! signature verifies, and bad values are usage errors (exit 2) naming the problem.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use qes_testkit::TestPki;

mod common;
use common::{p, qes, text};

fn minimal_pdf() -> Vec<u8> {
    qes_testkit::pdf::one_page("Contract", 0)
}

#[test]
fn visible_signature_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    TestPki::shared().write_to(d).unwrap();
    let pdf = p(d, "contract.pdf");
    std::fs::write(&pdf, minimal_pdf()).unwrap();
    let key = p(d, "natural-person.p12");
    let out = p(d, "visible.pdf");
    let o = qes(&[
        "sign",
        "pdf",
        &pdf,
        "--key",
        &key,
        "--visible",
        "1,300,40,250,80",
        "--oug140",
        "AT-0815,Ordinul Arhitecților din România",
        "--text",
        "Proiect nr. 12/2026\\nVerificat: ș ț",
        "-o",
        &out,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("visible on page 1"), "{}", text(&o));
    let signed = std::fs::read(&out).unwrap();
    assert!(signed.starts_with(&minimal_pdf()));
    assert!(String::from_utf8_lossy(&signed).contains("/Subtype /CIDFontType2"));
    let now = chrono::Utc::now().to_rfc3339();
    let o = qes(&[
        "verify",
        &out,
        "--trust",
        &p(d, "root-ca.pem"),
        "--at",
        &now,
    ]);
    assert!(o.status.success(), "{}", text(&o));

    // Usage errors: exit 2 with the reason.
    for (args, needle) in [
        (
            &["--visible", "2,10,10,100,40"][..],
            "page 2 does not exist",
        ),
        (&["--visible", "1,500,10,200,40"], "outside page 1"),
        (&["--visible", "1,10,10"], "PAGE,X,Y,W,H"),
        (&["--visible", "0,10,10,100,40"], "page number"),
        (&["--text", "x"], "need --visible"),
        (&["--oug140", "AT-1"], "ATTESTATION,AUTHORITY"),
        (&["--visible", "1,10,10,100,40", "--font", &pdf], "--font"),
        (&["--visible", "1,10,10,100,40", "--image", &pdf], "--image"),
    ] {
        let mut all = vec!["sign", "pdf", &pdf, "--key", &key, "-o", &out];
        all.extend_from_slice(args);
        let o = qes(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(text(&o).contains(needle), "{args:?}: {}", text(&o));
    }
}

/// Whitespace runs folded to one space: `pdftotext` breaks and pads lines by layout.
fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The OUG 140/2020 stamp made by the CLI, read back by `pdftotext`: the authority, the
/// holder's name, `Atestat nr. …`, the signing date and all ten Romanian diacritics come
/// back exactly — and with `--image` the signature still verifies and the text is still
/// extracted.
#[test]
fn pdftotext_reads_the_oug140_stamp_made_by_the_cli() {
    let pdftotext = qes_testkit::require_tool!("pdftotext");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    TestPki::shared().write_to(d).unwrap();
    let pdf = p(d, "plan.pdf");
    std::fs::write(&pdf, minimal_pdf()).unwrap();
    let key = p(d, "natural-person.p12");
    let png_path = p(d, "stamp.png");
    let mut png_bytes = Vec::new();
    {
        let mut e = png::Encoder::new(&mut png_bytes, 2, 2);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        let mut w = e.write_header().unwrap();
        w.write_image_data(&[200, 0, 0, 0, 200, 0, 0, 0, 200, 90, 90, 90])
            .unwrap();
        w.finish().unwrap();
    }
    std::fs::write(&png_path, &png_bytes).unwrap();
    let authority = "Ordinul Arhitecților din România";
    let diacritics = "ă â î ș ț Ă Â Î Ș Ț";
    for image in [None, Some(png_path.as_str())] {
        let out = p(
            d,
            if image.is_some() {
                "img.pdf"
            } else {
                "stamp.pdf"
            },
        );
        let before = chrono::Utc::now().format("%Y-%m-%d").to_string();
        let oug = format!("AT-0815,{authority}");
        let note = format!("Verificat: {diacritics}");
        let mut args = vec![
            "sign",
            "pdf",
            &pdf,
            "--key",
            &key,
            "--visible",
            "1,250,30,320,150",
            "--oug140",
            &oug,
            "--text",
            &note,
            "-o",
            &out,
        ];
        if let Some(img) = image {
            args.extend(["--image", img]);
        }
        let o = qes(&args);
        assert!(o.status.success(), "{image:?}: {}", text(&o));
        let after = chrono::Utc::now().format("%Y-%m-%d").to_string();
        let signed = std::fs::read(&out).unwrap();
        if image.is_some() {
            assert!(String::from_utf8_lossy(&signed).contains("/Subtype /Image"));
        }
        let o = qes(&[
            "verify",
            &out,
            "--trust",
            &p(d, "root-ca.pem"),
            "--at",
            &chrono::Utc::now().to_rfc3339(),
        ]);
        assert!(o.status.success(), "{image:?}: {}", text(&o));

        let o = std::process::Command::new(&pdftotext)
            .arg(&out)
            .arg("-")
            .output()
            .unwrap();
        assert!(o.status.success(), "pdftotext: {}", text(&o));
        let got = words(&String::from_utf8_lossy(&o.stdout));
        let name = format!(
            "{} {}",
            qes_testkit::NATURAL_PERSON_GIVEN_NAME,
            qes_testkit::NATURAL_PERSON_SURNAME
        );
        for needle in [
            authority,
            name.as_str(),
            "Atestat nr. AT-0815",
            &format!("Verificat: {diacritics}"),
        ] {
            assert!(got.contains(needle), "{image:?}: {needle:?} not in {got:?}");
        }
        assert!(
            got.contains(&format!("Semnat electronic: {before}"))
                || got.contains(&format!("Semnat electronic: {after}")),
            "{image:?}: no signing date in {got:?}"
        );
        // Negative control: the unsigned page's text carries none of it.
        let o = std::process::Command::new(&pdftotext)
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let unsigned = words(&String::from_utf8_lossy(&o.stdout));
        assert!(unsigned.contains("Contract"), "{unsigned:?}");
        assert!(!unsigned.contains("Atestat") && !unsigned.contains(authority));
    }
}
