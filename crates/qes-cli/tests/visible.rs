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
