#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Same seed and epoch ⇒ byte-identical certificates, keys, CRLs and PKCS#12; another seed
//! or epoch ⇒ different ones.

use chrono::{Duration, TimeZone, Utc};
use qes_testkit::{CrlReason, Revoked, TestPki};

fn artifacts(pki: &TestPki) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for issued in pki.all() {
        out.push(issued.cert_der().to_vec());
        out.push(issued.key().pkcs8_der().to_vec());
        out.push(issued.cert_pem().into_bytes());
    }
    let revoked = [Revoked::new(
        pki.natural_person(),
        pki.epoch() + Duration::days(10),
        CrlReason::KeyCompromise,
    )];
    out.push(
        pki.crl(
            pki.qualified_ca(),
            &revoked,
            pki.epoch() + Duration::days(11),
            pki.epoch() + Duration::days(18),
        )
        .unwrap(),
    );
    out.push(pki.legal_person().pkcs12("secret").unwrap());
    out
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = TestPki::builder().seed(7).build().unwrap();
    let b = TestPki::builder().seed(7).build().unwrap();
    assert_eq!(artifacts(&a), artifacts(&b));

    let other = TestPki::builder().seed(8).build().unwrap();
    for (x, y) in artifacts(&a).iter().zip(artifacts(&other).iter()) {
        assert_ne!(x, y);
    }

    // The shared PKI is seed 0 with the default epoch.
    let zero = TestPki::builder().build().unwrap();
    assert_eq!(artifacts(&zero), artifacts(TestPki::shared()));
    assert_eq!(TestPki::shared().seed(), 0);
}

#[test]
fn ec_ca_chain_verifies_and_is_deterministic() {
    let a = TestPki::builder()
        .seed(3)
        .ca_key(qes_testkit::KeyAlgorithm::EcP384)
        .build()
        .unwrap();
    let b = TestPki::builder()
        .seed(3)
        .ca_key(qes_testkit::KeyAlgorithm::EcP384)
        .build()
        .unwrap();
    assert_eq!(artifacts(&a), artifacts(&b));
    assert_eq!(
        a.qualified_ca().key().algorithm(),
        qes_testkit::KeyAlgorithm::EcP384
    );
    let sig = &a.natural_person().certificate().signature_algorithm;
    assert_eq!(sig.oid.to_string(), "1.2.840.10045.4.3.3");
}

#[test]
fn epoch_moves_validities_but_not_keys() {
    let epoch = Utc.with_ymd_and_hms(2030, 6, 1, 12, 0, 0).unwrap();
    let later = TestPki::builder().epoch(epoch).build().unwrap();
    let shared = TestPki::shared();
    assert_eq!(later.epoch(), epoch);
    assert_eq!(
        later.natural_person().key().pkcs8_der(),
        shared.natural_person().key().pkcs8_der()
    );
    assert_ne!(
        later.natural_person().cert_der(),
        shared.natural_person().cert_der()
    );
    assert_eq!(
        later
            .natural_person()
            .certificate()
            .tbs_certificate
            .validity
            .not_before
            .to_unix_duration()
            .as_secs(),
        u64::try_from(epoch.timestamp()).unwrap()
    );
}
