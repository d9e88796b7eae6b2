//! Every example in the spec decodes into its generated type, and nothing in it
//! is lost on the way: a field the schema does not model would be silently dropped
//! by serde, so the decoded value is re-encoded and compared.

use serde_json::Value;

mod table {
    include!(concat!(env!("OUT_DIR"), "/examples.rs"));
}

/// Decodes one example: the label says where it is in the spec.
pub(crate) type Check = fn(&str) -> Result<(), String>;

pub(crate) fn decode<T: serde::de::DeserializeOwned + serde::Serialize>(
    json: &str,
) -> Result<(), String> {
    let original: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let typed: T = serde_json::from_value(original.clone()).map_err(|e| e.to_string())?;
    let again = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    match lost(&original, &again, "$") {
        Some(path) => Err(format!(
            "decodes, but {path} is not in the schema (dropped on decode)"
        )),
        None => Ok(()),
    }
}

/// The first path present (and not empty) in `original` but missing from `again`.
fn lost(original: &Value, again: &Value, at: &str) -> Option<String> {
    match (original, again) {
        (Value::Object(a), Value::Object(b)) => a.iter().find_map(|(k, v)| match b.get(k) {
            None if !is_default(v) => Some(format!("{at}.{k}")),
            None => None,
            Some(w) => lost(v, w, &format!("{at}.{k}")),
        }),
        (Value::Array(a), Value::Array(b)) => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (v, w))| lost(v, w, &format!("{at}[{i}]"))),
        _ => None,
    }
}

/// Values the generated types leave out when serialising (`skip_serializing_if`).
fn is_default(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

#[test]
fn every_spec_example_decodes_into_its_generated_type_without_losing_fields() {
    let failures: Vec<String> = table::EXAMPLES
        .iter()
        .filter_map(|(label, json, check)| check(json).err().map(|e| format!("{label}: {e}")))
        .collect();
    assert!(!table::EXAMPLES.is_empty(), "the spec has no examples");
    assert!(
        failures.is_empty(),
        "{} of {} examples fail:\n{}",
        failures.len(),
        table::EXAMPLES.len(),
        failures.join("\n")
    );
}

#[test]
fn a_field_missing_from_the_schema_is_reported() {
    let original = serde_json::json!({"data": {"id": "1", "extra": 2}});
    let again = serde_json::json!({"data": {"id": "1"}});
    assert_eq!(
        lost(&original, &again, "$").as_deref(),
        Some("$.data.extra")
    );
    let nulls = serde_json::json!({"data": {"id": "1", "alias": null}});
    assert_eq!(lost(&nulls, &again, "$"), None);
    let empty = serde_json::json!({"data": {"id": "1", "receipts": []}});
    assert_eq!(lost(&empty, &again, "$"), None);
}
