//! Webhook bodies read into typed events: Flowroute's documented examples,
//! unknown values, odd field types and malformed input.

use chrono::{TimeZone, Utc};
use flowroute::webhooks::{
    self, DeliveryReceiptEvent, Event, InboundMessage, MessageDirection, MessageType, WebhookError,
};
use serde_json::{Value, json};

/// The inbound SMS as the spec's example writes it.
const INBOUND_SMS: &str = r#"{"data":{"id":"mdr2-…","type":"message",
         "attributes":{"amount_display":"$0.0040","amount_nanodollars":4000000,"body":"Hello are you there? ",
                       "delivery_receipts":[],"direction":"inbound","from":"12061232634","is_mms":false,
                       "message_callback_url":"https://…","message_encoding":0,"message_type":"longcode",
                       "status":"delivered","timestamp":"2017-12-22T01:52:39.39Z","to":"12012673227"}}}"#;

/// The captured inbound MMS (stacksjb/GoogleSheets-Webhook-Flowroute
/// `examplemms.json`), byte for byte. Its ids are redacted, which is why the
/// relationship and the included media do not match.
const CAPTURED_MMS: &str = r#"{
  "data": {
    "id": "mdr2-xxxxxxxxx",
    "type": "message",
    "attributes": {
      "amount_display": "$0.0195",
      "amount_nanodollars": 19500000,
      "body": null,
      "delivery_receipts": [],
      "direction": "inbound",
      "from": "12345678900",
      "is_mms": true,
      "message_encoding": 0,
      "message_type": "longcode",
      "status": "",
      "timestamp": "2022-09-03T20:40:11.00Z",
      "to": "1234567890"
    },
    "relationships": {
      "media": {
        "data": [
          {
            "id": "xxxxxxx-1",
            "type": "media"
          }
        ]
      }
    }
  },
  "included": [
    {
      "id": "xxxxxxxx-1",
      "type": "media",
      "attributes": {
        "file_name": "image000000.png",
        "file_size": 14832,
        "mime_type": "image/png",
        "url": "https://s3.us-west-2.amazonaws.com/flowroute-messaging-media/xxxxxxxxx"
      },
      "links": {
        "self": "https://api.flowroute.com/v2.2/media/xxxxxxxx-1"
      }
    }
  ]
}"#;

/// The delivery receipt as the spec's example writes it.
const DELIVERY_RECEIPT: &str = r#"{"data":{"attributes":{"body":"…","level":2,"status":"message buffered","status_code":"1003",
                       "status_code_description":"Message accepted by Carrier","timestamp":"2017-12-21T16:44:35.00Z"},
         "id":"mdr2-…","links":{"related":"https://api.flowroute.com/v2.1/messages/mdr2-…"},
         "type":"delivery_receipt"}}"#;

/// The flat Messages v2 body (the older format).
const LEGACY: &str = r#"{"to":"12066418000","body":"Hello there from Flowroute!","from":"18553569768","id":"mdr1-febb118b9b034338adfc662a8c02fd88"}"#;

fn parse_json(doc: &Value) -> Result<Event, WebhookError> {
    webhooks::parse(doc.to_string().as_bytes())
}

fn shape_error(doc: &Value) -> (String, String) {
    match parse_json(doc) {
        Err(WebhookError::Shape { path, message }) => (path, message),
        other => panic!("expected a shape error, got {other:?}"),
    }
}

fn at(secs: i64, hundredths: u32) -> chrono::DateTime<Utc> {
    Utc.timestamp_opt(secs, hundredths * 10_000_000).unwrap()
}

#[test]
fn the_documented_inbound_sms_reads_field_by_field() {
    let Event::InboundSms(sms) = webhooks::parse(INBOUND_SMS.as_bytes()).unwrap() else {
        panic!("an SMS");
    };
    assert_eq!(sms.id.as_str(), "mdr2-…");
    assert_eq!(sms.from.as_str(), "12061232634");
    assert_eq!(sms.to.as_str(), "12012673227");
    assert_eq!(sms.body.as_deref(), Some("Hello are you there? "));
    // 2017-12-22T01:52:39.39Z
    assert_eq!(sms.timestamp, Some(at(1_513_907_559, 39)));
    assert_eq!(sms.timestamp_unparsed, None);
    assert_eq!(sms.direction, MessageDirection::Inbound);
    assert_eq!(sms.message_type, MessageType::Longcode);
    assert!(!sms.is_mms);
    assert_eq!(sms.status, Some("delivered".into()));
    assert_eq!(sms.amount_nanodollars, Some(4_000_000));
    assert_eq!(sms.amount_display.as_deref(), Some("$0.0040"));
    assert_eq!(sms.message_encoding, Some(0));
    assert_eq!(sms.message_callback_url.as_deref(), Some("https://…"));
    assert!(sms.media.is_empty());
    assert!(sms.unreadable_fields.is_empty());
}

#[test]
fn the_captured_mms_reads_with_its_media() {
    let Event::InboundMms(mms) = webhooks::parse(CAPTURED_MMS.as_bytes()).unwrap() else {
        panic!("an MMS");
    };
    assert_eq!(mms.id.as_str(), "mdr2-xxxxxxxxx");
    assert_eq!(mms.from.as_str(), "12345678900");
    // Ten digits, as captured: numbers from Flowroute are kept as sent.
    assert_eq!(mms.to.as_str(), "1234567890");
    assert_eq!(mms.body, None);
    // 2022-09-03T20:40:11.00Z
    assert_eq!(mms.timestamp, Some(at(1_662_237_611, 0)));
    assert_eq!(mms.direction, MessageDirection::Inbound);
    assert_eq!(mms.message_type, MessageType::Longcode);
    assert!(mms.is_mms);
    assert_eq!(mms.status, None, "an empty status is no status");
    assert_eq!(mms.amount_nanodollars, Some(19_500_000));
    assert_eq!(mms.amount_display.as_deref(), Some("$0.0195"));
    assert_eq!(mms.message_encoding, Some(0));
    assert_eq!(mms.message_callback_url, None);
    assert_eq!(mms.media.len(), 1);
    let media = &mms.media[0];
    assert_eq!(media.id, "xxxxxxxx-1");
    assert_eq!(media.file_name.as_deref(), Some("image000000.png"));
    assert_eq!(media.file_size, Some(14_832));
    assert_eq!(media.mime_type.as_deref(), Some("image/png"));
    assert_eq!(
        media.url.as_deref(),
        Some("https://s3.us-west-2.amazonaws.com/flowroute-messaging-media/xxxxxxxxx")
    );
    assert!(mms.unreadable_fields.is_empty());
    // The per-kind parser reads the same message.
    assert_eq!(InboundMessage::parse(CAPTURED_MMS.as_bytes()).unwrap(), mms);
}

#[test]
fn the_documented_delivery_receipt_reads_field_by_field() {
    let Event::DeliveryReceipt(dlr) = webhooks::parse(DELIVERY_RECEIPT.as_bytes()).unwrap() else {
        panic!("a receipt");
    };
    assert_eq!(dlr.message_id.as_str(), "mdr2-…");
    assert_eq!(dlr.level, Some(2));
    assert_eq!(dlr.status, Some("message buffered".into()));
    assert_eq!(dlr.status_code.as_deref(), Some("1003"));
    assert_eq!(
        dlr.status_code_description.as_deref(),
        Some("Message accepted by Carrier")
    );
    // 2017-12-21T16:44:35.00Z
    assert_eq!(dlr.timestamp, Some(at(1_513_874_675, 0)));
    assert_eq!(dlr.timestamp_unparsed, None);
    assert_eq!(dlr.body.as_deref(), Some("…"));
    assert!(dlr.unreadable_fields.is_empty());
    assert_eq!(
        DeliveryReceiptEvent::parse(DELIVERY_RECEIPT.as_bytes()).unwrap(),
        dlr
    );
}

#[test]
fn a_receipt_status_code_reads_as_text_whether_number_string_or_null() {
    let code = |value: Value| {
        let mut doc: Value = serde_json::from_str(DELIVERY_RECEIPT).unwrap();
        doc["data"]["attributes"]["status_code"] = value;
        DeliveryReceiptEvent::parse(doc.to_string().as_bytes())
            .unwrap()
            .status_code
    };
    assert_eq!(code(json!(1003)).as_deref(), Some("1003"));
    assert_eq!(code(json!("1003")).as_deref(), Some("1003"));
    assert_eq!(code(json!(null)), None);
}

#[test]
fn the_legacy_v2_body_reads_as_a_legacy_message() {
    let Event::LegacyInbound(legacy) = webhooks::parse(LEGACY.as_bytes()).unwrap() else {
        panic!("a legacy message");
    };
    assert_eq!(legacy.id.as_str(), "mdr1-febb118b9b034338adfc662a8c02fd88");
    assert_eq!(legacy.from.as_str(), "18553569768");
    assert_eq!(legacy.to.as_str(), "12066418000");
    assert_eq!(legacy.body.as_deref(), Some("Hello there from Flowroute!"));
}

#[test]
fn media_follow_the_messages_order_and_unlisted_media_are_kept_last() {
    let doc = json!({
    "data": {"id": "mdr2-1", "type": "message", "attributes": {"is_mms": true},
             "relationships": {"media": {"data": [{"id": "m2", "type": "media"}, {"id": "m1", "type": "media"}]}}},
    "included": [
        {"id": "m1", "type": "media", "attributes": {"file_name": "a.png", "file_size": -1}},
        {"id": "x", "type": "sticker"},
        {"id": "m3", "type": "media"},
        {"id": "m2", "type": "media", "attributes": {"url": "https://example.com/b.gif"}},
    ]});
    let Event::InboundMms(mms) = parse_json(&doc).unwrap() else {
        panic!("an MMS");
    };
    let ids: Vec<&str> = mms.media.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["m2", "m1", "m3"]);
    assert_eq!(
        mms.media[0].url.as_deref(),
        Some("https://example.com/b.gif")
    );
    assert_eq!(mms.media[1].file_name.as_deref(), Some("a.png"));
    assert_eq!(
        mms.media[1].file_size, None,
        "a negative size is not a size"
    );
    assert_eq!(mms.media[2].file_name, None);
}

#[test]
fn a_message_with_media_is_an_mms_even_without_is_mms() {
    let doc = json!({"data": {"id": "mdr2-1", "type": "message", "attributes": {}},
                     "included": [{"id": "m1", "type": "media"}]});
    assert!(matches!(parse_json(&doc).unwrap(), Event::InboundMms(_)));
}

#[test]
fn unknown_fields_are_ignored_and_unknown_enum_values_kept() {
    let mut doc: Value = serde_json::from_str(INBOUND_SMS).unwrap();
    doc["meta"] = json!({"new": true});
    doc["data"]["links"] =
        json!({"self": "https://api.flowroute.com/v2.2/messages/mdr2-…", "next": "x"});
    let attributes = &mut doc["data"]["attributes"];
    attributes["direction"] = json!("sideways");
    attributes["message_type"] = json!("short-code");
    attributes["price_details"] = json!({"segment_count": 1});
    attributes["carrier"] = json!({"name": "Example Wireless"});
    let Event::InboundSms(sms) = parse_json(&doc).unwrap() else {
        panic!("an SMS");
    };
    assert_eq!(sms.direction, MessageDirection::Unknown("sideways".into()));
    assert_eq!(sms.message_type, MessageType::Unknown("short-code".into()));
    assert_eq!(sms.body.as_deref(), Some("Hello are you there? "));

    let mut dlr: Value = serde_json::from_str(DELIVERY_RECEIPT).unwrap();
    dlr["data"]["attributes"]["network"] = json!("LTE");
    dlr["data"]["attributes"]["status"] = json!("a status never seen");
    let Event::DeliveryReceipt(dlr) = parse_json(&dlr).unwrap() else {
        panic!("a receipt");
    };
    assert_eq!(dlr.status, Some("a status never seen".into()));
    assert!(
        dlr.status.as_ref().is_some_and(|s| s.is_unknown()),
        "kept as unknown"
    );
}

#[test]
fn an_unreadable_timestamp_is_kept_as_text_and_the_event_still_reads() {
    let mut doc: Value = serde_json::from_str(INBOUND_SMS).unwrap();
    doc["data"]["attributes"]["timestamp"] = json!("22/12/2017 01:52");
    let Event::InboundSms(sms) = parse_json(&doc).unwrap() else {
        panic!("an SMS");
    };
    assert_eq!(sms.timestamp, None);
    assert_eq!(sms.timestamp_unparsed.as_deref(), Some("22/12/2017 01:52"));
    assert_eq!(sms.unreadable_fields, ["data.attributes.timestamp"]);
    assert_eq!(sms.from.as_str(), "12061232634");

    let mut doc: Value = serde_json::from_str(DELIVERY_RECEIPT).unwrap();
    doc["data"]["attributes"]["timestamp"] = json!(1_513_874_675);
    let dlr = DeliveryReceiptEvent::parse(doc.to_string().as_bytes()).unwrap();
    assert_eq!(dlr.timestamp, None);
    assert_eq!(dlr.timestamp_unparsed.as_deref(), Some("1513874675"));
    assert_eq!(dlr.status, Some("message buffered".into()));
}

#[test]
fn amount_display_sent_as_a_number_is_kept_as_text() {
    let mut doc: Value = serde_json::from_str(INBOUND_SMS).unwrap();
    doc["data"]["attributes"]["amount_display"] = json!(0.004);
    let Event::InboundSms(sms) = parse_json(&doc).unwrap() else {
        panic!("an SMS");
    };
    assert_eq!(sms.amount_display.as_deref(), Some("0.004"));
}

#[test]
fn empty_and_whitespace_bodies_say_so() {
    for body in [&b""[..], b" \r\n\t"] {
        let err = webhooks::parse(body).unwrap_err();
        assert_eq!(err, WebhookError::Empty);
        assert_eq!(err.to_string(), "the webhook body is empty");
    }
}

#[test]
fn a_body_that_is_not_json_names_the_position() {
    let err = webhooks::parse(b"<Message>hi</Message>").unwrap_err();
    let WebhookError::NotJson { line, column, .. } = &err else {
        panic!("not JSON: {err:?}");
    };
    assert_eq!((*line, *column), (1, 1));
    assert_eq!(
        err.to_string(),
        "the webhook body is not JSON: expected value at line 1, column 1"
    );
    let trailing = webhooks::parse(format!("{LEGACY} x").as_bytes()).unwrap_err();
    assert!(
        trailing.to_string().contains("trailing characters"),
        "{trailing}"
    );
    let not_utf8 = webhooks::parse(b"{\"id\": \"mdr1-\xff\"}").unwrap_err();
    assert!(
        matches!(not_utf8, WebhookError::NotJson { .. }),
        "{not_utf8:?}"
    );
}

#[test]
fn the_captured_mms_cut_at_every_seventh_byte_is_always_an_error() {
    let bytes = CAPTURED_MMS.as_bytes();
    for cut in (0..bytes.len()).step_by(7) {
        let err = webhooks::parse(&bytes[..cut]).unwrap_err();
        if cut == 0 {
            assert_eq!(err, WebhookError::Empty);
        } else {
            assert!(
                matches!(err, WebhookError::Truncated { .. }),
                "cut at {cut}: {err:?}"
            );
            assert!(err.to_string().contains("truncated"), "{err}");
        }
    }
    // And every cut through the per-kind parser, as well as cuts through
    // bytes that are not all ASCII.
    for cut in (1..bytes.len()).step_by(7) {
        assert!(InboundMessage::parse(&bytes[..cut]).is_err());
    }
    let receipt = DELIVERY_RECEIPT.as_bytes();
    for cut in 1..receipt.len() {
        assert!(DeliveryReceiptEvent::parse(&receipt[..cut]).is_err());
    }
}

#[test]
fn a_document_of_the_wrong_shape_names_the_path() {
    assert_eq!(
        shape_error(&json!([1, 2])),
        (".".into(), "expected a JSON object, found an array".into())
    );
    assert_eq!(
        shape_error(&json!({"hello": "world"})),
        (
            ".".into(),
            "has neither `data` (Messages v2.1) nor `id` (a flat Messages v2 message)".into()
        )
    );
    assert_eq!(
        shape_error(&json!({"data": null})),
        ("data".into(), "expected an object, found null".into())
    );
    assert_eq!(
        shape_error(&json!({"data": {"id": "x", "type": "number"}})),
        (
            "data.type".into(),
            "is `number`; expected `message` (an inbound SMS or MMS) or `delivery_receipt`".into()
        )
    );
    assert_eq!(
        shape_error(&json!({"data": {"id": "x", "type": 7}})),
        (
            "data.type".into(),
            "expected a string, found a number".into()
        )
    );
    assert_eq!(
        shape_error(&json!({"data": {"id": "x"}})),
        (
            "data.type".into(),
            "is missing; expected `message` or `delivery_receipt`".into()
        )
    );
    let err = parse_json(&json!({"data": {"id": "x", "type": "cdr_export"}})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the webhook body is not a Flowroute webhook: at `data.type`: is `cdr_export`; expected `message` (an inbound SMS or MMS) or `delivery_receipt`"
    );
}

#[test]
fn an_essential_field_of_the_wrong_type_fails_the_event_and_names_its_path() {
    let wrong = |base: &str, pointer: &str, value: Value| {
        let mut doc: Value = serde_json::from_str(base).unwrap();
        *doc.pointer_mut(pointer).unwrap() = value;
        shape_error(&doc)
    };
    let (path, message) = wrong(INBOUND_SMS, "/data/attributes/from", json!(12061232634_u64));
    assert_eq!(path, "data.attributes.from");
    assert_eq!(message, "expected a string, found a number");
    assert_eq!(
        wrong(INBOUND_SMS, "/data/attributes/to", json!(["12012673227"])).0,
        "data.attributes.to"
    );
    assert_eq!(
        wrong(INBOUND_SMS, "/data/attributes/body", json!({"text": "hi"})).0,
        "data.attributes.body"
    );
    assert_eq!(
        wrong(INBOUND_SMS, "/data/attributes", json!("attributes")),
        (
            "data.attributes".into(),
            "expected an object, found a string".into()
        )
    );
    assert_eq!(
        wrong(INBOUND_SMS, "/data/id", json!(7)),
        ("data.id".into(), "expected a string, found a number".into())
    );
    assert_eq!(
        wrong(DELIVERY_RECEIPT, "/data/id", json!(null)),
        ("data.id".into(), "expected a string, found null".into())
    );
    assert_eq!(wrong(LEGACY, "/from", json!(18553569768_u64)).0, "from");
    assert_eq!(wrong(LEGACY, "/body", json!(true)).0, "body");

    let mut doc: Value = serde_json::from_str(INBOUND_SMS).unwrap();
    doc["data"].as_object_mut().unwrap().remove("id");
    assert_eq!(
        shape_error(&doc),
        ("data".into(), "missing field `id`".into())
    );
    let (path, _) = shape_error(&json!({"id": 42, "body": "hi"}));
    assert_eq!(path, "id");
}

/// `amount_nanodollars` as a numeric string is how a public integration's
/// fixture sends it; the old parser refused the whole SMS.
#[test]
fn money_reads_from_a_number_or_a_numeric_string_and_null_stays_none() {
    let amount = |value: Option<Value>| {
        let mut doc: Value = serde_json::from_str(INBOUND_SMS).unwrap();
        let attributes = doc["data"]["attributes"].as_object_mut().unwrap();
        match value {
            Some(value) => attributes.insert("amount_nanodollars".into(), value),
            None => attributes.remove("amount_nanodollars"),
        };
        let Event::InboundSms(sms) = parse_json(&doc).unwrap() else {
            panic!("an SMS");
        };
        (sms.amount_nanodollars, sms.unreadable_fields)
    };
    let read = |n: i64| (Some(n), vec![]);
    assert_eq!(amount(Some(json!(4000000))), read(4_000_000));
    assert_eq!(amount(Some(json!("4000000"))), read(4_000_000));
    assert_eq!(amount(Some(json!(" 19500000 "))), read(19_500_000));
    assert_eq!(amount(Some(json!(4000000.0))), read(4_000_000));
    assert_eq!(amount(Some(json!("4e6"))), read(4_000_000));
    assert_eq!(amount(Some(json!(0))), read(0));
    assert_eq!(amount(Some(json!(null))), (None, vec![]));
    assert_eq!(amount(None), (None, vec![]));
    let unreadable = (None, vec!["data.attributes.amount_nanodollars".to_string()]);
    for odd in [
        json!("$0.004"),
        json!(0.5),
        json!("4000000.5"),
        json!(u64::MAX),
        json!(true),
        json!({"nanodollars": 4000000}),
    ] {
        assert_eq!(amount(Some(odd.clone())), unreadable, "{odd}");
    }
}

#[test]
fn other_numbers_and_flags_read_from_strings_too() {
    let mut doc: Value = serde_json::from_str(INBOUND_SMS).unwrap();
    doc["data"]["attributes"]["message_encoding"] = json!("8");
    doc["data"]["attributes"]["is_mms"] = json!("false");
    let Event::InboundSms(sms) = parse_json(&doc).unwrap() else {
        panic!("an SMS");
    };
    assert_eq!(sms.message_encoding, Some(8));
    assert!(!sms.is_mms);

    let mut doc: Value = serde_json::from_str(CAPTURED_MMS).unwrap();
    doc["data"]["attributes"]["is_mms"] = json!("true");
    doc["data"]["attributes"]["amount_nanodollars"] = json!("19500000");
    doc["included"][0]["attributes"]["file_size"] = json!("14832");
    let Event::InboundMms(mms) = parse_json(&doc).unwrap() else {
        panic!("an MMS");
    };
    assert!(mms.is_mms);
    assert_eq!(mms.amount_nanodollars, Some(19_500_000));
    assert_eq!(mms.media[0].file_size, Some(14_832));
    assert!(mms.unreadable_fields.is_empty());

    let mut doc: Value = serde_json::from_str(DELIVERY_RECEIPT).unwrap();
    doc["data"]["attributes"]["level"] = json!("1");
    let dlr = DeliveryReceiptEvent::parse(doc.to_string().as_bytes()).unwrap();
    assert_eq!(dlr.level, Some(1));
    assert!(dlr.unreadable_fields.is_empty());
}

/// Sets the field at `pointer` of `base` to values of each other type no
/// field expects (object, array, boolean), and checks that the event is still
/// read, with that field left out and named by `path`.
fn survives_odd_values(base: &str, pointer: &str, path: &str) -> Vec<Event> {
    let base: Value = serde_json::from_str(base).unwrap();
    let original = base.pointer(pointer).unwrap();
    let same_type = |odd: &Value| {
        (odd.is_object(), odd.is_array(), odd.is_boolean())
            == (
                original.is_object(),
                original.is_array(),
                original.is_boolean(),
            )
    };
    [json!({"unexpected": true}), json!([1, 2]), json!(false)]
        .into_iter()
        .filter(|odd| !same_type(odd))
        .map(|odd| {
            let mut doc = base.clone();
            *doc.pointer_mut(pointer).unwrap() = odd.clone();
            let event = parse_json(&doc)
                .unwrap_or_else(|e| panic!("{pointer} = {odd} lost the event: {e}"));
            assert_eq!(event.unreadable_fields(), [path], "{pointer} = {odd}");
            assert_eq!(event.message_id(), parse_json(&base).unwrap().message_id());
            event
        })
        .collect()
}

#[test]
fn one_field_of_an_unexpected_type_never_costs_the_event() {
    for field in [
        "amount_display",
        "amount_nanodollars",
        "direction",
        "is_mms",
        "message_callback_url",
        "message_encoding",
        "message_type",
        "status",
        "timestamp",
    ] {
        let pointer = format!("/data/attributes/{field}");
        for event in survives_odd_values(INBOUND_SMS, &pointer, &format!("data.attributes.{field}"))
        {
            let Event::InboundSms(sms) = event else {
                panic!("{field}: still an SMS");
            };
            assert_eq!(
                (sms.from.as_str(), sms.to.as_str(), sms.body.as_deref()),
                ("12061232634", "12012673227", Some("Hello are you there? ")),
                "{field}"
            );
        }
    }

    for (pointer, path) in [
        (
            "/included/0/attributes/file_name",
            "included[0].attributes.file_name",
        ),
        (
            "/included/0/attributes/file_size",
            "included[0].attributes.file_size",
        ),
        (
            "/included/0/attributes/mime_type",
            "included[0].attributes.mime_type",
        ),
        ("/included/0/attributes/url", "included[0].attributes.url"),
        ("/included/0/attributes", "included[0].attributes"),
        ("/included/0/id", "included[0].id"),
    ] {
        for event in survives_odd_values(CAPTURED_MMS, pointer, path) {
            let Event::InboundMms(mms) = event else {
                panic!("{pointer}: still an MMS");
            };
            assert_eq!(mms.media.len(), 1, "{pointer}: the media is kept");
        }
    }
    for (pointer, path) in [("/included", "included"), ("/included/0", "included[0]")] {
        for event in survives_odd_values(CAPTURED_MMS, pointer, path) {
            let Event::InboundMms(mms) = event else {
                panic!("{pointer}: is_mms still says MMS");
            };
            assert!(mms.media.is_empty(), "{pointer}");
        }
    }
    for (pointer, path) in [
        ("/data/relationships", "data.relationships"),
        ("/data/relationships/media", "data.relationships.media"),
        (
            "/data/relationships/media/data",
            "data.relationships.media.data",
        ),
        (
            "/data/relationships/media/data/0",
            "data.relationships.media.data[0]",
        ),
        (
            "/data/relationships/media/data/0/id",
            "data.relationships.media.data[0].id",
        ),
    ] {
        for event in survives_odd_values(CAPTURED_MMS, pointer, path) {
            let Event::InboundMms(mms) = event else {
                panic!("{pointer}: still an MMS");
            };
            assert_eq!(mms.media.len(), 1, "{pointer}: unlisted media are kept");
        }
    }

    for field in [
        "body",
        "level",
        "status",
        "status_code",
        "status_code_description",
        "timestamp",
    ] {
        let pointer = format!("/data/attributes/{field}");
        for event in survives_odd_values(
            DELIVERY_RECEIPT,
            &pointer,
            &format!("data.attributes.{field}"),
        ) {
            assert!(matches!(event, Event::DeliveryReceipt(_)), "{field}");
        }
    }
    for event in survives_odd_values(DELIVERY_RECEIPT, "/data/attributes", "data.attributes") {
        let Event::DeliveryReceipt(dlr) = event else {
            panic!("a receipt");
        };
        assert_eq!((dlr.level, dlr.status), (None, None));
    }
}

#[test]
fn per_kind_parsers_refuse_the_other_kind() {
    let err = InboundMessage::parse(DELIVERY_RECEIPT.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        WebhookError::Shape {
            path: "data.type".into(),
            message: "this is a delivery receipt (`data.type` `delivery_receipt`); expected an inbound message (`data.type` `message`)".into(),
        }
    );
    let err = DeliveryReceiptEvent::parse(LEGACY.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        WebhookError::Shape {
            path: ".".into(),
            message: "this is a flat Messages v2 message; expected a delivery receipt (`data.type` `delivery_receipt`)".into(),
        }
    );
}
