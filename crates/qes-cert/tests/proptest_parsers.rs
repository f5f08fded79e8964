//! Property tests: parsers never panic, the CNP round-trips and its control digit catches
//! every single-digit change except the documented collision.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{rebuild, tlv};
use proptest::prelude::*;
use qes_cert::{
    cnp_control_digit, county_name, lint, parse_any, Cnp, CnpError, ParseMode, QcStatements,
    SemanticsIdentifier,
};

/// Every assigned county code (01–48, 51, 52, 70).
fn counties() -> Vec<u8> {
    (1..=99).filter(|c| county_name(*c).is_some()).collect()
}

/// Valid CNP digits: any first digit 1–9 (7–9: residents and foreigners, whose century is not
/// encoded), a real date, any assigned county (drawn from the whole list), a serial 001–999.
fn valid_cnp() -> impl Strategy<Value = String> {
    (
        1u8..=9,
        0u8..=99,
        1u8..=12,
        1u8..=31,
        prop::sample::select(counties()),
        1u16..=999,
    )
        .prop_filter_map("real date", |(s, yy, mm, dd, county, serial)| {
            let (m, d) = (u32::from(mm), u32::from(dd));
            let real = |century: i32| {
                chrono::NaiveDate::from_ymd_opt(century + i32::from(yy), m, d).is_some()
            };
            let ok = match s {
                1 | 2 => real(1900),
                3 | 4 => real(1800),
                5 | 6 => real(2000),
                // no century: the date must exist in the 1900s or the 2000s
                _ => real(1900) || real(2000),
            };
            ok.then_some(())?;
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
        // 7–9 do not encode the century, so the full date is not known.
        prop_assert_eq!(cnp.birth_date().is_some(), cnp.century().is_some());
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
        // Behind a SEQUENCE header too, so the DER decoder sees the bytes as contents.
        let wrapped = tlv(0x30, &bytes);
        let _ = parse_any(&wrapped, ParseMode::Lenient);
        let _ = QcStatements::from_der(&wrapped);
    }

    /// Structured QCStatements: known statement ids with well-formed, absent or arbitrary
    /// statementInfo, decoded alone and inside a certificate that is then summarized and linted.
    #[test]
    fn structured_qc_statements_never_panic(statements in qc_statements()) {
        let value = tlv(0x30, &statements.concat());
        if let Ok(qcs) = QcStatements::from_der(&value) {
            prop_assert_eq!(qcs.statements.len(), statements.len());
            let _ = serde_json::to_string(&qcs).unwrap();
        }
        let cert = with_qc_statements(&value);
        if let Ok(cert) = qes_cert::Certificate::from_der(&cert, ParseMode::Lenient) {
            let _ = lint(&cert);
            if let Ok(s) = qes_cert::QualifiedSummary::of(&cert) {
                let _ = serde_json::to_string(&s).unwrap();
            }
            if let Ok(id) = qes_cert::identity(&cert) {
                let _ = serde_json::to_string(&id).unwrap();
            }
        }
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
        exercise(&der);
    }
}

fn exercise(der: &[u8]) -> bool {
    match parse_any(der, ParseMode::Lenient) {
        Ok(certs) => {
            for c in certs {
                let _ = lint(&c);
                let _ = qes_cert::QualifiedSummary::of(&c);
                let _ = qes_cert::identity(&c);
            }
            true
        }
        Err(_) => false,
    }
}

/// The mutation test only means something if mutants still parse and reach the profile code:
/// a deterministic sweep over the corpus asserts a good share does.
#[test]
fn mutated_certificates_mostly_still_parse() {
    let corpus = corpus();
    assert!(corpus.len() >= 100, "{}", corpus.len());
    let (mut tried, mut parsed) = (0usize, 0usize);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for der in corpus {
        for _ in 0..8 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut m = der.clone();
            let p = usize::try_from(seed % u64::try_from(m.len()).unwrap()).unwrap();
            m[p] = u8::try_from(seed >> 56).unwrap();
            tried += 1;
            if exercise(&m) {
                parsed += 1;
            }
        }
    }
    println!("mutants that still parse: {parsed}/{tried}");
    assert!(parsed * 4 >= tried, "only {parsed}/{tried} mutants parse");
}

fn oid(s: &str) -> Vec<u8> {
    use der::Encode;
    qes_cert::ObjectIdentifier::new_unwrap(s).to_der().unwrap()
}

/// One QCStatement: a known (or unknown) id, with the right info, none, or arbitrary bytes.
fn qc_statement() -> impl Strategy<Value = Vec<u8>> {
    let ids = prop::sample::select(vec![
        "0.4.0.1862.1.1",
        "0.4.0.1862.1.2",
        "0.4.0.1862.1.3",
        "0.4.0.1862.1.4",
        "0.4.0.1862.1.5",
        "0.4.0.1862.1.6",
        "0.4.0.1862.1.7",
        "1.3.6.1.5.5.7.11.1",
        "1.3.6.1.5.5.7.11.2",
        "0.4.0.19495.2",
        "1.2.3.4",
    ]);
    let info = prop_oneof![
        Just(None),
        // well-formed shapes
        prop::sample::select(vec![
            tlv(0x30, &oid("0.4.0.1862.1.6.1")),
            tlv(
                0x30,
                &[oid("0.4.0.1862.1.6.1"), oid("0.4.0.1862.1.6.2")].concat()
            ),
            tlv(0x30, &[]),
            tlv(0x30, &tlv(0x13, b"RO")),
            [0x02, 0x01, 0x0a].to_vec(),
            tlv(
                0x30,
                &[
                    tlv(0x13, b"EUR"),
                    vec![0x02, 0x01, 0x05],
                    vec![0x02, 0x01, 0x03]
                ]
                .concat()
            ),
            tlv(
                0x30,
                &tlv(
                    0x30,
                    &[tlv(0x16, b"https://example.com/pds"), tlv(0x13, b"en")].concat()
                )
            ),
            tlv(0x30, &oid("0.4.0.194121.1.1")),
            tlv(0x30, &[oid("0.4.0.194121.1.2"), tlv(0x30, &[])].concat()),
        ])
        .prop_map(Some),
        // arbitrary contents behind a plausible tag
        (
            prop::sample::select(vec![0x30u8, 0x02, 0x13, 0x0c, 0x05, 0x04]),
            proptest::collection::vec(any::<u8>(), 0..24)
        )
            .prop_map(|(tag, body)| Some(tlv(tag, &body))),
    ];
    (ids, info).prop_map(|(id, info)| {
        let mut c = oid(id);
        if let Some(i) = info {
            c.extend(i);
        }
        tlv(0x30, &c)
    })
}

fn qc_statements() -> impl Strategy<Value = Vec<Vec<u8>>> {
    proptest::collection::vec(qc_statement(), 0..6)
}

/// The testkit natural person's certificate with this qcStatements extension value.
fn with_qc_statements(value: &[u8]) -> Vec<u8> {
    use der::Encode;
    let natural = qes_testkit::TestPki::shared().natural_person().cert_der();
    rebuild(natural, |e| {
        (e.extn_id.to_string() == "1.3.6.1.5.5.7.1.3").then(|| {
            let mut ext = e.extn_id.to_der().unwrap();
            ext.extend(tlv(0x04, value));
            tlv(0x30, &ext)
        })
    })
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
