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
    /// Strict mode: a certificate field decodes but breaks a DER rule that real-world issuers
    /// break (X.690 §11.5 default values, SIZE (1..MAX) sequences, named bit lists).
    #[error("{location} is not DER: {rule}; accepted only in lenient mode")]
    NonDer {
        /// Where the deviation is (a `tbsCertificate` field or an extension).
        location: crate::strictness::DerLocation,
        /// Which rule is broken, and where.
        rule: crate::strictness::DerRule,
    },
    /// PEM armour that cannot be decoded (RFC 7468).
    #[error("malformed PEM: {source}")]
    Pem {
        /// The decoder's own error.
        #[source]
        source: pem_rfc7468::Error,
    },
    /// A PEM document with an unexpected label.
    #[error("unexpected PEM label {label:?}, expected {expected}")]
    PemLabel {
        /// The label found.
        label: String,
        /// The label(s) accepted.
        expected: &'static str,
    },
    /// More items than the configured limit (e.g. certificates in a bundle).
    #[error("more than {limit} {what}")]
    TooMany {
        /// What was counted.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// The input holds no certificate in any supported format.
    #[error("no certificate found ({reason})")]
    NoCertificate {
        /// Why the input was not recognised.
        reason: &'static str,
    },
    /// A PKCS#7 / CMS structure that is not a certs-only SignedData (RFC 5652 §5).
    #[error("unsupported PKCS#7 content: {reason}")]
    Pkcs7 {
        /// What is wrong.
        reason: &'static str,
    },
    /// An invalid Romanian personal numeric code.
    #[error(transparent)]
    Cnp(#[from] crate::cnp::CnpError),
    /// An invalid Romanian fiscal code (CUI).
    #[error(transparent)]
    Cui(#[from] crate::cnp::CuiError),
    /// A signature did not verify (or its algorithm is unsupported or rejected by policy).
    #[error(transparent)]
    Signature(#[from] crate::sigverify::SignatureError),
    /// Certification path validation failed (RFC 5280 §6).
    #[error(transparent)]
    Path(#[from] crate::path::PathError),
    /// An OCSP response cannot be used (RFC 6960).
    #[error(transparent)]
    Ocsp(#[from] crate::ocsp::OcspError),
}

impl Error {
    /// The mapping for a decoder error on `what`: trailing bytes become
    /// [`Error::TrailingData`], anything else [`Error::Der`].
    pub(crate) fn decoding(what: &'static str) -> impl Fn(der::Error) -> Error {
        move |source| {
            if let der::ErrorKind::TrailingData { remaining, .. } = source.kind() {
                Error::TrailingData {
                    what,
                    trailing: usize::try_from(remaining).unwrap_or(usize::MAX),
                }
            } else {
                Error::Der { what, source }
            }
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
