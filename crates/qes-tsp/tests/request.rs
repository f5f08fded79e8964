//! `TimestampRequest`: DER round trips (property-tested) and openssl reading our requests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::process::Command;

use const_oid::ObjectIdentifier;
use proptest::prelude::*;
use qes_signer::DigestAlgorithm;
use qes_tsp::{MessageImprint, Nonce, TimestampRequest, TspError};

fn algorithm() -> impl Strategy<Value = DigestAlgorithm> {
    prop::sample::select(DigestAlgorithm::ALL.to_vec())
}

proptest! {
    #[test]
    fn der_round_trip(
        alg in algorithm(),
        seed in any::<u8>(),
        nonce in prop::option::of(prop::collection::vec(any::<u8>(), 0..=32)),
        cert_req in any::<bool>(),
        policy in prop::option::of((1u32..1000, 0u32..100_000)),
    ) {
        let digest: Vec<u8> = (0..alg.output_len()).map(|i| seed.wrapping_add(u8::try_from(i % 256).unwrap())).collect();
        let mut request = TimestampRequest::from_digest(alg, &digest).unwrap().with_cert_req(cert_req);
        request = match &nonce {
            Some(bytes) => request.with_nonce(Nonce::from_be_bytes(bytes).unwrap()),
            None => request.without_nonce(),
        };
        if let Some((a, b)) = policy {
            request = request.with_policy(format!("1.3.6.1.4.1.{a}.{b}").parse::<ObjectIdentifier>().unwrap());
        }
        let der = request.to_der().unwrap();
        let decoded = TimestampRequest::from_der(&der).unwrap();
        prop_assert_eq!(&decoded, &request);
        prop_assert_eq!(decoded.to_der().unwrap(), der);
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = TimestampRequest::from_der(&bytes);
    }
}

#[test]
fn streaming_imprint_equals_one_shot() {
    let data: Vec<u8> = (0..1_000_000u32)
        .map(|i| u8::try_from(i % 251).unwrap())
        .collect();
    for alg in DigestAlgorithm::ALL {
        let streamed = MessageImprint::of_reader(alg, &data[..]).unwrap();
        assert_eq!(streamed, MessageImprint::of_data(alg, &data));
        let request = TimestampRequest::from_reader(alg, &data[..]).unwrap();
        assert_eq!(request.imprint(), &streamed);
    }
}

#[test]
fn reader_errors_surface() {
    struct Failing;
    impl std::io::Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }
    assert!(matches!(
        TimestampRequest::from_reader(DigestAlgorithm::Sha256, Failing),
        Err(TspError::Io(_))
    ));
}

#[test]
fn defaults_are_a_random_nonce_and_cert_req() {
    let a = TimestampRequest::from_data(DigestAlgorithm::Sha256, b"x").unwrap();
    let b = TimestampRequest::from_data(DigestAlgorithm::Sha256, b"x").unwrap();
    assert!(a.cert_req());
    assert!(a.nonce().is_some());
    assert_ne!(a.nonce(), b.nonce(), "two requests, two nonces");
    assert_eq!(a.policy(), None);
}

#[test]
fn requests_with_extensions_or_other_hashes_are_refused_on_decode() {
    // `openssl ts -query -sha1 -no_nonce` of "abc".
    let mut sha1 = vec![
        0x30, 0x24, 0x02, 0x01, 0x01, 0x30, 0x1f, 0x30, 0x07, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02,
        0x1a, 0x04, 0x14,
    ];
    sha1.extend_from_slice(&[0xaa; 20]);
    assert!(matches!(
        TimestampRequest::from_der(&sha1),
        Err(TspError::UnsupportedDigest { .. })
    ));

    // Our own request plus `extensions [0] { Extension { 1.2.3.4, OCTET STRING 05 00 } }`.
    let plain = TimestampRequest::from_data(DigestAlgorithm::Sha256, b"abc")
        .unwrap()
        .without_nonce()
        .with_cert_req(false)
        .to_der()
        .unwrap();
    assert!(plain[1] < 0x80, "short-form length");
    let mut with_ext = plain[2..].to_vec();
    with_ext.extend_from_slice(&[
        0xa0, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x2a, 0x03, 0x04, 0x04, 0x02, 0x05, 0x00,
    ]);
    let mut der = vec![0x30, u8::try_from(with_ext.len()).unwrap()];
    der.extend_from_slice(&with_ext);
    assert!(matches!(
        TimestampRequest::from_der(&der),
        Err(TspError::UnsupportedRequest("extensions"))
    ));
}

/// openssl parses our DER requests and sees what we put in.
#[test]
fn openssl_reads_our_requests() {
    let Some(openssl) = qes_testkit::interop::tool("openssl") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (alg, name) in [
        (DigestAlgorithm::Sha256, "sha256"),
        (DigestAlgorithm::Sha384, "sha384"),
        (DigestAlgorithm::Sha512, "sha512"),
    ] {
        let request = TimestampRequest::from_data(alg, b"abc")
            .unwrap()
            .with_nonce(Nonce::from_u64(0x8000_0000_0000_0001))
            .with_policy("1.3.6.1.4.1.32473.3161.2".parse().unwrap());
        let path = dir.path().join(format!("{name}.tsq"));
        std::fs::write(&path, request.to_der().unwrap()).unwrap();
        let out = Command::new(&openssl)
            .args(["ts", "-query", "-text", "-in"])
            .arg(&path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains(&format!("Hash Algorithm: {name}")), "{text}");
        assert!(
            text.contains("Policy OID: 1.3.6.1.4.1.32473.3161.2"),
            "{text}"
        );
        assert!(text.contains("Nonce: 0x8000000000000001"), "{text}");
        assert!(text.contains("Certificate required: yes"), "{text}");
        // The first bytes of the digest, as openssl's hex dump shows them.
        let digest = alg.digest(b"abc");
        let first = format!("{:02x} {:02x} {:02x}", digest[0], digest[1], digest[2]);
        assert!(text.contains(&first), "{text}");

        // And the other way: openssl's own query decodes with our parser.
        let data = dir.path().join("abc");
        std::fs::write(&data, b"abc").unwrap();
        let theirs = Command::new(&openssl)
            .args(["ts", "-query", "-cert", &format!("-{name}"), "-data"])
            .arg(&data)
            .output()
            .unwrap();
        let parsed = TimestampRequest::from_der(&theirs.stdout).unwrap();
        assert_eq!(parsed.imprint(), &MessageImprint::of_data(alg, b"abc"));
        assert!(parsed.nonce().is_some() && parsed.cert_req());
    }
}
