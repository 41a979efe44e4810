//! The cost pages of both kinds, rendered through the library like any project, then checked with the
//! generated project's own cost test (stdlib Python).

use std::path::Path;
use std::process::Command;

use scaffold::answers::{Given, resolve};
use scaffold::{Catalog, Source, build_plan};

/// Renders the whole project for `kind` with these answers into `out`, through the library.
fn render(kind: &str, sets: &[(&str, String)], out: &Path) {
    let catalog = Catalog::load(&Source::Embedded).unwrap();
    let kind = catalog.get(kind).unwrap();
    let given = Given {
        file: None,
        sets: sets
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    };
    let answers = resolve(kind, &given, None).unwrap();
    let plan = build_plan(kind, &answers, &Default::default()).unwrap();
    for f in &plan.files {
        let path = out.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &f.contents).unwrap();
    }
}

fn serverless_answers(
    events: u64,
    payload: u64,
    arch: &str,
    queue: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("name", "hooks".into()),
        ("arch", arch.into()),
        ("queue", queue.into()),
        ("events_per_month", events.to_string()),
        ("payload_kb", payload.to_string()),
        ("signature", "standard-webhooks".into()),
        ("aws_region", "us-east-1".into()),
    ]
}

fn render_serverless(answers: &[(&str, String)], out: &Path) {
    render("serverless-webhook", answers, out);
}

fn run_cost_test(dir: &Path) -> std::process::Output {
    Command::new("python3")
        .arg("tests/test_cost_model.py")
        .current_dir(dir)
        .output()
        .expect("python3 runs")
}

#[test]
fn serverless_cost_page_passes_its_own_recompute_test() {
    for (events, payload, arch, queue) in [
        (2_500_000, 4, "arm64", "standard"),
        (1_000_000, 1, "x86_64", "fifo"),
        (750_000_000, 200, "arm64", "standard"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        render_serverless(
            &serverless_answers(events, payload, arch, queue),
            dir.path(),
        );
        let out = run_cost_test(dir.path());
        assert!(
            out.status.success(),
            "{events} {arch} {queue}:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let doc = std::fs::read_to_string(dir.path().join("docs/cost-model.md")).unwrap();
        assert!(doc.contains(&format!(
            "scaffold cost serverless-webhook --events-per-month {events}"
        )));
    }
}

#[test]
fn the_recompute_test_catches_a_stale_figure() {
    // The DynamoDB cell at 1M events: 6 write units (one transaction of the event record and the state item, 2
    // each, and the idempotency record's put and update) x 1M x $0.625/M = $3.75. The S3 requests cell: 1M PUT x
    // $0.005/1,000 + 1M GET x $0.0004/1,000 = $5.40.
    for (key, cell, stale) in [
        ("dynamodb", "$3.75", "$3.85"),
        ("s3_requests", "$5.40", "$5.50"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        render_serverless(
            &serverless_answers(1_000_000, 1, "arm64", "standard"),
            dir.path(),
        );
        let doc_path = dir.path().join("docs/cost-model.md");
        let doc = std::fs::read_to_string(&doc_path).unwrap();
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{key}`")))
            .unwrap()
            .to_string();
        assert!(row.contains(cell), "{row}");
        std::fs::write(&doc_path, doc.replace(&row, &row.replacen(cell, stale, 1))).unwrap();
        let out = run_cost_test(dir.path());
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(&format!("{key} at 1000000")),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // A price edited in cost/prices.json makes the page stale too.
    let dir = tempfile::tempdir().unwrap();
    render_serverless(
        &serverless_answers(1_000_000, 1, "arm64", "standard"),
        dir.path(),
    );
    let prices_path = dir.path().join("cost/prices.json");
    let prices = std::fs::read_to_string(&prices_path).unwrap();
    std::fs::write(
        &prices_path,
        prices.replacen("\"usd\": 0.625", "\"usd\": 0.7", 1),
    )
    .unwrap();
    assert!(!run_cost_test(dir.path()).status.success());
}

#[test]
fn a_billion_events_size_the_stack_and_its_budget() {
    let dir = tempfile::tempdir().unwrap();
    let mut answers = serverless_answers(1_000_000_000, 4, "arm64", "standard");
    answers.retain(|(k, _)| *k != "signature");
    answers.push(("signature", "github".into()));
    render_serverless(&answers, dir.path());
    let template = std::fs::read_to_string(dir.path().join("template.yaml")).unwrap();
    let default_of = |name: &str| -> String {
        let at = template.find(&format!("\n  {name}:\n")).unwrap();
        let rest = &template[at..];
        let line = rest
            .lines()
            .find(|l| l.trim_start().starts_with("Default:"))
            .unwrap();
        line.trim().trim_start_matches("Default: ").to_string()
    };
    // 1B events / 2,628,000 s = 380.52 rps mean, 3,805.18 at a 10x peak: rate ceil(3,805.18) = 3,806; burst
    // 2 x 3,806 = 7,612, capped at the parameter's 5,000; processor 2 x 3,805.18 / 10 x 0.25 s = 190.26 -> 191.
    // (The stack used to keep 100, 200 and 10 at any volume.)
    assert_eq!(default_of("ApiThrottleRateLimit"), "3806");
    assert_eq!(default_of("ApiThrottleBurstLimit"), "5000");
    assert_eq!(default_of("ProcessorMaxConcurrency"), "191");
    // GitHub's redelivery token is the second secret, and the cost model counts it.
    let prices: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("cost/prices.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(prices["workload"]["secrets"], 2);
    // Its redelivery-errors and redelivery-gave-up alarms are the 20th and 21st alarm metrics (19 for the other
    // schemes).
    assert_eq!(prices["workload"]["alarms"], 21);
    assert_eq!(
        template
            .matches("Type: AWS::SecretsManager::Secret")
            .count(),
        2
    );
    assert!(template.contains("Type: AWS::Budgets::Budget"));
    // The README's recompute command prints the README's total: the command's defaults are a default project's
    // (standard-webhooks: 1 secret, 19 alarm metrics), so a GitHub project's command names its 2 and 21.
    let readme = std::fs::read_to_string(dir.path().join("README.md")).unwrap();
    let command = readme
        .split("Recompute with `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .unwrap();
    assert!(command.contains("--secrets 2 --alarms 21"), "{command}");
    let total = readme
        .split("costs about **")
        .nth(1)
        .and_then(|rest| rest.split(" a month**").next())
        .unwrap();
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let printed = assert_cmd::Command::cargo_bin("scaffold")
        .unwrap()
        .args(&args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let printed = String::from_utf8(printed).unwrap();
    let line = printed
        .lines()
        .find(|l| l.trim_start().starts_with("total"))
        .unwrap();
    assert!(line.ends_with(total), "{command}: {line} (README: {total})");
    let out = run_cost_test(dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_cost_test_fails_when_the_template_gains_an_alarm_the_model_does_not_count() {
    let dir = tempfile::tempdir().unwrap();
    render_serverless(
        &serverless_answers(1_000_000, 4, "arm64", "standard"),
        dir.path(),
    );
    let path = dir.path().join("template.yaml");
    let template = std::fs::read_to_string(&path).unwrap();
    let extra =
        "\n  ExtraAlarm:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      MetricName: X\n";
    std::fs::write(
        &path,
        template.replacen("\nOutputs:", &format!("{extra}\nOutputs:"), 1),
    )
    .unwrap();
    let out = run_cost_test(dir.path());
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("AWS::CloudWatch::Alarm"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_cost_test_counts_each_metric_a_metric_math_alarm_reads() {
    let dir = tempfile::tempdir().unwrap();
    render_serverless(
        &serverless_answers(1_000_000, 4, "arm64", "standard"),
        dir.path(),
    );
    let prices: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("cost/prices.json")).unwrap(),
    )
    .unwrap();
    // 11 single-metric alarms + 4 SLO windows x 2 metrics; 2 composite alarms; 1 dashboard.
    assert_eq!(prices["workload"]["alarms"], 19);
    assert_eq!(prices["workload"]["composite_alarms"], 2);
    assert_eq!(prices["workload"]["dashboards"], 1);
    let path = dir.path().join("template.yaml");
    let template = std::fs::read_to_string(&path).unwrap();
    // A third metric in one SLO window alarm is a 19th alarm metric the model does not count.
    let window = "\n  SloBurnPage1hAlarm:\n";
    let at = template.find(window).unwrap() + window.len();
    let metrics = "      Metrics:\n";
    let list = at + template[at..].find(metrics).unwrap() + metrics.len();
    let extra = "        - Id: extra\n          ReturnData: false\n          MetricStat:\n            Metric:\n              Namespace: AWS/ApiGateway\n              MetricName: 4xx\n            Period: 3600\n            Stat: Sum\n";
    let mut changed = template.clone();
    changed.insert_str(list, extra);
    std::fs::write(&path, &changed).unwrap();
    let out = run_cost_test(dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("read 20 alarm metrics") && stderr.contains("SloBurnPage1hAlarm 3"),
        "{stderr}"
    );
    // A composite alarm the model does not count fails too.
    let composite = "\n  ExtraComposite:\n    Type: AWS::CloudWatch::CompositeAlarm\n    Properties:\n      AlarmRule: 'ALARM(\"x\")'\n";
    std::fs::write(
        &path,
        template.replacen("\nOutputs:", &format!("{composite}\nOutputs:"), 1),
    )
    .unwrap();
    let out = run_cost_test(dir.path());
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("AWS::CloudWatch::CompositeAlarm"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn k8s_answers() -> Vec<(&'static str, String)> {
    vec![
        ("name", "shop".into()),
        ("min_replicas", "2".into()),
        ("max_replicas", "10".into()),
        ("target_cpu", "70".into()),
        ("owner_team", "payments".into()),
        ("cost_center", "cc-1234".into()),
    ]
}

#[test]
fn k8s_cost_page_renders_with_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    render("k8s-platform", &k8s_answers(), dir.path());
    let doc = std::fs::read_to_string(dir.path().join("docs/cost.md")).unwrap();
    assert!(doc.contains(
        "scaffold cost k8s-platform --replicas 2 --cpu-request 100m --memory-request 128Mi"
    ));
    // A cluster: 2 nodes $119.14 + control plane $73 + NLB $20.81 + 4 public IPv4 $14.60 + 2 root volumes
    // $3.20 = $230.74; the Argo CD overlays deploy staging and production: 2 x $230.74 = $461.48.
    assert!(doc.contains("| **total** | **$461.48** |"), "{doc}");
    assert!(doc.contains("2 clusters are priced alike"), "{doc}");
    // The curve is drawn by the engine next to the page, and the page shows it.
    assert!(doc.contains("](cost-curve.svg)"), "{doc}");
    let svg = std::fs::read_to_string(dir.path().join("docs/cost-curve.svg")).unwrap();
    assert!(
        svg.starts_with("<svg ") && svg.matches("<polyline").count() == 3,
        "{svg}"
    );
    // What the figures leave out, listed like the serverless kind's.
    let left_out = doc
        .split("## Not modelled")
        .nth(1)
        .expect("a Not modelled section");
    assert!(left_out.matches("\n- ").count() >= 5, "{left_out}");
    assert!(left_out.contains("between zones"), "{left_out}");
    assert!(
        doc.contains("Network Load Balancer") && !doc.contains("Application Load Balancer"),
        "{doc}"
    );
    // 4 CPUs over 1,755m allocatable (node-exporter takes 50m a node) x 0.0816 x 730 = 135.77.
    assert!(doc.contains("about **$135.77 a month**"), "{doc}");
    assert!(doc.contains("`payments`") && doc.contains("`cc-1234`"));
    assert!(!doc.contains("{{"));
}

/// The `scaffold cost` command lines of a k8s-platform cost page.
fn k8s_recompute_commands(doc: &str) -> Vec<Vec<String>> {
    doc.lines()
        .filter(|l| l.starts_with("scaffold cost k8s-platform "))
        .map(|l| {
            l.split_whitespace()
                .skip(1)
                .map(|w| w.trim_matches('\'').to_string())
                .collect()
        })
        .collect()
}

#[test]
fn k8s_cost_page_prices_the_answers_add_ons_version_and_architecture() {
    let dir = tempfile::tempdir().unwrap();
    let mut answers = k8s_answers();
    answers.extend([
        ("gitops", "flux".to_string()),
        ("secrets", "sealed-secrets".to_string()),
        ("ingress", "ingress-nginx".to_string()),
        ("monitoring", "none".to_string()),
    ]);
    render("k8s-platform", &answers, dir.path());
    let doc = std::fs::read_to_string(dir.path().join("docs/cost.md")).unwrap();
    // CoreDNS 200m / 140, metrics-server 100m / 200, ingress-nginx 100m / 90, Flux 350m / 256, Sealed Secrets
    // 50m / 64: 800m and 750 MiB in 2 + 1 + 1 + 4 + 1 = 9 pods; no DaemonSet.
    assert!(
        doc.contains("9 pods requesting **800m CPU and 750 MiB** in all."),
        "{doc}"
    );
    for name in ["`ingress-nginx`", "`flux`", "`sealed-secrets`"] {
        assert!(doc.contains(name), "{name}");
    }
    for absent in ["`argo-cd`", "`kube-prometheus-stack`", "`envoy-gateway`"] {
        assert!(!doc.contains(absent), "{absent}");
    }
    // Kubernetes 1.36 on 2026-12-01 is in standard support: 0.10 x 730 = 73; extended would be 0.60 x 730.
    assert!(doc.contains("is in **standard support**"), "{doc}");
    assert!(doc.contains("**$0.10 per cluster-hour, $73.00 a month**"));
    assert!(doc.contains("costs $438.00 a month in extended support"));
    assert!(doc.contains("image (linux/amd64, linux/arm64)"), "{doc}");
    // The page's own recompute commands give its totals.
    let commands = k8s_recompute_commands(&doc);
    assert_eq!(commands.len(), 2, "{doc}");
    for (command, total) in commands.iter().zip(["min", "max"]) {
        let out = Command::new(env!("CARGO_BIN_EXE_scaffold"))
            .args(command)
            .arg("--json")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let usd = v["estimate"]["total_usd"].as_f64().unwrap();
        let shown = format!("${:.2}", usd);
        let row = doc
            .lines()
            .find(|l| l.starts_with("| **total** |"))
            .unwrap();
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let cell = if total == "min" { cells[2] } else { cells[3] };
        assert_eq!(cell, format!("**{shown}**"), "{command:?}");
    }
}
