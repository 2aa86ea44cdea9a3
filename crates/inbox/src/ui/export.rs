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

/// One field, quoted when needed. A customer's text whose first visible character is `=`, `+`,
/// `-` or `@` (or their full-width forms), or that starts with a tab or line break, would run as
/// a formula when the owner opens the file in a spreadsheet: it gets a leading `'`. Spreadsheets
/// skip leading spaces, line breaks and invisible characters before the sign, so this looks past
/// them too.
fn field(value: &str) -> String {
    let value = if looks_like_formula(value) { format!("'{value}") } else { value.to_string() };
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
        c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}')
    };
    value.trim_start_matches(invisible).starts_with(['=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}'])
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
}
