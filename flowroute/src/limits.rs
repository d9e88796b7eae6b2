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
//! fails with [`Error::RateLimited`](crate::Error::RateLimited) and is not sent.
//!
//! One limiter paces one client. Processes that share an access key share
//! Flowroute's limit too: give each a share of it with [`RateLimits::sms`] and
//! [`RateLimits::mms`].

use crate::retry::Clock;
use flowroute_raw::{OperationSpec, RateLimit};
use governor::{
    Quota, RateLimiter, clock,
    middleware::NoOpMiddleware,
    state::{InMemoryState, NotKeyed},
};
use serde::Deserialize;
use std::{fmt, num::NonZeroU32, sync::Arc, time::Duration, time::Instant};

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

/// A call that could not get a permit before its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NoPermit {
    pub(crate) bucket: Bucket,
    pub(crate) per_second: u32,
    /// How long the call would still have had to wait.
    pub(crate) wait: Duration,
}

/// The client's limiter: one GCRA per paced bucket.
pub(crate) struct Limiter {
    limits: RateLimits,
    sms: Option<Gcra>,
    mms: Option<Gcra>,
    other: Option<Gcra>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limiter")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Limiter {
    /// A limiter for checked `limits`.
    pub(crate) fn new(limits: RateLimits, clock: Arc<dyn Clock>) -> Limiter {
        let gcra = |per_second: Option<u32>| {
            let per_second = NonZeroU32::new(per_second?)?;
            // A burst of one: permits evenly spaced, never n at once.
            let quota = Quota::per_second(per_second).allow_burst(NonZeroU32::MIN);
            Some(RateLimiter::direct_with_clock(
                quota,
                ClientClock(clock.clone()),
            ))
        };
        Limiter {
            limits,
            sms: gcra(limits.sms),
            mms: gcra(limits.mms),
            other: gcra(limits.other),
            clock,
        }
    }

    /// The paced bucket a request counts against, `None` when it is unpaced.
    pub(crate) fn bucket(&self, operation: &OperationSpec, body: Option<&[u8]>) -> Option<Bucket> {
        let bucket = match operation.rate_limit {
            RateLimit::MessageSend if is_mms(body) => Bucket::Mms,
            RateLimit::MessageSend => Bucket::Sms,
            RateLimit::General => Bucket::Other,
        };
        self.gcra(bucket).map(|_| bucket)
    }

    fn gcra(&self, bucket: Bucket) -> Option<&Gcra> {
        match bucket {
            Bucket::Sms => self.sms.as_ref(),
            Bucket::Mms => self.mms.as_ref(),
            Bucket::Other => self.other.as_ref(),
        }
    }

    /// Waits for a permit of `bucket`, for at most `remaining`. A permit is
    /// taken only when the call will be sent: one that would come too late is
    /// refused at once, without waiting for nothing.
    pub(crate) async fn acquire(
        &self,
        bucket: Bucket,
        remaining: Duration,
    ) -> Result<(), NoPermit> {
        let Some(gcra) = self.gcra(bucket) else {
            return Ok(());
        };
        let started = self.clock.now();
        loop {
            let wait = match gcra.check() {
                Ok(()) => return Ok(()),
                Err(not_until) => not_until.wait_time_from(self.clock.now()),
            };
            let waited = self.clock.now().saturating_duration_since(started);
            if waited.saturating_add(wait) >= remaining {
                return Err(NoPermit {
                    bucket,
                    per_second: self.limits.per_second(bucket).unwrap_or_default(),
                    wait,
                });
            }
            // Another caller may take the permit first: then check again.
            self.clock.sleep(wait).await;
        }
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
mod tests {
    use super::*;
    use crate::retry::BoxFuture;
    use std::sync::Mutex;

    /// Time that moves only when slept on.
    #[derive(Clone)]
    struct FakeClock {
        start: Instant,
        elapsed: Arc<Mutex<Duration>>,
    }

    impl FakeClock {
        fn new() -> Self {
            FakeClock {
                start: Instant::now(),
                elapsed: Arc::default(),
            }
        }

        fn elapsed(&self) -> Duration {
            *self.elapsed.lock().unwrap()
        }
    }

    impl Clock for FakeClock {
        fn now(&self) -> Instant {
            self.start + self.elapsed()
        }

        fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
            *self.elapsed.lock().unwrap() += duration;
            Box::pin(std::future::ready(()))
        }
    }

    fn op(id: &str) -> &'static OperationSpec {
        flowroute_raw::operation(id).expect("operation in the spec")
    }

    const LONG: Duration = Duration::from_secs(3600);

    #[tokio::test]
    async fn sms_permits_are_spaced_a_fifth_of_a_second_apart() {
        let clock = FakeClock::new();
        let limiter = Limiter::new(RateLimits::documented(), Arc::new(clock.clone()));
        let mut granted = Vec::new();
        for _ in 0..11 {
            limiter.acquire(Bucket::Sms, LONG).await.unwrap();
            granted.push(clock.elapsed());
        }
        let expected: Vec<_> = (0..11).map(|i| Duration::from_millis(200 * i)).collect();
        assert_eq!(granted, expected);
        // So every one-second window holds at most five.
        for (i, start) in granted.iter().enumerate() {
            let inside = granted[i..]
                .iter()
                .filter(|t| **t < *start + Duration::from_secs(1))
                .count();
            assert!(inside <= 5, "{inside} permits from {start:?}");
        }
    }

    #[tokio::test]
    async fn buckets_are_independent() {
        let clock = FakeClock::new();
        let limiter = Limiter::new(RateLimits::documented(), Arc::new(clock.clone()));
        limiter.acquire(Bucket::Mms, LONG).await.unwrap();
        limiter.acquire(Bucket::Sms, LONG).await.unwrap();
        assert_eq!(
            clock.elapsed(),
            Duration::ZERO,
            "an MMS takes no SMS permit"
        );
        limiter.acquire(Bucket::Mms, LONG).await.unwrap();
        assert_eq!(clock.elapsed(), Duration::from_secs(1), "one MMS a second");
        // Other calls are unpaced by default.
        for _ in 0..100 {
            limiter.acquire(Bucket::Other, LONG).await.unwrap();
        }
        assert_eq!(clock.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test]
    async fn a_permit_that_would_come_after_the_deadline_is_refused_without_waiting() {
        let clock = FakeClock::new();
        let limiter = Limiter::new(RateLimits::documented(), Arc::new(clock.clone()));
        limiter.acquire(Bucket::Mms, LONG).await.unwrap();
        let refused = limiter
            .acquire(Bucket::Mms, Duration::from_millis(500))
            .await
            .unwrap_err();
        assert_eq!(
            refused,
            NoPermit {
                bucket: Bucket::Mms,
                per_second: 1,
                wait: Duration::from_secs(1)
            }
        );
        assert_eq!(
            clock.elapsed(),
            Duration::ZERO,
            "no time spent waiting in vain"
        );
        // The refusal took no permit: the next caller with time gets it at 1 s.
        limiter.acquire(Bucket::Mms, LONG).await.unwrap();
        assert_eq!(clock.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test]
    async fn custom_figures_and_off() {
        let clock = FakeClock::new();
        let limiter = Limiter::new(RateLimits::off().sms(50).other(2), Arc::new(clock.clone()));
        for _ in 0..3 {
            limiter.acquire(Bucket::Sms, LONG).await.unwrap();
        }
        assert_eq!(clock.elapsed(), Duration::from_millis(40));
        for _ in 0..3 {
            limiter.acquire(Bucket::Mms, LONG).await.unwrap();
        }
        assert_eq!(clock.elapsed(), Duration::from_millis(40), "MMS off");
        for _ in 0..2 {
            limiter.acquire(Bucket::Other, LONG).await.unwrap();
        }
        assert_eq!(clock.elapsed(), Duration::from_millis(540));
        assert!(RateLimits::documented().sms(0).check().is_err());
        assert!(
            RateLimits::off()
                .other(0)
                .check()
                .unwrap_err()
                .contains("0 API calls")
        );
    }

    #[test]
    fn the_body_tells_an_mms_from_an_sms() {
        let limiter = Limiter::new(RateLimits::documented(), Arc::new(FakeClock::new()));
        let send = op("send_a_message");
        let bucket = |body: &str| limiter.bucket(send, Some(body.as_bytes()));
        assert_eq!(
            bucket(r#"{"to":"1","from":"2","body":"hi"}"#),
            Some(Bucket::Sms)
        );
        assert_eq!(
            bucket(r#"{"to":"1","from":"2","body":"hi","media_urls":[]}"#),
            Some(Bucket::Sms)
        );
        assert_eq!(
            bucket(r#"{"to":"1","from":"2","media_urls":["https://x/a.png"]}"#),
            Some(Bucket::Mms)
        );
        assert_eq!(
            bucket(r#"{"to":"1","from":"2","body":"long","is_mms":true}"#),
            Some(Bucket::Mms)
        );
        assert_eq!(bucket("not json"), Some(Bucket::Mms), "the stricter budget");
        // Other calls are unpaced unless a figure is given.
        assert_eq!(limiter.bucket(op("list_account_phone_numbers"), None), None);
        let paced = Limiter::new(RateLimits::off().other(1), Arc::new(FakeClock::new()));
        assert_eq!(
            paced.bucket(op("list_account_phone_numbers"), None),
            Some(Bucket::Other)
        );
        assert_eq!(
            paced.bucket(send, Some(b"{}")),
            None,
            "sends unpaced when off"
        );
    }
}
