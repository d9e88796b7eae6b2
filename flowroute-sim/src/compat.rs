//! Where Flowroute's documentation and what its official clients send or
//! expect disagree, what the real service most likely does, and so what the
//! simulator does. `flowroute-sim/README.md` ("Compatibility") carries the
//! same table for users; the tests in `tests/compat.rs` and
//! `tests/python_sdk_shapes*.rs` hold both to it.
//!
//! Evidence ranks as: a capture of the real service beats the docs, which
//! beat an SDK's code or models. Captures here are the Python SDK README's
//! example outputs: `pprint` dumps of real answers, made by running the SDK
//! of the day (their ids, dates and random values are not hand-written), so
//! they show what the service accepted from that SDK (its git history,
//! `flowroute/flowroute-sdk-v3-python`, shows what it sent at the time).
//! The other sources are Flowroute's developer docs, its OpenAPI files and
//! the other official SDKs.
//!
//! | case | docs | official clients | real service, per the evidence | default | strict |
//! |---|---|---|---|---|---|
//! | route `edge_strategy` | `edge_strategy_id`, integer | Python demo `"edge_strategy": "1"`; .NET model `edge_strategy` | no capture; the demo sends it outside any `try` | another name for `edge_strategy_id` | 422 |
//! | message lookup dates | `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm:ss.SSZ`, UTC | Python: `2017-12-01T00:00:00`, no zone | README lookup output: its `next` link echoes the SDK's dates as `…T00:00:00+00:00` | a date-time without zone is UTC | 422 |
//! | message `is_mms` | boolean | Python README and demos, Node demos: `"true"`/`"false"` | no capture | the two strings read as booleans | 422 |
//! | account callback body | flat `{"callback_url"}` | Python: `{"data":{"attributes":{…}}}` | no capture | both | flat only |
//! | JSON body without `Content-Type` | `application/vnd.api+json` (`application/json` for porting) | Python: alias, number callback, route assignment, E911 validate/create/update | README E911 create/update outputs, made while those calls sent no type | read as JSON | 415 |
//! | form body: CNAM create, portability | JSON | Python and Ruby form-encode both | README CNAM create output (`FR H5K8`), the call form-encoded since it was written | `application/x-www-form-urlencoded` accepted there | 415 |
//! | portability numbers | E.164 with `+`, required | Python demo: `14254664444` | no capture | 11 digits without `+` read as `+1…` | 422 |
//! | CNAM assignment path | `/relationships/cnams[/{id}]` (and Node) | Python, PHP, .NET, Ruby: `/relationships/cnam[/{id}]` | README associate/unassociate outputs (202), made with the singular path | both | plural only (404) |
//! | E911 update body | `{"data":{"type","attributes":{changes}}}` | Python PATCHes back the fetched document: `id`, `links`, `zip_code`, null `address_type(_number)` | README update output (200) made while the SDK sent `id` and `links`; none for `zip_code` or the nulls | `id` (the URL's) and `links` ignored, `zip_code` another name for `zip`, null removes the address type | 422 field errors |
//! | CDR export list items | flat, the JSON:API list convention | Python demo reads `data[0]['data']['id']` | README list output wraps each item in `{"data": …}`, links on the internal `http://cdr-api/` host: a capture | wrapped | flat |
//!
//! Default mode is tolerant where evidence is split: it accepts what the
//! official clients send and answers in the shape the strongest evidence
//! shows. Strict mode answers exactly as the docs say, for developing an
//! SDK against them; it is set with `SimulatorBuilder::strict`, `--strict`
//! or `PUT /__sim/strict`. Links stay on the simulator's own base URL in
//! both modes: an internal host such as `cdr-api` cannot be followed.

use axum::http::Method;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::validate::is_nanp;

/// Route create: the Python demo's and .NET model's `edge_strategy` becomes
/// `edge_strategy_id` (a digit string or integer; if both are given they
/// must agree). Returns the name of the member that named the edge strategy,
/// for the error about an unknown one. Strict mode leaves the body alone,
/// so decoding refuses the unknown attribute.
pub(crate) fn route_edge_strategy(doc: &mut Value, strict: bool) -> Result<&'static str, ApiError> {
    const FIELD: &str = "data.attributes.edge_strategy";
    let Some(attrs) = doc
        .pointer_mut("/data/attributes")
        .and_then(Value::as_object_mut)
    else {
        return Ok("data.attributes.edge_strategy_id");
    };
    if strict || !attrs.contains_key("edge_strategy") {
        return Ok("data.attributes.edge_strategy_id");
    }
    let alias = attrs.remove("edge_strategy").unwrap_or(Value::Null);
    let id = match &alias {
        Value::Number(n) => n.as_i64(),
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok()
        }
        _ => None,
    }
    .and_then(|id| i32::try_from(id).ok())
    .ok_or_else(|| {
        ApiError::invalid(
            FIELD,
            format!("{alias} is not an edge strategy id (see /v2/routes/edge_strategies)"),
        )
    })?;
    match attrs.get("edge_strategy_id") {
        None | Some(Value::Null) => {
            attrs.insert("edge_strategy_id".into(), json!(id));
            Ok(FIELD)
        }
        Some(other) if other.as_i64() == Some(i64::from(id)) => Ok(FIELD),
        Some(other) => Err(ApiError::invalid(
            FIELD,
            format!("{alias} names another edge strategy than edge_strategy_id {other}"),
        )),
    }
}

/// Message send: the string forms of `is_mms` that the Python and Node demos
/// send, `"true"` and `"false"`, become booleans; `message` is the flat body
/// or the wrapper's `attributes`. Strict mode leaves them to be refused.
pub(crate) fn message_flags(message: &mut Value, strict: bool) {
    if strict {
        return;
    }
    if let Some(flag) = message.get_mut("is_mms")
        && let Some(b) = flag.as_str().and_then(string_bool)
    {
        *flag = Value::Bool(b);
    }
}

fn string_bool(s: &str) -> Option<bool> {
    match s {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Whether a send body's `is_mms` asks for an MMS, in either form the
/// default mode accepts. The rate limiter classifies with it before
/// validation; a strict simulator refuses the string form afterwards, and
/// such a send, like any invalid one, spends the budget of the class it claims.
pub(crate) fn is_mms_flag(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => string_bool(s) == Some(true),
        _ => false,
    }
}

/// Message lookups: whether a date-time without a zone, as the Python SDK
/// turns `"2017-12-01"` into (`2017-12-01T00:00:00`), is read as UTC
/// (default) or refused (strict; the docs give `…T14:34:01.321Z`).
pub(crate) fn zoneless_date_time_accepted(strict: bool) -> bool {
    !strict
}

/// Account-level callback: whether a body in the Python SDK's JSON:API
/// wrapper is read (default) or refused as the docs' flat body (strict).
pub(crate) fn wrapped_callback_accepted(body: &Value, strict: bool) -> bool {
    !strict && body.get("data").is_some()
}

/// Whether a body without `Content-Type` is read as JSON (default), or
/// refused with 415 (strict).
pub(crate) fn untyped_body_accepted(strict: bool) -> bool {
    !strict
}

/// The operations the Python and Ruby SDKs send form-encoded, where the
/// default mode reads `application/x-www-form-urlencoded` too.
pub(crate) fn form_accepted(method: &Method, path: &str, strict: bool) -> bool {
    !strict && method == Method::POST && matches!(path, "/v2/cnams" | "/v2/portorders/portability")
}

/// Portability: an 11-digit North American number without `+`, as the
/// Python demo sends it, is read (and answered) as E.164 `+1…`.
pub(crate) fn portability_number(number: String, strict: bool) -> String {
    if !strict && is_nanp(&number) {
        format!("+{number}")
    } else {
        number
    }
}

/// The singular `/relationships/cnam` paths: served in the default mode,
/// not found in strict mode (the docs name only `/relationships/cnams`).
pub(crate) fn singular_cnam_path(strict: bool) -> Result<(), ApiError> {
    if strict {
        Err(ApiError::not_found())
    } else {
        Ok(())
    }
}

/// What an E911 update body asks beyond the documented attributes.
#[derive(Debug, Default)]
pub(crate) struct E911Update {
    /// Optional attributes sent as null: to be removed from the address.
    pub(crate) cleared: Vec<&'static str>,
}

/// E911 update, default mode: reads the document the Python SDK PATCHes
/// back. `data.id` must be the id in the URL and is dropped with
/// `data.links`; `zip_code` becomes `zip` (they must agree when both are
/// given); a null `address_type` or `address_type_number` is taken out of
/// the attributes and reported as cleared. Strict mode leaves the body to
/// the documented checks, which refuse all of these.
pub(crate) fn e911_update(
    body: &mut Value,
    url_id: &str,
    strict: bool,
) -> Result<E911Update, ApiError> {
    let mut update = E911Update::default();
    if strict {
        return Ok(update);
    }
    let Some(data) = body.get_mut("data").and_then(Value::as_object_mut) else {
        return Ok(update);
    };
    data.remove("links");
    if let Some(id) = data.remove("id") {
        let same = match &id {
            Value::String(s) => s == url_id,
            Value::Number(n) => n.to_string() == url_id,
            _ => false,
        };
        if !same {
            return Err(field_error(
                &["data"],
                "id",
                &format!("Does not match the id in the URL ({url_id})."),
            ));
        }
    }
    let Some(attrs) = data.get_mut("attributes").and_then(Value::as_object_mut) else {
        return Ok(update);
    };
    if let Some(zip_code) = attrs.remove("zip_code") {
        match attrs.get("zip") {
            Some(zip) if *zip != zip_code => {
                return Err(field_error(
                    &["data", "attributes"],
                    "zip_code",
                    "Does not match zip.",
                ));
            }
            Some(_) => {}
            None => {
                attrs.insert("zip".into(), zip_code);
            }
        }
    }
    for name in ["address_type", "address_type_number"] {
        if attrs.get(name) == Some(&Value::Null) {
            attrs.remove(name);
            update.cleared.push(name);
        }
    }
    Ok(update)
}

/// A 422 with Flowroute's object-valued detail naming one field under `path`.
fn field_error(path: &[&str], field: &str, message: &str) -> ApiError {
    let mut detail = json!({ field: [message] });
    for key in path.iter().rev() {
        let mut outer = Map::new();
        outer.insert((*key).to_string(), detail);
        detail = Value::Object(outer);
    }
    ApiError::field_errors(detail)
}

/// One item of the CDR export list: wrapped in `{"data": …}` as the
/// captured README example shows (default), or flat (strict).
pub(crate) fn cdr_list_item(resource: Value, strict: bool) -> Value {
    if strict {
        resource
    } else {
        json!({"data": resource})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(attrs: Value) -> Value {
        json!({"data": {"type": "route", "attributes": attrs}})
    }

    #[test]
    fn edge_strategy_is_another_name_for_edge_strategy_id_unless_strict() {
        let mut doc = route(json!({"edge_strategy": "1"}));
        assert_eq!(
            route_edge_strategy(&mut doc, false).unwrap(),
            "data.attributes.edge_strategy"
        );
        assert_eq!(doc, route(json!({"edge_strategy_id": 1})));

        let mut same = route(json!({"edge_strategy": 4, "edge_strategy_id": 4}));
        assert!(route_edge_strategy(&mut same, false).is_ok());
        let mut other = route(json!({"edge_strategy": "2", "edge_strategy_id": 4}));
        assert_eq!(
            route_edge_strategy(&mut other, false).unwrap_err().status(),
            422
        );
        let mut bad = route(json!({"edge_strategy": "east"}));
        assert!(
            route_edge_strategy(&mut bad, false)
                .unwrap_err()
                .detail_text()
                .starts_with("data.attributes.edge_strategy:")
        );

        let mut strict = route(json!({"edge_strategy": "1"}));
        route_edge_strategy(&mut strict, true).unwrap();
        assert_eq!(strict, route(json!({"edge_strategy": "1"})));
    }

    #[test]
    fn is_mms_strings_become_booleans_unless_strict() {
        let mut m = json!({"is_mms": "true"});
        message_flags(&mut m, false);
        assert_eq!(m, json!({"is_mms": true}));
        let mut odd = json!({"is_mms": "yes"});
        message_flags(&mut odd, false);
        assert_eq!(odd, json!({"is_mms": "yes"}));
        let mut strict = json!({"is_mms": "false"});
        message_flags(&mut strict, true);
        assert_eq!(strict, json!({"is_mms": "false"}));
        assert!(is_mms_flag(Some(&json!("true"))) && is_mms_flag(Some(&json!(true))));
        assert!(!is_mms_flag(Some(&json!("false"))) && !is_mms_flag(None));
    }

    #[test]
    fn the_python_update_document_is_read_unless_strict() {
        let sent = json!({"data": {"id": "21845", "type": "e911",
            "links": {"self": "http://x/v2/e911s/21845"},
            "attributes": {"last_name": "Wiley", "zip_code": "98101", "address_type": null,
                           "address_type_number": null}}});
        let mut body = sent.clone();
        let update = e911_update(&mut body, "21845", false).unwrap();
        assert_eq!(update.cleared, ["address_type", "address_type_number"]);
        assert_eq!(
            body,
            json!({"data": {"type": "e911", "attributes": {"last_name": "Wiley", "zip": "98101"}}})
        );

        let mut strict = sent.clone();
        assert!(
            e911_update(&mut strict, "21845", true)
                .unwrap()
                .cleared
                .is_empty()
        );
        assert_eq!(strict, sent);

        let mut elsewhere = sent.clone();
        let err = e911_update(&mut elsewhere, "1", false).unwrap_err();
        assert_eq!(
            err.detail_text(),
            r#"{"data":{"id":["Does not match the id in the URL (1)."]}}"#
        );
        let mut clash =
            json!({"data": {"type": "e911", "attributes": {"zip": "98101", "zip_code": "98104"}}});
        assert!(e911_update(&mut clash, "1", false).is_err());
    }

    #[test]
    fn form_bodies_portability_and_paths() {
        assert!(form_accepted(&Method::POST, "/v2/cnams", false));
        assert!(form_accepted(
            &Method::POST,
            "/v2/portorders/portability",
            false
        ));
        assert!(!form_accepted(&Method::POST, "/v2/cnams", true));
        assert!(!form_accepted(&Method::POST, "/v2/routes", false));
        assert!(!form_accepted(&Method::PATCH, "/v2/cnams", false));
        assert_eq!(
            portability_number("14254664444".into(), false),
            "+14254664444"
        );
        assert_eq!(
            portability_number("14254664444".into(), true),
            "14254664444"
        );
        assert_eq!(portability_number("4254664444".into(), false), "4254664444");
        assert!(singular_cnam_path(false).is_ok());
        assert_eq!(singular_cnam_path(true).unwrap_err().status(), 404);
        assert_eq!(
            cdr_list_item(json!({"id": 1}), false),
            json!({"data": {"id": 1}})
        );
        assert_eq!(cdr_list_item(json!({"id": 1}), true), json!({"id": 1}));
    }
}
