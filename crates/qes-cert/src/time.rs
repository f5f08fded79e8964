//! ASN.1 times as RFC 5280 profiles them, decoded over chrono's full range.
//!
//! ```text
//! Time ::= CHOICE {                                  -- RFC 5280 §4.1
//!      utcTime        UTCTime,          -- YYMMDDHHMMSSZ (§4.1.2.5.1):
//!                                       --   YY 50..99 is 19YY, YY 00..49 is 20YY
//!      generalTime    GeneralizedTime } -- YYYYMMDDHHMMSSZ (§4.1.2.5.2): Z, seconds,
//!                                       --   no fractional seconds
//! ```
//!
//! `der` 0.7's `DateTime` starts at 1970, so its `UtcTime` rejects the years 1950–1969 that
//! RFC 5280 gives it, and its `GeneralizedTime` every year before 1970. This decoder does not:
//! it is the one place in the crate that turns time bytes into instants (certificate validity,
//! OCSP response times).

use chrono::{DateTime, NaiveDate, Utc};
use der::Tag;

/// How strictly a time value is held to RFC 5280.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeRules {
    /// RFC 5280 §4.1.2.5 (and DER): `Z`, seconds present, no fractional seconds.
    Rfc5280,
    /// Additionally fractional seconds in a GeneralizedTime (`.` or `,` then 1–9 digits), as
    /// real OCSP responders and TSAs send them; `Z` is still required.
    FractionalSeconds,
}

/// A malformed `UTCTime` or `GeneralizedTime` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("malformed {tag} value: {reason}")]
pub struct TimeError {
    /// `UTCTime` or `GeneralizedTime` (or the unexpected tag found instead).
    pub tag: Tag,
    /// What is wrong.
    pub reason: &'static str,
}

fn time_err(tag: Tag, reason: &'static str) -> TimeError {
    TimeError { tag, reason }
}

/// Decode a `Time` value: the contents octets of a UTCTime or GeneralizedTime with this tag.
/// `None` for any other tag or a malformed value.
pub(crate) fn decode_time(tag: Tag, value: &[u8], rules: TimeRules) -> Option<DateTime<Utc>> {
    match tag {
        Tag::UtcTime => parse_utc_time(value).ok(),
        Tag::GeneralizedTime => parse_generalized_time(value, rules).ok(),
        _ => None,
    }
}

/// As [`parse_generalized_time`], `None` when malformed.
pub(crate) fn decode_generalized_time(value: &[u8], rules: TimeRules) -> Option<DateTime<Utc>> {
    parse_generalized_time(value, rules).ok()
}

/// The contents octets of a `UTCTime`: `YYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.1), YY 50..99 is
/// 19YY, 00..49 is 20YY.
///
/// # Errors
/// [`TimeError`] naming what is wrong.
pub fn parse_utc_time(value: &[u8]) -> Result<DateTime<Utc>, TimeError> {
    let tag = Tag::UtcTime;
    let digits = value
        .strip_suffix(b"Z")
        .ok_or(time_err(tag, "not UTC: no trailing Z"))?;
    if digits.len() != 12 {
        return Err(time_err(tag, "expected YYMMDDHHMMSSZ"));
    }
    let yy = two_digits(digits, 0).ok_or(time_err(tag, "non-digit character"))?;
    let year = if yy >= 50 { 1900 + yy } else { 2000 + yy };
    date_time(tag, year, digits.get(2..).unwrap_or_default(), 0)
}

/// The contents octets of a `GeneralizedTime`: `YYYYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.2); with
/// [`TimeRules::FractionalSeconds`] also `YYYYMMDDHHMMSS.f{1,9}Z`.
///
/// # Errors
/// [`TimeError`] naming what is wrong.
pub fn parse_generalized_time(value: &[u8], rules: TimeRules) -> Result<DateTime<Utc>, TimeError> {
    let tag = Tag::GeneralizedTime;
    let body = value.strip_suffix(b"Z").ok_or(time_err(
        tag,
        "not UTC: local time or an offset instead of Z",
    ))?;
    let (digits, fraction) = match body.iter().position(|b| *b == b'.' || *b == b',') {
        Some(i) => (
            body.get(..i).unwrap_or_default(),
            Some(body.get(i.saturating_add(1)..).unwrap_or_default()),
        ),
        None => (body, None),
    };
    if digits.len() != 14 {
        return Err(time_err(
            tag,
            "expected YYYYMMDDHHMMSS before the fraction and Z",
        ));
    }
    let year = two_digits(digits, 0)
        .zip(two_digits(digits, 2))
        .map(|(c, y)| c * 100 + y)
        .ok_or(time_err(tag, "non-digit character"))?;
    let nanos = match (fraction, rules) {
        (None, _) => 0,
        (Some(_), TimeRules::Rfc5280) => {
            return Err(time_err(tag, "fractional seconds (RFC 5280 §4.1.2.5.2)"))
        }
        (Some(f), TimeRules::FractionalSeconds) => fraction_nanos(f)?,
    };
    date_time(tag, year, digits.get(4..).unwrap_or_default(), nanos)
}

/// 1–9 decimal digits after the decimal mark, as nanoseconds.
fn fraction_nanos(fraction: &[u8]) -> Result<u32, TimeError> {
    let tag = Tag::GeneralizedTime;
    if fraction.is_empty() {
        return Err(time_err(tag, "decimal mark without digits"));
    }
    if fraction.len() > 9 {
        return Err(time_err(tag, "more than 9 fractional digits"));
    }
    let mut nanos = 0u32;
    for i in 0..9 {
        let d = match fraction.get(i) {
            Some(b) => digit(*b).ok_or(time_err(tag, "non-digit character in the fraction"))?,
            None => 0,
        };
        nanos = nanos * 10 + d;
    }
    Ok(nanos)
}

/// `MMDDHHMMSS` of `year`, every field range-checked by chrono (no leap second).
fn date_time(
    tag: Tag,
    year: u32,
    mmddhhmmss: &[u8],
    nanos: u32,
) -> Result<DateTime<Utc>, TimeError> {
    if mmddhhmmss.len() != 10 {
        return Err(time_err(tag, "expected MMDDHHMMSS"));
    }
    let d = |i| two_digits(mmddhhmmss, i).ok_or(time_err(tag, "non-digit character"));
    let (month, day, hour, minute, second) = (d(0)?, d(2)?, d(4)?, d(6)?, d(8)?);
    let out_of_range = || time_err(tag, "date or time out of range");
    let year = i32::try_from(year).map_err(|_| out_of_range())?;
    NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|date| date.and_hms_nano_opt(hour, minute, second, nanos))
        .map(|t| t.and_utc())
        .ok_or_else(out_of_range)
}

/// The two ASCII digits at `at`.
fn two_digits(bytes: &[u8], at: usize) -> Option<u32> {
    let tens = digit(*bytes.get(at)?)?;
    let ones = digit(*bytes.get(at.checked_add(1)?)?)?;
    Some(tens * 10 + ones)
}

fn digit(b: u8) -> Option<u32> {
    b.is_ascii_digit().then(|| u32::from(b - b'0'))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn utc(s: &str) -> Option<String> {
        parse_utc_time(s.as_bytes()).ok().map(|t| t.to_rfc3339())
    }

    fn gen(s: &str, rules: TimeRules) -> Option<String> {
        decode_generalized_time(s.as_bytes(), rules).map(|t| t.to_rfc3339())
    }

    #[test]
    fn utc_time_century_window() {
        let at = |s: &str| utc(s).unwrap();
        assert_eq!(at("500101120100Z"), "1950-01-01T12:01:00+00:00");
        assert_eq!(at("691231235959Z"), "1969-12-31T23:59:59+00:00");
        assert_eq!(at("700101000000Z"), "1970-01-01T00:00:00+00:00");
        assert_eq!(at("491231235959Z"), "2049-12-31T23:59:59+00:00");
        assert_eq!(at("000101000000Z"), "2000-01-01T00:00:00+00:00");
        assert_eq!(at("990101000000Z"), "1999-01-01T00:00:00+00:00");
        // Pre-1970 instants are real instants, before the epoch.
        assert!(parse_utc_time(b"691231235959Z").unwrap().timestamp() < 0);
    }

    #[test]
    fn utc_time_der_rules() {
        assert_eq!(utc("5001011201Z"), None, "seconds required");
        assert_eq!(utc("500101120100"), None, "Z required");
        assert_eq!(utc("500101120100+0100"), None, "no offset");
        assert_eq!(utc("500101120100.5Z"), None, "no fraction");
        assert_eq!(utc("501301120100Z"), None, "month 13");
        assert_eq!(utc("500230120100Z"), None, "30 February");
        assert_eq!(utc("500101240000Z"), None, "hour 24");
        assert_eq!(utc("500101235960Z"), None, "second 60");
        assert_eq!(utc("5+0101120100Z"), None, "sign");
        assert_eq!(utc(""), None);
        // Leap day of a leap year in the 1900s window.
        assert_eq!(utc("680229000000Z").unwrap(), "1968-02-29T00:00:00+00:00");
        assert_eq!(utc("690229000000Z"), None);
    }

    #[test]
    fn generalized_time_all_years() {
        let at = |s: &str| gen(s, TimeRules::Rfc5280).unwrap();
        assert_eq!(at("19500101000000Z"), "1950-01-01T00:00:00+00:00");
        assert_eq!(at("19491231235959Z"), "1949-12-31T23:59:59+00:00");
        assert_eq!(at("19691231235959Z"), "1969-12-31T23:59:59+00:00");
        assert_eq!(at("20491231235959Z"), "2049-12-31T23:59:59+00:00");
        assert_eq!(at("20500101000000Z"), "2050-01-01T00:00:00+00:00");
        assert_eq!(at("00010101000000Z"), "0001-01-01T00:00:00+00:00");
        assert_eq!(at("99991231235959Z"), "9999-12-31T23:59:59+00:00");
    }

    #[test]
    fn generalized_time_rules() {
        use TimeRules::{FractionalSeconds as Frac, Rfc5280};
        assert_eq!(gen("20261122032244.853599Z", Rfc5280), None);
        assert_eq!(
            gen("20261122032244.853599Z", Frac).unwrap(),
            "2026-11-22T03:22:44.853599+00:00"
        );
        assert_eq!(
            gen("19601122032244,5Z", Frac).unwrap(),
            "1960-11-22T03:22:44.500+00:00"
        );
        for bad in [
            "20261122032244",
            "20261322032244Z",
            "20261122032244.Z",
            "2026112203224Z",
            "202611220322Z",
            "20261122032244.1234567890Z",
            "20261122032244.+1Z",
            "20261122032244+0100",
        ] {
            assert_eq!(gen(bad, Frac), None, "{bad}");
            assert_eq!(gen(bad, Rfc5280), None, "{bad}");
        }
    }

    #[test]
    fn tags() {
        assert!(decode_time(Tag::UtcTime, b"500101000000Z", TimeRules::Rfc5280).is_some());
        assert!(decode_time(Tag::GeneralizedTime, b"500101000000Z", TimeRules::Rfc5280).is_none());
        assert!(decode_time(Tag::OctetString, b"500101000000Z", TimeRules::Rfc5280).is_none());
    }

    proptest::proptest! {
        /// Arbitrary time bytes never panic, under any tag and either rule set.
        #[test]
        fn never_panics(value in proptest::collection::vec(proptest::num::u8::ANY, 0..24)) {
            for rules in [TimeRules::Rfc5280, TimeRules::FractionalSeconds] {
                for tag in [Tag::UtcTime, Tag::GeneralizedTime] {
                    let _ = decode_time(tag, &value, rules);
                }
            }
        }

        /// Digit strings of the right shape decode exactly when chrono accepts the fields.
        #[test]
        fn utc_time_digits(yy in 0u32..100, mo in 0u32..14, d in 0u32..33, h in 0u32..25,
                           mi in 0u32..61, s in 0u32..61) {
            let text = format!("{yy:02}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z");
            let year = if yy >= 50 { 1900 + yy } else { 2000 + yy };
            let want = NaiveDate::from_ymd_opt(i32::try_from(year).unwrap(), mo, d)
                .and_then(|x| x.and_hms_opt(h, mi, s))
                .map(|x| x.and_utc());
            proptest::prop_assert_eq!(parse_utc_time(text.as_bytes()).ok(), want);
        }
    }
}
