//! The built-in model `serverless` as a unit: [`crate::serverless`] computes, this names it and says it.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use crate::context::serverless_context;
use crate::format::{count, decimals, money, plain, thousands};
use crate::prices::Prices;
use crate::serverless::{self, ServerlessEstimate, ServerlessInput};
use crate::table::{formulas, items_table, percent, short_label};
use crate::unit::{CostContext, CostModel, Priced, Report, Request};
use crate::{InputSpec, Values};
use scaffold_error::Result;

/// API Gateway, Lambda, SQS, DynamoDB, CloudWatch Logs and X-Ray for a webhook stream.
#[derive(Debug)]
pub struct Serverless;

impl CostModel for Serverless {
    fn name(&self) -> &str {
        serverless::NAME
    }

    fn about(&self) -> &str {
        "Monthly cost of the system on API Gateway, Lambda, SQS and DynamoDB, line by line, at your volume \
         and at 10K, 1M and 100M events. Defaults are the kind's."
    }

    fn inputs(&self) -> &[InputSpec] {
        &serverless::INPUTS
    }

    fn defaults(&self) -> Values {
        ServerlessInput::default().to_values()
    }

    fn estimate(&self, request: &Request) -> Result<Priced> {
        let prices = request.prices;
        let input = ServerlessInput::from_values(&request.values)?;
        let main = serverless::estimate(prices, &input)?;
        let volumes = serverless::at_volumes(prices, &input)?;
        // Both sides as the model reads them, so `4` and `4.0` compare equal.
        let defaults = ServerlessInput::from_values(request.defaults)
            .map(|d| d.to_values())
            .unwrap_or_default();
        let mut json = Map::new();
        json.insert("kind".into(), Value::from(request.kind));
        json.insert("prices".into(), Value::from(prices.origin.clone()));
        json.insert("estimate".into(), json!(main));
        json.insert("volumes".into(), json!(volumes));
        json.insert(
            "quota_warnings".into(),
            json!(serverless::quota_warnings(prices, &main)),
        );
        json.insert(
            "sensitivity".into(),
            json!(serverless::sensitivity(prices, &main)?),
        );
        Ok(Priced {
            json,
            command: Some((input.to_values(), defaults)),
            report: report(request.kind, prices, &main, &volumes),
        })
    }

    fn context(&self, prices: &Prices, values: &Values) -> Result<CostContext> {
        let context = serverless_context(prices, values)?;
        let mut out = CostContext::of(&context);
        out.warnings = context
            .quota_warnings
            .iter()
            .map(|w| w.sentence.clone())
            .collect();
        Ok(out)
    }
}

/// The text of `scaffold cost KIND` for a kind on this model. `volumes` are the reference volumes.
fn report(
    kind: &str,
    prices: &Prices,
    main: &ServerlessEstimate,
    volumes: &[ServerlessEstimate],
) -> Report {
    let mut out = String::new();
    let input = &main.input;
    let _ = writeln!(
        out,
        "{kind} at {} events per month ({}, {} API, {} Lambda, {} queue; prices: {})\n",
        thousands(input.events_per_month),
        prices.region,
        input.api.as_str().to_uppercase(),
        input.arch.as_str(),
        input.queue.as_str(),
        prices.origin
    );
    items_table(&mut out, &main.items, main.total_usd);
    if let Some(largest) = main.largest_item() {
        let _ = writeln!(
            out,
            "\nLargest line item: {} at {} ({} of the total).",
            largest.label,
            money(largest.usd),
            percent(largest.usd, main.total_usd)
        );
    }
    let _ = writeln!(
        out,
        "Free tier, shown apart (always-free allowances, per account and shared with everything else in it): -{} -> {} a month.",
        money(main.free_tier_usd),
        money(main.after_free_tier_usd)
    );
    if let Ok(ranked) = serverless::sensitivity(prices, main) {
        out.push_str("\nWhat moves the bill most (each input a tenth higher, one at a time):\n");
        for s in ranked.iter().take(5) {
            let _ = writeln!(
                out,
                "  {:<24} {} -> {}: {}{} a month ({}{}%)",
                s.input.replace('_', "-"),
                plain(s.from),
                plain(s.to),
                if s.delta_usd < 0.0 { "-" } else { "+" },
                money(s.delta_usd.abs()),
                if s.delta_usd < 0.0 { "-" } else { "+" },
                decimals(s.delta_share.abs() * 100.0, 1)
            );
        }
    }
    let warnings = serverless::quota_warnings(prices, main);
    if !warnings.is_empty() {
        out.push_str("\nQuotas at this volume's peak (10x the mean rate):\n");
        for w in &warnings {
            let _ = writeln!(out, "  - {}", w.sentence);
        }
    }
    out.push_str("\nThe same workload at other volumes (per month, free tier not applied):\n");
    let _ = write!(out, "  {:<32}", "events per month");
    for v in volumes {
        let _ = write!(out, " {:>12}", count(v.input.events_per_month as f64));
    }
    out.push('\n');
    for (idx, item) in main.items.iter().enumerate() {
        let _ = write!(out, "  {:<32}", item.label);
        for v in volumes {
            let _ = write!(out, " {:>12}", money(v.items[idx].usd));
        }
        out.push('\n');
    }
    let _ = write!(out, "  {:<32}", "total");
    for v in volumes {
        let _ = write!(out, " {:>12}", money(v.total_usd));
    }
    out.push('\n');
    let _ = write!(out, "  {:<32}", "largest");
    for v in volumes {
        let label = v.largest_item().map(|i| short_label(&i.key)).unwrap_or("-");
        let _ = write!(out, " {:>12}", label);
    }
    out.push('\n');
    let mut explained = String::new();
    formulas(&mut explained, &main.items);
    let _ = writeln!(explained, "\nFree tier:");
    for i in &main.free_tier {
        let _ = writeln!(explained, "  {}: {} = {}", i.label, i.formula, money(i.usd));
    }
    Report {
        body: out,
        explained,
        not_modelled: prices.not_modelled(serverless::NAME),
    }
}
