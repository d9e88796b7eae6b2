//! Client-side rate limits: the client keeps to Flowroute's documented sending
//! limits by itself, so that sending many messages never meets a 429.
//!
//! Flowroute accepts 5 SMS and 1 MMS a second per access key and endpoint,
//! answers 429 beyond that, and may treat bursts as spam. Every client (and
//! all its clones, and the clients made from it with `with_deadline` and the
//! like) shares one limiter with a budget per kind of call:
//!
//! | bucket | counts | default |
//! |---|---|---|
//! | [`Bucket::Sms`] | message sends without media | 5 a second |
//! | [`Bucket::Mms`] | message sends with media, or marked `is_mms` | 1 a second |
//! | [`Bucket::Other`] | every other call | off: Flowroute documents no figure |
//!
//! Which calls are message sends is the spec's `x-rate-limit` (see
//! [`flowroute_raw::RateLimit`]); the body tells an MMS from an SMS, so the
//! raw client ([`Client::raw`](crate::Client::raw)) is paced too.
//!
//! Permits are spaced evenly (GCRA, through the `governor` crate, with a
//! burst of one): at 5 a second, one every 200 ms, so that no one-second
//! window ever holds more than five, which a limit counted over sliding
//! windows requires. A call waits for its permit before each attempt, and the
//! wait counts against its deadline: a call that cannot get a permit in time
//! fails with [`Error::RateLimited`] and is not sent.
//!
//! # Where the permits come from
//!
//! The figures stay in [`RateLimits`]; the permits come from a
//! [`PermitStore`]. The default, [`MemoryPermits`], is one GCRA per bucket in
//! this process, which paces one client and its clones. Processes that share
//! an access key share Flowroute's limit too; either give each a share of it
//! ([`RateLimits::sms`], [`RateLimits::mms`]), or let all of them take their
//! permits from one store with
//! [`ClientBuilder::permit_store`](crate::ClientBuilder::permit_store): with
//! the `redis` feature, `flowroute::redis::RedisPermits` keeps one timeline
//! per access key and bucket on a Redis server, so that any number of
//! instances together stay under the limit.

mod memory;

pub use memory::MemoryPermits;

use crate::error::Error;
use crate::retry::BoxFuture;
use flowroute_raw::{OperationSpec, RateLimit};
use serde::Deserialize;
use std::{fmt, sync::Arc, time::Duration};

/// The kinds of call that have their own budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Bucket {
    /// A message send without media.
    Sms,
    /// A message send with media, or marked `is_mms`.
    Mms,
    /// Every call that sends no message.
    Other,
}

impl Bucket {
    /// A stable name for keys and logs: `sms`, `mms` or `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Sms => "sms",
            Bucket::Mms => "mms",
            Bucket::Other => "other",
        }
    }
}

impl fmt::Display for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bucket::Sms => "SMS",
            Bucket::Mms => "MMS",
            Bucket::Other => "API call",
        })
    }
}

/// How many calls of each kind the client sends a second; set with
/// [`ClientBuilder::rate_limits`](crate::ClientBuilder::rate_limits).
///
/// ```
/// use flowroute::limits::RateLimits;
/// // Flowroute's documented figures: the default.
/// let documented = RateLimits::documented();
/// // An account with negotiated limits, and a cap on every other call too.
/// let negotiated = RateLimits::documented().sms(20).mms(5).other(10);
/// // No pacing at all (a simulator, or a proxy that paces for you).
/// let off = RateLimits::off();
/// # let _ = (documented, negotiated, off);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    sms: Option<u32>,
    mms: Option<u32>,
    other: Option<u32>,
}

impl RateLimits {
    /// SMS a second Flowroute accepts per access key.
    pub const DOCUMENTED_SMS_PER_SECOND: u32 = 5;
    /// MMS a second Flowroute accepts per access key.
    pub const DOCUMENTED_MMS_PER_SECOND: u32 = 1;

    /// Flowroute's documented figures: 5 SMS and 1 MMS a second, other calls
    /// unpaced. The default.
    pub fn documented() -> Self {
        RateLimits {
            sms: Some(Self::DOCUMENTED_SMS_PER_SECOND),
            mms: Some(Self::DOCUMENTED_MMS_PER_SECOND),
            other: None,
        }
    }

    /// No pacing: every call is sent at once.
    pub fn off() -> Self {
        RateLimits {
            sms: None,
            mms: None,
            other: None,
        }
    }

    /// SMS a second (at least 1; 0 is refused when the client is built).
    pub fn sms(mut self, per_second: u32) -> Self {
        self.sms = Some(per_second);
        self
    }

    /// MMS a second (at least 1; 0 is refused when the client is built).
    pub fn mms(mut self, per_second: u32) -> Self {
        self.mms = Some(per_second);
        self
    }

    /// Every other call, a second (at least 1; 0 is refused when the client
    /// is built). Off by default.
    pub fn other(mut self, per_second: u32) -> Self {
        self.other = Some(per_second);
        self
    }

    /// The figure for a bucket, `None` when it is not paced.
    pub fn per_second(&self, bucket: Bucket) -> Option<u32> {
        match bucket {
            Bucket::Sms => self.sms,
            Bucket::Mms => self.mms,
            Bucket::Other => self.other,
        }
    }

    /// Each figure is a rate; 0 would mean "never send", which no account has.
    pub(crate) fn check(&self) -> Result<(), String> {
        for bucket in [Bucket::Sms, Bucket::Mms, Bucket::Other] {
            if self.per_second(bucket) == Some(0) {
                return Err(format!(
                    "rate_limits: 0 {bucket}s a second would never send one; give at least 1, or RateLimits::off()"
                ));
            }
        }
        Ok(())
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::documented()
    }
}

/// Where a client's permits come from: any number of clients, in any number
/// of processes, that take their permits from one store share its budget.
///
/// [`acquire`](Self::acquire) resolves when the caller may send: at once, or
/// after waiting its turn. A permit that would come after
/// [`max_wait`](PermitRequest::max_wait) is refused at once with
/// [`PermitError::TooLate`], and none is taken; a store that cannot decide
/// (a server out of reach) answers [`PermitError::Unavailable`] or applies a
/// fallback of its own. A permit is spent once granted, whether or not the
/// caller then sends.
///
/// [`MemoryPermits`] is the default; `Arc<S>` is a store wherever `S` is,
/// so that one store can be given to several clients.
pub trait PermitStore: Send + Sync + fmt::Debug {
    /// Waits for a permit, for at most `request.max_wait`.
    fn acquire<'a>(&'a self, request: PermitRequest<'a>) -> BoxFuture<'a, Result<(), PermitError>>;
}

impl<S: PermitStore + ?Sized> PermitStore for Arc<S> {
    fn acquire<'a>(&'a self, request: PermitRequest<'a>) -> BoxFuture<'a, Result<(), PermitError>> {
        (**self).acquire(request)
    }
}

/// One call's request for a permit.
#[derive(Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PermitRequest<'a> {
    /// The access key the call is made with: Flowroute's limits are per key.
    /// It names an account, it is not the secret; still, keep it out of logs.
    pub access_key: &'a str,
    /// The budget the call counts against.
    pub bucket: Bucket,
    /// The spacing of permits: a second divided by the bucket's figure.
    pub interval: Duration,
    /// The longest the call may wait: what is left of its deadline.
    pub max_wait: Duration,
}

impl<'a> PermitRequest<'a> {
    /// A request, for stores' own tests; the client makes them from its
    /// [`RateLimits`] and deadline.
    pub fn new(
        access_key: &'a str,
        bucket: Bucket,
        interval: Duration,
        max_wait: Duration,
    ) -> Self {
        PermitRequest {
            access_key,
            bucket,
            interval,
            max_wait,
        }
    }
}

impl fmt::Debug for PermitRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PermitRequest")
            .field("access_key", &crate::client::key_prefix(self.access_key))
            .field("bucket", &self.bucket)
            .field("interval", &self.interval)
            .field("max_wait", &self.max_wait)
            .finish()
    }
}

/// Why a [`PermitStore`] granted no permit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PermitError {
    /// The next permit comes after the request's `max_wait`; none was taken.
    #[error("no permit in time: the next in {wait:?}")]
    TooLate {
        /// How long the caller would have had to wait.
        wait: Duration,
    },
    /// The store could not be asked, and is set to refuse rather than guess.
    #[error("the permit store is unavailable: {reason}")]
    Unavailable {
        /// What failed, without addresses or credentials.
        reason: String,
    },
}

/// A call that got no permit; nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NoPermit {
    /// None before the deadline.
    TooLate {
        bucket: Bucket,
        per_second: u32,
        /// How long the call would still have had to wait.
        wait: Duration,
    },
    /// The store could not be asked and fails closed.
    Unavailable { bucket: Bucket, reason: String },
}

impl NoPermit {
    /// The caller's error, after `attempts` attempts answered 429.
    pub(crate) fn into_error(self, operation: &'static str, attempts: u32) -> Error {
        match self {
            NoPermit::TooLate {
                bucket,
                per_second,
                wait,
            } => Error::RateLimited {
                operation,
                bucket,
                per_second,
                wait,
                attempts,
            },
            NoPermit::Unavailable { bucket, reason } => Error::RateLimiterUnavailable {
                operation,
                bucket,
                reason,
            },
        }
    }
}

/// The client's limiter: its figures, and the store its permits come from.
pub(crate) struct Limiter {
    limits: RateLimits,
    store: Arc<dyn PermitStore>,
    /// Flowroute's limits are per access key, so a shared store keys on it.
    access_key: Arc<str>,
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limiter")
            .field("limits", &self.limits)
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl Limiter {
    /// A limiter for checked `limits`.
    pub(crate) fn new(
        limits: RateLimits,
        store: Arc<dyn PermitStore>,
        access_key: Arc<str>,
    ) -> Limiter {
        Limiter {
            limits,
            store,
            access_key,
        }
    }

    /// The paced bucket a request counts against, `None` when it is unpaced.
    pub(crate) fn bucket(&self, operation: &OperationSpec, body: Option<&[u8]>) -> Option<Bucket> {
        let bucket = match operation.rate_limit {
            RateLimit::MessageSend if is_mms(body) => Bucket::Mms,
            RateLimit::MessageSend => Bucket::Sms,
            RateLimit::General => Bucket::Other,
        };
        self.limits.per_second(bucket).map(|_| bucket)
    }

    /// Waits for a permit of `bucket`, for at most `remaining`. A permit is
    /// taken only when the call will be sent: one that would come too late is
    /// refused at once, without waiting for nothing.
    pub(crate) async fn acquire(
        &self,
        bucket: Bucket,
        remaining: Duration,
    ) -> Result<(), NoPermit> {
        let Some(per_second) = self.limits.per_second(bucket) else {
            return Ok(());
        };
        let request = PermitRequest::new(
            &self.access_key,
            bucket,
            Duration::from_secs(1) / per_second,
            remaining,
        );
        self.store
            .acquire(request)
            .await
            .map_err(|refusal| match refusal {
                PermitError::TooLate { wait } => NoPermit::TooLate {
                    bucket,
                    per_second,
                    wait,
                },
                PermitError::Unavailable { reason } => NoPermit::Unavailable { bucket, reason },
            })
    }
}

/// Whether a send's body is an MMS: it has media, or says `is_mms`. A body
/// that cannot be read counts as an MMS, the stricter budget.
fn is_mms(body: Option<&[u8]>) -> bool {
    #[derive(Deserialize)]
    struct Send {
        #[serde(default)]
        media_urls: Vec<serde::de::IgnoredAny>,
        #[serde(default)]
        is_mms: Option<bool>,
    }
    match body.map(serde_json::from_slice::<Send>) {
        Some(Ok(send)) => !send.media_urls.is_empty() || send.is_mms == Some(true),
        _ => true,
    }
}

#[cfg(test)]
mod tests;
