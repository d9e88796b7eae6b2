//! Messages v2.2 webhooks: `+E.164` numbers, a price, and the version the
//! payload shows, next to v2.1 payloads that show none.

use flowroute::messages::{Decimal, MessageStatus, MessagingVersion};
use flowroute::webhooks::{self, Event};
use serde_json::json;

const MDR_ID: &str = "mdr2-39cadeace66e11e7aff806cd7f24ba2d";

fn parse(body: serde_json::Value) -> Event {
    webhooks::parse(body.to_string().as_bytes()).unwrap()
}

#[test]
fn an_inbound_sms_with_plus_numbers_is_a_v2_2_one() {
    let event = parse(
        json!({"data": {"id": MDR_ID, "type": "message", "attributes": {
        "body": "Hello", "direction": "inbound", "from": "+12061232634", "to": "+12012673227",
        "is_mms": false, "message_type": "longcode", "status": "delivered",
        "amount_display": "$0.0040", "amount_nanodollars": 4000000, "message_encoding": 0,
        "timestamp": "2026-11-30T10:00:00.00Z", "delivery_receipts": [],
        "price_details": {"base_rate": "0.0040", "surcharge_rate": "0", "segment_count": 1,
                          "charged_cost": "0.0040"}}}}),
    );
    let Event::InboundSms(sms) = event else {
        panic!("an inbound SMS: {event:?}")
    };
    assert_eq!(sms.from.as_str(), "12061232634");
    assert_eq!(sms.to.as_str(), "12012673227");
    assert_eq!(sms.api_version, Some(MessagingVersion::V2_2));
    assert_eq!(sms.status, Some(MessageStatus::Delivered));
    let price = sms.price.expect("the webhook's price");
    assert_eq!(price.charged_cost, Some(Decimal::new(40, 4)));
    assert_eq!(price.expected_cost(), price.charged_cost);
    assert!(
        sms.unreadable_fields.is_empty(),
        "{:?}",
        sms.unreadable_fields
    );
}

#[test]
fn the_captured_mms_with_its_v2_2_media_links_does_not_claim_a_version() {
    // The 2022 capture (an account documented against v2.1) already links its
    // media under /v2.2/: media links are no evidence of the version.
    let event = parse(
        json!({"data": {"id": "mdr2-xxxxxxxxx", "type": "message", "attributes": {
        "amount_display": "$0.0195", "amount_nanodollars": 19500000, "body": null,
        "delivery_receipts": [], "direction": "inbound", "from": "12345678900", "is_mms": true,
        "message_encoding": 0, "message_type": "longcode", "status": "",
        "timestamp": "2022-09-03T20:40:11.00Z", "to": "1234567890"},
        "relationships": {"media": {"data": [{"id": "xxxxxxx-1", "type": "media"}]}}},
        "included": [{"id": "xxxxxxx-1", "type": "media", "attributes": {
            "file_name": "image000000.png", "file_size": 14832, "mime_type": "image/png",
            "url": "https://s3.us-west-2.amazonaws.com/flowroute-messaging-media/xxxxxxxxx"},
            "links": {"self": "https://api.flowroute.com/v2.2/media/xxxxxxx-1"}}]}),
    );
    let Event::InboundMms(mms) = event else {
        panic!("an inbound MMS: {event:?}")
    };
    assert_eq!(mms.api_version, None);
    assert_eq!(mms.price, None);
    assert_eq!(mms.status, None);
    assert_eq!(mms.media.len(), 1);
}

#[test]
fn a_receipt_names_its_version_through_the_message_it_links() {
    for (related, version) in [
        (
            Some(format!("https://api.flowroute.com/v2.2/messages/{MDR_ID}")),
            Some(MessagingVersion::V2_2),
        ),
        (
            Some(format!("https://api.flowroute.com/v2.1/messages/{MDR_ID}")),
            Some(MessagingVersion::V2_1),
        ),
        (None, None),
    ] {
        let mut body = json!({"data": {"id": MDR_ID, "type": "delivery_receipt", "attributes": {
            "body": "hello", "level": 2, "status": "message buffered", "status_code": "1003",
            "status_code_description": "Message accepted by Carrier",
            "timestamp": "2026-11-30T10:00:01.00Z"}}});
        if let Some(related) = &related {
            body["data"]["links"] = json!({"related": related});
        }
        let Event::DeliveryReceipt(dlr) = parse(body) else {
            panic!("a receipt")
        };
        assert_eq!(dlr.api_version, version, "{related:?}");
        assert_eq!(dlr.status_code.as_deref(), Some("1003"));
        assert_eq!(dlr.status, Some(MessageStatus::MessageBuffered));
        assert!(
            dlr.unreadable_fields.is_empty(),
            "{:?}",
            dlr.unreadable_fields
        );
    }
}
