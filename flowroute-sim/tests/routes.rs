//! Inbound routes, edge strategies and route assignment.

mod common;

use common::Api;
use flowroute_raw::types::{EdgeStrategyList, PhoneNumberDocument, RouteDocument, RouteList};
use reqwest::Method;
use serde_json::{Value, json};

fn new_route(route_type: &str, value: &str, alias: &str) -> Value {
    json!({"data": {"type": "route", "attributes": {"route_type": route_type, "value": value, "alias": alias}}})
}

#[tokio::test]
async fn routes_are_created_by_type_and_listed() {
    let api = Api::start().await;
    let host = api
        .post("/v2/routes", json!({"data": {"type": "route", "attributes": {"route_type": "host", "value": "il775u.sonsofodin.com", "alias": "new route", "edge_strategy_id": 1}}}))
        .await;
    assert_eq!(host.status, 201);
    host.decode::<RouteDocument>();
    let id = host.body["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(host.body["data"]["attributes"]["edge_strategy_id"], 1);
    assert_eq!(
        host.body["links"]["self"],
        api.url(&format!("/v2/routes/{id}"))
    );
    for (kind, value, alias) in [
        ("number", "16476998778", "pstn"),
        (
            "uri",
            "sip:16476998778@215.122.69.152:5060;transport=tcp",
            "sip trunk",
        ),
        ("host", "24.239.23.40:5060;weight=10", "weighted"),
    ] {
        assert_eq!(
            api.post("/v2/routes", new_route(kind, value, alias))
                .await
                .status,
            201,
            "{kind} {value}"
        );
    }
    let list = api.get("/v2/routes").await;
    list.decode::<RouteList>();
    assert_eq!(list.body["data"].as_array().unwrap().len(), 5);
    assert_eq!(list.body["data"][0]["id"], "0");
    let hosts = api.get("/v2/routes?route_type=host").await;
    assert_eq!(hosts.body["data"].as_array().unwrap().len(), 2);
    assert!(
        hosts.body["links"]["self"]
            .as_str()
            .unwrap()
            .contains("route_type=host")
    );
    api.get("/v2/routes?route_type=fax")
        .await
        .invalid("route_type");
    let paged = api.get("/v2/routes?limit=2&offset=4").await;
    assert!(paged.body["links"].get("next").is_none());
}

#[tokio::test]
async fn route_values_are_checked_against_their_type() {
    let api = Api::start().await;
    for (kind, value) in [
        ("host", "not a host"),
        ("host", "example.com:70000"),
        ("number", "6476998778"),
        ("uri", "alice@atlanta.com"),
        ("uri", "sip:atlanta.com"),
    ] {
        api.post("/v2/routes", new_route(kind, value, "x"))
            .await
            .invalid("data.attributes.value");
    }
    api.post("/v2/routes", new_route("sip-reg", "x", "x"))
        .await
        .invalid("data.attributes.route_type");
    api.post("/v2/routes", new_route("fax", "x", "x"))
        .await
        .invalid("data.attributes.route_type");
    api.post("/v2/routes", json!({"data": {"type": "route", "attributes": {"route_type": "host", "value": "a.com", "alias": "a", "edge_strategy_id": 99}}}))
        .await
        .invalid("edge_strategy_id");
}

#[tokio::test]
async fn a_duplicate_alias_is_refused_with_403() {
    let api = Api::start().await;
    assert_eq!(
        api.post("/v2/routes", new_route("host", "a.com", "main"))
            .await
            .status,
        201
    );
    api.post("/v2/routes", new_route("host", "b.com", "main"))
        .await
        .error(403);
    api.post("/v2/routes", new_route("host", "b.com", "sip-reg"))
        .await
        .error(403);
}

#[tokio::test]
async fn routes_update_and_delete_unless_assigned() {
    let api = Api::start().await;
    let created = api
        .post("/v2/routes", new_route("host", "a.com", "main"))
        .await;
    let id = created.body["data"]["id"].as_str().unwrap().to_string();
    let updated = api
        .patch(&format!("/v2/routes/{id}"), json!({"data": {"type": "route", "attributes": {"route_type": "number", "value": "12065551212"}}}))
        .await;
    assert_eq!(updated.status, 200);
    updated.decode::<RouteDocument>();
    assert_eq!(updated.body["data"]["attributes"]["alias"], "main");
    assert_eq!(updated.body["data"]["attributes"]["value"], "12065551212");
    api.patch(
        &format!("/v2/routes/{id}"),
        json!({"data": {"type": "route", "attributes": {"route_type": "uri"}}}),
    )
    .await
    .invalid("data.attributes.value");
    api.patch(
        &format!("/v2/routes/{id}"),
        json!({"data": {"type": "route", "attributes": {}}}),
    )
    .await
    .invalid("data.attributes");
    api.patch(
        "/v2/routes/0",
        json!({"data": {"type": "route", "attributes": {"alias": "x"}}}),
    )
    .await
    .error(403);
    api.patch(
        "/v2/routes/123",
        json!({"data": {"type": "route", "attributes": {"alias": "x"}}}),
    )
    .await
    .error(404);

    let number = api.account_numbers().await[0].clone();
    let assigned = api
        .patch(
            &format!("/v2/numbers/{number}/relationships/primary_route"),
            json!({"data": {"type": "route", "id": id}}),
        )
        .await;
    assert_eq!(assigned.status, 204);
    let refused = api.delete(&format!("/v2/routes/{id}")).await;
    refused.error(403);
    assert_eq!(
        refused.body["errors"][0]["title"],
        "This Route has numbers still associated to it."
    );
    assert_eq!(
        refused.body["errors"][0]["detail"],
        "Please disassociate all numbers before deleting."
    );
    assert_eq!(
        api.delete(&format!("/v2/numbers/{number}/relationships/primary_route"))
            .await
            .status,
        204
    );
    assert_eq!(api.delete(&format!("/v2/routes/{id}")).await.status, 204);
    api.delete(&format!("/v2/routes/{id}")).await.error(404);
    api.delete("/v2/routes/0").await.error(403);
}

#[tokio::test]
async fn primary_and_failover_routes_are_assigned_and_removed() {
    let api = Api::start().await;
    let number = api.account_numbers().await[1].clone();
    let primary = api
        .post("/v2/routes", new_route("host", "a.com", "primary"))
        .await
        .body["data"]["id"]
        .clone();
    let failover = api
        .post("/v2/routes", new_route("number", "12065551212", "failover"))
        .await
        .body["data"]["id"]
        .clone();
    let base = format!("/v2/numbers/{number}/relationships");
    assert_eq!(
        api.patch(
            &format!("{base}/primary_route"),
            json!({"data": {"type": "route", "id": primary}})
        )
        .await
        .status,
        204
    );
    assert_eq!(
        api.patch(
            &format!("{base}/failover_route"),
            json!({"data": {"type": "route", "id": failover}})
        )
        .await
        .status,
        204
    );
    let details = api.get(&format!("/v2/numbers/{number}")).await;
    details.decode::<PhoneNumberDocument>();
    let relationships = &details.body["data"]["relationships"];
    assert_eq!(relationships["primary_route"]["data"]["id"], primary);
    assert_eq!(relationships["failover_route"]["data"]["id"], failover);
    assert_eq!(details.body["included"].as_array().unwrap().len(), 2);

    api.patch(
        &format!("{base}/primary_route"),
        json!({"data": {"type": "route", "id": "424242"}}),
    )
    .await
    .error(404);
    api.patch(
        "/v2/numbers/12065550000/relationships/primary_route",
        json!({"data": {"type": "route", "id": "0"}}),
    )
    .await
    .error(404);
    api.patch(
        &format!("{base}/failover_route"),
        json!({"data": {"type": "route"}}),
    )
    .await
    .invalid("data.id");

    assert_eq!(
        api.bare(Method::DELETE, &format!("{base}/failover_route"))
            .await
            .status,
        204
    );
    let after = api.get(&format!("/v2/numbers/{number}")).await;
    assert_eq!(
        after.body["data"]["relationships"]["failover_route"]["data"],
        Value::Null
    );
    api.delete("/v2/numbers/12065550000/relationships/failover_route")
        .await
        .error(404);
}

#[tokio::test]
async fn edge_strategies_have_integer_ids() {
    let api = Api::start().await;
    let list = api.get("/v2/routes/edge_strategies").await;
    list.decode::<EdgeStrategyList>();
    let items = list.body["data"].as_array().unwrap();
    assert!(items.len() >= 3);
    assert!(
        items
            .iter()
            .all(|e| e["id"].is_i64() && e["type"] == "edge_strategy")
    );
    assert!(
        items
            .iter()
            .any(|e| e["attributes"]["name"] == "US-East-VA" && e["id"] == 4)
    );
    assert!(list.body.get("links").is_none());
}
