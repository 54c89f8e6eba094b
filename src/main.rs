//! The `dossier` command: parse the arguments, run, exit with the status the run decided.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = dossier::cli::Cli::parse();
    ExitCode::from(dossier::cli::run(cli))
}
