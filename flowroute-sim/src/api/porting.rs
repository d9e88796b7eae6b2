//! Porting: the portability check and the (empty) list of port orders.
//! Both answer `application/json`, as Flowroute's porting docs show.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use flowroute_raw::types::PortabilityRequest;
use serde_json::json;

use crate::body;
use crate::compat;
use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult, plain_json};
use crate::query::{Query, page_links};

/// Rules of the simulated check, deterministic:
/// non-North-American numbers, premium-rate 900/976 numbers and fictional
/// 555 exchanges are not portable; numbers already on Flowroute (on the
/// account or in the inventory) are HyperNetwork-enabled and portable;
/// everything else is portable.
pub(crate) async fn portability(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult {
    let mut request: PortabilityRequest =
        body::from_value(body::json_or_form(&headers, &bytes, &["numbers"])?, "")?;
    let strict = ctx.strict();
    request.numbers = request
        .numbers
        .into_iter()
        .map(|n| compat::portability_number(n, strict))
        .collect();
    if request.numbers.is_empty() {
        return Err(ApiError::invalid("numbers", "name at least one number"));
    }
    for (i, number) in request.numbers.iter().enumerate() {
        let digits = number.strip_prefix('+').unwrap_or("");
        if !(8..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::invalid(
                &format!("numbers[{i}]"),
                format!("`{number}` is not E.164 with a leading `+`, such as +14252081174"),
            ));
        }
    }
    let state = ctx.state();
    let (mut portable, mut nonportable, mut hypernetwork) = (Vec::new(), Vec::new(), Vec::new());
    for number in request.numbers {
        let digits = &number[1..];
        let nanp = digits.len() == 11 && digits.starts_with('1');
        let npa = if nanp { &digits[1..4] } else { "" };
        let exchange = if nanp { &digits[4..7] } else { "" };
        if !nanp || matches!(npa, "900" | "976") || exchange == "555" || npa.starts_with(['0', '1'])
        {
            nonportable.push(number);
            continue;
        }
        if state.numbers.contains_key(digits) || state.inventory.contains_key(digits) {
            hypernetwork.push(number.clone());
        }
        portable.push(number);
    }
    Ok(plain_json(
        StatusCode::OK,
        &json!({"data": {"hypernetwork_enabled": hypernetwork, "nonportable": nonportable, "portable": portable}}),
    ))
}

/// The simulated account has no port orders.
pub(crate) async fn list(State(ctx): State<Ctx>, uri: Uri) -> ApiResult {
    let q = Query::from_uri(&uri)?;
    let paging = q.paging(Some(200))?;
    let links = page_links(&ctx.base_url, "/v2/portorders", &[], paging, false);
    Ok(plain_json(
        StatusCode::OK,
        &json!({"data": [], "links": links}),
    ))
}
