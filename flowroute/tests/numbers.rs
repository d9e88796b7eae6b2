//! Numbers on the wire: every operation's exact request, and its decoded result.

mod common;

use common::*;
use flowroute::Error;
use flowroute::numbers::NumberType;
use flowroute::routes::RouteType;
use httpmock::Method::{DELETE, GET, PATCH};
use serde_json::{Value, json};

/// The account number of the Python SDK README's details and purchase examples.
fn details_json() -> Value {
    json!({
        "included": [{"attributes": {"route_type": "sip-reg", "alias": "sip-reg", "value": null}, "type": "route", "id": "0",
                      "links": {"self": "https://api.flowroute.com/v2/routes/0"}}],
        "data": {"relationships": {"cnam_preset": {"data": null}, "e911_address": {"data": null}, "failover_route": {"data": null},
                                   "primary_route": {"data": {"type": "route", "id": "0"}}},
                 "attributes": {"rate_center": "millbrae", "value": "16502390214", "alias": null, "state": "ca",
                                "number_type": "standard", "cnam_lookups_enabled": true},
                 "type": "number", "id": "16502390214", "links": {"self": "https://api.flowroute.com/v2/numbers/16502390214"}},
        "links": {"self": "https://api.flowroute.com/v2/numbers/16502390214"}})
}

#[tokio::test]
async fn list_sends_the_digit_filter_and_page_size_and_decodes_flat_numbers() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/numbers"), 3)
                .query_param("starts_with", "201")
                .query_param("limit", "3")
                .query_param("offset", "0");
            then.status(200).header("content-type", JSON_API).json_body(json!({
                "data": [
                    {"attributes": {"rate_center": "oradell", "value": "12012673227", "alias": null, "state": "nj", "number_type": "standard",
                                    "cnam_lookups_enabled": true},
                     "type": "number", "id": "12012673227", "links": {"self": "https://api.flowroute.com/v2/numbers/12012673227"}},
                    {"attributes": {"rate_center": "jerseycity", "value": "12014845220", "alias": null, "state": "nj", "number_type": "standard",
                                    "cnam_lookups_enabled": true},
                     "type": "number", "id": "12014845220", "links": {"self": "https://api.flowroute.com/v2/numbers/12014845220"}}],
                "links": {"self": "https://api.flowroute.com/v2/numbers?starts_with=1201&limit=3&offset=0"}}));
        })
        .await;
    let page = client
        .numbers()
        .list()
        .starts_with("201")
        .limit(3)
        .page()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.next_offset, None);
    let first = &page.items[0];
    assert_eq!(first.number.as_str(), "12012673227");
    assert_eq!(first.alias, None);
    assert_eq!(first.cnam_lookups_enabled, Some(true));
    assert_eq!(first.number_type, NumberType::Standard);
    assert_eq!(first.rate_center.as_deref(), Some("oradell"));
    assert_eq!(first.state.as_deref(), Some("nj"));
    assert_eq!(first.messaging_enabled, None);
    assert_eq!(first.monthly_cost, None);
    assert_eq!(page.items[1].number.as_str(), "12014845220");
    assert_eq!(page.items[1].rate_center.as_deref(), Some("jerseycity"));
}

#[tokio::test]
async fn list_sends_every_filter_with_the_plus_country_code_form_kept() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/numbers"), 5)
                .query_param("starts_with", "+44")
                .query_param("ends_with", "0100")
                .query_param("contains", "555")
                .query_param("alias", "Home Phone")
                .query_param("offset", "20");
            then.status(200).json_body(json!({"data": [], "links": {}}));
        })
        .await;
    let page = client
        .numbers()
        .list()
        .starts_with("+44")
        .ends_with("0100")
        .contains("555")
        .alias("Home Phone")
        .offset(20)
        .page()
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(page.items.is_empty());
    assert_eq!(page.offset, 20);
}

#[tokio::test]
async fn get_decodes_relationships_and_the_included_sip_reg_route() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/numbers/16502390214"), 0);
            then.status(200)
                .header("content-type", JSON_API)
                .json_body(details_json());
        })
        .await;
    let details = client.numbers().get("+1 650 239 0214").await.unwrap();
    mock.assert_async().await;
    assert_eq!(details.attributes.number.as_str(), "16502390214");
    assert_eq!(details.attributes.rate_center.as_deref(), Some("millbrae"));
    assert_eq!(details.attributes.state.as_deref(), Some("ca"));
    assert_eq!(details.attributes.cnam_lookups_enabled, Some(true));
    assert_eq!(details.attributes.number_type, NumberType::Standard);
    assert_eq!(
        details.primary_route.as_ref().map(|r| r.as_str()),
        Some("0")
    );
    assert_eq!(details.failover_route, None);
    assert_eq!(details.e911_address, None);
    assert_eq!(details.cnam_preset, None);
    assert_eq!(details.message_provision, None);
    assert_eq!(details.routes.len(), 1);
    let route = &details.routes[0];
    assert_eq!(route.id.as_str(), "0");
    assert_eq!(route.route_type, RouteType::SipReg);
    assert_eq!(route.alias.as_deref(), Some("sip-reg"));
    assert_eq!(route.value, None);
    assert_eq!(route.edge_strategy_id, None);
    assert!(details.other_included.is_empty());
}

#[tokio::test]
async fn get_keeps_assigned_records_and_other_included_resources() {
    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            request(when, GET, "/v2/numbers/12065551234");
            then.status(200).json_body(json!({
                "data": {"type": "number", "id": "12065551234",
                         "attributes": {"value": "12065551234", "alias": "desk", "number_type": "longcode", "cnam_lookups_enabled": false},
                         "relationships": {"cnam_preset": {"data": {"id": "6272", "type": "cnam"}},
                                           "e911_address": {"data": {"id": "20155", "type": "e911"}},
                                           "primary_route": {"data": {"id": "98396", "type": "route"}},
                                           "failover_route": {"data": {"id": "83834", "type": "route"}}}},
                "included": [
                    {"type": "route", "id": "98396", "attributes": {"alias": "office", "route_type": "host", "value": "sip.example.com:5060",
                                                                    "edge_strategy_id": 4}},
                    {"type": "route", "id": "83834", "attributes": {"alias": "cell", "route_type": "number", "value": "12065550100"}},
                    {"type": "cnam", "id": "6272", "attributes": {"value": "MY BUSINESS", "approval_datetime": null}}]}));
        })
        .await;
    let details = client.numbers().get("12065551234").await.unwrap();
    assert_eq!(details.attributes.alias.as_deref(), Some("desk"));
    assert_eq!(details.attributes.number_type, NumberType::Longcode);
    assert_eq!(details.attributes.cnam_lookups_enabled, Some(false));
    assert_eq!(
        details.cnam_preset.as_ref().map(|c| c.as_str()),
        Some("6272")
    );
    assert_eq!(
        details.e911_address.as_ref().map(|e| e.as_str()),
        Some("20155")
    );
    assert_eq!(
        details.primary_route.as_ref().map(|r| r.as_str()),
        Some("98396")
    );
    assert_eq!(
        details.failover_route.as_ref().map(|r| r.as_str()),
        Some("83834")
    );
    assert_eq!(details.routes.len(), 2);
    assert_eq!(details.routes[0].route_type, RouteType::Host);
    assert_eq!(
        details.routes[0].value.as_deref(),
        Some("sip.example.com:5060")
    );
    assert_eq!(details.routes[0].edge_strategy_id, Some(4));
    assert_eq!(details.routes[1].route_type, RouteType::Number);
    assert_eq!(details.routes[1].alias.as_deref(), Some("cell"));
    assert_eq!(details.other_included.len(), 1);
    assert_eq!(details.other_included[0].kind, "cnam");
    assert_eq!(details.other_included[0].id, "6272");
    assert_eq!(details.other_included[0].attributes["value"], "MY BUSINESS");
}

#[tokio::test]
async fn release_sends_a_delete_without_body() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, DELETE, "/v2/numbers/12012673227"), 0);
            then.status(204);
        })
        .await;
    client.numbers().release("12012673227").await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn update_sends_a_flat_body_with_only_what_changes() {
    let (server, client) = setup().await;
    let mut answer = details_json();
    answer["data"]["attributes"]["alias"] = json!("Home Phone");
    answer["data"]["attributes"]["cnam_lookups_enabled"] = json!(false);
    let mock = server
        .mock_async(|when, then| {
            request_with_body(
                when,
                PATCH,
                "/v2/numbers/16502390214",
                json!({"type": "number", "alias": "Home Phone", "cnam_lookups_enabled": false}),
            );
            then.status(200)
                .header("content-type", JSON_API)
                .json_body(answer);
        })
        .await;
    let change = client
        .numbers()
        .update("16502390214")
        .alias("Home Phone")
        .cnam_lookups_enabled(false)
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(!change.messaging_provisioning_failed);
    assert_eq!(
        change.details.attributes.alias.as_deref(),
        Some("Home Phone")
    );
    assert_eq!(change.details.attributes.cnam_lookups_enabled, Some(false));
    assert_eq!(
        change.details.primary_route.as_ref().map(|r| r.as_str()),
        Some("0")
    );
}

#[tokio::test]
async fn update_enabling_messaging_sends_the_notification_fields_and_reports_207() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request_with_body(when, PATCH, "/v2/numbers/16502390214", json!({"type": "number", "messaging_enabled": true,
                "messaging_email": true, "messaging_callback_url": "https://hooks.example.com/provisioned"}));
            then.status(207).header("content-type", JSON_API).json_body(details_json());
        })
        .await;
    let change = client
        .numbers()
        .update("16502390214")
        .messaging_enabled(true)
        .messaging_email(true)
        .messaging_callback_url("https://hooks.example.com/provisioned")
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(change.messaging_provisioning_failed);
    assert_eq!(change.details.attributes.number.as_str(), "16502390214");
}

#[tokio::test]
async fn invalid_input_never_reaches_the_server() {
    let (server, client) = setup().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let numbers = client.numbers();
    let long_alias = "a".repeat(65);
    let cases: Vec<(&str, Result<(), Error>)> = vec![
        ("get: bad number", numbers.get("555-1234").await.map(|_| ())),
        ("release: letters", numbers.release("206555123x").await),
        (
            "purchase: bad number",
            numbers.purchase("0065551234").await.map(|_| ()),
        ),
        (
            "update: bad number",
            numbers.update("12").alias("x").await.map(|_| ()),
        ),
        (
            "update: nothing",
            numbers.update("12065551234").await.map(|_| ()),
        ),
        (
            "update: 65-char alias",
            numbers
                .update("12065551234")
                .alias(long_alias.as_str())
                .await
                .map(|_| ()),
        ),
        (
            "update: email without messaging",
            numbers
                .update("12065551234")
                .alias("x")
                .messaging_email(true)
                .await
                .map(|_| ()),
        ),
        (
            "update: ftp callback",
            numbers
                .update("12065551234")
                .messaging_enabled(true)
                .messaging_callback_url("ftp://x.example.com/")
                .await
                .map(|_| ()),
        ),
        (
            "update: relative callback",
            numbers
                .update("12065551234")
                .messaging_enabled(true)
                .messaging_callback_url("/done")
                .await
                .map(|_| ()),
        ),
        (
            "list: limit 201",
            numbers.list().limit(201).page().await.map(|_| ()),
        ),
        (
            "list: non-digit starts_with",
            numbers.list().starts_with("20a").page().await.map(|_| ()),
        ),
        (
            "list: bare +",
            numbers.list().starts_with("+").page().await.map(|_| ()),
        ),
        (
            "list: + in ends_with",
            numbers.list().ends_with("+1").page().await.map(|_| ()),
        ),
        (
            "list: empty contains",
            numbers.list().contains("").page().await.map(|_| ()),
        ),
        (
            "list: 65-char alias",
            numbers.list().alias(&long_alias).page().await.map(|_| ()),
        ),
        (
            "list: empty alias",
            numbers.list().alias("").page().await.map(|_| ()),
        ),
        (
            "search: limit 201",
            numbers.search().limit(201).page().await.map(|_| ()),
        ),
        (
            "search: bad state",
            numbers
                .search()
                .state("Washington")
                .page()
                .await
                .map(|_| ()),
        ),
        (
            "search: digit state",
            numbers.search().state("W1").page().await.map(|_| ()),
        ),
        (
            "search: rate centre alone",
            numbers
                .search()
                .rate_center("seattle")
                .page()
                .await
                .map(|_| ()),
        ),
        (
            "search: bad country",
            numbers.search().iso_country("USA").page().await.map(|_| ()),
        ),
        (
            "search: non-digit contains",
            numbers.search().contains("5-5").page().await.map(|_| ()),
        ),
        (
            "area codes: limit 401",
            numbers.area_codes().limit(401).page().await.map(|_| ()),
        ),
        (
            "area codes: negative cost",
            numbers
                .area_codes()
                .max_setup_cost(-1.0)
                .page()
                .await
                .map(|_| ()),
        ),
        (
            "area codes: NaN cost",
            numbers
                .area_codes()
                .max_setup_cost(f64::NAN)
                .page()
                .await
                .map(|_| ()),
        ),
        (
            "exchanges: limit 201",
            numbers.exchanges().limit(201).page().await.map(|_| ()),
        ),
        (
            "exchanges: 4-digit area code",
            numbers
                .exchanges()
                .area_code("3470")
                .page()
                .await
                .map(|_| ()),
        ),
        (
            "exchanges: area code 147",
            numbers
                .exchanges()
                .area_code("147")
                .page()
                .await
                .map(|_| ()),
        ),
        (
            "exchanges: infinite cost",
            numbers
                .exchanges()
                .max_setup_cost(f64::INFINITY)
                .page()
                .await
                .map(|_| ()),
        ),
        (
            "tiers: limit 201",
            numbers.tiers().limit(201).page().await.map(|_| ()),
        ),
    ];
    for (name, case) in cases {
        assert!(
            matches!(case, Err(Error::InvalidInput { .. })),
            "{name}: {case:?}"
        );
    }
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn rejections_name_the_field_and_say_why() {
    let (_server, client) = setup().await;
    let numbers = client.numbers();
    let cases = [
        (
            numbers.list().starts_with("20a").page().await.map(|_| ()),
            "invalid starts_with: `20a` contains `a`",
        ),
        (
            numbers
                .list()
                .alias(&"a".repeat(65))
                .page()
                .await
                .map(|_| ()),
            "invalid alias: is 65 characters long; Flowroute allows at most 64",
        ),
        (
            numbers
                .search()
                .rate_center("seattle")
                .page()
                .await
                .map(|_| ()),
            "invalid state: is required with rate_center",
        ),
        (
            numbers
                .area_codes()
                .max_setup_cost(-1.0)
                .page()
                .await
                .map(|_| ()),
            "invalid max_setup_cost: -1 is not an amount of US dollars",
        ),
        (
            numbers.area_codes().limit(401).page().await.map(|_| ()),
            "invalid limit: 401 is above the maximum of 400",
        ),
        (
            numbers.update("12065551234").await.map(|_| ()),
            "invalid number update: changes nothing",
        ),
        (
            numbers
                .update("12065551234")
                .messaging_email(true)
                .await
                .map(|_| ()),
            "invalid messaging_email: only applies with messaging_enabled",
        ),
    ];
    for (result, expected) in cases {
        let message = result.unwrap_err().to_string();
        assert!(message.starts_with(expected), "{message}");
    }
}
