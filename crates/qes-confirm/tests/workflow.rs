//! The confirmation workflow end to end, and a test for every refusal reason: prefill →
//! the holder signs (visible, B-T) → the provider checks and countersigns → the authority
//! checks; then each way an upload or a final document can be wrong.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{DateTime, Duration, Utc};
use qes_cert::{Certificate, ParseMode};
use qes_cms::Verifier;
use qes_confirm::{
    check_final, check_holder_signed, countersign, prefill, Error, Lang, Reason, Role,
    CONFIRMED_FILE_NAME, COUNTERSIGNATURE_FIELD, HOLDER_FIELD,
};
use qes_pades::pdf::Document;
use qes_pades::{Appearance, FormDocument, PadesSigner, PadesVerifier, Rect};
use qes_signer::SoftwareSigner;
use qes_testkit::{EndEntity, Issued, TestPki, PKCS12_PASSWORD};
use qes_tsp::{LocalTsa, TspClient};

fn pki() -> &'static TestPki {
    TestPki::shared()
}

/// Every step happens 30 days into the test PKI's validity.
fn at() -> DateTime<Utc> {
    pki().epoch() + Duration::days(30)
}

fn anchors() -> Vec<Certificate> {
    vec![Certificate::from_der(pki().root().cert_der(), ParseMode::Strict).unwrap()]
}

fn signer_of(issued: &Issued) -> SoftwareSigner {
    SoftwareSigner::from_pkcs12(&issued.pkcs12(PKCS12_PASSWORD).unwrap(), PKCS12_PASSWORD).unwrap()
}

fn tsa() -> TspClient<LocalTsa<SoftwareSigner>> {
    let t = at();
    TspClient::new(LocalTsa::new(
        signer_of(pki().tsa()),
        qes_tsp::LOCAL_TSA_POLICY,
        move || t,
    ))
}

fn cert(issued: &Issued) -> Certificate {
    Certificate::from_der(issued.cert_der(), ParseMode::Strict).unwrap()
}

fn holder_cert() -> Certificate {
    cert(pki().natural_person())
}

/// The provider countersigns with its legal-person seal certificate.
fn provider() -> SoftwareSigner {
    signer_of(pki().legal_person())
}

fn provider_cert() -> Certificate {
    cert(pki().legal_person())
}

/// The holder signs the holder field, visibly, B-T, at `at()`.
fn sign_as_holder(pdf: &[u8], signer: &SoftwareSigner) -> Vec<u8> {
    let tsa = tsa();
    PadesSigner::new(signer)
        .with_field_name(HOLDER_FIELD)
        .with_appearance(Appearance::new())
        .with_signing_time(at())
        .with_timestamper(&tsa)
        .sign(pdf)
        .unwrap()
}

/// A reader's "Save": an incremental update that rewrites the document information
/// dictionary (classic cross-reference section chained by `/Prev`).
fn resave_incrementally(pdf: &[u8]) -> Vec<u8> {
    let doc = Document::open(pdf).unwrap();
    let trailer = doc.trailer();
    let info = trailer.get_ref("Info").unwrap();
    let root = trailer.get_ref("Root").unwrap();
    let size = trailer.get_int("Size").unwrap();
    let mut out = pdf.to_vec();
    let offset = out.len();
    out.extend_from_slice(
        format!(
            "{} 0 obj\n<</Producer (Other Reader) /ModDate (D:20270101000000Z)>>\nendobj\n",
            info.num
        )
        .as_bytes(),
    );
    let xref = out.len();
    out.extend_from_slice(
        format!(
            "xref\n{} 1\n{offset:010} 00000 n\r\ntrailer\n<</Size {size} /Root {root} /Info {info} /Prev {}>>\nstartxref\n{xref}\n%%EOF\n",
            info.num,
            doc.startxref()
        )
        .as_bytes(),
    );
    out
}

/// An incremental update that replaces the page's content stream (a content change).
fn replace_page_content(pdf: &[u8]) -> Vec<u8> {
    let doc = Document::open(pdf).unwrap();
    let (_, page) = doc.first_page().unwrap();
    let contents = page.get_ref("Contents").unwrap();
    let trailer = doc.trailer();
    let mut out = pdf.to_vec();
    let offset = out.len();
    let stream = "BT /F1 12 Tf 72 720 Td <0001> Tj ET";
    out.extend_from_slice(
        format!(
            "{} 0 obj\n<</Length {}>>\nstream\n{stream}\nendstream\nendobj\n",
            contents.num,
            stream.len()
        )
        .as_bytes(),
    );
    let xref = out.len();
    out.extend_from_slice(
        format!(
            "xref\n{} 1\n{offset:010} 00000 n\r\ntrailer\n<</Size {} /Root {} /Info {} /Prev {}>>\nstartxref\n{xref}\n%%EOF\n",
            contents.num,
            trailer.get_int("Size").unwrap(),
            trailer.get_ref("Root").unwrap(),
            trailer.get_ref("Info").unwrap(),
            doc.startxref()
        )
        .as_bytes(),
    );
    out
}

fn verifier(anchors: &[Certificate]) -> PadesVerifier<'_> {
    PadesVerifier::new(Verifier::new(anchors, at()))
}

fn has(reasons: &[Reason], wanted: impl Fn(&Reason) -> bool) -> bool {
    reasons.iter().any(wanted)
}

/// The happy path, and the prefilled document's content.
#[test]
fn the_whole_journey_is_accepted() {
    let prefilled = prefill(&holder_cert(), at()).unwrap();
    assert_eq!(prefilled.file_name, "stefan_margarit.pdf");
    let again = prefill(&holder_cert(), at()).unwrap();
    assert_eq!(prefilled.pdf, again.pdf, "prefilling is deterministic");

    let anchors = anchors();
    let verifier = verifier(&anchors);
    let uploaded = sign_as_holder(&prefilled.pdf, &signer_of(pki().natural_person()));
    let check = check_holder_signed(&verifier, &prefilled.pdf, &uploaded, &holder_cert());
    assert!(check.is_accepted(), "{:#?}", check.reasons);
    assert_eq!(check.signature.as_ref().unwrap().field, HOLDER_FIELD);

    let done = countersign(&uploaded, &check, &provider(), &tsa(), at()).unwrap();
    assert_eq!(done.file_name, CONFIRMED_FILE_NAME);
    assert!(
        done.pdf.starts_with(&uploaded),
        "countersigning only appends"
    );
    let final_check = check_final(&verifier, &done.pdf, &[provider_cert()]);
    assert!(final_check.is_accepted(), "{:#?}", final_check.reasons);
    assert_eq!(
        final_check.countersignature.as_ref().unwrap().field,
        COUNTERSIGNATURE_FIELD
    );
    assert_eq!(
        final_check.holder.as_ref().unwrap().identifier,
        qes_testkit::NATURAL_PERSON_CNP
    );
}

#[test]
fn countersign_refuses_an_unchecked_or_refused_upload() {
    let prefilled = prefill(&holder_cert(), at()).unwrap();
    let anchors = anchors();
    let verifier = verifier(&anchors);
    let uploaded = sign_as_holder(&prefilled.pdf, &signer_of(pki().natural_person()));
    let check = check_holder_signed(&verifier, &prefilled.pdf, &uploaded, &holder_cert());
    assert!(check.is_accepted());
    // The check was of other bytes.
    let other = resave_incrementally(&uploaded);
    assert!(matches!(
        countersign(&other, &check, &provider(), &tsa(), at()),
        Err(Error::NotAccepted)
    ));
    // A refused check.
    let refused = check_holder_signed(&verifier, &prefilled.pdf, &prefilled.pdf, &holder_cert());
    assert!(matches!(
        countersign(&prefilled.pdf, &refused, &provider(), &tsa(), at()),
        Err(Error::NotAccepted)
    ));
}

#[test]
fn holder_check_reasons() {
    let prefilled = prefill(&holder_cert(), at()).unwrap();
    let anchors = anchors();
    let verifier = verifier(&anchors);
    let holder = signer_of(pki().natural_person());
    let check = |uploaded: &[u8]| {
        check_holder_signed(&verifier, &prefilled.pdf, uploaded, &holder_cert()).reasons
    };

    // Not signed at all.
    assert_eq!(check(&prefilled.pdf), vec![Reason::NotSigned]);

    // Re-saved before signing: the prefilled bytes are gone.
    let mut edited = prefilled.pdf.clone();
    let producer = edited.windows(5).position(|w| w == b"(qes)").unwrap();
    edited[producer + 3] = b't';
    let signed_edited = sign_as_holder(&edited, &holder);
    let reasons = check(&signed_edited);
    assert!(
        matches!(reasons.as_slice(), [Reason::ContentChanged { .. }]),
        "{reasons:?}"
    );

    // Content changed by an increment after signing.
    let signed = sign_as_holder(&prefilled.pdf, &holder);
    let reasons = check(&replace_page_content(&signed));
    assert!(
        has(&reasons, |r| matches!(r, Reason::ContentChanged { .. })),
        "{reasons:?}"
    );
    // … or before signing (the signature then covers the change).
    let reasons = check(&sign_as_holder(
        &replace_page_content(&prefilled.pdf),
        &holder,
    ));
    assert!(
        has(&reasons, |r| matches!(r, Reason::ContentChanged { .. })),
        "{reasons:?}"
    );

    // Signed in another field, not in the holder's.
    let tsa = tsa();
    let elsewhere = PadesSigner::new(&holder)
        .with_field_name("Signature1")
        .with_signing_time(at())
        .with_timestamper(&tsa)
        .sign(&prefilled.pdf)
        .unwrap();
    let reasons = check(&elsewhere);
    assert!(has(&reasons, |r| *r == Reason::NotSigned), "{reasons:?}");
    assert!(
        has(
            &reasons,
            |r| matches!(r, Reason::UnexpectedSignature { field } if field == "Signature1")
        ),
        "{reasons:?}"
    );

    // Signed in the holder field and the countersignature field.
    let both = PadesSigner::new(&holder)
        .with_field_name(COUNTERSIGNATURE_FIELD)
        .with_signing_time(at())
        .with_timestamper(&tsa)
        .sign(&signed)
        .unwrap();
    let reasons = check(&both);
    assert!(
        has(
            &reasons,
            |r| matches!(r, Reason::UnexpectedSignature { field } if field == COUNTERSIGNATURE_FIELD)
        ),
        "{reasons:?}"
    );

    // A byte of the holder's signed increment flipped: the signature is not intact.
    let mut tampered = signed.clone();
    let m = tampered
        .windows(5)
        .rposition(|w| w == b"/M (D")
        .expect("the signature dictionary's /M");
    tampered[m + 6] ^= 0x01;
    let reasons = check(&tampered);
    assert!(
        has(&reasons, |r| matches!(
            r,
            Reason::SignatureInvalid {
                role: Role::Holder,
                ..
            }
        )),
        "{reasons:?}"
    );

    // Signed with another certificate.
    let other = pki()
        .issue(&EndEntity::natural_person("Ion", "Popescu", "1960229410015").label("other-holder"))
        .unwrap();
    let reasons = check(&sign_as_holder(&prefilled.pdf, &signer_of(&other)));
    assert!(
        has(
            &reasons,
            |r| matches!(r, Reason::OtherCertificate { found_serial, .. } if *found_serial == cert(&other).serial_hex())
        ),
        "{reasons:?}"
    );

    // Garbage after the prefilled bytes.
    let mut garbage = prefilled.pdf.clone();
    garbage.extend_from_slice(b"\n1 0 obj garbage");
    assert!(!check(&garbage).is_empty());
}

#[test]
fn certificate_time_and_qualification_reasons() {
    let anchors = anchors();
    let verifier = verifier(&anchors);
    // Valid for ten days, ending before `at()`.
    let expired = pki()
        .issue(
            &EndEntity::natural_person("Ana", "Ionescu", "2900101400019")
                .label("expired-holder")
                .validity(at() - Duration::days(20), at() - Duration::days(10)),
        )
        .unwrap();
    let prefilled = prefill(&cert(&expired), at()).unwrap();
    let uploaded = sign_as_holder(&prefilled.pdf, &signer_of(&expired));
    let reasons =
        check_holder_signed(&verifier, &prefilled.pdf, &uploaded, &cert(&expired)).reasons;
    assert!(
        has(&reasons, |r| matches!(
            r,
            Reason::CertificateExpired {
                role: Role::Holder,
                ..
            }
        )),
        "{reasons:?}"
    );

    // Not yet valid when signed.
    let early = pki()
        .issue(
            &EndEntity::natural_person("Ana", "Ionescu", "2900101400019")
                .label("future-holder")
                .validity(at() + Duration::days(1), at() + Duration::days(365)),
        )
        .unwrap();
    let prefilled = prefill(&cert(&early), at()).unwrap();
    let uploaded = sign_as_holder(&prefilled.pdf, &signer_of(&early));
    let reasons = check_holder_signed(&verifier, &prefilled.pdf, &uploaded, &cert(&early)).reasons;
    assert!(
        has(&reasons, |r| matches!(
            r,
            Reason::CertificateNotYetValid {
                role: Role::Holder,
                ..
            }
        )),
        "{reasons:?}"
    );

    // No signing time at all: no timestamp and no /M.
    let prefilled = prefill(&holder_cert(), at()).unwrap();
    let undated = PadesSigner::new(&signer_of(pki().natural_person()))
        .with_field_name(HOLDER_FIELD)
        .sign(&prefilled.pdf)
        .unwrap();
    let reasons = check_holder_signed(&verifier, &prefilled.pdf, &undated, &holder_cert()).reasons;
    assert_eq!(
        reasons,
        vec![Reason::SigningTimeUnknown { role: Role::Holder }]
    );

    let plain = pki()
        .issue(
            &EndEntity::natural_person("Dan", "Pop", "1800101400011")
                .label("non-qualified-holder")
                .non_qualified(),
        )
        .unwrap();
    let prefilled = prefill(&cert(&plain), at()).unwrap();
    let uploaded = sign_as_holder(&prefilled.pdf, &signer_of(&plain));
    let reasons = check_holder_signed(&verifier, &prefilled.pdf, &uploaded, &cert(&plain)).reasons;
    assert_eq!(reasons, vec![Reason::NotQualified]);
}

#[test]
fn final_check_reasons() {
    let anchors = anchors();
    let verifier = verifier(&anchors);
    let prefilled = prefill(&holder_cert(), at()).unwrap();
    let holder = signer_of(pki().natural_person());
    let uploaded = sign_as_holder(&prefilled.pdf, &holder);
    let check = check_holder_signed(&verifier, &prefilled.pdf, &uploaded, &holder_cert());
    let done = countersign(&uploaded, &check, &provider(), &tsa(), at()).unwrap();
    let final_reasons = |pdf: &[u8]| check_final(&verifier, pdf, &[provider_cert()]).reasons;

    // Not countersigned.
    assert_eq!(
        final_reasons(&uploaded),
        vec![Reason::CountersignatureMissing]
    );

    // Re-saved after the countersignature (incrementally, as a reader's Save does).
    let reasons = final_reasons(&resave_incrementally(&done.pdf));
    assert!(
        matches!(
            reasons.as_slice(),
            [Reason::ModifiedAfterCountersignature { .. }]
        ),
        "{reasons:?}"
    );
    // Rewritten: the same bytes shifted by one (what a full re-save does to offsets).
    let mut rewritten = done.pdf.clone();
    let header_end = rewritten.iter().position(|&b| b == b'\n').unwrap();
    rewritten.insert(header_end, b' ');
    let reasons = final_reasons(&rewritten);
    assert!(
        has(&reasons, |r| matches!(
            r,
            Reason::ModifiedAfterCountersignature { .. }
        )),
        "{reasons:?}"
    );

    // Countersigned by someone the authority does not trust.
    let reasons = check_final(&verifier, &done.pdf, &[holder_cert()]).reasons;
    assert!(
        matches!(reasons.as_slice(), [Reason::CountersignerNotTrusted { .. }]),
        "{reasons:?}"
    );

    // Countersigned without a timestamp (PAdES B-B).
    let untimestamped = PadesSigner::new(&provider())
        .with_field_name(COUNTERSIGNATURE_FIELD)
        .with_signing_time(at())
        .sign(&uploaded)
        .unwrap();
    assert_eq!(
        final_reasons(&untimestamped),
        vec![Reason::CountersignatureNotTimestamped]
    );

    // The holder data do not match the certificate that signed as holder: prefilled for
    // one holder, signed by another, countersigned by a careless provider.
    let other = pki()
        .issue(&EndEntity::natural_person("Ion", "Popescu", "1960229410015").label("other-holder"))
        .unwrap();
    let wrong = sign_as_holder(&prefilled.pdf, &signer_of(&other));
    let tsa = tsa();
    let careless = PadesSigner::new(&provider())
        .with_field_name(COUNTERSIGNATURE_FIELD)
        .with_signing_time(at())
        .with_timestamper(&tsa)
        .sign(&wrong)
        .unwrap();
    let reasons = final_reasons(&careless);
    let [Reason::HolderDataMismatch { fields }] = reasons.as_slice() else {
        panic!("{reasons:?}")
    };
    for f in [
        "GivenName",
        "Surname",
        "Identifier",
        "Serial",
        "CertificateSha256",
    ] {
        assert!(fields.iter().any(|x| x == f), "{fields:?}");
    }

    // No holder data at all: a look-alike form.
    let look_alike = FormDocument::a4(at())
        .text(72.0, 700.0, 12.0, "Confirmare")
        .signature_field(HOLDER_FIELD, Rect::new(56.0, 120.0, 230.0, 90.0))
        .signature_field(COUNTERSIGNATURE_FIELD, Rect::new(309.0, 120.0, 230.0, 90.0))
        .to_pdf()
        .unwrap();
    let signed = sign_as_holder(&look_alike, &holder);
    let countersigned = PadesSigner::new(&provider())
        .with_field_name(COUNTERSIGNATURE_FIELD)
        .with_signing_time(at())
        .with_timestamper(&tsa)
        .sign(&signed)
        .unwrap();
    assert_eq!(
        final_reasons(&countersigned),
        vec![Reason::HolderDataMissing]
    );

    // Content changed between the holder's signature and the countersignature.
    let changed = replace_page_content(&uploaded);
    let countersigned = PadesSigner::new(&provider())
        .with_field_name(COUNTERSIGNATURE_FIELD)
        .with_signing_time(at())
        .with_timestamper(&tsa)
        .sign(&changed)
        .unwrap();
    let reasons = final_reasons(&countersigned);
    assert!(
        has(&reasons, |r| matches!(
            r,
            Reason::ModifiedAfterHolderSignature { .. }
        )),
        "{reasons:?}"
    );

    // Not a PDF.
    assert!(matches!(
        final_reasons(b"not a pdf").as_slice(),
        [Reason::Unreadable { .. }]
    ));
}

#[test]
fn every_reason_speaks_romanian_and_english() {
    let t = at();
    let reasons = [
        Reason::Unreadable { detail: "x".into() },
        Reason::ContentChanged { detail: "x".into() },
        Reason::NotSigned,
        Reason::UnexpectedSignature { field: "f".into() },
        Reason::SignatureInvalid {
            role: Role::Holder,
            detail: "x".into(),
        },
        Reason::OtherCertificate {
            expected_serial: "01".into(),
            found_serial: "02".into(),
        },
        Reason::CertificateExpired {
            role: Role::Holder,
            signed_at: t,
            not_after: t,
        },
        Reason::CertificateNotYetValid {
            role: Role::Countersignature,
            signed_at: t,
            not_before: t,
        },
        Reason::SigningTimeUnknown { role: Role::Holder },
        Reason::NotQualified,
        Reason::CountersignatureMissing,
        Reason::CountersignerNotTrusted {
            subject: "CN=x".into(),
        },
        Reason::CountersignatureNotTimestamped,
        Reason::ModifiedAfterCountersignature { detail: "x".into() },
        Reason::ModifiedAfterHolderSignature { detail: "x".into() },
        Reason::HolderDataMissing,
        Reason::HolderDataMismatch {
            fields: vec!["Serial".into()],
        },
    ];
    for r in &reasons {
        let (ro, en) = (r.message(Lang::Ro), r.message(Lang::En));
        assert!(!ro.is_empty() && !en.is_empty() && ro != en, "{r:?}");
        assert_eq!(r.to_string(), en);
        let json = serde_json::to_value(r).unwrap();
        assert!(json["reason"].is_string(), "{json}");
    }
    assert_eq!("RO".parse::<Lang>(), Ok(Lang::Ro));
    assert!("de".parse::<Lang>().is_err());
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(64))]

    /// Arbitrary bytes after the prefilled document, or arbitrary bytes in place of a final
    /// document, are refused with reasons — never accepted, never a panic.
    #[test]
    fn arbitrary_increments_are_refused(tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
        use std::sync::OnceLock;
        static PREFILLED: OnceLock<Vec<u8>> = OnceLock::new();
        let prefilled = PREFILLED.get_or_init(|| prefill(&holder_cert(), at()).unwrap().pdf);
        let anchors = anchors();
        let verifier = verifier(&anchors);
        let mut uploaded = prefilled.clone();
        uploaded.extend_from_slice(&tail);
        let check = check_holder_signed(&verifier, prefilled, &uploaded, &holder_cert());
        proptest::prop_assert!(!check.is_accepted());
        let final_check = check_final(&verifier, &uploaded, &[provider_cert()]);
        proptest::prop_assert!(!final_check.is_accepted());
        proptest::prop_assert!(!check_final(&verifier, &tail, &[provider_cert()]).is_accepted());
    }
}
