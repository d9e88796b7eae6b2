//! A real `redis-server` for one test, the simulator's send log, and
//! receivers on loopback ports.

use flowroute::Client;
use flowroute::limits::PermitStore;
use flowroute::webhooks::{DedupeStore, Event, Receiver};
use flowroute_sim::{RequestRecord, SIM_ACCESS_KEY, SIM_SECRET_KEY, Simulator};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A `redis-server` process on a loopback port, killed by its PID when
/// dropped. It keeps nothing on disk.
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
}

impl RedisServer {
    /// Starts one on a free port and waits until it answers PING.
    pub fn start() -> RedisServer {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        RedisServer::start_on(port)
    }

    /// Starts one on `port` (again, after [`kill`](Self::kill)).
    pub fn start_on(port: u16) -> RedisServer {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start redis-server ({e}): install it (Debian/Ubuntu: \
                     apt-get install redis-server; macOS: brew install redis), \
                     or run `cargo xtask test-redis`, which checks"
                )
            });
        let server = RedisServer {
            child: Some(child),
            port,
        };
        let started = Instant::now();
        while !server.answers_ping() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not answer PING on port {port} within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn answers_ping(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
        let mut answer = [0; 7];
        stream.write_all(b"PING\r\n").is_ok()
            && stream.read_exact(&mut answer).is_ok()
            && &answer == b"+PONG\r\n"
    }

    /// SIGKILL, by PID: the server vanishes without closing anything
    /// politely.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// A connection of the test's own, to look at the keys.
    pub async fn inspect(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url())
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A client of the simulator's account taking its permits from `store`.
pub fn client(sim: &Simulator, store: impl PermitStore + 'static) -> Client {
    Client::builder()
        .credentials(SIM_ACCESS_KEY, SIM_SECRET_KEY)
        .base_url(sim.base_url())
        .permit_store(store)
        .build()
        .unwrap()
}

/// The account's first number, which may send.
pub async fn sender(client: &Client) -> flowroute::PhoneNumber {
    use flowroute::prelude::*;
    let mut numbers = client.numbers().list().items();
    numbers.try_next().await.unwrap().unwrap().number
}

/// The message sends the simulator saw.
pub fn sends(sim: &Simulator) -> Vec<RequestRecord> {
    sim.requests()
        .into_iter()
        .filter(|r| r.send_class.is_some())
        .collect()
}

/// The most accepted sends in any one-second window `(t - 1 s, t]`.
pub fn most_in_a_second(sends: &[RequestRecord]) -> usize {
    let accepted: Vec<u64> = sends
        .iter()
        .filter(|r| !r.throttled)
        .map(|r| r.received_ms)
        .collect();
    accepted
        .iter()
        .map(|t| {
            accepted
                .iter()
                .filter(|s| **s <= *t && *s + 1000 > *t)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// What the handlers of several receivers did, per message id.
#[derive(Default)]
pub struct Handled {
    calls: Mutex<HashMap<String, u32>>,
    /// Message ids whose first call fails.
    fail_first: Mutex<Vec<String>>,
}

impl Handled {
    pub fn fail_first(&self, id: &str) {
        self.fail_first.lock().unwrap().push(id.to_string());
    }

    /// How many times the handler was called for `id`.
    pub fn calls(&self, id: &str) -> u32 {
        self.calls.lock().unwrap().get(id).copied().unwrap_or(0)
    }

    pub fn total(&self) -> u32 {
        self.calls.lock().unwrap().values().sum()
    }

    /// A receiver whose handler counts, takes a moment (so that concurrent
    /// deliveries overlap), and fails where told.
    pub fn receiver(self: &Arc<Self>, store: impl DedupeStore + 'static) -> Receiver {
        let handled = self.clone();
        Receiver::new(move |event: Event| {
            let handled = handled.clone();
            async move {
                let id = event.message_id().to_string();
                let call = {
                    let mut calls = handled.calls.lock().unwrap();
                    let n = calls.entry(id.clone()).or_default();
                    *n += 1;
                    *n
                };
                tokio::time::sleep(Duration::from_millis(5)).await;
                if call == 1 && handled.fail_first.lock().unwrap().contains(&id) {
                    return Err("the database is down");
                }
                Ok(())
            }
        })
        .dedupe(store)
    }
}

/// Serves `receiver` on a loopback port; its URL.
pub async fn serve(receiver: Receiver) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(std::future::IntoFuture::into_future(
        receiver.serve(listener),
    ));
    url
}

/// POSTs `body` to `url`, as Flowroute does; the answer's status.
pub async fn deliver(http: &reqwest::Client, url: &str, body: &str) -> u16 {
    http.post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}
