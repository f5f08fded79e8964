//! The `qes` binary end to end: exit codes, text and JSON output, error lines.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::process::{Command, Output};

use chrono::Duration;
use qes_testkit::{CrlReason, EndEntity, Revoked, TestPki};

fn qes(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qes"))
        .args(args)
        .output()
        .expect("run qes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes the shared PKI and returns the directory (kept alive by the TempDir).
fn pki_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    TestPki::shared().write_to(dir.path()).unwrap();
    dir
}

fn p(dir: &Path, name: &str) -> String {
    dir.join(name).to_string_lossy().into_owned()
}

/// A time inside every shared-PKI validity window.
fn at() -> String {
    (TestPki::shared().epoch() + Duration::days(60)).to_rfc3339()
}

#[test]
fn help_everywhere() {
    for args in [
        &["--help"][..],
        &["cert", "--help"],
        &["cert", "inspect", "--help"],
        &["cert", "verify", "--help"],
        &["demo", "--help"],
        &["sign", "cms", "--help"],
        &["sign", "pdf", "--help"],
        &["timestamp", "pdf", "--help"],
        &["verify", "--help"],
        &["tsp", "query", "--help"],
        &["tsp", "verify", "--help"],
    ] {
        let o = qes(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).contains("Usage:"), "{args:?}");
    }
}

#[test]
fn inspect_natural_person_text_and_json() {
    let dir = pki_dir();
    let file = p(dir.path(), "natural-person.pem");
    let o = qes(&["cert", "inspect", &file, "--at", &at()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for needle in [
        "yes (EU, eIDAS)",
        "electronic signature",
        "natural person",
        "1850315400010",
        "Ștefan",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert!(text.contains("0 fatal, 0 error"), "{text}");

    let o = qes(&["cert", "inspect", &file, "--json", "--at", &at()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let first = &json[0];
    assert_eq!(first["validity"]["state"], "valid");
    assert!(first["validity"]["days_left"].as_i64().unwrap() > 0);
    assert_eq!(first["summary"]["qscd"]["value"], "declared");
    let romanian_id = &first["identity"]["romanian_id"];
    assert_eq!(romanian_id["kind"], "cnp", "{first:#}");
    assert_eq!(romanian_id["value"], "1850315400010");
    assert_eq!(romanian_id["birth_date"], "1985-03-15");
}

/// Regression: the legal person's identity (a `VATRO-` CUI) did not serialize, so
/// `--json` failed on the testkit's own seal certificate.
#[test]
fn inspect_legal_person_json() {
    let dir = pki_dir();
    let file = p(dir.path(), "legal-person.pem");
    let o = qes(&["cert", "inspect", &file, "--json", "--at", &at()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let first = &json[0];
    assert_eq!(
        first["summary"]["qualified"]["value"]["status"],
        "eu_qualified"
    );
    assert_eq!(first["summary"]["purpose"]["value"], "e_seal");
    assert_eq!(first["summary"]["person"]["value"], "legal");
    let romanian_id = &first["identity"]["romanian_id"];
    assert_eq!(romanian_id["kind"], "cui", "{first:#}");
    assert_eq!(romanian_id["value"], qes_testkit::LEGAL_PERSON_CUI);
    let o = qes(&["cert", "inspect", &file, "--at", &at()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("legal person"), "{}", stdout(&o));
}

#[test]
fn inspect_expired_reports_negative_days() {
    let dir = pki_dir();
    let late = (TestPki::shared().epoch() + Duration::days(365 * 4)).to_rfc3339();
    let o = qes(&[
        "cert",
        "inspect",
        &p(dir.path(), "natural-person.der"),
        "--json",
        "--at",
        &late,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json[0]["validity"]["state"], "expired");
    assert!(json[0]["validity"]["days_left"].as_i64().unwrap() < 0);
}

#[test]
fn verify_valid_path_exits_0() {
    let dir = pki_dir();
    let o = qes(&[
        "cert",
        "verify",
        &p(dir.path(), "natural-person.pem"),
        "--intermediate",
        &p(dir.path(), "qualified-ca.pem"),
        "--trust",
        &p(dir.path(), "root-ca.pem"),
        "--crl",
        &p(dir.path(), "qualified-ca.crl"),
        "--crl",
        &p(dir.path(), "root-ca.crl"),
        "--at",
        &at(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["valid"], true);
    assert_eq!(json["path"]["certificates"].as_array().unwrap().len(), 2);
    assert_eq!(
        json["path"]["certificates"][0]["revocation"]["status"], "good",
        "{json:#}"
    );
    assert!(json["path"]["trust_anchor"]["subject"]
        .as_str()
        .unwrap()
        .contains("Root CA"));
}

#[test]
fn verify_revoked_exits_1_with_code() {
    let dir = pki_dir();
    let pki = TestPki::shared();
    let twin = pki
        .issue(&EndEntity::natural_person("Ion", "Popescu", "1960229410015").label("cli-revoked"))
        .unwrap();
    let t = pki.epoch() + Duration::days(60);
    let crl = pki
        .crl(
            pki.qualified_ca(),
            &[Revoked::new(
                &twin,
                t - Duration::days(5),
                CrlReason::KeyCompromise,
            )],
            t - Duration::days(1),
            t + Duration::days(6),
        )
        .unwrap();
    std::fs::write(dir.path().join("twin.pem"), twin.cert_pem()).unwrap();
    std::fs::write(dir.path().join("now.crl"), crl).unwrap();
    let o = qes(&[
        "cert",
        "verify",
        &p(dir.path(), "twin.pem"),
        "--intermediate",
        &p(dir.path(), "qualified-ca.pem"),
        "--trust",
        &p(dir.path(), "root-ca.pem"),
        "--crl",
        &p(dir.path(), "now.crl"),
        "--crl",
        &p(dir.path(), "root-ca.crl"),
        "--at",
        &at(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}\n{}", stdout(&o), stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["valid"], false);
    assert_eq!(json["error"], "revoked", "{json:#}");
}

#[test]
fn verify_untrusted_exits_1() {
    let dir = pki_dir();
    let o = qes(&[
        "cert",
        "verify",
        &p(dir.path(), "natural-person.pem"),
        "--trust",
        &p(dir.path(), "legal-person.pem"),
        "--at",
        &at(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}\n{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).starts_with("INVALID"), "{}", stdout(&o));
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.der");
    std::fs::write(&junk, b"\x30\x03\x02\x01").unwrap();
    for args in [
        vec![
            "cert".to_owned(),
            "inspect".into(),
            junk.to_string_lossy().into_owned(),
        ],
        vec![
            "cert".into(),
            "inspect".into(),
            "/nonexistent/cert.pem".into(),
        ],
        vec![
            "cert".into(),
            "inspect".into(),
            junk.to_string_lossy().into_owned(),
            "--at".into(),
            "yesterday".into(),
        ],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = qes(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("qes: error: "), "{err}");
    }
    // Missing required arguments: clap's usage error, also exit 2.
    assert_eq!(qes(&["cert", "verify", "x.pem"]).status.code(), Some(2));
}

#[test]
fn demo_runs_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let o = qes(&["demo", "--dir", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Done:"), "{text}");
    assert!(!text.contains("UNEXPECTED"), "{text}");
    // One line per step.
    for step in 1..=12 {
        let prefix = format!("{step:>2}. ");
        assert_eq!(
            text.lines().filter(|l| l.starts_with(&prefix)).count(),
            1,
            "step {step}: {text}"
        );
    }
    assert!(
        text.contains("holder VALID, revoked twin INVALID"),
        "{text}"
    );
    assert!(text.contains("HashFailure"), "{text}");
    assert!(
        text.contains("countersignature TOTAL-PASSED (BaselineT)")
            && text.contains("holder HashFailure, countersignature HashFailure"),
        "{text}"
    );
    assert!(text.contains("check of confirmare.pdf: ACCEPTAT"), "{text}");
    assert!(text.contains("re-saved by a PDF reader"), "{text}");
    assert!(
        text.contains("renewal plan (token): renewal open"),
        "{text}"
    );
    // The token is used when SoftHSM2 is there, which the test command installs.
    if qes_testkit::interop::require_real() {
        assert!(text.contains("on SoftHSM2 token"), "{text}");
    }
    for file in [
        "stefan_margarit.pdf",
        "stefan_margarit-semnat.pdf",
        "confirmare.pdf",
        "confirmare-resalvat.pdf",
        "declaratie.txt.p7s",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
}

/// `qes` with the test PKI's key password in the environment.
fn qes_with_password(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qes"))
        .args(args)
        .env("QES_KEY_PASSWORD", qes_testkit::PKCS12_PASSWORD)
        .output()
        .expect("run qes")
}

/// `qes verify <p7s> --content <content> --trust root-ca.pem --at <at()> [extra]`.
fn verify_detached(d: &Path, p7s: &str, content: &str, extra: &[&str]) -> Output {
    let root = p(d, "root-ca.pem");
    let at = at();
    let mut args = vec![
        "verify",
        p7s,
        "--content",
        content,
        "--trust",
        &root,
        "--at",
        &at,
    ];
    args.extend_from_slice(extra);
    qes(&args)
}

#[test]
fn sign_cms_then_verify_attached_and_detached() {
    let dir = pki_dir();
    let d = dir.path();
    let doc = p(d, "invoice.xml");
    std::fs::write(&doc, b"<Invoice>RO-1</Invoice>").unwrap();
    let original = std::fs::read(&doc).unwrap();

    // Attached, default output name, PKCS#12 key.
    let o = qes_with_password(&["sign", "cms", &doc, "--key", &p(d, "natural-person.p12")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("attached"), "{}", stdout(&o));
    let attached = p(d, "invoice.xml.p7s");
    assert_eq!(
        std::fs::read(&doc).unwrap(),
        original,
        "the input is never modified"
    );
    let o = qes(&[
        "verify",
        &attached,
        "--trust",
        &p(d, "root-ca.pem"),
        "--at",
        &at(),
    ]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("TOTAL-PASSED"), "{}", stdout(&o));

    // Detached, PKCS#8 key with its certificate, a commitment type, JSON report.
    let detached = p(d, "invoice.detached.p7s");
    let o = qes(&[
        "sign",
        "cms",
        &doc,
        "--key",
        &p(d, "legal-person.key.pem"),
        "--cert",
        &p(d, "legal-person.pem"),
        "--chain",
        &p(d, "qualified-ca.pem"),
        "--detached",
        "--commitment",
        "approval",
        "-o",
        &detached,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = verify_detached(d, &detached, &doc, &["--json"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["detached"], true);
    assert_eq!(json["signers"][0]["indication"], "TOTAL-PASSED", "{json:#}");
    assert!(json["signers"][0]["signer"]["subject"]
        .as_str()
        .unwrap()
        .contains("VATRO-"));

    // A B-B signature is not B-T; an unknown level is a usage error.
    let o = verify_detached(d, &detached, &doc, &["--require-level", "B-T"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("below the required"), "{}", stdout(&o));
    let o = qes(&[
        "verify",
        &detached,
        "--content",
        &doc,
        "--trust",
        &p(d, "root-ca.pem"),
        "--require-level",
        "B-X",
    ]);
    assert_eq!(o.status.code(), Some(2));

    // Changed content: exit 1 with the sub-indication.
    let changed = p(d, "changed.xml");
    std::fs::write(&changed, b"<Invoice>RO-2</Invoice>").unwrap();
    let o = verify_detached(d, &detached, &changed, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("HASH_FAILURE"), "{}", stdout(&o));

    // Refuses to overwrite its input; wrong password and missing password are exit 2.
    let o = qes_with_password(&[
        "sign",
        "cms",
        &doc,
        "--key",
        &p(d, "natural-person.p12"),
        "-o",
        &doc,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("refusing to overwrite an input"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&doc).unwrap(), original);
    let pw = p(d, "wrong-password");
    std::fs::write(&pw, "not it\n").unwrap();
    let o = qes(&[
        "sign",
        "cms",
        &doc,
        "--key",
        &p(d, "natural-person.p12"),
        "--password-file",
        &pw,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("wrong password"), "{}", stderr(&o));
    let o = qes(&["sign", "cms", &doc, "--key", &p(d, "natural-person.p12")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("QES_KEY_PASSWORD"), "{}", stderr(&o));
}

#[test]
fn sign_verify_and_tsp_against_a_real_tsa() {
    let Some(tsa) = qes_testkit::servers::TsaServer::openssl().unwrap() else {
        return;
    };
    let dir = pki_dir();
    let d = dir.path();
    let doc = p(d, "contract.pdf");
    std::fs::write(&doc, b"%PDF-1.7 not really").unwrap();
    let now = chrono::Utc::now().to_rfc3339();

    let o = qes_with_password(&[
        "sign",
        "cms",
        &doc,
        "--key",
        &p(d, "natural-person.p12"),
        "--detached",
        "--tsa",
        tsa.url(),
    ]);
    assert!(o.status.success(), "{}\n{}", stderr(&o), tsa.logs());
    assert!(stdout(&o).contains("CAdES B-T"), "{}", stdout(&o));
    let o = qes(&[
        "verify",
        &p(d, "contract.pdf.p7s"),
        "--content",
        &doc,
        "--trust",
        &p(d, "root-ca.pem"),
        "--at",
        &now,
        "--json",
    ]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["signers"][0]["level"], "B-T", "{json:#}");
    assert!(json["signers"][0]["timestamp_time"].is_string());

    // tsp query / verify, and openssl ts -verify on what query wrote.
    let tsr = p(d, "contract.tsr");
    let tsq = p(d, "contract.tsq");
    let o = qes(&[
        "tsp",
        "query",
        &doc,
        "--tsa",
        tsa.url(),
        "--hash",
        "sha512",
        "-o",
        &tsr,
        "--request-out",
        &tsq,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let trust = p(d, "tsa-root.pem");
    std::fs::write(&trust, tsa.root_pem()).unwrap();
    let o = qes(&[
        "tsp",
        "verify",
        &tsr,
        "--data",
        &doc,
        "--trust",
        &trust,
        "--intermediate",
        &p(d, "chain.pem"),
        "--at",
        &now,
    ]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("timestamp TOTAL-PASSED"),
        "{}",
        stdout(&o)
    );
    let openssl = qes_testkit::interop::tool("openssl").expect("openssl");
    let out = Command::new(openssl)
        .args(["ts", "-verify", "-queryfile", &tsq, "-in", &tsr, "-CAfile"])
        .arg(tsa.root_pem_path())
        .arg("-untrusted")
        .arg(tsa.untrusted_pem_path())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Verification: OK"),
        "{out:?}"
    );
    // The token over other data: exit 1.
    let other = p(d, "other.bin");
    std::fs::write(&other, b"other").unwrap();
    let o = qes(&[
        "tsp", "verify", &tsr, "--data", &other, "--trust", &trust, "--at", &now,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    // An unreachable TSA is one error line and exit 2.
    let o = qes(&["tsp", "query", &doc, "--tsa", "http://127.0.0.1:9/tsa"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
}

/// A one-page PDF with a classic cross-reference table.
fn minimal_pdf() -> Vec<u8> {
    let body = "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
                2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
                3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n";
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
    pdf.into_bytes()
}

#[test]
fn sign_pdf_verify_and_timestamp_pdf() {
    let dir = pki_dir();
    let d = dir.path();
    let pdf = p(d, "contract.pdf");
    std::fs::write(&pdf, minimal_pdf()).unwrap();
    let now = chrono::Utc::now().to_rfc3339();
    let root = p(d, "root-ca.pem");

    let o = qes_with_password(&[
        "sign",
        "pdf",
        &pdf,
        "--key",
        &p(d, "natural-person.p12"),
        "--reason",
        "Aprobat",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let signed = p(d, "contract-signed.pdf");
    let signed_bytes = std::fs::read(&signed).unwrap();
    assert!(
        signed_bytes.starts_with(&minimal_pdf()),
        "an incremental update"
    );
    let o = qes(&["verify", &signed, "--trust", &root, "--at", &now, "--json"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        json["signatures"][0]["indication"], "TOTAL-PASSED",
        "{json:#}"
    );
    // Every field the verdict promises, per signature.
    let s = &json["signatures"][0];
    assert_eq!(s["sub_indication"], serde_json::Value::Null, "{s:#}");
    assert_eq!(
        (&s["intact"], &s["valid"], &s["trusted"]),
        (&true.into(), &true.into(), &true.into()),
        "{s:#}"
    );
    assert_eq!(s["coverage"], "ENTIRE_FILE", "{s:#}");
    assert_eq!(s["modifications"]["class"], "none", "{s:#}");
    assert!(
        s["signer"]["signer"]["subject"]
            .as_str()
            .unwrap()
            .contains(qes_testkit::NATURAL_PERSON_SURNAME),
        "{s:#}"
    );
    let signing_time: chrono::DateTime<chrono::Utc> =
        s["signing_time"].as_str().unwrap().parse().unwrap();
    assert!((chrono::Utc::now() - signing_time).num_minutes().abs() < 10);
    assert_eq!(s["timestamp_time"], serde_json::Value::Null, "B-B: {s:#}");
    let o = qes(&["verify", &signed, "--trust", &root, "--at", &now]);
    for line in ["trusted true", "signing time (/M, claimed)"] {
        assert!(stdout(&o).contains(line), "{line}: {}", stdout(&o));
    }
    // An unrelated trust anchor: still intact and valid, but not trusted, and exit 1.
    let other = p(d, "legal-person.pem");
    let o = qes(&["verify", &signed, "--trust", &other, "--at", &now, "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let s = &json["signatures"][0];
    assert_eq!(
        (&s["intact"], &s["valid"], &s["trusted"]),
        (&true.into(), &true.into(), &false.into()),
        "{s:#}"
    );
    assert_eq!(s["sub_indication"], "NO_CERTIFICATE_CHAIN_FOUND", "{s:#}");

    // One changed signed byte (the MediaBox): exit 1.
    let tampered = p(d, "tampered.pdf");
    let mut bytes = signed_bytes.clone();
    let at = bytes.windows(3).position(|w| w == b"612").unwrap();
    bytes[at] = b'7';
    std::fs::write(&tampered, &bytes).unwrap();
    let o = qes(&["verify", &tampered, "--trust", &root, "--at", &now]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("HASH_FAILURE"), "{}", stdout(&o));
    // --content makes no sense for a PDF; a PDF that is not one is exit 2.
    let o = qes(&["verify", &signed, "--content", &pdf, "--trust", &root]);
    assert_eq!(o.status.code(), Some(2));
    let o = qes_with_password(&[
        "sign",
        "pdf",
        &p(d, "root-ca.pem"),
        "--key",
        &p(d, "natural-person.p12"),
        "-o",
        &p(d, "x.pdf"),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));

    // Certification P=1, then an approval signature is refused; P=2 then signed verifies.
    let certified = p(d, "certified.pdf");
    let o = qes_with_password(&[
        "sign",
        "pdf",
        &pdf,
        "--key",
        &p(d, "legal-person.p12"),
        "--certify",
        "1",
        "-o",
        &certified,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("DocMDP P=1"), "{}", stdout(&o));
    let o = qes(&["verify", &certified, "--trust", &root, "--at", &now]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("certification signature"),
        "{}",
        stdout(&o)
    );
    let o = qes_with_password(&[
        "sign",
        "pdf",
        &certified,
        "--key",
        &p(d, "natural-person.p12"),
        "-o",
        &p(d, "after-p1.pdf"),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let o = qes_with_password(&[
        "sign",
        "pdf",
        &pdf,
        "--key",
        &p(d, "legal-person.p12"),
        "--certify",
        "4",
    ]);
    assert_eq!(o.status.code(), Some(2));

    // A document timestamp from a real TSA over the signed PDF; both then verify.
    let Some(tsa) = qes_testkit::servers::TsaServer::openssl().unwrap() else {
        return;
    };
    let stamped = p(d, "contract-stamped.pdf");
    let o = qes(&[
        "timestamp",
        "pdf",
        &signed,
        "--tsa",
        tsa.url(),
        "-o",
        &stamped,
    ]);
    assert!(o.status.success(), "{}\n{}", stderr(&o), tsa.logs());
    let o = qes(&["verify", &stamped, "--trust", &root, "--at", &now, "--json"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["signatures"].as_array().unwrap().len(), 2, "{json:#}");
    assert_eq!(
        json["signatures"][0]["coverage"], "ENTIRE_REVISION",
        "{json:#}"
    );
    let stamp = &json["signatures"][1];
    assert_eq!(stamp["kind"], "document-timestamp", "{json:#}");
    assert_eq!(stamp["trusted"], true, "{stamp:#}");
    let gen_time: chrono::DateTime<chrono::Utc> =
        stamp["timestamp_time"].as_str().unwrap().parse().unwrap();
    assert!((chrono::Utc::now() - gen_time).num_minutes().abs() < 10);
    assert_eq!(
        json["signatures"][0]["modifications"]["class"],
        "signature-maintenance"
    );
}
