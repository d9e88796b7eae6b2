//! Sending many messages against the simulator: one outcome per input with
//! its key, failures that never stop the rest, progress, stopping and
//! dropping, the limiter's deadline, and sends refused with 429 sent again.

use flowroute::limits::{Bucket, RateLimits};
use flowroute::prelude::*;
use flowroute::retry::{BoxFuture, Clock};
use flowroute_sim::{Fault, FaultRule, SIM_ACCESS_KEY, SIM_SECRET_KEY, Simulator};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// A simulator that does not throttle, for tests about something else.
async fn unthrottled() -> Simulator {
    Simulator::builder()
        .rate_limits(flowroute_sim::RateLimits::off())
        .start()
        .await
        .unwrap()
}

fn client(sim: &Simulator, limits: RateLimits) -> Client {
    Client::builder()
        .credentials(SIM_ACCESS_KEY, SIM_SECRET_KEY)
        .base_url(sim.base_url())
        .rate_limits(limits)
        .build()
        .unwrap()
}

/// The account's first number, which may send.
async fn sender(client: &Client) -> PhoneNumber {
    let mut numbers = client.numbers().list().items();
    numbers.try_next().await.unwrap().unwrap().number
}

fn sends(sim: &Simulator) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/v2.1/messages")
        .count()
}

#[tokio::test]
async fn every_input_gets_one_outcome_under_its_key_and_failures_stop_nothing() {
    let sim = unthrottled().await;
    let client = client(&sim, RateLimits::off());
    let from = sender(&client).await;
    // The third is refused before anything is sent.
    let recipients: Vec<String> = (0..8).map(|i| format!("1206555{:04}", 100 + i)).collect();
    let messages: Vec<(String, Message)> = recipients
        .iter()
        .enumerate()
        .map(|(i, to)| {
            let to = if i == 2 { "555" } else { to.as_str() };
            (
                format!("customer-{i}"),
                Message::sms(&from, to, "Open at 9"),
            )
        })
        .collect();
    let mut outcomes = client.messages().send_all_keyed(messages).concurrency(3);
    let progress = outcomes.progress();
    let mut by_key = BTreeMap::new();
    while let Some(outcome) = outcomes.next().await {
        assert!(
            by_key.insert(outcome.key.clone(), outcome.result).is_none(),
            "one outcome per key"
        );
    }
    assert_eq!(by_key.len(), 8);
    for (key, result) in &by_key {
        match (key.as_str(), result) {
            ("customer-2", Err(Error::InvalidInput { field, .. })) => assert_eq!(*field, "to"),
            ("customer-2", other) => panic!("customer-2: {other:?}"),
            (_, Ok(sent)) => assert!(sent.id.as_str().starts_with("mdr2-")),
            (key, Err(e)) => panic!("{key}: {e}"),
        }
    }
    assert_eq!((progress.sent(), progress.failed()), (7, 1));
    assert_eq!(progress.in_flight(), 0);
    assert_eq!(sends(&sim), 7, "the refused one was never sent");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_send_flowroute_refuses_is_one_failed_outcome_among_the_others() {
    let sim = unthrottled().await;
    let client = client(&sim, RateLimits::off());
    let from = sender(&client).await;
    sim.add_fault(FaultRule {
        method: Some("POST".into()),
        path: "/v2.1/messages".into(),
        count: 1,
        fault: Fault::Status {
            status: 403,
            body: flowroute_sim::FaultBody::Json,
        },
    })
    .unwrap();
    let messages = (0..5).map(|i| Message::sms(&from, format!("120655502{i:02}"), "hi"));
    // One at a time, so that the first send is the one the fault hits.
    let outcomes: Vec<_> = client
        .messages()
        .send_all(messages.collect::<Vec<_>>())
        .concurrency(1)
        .collect()
        .await;
    let keys: Vec<usize> = outcomes.iter().map(|o| o.key).collect();
    assert_eq!(keys, [0, 1, 2, 3, 4], "one at a time, in input order");
    assert_eq!(
        outcomes[0].result.as_ref().unwrap_err().status(),
        Some(StatusCode::FORBIDDEN)
    );
    assert!(outcomes[1..].iter().all(|o| o.result.is_ok()));
    sim.shutdown().await;
}

#[tokio::test]
async fn after_stop_no_further_message_starts_and_started_ones_are_reported() {
    let sim = unthrottled().await;
    let client = client(&sim, RateLimits::off());
    let from = sender(&client).await;
    let messages: Vec<_> = (0..50)
        .map(|i| Message::sms(&from, format!("120655503{i:02}"), "hi"))
        .collect();
    let mut outcomes = client.messages().send_all(messages).concurrency(2);
    let progress = outcomes.progress();
    let first = outcomes.next().await.unwrap();
    assert!(first.result.is_ok());
    progress.stop();
    let rest: Vec<_> = outcomes.collect().await;
    let reported = 1 + rest.len();
    assert!(
        reported <= 3,
        "at most the two in flight after stop: {reported}"
    );
    assert_eq!(sends(&sim), reported, "everything sent was reported");
    assert_eq!(progress.sent() as usize, reported);
    sim.shutdown().await;
}

/// Time that stops: a sleep never ends, so a call waiting for a permit waits
/// until it is dropped.
struct FrozenClock(Instant);

impl Clock for FrozenClock {
    fn now(&self) -> Instant {
        self.0
    }

    fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn dropping_the_stream_sends_nothing_more() {
    let sim = unthrottled().await;
    let client = Client::builder()
        .credentials(SIM_ACCESS_KEY, SIM_SECRET_KEY)
        .base_url(sim.base_url())
        .clock(FrozenClock(Instant::now()))
        .build()
        .unwrap();
    let from = sender(&client).await;
    let messages: Vec<_> = (0..10)
        .map(|i| Message::sms(&from, format!("120655504{i:02}"), "hi"))
        .collect();
    let mut outcomes = client.messages().send_all(messages);
    // The first SMS has its permit at once; the others wait for theirs.
    let first = outcomes.next().await.unwrap();
    assert_eq!(first.key, 0);
    assert!(first.result.is_ok());
    let progress = outcomes.progress();
    assert_eq!(progress.in_flight(), 7, "the rest of the first eight wait");
    drop(outcomes);
    tokio::task::yield_now().await;
    assert_eq!(sends(&sim), 1, "nothing waiting for a permit was sent");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_send_that_cannot_get_a_permit_before_its_deadline_is_not_sent() {
    let sim = Simulator::start().await.unwrap();
    let client = client(&sim, RateLimits::documented()).with_deadline(Duration::from_millis(500));
    let from = sender(&client).await;
    let mms = || Message::mms(&from, "12065550100").media_url("https://example.com/a.png");
    client.messages().send(mms()).await.unwrap();
    let started = Instant::now();
    let refused = client.messages().send(mms()).await.unwrap_err();
    match &refused {
        Error::RateLimited {
            operation,
            bucket,
            per_second,
            attempts,
            ..
        } => {
            assert_eq!(*operation, "send_a_message");
            assert_eq!((*bucket, *per_second, *attempts), (Bucket::Mms, 1, 0));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert!(refused.to_string().contains("was not sent"), "{refused}");
    assert!(refused.is_safe_to_retry());
    assert!(
        started.elapsed() < Duration::from_millis(400),
        "refused at once, not after waiting in vain"
    );
    // An SMS has its own budget and goes through.
    client
        .messages()
        .send(Message::sms(&from, "12065550100", "hi"))
        .await
        .unwrap();
    assert_eq!(sends(&sim), 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_send_the_simulator_throttles_is_sent_again() {
    // The client does not pace; the simulator enforces 5 SMS a second.
    let sim = Simulator::start().await.unwrap();
    let client = client(&sim, RateLimits::off());
    let from = sender(&client).await;
    let messages: Vec<_> = (0..7)
        .map(|i| Message::sms(&from, format!("120655505{i:02}"), "hi"))
        .collect();
    let outcomes: Vec<_> = client
        .messages()
        .send_all(messages)
        .concurrency(7)
        .collect()
        .await;
    assert!(
        outcomes.iter().all(|o| o.result.is_ok()),
        "{:?}",
        outcomes
            .iter()
            .filter_map(|o| o.result.as_ref().err())
            .collect::<Vec<_>>()
    );
    let log = sim.requests();
    let throttled = log.iter().filter(|r| r.throttled).count();
    assert!(throttled >= 2, "the burst went over the limit: {throttled}");
    let accepted = log
        .iter()
        .filter(|r| r.path == "/v2.1/messages" && r.status == Some(202))
        .count();
    assert_eq!(accepted, 7, "each sent once, after its 429s");
    sim.shutdown().await;
}
