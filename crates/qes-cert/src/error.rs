//! The crate's one error type.

/// Everything that can go wrong in `qes-cert`.
///
/// Variants carry typed context; an underlying decoder error is kept as the `source()`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes are not a well-formed DER structure of the expected type.
    #[error("malformed {what}: {source}")]
    Der {
        /// What was being decoded (e.g. "certificate", "CRL").
        what: &'static str,
        /// The decoder's own error.
        #[source]
        source: der::Error,
    },
    /// Bytes were left after a complete structure.
    #[error("{trailing} trailing byte(s) after {what}")]
    TrailingData {
        /// What was decoded.
        what: &'static str,
        /// How many bytes were left over.
        trailing: usize,
    },
    /// The input is larger than the configured limit.
    #[error("{what} is {actual} bytes, over the limit of {limit}")]
    TooLarge {
        /// What was being parsed.
        what: &'static str,
        /// Its size.
        actual: usize,
        /// The limit.
        limit: usize,
    },
    /// An extension appears more than once (RFC 5280 §4.2).
    #[error("extension {oid} appears more than once")]
    DuplicateExtension {
        /// The repeated extension.
        oid: const_oid::ObjectIdentifier,
    },
    /// Strict mode: an extension value decodes but is not DER (e.g. explicit `cA = FALSE`).
    #[error("extension {oid} is not DER-encoded (accepted only in lenient mode)")]
    NonDerExtension {
        /// The offending extension.
        oid: const_oid::ObjectIdentifier,
    },
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
