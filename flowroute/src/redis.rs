//! Running many instances: the rate limit and the webhook dedupe shared
//! through Redis (feature `redis`).
//!
//! Flowroute's limits are per access key, not per process, and its webhooks
//! are resent to whichever instance the load balancer picks. Three instances
//! each pacing themselves at 5 SMS a second send 15, and each remembering its
//! own webhooks can handle one event on two of them. With one Redis server
//! (5.0 or later) shared by every instance:
//!
//! * [`RedisPermits`], a [`PermitStore`](crate::limits::PermitStore) for
//!   [`ClientBuilder::permit_store`](crate::ClientBuilder::permit_store):
//!   one timeline of permits per access key and bucket, so that all the
//!   instances together keep to the [`RateLimits`](crate::limits::RateLimits);
//! * [`RedisDedupe`], a [`DedupeStore`](crate::webhooks::DedupeStore) for
//!   `Receiver::dedupe`: an event handled by one instance is not handled by
//!   another, and an event whose handler failed, or whose instance died, is
//!   handled on Flowroute's next resend.
//!
//! ```no_run
//! # #[cfg(feature = "receiver")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use flowroute::redis::{RedisDedupe, RedisPermits};
//! use flowroute::webhooks::{Event, Receiver};
//! let url = "redis://redis.internal:6379";
//! // Three instances share the access key: when Redis is out of reach, each
//! // sends at a third of the limit.
//! let client = flowroute::Client::builder()
//!     .credentials("access key", "secret key")
//!     .permit_store(RedisPermits::new(url, 3)?)
//!     .build()?;
//! let receiver = Receiver::new(|event: Event| async move {
//!     println!("{}", event.message_id());
//!     Ok::<(), String>(())
//! })
//! .dedupe(RedisDedupe::new(url)?);
//! # let _ = (client, receiver);
//! # Ok(()) }
//! ```
//!
//! # Keys
//!
//! Every key starts with a prefix, `flowroute:` unless set with `prefix`;
//! nothing else in the database is touched.
//!
//! | key | value | expires |
//! |---|---|---|
//! | `{prefix}rl:{access key}:{bucket}` (bucket `sms`, `mms` or `other`) | the bucket's next free instant, in microseconds of the server's clock | a second after that instant: a past instant and no key mean the same |
//! | `{prefix}wh:{kind}:{digest}` (kind `message`, `delivery_receipt` or `legacy_message`) | `in-progress:{claim token}`, then `done` | the lease (30 s), then the window (10 min) |
//!
//! The access key names an account and is not the secret, which never
//! reaches Redis. The digest is the SHA-1 of the event's kind, message id,
//! and for a receipt its level and status: no phone number or message text
//! is written, and every key has the same bounded length.
//!
//! # The rate limit
//!
//! A GCRA run as one Lua script (by `EVALSHA`) on the server's clock
//! (`TIME`), so that every instance, on any host, reads one timeline. Each
//! call reserves the next free instant, moves it one spacing on, and is told
//! how long to wait for its turn; a call whose turn would come after its
//! deadline reserves nothing and fails with
//! [`Error::RateLimited`], as with the in-memory
//! limiter. The spacing is the figure's (200 ms at 5 a second) stretched by a
//! [margin](RedisPermits::margin), 20 ms a second by default: instances take
//! different times from their permit to Flowroute (scheduling, network), and
//! the margin keeps any n + 1 sends over a second apart even so. A call
//! woken more than the margin after its slot gives the slot up and reserves
//! the next free one.
//!
//! # The dedupe
//!
//! An instance claims an event with `SET key in-progress:{token} NX PX lease`
//! (in one script with a `GET` that tells a repeat from an event in
//! progress). On success it sets `done` for the window; on failure it deletes
//! the key only if it still holds its own claim (a compare-and-delete
//! script), so that the resend is handled. An instance that dies leaves its
//! claim until the lease ends, after which the next resend is handled;
//! meanwhile resends are answered 503. Keep the lease longer than a handler
//! may run (the receiver's request timeout, 30 s by default, ends any that
//! run longer) and shorter than Flowroute's four resends, 30 s apart.
//!
//! # When Redis is out of reach
//!
//! Every Redis call is bounded by a [timeout](RedisPermits::timeout) (250 ms
//! by default), so nothing waits on an unreachable server longer than that.
//! After a failure each store leaves Redis alone for a second, then tries
//! again, and logs (with `tracing`) once when an outage starts and once when
//! it ends. What happens meanwhile is chosen per store, with `fallback`:
//!
//! | store | default | other choice |
//! |---|---|---|
//! | [`RedisPermits`] | [`PermitFallback::LocalShare`]: each instance paces itself at its share of the limit, the figure divided by the instance count given | [`PermitFallback::FailClosed`]: calls fail with [`Error::RateLimiterUnavailable`], unsent |
//! | [`RedisDedupe`] | [`DedupeFallback::FailOpen`]: every event is handled, resends included (at least once, as without dedupe) | [`DedupeFallback::FailClosed`]: events are answered 503, so that Flowroute sends them again (four times, 30 s apart) |
//!
//! The local share keeps the instances' long-run rate within the limit, and
//! each instance starts it only after the slots it had already reserved on
//! Redis. But the instances are not in step: a one-second window of an
//! outage can hold more than the limit (at 5 a second shared by two, each
//! sends every 400 ms, and one window can catch three of each). Flowroute
//! answers those 429, and the client sends them again after `Retry-After`
//! (see [`retry`](crate::retry)); the same holds for the moment after Redis
//! is back, while calls already waiting on the local share still go.

mod dedupe;
mod permits;

pub use dedupe::{DedupeFallback, RedisDedupe};
pub use permits::{PermitFallback, RedisPermits};

use crate::Error;
use ::redis::RedisError;
use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::future::Future;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The prefix of every key, unless set otherwise.
pub const DEFAULT_PREFIX: &str = "flowroute:";
/// The longest any one Redis call may take, unless set otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(250);

/// How long a store leaves Redis alone after a failure.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(1);

/// A Redis connection as both stores use it: made on first use, every call
/// bounded in time, and failures tracked as outages.
struct Redis {
    connection: Connection,
    /// Until when (in milliseconds since `epoch`) calls skip Redis.
    skip_until: AtomicU64,
    outage: AtomicBool,
    epoch: Instant,
}

enum Connection {
    /// Made by the first call: the manager needs the tokio runtime, which a
    /// constructor may be called outside of.
    Lazy {
        client: ::redis::Client,
        made: OnceLock<ConnectionManager>,
    },
    /// The caller's own.
    Given(ConnectionManager),
}

/// A Redis call that failed.
struct Failure {
    /// What failed, without addresses or credentials.
    reason: String,
    /// Whether this failure starts an outage (so is the one to log).
    first: bool,
}

impl Redis {
    fn open(url: &str) -> Result<Redis, Error> {
        let client = ::redis::Client::open(url).map_err(|e| {
            Error::config(format!(
                "`{}` is not a Redis URL this build can use ({}): use \
                 redis://[user:password@]host[:port][/db]; for TLS or a cluster, build \
                 a ConnectionManager and pass it to `with_connection`",
                crate::urls::redacted(url),
                e.category()
            ))
        })?;
        Ok(Redis::with(Connection::Lazy {
            client,
            made: OnceLock::new(),
        }))
    }

    fn with(connection: Connection) -> Redis {
        Redis {
            connection,
            skip_until: AtomicU64::new(0),
            outage: AtomicBool::new(false),
            epoch: Instant::now(),
        }
    }

    /// The connection; one made here bounds each reconnection by `timeout`.
    fn connection(&self, timeout: Duration) -> Result<ConnectionManager, String> {
        let (client, made) = match &self.connection {
            Connection::Given(connection) => return Ok(connection.clone()),
            Connection::Lazy { client, made } => (client, made),
        };
        if let Some(connection) = made.get() {
            return Ok(connection.clone());
        }
        // Reconnections are the manager's, each bounded like a call; one
        // attempt each, since the next call tries again anyway.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(0);
        let manager = ConnectionManager::new_lazy_with_config(client.clone(), config)
            .map_err(|e| describe(&e))?;
        Ok(made.get_or_init(|| manager).clone())
    }

    fn millis(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Runs `call` within `timeout`, unless Redis failed less than a second
    /// ago.
    async fn run<T, F, Fut>(&self, timeout: Duration, call: F) -> Result<T, Failure>
    where
        F: Fn(ConnectionManager) -> Fut,
        Fut: Future<Output = Result<T, RedisError>>,
    {
        if self.millis() < self.skip_until.load(Ordering::Relaxed) {
            return Err(Failure {
                reason: "unreachable a moment ago".into(),
                first: false,
            });
        }
        let answer = match self.connection(timeout) {
            Ok(connection) => {
                let attempts = async {
                    match call(connection.clone()).await {
                        // The manager answers a lost connection with this
                        // error and starts a new one, which the second try
                        // waits for: after an outage the first call finds
                        // Redis back, not the dead connection.
                        Err(e) if e.is_io_error() || e.is_unrecoverable_error() => {
                            call(connection).await
                        }
                        answer => answer,
                    }
                };
                tokio::time::timeout(timeout, attempts)
                    .await
                    .map_err(|_| format!("no answer within {timeout:?}"))
                    .and_then(|answer| answer.map_err(|e| describe(&e)))
            }
            Err(reason) => Err(reason),
        };
        match answer {
            Ok(value) => {
                if self.outage.swap(false, Ordering::Relaxed) {
                    tracing::info!("Redis is reachable again");
                }
                Ok(value)
            }
            Err(reason) => {
                let retry_at = self
                    .millis()
                    .saturating_add(millis_arg(RETRY_AFTER_FAILURE));
                self.skip_until.store(retry_at, Ordering::Relaxed);
                let first = !self.outage.swap(true, Ordering::Relaxed);
                Err(Failure { reason, first })
            }
        }
    }
}

/// What failed, in words that hold no address or credential (a redis
/// error's own text can quote either).
fn describe(e: &RedisError) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connection_refusal() {
        "connection refused".into()
    } else if e.is_connection_dropped() {
        "connection dropped".into()
    } else if let Some(code) = e.code() {
        // A server error: OOM, READONLY, WRONGTYPE, NOAUTH…
        format!("Redis answered {code}")
    } else {
        e.category().to_string()
    }
}

/// Milliseconds for a Redis argument, at least 1 (Redis refuses a PX of 0).
fn millis_arg(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}
