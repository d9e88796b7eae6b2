//! Request bodies: malformed JSON is a 400; JSON of the wrong shape is a 422
//! whose detail names the offending field by its JSON path. Bodies are decoded
//! into the generated `flowroute_raw::types`, so the simulator accepts exactly
//! what the spec declares, after `crate::compat` has mapped what official
//! clients send instead. Two operations also read form-encoded bodies.

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

/// The essence of the request's `Content-Type` (`application/json`), lower-case.
pub(crate) fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(
        value
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase(),
    )
}

pub(crate) const FORM: &str = "application/x-www-form-urlencoded";

/// A required body, JSON or (when labelled so) form-encoded; the form
/// becomes a JSON object whose names in `lists` are arrays, repeated or not,
/// and whose other names are strings. The router lets forms reach only the
/// operations that accept them.
pub(crate) fn json_or_form(
    headers: &HeaderMap,
    body: &Bytes,
    lists: &[&str],
) -> Result<Value, ApiError> {
    if media_type(headers).as_deref() != Some(FORM) {
        return json_value(body);
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::bad_request("Malformed form body: not UTF-8."))?;
    let mut object = serde_json::Map::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (name, value) = (form_decode(name)?, Value::String(form_decode(value)?));
        if lists.contains(&name.as_str()) {
            let list = object
                .entry(name)
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list {
                items.push(value);
            }
        } else if object.insert(name.clone(), value).is_some() {
            return Err(ApiError::invalid(&name, "given more than once"));
        }
    }
    if object.is_empty() {
        return Err(ApiError::bad_request("A request body is required."));
    }
    Ok(Value::Object(object))
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
fn form_decode(raw: &str) -> Result<String, ApiError> {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut input = raw.bytes();
    while let Some(b) = input.next() {
        match b {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = [input.next(), input.next()];
                let byte = match hex {
                    [Some(h), Some(l)] => std::str::from_utf8(&[h, l])
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok()),
                    _ => None,
                };
                bytes.push(byte.ok_or_else(|| {
                    ApiError::bad_request(format!("Malformed form body: bad escape in `{raw}`."))
                })?);
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8(bytes).map_err(|_| ApiError::bad_request("Malformed form body: not UTF-8."))
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
        // serde reports a missing field at its parent; name the field itself.
        // (An unknown field's path already ends with it.)
        let field = backticked(&message).filter(|field| {
            message.starts_with("missing field")
                || (message.starts_with("unknown field") && path.rsplit('.').next() != Some(*field))
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

        let unknown = Bytes::from_static(br#"{"data":{"type":"route","attributes":{"route_type":"host","value":"a.com","alias":"x","color":"red"}}}"#);
        let err = decode::<NewRouteDocument>(&unknown).unwrap_err();
        assert!(
            detail(err.clone()).starts_with("data.attributes.color: unknown field"),
            "{}",
            detail(err)
        );
    }

    fn form(body: &'static str) -> Result<Value, ApiError> {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, FORM.parse().unwrap());
        json_or_form(&headers, &Bytes::from_static(body.as_bytes()), &["numbers"])
    }

    #[test]
    fn forms_read_as_json_objects() {
        assert_eq!(
            form("value=FR+TEST").unwrap(),
            serde_json::json!({"value": "FR TEST"})
        );
        assert_eq!(
            form("numbers=%2B14254664444&numbers=18827833439").unwrap(),
            serde_json::json!({"numbers": ["+14254664444", "18827833439"]})
        );
        assert_eq!(
            form("numbers=1").unwrap(),
            serde_json::json!({"numbers": ["1"]})
        );
        assert_eq!(
            form("value=%C3%A9").unwrap(),
            serde_json::json!({"value": "é"})
        );
        assert_eq!(form("value=a&value=b").unwrap_err().status().as_u16(), 422);
        assert_eq!(form("value=%zz").unwrap_err().status().as_u16(), 400);
        assert_eq!(form("").unwrap_err().status().as_u16(), 400);
        // Without the form media type the body is JSON.
        let json = json_or_form(
            &HeaderMap::new(),
            &Bytes::from_static(b"{\"value\":\"x\"}"),
            &[],
        );
        assert_eq!(json.unwrap(), serde_json::json!({"value": "x"}));
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        let err = decode::<NewRouteDocument>(&Bytes::from_static(b"{nope")).unwrap_err();
        assert_eq!(err.status().as_u16(), 400);
    }
}
