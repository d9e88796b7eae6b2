//! The one error type of the crate, and how every failure of the generated client
//! becomes one.

use crate::retry::{self, Failure};
use reqwest::StatusCode;
use serde_json::Value;
use std::{fmt, time::Duration};

/// Which of the client's time limits ended a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeLimit {
    /// Opening the connection
    /// ([`ClientBuilder::connect_timeout`](crate::ClientBuilder::connect_timeout)).
    /// The request never left, so nothing was done.
    Connect,
    /// One attempt, from sending to the last byte of the answer
    /// ([`ClientBuilder::request_timeout`](crate::ClientBuilder::request_timeout));
    /// for a CDR download, the longest silence between two pieces of the file.
    Request,
    /// The whole call, retries and waits included
    /// ([`ClientBuilder::deadline`](crate::ClientBuilder::deadline)).
    Deadline,
}

impl fmt::Display for TimeLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeLimit::Connect => "connect timeout",
            TimeLimit::Request => "request timeout",
            TimeLimit::Deadline => "deadline",
        })
    }
}

/// The innermost cause of an error: reqwest's own message ("error sending
/// request") says nothing a user can act on, its root ("connection refused",
/// "dns error", "invalid peer certificate") does.
fn root_cause(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// Everything that can go wrong, from a rejected phone number to a 503.
///
/// `Debug` shows what `Display` does, followed by the chain of causes, so that
/// `fn main() -> Result<(), flowroute::Error>` prints a sentence; `{:#?}`
/// shows the fields.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Flowroute answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The request could not be sent, or the connection broke while reading the answer.
    #[error("could not reach {} for {operation}: {}", host.as_deref().unwrap_or("Flowroute"), root_cause(source))]
    Transport {
        /// The operation (`operationId`) being called.
        operation: &'static str,
        /// The host that was tried (never the path or query, which can hold
        /// phone numbers or signatures).
        host: Option<String>,
        /// What reqwest reported; its innermost cause is in the message.
        #[source]
        source: reqwest::Error,
    },
    /// A time limit ran out before the answer was complete.
    #[error("{operation} timed out: the {limit} of {configured:?} ran out")]
    Timeout {
        /// The operation (`operationId`) being called.
        operation: &'static str,
        /// Which limit fired.
        limit: TimeLimit,
        /// That limit's configured value.
        configured: Duration,
    },
    /// The server answered with a redirect. Flowroute documents none, and
    /// following one would send the request (a message, a purchase) again to
    /// wherever the `Location` points, so API calls never follow them.
    #[error("{operation} was answered with a redirect ({status}) to {}; API calls follow no redirects", location_host.as_deref().unwrap_or("an unnamed location"))]
    Redirect {
        /// The operation (`operationId`) being called.
        operation: &'static str,
        /// The 3xx status.
        status: StatusCode,
        /// The host the `Location` header named (never its path or query),
        /// `None` when it named none or was relative.
        location_host: Option<String>,
    },
    /// The answer was larger than the client's limit
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    #[error("Flowroute's answer to {operation} is larger than the limit of {limit} bytes")]
    ResponseTooLarge {
        /// The operation (`operationId`) being called.
        operation: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// [`ListRequest::all`](crate::pagination::ListRequest::all) was about to
    /// hold more than its cap of items in memory.
    #[error(
        "{operation} has more than {cap} items, the cap of `all()`; stream them with `items()`, or set `max_items(..)` to collect more"
    )]
    TooManyItems {
        /// The list operation (`operationId`).
        operation: &'static str,
        /// The cap that was reached.
        cap: usize,
    },
    /// Flowroute answered with a success status, but not with the documented shape.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// An argument was rejected before any request was sent.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The argument or field at fault.
        field: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// The client could not be built as configured.
    #[error("invalid configuration: {reason}")]
    Config {
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// Flowroute's answers broke an invariant the SDK relies on, such as a
    /// pagination that does not move forward.
    #[error("unexpected behaviour from Flowroute in {operation}: {reason}")]
    Protocol {
        /// The operation (`operationId`) being called.
        operation: &'static str,
        /// What was seen.
        reason: String,
    },
}

impl Error {
    pub(crate) fn invalid_input(field: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field,
            reason: reason.into(),
        }
    }

    pub(crate) fn config(reason: impl Into<String>) -> Self {
        Error::Config {
            reason: reason.into(),
        }
    }

    /// The HTTP status Flowroute answered with, for [`Error::Api`].
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            _ => None,
        }
    }

    /// The API error, when Flowroute answered with an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the failure may go away by itself: connection failures,
    /// timeouts, 429 and 502/503/504. Validation errors never do.
    ///
    /// This says nothing about whether sending the request again is *safe*:
    /// a send that timed out may have reached Flowroute. Ask
    /// [`is_safe_to_retry`](Self::is_safe_to_retry) before repeating a call.
    pub fn is_transient(&self) -> bool {
        self.failure().is_some_and(retry::transient)
    }

    /// Whether the call may be sent again without risk of doing it twice:
    /// the failure is [transient](Self::is_transient), and either the
    /// operation has the same effect however often it runs (reads, setting a
    /// route or a callback URL), or the request certainly did nothing (the
    /// connection never opened, or Flowroute refused it with 429).
    ///
    /// A `send_a_message` that timed out or got a 503 is **not** safe: the
    /// message may have gone out. See [`retry`](crate::retry) for the classes.
    pub fn is_safe_to_retry(&self) -> bool {
        let Some(failure) = self.failure() else {
            return false;
        };
        retry::transient(failure)
            && retry::safe_to_repeat(retry::class_of(self.operation()), failure)
    }

    /// The operation (`operationId`) the error happened in, when a request was
    /// involved.
    pub fn operation(&self) -> &'static str {
        match self {
            Error::Api(e) => e.operation,
            Error::Decode(e) => e.operation,
            Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Redirect { operation, .. }
            | Error::ResponseTooLarge { operation, .. }
            | Error::TooManyItems { operation, .. }
            | Error::Protocol { operation, .. } => operation,
            Error::InvalidInput { .. } | Error::Config { .. } => "",
        }
    }

    /// What this error says of the attempt, for the retry rules.
    fn failure(&self) -> Option<Failure> {
        match self {
            Error::Api(e) => Some(Failure::Status(e.status.as_u16())),
            Error::Transport { source, .. } if source.is_connect() => Some(Failure::Connect),
            // A body cut short is as transient as a dropped connection.
            Error::Transport { source, .. }
                if source.is_timeout()
                    || source.is_request()
                    || source.is_body()
                    || source.is_decode() =>
            {
                Some(Failure::Lost)
            }
            Error::Timeout {
                limit: TimeLimit::Connect,
                ..
            } => Some(Failure::Connect),
            Error::Timeout { .. } => Some(Failure::Lost),
            _ => None,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            return self.fields(f);
        }
        write!(f, "{self}")?;
        let mut cause = std::error::Error::source(self);
        if cause.is_some() {
            f.write_str("\n\nCaused by:")?;
        }
        let mut n = 0;
        while let Some(c) = cause {
            write!(f, "\n    {n}: {c}")?;
            n += 1;
            cause = c.source();
        }
        Ok(())
    }
}

impl Error {
    fn fields(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => f.debug_tuple("Api").field(e).finish(),
            Error::Decode(e) => f.debug_tuple("Decode").field(e).finish(),
            Error::Transport {
                operation,
                host,
                source,
            } => f
                .debug_struct("Transport")
                .field("operation", operation)
                .field("host", host)
                .field("source", source)
                .finish(),
            Error::Timeout {
                operation,
                limit,
                configured,
            } => f
                .debug_struct("Timeout")
                .field("operation", operation)
                .field("limit", limit)
                .field("configured", configured)
                .finish(),
            Error::Redirect {
                operation,
                status,
                location_host,
            } => f
                .debug_struct("Redirect")
                .field("operation", operation)
                .field("status", status)
                .field("location_host", location_host)
                .finish(),
            Error::ResponseTooLarge { operation, limit } => f
                .debug_struct("ResponseTooLarge")
                .field("operation", operation)
                .field("limit", limit)
                .finish(),
            Error::TooManyItems { operation, cap } => f
                .debug_struct("TooManyItems")
                .field("operation", operation)
                .field("cap", cap)
                .finish(),
            Error::InvalidInput { field, reason } => f
                .debug_struct("InvalidInput")
                .field("field", field)
                .field("reason", reason)
                .finish(),
            Error::Config { reason } => f.debug_struct("Config").field("reason", reason).finish(),
            Error::Protocol { operation, reason } => f
                .debug_struct("Protocol")
                .field("operation", operation)
                .field("reason", reason)
                .finish(),
        }
    }
}

/// An error answer from Flowroute.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation (`operationId`) that was called.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The JSON:API `errors` array, empty when the body was not one.
    pub errors: Vec<ApiErrorDetail>,
    /// An id to give Flowroute support: the `X-Request-Id` header, else the first error's `id`.
    pub request_id: Option<String>,
    /// How long the server asked to wait before retrying (`Retry-After`).
    pub retry_after: Option<Duration>,
    /// The start of the body when it was not a JSON:API error document (an HTML
    /// page from a proxy, say); `None` for an empty body.
    pub body_excerpt: Option<String>,
}

impl ApiError {
    /// The error for an answer with an error status, from anyone (Flowroute,
    /// or the storage host of a CDR file): its JSON:API `errors` when the body
    /// is such a document, otherwise an excerpt of the body as received. The
    /// request id falls back to the first error's `id`.
    pub(crate) fn from_answer(
        operation: &'static str,
        status: StatusCode,
        body: &[u8],
        request_id: Option<String>,
        retry_after: Option<Duration>,
    ) -> Error {
        let parsed = parse_error_document(body);
        let body_excerpt = match &parsed {
            None if !body.is_empty() => Some(excerpt(body)),
            _ => None,
        };
        let errors = parsed.unwrap_or_default();
        let request_id = request_id.or_else(|| errors.iter().find_map(|e| e.id.clone()));
        Error::Api(Box::new(ApiError {
            operation,
            status,
            errors,
            request_id,
            retry_after,
            body_excerpt,
        }))
    }
}

/// One entry of a JSON:API `errors` array.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ApiErrorDetail {
    /// A unique id of this occurrence.
    pub id: Option<String>,
    /// The HTTP status, as the server repeated it in the body.
    pub status: Option<u16>,
    /// A short summary.
    pub title: Option<String>,
    /// The explanation.
    pub detail: Option<ErrorDetail>,
}

/// `detail` is usually a sentence, but validation errors send an object of
/// field errors such as `{"data":{"attributes":{"zip":["…"]}}}`.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorDetail {
    /// A sentence.
    Text(String),
    /// Structured field errors, as sent.
    Fields(Value),
}

impl ErrorDetail {
    /// Field errors flattened to `(field path, message)` pairs, such as
    /// `("zip", "ZIP code must be at least 4 and at most 7 digits long")`.
    /// The `data.attributes` envelope is left out of the path.
    pub fn field_messages(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let ErrorDetail::Fields(v) = self {
            flatten_fields(v, String::new(), &mut out);
        }
        out
    }
}

fn flatten_fields(v: &Value, at: String, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let path = match (at.as_str(), k.as_str()) {
                    ("", "data") | ("", "attributes") => String::new(),
                    ("", _) => k.clone(),
                    _ => format!("{at}.{k}"),
                };
                flatten_fields(child, path, out);
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|i| flatten_fields(i, at.clone(), out)),
        Value::String(s) => out.push((at, s.clone())),
        Value::Null => {}
        other => out.push((at, other.to_string())),
    }
}

impl fmt::Display for ErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorDetail::Text(s) => f.write_str(s),
            ErrorDetail::Fields(v) => {
                let fields = self.field_messages();
                if fields.is_empty() {
                    return write!(f, "{v}");
                }
                let parts: Vec<String> = fields
                    .into_iter()
                    .map(|(k, m)| if k.is_empty() { m } else { format!("{k}: {m}") })
                    .collect();
                f.write_str(&parts.join("; "))
            }
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Flowroute answered {} to {}",
            self.status, self.operation
        )?;
        let said: Vec<String> = self
            .errors
            .iter()
            .filter_map(|e| {
                let detail = e
                    .detail
                    .as_ref()
                    .map(ToString::to_string)
                    .filter(|d| !d.is_empty());
                match (e.title.as_deref().filter(|t| !t.is_empty()), detail) {
                    (Some(t), Some(d)) => Some(format!("{t}: {d}")),
                    (None, Some(d)) => Some(d),
                    (Some(t), None) => Some(t.to_string()),
                    (None, None) => None,
                }
            })
            .collect();
        if !said.is_empty() {
            write!(f, ": {}", said.join("; "))?;
        } else if let Some(body) = &self.body_excerpt {
            write!(f, " with a body that is not a JSON:API error: {body:?}")?;
        } else if self.errors.is_empty() {
            f.write_str(" with an empty body")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {}s)", wait.as_secs())?;
        }
        Ok(())
    }
}

/// A success answer whose body did not have the documented shape.
///
/// Errors end up in logs, and a body can be a message record (its text, its
/// phone numbers). So by default the message and excerpt have every digit
/// replaced by `#` and the text of every JSON string value by `*` (keys and
/// structure stay readable); [`ClientBuilder::reveal_bodies_in_errors`]
/// shows them as received, for debugging.
///
/// [`ClientBuilder::reveal_bodies_in_errors`]: crate::ClientBuilder::reveal_bodies_in_errors
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DecodeError {
    /// The operation (`operationId`) that was called.
    pub operation: &'static str,
    /// Where in the JSON document decoding failed, such as `data[3].attributes.value`.
    pub path: String,
    /// What serde reported (masked unless revealed).
    pub message: String,
    /// The body's length in bytes.
    pub body_len: usize,
    /// The start of the body (masked unless revealed).
    pub excerpt: String,
    /// Whether `message` and `excerpt` are shown as received.
    pub revealed: bool,
}

impl DecodeError {
    /// `message` is the caller's to mask: serde quotes the value it could
    /// not read, the SDK's own messages do not.
    pub(crate) fn error(
        operation: &'static str,
        path: String,
        message: String,
        body: &[u8],
        reveal: bool,
    ) -> Error {
        let excerpt = if reveal {
            excerpt(body)
        } else {
            excerpt(mask_json(body).as_bytes())
        };
        Error::Decode(Box::new(DecodeError {
            operation,
            path,
            message,
            body_len: body.len(),
            excerpt,
            revealed: reveal,
        }))
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode Flowroute's answer to {} at `{}`: {}; the body ({} bytes) starts with {:?}",
            self.operation, self.path, self.message, self.body_len, self.excerpt
        )?;
        if !self.revealed {
            f.write_str(" (digits and text masked)")?;
        }
        Ok(())
    }
}

const EXCERPT_CHARS: usize = 200;

pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut s: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().nth(EXCERPT_CHARS).is_some() {
        s.push('…');
    }
    s
}

/// A JSON body with digits as `#` and string values as `*`, keys kept: the
/// shape of a document without its content. Reads only as far as an excerpt
/// shows, and copes with text that is not JSON.
fn mask_json(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_CHARS * 4 + 4)]);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '"' {
            out.push(if c.is_ascii_digit() { '#' } else { c });
            i += 1;
            continue;
        }
        // A string: find its end, then whether a `:` makes it a key.
        let mut end = i + 1;
        while end < chars.len() && chars[end] != '"' {
            end += if chars[end] == '\\' { 2 } else { 1 };
        }
        let end = end.min(chars.len());
        let is_key = chars[end..]
            .iter()
            .skip(1)
            .find(|c| !c.is_whitespace())
            .is_some_and(|c| *c == ':');
        out.push('"');
        for &c in &chars[i + 1..end] {
            out.push(if is_key { c } else { mask_char(c) });
        }
        if end < chars.len() {
            out.push('"');
        }
        i = end + 1;
    }
    out
}

/// A message with digits as `#` and quoted text as `*`: serde quotes the
/// value it could not read (`invalid type: string "…"`).
pub(crate) fn mask_text(message: &str) -> String {
    let mut quoted = false;
    message
        .chars()
        .map(|c| match c {
            '"' => {
                quoted = !quoted;
                c
            }
            _ if quoted => mask_char(c),
            _ if c.is_ascii_digit() => '#',
            _ => c,
        })
        .collect()
}

fn mask_char(c: char) -> char {
    match c {
        '0'..='9' => '#',
        c if c.is_whitespace() => c,
        _ => '*',
    }
}

/// Reads a JSON:API error document leniently: ids may be numbers, statuses
/// strings, `detail` an object, and anything may be missing.
pub(crate) fn parse_error_document(body: &[u8]) -> Option<Vec<ApiErrorDetail>> {
    let doc: Value = serde_json::from_slice(body).ok()?;
    let errors = doc.get("errors")?.as_array()?;
    Some(errors.iter().map(parse_error_object).collect())
}

fn parse_error_object(v: &Value) -> ApiErrorDetail {
    let text = |k: &str| match v.get(k) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    ApiErrorDetail {
        id: text("id"),
        status: match v.get("status") {
            Some(Value::Number(n)) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
            Some(Value::String(s)) => s.parse().ok(),
            _ => None,
        },
        title: text("title"),
        detail: match v.get("detail") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(ErrorDetail::Text(s.clone())),
            Some(other) => Some(ErrorDetail::Fields(other.clone())),
        },
    }
}

/// An answer's `Retry-After` header, read against the wall-clock time `now`.
pub(crate) fn retry_after_header(
    headers: &reqwest::header::HeaderMap,
    now: std::time::SystemTime,
) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, now))
}

/// `Retry-After` as delay-seconds or an HTTP date, relative to `now`.
pub(crate) fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = std::time::SystemTime::UNIX_EPOCH
        .checked_add(Duration::from_secs(u64::try_from(at.timestamp()).ok()?))?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(errors: Vec<ApiErrorDetail>) -> ApiError {
        ApiError {
            operation: "validate_e911_address",
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            request_id: None,
            retry_after: None,
            body_excerpt: None,
        }
    }

    #[test]
    fn object_details_read_as_field_messages() {
        let body = br#"{"errors":[{"detail":{"data":{"attributes":{"zip":["ZIP code must be at least 4 and at most 7 digits long"]}}},"id":"15eb464e","status":422}]}"#;
        let errors = parse_error_document(body).unwrap();
        assert_eq!(errors[0].status, Some(422));
        let shown = api(errors).to_string();
        assert_eq!(
            shown,
            "Flowroute answered 422 Unprocessable Entity to validate_e911_address: zip: ZIP code must be at least 4 and at most 7 digits long"
        );
    }

    #[test]
    fn display_includes_title_and_detail() {
        let errors = parse_error_document(br#"{"errors":[{"detail":"Authentication failed.","id":"7fc8","status":401,"title":"Unauthorized"}]}"#).unwrap();
        let mut e = api(errors);
        e.status = StatusCode::UNAUTHORIZED;
        e.request_id = Some("7fc8".into());
        assert_eq!(
            e.to_string(),
            "Flowroute answered 401 Unauthorized to validate_e911_address: Unauthorized: Authentication failed. (request id 7fc8)"
        );
    }

    #[test]
    fn non_json_bodies_are_quoted_and_empty_ones_said() {
        let mut e = api(vec![]);
        e.body_excerpt = Some("<html>oops</html>".into());
        assert!(
            e.to_string()
                .ends_with("with a body that is not a JSON:API error: \"<html>oops</html>\"")
        );
        e.body_excerpt = None;
        assert!(e.to_string().ends_with("with an empty body"));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_527_811_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        // Fri, 01 Jun 2018 00:17:52 GMT is 1_527_812_272.
        assert_eq!(
            parse_retry_after("Fri, 01 Jun 2018 00:17:52 GMT", now),
            Some(Duration::from_secs(1272))
        );
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn excerpts_are_short() {
        let long = "x".repeat(1000);
        let e = excerpt(long.as_bytes());
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt(b"short"), "short");
    }
}
