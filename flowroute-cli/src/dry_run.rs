//! `--dry-run`: the command runs as usual, but its client points at a
//! listener inside this process that records each request and refuses it.
//! What is printed is therefore exactly what the SDK would have sent (its
//! method, path, query and body, checked by the SDK as usual), and nothing
//! leaves the machine. The recording client holds placeholder keys: the real
//! secret is never in the request to print.

use crate::exit::CliError;
use crate::output::{Format, Output};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::IntoResponse;
use flowroute::Client;
use flowroute::limits::RateLimits;
use flowroute::retry::RetryPolicy;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// Requests printed in full; a bulk send shows these and counts the rest.
const SHOWN: usize = 3;

/// The requests one would send, as printed.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    pub method: String,
    pub url: String,
    pub headers: BTreeMap<String, String>,
    pub body: Option<Value>,
}

type Seen = Arc<Mutex<Vec<Request>>>;

/// The recording listener; it stops when dropped.
pub struct Recorder {
    url: String,
    seen: Seen,
    _stop: oneshot::Sender<()>,
}

impl Recorder {
    /// Listens on a free loopback port. `real_base` is where the requests
    /// would have gone; the printed URLs start with it.
    pub async fn start(real_base: &str) -> Result<Recorder, CliError> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let seen = Seen::default();
        let app = Router::new()
            .fallback(record)
            .with_state((seen.clone(), real_base.trim_end_matches('/').to_string()));
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                stopped.await.ok();
            });
            // Nothing to report: a failed recorder shows as an empty dry run.
            let _ = serve.await;
        });
        Ok(Recorder {
            url,
            seen,
            _stop: stop,
        })
    }

    /// A client sending to the recorder: placeholder keys, no retries (the
    /// refusal is final) and no pacing (nothing reaches Flowroute).
    pub fn client(&self) -> Result<Client, CliError> {
        Ok(Client::builder()
            .credentials("dry-run", "dry-run")
            .base_url(&self.url)
            .retry_policy(RetryPolicy::none())
            .rate_limits(RateLimits::off())
            .user_agent(crate::USER_AGENT)
            .build()?)
    }

    /// The requests recorded so far.
    pub fn requests(&self) -> Vec<Request> {
        self.seen
            .lock()
            .map(|seen| seen.clone())
            .unwrap_or_default()
    }
}

async fn record(
    State((seen, base)): State<(Seen, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let shown = [header::CONTENT_TYPE, header::ACCEPT];
    let mut kept = BTreeMap::from([("Authorization".to_string(), "Basic <redacted>".to_string())]);
    for name in shown {
        if let Some(value) = headers.get(&name).and_then(|v| v.to_str().ok()) {
            kept.insert(title_case(name.as_str()), value.to_string());
        }
    }
    let body = (!body.is_empty()).then(|| {
        serde_json::from_slice(&body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()))
    });
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    if let Ok(mut seen) = seen.lock() {
        seen.push(Request {
            method: method.to_string(),
            url: format!("{base}{path}"),
            headers: kept,
            body,
        });
    }
    // A refusal the SDK never retries, so that the command stops here.
    let refusal =
        json!({"errors": [{"status": "400", "title": "Dry run", "detail": "recorded, not sent"}]});
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "application/vnd.api+json")],
        refusal.to_string(),
    )
}

fn title_case(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Prints the recorded requests: as HTTP for a table, else one document.
pub fn print(output: &Output, requests: &[Request]) -> Result<(), CliError> {
    if output.format() != Format::Table {
        return output.one(&json!({"dry_run": true, "requests": requests}));
    }
    let mut out = std::io::stdout().lock();
    for (i, request) in requests.iter().take(SHOWN).enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{} {}", request.method, request.url)?;
        for (name, value) in &request.headers {
            writeln!(out, "{name}: {value}")?;
        }
        if let Some(body) = &request.body {
            let text = serde_json::to_string_pretty(body).map_err(std::io::Error::from)?;
            writeln!(out, "\n{text}")?;
        }
    }
    if requests.len() > SHOWN {
        writeln!(out, "\n… and {} more like these", requests.len() - SHOWN)?;
    }
    eprintln!("dry run: nothing was sent");
    Ok(())
}
