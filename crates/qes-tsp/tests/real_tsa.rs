//! Against real TSAs on loopback: certomancer's and `openssl ts -reply`'s (started by
//! `qes_testkit::servers`). Our requests go out over `HttpTransport`, the responses must be
//! granted, and `openssl ts -verify -queryfile` must accept each response as the answer to
//! the request we built (imprint, nonce, policy, signature, TSA certificate path).
#![cfg(feature = "http")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::process::Command;

use qes_signer::DigestAlgorithm;
use qes_testkit::servers::{TsaKind, TsaServer, OPENSSL_TSA_OTHER_POLICY};
use qes_tsp::{
    FailureReason, HttpTransport, Nonce, PkiStatus, TimestampRequest, TimestampResponse, Transport,
    TspClient, TspError,
};

/// `openssl ts -verify` of `response` as the answer to `request`: whether it printed
/// "Verification: OK" and exited 0, and its output.
fn openssl_verifies(
    tsa: &TsaServer,
    dir: &Path,
    name: &str,
    request: &[u8],
    response: &[u8],
) -> (bool, String) {
    let openssl = qes_testkit::interop::tool("openssl").expect("openssl is required here");
    let q = dir.join(format!("{name}.tsq"));
    let r = dir.join(format!("{name}.tsr"));
    std::fs::write(&q, request).unwrap();
    std::fs::write(&r, response).unwrap();
    let out = Command::new(openssl)
        .args(["ts", "-verify", "-queryfile"])
        .arg(&q)
        .arg("-in")
        .arg(&r)
        .arg("-CAfile")
        .arg(tsa.root_pem_path())
        .arg("-untrusted")
        .arg(tsa.untrusted_pem_path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    (
        out.status.success() && stdout.contains("Verification: OK"),
        format!("{stdout}{stderr}"),
    )
}

/// Panics with openssl's output and the server log unless `openssl ts -verify` accepts.
fn openssl_verify(tsa: &TsaServer, dir: &Path, name: &str, request: &[u8], response: &[u8]) {
    let (ok, output) = openssl_verifies(tsa, dir, name, request, response);
    assert!(
        ok,
        "{}: openssl ts -verify rejected {name}: {output}\nserver log:\n{}",
        tsa.kind(),
        tsa.logs()
    );
}

/// The request matrix: every digest, with and without nonce, with and without a policy.
fn requests(policy: &str) -> Vec<(String, TimestampRequest)> {
    let mut out = Vec::new();
    for algorithm in DigestAlgorithm::ALL {
        for with_nonce in [true, false] {
            for with_policy in [false, true] {
                let data = format!("qes-tsp interop {algorithm} {with_nonce} {with_policy}");
                let mut request = TimestampRequest::from_data(algorithm, data.as_bytes()).unwrap();
                if !with_nonce {
                    request = request.without_nonce();
                }
                if with_policy {
                    request = request.with_policy(policy.parse().unwrap());
                }
                let name = format!(
                    "{}-{}-{}",
                    algorithm.name().to_ascii_lowercase(),
                    if with_nonce { "nonce" } else { "nononce" },
                    if with_policy { "policy" } else { "nopolicy" }
                );
                out.push((name, request));
            }
        }
    }
    out
}

fn grant_and_verify_matrix(tsa: &TsaServer, policy: &str) {
    let scratch = tempfile::tempdir().unwrap();
    let client = TspClient::new(HttpTransport::new(tsa.url()).unwrap());
    let requests = requests(policy);
    let mut answers = Vec::new();
    for (name, request) in &requests {
        let response = match client.request(request) {
            Ok(r) => r,
            Err(e) => panic!("{}: {name}: {e}\nserver log:\n{}", tsa.kind(), tsa.logs()),
        };
        assert_eq!(response.status().status(), PkiStatus::Granted, "{name}");
        let token = response.token().expect("granted responses carry a token");
        assert!(token.len() > 500, "{name}: token of {} bytes", token.len());
        // Re-fetch the raw body through the transport for openssl: the same request bytes,
        // so the nonce still matches.
        let der = request.to_der().unwrap();
        let raw = client.transport().send(&der).unwrap();
        let reparsed = TimestampResponse::from_der(&raw).unwrap();
        assert!(reparsed.status().is_granted(), "{name}");
        // The token is a slice of the body as received.
        let token = reparsed.token().unwrap();
        assert!(raw.windows(token.len()).any(|w| w == token), "{name}");
        openssl_verify(tsa, scratch.path(), name, &der, &raw);
        answers.push((der, raw));
    }
    // Negative control: a response does not verify as the answer to another request (other
    // imprint), nor with a nonce changed, so the checks above can fail.
    let (first_req, first_resp) = &answers[0];
    let (second_req, _) = &answers[2];
    let (ok, _) = openssl_verifies(tsa, scratch.path(), "mismatch", second_req, first_resp);
    assert!(!ok, "openssl accepted a response for another imprint");
    let other_nonce = TimestampRequest::from_der(first_req)
        .unwrap()
        .with_nonce(Nonce::from_u64(1))
        .to_der()
        .unwrap();
    let (ok, _) = openssl_verifies(tsa, scratch.path(), "nonce", &other_nonce, first_resp);
    assert!(!ok, "openssl accepted a response for another nonce");
    println!(
        "{}: {} requests granted and verified by openssl ts -verify",
        tsa.kind(),
        requests.len()
    );
}

#[test]
fn certomancer_grants_every_request_and_openssl_verifies_them() {
    let Some(tsa) = TsaServer::certomancer().expect("start certomancer") else {
        return;
    };
    assert_eq!(tsa.kind(), TsaKind::Certomancer);
    grant_and_verify_matrix(&tsa, tsa.policy());
}

#[test]
fn openssl_tsa_grants_every_request_and_openssl_verifies_them() {
    let Some(tsa) = TsaServer::openssl().expect("start the openssl TSA") else {
        return;
    };
    assert_eq!(tsa.kind(), TsaKind::Openssl);
    grant_and_verify_matrix(&tsa, OPENSSL_TSA_OTHER_POLICY);
}

#[test]
fn openssl_tsa_rejects_an_unaccepted_policy_with_fail_info() {
    let Some(tsa) = TsaServer::openssl().expect("start the openssl TSA") else {
        return;
    };
    let client = TspClient::new(HttpTransport::new(tsa.url()).unwrap());
    let request = TimestampRequest::from_data(DigestAlgorithm::Sha256, b"policy")
        .unwrap()
        .with_policy("1.3.6.1.4.1.32473.9.9".parse().unwrap());
    match client.request(&request) {
        Err(TspError::Rejected(status)) => {
            assert_eq!(status.status(), PkiStatus::Rejection);
            let info = status.fail_info().expect("failInfo");
            assert_eq!(
                info.reasons().collect::<Vec<_>>(),
                [FailureReason::UnacceptedPolicy]
            );
            assert!(!status.text().is_empty(), "openssl sends a status string");
        }
        other => panic!("expected a rejection, got {other:?}\n{}", tsa.logs()),
    }
}

#[test]
fn openssl_tsa_rejects_sha1_with_bad_alg() {
    let Some(tsa) = TsaServer::openssl().expect("start the openssl TSA") else {
        return;
    };
    let openssl = qes_testkit::interop::tool("openssl").expect("openssl");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::write(&data, b"sha-1 is not accepted").unwrap();
    // openssl builds the SHA-1 request: our builder cannot.
    let out = Command::new(openssl)
        .args(["ts", "-query", "-sha1", "-cert", "-data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success());
    let transport = HttpTransport::new(tsa.url()).unwrap();
    let body = transport.send(&out.stdout).unwrap();
    let response = TimestampResponse::from_der(&body).unwrap();
    assert_eq!(response.status().status(), PkiStatus::Rejection);
    assert!(response
        .status()
        .fail_info()
        .unwrap()
        .contains(FailureReason::BadAlg));
    assert!(response.token().is_none());
    assert!(matches!(
        response.into_granted(),
        Err(TspError::Rejected(_))
    ));
}

#[test]
fn non_2xx_from_a_real_server_is_a_typed_error() {
    let Some(tsa) = TsaServer::certomancer().expect("start certomancer") else {
        return;
    };
    let url = tsa.url().replace("/tsa/tsa", "/tsa/no-such-tsa");
    let client = TspClient::new(HttpTransport::new(url).unwrap());
    let request = TimestampRequest::from_data(DigestAlgorithm::Sha256, b"x").unwrap();
    match client.request(&request) {
        Err(TspError::HttpStatus { status, .. }) => assert!((400..600).contains(&status)),
        other => panic!("expected an HTTP status error, got {other:?}"),
    }
}

#[test]
fn nonce_given_by_the_caller_is_echoed_as_openssl_sees_it() {
    let Some(tsa) = TsaServer::openssl().expect("start the openssl TSA") else {
        return;
    };
    let openssl = qes_testkit::interop::tool("openssl").expect("openssl");
    let client = TspClient::new(HttpTransport::new(tsa.url()).unwrap());
    // Top bit set: the INTEGER needs a leading zero octet.
    let nonce = Nonce::from_u64(0xfedc_ba98_7654_3210);
    let request = TimestampRequest::from_data(DigestAlgorithm::Sha384, b"nonce")
        .unwrap()
        .with_nonce(nonce);
    let response = client.request(&request).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path().join("r.tsr");
    // `-token_in` prints a bare token.
    std::fs::write(&r, response.token().unwrap()).unwrap();
    let out = Command::new(openssl)
        .args(["ts", "-reply", "-token_in", "-text", "-in"])
        .arg(&r)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.to_ascii_uppercase()
            .contains("NONCE: 0XFEDCBA9876543210"),
        "{text}"
    );
}

/// The DER element at the start of `der` with its outer length made indefinite
/// (X.690 §8.1.3.6): `tag 0x80 contents 00 00`.
fn indefinite(der: &[u8], rewrap_children: &dyn Fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let (header_len, len) = match der[1] {
        n if n < 0x80 => (2, usize::from(n)),
        n => {
            let k = usize::from(n & 0x7f);
            let len = der[2..2 + k]
                .iter()
                .fold(0usize, |a, b| a * 256 + usize::from(*b));
            (2 + k, len)
        }
    };
    assert_eq!(header_len + len, der.len(), "one complete element");
    let mut out = vec![der[0], 0x80];
    out.extend(rewrap_children(&der[header_len..]));
    out.extend([0, 0]);
    out
}

/// The DER elements in `contents`, as slices.
fn elements(contents: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = contents;
    while !rest.is_empty() {
        let (header_len, len) = match rest[1] {
            n if n < 0x80 => (2, usize::from(n)),
            n => {
                let k = usize::from(n & 0x7f);
                (
                    2 + k,
                    rest[2..2 + k]
                        .iter()
                        .fold(0usize, |a, b| a * 256 + usize::from(*b)),
                )
            }
        };
        let (element, tail) = rest.split_at(header_len + len);
        out.push(element);
        rest = tail;
    }
    out
}

/// Regenerates `tests/fixtures/` from the real servers (see its README.md):
/// `QES_TSP_CAPTURE=1 cargo test -p qes-tsp --all-features --test real_tsa -- --ignored capture`.
#[test]
#[ignore = "regenerates the committed fixtures; run by hand"]
fn capture_fixtures() {
    if std::env::var("QES_TSP_CAPTURE").as_deref() != Ok("1") {
        panic!("set QES_TSP_CAPTURE=1 to overwrite tests/fixtures/");
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let save = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();

    let certomancer = TsaServer::certomancer().unwrap().expect("certomancer");
    let request = TimestampRequest::from_data(DigestAlgorithm::Sha256, b"qes-tsp fixture")
        .unwrap()
        .with_nonce(Nonce::from_u64(0x0123_4567_89ab_cdef));
    let der = request.to_der().unwrap();
    let body = HttpTransport::new(certomancer.url())
        .unwrap()
        .send(&der)
        .unwrap();
    save("certomancer-sha256.tsq", &der);
    save("certomancer-sha256.tsr", &body);
    save("certomancer-root.pem", certomancer.root_pem().as_bytes());
    save(
        "certomancer-tsa.pem",
        certomancer.untrusted_pem().as_bytes(),
    );

    // The same response in BER: first only the envelope (TimeStampResp, PKIStatusInfo)
    // indefinite, the token untouched; then the token's ContentInfo and [0] too.
    let envelope_only = indefinite(&body, &|contents| {
        let parts = elements(contents);
        let mut out = indefinite(parts[0], &|c| c.to_vec());
        out.extend_from_slice(parts[1]);
        out
    });
    save("certomancer-sha256-ber-envelope.tsr", &envelope_only);
    let ber_token = indefinite(&body, &|contents| {
        let parts = elements(contents);
        let mut out = indefinite(parts[0], &|c| c.to_vec());
        out.extend(indefinite(parts[1], &|ci| {
            let ci = elements(ci);
            let mut v = ci[0].to_vec();
            v.extend(indefinite(ci[1], &|c| c.to_vec()));
            v
        }));
        out
    });
    save("certomancer-sha256-ber-token.tsr", &ber_token);
    drop(certomancer);

    let openssl = TsaServer::openssl().unwrap().expect("openssl TSA");
    let transport = HttpTransport::new(openssl.url()).unwrap();
    let request = TimestampRequest::from_data(DigestAlgorithm::Sha512, b"qes-tsp fixture")
        .unwrap()
        .with_nonce(Nonce::from_u64(0x0123_4567_89ab_cdef))
        .with_policy(OPENSSL_TSA_OTHER_POLICY.parse().unwrap());
    let der = request.to_der().unwrap();
    save("openssl-sha512.tsq", &der);
    save("openssl-sha512.tsr", &transport.send(&der).unwrap());
    save("openssl-root.pem", openssl.root_pem().as_bytes());
    save("openssl-tsa.pem", openssl.untrusted_pem().as_bytes());
    let rejected = TimestampRequest::from_data(DigestAlgorithm::Sha256, b"qes-tsp fixture")
        .unwrap()
        .with_policy("1.3.6.1.4.1.32473.9.9".parse().unwrap());
    save(
        "openssl-rejected-policy.tsr",
        &transport.send(&rejected.to_der().unwrap()).unwrap(),
    );
    let tool = qes_testkit::interop::tool("openssl").expect("openssl");
    let data = dir.join("sha1.data.tmp");
    std::fs::write(&data, b"qes-tsp fixture").unwrap();
    let query = Command::new(tool)
        .args(["ts", "-query", "-sha1", "-cert", "-no_nonce", "-data"])
        .arg(&data)
        .output()
        .unwrap();
    std::fs::remove_file(&data).unwrap();
    save(
        "openssl-rejected-badalg.tsr",
        &transport.send(&query.stdout).unwrap(),
    );
}
