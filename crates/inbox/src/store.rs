//! Where submissions are kept: the [`Store`] trait the handlers use, and its backends.
//!
//! A store receives only validated submissions and decides "new or duplicate" itself, atomically,
//! so exactly-once storage holds however many requests race with the same id.

use std::error::Error;
use std::fmt;
use std::time::SystemTime;

use serde::Serialize;
use widget_core::submission::Submission;

mod sqlite;

pub use sqlite::SqliteStore;

/// A place that keeps submissions, at most one per `id`.
///
/// Methods block (SQLite is synchronous); async callers run them on a blocking thread.
pub trait Store: Send + Sync + 'static {
    /// Keeps `submission` unless one with the same `id` is already kept.
    fn insert(&self, submission: &Submission, received_at: SystemTime) -> Result<Inserted, StoreError>;

    /// Every kept submission, newest first.
    fn list(&self) -> Result<Vec<StoredSubmission>, StoreError>;
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

/// A submission as kept: the payload's own fields plus when the server received it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredSubmission {
    #[serde(flatten)]
    pub submission: Submission,
    /// RFC 3339, UTC, server clock.
    pub received_at: String,
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

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(Box::new(e))
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError(Box::new(e))
    }
}
