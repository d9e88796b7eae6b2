//! The rate limit shared through Redis: GCRA on the server's clock.

use super::{Connection, DEFAULT_PREFIX, DEFAULT_TIMEOUT, Failure, Redis};
use crate::Error;
use crate::limits::{MemoryPermits, PermitError, PermitRequest, PermitStore};
use crate::retry::BoxFuture;
use ::redis::Script;
use ::redis::aio::ConnectionManager;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::{LazyLock, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// KEYS[1] holds the bucket's theoretical arrival time (TAT): the instant,
/// in microseconds of the server's clock, from which the next permit is
/// free. ARGV[1] is the spacing and ARGV[2] the longest wait, both in
/// microseconds. Answers `{1, wait}` with the permit at now + wait reserved,
/// or `{0, wait}`, reserving nothing, when that wait is not shorter than the
/// longest allowed. Numbers are written with `%d`: Redis would turn a Lua
/// number this large into exponent notation.
const GCRA: &str = r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local wait = tat - now
if wait > 0 and wait >= tonumber(ARGV[2]) then return {0, wait} end
local next_tat = tat + tonumber(ARGV[1])
local ttl = math.ceil((next_tat - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', string.format('%d', ttl))
return {1, wait}
";

static SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(GCRA));

/// How far the spacing of permits is stretched, by default: any n + 1
/// permits at n a second span at least 1.02 s.
const DEFAULT_MARGIN: Duration = Duration::from_millis(20);

/// How late a permit may still be used whatever the margin: timers fire to
/// the millisecond.
const MIN_LATENESS: Duration = Duration::from_millis(2);

/// What [`RedisPermits`] does while Redis is out of reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PermitFallback {
    /// Each instance paces itself, in memory, at its share of the limit:
    /// the figure divided by `instances` (one SMS every second, for 5 a
    /// second shared by 5). The default, with the count given to
    /// [`RedisPermits::new`].
    LocalShare {
        /// How many instances share the access key.
        instances: NonZeroU32,
    },
    /// Every paced call fails at once with
    /// [`Error::RateLimiterUnavailable`], unsent.
    FailClosed,
}

/// A [`PermitStore`] on Redis, shared by every instance that uses the same
/// server and [prefix](Self::prefix): together they keep to the access
/// key's limits. See the [module docs](super) for the keys, the algorithm
/// and what happens when Redis is out of reach.
pub struct RedisPermits {
    redis: Redis,
    timeout: Duration,
    prefix: String,
    margin: Duration,
    fallback: PermitFallback,
    /// Paces the local share while Redis is out of reach.
    local: MemoryPermits,
    /// The last slot this instance reserved on each key: the local share
    /// starts after it, not on top of the calls still waiting for theirs.
    booked: Mutex<Vec<(String, Instant)>>,
}

impl fmt::Debug for RedisPermits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // No URL: it can hold a password.
        f.debug_struct("RedisPermits")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .field("margin", &self.margin)
            .field("fallback", &self.fallback)
            .finish_non_exhaustive()
    }
}

impl RedisPermits {
    /// Permits from the Redis server at `url`
    /// (`redis://[user:password@]host[:port][/db]`), shared with the other
    /// `instances` - 1 instances of the service; while Redis is out of reach
    /// each of them sends at `1/instances` of the limit. Nothing connects
    /// until the first call, and a server that is down then is one more
    /// outage.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a URL that is not a Redis URL (`rediss://` too:
    /// for TLS, see [`with_connection`](Self::with_connection)), or an
    /// instance count of 0.
    pub fn new(url: &str, instances: u32) -> Result<RedisPermits, Error> {
        RedisPermits::on(Redis::open(url)?, instances)
    }

    /// Permits through a connection of your own (TLS, Sentinel, other
    /// timeouts), from the `redis` crate this one is built with. Calls are
    /// still bounded by [`timeout`](Self::timeout).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for an instance count of 0.
    pub fn with_connection(
        connection: ConnectionManager,
        instances: u32,
    ) -> Result<RedisPermits, Error> {
        RedisPermits::on(Redis::with(Connection::Given(connection)), instances)
    }

    fn on(redis: Redis, instances: u32) -> Result<RedisPermits, Error> {
        let instances = NonZeroU32::new(instances).ok_or_else(|| {
            Error::config("RedisPermits: 0 instances cannot share a limit; give at least 1")
        })?;
        Ok(RedisPermits {
            redis,
            timeout: DEFAULT_TIMEOUT,
            prefix: DEFAULT_PREFIX.to_string(),
            margin: DEFAULT_MARGIN,
            fallback: PermitFallback::LocalShare { instances },
            local: MemoryPermits::new(),
            booked: Mutex::default(),
        })
    }

    /// The start of every key; default [`DEFAULT_PREFIX`](super::DEFAULT_PREFIX),
    /// `flowroute:`. Instances share permits only under one prefix.
    pub fn prefix(mut self, prefix: impl Into<String>) -> RedisPermits {
        self.prefix = prefix.into();
        self
    }

    /// The longest any Redis call may take, connecting included; default
    /// [`DEFAULT_TIMEOUT`](super::DEFAULT_TIMEOUT), 250 ms. A call that takes
    /// longer counts as Redis out of reach.
    pub fn timeout(mut self, timeout: Duration) -> RedisPermits {
        self.timeout = timeout;
        self
    }

    /// How much longer than a second any n + 1 permits at n a second span;
    /// default 20 ms (2% of the rate). It absorbs the differences between
    /// instances in how long a send takes from its permit to Flowroute, which
    /// counts over sliding one-second windows; a call whose task wakes more
    /// than the margin after its slot (a busy machine) takes the next free
    /// slot instead.
    pub fn margin(mut self, margin: Duration) -> RedisPermits {
        self.margin = margin;
        self
    }

    /// What to do while Redis is out of reach; default
    /// [`PermitFallback::LocalShare`] with the instance count given to
    /// [`new`](Self::new).
    pub fn fallback(mut self, fallback: PermitFallback) -> RedisPermits {
        self.fallback = fallback;
        self
    }

    /// The key of a bucket's timeline.
    fn key(&self, request: &PermitRequest<'_>) -> String {
        format!(
            "{}rl:{}:{}",
            self.prefix,
            request.access_key,
            request.bucket.as_str()
        )
    }

    fn bookings(&self) -> MutexGuard<'_, Vec<(String, Instant)>> {
        // Each change is one assignment: nothing is left half-done.
        self.booked.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn book(&self, key: &str, slot: Instant) {
        let mut booked = self.bookings();
        match booked.iter_mut().find(|(k, _)| k == key) {
            Some((_, last)) => *last = (*last).max(slot),
            None => booked.push((key.to_string(), slot)),
        }
    }

    /// The permit store's answer while Redis is out of reach.
    async fn fall_back(
        &self,
        key: &str,
        request: PermitRequest<'_>,
        failure: Failure,
        started: Instant,
    ) -> Result<(), PermitError> {
        let Failure { reason, first } = failure;
        match self.fallback {
            PermitFallback::LocalShare { instances } => {
                if first {
                    tracing::warn!(%reason, instances = instances.get(), "Redis is out of reach: each instance sends at its share of the rate limits until it is back");
                }
                let interval = request.interval.saturating_mul(instances.get());
                let booked = self.bookings().iter().find(|(k, _)| k == key).map(|b| b.1);
                let resume = booked.map_or(Duration::ZERO, |last| {
                    (last + interval).saturating_duration_since(Instant::now())
                });
                let max_wait = request.max_wait.saturating_sub(started.elapsed());
                if !resume.is_zero() {
                    if resume >= max_wait {
                        return Err(PermitError::TooLate { wait: resume });
                    }
                    tokio::time::sleep(resume).await;
                }
                let share = PermitRequest::new(
                    request.access_key,
                    request.bucket,
                    interval,
                    max_wait.saturating_sub(resume),
                );
                self.local.acquire(share).await
            }
            PermitFallback::FailClosed => {
                if first {
                    tracing::warn!(%reason, "Redis is out of reach: paced calls fail until it is back");
                }
                Err(PermitError::Unavailable {
                    reason: format!("Redis: {reason}"),
                })
            }
        }
    }
}

impl PermitStore for RedisPermits {
    fn acquire<'a>(&'a self, request: PermitRequest<'a>) -> BoxFuture<'a, Result<(), PermitError>> {
        Box::pin(async move {
            let started = Instant::now();
            let key = self.key(&request);
            let spacing = micros(stretch(request.interval, self.margin));
            loop {
                let max_wait = micros(request.max_wait.saturating_sub(started.elapsed()));
                let answer = self
                    .redis
                    .run(self.timeout, |mut connection| {
                        let key = &key;
                        async move {
                            SCRIPT
                                .key(key)
                                .arg(spacing)
                                .arg(max_wait)
                                .invoke_async::<(u8, u64)>(&mut connection)
                                .await
                        }
                    })
                    .await;
                let wait = match answer {
                    Ok((0, wait)) => {
                        return Err(PermitError::TooLate {
                            wait: Duration::from_micros(wait),
                        });
                    }
                    Ok((_, wait)) => Duration::from_micros(wait),
                    Err(failure) => return self.fall_back(&key, request, failure, started).await,
                };
                // The slot is ours: sleeping on the local clock for a span
                // read on the server's needs no synchronised clocks.
                let due = Instant::now() + wait;
                self.book(&key, due);
                tokio::time::sleep_until(due.into()).await;
                // A send later than the margin would crowd the slots others
                // hold after it into one second: give this one up and take
                // the next free one (a busy machine can wake a task late).
                let late = due.elapsed();
                if late <= self.margin.max(MIN_LATENESS) {
                    return Ok(());
                }
                tracing::debug!(late_ms = late.as_millis() as u64, bucket = %request.bucket, "woke too late for a reserved permit; taking another");
            }
        })
    }
}

/// `interval` stretched by `margin` a second.
fn stretch(interval: Duration, margin: Duration) -> Duration {
    let nanos = interval.as_nanos() * (1_000_000_000 + margin.as_nanos()) / 1_000_000_000;
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

/// Whole microseconds, rounded up: a permit is never early.
fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos().div_ceil(1000)).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spacing_is_stretched_by_the_margin_a_second() {
        let fifth = Duration::from_millis(200);
        assert_eq!(stretch(fifth, DEFAULT_MARGIN), Duration::from_millis(204));
        assert_eq!(stretch(fifth, Duration::ZERO), fifth);
        assert_eq!(micros(Duration::from_secs(1) / 3), 333_334);
    }

    #[test]
    fn keys_name_the_access_key_and_the_bucket_never_the_secret() {
        let permits = RedisPermits::new("redis://127.0.0.1:1", 2)
            .unwrap()
            .prefix("app:");
        let request = PermitRequest::new(
            "a1b2c3d4",
            crate::limits::Bucket::Mms,
            Duration::from_secs(1),
            Duration::ZERO,
        );
        assert_eq!(permits.key(&request), "app:rl:a1b2c3d4:mms");
    }

    #[test]
    fn no_instance_count_of_zero_and_no_password_in_errors_or_debug() {
        assert!(RedisPermits::new("redis://127.0.0.1", 0).is_err());
        let error = RedisPermits::new("http://user:hunter2@db.internal", 2)
            .unwrap_err()
            .to_string();
        assert!(!error.contains("hunter2"), "{error}");
        let permits = RedisPermits::new("redis://user:hunter2@db.internal", 2).unwrap();
        let shown = format!("{permits:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("db.internal"),
            "{shown}"
        );
    }
}
