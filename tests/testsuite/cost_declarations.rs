//! Each model input is declared once, in the cost engine (name, type, flag, help): the command's flags come from
//! that declaration, and docs/templates.md's table of a model's inputs must name every input with its flag.

use scaffold::cost::InputSpec;
use scaffold::cost::serverless::INPUTS as SERVERLESS;
use scaffold::cost::units::built_in;

/// The rows of the inputs table under `### \`MODEL\`` in docs/templates.md: (inputs, flags) in backticks.
fn doc_rows(model: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/templates.md")).unwrap();
    let heading = format!("### `{model}`\n");
    let section = doc.split(&heading).nth(1).expect("a section per model");
    let table = section
        .split("| input | default | flag of `scaffold cost KIND` |")
        .nth(1)
        .expect("an inputs table");
    let ticked = |cell: &str| -> Vec<String> {
        cell.split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, t)| t.to_string())
            .collect()
    };
    table
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").collect();
            (ticked(cells[0]), ticked(cells[cells.len() - 1]))
        })
        .collect()
}

fn flag_of(inputs: &[InputSpec], name: &str) -> Option<String> {
    inputs
        .iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("the docs name `{name}`, which is no input"))
        .flag()
        .map(|f| format!("--{f}"))
}

#[test]
fn the_docs_table_names_every_input_with_its_declared_flag() {
    for model in built_in() {
        let rows = doc_rows(model.name());
        let mut named = Vec::new();
        for (inputs, flags) in &rows {
            let declared: Vec<Option<String>> =
                inputs.iter().map(|n| flag_of(model.inputs(), n)).collect();
            let expected: Vec<String> = declared.iter().flatten().cloned().collect();
            assert_eq!(
                flags,
                &expected,
                "{}: the row of {inputs:?} gives {flags:?}",
                model.name()
            );
            named.extend(inputs.iter().cloned());
        }
        for input in model.inputs() {
            assert!(
                named.iter().any(|n| *n == input.name),
                "{}: docs/templates.md leaves out `{}`",
                model.name(),
                input.name
            );
        }
    }
}

#[test]
fn every_flag_of_a_cost_command_is_the_one_declared() {
    // `scaffold cost serverless-webhook --help` lists the declared flags, each with its declared help.
    let out = assert_cmd::Command::cargo_bin("scaffold")
        .unwrap()
        .args(["cost", "serverless-webhook", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for input in &SERVERLESS {
        let flag = input.flag().expect("every serverless input has a flag");
        assert!(help.contains(&format!("--{flag} ")), "--{flag}: {help}");
        let first_words: String = input
            .help
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(help.contains(&first_words), "{first_words}");
    }
}

#[test]
fn each_declared_range_is_what_the_command_refuses() {
    // One past the top of each declared range is refused by the flag that sets it, quoting the range: the range
    // is written once, in the declaration, and nowhere else.
    for input in &SERVERLESS {
        let (Some(range), Some(flag)) = (input.range, input.flag()) else {
            continue;
        };
        let above = range.max + 1.0;
        let out = assert_cmd::Command::cargo_bin("scaffold")
            .unwrap()
            .args([
                "cost",
                "serverless-webhook",
                &format!("--{flag}"),
                &above.to_string(),
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "--{flag} {above}: {err}");
        let plain = |x: f64| scaffold::cost::format::plain(x);
        assert!(
            err.contains(&format!("invalid --{flag}"))
                && err.contains(&format!(
                    "between {} and {}",
                    plain(range.min),
                    plain(range.max)
                )),
            "--{flag} {above}: {err}"
        );
    }
}
