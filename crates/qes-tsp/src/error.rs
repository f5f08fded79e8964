//! The crate's one error type.

use std::fmt;

use const_oid::ObjectIdentifier;
use qes_signer::{BackendError, DigestAlgorithm};

use crate::status::StatusInfo;

/// Everything that can go wrong building a request, talking to a TSA or reading its answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TspError {
    /// A message imprint's digest does not have its algorithm's length.
    #[error("{algorithm} digest is {actual} bytes, expected {expected}")]
    DigestLength {
        /// The declared algorithm.
        algorithm: DigestAlgorithm,
        /// Its output length.
        expected: usize,
        /// The length given.
        actual: usize,
    },
    /// A hash algorithm this crate does not request or accept (only SHA-256/384/512).
    #[error("unsupported message imprint hash algorithm {oid}")]
    UnsupportedDigest {
        /// The algorithm's OID.
        oid: ObjectIdentifier,
    },
    /// A nonce longer than [`Nonce::MAX_LEN`](crate::Nonce::MAX_LEN) bytes.
    #[error("nonce is {actual} bytes, at most {max} allowed")]
    NonceLength {
        /// Its length without leading zeros.
        actual: usize,
        /// The limit.
        max: usize,
    },
    /// A request carries something this crate does not model (extensions, a negative or zero
    /// nonce, a version other than 1).
    #[error("unsupported time-stamp request: {0}")]
    UnsupportedRequest(&'static str),
    /// Reading the data to hash failed.
    #[error("reading the data to time-stamp: {0}")]
    Io(#[source] std::io::Error),
    /// The operating system's random number generator failed (nonce generation).
    #[error("the system random number generator failed")]
    Random,
    /// DER encoding or decoding of a request failed.
    #[error("{what}: {source}")]
    Der {
        /// What was being encoded or decoded.
        what: &'static str,
        /// The `der` crate's error.
        #[source]
        source: der::Error,
    },
    /// A response is not a well-formed `TimeStampResp` (RFC 3161 §2.4.2).
    #[error("malformed time-stamp response: {what} at byte {offset}: {reason}")]
    Malformed {
        /// The element being read.
        what: &'static str,
        /// Byte offset into the response where the problem is.
        offset: usize,
        /// What is wrong.
        reason: Malformation,
    },
    /// A response (or HTTP body) larger than the configured limit.
    #[error("response is {} bytes, over the limit of {limit}", actual.map_or_else(|| "more than that".to_owned(), |n| n.to_string()))]
    ResponseTooLarge {
        /// The limit in bytes.
        limit: usize,
        /// The size, when known (a `Content-Length` or an in-memory input).
        actual: Option<usize>,
    },
    /// The TSA answered with a status other than granted / grantedWithMods (RFC 3161 §2.4.2).
    #[error("the TSA did not grant the time-stamp: {0}")]
    Rejected(StatusInfo),
    /// A URL the HTTP transport cannot use.
    #[error("invalid TSA URL: {reason}")]
    InvalidUrl {
        /// What is wrong (never echoes credentials).
        reason: &'static str,
    },
    /// HTTP basic-auth credentials that cannot be sent (RFC 7617 §2: no `:` in the user-id,
    /// no control characters).
    #[error("invalid HTTP basic-auth credentials: {reason}")]
    InvalidCredentials {
        /// What is wrong (never echoes the password).
        reason: &'static str,
    },
    /// The TSA answered with a non-2xx HTTP status.
    #[error("TSA answered HTTP {status}: {body_excerpt:?}")]
    HttpStatus {
        /// The HTTP status code.
        status: u16,
        /// The start of the response body, as text, control characters replaced.
        body_excerpt: String,
    },
    /// The TSA answered 2xx with a content type other than `application/timestamp-reply`.
    #[error("TSA answered with content type {}, expected application/timestamp-reply", received.as_deref().unwrap_or("(none)"))]
    ContentType {
        /// The `Content-Type` header received, if any.
        received: Option<String>,
    },
    /// A transport timeout (connect, or the whole exchange).
    #[error("timed out talking to the TSA ({phase})")]
    Timeout {
        /// Which phase ran out of time.
        phase: TimeoutPhase,
    },
    /// The granted token is not a decodable RFC 3161 token.
    #[error("the TSA's token is malformed: {source}")]
    Token {
        /// Why.
        #[source]
        source: qes_cms::Error,
    },
    /// The granted token does not answer the request (RFC 3161 §2.4.2): a replayed,
    /// misrouted or forged response.
    #[error("the TSA's token does not answer the request: its {field} differs")]
    TokenMismatch {
        /// The first field that differs.
        field: TokenField,
    },
    /// The transport failed (connection, TLS, HTTP protocol); the transport's error is the
    /// source. Custom [`Transport`](crate::Transport)s report their failures here.
    #[error("TSA transport failed: {source}")]
    Transport {
        /// The transport's own error.
        #[source]
        source: BackendError,
    },
}

/// The `TSTInfo` field in which a token differs from the request it should answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenField {
    /// `messageImprint.hashAlgorithm`.
    ImprintAlgorithm,
    /// `messageImprint.hashedMessage`.
    ImprintDigest,
    /// `nonce` (missing, unexpected or different).
    Nonce,
    /// `policy` (the request named another one).
    Policy,
}

impl fmt::Display for TokenField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ImprintAlgorithm => "message imprint hash algorithm",
            Self::ImprintDigest => "message imprint",
            Self::Nonce => "nonce",
            Self::Policy => "policy",
        })
    }
}

impl TspError {
    /// Wrap a custom transport's failure.
    pub fn transport(source: impl Into<BackendError>) -> Self {
        Self::Transport {
            source: source.into(),
        }
    }

    pub(crate) fn der(what: &'static str) -> impl Fn(der::Error) -> Self {
        move |source| Self::Der { what, source }
    }
}

/// Which phase of an exchange timed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutPhase {
    /// Name resolution and connection setup (TCP, TLS).
    Connect,
    /// The whole exchange: sending the request and receiving the full response.
    Exchange,
}

impl fmt::Display for TimeoutPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::Exchange => "exchange",
        })
    }
}

/// What is wrong with a malformed response (see [`TspError::Malformed`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformation {
    /// The input ends inside an element.
    Truncated,
    /// A different element was expected here.
    UnexpectedTag {
        /// The expected tag, as its identifier octet.
        expected: u8,
        /// The tag found, as its identifier octet (first octet for high tag numbers).
        found: u8,
    },
    /// A length field that BER does not allow or that cannot be represented (more than 4
    /// length octets, the reserved `0xFF`).
    BadLength,
    /// The indefinite length form on a primitive element (X.690 §8.1.3.2 a).
    IndefinitePrimitive,
    /// An end-of-contents marker with non-empty contents or where none may be.
    BadEndOfContents,
    /// Nesting deeper than the reader's limit.
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// More elements than the reader's budget.
    TooManyElements {
        /// The limit.
        limit: usize,
    },
    /// Bytes after the end of the structure.
    TrailingData {
        /// How many.
        trailing: usize,
    },
    /// An element where the structure has no room for one.
    UnexpectedElement,
    /// An INTEGER that is empty, negative or larger than this field allows.
    BadInteger,
    /// A `PKIStatus` value outside RFC 3161's 0..=5.
    UnknownStatus(u32),
    /// A BIT STRING whose unused-bits count is not 0..=7, or which is longer than 8 bytes.
    BadBitString,
    /// A `PKIFreeText` entry that is not valid UTF-8.
    BadUtf8,
    /// Status granted or grantedWithMods but no `timeStampToken` (RFC 3161 §2.4.2: it MUST
    /// be present).
    MissingToken,
    /// A `timeStampToken` with a status that is not a grant (RFC 3161 §2.4.2: it MUST NOT be
    /// present).
    UnexpectedToken,
    /// The `timeStampToken` is not a `ContentInfo` of type `id-signedData`.
    NotSignedData,
}

impl fmt::Display for Malformation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated => f.write_str("truncated"),
            Self::UnexpectedTag { expected, found } => {
                write!(f, "expected tag 0x{expected:02x}, found 0x{found:02x}")
            }
            Self::BadLength => f.write_str("invalid length"),
            Self::IndefinitePrimitive => f.write_str("indefinite length on a primitive element"),
            Self::BadEndOfContents => f.write_str("misplaced or non-empty end-of-contents"),
            Self::TooDeep { limit } => write!(f, "nested deeper than {limit}"),
            Self::TooManyElements { limit } => write!(f, "more than {limit} elements"),
            Self::TrailingData { trailing } => write!(f, "{trailing} trailing byte(s)"),
            Self::UnexpectedElement => f.write_str("unexpected element"),
            Self::BadInteger => f.write_str("invalid INTEGER"),
            Self::UnknownStatus(v) => write!(f, "unknown PKIStatus {v}"),
            Self::BadBitString => f.write_str("invalid BIT STRING"),
            Self::BadUtf8 => f.write_str("PKIFreeText is not UTF-8"),
            Self::MissingToken => f.write_str("status granted but no timeStampToken"),
            Self::UnexpectedToken => f.write_str("timeStampToken present with a non-grant status"),
            Self::NotSignedData => {
                f.write_str("timeStampToken is not an id-signedData ContentInfo")
            }
        }
    }
}
