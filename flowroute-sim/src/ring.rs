//! A log that keeps only its newest entries, numbered so that a reader can
//! page through it while old entries fall off the front.

use std::collections::VecDeque;

/// Entries each log keeps unless [`SimulatorBuilder::log_capacity`] says
/// otherwise: room for a test's requests between resets, yet about 1 MiB of
/// typical request records (some 250 bytes each, strings included) and at
/// most about 26 MiB if every request carries the longest method, path and
/// query a record keeps ([`MAX_RECORDED_BYTES`](crate::MAX_RECORDED_BYTES) each).
///
/// [`SimulatorBuilder::log_capacity`]: crate::SimulatorBuilder::log_capacity
pub const DEFAULT_LOG_CAPACITY: usize = 4096;

/// Entries in a page when the reader gives no `limit`.
pub const DEFAULT_PAGE_LIMIT: usize = 500;

/// The largest `limit` a page accepts, so that one read stays small whatever
/// the capacity.
pub const MAX_PAGE_LIMIT: usize = 1000;

/// A bounded log whose entries carry a sequence number from 1, never
/// reused, not even after [`clear`](Ring::clear): a reader's cursor stays
/// meaningful across clears and resets.
#[derive(Debug)]
pub(crate) struct Ring<T> {
    entries: VecDeque<T>,
    capacity: usize,
    next_seq: u64,
    dropped: u64,
}

/// One page of a log, oldest first.
#[derive(Debug)]
pub(crate) struct Slice<T> {
    pub(crate) entries: Vec<T>,
    pub(crate) next: u64,
    pub(crate) more: bool,
    pub(crate) dropped: u64,
    pub(crate) capacity: usize,
}

/// Entries that can be paged: each knows its own sequence number.
pub(crate) trait Numbered {
    fn seq(&self) -> u64;
}

impl<T: Numbered + Clone> Ring<T> {
    pub(crate) fn new(capacity: usize) -> Self {
        Ring {
            // Grown on demand: a large capacity costs nothing until used.
            entries: VecDeque::new(),
            capacity,
            next_seq: 1,
            dropped: 0,
        }
    }

    /// Appends the entry `make` builds from its sequence number, evicting the
    /// oldest when full. Numbering and appending under one lock keeps the
    /// entries sorted by number, which paging relies on.
    pub(crate) fn push(&mut self, make: impl FnOnce(u64) -> T) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        if self.capacity == 0 {
            self.dropped += 1;
            return seq;
        }
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
            self.dropped += 1;
        }
        self.entries.push_back(make(seq));
        seq
    }

    /// Empties the log and its dropped count; numbering carries on.
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.dropped = 0;
    }

    /// Every retained entry, oldest first.
    pub(crate) fn all(&self) -> Vec<T> {
        self.entries.iter().cloned().collect()
    }

    /// The retained entry numbered `seq`, if it has not fallen off.
    pub(crate) fn get_mut(&mut self, seq: u64) -> Option<&mut T> {
        let index = self.entries.partition_point(|e| e.seq() < seq);
        self.entries.get_mut(index).filter(|e| e.seq() == seq)
    }

    /// Up to `limit` entries numbered after `after`, oldest first.
    pub(crate) fn page(&self, after: u64, limit: usize) -> Slice<T> {
        let start = self.entries.partition_point(|e| e.seq() <= after);
        let entries: Vec<T> = self.entries.range(start..).take(limit).cloned().collect();
        let next = entries.last().map_or(after, Numbered::seq);
        Slice {
            more: self.entries.len() - start > entries.len(),
            entries,
            next,
            dropped: self.dropped,
            capacity: self.capacity,
        }
    }
}

/// Checks a page `limit`; the error names the bounds.
pub(crate) fn check_limit(limit: usize) -> Result<usize, String> {
    if (1..=MAX_PAGE_LIMIT).contains(&limit) {
        Ok(limit)
    } else {
        Err(format!(
            "limit: must be between 1 and {MAX_PAGE_LIMIT}, got {limit}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Entry(u64);

    impl Numbered for Entry {
        fn seq(&self) -> u64 {
            self.0
        }
    }

    fn seqs(entries: &[Entry]) -> Vec<u64> {
        entries.iter().map(|e| e.0).collect()
    }

    #[test]
    fn keeps_the_newest_and_counts_the_rest() {
        let mut ring = Ring::new(3);
        for _ in 0..5 {
            ring.push(Entry);
        }
        assert_eq!(seqs(&ring.all()), [3, 4, 5]);
        let page = ring.page(0, 2);
        assert_eq!((seqs(&page.entries), page.next), (vec![3, 4], 4));
        assert!(page.more);
        assert_eq!(page.dropped, 2);
        let page = ring.page(4, 2);
        assert_eq!((seqs(&page.entries), page.more), (vec![5], false));
        assert!(ring.get_mut(2).is_none(), "fallen off");
        assert_eq!(ring.get_mut(4), Some(&mut Entry(4)));

        ring.clear();
        assert!(ring.all().is_empty());
        assert_eq!(ring.push(Entry), 6, "numbering survives a clear");
        assert_eq!(ring.page(0, 10).dropped, 0);
    }

    #[test]
    fn a_zero_capacity_keeps_nothing() {
        let mut ring = Ring::new(0);
        ring.push(Entry);
        assert!(ring.all().is_empty());
        assert_eq!(ring.page(0, 1).dropped, 1);
    }

    #[test]
    fn limits_are_bounded() {
        assert!(check_limit(0).is_err());
        assert_eq!(check_limit(MAX_PAGE_LIMIT), Ok(MAX_PAGE_LIMIT));
        assert!(check_limit(MAX_PAGE_LIMIT + 1).is_err());
    }
}
