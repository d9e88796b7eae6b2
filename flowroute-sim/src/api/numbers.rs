//! The numbers on the account: list, details, purchase, update, release.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use flowroute_raw::types::PhoneNumberUpdate;
use serde_json::json;

use crate::body;
use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult, json_api, no_content};
use crate::model::AccountNumber;
use crate::query::{Query, page_links};
use crate::render;

/// `starts_with` as matched: country code 1 is assumed unless the value
/// already starts with it (or with `+` and a country code).
pub(crate) fn starts_with(q: &Query) -> Result<Option<String>, ApiError> {
    let Some(raw) = q.get("starts_with") else {
        return Ok(None);
    };
    let (explicit, digits) = match raw.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid(
            "starts_with",
            format!("`{raw}` must be digits, optionally after `+` and a country code"),
        ));
    }
    Ok(Some(if explicit || digits.starts_with('1') {
        digits.to_string()
    } else {
        format!("1{digits}")
    }))
}

/// Digit filters shared by the account list and the inventory search.
pub(crate) struct DigitFilters {
    pub(crate) starts_with: Option<String>,
    pub(crate) contains: Option<String>,
    pub(crate) ends_with: Option<String>,
}

impl DigitFilters {
    pub(crate) fn from_query(q: &Query) -> Result<Self, ApiError> {
        Ok(DigitFilters {
            starts_with: starts_with(q)?,
            contains: q.digits("contains")?,
            ends_with: q.digits("ends_with")?,
        })
    }

    pub(crate) fn matches(&self, value: &str) -> bool {
        self.starts_with
            .as_deref()
            .is_none_or(|p| value.starts_with(p))
            && self.contains.as_deref().is_none_or(|p| value.contains(p))
            && self.ends_with.as_deref().is_none_or(|p| value.ends_with(p))
    }

    /// The filters as echoed in page links.
    pub(crate) fn echo(&self) -> Vec<(&'static str, String)> {
        [
            ("starts_with", &self.starts_with),
            ("contains", &self.contains),
            ("ends_with", &self.ends_with),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
        .collect()
    }
}

pub(crate) async fn list(State(ctx): State<Ctx>, uri: Uri) -> ApiResult {
    let q = Query::from_uri(&uri)?;
    let digits = DigitFilters::from_query(&q)?;
    let alias = q.get("alias").map(str::to_string);
    if alias.as_ref().is_some_and(|a| a.chars().count() > 64) {
        return Err(ApiError::invalid("alias", "must be at most 64 characters"));
    }
    let paging = q.paging(Some(200))?;
    let state = ctx.state();
    let matching: Vec<&AccountNumber> = state
        .numbers
        .values()
        .filter(|n| digits.matches(&n.info.value))
        .filter(|n| alias.is_none() || n.alias == alias)
        .collect();
    let (page, more) = paging.slice(&matching);
    let data: Vec<_> = page
        .iter()
        .map(|n| render::number_item(&ctx.base_url, n))
        .collect();
    let mut filters = digits.echo();
    filters.extend(alias.map(|a| ("alias", a)));
    let links = page_links(&ctx.base_url, "/v2/numbers", &filters, paging, more);
    Ok(json_api(
        StatusCode::OK,
        &json!({"data": data, "links": links}),
    ))
}

pub(crate) async fn details(State(ctx): State<Ctx>, Path(id): Path<String>) -> ApiResult {
    let state = ctx.state();
    let number = state.number(&id)?;
    let doc = render::number_document(&ctx.base_url, &state, number, false);
    Ok(json_api(StatusCode::OK, &doc))
}

/// Buys a number from the inventory. The options are query parameters; a
/// JSON body (as the community Go client sends them) is accepted too.
pub(crate) async fn purchase(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    uri: Uri,
    bytes: Bytes,
) -> ApiResult {
    let q = Query::from_uri(&uri)?;
    let mut cnam_lookups = q.bool("cnam_lookups_enabled")?;
    let mut messaging = q.bool("messaging_enabled")?;
    if !bytes.iter().all(u8::is_ascii_whitespace) {
        let options = body::json_value(&bytes)?;
        for (name, slot) in [
            ("cnam_lookups_enabled", &mut cnam_lookups),
            ("messaging_enabled", &mut messaging),
        ] {
            match options.get(name) {
                None | Some(serde_json::Value::Null) => {}
                Some(serde_json::Value::Bool(b)) => *slot = Some(*b),
                Some(_) => return Err(ApiError::invalid(name, "must be a boolean")),
            }
        }
    }
    let mut state = ctx.state();
    let info = state
        .inventory
        .remove(&id)
        .ok_or_else(ApiError::not_found)?;
    let mut number = AccountNumber::purchased(info);
    number.cnam_lookups_enabled = cnam_lookups.unwrap_or(true);
    number.messaging_enabled = messaging.unwrap_or(false);
    let doc = render::number_document(&ctx.base_url, &state, &number, true);
    state.numbers.insert(id, number);
    Ok(json_api(StatusCode::CREATED, &doc))
}

pub(crate) async fn update(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let change: PhoneNumberUpdate = body::decode(&bytes)?;
    if let Some(url) = change.messaging_callback_url.as_deref()
        && !crate::validate::is_http_url(url)
    {
        return Err(ApiError::invalid(
            "messaging_callback_url",
            "must be an http(s) URL",
        ));
    }
    let mut state = ctx.state();
    let number = state.number_mut(&id)?;
    if let Some(alias) = change.alias {
        number.alias = Some(alias.to_string());
    }
    if let Some(enabled) = change.cnam_lookups_enabled {
        number.cnam_lookups_enabled = enabled;
    }
    if let Some(enabled) = change.messaging_enabled {
        number.messaging_enabled = enabled;
    }
    let number = state.number(&id)?;
    let doc = render::number_document(&ctx.base_url, &state, number, false);
    Ok(json_api(StatusCode::OK, &doc))
}

/// Gives the number back to the inventory; its assignments and callbacks go with it.
pub(crate) async fn release(State(ctx): State<Ctx>, Path(id): Path<String>) -> ApiResult {
    let mut state = ctx.state();
    let number = state.numbers.remove(&id).ok_or_else(ApiError::not_found)?;
    state.inventory.insert(id, number.info);
    Ok(no_content())
}
