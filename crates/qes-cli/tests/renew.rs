//! `qes renew plan` and `qes renew csr` end to end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::process::{Command, Output};

use chrono::Duration;
use qes_renewal::CertificationRequest;
use qes_testkit::TestPki;

fn qes(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qes"))
        .args(args)
        .env("QES_KEY_PASSWORD", qes_testkit::PKCS12_PASSWORD)
        .output()
        .expect("run qes")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn plan_text_and_json_at_the_boundaries() {
    let dir = tempfile::tempdir().unwrap();
    TestPki::shared().write_to(dir.path()).unwrap();
    let cert = dir.path().join("natural-person.pem");
    let cert = cert.to_str().unwrap();
    let parsed = qes_cert::Certificate::from_der(
        TestPki::shared().natural_person().cert_der(),
        qes_cert::ParseMode::Strict,
    )
    .unwrap();
    let expiry = parsed.not_after();
    let deadline = (expiry - Duration::days(3)).to_rfc3339();
    let after = (expiry - Duration::days(3) + Duration::seconds(1)).to_rfc3339();

    let o = qes(&["renew", "plan", cert, "--at", &deadline]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("renewal open"), "{}", text(&o));
    assert!(text(&o).contains("submit the CSR by"), "{}", text(&o));

    let o = qes(&["renew", "plan", cert, "--at", &after, "--json"]);
    assert!(o.status.success(), "{}", text(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["status"]["status"], "closed");

    let ordered = (expiry - Duration::days(10)).to_rfc3339();
    let o = qes(&[
        "renew",
        "plan",
        cert,
        "--product",
        "cloud",
        "--at",
        &ordered,
        "--ordered",
        &ordered,
        "--term",
        "2",
        "--csr-submitted",
        &ordered,
        "--json",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["status"]["status"], "placed");
    assert_eq!(json["banner"], true);
    assert_eq!(json["kept"][0], "cloud_account");

    let o = qes(&["renew", "plan", cert, "--at", "yesterday"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn csr_rekey_from_pkcs12_and_new_key() {
    let dir = tempfile::tempdir().unwrap();
    TestPki::shared().write_to(dir.path()).unwrap();
    let d = |n: &str| dir.path().join(n).to_str().unwrap().to_owned();

    // Keep the key: the holder's PKCS#12 signs its own renewal request.
    let o = qes(&[
        "renew",
        "csr",
        "--key",
        &d("natural-person.p12"),
        "--current",
        &d("natural-person.pem"),
        "-o",
        &d("same-key.csr"),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let csr = CertificationRequest::from_pem(&std::fs::read_to_string(d("same-key.csr")).unwrap())
        .unwrap();
    csr.verify().unwrap();
    assert_eq!(
        csr.subject(),
        &TestPki::shared()
            .natural_person()
            .certificate()
            .tbs_certificate
            .subject
    );

    // A new key, written 0600, and a request for it.
    let o = qes(&[
        "renew",
        "csr",
        "--new-key",
        "p256",
        "--key-out",
        &d("new.key.pem"),
        "--current",
        &d("natural-person.pem"),
        "-o",
        &d("new-key.csr"),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d("new.key.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let key = qes_signer::SoftwareKey::from_pkcs8_pem(
        &std::fs::read_to_string(d("new.key.pem")).unwrap(),
    )
    .unwrap();
    let csr = CertificationRequest::from_pem(&std::fs::read_to_string(d("new-key.csr")).unwrap())
        .unwrap();
    csr.verify().unwrap();
    assert_eq!(csr.public_key(), key.public_key());

    // The generated key is never overwritten.
    let o = qes(&[
        "renew",
        "csr",
        "--new-key",
        "p256",
        "--key-out",
        &d("new.key.pem"),
        "--subject",
        "CN=X,C=RO",
        "-o",
        &d("again.csr"),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    // A plain PKCS#8 key with a new subject.
    let o = qes(&[
        "renew",
        "csr",
        "--key",
        &d("legal-person.key.pem"),
        "--subject",
        "CN=Firma SRL,organizationIdentifier=VATRO-12345678,C=RO",
        "-o",
        &d("legal.csr"),
    ]);
    assert!(o.status.success(), "{}", text(&o));

    // Usage errors exit 2.
    for args in [
        &["renew", "csr", "-o", &d("x.csr"), "--subject", "CN=X"][..],
        &[
            "renew",
            "csr",
            "--key",
            &d("legal-person.key.pem"),
            "-o",
            &d("x.csr"),
        ],
        &[
            "renew",
            "csr",
            "--key",
            &d("legal-person.key.pem"),
            "--subject",
            "garbage",
            "-o",
            &d("x.csr"),
        ],
    ] {
        let o = qes(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
    }
}
