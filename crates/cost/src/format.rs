//! Number formatting for figures in documents and reports.
//!
//! Money is shown rounded to the cent; the values inside estimates stay unrounded, so a sum of rounded items may
//! differ from the rounded total by a cent.

use std::fmt::Write as _;

fn trim_zeros(text: String) -> String {
    let trimmed = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    // A negative figure that rounds to nothing is nothing: never "-0".
    if trimmed == "-0" { "0".into() } else { trimmed }
}

fn group(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `$1,234.56`; negative amounts as `-$1.00`.
pub fn money(usd: f64) -> String {
    let cents = (usd.abs() * 100.0).round() as u128;
    let sign = if usd < 0.0 && cents > 0 { "-" } else { "" };
    format!(
        "{sign}${}.{:02}",
        group(&(cents / 100).to_string()),
        cents % 100
    )
}

/// A unit price with as many decimals as it needs, at least two: `$1.00`, `$0.625`, `$0.0000133334`.
pub fn rate(usd: f64) -> String {
    if ((usd * 100.0).round() / 100.0 - usd).abs() < 1e-12 {
        format!("${usd:.2}")
    } else {
        format!("${}", trim_zeros(format!("{usd:.10}")))
    }
}

/// `1,234,567`.
pub fn thousands(n: u64) -> String {
    group(&n.to_string())
}

/// A compact count: `10K`, `1.1M`, `100M`, `7.5B`, `1T`, `375.5`.
pub fn count(x: f64) -> String {
    for (div, suffix) in [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")] {
        if x.abs() >= div {
            return format!("{}{suffix}", trim_zeros(format!("{:.2}", x / div)));
        }
    }
    trim_zeros(format!("{x:.2}"))
}

/// `x` with at most `places` decimals, trailing zeros dropped: `decimals(2.2160, 2)` is `2.22`, `decimals(13.0, 1)`
/// is `13`.
pub fn decimals(x: f64, places: usize) -> String {
    trim_zeros(format!("{x:.places$}"))
}

/// A plain number without float noise: `0.2`, `128`, `1000000`, `0.000001`.
pub fn plain(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        trim_zeros(format!("{x:.6}"))
    }
}

/// One indented `label  $amount` line per platform; `widths` are the label and amount columns.
pub fn platform_totals(out: &mut String, widths: (usize, usize), rows: &[(&str, f64)]) {
    let (label_width, amount_width) = widths;
    for (label, usd) in rows {
        let _ = writeln!(
            out,
            "  {label:<label_width$} {:>amount_width$}",
            money(*usd)
        );
    }
}

/// Events a second on average, for `events_per_month` spread over a month of `hours_per_month` hours.
pub fn per_second(events_per_month: u64, hours_per_month: f64) -> f64 {
    events_per_month as f64 / (hours_per_month * 3600.0)
}

/// `Break-even against Fargate: 35,811,234 events per month (13.6 per second on average).`, the rate over the
/// price table's month of `hours_per_month` hours.
pub fn break_even_sentence(platform: &str, events: Option<u64>, hours_per_month: f64) -> String {
    match events {
        Some(n) => format!(
            "Break-even against {platform}: {} events per month ({} per second on average); above it containers cost less.\n",
            thousands(n),
            decimals(per_second(n, hours_per_month), 1)
        ),
        None => format!(
            "Break-even against {platform}: none up to 10^12 events per month; serverless stays cheaper.\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_negative_figure_that_rounds_to_nothing_prints_as_0() {
        // -0.000001 to two places is "-0.00": it printed "-0 traces".
        assert_eq!(count(-0.000001), "0");
        assert_eq!(decimals(-0.0001, 2), "0");
        assert_eq!(count(-1500.0), "-1.5K");
    }

    #[test]
    fn the_break_even_rate_uses_the_month_it_is_given() {
        // 36M events over 730 hours is 13.7 a second; over a 720-hour month, 13.9.
        assert!(
            break_even_sentence("Fargate", Some(36_000_000), 730.0).contains("(13.7 per second")
        );
        assert!(
            break_even_sentence("Fargate", Some(36_000_000), 720.0).contains("(13.9 per second")
        );
        assert!(break_even_sentence("EKS", None, 720.0).contains("none up to 10^12"));
    }

    #[test]
    fn money_rounds_to_cents_with_separators() {
        assert_eq!(money(420.8334), "$420.83");
        assert_eq!(money(0.04208), "$0.04");
        assert_eq!(money(2189.1667), "$2,189.17");
        assert_eq!(money(1234567.0), "$1,234,567.00");
        assert_eq!(money(-1.0), "-$1.00");
        assert_eq!(money(0.0), "$0.00");
    }

    #[test]
    fn rates_and_counts_read_naturally() {
        assert_eq!(rate(1.0), "$1.00");
        assert_eq!(rate(0.625), "$0.625");
        assert_eq!(rate(0.0000133334), "$0.0000133334");
        assert_eq!(count(10_000.0), "10K");
        assert_eq!(count(1_100_000.0), "1.1M");
        assert_eq!(count(7.5e9), "7.5B");
        assert_eq!(count(375.5), "375.5");
        assert_eq!(thousands(35_811_234), "35,811,234");
        assert_eq!(plain(0.2), "0.2");
        assert_eq!(plain(128.0), "128");
    }
}
