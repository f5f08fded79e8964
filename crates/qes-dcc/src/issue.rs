//! Issuing: typed payload → CWT (`iss`, `iat`, `exp`) → COSE_Sign1 signed by any
//! [`Signer`] (ES256 or PS256, `kid` in the protected header) → zlib → Base45 → `HC1:`.

use chrono::{DateTime, Utc};
use qes_signer::{ecdsa_der_to_raw, Curve, DigestAlgorithm, KeyKind, SignatureAlgorithm, Signer};

use crate::cose::{CoseAlgorithm, CoseSign1, Headers};
use crate::cwt::Claims;
use crate::error::{DccError, Result};
use crate::payload::HealthCertificate;
use crate::trust::kid_of;
use crate::verify::{check_schema, PREFIX};
use crate::{base45, zlib};

/// An issued certificate: the COSE message and its QR text.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedCertificate {
    cose: Vec<u8>,
    text: String,
}

impl core::fmt::Debug for IssuedCertificate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("IssuedCertificate")
            .field("cose_len", &self.cose.len())
            .field("text_len", &self.text.len())
            .finish()
    }
}

impl IssuedCertificate {
    /// The tagged COSE_Sign1 bytes.
    pub fn cose(&self) -> &[u8] {
        &self.cose
    }

    /// The QR content: `HC1:` and the Base45 of the compressed COSE message.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Builds and signs one HCERT.
#[derive(Clone, Debug)]
pub struct CertificateBuilder {
    certificate: HealthCertificate,
    issuer_country: String,
    issued_at: DateTime<Utc>,
    expires: DateTime<Utc>,
    algorithm: Option<CoseAlgorithm>,
}

impl CertificateBuilder {
    /// The payload, the issuing country (`iss`, ISO 3166-1 alpha-2), `iat` and `exp`.
    pub fn new(
        certificate: HealthCertificate,
        issuer_country: &str,
        issued_at: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Self {
        Self {
            certificate,
            issuer_country: issuer_country.to_owned(),
            issued_at,
            expires,
            algorithm: None,
        }
    }

    /// Choose the algorithm (by default ES256 for a P-256 key, PS256 for RSA).
    pub fn with_algorithm(mut self, algorithm: CoseAlgorithm) -> Self {
        self.algorithm = Some(algorithm);
        self
    }

    /// Validate the payload against its schema, sign, compress and encode.
    ///
    /// # Errors
    /// [`DccError::Input`] for `exp` before `iat` or an issuer country that is not two
    /// letters, [`DccError::Uvci`] when `ci` is not a UVCI with a correct check character
    /// (when it has one), the schema errors of [`check_schema`], [`DccError::Algorithm`] when the key
    /// cannot make the algorithm, [`DccError::Sign`] when the signer fails.
    pub fn sign(&self, signer: &dyn Signer) -> Result<IssuedCertificate> {
        if self.expires <= self.issued_at {
            return Err(DccError::Input("exp must be after iat".into()));
        }
        if self.issuer_country.len() != 2
            || !self.issuer_country.bytes().all(|b| b.is_ascii_uppercase())
        {
            return Err(DccError::Input(
                "the issuer country must be two capital letters".into(),
            ));
        }
        crate::uvci::Uvci::parse(self.certificate.entry.id())?;
        let payload = self.certificate.to_json();
        check_schema(&payload)?;
        let algorithm = match (self.algorithm, signer.key_kind()) {
            (Some(a), _) => a,
            (None, KeyKind::Ec(Curve::P256)) => CoseAlgorithm::Es256,
            (None, KeyKind::Rsa { .. }) => CoseAlgorithm::Ps256,
            (None, _) => return Err(DccError::Algorithm { alg: None }),
        };
        let sig_alg = match algorithm {
            CoseAlgorithm::Es256 => SignatureAlgorithm::Ecdsa(DigestAlgorithm::Sha256),
            CoseAlgorithm::Ps256 => SignatureAlgorithm::RsaPss(DigestAlgorithm::Sha256),
        };
        if !sig_alg.fits(signer.key_kind())
            || (algorithm == CoseAlgorithm::Es256 && signer.key_kind() != KeyKind::Ec(Curve::P256))
        {
            return Err(DccError::Algorithm {
                alg: Some(algorithm.value()),
            });
        }
        let claims = Claims::new(
            Some(self.issuer_country.clone()),
            Some(self.issued_at.timestamp()),
            Some(self.expires.timestamp()),
            payload,
        );
        let claims_cbor = claims.to_cbor()?;
        let protected = Headers {
            alg: Some(algorithm.value()),
            kid: Some(kid_of(signer.certificate().der()).to_vec()),
        };
        let unsigned = CoseSign1::from_parts(protected.clone(), claims_cbor.clone(), Vec::new())?;
        let tbs = unsigned.sig_structure()?;
        let signature = signer.sign(sig_alg, &tbs)?;
        let signature = match algorithm {
            CoseAlgorithm::Es256 => ecdsa_der_to_raw(&signature, Curve::P256)?,
            CoseAlgorithm::Ps256 => signature,
        };
        let cose = CoseSign1::from_parts(protected, claims_cbor, signature)?.to_cbor()?;
        let text = format!("{PREFIX}{}", base45::encode(&zlib::deflate(&cose)?));
        Ok(IssuedCertificate { cose, text })
    }
}
