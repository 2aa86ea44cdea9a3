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
pub use query::{Cursor, DayStats, Filter, Page};
pub use sqlite::SqliteStore;

/// A place that keeps submissions, at most one per `id`, with the owner's handling state.
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

    /// One submission by id.
    async fn get(&self, id: &str) -> Result<Option<StoredSubmission>, StoreError>;

    /// Marks a submission handled (or not). `false` when there is no such id.
    async fn set_handled(&self, id: &str, handled: bool) -> Result<bool, StoreError>;

    /// Replaces the owner's note on a submission. `false` when there is no such id.
    async fn set_note(&self, id: &str, note: &str) -> Result<bool, StoreError>;

    /// Clears a submission's spam flags: the owner says it is not spam. `false` when there is
    /// no such id.
    async fn clear_flags(&self, id: &str) -> Result<bool, StoreError>;

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

    /// Keeps a new login session.
    async fn create_session(&self, session: &Session) -> Result<(), StoreError>;

    /// Whether session `id` is open: kept, made under `password`, and not expired at `now`.
    async fn session_open(&self, id: &str, password: &str, now: &str) -> Result<bool, StoreError>;

    /// Ends session `id` (logout). Ending one that is gone is no error.
    async fn end_session(&self, id: &str) -> Result<(), StoreError>;

    /// Ends every session made under another password than `password` (the password changed)
    /// or expired at `now`.
    async fn end_stale_sessions(&self, password: &str, now: &str) -> Result<(), StoreError>;

    /// The backend's name for logs and `/healthz`.
    fn backend(&self) -> &'static str;
}

/// One login, as kept: never the cookie's token itself, only its hash (see `auth`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the cookie's token, hex.
    pub id: String,
    /// Which password hash it was made under, so changing the password ends it.
    pub password: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub expires_at: String,
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
    pub target: String,
    /// Failed attempts so far.
    pub attempts: i32,
    /// The lease this claim holds: only its holder may record the attempt.
    pub lease: String,
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

/// What the inbox adds to a submission.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct InboxState {
    pub site: String,
    pub handled: bool,
    pub note: String,
    pub flags: Vec<String>,
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

/// Builds a [`StoredSubmission`] from the columns every backend selects, in [`query::COLUMNS`] order.
fn stored_from_columns(
    received_at: String,
    body: &str,
    site: String,
    handled: bool,
    note: String,
    flags: &str,
) -> Result<StoredSubmission, StoreError> {
    Ok(StoredSubmission {
        submission: serde_json::from_str(body)?,
        received_at,
        inbox: InboxState {
            site,
            handled,
            note,
            flags: flags_from_column(flags),
        },
    })
}
