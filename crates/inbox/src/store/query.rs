//! The listing's filters as SQL both backends understand: `$1, $2, …` placeholders (PostgreSQL's
//! own; SQLite takes them as named parameters numbered in order of appearance), plain `LIKE` on
//! `lower(…)`, and text comparison of the fixed-width `received_at`.
//!
//! Listings come in pages, newest first, by keyset: a page starts after the last row of the one
//! before (its [`Cursor`]: `received_at` and the row's sequence number), so every page costs the
//! same however deep it is, and rows arriving meanwhile neither repeat nor skip one.

use serde::Serialize;

use super::Status;

/// What the owner is looking for. Every field narrows; the default lists everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Words to find in the message, e-mail, name or page URL (case-insensitive, as a substring).
    pub text: Option<String>,
    /// A configured site's name, or (in open mode, where the site is the origin) part of it.
    pub site: Option<Site>,
    pub rating: Option<u8>,
    /// First day to include, `YYYY-MM-DD` (UTC).
    pub from: Option<String>,
    /// Last day to include, `YYYY-MM-DD` (UTC).
    pub to: Option<String>,
    pub status: Option<Status>,
    /// `Some(true)`: answered or closed; `Some(false)`: open (what `handled` meant before there
    /// was a status).
    pub handled: Option<bool>,
    /// The teammate it is assigned to.
    pub assignee: Option<String>,
    /// One customer's messages (see `store::customer_key`).
    pub customer: Option<String>,
    /// Only messages with spam flags (`Some(true)`: the "Possible spam" view) or without them.
    pub flagged: Option<bool>,
}

/// How the Site filter matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Site {
    /// A configured site by its name (the index on `site` finds it).
    Name(String),
    /// Part of an origin, in any case: `8391` finds `http://127.0.0.1:8391`.
    Part(String),
}

/// Where a page starts: just after this row, in newest-first order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub received_at: String,
    /// The row's sequence number (SQLite's `rowid`, PostgreSQL's `seq`): breaks ties in time.
    pub seq: i64,
}

impl Cursor {
    /// The text form, as in a `cursor=` query parameter: `2026-11-22T10:15:31.000Z_42`.
    pub fn encode(&self) -> String {
        format!("{}_{}", self.received_at, self.seq)
    }

    /// The cursor [`Cursor::encode`] wrote, or `None` for anything else.
    pub fn decode(text: &str) -> Option<Cursor> {
        let (received_at, seq) = text.split_once('_')?;
        let fixed = received_at.len() == 24 && received_at.ends_with('Z') && received_at.is_ascii();
        let seq = seq
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0 && seq.bytes().all(|b| b.is_ascii_digit()))?;
        fixed.then(|| Cursor {
            received_at: received_at.to_string(),
            seq,
        })
    }
}

/// Columns every listing selects, in the order `store::Columns` holds them; a page's sequence
/// number follows them.
pub const COLUMNS: &str = "received_at, body, site, status, note, flags, assignee";
/// The index of the sequence number [`page_sql`] selects after [`COLUMNS`].
pub const SEQ_COLUMN: usize = 7;

/// A value bound to a placeholder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    Text(String),
    Int(i32),
    BigInt(i64),
}

/// Count and average rating of one UTC day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DayStats {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub count: i64,
    /// `None` when no submission of that day had a rating.
    pub average_rating: Option<f64>,
}

impl Filter {
    /// ` WHERE …` (or nothing) and the values for its placeholders.
    pub fn where_clause(&self) -> (String, Vec<Param>) {
        self.page_clause("", None)
    }

    /// [`Filter::where_clause`] for the page after `after`, whose rows' sequence column is `seq`.
    pub fn page_clause(&self, seq: &str, after: Option<&Cursor>) -> (String, Vec<Param>) {
        let (mut conditions, mut params) = self.conditions(Vec::new());
        if let Some(after) = after {
            conditions.push(after_cursor(seq, after, &mut params));
        }
        (where_sql(&conditions), params)
    }

    /// The filter without its status (for counts per status).
    pub fn any_status(&self) -> Filter {
        Filter {
            status: None,
            handled: None,
            ..self.clone()
        }
    }

    /// The filter's conditions (each to be ANDed), binding their values after `params`.
    fn conditions(&self, mut params: Vec<Param>) -> (Vec<String>, Vec<Param>) {
        let mut conditions = Vec::new();
        let mut bind = |param: Param| {
            params.push(param);
            format!("${}", params.len())
        };
        if let Some(text) = self
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
            let p = bind(Param::Text(pattern));
            conditions.push(format!(
                "(lower(message) LIKE {p} ESCAPE '\\' OR lower(coalesce(email, '')) LIKE {p} ESCAPE '\\' \
                 OR lower(coalesce(name, '')) LIKE {p} ESCAPE '\\' OR lower(coalesce(page_url, '')) LIKE {p} ESCAPE '\\')"
            ));
        }
        match &self.site {
            Some(Site::Name(name)) => {
                conditions.push(format!("site = {}", bind(Param::Text(name.clone()))));
            }
            Some(Site::Part(part)) => {
                let pattern = format!("%{}%", escape_like(&part.to_ascii_lowercase()));
                conditions.push(format!(
                    "lower(site) LIKE {} ESCAPE '\\'",
                    bind(Param::Text(pattern))
                ));
            }
            None => {}
        }
        if let Some(rating) = self.rating {
            conditions.push(format!("rating = {}", bind(Param::Int(i32::from(rating)))));
        }
        if let Some(from) = &self.from {
            conditions.push(format!(
                "received_at >= {}",
                bind(Param::Text(from.clone()))
            ));
        }
        if let Some(to) = &self.to {
            // Every timestamp of that day sorts before the day string followed by "~".
            conditions.push(format!(
                "received_at < {}",
                bind(Param::Text(format!("{to}~")))
            ));
        }
        if let Some(status) = self.status {
            conditions.push(format!(
                "status = {}",
                bind(Param::Text(status.name().into()))
            ));
        }
        if let Some(handled) = self.handled {
            conditions.push(
                if handled {
                    "status <> 'open'"
                } else {
                    "status = 'open'"
                }
                .to_string(),
            );
        }
        if let Some(assignee) = &self.assignee {
            conditions.push(format!(
                "assignee = {}",
                bind(Param::Text(assignee.clone()))
            ));
        }
        if let Some(customer) = &self.customer {
            conditions.push(format!(
                "customer = {}",
                bind(Param::Text(customer.clone()))
            ));
        }
        if let Some(flagged) = self.flagged {
            conditions.push(if flagged { "flags <> ''" } else { "flags = ''" }.to_string());
        }
        (conditions, params)
    }
}

/// ` WHERE a AND b`, or nothing.
fn where_sql(conditions: &[String]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    }
}

/// The rows after `after` in newest-first order.
fn after_cursor(seq: &str, after: &Cursor, params: &mut Vec<Param>) -> String {
    params.push(Param::Text(after.received_at.clone()));
    params.push(Param::BigInt(after.seq));
    let n = params.len();
    format!("(received_at, {seq}) < (${}, ${n})", n - 1)
}

/// The query of one page: the rows matching `filter` after `after`, newest first, one more than
/// `limit` (whether there is a next page), each with its sequence number last.
pub fn page_sql(
    filter: &Filter,
    seq: &str,
    after: Option<&Cursor>,
    limit: u32,
) -> (String, Vec<Param>) {
    let (clause, params) = filter.page_clause(seq, after);
    let sql = format!(
        "SELECT {COLUMNS}, {seq} FROM feedback{clause} ORDER BY received_at DESC, {seq} DESC LIMIT {}",
        u64::from(limit) + 1
    );
    (sql, params)
}

/// [`page_sql`] with one row per customer: a matching message is listed unless the same customer
/// has a newer one that matches too. Inside the subquery the filter's bare column names are the
/// newer message's (the innermost table), and its placeholders are the same values.
pub fn customers_page_sql(
    filter: &Filter,
    seq: &str,
    after: Option<&Cursor>,
    limit: u32,
) -> (String, Vec<Param>) {
    let (mut conditions, mut params) = filter.conditions(Vec::new());
    let newer = std::iter::once(format!(
        "g.customer = f.customer AND (g.received_at, g.{seq}) > (f.received_at, f.{seq})"
    ))
    .chain(conditions.iter().cloned())
    .collect::<Vec<_>>()
    .join(" AND ");
    conditions.push(format!(
        "(customer IS NULL OR NOT EXISTS (SELECT 1 FROM feedback g WHERE {newer}))"
    ));
    if let Some(after) = after {
        conditions.push(after_cursor(seq, after, &mut params));
    }
    let sql = format!(
        "SELECT {COLUMNS}, {seq} FROM feedback f{} ORDER BY received_at DESC, {seq} DESC LIMIT {}",
        where_sql(&conditions),
        u64::from(limit) + 1
    );
    (sql, params)
}

/// The counts per status over `where_clause`.
pub fn status_counts_sql(where_clause: &str) -> String {
    format!("SELECT status, count(*) FROM feedback{where_clause} GROUP BY status")
}

/// One page of a listing: its rows, and where the next begins (`None` after the last).
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    /// The page from `limit + 1` rows fetched with their cursors: the extra one only says that
    /// a next page exists, which starts after the last row kept.
    pub fn from_fetched(mut fetched: Vec<(T, Cursor)>, limit: u32) -> Page<T> {
        let more = fetched.len() > limit as usize;
        fetched.truncate(limit as usize);
        let next = if more {
            fetched.last().map(|(_, cursor)| cursor.clone())
        } else {
            None
        };
        Page {
            rows: fetched.into_iter().map(|(row, _)| row).collect(),
            next,
        }
    }
}

/// The per-day statistics over `where_clause`.
pub fn daily_sql(where_clause: &str) -> String {
    format!(
        "SELECT substr(received_at, 1, 10) AS day, count(*), CAST(avg(rating) AS DOUBLE PRECISION) \
         FROM feedback{where_clause} GROUP BY day ORDER BY day"
    )
}

/// `%`, `_` and the escape character itself match literally.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_numbered_conditions() {
        let check = |filter: Filter, sql: &str, params: &[Param]| {
            let (got_sql, got_params) = filter.where_clause();
            assert_eq!(got_sql, sql);
            assert_eq!(got_params, params);
        };
        check(Filter::default(), "", &[]);
        check(
            Filter {
                site: Some(Site::Name("shop".into())),
                rating: Some(5),
                handled: Some(false),
                flagged: Some(true),
                ..Filter::default()
            },
            " WHERE site = $1 AND rating = $2 AND status = 'open' AND flags <> ''",
            &[Param::Text("shop".into()), Param::Int(5)],
        );
        check(
            Filter {
                site: Some(Site::Part("Host_1:8391".into())),
                ..Filter::default()
            },
            " WHERE lower(site) LIKE $1 ESCAPE '\\'",
            &[Param::Text("%host\\_1:8391%".into())],
        );
        check(
            Filter {
                status: Some(Status::Answered),
                handled: Some(true),
                assignee: Some("ana".into()),
                customer: Some("ana@example.org".into()),
                ..Filter::default()
            },
            " WHERE status = $1 AND status <> 'open' AND assignee = $2 AND customer = $3",
            &[
                Param::Text("answered".into()),
                Param::Text("ana".into()),
                Param::Text("ana@example.org".into()),
            ],
        );
        check(
            Filter {
                from: Some("2026-11-01".into()),
                to: Some("2026-11-30".into()),
                ..Filter::default()
            },
            " WHERE received_at >= $1 AND received_at < $2",
            &[
                Param::Text("2026-11-01".into()),
                Param::Text("2026-11-30~".into()),
            ],
        );
        let (sql, params) = Filter {
            text: Some(" 50%_Off ".into()),
            ..Filter::default()
        }
        .where_clause();
        assert!(
            sql.starts_with(" WHERE (lower(message) LIKE $1 ESCAPE"),
            "{sql}"
        );
        assert_eq!(params, [Param::Text("%50\\%\\_off%".into())]);
        check(
            Filter {
                text: Some("  ".into()),
                ..Filter::default()
            },
            "",
            &[],
        );
        check(
            Filter {
                flagged: Some(false),
                ..Filter::default()
            },
            " WHERE flags = ''",
            &[],
        );
        let after = Cursor {
            received_at: "2026-11-22T10:15:31.000Z".into(),
            seq: 42,
        };
        let (sql, params) = Filter {
            rating: Some(2),
            ..Filter::default()
        }
        .page_clause("rowid", Some(&after));
        assert_eq!(
            sql,
            " WHERE rating = $1 AND (received_at, rowid) < ($2, $3)"
        );
        assert_eq!(
            params,
            [
                Param::Int(2),
                Param::Text(after.received_at.clone()),
                Param::BigInt(42)
            ]
        );
    }

    #[test]
    fn cursors_round_trip_and_nothing_else_reads_as_one() {
        let cursor = Cursor {
            received_at: "2026-11-22T10:15:31.000Z".into(),
            seq: 42,
        };
        assert_eq!(cursor.encode(), "2026-11-22T10:15:31.000Z_42");
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        for junk in [
            "",
            "_",
            "2026-11-22T10:15:31.000Z",
            "2026-11-22T10:15:31.000Z_",
            "2026-11-22T10:15:31.000Z_-1",
            "2026-11-22T10:15:31.000Z_+1",
            "2026-11-22_1",
            "2026-11-22T10:15:31.000Z_1_2",
            "x' OR 1=1 --_1",
        ] {
            assert_eq!(Cursor::decode(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn a_page_keeps_limit_rows_and_knows_whether_more_follow() {
        let at = |n: i64| {
            (
                n,
                Cursor {
                    received_at: "2026-11-22T10:15:31.000Z".into(),
                    seq: n,
                },
            )
        };
        let page = Page::from_fetched(vec![at(9), at(8), at(7)], 2);
        assert_eq!((page.rows, page.next.map(|c| c.seq)), (vec![9, 8], Some(8)));
        let page = Page::from_fetched(vec![at(9), at(8)], 2);
        assert_eq!((page.rows, page.next), (vec![9, 8], None));
        let page = Page::<i64>::from_fetched(Vec::new(), 2);
        assert_eq!((page.rows, page.next), (vec![], None));
    }
}
