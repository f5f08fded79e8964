//! `Crl::from_der` and `OcspResponse::from_der` never panic, on arbitrary bytes and on
//! mutations of real inputs (PKITS CRLs with IDP, delta and indirect CRL extensions; an OCSP
//! response with fractional-second times).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use proptest::prelude::*;
use qes_cert::{Crl, OcspResponse};

fn pkits_crl(name: &str) -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../third-party/nist-pkits/crls");
    std::fs::read(dir.join(format!("{name}.crl"))).unwrap()
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap());
    } else if len < 0x100 {
        out.extend([0x81, u8::try_from(len).unwrap()]);
    } else {
        out.extend([
            0x82,
            u8::try_from(len >> 8).unwrap(),
            u8::try_from(len & 0xff).unwrap(),
        ]);
    }
    out.extend_from_slice(content);
    out
}

/// A successful basic OCSP response with fractional-second times (unsigned garbage
/// signature: parsing does not verify).
fn ocsp_seed() -> Vec<u8> {
    let sha1 = tlv(
        0x30,
        &[tlv(0x06, &[0x2b, 0x0e, 0x03, 0x02, 0x1a]), vec![0x05, 0x00]].concat(),
    );
    let cert_id = tlv(
        0x30,
        &[
            sha1,
            tlv(0x04, &[1; 20]),
            tlv(0x04, &[2; 20]),
            tlv(0x02, &[5]),
        ]
        .concat(),
    );
    let t = tlv(0x18, b"20261122032244.853599Z");
    let single = tlv(
        0x30,
        &[cert_id, vec![0x80, 0x00], t.clone(), tlv(0xa0, &t)].concat(),
    );
    let name = tlv(0x30, &[]);
    let data = tlv(0x30, &[tlv(0xa1, &name), t, tlv(0x30, &single)].concat());
    let ecdsa = tlv(
        0x30,
        &tlv(0x06, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]),
    );
    let basic = tlv(
        0x30,
        &[data, ecdsa, tlv(0x03, &[0, 0x30, 0x06, 2, 1, 1, 2, 1, 1])].concat(),
    );
    let oid = tlv(
        0x06,
        &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01],
    );
    let rb = tlv(0x30, &[oid, tlv(0x04, &basic)].concat());
    tlv(0x30, &[tlv(0x0a, &[0]), tlv(0xa0, &rb)].concat())
}

fn seeds() -> Vec<Vec<u8>> {
    vec![
        pkits_crl("GoodCACRL"),
        pkits_crl("deltaCRLCA1deltaCRL"),
        pkits_crl("indirectCRLCA3cRLIssuerCRL"),
        pkits_crl("onlySomeReasonsCA1compromiseCRL"),
        ocsp_seed(),
    ]
}

#[test]
fn seeds_parse_or_fail_cleanly() {
    for seed in seeds() {
        let _ = Crl::from_der(&seed);
        let _ = OcspResponse::from_der(&seed);
    }
    assert!(Crl::from_der(&pkits_crl("deltaCRLCA1deltaCRL"))
        .unwrap()
        .is_delta());
    let resp = OcspResponse::from_der(&ocsp_seed()).unwrap();
    assert_eq!(resp.responses().len(), 1);
    assert_eq!(
        resp.responses()[0].this_update().timestamp_subsec_micros(),
        853_599
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let _ = Crl::from_der(&bytes);
        let _ = OcspResponse::from_der(&bytes);
    }

    #[test]
    fn mutated_inputs(
        which in 0usize..8,
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
    ) {
        let seeds = seeds();
        let mut bytes = seeds[which % seeds.len()].clone();
        if bytes.is_empty() {
            return Ok(());
        }
        for (pos, val) in flips {
            let i = pos % bytes.len();
            bytes[i] ^= val;
        }
        let _ = Crl::from_der(&bytes);
        let _ = OcspResponse::from_der(&bytes);
        bytes.truncate(cut % (bytes.len() + 1));
        let _ = Crl::from_der(&bytes);
        let _ = OcspResponse::from_der(&bytes);
    }
}
