//! CNAM records on the wire: every operation's exact request, and its decoded result.

mod common;

use common::*;
use flowroute::{CnamId, Error, PhoneNumber};
use httpmock::Method::{DELETE, GET, PATCH, POST};
use serde_json::{Value, json};

/// A CNAM record as Flowroute documents it (the official Python SDK README's example).
fn regence_json() -> Value {
    json!({"attributes": {"approval_datetime": "2018-04-16 16:20:32.939166+00:00", "creation_datetime": "2018-04-12 19:08:39.062539+00:00",
                          "is_approved": true, "rejection_reason": null, "value": "REGENCE INC"},
           "id": "22671", "links": {"self": "https://api.flowroute.com/v2/cnams/22671"}, "type": "cnam"})
}

#[tokio::test]
async fn list_sends_the_filters_and_decodes_records_and_timestamps() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/cnams"), 4)
                .query_param("limit", "10")
                .query_param("offset", "0")
                .query_param("is_approved", "true")
                .query_param("value", "REGENCE");
            then.status(200)
                .header("content-type", JSON_API)
                .json_body(json!({"data": [regence_json()],
                "links": {"self": "https://api.flowroute.com/v2/cnams?limit=10&offset=0"}}));
        })
        .await;
    let page = client
        .cnams()
        .list()
        .is_approved(true)
        .value("REGENCE")
        .limit(10)
        .page()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.next_offset, None);
    assert_eq!(page.items.len(), 1);
    let cnam = &page.items[0];
    assert_eq!(cnam.id.as_str(), "22671");
    assert_eq!(cnam.value, "REGENCE INC");
    assert!(cnam.is_approved);
    assert_eq!(cnam.rejection_reason, None);
    assert_eq!(
        cnam.creation_datetime.as_deref(),
        Some("2018-04-12 19:08:39.062539+00:00")
    );
    assert_eq!(
        cnam.approval_datetime.as_deref(),
        Some("2018-04-16 16:20:32.939166+00:00")
    );
    assert_eq!(
        cnam.created_at().unwrap().to_rfc3339(),
        "2018-04-12T19:08:39.062539+00:00"
    );
    assert_eq!(
        cnam.approved_at().unwrap().to_rfc3339(),
        "2018-04-16T16:20:32.939166+00:00"
    );
    assert!(cnam.numbers.is_empty());
}

#[tokio::test]
async fn list_can_ask_for_pending_records() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/cnams"), 2)
                .query_param("is_approved", "false")
                .query_param("offset", "0");
            then.status(200).json_body(json!({"data": [], "links": {}}));
        })
        .await;
    let page = client
        .cnams()
        .list()
        .is_approved(false)
        .page()
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(page.items.is_empty());
}

#[tokio::test]
async fn get_decodes_the_record_and_the_numbers_presenting_it() {
    let (server, client) = setup().await;
    let mut data = regence_json();
    data["relationships"] = json!({"numbers": {"data": [{"id": "12065551234", "type": "number"}]}});
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, GET, "/v2/cnams/22671"), 0);
            then.status(200).header("content-type", JSON_API).json_body(
                json!({"data": data, "included": [
                {"attributes": {"value": "12065551234"}, "id": "12065551234", "type": "number",
                 "links": {"self": "https://api.flowroute.com/v2/numbers/12065551234"}},
                {"attributes": {"value": "12065550100"}, "id": "12065550100", "type": "number"}]}),
            );
        })
        .await;
    let cnam = client.cnams().get("22671").await.unwrap();
    mock.assert_async().await;
    assert_eq!(cnam.id.as_str(), "22671");
    assert_eq!(cnam.value, "REGENCE INC");
    assert!(cnam.is_approved);
    let numbers: Vec<&str> = cnam.numbers.iter().map(PhoneNumber::as_str).collect();
    assert_eq!(numbers, ["12065551234", "12065550100"]);
}

#[tokio::test]
async fn create_sends_a_flat_body_and_decodes_the_pending_record() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request_with_body(when, POST, "/v2/cnams", json!({"value": "Bob Law"}));
            then.status(201).header("content-type", JSON_API).json_body(json!({"data": {"attributes": {
                "approval_datetime": null, "creation_datetime": "2018-05-22 23:38:27.794911+00:00",
                "is_approved": false, "rejection_reason": "", "value": "BOB LAW"},
                "id": "27719", "links": {"self": "https://api.flowroute.com/v2/cnams/27719"}, "type": "cnam"}}));
        })
        .await;
    let cnam = client.cnams().create("Bob Law").await.unwrap();
    mock.assert_async().await;
    assert_eq!(cnam.id.as_str(), "27719");
    assert_eq!(cnam.value, "BOB LAW");
    assert!(!cnam.is_approved);
    assert_eq!(cnam.rejection_reason, None);
    assert_eq!(cnam.approval_datetime, None);
    assert_eq!(cnam.approved_at(), None);
    assert_eq!(
        cnam.created_at().unwrap().to_rfc3339(),
        "2018-05-22T23:38:27.794911+00:00"
    );
}

#[tokio::test]
async fn update_sends_a_wrapped_body() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request_with_body(when, PATCH, "/v2/cnams/22671", json!({"data": {"type": "cnam", "attributes": {"value": "MY BUSINESS"}}}));
            then.status(200).header("content-type", JSON_API).json_body(json!({"data": {"attributes": {
                "approval_datetime": null, "creation_datetime": "2018-04-12 19:08:39.062539+00:00",
                "is_approved": false, "rejection_reason": null, "value": "MY BUSINESS"}, "id": "22671", "type": "cnam"},
                "links": {"self": "https://api.flowroute.com/v2/cnams/22671"}}));
        })
        .await;
    let cnam = client
        .cnams()
        .update(&CnamId::new("22671").unwrap(), "MY BUSINESS")
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(cnam.id.as_str(), "22671");
    assert_eq!(cnam.value, "MY BUSINESS");
    assert!(!cnam.is_approved);
}

#[tokio::test]
async fn delete_sends_a_delete_and_reports_an_unknown_record() {
    let (server, client) = setup().await;
    let ok = server
        .mock_async(|when, then| {
            query_count(request(when, DELETE, "/v2/cnams/22671"), 0);
            then.status(204);
        })
        .await;
    let missing = server
        .mock_async(|when, then| {
            request(when, DELETE, "/v2/cnams/1");
            then.status(404).header("content-type", JSON_API).json_body(json!({"errors": [{
                "detail": "CNAM record not found. Nothing to delete.", "id": "849e9a08-0000-4000-8000-000000000000",
                "status": 404, "title": "Resource not found"}]}));
        })
        .await;
    client.cnams().delete("22671").await.unwrap();
    let err = client.cnams().delete("1").await.unwrap_err();
    ok.assert_async().await;
    missing.assert_async().await;
    assert_eq!(
        err.to_string(),
        "Flowroute answered 404 Not Found to delete_cnam_record: Resource not found: CNAM record not found. Nothing to delete. (request id 849e9a08-0000-4000-8000-000000000000)"
    );
}

#[tokio::test]
async fn assign_patches_the_plural_relationship_and_decodes_the_202() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, PATCH, "/v2/numbers/12065551234/relationships/cnams/22671"), 0)
                .body("")
                .header("content-length", "0");
            then.status(202).header("content-type", JSON_API).json_body(json!({"data": {
                "attributes": {"date_created": "Fri, 01 Jun 2018 00:17:52 GMT"}, "id": 17604, "type": "cnam"}}));
        })
        .await;
    let accepted = client
        .cnams()
        .assign("+1 (206) 555-1234", "22671")
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(accepted.id, Some(17604));
    assert_eq!(
        accepted.date_created.as_deref(),
        Some("Fri, 01 Jun 2018 00:17:52 GMT")
    );
    assert_eq!(
        accepted.created_at().unwrap().to_rfc3339(),
        "2018-06-01T00:17:52+00:00"
    );
}

#[tokio::test]
async fn unassign_deletes_the_relationship_and_decodes_a_null_id() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(request(when, DELETE, "/v2/numbers/12065551234/relationships/cnams"), 0);
            then.status(202).header("content-type", JSON_API).json_body(json!({"data": {
                "attributes": {"date_created": "Mon, 22 Aug 2022 07:23:53 GMT"}, "id": null, "type": "cnam"}}));
        })
        .await;
    let accepted = client.cnams().unassign("12065551234").await.unwrap();
    mock.assert_async().await;
    assert_eq!(accepted.id, None);
    assert_eq!(
        accepted.date_created.as_deref(),
        Some("Mon, 22 Aug 2022 07:23:53 GMT")
    );
}

#[tokio::test]
async fn invalid_names_and_arguments_never_reach_the_server() {
    let (server, client) = setup().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let cnams = client.cnams();
    let cases: Vec<(Result<(), Error>, &str, &str)> = vec![
        (cnams.create("").await.map(|_| ()), "CNAM value", "is empty"),
        (
            cnams.create("THIS IS TOO LONG").await.map(|_| ()),
            "CNAM value",
            "has 16 characters",
        ),
        (
            cnams.create("2065551234").await.map(|_| ()),
            "CNAM value",
            "no letter",
        ),
        (
            cnams.create("BOB!").await.map(|_| ()),
            "CNAM value",
            "contains `!`",
        ),
        (
            cnams.update("22671", "BOB;LAW").await.map(|_| ()),
            "CNAM value",
            "contains `;`",
        ),
        (
            cnams.update("22/671", "BOB").await.map(|_| ()),
            "CNAM record id",
            "contains `/`",
        ),
        (
            cnams.get("").await.map(|_| ()),
            "CNAM record id",
            "is empty",
        ),
        (cnams.delete("a b").await, "CNAM record id", "contains ` `"),
        (
            cnams.assign("555", "22671").await.map(|_| ()),
            "phone number",
            "has 3 digits",
        ),
        (
            cnams.assign("12065551234", "?").await.map(|_| ()),
            "CNAM record id",
            "contains `?`",
        ),
        (
            cnams.unassign("12061551234").await.map(|_| ()),
            "phone number",
            "exchange 155",
        ),
        (
            cnams.list().limit(0).page().await.map(|_| ()),
            "limit",
            "0 is not a page size",
        ),
    ];
    for (case, expected, why) in cases {
        match case {
            Err(Error::InvalidInput { field, reason }) => {
                assert_eq!(field, expected);
                assert!(reason.contains(why), "{expected}: {reason}");
            }
            other => panic!("expected invalid {expected}, got {other:?}"),
        }
    }
    assert_eq!(any.calls_async().await, 0);
}
