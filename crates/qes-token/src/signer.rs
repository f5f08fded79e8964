//! [`TokenSigner`]: a token key with its certificate as a [`qes_signer::Signer`].
//!
//! Mechanisms (PKCS#11 v2.40 §2.1): RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) as `CKM_SHAx_RSA_PKCS`
//! when the token hashes, else `CKM_RSA_PKCS` over a DER `DigestInfo` (RFC 8017 §9.2);
//! RSASSA-PSS (RFC 8017 §8.1, RFC 4055 parameters: MGF1 with the same hash, salt = hash
//! length) as `CKM_RSA_PKCS_PSS` over the digest; ECDSA as `CKM_ECDSA` over a software hash,
//! the raw `r‖s` converted to DER `Ecdsa-Sig-Value` (RFC 3279 §2.2.3).

use std::sync::Arc;

use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::ObjectHandle;
use cryptoki::session::Session;
use qes_cert::{AlgorithmPolicy, Certificate};
use qes_signer::{
    check_digest_request, DigestAlgorithm, KeyKind, SignError, SignatureAlgorithm, Signer,
};

use crate::objects::{private_key_handle, token_public_key};
use crate::pubkey::spki_kind;
use crate::{KeyId, ObjectKind, SessionPool, TokenError};

/// The longest issuer chain collected from the token's certificates.
pub const MAX_CHAIN_LEN: usize = 8;

/// Who hashes for RSASSA-PKCS1-v1_5 in [`Signer::sign`] (batches and
/// [`Signer::sign_digests`] always hash in software and send a `DigestInfo`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RsaHashing {
    /// The token hashes (`CKM_SHA256_RSA_PKCS` …) when it offers the mechanism, else
    /// software. Some tokens restrict keys to these mechanisms (`CKA_ALLOWED_MECHANISMS`).
    #[default]
    TokenWhenOffered,
    /// Always hash in software and sign a `DigestInfo` with `CKM_RSA_PKCS`.
    Software,
}

/// A private key on a token, its certificate and chain, signing through a [`SessionPool`].
///
/// `Send + Sync`. A batch ([`Signer::sign_digests`], [`Signer::sign_batch`]) is split over
/// the pool's sessions and signed in parallel threads; concurrent callers share the sessions
/// (see the crate's [thread-safety contract](crate#thread-safety-contract)).
pub struct TokenSigner {
    pool: Arc<SessionPool>,
    key: ObjectHandle,
    id: KeyId,
    certificate: Certificate,
    chain: Vec<Certificate>,
    kind: KeyKind,
    algorithms: Vec<SignatureAlgorithm>,
    token_hashes: Vec<DigestAlgorithm>,
    hashing: RsaHashing,
}

impl TokenSigner {
    /// The signer for the key with certificate `id`, or — when `id` is `None` — for the one
    /// key on the token that has a certificate.
    ///
    /// The certificate's public key is checked against the token key (its public key
    /// object, or the RSA private key's public attributes, or else a probe signature). The
    /// chain is collected from the other certificates on the token, nearest issuer first.
    ///
    /// # Errors
    /// [`TokenError::KeyNotFound`], [`TokenError::AmbiguousKey`],
    /// [`TokenError::CertificateKeyMismatch`], [`TokenError::MechanismUnavailable`] when the
    /// token offers no mechanism for the key, [`TokenError::Pkcs11`].
    pub fn new(pool: Arc<SessionPool>, id: Option<&KeyId>) -> Result<Self, TokenError> {
        let objects = pool.objects()?;
        let certificates: Vec<(Option<&KeyId>, &Certificate)> = objects
            .iter()
            .filter_map(|o| match &o.kind {
                ObjectKind::Certificate(c) => Some((o.id.as_ref(), &**c)),
                _ => None,
            })
            .collect();
        let private_ids: Vec<&KeyId> = objects
            .iter()
            .filter(|o| matches!(o.kind, ObjectKind::PrivateKey(_)))
            .filter_map(|o| o.id.as_ref())
            .collect();
        let mut candidates: Vec<KeyId> = certificates
            .iter()
            .filter_map(|(cid, _)| *cid)
            .filter(|cid| private_ids.contains(cid))
            .cloned()
            .collect();
        candidates.sort();
        candidates.dedup();
        let id = match id {
            Some(id) if candidates.contains(id) => id.clone(),
            Some(id) => {
                return Err(TokenError::KeyNotFound {
                    id: Some(id.clone()),
                })
            }
            None => match candidates.len() {
                0 => return Err(TokenError::KeyNotFound { id: None }),
                1 => candidates.swap_remove(0),
                _ => return Err(TokenError::AmbiguousKey { ids: candidates }),
            },
        };
        // The newest certificate of the key (after a re-certification several may exist).
        let certificate = certificates
            .iter()
            .filter(|(cid, _)| *cid == Some(&id))
            .map(|(_, c)| *c)
            .max_by_key(|c| c.not_before())
            .cloned()
            .ok_or(TokenError::KeyNotFound {
                id: Some(id.clone()),
            })?;
        let cert_key = spki_kind(&certificate.x509().tbs_certificate.subject_public_key_info)?;
        let kind = cert_key.kind;
        let (key, readable) = pool.with_session(|session| {
            let key = private_key_handle(session, &id)?.ok_or(TokenError::KeyNotFound {
                id: Some(id.clone()),
            })?;
            let readable = match token_public_key(session, &id) {
                Ok(found) => found,
                Err(TokenError::PublicKey { .. }) => None,
                Err(other) => return Err(other),
            };
            Ok((key, readable))
        })?;
        if let Some(token_key) = &readable {
            if *token_key != cert_key {
                return Err(TokenError::CertificateKeyMismatch { id });
            }
        }
        let mechanisms = pool.token().mechanisms()?;
        let algorithms = algorithms_for(kind, &mechanisms);
        if algorithms.is_empty() {
            return Err(TokenError::MechanismUnavailable {
                mechanism: match kind {
                    KeyKind::Ec(_) => "CKM_ECDSA",
                    _ => "CKM_RSA_PKCS",
                },
            });
        }
        let token_hashes = DigestAlgorithm::ALL
            .into_iter()
            .filter(|d| mechanisms.contains(&hashed_rsa_mechanism(*d).mechanism_type()))
            .collect();
        let all: Vec<&Certificate> = certificates.iter().map(|(_, c)| *c).collect();
        let chain = chain_of(&certificate, &all);
        let signer = Self {
            pool,
            key,
            id,
            certificate,
            chain,
            kind,
            algorithms,
            token_hashes,
            hashing: RsaHashing::default(),
        };
        if readable.is_none() {
            signer.probe()?;
        }
        Ok(signer)
    }

    /// Choose who hashes for RSASSA-PKCS1-v1_5 in [`Signer::sign`].
    pub fn with_rsa_hashing(mut self, hashing: RsaHashing) -> Self {
        self.hashing = hashing;
        self
    }

    /// The key's `CKA_ID`.
    pub fn key_id(&self) -> &KeyId {
        &self.id
    }

    /// The session pool (and login) the signer uses.
    pub fn pool(&self) -> &Arc<SessionPool> {
        &self.pool
    }

    /// Sign a probe and verify it with the certificate: the key match check for tokens that
    /// do not reveal the public key.
    fn probe(&self) -> Result<(), TokenError> {
        let algorithm = self.default_algorithm();
        let tbs = b"qes-token key/certificate match probe";
        let signature = self.sign(algorithm, tbs).map_err(TokenError::Signature)?;
        let aid = algorithm
            .algorithm_identifier()
            .map_err(TokenError::Signature)?;
        qes_cert::verify_signature(
            &aid,
            &self
                .certificate
                .x509()
                .tbs_certificate
                .subject_public_key_info,
            tbs,
            &signature,
            &AlgorithmPolicy::default(),
        )
        .map_err(|_| TokenError::CertificateKeyMismatch {
            id: self.id.clone(),
        })
    }

    fn sign_one(
        &self,
        session: &Session,
        algorithm: SignatureAlgorithm,
        digest: &[u8],
    ) -> Result<Vec<u8>, TokenError> {
        sign_digest(session, self.key, self.kind, algorithm, digest)
    }

    /// Bring the token's output into the encoding CMS carries.
    fn finish(&self, raw: Vec<u8>) -> Result<Vec<u8>, TokenError> {
        finish(self.kind, raw)
    }
}

/// Sign `digest` with the private key `key` of kind `kind` in `session`.
pub(crate) fn sign_digest(
    session: &Session,
    key: ObjectHandle,
    kind: KeyKind,
    algorithm: SignatureAlgorithm,
    digest: &[u8],
) -> Result<Vec<u8>, TokenError> {
    let raw = match algorithm {
        SignatureAlgorithm::RsaPkcs1v15(d) => {
            let mut info = digest_info_prefix(d).to_vec();
            info.extend_from_slice(digest);
            session.sign(&Mechanism::RsaPkcs, key, &info)
        }
        SignatureAlgorithm::RsaPss(d) => {
            session.sign(&Mechanism::RsaPkcsPss(pss_params(d)?), key, digest)
        }
        _ => session.sign(&Mechanism::Ecdsa, key, digest),
    }
    .map_err(TokenError::pkcs11("C_Sign"))?;
    finish(kind, raw)
}

/// Bring the token's output into the encoding CMS and PKCS#10 carry: ECDSA `r‖s` as DER,
/// RSA checked to be the modulus length.
fn finish(kind: KeyKind, raw: Vec<u8>) -> Result<Vec<u8>, TokenError> {
    match kind {
        KeyKind::Ec(curve) => {
            qes_signer::ecdsa_raw_to_der(&raw, curve).map_err(TokenError::Signature)
        }
        KeyKind::Rsa { bits } => {
            let len = bits.div_ceil(8);
            if raw.len() != len {
                return Err(TokenError::Signature(SignError::MalformedSignature {
                    reason: "RSA signature from the token is not the modulus length",
                    source: None,
                }));
            }
            Ok(raw)
        }
        _ => Err(TokenError::PublicKey {
            reason: "unsupported key kind",
        }),
    }
}

fn pss_params(digest: DigestAlgorithm) -> Result<PkcsPssParams, TokenError> {
    let (hash_alg, mgf) = match digest {
        DigestAlgorithm::Sha384 => (MechanismType::SHA384, PkcsMgfType::MGF1_SHA384),
        DigestAlgorithm::Sha512 => (MechanismType::SHA512, PkcsMgfType::MGF1_SHA512),
        _ => (MechanismType::SHA256, PkcsMgfType::MGF1_SHA256),
    };
    let salt = u64::try_from(digest.output_len()).map_err(|_| TokenError::PublicKey {
        reason: "salt length",
    })?;
    Ok(PkcsPssParams {
        hash_alg,
        mgf,
        s_len: salt.into(),
    })
}

fn hashed_rsa_mechanism(digest: DigestAlgorithm) -> Mechanism<'static> {
    match digest {
        DigestAlgorithm::Sha384 => Mechanism::Sha384RsaPkcs,
        DigestAlgorithm::Sha512 => Mechanism::Sha512RsaPkcs,
        _ => Mechanism::Sha256RsaPkcs,
    }
}

/// The DER `DigestInfo` header before the hash (RFC 8017 §9.2, note 1).
const fn digest_info_prefix(digest: DigestAlgorithm) -> &'static [u8] {
    match digest {
        DigestAlgorithm::Sha384 => &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x02, 0x05, 0x00, 0x04, 0x30,
        ],
        DigestAlgorithm::Sha512 => &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x03, 0x05, 0x00, 0x04, 0x40,
        ],
        _ => &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ],
    }
}

/// The algorithms the token's mechanisms allow for `kind`, the key kind's default first.
pub(crate) fn algorithms_for(
    kind: KeyKind,
    mechanisms: &[MechanismType],
) -> Vec<SignatureAlgorithm> {
    let has = |m: MechanismType| mechanisms.contains(&m);
    let mut out = Vec::new();
    match kind {
        KeyKind::Rsa { .. } => {
            if has(MechanismType::RSA_PKCS) {
                out.extend(DigestAlgorithm::ALL.map(SignatureAlgorithm::RsaPkcs1v15));
            }
            if has(MechanismType::RSA_PKCS_PSS) {
                out.extend(DigestAlgorithm::ALL.map(SignatureAlgorithm::RsaPss));
            }
        }
        KeyKind::Ec(curve) if has(MechanismType::ECDSA) => {
            out.push(SignatureAlgorithm::Ecdsa(curve.natural_digest()));
            out.extend(
                DigestAlgorithm::ALL
                    .into_iter()
                    .filter(|d| *d != curve.natural_digest())
                    .map(SignatureAlgorithm::Ecdsa),
            );
        }
        _ => {}
    }
    out
}

/// Issuers of `leaf` among `pool`, nearest first, stopping at a self-issued certificate or
/// [`MAX_CHAIN_LEN`].
fn chain_of(leaf: &Certificate, pool: &[&Certificate]) -> Vec<Certificate> {
    let mut chain: Vec<Certificate> = Vec::new();
    let mut current = leaf;
    while chain.len() < MAX_CHAIN_LEN {
        if current.subject() == current.issuer() {
            break;
        }
        let Some(issuer) = pool.iter().find(|c| {
            c.subject() == current.issuer()
                && c.der() != current.der()
                && c.der() != leaf.der()
                && !chain.iter().any(|seen| seen.der() == c.der())
        }) else {
            break;
        };
        chain.push((*issuer).clone());
        current = issuer;
    }
    chain
}

impl Signer for TokenSigner {
    fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    fn key_kind(&self) -> KeyKind {
        self.kind
    }

    fn algorithms(&self) -> Vec<SignatureAlgorithm> {
        self.algorithms.clone()
    }

    fn sign_digests(
        &self,
        algorithm: SignatureAlgorithm,
        digests: &[&[u8]],
    ) -> Result<Vec<Vec<u8>>, SignError> {
        check_digest_request(self, algorithm, digests)?;
        let parallel = self.pool.size().min(digests.len() / 2).max(1);
        if parallel == 1 {
            return Ok(self.pool.with_session(|session| {
                digests
                    .iter()
                    .map(|d| self.sign_one(session, algorithm, d))
                    .collect()
            })?);
        }
        let chunk = digests.len().div_ceil(parallel);
        std::thread::scope(|scope| {
            let workers: Vec<_> = digests
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        self.pool.with_session(|session| {
                            part.iter()
                                .map(|d| self.sign_one(session, algorithm, d))
                                .collect::<Result<Vec<_>, _>>()
                        })
                    })
                })
                .collect();
            let mut out = Vec::with_capacity(digests.len());
            for worker in workers {
                match worker.join() {
                    Ok(part) => out.extend(part?),
                    Err(_) => return Err(TokenError::PoolPoisoned.into()),
                }
            }
            Ok(out)
        })
    }

    fn sign(&self, algorithm: SignatureAlgorithm, tbs: &[u8]) -> Result<Vec<u8>, SignError> {
        match algorithm {
            SignatureAlgorithm::RsaPkcs1v15(d)
                if self.hashing == RsaHashing::TokenWhenOffered
                    && self.token_hashes.contains(&d) =>
            {
                check_digest_request(self, algorithm, &[])?;
                let raw = self
                    .pool
                    .with_session(|session| {
                        session
                            .sign(&hashed_rsa_mechanism(d), self.key, tbs)
                            .map_err(TokenError::pkcs11("C_Sign"))
                    })
                    .map_err(SignError::from)?;
                Ok(self.finish(raw)?)
            }
            _ => {
                let digest = algorithm.digest().digest(tbs);
                self.sign_digests(algorithm, &[&digest])?
                    .pop()
                    .ok_or(SignError::BatchTooLarge {
                        actual: 1,
                        limit: 0,
                    })
            }
        }
    }
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSigner")
            .field("token", &self.pool.token().label)
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("sessions", &self.pool.size())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn digest_info_prefixes_are_der_headers() {
        for d in DigestAlgorithm::ALL {
            let prefix = digest_info_prefix(d);
            // SEQUENCE length covers the rest of the prefix plus the hash.
            assert_eq!(usize::from(prefix[1]), prefix.len() - 2 + d.output_len());
            assert_eq!(usize::from(prefix[prefix.len() - 1]), d.output_len());
            let oid = d.oid();
            assert_eq!(&prefix[6..15], oid.as_bytes());
        }
    }

    #[test]
    fn algorithms_follow_mechanisms() {
        let rsa = KeyKind::Rsa { bits: 2048 };
        assert!(algorithms_for(rsa, &[]).is_empty());
        assert_eq!(algorithms_for(rsa, &[MechanismType::RSA_PKCS]).len(), 3);
        assert_eq!(
            algorithms_for(rsa, &[MechanismType::RSA_PKCS, MechanismType::RSA_PKCS_PSS]).len(),
            6
        );
        let ec = KeyKind::Ec(qes_signer::Curve::P384);
        let algs = algorithms_for(ec, &[MechanismType::ECDSA]);
        assert_eq!(
            algs.first(),
            Some(&SignatureAlgorithm::Ecdsa(DigestAlgorithm::Sha384))
        );
        assert_eq!(algs.len(), 3);
    }
}
