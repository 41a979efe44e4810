//! The flags of `scaffold cost`: one per model input, named by the binary (the library names inputs only), with
//! the parser its input type needs and the default a kind's bindings give it.

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgMatches, value_parser};

use scaffold::cost::{InputSpec, InputType, Model, Values};

/// The flag of a model input.
pub struct Flag {
    pub input: &'static str,
    /// The long flag, without its dashes.
    pub long: &'static str,
    pub help: &'static str,
}

const fn flag(input: &'static str, long: &'static str, help: &'static str) -> Flag {
    Flag { input, long, help }
}

/// The flags of the model `serverless`, in the order a command line reproducing a workload lists them.
pub const SERVERLESS: [Flag; 27] = [
    flag(
        "events_per_month",
        "events-per-month",
        "Webhook events per month: 1000000, 1_000_000, 1M, 2.5M, 1B (at most 10^12).",
    ),
    flag("payload_kb", "payload-kb", "Average payload size in KB."),
    flag("arch", "arch", "Lambda architecture."),
    flag("api", "api", "API Gateway flavour."),
    flag("queue", "queue", "SQS queue type."),
    flag(
        "ingest_memory_mb",
        "memory-mb",
        "Ingest function memory in MB.",
    ),
    flag(
        "ingest_duration_ms",
        "duration-ms",
        "Ingest function duration per event in ms.",
    ),
    flag(
        "processor_memory_mb",
        "processor-memory-mb",
        "Processor function memory in MB.",
    ),
    flag(
        "processor_duration_ms",
        "processor-duration-ms",
        "Processor function duration per batch in ms.",
    ),
    flag(
        "batch_size",
        "batch-size",
        "Most SQS messages per processor invocation (above 10 needs a standard queue and a batching window).",
    ),
    flag(
        "batch_window_s",
        "batch-window-s",
        "Seconds the SQS event source gathers messages before it invokes the processor, 0 to 300 (standard queues only).",
    ),
    flag(
        "write_units_per_event",
        "write-units",
        "DynamoDB write request units per event; left out: 1 per KB of the event item (payload + 0.3 KB), rounded up, + 3 for the small writes (the idempotency record put, then updated; the state item put only if newer).",
    ),
    flag(
        "read_units_per_event",
        "read-units",
        "DynamoDB read request units per event.",
    ),
    flag(
        "log_kb_per_event",
        "log-kb-per-event",
        "CloudWatch log KB written per event.",
    ),
    flag(
        "tracing_sample",
        "tracing-sample",
        "Share of a traced function's invocations X-Ray records beyond the first each second, 0 to 1 (Lambda's default: 0.05).",
    ),
    flag(
        "traced_functions",
        "traced-functions",
        "Functions with active X-Ray tracing: 0, 1 (ingest) or 2 (ingest and processor).",
    ),
    flag("kms_keys", "kms-keys", "Customer managed KMS keys."),
    flag("secrets", "secrets", "Secrets Manager secrets."),
    flag(
        "alarms",
        "alarms",
        "Standard CloudWatch alarm metrics (one per single-metric alarm, one per metric a metric-math alarm reads).",
    ),
    flag(
        "composite_alarms",
        "composite-alarms",
        "CloudWatch composite alarms.",
    ),
    flag("dashboards", "dashboards", "CloudWatch dashboards."),
    flag(
        "stored_months",
        "stored-months",
        "Months of events the events table and the payload bucket hold when their storage is priced (their retention).",
    ),
    flag(
        "ia_min_object_kb",
        "ia-min-object-kb",
        "Bodies larger than this many KB move to S3 Standard-IA.",
    ),
    flag(
        "ia_after_days",
        "ia-after-days",
        "Days before a large body moves to S3 Standard-IA (30 or more).",
    ),
    flag(
        "idempotency_ttl_days",
        "idempotency-ttl-days",
        "Days an idempotency record lives before it expires.",
    ),
    flag(
        "events_pitr",
        "events-pitr",
        "Point-in-time recovery on the events table.",
    ),
    flag(
        "idempotency_pitr",
        "idempotency-pitr",
        "Point-in-time recovery on the idempotency table.",
    ),
];

/// The flags of the model `kubernetes`. Its other inputs (the autoscaler's ceiling, the limits, the team quota)
/// shape a project's documents, not this command's figures, and keep the kind's values.
pub const KUBERNETES: [Flag; 16] = [
    flag("replicas", "replicas", "Pod replicas of the service."),
    flag(
        "cpu_request",
        "cpu-request",
        "CPU request per pod (100m, 0.5, 2).",
    ),
    flag(
        "memory_request",
        "memory-request",
        "Memory request per pod (128Mi, 1Gi).",
    ),
    flag(
        "node_type",
        "node-type",
        "Worker node size from the price table.",
    ),
    flag(
        "headroom",
        "headroom",
        "Share of node capacity kept free, 0 to 0.9.",
    ),
    flag("min_nodes", "min-nodes", "Fewest nodes, for availability."),
    flag(
        "lcu_per_hour",
        "lcu",
        "Average load balancer capacity units per hour.",
    ),
    flag(
        "kube_version",
        "kube-version",
        "Kubernetes version of the cluster (1.36, 1.36.1): with --priced-on it picks the control plane's EKS support tier (standard or extended) from the price table's calendar. Empty: the newest there.",
    ),
    flag(
        "priced_on",
        "priced-on",
        "The day priced, YYYY-MM-DD, for the support tier. Default: today.",
    ),
    flag(
        "image_arch",
        "image-arch",
        "Architectures the image is built for (amd64, arm64 or amd64,arm64): the node size must be one of them.",
    ),
    flag(
        "addons",
        "addons",
        "Add-ons every cluster runs, by the price table's [addons] names, comma-separated.",
    ),
    flag(
        "edge_addon",
        "edge-addon",
        "The edge add-on (envoy-gateway, ingress-nginx), or empty for none.",
    ),
    flag(
        "gitops_addon",
        "gitops-addon",
        "The GitOps add-on (argo-cd, flux), or empty for none.",
    ),
    flag(
        "secrets_addon",
        "secrets-addon",
        "The secrets add-on (external-secrets, sealed-secrets), or empty for none.",
    ),
    flag(
        "monitoring_addon",
        "monitoring-addon",
        "The monitoring add-on (kube-prometheus-stack), or empty for none.",
    ),
    flag(
        "environments",
        "environments",
        "Clusters the workload is deployed to (staging and production: 2), each priced alike.",
    ),
];

/// The flags of the container side of `scaffold cost compare`.
pub const CONTAINERS: [Flag; 10] = [
    flag(
        "peak_factor",
        "peak-factor",
        "Peak over average traffic the container fleet is sized for (steady 1.5, spiky 3, bursty 10).",
    ),
    flag("task_vcpu", "task-vcpu", "vCPUs per container task."),
    flag(
        "task_memory_gb",
        "task-memory-gb",
        "Memory per container task in GB.",
    ),
    flag(
        "events_per_task_second",
        "events-per-task-second",
        "Events per second one task sustains.",
    ),
    flag("min_tasks", "min-tasks", "Fewest tasks, for availability."),
    flag(
        "node_type",
        "node-type",
        "Worker node size for the EKS side.",
    ),
    flag(
        "headroom",
        "headroom",
        "Share of EKS node capacity kept free, 0 to 0.9.",
    ),
    flag(
        "min_nodes",
        "min-nodes",
        "Fewest EKS nodes, for availability.",
    ),
    flag(
        "ops_usd_per_month",
        "ops-usd-per-month",
        "What running a container platform costs you a month beyond serverless (people's time, tooling), added to each container bill.",
    ),
    flag(
        "existing_cluster",
        "existing-cluster",
        "The pods join a cluster you already run: price only the nodes they add (no control plane, node floor or add-ons).",
    ),
];

/// The flags of a model's command.
pub fn of(model: Model) -> &'static [Flag] {
    match model {
        Model::Serverless => &SERVERLESS,
        Model::Kubernetes => &KUBERNETES,
    }
}

/// The flag that sets a model input (`write_units_per_event` -> `--write-units`), if a cost command has one.
pub fn flag_for(input: &str) -> Option<String> {
    // The region is no model's input: it picks the price table.
    if input == "region" {
        return Some("--region".into());
    }
    SERVERLESS
        .iter()
        .chain(&KUBERNETES)
        .chain(&CONTAINERS)
        .find(|f| f.input == input)
        .map(|f| format!("--{}", f.long))
}

/// One argument per flag of `flags`, parsed as its input's type wants, defaulting to `defaults` (a flag whose
/// input has no default there is required).
pub fn args(inputs: &[InputSpec], flags: &[Flag], defaults: &Values) -> Vec<Arg> {
    flags
        .iter()
        .filter_map(|f| inputs.iter().find(|i| i.name == f.input).map(|i| (f, i)))
        .map(|(f, input)| {
            let arg = Arg::new(f.input)
                .long(f.long)
                .help(f.help)
                .value_name(f.long.to_uppercase().replace('-', "_"));
            let arg = match input.kind {
                InputType::Number => arg
                    .value_parser(value_parser!(f64))
                    .allow_negative_numbers(true),
                InputType::Whole => arg
                    .value_parser(value_parser!(i64))
                    .allow_negative_numbers(true),
                InputType::Choice(words) => {
                    arg.value_parser(PossibleValuesParser::new(words.iter().copied()))
                }
                InputType::Events => arg.value_name("N").allow_hyphen_values(true),
                InputType::Cpu | InputType::Memory | InputType::Name => {
                    arg.allow_hyphen_values(true)
                }
            };
            match defaults.get(f.input) {
                // The day priced is today unless given: a kind's day is for its pages only.
                Some(_) if f.input == "priced_on" => arg,
                Some(value) => arg.default_value(Values::text_of(value)),
                // An input the model derives when it is left out (write units from the measured item sizes).
                None if scaffold::cost::serverless::DERIVED_INPUTS.contains(&f.input) => arg,
                None => arg.required(true),
            }
        })
        .collect()
}

/// The values the flags of `flags` hold, by input name.
pub fn read(matches: &ArgMatches, inputs: &[InputSpec], flags: &[Flag]) -> Values {
    let mut values = Values::new();
    for f in flags {
        let Some(input) = inputs.iter().find(|i| i.name == f.input) else {
            continue;
        };
        match input.kind {
            InputType::Number => {
                if let Some(x) = matches.get_one::<f64>(f.input) {
                    values.set(f.input, *x);
                }
            }
            InputType::Whole => {
                if let Some(n) = matches.get_one::<i64>(f.input) {
                    values.set(f.input, *n);
                }
            }
            _ => {
                if let Some(text) = matches.get_one::<String>(f.input) {
                    values.set(f.input, text.as_str());
                }
            }
        }
    }
    values
}

/// The flags that reproduce `values` where they differ from `defaults`, after the first flag (always given).
pub fn command_line(flags: &[Flag], values: &Values, defaults: &Values) -> String {
    let mut out = Vec::new();
    for (i, f) in flags.iter().enumerate() {
        let Some(value) = values.get(f.input) else {
            continue;
        };
        if i == 0 || defaults.get(f.input) != Some(value) {
            out.push(format!("--{} {}", f.long, Values::text_of(value)));
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaffold::cost::model;

    #[test]
    fn every_flag_sets_an_input_of_its_model() {
        for model in Model::ALL {
            for f in of(model) {
                assert!(
                    model.inputs().iter().any(|i| i.name == f.input),
                    "{}: {}",
                    model.name(),
                    f.input
                );
            }
        }
        let containers = model::container_defaults();
        for f in &CONTAINERS {
            assert!(containers.get(f.input).is_some(), "{}", f.input);
        }
    }

    #[test]
    fn irregular_flags_are_named_by_their_input() {
        assert_eq!(
            flag_for("write_units_per_event").as_deref(),
            Some("--write-units")
        );
        assert_eq!(flag_for("ingest_memory_mb").as_deref(), Some("--memory-mb"));
        assert_eq!(flag_for("lcu_per_hour").as_deref(), Some("--lcu"));
        assert_eq!(flag_for("team_requests_cpu"), None);
    }
}
