//! Command-line side of `scaffold cost` and `scaffold advise`: clap types and the functions that turn them into
//! library calls. Each command returns the text (or JSON) to print. The library names a refused input by its
//! model name (`events_per_month`); [`flag_for`] gives the flag that sets it, for the message.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::failure::Outcome;

mod report;

use scaffold::Error;
use scaffold::advise::{self, AdviseInput, AdvisePartial, Traffic};
use scaffold::cost::compare::{self, ContainerAssumptions};
use scaffold::cost::format::plain;
use scaffold::cost::kubernetes::{self as k8s, K8sInput};
use scaffold::cost::serverless::{self, ApiKind, Arch, QueueKind, ServerlessInput};
use scaffold::cost::{Prices, parse_events};

/// `scaffold cost`: what a generated project costs to run per month, from a dated, sourced price table.
#[derive(Debug, Args)]
pub struct CostArgs {
    #[command(subcommand)]
    pub command: CostCommand,
}

#[derive(Debug, Subcommand)]
pub enum CostCommand {
    /// Monthly cost of the webhook system, line by line, at your volume and at 10K, 1M and 100M events.
    #[command(name = "serverless-webhook")]
    ServerlessWebhook(ServerlessArgs),
    /// Monthly cost of the workload on EKS: nodes, control plane, load balancer, and per team namespace.
    #[command(name = "k8s-platform")]
    K8sPlatform(K8sArgs),
    /// Serverless against containers for the same workload, and the break-even volume.
    Compare(CompareArgs),
}

/// Options every cost command shares.
#[derive(Debug, Args, Clone)]
pub struct CommonArgs {
    /// Use this price table instead of the embedded one (same format as templates/pricing/aws-us-east-1.toml).
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
    /// Print machine-readable JSON.
    #[arg(long)]
    pub json: bool,
    /// Print how each figure is computed.
    #[arg(long)]
    pub explain: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ArchArg {
    Arm64,
    #[value(name = "x86_64")]
    X86_64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ApiArg {
    Http,
    Rest,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum QueueArg {
    Standard,
    Fifo,
}

/// The webhook workload. Defaults are the lean example of docs/cost.md.
#[derive(Debug, Args, Clone)]
pub struct WorkloadArgs {
    /// Webhook events per month: 1000000, 1_000_000, 1M, 2.5M, 1B (at most 10^12).
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub events_per_month: String,
    /// Average payload size in KB.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub payload_kb: f64,
    #[arg(long, value_enum, default_value = "arm64")]
    pub arch: ArchArg,
    #[arg(long, value_enum, default_value = "http")]
    pub api: ApiArg,
    #[arg(long, value_enum, default_value = "standard")]
    pub queue: QueueArg,
    /// Ingest function memory in MB.
    #[arg(long, default_value_t = 128, allow_negative_numbers = true)]
    pub memory_mb: i64,
    /// Ingest function duration per event in ms.
    #[arg(long, default_value_t = 30.0, allow_negative_numbers = true)]
    pub duration_ms: f64,
    /// Processor function memory in MB.
    #[arg(long, default_value_t = 256, allow_negative_numbers = true)]
    pub processor_memory_mb: i64,
    /// Processor function duration per batch in ms.
    #[arg(long, default_value_t = 250.0, allow_negative_numbers = true)]
    pub processor_duration_ms: f64,
    /// SQS messages per processor invocation.
    #[arg(long, default_value_t = 10, allow_negative_numbers = true)]
    pub batch_size: i64,
    /// DynamoDB write request units per event (idempotency record plus the stored event).
    #[arg(long, default_value_t = 3.0, allow_negative_numbers = true)]
    pub write_units: f64,
    /// DynamoDB read request units per event.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub read_units: f64,
    /// CloudWatch log KB written per event.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub log_kb_per_event: f64,
    /// Share of invocations traced by X-Ray, 0 to 1.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub tracing_sample: f64,
}

#[derive(Debug, Args)]
pub struct ServerlessArgs {
    #[command(flatten)]
    pub workload: WorkloadArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct K8sArgs {
    /// Pod replicas of the service.
    #[arg(long, default_value_t = 2, allow_negative_numbers = true)]
    pub replicas: i64,
    /// CPU request per pod (100m, 0.5, 2).
    #[arg(long, default_value = "100m", allow_hyphen_values = true)]
    pub cpu_request: String,
    /// Memory request per pod (128Mi, 1Gi).
    #[arg(long, default_value = "128Mi", allow_hyphen_values = true)]
    pub memory_request: String,
    /// Worker node size from the price table.
    #[arg(long, default_value = k8s::DEFAULT_NODE_TYPE)]
    pub node_type: String,
    /// Share of node capacity kept free, 0 to 0.9.
    #[arg(long, default_value_t = 0.2, allow_negative_numbers = true)]
    pub headroom: f64,
    /// Fewest nodes, for availability.
    #[arg(long, default_value_t = 2, allow_negative_numbers = true)]
    pub min_nodes: i64,
    /// Average load balancer capacity units per hour.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub lcu: f64,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub workload: WorkloadArgs,
    /// Peak over average traffic the container fleet is sized for (steady 1.5, spiky 3, bursty 10).
    #[arg(long, default_value_t = 3.0, allow_negative_numbers = true)]
    pub peak_factor: f64,
    /// vCPUs per container task.
    #[arg(long, default_value_t = 0.5, allow_negative_numbers = true)]
    pub task_vcpu: f64,
    /// Memory per container task in GB.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub task_memory_gb: f64,
    /// Events per second one task sustains.
    #[arg(long, default_value_t = 50.0, allow_negative_numbers = true)]
    pub events_per_task_second: f64,
    /// Fewest tasks, for availability.
    #[arg(long, default_value_t = 2, allow_negative_numbers = true)]
    pub min_tasks: i64,
    /// Worker node size for the EKS side.
    #[arg(long, default_value = k8s::DEFAULT_NODE_TYPE)]
    pub node_type: String,
    /// Share of EKS node capacity kept free, 0 to 0.9.
    #[arg(long, default_value_t = k8s::DEFAULT_HEADROOM, allow_negative_numbers = true)]
    pub headroom: f64,
    /// Fewest EKS nodes, for availability.
    #[arg(long, default_value_t = k8s::DEFAULT_MIN_NODES as i64, allow_negative_numbers = true)]
    pub min_nodes: i64,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `scaffold advise`: which kind fits a workload, why, what it costs, and what would change the answer.
#[derive(Debug, Args)]
pub struct AdviseArgs {
    #[arg(long, value_enum)]
    pub traffic: Option<TrafficArg>,
    /// Events (requests) per month: 1000000, 1M, 2.5M.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub events_per_month: Option<String>,
    /// Holds long-lived connections (WebSockets, streams). `--flag` alone means yes; `--flag false` means no.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub long_lived_connections: Option<bool>,
    /// Needs GPUs.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub gpu: Option<bool>,
    /// Needs sidecars, a service mesh or its own network policies.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub custom_networking: Option<bool>,
    /// Engineers who build and run it.
    #[arg(long, allow_negative_numbers = true)]
    pub team_size: Option<i64>,
    /// A platform team owns clusters.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub platform_team: Option<bool>,
    /// Compliance requires isolation you control.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub compliance_isolation: Option<bool>,
    /// p99 latency budget in milliseconds.
    #[arg(long, allow_negative_numbers = true)]
    pub latency_budget_ms: Option<i64>,
    /// Never ask: unanswered questions take their defaults.
    #[arg(long)]
    pub no_input: bool,
    /// Print machine-readable JSON.
    #[arg(long)]
    pub json: bool,
    /// Use this price table instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TrafficArg {
    Steady,
    Spiky,
    Bursty,
}

/// The flag of each model input the cost commands take, by the input's name.
const FLAGS: [(&str, &str); 26] = [
    ("events_per_month", "--events-per-month"),
    ("payload_kb", "--payload-kb"),
    ("arch", "--arch"),
    ("api", "--api"),
    ("queue", "--queue"),
    ("ingest_memory_mb", "--memory-mb"),
    ("ingest_duration_ms", "--duration-ms"),
    ("processor_memory_mb", "--processor-memory-mb"),
    ("processor_duration_ms", "--processor-duration-ms"),
    ("batch_size", "--batch-size"),
    ("write_units_per_event", "--write-units"),
    ("read_units_per_event", "--read-units"),
    ("log_kb_per_event", "--log-kb-per-event"),
    ("tracing_sample", "--tracing-sample"),
    ("replicas", "--replicas"),
    ("cpu_request", "--cpu-request"),
    ("memory_request", "--memory-request"),
    ("node_type", "--node-type"),
    ("headroom", "--headroom"),
    ("min_nodes", "--min-nodes"),
    ("lcu_per_hour", "--lcu"),
    ("peak_factor", "--peak-factor"),
    ("task_vcpu", "--task-vcpu"),
    ("task_memory_gb", "--task-memory-gb"),
    ("events_per_task_second", "--events-per-task-second"),
    ("min_tasks", "--min-tasks"),
];

/// The flag that sets a model input, if a cost command has one.
pub fn flag_for(field: &str) -> Option<&'static str> {
    FLAGS
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, flag)| *flag)
}

fn load_prices(path: &Option<PathBuf>) -> Result<Prices, Error> {
    match path {
        Some(p) => Prices::from_file(p),
        None => Prices::embedded(),
    }
}

fn whole(field: &str, value: i64, min: i64, max: i64) -> Result<u32, Error> {
    if value < min || value > max {
        return Err(Error::InvalidInput {
            field: field.into(),
            message: format!("{value} is out of range: must be between {min} and {max}"),
        });
    }
    Ok(value as u32)
}

impl WorkloadArgs {
    pub fn to_input(&self) -> Result<ServerlessInput, Error> {
        let input = ServerlessInput {
            events_per_month: parse_events("events_per_month", &self.events_per_month)?,
            payload_kb: self.payload_kb,
            arch: match self.arch {
                ArchArg::Arm64 => Arch::Arm64,
                ArchArg::X86_64 => Arch::X86_64,
            },
            api: match self.api {
                ApiArg::Http => ApiKind::Http,
                ApiArg::Rest => ApiKind::Rest,
            },
            queue: match self.queue {
                QueueArg::Standard => QueueKind::Standard,
                QueueArg::Fifo => QueueKind::Fifo,
            },
            ingest_memory_mb: whole("ingest_memory_mb", self.memory_mb, 128, 10240)?,
            ingest_duration_ms: self.duration_ms,
            processor_memory_mb: whole(
                "processor_memory_mb",
                self.processor_memory_mb,
                128,
                10240,
            )?,
            processor_duration_ms: self.processor_duration_ms,
            batch_size: whole("batch_size", self.batch_size, 1, 10_000)?,
            write_units_per_event: self.write_units,
            read_units_per_event: self.read_units,
            log_kb_per_event: self.log_kb_per_event,
            tracing_sample: self.tracing_sample,
        };
        input.validate()?;
        Ok(input)
    }
}

/// The `scaffold cost` flags that reproduce this workload (defaults left out), after `--events-per-month N`.
pub fn command_flags(input: &ServerlessInput) -> String {
    let d = ServerlessInput::default();
    let mut flags = format!("--events-per-month {}", input.events_per_month);
    let mut add = |name: &str, value: String, default: String| {
        if value != default {
            flags.push_str(&format!(" --{name} {value}"));
        }
    };
    add("payload-kb", plain(input.payload_kb), plain(d.payload_kb));
    add("arch", input.arch.as_str().into(), d.arch.as_str().into());
    add("api", input.api.as_str().into(), d.api.as_str().into());
    add(
        "queue",
        input.queue.as_str().into(),
        d.queue.as_str().into(),
    );
    add(
        "memory-mb",
        input.ingest_memory_mb.to_string(),
        d.ingest_memory_mb.to_string(),
    );
    add(
        "duration-ms",
        plain(input.ingest_duration_ms),
        plain(d.ingest_duration_ms),
    );
    add(
        "processor-memory-mb",
        input.processor_memory_mb.to_string(),
        d.processor_memory_mb.to_string(),
    );
    add(
        "processor-duration-ms",
        plain(input.processor_duration_ms),
        plain(d.processor_duration_ms),
    );
    add(
        "batch-size",
        input.batch_size.to_string(),
        d.batch_size.to_string(),
    );
    add(
        "write-units",
        plain(input.write_units_per_event),
        plain(d.write_units_per_event),
    );
    add(
        "read-units",
        plain(input.read_units_per_event),
        plain(d.read_units_per_event),
    );
    add(
        "log-kb-per-event",
        plain(input.log_kb_per_event),
        plain(d.log_kb_per_event),
    );
    add(
        "tracing-sample",
        plain(input.tracing_sample),
        plain(d.tracing_sample),
    );
    flags
}

fn to_json(value: &impl serde::Serialize) -> Outcome<String> {
    Ok(serde_json::to_string_pretty(value).expect("reports serialise to JSON") + "\n")
}

/// Run a `scaffold cost` subcommand and return what to print.
pub fn run_cost(args: &CostArgs) -> Outcome<String> {
    match &args.command {
        CostCommand::ServerlessWebhook(a) => {
            let prices = load_prices(&a.common.prices)?;
            let input = a.workload.to_input()?;
            let main = serverless::estimate(&prices, &input)?;
            let volumes = serverless::at_volumes(&prices, &input)?;
            if a.common.json {
                return to_json(&serde_json::json!({
                    "kind": "serverless-webhook",
                    "prices": prices.origin,
                    "command": format!("scaffold cost serverless-webhook {}", command_flags(&input)),
                    "estimate": main,
                    "volumes": volumes,
                }));
            }
            Ok(report::serverless_report(
                &prices,
                &main,
                &volumes,
                a.common.explain,
            ))
        }
        CostCommand::K8sPlatform(a) => {
            let prices = load_prices(&a.common.prices)?;
            let input = K8sInput {
                replicas: whole("replicas", a.replicas, 1, 10_000)?,
                cpu_request_m: k8s::parse_cpu("cpu_request", &a.cpu_request)?,
                memory_request_mib: k8s::parse_memory("memory_request", &a.memory_request)?,
                node_type: a.node_type.clone(),
                headroom: a.headroom,
                min_nodes: whole("min_nodes", a.min_nodes, 1, 1000)?,
                lcu_per_hour: a.lcu,
                ..K8sInput::default()
            };
            let e = k8s::estimate(&prices, &input)?;
            if a.common.json {
                return to_json(
                    &serde_json::json!({ "kind": "k8s-platform", "prices": prices.origin, "estimate": e }),
                );
            }
            Ok(report::k8s_report(&prices, &e, a.common.explain))
        }
        CostCommand::Compare(a) => {
            let prices = load_prices(&a.common.prices)?;
            let input = a.workload.to_input()?;
            let assumptions = ContainerAssumptions {
                task_vcpu: a.task_vcpu,
                task_memory_gb: a.task_memory_gb,
                min_tasks: whole("min_tasks", a.min_tasks, 1, 1000)?,
                events_per_task_second: a.events_per_task_second,
                peak_factor: a.peak_factor,
                node_type: a.node_type.clone(),
                headroom: a.headroom,
                min_nodes: whole("min_nodes", a.min_nodes, 1, 1000)?,
            };
            prices.node(&assumptions.node_type)?;
            let c = compare::compare(&prices, &input, &assumptions)?;
            if a.common.json {
                return to_json(&c);
            }
            Ok(report::compare_report(&prices, &c, a.common.explain))
        }
    }
}

/// The answers the flags give; the wizard asks `missing()` of the result unless `--no-input` or stdin is not a
/// terminal.
pub fn advise_answers(args: &AdviseArgs) -> Outcome<AdvisePartial> {
    Ok(AdvisePartial {
        traffic: args.traffic.map(|t| match t {
            TrafficArg::Steady => Traffic::Steady,
            TrafficArg::Spiky => Traffic::Spiky,
            TrafficArg::Bursty => Traffic::Bursty,
        }),
        events_per_month: args
            .events_per_month
            .as_deref()
            .map(|e| parse_events("events_per_month", e))
            .transpose()?,
        long_lived_connections: args.long_lived_connections,
        gpu: args.gpu,
        custom_networking: args.custom_networking,
        team_size: args
            .team_size
            .map(|t| whole("--team-size", t, 1, advise::MAX_TEAM_SIZE as i64))
            .transpose()?,
        platform_team: args.platform_team,
        compliance_isolation: args.compliance_isolation,
        latency_budget_ms: args
            .latency_budget_ms
            .map(|l| whole("--latency-budget-ms", l, 1, advise::MAX_LATENCY_MS as i64))
            .transpose()?,
    })
}

/// Run `scaffold advise` on fully answered input.
pub fn run_advise_input(args: &AdviseArgs, input: &AdviseInput) -> Outcome<String> {
    let prices = load_prices(&args.prices)?;
    let advice = advise::advise(&prices, input)?;
    if args.json {
        return to_json(&advice);
    }
    Ok(advise::report(&advice))
}
