//! Many PDFs, one signer call: [`PadesSigner::sign_batch`] lays out every document's
//! signature, collects the CMS signed attributes of all of them, has the signer sign them in
//! one [`Signer::sign_batch`] (one token login, one cloud authorization per `multisign`
//! hashes), and then embeds each signature (ETSI EN 319 142-1 §6.3 B-B / B-T, as
//! [`PadesSigner::sign_update`]).
//!
//! Two passes over each document, both through `sign_update`: the first with a recording
//! signer that captures the to-be-signed signed attributes (and answers with a placeholder,
//! never written anywhere), the second with a signer that answers from the batch's results.
//! The update is a pure function of the input and the options (same reserved `/Contents`
//! size, same field, same `/M`), so the second pass asks for exactly the bytes the first
//! recorded; if it did not, the batch fails rather than sign anything else. Timestamps (B-T)
//! are taken in the second pass only, over the real signature values.

use std::collections::HashMap;
use std::sync::Mutex;

use qes_cert::Certificate;
use qes_signer::{KeyKind, SignError, SignatureAlgorithm, Signer};

use crate::{Error, PadesSigner, Result};

/// Most documents one [`PadesSigner::sign_batch`] call takes.
pub const MAX_BATCH_DOCUMENTS: usize = 100_000;

/// Forwards the identity of the real signer; records what it is asked to sign.
struct Recorder<'a> {
    inner: &'a dyn Signer,
    seen: Mutex<Vec<(SignatureAlgorithm, Vec<u8>)>>,
}

/// Answers with the batch's signatures, for exactly the recorded inputs.
struct Replayer<'a> {
    inner: &'a dyn Signer,
    signatures: HashMap<(SignatureAlgorithm, Vec<u8>), Vec<u8>>,
}

/// The second pass asked for bytes the first did not record.
#[derive(Debug, thiserror::Error)]
#[error("the signed attributes of a document changed between the batch's two passes")]
struct Diverged;

#[derive(Debug, thiserror::Error)]
#[error("the batch recorder was poisoned by a panicking thread")]
struct Poisoned;

fn backend<E: std::error::Error + Send + Sync + 'static>(e: E) -> SignError {
    SignError::Backend {
        backend: "pades-batch",
        source: Box::new(e),
    }
}

macro_rules! forward_identity {
    () => {
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
        fn default_algorithm(&self) -> SignatureAlgorithm {
            self.inner.default_algorithm()
        }
    };
}

impl Signer for Recorder<'_> {
    forward_identity!();

    fn sign_digests(
        &self,
        algorithm: SignatureAlgorithm,
        _digests: &[&[u8]],
    ) -> std::result::Result<Vec<Vec<u8>>, SignError> {
        // CadesBuilder signs through `sign`, which this type overrides; a digest-only call
        // would have nothing to record.
        Err(SignError::UnsupportedAlgorithm {
            algorithm,
            key: self.inner.key_kind(),
        })
    }

    fn sign(
        &self,
        algorithm: SignatureAlgorithm,
        tbs: &[u8],
    ) -> std::result::Result<Vec<u8>, SignError> {
        self.seen
            .lock()
            .map_err(|_| backend(Poisoned))?
            .push((algorithm, tbs.to_vec()));
        // A placeholder as long as a real value (it only has to fit `/Contents`).
        Ok(match self.inner.key_kind() {
            KeyKind::Rsa { bits } => vec![0; bits.div_ceil(8)],
            KeyKind::Ec(curve) => vec![0; curve.scalar_len().saturating_mul(2).saturating_add(8)],
            _ => vec![0; 512],
        })
    }
}

impl Signer for Replayer<'_> {
    forward_identity!();

    fn sign_digests(
        &self,
        algorithm: SignatureAlgorithm,
        _digests: &[&[u8]],
    ) -> std::result::Result<Vec<Vec<u8>>, SignError> {
        Err(SignError::UnsupportedAlgorithm {
            algorithm,
            key: self.inner.key_kind(),
        })
    }

    fn sign(
        &self,
        algorithm: SignatureAlgorithm,
        tbs: &[u8],
    ) -> std::result::Result<Vec<u8>, SignError> {
        self.signatures
            .get(&(algorithm, tbs.to_vec()))
            .cloned()
            .ok_or_else(|| backend(Diverged))
    }
}

impl PadesSigner<'_> {
    /// Sign every document of `inputs` with one [`Signer::sign_batch`] call; returns each
    /// document's incremental update (append it to its input), in order. All or nothing: on
    /// any error no update is returned.
    ///
    /// # Errors
    /// [`Error::Limit`] for more than [`MAX_BATCH_DOCUMENTS`]; else as
    /// [`PadesSigner::sign_update`] for any document, or the signer's batch error as
    /// [`Error::Cms`].
    pub fn sign_batch(&self, inputs: &[&[u8]]) -> Result<Vec<Vec<u8>>> {
        if inputs.len() > MAX_BATCH_DOCUMENTS {
            return Err(Error::Limit {
                what: "documents in one batch",
                limit: MAX_BATCH_DOCUMENTS,
            });
        }
        let (signer, timestamper) = self.parts();
        let reserved = self.reserved_contents()?;

        // Pass 1: lay out each document, record its signed attributes.
        let recorder = Recorder {
            inner: signer,
            seen: Mutex::new(Vec::with_capacity(inputs.len())),
        };
        let layout = self
            .rebind(&recorder, None)
            .with_reserved_contents(reserved);
        for input in inputs {
            layout.sign_update(input)?;
        }
        let seen = recorder
            .seen
            .into_inner()
            .map_err(|_| Error::Cms(qes_cms::Error::Sign(backend(Poisoned))))?;

        // One batch per algorithm (CadesBuilder uses the signer's default: one batch).
        let mut signatures = HashMap::with_capacity(seen.len());
        let mut algorithms: Vec<SignatureAlgorithm> = seen.iter().map(|(a, _)| *a).collect();
        algorithms.sort();
        algorithms.dedup();
        for algorithm in algorithms {
            let tbs: Vec<&[u8]> = seen
                .iter()
                .filter(|(a, _)| *a == algorithm)
                .map(|(_, t)| t.as_slice())
                .collect();
            let values = signer
                .sign_batch(algorithm, &tbs)
                .map_err(|e| Error::Cms(qes_cms::Error::Sign(e)))?;
            if values.len() != tbs.len() {
                return Err(Error::Cms(qes_cms::Error::Sign(SignError::BatchTooLarge {
                    actual: tbs.len(),
                    limit: values.len(),
                })));
            }
            for (t, value) in tbs.into_iter().zip(values) {
                signatures.insert((algorithm, t.to_vec()), value);
            }
        }

        // Pass 2: the same layout, the real values (and timestamps over them).
        let replayer = Replayer {
            inner: signer,
            signatures,
        };
        let finish = self
            .rebind(&replayer, timestamper)
            .with_reserved_contents(reserved);
        inputs
            .iter()
            .map(|input| finish.sign_update(input))
            .collect()
    }
}
