//! The one integration-test binary: the command line end to end (every flag and error, the wizard in a pty,
//! the cost and advise commands), the built-in kinds rendered through the library (quoting, determinism, the
//! cost pages' own tests) and whole-tree snapshots. Snapshots live in `snapshots/` beside this file.

mod answer_types;
mod architecture;
mod contributing;
mod cost_batches;
mod cost_cli;
mod cost_declarations;
mod cost_declared;
mod cost_properties;
mod cost_regions;
mod cost_templates;
mod errors;
mod install;
mod new;
mod preset;
mod quotas;
mod readme;
mod record;
mod render;
mod signals;
mod support;
mod trees;
mod untrusted;
mod update;
mod update_confined;
mod update_git;
mod update_history;
mod update_refusals;
mod validation;
mod validators;
mod wizard;
mod wizard_keys;
mod workflows;
mod writing;
