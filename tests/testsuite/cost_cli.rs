//! The cost and advise commands end to end: output, JSON, exit codes.

use assert_cmd::Command;
use predicates::prelude::*;

fn scaffold() -> Command {
    Command::cargo_bin("scaffold").expect("binary builds")
}

/// The lean worked example of docs/cost.md, which the serverless-webhook kind's own stack (256 MB functions,
/// traced, a key, a secret, alarms, stored tables) is not: `scaffold cost serverless-webhook` defaults to the
/// kind's settings.
const LEAN: [&str; 28] = [
    "--payload-kb",
    "1",
    "--memory-mb",
    "128",
    "--batch-window-s",
    "0",
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

/// The cents of the line item `key` in a cost command's JSON.
fn item_cents(v: &serde_json::Value, key: &str) -> f64 {
    let items = v["estimate"]["items"].as_array().unwrap();
    let item = items.iter().find(|i| i["key"] == key).unwrap();
    (item["usd"].as_f64().unwrap() * 100.0).round()
}

#[test]
fn serverless_text_names_the_largest_item_and_the_reference_volumes() {
    scaffold()
        .args(["cost", "serverless-webhook", "--events-per-month", "100M"])
        .args(LEAN)
        .assert()
        .success()
        // 100M events by hand (38.05 a second, so batches of 10 even with no window: 1 + 38.05 x 0.25 s > 10):
        // API $100 + Lambda $22 + $13.33 + SQS $48 + DynamoDB 6 units x 100M x $0.625/M = $375 + logs (100 GB of
        // its own + 110M invocations x 0.35 KB of START, END and REPORT = 38.5 GB) x $0.50 = $69.25 + S3 100M PUT x
        // $0.005/1,000 + 100M GET x $0.0004/1,000 = $540: $1,167.58.
        .stdout(predicate::str::contains("$1,167.58"))
        .stdout(predicate::str::contains(
            "Largest line item: S3 requests (payload bucket) at $540.00",
        ))
        // $0.1348 at 10K and $13.3089 at 1M (worked in crates/cost/src/serverless/estimate.rs's lean example test).
        .stdout(predicate::str::contains("$0.13"))
        .stdout(predicate::str::contains("$13.31"))
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
    // By hand at 1M (0.3805 events a second; no window, so a batch is the first message and those arriving in
    // the 0.25 s the previous batch runs: 1.0951, and 1M / 1.0951 = 913,134 processor invocations): API $1.00 +
    // Lambda requests 1,913,134 x $0.20/M = $0.3826 + duration (1M x 0.125 GB x 0.03 s + 913,134 x 0.25 GB x
    // 0.25 s = 60,821 GB-s) x $0.0000133334 = $0.8109 + SQS (1M + 2 x 913,134) x $0.40/M = $1.1305 + DynamoDB
    // 6 WRU (a transaction of the 0.32 KB event record and the 0.14 KB state item, 2 each; idempotency put 1,
    // update 1) x 1M x $0.625/M = $3.75 + logs (1M KB + 1,913,134 x 0.35 KB) = 1.6696 GB x $0.50 = $0.8348 + S3
    // 1M PUT x $0.005/1,000 + 1M GET x $0.0004/1,000 = $5.40: $13.3089.
    assert_eq!((total * 100.0).round(), 1331.0);
    let volumes: Vec<u64> = v["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["input"]["events_per_month"].as_u64().unwrap())
        .collect();
    assert_eq!(volumes, vec![10_000, 1_000_000, 100_000_000]);
    assert_eq!(
        v["command"],
        "scaffold cost serverless-webhook --events-per-month 1000000 --payload-kb 1 --memory-mb 128 --batch-window-s 0 --tracing-sample 0 --traced-functions 0 --kms-keys 0 --secrets 0 --alarms 0 --composite-alarms 0 --dashboards 0 --stored-months 0 --idempotency-ttl-days 0 --events-pitr off"
    );
    assert_eq!(v["estimate"]["largest"], "s3_requests");
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
    assert_eq!(input["write_units_per_event"], 6.0);
    assert_eq!(input["traced_functions"], 2);
    assert_eq!(input["alarms"], 19);
    assert_eq!(input["composite_alarms"], 2);
    assert_eq!(input["dashboards"], 1);
    assert_eq!(input["secrets"], 1);
    // Each line at 1M events of 4 KB, by hand (a month is 730 h = 2,628,000 s):
    let usd = |key: &str| item_cents(&v, key);
    // The kind's event source gathers for 1 s: 0.3805 events a second make batches of 1.3805, so 1M / 1.3805 =
    // 724,366 processor invocations. API 1M x $1.00/M = $1.00; Lambda requests 1,724,366 x $0.20/M = $0.34;
    // duration (1M x 0.25 GB x 0.03 s + 724,366 x 0.25 GB x 0.25 s) = 52,773 GB-s x $0.0000133334 = $0.70; SQS
    // (1M sends + 724,366 x (1 receive + 1 delete)) x $0.40/M = $0.98.
    assert_eq!(
        [
            usd("api"),
            usd("lambda_requests"),
            usd("lambda_duration"),
            usd("sqs")
        ],
        [100.0, 34.0, 70.0, 98.0]
    );
    // DynamoDB 6 units (a transaction of the event record and the state item, 2 each; idempotency put 1,
    // update 1) x 1M x $0.625/M = $3.75.
    assert_eq!(usd("dynamodb"), 375.0);
    // S3: 1M PUT x $0.005/1,000 + 1M GET x $0.0004/1,000 = $5.40; 12 months x 1M x 4 KB = 45.776 GB of bodies
    // in Standard (under 128 KB, none move to Standard-IA) x $0.023 = $1.05.
    assert_eq!([usd("s3_requests"), usd("s3_storage")], [540.0, 105.0]);
    // X-Ray: both functions stay under one invocation a second, so the reservoir records every one:
    // (1M + 724,366) x $5.00/M = $8.62 (a flat 5% gave $0.28).
    assert_eq!(usd("tracing"), 862.0);
    // Logs: 1M x 1 KB + 1,724,366 invocations x 0.35 KB of START, END and REPORT = 1.6035 GB x $0.50 = $0.80.
    assert_eq!(usd("logs"), 80.0);
    // Storage in the events table's 12th month: 12M records x (0.32 + 0.1) KB / 1,048,576 = 4.8065 GB, plus 7
    // days of 0.3 KB idempotency records (230,137 = 0.0658 GB): 4.8723 GB x $0.25 = $1.22. Only the events table
    // has point-in-time recovery (idempotency records expire in 7 days): 4.8065 GB x $0.20 = $0.96.
    assert_eq!([usd("storage"), usd("backups")], [122.0, 96.0]);
    // Key $1.00 + 6 callers x 8,760 five-minute periods = 52,560 requests x $0.03/10K = $1.16; secret $0.40 +
    // 8,760 reads x $0.05/10K = $0.44; 19 alarm metrics (11 single-metric alarms + 4 SLO windows x 2 metrics)
    // x $0.10 + 2 composite alarms x $0.50 = $2.90; 1 dashboard x $3.00.
    assert_eq!(
        [usd("kms"), usd("secrets"), usd("alarms"), usd("dashboards")],
        [116.0, 44.0, 290.0, 300.0]
    );
    // Total: 1.00 + 0.3449 + 0.7036 + 0.9795 + 3.75 + 0.8018 (logs) + 8.6218 + 5.40 + 1.0529 + 1.2181 + 0.9613
    // + 1.1577 + 0.4438 + 2.90 + 3.00 = $32.3354.
    let total = v["estimate"]["total_usd"].as_f64().unwrap();
    assert_eq!((total * 100.0).round(), 3234.0);
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
        // A wide terminal: each formula on one line.
        .env("COLUMNS", "400")
        .assert()
        .success()
        .stdout(predicate::str::contains("How each line is computed:"))
        .stdout(predicate::str::contains(
            "x $3.50 per 1M requests (first 333M)",
        ))
        .stdout(predicate::str::contains("$0.0000166667 per GB-second"));
}

#[test]
fn a_1000m_pod_fits_once_on_a_node_so_ten_replicas_are_ten_nodes() {
    // An m7g.large offers 1,755m allocatable with the kind's add-ons: one 1000m pod to a node whatever the
    // headroom, so 10 replicas need 10 nodes. Summing requests said 9, and 7 with --headroom 0.
    for headroom in ["0.2", "0"] {
        let v = json_of(&[
            "cost",
            "k8s-platform",
            "--replicas",
            "10",
            "--cpu-request",
            "1",
            "--memory-request",
            "1Gi",
            "--headroom",
            headroom,
            "--json",
        ]);
        assert_eq!(v["estimate"]["fit"]["nodes"], 10, "headroom {headroom}");
        assert_eq!(v["estimate"]["fit"]["pods_per_node"], 1);
    }
}

#[test]
fn the_day_priced_is_today_unless_given() {
    // 1.34 left EKS standard support after 2026-12-02: priced on the kind's day (2026-12-01) it paid $0.10 an
    // hour; priced today (2026-12-06 or later) it pays the extended $0.60 x 730 = $438.
    let v = json_of(&["cost", "k8s-platform", "--kube-version", "1.34", "--json"]);
    let day = v["estimate"]["control_plane"]["priced_on"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(day.as_str() >= "2026-12-06" && day.len() == 10, "{day}");
    assert_eq!(v["estimate"]["control_plane"]["tier"], "extended");
    let v = json_of(&[
        "cost",
        "k8s-platform",
        "--kube-version",
        "1.34",
        "--priced-on",
        "2026-12-01",
        "--json",
    ]);
    assert_eq!(v["estimate"]["control_plane"]["tier"], "standard");
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
    // 1,755m allocatable a node (node-exporter takes 50m of each) x 0.8 = 1,404m usable: two 500m pods to a
    // node, so 20 pods need 10 nodes; the 1,435m of add-ons go in the 404m left on each. Summing said 9.
    assert_eq!(v["estimate"]["fit"]["nodes"], 10);
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
        // Two clusters (staging and production) x 0.10 x 730.
        .stdout(predicate::str::contains("$146.00"))
        .stdout(predicate::str::contains("Priced for 2 clusters"))
        .stdout(predicate::str::contains(
            "Not modelled:\n  - Data transfer out",
        ))
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
            "is not a whole number of events",
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
    // The lean example at 100M, $1,167.58, less its DynamoDB writes (600M units x $0.625/M = $375): $792.58.
    assert_eq!(
        (v["estimate"]["total_usd"].as_f64().unwrap() * 100.0).round(),
        79258.0
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
    assert_eq!(v["reasons"].as_array().unwrap().len(), 12);
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
        let v = json_of(&[
            "cost",
            "serverless-webhook",
            "--events-per-month",
            text,
            "--json",
        ]);
        assert_eq!(v["estimate"]["input"]["events_per_month"], n, "{text}");
    }
    // A comma out of place is refused by every command alike (`cost` read `1,0000` as 10,000).
    for args in [
        &["advise", "--no-input", "--events-per-month", "1,0000"][..],
        &["cost", "serverless-webhook", "--events-per-month", "1,0000"][..],
        &["cost", "compare", "--events-per-month", "1,0000"][..],
    ] {
        scaffold()
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--events-per-month"));
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
    insta::assert_snapshot!(
        "k8s_default",
        stdout_of(&["cost", "k8s-platform", "--priced-on", "2026-12-01"])
    );
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
        // One cluster: the kind's two environments would double every line.
        let mut all = vec!["cost", "k8s-platform", "--json", "--environments", "1"];
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
    // difference: 230.74 (nodes, control plane, NLB, public IPv4, root volumes) + (438 - 73) = 595.74.
    let (v, usd) = control(&["--kube-version", "1.33"]);
    assert!((usd - 438.0).abs() < 1e-9, "{usd}");
    assert_eq!(v["estimate"]["control_plane"]["tier"], "extended");
    let total = v["estimate"]["total_usd"].as_f64().unwrap();
    assert_eq!((total * 100.0).round(), 59574.0);
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
        // Two clusters x $438.00.
        .stdout(predicate::str::contains("$876.00"));
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
    // Two clusters (staging and production) of them: $280.32.
    let v = json_of(&["cost", "k8s-platform", "--node-type", "m6i.large", "--json"]);
    let nodes = v["estimate"]["items"][0]["usd"].as_f64().unwrap();
    assert!((nodes - 280.32).abs() < 1e-9, "{nodes}");
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

#[test]
fn compare_gives_the_curve_from_10k_to_1b_with_the_stated_volume_in_order() {
    let v = json_of(&["cost", "compare", "--events-per-month", "50M", "--json"]);
    let curve = v["curve"].as_array().expect("curve");
    let volumes: Vec<u64> = curve
        .iter()
        .map(|p| p["events_per_month"].as_u64().unwrap())
        .collect();
    assert!(volumes.len() >= 7, "{volumes:?}");
    assert_eq!(volumes.first(), Some(&10_000));
    assert_eq!(volumes.last(), Some(&1_000_000_000));
    assert!(volumes.windows(2).all(|w| w[0] < w[1]), "{volumes:?}");
    assert!(volumes.contains(&50_000_000));
    // At 10K the two Fargate tasks cost 2 x 730 x (0.5 x 0.03238 + 1 x 0.00356) = $28.835, the ALB
    // 730 x 0.0225 = $16.425 and four public IPv4 addresses (two for the ALB, one per task) 4 x 730 x 0.005 =
    // $14.60: $59.86 before the few cents of LCUs, queue, table and logs both sides pay.
    let fargate_10k = curve[0]["fargate_usd"].as_f64().unwrap();
    assert!((59.86..60.00).contains(&fargate_10k), "{fargate_10k}");
    for key in ["serverless_usd", "fargate_usd", "eks_usd"] {
        assert!(curve.iter().all(|p| p[key].is_f64()), "{key}");
    }
    // The point at the stated volume is the comparison's own figures.
    let mine = curve
        .iter()
        .find(|p| p["events_per_month"] == 50_000_000)
        .unwrap();
    assert_eq!(mine["serverless_usd"], v["serverless"]["total_usd"]);
    // Per thousand events: the total over 50,000 thousands.
    let total = v["serverless"]["total_usd"].as_f64().unwrap();
    let per = v["per_thousand_events_usd"]["serverless"].as_f64().unwrap();
    assert!((per - total / 50_000.0).abs() < 1e-12, "{per}");
    let text = stdout_of(&["cost", "compare", "--events-per-month", "50M"]);
    // The lean example's Fargate break-even, about 37.4M, falls between the 30M and 50M rows.
    let lines: Vec<&str> = text.lines().collect();
    let at = |needle: &str| lines.iter().position(|l| l.contains(needle)).unwrap();
    assert!(
        at("  30M ") < at("-- break-even against Fargate")
            && at("-- break-even against Fargate") < at("<- this volume"),
        "{text}"
    );
}

#[test]
fn each_json_gives_the_cost_per_thousand_events() {
    // The lean example at 1M events costs $13.3089 a month (the worked example, batches of 1.0951): $0.013309
    // per thousand.
    let v = json_of(&["cost", "compare", "--events-per-month", "1M", "--json"]);
    let per = v["per_thousand_events_usd"]["serverless"].as_f64().unwrap();
    assert!((per - 0.013309).abs() < 0.000001, "{per}");
    let v = json_of(&["cost", "serverless-webhook", "--json"]);
    let total = v["estimate"]["total_usd"].as_f64().unwrap();
    let events = v["estimate"]["input"]["events_per_month"].as_f64().unwrap();
    let per = v["estimate"]["per_thousand_events_usd"].as_f64().unwrap();
    assert!((per - total / events * 1000.0).abs() < 1e-9, "{per}");
    let v = json_of(&["advise", "--no-input", "--json"]);
    assert!(
        v["cost"]["per_thousand_events_usd"]["fargate"].is_f64(),
        "{v}"
    );
}

#[test]
fn the_volumes_table_puts_the_stated_volume_in_order() {
    let text = stdout_of(&["cost", "serverless-webhook", "--events-per-month", "50M"]);
    let header = text
        .lines()
        .find(|l| l.trim_start().starts_with("events per month"))
        .unwrap();
    let columns: Vec<&str> = header.split_whitespace().skip(3).collect();
    assert_eq!(columns, ["10K", "1M", "50M", "100M"], "{header}");
}

#[test]
fn no_output_names_a_file_of_scaffold_s_own_source_tree() {
    for args in [
        vec!["cost", "serverless-webhook", "--explain"],
        vec!["cost", "k8s-platform", "--explain"],
        vec!["cost", "compare", "--events-per-month", "5M", "--explain"],
        vec!["advise", "--no-input"],
        vec!["advise", "--no-input", "--json"],
        vec!["cost", "compare", "--help"],
    ] {
        let text = stdout_of(&args);
        for path in ["templates/pricing", "docs/advise.md", "docs/cost.md"] {
            assert!(!text.contains(path), "`{}` names {path}", args.join(" "));
        }
    }
}

#[test]
fn a_volume_past_the_quotas_is_priced_with_each_limit_named() {
    // 10^12 events a month: 380,518 a second on average, 3.8M at the 10x peak; past the throttle's 10,000, the
    // 1,000 concurrent processors an SQS event source allows and DynamoDB's 40,000 write units per table.
    let text = stdout_of(&["cost", "serverless-webhook", "--events-per-month", "1T"]);
    // Wrapped to 80 columns: read the words.
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for limit in [
        "ceiling of 10,000",
        "the 1,000 an SQS event source",
        "40,000 per on-demand table",
    ] {
        assert!(text.contains(limit), "{limit}: {text}");
    }
    let v = json_of(&[
        "cost",
        "serverless-webhook",
        "--events-per-month",
        "1T",
        "--json",
    ]);
    assert_eq!(v["quota_warnings"].as_array().unwrap().len(), 4, "{v}");
    // 1M events a month: 3.8 a second at the peak, nothing near a quota.
    let v = json_of(&["cost", "serverless-webhook", "--json"]);
    assert_eq!(v["quota_warnings"].as_array().unwrap().len(), 0);
}

#[test]
fn the_estimate_ranks_the_inputs_by_how_far_they_move_the_bill() {
    // The lean example at 100M ($545.83): 10% more events +$54.58, write units 5 -> 5.5 +$31.25 (50M units x
    // $0.625/M), logs 1 -> 1.1 KB +$5.00 (10 GB x $0.50).
    let v = json_of(&["cost", "compare", "--events-per-month", "100M", "--json"]);
    assert!(v["serverless"]["total_usd"].as_f64().unwrap() > 545.0);
    let v = json_of(&[
        "cost",
        "serverless-webhook",
        "--events-per-month",
        "100M",
        "--json",
    ]);
    let ranked = v["sensitivity"].as_array().expect("sensitivity");
    assert!(ranked.len() >= 5, "{ranked:?}");
    let deltas: Vec<f64> = ranked
        .iter()
        .map(|s| s["delta_usd"].as_f64().unwrap().abs())
        .collect();
    assert!(deltas.windows(2).all(|w| w[0] >= w[1]), "{deltas:?}");
    // 10% more events moves nearly every line by 10%: close to 10% of the bill.
    let events = ranked
        .iter()
        .find(|s| s["input"] == "events_per_month")
        .unwrap();
    let share = events["delta_share"].as_f64().unwrap();
    assert!((0.09..=0.101).contains(&share), "{share}");
    let text = stdout_of(&["cost", "serverless-webhook", "--events-per-month", "100M"]);
    assert!(text.contains("What moves the bill most"), "{text}");
}

#[test]
fn the_large_high_volume_preset_keeps_its_bodies_in_s3_and_costs_a_twentieth_of_before() {
    // The standard-webhooks-large-high-volume preset: 500M deliveries of 256 KB a month, priced as the kind
    // deploys it. Stored as items in DynamoDB it came to about $744K a month; with the bodies in S3, by hand
    // (a month is 730 h = 2,628,000 s; 30 days = 0.986301 of it):
    let v = json_of(&[
        "cost",
        "serverless-webhook",
        "--events-per-month",
        "500000000",
        "--payload-kb",
        "256",
        "--json",
    ]);
    let usd = |key: &str| item_cents(&v, key);
    // 190 events a second fill every batch of 10 within the 1 s window: 50M processor invocations.
    // API 300M x $1.00/M + 200M x $0.90/M = $480; Lambda requests 550M x $0.20/M = $110; duration (500M x
    // 0.25 GB x 0.03 s + 50M x 0.25 GB x 0.25 s) = 6,875,000 GB-s x $0.0000133334 = $91.67; SQS (the key only)
    // 500M x 1.2 x $0.40/M = $240; DynamoDB 500M x 6 units x $0.625/M = $1,875; logs (500 GB of its own + 550M
    // invocations x 0.35 KB of START, END and REPORT = 192.5 GB) x $0.50 = $346.25;
    // X-Ray (2,628,000 + 0.05 x 497,372,000) + (2,628,000 + 0.05 x 47,372,000) = 32,493,200 x $5/M = $162.47.
    assert_eq!(
        [
            usd("api"),
            usd("lambda_requests"),
            usd("lambda_duration"),
            usd("sqs"),
            usd("dynamodb"),
            usd("logs"),
            usd("tracing")
        ],
        [
            48000.0, 11000.0, 9167.0, 24000.0, 187500.0, 34625.0, 16247.0
        ]
    );
    // S3 requests: 500M PUT x $0.005/1,000 = $2,500 + 500M GET x $0.0004/1,000 = $200 + 500M transitions to
    // Standard-IA (bodies over 128 KB) x $0.01/1,000 = $5,000: $7,700.
    assert_eq!(usd("s3_requests"), 770000.0);
    // S3 storage after 12 months: 500M x 256 KB / 1,048,576 = 122,070.3125 GB a month. Standard holds 30 days of
    // it, 120,398.116 GB: 51,200 x $0.023 + 69,198.116 x $0.022 = $2,699.96; Standard-IA the other 11.0137 months,
    // 1,464,843.75 - 120,398.116 = 1,344,445.634 GB x $0.0125 = $16,805.57. Together $19,505.53.
    assert_eq!(usd("s3_storage"), 1950553.0);
    // DynamoDB storage: 500M x 12 x 0.42 KB / 1,048,576 = 2,403.259 GB of event records + 115,068,493
    // idempotency records x 0.3 KB = 32.921 GB: 2,436.181 GB x $0.25 = $609.05; recovery on the events table,
    // 2,403.259 GB x $0.20 = $480.65.
    assert_eq!([usd("storage"), usd("backups")], [60905.0, 48065.0]);
    // Fixed: key $1.16, secret $0.44, 19 alarm metrics + 2 composites $2.90, dashboard $3.00.
    // Total 480 + 110 + 91.667 + 240 + 1,875 + 346.25 + 162.466 + 7,700 + 19,505.529 + 609.045 + 480.652 + 1.158
    // + 0.444 + 2.90 + 3.00 = $31,608.11.
    let total = v["estimate"]["total_usd"].as_f64().unwrap();
    assert_eq!((total * 100.0).round(), 3160811.0);
    assert_eq!(v["estimate"]["largest"], "s3_storage");
}
