//! `flowroute-bench --sending [--limits sms=N,mms=M]`: sending at Flowroute's
//! rate limits, against the simulator enforcing the same limits.
//!
//! Three runs on one simulator: 200 SMS through `send_all`, 40 MMS through
//! `send_all`, and 64 plain `send` calls started at once from user code. At
//! the documented limits (the default) that is 40 s, 40 s and 13 s; higher
//! `--limits` make it quicker. For
//! each it prints the wall time against the least the limit allows (N / rate),
//! the failures and 429s the caller saw, the 429s the simulator answered
//! (retried by the client), and the most sends the simulator accepted in any
//! one-second window, which must not exceed the limit.

use flowroute::limits::RateLimits;
use flowroute::prelude::*;
use flowroute_sim::{RateLimits as SimLimits, RequestRecord, Simulator};
use std::time::{Duration, Instant};

/// Messages per run at the documented limits: 40 s each of SMS and MMS.
const SMS: usize = 200;
const MMS: usize = 40;
const PLAIN: usize = 64;

/// What one run came to.
struct Run {
    name: &'static str,
    messages: usize,
    per_second: u32,
    wall: Duration,
    failed: usize,
    surfaced_429: usize,
    throttled: usize,
    max_in_window: usize,
}

impl Run {
    /// Wall time over the least the limit allows for these messages.
    fn ratio(&self) -> f64 {
        let least = self.messages as f64 / f64::from(self.per_second);
        self.wall.as_secs_f64() / least
    }
}

/// Runs the three cases and prints the table; an error when a promise failed.
pub fn run(limits: SimLimits) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let sms_rate = limits.sms_per_second().ok_or("--limits must pace SMS")?;
        let mms_rate = limits.mms_per_second().ok_or("--limits must pace MMS")?;
        let (sms, mms, plain) = (SMS, MMS, PLAIN);
        let sim = Simulator::builder()
            .rate_limits(limits)
            .start()
            .await
            .map_err(|e| e.to_string())?;
        let client = Client::builder()
            .credentials(sim.access_key(), sim.secret_key())
            .base_url(sim.base_url())
            .rate_limits(RateLimits::off().sms(sms_rate).mms(mms_rate))
            // 64 plain sends at 5 a second need 13 s: more than the default deadline allows the last.
            .deadline(Duration::from_secs(120))
            .build()
            .map_err(|e| e.to_string())?;
        let from = client
            .numbers()
            .list()
            .items()
            .try_next()
            .await
            .map_err(|e| e.to_string())?
            .ok_or("the simulator's account has no number")?
            .number;
        let to = |i: usize| format!("1206555{:04}", i % 10_000);

        let mut runs = Vec::new();
        let messages = (0..sms).map(|i| Message::sms(&from, to(i), "bench"));
        runs.push(
            bulk(
                &sim,
                &client,
                "send_all SMS",
                "sms",
                sms_rate,
                messages.collect(),
            )
            .await,
        );
        let messages =
            (0..mms).map(|i| Message::mms(&from, to(i)).media_url("https://example.com/bench.png"));
        runs.push(
            bulk(
                &sim,
                &client,
                "send_all MMS",
                "mms",
                mms_rate,
                messages.collect(),
            )
            .await,
        );
        runs.push(concurrent(&sim, &client, plain, sms_rate, &from).await);
        sim.shutdown().await;
        print(&runs);
        let broken: Vec<_> = runs
            .iter()
            .filter(|r| {
                r.failed > 0 || r.surfaced_429 > 0 || r.max_in_window > r.per_second as usize
            })
            .map(|r| r.name)
            .collect();
        if broken.is_empty() {
            Ok(())
        } else {
            Err(format!("limits not kept in: {}", broken.join(", ")))
        }
    })
}

async fn bulk(
    sim: &Simulator,
    client: &Client,
    name: &'static str,
    class: &'static str,
    per_second: u32,
    messages: Vec<Message>,
) -> Run {
    sim.clear_requests();
    let count = messages.len();
    let started = Instant::now();
    let outcomes: Vec<_> = client.messages().send_all(messages).collect().await;
    let wall = started.elapsed();
    let errors: Vec<&Error> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().err())
        .collect();
    finish(sim, name, class, count, per_second, wall, &errors)
}

async fn concurrent(
    sim: &Simulator,
    client: &Client,
    count: usize,
    per_second: u32,
    from: &PhoneNumber,
) -> Run {
    sim.clear_requests();
    let started = Instant::now();
    let sends = (0..count).map(|i| {
        let client = client.clone();
        let message = Message::sms(from, format!("1425555{:04}", i), "bench");
        tokio::spawn(async move { client.messages().send(message).await })
    });
    let mut errors = Vec::new();
    for send in futures_util::future::join_all(sends).await {
        if let Ok(Err(e)) = send {
            errors.push(e);
        }
    }
    let wall = started.elapsed();
    let errors: Vec<&Error> = errors.iter().collect();
    finish(
        sim,
        "64 plain sends",
        "sms",
        count,
        per_second,
        wall,
        &errors,
    )
}

fn finish(
    sim: &Simulator,
    name: &'static str,
    class: &'static str,
    messages: usize,
    per_second: u32,
    wall: Duration,
    errors: &[&Error],
) -> Run {
    let log = log(sim);
    Run {
        name,
        messages,
        per_second,
        wall,
        failed: errors.len(),
        surfaced_429: errors
            .iter()
            .filter(|e| e.status() == Some(StatusCode::TOO_MANY_REQUESTS))
            .count(),
        throttled: log.iter().filter(|r| r.throttled).count(),
        max_in_window: max_in_window(&log, class),
    }
}

/// The whole request log, page by page.
fn log(sim: &Simulator) -> Vec<RequestRecord> {
    let (mut all, mut after) = (Vec::new(), 0);
    while let Ok(page) = sim.requests_page(after, flowroute_sim::MAX_PAGE_LIMIT) {
        all.extend(page.requests);
        after = page.next;
        if !page.more {
            break;
        }
    }
    all
}

/// The most accepted sends of `class` in any window (t − 1 s, t].
fn max_in_window(log: &[RequestRecord], class: &str) -> usize {
    let times: Vec<u64> = log
        .iter()
        .filter(|r| r.send_class.as_deref() == Some(class) && !r.throttled && r.status == Some(202))
        .map(|r| r.received_ms)
        .collect();
    let mut sorted = times;
    sorted.sort_unstable();
    let mut most = 0;
    let mut first = 0;
    for (last, &t) in sorted.iter().enumerate() {
        while sorted[first] + 1000 <= t {
            first += 1;
        }
        most = most.max(last - first + 1);
    }
    most
}

fn print(runs: &[Run]) {
    println!(
        "{:<16} {:>8} {:>7} {:>9} {:>9} {:>7} {:>6} {:>9} {:>10} {:>14}",
        "run",
        "messages",
        "limit/s",
        "wall s",
        "least s",
        "ratio",
        "failed",
        "429 seen",
        "throttled",
        "max in 1 s"
    );
    for r in runs {
        println!(
            "{:<16} {:>8} {:>7} {:>9.2} {:>9.2} {:>7.3} {:>6} {:>9} {:>10} {:>14}",
            r.name,
            r.messages,
            r.per_second,
            r.wall.as_secs_f64(),
            r.messages as f64 / f64::from(r.per_second),
            r.ratio(),
            r.failed,
            r.surfaced_429,
            r.throttled,
            format!("{} (limit {})", r.max_in_window, r.per_second),
        );
    }
    println!(
        "ratio: wall time over messages / limit; 'throttled' are 429s the simulator answered and the client retried."
    );
}
