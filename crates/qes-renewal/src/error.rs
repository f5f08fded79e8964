//! The crate's errors: one for certificate requests, one for policy inputs.

use const_oid::ObjectIdentifier;
use qes_signer::SignError;

/// Why a certificate request could not be built, parsed or verified.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CsrError {
    /// The subject string is not an RFC 4514 distinguished name.
    #[error("the subject {subject:?} is not an RFC 4514 distinguished name: {source}")]
    Subject {
        /// The string as given.
        subject: String,
        /// The parser's complaint.
        source: der::Error,
    },
    /// The subject is empty: a certification authority cannot tell whom the key belongs to.
    #[error("the subject is empty")]
    EmptySubject,
    /// The key cannot produce the requested algorithm, or the signer failed.
    #[error("signing the request failed: {0}")]
    Sign(#[from] SignError),
    /// Encoding failed (an extension or a name too large for DER).
    #[error("cannot encode the request: {0}")]
    Encode(der::Error),
    /// The input is larger than [`MAX_CSR_LEN`](crate::MAX_CSR_LEN).
    #[error("the request is {len} bytes, more than the {limit}-byte limit")]
    TooLarge {
        /// Input length.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// Not a DER `CertificationRequest` (RFC 2986 §4), or a PEM block with another label.
    #[error("not a PKCS#10 certification request: {0}")]
    Malformed(String),
    /// `version` is not v1 (0), the only version RFC 2986 defines.
    #[error("request version {0} is not v1 (0)")]
    Version(u8),
    /// An attribute that must occur once (e.g. `extensionRequest`) occurs more often, or has
    /// other than one value.
    #[error("attribute {oid} must occur once with one value")]
    AttributeCardinality {
        /// The attribute type.
        oid: ObjectIdentifier,
    },
    /// The `extensionRequest` asks for the same extension twice (RFC 5280 §4.2).
    #[error("extension {oid} is requested twice")]
    DuplicateExtension {
        /// The extension.
        oid: ObjectIdentifier,
    },
    /// The signature does not verify with the request's own public key: the requester has
    /// not proven possession of the key.
    #[error("the proof-of-possession signature does not verify: {0}")]
    Signature(#[from] qes_cert::SignatureError),
}

/// Why a renewal input was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenewalError {
    /// The policy offers no term of this many years.
    #[error("the provider offers no {years}-year term")]
    UnknownTerm {
        /// Years asked for.
        years: u8,
    },
    /// The dates are inconsistent (e.g. the certificate expires before it starts).
    #[error("inconsistent input: {0}")]
    Inconsistent(&'static str),
}
