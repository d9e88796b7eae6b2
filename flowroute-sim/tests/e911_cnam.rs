//! E911 addresses and CNAM records, with their assignment to numbers.

mod common;

use std::time::Duration;

use common::Api;
use flowroute_raw::types::{
    CnamAssociationDocument, CnamDocument, CnamList, E911AddressDocument, E911AddressList,
    E911AssignedNumberList, PhoneNumberDocument,
};
use reqwest::Method;
use serde_json::{Value, json};

fn address() -> Value {
    json!({"data": {"type": "e911", "attributes": {
        "label": "Office Space III", "first_name": "Albus", "last_name": "Rasputin, Jr.",
        "street_number": "666", "street_name": "Main St", "city": "Seattle", "state": "WA",
        "country": "US", "zip": "98101", "address_type": "suite", "address_type_number": "333"}}})
}

#[tokio::test]
async fn e911_validation_reports_field_errors_as_an_object() {
    let api = Api::start().await;
    assert_eq!(api.post("/v2/e911s/validate", address()).await.status, 204);
    let mut bad = address();
    bad["data"]["attributes"]["zip"] = json!("981");
    bad["data"]["attributes"]["country"] = json!("MX");
    bad["data"]["attributes"]
        .as_object_mut()
        .unwrap()
        .remove("city");
    let answer = api.post("/v2/e911s/validate", bad).await;
    let detail = answer.error(422);
    let fields = &detail["data"]["attributes"];
    assert_eq!(
        fields["zip"],
        json!(["ZIP code must be at least 4 and at most 7 digits long"])
    );
    assert!(fields["country"].is_array() && fields["city"].is_array());
    assert!(answer.body["errors"][0]["detail"].is_object());

    let mut unit = address();
    unit["data"]["attributes"]
        .as_object_mut()
        .unwrap()
        .remove("address_type_number");
    let detail = api.post("/v2/e911s/validate", unit).await.error(422);
    assert!(detail["data"]["attributes"]["address_type_number"].is_array());
    let mut kind = address();
    kind["data"]["attributes"]["address_type"] = json!("Castle");
    api.post("/v2/e911s/validate", kind)
        .await
        .invalid("address_type");
    let detail = api
        .post(
            "/v2/e911s/validate",
            json!({"data": {"type": "e911s", "attributes": {}}}),
        )
        .await
        .error(422);
    assert!(detail["data"]["type"].is_array());

    let mut nowhere = address();
    nowhere["data"]["attributes"]["street_name"] = json!("Nowhere Rd");
    let detail = api.post("/v2/e911s/validate", nowhere).await.error(400);
    assert_eq!(
        detail,
        "Could not geocode this address. Please check the validity of your address."
    );
    assert!(
        api.get("/v2/e911s").await.body["data"]
            .as_array()
            .unwrap()
            .is_empty(),
        "validate saves nothing"
    );
}

#[tokio::test]
async fn e911_lifecycle_with_assignment() {
    let api = Api::start().await;
    let created = api.post("/v2/e911s", address()).await;
    assert_eq!(created.status, 201);
    created.decode::<E911AddressDocument>();
    let id = created.body["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        created.body["data"]["attributes"]["address_type"], "Suite",
        "normalised case"
    );
    api.post("/v2/e911s", address()).await.error(403);

    let mut other = address();
    other["data"]["attributes"]["label"] = json!("Warehouse");
    other["data"]["attributes"]["city"] = json!("Tacoma");
    api.post("/v2/e911s", other).await;
    let list = api.get("/v2/e911s?city=seat").await;
    list.decode::<E911AddressList>();
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        api.get("/v2/e911s?state=wa&label=WARE").await.body["data"][0]["attributes"]["city"],
        "Tacoma"
    );
    assert!(
        api.get("/v2/e911s?street_name=Elm").await.body["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        api.get(&format!("/v2/e911s/{id}")).await.body["data"]["attributes"]["zip"],
        "98101"
    );

    let updated = api
        .patch(
            &format!("/v2/e911s/{id}"),
            json!({"data": {"type": "e911", "attributes": {"last_name": "Potter"}}}),
        )
        .await;
    assert_eq!(updated.status, 200);
    assert_eq!(updated.body["data"]["attributes"]["last_name"], "Potter");
    assert_eq!(updated.body["data"]["attributes"]["city"], "Seattle");
    api.patch(
        &format!("/v2/e911s/{id}"),
        json!({"data": {"type": "e911", "attributes": {"zip": "1"}}}),
    )
    .await
    .invalid("zip");
    api.patch(
        &format!("/v2/e911s/{id}"),
        json!({"data": {"type": "e911", "attributes": {}}}),
    )
    .await
    .error(422);
    api.patch(
        "/v2/e911s/1",
        json!({"data": {"type": "e911", "attributes": {"last_name": "x"}}}),
    )
    .await
    .error(404);

    let numbers = api.account_numbers().await;
    let assign = format!("/v2/numbers/{}/relationships/e911s/{id}", numbers[0]);
    assert_eq!(api.bare(Method::PATCH, &assign).await.status, 204);
    assert_eq!(
        api.bare(Method::PATCH, &assign).await.status,
        204,
        "idempotent"
    );
    api.bare(
        Method::PATCH,
        &format!("/v2/numbers/{}/relationships/e911s/999", numbers[0]),
    )
    .await
    .error(404);
    api.bare(
        Method::PATCH,
        &format!("/v2/numbers/12065550000/relationships/e911s/{id}"),
    )
    .await
    .error(404);
    let toll_free = api.buy("number_type=toll-free").await;
    let refused = api
        .bare(
            Method::PATCH,
            &format!("/v2/numbers/{toll_free}/relationships/e911s/{id}"),
        )
        .await;
    assert!(
        refused
            .error(422)
            .as_str()
            .unwrap()
            .contains("emergency services")
    );

    let details = api.get(&format!("/v2/numbers/{}", numbers[0])).await;
    details.decode::<PhoneNumberDocument>();
    assert_eq!(
        details.body["data"]["relationships"]["e911_address"]["data"],
        json!({"id": id, "type": "e911"})
    );
    assert!(
        details.body["included"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["type"] == "e911")
    );

    let assigned = api
        .get(&format!("/v2/e911s/{id}/relationships/numbers"))
        .await;
    assigned.decode::<E911AssignedNumberList>();
    assert_eq!(
        assigned.body["data"][0]["attributes"]["value"],
        numbers[0].as_str()
    );
    assert_eq!(
        assigned.body["links"]["self"],
        api.url(&format!(
            "/v2/e911s/{id}/relationships/numbers?limit=10&offset=0"
        ))
    );

    api.delete(&format!("/v2/e911s/{id}")).await.error(403);
    assert_eq!(
        api.delete(&format!("/v2/numbers/{}/relationships/e911s", numbers[0]))
            .await
            .status,
        204
    );
    assert!(
        api.get(&format!("/v2/e911s/{id}/relationships/numbers"))
            .await
            .body["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(api.delete(&format!("/v2/e911s/{id}")).await.status, 204);
    api.get(&format!("/v2/e911s/{id}")).await.error(404);
}

#[tokio::test]
async fn cnam_records_wait_for_approval_before_assignment() {
    let api = Api::start().await;
    let created = api.post("/v2/cnams", json!({"value": "REGENCE INC"})).await;
    assert_eq!(created.status, 201);
    created.decode::<CnamDocument>();
    let id = created.body["data"]["id"].as_str().unwrap().to_string();
    let attributes = &created.body["data"]["attributes"];
    assert_eq!(attributes["is_approved"], false);
    assert_eq!(attributes["approval_datetime"], Value::Null);
    assert_eq!(attributes["rejection_reason"], Value::Null);
    assert!(
        attributes["creation_datetime"]
            .as_str()
            .unwrap()
            .ends_with("+00:00")
    );
    // Too long, no letter, a forbidden character, a phone number.
    for value in [
        "A".repeat(16),
        "12345".into(),
        "Bob #1".into(),
        "Call 2065551234".into(),
    ] {
        api.post("/v2/cnams", json!({"value": value}))
            .await
            .invalid("value");
    }
    api.post("/v2/cnams", json!({"value": "regence inc"}))
        .await
        .invalid("value");

    let number = api.account_numbers().await[0].clone();
    let assign = format!("/v2/numbers/{number}/relationships/cnams/{id}");
    api.bare(Method::PATCH, &assign).await.invalid("approved");
    let pending = api.get("/v2/cnams?is_approved=false").await;
    pending.decode::<CnamList>();
    assert_eq!(pending.body["data"].as_array().unwrap().len(), 1);

    let renamed = api
        .patch(
            &format!("/v2/cnams/{id}"),
            json!({"data": {"type": "cnam", "attributes": {"value": "MY BUSINESS"}}}),
        )
        .await;
    assert_eq!(renamed.status, 200);
    assert_eq!(renamed.body["data"]["attributes"]["value"], "MY BUSINESS");
    assert_eq!(
        renamed.body["links"]["self"],
        api.url(&format!("/v2/cnams/{id}"))
    );

    assert_eq!(
        api.control(Method::POST, &format!("/__sim/cnams/{id}/approve"), None)
            .await
            .status,
        204
    );
    api.control(Method::POST, "/__sim/cnams/1/approve", None)
        .await
        .error(404);
    api.patch(
        &format!("/v2/cnams/{id}"),
        json!({"data": {"type": "cnam", "attributes": {"value": "OTHER"}}}),
    )
    .await
    .error(403);
    let approved = api.get(&format!("/v2/cnams/{id}")).await;
    assert_eq!(approved.body["data"]["attributes"]["is_approved"], true);
    assert!(approved.body["data"]["attributes"]["approval_datetime"].is_string());
    assert!(
        approved.body["data"].get("relationships").is_none(),
        "no numbers yet"
    );

    let accepted = api.bare(Method::PATCH, &assign).await;
    assert_eq!(accepted.status, 202);
    accepted.decode::<CnamAssociationDocument>();
    assert!(accepted.body["data"]["id"].is_i64());
    assert!(
        accepted.body["data"]["attributes"]["date_created"]
            .as_str()
            .unwrap()
            .ends_with(" GMT")
    );
    let with_numbers = api.get(&format!("/v2/cnams/{id}")).await;
    with_numbers.decode::<CnamDocument>();
    assert_eq!(
        with_numbers.body["data"]["relationships"]["numbers"]["data"][0]["id"],
        number.as_str()
    );
    assert_eq!(with_numbers.body["included"][0]["id"], number.as_str());
    let details = api.get(&format!("/v2/numbers/{number}")).await;
    assert_eq!(
        details.body["data"]["relationships"]["cnam_preset"]["data"]["id"],
        id.as_str()
    );

    let removed = api
        .delete(&format!("/v2/numbers/{number}/relationships/cnams"))
        .await;
    assert_eq!(removed.status, 202);
    assert_eq!(removed.body["data"]["id"], Value::Null);
    assert_eq!(api.bare(Method::PATCH, &assign).await.status, 202);
    assert_eq!(
        api.get("/v2/cnams?is_approved=true&value=busi").await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(api.delete(&format!("/v2/cnams/{id}")).await.status, 204);
    let gone = api.delete(&format!("/v2/cnams/{id}")).await;
    assert_eq!(gone.error(404), "CNAM record not found. Nothing to delete.");
    let details = api.get(&format!("/v2/numbers/{number}")).await;
    assert_eq!(
        details.body["data"]["relationships"]["cnam_preset"]["data"],
        Value::Null,
        "deleting unassigns"
    );
}

#[tokio::test]
async fn cnam_records_can_be_approved_by_delay_or_rejected() {
    let api = Api::with(
        flowroute_sim::Simulator::builder().cnam_approval_delay(Duration::from_millis(250)),
    )
    .await;
    let id = api
        .post("/v2/cnams", json!({"value": "Bob Law"}))
        .await
        .body["data"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        api.get(&format!("/v2/cnams/{id}")).await.body["data"]["attributes"]["is_approved"],
        false
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        api.get(&format!("/v2/cnams/{id}")).await.body["data"]["attributes"]["is_approved"],
        true
    );

    let other = api
        .post("/v2/cnams", json!({"value": "Fake Police"}))
        .await
        .body["data"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let rejected = api
        .control(
            Method::POST,
            &format!("/__sim/cnams/{other}/reject"),
            Some(json!({"reason": "Misleading"})),
        )
        .await;
    assert_eq!(rejected.status, 204);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let record = api.get(&format!("/v2/cnams/{other}")).await;
    assert_eq!(record.body["data"]["attributes"]["is_approved"], false);
    assert_eq!(
        record.body["data"]["attributes"]["rejection_reason"],
        "Misleading"
    );
    let toll_free = api.buy("number_type=toll-free").await;
    api.bare(
        Method::PATCH,
        &format!("/v2/numbers/{toll_free}/relationships/cnams/{id}"),
    )
    .await
    .invalid("long-code");
}
