//! The baseline: what a careful user writes with `reqwest` alone. One client
//! with the credentials, `Accept` and user agent as default headers (encoded
//! once), bodies serialized from a `Serialize` struct, and answers decoded into
//! typed structs holding the same fields the SDK decodes, timestamps parsed
//! too: the same work on the same wire, without the SDK.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use reqwest::header::{self, HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};
use std::time::Duration;

const JSON_API: &str = "application/vnd.api+json";

/// The raw client: a base URL and a configured `reqwest::Client`.
#[derive(Clone)]
pub struct Raw {
    http: reqwest::Client,
    numbers_url: String,
    messages_url: String,
}

impl Raw {
    /// The same timeouts as the SDK's defaults: 10 s to connect, 30 s per request.
    pub fn new(base_url: &str, access_key: &str, secret_key: &str) -> Raw {
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("{access_key}:{secret_key}"));
        let mut authorization =
            HeaderValue::try_from(format!("Basic {token}")).expect("credentials are ASCII");
        authorization.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, authorization);
        headers.insert(header::ACCEPT, HeaderValue::from_static(JSON_API));
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent("raw-reqwest-bench/0")
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()
            .expect("a reqwest client");
        Raw {
            http,
            numbers_url: format!("{base_url}/v2/numbers"),
            messages_url: format!("{base_url}/v2.1/messages"),
        }
    }

    /// One page of ten account numbers.
    pub async fn list_numbers(&self) -> Result<NumberList, reqwest::Error> {
        let response = self
            .http
            .get(&self.numbers_url)
            .query(&[("limit", 10), ("offset", 0)])
            .send()
            .await?
            .error_for_status()?;
        decode(response).await
    }

    /// Sends one SMS; the new message's id.
    pub async fn send(&self, message: &NewMessage<'_>) -> Result<String, reqwest::Error> {
        let body = serde_json::to_vec(message).expect("a message serializes");
        let response = self
            .http
            .post(&self.messages_url)
            .header(header::CONTENT_TYPE, JSON_API)
            .body(body)
            .send()
            .await?
            .error_for_status()?;
        let accepted: Accepted = decode(response).await?;
        Ok(accepted.data.id)
    }

    /// One page of message detail records.
    pub async fn list_messages(
        &self,
        start: &str,
        offset: u32,
        limit: u32,
    ) -> Result<MdrList, reqwest::Error> {
        let response = self
            .http
            .get(&self.messages_url)
            .query(&[
                ("start_date", start),
                ("offset", &offset.to_string()),
                ("limit", &limit.to_string()),
            ])
            .send()
            .await?
            .error_for_status()?;
        decode(response).await
    }
}

/// Reads the body and decodes it; a body that does not decode is a bug of
/// the benchmark, not a figure.
async fn decode<T: serde::de::DeserializeOwned>(
    response: reqwest::Response,
) -> Result<T, reqwest::Error> {
    let body = response.bytes().await?;
    Ok(serde_json::from_slice(&body).expect("the canned answer decodes"))
}

/// The compact body of `send_a_message`.
#[derive(Serialize)]
pub struct NewMessage<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub body: &'a str,
}

#[derive(Deserialize)]
struct Accepted {
    data: Resource,
}

#[derive(Deserialize)]
pub struct Resource {
    pub id: String,
}

// The answers are decoded in full, as the SDK decodes them, so that both
// sides do the same work; the benchmark then reads only a few fields.
#[derive(Deserialize)]
#[allow(dead_code)]
pub struct NumberList {
    pub data: Vec<Number>,
    pub links: Option<Links>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Number {
    pub id: String,
    pub attributes: NumberAttributes,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct NumberAttributes {
    pub value: String,
    pub alias: Option<String>,
    pub rate_center: Option<String>,
    pub state: Option<String>,
    pub number_type: Option<String>,
    pub cnam_lookups_enabled: Option<bool>,
    pub messaging_enabled: Option<bool>,
    pub status: Option<String>,
    pub note: Option<String>,
    pub iso_country: Option<String>,
    pub rate_type: Option<String>,
    pub tier: Option<String>,
    pub monthly_cost: Option<f64>,
    pub setup_cost: Option<f64>,
    pub inbound_rate: Option<f64>,
}

#[derive(Deserialize)]
pub struct Links {
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct MdrList {
    pub data: Vec<Mdr>,
    pub links: Option<Links>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Mdr {
    pub id: String,
    pub attributes: MdrAttributes,
    pub relationships: Option<MdrRelationships>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct MdrRelationships {
    pub media: Option<MediaList>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct MediaList {
    pub data: Vec<Resource>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct MdrAttributes {
    pub body: Option<String>,
    pub status: Option<String>,
    pub direction: Option<String>,
    pub amount_nanodollars: Option<i64>,
    pub to: Option<String>,
    pub from: Option<String>,
    pub message_encoding: Option<i32>,
    pub timestamp: Option<DateTime<Utc>>,
    pub delivery_receipts: Vec<DeliveryReceipt>,
    pub amount_display: Option<String>,
    pub is_mms: Option<bool>,
    pub message_type: Option<String>,
    pub message_callback_url: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct DeliveryReceipt {
    pub status: Option<String>,
    pub status_code: Option<serde_json::Value>,
    pub status_code_description: Option<String>,
    pub timestamp: Option<DateTime<Utc>>,
    pub level: Option<i32>,
}
