//! Inbound messages and webhook delivery with Flowroute's retries.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::routing::post;

use common::{Api, Receiver};
use flowroute_raw::types::{InboundMessageDocument, MdrDocument};
use flowroute_sim::SimulatedMessage;
use reqwest::Method;
use serde_json::json;

const SENDER: &str = "12061232634";

#[tokio::test]
async fn a_receiver_failing_twice_gets_three_deliveries() {
    let api = Api::start().await;
    let receiver = Receiver::start(2).await;
    let number = api.account_numbers().await[0].clone();
    api.put(
        "/v2.1/messages/sms_callback",
        json!({"callback_url": receiver.url}),
    )
    .await;
    let id = api
        .sim
        .inbound(SimulatedMessage::sms(
            SENDER,
            number.clone(),
            "Hello are you there? ",
        ))
        .unwrap();
    api.eventually(|| async {
        api.sim
            .webhook_deliveries()
            .first()
            .is_some_and(|d| d.delivered)
    })
    .await;
    // No further attempt after the 200.
    tokio::time::sleep(Duration::from_millis(80)).await;
    assert_eq!(receiver.count(), 3);
    let delivery = &api.sim.webhook_deliveries()[0];
    assert_eq!(delivery.attempts, vec![Some(500), Some(500), Some(200)]);
    assert_eq!(
        (delivery.kind.as_str(), delivery.mdr_id.as_str()),
        ("sms", id.as_str())
    );

    let body = &receiver.bodies()[2];
    serde_json::from_value::<InboundMessageDocument>(body.clone())
        .expect("the spec's inbound SMS shape");
    let attributes = &body["data"]["attributes"];
    assert_eq!(body["data"]["id"], id.as_str());
    assert_eq!(attributes["direction"], "inbound");
    assert_eq!(attributes["from"], SENDER);
    assert_eq!(attributes["to"], number.as_str());
    assert_eq!(attributes["status"], "delivered");
    assert_eq!(attributes["message_callback_url"], receiver.url.as_str());
    assert_eq!(attributes["delivery_receipts"], json!([]));
    assert_eq!(attributes["amount_nanodollars"], 4_000_000);
}

#[tokio::test]
async fn a_receiver_that_always_fails_gets_one_attempt_and_four_retries() {
    let api = Api::start().await;
    let receiver = Receiver::start(usize::MAX).await;
    let number = api.account_numbers().await[1].clone();
    // Number level wins over the account level.
    api.put(
        "/v2.1/messages/sms_callback",
        json!({"callback_url": "http://127.0.0.1:9/unused"}),
    )
    .await;
    api.post(
        &format!("/v2/numbers/{number}/relationships/sms_callback"),
        json!({"data": {"attributes": {"callback_url": receiver.url}}}),
    )
    .await;
    api.sim
        .inbound(SimulatedMessage::sms(SENDER, number, "ping"))
        .unwrap();
    api.eventually(|| async {
        api.sim
            .webhook_deliveries()
            .first()
            .is_some_and(|d| d.attempts.len() == 5)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(receiver.count(), 5);
    assert!(!api.sim.webhook_deliveries()[0].delivered);
}

#[tokio::test]
async fn an_unreachable_receiver_is_retried_too() {
    let api = Api::start().await;
    let number = api.account_numbers().await[0].clone();
    api.put(
        "/v2.1/messages/sms_callback",
        json!({"callback_url": "http://127.0.0.1:9/closed"}),
    )
    .await;
    api.sim
        .inbound(SimulatedMessage::sms(SENDER, number, "ping"))
        .unwrap();
    api.eventually(|| async {
        api.sim
            .webhook_deliveries()
            .first()
            .is_some_and(|d| d.attempts.len() == 5)
    })
    .await;
    assert!(
        api.sim.webhook_deliveries()[0]
            .attempts
            .iter()
            .all(Option::is_none)
    );
}

#[tokio::test]
async fn inbound_mms_reaches_the_mms_callback_with_media() {
    let api = Api::start().await;
    let receiver = Receiver::start(0).await;
    let number = api.account_numbers().await[0].clone();
    api.put(
        "/v2.1/messages/mms_callback",
        json!({"callback_url": receiver.url}),
    )
    .await;
    let answer = api
        .control(
            Method::POST,
            "/__sim/inbound",
            Some(json!({"from": SENDER, "to": number, "media_urls": ["https://example.com/image000000.png"]})),
        )
        .await;
    assert_eq!(answer.status, 201);
    answer.decode::<MdrDocument>();
    api.eventually(|| async { receiver.count() == 1 }).await;
    let body = &receiver.bodies()[0];
    serde_json::from_value::<InboundMessageDocument>(body.clone())
        .expect("the spec's inbound MMS shape");
    assert_eq!(body["data"]["attributes"]["is_mms"], true);
    assert_eq!(body["data"]["attributes"]["body"], serde_json::Value::Null);
    assert_eq!(body["data"]["attributes"]["status"], "");
    assert_eq!(body["data"]["attributes"]["amount_nanodollars"], 19_500_000);
    let media = &body["included"][0];
    assert_eq!(media["type"], "media");
    assert_eq!(media["attributes"]["file_name"], "image000000.png");
    assert_eq!(
        body["data"]["relationships"]["media"]["data"][0]["id"],
        media["id"]
    );
    // The record is stored like any other.
    let id = body["data"]["id"].as_str().unwrap();
    assert_eq!(
        api.get(&format!("/v2.1/messages/{id}")).await.body["data"]["attributes"]["direction"],
        "inbound"
    );
}

#[tokio::test]
async fn inbound_messages_are_validated() {
    let api = Api::start().await;
    let number = api.account_numbers().await[0].clone();
    for (body, field) in [
        (
            json!({"from": SENDER, "to": "12065550000", "body": "x"}),
            "to",
        ),
        (json!({"from": "x", "to": number, "body": "x"}), "from"),
        (json!({"from": SENDER, "to": number}), "body"),
        (
            json!({"from": SENDER, "to": number, "media_urls": ["nope"]}),
            "media_urls[0]",
        ),
        (
            json!({"from": SENDER, "to": number, "body": "x", "extra": 1}),
            "extra",
        ),
    ] {
        api.control(Method::POST, "/__sim/inbound", Some(body))
            .await
            .invalid(field);
    }
    let refused = api
        .sim
        .inbound(SimulatedMessage::sms(SENDER, "12065550000", "x"))
        .unwrap_err();
    assert_eq!(refused.status(), 422);
    // Without a callback URL nothing is posted, but the message is stored.
    api.sim
        .inbound(SimulatedMessage::sms(SENDER, number, "quiet"))
        .unwrap();
    assert!(api.sim.webhook_deliveries().is_empty());
}

/// A receiver that accepts every POST and never answers, counting them.
async fn hanging_receiver() -> (String, Arc<AtomicUsize>) {
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    let app = Router::new().route(
        "/hook",
        post(move || {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                std::future::pending::<()>().await;
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

#[tokio::test]
async fn webhook_posts_in_flight_are_capped() {
    let api = Api::start().await;
    let (url, seen) = hanging_receiver().await;
    let number = api.account_numbers().await[0].clone();
    api.put("/v2.1/messages/sms_callback", json!({"callback_url": url}))
        .await;
    let cap = flowroute_sim::MAX_WEBHOOKS_IN_FLIGHT;
    for i in 0..cap + 40 {
        api.sim
            .inbound(SimulatedMessage::sms(
                SENDER,
                number.clone(),
                format!("{i}"),
            ))
            .unwrap();
    }
    api.eventually(|| async { seen.load(Ordering::SeqCst) >= cap })
        .await;
    // Time for POSTs beyond the cap to arrive, were they sent, even through
    // a full accept queue (a dropped SYN is sent again after about 1 s).
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(seen.load(Ordering::SeqCst), cap);
    assert_eq!(api.sim.webhook_deliveries().len(), cap + 40, "all logged");
}
