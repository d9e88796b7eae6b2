//! `cargo xtask drift [UPSTREAM_SPEC…]`: what the spec has that the `flowroute`
//! crate does not wrap, and what Flowroute's published specs have that ours lacks.

use crate::{lint, regen::SPEC, wrapper};
use serde_yaml_ng::Value;
use std::{fs, path::Path};

pub fn run(root: &Path, upstream: &[&str]) -> Result<(), String> {
    let text = fs::read_to_string(root.join(SPEC)).map_err(|e| format!("{SPEC}: {e}"))?;
    let ops = lint::operations(&crate::parse_yaml(&text)?).map_err(|p| p.join("\n"))?;
    let wrapper = wrapper_source(&root.join("flowroute/src"))?;
    let unwrapped: Vec<&lint::Operation> =
        ops.iter().filter(|op| !wraps(&wrapper, &op.id)).collect();
    println!(
        "{} operations in {SPEC}; {} wrapped by the flowroute crate",
        ops.len(),
        ops.len() - unwrapped.len()
    );
    for op in &unwrapped {
        println!("  not wrapped: {:<40} {} {}", op.id, op.method, op.path);
    }

    let ours: Vec<(String, String)> = ops
        .iter()
        .map(|op| (op.method.clone(), shape(&op.path)))
        .collect();
    let doc = serde_yaml_ng::from_str::<Value>(&text).map_err(|e| format!("{SPEC}: {e}"))?;
    let explained = not_modelled(&doc);
    let mut missing = 0;
    for file in upstream {
        let text = fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
        let theirs = serde_yaml_ng::from_str::<Value>(&text).map_err(|e| format!("{file}: {e}"))?;
        let theirs = upstream_operations(&theirs);
        println!("{file}: {} operations", theirs.len());
        for (method, path) in theirs {
            let key = (method.clone(), shape(&path));
            if ours.contains(&key) {
                continue;
            }
            match explained
                .iter()
                .find(|(m, p, _)| (m.clone(), shape(p)) == key)
            {
                Some((_, _, why)) => println!("  not modelled, by choice: {method} {path}: {why}"),
                None => {
                    missing += 1;
                    println!("  missing from our spec: {method} {path}");
                }
            }
        }
    }
    if unwrapped.is_empty() && missing == 0 {
        Ok(())
    } else {
        Err(format!(
            "drift: {} unwrapped operation(s), {missing} upstream operation(s) missing",
            unwrapped.len()
        ))
    }
}

/// Every `.rs` file under `dir`, concatenated.
pub fn wrapper_source(dir: &Path) -> Result<String, String> {
    let mut text = String::new();
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            text.push_str(&wrapper_source(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            text.push_str(
                &fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?,
            );
        }
    }
    Ok(text)
}

/// The wrapper wraps an operation when it calls the generated builder method,
/// or declares it a list (the declaration calls it).
fn wraps(source: &str, operation_id: &str) -> bool {
    source.contains(&format!(".{operation_id}()"))
        || wrapper::declarations(source)
            .iter()
            .any(|d| d.operation == operation_id)
}

/// A path with its parameter names erased: `/v2/numbers/{id}` and
/// `/v2/numbers/{number_id}` are the same endpoint.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.trim_end_matches('/').chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

fn upstream_operations(doc: &Value) -> Vec<(String, String)> {
    const METHODS: &[&str] = &["get", "put", "post", "delete", "patch"];
    let mut ops = Vec::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        for (method, _) in item.as_mapping().into_iter().flatten() {
            if let (Some(path), Some(method)) = (path.as_str(), method.as_str())
                && METHODS.contains(&method)
            {
                ops.push((method.to_uppercase(), path.to_string()));
            }
        }
    }
    ops
}

/// `info.x-upstream-not-modelled`: upstream operations our spec leaves out on
/// purpose, each with the reason.
fn not_modelled(doc: &Value) -> Vec<(String, String, String)> {
    doc.get("info")
        .and_then(|i| i.get("x-upstream-not-modelled"))
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let field = |k: &str| e.get(k).and_then(Value::as_str).map(str::to_string);
            Some((
                field("method")?.to_uppercase(),
                field("path")?,
                field("reason")?,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_names_do_not_matter_when_matching_paths() {
        assert_eq!(shape("/v2/numbers/{id}"), shape("/v2/numbers/{number_id}"));
        assert_ne!(shape("/v2/numbers/{id}"), shape("/v2/numbers"));
        assert_eq!(shape("/v2/e911s/"), "/v2/e911s");
    }

    #[test]
    fn a_wrapper_counts_only_when_it_calls_the_generated_method() {
        let src = "self.raw.list_inbound_routes().limit(3)";
        assert!(wraps(src, "list_inbound_routes"));
        assert!(!wraps(src, "create_an_inbound_route"));
        assert!(!wraps(
            "fn list_inbound_routes_docs()",
            "list_inbound_routes"
        ));
        let declared =
            "list_query! {\n    RouteQuery for list_inbound_routes -> Route = Route::from_raw;\n}";
        assert!(wraps(declared, "list_inbound_routes"));
    }

    #[test]
    fn upstream_operations_are_read_from_json_or_yaml() {
        let doc: Value = serde_yaml_ng::from_str(
            r#"{"paths":{"/v2/routes":{"get":{},"post":{},"parameters":[]}}}"#,
        )
        .unwrap();
        assert_eq!(
            upstream_operations(&doc),
            vec![
                ("GET".to_string(), "/v2/routes".to_string()),
                ("POST".to_string(), "/v2/routes".to_string())
            ]
        );
    }
}
