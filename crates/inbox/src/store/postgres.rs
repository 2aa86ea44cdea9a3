//! [`PostgresStore`]: the backend for several inbox instances sharing one PostgreSQL database
//! (chosen by `DATABASE_URL`). Same table shape as SQLite; the primary key on `id` keeps
//! exactly-once storage across instances.

use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Row};

use super::query::{self, Cursor, DayStats, Filter, Page, Param, COLUMNS};
use super::{
    compare_with_first, flags_column, stored_from_columns, Inserted, Job, JobState, NewFeedback,
    Session, StoreError, StoredSubmission,
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
    let handled: i32 = row.try_get(3)?;
    stored_from_columns(
        row.try_get(0)?,
        row.try_get::<_, &str>(1)?,
        row.try_get(2)?,
        handled != 0,
        row.try_get(4)?,
        row.try_get::<_, &str>(5)?,
    )
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
                     INSERT INTO feedback (id, received_at, message, rating, email, page_url, body, name, site, flags)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
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
        let fetched = rows
            .iter()
            .map(|row| {
                Ok((
                    to_stored(row)?,
                    Cursor {
                        received_at: row.try_get(0)?,
                        seq: row.try_get(6)?,
                    },
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Page::from_fetched(fetched, limit))
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

    async fn set_handled(&self, id: &str, handled: bool) -> Result<bool, StoreError> {
        let handled = i32::from(handled);
        Ok(self
            .client()
            .await?
            .execute(
                "UPDATE feedback SET handled = $1 WHERE id = $2",
                &[&handled, &id],
            )
            .await?
            == 1)
    }

    async fn set_note(&self, id: &str, note: &str) -> Result<bool, StoreError> {
        Ok(self
            .client()
            .await?
            .execute("UPDATE feedback SET note = $1 WHERE id = $2", &[&note, &id])
            .await?
            == 1)
    }

    async fn clear_flags(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self
            .client()
            .await?
            .execute("UPDATE feedback SET flags = '' WHERE id = $1", &[&id])
            .await?
            == 1)
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

    async fn create_session(&self, s: &Session) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "INSERT INTO sessions (id, password, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                &[&s.id, &s.password, &s.created_at, &s.expires_at],
            )
            .await?;
        Ok(())
    }

    async fn session_open(&self, id: &str, password: &str, now: &str) -> Result<bool, StoreError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT 1 FROM sessions WHERE id = $1 AND password = $2 AND expires_at > $3",
                &[&id, &password, &now],
            )
            .await?;
        Ok(row.is_some())
    }

    async fn end_session(&self, id: &str) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute("DELETE FROM sessions WHERE id = $1", &[&id])
            .await?;
        Ok(())
    }

    async fn end_stale_sessions(&self, password: &str, now: &str) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "DELETE FROM sessions WHERE password <> $1 OR expires_at <= $2",
                &[&password, &now],
            )
            .await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}
