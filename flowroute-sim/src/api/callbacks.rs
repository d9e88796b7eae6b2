//! Messaging callback URLs, account-wide (`/v2.1/messages/{callback_type}`,
//! and the same under `/v2.2`)
//! and per number (`/v2/numbers/{id}/relationships/{callback_type}`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use flowroute_raw::open_enums::CallbackType;
use flowroute_raw::types::{CallbackUrlBody, NumberCallbackUrlDocument};
use serde_json::{Value, json};

use crate::body;
use crate::compat;
use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult, json_api, no_content};
use crate::validate::is_http_url;
use crate::version::Version;

/// The callback type named by a path segment, if it is one of the five.
pub(crate) fn known_type(raw: &str) -> Option<CallbackType> {
    Some(CallbackType::from(raw)).filter(|t| !t.is_unknown())
}

/// For the shared `/v2.1/messages/{key}` template: an `mdr2-` id there is a
/// known resource that only answers GET.
fn account_type(key: &str) -> Result<CallbackType, ApiError> {
    known_type(key).ok_or_else(|| {
        if key.starts_with("mdr2-") {
            ApiError::method_not_allowed()
        } else {
            ApiError::not_found()
        }
    })
}

fn product(kind: &CallbackType) -> &'static str {
    match kind {
        CallbackType::SmsCallback => "sms",
        CallbackType::MmsCallback => "mms",
        _ => "dlr",
    }
}

/// v2.1 documents `api_version` in the lookup; v2.2 lists only
/// `callback_url` and `product`.
fn document(kind: &CallbackType, url: &str, version: Version) -> Value {
    let mut attributes = json!({"callback_url": url, "product": product(kind)});
    if version == Version::V2_1 {
        attributes["api_version"] = json!("v2.1");
    }
    json!({"data": {"attributes": attributes, "type": "callback"}})
}

fn checked(url: String, field: &str) -> Result<String, ApiError> {
    if is_http_url(&url) {
        Ok(url)
    } else {
        Err(ApiError::invalid(
            field,
            format!("`{url}` is not an http(s) URL"),
        ))
    }
}

pub(crate) async fn set_for_account(
    State(ctx): State<Ctx>,
    Path(key): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let kind = account_type(&key)?;
    let value = body::json_value(&bytes)?;
    // The docs' flat body, or the Python SDK's JSON:API wrapping (see `compat`).
    let url = if compat::wrapped_callback_accepted(&value, ctx.strict()) {
        let doc: NumberCallbackUrlDocument = body::from_value(value, "")?;
        checked(
            doc.data.attributes.callback_url,
            "data.attributes.callback_url",
        )?
    } else {
        let flat: CallbackUrlBody = body::from_value(value, "")?;
        checked(flat.callback_url, "callback_url")?
    };
    ctx.state().account_callbacks.insert(kind, url);
    Ok(no_content())
}

pub(crate) fn get_for_account(ctx: &Ctx, kind: CallbackType, version: Version) -> ApiResult {
    let state = ctx.state();
    let url = state
        .account_callbacks
        .get(&kind)
        .ok_or_else(ApiError::not_found)?;
    Ok(json_api(StatusCode::OK, &document(&kind, url, version)))
}

pub(crate) async fn remove_for_account(
    State(ctx): State<Ctx>,
    Path(key): Path<String>,
) -> ApiResult {
    let kind = account_type(&key)?;
    ctx.state().account_callbacks.remove(&kind);
    Ok(no_content())
}

fn number_type(raw: &str) -> Result<CallbackType, ApiError> {
    known_type(raw).ok_or_else(ApiError::not_found)
}

pub(crate) async fn set_for_number(
    State(ctx): State<Ctx>,
    Path((number, kind)): Path<(String, String)>,
    bytes: Bytes,
) -> ApiResult {
    let kind = number_type(&kind)?;
    let doc: NumberCallbackUrlDocument = body::decode(&bytes)?;
    let url = checked(
        doc.data.attributes.callback_url,
        "data.attributes.callback_url",
    )?;
    ctx.state().number_mut(&number)?.callbacks.insert(kind, url);
    Ok(no_content())
}

pub(crate) async fn get_for_number(
    State(ctx): State<Ctx>,
    Path((number, kind)): Path<(String, String)>,
) -> ApiResult {
    let kind = number_type(&kind)?;
    let state = ctx.state();
    let url = state
        .number(&number)?
        .callbacks
        .get(&kind)
        .ok_or_else(ApiError::not_found)?;
    // The Numbers API is not versioned with Messages: as in v2.1.
    Ok(json_api(
        StatusCode::OK,
        &document(&kind, url, Version::V2_1),
    ))
}

pub(crate) async fn remove_for_number(
    State(ctx): State<Ctx>,
    Path((number, kind)): Path<(String, String)>,
) -> ApiResult {
    let kind = number_type(&kind)?;
    ctx.state().number_mut(&number)?.callbacks.remove(&kind);
    Ok(no_content())
}
