//! CSC API v2 and everything certomancer's dummy does not do, against the in-test v2 service
//! (`common`): version discovery, paging, PIN + TOTP authorization, a rejected PIN or OTP
//! (never retried, with the tries left), the lock-out after five wrong codes, HTTP basic and
//! OAuth2 bearer service authentication, and retries of idempotent calls only.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{ClientAuth, Faults, CREDENTIAL, NOW, PIN};
use qes_cloud::{
    ApiVersion, AuthMode, CloudError, CscClient, CscSigner, FixedSecrets, RetryPolicy, Scal,
    Secret, SecretKind, StaticToken, TotpAuthorizer,
};
use qes_signer::{conformance, DigestAlgorithm, SignError, SignatureAlgorithm, Signer};

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        attempts: 3,
        backoff: Duration::from_millis(10),
    }
}

fn connect(stub: &common::Stub) -> Arc<CscClient> {
    Arc::new(
        CscClient::builder(&stub.url)
            .with_retry(fast_retry())
            .connect()
            .unwrap(),
    )
}

fn totp_authorizer(pin: &str, clock_offset: i64) -> Box<TotpAuthorizer> {
    let at = NOW.saturating_add_signed(clock_offset);
    Box::new(TotpAuthorizer::new(
        common::totp(),
        Some(Secret::new(pin)),
        move || at,
    ))
}

fn cloud_error(e: SignError) -> CloudError {
    match e {
        SignError::Backend {
            backend: "csc",
            source,
        } => *source.downcast::<CloudError>().unwrap(),
        other => panic!("not a csc backend error: {other:?}"),
    }
}

#[test]
fn v2_is_discovered_and_credentials_are_paged() {
    let stub = common::start(ClientAuth::None, Faults::default());
    let client = connect(&stub);
    assert_eq!(client.version(), ApiVersion::V2);
    assert_eq!(client.info().specs, "2.0.0.2");
    assert_eq!(
        client.list_credentials(None).unwrap(),
        ["cred-other", CREDENTIAL]
    );
    assert_eq!(stub.last("credentials/list")["pageToken"], "p2");
    let info = client.credential_info(CREDENTIAL).unwrap();
    assert_eq!(info.auth_mode, AuthMode::Explicit);
    assert_eq!(info.scal, Scal::Two);
    assert_eq!(info.multisign, common::MULTISIGN);
    let kinds: Vec<SecretKind> = info.required_secrets().iter().map(|d| d.kind).collect();
    assert_eq!(kinds, [SecretKind::Pin, SecretKind::Otp]);
    assert_eq!(info.certificates.len(), 3, "leaf, qualified CA, root");
    assert!(matches!(
        client.credential_info("nope").unwrap_err(),
        CloudError::UnknownCredential { .. }
    ));
}

#[test]
fn a_v1_url_pins_v1_and_an_unknown_version_is_refused() {
    let stub = common::start_with(ClientAuth::None, Faults::default(), |s| s.specs = "3.0");
    let err = CscClient::builder(&stub.url).connect().unwrap_err();
    assert!(
        matches!(err, CloudError::UnsupportedVersion { .. }),
        "{err:?}"
    );
    // The stub has no v1 paths: a pinned v1 gets 404.
    let stub = common::start(ClientAuth::None, Faults::default());
    let err = CscClient::builder(format!("{}/csc/v1", stub.url))
        .connect()
        .unwrap_err();
    assert!(
        matches!(err, CloudError::Service { status: 404, .. }),
        "{err:?}"
    );
}

#[test]
fn pin_and_totp_authorize_batches_bound_to_their_hashes() {
    let stub = common::start(ClientAuth::None, Faults::default());
    // The authenticator's clock runs 25 s ahead of the service: within the ±1 step drift.
    let signer = CscSigner::new(connect(&stub), CREDENTIAL, totp_authorizer(PIN, 25)).unwrap();
    let algorithm = SignatureAlgorithm::RsaPss(DigestAlgorithm::Sha256);
    let docs: Vec<Vec<u8>> = (0..7).map(|i| vec![i; 100]).collect();
    let refs: Vec<&[u8]> = docs.iter().map(Vec::as_slice).collect();
    let signatures = signer.sign_batch(algorithm, &refs).unwrap();
    assert_eq!(signatures.len(), 7);
    // multisign 3: three authorizations, each with PIN and OTP in authData and its hashes.
    assert_eq!(stub.count("credentials/authorize"), 3);
    assert_eq!(stub.count("signatures/signHash"), 3);
    let last = stub.last("credentials/authorize");
    assert_eq!(last["numSignatures"], 1);
    assert_eq!(last["hashes"].as_array().unwrap().len(), 1);
    assert_eq!(last["hashAlgorithmOID"], "2.16.840.1.101.3.4.2.1");
    let ids: Vec<&str> = last["authData"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["PIN", "OTP"]);
    assert!(stub.last("signatures/signHash")["signAlgoParams"].is_string());
    let spki = &signer
        .certificate()
        .x509()
        .tbs_certificate
        .subject_public_key_info;
    for (doc, sig) in docs.iter().zip(&signatures) {
        qes_cert::verify_signature(
            &algorithm.algorithm_identifier().unwrap(),
            spki,
            doc,
            sig,
            &qes_cert::AlgorithmPolicy::default(),
        )
        .unwrap();
    }
}

#[test]
fn the_v2_backend_passes_the_conformance_suite() {
    let stub = common::start(ClientAuth::None, Faults::default());
    let signer = CscSigner::new(connect(&stub), CREDENTIAL, totp_authorizer(PIN, 0)).unwrap();
    let report = conformance::run(&signer).unwrap();
    assert_eq!(report.algorithms.len(), 6);
}

#[test]
fn a_wrong_pin_is_not_retried_and_says_how_many_tries_are_left() {
    let stub = common::start(ClientAuth::None, Faults::default());
    let signer = CscSigner::new(connect(&stub), CREDENTIAL, totp_authorizer("0000", 0)).unwrap();
    let err = cloud_error(signer.sign(signer.default_algorithm(), b"x").unwrap_err());
    assert!(
        matches!(
            err,
            CloudError::SecretRejected {
                kind: SecretKind::Pin,
                tries_left: Some(4),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("4 tries left"), "{err}");
    assert_eq!(stub.count("credentials/authorize"), 1, "never retried");
    assert_eq!(stub.count("signatures/signHash"), 0);
}

#[test]
fn a_stale_otp_is_rejected_and_five_wrong_codes_lock_the_credential() {
    let stub = common::start(ClientAuth::None, Faults::default());
    // Two steps behind: outside the ±1 drift window.
    let signer = CscSigner::new(connect(&stub), CREDENTIAL, totp_authorizer(PIN, -60)).unwrap();
    let algorithm = signer.default_algorithm();
    for left in (1..=4).rev() {
        let err = cloud_error(signer.sign(algorithm, b"x").unwrap_err());
        assert!(
            matches!(err, CloudError::SecretRejected { kind: SecretKind::Otp, tries_left: Some(n), .. } if n == left),
            "{err:?}"
        );
    }
    let err = cloud_error(signer.sign(algorithm, b"x").unwrap_err());
    assert!(
        matches!(err, CloudError::CredentialLocked { .. }),
        "{err:?}"
    );
    assert_eq!(
        stub.count("credentials/authorize"),
        5,
        "one request per sign call"
    );
    // Locked stays locked, even with the right code.
    let good = CscSigner::new(connect(&stub), CREDENTIAL, totp_authorizer(PIN, 0)).unwrap();
    let err = cloud_error(good.sign(algorithm, b"x").unwrap_err());
    assert!(
        matches!(err, CloudError::CredentialLocked { .. }),
        "{err:?}"
    );
}

#[test]
fn a_single_use_otp_serves_one_authorization_only() {
    let stub = common::start(ClientAuth::None, Faults::default());
    let code = common::totp().code_at(NOW).unwrap();
    let secrets = FixedSecrets::new(Some(Secret::new(PIN)), Some(Secret::new(code.as_str())));
    let signer = CscSigner::new(connect(&stub), CREDENTIAL, Box::new(secrets)).unwrap();
    let algorithm = signer.default_algorithm();
    let refs: Vec<&[u8]> = vec![b"a", b"b", b"c"];
    assert_eq!(signer.sign_batch(algorithm, &refs).unwrap().len(), 3);
    let err = cloud_error(signer.sign(algorithm, b"d").unwrap_err());
    assert!(
        matches!(
            err,
            CloudError::Authorizer {
                kind: SecretKind::Otp,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(stub.count("credentials/authorize"), 1);
    // The secrets never show in Debug output.
    let debug = format!("{signer:?} {:?}", Secret::new(PIN));
    assert!(!debug.contains(PIN), "{debug}");
}

#[test]
fn http_basic_and_bearer_service_authentication() {
    let stub = common::start(ClientAuth::Basic("alice:s3cret".into()), Faults::default());
    let ok = CscClient::builder(&stub.url)
        .with_basic_auth("alice", Secret::new("s3cret"))
        .connect()
        .unwrap();
    assert_eq!(ok.list_credentials(None).unwrap().len(), 2);
    let bad = CscClient::builder(&stub.url)
        .with_basic_auth("alice", Secret::new("wrong"))
        .connect()
        .unwrap();
    assert!(matches!(
        bad.list_credentials(None).unwrap_err(),
        CloudError::Unauthorized { status: 401, .. }
    ));
    assert!(matches!(
        CscClient::builder(&stub.url)
            .with_basic_auth("a:b", Secret::new("x"))
            .connect()
            .unwrap_err(),
        CloudError::InvalidCredentials { .. }
    ));

    let stub = common::start(ClientAuth::Bearer("tok-123".into()), Faults::default());
    let client = Arc::new(
        CscClient::builder(&stub.url)
            .with_bearer(Arc::new(StaticToken::new("tok-123")))
            .connect()
            .unwrap(),
    );
    let signer = CscSigner::new(client, CREDENTIAL, totp_authorizer(PIN, 0)).unwrap();
    signer.sign(signer.default_algorithm(), b"bearer").unwrap();
    let expired = CscClient::builder(&stub.url)
        .with_bearer(Arc::new(StaticToken::new("expired")))
        .connect()
        .unwrap();
    let err = expired.credential_info(CREDENTIAL).unwrap_err();
    assert!(matches!(err, CloudError::Unauthorized { .. }), "{err:?}");
    assert!(
        !format!("{expired:?}").contains("expired\""),
        "token in Debug"
    );
}

#[test]
fn only_idempotent_calls_are_retried() {
    let mut faults = Faults::default();
    faults.unavailable.insert("credentials/info", 2);
    faults.drop_connection.insert("credentials/list", 1);
    faults.unavailable.insert("credentials/authorize", 1);
    faults.drop_connection.insert("signatures/signHash", 1);
    let stub = common::start(ClientAuth::None, faults);
    let client = connect(&stub);
    // info: two 503s, then an answer; list: one dropped connection, then both pages.
    let signer = CscSigner::new(client.clone(), CREDENTIAL, totp_authorizer(PIN, 0)).unwrap();
    assert_eq!(stub.count("credentials/info"), 3);
    assert_eq!(client.list_credentials(None).unwrap().len(), 2);
    assert_eq!(stub.count("credentials/list"), 3);
    // authorize: one 503, reported, not retried.
    let err = cloud_error(signer.sign(signer.default_algorithm(), b"x").unwrap_err());
    assert!(
        matches!(err, CloudError::Service { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(stub.count("credentials/authorize"), 1);
    // signHash: the connection drops once; reported as a network error, not retried.
    let err = cloud_error(signer.sign(signer.default_algorithm(), b"x").unwrap_err());
    assert!(
        matches!(err, CloudError::Transport { attempts: 1, .. }),
        "{err:?}"
    );
    assert_eq!(stub.count("signatures/signHash"), 1);
    // And now it works.
    signer.sign(signer.default_algorithm(), b"x").unwrap();
    // Retries give up after the policy's attempts.
    let mut faults = Faults::default();
    faults.unavailable.insert("credentials/info", 10);
    let stub = common::start(ClientAuth::None, faults);
    let err = connect(&stub).credential_info(CREDENTIAL).unwrap_err();
    assert!(
        matches!(err, CloudError::Service { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(stub.count("credentials/info"), 3);
}

#[test]
fn implicit_scal1_credentials_need_no_secrets_and_send_no_hashes() {
    let stub = common::start_with(ClientAuth::None, Faults::default(), |s| {
        s.pin_required = false;
        s.otp_required = false;
        s.scal = 1;
    });
    let signer =
        CscSigner::new(connect(&stub), CREDENTIAL, Box::new(qes_cloud::NoSecrets)).unwrap();
    signer.sign(signer.default_algorithm(), b"x").unwrap();
    let request = stub.last("credentials/authorize");
    assert!(
        request.get("hashes").is_none() && request.get("authData").is_none(),
        "{request}"
    );
}

#[test]
fn a_closed_port_is_a_transport_error_after_the_retries() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = CscClient::builder(format!("http://127.0.0.1:{port}"))
        .with_retry(fast_retry())
        .connect()
        .unwrap_err();
    assert!(
        matches!(err, CloudError::Transport { attempts: 3, .. }),
        "{err:?}"
    );
}

#[test]
fn a_signature_that_does_not_verify_is_refused() {
    let stub = common::start_with(ClientAuth::None, Faults::default(), |s| s.corrupt = true);
    let signer = CscSigner::new(connect(&stub), CREDENTIAL, totp_authorizer(PIN, 0)).unwrap();
    let algorithm = signer.default_algorithm();
    let err = cloud_error(signer.sign_batch(algorithm, &[b"a", b"b"]).unwrap_err());
    assert!(
        matches!(err, CloudError::BadSignature { index: 0, .. }),
        "{err:?}"
    );
    let err = cloud_error(signer.sign(algorithm, b"a").unwrap_err());
    assert!(err.to_string().contains("does not verify"), "{err}");
    // Digest-only signing cannot verify (no message); the RSA value is still length-checked
    // and handed out as the service sent it.
    let digest = DigestAlgorithm::Sha256.digest(b"a");
    assert_eq!(signer.sign_digests(algorithm, &[&digest]).unwrap().len(), 1);
}
