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
    let o = qes(&["demo"]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Done:"), "{text}");
    assert!(text.contains("VALID at"), "{text}");
    assert!(text.contains("INVALID at"), "{text}");
}
