//! The generated-project harness: for every kind and every preset in `templates/<kind>/presets/`, generate the
//! project with the real binary into a temp folder and run the project's own `make check` with the validators
//! that `scripts/install-tools` put in `target/tools`. A missing validator, any failing check or a skipped or xfailed
//! test in the output fails the run.
//!
//! Run it with `cargo test --features generated-checks --test generated` (scripts/test does).

use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tools_dir() -> PathBuf {
    std::env::var_os("SCAFFOLD_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/tools"))
}

/// The last `n` lines of a command's output, to show why a check failed without flooding the log.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// A description that breaks naive quoting: quotes, a comment sign, `: `, template braces, YAML indicators and
/// characters strict YAML readers refuse unless escaped (a byte-order mark, noncharacters), with non-ASCII text.
/// It passes the one-line rule, so it is an answer a user can give.
const HOSTILE_DESCRIPTION: &str = "He said \"ship it\": it's #1 — {{x}} ${{ y }} & *alias, [a, b] ünï 日本語 \\ %TAG \u{feff}\u{fffe}\u{ffff} ✓";

/// Generates `preset` into a temp folder, with `extra` arguments, and returns the folder.
fn generate(preset: &Path, extra: &[&str]) -> Result<(tempfile::TempDir, PathBuf), Failed> {
    generate_into("project", preset, extra)
}

/// Generates `preset` into `folder` (a relative path) inside a new temp folder.
fn generate_into(
    folder: &str,
    preset: &Path,
    extra: &[&str],
) -> Result<(tempfile::TempDir, PathBuf), Failed> {
    let tmp = tempfile::Builder::new()
        .prefix("scaffold-harness-")
        .tempdir()?;
    let project = tmp.path().join(folder);
    let out = Command::new(env!("CARGO_BIN_EXE_scaffold"))
        .args(["new", "--no-input", "--answers"])
        .arg(preset)
        .arg("-o")
        .arg(&project)
        .args(extra)
        .env("NO_COLOR", "1")
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "scaffold new failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok((tmp, project))
}

/// Every YAML file of the preset, generated with [`HOSTILE_DESCRIPTION`], passes `yamllint -s` with the
/// project's own configuration: the quoting helpers hold where PyYAML-based readers look.
fn yamllint_hostile(kind: &str, preset: &Path) -> Result<(), Failed> {
    let yamllint = tools_dir().join(format!("py-{kind}/bin/yamllint"));
    if !yamllint.exists() {
        return Err(format!(
            "{} is missing: run scripts/install-tools (yamllint is in templates/{kind}/check-requirements.txt)",
            yamllint.display()
        )
        .into());
    }
    for description in [HOSTILE_DESCRIPTION.to_string(), longest_description(kind)?] {
        let (_tmp, project) = generate(preset, &["--set", &format!("description={description}")])?;
        let out = Command::new(&yamllint)
            .args(["-s", "-f", "parsable", "."])
            .current_dir(&project)
            .output()?;
        if !out.status.success() {
            return Err(format!(
                "yamllint -s failed ({}) with the description {description:?}:\n{}{}",
                out.status,
                tail(&String::from_utf8_lossy(&out.stdout), 40),
                tail(&String::from_utf8_lossy(&out.stderr), 20)
            )
            .into());
        }
    }
    Ok(())
}

/// Plain words as long as the kind's description question allows (its `max_len`): the longest line a user can
/// put where the description lands must still fit the project's line-length rule.
fn longest_description(kind: &str) -> Result<String, Failed> {
    let text = std::fs::read_to_string(repo().join(format!("templates/{kind}/template.toml")))?;
    let manifest: toml::Table = toml::from_str(&text).map_err(|e| e.to_string())?;
    let max = manifest["questions"]
        .as_array()
        .and_then(|qs| qs.iter().find(|q| q["key"].as_str() == Some("description")))
        .and_then(|q| q.get("max_len"))
        .and_then(|m| m.as_integer())
        .ok_or_else(|| format!("templates/{kind}: the description question has no max_len"))?;
    Ok("word "
        .repeat(max as usize)
        .chars()
        .take(max as usize - 1)
        .collect::<String>()
        + "x")
}

/// Commands a kind's generated project offers to grow itself, run in order before `make check` on every preset:
/// the result must pass as it comes, with no hand edits.
const GROWTH: &[(&str, &[&[&str]])] = &[(
    "k8s-platform",
    &[
        &["new-team", "TEAM=data"],
        &["new-service", "SERVICE=billing", "TEAM=data"],
    ],
)];

fn check(kind: &str, preset: &Path) -> Result<(), Failed> {
    let (tmp, project) = generate(preset, &[])?;
    for &(_, steps) in GROWTH.iter().filter(|g| g.0 == kind) {
        for step in steps {
            let out = Command::new("make")
                .args(*step)
                .current_dir(&project)
                .env("NO_COLOR", "1")
                .output()?;
            if !out.status.success() {
                return Err(format!(
                    "`make {}` failed ({}):\n{}{}",
                    step.join(" "),
                    out.status,
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                )
                .into());
            }
        }
    }
    make_check(kind, &tmp, &project)?;
    if OFFLINE_GAMEDAY.contains(&kind) {
        make_gameday(&tmp, &project)?;
    }
    Ok(())
}

/// Kinds whose `make gameday` runs offline (the others need a cluster): after `make check`, every preset runs
/// the project's own `make setup` and then `make gameday`.
const OFFLINE_GAMEDAY: &[&str] = &["serverless-webhook"];

/// Seconds since the Unix epoch, now.
fn unix_now() -> Result<f64, Failed> {
    Ok(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs_f64())
}

/// Today's UTC date (YYYY-MM-DD), from `date`.
fn utc_today() -> Result<String, Failed> {
    let out = Command::new("date").args(["-u", "+%Y-%m-%d"]).output()?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The timeline times (`| HH:MM:SS.mmm | +s | ... |` rows) of a report, as seconds of the day.
fn timeline_seconds(report: &str) -> Vec<f64> {
    report
        .lines()
        .filter_map(|line| {
            let cell = line.strip_prefix("| ")?.split(" |").next()?;
            let mut parts = cell.split(':');
            let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
            if h.len() != 2 || m.len() != 2 || s.len() != 6 {
                return None;
            }
            Some(
                h.parse::<f64>().ok()? * 3600.0
                    + m.parse::<f64>().ok()? * 60.0
                    + s.parse::<f64>().ok()?,
            )
        })
        .collect()
}

/// Where every project's `make setup` keeps what it downloads: pip's and uv's caches, shared by the presets (and
/// by later runs), so each preset installs its own venvs without downloading them again.
fn setup_cache() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("harness-setup-cache")
}

/// Runs `make <target>` in `project` as a user would, with no validator of `target/tools` on PATH: what it runs
/// comes from the project's own venvs. HOME and TMPDIR are the project's temp root; pip and uv share one cache.
fn make_as_user(target: &str, tmp: &tempfile::TempDir, project: &Path) -> Result<(), Failed> {
    let cache = setup_cache();
    let out = Command::new("make")
        .arg(target)
        .current_dir(project)
        .env("HOME", tmp.path())
        .env("TMPDIR", tmp.path())
        .env("PIP_CACHE_DIR", cache.join("pip"))
        .env("UV_CACHE_DIR", cache.join("uv"))
        .env("NO_COLOR", "1")
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "`make {target}` failed ({}):\n{}\n{}",
            out.status,
            tail(&String::from_utf8_lossy(&out.stdout), 40),
            tail(&String::from_utf8_lossy(&out.stderr), 40)
        )
        .into());
    }
    Ok(())
}

/// Runs the project's own `make setup`, then `make gameday` with the venv it made, and checks that the game day
/// wrote reports of this very run: named and headed with the run's date, every timeline time inside the run's
/// window.
fn make_gameday(tmp: &tempfile::TempDir, project: &Path) -> Result<(), Failed> {
    make_as_user("setup", tmp, project)?;
    if !project.join(".venv/bin/python").is_file() {
        return Err("`make setup` passed but made no .venv".into());
    }
    let date = utc_today()?;
    let start = unix_now()?;
    make_as_user("gameday", tmp, project)?;
    let end = unix_now()?;
    let folder = project.join("docs/incidents");
    let mut reports: Vec<PathBuf> = std::fs::read_dir(&folder)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    reports.retain(|p| p.file_name().is_some_and(|n| n != "README.md"));
    if reports.is_empty() {
        return Err(format!("`make gameday` wrote no report into {}", folder.display()).into());
    }
    // A window that crosses midnight wraps: a time of day is in it when it is after the start or before the end.
    let (from, to) = ((start % 86_400.0) - 1.0, (end % 86_400.0) + 1.0);
    for report in reports {
        let text = std::fs::read_to_string(&report)?;
        let name = report.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with(&date) || !text.starts_with(&format!("# {date}: ")) {
            return Err(format!("{name} does not carry the run's date {date}").into());
        }
        let times = timeline_seconds(&text);
        if times.is_empty() {
            return Err(format!("{name} has no timeline").into());
        }
        let inside = |t: f64| {
            if from <= to {
                from <= t && t <= to
            } else {
                t >= from || t <= to
            }
        };
        if let Some(t) = times.into_iter().find(|&t| !inside(t)) {
            return Err(format!(
                "{name}: timeline time {t:.3} s of the day is outside the run ({from:.3}..{to:.3})"
            )
            .into());
        }
    }
    Ok(())
}

/// The longest name the CLI accepts.
const LONGEST_NAME: usize = 40;

/// The preset with the longest name the CLI accepts, generated into a path with a space: names land in
/// comments and paths, and the project's folder in every command the Makefile builds.
fn check_long_name_spaced_path(kind: &str, preset: &Path) -> Result<(), Failed> {
    let name = |len: usize| {
        "long-name-"
            .chars()
            .chain(std::iter::repeat('x'))
            .take(len)
            .collect::<String>()
    };
    let too_long = format!("name={}", name(LONGEST_NAME + 1));
    if generate(preset, &["--set", &too_long]).is_ok() {
        return Err(format!(
            "the CLI accepted a {}-character name: raise LONGEST_NAME",
            LONGEST_NAME + 1
        )
        .into());
    }
    let longest = format!("name={}", name(LONGEST_NAME));
    let (tmp, project) = generate_into("my projects/project", preset, &["--set", &longest])?;
    make_check(kind, &tmp, &project)
}

/// Answer sets beyond the presets, each on a kind's default preset: `(kind, case, --set answers)`. A volume whose
/// peak goes past AWS's default quotas still gets a project, whose README asks for the increases.
const EXTRA_CASES: &[(&str, &str, &[&str])] = &[
    (
        "serverless-webhook",
        "billion-events-200kb",
        &["events_per_month=1000000000", "payload_kb=200"],
    ),
    (
        "serverless-webhook",
        "past-the-quotas",
        &["events_per_month=3000000000", "payload_kb=200"],
    ),
];

/// The preset with `sets` laid over it, through its whole `make check`.
fn check_with(kind: &str, preset: &Path, sets: &[&str]) -> Result<(), Failed> {
    let args: Vec<&str> = sets.iter().flat_map(|s| ["--set", *s]).collect();
    let (tmp, project) = generate(preset, &args)?;
    make_check(kind, &tmp, &project)
}

/// Runs the project's `make check` with the validators of `target/tools`, then fails on tests that did not run.
fn make_check(kind: &str, tmp: &tempfile::TempDir, project: &Path) -> Result<(), Failed> {
    let tools = tools_dir();
    let venv = tools.join(format!("py-{kind}/bin"));
    for needed in [
        tools.join("bin/helm"),
        tools.join("bin/checkov"),
        venv.join("python"),
    ] {
        if !needed.exists() {
            return Err(format!(
                "{} is missing: run scripts/install-tools (it installs every validator into {})",
                needed.display(),
                tools.display()
            )
            .into());
        }
    }
    let path = format!(
        "{}:{}:{}",
        venv.display(),
        tools.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("make")
        .arg("check")
        .current_dir(project)
        .env("PATH", path)
        .env("HOME", tmp.path())
        // Each project gets its own temp root, so projects checked side by side share no pytest folders.
        .env("TMPDIR", tmp.path())
        .env("NO_COLOR", "1")
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "`make check` failed ({}) in the generated project:\n--- stdout (last lines)\n{}\n--- stderr (last lines)\n{}",
            out.status,
            tail(&String::from_utf8_lossy(&out.stdout), 80),
            tail(&String::from_utf8_lossy(&out.stderr), 40)
        )
        .into());
    }
    if let Some(summary) = not_run(&String::from_utf8_lossy(&out.stdout)) {
        return Err(format!("`make check` passed, but tests did not run: {summary}").into());
    }
    Ok(())
}

/// The pytest summary line of `output` if it counts a skipped or xfailed test: a test that did not run proves
/// nothing, so a green `make check` with one is not a pass.
fn not_run(output: &str) -> Option<String> {
    output.lines().find_map(|line| {
        let summary = line.trim_matches(|c| c == '=' || c == ' ');
        let counts = summary.contains(" passed") || summary.contains(" failed");
        let skipped = summary.contains(" skipped") || summary.contains(" xfailed");
        (counts && skipped && summary.contains(" in ")).then(|| summary.to_string())
    })
}

fn not_run_self_test() -> Result<(), Failed> {
    let cases = [
        ("====== 40 passed, 1 skipped in 3.10s ======", true),
        ("12 passed, 2 xfailed in 0.50s", true),
        ("====== 40 passed in 3.10s ======", false),
        ("ruff: 3 files skipped", false),
        (
            "Passed checks: 10, Failed checks: 0, Skipped checks: 3",
            false,
        ),
    ];
    for (line, expected) in cases {
        if not_run(&format!("make: lint\n{line}\n")).is_some() != expected {
            return Err(format!("not_run misjudged {line:?}").into());
        }
    }
    Ok(())
}

fn report_times_self_test() -> Result<(), Failed> {
    let report =
        "| time | +s | what |\n| --- | --- | --- |\n| 08:00:01.250 | +0.00 | fault |\n| a | b |\n";
    if timeline_seconds(report) != vec![28_801.25] {
        return Err(format!("timeline_seconds read {:?}", timeline_seconds(report)).into());
    }
    Ok(())
}

fn main() {
    let mut args = Arguments::from_args();
    if args.test_threads.is_none() {
        // Each check runs several linters at once; two projects at a time keeps a 2-core machine busy.
        args.test_threads = Some(2);
    }
    let mut trials = vec![
        Trial::test("harness/skipped-tests-fail", not_run_self_test),
        Trial::test("harness/report-times", report_times_self_test),
    ];
    let mut kinds: Vec<PathBuf> = std::fs::read_dir(repo().join("templates"))
        .expect("templates folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("template.toml").is_file())
        .collect();
    kinds.sort();
    for kind_dir in kinds {
        let kind = kind_dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut presets: Vec<PathBuf> = std::fs::read_dir(kind_dir.join("presets"))
            .map(|rd| rd.map(|e| e.expect("entry").path()).collect())
            .unwrap_or_default();
        presets.retain(|p| p.extension().is_some_and(|e| e == "toml"));
        presets.sort();
        assert!(
            !presets.is_empty(),
            "templates/{kind}/presets holds no preset"
        );
        for preset in presets {
            let name = format!("{kind}/{}", preset.file_stem().unwrap().to_string_lossy());
            let (k, p) = (kind.clone(), preset.clone());
            trials.push(Trial::test(format!("{name}/yamllint-hostile"), move || {
                yamllint_hostile(&k, &p)
            }));
            if preset.file_stem().is_some_and(|s| s == "default") {
                let (k, p) = (kind.clone(), preset.clone());
                trials.push(Trial::test(
                    format!("{name}/longest-name-spaced-path"),
                    move || check_long_name_spaced_path(&k, &p),
                ));
                for &(_, case, sets) in EXTRA_CASES.iter().filter(|c| c.0 == kind) {
                    let (k, p) = (kind.clone(), preset.clone());
                    trials.push(Trial::test(format!("{kind}/{case}"), move || {
                        check_with(&k, &p, sets)
                    }));
                }
            }
            let kind = kind.clone();
            trials.push(Trial::test(name, move || check(&kind, &preset)));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
