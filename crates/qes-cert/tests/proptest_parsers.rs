//! Property tests: parsers never panic, the CNP round-trips and its control digit catches
//! every single-digit change except the documented collision.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use qes_cert::{
    cnp_control_digit, county_name, lint, parse_any, Cnp, CnpError, ParseMode, QcStatements,
    SemanticsIdentifier,
};

/// Valid CNP digits: sex/century 1–6, a real date, an assigned county, any serial.
fn valid_cnp() -> impl Strategy<Value = String> {
    (
        1u8..=6,
        0u8..=99,
        1u8..=12,
        1u8..=31,
        0usize..49,
        0u16..=999,
    )
        .prop_filter_map("real date", |(s, yy, mm, dd, county_idx, serial)| {
            let counties: Vec<u8> = (1..=99).filter(|c| county_name(*c).is_some()).collect();
            let county = *counties.get(county_idx % counties.len())?;
            let century = match s {
                1 | 2 => 1900,
                3 | 4 => 1800,
                _ => 2000,
            };
            chrono::NaiveDate::from_ymd_opt(century + i32::from(yy), u32::from(mm), u32::from(dd))?;
            let first12 = format!("{s}{yy:02}{mm:02}{dd:02}{county:02}{serial:03}");
            let mut digits = [0u8; 12];
            for (d, c) in digits.iter_mut().zip(first12.bytes()) {
                *d = c - b'0';
            }
            Some(format!("{first12}{}", cnp_control_digit(&digits)))
        })
}

/// Σ dᵢ·wᵢ mod 11 over the first 12 digits.
fn residue(s: &str) -> u32 {
    const W: [u32; 12] = [2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9];
    s.bytes()
        .take(12)
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum::<u32>()
        % 11
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_string_parses_or_is_a_typed_error(s in "\\PC{0,20}") {
        match Cnp::parse(&s) {
            Ok(c) => prop_assert_eq!(c.to_string(), s),
            Err(e) => { let _ = e.to_string(); }
        }
    }

    #[test]
    fn digit_strings_parse_or_are_typed(s in "[0-9]{13}") {
        let _ = Cnp::parse(&s);
    }

    #[test]
    fn valid_cnps_round_trip(s in valid_cnp()) {
        let cnp = Cnp::parse(&s).unwrap();
        prop_assert_eq!(cnp.to_string(), s.clone());
        prop_assert!(cnp.birth_date().is_some());
        prop_assert!(!cnp.county().is_empty());
        let again: Cnp = cnp.to_string().parse().unwrap();
        prop_assert_eq!(again, cnp);
    }

    /// Changing digit i (i < 12) from a to b changes the weighted sum by wᵢ·(b − a). Every
    /// weight is in 1..=9 and |b − a| in 1..=9, and 11 is prime, so the residue mod 11 always
    /// changes. The control digit maps residue 10 to 1, so the only collision is a change
    /// between residues 1 and 10; changing the 13th digit itself always breaks the check.
    #[test]
    fn single_digit_changes_break_the_checksum_except_the_1_10_collision(
        s in valid_cnp(), pos in 0usize..13, delta in 1u8..=9,
    ) {
        let mut bytes = s.clone().into_bytes();
        bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
        let mutated = String::from_utf8(bytes).unwrap();
        let collision = pos < 12 && {
            let (r0, r1) = (residue(&s), residue(&mutated));
            prop_assert_ne!(r0, r1);
            (r0 == 1 && r1 == 10) || (r0 == 10 && r1 == 1)
        };
        match Cnp::parse(&mutated) {
            Err(CnpError::BadChecksum { .. }) => prop_assert!(!collision),
            // The change may make the date or county invalid first: still rejected.
            Err(_) => {}
            Ok(_) => prop_assert!(collision, "{} -> {} accepted", s, mutated),
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = parse_any(&bytes, ParseMode::Strict);
        let _ = parse_any(&bytes, ParseMode::Lenient);
        let _ = QcStatements::from_der(&bytes);
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
        let _ = parse_any(s.as_bytes(), ParseMode::Lenient);
        let wrapped = format!("-----BEGIN CERTIFICATE-----\n{s}\n-----END CERTIFICATE-----\n");
        let _ = parse_any(wrapped.as_bytes(), ParseMode::Lenient);
        let _ = SemanticsIdentifier::parse(&s);
    }

    #[test]
    fn mutated_certificates_never_panic(idx in any::<prop::sample::Index>(), pos in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let corpus = corpus();
        let der = &corpus[idx.index(corpus.len())];
        let mut der = der.clone();
        let p = pos.index(der.len());
        der[p] = byte;
        if let Ok(certs) = parse_any(&der, ParseMode::Lenient) {
            for c in certs {
                let _ = lint(&c);
                let _ = qes_cert::QualifiedSummary::of(&c);
                let _ = qes_cert::identity(&c);
            }
        }
    }
}

fn corpus() -> &'static Vec<Vec<u8>> {
    use std::sync::OnceLock;
    static CORPUS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../third-party/pkilint/tests/integration_certificate/etsi");
        let mut out = Vec::new();
        for dir in std::fs::read_dir(root).unwrap() {
            for f in std::fs::read_dir(dir.unwrap().path()).unwrap() {
                let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
                if let Ok(certs) = parse_any(text.as_bytes(), ParseMode::Lenient) {
                    out.extend(certs.into_iter().map(|c| c.der().to_vec()));
                }
            }
        }
        out.sort();
        out
    })
}
