//! Query strings: parsing, typed accessors that answer 422 naming the
//! parameter, `limit`/`offset` paging and the absolute page links.

use axum::extract::Query as AxumQuery;
use axum::http::Uri;
use serde_json::{Map, Value, json};

use crate::error::ApiError;

/// The decoded query string of one request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    pub(crate) fn from_uri(uri: &Uri) -> Result<Self, ApiError> {
        AxumQuery::<Vec<(String, String)>>::try_from_uri(uri)
            .map(|AxumQuery(pairs)| Query(pairs))
            .map_err(|e| ApiError::bad_request(format!("Malformed query string: {e}")))
    }

    /// The last value of `name`, treating an empty value as absent.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// A digits-only filter (`contains`, `ends_with`, `areacode`, …).
    pub(crate) fn digits(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(v.to_string())),
            Some(v) => Err(ApiError::invalid(
                name,
                format!("`{v}` must contain digits only"),
            )),
        }
    }

    pub(crate) fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(ApiError::invalid(
                name,
                format!("`{v}` is not a boolean (true or false)"),
            )),
        }
    }

    pub(crate) fn float(&self, name: &str) -> Result<Option<f64>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Some)
                .ok_or_else(|| ApiError::invalid(name, format!("`{v}` is not a number"))),
        }
    }

    /// `limit`/`offset`, with the endpoint's ceiling (`None`: no documented maximum).
    pub(crate) fn paging(&self, max_limit: Option<u64>) -> Result<Paging, ApiError> {
        let limit = match self.get("limit") {
            None => DEFAULT_LIMIT,
            Some(v) => v.parse::<u64>().map_err(|_| {
                ApiError::invalid("limit", format!("`{v}` is not a positive integer"))
            })?,
        };
        if limit < 1 {
            return Err(ApiError::invalid("limit", "must be at least 1"));
        }
        if let Some(max) = max_limit.filter(|max| limit > *max) {
            return Err(ApiError::invalid(
                "limit",
                format!("must be at most {max} for this list"),
            ));
        }
        let offset = match self.get("offset") {
            None => 0,
            Some(v) => v.parse::<u64>().map_err(|_| {
                ApiError::invalid("offset", format!("`{v}` is not a non-negative integer"))
            })?,
        };
        Ok(Paging { limit, offset })
    }
}

/// Page size when the request names none: the default of the `limit`
/// parameters in `openapi/flowroute.yaml`.
pub(crate) const DEFAULT_LIMIT: u64 = 10;

/// One page request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    pub(crate) limit: u64,
    pub(crate) offset: u64,
}

impl Paging {
    /// The items of this page, and whether more follow.
    pub(crate) fn slice<'a, T>(&self, items: &'a [T]) -> (&'a [T], bool) {
        let total = items.len();
        let start = usize::try_from(self.offset)
            .unwrap_or(usize::MAX)
            .min(total);
        let end = start
            .saturating_add(usize::try_from(self.limit).unwrap_or(usize::MAX))
            .min(total);
        (&items[start..end], end < total)
    }
}

/// Percent-encodes a query component (everything but RFC 3986 unreserved characters).
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn query_string(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `links` of a list page: `self` repeats the request with its filters in
/// alphabetical order and `limit`/`offset` made explicit; `next` only when
/// another page exists.
pub(crate) fn page_links(
    base: &str,
    path: &str,
    filters: &[(&str, String)],
    paging: Paging,
    has_more: bool,
) -> Value {
    let mut sorted: Vec<(&str, String)> = filters.to_vec();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let link = |offset: u64| {
        let mut pairs = sorted.clone();
        pairs.push(("limit", paging.limit.to_string()));
        pairs.push(("offset", offset.to_string()));
        format!("{base}{path}?{}", query_string(&pairs))
    };
    let mut links = Map::new();
    links.insert("self".into(), json!(link(paging.offset)));
    if has_more {
        links.insert(
            "next".into(),
            json!(link(paging.offset.saturating_add(paging.limit))),
        );
    }
    Value::Object(links)
}

/// `links` of a message list page: only `next` (Flowroute sends no `self`),
/// in the documented order `limit, start_date, end_date, offset`.
pub(crate) fn message_links(
    base: &str,
    prefix: &str,
    dates: &[(&str, String)],
    paging: Paging,
    has_more: bool,
) -> Value {
    let mut links = Map::new();
    if has_more {
        let mut pairs = vec![("limit", paging.limit.to_string())];
        pairs.extend(dates.iter().cloned());
        pairs.push((
            "offset",
            paging.offset.saturating_add(paging.limit).to_string(),
        ));
        links.insert(
            "next".into(),
            json!(format!("{base}{prefix}/messages?{}", query_string(&pairs))),
        );
    }
    Value::Object(links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_dates_like_flowroute() {
        assert_eq!(
            encode("2017-12-01T00:00:00+00:00"),
            "2017-12-01T00%3A00%3A00%2B00%3A00"
        );
    }

    #[test]
    fn slices_pages() {
        let items = [1, 2, 3, 4, 5];
        let p = Paging {
            limit: 2,
            offset: 4,
        };
        assert_eq!(p.slice(&items), (&items[4..5], false));
        let p = Paging {
            limit: 2,
            offset: 0,
        };
        assert_eq!(p.slice(&items), (&items[0..2], true));
    }
}
