//! Command-line tests: every flag and every error, run against the real binary in temp folders.

mod errors;
mod new;
mod support;
mod wizard;
