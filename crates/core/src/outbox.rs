//! Delivery as a pure state machine: the persistent outbox of submissions not yet confirmed, and
//! what each attempt's result means for them (contracts §6).
//!
//! The shell stores the outbox (localStorage), runs the attempts and passes in the clock (`now`,
//! ms since the epoch), the browser's online state and a random number for jitter; everything it
//! should do next comes back as data. Tested natively with a fake clock.

use serde::{Deserialize, Serialize};

use crate::i18n::Text;
use crate::json::{self, Fields};
use crate::submission::{reply_of, Reply, Submission};
use crate::value::{digits, Value};

/// Timing and size limits of delivery.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Policy {
    /// How long one attempt may take before it counts as a timeout.
    pub timeout_ms: f64,
    /// The first retry's delay; each further retry doubles it, up to `max_backoff_ms`.
    pub base_backoff_ms: f64,
    pub max_backoff_ms: f64,
    /// Attempts (online ones; waiting for the network does not count) before giving up.
    pub max_attempts: u32,
    /// How long an unconfirmed submission is kept on the device.
    pub expiry_ms: f64,
    /// How many submissions the outbox holds.
    pub max_entries: usize,
    /// How much text (characters over all messages) the outbox holds.
    pub max_chars: usize,
}

pub const POLICY: Policy = Policy {
    timeout_ms: 10_000.0,
    base_backoff_ms: 1_000.0,
    max_backoff_ms: 5.0 * 60_000.0,
    max_attempts: 8,
    expiry_ms: 7.0 * 24.0 * 3_600_000.0,
    max_entries: 20,
    max_chars: 60_000,
};

/// One submission waiting for confirmation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub submission: Submission,
    pub endpoint: String,
    /// `text/plain` without the `Idempotency-Key` header, for endpoints that cannot answer a preflight.
    #[serde(default)]
    pub simple: bool,
    /// Online attempts made so far.
    pub attempts: u32,
    /// When to try next (ms since the epoch); `None` means "when the browser is back online".
    pub next_at: Option<f64>,
    pub queued_at: f64,
}

/// What one attempt got back.
#[derive(Clone, Debug, PartialEq)]
pub enum Attempt {
    /// An HTTP answer, with its `Retry-After` header and the endpoint's reason when it gave one.
    Answered {
        status: u16,
        retry_after: Option<String>,
        reason: Option<String>,
    },
    /// `fetch` failed without an answer; `online` is `navigator.onLine` at that moment.
    NetworkError {
        online: bool,
    },
    Timeout,
}

/// Why a submission waits for another attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// The browser is offline: sent when it is back online.
    Offline,
    /// Online, but the request never got an answer: the network or a browser extension blocked it.
    Blocked,
    Timeout,
    /// 408, 425, 429 or 5xx.
    Server,
}

/// Why a submission will not be sent again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// A 4xx other than 408/425/429: the endpoint will never take it as it is.
    Refused {
        status: u16,
        reason: Option<String>,
    },
    TooManyAttempts,
}

/// The outcome of an attempt for its submission.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Delivered,
    Retry { wait: Wait, at: Option<f64> },
    GiveUp(Failure),
}

/// What the visitor is told after an attempt (the shell shows it when the submission is the one
/// in the form, and emits `kind` as the `contact-widget:error` event's).
#[derive(Clone, Debug, PartialEq)]
pub enum News {
    Sent,
    /// Offline: kept, and sent when the browser is back online; said as news, not as an error.
    Offline,
    /// `text` names the problem; `reason` fills its `{reason}`; `retrying` when it will be sent
    /// again by itself (otherwise the words stay in the form for the visitor to send again).
    Failed {
        kind: &'static str,
        text: Text,
        reason: Option<String>,
        retrying: bool,
    },
}

impl Verdict {
    pub fn news(&self) -> News {
        let failed = |kind, text, retrying| News::Failed {
            kind,
            text,
            reason: None,
            retrying,
        };
        match self {
            Verdict::Delivered => News::Sent,
            Verdict::Retry { wait, .. } => match wait {
                Wait::Offline => News::Offline,
                Wait::Blocked => failed("blocked", Text::FailBlocked, true),
                Wait::Timeout => failed("timeout", Text::FailTimeout, true),
                Wait::Server => failed("server", Text::FailServer, true),
            },
            Verdict::GiveUp(Failure::Refused { status, reason }) => News::Failed {
                kind: "rejected",
                text: Text::FailRejected,
                reason: Some(reason.clone().unwrap_or_else(|| format!("HTTP {status}"))),
                retrying: false,
            },
            Verdict::GiveUp(Failure::TooManyAttempts) => failed("server", Text::FailTooMany, false),
        }
    }
}

/// Why a submission could not be kept on the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Full {
    TooMany,
    TooLong,
}

/// Everything not yet confirmed, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outbox {
    pub entries: Vec<Entry>,
}

impl Entry {
    pub fn to_value(&self) -> Value {
        json::object(vec![
            ("submission", self.submission.to_value()),
            ("endpoint", json::text(&self.endpoint)),
            ("simple", Value::Bool(self.simple)),
            ("attempts", Value::Number(self.attempts as f64)),
            (
                "nextAt",
                self.next_at
                    .map_or(Value::Null, |t| Value::Number(json::ms(t))),
            ),
            ("queuedAt", Value::Number(json::ms(self.queued_at))),
        ])
    }

    pub fn from_value(v: &Value) -> Option<Entry> {
        Some(Entry {
            submission: Submission::from_value(v.get("submission")?)?,
            endpoint: v.text("endpoint")?,
            simple: matches!(v.get("simple"), Some(Value::Bool(true))),
            attempts: v.number("attempts")? as u32,
            next_at: match v.get("nextAt") {
                None | Some(Value::Null) => None,
                Some(Value::Number(n)) => Some(*n),
                Some(_) => return None,
            },
            queued_at: v.number("queuedAt")?,
        })
    }
}

impl Outbox {
    /// As stored: a list of entries.
    pub fn to_value(&self) -> Value {
        Value::Array(self.entries.iter().map(Entry::to_value).collect())
    }

    /// Reads what [`Outbox::to_value`] wrote; an unreadable entry is dropped, not fatal.
    pub fn from_value(v: &Value) -> Outbox {
        let Value::Array(items) = v else {
            return Outbox::default();
        };
        Outbox {
            entries: items.iter().filter_map(Entry::from_value).collect(),
        }
    }

    /// Keeps `entry` (replacing one with the same id), unless that would exceed the size caps.
    pub fn add(&mut self, entry: Entry, policy: &Policy) -> Result<(), Full> {
        self.entries
            .retain(|e| e.submission.id != entry.submission.id);
        if self.entries.len() >= policy.max_entries {
            return Err(Full::TooMany);
        }
        let chars: usize = self
            .entries
            .iter()
            .chain([&entry])
            .map(|e| e.submission.message.chars().count())
            .sum();
        if chars > policy.max_chars {
            return Err(Full::TooLong);
        }
        self.entries.push(entry);
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.submission.id == id)
    }

    /// Removes and returns the submissions older than the policy keeps them.
    pub fn expire(&mut self, now: f64, policy: &Policy) -> Vec<Entry> {
        let (old, keep) = self
            .entries
            .drain(..)
            .partition(|e| now - e.queued_at > policy.expiry_ms);
        self.entries = keep;
        old
    }

    /// Ids to attempt now: those due, and, when `online_again`, those waiting for the network.
    pub fn due(&self, now: f64, online_again: bool) -> Vec<String> {
        self.entries
            .iter()
            .filter(|e| match e.next_at {
                Some(at) => at <= now,
                None => online_again,
            })
            .map(|e| e.submission.id.clone())
            .collect()
    }

    /// When the next timed retry is due, if any.
    pub fn next_wake(&self) -> Option<f64> {
        self.entries
            .iter()
            .filter_map(|e| e.next_at)
            .reduce(f64::min)
    }

    /// Applies one attempt's result to submission `id`: removes it when delivered or given up,
    /// otherwise schedules the next attempt. `random` in [0, 1) is the jitter.
    pub fn record(
        &mut self,
        id: &str,
        attempt: &Attempt,
        now: f64,
        random: f64,
        policy: &Policy,
    ) -> Verdict {
        let Some(index) = self.entries.iter().position(|e| e.submission.id == id) else {
            // Another tab finished it meanwhile; the endpoint's idempotency made that safe.
            return Verdict::Delivered;
        };
        let entry = &mut self.entries[index];
        let counts = !matches!(attempt, Attempt::NetworkError { online: false });
        if counts {
            entry.attempts += 1;
        }
        let verdict = judge(entry.attempts, attempt, now, random, policy);
        match &verdict {
            Verdict::Retry { at, .. } => entry.next_at = at.map(json::ms),
            Verdict::Delivered | Verdict::GiveUp(_) => {
                self.entries.remove(index);
            }
        }
        verdict
    }
}

/// What an attempt means, given how many online attempts have been made (including this one).
pub fn judge(attempts: u32, attempt: &Attempt, now: f64, random: f64, policy: &Policy) -> Verdict {
    let (wait, retry_after) = match attempt {
        Attempt::Answered {
            status,
            retry_after,
            reason,
        } => match reply_of(*status) {
            Reply::Accepted => return Verdict::Delivered,
            Reply::Refused => {
                return Verdict::GiveUp(Failure::Refused {
                    status: *status,
                    reason: reason.clone(),
                })
            }
            Reply::Retry => (
                Wait::Server,
                retry_after
                    .as_deref()
                    .and_then(|h| parse_retry_after(h, now)),
            ),
        },
        Attempt::NetworkError { online: false } => {
            return Verdict::Retry {
                wait: Wait::Offline,
                at: None,
            }
        }
        Attempt::NetworkError { online: true } => (Wait::Blocked, None),
        Attempt::Timeout => (Wait::Timeout, None),
    };
    if attempts >= policy.max_attempts {
        return Verdict::GiveUp(Failure::TooManyAttempts);
    }
    let delay = retry_after.map_or_else(
        || backoff(attempts, random, policy),
        |ms| ms.min(policy.max_backoff_ms),
    );
    Verdict::Retry {
        wait,
        at: Some(now + delay),
    }
}

/// Exponential backoff with "equal jitter": half the doubled delay fixed, half random, so many
/// visitors retrying after one outage do not arrive together.
pub fn backoff(attempts: u32, random: f64, policy: &Policy) -> f64 {
    let exp = policy.base_backoff_ms * 2f64.powi(attempts.saturating_sub(1).min(30) as i32);
    let capped = exp.min(policy.max_backoff_ms);
    capped / 2.0 + capped / 2.0 * random.clamp(0.0, 1.0)
}

/// `Retry-After` as a delay in ms: delta-seconds (`120`) or an HTTP date
/// (`Wed, 21 Oct 2026 07:28:00 GMT`). Unreadable values are ignored (the backoff applies).
pub fn parse_retry_after(header: &str, now: f64) -> Option<f64> {
    let header = header.trim();
    if let Some(seconds) = digits(header) {
        return Some(seconds as f64 * 1000.0);
    }
    http_date_ms(header).map(|at| (at - now).max(0.0))
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) as ms since the epoch.
fn http_date_ms(s: &str) -> Option<f64> {
    let parts: Vec<&str> = s.split([' ', ':']).collect();
    let [_, day, month, year, hour, minute, second, "GMT"] = parts[..] else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? as i64 + 1;
    let num = |v: &str| digits(v).map(i64::from);
    let (day, year, hour, minute, second) = (
        num(day)?,
        num(year)?,
        num(hour)?,
        num(minute)?,
        num(second)?,
    );
    if !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + hour * 3600 + minute * 60 + second) * 1000) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::submission::{Page, WidgetInfo};

    fn submission(id: &str, message: &str) -> Submission {
        Submission {
            id: id.into(),
            message: message.into(),
            rating: None,
            email: None,
            name: None,
            consent: None,
            flags: Vec::new(),
            page: Page::default(),
            locale: "en".into(),
            time_zone: "UTC".into(),
            created_at: "2026-11-24T10:00:00.000Z".into(),
            widget: WidgetInfo {
                version: "0.1.0".into(),
            },
        }
    }

    fn entry(id: &str, now: f64) -> Entry {
        Entry {
            submission: submission(id, "hello"),
            endpoint: "/api/feedback".into(),
            simple: false,
            attempts: 0,
            next_at: Some(now),
            queued_at: now,
        }
    }

    fn answered(status: u16) -> Attempt {
        Attempt::Answered {
            status,
            retry_after: None,
            reason: None,
        }
    }

    #[test]
    fn each_answer_means_what_the_contract_says() {
        let rows: &[(Attempt, Verdict)] = &[
            (answered(200), Verdict::Delivered),
            (answered(201), Verdict::Delivered),
            (
                answered(500),
                Verdict::Retry {
                    wait: Wait::Server,
                    at: Some(1_000.0 + 500.0),
                },
            ),
            (
                answered(503),
                Verdict::Retry {
                    wait: Wait::Server,
                    at: Some(1_500.0),
                },
            ),
            (
                answered(408),
                Verdict::Retry {
                    wait: Wait::Server,
                    at: Some(1_500.0),
                },
            ),
            (
                answered(425),
                Verdict::Retry {
                    wait: Wait::Server,
                    at: Some(1_500.0),
                },
            ),
            (
                Attempt::Answered {
                    status: 429,
                    retry_after: Some("7".into()),
                    reason: None,
                },
                Verdict::Retry {
                    wait: Wait::Server,
                    at: Some(8_000.0),
                },
            ),
            (
                Attempt::Answered {
                    status: 400,
                    retry_after: None,
                    reason: Some("bad".into()),
                },
                Verdict::GiveUp(Failure::Refused {
                    status: 400,
                    reason: Some("bad".into()),
                }),
            ),
            (
                answered(422),
                Verdict::GiveUp(Failure::Refused {
                    status: 422,
                    reason: None,
                }),
            ),
            (
                answered(404),
                Verdict::GiveUp(Failure::Refused {
                    status: 404,
                    reason: None,
                }),
            ),
            (
                Attempt::NetworkError { online: false },
                Verdict::Retry {
                    wait: Wait::Offline,
                    at: None,
                },
            ),
            (
                Attempt::NetworkError { online: true },
                Verdict::Retry {
                    wait: Wait::Blocked,
                    at: Some(1_500.0),
                },
            ),
            (
                Attempt::Timeout,
                Verdict::Retry {
                    wait: Wait::Timeout,
                    at: Some(1_500.0),
                },
            ),
        ];
        for (attempt, verdict) in rows {
            assert_eq!(
                &judge(1, attempt, 1_000.0, 0.0, &POLICY),
                verdict,
                "{attempt:?}"
            );
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let delays: Vec<(f64, f64)> = (1..=12)
            .map(|n| (backoff(n, 0.0, &POLICY), backoff(n, 0.999_999, &POLICY)))
            .collect();
        assert_eq!(delays[0], (500.0, 999.9995));
        assert_eq!(delays[1].0, 1_000.0);
        assert_eq!(delays[2].0, 2_000.0);
        assert!(delays.windows(2).all(|w| w[1].0 >= w[0].0));
        assert_eq!(delays[11].0, POLICY.max_backoff_ms / 2.0, "capped");
        assert!(delays[11].1 <= POLICY.max_backoff_ms);
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = 1_792_000_000_000.0; // 2026-10-14T...
        assert_eq!(parse_retry_after("120", now), Some(120_000.0));
        assert_eq!(parse_retry_after(" 0 ", now), Some(0.0));
        assert_eq!(
            http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777_000.0)
        );
        assert_eq!(http_date_ms("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0.0));
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:10 GMT", 4_000.0),
            Some(6_000.0)
        );
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:10 GMT", 20_000.0),
            Some(0.0),
            "a past date means now"
        );
        for bad in [
            "soon",
            "-5",
            "1.5",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
        // A huge Retry-After is capped so the message is not parked for days.
        let verdict = judge(
            1,
            &Attempt::Answered {
                status: 503,
                retry_after: Some("999999".into()),
                reason: None,
            },
            0.0,
            0.0,
            &POLICY,
        );
        assert_eq!(
            verdict,
            Verdict::Retry {
                wait: Wait::Server,
                at: Some(POLICY.max_backoff_ms)
            }
        );
    }

    /// 500, 500, then 200 with a fake clock: same entry throughout, delivered on the third try.
    #[test]
    fn a_submission_survives_server_errors_until_delivered() {
        let mut outbox = Outbox::default();
        let mut now = 0.0;
        outbox.add(entry("a", now), &POLICY).unwrap();
        assert_eq!(outbox.due(now, false), ["a"]);
        for status in [500, 500] {
            let Verdict::Retry { at: Some(at), .. } =
                outbox.record("a", &answered(status), now, 0.5, &POLICY)
            else {
                panic!()
            };
            assert!(outbox.due(now, false).is_empty(), "not before its time");
            assert_eq!(outbox.next_wake(), Some(at));
            now = at;
            assert_eq!(outbox.due(now, false), ["a"]);
        }
        assert_eq!(
            outbox.record("a", &answered(200), now, 0.5, &POLICY),
            Verdict::Delivered
        );
        assert!(outbox.entries.is_empty());
        assert_eq!(
            outbox.record("a", &answered(200), now, 0.5, &POLICY),
            Verdict::Delivered,
            "already gone: another tab sent it"
        );
    }

    #[test]
    fn offline_waits_do_not_count_and_too_many_attempts_give_up() {
        let mut outbox = Outbox::default();
        outbox.add(entry("a", 0.0), &POLICY).unwrap();
        for _ in 0..20 {
            assert_eq!(
                outbox.record(
                    "a",
                    &Attempt::NetworkError { online: false },
                    0.0,
                    0.0,
                    &POLICY
                ),
                Verdict::Retry {
                    wait: Wait::Offline,
                    at: None
                }
            );
        }
        assert_eq!(outbox.get("a").unwrap().attempts, 0);
        assert!(
            outbox.due(1e12, false).is_empty(),
            "waits for the network, not the clock"
        );
        assert_eq!(outbox.due(0.0, true), ["a"], "back online");
        for n in 1..POLICY.max_attempts {
            assert!(
                matches!(
                    outbox.record("a", &Attempt::Timeout, 0.0, 0.0, &POLICY),
                    Verdict::Retry { .. }
                ),
                "attempt {n}"
            );
        }
        assert_eq!(
            outbox.record("a", &Attempt::Timeout, 0.0, 0.0, &POLICY),
            Verdict::GiveUp(Failure::TooManyAttempts)
        );
        assert!(outbox.entries.is_empty());
    }

    #[test]
    fn caps_expiry_and_replacement() {
        let mut outbox = Outbox::default();
        for i in 0..POLICY.max_entries {
            outbox
                .add(entry(&i.to_string(), i as f64), &POLICY)
                .unwrap();
        }
        assert_eq!(
            outbox.add(entry("one too many", 0.0), &POLICY),
            Err(Full::TooMany)
        );
        outbox.add(entry("3", 99.0), &POLICY).unwrap();
        assert_eq!(outbox.entries.len(), POLICY.max_entries, "same id replaces");

        let mut small = Outbox::default();
        let mut long = entry("long", 0.0);
        long.submission.message = "x".repeat(POLICY.max_chars + 1);
        assert_eq!(small.add(long, &POLICY), Err(Full::TooLong));

        let expired = outbox.expire(POLICY.expiry_ms + 5.5, &POLICY);
        assert_eq!(
            expired
                .iter()
                .map(|e| e.submission.id.as_str())
                .collect::<Vec<_>>(),
            ["0", "1", "2", "4", "5"]
        );
        assert_eq!(outbox.entries.len(), POLICY.max_entries - 5);
    }

    #[test]
    fn each_verdict_tells_the_visitor_what_happened() {
        assert_eq!(Verdict::Delivered.news(), News::Sent);
        let retry = |wait| Verdict::Retry { wait, at: None }.news();
        assert_eq!(retry(Wait::Offline), News::Offline);
        assert_eq!(
            retry(Wait::Blocked),
            News::Failed {
                kind: "blocked",
                text: Text::FailBlocked,
                reason: None,
                retrying: true
            }
        );
        assert_eq!(
            Verdict::GiveUp(Failure::Refused {
                status: 422,
                reason: None
            })
            .news(),
            News::Failed {
                kind: "rejected",
                text: Text::FailRejected,
                reason: Some("HTTP 422".into()),
                retrying: false
            }
        );
        assert_eq!(
            Verdict::GiveUp(Failure::TooManyAttempts).news(),
            News::Failed {
                kind: "server",
                text: Text::FailTooMany,
                reason: None,
                retrying: false
            }
        );
    }

    #[test]
    fn round_trips_through_storage_text() {
        let mut outbox = Outbox::default();
        outbox.add(entry("a", 5.0), &POLICY).unwrap();
        outbox.add(entry("b", 7.0), &POLICY).unwrap();
        outbox.entries[0].next_at = None;
        outbox.entries[1].submission.flags = vec!["too-fast".into()];
        let text = crate::json::write(&outbox.to_value());
        assert!(text.contains("\"nextAt\":null"), "{text}");
        assert_eq!(Outbox::from_value(&crate::value::json(&text)), outbox);
        // A corrupt entry is dropped; the rest survive.
        let damaged = text.replacen("\"endpoint\"", "\"elsewhere\"", 1);
        assert_eq!(
            Outbox::from_value(&crate::value::json(&damaged))
                .entries
                .len(),
            1
        );
        assert_eq!(
            Outbox::from_value(&Value::String("garbage".into())),
            Outbox::default()
        );
    }
}
