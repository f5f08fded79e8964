//! qes-token against a real PKCS#11 module: SoftHSM2 tokens made by the test harness
//! (`qes_testkit::softhsm`), with `pkcs11-tool` (opensc) as the independent client that
//! writes the test keys and cross-checks objects and signatures.
//!
//! Gated: missing SoftHSM2 / pkcs11-tool fails under `CI=true` / `QES_REQUIRE_REAL=1` and
//! prints `SKIPPED` otherwise.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use der::{Decode, Encode};
use qes_cert::{verify_signature, AlgorithmPolicy, Certificate, ParseMode};
use qes_signer::{conformance, DigestAlgorithm, KeyKind, SignatureAlgorithm, Signer};
use qes_testkit::softhsm::{
    SoftHsm, TestToken, CKF_SO_PIN_FINAL_TRY, CKF_SO_PIN_LOCKED, CKF_USER_PIN_COUNT_LOW,
    CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED, SO_PIN, USER_PIN,
};
use qes_testkit::{EndEntity, Issued, KeyAlgorithm, TestPki};
use qes_token::{
    FinalTry, KeyId, KeySpec, LoginOptions, Module, OldKey, Pin, PinWarning, SessionPool,
    TokenError, TokenSelector, TokenSigner,
};

/// The harness, or return (skipping) from the test.
macro_rules! hsm {
    () => {
        match SoftHsm::shared().unwrap() {
            Some(hsm) => hsm,
            None => return,
        }
    };
}

fn holder(algorithm: KeyAlgorithm) -> Issued {
    TestPki::shared()
        .issue(
            &EndEntity::natural_person(
                qes_testkit::NATURAL_PERSON_GIVEN_NAME,
                qes_testkit::NATURAL_PERSON_SURNAME,
                qes_testkit::NATURAL_PERSON_CNP,
            )
            .label(&format!("qes-token-{algorithm}"))
            .key(algorithm),
        )
        .unwrap()
}

fn module(hsm: &SoftHsm) -> Module {
    Module::open(hsm.module_path()).unwrap()
}

fn pin() -> Pin {
    Pin::new(USER_PIN)
}

fn login(hsm: &SoftHsm, token: &TestToken, sessions: usize) -> Arc<SessionPool> {
    let token = module(hsm)
        .token(&TokenSelector::Label(token.label().into()))
        .unwrap();
    Arc::new(
        SessionPool::login(
            &token,
            &pin(),
            LoginOptions::default().with_sessions(sessions),
        )
        .unwrap(),
    )
}

/// A token holding `algorithm`'s holder key, certificate and chain under CKA_ID `01`.
fn loaded(
    hsm: &'static SoftHsm,
    algorithm: KeyAlgorithm,
    with_public: bool,
) -> (TestToken, Issued) {
    let token = hsm.token().unwrap();
    let issued = holder(algorithm);
    token.import(&issued, &[0x01], with_public).unwrap();
    (token, issued)
}

#[test]
fn every_key_type_passes_the_conformance_suite() {
    let hsm = hsm!();
    for (algorithm, with_public) in [
        (KeyAlgorithm::Rsa2048, true),
        (KeyAlgorithm::Rsa3072, false),
        (KeyAlgorithm::EcP256, true),
        (KeyAlgorithm::EcP384, false), // no public key object: the probe-signature match check
    ] {
        let (token, issued) = loaded(hsm, algorithm, with_public);
        let signer = TokenSigner::new(login(hsm, &token, 2), None).unwrap();
        assert_eq!(signer.certificate().der(), issued.cert_der());
        assert_eq!(
            signer.chain().len(),
            issued.chain_der().len(),
            "{algorithm}"
        );
        assert_eq!(signer.key_id().as_bytes(), &[0x01]);
        let report = conformance::run(&signer).unwrap_or_else(|e| panic!("{algorithm}: {e}"));
        match signer.key_kind() {
            KeyKind::Rsa { .. } => assert_eq!(report.algorithms.len(), 6, "{algorithm}"),
            _ => assert_eq!(report.algorithms.len(), 3, "{algorithm}"),
        }
    }
}

#[test]
fn selects_by_label_and_serial_never_by_slot() {
    let hsm = hsm!();
    let claimed = hsm.token().unwrap();
    let module = module(hsm);
    let by_label = module
        .token(&TokenSelector::Label(claimed.label().into()))
        .unwrap();
    assert_eq!(by_label.label, claimed.label());
    let by_serial = module
        .token(&TokenSelector::Serial(by_label.serial.clone()))
        .unwrap();
    assert_eq!(by_serial.label, claimed.label());
    let err = module
        .token(&TokenSelector::Label("no such token".into()))
        .unwrap_err();
    match &err {
        TokenError::TokenNotFound { available, .. } => {
            assert!(
                available.iter().any(|a| a.contains(claimed.label())),
                "{err}"
            )
        }
        other => panic!("{other}"),
    }
    let tokens = module.tokens().unwrap();
    assert!(tokens.len() >= qes_testkit::softhsm::POOL_TOKENS);
    // The same tokens by slot, each readable, in the same order.
    let by_slot = module.tokens_by_slot().unwrap();
    assert_eq!(by_slot.len(), tokens.len());
    for ((_, read), listed) in by_slot.iter().zip(&tokens) {
        assert_eq!(read.as_ref().unwrap().serial, listed.serial);
    }
}

#[test]
fn key_selection_by_cka_id() {
    let hsm = hsm!();
    let token = hsm.token().unwrap();
    let rsa = holder(KeyAlgorithm::Rsa2048);
    let ec = holder(KeyAlgorithm::EcP256);
    token.import(&rsa, &[0xaa, 0x01], true).unwrap();
    token.import(&ec, &[0xbb, 0x02], true).unwrap();
    let pool = login(hsm, &token, 1);
    match TokenSigner::new(pool.clone(), None).unwrap_err() {
        TokenError::AmbiguousKey { ids } => assert_eq!(ids.len(), 2),
        other => panic!("{other}"),
    }
    let ec_signer =
        TokenSigner::new(pool.clone(), Some(&KeyId::from_hex("bb02").unwrap())).unwrap();
    assert_eq!(ec_signer.certificate().der(), ec.cert_der());
    let missing = TokenSigner::new(pool, Some(&KeyId::from_hex("cc").unwrap())).unwrap_err();
    assert!(
        matches!(missing, TokenError::KeyNotFound { id: Some(_) }),
        "{missing}"
    );
}

#[test]
fn wrong_pin_reports_the_count_and_a_right_pin_clears_it() {
    let hsm = hsm!();
    let (claimed, _) = loaded(hsm, KeyAlgorithm::EcP256, true);
    let module = module(hsm);
    let token = module
        .token(&TokenSelector::Label(claimed.label().into()))
        .unwrap();
    let err = SessionPool::login(&token, &Pin::new("999999"), LoginOptions::default()).unwrap_err();
    match &err {
        TokenError::PinIncorrect { status } => {
            assert!(
                status.count_low,
                "SoftHSM2 sets COUNT_LOW after a wrong PIN: {err}"
            );
            assert!(err.to_string().contains("few tries left"), "{err}");
        }
        other => panic!("{other}"),
    }
    assert!(token.refresh().unwrap().user_pin.count_low);
    let pool = SessionPool::login(&token, &pin(), LoginOptions::default()).unwrap();
    assert!(
        !pool.token().user_pin.count_low,
        "a good login clears COUNT_LOW"
    );
}

#[test]
fn final_try_is_refused_unless_allowed_and_locked_says_unblock() {
    let hsm = hsm!();
    let (claimed, _) = loaded(hsm, KeyAlgorithm::EcP256, true);
    let module = module(hsm);
    let selector = TokenSelector::Label(claimed.label().into());

    claimed
        .set_pin_flags(CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY)
        .unwrap();
    let token = module.token(&selector).unwrap();
    assert!(token.user_pin.final_try);
    let err = SessionPool::login(&token, &pin(), LoginOptions::default()).unwrap_err();
    assert!(matches!(err, TokenError::FinalTryRefused), "{err}");
    // Refused before the PIN was sent: the flags are as they were.
    assert!(token.refresh().unwrap().user_pin.final_try);
    // Explicitly allowed, the right PIN logs in.
    let allowed = LoginOptions::default().with_final_try(FinalTry::Allow);
    let pool = SessionPool::login(&token, &pin(), allowed).unwrap();
    drop(pool);

    claimed.set_pin_flags(CKF_USER_PIN_LOCKED).unwrap();
    let token = module.token(&selector).unwrap();
    let err = SessionPool::login(&token, &pin(), allowed).unwrap_err();
    assert!(matches!(err, TokenError::PinLocked), "{err}");
    assert!(err.to_string().contains("PUK"), "{err}");

    // The PUK unblocks (C_InitPIN as SO) with a new PIN.
    let new_pin = Pin::new("97531");
    token
        .unblock(&Pin::new(SO_PIN), &new_pin, FinalTry::Refuse)
        .unwrap();
    // SoftHSM2 keeps flags it never sets itself; a real token clears LOCKED on C_InitPIN.
    claimed.set_pin_flags(0).unwrap();
    let token = module.token(&selector).unwrap();
    SessionPool::login(&token, &new_pin, LoginOptions::default()).unwrap();
    let old = SessionPool::login(&token, &pin(), LoginOptions::default()).unwrap_err();
    assert!(matches!(old, TokenError::PinIncorrect { .. }), "{old}");
}

#[test]
fn so_pin_lock_out_rules() {
    let hsm = hsm!();
    let claimed = hsm.token().unwrap();
    let module = module(hsm);
    let selector = TokenSelector::Label(claimed.label().into());
    let token = module.token(&selector).unwrap();
    let err = token
        .unblock(&Pin::new("00000000"), &Pin::new("112233"), FinalTry::Refuse)
        .unwrap_err();
    assert!(matches!(err, TokenError::SoPinIncorrect { .. }), "{err}");
    claimed.set_pin_flags(CKF_SO_PIN_FINAL_TRY).unwrap();
    let token = module.token(&selector).unwrap();
    let err = token
        .unblock(&Pin::new(SO_PIN), &Pin::new("112233"), FinalTry::Refuse)
        .unwrap_err();
    assert!(matches!(err, TokenError::SoFinalTryRefused), "{err}");
    claimed.set_pin_flags(CKF_SO_PIN_LOCKED).unwrap();
    let token = module.token(&selector).unwrap();
    let err = token
        .unblock(&Pin::new(SO_PIN), &Pin::new("112233"), FinalTry::Allow)
        .unwrap_err();
    assert!(matches!(err, TokenError::SoPinLocked), "{err}");
}

#[test]
fn change_pin_with_length_rules_and_the_macos_warning() {
    let hsm = hsm!();
    let claimed = hsm.token().unwrap();
    let module = module(hsm);
    let token = module
        .token(&TokenSelector::Label(claimed.label().into()))
        .unwrap();
    let too_short = token
        .change_pin(&pin(), &Pin::new("12"), FinalTry::Refuse)
        .unwrap_err();
    assert!(
        matches!(too_short, TokenError::PinLength { actual: 2, .. }),
        "{too_short}"
    );
    let long = Pin::new("1234567890");
    let warnings = token.change_pin(&pin(), &long, FinalTry::Refuse).unwrap();
    assert_eq!(
        warnings,
        vec![PinWarning::LongerThanMacOsLimit { length: 10 }]
    );
    assert!(warnings[0].to_string().contains("macOS"));
    let pool = SessionPool::login(&token, &long, LoginOptions::default()).unwrap();
    assert_eq!(pool.warnings().len(), 1);
    drop(pool);
    // pkcs11-tool, an independent client, logs in with the new PIN and not the old.
    let label = claimed.label();
    hsm.pkcs11_tool_run(&[
        "--token-label",
        label,
        "--login",
        "--pin",
        "1234567890",
        "--list-objects",
    ])
    .unwrap();
    assert!(hsm
        .pkcs11_tool_run(&[
            "--token-label",
            label,
            "--login",
            "--pin",
            USER_PIN,
            "--list-objects"
        ])
        .is_err());
    assert!(format!("{long:?}").contains("redacted") && !format!("{long:?}").contains("1234"));
}

/// A certificate for `spki`, issued by the test PKI's qualified CA (a copy of a holder
/// certificate with the key swapped and the signature redone).
fn certify(spki: &spki::SubjectPublicKeyInfoOwned, serial: u8) -> Certificate {
    let pki = TestPki::shared();
    let template = holder(KeyAlgorithm::EcP256);
    let mut cert = x509_cert::Certificate::from_der(template.cert_der()).unwrap();
    cert.tbs_certificate.subject_public_key_info = spki.clone();
    cert.tbs_certificate.serial_number =
        x509_cert::serial_number::SerialNumber::new(&[0x40, serial]).unwrap();
    cert.tbs_certificate.extensions = cert.tbs_certificate.extensions.map(|exts| {
        exts.into_iter()
            .filter(|e| e.extn_id != const_oid::db::rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER)
            .collect()
    });
    let tbs = cert.tbs_certificate.to_der().unwrap();
    let signature = pki.qualified_ca().key().sign(&tbs);
    cert.signature = der::asn1::BitString::from_bytes(&signature).unwrap();
    Certificate::from_der(&cert.to_der().unwrap(), ParseMode::Lenient).unwrap()
}

#[test]
fn renewal_keygen_import_and_replace() {
    let hsm = hsm!();
    let (claimed, old) = loaded(hsm, KeyAlgorithm::Rsa2048, true);
    let pool = login(hsm, &claimed, 1);
    let old_id = KeyId::new(vec![0x01]).unwrap();
    for (n, spec) in KeySpec::ALL.into_iter().enumerate() {
        let id = KeyId::new(vec![0x10, u8::try_from(n).unwrap()]).unwrap();
        let public = pool.generate_key_pair(spec, &id, "renewal").unwrap();
        assert_eq!(public.kind, spec.kind());
        let again = pool.generate_key_pair(spec, &id, "renewal").unwrap_err();
        assert!(matches!(again, TokenError::ObjectExists { .. }), "{again}");
        // The certificate must carry the token key: someone else's is refused.
        let foreign = Certificate::from_der(old.cert_der(), ParseMode::Lenient).unwrap();
        let err = pool.import_certificate(&foreign, &id, "x").unwrap_err();
        assert!(
            matches!(err, TokenError::CertificateKeyMismatch { .. }),
            "{err}"
        );
        let cert = certify(&public.spki, u8::try_from(n).unwrap());
        pool.import_certificate(&cert, &id, "renewed").unwrap();
        let signer = TokenSigner::new(pool.clone(), Some(&id)).unwrap();
        conformance::run(&signer).unwrap_or_else(|e| panic!("{spec:?}: {e}"));
    }
    // pkcs11-tool sees the generated keys with their ids.
    let listing = claimed.pkcs11_tool_login(&["--list-objects"]).unwrap();
    for n in 0..4 {
        assert!(
            listing.contains(&format!("ID:         100{n}")),
            "{listing}"
        );
    }
    // Renewal proper: a new key, its certificate in through replace_certificate, and only
    // then the old certificate and key pair (CKA_ID 01) destroyed.
    let new_id = KeyId::new(vec![0x20]).unwrap();
    let new_key = pool
        .generate_key_pair(KeySpec::P256, &new_id, "next")
        .unwrap();
    let renewed = certify(&new_key.spki, 0x77);
    let removed = pool
        .replace_certificate(&renewed, &new_id, &old_id, OldKey::Destroy)
        .unwrap();
    assert_eq!(removed, 3, "old certificate, private and public key");
    let objects = pool.objects().unwrap();
    assert!(objects.iter().all(|o| o.id.as_ref() != Some(&old_id)));
    let signer = TokenSigner::new(pool.clone(), Some(&new_id)).unwrap();
    assert_eq!(
        signer.certificate().der(),
        renewed.der(),
        "the newest certificate wins"
    );
}

#[test]
fn signatures_cross_check_with_pkcs11_tool() {
    let hsm = hsm!();
    let (claimed, issued) = loaded(hsm, KeyAlgorithm::Rsa2048, true);
    let signer = TokenSigner::new(login(hsm, &claimed, 1), None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let message = b"cross-checked with opensc";
    std::fs::write(&data, message).unwrap();
    let out = dir.path().join("sig");
    let (d, o) = (data.to_str().unwrap(), out.to_str().unwrap());
    // RSASSA-PKCS1-v1_5 is deterministic: pkcs11-tool's signature equals ours byte for byte.
    claimed
        .pkcs11_tool_login(&[
            "--sign",
            "--id",
            "01",
            "-m",
            "SHA256-RSA-PKCS",
            "-i",
            d,
            "-o",
            o,
        ])
        .unwrap();
    let theirs = std::fs::read(&out).unwrap();
    let ours = signer
        .sign(
            SignatureAlgorithm::RsaPkcs1v15(DigestAlgorithm::Sha256),
            message,
        )
        .unwrap();
    assert_eq!(theirs, ours);
    // pkcs11-tool verifies our PSS signature.
    let pss = signer
        .sign(SignatureAlgorithm::RsaPss(DigestAlgorithm::Sha256), message)
        .unwrap();
    std::fs::write(&out, &pss).unwrap();
    let verified = claimed.pkcs11_tool_login(&[
        "--verify",
        "--id",
        "01",
        "-m",
        "SHA256-RSA-PKCS-PSS",
        "--mgf",
        "MGF1-SHA256",
        "--salt-len",
        "32",
        "-i",
        d,
        "--signature-file",
        o,
    ]);
    assert!(
        verified
            .as_ref()
            .is_ok_and(|s| s.contains("Signature is valid")),
        "{verified:?}"
    );
    // A tampered signature is rejected by the same check (the control).
    let mut bad = pss.clone();
    bad[10] ^= 1;
    std::fs::write(&out, &bad).unwrap();
    let rejected = claimed.pkcs11_tool_login(&[
        "--verify",
        "--id",
        "01",
        "-m",
        "SHA256-RSA-PKCS-PSS",
        "--mgf",
        "MGF1-SHA256",
        "--salt-len",
        "32",
        "-i",
        d,
        "--signature-file",
        o,
    ]);
    assert!(!rejected
        .as_ref()
        .is_ok_and(|s| s.contains("Signature is valid")));
    let _ = issued;
}

#[test]
fn ecdsa_signatures_cross_check_with_pkcs11_tool() {
    let hsm = hsm!();
    let (claimed, issued) = loaded(hsm, KeyAlgorithm::EcP256, true);
    let signer = TokenSigner::new(login(hsm, &claimed, 1), None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let message = b"ECDSA over a software hash";
    std::fs::write(&data, message).unwrap();
    let out = dir.path().join("sig");
    let (d, o) = (data.to_str().unwrap(), out.to_str().unwrap());
    // pkcs11-tool signs with the token key (raw r||s over its own SHA-256); we verify it
    // against the certificate after the same raw→DER conversion our signer uses.
    claimed
        .pkcs11_tool_login(&[
            "--sign",
            "--id",
            "01",
            "-m",
            "ECDSA-SHA256",
            "-i",
            d,
            "-o",
            o,
        ])
        .or_else(|_| {
            let digest = DigestAlgorithm::Sha256.digest(message);
            std::fs::write(&data, digest).unwrap();
            claimed.pkcs11_tool_login(&["--sign", "--id", "01", "-m", "ECDSA", "-i", d, "-o", o])
        })
        .unwrap();
    let raw = std::fs::read(&out).unwrap();
    let der_sig = qes_signer::ecdsa_raw_to_der(&raw, qes_signer::Curve::P256).unwrap();
    let alg = SignatureAlgorithm::Ecdsa(DigestAlgorithm::Sha256);
    let spki = &Certificate::from_der(issued.cert_der(), ParseMode::Lenient)
        .unwrap()
        .x509()
        .tbs_certificate
        .subject_public_key_info
        .clone();
    verify_signature(
        &alg.algorithm_identifier().unwrap(),
        spki,
        message,
        &der_sig,
        &AlgorithmPolicy::default(),
    )
    .unwrap();
    // pkcs11-tool verifies ours (DER "openssl" format).
    std::fs::write(&data, message).unwrap();
    std::fs::write(&out, signer.sign(alg, message).unwrap()).unwrap();
    // (SoftHSM2 has no CKM_ECDSA_SHA256: pkcs11-tool verifies CKM_ECDSA over our digest.)
    std::fs::write(&data, DigestAlgorithm::Sha256.digest(message)).unwrap();
    let verified = claimed.pkcs11_tool_login(&[
        "--verify",
        "--id",
        "01",
        "-m",
        "ECDSA",
        "--signature-format",
        "openssl",
        "-i",
        d,
        "--signature-file",
        o,
    ]);
    assert!(
        verified
            .as_ref()
            .is_ok_and(|s| s.contains("Signature is valid")),
        "{verified:?}"
    );
}

#[test]
fn parallel_batches_share_one_login() {
    let hsm = hsm!();
    let (claimed, _) = loaded(hsm, KeyAlgorithm::EcP256, true);
    let signer = Arc::new(TokenSigner::new(login(hsm, &claimed, 3), None).unwrap());
    let alg = signer.default_algorithm();
    let inputs: Vec<Vec<u8>> = (0..40u8).map(|i| vec![i; 100]).collect();
    let refs: Vec<&[u8]> = inputs.iter().map(Vec::as_slice).collect();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let signer = signer.clone();
            let inputs = inputs.clone();
            std::thread::spawn(move || {
                let refs: Vec<&[u8]> = inputs.iter().map(Vec::as_slice).collect();
                signer.sign_batch(alg, &refs).unwrap()
            })
        })
        .collect();
    let spki = signer
        .certificate()
        .x509()
        .tbs_certificate
        .subject_public_key_info
        .clone();
    let aid = alg.algorithm_identifier().unwrap();
    for thread in threads {
        let signatures = thread.join().unwrap();
        assert_eq!(signatures.len(), refs.len());
        for (input, signature) in refs.iter().zip(&signatures) {
            verify_signature(&aid, &spki, input, signature, &AlgorithmPolicy::default()).unwrap();
        }
    }
    assert!(matches!(
        SessionPool::login(
            &module(hsm)
                .token(&TokenSelector::Label(claimed.label().into()))
                .unwrap(),
            &pin(),
            LoginOptions::default().with_sessions(0)
        ),
        Err(TokenError::PoolSize { requested: 0, .. })
    ));
}

#[test]
fn install_steps_match_import_then_remove_only_what_is_old() {
    let hsm = hsm!();
    let (claimed, old) = loaded(hsm, KeyAlgorithm::EcP256, true);
    let other = holder(KeyAlgorithm::Rsa2048);
    claimed.import(&other, &[0x02], false).unwrap();
    let pool = login(hsm, &claimed, 1);
    let id = KeyId::new(vec![0x01]).unwrap();
    let old_cert = Certificate::from_der(old.cert_der(), ParseMode::Lenient).unwrap();
    let renewed = certify(
        &old_cert.x509().tbs_certificate.subject_public_key_info,
        0x31,
    );

    // Found by its public key among both keys (key 02 has no public key object: RSA keys
    // reveal their public half through the private key's attributes).
    assert_eq!(pool.key_for_certificate(&renewed, None).unwrap(), id);
    let wrong = KeyId::new(vec![0x02]).unwrap();
    let err = pool
        .key_for_certificate(&renewed, Some(&wrong))
        .unwrap_err();
    assert!(
        matches!(err, TokenError::CertificateKeyMismatch { .. }),
        "{err}"
    );
    let stranger = certify(
        &Certificate::from_der(holder(KeyAlgorithm::EcP384).cert_der(), ParseMode::Lenient)
            .unwrap()
            .x509()
            .tbs_certificate
            .subject_public_key_info,
        0x32,
    );
    let err = pool.key_for_certificate(&stranger, None).unwrap_err();
    assert!(
        matches!(err, TokenError::NoKeyForCertificate { unreadable: 0 }),
        "{err}"
    );

    // Removing before the new certificate is in is refused, and removes nothing.
    let err = pool.remove_other_certificates(&id, &renewed).unwrap_err();
    assert!(
        matches!(err, TokenError::CertificateNotStored { .. }),
        "{err}"
    );
    let certs_of = |pool: &SessionPool, id: &KeyId| -> Vec<Vec<u8>> {
        pool.objects()
            .unwrap()
            .into_iter()
            .filter(|o| o.id.as_ref() == Some(id))
            .filter_map(|o| match o.kind {
                qes_token::ObjectKind::Certificate(c) => Some(c.der().to_vec()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(certs_of(&pool, &id), vec![old.cert_der().to_vec()]);

    assert_eq!(
        pool.add_certificate(&renewed, &id, "renewed").unwrap(),
        qes_token::Added::Stored
    );
    assert_eq!(certs_of(&pool, &id).len(), 2, "old and new side by side");
    assert_eq!(
        pool.add_certificate(&renewed, &id, "renewed").unwrap(),
        qes_token::Added::AlreadyPresent
    );
    let removed = pool.remove_other_certificates(&id, &renewed).unwrap();
    assert_eq!(removed.len(), 1);
    assert_eq!(
        removed[0].certificate.as_ref().unwrap().der(),
        old.cert_der()
    );
    assert_eq!(certs_of(&pool, &id), vec![renewed.der().to_vec()]);
    assert_eq!(certs_of(&pool, &wrong), vec![other.cert_der().to_vec()]);
    // The signer now picks the renewed certificate, and the key still signs.
    let signer = TokenSigner::new(pool.clone(), Some(&id)).unwrap();
    assert_eq!(signer.certificate().der(), renewed.der());
    conformance::run(&signer).unwrap();
}
