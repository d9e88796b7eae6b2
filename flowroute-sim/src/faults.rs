//! Injected faults: the next N requests matching a method and path fail in a
//! chosen way, so clients can be tested against an unreliable network.

use std::time::Duration;

use serde_json::{Map, Value, json};

/// Where an injected connection drop happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropPoint {
    /// Close the connection as soon as the request head is read, without
    /// reading the body or touching any state.
    BeforeRequest,
    /// Read and apply the whole request, then close without answering: the
    /// client cannot tell whether it took effect (it did).
    AfterRequest,
}

/// The body sent with an injected error status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FaultBody {
    /// A JSON:API error document, like Flowroute's own errors.
    #[default]
    Json,
    /// An HTML page, like a proxy or load balancer in front of the API.
    Html,
    /// No body at all.
    Empty,
}

/// What happens to a matching request.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer this status (400–599) without applying the request.
    Status {
        /// The HTTP status.
        status: u16,
        /// What the body looks like.
        body: FaultBody,
    },
    /// Wait this long, then handle the request normally.
    Delay(Duration),
    /// Close the connection without an answer.
    Drop(DropPoint),
    /// Apply the request, then send its answer cut short: `Content-Length`
    /// announces the full body but the connection closes half-way.
    TruncatedBody,
    /// Apply the request, then answer its status with a body that is not valid JSON.
    MalformedBody,
    /// Answer 429 Too Many Requests with this `Retry-After` (seconds), without applying the request.
    RateLimit {
        /// Seconds for the `Retry-After` header.
        retry_after: u64,
    },
    /// Apply the request and answer normally, but label the body with this
    /// `Content-Type` (a proxy that relabels, `text/plain` for JSON…).
    ContentType(String),
}

/// A fault and the requests it applies to.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// HTTP method to match (any letter case); `None` matches every method.
    pub method: Option<String>,
    /// Path to match: exact (`/v2.1/messages`) or a template whose `{…}`
    /// segments match any one segment (`/v2/numbers/{id}`).
    pub path: String,
    /// How many matching requests the fault applies to (at least 1).
    pub count: u32,
    /// The fault.
    pub fault: Fault,
}

/// Longest injectable delay, so a typo cannot hang a test for hours.
const MAX_DELAY: Duration = Duration::from_secs(300);

/// The most rules pending at once: rules that never match would otherwise
/// pile up for the simulator's whole life.
pub const MAX_PENDING_FAULTS: usize = 1024;

/// The longest method, path or content type a rule may hold, for the same reason.
const MAX_RULE_TEXT: usize = 2048;

impl FaultRule {
    /// A rule for the next request to `path`, whatever its method.
    pub fn new(path: impl Into<String>, fault: Fault) -> Self {
        FaultRule {
            method: None,
            path: path.into(),
            count: 1,
            fault,
        }
    }

    /// Only requests with this method match.
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// The fault applies to this many matching requests.
    pub fn count(mut self, count: u32) -> Self {
        self.count = count;
        self
    }

    /// Checks the rule; the error says what is wrong.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if !self.path.starts_with('/') {
            return Err("path: must start with `/`".into());
        }
        if self.count < 1 {
            return Err("count: must be at least 1".into());
        }
        for (field, text) in [
            ("path", Some(self.path.as_str())),
            ("method", self.method.as_deref()),
        ] {
            if text.is_some_and(|t| t.len() > MAX_RULE_TEXT) {
                return Err(format!("{field}: at most {MAX_RULE_TEXT} bytes"));
            }
        }
        match &self.fault {
            Fault::Status { status, .. } if !(400..=599).contains(status) => {
                Err("fault.status: must be between 400 and 599".into())
            }
            Fault::Delay(d) if *d > MAX_DELAY => Err("fault.delay_ms: at most 300000".into()),
            Fault::ContentType(ct) if ct.len() > MAX_RULE_TEXT => {
                Err(format!("fault.content_type: at most {MAX_RULE_TEXT} bytes"))
            }
            _ => Ok(()),
        }
    }

    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        if let Some(m) = &self.method
            && !m.eq_ignore_ascii_case(method)
        {
            return false;
        }
        let pattern: Vec<&str> = self.path.trim_end_matches('/').split('/').collect();
        let actual: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        pattern.len() == actual.len()
            && pattern
                .iter()
                .zip(&actual)
                .all(|(p, a)| (p.starts_with('{') && p.ends_with('}') && !a.is_empty()) || p == a)
    }

    /// Reads the control plane's JSON form,
    /// `{"method":"POST","path":"/v2.1/messages","count":1,"fault":{…}}`.
    pub(crate) fn from_json(value: &Value) -> Result<Self, String> {
        let obj = value.as_object().ok_or("the body must be a JSON object")?;
        let path = obj
            .get("path")
            .and_then(Value::as_str)
            .ok_or("path: required string")?;
        let method = match obj.get("method") {
            None | Some(Value::Null) => None,
            Some(Value::String(m)) => Some(m.clone()),
            Some(_) => return Err("method: must be a string".into()),
        };
        let count = match obj.get("count") {
            None | Some(Value::Null) => 1,
            Some(c) => c
                .as_u64()
                .and_then(|c| u32::try_from(c).ok())
                .ok_or("count: must be a positive integer")?,
        };
        let fault = Fault::from_json(obj.get("fault").ok_or("fault: required object")?)?;
        let rule = FaultRule {
            method,
            path: path.to_string(),
            count,
            fault,
        };
        rule.validate()?;
        Ok(rule)
    }

    pub(crate) fn to_json(&self) -> Value {
        json!({"method": self.method, "path": self.path, "count": self.count, "fault": self.fault.to_json()})
    }
}

impl Fault {
    fn from_json(value: &Value) -> Result<Self, String> {
        let obj: &Map<String, Value> = value.as_object().ok_or("fault: must be an object")?;
        if let Some(status) = obj.get("status") {
            let status = status
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .ok_or("fault.status: must be an integer")?;
            let body = match obj.get("body").and_then(Value::as_str) {
                None | Some("json") => FaultBody::Json,
                Some("html") => FaultBody::Html,
                Some("empty") => FaultBody::Empty,
                Some(other) => {
                    return Err(format!("fault.body: `{other}` is not json, html or empty"));
                }
            };
            return Ok(Fault::Status { status, body });
        }
        if let Some(ms) = obj.get("delay_ms") {
            let ms = ms
                .as_u64()
                .ok_or("fault.delay_ms: must be a non-negative integer")?;
            return Ok(Fault::Delay(Duration::from_millis(ms)));
        }
        if let Some(point) = obj.get("drop") {
            return match point.as_str() {
                Some("before_request") => Ok(Fault::Drop(DropPoint::BeforeRequest)),
                Some("after_request") => Ok(Fault::Drop(DropPoint::AfterRequest)),
                _ => Err("fault.drop: must be before_request or after_request".into()),
            };
        }
        if obj.get("truncated_body") == Some(&Value::Bool(true)) {
            return Ok(Fault::TruncatedBody);
        }
        if obj.get("malformed_body") == Some(&Value::Bool(true)) {
            return Ok(Fault::MalformedBody);
        }
        if let Some(limit) = obj.get("rate_limit") {
            let retry_after = match limit.get("retry_after") {
                None => 1,
                Some(r) => r
                    .as_u64()
                    .ok_or("fault.rate_limit.retry_after: must be a non-negative integer")?,
            };
            return Ok(Fault::RateLimit { retry_after });
        }
        if let Some(content_type) = obj.get("content_type") {
            return match content_type.as_str() {
                Some(ct) if !ct.is_empty() && axum::http::HeaderValue::from_str(ct).is_ok() => {
                    Ok(Fault::ContentType(ct.to_string()))
                }
                _ => Err("fault.content_type: must be a non-empty header value".into()),
            };
        }
        Err("fault: expected one of status, delay_ms, drop, truncated_body, malformed_body, rate_limit, content_type".into())
    }

    fn to_json(&self) -> Value {
        match self {
            Fault::Status { status, body } => {
                let body = match body {
                    FaultBody::Json => "json",
                    FaultBody::Html => "html",
                    FaultBody::Empty => "empty",
                };
                json!({"status": status, "body": body})
            }
            Fault::Delay(d) => {
                json!({"delay_ms": u64::try_from(d.as_millis()).unwrap_or(u64::MAX)})
            }
            Fault::Drop(DropPoint::BeforeRequest) => json!({"drop": "before_request"}),
            Fault::Drop(DropPoint::AfterRequest) => json!({"drop": "after_request"}),
            Fault::TruncatedBody => json!({"truncated_body": true}),
            Fault::MalformedBody => json!({"malformed_body": true}),
            Fault::RateLimit { retry_after } => json!({"rate_limit": {"retry_after": retry_after}}),
            Fault::ContentType(ct) => json!({"content_type": ct}),
        }
    }

    /// The name recorded in the request log.
    pub(crate) fn label(&self) -> String {
        match self {
            Fault::Status { status, .. } => format!("status_{status}"),
            Fault::Delay(_) => "delay".into(),
            Fault::Drop(DropPoint::BeforeRequest) => "drop_before_request".into(),
            Fault::Drop(DropPoint::AfterRequest) => "drop_after_request".into(),
            Fault::TruncatedBody => "truncated_body".into(),
            Fault::MalformedBody => "malformed_body".into(),
            Fault::RateLimit { .. } => "rate_limit".into(),
            Fault::ContentType(_) => "content_type".into(),
        }
    }
}

/// Pending rules, each with the number of matches it still applies to.
#[derive(Debug, Default)]
pub(crate) struct FaultBook(Vec<FaultRule>);

impl FaultBook {
    /// Adds a rule unless [`MAX_PENDING_FAULTS`] are pending; the error says so.
    pub(crate) fn add(&mut self, rule: FaultRule) -> Result<(), String> {
        if self.0.len() >= MAX_PENDING_FAULTS {
            return Err(format!(
                "fault: {MAX_PENDING_FAULTS} rules are already pending; clear them (DELETE /__sim/faults) first"
            ));
        }
        self.0.push(rule);
        Ok(())
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    pub(crate) fn pending(&self) -> Vec<FaultRule> {
        self.0.clone()
    }

    /// The fault for this request, if a rule matches; uses up one of its count.
    pub(crate) fn take(&mut self, method: &str, path: &str) -> Option<Fault> {
        let index = self.0.iter().position(|r| r.matches(method, path))?;
        let rule = &mut self.0[index];
        let fault = rule.fault.clone();
        rule.count -= 1;
        if rule.count == 0 {
            self.0.remove(index);
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_one_segment() {
        let rule = FaultRule::new("/v2/numbers/{id}", Fault::TruncatedBody).method("get");
        assert!(rule.matches("GET", "/v2/numbers/12065550100"));
        assert!(!rule.matches("POST", "/v2/numbers/12065550100"));
        assert!(!rule.matches("GET", "/v2/numbers"));
        assert!(!rule.matches("GET", "/v2/numbers/1/relationships/e911s"));
    }

    #[test]
    fn json_round_trip_and_count() {
        let value = json!({"method":"POST","path":"/v2.1/messages","count":2,"fault":{"rate_limit":{"retry_after":2}}});
        let rule = FaultRule::from_json(&value).unwrap();
        assert_eq!(rule.to_json(), value);
        let mut book = FaultBook::default();
        book.add(rule).unwrap();
        assert!(book.take("POST", "/v2.1/messages").is_some());
        assert!(book.take("POST", "/v2.1/messages").is_some());
        assert!(book.take("POST", "/v2.1/messages").is_none());
        assert!(FaultRule::from_json(&json!({"path":"/x","fault":{"status":200}})).is_err());
        assert!(FaultRule::from_json(&json!({"path":"/x","fault":{"explode":true}})).is_err());
    }
}
