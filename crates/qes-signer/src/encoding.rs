//! ECDSA signature encodings: the fixed-width `r‖s` that PKCS#11 `CKM_ECDSA`, CSC `signHash`
//! and WebCrypto return, and the DER `Ecdsa-Sig-Value` that CMS and X.509 carry
//! (RFC 3279 §2.2.3, referenced by RFC 5480 §2.2 and RFC 5758 §3.2; ANSI X9.62).
//!
//! ```text
//! Ecdsa-Sig-Value  ::=  SEQUENCE  {
//!      r     INTEGER,
//!      s     INTEGER  }
//! ```
//!
//! Both directions are strict: the raw form is exactly twice the curve's scalar length; the
//! DER form is one SEQUENCE of two minimally encoded, non-negative INTEGERs with nothing after
//! it; and in both `r` and `s` lie in `1..n` (`n` the curve's group order, FIPS 186-5 §6.4.2).
//! Anything else is [`SignError::RawSignatureLength`] or [`SignError::MalformedSignature`],
//! never a panic.

use der::asn1::UintRef;
use der::{Decode, Encode, Sequence};

use crate::{Curve, SignError};

/// Group order `n` of P-256 (FIPS 186-5 / SP 800-186 §3.2.1.3), big-endian.
const P256_ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// Group order `n` of P-384 (SP 800-186 §3.2.1.4), big-endian.
const P384_ORDER: [u8; 48] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf,
    0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73,
];

fn order(curve: Curve) -> &'static [u8] {
    match curve {
        Curve::P256 => &P256_ORDER,
        Curve::P384 => &P384_ORDER,
    }
}

/// The DER structure, borrowed from the input.
#[derive(Sequence)]
struct EcdsaSigValue<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

fn malformed(reason: &'static str) -> SignError {
    SignError::MalformedSignature {
        reason,
        source: None,
    }
}

/// Check that the big-endian `scalar` (exactly `curve.scalar_len()` bytes) is in `1..n`.
fn check_range(scalar: &[u8], curve: Curve) -> Result<(), SignError> {
    if scalar.iter().all(|b| *b == 0) {
        return Err(malformed("r or s is zero"));
    }
    // Same length, big-endian: lexicographic order is numeric order.
    if scalar >= order(curve) {
        return Err(malformed("r or s is not below the curve order"));
    }
    Ok(())
}

/// Convert a raw `r‖s` ECDSA signature (each half `curve.scalar_len()` bytes, big-endian) to a
/// DER `Ecdsa-Sig-Value`.
///
/// # Errors
/// [`SignError::RawSignatureLength`] unless `raw` is exactly `2 × curve.scalar_len()` bytes;
/// [`SignError::MalformedSignature`] if `r` or `s` is zero or not below the group order.
pub fn ecdsa_raw_to_der(raw: &[u8], curve: Curve) -> Result<Vec<u8>, SignError> {
    let half = curve.scalar_len();
    let expected = half.saturating_mul(2);
    if raw.len() != expected {
        return Err(SignError::RawSignatureLength {
            curve,
            expected,
            actual: raw.len(),
        });
    }
    let (r, s) = raw.split_at(half);
    check_range(r, curve)?;
    check_range(s, curve)?;
    // `UintRef::new` strips leading zeros; encoding adds the 0x00 a set high bit needs.
    let value = EcdsaSigValue {
        r: UintRef::new(r).map_err(SignError::encoding)?,
        s: UintRef::new(s).map_err(SignError::encoding)?,
    };
    value.to_der().map_err(SignError::encoding)
}

/// Convert a DER `Ecdsa-Sig-Value` to raw `r‖s`, each half left-padded to
/// `curve.scalar_len()` bytes.
///
/// # Errors
/// [`SignError::MalformedSignature`] when `der` is not exactly one strict-DER `Ecdsa-Sig-Value`
/// (wrong tags, non-minimal lengths or integers, negative integers, trailing bytes), when an
/// integer is longer than the curve's scalar, or when `r` or `s` is outside `1..n`.
pub fn ecdsa_der_to_raw(der: &[u8], curve: Curve) -> Result<Vec<u8>, SignError> {
    let half = curve.scalar_len();
    // Largest valid encoding: SEQUENCE header + 2 × (INTEGER header + 0x00 + scalar); reject
    // anything bigger before parsing.
    let max_len = half.saturating_add(3).saturating_mul(2).saturating_add(3);
    if der.len() > max_len {
        return Err(malformed("longer than any signature for this curve"));
    }
    let value = EcdsaSigValue::from_der(der).map_err(|e| SignError::MalformedSignature {
        reason: "not a DER Ecdsa-Sig-Value",
        source: Some(e),
    })?;
    let mut raw = vec![0u8; half.saturating_mul(2)];
    let (r_out, s_out) = raw.split_at_mut(half);
    for (int, out) in [(value.r, r_out), (value.s, s_out)] {
        // `as_bytes` has the sign octet removed; zero is one 0x00 byte.
        let bytes = int.as_bytes();
        let pad = half
            .checked_sub(bytes.len())
            .ok_or_else(|| malformed("integer longer than the curve's scalar"))?;
        let dest = out
            .get_mut(pad..)
            .ok_or_else(|| malformed("integer longer than the curve's scalar"))?;
        dest.copy_from_slice(bytes);
        check_range(out, curve)?;
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use proptest::prelude::*;

    fn curves() -> impl Strategy<Value = Curve> {
        prop_oneof![Just(Curve::P256), Just(Curve::P384)]
    }

    /// A scalar in `1..n`, including the edges of the range.
    fn scalar(curve: Curve) -> impl Strategy<Value = Vec<u8>> {
        let len = curve.scalar_len();
        let n = order(curve).to_vec();
        prop_oneof![
            proptest::collection::vec(any::<u8>(), len),
            // Leading zero bytes and a leading high bit: both need care in DER.
            (1usize..len, any::<u8>()).prop_map(move |(zeros, b)| {
                let mut v = vec![0u8; len];
                v[zeros..].fill(b | 0x80);
                v
            }),
            Just({
                let mut one = vec![0u8; len];
                one[len - 1] = 1;
                one
            }),
            Just({
                let mut n_minus_1 = n.clone();
                n_minus_1[len - 1] -= 1;
                n_minus_1
            }),
        ]
        .prop_filter("in 1..n", move |v| {
            v.iter().any(|b| *b != 0) && v.as_slice() < order(curve)
        })
    }

    fn raw_signature() -> impl Strategy<Value = (Curve, Vec<u8>)> {
        curves()
            .prop_flat_map(|c| (scalar(c), scalar(c)).prop_map(move |(r, s)| (c, [r, s].concat())))
    }

    proptest! {
        #[test]
        fn raw_der_raw_round_trips((curve, raw) in raw_signature()) {
            let der = ecdsa_raw_to_der(&raw, curve).unwrap();
            prop_assert_eq!(ecdsa_der_to_raw(&der, curve).unwrap(), raw);
            // Minimal INTEGERs: no integer starts with 0x00 followed by a byte below 0x80.
            let parsed = EcdsaSigValue::from_der(&der).unwrap();
            prop_assert_eq!(parsed.to_der().unwrap(), der);
        }

        #[test]
        fn agrees_with_rustcrypto_p256(raw in scalar(Curve::P256).prop_flat_map(|r| {
            scalar(Curve::P256).prop_map(move |s| [r.clone(), s].concat())
        })) {
            let ours = ecdsa_raw_to_der(&raw, Curve::P256).unwrap();
            let theirs = p256::ecdsa::Signature::from_slice(&raw).unwrap().to_der();
            prop_assert_eq!(ours, theirs.as_bytes().to_vec());
        }

        #[test]
        fn der_to_raw_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..120)) {
            for curve in [Curve::P256, Curve::P384] {
                if let Ok(raw) = ecdsa_der_to_raw(&bytes, curve) {
                    // Whatever is accepted re-encodes to exactly the input: DER is canonical.
                    prop_assert_eq!(ecdsa_raw_to_der(&raw, curve).unwrap(), bytes.clone());
                }
            }
        }

        #[test]
        fn raw_to_der_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..120)) {
            for curve in [Curve::P256, Curve::P384] {
                let _ = ecdsa_raw_to_der(&bytes, curve);
            }
        }

        #[test]
        fn mutated_der_is_rejected_or_canonical(
            (curve, raw) in raw_signature(),
            index in any::<prop::sample::Index>(),
            flip in 1u8..=255,
        ) {
            let mut der = ecdsa_raw_to_der(&raw, curve).unwrap();
            let i = index.index(der.len());
            der[i] ^= flip;
            if let Ok(other) = ecdsa_der_to_raw(&der, curve) {
                prop_assert_ne!(&other, &raw);
                prop_assert_eq!(ecdsa_raw_to_der(&other, curve).unwrap(), der);
            }
        }
    }

    #[test]
    fn orders_match_rustcrypto() {
        use p256::elliptic_curve::Curve as _;
        let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02X}")).collect::<String>();
        assert_eq!(format!("{:X}", p256::NistP256::ORDER), hex(&P256_ORDER));
        assert_eq!(format!("{:X}", p384::NistP384::ORDER), hex(&P384_ORDER));
    }

    fn sig(r: &[u8], s: &[u8]) -> Vec<u8> {
        let mut out = vec![0x30, u8::try_from(r.len() + s.len() + 4).unwrap()];
        out.extend([0x02, u8::try_from(r.len()).unwrap()]);
        out.extend(r);
        out.extend([0x02, u8::try_from(s.len()).unwrap()]);
        out.extend(s);
        out
    }

    #[test]
    fn small_values_and_high_bits() {
        let mut raw = vec![0u8; 64];
        raw[31] = 1;
        raw[32] = 0x80;
        let der = ecdsa_raw_to_der(&raw, Curve::P256).unwrap();
        let mut s = vec![0x00, 0x80];
        s.extend([0u8; 31]);
        assert_eq!(der, sig(&[0x01], &s));
        assert_eq!(ecdsa_der_to_raw(&der, Curve::P256).unwrap(), raw);
    }

    fn is_malformed(r: Result<Vec<u8>, SignError>) -> bool {
        matches!(r, Err(SignError::MalformedSignature { .. }))
    }

    #[test]
    fn rejects_malformed_der() {
        let c = Curve::P256;
        let good = sig(&[0x01], &[0x02]);
        assert_eq!(ecdsa_der_to_raw(&good, c).unwrap().len(), 64);
        // Non-minimal integer (leading 0x00 before a byte < 0x80).
        assert!(is_malformed(ecdsa_der_to_raw(
            &sig(&[0x00, 0x01], &[0x02]),
            c
        )));
        // Negative integer.
        assert!(is_malformed(ecdsa_der_to_raw(&sig(&[0x81], &[0x02]), c)));
        // Zero.
        assert!(is_malformed(ecdsa_der_to_raw(&sig(&[0x00], &[0x02]), c)));
        // Empty integer.
        assert!(is_malformed(ecdsa_der_to_raw(&sig(&[], &[0x02]), c)));
        // Trailing data.
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(is_malformed(ecdsa_der_to_raw(&trailing, c)));
        // Long-form length where short form fits (BER, not DER).
        let mut ber = vec![0x30, 0x81, 0x06];
        ber.extend(&good[2..]);
        assert!(is_malformed(ecdsa_der_to_raw(&ber, c)));
        // Third integer.
        let mut three = sig(&[0x01], &[0x02]);
        three[1] += 3;
        three.extend([0x02, 0x01, 0x03]);
        assert!(is_malformed(ecdsa_der_to_raw(&three, c)));
        // Integer as long as a P-384 scalar, for P-256.
        assert!(is_malformed(ecdsa_der_to_raw(
            &sig(&[0x01; 48], &[0x02]),
            c
        )));
        // r = n.
        let mut n = vec![0x00];
        n.extend(P256_ORDER);
        assert!(is_malformed(ecdsa_der_to_raw(&sig(&n, &[0x02]), c)));
        // Oversized input.
        assert!(is_malformed(ecdsa_der_to_raw(&[0x30; 4096], c)));
        assert!(is_malformed(ecdsa_der_to_raw(&[], c)));
    }

    #[test]
    fn rejects_bad_raw() {
        assert!(matches!(
            ecdsa_raw_to_der(&[1; 63], Curve::P256),
            Err(SignError::RawSignatureLength {
                expected: 64,
                actual: 63,
                ..
            })
        ));
        assert!(matches!(
            ecdsa_raw_to_der(&[1; 64], Curve::P384),
            Err(SignError::RawSignatureLength { expected: 96, .. })
        ));
        assert!(is_malformed(ecdsa_raw_to_der(&[0; 64], Curve::P256)));
        let mut n_s = vec![0u8; 32];
        n_s[31] = 1;
        n_s.extend(P256_ORDER);
        assert!(is_malformed(ecdsa_raw_to_der(&n_s, Curve::P256)));
    }
}
