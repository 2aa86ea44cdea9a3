//! [`SqliteStore`]: the default backend, one SQLite file in WAL mode.

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use rusqlite::{params, Connection, TransactionBehavior};
use widget_core::submission::Submission;

use super::{Inserted, StoreError, StoredSubmission};
use crate::time::rfc3339;

/// Schema steps, applied in order; `PRAGMA user_version` counts how many have run.
/// Append only: never edit a step that has shipped.
const MIGRATIONS: &[&str] = &[
    // 1. The whole submission lives in `body` (JSON), so new optional payload fields need no
    //    migration; the other columns copy what is handy to query. `id` is the exactly-once key.
    "CREATE TABLE feedback (
        id          TEXT PRIMARY KEY,
        received_at TEXT NOT NULL,
        message     TEXT NOT NULL,
        rating      INTEGER,
        email       TEXT,
        page_url    TEXT,
        body        TEXT NOT NULL
    );
    CREATE INDEX feedback_received_at ON feedback (received_at);",
];

/// A [`super::Store`] on one SQLite connection. The mutex serialises access; SQLite takes one
/// writer at a time anyway, and an inbox's traffic is small.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (or creates) the database at `path` and brings its schema up to date.
    /// The parent directory must exist.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut conn = Connection::open(path)?;
        // Another process (a second inbox, the sqlite3 shell) may hold the lock briefly.
        conn.busy_timeout(Duration::from_secs(5))?;
        // WAL lets readers go on while a submission is written. An in-memory database answers
        // "memory" instead, which is fine.
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))?;
        // A 201 promises the submission is kept: sync every commit, even in WAL mode.
        conn.pragma_update(None, "synchronous", "FULL")?;
        migrate(&mut conn)?;
        Ok(SqliteStore { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (statements are
        // atomic), so a poisoned lock is still safe to use.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Runs the migrations this database has not seen yet. Each step runs in an IMMEDIATE
/// transaction that re-reads the version, so two processes opening a new file at once do not
/// both apply it.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if version == MIGRATIONS.len() as i64 {
            return Ok(()); // up to date; dropping `tx` ends the empty transaction
        }
        let step = usize::try_from(version).ok().and_then(|v| MIGRATIONS.get(v)).ok_or_else(|| {
            StoreError::new(format!(
                "the database has schema version {version}, but this inbox knows only up to {}; \
                 use a newer inbox",
                MIGRATIONS.len()
            ))
        })?;
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
}

impl super::Store for SqliteStore {
    fn insert(&self, submission: &Submission, received_at: SystemTime) -> Result<Inserted, StoreError> {
        let body = serde_json::to_string(submission)?;
        // The primary key decides: of any number of racing inserts with one id, exactly one
        // changes a row. No check-then-insert.
        let conn = self.conn();
        let changed = conn.execute(
            "INSERT INTO feedback (id, received_at, message, rating, email, page_url, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (id) DO NOTHING",
            params![
                submission.id,
                rfc3339(received_at),
                submission.message,
                submission.rating,
                submission.email,
                submission.page.url,
                body,
            ],
        )?;
        if changed == 1 {
            return Ok(Inserted::New);
        }
        let first: String = conn.query_row("SELECT body FROM feedback WHERE id = ?1", [&submission.id], |row| row.get(0))?;
        let first: Submission = serde_json::from_str(&first)?;
        Ok(if first == *submission { Inserted::Retry } else { Inserted::Conflict })
    }

    fn list(&self) -> Result<Vec<StoredSubmission>, StoreError> {
        let conn = self.conn();
        // `received_at` has a fixed width, so text order is time order; rowid breaks ties.
        let mut stmt =
            conn.prepare_cached("SELECT received_at, body FROM feedback ORDER BY received_at DESC, rowid DESC")?;
        let rows = stmt.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
        rows.map(|row| {
            let (received_at, body) = row?;
            Ok(StoredSubmission { submission: serde_json::from_str(&body)?, received_at })
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn submission(id: &str, message: &str) -> Submission {
        serde_json::from_value(serde_json::json!({
            "id": id, "message": message, "page": {"url": "https://shop.example/"},
            "locale": "en", "timeZone": "UTC", "createdAt": "2026-11-22T10:15:30.000Z",
            "widget": {"version": "0.1.0"}
        }))
        .expect("sample submission")
    }

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn first_insert_wins_and_list_is_newest_first() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("inbox.sqlite3")).expect("open");
        let a = submission("00000000-0000-4000-8000-000000000001", "first");
        let b = submission("00000000-0000-4000-8000-000000000002", "second");
        assert_eq!(store.insert(&a, at(10)).expect("insert"), Inserted::New);
        assert_eq!(store.insert(&b, at(20)).expect("insert"), Inserted::New);
        assert_eq!(store.insert(&a, at(25)).expect("insert"), Inserted::Retry);
        let mut changed = a.clone();
        changed.message = "changed".into();
        assert_eq!(store.insert(&changed, at(30)).expect("insert"), Inserted::Conflict);

        let listed = store.list().expect("list");
        let got: Vec<_> = listed.iter().map(|s| (s.submission.message.as_str(), s.received_at.as_str())).collect();
        assert_eq!(got, [("second", "1970-01-01T00:00:20.000Z"), ("first", "1970-01-01T00:00:10.000Z")]);
    }

    #[test]
    fn reopening_keeps_data_and_schema_version() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("inbox.sqlite3");
        let s = submission("00000000-0000-4000-8000-000000000003", "kept");
        SqliteStore::open(&path).expect("open").insert(&s, at(1)).expect("insert");
        let store = SqliteStore::open(&path).expect("reopen");
        assert_eq!(store.list().expect("list").len(), 1);
        let version: i64 =
            store.conn().pragma_query_value(None, "user_version", |row| row.get(0)).expect("user_version");
        assert_eq!(version, MIGRATIONS.len() as i64);
        let mode: String = store.conn().pragma_query_value(None, "journal_mode", |row| row.get(0)).expect("mode");
        assert_eq!(mode, "wal");
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("inbox.sqlite3");
        Connection::open(&path).expect("create").pragma_update(None, "user_version", 99).expect("set version");
        let err = SqliteStore::open(&path).err().expect("refused");
        assert!(err.to_string().contains("schema version 99"), "{err}");
    }
}
