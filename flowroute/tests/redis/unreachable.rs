//! No Redis at the URL (nothing listens on port 1): each store applies its
//! documented fallback, within its timeout. These need no `redis-server` and
//! run with the rest of the suite.

use crate::support::{Handled, client, deliver, sender, sends, serve};
use flowroute::limits::Bucket;
use flowroute::prelude::*;
use flowroute::redis::{DedupeFallback, PermitFallback, RedisDedupe, RedisPermits};
use flowroute::webhooks::fixtures;
use flowroute_sim::Simulator;
use std::sync::Arc;
use std::time::{Duration, Instant};

const NOWHERE: &str = "redis://127.0.0.1:1";

async fn unthrottled() -> Simulator {
    Simulator::builder()
        .rate_limits(flowroute_sim::RateLimits::off())
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_limiter_falls_back_to_the_local_share_of_the_limit() {
    let sim = unthrottled().await;
    // 5 SMS a second shared by 4 instances: one every 800 ms each.
    let client = client(&sim, RedisPermits::new(NOWHERE, 4).unwrap());
    let from = sender(&client).await;
    let started = Instant::now();
    for i in 0..3 {
        let to = format!("120655501{i:02}");
        client
            .messages()
            .send(Message::sms(&from, to, "hi"))
            .await
            .unwrap();
    }
    let elapsed = started.elapsed();
    assert!(
        (Duration::from_millis(1590)..Duration::from_millis(2600)).contains(&elapsed),
        "three sends 800 ms apart took {elapsed:?}"
    );
    let received: Vec<u64> = sends(&sim).iter().map(|r| r.received_ms).collect();
    for pair in received.windows(2) {
        assert!(pair[1] - pair[0] >= 790, "sends at {received:?} ms");
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn a_limiter_that_fails_closed_refuses_at_once_and_sends_nothing() {
    let sim = unthrottled().await;
    let permits = RedisPermits::new(NOWHERE, 4)
        .unwrap()
        .timeout(Duration::from_millis(100))
        .fallback(PermitFallback::FailClosed);
    let client = client(&sim, permits);
    let from = sender(&client).await;
    for _ in 0..2 {
        let started = Instant::now();
        let error = client
            .messages()
            .send(Message::sms(&from, "12065550100", "hi"))
            .await
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(1), "{error}");
        match &error {
            Error::RateLimiterUnavailable { bucket, reason, .. } => {
                assert_eq!(*bucket, Bucket::Sms);
                assert!(reason.starts_with("Redis: "), "{reason}");
                assert!(!reason.contains("127.0.0.1"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert!(error.is_safe_to_retry());
    }
    assert!(sends(&sim).is_empty(), "nothing was sent");
    // Unpaced calls never ask Redis.
    sender(&client).await;
    sim.shutdown().await;
}

#[tokio::test]
async fn the_dedupe_fails_open_by_default_and_closed_when_asked() {
    let http = reqwest::Client::new();
    let handled = Arc::new(Handled::default());
    let open = serve(handled.receiver(RedisDedupe::new(NOWHERE).unwrap())).await;
    let closed = RedisDedupe::new(NOWHERE)
        .unwrap()
        .timeout(Duration::from_millis(100))
        .fallback(DedupeFallback::FailClosed);
    let closed = serve(handled.receiver(closed)).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "hi");
    let id = sms["data"]["id"].as_str().unwrap();
    let body = sms.to_string();
    let started = Instant::now();
    assert_eq!(deliver(&http, &closed, &body).await, 503);
    assert_eq!(handled.calls(id), 0, "refused, so that Flowroute resends");
    assert_eq!(deliver(&http, &open, &body).await, 200);
    assert_eq!(deliver(&http, &open, &body).await, 200);
    assert_eq!(handled.calls(id), 2, "handled, resends included");
    assert!(started.elapsed() < Duration::from_secs(2));
}
