//! The typed webhook bodies, and how each is read from its JSON.
//!
//! They are read field by field from the JSON tree rather than through the
//! spec's generated types: a webhook that fails to parse is a message lost
//! after Flowroute's four resends, so each field follows one of two rules
//! (strict for the few that make the event, lenient for the rest), which a
//! derived `Deserialize` cannot express.

use super::{Kind, WebhookError, describe, expect_kind, read_json};
use crate::messages::{MessagingVersion, PriceDetails, known_status};
use crate::{MessageId, PhoneNumber};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;

pub use flowroute_raw::open_enums::{MessageDirection, MessageStatus, MessageType};

/// An SMS or MMS that arrived at one of your numbers (Messages v2.1): the
/// message detail record Flowroute POSTs to the `sms_callback` or
/// `mms_callback` URL, with the media of an MMS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Flowroute's state (`delivered`); `None` for an inbound MMS, which
    /// Flowroute sends with an empty one.
    pub status: Option<MessageStatus>,
    /// What receiving the message cost, in billionths of a US dollar
    /// (`4000000` = $0.004), read from a number or a numeric string; `None`
    /// when Flowroute leaves it out, sends null or sends something else.
    pub amount_nanodollars: Option<i64>,
    /// The charge as Flowroute formats it, such as `$0.0040`.
    pub amount_display: Option<String>,
    /// The body's character encoding: 0 for ASCII (GSM), 8 for UCS-2.
    pub message_encoding: Option<i64>,
    /// The URL the message was delivered to (documented for inbound SMS).
    pub message_callback_url: Option<String>,
    /// The media files of an MMS, in the order the message lists them.
    pub media: Vec<Media>,
    /// What the message cost, when the webhook says (`price_details`, which
    /// Messages v2.2 may send).
    pub price: Option<PriceDetails>,
    /// [`MessagingVersion::V2_2`] when the numbers carry a `+`, which only
    /// v2.2 writes; `None` when the payload does not tell (v2.1 and, possibly,
    /// v2.2 webhooks look the same otherwise).
    pub api_version: Option<MessagingVersion>,
    /// Where the body held a value of a type this SDK could not read, such as
    /// `data.attributes.is_mms` sent as `"yes"`: those fields are `None` (or
    /// their default) above, and the message is delivered anyway. Empty for
    /// every body Flowroute documents.
    pub unreadable_fields: Vec<String>,
}

/// One media file of an inbound MMS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeliveryReceiptEvent {
    /// The id of the message you sent (`mdr2-…`), as returned by
    /// [`Messages::send`](crate::messages::Messages::send).
    pub message_id: MessageId,
    /// 1 for the hand-over to the carrier, 2 for what happened after.
    pub level: Option<i32>,
    /// The state, such as `message buffered` or `delivered`; `None` when
    /// Flowroute leaves it out or sends it empty.
    pub status: Option<MessageStatus>,
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
    /// The Messaging API version of the message link (`links.related`,
    /// `…/v2.2/messages/…`), `None` when there is none.
    pub api_version: Option<MessagingVersion>,
    /// Where the body held a value of a type this SDK could not read, such as
    /// `data.attributes.level` sent as `"two"`: those fields are `None` (or
    /// their default) above, and the receipt is delivered anyway. Empty for
    /// every body Flowroute documents.
    pub unreadable_fields: Vec<String>,
}

/// An inbound SMS in the older Messages v2 format, a flat object Flowroute
/// POSTs to accounts still on that version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
        InboundMessage::from_document(&doc)
    }

    pub(super) fn from_document(doc: &Value) -> Result<InboundMessage, WebhookError> {
        let data = Fields::root(doc).essential_object("data")?;
        let id = data.required_text("id")?;
        let a = data.essential_object("attributes")?;
        let (from, to) = (a.essential_text("from")?, a.essential_text("to")?);
        // Only Messages v2.2 writes numbers with their `+`.
        let api_version = [&from, &to]
            .iter()
            .any(|n| n.as_deref().is_some_and(|n| n.starts_with('+')))
            .then_some(MessagingVersion::V2_2);
        let number = |n: Option<String>| PhoneNumber::from_server(n.unwrap_or_default());
        let (from, to, body) = (number(from), number(to), a.essential_text("body")?);
        let mut read = Lenient::default();
        let price = read.object(&a, "price_details").price();
        let (timestamp, timestamp_unparsed) = read.timestamp(&a);
        let media = read.media(&data, doc);
        Ok(InboundMessage {
            id: MessageId::from_server(id),
            from,
            to,
            body,
            timestamp,
            timestamp_unparsed,
            // A record without these is one Flowroute did not describe; keep
            // it visible rather than failing the event.
            direction: read
                .value(&a, "direction", |v| v.as_str().map(MessageDirection::from))
                .unwrap_or_else(|| MessageDirection::Unknown(String::new())),
            message_type: read
                .value(&a, "message_type", |v| v.as_str().map(MessageType::from))
                .unwrap_or_else(|| MessageType::Unknown(String::new())),
            is_mms: read.value(&a, "is_mms", flag).unwrap_or_default(),
            status: known_status(read.text(&a, "status").map(MessageStatus::from)),
            amount_nanodollars: read.integer(&a, "amount_nanodollars"),
            // The docs call `amount_display` a float; every example sends
            // "$0.0040". Either is kept as text.
            amount_display: read.text(&a, "amount_display"),
            message_encoding: read.integer(&a, "message_encoding"),
            message_callback_url: read.text(&a, "message_callback_url"),
            media,
            price,
            api_version,
            unreadable_fields: read.unreadable,
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
        DeliveryReceiptEvent::from_document(&doc)
    }

    pub(super) fn from_document(doc: &Value) -> Result<DeliveryReceiptEvent, WebhookError> {
        let data = Fields::root(doc).essential_object("data")?;
        let message_id = data.required_text("id")?;
        let mut read = Lenient::default();
        // Nothing in a receipt's attributes identifies it: all are lenient,
        // down to the object itself.
        let a = read.object(&data, "attributes");
        let (timestamp, timestamp_unparsed) = read.timestamp(&a);
        let links = read.object(&data, "links");
        // The receipt links the message it is about, under the version's path.
        let api_version = read.text(&links, "related").and_then(|url| {
            [MessagingVersion::V2_1, MessagingVersion::V2_2]
                .into_iter()
                .find(|v| url.contains(&format!("/v{v}/")))
        });
        Ok(DeliveryReceiptEvent {
            message_id: MessageId::from_server(message_id),
            level: read.integer(&a, "level"),
            status: known_status(read.text(&a, "status").map(MessageStatus::from)),
            // Documented as a string, captured as a number or null.
            status_code: read.text(&a, "status_code"),
            status_code_description: read.text(&a, "status_code_description"),
            timestamp,
            timestamp_unparsed,
            body: read.text(&a, "body"),
            api_version,
            unreadable_fields: read.unreadable,
        })
    }
}

impl LegacyInboundMessage {
    pub(super) fn from_document(doc: &Value) -> Result<LegacyInboundMessage, WebhookError> {
        let top = Fields::root(doc);
        let number = |key| -> Result<PhoneNumber, WebhookError> {
            Ok(PhoneNumber::from_server(
                top.essential_text(key)?.unwrap_or_default(),
            ))
        };
        Ok(LegacyInboundMessage {
            id: MessageId::from_server(top.required_text("id")?),
            from: number("from")?,
            to: number("to")?,
            body: top.essential_text("body")?,
        })
    }
}

/// An object of the document (or its absence) and where it is, for reading
/// its fields and naming them in errors.
struct Fields<'a> {
    map: Option<&'a Map<String, Value>>,
    path: String,
}

impl<'a> Fields<'a> {
    fn root(doc: &'a Value) -> Fields<'a> {
        Fields {
            map: doc.as_object(),
            path: String::new(),
        }
    }

    /// The field's value; `None` when it is missing or null, which every
    /// field but the ids may be.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map?.get(key).filter(|value| !value.is_null())
    }

    /// The price an object holds, read as [`PriceDetails`] reads one.
    fn price(&self) -> Option<PriceDetails> {
        PriceDetails::find(self.map?, &Map::new())
    }

    fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn wrong_type(&self, key: &str, expected: &str, found: &Value) -> WebhookError {
        WebhookError::shape(
            &self.path_of(key),
            format!("expected {expected}, found {}", describe(found)),
        )
    }

    /// An id: without it the event cannot be told from another one.
    fn required_text(&self, key: &str) -> Result<String, WebhookError> {
        match self.map.and_then(|map| map.get(key)) {
            Some(Value::String(text)) => Ok(text.clone()),
            Some(other) => Err(self.wrong_type(key, "a string", other)),
            None => Err(WebhookError::shape(
                if self.path.is_empty() {
                    "."
                } else {
                    &self.path
                },
                format!("missing field `{key}`"),
            )),
        }
    }

    /// An essential text field (who sent what to whom): a string, or absent.
    /// Any other type fails the event, which is not the message it claims.
    fn essential_text(&self, key: &str) -> Result<Option<String>, WebhookError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(self.wrong_type(key, "a string", other)),
        }
    }

    /// An object holding essential fields: an object, or absent.
    fn essential_object(&self, key: &str) -> Result<Fields<'a>, WebhookError> {
        match self.get(key) {
            None => Ok(self.child(key, None)),
            Some(Value::Object(map)) => Ok(self.child(key, Some(map))),
            Some(other) => Err(self.wrong_type(key, "an object", other)),
        }
    }

    fn child(&self, key: &str, map: Option<&'a Map<String, Value>>) -> Fields<'a> {
        Fields {
            map,
            path: self.path_of(key),
        }
    }
}

/// Reads the fields that are not essential: a value of an unexpected type is
/// left out (the field is `None`, or its default) and its path noted, so that
/// one odd field never costs the event.
#[derive(Default)]
struct Lenient {
    unreadable: Vec<String>,
}

impl Lenient {
    fn value<'a, T>(
        &mut self,
        fields: &Fields<'a>,
        key: &str,
        read: impl FnOnce(&'a Value) -> Option<T>,
    ) -> Option<T> {
        let value = fields.get(key)?;
        let read = read(value);
        if read.is_none() {
            self.unreadable.push(fields.path_of(key));
        }
        read
    }

    /// Text, from a string or a number (kept as written).
    fn text(&mut self, fields: &Fields<'_>, key: &str) -> Option<String> {
        self.value(fields, key, |value| match value {
            Value::String(text) => Some(text.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    }

    /// An integer, from a number or a numeric string, that fits `T`.
    fn integer<T: TryFrom<i64>>(&mut self, fields: &Fields<'_>, key: &str) -> Option<T> {
        self.value(fields, key, |value| {
            integer(value).and_then(|n| T::try_from(n).ok())
        })
    }

    fn object<'a>(&mut self, fields: &Fields<'a>, key: &str) -> Fields<'a> {
        let map = self.value(fields, key, Value::as_object);
        fields.child(key, map)
    }

    fn array<'a>(&mut self, fields: &Fields<'a>, key: &str) -> &'a [Value] {
        self.value(fields, key, |value| value.as_array().map(Vec::as_slice))
            .unwrap_or_default()
    }

    /// The timestamp, or what was sent when it is not a date-time this SDK
    /// reads.
    fn timestamp(&mut self, fields: &Fields<'_>) -> (Option<DateTime<Utc>>, Option<String>) {
        let Some(value) = fields.get("timestamp") else {
            return (None, None);
        };
        if let Ok(timestamp) = DateTime::<Utc>::deserialize(value) {
            return (Some(timestamp), None);
        }
        self.unreadable.push(fields.path_of("timestamp"));
        let text = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        (None, Some(text))
    }

    /// The `media` resources of `included`, first those the message lists (in
    /// its order), then any others. Unlisted ones are kept rather than
    /// dropped: the only captured payload has its ids redacted so that they no
    /// longer match, and the body holds one message, so all its media are that
    /// message's.
    fn media(&mut self, data: &Fields<'_>, doc: &Value) -> Vec<Media> {
        let included = self.array(&Fields::root(doc), "included");
        let mut slots: Vec<Option<Media>> = Vec::with_capacity(included.len());
        for (i, resource) in included.iter().enumerate() {
            let path = format!("included[{i}]");
            let Some(map) = resource.as_object() else {
                self.unreadable.push(path);
                continue;
            };
            let resource = Fields {
                map: Some(map),
                path,
            };
            if resource.get("type").and_then(Value::as_str) == Some("media") {
                slots.push(Some(self.one_media(&resource)));
            }
        }
        let position: HashMap<String, usize> = slots
            .iter()
            .enumerate()
            .rev()
            .filter_map(|(i, slot)| slot.as_ref().map(|m| (m.id.clone(), i)))
            .collect();
        let relationships = self.object(data, "relationships");
        let listed = self.object(&relationships, "media");
        let listed = self.array(&listed, "data");
        let mut media = Vec::with_capacity(slots.len());
        for (i, reference) in listed.iter().enumerate() {
            let path = format!("{}.relationships.media.data[{i}]", data.path);
            let Some(map) = reference.as_object() else {
                self.unreadable.push(path);
                continue;
            };
            let reference = Fields {
                map: Some(map),
                path,
            };
            let Some(id) = self.text(&reference, "id") else {
                continue;
            };
            if let Some(found) = position
                .get(&id)
                .and_then(|&i| slots.get_mut(i))
                .and_then(Option::take)
            {
                media.push(found);
            }
        }
        media.extend(slots.into_iter().flatten());
        media
    }

    fn one_media(&mut self, resource: &Fields<'_>) -> Media {
        let a = self.object(resource, "attributes");
        Media {
            id: self.text(resource, "id").unwrap_or_default(),
            file_name: self.text(&a, "file_name"),
            file_size: self.integer(&a, "file_size"),
            mime_type: self.text(&a, "mime_type"),
            url: self.text(&a, "url"),
        }
    }
}

fn flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// A whole number written as a JSON number or in a string (`4000000`,
/// `"4000000"`, `4e6`); a fraction or a value beyond `i64` is not one.
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().and_then(whole)),
        Value::String(text) => {
            let text = text.trim();
            text.parse()
                .ok()
                .or_else(|| text.parse().ok().and_then(whole))
        }
        _ => None,
    }
}

fn whole(x: f64) -> Option<i64> {
    // `i64::MAX as f64` rounds up to 2^63, which no longer fits: hence `<`.
    (x.fract() == 0.0 && x >= i64::MIN as f64 && x < i64::MAX as f64).then_some(x as i64)
}
