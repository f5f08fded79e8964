//! The software backend: loading PKCS#8 (plain and encrypted, DER and PEM) and PKCS#12,
//! certificate matching, typed errors, secrets kept out of `Debug`, and loaders that never
//! panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{certificate, chain, holder, signer, verifies};
use der::asn1::OctetString;
use der::{Any, Encode};
use proptest::prelude::*;
use qes_signer::{
    Curve, DigestAlgorithm, KeyKind, SignError, SignatureAlgorithm, Signer, SoftwareKey,
    SoftwareSigner,
};
use qes_testkit::{KeyAlgorithm, TestPki};
use spki::AlgorithmIdentifierOwned;

const PASSWORD: &str = "correct horse battery staple";

fn expected_kind(algorithm: KeyAlgorithm) -> KeyKind {
    match algorithm {
        KeyAlgorithm::Rsa2048 => KeyKind::Rsa { bits: 2048 },
        KeyAlgorithm::Rsa3072 => KeyKind::Rsa { bits: 3072 },
        KeyAlgorithm::EcP256 => KeyKind::Ec(Curve::P256),
        KeyAlgorithm::EcP384 => KeyKind::Ec(Curve::P384),
    }
}

/// PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) `EncryptedPrivateKeyInfo`, as `openssl pkcs8
/// -topk8 -v2 aes-256-cbc` writes it.
fn encrypt_pkcs8(pkcs8: &[u8], password: &str, iterations: u32) -> Vec<u8> {
    let params =
        pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(iterations, &[7u8; 16], &[9u8; 16])
            .unwrap();
    let ciphertext = params.encrypt(password.as_bytes(), pkcs8).unwrap();
    pkcs12::pbe_params::EncryptedPrivateKeyInfo {
        encryption_algorithm: AlgorithmIdentifierOwned {
            oid: pkcs5::pbes2::PBES2_OID,
            parameters: Some(Any::encode_from(&params).unwrap()),
        },
        encrypted_data: OctetString::new(ciphertext).unwrap(),
    }
    .to_der()
    .unwrap()
}

#[test]
fn pkcs8_der_and_pem_load_for_every_key_algorithm() {
    for algorithm in KeyAlgorithm::ALL {
        let issued = holder(algorithm);
        let from_der = SoftwareKey::from_pkcs8_der(issued.key().pkcs8_der()).unwrap();
        let from_pem = SoftwareKey::from_pkcs8_pem(&issued.key().pkcs8_pem()).unwrap();
        assert_eq!(from_der.key_kind(), expected_kind(algorithm));
        assert_eq!(from_pem.key_kind(), expected_kind(algorithm));
        assert_eq!(
            from_der.public_key().to_der().unwrap(),
            issued.key().public_key_der()
        );
        let signer = from_pem.with_certificate(certificate(&issued)).unwrap();
        let algorithm = signer.default_algorithm();
        let signature = signer.sign(algorithm, b"tbs").unwrap();
        assert!(verifies(&signer, algorithm, b"tbs", &signature));
        assert!(!verifies(&signer, algorithm, b"tbs!", &signature));
    }
}

#[test]
fn advertised_algorithms_per_key() {
    use DigestAlgorithm::{Sha256, Sha384, Sha512};
    let rsa = signer(&holder(KeyAlgorithm::Rsa2048));
    assert_eq!(
        rsa.algorithms(),
        [
            SignatureAlgorithm::RsaPkcs1v15(Sha256),
            SignatureAlgorithm::RsaPkcs1v15(Sha384),
            SignatureAlgorithm::RsaPkcs1v15(Sha512),
            SignatureAlgorithm::RsaPss(Sha256),
            SignatureAlgorithm::RsaPss(Sha384),
            SignatureAlgorithm::RsaPss(Sha512),
        ]
    );
    let p384 = signer(&holder(KeyAlgorithm::EcP384));
    assert_eq!(
        p384.algorithms(),
        [
            SignatureAlgorithm::Ecdsa(Sha384),
            SignatureAlgorithm::Ecdsa(Sha256),
            SignatureAlgorithm::Ecdsa(Sha512),
        ]
    );
    assert_eq!(p384.default_algorithm(), SignatureAlgorithm::Ecdsa(Sha384));
}

#[test]
fn sign_and_sign_digests_agree_for_pkcs1_and_rfc6979() {
    let rsa = signer(&holder(KeyAlgorithm::Rsa2048));
    let alg = SignatureAlgorithm::RsaPkcs1v15(DigestAlgorithm::Sha384);
    let digest = DigestAlgorithm::Sha384.digest(b"message");
    assert_eq!(
        rsa.sign(alg, b"message").unwrap(),
        rsa.sign_digests(alg, &[&digest]).unwrap()[0]
    );
    // ECDSA pairings ring lacks go through RFC 6979: deterministic, equal to the prehash path.
    let p256 = signer(&holder(KeyAlgorithm::EcP256));
    let alg = SignatureAlgorithm::Ecdsa(DigestAlgorithm::Sha512);
    let digest = DigestAlgorithm::Sha512.digest(b"message");
    let one = p256.sign(alg, b"message").unwrap();
    assert_eq!(one, p256.sign_digests(alg, &[&digest]).unwrap()[0]);
    assert!(verifies(&p256, alg, b"message", &one));
}

#[test]
fn pkcs12_from_testkit_gives_key_certificate_and_ordered_chain() {
    for algorithm in KeyAlgorithm::ALL {
        let issued = holder(algorithm);
        let p12 = issued.pkcs12(PASSWORD).unwrap();
        let signer = SoftwareSigner::from_pkcs12(&p12, PASSWORD).unwrap();
        assert_eq!(signer.key_kind(), expected_kind(algorithm));
        assert_eq!(signer.certificate().der(), issued.cert_der());
        assert_eq!(signer.chain(), chain(&issued).as_slice());
        let alg = signer.default_algorithm();
        let signature = signer.sign(alg, b"document digest").unwrap();
        assert!(verifies(&signer, alg, b"document digest", &signature));
    }
}

#[test]
fn pkcs12_wrong_password_is_typed_and_distinct_from_malformed() {
    let p12 = holder(KeyAlgorithm::EcP256).pkcs12(PASSWORD).unwrap();
    for wrong in [
        "",
        "Correct horse battery staple",
        "correct horse battery staple ",
    ] {
        assert!(matches!(
            SoftwareSigner::from_pkcs12(&p12, wrong),
            Err(SignError::WrongPassword)
        ));
    }
    for cut in [0, 1, 2, 10, p12.len() / 2, p12.len() - 1] {
        let err = SoftwareSigner::from_pkcs12(&p12[..cut], PASSWORD).unwrap_err();
        assert!(
            matches!(err, SignError::KeyLoad { .. }),
            "cut {cut}: {err:?}"
        );
    }
    let mut trailing = p12.clone();
    trailing.push(0);
    assert!(matches!(
        SoftwareSigner::from_pkcs12(&trailing, PASSWORD),
        Err(SignError::KeyLoad { .. })
    ));
}

#[test]
fn pkcs12_with_modified_content_fails_the_mac() {
    let p12 = holder(KeyAlgorithm::Rsa2048).pkcs12(PASSWORD).unwrap();
    // Flip a byte deep inside the authSafe (the encrypted certificate bag): the structure
    // still parses, the MAC no longer verifies.
    let mut modified = p12.clone();
    let i = p12.len() / 2;
    modified[i] ^= 0x01;
    assert!(matches!(
        SoftwareSigner::from_pkcs12(&modified, PASSWORD),
        Err(SignError::WrongPassword)
    ));
}

#[test]
fn certificate_of_another_key_is_refused() {
    let rsa = holder(KeyAlgorithm::Rsa2048);
    let other_rsa = TestPki::shared().legal_person();
    let p256 = holder(KeyAlgorithm::EcP256);
    let p384 = holder(KeyAlgorithm::EcP384);
    let cases = [
        (&rsa, certificate(&p256)),
        (&p256, certificate(&rsa)),
        (&p256, certificate(&p384)),
        (&rsa, certificate(other_rsa)),
        (&p256, certificate(TestPki::shared().ocsp_responder())),
    ];
    for (key_of, cert) in cases {
        let key = SoftwareKey::from_pkcs8_der(key_of.key().pkcs8_der()).unwrap();
        assert!(matches!(
            key.with_certificate(cert),
            Err(SignError::CertificateKeyMismatch)
        ));
    }
}

#[test]
fn encrypted_pkcs8_der_and_pem() {
    for algorithm in [KeyAlgorithm::Rsa2048, KeyAlgorithm::EcP384] {
        let issued = holder(algorithm);
        let der = encrypt_pkcs8(issued.key().pkcs8_der(), PASSWORD, 2048);
        let key = SoftwareKey::from_encrypted_pkcs8_der(&der, PASSWORD).unwrap();
        assert_eq!(key.key_kind(), expected_kind(algorithm));
        let pem =
            pem_rfc7468::encode_string("ENCRYPTED PRIVATE KEY", Default::default(), &der).unwrap();
        let key = SoftwareKey::from_encrypted_pkcs8_pem(&pem, PASSWORD).unwrap();
        key.with_certificate(certificate(&issued)).unwrap();
        assert!(matches!(
            SoftwareKey::from_encrypted_pkcs8_der(&der, "wrong"),
            Err(SignError::WrongPassword)
        ));
        // A plain key is not an encrypted one, and the labels are not interchangeable.
        assert!(matches!(
            SoftwareKey::from_encrypted_pkcs8_der(issued.key().pkcs8_der(), PASSWORD),
            Err(SignError::KeyLoad { .. })
        ));
        assert!(matches!(
            SoftwareKey::from_pkcs8_pem(&pem),
            Err(SignError::KeyLoad { .. })
        ));
    }
}

#[test]
fn excessive_kdf_work_is_refused_before_deriving() {
    // (pkcs5 itself refuses to encode more than 100 000 000.)
    for iterations in [100_000_000, qes_signer::MAX_KDF_ITERATIONS + 1] {
        let params =
            pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(iterations, &[7u8; 16], &[9u8; 16])
                .unwrap();
        let der = pkcs12::pbe_params::EncryptedPrivateKeyInfo {
            encryption_algorithm: AlgorithmIdentifierOwned {
                oid: pkcs5::pbes2::PBES2_OID,
                parameters: Some(Any::encode_from(&params).unwrap()),
            },
            encrypted_data: OctetString::new(vec![0u8; 64]).unwrap(),
        }
        .to_der()
        .unwrap();
        let started = std::time::Instant::now();
        let err = SoftwareKey::from_encrypted_pkcs8_der(&der, PASSWORD).unwrap_err();
        assert!(matches!(err, SignError::KeyLoad { .. }), "{err:?}");
        assert!(started.elapsed().as_secs() < 2);
    }
}

#[test]
fn unsupported_key_types_and_schemes_are_typed() {
    // RFC 8410 §10.3 Ed25519 private key.
    let ed25519 = hex("302e020100300506032b657004220420d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842");
    assert!(matches!(
        SoftwareKey::from_pkcs8_der(&ed25519),
        Err(SignError::UnsupportedKeyFormat {
            what: "private key algorithm",
            ..
        })
    ));
    // An EncryptedPrivateKeyInfo under pbeWithMD5AndDES-CBC (PBES1, RFC 8018 §6.1).
    let pbes1 = pkcs12::pbe_params::EncryptedPrivateKeyInfo {
        encryption_algorithm: AlgorithmIdentifierOwned {
            oid: "1.2.840.113549.1.5.3".parse().unwrap(),
            parameters: None,
        },
        encrypted_data: OctetString::new(vec![0u8; 32]).unwrap(),
    }
    .to_der()
    .unwrap();
    assert!(matches!(
        SoftwareKey::from_encrypted_pkcs8_der(&pbes1, PASSWORD),
        Err(SignError::UnsupportedKeyFormat { .. })
    ));
    let cert_pem = TestPki::shared().natural_person().cert_pem();
    assert!(matches!(
        SoftwareKey::from_pkcs8_pem(&cert_pem),
        Err(SignError::KeyLoad { .. })
    ));
}

#[test]
fn secrets_stay_out_of_debug_and_errors() {
    let issued = holder(KeyAlgorithm::EcP256);
    let p12 = issued.pkcs12(PASSWORD).unwrap();
    let signer = SoftwareSigner::from_pkcs12(&p12, PASSWORD).unwrap();
    let debug = format!("{signer:?}");
    assert!(debug.contains("P256"), "{debug}");
    assert!(debug.contains("Mărgărit"), "{debug}");
    assert!(!debug.contains(PASSWORD));
    let key = SoftwareKey::from_pkcs8_der(issued.key().pkcs8_der()).unwrap();
    assert_eq!(format!("{key:?}"), "SoftwareKey { kind: Ec(P256), .. }");
    // No run of 8 key bytes, in hex either case, in any rendering.
    let pkcs8 = issued.key().pkcs8_der();
    let secret_hex: Vec<String> = pkcs8
        .windows(8)
        .skip(pkcs8.len() / 2)
        .take(4)
        .map(|w| w.iter().map(|b| format!("{b:02x}")).collect())
        .collect();
    for text in [debug, format!("{key:?}")] {
        for needle in &secret_hex {
            assert!(!text.to_lowercase().contains(needle));
        }
    }
    for err in [
        SoftwareSigner::from_pkcs12(&p12, "hunter2-password").unwrap_err(),
        SoftwareKey::from_encrypted_pkcs8_der(
            &encrypt_pkcs8(pkcs8, PASSWORD, 16),
            "hunter2-password",
        )
        .unwrap_err(),
    ] {
        assert!(!format!("{err:?} {err}").contains("hunter2"));
    }
}

#[test]
fn boxed_and_shared_signers_forward() {
    let signer = signer(&holder(KeyAlgorithm::EcP256));
    let alg = signer.default_algorithm();
    let shared: std::sync::Arc<dyn Signer> = std::sync::Arc::new(signer);
    let boxed: Box<dyn Signer> = Box::new(shared.clone());
    let signature = boxed.sign(alg, b"x").unwrap();
    assert!(verifies(&*shared, alg, b"x", &signature));
    assert_eq!(boxed.sign_batch(alg, &[b"a", b"b"]).unwrap().len(), 2);
}

#[test]
fn legacy_pkcs12_fixtures_written_by_openssl_load() {
    // tests/data/README.md: `openssl pkcs12 -export -legacy` (RC2-40 certificate bags,
    // 3DES key bag, HMAC-SHA1 MAC) over OpenSSL-generated keys.
    for (file, kind) in [
        ("legacy-rsa2048.p12", KeyKind::Rsa { bits: 2048 }),
        ("legacy-p256.p12", KeyKind::Ec(Curve::P256)),
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(file);
        let p12 = std::fs::read(&path).unwrap();
        let signer = SoftwareSigner::from_pkcs12(&p12, "legacy-fixture").unwrap();
        assert_eq!(signer.key_kind(), kind);
        assert_eq!(signer.chain().len(), 1, "{file}: CA certificate as chain");
        let alg = signer.default_algorithm();
        let signature = signer.sign(alg, b"legacy").unwrap();
        assert!(verifies(&signer, alg, b"legacy", &signature));
        assert!(matches!(
            SoftwareSigner::from_pkcs12(&p12, "legacy-fixturE"),
            Err(SignError::WrongPassword)
        ));
    }
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn all_loaders(bytes: &[u8]) {
    let _ = SoftwareKey::from_pkcs8_der(bytes);
    let _ = SoftwareKey::from_encrypted_pkcs8_der(bytes, PASSWORD);
    let _ = SoftwareSigner::from_pkcs12(bytes, PASSWORD);
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = SoftwareKey::from_pkcs8_pem(text);
        let _ = SoftwareKey::from_encrypted_pkcs8_pem(text, PASSWORD);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn loaders_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        all_loaders(&bytes);
    }

    #[test]
    fn loaders_never_panic_on_mutated_key_files(
        which in 0usize..3,
        index in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        truncate in any::<bool>(),
    ) {
        let issued = holder(KeyAlgorithm::EcP256);
        let original = match which {
            0 => issued.key().pkcs8_der().to_vec(),
            1 => encrypt_pkcs8(issued.key().pkcs8_der(), PASSWORD, 4),
            _ => issued.pkcs12(PASSWORD).unwrap(),
        };
        let i = index.index(original.len());
        let mut mutated = original.clone();
        if truncate {
            mutated.truncate(i);
        } else {
            mutated[i] = byte;
        }
        all_loaders(&mutated);
        // A PKCS#12 file whose bytes changed never loads silently with another key.
        if which == 2 && mutated != original {
            if let Ok(signer) = SoftwareSigner::from_pkcs12(&mutated, PASSWORD) {
                prop_assert_eq!(signer.certificate().der(), issued.cert_der());
            }
        }
    }
}
