//! `UTCTime` and `GeneralizedTime` (ITU-T X.680 §46, §47) as CMS and RFC 3161 use them.
//!
//! ```text
//! Time ::= CHOICE {                      -- RFC 5652 §11.3 (signing-time), RFC 5280 §4.1
//!     utcTime          UTCTime,          -- YYMMDDHHMMSSZ: YY 50..99 is 19YY, 00..49 is 20YY
//!     generalTime      GeneralizedTime } -- YYYYMMDDHHMMSS[.f+]Z
//!
//! genTime GeneralizedTime                -- RFC 3161 §2.4.2 (TSTInfo): YYYYMMDDhhmmss[.s...]Z,
//!                                        --   the fraction without trailing zeros, and no
//!                                        --   decimal point when the fraction is zero
//! ```
//!
//! Decoding is lenient where real time-stamping authorities are: a `GeneralizedTime` may carry
//! 1 to 9 fractional digits (with `.` or, per X.680 §46.2, `,`), trailing zeros included, as in
//! `20261122032244.853599Z`. It must still be UTC (`Z`), with seconds: local times and offsets
//! are rejected. `UTCTime` follows RFC 5280 §4.1.2.5.1 (`Z`, seconds, no fraction).
//! Encoding is DER (X.690 §11.7, RFC 3161 §2.4.2).
//!
//! `der` 0.7's own time types start at 1970 and have no fractions; decoding is `qes-cert`'s
//! one RFC 5280 time decoder ([`qes_cert::parse_generalized_time`]), encoding is here.

use chrono::{DateTime, Datelike, Timelike, Utc};
use der::{
    asn1::AnyRef, Decode, DecodeValue, EncodeValue, FixedTag, Header, Length, Reader, Tag, Tagged,
    Writer,
};

use super::{encode_err, DecodeError};

/// Decode a complete `Time` element (a `UTCTime` or `GeneralizedTime`, tag included, nothing
/// after it), as in the signing-time attribute value (RFC 5652 §11.3).
///
/// # Errors
/// [`DecodeError::Der`] when the bytes are not one element; [`DecodeError::Time`] for another
/// tag or a malformed or non-UTC value.
pub fn parse_time(der: &[u8]) -> Result<DateTime<Utc>, DecodeError> {
    let any = AnyRef::from_der(der).map_err(DecodeError::der("Time"))?;
    match any.tag() {
        Tag::UtcTime => decode_utc_time(any.value()),
        Tag::GeneralizedTime => decode_generalized_time(any.value()),
        tag => Err(DecodeError::Time {
            tag,
            reason: "expected UTCTime or GeneralizedTime",
        }),
    }
}

/// Decode a complete `GeneralizedTime` element, fractional seconds allowed.
///
/// # Errors
/// As [`parse_time`], and [`DecodeError::Time`] for a `UTCTime`.
pub fn parse_generalized_time(der: &[u8]) -> Result<DateTime<Utc>, DecodeError> {
    let any = AnyRef::from_der(der).map_err(DecodeError::der("GeneralizedTime"))?;
    match any.tag() {
        Tag::GeneralizedTime => decode_generalized_time(any.value()),
        tag => Err(DecodeError::Time {
            tag,
            reason: "expected GeneralizedTime",
        }),
    }
}

/// The DER `GeneralizedTime` element for `time` (RFC 3161 §2.4.2): `YYYYMMDDhhmmss`, then
/// the fraction of a second without trailing zeros (none when it is zero), then `Z`.
///
/// # Errors
/// [`crate::Error::Encode`] for a year outside 0–9999 or a leap second.
pub fn encode_generalized_time(time: DateTime<Utc>) -> crate::Result<Vec<u8>> {
    let text = generalized_time_text(time, true)?;
    Ok(element(Tag::GeneralizedTime, text.as_bytes()))
}

/// The DER `Time` element for the signing-time attribute (RFC 5652 §11.3): a `UTCTime` for
/// the years 1950–2049 and a `GeneralizedTime` otherwise. Both carry whole seconds only, as
/// §11.3 requires; any sub-second part of `time` is dropped.
///
/// # Errors
/// [`crate::Error::Encode`] for a year outside 0–9999 or a leap second.
pub fn encode_time(time: DateTime<Utc>) -> crate::Result<Vec<u8>> {
    if (1950..=2049).contains(&time.year()) {
        check_encodable(time)?;
        let text = format!(
            "{:02}{:02}{:02}{:02}{:02}{:02}Z",
            time.year().rem_euclid(100),
            time.month(),
            time.day(),
            time.hour(),
            time.minute(),
            time.second()
        );
        Ok(element(Tag::UtcTime, text.as_bytes()))
    } else {
        let text = generalized_time_text(time, false)?;
        Ok(element(Tag::GeneralizedTime, text.as_bytes()))
    }
}

/// A time element: tag, short-form length (times are under 128 octets), value.
fn element(tag: Tag, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len().saturating_add(2));
    out.push(u8::from(tag));
    out.extend(u8::try_from(value.len()));
    out.extend_from_slice(value);
    out
}

fn check_encodable(time: DateTime<Utc>) -> crate::Result<()> {
    let bad = || encode_err("GeneralizedTime")(der::ErrorKind::DateTime.into());
    if !(0..=9999).contains(&time.year()) || time.nanosecond() >= 1_000_000_000 {
        return Err(bad());
    }
    Ok(())
}

/// `YYYYMMDDhhmmss[.f]Z`, the fraction (when `fraction`) without trailing zeros.
fn generalized_time_text(time: DateTime<Utc>, fraction: bool) -> crate::Result<String> {
    check_encodable(time)?;
    let mut text = format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        time.year(),
        time.month(),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    );
    let nanos = time.nanosecond();
    if fraction && nanos != 0 {
        let digits = format!("{nanos:09}");
        text.push('.');
        text.push_str(digits.trim_end_matches('0'));
    }
    text.push('Z');
    Ok(text)
}

/// The contents octets of a `UTCTime` (`qes-cert`'s one RFC 5280 time decoder).
pub(crate) fn decode_utc_time(value: &[u8]) -> Result<DateTime<Utc>, DecodeError> {
    qes_cert::parse_utc_time(value).map_err(from_time_error)
}

/// The contents octets of a `GeneralizedTime`, fractional seconds allowed (RFC 3161 genTime).
pub(crate) fn decode_generalized_time(value: &[u8]) -> Result<DateTime<Utc>, DecodeError> {
    qes_cert::parse_generalized_time(value, qes_cert::TimeRules::FractionalSeconds)
        .map_err(from_time_error)
}

fn from_time_error(e: qes_cert::TimeError) -> DecodeError {
    DecodeError::Time {
        tag: e.tag,
        reason: e.reason,
    }
}

/// The contents octets of a `GeneralizedTime`, kept unchecked so that a structure can be
/// decoded by `der`'s derive and the time then decoded here with a precise error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawGeneralizedTime(pub(crate) Vec<u8>);

impl RawGeneralizedTime {
    /// The DER contents for `time`, fraction included.
    pub(crate) fn encode(time: DateTime<Utc>) -> crate::Result<Self> {
        generalized_time_text(time, true).map(|t| Self(t.into_bytes()))
    }

    /// The instant, leniently decoded.
    pub(crate) fn decode(&self) -> Result<DateTime<Utc>, DecodeError> {
        decode_generalized_time(&self.0)
    }
}

impl FixedTag for RawGeneralizedTime {
    const TAG: Tag = Tag::GeneralizedTime;
}

impl<'a> DecodeValue<'a> for RawGeneralizedTime {
    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        reader.read_vec(header.length).map(Self)
    }
}

impl EncodeValue for RawGeneralizedTime {
    fn value_len(&self) -> der::Result<Length> {
        Length::try_from(self.0.len())
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        writer.write(&self.0)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn gen(s: &str) -> Result<String, DecodeError> {
        decode_generalized_time(s.as_bytes())
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }

    fn utc(s: &str) -> Result<String, DecodeError> {
        decode_utc_time(s.as_bytes()).map(|t| t.to_rfc3339())
    }

    #[test]
    fn generalized_time_fractions() {
        assert_eq!(
            gen("20261122032244.853599Z").unwrap(),
            "2026-11-22T03:22:44.853599Z"
        );
        assert_eq!(gen("20230607111626Z").unwrap(), "2023-06-07T11:16:26Z");
        assert_eq!(
            gen("20230607111626.5Z").unwrap(),
            "2023-06-07T11:16:26.500Z"
        );
        assert_eq!(
            gen("20230607111626.500Z").unwrap(),
            "2023-06-07T11:16:26.500Z"
        );
        assert_eq!(
            gen("20230607111626,25Z").unwrap(),
            "2023-06-07T11:16:26.250Z"
        );
        assert_eq!(
            gen("20230607111626.123456789Z").unwrap(),
            "2023-06-07T11:16:26.123456789Z"
        );
        assert!(gen("19000229000000Z").is_err(), "1900 is not a leap year");
        assert_eq!(gen("16000229000000Z").unwrap(), "1600-02-29T00:00:00Z");
    }

    #[test]
    fn generalized_time_rejects() {
        for bad in [
            "20230607111626.1234567891Z",
            "20230607111626.Z",
            "20230607111626",
            "20230607111626+0100",
            "20230607111626.5+0100",
            "20230607111626.5-0000Z",
            "202306071116Z",
            "2023060711162Z",
            "20231307111626Z",
            "20230607241626Z",
            "20230607111660Z",
            "2023060711162aZ",
            "20230607111626.5aZ",
            "20230607111626..5Z",
            "+0230607111626Z",
            "",
            "Z",
        ] {
            assert!(gen(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn utc_time() {
        assert_eq!(utc("500101000000Z").unwrap(), "1950-01-01T00:00:00+00:00");
        assert_eq!(utc("491231235959Z").unwrap(), "2049-12-31T23:59:59+00:00");
        for bad in [
            "5001010000Z",
            "500101000000",
            "500101000000.5Z",
            "500101000000+0000",
        ] {
            assert!(utc(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn encodes_der() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let enc = |s: &str| {
            String::from_utf8(encode_generalized_time(t(s)).unwrap()[2..].to_vec()).unwrap()
        };
        assert_eq!(enc("2026-11-22T03:22:44.853599Z"), "20261122032244.853599Z");
        assert_eq!(enc("2026-11-22T03:22:44.850Z"), "20261122032244.85Z");
        assert_eq!(enc("2026-11-22T03:22:44Z"), "20261122032244Z");
        assert_eq!(
            enc("2026-11-22T03:22:44.000000001Z"),
            "20261122032244.000000001Z"
        );
        assert_eq!(
            encode_generalized_time(t("2026-11-22T03:22:44Z")).unwrap()[..2],
            [0x18, 15]
        );
        // signing-time: UTCTime in 1950..=2049, whole seconds.
        assert_eq!(
            encode_time(t("2026-11-22T03:22:44.9Z")).unwrap(),
            b"\x17\x0d261122032244Z"
        );
        assert_eq!(
            encode_time(t("2050-01-01T00:00:00Z")).unwrap(),
            b"\x18\x0f20500101000000Z"
        );
        assert_eq!(
            encode_time(t("1949-12-31T23:59:59.5Z")).unwrap(),
            b"\x18\x0f19491231235959Z"
        );
        let far = chrono::NaiveDate::from_ymd_opt(10_000, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc();
        assert!(encode_generalized_time(far).is_err());
        assert!(encode_time(far).is_err());
    }

    #[test]
    fn parse_time_elements() {
        assert_eq!(
            parse_time(b"\x17\x0d261122032244Z").unwrap().to_rfc3339(),
            "2026-11-22T03:22:44+00:00"
        );
        assert!(parse_time(b"\x18\x0f20500101000000Z").is_ok());
        assert!(matches!(
            parse_time(b"\x04\x01\x00"),
            Err(DecodeError::Time {
                tag: Tag::OctetString,
                ..
            })
        ));
        assert!(matches!(
            parse_time(b"\x17\x0d261122032244Z\x00"),
            Err(DecodeError::Der { .. })
        ));
        assert!(matches!(
            parse_generalized_time(b"\x17\x0d261122032244Z"),
            Err(DecodeError::Time { .. })
        ));
        assert!(parse_generalized_time(b"\x18\x16\x32\x30\x32\x36\x31\x31\x32\x32\x30\x33\x32\x32\x34\x34\x2e\x38\x35\x33\x35\x39\x39\x5a").is_ok());
    }
}
