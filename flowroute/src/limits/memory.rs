//! The default permit store: GCRA in this process, through `governor`.

use super::{Bucket, PermitError, PermitRequest, PermitStore};
use crate::retry::{BoxFuture, Clock, TokioClock};
use governor::{
    Quota, RateLimiter, clock,
    middleware::NoOpMiddleware,
    state::{InMemoryState, NotKeyed},
};
use std::sync::{Arc, Mutex, PoisonError};
use std::{fmt, num::NonZeroU32, time::Duration, time::Instant};

/// governor's view of the client's clock, so that a test's clock drives the
/// limiter too.
#[derive(Clone)]
struct ClientClock(Arc<dyn Clock>);

impl clock::Clock for ClientClock {
    type Instant = Instant;

    fn now(&self) -> Instant {
        self.0.now()
    }
}

type Gcra = RateLimiter<NotKeyed, InMemoryState, ClientClock, NoOpMiddleware<Instant>>;

/// Permits from this process's memory: one GCRA (through the `governor`
/// crate, with a burst of one) per access key, bucket and spacing. The
/// default store of every client, which it shares with its clones.
///
/// Give one store to several clients built apart (with other timeouts, say)
/// to make them share one budget:
///
/// ```
/// use flowroute::{Client, limits::MemoryPermits};
/// use std::sync::Arc;
/// let permits = Arc::new(MemoryPermits::new());
/// let fast = Client::builder()
///     .credentials("key", "secret")
///     .permit_store(permits.clone())
///     .build()?;
/// let patient = Client::builder()
///     .credentials("key", "secret")
///     .deadline(std::time::Duration::from_secs(600))
///     .permit_store(permits)
///     .build()?;
/// # let _ = (fast, patient);
/// # Ok::<(), flowroute::Error>(())
/// ```
pub struct MemoryPermits {
    clock: Arc<dyn Clock>,
    /// A handful of entries (a client has three buckets), so a list is
    /// searched faster than a map is hashed.
    gcras: Mutex<Vec<Entry>>,
}

struct Entry {
    access_key: Box<str>,
    bucket: Bucket,
    interval: Duration,
    gcra: Arc<Gcra>,
}

impl fmt::Debug for MemoryPermits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The access keys it holds stay out of logs.
        f.debug_struct("MemoryPermits").finish_non_exhaustive()
    }
}

impl Default for MemoryPermits {
    fn default() -> Self {
        MemoryPermits::new()
    }
}

impl MemoryPermits {
    /// A store on tokio's clock.
    pub fn new() -> MemoryPermits {
        MemoryPermits::on(Arc::new(TokioClock))
    }

    /// A store on `clock`; the client's own default store runs on the
    /// client's [`clock`](crate::ClientBuilder::clock).
    pub fn with_clock(clock: impl Clock + 'static) -> MemoryPermits {
        MemoryPermits::on(Arc::new(clock))
    }

    pub(crate) fn on(clock: Arc<dyn Clock>) -> MemoryPermits {
        MemoryPermits {
            clock,
            gcras: Mutex::default(),
        }
    }

    fn gcra(&self, request: &PermitRequest<'_>) -> Arc<Gcra> {
        // Nothing is left half-changed while the lock is held.
        let mut gcras = self.gcras.lock().unwrap_or_else(PoisonError::into_inner);
        let found = gcras.iter().find(|e| {
            e.bucket == request.bucket
                && e.interval == request.interval
                && *e.access_key == *request.access_key
        });
        if let Some(entry) = found {
            return entry.gcra.clone();
        }
        // A burst of one: permits evenly spaced, never n at once. A zero
        // interval cannot come from the client; a store given one paces at
        // the finest step governor has.
        let period = request.interval.max(Duration::from_nanos(1));
        let quota = Quota::with_period(period)
            .expect("the period is not zero")
            .allow_burst(NonZeroU32::MIN);
        let gcra = Arc::new(RateLimiter::direct_with_clock(
            quota,
            ClientClock(self.clock.clone()),
        ));
        gcras.push(Entry {
            access_key: request.access_key.into(),
            bucket: request.bucket,
            interval: request.interval,
            gcra: gcra.clone(),
        });
        gcra
    }
}

impl PermitStore for MemoryPermits {
    fn acquire<'a>(&'a self, request: PermitRequest<'a>) -> BoxFuture<'a, Result<(), PermitError>> {
        let gcra = self.gcra(&request);
        Box::pin(async move {
            let started = self.clock.now();
            loop {
                let wait = match gcra.check() {
                    Ok(()) => return Ok(()),
                    Err(not_until) => not_until.wait_time_from(self.clock.now()),
                };
                let waited = self.clock.now().saturating_duration_since(started);
                if waited.saturating_add(wait) >= request.max_wait {
                    return Err(PermitError::TooLate { wait });
                }
                // Another caller may take the permit first: then check again.
                self.clock.sleep(wait).await;
            }
        })
    }
}
