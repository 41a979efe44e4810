//! The cost and advise commands end to end: output, JSON, exit codes.

use assert_cmd::Command;
use predicates::prelude::*;

fn scaffold() -> Command {
    Command::cargo_bin("scaffold").expect("binary builds")
}

/// The lean worked example of docs/cost.md, which the serverless-webhook kind's own stack (256 MB functions,
/// traced, a key, a secret, alarms, stored tables) is not: `scaffold cost serverless-webhook` defaults to the
/// kind's settings.
const LEAN: [&str; 26] = [
    "--payload-kb",
    "1",
    "--memory-mb",
    "128",
    "--tracing-sample",
    "0",
    "--traced-functions",
    "0",
    "--kms-keys",
    "0",
    "--secrets",
    "0",
    "--alarms",
    "0",
    "--composite-alarms",
    "0",
    "--dashboards",
    "0",
    "--stored-months",
    "0",
    "--idempotency-ttl-days",
    "0",
    "--events-pitr",
    "off",
    "--idempotency-pitr",
    "off",
];

fn json_of(args: &[&str]) -> serde_json::Value {
    let out = scaffold().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

#[test]
fn serverless_text_names_the_largest_item_and_the_reference_volumes() {
    scaffold()
        .args(["cost", "serverless-webhook", "--events-per-month", "100M"])
        .args(LEAN)
        .assert()
        .success()
        .stdout(predicate::str::contains("$545.83"))
        .stdout(predicate::str::contains(
            "Largest line item: DynamoDB on-demand at $312.50",
        ))
        .stdout(predicate::str::contains("$0.05"))
        .stdout(predicate::str::contains("$5.46"))
        .stdout(predicate::str::contains("Free tier, shown apart"))
        .stdout(predicate::str::contains(
            "Not modelled:\n  - Data transfer out of AWS and between Regions.",
        ));
}

#[test]
fn serverless_json_reproduces_the_lean_example() {
    let mut args = vec![
        "cost",
        "serverless-webhook",
        "--events-per-month",
        "1000000",
        "--json",
    ];
    args.extend(LEAN);
    let v = json_of(&args);
    let total = v["estimate"]["total_usd"].as_f64().unwrap();
    // By hand at 1M: API $1.00 + Lambda requests 1.1M x $0.20/M = $0.22 + duration 10,000 GB-s x $0.0000133334
    // = $0.1333 + SQS 1.2M x $0.40/M = $0.48 + DynamoDB 5 WRU (2 for the 1.3 KB event item, 1 idempotency put,
    // 1 update, 1 state put) x 1M x $0.625/M = $3.125 + logs 1 GB x $0.50 = $5.4583.
    assert_eq!((total * 100.0).round(), 546.0);
    let volumes: Vec<u64> = v["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["input"]["events_per_month"].as_u64().unwrap())
        .collect();
    assert_eq!(volumes, vec![10_000, 1_000_000, 100_000_000]);
    assert_eq!(
        v["command"],
        "scaffold cost serverless-webhook --events-per-month 1000000 --payload-kb 1 --memory-mb 128 --tracing-sample 0 --traced-functions 0 --kms-keys 0 --secrets 0 --alarms 0 --composite-alarms 0 --dashboards 0 --stored-months 0 --idempotency-ttl-days 0 --events-pitr off"
    );
    assert_eq!(v["estimate"]["largest"], "dynamodb");
}

#[test]
fn a_kind_command_defaults_to_what_the_kind_generates() {
    // The figures of a default serverless-webhook project's README: its 4 KB payloads, 256 MB functions and
    // 5% tracing come from the kind's question defaults and settings.
    let v = json_of(&["cost", "serverless-webhook", "--json"]);
    let input = &v["estimate"]["input"];
    assert_eq!(input["events_per_month"], 1_000_000);
    assert_eq!(input["payload_kb"], 4.0);
    assert_eq!(input["ingest_memory_mb"], 256);
    assert_eq!(input["processor_memory_mb"], 256);
    assert_eq!(input["tracing_sample"], 0.05);
    assert_eq!(input["write_units_per_event"], 8.0);
    assert_eq!(input["traced_functions"], 2);
    assert_eq!(input["alarms"], 19);
    assert_eq!(input["composite_alarms"], 2);
    assert_eq!(input["dashboards"], 1);
    assert_eq!(input["secrets"], 1);
    // Each line at 1M events of 4 KB, by hand (a month is 730 h = 2,628,000 s):
    let usd = |key: &str| -> f64 {
        let items = v["estimate"]["items"].as_array().unwrap();
        let item = items.iter().find(|i| i["key"] == key).unwrap();
        (item["usd"].as_f64().unwrap() * 100.0).round()
    };
    // API 1M x $1.00/M = $1.00; Lambda requests 1.1M x $0.20/M = $0.22; duration (1M x 0.25 GB x 0.03 s +
    // 100K x 0.25 GB x 0.25 s) = 13,750 GB-s x $0.0000133334 = $0.18; SQS 1.2M x $0.40/M = $0.48.
    assert_eq!(
        [
            usd("api"),
            usd("lambda_requests"),
            usd("lambda_duration"),
            usd("sqs")
        ],
        [100.0, 22.0, 18.0, 48.0]
    );
    // DynamoDB 8 units (5 for the 4.3 KB event item, 1 idempotency put, 1 update, 1 state put) x 1M x
    // $0.625/M = $5.00.
    assert_eq!(usd("dynamodb"), 500.0);
    // X-Ray: both functions stay under one invocation a second, so the reservoir records every one:
    // (1M + 100K) x $5.00/M = $5.50 (a flat 5% gave $0.28).
    assert_eq!(usd("tracing"), 550.0);
    // Storage in the events table's 12th month: 12M x 4.4 KB / 1,048,576 = 50.354 GB, plus 7 days of 0.3 KB
    // idempotency records (230,137 = 0.066 GB): 50.420 GB x $0.25 = $12.60; recovery for the events table
    // only (the idempotency records expire): 50.354 GB x $0.20 = $10.07.
    assert_eq!([usd("storage"), usd("backups")], [1260.0, 1007.0]);
    // Key $1.00 + 6 callers x 8,760 five-minute periods = 52,560 requests x $0.03/10K = $1.16; secret $0.40 +
    // 8,760 reads x $0.05/10K = $0.44; 19 alarm metrics (11 single-metric alarms + 4 SLO windows x 2 metrics)
    // x $0.10 + 2 composite alarms x $0.50 = $2.90; 1 dashboard x $3.00.
    assert_eq!(
        [usd("kms"), usd("secrets"), usd("alarms"), usd("dashboards")],
        [116.0, 44.0, 290.0, 300.0]
    );
    // Total $43.06 (it was $37.42 before the state write, the metric-math alarms, the composites and the
    // dashboard were counted).
    let total = v["estimate"]["total_usd"].as_f64().unwrap();
    assert_eq!((total * 100.0).round(), 4306.0);
    assert_eq!(
        v["command"],
        "scaffold cost serverless-webhook --events-per-month 1000000"
    );
    // The chart's requests and the team quota, from the k8s-platform kind's settings.
    let v = json_of(&["cost", "k8s-platform", "--json"]);
    assert_eq!(v["estimate"]["input"]["cpu_request_m"], 100);
    assert_eq!(v["estimate"]["input"]["memory_request_mib"], 128);
    assert_eq!(v["estimate"]["namespace"]["quota_cpu_m"], 4000);
}

#[test]
fn explain_prints_the_formulas() {
    scaffold()
        .args([
            "cost",
            "serverless-webhook",
            "--events-per-month",
            "1M",
            "--explain",
            "--api",
            "rest",
            "--arch",
            "x86_64",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("How each line is computed:"))
        .stdout(predicate::str::contains(
            "x $3.50 per 1M requests (first 333M)",
        ))
        .stdout(predicate::str::contains("$0.0000166667 per GB-second"));
}

#[test]
fn k8s_reports_nodes_and_namespace_cost() {
    let v = json_of(&[
        "cost",
        "k8s-platform",
        "--replicas",
        "20",
        "--cpu-request",
        "500m",
        "--memory-request",
        "128Mi",
        "--json",
    ]);
    // 20 x 500m + 1,435m of the default answers' add-ons = 11,435m over 1,755 x 0.8 = 1,404m usable a node
    // (node-exporter takes 50m of each) = 8.14 -> 9 nodes.
    assert_eq!(v["estimate"]["fit"]["nodes"], 9);
    assert_eq!(v["estimate"]["fit"]["bound_by"], "cpu");
    scaffold()
        .args([
            "cost",
            "k8s-platform",
            "--replicas",
            "2",
            "--cpu-request",
            "100m",
            "--memory-request",
            "128Mi",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("EKS control plane"))
        .stdout(predicate::str::contains("$73.00"))
        .stdout(predicate::str::contains("Per team namespace"));
}

#[test]
fn compare_gives_a_break_even_and_its_assumptions() {
    let v = json_of(&["cost", "compare", "--events-per-month", "1M", "--json"]);
    let b = v["break_even_fargate"].as_u64().unwrap();
    assert!((10_000_000..100_000_000).contains(&b), "{b}");
    assert!(v["assumptions"].as_array().unwrap().len() >= 5);
    scaffold()
        .args(["cost", "compare", "--events-per-month", "1B"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Cheapest at this volume: containers on Fargate",
        ));
}

#[test]
fn bad_numbers_exit_2_with_a_clear_message() {
    let cases: [(&[&str], &str); 8] = [
        (
            &["cost", "serverless-webhook", "--events-per-month", "0"],
            "at least 1 event",
        ),
        (
            &["cost", "serverless-webhook", "--events-per-month", "-10"],
            "at least 1 event",
        ),
        (
            &["cost", "serverless-webhook", "--events-per-month", "lots"],
            "is not a number",
        ),
        (
            &[
                "cost",
                "serverless-webhook",
                "--events-per-month",
                "1000000000001",
            ],
            "10^12",
        ),
        (
            &[
                "cost",
                "serverless-webhook",
                "--events-per-month",
                "1M",
                "--tracing-sample",
                "2",
            ],
            "--tracing-sample",
        ),
        (
            &[
                "cost",
                "serverless-webhook",
                "--events-per-month",
                "1M",
                "--memory-mb",
                "-128",
            ],
            "--memory-mb",
        ),
        (
            &["cost", "k8s-platform", "--cpu-request", "lots"],
            "--cpu-request",
        ),
        (
            &["cost", "k8s-platform", "--node-type", "z9.huge"],
            "m7g.large",
        ),
    ];
    for (args, message) in cases {
        scaffold()
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
    // Non-numeric values for numeric flags are refused by the parser, also with exit 2.
    scaffold()
        .args([
            "cost",
            "serverless-webhook",
            "--events-per-month",
            "1M",
            "--payload-kb",
            "big",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--payload-kb"));
}

#[test]
fn a_user_price_table_is_used_and_validated() {
    let dir = tempfile::tempdir().unwrap();
    let table = scaffold::cost::prices::EMBEDDED_TABLE;
    let cheaper = dir.path().join("cheap.toml");
    std::fs::write(&cheaper, table.replace("[prices.dynamodb_write_units]\nunit = \"write request units (on-demand)\"\nper = 1_000_000\nusd = 0.625", "[prices.dynamodb_write_units]\nunit = \"write request units (on-demand)\"\nper = 1_000_000\nusd = 0.0")).unwrap();
    let mut args = vec![
        "cost",
        "serverless-webhook",
        "--events-per-month",
        "100M",
        "--json",
        "--prices",
        cheaper.to_str().unwrap(),
    ];
    args.extend(LEAN);
    let v = json_of(&args);
    assert_eq!(
        (v["estimate"]["total_usd"].as_f64().unwrap() * 100.0).round(),
        23333.0
    );
    let broken = dir.path().join("broken.toml");
    std::fs::write(
        &broken,
        table.replace("[prices.alb_lcu]", "[prices.alb_lcus]"),
    )
    .unwrap();
    scaffold()
        .args([
            "cost",
            "compare",
            "--events-per-month",
            "1M",
            "--prices",
            broken.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("prices.alb_lcu is missing"));
    scaffold()
        .args([
            "cost",
            "compare",
            "--events-per-month",
            "1M",
            "--prices",
            dir.path().join("absent.toml").to_str().unwrap(),
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot read price table"));
}

#[test]
fn advise_recommends_and_explains() {
    scaffold()
        .args(["advise", "--no-input"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Recommendation: serverless-webhook",
        ))
        .stdout(predicate::str::contains("What would change the answer:"));
    let v = json_of(&[
        "advise",
        "--no-input",
        "--json",
        "--gpu",
        "--platform-team",
        "--team-size",
        "30",
    ]);
    assert_eq!(v["recommendation"], "k8s-platform");
    assert_eq!(v["rule"], "R1");
    assert_eq!(v["reasons"].as_array().unwrap().len(), 9);
    let v = json_of(&[
        "advise",
        "--no-input",
        "--json",
        "--traffic",
        "steady",
        "--events-per-month",
        "500M",
    ]);
    assert_eq!(v["recommendation"], "managed-containers");
    assert_eq!(v["rule"], "R3");
    let v = json_of(&["advise", "--no-input", "--json", "--gpu", "false"]);
    assert_eq!(v["input"]["gpu"], false);
}

#[test]
fn advise_refuses_bad_answers_with_exit_2() {
    scaffold()
        .args(["advise", "--no-input", "--team-size", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--team-size"));
    scaffold()
        .args(["advise", "--no-input", "--events-per-month", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid --events-per-month: 0 is below the minimum 1",
        ));
    scaffold()
        .args(["advise", "--no-input", "--latency-budget-ms", "700000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--latency-budget-ms"));
    scaffold()
        .args(["advise", "--no-input", "--traffic", "wavy"])
        .assert()
        .code(2);
}

#[test]
fn advise_and_the_kind_questions_read_event_counts_the_same_way() {
    for (text, n) in [
        ("5M", 5_000_000),
        ("2.5M", 2_500_000),
        ("1e6", 1_000_000),
        ("1_000", 1_000),
        ("1,000,000", 1_000_000),
    ] {
        let v = json_of(&["advise", "--no-input", "--json", "--events-per-month", text]);
        assert_eq!(v["input"]["events_per_month"], n, "{text}");
        let v = json_of(&[
            "new",
            "--kind",
            "serverless-webhook",
            "hooks",
            "--no-input",
            "--dry-run",
            "--json",
            "--set",
            &format!("events_per_month={text}"),
        ]);
        assert_eq!(v["answers"]["events_per_month"], n, "{text}");
    }
}

fn stdout_of(args: &[&str]) -> String {
    let out = scaffold().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn reports_are_stable() {
    insta::assert_snapshot!(
        "serverless_1m",
        stdout_of(&["cost", "serverless-webhook", "--events-per-month", "1M"])
    );
    insta::assert_snapshot!("k8s_default", stdout_of(&["cost", "k8s-platform"]));
    insta::assert_snapshot!(
        "compare_50m",
        stdout_of(&["cost", "compare", "--events-per-month", "50M"])
    );
    insta::assert_snapshot!("advise_default", stdout_of(&["advise", "--no-input"]));
    let out = scaffold()
        .args(["cost", "serverless-webhook", "--events-per-month", "2T"])
        .output()
        .unwrap();
    insta::assert_snapshot!(
        "error_absurd_volume",
        String::from_utf8(out.stderr).unwrap()
    );
}

fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates")
}

/// `tests/fixtures/templates/priced` declares the serverless model in its manifest and has no Rust of its own:
/// `scaffold new` renders its figures and `scaffold cost priced` prices it, from the same bindings.
#[test]
fn a_kind_with_a_cost_model_needs_only_its_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let templates = fixtures();
    let templates = templates.to_str().unwrap();
    let generate = |name: &str, sets: &[&str]| {
        let mut cmd = scaffold();
        cmd.current_dir(dir.path()).args([
            "new",
            "--templates",
            templates,
            "--kind",
            "priced",
            name,
        ]);
        cmd.arg("--no-input");
        for set in sets {
            cmd.args(["--set", set]);
        }
        cmd.assert().success();
        std::fs::read_to_string(dir.path().join(name).join("README.md")).unwrap()
    };
    let price = |args: &[&str]| {
        let mut all = vec!["cost", "priced", "--templates", templates, "--json"];
        all.extend(args);
        let v = json_of(&all);
        let total = v["estimate"]["total_usd"].as_f64().unwrap();
        (format!("${total:.2}"), v)
    };

    // The defaults: the command's are the kind's answers' defaults, settings and fixed values.
    let readme = generate("x", &[]);
    let (total, v) = price(&[]);
    assert!(
        readme.contains(&format!("about **{total} a month**")),
        "{total}\n{readme}"
    );
    assert!(readme.contains("Both functions run with 512 MB on x86_64; a share of 0.1"));
    assert!(readme.contains("with batches of 5"), "{readme}");
    let input = &v["estimate"]["input"];
    assert_eq!(input["events_per_month"], 2_500_000);
    assert_eq!(input["arch"], "x86_64");
    assert_eq!(input["ingest_memory_mb"], 512);
    assert_eq!(input["tracing_sample"], 0.1);
    assert_eq!(input["batch_size"], 5);
    assert_eq!(v["kind"], "priced");

    // Other answers, and the flags of the command the README shows, give the same figure again.
    let readme = generate("y", &["deliveries=40000000", "runtime=arm64"]);
    let (total, _) = price(&["--events-per-month", "40000000", "--arch", "arm64"]);
    assert!(
        readme.contains(&format!("about **{total} a month**")),
        "{total}\n{readme}"
    );
    assert!(readme.contains(
        "`scaffold cost priced --templates DIR --events-per-month 40000000 --arch arm64`"
    ));

    // The text report names the kind, and the built-in kinds are not offered from this folder.
    scaffold()
        .args(["cost", "priced", "--templates", templates])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "priced at 2,500,000 events per month",
        ));
    scaffold()
        .args(["cost", "serverless-webhook", "--templates", templates])
        .assert()
        .code(2);
}

#[test]
fn a_kind_without_a_cost_model_is_not_a_cost_command() {
    let templates = fixtures();
    scaffold()
        .args(["cost", "demo", "--templates", templates.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unrecognized subcommand 'demo'"));
}

/// The ingest function answers 413 above MaxBodyBytes (262,144 bytes = 256 KB) in the kind's template.yaml, so a
/// larger typical payload describes a stack that would refuse its own traffic: generation refuses it.
#[test]
fn serverless_payload_above_the_ingest_limit_is_refused() {
    let new = |kb: &str| {
        let mut cmd = scaffold();
        cmd.args([
            "new",
            "--kind",
            "serverless-webhook",
            "hooks",
            "--no-input",
            "--dry-run",
            "--set",
            &format!("payload_kb={kb}"),
        ]);
        cmd.assert()
    };
    new("257")
        .code(2)
        .stderr(predicate::str::contains("payload_kb").and(predicate::str::contains("256")));
    new("256").success();
    let template = include_str!("../../templates/serverless-webhook/files/template.yaml.hbs");
    assert!(template.contains("Default: 262144\n    MinValue: 1024\n    MaxValue: 262144"));
}

#[test]
fn k8s_control_plane_is_priced_by_the_version_s_support_tier() {
    let control = |args: &[&str]| {
        let mut all = vec!["cost", "k8s-platform", "--json"];
        all.extend_from_slice(args);
        let v = json_of(&all);
        let items = v["estimate"]["items"].as_array().unwrap().clone();
        let cp = items
            .iter()
            .find(|i| i["key"] == "control_plane")
            .unwrap()
            .clone();
        (v, cp["usd"].as_f64().unwrap())
    };
    // The kind's Kubernetes 1.36.1 on 2026-12-01: standard support until 2027-08-02, 0.10 x 730 = $73.00.
    let (v, usd) = control(&[]);
    assert!((usd - 73.0).abs() < 1e-9, "{usd}");
    assert_eq!(v["estimate"]["control_plane"]["version"], "1.36");
    assert_eq!(v["estimate"]["control_plane"]["tier"], "standard");
    // 1.33 left standard support on 2026-07-29: extended, 0.60 x 730 = $438.00, and the total grows by the
    // difference: 214.40 + (438 - 73) = 579.40.
    let (v, usd) = control(&["--kube-version", "1.33"]);
    assert!((usd - 438.0).abs() < 1e-9, "{usd}");
    assert_eq!(v["estimate"]["control_plane"]["tier"], "extended");
    let total = v["estimate"]["total_usd"].as_f64().unwrap();
    assert_eq!((total * 100.0).round(), 57940.0);
    // 1.36 itself once its standard support ends: 2027-08-03 is extended.
    let (_, usd) = control(&["--priced-on", "2027-08-03"]);
    assert!((usd - 438.0).abs() < 1e-9, "{usd}");
    scaffold()
        .args(["cost", "k8s-platform", "--kube-version", "1.33"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "EKS control plane (extended support)",
        ))
        .stdout(predicate::str::contains("$438.00"));
    for (args, message) in [
        (
            &["--kube-version", "1.31"][..],
            "left EKS extended support on 2026-11-26",
        ),
        (
            &["--kube-version", "1.37"][..],
            "not in the price table's EKS calendar",
        ),
        (&["--priced-on", "soon"][..], "--priced-on"),
    ] {
        let mut all = vec!["cost", "k8s-platform"];
        all.extend_from_slice(args);
        scaffold()
            .args(&all)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn k8s_node_sizing_counts_the_add_ons_the_answers_install() {
    let fit = |args: &[&str]| {
        let mut all = vec![
            "cost",
            "k8s-platform",
            "--replicas",
            "14",
            "--cpu-request",
            "100m",
            "--json",
        ];
        all.extend_from_slice(args);
        json_of(&all)["estimate"].clone()
    };
    // The default answers: CoreDNS 200m, metrics-server 100m, Envoy Gateway 200m, Argo CD 325m, External
    // Secrets 60m, kube-prometheus-stack 550m = 1,435m; 14 x 100m + 1,435m = 2,835m over 1,404m usable = 2.02
    // -> 3 nodes.
    let e = fit(&[]);
    assert_eq!(e["addons"]["cpu_m"], 1435);
    assert_eq!(e["fit"]["requested_cpu_m"], 2835.0);
    assert_eq!(e["fit"]["nodes"], 3);
    // Without GitOps, secrets and monitoring: 200 + 100 + 200 = 500m, no DaemonSet, so 1,805 x 0.8 = 1,444m
    // usable; 1,400 + 500 = 1,900m -> 1.32 -> the two-node floor.
    let e = fit(&[
        "--gitops-addon",
        "",
        "--secrets-addon",
        "",
        "--monitoring-addon",
        "",
    ]);
    assert_eq!(e["addons"]["cpu_m"], 500);
    assert_eq!(e["capacity"]["allocatable_cpu_m"], 1805.0);
    assert_eq!(
        (e["fit"]["nodes"].clone(), e["fit"]["bound_by"].clone()),
        (2.into(), "minimum".into())
    );
    // Flux (350m / 256 MiB) and Sealed Secrets (50m / 64 MiB) instead of Argo CD and External Secrets:
    // 1,435 - 325 - 60 + 350 + 50 = 1,450m.
    let e = fit(&[
        "--gitops-addon",
        "flux",
        "--secrets-addon",
        "sealed-secrets",
    ]);
    assert_eq!(e["addons"]["cpu_m"], 1450);
    scaffold()
        .args(["cost", "k8s-platform", "--edge-addon", "traefik"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid --edge-addon: 'traefik' is not an add-on",
        ));
}

#[test]
fn k8s_node_architecture_must_match_the_image() {
    // The kind's image is built for amd64 and arm64: both the arm64 default and an x86_64 node are priced.
    // m6i.large: 2 x 0.096 x 730 = $140.16 of nodes.
    let v = json_of(&["cost", "k8s-platform", "--node-type", "m6i.large", "--json"]);
    let nodes = v["estimate"]["items"][0]["usd"].as_f64().unwrap();
    assert!((nodes - 140.16).abs() < 1e-9, "{nodes}");
    // An amd64-only image cannot run on the arm64 m7g.large.
    scaffold()
        .args(["cost", "k8s-platform", "--image-arch", "amd64"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid --node-type: m7g.large is an arm64 node but the image is built for x86_64 only",
        ));
    scaffold()
        .args([
            "cost",
            "k8s-platform",
            "--image-arch",
            "amd64",
            "--node-type",
            "m6i.large",
        ])
        .assert()
        .success();
}
