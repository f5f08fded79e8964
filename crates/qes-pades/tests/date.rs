//! PDF date strings (ISO 32000-2 §7.9.4): properties of `pdf::parse_date`.
#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use qes_pades::pdf::parse_date;

#[test]
fn offsets_and_partial_dates() {
    let t = Utc.with_ymd_and_hms(2026, 12, 4, 3, 30, 0).unwrap();
    assert_eq!(parse_date("D:20261204053000+02'00'"), Some(t));
    assert_eq!(parse_date("D:20261204053000+02'00"), Some(t));
    assert_eq!(parse_date("D:20261204013000-02'00'"), Some(t));
    assert_eq!(parse_date("20261204033000Z"), Some(t));
    assert_eq!(parse_date("D:20261204033000"), Some(t));
    assert_eq!(
        parse_date("D:2026"),
        Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap())
    );
    for bad in [
        "",
        "D:",
        "D:20261304",
        "D:20260230",
        "D:20261204250000Z",
        "D:20261204033000+24'00'",
        "D:20261204033000X",
        "D:2026120",
        "D:20261204033000Z trailing",
    ] {
        assert_eq!(parse_date(bad), None, "{bad:?}");
    }
}

proptest! {
    #[test]
    fn never_panics(s in ".{0,80}") {
        let _ = parse_date(&s);
    }

    #[test]
    fn formatted_times_parse_back(secs in 0i64..253_402_300_799, offset_min in -(23 * 60 + 59)..=(23 * 60 + 59i32)) {
        let t = Utc.timestamp_opt(secs, 0).unwrap();
        let off = chrono::FixedOffset::east_opt(offset_min * 60).unwrap();
        let local = t.with_timezone(&off);
        let sign = if offset_min < 0 { '-' } else { '+' };
        let text = format!(
            "D:{}{sign}{:02}'{:02}'",
            local.format("%Y%m%d%H%M%S"),
            offset_min.abs() / 60,
            offset_min.abs() % 60
        );
        prop_assert_eq!(parse_date(&text), Some(t));
    }
}
