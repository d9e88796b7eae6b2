//! Real webhooks, received by `flowroute::webhooks::Receiver`.

use crate::support::*;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use flowroute::messages::{CallbackType, Message, MessageDirection};
use flowroute::webhooks::{DeliveryReceiptEvent, Event, Receiver};
use flowroute::{MessageId, PhoneNumber};
use flowroute_sim::{SimulatedMessage as Arriving, Simulator, WebhookDelivery};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

type Seen = Arc<Mutex<Vec<Event>>>;
/// Handler calls per receipt: (message id, level).
type Attempts = Arc<Mutex<HashMap<(String, Option<i32>), u32>>>;

/// Serves `app` on 127.0.0.1 and returns its base URL.
async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// A receiver that records every event it is handed.
async fn recording_receiver() -> (Seen, String) {
    let seen = Seen::default();
    let store = seen.clone();
    let app = Receiver::new(move |event: Event| {
        let store = store.clone();
        async move {
            store.lock().unwrap().push(event);
            Ok::<(), String>(())
        }
    })
    .into_router();
    (seen, serve(app).await)
}

/// The receipts of one message among the events, in arrival order.
fn receipts(seen: &Seen, id: &MessageId) -> Vec<DeliveryReceiptEvent> {
    seen.lock()
        .unwrap()
        .iter()
        .filter_map(|event| match event {
            Event::DeliveryReceipt(r) if &r.message_id == id => Some(r.clone()),
            _ => None,
        })
        .collect()
}

/// Waits for both receipts of a message.
async fn both_receipts(seen: &Seen, id: &MessageId) -> Vec<DeliveryReceiptEvent> {
    eventually(&format!("the level 1 and 2 receipts of {id}"), || {
        let got = receipts(seen, id);
        std::future::ready((got.len() >= 2).then_some(got))
    })
    .await
}

fn deliveries_of(sim: &Simulator, id: &MessageId) -> Vec<WebhookDelivery> {
    sim.webhook_deliveries()
        .into_iter()
        .filter(|d| d.mdr_id == id.as_str())
        .collect()
}

/// The simulator's webhook log once it holds `count` deliveries, all
/// acknowledged: the handler runs before the answer reaches the simulator,
/// so an event seen by the handler may not be recorded as delivered yet.
async fn acknowledged(sim: &Simulator, count: usize) -> Vec<WebhookDelivery> {
    eventually(&format!("{count} acknowledged webhooks"), || {
        let all = sim.webhook_deliveries();
        let done = all.len() == count && all.iter().all(|d| d.delivered);
        std::future::ready(done.then_some(all))
    })
    .await
}

#[tokio::test]
async fn delivery_receipts_of_a_sent_sms_reach_the_dlr_callback_at_levels_1_and_2() {
    let env = Env::start().await;
    let (seen, url) = recording_receiver().await;
    let messages = env.client.messages();
    messages
        .set_account_callback(CallbackType::SmsDlrCallback, &url)
        .await
        .unwrap();
    let from = env.first_number().await;
    let to: PhoneNumber = "12065550100".parse().unwrap();

    let id = messages
        .send(Message::sms(from.clone(), to.clone(), "ping"))
        .await
        .unwrap()
        .id;
    let got = both_receipts(&seen, &id).await;
    assert_eq!(got.len(), 2, "one receipt per level: {got:?}");
    assert_eq!(
        (got[0].level, got[0].status.clone()),
        (Some(1), Some("smsc submit".into()))
    );
    assert_eq!(
        (got[1].level, got[1].status.clone()),
        (Some(2), Some("delivered".into()))
    );
    assert_eq!(got[1].status_code.as_deref(), Some("1000"));
    assert!(
        got.iter().all(|r| r.body.as_deref() == Some("ping")),
        "{got:?}"
    );
    assert!(got.iter().all(|r| r.timestamp.is_some()), "{got:?}");

    // A message's own dlr_callback wins over the account's URL.
    let own = format!("{url}?for=message");
    let message = Message::sms(from, to, "pong").dlr_callback(own.clone());
    let other = messages.send(message).await.unwrap().id;
    let got = both_receipts(&seen, &other).await;
    let levels: Vec<Option<i32>> = got.iter().map(|r| r.level).collect();
    assert_eq!(levels, vec![Some(1), Some(2)]);
    acknowledged(&env.sim, 4).await;
    for (message, expected) in [(&id, &url), (&other, &own)] {
        let deliveries = deliveries_of(&env.sim, message);
        assert_eq!(deliveries.len(), 2, "{deliveries:?}");
        for delivery in deliveries {
            assert_eq!((delivery.kind.as_str(), &delivery.url), ("dlr", expected));
            assert_eq!(delivery.attempts, vec![Some(200)], "{delivery:?}");
        }
    }
}

/// The first inbound message with this id among the events.
async fn inbound(seen: &Seen, id: &str) -> Event {
    eventually(&format!("the inbound message {id}"), || {
        let found = seen.lock().unwrap().iter().find_map(|event| match event {
            Event::InboundSms(m) | Event::InboundMms(m) if m.id.as_str() == id => {
                Some(event.clone())
            }
            _ => None,
        });
        std::future::ready(found)
    })
    .await
}

#[tokio::test]
async fn inbound_sms_and_mms_reach_their_callback_urls_as_typed_events_the_numbers_url_first() {
    let env = Env::start().await;
    let token = "e2e-0123456789abcdef";
    let seen = Seen::default();
    let store = seen.clone();
    let app = Receiver::new(move |event: Event| {
        let store = store.clone();
        async move {
            store.lock().unwrap().push(event);
            Ok::<(), String>(())
        }
    })
    .token(token)
    .unwrap()
    .into_router();
    let url = format!("{}{token}", serve(app).await);
    let messages = env.client.messages();
    messages
        .set_account_callback(CallbackType::SmsCallback, &url)
        .await
        .unwrap();
    messages
        .set_account_callback(CallbackType::MmsCallback, &url)
        .await
        .unwrap();
    let numbers = env.account_numbers().await;
    let to = numbers[0].clone();

    let id = env
        .sim
        .inbound(Arriving::sms("12065550100", to.as_str(), "hi there"))
        .unwrap();
    let Event::InboundSms(sms) = inbound(&seen, &id).await else {
        panic!("an SMS without media is an InboundSms event");
    };
    assert_eq!(sms.from.as_str(), "12065550100");
    assert_eq!(sms.to, to);
    assert_eq!(sms.body.as_deref(), Some("hi there"));
    assert_eq!(sms.direction, MessageDirection::Inbound);
    assert_eq!(sms.status, Some("delivered".into()));
    assert!(!sms.is_mms && sms.media.is_empty());
    assert_eq!(sms.message_callback_url.as_deref(), Some(url.as_str()));
    let record = messages.get(id.as_str()).await.unwrap();
    assert_eq!(record.direction, MessageDirection::Inbound);
    assert_eq!(record.body.as_deref(), Some("hi there"));

    let media = vec![
        "https://media.example.com/a/cat.png".to_string(),
        "https://media.example.com/b/clip.mp4".to_string(),
    ];
    let id = env
        .sim
        .inbound(Arriving::mms(
            "12065550100",
            to.as_str(),
            Some("look".into()),
            media.clone(),
        ))
        .unwrap();
    let Event::InboundMms(mms) = inbound(&seen, &id).await else {
        panic!("a message with media is an InboundMms event");
    };
    assert!(mms.is_mms);
    assert_eq!(mms.body.as_deref(), Some("look"));
    let urls: Vec<Option<&str>> = mms.media.iter().map(|m| m.url.as_deref()).collect();
    assert_eq!(
        urls,
        vec![Some(media[0].as_str()), Some(media[1].as_str())],
        "in order"
    );
    let types: Vec<Option<&str>> = mms.media.iter().map(|m| m.mime_type.as_deref()).collect();
    assert_eq!(types, vec![Some("image/png"), Some("video/mp4")]);
    assert_eq!(mms.media[0].file_name.as_deref(), Some("cat.png"));

    // A number's own URL wins over the account's.
    let other = numbers[1].clone();
    let own = format!("{url}?for=number");
    messages
        .set_number_callback(&other, CallbackType::SmsCallback, &own)
        .await
        .unwrap();
    let id = env
        .sim
        .inbound(Arriving::sms("12065550100", other.as_str(), "to the other"))
        .unwrap();
    let Event::InboundSms(sms) = inbound(&seen, &id).await else {
        panic!("an SMS without media is an InboundSms event");
    };
    assert_eq!(
        (sms.to.as_str(), sms.message_callback_url.as_deref()),
        (other.as_str(), Some(own.as_str()))
    );
    let urls: Vec<String> = acknowledged(&env.sim, 3)
        .await
        .into_iter()
        .map(|d| format!("{} {} {:?}", d.kind, d.url, d.attempts))
        .collect();
    assert_eq!(
        urls,
        vec![
            format!("sms {url} [Some(200)]"),
            format!("mms {url} [Some(200)]"),
            format!("sms {own} [Some(200)]"),
        ]
    );
}

#[tokio::test]
async fn a_handler_that_fails_the_first_time_gets_the_retry_and_handles_each_receipt_once() {
    let env = Env::start().await;
    let calls: Attempts = Arc::default();
    let handled = Seen::default();
    let (count, store) = (calls.clone(), handled.clone());
    let app = Receiver::new(move |event: Event| {
        let (count, store) = (count.clone(), store.clone());
        async move {
            let Event::DeliveryReceipt(receipt) = &event else {
                return Err(format!("unexpected {event:?}"));
            };
            let key = (receipt.message_id.to_string(), receipt.level);
            let attempt = {
                let mut count = count.lock().unwrap();
                let n = count.entry(key).or_default();
                *n += 1;
                *n
            };
            if attempt == 1 {
                return Err("the database is down".to_string());
            }
            store.lock().unwrap().push(event);
            Ok(())
        }
    })
    .into_router();
    let url = serve(app).await;
    let messages = env.client.messages();
    messages
        .set_account_callback(CallbackType::SmsDlrCallback, &url)
        .await
        .unwrap();
    let from = env.first_number().await;
    let id = messages
        .send(Message::sms(from, "12065550100", "retry me"))
        .await
        .unwrap()
        .id;

    both_receipts(&handled, &id).await;
    let delivered = eventually("both deliveries to be acknowledged", || {
        let deliveries = deliveries_of(&env.sim, &id);
        let done = deliveries.len() == 2 && deliveries.iter().all(|d| d.delivered);
        std::future::ready(done.then_some(deliveries))
    })
    .await;
    for delivery in delivered {
        assert_eq!(
            delivery.attempts,
            vec![Some(500), Some(200)],
            "{delivery:?}"
        );
    }
    // Longer than a retry interval: nothing more arrives once acknowledged.
    tokio::time::sleep(ms(120)).await;
    let levels: Vec<Option<i32>> = receipts(&handled, &id).iter().map(|r| r.level).collect();
    assert_eq!(
        levels,
        vec![Some(1), Some(2)],
        "each receipt handled exactly once"
    );
    let calls = calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(
        calls.values().all(|n| *n == 2),
        "one failure and one success each: {calls:?}"
    );
}

#[tokio::test]
async fn a_resend_after_a_lost_acknowledgement_is_acknowledged_without_handling_again() {
    let env = Env::start().await;
    let handled = Seen::default();
    let failed_once = Arc::new(AtomicBool::new(false));
    let store = handled.clone();
    let receiver = Receiver::new(move |event: Event| {
        let (store, failed_once) = (store.clone(), failed_once.clone());
        async move {
            if !failed_once.swap(true, Ordering::SeqCst) {
                return Err("the database is down".to_string());
            }
            store.lock().unwrap().push(event);
            Ok::<(), String>(())
        }
    });
    // The first 200 the receiver gives never reaches Flowroute (a proxy
    // timing out, say): the simulator sees a 502 and sends the event again.
    let lost = Arc::new(AtomicBool::new(false));
    let lose_first_ack = move |request: Request, next: Next| {
        let lost = lost.clone();
        async move {
            let response = next.run(request).await;
            if response.status() == StatusCode::OK && !lost.swap(true, Ordering::SeqCst) {
                return StatusCode::BAD_GATEWAY.into_response();
            }
            response
        }
    };
    let app = receiver
        .into_router()
        .layer(middleware::from_fn(lose_first_ack));
    let url = serve(app).await;
    env.client
        .messages()
        .set_account_callback(CallbackType::SmsCallback, &url)
        .await
        .unwrap();
    let to = env.first_number().await;
    let id = env
        .sim
        .inbound(Arriving::sms("12065550100", to.as_str(), "exactly once"))
        .unwrap();

    let delivery = eventually("the inbound SMS to be acknowledged", || {
        let done = env
            .sim
            .webhook_deliveries()
            .into_iter()
            .find(|d| d.mdr_id == id && d.delivered);
        std::future::ready(done)
    })
    .await;
    assert_eq!(delivery.kind, "sms");
    assert_eq!(
        delivery.attempts,
        vec![Some(500), Some(502), Some(200)],
        "handler failed, then handled but the answer was lost, then a repeat"
    );
    let handled = handled.lock().unwrap().clone();
    assert_eq!(handled.len(), 1, "handled exactly once: {handled:?}");
    assert!(
        matches!(&handled[0], Event::InboundSms(m) if m.id.as_str() == id),
        "{handled:?}"
    );
}
