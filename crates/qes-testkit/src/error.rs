//! The testkit's error type.

/// Everything that can go wrong while building the test PKI or one of its artifacts.
///
/// Failures are not expected with the built-in profiles; they surface bad caller input (a
/// character that a `PrintableString` cannot hold, a date before 1950 or after 9999, a
/// serial number that is not positive) or a failure of an underlying crypto crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// DER encoding of a certificate, CRL, key or PKCS#12 structure failed.
    #[error("DER encoding failed: {0}")]
    Der(#[from] der::Error),
    /// RSA key generation failed.
    #[error("RSA key operation failed: {0}")]
    Rsa(#[from] rsa::Error),
    /// A signature operation failed.
    #[error("signature failed: {0}")]
    Signature(#[from] signature::Error),
    /// PKCS#8 encoding of a private key failed.
    #[error("PKCS#8 encoding failed: {0}")]
    Pkcs8(#[from] pkcs8::Error),
    /// SubjectPublicKeyInfo encoding failed.
    #[error("SubjectPublicKeyInfo encoding failed: {0}")]
    Spki(#[from] spki::Error),
    /// PBES2 encryption for PKCS#12 failed.
    #[error("PBES2 encryption failed: {0}")]
    Pbes2(pkcs5::Error),
    /// PEM encoding failed.
    #[error("PEM encoding failed: {0}")]
    Pem(pem_rfc7468::Error),
    /// A date cannot be represented in an X.509 `Time` (before 1970 or after 9999).
    #[error("time {0} cannot be encoded as an X.509 Time")]
    TimeOutOfRange(chrono::DateTime<chrono::Utc>),
    /// A validity window whose end is not after its start.
    #[error("validity window is empty: not_after {not_after} <= not_before {not_before}")]
    EmptyValidity {
        /// Start of the window.
        not_before: chrono::DateTime<chrono::Utc>,
        /// End of the window.
        not_after: chrono::DateTime<chrono::Utc>,
    },
    /// The issuer given to [`TestPki::issue_by`](crate::TestPki::issue_by) or
    /// [`TestPki::crl`](crate::TestPki::crl) is not a CA certificate of this testkit.
    #[error("`{0}` is not a CA certificate")]
    NotACa(String),
}

impl From<pkcs5::Error> for Error {
    fn from(e: pkcs5::Error) -> Self {
        Self::Pbes2(e)
    }
}

impl From<pem_rfc7468::Error> for Error {
    fn from(e: pem_rfc7468::Error) -> Self {
        Self::Pem(e)
    }
}

/// Result alias for the testkit.
pub type Result<T> = core::result::Result<T, Error>;
