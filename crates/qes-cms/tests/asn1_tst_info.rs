//! `asn1::TstInfo` against the RustCrypto/formats x509-tsp vectors (made by `openssl ts`,
//! vendored in `third-party/rustcrypto-formats/x509-tsp/`, expected values in its
//! `EXPECTED.json`) and against the `x509-tsp` crate's own decoder and encoder.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};
use cms::signed_data::SignedData;
use const_oid::ObjectIdentifier;
use der::{Decode, Encode};
use proptest::prelude::*;
use qes_cms::asn1::{normalize_to_der, oids, BerLimits, DecodeError, MessageImprint, TstInfo};
use qes_signer::DigestAlgorithm;
use x509_cert::ext::pkix::name::GeneralName;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../third-party/rustcrypto-formats/x509-tsp")
}

/// The eContent octets (the DER `TSTInfo`) of the token in `response.tsr`.
fn tst_info_der() -> Vec<u8> {
    let resp = std::fs::read(vectors().join("response.tsr")).unwrap();
    let resp = x509_tsp::TimeStampResp::from_der(&resp).unwrap();
    let token = resp.time_stamp_token.unwrap();
    assert_eq!(token.content_type, oids::ID_SIGNED_DATA);
    let sd = token.content.decode_as::<SignedData>().unwrap();
    assert_eq!(sd.encap_content_info.econtent_type, oids::ID_CT_TST_INFO);
    sd.encap_content_info.econtent.unwrap().value().to_vec()
}

#[test]
fn openssl_token_decodes_as_expected_json_says() {
    let der = tst_info_der();
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(vectors().join("EXPECTED.json")).unwrap()).unwrap();
    let e = &expected["response.tsr"];
    let t = TstInfo::from_der(&der).unwrap();
    assert_eq!(t.policy.to_string(), e["policy"].as_str().unwrap());
    assert_eq!(
        t.message_imprint.hash_algorithm.oid,
        DigestAlgorithm::Sha256.oid()
    );
    assert_eq!(t.message_imprint, {
        let mut m = MessageImprint::of(DigestAlgorithm::Sha256, b"abc");
        m.hash_algorithm = t.message_imprint.hash_algorithm.clone(); // openssl writes NULL parameters
        m
    });
    assert_eq!(t.serial_hex(), e["serial_number"].as_str().unwrap());
    assert_eq!(t.gen_time.timestamp(), e["gen_time_unix"].as_i64().unwrap());
    assert_eq!(t.gen_time.timestamp_subsec_nanos(), 0);
    let acc = &e["accuracy"];
    let want = TimeDelta::seconds(acc["seconds"].as_i64().unwrap())
        + TimeDelta::milliseconds(acc["millis"].as_i64().unwrap())
        + TimeDelta::microseconds(acc["micros"].as_i64().unwrap());
    assert_eq!(t.accuracy, Some(want));
    assert_eq!(t.ordering, e["ordering"].as_bool().unwrap());
    let nonce: String = t
        .nonce
        .as_ref()
        .unwrap()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(nonce, e["nonce"].as_str().unwrap());
    match &t.tsa {
        Some(GeneralName::DirectoryName(name)) => {
            assert_eq!(name.to_string(), "CN=Test TSA,O=Test,ST=Some-State,C=US");
        }
        other => panic!("tsa {other:?}"),
    }
    assert!(t.extensions.is_empty());
    // Byte-exact round trip of a real TSA's DER.
    assert_eq!(t.to_der().unwrap(), der);
}

#[test]
fn token_answers_its_request() {
    let req = std::fs::read(vectors().join("query.tsq")).unwrap();
    let req = x509_tsp::TimeStampReq::from_der(&req).unwrap();
    let t = TstInfo::from_der(&tst_info_der()).unwrap();
    assert_eq!(
        t.message_imprint.hash_algorithm,
        req.message_imprint.hash_algorithm
    );
    assert_eq!(
        t.message_imprint.hashed_message,
        req.message_imprint.hashed_message.as_bytes()
    );
    assert_eq!(t.nonce.as_deref(), Some(req.nonce.unwrap().as_bytes()));
}

#[test]
fn agrees_with_x509_tsp() {
    let der = tst_info_der();
    let ours = TstInfo::from_der(&der).unwrap();
    let theirs = x509_tsp::TstInfo::from_der(&der).unwrap();
    assert_eq!(ours.policy, theirs.policy);
    assert_eq!(ours.serial_number, theirs.serial_number.as_bytes());
    assert_eq!(
        u64::try_from(ours.gen_time.timestamp()).unwrap(),
        theirs.gen_time.to_unix_duration().as_secs()
    );
    assert_eq!(ours.tsa, theirs.tsa);
    assert_eq!(ours.ordering, theirs.ordering);
}

#[test]
fn fractional_gen_time_decodes_where_strict_der_does_not() {
    let mut t = TstInfo::from_der(&tst_info_der()).unwrap();
    t.gen_time = DateTime::parse_from_rfc3339("2026-11-22T03:22:44.853599Z")
        .unwrap()
        .with_timezone(&Utc);
    let der = t.to_der().unwrap();
    assert!(der
        .windows(24)
        .any(|w| w == b"\x18\x1620261122032244.853599Z"));
    assert_eq!(TstInfo::from_der(&der).unwrap(), t);
    assert!(
        x509_tsp::TstInfo::from_der(&der).is_err(),
        "der 0.7's GeneralizedTime has no fractions: the reason for the lenient decoder"
    );
    // Trailing zeros (not DER, written by some TSAs) decode; encoding drops them.
    let padded = replace_gen_time(&der, b"20261122032244.853599000Z");
    assert_eq!(TstInfo::from_der(&padded).unwrap().gen_time, t.gen_time);
    // A local time, an offset and too many digits do not.
    for bad in [
        &b"20261122032244.853599"[..],
        b"20261122032244+0200",
        b"20261122032244.1234567891Z",
    ] {
        let bytes = replace_gen_time(&der, bad);
        assert!(
            matches!(TstInfo::from_der(&bytes), Err(DecodeError::Time { .. })),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
}

/// `der` with its genTime replaced by `value`, the outer length fixed up.
fn replace_gen_time(der: &[u8], value: &[u8]) -> Vec<u8> {
    let inner = sequence_contents(der);
    let start = inner.windows(1).position(|w| w == [0x18]).unwrap();
    let old_len = 2 + usize::from(inner[start + 1]);
    let mut body = inner[..start].to_vec();
    body.push(0x18);
    body.push(u8::try_from(value.len()).unwrap());
    body.extend_from_slice(value);
    body.extend_from_slice(&inner[start + old_len..]);
    sequence(&body)
}

/// The contents of a DER SEQUENCE with a length under 65536.
fn sequence_contents(der: &[u8]) -> &[u8] {
    match der[1] {
        n if n < 0x80 => &der[2..],
        0x81 => &der[3..],
        0x82 => &der[4..],
        _ => panic!("long TSTInfo"),
    }
}

/// A DER SEQUENCE around `inner` (under 65536 octets).
fn sequence(inner: &[u8]) -> Vec<u8> {
    let len = inner.len();
    let header = match len {
        0..=0x7F => vec![0x30, u8::try_from(len).unwrap()],
        0x80..=0xFF => vec![0x30, 0x81, u8::try_from(len).unwrap()],
        _ => vec![
            0x30,
            0x82,
            u8::try_from(len >> 8).unwrap(),
            u8::try_from(len & 0xFF).unwrap(),
        ],
    };
    [header, inner.to_vec()].concat()
}

#[test]
fn explicit_ordering_false_is_read_and_duplicates_are_not_skipped() {
    let t = TstInfo::from_der(&tst_info_der()).unwrap();
    assert!(t.ordering);
    let der = t.to_der().unwrap();
    // ordering TRUE -> FALSE, still present (BER, not DER): read as false.
    let at = der
        .windows(3)
        .position(|w| w == [0x01, 0x01, 0xFF])
        .unwrap();
    let mut explicit_false = der.clone();
    explicit_false[at + 2] = 0x00;
    assert!(!TstInfo::from_der(&explicit_false).unwrap().ordering);
    // A second [0] tsa after the first: an error, not silently skipped.
    let tsa_at = der.windows(2).position(|w| w == [0xA0, 0x48]).unwrap();
    let tsa = der[tsa_at..tsa_at + 0x4A].to_vec();
    let doubled = sequence(&[sequence_contents(&der), &tsa].concat());
    assert!(TstInfo::from_der(&sequence(sequence_contents(&der))).is_ok());
    assert!(matches!(
        TstInfo::from_der(&doubled),
        Err(DecodeError::Der { .. })
    ));
}

// ---- generated values -----------------------------------------------------------------------

fn magnitude() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 1..22).prop_map(|v| {
        let skip = v.iter().take_while(|b| **b == 0).count().min(v.len() - 1);
        v[skip..].to_vec()
    })
}

fn gen_time() -> impl Strategy<Value = DateTime<Utc>> {
    // Years 0000..=9999, any nanosecond.
    (
        -62_167_219_200i64..253_402_300_799,
        0u32..1_000_000_000,
        prop::bool::ANY,
    )
        .prop_map(|(s, n, whole)| DateTime::from_timestamp(s, if whole { 0 } else { n }).unwrap())
}

prop_compose! {
    fn tst_info()(
        policy in prop::sample::select(vec!["1.2.3.4.1", "0.4.0.2023.1.1", "1.3.6.1.4.1.4146.2.3"]),
        digest in prop::sample::select(DigestAlgorithm::ALL.to_vec()),
        data in prop::collection::vec(any::<u8>(), 0..16),
        serial in magnitude(),
        gen_time in gen_time(),
        accuracy in prop::option::of((0i64..100_000, 0u32..1_000).prop_map(|(s, us)| TimeDelta::new(s, us * 1_000).unwrap())),
        ordering in prop::bool::ANY,
        nonce in prop::option::of(magnitude()),
        tsa in prop::option::of(prop::sample::select(vec!["tsa.example", "ts.certsign.ro"])),
    ) -> TstInfo {
        let mut t = TstInfo::new(
            ObjectIdentifier::new_unwrap(policy),
            MessageImprint::of(digest, &data),
            serial,
            gen_time,
        );
        t.accuracy = accuracy;
        t.ordering = ordering;
        t.nonce = nonce;
        t.tsa = tsa.map(|d| GeneralName::DnsName(der::asn1::Ia5String::new(d).unwrap()));
        t
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn round_trips_and_is_der(t in tst_info()) {
        let der = t.to_der().unwrap();
        prop_assert_eq!(TstInfo::from_der(&der).unwrap(), t.clone());
        prop_assert!(matches!(normalize_to_der(&der, &BerLimits::default()).unwrap(), Cow::Borrowed(_)));
        // Without a fraction and inside der 0.7's range, RustCrypto's decoder agrees and
        // re-encodes byte for byte.
        if t.gen_time.timestamp_subsec_nanos() == 0 && t.gen_time.timestamp() >= 0 {
            let theirs = x509_tsp::TstInfo::from_der(&der).unwrap();
            prop_assert_eq!(theirs.to_der().unwrap(), der);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = TstInfo::from_der(&bytes);
    }

    #[test]
    fn mutated_tokens_never_panic(flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)) {
        let mut der = tst_info_der();
        for (at, byte) in flips {
            let i = at.index(der.len());
            der[i] = byte;
        }
        if let Ok(t) = TstInfo::from_der(&der) {
            // Whatever decodes re-encodes and decodes to the same value.
            if let Ok(again) = t.to_der() {
                prop_assert_eq!(TstInfo::from_der(&again).unwrap(), t);
            }
        }
    }
}
