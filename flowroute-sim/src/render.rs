//! JSON:API resources as Flowroute answers them. Built as JSON rather than
//! through the generated types because those drop `null` members
//! (`"alias": null`, `"data": null`) that Flowroute sends; the tests decode
//! every answer into the generated types to keep the shapes honest.

use chrono::{DateTime, SecondsFormat, Timelike, Utc};
use serde_json::{Map, Value, json};

use crate::model::{AccountNumber, CdrExport, CnamRecord, E911Address, Mdr, Media, Route};
use crate::state::State;

/// MDR and DLR timestamps: two-digit fraction and `Z` (`2017-12-22T01:52:39.39Z`).
pub(crate) fn mdr_time(t: DateTime<Utc>) -> String {
    format!(
        "{}.{:02}Z",
        t.format("%Y-%m-%dT%H:%M:%S"),
        t.nanosecond() / 10_000_000 % 100
    )
}

/// CNAM timestamps: `2018-04-16 16:20:32.939166+00:00`.
pub(crate) fn cnam_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S%.6f+00:00").to_string()
}

/// CDR export timestamps: `2019-03-18T23:20:30+00:00`.
pub(crate) fn iso_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// `$0.0040` for 4 000 000 nanodollars.
pub(crate) fn amount_display(nanodollars: i64) -> String {
    format!("${:.4}", nanodollars as f64 / 1e9)
}

fn identifier(id: impl ToString, kind: &str) -> Value {
    json!({"data": {"id": id.to_string(), "type": kind}})
}

fn to_one(id: Option<impl ToString>, kind: &str) -> Value {
    match id {
        Some(id) => identifier(id, kind),
        None => json!({"data": null}),
    }
}

/// The six attributes every number answer carries.
pub(crate) fn number_attributes(n: &AccountNumber) -> Map<String, Value> {
    let mut a = Map::new();
    a.insert("alias".into(), json!(n.alias));
    a.insert("cnam_lookups_enabled".into(), json!(n.cnam_lookups_enabled));
    a.insert("number_type".into(), json!(n.info.number_type()));
    a.insert("rate_center".into(), json!(n.info.rate_center));
    a.insert("state".into(), json!(n.info.state));
    a.insert("value".into(), json!(n.info.value));
    a
}

/// A number as listed: flat, no relationships.
pub(crate) fn number_item(base: &str, n: &AccountNumber) -> Value {
    json!({
        "attributes": number_attributes(n),
        "id": n.info.value,
        "links": {"self": format!("{base}/v2/numbers/{}", n.info.value)},
        "type": "number",
    })
}

/// One number with relationships and `included` (details, purchase, update).
/// `purchase` adds the attributes of the documented v2.1 purchase answer.
pub(crate) fn number_document(
    base: &str,
    state: &State,
    n: &AccountNumber,
    purchase: bool,
) -> Value {
    let mut attributes = number_attributes(n);
    if purchase {
        let i = &n.info;
        for (k, v) in [
            ("status", json!("PURCHASED")),
            ("note", Value::Null),
            ("monthly_cost", json!(i.monthly_cost)),
            ("rate_type", json!(i.rate_type())),
            ("iso_country", json!("US")),
            ("inbound_rate", json!(i.inbound_rate)),
            ("messaging_enabled", json!(n.messaging_enabled)),
            ("setup_cost", json!(i.setup_cost)),
            ("tier", json!(i.tier)),
        ] {
            attributes.insert(k.into(), v);
        }
    }
    let mut included = Vec::new();
    for id in [n.primary_route, n.failover_route].into_iter().flatten() {
        if let Some(route) = state.routes.get(&id) {
            let resource = route_resource(base, route);
            if !included.contains(&resource) {
                included.push(resource);
            }
        }
    }
    if let Some(e) = n.e911.and_then(|id| state.e911s.get(&id)) {
        included.push(e911_resource(base, e));
    }
    if let Some(c) = n.cnam.and_then(|id| state.cnams.get(&id)) {
        included.push(cnam_resource(base, c));
    }
    let self_link = format!("{base}/v2/numbers/{}", n.info.value);
    json!({
        "data": {
            "attributes": attributes,
            "id": n.info.value,
            "links": {"self": self_link},
            "relationships": {
                "cnam_preset": to_one(n.cnam, "cnam"),
                "e911_address": to_one(n.e911, "e911"),
                "failover_route": to_one(n.failover_route, "route"),
                "primary_route": to_one(n.primary_route, "route"),
            },
            "type": "number",
        },
        "included": included,
        "links": {"self": self_link},
    })
}

pub(crate) fn route_resource(base: &str, r: &Route) -> Value {
    json!({
        "attributes": {
            "alias": r.alias,
            "edge_strategy_id": r.edge_strategy_id,
            "route_type": r.route_type,
            "value": r.value,
        },
        "id": r.id.to_string(),
        "links": {"self": format!("{base}/v2/routes/{}", r.id)},
        "type": "route",
    })
}

pub(crate) fn e911_resource(base: &str, e: &E911Address) -> Value {
    json!({
        "attributes": e.fields,
        "id": e.id.to_string(),
        "links": {"self": format!("{base}/v2/e911s/{}", e.id)},
        "type": "e911",
    })
}

pub(crate) fn cnam_resource(base: &str, c: &CnamRecord) -> Value {
    json!({
        "attributes": {
            "approval_datetime": c.approved.map(cnam_time),
            "creation_datetime": cnam_time(c.created),
            "is_approved": c.approved.is_some(),
            "rejection_reason": c.rejection_reason,
            "value": c.value,
        },
        "id": c.id.to_string(),
        "links": {"self": format!("{base}/v2/cnams/{}", c.id)},
        "type": "cnam",
    })
}

pub(crate) fn media_resource(base: &str, m: &Media) -> Value {
    json!({
        "attributes": {
            "file_name": m.file_name,
            "file_size": m.file_size,
            "mime_type": m.mime_type,
            "url": m.url,
        },
        "id": m.id,
        "links": {"self": format!("{base}/v2.2/media/{}", m.id)},
        "type": "media",
    })
}

/// A message detail record; the same object is the `data` of inbound webhooks.
pub(crate) fn mdr_resource(m: &Mdr) -> Value {
    let receipts: Vec<Value> = m
        .receipts
        .iter()
        .map(|r| {
            json!({
                "level": r.level,
                "status": r.status,
                "status_code": r.status_code,
                "status_code_description": r.description,
                "timestamp": mdr_time(r.timestamp),
            })
        })
        .collect();
    let mut attributes = json!({
        "amount_display": amount_display(m.amount_nanodollars),
        "amount_nanodollars": m.amount_nanodollars,
        "body": m.body,
        "delivery_receipts": receipts,
        "direction": if m.outbound { "outbound" } else { "inbound" },
        "from": m.from,
        "is_mms": m.is_mms,
        "message_encoding": m.encoding,
        "message_type": m.message_type,
        "status": m.status,
        "timestamp": mdr_time(m.timestamp),
        "to": m.to,
    });
    if let (Some(url), Some(map)) = (&m.message_callback_url, attributes.as_object_mut()) {
        map.insert("message_callback_url".into(), json!(url));
    }
    let mut resource = json!({"attributes": attributes, "id": m.id, "type": "message"});
    if m.is_mms {
        let media: Vec<Value> = m
            .media
            .iter()
            .map(|x| json!({"id": x.id, "type": "media"}))
            .collect();
        resource["relationships"] = json!({"media": {"data": media}});
    }
    resource
}

/// An MDR document: the record, plus its media in `included` for an MMS.
pub(crate) fn mdr_document(base: &str, m: &Mdr) -> Value {
    let mut doc = json!({"data": mdr_resource(m)});
    if m.is_mms {
        let included: Vec<Value> = m.media.iter().map(|x| media_resource(base, x)).collect();
        doc["included"] = json!(included);
    }
    doc
}

pub(crate) fn cdr_export_resource(base: &str, e: &CdrExport) -> Value {
    let r = e.result.as_ref();
    let money = |v: f64| format!("{v:.6}");
    let total = r.map(|r| r.call_subtotal + r.cnamlookup_fees + r.usf_fees);
    json!({
        "attributes": {
            "billed_minutes": r.map(|r| r.billed_minutes),
            "call_subtotal": r.map(|r| money(r.call_subtotal)),
            "callback_url": e.callback_url,
            "ccrf": r.map(|_| "0.0"),
            "cnamlookup_fees": r.map(|r| money(r.cnamlookup_fees)),
            "connect_fees": r.map(|_| "0.0"),
            "created_at": iso_time(e.requested_at),
            "download_url": r.map(|_| format!("{base}/__sim/cdrs/{}.csv.gz", e.id)),
            "expires_at": r.map(|r| iso_time(r.completed_at + chrono::Duration::days(3))),
            "filter_parameters": e.filters,
            "num_calls": r.map(|r| r.num_calls),
            "requested_at": iso_time(e.requested_at),
            "status": if r.is_some() { "completed" } else { "processing" },
            "total_cost": total.map(money),
            "usf_fees": r.map(|r| money(r.usf_fees)),
        },
        "id": e.id,
        "links": {"self": format!("{base}/v2/cdrs/exports/{}", e.id)},
        "type": "cdrexport",
    })
}
