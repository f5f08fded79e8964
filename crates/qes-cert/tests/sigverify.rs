//! `verify_signature` across algorithms, the ring and RustCrypto back ends, and the policy.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use const_oid::ObjectIdentifier;
use der::{Any, Decode, Encode};
use qes_cert::{verify_signature, AlgorithmPolicy, SignatureError};
use qes_testkit::{KeyAlgorithm, KeyPair};
use rsa::pkcs8::DecodePrivateKey;
use sha2::Digest;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

const MSG: &[u8] = b"to be signed, as received";

fn oid(s: &str) -> ObjectIdentifier {
    s.parse().unwrap()
}

fn alg(s: &str, null: bool) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: oid(s),
        parameters: null.then(|| Any::from(der::asn1::Null)),
    }
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    assert!(content.len() < 0x80);
    let mut out = vec![tag, u8::try_from(content.len()).unwrap()];
    out.extend_from_slice(content);
    out
}

/// A deterministic RNG for the PSS salt (tests only).
struct CountingRng(u8);
impl rsa::rand_core::RngCore for CountingRng {
    fn next_u32(&mut self) -> u32 {
        u32::from(self.next_u8())
    }
    fn next_u64(&mut self) -> u64 {
        u64::from(self.next_u8())
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for b in dest {
            *b = self.next_u8();
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
impl CountingRng {
    fn next_u8(&mut self) -> u8 {
        self.0 = self.0.wrapping_add(1);
        self.0
    }
}
impl rsa::rand_core::CryptoRng for CountingRng {}

fn rsa_key() -> (rsa::RsaPrivateKey, SubjectPublicKeyInfoOwned) {
    let kp = KeyPair::derive(7, "sigverify-rsa", KeyAlgorithm::Rsa2048).unwrap();
    let key = rsa::RsaPrivateKey::from_pkcs8_der(kp.pkcs8_der()).unwrap();
    let spki = SubjectPublicKeyInfoOwned::from_der(&kp.public_key_der()).unwrap();
    (key, spki)
}

fn pss_params(hash: &str, salt: u8) -> AlgorithmIdentifierOwned {
    let h = alg(hash, true).to_der().unwrap();
    let mgf = AlgorithmIdentifierOwned {
        oid: oid("1.2.840.113549.1.1.8"),
        parameters: Some(Any::from_der(&h).unwrap()),
    }
    .to_der()
    .unwrap();
    let params = tlv(
        0x30,
        &[
            tlv(0xa0, &h),
            tlv(0xa1, &mgf),
            tlv(0xa2, &[0x02, 0x01, salt]),
        ]
        .concat(),
    );
    AlgorithmIdentifierOwned {
        oid: oid("1.2.840.113549.1.1.10"),
        parameters: Some(Any::from_der(&params).unwrap()),
    }
}

#[test]
fn rsa_pkcs1_all_hashes() {
    let (key, spki) = rsa_key();
    let strict = AlgorithmPolicy::default();
    let legacy = AlgorithmPolicy::legacy();
    let cases: [(&str, Vec<u8>, rsa::Pkcs1v15Sign); 4] = [
        (
            "1.2.840.113549.1.1.11",
            sha2::Sha256::digest(MSG).to_vec(),
            rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
        ),
        (
            "1.2.840.113549.1.1.14",
            sha2::Sha224::digest(MSG).to_vec(),
            rsa::Pkcs1v15Sign::new::<sha2::Sha224>(),
        ),
        (
            "1.2.840.113549.1.1.12",
            sha2::Sha384::digest(MSG).to_vec(),
            rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
        ),
        (
            "1.2.840.113549.1.1.13",
            sha2::Sha512::digest(MSG).to_vec(),
            rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
        ),
    ];
    for (alg_oid, digest, scheme) in cases {
        let sig = key.sign(scheme, &digest).unwrap();
        let a = alg(alg_oid, true);
        verify_signature(&a, &spki, MSG, &sig, &strict).unwrap();
        assert_eq!(
            verify_signature(&a, &spki, b"other", &sig, &strict),
            Err(SignatureError::BadSignature)
        );
        // Parameters absent are tolerated for PKCS#1 (RFC 4055 §5 says NULL).
        verify_signature(&alg(alg_oid, false), &spki, MSG, &sig, &strict).unwrap();
    }
    let sig = key
        .sign(
            rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
            &sha1::Sha1::digest(MSG),
        )
        .unwrap();
    let a = alg("1.2.840.113549.1.1.5", true);
    assert_eq!(
        verify_signature(&a, &spki, MSG, &sig, &strict),
        Err(SignatureError::Sha1Rejected)
    );
    verify_signature(&a, &spki, MSG, &sig, &legacy).unwrap();
    let big = AlgorithmPolicy::default().with_min_rsa_bits(3072);
    assert_eq!(
        verify_signature(
            &a,
            &spki,
            MSG,
            &sig,
            &big.with_sha1(qes_cert::Sha1Policy::AllowLegacy)
        ),
        Err(SignatureError::RsaKeySize {
            bits: 2048,
            min: 3072
        })
    );
}

#[test]
fn rsa_pss_ring_and_rustcrypto() {
    let (key, spki) = rsa_key();
    let policy = AlgorithmPolicy::default();
    let digest = sha2::Sha256::digest(MSG);
    // Salt = hash length: ring.
    let sig = key
        .sign_with_rng(
            &mut CountingRng(0),
            rsa::Pss::new_with_salt::<sha2::Sha256>(32),
            &digest,
        )
        .unwrap();
    verify_signature(
        &pss_params("2.16.840.1.101.3.4.2.1", 32),
        &spki,
        MSG,
        &sig,
        &policy,
    )
    .unwrap();
    // Declared salt length differs from the one used.
    assert_eq!(
        verify_signature(
            &pss_params("2.16.840.1.101.3.4.2.1", 20),
            &spki,
            MSG,
            &sig,
            &policy
        ),
        Err(SignatureError::BadSignature)
    );
    // Salt 20 with SHA-256: the RustCrypto fallback.
    let sig = key
        .sign_with_rng(
            &mut CountingRng(9),
            rsa::Pss::new_with_salt::<sha2::Sha256>(20),
            &digest,
        )
        .unwrap();
    verify_signature(
        &pss_params("2.16.840.1.101.3.4.2.1", 20),
        &spki,
        MSG,
        &sig,
        &policy,
    )
    .unwrap();
    // PSS without parameters is malformed.
    assert!(matches!(
        verify_signature(
            &alg("1.2.840.113549.1.1.10", false),
            &spki,
            MSG,
            &sig,
            &policy
        ),
        Err(SignatureError::MalformedParameters { .. })
    ));
}

fn ec_spki(curve: &str, point: &[u8]) -> SubjectPublicKeyInfoOwned {
    SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: oid("1.2.840.10045.2.1"),
            parameters: Some(Any::encode_from(&oid(curve)).unwrap()),
        },
        subject_public_key: der::asn1::BitString::from_bytes(point).unwrap(),
    }
}

/// `verify_signature` of `MSG` under `alg_oid` (absent parameters) and the default policy.
fn verify_strict(
    alg_oid: &str,
    spki: &SubjectPublicKeyInfoOwned,
    sig: &[u8],
) -> Result<(), SignatureError> {
    verify_signature(
        &alg(alg_oid, false),
        spki,
        MSG,
        sig,
        &AlgorithmPolicy::default(),
    )
}

#[test]
fn ecdsa_curves_and_hashes() {
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    let strict = AlgorithmPolicy::default();
    // P-256 with SHA-256 from the testkit (ring) and SHA-1 / SHA-512 by prehash (RustCrypto).
    let kp = KeyPair::derive(7, "sigverify-p256", KeyAlgorithm::EcP256).unwrap();
    let spki = SubjectPublicKeyInfoOwned::from_der(&kp.public_key_der()).unwrap();
    let sig = kp.sign(MSG);
    verify_strict("1.2.840.10045.4.3.2", &spki, &sig).unwrap();
    assert_eq!(
        verify_signature(&alg("1.2.840.10045.4.3.2", true), &spki, MSG, &sig, &strict),
        Err(SignatureError::MalformedParameters {
            oid: oid("1.2.840.10045.4.3.2")
        })
    );

    let sk = p256::ecdsa::SigningKey::from_bytes(&[0x11u8; 32].into()).unwrap();
    let spki = ec_spki(
        "1.2.840.10045.3.1.7",
        sk.verifying_key().to_encoded_point(false).as_bytes(),
    );
    let sig: p256::ecdsa::Signature = sk.sign_prehash(&sha2::Sha512::digest(MSG)).unwrap();
    verify_strict("1.2.840.10045.4.3.4", &spki, &sig.to_der().to_bytes()).unwrap();
    let sig: p256::ecdsa::Signature = sk.sign_prehash(&sha1::Sha1::digest(MSG)).unwrap();
    let a = alg("1.2.840.10045.4.1", false);
    assert_eq!(
        verify_signature(&a, &spki, MSG, &sig.to_der().to_bytes(), &strict),
        Err(SignatureError::Sha1Rejected)
    );
    verify_signature(
        &a,
        &spki,
        MSG,
        &sig.to_der().to_bytes(),
        &AlgorithmPolicy::legacy(),
    )
    .unwrap();

    // P-384 with SHA-384 (ring) and SHA-512 (RustCrypto).
    let sk = p384::ecdsa::SigningKey::from_bytes(&[0x22u8; 48].into()).unwrap();
    let spki = ec_spki(
        "1.3.132.0.34",
        sk.verifying_key().to_encoded_point(false).as_bytes(),
    );
    let sig: p384::ecdsa::Signature = sk.sign_prehash(&sha2::Sha384::digest(MSG)).unwrap();
    verify_strict("1.2.840.10045.4.3.3", &spki, &sig.to_der().to_bytes()).unwrap();
    let sig: p384::ecdsa::Signature = sk.sign_prehash(&sha2::Sha512::digest(MSG)).unwrap();
    verify_strict("1.2.840.10045.4.3.4", &spki, &sig.to_der().to_bytes()).unwrap();
    assert_eq!(
        verify_signature(
            &alg("1.2.840.10045.4.3.4", false),
            &spki,
            b"x",
            &sig.to_der().to_bytes(),
            &strict
        ),
        Err(SignatureError::BadSignature)
    );

    // An ECDSA algorithm with an RSA key.
    let (_, rsa_spki) = rsa_key();
    assert!(matches!(
        verify_signature(
            &alg("1.2.840.10045.4.3.2", false),
            &rsa_spki,
            MSG,
            &[0x30, 0],
            &strict
        ),
        Err(SignatureError::AlgorithmKeyMismatch { .. })
    ));
}

#[test]
fn ed25519_and_unknown() {
    let kp = ring::signature::Ed25519KeyPair::from_seed_unchecked(&[5u8; 32]).unwrap();
    use ring::signature::KeyPair as _;
    let spki = SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: oid("1.3.101.112"),
            parameters: None,
        },
        subject_public_key: der::asn1::BitString::from_bytes(kp.public_key().as_ref()).unwrap(),
    };
    let sig = kp.sign(MSG);
    let policy = AlgorithmPolicy::default();
    verify_signature(
        &alg("1.3.101.112", false),
        &spki,
        MSG,
        sig.as_ref(),
        &policy,
    )
    .unwrap();
    assert_eq!(
        verify_signature(
            &alg("1.3.101.112", false),
            &spki,
            b"x",
            sig.as_ref(),
            &policy
        ),
        Err(SignatureError::BadSignature)
    );
    assert!(matches!(
        verify_signature(&alg("1.2.3.4", false), &spki, MSG, sig.as_ref(), &policy),
        Err(SignatureError::UnsupportedAlgorithm { .. })
    ));
    // DSA is rejected by the default policy before any maths.
    let dsa_spki = SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: oid("1.2.840.10040.4.1"),
            parameters: None,
        },
        subject_public_key: der::asn1::BitString::from_bytes(&[2, 1, 1]).unwrap(),
    };
    assert_eq!(
        verify_signature(
            &alg("2.16.840.1.101.3.4.3.2", false),
            &dsa_spki,
            MSG,
            &[],
            &policy
        ),
        Err(SignatureError::DsaRejected)
    );
}
