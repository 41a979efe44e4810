//! A workload whose peak goes past AWS's default quotas still gets its project: `scaffold new` writes it, names
//! each quota on stderr, and the README asks for the increases; a workload within them gets neither.

use crate::support::Sandbox;

/// `scaffold new` for serverless-webhook at this volume with 200 KB payloads: (exit ok, stderr, README).
fn generate(sandbox: &Sandbox, events: &str, extra: &[&str]) -> (bool, String, String) {
    let events = format!("events_per_month={events}");
    let mut args = vec![
        "new",
        "--kind",
        "serverless-webhook",
        "--no-input",
        "--no-git",
        "--set",
        "name=hooks",
        "--set",
        &events,
        "--set",
        "payload_kb=200",
    ];
    args.extend_from_slice(extra);
    let out = sandbox.cmd(&args).output().unwrap();
    let readme =
        std::fs::read_to_string(sandbox.path().join("hooks/README.md")).unwrap_or_default();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        readme,
    )
}

const SECTION: &str = "### Quotas to raise before launch";

#[test]
fn a_billion_events_of_200_kb_fit_the_default_quotas() {
    // Peak 10 x 1B / 2,628,000 s = 3,805 requests a second, under the throttle's 10,000; 6 write units each =
    // 22,832 a second, under 40,000 a table; processor 2 x 3,805 / 10 x 0.25 s = 191 and ingest 115 concurrent.
    let sandbox = Sandbox::new();
    let (ok, stderr, readme) = generate(&sandbox, "1000000000", &[]);
    assert!(ok, "{stderr}");
    assert!(sandbox.path().join("hooks/template.yaml").is_file());
    assert!(!stderr.contains("warning:"), "{stderr}");
    assert!(
        readme.contains("At 1,000,000,000 events a month"),
        "{readme}"
    );
    assert!(!readme.contains(SECTION));
}

#[test]
fn three_billion_events_are_generated_with_each_quota_named() {
    // Peak 10 x 3B / 2,628,000 s = 11,415.5 requests a second, past the API throttle's 10,000; 6 write units
    // each = 68,494 a second, past 40,000 a table. Processor 571 + ingest 343 = 914 concurrent: within 1,000.
    let sandbox = Sandbox::new();
    let (ok, stderr, readme) = generate(&sandbox, "3000000000", &[]);
    assert!(ok, "{stderr}");
    assert!(sandbox.path().join("hooks/template.yaml").is_file());
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert!(warnings[0].contains("11,416 requests a second") && warnings[0].contains("10,000"));
    assert!(
        warnings[1].contains("68,494 write units")
            && warnings[1].contains("DynamoDB allows 40,000")
    );
    // The warnings come after the report of what was written, as its last lines.
    assert!(stderr.trim_end().ends_with(warnings[1]), "{stderr}");
    let section = readme
        .split(SECTION)
        .nth(1)
        .expect("the README names the quotas");
    assert!(section.contains("- **API request rate**: the peak needs 11,416 requests a second"));
    assert!(
        section.contains(
            "- **DynamoDB write throughput**: the tables take 68,494 write request units"
        )
    );
    assert!(
        !section
            .split("```sh")
            .next()
            .unwrap()
            .contains("**Lambda concurrency**")
    );

    // A dry run shows the same warnings and writes nothing.
    let dry = Sandbox::new();
    let (ok, stderr, readme) = generate(&dry, "3000000000", &["--dry-run"]);
    assert!(ok, "{stderr}");
    assert!(readme.is_empty() && !dry.path().join("hooks").exists());
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("warning:")).count(),
        2,
        "{stderr}"
    );
}
