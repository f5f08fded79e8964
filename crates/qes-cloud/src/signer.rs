//! [`CscSigner`]: a CSC credential as a `qes_signer::Signer`. The credential's certificate
//! and chain come from `credentials/info`; every `sign_digests` call is split into batches of
//! at most `multisign` hashes, each with one `credentials/authorize` (PIN/OTP from the
//! [`Authorizer`], hashes bound under SCAL 2) and one `signatures/signHash`.

use std::sync::Arc;

use const_oid::db::rfc5912;
use const_oid::ObjectIdentifier;
use der::asn1::UintRef;
use der::{Decode, Encode, Sequence};
use qes_cert::{verify_signature, AlgorithmPolicy, Certificate};
use qes_signer::{
    check_digest_request, ecdsa_der_to_raw, ecdsa_raw_to_der, Curve, DigestAlgorithm, KeyKind,
    SignError, SignatureAlgorithm, Signer,
};

use crate::auth::{Authorizer, SecretPrompt};
use crate::client::{AuthorizeRequest, CscClient, WireAlgorithm};
use crate::error::{CloudError, Result};
use crate::model::{AuthMode, CredentialInfo, OtpType, Scal};

/// A remote signing credential (CSC API) behind the [`Signer`] trait.
///
/// - **Batches**: [`Signer::sign_digests`] (and so `sign_batch`) asks for one authorization
///   per `multisign` hashes (the credential's, or [`CscSigner::with_batch_limit`]'s if
///   lower): 25 documents on a `multisign: 10` credential are three authorizations.
/// - **SCAL 2** credentials get the hashes in `credentials/authorize`, so the SAD is bound
///   to them; SCAL 1 credentials get only the count.
/// - **Secrets**: each authorization asks the [`Authorizer`] for the PIN and OTP the
///   credential requires (`explicit` mode); `implicit` credentials need none. An online OTP
///   is requested with `credentials/sendOTP` first. A rejected code fails the call with
///   [`CloudError::SecretRejected`]; nothing is retried.
/// - **Signatures** are checked before they are returned: RSA values must be as long as the
///   modulus; ECDSA values must be one DER `Ecdsa-Sig-Value` (a raw `r‖s` answer is
///   converted, RFC 3279 §2.2.3). Through [`Signer::sign`] and [`Signer::sign_batch`], where
///   the to-be-signed bytes are known, each signature is also verified against the
///   credential's certificate (RFC 5280 §4.1.1.2 algorithms): a service that signs with
///   another key, or garbles a value, is [`CloudError::BadSignature`], never a broken CMS.
/// - **Threads**: `Send + Sync`; concurrent calls make independent authorizations.
pub struct CscSigner {
    client: Arc<CscClient>,
    credential: CredentialInfo,
    certificate: Certificate,
    chain: Vec<Certificate>,
    key: KeyKind,
    algorithms: Vec<(SignatureAlgorithm, WireAlgorithm)>,
    authorizer: Box<dyn Authorizer>,
    batch_limit: usize,
    description: Option<String>,
}

impl std::fmt::Debug for CscSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CscSigner")
            .field("credential", &self.credential.id)
            .field("key", &self.key)
            .field("scal", &self.credential.scal)
            .field("multisign", &self.credential.multisign)
            .field("batch_limit", &self.batch_limit)
            .finish_non_exhaustive()
    }
}

impl CscSigner {
    /// The credential `credential_id` at `client`'s service, authorized through
    /// `authorizer`.
    ///
    /// # Errors
    /// [`CloudError::UnknownCredential`] and the other errors of `credentials/info`;
    /// [`CloudError::CredentialNotUsable`] for a disabled key or a certificate that is not
    /// valid; [`CloudError::Credential`] when there is no certificate or its key is neither
    /// RSA nor P-256/P-384, or no algorithm the key offers is one qes signs with;
    /// [`CloudError::UnsupportedAuthMode`] for `oauth2code` credentials.
    pub fn new(
        client: Arc<CscClient>,
        credential_id: &str,
        authorizer: Box<dyn Authorizer>,
    ) -> Result<Self> {
        let credential = client.credential_info(credential_id)?;
        Self::from_info(client, credential, authorizer)
    }

    /// As [`CscSigner::new`] with a `credentials/info` answer already fetched.
    ///
    /// # Errors
    /// As [`CscSigner::new`], without the call's errors.
    pub fn from_info(
        client: Arc<CscClient>,
        credential: CredentialInfo,
        authorizer: Box<dyn Authorizer>,
    ) -> Result<Self> {
        let bad = |reason| CloudError::Credential {
            credential_id: credential.id.clone(),
            reason,
        };
        if !credential.key_status.eq_ignore_ascii_case("enabled") {
            return Err(CloudError::CredentialNotUsable {
                what: "key",
                status: credential.key_status.clone(),
            });
        }
        if let Some(status) = &credential.certificate_status {
            if !status.eq_ignore_ascii_case("valid") {
                return Err(CloudError::CredentialNotUsable {
                    what: "certificate",
                    status: status.clone(),
                });
            }
        }
        match &credential.auth_mode {
            AuthMode::Implicit | AuthMode::Explicit => {}
            AuthMode::OAuth2Code => {
                return Err(CloudError::UnsupportedAuthMode {
                    mode: "oauth2code".into(),
                    hint: Some("authorize the credential through the provider's OAuth2 flow and use an implicit-mode client"),
                })
            }
            AuthMode::Other(mode) => {
                return Err(CloudError::UnsupportedAuthMode {
                    mode: mode.clone(),
                    hint: None,
                })
            }
        }
        let mut certs = credential.certificates.iter().cloned();
        let certificate = certs.next().ok_or_else(|| bad("no certificate"))?;
        let chain: Vec<Certificate> = certs.collect();
        let key = key_kind(&certificate)
            .ok_or_else(|| bad("the key is neither RSA nor EC P-256/P-384"))?;
        let algorithms = offered(key, &credential.key_algorithms);
        if algorithms.is_empty() {
            return Err(bad("the key offers no algorithm qes signs with"));
        }
        let batch_limit = usize::try_from(credential.multisign).unwrap_or(1).max(1);
        Ok(Self {
            client,
            credential,
            certificate,
            chain,
            key,
            algorithms,
            authorizer,
            batch_limit,
            description: None,
        })
    }

    /// Authorize at most `limit` hashes at a time (at least 1, at most the credential's
    /// `multisign`): e.g. to keep each OTP prompt to a known number of documents.
    #[must_use]
    pub fn with_batch_limit(mut self, limit: usize) -> Self {
        let multisign = usize::try_from(self.credential.multisign)
            .unwrap_or(1)
            .max(1);
        self.batch_limit = limit.clamp(1, multisign);
        self
    }

    /// A text the service may show the holder with each authorization (`description`).
    #[must_use]
    pub fn with_description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// The credential as `credentials/info` described it.
    pub fn credential(&self) -> &CredentialInfo {
        &self.credential
    }

    /// Hashes per authorization.
    pub fn batch_limit(&self) -> usize {
        self.batch_limit
    }

    /// Authorizations a batch of `n` hashes takes.
    pub fn authorizations_for(&self, n: usize) -> usize {
        n.div_ceil(self.batch_limit)
    }

    fn authorize_and_sign(
        &self,
        algorithm: SignatureAlgorithm,
        wire: &WireAlgorithm,
        hashes: &[&[u8]],
    ) -> Result<Vec<Vec<u8>>> {
        let id = self.credential.id.as_str();
        let mut secrets = Vec::new();
        for descriptor in self.credential.required_secrets() {
            if descriptor.otp_type == Some(OtpType::Online) {
                self.client.send_otp(id)?;
            }
            let prompt = SecretPrompt {
                credential_id: id,
                descriptor,
                num_signatures: hashes.len(),
            };
            let secret =
                self.authorizer
                    .secret(&prompt)
                    .map_err(|reason| CloudError::Authorizer {
                        kind: descriptor.kind,
                        credential_id: id.to_owned(),
                        reason,
                    })?;
            secrets.push((descriptor.kind, descriptor.id.clone(), secret));
        }
        let request = AuthorizeRequest {
            num_signatures: hashes.len(),
            hashes: (self.credential.scal == Scal::Two).then_some(hashes),
            hash_algorithm: Some(algorithm.digest().oid()),
            secrets,
            description: self.description.as_deref(),
        };
        let sad = self.client.authorize(id, &request)?;
        let signatures = self.client.sign_hash(id, &sad, hashes, wire)?;
        signatures
            .into_iter()
            .enumerate()
            .map(|(index, s)| self.check_signature(index, s))
            .collect()
    }

    fn check_signature(&self, index: usize, signature: Vec<u8>) -> Result<Vec<u8>> {
        let bad = |reason: String| CloudError::BadSignature { index, reason };
        match self.key {
            KeyKind::Rsa { bits } => {
                let expected = bits.div_ceil(8);
                if signature.len() != expected {
                    return Err(bad(format!(
                        "{} bytes, the {bits}-bit modulus needs {expected}",
                        signature.len()
                    )));
                }
                Ok(signature)
            }
            KeyKind::Ec(curve) => {
                if signature.len() == curve.scalar_len().saturating_mul(2)
                    && signature.first() != Some(&0x30)
                {
                    return ecdsa_raw_to_der(&signature, curve).map_err(|e| bad(e.to_string()));
                }
                ecdsa_der_to_raw(&signature, curve).map_err(|e| bad(e.to_string()))?;
                Ok(signature)
            }
            _ => Err(bad("unsupported key kind".into())),
        }
    }
}

impl Signer for CscSigner {
    fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    fn key_kind(&self) -> KeyKind {
        self.key
    }

    fn algorithms(&self) -> Vec<SignatureAlgorithm> {
        self.algorithms.iter().map(|(a, _)| *a).collect()
    }

    fn sign(&self, algorithm: SignatureAlgorithm, tbs: &[u8]) -> Result<Vec<u8>, SignError> {
        self.sign_batch(algorithm, &[tbs])?
            .pop()
            .ok_or(SignError::BatchTooLarge {
                actual: 1,
                limit: 0,
            })
    }

    fn sign_batch(
        &self,
        algorithm: SignatureAlgorithm,
        tbs: &[&[u8]],
    ) -> Result<Vec<Vec<u8>>, SignError> {
        let digests: Vec<Vec<u8>> = tbs.iter().map(|t| algorithm.digest().digest(t)).collect();
        let refs: Vec<&[u8]> = digests.iter().map(Vec::as_slice).collect();
        let signatures = self.sign_digests(algorithm, &refs)?;
        let aid = algorithm.algorithm_identifier()?;
        let spki = &self
            .certificate
            .x509()
            .tbs_certificate
            .subject_public_key_info;
        // Integrity, not key-size policy: the credential's own key is what it is.
        let policy = AlgorithmPolicy::strict().with_min_rsa_bits(1024);
        for (index, (message, signature)) in tbs.iter().zip(&signatures).enumerate() {
            verify_signature(&aid, spki, message, signature, &policy).map_err(|e| {
                CloudError::BadSignature {
                    index,
                    reason: format!("does not verify against the credential's certificate: {e}"),
                }
                .into_sign_error()
            })?;
        }
        Ok(signatures)
    }

    fn sign_digests(
        &self,
        algorithm: SignatureAlgorithm,
        digests: &[&[u8]],
    ) -> Result<Vec<Vec<u8>>, SignError> {
        check_digest_request(self, algorithm, digests)?;
        let Some((_, wire)) = self.algorithms.iter().find(|(a, _)| *a == algorithm) else {
            return Err(SignError::UnsupportedAlgorithm {
                algorithm,
                key: self.key,
            });
        };
        let mut out = Vec::with_capacity(digests.len());
        for chunk in digests.chunks(self.batch_limit) {
            let signatures = self
                .authorize_and_sign(algorithm, wire, chunk)
                .map_err(CloudError::into_sign_error)?;
            out.extend(signatures);
        }
        Ok(out)
    }
}

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }` (RFC 8017 A.1.1).
#[derive(Sequence)]
struct RsaPublicKey<'a> {
    modulus: UintRef<'a>,
    public_exponent: UintRef<'a>,
}

/// The key kind of a certificate's SubjectPublicKeyInfo (RFC 5280 §4.1.2.7; RSA per RFC 3279
/// §2.3.1, EC named curves per RFC 5480 §2.1.1).
pub(crate) fn key_kind(certificate: &Certificate) -> Option<KeyKind> {
    let spki = &certificate.x509().tbs_certificate.subject_public_key_info;
    let bits = spki.subject_public_key.as_bytes()?;
    match spki.algorithm.oid {
        rfc5912::RSA_ENCRYPTION | rfc5912::ID_RSASSA_PSS => {
            let key = RsaPublicKey::from_der(bits).ok()?;
            let _ = key.public_exponent;
            let modulus = key.modulus.as_bytes();
            let top = modulus.first()?;
            let zeros = usize::try_from(top.leading_zeros()).ok()?;
            Some(KeyKind::Rsa {
                bits: modulus.len().checked_mul(8)?.checked_sub(zeros)?,
            })
        }
        rfc5912::ID_EC_PUBLIC_KEY => {
            let curve: ObjectIdentifier = spki.algorithm.parameters.as_ref()?.decode_as().ok()?;
            match curve {
                rfc5912::SECP_256_R_1 => Some(KeyKind::Ec(Curve::P256)),
                rfc5912::SECP_384_R_1 => Some(KeyKind::Ec(Curve::P384)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The algorithms `key` can make from the service's `key.algo` list, preferred first, each
/// with the `signHash` parameters: a combined OID (`sha256WithRSAEncryption`,
/// `ecdsa-with-SHA256`) where offered, else the bare key algorithm (`rsaEncryption`,
/// `id-ecPublicKey`) with `hashAlgo`; RSASSA-PSS as `id-RSASSA-PSS` with `signAlgoParams`
/// (RFC 4055 §3.1: MGF1 with the same hash, salt as long as the hash).
fn offered(key: KeyKind, algos: &[ObjectIdentifier]) -> Vec<(SignatureAlgorithm, WireAlgorithm)> {
    let has = |oid: ObjectIdentifier| algos.contains(&oid);
    let mut out = Vec::new();
    let mut push =
        |algorithm: SignatureAlgorithm, sign_algo: ObjectIdentifier, params: Option<Vec<u8>>| {
            out.push((
                algorithm,
                WireAlgorithm {
                    sign_algo,
                    hash_algo: algorithm.digest().oid(),
                    params,
                },
            ));
        };
    let digests = DigestAlgorithm::ALL;
    match key {
        KeyKind::Rsa { .. } => {
            for d in digests {
                let combined = match d {
                    DigestAlgorithm::Sha256 => rfc5912::SHA_256_WITH_RSA_ENCRYPTION,
                    DigestAlgorithm::Sha384 => rfc5912::SHA_384_WITH_RSA_ENCRYPTION,
                    _ => rfc5912::SHA_512_WITH_RSA_ENCRYPTION,
                };
                if has(combined) {
                    push(SignatureAlgorithm::RsaPkcs1v15(d), combined, None);
                } else if has(rfc5912::RSA_ENCRYPTION) {
                    push(
                        SignatureAlgorithm::RsaPkcs1v15(d),
                        rfc5912::RSA_ENCRYPTION,
                        None,
                    );
                }
            }
            if has(rfc5912::ID_RSASSA_PSS) {
                for d in digests {
                    let algorithm = SignatureAlgorithm::RsaPss(d);
                    let params = algorithm
                        .algorithm_identifier()
                        .ok()
                        .and_then(|aid| aid.parameters)
                        .and_then(|p| p.to_der().ok());
                    if let Some(params) = params {
                        push(algorithm, rfc5912::ID_RSASSA_PSS, Some(params));
                    }
                }
            }
        }
        KeyKind::Ec(curve) => {
            // The curve's natural hash first (P-256/SHA-256, P-384/SHA-384).
            let mut ordered = vec![curve.natural_digest()];
            ordered.extend(digests.into_iter().filter(|d| *d != curve.natural_digest()));
            for d in ordered {
                let combined = match d {
                    DigestAlgorithm::Sha256 => rfc5912::ECDSA_WITH_SHA_256,
                    DigestAlgorithm::Sha384 => rfc5912::ECDSA_WITH_SHA_384,
                    _ => rfc5912::ECDSA_WITH_SHA_512,
                };
                if has(combined) {
                    push(SignatureAlgorithm::Ecdsa(d), combined, None);
                } else if has(rfc5912::ID_EC_PUBLIC_KEY) {
                    push(
                        SignatureAlgorithm::Ecdsa(d),
                        rfc5912::ID_EC_PUBLIC_KEY,
                        None,
                    );
                }
            }
        }
        _ => {}
    }
    out
}
