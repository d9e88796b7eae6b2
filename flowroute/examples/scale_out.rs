//! Running many instances (feature `redis`): three instances of a service,
//! here three clients and three webhook receivers in one process, share one
//! Redis, so that together they keep to the access key's rate limits and
//! handle each webhook once.
//!
//! ```sh
//! redis-server --port 6379 --save '' --appendonly no &   # or any Redis 5+
//! cargo run -p flowroute --example scale_out --features redis,receiver
//! ```
//!
//! It talks to Redis at `REDIS_URL` (default `redis://127.0.0.1:6379`), under
//! a key prefix of its own, and to a simulator started in-process, which
//! enforces Flowroute's documented 5 SMS a second.

use flowroute::prelude::*;
use flowroute::redis::{RedisDedupe, RedisPermits};
use flowroute::webhooks::{Event, Receiver, fixtures};
use flowroute_sim::{SIM_ACCESS_KEY, SIM_SECRET_KEY, Simulator};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const INSTANCES: u32 = 3;
const EACH: usize = 8;

#[tokio::main]
async fn main() -> ExitCode {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    if let Err(why) = ping(&url).await {
        eprintln!(
            "✗ no Redis at {} ({why}).\n  Start one (`redis-server --port 6379 --save '' \
             --appendonly no`, or any Redis 5 or later) or set REDIS_URL.",
            shown(&url)
        );
        return ExitCode::FAILURE;
    }
    match run(&url).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("✗ {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(url: &str) -> Result<(), Box<dyn std::error::Error>> {
    // A prefix of this run's own: the example leaves everything else alone,
    // and its keys expire by themselves.
    let prefix = format!("flowroute-example:{}:", std::process::id());
    let sim = Simulator::start().await?;

    // The rate limit: each instance its own client and store, one timeline.
    let mut clients = Vec::new();
    for _ in 0..INSTANCES {
        // When Redis is out of reach, each sends at a third of the limit.
        let permits = RedisPermits::new(url, INSTANCES)?.prefix(&prefix);
        clients.push(
            Client::builder()
                .credentials(SIM_ACCESS_KEY, SIM_SECRET_KEY)
                .base_url(sim.base_url())
                .permit_store(permits)
                .build()?,
        );
    }
    // The account's first number sends.
    let from = clients[0].numbers().list().items().try_next().await?;
    let from = from.ok_or("the account has no number")?.number;
    let started = Instant::now();
    let sends = clients.iter().enumerate().map(|(i, client)| {
        let messages: Vec<Message> = (0..EACH)
            .map(|n| Message::sms(&from, format!("12065550{i}{n:02}"), "Hi!"))
            .collect();
        client.messages().send_all(messages).collect::<Vec<_>>()
    });
    let outcomes = futures_util::future::join_all(sends).await;
    let failed = outcomes
        .iter()
        .flatten()
        .filter(|o| o.result.is_err())
        .count();
    let throttled = sim.requests().iter().filter(|r| r.throttled).count();
    println!(
        "✓ {INSTANCES} instances sent {} SMS in {:.1} s, {failed} failed, {throttled} refused \
         with 429 (5 a second for all of them together)",
        INSTANCES as usize * EACH,
        started.elapsed().as_secs_f64()
    );

    // The dedupe: the same event reaches all three instances at once, as
    // Flowroute's resends can through a load balancer.
    let handled = Arc::new(AtomicUsize::new(0));
    let mut urls = Vec::new();
    for _ in 0..INSTANCES {
        let count = handled.clone();
        let receiver = Receiver::new(move |event: Event| {
            count.fetch_add(1, Ordering::SeqCst);
            async move {
                // Pretend to store it somewhere.
                tokio::time::sleep(Duration::from_millis(20)).await;
                println!("  handled {}", event.message_id());
                Ok::<(), String>(())
            }
        })
        .dedupe(RedisDedupe::new(url)?.prefix(&prefix));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        urls.push(format!("http://{}", listener.local_addr()?));
        tokio::spawn(std::future::IntoFuture::into_future(
            receiver.serve(listener),
        ));
    }
    let http = reqwest::Client::new();
    let body = fixtures::inbound_sms("12065550100", from.as_str(), "Hello").to_string();
    let deliveries = urls.iter().map(|u| {
        http.post(u)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
    });
    let answers: Vec<u16> = futures_util::future::join_all(deliveries)
        .await
        .into_iter()
        .map(|a| a.map_or(0, |a| a.status().as_u16()))
        .collect();
    println!(
        "✓ one event delivered to {INSTANCES} instances at once: answered {answers:?}, \
         handled {} time(s) (503 asks Flowroute to resend later; by then it is a repeat)",
        handled.load(Ordering::SeqCst)
    );
    sim.shutdown().await;
    Ok(())
}

/// Whether Redis answers, within a second.
async fn ping(url: &str) -> Result<(), String> {
    let client = redis::Client::open(url).map_err(|e| e.category().to_string())?;
    let ping = async {
        let mut connection = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await
    };
    match tokio::time::timeout(Duration::from_secs(1), ping).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e.category().to_string()),
        Err(_) => Err("no answer within 1 s".into()),
    }
}

/// The URL without its user and password.
fn shown(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Err(_) => "REDIS_URL (not a URL)".into(),
    }
}
