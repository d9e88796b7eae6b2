//! The limiter on its default store and on stores of the tests' own.

use super::*;
use crate::retry::Clock;
use std::sync::Mutex;
use std::time::Instant;

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

/// A limiter on the default store, on `clock`.
fn memory_limiter(limits: RateLimits, clock: &FakeClock) -> Limiter {
    let store = Arc::new(MemoryPermits::with_clock(clock.clone()));
    Limiter::new(limits, store, "key".into())
}

#[tokio::test]
async fn sms_permits_are_spaced_a_fifth_of_a_second_apart() {
    let clock = FakeClock::new();
    let limiter = memory_limiter(RateLimits::documented(), &clock);
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
    let limiter = memory_limiter(RateLimits::documented(), &clock);
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
    let limiter = memory_limiter(RateLimits::documented(), &clock);
    limiter.acquire(Bucket::Mms, LONG).await.unwrap();
    let refused = limiter
        .acquire(Bucket::Mms, Duration::from_millis(500))
        .await
        .unwrap_err();
    assert_eq!(
        refused,
        NoPermit::TooLate {
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
    let limiter = memory_limiter(RateLimits::off().sms(50).other(2), &clock);
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
    let limiter = memory_limiter(RateLimits::documented(), &FakeClock::new());
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
    let paced = memory_limiter(RateLimits::off().other(1), &FakeClock::new());
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

#[tokio::test]
async fn clients_on_one_store_share_the_budget_of_their_access_key() {
    let clock = FakeClock::new();
    let store: Arc<dyn PermitStore> = Arc::new(MemoryPermits::with_clock(clock.clone()));
    let limits = RateLimits::documented();
    let a = Limiter::new(limits, store.clone(), "key".into());
    let b = Limiter::new(limits, store.clone(), "key".into());
    let other_account = Limiter::new(limits, store, "other".into());
    a.acquire(Bucket::Sms, LONG).await.unwrap();
    other_account.acquire(Bucket::Sms, LONG).await.unwrap();
    assert_eq!(
        clock.elapsed(),
        Duration::ZERO,
        "another key, another budget"
    );
    b.acquire(Bucket::Sms, LONG).await.unwrap();
    assert_eq!(
        clock.elapsed(),
        Duration::from_millis(200),
        "one key, one budget"
    );
}

/// Records what it is asked, and answers as told.
#[derive(Debug, Default)]
struct Scripted {
    asked: Mutex<Vec<(String, Bucket, Duration, Duration)>>,
    answer: Mutex<Option<PermitError>>,
}

impl PermitStore for Scripted {
    fn acquire<'a>(&'a self, request: PermitRequest<'a>) -> BoxFuture<'a, Result<(), PermitError>> {
        self.asked.lock().unwrap().push((
            request.access_key.to_string(),
            request.bucket,
            request.interval,
            request.max_wait,
        ));
        let answer = self.answer.lock().unwrap().clone();
        Box::pin(std::future::ready(answer.map_or(Ok(()), Err)))
    }
}

#[tokio::test]
async fn a_store_is_asked_with_the_key_the_spacing_and_the_time_left() {
    let store = Arc::new(Scripted::default());
    let limiter = Limiter::new(RateLimits::documented(), store.clone(), "key".into());
    limiter.acquire(Bucket::Sms, LONG).await.unwrap();
    limiter.acquire(Bucket::Other, LONG).await.unwrap();
    *store.answer.lock().unwrap() = Some(PermitError::Unavailable {
        reason: "down".into(),
    });
    let refused = limiter
        .acquire(Bucket::Mms, Duration::from_secs(2))
        .await
        .unwrap_err();
    assert_eq!(
        refused,
        NoPermit::Unavailable {
            bucket: Bucket::Mms,
            reason: "down".into()
        }
    );
    assert_eq!(
        *store.asked.lock().unwrap(),
        [
            ("key".into(), Bucket::Sms, Duration::from_millis(200), LONG),
            (
                "key".into(),
                Bucket::Mms,
                Duration::from_secs(1),
                Duration::from_secs(2)
            ),
        ],
        "an unpaced bucket asks nothing"
    );
    let error = refused.into_error("send_a_message", 0);
    assert!(matches!(error, Error::RateLimiterUnavailable { .. }));
    assert!(error.is_safe_to_retry(), "nothing was sent");
}

#[test]
fn a_request_shows_only_the_start_of_the_access_key() {
    let request = PermitRequest::new("abcdefgh", Bucket::Sms, LONG, LONG);
    let shown = format!("{request:?}");
    assert!(
        shown.contains("abcd…") && !shown.contains("abcdefgh"),
        "{shown}"
    );
}
