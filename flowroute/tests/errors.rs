//! Every documented error status, with the three bodies servers really send
//! (a JSON:API document, an HTML page from a proxy, nothing), becomes one typed
//! `Error::Api` that keeps the status and says what Flowroute said.

mod common;

use common::*;
use flowroute::routes::NewRoute;
use flowroute::{Error, TimeLimit};
use httpmock::Method::{GET, POST};
use serde_json::json;
use std::time::Duration;

const STATUSES: [u16; 11] = [400, 401, 403, 404, 405, 409, 415, 422, 429, 500, 503];

enum Body {
    JsonApi,
    Html,
    Empty,
}

async fn answer(status: u16, body: &Body, post: bool) -> Error {
    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            when.method(if post { POST } else { GET }).path("/v2/routes");
            let then = then.status(status).header("x-request-id", "req-42");
            match body {
                Body::JsonApi => {
                    then.header("content-type", JSON_API).json_body(json!({"errors": [{
                        "id": "e-1", "status": status, "title": "Nope", "detail": format!("detail for {status}")}]}));
                }
                Body::Html => {
                    then.header("content-type", "text/html").body("<html><body>Bad Gateway</body></html>");
                }
                Body::Empty => {}
            }
        })
        .await;
    let result = if post {
        client
            .routes()
            .create(NewRoute::host("a.example.com", "x"))
            .await
            .map(|_| ())
    } else {
        client.routes().list().page().await.map(|_| ())
    };
    result.expect_err("an error status is an error")
}

#[tokio::test]
async fn every_status_with_every_body_kind_maps_to_an_api_error() {
    for post in [false, true] {
        for status in STATUSES {
            for body in [Body::JsonApi, Body::Html, Body::Empty] {
                let err = answer(status, &body, post).await;
                let what = format!("post={post} {status}: {err}");
                assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{what}");
                let api = err.api().expect("Error::Api");
                assert_eq!(api.request_id.as_deref(), Some("req-42"), "{what}");
                assert_eq!(err.is_transient(), matches!(status, 429 | 503), "{what}");
                // A route creation that got a 503 may have created the route.
                let safe = if post {
                    status == 429
                } else {
                    matches!(status, 429 | 503)
                };
                assert_eq!(err.is_safe_to_retry(), safe, "{what}");
                let shown = err.to_string();
                assert!(
                    shown.starts_with(&format!("Flowroute answered {status} ")),
                    "{what}"
                );
                match body {
                    Body::JsonApi => {
                        assert_eq!(api.errors.len(), 1, "{what}");
                        assert_eq!(api.errors[0].status, Some(status), "{what}");
                        assert!(
                            shown.contains(&format!("Nope: detail for {status}")),
                            "{what}"
                        );
                    }
                    Body::Html => {
                        assert!(api.errors.is_empty(), "{what}");
                        assert!(
                            shown.contains("not a JSON:API error") && shown.contains("Bad Gateway"),
                            "{what}"
                        );
                    }
                    Body::Empty => {
                        assert!(
                            api.errors.is_empty() && api.body_excerpt.is_none(),
                            "{what}"
                        );
                        assert!(shown.contains("with an empty body"), "{what}");
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn retry_after_is_read_from_a_429() {
    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes");
            then.status(429)
                .header("retry-after", "7")
                .json_body(json!({"errors": [{"status": 429, "title": "Too Many Requests"}]}));
        })
        .await;
    let err = client.routes().list().page().await.unwrap_err();
    assert_eq!(
        err.api().and_then(|a| a.retry_after),
        Some(Duration::from_secs(7))
    );
    assert!(
        err.is_transient() && err.is_safe_to_retry(),
        "a GET refused with 429"
    );
    assert!(err.to_string().ends_with("(retry after 7s)"), "{err}");
}

#[tokio::test]
async fn a_malformed_success_body_is_a_decode_error_with_the_json_path() {
    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes");
            then.status(200).json_body(json!({"data": [
                {"id": "1", "type": "route", "attributes": {"alias": "a", "route_type": "host", "value": "x"}},
                {"id": 2, "type": "route"}]}));
        })
        .await;
    let err = client.routes().list().page().await.unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(decode.operation, "list_inbound_routes");
    assert_eq!(decode.path, "data[1].id");
    assert!(decode.excerpt.starts_with("{\"data\""), "{decode:?}");
    assert!(err.to_string().contains("at `data[1].id`"), "{err}");
}

#[tokio::test]
async fn a_body_that_is_not_json_at_all_is_a_decode_error() {
    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes");
            then.status(200).body("<html>maintenance</html>");
        })
        .await;
    let err = client.routes().list().page().await.unwrap_err();
    assert!(
        matches!(&err, Error::Decode(d) if d.excerpt == "<html>maintenance</html>"),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_undocumented_success_status_still_decodes() {
    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            request(when, POST, "/v2/routes");
            then.status(200)
                .json_body(json!({"data": {"id": "5", "type": "route",
                "attributes": {"alias": "x", "route_type": "host", "value": "a.example.com"}}}));
        })
        .await;
    let route = client
        .routes()
        .create(NewRoute::host("a.example.com", "x"))
        .await
        .unwrap();
    assert_eq!(route.id.as_str(), "5");
}

#[tokio::test]
async fn a_refused_connection_is_a_retryable_transport_error_naming_the_cause_and_host() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = flowroute::Client::builder()
        .credentials(ACCESS_KEY, SECRET_KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let err = client.routes().list().page().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                operation: "list_inbound_routes",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_transient() && err.is_safe_to_retry());
    let shown = err.to_string();
    assert!(
        shown.starts_with("could not reach 127.0.0.1 for list_inbound_routes: "),
        "{shown}"
    );
    assert!(
        shown.to_lowercase().contains("connection refused"),
        "{shown}"
    );
    assert!(!shown.contains("/v2/routes"), "no path: {shown}");
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout() {
    let (server, _) = setup().await;
    server
        .mock_async(|when, then| {
            when.path("/v2/routes");
            then.status(200)
                .delay(Duration::from_millis(500))
                .json_body(json!({"data": []}));
        })
        .await;
    let client = flowroute::Client::builder()
        .credentials(ACCESS_KEY, SECRET_KEY)
        .base_url(server.base_url())
        .request_timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    let err = client.routes().list().page().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                operation: "list_inbound_routes",
                limit: TimeLimit::Request,
                configured,
            } if configured == Duration::from_millis(50)
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "list_inbound_routes timed out: the request timeout of 50ms ran out"
    );
    assert!(err.is_transient() && err.is_safe_to_retry());

    // A deadline shorter than the request timeout: the deadline fired, and
    // the error names it with its configured value, not what was left of it.
    let client = client
        .with_request_timeout(Duration::from_secs(30))
        .with_deadline(Duration::from_millis(120));
    let err = client.routes().list().page().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "list_inbound_routes timed out: the deadline of 120ms ran out",
        "{err:?}"
    );
}

#[tokio::test]
async fn errors_never_show_the_credentials() {
    let err = answer(401, &Body::JsonApi, false).await;
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(
            !shown.contains(SECRET_KEY) && !shown.contains(AUTHORIZATION),
            "{shown}"
        );
    }
}

#[tokio::test]
async fn a_json_error_body_that_is_not_json_api_is_shown_as_sent() {
    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes");
            then.status(400)
                .header("content-type", "application/json")
                .body(r#"{"message":"bad filter"}"#);
        })
        .await;
    let err = client.routes().list().page().await.unwrap_err();
    assert_eq!(
        err.api().and_then(|a| a.body_excerpt.as_deref()),
        Some(r#"{"message":"bad filter"}"#)
    );
    assert!(err.to_string().contains("bad filter"), "{err}");
}

/// A message record whose `amount_nanodollars` has the wrong type: the body
/// holds the message text and both numbers.
const MDR_WITH_A_BAD_FIELD: &str = r#"{"data":{"id":"mdr2-1","type":"message","attributes":{"body":"your code is 493817","from":"12065551234","to":"12065550100","amount_nanodollars":"lots","direction":"outbound","is_mms":false,"message_encoding":0,"message_type":"longcode","status":"delivered","timestamp":"2018-01-01T00:00:00Z","amount_display":"$0.00"}}}"#;

#[tokio::test]
async fn decode_errors_mask_digits_and_text_unless_revealed() {
    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            request(when, GET, "/v2.1/messages/mdr2-1");
            then.status(200)
                .header("content-type", JSON_API)
                .body(MDR_WITH_A_BAD_FIELD);
        })
        .await;
    let err = client.messages().get("mdr2-1").await.unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(decode.path, "data.attributes.amount_nanodollars");
    assert_eq!(decode.body_len, MDR_WITH_A_BAD_FIELD.len());
    assert!(!decode.revealed);
    for shown in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
        for secret in ["493817", "2065551234", "2065550100", "your code", "lots"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("amount_nanodollars"), "{shown}");
    }
    assert!(
        decode.excerpt.contains(r#""body":"**** **** ** ######""#),
        "{decode:?}"
    );

    let revealing = flowroute::Client::builder()
        .credentials(ACCESS_KEY, SECRET_KEY)
        .base_url(server.base_url())
        .reveal_bodies_in_errors(true)
        .build()
        .unwrap();
    let err = revealing.messages().get("mdr2-1").await.unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("your code is 493817") && shown.contains("lots"),
        "{shown}"
    );
}

#[tokio::test]
async fn debug_reads_like_display_with_its_causes() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = flowroute::Client::builder()
        .credentials(ACCESS_KEY, SECRET_KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let err = client.routes().list().page().await.unwrap_err();
    let debug = format!("{err:?}");
    assert!(debug.starts_with(&err.to_string()), "{debug}");
    assert!(debug.contains("\n\nCaused by:\n    0: "), "{debug}");
    let fields = format!("{err:#?}");
    assert!(
        fields.starts_with("Transport {")
            && fields.contains("host: Some(")
            && fields.contains("\"127.0.0.1\""),
        "{fields}"
    );
}

#[test]
fn urls_in_configuration_errors_lose_their_query() {
    let err = flowroute::Client::builder()
        .credentials(ACCESS_KEY, SECRET_KEY)
        .base_url("https://api.example.com/?token=hunter2")
        .build()
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("https://api.example.com/?…"), "{shown}");
}
