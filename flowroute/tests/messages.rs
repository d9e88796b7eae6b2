//! Messages on the wire: every operation's exact request, and its decoded result.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::*;
use flowroute::messages::{CallbackType, Message, MessageDirection, MessageStatus, MessageType};
use flowroute::{Error, MessageId, PhoneNumber};
use httpmock::Method::{DELETE, GET, POST, PUT};
use serde_json::{Value, json};

const MDR_ID: &str = "mdr2-39cadeace66e11e7aff806cd7f24ba2d";

fn number(n: &str) -> PhoneNumber {
    PhoneNumber::parse(n).unwrap()
}

fn accepted() -> Value {
    json!({"data": {"links": {"self": format!("https://api.flowroute.com/v2.1/messages/{MDR_ID}")},
                    "type": "message", "id": MDR_ID}})
}

/// The two records of the Python SDK README's list example.
fn readme_mdr_list() -> Value {
    json!({"data": [
        {"attributes": {"body": "Hello are you there? ", "status": "delivered", "direction": "inbound",
            "amount_nanodollars": 4000000, "to": "12012673227", "message_encoding": 0,
            "timestamp": "2017-12-22T01:52:39.39Z", "delivery_receipts": [], "amount_display": "$0.0040",
            "from": "12061231234", "is_mms": false, "message_type": "longcode"},
         "type": "message", "id": "mdr2-ca82be46e6ba11e79d08862d092cf73d"},
        {"attributes": {"body": "test sms on v2", "status": "message buffered", "direction": "outbound",
            "amount_nanodollars": 4000000, "to": "12061232634", "message_encoding": 0,
            "timestamp": "2017-12-21T16:44:34.93Z",
            "delivery_receipts": [
                {"status": "message buffered", "status_code": 1003,
                 "status_code_description": "Message accepted by Carrier", "timestamp": "2017-12-21T16:44:35.00Z", "level": 2},
                {"status": "smsc submit", "status_code": null,
                 "status_code_description": "Message has been sent", "timestamp": "2017-12-21T16:44:35.00Z", "level": 1}],
            "amount_display": "$0.0040", "from": "12012673227", "is_mms": false, "message_type": "longcode"},
         "type": "message", "id": MDR_ID}],
        "links": {"next": "https://api.flowroute.com/v2.1/messages?limit=2&start_date=2017-12-01T00%3A00%3A00%2B00%3A00&end_date=2018-01-08T00%3A00%3A00%2B00%3A00&offset=2"}})
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32, ms: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, s).unwrap() + chrono::Duration::milliseconds(ms.into())
}

#[tokio::test]
async fn send_sms_posts_the_compact_body_and_returns_the_message_id() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(
                request_with_body(
                    when,
                    POST,
                    "/v2.1/messages",
                    json!({"to": "12065551234", "from": "12012673227", "body": "hello"}),
                ),
                0,
            );
            then.status(202)
                .header("content-type", JSON_API)
                .json_body(accepted());
        })
        .await;
    let message = Message::sms(number("12012673227"), number("+1 206 555 1234"), "hello");
    let id = client.messages().send(message).await.unwrap().id;
    mock.assert_async().await;
    assert_eq!(id, MessageId::new(MDR_ID).unwrap());
}

#[tokio::test]
async fn send_sms_with_dlr_callback_carries_the_url() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request_with_body(
                when,
                POST,
                "/v2.1/messages",
                json!({"to": "12065551234", "from": "12012673227", "body": "hello",
                       "dlr_callback": "https://example.com/dlr?msg=1"}),
            );
            then.status(202).json_body(accepted());
        })
        .await;
    let message = Message::sms(number("12012673227"), number("12065551234"), "hello")
        .dlr_callback("https://example.com/dlr?msg=1");
    let id = client.messages().send(message).await.unwrap().id;
    mock.assert_async().await;
    assert_eq!(id.as_str(), MDR_ID);
}

#[tokio::test]
async fn send_mms_with_media_lists_every_url_and_no_is_mms_flag() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request_with_body(
                when,
                POST,
                "/v2.1/messages",
                json!({"to": "12065551234", "from": "12012673227", "body": "hello there",
                       "media_urls": ["http://s3.amazonaws.com/barkpost-assets/50+GIFs/37.gif",
                                      "https://example.com/b.png"]}),
            );
            then.status(202).json_body(accepted());
        })
        .await;
    let message = Message::mms(number("12012673227"), number("12065551234"))
        .body("hello there")
        .media_url("http://s3.amazonaws.com/barkpost-assets/50+GIFs/37.gif")
        .media_url("https://example.com/b.png");
    let id = client.messages().send(message).await.unwrap().id;
    mock.assert_async().await;
    assert_eq!(id.as_str(), MDR_ID);
}

#[tokio::test]
async fn media_only_and_text_only_mms_send_what_makes_them_an_mms() {
    let (server, client) = setup().await;
    let media_only = server
        .mock_async(|when, then| {
            request_with_body(
                when,
                POST,
                "/v2.1/messages",
                json!({"to": "12065551234", "from": "12012673227",
                       "media_urls": ["https://example.com/a.gif"], "dlr_callback": "http://example.com/dlr"}),
            );
            then.status(202).json_body(accepted());
        })
        .await;
    let text_only = server
        .mock_async(|when, then| {
            request_with_body(
                when,
                POST,
                "/v2.1/messages",
                json!({"to": "12065551234", "from": "12012673227", "body": "long text", "is_mms": true}),
            );
            then.status(202).json_body(accepted());
        })
        .await;
    let messages = client.messages();
    let (from, to) = (number("12012673227"), number("12065551234"));
    messages
        .send(
            Message::mms(from.clone(), to.clone())
                .media_url("https://example.com/a.gif")
                .dlr_callback("http://example.com/dlr"),
        )
        .await
        .unwrap();
    messages
        .send(Message::sms(from.clone(), to.clone(), "long text").text_only_mms())
        .await
        .unwrap();
    messages
        .send(Message::mms(from, to).body("long text").text_only_mms())
        .await
        .unwrap();
    media_only.assert_async().await;
    text_only.assert_calls_async(2).await;
}

#[tokio::test]
async fn failed_send_reports_flowroutes_detail() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request(when, POST, "/v2.1/messages");
            then.status(422).header("content-type", JSON_API).json_body(json!({"errors": [{
                "detail": "Error fetching media: File at \"\" is over 767840 byte limit.",
                "id": "1b6e7c43-51c3-4f0e-a6a2-7b0c1f6d4e11", "status": 422, "title": "Unprocessable Entity"}]}));
        })
        .await;
    let message = Message::mms(number("12012673227"), number("12065551234"))
        .media_url("https://example.com/huge.mp4");
    let err = client.messages().send(message).await.unwrap_err();
    mock.assert_async().await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    assert!(!err.is_transient() && !err.is_safe_to_retry());
    assert_eq!(
        err.to_string(),
        "Flowroute answered 422 Unprocessable Entity to send_a_message: Unprocessable Entity: Error fetching media: File at \"\" is over 767840 byte limit. (request id 1b6e7c43-51c3-4f0e-a6a2-7b0c1f6d4e11)"
    );
}

#[tokio::test]
async fn a_failed_send_is_sent_once_only() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request(when, POST, "/v2.1/messages");
            then.status(503);
        })
        .await;
    let err = client
        .messages()
        .send(Message::sms(
            number("12012673227"),
            number("12065551234"),
            "hi",
        ))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn list_sends_the_window_as_utc_date_times_and_decodes_the_readme_records() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2.1/messages"), 4)
                .query_param("start_date", "2017-12-01T00:00:00Z")
                .query_param("end_date", "2018-01-08T00:00:00Z")
                .query_param("limit", "2")
                .query_param("offset", "0");
            then.status(200).json_body(readme_mdr_list());
        })
        .await;
    let page = client
        .messages()
        .list(utc(2017, 12, 1, 0, 0, 0, 0))
        .end(utc(2018, 1, 8, 0, 0, 0, 0))
        .limit(2)
        .page()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.next_offset, Some(2));
    assert_eq!(page.items.len(), 2);

    let inbound = &page.items[0];
    assert_eq!(inbound.id.as_str(), "mdr2-ca82be46e6ba11e79d08862d092cf73d");
    assert_eq!(inbound.direction, MessageDirection::Inbound);
    // The README's sender has exchange 123, which `PhoneNumber::parse` refuses;
    // numbers from the server are kept as sent.
    assert_eq!(inbound.from.as_str(), "12061231234");
    assert_eq!(inbound.to.as_str(), "12012673227");
    assert_eq!(inbound.body.as_deref(), Some("Hello are you there? "));
    assert_eq!(inbound.status, Some(MessageStatus::Delivered));
    assert!(inbound.delivery_receipts.is_empty());

    let outbound = &page.items[1];
    assert_eq!(outbound.id.as_str(), MDR_ID);
    assert_eq!(outbound.from.as_str(), "12012673227");
    assert_eq!(outbound.to.as_str(), "12061232634");
    assert_eq!(outbound.body.as_deref(), Some("test sms on v2"));
    assert_eq!(outbound.direction, MessageDirection::Outbound);
    assert_eq!(outbound.message_type, MessageType::Longcode);
    assert_eq!(outbound.status, Some(MessageStatus::MessageBuffered));
    assert!(!outbound.is_mms);
    assert_eq!(outbound.timestamp, Some(utc(2017, 12, 21, 16, 44, 34, 930)));
    assert_eq!(outbound.amount_nanodollars, 4_000_000);
    assert_eq!(outbound.amount_display.as_deref(), Some("$0.0040"));
    assert_eq!(outbound.message_encoding, Some(0));
    assert!(outbound.media_ids.is_empty());
    assert_eq!(outbound.message_callback_url, None);

    let [level2, level1] = &outbound.delivery_receipts[..] else {
        panic!("two receipts expected: {:?}", outbound.delivery_receipts)
    };
    assert_eq!(level2.level, Some(2));
    assert_eq!(level2.status, Some(MessageStatus::MessageBuffered));
    assert_eq!(level2.status_code.as_deref(), Some("1003"));
    assert_eq!(
        level2.status_code_description.as_deref(),
        Some("Message accepted by Carrier")
    );
    assert_eq!(level2.timestamp, Some(utc(2017, 12, 21, 16, 44, 35, 0)));
    assert_eq!(level1.level, Some(1));
    assert_eq!(level1.status, Some(MessageStatus::SmscSubmit));
    assert_eq!(level1.status_code, None);
    assert_eq!(
        level1.status_code_description.as_deref(),
        Some("Message has been sent")
    );
}

#[tokio::test]
async fn list_without_end_or_limit_sends_only_the_start_and_offset() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2.1/messages"), 2)
                .query_param("start_date", "2016-12-30T14:34:01.321Z")
                .query_param("offset", "0");
            then.status(200).json_body(json!({"data": []}));
        })
        .await;
    let page = client
        .messages()
        .list(utc(2016, 12, 30, 14, 34, 1, 321))
        .page()
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(page.items.is_empty());
    assert_eq!(page.next_offset, None);
}

#[tokio::test]
async fn get_decodes_an_mms_record_with_media_ids_and_string_status_codes() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, &format!("/v2.1/messages/{MDR_ID}")), 0);
            then.status(200).json_body(json!({"data": {"attributes": {
                    "amount_display": "$0.0195", "amount_nanodollars": 19500000, "body": null,
                    "delivery_receipts": [{"level": 2, "status": "delivered", "status_code": "1003",
                        "status_code_description": "Message accepted by Carrier", "timestamp": "2017-12-21T16:44:35.00Z"}],
                    "direction": "outbound", "from": "12345678900", "is_mms": true, "message_encoding": 8,
                    "message_type": "toll-free", "status": "", "timestamp": "2022-09-03T20:40:11.00Z",
                    "to": "12065551234", "message_callback_url": "https://example.com/in"},
                "id": MDR_ID, "type": "message",
                "relationships": {"media": {"data": [{"id": "xxxxxxx-1", "type": "media"}, {"id": "xxxxxxx-2", "type": "media"}]}}}}));
        })
        .await;
    let mdr = client.messages().get(MDR_ID).await.unwrap();
    mock.assert_async().await;
    assert_eq!(mdr.id.as_str(), MDR_ID);
    assert_eq!(mdr.body, None);
    assert!(mdr.is_mms);
    assert_eq!(mdr.status, None, "an empty status is no status");
    assert_eq!(mdr.message_type, MessageType::TollFree);
    assert_eq!(mdr.message_encoding, Some(8));
    assert_eq!(mdr.amount_nanodollars, 19_500_000);
    assert_eq!(mdr.media_ids, ["xxxxxxx-1", "xxxxxxx-2"]);
    assert_eq!(
        mdr.message_callback_url.as_deref(),
        Some("https://example.com/in")
    );
    assert_eq!(mdr.timestamp, Some(utc(2022, 9, 3, 20, 40, 11, 0)));
    assert_eq!(
        mdr.delivery_receipts[0].status_code.as_deref(),
        Some("1003")
    );
}

#[tokio::test]
async fn get_accepts_the_readme_record_by_typed_id() {
    let (server, client) = setup().await;
    let id = "mdr2-ca82be46e6ba11e79d08862d092cf73d";
    let mock = server
        .mock_async(|when, then| {
            request(when, GET, &format!("/v2.1/messages/{id}"));
            then.status(200).json_body(json!({"data": {"attributes": {"body": "Hello are you there? ",
                "status": "delivered", "direction": "inbound", "amount_nanodollars": 4000000, "to": "12012673227",
                "message_encoding": 0, "timestamp": "2017-12-22T01:52:39.39Z", "delivery_receipts": [],
                "amount_display": "$0.0040", "from": "12061232634", "is_mms": false, "message_type": "longcode"},
                "type": "message", "id": id}}));
        })
        .await;
    let mdr = client
        .messages()
        .get(&MessageId::new(id).unwrap())
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(mdr.from.as_str(), "12061232634");
    assert_eq!(mdr.to.as_str(), "12012673227");
    assert_eq!(mdr.direction, MessageDirection::Inbound);
    assert_eq!(mdr.timestamp, Some(utc(2017, 12, 22, 1, 52, 39, 390)));
}

#[tokio::test]
async fn unknown_direction_and_message_type_are_kept() {
    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            request(when, GET, &format!("/v2.1/messages/{MDR_ID}"));
            then.status(200).json_body(json!({"data": {"attributes": {
                "direction": "internal", "message_type": "short-code", "from": "12012673227", "to": "12065551234", "delivery_receipts": []},
                "id": MDR_ID, "type": "message"}}));
        })
        .await;
    let mdr = client.messages().get(MDR_ID).await.unwrap();
    assert_eq!(mdr.direction, MessageDirection::Unknown("internal".into()));
    assert_eq!(mdr.message_type, MessageType::Unknown("short-code".into()));
    assert_eq!(mdr.message_type.to_string(), "short-code");
    assert_eq!(mdr.amount_nanodollars, 0);
    assert_eq!(mdr.timestamp, None);
}

#[tokio::test]
async fn account_callbacks_put_a_flat_url_then_read_and_remove_it() {
    let (server, client) = setup().await;
    let set = server
        .mock_async(|when, then| {
            query_count(
                request_with_body(
                    when,
                    PUT,
                    "/v2.1/messages/sms_dlr_callback",
                    json!({"callback_url": "https://example.com/dlr"}),
                ),
                0,
            );
            then.status(204);
        })
        .await;
    let get = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2.1/messages/sms_dlr_callback"), 0);
            then.status(200).json_body(json!({"data": {"attributes": {
                "api_version": "v2.1", "callback_url": "https://example.com/dlr", "product": "dlr"}, "type": "callback"}}));
        })
        .await;
    let remove = server
        .mock_async(|when, then| {
            query_count(request(when, DELETE, "/v2.1/messages/mms_callback"), 0);
            then.status(204);
        })
        .await;
    let messages = client.messages();
    messages
        .set_account_callback(CallbackType::SmsDlrCallback, "https://example.com/dlr")
        .await
        .unwrap();
    let callback = messages
        .account_callback(CallbackType::SmsDlrCallback)
        .await
        .unwrap();
    messages
        .remove_account_callback(CallbackType::MmsCallback)
        .await
        .unwrap();
    set.assert_async().await;
    get.assert_async().await;
    remove.assert_async().await;
    assert_eq!(
        callback.callback_url.as_deref(),
        Some("https://example.com/dlr")
    );
    assert_eq!(callback.product.as_deref(), Some("dlr"));
    assert_eq!(callback.api_version.as_deref(), Some("v2.1"));
}

#[tokio::test]
async fn account_callback_without_api_version_decodes() {
    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            request(when, GET, "/v2.1/messages/dlr_callback");
            then.status(200).json_body(json!({"data": {"attributes": {
                "callback_url": "http://example.com/old", "product": "dlr"}, "type": "callback"}}));
        })
        .await;
    let callback = client
        .messages()
        .account_callback(CallbackType::DlrCallback)
        .await
        .unwrap();
    assert_eq!(
        callback.callback_url.as_deref(),
        Some("http://example.com/old")
    );
    assert_eq!(callback.api_version, None);
}

#[tokio::test]
async fn number_callbacks_post_the_json_api_wrapper_then_read_and_remove_it() {
    let (server, client) = setup().await;
    let path = "/v2/numbers/12012673227/relationships/sms_callback";
    let set = server
        .mock_async(|when, then| {
            query_count(
                request_with_body(
                    when,
                    POST,
                    path,
                    json!({"data": {"attributes": {"callback_url": "https://example.com/inbound"}}}),
                ),
                0,
            );
            then.status(204);
        })
        .await;
    let get = server
        .mock_async(|when, then| {
            query_count(request(when, GET, path), 0);
            then.status(200).json_body(json!({"data": {"attributes": {
                "callback_url": "https://example.com/inbound", "product": "sms"}, "type": "callback"}}));
        })
        .await;
    let remove = server
        .mock_async(|when, then| {
            query_count(request(when, DELETE, path), 0);
            then.status(204);
        })
        .await;
    let messages = client.messages();
    messages
        .set_number_callback(
            "+1 (201) 267-3227",
            CallbackType::SmsCallback,
            "https://example.com/inbound",
        )
        .await
        .unwrap();
    let callback = messages
        .number_callback(&number("2012673227"), CallbackType::SmsCallback)
        .await
        .unwrap();
    messages
        .remove_number_callback(&number("12012673227"), CallbackType::SmsCallback)
        .await
        .unwrap();
    set.assert_async().await;
    get.assert_async().await;
    remove.assert_async().await;
    assert_eq!(
        callback.callback_url.as_deref(),
        Some("https://example.com/inbound")
    );
    assert_eq!(callback.product.as_deref(), Some("sms"));
    assert_eq!(callback.api_version, None);
}

#[tokio::test]
async fn invalid_messages_and_arguments_never_reach_the_server() {
    let (server, client) = setup().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let messages = client.messages();
    let (from, to) = (number("12012673227"), number("12065551234"));
    let sms = |body: &str| Message::sms(from.clone(), to.clone(), body);
    let mms = || Message::mms(from.clone(), to.clone());
    let start = utc(2018, 1, 8, 0, 0, 0, 0);
    let cases: Vec<(&str, &str, Result<(), Error>)> = vec![
        (
            "body",
            "an SMS needs text",
            messages.send(sms("")).await.map(|_| ()),
        ),
        (
            "media_url",
            "an SMS carries no media",
            messages
                .send(sms("hi").media_url("https://example.com/a.gif"))
                .await
                .map(|_| ()),
        ),
        (
            "body",
            "an MMS needs a body, a media URL or both",
            messages.send(mms()).await.map(|_| ()),
        ),
        (
            "body",
            "an MMS needs a body, a media URL or both",
            messages.send(mms().body("")).await.map(|_| ()),
        ),
        (
            "body",
            "at most 750 kB",
            messages
                .send(mms().body("x".repeat(750 * 1024 + 1)))
                .await
                .map(|_| ()),
        ),
        (
            "media_url",
            "a text-only MMS carries no media",
            messages
                .send(
                    sms("hi")
                        .text_only_mms()
                        .media_url("https://example.com/a.gif"),
                )
                .await
                .map(|_| ()),
        ),
        (
            "media_url",
            "scheme `ftp`",
            messages
                .send(mms().media_url("ftp://example.com/a.gif"))
                .await
                .map(|_| ()),
        ),
        (
            "media_url",
            "not an absolute http(s) URL",
            messages
                .send(mms().body("hi").media_url("example.com/a.gif"))
                .await
                .map(|_| ()),
        ),
        (
            "dlr_callback",
            "scheme `mailto`",
            messages
                .send(sms("hi").dlr_callback("mailto:ops@example.com"))
                .await
                .map(|_| ()),
        ),
        (
            "end",
            "is before the start",
            messages
                .list(start)
                .end(utc(2017, 12, 1, 0, 0, 0, 0))
                .page()
                .await
                .map(|_| ()),
        ),
        (
            "limit",
            "0 is not a page size",
            messages.list(start).limit(0).page().await.map(|_| ()),
        ),
        (
            "message id",
            "does not start with `mdr2-`",
            messages.get("12065551234").await.map(|_| ()),
        ),
        (
            "callback_url",
            "not an absolute http(s) URL",
            messages
                .set_account_callback(CallbackType::SmsCallback, "")
                .await,
        ),
        (
            "callback_url",
            "scheme `ftp`",
            messages
                .set_number_callback("12012673227", CallbackType::MmsCallback, "ftp://x")
                .await,
        ),
        (
            "phone number",
            "has 3 digits",
            messages
                .set_number_callback("555", CallbackType::SmsCallback, "https://example.com")
                .await,
        ),
        (
            "phone number",
            "has 3 digits",
            messages
                .number_callback("555", CallbackType::SmsCallback)
                .await
                .map(|_| ()),
        ),
        (
            "phone number",
            "has 3 digits",
            messages
                .remove_number_callback("555", CallbackType::SmsCallback)
                .await,
        ),
        (
            "callback type",
            "`mdr2-39ca` is not a callback name",
            messages
                .account_callback(CallbackType::from("mdr2-39ca"))
                .await
                .map(|_| ()),
        ),
        (
            "callback type",
            "`` is not a callback name",
            messages
                .remove_account_callback(CallbackType::from(""))
                .await,
        ),
    ];
    for (field, why, case) in cases {
        match case {
            Err(Error::InvalidInput { field: f, reason }) => {
                assert_eq!(f, field, "{reason}");
                assert!(reason.contains(why), "{field}: {reason}");
            }
            other => panic!("{field} ({why}): {other:?}"),
        }
    }
    assert_eq!(any.calls_async().await, 0);
}

#[test]
fn segments_follow_flowroutes_figures() {
    let (from, to) = (number("12012673227"), number("12065551234"));
    let sms = |body: String| Message::sms(from.clone(), to.clone(), body);
    let cases = [
        ("a".repeat(160), 1),
        ("a".repeat(161), 2),
        ("a".repeat(280), 2),
        ("a".repeat(281), 3),
        ("é".repeat(70), 1),
        ("é".repeat(80), 2),
        (format!("{}é", "a".repeat(69)), 1),
        (format!("{}é", "a".repeat(70)), 2),
        ("😀".repeat(35), 1),
        ("😀".repeat(36), 2),
        (String::new(), 0),
    ];
    for (body, expected) in cases {
        assert_eq!(
            sms(body.clone()).segments(),
            expected,
            "{} chars: {body}",
            body.chars().count()
        );
    }
    assert_eq!(sms("a".repeat(1000)).text_only_mms().segments(), 1);
    assert_eq!(
        Message::mms(from.clone(), to.clone())
            .body("a".repeat(1000))
            .segments(),
        1
    );
}
