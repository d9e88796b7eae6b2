//! Messages v2.2 on the wire: every operation's method, path, headers and body
//! (numbers with `+`), the `price_details` readings the sources disagree on,
//! and one setting switching a client between v2.1 and v2.2.

mod common;

use common::*;
use flowroute::messages::{
    CallbackType, Decimal, Message, MessageStatus, MessagingVersion, PriceDetails,
};
use flowroute::{Client, Error};
use httpmock::Method::{DELETE, GET, POST, PUT};
use serde_json::{Value, json};

const MDR_ID: &str = "mdr2-39cadeace66e11e7aff806cd7f24ba2d";

async fn v2_2() -> (httpmock::MockServer, Client) {
    let (server, client) = setup().await;
    (
        server,
        client.with_messaging_version(MessagingVersion::V2_2),
    )
}

/// A 202 whose `price_details` sits at `place` (`attributes` or `data`).
fn accepted(price: Value, place: &str) -> Value {
    let mut data = json!({"id": MDR_ID, "type": "message",
        "links": {"self": format!("https://api.flowroute.com/v2.2/messages/{MDR_ID}")}});
    match place {
        "attributes" => data["attributes"] = json!({"price_details": price}),
        _ => data["price_details"] = price,
    }
    json!({"data": data})
}

#[tokio::test]
async fn a_v2_2_send_posts_plus_e164_numbers_and_returns_the_price() {
    let (server, client) = v2_2().await;
    let price = json!({"base_rate": "0.0040", "charged_cost": "0.0140",
        "segment_count": 2, "surcharge_rate": "0.0030"});
    let mock = server
        .mock_async(|when, then| {
            query_count(
                request_with_body(
                    when,
                    POST,
                    "/v2.2/messages",
                    json!({"to": "+12065551234", "from": "+12012673227", "body": "hello"}),
                ),
                0,
            );
            then.status(202).json_body(accepted(price, "attributes"));
        })
        .await;
    let sent = client
        .messages()
        .send(Message::sms("12012673227", "(206) 555-1234", "hello"))
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(sent.id.as_str(), MDR_ID);
    assert_eq!(sent.version, MessagingVersion::V2_2);
    let price = sent.price.expect("v2.2 answers with a price");
    assert_eq!(price.base_rate, Some(Decimal::new(40, 4)));
    assert_eq!(price.segment_count, Some(2));
    // The docs' formula: charged_cost = (base_rate + surcharge_rate) × segment_count.
    assert_eq!(price.expected_cost(), Some(Decimal::new(140, 4)));
    assert_eq!(price.expected_cost(), price.charged_cost);
}

#[tokio::test]
async fn a_price_under_data_with_numbers_and_surcharge_is_read_too() {
    let (server, client) = v2_2().await;
    let price =
        json!({"base_rate": 0.004, "charged_cost": 0.007, "segment_count": 1, "surcharge": 0.003});
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v2.2/messages");
            then.status(202).json_body(accepted(price, "data"));
        })
        .await;
    let sent = client
        .messages()
        .send(Message::sms("12012673227", "12065551234", "hello"))
        .await
        .unwrap();
    let price = sent.price.unwrap();
    assert_eq!(price.surcharge_rate, Some(Decimal::new(3, 3)));
    assert_eq!(price.expected_cost(), price.charged_cost);
}

#[tokio::test]
async fn a_price_that_cannot_be_read_never_costs_the_message() {
    let (server, client) = v2_2().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v2.2/messages");
            then.status(202).json_body(accepted(
                json!({"base_rate": {"amount": 4}, "segment_count": "one"}),
                "attributes",
            ));
        })
        .await;
    let sent = client
        .messages()
        .send(Message::sms("12012673227", "12065551234", "hello"))
        .await
        .unwrap();
    assert_eq!(sent.id.as_str(), MDR_ID);
    let price: PriceDetails = sent.price.unwrap();
    assert_eq!((price.base_rate, price.segment_count), (None, None));
}

#[tokio::test]
async fn a_v2_2_mms_may_go_to_any_e164_number_and_v2_1_refuses_it() {
    let (server, client) = v2_2().await;
    let mock = server
        .mock_async(|when, then| {
            request_with_body(
                when,
                POST,
                "/v2.2/messages",
                json!({"to": "+442079460958", "from": "+12012673227",
                       "media_urls": ["https://example.com/a.png"]}),
            );
            then.status(202)
                .json_body(json!({"data": {"id": MDR_ID, "type": "message"}}));
        })
        .await;
    let mms =
        || Message::mms("12012673227", "+44 20 7946 0958").media_url("https://example.com/a.png");
    let sent = client.messages().send(mms()).await.unwrap();
    mock.assert_async().await;
    assert_eq!(sent.price, None, "no price_details, no price");

    let v2_1 = client.with_messaging_version(MessagingVersion::V2_1);
    match v2_1.messages().send(mms()).await {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "to");
            assert!(reason.contains("Messages v2.2"), "{reason}");
        }
        other => panic!("expected the v2.1 refusal, got {other:?}"),
    }
    assert_eq!(mock.calls_async().await, 1, "the refusal sent nothing");
}

#[tokio::test]
async fn v2_2_lists_and_looks_up_records_with_plus_numbers() {
    let (server, client) = v2_2().await;
    let record = json!({"id": MDR_ID, "type": "message", "attributes": {
        "body": "hi", "direction": "outbound", "from": "+12012673227", "to": "+12065551234",
        "is_mms": false, "message_type": "longcode", "status": "delivered",
        "amount_nanodollars": 4000000, "amount_display": "$0.0040", "message_encoding": 0,
        "timestamp": "2026-11-30T10:00:00.00Z", "delivery_receipts": [],
        "price_details": {"base_rate": "0.0040", "surcharge_rate": "0.0000", "segment_count": 1, "charged_cost": "0.0040"}}});
    let list = server
        .mock_async(|when, then| {
            query_count(
                request(when, GET, "/v2.2/messages")
                    .query_param("start_date", "2026-11-30T00:00:00Z")
                    .query_param("limit", "5")
                    .query_param("offset", "0"),
                3,
            );
            then.status(200)
                .json_body(json!({"data": [record.clone()], "links": {}}));
        })
        .await;
    let one = server
        .mock_async(|when, then| {
            query_count(request(when, GET, &format!("/v2.2/messages/{MDR_ID}")), 0);
            then.status(200).json_body(json!({"data": record}));
        })
        .await;
    let start = "2026-11-30T00:00:00Z"
        .parse::<flowroute::chrono::DateTime<flowroute::chrono::Utc>>()
        .unwrap();
    let page = client.messages().list(start).limit(5).page().await.unwrap();
    let mdr = client.messages().get(MDR_ID).await.unwrap();
    list.assert_async().await;
    one.assert_async().await;
    assert_eq!(page.items, std::slice::from_ref(&mdr));
    assert_eq!(mdr.from.as_str(), "12012673227", "the + is read off");
    assert_eq!(mdr.status, Some(MessageStatus::Delivered));
    assert_eq!(mdr.price.unwrap().charged_cost, Some(Decimal::new(40, 4)));
}

#[tokio::test]
async fn v2_2_account_callbacks_take_the_four_types() {
    let (server, client) = v2_2().await;
    let mut mocks = Vec::new();
    for kind in [
        "sms_callback",
        "mms_callback",
        "sms_dlr_callback",
        "mms_dlr_callback",
    ] {
        let path = format!("/v2.2/messages/{kind}");
        mocks.push(
            server
                .mock_async(|when, then| {
                    request_with_body(
                        when,
                        PUT,
                        &path,
                        json!({"callback_url": format!("https://example.com/{kind}")}),
                    );
                    then.status(204);
                })
                .await,
        );
    }
    let get = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2.2/messages/mms_dlr_callback"), 0);
            then.status(200).json_body(json!({"data": {"type": "callback",
                "attributes": {"callback_url": "https://example.com/mms_dlr_callback", "product": "dlr"}}}));
        })
        .await;
    let remove = server
        .mock_async(|when, then| {
            request(when, DELETE, "/v2.2/messages/sms_callback").header_missing("content-type");
            then.status(204);
        })
        .await;
    let messages = client.messages();
    for kind in [
        CallbackType::SmsCallback,
        CallbackType::MmsCallback,
        CallbackType::SmsDlrCallback,
        CallbackType::MmsDlrCallback,
    ] {
        let url = format!("https://example.com/{}", kind.as_str());
        messages.set_account_callback(kind, url).await.unwrap();
    }
    let callback = messages
        .account_callback(CallbackType::MmsDlrCallback)
        .await
        .unwrap();
    messages
        .remove_account_callback(CallbackType::SmsCallback)
        .await
        .unwrap();
    for mock in mocks {
        mock.assert_async().await;
    }
    get.assert_async().await;
    remove.assert_async().await;
    assert_eq!(callback.api_version, None, "v2.2 documents no api_version");
    assert_eq!(callback.product.as_deref(), Some("dlr"));
}

#[tokio::test]
async fn one_setting_switches_the_version_and_v2_1_stays_the_default() {
    let server = httpmock::MockServer::start_async().await;
    let client = Client::builder()
        .credentials(ACCESS_KEY, SECRET_KEY)
        .base_url(server.base_url())
        .messaging_version(MessagingVersion::V2_2)
        .build()
        .unwrap();
    assert_eq!(client.messaging_version(), MessagingVersion::V2_2);
    let (_, default) = setup().await;
    assert_eq!(default.messaging_version(), MessagingVersion::V2_1);
    for version in ["2.1", "2.2"] {
        server
            .mock_async(|when, then| {
                when.method(POST).path(format!("/v{version}/messages"));
                then.status(202)
                    .json_body(json!({"data": {"id": MDR_ID, "type": "message"}}));
            })
            .await;
    }
    let sms = || Message::sms("12012673227", "12065551234", "hi");
    let v2_2 = client.messages().send(sms()).await.unwrap();
    let v2_1 = client
        .with_messaging_version(MessagingVersion::V2_1)
        .messages()
        .send(sms())
        .await
        .unwrap();
    assert_eq!(
        (v2_2.version, v2_1.version),
        (MessagingVersion::V2_2, MessagingVersion::V2_1)
    );
}
