//! CSV and JSON exports of a filtered listing.

use crate::store::StoredSubmission;

pub const CSV_HEADER: &[&str] = &[
    "receivedAt", "site", "id", "rating", "email", "name", "message", "pageUrl", "pageTitle", "locale", "timeZone",
    "handled", "note", "flags",
];

/// RFC 4180 CSV with a header row and CRLF line ends.
pub fn csv(rows: &[StoredSubmission]) -> String {
    let mut out = String::new();
    push_row(&mut out, CSV_HEADER.iter().map(|s| s.to_string()));
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
                if row.inbox.handled { "yes" } else { "no" }.to_string(),
                row.inbox.note.clone(),
                row.inbox.flags.join(" "),
            ],
        );
    }
    out
}

fn push_row(out: &mut String, fields: impl IntoIterator<Item = String>) {
    let fields: Vec<String> = fields.into_iter().map(|f| field(&f)).collect();
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

/// One field, quoted when needed. A customer's text starting with `=`, `+`, `-`, `@` or a tab
/// would run as a formula when the owner opens the file in a spreadsheet: it gets a leading `'`.
fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_string() };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
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
        ] {
            assert_eq!(field(input), expected, "{input:?}");
        }
    }
}
