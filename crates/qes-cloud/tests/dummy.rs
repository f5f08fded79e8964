//! End to end against a real CSC server: `certomancer-csc-dummy` (CSC API v1.0.4.0) on
//! loopback, started by the test (SCAL 1 and SCAL 2 instances). RSA, RSA-PSS and ECDSA
//! credentials sign single hashes and batches; the signer passes the qes-signer conformance
//! suite; bad SADs and unknown credentials are typed errors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use qes_cert::{verify_signature, AlgorithmPolicy};
use qes_cloud::{ApiVersion, AuthMode, CloudError, CscClient, CscSigner, NoSecrets, Scal};
use qes_signer::{conformance, DigestAlgorithm, KeyKind, SignError, SignatureAlgorithm, Signer};
use qes_testkit::csc::{self, CscServer};

fn client(server: &CscServer) -> Arc<CscClient> {
    Arc::new(
        CscClient::builder(server.url())
            .connect()
            .unwrap_or_else(|e| panic!("{e}\n{}", server.logs())),
    )
}

fn signer(server: &CscServer, credential: &str) -> CscSigner {
    CscSigner::new(client(server), credential, Box::new(NoSecrets))
        .unwrap_or_else(|e| panic!("{credential}: {e}\n{}", server.logs()))
}

fn verify(signer: &CscSigner, algorithm: SignatureAlgorithm, message: &[u8], signature: &[u8]) {
    let spki = &signer
        .certificate()
        .x509()
        .tbs_certificate
        .subject_public_key_info;
    verify_signature(
        &algorithm.algorithm_identifier().unwrap(),
        spki,
        message,
        signature,
        &AlgorithmPolicy::default(),
    )
    .unwrap_or_else(|e| panic!("{algorithm}: {e}"));
}

#[test]
fn info_list_and_credential_info() {
    let Some(server) = CscServer::start(csc::Scal::Two).unwrap() else {
        return;
    };
    let client = client(&server);
    assert_eq!(
        client.version(),
        ApiVersion::V1,
        "the dummy speaks v1 only; v2/info is 404"
    );
    assert_eq!(client.info().specs, "1.0.4.0");
    assert!(client
        .info()
        .methods
        .iter()
        .any(|m| m == "signatures/signHash"));
    let ids = client.list_credentials(None).unwrap();
    for id in server.credentials() {
        assert!(ids.iter().any(|i| i == id), "{id} not in {ids:?}");
    }
    let info = client.credential_info(csc::CSC_ECDSA).unwrap();
    assert_eq!(info.scal, Scal::Two);
    assert_eq!(info.multisign, 10);
    assert_eq!(info.auth_mode, AuthMode::Implicit);
    assert_eq!(info.key_status, "enabled");
    assert_eq!(info.key_len, Some(256));
    assert!(info.certificates.len() >= 2, "chain: leaf and root");
    assert!(info.required_secrets().is_empty());
    let scal1 = CscServer::start(csc::Scal::One).unwrap().unwrap();
    assert_eq!(
        self::client(&scal1)
            .credential_info(csc::CSC_RSA)
            .unwrap()
            .scal,
        Scal::One
    );
}

#[test]
fn every_credential_signs_with_every_algorithm_under_both_scal_levels() {
    for scal in [csc::Scal::One, csc::Scal::Two] {
        let Some(server) = CscServer::start(scal).unwrap() else {
            return;
        };
        for credential in server.credentials() {
            let signer = signer(&server, credential);
            let algorithms = signer.algorithms();
            match signer.key_kind() {
                KeyKind::Rsa { .. } => {
                    assert_eq!(algorithms.len(), 6, "{credential}: {algorithms:?}");
                    assert!(
                        algorithms.contains(&SignatureAlgorithm::RsaPss(DigestAlgorithm::Sha256))
                    );
                }
                KeyKind::Ec(_) => assert_eq!(algorithms.len(), 3, "{credential}: {algorithms:?}"),
                other => panic!("{other:?}"),
            }
            for algorithm in algorithms {
                let message = format!("{credential} {algorithm} {scal:?}");
                let signature = signer.sign(algorithm, message.as_bytes()).unwrap();
                verify(&signer, algorithm, message.as_bytes(), &signature);
            }
        }
    }
}

#[test]
fn conformance_suite_passes_for_rsa_pss_and_ecdsa_credentials() {
    let Some(server) = CscServer::start(csc::Scal::Two).unwrap() else {
        return;
    };
    for credential in [
        csc::CSC_RSA,
        csc::CSC_RSA_PSS,
        csc::CSC_ECDSA,
        csc::CSC_ECDSA_P384,
    ] {
        let signer = signer(&server, credential);
        let report = conformance::run(&signer)
            .unwrap_or_else(|e| panic!("{credential}: {e}\n{}", server.logs()));
        assert!(report.signatures_verified > 0);
    }
}

#[test]
fn batches_take_one_authorization_per_multisign_hashes() {
    let Some(server) = CscServer::start(csc::Scal::Two).unwrap() else {
        return;
    };
    let signer = signer(&server, csc::CSC_RSA);
    assert_eq!(signer.batch_limit(), csc::CSC_MULTISIGN);
    assert_eq!(signer.authorizations_for(25), 3);
    let messages: Vec<Vec<u8>> = (0..25)
        .map(|i| format!("document {i}").into_bytes())
        .collect();
    let refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    let algorithm = SignatureAlgorithm::RsaPkcs1v15(DigestAlgorithm::Sha256);
    let signatures = signer.sign_batch(algorithm, &refs).unwrap();
    assert_eq!(signatures.len(), 25);
    for (m, s) in messages.iter().zip(&signatures) {
        verify(&signer, algorithm, m, s);
    }
    // PKCS#1 v1.5 is deterministic: the batch equals single signatures.
    assert_eq!(signatures[7], signer.sign(algorithm, &messages[7]).unwrap());
    // A lower limit splits further; the signatures are the same.
    let small = self::signer(&server, csc::CSC_RSA).with_batch_limit(4);
    assert_eq!(small.authorizations_for(25), 7);
    assert_eq!(small.sign_batch(algorithm, &refs).unwrap(), signatures);
    // The server saw 3 + 1 + 7 authorizations.
    let logged = server
        .logs()
        .matches("POST /csc/v1/credentials/authorize")
        .count();
    assert_eq!(logged, 11, "{}", server.logs());
}

#[test]
fn unknown_credential_is_a_typed_error() {
    let Some(server) = CscServer::start(csc::Scal::One).unwrap() else {
        return;
    };
    let err = CscSigner::new(client(&server), "qes/nobody", Box::new(NoSecrets)).unwrap_err();
    assert!(
        matches!(&err, CloudError::UnknownCredential { credential_id } if credential_id == "qes/nobody"),
        "{err:?}"
    );
    assert!(matches!(
        client(&server).credential_info("no-slash").unwrap_err(),
        CloudError::UnknownCredential { .. }
    ));
}

#[test]
fn a_sad_for_other_hashes_is_rejected_under_scal_2() {
    let Some(server) = CscServer::start(csc::Scal::Two).unwrap() else {
        return;
    };
    let client = client(&server);
    let bound = [0x11u8; 32];
    let other = [0x22u8; 32];
    let sad = client
        .authorize(
            csc::CSC_RSA,
            &qes_cloud::AuthorizeRequest::for_hashes(&[&bound[..]], DigestAlgorithm::Sha256),
        )
        .unwrap();
    let err = client
        .sign_hash_raw(
            csc::CSC_RSA,
            &sad,
            &[&other[..]],
            SignatureAlgorithm::RsaPkcs1v15(DigestAlgorithm::Sha256),
        )
        .unwrap_err();
    assert!(matches!(err, CloudError::SadRejected { .. }), "{err:?}");
    // The same SAD signs the hash it is bound to.
    let ok = client
        .sign_hash_raw(
            csc::CSC_RSA,
            &sad,
            &[&bound[..]],
            SignatureAlgorithm::RsaPkcs1v15(DigestAlgorithm::Sha256),
        )
        .unwrap();
    assert_eq!(ok.len(), 1);
    // A SAD of another credential is rejected too.
    let err = client
        .sign_hash_raw(
            csc::CSC_RSA_PSS,
            &sad,
            &[&bound[..]],
            SignatureAlgorithm::RsaPkcs1v15(DigestAlgorithm::Sha256),
        )
        .unwrap_err();
    assert!(matches!(err, CloudError::SadRejected { .. }), "{err:?}");
    // Through the Signer trait the error is the csc backend's, with the cause kept.
    let sign_err = CloudError::SadRejected { description: None }.into_sign_error();
    assert!(matches!(
        sign_err,
        SignError::Backend { backend: "csc", .. }
    ));
}
