//! The inventory: purchasable numbers, area codes, exchanges and tiers.

use std::collections::BTreeSet;

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use serde_json::json;

use crate::api::numbers::DigitFilters;
use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult, json_api};
use crate::inventory::NumberInfo;
use crate::query::{Query, encode, page_links};

const ORDER_FIELDS: &[&str] = &[
    "monthly_cost",
    "iso_country",
    "number_type",
    "state",
    "rate_center",
    "number",
    "value",
    "tn",
];

fn order_key(field: &str, n: &NumberInfo) -> (String, String) {
    let primary = match field {
        "monthly_cost" => format!("{:012.4}", n.monthly_cost),
        "number_type" => n.number_type().to_string(),
        "state" => n.state.unwrap_or("").to_string(),
        "rate_center" => n.rate_center.unwrap_or("").to_string(),
        // iso_country is US for every simulated number, so it orders by number.
        _ => String::new(),
    };
    (primary, n.value.clone())
}

pub(crate) async fn search(State(ctx): State<Ctx>, uri: Uri) -> ApiResult {
    let q = Query::from_uri(&uri)?;
    let digits = DigitFilters::from_query(&q)?;
    let paging = q.paging(Some(200))?;
    let rate_center = q.get("rate_center").map(str::to_ascii_lowercase);
    let state_filter = q.get("state").map(str::to_ascii_lowercase);
    let toll_free = match q.get("number_type") {
        None => None,
        Some("toll-free") => Some(true),
        Some("longcode") => Some(false),
        Some(other) => {
            return Err(ApiError::invalid(
                "number_type",
                format!("`{other}` is not toll-free or longcode"),
            ));
        }
    };
    // Every simulated number is in the US.
    let country_matches = q
        .get("iso_country")
        .is_none_or(|c| c.eq_ignore_ascii_case("US"));
    let order = match q.get("order_by") {
        None => None,
        Some(raw) => {
            let (field, direction) = raw.split_once(',').unwrap_or((raw, "asc"));
            if !ORDER_FIELDS.contains(&field) || !matches!(direction, "asc" | "desc") {
                return Err(ApiError::invalid(
                    "order_by",
                    format!(
                        "`{raw}` is not a sort field (monthly_cost, iso_country, number_type, state, rate_center, number, value, tn) with an optional ,asc or ,desc"
                    ),
                ));
            }
            Some((field.to_string(), direction == "desc"))
        }
    };
    let state = ctx.state();
    let mut matching: Vec<&NumberInfo> = state
        .inventory
        .values()
        .filter(|n| digits.matches(&n.value))
        .filter(|n| {
            rate_center
                .as_deref()
                .is_none_or(|r| n.rate_center == Some(r))
        })
        .filter(|n| state_filter.as_deref().is_none_or(|s| n.state == Some(s)))
        .filter(|n| toll_free.is_none_or(|t| n.toll_free == t))
        .filter(|_| country_matches)
        .collect();
    if let Some((field, descending)) = &order {
        matching.sort_by_key(|n| order_key(field, n));
        if *descending {
            matching.reverse();
        }
    }
    let (page, more) = paging.slice(&matching);
    let data: Vec<_> = page
        .iter()
        .map(|n| {
            json!({
                "attributes": {
                    "inbound_rate": n.inbound_rate,
                    "iso_country": "US",
                    "monthly_cost": n.monthly_cost,
                    "number_type": n.number_type(),
                    "rate_center": n.rate_center,
                    "rate_type": n.rate_type(),
                    "setup_cost": n.setup_cost,
                    "state": n.state,
                    "tier": n.tier,
                    "value": n.value,
                },
                "id": n.value,
                "links": {"related": format!("{}/v2/numbers/{}", ctx.base_url, n.value)},
                "type": "number",
            })
        })
        .collect();
    let mut filters = digits.echo();
    for (name, value) in [
        ("rate_center", q.get("rate_center")),
        ("state", q.get("state")),
        ("number_type", q.get("number_type")),
        ("iso_country", q.get("iso_country")),
        ("order_by", q.get("order_by")),
    ] {
        filters.extend(value.map(|v| (name, v.to_string())));
    }
    let links = page_links(
        &ctx.base_url,
        "/v2/numbers/available",
        &filters,
        paging,
        more,
    );
    Ok(json_api(
        StatusCode::OK,
        &json!({"data": data, "links": links}),
    ))
}

fn max_setup_cost(q: &Query) -> Result<Option<f64>, ApiError> {
    q.float("max_setup_cost")
}

fn cost_echo(q: &Query) -> Vec<(&'static str, String)> {
    q.get("max_setup_cost")
        .map(|v| ("max_setup_cost", v.to_string()))
        .into_iter()
        .collect()
}

pub(crate) async fn areacodes(State(ctx): State<Ctx>, uri: Uri) -> ApiResult {
    let q = Query::from_uri(&uri)?;
    let paging = q.paging(Some(400))?;
    let max_cost = max_setup_cost(&q)?;
    let codes: Vec<String> = {
        let state = ctx.state();
        let set: BTreeSet<&str> = state
            .inventory
            .values()
            .filter(|n| max_cost.is_none_or(|max| n.setup_cost <= max))
            .map(NumberInfo::npa)
            .collect();
        set.into_iter().map(str::to_string).collect()
    };
    let (page, more) = paging.slice(&codes);
    let data: Vec<_> = page
        .iter()
        .map(|code| {
            json!({
                "id": code,
                "links": {"related": format!("{}/v2/numbers/available/exchanges?areacode={code}", ctx.base_url)},
                "type": "areacode",
            })
        })
        .collect();
    let links = page_links(
        &ctx.base_url,
        "/v2/numbers/available/areacodes",
        &cost_echo(&q),
        paging,
        more,
    );
    Ok(json_api(
        StatusCode::OK,
        &json!({"data": data, "links": links}),
    ))
}

pub(crate) async fn exchanges(State(ctx): State<Ctx>, uri: Uri) -> ApiResult {
    let q = Query::from_uri(&uri)?;
    let paging = q.paging(Some(200))?;
    let max_cost = max_setup_cost(&q)?;
    let areacode = q.digits("areacode")?;
    if areacode.as_ref().is_some_and(|a| a.len() != 3) {
        return Err(ApiError::invalid("areacode", "must be three digits"));
    }
    let codes: Vec<String> = {
        let state = ctx.state();
        let set: BTreeSet<&str> = state
            .inventory
            .values()
            .filter(|n| max_cost.is_none_or(|max| n.setup_cost <= max))
            .filter(|n| areacode.as_deref().is_none_or(|a| n.npa() == a))
            .map(NumberInfo::exchange)
            .collect();
        set.into_iter().map(str::to_string).collect()
    };
    let (page, more) = paging.slice(&codes);
    let data: Vec<_> = page
        .iter()
        .map(|code| {
            json!({
                "id": code,
                "links": {"related": format!("{}/v2/numbers/available?starts_with=1{code}", ctx.base_url)},
                "type": "exchange",
            })
        })
        .collect();
    let mut filters = cost_echo(&q);
    filters.extend(areacode.map(|a| ("areacode", a)));
    let links = page_links(
        &ctx.base_url,
        "/v2/numbers/available/exchanges",
        &filters,
        paging,
        more,
    );
    Ok(json_api(
        StatusCode::OK,
        &json!({"data": data, "links": links}),
    ))
}

pub(crate) async fn tiers(State(ctx): State<Ctx>, uri: Uri) -> ApiResult {
    let q = Query::from_uri(&uri)?;
    let paging = q.paging(Some(200))?;
    let tiers: Vec<&'static str> = {
        let state = ctx.state();
        let set: BTreeSet<&'static str> = state.inventory.values().map(|n| n.tier).collect();
        set.into_iter().collect()
    };
    let (page, more) = paging.slice(&tiers);
    let data: Vec<_> = page
        .iter()
        .map(|tier| {
            json!({
                "id": tier,
                "links": {"related": format!("{}/v2/numbers?tier={}", ctx.base_url, encode(tier))},
                "type": "tier",
            })
        })
        .collect();
    let links = page_links(
        &ctx.base_url,
        "/v2/numbers/available/tiers",
        &[],
        paging,
        more,
    );
    Ok(json_api(
        StatusCode::OK,
        &json!({"data": data, "links": links}),
    ))
}
