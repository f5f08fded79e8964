//! `--csc` signing, `qes cloud credentials` and `qes sign pdf --batch` against a real CSC
//! server (certomancer-csc-dummy on loopback, started here); outputs judged by `qes verify`,
//! `openssl cms -verify` and `pyhanko sign validate`. Also: a credential that needs an OTP
//! is a usage error (never a hang) when there is no terminal and no --otp-file.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use qes_testkit::csc::{self, CscServer};

mod common;
use common::text;

fn qes(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qes"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run qes")
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The root of the dummy's PKI, as PEM in `dir`.
fn root_pem(server: &CscServer, dir: &Path) -> std::path::PathBuf {
    let client = qes_cloud::CscClient::builder(server.url())
        .connect()
        .unwrap();
    let info = client.credential_info(csc::CSC_RSA).unwrap();
    let root = info.certificates.last().unwrap();
    let pem = pem(root.der());
    let path = dir.join("csc-root.pem");
    std::fs::write(&path, pem).unwrap();
    path
}

fn pem(der: &[u8]) -> String {
    use base64ct::{Base64, Encoding};
    let b64 = Base64::encode_string(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

#[test]
fn cloud_credentials_lists_the_service() {
    let Some(server) = CscServer::start(csc::Scal::Two).unwrap() else {
        return;
    };
    let o = qes(&["cloud", "credentials", "--csc", &server.url()]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    for id in server.credentials() {
        assert!(out.contains(id), "{out}");
    }
    assert!(out.contains("SCAL 2, multisign 10"), "{out}");
    let o = qes(&[
        "cloud",
        "credentials",
        "--csc",
        &server.url(),
        "--credential",
        csc::CSC_ECDSA,
        "--json",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["specs"], "1.0.4.0");
    assert_eq!(json["credentials"][0]["id"], csc::CSC_ECDSA);
    assert_eq!(json["credentials"][0]["scal"], 2);
    assert_eq!(json["credentials"][0]["chain_length"], 2);
    // An unknown credential: exit 2 and a message naming it.
    let o = qes(&[
        "cloud",
        "credentials",
        "--csc",
        &server.url(),
        "--credential",
        "qes/nobody",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("unknown credential"), "{}", text(&o));
}

#[test]
fn sign_cms_through_the_cloud_verifies_with_qes_and_openssl() {
    let Some(server) = CscServer::start(csc::Scal::Two).unwrap() else {
        return;
    };
    let Some(openssl) = qes_testkit::interop::tool("openssl") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = root_pem(&server, dir.path());
    let data = dir.path().join("invoice.xml");
    std::fs::write(&data, b"<invoice>42</invoice>").unwrap();
    for (credential, algorithm) in [
        (csc::CSC_RSA, "RSA-PKCS1-SHA256"),
        (csc::CSC_RSA_PSS, "RSA-PSS-SHA256"),
        (csc::CSC_ECDSA, "ECDSA-SHA256"),
        (csc::CSC_ECDSA_P384, "ECDSA-SHA384"),
    ] {
        let out = dir
            .path()
            .join(format!("{}.p7s", credential.replace('/', "_")));
        let o = qes(&[
            "sign",
            "cms",
            &s(&data),
            "--csc",
            &server.url(),
            "--credential",
            credential,
            "--algorithm",
            algorithm,
            "--detached",
            "-o",
            &s(&out),
        ]);
        assert!(
            o.status.success(),
            "{credential}: {}\n{}",
            text(&o),
            server.logs()
        );
        let o = qes(&[
            "verify",
            &s(&out),
            "--content",
            &s(&data),
            "--trust",
            &s(&root),
        ]);
        assert!(o.status.success(), "{credential}: {}", text(&o));
        let o = Command::new(&openssl)
            .args(["cms", "-verify", "-binary", "-inform", "DER", "-in"])
            .arg(&out)
            .arg("-content")
            .arg(&data)
            .arg("-CAfile")
            .arg(&root)
            .args(["-purpose", "any", "-out", "/dev/null"])
            .output()
            .unwrap();
        assert!(o.status.success(), "openssl on {credential}: {}", text(&o));
    }
}

fn write_pdfs(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        std::fs::write(
            dir.join(format!("doc-{i:02}.pdf")),
            qes_testkit::pdf::one_page(&format!("batch {i}"), 100),
        )
        .unwrap();
    }
}

#[test]
fn batch_signing_one_authorization_per_multisign_documents() {
    let Some(server) = CscServer::start(csc::Scal::Two).unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = root_pem(&server, dir.path());
    let input = dir.path().join("in");
    let output = dir.path().join("out");
    write_pdfs(&input, 12);
    std::fs::write(input.join("notes.txt"), b"not a PDF, ignored").unwrap();
    let o = qes(&[
        "sign",
        "pdf",
        "--batch",
        &s(&input),
        "-o",
        &s(&output),
        "--csc",
        &server.url(),
        "--credential",
        csc::CSC_ECDSA,
        "--reason",
        "batch",
    ]);
    assert!(o.status.success(), "{}\n{}", text(&o), server.logs());
    assert!(text(&o).contains("signed 12 PDF(s)"), "{}", text(&o));
    // 12 documents, multisign 10: two authorizations, two signHash calls.
    let logs = server.logs();
    assert_eq!(
        logs.matches("POST /csc/v1/credentials/authorize").count(),
        2,
        "{logs}"
    );
    assert_eq!(
        logs.matches("POST /csc/v1/signatures/signHash").count(),
        2,
        "{logs}"
    );
    let mut names: Vec<String> = std::fs::read_dir(&output)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 12, "{names:?}");
    for name in &names {
        let signed = output.join(name);
        let o = qes(&["verify", &s(&signed), "--trust", &s(&root)]);
        assert!(o.status.success(), "{name}: {}", text(&o));
        let original = std::fs::read(input.join(name)).unwrap();
        assert!(std::fs::read(&signed).unwrap().starts_with(&original));
    }
    // pyHanko judges one of them.
    if let Some(pyhanko) = qes_testkit::interop::tool("pyhanko") {
        let o = Command::new(pyhanko)
            .args(["sign", "validate", "--pretty-print", "--trust"])
            .arg(&root)
            .arg(output.join(&names[0]))
            .output()
            .unwrap();
        assert!(o.status.success(), "pyhanko: {}", text(&o));
        let out = text(&o);
        assert!(out.contains("The signature is judged VALID"), "{out}");
        assert!(
            out.contains("The signer's certificate is trusted."),
            "{out}"
        );
    }
}

#[test]
fn a_failing_batch_writes_nothing() {
    let Some(server) = CscServer::start(csc::Scal::One).unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let output = dir.path().join("out");
    write_pdfs(&input, 3);
    std::fs::write(input.join("zz-broken.pdf"), b"%PDF-1.7 but nothing else").unwrap();
    let o = qes(&[
        "sign",
        "pdf",
        "--batch",
        &s(&input),
        "-o",
        &s(&output),
        "--csc",
        &server.url(),
        "--credential",
        csc::CSC_RSA,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("zz-broken.pdf") || text(&o).contains("error"),
        "{}",
        text(&o)
    );
    let left: Vec<_> = std::fs::read_dir(&output)
        .map(|d| d.collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "nothing written: {left:?}");
    assert_eq!(
        server.logs().matches("credentials/authorize").count(),
        0,
        "no authorization spent"
    );
    // Output into the input directory is refused.
    let o = qes(&[
        "sign",
        "pdf",
        "--batch",
        &s(&input),
        "-o",
        &s(&input),
        "--csc",
        &server.url(),
        "--credential",
        csc::CSC_RSA,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

/// A CSC v2 service whose credential needs a PIN and an OTP; it only describes itself
/// (`info`, `credentials/info`): the CLI must refuse before authorizing.
fn otp_service() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let cert = qes_testkit::TestPki::shared()
        .natural_person()
        .cert_der()
        .to_vec();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut len = 0usize;
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                if h.trim().is_empty() {
                    break;
                }
                if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let answer = if line.contains("/csc/v2/info ") {
                serde_json::json!({"specs": "2.0.0.2", "name": "otp stub", "methods": []})
            } else if line.contains("/csc/v2/credentials/info ") {
                use base64ct::{Base64, Encoding};
                serde_json::json!({
                    "key": {"status": "enabled", "algo": ["1.2.840.113549.1.1.11"], "len": 2048},
                    "cert": {"certificates": [Base64::encode_string(&cert)]},
                    "auth": {"mode": "explicit", "objects": [{"type": "PIN", "id": "PIN"}, {"type": "OTP", "id": "OTP"}]},
                    "SCAL": "2", "multisign": 1
                })
            } else {
                serde_json::json!({"error": "invalid_request", "error_description": "unexpected call"})
            };
            let status = if answer.get("error").is_some() {
                400
            } else {
                200
            };
            let body = answer.to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn no_terminal_and_no_otp_file_is_a_usage_error() {
    let url = otp_service();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d.txt");
    std::fs::write(&data, b"x").unwrap();
    let pin = dir.path().join("pin");
    std::fs::write(&pin, b"1234\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_qes"))
        .args([
            "sign",
            "cms",
            &s(&data),
            "--csc",
            &url,
            "--credential",
            "c",
            "--pin-file",
            &s(&pin),
        ])
        .env_remove("QES_OTP")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--otp-file"), "{}", text(&o));
    // Without the PIN the PIN is named first.
    let o = qes(&["sign", "cms", &s(&data), "--csc", &url, "--credential", "c"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--pin-file"), "{}", text(&o));
    // --csc without --credential, and --key with --csc, are usage errors.
    let o = qes(&["sign", "cms", &s(&data), "--csc", &url]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = qes(&[
        "sign",
        "cms",
        &s(&data),
        "--csc",
        &url,
        "--credential",
        "c",
        "--key",
        "k.p12",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}
