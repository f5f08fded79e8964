//! Attacks on signed PDFs that a verifier must not fall for, each built here: sign with
//! `PadesSigner`, then append a crafted incremental update (or edit the signature
//! dictionary and re-sign its bytes).
//!
//! - Shadow attacks (Mainka, Mladenov, Rohlmann, "Shadow Attacks: Hiding and Replacing
//!   Content in Signed PDFs", NDSS 2021): *hide* (an overlay signed with the document,
//!   removed afterwards), *replace* (a font, a form XObject or a filled-in field value
//!   switched), *hide-and-replace* (a new cross-reference section pointing objects at
//!   shadow versions already inside the signed bytes).
//! - Incremental saving attacks (Mladenov et al., "1 Trillion Dollar Refund", CCS 2019):
//!   content appended after the signature that overrides the catalog or the page tree, a
//!   trailer-only update redirecting `/Root`, an update whose `/Prev` bypasses the signed
//!   revision, an update freeing a signed object.
//! - Certification claims the document does not grant (a DocMDP `/Reference` the catalog's
//!   `/Perms` does not name; two certification signatures; `/Perms` added after signing).
//! - Signature dictionaries that contradict their CMS (`/SubFilter`, `/M`).
//!
//! Every attack must come out not allowed and the signature not TOTAL-PASSED; the
//! legitimate increments (form filling, a new annotation, a second signature) must pass.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{anchors, at, byte_ranges, holder, tsa};
use qes_cms::{Indication, Verifier};
use qes_pades::pdf::{Document, Object, XrefEntry};
use qes_pades::{
    CertificationProblem, Coverage, DictionaryConflict, DocMdpLevel, Modifications, PadesSigner,
    PadesVerifier, PdfReport, SignatureReport,
};

fn verify(pdf: &[u8]) -> PdfReport {
    let anchors = anchors();
    PadesVerifier::new(Verifier::new(&anchors, at()))
        .verify(pdf)
        .unwrap()
}

fn first(pdf: &[u8]) -> SignatureReport {
    let mut r = verify(pdf);
    r.signatures
        .sort_by_key(|s| s.byte_range.map_or(usize::MAX, |b| b[1]));
    r.signatures.remove(0)
}

fn stream(dict: &str, data: &str) -> String {
    format!(
        "<< {dict} /Length {} >>\nstream\n{data}\nendstream",
        data.len()
    )
}

/// The document under attack: a page whose content says "Pay 999 EUR" under a white
/// overlay saying "Pay 100 EUR" (a second content stream, object 6), a form XObject (7), a
/// filled-in text field "amount" (10, with its appearance 12), an empty one "name" (11)
/// and a radio group "plata" set to "card" (17, kids 18 and 19); an unused shadow catalog with its own page tree (13–16) is listed too. After the
/// listed objects come shadow versions of objects 1 (a catalog pointing at the shadow page
/// tree) and 6 (an empty overlay) that no cross-reference entry names: their offsets are
/// returned.
fn base() -> (Vec<u8>, [usize; 2]) {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R /AcroForm 9 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [4 0 R 6 0 R] \
         /Resources << /Font << /F1 5 0 R >> /XObject << /X1 7 0 R >> >> /Annots [10 0 R 11 0 R 18 0 R 19 0 R] >>"
            .to_string(),
        stream("", "BT /F1 24 Tf 72 720 Td (Pay 999 EUR) Tj ET /X1 Do"),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        stream(
            "",
            "1 1 1 rg 60 700 400 60 re f 0 g BT /F1 24 Tf 72 720 Td (Pay 100 EUR) Tj ET",
        ),
        stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 612 792]",
            "BT /F1 12 Tf 72 650 Td (IBAN RO49 AAAA 1B31 0075 9384 0000) Tj ET",
        ),
        "<< /Title (Factura 42) >>".to_string(),
        "<< /Fields [10 0 R 11 0 R 17 0 R] /DA (/F1 12 Tf 0 g) /DR << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        "<< /Type /Annot /Subtype /Widget /FT /Tx /T (amount) /V (100 EUR) /F 4 \
         /Rect [72 600 300 620] /P 3 0 R /AP << /N 12 0 R >> >>"
            .to_string(),
        "<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /F 4 /Rect [72 560 300 580] /P 3 0 R >>"
            .to_string(),
        stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 228 20] /Resources << /Font << /F1 5 0 R >> >>",
            "BT /F1 12 Tf 2 5 Td (100 EUR) Tj ET",
        ),
        "<< /Type /Catalog /Pages 14 0 R >>".to_string(),
        "<< /Type /Pages /Kids [15 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 14 0 R /MediaBox [0 0 612 792] /Contents 16 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        stream("", "BT /F1 24 Tf 72 720 Td (Pay 999 EUR to Mallory) Tj ET"),
        "<< /FT /Btn /Ff 49152 /T (plata) /V /card /Kids [18 0 R 19 0 R] >>".to_string(),
        "<< /Type /Annot /Subtype /Widget /Parent 17 0 R /F 4 /Rect [72 520 90 538] /P 3 0 R \
         /AS /card /AP << /N << /card 20 0 R /Off 20 0 R >> >> >>"
            .to_string(),
        "<< /Type /Annot /Subtype /Widget /Parent 17 0 R /F 4 /Rect [100 520 118 538] /P 3 0 R \
         /AS /Off /AP << /N << /cash 20 0 R /Off 20 0 R >> >> >>"
            .to_string(),
        stream("/Type /XObject /Subtype /Form /BBox [0 0 18 18]", "0 0 18 18 re S"),
    ];
    let mut pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let shadow_catalog = pdf.len();
    pdf.extend_from_slice(b"1 0 obj\n<< /Type /Catalog /Pages 14 0 R /AcroForm 9 0 R >>\nendobj\n");
    let shadow_overlay = pdf.len();
    pdf.extend_from_slice(format!("6 0 obj\n{}\nendobj\n", stream("", " ")).as_bytes());
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        pdf.extend_from_slice(format!("{off:010} 00000 n\r\n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 8 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    (pdf, [shadow_catalog, shadow_overlay])
}

fn sign(pdf: &[u8]) -> Vec<u8> {
    PadesSigner::new(&holder())
        .with_signing_time(at())
        .sign(pdf)
        .unwrap()
}

/// The body (between `obj` and `endobj`) of object `num` as the newest revision has it.
fn body(pdf: &[u8], num: u32) -> String {
    let doc = Document::open(pdf).unwrap();
    let Some(XrefEntry::InFile { offset, .. }) = doc.entry(num) else {
        panic!("object {num} not in the file")
    };
    let raw = String::from_utf8_lossy(&pdf[offset..]).into_owned();
    let start = raw.find("obj").unwrap() + 3;
    raw[start..raw.find("endobj").unwrap()].trim().to_string()
}

/// An incremental update: new bodies for `objects`, cross-reference entries pointing
/// `pointers` at existing offsets, `free` objects freed; the trailer's `/Root` and `/Prev`
/// as given or as before.
#[derive(Default)]
struct Increment<'a> {
    objects: Vec<(u32, String)>,
    pointers: Vec<(u32, usize)>,
    free: Vec<u32>,
    root: Option<&'a str>,
    prev: Option<usize>,
}

impl Increment<'_> {
    fn append(&self, pdf: &[u8]) -> Vec<u8> {
        let doc = Document::open(pdf).unwrap();
        let mut out = pdf.to_vec();
        let mut entries: Vec<(u32, String)> = Vec::new();
        for (num, text) in &self.objects {
            entries.push((*num, format!("{:010} 00000 n\r\n", out.len())));
            out.extend_from_slice(format!("{num} 0 obj\n{text}\nendobj\n").as_bytes());
        }
        for (num, off) in &self.pointers {
            entries.push((*num, format!("{off:010} 00000 n\r\n")));
        }
        for num in &self.free {
            entries.push((*num, "0000000000 00001 f\r\n".to_string()));
        }
        let at_ = out.len();
        let mut xref = String::from("xref\n0 1\n0000000000 65535 f\r\n");
        for (num, line) in &entries {
            xref += &format!("{num} 1\n{line}");
        }
        let size = entries
            .iter()
            .map(|(n, _)| n + 1)
            .max()
            .unwrap_or(0)
            .max(doc.next_object_number());
        let root = self.root.map_or_else(
            || match doc.trailer().get("Root") {
                Some(Object::Ref(r)) => format!("{} {} R", r.num, r.gen),
                other => panic!("{other:?}"),
            },
            str::to_string,
        );
        xref += &format!(
            "trailer\n<< /Size {size} /Root {root} /Info 8 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] /Prev {} >>\nstartxref\n{at_}\n%%EOF\n",
            self.prev.unwrap_or(doc.startxref())
        );
        out.extend_from_slice(xref.as_bytes());
        out
    }
}

/// The signature comes out intact but not allowed, and not TOTAL-PASSED.
fn assert_caught(name: &str, pdf: &[u8], object: Option<u32>) {
    let s = first(pdf);
    assert_ne!(s.indication, Indication::TotalPassed, "{name}: {s:#?}");
    match &s.modifications {
        Some(Modifications::NotAllowed { object: o, .. }) => {
            if let Some(expected) = object {
                assert_eq!(*o, expected, "{name}: {s:#?}");
            }
        }
        other => panic!("{name}: {other:?}"),
    }
}

/// The page object of the signed file with `/Contents` replaced.
fn page_with_contents(signed: &[u8], contents: &str) -> String {
    let page = body(signed, 3);
    let c = page.find("/Contents").unwrap();
    let end = c + page[c..].find(']').unwrap() + 1;
    format!("{}/Contents {contents}{}", &page[..c], &page[end..])
}

#[test]
fn the_signed_base_document_passes() {
    let (pdf, _) = base();
    let s = first(&sign(&pdf));
    assert!(s.passed(), "{s:#?}");
    assert_eq!(s.coverage, Some(Coverage::EntireFile));
}

#[test]
fn shadow_hide_an_overlay_removed_after_signing() {
    let signed = sign(&base().0);
    // The overlay dropped from the page's content array.
    let dropped = Increment {
        objects: vec![(3, page_with_contents(&signed, "4 0 R"))],
        ..Increment::default()
    };
    assert_caught("overlay dropped", &dropped.append(&signed), Some(3));
    // The overlay stream emptied.
    let emptied = Increment {
        objects: vec![(6, stream("", " "))],
        ..Increment::default()
    };
    assert_caught("overlay emptied", &emptied.append(&signed), Some(6));
    // The overlay freed.
    let freed = Increment {
        free: vec![6],
        ..Increment::default()
    };
    assert_caught("overlay freed", &freed.append(&signed), Some(6));
}

#[test]
fn shadow_replace_a_font_an_xobject_or_a_filled_in_value() {
    let signed = sign(&base().0);
    let font = Increment {
        objects: vec![(
            5,
            "<< /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats >>".to_string(),
        )],
        ..Increment::default()
    };
    assert_caught("font", &font.append(&signed), Some(5));
    let xobject = Increment {
        objects: vec![(
            7,
            stream(
                "/Type /XObject /Subtype /Form /BBox [0 0 612 792]",
                "BT /F1 12 Tf 72 650 Td (IBAN RO66 MALL 0RY0 0000 0000 0000) Tj ET",
            ),
        )],
        ..Increment::default()
    };
    assert_caught("xobject", &xobject.append(&signed), Some(7));
    // The filled-in amount changed to a shadow value, with a new appearance.
    let amount = Increment {
        objects: vec![
            (
                10,
                "<< /Type /Annot /Subtype /Widget /FT /Tx /T (amount) /V (999 EUR) /F 4 \
                 /Rect [72 600 300 620] /P 3 0 R /AP << /N 40 0 R >> >>"
                    .to_string(),
            ),
            (
                40,
                stream(
                    "/Type /XObject /Subtype /Form /BBox [0 0 228 20] /Resources << /Font << /F1 5 0 R >> >>",
                    "BT /F1 12 Tf 2 5 Td (999 EUR) Tj ET",
                ),
            ),
        ],
        ..Increment::default()
    };
    assert_caught("field value", &amount.append(&signed), Some(10));
    // Its appearance alone replaced in place (the value kept).
    let appearance = Increment {
        objects: vec![(
            12,
            stream(
                "/Type /XObject /Subtype /Form /BBox [0 0 228 20] /Resources << /Font << /F1 5 0 R >> >>",
                "BT /F1 12 Tf 2 5 Td (999 EUR) Tj ET",
            ),
        )],
        ..Increment::default()
    };
    assert_caught("field appearance", &appearance.append(&signed), Some(12));
    // The radio group's kids switched to the other choice, the group's value untouched.
    let radio = Increment {
        objects: vec![
            (
                18,
                "<< /Type /Annot /Subtype /Widget /Parent 17 0 R /F 4 /Rect [72 520 90 538] /P 3 0 R \
                 /AS /Off /AP << /N << /card 20 0 R /Off 20 0 R >> >> >>"
                    .to_string(),
            ),
            (
                19,
                "<< /Type /Annot /Subtype /Widget /Parent 17 0 R /F 4 /Rect [100 520 118 538] /P 3 0 R \
                 /AS /cash /AP << /N << /cash 20 0 R /Off 20 0 R >> >> >>"
                    .to_string(),
            ),
        ],
        ..Increment::default()
    };
    assert_caught("radio state", &radio.append(&signed), Some(18));
}

#[test]
fn shadow_hide_and_replace_through_a_new_cross_reference_section() {
    let (pdf, [shadow_catalog, shadow_overlay]) = base();
    let signed = sign(&pdf);
    // Only a cross-reference section and trailer: objects pointed at shadow versions that
    // are inside the signed bytes.
    let overlay = Increment {
        pointers: vec![(6, shadow_overlay)],
        ..Increment::default()
    };
    assert_caught("overlay redirected", &overlay.append(&signed), Some(6));
    let catalog = Increment {
        pointers: vec![(1, shadow_catalog)],
        ..Increment::default()
    };
    assert_caught("catalog redirected", &catalog.append(&signed), Some(1));
    // The shadow page tree's objects pointed at the signed page's numbers.
    let doc = Document::open(&pdf).unwrap();
    let offset = |num| match doc.entry(num) {
        Some(XrefEntry::InFile { offset, .. }) => offset,
        other => panic!("{other:?}"),
    };
    let graph = Increment {
        pointers: vec![(3, offset(15)), (4, offset(16))],
        ..Increment::default()
    };
    assert_caught("page redirected", &graph.append(&signed), None);
}

#[test]
fn incremental_saving_attacks() {
    let (pdf, _) = base();
    let signed = sign(&pdf);
    // The catalog overridden to show the shadow page tree.
    let catalog = Increment {
        objects: vec![(
            1,
            "<< /Type /Catalog /Pages 14 0 R /AcroForm 9 0 R >>".to_string(),
        )],
        ..Increment::default()
    };
    assert_caught("catalog", &catalog.append(&signed), Some(1));
    // The page tree given a second page.
    let pages = Increment {
        objects: vec![
            (
                2,
                "<< /Type /Pages /Kids [3 0 R 30 0 R] /Count 2 >>".to_string(),
            ),
            (
                30,
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 16 0 R >>"
                    .to_string(),
            ),
        ],
        ..Increment::default()
    };
    assert_caught("new page", &pages.append(&signed), Some(2));
    // A trailer-only update naming the shadow catalog as /Root.
    let root = Increment {
        root: Some("13 0 R"),
        ..Increment::default()
    };
    assert_caught("root", &root.append(&signed), Some(0));
    // An update whose /Prev skips the signed revision: it re-lists the signature's objects
    // at their signed offsets, and replaces the overlay.
    let signed_doc = Document::open(&signed).unwrap();
    let relisted: Vec<(u32, usize)> = signed_doc.sections()[0]
        .entries
        .iter()
        .filter_map(|(num, e)| match e {
            XrefEntry::InFile { offset, .. } => Some((*num, *offset)),
            _ => None,
        })
        .collect();
    let original = Document::open(&pdf).unwrap().startxref();
    let bypass = Increment {
        objects: vec![(6, stream("", " "))],
        pointers: relisted,
        prev: Some(original),
        ..Increment::default()
    };
    let bypassed = bypass.append(&signed);
    let report = verify(&bypassed);
    assert!(!report.all_passed(), "{report:#?}");
    assert_caught("prev bypass", &bypassed, Some(0));
}

#[test]
fn legitimate_updates_pass() {
    let signed = sign(&base().0);
    // Filling in the empty field, with a new appearance: form filling.
    let filled = Increment {
        objects: vec![
            (
                11,
                "<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (Ion Popescu) /F 4 \
                 /Rect [72 560 300 580] /P 3 0 R /AP << /N 41 0 R >> >>"
                    .to_string(),
            ),
            (
                41,
                stream(
                    "/Type /XObject /Subtype /Form /BBox [0 0 228 20] /Resources << /Font << /F1 5 0 R >> >>",
                    "BT /F1 12 Tf 2 5 Td (Ion Popescu) Tj ET",
                ),
            ),
        ],
        ..Increment::default()
    }
    .append(&signed);
    let s = first(&filled);
    assert_eq!(s.modifications, Some(Modifications::FormFilling), "{s:#?}");
    assert!(s.passed(), "{s:#?}");
    // A second signature after the form filling: both pass.
    let twice = sign(&filled);
    let report = verify(&twice);
    assert_eq!(report.signatures.len(), 2);
    assert!(report.all_passed(), "{report:#?}");
    // A document timestamp: signature maintenance.
    let tsa = tsa();
    let stamped = qes_pades::DocumentTimestamper::new(&tsa)
        .timestamp(&signed)
        .unwrap();
    let s = first(&stamped);
    assert_eq!(s.modifications, Some(Modifications::SignatureMaintenance));
    assert!(s.passed(), "{s:#?}");
    // A sticky note: annotations.
    let page = body(&signed, 3);
    let close = page.find("/Annots").unwrap();
    let close = close + page[close..].find(']').unwrap();
    let noted = Increment {
        objects: vec![
            (3, format!("{} 42 0 R{}", &page[..close], &page[close..])),
            (
                42,
                "<< /Type /Annot /Subtype /Text /Rect [400 700 420 720] /Contents (OK) >>"
                    .to_string(),
            ),
        ],
        ..Increment::default()
    }
    .append(&signed);
    let s = first(&noted);
    assert_eq!(s.modifications, Some(Modifications::Annotations), "{s:#?}");
    assert!(s.passed(), "{s:#?}");
}

/// Filling in the empty `name` field (a new `/V` and appearance for an existing widget) is
/// form filling: allowed after a certification with P = 2 or 3, not after P = 1 (ISO
/// 32000-2 §12.8.2.2.2 Table 257).
#[test]
fn form_filling_after_a_certification_follows_its_level() {
    let fill = |signed: &[u8]| {
        Increment {
            objects: vec![
                (
                    11,
                    "<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (Ion Popescu) /F 4 \
                     /Rect [72 560 300 580] /P 3 0 R /AP << /N 41 0 R >> >>"
                        .to_string(),
                ),
                (
                    41,
                    stream(
                        "/Type /XObject /Subtype /Form /BBox [0 0 228 20] /Resources << /Font << /F1 5 0 R >> >>",
                        "BT /F1 12 Tf 2 5 Td (Ion Popescu) Tj ET",
                    ),
                ),
            ],
            ..Increment::default()
        }
        .append(signed)
    };
    let certified = |p: u8| {
        PadesSigner::new(&holder())
            .with_certification(DocMdpLevel(p))
            .with_signing_time(at())
            .sign(&base().0)
            .unwrap()
    };
    for p in [2, 3] {
        let s = first(&fill(&certified(p)));
        assert_eq!(s.certification, Some(DocMdpLevel(p)));
        assert_eq!(
            s.modifications,
            Some(Modifications::FormFilling),
            "P={p}: {s:#?}"
        );
        assert!(s.passed(), "P={p}: {s:#?}");
    }
    // P = 1: no change at all but signature maintenance.
    let s = first(&fill(&certified(1)));
    assert!(s.intact && s.valid, "{s:#?}");
    assert!(
        matches!(s.modifications, Some(Modifications::NotAllowed { .. })),
        "{s:#?}"
    );
    assert_eq!(s.indication, Indication::TotalFailed, "{s:#?}");
}

/// Re-sign signature `index` (file order) of `pdf` in place over its unchanged ByteRange:
/// the bytes may have been edited (same length) since signing.
fn resign(pdf: &mut [u8], index: usize, builder: qes_cms::CadesBuilder<'_>) {
    let [_, b, c, _] = byte_ranges(pdf)[index];
    let mut h = qes_signer::DigestAlgorithm::Sha256.hasher();
    h.update(&pdf[..b]);
    h.update(&pdf[c..]);
    let cms = builder.sign_detached_digest(&h.finish()).unwrap();
    let hex: String = cms.iter().map(|x| format!("{x:02X}")).collect();
    let gap = &mut pdf[b + 1..c - 1];
    gap.fill(b'0');
    gap[..hex.len()].copy_from_slice(hex.as_bytes());
}

/// `needle` replaced by `with`, padded with spaces to the same length, in the last
/// occurrence.
fn patch_last(pdf: &mut [u8], needle: &str, with: &str) {
    assert!(with.len() <= needle.len());
    let at = pdf
        .windows(needle.len())
        .rposition(|w| w == needle.as_bytes())
        .unwrap_or_else(|| panic!("{needle} not found"));
    let padded = format!("{with:<width$}", width = needle.len());
    pdf[at..at + needle.len()].copy_from_slice(padded.as_bytes());
}

const DOCMDP_REFERENCE: &str =
    "/Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P 1 /V /1.2 >> >>]";

/// An approval signature whose dictionary is edited to claim a DocMDP certification.
fn claims_certification(pdf: &[u8]) -> Vec<u8> {
    let reason = "x".repeat(140);
    let signer = holder();
    let mut signed = PadesSigner::new(&signer)
        .with_reason(reason.clone())
        .with_signing_time(at())
        .sign(pdf)
        .unwrap();
    patch_last(
        &mut signed,
        &format!("/Reason ({reason})"),
        DOCMDP_REFERENCE,
    );
    let index = byte_ranges(&signed).len() - 1;
    resign(&mut signed, index, qes_cms::CadesBuilder::new(&signer));
    signed
}

#[test]
fn a_certification_the_catalog_does_not_name_is_rejected() {
    let (pdf, _) = base();
    // Control: the re-signing helper keeps a signature valid.
    let signer = holder();
    let mut control = sign(&pdf);
    resign(&mut control, 0, qes_cms::CadesBuilder::new(&signer));
    assert!(first(&control).passed(), "{:#?}", first(&control));
    // A DocMDP /Reference without /Perms in the catalog.
    let s = first(&claims_certification(&pdf));
    assert!(s.intact && s.valid, "{s:#?}");
    assert_eq!(s.certification, None);
    assert_eq!(
        s.certification_problem,
        Some(CertificationProblem::NotNamedByPerms {
            claimed: DocMdpLevel(1)
        }),
        "{s:#?}"
    );
    assert_eq!(s.indication, Indication::TotalFailed);
    // Two certification signatures: the real one (named by /Perms) and a later claim.
    let certified = PadesSigner::new(&signer)
        .with_certification(DocMdpLevel(2))
        .with_signing_time(at())
        .sign(&pdf)
        .unwrap();
    let mut report = verify(&claims_certification(&certified));
    report
        .signatures
        .sort_by_key(|s| s.byte_range.map_or(usize::MAX, |b| b[1]));
    let [real, claim] = &report.signatures[..] else {
        panic!("{report:#?}")
    };
    assert_eq!(real.certification, Some(DocMdpLevel(2)), "{real:#?}");
    assert!(real.passed(), "{real:#?}");
    assert!(
        matches!(
            claim.certification_problem,
            Some(CertificationProblem::NotNamedByPerms { .. })
        ),
        "{claim:#?}"
    );
    assert!(!claim.passed());
}

#[test]
fn perms_added_after_signing_is_not_allowed() {
    let (pdf, _) = base();
    let signed = sign(&pdf);
    let doc = Document::open(&signed).unwrap();
    // The signature dictionary's reference, from the signed field.
    let form = doc
        .resolve_dict(doc.catalog().unwrap().1.get("AcroForm"))
        .unwrap()
        .unwrap();
    let fields = doc.resolve(form.get("Fields").unwrap()).unwrap();
    let sig_ref = fields
        .as_array()
        .unwrap()
        .iter()
        .find_map(|f| {
            let d = doc.resolve_dict(Some(f)).unwrap()?;
            (d.get_name("FT") == Some(b"Sig")).then(|| d.get_ref("V"))?
        })
        .unwrap();
    let catalog = body(&signed, 1);
    let perms = format!(
        "{} /Perms << /DocMDP {} {} R >> >>",
        catalog.trim_end().trim_end_matches(">>"),
        sig_ref.num,
        sig_ref.gen
    );
    let attacked = Increment {
        objects: vec![(1, perms)],
        ..Increment::default()
    }
    .append(&signed);
    let s = first(&attacked);
    match &s.modifications {
        Some(Modifications::NotAllowed { reason, .. }) => {
            assert!(reason.contains("/Perms"), "{s:#?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.certification, None);
    assert!(!s.passed());
}

#[test]
fn a_signature_dictionary_contradicting_its_cms_is_rejected() {
    let (pdf, _) = base();
    let signer = holder();
    // /M a day away from the signed signing-time attribute.
    let mut signed = sign(&pdf);
    resign(
        &mut signed,
        0,
        qes_cms::CadesBuilder::new(&signer).signing_time(at() + chrono::Duration::days(1)),
    );
    let s = first(&signed);
    assert!(s.intact && s.valid, "{s:#?}");
    assert_eq!(
        s.dictionary_conflict,
        Some(DictionaryConflict::SigningTime),
        "{s:#?}"
    );
    assert_eq!(s.indication, Indication::TotalFailed);
    // Control: the same signing time as /M passes (as a CMS signature, no PAdES level).
    let mut same = sign(&pdf);
    resign(
        &mut same,
        0,
        qes_cms::CadesBuilder::new(&signer).signing_time(at()),
    );
    let s = first(&same);
    assert_eq!(s.dictionary_conflict, None, "{s:#?}");
    assert!(s.passed(), "{s:#?}");
    // A CMS signature under the document-timestamp SubFilter.
    let mut relabelled = sign(&pdf);
    patch_last(
        &mut relabelled,
        "/SubFilter /ETSI.CAdES.detached",
        "/SubFilter /ETSI.RFC3161",
    );
    resign(&mut relabelled, 0, qes_cms::CadesBuilder::new(&signer));
    let s = first(&relabelled);
    assert_eq!(
        s.dictionary_conflict,
        Some(DictionaryConflict::SubFilter),
        "{s:#?}"
    );
    assert!(!s.passed());
    // A timestamp token under a signature SubFilter.
    let tsa = tsa();
    let mut stamped = qes_pades::DocumentTimestamper::new(&tsa)
        .timestamp(&pdf)
        .unwrap();
    patch_last(
        &mut stamped,
        "/Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161",
        "/Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached",
    );
    let s = first(&stamped);
    assert_eq!(
        s.dictionary_conflict,
        Some(DictionaryConflict::SubFilter),
        "{s:#?}"
    );
    assert!(!s.passed());
}

#[test]
fn a_digest_algorithm_the_cms_does_not_match_is_rejected() {
    let (pdf, _) = base();
    let mut signed = sign(&pdf);
    // Control.
    assert!(first(&signed).passed());
    // Every SHA-256 AlgorithmIdentifier in the CMS (SignedData.digestAlgorithms and the
    // SignerInfo's digestAlgorithm) relabelled SHA-384, the 32-byte message digest kept.
    let [_, b, c, _] = byte_ranges(&signed)[0];
    let hex = String::from_utf8(signed[b + 1..c - 1].to_vec()).unwrap();
    let sha256 = "0609608648016503040201".to_uppercase();
    let sha384 = "0609608648016503040202".to_uppercase();
    assert!(hex.contains(&sha256));
    let patched = hex.replace(&sha256, &sha384);
    signed[b + 1..c - 1].copy_from_slice(patched.as_bytes());
    let s = first(&signed);
    assert!(!s.intact, "{s:#?}");
    assert!(!s.passed(), "{s:#?}");
}

/// The signed base document, made once for the property tests.
fn signed_base() -> &'static [u8] {
    static SIGNED: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    SIGNED.get_or_init(|| sign(&base().0))
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Any other body for any signed object but the information dictionary — the
    /// catalog, the page tree, the page, its content, font, XObject, the fields and their
    /// appearance, unused objects — never passes.
    #[test]
    fn overriding_a_signed_object_never_passes(
        num in proptest::sample::select(vec![1u32, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 15, 16, 17, 18, 20]),
        key in "[A-Z][a-z]{0,6}",
        value in 0i64..1000,
        as_stream in proptest::bool::ANY,
    ) {
        let body = if as_stream {
            stream(&format!("/{key} {value}"), "0 0 1 1 re f")
        } else {
            format!("<< /{key} {value} >>")
        };
        let attacked = Increment { objects: vec![(num, body)], ..Increment::default() }
            .append(signed_base());
        let anchors = anchors();
        // A catalog that is no longer a dictionary makes the document unreadable: an
        // error, not a verdict — never a pass.
        let Ok(mut report) = PadesVerifier::new(Verifier::new(&anchors, at())).verify(&attacked)
        else {
            return Ok(());
        };
        report.signatures.sort_by_key(|s| s.byte_range.map_or(usize::MAX, |b| b[1]));
        let s = report.signatures.remove(0);
        proptest::prop_assert!(!s.passed(), "object {num}: {s:#?}");
        proptest::prop_assert!(
            matches!(s.modifications, Some(Modifications::NotAllowed { .. })),
            "object {num}: {:?}", s.modifications
        );
    }
}
