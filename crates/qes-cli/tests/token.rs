//! `qes token …` and `qes sign … --pkcs11` against SoftHSM2 tokens made by the test harness
//! (`qes_testkit::softhsm`); the `qes` child processes get the harness's `SOFTHSM2_CONF`.
//!
//! Gated: missing SoftHSM2 / pkcs11-tool fails under `CI=true` / `QES_REQUIRE_REAL=1` and
//! prints `SKIPPED` otherwise.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::process::{Command, Output};

use chrono::Duration;
use qes_testkit::softhsm::{
    SoftHsm, TestToken, CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED, SO_PIN, USER_PIN,
};
use qes_testkit::TestPki;

macro_rules! hsm {
    () => {
        match SoftHsm::shared().unwrap() {
            Some(hsm) => hsm,
            None => return,
        }
    };
}

fn qes(hsm: &SoftHsm, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qes"));
    command
        .args(args)
        .env("SOFTHSM2_CONF", hsm.conf_path())
        .env_remove("QES_PIN")
        .env_remove("QES_NEW_PIN")
        .env_remove("QES_PUK");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("run qes")
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn p(dir: &Path, name: &str) -> String {
    dir.join(name).to_string_lossy().into_owned()
}

fn module(hsm: &SoftHsm) -> String {
    hsm.module_path().to_string_lossy().into_owned()
}

/// A token with the shared natural-person holder (RSA) under CKA_ID 01 and a scratch dir
/// with the PKI files and a PIN file.
fn setup(hsm: &'static SoftHsm) -> (TestToken, tempfile::TempDir) {
    let token = hsm.token().unwrap();
    token
        .import(TestPki::shared().natural_person(), &[0x01], true)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    TestPki::shared().write_to(dir.path()).unwrap();
    std::fs::write(dir.path().join("pin"), format!("{USER_PIN}\n")).unwrap();
    (token, dir)
}

#[test]
fn token_list_text_and_json() {
    let hsm = hsm!();
    let (token, _dir) = setup(hsm);
    let o = qes(hsm, &["token", "list", "--pkcs11", &module(hsm)], &[]);
    assert!(o.status.success(), "{}", err(&o));
    let text = out(&o);
    assert!(text.contains(token.label()), "{text}");
    assert!(text.contains("certificate id 01"), "{text}");
    let o = qes(
        hsm,
        &["token", "list", "--pkcs11", &module(hsm), "--json"],
        &[],
    );
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ours = json
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == token.label())
        .unwrap();
    assert_eq!(ours["user_pin"], "ok");
    assert!(ours["objects"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["type"] == "certificate" && o["id"] == "01"));
}

#[test]
fn sign_cms_and_pdf_with_the_token_then_verify() {
    let hsm = hsm!();
    let (token, dir) = setup(hsm);
    let d = dir.path();
    let doc = p(d, "invoice.xml");
    std::fs::write(&doc, b"<Invoice>RO-7</Invoice>").unwrap();
    let p7s = p(d, "invoice.p7s");
    let o = qes(
        hsm,
        &[
            "sign",
            "cms",
            &doc,
            "--detached",
            "--pkcs11",
            &module(hsm),
            "--token",
            token.label(),
            "--key-id",
            "01",
            "--pin-file",
            &p(d, "pin"),
            "-o",
            &p7s,
        ],
        &[],
    );
    assert!(o.status.success(), "{}", err(&o));
    let at = (TestPki::shared().epoch() + Duration::days(60)).to_rfc3339();
    let root = p(d, "root-ca.pem");
    let o = qes(
        hsm,
        &[
            "verify",
            &p7s,
            "--content",
            &doc,
            "--trust",
            &root,
            "--at",
            &at,
        ],
        &[],
    );
    assert!(o.status.success(), "{}{}", out(&o), err(&o));

    // PDF, PIN from the environment.
    let pdf = p(d, "doc.pdf");
    std::fs::write(&pdf, qes_testkit::pdf::one_page("Token", 0)).unwrap();
    let signed = p(d, "doc-signed.pdf");
    let o = qes(
        hsm,
        &[
            "sign",
            "pdf",
            &pdf,
            "--pkcs11",
            &module(hsm),
            "--token",
            token.label(),
            "-o",
            &signed,
        ],
        &[("QES_PIN", USER_PIN)],
    );
    assert!(o.status.success(), "{}", err(&o));
    let o = qes(
        hsm,
        &["verify", &signed, "--trust", &root, "--at", &at],
        &[],
    );
    assert!(o.status.success(), "{}{}", out(&o), err(&o));
}

#[test]
fn pin_errors_are_usage_errors_and_never_hang() {
    let hsm = hsm!();
    let (token, dir) = setup(hsm);
    let d = dir.path();
    let doc = p(d, "a.txt");
    std::fs::write(&doc, b"a").unwrap();
    let base = [
        "sign",
        "cms",
        &doc,
        "--pkcs11",
        &module(hsm),
        "--token",
        token.label(),
    ];
    // No PIN source and stdin is not a terminal: a clear error, exit 2, no prompt.
    let o = qes(hsm, &base, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("QES_PIN"), "{}", err(&o));
    // A wrong PIN says so, without echoing it.
    let o = qes(hsm, &base, &[("QES_PIN", "31415926")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("wrong PIN") && !err(&o).contains("31415926"),
        "{}",
        err(&o)
    );
    // Final try: refused unless --allow-final-try.
    token.set_pin_flags(CKF_USER_PIN_FINAL_TRY).unwrap();
    let o = qes(hsm, &base, &[("QES_PIN", USER_PIN)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("next wrong PIN locks"), "{}", err(&o));
    let mut allowed = base.to_vec();
    allowed.push("--allow-final-try");
    let o = qes(hsm, &allowed, &[("QES_PIN", USER_PIN)]);
    assert!(o.status.success(), "{}", err(&o));
    // Locked: refused even with --allow-final-try, and the message says to use the PUK.
    token.set_pin_flags(CKF_USER_PIN_LOCKED).unwrap();
    let o = qes(hsm, &allowed, &[("QES_PIN", USER_PIN)]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(
        err(&o).contains("locked") && err(&o).contains("unblock it with the PUK"),
        "{}",
        err(&o)
    );
    token.set_pin_flags(0).unwrap();
    // Unknown token: the message lists what is there.
    let o = qes(
        hsm,
        &[
            "sign",
            "cms",
            &doc,
            "--pkcs11",
            &module(hsm),
            "--token",
            "nope",
        ],
        &[("QES_PIN", USER_PIN)],
    );
    assert!(
        err(&o).contains("no token with label") && err(&o).contains(token.label()),
        "{}",
        err(&o)
    );
}

#[test]
fn keygen_import_cert_change_pin_and_unblock() {
    let hsm = hsm!();
    let (token, dir) = setup(hsm);
    let d = dir.path();
    let m = module(hsm);
    let pin = p(d, "pin");
    let target = [
        "--pkcs11",
        m.as_str(),
        "--token",
        token.label(),
        "--pin-file",
        pin.as_str(),
    ];

    let mut keygen = vec!["token", "keygen", "--key-id", "a1", "--type", "p256", "-o"];
    let pem = p(d, "new.pub.pem");
    keygen.push(&pem);
    keygen.extend_from_slice(&target);
    let o = qes(hsm, &keygen, &[]);
    assert!(o.status.success(), "{}", err(&o));
    let text = std::fs::read_to_string(&pem).unwrap();
    assert!(text.starts_with("-----BEGIN PUBLIC KEY-----"), "{text}");
    let listing = token.pkcs11_tool_login(&["--list-objects"]).unwrap();
    assert!(
        listing.contains("ID:         a1") && listing.contains("EC"),
        "{listing}"
    );

    // A certificate that is not the new key's is refused.
    let mut import = vec!["token", "import-cert"];
    let cert = p(d, "natural-person.pem");
    import.push(&cert);
    import.extend_from_slice(&["--key-id", "a1"]);
    import.extend_from_slice(&target);
    let o = qes(hsm, &import, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("does not match"), "{}", err(&o));

    // The holder's own certificate again, as a replacement for itself (same key, CKA_ID 01).
    let mut replace = vec![
        "token",
        "import-cert",
        cert.as_str(),
        "--key-id",
        "01",
        "--replace",
        "01",
    ];
    replace.extend_from_slice(&target);
    let o = qes(hsm, &replace, &[]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(err(&o).contains("removed 1 old object"), "{}", err(&o));

    // change-pin to a long PIN: warning about macOS.
    let long = p(d, "long");
    std::fs::write(&long, "1234567890\n").unwrap();
    let mut change = vec!["token", "change-pin", "--new-pin-file", long.as_str()];
    change.extend_from_slice(&target);
    let o = qes(hsm, &change, &[]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(err(&o).contains("macOS"), "{}", err(&o));
    // The old PIN no longer works; unblock with the PUK sets a new one.
    let o = qes(hsm, &change, &[]);
    assert!(err(&o).contains("wrong PIN"), "{}", err(&o));
    let puk = p(d, "puk");
    std::fs::write(&puk, SO_PIN).unwrap();
    let o = qes(
        hsm,
        &[
            "token",
            "unblock",
            "--pkcs11",
            &m,
            "--token",
            token.label(),
            "--puk-file",
            &puk,
            "--new-pin-file",
            &pin,
        ],
        &[],
    );
    assert!(o.status.success(), "{}", err(&o));
    token.pkcs11_tool_login(&["--list-objects"]).unwrap();
}

#[test]
fn batch_signing_with_one_login_a_progress_bar_and_nothing_partial() {
    let hsm = hsm!();
    let (token, dir) = setup(hsm);
    let d = dir.path();
    let input = d.join("in");
    std::fs::create_dir(&input).unwrap();
    for i in 0..5 {
        std::fs::write(
            input.join(format!("doc-{i}.pdf")),
            qes_testkit::pdf::one_page(&format!("batch {i}"), 0),
        )
        .unwrap();
    }
    let (i, o) = (
        input.to_string_lossy().into_owned(),
        d.join("out").to_string_lossy().into_owned(),
    );
    let m = module(hsm);
    let pin = p(d, "pin");
    let batch = |input: &str, output: &str| {
        qes(
            hsm,
            &[
                "sign",
                "pdf",
                "--batch",
                input,
                "-o",
                output,
                "--pkcs11",
                &m,
                "--token",
                token.label(),
                "--pin-file",
                &pin,
                "--sessions",
                "2",
                "--progress",
                "always",
            ],
            &[],
        )
    };
    let done = batch(&i, &o);
    assert!(done.status.success(), "{}", err(&done));
    // The bar: each phase ends full.
    let bar = err(&done);
    let full = format!("[{}]", "#".repeat(30));
    for phase in ["5/5 read", "5/5 signed", "5/5 written"] {
        assert!(bar.contains(&format!("{full} {phase}")), "{bar}");
    }
    assert!(bar.contains("] 0/5 signed"), "{bar}");
    let at = (TestPki::shared().epoch() + Duration::days(60)).to_rfc3339();
    let root = p(d, "root-ca.pem");
    for n in 0..5 {
        let signed = format!("{o}/doc-{n}.pdf");
        let v = qes(
            hsm,
            &["verify", &signed, "--trust", &root, "--at", &at],
            &[],
        );
        assert!(v.status.success(), "{signed}: {}{}", out(&v), err(&v));
    }
    // Without --progress and with stderr not a terminal: no bar.
    let o2 = p(d, "out2");
    let quiet = qes(
        hsm,
        &[
            "sign",
            "pdf",
            "--batch",
            &i,
            "-o",
            &o2,
            "--pkcs11",
            &m,
            "--token",
            token.label(),
            "--pin-file",
            &pin,
        ],
        &[],
    );
    assert!(quiet.status.success(), "{}", err(&quiet));
    assert!(!err(&quiet).contains("###"), "{}", err(&quiet));

    // One broken PDF: exit 2 and not a single output file.
    std::fs::write(input.join("zz-broken.pdf"), b"%PDF-1.7 truncated").unwrap();
    let failed_out = p(d, "failed");
    let failed = batch(&i, &failed_out);
    assert_eq!(failed.status.code(), Some(2), "{}", err(&failed));
    let left: Vec<_> = std::fs::read_dir(&failed_out)
        .map(|entries| entries.collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "nothing written: {left:?}");
}
