//! Inbound voice routes, edge strategies, and route assignment to numbers.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use flowroute_raw::types::{NewRouteDocument, RouteAssignmentDocument, RouteUpdateDocument};
use serde_json::json;

use crate::body;
use crate::compat;
use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult, json_api, no_content};
use crate::model::Route;
use crate::query::{Query, page_links};
use crate::render;
use crate::state::State as Account;
use crate::validate;

/// The points of presence: id, name, NAPTR, firewall ranges, description.
/// Only US-East-VA is documented verbatim; the others use documentation address ranges.
const EDGE_STRATEGIES: &[(i32, &str, &str, &str, &str)] = &[
    (
        1,
        "US-West-OR",
        "us-west-or.sip.flowroute.com",
        "192.0.2.0/28, 192.0.2.0-192.0.2.15",
        "Data will be sent preferentially from our edge systems in Oregon. We will fall back to other regions if necessary.",
    ),
    (
        2,
        "US-West-CA",
        "us-west-ca.sip.flowroute.com",
        "198.51.100.0/28, 198.51.100.0-198.51.100.15",
        "Data will be sent preferentially from our edge systems in California. We will fall back to other regions if necessary.",
    ),
    (
        3,
        "US-Central-IL",
        "us-central-il.sip.flowroute.com",
        "203.0.113.0/28, 203.0.113.0-203.0.113.15",
        "Data will be sent preferentially from our edge systems in Illinois. We will fall back to other regions if necessary.",
    ),
    (
        4,
        "US-East-VA",
        "us-east-va.sip.flowroute.com",
        "34.226.36.32/28, 34.226.36.32-34.226.36.47",
        "Data will be sent preferentially from our edge systems in North Virginia. We will fall back to other regions if necessary.",
    ),
];

const ROUTE_TYPES: &[&str] = &["host", "number", "uri", "sip-reg"];

pub(crate) async fn edge_strategies() -> ApiResult {
    let data: Vec<_> = EDGE_STRATEGIES
        .iter()
        .map(|(id, name, naptr, firewall, description)| {
            json!({
                "attributes": {"description": description, "firewall_rules": firewall, "name": name, "naptr": naptr},
                "id": id,
                "type": "edge_strategy",
            })
        })
        .collect();
    Ok(json_api(StatusCode::OK, &json!({"data": data})))
}

/// Only these can be created; `sip-reg` is the built-in route's type.
fn check_route_type(route_type: &str) -> Result<(), ApiError> {
    if matches!(route_type, "host" | "number" | "uri") {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "data.attributes.route_type",
            format!("`{route_type}` is not host, number or uri"),
        ))
    }
}

/// `field` names the member the client used (see `compat::route_edge_strategy`).
fn check_edge_strategy(field: &str, id: Option<i32>) -> Result<(), ApiError> {
    match id {
        Some(id) if !EDGE_STRATEGIES.iter().any(|e| e.0 == id) => Err(ApiError::invalid(
            field,
            format!("{id} is not an edge strategy (see /v2/routes/edge_strategies)"),
        )),
        _ => Ok(()),
    }
}

fn check_alias_free(state: &Account, alias: &str, except: Option<u64>) -> Result<(), ApiError> {
    if alias.trim().is_empty() {
        return Err(ApiError::invalid(
            "data.attributes.alias",
            "must not be empty",
        ));
    }
    if state
        .routes
        .values()
        .any(|r| r.alias == alias && Some(r.id) != except)
    {
        return Err(ApiError::forbidden(
            "Forbidden",
            format!("A route with the alias `{alias}` already exists on your account."),
        ));
    }
    Ok(())
}

pub(crate) async fn list(State(ctx): State<Ctx>, uri: Uri) -> ApiResult {
    let q = Query::from_uri(&uri)?;
    let paging = q.paging(Some(200))?;
    let route_type = q.get("route_type").map(str::to_string);
    if let Some(t) = route_type.as_deref().filter(|t| !ROUTE_TYPES.contains(t)) {
        return Err(ApiError::invalid(
            "route_type",
            format!("`{t}` is not host, number, uri or sip-reg"),
        ));
    }
    let state = ctx.state();
    let routes: Vec<&Route> = state
        .routes
        .values()
        .filter(|r| route_type.as_deref().is_none_or(|t| r.route_type == t))
        .collect();
    let (page, more) = paging.slice(&routes);
    let data: Vec<_> = page
        .iter()
        .map(|r| render::route_resource(&ctx.base_url, r))
        .collect();
    let filters: Vec<_> = route_type.map(|t| ("route_type", t)).into_iter().collect();
    let links = page_links(&ctx.base_url, "/v2/routes", &filters, paging, more);
    Ok(json_api(
        StatusCode::OK,
        &json!({"data": data, "links": links}),
    ))
}

fn route_document(base: &str, route: &Route) -> serde_json::Value {
    json!({
        "data": render::route_resource(base, route),
        "links": {"self": format!("{base}/v2/routes/{}", route.id)},
    })
}

pub(crate) async fn create(State(ctx): State<Ctx>, bytes: Bytes) -> ApiResult {
    let mut raw = body::json_value(&bytes)?;
    let edge_field = compat::route_edge_strategy(&mut raw, ctx.strict())?;
    let doc: NewRouteDocument = body::from_value(raw, "")?;
    let attrs = doc.data.attributes;
    check_route_type(attrs.route_type.as_str())?;
    validate::route_value(attrs.route_type.as_str(), &attrs.value)
        .map_err(|why| ApiError::invalid("data.attributes.value", why))?;
    check_edge_strategy(edge_field, attrs.edge_strategy_id)?;
    let mut state = ctx.state();
    check_alias_free(&state, &attrs.alias, None)?;
    let route = Route {
        id: state.new_route_id(),
        alias: attrs.alias,
        route_type: attrs.route_type.as_str().to_string(),
        value: Some(attrs.value),
        edge_strategy_id: attrs.edge_strategy_id,
    };
    let doc = route_document(&ctx.base_url, &route);
    state.routes.insert(route.id, route);
    Ok(json_api(StatusCode::CREATED, &doc))
}

pub(crate) async fn update(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let doc: RouteUpdateDocument = body::decode(&bytes)?;
    let change = doc.data.attributes;
    let mut state = ctx.state();
    let id = state.route_id(&id)?;
    if id == 0 {
        return Err(ApiError::forbidden(
            "ActionNotAuthorizedError",
            "The built-in sip-reg route cannot be changed.",
        ));
    }
    if change.alias.is_none()
        && change.route_type.is_none()
        && change.value.is_none()
        && change.edge_strategy_id.is_none()
    {
        return Err(ApiError::invalid(
            "data.attributes",
            "name at least one attribute to change",
        ));
    }
    let current = state
        .routes
        .get(&id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    let route_type = change
        .route_type
        .map(|t| t.as_str().to_string())
        .unwrap_or(current.route_type);
    check_route_type(&route_type)?;
    let value = change.value.or(current.value).unwrap_or_default();
    validate::route_value(&route_type, &value)
        .map_err(|why| ApiError::invalid("data.attributes.value", why))?;
    check_edge_strategy("data.attributes.edge_strategy_id", change.edge_strategy_id)?;
    if let Some(alias) = &change.alias {
        check_alias_free(&state, alias, Some(id))?;
    }
    let route = Route {
        id,
        alias: change.alias.unwrap_or(current.alias),
        route_type,
        value: Some(value),
        edge_strategy_id: change.edge_strategy_id.or(current.edge_strategy_id),
    };
    let doc = route_document(&ctx.base_url, &route);
    state.routes.insert(id, route);
    Ok(json_api(StatusCode::OK, &doc))
}

pub(crate) async fn delete(State(ctx): State<Ctx>, Path(id): Path<String>) -> ApiResult {
    let mut state = ctx.state();
    let id = state.route_id(&id)?;
    if id == 0 || state.route_in_use(id) {
        return Err(ApiError::forbidden(
            "This Route has numbers still associated to it.",
            "Please disassociate all numbers before deleting.",
        ));
    }
    state.routes.remove(&id);
    Ok(no_content())
}

#[derive(Clone, Copy)]
enum Slot {
    Primary,
    Failover,
}

fn assign(ctx: &Ctx, number: &str, bytes: &Bytes, slot: Slot) -> ApiResult {
    let doc: RouteAssignmentDocument = body::decode(bytes)?;
    let mut state = ctx.state();
    state.number(number)?;
    let route = state.route_id(&doc.data.id)?;
    let entry = state.number_mut(number)?;
    match slot {
        Slot::Primary => entry.primary_route = Some(route),
        Slot::Failover => entry.failover_route = Some(route),
    }
    Ok(no_content())
}

fn unassign(ctx: &Ctx, number: &str, slot: Slot) -> ApiResult {
    let mut state = ctx.state();
    let entry = state.number_mut(number)?;
    match slot {
        Slot::Primary => entry.primary_route = None,
        Slot::Failover => entry.failover_route = None,
    }
    Ok(no_content())
}

pub(crate) async fn set_primary(
    State(ctx): State<Ctx>,
    Path(n): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    assign(&ctx, &n, &bytes, Slot::Primary)
}

pub(crate) async fn set_failover(
    State(ctx): State<Ctx>,
    Path(n): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    assign(&ctx, &n, &bytes, Slot::Failover)
}

pub(crate) async fn remove_primary(State(ctx): State<Ctx>, Path(n): Path<String>) -> ApiResult {
    unassign(&ctx, &n, Slot::Primary)
}

pub(crate) async fn remove_failover(State(ctx): State<Ctx>, Path(n): Path<String>) -> ApiResult {
    unassign(&ctx, &n, Slot::Failover)
}
