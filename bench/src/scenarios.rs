//! One scenario, run by one client process (the SDK or raw reqwest): warm up,
//! measure, print one `RESULT` line for the parent to collect.

use crate::{
    measure,
    raw::{self, Raw},
    server::{MDR_PAGE, MDR_TOTAL},
};
use chrono::{DateTime, TimeZone, Utc};
use flowroute::{PhoneNumber, messages::Message};
use futures_util::StreamExt;
use std::{
    future::Future,
    hint::black_box,
    pin::pin,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

const ACCESS_KEY: &str = "bench-access-key";
const SECRET_KEY: &str = "bench-secret-key";
const FROM: &str = "12012673227";
const TO: &str = "12065551234";
const TEXT: &str = "Hello from the benchmark: is anyone there?";
const START_DATE: &str = "2017-12-01T00:00:00Z";
/// Sends in flight at once in the concurrent scenario.
pub const CONCURRENCY: usize = 64;

/// What is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// `numbers().list().limit(10).page()`, one after another.
    ListNumbers,
    /// `messages().send(…)`, one after another.
    Send,
    /// `messages().send(…)`, [`CONCURRENCY`] at a time.
    ConcurrentSend,
    /// `messages().list(start).limit(1000).items()` over [`MDR_TOTAL`] records.
    MdrStream,
}

impl Scenario {
    pub const ALL: [Scenario; 4] = [
        Scenario::ListNumbers,
        Scenario::Send,
        Scenario::ConcurrentSend,
        Scenario::MdrStream,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::ListNumbers => "list-numbers",
            Scenario::Send => "send",
            Scenario::ConcurrentSend => "concurrent-send",
            Scenario::MdrStream => "mdr-stream",
        }
    }

    pub fn from_name(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Calls (or, for the stream, items) measured, and the warm-up before them.
    pub fn default_size(self) -> (u64, u64) {
        match self {
            Scenario::ListNumbers | Scenario::Send | Scenario::ConcurrentSend => (20_000, 2_000),
            Scenario::MdrStream => (u64::from(MDR_TOTAL), 10 * u64::from(MDR_PAGE)),
        }
    }
}

/// The client under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Sdk,
    Raw,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Sdk => "sdk",
            Side::Raw => "raw",
        }
    }

    pub fn from_name(name: &str) -> Option<Side> {
        [Side::Sdk, Side::Raw]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// One measured run, as the client process reports it.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    /// Calls made (pages fetched, for the stream).
    pub calls: u64,
    /// Items received (the stream only; otherwise equal to `calls`).
    pub items: u64,
    pub elapsed: Duration,
    pub cpu: Duration,
    pub p50: Duration,
    pub p99: Duration,
    pub peak_rss_kib: u64,
    pub server_cpu: Duration,
}

impl Sample {
    pub fn to_line(&self) -> String {
        format!(
            "RESULT calls={} items={} elapsed_ns={} cpu_ns={} p50_ns={} p99_ns={} peak_rss_kib={} server_cpu_ns={}",
            self.calls,
            self.items,
            self.elapsed.as_nanos(),
            self.cpu.as_nanos(),
            self.p50.as_nanos(),
            self.p99.as_nanos(),
            self.peak_rss_kib,
            self.server_cpu.as_nanos(),
        )
    }

    pub fn from_line(line: &str) -> Option<Sample> {
        let mut sample = Sample::default();
        for pair in line.strip_prefix("RESULT ")?.split(' ') {
            let (key, value) = pair.split_once('=')?;
            let value: u64 = value.parse().ok()?;
            let nanos = Duration::from_nanos(value);
            match key {
                "calls" => sample.calls = value,
                "items" => sample.items = value,
                "elapsed_ns" => sample.elapsed = nanos,
                "cpu_ns" => sample.cpu = nanos,
                "p50_ns" => sample.p50 = nanos,
                "p99_ns" => sample.p99 = nanos,
                "peak_rss_kib" => sample.peak_rss_kib = value,
                "server_cpu_ns" => sample.server_cpu = nanos,
                _ => return None,
            }
        }
        Some(sample)
    }
}

/// Runs `scenario` with `side` against the server on `port` and returns the
/// measured part. `size` overrides the number of calls or items.
pub fn run(
    scenario: Scenario,
    side: Side,
    port: u16,
    server_pid: u32,
    size: Option<u64>,
) -> Sample {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let base_url = format!("http://127.0.0.1:{port}");
    let (default_count, warm_up) = scenario.default_size();
    let count = size.unwrap_or(default_count);
    let warm_up = warm_up.min(count);
    runtime.block_on(async move {
        let client = Client::new(side, &base_url);
        client.exercise(scenario, warm_up, None).await;
        let server_before = measure::process_cpu_time(server_pid);
        let cpu_before = measure::cpu_time();
        let started = Instant::now();
        let sequential = matches!(scenario, Scenario::ListNumbers | Scenario::Send);
        // Sized up front, and only where used, so that it moves neither the
        // timings nor the peak memory.
        let mut latencies = Vec::with_capacity(if sequential { count as usize } else { 0 });
        let (calls, items) = client.exercise(scenario, count, Some(&mut latencies)).await;
        let elapsed = started.elapsed();
        let cpu = measure::cpu_time().saturating_sub(cpu_before);
        let server_cpu = match (server_before, measure::process_cpu_time(server_pid)) {
            (Some(before), Some(after)) => after.saturating_sub(before),
            _ => Duration::ZERO,
        };
        Sample {
            calls,
            items,
            elapsed,
            cpu,
            p50: measure::quantile(&mut latencies, 0.5),
            p99: measure::quantile(&mut latencies, 0.99),
            peak_rss_kib: measure::peak_rss_kib(),
            server_cpu,
        }
    })
}

/// Either client, built as its user would build it.
#[derive(Clone)]
enum Client {
    /// The SDK as users get it: default retry policy, timeouts and limits.
    Sdk {
        client: flowroute::Client,
        from: PhoneNumber,
        to: PhoneNumber,
    },
    Raw(Raw),
}

impl Client {
    fn new(side: Side, base_url: &str) -> Client {
        match side {
            Side::Sdk => Client::Sdk {
                client: flowroute::Client::builder()
                    .credentials(ACCESS_KEY, SECRET_KEY)
                    .base_url(base_url)
                    // The request path is measured here; pacing in `--sending`.
                    .rate_limits(flowroute::limits::RateLimits::off())
                    .build()
                    .expect("an SDK client"),
                from: FROM.parse().expect("a phone number"),
                to: TO.parse().expect("a phone number"),
            },
            Side::Raw => Client::Raw(Raw::new(base_url, ACCESS_KEY, SECRET_KEY)),
        }
    }

    /// Runs `count` calls (items, for the stream); records each call's latency
    /// into `latencies` when sequential. Returns (calls, items).
    async fn exercise(
        &self,
        scenario: Scenario,
        count: u64,
        latencies: Option<&mut Vec<Duration>>,
    ) -> (u64, u64) {
        match scenario {
            Scenario::ListNumbers => {
                sequential(count, latencies, || self.list_numbers()).await;
                (count, count)
            }
            Scenario::Send => {
                sequential(count, latencies, || self.send()).await;
                (count, count)
            }
            Scenario::ConcurrentSend => {
                let client = self.clone();
                concurrent(count, CONCURRENCY, move || {
                    let client = client.clone();
                    async move { client.send().await }
                })
                .await;
                (count, count)
            }
            Scenario::MdrStream => self.stream(count).await,
        }
    }

    async fn list_numbers(&self) {
        match self {
            Client::Sdk { client, .. } => {
                let page = client.numbers().list().limit(10).page().await;
                black_box(page.expect("a page of numbers"));
            }
            Client::Raw(raw) => {
                black_box(raw.list_numbers().await.expect("a page of numbers"));
            }
        }
    }

    async fn send(&self) {
        match self {
            Client::Sdk { client, from, to } => {
                let message = Message::sms(from.clone(), to.clone(), TEXT);
                black_box(client.messages().send(message).await.expect("sent"));
            }
            Client::Raw(raw) => {
                let message = raw::NewMessage {
                    from: FROM,
                    to: TO,
                    body: TEXT,
                };
                black_box(raw.send(&message).await.expect("sent"));
            }
        }
    }

    /// Streams up to `max` records in pages of [`MDR_PAGE`]; (pages, records).
    async fn stream(&self, max: u64) -> (u64, u64) {
        let mut items = 0;
        match self {
            Client::Sdk { client, .. } => {
                let start: DateTime<Utc> = Utc.with_ymd_and_hms(2017, 12, 1, 0, 0, 0).unwrap();
                let mut records = pin!(
                    client
                        .messages()
                        .list(start)
                        .limit(MDR_PAGE)
                        .max_items(max)
                        .items()
                );
                while let Some(record) = records.next().await {
                    black_box(record.expect("a record"));
                    items += 1;
                }
            }
            Client::Raw(raw) => {
                let mut offset = 0;
                loop {
                    let wanted = u32::try_from(max - items).unwrap_or(u32::MAX).min(MDR_PAGE);
                    let page = raw
                        .list_messages(START_DATE, offset, wanted)
                        .await
                        .expect("a page of records");
                    let received = page.data.len() as u64;
                    let next = page.links.and_then(|l| l.next);
                    for record in page.data {
                        black_box(record);
                    }
                    items += received;
                    offset += received as u32;
                    if next.is_none() || received == 0 || items >= max {
                        break;
                    }
                }
            }
        }
        (items.div_ceil(u64::from(MDR_PAGE)), items)
    }
}

async fn sequential<F, Fut>(count: u64, mut latencies: Option<&mut Vec<Duration>>, mut call: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    for _ in 0..count {
        let started = Instant::now();
        call().await;
        if let Some(latencies) = latencies.as_deref_mut() {
            latencies.push(started.elapsed());
        }
    }
}

/// `total` calls, `width` in flight at once, each task on the runtime's workers.
async fn concurrent<F, Fut>(total: u64, width: usize, call: F)
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let next = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = (0..width)
        .map(|_| {
            let (call, next) = (call.clone(), Arc::clone(&next));
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < total {
                    call().await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a sending task");
    }
}
