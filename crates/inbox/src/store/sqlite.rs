//! [`SqliteStore`]: the default backend, one SQLite file in WAL mode with every commit synced.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, TransactionBehavior};

use super::query::{self, Cursor, DayStats, Filter, Page, Param, COLUMNS, SEQ_COLUMN};
use super::{
    compare_with_first, customer_key, flags_column, reply_target, Change, Columns, Delivery, Event,
    Inserted, Job, JobState, NewFeedback, NewReply, OpenSession, Reply, Session, Status,
    StatusCounts, StoreError, StoredSubmission, User, REPLY_TARGET,
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
    // 7. A status (open, answered, closed) replaces `handled` (a handled message is closed);
    //    the assignee; the customer (the e-mail address in lower case, see `customer_key`);
    //    teammates, each session theirs ('' is the configured password's owner); replies; and
    //    what was done to each message by whom.
    "ALTER TABLE feedback ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
    UPDATE feedback SET status = 'closed' WHERE handled <> 0;
    ALTER TABLE feedback DROP COLUMN handled;
    ALTER TABLE feedback ADD COLUMN assignee TEXT;
    ALTER TABLE feedback ADD COLUMN customer TEXT;
    UPDATE feedback SET customer = lower(trim(email, ' ')) WHERE trim(coalesce(email, ''), ' ') <> '';
    CREATE INDEX feedback_customer ON feedback (customer, received_at);
    CREATE INDEX outbox_feedback ON outbox (feedback_id);
    CREATE TABLE users (
        key           TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at    TEXT NOT NULL
    );
    ALTER TABLE sessions ADD COLUMN user_key TEXT NOT NULL DEFAULT '';
    CREATE TABLE replies (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        id          TEXT NOT NULL UNIQUE,
        feedback_id TEXT NOT NULL,
        at          TEXT NOT NULL,
        author      TEXT NOT NULL,
        to_address  TEXT NOT NULL,
        body        TEXT NOT NULL
    );
    CREATE INDEX replies_feedback ON replies (feedback_id);
    CREATE TABLE activity (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        feedback_id TEXT NOT NULL,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        kind        TEXT NOT NULL,
        value       TEXT NOT NULL
    );
    CREATE INDEX activity_feedback ON activity (feedback_id);",
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

/// A transaction that writes: it takes the write lock at once (`BEGIN IMMEDIATE`, waiting up to
/// the busy timeout for another process), so one that reads first never finds its snapshot
/// outdated by another instance's commit when it comes to write (`SQLITE_BUSY_SNAPSHOT`, which no
/// timeout waits out). `unchecked`: the mutex already gives exclusive use of the connection.
fn write(conn: &Connection) -> rusqlite::Result<rusqlite::Transaction<'_>> {
    rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
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

fn read_stored(row: &rusqlite::Row<'_>) -> rusqlite::Result<Columns> {
    Ok(Columns {
        received_at: row.get(0)?,
        body: row.get(1)?,
        site: row.get(2)?,
        status: row.get(3)?,
        note: row.get(4)?,
        flags: row.get(5)?,
        assignee: row.get(6)?,
    })
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

fn user_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        name: row.get(0)?,
        password_hash: row.get(1)?,
        created_at: row.get(2)?,
    })
}

/// One page from `sql` (which selects [`COLUMNS`] and the rowid).
fn read_page(
    conn: &Connection,
    sql: &str,
    params: Vec<Param>,
    limit: u32,
) -> Result<Page<StoredSubmission>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params_from_iter(values(params)), |row| {
        Ok((read_stored(row)?, row.get::<_, i64>(SEQ_COLUMN)?))
    })?;
    let fetched = rows
        .map(|row| {
            let (columns, seq) = row?;
            let cursor = Cursor {
                received_at: columns.received_at.clone(),
                seq,
            };
            Ok((columns.into_stored()?, cursor))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Page::from_fetched(fetched, limit))
}

/// Runs `change` on message `id` and, when it changed a row, records `kind`/`value` by `by`.
/// `false` when there is no such message.
fn change_and_record(
    conn: &Connection,
    id: &str,
    change: (&str, &[&dyn rusqlite::ToSql]),
    (kind, value): (&str, &str),
    by: &Change,
) -> Result<bool, StoreError> {
    let tx = write(conn)?;
    if tx.execute(change.0, change.1)? == 1 {
        tx.execute(
            "INSERT INTO activity (feedback_id, at, actor, kind, value) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, by.at, by.by, kind, value],
        )?;
    }
    let exists = tx
        .prepare_cached("SELECT 1 FROM feedback WHERE id = ?1")?
        .exists([id])?;
    tx.commit()?;
    Ok(exists)
}

#[async_trait]
impl super::Store for SqliteStore {
    async fn insert(&self, new: &NewFeedback) -> Result<Inserted, StoreError> {
        let new = new.clone();
        self.with(move |conn| {
            let s = &new.submission;
            let body = serde_json::to_string(s)?;
            // The message and its outbox jobs commit together: a stored message is never left
            // without its forwarding.
            let tx = write(conn)?;
            // The primary key decides: of any number of racing inserts with one id, exactly one
            // changes a row. No check-then-insert.
            let changed = tx.execute(
                "INSERT INTO feedback (id, received_at, message, rating, email, page_url, body, name, site, flags, customer)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
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
                    flags_column(&new.flags),
                    customer_key(s.email.as_deref())
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
        // `received_at` has a fixed width, so text order is time order; rowid breaks ties.
        // The indexes on `received_at` (and `site, received_at`) hold the rowid, so a page
        // is a short walk down one of them from the cursor.
        let (sql, params) = query::page_sql(filter, "rowid", after, limit);
        self.with(move |conn| read_page(conn, &sql, params, limit))
            .await
    }

    async fn list_customers(
        &self,
        filter: &Filter,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<Page<StoredSubmission>, StoreError> {
        let (sql, params) = query::customers_page_sql(filter, "rowid", after, limit);
        self.with(move |conn| read_page(conn, &sql, params, limit))
            .await
    }

    async fn get(&self, id: &str) -> Result<Option<StoredSubmission>, StoreError> {
        let id = id.to_string();
        self.with(move |conn| {
            let sql = format!("SELECT {COLUMNS} FROM feedback WHERE id = ?1");
            conn.query_row(&sql, [&id], read_stored)
                .optional()?
                .map(Columns::into_stored)
                .transpose()
        })
        .await
    }

    async fn history(
        &self,
        customer: &str,
        limit: u32,
    ) -> Result<Vec<StoredSubmission>, StoreError> {
        let customer = customer.to_string();
        self.with(move |conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM feedback WHERE customer = ?1 ORDER BY received_at DESC, rowid DESC LIMIT ?2"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![customer, limit], read_stored)?;
            rows.map(|row| row?.into_stored()).collect()
        })
        .await
    }

    async fn message_counts(&self, customers: &[String]) -> Result<Vec<(String, i64)>, StoreError> {
        let customers = customers.to_vec();
        self.with(move |conn| {
            if customers.is_empty() {
                return Ok(Vec::new());
            }
            let marks = (1..=customers.len())
                .map(|n| format!("?{n}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT customer, count(*) FROM feedback WHERE customer IN ({marks}) GROUP BY customer"
            );
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt.query_map(params_from_iter(customers), |row| Ok((row.get(0)?, row.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn set_status(&self, id: &str, status: Status, by: &Change) -> Result<bool, StoreError> {
        let (id, by) = (id.to_string(), by.clone());
        self.with(move |conn| {
            let name = status.name();
            change_and_record(
                conn,
                &id,
                (
                    "UPDATE feedback SET status = ?1 WHERE id = ?2 AND status <> ?1",
                    params![name, id],
                ),
                ("status", name),
                &by,
            )
        })
        .await
    }

    async fn assign(
        &self,
        id: &str,
        assignee: Option<&str>,
        by: &Change,
    ) -> Result<bool, StoreError> {
        let (id, assignee, by) = (id.to_string(), assignee.map(String::from), by.clone());
        self.with(move |conn| {
            change_and_record(
                conn,
                &id,
                (
                    "UPDATE feedback SET assignee = ?1 WHERE id = ?2 AND assignee IS NOT ?1",
                    params![assignee, id],
                ),
                ("assign", assignee.as_deref().unwrap_or("")),
                &by,
            )
        })
        .await
    }

    async fn set_note(&self, id: &str, note: &str, by: &Change) -> Result<bool, StoreError> {
        let (id, note, by) = (id.to_string(), note.to_string(), by.clone());
        self.with(move |conn| {
            change_and_record(
                conn,
                &id,
                (
                    "UPDATE feedback SET note = ?1 WHERE id = ?2 AND note <> ?1",
                    params![note, id],
                ),
                ("note", &note),
                &by,
            )
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

    async fn add_reply(&self, reply: &NewReply) -> Result<Option<Inserted>, StoreError> {
        let r = reply.clone();
        self.with(move |conn| {
            // The reply, its e-mail's outbox job and the status commit together.
            let tx = write(conn)?;
            let exists = tx
                .prepare_cached("SELECT 1 FROM feedback WHERE id = ?1")?
                .exists([&r.feedback_id])?;
            if !exists {
                return Ok(None);
            }
            let changed = tx.execute(
                "INSERT INTO replies (id, feedback_id, at, author, to_address, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING",
                params![r.id, r.feedback_id, r.at, r.by, r.to, r.text],
            )?;
            if changed == 0 {
                return Ok(Some(Inserted::Retry));
            }
            tx.execute(
                "INSERT INTO outbox (feedback_id, target, next_at) VALUES (?1, ?2, ?3)",
                params![r.feedback_id, reply_target(&r.id), r.at],
            )?;
            tx.execute(
                "UPDATE feedback SET status = 'answered' WHERE id = ?1",
                [&r.feedback_id],
            )?;
            tx.commit()?;
            Ok(Some(Inserted::New))
        })
        .await
    }

    async fn replies(&self, feedback_id: &str) -> Result<Vec<Reply>, StoreError> {
        let id = feedback_id.to_string();
        self.with(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT r.id, r.at, r.author, r.to_address, r.body, o.attempts, o.last_error, o.next_at, o.delivered_at
                 FROM replies r JOIN outbox o ON o.feedback_id = r.feedback_id AND o.target = '{REPLY_TARGET}' || r.id
                 WHERE r.feedback_id = ?1 ORDER BY r.seq"
            ))?;
            let rows = stmt.query_map([id], |row| {
                Ok(Reply {
                    id: row.get(0)?,
                    at: row.get(1)?,
                    by: row.get(2)?,
                    to: row.get(3)?,
                    text: row.get(4)?,
                    delivery: Delivery::from_job(row.get(5)?, row.get(6)?, row.get(7)?, row.get(8)?),
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn activity(&self, feedback_id: &str) -> Result<Vec<Event>, StoreError> {
        let id = feedback_id.to_string();
        self.with(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT at, actor, kind, value FROM activity WHERE feedback_id = ?1 ORDER BY seq",
            )?;
            let rows = stmt.query_map([id], |row| {
                Ok(Event {
                    at: row.get(0)?,
                    by: row.get(1)?,
                    kind: row.get(2)?,
                    value: row.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn failing_replies(&self, limit: u32) -> Result<Vec<String>, StoreError> {
        self.with(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT feedback_id FROM outbox WHERE target LIKE '{REPLY_TARGET}%' AND delivered_at IS NULL AND attempts > 0
                 GROUP BY feedback_id ORDER BY max(seq) DESC LIMIT ?1"
            ))?;
            let rows = stmt.query_map([limit], |row| row.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn status_counts(&self, filter: &Filter) -> Result<StatusCounts, StoreError> {
        let (clause, params) = filter.any_status().where_clause();
        self.with(move |conn| {
            let mut stmt = conn.prepare_cached(&query::status_counts_sql(&clause))?;
            let mut rows = stmt.query(params_from_iter(values(params)))?;
            let mut counts = StatusCounts::default();
            while let Some(row) = rows.next()? {
                counts.add(&row.get::<_, String>(0)?, row.get(1)?);
            }
            Ok(counts)
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

    async fn add_user(&self, user: &User) -> Result<bool, StoreError> {
        let user = user.clone();
        self.with(move |conn| {
            let changed = conn.execute(
                "INSERT INTO users (key, name, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (key) DO NOTHING",
                params![
                    user.name.to_lowercase(),
                    user.name,
                    user.password_hash,
                    user.created_at
                ],
            )?;
            Ok(changed == 1)
        })
        .await
    }

    async fn remove_user(&self, name: &str) -> Result<bool, StoreError> {
        let key = name.to_lowercase();
        self.with(move |conn| {
            let tx = write(conn)?;
            let removed = tx.execute("DELETE FROM users WHERE key = ?1", [&key])? == 1;
            tx.execute("DELETE FROM sessions WHERE user_key = ?1", [&key])?;
            tx.commit()?;
            Ok(removed)
        })
        .await
    }

    async fn set_user_password(&self, name: &str, password_hash: &str) -> Result<bool, StoreError> {
        let (key, hash) = (name.to_lowercase(), password_hash.to_string());
        self.with(move |conn| {
            let tx = write(conn)?;
            let changed = tx.execute(
                "UPDATE users SET password_hash = ?2 WHERE key = ?1",
                params![key, hash],
            )? == 1;
            tx.execute("DELETE FROM sessions WHERE user_key = ?1", [&key])?;
            tx.commit()?;
            Ok(changed)
        })
        .await
    }

    async fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        let key = name.to_lowercase();
        self.with(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT name, password_hash, created_at FROM users WHERE key = ?1",
            )?;
            Ok(stmt.query_row([key], user_from_row).optional()?)
        })
        .await
    }

    async fn users(&self) -> Result<Vec<User>, StoreError> {
        self.with(move |conn| {
            let mut stmt = conn
                .prepare_cached("SELECT name, password_hash, created_at FROM users ORDER BY key")?;
            let rows = stmt.query_map([], user_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        let s = session.clone();
        self.with(move |conn| {
            conn.execute(
                "INSERT INTO sessions (id, user_key, password, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![s.id, s.user, s.password, s.created_at, s.expires_at],
            )?;
            Ok(())
        })
        .await
    }

    async fn session(&self, id: &str, now: &str) -> Result<Option<OpenSession>, StoreError> {
        let (id, now) = (id.to_string(), now.to_string());
        self.with(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT s.user_key, s.password, u.name, u.password_hash FROM sessions s
                 LEFT JOIN users u ON u.key = s.user_key AND s.user_key <> ''
                 WHERE s.id = ?1 AND s.expires_at > ?2",
            )?;
            let session = stmt.query_row(params![id, now], |row| {
                let name: Option<String> = row.get(2)?;
                let hash: Option<String> = row.get(3)?;
                Ok(OpenSession {
                    user: row.get(0)?,
                    password: row.get(1)?,
                    teammate: name.zip(hash),
                })
            });
            Ok(session.optional()?)
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

    async fn end_expired_sessions(&self, now: &str) -> Result<(), StoreError> {
        let now = now.to_string();
        self.with(move |conn| {
            conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now])?;
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
        let (site, status): (String, String) = lock(&store.conn)
            .query_row(
                "SELECT site, status FROM feedback WHERE id = 'a'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("old row kept");
        assert_eq!((site.as_str(), status.as_str()), ("", "open"));
    }

    /// Before statuses (version 6): a handled message becomes closed, the others stay open;
    /// each message gets its customer; a login of the one password stays the owner's.
    #[test]
    fn handled_becomes_closed_and_logins_stay() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("inbox.sqlite3");
        {
            let conn = Connection::open(&path).expect("create");
            for step in &MIGRATIONS[..6] {
                conn.execute_batch(step).expect("an older schema");
            }
            conn.pragma_update(None, "user_version", 6)
                .expect("set version");
            conn.execute_batch(
                "INSERT INTO feedback (id, received_at, message, body, email, handled) VALUES
                     ('a', '2026-01-01T00:00:00.000Z', 'm', '{}', 'Ana@Example.ORG', 1),
                     ('b', '2026-01-02T00:00:00.000Z', 'm', '{}', ' ana@example.org', 0),
                     ('c', '2026-01-03T00:00:00.000Z', 'm', '{}', '', 0),
                     ('d', '2026-01-04T00:00:00.000Z', 'm', '{}', NULL, 1);
                 INSERT INTO sessions (id, password, created_at, expires_at) VALUES ('s', 'p', 'x', 'y');",
            )
            .expect("old rows");
        }
        let store = SqliteStore::open(&path).expect("migrate");
        let conn = lock(&store.conn);
        let mut stmt = conn
            .prepare("SELECT id, status, customer FROM feedback ORDER BY id")
            .expect("query");
        let rows: Vec<(String, String, Option<String>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("rows");
        let ana = Some("ana@example.org".to_string());
        assert_eq!(
            rows,
            [
                ("a".into(), "closed".into(), ana.clone()),
                ("b".into(), "open".into(), ana),
                ("c".into(), "open".into(), None),
                ("d".into(), "closed".into(), None),
            ]
        );
        assert_eq!(
            customer_key(Some(" Ana@Example.ORG")).as_deref(),
            Some("ana@example.org"),
            "the rule new messages follow"
        );
        let user: String = conn
            .query_row("SELECT user_key FROM sessions WHERE id = 's'", [], |r| {
                r.get(0)
            })
            .expect("the session is kept");
        assert_eq!(user, "", "the configured password's owner");
    }
}
