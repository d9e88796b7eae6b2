//! What build.rs derives from the spec besides progenitor's output: the JSON:API
//! relabelling, the per-operation table (wire media types, retry class, paging),
//! the open enums and the example-decoding checks.

use crate::lint::{self, Operation};
use serde_json::Value;
use std::fmt::Write as _;

const JSON_API: &str = "application/vnd.api+json";
const JSON: &str = "application/json";

/// An enum schema whose values the server chooses: generated as an open enum.
pub struct OpenEnum {
    pub name: String,
    pub description: String,
    pub values: Vec<String>,
}

/// Component schemas with two or more string values. Single-value enums are the
/// request-side `type` discriminators, which stay closed.
pub fn open_enums(doc: &Value) -> Vec<OpenEnum> {
    let schemas = doc
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object);
    schemas
        .into_iter()
        .flatten()
        .filter_map(|(name, schema)| {
            let values: Vec<String> = schema
                .get("enum")?
                .as_array()?
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            (values.len() > 1).then(|| OpenEnum {
                name: name.clone(),
                description: schema
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
                values,
            })
        })
        .collect()
}

/// progenitor only understands `application/json`; the hooks restore the
/// documented media type on the wire from [`tables`].
pub fn relabel_json_api(spec: &mut openapiv3::OpenAPI) {
    use openapiv3::ReferenceOr;
    let relabel = |content: &mut openapiv3::Content| {
        if let Some(media) = content.shift_remove(JSON_API) {
            content.insert(JSON.to_string(), media);
        }
    };
    let response = |r: &mut ReferenceOr<openapiv3::Response>| {
        if let ReferenceOr::Item(r) = r {
            relabel(&mut r.content);
        }
    };
    for (_, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for op in ops.into_iter().flatten() {
            if let Some(ReferenceOr::Item(body)) = op.request_body.as_mut() {
                relabel(&mut body.content);
            }
            op.responses.default.iter_mut().for_each(response);
            op.responses.responses.values_mut().for_each(response);
        }
    }
    if let Some(components) = spec.components.as_mut() {
        components.responses.values_mut().for_each(response);
        for body in components.request_bodies.values_mut() {
            if let ReferenceOr::Item(body) = body {
                relabel(&mut body.content);
            }
        }
    }
}

/// Rust source for the operation table and the open enums.
pub fn tables(operations: &[Operation], enums: &[OpenEnum]) -> String {
    let mut s = String::new();
    s.push_str("/// Every operation of the spec, in spec order.\npub const OPERATIONS: &[crate::OperationSpec] = &[\n");
    for op in operations {
        let paging = match (op.paged, op.page_size_max) {
            (false, _) => "None".to_string(),
            (true, max) => format!("Some(crate::Paging {{ page_size_max: {max:?} }})"),
        };
        let _ = writeln!(
            s,
            "crate::OperationSpec {{ id: {:?}, method: {:?}, path: {:?}, tag: {:?}, content_type: {:?}, accept: {:?}, retry: crate::RetryClass::{}, rate_limit: crate::RateLimit::{}, paging: {paging} }},",
            op.id,
            op.method,
            op.path,
            op.tag,
            op.request_media_type,
            op.response_media_type,
            lint::variant_ident(&op.retry_class),
            lint::variant_ident(op.rate_limit.as_deref().unwrap_or("general")),
        );
    }
    s.push_str("];\n");
    s.push_str("/// Open enums: every server-chosen enum of the spec, keeping unknown values.\npub mod open_enums {\n");
    for e in enums {
        let mut doc = e.description.clone();
        if doc.is_empty() {
            doc = format!("`{}` values.", e.name);
        }
        let _ = writeln!(s, "    crate::open_enum!(");
        for line in doc.lines() {
            let _ = writeln!(s, "        #[doc = {:?}]", format!(" {line}"));
        }
        let _ = writeln!(s, "        {} {{", e.name);
        for v in &e.values {
            let _ = writeln!(s, "        {} = {:?},", lint::variant_ident(v), v);
        }
        s.push_str("    });\n");
    }
    s.push_str("}\n");
    s
}

/// A test-only table: each example of the spec with a function decoding it into
/// the generated type of its schema.
pub fn example_checks(doc: &Value) -> String {
    let replaced: Vec<String> = open_enums(doc).into_iter().map(|e| e.name).collect();
    let mut rows = Vec::new();
    let mut add = |label: String, schema_ref: &str, example: &Value| {
        let Some(name) = schema_ref.strip_prefix("#/components/schemas/") else {
            return;
        };
        if replaced.iter().any(|r| r == name) {
            return;
        }
        let json = serde_json::to_string(example).expect("a JSON value serialises");
        rows.push(format!(
            "    ({label:?}, {json:?}, crate::example_check::decode::<crate::types::{name}>),\n"
        ));
    };
    let content_examples =
        |content: &Value, label: &str, add: &mut dyn FnMut(String, &str, &Value)| {
            for body in content.as_object().into_iter().flat_map(|m| m.values()) {
                let Some(schema) = body
                    .get("schema")
                    .and_then(|s| s.get("$ref"))
                    .and_then(Value::as_str)
                else {
                    continue;
                };
                if let Some(example) = body.get("example") {
                    add(format!("{label} example"), schema, example);
                }
                for (name, ex) in body
                    .get("examples")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    if let Some(value) = ex.get("value") {
                        add(format!("{label} `{name}`"), schema, value);
                    }
                }
            }
        };
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or(path);
            if let Some(body) = op.get("requestBody").and_then(|b| b.get("content")) {
                content_examples(body, &format!("{id} request"), &mut add);
            }
            for (code, resp) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if let Some(content) = resp.get("content") {
                    content_examples(content, &format!("{id} {code}"), &mut add);
                }
            }
        }
    }
    let components = doc.get("components");
    for (name, resp) in components
        .and_then(|c| c.get("responses"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(content) = resp.get("content") {
            content_examples(content, &format!("response `{name}`"), &mut add);
        }
    }
    for (name, schema) in components
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(example) = schema.get("example") {
            add(
                format!("schema `{name}` example"),
                &format!("#/components/schemas/{name}"),
                example,
            );
        }
    }
    let mut s = String::from(
        "// @generated by flowroute-raw/build.rs: every example of the spec, with its decoder.\n\
         pub(crate) const EXAMPLES: &[(&str, &str, crate::example_check::Check)] = &[\n",
    );
    rows.iter().for_each(|r| s.push_str(r));
    s.push_str("];\n");
    s
}
