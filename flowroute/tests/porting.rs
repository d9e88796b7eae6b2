//! Porting on the wire. Unlike the rest of the API, these endpoints are
//! documented with `application/json`, so the matchers are written out here
//! instead of using the JSON:API helpers of `common`.

mod common;

use common::*;
use flowroute::{Error, PhoneNumber};
use httpmock::Method::{GET, POST};
use httpmock::{Method, When};
use serde_json::json;

const JSON: &str = "application/json";

/// A porting request: method, path, Basic auth, our user agent,
/// `Accept: application/json`, and no progenitor `api-version` header.
fn porting_request(when: When, method: Method, path: &str) -> When {
    when.method(method)
        .path(path)
        .header("authorization", AUTHORIZATION)
        .header("user-agent", USER_AGENT)
        .header("accept", JSON)
        .header_missing("api-version")
}

#[tokio::test]
async fn check_sends_plus_numbers_as_plain_json_and_sorts_the_answer() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(porting_request(when, POST, "/v2/portorders/portability"), 0)
                .header("content-type", JSON)
                .json_body(json!({"numbers": ["+14252081174", "+12125551212", "+18002255277"]}));
            then.status(200)
                .header("content-type", JSON)
                .json_body(json!({"data": {
                "hypernetwork_enabled": ["+14252081174"], "nonportable": ["+12125551212"],
                "portable": ["+18002255277", "+14252081174"]}}));
        })
        .await;
    let toll_free = PhoneNumber::parse("18002255277").unwrap();
    let numbers: Vec<PhoneNumber> = ["14252081174", "(212) 555-1212"]
        .iter()
        .map(|n| n.parse().unwrap())
        .chain([toll_free])
        .collect();
    let report = client.porting().check(&numbers).await.unwrap();
    mock.assert_async().await;
    let digits = |list: &[PhoneNumber]| {
        list.iter()
            .map(|n| n.as_str().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(digits(&report.portable), ["18002255277", "14252081174"]);
    assert_eq!(digits(&report.nonportable), ["12125551212"]);
    assert_eq!(digits(&report.hypernetwork_enabled), ["14252081174"]);
}

#[tokio::test]
async fn check_accepts_plain_strings_and_missing_lists() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            porting_request(when, POST, "/v2/portorders/portability")
                .header("content-type", JSON)
                .json_body(json!({"numbers": ["+12065551234"]}));
            then.status(200)
                .json_body(json!({"data": {"portable": ["+12065551234"]}}));
        })
        .await;
    let report = client.porting().check(["206-555-1234"]).await.unwrap();
    mock.assert_async().await;
    assert_eq!(
        report.portable,
        [PhoneNumber::parse("12065551234").unwrap()]
    );
    assert!(report.nonportable.is_empty());
    assert!(report.hypernetwork_enabled.is_empty());
}

#[tokio::test]
async fn orders_sends_paging_and_keeps_the_undocumented_attributes() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            query_count(porting_request(when, GET, "/v2/portorders"), 2)
                .query_param("limit", "2")
                .query_param("offset", "0");
            then.status(200).header("content-type", JSON).json_body(json!({
                "data": [{"attributes": {"status": "pending", "numbers": ["+12065551234"]}, "id": "po-1", "type": "portorder"}],
                "links": {"self": "https://api.flowroute.com/v2/portorders?limit=2&offset=0"}}));
        })
        .await;
    let page = client.porting().orders().limit(2).page().await.unwrap();
    mock.assert_async().await;
    assert_eq!(page.next_offset, None);
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id, "po-1");
    assert_eq!(page.items[0].attributes["status"], json!("pending"));
    assert_eq!(page.items[0].attributes["numbers"], json!(["+12065551234"]));
}

#[tokio::test]
async fn invalid_checks_never_reach_the_server() {
    let (server, client) = setup().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let porting = client.porting();
    let none: [&str; 0] = [];
    let cases: Vec<(Result<(), Error>, &str)> = vec![
        (porting.check(none).await.map(|_| ()), "numbers"),
        (
            porting.check(["12065551234", "555"]).await.map(|_| ()),
            "phone number",
        ),
        (
            porting
                .check(vec!["+0 20 7946 0958".to_string()])
                .await
                .map(|_| ()),
            "phone number",
        ),
        (
            porting.orders().limit(201).page().await.map(|_| ()),
            "limit",
        ),
    ];
    for (case, expected) in cases {
        match case {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, expected),
            other => panic!("expected invalid {expected}, got {other:?}"),
        }
    }
    assert_eq!(any.calls_async().await, 0);
}
