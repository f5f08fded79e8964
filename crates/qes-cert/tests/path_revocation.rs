//! Path validation, CRL and OCSP checking against the seeded test PKI (`qes-testkit`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use chrono::{DateTime, Duration, Utc};
use common::tlv;
use der::asn1::{Null, OctetString};
use der::{Any, Encode};
use qes_cert::{
    Certificate, Crl, OcspCheckOptions, OcspError, OcspResponse, ParseMode, PathValidator,
    ResponderKind, ResponderStatus, RevocationPolicy, RevocationReason, RevocationStatus,
    UndeterminedReason, ValidationOptions,
};
use qes_testkit::{CrlReason, Issued, KeyPair, Revoked, TestPki};
use sha1::Digest;
use spki::AlgorithmIdentifierOwned;

fn cert(i: &Issued) -> Certificate {
    Certificate::from_der(i.cert_der(), ParseMode::Strict).unwrap()
}

fn now(pki: &TestPki) -> DateTime<Utc> {
    pki.epoch() + Duration::days(30)
}

struct Fixture {
    root: Certificate,
    ca: Certificate,
    leaf: Certificate,
}

fn fixture() -> Fixture {
    let pki = TestPki::shared();
    Fixture {
        root: cert(pki.root()),
        ca: cert(pki.qualified_ca()),
        leaf: cert(pki.natural_person()),
    }
}

fn crls(revoked: &[Revoked]) -> Vec<Crl> {
    let pki = TestPki::shared();
    let t = pki.epoch() + Duration::days(29);
    let next = t + Duration::days(7);
    vec![
        Crl::from_der(&pki.crl(pki.root(), &[], t, next).unwrap()).unwrap(),
        Crl::from_der(&pki.crl(pki.qualified_ca(), revoked, t, next).unwrap()).unwrap(),
    ]
}

#[test]
fn valid_path_with_fresh_crls() {
    let pki = TestPki::shared();
    let f = fixture();
    let anchors = [f.root.clone()];
    let pool = [f.ca.clone()];
    let opts = ValidationOptions::new(now(pki))
        .with_crls(crls(&[]))
        .with_revocation(RevocationPolicy::Require);
    let path = PathValidator::new(&anchors)
        .with_intermediates(&pool)
        .validate(&f.leaf, &opts)
        .unwrap();
    assert_eq!(path.certificates().len(), 2);
    assert_eq!(path.leaf(), Some(&f.leaf));
    assert_eq!(path.trust_anchor(), &f.root);
    assert_eq!(
        path.revocation(),
        &[RevocationStatus::Good, RevocationStatus::Good]
    );
    let json = serde_json::to_value(path.summary()).unwrap();
    assert_eq!(json["certificates"][0]["revocation"]["status"], "good");
    assert_eq!(json["certificates"].as_array().unwrap().len(), 2);
}

#[test]
fn revoked_leaf_via_testkit_crl() {
    let pki = TestPki::shared();
    let f = fixture();
    let when = pki.epoch() + Duration::days(20);
    let revoked = [Revoked::new(
        pki.natural_person(),
        when,
        CrlReason::KeyCompromise,
    )];
    let anchors = [f.root.clone()];
    let pool = [f.ca.clone()];
    let opts = ValidationOptions::new(now(pki)).with_crls(crls(&revoked));
    let err = PathValidator::new(&anchors)
        .with_intermediates(&pool)
        .validate(&f.leaf, &opts)
        .unwrap_err();
    assert_eq!(err.code(), "revoked");
    assert_eq!(err.index(), Some(0));
    match err.kind() {
        qes_cert::PathErrorKind::Revoked { time, reason } => {
            assert_eq!(*time, when);
            assert_eq!(*reason, Some(RevocationReason::KeyCompromise));
        }
        other => panic!("{other:?}"),
    }
    // The standalone single-CRL check agrees.
    let crl = &crls(&revoked)[1];
    let status = crl.check_certificate(&f.leaf, &f.ca, now(pki), &Default::default());
    assert!(
        matches!(status, RevocationStatus::Revoked { .. }),
        "{status:?}"
    );
}

#[test]
fn revocation_policies() {
    let pki = TestPki::shared();
    let f = fixture();
    let anchors = [f.root.clone()];
    let pool = [f.ca.clone()];
    let v = PathValidator::new(&anchors).with_intermediates(&pool);
    let err = v
        .validate(&f.leaf, &ValidationOptions::new(now(pki)))
        .unwrap_err();
    assert_eq!(err.code(), "revocation_unknown");
    let soft = ValidationOptions::new(now(pki)).with_revocation(RevocationPolicy::IfAvailable);
    let path = v.validate(&f.leaf, &soft).unwrap();
    assert_eq!(
        path.revocation()[0],
        RevocationStatus::Undetermined {
            why: UndeterminedReason::NoCrl
        }
    );
    let skip = ValidationOptions::new(now(pki)).with_revocation(RevocationPolicy::Skip);
    assert_eq!(
        v.validate(&f.leaf, &skip).unwrap().revocation()[0],
        RevocationStatus::NotChecked
    );
    // A stale CRL does not count.
    let late = now(pki) + Duration::days(60);
    let stale = ValidationOptions::new(late).with_crls(crls(&[]));
    assert_eq!(
        v.validate(&f.leaf, &stale).unwrap_err().code(),
        "revocation_unknown"
    );
}

#[test]
fn structural_errors() {
    let pki = TestPki::shared();
    let f = fixture();
    let anchors = [f.root.clone()];
    let skip = |t| ValidationOptions::new(t).with_revocation(RevocationPolicy::Skip);
    // Missing intermediate.
    let err = PathValidator::new(&anchors)
        .validate(&f.leaf, &skip(now(pki)))
        .unwrap_err();
    assert_eq!((err.code(), err.index()), ("no_issuer", Some(0)));
    // Expired (far future) and not yet valid (before the epoch).
    let pool = [f.ca.clone()];
    let v = PathValidator::new(&anchors).with_intermediates(&pool);
    let err = v
        .validate(&f.leaf, &skip(pki.epoch() + Duration::days(365 * 30)))
        .unwrap_err();
    assert_eq!(err.code(), "expired");
    let err = v
        .validate(&f.leaf, &skip(pki.epoch() - Duration::days(1)))
        .unwrap_err();
    assert_eq!(err.code(), "not_yet_valid");
    // A leaf is no issuer: the natural person cannot issue.
    let other = [f.leaf.clone()];
    let err = PathValidator::new(&other)
        .validate(&f.ca, &skip(now(pki)))
        .unwrap_err();
    assert_eq!(err.code(), "no_issuer");
    // Explicit policy with a policy the chain does not carry.
    let opts = skip(now(pki))
        .with_initial_policies(["1.2.3.4".parse().unwrap()])
        .with_explicit_policy(qes_cert::ExplicitPolicy::Required);
    assert_eq!(v.validate(&f.leaf, &opts).unwrap_err().code(), "policy");
    // Budget: no signature checks allowed.
    let opts = skip(now(pki)).with_budget(qes_cert::Budget::new(0, 10, 10));
    assert_eq!(
        v.validate(&f.leaf, &opts).unwrap_err().code(),
        "budget_exceeded"
    );
}

// ---------------------------------------------------------------------------------------------
// OCSP responses built and signed here.

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn gtime(t: &str) -> Vec<u8> {
    tlv(0x18, t.as_bytes())
}

fn fmt_time(t: DateTime<Utc>) -> String {
    t.format("%Y%m%d%H%M%SZ").to_string()
}

fn cert_id(cert: &Certificate, issuer: &Certificate) -> Vec<u8> {
    let name = cert.x509().tbs_certificate.issuer.to_der().unwrap();
    let key = issuer
        .x509()
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .raw_bytes();
    x509_ocsp::CertId {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: "1.3.14.3.2.26".parse().unwrap(),
            parameters: Some(Any::from(Null)),
        },
        issuer_name_hash: OctetString::new(sha1::Sha1::digest(&name).to_vec()).unwrap(),
        issuer_key_hash: OctetString::new(sha1::Sha1::digest(key).to_vec()).unwrap(),
        serial_number: cert.x509().tbs_certificate.serial_number.clone(),
    }
    .to_der()
    .unwrap()
}

struct Resp<'a> {
    responder: &'a Certificate,
    signer: &'a KeyPair,
    include_cert: bool,
    status: Vec<u8>,
    this_update: String,
    next_update: Option<String>,
    nonce: Option<&'a [u8]>,
    id: Vec<u8>,
}

/// A response about the fixture leaf signed by `signer` for `responder` (included): thisUpdate
/// an hour before `t`, nextUpdate `valid_for` after it, no nonce.
fn resp_for<'a>(
    responder: &'a Certificate,
    signer: &'a KeyPair,
    f: &Fixture,
    t: DateTime<Utc>,
    status: Vec<u8>,
    valid_for: Duration,
) -> Resp<'a> {
    Resp {
        responder,
        signer,
        include_cert: true,
        status,
        this_update: fmt_time(t - Duration::hours(1)),
        next_update: Some(fmt_time(t + valid_for)),
        nonce: None,
        id: cert_id(&f.leaf, &f.ca),
    }
}

fn build(r: &Resp<'_>) -> Vec<u8> {
    build_with(r, false)
}

/// `by_key`: ResponderID byKey (SHA-1 of the responder's subjectPublicKey) instead of byName.
fn build_with(r: &Resp<'_>, by_key: bool) -> Vec<u8> {
    let responder_id = if by_key {
        let key = r
            .responder
            .x509()
            .tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes();
        tlv(0xa2, &tlv(0x04, &sha1::Sha1::digest(key)))
    } else {
        tlv(
            0xa1,
            &r.responder.x509().tbs_certificate.subject.to_der().unwrap(),
        )
    };
    let mut single = vec![r.id.clone(), r.status.clone(), gtime(&r.this_update)];
    if let Some(n) = &r.next_update {
        single.push(tlv(0xa0, &gtime(n)));
    }
    let mut data = vec![responder_id, gtime(&r.this_update), seq(&[seq(&single)])];
    if let Some(nonce) = r.nonce {
        let ext = seq(&[
            "1.3.6.1.5.5.7.48.1.2"
                .parse::<const_oid::ObjectIdentifier>()
                .unwrap()
                .to_der()
                .unwrap(),
            tlv(0x04, &tlv(0x04, nonce)),
        ]);
        data.push(tlv(0xa1, &seq(&[ext])));
    }
    let tbs = seq(&data);
    let sig = r.signer.sign(&tbs);
    let mut bits = vec![0u8];
    bits.extend(sig);
    let mut basic = vec![
        tbs,
        r.signer.signature_algorithm().to_der().unwrap(),
        tlv(0x03, &bits),
    ];
    if r.include_cert {
        basic.push(tlv(0xa0, &seq(&[r.responder.der().to_vec()])));
    }
    let basic = seq(&basic);
    let oid = "1.3.6.1.5.5.7.48.1.1"
        .parse::<const_oid::ObjectIdentifier>()
        .unwrap();
    let rb = seq(&[oid.to_der().unwrap(), tlv(0x04, &basic)]);
    seq(&[tlv(0x0a, &[0]), tlv(0xa0, &rb)])
}

fn good() -> Vec<u8> {
    vec![0x80, 0x00]
}

#[test]
fn ocsp_delegated_responder_good_and_fractional_time() {
    let pki = TestPki::shared();
    let f = fixture();
    let responder = cert(pki.ocsp_responder());
    let t = now(pki);
    let mut r = Resp {
        nonce: Some(b"0123456789abcdef"),
        ..resp_for(
            &responder,
            pki.ocsp_responder().key(),
            &f,
            t,
            good(),
            Duration::days(1),
        )
    };
    let opts = OcspCheckOptions::new(t).with_nonce(b"0123456789abcdef".to_vec());
    let resp = OcspResponse::from_der(&build(&r)).unwrap();
    let verdict = resp.check(&f.leaf, &f.ca, &opts).unwrap();
    assert_eq!(verdict.status, RevocationStatus::Good);
    assert!(matches!(
        verdict.responder,
        ResponderKind::Delegated {
            status: ResponderStatus::NoCheck,
            ..
        }
    ));
    serde_json::to_string(&verdict).unwrap();

    // Fractional seconds, as certomancer emits them.
    r.this_update = format!(
        "{}.853599Z",
        (t - Duration::hours(1)).format("%Y%m%d%H%M%S")
    );
    let resp = OcspResponse::from_der(&build(&r)).unwrap();
    let verdict = resp.check(&f.leaf, &f.ca, &opts).unwrap();
    assert_eq!(verdict.this_update.timestamp_subsec_micros(), 853_599);

    // Wrong nonce, missing nonce.
    let other = OcspCheckOptions::new(t).with_nonce(b"something else".to_vec());
    assert_eq!(
        resp.check(&f.leaf, &f.ca, &other).unwrap_err(),
        OcspError::NonceMismatch
    );
    r.nonce = None;
    let resp = OcspResponse::from_der(&build(&r)).unwrap();
    assert_eq!(
        resp.check(&f.leaf, &f.ca, &opts).unwrap_err(),
        OcspError::NonceMissing
    );
    assert!(resp
        .check(&f.leaf, &f.ca, &OcspCheckOptions::new(t))
        .is_ok());

    // Stale and not yet valid.
    let late = OcspCheckOptions::new(t + Duration::days(3));
    assert_eq!(
        resp.check(&f.leaf, &f.ca, &late).unwrap_err().code(),
        "ocsp_stale"
    );
    let early = OcspCheckOptions::new(t - Duration::days(1));
    assert_eq!(
        resp.check(&f.leaf, &f.ca, &early).unwrap_err().code(),
        "ocsp_not_yet_valid"
    );
    // No nextUpdate: max age applies.
    r.next_update = None;
    let resp = OcspResponse::from_der(&build(&r)).unwrap();
    assert!(resp
        .check(&f.leaf, &f.ca, &OcspCheckOptions::new(t))
        .is_ok());
    let aged = OcspCheckOptions::new(t).with_max_age(Duration::minutes(10));
    assert_eq!(
        resp.check(&f.leaf, &f.ca, &aged).unwrap_err().code(),
        "ocsp_stale"
    );

    // The delegated responder is authorised by the qualified CA only, not by the root.
    assert_eq!(
        resp.check(&f.ca, &f.root, &OcspCheckOptions::new(t))
            .unwrap_err()
            .code(),
        "ocsp_responder_not_authorised"
    );
    // CertID for another certificate.
    r.id = cert_id(&cert(pki.legal_person()), &f.ca);
    let resp = OcspResponse::from_der(&build(&r)).unwrap();
    assert_eq!(
        resp.check(&f.leaf, &f.ca, &OcspCheckOptions::new(t))
            .unwrap_err(),
        OcspError::NoMatchingResponse
    );
}

#[test]
fn ocsp_revoked_signed_by_ca_and_bad_signatures() {
    let pki = TestPki::shared();
    let f = fixture();
    let t = now(pki);
    let when = t - Duration::days(2);
    // revoked [1] IMPLICIT SEQUENCE { revocationTime, [0] EXPLICIT CRLReason keyCompromise }
    let revoked = tlv(
        0xa1,
        &[gtime(&fmt_time(when)), tlv(0xa0, &tlv(0x0a, &[1]))].concat(),
    );
    let mut r = Resp {
        include_cert: false,
        ..resp_for(
            &f.ca,
            pki.qualified_ca().key(),
            &f,
            t,
            revoked,
            Duration::days(1),
        )
    };
    let resp = OcspResponse::from_der(&build(&r)).unwrap();
    let verdict = resp
        .check(&f.leaf, &f.ca, &OcspCheckOptions::new(t))
        .unwrap();
    assert_eq!(verdict.responder, ResponderKind::Issuer);
    assert_eq!(
        verdict.status,
        RevocationStatus::Revoked {
            time: when,
            reason: Some(RevocationReason::KeyCompromise)
        }
    );

    // Signed by the wrong key (the responder ID names the CA, the leaf key signs).
    r.signer = pki.natural_person().key();
    let resp = OcspResponse::from_der(&build(&r)).unwrap();
    assert_eq!(
        resp.check(&f.leaf, &f.ca, &OcspCheckOptions::new(t))
            .unwrap_err()
            .code(),
        "ocsp_bad_signature"
    );

    // A "delegated responder" that is the holder's own certificate: no OCSPSigning EKU.
    r.responder = &f.leaf;
    r.include_cert = true;
    let resp = OcspResponse::from_der(&build(&r)).unwrap();
    assert_eq!(
        resp.check(&f.leaf, &f.ca, &OcspCheckOptions::new(t))
            .unwrap_err()
            .code(),
        "ocsp_responder_not_authorised"
    );
}

#[test]
fn ocsp_non_successful_status() {
    let resp = OcspResponse::from_der(&seq(&[tlv(0x0a, &[6])])).unwrap();
    let f = fixture();
    let err = resp
        .check(
            &f.leaf,
            &f.ca,
            &OcspCheckOptions::new(now(TestPki::shared())),
        )
        .unwrap_err();
    assert_eq!(err.code(), "ocsp_not_successful");
}

#[test]
fn path_validation_with_ocsp_for_the_leaf() {
    let pki = TestPki::shared();
    let f = fixture();
    let responder = cert(pki.ocsp_responder());
    let t = now(pki);
    let mut r = resp_for(
        &responder,
        pki.ocsp_responder().key(),
        &f,
        t,
        good(),
        Duration::days(1),
    );
    let anchors = [f.root.clone()];
    let pool = [f.ca.clone()];
    let v = PathValidator::new(&anchors).with_intermediates(&pool);
    // OCSP for the leaf, the root's CRL for the qualified CA.
    let root_crl = crls(&[]).remove(0);
    let opts = ValidationOptions::new(t)
        .with_crls([root_crl.clone()])
        .with_ocsp_responses([OcspResponse::from_der(&build(&r)).unwrap()]);
    let path = v.validate(&f.leaf, &opts).unwrap();
    assert_eq!(
        path.revocation(),
        &[RevocationStatus::Good, RevocationStatus::Good]
    );
    // Without the OCSP response the leaf's status is unknown.
    let opts = ValidationOptions::new(t).with_crls([root_crl.clone()]);
    assert_eq!(
        v.validate(&f.leaf, &opts).unwrap_err().code(),
        "revocation_unknown"
    );
    // A revoked OCSP answer fails the path.
    r.status = tlv(0xa1, &gtime(&fmt_time(t - Duration::days(1))));
    let opts = ValidationOptions::new(t)
        .with_crls([root_crl])
        .with_ocsp_responses([OcspResponse::from_der(&build(&r)).unwrap()]);
    let err = v.validate(&f.leaf, &opts).unwrap_err();
    assert_eq!((err.code(), err.index()), ("revoked", Some(0)));
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["code"], "revoked");
}

#[test]
fn newer_crl_is_not_shadowed_by_an_older_one() {
    let pki = TestPki::shared();
    let f = fixture();
    let t = now(pki);
    let older = Crl::from_der(
        &pki.crl(
            pki.qualified_ca(),
            &[],
            t - Duration::days(3),
            t + Duration::days(7),
        )
        .unwrap(),
    )
    .unwrap();
    let revoked = [Revoked::new(
        pki.natural_person(),
        t - Duration::days(2),
        CrlReason::Superseded,
    )];
    let newer = Crl::from_der(
        &pki.crl(
            pki.qualified_ca(),
            &revoked,
            t - Duration::days(1),
            t + Duration::days(7),
        )
        .unwrap(),
    )
    .unwrap();
    let root_crl = crls(&[]).remove(0);
    let anchors = [f.root.clone()];
    let pool = [f.ca.clone()];
    let v = PathValidator::new(&anchors).with_intermediates(&pool);
    for order in [[older.clone(), newer.clone()], [newer, older]] {
        let opts = ValidationOptions::new(t)
            .with_crls(order)
            .with_crls([root_crl.clone()]);
        assert_eq!(v.validate(&f.leaf, &opts).unwrap_err().code(), "revoked");
    }
}

// ---- Regression tests for review 1 (S1–S3, D2) ----

fn day() -> Duration {
    Duration::days(1)
}

/// Review S1: RFC 5280 §6.3.3 (f): the CRL issuer's path MUST end at the *same* trust anchor as the
/// certificate's. Here CA "B" (another hierarchy, same subject DN as CA "A") signs an empty
/// CRL for A's name; the attacker withholds A's real CRL.
#[test]
fn crl_signed_under_another_anchor_is_not_authoritative() {
    let a = TestPki::shared();
    let b = TestPki::builder()
        .seed(1)
        .ca_key(qes_testkit::KeyAlgorithm::EcP384)
        .build()
        .unwrap();
    let t = now(a);
    let leaf = cert(a.natural_person());
    let anchors = [cert(a.root()), cert(b.root())];
    let pool = [cert(a.qualified_ca()), cert(b.qualified_ca())];
    assert_eq!(
        pool[0].x509().tbs_certificate.subject,
        pool[1].x509().tbs_certificate.subject
    );
    let fake = Crl::from_der(&b.crl(b.qualified_ca(), &[], t - day(), t + day()).unwrap()).unwrap();
    let opts = ValidationOptions::new(t).with_crls([
        Crl::from_der(&a.crl(a.root(), &[], t - day(), t + day()).unwrap()).unwrap(),
        Crl::from_der(&b.crl(b.root(), &[], t - day(), t + day()).unwrap()).unwrap(),
        fake,
    ]);
    let res = PathValidator::new(&anchors)
        .with_intermediates(&pool)
        .validate(&leaf, &opts);
    assert_eq!(
        res.map(|p| p.revocation().to_vec()).unwrap_err().code(),
        "revocation_unknown",
        "leaf A declared good by a CRL from hierarchy B"
    );
}

fn utc(t: DateTime<Utc>) -> x509_cert::time::Time {
    x509_cert::time::Time::UtcTime(
        der::asn1::UtcTime::from_unix_duration(std::time::Duration::from_secs(
            u64::try_from(t.timestamp()).unwrap(),
        ))
        .unwrap(),
    )
}

fn ext<T: Encode>(oid: &str, critical: bool, v: &T) -> x509_cert::ext::Extension {
    x509_cert::ext::Extension {
        extn_id: oid.parse().unwrap(),
        critical,
        extn_value: OctetString::new(v.to_der().unwrap()).unwrap(),
    }
}

fn signed_crl(
    issuer: &Issued,
    number: u8,
    base: Option<u8>,
    entries: &[(&Issued, CrlReason)],
    this: DateTime<Utc>,
) -> Crl {
    use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
    let mut exts = vec![ext(
        "2.5.29.20",
        false,
        &x509_cert::ext::pkix::CrlNumber(der::asn1::Uint::new(&[number]).unwrap()),
    )];
    if let Some(b) = base {
        exts.push(ext(
            "2.5.29.27",
            true,
            &x509_cert::ext::pkix::BaseCrlNumber(der::asn1::Uint::new(&[b]).unwrap()),
        ));
    }
    let revoked: Vec<RevokedCert> = entries
        .iter()
        .map(|(c, r)| RevokedCert {
            serial_number: c.serial().clone(),
            revocation_date: utc(this - day()),
            crl_entry_extensions: Some(vec![ext("2.5.29.21", false, r)]),
        })
        .collect();
    let alg = issuer.key().signature_algorithm();
    let tbs = TbsCertList {
        version: x509_cert::certificate::Version::V2,
        signature: alg.clone(),
        issuer: issuer.subject().clone(),
        this_update: utc(this),
        next_update: Some(utc(this + Duration::days(7))),
        revoked_certificates: (!revoked.is_empty()).then_some(revoked),
        crl_extensions: Some(exts),
    };
    let sig = issuer.key().sign(&tbs.to_der().unwrap());
    let der = CertificateList {
        tbs_cert_list: tbs,
        signature_algorithm: alg,
        signature: der::asn1::BitString::from_bytes(&sig).unwrap(),
    }
    .to_der()
    .unwrap();
    Crl::from_der(&der).unwrap()
}

/// Review S2: a delta CRL *older* than the complete CRL (cRLNumber 6 < 10, RFC 5280 §5.2.4 requires
/// complete < delta) with removeFromCRL un-revokes a key-compromised certificate.
#[test]
fn stale_delta_crl_does_not_unrevoke() {
    let pki = TestPki::shared();
    let f = fixture();
    let t = now(pki);
    let ca = pki.qualified_ca();
    let complete = signed_crl(
        ca,
        10,
        None,
        &[(pki.natural_person(), CrlReason::KeyCompromise)],
        t - day(),
    );
    let stale_delta = signed_crl(
        ca,
        6,
        Some(5),
        &[(pki.natural_person(), CrlReason::RemoveFromCRL)],
        t - day(),
    );
    let anchors = [f.root.clone()];
    let pool = [f.ca.clone()];
    let v = PathValidator::new(&anchors).with_intermediates(&pool);
    let only_complete =
        ValidationOptions::new(t).with_crls([complete.clone(), crls(&[]).remove(0)]);
    assert_eq!(
        v.validate(&f.leaf, &only_complete).unwrap_err().code(),
        "revoked"
    );
    let with_delta =
        ValidationOptions::new(t).with_crls([complete, stale_delta, crls(&[]).remove(0)]);
    let res = v.validate(&f.leaf, &with_delta);
    assert_eq!(
        res.map(|p| p.revocation().to_vec()).unwrap_err().code(),
        "revoked",
        "stale delta CRL un-revoked a keyCompromise entry"
    );
}

/// Review S3: a good OCSP response short-circuits a fresh CRL that says revoked (keyCompromise).
#[test]
fn ocsp_good_does_not_hide_crl_revocation() {
    let pki = TestPki::shared();
    let f = fixture();
    let responder = cert(pki.ocsp_responder());
    let t = now(pki);
    let r = resp_for(
        &responder,
        pki.ocsp_responder().key(),
        &f,
        t,
        good(),
        Duration::days(7),
    );
    let revoked = [Revoked::new(
        pki.natural_person(),
        t - day(),
        CrlReason::KeyCompromise,
    )];
    let anchors = [f.root.clone()];
    let pool = [f.ca.clone()];
    let opts = ValidationOptions::new(t)
        .with_crls(crls(&revoked))
        .with_ocsp_responses([OcspResponse::from_der(&build(&r)).unwrap()]);
    let res = PathValidator::new(&anchors)
        .with_intermediates(&pool)
        .validate(&f.leaf, &opts);
    assert_eq!(
        res.map(|p| p.revocation().to_vec()).unwrap_err().code(),
        "revoked",
        "CRL says keyCompromise, OCSP good wins"
    );
}

/// Review D2: library panic on caller input (chrono `DateTime + TimeDelta` overflow).
#[test]
fn huge_clock_skew_does_not_panic() {
    let pki = TestPki::shared();
    let f = fixture();
    let responder = cert(pki.ocsp_responder());
    let t = now(pki);
    let r = resp_for(
        &responder,
        pki.ocsp_responder().key(),
        &f,
        t,
        good(),
        Duration::days(1),
    );
    let resp = OcspResponse::from_der(&build(&r)).unwrap();
    let opts = OcspCheckOptions::new(t).with_clock_skew(Duration::MAX);
    let out = std::panic::catch_unwind(|| resp.check(&f.leaf, &f.ca, &opts).is_ok());
    assert!(out.is_ok(), "OcspResponse::check panicked");
}

/// Validate the fixture leaf with the root's empty CRL plus `extra` (CA CRLs).
fn with_ca_crls(extra: Vec<Crl>) -> Result<Vec<RevocationStatus>, String> {
    let pki = TestPki::shared();
    let f = fixture();
    let anchors = [f.root.clone()];
    let pool = [f.ca.clone()];
    let opts =
        ValidationOptions::new(now(pki)).with_crls(crls(&[]).into_iter().take(1).chain(extra));
    PathValidator::new(&anchors)
        .with_intermediates(&pool)
        .validate(&f.leaf, &opts)
        .map(|p| p.revocation().to_vec())
        .map_err(|e| e.code().to_owned())
}

/// Review S2 / T3: removeFromCRL in a newer delta lifts a certificateHold (RFC 5280 §5.3.1)
/// but never a keyCompromise; a delta entry revokes on top of an empty complete CRL; the
/// newest delta wins whatever the input order; a delta without its own cRLNumber is ignored.
#[test]
fn delta_crl_semantics() {
    let pki = TestPki::shared();
    let t = now(pki);
    let ca = pki.qualified_ca();
    let leaf = pki.natural_person();
    let good = Ok(vec![RevocationStatus::Good, RevocationStatus::Good]);
    let hold = signed_crl(
        ca,
        10,
        None,
        &[(leaf, CrlReason::CertificateHold)],
        t - day(),
    );
    let kc = signed_crl(ca, 10, None, &[(leaf, CrlReason::KeyCompromise)], t - day());
    let empty = signed_crl(ca, 10, None, &[], t - day());
    let release = signed_crl(
        ca,
        11,
        Some(10),
        &[(leaf, CrlReason::RemoveFromCRL)],
        t - day(),
    );
    let revoke = signed_crl(
        ca,
        11,
        Some(10),
        &[(leaf, CrlReason::KeyCompromise)],
        t - day(),
    );
    let newer_empty = signed_crl(ca, 12, Some(10), &[], t - day());

    assert_eq!(with_ca_crls(vec![hold.clone()]), Err("revoked".into()));
    assert_eq!(with_ca_crls(vec![hold.clone(), release.clone()]), good);
    assert_eq!(
        with_ca_crls(vec![kc.clone(), release.clone()]),
        Err("revoked".into()),
        "removeFromCRL lifted a keyCompromise entry"
    );
    assert_eq!(with_ca_crls(vec![empty.clone()]), good);
    assert_eq!(
        with_ca_crls(vec![empty.clone(), revoke.clone()]),
        Err("revoked".into())
    );
    // Newest delta (12, empty: the hold still stands, delta lists changes only) beats 11.
    assert_eq!(
        with_ca_crls(vec![hold.clone(), newer_empty.clone(), release.clone()]),
        Err("revoked".into())
    );
    assert_eq!(
        with_ca_crls(vec![release.clone(), hold.clone(), newer_empty.clone()]),
        Err("revoked".into())
    );
    // A delta whose number is not above the complete CRL's is not applied.
    let same_number = signed_crl(
        ca,
        10,
        Some(9),
        &[(leaf, CrlReason::RemoveFromCRL)],
        t - day(),
    );
    assert_eq!(with_ca_crls(vec![hold, same_number]), Err("revoked".into()));
    // A delta signed by another key (root, same name impossible here: different issuer) is
    // out of scope and cannot revoke.
    let foreign = signed_crl(
        pki.root(),
        11,
        Some(10),
        &[(leaf, CrlReason::KeyCompromise)],
        t - day(),
    );
    assert_eq!(with_ca_crls(vec![empty, foreign]), good);
}

/// Review S3: OCSP and CRLs are both read; OCSP `revoked` wins over a CRL without the entry.
#[test]
fn ocsp_revoked_wins_over_clean_crl() {
    let pki = TestPki::shared();
    let f = fixture();
    let responder = cert(pki.ocsp_responder());
    let t = now(pki);
    let r = resp_for(
        &responder,
        pki.ocsp_responder().key(),
        &f,
        t,
        revoked_status(t - day()),
        Duration::days(7),
    );
    let anchors = [f.root.clone()];
    let pool = [f.ca.clone()];
    let opts = ValidationOptions::new(t)
        .with_crls(crls(&[]))
        .with_ocsp_responses([OcspResponse::from_der(&build(&r)).unwrap()]);
    let err = PathValidator::new(&anchors)
        .with_intermediates(&pool)
        .validate(&f.leaf, &opts)
        .unwrap_err();
    assert_eq!((err.code(), err.index()), ("revoked", Some(0)));
}

fn revoked_status(when: DateTime<Utc>) -> Vec<u8> {
    tlv(0xa1, &gtime(&fmt_time(when)))
}

/// Review T3: ResponderID byKey; a responder signed by the right CA but without
/// id-kp-OCSPSigning (the TSA), or outside its validity, is not authorised.
#[test]
fn ocsp_responder_by_key_wrong_eku_and_expired() {
    let pki = TestPki::shared();
    let f = fixture();
    let responder = cert(pki.ocsp_responder());
    let tsa = cert(pki.tsa());
    let t = now(pki);
    let mut r = resp_for(
        &responder,
        pki.ocsp_responder().key(),
        &f,
        t,
        good(),
        Duration::days(1),
    );
    let check = |der: Vec<u8>, at: DateTime<Utc>| {
        OcspResponse::from_der(&der)
            .unwrap()
            .check(&f.leaf, &f.ca, &OcspCheckOptions::new(at))
    };
    let verdict = check(build_with(&r, true), t).unwrap();
    assert_eq!(verdict.status, RevocationStatus::Good);
    assert!(matches!(
        verdict.responder,
        ResponderKind::Delegated {
            status: ResponderStatus::NoCheck,
            ..
        }
    ));
    // Ten years on the responder certificate has expired; the response itself is fresh.
    let later = t + Duration::days(3650);
    r.this_update = fmt_time(later - Duration::hours(1));
    r.next_update = Some(fmt_time(later + Duration::days(1)));
    assert_eq!(
        check(build(&r), later).unwrap_err().code(),
        "ocsp_responder_not_authorised"
    );
    r.this_update = fmt_time(t - Duration::hours(1));
    r.next_update = Some(fmt_time(t + Duration::days(1)));
    let r = Resp {
        responder: &tsa,
        signer: pki.tsa().key(),
        ..r
    };
    assert_eq!(
        check(build(&r), t).unwrap_err().code(),
        "ocsp_responder_not_authorised"
    );
    assert_eq!(
        check(build_with(&r, true), t).unwrap_err().code(),
        "ocsp_responder_not_authorised"
    );
}

/// Review D3: path building charges name comparisons (it prepared and compared every
/// anchor's and intermediate's subject for free before).
#[test]
fn name_comparisons_are_charged() {
    let pki = TestPki::shared();
    let f = fixture();
    let anchors = [f.root.clone()];
    let pool = [f.ca.clone()];
    let v = PathValidator::new(&anchors).with_intermediates(&pool);
    let opts = |n| {
        ValidationOptions::new(now(pki))
            .with_crls(crls(&[]))
            .with_budget(qes_cert::Budget::new(256, 512, n))
    };
    assert_eq!(
        v.validate(&f.leaf, &opts(0)).unwrap_err().code(),
        "budget_exceeded"
    );
    v.validate(&f.leaf, &opts(64)).unwrap();
}

/// The testkit OCSP responder re-issued by the qualified CA without id-pkix-ocsp-nocheck.
fn responder_without_nocheck() -> Certificate {
    reissued_responder(|exts| {
        let nocheck: const_oid::ObjectIdentifier = "1.3.6.1.5.5.7.48.1.5".parse().unwrap();
        let before = exts.len();
        exts.retain(|e| e.extn_id != nocheck);
        assert_eq!(exts.len() + 1, before);
    })
}

/// The testkit OCSP responder with its extensions edited, re-signed by the qualified CA.
fn reissued_responder(edit: impl FnOnce(&mut Vec<x509_cert::ext::Extension>)) -> Certificate {
    use der::Decode;
    let pki = TestPki::shared();
    let mut x = x509_cert::Certificate::from_der(pki.ocsp_responder().cert_der()).unwrap();
    edit(x.tbs_certificate.extensions.as_mut().unwrap());
    let ca = pki.qualified_ca().key();
    x.tbs_certificate.signature = ca.signature_algorithm();
    x.signature_algorithm = ca.signature_algorithm();
    let sig = ca.sign(&x.tbs_certificate.to_der().unwrap());
    x.signature = der::asn1::BitString::from_bytes(&sig).unwrap();
    Certificate::from_der(&x.to_der().unwrap(), ParseMode::Strict).unwrap()
}

/// Review S3: a `good` from a delegated responder without id-pkix-ocsp-nocheck is reported
/// as [`ResponderStatus::Unchecked`] and does not satisfy [`RevocationPolicy::Require`]
/// (RFC 6960 §4.2.2.2.1); its `revoked` still fails the path.
#[test]
fn ocsp_good_from_unchecked_responder_is_not_decisive() {
    let pki = TestPki::shared();
    let f = fixture();
    let responder = responder_without_nocheck();
    let t = now(pki);
    let mut r = resp_for(
        &responder,
        pki.ocsp_responder().key(),
        &f,
        t,
        good(),
        Duration::days(7),
    );
    let resp = OcspResponse::from_der(&build(&r)).unwrap();
    let verdict = resp
        .check(&f.leaf, &f.ca, &OcspCheckOptions::new(t))
        .unwrap();
    assert_eq!(verdict.status, RevocationStatus::Good);
    assert!(matches!(
        verdict.responder,
        ResponderKind::Delegated {
            status: ResponderStatus::Unchecked,
            ..
        }
    ));
    let anchors = [f.root.clone()];
    let pool = [f.ca.clone()];
    let v = PathValidator::new(&anchors).with_intermediates(&pool);
    let root_crl = crls(&[]).remove(0);
    let opts = ValidationOptions::new(t)
        .with_crls([root_crl.clone()])
        .with_ocsp_responses([resp]);
    let err = v.validate(&f.leaf, &opts).unwrap_err();
    assert_eq!((err.code(), err.index()), ("revocation_unknown", Some(0)));
    r.status = revoked_status(t - day());
    let opts = ValidationOptions::new(t)
        .with_crls([root_crl])
        .with_ocsp_responses([OcspResponse::from_der(&build(&r)).unwrap()]);
    let err = v.validate(&f.leaf, &opts).unwrap_err();
    assert_eq!((err.code(), err.index()), ("revoked", Some(0)));
}

/// Review (lower): a delegated responder with an unknown critical extension is not authorised.
#[test]
fn ocsp_responder_with_unknown_critical_extension() {
    let pki = TestPki::shared();
    let f = fixture();
    let responder = reissued_responder(|exts| {
        exts.push(ext("1.2.3.4.5", true, &Null));
    });
    let t = now(pki);
    let r = resp_for(
        &responder,
        pki.ocsp_responder().key(),
        &f,
        t,
        good(),
        Duration::days(7),
    );
    let err = OcspResponse::from_der(&build(&r))
        .unwrap()
        .check(&f.leaf, &f.ca, &OcspCheckOptions::new(t))
        .unwrap_err();
    assert_eq!(
        err,
        OcspError::ResponderNotAuthorised {
            why: "unknown critical extension"
        }
    );
}
