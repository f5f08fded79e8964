//! Interop with OpenSSL: key files OpenSSL writes (PKCS#12 modern and `-legacy`, encrypted
//! PKCS#8) load, and what we sign (raw signatures, PKCS#10 requests) OpenSSL verifies.
//! Gated by `qes_testkit::require_tool!("openssl")`: fails under CI, skips elsewhere.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use common::{chain, holder, signer};
use der::EncodePem;
use qes_signer::{
    AlgorithmSigner, SignError, SignatureAlgorithm, SignatureValue, Signer, SoftwareKey,
    SoftwareSigner,
};
use qes_testkit::{Issued, KeyAlgorithm};
use x509_cert::builder::{Builder, RequestBuilder};

const PASSWORD: &str = "pässwörd-Ș";

fn run(openssl: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(openssl).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The holder's key, certificate, chain and public key as PEM files in `dir`.
struct Files {
    dir: tempfile::TempDir,
    key: PathBuf,
    cert: PathBuf,
    chain: PathBuf,
    public: PathBuf,
}

impl Files {
    fn new(openssl: &Path, issued: &Issued) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key.pem");
        let cert = dir.path().join("cert.pem");
        let chain = dir.path().join("chain.pem");
        let public = dir.path().join("public.pem");
        std::fs::write(&key, issued.key().pkcs8_pem()).unwrap();
        std::fs::write(&cert, issued.cert_pem()).unwrap();
        std::fs::write(&chain, issued.chain_pem().unwrap()).unwrap();
        run(
            openssl,
            &[
                "x509",
                "-in",
                s(&cert),
                "-pubkey",
                "-noout",
                "-out",
                s(&public),
            ],
        );
        Self {
            dir,
            key,
            cert,
            chain,
            public,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `openssl pkcs12 -export` with `extra` options; returns the file's bytes.
    fn pkcs12(&self, openssl: &Path, name: &str, password: &str, extra: &[&str]) -> Vec<u8> {
        let out = self.path(name);
        let pass = format!("pass:{password}");
        let mut args = vec![
            "pkcs12",
            "-export",
            "-inkey",
            s(&self.key),
            "-in",
            s(&self.cert),
            "-certfile",
            s(&self.chain),
            "-passout",
            &pass,
            "-out",
            s(&out),
        ];
        args.extend_from_slice(extra);
        run(openssl, &args);
        std::fs::read(out).unwrap()
    }
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// OpenSSL's `dgst` options for `algorithm`.
fn dgst_options(algorithm: SignatureAlgorithm) -> Vec<&'static str> {
    let hash = match algorithm.digest() {
        qes_signer::DigestAlgorithm::Sha256 => "-sha256",
        qes_signer::DigestAlgorithm::Sha384 => "-sha384",
        _ => "-sha512",
    };
    match algorithm {
        // MGF1 uses the signing hash by default; the salt is as long as the hash.
        SignatureAlgorithm::RsaPss(_) => vec![
            hash,
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:digest",
        ],
        _ => vec![hash],
    }
}

/// `openssl dgst -verify` accepts `signature` over `message`.
fn openssl_verifies(
    openssl: &Path,
    files: &Files,
    algorithm: SignatureAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> bool {
    let data = files.path("data.bin");
    let sig = files.path("sig.bin");
    std::fs::write(&data, message).unwrap();
    std::fs::write(&sig, signature).unwrap();
    let mut args = vec!["dgst"];
    args.extend(dgst_options(algorithm));
    args.extend(["-verify", s(&files.public), "-signature", s(&sig), s(&data)]);
    Command::new(openssl)
        .args(&args)
        .output()
        .unwrap()
        .status
        .success()
}

#[test]
fn openssl_verifies_every_signature_we_make() {
    let openssl = qes_testkit::require_tool!("openssl");
    for key in KeyAlgorithm::ALL {
        let issued = holder(key);
        let files = Files::new(&openssl, &issued);
        let signer = signer(&issued);
        for algorithm in signer.algorithms() {
            let message = format!("to be signed with {algorithm}").into_bytes();
            let signature = signer.sign(algorithm, &message).unwrap();
            assert!(
                openssl_verifies(&openssl, &files, algorithm, &message, &signature),
                "{key} {algorithm} (sign)"
            );
            let digest = algorithm.digest().digest(&message);
            let prehashed = signer.sign_digests(algorithm, &[&digest]).unwrap();
            assert!(
                openssl_verifies(&openssl, &files, algorithm, &message, &prehashed[0]),
                "{key} {algorithm} (sign_digests)"
            );
            // And OpenSSL is not simply accepting everything.
            assert!(!openssl_verifies(
                &openssl,
                &files,
                algorithm,
                b"another message",
                &signature
            ));
        }
    }
}

#[test]
fn openssl_pkcs12_modern_and_legacy_load() {
    let openssl = qes_testkit::require_tool!("openssl");
    let variants: [(&str, &[&str]); 6] = [
        ("modern.p12", &[]),
        ("legacy.p12", &["-legacy"]),
        (
            "3des.p12",
            &[
                "-keypbe",
                "PBE-SHA1-3DES",
                "-certpbe",
                "PBE-SHA1-3DES",
                "-macalg",
                "sha1",
            ],
        ),
        ("sha512mac.p12", &["-macalg", "sha512", "-iter", "10000"]),
        ("plain-bags.p12", &["-keypbe", "NONE", "-certpbe", "NONE"]),
        (
            "aes128.p12",
            &["-keypbe", "AES-128-CBC", "-certpbe", "AES-128-CBC"],
        ),
    ];
    for key in KeyAlgorithm::ALL {
        let issued = holder(key);
        let files = Files::new(&openssl, &issued);
        for (name, extra) in variants {
            let p12 = files.pkcs12(&openssl, name, PASSWORD, extra);
            let signer = SoftwareSigner::from_pkcs12(&p12, PASSWORD)
                .unwrap_or_else(|e| panic!("{key} {name}: {e:?}"));
            assert_eq!(
                signer.certificate().der(),
                issued.cert_der(),
                "{key} {name}"
            );
            assert_eq!(signer.chain(), chain(&issued).as_slice(), "{key} {name}");
            let algorithm = signer.default_algorithm();
            let signature = signer.sign(algorithm, b"p12").unwrap();
            assert!(openssl_verifies(
                &openssl, &files, algorithm, b"p12", &signature
            ));
            assert!(
                matches!(
                    SoftwareSigner::from_pkcs12(&p12, "pässwörd-S"),
                    Err(SignError::WrongPassword)
                ),
                "{key} {name}"
            );
        }
    }
}

#[test]
fn openssl_pkcs12_with_empty_password_loads() {
    let openssl = qes_testkit::require_tool!("openssl");
    let issued = holder(KeyAlgorithm::EcP256);
    let files = Files::new(&openssl, &issued);
    for (name, extra) in [
        ("empty.p12", &[][..]),
        ("empty-legacy.p12", &["-legacy"][..]),
    ] {
        let p12 = files.pkcs12(&openssl, name, "", extra);
        let signer =
            SoftwareSigner::from_pkcs12(&p12, "").unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(signer.certificate().der(), issued.cert_der());
        assert!(matches!(
            SoftwareSigner::from_pkcs12(&p12, "x"),
            Err(SignError::WrongPassword)
        ));
    }
}

#[test]
fn openssl_pkcs12_without_key_or_certificate_and_truncated_are_typed() {
    let openssl = qes_testkit::require_tool!("openssl");
    let issued = holder(KeyAlgorithm::Rsa2048);
    let files = Files::new(&openssl, &issued);
    let p12 = files.pkcs12(&openssl, "full.p12", PASSWORD, &[]);
    for cut in [1, 64, p12.len() / 3, p12.len() - 20] {
        let err = SoftwareSigner::from_pkcs12(&p12[..cut], PASSWORD).unwrap_err();
        assert!(
            matches!(err, SignError::KeyLoad { .. }),
            "cut {cut}: {err:?}"
        );
    }
    let no_key = files.pkcs12(&openssl, "nokeys.p12", PASSWORD, &["-nokeys"]);
    assert!(matches!(
        SoftwareSigner::from_pkcs12(&no_key, PASSWORD),
        Err(SignError::KeyLoad { .. })
    ));
    // A key with only certificates of other keys: `-nocerts` drops the holder's certificate
    // and `-certfile` adds the CA certificates.
    let no_cert = files.pkcs12(&openssl, "nocerts.p12", PASSWORD, &["-nocerts"]);
    assert!(matches!(
        SoftwareSigner::from_pkcs12(&no_cert, PASSWORD),
        Err(SignError::CertificateKeyMismatch)
    ));
}

#[test]
fn openssl_encrypted_pkcs8_loads() {
    let openssl = qes_testkit::require_tool!("openssl");
    let pass = format!("pass:{PASSWORD}");
    let schemes: [(&str, &[&str]); 5] = [
        ("aes256", &["-v2", "aes-256-cbc"]),
        (
            "aes128-sha1",
            &["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"],
        ),
        ("des3", &["-v2", "des3"]),
        ("scrypt", &["-scrypt"]),
        ("pkcs12-3des", &["-v1", "PBE-SHA1-3DES"]),
    ];
    for key in [
        KeyAlgorithm::Rsa2048,
        KeyAlgorithm::EcP256,
        KeyAlgorithm::EcP384,
    ] {
        let issued = holder(key);
        let files = Files::new(&openssl, &issued);
        for (name, extra) in schemes {
            for form in ["PEM", "DER"] {
                let out = files.path(&format!("{name}.{form}"));
                let mut args = vec![
                    "pkcs8",
                    "-topk8",
                    "-in",
                    s(&files.key),
                    "-passout",
                    &pass,
                    "-outform",
                    form,
                    "-out",
                    s(&out),
                ];
                args.extend_from_slice(extra);
                run(&openssl, &args);
                let bytes = std::fs::read(&out).unwrap();
                let key_loaded = if form == "PEM" {
                    SoftwareKey::from_encrypted_pkcs8_pem(
                        std::str::from_utf8(&bytes).unwrap(),
                        PASSWORD,
                    )
                } else {
                    SoftwareKey::from_encrypted_pkcs8_der(&bytes, PASSWORD)
                }
                .unwrap_or_else(|e| panic!("{key} {name} {form}: {e:?}"));
                let signer = key_loaded
                    .with_certificate(common::certificate(&issued))
                    .unwrap();
                let algorithm = signer.default_algorithm();
                let signature = signer.sign(algorithm, b"pkcs8").unwrap();
                assert!(openssl_verifies(
                    &openssl, &files, algorithm, b"pkcs8", &signature
                ));
                if form == "DER" {
                    assert!(matches!(
                        SoftwareKey::from_encrypted_pkcs8_der(&bytes, "wrong"),
                        Err(SignError::WrongPassword)
                    ));
                }
            }
        }
        // An OpenSSL-written unencrypted PKCS#8 of a key we did not write.
        let plain = files.path("plain.der");
        run(
            &openssl,
            &[
                "pkcs8",
                "-topk8",
                "-nocrypt",
                "-in",
                s(&files.key),
                "-outform",
                "DER",
                "-out",
                s(&plain),
            ],
        );
        let key_loaded = SoftwareKey::from_pkcs8_der(&std::fs::read(plain).unwrap()).unwrap();
        // Key and certificate of different holders do not pair.
        let other = holder(if key == KeyAlgorithm::Rsa2048 {
            KeyAlgorithm::Rsa3072
        } else {
            KeyAlgorithm::Rsa2048
        });
        assert!(matches!(
            key_loaded.with_certificate(common::certificate(&other)),
            Err(SignError::CertificateKeyMismatch)
        ));
    }
}

#[test]
fn openssl_verifies_our_pkcs10_request() {
    let openssl = qes_testkit::require_tool!("openssl");
    for key in KeyAlgorithm::ALL {
        let issued = holder(key);
        let files = Files::new(&openssl, &issued);
        let signer = signer(&issued);
        for algorithm in signer.algorithms() {
            let fixed = AlgorithmSigner::new(&signer, algorithm).unwrap();
            let subject = x509_cert::name::Name::from_str("CN=Stefan Margarit,C=RO").unwrap();
            let request = RequestBuilder::new(subject, &fixed)
                .unwrap()
                .build::<SignatureValue>()
                .unwrap();
            let path = files.path("request.pem");
            std::fs::write(&path, request.to_pem(der::pem::LineEnding::LF).unwrap()).unwrap();
            let out = Command::new(&openssl)
                .args(["req", "-verify", "-noout", "-in", s(&path)])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{key} {algorithm}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
