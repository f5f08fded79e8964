//! PDF date strings (ISO 32000-2 §7.9.4): `D:YYYYMMDDHHmmSSOHH'mm'`, every part after the
//! year optional, as written in a signature dictionary's `/M`.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};

/// Longest date string accepted (the full form with a trailing apostrophe is 24 bytes).
const MAX_LEN: usize = 64;

/// Parse a PDF date (ISO 32000-2 §7.9.4). The `D:` prefix is optional (PDF 1.x writers
/// omit it), missing month and day default to 1 and missing time parts to 0, a missing
/// offset means UTC (the standard leaves it unknown; UTC is the reading ETSI validators
/// use), and `'` after the offset minutes is optional. `None` for anything else — values out
/// of range, trailing bytes, more than 64 bytes.
///
/// ```
/// use qes_pades::pdf::parse_date;
/// let t = parse_date("D:20261204053000+02'00'").unwrap();
/// assert_eq!(t.to_rfc3339(), "2026-12-04T03:30:00+00:00");
/// assert_eq!(parse_date("D:2026"), parse_date("D:20260101000000Z"));
/// assert!(parse_date("D:20261304").is_none());
/// ```
pub fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    if text.len() > MAX_LEN || !text.is_ascii() {
        return None;
    }
    let s = text.strip_prefix("D:").unwrap_or(text).as_bytes();
    let mut pos = 0;
    let mut digits = |n: usize, default: u32| -> Option<u32> {
        match s.get(pos..pos + n) {
            Some(d) if d.iter().all(u8::is_ascii_digit) => {
                pos += n;
                Some(d.iter().fold(0, |acc, b| acc * 10 + u32::from(b - b'0')))
            }
            _ if pos >= s.len() || !s.get(pos).is_some_and(u8::is_ascii_digit) => Some(default),
            _ => None,
        }
    };
    let year = digits(4, u32::MAX)?;
    if year == u32::MAX {
        return None;
    }
    let month = digits(2, 1)?;
    let day = digits(2, 1)?;
    let hour = digits(2, 0)?;
    let minute = digits(2, 0)?;
    let second = digits(2, 0)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let naive = date.and_hms_opt(hour, minute, second)?;
    let rest = s.get(pos..).unwrap_or_default();
    let offset_secs = match rest {
        [] | [b'Z'] | [b'Z', b'0', b'0', b'\'', b'0', b'0', b'\''] => 0,
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let (h, m) = match tail {
                [h1, h2] => ([*h1, *h2], [b'0', b'0']),
                [h1, h2, b'\''] => ([*h1, *h2], [b'0', b'0']),
                [h1, h2, b'\'', m1, m2] | [h1, h2, b'\'', m1, m2, b'\''] => {
                    ([*h1, *h2], [*m1, *m2])
                }
                _ => return None,
            };
            if !h.iter().chain(&m).all(u8::is_ascii_digit) {
                return None;
            }
            let two = |[a, b]: [u8; 2]| i32::from(a - b'0') * 10 + i32::from(b - b'0');
            let (h, m) = (two(h), two(m));
            if h > 23 || m > 59 {
                return None;
            }
            let secs = h * 3600 + m * 60;
            if *sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    let offset = FixedOffset::east_opt(offset_secs)?;
    let local = offset.from_local_datetime(&naive).single()?;
    Some(local.with_timezone(&Utc))
}

/// `time` as a PDF date string in UTC (ISO 32000-2 §7.9.4): `D:YYYYMMDDHHmmSS+00'00'`.
///
/// ```
/// use qes_pades::pdf::{format_date, parse_date};
/// let t = parse_date("D:20261204053000Z").unwrap();
/// assert_eq!(format_date(t), "D:20261204053000+00'00'");
/// ```
pub fn format_date(time: DateTime<Utc>) -> String {
    time.format("D:%Y%m%d%H%M%S+00'00'").to_string()
}
