//! The table: medians of the runs, the SDK/raw ratio, and the targets.

use crate::{
    measure::median,
    scenarios::{CONCURRENCY, Sample, Scenario},
    server::MDR_PAGE,
};
use std::fmt::Write as _;

/// Peak resident memory allowed to the SDK while streaming every record.
const STREAM_RSS_LIMIT_MIB: f64 = 40.0;

/// How a figure is judged.
#[derive(Clone, Copy)]
enum Target {
    /// None: shown for context.
    None,
    /// SDK/raw at least this.
    RatioAtLeast(f64),
    /// SDK/raw at most this.
    RatioAtMost(f64),
    /// The SDK's own figure below this.
    Below(f64),
}

/// How a figure is printed.
#[derive(Clone, Copy)]
enum Unit {
    PerSecond,
    Micros,
    MiB,
}

struct Row {
    figure: &'static str,
    unit: Unit,
    value: fn(&Sample) -> f64,
    target: Target,
}

fn per_second(count: u64, s: &Sample) -> f64 {
    count as f64 / s.elapsed.as_secs_f64()
}

fn rows(scenario: Scenario) -> Vec<Row> {
    let latency = |figure, value| Row {
        figure,
        unit: Unit::Micros,
        value,
        target: Target::None,
    };
    match scenario {
        Scenario::ListNumbers | Scenario::Send => vec![
            Row {
                figure: "requests/s",
                unit: Unit::PerSecond,
                value: |s| per_second(s.calls, s),
                target: Target::RatioAtLeast(0.95),
            },
            latency("p50 latency", |s| s.p50.as_secs_f64() * 1e6),
            latency("p99 latency", |s| s.p99.as_secs_f64() * 1e6),
            Row {
                figure: "CPU per call",
                unit: Unit::Micros,
                value: |s| s.cpu.as_secs_f64() * 1e6 / s.calls as f64,
                target: Target::RatioAtMost(1.10),
            },
        ],
        Scenario::ConcurrentSend => vec![
            Row {
                figure: "messages/s",
                unit: Unit::PerSecond,
                value: |s| per_second(s.calls, s),
                target: Target::RatioAtLeast(0.95),
            },
            Row {
                figure: "CPU per call",
                unit: Unit::Micros,
                value: |s| s.cpu.as_secs_f64() * 1e6 / s.calls as f64,
                target: Target::RatioAtMost(1.10),
            },
        ],
        Scenario::MdrStream => vec![
            Row {
                figure: "items/s",
                unit: Unit::PerSecond,
                value: |s| per_second(s.items, s),
                target: Target::RatioAtLeast(0.95),
            },
            Row {
                figure: "CPU per item",
                unit: Unit::Micros,
                value: |s| s.cpu.as_secs_f64() * 1e6 / s.items as f64,
                target: Target::RatioAtMost(1.10),
            },
            Row {
                figure: "peak RSS",
                unit: Unit::MiB,
                value: |s| s.peak_rss_kib as f64 / 1024.0,
                target: Target::Below(STREAM_RSS_LIMIT_MIB),
            },
        ],
    }
}

fn title(scenario: Scenario, sample: Option<&Sample>) -> String {
    let count = sample.map_or(0, |s| s.items);
    match scenario {
        Scenario::ListNumbers => format!("list numbers, sequential ({}k)", count / 1000),
        Scenario::Send => format!("send message, sequential ({}k)", count / 1000),
        Scenario::ConcurrentSend => {
            format!("send message, {CONCURRENCY} at once ({}k)", count / 1000)
        }
        Scenario::MdrStream => format!("MDR stream ({}k, pages of {MDR_PAGE})", count / 1000),
    }
}

fn show(value: f64, unit: Unit) -> String {
    match unit {
        Unit::PerSecond => thousands(value.round() as u64),
        Unit::Micros if value >= 100.0 => format!("{value:.0} µs"),
        Unit::Micros => format!("{value:.1} µs"),
        Unit::MiB => format!("{value:.1} MiB"),
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The table, with one line per figure and a verdict per target.
pub fn report(
    runs: usize,
    load: (f64, f64),
    results: &[(Scenario, Vec<Sample>, Vec<Sample>)],
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "flowroute-bench: medians of {runs} runs (SDK/raw: median of the per-run ratios); {}",
        machine()
    );
    let _ = writeln!(
        out,
        "| scenario | figure | flowroute | raw reqwest | SDK/raw | target | met |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---|---|");
    let mut verdicts = Vec::new();
    for (scenario, sdk, raw) in results {
        let mut name = title(*scenario, sdk.first());
        for row in rows(*scenario) {
            let med =
                |samples: &[Sample]| median(&mut samples.iter().map(row.value).collect::<Vec<_>>());
            let (s, r) = (med(sdk), med(raw));
            // Each round runs both clients back to back: the ratio within a
            // round cancels what the machine does meanwhile, so the ratio shown
            // is the median of the rounds' ratios.
            let ratio = median(
                &mut sdk
                    .iter()
                    .zip(raw)
                    .map(|(s, r)| (row.value)(s) / (row.value)(r))
                    .collect::<Vec<_>>(),
            );
            let (target, pass) = match row.target {
                Target::None => (String::new(), None),
                Target::RatioAtLeast(t) => (format!("≥ {t:.2}× raw"), Some(ratio >= t)),
                Target::RatioAtMost(t) => (format!("≤ {t:.2}× raw"), Some(ratio <= t)),
                Target::Below(limit) => (format!("< {limit:.0} MiB"), Some(s < limit)),
            };
            let verdict = match pass {
                Some(true) => "PASS",
                Some(false) => "MISS",
                None => "",
            };
            if let Some(pass) = pass {
                verdicts.push(pass);
            }
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {ratio:.2} | {target} | {verdict} |",
                std::mem::take(&mut name),
                row.figure,
                show(s, row.unit),
                show(r, row.unit),
            );
        }
    }
    let server_share = results
        .iter()
        .flat_map(|(_, sdk, raw)| sdk.iter().chain(raw))
        .map(|s| s.server_cpu.as_secs_f64() / s.elapsed.as_secs_f64())
        .fold(0.0, f64::max);
    let met = verdicts.iter().filter(|&&p| p).count();
    let _ = writeln!(
        out,
        "\ntargets met: {met}/{}; the server (one thread) used at most {:.0}% of a core in any run",
        verdicts.len(),
        server_share * 100.0
    );
    let (before, after) = load;
    let _ = writeln!(
        out,
        "load average (1 min) before: {before:.2}, after: {after:.2}{}",
        if before > BUSY_LOAD {
            " (something else may have been using the CPUs: figures are noisier)"
        } else {
            ""
        }
    );
    out
}

/// A one-minute load average above this, before the benchmark adds its own,
/// means something else competes for the CPUs.
const BUSY_LOAD: f64 = 0.5;

/// The one-minute load average.
pub fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    format!("{cpus} CPUs ({model}), loopback HTTP/1.1 keep-alive")
}
