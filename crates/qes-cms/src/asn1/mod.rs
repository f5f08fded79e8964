//! ASN.1 types of CMS, ESS and CAdES attributes, RFC 3161 `TSTInfo`, and BER input handling.
//!
//! | module | owns |
//! |---|---|
//! | [`oids`] | object identifiers of CMS, ESS, CAdES and TSP (RFC 5652, RFC 2634/5035, EN 319 122-1, RFC 3161) |
//! | `ber` | [`normalize_to_der`]: BER lengths and constructed strings to DER form, nothing reordered |
//! | `time` | lenient `GeneralizedTime` / `UTCTime` decoding and DER time encoding |
//! | `tst_info` | [`TstInfo`] (RFC 3161 §2.4.2, RFC 5816) |
//! | `ess` | ESS signing-certificate attributes (RFC 2634 §5.4, RFC 5035 §3) and their binding to a certificate |
//! | `cades_attrs` | commitment-type-indication and signer-location (ETSI EN 319 122-1 §5.2.3, §5.2.5) |
//!
//! Decoders take untrusted bytes and return [`DecodeError`]; encoders return
//! [`crate::Error::Encode`]. Nothing here panics on any input.

mod ber;
mod cades_attrs;
mod ess;
pub mod oids;
mod time;
mod tst_info;

pub use ber::{normalize_to_der, BerErrorKind, BerLimits};
pub use cades_attrs::{
    CommitmentType, CommitmentTypeIndication, CommitmentTypeQualifier, SignerLocation,
};
pub use ess::{
    EssBinding, EssCertId, EssCertIdV2, HashMatch, IssuerSerial, IssuerSerialMatch,
    SigningCertificate, SigningCertificateV2,
};
pub use time::{encode_generalized_time, encode_time, parse_generalized_time, parse_time};
pub use tst_info::{MessageImprint, TstInfo};

/// A decoding failure: the input is not the structure expected.
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
    /// The input is not well-formed BER (X.690 §8.1), or exceeds a [`BerLimits`] bound.
    #[error("invalid BER at offset {offset}: {kind}")]
    Ber {
        /// Byte offset in the input where the problem was found.
        offset: usize,
        /// What is wrong.
        kind: BerErrorKind,
    },
    /// The input is larger than accepted.
    #[error("{what} is {actual} bytes, over the limit of {limit}")]
    TooLarge {
        /// What.
        what: &'static str,
        /// Its size.
        actual: usize,
        /// The limit.
        limit: usize,
    },
    /// A `UTCTime` or `GeneralizedTime` value is malformed or not in UTC (`Z`).
    #[error("malformed {tag} value: {reason}")]
    Time {
        /// `UTCTime` or `GeneralizedTime` (or the unexpected tag found instead).
        tag: der::Tag,
        /// What is wrong.
        reason: &'static str,
    },
    /// A well-formed value outside what the specification allows.
    #[error("invalid {what}: {reason}")]
    Value {
        /// Which field.
        what: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
}

impl DecodeError {
    /// Wrap a `der` error with the name of what was being decoded.
    pub(crate) fn der(what: &'static str) -> impl Fn(der::Error) -> Self {
        move |source| Self::Der { what, source }
    }
}

/// A `der` error as this crate's encoding error.
pub(crate) fn encode_err(what: &'static str) -> impl Fn(der::Error) -> crate::Error {
    move |source| crate::Error::Encode { what, source }
}

/// An optional `[number] EXPLICIT` field, decoded only when it is the next element.
///
/// `der` 0.7's own context-specific decoding silently skips lower-numbered context-specific
/// elements in front of the one wanted (a duplicated or misplaced field); this does not.
pub(crate) fn explicit_field<'a, R, T>(
    reader: &mut R,
    number: der::TagNumber,
) -> der::Result<Option<T>>
where
    R: der::Reader<'a>,
    T: der::Decode<'a>,
{
    if reader.peek_byte() != Some(0xA0 | number.value()) {
        return Ok(None);
    }
    der::asn1::ContextSpecific::<T>::decode_explicit(reader, number)
        .map(|field| field.map(|f| f.value))
}

/// An optional `[number] IMPLICIT` field, decoded only when it is the next element.
pub(crate) fn implicit_field<'a, R, T>(
    reader: &mut R,
    number: der::TagNumber,
) -> der::Result<Option<T>>
where
    R: der::Reader<'a>,
    T: der::DecodeValue<'a> + der::FixedTag,
{
    let constructed = if T::TAG.is_constructed() { 0x20 } else { 0 };
    if reader.peek_byte() != Some(0x80 | constructed | number.value()) {
        return Ok(None);
    }
    der::asn1::ContextSpecific::<T>::decode_implicit(reader, number)
        .map(|field| field.map(|f| f.value))
}
