use std::process::ExitCode;

fn main() -> ExitCode {
    slac::cli::run()
}
