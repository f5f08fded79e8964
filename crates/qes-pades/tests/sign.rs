//! PAdES signing: the output is the input plus one incremental update whose signature
//! dictionary, field, page and form are as ISO 32000-2 §12.8 and EN 319 142-1 require,
//! and whose CMS verifies (through `qes-cms`) over exactly the `/ByteRange`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{anchors, at, byte_ranges, corpus, holder, minimal_pdf, tsa};
use qes_cms::{CadesLevel, Content, Indication, SubIndication, Verifier};
use qes_pades::pdf::{Document, Object, XrefKind};
use qes_pades::{Error, PadesSigner};
use qes_signer::DigestAlgorithm;

/// CMS verification over the ranges, directly with qes-cms (independent of our verifier).
fn cms_report(pdf: &[u8]) -> qes_cms::VerificationReport {
    let [a, b, c, d] = *byte_ranges(pdf).last().unwrap();
    assert_eq!(a, 0);
    assert_eq!(c + d, pdf.len());
    let hex = &pdf[b + 1..c - 1];
    let hex = std::str::from_utf8(hex).unwrap().trim_end_matches('0');
    let hex = if hex.len() % 2 == 1 {
        format!("{hex}0")
    } else {
        hex.to_string()
    };
    let cms: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let mut h = DigestAlgorithm::Sha256.hasher();
    h.update(&pdf[..b]);
    h.update(&pdf[c..c + d]);
    let digest = h.finish();
    let anchors = anchors();
    Verifier::new(&anchors, at())
        .verify(
            &cms,
            Content::DetachedDigest(DigestAlgorithm::Sha256, &digest),
        )
        .unwrap()
}

/// The newest signature dictionary, found through the form.
fn last_signature(pdf: &[u8]) -> (String, qes_pades::pdf::Dict) {
    let doc = Document::open(pdf).unwrap();
    let (_, catalog) = doc.catalog().unwrap();
    let form = doc.resolve_dict(catalog.get("AcroForm")).unwrap().unwrap();
    assert_eq!(form.get_int("SigFlags").unwrap() & 3, 3);
    let fields = doc.resolve(form.get("Fields").unwrap()).unwrap();
    let field = doc
        .resolve_dict(fields.as_array().unwrap().last())
        .unwrap()
        .unwrap();
    assert_eq!(field.get_name("FT"), Some(&b"Sig"[..]));
    let Some(Object::String(t)) = field.get("T") else {
        panic!()
    };
    let sig = doc.resolve_dict(field.get("V")).unwrap().unwrap();
    // The widget is on the first page.
    let (page_ref, page) = doc.first_page().unwrap();
    assert_eq!(field.get_ref("P"), Some(page_ref));
    let annots = doc.resolve(page.get("Annots").unwrap()).unwrap();
    assert!(annots
        .as_array()
        .unwrap()
        .contains(fields.as_array().unwrap().last().unwrap()));
    (t.to_text(), sig)
}

#[test]
fn b_b_on_a_generated_pdf() {
    let input = minimal_pdf("Hello");
    let signer = holder();
    let out = PadesSigner::new(&signer)
        .with_reason("Aprobat")
        .with_location("București")
        .with_contact_info("stefan@example.com")
        .with_name("Ștefan Mărgărit")
        .with_signing_time(at())
        .sign(&input)
        .unwrap();
    // Incremental: the original bytes are a prefix; the version is unchanged.
    assert_eq!(&out[..input.len()], &input[..]);
    assert!(out.starts_with(b"%PDF-1.7"));

    let doc = Document::open(&out).unwrap();
    assert_eq!(doc.sections().len(), 2);
    assert_eq!(doc.sections()[0].kind, XrefKind::Table);
    // Every prior trailer entry is kept.
    for key in ["Root", "Info", "ID"] {
        assert_eq!(
            doc.trailer().get(key),
            doc.sections()[1].trailer.get(key),
            "{key}"
        );
    }
    let prev = Document::open(&input).unwrap().startxref();
    assert_eq!(
        doc.trailer().get_int("Prev"),
        Some(i64::try_from(prev).unwrap())
    );

    let (name, sig) = last_signature(&out);
    assert_eq!(name, "Signature1");
    assert!(sig.is_type("Sig"));
    assert_eq!(sig.get_name("Filter"), Some(&b"Adobe.PPKLite"[..]));
    assert_eq!(sig.get_name("SubFilter"), Some(&b"ETSI.CAdES.detached"[..]));
    let text = |k: &str| match sig.get(k) {
        Some(Object::String(s)) => s.to_text(),
        other => panic!("{k}: {other:?}"),
    };
    assert_eq!(text("Reason"), "Aprobat");
    assert_eq!(text("Location"), "București");
    assert_eq!(text("Name"), "Ștefan Mărgărit");
    assert_eq!(text("M"), at().format("D:%Y%m%d%H%M%S+00'00'").to_string());

    let report = cms_report(&out);
    let s = &report.signers[0];
    assert_eq!(s.indication, Indication::TotalPassed, "{report:#?}");
    // PAdES: no signing-time attribute (EN 319 142-1 §5.4).
    assert_eq!(s.signing_time, None);
    assert!(s.timestamps.is_empty());
    // qes-cms grades CAdES levels, which require signing-time: a PAdES signature is "CMS"
    // there; the PAdES level is qes-pades' verifier's to report.
    assert_eq!(s.level, CadesLevel::Cms);

    // Negative control: one byte changed in the first range breaks the digest.
    let mut tampered = out.clone();
    let i = input.len() / 2;
    tampered[i] ^= 0x01;
    let report = cms_report(&tampered);
    assert_eq!(
        report.signers[0].sub_indication,
        Some(SubIndication::HashFailure)
    );
}

#[test]
fn b_t_with_a_timestamp() {
    let input = minimal_pdf("Hello B-T");
    let signer = holder();
    let tsa = tsa();
    let out = PadesSigner::new(&signer)
        .with_timestamper(&tsa)
        .sign(&input)
        .unwrap();
    let report = cms_report(&out);
    let s = &report.signers[0];
    assert_eq!(s.indication, Indication::TotalPassed, "{report:#?}");
    assert_eq!(s.timestamps.len(), 1);
    assert_eq!(s.timestamps[0].indication, Indication::TotalPassed);
    assert_eq!(s.timestamp_time, Some(at()));
    // Without a timestamper: no timestamp (control).
    let plain = PadesSigner::new(&signer).sign(&input).unwrap();
    assert!(cms_report(&plain).signers[0].timestamps.is_empty());
}

#[test]
fn corpus_files_classic_stream_hybrid_objstm_and_signed() {
    let signer = holder();
    for (name, kind) in [
        ("minimal.pdf", XrefKind::Table),
        ("minimal-two-pages.pdf", XrefKind::Table),
        ("minimal-with-field.pdf", XrefKind::Table),
        ("minimal-xref.pdf", XrefKind::Stream),
        ("minimal-hybrid-xref.pdf", XrefKind::Table),
        ("uncompressed-objstream-sample.pdf", XrefKind::Stream),
        ("minimal-two-fields-signed-twice.pdf", XrefKind::Stream),
        ("minimal-signed-twice-second-created.pdf", XrefKind::Stream),
    ] {
        let input = corpus(name);
        let before = Document::open(&input).unwrap();
        let out = PadesSigner::new(&signer)
            .sign(&input)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(&out[..input.len()], &input[..], "{name}");
        let doc = Document::open(&out).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(doc.sections().len(), before.sections().len() + 1, "{name}");
        if before.sections()[0].kind == XrefKind::Stream {
            assert_eq!(doc.sections()[0].kind, XrefKind::Stream, "{name}");
        } else {
            assert_eq!(doc.sections()[0].kind, XrefKind::Table, "{name}");
        }
        assert_eq!(doc.sections()[0].kind, kind, "{name}");
        assert_eq!(
            doc.trailer().get("Root"),
            before.trailer().get("Root"),
            "{name}"
        );
        let (field, _) = last_signature(&out);
        assert!(field.starts_with("Signature"), "{name}: {field}");
        let report = cms_report(&out);
        assert_eq!(
            report.signers[0].indication,
            Indication::TotalPassed,
            "{name}: {report:#?}"
        );
    }
}

#[test]
fn field_names() {
    let signer = holder();
    let once = PadesSigner::new(&signer)
        .with_field_name("Semnatura")
        .sign(&minimal_pdf("x"))
        .unwrap();
    assert_eq!(last_signature(&once).0, "Semnatura");
    // Signing twice: the second field gets a new name, the first signature stays intact.
    let twice = PadesSigner::new(&signer).sign(&once).unwrap();
    assert_eq!(last_signature(&twice).0, "Signature1");
    let ranges = byte_ranges(&twice);
    assert_eq!(ranges.len(), 2);
    assert_eq!(ranges[0], byte_ranges(&once)[0]);
    assert!(matches!(
        PadesSigner::new(&signer)
            .with_field_name("Semnatura")
            .sign(&once),
        Err(Error::FieldExists(n)) if n == "Semnatura"
    ));
}

#[test]
fn too_small_a_reservation_is_an_error_not_a_broken_file() {
    let signer = holder();
    let input = minimal_pdf("x");
    assert!(matches!(
        PadesSigner::new(&signer)
            .with_reserved_contents(100)
            .sign(&input),
        Err(Error::ContentsTooSmall { reserved: 100, .. })
    ));
    // The estimate always fits (control), also with a timestamp.
    let tsa = tsa();
    let s = PadesSigner::new(&signer).with_timestamper(&tsa);
    assert!(s.sign(&input).is_ok());
}

/// The `/Contents` reserve follows the TSA's real tokens (one probe, remembered): a TSA
/// sending a long certificate chain still fits, and a small one does not bloat the file.
#[test]
fn the_timestamp_reserve_is_measured_from_the_tsa() {
    let signer = holder();
    let input = minimal_pdf("x");
    let certs: usize = std::iter::once(qes_signer::Signer::certificate(&signer))
        .chain(qes_signer::Signer::chain(&signer))
        .map(|c| c.der().len())
        .sum();
    let bare = certs + qes_pades::CONTENTS_OVERHEAD;

    let small = tsa();
    let s = PadesSigner::new(&signer).with_timestamper(&small);
    let small_reserve = s.reserved_contents().unwrap();
    assert!(small_reserve > bare + qes_pades::TIMESTAMP_MARGIN);
    assert!(small_reserve < bare + 12 * 1024, "{small_reserve}");

    let large = common::tsa_with_large_chain();
    let l = PadesSigner::new(&signer).with_timestamper(&large);
    let large_reserve = l.reserved_contents().unwrap();
    assert!(large_reserve > bare + 16 * 1024, "{large_reserve}");
    // Remembered: the same figure without another request.
    assert_eq!(l.reserved_contents().unwrap(), large_reserve);
    let out = l.sign(&input).unwrap();
    let report = cms_report(&out);
    let s = &report.signers[0];
    assert_eq!(s.indication, Indication::TotalPassed, "{report:#?}");
    assert_eq!(s.timestamps.len(), 1);
    // Twice with the same signer (the remembered reserve), and a second document.
    assert!(l.sign(&out).is_ok());
    // The old fixed 12 KiB reserve would not have held this token (control).
    assert!(matches!(
        PadesSigner::new(&signer)
            .with_timestamper(&large)
            .with_reserved_contents(bare + 12 * 1024)
            .sign(&input),
        Err(Error::ContentsTooSmall { .. })
    ));
}

#[test]
fn encrypted_and_broken_inputs_are_refused() {
    let signer = holder();
    assert!(matches!(
        PadesSigner::new(&signer).sign(b"not a pdf"),
        Err(Error::NoStartXref)
    ));
    let input = minimal_pdf("x");
    let at = input
        .windows(11)
        .rposition(|w| w == b"/Root 1 0 R")
        .unwrap();
    let mut encrypted = input[..at].to_vec();
    encrypted.extend_from_slice(b"/Encrypt 6 0 R ");
    encrypted.extend_from_slice(&input[at..]);
    assert!(matches!(
        PadesSigner::new(&signer).sign(&encrypted),
        Err(Error::Encrypted)
    ));
}

#[test]
fn streaming_output_is_the_same_file() {
    let signer = holder();
    let input = corpus("minimal-xref.pdf");
    let s = PadesSigner::new(&signer).with_signing_time(at());
    let whole = s.sign(&input).unwrap();
    let update = s.sign_update(&input).unwrap();
    let mut streamed = Vec::new();
    s.sign_to(&input, &mut streamed).unwrap();
    // RSA PKCS#1 v1.5 is deterministic and nothing else varies: all three agree.
    assert_eq!(&whole[input.len()..], &update[..]);
    assert_eq!(streamed, whole);
    // A different signing time gives a different update (control).
    let later = PadesSigner::new(&signer)
        .with_signing_time(at() + chrono::Duration::seconds(1))
        .sign_update(&input)
        .unwrap();
    assert_ne!(later, update);
}

#[test]
fn an_existing_empty_signature_field_is_signed_in_place() {
    let signer = holder();
    let input = corpus("minimal-with-field.pdf");
    let out = PadesSigner::new(&signer)
        .with_field_name("Sig1")
        .sign(&input)
        .unwrap();
    let doc = Document::open(&out).unwrap();
    let (_, catalog) = doc.catalog().unwrap();
    let form = doc.resolve_dict(catalog.get("AcroForm")).unwrap().unwrap();
    let fields = doc.resolve(form.get("Fields").unwrap()).unwrap();
    // Still one field, now with a value; its widget keeps its visible rectangle.
    assert_eq!(fields.as_array().unwrap().len(), 1);
    let field = doc
        .resolve_dict(fields.as_array().unwrap().first())
        .unwrap()
        .unwrap();
    assert!(field.get_ref("V").is_some());
    assert_eq!(
        field.get("Rect").unwrap().as_array().unwrap()[2],
        Object::Integer(290)
    );
    assert_eq!(
        cms_report(&out).signers[0].indication,
        Indication::TotalPassed
    );
    // Control: without the name, a new field is added beside it.
    let beside = PadesSigner::new(&signer).sign(&input).unwrap();
    let (name, _) = last_signature(&beside);
    assert_eq!(name, "Signature1");
    // The field is now signed: naming it again is refused.
    assert!(matches!(
        PadesSigner::new(&signer).with_field_name("Sig1").sign(&out),
        Err(Error::FieldExists(n)) if n == "Sig1"
    ));
}

#[test]
fn a_document_certified_with_no_changes_is_not_signed() {
    let signer = holder();
    // pyHanko's certified file: DocMDP P=1 through indirect /Reference and /TransformParams.
    assert!(matches!(
        PadesSigner::new(&signer).sign(&corpus("certified-with-indirect-refs-in-dir.pdf")),
        Err(Error::NoChangesAllowed)
    ));
    // Control: a document with approval signatures only can be signed again.
    assert!(PadesSigner::new(&signer)
        .sign(&corpus("minimal-two-fields-signed-twice.pdf"))
        .is_ok());
}

#[test]
fn an_off_by_one_startxref_is_corrected_in_prev() {
    let signer = holder();
    for i in 1..=6 {
        let name = format!("minimal-startxref-obo{i}.pdf");
        let input = corpus(&name);
        let out = PadesSigner::new(&signer).sign(&input).unwrap();
        let doc = Document::open(&out).unwrap();
        let prev = usize::try_from(doc.trailer().get_int("Prev").unwrap()).unwrap();
        // /Prev points exactly at the previous section: `xref` or `n 0 obj`.
        assert!(
            out[prev..].starts_with(b"xref") || out[prev].is_ascii_digit(),
            "{name}: /Prev {prev} -> {:?}",
            String::from_utf8_lossy(&out[prev..prev + 10])
        );
        assert_eq!(doc.sections()[1].offset, prev, "{name}");
        assert_eq!(
            cms_report(&out).signers[0].indication,
            Indication::TotalPassed
        );
    }
}

/// The header version and the catalog's `/Version` as a reader sees them (ISO 32000-2
/// §7.5.2, §7.7.2).
fn versions(pdf: &[u8]) -> (Vec<u8>, Option<Vec<u8>>) {
    let header = pdf[..8].to_vec();
    let doc = Document::open(pdf).unwrap();
    let (_, catalog) = doc.catalog().unwrap();
    (header, catalog.get_name("Version").map(<[u8]>::to_vec))
}

/// Signing never bumps the version (an update could raise it through the catalog's
/// `/Version`, ISO 32000-2 §7.7.2; a signature has no reason to): not for PDF 1.3 to 2.0,
/// not under a catalog `/Version` override, not for B-B, B-T, a certification, a visible
/// signature or a document timestamp. Every output still verifies.
#[test]
fn the_pdf_version_is_never_bumped() {
    let signer = holder();
    let tsa = tsa();
    let anchors = anchors();
    let verifier = qes_pades::PadesVerifier::new(Verifier::new(&anchors, at()));
    for header in ["%PDF-1.3", "%PDF-1.4", "%PDF-1.5", "%PDF-1.7", "%PDF-2.0"] {
        for catalog_version in [None, Some("/1.6")] {
            let mut input = minimal_pdf("versiune");
            input[..8].copy_from_slice(header.as_bytes());
            if let Some(v) = catalog_version {
                // An update that raises the version through the catalog (§7.7.2).
                let doc = Document::open(&input).unwrap();
                let prev = doc.sections()[0].offset;
                drop(doc);
                let catalog_at = input.len();
                input.extend_from_slice(
                    format!("1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Version {v} >>\nendobj\n")
                        .as_bytes(),
                );
                let xref_at = input.len();
                input.extend_from_slice(
                    format!(
                        "xref\n1 1\n{catalog_at:010} 00000 n\r\ntrailer\n<< /Size 7 /Root 1 0 R \
                         /Info 6 0 R /ID [<00112233445566778899aabbccddeeff> \
                         <00112233445566778899aabbccddeeff>] /Prev {prev} >>\nstartxref\n\
                         {xref_at}\n%%EOF\n"
                    )
                    .as_bytes(),
                );
            }
            let before = versions(&input);
            assert_eq!(before.0, header.as_bytes());
            assert_eq!(
                before.1.as_deref(),
                catalog_version.map(|v| &v.as_bytes()[1..])
            );
            let outputs = [
                ("B-B", PadesSigner::new(&signer).sign(&input)),
                (
                    "B-T",
                    PadesSigner::new(&signer)
                        .with_timestamper(&tsa)
                        .sign(&input),
                ),
                (
                    "certified",
                    PadesSigner::new(&signer)
                        .with_certification(qes_pades::DocMdpLevel(2))
                        .sign(&input),
                ),
                (
                    "visible",
                    PadesSigner::new(&signer)
                        .with_visible(1, qes_pades::Rect::new(300.0, 40.0, 250.0, 80.0))
                        .sign(&input),
                ),
                (
                    "document timestamp",
                    qes_pades::DocumentTimestamper::new(&tsa).timestamp(&input),
                ),
            ];
            for (what, out) in outputs {
                let out = out.unwrap_or_else(|e| panic!("{header} {what}: {e}"));
                assert_eq!(&out[..input.len()], &input[..], "{header} {what}");
                assert_eq!(
                    versions(&out),
                    before,
                    "{header} {catalog_version:?} {what}"
                );
                let report = verifier.verify(&out).unwrap();
                assert!(
                    report.signatures.iter().all(|s| s.passed()),
                    "{header} {what}: {report:#?}"
                );
                // Signing the output again keeps the version too.
                let again = PadesSigner::new(&signer).sign(&out).unwrap();
                assert_eq!(versions(&again), before, "{header} {what} twice");
            }
        }
    }
}

/// pyHanko's signed test files keep every earlier signature's verdict after our signature
/// (ISO 32000-2 §12.8.1: an incremental update), each judged at its own validation time;
/// the new revision is signature maintenance to them, and ours passes.
#[test]
fn earlier_signatures_keep_their_verdict_after_ours() {
    use qes_pades::{Modifications, PadesVerifier, SignatureReport};
    let pyhanko_anchors: Vec<_> = std::fs::read_dir(format!(
        "{}/../../third-party/pyhanko/derived-trust-anchors",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .map(|e| {
        let pem = std::fs::read(e.unwrap().path()).unwrap();
        qes_cert::parse_pem(
            &pem,
            qes_cert::ParseMode::Lenient,
            &qes_cert::Limits::default(),
        )
        .unwrap()
    })
    .collect();
    let then = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2021, 1, 5, 12, 0, 0).unwrap();
    let earlier = |pdf: &[u8]| -> Vec<SignatureReport> {
        let mut sigs = PadesVerifier::new(Verifier::new(&pyhanko_anchors, then))
            .verify(pdf)
            .unwrap()
            .signatures;
        sigs.sort_by_key(|s| s.byte_range.map_or(usize::MAX, |r| r[1]));
        sigs
    };
    let signer = holder();
    let ours_anchors = anchors();
    let mut kept = 0;
    for name in [
        "minimal-two-fields-signed-twice.pdf",
        "minimal-signed-twice-second-created.pdf",
        "minimal-signed-twice-both-created.pdf",
        "sig-with-ski-sid.pdf",
        "pades-with-old-style-signing-cert-attr.pdf",
        "pades-with-old-style-signing-cert-attr-issser.pdf",
        "pades-lta-dss-indirect-arrs-test.pdf",
        "pades-lta-dss-indirect-arrs-test-2.pdf",
        "extensions-direct.pdf",
        "form-update-override-appearance-stream.pdf",
    ] {
        let input = corpus(name);
        let before = earlier(&input);
        assert!(!before.is_empty(), "{name}");
        assert!(
            before.iter().all(|s| s.intact && s.valid),
            "{name}: {before:#?}"
        );
        let out = PadesSigner::new(&signer)
            .sign(&input)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let after = earlier(&out);
        assert_eq!(after.len(), before.len() + 1, "{name}");
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(
                (a.intact, a.valid, a.trusted, a.indication, a.sub_indication),
                (b.intact, b.valid, b.trusted, b.indication, b.sub_indication),
                "{name} {}",
                b.field
            );
            // What covered the entire file now covers its revision, ours following.
            let coverage = match b.coverage {
                Some(qes_pades::Coverage::EntireFile) => Some(qes_pades::Coverage::EntireRevision),
                other => other,
            };
            assert_eq!(a.coverage, coverage, "{name} {}", b.field);
            let expected = match &b.modifications {
                Some(Modifications::None) => Some(Modifications::SignatureMaintenance),
                other => other.clone(),
            };
            assert_eq!(a.modifications, expected, "{name} {}", b.field);
            kept += 1;
        }
        // Ours, at its own time and anchors.
        let mine = PadesVerifier::new(Verifier::new(&ours_anchors, at()))
            .verify(&out)
            .unwrap();
        let mine = mine
            .signatures
            .iter()
            .max_by_key(|s| s.byte_range.map_or(0, |r| r[1]))
            .unwrap();
        assert!(mine.passed(), "{name}: {mine:#?}");
        assert_eq!(
            mine.coverage,
            Some(qes_pades::Coverage::EntireFile),
            "{name}"
        );
    }
    assert!(kept >= 13, "{kept}");
}
