//! Flowroute's inventory on the wire: searching, browsing area codes,
//! exchanges and tiers, and buying, each with its exact request and decoded
//! result.

mod common;

use common::*;
use flowroute::PhoneNumber;
use flowroute::numbers::{AvailableNumberType, NumberType, SearchOrderBy};
use flowroute::routes::RouteType;
use httpmock::Method::{GET, POST};
use serde_json::{Value, json};

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
async fn purchase_without_options_posts_no_query_and_decodes_the_new_number() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            // RFC 9110: a bodyless POST says so; some front ends answer 411.
            query_count(request(when, POST, "/v2/numbers/12012673307"), 0)
                .body("")
                .header("content-length", "0");
            then.status(201)
                .header("content-type", JSON_API)
                .json_body(purchased_json());
        })
        .await;
    let purchase = client.numbers().purchase("12012673307").await.unwrap();
    mock.assert_async().await;
    assert!(!purchase.messaging_provisioning_failed);
    assert_eq!(purchase.details.attributes.number.as_str(), "12012673307");
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
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(!purchase.messaging_provisioning_failed);
    let n = &purchase.details.attributes;
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
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(purchase.messaging_provisioning_failed);
    assert_eq!(purchase.details.attributes.number.as_str(), "12012673307");
    assert_eq!(
        purchase.details.attributes.status.as_deref(),
        Some("PURCHASED")
    );
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
    let err = client.numbers().purchase("12012673307").await.unwrap_err();
    assert_eq!(mock.calls_async().await, 1);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert!(err.to_string().contains("Insufficient funds"), "{err}");
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
