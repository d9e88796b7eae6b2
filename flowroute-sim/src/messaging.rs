//! Messages as Flowroute records them: segment counting and pricing, MMS
//! media, which callback URL applies, and the delivery receipts that follow
//! an outbound message.

use chrono::{DateTime, Utc};
use flowroute_raw::open_enums::CallbackType;
use serde_json::{Value, json};

use crate::ctx::Ctx;
use crate::model::{AccountNumber, Mdr, Media, Receipt};
use crate::render;
use crate::state::State;

/// What one SMS segment and one MMS cost, in nanodollars: the `amount_nanodollars`
/// of the SMS and MMS examples in `openapi/flowroute.yaml` ($0.004 and $0.0195).
pub(crate) const SMS_SEGMENT_NANODOLLARS: i64 = 4_000_000;
pub(crate) const MMS_NANODOLLARS: i64 = 19_500_000;

/// `(message_encoding, segments)`: ASCII is one segment up to 160 characters,
/// then segments of 140 (Flowroute's figure); anything else is UCS-2 at 70.
pub(crate) fn segments(body: &str) -> (u8, i64) {
    let chars = i64::try_from(body.chars().count()).unwrap_or(i64::MAX);
    if body.is_ascii() {
        (0, if chars <= 160 { 1 } else { (chars + 139) / 140 })
    } else {
        (8, ((chars + 69) / 70).max(1))
    }
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn mime_type(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("bmp") => "image/bmp",
        Some("mp4") => "video/mp4",
        Some("3gp") => "video/3gpp",
        Some("mp3") => "audio/mpeg",
        Some("wav") => "audio/wav",
        Some("amr") => "audio/amr",
        Some("txt") => "text/plain",
        Some("vcf") => "text/vcard",
        _ => "application/octet-stream",
    }
}

/// Media records for the URLs of an MMS; sizes are derived from the URL so
/// that they are stable.
pub(crate) fn media_for(mdr_id: &str, urls: &[String]) -> Vec<Media> {
    let stem = mdr_id.trim_start_matches("mdr2-");
    urls.iter()
        .enumerate()
        .map(|(i, url)| {
            let file_name = reqwest::Url::parse(url)
                .ok()
                .and_then(|u| u.path_segments()?.next_back().map(str::to_string))
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| format!("media{}", i + 1));
            Media {
                id: format!("{stem}-{}", i + 1),
                mime_type: mime_type(&file_name),
                file_size: 1024 + fnv1a(url) % 700_000,
                file_name,
                url: url.clone(),
            }
        })
        .collect()
}

/// A new record, priced; `number` is the account's side of the message.
pub(crate) fn new_mdr(
    state: &mut State,
    outbound: bool,
    number: &AccountNumber,
    other: &str,
    body: Option<String>,
    is_mms: bool,
    media_urls: &[String],
) -> Mdr {
    let id = state.new_mdr_id();
    let (encoding, count) = segments(body.as_deref().unwrap_or(""));
    let own = number.info.value.clone();
    let (from, to) = if outbound {
        (own, other.to_string())
    } else {
        (other.to_string(), own)
    };
    Mdr {
        seq: state.next_mdr_seq(),
        media: if is_mms {
            media_for(&id, media_urls)
        } else {
            Vec::new()
        },
        id,
        outbound,
        from,
        to,
        body,
        is_mms,
        encoding,
        amount_nanodollars: if is_mms {
            MMS_NANODOLLARS
        } else {
            SMS_SEGMENT_NANODOLLARS * count
        },
        message_type: number.info.message_type(),
        status: String::new(),
        timestamp: Utc::now(),
        receipts: Vec::new(),
        message_callback_url: None,
    }
}

/// The first URL registered for any of `types`, the number's before the account's.
pub(crate) fn callback_url(
    state: &State,
    number: &AccountNumber,
    types: &[CallbackType],
) -> Option<String> {
    types
        .iter()
        .find_map(|t| number.callbacks.get(t))
        .or_else(|| types.iter().find_map(|t| state.account_callbacks.get(t)))
        .cloned()
}

/// Where delivery receipts of an outbound message go (the message's own
/// `dlr_callback` wins; `dlr_callback` is the older name for SMS receipts).
pub(crate) fn dlr_types(is_mms: bool) -> &'static [CallbackType] {
    if is_mms {
        &[CallbackType::MmsDlrCallback]
    } else {
        &[CallbackType::SmsDlrCallback, CallbackType::DlrCallback]
    }
}

/// The receipts every outbound message gets, in order.
const RECEIPTS: &[(u8, &str, Option<u32>, &str)] = &[
    (1, "smsc submit", None, "Message has been sent"),
    (2, "delivered", Some(1000), "Message delivered to handset"),
];

fn dlr_payload(base: &str, mdr: &Mdr, receipt: &Receipt) -> Value {
    json!({"data": {
        "attributes": {
            "body": if mdr.is_mms { String::new() } else { mdr.body.clone().unwrap_or_default() },
            "level": receipt.level,
            "status": receipt.status,
            // The receive-a-dlr docs type the code as a string; MDRs carry an integer.
            "status_code": receipt.status_code.map(|c| c.to_string()),
            "status_code_description": receipt.description,
            "timestamp": render::mdr_time(receipt.timestamp),
        },
        "id": mdr.id,
        "links": {"related": format!("{base}/v2.1/messages/{}", mdr.id)},
        "type": "delivery_receipt",
    }})
}

/// Records the level 1 and level 2 receipts of an outbound message, one
/// `dlr_delay` apart, POSTing each to `url` when there is one. Receipts go
/// into the record for SMS only (Flowroute lists none for MMS).
pub(crate) async fn deliver_receipts(ctx: Ctx, epoch: u64, mdr_id: String, url: Option<String>) {
    for &(level, status, status_code, description) in RECEIPTS {
        if !ctx.pause(ctx.config.dlr_delay).await {
            return;
        }
        let timestamp: DateTime<Utc> = Utc::now();
        let receipt = Receipt {
            level,
            status,
            status_code,
            description,
            timestamp,
        };
        let payload = {
            let mut state = ctx.state();
            if state.epoch != epoch {
                return;
            }
            let Some(mdr) = state.mdr_mut(&mdr_id) else {
                return;
            };
            mdr.status = status.to_string();
            let payload = dlr_payload(&ctx.base_url, mdr, &receipt);
            if !mdr.is_mms {
                mdr.receipts.insert(0, receipt);
            }
            payload
        };
        if let Some(url) = &url {
            ctx.deliver_webhook("dlr", url.clone(), mdr_id.clone(), payload);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_segments() {
        assert_eq!(segments("hi"), (0, 1));
        assert_eq!(segments(&"a".repeat(160)), (0, 1));
        assert_eq!(segments(&"a".repeat(161)), (0, 2));
        assert_eq!(segments(&"é".repeat(70)), (8, 1));
        assert_eq!(segments(&"é".repeat(80)), (8, 2));
    }

    #[test]
    fn media_names_and_types() {
        let media = media_for(
            "mdr2-abc",
            &[
                "https://x.com/a/cat.PNG".to_string(),
                "https://x.com/".to_string(),
            ],
        );
        assert_eq!(media[0].file_name, "cat.PNG");
        assert_eq!(media[0].mime_type, "image/png");
        assert_eq!(media[0].id, "abc-1");
        assert_eq!(media[1].file_name, "media2");
    }
}
