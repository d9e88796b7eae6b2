//! Messages v2.1 and v2.2: send, list and look up message detail records.
//! One account serves both; a message sent on one is listed on the other.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use flowroute_raw::types::NewMessage;
use serde_json::{Value, json};

use crate::api::callbacks;
use crate::body;
use crate::compat;
use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult, json_api};
use crate::messaging;
use crate::model::{Mdr, MdrId};
use crate::query::{Query, message_links};
use crate::render;
use crate::validate::{is_http_url, is_nanp};
use crate::version::{self, Version};

/// Reads either accepted body format: the compact one, or the JSON:API
/// wrapper `{"data":{"type":"message","attributes":{…}}}`. Returns the
/// message and the JSON path of its fields, for error messages.
fn read_message(bytes: &Bytes, strict: bool) -> Result<(NewMessage, &'static str), ApiError> {
    let mut value = body::json_value(bytes)?;
    let wrapped = value
        .as_object()
        .is_some_and(|o| o.len() == 1 && o.contains_key("data"));
    if !wrapped {
        compat::message_flags(&mut value, strict);
        return Ok((body::from_value(value, "")?, ""));
    }
    let data = &value["data"];
    if let Some(kind) = data.get("type").filter(|t| *t != "message") {
        return Err(ApiError::invalid(
            "data.type",
            format!("{kind} is not \"message\""),
        ));
    }
    let mut attributes = data
        .get("attributes")
        .cloned()
        .ok_or_else(|| ApiError::invalid("data.attributes", "is required"))?;
    compat::message_flags(&mut attributes, strict);
    Ok((
        body::from_value(attributes, "data.attributes")?,
        "data.attributes.",
    ))
}

fn number_rule(version: Version, prefix: &str, name: &str, raw: &str) -> Result<String, ApiError> {
    let value = version.read_number(raw);
    if is_nanp(&value) {
        return Ok(value);
    }
    let expected = match version {
        Version::V2_1 => "an 11-digit North American number without `+`, such as 12065551234",
        Version::V2_2 => {
            "a North American number in E.164, such as +12065551234 (the simulator delivers to no other)"
        }
    };
    Err(ApiError::invalid(
        &format!("{prefix}{name}"),
        format!("`{raw}` is not {expected}"),
    ))
}

pub(crate) async fn send(State(ctx): State<Ctx>, bytes: Bytes) -> ApiResult {
    send_as(ctx, bytes, Version::V2_1).await
}

pub(crate) async fn send_v2_2(State(ctx): State<Ctx>, bytes: Bytes) -> ApiResult {
    send_as(ctx, bytes, Version::V2_2).await
}

async fn send_as(ctx: Ctx, bytes: Bytes, version: Version) -> ApiResult {
    let (mut message, prefix) = read_message(&bytes, ctx.strict())?;
    let field = |name: &str| format!("{prefix}{name}");
    message.to = number_rule(version, prefix, "to", &message.to)?;
    message.from = number_rule(version, prefix, "from", &message.from)?;
    let is_mms = message.is_mms.unwrap_or(false) || !message.media_urls.is_empty();
    if let Some((i, url)) = message
        .media_urls
        .iter()
        .enumerate()
        .find(|(_, u)| !is_http_url(u))
    {
        return Err(ApiError::invalid(
            &field(&format!("media_urls[{i}]")),
            format!("`{url}` is not a publicly reachable http(s) URL"),
        ));
    }
    let has_text = message.body.as_deref().is_some_and(|b| !b.is_empty());
    if !is_mms && !has_text {
        return Err(ApiError::invalid(
            &field("body"),
            "an SMS needs a non-empty body",
        ));
    }
    if is_mms && !has_text && message.media_urls.is_empty() {
        return Err(ApiError::invalid(
            &field("body"),
            "an MMS needs a body or media_urls",
        ));
    }
    if let Some(url) = message.dlr_callback.as_deref().filter(|u| !is_http_url(u)) {
        return Err(ApiError::invalid(
            &field("dlr_callback"),
            format!("`{url}` is not an http(s) URL"),
        ));
    }
    let (id, epoch, dlr_url) = {
        let mut state = ctx.state();
        let number = state.numbers.get(&message.from).cloned().ok_or_else(|| {
            ApiError::invalid(
                &field("from"),
                format!("`{}` is not a number on your account", message.from),
            )
        })?;
        let mut mdr = messaging::new_mdr(
            &mut state,
            true,
            &number,
            &message.to,
            message.body.clone(),
            is_mms,
            &message.media_urls,
        );
        mdr.status = "queued".into();
        let dlr_url = message
            .dlr_callback
            .clone()
            .or_else(|| messaging::callback_url(&state, &number, messaging::dlr_types(is_mms)));
        let id = mdr.id.clone();
        state.mdrs.push(mdr);
        (id, state.epoch, dlr_url)
    };
    ctx.spawn(messaging::deliver_receipts(
        ctx.clone(),
        epoch,
        id.clone(),
        dlr_url,
    ));
    let mut doc = json!({"data": {
        "id": id,
        "links": {"self": format!("{}{}/messages/{id}", ctx.base_url, version.prefix())},
        "type": "message",
    }});
    if version == Version::V2_2 {
        // Where the Go client reads it; the SDK also reads it under `data`.
        doc["data"]["attributes"] = json!({
            "price_details": version::price_details(message.body.as_deref(), is_mms),
        });
    }
    let mut response = json_api(StatusCode::ACCEPTED, &doc);
    response.extensions_mut().insert(MdrId(id));
    Ok(response)
}

/// `YYYY-MM-DD` (a whole day when it ends a range) or an ISO 8601 date-time;
/// one without a zone is UTC unless strict (see `compat`).
fn parse_date(raw: &str, end_of_day: bool, strict: bool) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    if compat::zoneless_date_time_accepted(strict)
        && let Ok(t) = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f")
    {
        return Some(t.and_utc());
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()?;
    let time = if end_of_day {
        day.and_hms_nano_opt(23, 59, 59, 999_999_999)
    } else {
        day.and_hms_opt(0, 0, 0)
    };
    time.map(|t| t.and_utc())
}

fn date_param(
    q: &Query,
    name: &str,
    end_of_day: bool,
    strict: bool,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    match q.get(name) {
        None => Ok(None),
        Some(raw) => parse_date(raw, end_of_day, strict).map(Some).ok_or_else(|| {
            let zone = if strict { " with a zone" } else { "" };
            ApiError::invalid(
                name,
                format!("`{raw}` is not YYYY-MM-DD or an ISO 8601 date-time{zone} such as 2016-12-30T14:34:01.321Z"),
            )
        }),
    }
}

pub(crate) async fn list(State(ctx): State<Ctx>, uri: Uri) -> ApiResult {
    list_as(ctx, uri, Version::V2_1)
}

pub(crate) async fn list_v2_2(State(ctx): State<Ctx>, uri: Uri) -> ApiResult {
    list_as(ctx, uri, Version::V2_2)
}

fn list_as(ctx: Ctx, uri: Uri, version: Version) -> ApiResult {
    let q = Query::from_uri(&uri)?;
    let strict = ctx.strict();
    let start = date_param(&q, "start_date", false, strict)?.ok_or_else(|| {
        ApiError::invalid(
            "start_date",
            "is required (YYYY-MM-DD or an ISO 8601 date-time, UTC)",
        )
    })?;
    let end = date_param(&q, "end_date", true, strict)?;
    if end.is_some_and(|end| end < start) {
        return Err(ApiError::invalid(
            "end_date",
            "must not be before start_date",
        ));
    }
    let paging = q.paging(None)?;
    let state = ctx.state();
    let mut records: Vec<&Mdr> = state
        .mdrs
        .iter()
        .filter(|m| m.timestamp >= start && end.is_none_or(|end| m.timestamp <= end))
        .collect();
    records.sort_by_key(|m| std::cmp::Reverse((m.timestamp, m.seq)));
    let (page, more) = paging.slice(&records);
    let data: Vec<Value> = page.iter().map(|m| render::mdr_resource(m)).collect();
    let fmt = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::AutoSi, false);
    let mut dates = vec![("start_date", fmt(start))];
    dates.extend(end.map(|e| ("end_date", fmt(e))));
    let links = message_links(&ctx.base_url, version.prefix(), &dates, paging, more);
    Ok(json_api(
        StatusCode::OK,
        &json!({"data": data, "links": links}),
    ))
}

/// `GET /v2.1/messages/{key}`: an account callback when `key` names a
/// callback type, otherwise a message detail record.
pub(crate) async fn get_by_key(State(ctx): State<Ctx>, Path(key): Path<String>) -> ApiResult {
    get_by_key_as(ctx, key, Version::V2_1)
}

/// `GET /v2.2/messages/{key}`, as `get_by_key`.
pub(crate) async fn get_by_key_v2_2(State(ctx): State<Ctx>, Path(key): Path<String>) -> ApiResult {
    get_by_key_as(ctx, key, Version::V2_2)
}

fn get_by_key_as(ctx: Ctx, key: String, version: Version) -> ApiResult {
    if let Some(kind) = callbacks::known_type(&key) {
        return callbacks::get_for_account(&ctx, kind, version);
    }
    let state = ctx.state();
    let mdr = state
        .mdrs
        .iter()
        .find(|m| m.id == key)
        .ok_or_else(ApiError::not_found)?;
    Ok(json_api(
        StatusCode::OK,
        &render::mdr_document(&ctx.base_url, mdr),
    ))
}
