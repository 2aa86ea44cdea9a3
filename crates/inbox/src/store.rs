//! Where submissions are kept: the [`Store`] trait the handlers use, and its two backends —
//! SQLite (default, one file) and PostgreSQL (several instances, `DATABASE_URL`).
//!
//! A store receives only validated submissions and decides "new or duplicate" itself, atomically,
//! so exactly-once storage holds however many requests (or instances) race with the same id.
//! Both backends share one schema shape and the filter SQL in [`query`]; each keeps its own
//! migrations.

use std::error::Error;
use std::fmt;

use async_trait::async_trait;
use serde::Serialize;
use widget_core::submission::Submission;

pub mod insights;
mod postgres;
pub mod query;
mod sqlite;

// Every store keeps the insight counts too: `Store: Insights`, in a file of their own.
pub use insights::Insights;
pub use postgres::PostgresStore;
pub use query::{Cursor, DayStats, Filter, Page, Site};
pub use sqlite::SqliteStore;

/// A place that keeps submissions, at most one per `id`, with the owner's handling state: status,
/// assignee, note, replies and who did what; the team's users and their login sessions; the
/// outbox of forwarding and reply jobs.
#[async_trait]
pub trait Store: Insights + Send + Sync + 'static {
    /// Keeps `new` unless a submission with the same `id` is already kept.
    async fn insert(&self, new: &NewFeedback) -> Result<Inserted, StoreError>;

    /// One page of the kept submissions matching `filter`, newest first: at most `limit`, from
    /// just after `after` (from the newest without), and where the next page starts.
    async fn list(
        &self,
        filter: &Filter,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<Page<StoredSubmission>, StoreError>;

    /// [`Store::list`] with one row per customer: each customer's newest message that matches
    /// `filter` (a message without an e-mail address is a customer of its own).
    async fn list_customers(
        &self,
        filter: &Filter,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<Page<StoredSubmission>, StoreError>;

    /// One submission by id.
    async fn get(&self, id: &str) -> Result<Option<StoredSubmission>, StoreError>;

    /// Every message of one customer (see [`customer_key`]), newest first, at most `limit`.
    async fn history(
        &self,
        customer: &str,
        limit: u32,
    ) -> Result<Vec<StoredSubmission>, StoreError>;

    /// How many messages each of `customers` has sent, in any status.
    async fn message_counts(&self, customers: &[String]) -> Result<Vec<(String, i64)>, StoreError>;

    /// Sets a submission's status, recording who did it when it changes. `false` when there is no
    /// such id.
    async fn set_status(&self, id: &str, status: Status, by: &Change) -> Result<bool, StoreError>;

    /// Assigns a submission to a teammate (or to nobody), recording who did it when it changes.
    /// `false` when there is no such id.
    async fn assign(
        &self,
        id: &str,
        assignee: Option<&str>,
        by: &Change,
    ) -> Result<bool, StoreError>;

    /// Replaces the owner's note on a submission, recording who wrote it. `false` when there is
    /// no such id.
    async fn set_note(&self, id: &str, note: &str, by: &Change) -> Result<bool, StoreError>;

    /// Clears a submission's spam flags: the owner says it is not spam. `false` when there is
    /// no such id.
    async fn clear_flags(&self, id: &str) -> Result<bool, StoreError>;

    /// Keeps a reply, queues its e-mail in the outbox and marks the message answered, together.
    /// `Retry` when a reply with this id is kept already (the form was sent twice): nothing
    /// changes. `None` when there is no such message.
    async fn add_reply(&self, reply: &NewReply) -> Result<Option<Inserted>, StoreError>;

    /// The replies to one message, oldest first, each with its delivery as the outbox knows it.
    async fn replies(&self, feedback_id: &str) -> Result<Vec<Reply>, StoreError>;

    /// What was done to one message (status, assignment, note), oldest first.
    async fn activity(&self, feedback_id: &str) -> Result<Vec<Event>, StoreError>;

    /// Messages with a reply that failed at least once and is not delivered yet, newest reply
    /// first, at most `limit`.
    async fn failing_replies(&self, limit: u32) -> Result<Vec<String>, StoreError>;

    /// How many submissions matching `filter` (its status ignored) are in each status.
    async fn status_counts(&self, filter: &Filter) -> Result<StatusCounts, StoreError>;

    /// Count and average rating per UTC day of the submissions matching `filter`, oldest first.
    async fn daily(&self, filter: &Filter) -> Result<Vec<DayStats>, StoreError>;

    /// Leases the oldest outbox job due at `now` (`next_at <= now`, not delivered) to the holder
    /// of `lease` until `lease_until`, so no other worker takes it meanwhile. A worker claims a
    /// job right before each attempt; a crashed worker's lease simply runs out.
    async fn claim_job(
        &self,
        now: &str,
        lease_until: &str,
        lease: &str,
    ) -> Result<Option<Job>, StoreError>;

    /// Marks a job delivered, if `lease` is still the job's current lease. `false` when it is
    /// not: the lease ran out and another worker has claimed the job since.
    async fn job_delivered(&self, seq: i64, lease: &str, now: &str) -> Result<bool, StoreError>;

    /// Records a failed attempt and when to try again, if `lease` is still the job's current
    /// lease (`false` otherwise, as for [`Store::job_delivered`]).
    async fn job_failed(
        &self,
        seq: i64,
        lease: &str,
        next_at: &str,
        error: &str,
    ) -> Result<bool, StoreError>;

    /// Every outbox job of one message, oldest first (for tests and diagnostics).
    async fn jobs_of(&self, feedback_id: &str) -> Result<Vec<JobState>, StoreError>;

    /// Keeps a new teammate. `false` when the name is taken (case-insensitively).
    async fn add_user(&self, user: &User) -> Result<bool, StoreError>;

    /// Removes a teammate and ends their sessions. `false` when there is no such user.
    async fn remove_user(&self, name: &str) -> Result<bool, StoreError>;

    /// Replaces a teammate's password hash and ends their sessions. `false` when there is no
    /// such user.
    async fn set_user_password(&self, name: &str, password_hash: &str) -> Result<bool, StoreError>;

    /// A teammate by name (case-insensitively).
    async fn user(&self, name: &str) -> Result<Option<User>, StoreError>;

    /// Every teammate, by name.
    async fn users(&self) -> Result<Vec<User>, StoreError>;

    /// Keeps a new login session.
    async fn create_session(&self, session: &Session) -> Result<(), StoreError>;

    /// Session `id` if it is kept and not expired at `now`, with its user's current password
    /// hash (for a teammate still there), so the caller can tell whether the password changed.
    async fn session(&self, id: &str, now: &str) -> Result<Option<OpenSession>, StoreError>;

    /// Ends session `id` (logout). Ending one that is gone is no error.
    async fn end_session(&self, id: &str) -> Result<(), StoreError>;

    /// Ends every session expired at `now`.
    async fn end_expired_sessions(&self, now: &str) -> Result<(), StoreError>;

    /// The backend's name for logs and `/healthz`.
    fn backend(&self) -> &'static str;
}

/// Where a message is in the owner's work: new and unanswered, answered by a reply from the
/// inbox, or closed (nothing more to do). Replaced the single "handled" flag: a handled message
/// became closed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Open,
    Answered,
    Closed,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Open, Status::Answered, Status::Closed];

    /// The name in URLs, JSON and the database.
    pub fn name(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Answered => "answered",
            Status::Closed => "closed",
        }
    }

    pub fn from_name(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.name() == name)
    }

    /// What older clients read as `handled`: the owner has dealt with it (answered or closed).
    pub fn handled(self) -> bool {
        self != Status::Open
    }
}

/// How many messages are in each status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    pub open: i64,
    pub answered: i64,
    pub closed: i64,
}

impl StatusCounts {
    pub fn of(&self, status: Status) -> i64 {
        match status {
            Status::Open => self.open,
            Status::Answered => self.answered,
            Status::Closed => self.closed,
        }
    }

    pub fn total(&self) -> i64 {
        self.open + self.answered + self.closed
    }

    fn add(&mut self, status: &str, count: i64) {
        match Status::from_name(status) {
            Some(Status::Open) => self.open += count,
            Some(Status::Answered) => self.answered += count,
            Some(Status::Closed) => self.closed += count,
            None => {}
        }
    }
}

/// Who changed something, and when (RFC 3339 UTC).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub by: String,
    pub at: String,
}

/// One thing done to a message: `kind` is `status` (`value` the new status), `assign` (`value`
/// the assignee, empty for nobody) or `note` (`value` the note as written).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    pub at: String,
    pub by: String,
    pub kind: String,
    pub value: String,
}

/// A reply the owner wrote, before it is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReply {
    /// Made when the reply form was shown (32 hex digits), so a form sent twice is kept once.
    pub id: String,
    pub feedback_id: String,
    pub at: String,
    pub by: String,
    /// The customer's address it goes to.
    pub to: String,
    pub text: String,
}

/// A reply as kept, with its delivery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reply {
    pub id: String,
    pub at: String,
    pub by: String,
    pub to: String,
    pub text: String,
    pub delivery: Delivery,
}

/// Where a reply's e-mail is: from its outbox job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// `sending` (not tried yet, or being tried), `failing` (tried and refused; retried with
    /// backoff) or `sent` (the mail server accepted it).
    pub state: &'static str,
    /// Failed attempts so far.
    pub attempts: i32,
    pub last_error: String,
    /// When the mail server accepted it.
    pub sent_at: Option<String>,
    /// When the next attempt is due (or the current attempt's lease ends), until it is sent.
    pub next_attempt_at: Option<String>,
}

impl Delivery {
    fn from_job(
        attempts: i32,
        last_error: String,
        next_at: String,
        sent_at: Option<String>,
    ) -> Self {
        let state = match (&sent_at, attempts) {
            (Some(_), _) => "sent",
            (None, 0) => "sending",
            (None, _) => "failing",
        };
        Delivery {
            state,
            attempts,
            last_error,
            next_attempt_at: sent_at.is_none().then_some(next_at),
            sent_at,
        }
    }
}

/// A teammate who logs in with their own password. The configured `auth.password_hash` is a
/// user too, [`OWNER`], who is not kept in this table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// As they wrote it; unique case-insensitively.
    pub name: String,
    /// An argon2 PHC string.
    pub password_hash: String,
    pub created_at: String,
}

/// The name of the user whose password is the configured `auth.password_hash`.
pub const OWNER: &str = "owner";

/// One login, as kept: never the cookie's token itself, only its hash (see `auth`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the cookie's token, hex.
    pub id: String,
    /// Whose session: a teammate's name in lower case, or empty for [`OWNER`].
    pub user: String,
    /// Which password hash it was made under, so changing the password ends it.
    pub password: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub expires_at: String,
}

/// A session that is kept and not expired, with what its user's password is now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenSession {
    /// As in [`Session::user`].
    pub user: String,
    /// As in [`Session::password`].
    pub password: String,
    /// The teammate's name and current password hash; `None` for [`OWNER`] or a removed user.
    pub teammate: Option<(String, String)>,
}

/// The customer a message belongs to: its e-mail address in lower case (ASCII, as the
/// migrations fill it in for older rows), or `None` without one.
pub fn customer_key(email: Option<&str>) -> Option<String> {
    email
        .map(|e| e.trim_matches(' ').to_ascii_lowercase())
        .filter(|e| !e.is_empty())
}

/// A validated submission and what the server knows about its arrival.
#[derive(Clone, Debug)]
pub struct NewFeedback {
    pub submission: Submission,
    /// RFC 3339 UTC (see [`crate::time::rfc3339`]).
    pub received_at: String,
    /// The configured site it came from (see `config::Site`).
    pub site: String,
    /// Spam signals noticed on arrival (`honeypot`, `too-fast`); recorded, never refused.
    pub flags: Vec<String>,
    /// Outbox targets (`FORMAT URL`) to forward it to, queued in the same transaction as the
    /// message itself when it is new.
    pub forward_to: Vec<String>,
}

/// One leased outbox job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub seq: i64,
    pub feedback_id: String,
    /// `FORMAT URL` (a webhook), `email TO` (forwarding by e-mail) or `reply ID` (a reply).
    pub target: String,
    /// Failed attempts so far.
    pub attempts: i32,
    /// The lease this claim holds: only its holder may record the attempt.
    pub lease: String,
}

/// How the outbox target of a reply's e-mail starts: `reply ID`.
pub const REPLY_TARGET: &str = "reply ";

/// The outbox target of a reply's e-mail.
pub fn reply_target(reply_id: &str) -> String {
    format!("{REPLY_TARGET}{reply_id}")
}

/// An outbox job as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobState {
    pub target: String,
    pub attempts: i32,
    pub last_error: String,
    pub delivered: bool,
}

/// What [`Store::insert`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inserted {
    /// The id was new; the submission is now stored.
    New,
    /// The id was already stored with this same body: a retry. Nothing changed.
    Retry,
    /// The id was already stored with a different body. Nothing changed (the first one wins).
    Conflict,
}

/// A submission as kept: the payload's own fields plus `receivedAt` and the inbox's own state
/// under `inbox`, so the payload fields stay exactly as sent.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredSubmission {
    #[serde(flatten)]
    pub submission: Submission,
    /// RFC 3339, UTC, server clock.
    pub received_at: String,
    pub inbox: InboxState,
}

impl StoredSubmission {
    /// The customer who wrote it (see [`customer_key`]).
    pub fn customer(&self) -> Option<String> {
        customer_key(self.submission.email.as_deref())
    }
}

/// What the inbox adds to a submission. In JSON also `handled` (answered or closed), which
/// clients read before there was a status.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InboxState {
    pub site: String,
    pub status: Status,
    /// The teammate it is assigned to.
    pub assignee: Option<String>,
    pub note: String,
    pub flags: Vec<String>,
}

impl Serialize for InboxState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("InboxState", 6)?;
        s.serialize_field("site", &self.site)?;
        s.serialize_field("handled", &self.status.handled())?;
        s.serialize_field("status", &self.status)?;
        s.serialize_field("assignee", &self.assignee)?;
        s.serialize_field("note", &self.note)?;
        s.serialize_field("flags", &self.flags)?;
        s.end()
    }
}

/// A backend failure. Callers only report it, so it carries a message, not a backend type.
#[derive(Debug)]
pub struct StoreError(Box<dyn Error + Send + Sync>);

impl StoreError {
    pub fn new(message: impl Into<String>) -> Self {
        StoreError(message.into().into())
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Error for StoreError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.0.source()
    }
}

macro_rules! from_error {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError(Box::new(e))
            }
        }
    )*};
}
from_error!(
    rusqlite::Error,
    serde_json::Error,
    tokio_postgres::Error,
    tokio::task::JoinError
);

/// Flags are kept as one space-separated column: a handful of short words, never queried alone.
fn flags_column(flags: &[String]) -> String {
    flags.join(" ")
}

fn flags_from_column(column: &str) -> Vec<String> {
    column.split_whitespace().map(String::from).collect()
}

/// Decides retry or conflict for an id that was already stored, from the first body.
fn compare_with_first(first_body: &str, submission: &Submission) -> Result<Inserted, StoreError> {
    let first: Submission = serde_json::from_str(first_body)?;
    Ok(if first == *submission {
        Inserted::Retry
    } else {
        Inserted::Conflict
    })
}

/// The columns every listing selects, in [`query::COLUMNS`] order, as read from a row.
struct Columns {
    received_at: String,
    body: String,
    site: String,
    status: String,
    note: String,
    flags: String,
    assignee: Option<String>,
}

impl Columns {
    fn into_stored(self) -> Result<StoredSubmission, StoreError> {
        Ok(StoredSubmission {
            submission: serde_json::from_str(&self.body)?,
            received_at: self.received_at,
            inbox: InboxState {
                site: self.site,
                status: Status::from_name(&self.status).unwrap_or_default(),
                assignee: self.assignee,
                note: self.note,
                flags: flags_from_column(&self.flags),
            },
        })
    }
}
