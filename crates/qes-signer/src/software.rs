//! The software backend: a private key held in memory, loaded from PKCS#8 (RFC 5958, encrypted
//! per RFC 8018 PBES2 or RFC 7292 Appendix C) or PKCS#12 (RFC 7292), signing with `ring` and
//! RustCrypto (see [`SoftwareSigner`] for which does what).
//!
//! Loading goes in two steps for PKCS#8, whose files hold no certificate:
//! [`SoftwareKey::from_pkcs8_der`] (or PEM, or encrypted) gives a key, and
//! [`SoftwareKey::with_certificate`] pairs it with its certificate, checking that the
//! certificate's public key is the key's. A PKCS#12 file holds both:
//! [`SoftwareSigner::from_pkcs12`] picks the key and the certificate that matches it, and the
//! file's other certificates become the chain.

mod key;
mod pbe;
mod pkcs12;
mod pkcs8;

pub use key::{MAX_RSA_BITS, MIN_RSA_BITS};
pub use pbe::{MAX_KDF_ITERATIONS, MAX_KDF_WORK, MAX_SCRYPT_MEMORY};
pub use pkcs12::MAX_PKCS12_BAGS;
pub use pkcs8::MAX_KEY_FILE_LEN;

use key::KeyMaterial;
use qes_cert::Certificate;
use spki::SubjectPublicKeyInfoOwned;

use crate::{
    check_digest_request, DigestAlgorithm, KeyKind, SignError, SignatureAlgorithm, Signer,
};

/// A private key loaded from a PKCS#8 file, not yet paired with its certificate.
///
/// `Debug` shows the key kind only. The key's bytes are zeroized on drop (see
/// [`SoftwareSigner`] for the one exception, ring's internal copy).
pub struct SoftwareKey {
    key: KeyMaterial,
}

impl std::fmt::Debug for SoftwareKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SoftwareKey")
            .field("kind", &self.key.kind())
            .finish_non_exhaustive()
    }
}

impl SoftwareKey {
    /// Load a DER `PrivateKeyInfo` (PKCS#8 v1 or v2): RSA (2048 to 8192 bits, two primes) or
    /// ECDSA on P-256 or P-384.
    ///
    /// # Errors
    /// [`SignError::KeyLoad`] for malformed input or a key the libraries reject (never with key
    /// bytes in the message or source); [`SignError::UnsupportedKeyFormat`] for another key
    /// algorithm or curve.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, SignError> {
        pkcs8::check_size(der)?;
        Ok(Self {
            key: KeyMaterial::from_pkcs8_der(der)?,
        })
    }

    /// Load a PEM `PRIVATE KEY` block (RFC 7468 §10).
    ///
    /// # Errors
    /// As [`SoftwareKey::from_pkcs8_der`]; [`SignError::KeyLoad`] for bad PEM or another label.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, SignError> {
        let der = pkcs8::pem_to_der(pem, "PRIVATE KEY")?;
        Self::from_pkcs8_der(&der)
    }

    /// Load a DER `EncryptedPrivateKeyInfo` (RFC 5958 §3): PBES2 with PBKDF2 (HMAC-SHA-1/2)
    /// or scrypt and AES-CBC or DES-EDE3-CBC, as `openssl pkcs8 -topk8 -v2 aes-256-cbc`
    /// writes it; or a PKCS#12 PBE scheme (3DES, RC2).
    ///
    /// # Errors
    /// [`SignError::WrongPassword`] when the password does not decrypt it (PKCS#8 has no MAC,
    /// so a corrupted ciphertext looks the same); otherwise as
    /// [`SoftwareKey::from_pkcs8_der`], with [`SignError::UnsupportedKeyFormat`] also for an
    /// unsupported encryption scheme.
    pub fn from_encrypted_pkcs8_der(der: &[u8], password: &str) -> Result<Self, SignError> {
        let plain = pkcs8::decrypt(der, password)?;
        Self::from_pkcs8_der(&plain)
    }

    /// Load a PEM `ENCRYPTED PRIVATE KEY` block (RFC 7468 §11).
    ///
    /// # Errors
    /// As [`SoftwareKey::from_encrypted_pkcs8_der`]; [`SignError::KeyLoad`] for bad PEM or
    /// another label.
    pub fn from_encrypted_pkcs8_pem(pem: &str, password: &str) -> Result<Self, SignError> {
        let der = pkcs8::pem_to_der(pem, "ENCRYPTED PRIVATE KEY")?;
        Self::from_encrypted_pkcs8_der(&der, password)
    }

    /// The key's kind and size.
    pub fn key_kind(&self) -> KeyKind {
        self.key.kind()
    }

    /// The public key (RSA with NULL parameters, EC with the named curve and an uncompressed
    /// point), e.g. to request a certificate for it.
    pub fn public_key(&self) -> &SubjectPublicKeyInfoOwned {
        self.key.public_key()
    }

    /// Generate a fresh key in memory (RSA with `bits` bits and e = 65537, or ECDSA on the
    /// curve), e.g. for a certificate request (RFC 2986) on a new key. Returns the key and
    /// its unencrypted PKCS#8 `PrivateKeyInfo` (zeroized on drop) for the caller to store,
    /// encrypted, wherever it keeps keys.
    ///
    /// # Errors
    /// [`SignError::KeyLoad`] for an RSA size outside [`MIN_RSA_BITS`]..=[`MAX_RSA_BITS`] or a
    /// failure of the system random generator.
    pub fn generate(kind: KeyKind) -> Result<(Self, zeroize::Zeroizing<Vec<u8>>), SignError> {
        let pkcs8 = key::generate_pkcs8(kind)?;
        let key = Self::from_pkcs8_der(&pkcs8)?;
        Ok((key, pkcs8))
    }

    /// Sign `message` (hashing it); the caller has checked that `algorithm` fits the key.
    pub(crate) fn sign_message(
        &self,
        algorithm: SignatureAlgorithm,
        message: &[u8],
    ) -> Result<Vec<u8>, SignError> {
        self.key.sign_message(algorithm, message)
    }

    /// Pair the key with its certificate.
    ///
    /// # Errors
    /// [`SignError::CertificateKeyMismatch`] unless the certificate's public key is this key's
    /// (compared by value: RSA modulus and exponent, EC curve and point).
    pub fn with_certificate(self, certificate: Certificate) -> Result<SoftwareSigner, SignError> {
        if !self
            .key
            .matches(&certificate.x509().tbs_certificate.subject_public_key_info)
        {
            return Err(SignError::CertificateKeyMismatch);
        }
        let algorithms = algorithms_for(&self.key, &certificate);
        Ok(SoftwareSigner {
            key: self.key,
            certificate,
            chain: Vec::new(),
            algorithms,
        })
    }
}

/// The algorithms a software key offers, preferred first: RSA PKCS#1 v1.5 then PSS (only PSS
/// when the certificate's key is `id-RSASSA-PSS`, RFC 4055 §1.2), each with SHA-256/384/512;
/// ECDSA with the curve's natural hash first, then the other SHA-2 hashes.
fn algorithms_for(key: &KeyMaterial, certificate: &Certificate) -> Vec<SignatureAlgorithm> {
    match key.kind() {
        KeyKind::Ec(curve) => {
            let natural = curve.natural_digest();
            std::iter::once(natural)
                .chain(DigestAlgorithm::ALL.into_iter().filter(|d| *d != natural))
                .map(SignatureAlgorithm::Ecdsa)
                .collect()
        }
        KeyKind::Rsa { .. } => {
            let spki_oid = certificate
                .x509()
                .tbs_certificate
                .subject_public_key_info
                .algorithm
                .oid;
            let pss_only = spki_oid == const_oid::db::rfc5912::ID_RSASSA_PSS;
            let pkcs1 = DigestAlgorithm::ALL
                .into_iter()
                .map(SignatureAlgorithm::RsaPkcs1v15)
                .filter(|_| !pss_only);
            pkcs1
                .chain(
                    DigestAlgorithm::ALL
                        .into_iter()
                        .map(SignatureAlgorithm::RsaPss),
                )
                .collect()
        }
    }
}

/// A [`Signer`] over a private key in memory, with its certificate and chain.
///
/// Signing:
/// - [`Signer::sign`] and [`Signer::sign_batch`] (message in) use `ring` for RSASSA-PKCS1-v1_5
///   and RSASSA-PSS with SHA-256/384/512 (constant-time, blinded) and for ECDSA P-256/SHA-256
///   and P-384/SHA-384 (ring's hedged nonces); the other ECDSA pairings hash, then sign as
///   below.
/// - [`Signer::sign_digests`] (digest in) uses RustCrypto, since ring cannot sign a digest:
///   `rsa` with blinding from the OS RNG, which mitigates but does not remove the timing side
///   channel of RUSTSEC-2023-0071 (prefer `sign` for RSA when the message is at hand), and
///   `p256`/`p384` with RFC 6979 deterministic nonces.
///
/// RSASSA-PKCS1-v1_5 and RFC 6979 ECDSA signatures are deterministic; PSS and ring's ECDSA are
/// not. ECDSA signatures are DER `Ecdsa-Sig-Value`s.
///
/// Secrets: the RustCrypto keys and every buffer that held key bytes or a derived password
/// key are zeroized on drop; ring's key objects cannot be (ring offers no zeroization), so
/// one copy of the key is freed without wiping. `Debug` shows the key kind and the
/// certificate's subject only.
pub struct SoftwareSigner {
    key: KeyMaterial,
    certificate: Certificate,
    chain: Vec<Certificate>,
    algorithms: Vec<SignatureAlgorithm>,
}

impl std::fmt::Debug for SoftwareSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SoftwareSigner")
            .field("kind", &self.key.kind())
            .field("subject", &qes_cert::format_dn(self.certificate.subject()))
            .finish_non_exhaustive()
    }
}

impl SoftwareSigner {
    /// Load a PKCS#12 file (`.p12` / `.pfx`) with its password: verify the integrity MAC
    /// (HMAC with SHA-1 or SHA-2, RFC 7292 §5), decrypt the bags (PBES2 with AES or 3DES;
    /// PKCS#12 PBE with 3DES or RC2, including the RC2-40 certificate bags of
    /// `openssl pkcs12 -legacy` and older Windows exports), take the one private key, the
    /// certificate whose public key matches it (the one sharing the key's `localKeyId` when
    /// several do), and the other certificates as the chain, nearest issuer first where
    /// their names chain, then in file order.
    ///
    /// An empty password is tried both ways OpenSSL writes it (with and without the BMPString
    /// terminator).
    ///
    /// # Errors
    /// - [`SignError::WrongPassword`]: the MAC does not verify under `password` (or the bags
    ///   are encrypted under another password).
    /// - [`SignError::KeyLoad`]: not DER PKCS#12, truncated, no MAC, no private key or more
    ///   than one, no certificate at all, limits exceeded ([`MAX_KEY_FILE_LEN`],
    ///   [`MAX_PKCS12_BAGS`], [`MAX_KDF_ITERATIONS`], [`MAX_KDF_WORK`]), or a key the
    ///   libraries reject.
    /// - [`SignError::UnsupportedKeyFormat`]: public-key integrity or privacy mode, an unknown
    ///   MAC or encryption algorithm, another key type or curve.
    /// - [`SignError::CertificateKeyMismatch`]: certificates, but none for the key.
    /// - [`SignError::Certificate`]: a certificate in the file does not parse.
    pub fn from_pkcs12(der: &[u8], password: &str) -> Result<Self, SignError> {
        let contents = pkcs12::open(der, password)?;
        let mut keys = contents.keys.into_iter();
        let (key_der, key_id) = keys
            .next()
            .ok_or_else(|| SignError::key_load_bare("no private key in the PKCS#12 file"))?;
        if keys.next().is_some() {
            return Err(SignError::key_load_bare(
                "more than one private key in the PKCS#12 file",
            ));
        }
        let key = KeyMaterial::from_pkcs8_der(&key_der)?;
        drop(key_der);

        let mut certificates = contents.certificates;
        if certificates.is_empty() {
            return Err(SignError::key_load_bare(
                "no certificate in the PKCS#12 file",
            ));
        }
        let matching: Vec<usize> = certificates
            .iter()
            .enumerate()
            .filter(|(_, (c, _))| key.matches(&c.x509().tbs_certificate.subject_public_key_info))
            .map(|(i, _)| i)
            .collect();
        let chosen = matching
            .iter()
            .copied()
            .find(|i| key_id.is_some() && certificates.get(*i).is_some_and(|(_, id)| *id == key_id))
            .or_else(|| matching.first().copied())
            .ok_or(SignError::CertificateKeyMismatch)?;
        let (certificate, _) = certificates.remove(chosen);
        let rest = certificates.into_iter().map(|(c, _)| c).collect();
        let signer = SoftwareKey { key }.with_certificate(certificate)?;
        let chain = order_chain(&signer.certificate, rest);
        Ok(signer.with_chain(chain))
    }

    /// Set the issuing chain above the certificate, nearest issuer first (replacing any).
    #[must_use]
    pub fn with_chain(mut self, chain: impl IntoIterator<Item = Certificate>) -> Self {
        self.chain = chain.into_iter().collect();
        self
    }

    /// The public key, as the certificate carries it.
    pub fn public_key(&self) -> &SubjectPublicKeyInfoOwned {
        &self
            .certificate
            .x509()
            .tbs_certificate
            .subject_public_key_info
    }
}

/// Order `rest` as a chain above `leaf`: follow issuer names while a certificate has the
/// current certificate's issuer as subject, then append whatever is left in its original order.
fn order_chain(leaf: &Certificate, mut rest: Vec<Certificate>) -> Vec<Certificate> {
    let mut chain = Vec::with_capacity(rest.len());
    let mut current_issuer = leaf.issuer().clone();
    let mut current_subject = leaf.subject().clone();
    // A self-issued certificate ends the walk.
    while current_issuer != current_subject {
        let Some(pos) = rest.iter().position(|c| *c.subject() == current_issuer) else {
            break;
        };
        let next = rest.remove(pos);
        current_issuer = next.issuer().clone();
        current_subject = next.subject().clone();
        chain.push(next);
    }
    chain.extend(rest);
    chain
}

impl Signer for SoftwareSigner {
    fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    fn key_kind(&self) -> KeyKind {
        self.key.kind()
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
        digests
            .iter()
            .map(|digest| self.key.sign_prehash(algorithm, digest))
            .collect()
    }

    fn sign(&self, algorithm: SignatureAlgorithm, tbs: &[u8]) -> Result<Vec<u8>, SignError> {
        check_digest_request(self, algorithm, &[])?;
        self.key.sign_message(algorithm, tbs)
    }

    fn sign_batch(
        &self,
        algorithm: SignatureAlgorithm,
        tbs: &[&[u8]],
    ) -> Result<Vec<Vec<u8>>, SignError> {
        check_digest_request(self, algorithm, &[])?;
        tbs.iter()
            .map(|message| self.key.sign_message(algorithm, message))
            .collect()
    }
}
