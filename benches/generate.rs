//! Whole-process cost of generating a project, against copying the same tree with `cp -r`.
//!
//! For every kind under `templates/` (a folder holding a `template.toml`), this runs
//! `scaffold new --kind KIND --no-input -o DIR demo` and `cp -r REF DIR` in turns, where REF is one
//! project generated beforehand, and reports the median and p90 wall time of each, their ratio, and the
//! size of the tree. The target is a median within 2x of `cp -r`; the report says whether each kind meets
//! it and never fails because of it.
//!
//! Run with `cargo bench --bench generate`. Options after `--`: `--runs N` (default 30), `--warmup N`
//! (default 3), and kind names to measure only those.

use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const TARGET_RATIO: f64 = 2.0;
const PROJECT_NAME: &str = "demo";

struct Options {
    runs: usize,
    warmup: usize,
    kinds: Vec<String>,
}

/// Wall times in milliseconds.
struct Stats {
    min: f64,
    median: f64,
    p90: f64,
}

struct KindReport {
    kind: String,
    files: u64,
    bytes: u64,
    scaffold: Stats,
    copy: Stats,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("generate bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let options = parse_options(std::env::args().skip(1))?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let binary = Path::new(env!("CARGO_BIN_EXE_scaffold"));
    let mut kinds = find_kinds(&root.join("templates"))?;
    if !options.kinds.is_empty() {
        for wanted in &options.kinds {
            if !kinds.contains(wanted) {
                return Err(format!(
                    "no kind named {wanted} under templates/ (found: {kinds:?})"
                ));
            }
        }
        kinds.retain(|kind| options.kinds.contains(kind));
    }
    if kinds.is_empty() {
        return Err("no kind found under templates/ (a folder holding template.toml)".into());
    }

    let load_before = load_average();
    let scratch = std::env::temp_dir().join(format!("scaffold-bench-{}", std::process::id()));
    recreate_dir(&scratch)?;
    let result = measure_all(binary, &kinds, &options, &scratch);
    let _ = fs::remove_dir_all(&scratch);
    let reports = result?;

    println!();
    println!(
        "scaffold new vs cp -r, {} runs after {} warm-ups, wall time in ms (target: median within {TARGET_RATIO}x of cp -r)",
        options.runs, options.warmup
    );
    if let (Some(before), Some(after)) = (load_before, load_average()) {
        println!("load average (1, 5, 15 min) before: {before}; after: {after}");
    }
    for report in &reports {
        print_report(report);
    }
    Ok(())
}

fn parse_options(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        runs: 30,
        warmup: 3,
        kinds: Vec::new(),
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" | "--warmup" => {
                let value = args.next().ok_or_else(|| format!("{arg} needs a number"))?;
                let number: usize = value
                    .parse()
                    .map_err(|_| format!("{arg} needs a number, got {value:?}"))?;
                if arg == "--runs" {
                    if number == 0 {
                        return Err("--runs must be at least 1".into());
                    }
                    options.runs = number;
                } else {
                    options.warmup = number;
                }
            }
            // cargo passes `--bench` to every bench target; other harness flags mean nothing here.
            flag if flag.starts_with('-') => {}
            kind => options.kinds.push(kind.to_string()),
        }
    }
    Ok(options)
}

fn find_kinds(templates: &Path) -> Result<Vec<String>, String> {
    let entries = fs::read_dir(templates)
        .map_err(|err| format!("cannot list {}: {err}", templates.display()))?;
    let mut kinds = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|err| format!("cannot list {}: {err}", templates.display()))?;
        if entry.path().join("template.toml").is_file() {
            kinds.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    kinds.sort();
    Ok(kinds)
}

fn measure_all(
    binary: &Path,
    kinds: &[String],
    options: &Options,
    scratch: &Path,
) -> Result<Vec<KindReport>, String> {
    let mut reports = Vec::new();
    for kind in kinds {
        let dir = scratch.join(kind);
        recreate_dir(&dir)?;
        let reference = dir.join("reference");
        generate(binary, kind, &reference)?;
        let (files, bytes) = tree_size(&reference)?;
        if files == 0 {
            return Err(format!("scaffold wrote no files for kind {kind}"));
        }

        let mut scaffold_times = Vec::with_capacity(options.runs);
        let mut copy_times = Vec::with_capacity(options.runs);
        eprint!("{kind}: ");
        for round in 0..options.warmup + options.runs {
            // Alternate the two commands so that drift in machine load touches both alike.
            let out = dir.join(format!("s{round}"));
            let scaffold = generate(binary, kind, &out)?;
            remove_dir(&out)?;
            let out = dir.join(format!("c{round}"));
            let copy = copy_tree(&reference, &out)?;
            remove_dir(&out)?;
            if round >= options.warmup {
                scaffold_times.push(scaffold);
                copy_times.push(copy);
            }
            if round % 10 == 9 {
                eprint!(".");
            }
        }
        eprintln!(" done");
        reports.push(KindReport {
            kind: kind.clone(),
            files,
            bytes,
            scaffold: stats(&mut scaffold_times),
            copy: stats(&mut copy_times),
        });
    }
    Ok(reports)
}

fn generate(binary: &Path, kind: &str, out: &Path) -> Result<Duration, String> {
    let mut command = Command::new(binary);
    command
        .args(["new", "--kind", kind, "--no-input", "--no-git", "-o"])
        .arg(out)
        .arg(PROJECT_NAME);
    timed(command, &format!("scaffold new --kind {kind}"))
}

fn copy_tree(from: &Path, to: &Path) -> Result<Duration, String> {
    let mut command = Command::new("cp");
    command.arg("-r").arg(from).arg(to);
    timed(command, "cp -r")
}

/// Runs a command to completion with its output discarded and returns its wall time.
/// Standard error is kept and shown only if the command fails.
fn timed(mut command: Command, what: &str) -> Result<Duration, String> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let output = command
        .output()
        .map_err(|err| format!("cannot start {what}: {err}"))?;
    let elapsed = start.elapsed();
    if !output.status.success() {
        return Err(format!(
            "{what} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(elapsed)
}

fn tree_size(dir: &Path) -> Result<(u64, u64), String> {
    let mut files = 0;
    let mut bytes = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = fs::read_dir(&current)
            .map_err(|err| format!("cannot list {}: {err}", current.display()))?;
        for entry in entries {
            let entry = entry.map_err(|err| format!("cannot list {}: {err}", current.display()))?;
            let meta = entry
                .metadata()
                .map_err(|err| format!("cannot stat {}: {err}", entry.path().display()))?;
            if meta.is_dir() {
                pending.push(entry.path());
            } else {
                files += 1;
                bytes += meta.len();
            }
        }
    }
    Ok((files, bytes))
}

/// Minimum, median and 90th percentile (nearest rank) of the samples, in milliseconds.
fn stats(samples: &mut [Duration]) -> Stats {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let n = samples.len();
    let median = if n % 2 == 1 {
        ms(samples[n / 2])
    } else {
        f64::midpoint(ms(samples[n / 2 - 1]), ms(samples[n / 2]))
    };
    let rank = (n * 9).div_ceil(10).max(1);
    Stats {
        min: ms(samples[0]),
        median,
        p90: ms(samples[rank - 1]),
    }
}

fn print_report(report: &KindReport) {
    let ratio = report.scaffold.median / report.copy.median;
    let verdict = if ratio <= TARGET_RATIO {
        "meets"
    } else {
        "misses"
    };
    println!();
    println!(
        "kind {}: {} files, {} bytes",
        report.kind, report.files, report.bytes
    );
    println!(
        "  {:<14} {:>10} {:>10} {:>10}",
        "command", "median", "p90", "min"
    );
    for (name, stats) in [("scaffold new", &report.scaffold), ("cp -r", &report.copy)] {
        println!(
            "  {:<14} {:>10.2} {:>10.2} {:>10.2}",
            name, stats.median, stats.p90, stats.min
        );
    }
    println!("  ratio scaffold/cp (medians): {ratio:.2}x, {verdict} the {TARGET_RATIO}x target");
    println!(
        "  ratio scaffold/cp (minimums): {:.2}x",
        report.scaffold.min / report.copy.min
    );
}

/// The machine's load average, when the system shows it, so a noisy run can be recognised as one.
fn load_average() -> Option<String> {
    let text = fs::read_to_string("/proc/loadavg").ok()?;
    Some(
        text.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn recreate_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        remove_dir(dir)?;
    }
    fs::create_dir_all(dir).map_err(|err| format!("cannot create {}: {err}", dir.display()))
}

fn remove_dir(dir: &Path) -> Result<(), String> {
    fs::remove_dir_all(dir).map_err(|err| format!("cannot remove {}: {err}", dir.display()))
}
