//! The Insights page (`/inbox/insights`): what the widget counted with `insights` on, per UTC
//! day and site: opens of the panel, uses of each channel by action, the messages stored, and
//! the conversion from open to contact; then the range's channels, pages, languages and
//! devices. Its exports (`insights.csv`, `insights.json`) hold every stored counter of the
//! range, and the messages per day and site as `message` rows.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;
use widget_core::channel::Kind;
use widget_core::i18n::{Text, Texts};

use super::html::{query_value, visitor_url};
use super::layout::document;
use super::{csrf, error_page, export, header, html_response, redirect, storage_failed};
use crate::api::is_day;
use crate::config::Site;
use crate::store::insights::{Count, CountKey, DayMessages, Dimension, Range, Share, Sum};
use crate::{auth, App};
use widget_core::insights::ACTIONS;

/// Days the page shows when the query names none: the last 30, today included.
const DEFAULT_DAYS: i64 = 30;
/// Rows of the pages and languages tables: the ones with the most opens.
const TOP: u32 = 20;
/// Counters read from the store at a time while an export streams.
const EXPORT_PAGE: u32 = 500;
/// The columns of the CSV export, as the JSON export names them.
const CSV_HEADER: [&str; 9] = [
    "day", "site", "event", "channel", "action", "path", "language", "device", "count",
];

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/inbox/insights", get(page))
        .route("/inbox/insights.csv", get(export_csv))
        .route("/inbox/insights.json", get(export_json))
}

/// The page's query string: a range of days and a site, each optional.
#[derive(Clone, Debug, Default, Deserialize)]
struct InsightsQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    site: Option<String>,
}

impl InsightsQuery {
    /// The store's range, or which parameter is wrong.
    fn range(&self) -> Result<Range, String> {
        let present = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(String::from)
        };
        let day = |name: &str, v: &Option<String>| match present(v) {
            Some(d) if !is_day(&d) => {
                Err(format!("{name} must be a date like 2026-11-24, got {d:?}"))
            }
            other => Ok(other),
        };
        Ok(Range {
            from: day("from", &self.from)?,
            to: day("to", &self.to)?,
            site: present(&self.site),
        })
    }

    /// The range the page shows: the query's, or the last [`DEFAULT_DAYS`] when it names no day.
    fn shown_range(&self) -> Result<Range, String> {
        let mut range = self.range()?;
        if range.from.is_none() && range.to.is_none() {
            let today = crate::time::rfc3339(std::time::SystemTime::now())[..10].to_string();
            let first = today
                .parse::<jiff::civil::Date>()
                .ok()
                .and_then(|d| d.checked_sub(jiff::Span::new().days(DEFAULT_DAYS - 1)).ok())
                .map_or_else(|| today.clone(), |d| d.to_string());
            range.from = Some(first);
            range.to = Some(today);
        }
        Ok(range)
    }
}

/// `?from=…&to=…&site=…` of the range's set parts.
fn query_string(range: &Range) -> String {
    let pairs: Vec<String> = [
        ("from", &range.from),
        ("to", &range.to),
        ("site", &range.site),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_deref().map(|v| format!("{k}={}", query_value(v))))
    .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

async fn page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<InsightsQuery>,
) -> Response {
    let caller = auth::caller(&app, &headers).await;
    if !caller.may_read() {
        return redirect("/inbox/login");
    }
    let (token, new_csrf) = csrf(&caller, &headers);
    let range = match query.shown_range() {
        Ok(range) => range,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, &e),
    };
    let store = &app.store;
    let read = async {
        Ok::<_, crate::StoreError>(Read {
            sums: store.event_sums(&range).await?,
            messages: store.messages_per_day(&range).await?,
            pages: store.shares(&range, Dimension::Path, TOP).await?,
            languages: store.shares(&range, Dimension::Language, TOP).await?,
            devices: store.shares(&range, Dimension::Device, TOP).await?,
        })
    };
    let read = match read.await {
        Ok(read) => read,
        Err(e) => return storage_failed(&e),
    };
    let page = view(header(&caller, &token), &range, &app.config.sites, &read);
    html_response(StatusCode::OK, page, new_csrf, &app, &headers)
}

/// What the page shows, as the store gave it.
struct Read {
    sums: Vec<Sum>,
    messages: Vec<DayMessages>,
    pages: Vec<Share>,
    languages: Vec<Share>,
    devices: Vec<Share>,
}

/// One site's day, or the whole range's totals.
#[derive(Debug, Default, PartialEq)]
struct Tally {
    opens: i64,
    /// Uses per channel type, per action in [`ACTIONS`]' order.
    uses: BTreeMap<String, [i64; 3]>,
    messages: i64,
}

impl Tally {
    fn add(&mut self, sum: &Sum) {
        if sum.event == "open" {
            self.opens += sum.count;
        } else if let Some(i) = ACTIONS.iter().position(|a| *a == sum.action) {
            self.uses.entry(sum.channel.clone()).or_default()[i] += sum.count;
        }
    }

    fn uses(&self) -> i64 {
        self.uses.values().flatten().sum()
    }

    /// Contacts (channel uses and messages) over opens, in whole percent; "–" without opens.
    fn conversion(&self) -> String {
        if self.opens == 0 {
            return "–".into();
        }
        let contacts = (self.uses() + self.messages) as f64;
        format!("{:.0}%", 100.0 * contacts / self.opens as f64)
    }
}

/// A day and a site.
type DaySite = (String, String);

/// The tallies per (day, site), newest day first, and the range's total.
fn tallies(sums: &[Sum], messages: &[DayMessages]) -> (Vec<(DaySite, Tally)>, Tally) {
    let mut days: BTreeMap<DaySite, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    for sum in sums {
        let key = (sum.day.clone(), sum.site.clone());
        days.entry(key).or_default().add(sum);
        total.add(sum);
    }
    for m in messages {
        days.entry((m.day.clone(), m.site.clone()))
            .or_default()
            .messages += m.count;
        total.messages += m.count;
    }
    let mut days: Vec<_> = days.into_iter().collect();
    days.sort_by(|(a, _), (b, _)| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    (days, total)
}

/// A channel type as the owner knows it ("WhatsApp"); an unknown one as stored.
fn channel_label(name: &str) -> String {
    match Kind::from_name(name) {
        Some(kind) => Texts::default().get(Text::label_of(kind)).to_string(),
        None => name.to_string(),
    }
}

/// What each action in [`ACTIONS`] means, in words, and as a column heading.
const ACTION_WORDS: [&str; 3] = ["link opened", "copied", "QR code shown"];
const ACTION_HEADINGS: [&str; 3] = ["Link opened", "Copied", "QR code shown"];

/// `n` and the noun, plural unless one: "1 open", "3 channel uses".
fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn view(header: Markup, range: &Range, sites: &[Site], read: &Read) -> Markup {
    let (days, total) = tallies(&read.sums, &read.messages);
    let qs = query_string(range);
    document(
        "Insights",
        html! {
            (header)
            main {
                h1 { "Insights" }
                p {
                    "Counted by the widget when its " code { "insights" } " option is on: each opening of the panel and each use of a channel, "
                    "per day (UTC) and site, with the page's path, the language and the kind of device. Messages are the ones stored here. "
                    "Nothing identifies a visitor: no cookie, no address, no row per visit."
                }
                (filters(range, sites))
                p class="summary" {
                    span {
                        (count(total.opens, "open", "opens")) " · "
                        (count(total.uses(), "channel use", "channel uses")) " · "
                        (count(total.messages, "message", "messages")) " · "
                        "conversion " (total.conversion())
                    }
                    " · " a href={ "/inbox/insights.csv" (qs) } { "Export CSV" }
                    " · " a href={ "/inbox/insights.json" (qs) } { "Export JSON" }
                }
                @if days.is_empty() {
                    p { "Nothing counted in this range. Turn on " code { "insights" } " in the widget's configuration to count opens and channel uses." }
                } @else {
                    // Each table scrolls on its own on a narrow screen, not the page.
                    div class="scroll" { (day_table(&days)) }
                    div class="scroll" { (channel_table(&total)) }
                    div class="scroll" { (share_table("Pages", "Page", &read.pages)) }
                    div class="scroll" { (share_table("Languages", "Language", &read.languages)) }
                    div class="scroll" { (share_table("Devices", "Device", &read.devices)) }
                }
            }
        },
    )
}

/// The range and site form.
fn filters(range: &Range, sites: &[Site]) -> Markup {
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let current = range.site.as_deref().unwrap_or("");
    html! {
        form class="filters" method="get" action="/inbox/insights" {
            label for="i-from" { "From" }
            input id="i-from" type="date" name="from" value=(value(&range.from));
            label for="i-to" { "To" }
            input id="i-to" type="date" name="to" value=(value(&range.to));
            label for="i-site" { "Site" }
            @if sites.is_empty() {
                input id="i-site" name="site" value=(current) placeholder="origin";
            } @else {
                select id="i-site" name="site" {
                    option value="" selected[current.is_empty()] { "any" }
                    @for site in sites { option value=(site.name) selected[current == site.name] { (site.name) } }
                }
            }
            button { "Show" }
        }
    }
}

fn day_table(days: &[((String, String), Tally)]) -> Markup {
    html! {
        table class="insights" {
            caption { "Per day (UTC) and site" }
            thead { tr {
                th scope="col" { "Day" } th scope="col" { "Site" } th scope="col" class="number" { "Opens" }
                th scope="col" { "Channel uses" } th scope="col" class="number" { "Messages" }
                th scope="col" class="number" { "Conversion" }
            } }
            tbody {
                @for ((day, site), tally) in days {
                    tr {
                        td { (day) }
                        td { (visitor_url(site)) }
                        td class="number" { (tally.opens) }
                        td {
                            (tally.uses())
                            @if !tally.uses.is_empty() {
                                ul class="uses" {
                                    @for (channel, counts) in &tally.uses {
                                        li { (channel_label(channel)) ": " (in_words(counts)) }
                                    }
                                }
                            }
                        }
                        td class="number" { (tally.messages) }
                        td class="number" { (tally.conversion()) }
                    }
                }
            }
        }
    }
}

/// A channel's uses by action, the actions that happened only: "2 link opened, 1 copied".
fn in_words(counts: &[i64; 3]) -> String {
    counts
        .iter()
        .zip(ACTION_WORDS)
        .filter(|(n, _)| **n > 0)
        .map(|(n, words)| format!("{n} {words}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn channel_table(total: &Tally) -> Markup {
    html! {
        @if !total.uses.is_empty() {
            table class="insights" {
                caption { "Channels in this range" }
                thead { tr {
                    th scope="col" { "Channel" }
                    @for heading in ACTION_HEADINGS { th scope="col" class="number" { (heading) } }
                    th scope="col" class="number" { "Total" }
                } }
                tbody {
                    @for (channel, counts) in &total.uses {
                        tr {
                            td { (channel_label(channel)) }
                            @for n in counts { td class="number" { (n) } }
                            td class="number" { (counts.iter().sum::<i64>()) }
                        }
                    }
                }
            }
        }
    }
}

/// The range's opens and uses per page, language or device (`title`; `label` heads the column).
fn share_table(title: &str, label: &str, shares: &[Share]) -> Markup {
    html! {
        @if !shares.is_empty() {
            table class="insights" {
                caption { (title) }
                thead { tr {
                    th scope="col" { (label) } th scope="col" class="number" { "Opens" }
                    th scope="col" class="number" { "Channel uses" }
                } }
                tbody {
                    @for share in shares {
                        tr {
                            td { (visitor_url(&share.value)) }
                            td class="number" { (share.opens) }
                            td class="number" { (share.uses) }
                        }
                    }
                }
            }
        }
    }
}

async fn export_csv(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<InsightsQuery>,
) -> Response {
    download(
        app,
        &headers,
        &query,
        ("text/csv; charset=utf-8", "csv"),
        csv_chunk,
    )
    .await
}

async fn export_json(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<InsightsQuery>,
) -> Response {
    download(
        app,
        &headers,
        &query,
        ("application/json", "json"),
        export::json_chunk,
    )
    .await
}

/// One page of the CSV export: the header first (when `first`), a line per counter.
fn csv_chunk(rows: &[Count], first: bool, _last: bool) -> String {
    let records = rows.iter().map(|Count { key: k, count }| {
        [
            k.day.clone(),
            k.site.clone(),
            k.event.clone(),
            k.channel.clone(),
            k.action.clone(),
            k.path.clone(),
            k.language.clone(),
            k.device.clone(),
            count.to_string(),
        ]
    });
    export::csv_records(first.then_some(CSV_HEADER), records)
}

/// An export of the query's range (everything without one) as a download: `(content type, file
/// extension)`, each page rendered by `render`.
async fn download(
    app: Arc<App>,
    headers: &HeaderMap,
    query: &InsightsQuery,
    (content_type, extension): (&'static str, &str),
    render: fn(&[Count], bool, bool) -> String,
) -> Response {
    if !auth::may_read(&app, headers).await {
        return error_page(StatusCode::UNAUTHORIZED, "Log in at /inbox first.");
    }
    let range = match query.range() {
        Ok(range) => range,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, &e),
    };
    let headers = [
        ("content-type", content_type.to_string()),
        (
            "content-disposition",
            super::attachment(&format!("insights.{extension}")),
        ),
        ("cache-control", "no-store".to_string()),
    ];
    (headers, export_body(app, range, render)).into_response()
}

/// Where a streamed export is: at the counters (after this key), at the messages, or done.
enum Next {
    Counts(Option<CountKey>),
    Messages,
}

/// Every counter of `range` in key order, [`EXPORT_PAGE`] at a time (memory stays the same
/// however many there are), then the messages per day and site as `message` rows (a few per
/// day). A storage failure midway ends the body early: the client sees a cut download.
fn export_body(app: Arc<App>, range: Range, render: fn(&[Count], bool, bool) -> String) -> Body {
    let pages = futures_util::stream::unfold(Some(Next::Counts(None)), move |state| {
        let (app, range) = (Arc::clone(&app), range.clone());
        async move {
            let (chunk, next) = match state? {
                Next::Counts(after) => {
                    let first = after.is_none();
                    app.store
                        .counts(&range, after.as_ref(), EXPORT_PAGE)
                        .await
                        .map(|rows| {
                            let next = match rows.last() {
                                Some(last) if rows.len() == EXPORT_PAGE as usize => {
                                    Next::Counts(Some(last.key.clone()))
                                }
                                _ => Next::Messages,
                            };
                            (render(&rows, first, false), Some(next))
                        })
                }
                Next::Messages => app.store.messages_per_day(&range).await.map(|days| {
                    let rows: Vec<Count> = days.into_iter().map(message_row).collect();
                    (render(&rows, false, true), None)
                }),
            }
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "storage failed during an export; the download is cut short");
                (String::new(), None)
            });
            Some((Ok::<_, std::io::Error>(Bytes::from(chunk)), next))
        }
    });
    Body::from_stream(pages)
}

/// A day's messages for a site, as an export row.
fn message_row(m: DayMessages) -> Count {
    Count {
        key: CountKey {
            day: m.day,
            site: m.site,
            event: "message".into(),
            ..CountKey::default()
        },
        count: m.count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(day: &str, site: &str, event: &str, channel: &str, action: &str, count: i64) -> Sum {
        Sum {
            day: day.into(),
            site: site.into(),
            event: event.into(),
            channel: channel.into(),
            action: action.into(),
            count,
        }
    }

    #[test]
    fn tallies_days_and_converts_opens_to_contacts() {
        let sums = [
            sum("2026-11-01", "shop", "open", "", "", 4),
            sum("2026-11-01", "shop", "channel", "whatsapp", "open", 2),
            sum("2026-11-01", "shop", "channel", "whatsapp", "qr", 1),
            sum("2026-11-02", "blog", "channel", "phone", "copy", 1),
        ];
        let messages = [
            DayMessages {
                day: "2026-11-01".into(),
                site: "shop".into(),
                count: 1,
            },
            DayMessages {
                day: "2026-11-03".into(),
                site: "shop".into(),
                count: 2,
            },
        ];
        let (days, total) = tallies(&sums, &messages);
        let keys: Vec<(&str, &str)> = days
            .iter()
            .map(|((d, s), _)| (d.as_str(), s.as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                ("2026-11-03", "shop"),
                ("2026-11-02", "blog"),
                ("2026-11-01", "shop")
            ],
            "newest first"
        );
        let shop = &days[2].1;
        assert_eq!((shop.opens, shop.uses(), shop.messages), (4, 3, 1));
        assert_eq!(shop.uses["whatsapp"], [2, 0, 1]);
        assert_eq!(shop.conversion(), "100%", "(3 uses + 1 message) / 4 opens");
        assert_eq!(days[0].1.conversion(), "–", "no opens");
        assert_eq!((total.opens, total.uses(), total.messages), (4, 4, 3));
        assert_eq!(total.conversion(), "175%");
        assert_eq!(in_words(&[2, 0, 1]), "2 link opened, 1 QR code shown");
        assert_eq!(channel_label("whatsapp"), "WhatsApp");
        assert_eq!(channel_label("gone"), "gone");
        assert_eq!(count(1, "open", "opens"), "1 open");
        assert_eq!(count(0, "open", "opens"), "0 opens");
    }

    #[test]
    fn reads_the_range_and_writes_it_back() {
        let query = |from: &str, to: &str, site: &str| InsightsQuery {
            from: Some(from.into()),
            to: Some(to.into()),
            site: Some(site.into()),
        };
        let range = query("2026-11-01", " ", "a&b").range().expect("valid");
        assert_eq!(
            range,
            Range {
                from: Some("2026-11-01".into()),
                to: None,
                site: Some("a&b".into())
            }
        );
        assert_eq!(query_string(&range), "?from=2026-11-01&site=a%26b");
        assert_eq!(
            query("1.11.2026", "", "").range(),
            Err("from must be a date like 2026-11-24, got \"1.11.2026\"".into())
        );
        let shown = InsightsQuery::default().shown_range().expect("default");
        let (from, to) = (shown.from.expect("from"), shown.to.expect("to"));
        let days = to.parse::<jiff::civil::Date>().expect("to")
            - from.parse::<jiff::civil::Date>().expect("from");
        assert_eq!(days.get_days(), 29, "{from} to {to}: 30 days");
        assert_eq!(query_string(&Range::default()), "");
    }
}
