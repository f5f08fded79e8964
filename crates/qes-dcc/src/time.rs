//! Lenient reading of the date-times found in HCERT payloads and test contexts: RFC 3339
//! with `Z` or an offset, an offset without colon (`+0200`), no zone (taken as UTC), 0 to 9
//! fractional digits, or a bare date (midnight UTC).
//!
//! The canonical forms issuers write (`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS[.f](Z|±HH:MM)`) are
//! read by hand: chrono's format-string parser cost more than the rest of the business rules
//! together, and the verifier reads a date for every certificate. Any other text goes to
//! chrono, so the accepted language stays exactly chrono's (a property test holds both paths
//! to the same answers).

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parse a date-time (see the module docs); `None` when it is none of the accepted forms.
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    canonical_datetime(s.as_bytes()).or_else(|| chrono_datetime(s))
}

/// Parse `YYYY-MM-DD` as midnight UTC.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    canonical_date(s.as_bytes())
        .and_then(midnight)
        .or_else(|| chrono_date(s))
}

fn midnight(d: NaiveDate) -> Option<DateTime<Utc>> {
    Some(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0)?))
}

/// ASCII digits as a number; `None` if a byte is not a digit (or there are more than 9).
fn digits(b: &[u8]) -> Option<u32> {
    if b.len() > 9 {
        return None;
    }
    b.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// Exactly `YYYY-MM-DD`, a valid date.
fn canonical_date(b: &[u8]) -> Option<NaiveDate> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *b else {
        return None;
    };
    let year = i32::try_from(digits(&[y0, y1, y2, y3])?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(&[m0, m1])?, digits(&[d0, d1])?)
}

/// `YYYY-MM-DDTHH:MM:SS`, optionally 1 to 9 fractional digits, then `Z`, `±HH:MM`, `±HHMM`
/// or nothing (UTC). `None` for any other shape or an out-of-range field: chrono then
/// decides (a leap second, a lowercase `t`, a space for `T`, ...).
fn canonical_datetime(b: &[u8]) -> Option<DateTime<Utc>> {
    let (date, rest) = (b.get(..10)?, b.get(10..)?);
    let [b'T', h0, h1, b':', n0, n1, b':', s0, s1, ref rest @ ..] = *rest else {
        return None;
    };
    let (hour, minute, second) = (digits(&[h0, h1])?, digits(&[n0, n1])?, digits(&[s0, s1])?);
    let (nanos, zone) = match rest {
        [b'.', frac @ ..] => {
            let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            let (f, zone) = frac.split_at(n);
            let scale = 10u32.checked_pow(u32::try_from(9usize.checked_sub(n)?).ok()?)?;
            (digits(f).filter(|_| n > 0)? * scale, zone)
        }
        zone => (0, zone),
    };
    let east = match *zone {
        [] | [b'Z'] => 0,
        [sign, h0, h1, b':', m0, m1] | [sign, h0, h1, m0, m1] => {
            let (h, m) = (digits(&[h0, h1])?, digits(&[m0, m1])?);
            if h > 23 || m > 59 {
                return None;
            }
            let seconds = i64::from(h * 3600 + m * 60);
            match sign {
                b'+' => seconds,
                b'-' => -seconds,
                _ => return None,
            }
        }
        _ => return None,
    };
    if second > 59 {
        return None;
    }
    let local = canonical_date(date)?.and_hms_nano_opt(hour, minute, second, nanos)?;
    local
        .checked_sub_signed(Duration::seconds(east))
        .map(|t| Utc.from_utc_datetime(&t))
}

/// The general path: every form of the module docs, through chrono's parsers.
fn chrono_datetime(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(Utc.from_utc_datetime(&t));
        }
    }
    chrono_date(s)
}

fn chrono_date(s: &str) -> Option<DateTime<Utc>> {
    midnight(NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn forms() {
        let z = parse_datetime("2021-05-01T10:00:00Z").unwrap();
        assert_eq!(parse_datetime("2021-05-01T12:00:00+0200").unwrap(), z);
        assert_eq!(parse_datetime("2021-05-01T12:00:00+02:00").unwrap(), z);
        assert_eq!(parse_datetime("2021-05-01T10:00:00").unwrap(), z);
        assert_eq!(
            parse_datetime("2021-05-01T10:00:00.123456789Z")
                .unwrap()
                .timestamp(),
            z.timestamp()
        );
        assert_eq!(
            parse_datetime("2021-05-01T10:00:00.123+00:00")
                .unwrap()
                .timestamp(),
            z.timestamp()
        );
        assert!(parse_datetime("2021-05-01").is_some());
        assert!(parse_datetime("May 1").is_none());
        assert_eq!(
            parse_datetime("2021-05-01T10:00:00.5-01:30").unwrap(),
            parse_datetime("2021-05-01T11:30:00.5Z").unwrap()
        );
        assert_eq!(
            parse_date(" 2021-05-01 ").unwrap(),
            parse_datetime("2021-05-01T00:00:00Z").unwrap()
        );
        assert!(parse_date("2021-02-30").is_none());
    }

    /// Fragments the canonical parser branches on, and some it must hand to chrono.
    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("2021".to_owned()),
            Just("0000".to_owned()),
            Just("-".to_owned()),
            Just("T".to_owned()),
            Just("t".to_owned()),
            Just(" ".to_owned()),
            Just(":".to_owned()),
            Just(".".to_owned()),
            Just("Z".to_owned()),
            Just("z".to_owned()),
            Just("+".to_owned()),
            Just("\u{e9}".to_owned()),
            "[0-9]{1,3}",
            "[0-9]{9,11}",
        ]
    }

    fn candidate() -> impl Strategy<Value = String> {
        prop_oneof![
            // Near-canonical: every field drawn, separators mostly right.
            (
                0u32..10000,
                0u32..14,
                0u32..33,
                prop_oneof![Just("T"), Just("t"), Just(" ")],
                0u32..26,
                0u32..62,
                0u32..62,
                prop_oneof![Just(String::new()), "\\.[0-9]{0,11}"],
                prop_oneof![
                    Just(String::new()),
                    Just("Z".to_owned()),
                    "[+-][0-2][0-9]:?[0-6][0-9]",
                    "[+-][0-9]{1,3}",
                ],
            )
                .prop_map(|(y, mo, d, t, h, mi, s, f, z)| {
                    format!("{y:04}-{mo:02}-{d:02}{t}{h:02}:{mi:02}:{s:02}{f}{z}")
                }),
            (0u32..10000, 0u32..14, 0u32..33).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
            prop::collection::vec(fragment(), 0..12).prop_map(|v| v.concat()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// The hand-written path answers as chrono does, wherever it answers at all.
        #[test]
        fn canonical_paths_agree_with_chrono(s in candidate()) {
            if let Some(t) = canonical_datetime(s.as_bytes()) {
                prop_assert_eq!(Some(t), chrono_datetime(&s), "{}", s);
            }
            if let Some(d) = canonical_date(s.as_bytes()) {
                prop_assert_eq!(midnight(d), chrono_date(&s), "{}", s);
            }
            prop_assert_eq!(parse_datetime(&s).is_some(), chrono_datetime(s.trim()).is_some());
        }
    }
}
