//! `flowroute-sim`: the simulator as a standalone server.
//!
//! ```text
//! cargo run -p flowroute-sim -- --port 8080 [--host 127.0.0.1] [--seed N] [--log-capacity N]
//!     [--rate-limits off|documented|sms=N,mms=M] [--strict] [--access-key K --secret-key S]
//! ```

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use flowroute_sim::{
    DEFAULT_LOG_CAPACITY, DEFAULT_SEED, RateLimits, SIM_ACCESS_KEY, SIM_SECRET_KEY, Simulator,
};

const USAGE: &str = "usage: flowroute-sim [--port N] [--host ADDR] [--seed N] [--log-capacity N]
                     [--rate-limits off|documented|sms=N,mms=M] [--strict]
                     [--access-key KEY --secret-key SECRET]

  --port N          port to listen on (default 8080; 0 picks a free one)
  --host ADDR       address to bind (default 127.0.0.1)
  --seed N          seed of the number inventory and generated ids (default 1)
  --log-capacity N  entries kept by the request log and by the webhook log;
                    older ones fall off (default 4096)
  --rate-limits L   message sends accepted per second per access key before
                    a 429: `documented` (default: 5 SMS, 1 MMS), `off`, or
                    sms=N,mms=M (a figure left out stays documented)
  --strict          accept only the request shapes Flowroute documents where
                    its official clients send others (see the README's
                    Compatibility section)
  --access-key KEY  Basic-auth user name to accept (default sim-access-key)
  --secret-key KEY  Basic-auth password to accept (default sim-secret-key)
  --help            show this text";

#[derive(Debug)]
struct Args {
    host: IpAddr,
    port: u16,
    seed: u64,
    log_capacity: usize,
    rate_limits: RateLimits,
    strict: bool,
    access_key: String,
    secret_key: String,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut args = Args {
        host: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port: 8080,
        seed: DEFAULT_SEED,
        log_capacity: DEFAULT_LOG_CAPACITY,
        rate_limits: RateLimits::documented(),
        strict: false,
        access_key: SIM_ACCESS_KEY.into(),
        secret_key: SIM_SECRET_KEY.into(),
    };
    let (mut access, mut secret) = (None, None);
    while let Some(flag) = argv.next() {
        if flag == "--help" || flag == "-h" {
            return Ok(None);
        }
        if flag == "--strict" {
            args.strict = true;
            continue;
        }
        let mut value = || argv.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => {
                let v = value()?;
                args.port = v
                    .parse()
                    .map_err(|_| format!("--port: `{v}` is not a port number"))?;
            }
            "--host" => {
                let v = value()?;
                args.host = v
                    .parse()
                    .map_err(|_| format!("--host: `{v}` is not an IP address"))?;
            }
            "--seed" => {
                let v = value()?;
                args.seed = v
                    .parse()
                    .map_err(|_| format!("--seed: `{v}` is not an unsigned integer"))?;
            }
            "--log-capacity" => {
                let v = value()?;
                args.log_capacity = v
                    .parse()
                    .map_err(|_| format!("--log-capacity: `{v}` is not an unsigned integer"))?;
            }
            "--rate-limits" => {
                let v = value()?;
                args.rate_limits = v.parse().map_err(|e| format!("--rate-limits: {e}"))?;
            }
            "--access-key" => access = Some(value()?),
            "--secret-key" => secret = Some(value()?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    match (access, secret) {
        (Some(a), Some(s)) => {
            args.access_key = a;
            args.secret_key = s;
        }
        (None, None) => {}
        _ => return Err("--access-key and --secret-key go together".into()),
    }
    Ok(Some(args))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("flowroute-sim: {problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = Simulator::builder()
        .bind(SocketAddr::new(args.host, args.port))
        .seed(args.seed)
        .log_capacity(args.log_capacity)
        .rate_limits(args.rate_limits)
        .strict(args.strict)
        .credentials(args.access_key, args.secret_key)
        .start()
        .await;
    let sim = match started {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!(
                "flowroute-sim: cannot listen on {}:{}: {e}",
                args.host, args.port
            );
            return ExitCode::FAILURE;
        }
    };
    println!("flowroute-sim listening on {}", sim.base_url());
    println!("  access key: {}", sim.access_key());
    println!("  secret key: {}", sim.secret_key());
    println!("  rate limits: {} (per second)", sim.rate_limits());
    println!(
        "  mode: {}",
        if sim.is_strict() {
            "strict (documented request shapes only)"
        } else {
            "tolerant (also what Flowroute's official clients send)"
        }
    );
    println!(
        "  control plane: {}/__sim/ (reset, faults, rate-limits, strict, requests, inbound, webhooks)",
        sim.base_url()
    );
    println!("Press Ctrl-C to stop.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("flowroute-sim: cannot wait for Ctrl-C: {e}");
    }
    sim.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::parse;
    use flowroute_sim::RateLimits;

    fn args(line: &str) -> Result<Option<super::Args>, String> {
        parse(line.split_whitespace().map(str::to_string))
    }

    #[test]
    fn parses_flags() {
        let a = args(
            "--port 0 --host 0.0.0.0 --seed 9 --log-capacity 16 --access-key a --secret-key b",
        )
        .unwrap()
        .unwrap();
        assert_eq!((a.port, a.seed, a.access_key.as_str()), (0, 9, "a"));
        assert_eq!(a.log_capacity, 16);
        assert!(!a.strict);
        assert_eq!(args("").unwrap().unwrap().log_capacity, 4096);
        assert!(args("--port 0 --strict").unwrap().unwrap().strict);
        assert!(
            args("--log-capacity -1")
                .unwrap_err()
                .contains("not an unsigned")
        );
        assert!(args("--help").unwrap().is_none());
        assert!(args("--port").unwrap_err().contains("needs a value"));
        assert!(args("--port x").unwrap_err().contains("not a port"));
        assert!(args("--access-key a").unwrap_err().contains("together"));
        assert!(args("--bogus").unwrap_err().contains("unknown"));
    }

    #[test]
    fn parses_rate_limits() {
        let limits = |line: &str| args(line).map(|a| a.unwrap().rate_limits);
        assert_eq!(limits(""), Ok(RateLimits::documented()));
        assert_eq!(limits("--rate-limits off"), Ok(RateLimits::off()));
        assert_eq!(
            limits("--rate-limits sms=20,mms=4"),
            Ok(RateLimits::per_second(20, 4))
        );
        assert_eq!(
            limits("--rate-limits mms=2"),
            Ok(RateLimits::per_second(5, 2))
        );
        for (line, says) in [
            ("--rate-limits", "--rate-limits needs a value"),
            (
                "--rate-limits sms=0",
                "--rate-limits: sms=0: a figure must be at least 1",
            ),
            (
                "--rate-limits fast",
                "--rate-limits: `fast`: expected off, documented",
            ),
            (
                "--rate-limits sms=ten",
                "--rate-limits: sms: `ten` is not a whole number",
            ),
        ] {
            let err = limits(line).unwrap_err();
            assert!(err.starts_with(says), "{line}: {err}");
        }
    }
}
