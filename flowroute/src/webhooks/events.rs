//! The typed webhook bodies, and how each is read from the generated types.

use super::{Kind, WebhookError, decode, expect_kind, read_json};
use crate::messages::{DeliveryReceipt, Mdr};
use crate::{MessageId, PhoneNumber};
use chrono::{DateTime, Utc};
use flowroute_raw::types;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;

pub use flowroute_raw::open_enums::{MessageDirection, MessageType};

/// An SMS or MMS that arrived at one of your numbers (Messages v2.1): the
/// message detail record Flowroute POSTs to the `sms_callback` or
/// `mms_callback` URL, with the media of an MMS.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct InboundMessage {
    /// The record id (`mdr2-…`); look the message up again with
    /// [`Messages::get`](crate::messages::Messages::get).
    pub id: MessageId,
    /// The sender.
    pub from: PhoneNumber,
    /// Your number that received the message.
    pub to: PhoneNumber,
    /// The text; `None` for an MMS without text.
    pub body: Option<String>,
    /// When Flowroute received the message; `None` when it was left out or
    /// could not be read (then see [`timestamp_unparsed`](Self::timestamp_unparsed)).
    pub timestamp: Option<DateTime<Utc>>,
    /// The timestamp as sent, only when it is not a date-time this SDK reads,
    /// so that an odd format never costs you the message.
    pub timestamp_unparsed: Option<String>,
    /// Always [`MessageDirection::Inbound`] in what Flowroute documents.
    pub direction: MessageDirection,
    /// The kind of your number (long code or toll-free).
    pub message_type: MessageType,
    /// Whether Flowroute calls the message an MMS.
    pub is_mms: bool,
    /// Flowroute's state in words (`delivered`); empty for an inbound MMS.
    pub status: String,
    /// What receiving the message cost, in billionths of a US dollar, as sent
    /// (`4000000` = $0.004); 0 when Flowroute leaves it out.
    pub amount_nanodollars: i64,
    /// The charge as Flowroute formats it, such as `$0.0040`.
    pub amount_display: Option<String>,
    /// The body's character encoding: 0 for ASCII (GSM), 8 for UCS-2.
    pub message_encoding: Option<i64>,
    /// The URL the message was delivered to (documented for inbound SMS).
    pub message_callback_url: Option<String>,
    /// The media files of an MMS, in the order the message lists them.
    pub media: Vec<Media>,
}

/// One media file of an inbound MMS.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Media {
    /// Flowroute's id of the file.
    pub id: String,
    /// The file name the sender's phone gave it, such as `image000000.png`.
    pub file_name: Option<String>,
    /// The size in bytes.
    pub file_size: Option<u64>,
    /// The content type, such as `image/png`.
    pub mime_type: Option<String>,
    /// Where to download the file. The link is temporary (reported to expire
    /// after about a week): copy the file if you need to keep it.
    pub url: Option<String>,
}

/// A delivery receipt (DLR) of a message you sent: what Flowroute POSTs to a
/// DLR callback URL, usually twice per message (level 1 when the message is
/// handed to the carrier, level 2 with the carrier's answer).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DeliveryReceiptEvent {
    /// The id of the message you sent (`mdr2-…`), as returned by
    /// [`Messages::send`](crate::messages::Messages::send).
    pub message_id: MessageId,
    /// 1 for the hand-over to the carrier, 2 for what happened after.
    pub level: Option<i32>,
    /// The state in words, such as `message buffered` or `delivered`; free
    /// text, empty when Flowroute leaves it out.
    pub status: String,
    /// Flowroute's receipt code, such as `1003`. Flowroute sends it as a
    /// number, a string or null; it is kept as text.
    pub status_code: Option<String>,
    /// The code in words, such as `Message accepted by Carrier`.
    pub status_code_description: Option<String>,
    /// When the receipt was recorded; `None` when it was left out or could
    /// not be read (then see [`timestamp_unparsed`](Self::timestamp_unparsed)).
    pub timestamp: Option<DateTime<Utc>>,
    /// The timestamp as sent, only when it is not a date-time this SDK reads.
    pub timestamp_unparsed: Option<String>,
    /// The text of the message the receipt is about (empty for an MMS).
    pub body: Option<String>,
}

/// An inbound SMS in the older Messages v2 format, a flat object Flowroute
/// POSTs to accounts still on that version.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct LegacyInboundMessage {
    /// The record id (`mdr1-…`).
    pub id: MessageId,
    /// The sender.
    pub from: PhoneNumber,
    /// Your number that received the message.
    pub to: PhoneNumber,
    /// The text.
    pub body: Option<String>,
}

impl InboundMessage {
    /// Reads the body of an inbound SMS or MMS webhook. Anything else,
    /// including a delivery receipt, is an error; use
    /// [`webhooks::parse`](super::parse) when one URL receives several kinds.
    pub fn parse(body: &[u8]) -> Result<InboundMessage, WebhookError> {
        let doc = read_json(body)?;
        expect_kind(&doc, Kind::Message)?;
        InboundMessage::from_document(doc)
    }

    pub(super) fn from_document(mut doc: Value) -> Result<InboundMessage, WebhookError> {
        let timestamp_unparsed = attributes_mut(&mut doc).and_then(repair_message_attributes);
        let raw: types::InboundMessageDocument = decode(doc)?;
        let media = ordered_media(&raw.data, raw.included);
        let mdr = Mdr::from_raw(raw.data);
        Ok(InboundMessage {
            id: mdr.id,
            from: mdr.from,
            to: mdr.to,
            body: mdr.body,
            timestamp: mdr.timestamp,
            timestamp_unparsed,
            direction: mdr.direction,
            message_type: mdr.message_type,
            is_mms: mdr.is_mms,
            status: mdr.status,
            amount_nanodollars: mdr.amount_nanodollars,
            amount_display: mdr.amount_display,
            message_encoding: mdr.message_encoding,
            message_callback_url: mdr.message_callback_url,
            media,
        })
    }
}

impl DeliveryReceiptEvent {
    /// Reads the body of a delivery-receipt webhook. Anything else is an
    /// error; use [`webhooks::parse`](super::parse) when one URL receives
    /// several kinds.
    pub fn parse(body: &[u8]) -> Result<DeliveryReceiptEvent, WebhookError> {
        let doc = read_json(body)?;
        expect_kind(&doc, Kind::DeliveryReceipt)?;
        DeliveryReceiptEvent::from_document(doc)
    }

    pub(super) fn from_document(mut doc: Value) -> Result<DeliveryReceiptEvent, WebhookError> {
        let timestamp_unparsed = attributes_mut(&mut doc).and_then(take_unparsable_timestamp);
        let raw: types::DeliveryReceiptDocument = decode(doc)?;
        let a = raw.data.attributes.unwrap_or_default();
        let body = a.body;
        // The receipt carries the same fields as one listed in a message
        // detail record; reading it the same way keeps `status_code` handling
        // in one place.
        let receipt = DeliveryReceipt::from_raw(types::DeliveryReceipt {
            level: a.level,
            status: a.status,
            status_code: a.status_code,
            status_code_description: a.status_code_description,
            timestamp: a.timestamp,
        });
        Ok(DeliveryReceiptEvent {
            message_id: MessageId::from_server(raw.data.id),
            level: receipt.level,
            status: receipt.status.unwrap_or_default(),
            status_code: receipt.status_code,
            status_code_description: receipt.status_code_description,
            timestamp: receipt.timestamp,
            timestamp_unparsed,
            body,
        })
    }
}

impl LegacyInboundMessage {
    pub(super) fn from_document(doc: Value) -> Result<LegacyInboundMessage, WebhookError> {
        let raw: types::LegacyInboundMessage = decode(doc)?;
        let number = |n: Option<String>| PhoneNumber::from_server(n.unwrap_or_default());
        Ok(LegacyInboundMessage {
            id: MessageId::from_server(raw.id),
            from: number(raw.from),
            to: number(raw.to),
            body: raw.body,
        })
    }
}

impl Media {
    fn from_raw(media: types::Media) -> Media {
        let a = media.attributes.unwrap_or_default();
        Media {
            id: media.id,
            file_name: a.file_name,
            file_size: a.file_size.and_then(|size| u64::try_from(size).ok()),
            mime_type: a.mime_type,
            url: a.url,
        }
    }
}

fn attributes_mut(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    doc.get_mut("data")?.get_mut("attributes")?.as_object_mut()
}

/// Smooths the type contradictions the sources document for message
/// attributes before the spec's types read them, and returns a timestamp that
/// could not be read. Only these are repaired: a webhook that fails to parse
/// is a message lost after Flowroute's four retries.
fn repair_message_attributes(attributes: &mut Map<String, Value>) -> Option<String> {
    // The docs call `amount_display` a float; every example sends "$0.0040".
    if let Some(Value::Number(n)) = attributes.get("amount_display") {
        let text = n.to_string();
        attributes.insert("amount_display".to_string(), Value::String(text));
    }
    take_unparsable_timestamp(attributes)
}

/// Removes a `timestamp` the generated type would reject and returns it as
/// text, so that the rest of the event is still read.
fn take_unparsable_timestamp(attributes: &mut Map<String, Value>) -> Option<String> {
    let value = attributes.get("timestamp")?;
    if value.is_null() || DateTime::<Utc>::deserialize(value).is_ok() {
        return None;
    }
    match attributes.remove("timestamp")? {
        Value::String(text) => Some(text),
        other => Some(other.to_string()),
    }
}

/// The `media` resources of `included`, first those the message lists (in
/// its order), then any others. Unlisted ones are kept rather than dropped:
/// the only captured payload has its ids redacted so that they no longer
/// match, and the body holds one message, so all its media are that message's.
fn ordered_media(message: &types::Mdr, included: Vec<types::Media>) -> Vec<Media> {
    let mut slots: Vec<Option<types::Media>> = included
        .into_iter()
        .filter(|resource| resource.type_ == "media")
        .map(Some)
        .collect();
    let position: HashMap<String, usize> = slots
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(i, slot)| slot.as_ref().map(|m| (m.id.clone(), i)))
        .collect();
    let listed = message
        .relationships
        .as_ref()
        .and_then(|r| r.media.as_ref())
        .map(|m| m.data.as_slice())
        .unwrap_or_default();
    let mut media = Vec::with_capacity(slots.len());
    for reference in listed {
        if let Some(found) = position
            .get(&reference.id)
            .and_then(|&i| slots.get_mut(i))
            .and_then(Option::take)
        {
            media.push(Media::from_raw(found));
        }
    }
    media.extend(slots.into_iter().flatten().map(Media::from_raw));
    media
}
