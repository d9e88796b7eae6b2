//! Sending messages, message detail records, receipts and callback URLs.

mod common;

use common::{Api, Receiver};
use flowroute_raw::types::{
    CallbackDocument, DeliveryReceiptDocument, MdrDocument, MdrList, MessageAcceptedDocument,
};
use flowroute_sim::{RateLimits, Simulator};
use serde_json::{Value, json};

const TO: &str = "12065550123";

async fn send(api: &Api, body: Value) -> String {
    let sent = api.post("/v2.1/messages", body).await;
    assert_eq!(sent.status, 202, "{:#}", sent.body);
    sent.decode::<MessageAcceptedDocument>();
    let id = sent.body["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        sent.body["data"]["links"]["self"],
        api.url(&format!("/v2.1/messages/{id}"))
    );
    id
}

async fn receipts(api: &Api, id: &str) -> Value {
    api.get(&format!("/v2.1/messages/{id}")).await.body["data"]["attributes"]["delivery_receipts"]
        .clone()
}

#[tokio::test]
async fn purchase_route_send_and_read_the_record() {
    let api = Api::start().await;
    let number = api.buy("starts_with=1646").await;
    let route = api
        .post("/v2/routes", json!({"data": {"type": "route", "attributes": {"route_type": "host", "value": "pbx.example.com", "alias": "pbx"}}}))
        .await;
    let route_id = route.body["data"]["id"].clone();
    let assigned = api
        .patch(
            &format!("/v2/numbers/{number}/relationships/primary_route"),
            json!({"data": {"type": "route", "id": route_id}}),
        )
        .await;
    assert_eq!(assigned.status, 204);

    let id = send(&api, json!({"to": TO, "from": number, "body": "hello"})).await;
    assert!(
        id.starts_with("mdr2-") && id.len() == 37 && id[5..].bytes().all(|b| b.is_ascii_hexdigit())
    );
    let log = api.sim.requests();
    assert_eq!(log.last().unwrap().mdr_id.as_deref(), Some(id.as_str()));

    let record = api.get(&format!("/v2.1/messages/{id}")).await;
    record.decode::<MdrDocument>();
    let attributes = &record.body["data"]["attributes"];
    assert_eq!(attributes["direction"], "outbound");
    assert_eq!(attributes["from"], number.as_str());
    assert_eq!(attributes["amount_nanodollars"], 4_000_000);
    assert_eq!(attributes["amount_display"], "$0.0040");
    assert_eq!(attributes["message_type"], "longcode");
    assert_eq!(attributes["is_mms"], false);
    let timestamp = attributes["timestamp"].as_str().unwrap();
    assert!(
        timestamp.ends_with('Z') && timestamp.len() == 23,
        "{timestamp}"
    );

    api.eventually(|| async {
        receipts(&api, &id)
            .await
            .as_array()
            .is_some_and(|r| r.len() == 2)
    })
    .await;
    let receipts = receipts(&api, &id).await;
    assert_eq!(receipts[0]["level"], 2);
    assert_eq!(receipts[0]["status"], "delivered");
    assert_eq!(receipts[1]["level"], 1);
    assert_eq!(receipts[1]["status"], "smsc submit");
    assert_eq!(receipts[1]["status_code"], Value::Null);
    let after = api.get(&format!("/v2.1/messages/{id}")).await;
    assert_eq!(after.body["data"]["attributes"]["status"], "delivered");
}

#[tokio::test]
async fn long_text_costs_per_segment_and_mms_has_media() {
    let api = Api::start().await;
    let from = api.account_numbers().await[0].clone();
    let long = send(
        &api,
        json!({"to": TO, "from": from, "body": "a".repeat(300)}),
    )
    .await;
    let record = api.get(&format!("/v2.1/messages/{long}")).await;
    assert_eq!(
        record.body["data"]["attributes"]["amount_nanodollars"],
        12_000_000
    );
    let unicode = send(&api, json!({"to": TO, "from": from, "body": "héllo"})).await;
    let record = api.get(&format!("/v2.1/messages/{unicode}")).await;
    assert_eq!(record.body["data"]["attributes"]["message_encoding"], 8);

    // The JSON:API wrapper is accepted too.
    let mms = send(&api, json!({"data": {"type": "message", "attributes": {"to": TO, "from": from, "media_urls": ["https://example.com/cat.png"]}}})).await;
    let record = api.get(&format!("/v2.1/messages/{mms}")).await;
    record.decode::<MdrDocument>();
    assert_eq!(record.body["data"]["attributes"]["is_mms"], true);
    assert_eq!(
        record.body["data"]["attributes"]["amount_display"],
        "$0.0195"
    );
    assert_eq!(
        record.body["data"]["relationships"]["media"]["data"][0]["type"],
        "media"
    );
    assert_eq!(
        record.body["included"][0]["attributes"]["mime_type"],
        "image/png"
    );
    assert_eq!(
        record.body["included"][0]["attributes"]["file_name"],
        "cat.png"
    );
}

#[tokio::test]
async fn bad_messages_are_422_naming_the_field() {
    // A dozen sends in a row: the limiter judges sends before validation.
    let api = Api::with(Simulator::builder().rate_limits(RateLimits::off())).await;
    let from = api.account_numbers().await[0].clone();
    let cases = [
        (json!({"to": "2065550123", "from": from, "body": "x"}), "to"),
        (
            json!({"to": TO, "from": "+12065550100", "body": "x"}),
            "from",
        ),
        (
            json!({"to": TO, "from": "12065550100", "body": "x"}),
            "from",
        ),
        (json!({"to": TO, "from": from, "body": ""}), "body"),
        (json!({"to": TO, "from": from}), "body"),
        (json!({"to": TO, "from": from, "is_mms": true}), "body"),
        (
            json!({"to": TO, "from": from, "media_urls": ["not a url"]}),
            "media_urls[0]",
        ),
        (
            json!({"to": TO, "from": from, "body": "x", "dlr_callback": "ftp://x"}),
            "dlr_callback",
        ),
        (json!({"from": from, "body": "x"}), "to"),
        (
            json!({"to": TO, "from": from, "body": "x", "colour": "red"}),
            "colour",
        ),
        (
            json!({"data": {"type": "message", "attributes": {"to": TO, "from": from, "body": ""}}}),
            "data.attributes.body",
        ),
    ];
    for (body, field) in cases {
        api.post("/v2.1/messages", body).await.invalid(field);
    }
}

#[tokio::test]
async fn lists_need_a_start_date_and_page_with_next_only() {
    let api = Api::start().await;
    let from = api.account_numbers().await[0].clone();
    let mut sent = Vec::new();
    for i in 0..3 {
        sent.push(
            send(
                &api,
                json!({"to": TO, "from": from, "body": format!("m{i}")}),
            )
            .await,
        );
    }
    let inbound = api
        .sim
        .inbound(flowroute_sim::SimulatedMessage::sms(
            TO,
            from.clone(),
            "reply",
        ))
        .unwrap();
    api.get("/v2.1/messages").await.invalid("start_date");
    api.get("/v2.1/messages?start_date=yesterday")
        .await
        .invalid("start_date");
    api.get("/v2.1/messages?start_date=2020-01-02&end_date=2020-01-01")
        .await
        .invalid("end_date");

    let all = api.get("/v2.1/messages?start_date=2020-01-01").await;
    all.decode::<MdrList>();
    let ids: Vec<&str> = all.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 4);
    assert_eq!(ids[0], inbound, "newest first");
    assert!(all.body["links"].get("self").is_none());
    assert!(all.body["links"].get("next").is_none());

    let first = api
        .get("/v2.1/messages?start_date=2020-01-01T00:00:00Z&limit=3")
        .await;
    let next = first.body["links"]["next"].as_str().unwrap();
    assert!(next.starts_with(
        &api.url("/v2.1/messages?limit=3&start_date=2020-01-01T00%3A00%3A00%2B00%3A00")
    ));
    assert!(next.ends_with("&offset=3"));
    let rest = api.get(next.trim_start_matches(&api.sim.base_url())).await;
    assert_eq!(rest.body["data"][0]["id"], sent[0].as_str());
    assert!(rest.body["links"].get("next").is_none());

    let future = api.get("/v2.1/messages?start_date=2999-01-01").await;
    assert!(future.body["data"].as_array().unwrap().is_empty());
    let past = api
        .get("/v2.1/messages?start_date=2020-01-01&end_date=2020-12-31")
        .await;
    assert!(past.body["data"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn account_callbacks_are_set_read_and_removed() {
    let api = Api::start().await;
    api.get("/v2.1/messages/sms_callback").await.error(404);
    assert_eq!(
        api.put(
            "/v2.1/messages/sms_callback",
            json!({"callback_url": "https://example.com/sms"})
        )
        .await
        .status,
        204
    );
    // The Python SDK's wrapped body is tolerated.
    assert_eq!(
        api.put(
            "/v2.1/messages/dlr_callback",
            json!({"data": {"attributes": {"callback_url": "https://example.com/dlr"}}})
        )
        .await
        .status,
        204
    );
    let read = api.get("/v2.1/messages/sms_callback").await;
    read.decode::<CallbackDocument>();
    assert_eq!(
        read.body["data"]["attributes"]["callback_url"],
        "https://example.com/sms"
    );
    assert_eq!(read.body["data"]["type"], "callback");
    assert_eq!(
        api.get("/v2.1/messages/dlr_callback").await.body["data"]["attributes"]["product"],
        "dlr"
    );
    api.put(
        "/v2.1/messages/sms_callback",
        json!({"callback_url": "nope"}),
    )
    .await
    .invalid("callback_url");
    api.put(
        "/v2.1/messages/sms_callback",
        json!({"url": "https://x.com"}),
    )
    .await
    .invalid("callback_url");
    api.put(
        "/v2.1/messages/fax_callback",
        json!({"callback_url": "https://x.com"}),
    )
    .await
    .error(404);
    assert_eq!(api.delete("/v2.1/messages/sms_callback").await.status, 204);
    api.get("/v2.1/messages/sms_callback").await.error(404);
}

#[tokio::test]
async fn number_callbacks_are_set_read_and_removed() {
    let api = Api::start().await;
    let number = api.account_numbers().await[0].clone();
    let path = format!("/v2/numbers/{number}/relationships/dlr_callback");
    api.get(&path).await.error(404);
    assert_eq!(
        api.post(
            &path,
            json!({"data": {"attributes": {"callback_url": "https://example.com/n"}}})
        )
        .await
        .status,
        204
    );
    let read = api.get(&path).await;
    read.decode::<CallbackDocument>();
    assert_eq!(
        read.body["data"]["attributes"]["callback_url"],
        "https://example.com/n"
    );
    api.post(&path, json!({"callback_url": "https://example.com/n"}))
        .await
        .invalid("data");
    api.post(
        "/v2/numbers/12065550000/relationships/sms_callback",
        json!({"data": {"attributes": {"callback_url": "https://x.com"}}}),
    )
    .await
    .error(404);
    assert_eq!(api.delete(&path).await.status, 204);
    api.get(&path).await.error(404);
}

#[tokio::test]
async fn delivery_receipts_are_posted_to_the_most_specific_url() {
    let api = Api::start().await;
    let (per_message, per_number, account) = (
        Receiver::start(0).await,
        Receiver::start(0).await,
        Receiver::start(0).await,
    );
    let numbers = api.account_numbers().await;
    api.put(
        "/v2.1/messages/sms_dlr_callback",
        json!({"callback_url": account.url}),
    )
    .await;
    api.post(
        &format!("/v2/numbers/{}/relationships/sms_dlr_callback", numbers[0]),
        json!({"data": {"attributes": {"callback_url": per_number.url}}}),
    )
    .await;

    let a = send(
        &api,
        json!({"to": TO, "from": numbers[0], "body": "one", "dlr_callback": per_message.url}),
    )
    .await;
    let b = send(&api, json!({"to": TO, "from": numbers[0], "body": "two"})).await;
    let c = send(&api, json!({"to": TO, "from": numbers[1], "body": "three"})).await;
    api.eventually(|| async {
        per_message.count() == 2 && per_number.count() == 2 && account.count() == 2
    })
    .await;
    for (receiver, id) in [(&per_message, &a), (&per_number, &b), (&account, &c)] {
        // Each receipt is its own delivery, so they may arrive in either order.
        let mut bodies = receiver.bodies();
        bodies.sort_by_key(|b| b["data"]["attributes"]["level"].as_u64());
        for body in &bodies {
            serde_json::from_value::<DeliveryReceiptDocument>(body.clone())
                .expect("the spec's delivery receipt shape");
            assert_eq!(body["data"]["id"], id.as_str());
            assert_eq!(body["data"]["type"], "delivery_receipt");
            assert_eq!(
                body["data"]["links"]["related"],
                api.url(&format!("/v2.1/messages/{id}"))
            );
        }
        assert_eq!(bodies[0]["data"]["attributes"]["level"], 1);
        assert_eq!(bodies[1]["data"]["attributes"]["level"], 2);
        assert_eq!(bodies[1]["data"]["attributes"]["status"], "delivered");
    }
    assert_eq!(per_message.bodies()[0]["data"]["attributes"]["body"], "one");
    let headers = &per_message.hits.lock().unwrap()[0].0;
    assert_eq!(headers["content-type"], "application/json");
}
