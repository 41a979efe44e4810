//! The flags of `scaffold cost`: one per model input that declares one ([`InputSpec::flag`], with its help), with
//! the parser its input type needs and the default a kind's bindings give it. The binary adds the dashes.

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgMatches, value_parser};

use scaffold::Error;
use scaffold::cost::compare;
use scaffold::cost::{InputSpec, InputType, Values};

use crate::cli::failure::Failure;

/// The flag that sets a model input (`write_units_per_event` -> `--write-units`), if a cost command has one.
pub fn flag_for(input: &str) -> Option<String> {
    // The region is no model's input: it picks the price table.
    if input == "region" {
        return Some("--region".into());
    }
    let built_in = scaffold::cost::units::built_in();
    built_in
        .iter()
        .flat_map(|m| m.inputs().iter())
        .chain(compare::INPUTS.iter())
        .find(|i| i.name == input)
        .and_then(|i| i.flag())
        .map(|long| format!("--{long}"))
}

/// A refusal of the model that `inputs` belong to, naming the flag of the input it refuses as that model declares
/// it: a kind's declared model gives its inputs flags of its own (`messages_per_month` is `--messages`), which
/// [`flag_for`] does not know.
pub fn blame(inputs: &[InputSpec], e: Error) -> Failure {
    if let Error::InvalidInput { field, message } = &e
        && let Some(long) = inputs
            .iter()
            .find(|i| i.name == field.as_str())
            .and_then(|i| i.flag())
    {
        return Failure::InvalidFlag {
            flag: format!("--{long}"),
            message: message.clone(),
        };
    }
    Failure::Lib(e)
}

/// The inputs of `inputs` that a flag sets, with the flag's long name.
fn flagged(inputs: &[InputSpec]) -> impl Iterator<Item = (&InputSpec, &str)> {
    inputs.iter().filter_map(|i| i.flag().map(|long| (i, long)))
}

/// One argument per flag of `flags`, parsed as its input's type wants, defaulting to `defaults` (a flag whose
/// input has no default there is required).
pub fn args(inputs: &[InputSpec], defaults: &Values) -> Vec<Arg> {
    flagged(inputs)
        .map(|(input, long)| {
            let arg = Arg::new(input.name.to_string())
                .long(long.to_string())
                .help(input.help.to_string())
                .value_name(long.to_uppercase().replace('-', "_"));
            let arg = match input.kind {
                InputType::Number => arg
                    .value_parser(value_parser!(f64))
                    .allow_negative_numbers(true),
                InputType::Whole => arg
                    .value_parser(value_parser!(i64))
                    .allow_negative_numbers(true),
                InputType::Choice(words) => {
                    arg.value_parser(PossibleValuesParser::new(words.iter().copied()))
                }
                InputType::Events => arg.value_name("N").allow_hyphen_values(true),
                InputType::Cpu | InputType::Memory | InputType::Name => {
                    arg.allow_hyphen_values(true)
                }
            };
            match defaults.get(&input.name) {
                // The day priced is today unless given: a kind's day is for its pages only.
                Some(_) if input.name == "priced_on" => arg,
                Some(value) => arg.default_value(Values::text_of(value)),
                // An input the model derives when it is left out (write units from the measured item sizes).
                None if scaffold::cost::serverless::DERIVED_INPUTS
                    .contains(&input.name.as_ref()) =>
                {
                    arg
                }
                None => arg.required(true),
            }
        })
        .collect()
}

/// The values the flags of `inputs` hold, by input name.
pub fn read(matches: &ArgMatches, inputs: &[InputSpec]) -> Values {
    let mut values = Values::new();
    for (input, _) in flagged(inputs) {
        let name: &str = &input.name;
        match input.kind {
            InputType::Number => {
                if let Some(x) = matches.get_one::<f64>(name) {
                    values.set(name, *x);
                }
            }
            InputType::Whole => {
                if let Some(n) = matches.get_one::<i64>(name) {
                    values.set(name, *n);
                }
            }
            _ => {
                if let Some(text) = matches.get_one::<String>(name) {
                    values.set(name, text.as_str());
                }
            }
        }
    }
    values
}

/// The flags that reproduce `values` where they differ from `defaults`, after the first flag (always given).
pub fn command_line(inputs: &[InputSpec], values: &Values, defaults: &Values) -> String {
    let mut out = Vec::new();
    for (i, (input, long)) in flagged(inputs).enumerate() {
        let Some(value) = values.get(&input.name) else {
            continue;
        };
        if i == 0 || defaults.get(&input.name) != Some(value) {
            out.push(format!("--{long} {}", Values::text_of(value)));
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_inputs_of_a_command_share_a_flag() {
        let commands: Vec<Vec<InputSpec>> = vec![
            scaffold::cost::serverless::INPUTS.to_vec(),
            scaffold::cost::kubernetes::INPUTS.to_vec(),
            [
                &scaffold::cost::serverless::INPUTS[..],
                &compare::INPUTS[..],
            ]
            .concat(),
        ];
        for inputs in commands {
            let mut seen: Vec<&str> = flagged(&inputs).map(|(_, long)| long).collect();
            let all = seen.len();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), all, "{seen:?}");
            // Every flagged input says what it is.
            assert!(flagged(&inputs).all(|(i, _)| !i.help.is_empty()));
        }
    }

    #[test]
    fn irregular_flags_are_named_by_their_input() {
        assert_eq!(
            flag_for("write_units_per_event").as_deref(),
            Some("--write-units")
        );
        assert_eq!(flag_for("ingest_memory_mb").as_deref(), Some("--memory-mb"));
        assert_eq!(flag_for("lcu_per_hour").as_deref(), Some("--lcu"));
        assert_eq!(flag_for("team_requests_cpu"), None);
    }
}
