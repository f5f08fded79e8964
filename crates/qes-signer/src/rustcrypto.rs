//! Any [`Signer`] as a RustCrypto signer, so `x509-cert`'s `CertificateBuilder` and
//! `RequestBuilder` (PKCS#10, RFC 2986 §4.2) and `cms`'s `SignerInfoBuilder` (RFC 5652 §5.3)
//! accept every backend.
//!
//! The RustCrypto traits sign with one algorithm, fixed by the type; a [`Signer`] offers
//! several. [`AlgorithmSigner`] fixes one:
//!
//! | RustCrypto trait | provided by | calls |
//! |---|---|---|
//! | `signature::Signer<SignatureValue>` | [`AlgorithmSigner`] | [`Signer::sign`] |
//! | `signature::hazmat::PrehashSigner<SignatureValue>` | [`AlgorithmSigner`] | [`Signer::sign_digests`] |
//! | `signature::Keypair` (`VerifyingKey = PublicKeyInfo`) | [`AlgorithmSigner`] | [`Signer::certificate`] |
//! | `spki::DynSignatureAlgorithmIdentifier` | [`AlgorithmSigner`] | [`SignatureAlgorithm::algorithm_identifier`] |
//! | `spki::EncodePublicKey` | [`PublicKeyInfo`] | the certificate's `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7) |
//! | `signature::SignatureEncoding`, `spki::SignatureBitStringEncoding` | [`SignatureValue`] | the bytes as the backend made them |
//!
//! ```text
//! SubjectPublicKeyInfo  ::=  SEQUENCE  {            -- RFC 5280 §4.1.2.7
//!      algorithm            AlgorithmIdentifier,
//!      subjectPublicKey     BIT STRING  }
//! ```

use der::asn1::BitString;
use spki::{AlgorithmIdentifierOwned, Document, SubjectPublicKeyInfoOwned};

use crate::{SignError, SignatureAlgorithm, Signer};

/// A [`Signer`] fixed to one [`SignatureAlgorithm`], speaking RustCrypto's traits.
///
/// ```
/// use qes_signer::{AlgorithmSigner, SignatureValue, SoftwareSigner, Signer};
/// use x509_cert::builder::{Builder, RequestBuilder};
///
/// let issued = qes_testkit::TestPki::shared().natural_person();
/// let signer = SoftwareSigner::from_pkcs12(&issued.pkcs12("secret")?, "secret")?;
/// let fixed = AlgorithmSigner::new(&signer, signer.default_algorithm())?;
/// let subject = signer.certificate().subject().clone();
/// let request = RequestBuilder::new(subject, &fixed)?
///     .build::<SignatureValue>()?;
/// assert_eq!(request.info.public_key, *signer.public_key());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct AlgorithmSigner<'a, S: Signer + ?Sized> {
    signer: &'a S,
    algorithm: SignatureAlgorithm,
}

impl<S: Signer + ?Sized> Clone for AlgorithmSigner<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: Signer + ?Sized> Copy for AlgorithmSigner<'_, S> {}

impl<S: Signer + ?Sized> std::fmt::Debug for AlgorithmSigner<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlgorithmSigner")
            .field("algorithm", &self.algorithm)
            .field("key", &self.signer.key_kind())
            .finish_non_exhaustive()
    }
}

impl<'a, S: Signer + ?Sized> AlgorithmSigner<'a, S> {
    /// Fix `signer` to `algorithm`.
    ///
    /// # Errors
    /// [`SignError::UnsupportedAlgorithm`] unless `algorithm` is one of the signer's
    /// [`Signer::algorithms`].
    pub fn new(signer: &'a S, algorithm: SignatureAlgorithm) -> Result<Self, SignError> {
        if !algorithm.fits(signer.key_kind()) || !signer.algorithms().contains(&algorithm) {
            return Err(SignError::UnsupportedAlgorithm {
                algorithm,
                key: signer.key_kind(),
            });
        }
        Ok(Self { signer, algorithm })
    }

    /// Fix `signer` to its [`Signer::default_algorithm`].
    pub fn with_default_algorithm(signer: &'a S) -> Self {
        Self {
            signer,
            algorithm: signer.default_algorithm(),
        }
    }

    /// The algorithm every signature uses.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    /// The underlying signer.
    pub fn signer(&self) -> &'a S {
        self.signer
    }
}

impl<S: Signer + ?Sized> signature::Signer<SignatureValue> for AlgorithmSigner<'_, S> {
    fn try_sign(&self, msg: &[u8]) -> Result<SignatureValue, signature::Error> {
        self.signer
            .sign(self.algorithm, msg)
            .map(SignatureValue)
            .map_err(signature::Error::from_source)
    }
}

impl<S: Signer + ?Sized> signature::hazmat::PrehashSigner<SignatureValue>
    for AlgorithmSigner<'_, S>
{
    fn sign_prehash(&self, prehash: &[u8]) -> Result<SignatureValue, signature::Error> {
        let mut signatures = self
            .signer
            .sign_digests(self.algorithm, &[prehash])
            .map_err(signature::Error::from_source)?;
        match (signatures.pop(), signatures.is_empty()) {
            (Some(one), true) => Ok(SignatureValue(one)),
            // A backend broke the one-signature-per-digest contract.
            _ => Err(signature::Error::new()),
        }
    }
}

impl<S: Signer + ?Sized> signature::Keypair for AlgorithmSigner<'_, S> {
    type VerifyingKey = PublicKeyInfo;

    fn verifying_key(&self) -> PublicKeyInfo {
        PublicKeyInfo(
            self.signer
                .certificate()
                .x509()
                .tbs_certificate
                .subject_public_key_info
                .clone(),
        )
    }
}

impl<S: Signer + ?Sized> spki::DynSignatureAlgorithmIdentifier for AlgorithmSigner<'_, S> {
    fn signature_algorithm_identifier(&self) -> spki::Result<AlgorithmIdentifierOwned> {
        self.algorithm.algorithm_identifier().map_err(|e| match e {
            SignError::Der(der) => spki::Error::Asn1(der),
            _ => spki::Error::AlgorithmParametersMissing,
        })
    }
}

/// A signer's public key as its certificate's `SubjectPublicKeyInfo`: the `VerifyingKey` of
/// [`AlgorithmSigner`], encodable with `spki::EncodePublicKey`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKeyInfo(pub SubjectPublicKeyInfoOwned);

impl spki::EncodePublicKey for PublicKeyInfo {
    fn to_public_key_der(&self) -> spki::Result<Document> {
        Ok(Document::encode_msg(&self.0)?)
    }
}

impl AsRef<SubjectPublicKeyInfoOwned> for PublicKeyInfo {
    fn as_ref(&self) -> &SubjectPublicKeyInfoOwned {
        &self.0
    }
}

/// A signature as a [`Signer`] returns it (RSA: modulus-length integer; ECDSA: DER
/// `Ecdsa-Sig-Value`), typed for RustCrypto's builders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureValue(pub Vec<u8>);

impl SignatureValue {
    /// The signature bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for SignatureValue {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<SignatureValue> for Vec<u8> {
    fn from(value: SignatureValue) -> Self {
        value.0
    }
}

impl TryFrom<&[u8]> for SignatureValue {
    type Error = signature::Error;

    fn try_from(bytes: &[u8]) -> Result<Self, signature::Error> {
        Ok(Self(bytes.to_vec()))
    }
}

impl signature::SignatureEncoding for SignatureValue {
    type Repr = Vec<u8>;

    fn to_bytes(&self) -> Vec<u8> {
        self.0.clone()
    }

    fn encoded_len(&self) -> usize {
        self.0.len()
    }
}

impl spki::SignatureBitStringEncoding for SignatureValue {
    fn to_bitstring(&self) -> der::Result<BitString> {
        BitString::from_bytes(&self.0)
    }
}
