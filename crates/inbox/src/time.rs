//! RFC 3339 timestamps from the system clock, without a date-time crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in whole seconds since the Unix epoch (a webhook's `webhook-timestamp`).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `t` as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, milliseconds). The width is fixed, so the strings sort
/// in time order. Times before 1970 (a badly set clock) come out as the epoch.
pub fn rfc3339(t: SystemTime) -> String {
    let since_epoch = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since_epoch.as_secs();
    let (year, month, day) = civil_from_days(secs / 86_400);
    let in_day = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3600,
        in_day / 60 % 60,
        in_day % 60,
        since_epoch.subsec_millis()
    )
}

/// `YYYY-MM-DD` of the day after `day`, or `None` if `day` is not such a date (1970 or later).
pub fn next_day(day: &str) -> Option<String> {
    let b = day.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d): (u64, u64, u64) = (
        day[..4].parse().ok()?,
        day[5..7].parse().ok()?,
        day[8..].parse().ok()?,
    );
    if y < 1970 || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let (year, month, day) = civil_from_days(days_from_civil(y, m, d) + 1);
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// A proleptic Gregorian date (1970 or later) to days since 1970-01-01; Hinnant's `days_from_civil`.
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day); Howard Hinnant's
/// `civil_from_days`, for non-negative days.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468; // days since 0000-03-01, so leap days fall at the end of a year
    let era = z / 146_097;
    let doe = z % 146_097; // day of the 400-year era
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of the March-based year
    let mp = (5 * doy + 2) / 153; // month, March = 0
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

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
            ("1969-12-31", None),
        ] {
            assert_eq!(next_day(day).as_deref(), next, "{day}");
        }
    }
}
