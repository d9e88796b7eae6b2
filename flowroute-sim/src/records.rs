//! What the simulator reports about itself: the request log, webhook
//! deliveries, and the errors of its control methods.

use serde::{Deserialize, Serialize};

use crate::ring::Numbered;

/// The most bytes a log entry keeps of any one text it records (method,
/// path, query, webhook URL); longer ones are cut there and the entry is
/// marked `truncated`. With it, an entry's size is bounded whatever the
/// client sends, and so is a full log's.
pub const MAX_RECORDED_BYTES: usize = 2048;

/// `text` cut to [`MAX_RECORDED_BYTES`] on a character boundary; true when cut.
pub(crate) fn capped(text: &str) -> (String, bool) {
    if text.len() <= MAX_RECORDED_BYTES {
        return (text.to_string(), false);
    }
    let mut end = MAX_RECORDED_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (text[..end].to_string(), true)
}

/// One API request as the simulator saw it (control-plane requests are not
/// logged). Request bodies are not kept, only whether there was one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// Position in the log, from 1; never reused, not even after the log is
    /// cleared, so it serves as the `after` cursor of `GET /__sim/requests`.
    pub seq: u64,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Whether the method, path or query was longer than
    /// [`MAX_RECORDED_BYTES`] and is cut there.
    pub truncated: bool,
    /// Whether the request announced a body (`Content-Length` > 0 or chunked).
    pub has_body: bool,
    /// Status the simulator produced; `None` when the connection was dropped
    /// before the request was handled. A request dropped after it was applied
    /// keeps the status it would have been answered with.
    pub status: Option<u16>,
    /// For message sends (and their replays), the `mdr2-` id created.
    pub mdr_id: Option<String>,
    /// The injected fault that hit this request, if any (`drop_after_request`, `status_503`, …).
    pub fault: Option<String>,
    /// `sms` or `mms` when the request is a message send that reached the
    /// rate limiter (it was authenticated and no fault answered it first).
    pub send_class: Option<String>,
    /// Whether the simulator's own rate limiter answered 429 (an injected
    /// `rate_limit` fault shows in `fault` instead). Such a send was not applied.
    pub throttled: bool,
    /// Milliseconds since the simulator started, on a monotonic clock: when
    /// the request arrived, or, for a send that reached the rate limiter,
    /// when the limiter judged it (its whole body in). The sends with a
    /// `send_class` that were not `throttled` are those the limiter
    /// accepted, at these instants: no second-long window holds more of
    /// one class than its figure.
    pub received_ms: u64,
}

impl RequestRecord {
    /// The record of a request not answered yet, its texts capped; the log
    /// numbers it.
    pub(crate) fn unanswered(
        method: &str,
        path: &str,
        query: Option<&str>,
        has_body: bool,
        received_ms: u64,
    ) -> Self {
        let (method, cut_method) = capped(method);
        let (path, cut_path) = capped(path);
        let (query, cut_query) = match query.map(capped) {
            Some((query, cut)) => (Some(query), cut),
            None => (None, false),
        };
        RequestRecord {
            seq: 0,
            method,
            path,
            query,
            truncated: cut_method || cut_path || cut_query,
            has_body,
            status: None,
            mdr_id: None,
            fault: None,
            send_class: None,
            throttled: false,
            received_ms,
        }
    }
}

impl Numbered for RequestRecord {
    fn seq(&self) -> u64 {
        self.seq
    }
}

/// One webhook the simulator POSTed (or tried to), with every attempt.
/// The payload is not kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    /// Sequence number of the delivery, from 1; never reused, so it serves as
    /// the `after` cursor of `GET /__sim/webhooks`.
    pub id: u64,
    /// `sms`, `mms` (inbound messages) or `dlr` (delivery receipts).
    pub kind: String,
    /// Target URL (the first [`MAX_RECORDED_BYTES`] of it).
    pub url: String,
    /// Whether the URL was longer than [`MAX_RECORDED_BYTES`] and is cut
    /// here (the POSTs went to the whole URL).
    pub truncated: bool,
    /// The message the webhook is about.
    pub mdr_id: String,
    /// Status of each attempt in order; `None` when the attempt got no HTTP answer.
    pub attempts: Vec<Option<u16>>,
    /// Whether an attempt was answered 200.
    pub delivered: bool,
}

impl Numbered for WebhookDelivery {
    fn seq(&self) -> u64 {
        self.id
    }
}

/// A page of the request log, as `GET /__sim/requests?after=SEQ&limit=N`
/// answers it and [`Simulator::requests_page`](crate::Simulator::requests_page) returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestPage {
    /// Up to `limit` records with `seq` greater than `after`, oldest first.
    pub requests: Vec<RequestRecord>,
    /// The `after` of the following page: the last `seq` here, or `after`
    /// itself when the page is empty.
    pub next: u64,
    /// Whether newer records than `next` are retained (ask again with `after = next`).
    pub more: bool,
    /// Records that fell off the full log since it was last cleared. A
    /// reader missed some when the first `seq` it gets is above its `after` + 1.
    pub dropped: u64,
    /// How many records the log keeps.
    pub capacity: usize,
}

/// A page of the webhook log, as `GET /__sim/webhooks?after=ID&limit=N`
/// answers it and [`Simulator::webhook_deliveries_page`](crate::Simulator::webhook_deliveries_page)
/// returns it. Deliveries still being retried appear as they stand when read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookPage {
    /// Up to `limit` deliveries with `id` greater than `after`, oldest first.
    pub deliveries: Vec<WebhookDelivery>,
    /// The `after` of the following page: the last `id` here, or `after`
    /// itself when the page is empty.
    pub next: u64,
    /// Whether newer deliveries than `next` are retained.
    pub more: bool,
    /// Deliveries that fell off the full log since the last reset.
    pub dropped: u64,
    /// How many deliveries the log keeps.
    pub capacity: usize,
}

/// An SMS or MMS arriving from the outside world at one of the account's numbers
/// (what [`Simulator::inbound`](crate::Simulator::inbound) delivers; not to be
/// confused with the `flowroute` crate's parsed webhook, `webhooks::InboundMessage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulatedMessage {
    /// Sender, 11-digit number without `+`.
    pub from: String,
    /// Recipient: a number on the account, 11 digits without `+`.
    pub to: String,
    /// The text; required unless media are given.
    #[serde(default)]
    pub body: Option<String>,
    /// Media URLs; any makes the message an MMS.
    #[serde(default)]
    pub media_urls: Vec<String>,
    /// When it arrived, RFC 3339 (`2026-11-29T09:30:00Z`), not in the
    /// future; absent, now. A message with a time is account history: it
    /// is recorded as received then, and no webhook is sent for it.
    #[serde(default)]
    pub timestamp: Option<String>,
}

impl SimulatedMessage {
    /// An inbound SMS.
    pub fn sms(from: impl Into<String>, to: impl Into<String>, body: impl Into<String>) -> Self {
        SimulatedMessage {
            from: from.into(),
            to: to.into(),
            body: Some(body.into()),
            media_urls: Vec::new(),
            timestamp: None,
        }
    }

    /// An inbound MMS with these media (and optionally text).
    pub fn mms(
        from: impl Into<String>,
        to: impl Into<String>,
        body: Option<String>,
        media_urls: Vec<String>,
    ) -> Self {
        SimulatedMessage {
            from: from.into(),
            to: to.into(),
            body,
            media_urls,
            timestamp: None,
        }
    }

    /// The same message, received at `rfc3339` instead of now: account
    /// history, such as messages sent before today for a date-filtered
    /// lookup to find.
    pub fn received_at(mut self, rfc3339: impl Into<String>) -> Self {
        self.timestamp = Some(rfc3339.into());
        self
    }
}

/// A control-plane call the simulator refused, with the HTTP status it
/// answers for the same call over `/__sim/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimError {
    status: u16,
    message: String,
}

impl SimError {
    pub(crate) fn new(status: u16, message: impl Into<String>) -> Self {
        SimError {
            status,
            message: message.into(),
        }
    }

    /// The HTTP status of the equivalent `/__sim/` request (404, 422, …).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// What was wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "simulator refused ({}): {}", self.status, self.message)
    }
}

impl std::error::Error for SimError {}

impl From<crate::error::ApiError> for SimError {
    fn from(e: crate::error::ApiError) -> Self {
        SimError::new(e.status().as_u16(), e.detail_text())
    }
}
