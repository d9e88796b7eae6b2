//! What happens after an attempt: send again (after how long) or stop. A pure
//! function of the attempt's outcome, the operation's class, the policy and
//! the time used so far, so every rule is tested without a server or a clock.

use crate::retry::{self, Failure, Idempotency, RetryPolicy};
use std::time::Duration;

/// What one attempt came to, as far as the next step is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Attempt {
    /// 1 for the first attempt.
    pub(crate) number: u32,
    /// Why it failed; `None` for an answer to hand back as it is (a success,
    /// or a failure nothing can fix by repeating).
    pub(crate) failure: Option<Failure>,
    /// The server's `Retry-After`, already read.
    pub(crate) retry_after: Option<Duration>,
    /// Whether the request can be sent again at all (a streamed body cannot).
    pub(crate) repeatable: bool,
}

/// The next step of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// Hand the attempt's outcome to the caller.
    Finish,
    /// Wait this long, then send again.
    Retry(Duration),
}

/// Decides the next step. A retry happens only when the failure is one the
/// operation's class allows repeating, attempts remain, and the wait ends
/// before the deadline; `elapsed` is the call's time so far.
pub(crate) fn decide(
    policy: &RetryPolicy,
    class: Idempotency,
    attempt: Attempt,
    elapsed: Duration,
    deadline: Duration,
) -> Next {
    let Some(failure) = attempt.failure else {
        return Next::Finish;
    };
    if !attempt.repeatable
        || attempt.number >= policy.max_attempts
        || !retry::retryable(class, failure, policy.retry_unsafe)
    {
        return Next::Finish;
    }
    match policy.delay(attempt.number, attempt.retry_after) {
        // The wait can be a server's Retry-After: no unchecked sum.
        Some(wait) if elapsed.checked_add(wait).is_some_and(|end| end < deadline) => {
            Next::Retry(wait)
        }
        _ => Next::Finish,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEADLINE: Duration = Duration::from_secs(60);

    fn policy() -> RetryPolicy {
        RetryPolicy::default().jitter(|| 0.5)
    }

    fn attempt(number: u32, failure: Failure) -> Attempt {
        Attempt {
            number,
            failure: Some(failure),
            retry_after: None,
            repeatable: true,
        }
    }

    #[test]
    fn a_read_is_retried_after_a_jittered_backoff_until_attempts_run_out() {
        let class = Idempotency::Idempotent;
        let lost = |n| attempt(n, Failure::Lost);
        assert_eq!(
            decide(&policy(), class, lost(1), Duration::ZERO, DEADLINE),
            Next::Retry(Duration::from_millis(125))
        );
        assert_eq!(
            decide(&policy(), class, lost(2), Duration::ZERO, DEADLINE),
            Next::Retry(Duration::from_millis(250))
        );
        assert_eq!(
            decide(&policy(), class, lost(3), Duration::ZERO, DEADLINE),
            Next::Finish
        );
    }

    #[test]
    fn a_send_is_retried_after_429_only_unless_opted_in() {
        let refused = attempt(1, Failure::Status(429));
        assert!(matches!(
            decide(
                &policy(),
                Idempotency::Never,
                refused,
                Duration::ZERO,
                DEADLINE
            ),
            Next::Retry(_)
        ));
        for failure in [Failure::Connect, Failure::Lost, Failure::Status(503)] {
            let a = attempt(1, failure);
            assert_eq!(
                decide(&policy(), Idempotency::Never, a, Duration::ZERO, DEADLINE),
                Next::Finish,
                "{failure:?}"
            );
            let unsafe_policy = policy().retry_unsafe(true);
            assert!(matches!(
                decide(
                    &unsafe_policy,
                    Idempotency::Never,
                    a,
                    Duration::ZERO,
                    DEADLINE
                ),
                Next::Retry(_)
            ));
        }
    }

    #[test]
    fn a_creation_is_retried_only_when_it_certainly_did_nothing() {
        let class = Idempotency::NotIdempotent;
        let next = |f| decide(&policy(), class, attempt(1, f), Duration::ZERO, DEADLINE);
        assert!(matches!(next(Failure::Connect), Next::Retry(_)));
        assert!(matches!(next(Failure::Status(429)), Next::Retry(_)));
        assert_eq!(next(Failure::Lost), Next::Finish);
        assert_eq!(next(Failure::Status(503)), Next::Finish);
        assert_eq!(next(Failure::Status(422)), Next::Finish);
    }

    #[test]
    fn retry_after_is_honoured_within_the_clamp_and_the_deadline() {
        let class = Idempotency::Idempotent;
        let with = |secs, elapsed| {
            let a = Attempt {
                retry_after: Some(Duration::from_secs(secs)),
                ..attempt(1, Failure::Status(429))
            };
            decide(&policy(), class, a, Duration::from_secs(elapsed), DEADLINE)
        };
        assert_eq!(with(7, 0), Next::Retry(Duration::from_secs(7)));
        assert_eq!(with(31, 0), Next::Finish, "over max_retry_after");
        assert_eq!(with(7, 55), Next::Finish, "would end past the deadline");
        let patient = policy().max_retry_after(Duration::MAX);
        let huge = Attempt {
            retry_after: Some(Duration::from_secs(u64::MAX)),
            ..attempt(1, Failure::Status(429))
        };
        assert_eq!(
            decide(&patient, class, huge, Duration::from_secs(2), DEADLINE),
            Next::Finish,
            "no overflow"
        );
    }

    #[test]
    fn nothing_is_repeated_that_cannot_be_sent_again_or_need_not_be() {
        let class = Idempotency::Idempotent;
        let once = Attempt {
            repeatable: false,
            ..attempt(1, Failure::Lost)
        };
        assert_eq!(
            decide(&policy(), class, once, Duration::ZERO, DEADLINE),
            Next::Finish
        );
        let done = Attempt {
            failure: None,
            ..attempt(1, Failure::Lost)
        };
        assert_eq!(
            decide(&policy(), class, done, Duration::ZERO, DEADLINE),
            Next::Finish
        );
        let none = RetryPolicy::none();
        assert_eq!(
            decide(
                &none,
                class,
                attempt(1, Failure::Lost),
                Duration::ZERO,
                DEADLINE
            ),
            Next::Finish
        );
    }
}
