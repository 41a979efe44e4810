//! Plain-text tables of line items, shared by the reports of the models and of a comparison.

use std::fmt::Write as _;

use crate::LineItem;
use crate::format::{count, money};

/// `part` as a whole percentage of `whole`.
pub fn percent(part: f64, whole: f64) -> String {
    if whole <= 0.0 {
        "0%".into()
    } else {
        format!("{:.0}%", part / whole * 100.0)
    }
}

/// A line's quantity with its unit.
pub fn quantity(item: &LineItem) -> String {
    format!("{} {}", count(item.quantity), item.unit)
}

/// The items, one row each, and the total.
pub fn items_table(out: &mut String, items: &[LineItem], total: f64) {
    let _ = writeln!(
        out,
        "  {:<48} {:>22} {:>12}",
        "item", "quantity", "per month"
    );
    for i in items {
        let _ = writeln!(
            out,
            "  {:<48} {:>22} {:>12}",
            i.label,
            quantity(i),
            money(i.usd)
        );
    }
    let _ = writeln!(out, "  {:<48} {:>22} {:>12}", "total", "", money(total));
}

/// How each line is computed, under a heading.
pub fn formulas(out: &mut String, items: &[LineItem]) {
    let _ = writeln!(out, "\nHow each line is computed:");
    for i in items {
        let _ = writeln!(out, "  {}: {}", i.label, i.formula);
    }
}

/// A short column label for a line item key.
pub fn short_label(key: &str) -> &'static str {
    match key {
        "api" => "API",
        "lambda_requests" => "Lambda req",
        "lambda_duration" => "Lambda time",
        "sqs" => "SQS",
        "dynamodb" => "DynamoDB",
        "logs" => "logs",
        "tracing" => "X-Ray",
        "storage" => "storage",
        "backups" => "PITR",
        "kms" => "KMS",
        "secrets" => "secrets",
        "alarms" => "alarms",
        "dashboards" => "dashboards",
        "nodes" => "nodes",
        "control_plane" => "control",
        "load_balancer" => "ALB",
        _ => "other",
    }
}
