//! Shared test helpers: a started simulator with an HTTP client, and a tiny
//! webhook receiver.
#![allow(dead_code)] // each test binary uses a different subset

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use flowroute_sim::Simulator;
use reqwest::header::HeaderMap as ReqHeaders;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub const JSON_API: &str = "application/vnd.api+json";

/// A simulator plus an authenticated client.
pub struct Api {
    pub sim: Simulator,
    pub http: reqwest::Client,
}

/// One answer: status, headers and the body parsed as JSON (Null when empty).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: ReqHeaders,
    pub body: Value,
}

impl Answer {
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts a JSON:API error document with this status, and returns its detail.
    pub fn error(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{:#}", self.body);
        assert_eq!(self.content_type(), JSON_API);
        let error = &self.body["errors"][0];
        assert_eq!(error["status"], status);
        let id = error["id"].as_str().expect("error id");
        assert_eq!(id.len(), 36, "uuid-like id: {id}");
        assert!(error["title"].is_string());
        error["detail"].clone()
    }

    /// Asserts a 422 whose detail names `field`.
    pub fn invalid(&self, field: &str) {
        let detail = self.error(422);
        let text = detail.to_string();
        assert!(text.contains(field), "detail {text} should name {field}");
    }

    /// Decodes the body into a generated spec type, proving the shape.
    pub fn decode<T: DeserializeOwned>(&self) -> T {
        serde_json::from_value(self.body.clone())
            .unwrap_or_else(|e| panic!("answer does not fit the spec type: {e}\n{:#}", self.body))
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

impl Api {
    pub async fn start() -> Api {
        Self::with(Simulator::builder()).await
    }

    pub async fn with(builder: flowroute_sim::SimulatorBuilder) -> Api {
        let sim = builder
            .dlr_delay(Duration::from_millis(5))
            .callback_retry_interval(Duration::from_millis(20))
            .start()
            .await
            .expect("simulator starts");
        Api {
            sim,
            http: client(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.base_url())
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .basic_auth(self.sim.access_key(), Some(self.sim.secret_key()))
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body read");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(self.request(reqwest::Method::DELETE, path)).await
    }

    /// A method with a JSON:API body.
    pub async fn json(&self, method: reqwest::Method, path: &str, body: Value) -> Answer {
        let request = self
            .request(method, path)
            .header("content-type", JSON_API)
            .body(body.to_string());
        self.send(request).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.json(reqwest::Method::POST, path, body).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.json(reqwest::Method::PATCH, path, body).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.json(reqwest::Method::PUT, path, body).await
    }

    /// A request without a body.
    pub async fn bare(&self, method: reqwest::Method, path: &str) -> Answer {
        self.send(self.request(method, path)).await
    }

    /// The control plane (no auth).
    pub async fn control(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self.http.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    /// The numbers on the account, as strings.
    pub async fn account_numbers(&self) -> Vec<String> {
        let answer = self.get("/v2/numbers?limit=200").await;
        answer.body["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|n| n["id"].as_str().expect("id").to_string())
            .collect()
    }

    /// Buys the first inventory number matching `query` and returns it.
    pub async fn buy(&self, query: &str) -> String {
        let found = self
            .get(&format!("/v2/numbers/available?{query}&limit=1"))
            .await;
        let number = found.body["data"][0]["id"]
            .as_str()
            .expect("a number to buy")
            .to_string();
        let bought = self
            .bare(reqwest::Method::POST, &format!("/v2/numbers/{number}"))
            .await;
        assert_eq!(bought.status, 201, "{:#}", bought.body);
        number
    }

    /// Polls until `check` holds (at most ~2 s).
    pub async fn eventually<F, Fut>(&self, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        for _ in 0..200 {
            if check().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("condition not reached in time");
    }
}

/// A webhook receiver on 127.0.0.1:0 that answers `fail_first` POSTs with
/// 500 and 200 afterwards, recording every body it gets.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    pub hits: Arc<Mutex<Vec<(HeaderMap, Value)>>>,
}

#[derive(Clone)]
struct ReceiverState {
    hits: Arc<Mutex<Vec<(HeaderMap, Value)>>>,
    fail_first: usize,
}

async fn receive(
    State(state): State<ReceiverState>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut hits = state.hits.lock().expect("hits");
    hits.push((headers, value));
    if hits.len() <= state.fail_first {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

impl Receiver {
    pub async fn start(fail_first: usize) -> Receiver {
        let hits = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route("/hook", post(receive))
            .with_state(ReceiverState {
                hits: hits.clone(),
                fail_first,
            });
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("bind receiver");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("receiver serves");
        });
        Receiver {
            url: format!("http://{addr}/hook"),
            hits,
        }
    }

    pub fn bodies(&self) -> Vec<Value> {
        self.hits
            .lock()
            .expect("hits")
            .iter()
            .map(|(_, b)| b.clone())
            .collect()
    }

    pub fn count(&self) -> usize {
        self.hits.lock().expect("hits").len()
    }
}
