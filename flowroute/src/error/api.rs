//! Error answers: the JSON:API error document read leniently, what is shown
//! of it, and `Retry-After`.

use super::{Error, decode::excerpt};
use reqwest::StatusCode;
use serde_json::Value;
use std::{fmt, time::Duration};

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
}
