//! The official Python SDK v3 (`flowroute/flowroute-sdk-v3-python` at
//! `0822486`, with requests 2.31 and jsonpickle 0.7.1) as it puts each call
//! on the wire, recorded by running it against a listening server: its
//! `user-agent`, its per-method `accept` (or requests' default `*/*`), a
//! `content-type` only where the method sets one, JSON bodies re-serialized
//! by jsonpickle (keys sorted, `", "` and `": "` separators), form bodies for
//! two calls, `Content-Length: 0` on writes without a body, and
//! `Accept-Encoding: gzip, deflate`. The tests built on it drive the
//! simulator as that SDK does, without Python.
#![allow(dead_code)] // each test binary uses a different subset

use std::io::Read;

use flate2::read::GzDecoder;
use reqwest::Method;
use serde_json::Value;

use crate::common::{Answer, Api};

/// The SDK's global header, sent under the lower-case name `user-agent`.
pub const USER_AGENT: &str = "Flowroute SDK v3.0";

/// The `accept` header a method sets; [`ANY`] is requests' default.
pub const ACCEPT_JSON: &str = "application/json";
/// The JSON:API `accept` of the messaging, E911 and CDR-create methods.
pub const ACCEPT_JSON_API: &str = "application/vnd.api+json";
/// Methods that set no `accept`: requests sends `*/*`.
pub const ANY: &str = "*/*";

/// What follows the headers.
pub enum Body {
    /// No body: `Content-Length: 0` on a write, nothing on a GET.
    Empty,
    /// A JSON text, with the `content-type` the method sets (`None`: none at all).
    Json(Option<&'static str>, String),
    /// A form body, which requests labels `application/x-www-form-urlencoded`.
    Form(&'static str),
}

/// `json.dumps(value, sort_keys=True)`, as jsonpickle 0.7.1 writes a body:
/// keys sorted at every level, `", "` and `": "` between items. (The test
/// values are ASCII, so `ensure_ascii` changes nothing.)
pub fn py_dumps(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let items: Vec<String> = keys
                .iter()
                .map(|k| format!("{}: {}", Value::String((*k).clone()), py_dumps(&map[*k])))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(py_dumps).collect();
            format!("[{}]", items.join(", "))
        }
        scalar => scalar.to_string(),
    }
}

/// A JSON body as the SDK sends it.
pub fn json(content_type: Option<&'static str>, value: &Value) -> Body {
    Body::Json(content_type, py_dumps(value))
}

/// One call the way the SDK makes it. `path` carries the query, built as
/// the SDK builds it (its own parameter order, `None`s left out).
pub async fn call(api: &Api, method: Method, path: &str, accept: &str, body: Body) -> Answer {
    let write = method != Method::GET;
    let mut request = api
        .request(method, path)
        .header("user-agent", USER_AGENT)
        .header("accept-encoding", "gzip, deflate")
        .header("accept", accept);
    request = match body {
        Body::Empty if write => request.header("content-length", "0").body(""),
        Body::Empty => request,
        Body::Json(Some(content_type), text) => {
            request.header("content-type", content_type).body(text)
        }
        Body::Json(None, text) => request.body(text),
        Body::Form(text) => request
            .header("content-type", "application/x-www-form-urlencoded")
            .body(text),
    };
    read(request.send().await.expect("request sent")).await
}

/// The urllib GET of `download_cdr_export`: another client, no credentials.
pub async fn urllib_get(api: &Api, url: &str) -> (u16, Vec<u8>) {
    let response = api
        .http
        .get(url)
        .header("user-agent", "Python-urllib/3.11")
        .header("connection", "close")
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    (status, response.bytes().await.expect("body read").to_vec())
}

/// The answer as requests hands it to the SDK: gunzipped, then parsed as
/// JSON (Null for the empty body of a 204).
async fn read(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let mut bytes = response.bytes().await.expect("body read").to_vec();
    if headers.get("content-encoding").is_some_and(|v| v == "gzip") {
        let mut plain = Vec::new();
        GzDecoder::new(&bytes[..])
            .read_to_end(&mut plain)
            .expect("gzip body");
        bytes = plain;
    }
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

/// Asserts the status the SDK will take as success for this method, and
/// returns the answer's body.
#[track_caller]
pub fn ok(method: &str, answer: &Answer, status: u16) -> Value {
    assert_eq!(answer.status, status, "{method}: {:#}", answer.body);
    answer.body.clone()
}
