//! E911 addresses on the wire: every operation's exact request, and its decoded result.

mod common;

use common::*;
use flowroute::e911::{E911Address, E911AddressType, E911Country, NewE911Address};
use flowroute::{E911Id, Error, PhoneNumber};
use httpmock::Method::{DELETE, GET, PATCH, POST};
use serde_json::{Value, json};

/// An E911 record as Flowroute documents it (the official Python SDK README's example).
fn address_json() -> Value {
    json!({"attributes": {"address_type": "Suite", "address_type_number": "333", "city": "Seattle", "country": "US",
                          "first_name": "Albus", "label": "Office Space III", "last_name": "Rasputin, Jr.",
                          "state": "WA", "street_name": "Main St", "street_number": "666", "zip": "98101"},
           "id": "21845", "links": {"self": "https://api.flowroute.com/v2/e911s/21845"}, "type": "e911"})
}

/// The attributes of [`address_json`] without the unit, as a request sends them.
fn attributes_without_unit() -> Value {
    json!({"label": "Office Space III", "first_name": "Albus", "last_name": "Rasputin, Jr.", "street_number": "666",
           "street_name": "Main St", "city": "Seattle", "state": "WA", "country": "US", "zip": "98101"})
}

fn office() -> NewE911Address {
    NewE911Address::new()
        .label("Office Space III")
        .first_name("Albus")
        .last_name("Rasputin, Jr.")
        .street_number("666")
        .street_name("Main St")
        .city("Seattle")
        .state("wa")
        .country(E911Country::Us)
        .zip("98101")
}

fn assert_is_the_documented_address(a: &E911Address) {
    assert_eq!(a.id.as_str(), "21845");
    assert_eq!(a.label, "Office Space III");
    assert_eq!(a.first_name, "Albus");
    assert_eq!(a.last_name, "Rasputin, Jr.");
    assert_eq!(a.street_number, "666");
    assert_eq!(a.street_name, "Main St");
    assert_eq!(a.city, "Seattle");
    assert_eq!(a.state, "WA");
    assert_eq!(a.country, "US");
    assert_eq!(a.zip, "98101");
    assert_eq!(a.address_type, Some(E911AddressType::Suite));
    assert_eq!(a.address_type_number.as_deref(), Some("333"));
}

#[tokio::test]
async fn list_sends_every_filter_and_paging_and_decodes_the_page() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/e911s"), 6)
                .query_param("limit", "2")
                .query_param("offset", "0")
                .query_param("label", "Office")
                .query_param("street_name", "Main")
                .query_param("city", "Seattle")
                .query_param("state", "WA");
            then.status(200).header("content-type", JSON_API).json_body(
                json!({"data": [address_json()],
                "links": {"self": "https://api.flowroute.com/v2/e911s?limit=2&offset=0",
                          "next": "https://api.flowroute.com/v2/e911s?limit=2&offset=2"}}),
            );
        })
        .await;
    let page = client
        .e911s()
        .list()
        .label("Office")
        .street_name("Main")
        .city("Seattle")
        .state("wa")
        .limit(2)
        .page()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.items.len(), 1);
    assert_is_the_documented_address(&page.items[0]);
    assert_eq!(page.next_offset, Some(2));
}

#[tokio::test]
async fn get_decodes_every_attribute() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/e911s/21845"), 0);
            then.status(200)
                .header("content-type", JSON_API)
                .json_body(json!({"data": address_json()}));
        })
        .await;
    let address = client.e911s().get("21845").await.unwrap();
    mock.assert_async().await;
    assert_is_the_documented_address(&address);
}

#[tokio::test]
async fn records_without_a_unit_or_with_usa_decode_as_sent() {
    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            request(when, GET, "/v2/e911s/7");
            then.status(200).json_body(json!({"data": {"attributes": {"address_type": "", "address_type_number": "",
                "city": "Seattle", "country": "USA", "state": "WA", "zip": "98101"}, "id": "7", "type": "e911"}}));
        })
        .await;
    let address = client
        .e911s()
        .get(&E911Id::new("7").unwrap())
        .await
        .unwrap();
    assert_eq!(address.country, "USA");
    assert_eq!(address.address_type, None);
    assert_eq!(address.address_type_number, None);
    assert_eq!(address.label, "");
}

#[tokio::test]
async fn validate_sends_the_address_without_a_unit_and_accepts_204() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request_with_body(
                when,
                POST,
                "/v2/e911s/validate",
                json!({"data": {"type": "e911", "attributes": attributes_without_unit()}}),
            );
            then.status(204);
        })
        .await;
    client.e911s().validate(&office()).await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn validate_refused_with_field_errors_names_the_field() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request(when, POST, "/v2/e911s/validate");
            then.status(422).header("content-type", JSON_API).json_body(json!({"errors": [{
                "detail": {"data": {"attributes": {"zip": ["ZIP code must be at least 4 and at most 7 digits long"]}}},
                "id": "15eb464e-0000-4000-8000-000000000000", "status": 422}]}));
        })
        .await;
    let err = client.e911s().validate(&office()).await.unwrap_err();
    mock.assert_async().await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    let shown = err.to_string();
    assert!(
        shown.contains("zip: ZIP code must be at least 4 and at most 7 digits long"),
        "{shown}"
    );
    let detail = err.api().unwrap().errors[0].detail.as_ref().unwrap();
    assert_eq!(
        detail.field_messages(),
        [(
            "zip".to_string(),
            "ZIP code must be at least 4 and at most 7 digits long".to_string()
        )]
    );
}

#[tokio::test]
async fn validate_refused_as_ungeocodable_reports_flowroutes_sentence() {
    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            request(when, POST, "/v2/e911s/validate");
            then.status(400).json_body(json!({"errors": [{"detail": "Could not geocode this address. Please check the validity of your address.",
                "id": "7fcfd1cd-0000-4000-8000-000000000000", "status": 400, "title": "Client Error"}]}));
        })
        .await;
    let err = client.e911s().validate(&office()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Flowroute answered 400 Bad Request to validate_e911_address: Client Error: Could not geocode this address. Please check the validity of your address. (request id 7fcfd1cd-0000-4000-8000-000000000000)"
    );
}

#[tokio::test]
async fn create_sends_the_unit_and_decodes_the_stored_address() {
    let (server, client) = setup().await;
    let mut attributes = attributes_without_unit();
    attributes["address_type"] = json!("Suite");
    attributes["address_type_number"] = json!("333");
    let mock = server
        .mock_async(|when, then| {
            request_with_body(
                when,
                POST,
                "/v2/e911s",
                json!({"data": {"type": "e911", "attributes": attributes}}),
            );
            then.status(201)
                .header("content-type", JSON_API)
                .json_body(json!({"data": address_json()}));
        })
        .await;
    let address = client
        .e911s()
        .create(office().unit(E911AddressType::Suite, "333"))
        .await
        .unwrap();
    mock.assert_async().await;
    assert_is_the_documented_address(&address);
}

#[tokio::test]
async fn update_sends_only_what_changes() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request_with_body(when, PATCH, "/v2/e911s/21845", json!({"data": {"type": "e911", "attributes": {
                "last_name": "Rasputin, Jr.", "state": "WA", "address_type": "Suite", "address_type_number": "333"}}}));
            then.status(200).header("content-type", JSON_API).json_body(json!({"data": address_json()}));
        })
        .await;
    let address = client
        .e911s()
        .update("21845")
        .last_name("Rasputin, Jr.")
        .state("wa")
        .unit(E911AddressType::Suite, "333")
        .await
        .unwrap();
    mock.assert_async().await;
    assert_is_the_documented_address(&address);
}

#[tokio::test]
async fn delete_sends_a_delete() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, DELETE, "/v2/e911s/21845"), 0);
            then.status(204);
        })
        .await;
    client.e911s().delete("21845").await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn assign_sends_a_bodiless_patch_to_the_numbers_relationship() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(
                request(
                    when,
                    PATCH,
                    "/v2/numbers/12065551234/relationships/e911s/21845",
                ),
                0,
            )
            .body("")
            .header("content-length", "0");
            then.status(204);
        })
        .await;
    let number = PhoneNumber::parse("+1 206 555 1234").unwrap();
    client.e911s().assign(&number, "21845").await.unwrap();
    // Idempotent on Flowroute's side: the same call again is just another 204.
    client
        .e911s()
        .assign("2065551234", &E911Id::new("21845").unwrap())
        .await
        .unwrap();
    mock.assert_calls_async(2).await;
}

#[tokio::test]
async fn assign_to_a_number_without_emergency_service_reports_the_422() {
    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            request(when, PATCH, "/v2/numbers/12065551234/relationships/e911s/21845");
            then.status(422).json_body(json!({"errors": [{"detail": "Cannot assign an E911 record to a number that does not support emergency services.",
                "id": "2ee1a30f-0000-4000-8000-000000000000", "status": 422, "title": "Invalid Resource"}]}));
        })
        .await;
    let err = client
        .e911s()
        .assign("12065551234", "21845")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    assert!(
        err.to_string()
            .contains("does not support emergency services"),
        "{err}"
    );
}

#[tokio::test]
async fn remove_from_number_sends_a_delete_of_the_relationship() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(
                request(when, DELETE, "/v2/numbers/12065551234/relationships/e911s"),
                0,
            );
            then.status(204);
        })
        .await;
    client
        .e911s()
        .remove_from_number("12065551234")
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn numbers_reads_the_number_from_value_not_from_the_internal_id() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/e911s/20155/relationships/numbers"), 2)
                .query_param("limit", "10")
                .query_param("offset", "0");
            then.status(200).header("content-type", JSON_API).json_body(json!({
                "data": [{"attributes": {"alias": null, "value": "12065014377"}, "id": "682705",
                          "links": {"self": "https://api.flowroute.com/v2/numbers/682705"}, "type": "number"}],
                "links": {"self": "https://api.flowroute.com/v2/e911s/20155/numbers?limit=10&offset=0"}}));
        })
        .await;
    let numbers = client
        .e911s()
        .numbers("20155")
        .limit(10)
        .all()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(numbers.len(), 1);
    assert_eq!(numbers[0].id, "682705");
    assert_eq!(
        numbers[0].number.as_ref().map(PhoneNumber::as_str),
        Some("12065014377")
    );
    assert_eq!(numbers[0].alias, None);
}

#[tokio::test]
async fn invalid_addresses_and_arguments_never_reach_the_server() {
    let (server, client) = setup().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let e911s = client.e911s();
    let cases: Vec<(Result<(), Error>, &str)> = vec![
        (
            e911s
                .create(NewE911Address::new().label("x"))
                .await
                .map(|_| ()),
            "first_name",
        ),
        (e911s.create(office().zip("981")).await.map(|_| ()), "zip"),
        (e911s.validate(&office().state("Washington")).await, "state"),
        (
            e911s
                .validate(&office().unit(E911AddressType::Floor, " "))
                .await,
            "address_type_number",
        ),
        (e911s.validate(&office().city("")).await, "city"),
        (
            e911s.update("21845").await.map(|_| ()),
            "E911 address update",
        ),
        (
            e911s.update("21845").zip("1").label("ok").await.map(|_| ()),
            "zip",
        ),
        (
            e911s.update("2/1").label("x").await.map(|_| ()),
            "E911 address id",
        ),
        (e911s.get("").await.map(|_| ()), "E911 address id"),
        (e911s.delete("..").await, "E911 address id"),
        (e911s.assign("555", "21845").await, "phone number"),
        (e911s.assign("12065551234", "a b").await, "E911 address id"),
        (e911s.remove_from_number("1065551234").await, "phone number"),
        (
            e911s.numbers("x?y").all().await.map(|_| ()),
            "E911 address id",
        ),
        (e911s.list().state("W").page().await.map(|_| ()), "state"),
        (e911s.list().limit(2001).page().await.map(|_| ()), "limit"),
    ];
    for (case, expected) in cases {
        match case {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, expected),
            other => panic!("expected invalid {expected}, got {other:?}"),
        }
    }
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn the_documented_maximum_page_size_is_accepted() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request(when, GET, "/v2/e911s").query_param("limit", "2000");
            then.status(200).json_body(json!({"data": [], "links": {}}));
        })
        .await;
    let page = client.e911s().list().limit(2000).page().await.unwrap();
    mock.assert_async().await;
    assert!(page.items.is_empty());
}
