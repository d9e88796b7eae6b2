//! Retries, deadlines, size limits and redirects, with time injected: a
//! message is never sent twice, waits follow the policy, nothing waits forever.

mod common;

use common::*;
use flowroute::messages::Message;
use flowroute::retry::RetryPolicy;
use flowroute::routes::NewRoute;
use flowroute::{Client, Error, PhoneNumber};
use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn client_on(server: &MockServer, clock: &FakeClock, policy: RetryPolicy) -> Client {
    Client::builder()
        .credentials(ACCESS_KEY, SECRET_KEY)
        .base_url(server.base_url())
        .clock(clock.clone())
        .retry_policy(policy)
        .build()
        .unwrap()
}

fn no_jitter() -> RetryPolicy {
    RetryPolicy::default()
        .jitter(|| 1.0)
        .backoff(Duration::from_millis(100), Duration::from_secs(1))
}

fn sms() -> Message {
    let from = PhoneNumber::parse("12012673227").unwrap();
    let to = PhoneNumber::parse("12065551234").unwrap();
    Message::sms(from, to, "hello")
}

const ROUTES: &str = r#"{"data": [], "links": {}}"#;

/// Answers `statuses` in turn, then 200 with `body`.
async fn sequence(
    server: &MockServer,
    method: httpmock::Method,
    path: &str,
    statuses: Vec<(u16, Option<&'static str>)>,
    body: &'static str,
) -> Arc<AtomicUsize> {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    server
        .mock_async(move |when, then| {
            when.method(method).path(path);
            then.respond_with(move |_req: &httpmock::HttpMockRequest| {
                let n = counter.fetch_add(1, Ordering::SeqCst);
                let mut response = httpmock::HttpMockResponse::builder();
                match statuses.get(n) {
                    Some((status, retry_after)) => {
                        response = response
                            .status(*status)
                            .body(r#"{"errors":[{"status":0,"title":"busy"}]}"#);
                        if let Some(after) = retry_after {
                            response = response.header("retry-after", *after);
                        }
                    }
                    None => response = response.status(200).body(body),
                }
                response.build()
            });
        })
        .await;
    calls
}

#[tokio::test]
async fn a_read_is_retried_after_429_honouring_retry_after() {
    let server = MockServer::start_async().await;
    let clock = FakeClock::default();
    let calls = sequence(
        &server,
        GET,
        "/v2/routes",
        vec![(429, Some("2")), (429, Some("3"))],
        ROUTES,
    )
    .await;
    let client = client_on(&server, &clock, no_jitter());
    client.routes().list().page().await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(
        clock.sleeps(),
        [Duration::from_secs(2), Duration::from_secs(3)]
    );
}

#[tokio::test]
async fn backoff_grows_exponentially_and_gives_up_after_max_attempts() {
    let server = MockServer::start_async().await;
    let clock = FakeClock::default();
    let calls = sequence(&server, GET, "/v2/routes", vec![(503, None); 10], ROUTES).await;
    let client = client_on(&server, &clock, no_jitter().max_attempts(4));
    let err = client.routes().list().page().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(calls.load(Ordering::SeqCst), 4);
    assert_eq!(
        clock.sleeps(),
        [
            Duration::from_millis(100),
            Duration::from_millis(200),
            Duration::from_millis(400)
        ]
    );
}

#[tokio::test]
async fn jitter_keeps_each_wait_under_its_bound() {
    let server = MockServer::start_async().await;
    let clock = FakeClock::default();
    sequence(
        &server,
        GET,
        "/v2/routes",
        vec![(502, None), (504, None)],
        ROUTES,
    )
    .await;
    let policy = RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_secs(1));
    client_on(&server, &clock, policy)
        .routes()
        .list()
        .page()
        .await
        .unwrap();
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 2);
    assert!(
        sleeps[0] < Duration::from_millis(100) && sleeps[1] < Duration::from_millis(200),
        "{sleeps:?}"
    );
}

#[tokio::test]
async fn validation_errors_are_not_retried() {
    let server = MockServer::start_async().await;
    let clock = FakeClock::default();
    let calls = sequence(
        &server,
        GET,
        "/v2/routes",
        vec![(422, None), (400, None)],
        ROUTES,
    )
    .await;
    let err = client_on(&server, &clock, no_jitter())
        .routes()
        .list()
        .page()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(clock.sleeps().is_empty());
}

const ACCEPTED: &str =
    r#"{"data": {"type": "message", "id": "mdr2-39cadeace66e11e7aff806cd7f24ba2d"}}"#;

#[tokio::test]
async fn a_send_refused_with_429_is_sent_again_after_retry_after() {
    let server = MockServer::start_async().await;
    let clock = FakeClock::default();
    let calls = sequence(
        &server,
        POST,
        "/v2.1/messages",
        vec![(429, Some("2"))],
        ACCEPTED,
    )
    .await;
    let id = client_on(&server, &clock, no_jitter())
        .messages()
        .send(sms())
        .await
        .unwrap()
        .id;
    assert_eq!(id.as_str(), "mdr2-39cadeace66e11e7aff806cd7f24ba2d");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(
        clock.sleeps(),
        [Duration::from_secs(2)],
        "after Retry-After"
    );
}

#[tokio::test]
async fn a_send_refused_with_429_every_time_stops_at_the_attempt_limit() {
    let server = MockServer::start_async().await;
    let clock = FakeClock::default();
    let calls = sequence(
        &server,
        POST,
        "/v2.1/messages",
        vec![(429, Some("1")); 3],
        ACCEPTED,
    )
    .await;
    let err = client_on(&server, &clock, no_jitter())
        .messages()
        .send(sms())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert!(err.is_safe_to_retry(), "a 429 did nothing: {err}");
}

#[tokio::test]
async fn a_message_is_never_sent_twice_by_default() {
    for status in [500, 502, 503, 504] {
        let server = MockServer::start_async().await;
        let clock = FakeClock::default();
        let calls = sequence(
            &server,
            POST,
            "/v2.1/messages",
            vec![(status, Some("1"))],
            "{}",
        )
        .await;
        let err = client_on(&server, &clock, no_jitter())
            .messages()
            .send(sms())
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(calls.load(Ordering::SeqCst), 1, "status {status}");
    }
}

#[tokio::test]
async fn a_purchase_is_never_retried_by_default() {
    let server = MockServer::start_async().await;
    let clock = FakeClock::default();
    let calls = sequence(
        &server,
        POST,
        "/v2/numbers/12065551234",
        vec![(503, None)],
        "{}",
    )
    .await;
    client_on(&server, &clock, no_jitter())
        .numbers()
        .purchase("12065551234")
        .await
        .unwrap_err();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn retry_unsafe_is_an_explicit_opt_in() {
    let server = MockServer::start_async().await;
    let clock = FakeClock::default();
    let accepted = r#"{"data":{"id":"mdr2-39cadeace66e11e7aff806cd7f24ba2d","type":"message"}}"#;
    let calls = sequence(&server, POST, "/v2.1/messages", vec![(503, None)], accepted).await;
    let client = client_on(&server, &clock, no_jitter().retry_unsafe(true));
    let id = client.messages().send(sms()).await.unwrap().id;
    assert_eq!(id.as_str(), "mdr2-39cadeace66e11e7aff806cd7f24ba2d");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn creations_are_retried_only_when_refused_unprocessed() {
    let route = r#"{"data":{"id":"1","type":"route","attributes":{"alias":"a","route_type":"host","value":"h.example.com"}}}"#;
    for (status, expected_calls) in [(429, 2), (503, 1)] {
        let server = MockServer::start_async().await;
        let clock = FakeClock::default();
        let calls = sequence(&server, POST, "/v2/routes", vec![(status, None)], route).await;
        let result = client_on(&server, &clock, no_jitter())
            .routes()
            .create(NewRoute::host("h.example.com", "a"))
            .await;
        assert_eq!(
            calls.load(Ordering::SeqCst),
            expected_calls,
            "status {status}"
        );
        assert_eq!(result.is_ok(), status == 429, "status {status}");
    }
}

#[tokio::test]
async fn a_retry_after_beyond_the_clamp_ends_the_retries() {
    let server = MockServer::start_async().await;
    let clock = FakeClock::default();
    let calls = sequence(
        &server,
        GET,
        "/v2/routes",
        vec![(429, Some("3600"))],
        ROUTES,
    )
    .await;
    let err = client_on(&server, &clock, no_jitter())
        .routes()
        .list()
        .page()
        .await
        .unwrap_err();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        err.api().and_then(|a| a.retry_after),
        Some(Duration::from_secs(3600))
    );
}

#[tokio::test]
async fn no_wait_crosses_the_deadline() {
    let server = MockServer::start_async().await;
    let clock = FakeClock::default();
    let calls = sequence(
        &server,
        GET,
        "/v2/routes",
        vec![(429, Some("2")), (429, Some("2")), (429, Some("2"))],
        ROUTES,
    )
    .await;
    let client = Client::builder()
        .credentials(ACCESS_KEY, SECRET_KEY)
        .base_url(server.base_url())
        .clock(clock.clone())
        .retry_policy(no_jitter().max_attempts(10))
        .deadline(Duration::from_secs(5))
        .build()
        .unwrap();
    let err = client.routes().list().page().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        3,
        "2 s + 2 s fit in 5 s, a third wait would not"
    );
    assert_eq!(
        clock.sleeps().iter().sum::<Duration>(),
        Duration::from_secs(4)
    );
}

#[tokio::test]
async fn per_call_policies_share_the_client() {
    let server = MockServer::start_async().await;
    let clock = FakeClock::default();
    let calls = sequence(&server, GET, "/v2/routes", vec![(503, None); 5], ROUTES).await;
    let client = client_on(&server, &clock, no_jitter());
    client
        .with_retry_policy(RetryPolicy::none())
        .routes()
        .list()
        .page()
        .await
        .unwrap_err();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_answer_over_the_size_limit_is_an_error_not_a_buffer() {
    let (server, _) = setup().await;
    let big = json!({"data": [], "links": {"self": "x".repeat(10_000)}});
    server
        .mock_async(|when, then| {
            when.path("/v2/routes");
            then.status(200).json_body(big);
        })
        .await;
    let client = Client::builder()
        .credentials(ACCESS_KEY, SECRET_KEY)
        .base_url(server.base_url())
        .max_response_bytes(1_000)
        .build()
        .unwrap();
    let err = client.routes().list().page().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                operation: "list_inbound_routes",
                limit: 1_000
            }
        ),
        "{err:?}"
    );
    assert!(!err.is_transient() && !err.is_safe_to_retry());
}

#[tokio::test]
async fn api_calls_follow_no_redirect_and_name_only_the_location_host() {
    let (origin, client) = setup().await;
    let elsewhere = MockServer::start_async().await;
    let anything_elsewhere = elsewhere
        .mock_async(|_, then| {
            then.status(200).body(ROUTES);
        })
        .await;
    let to = PhoneNumber::parse("12065550100").unwrap();
    let from = PhoneNumber::parse("12065551234").unwrap();
    for (status, post, path) in [
        (307, true, "/v2.1/messages"),
        (308, true, "/v2/numbers/12065550100"),
        (302, false, "/v2/routes"),
    ] {
        // The Location carries a phone number in its path; only the host may show.
        let location = elsewhere.url("/v2/numbers/12065550100?sig=abc");
        let redirect = origin
            .mock_async(|when, then| {
                when.method(if post { POST } else { GET })
                    .path(path)
                    .header_missing("referer");
                then.status(status).header("location", &location);
            })
            .await;
        let err = match path {
            "/v2.1/messages" => client
                .messages()
                .send(Message::sms(from.clone(), to.clone(), "hi"))
                .await
                .map(|_| ()),
            "/v2/numbers/12065550100" => client.numbers().purchase(&to).await.map(|_| ()),
            _ => client.routes().list().page().await.map(|_| ()),
        }
        .unwrap_err();
        assert_eq!(
            redirect.calls_async().await,
            1,
            "{path}: sent once, not retried"
        );
        match &err {
            Error::Redirect {
                status: s,
                location_host,
                ..
            } => {
                assert_eq!(s.as_u16(), status);
                assert_eq!(location_host.as_deref(), Some("127.0.0.1"));
            }
            other => panic!("{path}: expected Error::Redirect, got {other:?}"),
        }
        let shown = err.to_string();
        assert!(
            !shown.contains("12065550100") && !shown.contains("sig="),
            "{shown}"
        );
        assert!(!err.is_transient() && !err.is_safe_to_retry());
        redirect.delete_async().await;
    }
    assert_eq!(anything_elsewhere.calls_async().await, 0);
}

#[tokio::test]
async fn a_given_http_client_that_follows_redirects_is_reported() {
    let (origin, _) = setup().await;
    let elsewhere = MockServer::start_async().await;
    elsewhere
        .mock_async(|_, then| {
            then.status(200).body(ROUTES);
        })
        .await;
    origin
        .mock_async(|when, then| {
            request(when, GET, "/v2/routes");
            then.status(302)
                .header("location", elsewhere.url("/v2/routes"));
        })
        .await;
    let client = Client::builder()
        .credentials(ACCESS_KEY, SECRET_KEY)
        .base_url(origin.base_url())
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    let err = client.routes().list().page().await.unwrap_err();
    assert!(
        matches!(&err, Error::Config { reason } if reason.contains("Policy::none()")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_huge_retry_after_ends_the_retries_instead_of_overflowing() {
    // The sum overflows only once the call has run for a second or more, so
    // the first answer asks for a one-second wait (instant on the fake clock).
    for huge in ["18446744073709551615", "Fri, 31 Dec 9999 23:59:59 GMT"] {
        let (server, _) = setup().await;
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = calls.clone();
        let mock = server
            .mock_async(|when, then| {
                request(when, GET, "/v2/routes");
                then.respond_with(move |_: &httpmock::HttpMockRequest| {
                    let first = seen.fetch_add(1, Ordering::SeqCst) == 0;
                    http::Response::builder()
                        .status(429)
                        .header("retry-after", if first { "1" } else { huge })
                        .body(String::new())
                        .unwrap()
                        .into()
                });
            })
            .await;
        let client = Client::builder()
            .credentials(ACCESS_KEY, SECRET_KEY)
            .base_url(server.base_url())
            .clock(FakeClock::default())
            .retry_policy(RetryPolicy::default().max_retry_after(Duration::MAX))
            .build()
            .unwrap();
        let err = client.routes().list().page().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(429), "{huge}");
        assert_eq!(
            mock.calls_async().await,
            2,
            "{huge}: past the deadline, no third attempt"
        );
        assert!(err.api().unwrap().retry_after.unwrap() > Duration::from_secs(3600));
    }
}
