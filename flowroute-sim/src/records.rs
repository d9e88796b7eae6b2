//! What the simulator reports about itself: the request log, webhook
//! deliveries, and the errors of its control methods.

use serde::{Deserialize, Serialize};

/// One API request as the simulator saw it (control-plane requests are not logged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// Upper-case HTTP method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
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
}

/// One webhook the simulator POSTed (or tried to), with every attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    /// Sequence number of the delivery.
    pub id: u64,
    /// `sms`, `mms` (inbound messages) or `dlr` (delivery receipts).
    pub kind: String,
    /// Target URL.
    pub url: String,
    /// The message the webhook is about.
    pub mdr_id: String,
    /// Status of each attempt in order; `None` when the attempt got no HTTP answer.
    pub attempts: Vec<Option<u16>>,
    /// Whether an attempt was answered 200.
    pub delivered: bool,
}

/// An SMS or MMS arriving from the outside world at one of the account's numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboundMessage {
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
}

impl InboundMessage {
    /// An inbound SMS.
    pub fn sms(from: impl Into<String>, to: impl Into<String>, body: impl Into<String>) -> Self {
        InboundMessage {
            from: from.into(),
            to: to.into(),
            body: Some(body.into()),
            media_urls: Vec::new(),
        }
    }

    /// An inbound MMS with these media (and optionally text).
    pub fn mms(
        from: impl Into<String>,
        to: impl Into<String>,
        body: Option<String>,
        media_urls: Vec<String>,
    ) -> Self {
        InboundMessage {
            from: from.into(),
            to: to.into(),
            body,
            media_urls,
        }
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
