//! Path validation, CRL and OCSP checking against the seeded test PKI (`qes-testkit`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{DateTime, Duration, Utc};
use der::asn1::{Null, OctetString};
use der::{Any, Encode};
use qes_cert::{
    Certificate, Crl, OcspCheckOptions, OcspError, OcspResponse, ParseMode, PathValidator,
    ResponderKind, RevocationPolicy, RevocationReason, RevocationStatus, UndeterminedReason,
    ValidationOptions,
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
        .with_explicit_policy(true);
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

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap());
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | u8::try_from(bytes.len()).unwrap());
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

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

fn build(r: &Resp<'_>) -> Vec<u8> {
    let responder_name = r.responder.x509().tbs_certificate.subject.to_der().unwrap();
    let mut single = vec![r.id.clone(), r.status.clone(), gtime(&r.this_update)];
    if let Some(n) = &r.next_update {
        single.push(tlv(0xa0, &gtime(n)));
    }
    let mut data = vec![
        tlv(0xa1, &responder_name),
        gtime(&r.this_update),
        seq(&[seq(&single)]),
    ];
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
        responder: &responder,
        signer: pki.ocsp_responder().key(),
        include_cert: true,
        status: good(),
        this_update: fmt_time(t - Duration::hours(1)),
        next_update: Some(fmt_time(t + Duration::days(1))),
        nonce: Some(b"0123456789abcdef"),
        id: cert_id(&f.leaf, &f.ca),
    };
    let opts = OcspCheckOptions::new(t).with_nonce(b"0123456789abcdef".to_vec());
    let resp = OcspResponse::from_der(&build(&r)).unwrap();
    let verdict = resp.check(&f.leaf, &f.ca, &opts).unwrap();
    assert_eq!(verdict.status, RevocationStatus::Good);
    assert!(matches!(
        verdict.responder,
        ResponderKind::Delegated { nocheck: true, .. }
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
        responder: &f.ca,
        signer: pki.qualified_ca().key(),
        include_cert: false,
        status: revoked,
        this_update: fmt_time(t - Duration::hours(1)),
        next_update: Some(fmt_time(t + Duration::days(1))),
        nonce: None,
        id: cert_id(&f.leaf, &f.ca),
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
    let mut r = Resp {
        responder: &responder,
        signer: pki.ocsp_responder().key(),
        include_cert: true,
        status: good(),
        this_update: fmt_time(t - Duration::hours(1)),
        next_update: Some(fmt_time(t + Duration::days(1))),
        nonce: None,
        id: cert_id(&f.leaf, &f.ca),
    };
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
