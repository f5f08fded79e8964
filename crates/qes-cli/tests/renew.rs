//! `qes renew plan`, `qes renew csr` and `qes renew install` end to end; `install` against
//! SoftHSM2 tokens made by the test harness (`qes_testkit::softhsm`), cross-checked with
//! `pkcs11-tool`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::{Command, Output};

use chrono::Duration;
use qes_renewal::CertificationRequest;
use qes_testkit::softhsm::{SoftHsm, TestToken, USER_PIN};
use qes_testkit::{EndEntity, KeyAlgorithm, TestPki};

mod common;
use common::{qes, text};

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

// ---- qes renew install, against SoftHSM2 tokens made by the test harness ----------------

/// The harness, or return (skipping) from the test; under `CI=true` / `QES_REQUIRE_REAL=1`
/// a missing SoftHSM2 or pkcs11-tool fails the test instead.
macro_rules! hsm {
    () => {
        match SoftHsm::shared().unwrap() {
            Some(hsm) => hsm,
            None => return,
        }
    };
}

fn qes_on(hsm: &SoftHsm, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qes"))
        .args(args)
        .env("SOFTHSM2_CONF", hsm.conf_path())
        .env_remove("QES_PIN")
        .output()
        .expect("run qes")
}

/// A certificate for `spki` from the test PKI's qualified CA: a copy of the natural-person
/// holder's certificate with the key and serial swapped and the signature redone (what a
/// QTSP issues on renewal: same subject, new serial).
fn certify(spki: &x509_cert::spki::SubjectPublicKeyInfoOwned, serial: u8) -> Vec<u8> {
    use der::{Decode, Encode};
    let pki = TestPki::shared();
    let mut cert = x509_cert::Certificate::from_der(pki.natural_person().cert_der()).unwrap();
    cert.tbs_certificate.subject_public_key_info = spki.clone();
    cert.tbs_certificate.serial_number =
        x509_cert::serial_number::SerialNumber::new(&[0x51, serial]).unwrap();
    cert.tbs_certificate.extensions = cert.tbs_certificate.extensions.map(|exts| {
        exts.into_iter()
            .filter(|e| e.extn_id != const_oid::db::rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER)
            .collect()
    });
    let tbs = cert.tbs_certificate.to_der().unwrap();
    cert.signature =
        der::asn1::BitString::from_bytes(&pki.qualified_ca().key().sign(&tbs)).unwrap();
    cert.to_der().unwrap()
}

fn spki_of(der: &[u8]) -> x509_cert::spki::SubjectPublicKeyInfoOwned {
    use der::Decode;
    x509_cert::Certificate::from_der(der)
        .unwrap()
        .tbs_certificate
        .subject_public_key_info
}

fn serial(der: &[u8]) -> String {
    qes_cert::Certificate::from_der(der, qes_cert::ParseMode::Lenient)
        .unwrap()
        .serial_hex()
}

/// `(object type, CKA_ID)` of every object `pkcs11-tool --list-objects` shows.
fn objects(token: &TestToken) -> Vec<(String, String)> {
    let listing = token.pkcs11_tool_login(&["--list-objects"]).unwrap();
    let mut out = Vec::new();
    let mut kind = String::new();
    for line in listing.lines() {
        if let Some((what, _)) = line.split_once(" Object;") {
            kind = what.trim().to_owned();
        } else if let Some(id) = line.trim().strip_prefix("ID:") {
            out.push((kind.clone(), id.trim().to_owned()));
        }
    }
    out
}

fn certificates_with_id(token: &TestToken, id: &str) -> usize {
    objects(token)
        .iter()
        .filter(|(kind, i)| kind == "Certificate" && i == id)
        .count()
}

/// The certificate with `CKA_ID` `id`, read back by pkcs11-tool (an independent client).
fn read_certificate(token: &TestToken, id: &str, dir: &Path) -> Vec<u8> {
    let out = dir.join(format!("read-{id}.der"));
    token
        .pkcs11_tool_login(&[
            "--read-object",
            "--type",
            "cert",
            "--id",
            id,
            "-o",
            out.to_str().unwrap(),
        ])
        .unwrap();
    std::fs::read(out).unwrap()
}

#[test]
fn install_imports_next_to_the_key_then_deletes_the_old_certificate() {
    let hsm = hsm!();
    let token = hsm.token().unwrap();
    let pki = TestPki::shared();
    let holder = pki.natural_person();
    token.import(holder, &[0x01], true).unwrap();
    // A second key with its certificate, which the installation must leave alone.
    let other = pki
        .issue(
            &EndEntity::natural_person("Ana", "Ionescu", qes_testkit::NATURAL_PERSON_CNP)
                .key(KeyAlgorithm::EcP256)
                .label("renew-install-other"),
        )
        .unwrap();
    token.import(&other, &[0x02], true).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n).to_str().unwrap().to_owned();
    std::fs::write(d("pin"), format!("{USER_PIN}\n")).unwrap();
    let module = hsm.module_path().to_str().unwrap().to_owned();
    let pin = d("pin");
    let install = |cert: &str, extra: &[&str]| {
        let mut args = vec![
            "renew",
            "install",
            cert,
            "--pkcs11",
            &module,
            "--token",
            token.label(),
            "--pin-file",
            &pin,
        ];
        args.extend_from_slice(extra);
        qes_on(hsm, &args)
    };
    assert_eq!(certificates_with_id(&token, "01"), 1);

    // A certificate for a key that is not on the token: refused, the token unchanged.
    let stranger = pki
        .issue(
            &EndEntity::natural_person("Dan", "Popa", qes_testkit::NATURAL_PERSON_CNP)
                .label("renew-install-stranger"),
        )
        .unwrap();
    std::fs::write(d("stranger.der"), certify(&spki_of(stranger.cert_der()), 9)).unwrap();
    let o = install(&d("stranger.der"), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("no private key on the token has the certificate's public key"),
        "{}",
        text(&o)
    );
    // The renewed certificate of key 01 named with the wrong key: refused too.
    let renewed = certify(&spki_of(holder.cert_der()), 1);
    std::fs::write(d("renewed.der"), &renewed).unwrap();
    let o = install(&d("renewed.der"), &["--key-id", "02"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("does not match"), "{}", text(&o));
    assert!(!text(&o).contains("import "), "{}", text(&o));
    assert_eq!(certificates_with_id(&token, "01"), 1);
    assert_eq!(
        read_certificate(&token, "01", dir.path()),
        holder.cert_der()
    );

    // The renewal proper, the key found by its public key: one line per step, in order.
    let o = install(&d("renewed.der"), &[]);
    assert!(o.status.success(), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let steps: Vec<&str> = stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect();
    assert_eq!(
        steps,
        ["certificate", "token", "key", "import", "delete", "done"],
        "{stdout}"
    );
    assert!(stdout.contains("private key CKA_ID 01"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "removed old certificate {}",
            qes_cert::Certificate::from_der(holder.cert_der(), qes_cert::ParseMode::Lenient)
                .unwrap()
                .subject()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("serial {}", serial(holder.cert_der()))),
        "{stdout}"
    );
    // pkcs11-tool sees exactly one certificate for key 01, the new one; key 02 untouched.
    assert_eq!(
        certificates_with_id(&token, "01"),
        1,
        "{:?}",
        objects(&token)
    );
    assert_eq!(read_certificate(&token, "01", dir.path()), renewed);
    assert_eq!(certificates_with_id(&token, "02"), 1);
    assert_eq!(read_certificate(&token, "02", dir.path()), other.cert_der());
    for kind in ["Private Key", "Public Key"] {
        assert!(
            objects(&token)
                .iter()
                .any(|(k, id)| k == kind && id == "01"),
            "the key pair stays"
        );
    }

    // Run again: nothing written, nothing deleted.
    let o = install(&d("renewed.der"), &["--key-id", "01"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("already on the token"), "{}", text(&o));
    assert!(text(&o).contains("no old certificate"), "{}", text(&o));
    assert_eq!(certificates_with_id(&token, "01"), 1);

    // The token now signs with the renewed certificate.
    std::fs::write(d("doc.txt"), b"after renewal").unwrap();
    let o = qes_on(
        hsm,
        &[
            "sign",
            "cms",
            &d("doc.txt"),
            "--pkcs11",
            &module,
            "--token",
            token.label(),
            "--key-id",
            "01",
            "--pin-file",
            &pin,
            "-o",
            &d("doc.p7s"),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let p7s = std::fs::read(d("doc.p7s")).unwrap();
    assert!(p7s.windows(renewed.len()).any(|w| w == renewed.as_slice()));
    assert!(!p7s
        .windows(holder.cert_der().len())
        .any(|w| w == holder.cert_der()));
}

#[test]
fn install_a_certificate_for_a_key_generated_on_the_token() {
    use der::DecodePem;
    let hsm = hsm!();
    let token = hsm.token().unwrap();
    token
        .import(TestPki::shared().natural_person(), &[0x01], true)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n).to_str().unwrap().to_owned();
    std::fs::write(d("pin"), format!("{USER_PIN}\n")).unwrap();
    let module = hsm.module_path().to_str().unwrap().to_owned();
    let target = [
        "--pkcs11",
        module.as_str(),
        "--token",
        token.label(),
        "--pin-file",
        &d("pin"),
    ];
    let mut keygen = vec!["token", "keygen", "--key-id", "a1", "--type", "p384", "-o"];
    let public = d("new.pub.pem");
    keygen.push(&public);
    keygen.extend_from_slice(&target);
    let o = qes_on(hsm, &keygen);
    assert!(o.status.success(), "{}", text(&o));
    let spki = x509_cert::spki::SubjectPublicKeyInfoOwned::from_pem(
        std::fs::read_to_string(&public).unwrap(),
    )
    .unwrap();
    // The renewal request is signed on the token by the new key (proof of possession).
    let current = d("current.pem");
    std::fs::write(&current, TestPki::shared().natural_person().cert_pem()).unwrap();
    let csr_path = d("renewal.csr");
    let mut csr = vec![
        "renew",
        "csr",
        "--current",
        current.as_str(),
        "--key-id",
        "a1",
        "-o",
        csr_path.as_str(),
    ];
    csr.extend_from_slice(&target);
    let o = qes_on(hsm, &csr);
    assert!(o.status.success(), "{}", text(&o));
    let request =
        CertificationRequest::from_pem(&std::fs::read_to_string(&csr_path).unwrap()).unwrap();
    request.verify().unwrap();
    assert_eq!(
        request.public_key(),
        &spki,
        "the request certifies the token key"
    );
    if let Some(openssl) = qes_testkit::interop::find_tool("openssl") {
        let o = Command::new(openssl)
            .args(["req", "-verify", "-noout", "-in", csr_path.as_str()])
            .output()
            .unwrap();
        let all = text(&o);
        assert!(o.status.success() && all.contains("verify OK"), "{all}");
    } else {
        assert!(!qes_testkit::interop::require_real(), "openssl is missing");
    }
    let renewed = certify(&spki, 2);
    std::fs::write(d("renewed.pem"), pem(&renewed)).unwrap();
    let renewed_pem = d("renewed.pem");
    let mut install = vec!["renew", "install", renewed_pem.as_str()];
    install.extend_from_slice(&target);
    let o = qes_on(hsm, &install);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("private key CKA_ID a1"), "{out}");
    assert!(out.contains("no old certificate with CKA_ID a1"), "{out}");
    assert_eq!(read_certificate(&token, "a1", dir.path()), renewed);
    // The old key's certificate has another CKA_ID and is not this command's business.
    assert_eq!(certificates_with_id(&token, "01"), 1);
}

fn pem(der: &[u8]) -> String {
    pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, der).unwrap()
}
