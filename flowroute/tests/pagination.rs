//! Pagination streams against a real server: they end at the last page, never
//! loop, send nothing the caller does not need, and deliver what they have
//! before an error.

mod common;

use common::*;
use flowroute::Error;
use futures_util::{StreamExt, TryStreamExt};
use httpmock::Method::GET;
use serde_json::{Value, json};

fn routes(ids: std::ops::Range<u32>) -> Value {
    Value::Array(
        ids.map(|i| json!({"id": i.to_string(), "type": "route", "attributes": {"alias": format!("r{i}"), "route_type": "host", "value": "h"}}))
            .collect(),
    )
}

fn next(offset: u32, limit: u32) -> Value {
    json!({"next": format!("https://api.flowroute.com/v2/routes?limit={limit}&offset={offset}")})
}

#[tokio::test]
async fn the_stream_ends_at_the_page_without_a_next_link() {
    let (server, client) = setup().await;
    let p0 = server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes")
                .query_param("offset", "0")
                .query_param("limit", "3");
            then.status(200)
                .json_body(json!({"data": routes(0..3), "links": next(3, 3)}));
        })
        .await;
    let p1 = server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes")
                .query_param("offset", "3")
                .query_param("limit", "3");
            then.status(200)
                .json_body(json!({"data": routes(3..5), "links": {"self": "x"}}));
        })
        .await;
    let items = client.routes().list().limit(3).all().await.unwrap();
    assert_eq!(items.len(), 5);
    assert_eq!(p0.calls_async().await, 1);
    assert_eq!(p1.calls_async().await, 1);
}

#[tokio::test]
async fn a_server_that_repeats_its_page_gives_an_error_not_a_loop() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes");
            // Ignores offset: every page is the first one, always with a next link.
            then.status(200)
                .json_body(json!({"data": routes(0..2), "links": next(2, 2)}));
        })
        .await;
    let results: Vec<Result<flowroute::routes::Route, Error>> =
        client.routes().list().limit(2).items().collect().await;
    assert_eq!(results.len(), 3, "two items, then the error");
    assert!(results[..2].iter().all(Result::is_ok));
    let err = results[2].as_ref().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Protocol {
                operation: "list_inbound_routes",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("repeats the previous page"),
        "{err}"
    );
    assert_eq!(mock.calls_async().await, 2);
}

#[tokio::test]
async fn a_next_link_pointing_backwards_stops_the_stream() {
    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes").query_param("offset", "0");
            then.status(200)
                .json_body(json!({"data": routes(0..2), "links": next(0, 2)}));
        })
        .await;
    let results: Vec<_> = client.routes().list().limit(2).pages().collect().await;
    assert_eq!(results.len(), 1);
    let err = results[0].as_ref().unwrap_err();
    assert!(err.to_string().contains("points back to offset 0"), "{err}");
}

#[tokio::test]
async fn a_failing_page_comes_after_the_items_already_delivered() {
    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes").query_param("offset", "0");
            then.status(200)
                .json_body(json!({"data": routes(0..2), "links": next(2, 2)}));
        })
        .await;
    server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes").query_param("offset", "2");
            then.status(503)
                .json_body(json!({"errors": [{"status": 503, "title": "Service Unavailable"}]}));
        })
        .await;
    let results: Vec<_> = client.routes().list().limit(2).items().collect().await;
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().unwrap().id.as_str(), "0");
    assert_eq!(results[1].as_ref().unwrap().id.as_str(), "1");
    assert_eq!(
        results[2]
            .as_ref()
            .unwrap_err()
            .status()
            .map(|s| s.as_u16()),
        Some(503)
    );
}

#[tokio::test]
async fn stopping_early_sends_no_further_request() {
    let (server, client) = setup().await;
    let p0 = server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes").query_param("offset", "0");
            then.status(200)
                .json_body(json!({"data": routes(0..2), "links": next(2, 2)}));
        })
        .await;
    let p1 = server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes").query_param("offset", "2");
            then.status(200).json_body(json!({"data": routes(2..4)}));
        })
        .await;
    let stream = client.routes().list().limit(2).items();
    assert_eq!(
        p0.calls_async().await,
        0,
        "nothing is sent before the stream is polled"
    );
    let first_two: Vec<_> = stream.take(2).try_collect().await.unwrap();
    assert_eq!(first_two.len(), 2);
    assert_eq!(p0.calls_async().await, 1);
    assert_eq!(
        p1.calls_async().await,
        0,
        "the second page is never requested"
    );
}

#[tokio::test]
async fn max_items_asks_the_last_page_only_for_what_is_still_wanted() {
    let (server, client) = setup().await;
    let p0 = server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes")
                .query_param("offset", "0")
                .query_param("limit", "3");
            then.status(200)
                .json_body(json!({"data": routes(0..3), "links": next(3, 3)}));
        })
        .await;
    let p1 = server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes")
                .query_param("offset", "3")
                .query_param("limit", "2");
            then.status(200)
                .json_body(json!({"data": routes(3..5), "links": next(5, 2)}));
        })
        .await;
    let items = client
        .routes()
        .list()
        .limit(3)
        .max_items(5)
        .all()
        .await
        .unwrap();
    assert_eq!(items.len(), 5);
    p0.assert_async().await;
    p1.assert_async().await;
}

#[tokio::test]
async fn an_empty_page_ends_the_stream() {
    let (server, client) = setup().await;
    let mock = server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes");
            then.status(200)
                .json_body(json!({"data": [], "links": next(10, 10)}));
        })
        .await;
    assert!(client.routes().list().all().await.unwrap().is_empty());
    assert_eq!(mock.calls_async().await, 1);
}

/// A server that never stops: every page is full, new, and links to the next.
async fn endless_routes() -> (httpmock::MockServer, flowroute::Client) {
    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes");
            then.respond_with(|req: &httpmock::HttpMockRequest| {
                let param = |name: &str| {
                    req.query_params()
                        .into_iter()
                        .find(|(k, _)| k == name)
                        .and_then(|(_, v)| v.parse::<u32>().ok())
                        .unwrap_or(0)
                };
                let (offset, limit) = (param("offset"), param("limit"));
                let body = json!({"data": routes(offset..offset + limit), "links": next(offset + limit, limit)});
                http::Response::builder()
                    .status(200)
                    .header("content-type", JSON_API)
                    .body(body.to_string())
                    .unwrap()
                    .into()
            });
        })
        .await;
    (server, client)
}

#[tokio::test]
async fn all_stops_at_its_cap_with_an_error_when_the_server_never_ends() {
    let (_server, client) = endless_routes().await;
    let outcome = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        client.routes().list().all(),
    )
    .await
    .expect("all() must end on its own against an endless server");
    match outcome {
        Err(Error::TooManyItems { operation, cap }) => {
            assert_eq!(operation, "list_inbound_routes");
            assert_eq!(cap, flowroute::pagination::ALL_ITEMS_CAP);
        }
        other => panic!("expected TooManyItems, got {:?}", other.map(|v| v.len())),
    }
    // An explicit max_items is the caller's choice: collected, no error.
    let some = client.routes().list().max_items(450).all().await.unwrap();
    assert_eq!(some.len(), 450);
    assert_eq!(some[449].id.as_str(), "449");
}
