//! Request bodies: malformed JSON is a 400; JSON of the wrong shape is a 422
//! whose detail names the offending field by its JSON path. Bodies are decoded
//! into the generated `flowroute_raw::types`, so the simulator accepts exactly
//! what the spec declares.

use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;

/// Whether the request says it carries a body.
pub(crate) fn announces_body(headers: &HeaderMap) -> bool {
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .is_some_and(|len| len > 0)
}

/// Parses a required JSON body.
pub(crate) fn json_value(body: &Bytes) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("A JSON request body is required."));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("Malformed JSON body: {e}")))
}

/// Parses and decodes a required JSON body.
pub(crate) fn decode<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    from_value(json_value(body)?, "")
}

/// Decodes a JSON value; `prefix` is the path of `value` inside the body
/// (for bodies accepted in two wrappings), used to name fields in errors.
pub(crate) fn from_value<T: DeserializeOwned>(value: Value, prefix: &str) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut path = e.path().to_string();
        if path == "." {
            path.clear();
        }
        let message = e.inner().to_string();
        // serde reports a missing or unknown field at its parent; name the field itself.
        let field = backticked(&message).filter(|_| {
            message.starts_with("missing field") || message.starts_with("unknown field")
        });
        let mut full = prefix.to_string();
        for part in [path.as_str(), field.unwrap_or("")] {
            if !part.is_empty() {
                if !full.is_empty() {
                    full.push('.');
                }
                full.push_str(part);
            }
        }
        if full.is_empty() {
            full.push_str("body");
        }
        ApiError::invalid(&full, message)
    })
}

/// The first `` `quoted` `` word of a serde message.
fn backticked(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowroute_raw::types::NewRouteDocument;

    fn detail(err: ApiError) -> String {
        err.detail_text()
    }

    #[test]
    fn names_missing_and_mistyped_fields() {
        let missing = Bytes::from_static(
            br#"{"data":{"type":"route","attributes":{"route_type":"host","value":"a.com"}}}"#,
        );
        let err = decode::<NewRouteDocument>(&missing).unwrap_err();
        assert!(detail(err).starts_with("data.attributes.alias:"));

        let mistyped = Bytes::from_static(br#"{"data":{"type":"route","attributes":{"route_type":"host","value":5,"alias":"x"}}}"#);
        let err = decode::<NewRouteDocument>(&mistyped).unwrap_err();
        assert!(detail(err).starts_with("data.attributes.value:"));
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        let err = decode::<NewRouteDocument>(&Bytes::from_static(b"{nope")).unwrap_err();
        assert_eq!(err.status().as_u16(), 400);
    }
}
