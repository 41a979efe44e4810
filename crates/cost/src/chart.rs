//! The cost curve as a picture: an SVG line chart of the three bills against the monthly volume, both axes
//! logarithmic, with the break-evens marked. Pure text from numbers, so the same curve gives the same bytes.

use std::fmt::Write as _;

use crate::compare::{Comparison, CurvePoint};
use crate::format;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 400.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 160.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 50.0;

/// A series drawn: label, colour and how to read its bill from a point.
type Series = (&'static str, &'static str, fn(&CurvePoint) -> f64);

const SERIES: [Series; 3] = [
    ("serverless", "#d62728", |p| p.serverless_usd),
    ("Fargate", "#1f77b4", |p| p.fargate_usd),
    ("EKS", "#2ca02c", |p| p.eks_usd),
];

/// An SVG chart of `curve` (at least two points, smallest volume first) with a dashed line at each break-even
/// (`label`, events a month). `title` heads it.
pub fn curve_svg(title: &str, curve: &[CurvePoint], break_evens: &[(&str, u64)]) -> String {
    let min_x = curve
        .first()
        .map_or(1.0, |p| p.events_per_month as f64)
        .max(1.0);
    let max_x = curve
        .last()
        .map_or(10.0, |p| p.events_per_month as f64)
        .max(min_x * 10.0);
    let all = curve
        .iter()
        .flat_map(|p| SERIES.iter().map(move |(_, _, f)| f(p)));
    let (lo, hi) = all.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    // Whole decades around the figures.
    let min_y = 10f64.powf(lo.max(0.01).log10().floor());
    let max_y = 10f64.powf(hi.max(min_y * 10.0).log10().ceil());
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |v: f64| {
        LEFT + (v.max(min_x).log10() - min_x.log10()) / (max_x.log10() - min_x.log10()) * plot_w
    };
    let y = |v: f64| {
        TOP + plot_h
            - (v.max(min_y).log10() - min_y.log10()) / (max_y.log10() - min_y.log10()) * plot_h
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, "<title>{}</title>", escape(title));
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="18" font-size="14">{}</text>"#,
        LEFT,
        escape(title)
    );
    // Decade grid lines and labels.
    let mut v = min_x;
    while v <= max_x * 1.0001 {
        let px = x(v);
        let _ = writeln!(
            s,
            r##"<line x1="{px:.1}" y1="{TOP}" x2="{px:.1}" y2="{:.1}" stroke="#dddddd"/><text x="{px:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
            TOP + plot_h,
            TOP + plot_h + 16.0,
            format::count(v)
        );
        v *= 10.0;
    }
    let mut v = min_y;
    while v <= max_y * 1.0001 {
        let py = y(v);
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" y1="{py:.1}" x2="{:.1}" y2="{py:.1}" stroke="#dddddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">${}</text>"##,
            LEFT + plot_w,
            LEFT - 6.0,
            py + 4.0,
            format::count(v)
        );
        v *= 10.0;
    }
    let _ = writeln!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">events a month</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 10.0
    );
    let _ = writeln!(
        s,
        r#"<text x="16" y="{:.1}" transform="rotate(-90 16 {:.1})" text-anchor="middle">USD a month</text>"#,
        TOP + plot_h / 2.0,
        TOP + plot_h / 2.0
    );
    for (i, (label, colour, read)) in SERIES.iter().enumerate() {
        let points: Vec<String> = curve
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(p.events_per_month as f64), y(read(p))))
            .collect();
        let _ = writeln!(
            s,
            r#"<polyline fill="none" stroke="{colour}" stroke-width="2" points="{}"/>"#,
            points.join(" ")
        );
        let ly = TOP + 10.0 + i as f64 * 18.0;
        let lx = LEFT + plot_w + 12.0;
        let _ = writeln!(
            s,
            r#"<line x1="{lx:.1}" y1="{ly:.1}" x2="{:.1}" y2="{ly:.1}" stroke="{colour}" stroke-width="2"/><text x="{:.1}" y="{:.1}">{label}</text>"#,
            lx + 20.0,
            lx + 26.0,
            ly + 4.0
        );
    }
    for (i, (label, events)) in break_evens.iter().enumerate() {
        let n = *events as f64;
        if n < min_x || n > max_x {
            continue;
        }
        let px = x(n);
        let _ = writeln!(
            s,
            r##"<line x1="{px:.1}" y1="{TOP}" x2="{px:.1}" y2="{:.1}" stroke="#555555" stroke-dasharray="4 3"/><text x="{:.1}" y="{:.1}" font-size="11">break-even {}: {}</text>"##,
            TOP + plot_h,
            px + 4.0,
            TOP + 14.0 + i as f64 * 14.0,
            escape(label),
            format::count(n)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The break-evens a comparison found, labelled for the chart.
pub fn break_evens(cmp: &Comparison) -> Vec<(&'static str, u64)> {
    [
        ("Fargate", cmp.break_even_fargate),
        ("EKS", cmp.break_even_eks),
    ]
    .into_iter()
    .filter_map(|(label, b)| b.map(|b| (label, b)))
    .collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(n: u64, s: f64, f: f64, e: f64) -> CurvePoint {
        CurvePoint {
            events_per_month: n,
            serverless_usd: s,
            fargate_usd: f,
            eks_usd: e,
        }
    }

    #[test]
    fn the_chart_draws_three_lines_on_log_axes_and_marks_the_break_evens() {
        let curve = [
            point(10_000, 0.05, 45.0, 200.0),
            point(1_000_000, 5.0, 50.0, 210.0),
            point(1_000_000_000, 5_000.0, 4_500.0, 5_000.0),
        ];
        let svg = curve_svg("Cost <curve>", &curve, &[("Fargate", 47_000_000)]);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>\n"));
        assert_eq!(svg.matches("<polyline").count(), 3);
        assert!(svg.contains("Cost &lt;curve&gt;"));
        // 10K to 1B is five decades on 480 px: 1M is two decades in, 80 + 2 x 96 = 272.
        assert!(svg.contains(r#"points="80.0,"#), "{svg}");
        assert!(svg.contains("272.0,"), "{svg}");
        // The y axis runs from $0.01 to $10K: six decades; the break-even at 47M is marked.
        assert!(svg.contains(">$0.01<") && svg.contains(">$10K<"), "{svg}");
        assert!(svg.contains("break-even Fargate: 47M"), "{svg}");
        // Same figures, same bytes.
        assert_eq!(
            svg,
            curve_svg("Cost <curve>", &curve, &[("Fargate", 47_000_000)])
        );
    }
}
