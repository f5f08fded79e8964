#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Independent tools judge the testkit's output: pkilint (ETSI EN 319 412 profiles) and
//! OpenSSL 3 (PKCS#12). Through the interop gate: skipped locally when a tool is missing,
//! a failure under `CI=true` / `QES_REQUIRE_REAL=1`.

use std::path::Path;
use std::process::Command;

use qes_testkit::{interop, CrlReason, EndEntity, Issued, Revoked, TestPki};
use x509_cert::ext::pkix::{KeyUsage, KeyUsages};

/// One pkilint finding (CSV row).
#[derive(Debug)]
struct Finding {
    severity: String,
    code: String,
    line: String,
}

/// Runs `lint_etsi_cert lint <args> -f CSV <cert.der>` and returns its findings.
fn pkilint(lint: &Path, cert: &Issued, args: &[&str]) -> Vec<Finding> {
    pkilint_der(lint, cert.cert_der(), args)
}

/// Runs a pkilint linter (`lint <args> -f CSV <file>`) on DER bytes.
fn pkilint_der(lint: &Path, der: &[u8], args: &[&str]) -> Vec<Finding> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("input.der");
    std::fs::write(&file, der).unwrap();
    let out = Command::new(lint)
        .arg("lint")
        .args(args)
        .args(["-f", "CSV", "--document-format", "DER"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let mut lines = stdout.lines();
    // pkilint exits non-zero whenever it reports anything (even INFO); the CSV header
    // proves it ran and parsed the certificate.
    assert_eq!(
        lines.next(),
        Some("node_path,validator,severity,code,message"),
        "pkilint did not run: status {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    assert!(!stderr.contains("Traceback"), "pkilint crashed:\n{stderr}");
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let fields: Vec<&str> = l.splitn(5, ',').collect();
            assert!(fields.len() >= 4, "unparsable pkilint line: {l}");
            Finding {
                severity: fields[2].to_owned(),
                code: fields[3].to_owned(),
                line: l.to_owned(),
            }
        })
        .collect()
}

fn assert_no_error(what: &str, findings: &[Finding]) {
    for f in findings {
        eprintln!("pkilint {what}: {} {}", f.severity, f.code);
    }
    let bad: Vec<&str> = findings
        .iter()
        .filter(|f| f.severity == "ERROR" || f.severity == "FATAL")
        .map(|f| f.line.as_str())
        .collect();
    assert!(
        bad.is_empty(),
        "pkilint {what}: ERROR/FATAL findings:\n{}",
        bad.join("\n")
    );
}

#[test]
fn pkilint_natural_person_qcp_n_qscd_is_clean() {
    let lint = qes_testkit::require_tool!("lint_etsi_cert");
    let pki = TestPki::shared();
    let findings = pkilint(
        &lint,
        pki.natural_person(),
        &["-t", "QCP-N-QSCD-EIDAS-FINAL-CERTIFICATE"],
    );
    assert_no_error(
        "natural person (QCP-N-QSCD-EIDAS-FINAL-CERTIFICATE)",
        &findings,
    );
    let detected = pkilint(&lint, pki.natural_person(), &["-d"]);
    assert_no_error("natural person (detected)", &detected);
}

#[test]
fn pkilint_legal_person_is_clean() {
    let lint = qes_testkit::require_tool!("lint_etsi_cert");
    let pki = TestPki::shared();
    // pkilint 0.13 has no QCP-l-qscd type: it lints legal-person (e-seal) certificates,
    // qualified or not, as NCP-LEGAL-PERSON-CERTIFICATE (which is also what `-d` detects).
    let findings = pkilint(
        &lint,
        pki.legal_person(),
        &["-t", "NCP-LEGAL-PERSON-CERTIFICATE"],
    );
    assert_no_error("legal person (NCP-LEGAL-PERSON-CERTIFICATE)", &findings);
    let detected = pkilint(&lint, pki.legal_person(), &["-d"]);
    assert_no_error("legal person (detected)", &detected);
}

#[test]
fn pkilint_catches_a_broken_profile() {
    // The gate is not vacuous: a natural-person certificate whose key usage allows only
    // key encipherment must get an ERROR.
    let lint = qes_testkit::require_tool!("lint_etsi_cert");
    let pki = TestPki::shared();
    let broken = pki
        .issue(
            &EndEntity::natural_person("Ion", "Popescu", qes_testkit::NATURAL_PERSON_CNP)
                .label("broken-ku")
                .key_usage(KeyUsage(KeyUsages::KeyEncipherment.into())),
        )
        .unwrap();
    let findings = pkilint(
        &lint,
        &broken,
        &["-t", "QCP-N-QSCD-EIDAS-FINAL-CERTIFICATE"],
    );
    assert!(
        findings.iter().any(|f| f.severity == "ERROR"),
        "expected an ERROR, got {findings:?}"
    );
}

#[test]
fn pkilint_crls_are_clean() {
    let lint = qes_testkit::require_tool!("lint_crl");
    let pki = TestPki::shared();
    let at = pki.epoch() + chrono::Duration::days(40);
    let crl = pki
        .crl(
            pki.qualified_ca(),
            &[
                Revoked::new(
                    pki.natural_person(),
                    at - chrono::Duration::days(3),
                    CrlReason::KeyCompromise,
                ),
                Revoked::new(
                    pki.tsa(),
                    at - chrono::Duration::days(2),
                    CrlReason::Unspecified,
                ),
            ],
            at,
            at + chrono::Duration::days(7),
        )
        .unwrap();
    let findings = pkilint_der(&lint, &crl, &["-t", "CRL", "-p", "PKIX"]);
    assert_no_error("qualified CA CRL (CRL, PKIX)", &findings);
    let arl = pki
        .crl(
            pki.root(),
            &[Revoked::new(
                pki.qualified_ca(),
                at - chrono::Duration::days(1),
                CrlReason::CaCompromise,
            )],
            at,
            at + chrono::Duration::days(30),
        )
        .unwrap();
    let findings = pkilint_der(&lint, &arl, &["-t", "ARL", "-p", "PKIX"]);
    assert_no_error("root ARL (ARL, PKIX)", &findings);
}

fn openssl_pkcs12(openssl: &Path, p12: &[u8], args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.p12");
    std::fs::write(&file, p12).unwrap();
    Command::new(openssl)
        .arg("pkcs12")
        .arg("-in")
        .arg(&file)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn openssl_reads_pkcs12() {
    let openssl = qes_testkit::require_tool!("openssl");
    let pki = TestPki::shared();
    for issued in [
        pki.natural_person(),
        pki.dcc_signer(qes_testkit::DccType::Test),
    ] {
        let password = "parolă-Ș3cretă";
        let p12 = issued.pkcs12(password).unwrap();
        let pass = format!("pass:{password}");

        let info = openssl_pkcs12(&openssl, &p12, &["-info", "-noout", "-passin", &pass]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&info.stdout),
            String::from_utf8_lossy(&info.stderr)
        );
        assert!(
            info.status.success(),
            "openssl pkcs12 -info failed:\n{text}"
        );
        assert!(text.contains("MAC: sha256"), "{text}");
        assert!(text.contains("PBES2, PBKDF2, AES-256-CBC"), "{text}");
        assert!(text.contains("Shrouded Keybag"), "{text}");
        assert_eq!(text.matches("Certificate bag").count(), 3, "{text}");

        // Extract: the key and the leaf certificate come back as we wrote them.
        let out = openssl_pkcs12(&openssl, &p12, &["-nodes", "-passin", &pass]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pem = String::from_utf8(out.stdout).unwrap();
        assert!(
            pem.contains(issued.cert_pem().trim_end()),
            "leaf certificate missing"
        );
        assert!(
            pem.contains(pki.root().cert_pem().trim_end()),
            "root missing"
        );
        assert!(
            pem.contains(issued.key().pkcs8_pem().trim_end()),
            "private key differs"
        );
        assert!(
            pem.contains(&format!("friendlyName: {}", issued.label())),
            "{pem}"
        );

        // A wrong password is rejected (MAC check).
        let wrong = openssl_pkcs12(
            &openssl,
            &p12,
            &["-info", "-noout", "-passin", "pass:wrong"],
        );
        assert!(!wrong.status.success());
    }
}

#[test]
fn gate_finds_tools_and_skips_missing_ones() {
    assert!(interop::find_tool("sh").is_some());
    assert!(
        interop::venv_bin_dir().ends_with(".venv-interop/bin")
            || std::env::var_os(interop::VENV_ENV).is_some()
    );
    assert!(interop::workspace_root().join("Cargo.toml").exists());
    if !interop::require_real() {
        assert!(interop::tool_for("gate_test", "qes-no-such-tool-xyz").is_none());
    }
}
