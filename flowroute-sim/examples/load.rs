//! How much the simulator takes: 10 000 authenticated GETs (account numbers,
//! number details, routes, message records, an MDR, the number search) at 64
//! in flight, against a simulator started in this process, over loopback only.
//!
//! ```sh
//! cargo run --release -p flowroute-sim --example load
//! ```
//!
//! Prints requests per second, latency percentiles and the error count; exits
//! non-zero when any request failed or the run took longer than its limit.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use flowroute_sim::{SIM_ACCESS_KEY, SIM_SECRET_KEY, Simulator};
use serde_json::Value;

const REQUESTS: usize = 10_000;
const IN_FLIGHT: usize = 64;
/// The whole run stops here even if the simulator stalls.
const RUN_LIMIT: Duration = Duration::from_secs(120);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("load: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What one request got: its latency, or why it failed.
type Outcome = Result<Duration, String>;

async fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let sim = Simulator::start().await?;
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(REQUEST_TIMEOUT)
        .pool_max_idle_per_host(IN_FLIGHT)
        .build()?;
    let paths = Arc::new(request_mix(&sim, &http).await?);
    sim.clear_requests();

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..IN_FLIGHT)
        .map(|_| {
            let (http, paths, next, base) =
                (http.clone(), paths.clone(), next.clone(), sim.base_url());
            tokio::spawn(async move {
                let mut outcomes: Vec<Outcome> = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= REQUESTS {
                        return outcomes;
                    }
                    let url = format!("{base}{}", paths[n % paths.len()]);
                    outcomes.push(get(&http, &url).await);
                }
            })
        })
        .collect();
    let finished = tokio::time::timeout(RUN_LIMIT, futures_util::future::join_all(workers)).await;
    let elapsed = started.elapsed();
    let Ok(joined) = finished else {
        println!("✗ the run did not finish within {RUN_LIMIT:?}");
        return Ok(false);
    };

    let mut latencies = Vec::with_capacity(REQUESTS);
    let mut errors: Vec<String> = Vec::new();
    for worker in joined {
        for outcome in worker? {
            match outcome {
                Ok(latency) => latencies.push(latency),
                Err(e) => errors.push(e),
            }
        }
    }
    latencies.sort_unstable();
    // The log keeps only its newest entries; those that fell off are counted.
    let dropped = sim.requests_page(0, 1).map_or(0, |page| page.dropped);
    let logged = sim.requests().len() + usize::try_from(dropped)?;
    sim.shutdown().await;

    let done = latencies.len() + errors.len();
    println!(
        "{done} requests ({} kinds of GET), {IN_FLIGHT} in flight, in {elapsed:.2?}",
        paths.len()
    );
    println!(
        "throughput: {:.0} requests/s",
        done as f64 / elapsed.as_secs_f64()
    );
    println!(
        "latency: p50 {:.2?} · p90 {:.2?} · p99 {:.2?} · max {:.2?}",
        percentile(&latencies, 50.0),
        percentile(&latencies, 90.0),
        percentile(&latencies, 99.0),
        latencies.last().copied().unwrap_or_default()
    );
    println!("errors: {}", errors.len());
    for e in errors.iter().take(5) {
        println!("  {e}");
    }
    let complete = done == REQUESTS && logged == REQUESTS;
    if !complete {
        println!(
            "✗ {done} requests sent and {logged} logged by the simulator, expected {REQUESTS}"
        );
    }
    Ok(errors.is_empty() && complete)
}

/// The GETs to cycle through, with ids read from a fresh account (and one
/// message sent, for an MDR to look up).
async fn request_mix(
    sim: &Simulator,
    http: &reqwest::Client,
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let base = sim.base_url();
    let numbers: Value = http
        .get(format!("{base}/v2/numbers"))
        .basic_auth(SIM_ACCESS_KEY, Some(SIM_SECRET_KEY))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let number = numbers["data"][0]["id"]
        .as_str()
        .ok_or("the account has no number")?
        .to_string();
    let sent: Value = http
        .post(format!("{base}/v2.1/messages"))
        .basic_auth(SIM_ACCESS_KEY, Some(SIM_SECRET_KEY))
        .header("content-type", "application/vnd.api+json")
        .body(serde_json::json!({"to": "12065550123", "from": number, "body": "load"}).to_string())
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let mdr = sent["data"]["id"].as_str().ok_or("no MDR id")?;
    Ok(vec![
        "/v2/numbers?limit=10".into(),
        format!("/v2/numbers/{number}"),
        "/v2/routes".into(),
        format!("/v2.1/messages/{mdr}"),
        "/v2.1/messages?start_date=2000-01-01&limit=10".into(),
        "/v2/numbers/available?starts_with=206&limit=10".into(),
    ])
}

/// A GET whose answer must be 200 and read to the end.
async fn get(http: &reqwest::Client, url: &str) -> Outcome {
    let sent = Instant::now();
    let response = http
        .get(url)
        .basic_auth(SIM_ACCESS_KEY, Some(SIM_SECRET_KEY))
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    if status != reqwest::StatusCode::OK || body.is_empty() {
        return Err(format!("GET {url}: {status} with {} bytes", body.len()));
    }
    Ok(sent.elapsed())
}

/// Nearest-rank percentile of sorted latencies.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
