//! The shared context of a running simulator: configuration, state, fault
//! book, logs, and the outgoing HTTP client that delivers webhooks.

use std::ops::Deref;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{Semaphore, watch};

use crate::faults::FaultBook;
use crate::limits::RateLimits;
use crate::records::{RequestPage, RequestRecord, WebhookDelivery, WebhookPage, capped};
use crate::ring::{Ring, check_limit};
use crate::state::{State, Timing};
use crate::throttle::Limiter;

/// Flowroute retries a webhook four times after the first attempt (the
/// description of `InboundMessageDocument` in `openapi/flowroute.yaml`).
pub(crate) const WEBHOOK_RETRIES: u32 = 4;

/// Webhook POSTs the simulator has open at once. Each holds an outgoing
/// connection until answered (or the 10 s timeout), so receivers that
/// answer slowly would otherwise have every send and inbound message take
/// another socket; further attempts wait for a free slot.
pub const MAX_WEBHOOKS_IN_FLIGHT: usize = 128;

/// Settings fixed when the simulator starts.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) access_key: String,
    pub(crate) secret_key: String,
    pub(crate) seed: u64,
    pub(crate) callback_retry_interval: Duration,
    pub(crate) dlr_delay: Duration,
    pub(crate) timing: Timing,
    /// Entries kept by each of the request and webhook logs.
    pub(crate) log_capacity: usize,
    /// How long a connection may wait for a complete request head.
    pub(crate) idle_timeout: Duration,
    /// Connections served at once; at least 1.
    pub(crate) max_connections: usize,
    /// The send rate limits a reset goes back to.
    pub(crate) rate_limits: RateLimits,
    /// Whether a reset goes back to strict mode (see `crate::compat`).
    pub(crate) strict: bool,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) config: Config,
    pub(crate) base_url: String,
    /// Where the log's `received_ms` counts from.
    started: tokio::time::Instant,
    state: Mutex<State>,
    limiter: Mutex<Limiter>,
    /// Strict mode: only the documented request shapes (see `crate::compat`).
    strict: AtomicBool,
    faults: Mutex<FaultBook>,
    requests: Mutex<Ring<RequestRecord>>,
    webhooks: Mutex<Ring<WebhookDelivery>>,
    webhook_slots: Semaphore,
    http: reqwest::Client,
    runtime: tokio::runtime::Handle,
    shutdown: watch::Receiver<bool>,
}

/// Cheap to clone; every handler and background task holds one.
#[derive(Debug, Clone)]
pub(crate) struct Ctx(Arc<Inner>);

impl Deref for Ctx {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// A poisoned lock means a handler panicked mid-update; nothing sensible can
/// continue from there.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().expect("simulator lock poisoned")
}

impl Ctx {
    pub(crate) fn new(
        config: Config,
        base_url: String,
        http: reqwest::Client,
        runtime: tokio::runtime::Handle,
        shutdown: watch::Receiver<bool>,
    ) -> Self {
        let state = State::new(config.seed, config.timing, 0);
        let capacity = config.log_capacity;
        let limiter = Limiter::new(config.rate_limits);
        let strict = AtomicBool::new(config.strict);
        Ctx(Arc::new(Inner {
            config,
            base_url,
            started: tokio::time::Instant::now(),
            state: Mutex::new(state),
            limiter: Mutex::new(limiter),
            strict,
            faults: Mutex::new(FaultBook::default()),
            requests: Mutex::new(Ring::new(capacity)),
            webhooks: Mutex::new(Ring::new(capacity)),
            webhook_slots: Semaphore::new(MAX_WEBHOOKS_IN_FLIGHT),
            http,
            runtime,
            shutdown,
        }))
    }

    /// The state, with time-driven changes applied.
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        let mut state = lock(&self.state);
        state.tick(Instant::now());
        state
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultBook> {
        lock(&self.faults)
    }

    pub(crate) fn limiter(&self) -> MutexGuard<'_, Limiter> {
        lock(&self.limiter)
    }

    /// Whether the simulator answers only the documented request shapes.
    pub(crate) fn strict(&self) -> bool {
        self.strict.load(Ordering::Relaxed)
    }

    pub(crate) fn set_strict(&self, strict: bool) {
        self.strict.store(strict, Ordering::Relaxed);
    }

    /// `at` as milliseconds since the simulator started.
    pub(crate) fn millis_since_start(&self, at: tokio::time::Instant) -> u64 {
        let elapsed = at.saturating_duration_since(self.started).as_millis();
        u64::try_from(elapsed).unwrap_or(u64::MAX)
    }

    /// Logs `record` under the next sequence number.
    pub(crate) fn log_request(&self, record: RequestRecord) {
        lock(&self.requests).push(|seq| RequestRecord { seq, ..record });
    }

    pub(crate) fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.requests).all()
    }

    /// Up to `limit` records after `after`; an error names a bad limit.
    pub(crate) fn requests_page(&self, after: u64, limit: usize) -> Result<RequestPage, String> {
        let page = lock(&self.requests).page(after, check_limit(limit)?);
        Ok(RequestPage {
            requests: page.entries,
            next: page.next,
            more: page.more,
            dropped: page.dropped,
            capacity: page.capacity,
        })
    }

    pub(crate) fn clear_requests(&self) {
        lock(&self.requests).clear();
    }

    pub(crate) fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        lock(&self.webhooks).all()
    }

    /// Up to `limit` deliveries after `after`; an error names a bad limit.
    pub(crate) fn webhook_page(&self, after: u64, limit: usize) -> Result<WebhookPage, String> {
        let page = lock(&self.webhooks).page(after, check_limit(limit)?);
        Ok(WebhookPage {
            deliveries: page.entries,
            next: page.next,
            more: page.more,
            dropped: page.dropped,
            capacity: page.capacity,
        })
    }

    /// Back to the starting account; faults and logs are cleared too, the
    /// configured rate limits apply again to empty windows, and the
    /// configured mode (strict or not) is restored.
    pub(crate) fn reset(&self) {
        {
            let mut state = lock(&self.state);
            let epoch = state.epoch + 1;
            *state = State::new(self.config.seed, self.config.timing, epoch);
        }
        self.faults().clear();
        *self.limiter() = Limiter::new(self.config.rate_limits);
        self.set_strict(self.config.strict);
        self.clear_requests();
        lock(&self.webhooks).clear();
    }

    pub(crate) fn spawn<F>(&self, task: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        self.runtime.spawn(task);
    }

    /// Sleeps; false when the simulator shut down meanwhile.
    pub(crate) async fn pause(&self, duration: Duration) -> bool {
        let mut shutdown = self.shutdown.clone();
        if *shutdown.borrow() {
            return false;
        }
        tokio::select! {
            _ = tokio::time::sleep(duration) => true,
            _ = shutdown.changed() => false,
        }
    }

    /// POSTs `payload` to `url` as Flowroute does: JSON, retried at the
    /// configured interval until an attempt is answered 200, at most
    /// 1 + [`WEBHOOK_RETRIES`] attempts.
    pub(crate) fn deliver_webhook(&self, kind: &str, url: String, mdr_id: String, payload: Value) {
        let (recorded_url, truncated) = capped(&url);
        let id = lock(&self.webhooks).push(|id| WebhookDelivery {
            id,
            kind: kind.to_string(),
            url: recorded_url,
            truncated,
            mdr_id,
            attempts: Vec::new(),
            delivered: false,
        });
        let ctx = self.clone();
        self.spawn(async move {
            for attempt in 0..=WEBHOOK_RETRIES {
                if attempt > 0 && !ctx.pause(ctx.config.callback_retry_interval).await {
                    return;
                }
                let mut shutdown = ctx.shutdown.clone();
                let post = async {
                    // The semaphore is never closed, so this only waits.
                    let _slot = ctx.webhook_slots.acquire().await;
                    ctx.http.post(&url).json(&payload).send().await
                };
                let sent = tokio::select! {
                    sent = post => sent,
                    _ = shutdown.changed() => return,
                };
                let status = sent.ok().map(|r| r.status().as_u16());
                let delivered = status == Some(200);
                // The entry may have fallen off a full log meanwhile; the
                // delivery itself goes on regardless.
                if let Some(entry) = lock(&ctx.webhooks).get_mut(id) {
                    entry.attempts.push(status);
                    entry.delivered = delivered;
                }
                if delivered {
                    return;
                }
            }
        });
    }
}

#[cfg(test)]
impl Ctx {
    /// A context with no server in front, for unit tests of pipeline steps;
    /// its access key is `key`.
    pub(crate) fn for_tests(rate_limits: RateLimits) -> Ctx {
        let config = Config {
            access_key: "key".into(),
            secret_key: "secret".into(),
            seed: 1,
            callback_retry_interval: Duration::from_millis(10),
            dlr_delay: Duration::from_millis(10),
            timing: Timing {
                cnam_approval_delay: None,
                cdr_export_delay: Duration::ZERO,
            },
            log_capacity: 16,
            idle_timeout: Duration::from_secs(1),
            max_connections: 1,
            rate_limits,
            strict: false,
        };
        let (_, shutdown) = watch::channel(false);
        Ctx::new(
            config,
            "http://127.0.0.1:9".into(),
            reqwest::Client::new(),
            tokio::runtime::Handle::current(),
            shutdown,
        )
    }
}
