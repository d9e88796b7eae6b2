//! Webhook bodies shaped like Flowroute's, for testing your handlers and your
//! `Receiver` (feature `receiver`) without Flowroute.
//!
//! Each builder returns a [`serde_json::Value`]: change any field before
//! sending it (`body.to_string()` is the POST body). Every call gets a fresh
//! message id, so a receiver's [`Dedupe`](super::Dedupe) does not drop
//! fixtures as repeats; to test a repeat, send the same value twice. The
//! timestamp is the current time, in Flowroute's format
//! (`2017-12-22T01:52:39.39Z`).
//!
//! ```
//! use flowroute::webhooks::{self, Event, fixtures};
//! let mut dlr = fixtures::delivery_receipt("mdr2-39cadeace66e11e7aff806cd7f24ba2d", "delivered");
//! dlr["data"]["attributes"]["level"] = 1.into();
//! let Event::DeliveryReceipt(receipt) = webhooks::parse(dlr.to_string().as_bytes())? else {
//!     panic!("a receipt");
//! };
//! assert_eq!(receipt.level, Some(1));
//! assert_eq!(receipt.status, Some(webhooks::MessageStatus::Delivered));
//! # Ok::<(), webhooks::WebhookError>(())
//! ```

use chrono::Utc;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The body of an inbound SMS from `from` to your number `to`, as Flowroute
/// POSTs it to the `sms_callback` URL (the attributes of the documented
/// example, with a fresh id, your numbers and text, and the current time).
pub fn inbound_sms(from: &str, to: &str, body: &str) -> Value {
    json!({"data": {
        "id": fresh_id(),
        "type": "message",
        "attributes": {
            "amount_display": "$0.0040",
            "amount_nanodollars": 4_000_000,
            "body": body,
            "delivery_receipts": [],
            "direction": "inbound",
            "from": from,
            "is_mms": false,
            "message_encoding": if body.is_ascii() { 0 } else { 8 },
            "message_type": "longcode",
            "status": "delivered",
            "timestamp": now(),
            "to": to,
        },
    }})
}

/// The body of an inbound MMS from `from` to your number `to`, as Flowroute
/// POSTs it to the `mms_callback` URL (shaped like a captured one): the
/// message, and one `included` media resource per URL, in order.
///
/// A media file's name is the URL's last path segment and its content type is
/// guessed from the extension (png, jpg/jpeg, gif, mp4, 3gp, mp3, txt; else
/// `application/octet-stream`); `file_size` is left out, the fixture cannot
/// know it.
pub fn inbound_mms(from: &str, to: &str, body: Option<&str>, media_urls: &[&str]) -> Value {
    let id = fresh_id();
    let media_id = |n: usize| format!("{}-{n}", id.trim_start_matches("mdr2-"));
    let references: Vec<Value> = (1..=media_urls.len())
        .map(|n| json!({"id": media_id(n), "type": "media"}))
        .collect();
    let included: Vec<Value> = media_urls
        .iter()
        .zip(1..)
        .map(|(url, n)| {
            let file_name = url
                .split(['?', '#'])
                .next()
                .and_then(|path| path.rsplit('/').next())
                .filter(|name| !name.is_empty())
                .unwrap_or("media");
            json!({
                "id": media_id(n),
                "type": "media",
                "attributes": {"file_name": file_name, "mime_type": mime_type(file_name), "url": url},
                "links": {"self": format!("https://api.flowroute.com/v2.2/media/{}", media_id(n))},
            })
        })
        .collect();
    json!({
        "data": {
            "id": id,
            "type": "message",
            "attributes": {
                "amount_display": "$0.0195",
                "amount_nanodollars": 19_500_000,
                "body": body,
                "delivery_receipts": [],
                "direction": "inbound",
                "from": from,
                "is_mms": true,
                "message_encoding": 0,
                "message_type": "longcode",
                "status": "",
                "timestamp": now(),
                "to": to,
            },
            "relationships": {"media": {"data": references}},
        },
        "included": included,
    })
}

/// The body of a level-2 delivery receipt with `status` (such as `delivered`)
/// for the message you sent as `message_id`, as Flowroute POSTs it to a DLR
/// callback URL. `status_code` is null and the message text is left out; set
/// them if your handler reads them.
pub fn delivery_receipt(message_id: &str, status: &str) -> Value {
    json!({"data": {
        "id": message_id,
        "type": "delivery_receipt",
        "attributes": {
            "level": 2,
            "status": status,
            "status_code": null,
            "timestamp": now(),
        },
        "links": {"related": format!("https://api.flowroute.com/v2.1/messages/{message_id}")},
    }})
}

/// `mdr2-` and 32 hex digits: the time, then a counter, so that ids differ
/// within a process and across runs.
fn fresh_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    // Only the low 64 bits are needed to tell runs apart.
    let nanos = nanos as u64;
    format!(
        "mdr2-{nanos:016x}{:016x}",
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Now as Flowroute writes it: UTC to the hundredth of a second.
fn now() -> String {
    let now = Utc::now();
    format!(
        "{}.{:02}Z",
        now.format("%Y-%m-%dT%H:%M:%S"),
        now.timestamp_subsec_millis() / 10
    )
}

fn mime_type(file_name: &str) -> &'static str {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "mp4" => "video/mp4",
        "3gp" => "video/3gpp",
        "mp3" => "audio/mpeg",
        "txt" => "text/plain",
        _ => "application/octet-stream",
    }
}
