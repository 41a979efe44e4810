//! The plain-text reports of `scaffold cost`: every word the cost commands print is here, over the figures the
//! library computes.

use std::fmt::Write as _;

use scaffold::cost::Prices;
use scaffold::cost::compare::{Comparison, PlatformCost};
use scaffold::cost::format::{
    break_even_sentence, count, decimals, money, platform_totals, thousands,
};
use scaffold::cost::serverless::ServerlessInput;
use scaffold::cost::table::{formulas, items_table};
use scaffold::cost::unit::Report;

/// The text of `scaffold cost KIND`: the model's figures, then how they are computed (with `explain`) or where
/// to find it, then what the model leaves out.
pub fn estimate_report(report: &Report, explain: bool) -> String {
    let mut out = report.body.clone();
    if explain {
        out.push_str(&report.explained);
    } else {
        out.push_str("\nAdd --explain for the formulas, --json for machine-readable output.\n");
    }
    out.push_str("\nNot modelled:\n");
    for line in &report.not_modelled {
        let _ = writeln!(out, "  - {line}");
    }
    out
}

fn platform_block(out: &mut String, label: &str, p: &PlatformCost) {
    let _ = writeln!(out, "\n{label}, {} {}:", p.tasks, p.task_noun);
    items_table(out, &p.items, p.total_usd);
}

/// The report of `scaffold cost compare`; `eks` is what the EKS side is called.
/// The three bills from 10K to 1B events a month, smallest first, with the stated volume marked and a line where
/// each break-even falls.
fn curve_table(out: &mut String, c: &Comparison) {
    let _ = writeln!(out, "\nThe curve, per month:");
    let _ = writeln!(
        out,
        "  {:<16} {:>14} {:>14} {:>14}",
        "events", "serverless", "Fargate", "EKS"
    );
    let mut marks: Vec<(u64, &str)> =
        [(c.break_even_fargate, "Fargate"), (c.break_even_eks, "EKS")]
            .into_iter()
            .filter_map(|(b, name)| b.map(|b| (b, name)))
            .collect();
    marks.sort_unstable();
    let mut marks = marks.into_iter().peekable();
    for point in &c.curve {
        while let Some((b, name)) = marks.next_if(|(b, _)| *b <= point.events_per_month) {
            let _ = writeln!(
                out,
                "  -- break-even against {name} at {}: containers cost no more from here on",
                thousands(b)
            );
        }
        let mine = if point.events_per_month == c.events_per_month {
            "  <- this volume"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {:<16} {:>14} {:>14} {:>14}{mine}",
            count(point.events_per_month as f64),
            money(point.serverless_usd),
            money(point.fargate_usd),
            money(point.eks_usd)
        );
    }
    for (b, name) in marks {
        let _ = writeln!(
            out,
            "  -- break-even against {name} at {}: containers cost no more from here on",
            thousands(b)
        );
    }
}

pub fn compare_report(prices: &Prices, c: &Comparison, eks: &str, explain: bool) -> String {
    let mut out = String::new();
    let s = &c.serverless;
    let _ = writeln!(
        out,
        "Serverless against containers at {} events per month\n",
        thousands(c.events_per_month)
    );
    let lean = s.input == ServerlessInput::default().at(c.events_per_month);
    if lean {
        let _ = writeln!(
            out,
            "Serverless is {}; give the inputs of your stack (scaffold cost <kind> --json shows a kind's) to price it.\n",
            scaffold::advise::LEAN_EXAMPLE
        );
    }
    platform_totals(
        &mut out,
        (40, 14),
        &[
            (
                if lean {
                    "serverless (lean example)"
                } else {
                    "serverless (API Gateway + Lambda)"
                },
                s.total_usd,
            ),
            (&c.fargate.platform, c.fargate.total_usd),
            (eks, c.eks.total_usd),
        ],
    );
    let cheapest = match c.cheapest.as_str() {
        "fargate" => c.fargate.platform.as_str(),
        "eks" => eks,
        _ => "serverless",
    };
    let _ = writeln!(out, "\nCheapest at this volume: {cheapest}.");
    let _ = writeln!(
        out,
        "Only API Gateway and Lambda, with Lambda's own log lines, change between the two: {} of the serverless bill here; the queue, table, the code's own logs and traces ({}) stay either way.",
        money(s.moving_usd()),
        money(s.shared_usd())
    );
    let hours = prices.hours_per_month;
    out.push_str(&break_even_sentence("Fargate", c.break_even_fargate, hours));
    out.push_str(&break_even_sentence("EKS", c.break_even_eks, hours));
    let p = &c.per_thousand_events_usd;
    let _ = writeln!(
        out,
        "Per thousand events: serverless ${}, Fargate ${}, EKS ${}.",
        decimals(p.serverless, 4),
        decimals(p.fargate, 4),
        decimals(p.eks, 4)
    );
    curve_table(&mut out, c);
    out.push_str("\nServerless line items:\n");
    items_table(&mut out, &s.items, s.total_usd);
    platform_block(&mut out, &c.fargate.platform, &c.fargate);
    platform_block(&mut out, eks, &c.eks);
    out.push_str("\nAssumptions:\n");
    for a in &c.assumptions {
        let _ = writeln!(out, "  - {a}");
    }
    if explain {
        formulas(&mut out, &s.items);
        formulas(&mut out, &c.fargate.items);
        formulas(&mut out, &c.eks.items);
        out.push_str("\nBreak-even: the volume from which the container bill is at most the serverless bill at every higher volume (the container bill steps up a task or node at a time, so serverless can be cheaper again just above an earlier crossing).\n");
    }
    out
}
