//! ASN.1 types of CMS, ESS and CAdES attributes, RFC 3161 TSTInfo, and BER input handling.
//! (Being written; see the module list below.)

/// A decoding failure (placeholder until the module lands).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Malformed DER.
    #[error("malformed {what}: {source}")]
    Der {
        /// What was being decoded.
        what: &'static str,
        /// The decoder's error.
        #[source]
        source: der::Error,
    },
}
