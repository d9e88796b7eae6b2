//! The records the simulator keeps: what an account holds.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{DateTime, NaiveDateTime, Utc};
use flowroute_raw::open_enums::CallbackType;
use serde_json::{Map, Value};

use crate::inventory::NumberInfo;

/// Response extension naming the MDR a message send created, for the request log.
#[derive(Debug, Clone)]
pub(crate) struct MdrId(pub(crate) String);

/// A number on the account.
#[derive(Debug, Clone)]
pub(crate) struct AccountNumber {
    pub(crate) info: NumberInfo,
    pub(crate) alias: Option<String>,
    pub(crate) cnam_lookups_enabled: bool,
    pub(crate) messaging_enabled: bool,
    pub(crate) primary_route: Option<u64>,
    pub(crate) failover_route: Option<u64>,
    pub(crate) e911: Option<u64>,
    pub(crate) cnam: Option<u64>,
    pub(crate) callbacks: BTreeMap<CallbackType, String>,
}

impl AccountNumber {
    /// A number as bought: on the default `sip-reg` route, nothing else assigned.
    pub(crate) fn purchased(info: NumberInfo) -> Self {
        AccountNumber {
            info,
            alias: None,
            cnam_lookups_enabled: true,
            messaging_enabled: false,
            primary_route: Some(0),
            failover_route: None,
            e911: None,
            cnam: None,
            callbacks: BTreeMap::new(),
        }
    }
}

/// An inbound voice route; id 0 is the built-in `sip-reg` route.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub(crate) id: u64,
    pub(crate) alias: String,
    pub(crate) route_type: String,
    pub(crate) value: Option<String>,
    pub(crate) edge_strategy_id: Option<i32>,
}

/// An E911 address, as stored (already normalised).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct E911Address {
    pub(crate) id: u64,
    pub(crate) fields: BTreeMap<&'static str, String>,
}

/// A CNAM record.
#[derive(Debug, Clone)]
pub(crate) struct CnamRecord {
    pub(crate) id: u64,
    pub(crate) value: String,
    pub(crate) created: DateTime<Utc>,
    pub(crate) created_at: Instant,
    pub(crate) approved: Option<DateTime<Utc>>,
    pub(crate) rejection_reason: Option<String>,
}

/// One delivery receipt of an outbound message.
#[derive(Debug, Clone)]
pub(crate) struct Receipt {
    pub(crate) level: u8,
    pub(crate) status: &'static str,
    pub(crate) status_code: Option<u32>,
    pub(crate) description: &'static str,
    pub(crate) timestamp: DateTime<Utc>,
}

/// One media file of an MMS.
#[derive(Debug, Clone)]
pub(crate) struct Media {
    pub(crate) id: String,
    pub(crate) file_name: String,
    pub(crate) file_size: u64,
    pub(crate) mime_type: &'static str,
    pub(crate) url: String,
}

/// A message detail record.
#[derive(Debug, Clone)]
pub(crate) struct Mdr {
    pub(crate) id: String,
    pub(crate) seq: u64,
    pub(crate) outbound: bool,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) body: Option<String>,
    pub(crate) is_mms: bool,
    pub(crate) media: Vec<Media>,
    pub(crate) encoding: u8,
    pub(crate) amount_nanodollars: i64,
    pub(crate) message_type: &'static str,
    pub(crate) status: String,
    pub(crate) timestamp: DateTime<Utc>,
    /// Newest first, as Flowroute lists them.
    pub(crate) receipts: Vec<Receipt>,
    pub(crate) message_callback_url: Option<String>,
}

/// A CDR export job.
#[derive(Debug, Clone)]
pub(crate) struct CdrExport {
    pub(crate) id: i64,
    pub(crate) callback_url: Option<String>,
    pub(crate) start: NaiveDateTime,
    pub(crate) end: NaiveDateTime,
    /// The filters as echoed back (times in ISO 8601).
    pub(crate) filters: Map<String, Value>,
    pub(crate) requested_at: DateTime<Utc>,
    pub(crate) created_at: Instant,
    pub(crate) created_tick: u64,
    pub(crate) result: Option<CdrResult>,
}

/// What a completed export holds.
#[derive(Debug, Clone)]
pub(crate) struct CdrResult {
    pub(crate) completed_at: DateTime<Utc>,
    pub(crate) csv: String,
    pub(crate) num_calls: i64,
    pub(crate) billed_minutes: i64,
    pub(crate) call_subtotal: f64,
    pub(crate) cnamlookup_fees: f64,
    pub(crate) usf_fees: f64,
}
