#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! CRLs: v2, issuer, times, entries with reason codes, CRL number, AKI, signature.

mod common;

use chrono::{Duration, TimeZone, Utc};
use der::{Decode, Encode};
use qes_testkit::{CrlReason, Revoked, TestPki};
use x509_cert::certificate::Version;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::crl::CrlNumber;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, SubjectKeyIdentifier};

#[test]
fn crl_from_qualified_ca_lists_revoked_entries() {
    let pki = TestPki::shared();
    let this_update = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let next_update = this_update + Duration::days(7);
    let revoked = [
        Revoked::new(
            pki.natural_person(),
            this_update - Duration::days(2),
            CrlReason::KeyCompromise,
        ),
        Revoked::new(
            pki.tsa(),
            this_update - Duration::days(1),
            CrlReason::Superseded,
        ),
        Revoked::new(
            pki.dcc_signer(qes_testkit::DccType::Test),
            this_update - Duration::hours(1),
            CrlReason::Unspecified,
        ),
    ];
    let der = pki
        .crl(pki.qualified_ca(), &revoked, this_update, next_update)
        .unwrap();
    let crl = CertificateList::from_der(&der).unwrap();
    assert_eq!(crl.to_der().unwrap(), der, "DER round trip");
    let tbs = &crl.tbs_cert_list;
    assert_eq!(tbs.version, Version::V2);
    assert_eq!(
        tbs.issuer,
        pki.qualified_ca().certificate().tbs_certificate.subject
    );
    assert_eq!(
        tbs.this_update.to_unix_duration().as_secs(),
        u64::try_from(this_update.timestamp()).unwrap()
    );
    assert_eq!(
        tbs.next_update.unwrap().to_unix_duration().as_secs(),
        u64::try_from(next_update.timestamp()).unwrap()
    );
    let entries = tbs.revoked_certificates.as_ref().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(&entries[0].serial_number, pki.natural_person().serial());
    assert_eq!(
        entries[0].revocation_date.to_unix_duration().as_secs(),
        u64::try_from((this_update - Duration::days(2)).timestamp()).unwrap()
    );
    let reason = |i: usize| -> Option<CrlReason> {
        entries[i].crl_entry_extensions.as_ref().map(|exts| {
            assert_eq!(exts.len(), 1);
            assert_eq!(exts[0].extn_id.to_string(), "2.5.29.21");
            assert!(!exts[0].critical);
            CrlReason::from_der(exts[0].extn_value.as_bytes()).unwrap()
        })
    };
    assert_eq!(reason(0), Some(CrlReason::KeyCompromise));
    assert_eq!(reason(1), Some(CrlReason::Superseded));
    assert_eq!(
        reason(2),
        None,
        "unspecified is written as no reasonCode (RFC 5280 §5.3.1)"
    );

    let exts = tbs.crl_extensions.as_ref().unwrap();
    let ids: Vec<String> = exts.iter().map(|e| e.extn_id.to_string()).collect();
    assert_eq!(ids, ["2.5.29.35", "2.5.29.20"]);
    let aki = AuthorityKeyIdentifier::from_der(exts[0].extn_value.as_bytes()).unwrap();
    let ski_ext = common::extensions(pki.qualified_ca().certificate());
    let ski = SubjectKeyIdentifier::from_der(&ski_ext["2.5.29.14"].1).unwrap();
    assert_eq!(aki.key_identifier.unwrap(), ski.0);
    let number = CrlNumber::from_der(exts[1].extn_value.as_bytes()).unwrap();
    let mut be = [0u8; 8];
    let bytes = number.0.as_bytes();
    be[8 - bytes.len()..].copy_from_slice(bytes);
    assert_eq!(
        u64::from_be_bytes(be),
        u64::try_from(this_update.timestamp()).unwrap()
    );

    common::verify(
        &pki.qualified_ca()
            .certificate()
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .unwrap(),
        &crl.signature_algorithm,
        &tbs.to_der().unwrap(),
        crl.signature.raw_bytes(),
    );
}

#[test]
fn crl_from_root_and_empty_crl() {
    let pki = TestPki::shared();
    let epoch = pki.epoch();
    let der = pki
        .crl(
            pki.root(),
            &[Revoked::new(
                pki.qualified_ca(),
                epoch + Duration::days(1),
                CrlReason::CaCompromise,
            )],
            epoch + Duration::days(2),
            epoch + Duration::days(30),
        )
        .unwrap();
    let crl = CertificateList::from_der(&der).unwrap();
    assert_eq!(
        crl.tbs_cert_list.issuer,
        pki.root().certificate().tbs_certificate.subject
    );
    assert_eq!(
        crl.tbs_cert_list
            .revoked_certificates
            .as_ref()
            .unwrap()
            .len(),
        1
    );
    common::verify_crl(&crl, pki.root());

    let empty = pki
        .crl(pki.qualified_ca(), &[], epoch, epoch + Duration::days(1))
        .unwrap();
    let empty = CertificateList::from_der(&empty).unwrap();
    assert!(
        empty.tbs_cert_list.revoked_certificates.is_none(),
        "absent, not empty (RFC 5280 §5.1.2.6)"
    );
    common::verify_crl(&empty, pki.qualified_ca());

    // Only a CA signs CRLs.
    assert!(pki
        .crl(pki.tsa(), &[], epoch, epoch + Duration::days(1))
        .is_err());
}
