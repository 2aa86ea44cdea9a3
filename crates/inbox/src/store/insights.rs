//! The insight counts (see `crate::insights`): how often, per UTC day and site, the widget's
//! panel was opened and each channel used, kept as one counter per key and never as a row per
//! visitor. A trait of its own ([`Insights`], which every [`super::Store`] is), written once over
//! the one query primitive each backend gives ([`Sql`]): both understand the same SQL.

use async_trait::async_trait;
use serde::Serialize;

use super::query::Param;
use super::StoreError;

/// What one counter counts: an event on one day, for one site, with what the widget said of it.
/// Nothing here identifies a visitor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CountKey {
    /// `YYYY-MM-DD`, UTC, the server's clock on arrival.
    pub day: String,
    pub site: String,
    /// `open` (the panel) or `channel` (a channel used).
    pub event: String,
    /// The channel's type (`whatsapp`); empty for `open`.
    pub channel: String,
    /// `open` (its link), `copy` or `qr`; empty for `open`.
    pub action: String,
    /// The page's path, without query string or fragment.
    pub path: String,
    pub language: String,
    /// `mobile` or `desktop`.
    pub device: String,
}

impl CountKey {
    fn columns(&self) -> [&str; 8] {
        [
            &self.day,
            &self.site,
            &self.event,
            &self.channel,
            &self.action,
            &self.path,
            &self.language,
            &self.device,
        ]
    }
}

/// The key columns, in the primary key's order (the export's order).
const KEY_COLUMNS: &str = "day, site, event, channel, action, path, language, device";

/// Which counts: the days `from` to `to` (both included, `YYYY-MM-DD`, UTC), one site or all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Range {
    pub from: Option<String>,
    pub to: Option<String>,
    pub site: Option<String>,
}

/// A stored counter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Count {
    #[serde(flatten)]
    pub key: CountKey,
    pub count: i64,
}

/// Counts summed over every path, language and device: one day, site, event, channel, action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sum {
    pub day: String,
    pub site: String,
    pub event: String,
    pub channel: String,
    pub action: String,
    pub count: i64,
}

/// Stored messages of one day and site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayMessages {
    pub day: String,
    pub site: String,
    pub count: i64,
}

/// A column the counts can be broken down by, over a whole range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dimension {
    Path,
    Language,
    Device,
}

/// One value of a [`Dimension`] over a range: its opens and its channel uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Share {
    pub value: String,
    pub opens: i64,
    pub uses: i64,
}

/// The insight counts of a store.
#[async_trait]
pub trait Insights: Send + Sync {
    /// Adds one to the counter of `key`, creating it at one.
    async fn count_event(&self, key: &CountKey) -> Result<(), StoreError>;

    /// The counters in `range` summed per day, site, event, channel and action; by day, then
    /// the rest.
    async fn event_sums(&self, range: &Range) -> Result<Vec<Sum>, StoreError>;

    /// The stored messages in `range` per day and site (every one, flagged or not), by day.
    async fn messages_per_day(&self, range: &Range) -> Result<Vec<DayMessages>, StoreError>;

    /// The `limit` values of `dimension` with the most opens (then channel uses) in `range`.
    async fn shares(
        &self,
        range: &Range,
        dimension: Dimension,
        limit: u32,
    ) -> Result<Vec<Share>, StoreError>;

    /// The counters in `range` in key order, at most `limit`, from just after `after`: the
    /// export's pages.
    async fn counts(
        &self,
        range: &Range,
        after: Option<&CountKey>,
        limit: u32,
    ) -> Result<Vec<Count>, StoreError>;
}

/// The one query each backend runs for [`Insights`]: `sql` with `$1, $2, …` bound to `params`
/// in order, each row read as `texts` text columns, then `ints` integer ones.
#[async_trait]
pub(super) trait Sql: Send + Sync {
    async fn rows(
        &self,
        sql: String,
        params: Vec<Param>,
        (texts, ints): (usize, usize),
    ) -> Result<Vec<Row>, StoreError>;
}

/// A row as [`Sql::rows`] reads it.
pub(super) struct Row {
    texts: Vec<String>,
    ints: Vec<i64>,
}

impl Row {
    fn int(&self, i: usize) -> i64 {
        self.ints.get(i).copied().unwrap_or(0)
    }

    /// The texts, in order (empty past the end).
    fn texts<const N: usize>(self) -> [String; N] {
        let mut it = self.texts.into_iter();
        std::array::from_fn(|_| it.next().unwrap_or_default())
    }
}

/// ` WHERE …` for `range` over a table whose `time` column (the counters' `day`, the messages'
/// `received_at`) is text in time order, a day's values from the day itself to before the day
/// followed by `~` (as the listing's filter); the site exactly, as events are counted; and the
/// rows after `after`, when given. With its values.
fn where_clause(range: &Range, time: &str, after: Option<&CountKey>) -> (String, Vec<Param>) {
    let mut conditions = Vec::new();
    let mut params = Vec::new();
    let mut bind = |value: String| {
        params.push(Param::Text(value));
        format!("${}", params.len())
    };
    if let Some(from) = &range.from {
        conditions.push(format!("{time} >= {}", bind(from.clone())));
    }
    if let Some(to) = &range.to {
        conditions.push(format!("{time} < {}", bind(format!("{to}~"))));
    }
    if let Some(site) = &range.site {
        conditions.push(format!("site = {}", bind(site.clone())));
    }
    if let Some(after) = after {
        let values: Vec<String> = after
            .columns()
            .iter()
            .map(|v| bind(v.to_string()))
            .collect();
        conditions.push(format!("({KEY_COLUMNS}) > ({})", values.join(", ")));
    }
    let clause = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    (clause, params)
}

#[async_trait]
impl<T: Sql> Insights for T {
    async fn count_event(&self, key: &CountKey) -> Result<(), StoreError> {
        // One statement, atomic on both backends: instances counting at once lose no event.
        let sql = format!(
            "INSERT INTO event_counts ({KEY_COLUMNS}, count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)
             ON CONFLICT ({KEY_COLUMNS}) DO UPDATE SET count = event_counts.count + 1
             RETURNING count"
        );
        let params = key.columns().map(|c| Param::Text(c.to_string())).to_vec();
        self.rows(sql, params, (0, 1)).await?;
        Ok(())
    }

    async fn event_sums(&self, range: &Range) -> Result<Vec<Sum>, StoreError> {
        let (clause, params) = where_clause(range, "day", None);
        let sql = format!(
            "SELECT day, site, event, channel, action, CAST(sum(count) AS BIGINT) FROM event_counts{clause}
             GROUP BY day, site, event, channel, action ORDER BY day, site, event, channel, action"
        );
        let rows = self.rows(sql, params, (5, 1)).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let count = row.int(0);
                let [day, site, event, channel, action] = row.texts();
                Sum {
                    day,
                    site,
                    event,
                    channel,
                    action,
                    count,
                }
            })
            .collect())
    }

    async fn messages_per_day(&self, range: &Range) -> Result<Vec<DayMessages>, StoreError> {
        let (clause, params) = where_clause(range, "received_at", None);
        let sql = format!(
            "SELECT substr(received_at, 1, 10) AS day, site, count(*) FROM feedback{clause}
             GROUP BY day, site ORDER BY day, site"
        );
        let rows = self.rows(sql, params, (2, 1)).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let count = row.int(0);
                let [day, site] = row.texts();
                DayMessages { day, site, count }
            })
            .collect())
    }

    async fn shares(
        &self,
        range: &Range,
        dimension: Dimension,
        limit: u32,
    ) -> Result<Vec<Share>, StoreError> {
        let column = match dimension {
            Dimension::Path => "path",
            Dimension::Language => "language",
            Dimension::Device => "device",
        };
        let (clause, params) = where_clause(range, "day", None);
        let sql = format!(
            "SELECT {column},
                 CAST(sum(CASE WHEN event = 'open' THEN count ELSE 0 END) AS BIGINT) AS opens,
                 CAST(sum(CASE WHEN event = 'open' THEN 0 ELSE count END) AS BIGINT) AS uses
             FROM event_counts{clause} GROUP BY {column} ORDER BY opens DESC, uses DESC, {column} LIMIT {limit}"
        );
        let rows = self.rows(sql, params, (1, 2)).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let (opens, uses) = (row.int(0), row.int(1));
                let [value] = row.texts();
                Share { value, opens, uses }
            })
            .collect())
    }

    async fn counts(
        &self,
        range: &Range,
        after: Option<&CountKey>,
        limit: u32,
    ) -> Result<Vec<Count>, StoreError> {
        let (clause, params) = where_clause(range, "day", after);
        let sql = format!(
            "SELECT {KEY_COLUMNS}, count FROM event_counts{clause} ORDER BY {KEY_COLUMNS} LIMIT {limit}"
        );
        let rows = self.rows(sql, params, (8, 1)).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let count = row.int(0);
                let [day, site, event, channel, action, path, language, device] = row.texts();
                Count {
                    key: CountKey {
                        day,
                        site,
                        event,
                        channel,
                        action,
                        path,
                        language,
                        device,
                    },
                    count,
                }
            })
            .collect())
    }
}

#[async_trait]
impl Sql for super::SqliteStore {
    async fn rows(
        &self,
        sql: String,
        params: Vec<Param>,
        (texts, ints): (usize, usize),
    ) -> Result<Vec<Row>, StoreError> {
        self.with(move |conn| {
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(
                rusqlite::params_from_iter(super::sqlite::values(params)),
                |row| {
                    Ok(Row {
                        texts: (0..texts).map(|i| row.get(i)).collect::<Result<_, _>>()?,
                        ints: (texts..texts + ints)
                            .map(|i| row.get(i))
                            .collect::<Result<_, _>>()?,
                    })
                },
            )?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }
}

#[async_trait]
impl Sql for super::PostgresStore {
    async fn rows(
        &self,
        sql: String,
        params: Vec<Param>,
        (texts, ints): (usize, usize),
    ) -> Result<Vec<Row>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(&sql, &super::postgres::to_sql(&params))
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Row {
                    texts: (0..texts)
                        .map(|i| row.try_get(i))
                        .collect::<Result<_, _>>()?,
                    ints: (texts..texts + ints)
                        .map(|i| row.try_get(i))
                        .collect::<Result<_, _>>()?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_pages_bind_in_order() {
        assert_eq!(
            where_clause(&Range::default(), "day", None),
            (String::new(), vec![])
        );
        let range = Range {
            from: Some("2026-11-01".into()),
            to: Some("2026-11-30".into()),
            site: Some("shop".into()),
        };
        let (sql, params) = where_clause(&range, "day", None);
        assert_eq!(sql, " WHERE day >= $1 AND day < $2 AND site = $3");
        let text = |values: &[&str]| -> Vec<Param> {
            values.iter().map(|v| Param::Text(v.to_string())).collect()
        };
        assert_eq!(params, text(&["2026-11-01", "2026-11-30~", "shop"]));
        let after = CountKey {
            day: "2026-11-02".into(),
            event: "open".into(),
            ..CountKey::default()
        };
        let (sql, params) = where_clause(
            &Range {
                site: Some("shop".into()),
                ..Range::default()
            },
            "day",
            Some(&after),
        );
        assert_eq!(
            sql,
            format!(" WHERE site = $1 AND ({KEY_COLUMNS}) > ($2, $3, $4, $5, $6, $7, $8, $9)")
        );
        assert_eq!(
            params,
            text(&["shop", "2026-11-02", "", "open", "", "", "", "", ""])
        );
        let (sql, _) = where_clause(&range, "received_at", None);
        assert_eq!(
            sql,
            " WHERE received_at >= $1 AND received_at < $2 AND site = $3"
        );
    }
}
