//! The webhook dedupe shared through Redis: a claim with a lease, then done.

use super::{Connection, DEFAULT_PREFIX, DEFAULT_TIMEOUT, Redis, millis_arg};
use crate::Error;
use crate::retry::BoxFuture;
use crate::webhooks::{Claim, ClaimToken, DedupeError, DedupeKey, DedupeStore};
use ::redis::Script;
use ::redis::aio::ConnectionManager;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, SystemTime};

/// KEYS[1] is the event's key, ARGV[1] this claim's value, ARGV[2] its lease
/// in milliseconds. Answers `first` when the claim was taken, or else what
/// the key holds: one round trip, and no window between the two in which
/// the key could change.
const CLAIM: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'first' end
return redis.call('GET', KEYS[1])
";

/// Deletes KEYS[1] only while it holds ARGV[1]: a claim whose lease ended
/// and that another instance took since is not ours to forget.
const FORGET: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

static CLAIM_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(CLAIM));
static FORGET_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(FORGET));

const DONE: &str = "done";
const IN_PROGRESS: &str = "in-progress:";

/// How long a claim holds, by default: the receiver's own request timeout,
/// which ends any handler that runs longer.
const DEFAULT_LEASE: Duration = Duration::from_secs(30);
/// How long a handled event is remembered, by default: as long as the
/// in-memory `Dedupe`, well past Flowroute's last resend.
const DEFAULT_WINDOW: Duration = Duration::from_secs(600);

/// What [`RedisDedupe`] does while Redis is out of reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DedupeFallback {
    /// Handle every event, resends included: delivery stays at least once,
    /// as without dedupe. The default.
    #[default]
    FailOpen,
    /// Answer 503, so that Flowroute sends the event again (four times, 30 s
    /// apart): no event is handled twice, and one that outlasts the resends
    /// is only in the message records.
    FailClosed,
}

/// A [`DedupeStore`] on Redis, shared by every instance behind one callback
/// URL that uses the same server and [prefix](Self::prefix). See the
/// [module docs](super) for the keys and what happens when Redis is out of
/// reach.
pub struct RedisDedupe {
    /// Shared with the futures of `settle`, which may outlive a request.
    redis: Arc<Redis>,
    timeout: Duration,
    prefix: String,
    lease: Duration,
    window: Duration,
    fallback: DedupeFallback,
}

impl fmt::Debug for RedisDedupe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // No URL: it can hold a password.
        f.debug_struct("RedisDedupe")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .field("lease", &self.lease)
            .field("window", &self.window)
            .field("fallback", &self.fallback)
            .finish_non_exhaustive()
    }
}

impl RedisDedupe {
    /// A dedupe on the Redis server at `url`
    /// (`redis://[user:password@]host[:port][/db]`). Nothing connects until
    /// the first event.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a URL that is not a Redis URL (`rediss://` too:
    /// for TLS, see [`with_connection`](Self::with_connection)).
    pub fn new(url: &str) -> Result<RedisDedupe, Error> {
        Ok(RedisDedupe::on(Redis::open(url)?))
    }

    /// A dedupe through a connection of your own (TLS, Sentinel, other
    /// timeouts), from the `redis` crate this one is built with. Calls are
    /// still bounded by [`timeout`](Self::timeout).
    pub fn with_connection(connection: ConnectionManager) -> RedisDedupe {
        RedisDedupe::on(Redis::with(Connection::Given(connection)))
    }

    fn on(redis: Redis) -> RedisDedupe {
        RedisDedupe {
            redis: Arc::new(redis),
            timeout: DEFAULT_TIMEOUT,
            prefix: DEFAULT_PREFIX.to_string(),
            lease: DEFAULT_LEASE,
            window: DEFAULT_WINDOW,
            fallback: DedupeFallback::default(),
        }
    }

    /// The start of every key; default [`DEFAULT_PREFIX`](super::DEFAULT_PREFIX),
    /// `flowroute:`. Instances recognise each other's events only under one
    /// prefix.
    pub fn prefix(mut self, prefix: impl Into<String>) -> RedisDedupe {
        self.prefix = prefix.into();
        self
    }

    /// The longest any Redis call may take, connecting included; default
    /// [`DEFAULT_TIMEOUT`](super::DEFAULT_TIMEOUT), 250 ms. A call that takes
    /// longer counts as Redis out of reach.
    pub fn timeout(mut self, timeout: Duration) -> RedisDedupe {
        self.timeout = timeout;
        self
    }

    /// How long a claim holds while its event is handled; default 30 s. An
    /// instance that dies holding one delays its event until the lease ends.
    pub fn lease(mut self, lease: Duration) -> RedisDedupe {
        self.lease = lease;
        self
    }

    /// How long a handled event is recognised; default 10 minutes, past
    /// Flowroute's last resend (four, 30 s apart).
    pub fn window(mut self, window: Duration) -> RedisDedupe {
        self.window = window;
        self
    }

    /// What to do while Redis is out of reach; default
    /// [`DedupeFallback::FailOpen`].
    pub fn fallback(mut self, fallback: DedupeFallback) -> RedisDedupe {
        self.fallback = fallback;
        self
    }

    /// The event's key: its kind in clear, the rest digested, so that no
    /// message id, status or anything a sender chose is written, and every
    /// key has one length.
    fn key(&self, key: &DedupeKey) -> String {
        let fields = (key.kind(), key.message_id(), key.level(), key.status());
        let canonical = serde_json::to_string(&fields).unwrap_or_default();
        let digest = sha1_smol::Sha1::from(canonical).digest();
        format!("{}wh:{}:{digest}", self.prefix, key.kind())
    }
}

impl DedupeStore for RedisDedupe {
    fn claim<'a>(&'a self, key: &'a DedupeKey) -> BoxFuture<'a, Result<Claim, DedupeError>> {
        Box::pin(async move {
            let token = fresh_token();
            let value = claim_value(token);
            let lease = millis_arg(self.lease);
            let key = self.key(key);
            let found = self
                .redis
                .run(self.timeout, |mut connection| {
                    let (key, value) = (&key, &value);
                    async move {
                        CLAIM_SCRIPT
                            .key(key)
                            .arg(value)
                            .arg(lease)
                            .invoke_async::<String>(&mut connection)
                            .await
                    }
                })
                .await;
            match found {
                Ok(found) if found == "first" => Ok(Claim::First { token }),
                Ok(found) if found == DONE => Ok(Claim::Seen),
                Ok(found) if found.starts_with(IN_PROGRESS) => Ok(Claim::InProgress),
                Ok(_) => Err(DedupeError::unavailable(
                    "a dedupe key holds a value this SDK did not write; check the prefix",
                )),
                Err(failure) => match self.fallback {
                    DedupeFallback::FailOpen => {
                        if failure.first {
                            tracing::warn!(reason = %failure.reason, "Redis is out of reach: every webhook is handled, resends included, until it is back");
                        }
                        Ok(Claim::First { token })
                    }
                    DedupeFallback::FailClosed => {
                        if failure.first {
                            tracing::warn!(reason = %failure.reason, "Redis is out of reach: webhooks are answered 503 until it is back");
                        }
                        Err(DedupeError::unavailable(format!(
                            "Redis: {}",
                            failure.reason
                        )))
                    }
                },
            }
        })
    }

    fn settle(
        &self,
        key: &DedupeKey,
        token: ClaimToken,
        handled: bool,
    ) -> BoxFuture<'static, Result<(), DedupeError>> {
        let (redis, timeout) = (self.redis.clone(), self.timeout);
        let key = self.key(key);
        let window = millis_arg(self.window);
        Box::pin(async move {
            let settled = redis
                .run(timeout, |mut connection| {
                    let key = &key;
                    async move {
                        if handled {
                            // Whoever holds the key now, the event was handled.
                            ::redis::cmd("SET")
                                .arg(key)
                                .arg(DONE)
                                .arg("PX")
                                .arg(window)
                                .exec_async(&mut connection)
                                .await
                        } else {
                            FORGET_SCRIPT
                                .key(key)
                                .arg(claim_value(token))
                                .invoke_async::<()>(&mut connection)
                                .await
                        }
                    }
                })
                .await;
            match settled {
                Ok(()) => Ok(()),
                Err(failure) if failure.first => Err(DedupeError::unavailable(format!(
                    "Redis: {}",
                    failure.reason
                ))),
                // The outage was reported when it started: one warning, not
                // one per event.
                Err(failure) => {
                    tracing::debug!(reason = %failure.reason, handled, "a webhook's outcome was not recorded: Redis is out of reach");
                    Ok(())
                }
            }
        })
    }
}

fn claim_value(token: ClaimToken) -> String {
    format!("{IN_PROGRESS}{:032x}", token.get())
}

/// A token no other claim draws, in this process or another: the standard
/// library's randomly keyed hasher over a counter and the time.
fn fresh_token() -> ClaimToken {
    static DRAWN: AtomicU64 = AtomicU64::new(0);
    let n = DRAWN.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let half = |salt: u64| {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(n);
        hasher.write_u64(salt);
        hasher.write_u128(nanos);
        hasher.finish()
    };
    ClaimToken::new(u128::from(half(0)) << 64 | u128::from(half(1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhooks::{self, fixtures};

    fn key_of(doc: serde_json::Value) -> DedupeKey {
        webhooks::parse(doc.to_string().as_bytes())
            .unwrap()
            .dedupe_key()
    }

    #[test]
    fn keys_hold_no_message_id_number_or_text_and_have_one_length() {
        let dedupe = RedisDedupe::new("redis://127.0.0.1:1").unwrap();
        let sms = fixtures::inbound_sms("12061232634", "12012673227", "secret text");
        let id = sms["data"]["id"].as_str().unwrap().to_string();
        let key = dedupe.key(&key_of(sms));
        assert!(key.starts_with("flowroute:wh:message:"), "{key}");
        assert!(!key.contains(&id) && !key.contains("1206"), "{key}");
        let receipt = dedupe.key(&key_of(fixtures::delivery_receipt(&id, "DELIVRD")));
        let other = dedupe.key(&key_of(fixtures::delivery_receipt(&id, "FAILED")));
        assert_ne!(receipt, other, "one message, two receipts");
        assert_eq!(receipt.len(), "flowroute:wh:delivery_receipt:".len() + 40);
    }

    #[test]
    fn tokens_differ() {
        let tokens: std::collections::HashSet<_> = (0..1000).map(|_| fresh_token()).collect();
        assert_eq!(tokens.len(), 1000);
        assert_eq!(
            claim_value(ClaimToken::new(1)).len(),
            IN_PROGRESS.len() + 32
        );
    }
}
