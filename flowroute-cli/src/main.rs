//! `flowroute`: a command-line tool for Flowroute accounts, built on the
//! `flowroute` SDK. See the crate's README for the commands, the output
//! formats, the credentials file and the exit codes.

#![forbid(unsafe_code)]

mod cli;
mod commands;
mod context;
mod credentials;
mod dry_run;
mod exit;
mod operations;
mod output;
mod when;

use clap::Parser;
use std::process::ExitCode;

/// Sent with every request, so that Flowroute can tell the tool from the SDK.
pub const USER_AGENT: &str = concat!("flowroute-cli/", env!("CARGO_PKG_VERSION"));

fn main() -> ExitCode {
    // clap prints help and usage errors itself, with exit code 0 or 2.
    let cli = cli::Cli::parse();
    // One thread: commands wait on the network, and `--help` stays instant.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.code() == exit::Code::ReaderGone => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}
