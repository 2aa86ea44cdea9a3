//! The volume-and-rating chart: inline SVG rendered on the server (no script, CSP-friendly).
//! Bars are messages per day; dots joined by a line are that day's average rating (1–5).

use maud::{html, Markup};

use crate::store::DayStats;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 180.0;
const PAD: f64 = 40.0;
/// Labels are this tall in the chart's own units (it is drawn at most 640 px wide).
const FONT: f64 = 14.0;

/// At most this many days are drawn (the newest).
const MAX_DAYS: usize = 92;

/// The chart for `days` (oldest first, days without messages absent); nothing when there is
/// nothing to draw (the list says so once). SVG's own elements are closed explicitly (`{}`): inside HTML an SVG
/// element without `/>` or an end tag would contain what follows it.
pub fn svg(days: &[DayStats]) -> Markup {
    let days = with_empty_days(days);
    let days = &days[days.len().saturating_sub(MAX_DAYS)..];
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return html! {};
    };
    let max_count = days.iter().map(|d| d.count).max().unwrap_or(1).max(1) as f64;
    let plot_w = WIDTH - 2.0 * PAD;
    let plot_h = HEIGHT - 2.0 * PAD;
    let slot = plot_w / days.len() as f64;
    let bar = (slot * 0.7).clamp(1.0, 40.0);
    let axis = HEIGHT - PAD;
    let x = |i: usize| PAD + slot * i as f64 + (slot - bar) / 2.0;
    let height = |d: &DayStats| plot_h * d.count as f64 / max_count;
    // The average ratings' dots, at the middle of their bars.
    let dots: Vec<(String, String)> = days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let r = d.average_rating?;
            Some((one(x(i) + bar / 2.0), one(axis - plot_h * (r - 1.0) / 4.0)))
        })
        .collect();
    html! {
        svg class="chart" role="img" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } xmlns="http://www.w3.org/2000/svg" {
            title { "Messages per day and average rating, " (first.day) " to " (last.day) }
            line x1=(PAD) y1=(axis) x2=(WIDTH - PAD) y2=(axis) stroke="#999" {}
            text x="2" y=(PAD + 4.0) font-size=(FONT) { (max_count) }
            text x=(WIDTH - PAD + 4.0) y=(PAD + 4.0) font-size=(FONT) { "★5" }
            @for (i, d) in days.iter().enumerate() {
                rect x=(one(x(i))) y=(one(axis - height(d))) width=(one(bar)) height=(one(height(d))) fill="#0b57d0" {
                    title {
                        (d.day) ": " (d.count) " message" @if d.count != 1 { "s" } ", "
                        @match d.average_rating {
                            Some(r) => { "average rating " (one(r)) }
                            None => "no rating",
                        }
                    }
                }
            }
            @if dots.len() > 1 {
                polyline points=(dots.iter().map(|(x, y)| format!("{x},{y}")).collect::<Vec<_>>().join(" "))
                    fill="none" stroke="#e37400" stroke-width="2" {}
            }
            @for (cx, cy) in &dots {
                circle cx=(cx) cy=(cy) r="3" fill="#e37400" {}
            }
            // The first and the last day under their own bars; one day is labelled once.
            @if days.len() == 1 {
                text x=(one(x(0) + bar / 2.0)) y=(HEIGHT - 12.0) font-size=(FONT) text-anchor="middle" { (first.day) }
            } @else {
                text x=(one(x(0))) y=(HEIGHT - 12.0) font-size=(FONT) { (first.day) }
                text x=(one(x(days.len() - 1) + bar)) y=(HEIGHT - 12.0) font-size=(FONT) text-anchor="end" { (last.day) }
            }
        }
    }
}

/// A coordinate with one decimal.
fn one(n: f64) -> String {
    format!("{n:.1}")
}

/// `days` with a zero entry for every missing day between the first and the last, so the x axis
/// is time.
fn with_empty_days(days: &[DayStats]) -> Vec<DayStats> {
    let mut out: Vec<DayStats> = Vec::with_capacity(days.len());
    for d in days {
        while let Some(next) = out
            .last()
            .and_then(|last| crate::time::next_day(&last.day))
            .filter(|n| *n < d.day)
        {
            out.push(DayStats {
                day: next,
                count: 0,
                average_rating: None,
            });
        }
        out.push(d.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_bar_per_day_and_a_dot_per_rated_day() {
        let day = |day: &str, count, average_rating| DayStats {
            day: day.into(),
            count,
            average_rating,
        };
        let svg = svg(&[
            day("2026-11-01", 2, Some(4.5)),
            day("2026-11-02", 1, None),
            day("2026-11-03", 4, Some(1.0)),
        ])
        .into_string();
        assert_eq!(svg.matches("<rect").count(), 3);
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(
            svg.contains("2026-11-01: 2 messages, average rating 4.5"),
            "{svg}"
        );
        assert!(svg.contains("2026-11-02: 1 message, no rating"), "{svg}");
        assert!(!svg.contains("style="), "no inline style (CSP)");
        // Every SVG element is closed, so none holds the next one inside.
        for element in ["line", "rect", "polyline", "circle", "text"] {
            assert_eq!(
                svg.matches(&format!("<{element} ")).count(),
                svg.matches(&format!("</{element}>")).count(),
                "{element}: {svg}"
            );
        }
        assert_eq!(super::svg(&[]).into_string(), "", "the list says it once");
        assert_eq!(svg.matches("2026-11-01</text>").count(), 1, "{svg}");
        assert_eq!(svg.matches("2026-11-03</text>").count(), 1, "{svg}");
        let single = super::svg(&[day("2026-11-05", 3, None)]).into_string();
        assert_eq!(
            single.matches("2026-11-05</text>").count(),
            1,
            "one day, one label: {single}"
        );
        let gap =
            super::svg(&[day("2026-02-27", 1, None), day("2026-03-02", 1, None)]).into_string();
        assert_eq!(
            gap.matches("<rect").count(),
            4,
            "two empty days drawn between"
        );
        assert!(gap.contains("2026-03-01: 0 messages"), "{gap}");
    }
}
