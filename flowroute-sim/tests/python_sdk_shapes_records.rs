//! The official Python SDK's E911, CNAM and CDR export methods (20 of its
//! 42), each called with the arguments its README or demos use and put on
//! the wire as that SDK does (`python_sdk/mod.rs`), against a simulator in
//! its default mode. The two-step methods (`update_address`,
//! `associate_cnam`, `unassociate_cnam`, `download_cdr_export`) make both
//! their requests, the second built from the first answer as the SDK
//! builds it.

mod common;
mod python_sdk;

use std::io::Read;

use common::Api;
use flate2::read::GzDecoder;
use python_sdk::{ACCEPT_JSON, ACCEPT_JSON_API, ANY, Body, call, json, ok, urllib_get};
use reqwest::Method;
use serde_json::{Value, json};

/// The keyword arguments of the README's `validate_address` and
/// `create_address`, as the SDK wraps them (`zipcode` sent as `zip`).
fn address(label: &str, street_number: &str, country: &str) -> Value {
    json!({"data": {"type": "e911", "attributes": {
        "label": label, "first_name": "Chris", "last_name": "Smith", "street_name": "3rd Ave",
        "street_number": street_number, "city": "Seattle", "state": "WA", "country": country,
        "zip": "98101"}}})
}

#[tokio::test]
async fn e911_methods_as_the_python_sdk_calls_them() {
    let api = Api::start().await;
    let did = api.account_numbers().await[0].clone();

    // Validate and create send their JSON without a Content-Type.
    let validate = json(None, &address("Test Address", "1182", "CA"));
    let answer = call(
        &api,
        Method::POST,
        "/v2/e911s/validate",
        ACCEPT_JSON_API,
        validate,
    )
    .await;
    ok("e911s.validate_address", &answer, 204);
    // The demo's second address, with the address type it passes.
    let mut with_type = address("E911 Test", "1218", "US");
    with_type["data"]["attributes"]["address_type"] = json!("Suite");
    with_type["data"]["attributes"]["address_type_number"] = json!("700");
    let created = call(
        &api,
        Method::POST,
        "/v2/e911s",
        ACCEPT_JSON_API,
        json(None, &with_type),
    )
    .await;
    let id = ok("e911s.create_address", &created, 201)["data"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let listed = call(&api, Method::GET, "/v2/e911s?limit=2", ANY, Body::Empty).await;
    assert_eq!(
        ok("e911s.list_e911s", &listed, 200)["data"][0]["id"],
        id.as_str()
    );

    // update_address(id, last_name="Wiley"): GET, then the whole document
    // back with the change, `address_type(_number)` overwritten with None.
    let fetched = call(
        &api,
        Method::GET,
        &format!("/v2/e911s/{id}"),
        ANY,
        Body::Empty,
    )
    .await;
    let mut document = ok("e911s.get_e911", &fetched, 200);
    assert!(document["data"]["links"].is_object() && document["data"]["id"].is_string());
    let attributes = &mut document["data"]["attributes"];
    attributes["last_name"] = json!("Wiley");
    attributes["address_type"] = Value::Null;
    attributes["address_type_number"] = Value::Null;
    let patch = json(None, &document);
    let updated = call(
        &api,
        Method::PATCH,
        &format!("/v2/e911s/{id}"),
        ACCEPT_JSON_API,
        patch,
    )
    .await;
    let attributes = ok("e911s.update_address", &updated, 200)["data"]["attributes"].clone();
    assert_eq!(attributes["last_name"], "Wiley");
    assert!(
        attributes.get("address_type").is_none(),
        "None removed it: {attributes:#}"
    );
    assert_eq!(attributes["street_number"], "1218");
    // With a new ZIP the SDK sets both `zip` and `zip_code`.
    let mut document = updated.body.clone();
    document["data"]["attributes"]["zip"] = json!("98104");
    document["data"]["attributes"]["zip_code"] = json!("98104");
    let patch = json(None, &document);
    let rezipped = call(
        &api,
        Method::PATCH,
        &format!("/v2/e911s/{id}"),
        ACCEPT_JSON_API,
        patch,
    )
    .await;
    assert_eq!(
        ok("e911s.update_address", &rezipped, 200)["data"]["attributes"]["zip"],
        "98104"
    );

    // The writes without a body carry Content-Length: 0.
    let path = format!("/v2/numbers/{did}/relationships/e911s/{id}");
    ok(
        "e911s.associate",
        &call(&api, Method::PATCH, &path, ACCEPT_JSON_API, Body::Empty).await,
        204,
    );
    let dids = call(
        &api,
        Method::GET,
        &format!("/v2/e911s/{id}/relationships/numbers"),
        ANY,
        Body::Empty,
    )
    .await;
    assert_eq!(
        ok("e911s.list_dids_for_e911", &dids, 200)["data"][0]["attributes"]["value"],
        did.as_str()
    );
    let path = format!("/v2/numbers/{did}/relationships/e911s");
    ok(
        "e911s.disconnect",
        &call(&api, Method::DELETE, &path, ACCEPT_JSON_API, Body::Empty).await,
        204,
    );
    let deleted = call(
        &api,
        Method::DELETE,
        &format!("/v2/e911s/{id}"),
        ACCEPT_JSON_API,
        Body::Empty,
    )
    .await;
    ok("e911s.delete_address", &deleted, 204);
    assert_eq!(api.get(&format!("/v2/e911s/{id}")).await.status, 404);
}

#[tokio::test]
async fn cnam_methods_as_the_python_sdk_calls_them() {
    let api = Api::start().await;
    let did = api.account_numbers().await[0].clone();

    let listed = call(&api, Method::GET, "/v2/cnams?limit=10", ANY, Body::Empty).await;
    assert!(
        ok("cnams.list_cnams", &listed, 200)["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // A form body: requests' encoding of {"value": "FR H5K8"}.
    let created = call(
        &api,
        Method::POST,
        "/v2/cnams",
        ACCEPT_JSON,
        Body::Form("value=FR+H5K8"),
    )
    .await;
    let body = ok("cnams.create_cnam_record", &created, 201);
    assert_eq!(body["data"]["attributes"]["value"], "FR H5K8");
    assert_eq!(body["data"]["attributes"]["is_approved"], false);
    let cnam = body["data"]["id"].as_str().unwrap().to_string();
    // Flowroute's review, which the demo waits for.
    api.sim.approve_cnam(&cnam).unwrap();
    let approved = call(
        &api,
        Method::GET,
        "/v2/cnams?limit=10&is_approved=True",
        ANY,
        Body::Empty,
    )
    .await;
    assert_eq!(
        ok("cnams.list_cnams", &approved, 200)["data"][0]["id"],
        cnam.as_str()
    );
    let detail = call(
        &api,
        Method::GET,
        &format!("/v2/cnams/{cnam}"),
        ANY,
        Body::Empty,
    )
    .await;
    assert_eq!(
        ok("cnams.get_cnam", &detail, 200)["data"]["attributes"]["is_approved"],
        true
    );

    // associate_cnam and unassociate_cnam look the number up first, then
    // use the singular relationship path.
    let lookup = call(
        &api,
        Method::GET,
        &format!("/v2/numbers?contains={did}"),
        ACCEPT_JSON,
        Body::Empty,
    )
    .await;
    let number = ok("cnams.associate_cnam", &lookup, 200)["data"][0]["id"].clone();
    assert_eq!(number, did.as_str());
    let path = format!("/v2/numbers/{did}/relationships/cnam/{cnam}");
    let assigned = call(&api, Method::PATCH, &path, ACCEPT_JSON, Body::Empty).await;
    assert!(
        ok("cnams.associate_cnam", &assigned, 202)["data"]["attributes"]["date_created"]
            .is_string()
    );
    let details = api.get(&format!("/v2/numbers/{did}")).await;
    assert_eq!(
        details.body["data"]["relationships"]["cnam_preset"]["data"]["id"],
        cnam.as_str()
    );

    let lookup = call(
        &api,
        Method::GET,
        &format!("/v2/numbers?contains={did}"),
        ACCEPT_JSON,
        Body::Empty,
    )
    .await;
    ok("cnams.unassociate_cnam", &lookup, 200);
    let path = format!("/v2/numbers/{did}/relationships/cnam");
    let removed = call(&api, Method::DELETE, &path, ACCEPT_JSON, Body::Empty).await;
    assert_eq!(
        ok("cnams.unassociate_cnam", &removed, 202)["data"]["id"],
        Value::Null
    );
    let details = api.get(&format!("/v2/numbers/{did}")).await;
    assert_eq!(
        details.body["data"]["relationships"]["cnam_preset"]["data"],
        Value::Null
    );

    let deleted = call(
        &api,
        Method::DELETE,
        &format!("/v2/cnams/{cnam}"),
        ACCEPT_JSON,
        Body::Empty,
    )
    .await;
    ok("cnams.remove_cnam", &deleted, 204);
}

#[tokio::test]
async fn cdr_methods_as_the_python_sdk_calls_them() {
    let api = Api::start().await;
    // create_cdr_export uses json.dumps: insertion order, not sorted.
    let text = r#"{"data": {"type": "cdrexport", "attributes": {"filter_parameters": {"start_call_start_time": "2019-01-01 00:00:00", "start_call_end_time": "2019-02-01 00:00:00", "number_aliases": ["Office 221", "Office 888"]}, "callback_url": "https://myserver.com/cdrs"}}}"#;
    let body = Body::Json(Some("application/vnd.api+json"), text.to_string());
    let created = call(
        &api,
        Method::POST,
        "/v2/cdrs/exports",
        ACCEPT_JSON_API,
        body,
    )
    .await;
    let created = ok("cdrs.create_cdr_export", &created, 201);
    assert_eq!(created["data"]["attributes"]["status"], "processing");

    // The demo reads result['data'][0]['data']['id'].
    let listed = call(
        &api,
        Method::GET,
        "/v2/cdrs/exports?limit=10&status=completed",
        ANY,
        Body::Empty,
    )
    .await;
    let body = ok("cdrs.list_cdrs", &listed, 200);
    let id = body["data"][0]["data"]["id"].clone();
    assert_eq!(id, created["data"]["id"], "{body:#}");

    let status = call(
        &api,
        Method::GET,
        &format!("/v2/cdrs/exports/{id}"),
        ANY,
        Body::Empty,
    )
    .await;
    let export = ok("cdrs.get_cdr_export_status", &status, 200);
    assert_eq!(export["data"]["attributes"]["status"], "completed");

    // download_cdr_export: the status again, then urllib on download_url.
    let again = call(
        &api,
        Method::GET,
        &format!("/v2/cdrs/exports/{id}"),
        ANY,
        Body::Empty,
    )
    .await;
    let url = ok("cdrs.download_cdr_export", &again, 200)["data"]["attributes"]["download_url"]
        .as_str()
        .expect("a completed export has a download_url")
        .to_string();
    let (status, gz) = urllib_get(&api, &url).await;
    assert_eq!(status, 200);
    let mut csv = String::new();
    GzDecoder::new(&gz[..]).read_to_string(&mut csv).unwrap();
    // parse_cdr_export reads it with csv.DictReader; the demo prints these columns.
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    for column in ["callerid", "destination", "total_cost", "start_time"] {
        assert!(
            header.contains(&column),
            "cdrs.parse_cdr_export: no {column} in {header:?}"
        );
    }
}
