//! The `scaffold` binary: parse the command line, run, map the result to an exit code.

mod app;
mod cli;
mod cost_cli;
mod report;
mod wizard;

fn main() -> std::process::ExitCode {
    let code = app::run();
    std::process::ExitCode::from(u8::try_from(code).unwrap_or(1))
}
