//! The crate's one error type.

/// Everything that can go wrong building or parsing CMS structures in `qes-cms`.
///
/// Verification outcomes are not errors: they are reported per signer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A structure could not be decoded.
    #[error(transparent)]
    Decode(#[from] crate::asn1::DecodeError),
    /// A structure could not be DER-encoded.
    #[error("cannot encode {what}: {source}")]
    Encode {
        /// What was being encoded.
        what: &'static str,
        /// The encoder's error.
        #[source]
        source: der::Error,
    },
    /// The signer failed.
    #[error("signing failed: {0}")]
    Sign(#[from] qes_signer::SignError),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
