//! The `cost` value of a template context: the figures a generated project's README and cost pages show.
//!
//! The engine calls [`template_context`] with the answers and puts the result under the key `cost`, so the
//! generated documents carry numbers computed by the same code as `scaffold cost`, with the embedded prices.

use serde_json::{Map, Value, json};

use super::compare::{self, ContainerAssumptions, Platform};
use super::kubernetes::{self as k8s, K8sInput};
use super::serverless::{self, Arch, QueueKind, ServerlessInput};
use super::{Prices, REFERENCE_VOLUMES, format, invalid};
use crate::error::Result;

/// The context for `kind`, or `None` for a kind without a cost model.
pub fn template_context(kind: &str, answers: &Map<String, Value>) -> Result<Option<Value>> {
    let prices = Prices::embedded()?;
    match kind {
        "serverless-webhook" => serverless_context(&prices, answers).map(Some),
        "k8s-platform" => k8s_context(&prices, answers).map(Some),
        _ => Ok(None),
    }
}

fn int_answer(answers: &Map<String, Value>, key: &str, default: u64) -> Result<u64> {
    match answers.get(key) {
        None => Ok(default),
        Some(v) => v
            .as_u64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            .ok_or_else(|| invalid(key, format!("{v} is not a whole number"))),
    }
}

fn str_answer<'a>(answers: &'a Map<String, Value>, key: &str, default: &'a str) -> &'a str {
    answers.get(key).and_then(Value::as_str).unwrap_or(default)
}

/// Memory of both functions in the generated stack (its `Globals.Function.MemorySize`).
pub const PROJECT_MEMORY_MB: u32 = 256;
/// Share of invocations X-Ray records under the default sampling rule beyond its one-per-second reservoir; the
/// generated stack runs with active tracing.
pub const PROJECT_TRACING_SAMPLE: f64 = 0.05;

/// The serverless workload a generated project runs: the lean example's durations, batch and writes, with the
/// stack's memory size and active tracing.
pub fn serverless_input(answers: &Map<String, Value>) -> Result<ServerlessInput> {
    let events = int_answer(answers, "events_per_month", 1_000_000)?;
    let input = ServerlessInput {
        events_per_month: events,
        payload_kb: int_answer(answers, "payload_kb", 1)? as f64,
        arch: Arch::parse(str_answer(answers, "arch", "arm64"))?,
        queue: QueueKind::parse(str_answer(answers, "queue", "standard"))?,
        ingest_memory_mb: PROJECT_MEMORY_MB,
        processor_memory_mb: PROJECT_MEMORY_MB,
        tracing_sample: PROJECT_TRACING_SAMPLE,
        ..ServerlessInput::default()
    };
    input.validate()?;
    Ok(input)
}

fn cost_command(input: &ServerlessInput, sub: &str) -> String {
    format!("scaffold cost {sub} {}", serverless::command_flags(input))
}

fn price_entry(prices: &Prices, key: &str) -> Value {
    let p = prices.get(key);
    json!({
        "key": key,
        "describe": p.describe(),
        "unit": p.unit,
        "per": p.per,
        "tiers": p.tier_list(),
        "as_of": p.as_of,
        "source": p.source,
    })
}

fn serverless_context(prices: &Prices, answers: &Map<String, Value>) -> Result<Value> {
    let input = serverless_input(answers)?;
    let region = str_answer(answers, "aws_region", "us-east-1").to_string();
    let assumptions = ContainerAssumptions::default();
    let main = serverless::estimate(prices, &input)?;
    let volumes = serverless::at_volumes(prices, &input)?;
    let cmp = compare::compare(prices, &input, &assumptions)?;
    let at_100m = volumes
        .iter()
        .find(|v| v.input.events_per_month == 100_000_000)
        .cloned()
        .unwrap_or_else(|| main.clone());

    // The fixed-column table: one row per line item, one column per volume.
    let columns: Vec<Value> = volumes
        .iter()
        .map(|v| {
            json!({
                "events": v.input.events_per_month,
                "events_text": format::thousands(v.input.events_per_month),
                "label": format::count(v.input.events_per_month as f64),
                "yours": v.input.events_per_month == input.events_per_month,
            })
        })
        .collect();
    let mut rows: Vec<Value> = main
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            json!({
                "key": item.key,
                "label": item.label,
                "cells": volumes.iter().map(|v| format::money(v.items[i].usd)).collect::<Vec<_>>(),
            })
        })
        .collect();
    rows.push(json!({ "key": "total", "label": "Total", "cells": volumes.iter().map(|v| format::money(v.total_usd)).collect::<Vec<_>>() }));
    rows.push(json!({ "key": "free_tier", "label": "Always-free allowances (shown apart)", "cells": volumes.iter().map(|v| format::money(-v.free_tier_usd)).collect::<Vec<_>>() }));
    rows.push(json!({ "key": "after_free_tier", "label": "After the free tier", "cells": volumes.iter().map(|v| format::money(v.after_free_tier_usd)).collect::<Vec<_>>() }));
    let largest_row: Vec<String> = volumes
        .iter()
        .map(|v| v.largest_item().map(|i| i.key.clone()).unwrap_or_default())
        .collect();

    // What to change at 100M: each lever priced by re-running the model.
    let base = &at_100m.input;
    let mut levers: Vec<(String, String, ServerlessInput)> = vec![
        (
            "logs".into(),
            "Log a quarter as much per event (sample debug logs, drop payload dumps)".into(),
            ServerlessInput {
                log_kb_per_event: base.log_kb_per_event / 4.0,
                ..base.clone()
            },
        ),
        (
            "writes".into(),
            "One DynamoDB write unit less per event (store the event with the idempotency record)"
                .into(),
            ServerlessInput {
                write_units_per_event: (base.write_units_per_event - 1.0).max(1.0),
                ..base.clone()
            },
        ),
        (
            "batch".into(),
            "Batches of 100 for the processor (with a batching window)".into(),
            ServerlessInput {
                batch_size: 100,
                ..base.clone()
            },
        ),
    ];
    if base.arch == Arch::X86_64 {
        levers.push((
            "arm64".into(),
            "Run the functions on arm64".into(),
            ServerlessInput {
                arch: Arch::Arm64,
                ..base.clone()
            },
        ));
    }
    if base.queue == QueueKind::Fifo {
        levers.push((
            "standard_queue".into(),
            "A standard queue with idempotent processing instead of FIFO".into(),
            ServerlessInput {
                queue: QueueKind::Standard,
                ..base.clone()
            },
        ));
    }
    let mut lever_rows = Vec::new();
    for (key, label, changed) in &levers {
        let e = serverless::estimate(prices, changed)?;
        lever_rows.push(json!({
            "key": key,
            "label": label,
            "total": format::money(e.total_usd),
            "saving": format::money(at_100m.total_usd - e.total_usd),
        }));
    }
    let fargate_100m = compare::platform_cost(prices, Platform::Fargate, &at_100m, &assumptions)?;
    lever_rows.push(json!({
        "key": "containers",
        "label": "Run ingest and processing in containers on Fargate (2+ tasks) behind a load balancer",
        "total": format::money(fargate_100m.total_usd),
        "saving": format::money(at_100m.total_usd - fargate_100m.total_usd),
    }));

    let be_text = |b: Option<u64>| {
        b.map(format::thousands)
            .unwrap_or_else(|| "none below 10^12".into())
    };
    let largest = main.largest_item().cloned();
    let largest_label = largest
        .as_ref()
        .map(|l| l.label.clone())
        .unwrap_or_default();
    let command = cost_command(&input, "serverless-webhook");
    let compare_command = cost_command(&input, "compare");
    let by_volume = volumes
        .iter()
        .filter(|v| REFERENCE_VOLUMES.contains(&v.input.events_per_month))
        .map(|v| {
            format!(
                "{} at {}",
                format::money(v.total_usd),
                format::count(v.input.events_per_month as f64)
            )
        })
        .collect::<Vec<_>>();
    let by_volume = match by_volume.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => by_volume.join(""),
    };
    let crossing = match cmp.break_even_fargate {
        Some(b) => format!(
            "Below about {} events a month it costs less than the same code in containers on Fargate; above that, containers win.",
            format::count(b as f64)
        ),
        None => "Containers on Fargate do not get cheaper at any modelled volume.".into(),
    };
    let readme = format!(
        "At {} events a month this system costs about **{} a month** at {} on-demand prices (free tier not applied); \
the largest line is {} ({}). The same design costs {}. {crossing} \
Prices, formulas and what to change at scale: [docs/cost-model.md](docs/cost-model.md). Recompute with `{command}`.",
        format::thousands(input.events_per_month),
        format::money(main.total_usd),
        prices.region,
        largest_label,
        largest
            .as_ref()
            .map(|l| format::money(l.usd))
            .unwrap_or_default(),
        by_volume,
    );

    // Every price the page's figures can use, including the alternatives its levers switch to.
    let price_list: Vec<Value> = [
        "api_http_requests",
        "api_rest_requests",
        "lambda_requests",
        "lambda_duration_arm64",
        "lambda_duration_x86_64",
        "sqs_standard_requests",
        "sqs_fifo_requests",
        "dynamodb_write_units",
        "dynamodb_read_units",
        "logs_ingest",
        "xray_traces_recorded",
        "fargate_arm64_vcpu",
        "fargate_arm64_memory",
        "fargate_x86_64_vcpu",
        "fargate_x86_64_memory",
        "alb_hour",
        "alb_lcu",
        "eks_control_plane",
    ]
    .iter()
    .map(|k| price_entry(prices, k))
    .collect();
    let free_list: Vec<Value> = super::prices::FREE_TIER_KEYS
        .iter()
        .map(|k| {
            let a = &prices.free_tier[*k];
            json!({ "key": k, "amount": a.amount, "amount_text": format::thousands(a.amount.round() as u64), "unit": a.unit, "as_of": a.as_of, "source": a.source })
        })
        .collect();
    let prices_json = json!({
        "region": prices.region,
        "currency": prices.currency,
        "hours_per_month": prices.hours_per_month,
        "origin": prices.origin,
        "workload": input,
        "containers": {
            "task_vcpu": assumptions.task_vcpu,
            "task_memory_gb": assumptions.task_memory_gb,
            "min_tasks": assumptions.min_tasks,
            "events_per_task_second": assumptions.events_per_task_second,
            "peak_factor": assumptions.peak_factor,
            "node_type": assumptions.node_type,
        },
        "prices": price_list.iter().map(|p| (p["key"].as_str().unwrap_or_default().to_string(), p.clone())).collect::<Map<String, Value>>(),
        "free_tier": free_list.iter().map(|f| (f["key"].as_str().unwrap_or_default().to_string(), f.clone())).collect::<Map<String, Value>>(),
    });
    let prices_json_text = serde_json::to_string_pretty(&prices_json).unwrap_or_default() + "\n";

    Ok(json!({
        "readme": readme,
        "command": command,
        "compare_command": compare_command,
        "region": prices.region,
        "project_region": region,
        "other_region": region != prices.region,
        "prices_origin": prices.origin,
        "prices": price_list,
        "free_tier": free_list,
        "prices_json": prices_json_text,
        "events_per_month": input.events_per_month,
        "events_text": format::thousands(input.events_per_month),
        "payload_kb": format::plain(input.payload_kb),
        "arch": input.arch.as_str(),
        "queue": input.queue.as_str(),
        "workload": {
            "ingest_memory_mb": input.ingest_memory_mb,
            "ingest_duration_ms": format::plain(input.ingest_duration_ms),
            "processor_memory_mb": input.processor_memory_mb,
            "processor_duration_ms": format::plain(input.processor_duration_ms),
            "batch_size": input.batch_size,
            "write_units_per_event": format::plain(input.write_units_per_event),
            "read_units_per_event": format::plain(input.read_units_per_event),
            "log_kb_per_event": format::plain(input.log_kb_per_event),
            "tracing_sample": format::plain(input.tracing_sample),
            "sqs_requests_per_event": format::plain(main.usage.sqs_requests_per_event),
        },
        "total": format::money(main.total_usd),
        "largest": { "key": largest.as_ref().map(|l| l.key.clone()).unwrap_or_default(), "label": largest_label, "usd": largest.as_ref().map(|l| format::money(l.usd)).unwrap_or_default() },
        "largest_100m": at_100m.largest_item().map(|l| json!({ "key": l.key, "label": l.label, "usd": format::money(l.usd) })).unwrap_or(Value::Null),
        "total_100m": format::money(at_100m.total_usd),
        "columns": columns,
        "rows": rows,
        "largest_row": largest_row,
        "formulas": main.items.iter().map(|i| json!({ "label": i.label, "formula": i.formula })).collect::<Vec<_>>(),
        "free_tier_usd": format::money(main.free_tier_usd),
        "after_free_tier_usd": format::money(main.after_free_tier_usd),
        "moving_usd": format::money(main.moving_usd()),
        "shared_usd": format::money(main.shared_usd()),
        "fargate_usd": format::money(cmp.fargate.total_usd),
        "eks_usd": format::money(cmp.eks.total_usd),
        "break_even_fargate": cmp.break_even_fargate,
        "break_even_fargate_text": be_text(cmp.break_even_fargate),
        "break_even_eks_text": be_text(cmp.break_even_eks),
        "assumptions": cmp.assumptions,
        "levers": lever_rows,
    }))
}

fn bound_text(bound_by: &str) -> &'static str {
    match bound_by {
        "cpu" => "set by CPU requests",
        "memory" => "set by memory requests",
        "pods" => "set by pod slots per node",
        _ => "the two-node floor kept for availability",
    }
}

fn k8s_context(prices: &Prices, answers: &Map<String, Value>) -> Result<Value> {
    let min = int_answer(answers, "min_replicas", 2)?;
    let max = int_answer(answers, "max_replicas", min.max(2) * 3)?.max(min);
    let target_cpu = int_answer(answers, "target_cpu", 70)?;
    let to_u32 =
        |key: &str, v: u64| u32::try_from(v).map_err(|_| invalid(key, format!("{v} is too large")));
    let at = |replicas: u32, cpu: u32, mem: u32| {
        k8s::estimate(
            prices,
            &K8sInput {
                replicas,
                cpu_request_m: cpu,
                memory_request_mib: mem,
                ..K8sInput::default()
            },
        )
    };
    let low = at(
        to_u32("min_replicas", min)?,
        k8s::CHART_CPU_REQUEST_M,
        k8s::CHART_MEMORY_REQUEST_MIB,
    )?;
    let high = at(
        to_u32("max_replicas", max)?,
        k8s::CHART_CPU_REQUEST_M,
        k8s::CHART_MEMORY_REQUEST_MIB,
    )?;
    // Right-sizing: the same pods asking for 5x the CPU they are given by the chart.
    let oversized = at(
        to_u32("max_replicas", max)?,
        k8s::CHART_CPU_REQUEST_M * 5,
        k8s::CHART_MEMORY_REQUEST_MIB * 4,
    )?;
    let cap = &low.capacity;
    let node_month = cap.usd_per_hour * prices.hours_per_month;
    let command = format!(
        "scaffold cost k8s-platform --replicas {min} --cpu-request {}m --memory-request {}Mi",
        k8s::CHART_CPU_REQUEST_M,
        k8s::CHART_MEMORY_REQUEST_MIB
    );
    let command_max = format!(
        "scaffold cost k8s-platform --replicas {max} --cpu-request {}m --memory-request {}Mi",
        k8s::CHART_CPU_REQUEST_M,
        k8s::CHART_MEMORY_REQUEST_MIB
    );
    let ns = &low.namespace;
    let lines = |e: &k8s::K8sEstimate| -> Vec<Value> {
        e.items.iter().map(|i| json!({ "key": i.key, "label": i.label, "usd": format::money(i.usd), "formula": i.formula })).collect()
    };
    let region = &prices.region;
    let readme = format!(
        "On EKS this service would cost about **{} a month** at its minimum of {min} replicas and {} at its maximum of {max} \
({region} on-demand: {} {} nodes, the {} control plane and one load balancer). The pods themselves are a small part: \
{} a replica by their requests. A team namespace that fills its ResourceQuota ({} CPUs, {} GiB requested) costs about {} a month. \
Requests vs limits, right-sizing and cost by namespace labels: [docs/cost.md](docs/cost.md). Recompute with `{command}`.",
        format::money(low.total_usd),
        format::money(high.total_usd),
        low.fit.nodes,
        low.input.node_type,
        low.item("control_plane")
            .map(|i| format::money(i.usd))
            .unwrap_or_default(),
        format::money(ns.per_replica_usd),
        format::plain(ns.quota_cpu_m as f64 / 1000.0),
        ns.quota_memory_mib / 1024,
        format::money(ns.quota_usd),
    );
    let node_rows: Vec<Value> = prices
        .nodes
        .iter()
        .map(|(name, n)| json!({
            "name": name, "arch": n.arch, "vcpu": format::plain(n.vcpu), "memory_gib": format::plain(n.memory_gib),
            "max_pods": n.max_pods, "usd_per_hour": format::rate(n.usd_per_hour),
            "usd_per_month": format::money(n.usd_per_hour * prices.hours_per_month), "as_of": n.as_of, "source": n.source,
        }))
        .collect();
    let rows: Vec<Value> = low
        .items
        .iter()
        .zip(&high.items)
        .map(|(l, h)| json!({ "key": l.key, "label": l.label, "min": format::money(l.usd), "max": format::money(h.usd) }))
        .collect();
    let platform_prices: Vec<Value> = ["eks_control_plane", "alb_hour", "alb_lcu"]
        .iter()
        .map(|k| price_entry(prices, k))
        .collect();
    Ok(json!({
        "readme": readme,
        "command": command,
        "command_max": command_max,
        "region": prices.region,
        "prices_origin": prices.origin,
        "hours_per_month": format::plain(prices.hours_per_month),
        "min_replicas": min,
        "max_replicas": max,
        "target_cpu": target_cpu,
        "node_type": low.input.node_type,
        "node_usd_per_hour": format::rate(cap.usd_per_hour),
        "node_usd_per_month": format::money(node_month),
        "nodes": node_rows,
        "allocatable_cpu_m": format::plain(cap.allocatable_cpu_m),
        "allocatable_memory_mib": format::plain(cap.allocatable_memory_mib),
        "pods_per_node": cap.pods,
        "headroom_percent": format::plain(low.input.headroom * 100.0),
        "addon_cpu_m": k8s::ADDON_CPU_M,
        "addon_memory_mib": k8s::ADDON_MEMORY_MIB,
        "chart": {
            "cpu_request": format!("{}m", k8s::CHART_CPU_REQUEST_M),
            "memory_request": format!("{}Mi", k8s::CHART_MEMORY_REQUEST_MIB),
            "memory_limit": format!("{}Mi", k8s::CHART_MEMORY_LIMIT_MIB),
            "cpu_limit": format!("{}m", k8s::CHART_CPU_LIMIT_M),
        },
        "min": { "nodes": low.fit.nodes, "bound_by": low.fit.bound_by, "bound_text": bound_text(&low.fit.bound_by), "total": format::money(low.total_usd), "lines": lines(&low), "workload": format::money(low.namespace.workload_usd) },
        "max": { "nodes": high.fit.nodes, "bound_by": high.fit.bound_by, "bound_text": bound_text(&high.fit.bound_by), "total": format::money(high.total_usd), "lines": lines(&high), "workload": format::money(high.namespace.workload_usd) },
        "oversized": {
            "cpu_request": format!("{}m", k8s::CHART_CPU_REQUEST_M * 5),
            "memory_request": format!("{}Mi", k8s::CHART_MEMORY_REQUEST_MIB * 4),
            "nodes": oversized.fit.nodes,
            "total": format::money(oversized.total_usd),
            "extra": format::money(oversized.total_usd - high.total_usd),
            "workload": format::money(oversized.namespace.workload_usd),
        },
        "rows": rows,
        "per_replica": format::money(ns.per_replica_usd),
        "memory_limit_worst_case_mib": max * k8s::CHART_MEMORY_LIMIT_MIB as u64,
        "quota": {
            "cpu": format::plain(ns.quota_cpu_m as f64 / 1000.0),
            "memory": format!("{}Gi", ns.quota_memory_mib / 1024),
            "limit_cpu": format::plain(ns.limit_cpu_m as f64 / 1000.0),
            "limit_memory": format!("{}Gi", ns.limit_memory_mib / 1024),
            "node_share": format!("{:.2}", ns.quota_node_share),
            "usd": format::money(ns.quota_usd),
            "overcommit": format::plain(ns.overcommit_cpu),
        },
        "control_plane": low.item("control_plane").map(|i| format::money(i.usd)).unwrap_or_default(),
        "load_balancer": low.item("load_balancer").map(|i| format::money(i.usd)).unwrap_or_default(),
        "prices": platform_prices,
        "owner_team": str_answer(answers, "owner_team", "platform"),
        "cost_center": str_answer(answers, "cost_center", "cc-0000"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(pairs: &[(&str, Value)]) -> Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn unknown_kinds_have_no_cost_context() {
        assert_eq!(template_context("static-site", &Map::new()).unwrap(), None);
    }

    #[test]
    fn serverless_context_has_the_readme_and_command() {
        let a = answers(&[
            ("name", json!("hooks")),
            ("arch", json!("arm64")),
            ("queue", json!("standard")),
            ("events_per_month", json!(2_500_000)),
            ("payload_kb", json!(4)),
            ("aws_region", json!("eu-west-1")),
        ]);
        let c = template_context("serverless-webhook", &a).unwrap().unwrap();
        assert_eq!(
            c["command"],
            "scaffold cost serverless-webhook --events-per-month 2500000 --payload-kb 4 --memory-mb 256 --tracing-sample 0.05"
        );
        let readme = c["readme"].as_str().unwrap();
        assert!(readme.contains("2,500,000 events a month"), "{readme}");
        assert!(readme.contains("at 100M"), "{readme}");
        assert_eq!(c["columns"].as_array().unwrap().len(), 4);
        assert_eq!(c["other_region"], true);
        let prices: Value = serde_json::from_str(c["prices_json"].as_str().unwrap()).unwrap();
        assert_eq!(prices["workload"]["events_per_month"], 2_500_000);
        assert_eq!(prices["prices"]["lambda_requests"]["tiers"][0]["usd"], 0.2);
    }

    #[test]
    fn reference_volume_is_not_repeated() {
        let a = answers(&[("events_per_month", json!(1_000_000))]);
        let c = template_context("serverless-webhook", &a).unwrap().unwrap();
        assert_eq!(c["columns"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn bad_answers_are_refused() {
        for bad in [json!(0), json!("many"), json!(2_000_000_000_000u64)] {
            let a = answers(&[("events_per_month", bad)]);
            assert!(matches!(
                template_context("serverless-webhook", &a).unwrap_err(),
                crate::Error::InvalidInput { .. }
            ));
        }
        let a = answers(&[("arch", json!("sparc"))]);
        assert!(template_context("serverless-webhook", &a).is_err());
    }

    #[test]
    fn k8s_context_prices_min_and_max_replicas() {
        let a = answers(&[
            ("name", json!("shop")),
            ("min_replicas", json!(2)),
            ("max_replicas", json!(10)),
            ("target_cpu", json!(70)),
            ("owner_team", json!("payments")),
            ("cost_center", json!("cc-1234")),
        ]);
        let c = template_context("k8s-platform", &a).unwrap().unwrap();
        assert_eq!(
            c["command"],
            "scaffold cost k8s-platform --replicas 2 --cpu-request 100m --memory-request 128Mi"
        );
        assert_eq!(c["min"]["nodes"], 2);
        assert!(
            c["readme"].as_str().unwrap().contains("$214.40"),
            "{}",
            c["readme"]
        );
        assert_eq!(c["quota"]["usd"], "$132.01");
    }
}
