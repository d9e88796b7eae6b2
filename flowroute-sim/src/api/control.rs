//! The control plane under `/__sim/`: reset, fault injection, the rate
//! limits and the mode, the request log, inbound messages, CNAM review and
//! CDR downloads. No authentication; JSON in and out. `GET /__sim/` lists
//! the endpoints.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use flowroute_raw::open_enums::CallbackType;
use serde_json::{Value, json};

use crate::api::cnam;
use crate::body;
use crate::cdr_csv;
use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult, no_content, plain_json};
use crate::faults::FaultRule;
use crate::limits::RateLimits;
use crate::messaging;
use crate::records::SimulatedMessage;
use crate::render;
use crate::ring::{DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};
use crate::validate::{is_http_url, is_nanp};

/// Every control endpoint, as `GET /__sim/` lists it: method, path, what it
/// does. `flowroute-sim/README.md` documents each with examples (a test holds
/// the two in step).
pub(crate) const ENDPOINTS: &[(&str, &str, &str)] = &[
    ("GET", "/__sim/", "this index"),
    (
        "POST",
        "/__sim/reset",
        "back to the starting account; faults and logs cleared, configured rate limits restored (204)",
    ),
    (
        "POST",
        "/__sim/faults",
        "inject a fault into the next matching API requests (201, echoes the rule)",
    ),
    (
        "GET",
        "/__sim/faults",
        "the pending fault rules with their remaining counts",
    ),
    (
        "DELETE",
        "/__sim/faults",
        "clear the pending fault rules (204)",
    ),
    (
        "GET",
        "/__sim/requests",
        "a page of the request log (?after=SEQ&limit=N)",
    ),
    ("DELETE", "/__sim/requests", "clear the request log (204)"),
    (
        "GET",
        "/__sim/rate-limits",
        "the message send rate limits in force, {\"off\",\"sms\",\"mms\"} per second",
    ),
    (
        "PUT",
        "/__sim/rate-limits",
        "set the send rate limits: {\"sms\":N,\"mms\":M}, {\"off\":true} or \"documented\" (200, as GET)",
    ),
    (
        "GET",
        "/__sim/strict",
        "whether strict mode is on: {\"strict\":false}",
    ),
    (
        "PUT",
        "/__sim/strict",
        "turn strict mode on or off: {\"strict\":true} or true (200, as GET)",
    ),
    (
        "POST",
        "/__sim/inbound",
        "an inbound SMS or MMS arrives, now or at a past timestamp (201, the MDR document)",
    ),
    (
        "POST",
        "/__sim/cnams/{id}/approve",
        "approve a pending CNAM record (204)",
    ),
    (
        "POST",
        "/__sim/cnams/{id}/reject",
        "reject a pending CNAM record, with an optional reason (204)",
    ),
    (
        "GET",
        "/__sim/webhooks",
        "a page of the webhook delivery log, with attempts (?after=ID&limit=N)",
    ),
    (
        "GET",
        "/__sim/cdrs/{id}.csv.gz",
        "the gzip'd CSV behind a completed CDR export",
    ),
];

pub(crate) fn router() -> Router<Ctx> {
    Router::new()
        .route("/__sim", get(index))
        .route("/__sim/", get(index))
        .route("/__sim/reset", post(reset))
        .route(
            "/__sim/faults",
            post(add_fault).get(list_faults).delete(clear_faults),
        )
        .route("/__sim/requests", get(list_requests).delete(clear_requests))
        .route(
            "/__sim/rate-limits",
            get(get_rate_limits).put(put_rate_limits),
        )
        .route("/__sim/strict", get(get_strict).put(put_strict))
        .route("/__sim/inbound", post(post_inbound))
        .route("/__sim/cnams/{id}/approve", post(approve_cnam))
        .route("/__sim/cnams/{id}/reject", post(reject_cnam))
        .route("/__sim/cdrs/{file}", get(download_cdrs))
        .route("/__sim/webhooks", get(list_webhooks))
}

async fn index() -> Response {
    let endpoints: Vec<Value> = ENDPOINTS
        .iter()
        .map(|(method, path, does)| json!({"method": method, "path": path, "does": does}))
        .collect();
    plain_json(
        StatusCode::OK,
        &json!({
            "endpoints": endpoints,
            "docs": "https://github.com/flowroute-rs/flowroute-rs/blob/main/flowroute-sim/README.md",
        }),
    )
}

async fn reset(State(ctx): State<Ctx>) -> Response {
    ctx.reset();
    no_content()
}

async fn add_fault(State(ctx): State<Ctx>, bytes: Bytes) -> ApiResult {
    let value = body::json_value(&bytes)?;
    let rule = FaultRule::from_json(&value).map_err(|why| {
        let (field, message) = why.split_once(": ").unwrap_or(("fault", why.as_str()));
        ApiError::invalid(field, message)
    })?;
    let echo = rule.to_json();
    ctx.faults()
        .add(rule)
        .map_err(|why| ApiError::invalid("fault", why.trim_start_matches("fault: ")))?;
    Ok(plain_json(StatusCode::CREATED, &echo))
}

async fn list_faults(State(ctx): State<Ctx>) -> Response {
    let faults: Vec<Value> = ctx
        .faults()
        .pending()
        .iter()
        .map(FaultRule::to_json)
        .collect();
    plain_json(StatusCode::OK, &json!({"faults": faults}))
}

async fn clear_faults(State(ctx): State<Ctx>) -> Response {
    ctx.faults().clear();
    no_content()
}

/// `?after=SEQ&limit=N`: where a page starts and how long it is at most.
struct PageQuery {
    after: u64,
    limit: usize,
}

/// Reads the paging parameters of a log endpoint; anything else is a 400
/// that names it, so that a misspelt `after` does not silently read from
/// the start.
fn page_query(query: Option<&str>) -> Result<PageQuery, ApiError> {
    let mut page = PageQuery {
        after: 0,
        limit: DEFAULT_PAGE_LIMIT,
    };
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match name {
            "after" => {
                page.after = value.parse().map_err(|_| {
                    ApiError::bad_request(format!(
                        "after: must be the seq (or id) of an entry, a non-negative integer, got `{value}`"
                    ))
                })?;
            }
            "limit" => {
                page.limit = value.parse().map_err(|_| {
                    ApiError::bad_request(format!(
                        "limit: must be an integer between 1 and {MAX_PAGE_LIMIT}, got `{value}`"
                    ))
                })?;
            }
            other => {
                return Err(ApiError::bad_request(format!(
                    "unknown parameter `{other}`; a log page takes after and limit"
                )));
            }
        }
    }
    Ok(page)
}

async fn list_requests(State(ctx): State<Ctx>, uri: Uri) -> ApiResult {
    let query = page_query(uri.query())?;
    let page = ctx
        .requests_page(query.after, query.limit)
        .map_err(ApiError::bad_request)?;
    Ok(plain_json(StatusCode::OK, &json!(page)))
}

async fn clear_requests(State(ctx): State<Ctx>) -> Response {
    ctx.clear_requests();
    no_content()
}

async fn list_webhooks(State(ctx): State<Ctx>, uri: Uri) -> ApiResult {
    let query = page_query(uri.query())?;
    let page = ctx
        .webhook_page(query.after, query.limit)
        .map_err(ApiError::bad_request)?;
    Ok(plain_json(StatusCode::OK, &json!(page)))
}

async fn get_rate_limits(State(ctx): State<Ctx>) -> Response {
    plain_json(StatusCode::OK, &ctx.limiter().limits().to_json())
}

async fn put_rate_limits(State(ctx): State<Ctx>, bytes: Bytes) -> ApiResult {
    let limits = RateLimits::from_json(&body::json_value(&bytes)?).map_err(|why| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Unprocessable Entity",
            why,
        )
    })?;
    ctx.limiter().set(limits);
    Ok(plain_json(StatusCode::OK, &limits.to_json()))
}

async fn get_strict(State(ctx): State<Ctx>) -> Response {
    plain_json(StatusCode::OK, &json!({"strict": ctx.strict()}))
}

/// Body: `{"strict": bool}`, or the bare boolean.
async fn put_strict(State(ctx): State<Ctx>, bytes: Bytes) -> ApiResult {
    let value = body::json_value(&bytes)?;
    let strict = match value.get("strict").unwrap_or(&value) {
        Value::Bool(b) => *b,
        _ => {
            return Err(ApiError::invalid(
                "strict",
                "expected {\"strict\":true|false} or a bare boolean",
            ));
        }
    };
    ctx.set_strict(strict);
    Ok(plain_json(StatusCode::OK, &json!({"strict": strict})))
}

/// Records an inbound SMS or MMS on the account and POSTs it to the
/// number's (else the account's) `sms_callback` / `mms_callback` URL.
/// Returns the MDR document, which is also the webhook body.
pub(crate) fn inbound(ctx: &Ctx, message: SimulatedMessage) -> Result<Value, ApiError> {
    for (field, value) in [("from", &message.from), ("to", &message.to)] {
        if !is_nanp(value) {
            return Err(ApiError::invalid(
                field,
                format!("`{value}` is not an 11-digit North American number without `+`"),
            ));
        }
    }
    if let Some((i, url)) = message
        .media_urls
        .iter()
        .enumerate()
        .find(|(_, u)| !is_http_url(u))
    {
        return Err(ApiError::invalid(
            &format!("media_urls[{i}]"),
            format!("`{url}` is not an http(s) URL"),
        ));
    }
    let received = match message.timestamp.as_deref() {
        None => None,
        Some(raw) => Some(
            DateTime::parse_from_rfc3339(raw)
                .map(|t| t.with_timezone(&Utc))
                .ok()
                .filter(|t| *t <= Utc::now())
                .ok_or_else(|| {
                    ApiError::invalid(
                        "timestamp",
                        format!("`{raw}` is not an RFC 3339 date-time in the past"),
                    )
                })?,
        ),
    };
    let text = message.body.filter(|b| !b.is_empty());
    let is_mms = !message.media_urls.is_empty();
    if text.is_none() && !is_mms {
        return Err(ApiError::invalid(
            "body",
            "an inbound message needs a body or media_urls",
        ));
    }
    let (doc, url, id) = {
        let mut state = ctx.state();
        let number = state.numbers.get(&message.to).cloned().ok_or_else(|| {
            ApiError::invalid(
                "to",
                format!("`{}` is not a number on the account", message.to),
            )
        })?;
        let mut mdr = messaging::new_mdr(
            &mut state,
            false,
            &number,
            &message.from,
            text,
            is_mms,
            &message.media_urls,
        );
        // Flowroute reports inbound SMS as delivered and leaves the status of inbound MMS empty.
        mdr.status = if is_mms {
            String::new()
        } else {
            "delivered".into()
        };
        let kind = if is_mms {
            CallbackType::MmsCallback
        } else {
            CallbackType::SmsCallback
        };
        // History was delivered (or not) back then: no webhook now.
        let url = messaging::callback_url(&state, &number, &[kind]).filter(|_| received.is_none());
        if !is_mms {
            mdr.message_callback_url = url.clone();
        }
        if let Some(at) = received {
            mdr.timestamp = at;
        }
        let doc = render::mdr_document(&ctx.base_url, &mdr);
        let id = mdr.id.clone();
        state.mdrs.push(mdr);
        (doc, url, id)
    };
    if let Some(url) = url {
        ctx.deliver_webhook(if is_mms { "mms" } else { "sms" }, url, id, doc.clone());
    }
    Ok(doc)
}

async fn post_inbound(State(ctx): State<Ctx>, bytes: Bytes) -> ApiResult {
    let message: SimulatedMessage = body::decode(&bytes)?;
    let doc = inbound(&ctx, message)?;
    Ok(plain_json(StatusCode::CREATED, &doc))
}

async fn approve_cnam(State(ctx): State<Ctx>, Path(id): Path<String>) -> ApiResult {
    cnam::approve(&ctx, &id)?;
    Ok(no_content())
}

/// Body: `{"reason": "…"}` (optional).
async fn reject_cnam(State(ctx): State<Ctx>, Path(id): Path<String>, bytes: Bytes) -> ApiResult {
    let reason = if bytes.iter().all(u8::is_ascii_whitespace) {
        "Rejected by review.".to_string()
    } else {
        let value = body::json_value(&bytes)?;
        match value.get("reason") {
            None => "Rejected by review.".to_string(),
            Some(Value::String(r)) => r.clone(),
            Some(_) => return Err(ApiError::invalid("reason", "must be a string")),
        }
    };
    cnam::reject(&ctx, &id, &reason)?;
    Ok(no_content())
}

/// The pre-signed download of a completed export, as a gzip'd CSV.
async fn download_cdrs(State(ctx): State<Ctx>, Path(file): Path<String>) -> ApiResult {
    let csv = {
        let state = ctx.state();
        file.strip_suffix(".csv.gz")
            .and_then(|id| id.parse::<i64>().ok())
            .and_then(|id| state.cdr_exports.get(&id))
            .and_then(|e| e.result.as_ref())
            .map(|r| r.csv.clone())
            .ok_or_else(ApiError::not_found)?
    };
    let gz = cdr_csv::gzip(&csv).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
            e.to_string(),
        )
    })?;
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/gzip"),
        )],
        gz,
    )
        .into_response())
}
