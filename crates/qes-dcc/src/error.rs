//! The crate's one error type.

use const_oid::ObjectIdentifier;

/// Why a health certificate could not be decoded, verified or issued.
///
/// Each variant names the step and the cause; [`crate::Report`] keeps one per failed step.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DccError {
    /// The input is larger than the configured [`Limits`](crate::Limits).
    #[error("{what} is {actual} bytes, more than the {limit}-byte limit")]
    TooLarge {
        /// What was too large.
        what: &'static str,
        /// Its size (or a lower bound of it).
        actual: usize,
        /// The limit.
        limit: usize,
    },
    /// The text does not start with a known context identifier (`HC1:`).
    #[error("missing or unknown context identifier (expected \"HC1:\")")]
    Prefix,
    /// A character outside the Base45 alphabet (RFC 9285 §4).
    #[error("Base45: invalid character at offset {offset}")]
    Base45Char {
        /// Offset in the Base45 text.
        offset: usize,
    },
    /// A Base45 length of 3n+1, or a triple/pair whose value is out of range (RFC 9285 §4.2).
    #[error("Base45: invalid group at offset {offset}")]
    Base45Group {
        /// Offset in the Base45 text.
        offset: usize,
    },
    /// The bytes are not a zlib stream (RFC 1950), or the stream is damaged.
    #[error("zlib: {0}")]
    Inflate(String),
    /// Not a CBOR data item, a truncated one, trailing bytes, or too deeply nested.
    #[error("CBOR: {0}")]
    Cbor(String),
    /// The CBOR is well formed but not a COSE_Sign1 structure (RFC 9052 §4.2).
    #[error("COSE_Sign1: {0}")]
    Cose(&'static str),
    /// The CWT claims (RFC 8392) are missing, of the wrong type, or not an HCERT.
    #[error("CWT: {0}")]
    Cwt(&'static str),
    /// The HCERT payload has a value JSON cannot represent (byte strings, non-text keys).
    #[error("payload is not JSON-representable at {path}")]
    NotJson {
        /// JSON pointer of the value.
        path: String,
    },
    /// No `kid` header (protected or unprotected).
    #[error("no key identifier (kid) in the COSE headers")]
    MissingKid,
    /// No trusted document signer certificate has this `kid`.
    #[error("no trusted document signer certificate with kid {kid}")]
    UnknownKid {
        /// The kid, Base64.
        kid: String,
    },
    /// The COSE `alg` header is missing or not ES256 (-7) / PS256 (-37).
    #[error("unsupported or missing COSE algorithm {alg:?}")]
    Algorithm {
        /// The header value, when an integer.
        alg: Option<i64>,
    },
    /// No candidate certificate verifies the signature.
    #[error("signature does not verify with any of the {candidates} certificate(s) for the kid")]
    BadSignature {
        /// How many certificates were tried.
        candidates: usize,
    },
    /// The document signer certificate is not valid at the validation time.
    #[error("document signer certificate not valid at the validation time (valid {not_before} to {not_after})")]
    DscValidity {
        /// Its notBefore (RFC 3339).
        not_before: String,
        /// Its notAfter (RFC 3339).
        not_after: String,
    },
    /// `iat` or `exp` is missing.
    #[error("CWT claim {claim} missing")]
    MissingClaim {
        /// `iat` or `exp`.
        claim: &'static str,
    },
    /// The validation time is before `iat`.
    #[error("not yet valid: issued at {iat}, validation time {at}")]
    NotYetValid {
        /// `iat`, seconds since the epoch.
        iat: i64,
        /// The validation time, seconds since the epoch.
        at: i64,
    },
    /// The validation time is after `exp`.
    #[error("expired at {exp}, validation time {at}")]
    Expired {
        /// `exp`, seconds since the epoch.
        exp: i64,
        /// The validation time, seconds since the epoch.
        at: i64,
    },
    /// The DSC's extended key usage does not allow this certificate type.
    #[error("the document signer certificate may not sign {kind} certificates (its DCC key usages: {allowed:?})")]
    KeyUsage {
        /// The certificate type: `vaccination`, `test` or `recovery`.
        kind: &'static str,
        /// The DCC EKU OIDs the DSC carries.
        allowed: Vec<ObjectIdentifier>,
    },
    /// The certificate's `ver` names no known schema.
    #[error("no HCERT schema for version {ver:?}")]
    SchemaVersion {
        /// The version string.
        ver: String,
    },
    /// The payload breaks its schema.
    #[error("schema: {keyword} fails at {path}")]
    Schema {
        /// JSON pointer of the instance value.
        path: String,
        /// The failed keyword.
        keyword: &'static str,
    },
    /// The payload passes the schema but is not one typed certificate (exactly one of
    /// `v`/`t`/`r` with exactly one entry).
    #[error("payload: {0}")]
    Payload(String),
    /// A code outside its value set.
    #[error("{field} = {code:?} is not in the value set {value_set}")]
    ValueSet {
        /// The field (e.g. `v/0/mp`).
        field: &'static str,
        /// The code.
        code: String,
        /// The value set id.
        value_set: &'static str,
    },
    /// A business rule refuses the certificate at the validation time.
    #[error("rule {rule}: {reason}")]
    Rule {
        /// The rule's identifier (e.g. `VR-COMPLETE`).
        rule: &'static str,
        /// Why.
        reason: String,
    },
    /// Reading a trust list failed.
    #[error("trust list: {0}")]
    TrustList(String),
    /// Issuing: the signer failed or cannot produce ES256/PS256.
    ///
    /// Boxed: the signer's error is the largest of all, and every `Result` of the crate would
    /// otherwise carry its size.
    #[error("signing failed: {0}")]
    Sign(#[source] Box<qes_signer::SignError>),
    /// A UVCI is malformed or its check character is wrong.
    #[error("UVCI: {0}")]
    Uvci(&'static str),
    /// An issuance request breaks the portal's rules (every problem found).
    #[error("invalid issuance request: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Request(Vec<crate::portal::RequestProblem>),
    /// Issuing: invalid input.
    #[error("invalid input: {0}")]
    Input(String),
}

impl From<qes_signer::SignError> for DccError {
    fn from(e: qes_signer::SignError) -> Self {
        Self::Sign(Box::new(e))
    }
}

/// `Result` with [`DccError`].
pub type Result<T, E = DccError> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    /// Every `Result` of the crate carries the error's size: keep it small (the verifier's
    /// decoding returns a `Result` per CBOR item).
    #[test]
    fn the_error_stays_small() {
        assert!(
            size_of::<super::DccError>() <= 56,
            "{}",
            size_of::<super::DccError>()
        );
    }
}
