//! `scaffold list`: the kinds, what they generate and their questions.

use super::failure::Outcome;

use super::args::ListArgs;
use super::report;

pub fn run(args: ListArgs) -> Outcome {
    let catalog = super::catalog(&args.templates)?;
    let text = if args.json {
        report::list_json(&catalog)
    } else {
        report::list_text(&catalog)
    };
    report::emit(&text);
    Ok(())
}
