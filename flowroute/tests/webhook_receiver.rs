//! The axum receiver on a real loopback socket: what reaches the handler, and
//! what Flowroute is answered.

use flowroute::webhooks::{self, Event, Receiver, fixtures};
use reqwest::StatusCode;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

const TOKEN: &str = "4f7d0c9e2b1a48f6a3c5d7e9b0f2a4c6";

/// What the handler saw, and how it should behave next.
#[derive(Default)]
struct Recorder {
    calls: Mutex<Vec<Event>>,
    fail: AtomicBool,
    panic: AtomicBool,
    /// When set, the handler signals `entered` and waits for `release`.
    hold: AtomicBool,
    entered: Notify,
    release: Notify,
}

impl Recorder {
    fn calls(&self) -> Vec<Event> {
        self.calls.lock().unwrap().clone()
    }

    fn receiver(self: &Arc<Self>) -> Receiver {
        let recorder = self.clone();
        Receiver::new(move |event: Event| {
            let recorder = recorder.clone();
            async move {
                recorder.calls.lock().unwrap().push(event);
                if recorder.hold.load(Ordering::SeqCst) {
                    recorder.entered.notify_one();
                    recorder.release.notified().await;
                }
                assert!(!recorder.panic.load(Ordering::SeqCst), "handler panics");
                if recorder.fail.load(Ordering::SeqCst) {
                    return Err("database unavailable");
                }
                Ok(())
            }
        })
    }
}

/// Serves `receiver` on 127.0.0.1 and returns its base URL.
async fn serve(receiver: Receiver) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, receiver.into_router()).await });
    format!("http://{address}")
}

async fn post(url: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
    reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn post_json(url: &str, doc: &Value) -> StatusCode {
    post(url, doc.to_string()).await.status()
}

fn parsed(doc: &Value) -> Event {
    webhooks::parse(doc.to_string().as_bytes()).unwrap()
}

#[tokio::test]
async fn each_event_reaches_the_handler_once_and_is_answered_200() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    let mms = fixtures::inbound_mms(
        "12061232634",
        "12012673227",
        None,
        &["https://example.com/cat.png"],
    );
    let dlr = fixtures::delivery_receipt("mdr2-39cadeace66e11e7aff806cd7f24ba2d", "delivered");
    assert_eq!(post_json(&url, &sms).await, StatusCode::OK);
    assert_eq!(post_json(&url, &mms).await, StatusCode::OK);
    assert_eq!(post_json(&url, &dlr).await, StatusCode::OK);
    assert_eq!(recorder.calls(), [parsed(&sms), parsed(&mms), parsed(&dlr)]);
    assert!(matches!(recorder.calls()[1], Event::InboundMms(_)));
}

#[tokio::test]
async fn a_resend_is_acknowledged_without_reaching_the_handler_again() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    for _ in 0..5 {
        assert_eq!(post_json(&url, &sms).await, StatusCode::OK);
    }
    assert_eq!(recorder.calls(), [parsed(&sms)]);

    // Two receipts of one message are two events.
    let level2 = fixtures::delivery_receipt("mdr2-39cadeace66e11e7aff806cd7f24ba2d", "delivered");
    let mut level1 = level2.clone();
    level1["data"]["attributes"]["level"] = 1.into();
    for doc in [&level1, &level2, &level1, &level2] {
        assert_eq!(post_json(&url, doc).await, StatusCode::OK);
    }
    assert_eq!(recorder.calls().len(), 3);
}

#[tokio::test]
async fn without_dedupe_every_resend_reaches_the_handler() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver().without_dedupe()).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    assert_eq!(post_json(&url, &sms).await, StatusCode::OK);
    assert_eq!(post_json(&url, &sms).await, StatusCode::OK);
    assert_eq!(recorder.calls().len(), 2);
}

#[tokio::test]
async fn a_failing_handler_gets_500_and_the_resend_is_handled_again() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    recorder.fail.store(true, Ordering::SeqCst);
    let answer = post(&url, sms.to_string()).await;
    assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let text = answer.text().await.unwrap();
    assert!(
        !text.contains("database"),
        "the handler's error is logged, not sent: {text}"
    );
    assert_eq!(
        post_json(&url, &sms).await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    recorder.fail.store(false, Ordering::SeqCst);
    assert_eq!(post_json(&url, &sms).await, StatusCode::OK);
    assert_eq!(post_json(&url, &sms).await, StatusCode::OK);
    assert_eq!(
        recorder.calls(),
        [parsed(&sms), parsed(&sms), parsed(&sms)],
        "two failures and one success; the last resend is a repeat"
    );
}

#[tokio::test]
async fn a_panicking_handler_does_not_mark_the_event_handled() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    recorder.panic.store(true, Ordering::SeqCst);
    let dropped = reqwest::Client::new()
        .post(&url)
        .body(sms.to_string())
        .send()
        .await;
    assert!(dropped.is_err(), "the connection closes: {dropped:?}");
    recorder.panic.store(false, Ordering::SeqCst);
    assert_eq!(post_json(&url, &sms).await, StatusCode::OK);
    assert_eq!(recorder.calls().len(), 2);
}

#[tokio::test]
async fn a_resend_during_handling_is_answered_503_and_handled_only_once() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    recorder.hold.store(true, Ordering::SeqCst);
    let first = tokio::spawn({
        let (url, body) = (url.clone(), sms.to_string());
        async move { post(&url, body).await.status() }
    });
    recorder.entered.notified().await;
    let resend = post(&url, sms.to_string()).await;
    assert_eq!(resend.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(resend.headers()["retry-after"], "30");
    recorder.hold.store(false, Ordering::SeqCst);
    recorder.release.notify_one();
    assert_eq!(first.await.unwrap(), StatusCode::OK);
    assert_eq!(post_json(&url, &sms).await, StatusCode::OK);
    assert_eq!(recorder.calls().len(), 1);
}

#[tokio::test]
async fn a_body_that_is_not_a_webhook_gets_400_with_the_reason() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let answer = post(&url, r#"{"data":{"id":"x","type":"cdr_export"}}"#).await;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.text().await.unwrap(),
        "the webhook body is not a Flowroute webhook: at `data.type`: is `cdr_export`; expected `message` (an inbound SMS or MMS) or `delivery_receipt`"
    );
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello").to_string();
    let truncated = post(&url, sms[..sms.len() / 2].to_string()).await;
    assert_eq!(truncated.status(), StatusCode::BAD_REQUEST);
    assert!(truncated.text().await.unwrap().contains("truncated"));
    assert_eq!(post(&url, "").await.status(), StatusCode::BAD_REQUEST);
    assert!(recorder.calls().is_empty());
}

#[tokio::test]
async fn the_token_is_required_in_the_path_or_the_query() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver().token(TOKEN).unwrap()).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    let wrong = "4f7d0c9e2b1a48f6a3c5d7e9b0f2a4c7";
    for refused in [
        url.clone(),
        format!("{url}/?token={wrong}"),
        format!("{url}/{wrong}"),
        format!("{url}/{}", &TOKEN[1..]),
        format!("{url}/?token={TOKEN}x"),
        format!("{url}/?tok={TOKEN}"),
    ] {
        assert_eq!(
            post_json(&refused, &sms).await,
            StatusCode::NOT_FOUND,
            "{refused}"
        );
    }
    // Refused before the body is read: not 413.
    let large = post(&url, "x".repeat(2 * 1024 * 1024)).await;
    assert_eq!(large.status(), StatusCode::NOT_FOUND);
    assert!(recorder.calls().is_empty());
    assert_eq!(
        post_json(&format!("{url}/{TOKEN}"), &sms).await,
        StatusCode::OK
    );
    let dlr = fixtures::delivery_receipt("mdr2-39cadeace66e11e7aff806cd7f24ba2d", "delivered");
    assert_eq!(
        post_json(&format!("{url}/?token={TOKEN}"), &dlr).await,
        StatusCode::OK
    );
    assert_eq!(recorder.calls(), [parsed(&sms), parsed(&dlr)]);
}

#[tokio::test]
async fn without_a_token_only_the_root_is_served() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    assert_eq!(
        post_json(&format!("{url}/{TOKEN}"), &sms).await,
        StatusCode::NOT_FOUND
    );
    let get = reqwest::get(&url).await.unwrap();
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(recorder.calls().is_empty());
}

#[tokio::test]
async fn a_body_over_the_limit_gets_413() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver().body_limit(1024)).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", &"x".repeat(2000));
    assert_eq!(post_json(&url, &sms).await, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(recorder.calls().is_empty());
}

#[tokio::test]
async fn the_default_limit_is_one_mebibyte() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let padded = |len: usize| {
        let mut body = fixtures::inbound_sms("12061232634", "12012673227", "Hello").to_string();
        body.push_str(&" ".repeat(len - body.len()));
        body
    };
    assert_eq!(
        post(&url, padded(1024 * 1024)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        post(&url, padded(1024 * 1024 + 1)).await.status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(recorder.calls().len(), 1);
}

#[tokio::test]
async fn events_without_an_id_are_never_taken_for_repeats() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let mut first = fixtures::inbound_sms("12061232634", "12012673227", "one");
    let mut second = fixtures::inbound_sms("12061232634", "12012673227", "two");
    first["data"]["id"] = "".into();
    second["data"]["id"] = "".into();
    assert_eq!(post_json(&url, &first).await, StatusCode::OK);
    assert_eq!(post_json(&url, &second).await, StatusCode::OK);
    assert_eq!(recorder.calls(), [parsed(&first), parsed(&second)]);
}
