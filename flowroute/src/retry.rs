//! When a failed request is sent again, and how long to wait first.
//!
//! Retries are on by default only where repeating a request cannot change the
//! outcome: reads, and writes whose effect is the same however often they run
//! (setting a route, an alias or a callback URL). Sending a message and buying a
//! number are repeated automatically only after a 429, Flowroute's refusal
//! before doing anything; other writes also when the connection failed before
//! the request left (it never reached Flowroute).
//!
//! Each operation's class is its `x-retry-class` in the spec, where the reason
//! for every choice that is not obvious is written; this module only reads it
//! from [`flowroute_raw::OPERATIONS`]. The table below is checked against it by
//! a test.
//!
//! | class | operations | retried on |
//! |---|---|---|
//! | read | every `GET`; `validate_e911_address`, `check_number_portability` (checks sent as POST that save nothing); the CDR file download | connection failures, timeouts, 429, 502, 503, 504 |
//! | idempotent | `update_phone_number_details`, `update_a_voice_route`, `update_primary_voice_route`, `remove_primary_voice_route`, `update_failover_voice_route`, `remove_failover_voice_route`, `set_account_callback_url`, `remove_account_callback_url`, `set_account_callback_url_v2_2`, `remove_account_callback_url_v2_2`, `set_number_callback_url`, `remove_number_callback_url`, `update_e911_address`, `assign_e911_address_to_number`, `remove_e911_address_from_number`, `update_cnam_record`, `assign_cnam_record_to_number`, `unassign_cnam_record_from_number` | connection failures, timeouts, 429, 502, 503, 504 |
//! | not-idempotent | `release_a_phone_number`, `create_an_inbound_route`, `delete_a_voice_route`, `create_cdr_export`, `create_e911_address`, `delete_e911_address`, `create_cnam_record`, `delete_cnam_record` | connection failures before sending, 429 (refused unprocessed) |
//! | never | `send_a_message`, `send_a_message_v2_2`, `purchase_a_phone_number` | 429 only; anything else only when [`RetryPolicy::retry_unsafe`] opts in |
//!
//! After a call failed, [`Error::is_transient`](crate::Error::is_transient)
//! says whether the failure may go away, and
//! [`Error::is_safe_to_retry`](crate::Error::is_safe_to_retry) whether sending
//! the call again cannot do it twice: true for the operations in the first
//! two rows, and for any operation whose connection never opened or that Flowroute
//! refused with 429. A send that timed out, or got a 502/503/504 from a proxy,
//! may have gone out: it is transient but not safe.
//!
//! A 429 is retried for every class, sends and purchases included: Flowroute
//! answers it to a request it refused before doing anything with it (the
//! documented rate limits), so sending it again cannot do anything twice.
//! Every other failure of a send or a purchase (a timeout, a dropped
//! connection, a 5xx) may come after Flowroute acted, and is never repeated.
//! With the client's rate limiter ([`limits`](crate::limits)) on, the retry
//! also waits for the next permit.
//!
//! Waits grow exponentially with full jitter (a random delay between zero and
//! the exponential bound), capped; a `Retry-After` from the server is honoured
//! but clamped; and the whole call, retries included, must fit in the deadline.

pub use flowroute_raw::BoxFuture;
use flowroute_raw::{OperationSpec, RetryClass};
use std::{
    fmt,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant, SystemTime},
};

/// How an operation may be repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Repeating it has the same effect as sending it once.
    Idempotent,
    /// Repeating it after Flowroute processed it would do it twice (a second
    /// route, a second E911 record), or fail confusingly (a 404 after a delete).
    NotIdempotent,
    /// Repeating it could send a second message or buy a second number.
    Never,
}

/// Whether an operation changes nothing on the account: its class is `read`
/// (every `GET`, and the two checks sent as `POST`: E911 validation, number
/// portability).
pub(crate) fn only_reads(op: &OperationSpec) -> bool {
    op.retry == RetryClass::Read
}

/// The retry class of an operation; see the [module docs](self).
pub fn idempotency(op: &OperationSpec) -> Idempotency {
    repeats(op.retry)
}

/// What a spec class means for repeating: a read repeats like any idempotent call.
fn repeats(class: RetryClass) -> Idempotency {
    match class {
        RetryClass::Read | RetryClass::Idempotent => Idempotency::Idempotent,
        RetryClass::NotIdempotent => Idempotency::NotIdempotent,
        RetryClass::Never => Idempotency::Never,
    }
}

/// Retry settings of a client.
#[derive(Clone)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) retry_unsafe: bool,
    pub(crate) jitter: Arc<dyn Fn() -> f64 + Send + Sync>,
}

impl RetryPolicy {
    /// Attempts per call, the first included: 3.
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
    /// The first backoff bound: 250 ms, doubling per retry.
    pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(250);
    /// The largest backoff bound: 8 s.
    pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(8);
    /// The longest `Retry-After` honoured: 30 s. A longer one ends the retries.
    pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

    /// No retries at all: every call is sent exactly once.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts per call, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff bounds: the first, and the cap.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The longest `Retry-After` to wait for; a longer one ends the retries.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Also retry `send_a_message` and `purchase_a_phone_number`, and the other
    /// non-idempotent writes, on every retryable failure.
    ///
    /// **This can send a message twice or buy two numbers**: when a response is
    /// lost after Flowroute processed the request (a timeout, a dropped
    /// connection, a 502 from a proxy), the retry does it again. Flowroute has
    /// no idempotency keys to prevent that. Use only where a duplicate is
    /// cheaper than a loss, and check the message records afterwards.
    pub fn retry_unsafe(mut self, retry: bool) -> Self {
        self.retry_unsafe = retry;
        self
    }

    /// Replaces the source of jitter (a number in `[0, 1)`), for deterministic tests.
    pub fn jitter(mut self, jitter: impl Fn() -> f64 + Send + Sync + 'static) -> Self {
        self.jitter = Arc::new(jitter);
        self
    }

    /// The wait before retry number `retry` (1 for the first retry): full
    /// jitter under an exponential bound, or the server's `Retry-After`.
    /// `None` when the server asks for longer than [`max_retry_after`](Self::max_retry_after).
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if let Some(wait) = retry_after {
            return (wait <= self.max_retry_after).then_some(wait);
        }
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        let bound = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        // `clamp` keeps NaN, and `mul_f64` panics on it.
        let fraction = match (self.jitter)() {
            f if f.is_nan() => 0.0,
            f => f.clamp(0.0, 1.0),
        };
        Some(bound.mul_f64(fraction))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
            initial_backoff: Self::DEFAULT_INITIAL_BACKOFF,
            max_backoff: Self::DEFAULT_MAX_BACKOFF,
            max_retry_after: Self::DEFAULT_MAX_RETRY_AFTER,
            retry_unsafe: false,
            jitter: Arc::new(random_fraction),
        }
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_attempts", &self.max_attempts)
            .field("initial_backoff", &self.initial_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("max_retry_after", &self.max_retry_after)
            .field("retry_unsafe", &self.retry_unsafe)
            .finish_non_exhaustive()
    }
}

/// What went wrong with one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The connection could not be opened: the request never left.
    Connect,
    /// Sent, but no complete answer (timeout, reset, truncated body).
    Lost,
    /// An answer with this status.
    Status(u16),
}

/// Whether a failure may go away by itself.
pub(crate) fn transient(failure: Failure) -> bool {
    match failure {
        Failure::Connect | Failure::Lost => true,
        Failure::Status(s) => matches!(s, 429 | 502 | 503 | 504),
    }
}

/// Whether repeating an operation of class `class` after `failure` cannot do
/// it twice: it is idempotent, or the request certainly did nothing (it never
/// left, or Flowroute refused it unprocessed with 429).
pub(crate) fn safe_to_repeat(class: Idempotency, failure: Failure) -> bool {
    class == Idempotency::Idempotent || matches!(failure, Failure::Connect | Failure::Status(429))
}

/// Whether the client retries a failure of an operation of class `class` by
/// itself. Stricter than [`safe_to_repeat`]: a send or a purchase that failed
/// any other way than 429 is left to the caller, even when the connection
/// never opened, unless `retry_unsafe` is set. A 429 is Flowroute refusing
/// the request before doing anything with it, so even a send is repeated.
pub(crate) fn retryable(class: Idempotency, failure: Failure, retry_unsafe: bool) -> bool {
    transient(failure)
        && (retry_unsafe
            || failure == Failure::Status(429)
            || (class != Idempotency::Never && safe_to_repeat(class, failure)))
}

/// The class of an operation by its id: the spec's, or for a request the SDK
/// sends outside the spec, the class it is declared with in
/// [`OWN_REQUESTS`](crate::OWN_REQUESTS).
pub(crate) fn class_of(operation: &str) -> Idempotency {
    let own = || {
        crate::OWN_REQUESTS
            .iter()
            .find(|(id, _)| *id == operation)
            .map(|(_, class)| *class)
    };
    let class = flowroute_raw::operation(operation)
        .map(|op| op.retry)
        .or_else(own)
        // An id nothing declares: assume the worst.
        .unwrap_or(RetryClass::NotIdempotent);
    repeats(class)
}

/// Where time comes from: the real clock by default, a fake one in tests so
/// that backoff and deadlines are checked without waiting.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Instant;
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
    /// The wall-clock time, to read a `Retry-After` given as a date.
    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// The real clock, on tokio's timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioClock;

impl Clock for TokioClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A fraction in `[0, 1)` from a per-process xorshift generator: jitter needs
/// spread between clients, not cryptographic quality.
fn random_fraction() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        x = nanos | 1;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    STATE.store(x, Ordering::Relaxed);
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowroute_raw::OPERATIONS;

    fn op(id: &str) -> &'static OperationSpec {
        flowroute_raw::operation(id).expect("operation in the spec")
    }

    #[test]
    fn sending_and_buying_are_retried_only_after_429() {
        for id in ["send_a_message", "purchase_a_phone_number"] {
            let class = idempotency(op(id));
            assert_eq!(class, Idempotency::Never);
            assert!(retryable(class, Failure::Status(429), false), "{id}");
            for failure in [Failure::Connect, Failure::Lost, Failure::Status(503)] {
                assert!(!retryable(class, failure, false), "{id} {failure:?}");
            }
            assert!(retryable(class, Failure::Lost, true), "opt-in retries them");
        }
    }

    #[test]
    fn every_operation_has_a_class_and_reads_are_idempotent() {
        for op in OPERATIONS {
            let class = idempotency(op);
            if op.method == "GET" {
                assert_eq!(class, Idempotency::Idempotent, "{}", op.id);
                assert!(only_reads(op), "{}", op.id);
            }
            if op.id.starts_with("create_") {
                assert_eq!(class, Idempotency::NotIdempotent, "{}", op.id);
            }
        }
        assert_eq!(
            idempotency(op("update_primary_voice_route")),
            Idempotency::Idempotent
        );
        assert_eq!(
            idempotency(op("set_number_callback_url")),
            Idempotency::Idempotent
        );
        assert_eq!(
            idempotency(op("set_account_callback_url")),
            Idempotency::Idempotent
        );
        assert_eq!(
            idempotency(op("release_a_phone_number")),
            Idempotency::NotIdempotent
        );
    }

    #[test]
    fn only_the_spec_classes_read_and_the_sdks_own_download_is_a_read() {
        let reads: Vec<&str> = OPERATIONS
            .iter()
            .filter(|op| only_reads(op) && op.method != "GET")
            .map(|op| op.id)
            .collect();
        assert_eq!(reads, ["validate_e911_address", "check_number_portability"]);
        assert_eq!(class_of(crate::cdrs::DOWNLOAD), Idempotency::Idempotent);
        assert_eq!(class_of("send_a_message"), Idempotency::Never);
        assert_eq!(class_of("no_such_operation"), Idempotency::NotIdempotent);
        for (id, _) in crate::OWN_REQUESTS {
            assert_eq!(
                flowroute_raw::operation(id),
                None,
                "{id} shadows a spec operation"
            );
        }
    }

    /// The module docs' table names every operation in the row of its class,
    /// and only there.
    #[test]
    fn the_docs_table_lists_each_operation_under_its_class() {
        let docs: String = include_str!("retry.rs")
            .lines()
            .filter_map(|l| l.strip_prefix("//! | "))
            .map(|l| format!("{l}\n"))
            .collect();
        let classes = [
            ("read", RetryClass::Read),
            ("idempotent", RetryClass::Idempotent),
            ("not-idempotent", RetryClass::NotIdempotent),
            ("never", RetryClass::Never),
        ];
        for (name, class) in classes {
            let row = docs
                .lines()
                .find(|l| l.starts_with(&format!("{name} |")))
                .unwrap_or_else(|| panic!("no docs row for {name}"));
            let mut named: Vec<&str> = row
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|id| id.starts_with(|c: char| c.is_ascii_lowercase()))
                .collect();
            let mut expected: Vec<&str> = OPERATIONS
                .iter()
                .filter(|op| op.retry == class)
                // The row says "every `GET`" rather than naming them.
                .filter(|op| !(class == RetryClass::Read && op.method == "GET"))
                .map(|op| op.id)
                .collect();
            if class == RetryClass::Read {
                assert!(row.contains("every `GET`"), "{row}");
            }
            named.sort_unstable();
            expected.sort_unstable();
            assert_eq!(named, expected, "the docs row `{name}`");
        }
    }

    #[test]
    fn validation_errors_are_never_retried() {
        for status in [400, 401, 403, 404, 405, 409, 415, 422, 500] {
            assert!(
                !retryable(Idempotency::Idempotent, Failure::Status(status), true),
                "{status}"
            );
        }
        for status in [429, 502, 503, 504] {
            assert!(
                retryable(Idempotency::Idempotent, Failure::Status(status), false),
                "{status}"
            );
        }
    }

    #[test]
    fn non_idempotent_writes_retry_only_what_never_reached_flowroute() {
        let class = Idempotency::NotIdempotent;
        assert!(retryable(class, Failure::Connect, false));
        assert!(retryable(class, Failure::Status(429), false));
        assert!(!retryable(class, Failure::Lost, false));
        assert!(!retryable(class, Failure::Status(503), false));
    }

    #[test]
    fn backoff_is_jittered_under_an_exponential_cap() {
        let policy = RetryPolicy::default()
            .backoff(Duration::from_millis(100), Duration::from_millis(350))
            .jitter(|| 0.5);
        assert_eq!(policy.delay(1, None), Some(Duration::from_millis(50)));
        assert_eq!(policy.delay(2, None), Some(Duration::from_millis(100)));
        assert_eq!(
            policy.delay(3, None),
            Some(Duration::from_millis(175)),
            "capped at 350"
        );
        assert_eq!(
            policy.delay(30, None),
            Some(Duration::from_millis(175)),
            "no overflow"
        );
        let full = policy.clone().jitter(|| 0.999_999);
        assert!(full.delay(1, None).unwrap() < Duration::from_millis(100));
    }

    #[test]
    fn a_jitter_source_that_returns_nonsense_cannot_panic() {
        for nonsense in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -3.0, 7.0] {
            let policy = RetryPolicy::default()
                .backoff(Duration::from_secs(1), Duration::MAX)
                .jitter(move || nonsense);
            for retry in [1, 2, 64, u32::MAX] {
                assert!(policy.delay(retry, None).unwrap() <= Duration::MAX);
            }
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_clamp() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(10));
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(3))),
            Some(Duration::from_secs(3))
        );
        assert_eq!(policy.delay(1, Some(Duration::from_secs(11))), None);
    }

    #[test]
    fn random_fractions_stay_in_range() {
        for _ in 0..10_000 {
            let f = random_fraction();
            assert!((0.0..1.0).contains(&f), "{f}");
        }
    }
}
