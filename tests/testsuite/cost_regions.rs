//! A region is priced only from a table of its own prices: `--region` without one is refused, naming the regions
//! that have one, and a generated project deploying elsewhere says whose prices its figures are.

use assert_cmd::Command;
use predicates::prelude::*;

use scaffold::answers::{Given, resolve};
use scaffold::{Catalog, Source, build_plan};

fn scaffold() -> Command {
    Command::cargo_bin("scaffold").expect("binary builds")
}

#[test]
fn a_region_without_prices_is_refused_naming_the_priced_ones() {
    for args in [
        &["cost", "serverless-webhook", "--region", "eu-west-1"][..],
        &["cost", "k8s-platform", "--region", "eu-west-1"],
        &[
            "cost",
            "compare",
            "--events-per-month",
            "1M",
            "--region",
            "eu-west-1",
        ],
    ] {
        scaffold()
            .args(args)
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(
                "invalid --region: scaffold has no prices for 'eu-west-1'; it has prices for us-east-1 only",
            ))
            .stderr(predicate::str::contains("--prices FILE"));
    }
    // The built-in table's own region is priced as before.
    scaffold()
        .args(["cost", "serverless-webhook", "--region", "us-east-1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("(us-east-1, HTTP API"));
}

#[test]
fn a_user_table_prices_its_own_region_and_no_other() {
    let dir = tempfile::tempdir().unwrap();
    let table = scaffold::cost::prices::EMBEDDED_TABLE;
    assert!(table.contains("region = \"us-east-1\""));
    let eu = dir.path().join("eu.toml");
    std::fs::write(
        &eu,
        table.replacen("region = \"us-east-1\"", "region = \"eu-west-1\"", 1),
    )
    .unwrap();
    let eu = eu.to_str().unwrap();
    scaffold()
        .args([
            "cost",
            "serverless-webhook",
            "--region",
            "eu-west-1",
            "--prices",
            eu,
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("(eu-west-1, HTTP API"));
    // The same table asked for another region is refused: its rates are eu-west-1's.
    scaffold()
        .args([
            "cost",
            "serverless-webhook",
            "--region",
            "us-west-2",
            "--prices",
            eu,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("prices eu-west-1, not us-west-2"));
}

#[test]
fn a_project_deployed_elsewhere_says_its_figures_are_another_regions() {
    let catalog = Catalog::load(&Source::Embedded).unwrap();
    let kind = catalog.get("serverless-webhook").unwrap();
    let page = |region: &str| {
        let given = Given {
            file: None,
            sets: vec![
                ("name".into(), "hooks".into()),
                ("aws_region".into(), region.into()),
            ],
        };
        let answers = resolve(kind, &given, None).unwrap();
        let plan = build_plan(kind, &answers, &Default::default()).unwrap();
        let file = plan
            .files
            .iter()
            .find(|f| f.path == "docs/cost-model.md")
            .unwrap();
        String::from_utf8(file.contents.to_vec()).unwrap()
    };
    let eu = page("eu-west-1")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        eu.contains("This project deploys to eu-west-1, and scaffold has no prices for eu-west-1: these figures are us-east-1's."),
        "{eu}"
    );
    assert!(
        eu.contains("scaffold cost serverless-webhook --region eu-west-1 --prices FILE"),
        "{eu}"
    );
    // No claim about how far another region's prices are from us-east-1's: nothing here measures it.
    assert!(!eu.contains("a few percent"));
    let home = page("us-east-1");
    assert!(!home.contains("no prices for"));
}
