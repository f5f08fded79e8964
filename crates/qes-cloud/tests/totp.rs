//! RFC 6238 Appendix B and RFC 4226 Appendix D test vectors, drift handling, Base32 seeds,
//! and property tests of the Base32 codec and the verifier.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use qes_cloud::{base32_decode, base32_encode, CloudError, Totp, TotpAlgorithm};

/// RFC 6238 Appendix B: the seeds are the ASCII digits repeated to the hash's length.
fn rfc6238(algorithm: TotpAlgorithm) -> Totp {
    let seed: &[u8] = match algorithm {
        TotpAlgorithm::Sha1 => b"12345678901234567890",
        TotpAlgorithm::Sha256 => b"12345678901234567890123456789012",
        _ => b"1234567890123456789012345678901234567890123456789012345678901234",
    };
    Totp::new(seed.to_vec(), algorithm, 8).unwrap()
}

#[test]
fn rfc6238_appendix_b_vectors() {
    // (time, SHA-1, SHA-256, SHA-512), RFC 6238 Appendix B table.
    let table: [(u64, &str, &str, &str); 6] = [
        (59, "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ];
    for (time, sha1, sha256, sha512) in table {
        for (algorithm, expected) in [
            (TotpAlgorithm::Sha1, sha1),
            (TotpAlgorithm::Sha256, sha256),
            (TotpAlgorithm::Sha512, sha512),
        ] {
            let totp = rfc6238(algorithm);
            assert_eq!(
                totp.code_at(time).unwrap().as_str(),
                expected,
                "{algorithm:?} at {time}"
            );
            assert_eq!(totp.verify_at(expected, time), Some(0));
        }
    }
}

#[test]
fn rfc4226_appendix_d_hotp_vectors() {
    let hotp = Totp::new(b"12345678901234567890".to_vec(), TotpAlgorithm::Sha1, 6).unwrap();
    let expected = [
        "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
        "520489",
    ];
    for (counter, code) in expected.iter().enumerate() {
        assert_eq!(
            hotp.hotp(u64::try_from(counter).unwrap()).as_str(),
            *code,
            "counter {counter}"
        );
    }
    // 7 and 8 digits: the same truncated value, 0x4c93cf18 = 1284755224 for counter 0
    // (RFC 4226 Appendix D), modulo 10^7 and 10^8.
    let seven = Totp::new(b"12345678901234567890".to_vec(), TotpAlgorithm::Sha1, 7).unwrap();
    assert_eq!(seven.hotp(0).as_str(), "4755224");
    let eight = Totp::new(b"12345678901234567890".to_vec(), TotpAlgorithm::Sha1, 8).unwrap();
    assert_eq!(eight.hotp(0).as_str(), "84755224");
}

#[test]
fn drift_is_one_step_either_way() {
    let totp = rfc6238(TotpAlgorithm::Sha1);
    let code = totp.code_at(1_111_111_111).unwrap();
    let step = 1_111_111_111 / 30 * 30;
    assert_eq!(totp.verify_at(&code, step), Some(0));
    assert_eq!(
        totp.verify_at(&code, step + 30),
        Some(-1),
        "code from the previous step"
    );
    assert_eq!(
        totp.verify_at(&code, step - 1),
        Some(1),
        "code from the next step"
    );
    assert_eq!(totp.verify_at(&code, step + 60), None);
    assert_eq!(totp.verify_at(&code, step - 31), None);
    assert_eq!(totp.verify_at("", step), None);
    assert_eq!(totp.verify_at(&code[1..], step), None);
    // At the epoch there is no previous step; nothing wraps.
    let first = totp.code_at(0).unwrap();
    assert_eq!(totp.verify_at(&first, 0), Some(0));
    assert!(totp.code_at(u64::MAX).is_ok());
}

#[test]
fn parameters_and_seeds_are_checked() {
    for digits in [0, 5, 9, 10] {
        assert!(matches!(
            Totp::new(vec![1; 20], TotpAlgorithm::Sha1, digits),
            Err(CloudError::Totp { .. })
        ));
    }
    assert!(
        Totp::new(vec![1; 15], TotpAlgorithm::Sha1, 6).is_err(),
        "under 128 bits"
    );
    assert!(Totp::new(vec![1; 257], TotpAlgorithm::Sha1, 6).is_err());
    // RFC 4648 §10 vectors.
    assert_eq!(base32_decode("MZXW6YTBOI======").unwrap(), b"foobar");
    assert_eq!(base32_decode("mzxw 6ytb-oi").unwrap(), b"foobar");
    assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
    assert_eq!(base32_encode(b"fooba"), "MZXW6YTB");
    for bad in ["MZXW6YTB1", "MZX", "MZXW6YTBOI=A", "MZXW6YTBOJ"] {
        assert!(base32_decode(bad).is_err(), "{bad}");
    }
    // The same seed as raw bytes and as Base32 gives the same codes.
    let b32 = base32_encode(b"12345678901234567890");
    let from_text = Totp::from_base32(&b32, TotpAlgorithm::Sha1, 8).unwrap();
    assert_eq!(from_text.code_at(59).unwrap().as_str(), "94287082");
    assert!(!format!("{from_text:?}").contains("1234"), "seed in Debug");
}

proptest! {
    #[test]
    fn base32_round_trips(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        let text = base32_encode(&data);
        prop_assert_eq!(base32_decode(&text).unwrap(), data.clone());
        prop_assert_eq!(base32_decode(&text.to_ascii_lowercase()).unwrap(), data);
    }

    #[test]
    fn base32_decoder_never_panics(text in ".{0,300}") {
        let _ = base32_decode(&text);
    }

    #[test]
    fn codes_verify_within_the_window_only(
        seed in proptest::collection::vec(any::<u8>(), 16..80),
        time in 60u64..4_000_000_000,
        digits in 6u32..=8,
        alg in 0usize..3,
    ) {
        let algorithm = [TotpAlgorithm::Sha1, TotpAlgorithm::Sha256, TotpAlgorithm::Sha512][alg];
        let totp = Totp::new(seed, algorithm, digits).unwrap();
        let code = totp.code_at(time).unwrap();
        prop_assert_eq!(code.len(), usize::try_from(digits).unwrap());
        prop_assert!(code.bytes().all(|b| b.is_ascii_digit()));
        prop_assert_eq!(totp.verify_at(&code, time), Some(0));
        prop_assert!(totp.verify_at(&code, time + 30).is_some());
        prop_assert!(totp.verify_at(&code, time - 30).is_some());
    }
}
