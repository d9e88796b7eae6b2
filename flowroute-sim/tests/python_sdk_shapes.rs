//! The official Python SDK's numbers, routes, messages and porting methods
//! (22 of its 42), each called with the arguments its README or demo
//! `number_route_message_demo.py` uses and put on the wire as that SDK does
//! (`python_sdk/mod.rs`), against a simulator in its default mode: each
//! gets the 2xx Flowroute gives, in the shape the SDK's next step reads.
//! `python_sdk_shapes_records.rs` has the E911, CNAM and CDR methods.

mod common;
mod python_sdk;

use chrono::{Duration, Utc};
use common::Api;
use flowroute_sim::SimulatedMessage;
use python_sdk::{ACCEPT_JSON, ACCEPT_JSON_API, ANY, Body, call, json, ok};
use reqwest::Method;
use serde_json::json;

const MOBILE: &str = "12065550123";

#[tokio::test]
async fn number_methods_as_the_python_sdk_calls_them() {
    let api = Api::start().await;

    let areacodes = call(
        &api,
        Method::GET,
        "/v2/numbers/available/areacodes?limit=3&max_setup_cost=3.25",
        ANY,
        Body::Empty,
    )
    .await;
    let body = ok("numbers.list_available_area_codes", &areacodes, 200);
    assert_eq!(body["data"].as_array().unwrap().len(), 3, "{body:#}");
    let exchanges = call(
        &api,
        Method::GET,
        "/v2/numbers/available/exchanges?limit=3&areacode=206",
        ANY,
        Body::Empty,
    )
    .await;
    let body = ok("numbers.list_available_exchange_codes", &exchanges, 200);
    assert!(body["data"][0]["id"].as_str().unwrap().starts_with("206"));

    // The demo's search: starts_with, contains, ends_with, limit, offset,
    // rate_center, state, with the Nones left out.
    let found = call(
        &api,
        Method::GET,
        "/v2/numbers/available?starts_with=206&contains=3&limit=3",
        ACCEPT_JSON,
        Body::Empty,
    )
    .await;
    let body = ok("numbers.search_for_purchasable_phone_numbers", &found, 200);
    let bought = body["data"][0]["id"].as_str().unwrap().to_string();
    let purchase = call(
        &api,
        Method::POST,
        &format!("/v2/numbers/{bought}"),
        ACCEPT_JSON,
        Body::Empty,
    )
    .await;
    assert_eq!(
        ok("numbers.purchase_a_phone_number", &purchase, 201)["data"]["id"],
        bought.as_str()
    );

    let mine = call(
        &api,
        Method::GET,
        "/v2/numbers?starts_with=201&limit=3",
        ACCEPT_JSON,
        Body::Empty,
    )
    .await;
    let body = ok("numbers.list_account_phone_numbers", &mine, 200);
    let number = body["data"][0]["id"].as_str().unwrap().to_string();
    let details = call(
        &api,
        Method::GET,
        &format!("/v2/numbers/{number}"),
        ACCEPT_JSON,
        Body::Empty,
    )
    .await;
    assert_eq!(
        ok("numbers.list_phone_number_details", &details, 200)["data"]["id"],
        number.as_str()
    );

    let release = call(
        &api,
        Method::DELETE,
        &format!("/v2/numbers/{bought}"),
        ACCEPT_JSON,
        Body::Empty,
    )
    .await;
    ok("numbers.release_a_did", &release, 204);

    // JSON bodies without any Content-Type.
    let alias = json(None, &json!({"type": "number", "alias": "New Test"}));
    assert_eq!(
        api_text(&alias),
        r#"{"alias": "New Test", "type": "number"}"#,
        "jsonpickle's key order and separators"
    );
    let aliased = call(
        &api,
        Method::PATCH,
        &format!("/v2/numbers/{number}"),
        ACCEPT_JSON,
        alias,
    )
    .await;
    assert_eq!(
        ok("numbers.set_did_alias", &aliased, 200)["data"]["attributes"]["alias"],
        "New Test"
    );
    let callback = json(
        None,
        &json!({"data": {"attributes": {"callback_url": "http://www.example.com/test"}}}),
    );
    let set = call(
        &api,
        Method::POST,
        &format!("/v2/numbers/{number}/relationships/dlr_callback"),
        ACCEPT_JSON,
        callback,
    )
    .await;
    ok("numbers.set_did_callback", &set, 204);
    let stored = api
        .get(&format!("/v2/numbers/{number}/relationships/dlr_callback"))
        .await;
    assert_eq!(
        stored.body["data"]["attributes"]["callback_url"],
        "http://www.example.com/test"
    );
}

/// The text of a JSON body, to check the serialisation itself.
fn api_text(body: &Body) -> &str {
    match body {
        Body::Json(_, text) => text,
        _ => panic!("not a JSON body"),
    }
}

#[tokio::test]
async fn route_methods_as_the_python_sdk_calls_them() {
    let api = Api::start().await;
    let number = api.account_numbers().await[0].clone();

    let edges = call(
        &api,
        Method::GET,
        "/v2/routes/edge_strategies",
        ANY,
        Body::Empty,
    )
    .await;
    assert_eq!(
        ok("routes.list_edge_strategies", &edges, 200)["data"][0]["id"],
        1
    );

    // The demo's body, with its "edge_strategy", then the README's without.
    let content_type = Some("application/json; charset=utf-8");
    let demo = json(
        content_type,
        &json!({"data": {"type": "route", "attributes": {
        "route_type": "host", "value": "k3x9qa.sonsofodin.com", "alias": "m2p7tz0123456789", "edge_strategy": "1"}}}),
    );
    let created = call(&api, Method::POST, "/v2/routes", ACCEPT_JSON, demo).await;
    let body = ok("routes.create_an_inbound_route", &created, 201);
    assert_eq!(
        body["data"]["attributes"]["edge_strategy_id"], 1,
        "{body:#}"
    );
    let readme = json(
        content_type,
        &json!({"data": {"type": "route", "attributes": {
        "route_type": "host", "value": "p0w2jd.sonsofodin.com", "alias": "f8s1ke012345"}}}),
    );
    ok(
        "routes.create_an_inbound_route",
        &call(&api, Method::POST, "/v2/routes", ACCEPT_JSON, readme).await,
        201,
    );

    let listed = call(&api, Method::GET, "/v2/routes?limit=3", ANY, Body::Empty).await;
    let body = ok("routes.list_inbound_routes", &listed, 200);
    let (primary, failover) = (body["data"][1]["id"].clone(), body["data"][2]["id"].clone());
    assert!(primary.is_string() && failover.is_string(), "{body:#}");

    // Route assignments go out without a Content-Type.
    for (method, slot, route) in [
        (
            "routes.update_primary_voice_route",
            "primary_route",
            &primary,
        ),
        (
            "routes.update_failover_voice_route",
            "failover_route",
            &failover,
        ),
    ] {
        let assignment = json(None, &json!({"data": {"type": "route", "id": route}}));
        let path = format!("/v2/numbers/{number}/relationships/{slot}");
        ok(
            method,
            &call(&api, Method::PATCH, &path, ANY, assignment).await,
            204,
        );
    }
    let details = api.get(&format!("/v2/numbers/{number}")).await;
    let relationships = &details.body["data"]["relationships"];
    assert_eq!(relationships["primary_route"]["data"]["id"], primary);
    assert_eq!(relationships["failover_route"]["data"]["id"], failover);
}

#[tokio::test]
async fn message_methods_as_the_python_sdk_calls_them() {
    let api = Api::start().await;
    let number = api.account_numbers().await[0].clone();
    // The demo looks up messages up to the start of today: the account has
    // one from yesterday, as a real one would.
    let yesterday = (Utc::now() - Duration::days(1)).format("%Y-%m-%dT12:00:00Z");
    let history = SimulatedMessage::sms(MOBILE, &number, "hi").received_at(yesterday.to_string());
    let old = api.sim.inbound(history).unwrap();

    let content_type = Some("application/vnd.api+json; charset=utf-8");
    let mms = json(
        content_type,
        &json!({"data": {"type": "message", "attributes": {
        "to": MOBILE, "from": number, "body": "hello there", "is_mms": "true",
        "media_urls": ["http://s3.amazonaws.com/barkpost-assets/50+GIFs/37.gif"]}}}),
    );
    let sent = call(&api, Method::POST, "/v2.1/messages", ACCEPT_JSON_API, mms).await;
    let body = ok("messages.send_a_message", &sent, 202);
    let id = body["data"]["id"].as_str().unwrap().to_string();
    let record = api.get(&format!("/v2.1/messages/{id}")).await;
    assert_eq!(
        record.body["data"]["attributes"]["is_mms"], true,
        "the string \"true\" counts"
    );
    // The demo's SMS says "false" and so stays an SMS.
    let sms = json(
        content_type,
        &json!({"data": {"type": "message", "attributes": {
        "to": MOBILE, "from": number, "body": "Hello there how are you?", "is_mms": "false",
        "dlr_callback": "http://httpbin.org/status/:code"}}}),
    );
    let sent = call(&api, Method::POST, "/v2.1/messages", ACCEPT_JSON_API, sms).await;
    let sms_id = ok("messages.send_a_message", &sent, 202)["data"]["id"].clone();
    let record = api
        .get(&format!("/v2.1/messages/{}", sms_id.as_str().unwrap()))
        .await;
    assert_eq!(record.body["data"]["attributes"]["is_mms"], false);

    // "YYYY-MM-DD" goes out as a date-time without a zone.
    let day = |d: Duration| {
        (Utc::now() + d)
            .format("%Y-%m-%dT00%%3A00%%3A00")
            .to_string()
    };
    let path = format!(
        "/v2.1/messages?start_date={}&end_date={}&limit=10",
        day(Duration::days(-30)),
        day(Duration::zero())
    );
    let listed = call(&api, Method::GET, &path, ACCEPT_JSON, Body::Empty).await;
    let body = ok("messages.look_up_a_set_of_messages", &listed, 200);
    assert_eq!(
        body["data"][0]["id"],
        old.as_str(),
        "only history before today: {body:#}"
    );
    let detail = call(
        &api,
        Method::GET,
        &format!("/v2.1/messages/{old}"),
        ACCEPT_JSON,
        Body::Empty,
    )
    .await;
    assert_eq!(
        ok("messages.look_up_a_message_detail_record", &detail, 200)["data"]["id"],
        old.as_str()
    );

    // Callbacks in the SDK's JSON:API wrapper.
    for (method, kind) in [
        ("messages.set_account_level_sms_callback", "sms_callback"),
        ("messages.set_account_level_mms_callback", "mms_callback"),
        ("messages.set_account_level_dlr_callback", "dlr_callback"),
    ] {
        let url = format!("http://example.com/{kind}");
        let body = json(
            content_type,
            &json!({"data": {"attributes": {"callback_url": url}}}),
        );
        ok(
            method,
            &call(
                &api,
                Method::PUT,
                &format!("/v2.1/messages/{kind}"),
                ACCEPT_JSON_API,
                body,
            )
            .await,
            204,
        );
        let stored = api.get(&format!("/v2.1/messages/{kind}")).await;
        assert_eq!(
            stored.body["data"]["attributes"]["callback_url"],
            url.as_str()
        );
    }
    let body = json(
        content_type,
        &json!({"data": {"attributes": {"callback_url": "http://example.com/did/dlr"}}}),
    );
    let path = format!("/v2/numbers/{number}/relationships/dlr_callback");
    ok(
        "messages.set_did_level_dlr_callback",
        &call(&api, Method::POST, &path, ACCEPT_JSON_API, body).await,
        204,
    );
}

#[tokio::test]
async fn the_portability_check_as_the_python_sdk_sends_it() {
    let api = Api::start().await;
    // A form body, with the demo's numbers without "+".
    let form = Body::Form("numbers=14254664444&numbers=18827833439");
    let checked = call(
        &api,
        Method::POST,
        "/v2/portorders/portability",
        ACCEPT_JSON,
        form,
    )
    .await;
    let body = ok("porting.checkPortability", &checked, 200);
    assert_eq!(
        body["data"]["portable"],
        json!(["+14254664444", "+18827833439"])
    );
    assert_eq!(checked.content_type(), "application/json");
}

/// requests asks for `gzip, deflate`, and the simulator compresses long
/// answers. (Whether reqwest or `python_sdk::call` gunzips depends on the
/// features this test is built with; the body must decode either way.)
#[tokio::test]
async fn a_long_answer_decodes_under_the_sdks_accept_encoding() {
    let api = Api::start().await;
    let path = "/v2/numbers/available?starts_with=206&limit=50";
    let found = call(&api, Method::GET, path, ACCEPT_JSON, Body::Empty).await;
    let body = ok("numbers.search_for_purchasable_phone_numbers", &found, 200);
    assert_eq!(body["data"].as_array().unwrap().len(), 50);
}
