//! Parsing recorded responses from real TSAs (see `fixtures/README.md`): granted DER and
//! BER, rejections with failInfo; and robustness on every truncation and byte flip.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use qes_tsp::{
    FailureReason, Malformation, Nonce, PkiStatus, TimestampRequest, TimestampResponse, TspError,
};

fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).unwrap()
}

const RESPONSES: [&str; 6] = [
    "certomancer-sha256.tsr",
    "certomancer-sha256-ber-envelope.tsr",
    "certomancer-sha256-ber-token.tsr",
    "openssl-sha512.tsr",
    "openssl-rejected-policy.tsr",
    "openssl-rejected-badalg.tsr",
];

/// Where `needle` starts in `haystack`.
fn offset_of(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn granted_der_responses_carry_the_token_as_received() {
    for name in ["certomancer-sha256.tsr", "openssl-sha512.tsr"] {
        let bytes = fixture(name);
        let response = TimestampResponse::from_der(&bytes).unwrap();
        assert_eq!(response.status().status(), PkiStatus::Granted, "{name}");
        assert_eq!(response.status().fail_info(), None);
        let token = response.token().unwrap();
        // The token is the response's last element, byte for byte.
        assert_eq!(&bytes[bytes.len() - token.len()..], token, "{name}");
        assert!(response.token_has_definite_length());
        assert_eq!(response.clone().into_granted().unwrap(), token);
    }
}

#[test]
fn ber_envelopes_are_read_without_re_encoding_the_token() {
    let der = TimestampResponse::from_der(&fixture("certomancer-sha256.tsr")).unwrap();
    let der_token = der.token().unwrap();

    let bytes = fixture("certomancer-sha256-ber-envelope.tsr");
    assert_eq!(&bytes[..2], [0x30, 0x80], "indefinite outer length");
    let ber = TimestampResponse::from_der(&bytes).unwrap();
    assert_eq!(ber.status().status(), PkiStatus::Granted);
    assert_eq!(ber.token().unwrap(), der_token);
    assert_eq!(
        offset_of(&bytes, der_token),
        Some(9),
        "30 80 | 30 80 02 01 00 00 00 | token"
    );

    let bytes = fixture("certomancer-sha256-ber-token.tsr");
    let ber = TimestampResponse::from_der(&bytes).unwrap();
    let token = ber.token().unwrap();
    assert_eq!(&token[..2], [0x30, 0x80]);
    assert!(!ber.token_has_definite_length());
    // Exactly the bytes between the status and the envelope's end-of-contents.
    assert_eq!(token, &bytes[9..bytes.len() - 2]);
    assert_eq!(token.len(), der_token.len());
}

#[test]
fn rejections_carry_status_text_and_fail_info() {
    for (name, reason, text) in [
        (
            "openssl-rejected-policy.tsr",
            FailureReason::UnacceptedPolicy,
            "Requested policy is not supported.",
        ),
        (
            "openssl-rejected-badalg.tsr",
            FailureReason::BadAlg,
            "Message digest algorithm is not supported.",
        ),
    ] {
        let response = TimestampResponse::from_der(&fixture(name)).unwrap();
        let status = response.status().clone();
        assert_eq!(status.status(), PkiStatus::Rejection, "{name}");
        assert_eq!(status.text(), [text], "{name}");
        assert_eq!(
            status.fail_info().unwrap().reasons().collect::<Vec<_>>(),
            [reason],
            "{name}"
        );
        assert_eq!(response.token(), None);
        match response.into_granted() {
            Err(TspError::Rejected(s)) => {
                assert_eq!(s, status);
                let message = TspError::Rejected(s).to_string();
                assert!(message.contains(reason.name()), "{message}");
                assert!(message.contains(text), "{message}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn recorded_requests_decode_to_what_we_sent() {
    let req = TimestampRequest::from_der(&fixture("certomancer-sha256.tsq")).unwrap();
    assert_eq!(req.nonce(), Some(&Nonce::from_u64(0x0123_4567_89ab_cdef)));
    assert_eq!(req.policy(), None);
    assert!(req.cert_req());
    let req = TimestampRequest::from_der(&fixture("openssl-sha512.tsq")).unwrap();
    assert_eq!(
        req.policy().map(ToString::to_string).as_deref(),
        Some("1.3.6.1.4.1.32473.3161.2")
    );
    assert_eq!(req.imprint().digest().len(), 64);
}

#[test]
fn every_truncation_is_an_error_and_no_input_panics() {
    for name in RESPONSES {
        let bytes = fixture(name);
        for len in 0..bytes.len() {
            assert!(
                TimestampResponse::from_der(&bytes[..len]).is_err(),
                "{name}: prefix of {len} bytes parsed"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(matches!(
            TimestampResponse::from_der(&longer),
            Err(TspError::Malformed {
                reason: Malformation::TrailingData { trailing: 1 },
                ..
            })
        ));
        // Flip every bit of the first 64 bytes (the envelope): Ok or Err, never a panic.
        for i in 0..bytes.len().min(64) {
            for bit in 0..8 {
                let mut flipped = bytes.clone();
                flipped[i] ^= 1 << bit;
                let _ = TimestampResponse::from_der(&flipped);
            }
        }
    }
}

/// openssl, an independent BER parser, reads the BER fixtures as the same valid responses.
#[test]
fn openssl_verifies_the_recorded_responses() {
    let Some(openssl) = qes_testkit::interop::tool("openssl") else {
        return;
    };
    for (tsq, tsr, root, tsa) in [
        (
            "certomancer-sha256.tsq",
            "certomancer-sha256.tsr",
            "certomancer-root.pem",
            "certomancer-tsa.pem",
        ),
        (
            "certomancer-sha256.tsq",
            "certomancer-sha256-ber-envelope.tsr",
            "certomancer-root.pem",
            "certomancer-tsa.pem",
        ),
        (
            "certomancer-sha256.tsq",
            "certomancer-sha256-ber-token.tsr",
            "certomancer-root.pem",
            "certomancer-tsa.pem",
        ),
        (
            "openssl-sha512.tsq",
            "openssl-sha512.tsr",
            "openssl-root.pem",
            "openssl-tsa.pem",
        ),
    ] {
        // At 2027-01-01, inside every certificate's validity, so the test does not expire.
        let out = Command::new(&openssl)
            .args(["ts", "-verify", "-attime", "1798761600", "-queryfile"])
            .arg(fixture_path(tsq))
            .arg("-in")
            .arg(fixture_path(tsr))
            .arg("-CAfile")
            .arg(fixture_path(root))
            .arg("-untrusted")
            .arg(fixture_path(tsa))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("Verification: OK"),
            "{tsr}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
