//! Resource bounds of CRL parsing (review D1): an indirect CRL whose certificateIssuer lists
//! many names, followed by many entries, must not cost names × entries.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::tlv;
use std::time::{Duration, Instant};

/// An indirect CRL: one entry with a certificateIssuer of `names` empty directoryNames, then
/// `entries` entries inheriting it.
fn crl(names: usize, entries: usize) -> Vec<u8> {
    let gn: Vec<u8> = (0..names).flat_map(|_| [0xa4, 0x02, 0x30, 0x00]).collect();
    let cert_issuer = tlv(
        0x30,
        &[
            tlv(0x06, &[0x55, 0x1d, 0x1d]),
            vec![0x01, 0x01, 0xff],
            tlv(0x04, &tlv(0x30, &gn)),
        ]
        .concat(),
    );
    let time = tlv(0x17, b"200101000000Z");
    let mut revoked = tlv(
        0x30,
        &[tlv(0x02, &[1]), time.clone(), tlv(0x30, &cert_issuer)].concat(),
    );
    for i in 0..entries {
        let [_, a, b, c] = u32::try_from(i).unwrap().to_be_bytes();
        revoked.extend(tlv(
            0x30,
            &[tlv(0x02, &[1, a, b, c]), time.clone()].concat(),
        ));
    }
    let idp = tlv(
        0x30,
        &[
            tlv(0x06, &[0x55, 0x1d, 0x1c]),
            vec![0x01, 0x01, 0xff],
            tlv(0x04, &[0x30, 0x03, 0x84, 0x01, 0xff]),
        ]
        .concat(),
    );
    let alg = tlv(
        0x30,
        &[
            tlv(
                0x06,
                &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b],
            ),
            vec![5, 0],
        ]
        .concat(),
    );
    let tbs = tlv(
        0x30,
        &[
            vec![2, 1, 1],
            alg.clone(),
            tlv(0x30, &[]),
            time.clone(),
            tlv(0x30, &revoked),
            tlv(0xa0, &tlv(0x30, &idp)),
        ]
        .concat(),
    );
    tlv(0x30, &[tbs, alg, tlv(0x03, &[0, 0])].concat())
}

/// Before the fix, 8000 names × 8000 entries (216 KB) took seconds and 1.5 GB.
#[test]
fn certificate_issuer_names_do_not_multiply_with_entries() {
    let start = Instant::now();
    for n in [1000usize, 8000] {
        let err = qes_cert::Crl::from_der(&crl(n, n)).unwrap_err();
        assert!(
            matches!(err, qes_cert::Error::TooLarge { .. }),
            "{n} names: {err}"
        );
    }
    // At the cap, many entries parse in linear time.
    let der = crl(qes_cert::MAX_CERTIFICATE_ISSUER_NAMES, 50_000);
    let parsed = qes_cert::Crl::from_der(&der).unwrap();
    assert_eq!(parsed.len(), 50_001);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
}
