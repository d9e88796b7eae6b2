//! Shared by the wire tests: a loopback mock server and a client pointed at it,
//! plus the headers every Flowroute request must carry.
#![allow(dead_code)] // each test file uses its own subset

use flowroute::Client;
use flowroute::retry::Clock;
use httpmock::{Method, MockServer, When};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const ACCESS_KEY: &str = "acct";
pub const SECRET_KEY: &str = "s3cr3t";
/// `Basic base64("acct:s3cr3t")`.
pub const AUTHORIZATION: &str = "Basic YWNjdDpzM2NyM3Q=";
pub const USER_AGENT: &str = concat!("flowroute-rs/", env!("CARGO_PKG_VERSION"));
pub const JSON_API: &str = "application/vnd.api+json";

/// A client on a fresh mock server, with the default retry policy on a
/// [`FakeClock`] so that backoff waits take no time.
pub async fn setup() -> (MockServer, Client) {
    let server = MockServer::start_async().await;
    let client = Client::builder()
        .credentials(ACCESS_KEY, SECRET_KEY)
        .base_url(server.base_url())
        .clock(FakeClock::default())
        .build()
        .expect("loopback base URL is accepted");
    (server, client)
}

/// Time that moves only when slept on: sleeps return at once and are recorded.
#[derive(Clone)]
pub struct FakeClock {
    start: Instant,
    state: Arc<Mutex<(Duration, Vec<Duration>)>>,
}

impl Default for FakeClock {
    fn default() -> Self {
        FakeClock {
            start: Instant::now(),
            state: Arc::default(),
        }
    }
}

impl FakeClock {
    /// Every sleep so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.state.lock().unwrap().1.clone()
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Instant {
        self.start + self.state.lock().unwrap().0
    }

    fn sleep(&self, duration: Duration) -> flowroute::retry::BoxFuture<'static, ()> {
        let mut state = self.state.lock().unwrap();
        state.0 += duration;
        state.1.push(duration);
        Box::pin(std::future::ready(()))
    }
}

/// A request as Flowroute expects it: method, path, Basic auth, our user agent,
/// `Accept: application/vnd.api+json`, and no progenitor `api-version` header.
pub fn request(when: When, method: Method, path: &str) -> When {
    when.method(method)
        .path(path)
        .header("authorization", AUTHORIZATION)
        .header("user-agent", USER_AGENT)
        .header("accept", JSON_API)
        .header_missing("api-version")
}

/// A request with a JSON:API body: exactly `body`, labelled `application/vnd.api+json`.
pub fn request_with_body(when: When, method: Method, path: &str, body: Value) -> When {
    request(when, method, path)
        .header("content-type", JSON_API)
        .json_body(body)
}

/// Exactly `count` query parameters: with `query_param` matchers, the query is
/// then fully specified.
pub fn query_count(when: When, count: usize) -> When {
    when.query_param_count(".*", ".*", count)
}
