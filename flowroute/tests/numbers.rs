//! Numbers on the wire: every operation's exact request, and its decoded result.

mod common;

use common::*;
use flowroute::numbers::{AvailableNumberType, NumberType, SearchOrderBy};
use flowroute::routes::RouteType;
use flowroute::{Error, PhoneNumber};
use httpmock::Method::{DELETE, GET, PATCH, POST};
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

/// The developer docs' v2.1 purchase answer, with cost, tier and status attributes.
fn purchased_json() -> Value {
    json!({
        "included": [{"attributes": {"route_type": "sip-reg", "alias": "sip-reg", "value": null, "edge_strategy_id": null},
                      "type": "route", "id": "0", "links": {"self": "https://api.staging.fl.gg/v2/routes/0"}}],
        "data": {"relationships": {"cnam_preset": {"data": null}, "e911_address": {"data": null}, "failover_route": {"data": null},
                                   "primary_route": {"data": {"type": "route", "id": "0"}}},
                 "attributes": {"status": "PURCHASED", "note": null, "rate_center": "oradell", "monthly_cost": 1.25, "rate_type": "local",
                                "value": "12012673307", "iso_country": "US", "inbound_rate": 0.012, "alias": null, "state": "nj",
                                "messaging_enabled": false, "number_type": "longcode", "setup_cost": 1.0, "tier": "Standard",
                                "cnam_lookups_enabled": true},
                 "type": "number", "id": "12012673307", "links": {"self": "https://api.staging.fl.gg/v2/numbers/12012673307"}},
        "links": {"self": "https://api.staging.fl.gg/v2/numbers/12012673307"}})
}

fn available_json(id: &str, setup_cost: f64) -> Value {
    json!({"attributes": {"rate_center": "nwyrcyzn01", "value": id, "monthly_cost": 1.25, "state": "ny", "number_type": "standard",
                          "setup_cost": setup_cost},
           "type": "number", "id": id, "links": {"related": format!("https://api.flowroute.com/v2/numbers/{id}")}})
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
    assert_eq!(details.number.number.as_str(), "16502390214");
    assert_eq!(details.number.rate_center.as_deref(), Some("millbrae"));
    assert_eq!(details.number.state.as_deref(), Some("ca"));
    assert_eq!(details.number.cnam_lookups_enabled, Some(true));
    assert_eq!(details.number.number_type, NumberType::Standard);
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
    assert_eq!(details.number.alias.as_deref(), Some("desk"));
    assert_eq!(details.number.number_type, NumberType::Longcode);
    assert_eq!(details.number.cnam_lookups_enabled, Some(false));
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
async fn purchase_without_options_posts_no_query_and_decodes_the_new_number() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            // RFC 9110: a bodyless POST says so; some front ends answer 411.
            query_count(request(when, POST, "/v2/numbers/16502390214"), 0)
                .body("")
                .header("content-length", "0");
            then.status(201)
                .header("content-type", JSON_API)
                .json_body(details_json());
        })
        .await;
    let purchase = client
        .numbers()
        .purchase("16502390214")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(!purchase.messaging_provisioning_failed);
    assert_eq!(purchase.details.number.number.as_str(), "16502390214");
    assert_eq!(
        purchase.details.primary_route.as_ref().map(|r| r.as_str()),
        Some("0")
    );
    assert_eq!(purchase.details.routes[0].route_type, RouteType::SipReg);
}

#[tokio::test]
async fn purchase_sends_its_options_as_query_parameters_and_decodes_costs() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, POST, "/v2/numbers/12012673307"), 2)
                .query_param("cnam_lookups_enabled", "true")
                .query_param("messaging_enabled", "false");
            then.status(201)
                .header("content-type", JSON_API)
                .json_body(purchased_json());
        })
        .await;
    let number = PhoneNumber::parse("201-267-3307").unwrap();
    let purchase = client
        .numbers()
        .purchase(&number)
        .cnam_lookups_enabled(true)
        .messaging_enabled(false)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(!purchase.messaging_provisioning_failed);
    let n = &purchase.details.number;
    assert_eq!(n.number, number);
    assert_eq!(n.status.as_deref(), Some("PURCHASED"));
    assert_eq!(n.note, None);
    assert_eq!(n.number_type, NumberType::Longcode);
    assert_eq!(n.monthly_cost, Some(1.25));
    assert_eq!(n.setup_cost, Some(1.0));
    assert_eq!(n.inbound_rate, Some(0.012));
    assert_eq!(n.rate_type.as_deref(), Some("local"));
    assert_eq!(n.iso_country.as_deref(), Some("US"));
    assert_eq!(n.tier.as_deref(), Some("Standard"));
    assert_eq!(n.messaging_enabled, Some(false));
    assert_eq!(n.cnam_lookups_enabled, Some(true));
    assert_eq!(purchase.details.routes[0].edge_strategy_id, None);
}

#[tokio::test]
async fn purchase_answered_207_reports_that_messaging_provisioning_failed() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, POST, "/v2/numbers/12012673307"), 1)
                .query_param("messaging_enabled", "true");
            then.status(207)
                .header("content-type", JSON_API)
                .json_body(purchased_json());
        })
        .await;
    let purchase = client
        .numbers()
        .purchase("12012673307")
        .messaging_enabled(true)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(purchase.messaging_provisioning_failed);
    assert_eq!(purchase.details.number.number.as_str(), "12012673307");
    assert_eq!(purchase.details.number.status.as_deref(), Some("PURCHASED"));
}

#[tokio::test]
async fn a_refused_purchase_is_an_api_error_and_is_sent_once() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request(when, POST, "/v2/numbers/12012673307");
            then.status(403).header("content-type", JSON_API).json_body(json!({"errors": [{
                "detail": "Insufficient funds available to complete the request.", "status": 403, "title": "Forbidden"}]}));
        })
        .await;
    let err = client
        .numbers()
        .purchase("12012673307")
        .send()
        .await
        .unwrap_err();
    assert_eq!(mock.calls_async().await, 1);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert!(err.to_string().contains("Insufficient funds"), "{err}");
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
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(!change.messaging_provisioning_failed);
    assert_eq!(change.details.number.alias.as_deref(), Some("Home Phone"));
    assert_eq!(change.details.number.cnam_lookups_enabled, Some(false));
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
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(change.messaging_provisioning_failed);
    assert_eq!(change.details.number.number.as_str(), "16502390214");
}

#[tokio::test]
async fn search_sends_the_digit_filters_and_decodes_costs_and_the_next_offset() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/numbers/available"), 5)
                .query_param("starts_with", "646")
                .query_param("contains", "3")
                .query_param("ends_with", "7")
                .query_param("limit", "3")
                .query_param("offset", "0");
            then.status(200).header("content-type", JSON_API).json_body(json!({
                "data": [available_json("16463439507", 1.0), available_json("16463439617", 1.0), available_json("16463439667", 3.99)],
                "links": {"self": "https://api.flowroute.com/v2/numbers/available?contains=3&ends_with=7&starts_with=1646&limit=3&offset=0",
                          "next": "https://api.flowroute.com/v2/numbers/available?contains=3&ends_with=7&starts_with=1646&limit=3&offset=3"}}));
        })
        .await;
    let page = client
        .numbers()
        .search()
        .starts_with("646")
        .contains("3")
        .ends_with("7")
        .limit(3)
        .page()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.next_offset, Some(3));
    let numbers: Vec<&str> = page.items.iter().map(|n| n.number.as_str()).collect();
    assert_eq!(numbers, ["16463439507", "16463439617", "16463439667"]);
    let last = &page.items[2];
    assert_eq!(last.monthly_cost, Some(1.25));
    assert_eq!(last.setup_cost, Some(3.99));
    assert_eq!(last.number_type, NumberType::Standard);
    assert_eq!(last.rate_center.as_deref(), Some("nwyrcyzn01"));
    assert_eq!(last.state.as_deref(), Some("ny"));
    assert_eq!(last.tier, None);
    assert_eq!(page.items[0].setup_cost, Some(1.0));
}

#[tokio::test]
async fn search_sends_place_type_country_and_order_filters() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/numbers/available"), 7)
                .query_param("rate_center", "seattle")
                .query_param("state", "WA")
                .query_param("number_type", "longcode")
                .query_param("iso_country", "US")
                .query_param("order_by", "monthly_cost,desc")
                .query_param("limit", "10")
                .query_param("offset", "0");
            then.status(200).json_body(json!({"data": [{"type": "number", "id": "12065550100",
                "attributes": {"value": "12065550100", "rate_center": "seattle", "state": "wa", "number_type": "longcode",
                               "monthly_cost": 1.25, "setup_cost": 0, "inbound_rate": 0.012, "rate_type": "local", "tier": "Standard",
                               "iso_country": "US"}}], "links": {}}));
        })
        .await;
    let numbers = client
        .numbers()
        .search()
        .rate_center("seattle")
        .state("WA")
        .number_type(AvailableNumberType::Longcode)
        .iso_country("US")
        .order_by(SearchOrderBy::from("monthly_cost,desc"))
        .limit(10)
        .all()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(numbers.len(), 1);
    let n = &numbers[0];
    assert_eq!(n.number.as_str(), "12065550100");
    assert_eq!(n.number_type, NumberType::Longcode);
    assert_eq!(n.setup_cost, Some(0.0));
    assert_eq!(n.inbound_rate, Some(0.012));
    assert_eq!(n.rate_type.as_deref(), Some("local"));
    assert_eq!(n.tier.as_deref(), Some("Standard"));
    assert_eq!(n.iso_country.as_deref(), Some("US"));
}

#[tokio::test]
async fn a_capped_search_stops_without_asking_for_the_next_page() {
    let (server, client) = setup().await;
    let first = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/numbers/available"), 3)
                .query_param("starts_with", "646")
                .query_param("limit", "3")
                .query_param("offset", "0");
            then.status(200).json_body(json!({
                "data": [available_json("16463439507", 1.0), available_json("16463439617", 1.0), available_json("16463439667", 3.99)],
                "links": {"next": "https://api.flowroute.com/v2/numbers/available?starts_with=1646&limit=3&offset=3"}}));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            request(when, GET, "/v2/numbers/available").query_param("offset", "3");
            then.status(200)
                .json_body(json!({"data": [available_json("16463439997", 1.0)], "links": {}}));
        })
        .await;
    let numbers = client
        .numbers()
        .search()
        .starts_with("646")
        .limit(3)
        .max_items(3)
        .all()
        .await
        .unwrap();
    assert_eq!(numbers.len(), 3);
    first.assert_async().await;
    assert_eq!(second.calls_async().await, 0);
}

#[tokio::test]
async fn area_codes_send_the_setup_cost_ceiling_and_decode_codes() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/numbers/available/areacodes"), 3)
                .query_param("max_setup_cost", "3.25")
                .query_param("limit", "3")
                .query_param("offset", "0");
            then.status(200).header("content-type", JSON_API).json_body(json!({
                "data": [
                    {"type": "areacode", "id": "201", "links": {"related": "https://api.flowroute.com/v2/numbers/available/exchanges?areacode=201"}},
                    {"type": "areacode", "id": "202", "links": {"related": "https://api.flowroute.com/v2/numbers/available/exchanges?areacode=202"}},
                    {"type": "areacode", "id": "203", "links": {"related": "https://api.flowroute.com/v2/numbers/available/exchanges?areacode=203"}}],
                "links": {"self": "https://api.flowroute.com/v2/numbers/available/areacodes?max_setup_cost=3&limit=3&offset=0",
                          "next": "https://api.flowroute.com/v2/numbers/available/areacodes?max_setup_cost=3&limit=3&offset=3"}}));
        })
        .await;
    let page = client
        .numbers()
        .area_codes()
        .max_setup_cost(3.25)
        .limit(3)
        .page()
        .await
        .unwrap();
    mock.assert_async().await;
    let codes: Vec<&str> = page.items.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(codes, ["201", "202", "203"]);
    assert_eq!(page.next_offset, Some(3));
}

#[tokio::test]
async fn area_codes_accept_pages_of_400() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/numbers/available/areacodes"), 2)
                .query_param("limit", "400")
                .query_param("offset", "0");
            then.status(200)
                .json_body(json!({"data": [{"type": "areacode", "id": "201"}]}));
        })
        .await;
    let page = client
        .numbers()
        .area_codes()
        .limit(400)
        .page()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.items[0].code, "201");
}

#[tokio::test]
async fn exchanges_send_the_area_code_and_decode_six_digit_codes() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/numbers/available/exchanges"), 4)
                .query_param("areacode", "347")
                .query_param("max_setup_cost", "0.0")
                .query_param("limit", "3")
                .query_param("offset", "0");
            then.status(200).header("content-type", JSON_API).json_body(json!({
                "data": [
                    {"type": "exchange", "id": "347215", "links": {"related": "https://api.flowroute.com/v2/numbers/available?starts_with=1347215"}},
                    {"type": "exchange", "id": "347325", "links": {"related": "https://api.flowroute.com/v2/numbers/available?starts_with=1347325"}},
                    {"type": "exchange", "id": "347331", "links": {"related": "https://api.flowroute.com/v2/numbers/available?starts_with=1347331"}}],
                "links": {"self": "https://api.flowroute.com/v2/numbers/available/exchanges?areacode=347&limit=3&offset=0",
                          "next": "https://api.flowroute.com/v2/numbers/available/exchanges?areacode=347&limit=3&offset=3"}}));
        })
        .await;
    let page = client
        .numbers()
        .exchanges()
        .area_code("347")
        .max_setup_cost(0.0)
        .limit(3)
        .page()
        .await
        .unwrap();
    mock.assert_async().await;
    let codes: Vec<&str> = page.items.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(codes, ["347215", "347325", "347331"]);
    assert_eq!(page.next_offset, Some(3));
}

#[tokio::test]
async fn tiers_decode_names_and_take_the_offset_from_a_next_link_on_another_path() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/numbers/available/tiers"), 2)
                .query_param("limit", "2")
                .query_param("offset", "0");
            then.status(200).header("content-type", JSON_API).json_body(json!({
                "data": [{"id": "Standard", "links": {"related": "https://api.flowroute.com/v2/numbers?tier=Standard"}, "type": "tier"},
                         {"id": "US Promo $0.0/$0.50/$0.005",
                          "links": {"related": "https://api.flowroute.com/v2/numbers?tier=US%20Promo%20%240.0%2F%240.50%2F%240.005"}, "type": "tier"}],
                "links": {"next": "https://api.flowroute.com/v2/numbers/tiers?limit=2&offset=2",
                          "self": "https://api.flowroute.com/v2/numbers/tiers?limit=2&offset=0"}}));
        })
        .await;
    let page = client.numbers().tiers().limit(2).page().await.unwrap();
    mock.assert_async().await;
    let names: Vec<&str> = page.items.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Standard", "US Promo $0.0/$0.50/$0.005"]);
    assert_eq!(page.next_offset, Some(2));
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
            numbers.purchase("0065551234").send().await.map(|_| ()),
        ),
        (
            "update: bad number",
            numbers.update("12").alias("x").send().await.map(|_| ()),
        ),
        (
            "update: nothing",
            numbers.update("12065551234").send().await.map(|_| ()),
        ),
        (
            "update: 65-char alias",
            numbers
                .update("12065551234")
                .alias(long_alias.as_str())
                .send()
                .await
                .map(|_| ()),
        ),
        (
            "update: email without messaging",
            numbers
                .update("12065551234")
                .alias("x")
                .messaging_email(true)
                .send()
                .await
                .map(|_| ()),
        ),
        (
            "update: ftp callback",
            numbers
                .update("12065551234")
                .messaging_enabled(true)
                .messaging_callback_url("ftp://x.example.com/")
                .send()
                .await
                .map(|_| ()),
        ),
        (
            "update: relative callback",
            numbers
                .update("12065551234")
                .messaging_enabled(true)
                .messaging_callback_url("/done")
                .send()
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
            numbers.update("12065551234").send().await.map(|_| ()),
            "invalid number update: changes nothing",
        ),
        (
            numbers
                .update("12065551234")
                .messaging_email(true)
                .send()
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

#[tokio::test]
async fn a_rate_centre_with_a_space_is_sent_percent_encoded() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request(when, GET, "/v2/numbers/available")
                .query_param("rate_center", "new york")
                .query_param("state", "NY")
                // `%20`, as Flowroute's own SDK sends it, never a bare `+`.
                .is_true(|req| req.uri_str().contains("rate_center=new%20york"));
            then.status(200)
                .header("content-type", JSON_API)
                .json_body(json!({"data": [], "links": {}}));
        })
        .await;
    let page = client
        .numbers()
        .search()
        .rate_center("new york")
        .state("NY")
        .page()
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(page.items.is_empty());
}
