//! CNAM records: creation (pending until approved), approval, updates of
//! pending records, and assignment to numbers.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use chrono::Utc;
use flowroute_raw::types::{CnamUpdateDocument, NewCnam};
use serde_json::{Value, json};

use crate::body;
use crate::compat;
use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult, json_api, no_content};
use crate::model::CnamRecord;
use crate::query::{Query, page_links};
use crate::render;
use crate::state::State as Account;

/// Flowroute's value rules: at most 15 characters (checked by the generated
/// type), at least one letter, a small set of punctuation, no phone numbers.
fn check_value(field: &str, value: &str) -> Result<(), ApiError> {
    if !value.chars().any(|c| c.is_ascii_alphabetic()) {
        return Err(ApiError::invalid(field, "must contain at least one letter"));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || " -_.,@+&'/\"".contains(*c)))
    {
        return Err(ApiError::invalid(
            field,
            format!(
                "`{bad}` is not allowed (letters, digits, spaces and - _ . , @ + & ' / \" only)"
            ),
        ));
    }
    if value.chars().filter(char::is_ascii_digit).count() >= 7 {
        return Err(ApiError::invalid(field, "must not contain a phone number"));
    }
    Ok(())
}

fn check_unique(state: &Account, value: &str, except: Option<u64>) -> Result<(), ApiError> {
    if state
        .cnams
        .values()
        .any(|c| c.value.eq_ignore_ascii_case(value) && Some(c.id) != except)
    {
        return Err(ApiError::invalid(
            "value",
            "A record with that value already exists.",
        ));
    }
    Ok(())
}

/// A record with its numbers, when it is approved and assigned.
fn document(base: &str, state: &Account, cnam: &CnamRecord) -> Value {
    let mut resource = render::cnam_resource(base, cnam);
    let numbers: Vec<_> = state
        .numbers
        .values()
        .filter(|n| n.cnam == Some(cnam.id))
        .collect();
    if cnam.approved.is_none() || numbers.is_empty() {
        return json!({"data": resource});
    }
    let ids: Vec<_> = numbers
        .iter()
        .map(|n| json!({"id": n.info.value, "type": "number"}))
        .collect();
    resource["relationships"] = json!({"numbers": {"data": ids}});
    let included: Vec<_> = numbers
        .iter()
        .map(|n| render::number_item(base, n))
        .collect();
    json!({"data": resource, "included": included})
}

pub(crate) async fn list(State(ctx): State<Ctx>, uri: Uri) -> ApiResult {
    let q = Query::from_uri(&uri)?;
    let paging = q.paging(None)?;
    let approved = q.bool("is_approved")?;
    let lower = |name: &str| q.get(name).map(str::to_lowercase);
    let (contains, starts, ends) = (
        lower("value")
            .into_iter()
            .chain(lower("contains"))
            .collect::<Vec<_>>(),
        lower("starts_with"),
        lower("ends_with"),
    );
    let state = ctx.state();
    let matching: Vec<&CnamRecord> = state
        .cnams
        .values()
        .filter(|c| approved.is_none_or(|a| c.approved.is_some() == a))
        .filter(|c| {
            let v = c.value.to_lowercase();
            contains.iter().all(|p| v.contains(p.as_str()))
                && starts.as_deref().is_none_or(|p| v.starts_with(p))
                && ends.as_deref().is_none_or(|p| v.ends_with(p))
        })
        .collect();
    let (page, more) = paging.slice(&matching);
    let data: Vec<_> = page
        .iter()
        .map(|c| render::cnam_resource(&ctx.base_url, c))
        .collect();
    let filters: Vec<_> = [
        "is_approved",
        "value",
        "starts_with",
        "contains",
        "ends_with",
    ]
    .into_iter()
    .filter_map(|name| q.get(name).map(|v| (name, v.to_string())))
    .collect();
    let links = page_links(&ctx.base_url, "/v2/cnams", &filters, paging, more);
    Ok(json_api(
        StatusCode::OK,
        &json!({"data": data, "links": links}),
    ))
}

pub(crate) async fn create(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> ApiResult {
    let new: NewCnam = body::from_value(body::json_or_form(&headers, &bytes, &[])?, "")?;
    let value = new.value.to_string();
    check_value("value", &value)?;
    let mut state = ctx.state();
    check_unique(&state, &value, None)?;
    let record = CnamRecord {
        id: state.new_cnam_id(),
        value,
        created: Utc::now(),
        created_at: Instant::now(),
        approved: None,
        rejection_reason: None,
    };
    let doc = json!({"data": render::cnam_resource(&ctx.base_url, &record)});
    state.cnams.insert(record.id, record);
    Ok(json_api(StatusCode::CREATED, &doc))
}

pub(crate) async fn get(State(ctx): State<Ctx>, Path(id): Path<String>) -> ApiResult {
    let state = ctx.state();
    let id = state.cnam_id(&id)?;
    let cnam = state.cnams.get(&id).ok_or_else(ApiError::not_found)?;
    Ok(json_api(
        StatusCode::OK,
        &document(&ctx.base_url, &state, cnam),
    ))
}

/// Only a record still awaiting approval can change its value.
pub(crate) async fn update(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let doc: CnamUpdateDocument = body::decode(&bytes)?;
    let value = doc.data.attributes.value.to_string();
    check_value("data.attributes.value", &value)?;
    let mut state = ctx.state();
    let id = state.cnam_id(&id)?;
    check_unique(&state, &value, Some(id))?;
    let record = state.cnams.get_mut(&id).ok_or_else(ApiError::not_found)?;
    if record.approved.is_some() {
        return Err(ApiError::forbidden(
            "Forbidden",
            "Only CNAM records awaiting approval can be changed.",
        ));
    }
    record.value = value;
    record.rejection_reason = None;
    let mut doc = json!({"data": render::cnam_resource(&ctx.base_url, record)});
    doc["links"] = json!({"self": format!("{}/v2/cnams/{id}", ctx.base_url)});
    Ok(json_api(StatusCode::OK, &doc))
}

/// Deleting a record unassigns it from every number.
pub(crate) async fn delete(State(ctx): State<Ctx>, Path(id): Path<String>) -> ApiResult {
    let mut state = ctx.state();
    let id = state.cnam_id(&id).map_err(|_| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "Resource not found",
            "CNAM record not found. Nothing to delete.",
        )
    })?;
    state.cnams.remove(&id);
    for number in state.numbers.values_mut().filter(|n| n.cnam == Some(id)) {
        number.cnam = None;
    }
    Ok(no_content())
}

fn accepted(id: Option<i64>) -> axum::response::Response {
    let date = Utc::now().format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    json_api(
        StatusCode::ACCEPTED,
        &json!({"data": {"attributes": {"date_created": date}, "id": id, "type": "cnam"}}),
    )
}

pub(crate) async fn assign(
    State(ctx): State<Ctx>,
    Path((number, cnam)): Path<(String, String)>,
) -> ApiResult {
    let mut state = ctx.state();
    let toll_free = state.number(&number)?.info.toll_free;
    let cnam = state.cnam_id(&cnam)?;
    if state.cnams.get(&cnam).is_some_and(|c| c.approved.is_none()) {
        return Err(ApiError::invalid(
            "cnam_id",
            "only approved CNAM records can be assigned to numbers",
        ));
    }
    if toll_free {
        return Err(ApiError::invalid(
            "number_id",
            "CNAM records can be assigned to long-code numbers only",
        ));
    }
    state.number_mut(&number)?.cnam = Some(cnam);
    let association = state.new_cnam_association_id();
    Ok(accepted(Some(association)))
}

pub(crate) async fn unassign(State(ctx): State<Ctx>, Path(number): Path<String>) -> ApiResult {
    ctx.state().number_mut(&number)?.cnam = None;
    Ok(accepted(None))
}

/// `PATCH …/relationships/cnam/{cnam_id}` (see `compat::singular_cnam_path`).
pub(crate) async fn assign_singular(
    State(ctx): State<Ctx>,
    path: Path<(String, String)>,
) -> ApiResult {
    compat::singular_cnam_path(ctx.strict())?;
    assign(State(ctx), path).await
}

/// `DELETE …/relationships/cnam` (see `compat::singular_cnam_path`).
pub(crate) async fn unassign_singular(State(ctx): State<Ctx>, path: Path<String>) -> ApiResult {
    compat::singular_cnam_path(ctx.strict())?;
    unassign(State(ctx), path).await
}

/// Control plane: approve a pending record now.
pub(crate) fn approve(ctx: &Ctx, id: &str) -> Result<(), ApiError> {
    let mut state = ctx.state();
    let id = state.cnam_id(id)?;
    if let Some(record) = state.cnams.get_mut(&id) {
        record.approved.get_or_insert_with(Utc::now);
        record.rejection_reason = None;
    }
    Ok(())
}

/// Control plane: reject a record with a reason (it stays unapproved).
pub(crate) fn reject(ctx: &Ctx, id: &str, reason: &str) -> Result<(), ApiError> {
    let mut state = ctx.state();
    let id = state.cnam_id(id)?;
    if state.numbers.values().any(|n| n.cnam == Some(id)) {
        return Err(ApiError::forbidden(
            "Forbidden",
            "The record is assigned to numbers; unassign it first.",
        ));
    }
    if let Some(record) = state.cnams.get_mut(&id) {
        record.approved = None;
        record.rejection_reason = Some(reason.to_string());
    }
    Ok(())
}
