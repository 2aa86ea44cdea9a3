//! Business hours: a weekly schedule in the owner's IANA time zone with exceptions (holidays
//! closed, special days with other hours), and the questions the panel asks of it: open now?
//! when does it close? when does it open next?
//!
//! No time zone database here: the shell answers "what is the owner's UTC offset at this
//! instant?" with the browser's `Intl` ([`Zone`]); tests answer with fixed offsets and hand-written
//! DST rules. Everything else — midnight-spanning ranges, exceptions, DST gaps and overlaps — is
//! decided on the owner's wall clock, here.

use crate::config::{join, Issue};
use crate::value::{digits, Value};

const MINUTE: f64 = 60_000.0;
const DAY: f64 = 86_400_000.0;

/// The owner's time zone: its offset from UTC, in minutes east, at an instant (ms since 1970).
pub trait Zone {
    fn offset(&self, utc_ms: f64) -> i32;
}

/// A zone that never changes its offset (UTC, or a test's fake).
pub struct Fixed(pub i32);

impl Zone for Fixed {
    fn offset(&self, _: f64) -> i32 {
        self.0
    }
}

/// An opening range on one day, in minutes after that day's midnight (owner's wall clock).
/// `end` may pass 1440: "22:00-02:00" is 1320..1560 and runs into the next day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: u16,
    pub end: u16,
}

/// The days an exception applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Days {
    /// From the first to the last day (days since 1970-01-01), inclusive.
    Dates(i32, i32),
    /// The same month and day every year.
    Yearly(u8, u8),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Exception {
    days: Days,
    spans: Vec<Span>,
}

/// A validated schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// The owner's IANA zone, e.g. `America/New_York` (checked for syntax here, for existence by
    /// the shell with `Intl`).
    pub time_zone: String,
    /// Monday first.
    weekly: [Vec<Span>; 7],
    /// Later entries win over earlier ones.
    exceptions: Vec<Exception>,
}

/// Open or closed at an instant, with when that changes (ms since 1970; `None`: not within a year).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Status {
    Open { closes: Option<f64> },
    Closed { opens: Option<f64> },
}

impl Status {
    pub fn is_open(self) -> bool {
        matches!(self, Status::Open { .. })
    }

    /// When the status changes next.
    pub fn changes(self) -> Option<f64> {
        match self {
            Status::Open { closes } => closes,
            Status::Closed { opens } => opens,
        }
    }
}

impl Schedule {
    /// The ranges of `day` (days since 1970): its exception if it has one, else its weekday's.
    fn spans(&self, day: i32) -> &[Span] {
        let (_, month, date) = civil(day);
        let exception = self.exceptions.iter().rev().find(|e| match e.days {
            Days::Dates(first, last) => (first..=last).contains(&day),
            Days::Yearly(m, d) => (m, d) == (month, date),
        });
        match exception {
            Some(e) => &e.spans,
            None => &self.weekly[weekday(day)],
        }
    }

    /// The range open at `minute` of `day`: one of that day's, or one of the day before running
    /// past midnight; with the day it belongs to.
    fn covering(&self, day: i32, minute: f64) -> Option<(i32, Span)> {
        let today = self
            .spans(day)
            .iter()
            .find(|s| (s.start as f64) <= minute && minute < s.end as f64)
            .map(|s| (day, *s));
        today.or_else(|| {
            self.spans(day - 1)
                .iter()
                .find(|s| s.end > 1440 && minute + 1440.0 < s.end as f64)
                .map(|s| (day - 1, *s))
        })
    }

    /// Open or closed at `now`, and when that changes.
    pub fn status(&self, now: f64, zone: &dyn Zone) -> Status {
        let local = now + zone.offset(now) as f64 * MINUTE;
        let day = (local / DAY).floor() as i32;
        let minute = (local - day as f64 * DAY) / MINUTE;
        if let Some((mut d, mut span)) = self.covering(day, minute) {
            // Openings that meet or overlap (20:00-02:00, then 00:00-24:00) are one opening.
            for _ in 0..14 {
                let end = d as f64 * 1440.0 + span.end as f64;
                let (end_day, end_minute) =
                    (d + (span.end / 1440) as i32, (span.end % 1440) as f64);
                match self.covering(end_day, end_minute) {
                    Some((nd, next)) if nd as f64 * 1440.0 + next.end as f64 > end => {
                        (d, span) = (nd, next)
                    }
                    _ => break,
                }
            }
            let end = d as f64 * DAY + span.end as f64 * MINUTE;
            return Status::Open {
                closes: Some(to_utc(end, zone)),
            };
        }
        for d in day..=day + 366 {
            let at = |s: &Span| d as f64 * DAY + s.start as f64 * MINUTE;
            if let Some(first) = self
                .spans(d)
                .iter()
                .map(at)
                .filter(|&t| t > local)
                .reduce(f64::min)
            {
                return Status::Closed {
                    opens: Some(to_utc(first, zone)),
                };
            }
        }
        Status::Closed { opens: None }
    }
}

/// The instant a wall-clock time (`local`, as ms since 1970 on the owner's calendar) happens.
/// In an overlap (clocks going back) the earlier one; in a gap (clocks going forward, the time
/// never happens) the moment the clocks jump, when the owner's wall clock first passes it.
pub fn to_utc(local: f64, zone: &dyn Zone) -> f64 {
    let wall = |t: f64| t + zone.offset(t) as f64 * MINUTE;
    let before = local - zone.offset(local - DAY) as f64 * MINUTE;
    let after = local - zone.offset(local + DAY) as f64 * MINUTE;
    let valid: Vec<f64> = [before, after]
        .into_iter()
        .filter(|&t| wall(t) == local)
        .collect();
    if let Some(first) = valid.into_iter().reduce(f64::min) {
        return first;
    }
    // In a gap: between `lo` (wall clock before `local`) and `hi` (after), find the jump.
    let (mut lo, mut hi) = (before.min(after), before.max(after));
    while hi - lo > MINUTE {
        let mid = lo + ((hi - lo) / MINUTE / 2.0).floor() * MINUTE;
        if wall(mid) >= local {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// Monday is 0. 1970-01-01 was a Thursday.
pub fn weekday(day: i32) -> usize {
    (day + 3).rem_euclid(7) as usize
}

/// Days since 1970-01-01 of a calendar date (proleptic Gregorian; Howard Hinnant's algorithm).
pub fn days_from_civil(y: i32, m: u8, d: u8) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date of a day since 1970-01-01.
pub fn civil(day: i32) -> (i32, u8, u8) {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (yoe + era * 400 + (m <= 2) as i32, m, d)
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The keys of an `hours` object.
pub const KEYS: [&str; 3] = ["timeZone", "weekly", "exceptions"];
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const FULL_DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// An IANA zone name in shape: `UTC`, `Europe/Paris`, `America/Argentina/Buenos_Aires`,
/// `Etc/GMT+5`. Whether the zone exists is for the browser to say.
pub fn is_zone_name(name: &str) -> bool {
    let part = |p: &str| {
        (1..=30).contains(&p.len())
            && p.starts_with(|c: char| c.is_ascii_alphabetic())
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
    };
    matches!(name, "UTC" | "GMT") || (name.contains('/') && name.split('/').all(part))
}

/// Parses an `hours` object; `inherited` is the widget's zone (for a channel's own hours).
/// Problems go to `issues`; `None` when nothing usable is left.
pub fn parse(
    value: &Value,
    path: &str,
    inherited: Option<&str>,
    issues: &mut Vec<Issue>,
) -> Option<Schedule> {
    let Value::Object(entries) = value else {
        issues.push(Issue {
            path: path.into(),
            message: message!(
                "expected an object with timeZone, weekly and exceptions, found {}",
                value.kind()
            ),
        });
        return None;
    };
    let mut schedule = Schedule {
        time_zone: String::new(),
        weekly: Default::default(),
        exceptions: Vec::new(),
    };
    let mut zone_ok = false;
    let mut weekly_seen = false;
    for (key, value) in entries {
        let at = join(path, key);
        match key.as_str() {
            "timeZone" => match value.as_str().map(str::trim) {
                Some(name) if is_zone_name(name) => {
                    schedule.time_zone = name.to_owned();
                    zone_ok = true;
                }
                Some(name) => issues.push(Issue { path: at, message: message!("\"{name}\" is not an IANA time zone name such as Europe/Paris or America/New_York") }),
                None => issues.push(Issue { path: at, message: message!("expected text such as \"Europe/Paris\", found {}", value.kind()) }),
            },
            "weekly" => {
                weekly_seen = true;
                let Value::Object(days) = value else {
                    issues.push(Issue { path: at, message: message!("expected an object such as {{\"mon-fri\": \"09:00-17:00\"}}, found {}", value.kind()) });
                    continue;
                };
                for (days, spans) in days {
                    let at = join(&at, days);
                    let Some(which) = day_set(days) else {
                        issues.push(Issue { path: at, message: message!("\"{days}\" is not a day, a range of days or a list of them, such as mon, mon-fri or sat,sun") });
                        continue;
                    };
                    if let Some(spans) = spans_of(spans, &at, issues) {
                        for (i, on) in which.iter().enumerate() {
                            if *on {
                                schedule.weekly[i] = spans.clone();
                            }
                        }
                    }
                }
            }
            "exceptions" => {
                let Value::Object(dates) = value else {
                    issues.push(Issue { path: at, message: message!("expected an object such as {{\"2026-12-25\": \"closed\"}}, found {}", value.kind()) });
                    continue;
                };
                for (date, spans) in dates {
                    let at = join(&at, date);
                    let Some(days) = date_set(date) else {
                        issues.push(Issue { path: at, message: message!("\"{date}\" is not a date such as 2026-12-25, a range such as 2026-08-01/2026-08-15, or a yearly day such as 12-25") });
                        continue;
                    };
                    if let Some(spans) = spans_of(spans, &at, issues) {
                        schedule.exceptions.push(Exception { days, spans });
                    }
                }
            }
            _ => issues.push(Issue { path: at, message: message!("unknown key; hours have {}", KEYS.join(", ")) }),
        }
    }
    if !zone_ok {
        match inherited {
            Some(zone) if entries.iter().all(|(k, _)| k != "timeZone") => {
                schedule.time_zone = zone.to_owned()
            }
            _ => {
                if entries.iter().all(|(k, _)| k != "timeZone") {
                    issues.push(Issue { path: join(path, "timeZone"), message: message!("missing; write the IANA time zone the hours are in, such as Europe/Paris") });
                }
                return None;
            }
        }
    }
    if !weekly_seen {
        issues.push(Issue {
            path: join(path, "weekly"),
            message: message!(
                "missing; write the usual opening hours, such as {{\"mon-fri\": \"09:00-17:00\"}}"
            ),
        });
        return None;
    }
    Some(schedule)
}

/// `mon`, `mon-fri`, `fri-mon`, `sat,sun`, `daily`, full English names: which weekdays (Monday first).
fn day_set(text: &str) -> Option<[bool; 7]> {
    let index = |name: &str| {
        let name = name.trim().to_ascii_lowercase();
        DAYS.iter()
            .position(|d| *d == name)
            .or_else(|| FULL_DAYS.iter().position(|d| *d == name))
    };
    let mut set = [false; 7];
    for part in text.split(',') {
        if part.trim().eq_ignore_ascii_case("daily") {
            set = [true; 7];
            continue;
        }
        let (first, last) = match part.split_once('-') {
            Some((a, b)) => (index(a)?, index(b)?),
            None => (index(part)?, index(part)?),
        };
        let mut d = first;
        loop {
            set[d] = true;
            if d == last {
                break;
            }
            d = (d + 1) % 7;
        }
    }
    Some(set)
}

/// `2026-12-25`, `2026-08-01/2026-08-15`, or `12-25` (every year).
fn date_set(text: &str) -> Option<Days> {
    fn date(s: &str) -> Option<i32> {
        let mut parts = s.trim().split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let (y, m, d) = (digits(y)? as i32, digits(m)? as u8, digits(d)? as u8);
        ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m))
            .then(|| days_from_civil(y, m, d))
    }
    if let Some((a, b)) = text.split_once('/') {
        let (a, b) = (date(a)?, date(b)?);
        return (a <= b).then_some(Days::Dates(a, b));
    }
    if let Some(day) = date(text) {
        return Some(Days::Dates(day, day));
    }
    let (m, d) = text.trim().split_once('-')?;
    if m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (m, d) = (digits(m)? as u8, digits(d)? as u8);
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(2024, m)).then_some(Days::Yearly(m, d))
}

/// `"09:00-17:00"`, `"09:00-12:00, 13:00-17:00"`, `"22:00-02:00"` (past midnight), `"closed"`,
/// or a list of ranges.
fn spans_of(value: &Value, path: &str, issues: &mut Vec<Issue>) -> Option<Vec<Span>> {
    let texts: Vec<&str> = match value {
        Value::String(s) if s.trim().eq_ignore_ascii_case("closed") => return Some(Vec::new()),
        Value::String(s) => s.split(',').collect(),
        Value::Array(items) => match items.iter().map(Value::as_str).collect::<Option<Vec<_>>>() {
            Some(texts) => texts,
            None => {
                issues.push(Issue {
                    path: path.into(),
                    message: message!("expected a list of ranges such as \"09:00-17:00\""),
                });
                return None;
            }
        },
        other => {
            issues.push(Issue {
                path: path.into(),
                message: message!(
                    "expected \"closed\" or ranges such as \"09:00-17:00\", found {}",
                    other.kind()
                ),
            });
            return None;
        }
    };
    let mut spans = Vec::new();
    for text in texts {
        match span(text) {
            Some(s) => spans.push(s),
            None => {
                issues.push(Issue { path: path.into(), message: message!("\"{}\" is not a range such as 09:00-17:00 (24-hour clock; 22:00-02:00 runs past midnight)", text.trim()) });
                return None;
            }
        }
    }
    Some(spans)
}

fn span(text: &str) -> Option<Span> {
    fn time(s: &str) -> Option<u16> {
        let (h, m) = s.trim().split_once(':')?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return None;
        }
        let (h, m) = (digits(h)? as u16, digits(m)? as u16);
        (h < 24 && m < 60 || h == 24 && m == 0).then_some(h * 60 + m)
    }
    let (a, b) = text.split_once(['-', '–'])?;
    let (start, end) = (time(a)?, time(b)?);
    match (start, end) {
        (1440, _) => None,
        (s, e) if e == s => None,
        (s, e) if e < s => Some(Span {
            start: s,
            end: e + 1440,
        }),
        (s, e) => Some(Span { start: s, end: e }),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::value::json;

    /// A zone with yearly daylight saving time, the way the US and the EU do it (transition
    /// instants in UTC), for tests: `std` and `dst` in minutes east.
    pub struct Rules {
        pub std: i32,
        pub dst: i32,
        /// (year) -> (start, end) of daylight saving time, in UTC ms.
        pub rule: fn(i32) -> (f64, f64),
    }

    impl Zone for Rules {
        fn offset(&self, t: f64) -> i32 {
            let (year, _, _) = civil((t / DAY).floor() as i32);
            let (start, end) = (self.rule)(year);
            if start <= t && t < end {
                self.dst
            } else {
                self.std
            }
        }
    }

    /// The `n`th Sunday (1-based; 0 = last) of a month, as days since 1970.
    fn sunday(y: i32, m: u8, n: u8) -> i32 {
        if n == 0 {
            let last = days_from_civil(y, m, days_in_month(y, m));
            return last - ((weekday(last) + 1) % 7) as i32;
        }
        let first = days_from_civil(y, m, 1);
        first + ((6 + 7 - weekday(first)) % 7) as i32 + 7 * (n as i32 - 1)
    }

    /// America/New_York: second Sunday in March 02:00 EST to first Sunday in November 02:00 EDT.
    pub fn new_york() -> Rules {
        Rules {
            std: -300,
            dst: -240,
            rule: |y| {
                (
                    sunday(y, 3, 2) as f64 * DAY + 7.0 * 3_600_000.0,
                    sunday(y, 11, 1) as f64 * DAY + 6.0 * 3_600_000.0,
                )
            },
        }
    }

    /// Europe/Berlin: last Sunday in March to last Sunday in October, 01:00 UTC.
    pub fn berlin() -> Rules {
        Rules {
            std: 60,
            dst: 120,
            rule: |y| {
                (
                    sunday(y, 3, 0) as f64 * DAY + 3_600_000.0,
                    sunday(y, 10, 0) as f64 * DAY + 3_600_000.0,
                )
            },
        }
    }

    /// UTC ms of a UTC time "YYYY-MM-DD HH:MM".
    pub fn utc(text: &str) -> f64 {
        let (date, time) = text.split_once(' ').unwrap();
        let p: Vec<i32> = date
            .split('-')
            .chain(time.split(':'))
            .map(|n| n.parse().unwrap())
            .collect();
        days_from_civil(p[0], p[1] as u8, p[2] as u8) as f64 * DAY
            + (p[3] * 60 + p[4]) as f64 * MINUTE
    }

    /// "YYYY-MM-DD HH:MM" in UTC of an instant.
    fn show(t: f64) -> String {
        let day = (t / DAY).floor() as i32;
        let (y, m, d) = civil(day);
        let minutes = ((t - day as f64 * DAY) / MINUTE) as i32;
        format!("{y}-{m:02}-{d:02} {:02}:{:02}", minutes / 60, minutes % 60)
    }

    fn schedule(config: &str) -> Schedule {
        let mut issues = Vec::new();
        let s = parse(&json(config), "hours", None, &mut issues).expect("a schedule");
        assert_eq!(issues, vec![], "{config}");
        s
    }

    /// One row: now (UTC), then "open until <UTC>" / "closed until <UTC>" / "closed".
    fn check(s: &Schedule, zone: &dyn Zone, rows: &[(&str, &str)]) {
        for (now, want) in rows {
            let got = match s.status(utc(now), zone) {
                Status::Open { closes: Some(t) } => format!("open until {}", show(t)),
                Status::Open { closes: None } => "open".into(),
                Status::Closed { opens: Some(t) } => format!("closed until {}", show(t)),
                Status::Closed { opens: None } => "closed".into(),
            };
            assert_eq!(got, *want, "at {now} UTC");
        }
    }

    #[test]
    fn calendar() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(civil(days_from_civil(1969, 12, 31)), (1969, 12, 31));
        assert_eq!(
            weekday(days_from_civil(2026, 11, 23)),
            0,
            "23 November 2026 is a Monday"
        );
        assert_eq!(civil(sunday(2026, 3, 2)), (2026, 3, 8));
        assert_eq!(civil(sunday(2026, 11, 1)), (2026, 11, 1));
        assert_eq!(civil(sunday(2026, 3, 0)), (2026, 3, 29));
        assert_eq!(civil(sunday(2026, 10, 0)), (2026, 10, 25));
    }

    #[test]
    fn weekdays_in_a_fixed_zone() {
        let s = schedule(
            r#"{"timeZone":"Asia/Tokyo","weekly":{"mon-fri":"09:00-12:00, 13:00-18:00","sat":"10:00-14:00"}}"#,
        );
        let tokyo = Fixed(540);
        check(
            &s,
            &tokyo,
            &[
                // Monday 2026-11-23 08:59 in Tokyo is 2026-11-22 23:59 UTC.
                ("2026-11-22 23:59", "closed until 2026-11-23 00:00"),
                ("2026-11-23 00:00", "open until 2026-11-23 03:00"),
                ("2026-11-23 03:30", "closed until 2026-11-23 04:00"),
                ("2026-11-23 08:59", "open until 2026-11-23 09:00"),
                ("2026-11-23 09:00", "closed until 2026-11-24 00:00"),
                // Friday evening: next is Saturday 10:00; Saturday afternoon: next is Monday.
                ("2026-11-27 10:00", "closed until 2026-11-28 01:00"),
                ("2026-11-28 05:00", "closed until 2026-11-30 00:00"),
            ],
        );
    }

    #[test]
    fn ranges_past_midnight_and_round_the_clock() {
        let s = schedule(
            r#"{"timeZone":"UTC","weekly":{"fri,sat":"20:00-02:00","sun":"00:00-24:00","mon":"00:00-06:00"}}"#,
        );
        check(
            &s,
            &Fixed(0),
            &[
                ("2026-11-27 19:59", "closed until 2026-11-27 20:00"),
                ("2026-11-27 23:00", "open until 2026-11-28 02:00"),
                ("2026-11-28 01:59", "open until 2026-11-28 02:00"),
                ("2026-11-28 02:00", "closed until 2026-11-28 20:00"),
                // Saturday 20:00 to Monday 06:00 is one opening: 02:00 Sunday meets 00:00-24:00.
                ("2026-11-28 21:00", "open until 2026-11-30 06:00"),
                ("2026-11-29 12:00", "open until 2026-11-30 06:00"),
            ],
        );
    }

    #[test]
    fn holidays_and_special_days() {
        let s = schedule(
            r#"{"timeZone":"Europe/Berlin","weekly":{"mon-fri":"09:00-17:00"},
                "exceptions":{"12-25":"closed","2026-12-24":"09:00-12:00","2026-12-28/2026-12-31":"closed","2026-12-27":["10:00-11:00"]}}"#,
        );
        let berlin = berlin();
        check(
            &s,
            &berlin,
            &[
                // Thursday 24 December: special hours, 09:00-12:00 CET (08:00-11:00 UTC).
                ("2026-12-24 10:00", "open until 2026-12-24 11:00"),
                // Closed on Friday the 25th (every year), Sunday 27th opens specially.
                ("2026-12-24 12:00", "closed until 2026-12-27 09:00"),
                // Then closed from the 28th to the 31st: next is Friday 1 January.
                ("2026-12-27 10:00", "closed until 2027-01-01 08:00"),
            ],
        );
        // Christmas every year: 2027-12-25 is a Saturday anyway, 2028-12-25 a Monday.
        assert!(!s.status(utc("2028-12-25 10:00"), &berlin).is_open());
        assert!(s.status(utc("2028-12-26 10:00"), &berlin).is_open());
    }

    #[test]
    fn across_daylight_saving_changes() {
        let ny = new_york();
        let s = schedule(r#"{"timeZone":"America/New_York","weekly":{"daily":"09:00-17:00"}}"#);
        check(
            &s,
            &ny,
            &[
                // Saturday 7 March 2026, EST (UTC-5): opens 14:00 UTC; Sunday 8 March is EDT (UTC-4).
                ("2026-03-07 13:59", "closed until 2026-03-07 14:00"),
                ("2026-03-07 22:00", "closed until 2026-03-08 13:00"),
                ("2026-03-08 13:00", "open until 2026-03-08 21:00"),
                // 1 November: back to EST.
                ("2026-10-31 22:00", "closed until 2026-11-01 14:00"),
                ("2026-11-01 21:59", "open until 2026-11-01 22:00"),
            ],
        );
        // A night range across the spring-forward gap: 01:00-04:00 is two hours that day.
        let night = schedule(
            r#"{"timeZone":"America/New_York","weekly":{"sun":"01:00-04:00","mon":"02:30-03:00"}}"#,
        );
        check(
            &night,
            &ny,
            &[
                ("2026-03-08 05:00", "closed until 2026-03-08 06:00"),
                ("2026-03-08 06:30", "open until 2026-03-08 08:00"),
                // The fall-back overlap: 01:00 happens twice; opening is the first, closing at 04:00 EST.
                ("2026-11-01 04:00", "closed until 2026-11-01 05:00"),
                ("2026-11-01 05:30", "open until 2026-11-01 09:00"),
            ],
        );
        // Opening inside the gap (02:30 does not exist on 8 March): open when the clocks jump.
        let gap = schedule(r#"{"timeZone":"America/New_York","weekly":{"sun":"02:30-05:00"}}"#);
        check(
            &gap,
            &ny,
            &[
                ("2026-03-08 06:00", "closed until 2026-03-08 07:00"),
                ("2026-03-08 07:00", "open until 2026-03-08 09:00"),
            ],
        );
        // Berlin springs forward at 02:00 local on 29 March 2026 (01:00 UTC).
        let b = schedule(r#"{"timeZone":"Europe/Berlin","weekly":{"sun":"02:15-03:30"}}"#);
        check(
            &b,
            &berlin(),
            &[
                ("2026-03-29 00:30", "closed until 2026-03-29 01:00"),
                ("2026-03-29 01:10", "open until 2026-03-29 01:30"),
            ],
        );
    }

    #[test]
    fn never_open_and_long_closures() {
        let s = schedule(r#"{"timeZone":"UTC","weekly":{}}"#);
        check(&s, &Fixed(0), &[("2026-11-23 10:00", "closed")]);
        let s = schedule(
            r#"{"timeZone":"UTC","weekly":{"mon":"09:00-10:00"},"exceptions":{"2026-11-01/2027-02-28":"closed"}}"#,
        );
        check(
            &s,
            &Fixed(0),
            &[("2026-11-23 10:00", "closed until 2027-03-01 09:00")],
        );
    }

    #[test]
    fn to_utc_picks_the_first_of_two_and_the_jump_in_a_gap() {
        let ny = new_york();
        let local = |t: &str| utc(t);
        assert_eq!(
            show(to_utc(local("2026-11-01 01:30"), &ny)),
            "2026-11-01 05:30"
        );
        assert_eq!(
            show(to_utc(local("2026-03-08 02:30"), &ny)),
            "2026-03-08 07:00"
        );
        assert_eq!(
            show(to_utc(local("2026-06-01 09:00"), &ny)),
            "2026-06-01 13:00"
        );
    }

    #[test]
    fn bad_hours_are_named_by_path() {
        let rows: &[(&str, &[&str])] = &[
            (r#"{"weekly":{"mon":"09:00-17:00"}}"#, &["hours.timeZone: missing; write the IANA time zone the hours are in, such as Europe/Paris"]),
            (r#"{"timeZone":"Paris","weekly":{}}"#, &["hours.timeZone: \"Paris\" is not an IANA time zone name such as Europe/Paris or America/New_York"]),
            (r#"{"timeZone":"UTC"}"#, &["hours.weekly: missing; write the usual opening hours, such as {\"mon-fri\": \"09:00-17:00\"}"]),
            (
                r#"{"timeZone":"UTC","weekly":{"mon-fry":"09:00-17:00","tue":"9-5","wed":"17:00-17:00","thu":"08:00-25:00","fri":5},"exceptions":{"2026-02-30":"closed","12-25":"open"},"days":1}"#,
                &[
                    "hours.weekly.mon-fry: \"mon-fry\" is not a day, a range of days or a list of them, such as mon, mon-fri or sat,sun",
                    "hours.weekly.tue: \"9-5\" is not a range such as 09:00-17:00 (24-hour clock; 22:00-02:00 runs past midnight)",
                    "hours.weekly.wed: \"17:00-17:00\" is not a range such as 09:00-17:00 (24-hour clock; 22:00-02:00 runs past midnight)",
                    "hours.weekly.thu: \"08:00-25:00\" is not a range such as 09:00-17:00 (24-hour clock; 22:00-02:00 runs past midnight)",
                    "hours.weekly.fri: expected \"closed\" or ranges such as \"09:00-17:00\", found a number",
                    "hours.exceptions.2026-02-30: \"2026-02-30\" is not a date such as 2026-12-25, a range such as 2026-08-01/2026-08-15, or a yearly day such as 12-25",
                    "hours.exceptions.12-25: \"open\" is not a range such as 09:00-17:00 (24-hour clock; 22:00-02:00 runs past midnight)",
                    "hours.days: unknown key; hours have timeZone, weekly, exceptions",
                ],
            ),
        ];
        for (config, want) in rows {
            let mut issues = Vec::new();
            parse(&json(config), "hours", None, &mut issues);
            let got: Vec<String> = issues
                .iter()
                .map(|i| format!("{}: {}", i.path, i.message))
                .collect();
            assert_eq!(
                got,
                want.iter().map(|w| crate::as_built(w)).collect::<Vec<_>>(),
                "{config}"
            );
        }
        // A channel's hours inherit the widget's zone.
        let mut issues = Vec::new();
        let s = parse(
            &json(r#"{"weekly":{"sat,sun":"closed","Monday-Friday":"08:00-20:00"}}"#),
            "channels[0].hours",
            Some("Europe/Paris"),
            &mut issues,
        )
        .unwrap();
        assert_eq!((s.time_zone.as_str(), issues.len()), ("Europe/Paris", 0));
        for zone in [
            "UTC",
            "Europe/Paris",
            "America/Argentina/Buenos_Aires",
            "Etc/GMT+5",
            "America/Port-au-Prince",
        ] {
            assert!(is_zone_name(zone), "{zone}");
        }
        for zone in [
            "",
            "Paris",
            "Europe/",
            "/Paris",
            "Europe/Pa ris",
            "Europe/<script>",
            "../etc/passwd",
        ] {
            assert!(!is_zone_name(zone), "{zone}");
        }
    }
}
