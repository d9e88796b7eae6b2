//! JSON:API error documents: every failure the simulator answers, API or
//! control plane, is `{"errors":[{"id","status","title","detail"}]}`.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::prng::Rng;

/// The media type of every JSON:API body, errors included.
pub(crate) const JSON_API: &str = "application/vnd.api+json";

/// Error ids only need to be unique and UUID-shaped; a process-wide counter
/// scrambled through the PRNG keeps them deterministic in request order.
fn next_error_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    Rng::new(COUNTER.fetch_add(1, Ordering::Relaxed)).uuid()
}

/// A failure to answer with a JSON:API error document.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    status: StatusCode,
    title: String,
    detail: Value,
    headers: Vec<(HeaderName, HeaderValue)>,
}

pub(crate) type ApiResult<T = Response> = Result<T, ApiError>;

impl ApiError {
    pub(crate) fn new(status: StatusCode, title: &str, detail: impl Into<Value>) -> Self {
        ApiError {
            status,
            title: title.to_string(),
            detail: detail.into(),
            headers: Vec::new(),
        }
    }

    /// The canonical error for a bare status (used when a layer below the
    /// handlers, such as the router, produced a status without a body).
    pub(crate) fn for_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => Self::not_found(),
            StatusCode::METHOD_NOT_ALLOWED => Self::method_not_allowed(),
            StatusCode::UNAUTHORIZED => Self::unauthorized(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::unsupported_media_type(),
            other => {
                let title = other.canonical_reason().unwrap_or("Error");
                Self::new(other, title, title)
            }
        }
    }

    pub(crate) fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "Not Found",
            "Could not find that resource on your account.",
        )
    }

    pub(crate) fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "Authentication failed.",
        )
        .with_header(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"flowroute\""),
        )
    }

    pub(crate) fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method Not Allowed",
            "The method is not allowed for the requested URL.",
        )
    }

    pub(crate) fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Media Type",
            "Request bodies must be JSON: Content-Type application/vnd.api+json or application/json.",
        )
    }

    pub(crate) fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Bad Request", detail.into())
    }

    /// 429 with `Retry-After` in seconds, as the simulator's rate limiter
    /// and an injected `rate_limit` fault both answer.
    pub(crate) fn too_many_requests(detail: impl Into<String>, retry_after: u64) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Too Many Requests",
            detail.into(),
        )
        .with_header(header::RETRY_AFTER, HeaderValue::from(retry_after))
    }

    pub(crate) fn forbidden(title: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, title, detail.into())
    }

    /// 422 whose `detail` starts with the name of the offending field.
    pub(crate) fn invalid(field: &str, message: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Unprocessable Entity",
            format!("{field}: {message}"),
        )
    }

    /// 422 with Flowroute's object-valued detail, `{"data":{"attributes":{field:[msg]}}}`.
    pub(crate) fn field_errors(detail: Value) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Unprocessable Entity",
            detail,
        )
    }

    pub(crate) fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// The `detail` as text, for errors surfaced through the library API.
    pub(crate) fn detail_text(&self) -> String {
        match &self.detail {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    pub(crate) fn document(&self) -> Value {
        json!({"errors": [{
            "id": next_error_id(),
            "status": self.status.as_u16(),
            "title": self.title,
            "detail": self.detail,
        }]})
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = json_api(self.status, &self.document());
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

fn json_response(status: StatusCode, media_type: &'static str, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(media_type))],
        body.to_string(),
    )
        .into_response()
}

/// A JSON:API success (or error) document.
pub(crate) fn json_api(status: StatusCode, body: &Value) -> Response {
    json_response(status, JSON_API, body)
}

/// A plain `application/json` document (porting and the control plane).
pub(crate) fn plain_json(status: StatusCode, body: &Value) -> Response {
    json_response(status, "application/json", body)
}

pub(crate) fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}
