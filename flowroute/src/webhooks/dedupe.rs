//! What recognises Flowroute's resends: the [`DedupeStore`] a receiver asks,
//! and its in-memory implementation, a bounded, time-limited memory of the
//! webhooks already handled.

use crate::retry::BoxFuture;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// What identifies one webhook event across Flowroute's resends, from
/// [`Event::dedupe_key`](super::Event::dedupe_key).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DedupeKey {
    kind: &'static str,
    message_id: String,
    level: Option<i32>,
    status: Option<String>,
}

impl DedupeKey {
    pub(super) fn message(id: &str) -> DedupeKey {
        DedupeKey::new("message", id, None, None)
    }

    pub(super) fn receipt(id: &str, level: Option<i32>, status: &str) -> DedupeKey {
        DedupeKey::new("delivery_receipt", id, level, Some(status.to_string()))
    }

    pub(super) fn legacy(id: &str) -> DedupeKey {
        DedupeKey::new("legacy_message", id, None, None)
    }

    fn new(kind: &'static str, id: &str, level: Option<i32>, status: Option<String>) -> Self {
        DedupeKey {
            kind,
            message_id: id.to_string(),
            level,
            status,
        }
    }

    /// The kind of event: `message`, `delivery_receipt` or `legacy_message`.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The message the event is about.
    pub fn message_id(&self) -> &str {
        &self.message_id
    }

    /// A receipt's level, `None` for other events (or a receipt without one).
    pub fn level(&self) -> Option<i32> {
        self.level
    }

    /// A receipt's status, `None` for other events.
    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }
}

/// Where a `Receiver` (feature `receiver`) records the events it handles, so
/// that a resend is recognised: [`Dedupe`] in this process (the default), or
/// with the `redis` feature `flowroute::redis::RedisDedupe`, shared by every
/// instance behind one callback URL.
///
/// A claim moves an event from unseen to in progress; settling it makes it
/// handled, or forgets it so that the next resend is handled. `Arc<S>` is a
/// store wherever `S` is.
pub trait DedupeStore: Send + Sync + fmt::Debug {
    /// Claims `key` for the caller, unless it was handled already or is
    /// being handled.
    fn claim<'a>(&'a self, key: &'a DedupeKey) -> BoxFuture<'a, Result<Claim, DedupeError>>;

    /// Ends the claim `token` on `key`: handled, or forgotten (only while it
    /// is still that claim). The future borrows nothing: when a handler
    /// panics or its connection drops, the receiver settles from a
    /// destructor, where it can only spawn the future. A store that can do
    /// the work at once (the in-memory one) does it before returning, so
    /// that it is done even where no runtime is left to spawn on.
    fn settle(
        &self,
        key: &DedupeKey,
        token: ClaimToken,
        handled: bool,
    ) -> BoxFuture<'static, Result<(), DedupeError>>;
}

impl<S: DedupeStore + ?Sized> DedupeStore for Arc<S> {
    fn claim<'a>(&'a self, key: &'a DedupeKey) -> BoxFuture<'a, Result<Claim, DedupeError>> {
        (**self).claim(key)
    }

    fn settle(
        &self,
        key: &DedupeKey,
        token: ClaimToken,
        handled: bool,
    ) -> BoxFuture<'static, Result<(), DedupeError>> {
        (**self).settle(key, token, handled)
    }
}

/// What [`DedupeStore::claim`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Claim {
    /// Not seen: the caller now handles it, and settles the claim.
    First {
        /// What the claim is settled with.
        token: ClaimToken,
    },
    /// Handled before.
    Seen,
    /// Being handled by another caller right now.
    InProgress,
}

/// One claim of one event: a store's settle acts only on the claim it was
/// given, never on a newer claim of the same event by someone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClaimToken(u128);

impl ClaimToken {
    /// A token with this value; a shared store needs values no other caller
    /// draws.
    pub fn new(value: u128) -> ClaimToken {
        ClaimToken(value)
    }

    /// Its value.
    pub fn get(self) -> u128 {
        self.0
    }
}

/// A [`DedupeStore`] that could not answer (a server out of reach), and is
/// set to refuse rather than risk handling an event twice. The receiver
/// answers 503, so that Flowroute sends the event again later.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the dedupe store is unavailable: {reason}")]
pub struct DedupeError {
    reason: String,
}

impl DedupeError {
    /// An error for this reason; give no addresses or credentials in it.
    pub fn unavailable(reason: impl Into<String>) -> DedupeError {
        DedupeError {
            reason: reason.into(),
        }
    }

    /// What failed.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// Remembers the webhook events already seen, so that Flowroute's resends of
/// one event (up to four, 30 seconds apart) are handled once.
///
/// Bounded both ways: an entry is forgotten after the time to live, and when
/// the set is full the oldest entry makes room. Thread-safe (a mutex inside);
/// every operation is O(1) amortised. Time is passed in, so tests need no
/// sleeping.
///
/// ```
/// use flowroute::webhooks::{self, Dedupe, fixtures};
/// use std::time::{Duration, Instant};
/// let dedupe = Dedupe::new(10_000, Duration::from_secs(600));
/// let body = fixtures::inbound_sms("12061232634", "12012673227", "hi").to_string();
/// let key = webhooks::parse(body.as_bytes())?.dedupe_key();
/// let now = Instant::now();
/// assert!(dedupe.first_time(&key, now));
/// assert!(!dedupe.first_time(&key, now + Duration::from_secs(30)));
/// # Ok::<(), webhooks::WebhookError>(())
/// ```
#[derive(Debug)]
pub struct Dedupe {
    max_entries: usize,
    ttl: Duration,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    entries: HashMap<DedupeKey, Entry>,
    /// Keys in the order they were added, each with the generation it was
    /// added as; an entry whose generation no longer matches was forgotten or
    /// added again, and is skipped.
    order: VecDeque<(DedupeKey, u64)>,
    next_generation: u64,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    generation: u64,
    at: Instant,
    /// False while the event is being handled (see `claim`).
    handled: bool,
}

impl Default for Dedupe {
    /// 10 000 entries for 10 minutes: well past Flowroute's last resend
    /// (four at 30-second intervals).
    fn default() -> Self {
        Dedupe::new(10_000, Duration::from_secs(600))
    }
}

impl Dedupe {
    /// A set of at most `max_entries` (at least 1) keys, each kept for `ttl`.
    pub fn new(max_entries: usize, ttl: Duration) -> Dedupe {
        Dedupe {
            max_entries: max_entries.max(1),
            ttl,
            state: Mutex::default(),
        }
    }

    /// Records `key` as seen at `now` and says whether it was new: `false`
    /// when it was seen less than the time to live ago.
    pub fn first_time(&self, key: &DedupeKey, now: Instant) -> bool {
        match self.insert(key, now, true) {
            Claim::First { .. } => true,
            Claim::Seen | Claim::InProgress => false,
        }
    }

    /// Forgets `key`, so that it counts as new again; for when handling it
    /// failed and the resend should be handled.
    pub fn forget(&self, key: &DedupeKey) {
        self.lock().entries.remove(key);
    }

    /// How many keys are remembered (some may have expired but not yet been
    /// dropped).
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Like [`first_time`](Self::first_time), but the key stays "in
    /// progress" until settled, so that a resend arriving meanwhile is
    /// neither handled twice nor acknowledged before the first attempt has
    /// succeeded.
    fn claim_at(&self, key: &DedupeKey, now: Instant) -> Claim {
        self.insert(key, now, false)
    }

    /// Ends a claim: kept as handled on success, forgotten on failure. A claim
    /// that was evicted and taken again meanwhile is left alone.
    fn settle_claim(&self, key: &DedupeKey, token: ClaimToken, handled: bool) {
        let mut state = self.lock();
        let Some(entry) = state.entries.get_mut(key) else {
            return;
        };
        if u128::from(entry.generation) != token.get() {
            return;
        }
        if handled {
            entry.handled = true;
        } else {
            state.entries.remove(key);
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent between statements, so a panic
        // elsewhere while it was locked leaves nothing half-done.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn expired(&self, entry: &Entry, now: Instant) -> bool {
        now.saturating_duration_since(entry.at) >= self.ttl
    }

    fn insert(&self, key: &DedupeKey, now: Instant, handled: bool) -> Claim {
        let mut guard = self.lock();
        let state = &mut *guard;
        while let Some((oldest, generation)) = state.order.front() {
            match state.entries.get(oldest) {
                Some(entry) if entry.generation == *generation => {
                    if !self.expired(entry, now) {
                        break;
                    }
                    state.entries.remove(oldest);
                }
                _ => {}
            }
            state.order.pop_front();
        }
        if let Some(entry) = state.entries.get(key)
            && !self.expired(entry, now)
        {
            return if entry.handled {
                Claim::Seen
            } else {
                Claim::InProgress
            };
        }
        let generation = state.next_generation;
        state.next_generation += 1;
        state.entries.insert(
            key.clone(),
            Entry {
                generation,
                at: now,
                handled,
            },
        );
        state.order.push_back((key.clone(), generation));
        while state.entries.len() > self.max_entries {
            let Some((oldest, generation)) = state.order.pop_front() else {
                break;
            };
            if state
                .entries
                .get(&oldest)
                .is_some_and(|e| e.generation == generation)
            {
                state.entries.remove(&oldest);
            }
        }
        // Forgotten and re-added keys leave stale places in `order`; drop
        // them once they outnumber the live ones, which keeps the memory
        // bounded and the cost amortised O(1).
        if state.order.len() > 2 * state.entries.len() + 16 {
            let entries = &state.entries;
            state
                .order
                .retain(|(k, g)| entries.get(k).is_some_and(|e| e.generation == *g));
        }
        Claim::First {
            token: ClaimToken::new(generation.into()),
        }
    }
}

/// Answers at once: the work is done when the call is made.
impl DedupeStore for Dedupe {
    fn claim<'a>(&'a self, key: &'a DedupeKey) -> BoxFuture<'a, Result<Claim, DedupeError>> {
        Box::pin(std::future::ready(Ok(self.claim_at(key, Instant::now()))))
    }

    fn settle(
        &self,
        key: &DedupeKey,
        token: ClaimToken,
        handled: bool,
    ) -> BoxFuture<'static, Result<(), DedupeError>> {
        self.settle_claim(key, token, handled);
        Box::pin(std::future::ready(Ok(())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_in_progress_is_neither_new_nor_seen_until_settled() {
        let dedupe = Dedupe::default();
        let key = DedupeKey::message("mdr2-a");
        let now = Instant::now();
        let Claim::First { token } = dedupe.claim_at(&key, now) else {
            panic!("a new key is first");
        };
        assert_eq!(dedupe.claim_at(&key, now), Claim::InProgress);
        dedupe.settle_claim(&key, token, true);
        assert_eq!(dedupe.claim_at(&key, now), Claim::Seen);
    }

    #[test]
    fn a_failed_claim_is_forgotten_but_not_a_newer_one() {
        let dedupe = Dedupe::new(1, Duration::from_secs(600));
        let (a, b) = (DedupeKey::message("mdr2-a"), DedupeKey::message("mdr2-b"));
        let now = Instant::now();
        let Claim::First { token: old } = dedupe.claim_at(&a, now) else {
            panic!("a new key is first");
        };
        dedupe.settle_claim(&a, old, false);
        assert!(matches!(dedupe.claim_at(&a, now), Claim::First { .. }));
        // Evicted by `b`, then claimed again by someone else.
        let Claim::First { token: evicting } = dedupe.claim_at(&b, now) else {
            panic!("a new key is first");
        };
        dedupe.settle_claim(&b, evicting, true);
        let Claim::First { token: newer } = dedupe.claim_at(&a, now) else {
            panic!("an evicted key is new again");
        };
        assert_ne!(old, newer);
        dedupe.settle_claim(&a, old, false);
        assert_eq!(dedupe.claim_at(&a, now), Claim::InProgress);
    }

    #[test]
    fn repeated_forgetting_does_not_grow_the_order_queue() {
        let dedupe = Dedupe::new(4, Duration::from_secs(600));
        let key = DedupeKey::message("mdr2-a");
        let now = Instant::now();
        for _ in 0..1000 {
            assert!(dedupe.first_time(&key, now));
            dedupe.forget(&key);
        }
        assert!(dedupe.lock().order.len() <= 2 * 4 + 16 + 1);
    }
}
