//! `Crl::from_der` and `OcspResponse::from_der` never panic, on arbitrary bytes and on
//! mutations of real inputs (PKITS and testkit CRLs with IDP, delta and indirect CRL
//! extensions; OCSP responses from the fuzz corpus and one with fractional-second times) —
//! and neither do the checks that consume them: `Crl::check_certificate`,
//! `OcspResponse::check` and path validation with the mutated CRLs and responses.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::tlv;
use std::path::Path;

use proptest::prelude::*;
use qes_cert::{
    Certificate, Crl, OcspCheckOptions, OcspResponse, ParseMode, PathValidator, ValidationOptions,
};
use qes_testkit::{CrlReason, Revoked, TestPki};

fn corpus(dir: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(dir);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "der"))
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// The testkit's root, qualified CA and natural person, and a CRL of the CA revoking the leaf.
struct Pki {
    anchors: [Certificate; 1],
    pool: [Certificate; 1],
    leaf: Certificate,
    time: chrono::DateTime<chrono::Utc>,
    ca_crl: Vec<u8>,
    root_crl: Crl,
}

fn pki() -> &'static Pki {
    static PKI: std::sync::OnceLock<Pki> = std::sync::OnceLock::new();
    PKI.get_or_init(|| {
        let pki = TestPki::shared();
        let cert = |i: &qes_testkit::Issued| {
            Certificate::from_der(i.cert_der(), ParseMode::Strict).unwrap()
        };
        let time = pki.epoch() + chrono::Duration::days(30);
        let (from, to) = (
            time - chrono::Duration::days(1),
            time + chrono::Duration::days(7),
        );
        let revoked = [Revoked::new(
            pki.natural_person(),
            from,
            CrlReason::CertificateHold,
        )];
        Pki {
            anchors: [cert(pki.root())],
            pool: [cert(pki.qualified_ca())],
            leaf: cert(pki.natural_person()),
            time,
            ca_crl: pki.crl(pki.qualified_ca(), &revoked, from, to).unwrap(),
            root_crl: Crl::from_der(&pki.crl(pki.root(), &[], from, to).unwrap()).unwrap(),
        }
    })
}

/// Parse `bytes` as a CRL and as an OCSP response and feed whatever parses to the checks.
fn exercise(bytes: &[u8]) {
    let p = pki();
    let [ca] = &p.pool;
    let validator = PathValidator::new(&p.anchors).with_intermediates(&p.pool);
    if let Ok(crl) = Crl::from_der(bytes) {
        let _ = crl.check_certificate(&p.leaf, ca, p.time, &Default::default());
        let opts = ValidationOptions::new(p.time).with_crls([p.root_crl.clone(), crl]);
        let _ = validator.validate(&p.leaf, &opts);
    }
    if let Ok(resp) = OcspResponse::from_der(bytes) {
        let _ = resp.check(&p.leaf, ca, &OcspCheckOptions::new(p.time));
        let opts = ValidationOptions::new(p.time)
            .with_crls([p.root_crl.clone()])
            .with_ocsp_responses([resp]);
        let _ = validator.validate(&p.leaf, &opts);
    }
}

fn pkits_crl(name: &str) -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../third-party/nist-pkits/crls");
    std::fs::read(dir.join(format!("{name}.crl"))).unwrap()
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

fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut seeds = vec![
            pkits_crl("GoodCACRL"),
            pkits_crl("deltaCRLCA1deltaCRL"),
            pkits_crl("indirectCRLCA3cRLIssuerCRL"),
            pkits_crl("onlySomeReasonsCA1compromiseCRL"),
            pki().ca_crl.clone(),
            ocsp_seed(),
        ];
        seeds.extend(corpus("ocsp_parse"));
        seeds
    })
}

#[test]
fn seeds_parse_or_fail_cleanly() {
    for seed in seeds() {
        exercise(seed);
    }
    // The testkit CRL is checked for real: the leaf is on hold.
    let p = pki();
    let crl = Crl::from_der(&p.ca_crl).unwrap();
    assert!(matches!(
        crl.check_certificate(&p.leaf, &p.pool[0], p.time, &Default::default()),
        qes_cert::RevocationStatus::Revoked { .. }
    ));
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
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..16_384)) {
        exercise(&bytes);
    }

    #[test]
    fn mutated_inputs(
        which in any::<proptest::sample::Index>(),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
    ) {
        let seeds = seeds();
        let mut bytes = which.get(seeds).clone();
        if bytes.is_empty() {
            return Ok(());
        }
        for (pos, val) in flips {
            let i = pos % bytes.len();
            bytes[i] ^= val;
        }
        exercise(&bytes);
        bytes.truncate(cut % (bytes.len() + 1));
        exercise(&bytes);
    }
}
