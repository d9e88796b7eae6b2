//! Four independent clients, each with its own store on one Redis, share the
//! simulator's documented limits.

use crate::support::{RedisServer, client, most_in_a_second, sender, sends};
use flowroute::prelude::*;
use flowroute::redis::RedisPermits;
use flowroute::retry::RetryPolicy;
use flowroute_sim::{SIM_ACCESS_KEY, Simulator};
use redis::AsyncCommands;
use std::time::{Duration, Instant};

const CLIENTS: usize = 4;
const EACH: usize = 25;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server; run `cargo xtask test-redis`"]
async fn four_clients_sharing_a_key_keep_to_the_limit_in_every_second() {
    let redis = RedisServer::start();
    // The documented 5 SMS a second, enforced over sliding windows.
    let sim = Simulator::start().await.unwrap();
    let clients: Vec<Client> = (0..CLIENTS)
        .map(|_| {
            let permits = RedisPermits::new(&redis.url(), CLIENTS as u32).unwrap();
            // No retry: a 429 would be an error here, not hidden.
            client(&sim, permits).with_retry_policy(RetryPolicy::none())
        })
        .collect();
    let from = sender(&clients[0]).await;
    let started = Instant::now();
    let runs = clients.iter().enumerate().map(|(c, client)| {
        let messages: Vec<Message> = (0..EACH)
            .map(|i| Message::sms(&from, format!("1206555{c}{i:03}"), "Your order is ready."))
            .collect();
        client.messages().send_all(messages).collect::<Vec<_>>()
    });
    let outcomes: Vec<_> = futures_util::future::join_all(runs)
        .await
        .into_iter()
        .flatten()
        .collect();
    let elapsed = started.elapsed();
    let failed: Vec<_> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().err())
        .collect();
    let log = sends(&sim);
    let throttled = log.iter().filter(|r| r.throttled).count();
    let most = most_in_a_second(&log);
    let received: Vec<u64> = log.iter().map(|r| r.received_ms).collect();
    // Six sends within a second would be one too many.
    let tightest = received.windows(6).map(|w| w[5] - w[0]).min().unwrap();
    let span_ms = received.last().unwrap() - received.first().unwrap();
    println!(
        "{} SMS from {CLIENTS} clients: {throttled} throttled, at most {most} in any second, \
         the tightest six spanning {tightest} ms, first to last {span_ms} ms ({:.2}/s), \
         {elapsed:?} in all",
        log.len(),
        (log.len() - 1) as f64 * 1000.0 / span_ms as f64
    );
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(log.len(), CLIENTS * EACH);
    assert_eq!(throttled, 0);
    assert!(most <= 5, "{most} in one second");
    // Never faster than the limit, and not much slower: 99 spacings of 204 ms.
    assert!(
        (Duration::from_millis(19_800)..Duration::from_secs(24)).contains(&elapsed),
        "{elapsed:?}"
    );
    // The timeline is one key per access key and bucket, expiring soon after.
    let mut inspect = redis.inspect().await;
    let key = format!("flowroute:rl:{SIM_ACCESS_KEY}:sms");
    let ttl: i64 = inspect.pttl(&key).await.unwrap();
    assert!((0..=2_000).contains(&ttl), "{key} expires in {ttl} ms");
    let keys: Vec<String> = inspect.keys("*").await.unwrap();
    assert_eq!(keys, [key]);
    sim.shutdown().await;
}
