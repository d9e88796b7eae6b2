//! Turning any serializable answer into named cells, the shape both tables
//! and CSV print: the SDK's models are `Serialize`, so one walk over their
//! JSON form serves every type.

use serde::Serialize;
use serde_json::{Map, Value};

/// A record printed as a row: the columns a table shows of it (paths into its
/// JSON form, `a.b` for a nested field). JSON and CSV show every field.
pub trait Row: Serialize {
    /// The columns of the table, in order.
    const COLUMNS: &'static [&'static str];
}

/// The JSON form of a value; a failure here is a bug of a `Serialize` impl.
pub fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|e| Value::String(format!("<unprintable: {e}>")))
}

/// Every leaf of `value` by its dotted path, nested objects included: what a
/// vertical table of one record shows.
pub fn flatten(value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk("", value, &mut out);
    out
}

fn walk(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, inner) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                walk(&path, inner, out);
            }
        }
        other => out.push((prefix.to_string(), cell(other))),
    }
}

/// The top-level fields, nested ones as compact JSON: every record of a list
/// has the same ones, so they make a stable CSV header.
pub fn top_level(value: &Value) -> Vec<(String, String)> {
    match value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), cell(v))).collect(),
        other => vec![("value".to_string(), cell(other))],
    }
}

/// The field at a dotted `path`, as a cell; empty when absent.
pub fn at(value: &Value, path: &str) -> String {
    path.split('.')
        .try_fold(value, |v, key| v.get(key))
        .map(cell)
        .unwrap_or_default()
}

/// One value as text: nothing for null, strings as they are, a list of plain
/// values joined with commas, anything else as compact JSON.
pub fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(_) | Value::Number(_) => value.to_string(),
        Value::Array(items) if items.iter().all(is_plain) => {
            items.iter().map(cell).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

fn is_plain(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

/// A one-field record, for answers that are a single value (an id).
pub fn single(key: &str, value: impl Into<Value>) -> Value {
    let mut map = Map::new();
    map.insert(key.to_string(), value.into());
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_fields_get_dotted_paths_and_lists_join() {
        let v = json!({"a": {"b": 1, "c": null}, "d": ["x", "y"], "e": [{"f": 1}], "g": {}});
        let flat = flatten(&v);
        assert_eq!(
            flat,
            vec![
                ("a.b".into(), "1".into()),
                ("a.c".into(), String::new()),
                ("d".into(), "x, y".into()),
                ("e".into(), r#"[{"f":1}]"#.into()),
                ("g".into(), "{}".into()),
            ]
        );
        assert_eq!(at(&v, "a.b"), "1");
        assert_eq!(at(&v, "a.zz"), "");
        assert_eq!(top_level(&v)[0], ("a".into(), r#"{"b":1,"c":null}"#.into()));
    }
}
