//! [`SqliteStore`]: the default backend, one SQLite file in WAL mode with every commit synced.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, TransactionBehavior};

use super::query::{self, Cursor, DayStats, Filter, Page, Param, COLUMNS};
use super::{
    compare_with_first, flags_column, stored_from_columns, Inserted, Job, JobState, NewFeedback,
    Session, StoreError, StoredSubmission,
};

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
    // 2. The inbox's own state: which site, handled, the owner's note, spam flags; `name` to search.
    "ALTER TABLE feedback ADD COLUMN name TEXT;
    ALTER TABLE feedback ADD COLUMN site TEXT NOT NULL DEFAULT '';
    ALTER TABLE feedback ADD COLUMN handled INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE feedback ADD COLUMN note TEXT NOT NULL DEFAULT '';
    ALTER TABLE feedback ADD COLUMN flags TEXT NOT NULL DEFAULT '';
    CREATE INDEX feedback_site ON feedback (site, received_at);",
    // 3. The forwarding outbox: one row per (message, target), written with the message.
    "CREATE TABLE outbox (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        feedback_id  TEXT NOT NULL,
        target       TEXT NOT NULL,
        attempts     INTEGER NOT NULL DEFAULT 0,
        next_at      TEXT NOT NULL,
        last_error   TEXT NOT NULL DEFAULT '',
        delivered_at TEXT
    );
    CREATE INDEX outbox_due ON outbox (delivered_at, next_at);",
    // 4. Who holds a job: a token per claim, so only the current holder records the attempt.
    //    While leased, `next_at` is when the lease ends.
    "ALTER TABLE outbox ADD COLUMN lease TEXT;",
    // 5. Login sessions, so logout and a password change end them (see `auth`).
    "CREATE TABLE sessions (
        id         TEXT PRIMARY KEY,
        password   TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );",
    // 6. Insight counts (see `store/insights.rs`): one counter per day, site and what the widget
    //    said of the event; never a row per visitor, no address, no user agent.
    "CREATE TABLE event_counts (
        day      TEXT NOT NULL,
        site     TEXT NOT NULL,
        event    TEXT NOT NULL,
        channel  TEXT NOT NULL,
        action   TEXT NOT NULL,
        path     TEXT NOT NULL,
        language TEXT NOT NULL,
        device   TEXT NOT NULL,
        count    INTEGER NOT NULL,
        PRIMARY KEY (day, site, event, channel, action, path, language, device)
    ) WITHOUT ROWID;",
];

/// A [`super::Store`] on one SQLite connection. The mutex serialises access; SQLite takes one
/// writer at a time anyway. Calls run on tokio's blocking pool so file IO never stalls a worker.
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
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
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// The schema version (`PRAGMA user_version`) and journal mode, for tests and diagnostics.
    pub fn schema(&self) -> Result<(i64, String), StoreError> {
        let conn = lock(&self.conn);
        let version = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let mode = conn.pragma_query_value(None, "journal_mode", |row| row.get(0))?;
        Ok((version, mode))
    }

    /// Runs `call` with the connection on the blocking pool.
    pub(super) async fn with<T: Send + 'static>(
        &self,
        call: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || call(&lock(&conn))).await?
    }
}

fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding the lock cannot leave SQLite half-written (statements are
    // atomic), so a poisoned lock is still safe to use.
    conn.lock().unwrap_or_else(PoisonError::into_inner)
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
        let step = usize::try_from(version)
            .ok()
            .and_then(|v| MIGRATIONS.get(v))
            .ok_or_else(|| {
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

pub(super) fn values(params: Vec<Param>) -> Vec<Value> {
    params
        .into_iter()
        .map(|p| match p {
            Param::Text(s) => Value::Text(s),
            Param::Int(i) => Value::Integer(i64::from(i)),
            Param::BigInt(i) => Value::Integer(i),
        })
        .collect()
}

fn read_stored(
    row: &rusqlite::Row<'_>,
) -> rusqlite::Result<(String, String, String, bool, String, String)> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
    ))
}

fn job_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Job> {
    Ok(Job {
        seq: row.get(0)?,
        feedback_id: row.get(1)?,
        target: row.get(2)?,
        attempts: row.get(3)?,
        lease: row.get(4)?,
    })
}

type Columns = (String, String, String, bool, String, String);

fn to_stored(
    (received_at, body, site, handled, note, flags): Columns,
) -> Result<StoredSubmission, StoreError> {
    stored_from_columns(received_at, &body, site, handled, note, &flags)
}

#[async_trait]
impl super::Store for SqliteStore {
    async fn insert(&self, new: &NewFeedback) -> Result<Inserted, StoreError> {
        let new = new.clone();
        self.with(move |conn| {
            let s = &new.submission;
            let body = serde_json::to_string(s)?;
            // The message and its outbox jobs commit together: a stored message is never left
            // without its forwarding. `unchecked`: the mutex already gives exclusive use.
            let tx = conn.unchecked_transaction()?;
            // The primary key decides: of any number of racing inserts with one id, exactly one
            // changes a row. No check-then-insert.
            let changed = tx.execute(
                "INSERT INTO feedback (id, received_at, message, rating, email, page_url, body, name, site, flags)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (id) DO NOTHING",
                params![
                    s.id,
                    new.received_at,
                    s.message,
                    s.rating,
                    s.email,
                    s.page.url,
                    body,
                    s.name,
                    new.site,
                    flags_column(&new.flags)
                ],
            )?;
            if changed == 1 {
                for target in &new.forward_to {
                    tx.execute(
                        "INSERT INTO outbox (feedback_id, target, next_at) VALUES (?1, ?2, ?3)",
                        params![s.id, target, new.received_at],
                    )?;
                }
                tx.commit()?;
                return Ok(Inserted::New);
            }
            let first: String = tx.query_row("SELECT body FROM feedback WHERE id = ?1", [&s.id], |row| row.get(0))?;
            compare_with_first(&first, s)
        })
        .await
    }

    async fn list(
        &self,
        filter: &Filter,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<Page<StoredSubmission>, StoreError> {
        let (filter, after) = (filter.clone(), after.cloned());
        self.with(move |conn| {
            // `received_at` has a fixed width, so text order is time order; rowid breaks ties.
            // The indexes on `received_at` (and `site, received_at`) hold the rowid, so a page
            // is a short walk down one of them from the cursor.
            let (sql, params) = query::page_sql(&filter, "rowid", after.as_ref(), limit);
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(values(params)), |row| {
                Ok((read_stored(row)?, row.get::<_, i64>(6)?))
            })?;
            let fetched = rows
                .map(|row| {
                    let (columns, seq) = row?;
                    let cursor = Cursor {
                        received_at: columns.0.clone(),
                        seq,
                    };
                    Ok((to_stored(columns)?, cursor))
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            Ok(Page::from_fetched(fetched, limit))
        })
        .await
    }

    async fn get(&self, id: &str) -> Result<Option<StoredSubmission>, StoreError> {
        let id = id.to_string();
        self.with(move |conn| {
            let sql = format!("SELECT {COLUMNS} FROM feedback WHERE id = ?1");
            conn.query_row(&sql, [&id], read_stored)
                .optional()?
                .map(to_stored)
                .transpose()
        })
        .await
    }

    async fn set_handled(&self, id: &str, handled: bool) -> Result<bool, StoreError> {
        let id = id.to_string();
        self.with(move |conn| {
            Ok(conn.execute(
                "UPDATE feedback SET handled = ?1 WHERE id = ?2",
                params![handled, id],
            )? == 1)
        })
        .await
    }

    async fn set_note(&self, id: &str, note: &str) -> Result<bool, StoreError> {
        let (id, note) = (id.to_string(), note.to_string());
        self.with(move |conn| {
            Ok(conn.execute(
                "UPDATE feedback SET note = ?1 WHERE id = ?2",
                params![note, id],
            )? == 1)
        })
        .await
    }

    async fn clear_flags(&self, id: &str) -> Result<bool, StoreError> {
        let id = id.to_string();
        self.with(move |conn| {
            Ok(conn.execute("UPDATE feedback SET flags = '' WHERE id = ?1", [id])? == 1)
        })
        .await
    }

    async fn daily(&self, filter: &Filter) -> Result<Vec<DayStats>, StoreError> {
        let filter = filter.clone();
        self.with(move |conn| {
            let (clause, params) = filter.where_clause();
            let mut stmt = conn.prepare_cached(&query::daily_sql(&clause))?;
            let rows = stmt.query_map(params_from_iter(values(params)), |row| {
                Ok(DayStats {
                    day: row.get(0)?,
                    count: row.get(1)?,
                    average_rating: row.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn claim_job(
        &self,
        now: &str,
        lease_until: &str,
        lease: &str,
    ) -> Result<Option<Job>, StoreError> {
        let (now, lease_until, lease) =
            (now.to_string(), lease_until.to_string(), lease.to_string());
        self.with(move |conn| {
            // One statement: SQLite takes the write lock before it reads, so of two processes
            // claiming at once one waits and then sees the job leased.
            let mut stmt = conn.prepare_cached(
                "UPDATE outbox SET next_at = ?2, lease = ?3 WHERE seq = (
                     SELECT seq FROM outbox WHERE delivered_at IS NULL AND next_at <= ?1 ORDER BY seq LIMIT 1)
                 RETURNING seq, feedback_id, target, attempts, lease",
            )?;
            Ok(stmt.query_row(params![now, lease_until, lease], job_from_row).optional()?)
        })
        .await
    }

    async fn job_delivered(&self, seq: i64, lease: &str, now: &str) -> Result<bool, StoreError> {
        let (lease, now) = (lease.to_string(), now.to_string());
        self.with(move |conn| {
            let changed = conn.execute(
                "UPDATE outbox SET delivered_at = ?3, last_error = '', lease = NULL WHERE seq = ?1 AND lease = ?2",
                params![seq, lease, now],
            )?;
            Ok(changed == 1)
        })
        .await
    }

    async fn job_failed(
        &self,
        seq: i64,
        lease: &str,
        next_at: &str,
        error: &str,
    ) -> Result<bool, StoreError> {
        let (lease, next_at, error) = (lease.to_string(), next_at.to_string(), error.to_string());
        self.with(move |conn| {
            let changed = conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, next_at = ?3, last_error = ?4, lease = NULL
                 WHERE seq = ?1 AND lease = ?2",
                params![seq, lease, next_at, error],
            )?;
            Ok(changed == 1)
        })
        .await
    }

    async fn jobs_of(&self, feedback_id: &str) -> Result<Vec<JobState>, StoreError> {
        let id = feedback_id.to_string();
        self.with(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT target, attempts, last_error, delivered_at IS NOT NULL FROM outbox WHERE feedback_id = ?1 ORDER BY seq",
            )?;
            let rows = stmt.query_map([id], |row| {
                Ok(JobState { target: row.get(0)?, attempts: row.get(1)?, last_error: row.get(2)?, delivered: row.get(3)? })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        let s = session.clone();
        self.with(move |conn| {
            conn.execute(
                "INSERT INTO sessions (id, password, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![s.id, s.password, s.created_at, s.expires_at],
            )?;
            Ok(())
        })
        .await
    }

    async fn session_open(&self, id: &str, password: &str, now: &str) -> Result<bool, StoreError> {
        let (id, password, now) = (id.to_string(), password.to_string(), now.to_string());
        self.with(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT 1 FROM sessions WHERE id = ?1 AND password = ?2 AND expires_at > ?3",
            )?;
            Ok(stmt.exists(params![id, password, now])?)
        })
        .await
    }

    async fn end_session(&self, id: &str) -> Result<(), StoreError> {
        let id = id.to_string();
        self.with(move |conn| {
            conn.execute("DELETE FROM sessions WHERE id = ?1", [id])?;
            Ok(())
        })
        .await
    }

    async fn end_stale_sessions(&self, password: &str, now: &str) -> Result<(), StoreError> {
        let (password, now) = (password.to_string(), now.to_string());
        self.with(move |conn| {
            conn.execute(
                "DELETE FROM sessions WHERE password <> ?1 OR expires_at <= ?2",
                params![password, now],
            )?;
            Ok(())
        })
        .await
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("inbox.sqlite3");
        Connection::open(&path)
            .expect("create")
            .pragma_update(None, "user_version", 99)
            .expect("set version");
        let err = SqliteStore::open(&path).err().expect("refused");
        assert!(err.to_string().contains("schema version 99"), "{err}");
    }

    #[test]
    fn a_version_1_database_is_migrated_and_keeps_its_rows() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("inbox.sqlite3");
        {
            let conn = Connection::open(&path).expect("create");
            conn.execute_batch(MIGRATIONS[0]).expect("version 1 schema");
            conn.pragma_update(None, "user_version", 1)
                .expect("set version");
            conn.execute(
                "INSERT INTO feedback (id, received_at, message, body) VALUES ('a', '2026-01-01T00:00:00.000Z', 'm', '{}')",
                [],
            )
            .expect("old row");
        }
        let store = SqliteStore::open(&path).expect("migrate");
        assert_eq!(
            store.schema().expect("schema"),
            (MIGRATIONS.len() as i64, "wal".to_string())
        );
        let (site, handled): (String, bool) = lock(&store.conn)
            .query_row(
                "SELECT site, handled FROM feedback WHERE id = 'a'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("old row kept");
        assert_eq!((site.as_str(), handled), ("", false));
    }
}
