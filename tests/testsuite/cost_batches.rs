//! The processor's batches follow the arrival rate and the event source's window, and Lambda's own log lines are
//! priced: `scaffold cost serverless-webhook` end to end, each figure worked by hand in the comments.

use assert_cmd::Command;

fn json_of(args: &[&str]) -> serde_json::Value {
    let out = Command::cargo_bin("scaffold")
        .expect("binary builds")
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn usage(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["cost", "serverless-webhook", "--json"];
    all.extend_from_slice(args);
    json_of(&all)["estimate"]["usage"].clone()
}

fn close(actual: &serde_json::Value, expected: f64, within: f64) -> bool {
    (actual.as_f64().unwrap() - expected).abs() <= within
}

#[test]
fn at_a_million_events_the_one_second_window_gathers_about_one_and_a_third() {
    // The kind's event source: BatchSize 10, MaximumBatchingWindowInSeconds 1 (template.toml's settings, which
    // template.yaml renders). 1,000,000 events / (730 h x 3,600 s = 2,628,000 s) = 0.3805 a second. The first
    // message opens a batch; 0.3805 more arrive in the next second: 1.3805 a batch, not 10.
    let u = usage(&["--events-per-month", "1M"]);
    assert!(close(&u["batch"], 1.3805, 1e-4), "{u}");
    // Processor invocations 1,000,000 / 1.3805 = 724,366 (100,000 with full batches).
    assert!(close(&u["processor_invocations"], 724_366.0, 1.0), "{u}");
    // SQS: 1 send per event + 1 receive and 1 delete per batch = 1,000,000 + 2 x 724,366 = 2,448,732.
    assert!(close(&u["sqs_requests"], 2_448_732.0, 2.0), "{u}");
    // X-Ray: both functions traced, each under one invocation a second, so every one is a trace:
    // 1,000,000 + 724,366 = 1,724,366.
    assert!(close(&u["traces"], 1_724_366.0, 1.0), "{u}");
}

#[test]
fn at_a_billion_events_batches_are_full() {
    // 1,000,000,000 / 2,628,000 = 380.5 a second: 1 + 380.5 x 1 s is far past 10, so batches of 10 and
    // 100,000,000 processor invocations; SQS 1B + 2 x 100M = 1.2B requests.
    let u = usage(&["--events-per-month", "1B"]);
    assert!(close(&u["batch"], 10.0, 0.0), "{u}");
    assert!(close(&u["processor_invocations"], 1e8, 0.5), "{u}");
    assert!(close(&u["sqs_requests"], 1.2e9, 1.0), "{u}");
}

#[test]
fn a_fifo_queue_has_no_window_so_a_batch_is_what_arrived_during_the_last() {
    // FIFO event sources take no window; a poll finds what arrived while the previous batch ran (the processor's
    // 250 ms): 1 + 0.3805 x 0.25 = 1.0951 a batch at 1M, 1,000,000 / 1.0951 = 913,134 invocations. The kind's 1 s
    // window does not apply.
    let u = usage(&["--events-per-month", "1M", "--queue", "fifo"]);
    assert!(close(&u["batch"], 1.0951, 1e-4), "{u}");
    assert!(close(&u["processor_invocations"], 913_134.0, 1.0), "{u}");
    // A longer window gathers more on a standard queue: 10 s at 1M is 1 + 3.805 = 4.805 a batch.
    let u = usage(&["--events-per-month", "1M", "--batch-window-s", "10"]);
    assert!(close(&u["batch"], 4.8052, 1e-4), "{u}");
}

#[test]
fn batches_above_ten_need_a_window_as_lambda_requires() {
    let out = Command::cargo_bin("scaffold")
        .unwrap()
        .args([
            "cost",
            "serverless-webhook",
            "--batch-size",
            "100",
            "--batch-window-s",
            "0",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--batch-size") && err.contains("batching window"),
        "{err}"
    );
    // FIFO sources take at most 10, window or not.
    let out = Command::cargo_bin("scaffold")
        .unwrap()
        .args([
            "cost",
            "serverless-webhook",
            "--queue",
            "fifo",
            "--batch-size",
            "20",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn lambda_start_end_and_report_lines_are_in_the_logs() {
    // 1M events of the kind's stack: its own lines 1 KB per event (1,000,000 KB) and Lambda's START, END and
    // REPORT lines, 0.35 KB for each of the 1,000,000 + 724,366 invocations (603,528 KB): 1.6035 GB, $0.8018 at
    // $0.50 a GB (1 GB and $0.50 without them).
    let v = json_of(&[
        "cost",
        "serverless-webhook",
        "--json",
        "--events-per-month",
        "1M",
    ]);
    let u = &v["estimate"]["usage"];
    assert!(close(&u["log_gb"], 1.6035, 1e-4), "{u}");
    assert!(close(&u["platform_log_gb"], 0.6035, 1e-4), "{u}");
    let logs = v["estimate"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "logs")
        .unwrap();
    assert!(close(&logs["usd"], 0.8018, 1e-4), "{logs}");
    assert!(
        logs["formula"]
            .as_str()
            .unwrap()
            .contains("START, END and REPORT"),
        "{logs}"
    );
}
