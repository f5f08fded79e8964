//! Lenient reading of the date-times found in HCERT payloads and test contexts: RFC 3339
//! with `Z` or an offset, an offset without colon (`+0200`), no zone (taken as UTC), 0 to 9
//! fractional digits, or a bare date (midnight UTC).

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parse a date-time (see the module docs); `None` when it is none of the accepted forms.
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
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
    parse_date(s)
}

/// Parse `YYYY-MM-DD` as midnight UTC.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()?;
    Some(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0)?))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
