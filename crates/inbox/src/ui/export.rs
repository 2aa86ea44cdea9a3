//! CSV and JSON exports of a filtered listing, a page at a time (see `export_body` in `ui.rs`).

use crate::store::StoredSubmission;

pub const CSV_HEADER: &[&str] = &[
    "receivedAt",
    "site",
    "id",
    "rating",
    "email",
    "name",
    "message",
    "pageUrl",
    "pageTitle",
    "locale",
    "timeZone",
    "handled",
    "note",
    "flags",
    "status",
    "assignee",
];

/// One page of a streamed CSV export (RFC 4180, CRLF line ends): the header row first (when
/// `first`), then a line per row.
pub fn csv_chunk(rows: &[StoredSubmission], first: bool, _last: bool) -> String {
    let mut out = String::new();
    if first {
        push_row(&mut out, CSV_HEADER.iter().map(|s| s.to_string()));
    }
    for row in rows {
        let s = &row.submission;
        push_row(
            &mut out,
            [
                row.received_at.clone(),
                row.inbox.site.clone(),
                s.id.clone(),
                s.rating.map_or(String::new(), |r| r.to_string()),
                s.email.clone().unwrap_or_default(),
                s.name.clone().unwrap_or_default(),
                s.message.clone(),
                s.page.url.clone(),
                s.page.title.clone(),
                s.locale.clone(),
                s.time_zone.clone(),
                if row.inbox.status.handled() {
                    "yes"
                } else {
                    "no"
                }
                .to_string(),
                row.inbox.note.clone(),
                row.inbox.flags.join(" "),
                row.inbox.status.name().to_string(),
                row.inbox.assignee.clone().unwrap_or_default(),
            ],
        );
    }
    out
}

/// One page of a streamed JSON export: one array over all pages, `[` with the first and `]`
/// with the last, each row as `GET /api/feedback` lists it.
pub fn json_chunk(rows: &[StoredSubmission], first: bool, last: bool) -> String {
    let mut out = String::from(if first { "[" } else { "" });
    for (n, row) in rows.iter().enumerate() {
        if n > 0 || !first {
            out.push(',');
        }
        // Plain data always serialises.
        out.push_str(&serde_json::to_string(row).unwrap_or_default());
    }
    if last {
        out.push(']');
    }
    out
}

fn push_row(out: &mut String, fields: impl IntoIterator<Item = String>) {
    let fields: Vec<String> = fields.into_iter().map(|f| field(&f)).collect();
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

/// One field, quoted when needed. A customer's text whose first visible character is `=`, `+`,
/// `-` or `@` (or their full-width forms), or that starts with a tab or line break, would run as
/// a formula when the owner opens the file in a spreadsheet: it gets a leading `'`. Spreadsheets
/// skip leading spaces, line breaks and invisible characters before the sign, so this looks past
/// them too.
fn field(value: &str) -> String {
    let value = if looks_like_formula(value) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn looks_like_formula(value: &str) -> bool {
    if value.starts_with(['\t', '\r', '\n']) {
        return true;
    }
    let invisible = |c: char| {
        c.is_whitespace()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}')
    };
    value.trim_start_matches(invisible).starts_with([
        '=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_defuses_fields() {
        for (input, expected) in [
            ("plain", "plain"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""),
            ("-1", "'-1"),
            ("", ""),
            ("@SUM(1+1)", "'@SUM(1+1)"),
            ("+1", "'+1"),
            ("\t=1", "'\t=1"),
            // Spreadsheets skip what comes before the formula sign; so do we when looking for it.
            (" =1+1", "' =1+1"),
            ("\n=1+1", "\"'\n=1+1\""),
            ("\r\n@x", "\"'\r\n@x\""),
            ("\u{200B}=1+1", "'\u{200B}=1+1"),
            ("\u{FEFF}-2", "'\u{FEFF}-2"),
            ("\u{00A0}+3", "'\u{00A0}+3"),
            ("\u{FF1D}1+1", "'\u{FF1D}1+1"),
            ("\u{FF0B}1", "'\u{FF0B}1"),
            ("\u{FF0D}1", "'\u{FF0D}1"),
            ("\u{FF20}x", "'\u{FF20}x"),
            // Text that merely contains the signs later on stays as it is.
            ("a=b", "a=b"),
            (" plain", " plain"),
            ("e-mail me", "e-mail me"),
        ] {
            assert_eq!(field(input), expected, "{input:?}");
        }
    }

    #[test]
    fn streamed_pages_make_one_document() {
        let row = StoredSubmission {
            submission: serde_json::from_value(serde_json::json!({
                "id": "0b8e2c1e-5a7f-4c3b-9a61-2f0d7c9e4b11", "message": "hi", "page": {"url": "https://a.example/"},
                "locale": "en", "timeZone": "UTC", "createdAt": "2026-11-22T10:15:30.000Z", "widget": {"version": "0.1.0"}
            }))
            .expect("submission"),
            received_at: "2026-11-22T10:15:31.000Z".into(),
            inbox: Default::default(),
        };
        let rows = [row.clone(), row];
        for pages in [
            vec![&rows[..0]],
            vec![&rows[..]],
            vec![&rows[..1], &rows[1..]],
            vec![&rows[..], &rows[..0]],
        ] {
            let count: usize = pages.iter().map(|p| p.len()).sum();
            let last = pages.len() - 1;
            let json: String = pages
                .iter()
                .enumerate()
                .map(|(n, page)| json_chunk(page, n == 0, n == last))
                .collect();
            let parsed: Vec<serde_json::Value> =
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
            assert_eq!(parsed.len(), count, "{json}");
            let csv: String = pages
                .iter()
                .enumerate()
                .map(|(n, page)| csv_chunk(page, n == 0, n == last))
                .collect();
            assert_eq!(csv.matches("\r\n").count(), 1 + count, "one header: {csv}");
        }
    }
}
