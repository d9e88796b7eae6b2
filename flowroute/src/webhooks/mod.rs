//! Webhooks: the inbound SMS and MMS and the delivery receipts Flowroute POSTs
//! to your callback URLs, read into typed [`Event`]s, with a [`Dedupe`] for
//! Flowroute's retries and, behind the `receiver` cargo feature, an axum
//! `Receiver` that does it all.
//!
//! Set the URLs with [`Messages::set_account_callback`] (or per number, or per
//! message for receipts). Every kind can go to its own URL or all to one:
//! [`parse`] tells them apart.
//!
//! ```
//! use flowroute::webhooks::{self, Event, fixtures};
//! let body = fixtures::inbound_sms("12061232634", "12012673227", "Hello").to_string();
//! match webhooks::parse(body.as_bytes())? {
//!     Event::InboundSms(sms) => assert_eq!(sms.body.as_deref(), Some("Hello")),
//!     other => panic!("unexpected {other:?}"),
//! }
//! # Ok::<(), webhooks::WebhookError>(())
//! ```
//!
//! # Receiving (feature `receiver`)
//!
//! ```no_run
//! # #[cfg(feature = "receiver")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use flowroute::webhooks::{Event, Receiver};
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
//! Receiver::new(|event: Event| async move {
//!     println!("{:?}", event.message_id());
//!     Ok::<(), String>(())
//! })
//! .token("4f7d0c9e2b1a48f6a3c5d7e9b0f2a4c6")?
//! // Register https://your.host/4f7d0c9e2b1a48f6a3c5d7e9b0f2a4c6 as the callback URL.
//! .serve(listener)
//! .with_graceful_shutdown(async {
//!     tokio::signal::ctrl_c().await.ok();
//! })
//! .await;
//! # Ok(()) }
//! ```
//!
//! `Receiver::serve` (or [`serve`] for a router of your own) bounds
//! everything a client could hold open: the time to send headers (which also
//! closes idle connections), the time of a whole request, the body size
//! (checked against `Content-Length` before reading) and the number of
//! connections; see [`Serve`] for what applies to what, and the defaults.
//! Serving `Receiver::into_router()` with a bare `axum::serve` has none of
//! these but the body limit: a client sending one byte a second, or opening
//! idle connections until the process runs out of file descriptors, would
//! keep Flowroute's deliveries out.
//!
//! # Delivery: retries and duplicates
//!
//! Flowroute expects `200 OK`. Any other answer, or none, makes it send the
//! same body again, "a total of four (4) times at 30-second intervals"; after
//! that the message is only in your message records ([`Messages::list`]).
//! Delivery is therefore at least once: the same event can arrive more than
//! once, and [`Dedupe`] (built into the `Receiver`) remembers what was
//! handled so that a repeat is acknowledged without being handled again. Keep
//! your handler safe to run twice anyway (key on the message id): a restart
//! forgets what was seen.
//!
//! A `Dedupe` lives in one process. Behind a load balancer, a resend can
//! reach another instance: give every instance one shared [`DedupeStore`]
//! (`Receiver::dedupe`), such as the `redis` feature's
//! `flowroute::redis::RedisDedupe`.
//!
//! # Security
//!
//! Flowroute documents no signature for its webhooks, so nothing here checks
//! one. What is available:
//!
//! * an unguessable token in the callback URL (a path segment, or
//!   `?token=…`), checked by the `Receiver` in constant time;
//! * HTTPS, terminated by you or your proxy;
//! * IP allow-listing, which Flowroute's guides suggest: accept POSTs only from
//!   the addresses Flowroute publishes for its messaging platform, at your
//!   firewall or reverse proxy (this SDK does not ship a list, which would go
//!   stale).
//!
//! # Forward compatibility: one odd field never costs the event
//!
//! A body that fails to parse is answered 400, and after Flowroute's four
//! resends the message is only in your message records. So only the fields
//! that make the event are read strictly; a value of another type there
//! fails it with [`WebhookError::Shape`]:
//!
//! | event | essential fields |
//! |---|---|
//! | inbound SMS or MMS | `data.type`, `data.id` (required); `data.attributes` an object; `from`, `to`, `body` strings (missing or null: empty number, `None` body) |
//! | delivery receipt | `data.type`, `data.id` (required) |
//! | Messages v2 inbound | `id` (required); `from`, `to`, `body` strings, as above |
//!
//! Every other field is read leniently: missing or `null` is `None` (or the
//! field's default), and a value of an unexpected type is too, with its path
//! listed in the event's `unreadable_fields` ([`InboundMessage`],
//! [`DeliveryReceiptEvent`]), so that you can see what was left out. Within
//! that rule, the types the sources contradict each other on are read as any
//! of them:
//!
//! * integers (`amount_nanodollars`, `message_encoding`, `level`,
//!   `file_size`) from a number or a numeric string (`"4000000"`);
//! * text (`amount_display`, `status_code`, `status`, …) from a string or a
//!   number, kept as written;
//! * `is_mms` from a boolean or `"true"`/`"false"`;
//! * a `timestamp` this SDK cannot read is kept as sent in
//!   `timestamp_unparsed`.
//!
//! Unknown fields are ignored, as are `included` resources other than
//! `media`, and unknown values of server-chosen enums are kept
//! ([`MessageDirection::Unknown`]).
//!
//! [`Messages::set_account_callback`]: crate::messages::Messages::set_account_callback
//! [`Messages::list`]: crate::messages::Messages::list

mod dedupe;
mod events;
pub mod fixtures;
#[cfg(feature = "receiver")]
mod receiver;
#[cfg(feature = "receiver")]
mod serve;

pub use dedupe::{Claim, ClaimToken, Dedupe, DedupeError, DedupeKey, DedupeStore};
pub use events::{
    DeliveryReceiptEvent, InboundMessage, LegacyInboundMessage, Media, MessageDirection,
    MessageStatus, MessageType,
};
#[cfg(feature = "receiver")]
pub use receiver::{Receiver, receiver};
#[cfg(feature = "receiver")]
pub use serve::{
    DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_SHUTDOWN_TIMEOUT, Serve, serve,
};

use crate::MessageId;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One webhook from Flowroute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Event {
    /// An SMS arrived at one of your numbers.
    InboundSms(InboundMessage),
    /// An MMS arrived at one of your numbers; see its
    /// [`media`](InboundMessage::media).
    InboundMms(InboundMessage),
    /// A delivery receipt of a message you sent.
    DeliveryReceipt(DeliveryReceiptEvent),
    /// An inbound SMS in the older Messages v2 format.
    LegacyInbound(LegacyInboundMessage),
}

impl Event {
    /// The message the event is about: the inbound message, or the sent
    /// message a receipt reports on.
    pub fn message_id(&self) -> &MessageId {
        match self {
            Event::InboundSms(m) | Event::InboundMms(m) => &m.id,
            Event::DeliveryReceipt(r) => &r.message_id,
            Event::LegacyInbound(m) => &m.id,
        }
    }

    /// Where the body held a value of a type this SDK could not read (see
    /// [Forward compatibility](self#forward-compatibility-one-odd-field-never-costs-the-event)):
    /// the JSON paths of the fields left out, empty for every body Flowroute
    /// documents.
    pub fn unreadable_fields(&self) -> &[String] {
        match self {
            Event::InboundSms(m) | Event::InboundMms(m) => &m.unreadable_fields,
            Event::DeliveryReceipt(r) => &r.unreadable_fields,
            Event::LegacyInbound(_) => &[],
        }
    }

    /// What identifies a repeat of this event for [`Dedupe`]: its kind and
    /// message id, and for a receipt also its level and status (one message
    /// gets several receipts).
    pub fn dedupe_key(&self) -> DedupeKey {
        match self {
            Event::InboundSms(m) | Event::InboundMms(m) => DedupeKey::message(m.id.as_str()),
            Event::DeliveryReceipt(r) => DedupeKey::receipt(
                r.message_id.as_str(),
                r.level,
                r.status.as_ref().map_or("", |s| s.as_str()),
            ),
            Event::LegacyInbound(m) => DedupeKey::legacy(m.id.as_str()),
        }
    }
}

/// Reads a webhook body, whichever kind it is: an inbound SMS or MMS or a
/// delivery receipt (Messages v2.1, told apart by `data.type`), or a flat
/// Messages v2 inbound message. No I/O; never panics on any input.
///
/// An inbound message is [`Event::InboundMms`] when Flowroute marks it
/// `is_mms` or it carries media.
pub fn parse(body: &[u8]) -> Result<Event, WebhookError> {
    let doc = read_json(body)?;
    match kind(&doc)? {
        Kind::Message => {
            let message = InboundMessage::from_document(&doc)?;
            Ok(if message.is_mms || !message.media.is_empty() {
                Event::InboundMms(message)
            } else {
                Event::InboundSms(message)
            })
        }
        Kind::DeliveryReceipt => {
            DeliveryReceiptEvent::from_document(&doc).map(Event::DeliveryReceipt)
        }
        Kind::Legacy => LegacyInboundMessage::from_document(&doc).map(Event::LegacyInbound),
    }
}

/// Why a webhook body could not be read. The messages say what is wrong and
/// where, without quoting the body (it holds your users' messages).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The body is empty or only whitespace.
    #[error("the webhook body is empty")]
    Empty,
    /// The body stops before its JSON is complete.
    #[error("the webhook body is truncated: its JSON ends early at line {line}, column {column}")]
    Truncated {
        /// The line where it ends, from 1.
        line: usize,
        /// The column where it ends, from 1.
        column: usize,
    },
    /// The body is not JSON.
    #[error("the webhook body is not JSON: {message} at line {line}, column {column}")]
    NotJson {
        /// What the JSON parser reported.
        message: String,
        /// The line of the error, from 1.
        line: usize,
        /// The column of the error, from 1.
        column: usize,
    },
    /// The body is JSON, but not a webhook Flowroute documents.
    #[error("the webhook body is not a Flowroute webhook: at `{path}`: {message}")]
    Shape {
        /// Where in the document, such as `data.attributes.is_mms` (`.` for
        /// the whole document).
        path: String,
        /// What is wrong there.
        message: String,
    },
}

impl WebhookError {
    fn shape(path: &str, message: impl Into<String>) -> WebhookError {
        WebhookError::Shape {
            path: path.to_string(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Message,
    DeliveryReceipt,
    Legacy,
}

fn read_json(body: &[u8]) -> Result<Value, WebhookError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(WebhookError::Empty);
    }
    serde_json::from_slice(body).map_err(|e| {
        let (line, column) = (e.line(), e.column());
        if e.is_eof() {
            return WebhookError::Truncated { line, column };
        }
        let position = format!(" at line {line} column {column}");
        let text = e.to_string();
        WebhookError::NotJson {
            message: text.strip_suffix(&position).unwrap_or(&text).to_string(),
            line,
            column,
        }
    })
}

/// Which webhook a document is, from its envelope alone.
fn kind(doc: &Value) -> Result<Kind, WebhookError> {
    let Value::Object(top) = doc else {
        return Err(WebhookError::shape(
            ".",
            format!("expected a JSON object, found {}", describe(doc)),
        ));
    };
    let Some(data) = top.get("data") else {
        if top.contains_key("id") {
            return Ok(Kind::Legacy);
        }
        return Err(WebhookError::shape(
            ".",
            "has neither `data` (Messages v2.1) nor `id` (a flat Messages v2 message)",
        ));
    };
    let Value::Object(data) = data else {
        return Err(WebhookError::shape(
            "data",
            format!("expected an object, found {}", describe(data)),
        ));
    };
    match data.get("type") {
        Some(Value::String(t)) if t == "message" => Ok(Kind::Message),
        Some(Value::String(t)) if t == "delivery_receipt" => Ok(Kind::DeliveryReceipt),
        Some(Value::String(t)) => Err(WebhookError::shape(
            "data.type",
            format!("is `{t}`; expected `message` (an inbound SMS or MMS) or `delivery_receipt`"),
        )),
        Some(other) => Err(WebhookError::shape(
            "data.type",
            format!("expected a string, found {}", describe(other)),
        )),
        None => Err(WebhookError::shape(
            "data.type",
            "is missing; expected `message` or `delivery_receipt`",
        )),
    }
}

/// Like [`kind`], for a parser that reads only one kind.
fn expect_kind(doc: &Value, expected: Kind) -> Result<(), WebhookError> {
    let found = kind(doc)?;
    if found == expected {
        return Ok(());
    }
    let name = |k: Kind| match k {
        Kind::Message => "an inbound message (`data.type` `message`)",
        Kind::DeliveryReceipt => "a delivery receipt (`data.type` `delivery_receipt`)",
        Kind::Legacy => "a flat Messages v2 message",
    };
    let path = if found == Kind::Legacy {
        "."
    } else {
        "data.type"
    };
    Err(WebhookError::shape(
        path,
        format!("this is {}; expected {}", name(found), name(expected)),
    ))
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
