//! Routes on the wire: every operation's exact request, and its decoded result.

mod common;

use common::*;
use flowroute::routes::{NewRoute, RouteType};
use flowroute::{Error, PhoneNumber, RouteId};
use futures_util::TryStreamExt;
use httpmock::Method::{DELETE, GET, PATCH, POST};
use serde_json::json;

fn route_json(
    id: &str,
    route_type: &str,
    value: serde_json::Value,
    alias: &str,
) -> serde_json::Value {
    json!({"attributes": {"alias": alias, "route_type": route_type, "value": value},
           "id": id, "links": {"self": format!("https://api.flowroute.com/v2/routes/{id}")}, "type": "route"})
}

#[tokio::test]
async fn create_host_route_sends_the_json_api_document_and_decodes_the_route() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request_with_body(when, POST, "/v2/routes", json!({"data": {"type": "route", "attributes": {
                "route_type": "host", "value": "il775u.sonsofodin.com", "alias": "new route", "edge_strategy_id": 1}}}));
            then.status(201).header("content-type", JSON_API).json_body(json!({
                "data": {"attributes": {"alias": "new route", "route_type": "host", "value": "il775u.sonsofodin.com"},
                         "id": "98396", "links": {"self": "https://api.flowroute.com/routes/98396"}, "type": "route"},
                "links": {"self": "https://api.flowroute.com/routes/98396"}}));
        })
        .await;
    let route = client
        .routes()
        .create(NewRoute::host("il775u.sonsofodin.com", "new route").edge_strategy_id(1))
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(route.id.as_str(), "98396");
    assert_eq!(route.route_type, RouteType::Host);
    assert_eq!(route.value.as_deref(), Some("il775u.sonsofodin.com"));
    assert_eq!(route.alias.as_deref(), Some("new route"));
}

#[tokio::test]
async fn list_routes_sends_paging_and_type_filter_and_decodes_sip_reg_nulls() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/routes"), 3)
                .query_param("limit", "2")
                .query_param("offset", "0")
                .query_param("route_type", "sip-reg");
            then.status(200).json_body(json!({
                "data": [route_json("0", "sip-reg", json!(null), "sip-reg"), route_json("83834", "number", json!("12065551212"), "PSTNroute1")],
                "links": {"self": "https://api.flowroute.com/v2/routes?limit=2&offset=0"}}));
        })
        .await;
    let page = client
        .routes()
        .list()
        .route_type(RouteType::SipReg)
        .limit(2)
        .page()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].route_type, RouteType::SipReg);
    assert_eq!(page.items[0].value, None);
    assert_eq!(page.items[1].value.as_deref(), Some("12065551212"));
    assert_eq!(page.next_offset, None);
}

#[tokio::test]
async fn an_unknown_route_type_from_the_server_is_kept() {
    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes");
            then.status(200).json_body(
                json!({"data": [route_json("7", "webrtc", json!("x"), "new kind")], "links": {}}),
            );
        })
        .await;
    let routes = client.routes().list().all().await.unwrap();
    assert_eq!(routes[0].route_type, RouteType::Unknown("webrtc".into()));
    assert_eq!(routes[0].route_type.to_string(), "webrtc");
}

#[tokio::test]
async fn primary_and_failover_assignment_send_the_route_identifier() {
    let (server, client) = setup().await;
    let primary = server
        .mock_async(|when, then| {
            request_with_body(
                when,
                PATCH,
                "/v2/numbers/12065551234/relationships/primary_route",
                json!({"data": {"type": "route", "id": "98396"}}),
            );
            then.status(204);
        })
        .await;
    let failover = server
        .mock_async(|when, then| {
            request_with_body(
                when,
                PATCH,
                "/v2/numbers/12065551234/relationships/failover_route",
                json!({"data": {"type": "route", "id": "83834"}}),
            );
            then.status(204);
        })
        .await;
    let routes = client.routes();
    routes
        .set_primary("+1 206 555 1234", "98396")
        .await
        .unwrap();
    routes
        .set_failover(
            &PhoneNumber::parse("2065551234").unwrap(),
            &RouteId::new("83834").unwrap(),
        )
        .await
        .unwrap();
    primary.assert_async().await;
    failover.assert_async().await;
}

#[tokio::test]
async fn removing_primary_and_failover_routes_sends_deletes() {
    let (server, client) = setup().await;
    let primary = server
        .mock_async(|when, then| {
            request(
                when,
                DELETE,
                "/v2/numbers/12065551234/relationships/primary_route",
            );
            then.status(204);
        })
        .await;
    let failover = server
        .mock_async(|when, then| {
            request(
                when,
                DELETE,
                "/v2/numbers/12065551234/relationships/failover_route",
            );
            then.status(204);
        })
        .await;
    client.routes().remove_primary("12065551234").await.unwrap();
    client
        .routes()
        .remove_failover("12065551234")
        .await
        .unwrap();
    primary.assert_async().await;
    failover.assert_async().await;
}

#[tokio::test]
async fn update_sends_only_what_changes() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request_with_body(
                when,
                PATCH,
                "/v2/routes/98396",
                json!({"data": {"type": "route", "attributes": {"alias": "renamed"}}}),
            );
            then.status(200).json_body(
                json!({"data": route_json("98396", "host", json!("a.example.com"), "renamed"),
                "links": {"self": "https://api.flowroute.com/v2/routes/98396"}}),
            );
        })
        .await;
    let route = client
        .routes()
        .update("98396")
        .alias("renamed")
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(route.alias.as_deref(), Some("renamed"));
}

#[tokio::test]
async fn delete_refused_while_in_use_reports_flowroutes_reason() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request(when, DELETE, "/v2/routes/98396");
            then.status(403)
                .header("content-type", JSON_API)
                .json_body(json!({"errors": [{
                "detail": "Please disassociate all numbers before deleting.", "status": 403,
                "title": "This Route has numbers still associated to it."}]}));
        })
        .await;
    let err = client.routes().delete("98396").await.unwrap_err();
    mock.assert_async().await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert!(!err.is_transient() && !err.is_safe_to_retry());
    assert_eq!(
        err.to_string(),
        "Flowroute answered 403 Forbidden to delete_a_voice_route: This Route has numbers still associated to it.: Please disassociate all numbers before deleting."
    );
}

#[tokio::test]
async fn edge_strategies_decode_integer_ids() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/routes/edge_strategies"), 0);
            then.status(200).json_body(json!({"data": [{"attributes": {
                "description": "Data will be sent preferentially from our edge systems in North Virginia.",
                "firewall_rules": "34.226.36.32/28, 34.226.36.32-34.226.36.47", "name": "US-East-VA",
                "naptr": "us-east-va.sip.flowroute.com"}, "id": 4, "type": "edge_strategy"}]}));
        })
        .await;
    let edges = client.routes().edge_strategies().await.unwrap();
    mock.assert_async().await;
    assert_eq!(edges.len(), 1);
    assert_eq!(edges[0].id, 4);
    assert_eq!(edges[0].name.as_deref(), Some("US-East-VA"));
}

#[tokio::test]
async fn invalid_routes_never_reach_the_server() {
    let (server, client) = setup().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let routes = client.routes();
    let cases: Vec<Result<(), Error>> = vec![
        routes.create(NewRoute::host("", "alias")).await.map(|_| ()),
        routes
            .create(NewRoute::uri("alice@atlanta.com", "alias"))
            .await
            .map(|_| ()),
        routes
            .create(NewRoute::host("a.example.com", " "))
            .await
            .map(|_| ()),
        routes.set_primary("555", "1").await,
        routes.set_primary("12065551234", "1/../2").await,
        routes.update("98396").await.map(|_| ()),
        routes.list().limit(201).page().await.map(|_| ()),
        routes.list().limit(0).page().await.map(|_| ()),
    ];
    for case in cases {
        assert!(matches!(case, Err(Error::InvalidInput { .. })), "{case:?}");
    }
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn items_stream_walks_pages_by_offset_until_no_next_link() {
    let (server, client) = setup().await;
    let first = server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes").query_param("limit", "2").query_param("offset", "0");
            then.status(200).json_body(json!({"data": [route_json("1", "host", json!("a"), "a"), route_json("2", "host", json!("b"), "b")],
                "links": {"next": "https://api.flowroute.com/v2/routes?limit=2&offset=2"}}));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes")
                .query_param("limit", "2")
                .query_param("offset", "2");
            then.status(200).json_body(
                json!({"data": [route_json("3", "host", json!("c"), "c")], "links": {}}),
            );
        })
        .await;
    let ids: Vec<String> = client
        .routes()
        .list()
        .limit(2)
        .items()
        .map_ok(|r| r.id.into_string())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["1", "2", "3"]);
    first.assert_async().await;
    second.assert_async().await;
}
