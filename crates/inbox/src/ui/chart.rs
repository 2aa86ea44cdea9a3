//! The volume-and-rating chart: inline SVG rendered on the server (no script, CSP-friendly).
//! Bars are messages per day; dots joined by a line are that day's average rating (1–5).

use std::fmt::Write;

use super::html::esc;
use crate::store::DayStats;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 160.0;
const PAD: f64 = 28.0;

/// At most this many days are drawn (the newest).
const MAX_DAYS: usize = 92;

/// The chart for `days` (oldest first, days without messages absent); an empty note when there
/// is nothing to draw.
pub fn svg(days: &[DayStats]) -> String {
    let days = with_empty_days(days);
    let days = &days[days.len().saturating_sub(MAX_DAYS)..];
    if days.is_empty() {
        return "<p class=\"muted\">No messages in this selection yet.</p>".into();
    }
    let max_count = days.iter().map(|d| d.count).max().unwrap_or(1).max(1) as f64;
    let plot_w = WIDTH - 2.0 * PAD;
    let plot_h = HEIGHT - 2.0 * PAD;
    let slot = plot_w / days.len() as f64;
    let bar = (slot * 0.7).clamp(1.0, 40.0);
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title>Messages per day and average rating, {} to {}</title>",
        esc(&days[0].day),
        esc(&days[days.len() - 1].day)
    );
    let _ = write!(
        out,
        "<line x1=\"{PAD}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"#999\"/>\
         <text x=\"2\" y=\"{ty}\" font-size=\"10\">{max_count}</text>\
         <text x=\"{rx}\" y=\"{ty}\" font-size=\"10\">★5</text>",
        y = HEIGHT - PAD,
        x2 = WIDTH - PAD,
        ty = PAD + 4.0,
        rx = WIDTH - PAD + 4.0
    );
    let mut points = Vec::new();
    for (i, d) in days.iter().enumerate() {
        let x = PAD + slot * i as f64 + (slot - bar) / 2.0;
        let h = plot_h * d.count as f64 / max_count;
        let rating = d.average_rating.map_or("no rating".to_string(), |r| {
            format!("average rating {r:.1}")
        });
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"#0b57d0\">\
             <title>{}: {} message{}, {}</title></rect>",
            HEIGHT - PAD - h,
            esc(&d.day),
            d.count,
            if d.count == 1 { "" } else { "s" },
            esc(&rating)
        );
        if let Some(r) = d.average_rating {
            let cy = HEIGHT - PAD - plot_h * (r - 1.0) / 4.0;
            points.push(format!("{:.1},{cy:.1}", x + bar / 2.0));
        }
    }
    if points.len() > 1 {
        let _ = write!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#e37400\" stroke-width=\"2\"/>",
            points.join(" ")
        );
    }
    for p in &points {
        let (cx, cy) = p.split_once(',').unwrap_or(("0", "0"));
        let _ = write!(
            out,
            "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"3\" fill=\"#e37400\"/>"
        );
    }
    let _ = write!(
        out,
        "<text x=\"{PAD}\" y=\"{ly}\" font-size=\"10\">{}</text><text x=\"{rx}\" y=\"{ly}\" font-size=\"10\" text-anchor=\"end\">{}</text></svg>",
        esc(&days[0].day),
        esc(&days[days.len() - 1].day),
        ly = HEIGHT - 8.0,
        rx = WIDTH - PAD
    );
    out
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
        ]);
        assert_eq!(svg.matches("<rect").count(), 3);
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(
            svg.contains("2026-11-01: 2 messages, average rating 4.5"),
            "{svg}"
        );
        assert!(svg.contains("2026-11-02: 1 message, no rating"), "{svg}");
        assert!(!svg.contains("style="), "no inline style (CSP)");
        assert!(super::svg(&[]).contains("No messages"));
        let gap = super::svg(&[day("2026-02-27", 1, None), day("2026-03-02", 1, None)]);
        assert_eq!(
            gap.matches("<rect").count(),
            4,
            "two empty days drawn between"
        );
        assert!(gap.contains("2026-03-01: 0 messages"), "{gap}");
    }
}
