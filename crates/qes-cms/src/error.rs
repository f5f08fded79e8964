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
    /// A CMS structure is well-formed DER but not the structure expected.
    #[error("malformed {what}: {reason}")]
    Structure {
        /// What was being parsed.
        what: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// A `ContentInfo` holds another content type than the one expected.
    #[error("content type {found}, expected {expected}")]
    UnexpectedContentType {
        /// The content type wanted.
        expected: const_oid::ObjectIdentifier,
        /// The content type found.
        found: const_oid::ObjectIdentifier,
    },
    /// An input is larger than accepted.
    #[error("{what} is {actual} bytes, over the limit of {limit}")]
    TooLarge {
        /// What.
        what: &'static str,
        /// Its size.
        actual: usize,
        /// The limit.
        limit: usize,
    },
    /// Reading content failed.
    #[error("reading content: {0}")]
    Io(#[source] std::io::Error),
    /// The timestamper failed.
    #[error("timestamping failed: {source}")]
    Timestamp {
        /// The timestamper's error.
        #[source]
        source: qes_signer::BackendError,
    },
    /// The signer failed.
    #[error("signing failed: {0}")]
    Sign(#[from] qes_signer::SignError),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
