//! CDR exports: request, list, status. An export is `processing` when
//! created and `completed` from the first access after the configured delay,
//! with a `download_url` served by the simulator itself.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use chrono::{NaiveDateTime, Utc};
use flowroute_raw::types::NewCdrExportDocument;
use serde_json::{Value, json};

use crate::body;
use crate::compat;
use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult, json_api};
use crate::model::CdrExport;
use crate::query::{Query, page_links};
use crate::render;
use crate::validate::is_http_url;

const STATUSES: &[&str] = &["processing", "completed", "failed"];

/// `YYYY-MM-DD HH:MM:SS` as documented; ISO 8601 with `T` is accepted too.
fn parse_time(field: &str, raw: &str) -> Result<NaiveDateTime, ApiError> {
    NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| {
            ApiError::invalid(
                field,
                format!("`{raw}` is not a time in the form YYYY-MM-DD HH:MM:SS"),
            )
        })
}

pub(crate) async fn create(State(ctx): State<Ctx>, bytes: Bytes) -> ApiResult {
    let raw = body::json_value(&bytes)?;
    let doc: NewCdrExportDocument = body::from_value(raw.clone(), "")?;
    let attrs = doc.data.attributes;
    let prefix = "data.attributes.filter_parameters";
    let filters = &attrs.filter_parameters;
    let start = parse_time(
        &format!("{prefix}.start_call_start_time"),
        &filters.start_call_start_time,
    )?;
    let end = parse_time(
        &format!("{prefix}.start_call_end_time"),
        &filters.start_call_end_time,
    )?;
    if end <= start {
        return Err(ApiError::invalid(
            &format!("{prefix}.start_call_end_time"),
            "must be after start_call_start_time",
        ));
    }
    if let Some(url) = attrs.callback_url.as_deref().filter(|u| !is_http_url(u)) {
        return Err(ApiError::invalid(
            "data.attributes.callback_url",
            format!("`{url}` is not an http(s) URL"),
        ));
    }
    // Echo the filters as sent, with the window reformatted as ISO 8601 like Flowroute.
    let mut echo = raw["data"]["attributes"]["filter_parameters"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let iso = |t: NaiveDateTime| Value::String(format!("{}+00:00", t.format("%Y-%m-%dT%H:%M:%S")));
    echo.insert("start_call_start_time".into(), iso(start));
    echo.insert("start_call_end_time".into(), iso(end));
    let mut state = ctx.state();
    let export = CdrExport {
        id: state.new_cdr_id(),
        callback_url: attrs.callback_url,
        start,
        end,
        filters: echo,
        requested_at: Utc::now(),
        created_at: Instant::now(),
        created_tick: state.ticks(),
        result: None,
    };
    let doc = json!({
        "data": render::cdr_export_resource(&ctx.base_url, &export),
        "links": {"self": format!("{}/v2/cdrs/exports/{}", ctx.base_url, export.id)},
    });
    state.cdr_exports.insert(export.id, export);
    Ok(json_api(StatusCode::CREATED, &doc))
}

pub(crate) async fn list(State(ctx): State<Ctx>, uri: Uri) -> ApiResult {
    let q = Query::from_uri(&uri)?;
    let paging = q.paging(Some(200))?;
    let status = q.get("status").map(str::to_string);
    if let Some(s) = status.as_deref().filter(|s| !STATUSES.contains(s)) {
        return Err(ApiError::invalid(
            "status",
            format!("`{s}` is not processing, completed or failed"),
        ));
    }
    let state = ctx.state();
    let exports: Vec<Value> = state
        .cdr_exports
        .values()
        .map(|e| render::cdr_export_resource(&ctx.base_url, e))
        .filter(|r| {
            status
                .as_deref()
                .is_none_or(|s| r["attributes"]["status"] == s)
        })
        .collect();
    let (page, more) = paging.slice(&exports);
    let strict = ctx.strict();
    let items: Vec<Value> = page
        .iter()
        .map(|e| compat::cdr_list_item(e.clone(), strict))
        .collect();
    let filters: Vec<_> = status.map(|s| ("status", s)).into_iter().collect();
    let links = page_links(&ctx.base_url, "/v2/cdrs/exports", &filters, paging, more);
    Ok(json_api(
        StatusCode::OK,
        &json!({"data": items, "links": links}),
    ))
}

pub(crate) async fn get(State(ctx): State<Ctx>, Path(id): Path<String>) -> ApiResult {
    let state = ctx.state();
    let export = id
        .parse::<i64>()
        .ok()
        .and_then(|id| state.cdr_exports.get(&id))
        .ok_or_else(ApiError::not_found)?;
    let doc = json!({
        "data": render::cdr_export_resource(&ctx.base_url, export),
        "links": {"self": format!("{}/v2/cdrs/exports/{}", ctx.base_url, export.id)},
    });
    Ok(json_api(StatusCode::OK, &doc))
}
