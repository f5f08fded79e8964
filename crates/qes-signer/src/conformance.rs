//! The conformance suite every [`Signer`] backend runs: the trait's contract, checked against
//! the signer's own certificate with an independent verifier (`qes_cert::verify_signature`,
//! RFC 5280 §4.1.1.2 algorithms: RFC 8017 PKCS#1 v1.5 and PSS per RFC 4055 §3.1, ECDSA per
//! RFC 5758 §3.2 with DER `Ecdsa-Sig-Value`, RFC 3279 §2.2.3).
//!
//! [`run`] checks, for every algorithm in [`Signer::algorithms`]:
//!
//! | [`Check`] | what |
//! |---|---|
//! | `Advertisement` | the list is non-empty, every entry fits [`Signer::key_kind`], the key kind is the certificate's, AlgorithmIdentifiers round-trip |
//! | `SignVerifies` | [`Signer::sign`] signatures verify against the certificate's public key |
//! | `SignDigestsVerifies` | [`Signer::sign_digests`] of the same messages' hashes verify too |
//! | `Deterministic` | RSASSA-PKCS1-v1_5 signs the same input to the same bytes |
//! | `BatchVerifies` | [`Signer::sign_batch`] returns one signature per input, each verifying |
//! | `BatchEqualsSingles` | where signing is deterministic, batch output equals single signatures |
//! | `EmptyBatch` | an empty batch (both forms) signs to an empty result |
//! | `DigestLength` | a digest of the wrong length is [`SignError::DigestLength`] with its index |
//! | `UnsupportedAlgorithm` | every algorithm outside the list is [`SignError::UnsupportedAlgorithm`] |
//! | `Threads` | the signer signs from several threads at once |
//!
//! ```
//! let issued = qes_testkit::TestPki::shared().natural_person();
//! let signer = qes_signer::SoftwareSigner::from_pkcs12(&issued.pkcs12("pw")?, "pw")?;
//! let report = qes_signer::conformance::run(&signer)?;
//! assert!(report.signatures_verified > 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use qes_cert::{verify_signature, AlgorithmPolicy, SignatureError};
use spki::SubjectPublicKeyInfoOwned;

use crate::{Curve, DigestAlgorithm, KeyKind, SignError, SignatureAlgorithm, Signer};

/// Threads [`run`] signs from at once.
pub const THREADS: usize = 4;

/// One check of the suite (see the module table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Check {
    /// The advertised algorithms and key kind.
    Advertisement,
    /// `sign` output verifies.
    SignVerifies,
    /// `sign_digests` output verifies.
    SignDigestsVerifies,
    /// PKCS#1 v1.5 is deterministic.
    Deterministic,
    /// `sign_batch` output verifies item by item.
    BatchVerifies,
    /// Deterministic batches equal single signatures.
    BatchEqualsSingles,
    /// Empty batches give empty output.
    EmptyBatch,
    /// Wrong digest lengths are typed errors.
    DigestLength,
    /// Unadvertised algorithms are typed errors.
    UnsupportedAlgorithm,
    /// Concurrent signing works.
    Threads,
}

/// What went wrong in a failed [`Check`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Problem {
    /// The signer failed where it should have signed.
    Signer(Box<SignError>),
    /// A signature does not verify against the certificate's public key.
    Verify(SignatureError),
    /// A batch returned the wrong number of signatures.
    Count {
        /// Inputs given.
        expected: usize,
        /// Signatures returned.
        actual: usize,
    },
    /// The signer should have failed with `expected` but succeeded (`actual` is `None`) or
    /// failed otherwise.
    WrongOutcome {
        /// The error the contract requires.
        expected: &'static str,
        /// What the signer returned instead.
        actual: Option<Box<SignError>>,
    },
    /// The signature at `index` differs where the scheme is deterministic.
    Differs {
        /// Position in the batch.
        index: usize,
    },
    /// The advertisement is inconsistent.
    Advertisement(&'static str),
    /// A signing thread panicked.
    ThreadPanicked,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Signer(e) => write!(f, "signer error: {e}"),
            Self::Verify(e) => write!(f, "signature does not verify: {e}"),
            Self::Count { expected, actual } => {
                write!(f, "{actual} signatures for {expected} inputs")
            }
            Self::WrongOutcome {
                expected,
                actual: None,
            } => write!(f, "expected {expected}, but it signed"),
            Self::WrongOutcome {
                expected,
                actual: Some(e),
            } => write!(f, "expected {expected}, got: {e}"),
            Self::Differs { index } => write!(f, "signature {index} differs"),
            Self::Advertisement(what) => f.write_str(what),
            Self::ThreadPanicked => f.write_str("a signing thread panicked"),
        }
    }
}

/// A failed check: which, for which algorithm, and why.
#[derive(Debug)]
pub struct ConformanceFailure {
    /// The check.
    pub check: Check,
    /// The algorithm under test, if the check is per algorithm.
    pub algorithm: Option<SignatureAlgorithm>,
    /// What went wrong.
    pub problem: Problem,
}

impl std::fmt::Display for ConformanceFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "conformance check {:?}", self.check)?;
        if let Some(algorithm) = self.algorithm {
            write!(f, " ({algorithm})")?;
        }
        write!(f, " failed: {}", self.problem)
    }
}

impl std::error::Error for ConformanceFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.problem {
            Problem::Signer(e) => Some(&**e),
            Problem::Verify(e) => Some(e),
            Problem::WrongOutcome {
                actual: Some(e), ..
            } => Some(&**e),
            _ => None,
        }
    }
}

/// What a passing signer offered.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConformanceReport {
    /// The key kind.
    pub key: KeyKind,
    /// Every advertised algorithm, with whether its signatures were deterministic.
    pub algorithms: Vec<(SignatureAlgorithm, bool)>,
    /// Signatures made and verified.
    pub signatures_verified: usize,
    /// Unadvertised algorithms confirmed refused.
    pub refused_algorithms: Vec<SignatureAlgorithm>,
}

/// Every algorithm a [`Signer`] can be asked for.
fn every_algorithm() -> impl Iterator<Item = SignatureAlgorithm> {
    DigestAlgorithm::ALL.into_iter().flat_map(|d| {
        [
            SignatureAlgorithm::RsaPkcs1v15(d),
            SignatureAlgorithm::RsaPss(d),
            SignatureAlgorithm::Ecdsa(d),
        ]
    })
}

/// The to-be-signed inputs: empty, short, and longer than any hash block.
fn messages() -> Vec<Vec<u8>> {
    vec![
        Vec::new(),
        b"qes-signer conformance".to_vec(),
        (0..=255u8).cycle().take(1500).collect(),
    ]
}

struct Suite<'s> {
    signer: &'s dyn Signer,
    spki: SubjectPublicKeyInfoOwned,
    policy: AlgorithmPolicy,
    verified: usize,
}

type Outcome<T> = Result<T, ConformanceFailure>;

fn fail(
    check: Check,
    algorithm: Option<SignatureAlgorithm>,
    problem: Problem,
) -> ConformanceFailure {
    ConformanceFailure {
        check,
        algorithm,
        problem,
    }
}

/// Run every check against `signer`.
///
/// # Errors
/// The first failed check, as a [`ConformanceFailure`].
pub fn run(signer: &dyn Signer) -> Result<ConformanceReport, ConformanceFailure> {
    let mut suite = Suite {
        signer,
        spki: signer
            .certificate()
            .x509()
            .tbs_certificate
            .subject_public_key_info
            .clone(),
        // The suite judges the signer, not key-size policy.
        policy: AlgorithmPolicy::strict().with_min_rsa_bits(1024),
        verified: 0,
    };
    let algorithms = suite.advertisement()?;
    let mut report = Vec::with_capacity(algorithms.len());
    for algorithm in &algorithms {
        let deterministic = suite.algorithm(*algorithm)?;
        report.push((*algorithm, deterministic));
    }
    let refused = suite.unsupported(&algorithms)?;
    suite.threads(&algorithms)?;
    Ok(ConformanceReport {
        key: signer.key_kind(),
        algorithms: report,
        signatures_verified: suite.verified,
        refused_algorithms: refused,
    })
}

impl Suite<'_> {
    fn advertisement(&self) -> Outcome<Vec<SignatureAlgorithm>> {
        let bad = |what| fail(Check::Advertisement, None, Problem::Advertisement(what));
        let algorithms = self.signer.algorithms();
        if algorithms.is_empty() {
            return Err(bad("no algorithms advertised"));
        }
        let kind = self.signer.key_kind();
        if key_kind_of(&self.spki) != Some(kind) {
            return Err(bad("key_kind() is not the certificate's key"));
        }
        for algorithm in &algorithms {
            if !algorithm.fits(kind) {
                return Err(bad("an advertised algorithm does not fit the key"));
            }
            let aid = algorithm.algorithm_identifier().map_err(|e| {
                fail(
                    Check::Advertisement,
                    Some(*algorithm),
                    Problem::Signer(Box::new(e)),
                )
            })?;
            if SignatureAlgorithm::from_algorithm_identifier(&aid, None).ok() != Some(*algorithm) {
                return Err(bad("an AlgorithmIdentifier does not round-trip"));
            }
        }
        if !algorithms.contains(&self.signer.default_algorithm()) {
            return Err(bad("the default algorithm is not advertised"));
        }
        Ok(algorithms)
    }

    fn verify(
        &mut self,
        check: Check,
        algorithm: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Outcome<()> {
        let aid = algorithm
            .algorithm_identifier()
            .map_err(|e| fail(check, Some(algorithm), Problem::Signer(Box::new(e))))?;
        verify_signature(&aid, &self.spki, message, signature, &self.policy)
            .map_err(|e| fail(check, Some(algorithm), Problem::Verify(e)))?;
        self.verified = self.verified.saturating_add(1);
        Ok(())
    }

    fn count(
        check: Check,
        algorithm: SignatureAlgorithm,
        expected: usize,
        actual: usize,
    ) -> Outcome<()> {
        if expected == actual {
            Ok(())
        } else {
            Err(fail(
                check,
                Some(algorithm),
                Problem::Count { expected, actual },
            ))
        }
    }

    /// All per-algorithm checks; returns whether signing was deterministic.
    fn algorithm(&mut self, algorithm: SignatureAlgorithm) -> Outcome<bool> {
        let signer = self.signer;
        let err = |check| move |e| fail(check, Some(algorithm), Problem::Signer(Box::new(e)));
        let messages = messages();

        // sign
        let mut singles = Vec::with_capacity(messages.len());
        for message in &messages {
            let signature = signer
                .sign(algorithm, message)
                .map_err(err(Check::SignVerifies))?;
            self.verify(Check::SignVerifies, algorithm, message, &signature)?;
            singles.push(signature);
        }

        // sign_digests over the same messages' hashes
        let digests: Vec<Vec<u8>> = messages
            .iter()
            .map(|m| algorithm.digest().digest(m))
            .collect();
        let refs: Vec<&[u8]> = digests.iter().map(Vec::as_slice).collect();
        let signatures = signer
            .sign_digests(algorithm, &refs)
            .map_err(err(Check::SignDigestsVerifies))?;
        Self::count(
            Check::SignDigestsVerifies,
            algorithm,
            refs.len(),
            signatures.len(),
        )?;
        for (message, signature) in messages.iter().zip(&signatures) {
            self.verify(Check::SignDigestsVerifies, algorithm, message, signature)?;
        }

        // determinism
        let first = singles.first().cloned().unwrap_or_default();
        let again = signer
            .sign(algorithm, messages.first().map_or(&[][..], Vec::as_slice))
            .map_err(err(Check::Deterministic))?;
        let deterministic = again == first;
        if matches!(algorithm, SignatureAlgorithm::RsaPkcs1v15(_)) {
            if !deterministic {
                return Err(fail(
                    Check::Deterministic,
                    Some(algorithm),
                    Problem::Differs { index: 0 },
                ));
            }
            // PKCS#1 v1.5: the prehash path must give the very same bytes.
            for (index, (single, from_digest)) in singles.iter().zip(&signatures).enumerate() {
                if single != from_digest {
                    return Err(fail(
                        Check::Deterministic,
                        Some(algorithm),
                        Problem::Differs { index },
                    ));
                }
            }
        }

        // sign_batch
        let inputs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
        let batch = signer
            .sign_batch(algorithm, &inputs)
            .map_err(err(Check::BatchVerifies))?;
        Self::count(Check::BatchVerifies, algorithm, inputs.len(), batch.len())?;
        for (message, signature) in messages.iter().zip(&batch) {
            self.verify(Check::BatchVerifies, algorithm, message, signature)?;
        }
        if deterministic {
            for (index, (single, batched)) in singles.iter().zip(&batch).enumerate() {
                if single != batched {
                    return Err(fail(
                        Check::BatchEqualsSingles,
                        Some(algorithm),
                        Problem::Differs { index },
                    ));
                }
            }
        }

        // empty batches
        let empty = signer
            .sign_batch(algorithm, &[])
            .map_err(err(Check::EmptyBatch))?;
        Self::count(Check::EmptyBatch, algorithm, 0, empty.len())?;
        let empty = signer
            .sign_digests(algorithm, &[])
            .map_err(err(Check::EmptyBatch))?;
        Self::count(Check::EmptyBatch, algorithm, 0, empty.len())?;

        self.digest_lengths(algorithm, &digests)?;
        Ok(deterministic)
    }

    fn digest_lengths(&self, algorithm: SignatureAlgorithm, digests: &[Vec<u8>]) -> Outcome<()> {
        let expected_len = algorithm.digest().output_len();
        let good = digests.first().cloned().unwrap_or_default();
        let short = good.get(1..).unwrap_or_default().to_vec();
        let mut long = good.clone();
        long.push(0);
        let cases: [(Vec<&[u8]>, usize, usize); 4] = [
            (vec![&good, &short], 1, short.len()),
            (vec![&long], 0, long.len()),
            (vec![&[]], 0, 0),
            (vec![&good, &good, &[0u8; 20]], 2, 20),
        ];
        for (batch, index, actual) in cases {
            match self.signer.sign_digests(algorithm, &batch) {
                Err(SignError::DigestLength {
                    index: i,
                    algorithm: a,
                    expected: e,
                    actual: l,
                }) if i == index && a == algorithm && e == expected_len && l == actual => {}
                other => {
                    return Err(fail(
                        Check::DigestLength,
                        Some(algorithm),
                        Problem::WrongOutcome {
                            expected: "SignError::DigestLength with the offending index",
                            actual: other.err().map(Box::new),
                        },
                    ))
                }
            }
        }
        Ok(())
    }

    fn unsupported(&self, advertised: &[SignatureAlgorithm]) -> Outcome<Vec<SignatureAlgorithm>> {
        let mut refused = Vec::new();
        for algorithm in every_algorithm().filter(|a| !advertised.contains(a)) {
            let digest = algorithm.digest().digest(b"unsupported");
            let outcomes = [
                self.signer.sign_digests(algorithm, &[&digest]).map(|_| ()),
                self.signer.sign(algorithm, b"unsupported").map(|_| ()),
                self.signer
                    .sign_batch(algorithm, &[b"unsupported"])
                    .map(|_| ()),
            ];
            for outcome in outcomes {
                match outcome {
                    Err(SignError::UnsupportedAlgorithm { algorithm: a, key })
                        if a == algorithm && key == self.signer.key_kind() => {}
                    other => {
                        return Err(fail(
                            Check::UnsupportedAlgorithm,
                            Some(algorithm),
                            Problem::WrongOutcome {
                                expected: "SignError::UnsupportedAlgorithm",
                                actual: other.err().map(Box::new),
                            },
                        ))
                    }
                }
            }
            refused.push(algorithm);
        }
        Ok(refused)
    }

    fn threads(&mut self, algorithms: &[SignatureAlgorithm]) -> Outcome<()> {
        let signer = self.signer;
        let spki = &self.spki;
        let policy = &self.policy;
        let results: Vec<Outcome<usize>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..THREADS)
                .map(|t| {
                    scope.spawn(move || -> Outcome<usize> {
                        let mut verified = 0usize;
                        for (i, algorithm) in algorithms.iter().enumerate() {
                            let message = format!("thread {t} message {i}").into_bytes();
                            let problem = |p| fail(Check::Threads, Some(*algorithm), p);
                            let signature = signer
                                .sign(*algorithm, &message)
                                .map_err(|e| problem(Problem::Signer(Box::new(e))))?;
                            let aid = algorithm
                                .algorithm_identifier()
                                .map_err(|e| problem(Problem::Signer(Box::new(e))))?;
                            verify_signature(&aid, spki, &message, &signature, policy)
                                .map_err(|e| problem(Problem::Verify(e)))?;
                            verified = verified.saturating_add(1);
                        }
                        Ok(verified)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(fail(Check::Threads, None, Problem::ThreadPanicked))
                    })
                })
                .collect()
        });
        for result in results {
            self.verified = self.verified.saturating_add(result?);
        }
        Ok(())
    }
}

/// The key kind a certificate's `SubjectPublicKeyInfo` names (RSA modulus size, EC curve).
fn key_kind_of(spki: &SubjectPublicKeyInfoOwned) -> Option<KeyKind> {
    use const_oid::db::rfc5912;
    let bits = spki.subject_public_key.as_bytes()?;
    match spki.algorithm.oid {
        rfc5912::RSA_ENCRYPTION | rfc5912::ID_RSASSA_PSS => {
            use der::Decode;
            let key = pkcs1::RsaPublicKey::from_der(bits).ok()?;
            let modulus = key.modulus.as_bytes();
            let top = modulus.first()?;
            let zeros = usize::try_from(top.leading_zeros()).ok()?;
            Some(KeyKind::Rsa {
                bits: modulus.len().checked_mul(8)?.checked_sub(zeros)?,
            })
        }
        rfc5912::ID_EC_PUBLIC_KEY => {
            let curve: const_oid::ObjectIdentifier =
                spki.algorithm.parameters.as_ref()?.decode_as().ok()?;
            match curve {
                rfc5912::SECP_256_R_1 => Some(KeyKind::Ec(Curve::P256)),
                rfc5912::SECP_384_R_1 => Some(KeyKind::Ec(Curve::P384)),
                _ => None,
            }
        }
        _ => None,
    }
}
