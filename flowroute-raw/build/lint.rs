//! Structural checks on the OpenAPI document, run before progenitor sees it.
//!
//! progenitor panics on several spec shapes without saying which operation is at
//! fault (see `progenitor-notes.md`). Every rule here turns one of those panics, or
//! a silent mis-generation, into a one-line message naming the operation or schema
//! and the fix. The module is shared, by `#[path]`, between `build.rs` and xtask,
//! whose unit tests feed it malformed specs.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The only tags an operation may carry: one per resource family.
pub const TAGS: &[&str] = &[
    "numbers", "routes", "messages", "e911", "cnam", "porting", "cdrs",
];

/// Media types the generator step knows how to relabel and the hooks restore.
pub const MEDIA_TYPES: &[&str] = &["application/vnd.api+json", "application/json"];

/// The values of `x-retry-class`, which every operation carries; the spec's
/// `info.description` says what each means.
pub const RETRY_CLASSES: &[&str] = &["read", "idempotent", "not-idempotent", "never"];

/// The values of `x-rate-limit`, which only the operations counted against a
/// documented rate limit carry.
pub const RATE_LIMITS: &[&str] = &["message-send"];

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation, as the rest of the tooling needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(dead_code)] // each user of this shared module reads a different subset
pub struct Operation {
    /// `operationId`.
    pub id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// The single tag.
    pub tag: String,
    /// Media type of the request body as documented, if the operation has one.
    pub request_media_type: Option<String>,
    /// Media type the operation answers with (success body, else error body).
    pub response_media_type: String,
    /// `x-retry-class`, one of [`RETRY_CLASSES`].
    pub retry_class: String,
    /// `x-rate-limit`, one of [`RATE_LIMITS`], if any.
    pub rate_limit: Option<String>,
    /// Whether it is a list: it takes `limit` and `offset` query parameters.
    pub paged: bool,
    /// The `maximum` of a list's `limit`, `None` where none is documented.
    pub page_size_max: Option<u32>,
}

/// Parses the JSON copy of the spec that `cargo xtask regen` writes (xtask reads
/// the YAML itself, where duplicate keys are caught, and converts it).
#[allow(dead_code)] // xtask parses YAML instead
pub fn parse(text: &str) -> Result<Value, String> {
    serde_json::from_str::<Value>(text).map_err(|e| format!("spec is not valid JSON: {e}"))
}

/// Every problem found, one line each; empty when the spec is fit for generation.
pub fn lint(doc: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        other => problems.push(format!(
            "`openapi` is {other:?}: progenitor only reads OpenAPI 3.0.x; write `openapi: 3.0.3`"
        )),
    }
    check_refs(doc, doc, "", &mut problems);
    check_schemas(doc, &mut problems);
    operations_checked(doc, &mut problems);
    problems
}

/// The operations in file order, or the lint problems that prevent listing them.
#[allow(dead_code)] // only xtask lists operations without generating
pub fn operations(doc: &Value) -> Result<Vec<Operation>, Vec<String>> {
    let mut problems = Vec::new();
    let ops = operations_checked(doc, &mut problems);
    if problems.is_empty() {
        Ok(ops)
    } else {
        Err(problems)
    }
}

fn operations_checked(doc: &Value, problems: &mut Vec<String>) -> Vec<Operation> {
    let mut ops = Vec::new();
    let mut seen = BTreeMap::<String, String>::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        problems.push("the spec has no `paths` mapping".into());
        return ops;
    };
    for (path, item) in paths {
        let path = path.as_str();
        let path_params = item.get("parameters");
        for (method, op) in item.as_object().into_iter().flatten() {
            let method = method.as_str();
            if !METHODS.contains(&method) {
                continue;
            }
            let where_ = format!("{} {path}", method.to_uppercase());
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                problems.push(format!(
                    "operation {where_} has no operationId: add a snake_case `operationId` in Flowroute's words"
                ));
                continue;
            };
            let name = format!("operation `{id}` ({where_})");
            if !is_snake_case(id) {
                problems.push(format!("{name}: operationId is not snake_case"));
            }
            if let Some(other) = seen.insert(id.to_string(), where_.clone()) {
                problems.push(format!(
                    "{name}: operationId already used by {other}; make it unique"
                ));
            }
            let tags: Vec<&str> = op
                .get("tags")
                .and_then(Value::as_array)
                .map(|s| s.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let tag = match tags.as_slice() {
                [t] if TAGS.contains(t) => t.to_string(),
                _ => {
                    problems.push(format!(
                        "{name}: has tags {tags:?}; give it exactly one of {TAGS:?}"
                    ));
                    String::new()
                }
            };
            check_path_params(
                doc,
                path,
                path_params,
                op.get("parameters"),
                &name,
                problems,
            );
            let request_media_type = request_media_type(doc, op, &name, problems);
            let response_media_type = responses(doc, op, &name, problems);
            let retry_class = retry_class(op, &method.to_uppercase(), &name, problems);
            let rate_limit = rate_limit(op, &method.to_uppercase(), &name, problems);
            let (paged, page_size_max) =
                paging(doc, path_params, op.get("parameters"), &name, problems);
            ops.push(Operation {
                id: id.to_string(),
                method: method.to_uppercase(),
                path: path.to_string(),
                tag,
                request_media_type,
                response_media_type,
                retry_class,
                rate_limit,
                paged,
                page_size_max,
            });
        }
    }
    ops
}

/// The operation's `x-retry-class`. The SDK's retries, `Error::is_safe_to_retry`
/// and read-only clients rest on it, so a missing or doubtful class stops the
/// build rather than defaulting to anything.
fn retry_class(op: &Value, method: &str, name: &str, problems: &mut Vec<String>) -> String {
    let class = match op.get("x-retry-class") {
        None => {
            problems.push(format!(
                "{name}: has no `x-retry-class`; add one of {RETRY_CLASSES:?} (see the spec's info.description)"
            ));
            return String::new();
        }
        Some(Value::String(c)) if RETRY_CLASSES.contains(&c.as_str()) => c.as_str(),
        Some(other) => {
            problems.push(format!(
                "{name}: `x-retry-class: {}` is not one of {RETRY_CLASSES:?}",
                show(other)
            ));
            return String::new();
        }
    };
    let because = op.get("x-read-only-because");
    let confirmed = because
        .and_then(Value::as_str)
        .is_some_and(|why| !why.trim().is_empty());
    let read_beyond_get = class == "read" && method != "GET";
    if method == "GET" && class != "read" {
        problems.push(format!(
            "{name}: `x-retry-class: {class}` on a GET; a GET changes nothing on the account, so it is `read`"
        ));
    }
    if read_beyond_get && !confirmed {
        problems.push(format!(
            "{name}: `x-retry-class: read` on a {method} says it changes nothing on the account; confirm it with `x-read-only-because: <why>`, or choose another class"
        ));
    }
    if because.is_some() && !read_beyond_get {
        problems.push(format!(
            "{name}: `x-read-only-because` only confirms `x-retry-class: read` on a method other than GET; remove it"
        ));
    }
    class.to_string()
}

/// The operation's `x-rate-limit`, when it has one. A message is only ever
/// sent with a POST; the limiter reads the body to tell SMS from MMS.
fn rate_limit(op: &Value, method: &str, name: &str, problems: &mut Vec<String>) -> Option<String> {
    match op.get("x-rate-limit")? {
        Value::String(l) if RATE_LIMITS.contains(&l.as_str()) => {
            if method != "POST" {
                problems.push(format!(
                    "{name}: `x-rate-limit: {l}` on a {method}; only a POST sends a message"
                ));
            }
            Some(l.clone())
        }
        other => {
            problems.push(format!(
                "{name}: `x-rate-limit: {}` is not one of {RATE_LIMITS:?}",
                show(other)
            ));
            None
        }
    }
}

/// Whether the operation is a list, and the `maximum` of its `limit`.
fn paging(
    doc: &Value,
    item_params: Option<&Value>,
    op_params: Option<&Value>,
    name: &str,
    problems: &mut Vec<String>,
) -> (bool, Option<u32>) {
    let query: Vec<&Value> = [item_params, op_params]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| resolve(doc, p))
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
        .collect();
    let find = |wanted: &str| {
        query
            .iter()
            .find(|p| p.get("name").and_then(Value::as_str) == Some(wanted))
    };
    match (find("limit"), find("offset")) {
        (None, None) => (false, None),
        (Some(limit), Some(_)) => {
            let maximum = limit
                .get("schema")
                .map(|s| resolve(doc, s))
                .and_then(|s| s.get("maximum"));
            let Some(maximum) = maximum else {
                return (true, None);
            };
            match maximum
                .as_u64()
                .and_then(|m| u32::try_from(m).ok())
                .filter(|m| *m > 0)
            {
                Some(m) => (true, Some(m)),
                None => {
                    problems.push(format!(
                        "{name}: `limit` has `maximum: {}`, which is not a page size (a whole number from 1 to {})",
                        show(maximum),
                        u32::MAX
                    ));
                    (true, None)
                }
            }
        }
        _ => {
            problems.push(format!(
                "{name}: a list takes both `limit` and `offset` query parameters; declare both, or neither"
            ));
            (false, None)
        }
    }
}

fn is_snake_case(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !s.contains("__")
        && !s.ends_with('_')
}

fn check_path_params(
    doc: &Value,
    path: &str,
    item_params: Option<&Value>,
    op_params: Option<&Value>,
    name: &str,
    problems: &mut Vec<String>,
) {
    let declared: BTreeSet<String> = [item_params, op_params]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| resolve(doc, p))
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
        .collect();
    let in_template: BTreeSet<String> = path
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_string()))
        .collect();
    for missing in in_template.difference(&declared) {
        problems.push(format!(
            "{name}: path parameter `{missing}` is not declared; add it to `parameters`"
        ));
    }
    for extra in declared.difference(&in_template) {
        problems.push(format!(
            "{name}: declares path parameter `{extra}` that is not in the path"
        ));
    }
}

fn single_media_type<'a>(
    content: &'a Value,
    what: &str,
    name: &str,
    problems: &mut Vec<String>,
) -> Option<(&'a str, &'a Value)> {
    let entries: Vec<(&str, &Value)> = content
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    match entries.as_slice() {
        [(media, body)] => {
            if !MEDIA_TYPES.contains(media) {
                problems.push(format!(
                    "{name}: {what} has unknown media type `{media}`; use one of {MEDIA_TYPES:?}"
                ));
            }
            Some((media, body))
        }
        _ => {
            problems.push(format!(
                "{name}: {what} declares {} media types; declare exactly one (the documented one)",
                entries.len()
            ));
            None
        }
    }
}

fn schema_ref<'a>(
    media: &'a Value,
    what: &str,
    name: &str,
    problems: &mut Vec<String>,
) -> Option<&'a str> {
    let r = media
        .get("schema")
        .and_then(|s| s.get("$ref"))
        .and_then(Value::as_str);
    if r.is_none() {
        problems.push(format!(
            "{name}: {what} schema is inline; `$ref` a named schema under components.schemas"
        ));
    }
    r
}

fn request_media_type(
    doc: &Value,
    op: &Value,
    name: &str,
    problems: &mut Vec<String>,
) -> Option<String> {
    let body = resolve(doc, op.get("requestBody")?);
    let (media, content) = single_media_type(body.get("content")?, "request body", name, problems)?;
    schema_ref(content, "request body", name, problems);
    Some(media.to_string())
}

/// Checks the responses and returns the media type the operation answers with.
fn responses(doc: &Value, op: &Value, name: &str, problems: &mut Vec<String>) -> String {
    let mut success = BTreeSet::new();
    let mut errors = BTreeSet::new();
    let mut success_media = None;
    let mut error_media = None;
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        problems.push(format!("{name}: has no responses"));
        return String::new();
    };
    for (code, response) in responses {
        let code = code.clone();
        let is_success = code.starts_with('2');
        if code == "default" {
            problems.push(format!(
                "{name}: has a `default` response, which progenitor counts as both success and error; list the status codes instead"
            ));
            continue;
        }
        if !(code.len() == 3 && (code.chars().all(|c| c.is_ascii_digit()) || code.ends_with("XX")))
        {
            problems.push(format!(
                "{name}: response key `{code}` is not a status code"
            ));
            continue;
        }
        let response = resolve(doc, response);
        let Some(content) = response.get("content") else {
            continue;
        };
        let what = format!("response {code}");
        let Some((media, body)) = single_media_type(content, &what, name, problems) else {
            continue;
        };
        let Some(schema) = schema_ref(body, &what, name, problems) else {
            continue;
        };
        let (set, slot) = if is_success {
            (&mut success, &mut success_media)
        } else {
            (&mut errors, &mut error_media)
        };
        set.insert(schema.to_string());
        slot.get_or_insert_with(|| media.to_string());
    }
    for (kind, set) in [("success", &success), ("error", &errors)] {
        if set.len() > 1 {
            problems.push(format!(
                "{name}: {kind} responses have {} different schemas {set:?}; progenitor allows one",
                set.len()
            ));
        }
    }
    success_media
        .or(error_media)
        .unwrap_or_else(|| MEDIA_TYPES[0].to_string())
}

/// Follows a local `$ref` (one level is all this spec uses), or returns the value.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => lookup(doc, r).unwrap_or(v),
        None => v,
    }
}

fn lookup<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix("#/")?;
    pointer.split('/').try_fold(doc, |v, key| v.get(key))
}

fn check_refs(doc: &Value, v: &Value, at: &str, problems: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str)
                && lookup(doc, r).is_none()
            {
                problems.push(format!("`$ref: {r}` at {at} points nowhere; fix the name"));
            }
            for (k, child) in m {
                check_refs(doc, child, &format!("{at}/{}", k), problems);
            }
        }
        Value::Array(s) => {
            for (i, child) in s.iter().enumerate() {
                check_refs(doc, child, &format!("{at}/{i}"), problems);
            }
        }
        _ => {}
    }
}

/// A value as the spec author wrote it: strings bare, anything else as JSON.
fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn component_schemas(doc: &Value) -> Option<&Map<String, Value>> {
    doc.get("components")?.get("schemas")?.as_object()
}

fn check_schemas(doc: &Value, problems: &mut Vec<String>) {
    let Some(schemas) = component_schemas(doc) else {
        return;
    };
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (name, _) in schemas {
        let name = name.clone();
        if let Some(first) = names.insert(name.to_lowercase(), name.clone()) {
            problems.push(format!(
                "schema `{name}` and schema `{first}` differ only in case and generate the same Rust type; rename one"
            ));
        }
    }
    for (name, schema) in schemas {
        let name = name.clone();
        if schema.get("enum").is_some() {
            check_enum_values(&name, schema, problems);
        }
        walk_inline(
            schema,
            &format!("schema `{name}`"),
            true,
            &mut names,
            problems,
        );
    }
    for name in response_reachable(doc) {
        if let Some(schema) = schemas.get(name.as_str()) {
            forbid_closed_objects(schema, &format!("schema `{name}`"), problems);
        }
    }
}

/// Inline enums and titled inline schemas become generated types named after their
/// parent and property, which can collide with component names (typify #695).
fn walk_inline(
    v: &Value,
    at: &str,
    top: bool,
    names: &mut BTreeMap<String, String>,
    problems: &mut Vec<String>,
) {
    let Some(m) = v.as_object() else {
        if let Some(s) = v.as_array() {
            for (i, child) in s.iter().enumerate() {
                walk_inline(child, &format!("{at}[{i}]"), false, names, problems);
            }
        }
        return;
    };
    if m.get("pattern").is_some() {
        problems.push(format!(
            "{at}: `pattern` makes the generated code depend on the regress crate; describe the format and validate it in the flowroute crate"
        ));
    }
    if !top {
        let title = m.get("title").and_then(Value::as_str);
        if m.get("enum").is_some() && title.is_none() {
            problems.push(format!(
                "{at}: inline enum without a title; make it a named schema under components.schemas (or give it a unique `title`)"
            ));
        }
        if let Some(title) = title
            && let Some(other) = names.insert(title.to_lowercase(), format!("title at {at}"))
        {
            problems.push(format!(
                "{at}: title `{title}` names the same Rust type as {other}; choose another title"
            ));
        }
    }
    for (k, child) in m {
        let key = k;
        if matches!(key.as_str(), "example" | "examples" | "default" | "enum") {
            continue;
        }
        walk_inline(child, &format!("{at}.{key}"), false, names, problems);
    }
}

fn check_enum_values(name: &str, schema: &Value, problems: &mut Vec<String>) {
    let mut idents = BTreeMap::new();
    for value in schema
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(s) = value.as_str() else {
            problems.push(format!(
                "schema `{name}`: enum value {value:?} is not a string"
            ));
            continue;
        };
        let ident = variant_ident(s);
        if ident.is_empty() {
            problems.push(format!(
                "schema `{name}`: enum value `{s}` has no letters to name a variant"
            ));
        } else if let Some(prev) = idents.insert(ident.clone(), s.to_string()) {
            problems.push(format!(
                "schema `{name}`: enum values `{prev}` and `{s}` both become variant `{ident}`"
            ));
        }
    }
}

/// The Rust variant name for an enum wire value: `sip-reg` → `SipReg`, `US` → `Us`.
pub fn variant_ident(value: &str) -> String {
    let mut out = String::new();
    for word in value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

/// Names of component schemas reachable from any response body.
fn response_reachable(doc: &Value) -> BTreeSet<String> {
    let mut roots = Vec::new();
    let mut collect = |v: &Value| collect_refs(v, &mut roots);
    for (_, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for (_, op) in item.as_object().into_iter().flatten() {
            if let Some(r) = op.get("responses") {
                for (_, resp) in r.as_object().into_iter().flatten() {
                    collect(resolve(doc, resp));
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(r) = roots.pop() {
        let Some(name) = r.strip_prefix("#/components/schemas/") else {
            continue;
        };
        if seen.insert(name.to_string())
            && let Some(schema) = lookup(doc, &r)
        {
            collect_refs(schema, &mut roots);
        }
    }
    seen
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                if k == "$ref" {
                    if let Some(r) = child.as_str() {
                        out.push(r.to_string());
                    }
                } else {
                    collect_refs(child, out);
                }
            }
        }
        Value::Array(s) => s.iter().for_each(|c| collect_refs(c, out)),
        _ => {}
    }
}

fn forbid_closed_objects(v: &Value, at: &str, problems: &mut Vec<String>) {
    let Some(m) = v.as_object() else { return };
    if m.get("additionalProperties") == Some(&Value::Bool(false)) {
        problems.push(format!(
            "{at}: `additionalProperties: false` on a response schema rejects any field Flowroute adds; remove it"
        ));
    }
    for (k, child) in m {
        if !matches!(k.as_str(), "example" | "examples") {
            forbid_closed_objects(child, at, problems);
        }
    }
}
