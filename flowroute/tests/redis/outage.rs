//! Redis killed in the middle of a run: the documented fallbacks take over
//! within the timeout, nothing hangs, and Redis is used again once it is
//! back.

use crate::support::{
    Handled, RedisServer, client, deliver, most_in_a_second, sender, sends, serve,
};
use flowroute::prelude::*;
use flowroute::redis::{DedupeFallback, PermitFallback, RedisDedupe, RedisPermits};
use flowroute::webhooks::fixtures;
use flowroute_sim::{SIM_ACCESS_KEY, Simulator};
use redis::AsyncCommands;
use std::sync::Arc;
use std::time::{Duration, Instant};

const INSTANCES: u32 = 2;
const EACH: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server; run `cargo xtask test-redis`"]
async fn sends_go_on_at_the_local_share_while_redis_is_down_and_nothing_hangs() {
    let mut redis = RedisServer::start();
    let sim = Simulator::start().await.unwrap();
    let sim_started = Instant::now();
    let clients: Vec<Client> = (0..INSTANCES)
        .map(|_| client(&sim, RedisPermits::new(&redis.url(), INSTANCES).unwrap()))
        .collect();
    let closed = client(
        &sim,
        RedisPermits::new(&redis.url(), INSTANCES)
            .unwrap()
            .fallback(PermitFallback::FailClosed),
    );
    let from = sender(&clients[0]).await;
    let started = Instant::now();
    let runs = clients.iter().enumerate().map(|(c, client)| {
        let messages: Vec<Message> = (0..EACH)
            .map(|i| Message::sms(&from, format!("1206555{c}{i:03}"), "Your order is ready."))
            .collect();
        client.messages().send_all(messages).collect::<Vec<_>>()
    });
    let sending = tokio::spawn(futures_util::future::join_all(runs.collect::<Vec<_>>()));
    tokio::time::sleep(Duration::from_secs(3)).await;
    redis.kill();
    let killed_ms = sim_started.elapsed().as_millis() as u64;

    // Fail closed: refused at once, while the others go on.
    let refused = Instant::now();
    let error = closed
        .messages()
        .send(Message::sms(&from, "12065559999", "hi"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::RateLimiterUnavailable { .. }),
        "{error}"
    );
    let refused = refused.elapsed();
    assert!(refused < Duration::from_millis(600), "{refused:?}");

    let outcomes: Vec<_> = sending.await.unwrap().into_iter().flatten().collect();
    let elapsed = started.elapsed();
    let failed: Vec<_> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().err())
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    let log = sends(&sim);
    let accepted: Vec<_> = log.iter().filter(|r| !r.throttled).cloned().collect();
    let after: Vec<_> = accepted
        .iter()
        .filter(|r| r.received_ms > killed_ms)
        .cloned()
        .collect();
    let before = accepted.len() - after.len();
    let throttled = log.len() - accepted.len();
    // Past the slots reserved before the kill, each instance sends every
    // 400 ms: together 5 a second over the outage.
    let steady: Vec<_> = after
        .iter()
        .filter(|r| r.received_ms > killed_ms + 2_000)
        .cloned()
        .collect();
    let span = steady.last().unwrap().received_ms - steady.first().unwrap().received_ms;
    let rate = (steady.len() - 1) as f64 * 1000.0 / span as f64;
    println!(
        "Redis killed at {killed_ms} ms: {before} SMS accepted before, {} after; \
         {throttled} throttled (then resent); outage rate {rate:.2}/s over {span} ms, \
         at most {} in a second of it; all {} sent in {elapsed:?}; \
         a fail-closed client refused in {refused:?}",
        after.len(),
        most_in_a_second(&steady),
        outcomes.len(),
    );
    assert_eq!(accepted.len(), INSTANCES as usize * EACH);
    assert!(
        after.len() >= 15,
        "sends went on: {} after the kill",
        after.len()
    );
    // The long run stays within the limit; sends refused in a window where
    // the instances' schedules crowd together cost their permit and a
    // second's wait.
    assert!((2.5..=5.2).contains(&rate), "{rate:.2}/s");
    assert!(elapsed < Duration::from_secs(14), "{elapsed:?}");

    // Back: after the pause that follows a failure, Redis keeps the
    // timeline again.
    let redis = RedisServer::start_on(redis.port());
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let back = Instant::now();
    for client in &clients {
        client
            .messages()
            .send(Message::sms(&from, "12065558888", "back"))
            .await
            .unwrap();
    }
    closed
        .messages()
        .send(Message::sms(&from, "12065557777", "back"))
        .await
        .unwrap();
    let mut inspect = redis.inspect().await;
    let key = format!("flowroute:rl:{SIM_ACCESS_KEY}:sms");
    assert!(inspect.exists::<_, bool>(&key).await.unwrap(), "{key}");
    println!("Redis back: 3 sends through it in {:?}", back.elapsed());
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server; run `cargo xtask test-redis`"]
async fn webhooks_are_handled_or_refused_as_configured_while_redis_is_down() {
    let mut redis = RedisServer::start();
    let handled = Arc::new(Handled::default());
    let open = serve(handled.receiver(RedisDedupe::new(&redis.url()).unwrap())).await;
    let closed = serve(
        handled.receiver(
            RedisDedupe::new(&redis.url())
                .unwrap()
                .fallback(DedupeFallback::FailClosed),
        ),
    )
    .await;
    let http = reqwest::Client::new();
    let event = || fixtures::inbound_sms("12061232634", "12012673227", "Hello").to_string();
    // Up: one of two instances handles it.
    let body = event();
    assert_eq!(deliver(&http, &open, &body).await, 200);
    assert_eq!(deliver(&http, &closed, &body).await, 200);
    assert_eq!(handled.total(), 1);
    redis.kill();
    let down = Instant::now();
    let mut slowest = Duration::ZERO;
    let body = event();
    for _ in 0..3 {
        let delivery = Instant::now();
        assert_eq!(deliver(&http, &closed, &body).await, 503, "fail closed");
        assert_eq!(deliver(&http, &open, &body).await, 200, "fail open");
        slowest = slowest.max(delivery.elapsed());
    }
    assert_eq!(handled.total(), 1 + 3, "fail open handles every delivery");
    assert!(slowest < Duration::from_millis(600), "{slowest:?}");
    println!(
        "Redis killed: fail-closed answered 503, fail-open handled all 3 resends; \
         slowest pair of deliveries {slowest:?}, {:?} in all",
        down.elapsed()
    );
    // Back: the dedupe holds again.
    let _redis = RedisServer::start_on(redis.port());
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let body = event();
    assert_eq!(deliver(&http, &open, &body).await, 200);
    assert_eq!(deliver(&http, &closed, &body).await, 200);
    assert_eq!(handled.total(), 1 + 3 + 1);
}
