//! The conformance suite: the software backend passes it for every test-PKI key type, and it
//! catches deliberately broken backends, each fault by the check meant for it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{holder, signer};
use qes_cert::Certificate;
use qes_signer::conformance::{self, Check, Problem};
use qes_signer::{DigestAlgorithm, KeyKind, SignError, SignatureAlgorithm, Signer, SoftwareSigner};
use qes_testkit::KeyAlgorithm;

#[test]
fn software_backend_passes_for_every_key_type() {
    use DigestAlgorithm::{Sha256, Sha384, Sha512};
    for algorithm in KeyAlgorithm::ALL {
        let signer = signer(&holder(algorithm));
        let report = conformance::run(&signer).unwrap_or_else(|e| panic!("{algorithm}: {e}"));
        assert_eq!(report.key, signer.key_kind());
        assert!(report.signatures_verified >= 3 * 3 * report.algorithms.len());
        let deterministic: Vec<(SignatureAlgorithm, bool)> = report.algorithms.clone();
        match signer.key_kind() {
            KeyKind::Rsa { .. } => {
                assert_eq!(report.algorithms.len(), 6);
                assert_eq!(report.refused_algorithms.len(), 3);
                for (alg, det) in deterministic {
                    // PKCS#1 v1.5 is deterministic, PSS is salted.
                    assert_eq!(det, matches!(alg, SignatureAlgorithm::RsaPkcs1v15(_)));
                }
            }
            KeyKind::Ec(curve) => {
                assert_eq!(report.algorithms.len(), 3);
                assert_eq!(report.refused_algorithms.len(), 6);
                for (alg, det) in deterministic {
                    // ring signs the natural pairing with hedged nonces; RFC 6979 the others.
                    let natural = alg == SignatureAlgorithm::Ecdsa(curve.natural_digest());
                    assert_eq!(det, !natural, "{alg}");
                }
                assert!([Sha256, Sha384, Sha512].iter().all(|d| report
                    .algorithms
                    .iter()
                    .any(|(a, _)| *a == SignatureAlgorithm::Ecdsa(*d))));
            }
            _ => unreachable!(),
        }
    }
}

#[test]
fn pkcs12_loaded_and_shared_signers_pass() {
    let issued = holder(KeyAlgorithm::EcP256);
    let p12 = issued.pkcs12("pw").unwrap();
    let signer = std::sync::Arc::new(SoftwareSigner::from_pkcs12(&p12, "pw").unwrap());
    let shared: std::sync::Arc<dyn Signer> = signer;
    conformance::run(&shared).unwrap();
    conformance::run(&*shared).unwrap();
}

/// One way a backend can break the contract.
#[derive(Clone, Copy, Debug)]
enum Fault {
    CorruptSign,
    CorruptDigestSign,
    SkipsDigestLengthCheck,
    AcceptsUnadvertised,
    BatchDropsLast,
    BatchReordered,
    EmptyBatchFails,
    LiesAboutKeyKind,
    AdvertisesForeignAlgorithm,
    PanicsOffMainThread,
}

struct Broken {
    inner: SoftwareSigner,
    fault: Fault,
}

impl Signer for Broken {
    fn certificate(&self) -> &Certificate {
        self.inner.certificate()
    }
    fn chain(&self) -> &[Certificate] {
        self.inner.chain()
    }
    fn key_kind(&self) -> KeyKind {
        match self.fault {
            Fault::LiesAboutKeyKind => KeyKind::Rsa { bits: 1024 },
            _ => self.inner.key_kind(),
        }
    }
    fn algorithms(&self) -> Vec<SignatureAlgorithm> {
        let mut algorithms = self.inner.algorithms();
        if let Fault::AdvertisesForeignAlgorithm = self.fault {
            algorithms.push(SignatureAlgorithm::Ecdsa(DigestAlgorithm::Sha256));
        }
        algorithms
    }
    fn sign_digests(
        &self,
        algorithm: SignatureAlgorithm,
        digests: &[&[u8]],
    ) -> Result<Vec<Vec<u8>>, SignError> {
        match self.fault {
            Fault::SkipsDigestLengthCheck
                if digests
                    .iter()
                    .any(|d| d.len() != algorithm.digest().output_len()) =>
            {
                Ok(digests.iter().map(|_| vec![1u8; 256]).collect())
            }
            Fault::AcceptsUnadvertised if !self.inner.algorithms().contains(&algorithm) => {
                Ok(digests.iter().map(|_| vec![1u8; 256]).collect())
            }
            Fault::EmptyBatchFails if digests.is_empty() => Err(SignError::BatchTooLarge {
                actual: 0,
                limit: 0,
            }),
            Fault::CorruptDigestSign => {
                let mut out = self.inner.sign_digests(algorithm, digests)?;
                for s in &mut out {
                    let last = s.len() - 1;
                    s[last] ^= 1;
                }
                Ok(out)
            }
            _ => self.inner.sign_digests(algorithm, digests),
        }
    }
    fn sign(&self, algorithm: SignatureAlgorithm, tbs: &[u8]) -> Result<Vec<u8>, SignError> {
        match self.fault {
            Fault::CorruptSign => {
                let mut s = self.inner.sign(algorithm, tbs)?;
                s[10] ^= 0x40;
                Ok(s)
            }
            Fault::PanicsOffMainThread if std::thread::current().name().is_none() => {
                panic!("deliberately not thread-safe")
            }
            _ => self.inner.sign(algorithm, tbs),
        }
    }
    fn sign_batch(
        &self,
        algorithm: SignatureAlgorithm,
        tbs: &[&[u8]],
    ) -> Result<Vec<Vec<u8>>, SignError> {
        let mut out = self.inner.sign_batch(algorithm, tbs)?;
        match self.fault {
            Fault::BatchDropsLast => {
                out.pop();
            }
            Fault::BatchReordered => out.reverse(),
            Fault::EmptyBatchFails if tbs.is_empty() => {
                return Err(SignError::BatchTooLarge {
                    actual: 0,
                    limit: 0,
                })
            }
            _ => {}
        }
        Ok(out)
    }
}

#[test]
fn broken_backends_fail_the_check_meant_for_them() {
    let issued = holder(KeyAlgorithm::Rsa2048);
    let cases = [
        (Fault::CorruptSign, Check::SignVerifies),
        (Fault::CorruptDigestSign, Check::SignDigestsVerifies),
        (Fault::SkipsDigestLengthCheck, Check::DigestLength),
        (Fault::AcceptsUnadvertised, Check::UnsupportedAlgorithm),
        (Fault::BatchDropsLast, Check::BatchVerifies),
        (Fault::BatchReordered, Check::BatchVerifies),
        (Fault::EmptyBatchFails, Check::EmptyBatch),
        (Fault::LiesAboutKeyKind, Check::Advertisement),
        (Fault::AdvertisesForeignAlgorithm, Check::Advertisement),
        (Fault::PanicsOffMainThread, Check::Threads),
    ];
    for (fault, check) in cases {
        let broken = Broken {
            inner: signer(&issued),
            fault,
        };
        let failure = match conformance::run(&broken) {
            Ok(report) => panic!("{fault:?} passed the suite: {report:?}"),
            Err(failure) => failure,
        };
        assert_eq!(failure.check, check, "{fault:?}: {failure}");
        // Every failure renders, and names its cause.
        assert!(failure.to_string().contains("failed"), "{failure}");
        if let Check::Threads = check {
            assert!(matches!(failure.problem, Problem::ThreadPanicked));
        }
    }
}

#[test]
fn nondeterministic_pkcs1_is_caught_by_the_determinism_check() {
    /// Signs each message correctly the first time, but returns different bytes when asked
    /// again for the same input: impossible for a correct PKCS#1 v1.5 signer.
    struct Flaky {
        inner: SoftwareSigner,
        seen: std::sync::Mutex<std::collections::HashSet<Vec<u8>>>,
    }
    impl Signer for Flaky {
        fn certificate(&self) -> &Certificate {
            self.inner.certificate()
        }
        fn chain(&self) -> &[Certificate] {
            self.inner.chain()
        }
        fn key_kind(&self) -> KeyKind {
            self.inner.key_kind()
        }
        fn algorithms(&self) -> Vec<SignatureAlgorithm> {
            self.inner.algorithms()
        }
        fn sign_digests(
            &self,
            algorithm: SignatureAlgorithm,
            digests: &[&[u8]],
        ) -> Result<Vec<Vec<u8>>, SignError> {
            self.inner.sign_digests(algorithm, digests)
        }
        fn sign(&self, algorithm: SignatureAlgorithm, tbs: &[u8]) -> Result<Vec<u8>, SignError> {
            let mut s = self.inner.sign(algorithm, tbs)?;
            let repeat = !self.seen.lock().unwrap().insert([&[0u8][..], tbs].concat());
            if repeat {
                s.push(0);
            }
            Ok(s)
        }
    }
    let flaky = Flaky {
        inner: signer(&holder(KeyAlgorithm::Rsa2048)),
        seen: Default::default(),
    };
    let failure = conformance::run(&flaky).unwrap_err();
    assert_eq!(failure.check, Check::Deterministic, "{failure}");
}
