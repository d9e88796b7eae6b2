//! Three receivers behind one Redis: every event handled exactly once,
//! however its deliveries are spread; a failed handler's event handled on
//! the resend; a dead instance's claim taken over when its lease ends.

use crate::support::{Handled, RedisServer, deliver, serve};
use flowroute::redis::RedisDedupe;
use flowroute::webhooks::{self, Claim, DedupeStore, fixtures};
use futures_util::StreamExt;
use redis::AsyncCommands;
use std::sync::Arc;
use std::time::{Duration, Instant};

const EVENTS: usize = 200;

/// Three instances, each with its own store on one Redis.
async fn instances(redis: &RedisServer, handled: &Arc<Handled>) -> Vec<String> {
    let mut urls = Vec::new();
    for _ in 0..3 {
        let store = RedisDedupe::new(&redis.url()).unwrap();
        urls.push(serve(handled.receiver(store)).await);
    }
    urls
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server; run `cargo xtask test-redis`"]
async fn every_event_delivered_to_three_instances_at_once_is_handled_once() {
    let redis = RedisServer::start();
    let handled = Arc::new(Handled::default());
    let urls = instances(&redis, &handled).await;
    let http = reqwest::Client::new();
    let events: Vec<(String, String)> = (0..EVENTS)
        .map(|i| {
            let doc = if i % 2 == 0 {
                fixtures::inbound_sms("12061232634", "12012673227", "Hello")
            } else {
                let id = format!("mdr2-receipt{i:04}");
                fixtures::delivery_receipt(&id, "DELIVRD")
            };
            (
                doc["data"]["id"].as_str().unwrap().to_string(),
                doc.to_string(),
            )
        })
        .collect();
    let started = Instant::now();
    // Each event to all three at once, ten events at a time.
    let answers: Vec<Vec<u16>> = futures_util::stream::iter(&events)
        .map(|(_, body)| {
            let deliveries = urls.iter().map(|url| deliver(&http, url, body));
            futures_util::future::join_all(deliveries)
        })
        .buffer_unordered(10)
        .collect()
        .await;
    let first_round = started.elapsed();
    let count = |status| answers.iter().flatten().filter(|s| **s == status).count();
    let (ok, busy) = (count(200), count(503));
    assert_eq!(ok + busy, 3 * EVENTS, "only 200 and 503: {answers:?}");
    // Flowroute resends what got 503; by now each was handled, so it is a
    // repeat.
    for ((_, body), statuses) in events.iter().zip(&answers) {
        for (url, status) in urls.iter().zip(statuses) {
            if *status == 503 {
                assert_eq!(deliver(&http, url, body).await, 200);
            }
        }
    }
    for (id, _) in &events {
        assert_eq!(handled.calls(id), 1, "{id}");
    }
    println!(
        "{EVENTS} events x 3 concurrent deliveries: handled {} times in all, \
         {ok} answered 200 and {busy} 503 (in progress) in {first_round:?}; \
         the 503s resent: 200, not handled again",
        handled.total()
    );
    // Every key is the prefix's, marked done, for the window.
    let mut inspect = redis.inspect().await;
    let keys: Vec<String> = inspect.keys("*").await.unwrap();
    assert_eq!(keys.len(), EVENTS);
    let key = &keys[0];
    assert!(key.starts_with("flowroute:wh:"), "{key}");
    let value: String = inspect.get(key).await.unwrap();
    assert_eq!(value, "done");
    let ttl: i64 = inspect.pttl(key).await.unwrap();
    assert!((590_000..=600_000).contains(&ttl), "{ttl}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server; run `cargo xtask test-redis`"]
async fn a_failed_handler_is_handled_once_more_on_the_resend_and_never_again() {
    let redis = RedisServer::start();
    let handled = Arc::new(Handled::default());
    let urls = instances(&redis, &handled).await;
    let http = reqwest::Client::new();
    for n in 0..20 {
        let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
        let id = sms["data"]["id"].as_str().unwrap().to_string();
        handled.fail_first(&id);
        let body = sms.to_string();
        // The first delivery fails; Flowroute resends, to any instance.
        assert_eq!(deliver(&http, &urls[n % 3], &body).await, 500);
        assert_eq!(deliver(&http, &urls[(n + 1) % 3], &body).await, 200);
        assert_eq!(deliver(&http, &urls[(n + 2) % 3], &body).await, 200);
        assert_eq!(deliver(&http, &urls[n % 3], &body).await, 200);
        assert_eq!(handled.calls(&id), 2, "one failure, one success, no more");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server; run `cargo xtask test-redis`"]
async fn a_dead_instances_claim_is_taken_over_when_its_lease_ends() {
    let redis = RedisServer::start();
    let lease = Duration::from_millis(800);
    let handled = Arc::new(Handled::default());
    let url = serve(handled.receiver(RedisDedupe::new(&redis.url()).unwrap().lease(lease))).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    let id = sms["data"]["id"].as_str().unwrap().to_string();
    let key = webhooks::parse(sms.to_string().as_bytes())
        .unwrap()
        .dedupe_key();
    // An instance claims the event, then dies: it never settles.
    let dying = RedisDedupe::new(&redis.url()).unwrap().lease(lease);
    let claimed = Instant::now();
    assert!(matches!(dying.claim(&key).await, Ok(Claim::First { .. })));
    let http = reqwest::Client::new();
    assert_eq!(deliver(&http, &url, &sms.to_string()).await, 503);
    assert_eq!(handled.calls(&id), 0);
    tokio::time::sleep(lease.saturating_sub(claimed.elapsed()) + Duration::from_millis(50)).await;
    assert_eq!(deliver(&http, &url, &sms.to_string()).await, 200);
    assert_eq!(deliver(&http, &url, &sms.to_string()).await, 200);
    assert_eq!(handled.calls(&id), 1);
}
