//! Independent validators judge our PDFs, and we judge pyHanko's:
//!
//! - `pdfsig` (poppler) prints "Signature is Valid." for each of our signatures, with an
//!   NSS database trusting the test root;
//! - `qpdf --check` finds no syntax or stream errors in our output;
//! - `pyhanko sign validate` judges our B-B, B-T, existing-field and twice-signed outputs
//!   VALID, and accepts our document timestamps as signature maintenance;
//! - our certification signatures (DocMDP P = 1, 2, 3) pass pyHanko (which reads back the
//!   level) and pdfsig, a P=2 certification stays VALID under our approval signature, and
//!   pyHanko agrees with us that a signature after P=1 is not allowed, and that an
//!   annotation after P=2 is not (after P=3 we allow it, pyHanko has no annotation rule);
//! - our B-T with a token from a real TSA (certomancer on loopback) passes pdfsig, pyHanko
//!   and our verifier;
//! - we verify PDFs signed by `pyhanko sign addsig` (CMS, PAdES B-B, a visible field signed
//!   with a PKCS#12, PAdES B-T with a timestamp from certomancer on loopback, and PAdES
//!   B-LTA with a DSS and a document timestamp) as intact, valid and trusted, and one
//!   flipped signed byte as a HASH_FAILURE. (pyHanko on a SoftHSM2 token:
//!   `softhsm_pyhanko.rs`.)
//!
//! Each test is gated by `require_tool!`: a missing tool fails under `CI=true` /
//! `QES_REQUIRE_REAL=1` and prints `SKIPPED` otherwise. pyHanko comes from
//! `.venv-interop` (or `$QES_VENV`), installed by `scripts/setup-interop`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{anchors, at, corpus, holder, minimal_pdf, pki, put, run, tsa};
use qes_cms::{Indication, SubIndication, Verifier};
use qes_pades::{Coverage, Modifications, PadesLevel, PadesSigner, PadesVerifier, SignatureKind};

/// Our outputs: (file name, PDF bytes, number of signatures in it).
fn our_outputs() -> Vec<(&'static str, Vec<u8>, usize)> {
    let signer = holder();
    let tsa = tsa();
    let b_b = PadesSigner::new(&signer)
        .with_reason("Aprobat")
        .with_location("Cluj-Napoca")
        .with_signing_time(at())
        .sign(&minimal_pdf("Hello"))
        .unwrap();
    let b_t = PadesSigner::new(&signer)
        .with_timestamper(&tsa)
        .with_signing_time(at())
        .sign(&corpus("minimal-xref.pdf"))
        .unwrap();
    let hybrid = PadesSigner::new(&signer)
        .sign(&corpus("minimal-hybrid-xref.pdf"))
        .unwrap();
    let objstm = PadesSigner::new(&signer)
        .with_timestamper(&tsa)
        .sign(&corpus("uncompressed-objstream-sample.pdf"))
        .unwrap();
    let off_by_two = PadesSigner::new(&signer)
        .sign(&corpus("minimal-startxref-obo2.pdf"))
        .unwrap();
    let indirect_annots = PadesSigner::new(&signer)
        .sign(&corpus("minimal-one-field-indir-annots.pdf"))
        .unwrap();
    let existing_field = PadesSigner::new(&signer)
        .with_field_name("Sig1")
        .sign(&corpus("minimal-with-field.pdf"))
        .unwrap();
    let twice = PadesSigner::new(&signer)
        .with_timestamper(&tsa)
        .sign(&b_b)
        .unwrap();
    vec![
        ("b-b.pdf", b_b, 1),
        ("b-t-xref-stream.pdf", b_t, 1),
        ("hybrid.pdf", hybrid, 1),
        ("objstm.pdf", objstm, 1),
        ("existing-field.pdf", existing_field, 1),
        ("indirect-annots.pdf", indirect_annots, 1),
        ("startxref-off-by-two.pdf", off_by_two, 1),
        ("twice.pdf", twice, 2),
    ]
}

/// One byte of the first page's content stream flipped (inside the first signed range).
fn tampered(pdf: &[u8]) -> Vec<u8> {
    let mut out = pdf.to_vec();
    let i = out.windows(9).position(|w| w == b"72 720 Td").unwrap();
    out[i] ^= 0x01;
    out
}

/// An NSS database in `dir` trusting the test root (`certutil -N`, `certutil -A`).
fn nss_db(certutil: &Path, dir: &Path) -> PathBuf {
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
    db
}

#[test]
fn pdfsig_says_each_signature_is_valid() {
    let pdfsig = qes_testkit::require_tool!("pdfsig");
    let certutil = qes_testkit::require_tool!("certutil");
    let dir = tempfile::tempdir().unwrap();
    let db = nss_db(&certutil, dir.path());
    let nss = format!("sql:{}", db.display());
    for (name, pdf, count) in our_outputs() {
        let path = put(dir.path(), name, &pdf);
        let r = run(Command::new(&pdfsig).args(["-nssdir", &nss]).arg(&path));
        assert_eq!(
            r.stdout.matches("Signature is Valid.").count(),
            count,
            "{name}: {r:?}"
        );
        assert!(r.stdout.contains("ETSI.CAdES.detached"), "{name}: {r:?}");
    }
    // Negative control: pdfsig notices a flipped byte (it exits 0 regardless).
    let (_, pdf, _) = our_outputs().remove(0);
    let path = put(dir.path(), "tampered.pdf", tampered(&pdf));
    let r = run(Command::new(&pdfsig).args(["-nssdir", &nss]).arg(&path));
    assert!(!r.stdout.contains("Signature is Valid."), "{r:?}");
    assert!(r.stdout.contains("Digest Mismatch."), "{r:?}");
}

#[test]
fn qpdf_check_is_clean() {
    let qpdf = qes_testkit::require_tool!("qpdf");
    let dir = tempfile::tempdir().unwrap();
    for (name, pdf, _) in our_outputs() {
        let path = put(dir.path(), name, &pdf);
        let r = run(Command::new(&qpdf).arg("--check").arg(&path));
        assert!(r.success, "{name}: {r:?}");
        assert!(
            r.stdout.contains("No syntax or stream encoding errors"),
            "{name}: {r:?}"
        );
    }
    // Negative control: the same output with its last cross-reference offset broken.
    let (_, mut pdf, _) = our_outputs().remove(0);
    let at_ = pdf.windows(9).rposition(|w| w == b"startxref").unwrap() + 10;
    pdf[at_] = b'9';
    let path = put(dir.path(), "broken.pdf", &pdf);
    let r = run(Command::new(&qpdf).arg("--check").arg(&path));
    assert!(!r.success, "{r:?}");
}

/// pyHanko's verdict with the test PKI's root as the only anchor; pyHanko refuses
/// hybrid-reference files unless `--no-strict-syntax`.
fn pyhanko_validate(pyhanko: &Path, dir: &Path, path: &Path, hybrid: bool) -> common::Run {
    let root = put(dir, "root.pem", pki().root().cert_pem());
    let extra: &[&str] = if hybrid { &["--no-strict-syntax"] } else { &[] };
    qes_testkit::interop::pyhanko_validate(pyhanko, &[&root], extra, path)
}

#[test]
fn pyhanko_judges_our_signatures_valid() {
    let pyhanko = qes_testkit::require_tool!("pyhanko");
    let dir = tempfile::tempdir().unwrap();
    for (name, pdf, count) in our_outputs() {
        let path = put(dir.path(), name, &pdf);
        let r = pyhanko_validate(&pyhanko, dir.path(), &path, name == "hybrid.pdf");
        assert!(r.success, "{name}: {r:?}");
        assert_eq!(
            r.stdout.matches("The signature is judged VALID.").count(),
            count,
            "{name}: {r:?}"
        );
    }
    // Negative control: a flipped byte makes pyHanko fail (exit 1).
    let (_, pdf, _) = our_outputs().remove(0);
    let path = put(dir.path(), "tampered.pdf", tampered(&pdf));
    let r = pyhanko_validate(&pyhanko, dir.path(), &path, false);
    assert!(!r.success, "{r:?}");
    assert!(!r.stdout.contains("judged VALID"), "{r:?}");
}

#[test]
fn we_verify_pyhanko_signed_pdfs() {
    let pyhanko = qes_testkit::require_tool!("pyhanko");
    let dir = tempfile::tempdir().unwrap();
    let issued = pki().natural_person();
    let key = put(dir.path(), "key.pem", issued.key().pkcs8_pem());
    let cert = put(dir.path(), "cert.pem", issued.cert_pem());
    let chain = put(dir.path(), "chain.pem", issued.chain_pem().unwrap());
    let input = put(dir.path(), "in.pdf", minimal_pdf("pyHanko"));
    let anchors = anchors();
    let verifier = PadesVerifier::new(Verifier::new(&anchors, at()));
    for (extra, expect_pades) in [(&[][..], false), (&["--use-pades"][..], true)] {
        let out = dir.path().join(format!("pyhanko-{}.pdf", extra.len()));
        let r = run(Command::new(&pyhanko)
            .args(["sign", "addsig", "--field", "Sig1"])
            .args(extra)
            .args(["pemder", "--key"])
            .arg(&key)
            .arg("--cert")
            .arg(&cert)
            .arg("--chain")
            .arg(&chain)
            .arg("--no-pass")
            .arg(&input)
            .arg(&out));
        assert!(r.success, "pyhanko sign addsig {extra:?}: {r:?}");
        let pdf = std::fs::read(&out).unwrap();
        let report = verifier.verify(&pdf).unwrap();
        assert_eq!(report.signatures.len(), 1, "{report:#?}");
        let s = &report.signatures[0];
        assert_eq!(s.field, "Sig1");
        assert!(s.intact && s.valid, "{extra:?}: {s:#?}");
        assert_eq!(s.coverage, Some(Coverage::EntireFile));
        assert_eq!(s.indication, Indication::TotalPassed, "{extra:?}: {s:#?}");
        if expect_pades {
            assert_eq!(s.level, Some(PadesLevel::BaselineB), "{s:#?}");
        }
        // Negative control: one flipped byte in pyHanko's signed range.
        let s = &verifier.verify(&tampered(&pdf)).unwrap().signatures[0];
        assert!(!s.intact);
        assert_eq!(s.sub_indication, Some(SubIndication::HashFailure));
    }
}

/// pyHanko signs with a PKCS#12 file (ours, PBES2) into a visible field it creates on the
/// page (`--field PAGE/X1,Y1,X2,Y2/NAME`, its default stamp); we report it intact, valid,
/// trusted and B-B, and one flipped signed byte makes it a HASH_FAILURE.
#[test]
fn we_verify_pyhanko_visible_pkcs12_signatures() {
    let pyhanko = qes_testkit::require_tool!("pyhanko");
    let dir = tempfile::tempdir().unwrap();
    let issued = pki().natural_person();
    let p12 = put(
        dir.path(),
        "holder.p12",
        issued.pkcs12(qes_testkit::PKCS12_PASSWORD).unwrap(),
    );
    let pass = put(dir.path(), "pass.txt", qes_testkit::PKCS12_PASSWORD);
    let chain = put(dir.path(), "chain.pem", issued.chain_pem().unwrap());
    let input = put(dir.path(), "in.pdf", minimal_pdf("pyHanko visible"));
    let out = dir.path().join("visible-p12.pdf");
    let r = run(Command::new(&pyhanko)
        .args([
            "sign",
            "addsig",
            "--field",
            "1/300,40,550,120/Vizibil",
            "--use-pades",
            "--reason",
            "Aprobat",
            "pkcs12",
            "--chain",
        ])
        .arg(&chain)
        .arg("--passfile")
        .arg(&pass)
        .arg(&input)
        .arg(&out)
        .arg(&p12));
    assert!(r.success, "pyhanko sign addsig pkcs12: {r:?}");
    let pdf = std::fs::read(&out).unwrap();
    // The widget pyHanko put on page 1: our rectangle, with a normal appearance.
    let doc = qes_pades::pdf::Document::open(&pdf).unwrap();
    let page = doc.page(0).unwrap();
    let annots = doc.resolve(page.dict.get("Annots").unwrap()).unwrap();
    let widget = doc
        .resolve_dict(annots.as_array().unwrap().last())
        .unwrap()
        .unwrap();
    let rect: Vec<f64> = widget
        .get("Rect")
        .and_then(|r| r.as_array())
        .unwrap()
        .iter()
        .map(|n| match n {
            qes_pades::pdf::Object::Integer(i) => f64::from(i32::try_from(*i).unwrap()),
            qes_pades::pdf::Object::Real(r) => *r,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(rect, [300.0, 40.0, 550.0, 120.0]);
    assert!(
        widget.get("AP").is_some(),
        "a visible appearance: {widget:?}"
    );
    let anchors = anchors();
    let verifier = PadesVerifier::new(Verifier::new(&anchors, at()));
    let report = verifier.verify(&pdf).unwrap();
    let s = &report.signatures[0];
    assert_eq!(s.field, "Vizibil");
    assert!(s.intact && s.valid && s.trusted, "{s:#?}");
    assert_eq!(s.coverage, Some(Coverage::EntireFile));
    assert_eq!(s.level, Some(PadesLevel::BaselineB), "{s:#?}");
    assert_eq!(s.indication, Indication::TotalPassed, "{s:#?}");
    let s = &verifier.verify(&tampered(&pdf)).unwrap().signatures[0];
    assert!(!s.intact);
    assert_eq!(s.sub_indication, Some(SubIndication::HashFailure));
}

/// pyHanko signs PAdES B-LTA (`--use-pades-lta --with-validation-info`) with certomancer's
/// document signer: a B-T signature, a DSS with the CRLs it fetched from certomancer, and a
/// document timestamp. We report the signature TOTAL-PASSED B-T with the DSS and document
/// timestamp as signature maintenance, the document timestamp TOTAL-PASSED (followed at
/// most by a DSS update); a flipped byte in the first signed range fails both.
#[test]
fn we_verify_pyhanko_b_lta() {
    let pyhanko = qes_testkit::require_tool!("pyhanko");
    let Some(server) = qes_testkit::servers::TsaServer::certomancer().expect("start certomancer")
    else {
        return;
    };
    let (key, cert) = server.signer_key_and_cert().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = put(dir.path(), "in.pdf", minimal_pdf("pyHanko B-LTA"));
    let out = dir.path().join("b-lta.pdf");
    let r = run(Command::new(&pyhanko)
        .args([
            "sign",
            "addsig",
            "--field",
            "Sig1",
            "--use-pades",
            "--use-pades-lta",
            "--with-validation-info",
            "--trust-replace",
            "--trust",
        ])
        .arg(server.root_pem_path())
        .arg("--timestamp-url")
        .arg(server.url())
        .args(["pemder", "--key"])
        .arg(key)
        .arg("--cert")
        .arg(cert)
        .arg("--no-pass")
        .arg(&input)
        .arg(&out));
    assert!(
        r.success,
        "pyhanko sign addsig --use-pades-lta: {r:?}\n{}",
        server.logs()
    );
    let pdf = std::fs::read(&out).unwrap();
    assert!(pdf.windows(4).any(|w| w == b"/DSS"), "pyHanko wrote a DSS");
    let trusted =
        vec![qes_cert::parse_der(server.root_der(), qes_cert::ParseMode::Strict).unwrap()];
    let now = chrono::Utc::now();
    let verifier = PadesVerifier::new(Verifier::new(&trusted, now));
    let report = verifier.verify(&pdf).unwrap();
    assert_eq!(report.signatures.len(), 2, "{report:#?}");
    let (sig, stamp) = (&report.signatures[0], &report.signatures[1]);
    assert_eq!(sig.kind, SignatureKind::Signature);
    assert_eq!(sig.indication, Indication::TotalPassed, "{sig:#?}");
    assert_eq!(sig.level, Some(PadesLevel::BaselineT), "{sig:#?}");
    assert!(sig.trusted && sig.timestamp_time.is_some(), "{sig:#?}");
    assert_eq!(sig.coverage, Some(Coverage::EntireRevision));
    assert!(
        matches!(sig.modifications, Some(Modifications::SignatureMaintenance)),
        "DSS + document timestamp: {sig:#?}"
    );
    assert_eq!(stamp.kind, SignatureKind::DocumentTimestamp);
    assert_eq!(stamp.indication, Indication::TotalPassed, "{stamp:#?}");
    // pyHanko may append the TSA's validation data in a last DSS update.
    assert!(
        stamp.coverage == Some(Coverage::EntireFile)
            || matches!(
                stamp.modifications,
                Some(Modifications::SignatureMaintenance)
            ),
        "{stamp:#?}"
    );
    assert!(stamp.trusted, "{stamp:#?}");
    let report = verifier.verify(&tampered(&pdf)).unwrap();
    for s in &report.signatures {
        assert!(!s.intact, "{s:#?}");
        assert_eq!(s.sub_indication, Some(SubIndication::HashFailure), "{s:#?}");
    }
}

/// pyHanko signs PAdES B-T with a timestamp from a real TSA (certomancer on loopback);
/// we verify the signature and its timestamp. The TSA stamps the wall clock, so this test
/// validates at the current time (the test PKI is valid for years from its epoch).
#[test]
fn we_verify_pyhanko_b_t_with_a_real_tsa() {
    let pyhanko = qes_testkit::require_tool!("pyhanko");
    let Some(server) = qes_testkit::servers::TsaServer::certomancer().expect("start certomancer")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let issued = pki().natural_person();
    let key = put(dir.path(), "key.pem", issued.key().pkcs8_pem());
    let cert = put(dir.path(), "cert.pem", issued.cert_pem());
    let chain = put(dir.path(), "chain.pem", issued.chain_pem().unwrap());
    let input = put(dir.path(), "in.pdf", corpus("minimal-xref.pdf"));
    let out = dir.path().join("b-t.pdf");
    let r = run(Command::new(&pyhanko)
        .args([
            "sign",
            "addsig",
            "--field",
            "Sig1",
            "--use-pades",
            "--timestamp-url",
        ])
        .arg(server.url())
        .args(["pemder", "--key"])
        .arg(&key)
        .arg("--cert")
        .arg(&cert)
        .arg("--chain")
        .arg(&chain)
        .arg("--no-pass")
        .arg(&input)
        .arg(&out));
    assert!(
        r.success,
        "pyhanko sign addsig --timestamp-url: {r:?}\n{}",
        server.logs()
    );
    let pdf = std::fs::read(&out).unwrap();
    let mut trusted = anchors();
    trusted.push(qes_cert::parse_der(server.root_der(), qes_cert::ParseMode::Strict).unwrap());
    let now = chrono::Utc::now();
    let report = PadesVerifier::new(Verifier::new(&trusted, now))
        .verify(&pdf)
        .unwrap();
    let s = &report.signatures[0];
    assert_eq!(s.indication, Indication::TotalPassed, "{s:#?}");
    assert_eq!(s.level, Some(PadesLevel::BaselineT), "{s:#?}");
    let stamp = s.signer.as_ref().unwrap().timestamp_time.unwrap();
    assert!((now - stamp).num_minutes().abs() < 10, "{stamp}");
    // Negative control: without the TSA's root the timestamp is not trusted, and the
    // signature is at most B-B.
    let report = PadesVerifier::new(Verifier::new(&anchors(), now))
        .verify(&pdf)
        .unwrap();
    assert_ne!(report.signatures[0].level, Some(PadesLevel::BaselineT));
}

/// Our document timestamps: `qpdf --check` is clean, and pyHanko (whose CLI reports the
/// signatures, not document timestamps) still judges the signature before it VALID and
/// classes the timestamp's revision as signature maintenance.
#[test]
fn document_timestamps_pass_qpdf_and_pyhanko() {
    let qpdf = qes_testkit::require_tool!("qpdf");
    let pyhanko = qes_testkit::require_tool!("pyhanko");
    let tsa = tsa();
    let signed = PadesSigner::new(&holder())
        .with_timestamper(&tsa)
        .sign(&minimal_pdf("Hello"))
        .unwrap();
    let stamped = qes_pades::DocumentTimestamper::new(&tsa)
        .timestamp(&signed)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = put(dir.path(), "doc-ts.pdf", &stamped);
    let r = run(Command::new(&qpdf).arg("--check").arg(&path));
    assert!(r.success, "{r:?}");
    let r = pyhanko_validate(&pyhanko, dir.path(), &path, false);
    assert!(r.success, "{r:?}");
    assert_eq!(r.stdout.matches("judged VALID").count(), 1, "{r:?}");
    assert!(
        r.stdout
            .contains("All modifications relate to signature maintenance"),
        "{r:?}"
    );
    // Negative control: a flipped byte.
    let path = put(dir.path(), "doc-ts-tampered.pdf", tampered(&stamped));
    let r = pyhanko_validate(&pyhanko, dir.path(), &path, false);
    assert!(!r.success, "{r:?}");
}

/// RFC 3161 over plain HTTP/1.0 to a loopback TSA (enough for certomancer; the production
/// client is `qes_tsp::HttpTransport`, behind a feature these tests do not build).
struct LoopbackPost {
    port: u16,
    path: String,
}

impl qes_tsp::Transport for LoopbackPost {
    fn send(&self, request: &[u8]) -> Result<Vec<u8>, qes_tsp::TspError> {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port))
            .map_err(qes_tsp::TspError::Io)?;
        let head = format!(
            "POST {} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/timestamp-query\r\nContent-Length: {}\r\n\r\n",
            self.path,
            request.len()
        );
        stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(request))
            .map_err(qes_tsp::TspError::Io)?;
        let mut answer = Vec::new();
        stream
            .read_to_end(&mut answer)
            .map_err(qes_tsp::TspError::Io)?;
        let body = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        assert!(answer.starts_with(b"HTTP/1.0 200") || answer.starts_with(b"HTTP/1.1 200"));
        Ok(answer[body..].to_vec())
    }
}

/// PAdES B-T with a token from a real TSA (certomancer on loopback): pdfsig and pyHanko
/// (trusting the test root and the TSA's root) accept it, and we verify it at B-T.
#[test]
fn b_t_with_a_real_tsa_passes_pdfsig_pyhanko_and_us() {
    let pyhanko = qes_testkit::require_tool!("pyhanko");
    let pdfsig = qes_testkit::require_tool!("pdfsig");
    let certutil = qes_testkit::require_tool!("certutil");
    let Some(server) = qes_testkit::servers::TsaServer::certomancer().expect("start certomancer")
    else {
        return;
    };
    let path = server
        .url()
        .splitn(4, '/')
        .nth(3)
        .map(|p| format!("/{p}"))
        .unwrap();
    let tsa = qes_tsp::TspClient::new(LoopbackPost {
        port: server.port(),
        path,
    });
    let now = chrono::Utc::now();
    let pdf = PadesSigner::new(&holder())
        .with_timestamper(&tsa)
        .with_signing_time(now)
        .sign(&minimal_pdf("Hello"))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = put(dir.path(), "b-t-certomancer.pdf", &pdf);

    let mut trusted = anchors();
    trusted.push(qes_cert::parse_der(server.root_der(), qes_cert::ParseMode::Strict).unwrap());
    let report = PadesVerifier::new(Verifier::new(&trusted, now))
        .verify(&pdf)
        .unwrap();
    assert!(report.all_passed(), "{report:#?}");
    assert_eq!(report.signatures[0].level, Some(PadesLevel::BaselineT));

    let db = nss_db(&certutil, dir.path());
    let r = run(Command::new(&pdfsig)
        .args(["-nssdir", &format!("sql:{}", db.display())])
        .arg(&file));
    assert!(r.stdout.contains("Signature is Valid."), "{r:?}");

    let tsa_root = put(dir.path(), "tsa-root.pem", server.root_pem());
    let root = put(dir.path(), "root.pem", pki().root().cert_pem());
    let r = qes_testkit::interop::pyhanko_validate(&pyhanko, &[&root, &tsa_root], &[], &file);
    assert!(r.success, "{r:?}");
    assert!(r.stdout.contains("The signature is judged VALID."), "{r:?}");
    assert!(
        r.stdout.contains("The TSA certificate is trusted."),
        "{r:?}"
    );
    // Negative control: without the TSA's root, pyHanko does not trust the timestamp.
    let r = qes_testkit::interop::pyhanko_validate(&pyhanko, &[&root], &[], &file);
    assert!(
        !r.stdout.contains("The TSA certificate is trusted."),
        "{r:?}"
    );
}

/// Our certification signatures at P = 1, 2, 3, and a P=2 certification followed by our
/// approval signature: (name, PDF, DocMDP level, signatures).
fn certified_outputs() -> Vec<(String, Vec<u8>, u8, usize)> {
    let signer = holder();
    let mut out = Vec::new();
    for p in 1..=3 {
        let pdf = PadesSigner::new(&signer)
            .with_certification(qes_pades::DocMdpLevel(p))
            .with_signing_time(at())
            .sign(&minimal_pdf("Hello"))
            .unwrap();
        if p == 2 {
            let twice = PadesSigner::new(&signer).sign(&pdf).unwrap();
            out.push(("certified-p2-then-signed.pdf".to_string(), twice, p, 2));
        }
        out.push((format!("certified-p{p}.pdf"), pdf, p, 1));
    }
    out
}

/// An approval signature appended to a P=1 document, bypassing our refusal: the update our
/// signer makes for the same file with `/P 1` read as `/P 2` (same length, same offsets),
/// appended to the real file (its own CMS covers the patched bytes, so it is broken; the
/// certification's verdict is what counts).
fn approval_after_p1(pdf: &[u8]) -> Vec<u8> {
    let at_ = pdf.windows(5).position(|w| w == b"/P 1 ").unwrap();
    let mut patched = pdf.to_vec();
    patched[at_ + 3] = b'2';
    let update = PadesSigner::new(&holder()).sign_update(&patched).unwrap();
    [pdf, &update[..]].concat()
}

/// pyHanko's own reading of each signature's DocMDP level (`EmbeddedPdfSignature.docmdp_level`).
const PYHANKO_DOCMDP: &str = "import sys\n\
from pyhanko.pdf_utils.reader import PdfFileReader\n\
with open(sys.argv[1], 'rb') as f:\n    \
for s in PdfFileReader(f).embedded_signatures:\n        \
print(s.field_name, s.docmdp_level)\n";

/// pyHanko and pdfsig accept our certification signatures at P = 1, 2, 3; pyHanko reads
/// the level we write, and a P=2 certification stays VALID under our later approval
/// signature. Negative controls: pyHanko finds a signature after P=1 incompatible with the
/// certification, and a flipped byte breaks a certified file for both tools; a document
/// timestamp after P=1 is allowed by both.
#[test]
fn pyhanko_and_pdfsig_accept_our_certifications() {
    let pyhanko = qes_testkit::require_tool!("pyhanko");
    let python = qes_testkit::require_tool!("python3");
    let pdfsig = qes_testkit::require_tool!("pdfsig");
    let certutil = qes_testkit::require_tool!("certutil");
    let dir = tempfile::tempdir().unwrap();
    let db = nss_db(&certutil, dir.path());
    let nss = format!("sql:{}", db.display());
    let anchors = anchors();
    let verifier = PadesVerifier::new(Verifier::new(&anchors, at()));
    let levels = ["NO_CHANGES", "FILL_FORMS", "ANNOTATE"];
    for (name, pdf, p, count) in certified_outputs() {
        let path = put(dir.path(), &name, &pdf);
        let r = pyhanko_validate(&pyhanko, dir.path(), &path, false);
        assert!(r.success, "{name}: {r:?}");
        assert_eq!(
            r.stdout.matches("The signature is judged VALID.").count(),
            count,
            "{name}: {r:?}"
        );
        let r = run(Command::new(&python)
            .arg("-c")
            .arg(PYHANKO_DOCMDP)
            .arg(&path));
        assert!(r.success, "{name}: {r:?}");
        let lines: Vec<&str> = r.stdout.lines().collect();
        assert_eq!(lines.len(), count, "{name}: {r:?}");
        assert_eq!(
            lines[0],
            format!("Signature1 MDPPerm.{}", levels[usize::from(p) - 1]),
            "{name}: {r:?}"
        );
        if count == 2 {
            assert_eq!(lines[1], "Signature2 None", "{name}: {r:?}");
        }
        let r = run(Command::new(&pdfsig).args(["-nssdir", &nss]).arg(&path));
        assert_eq!(
            r.stdout.matches("Signature is Valid.").count(),
            count,
            "{name}: {r:?}"
        );
        let report = verifier.verify(&pdf).unwrap();
        assert!(report.all_passed(), "{name}: {report:#?}");
        assert_eq!(
            report.signatures[0].certification,
            Some(qes_pades::DocMdpLevel(p)),
            "{name}"
        );
    }
    // Negative control: a signature after P=1 — pyHanko and we both find the
    // certification's later revision not allowed.
    let (_, p1, _, _) = certified_outputs()
        .into_iter()
        .find(|(n, ..)| n == "certified-p1.pdf")
        .unwrap();
    let after = approval_after_p1(&p1);
    let path = put(dir.path(), "certified-p1-then-signed.pdf", &after);
    let r = pyhanko_validate(&pyhanko, dir.path(), &path, false);
    assert!(!r.success, "{r:?}");
    assert!(!r.stdout.contains("judged VALID"), "{r:?}");
    assert!(
        r.stdout
            .contains("incompatible with the current document modification policy"),
        "{r:?}"
    );
    let report = verifier.verify(&after).unwrap();
    let cert = &report.signatures[0];
    assert_eq!(cert.certification, Some(qes_pades::DocMdpLevel(1)));
    assert!(cert.intact && cert.valid, "{cert:#?}");
    assert_eq!(cert.indication, Indication::TotalFailed, "{cert:#?}");
    // A document timestamp after P=1 is allowed: pyHanko judges the certification VALID
    // (its revision is signature maintenance), as we do.
    let tsa = tsa();
    let stamped = qes_pades::DocumentTimestamper::new(&tsa)
        .timestamp(&p1)
        .unwrap();
    let path = put(dir.path(), "certified-p1-stamped.pdf", &stamped);
    let r = pyhanko_validate(&pyhanko, dir.path(), &path, false);
    assert!(r.success, "{r:?}");
    assert_eq!(r.stdout.matches("judged VALID").count(), 1, "{r:?}");
    assert!(verifier.verify(&stamped).unwrap().all_passed());
    // Negative control: a flipped byte in a certified file.
    let path = put(dir.path(), "certified-p1-tampered.pdf", tampered(&p1));
    let r = pyhanko_validate(&pyhanko, dir.path(), &path, false);
    assert!(!r.success, "{r:?}");
    let r = run(Command::new(&pdfsig).args(["-nssdir", &nss]).arg(&path));
    assert!(!r.stdout.contains("Signature is Valid."), "{r:?}");
}

/// A new text annotation after our certification. At P=2 pyHanko and we both find it not
/// allowed. At P=3 we allow it (ISO 32000-2 §12.8.2.2.2 Table 257) and pyHanko does not:
/// its default diff policy has no rule for annotations at all (`form_field_rules.py`: "TODO
/// allow other annotation modifications, but at level ANNOTATIONS") — a known divergence,
/// asserted so that a pyHanko that learns annotations shows up here.
#[test]
fn annotations_after_a_certification_ours_and_pyhankos_verdicts() {
    let pyhanko = qes_testkit::require_tool!("pyhanko");
    let dir = tempfile::tempdir().unwrap();
    let anchors = anchors();
    let verifier = PadesVerifier::new(Verifier::new(&anchors, at()));
    let note = "<< /Type /Annot /Subtype /Text /Rect [100 100 120 120] /Contents (Vezi) >>";
    for p in [3, 2] {
        let pdf = PadesSigner::new(&holder())
            .with_certification(qes_pades::DocMdpLevel(p))
            .with_signing_time(at())
            .sign(&minimal_pdf("Hello"))
            .unwrap();
        let pdf = common::add_annotation(&pdf, note, None);
        let path = put(dir.path(), &format!("p{p}-annotated.pdf"), &pdf);
        let r = pyhanko_validate(&pyhanko, dir.path(), &path, false);
        assert!(!r.success, "P={p}: {r:?}");
        assert!(
            r.stdout
                .contains("incompatible with the current document modification policy"),
            "P={p}: {r:?}"
        );
        let s = &verifier.verify(&pdf).unwrap().signatures[0];
        assert!(s.intact && s.valid, "{s:#?}");
        assert_eq!(s.passed(), p == 3, "P={p}: {s:#?}");
    }
}
