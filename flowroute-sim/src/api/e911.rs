//! E911 addresses and their assignment to numbers.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use serde_json::json;

use crate::api::e911_rules::{self, Fields};
use crate::body;
use crate::compat;
use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult, json_api, no_content};
use crate::model::{AccountNumber, E911Address};
use crate::query::{Query, page_links};
use crate::render;

fn contains(field: Option<&String>, needle: Option<&String>) -> bool {
    needle.is_none_or(|n| field.is_some_and(|f| f.to_lowercase().contains(n)))
}

pub(crate) async fn list(State(ctx): State<Ctx>, uri: Uri) -> ApiResult {
    let q = Query::from_uri(&uri)?;
    let paging = q.paging(Some(2000))?;
    let needle = |name: &str| q.get(name).map(str::to_lowercase);
    let (label, street, city) = (needle("label"), needle("street_name"), needle("city"));
    let state_code = q.get("state").map(str::to_ascii_uppercase);
    let state = ctx.state();
    let matching: Vec<&E911Address> = state
        .e911s
        .values()
        .filter(|e| contains(e.fields.get("label"), label.as_ref()))
        .filter(|e| contains(e.fields.get("street_name"), street.as_ref()))
        .filter(|e| contains(e.fields.get("city"), city.as_ref()))
        .filter(|e| {
            state_code
                .as_ref()
                .is_none_or(|s| e.fields.get("state") == Some(s))
        })
        .collect();
    let (page, more) = paging.slice(&matching);
    let data: Vec<_> = page
        .iter()
        .map(|e| render::e911_resource(&ctx.base_url, e))
        .collect();
    let filters: Vec<_> = ["label", "street_name", "city", "state"]
        .into_iter()
        .filter_map(|name| q.get(name).map(|v| (name, v.to_string())))
        .collect();
    let links = page_links(&ctx.base_url, "/v2/e911s", &filters, paging, more);
    Ok(json_api(
        StatusCode::OK,
        &json!({"data": data, "links": links}),
    ))
}

/// A complete, valid, geocodable address from a validate or create body.
fn new_address(bytes: &Bytes) -> Result<Fields, ApiError> {
    let value = body::json_value(bytes)?;
    let fields = e911_rules::check(e911_rules::attributes(&value)?, &Fields::new())?;
    e911_rules::geocode(&fields)?;
    Ok(fields)
}

pub(crate) async fn validate(bytes: Bytes) -> ApiResult {
    new_address(&bytes)?;
    Ok(no_content())
}

pub(crate) async fn create(State(ctx): State<Ctx>, bytes: Bytes) -> ApiResult {
    let fields = new_address(&bytes)?;
    let mut state = ctx.state();
    if state.e911s.values().any(|e| e.fields == fields) {
        return Err(ApiError::forbidden("Forbidden", "Duplicate address."));
    }
    let address = E911Address {
        id: state.new_e911_id(),
        fields,
    };
    let doc = json!({"data": render::e911_resource(&ctx.base_url, &address)});
    state.e911s.insert(address.id, address);
    Ok(json_api(StatusCode::CREATED, &doc))
}

pub(crate) async fn get(State(ctx): State<Ctx>, Path(id): Path<String>) -> ApiResult {
    let state = ctx.state();
    let id = state.e911_id(&id)?;
    let address = state.e911s.get(&id).ok_or_else(ApiError::not_found)?;
    Ok(json_api(
        StatusCode::OK,
        &json!({"data": render::e911_resource(&ctx.base_url, address)}),
    ))
}

pub(crate) async fn update(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let mut value = body::json_value(&bytes)?;
    let extra = compat::e911_update(&mut value, &id, ctx.strict())?;
    let attrs = e911_rules::attributes(&value)?;
    if attrs.is_empty() && extra.cleared.is_empty() {
        return Err(ApiError::field_errors(
            json!({"data": {"attributes": ["Name at least one attribute to change."]}}),
        ));
    }
    let mut state = ctx.state();
    let id = state.e911_id(&id)?;
    let mut stored = state
        .e911s
        .get(&id)
        .map(|e| e.fields.clone())
        .unwrap_or_default();
    for name in extra.cleared {
        stored.remove(name);
    }
    let fields = e911_rules::check(attrs, &stored)?;
    e911_rules::geocode(&fields)?;
    let address = E911Address { id, fields };
    let doc = json!({"data": render::e911_resource(&ctx.base_url, &address)});
    state.e911s.insert(id, address);
    Ok(json_api(StatusCode::OK, &doc))
}

pub(crate) async fn delete(State(ctx): State<Ctx>, Path(id): Path<String>) -> ApiResult {
    let mut state = ctx.state();
    let id = state.e911_id(&id)?;
    if state.numbers.values().any(|n| n.e911 == Some(id)) {
        return Err(ApiError::forbidden(
            "Forbidden",
            "This E911 address is still assigned to phone numbers; remove it from them before deleting.",
        ));
    }
    state.e911s.remove(&id);
    Ok(no_content())
}

pub(crate) async fn numbers(State(ctx): State<Ctx>, Path(id): Path<String>, uri: Uri) -> ApiResult {
    let q = Query::from_uri(&uri)?;
    let paging = q.paging(None)?;
    let state = ctx.state();
    let id = state.e911_id(&id)?;
    let assigned: Vec<&AccountNumber> = state
        .numbers
        .values()
        .filter(|n| n.e911 == Some(id))
        .collect();
    let (page, more) = paging.slice(&assigned);
    let data: Vec<_> = page
        .iter()
        .map(|n| {
            json!({
                "attributes": {"alias": n.alias, "value": n.info.value},
                "id": n.info.value,
                "links": {"self": format!("{}/v2/numbers/{}", ctx.base_url, n.info.value)},
                "type": "number",
            })
        })
        .collect();
    let path = format!("/v2/e911s/{id}/relationships/numbers");
    let links = page_links(&ctx.base_url, &path, &[], paging, more);
    Ok(json_api(
        StatusCode::OK,
        &json!({"data": data, "links": links}),
    ))
}

/// Idempotent: assigning the address a number already has is a success.
pub(crate) async fn assign(
    State(ctx): State<Ctx>,
    Path((number, e911)): Path<(String, String)>,
) -> ApiResult {
    let mut state = ctx.state();
    let toll_free = state.number(&number)?.info.toll_free;
    let e911 = state.e911_id(&e911)?;
    if toll_free {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid Resource",
            "Cannot assign an E911 record to a number that does not support emergency services.",
        ));
    }
    state.number_mut(&number)?.e911 = Some(e911);
    Ok(no_content())
}

pub(crate) async fn unassign(State(ctx): State<Ctx>, Path(number): Path<String>) -> ApiResult {
    ctx.state().number_mut(&number)?.e911 = None;
    Ok(no_content())
}
