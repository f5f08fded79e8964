//! `qes dcc issue`, `qes dcc verify` and `qes dcc decode` end to end, with the testkit's DCC
//! signers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::Duration;
use qes_testkit::TestPki;

mod common;
use common::{qes, text};

fn cnp(first12: &str) -> String {
    let d: [u8; 12] = first12
        .bytes()
        .map(|b| b - b'0')
        .collect::<Vec<_>>()
        .try_into()
        .unwrap();
    format!("{first12}{}", qes_cert::cnp_control_digit(&d))
}

#[test]
fn issue_then_verify_png_svg_text_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let pki = TestPki::shared();
    pki.write_to(dir.path()).unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_owned();
    let at = pki.epoch() + Duration::days(40);
    let dt = (at - Duration::days(20)).format("%Y-%m-%d").to_string();
    let month = (at - Duration::days(20)).format("%Y-%m").to_string();
    let uvci = qes_dcc::uvci::Uvci::generate("RO", "MS/ABC123XYZ").unwrap();
    let request = serde_json::json!({
        "issuer_country": "RO",
        "valid_days": 365,
        "request": {
            "identity": {"kind": "cnp", "cnp": cnp("180051740123"), "id_series": "RX",
                         "id_number": "123456", "surname_initial": "P", "given_name_initial": "S"},
            "certificate": "vaccination", "product": "EU/1/20/1528", "county": "CJ", "month": month
        },
        "certificate": {
            "ver": "1.3.0",
            "nam": {"fn": "Popescu", "fnt": "POPESCU", "gn": "Ștefan", "gnt": "STEFAN"},
            "dob": "1980-05-17",
            "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
                   "dn": 2, "sd": 2, "dt": dt, "co": "RO", "is": "Ministerul Sănătății", "ci": uvci.as_str()}]
        }
    });
    std::fs::write(p("req.json"), request.to_string()).unwrap();
    let at_s = at.to_rfc3339();
    let o = qes(&[
        "dcc",
        "issue",
        &p("req.json"),
        "--key",
        &p("dcc-vaccination.p12"),
        "-o",
        &p("qr.png"),
        "--at",
        &at_s,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let hc1 = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    assert!(hc1.starts_with("HC1:"));

    // The PNG verifies, text and JSON.
    let o = qes(&[
        "dcc",
        "verify",
        &p("qr.png"),
        "--trust",
        &p("dcc-vaccination.pem"),
        "--at",
        &at_s,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("RESULT: accepted"), "{}", text(&o));
    let o = qes(&[
        "dcc",
        "verify",
        &hc1,
        "--trust",
        &p("dcc-vaccination.der"),
        "--at",
        &at_s,
        "--json",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["accepted"], true);
    assert_eq!(json["certificate"]["type"], "vaccination");

    // Wrong trust: refused, exit 1, the kid step named.
    let o = qes(&[
        "dcc",
        "verify",
        &hc1,
        "--trust",
        &p("dcc-test.pem"),
        "--at",
        &at_s,
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["steps"][5]["step"], "kid");
    assert_eq!(json["steps"][5]["status"], "failed");

    // Expired at a later time.
    let later = (at + Duration::days(400)).to_rfc3339();
    let o = qes(&[
        "dcc",
        "verify",
        &hc1,
        "--trust",
        &p("dcc-vaccination.pem"),
        "--at",
        &later,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));

    // Standard input, decode.
    let mut child = Command::new(env!("CARGO_BIN_EXE_qes"))
        .args(["dcc", "decode", "-", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(hc1.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["payload"]["nam"]["fnt"], "POPESCU");
    let o = qes(&["dcc", "decode", "HC1:NOT-BASE45!"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));

    // SVG output.
    let o = qes(&[
        "dcc",
        "issue",
        &p("req.json"),
        "--key",
        &p("dcc-vaccination.p12"),
        "-o",
        &p("qr.svg"),
        "--at",
        &at_s,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(std::fs::read_to_string(p("qr.svg"))
        .unwrap()
        .contains("<svg"));

    // An invalid portal request: exit 2 with the problems named.
    let mut bad = request.clone();
    bad["request"]["county"] = "ZZ".into();
    bad["request"]["identity"]["id_number"] = "12".into();
    std::fs::write(p("bad.json"), bad.to_string()).unwrap();
    let o = qes(&[
        "dcc",
        "issue",
        &p("bad.json"),
        "--key",
        &p("dcc-vaccination.p12"),
        "-o",
        &p("x.png"),
        "--at",
        &at_s,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("six digits") && text(&o).contains("ZZ"),
        "{}",
        text(&o)
    );

    // Usage: no --trust.
    let o = qes(&["dcc", "verify", &hc1]);
    assert_eq!(o.status.code(), Some(2));
}
