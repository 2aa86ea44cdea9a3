//! [`PostgresStore`]: the backend for several inbox instances sharing one PostgreSQL database
//! (chosen by `DATABASE_URL`). Same table shape as SQLite; the primary key on `id` keeps
//! exactly-once storage across instances.

use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Row};

use super::query::{self, Cursor, DayStats, Filter, Page, Param, COLUMNS, SEQ_COLUMN};
use super::{
    compare_with_first, customer_key, flags_column, reply_target, Change, Columns, Delivery, Event,
    Inserted, Job, JobState, NewFeedback, NewReply, OpenSession, Reply, Session, Status,
    StatusCounts, StoreError, StoredSubmission, User, REPLY_TARGET,
};

/// Schema steps, applied in order; `inbox_schema.version` counts how many have run.
/// Append only: never edit a step that has shipped.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE feedback (
        seq         BIGSERIAL UNIQUE,
        id          TEXT PRIMARY KEY,
        received_at TEXT NOT NULL,
        message     TEXT NOT NULL,
        rating      INTEGER,
        email       TEXT,
        page_url    TEXT,
        body        TEXT NOT NULL,
        name        TEXT,
        site        TEXT NOT NULL DEFAULT '',
        handled     INTEGER NOT NULL DEFAULT 0,
        note        TEXT NOT NULL DEFAULT '',
        flags       TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX feedback_received_at ON feedback (received_at);
    CREATE INDEX feedback_site ON feedback (site, received_at);",
    "CREATE TABLE outbox (
        seq          BIGSERIAL PRIMARY KEY,
        feedback_id  TEXT NOT NULL,
        target       TEXT NOT NULL,
        attempts     INTEGER NOT NULL DEFAULT 0,
        next_at      TEXT NOT NULL,
        last_error   TEXT NOT NULL DEFAULT '',
        delivered_at TEXT
    );
    CREATE INDEX outbox_due ON outbox (delivered_at, next_at);",
    // Who holds a job: a token per claim, so only the current holder records the attempt.
    // While leased, `next_at` is when the lease ends.
    "ALTER TABLE outbox ADD COLUMN lease TEXT;",
    // Login sessions, so logout and a password change end them (see `auth`).
    "CREATE TABLE sessions (
        id         TEXT PRIMARY KEY,
        password   TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );",
    // Listings are pages in (received_at, seq) order: indexes in that order, so a page is a short
    // walk from its cursor (SQLite's indexes hold the rowid already).
    "CREATE INDEX feedback_received_seq ON feedback (received_at, seq);
    CREATE INDEX feedback_site_received_seq ON feedback (site, received_at, seq);
    DROP INDEX feedback_received_at;
    DROP INDEX feedback_site;",
    // Insight counts (see `store/insights.rs`): one counter per day, site and what the widget
    // said of the event; never a row per visitor, no address, no user agent.
    "CREATE TABLE event_counts (
        day      TEXT NOT NULL,
        site     TEXT NOT NULL,
        event    TEXT NOT NULL,
        channel  TEXT NOT NULL,
        action   TEXT NOT NULL,
        path     TEXT NOT NULL,
        language TEXT NOT NULL,
        device   TEXT NOT NULL,
        count    BIGINT NOT NULL,
        PRIMARY KEY (day, site, event, channel, action, path, language, device)
    );",
    // A status (open, answered, closed) replaces `handled` (a handled message is closed); the
    // assignee; the customer (the e-mail address in lower case, ASCII only as `customer_key`
    // does); teammates, each session theirs ('' is the configured password's owner); replies;
    // and what was done to each message by whom.
    "ALTER TABLE feedback ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
    UPDATE feedback SET status = 'closed' WHERE handled <> 0;
    ALTER TABLE feedback DROP COLUMN handled;
    ALTER TABLE feedback ADD COLUMN assignee TEXT;
    ALTER TABLE feedback ADD COLUMN customer TEXT;
    UPDATE feedback SET customer = translate(btrim(email, ' '), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
        WHERE btrim(coalesce(email, ''), ' ') <> '';
    CREATE INDEX feedback_customer ON feedback (customer, received_at, seq);
    CREATE INDEX outbox_feedback ON outbox (feedback_id);
    CREATE TABLE users (
        key           TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at    TEXT NOT NULL
    );
    ALTER TABLE sessions ADD COLUMN user_key TEXT NOT NULL DEFAULT '';
    CREATE TABLE replies (
        seq         BIGSERIAL PRIMARY KEY,
        id          TEXT NOT NULL UNIQUE,
        feedback_id TEXT NOT NULL,
        at          TEXT NOT NULL,
        author      TEXT NOT NULL,
        to_address  TEXT NOT NULL,
        body        TEXT NOT NULL
    );
    CREATE INDEX replies_feedback ON replies (feedback_id);
    CREATE TABLE activity (
        seq         BIGSERIAL PRIMARY KEY,
        feedback_id TEXT NOT NULL,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        kind        TEXT NOT NULL,
        value       TEXT NOT NULL
    );
    CREATE INDEX activity_feedback ON activity (feedback_id);",
];

/// Connections opened per instance. tokio-postgres pipelines concurrent queries on one
/// connection; a few let PostgreSQL work on several inserts at once.
const CONNECTIONS: usize = 4;

/// Any value; every instance uses it to serialise migrations.
const MIGRATION_LOCK: i64 = 0x1b0c_5e7e;

/// A [`super::Store`] on a handful of PostgreSQL connections, used round-robin. A connection
/// that closed (server restart, failover, idle kill) is opened again on its next use.
pub struct PostgresStore {
    config: tokio_postgres::Config,
    schema: Option<String>,
    clients: Vec<tokio::sync::RwLock<Arc<Client>>>,
    next: AtomicUsize,
}

/// One connection, its driver task spawned, in `schema` when given.
async fn connect_one(
    config: &tokio_postgres::Config,
    schema: Option<&str>,
) -> Result<Client, StoreError> {
    let (client, connection) = config.connect(NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!(error = %e, "PostgreSQL connection closed");
        }
    });
    if let Some(schema) = schema {
        let quoted = format!("\"{}\"", schema.replace('"', "\"\""));
        client
            .batch_execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS {quoted}; SET search_path TO {quoted}"
            ))
            .await?;
    }
    Ok(client)
}

impl PostgresStore {
    /// Connects to `url` (a `postgres://` URL or `key=value` string) and migrates. With `schema`,
    /// everything lives in that schema (created if missing), so tests can share one server.
    pub async fn connect(url: &str, schema: Option<&str>) -> Result<Self, StoreError> {
        let config = tokio_postgres::Config::from_str(url)?;
        let mut first = connect_one(&config, schema).await?;
        migrate(&mut first).await?;
        let mut clients = vec![tokio::sync::RwLock::new(Arc::new(first))];
        for _ in 1..CONNECTIONS {
            clients.push(tokio::sync::RwLock::new(Arc::new(
                connect_one(&config, schema).await?,
            )));
        }
        Ok(PostgresStore {
            config,
            schema: schema.map(String::from),
            clients,
            next: AtomicUsize::new(0),
        })
    }

    /// The next connection, reopened first if it has closed.
    pub(super) async fn client(&self) -> Result<Arc<Client>, StoreError> {
        let slot = &self.clients[self.next.fetch_add(1, Ordering::Relaxed) % self.clients.len()];
        let current = Arc::clone(&*slot.read().await);
        if !current.is_closed() {
            return Ok(current);
        }
        let mut guard = slot.write().await;
        if guard.is_closed() {
            tracing::info!("reconnecting to PostgreSQL");
            *guard = Arc::new(connect_one(&self.config, self.schema.as_deref()).await?);
        }
        Ok(Arc::clone(&*guard))
    }

    /// The schema version, for tests.
    pub async fn schema_version(&self) -> Result<i32, StoreError> {
        Ok(self
            .client()
            .await?
            .query_one("SELECT version FROM inbox_schema", &[])
            .await?
            .get(0))
    }
}

/// Runs the migrations this database has not seen, under an advisory lock so instances
/// starting together apply each step once.
async fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS inbox_schema (version INTEGER NOT NULL)")
        .await?;
    let version: i32 = match tx
        .query_opt("SELECT version FROM inbox_schema", &[])
        .await?
    {
        Some(row) => row.get(0),
        None => {
            tx.execute("INSERT INTO inbox_schema (version) VALUES (0)", &[])
                .await?;
            0
        }
    };
    let known = MIGRATIONS.len() as i32;
    if version > known {
        return Err(StoreError::new(format!(
            "the database has schema version {version}, but this inbox knows only up to {known}; use a newer inbox"
        )));
    }
    for step in &MIGRATIONS[version as usize..] {
        tx.batch_execute(step).await?;
    }
    tx.execute("UPDATE inbox_schema SET version = $1", &[&known])
        .await?;
    tx.commit().await?;
    Ok(())
}

pub(super) fn to_sql(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| match p {
            Param::Text(s) => s as &(dyn ToSql + Sync),
            Param::Int(i) => i as &(dyn ToSql + Sync),
            Param::BigInt(i) => i as &(dyn ToSql + Sync),
        })
        .collect()
}

fn to_stored(row: &Row) -> Result<StoredSubmission, StoreError> {
    Columns {
        received_at: row.try_get(0)?,
        body: row.try_get(1)?,
        site: row.try_get(2)?,
        status: row.try_get(3)?,
        note: row.try_get(4)?,
        flags: row.try_get(5)?,
        assignee: row.try_get(6)?,
    }
    .into_stored()
}

/// One page from `rows` (of [`COLUMNS`] and `seq`).
fn to_page(rows: &[Row], limit: u32) -> Result<Page<StoredSubmission>, StoreError> {
    let fetched = rows
        .iter()
        .map(|row| {
            Ok((
                to_stored(row)?,
                Cursor {
                    received_at: row.try_get(0)?,
                    seq: row.try_get(SEQ_COLUMN)?,
                },
            ))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Page::from_fetched(fetched, limit))
}

fn user_from_row(row: &Row) -> Result<User, StoreError> {
    Ok(User {
        name: row.try_get(0)?,
        password_hash: row.try_get(1)?,
        created_at: row.try_get(2)?,
    })
}

impl PostgresStore {
    /// Sets `column` of message `id` to `value` and, when that changed it, records `kind` by
    /// `by`, in one statement. `false` when there is no such message.
    async fn change_and_record(
        &self,
        id: &str,
        column: &str,
        value: Option<&str>,
        kind: &str,
        by: &Change,
    ) -> Result<bool, StoreError> {
        let sql = format!(
            "WITH up AS (
                 UPDATE feedback SET {column} = $2::text WHERE id = $1 AND {column} IS DISTINCT FROM $2::text RETURNING id),
             ev AS (
                 INSERT INTO activity (feedback_id, at, actor, kind, value)
                 SELECT id, $3, $4, $5, coalesce($2::text, '') FROM up RETURNING 1)
             SELECT EXISTS (SELECT 1 FROM feedback WHERE id = $1)"
        );
        Ok(self
            .client()
            .await?
            .query_one(&sql, &[&id, &value, &by.at, &by.by, &kind])
            .await?
            .try_get(0)?)
    }
}

#[async_trait]
impl super::Store for PostgresStore {
    async fn insert(&self, new: &NewFeedback) -> Result<Inserted, StoreError> {
        let s = &new.submission;
        let body = serde_json::to_string(s)?;
        let rating = s.rating.map(i32::from);
        let flags = flags_column(&new.flags);
        let client = self.client().await?;
        // As in SQLite: the primary key decides, so racing instances store one row. One statement
        // writes the message and, only if it is new, its outbox jobs: atomic without a
        // transaction on the shared, pipelined connection.
        let changed: i64 = client
            .query_one(
                "WITH ins AS (
                     INSERT INTO feedback (id, received_at, message, rating, email, page_url, body, name, site, flags, customer)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $12)
                     ON CONFLICT (id) DO NOTHING RETURNING id),
                 jobs AS (
                     INSERT INTO outbox (feedback_id, target, next_at)
                     SELECT ins.id, t, $2 FROM ins, unnest($11::text[]) AS t RETURNING 1)
                 SELECT count(*) FROM ins",
                &[
                    &s.id,
                    &new.received_at,
                    &s.message,
                    &rating,
                    &s.email,
                    &s.page.url,
                    &body,
                    &s.name,
                    &new.site,
                    &flags,
                    &new.forward_to,
                    &customer_key(s.email.as_deref()),
                ],
            )
            .await?
            .get(0);
        if changed == 1 {
            return Ok(Inserted::New);
        }
        let first: String = client
            .query_one("SELECT body FROM feedback WHERE id = $1", &[&s.id])
            .await?
            .get(0);
        compare_with_first(&first, s)
    }

    async fn list(
        &self,
        filter: &Filter,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<Page<StoredSubmission>, StoreError> {
        let (sql, params) = query::page_sql(filter, "seq", after, limit);
        let rows = self.client().await?.query(&sql, &to_sql(&params)).await?;
        to_page(&rows, limit)
    }

    async fn list_customers(
        &self,
        filter: &Filter,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<Page<StoredSubmission>, StoreError> {
        let (sql, params) = query::customers_page_sql(filter, "seq", after, limit);
        let rows = self.client().await?.query(&sql, &to_sql(&params)).await?;
        to_page(&rows, limit)
    }

    async fn get(&self, id: &str) -> Result<Option<StoredSubmission>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM feedback WHERE id = $1");
        self.client()
            .await?
            .query_opt(&sql, &[&id])
            .await?
            .as_ref()
            .map(to_stored)
            .transpose()
    }

    async fn history(
        &self,
        customer: &str,
        limit: u32,
    ) -> Result<Vec<StoredSubmission>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM feedback WHERE customer = $1 ORDER BY received_at DESC, seq DESC LIMIT $2"
        );
        let rows = self
            .client()
            .await?
            .query(&sql, &[&customer, &i64::from(limit)])
            .await?;
        rows.iter().map(to_stored).collect()
    }

    async fn message_counts(&self, customers: &[String]) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT customer, count(*) FROM feedback WHERE customer = ANY($1) GROUP BY customer",
                &[&customers],
            )
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    async fn set_status(&self, id: &str, status: Status, by: &Change) -> Result<bool, StoreError> {
        self.change_and_record(id, "status", Some(status.name()), "status", by)
            .await
    }

    async fn assign(
        &self,
        id: &str,
        assignee: Option<&str>,
        by: &Change,
    ) -> Result<bool, StoreError> {
        self.change_and_record(id, "assignee", assignee, "assign", by)
            .await
    }

    async fn set_note(&self, id: &str, note: &str, by: &Change) -> Result<bool, StoreError> {
        self.change_and_record(id, "note", Some(note), "note", by)
            .await
    }

    async fn clear_flags(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self
            .client()
            .await?
            .execute("UPDATE feedback SET flags = '' WHERE id = $1", &[&id])
            .await?
            == 1)
    }

    async fn add_reply(&self, r: &NewReply) -> Result<Option<Inserted>, StoreError> {
        // One statement keeps the reply, queues its e-mail and marks the message answered: atomic
        // without a transaction on the shared connection, as `insert` is.
        let row = self
            .client()
            .await?
            .query_one(
                "WITH r AS (
                     INSERT INTO replies (id, feedback_id, at, author, to_address, body)
                     SELECT $1, id, $3, $4, $5, $6 FROM feedback WHERE id = $2
                     ON CONFLICT (id) DO NOTHING RETURNING feedback_id),
                 j AS (
                     INSERT INTO outbox (feedback_id, target, next_at) SELECT feedback_id, $7, $3 FROM r RETURNING 1),
                 s AS (
                     UPDATE feedback SET status = 'answered' WHERE id IN (SELECT feedback_id FROM r) RETURNING 1)
                 SELECT (SELECT count(*) FROM r), EXISTS (SELECT 1 FROM feedback WHERE id = $2)",
                &[&r.id, &r.feedback_id, &r.at, &r.by, &r.to, &r.text, &reply_target(&r.id)],
            )
            .await?;
        let (kept, exists): (i64, bool) = (row.try_get(0)?, row.try_get(1)?);
        Ok(match (exists, kept) {
            (false, _) => None,
            (true, 1) => Some(Inserted::New),
            (true, _) => Some(Inserted::Retry),
        })
    }

    async fn replies(&self, feedback_id: &str) -> Result<Vec<Reply>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                &format!(
                    "SELECT r.id, r.at, r.author, r.to_address, r.body, o.attempts, o.last_error, o.next_at, o.delivered_at
                     FROM replies r JOIN outbox o ON o.feedback_id = r.feedback_id AND o.target = '{REPLY_TARGET}' || r.id
                     WHERE r.feedback_id = $1 ORDER BY r.seq"
                ),
                &[&feedback_id],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Reply {
                    id: row.try_get(0)?,
                    at: row.try_get(1)?,
                    by: row.try_get(2)?,
                    to: row.try_get(3)?,
                    text: row.try_get(4)?,
                    delivery: Delivery::from_job(
                        row.try_get(5)?,
                        row.try_get(6)?,
                        row.try_get(7)?,
                        row.try_get(8)?,
                    ),
                })
            })
            .collect()
    }

    async fn activity(&self, feedback_id: &str) -> Result<Vec<Event>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT at, actor, kind, value FROM activity WHERE feedback_id = $1 ORDER BY seq",
                &[&feedback_id],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Event {
                    at: row.try_get(0)?,
                    by: row.try_get(1)?,
                    kind: row.try_get(2)?,
                    value: row.try_get(3)?,
                })
            })
            .collect()
    }

    async fn failing_replies(&self, limit: u32) -> Result<Vec<String>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                &format!(
                    "SELECT feedback_id FROM outbox WHERE target LIKE '{REPLY_TARGET}%' AND delivered_at IS NULL AND attempts > 0
                     GROUP BY feedback_id ORDER BY max(seq) DESC LIMIT $1"
                ),
                &[&i64::from(limit)],
            )
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    async fn status_counts(&self, filter: &Filter) -> Result<StatusCounts, StoreError> {
        let (clause, params) = filter.any_status().where_clause();
        let rows = self
            .client()
            .await?
            .query(&query::status_counts_sql(&clause), &to_sql(&params))
            .await?;
        let mut counts = StatusCounts::default();
        for row in &rows {
            counts.add(row.try_get(0)?, row.try_get(1)?);
        }
        Ok(counts)
    }

    async fn daily(&self, filter: &Filter) -> Result<Vec<DayStats>, StoreError> {
        let (clause, params) = filter.where_clause();
        let rows = self
            .client()
            .await?
            .query(&query::daily_sql(&clause), &to_sql(&params))
            .await?;
        rows.iter()
            .map(|row| {
                Ok(DayStats {
                    day: row.try_get(0)?,
                    count: row.try_get(1)?,
                    average_rating: row.try_get(2)?,
                })
            })
            .collect()
    }

    async fn claim_job(
        &self,
        now: &str,
        lease_until: &str,
        lease: &str,
    ) -> Result<Option<Job>, StoreError> {
        // SKIP LOCKED: instances claiming together each take a different job. A job another
        // instance leased a moment ago no longer matches `next_at <= now` once re-checked.
        let row = self
            .client()
            .await?
            .query_opt(
                "UPDATE outbox SET next_at = $2, lease = $3 WHERE seq = (
                     SELECT seq FROM outbox WHERE delivered_at IS NULL AND next_at <= $1
                     ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
                 RETURNING seq, feedback_id, target, attempts, lease",
                &[&now, &lease_until, &lease],
            )
            .await?;
        row.map(|r| {
            Ok(Job {
                seq: r.try_get(0)?,
                feedback_id: r.try_get(1)?,
                target: r.try_get(2)?,
                attempts: r.try_get(3)?,
                lease: r.try_get(4)?,
            })
        })
        .transpose()
    }

    async fn job_delivered(&self, seq: i64, lease: &str, now: &str) -> Result<bool, StoreError> {
        let changed = self
            .client()
            .await?
            .execute(
                "UPDATE outbox SET delivered_at = $3, last_error = '', lease = NULL WHERE seq = $1 AND lease = $2",
                &[&seq, &lease, &now],
            )
            .await?;
        Ok(changed == 1)
    }

    async fn job_failed(
        &self,
        seq: i64,
        lease: &str,
        next_at: &str,
        error: &str,
    ) -> Result<bool, StoreError> {
        let changed = self
            .client()
            .await?
            .execute(
                "UPDATE outbox SET attempts = attempts + 1, next_at = $3, last_error = $4, lease = NULL
                 WHERE seq = $1 AND lease = $2",
                &[&seq, &lease, &next_at, &error],
            )
            .await?;
        Ok(changed == 1)
    }

    async fn jobs_of(&self, feedback_id: &str) -> Result<Vec<JobState>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT target, attempts, last_error, delivered_at IS NOT NULL FROM outbox WHERE feedback_id = $1 ORDER BY seq",
                &[&feedback_id],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(JobState {
                    target: r.try_get(0)?,
                    attempts: r.try_get(1)?,
                    last_error: r.try_get(2)?,
                    delivered: r.try_get(3)?,
                })
            })
            .collect()
    }

    async fn add_user(&self, user: &User) -> Result<bool, StoreError> {
        let changed = self
            .client()
            .await?
            .execute(
                "INSERT INTO users (key, name, password_hash, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (key) DO NOTHING",
                &[
                    &user.name.to_lowercase(),
                    &user.name,
                    &user.password_hash,
                    &user.created_at,
                ],
            )
            .await?;
        Ok(changed == 1)
    }

    async fn remove_user(&self, name: &str) -> Result<bool, StoreError> {
        let row = self
            .client()
            .await?
            .query_one(
                "WITH u AS (DELETE FROM users WHERE key = $1 RETURNING 1),
                 s AS (DELETE FROM sessions WHERE user_key = $1 RETURNING 1)
                 SELECT count(*) FROM u",
                &[&name.to_lowercase()],
            )
            .await?;
        Ok(row.try_get::<_, i64>(0)? == 1)
    }

    async fn set_user_password(&self, name: &str, password_hash: &str) -> Result<bool, StoreError> {
        let row = self
            .client()
            .await?
            .query_one(
                "WITH u AS (UPDATE users SET password_hash = $2 WHERE key = $1 RETURNING 1),
                 s AS (DELETE FROM sessions WHERE user_key = $1 RETURNING 1)
                 SELECT count(*) FROM u",
                &[&name.to_lowercase(), &password_hash],
            )
            .await?;
        Ok(row.try_get::<_, i64>(0)? == 1)
    }

    async fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        self.client()
            .await?
            .query_opt(
                "SELECT name, password_hash, created_at FROM users WHERE key = $1",
                &[&name.to_lowercase()],
            )
            .await?
            .as_ref()
            .map(user_from_row)
            .transpose()
    }

    async fn users(&self) -> Result<Vec<User>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT name, password_hash, created_at FROM users ORDER BY key",
                &[],
            )
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    async fn create_session(&self, s: &Session) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "INSERT INTO sessions (id, user_key, password, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                &[&s.id, &s.user, &s.password, &s.created_at, &s.expires_at],
            )
            .await?;
        Ok(())
    }

    async fn session(&self, id: &str, now: &str) -> Result<Option<OpenSession>, StoreError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT s.user_key, s.password, u.name, u.password_hash FROM sessions s
                 LEFT JOIN users u ON u.key = s.user_key AND s.user_key <> ''
                 WHERE s.id = $1 AND s.expires_at > $2",
                &[&id, &now],
            )
            .await?;
        row.map(|row| {
            let name: Option<String> = row.try_get(2)?;
            let hash: Option<String> = row.try_get(3)?;
            Ok(OpenSession {
                user: row.try_get(0)?,
                password: row.try_get(1)?,
                teammate: name.zip(hash),
            })
        })
        .transpose()
    }

    async fn end_session(&self, id: &str) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute("DELETE FROM sessions WHERE id = $1", &[&id])
            .await?;
        Ok(())
    }

    async fn end_expired_sessions(&self, now: &str) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute("DELETE FROM sessions WHERE expires_at <= $1", &[&now])
            .await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Before statuses (version 6): a handled message becomes closed, the others stay open; each
    /// message gets its customer (ASCII lower case, as `customer_key`); a login of the one
    /// password stays the owner's. Needs `DATABASE_URL` (skipped without, as the HTTP tests are).
    #[tokio::test]
    async fn handled_becomes_closed_and_logins_stay() {
        let Some(url) = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()) else {
            assert!(
                std::env::var("INBOX_REQUIRE_POSTGRES").map_or(true, |v| v != "1"),
                "INBOX_REQUIRE_POSTGRES=1 but DATABASE_URL is not set"
            );
            eprintln!("note: PostgreSQL migration test skipped: DATABASE_URL is not set");
            return;
        };
        let schema = format!("t_migration_{}", std::process::id());
        let config = tokio_postgres::Config::from_str(&url).expect("url");
        let old = connect_one(&config, Some(&schema)).await.expect("connect");
        old.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; SET search_path TO {schema};
             CREATE TABLE inbox_schema (version INTEGER NOT NULL); INSERT INTO inbox_schema VALUES (6);"
        ))
        .await
        .expect("a fresh schema");
        for step in &MIGRATIONS[..6] {
            old.batch_execute(step).await.expect("an older schema");
        }
        old.batch_execute(
            "INSERT INTO feedback (id, received_at, message, body, email, handled) VALUES
                 ('a', '2026-01-01T00:00:00.000Z', 'm', '{}', 'Ana@Example.ORG', 1),
                 ('b', '2026-01-02T00:00:00.000Z', 'm', '{}', ' ana@example.org', 0),
                 ('c', '2026-01-03T00:00:00.000Z', 'm', '{}', '', 0),
                 ('d', '2026-01-04T00:00:00.000Z', 'm', '{}', 'ÉLODIE@Example.org', 1);
             INSERT INTO sessions (id, password, created_at, expires_at) VALUES ('s', 'p', 'x', 'y');",
        )
        .await
        .expect("old rows");
        let store = PostgresStore::connect(&url, Some(&schema))
            .await
            .expect("migrate");
        assert_eq!(
            store.schema_version().await.expect("version"),
            MIGRATIONS.len() as i32
        );
        let client = store.client().await.expect("client");
        let rows = client
            .query("SELECT id, status, customer FROM feedback ORDER BY id", &[])
            .await
            .expect("rows");
        let rows: Vec<(String, String, Option<String>)> = rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        let ana = Some("ana@example.org".to_string());
        let elodie = customer_key(Some("ÉLODIE@Example.org"));
        assert_eq!(elodie.as_deref(), Some("Élodie@example.org"));
        assert_eq!(
            rows,
            [
                ("a".into(), "closed".into(), ana.clone()),
                ("b".into(), "open".into(), ana),
                ("c".into(), "open".into(), None),
                ("d".into(), "closed".into(), elodie),
            ]
        );
        let user: String = client
            .query_one("SELECT user_key FROM sessions WHERE id = 's'", &[])
            .await
            .expect("the session is kept")
            .get(0);
        assert_eq!(user, "");
        client
            .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
            .await
            .expect("clean up");
    }
}
