//! The list page: the views (messages, assigned to me, possible spam), the status tabs with their
//! counts, the filters, the count with the exports, the chart, replies that could not be sent,
//! one page of messages as cards (each closed or reopened in place), and the links to other pages.

use std::collections::HashMap;

use maud::{html, Markup};

use super::html::{excerpt, query_value, visitor, visitor_url};
use super::layout::{document, email_link, status_badge, status_button, status_name, time};
use super::{chart, spam};
use crate::api::ListQuery;
use crate::config::Site;
use crate::store::{Cursor, DayStats, Status, StatusCounts, StoredSubmission};

/// What one list page shows.
pub struct Listing<'a> {
    pub query: &'a ListQuery,
    /// This page's own address, where its buttons come back to.
    pub here: String,
    /// The configured sites (none in open mode), to pick one from.
    pub sites: &'a [Site],
    /// Who messages can be assigned to.
    pub members: &'a [String],
    /// The logged-in teammate, if any.
    pub me: Option<&'a str>,
    /// Every matching message per day (so the count covers every page).
    pub daily: &'a [DayStats],
    /// The matching messages in each status (the status filter aside).
    pub counts: StatusCounts,
    /// How many flagged messages match the other filters.
    pub flagged: i64,
    pub rows: &'a [StoredSubmission],
    /// With one row per customer: how many messages each customer on the page has sent.
    pub per_customer: Option<HashMap<String, i64>>,
    /// Messages with a reply the mail server has refused so far.
    pub failing: &'a [String],
    /// Whether this page is not the first.
    pub later: bool,
    pub next: Option<&'a Cursor>,
    /// The CSRF token of the page's forms.
    pub token: &'a str,
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
                (views(query, listing.me, listing.flagged))
                (failing(listing.failing))
                (status_tabs(query, &listing.counts))
                (filters(query, listing.sites, listing.members))
                p class="summary" {
                    span { (total) " message" @if total != 1 { "s" } " match" }
                    @if listing.per_customer.is_some() { span { ", shown one per customer" } }
                    " " a class="quiet" href={ "/inbox/export.csv" (qs) } { "Export CSV" }
                    " " a class="quiet" href={ "/inbox/export.json" (qs) } { "Export JSON" }
                }
                (chart::svg(listing.daily))
                (cards(listing))
                (pages(query, listing.later, listing.next))
            }
        },
    )
}

/// The views as links, the current one marked: every message, the caller's own (when logged
/// in), and the flagged ones with how many match the other filters.
fn views(query: &ListQuery, me: Option<&str>, flagged: i64) -> Markup {
    let mine = query.assignee.as_deref() == Some("me");
    let main = !spam::is_spam_view(query) && !mine;
    html! {
        nav class="views" aria-label="Views" {
            a href="/inbox" aria-current=[main.then_some("page")] { "Messages" }
            @if me.is_some() {
                a href="/inbox?assignee=me" aria-current=[mine.then_some("page")] { "Assigned to me" }
            }
            (spam::tab(query, flagged))
        }
    }
}

/// Replies the mail server has refused so far, each message linked.
fn failing(ids: &[String]) -> Markup {
    html! {
        @if !ids.is_empty() {
            div class="warning" role="status" {
                p { "A reply could not be sent yet; the inbox keeps trying. See:" }
                ul { @for id in ids { li { a href={ "/inbox/m/" (query_value(id)) "#replies" } { "message " (id) } } } }
            }
        }
    }
}

/// Open, answered, closed or all, each with how many match the other filters.
fn status_tabs(query: &ListQuery, counts: &StatusCounts) -> Markup {
    let current = query.status.as_deref().unwrap_or("any");
    let tab = |value: &str, label: &str, count: i64| {
        let other = ListQuery {
            status: Some(value.to_string()),
            handled: None,
            cursor: None,
            ..query.clone()
        };
        html! {
            a href={ "/inbox" (other.query_string(None)) } aria-current=[(current == value).then_some("page")] {
                (label) " " span class="count" { (count) }
            }
        }
    };
    html! {
        nav class="tabs" aria-label="Status" {
            @for status in Status::ALL { (tab(status.name(), status_name(status), counts.of(status))) }
            (tab("any", "All", counts.total()))
        }
    }
}

/// The filter form, showing the current filters; the search always, the others folded away on
/// a phone unless one is set.
fn filters(query: &ListQuery, sites: &[Site], members: &[String]) -> Markup {
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let option = |current: &Option<String>, value: &str, label: &str| {
        html! {
            option value=(value) selected[current.as_deref().unwrap_or("") == value] { (label) }
        }
    };
    let set = [
        &query.site,
        &query.rating,
        &query.from,
        &query.to,
        &query.assignee,
        &query.group,
    ]
    .iter()
    .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()));
    html! {
        form class="filters" method="get" action="/inbox" role="search" {
            div class="search" {
                label for="f-q" { "Search" }
                input id="f-q" type="search" name="q" value=(value(&query.q));
                button { "Filter" }
            }
            details open[set] {
                summary { "More filters" }
                div class="fields" {
                    div {
                        label for="f-site" { "Site" }
                        @if sites.is_empty() {
                            input id="f-site" name="site" value=(value(&query.site)) placeholder="part of the address";
                        } @else {
                            select id="f-site" name="site" {
                                (option(&query.site, "", "any"))
                                @for site in sites { (option(&query.site, &site.name, &site.name)) }
                            }
                        }
                    }
                    div {
                        label for="f-rating" { "Rating" }
                        select id="f-rating" name="rating" {
                            (option(&query.rating, "", "any"))
                            @for r in ["5", "4", "3", "2", "1"] { (option(&query.rating, r, r)) }
                        }
                    }
                    div {
                        label for="f-from" { "From" }
                        input id="f-from" type="date" name="from" value=(value(&query.from));
                    }
                    div {
                        label for="f-to" { "To" }
                        input id="f-to" type="date" name="to" value=(value(&query.to));
                    }
                    @if !members.is_empty() {
                        div {
                            label for="f-assignee" { "Assigned to" }
                            select id="f-assignee" name="assignee" {
                                (option(&query.assignee, "", "anyone"))
                                (option(&query.assignee, "me", "me"))
                                @for member in members { (option(&query.assignee, member, member)) }
                            }
                        }
                    }
                    div {
                        label for="f-group" { "Show" }
                        select id="f-group" name="group" {
                            (option(&query.group, "", "every message"))
                            (option(&query.group, "customer", "one per customer"))
                        }
                    }
                }
            }
            @if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
                input type="hidden" name="status" value=(status);
            }
            (spam::view_field(query))
        }
    }
}

/// One page of messages, newest first, as cards; one sentence when there are none.
fn cards(listing: &Listing) -> Markup {
    if listing.rows.is_empty() {
        return html! { p class="empty" { "No messages match." } };
    }
    html! {
        ol class="cards" {
            @for row in listing.rows { li { (card(listing, row)) } }
        }
    }
}

/// One message: who, when, where from, the text (the link to it), its state, and the button
/// that closes or reopens it.
fn card(listing: &Listing, row: &StoredSubmission) -> Markup {
    let s = &row.submission;
    let email = s.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
    let name = s.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let sent = listing
        .per_customer
        .as_ref()
        .and_then(|counts| counts.get(&row.customer()?).copied());
    html! {
        article class="card" {
            div class="card-head" {
                @if let Some(name) = name { span class="name" { (visitor(name)) } }
                @if let Some(email) = email { (email_link(email)) }
                @if name.is_none() && email.is_none() { span class="muted" { "No e-mail address" } }
            }
            a class="card-message" href={ "/inbox/m/" (query_value(&s.id)) } { (visitor(&excerpt(&s.message, 160))) }
            p class="meta" {
                (status_badge(row.inbox.status))
                @if let Some(assignee) = &row.inbox.assignee { span { "Assigned to " (assignee) } }
                @if let Some(n) = sent.filter(|n| *n > 1) { span { (n) " messages from this customer" } }
                (time(&row.received_at))
                @if !row.inbox.site.is_empty() { span { (visitor_url(&row.inbox.site)) } }
                @if let Some(r) = s.rating { span { "Rated " (r) "/5" } }
                @if !row.inbox.flags.is_empty() { span class="flags" { (spam::words(&row.inbox.flags)) } }
            }
            (status_button(&s.id, row.inbox.status, listing.token, &listing.here))
        }
    }
}

/// Older pages by cursor: each costs the same however deep, and none repeats a row.
fn pages(query: &ListQuery, later: bool, next: Option<&Cursor>) -> Markup {
    html! {
        @if later || next.is_some() {
            nav class="pages" aria-label="Pages" {
                @if later { a class="button secondary" href={ "/inbox" (query.query_string(None)) } { "Newest messages" } }
                @if let Some(next) = next {
                    a class="button secondary" href={ "/inbox" (query.query_string(Some(next))) } rel="next" { "Older messages" }
                }
            }
        }
    }
}
