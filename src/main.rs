//! The `scaffold` binary: parse the command line, run, map the result to an exit code. Everything the binary
//! does lives in `cli/`; the library (`scaffold::`) never prints.

mod cli;

fn main() -> std::process::ExitCode {
    let code = cli::run();
    std::process::ExitCode::from(u8::try_from(code).unwrap_or(1))
}
