//! The list page: the views, the filters, the count with the exports, the chart, one page of
//! messages, and the links to other pages.

use maud::{html, Markup};

use super::html::{excerpt, query_value, visitor, visitor_url};
use super::layout::document;
use super::{chart, spam};
use crate::api::ListQuery;
use crate::config::Site;
use crate::store::{Cursor, DayStats, StoredSubmission};

/// What one list page shows.
pub struct Listing<'a> {
    pub query: &'a ListQuery,
    /// The configured sites (none in open mode), to pick one from.
    pub sites: &'a [Site],
    /// Every matching message per day (so the count covers every page).
    pub daily: &'a [DayStats],
    /// How many flagged messages match the other filters.
    pub flagged: i64,
    pub rows: &'a [StoredSubmission],
    /// Whether this page is not the first.
    pub later: bool,
    pub next: Option<&'a Cursor>,
}

pub fn page(header: Markup, listing: &Listing) -> Markup {
    let query = listing.query;
    let total: i64 = listing.daily.iter().map(|d| d.count).sum();
    let qs = query.query_string(None);
    document(
        "Messages",
        html! {
            (header)
            main {
                h1 { @if spam::is_spam_view(query) { "Possible spam" } @else { "Messages" } }
                (spam::tabs(query, listing.flagged))
                (filters(query, listing.sites))
                p class="summary" {
                    span { (total) " message" @if total != 1 { "s" } " match" }
                    " · " a href={ "/inbox/export.csv" (qs) } { "Export CSV" }
                    " · " a href={ "/inbox/export.json" (qs) } { "Export JSON" }
                }
                (chart::svg(listing.daily))
                (table(listing.rows))
                (pages(query, listing.later, listing.next))
            }
        },
    )
}

/// The filter form, showing the current filters.
fn filters(query: &ListQuery, sites: &[Site]) -> Markup {
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let option = |current: &Option<String>, value: &str, label: &str| {
        html! {
            option value=(value) selected[current.as_deref().unwrap_or("") == value] { (label) }
        }
    };
    html! {
        form class="filters" method="get" action="/inbox" role="search" {
            label for="f-q" { "Search" }
            input id="f-q" type="search" name="q" value=(value(&query.q));
            label for="f-site" { "Site" }
            @if sites.is_empty() {
                input id="f-site" name="site" value=(value(&query.site)) placeholder="origin";
            } @else {
                select id="f-site" name="site" {
                    (option(&query.site, "", "any"))
                    @for site in sites { (option(&query.site, &site.name, &site.name)) }
                }
            }
            label for="f-rating" { "Rating" }
            select id="f-rating" name="rating" {
                (option(&query.rating, "", "any"))
                @for r in ["5", "4", "3", "2", "1"] { (option(&query.rating, r, r)) }
            }
            label for="f-from" { "From" }
            input id="f-from" type="date" name="from" value=(value(&query.from));
            label for="f-to" { "To" }
            input id="f-to" type="date" name="to" value=(value(&query.to));
            label for="f-handled" { "Handled" }
            select id="f-handled" name="handled" {
                (option(&query.handled, "", "any"))
                (option(&query.handled, "no", "not handled"))
                (option(&query.handled, "yes", "handled"))
            }
            (spam::view_field(query))
            button { "Filter" }
        }
    }
}

/// One page of messages, newest first.
fn table(rows: &[StoredSubmission]) -> Markup {
    if rows.is_empty() {
        return html! { p { "No messages match." } };
    }
    html! {
        table {
            thead { tr { th { "Received" } th { "Site" } th { "Rating" } th { "Message" } th { "E-mail" } th { "Status" } } }
            tbody {
                @for row in rows {
                    @let s = &row.submission;
                    tr {
                        td { (row.received_at[..16.min(row.received_at.len())].replace('T', " ")) }
                        td { (visitor_url(&row.inbox.site)) }
                        td { @if let Some(r) = s.rating { (r) "/5" } }
                        td { a href={ "/inbox/m/" (query_value(&s.id)) } { (visitor(&excerpt(&s.message, 120))) } }
                        td { (visitor_url(s.email.as_deref().unwrap_or(""))) }
                        td {
                            @if row.inbox.handled { "handled" } @else { "new" }
                            @if !row.inbox.flags.is_empty() { " · " (spam::words(&row.inbox.flags)) }
                        }
                    }
                }
            }
        }
    }
}

/// Older pages by cursor: each costs the same however deep, and none repeats a row.
fn pages(query: &ListQuery, later: bool, next: Option<&Cursor>) -> Markup {
    html! {
        @if later || next.is_some() {
            nav class="pages" aria-label="Pages" {
                @if later { a href={ "/inbox" (query.query_string(None)) } { "Newest messages" } }
                @if later && next.is_some() { " · " }
                @if let Some(next) = next {
                    a href={ "/inbox" (query.query_string(Some(next))) } rel="next" { "Older messages" }
                }
            }
        }
    }
}
