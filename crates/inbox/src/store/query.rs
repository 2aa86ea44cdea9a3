//! The listing's filters as SQL both backends understand: `$1, $2, …` placeholders (PostgreSQL's
//! own; SQLite takes them as named parameters numbered in order of appearance), plain `LIKE` on
//! `lower(…)`, and text comparison of the fixed-width `received_at`.

use serde::Serialize;

/// What the owner is looking for. Every field narrows; the default lists everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Words to find in the message, e-mail, name or page URL (case-insensitive, as a substring).
    pub text: Option<String>,
    pub site: Option<String>,
    pub rating: Option<u8>,
    /// First day to include, `YYYY-MM-DD` (UTC).
    pub from: Option<String>,
    /// Last day to include, `YYYY-MM-DD` (UTC).
    pub to: Option<String>,
    pub handled: Option<bool>,
    /// Only messages with spam flags (`Some(true)`: the "Possible spam" view) or without them.
    pub flagged: Option<bool>,
    /// At most this many rows (newest first).
    pub limit: Option<u32>,
}

/// Columns every listing selects, in the order `stored_from_columns` takes them.
pub const COLUMNS: &str = "received_at, body, site, handled, note, flags";

/// A value bound to a placeholder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    Text(String),
    Int(i32),
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
        let mut conditions = Vec::new();
        let mut params = Vec::new();
        let mut bind = |param: Param| {
            params.push(param);
            format!("${}", params.len())
        };
        if let Some(text) = self.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
            let p = bind(Param::Text(pattern));
            conditions.push(format!(
                "(lower(message) LIKE {p} ESCAPE '\\' OR lower(coalesce(email, '')) LIKE {p} ESCAPE '\\' \
                 OR lower(coalesce(name, '')) LIKE {p} ESCAPE '\\' OR lower(coalesce(page_url, '')) LIKE {p} ESCAPE '\\')"
            ));
        }
        if let Some(site) = &self.site {
            conditions.push(format!("site = {}", bind(Param::Text(site.clone()))));
        }
        if let Some(rating) = self.rating {
            conditions.push(format!("rating = {}", bind(Param::Int(i32::from(rating)))));
        }
        if let Some(from) = &self.from {
            conditions.push(format!("received_at >= {}", bind(Param::Text(from.clone()))));
        }
        if let Some(to) = &self.to {
            // Every timestamp of that day sorts before the day string followed by "~".
            conditions.push(format!("received_at < {}", bind(Param::Text(format!("{to}~")))));
        }
        if let Some(handled) = self.handled {
            conditions.push(format!("handled = {}", bind(Param::Int(i32::from(handled)))));
        }
        if let Some(flagged) = self.flagged {
            conditions.push(if flagged { "flags <> ''" } else { "flags = ''" }.to_string());
        }
        let clause = if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
        (clause, params)
    }

    /// ` LIMIT n` or nothing.
    pub fn limit_clause(&self) -> String {
        self.limit.map_or(String::new(), |n| format!(" LIMIT {n}"))
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
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
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
            Filter { site: Some("shop".into()), rating: Some(5), handled: Some(false), flagged: Some(true), ..Filter::default() },
            " WHERE site = $1 AND rating = $2 AND handled = $3 AND flags <> ''",
            &[Param::Text("shop".into()), Param::Int(5), Param::Int(0)],
        );
        check(
            Filter { from: Some("2026-11-01".into()), to: Some("2026-11-30".into()), ..Filter::default() },
            " WHERE received_at >= $1 AND received_at < $2",
            &[Param::Text("2026-11-01".into()), Param::Text("2026-11-30~".into())],
        );
        let (sql, params) = Filter { text: Some(" 50%_Off ".into()), ..Filter::default() }.where_clause();
        assert!(sql.starts_with(" WHERE (lower(message) LIKE $1 ESCAPE"), "{sql}");
        assert_eq!(params, [Param::Text("%50\\%\\_off%".into())]);
        check(Filter { text: Some("  ".into()), ..Filter::default() }, "", &[]);
        check(Filter { flagged: Some(false), ..Filter::default() }, " WHERE flags = ''", &[]);
    }
}
