//! `cargo run --release -p flowroute-bench`: the `flowroute` SDK against raw
//! `reqwest` on a loopback server, with the targets of issue 7.
//!
//! The parent process only orchestrates. The server runs in a child process
//! (`--serve PORT`), and every measured run is a fresh client process
//! (`--client SCENARIO SIDE PORT SERVER_PID [SIZE]`), so that each client's
//! CPU time and peak memory are its own. Runs of the SDK and of raw reqwest
//! alternate, and each figure is the median of the runs.

mod measure;
mod raw;
mod report;
mod scenarios;
mod sending;
mod server;

use report::report;
use scenarios::{Sample, Scenario, Side};
use std::{
    io::{BufRead, BufReader},
    process::{Command, ExitCode, Stdio},
};

const DEFAULT_RUNS: usize = 5;
const USAGE: &str = "usage:
  flowroute-bench [--runs N] [--only SCENARIO]   measure and print the table (default 5 runs)
  flowroute-bench --serve PORT                    the loopback server alone (0: any port; prints it)
  flowroute-bench --client SCENARIO SIDE PORT SERVER_PID [SIZE]
                                                  one measured run, for profilers
  flowroute-bench --sending [--limits off|documented|sms=N,mms=M]
                                                  sending at the rate limits, against the simulator
SCENARIO: list-numbers | send | concurrent-send | mdr-stream;  SIDE: sdk | raw";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["--serve", port] => match port.parse() {
            Ok(port) => match server::serve(port) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&format!("server: {e}")),
            },
            Err(_) => fail(USAGE),
        },
        ["--sending", rest @ ..] => {
            let limits = match rest {
                [] => Ok(flowroute_sim::RateLimits::documented()),
                ["--limits", spec] => spec.parse().map_err(|e| format!("--limits: {e}")),
                _ => Err(USAGE.to_string()),
            };
            match limits.and_then(sending::run) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        ["--client", scenario, side, port, server_pid, size @ ..] => {
            let parsed = (
                Scenario::from_name(scenario),
                Side::from_name(side),
                port.parse(),
                server_pid.parse(),
                size.first().map(|s| s.parse::<u64>()).transpose(),
            );
            let (Some(scenario), Some(side), Ok(port), Ok(pid), Ok(size)) = parsed else {
                return fail(USAGE);
            };
            println!(
                "{}",
                scenarios::run(scenario, side, port, pid, size).to_line()
            );
            ExitCode::SUCCESS
        }
        options => match Options::parse(options) {
            Some(options) => match orchestrate(&options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            },
            None => fail(USAGE),
        },
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("{message}");
    ExitCode::FAILURE
}

struct Options {
    runs: usize,
    scenarios: Vec<Scenario>,
}

impl Options {
    fn parse(args: &[&str]) -> Option<Options> {
        let mut options = Options {
            runs: DEFAULT_RUNS,
            scenarios: Scenario::ALL.to_vec(),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match *arg {
                "--runs" => options.runs = args.next()?.parse().ok().filter(|&n| n > 0)?,
                "--only" => options.scenarios = vec![Scenario::from_name(args.next()?)?],
                _ => return None,
            }
        }
        Some(options)
    }
}

/// The server child; it exits when its standard input closes, so it cannot
/// outlive this process.
struct Server {
    child: std::process::Child,
    port: u16,
}

impl Server {
    fn start() -> Result<Server, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = Command::new(exe)
            .args(["--serve", "0"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the server: {e}"))?;
        let mut line = String::new();
        let stdout = child.stdout.take().ok_or("the server has no stdout")?;
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let port = line
            .trim()
            .parse()
            .map_err(|_| format!("the server did not print its port: {line:?}"))?;
        Ok(Server { child, port })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn orchestrate(options: &Options) -> Result<(), String> {
    let load_before = report::load_average();
    let server = Server::start()?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut results: Vec<(Scenario, Vec<Sample>, Vec<Sample>)> = options
        .scenarios
        .iter()
        .map(|&s| (s, Vec::new(), Vec::new()))
        .collect();
    for run in 0..options.runs {
        for (scenario, sdk, raw) in &mut results {
            // Alternating who goes first spreads any drift of the machine evenly.
            let order = if run % 2 == 0 {
                [Side::Sdk, Side::Raw]
            } else {
                [Side::Raw, Side::Sdk]
            };
            for side in order {
                eprint!(
                    "\rrun {}/{}: {:<16} {}   ",
                    run + 1,
                    options.runs,
                    scenario.name(),
                    side.name()
                );
                let sample = client_run(&exe, *scenario, side, &server)?;
                match side {
                    Side::Sdk => sdk.push(sample),
                    Side::Raw => raw.push(sample),
                }
            }
        }
    }
    eprintln!("\r{:60}\r", "");
    let load = (load_before, report::load_average());
    print!("{}", report(options.runs, load, &results));
    Ok(())
}

fn client_run(
    exe: &std::path::Path,
    scenario: Scenario,
    side: Side,
    server: &Server,
) -> Result<Sample, String> {
    let output = Command::new(exe)
        .args([
            "--client",
            scenario.name(),
            side.name(),
            &server.port.to_string(),
            &server.child.id().to_string(),
        ])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot start a client: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "the {} client of {} failed ({})",
            side.name(),
            scenario.name(),
            output.status
        ));
    }
    stdout.lines().find_map(Sample::from_line).ok_or_else(|| {
        format!(
            "no result from the {} client of {}",
            side.name(),
            scenario.name()
        )
    })
}
