//! Timestamps and days, through jiff: RFC 3339 strings from the system clock (how the store
//! keeps times) and the calendar's next day (the chart's empty days).

use std::time::SystemTime;

use jiff::civil::Date;
use jiff::Timestamp;

/// Now, in whole seconds since the Unix epoch (a webhook's `webhook-timestamp`).
pub fn unix_now() -> u64 {
    u64::try_from(Timestamp::now().as_second()).unwrap_or(0)
}

/// `t` as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, milliseconds). The width is fixed, so the strings sort
/// in time order. Times before 1970 (a badly set clock) come out as the epoch.
pub fn rfc3339(t: SystemTime) -> String {
    let t = Timestamp::try_from(t)
        .ok()
        .filter(|t| *t >= Timestamp::UNIX_EPOCH)
        .unwrap_or(Timestamp::UNIX_EPOCH);
    format!("{t:.3}")
}

/// `YYYY-MM-DD` of the day after `day`, or `None` if `day` is not such a date.
pub fn next_day(day: &str) -> Option<String> {
    let date: Date = day.parse().ok()?;
    Some(date.tomorrow().ok()?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn formats_utc_with_milliseconds() {
        // Expected values from `date -u -d @SECS`.
        let check = |secs: u64, millis: u64, expected: &str| {
            let t = UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_millis(millis);
            assert_eq!(rfc3339(t), expected, "{secs}");
        };
        check(0, 0, "1970-01-01T00:00:00.000Z");
        check(951_782_400, 7, "2000-02-29T00:00:00.007Z");
        check(951_868_799, 999, "2000-02-29T23:59:59.999Z");
        check(1_735_689_599, 0, "2024-12-31T23:59:59.000Z");
        check(1_798_000_000, 120, "2026-12-23T04:26:40.120Z");
        check(4_102_444_800, 0, "2100-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH - Duration::from_secs(5)),
            "1970-01-01T00:00:00.000Z"
        );
    }

    #[test]
    fn counts_days() {
        for (day, next) in [
            ("1970-01-01", Some("1970-01-02")),
            ("2000-02-28", Some("2000-02-29")),
            ("2000-02-29", Some("2000-03-01")),
            ("2026-02-28", Some("2026-03-01")),
            ("2026-12-31", Some("2027-01-01")),
            ("2026-13-01", None),
            ("26-1-1", None),
            ("2026-02-30", None),
            ("1969-12-31", Some("1970-01-01")),
        ] {
            assert_eq!(next_day(day).as_deref(), next, "{day}");
        }
    }
}
