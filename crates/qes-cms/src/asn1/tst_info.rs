//! `TSTInfo`, the content a time-stamping authority signs (RFC 3161 §2.4.2, RFC 5816).
//!
//! Decoding is lenient in `genTime` only (fractional seconds of any precision up to
//! nanoseconds, as real TSAs and certomancer write them); encoding is strict DER, for a TSA
//! responder. RFC 5816 changes the ESS attribute of the token, not `TSTInfo`.

use chrono::{DateTime, TimeDelta, Utc};
use const_oid::ObjectIdentifier;
use der::asn1::{Int, OctetString};
use der::{Encode, Reader, Sequence, SliceReader, TagNumber};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::Extension;

use super::time::RawGeneralizedTime;
use super::{encode_err, explicit_field, implicit_field, DecodeError};

/// What was time-stamped: a hash algorithm and the hash (RFC 3161 §2.4.1).
///
/// ```text
/// MessageImprint ::= SEQUENCE  {
///      hashAlgorithm                AlgorithmIdentifier,
///      hashedMessage                OCTET STRING  }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageImprint {
    /// The hash algorithm.
    pub hash_algorithm: AlgorithmIdentifierOwned,
    /// The hash of the time-stamped data.
    pub hashed_message: Vec<u8>,
}

impl MessageImprint {
    /// The imprint of `data` with `algorithm` (parameters absent, RFC 5754 §2).
    pub fn of(algorithm: qes_signer::DigestAlgorithm, data: &[u8]) -> Self {
        Self {
            hash_algorithm: algorithm.algorithm_identifier(),
            hashed_message: algorithm.digest(data),
        }
    }
}

/// The time-stamp token's content (RFC 3161 §2.4.2).
///
/// ```text
/// TSTInfo ::= SEQUENCE  {
///    version                      INTEGER  { v1(1) },
///    policy                       TSAPolicyId,
///    messageImprint               MessageImprint,
///      -- MUST have the same value as the similar field in
///      -- TimeStampReq
///    serialNumber                 INTEGER,
///     -- Time-Stamping users MUST be ready to accommodate integers
///     -- up to 160 bits.
///    genTime                      GeneralizedTime,
///    accuracy                     Accuracy                 OPTIONAL,
///    ordering                     BOOLEAN             DEFAULT FALSE,
///    nonce                        INTEGER                  OPTIONAL,
///      -- MUST be present if the similar field was present
///      -- in TimeStampReq.  In that case it MUST have the same value.
///    tsa                          [0] GeneralName          OPTIONAL,
///    extensions                   [1] IMPLICIT Extensions   OPTIONAL  }
///
/// TSAPolicyId ::= OBJECT IDENTIFIER
///
/// Accuracy ::= SEQUENCE {
///          seconds        INTEGER              OPTIONAL,
///          millis     [0] INTEGER  (1..999)    OPTIONAL,
///          micros     [1] INTEGER  (1..999)    OPTIONAL  }
/// ```
///
/// `version` is always v1 and not stored. `serialNumber` and `nonce` are non-negative
/// integers held as big-endian magnitudes (no sign octet, no leading zeros, `[0]` for zero);
/// a negative value is rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TstInfo {
    /// The TSA policy under which the token was issued.
    pub policy: ObjectIdentifier,
    /// What was time-stamped.
    pub message_imprint: MessageImprint,
    /// The token's serial number, big-endian magnitude (any length).
    pub serial_number: Vec<u8>,
    /// The time-stamp, sub-second precision kept.
    pub gen_time: DateTime<Utc>,
    /// How far `gen_time` may be off UTC, either way (microsecond resolution).
    pub accuracy: Option<TimeDelta>,
    /// Whether tokens of this TSA can be ordered by `gen_time` alone.
    pub ordering: bool,
    /// The request's nonce, big-endian magnitude.
    pub nonce: Option<Vec<u8>>,
    /// A name of the TSA.
    pub tsa: Option<GeneralName>,
    /// Extensions (RFC 3161 defines none); empty when absent.
    pub extensions: Vec<Extension>,
}

/// `TSTInfo` as `der` sees it: `genTime` kept raw so that it can be decoded leniently.
/// Encoded with the derive, decoded by [`decode_wire`].
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct TstInfoWire {
    version: u8,
    policy: ObjectIdentifier,
    message_imprint: MessageImprintWire,
    serial_number: Int,
    gen_time: RawGeneralizedTime,
    #[asn1(optional = "true")]
    accuracy: Option<AccuracyWire>,
    #[asn1(default = "Default::default")]
    ordering: bool,
    #[asn1(optional = "true")]
    nonce: Option<Int>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    tsa: Option<GeneralName>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    extensions: Option<Vec<Extension>>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct MessageImprintWire {
    hash_algorithm: AlgorithmIdentifierOwned,
    hashed_message: OctetString,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct AccuracyWire {
    #[asn1(optional = "true")]
    seconds: Option<u64>,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    millis: Option<u16>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    micros: Option<u16>,
}

impl TstInfo {
    /// A v1 `TSTInfo` with the required fields; the optional ones absent, `ordering` false.
    pub fn new(
        policy: ObjectIdentifier,
        message_imprint: MessageImprint,
        serial_number: Vec<u8>,
        gen_time: DateTime<Utc>,
    ) -> Self {
        Self {
            policy,
            message_imprint,
            serial_number,
            gen_time,
            accuracy: None,
            ordering: false,
            nonce: None,
            tsa: None,
            extensions: Vec::new(),
        }
    }

    /// Decode the DER of a `TSTInfo` (the token's eContent octets), `genTime` leniently.
    ///
    /// # Errors
    /// [`DecodeError::Der`] when the bytes are not a DER `TSTInfo` (trailing data included);
    /// [`DecodeError::Time`] for a malformed or non-UTC `genTime`; [`DecodeError::Value`] for
    /// a version other than v1, a negative serial number or nonce, or an accuracy out of range.
    pub fn from_der(der: &[u8]) -> Result<Self, DecodeError> {
        let wire = decode_wire(der).map_err(DecodeError::der("TSTInfo"))?;
        if wire.version != 1 {
            return Err(DecodeError::Value {
                what: "TSTInfo.version",
                reason: "only v1 (1) is defined",
            });
        }
        Ok(Self {
            policy: wire.policy,
            message_imprint: MessageImprint {
                hash_algorithm: wire.message_imprint.hash_algorithm,
                hashed_message: wire.message_imprint.hashed_message.into_bytes(),
            },
            serial_number: magnitude(&wire.serial_number, "TSTInfo.serialNumber")?,
            gen_time: wire.gen_time.decode()?,
            accuracy: wire.accuracy.map(|a| accuracy_from_wire(&a)).transpose()?,
            ordering: wire.ordering,
            nonce: wire
                .nonce
                .map(|n| magnitude(&n, "TSTInfo.nonce"))
                .transpose()?,
            tsa: wire.tsa,
            extensions: wire.extensions.unwrap_or_default(),
        })
    }

    /// The DER encoding (X.690 §10): `genTime` with its fraction of a second without trailing
    /// zeros (RFC 3161 §2.4.2), `ordering` omitted when false, zero accuracy components
    /// omitted, sub-microsecond accuracy rounded up.
    ///
    /// # Errors
    /// [`crate::Error::Encode`] for a `gen_time` outside the years 0–9999, a negative
    /// accuracy, or a value too large to encode.
    pub fn to_der(&self) -> crate::Result<Vec<u8>> {
        let wire = TstInfoWire {
            version: 1,
            policy: self.policy,
            message_imprint: MessageImprintWire {
                hash_algorithm: self.message_imprint.hash_algorithm.clone(),
                hashed_message: OctetString::new(self.message_imprint.hashed_message.as_slice())
                    .map_err(encode_err("TSTInfo.messageImprint"))?,
            },
            serial_number: integer(&self.serial_number, "TSTInfo.serialNumber")?,
            gen_time: RawGeneralizedTime::encode(self.gen_time)?,
            accuracy: self.accuracy.map(accuracy_to_wire).transpose()?,
            ordering: self.ordering,
            nonce: self
                .nonce
                .as_deref()
                .map(|n| integer(n, "TSTInfo.nonce"))
                .transpose()?,
            tsa: self.tsa.clone(),
            extensions: (!self.extensions.is_empty()).then(|| self.extensions.clone()),
        };
        wire.to_der().map_err(encode_err("TSTInfo"))
    }

    /// The serial number as upper-case hexadecimal (magnitude, no sign octet).
    pub fn serial_hex(&self) -> String {
        self.serial_number
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect()
    }
}

/// Decode `TSTInfo` field by field: as the derive would, but accepting an explicitly encoded
/// `ordering FALSE` (BER) and not skipping misplaced context-specific fields.
fn decode_wire(der: &[u8]) -> der::Result<TstInfoWire> {
    let mut reader = SliceReader::new(der)?;
    let wire = reader.sequence(|r| {
        Ok(TstInfoWire {
            version: r.decode()?,
            policy: r.decode()?,
            message_imprint: r.decode()?,
            serial_number: r.decode()?,
            gen_time: r.decode()?,
            accuracy: if r.peek_byte() == Some(0x30) {
                Some(r.sequence(|r| {
                    Ok(AccuracyWire {
                        seconds: r.decode()?,
                        millis: implicit_field(r, TagNumber::N0)?,
                        micros: implicit_field(r, TagNumber::N1)?,
                    })
                })?)
            } else {
                None
            },
            ordering: r.decode::<Option<bool>>()?.unwrap_or(false),
            nonce: r.decode()?,
            tsa: explicit_field(r, TagNumber::N0)?,
            extensions: implicit_field(r, TagNumber::N1)?,
        })
    })?;
    reader.finish(wire)
}

/// A non-negative `INTEGER` as a big-endian magnitude without leading zeros (`[0]` for 0).
fn magnitude(int: &Int, what: &'static str) -> Result<Vec<u8>, DecodeError> {
    let bytes = int.as_bytes();
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        return Err(DecodeError::Value {
            what,
            reason: "negative integer",
        });
    }
    Ok(strip_zeros(bytes).to_vec())
}

fn strip_zeros(mut bytes: &[u8]) -> &[u8] {
    while let [0, rest @ ..] = bytes {
        if rest.is_empty() {
            break;
        }
        bytes = rest;
    }
    bytes
}

/// A big-endian magnitude as a non-negative DER `INTEGER` (empty means zero).
fn integer(magnitude: &[u8], what: &'static str) -> crate::Result<Int> {
    let stripped = strip_zeros(magnitude);
    let mut bytes = Vec::with_capacity(stripped.len().saturating_add(1));
    if stripped.first().is_none_or(|b| b & 0x80 != 0) {
        bytes.push(0);
    }
    bytes.extend_from_slice(stripped);
    Int::new(&bytes).map_err(encode_err(what))
}

fn accuracy_from_wire(wire: &AccuracyWire) -> Result<TimeDelta, DecodeError> {
    let bad = |reason| DecodeError::Value {
        what: "TSTInfo.accuracy",
        reason,
    };
    let millis = u32::from(wire.millis.unwrap_or(0));
    let micros = u32::from(wire.micros.unwrap_or(0));
    if millis > 999 || micros > 999 {
        return Err(bad("millis and micros are 1..999"));
    }
    let seconds = i64::try_from(wire.seconds.unwrap_or(0)).map_err(|_| bad("seconds too large"))?;
    TimeDelta::new(seconds, millis * 1_000_000 + micros * 1_000).ok_or(bad("seconds too large"))
}

fn accuracy_to_wire(accuracy: TimeDelta) -> crate::Result<AccuracyWire> {
    let bad = || encode_err("TSTInfo.accuracy")(der::Tag::Sequence.value_error());
    if accuracy < TimeDelta::zero() {
        return Err(bad());
    }
    let mut seconds = u64::try_from(accuracy.num_seconds()).map_err(|_| bad())?;
    let nanos = u32::try_from(accuracy.subsec_nanos()).map_err(|_| bad())?;
    let mut micros_total = nanos.div_ceil(1_000);
    if micros_total == 1_000_000 {
        seconds = seconds.checked_add(1).ok_or_else(bad)?;
        micros_total = 0;
    }
    let nonzero = |v: u64| (v != 0).then_some(v);
    let small = |v: u32| u16::try_from(v).ok().filter(|v| *v != 0);
    Ok(AccuracyWire {
        seconds: nonzero(seconds),
        millis: small(micros_total / 1_000),
        micros: small(micros_total % 1_000),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use der::asn1::AnyRef;
    use der::Decode;

    fn sample() -> TstInfo {
        let gen_time = DateTime::parse_from_rfc3339("2026-11-22T03:22:44.853599Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut t = TstInfo::new(
            ObjectIdentifier::new_unwrap("1.2.3.4.1"),
            MessageImprint::of(qes_signer::DigestAlgorithm::Sha256, b"abc"),
            vec![0x80, 0, 1],
            gen_time,
        );
        t.accuracy = TimeDelta::new(1, 500_100_000);
        t.ordering = true;
        t.nonce = Some(vec![0x31, 0x4c]);
        t
    }

    #[test]
    fn round_trip() {
        let t = sample();
        let der = t.to_der().unwrap();
        assert_eq!(TstInfo::from_der(&der).unwrap(), t);
        assert!(der.windows(22).any(|w| w == b"20261122032244.853599Z"));
        // The serial gets a sign octet on the wire, none in the magnitude.
        assert!(der.windows(5).any(|w| w == [0x02, 0x04, 0x00, 0x80, 0x00]));
        assert_eq!(t.serial_hex(), "800001");
    }

    #[test]
    fn accuracy_encoding() {
        let enc = |d: TimeDelta| accuracy_to_wire(d).unwrap();
        let a = enc(TimeDelta::new(1, 500_100_000).unwrap());
        assert_eq!(
            (a.seconds, a.millis, a.micros),
            (Some(1), Some(500), Some(100))
        );
        let a = enc(TimeDelta::new(0, 1).unwrap());
        assert_eq!(
            (a.seconds, a.millis, a.micros),
            (None, None, Some(1)),
            "rounded up"
        );
        let a = enc(TimeDelta::new(2, 999_999_001).unwrap());
        assert_eq!(
            (a.seconds, a.millis, a.micros),
            (Some(3), None, None),
            "carry"
        );
        assert!(accuracy_to_wire(TimeDelta::new(-1, 0).unwrap()).is_err());
        let bad = AccuracyWire {
            seconds: None,
            millis: Some(1000),
            micros: None,
        };
        assert!(accuracy_from_wire(&bad).is_err());
    }

    #[test]
    fn rejects() {
        let mut der = sample().to_der().unwrap();
        // version 2
        assert_eq!(&der[2..5], &[0x02, 0x01, 0x01]);
        der[4] = 2;
        assert!(matches!(
            TstInfo::from_der(&der),
            Err(DecodeError::Value {
                what: "TSTInfo.version",
                ..
            })
        ));
        der[4] = 1;
        // a negative serial
        let at = der
            .windows(5)
            .position(|w| w == [0x02, 0x04, 0x00, 0x80, 0x00])
            .unwrap();
        let mut neg = der.clone();
        neg.splice(at..at + 6, [0x02, 0x03, 0x80, 0x00, 0x01]);
        neg[1] -= 1;
        assert!(matches!(
            TstInfo::from_der(&neg),
            Err(DecodeError::Value {
                what: "TSTInfo.serialNumber",
                ..
            })
        ));
        // a local-time genTime
        let at = der
            .windows(22)
            .position(|w| w == b"20261122032244.853599Z")
            .unwrap();
        let mut local = der.clone();
        local[at + 21] = b'0';
        assert!(matches!(
            TstInfo::from_der(&local),
            Err(DecodeError::Time { .. })
        ));
        // trailing data
        let mut trailing = der.clone();
        trailing.push(0);
        assert!(matches!(
            TstInfo::from_der(&trailing),
            Err(DecodeError::Der { .. })
        ));
        assert!(AnyRef::from_der(&der).is_ok());
    }

    #[test]
    fn magnitudes() {
        assert_eq!(strip_zeros(&[0, 0, 1]), &[1]);
        assert_eq!(strip_zeros(&[0, 0]), &[0]);
        assert_eq!(integer(&[], "x").unwrap().as_bytes(), &[0]);
        assert_eq!(integer(&[0xFF], "x").unwrap().as_bytes(), &[0, 0xFF]);
        assert_eq!(
            magnitude(&integer(&[0xFF], "x").unwrap(), "x").unwrap(),
            vec![0xFF]
        );
        assert_eq!(
            magnitude(&integer(&[0], "x").unwrap(), "x").unwrap(),
            vec![0]
        );
    }
}
