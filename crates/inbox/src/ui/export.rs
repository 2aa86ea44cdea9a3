//! CSV and JSON exports of a filtered listing, a page at a time (see `export_body` in `ui.rs`);
//! the same writers for the insight counts (`ui/insights.rs`).

use serde::Serialize;

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

/// One page of a streamed CSV export (RFC 4180 through the `csv` crate, CRLF line ends): the
/// header row first (when `first`), then a line per row, each field [`defused`].
pub fn csv_chunk(rows: &[StoredSubmission], first: bool, _last: bool) -> String {
    let mut out = writer();
    let written = write_rows(&mut out, rows, first);
    // Writing into memory fails only on a bug: the page is left out rather than half written.
    match (written, out.into_inner()) {
        (Ok(()), Ok(bytes)) => String::from_utf8(bytes).unwrap_or_default(),
        _ => String::new(),
    }
}

fn write_rows(
    out: &mut csv::Writer<Vec<u8>>,
    rows: &[StoredSubmission],
    header: bool,
) -> csv::Result<()> {
    if header {
        out.write_record(CSV_HEADER)?;
    }
    for row in rows {
        let s = &row.submission;
        let rating = s.rating.map_or(String::new(), |r| r.to_string());
        let flags = row.inbox.flags.join(" ");
        let fields: [&str; 16] = [
            &row.received_at,
            &row.inbox.site,
            &s.id,
            &rating,
            s.email.as_deref().unwrap_or(""),
            s.name.as_deref().unwrap_or(""),
            &s.message,
            &s.page.url,
            &s.page.title,
            &s.locale,
            &s.time_zone,
            if row.inbox.status.handled() {
                "yes"
            } else {
                "no"
            },
            &row.inbox.note,
            &flags,
            row.inbox.status.name(),
            row.inbox.assignee.as_deref().unwrap_or(""),
        ];
        out.write_record(fields.map(defused))?;
    }
    Ok(())
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

/// One page of a streamed CSV export of plain records, written like [`csv_chunk`]'s: `header`
/// first when given, every field [`defused`].
pub fn csv_records<const N: usize>(
    header: Option<[&str; N]>,
    records: impl IntoIterator<Item = [String; N]>,
) -> String {
    let mut out = writer();
    let written = header
        .into_iter()
        .map(|h| h.map(String::from))
        .chain(records)
        .try_for_each(|record| out.write_record(record.map(|f| defused(&f))));
    match (written, out.into_inner()) {
        (Ok(()), Ok(bytes)) => String::from_utf8(bytes).unwrap_or_default(),
        _ => String::new(),
    }
}

/// One page of a streamed JSON export: one array over all pages, `[` with the first and `]`
/// with the last, each row as `GET /api/feedback` lists it.
pub fn json_chunk<T: Serialize>(rows: &[T], first: bool, last: bool) -> String {
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

/// A field as it may go into the file. A customer's text whose first visible character is `=`,
/// `+`, `-` or `@` (or their full-width forms), or that starts with a tab or line break, would
/// run as a formula when the owner opens the file in a spreadsheet: it gets a leading `'`.
/// Spreadsheets skip leading spaces, line breaks and invisible characters before the sign, so
/// this looks past them too. (Quoting is the `csv` writer's.)
fn defused(value: &str) -> String {
    if looks_like_formula(value) {
        format!("'{value}")
    } else {
        value.to_string()
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

    /// `input` as the export writes it, as the first of two fields.
    fn field(input: &str) -> String {
        let mut out = writer();
        out.write_record([defused(input), defused("x")])
            .expect("written");
        let line = String::from_utf8(out.into_inner().expect("flushed")).expect("UTF-8");
        line.strip_suffix(",x\r\n").expect("one line").to_string()
    }

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
