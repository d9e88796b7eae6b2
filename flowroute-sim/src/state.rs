//! The account's state: the inventory, what the account holds, and the id
//! counters. One `State` lives behind the simulator's mutex.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use flowroute_raw::open_enums::CallbackType;

use crate::cdr_csv;
use crate::error::ApiError;
use crate::inventory::{self, NumberInfo};
use crate::model::{AccountNumber, CdrExport, CnamRecord, E911Address, Mdr, Route};
use crate::prng::Rng;

/// Time-driven behaviour, copied from the configuration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timing {
    /// When set, pending CNAM records are approved this long after creation.
    pub(crate) cnam_approval_delay: Option<Duration>,
    /// CDR exports complete on the first access at least this long after creation.
    pub(crate) cdr_export_delay: Duration,
}

/// Numbers the account holds when the simulator starts: the lowest inventory
/// number in each of these area codes.
const STARTING_AREA_CODES: &[&str] = &["201", "206"];

#[derive(Debug)]
pub(crate) struct State {
    /// Bumped by every reset, so that background work started before a reset
    /// (delivery receipts) does not touch records minted after it.
    pub(crate) epoch: u64,
    pub(crate) seed: u64,
    pub(crate) timing: Timing,
    rng: Rng,
    ticks: u64,
    pub(crate) inventory: BTreeMap<String, NumberInfo>,
    pub(crate) numbers: BTreeMap<String, AccountNumber>,
    pub(crate) routes: BTreeMap<u64, Route>,
    pub(crate) mdrs: Vec<Mdr>,
    pub(crate) account_callbacks: BTreeMap<CallbackType, String>,
    pub(crate) e911s: BTreeMap<u64, E911Address>,
    pub(crate) cnams: BTreeMap<u64, CnamRecord>,
    pub(crate) cdr_exports: BTreeMap<i64, CdrExport>,
    next_route_id: u64,
    next_e911_id: u64,
    next_cnam_id: u64,
    next_cnam_association_id: i64,
    next_cdr_id: i64,
    next_mdr_seq: u64,
}

impl State {
    pub(crate) fn new(seed: u64, timing: Timing, epoch: u64) -> Self {
        let mut inventory = inventory::generate(seed);
        let mut numbers = BTreeMap::new();
        for npa in STARTING_AREA_CODES {
            let first = inventory
                .values()
                .find(|n| n.npa() == *npa)
                .map(|n| n.value.clone());
            if let Some(info) = first.and_then(|value| inventory.remove(&value)) {
                numbers.insert(info.value.clone(), AccountNumber::purchased(info));
            }
        }
        let mut routes = BTreeMap::new();
        routes.insert(
            0,
            Route {
                id: 0,
                alias: "sip-reg".into(),
                route_type: "sip-reg".into(),
                value: None,
                edge_strategy_id: None,
            },
        );
        State {
            epoch,
            seed,
            timing,
            // A different stream from the inventory's, so ids do not echo numbers.
            rng: Rng::new(seed ^ 0x05ee_d1d5),
            ticks: 0,
            inventory,
            numbers,
            routes,
            mdrs: Vec::new(),
            account_callbacks: BTreeMap::new(),
            e911s: BTreeMap::new(),
            cnams: BTreeMap::new(),
            cdr_exports: BTreeMap::new(),
            next_route_id: 98_396,
            next_e911_id: 21_845,
            next_cnam_id: 22_671,
            next_cnam_association_id: 17_604,
            next_cdr_id: 38_647,
            next_mdr_seq: 0,
        }
    }

    /// Applies what time has made true: CNAM approvals and finished CDR exports.
    /// Called whenever the state is locked.
    pub(crate) fn tick(&mut self, now: Instant) {
        self.ticks += 1;
        if let Some(delay) = self.timing.cnam_approval_delay {
            for cnam in self.cnams.values_mut() {
                if cnam.approved.is_none()
                    && cnam.rejection_reason.is_none()
                    && now >= cnam.created_at + delay
                {
                    let delay = chrono::Duration::from_std(delay).unwrap_or_default();
                    cnam.approved = Some(cnam.created + delay);
                }
            }
        }
        let finished: Vec<_> = self
            .cdr_exports
            .values()
            .filter(|e| {
                e.result.is_none()
                    && e.created_tick < self.ticks
                    && now >= e.created_at + self.timing.cdr_export_delay
            })
            .map(|e| (e.id, cdr_csv::run(e, self.numbers.values(), self.seed)))
            .collect();
        for (id, result) in finished {
            if let Some(export) = self.cdr_exports.get_mut(&id) {
                export.result = Some(result);
            }
        }
    }

    pub(crate) fn ticks(&self) -> u64 {
        self.ticks
    }

    pub(crate) fn new_mdr_id(&mut self) -> String {
        format!("mdr2-{}", self.rng.hex(32))
    }

    pub(crate) fn next_mdr_seq(&mut self) -> u64 {
        self.next_mdr_seq += 1;
        self.next_mdr_seq
    }

    pub(crate) fn new_route_id(&mut self) -> u64 {
        self.next_route_id += 1;
        self.next_route_id - 1
    }

    pub(crate) fn new_e911_id(&mut self) -> u64 {
        self.next_e911_id += 1;
        self.next_e911_id - 1
    }

    pub(crate) fn new_cnam_id(&mut self) -> u64 {
        self.next_cnam_id += 1;
        self.next_cnam_id - 1
    }

    pub(crate) fn new_cnam_association_id(&mut self) -> i64 {
        self.next_cnam_association_id += 1;
        self.next_cnam_association_id - 1
    }

    pub(crate) fn new_cdr_id(&mut self) -> i64 {
        self.next_cdr_id += 1;
        self.next_cdr_id - 1
    }

    /// A number on the account, or 404.
    pub(crate) fn number(&self, id: &str) -> Result<&AccountNumber, ApiError> {
        self.numbers.get(id).ok_or_else(ApiError::not_found)
    }

    pub(crate) fn number_mut(&mut self, id: &str) -> Result<&mut AccountNumber, ApiError> {
        self.numbers.get_mut(id).ok_or_else(ApiError::not_found)
    }

    /// A route by its path id (a digit string), or 404.
    pub(crate) fn route_id(&self, id: &str) -> Result<u64, ApiError> {
        id.parse::<u64>()
            .ok()
            .filter(|id| self.routes.contains_key(id))
            .ok_or_else(ApiError::not_found)
    }

    pub(crate) fn route_in_use(&self, id: u64) -> bool {
        self.numbers
            .values()
            .any(|n| n.primary_route == Some(id) || n.failover_route == Some(id))
    }

    pub(crate) fn e911_id(&self, id: &str) -> Result<u64, ApiError> {
        id.parse::<u64>()
            .ok()
            .filter(|id| self.e911s.contains_key(id))
            .ok_or_else(ApiError::not_found)
    }

    pub(crate) fn cnam_id(&self, id: &str) -> Result<u64, ApiError> {
        id.parse::<u64>()
            .ok()
            .filter(|id| self.cnams.contains_key(id))
            .ok_or_else(ApiError::not_found)
    }

    pub(crate) fn mdr_mut(&mut self, id: &str) -> Option<&mut Mdr> {
        self.mdrs.iter_mut().find(|m| m.id == id)
    }
}
