//! Every failure is a JSON:API error document with the right status.

mod common;

use common::{Api, JSON_API};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn missing_or_wrong_credentials_are_401() {
    let api = Api::start().await;
    let anonymous = api.send(api.http.get(api.url("/v2/numbers"))).await;
    assert_eq!(anonymous.error(401), "Authentication failed.");
    assert!(anonymous.headers.contains_key("www-authenticate"));
    let wrong = api
        .send(
            api.http
                .get(api.url("/v2/numbers"))
                .basic_auth("sim-access-key", Some("nope")),
        )
        .await;
    wrong.error(401);
    let not_basic = api
        .send(
            api.http
                .get(api.url("/v2/numbers"))
                .bearer_auth("sim-secret-key"),
        )
        .await;
    not_basic.error(401);
}

#[tokio::test]
async fn custom_credentials_replace_the_defaults() {
    let api = Api::with(flowroute_sim::Simulator::builder().credentials("ak", "sk")).await;
    assert_eq!(api.get("/v2/numbers").await.status, 200);
    let old = api
        .send(
            api.http
                .get(api.url("/v2/numbers"))
                .basic_auth("sim-access-key", Some("sim-secret-key")),
        )
        .await;
    old.error(401);
}

#[tokio::test]
async fn unknown_paths_and_ids_are_404() {
    let api = Api::start().await;
    let detail = api.get("/v2/nothing/here").await.error(404);
    assert_eq!(detail, "Could not find that resource on your account.");
    api.get("/v2/numbers/19999999999").await.error(404);
    api.get("/v2/routes/edge_strategies/7").await.error(404);
    api.get("/v2.1/messages/mdr2-00000000000000000000000000000000")
        .await
        .error(404);
    api.get("/v2.1/messages/not_a_callback").await.error(404);
    api.get("/v2/e911s/1").await.error(404);
    api.get("/v2/cnams/abc").await.error(404);
    api.get("/v2/cdrs/exports/x").await.error(404);
    api.get("/v2/numbers/12065550100/relationships/sms_callbackx")
        .await
        .error(404);
}

#[tokio::test]
async fn wrong_method_on_a_known_path_is_405_with_allow() {
    let api = Api::start().await;
    let answer = api.bare(Method::PUT, "/v2/numbers").await;
    assert_eq!(
        answer.error(405),
        "The method is not allowed for the requested URL."
    );
    assert!(answer.headers.contains_key("allow"));
    api.bare(Method::GET, "/v2/routes/98396").await.error(405);
    api.bare(
        Method::POST,
        "/v2/numbers/12065550100/relationships/primary_route",
    )
    .await
    .error(405);
    api.bare(
        Method::PUT,
        "/v2.1/messages/mdr2-00000000000000000000000000000000",
    )
    .await
    .error(405);
}

#[tokio::test]
async fn non_json_bodies_are_415_but_charset_and_missing_type_pass() {
    let api = Api::start().await;
    let body = json!({"data": {"type": "route", "attributes": {"route_type": "host", "value": "a.example.com", "alias": "a"}}});
    let text = api
        .send(
            api.request(Method::POST, "/v2/routes")
                .header("content-type", "text/plain")
                .body(body.to_string()),
        )
        .await;
    text.error(415);
    // Forms pass only where official clients send them (tests/compat.rs).
    let form = api
        .send(
            api.request(Method::POST, "/v2/routes")
                .header("content-type", "application/x-www-form-urlencoded")
                .body("alias=Bob"),
        )
        .await;
    form.error(415);
    let charset = api
        .send(
            api.request(Method::POST, "/v2/routes")
                .header("content-type", "application/json; charset=utf-8")
                .body(body.to_string()),
        )
        .await;
    assert_eq!(charset.status, 201);
    let untyped = json!({"data": {"type": "route", "attributes": {"route_type": "host", "value": "b.example.com", "alias": "b"}}});
    let no_type = api
        .send(
            api.request(Method::POST, "/v2/routes")
                .body(untyped.to_string()),
        )
        .await;
    assert_eq!(no_type.status, 201, "{:#}", no_type.body);
}

#[tokio::test]
async fn malformed_json_is_400_and_bad_shapes_are_422_naming_the_field() {
    let api = Api::start().await;
    let malformed = api
        .send(
            api.request(Method::POST, "/v2/routes")
                .header("content-type", JSON_API)
                .body("{\"data\":"),
        )
        .await;
    malformed.error(400);
    let empty = api
        .send(
            api.request(Method::POST, "/v2/routes")
                .header("content-type", JSON_API),
        )
        .await;
    empty.error(400);
    api.post(
        "/v2/routes",
        json!({"data": {"type": "route", "attributes": {"route_type": "host", "value": "x.com"}}}),
    )
    .await
    .invalid("data.attributes.alias");
    api.post("/v2/routes", json!({"data": {"type": "route", "attributes": {"route_type": "host", "value": "x.com", "alias": "x", "color": "red"}}}))
        .await
        .invalid("data.attributes.color: unknown field");
    api.post("/v2/routes", json!({"data": {"type": "routes", "attributes": {"route_type": "host", "value": "x.com", "alias": "x"}}}))
        .await
        .invalid("data.type");
}

#[tokio::test]
async fn limits_outside_the_endpoint_range_are_422_naming_limit() {
    let api = Api::start().await;
    for (path, max) in [
        ("/v2/numbers", 200),
        ("/v2/numbers/available", 200),
        ("/v2/numbers/available/areacodes", 400),
        ("/v2/numbers/available/exchanges", 200),
        ("/v2/numbers/available/tiers", 200),
        ("/v2/routes", 200),
        ("/v2/e911s", 2000),
        ("/v2/cdrs/exports", 200),
        ("/v2/portorders", 200),
    ] {
        assert_eq!(
            api.get(&format!("{path}?limit={max}")).await.status,
            200,
            "{path}"
        );
        api.get(&format!("{path}?limit={}", max + 1))
            .await
            .invalid("limit");
        api.get(&format!("{path}?limit=0")).await.invalid("limit");
    }
    api.get("/v2/numbers?limit=ten").await.invalid("limit");
    api.get("/v2/numbers?offset=-1").await.invalid("offset");
    // Lists without a documented maximum still refuse zero.
    assert_eq!(api.get("/v2/cnams?limit=5000").await.status, 200);
    api.get("/v2/cnams?limit=0").await.invalid("limit");
    api.get("/v2.1/messages?start_date=2020-01-01&limit=0")
        .await
        .invalid("limit");
}

#[tokio::test]
async fn successes_use_the_json_api_media_type_and_porting_plain_json() {
    let api = Api::start().await;
    assert_eq!(api.get("/v2/numbers").await.content_type(), JSON_API);
    let port = api
        .post(
            "/v2/portorders/portability",
            json!({"numbers": ["+12065550123"]}),
        )
        .await;
    assert_eq!(port.content_type(), "application/json");
}
