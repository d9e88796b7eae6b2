//! E911 address validation. Field errors come back the way Flowroute
//! reports them: a 422 whose `detail` is an object,
//! `{"data":{"attributes":{"zip":["…"]}}}`, listing every bad field at once.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use flowroute_raw::open_enums::E911AddressType;
use serde_json::{Map, Value, json};

use crate::error::ApiError;

/// Stored attributes, by field name.
pub(crate) type Fields = BTreeMap<&'static str, String>;
type FieldErrors = BTreeMap<String, Vec<String>>;

pub(crate) const REQUIRED: [&str; 9] = [
    "label",
    "first_name",
    "last_name",
    "street_number",
    "street_name",
    "city",
    "state",
    "country",
    "zip",
];
const OPTIONAL: [&str; 2] = ["address_type", "address_type_number"];

fn field_name(name: &str) -> Option<&'static str> {
    REQUIRED
        .iter()
        .chain(OPTIONAL.iter())
        .copied()
        .find(|f| *f == name)
}

fn errors_at(path: &str, errors: FieldErrors) -> ApiError {
    let mut detail = json!(errors);
    for key in path.rsplit('.') {
        detail = json!({ key: detail });
    }
    ApiError::field_errors(detail)
}

/// The `data.attributes` object of a `{"data":{"type":"e911","attributes":{…}}}` body.
pub(crate) fn attributes(body: &Value) -> Result<&Map<String, Value>, ApiError> {
    let mut errors = FieldErrors::new();
    let data = body.get("data").and_then(Value::as_object);
    let Some(data) = data else {
        return Err(ApiError::field_errors(
            json!({"data": ["This field is required."]}),
        ));
    };
    if data.get("type").and_then(Value::as_str) != Some("e911") {
        errors.insert("type".into(), vec!["Must be \"e911\".".into()]);
    }
    for key in data
        .keys()
        .filter(|k| !matches!(k.as_str(), "type" | "attributes"))
    {
        errors.insert(key.clone(), vec!["Unknown field.".into()]);
    }
    match data.get("attributes").and_then(Value::as_object) {
        Some(attrs) if errors.is_empty() => Ok(attrs),
        Some(_) => Err(errors_at("data", errors)),
        None => {
            errors.insert("attributes".into(), vec!["This field is required.".into()]);
            Err(errors_at("data", errors))
        }
    }
}

fn check_value(name: &'static str, raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Err("This field may not be blank.".into());
    }
    match name {
        "state" if value.len() == 2 && value.bytes().all(|b| b.is_ascii_alphabetic()) => {
            Ok(value.to_ascii_uppercase())
        }
        "state" => Err("Must be a two-letter state or province code, such as WA.".into()),
        "country" if value.eq_ignore_ascii_case("US") || value.eq_ignore_ascii_case("CA") => {
            Ok(value.to_ascii_uppercase())
        }
        "country" => Err("Must be US or CA.".into()),
        "zip"
            if (4..=7).contains(&value.chars().count())
                && value.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ') =>
        {
            Ok(value.to_string())
        }
        "zip" => Err("ZIP code must be at least 4 and at most 7 digits long".into()),
        "address_type" => E911AddressType::KNOWN
            .iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(value))
            .map(|t| t.as_str().to_string())
            .ok_or_else(|| format!("\"{value}\" is not a valid choice.")),
        _ => Ok(value.to_string()),
    }
}

/// Validates `attrs` on top of `base` (the stored record for an update, empty
/// for a new address) and returns the resulting fields.
pub(crate) fn check(attrs: &Map<String, Value>, base: &Fields) -> Result<Fields, ApiError> {
    let mut errors = FieldErrors::new();
    let mut fields = base.clone();
    for (key, value) in attrs {
        let Some(name) = field_name(key) else {
            errors.insert(key.clone(), vec!["Unknown field.".into()]);
            continue;
        };
        let checked = match value {
            Value::String(s) => check_value(name, s),
            Value::Null => Err("This field may not be null.".into()),
            _ => Err("Not a valid string.".into()),
        };
        match checked {
            Ok(v) => {
                fields.insert(name, v);
            }
            Err(message) => {
                errors.insert(key.clone(), vec![message]);
            }
        }
    }
    for name in REQUIRED {
        if !fields.contains_key(name) && !errors.contains_key(name) {
            errors.insert(name.into(), vec!["This field is required.".into()]);
        }
    }
    if fields.contains_key("address_type")
        && !fields.contains_key("address_type_number")
        && !errors.contains_key("address_type_number")
    {
        errors.insert(
            "address_type_number".into(),
            vec!["This field is required when address_type is given.".into()],
        );
    }
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(errors_at("data.attributes", errors))
    }
}

/// A street nobody can find stands for Flowroute's geocoding failure.
pub(crate) fn geocode(fields: &Fields) -> Result<(), ApiError> {
    let street = fields.get("street_name").map(|s| s.to_ascii_lowercase());
    if street.is_some_and(|s| s.contains("nowhere")) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "Client Error",
            "Could not geocode this address. Please check the validity of your address.",
        ));
    }
    Ok(())
}
