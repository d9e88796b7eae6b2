//! Injected faults, the request log and reset.

mod common;

use std::time::{Duration, Instant};

use common::{Api, JSON_API};
use flowroute_sim::{DropPoint, Fault, FaultBody, FaultRule};
use reqwest::Method;
use serde_json::{Value, json};

async fn add(api: &Api, rule: Value) {
    let added = api.control(Method::POST, "/__sim/faults", Some(rule)).await;
    assert_eq!(added.status, 201, "{:#}", added.body);
}

#[tokio::test]
async fn status_faults_answer_json_html_or_nothing_without_applying() {
    let api = Api::start().await;
    add(
        &api,
        json!({"method": "GET", "path": "/v2/numbers", "fault": {"status": 503}}),
    )
    .await;
    api.get("/v2/numbers").await.error(503);
    assert_eq!(
        api.get("/v2/numbers").await.status,
        200,
        "count defaults to 1"
    );

    add(
        &api,
        json!({"path": "/v2/numbers", "count": 2, "fault": {"status": 502, "body": "html"}}),
    )
    .await;
    for _ in 0..2 {
        let response = api
            .request(Method::GET, "/v2/numbers")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 502);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(response.text().await.unwrap().contains("<html>"));
    }
    add(
        &api,
        json!({"path": "/v2/numbers", "fault": {"status": 500, "body": "empty"}}),
    )
    .await;
    let empty = api
        .request(Method::GET, "/v2/numbers")
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 500);
    assert!(empty.bytes().await.unwrap().is_empty());

    // A faulted purchase is not applied.
    let number = api.get("/v2/numbers/available?limit=1").await.body["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    api.sim
        .add_fault(
            FaultRule::new(
                "/v2/numbers/{id}",
                Fault::Status {
                    status: 503,
                    body: FaultBody::Json,
                },
            )
            .method("POST"),
        )
        .unwrap();
    api.bare(Method::POST, &format!("/v2/numbers/{number}"))
        .await
        .error(503);
    assert!(!api.account_numbers().await.contains(&number));
}

#[tokio::test]
async fn rate_limits_carry_retry_after() {
    let api = Api::start().await;
    add(&api, json!({"method": "POST", "path": "/v2.1/messages", "fault": {"rate_limit": {"retry_after": 2}}})).await;
    let limited = api.post("/v2.1/messages", json!({})).await;
    limited.error(429);
    assert_eq!(limited.headers["retry-after"], "2");
}

#[tokio::test]
async fn delays_slow_the_answer_down() {
    let api = Api::start().await;
    api.sim
        .add_fault(FaultRule::new(
            "/v2/routes",
            Fault::Delay(Duration::from_millis(150)),
        ))
        .unwrap();
    let started = Instant::now();
    assert_eq!(api.get("/v2/routes").await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn a_drop_before_the_request_changes_nothing() {
    let api = Api::start().await;
    let from = api.account_numbers().await[0].clone();
    add(
        &api,
        json!({"method": "POST", "path": "/v2.1/messages", "fault": {"drop": "before_request"}}),
    )
    .await;
    let outcome = api
        .request(Method::POST, "/v2.1/messages")
        .header("content-type", JSON_API)
        .body(json!({"to": "12065550123", "from": from, "body": "lost"}).to_string())
        .send()
        .await;
    assert!(outcome.is_err(), "connection closed without an answer");
    let messages = api.get("/v2.1/messages?start_date=2020-01-01").await;
    assert!(messages.body["data"].as_array().unwrap().is_empty());
    let log = api.sim.requests();
    let send = log
        .iter()
        .find(|r| r.method == "POST")
        .expect("the send is logged");
    assert_eq!(send.fault.as_deref(), Some("drop_before_request"));
    assert_eq!(send.status, None);
    assert!(send.has_body);
}

#[tokio::test]
async fn a_drop_after_the_request_applies_it_exactly_once() {
    let api = Api::start().await;
    let from = api.account_numbers().await[0].clone();
    api.sim
        .add_fault(
            FaultRule::new("/v2.1/messages", Fault::Drop(DropPoint::AfterRequest)).method("post"),
        )
        .unwrap();
    let outcome = api
        .request(Method::POST, "/v2.1/messages")
        .header("content-type", JSON_API)
        .body(json!({"to": "12065550123", "from": from, "body": "sent anyway"}).to_string())
        .send()
        .await;
    assert!(outcome.is_err(), "no answer");
    let log = api.control(Method::GET, "/__sim/requests", None).await;
    let sends: Vec<&Value> = log.body["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["method"] == "POST")
        .collect();
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0]["fault"], "drop_after_request");
    assert_eq!(sends[0]["status"], 202);
    let mdr = sends[0]["mdr_id"]
        .as_str()
        .expect("the send created a record");
    let messages = api.get("/v2.1/messages?start_date=2020-01-01").await;
    let ids: Vec<&str> = messages.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![mdr]);
}

#[tokio::test]
async fn truncated_and_malformed_bodies_break_a_success() {
    let api = Api::start().await;
    add(
        &api,
        json!({"path": "/v2/numbers/{number_id}", "fault": {"truncated_body": true}}),
    )
    .await;
    let number = api.account_numbers().await[0].clone();
    let response = api
        .request(Method::GET, &format!("/v2/numbers/{number}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let announced: usize = response.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(announced > 0);
    assert!(response.bytes().await.is_err(), "the body ends early");

    add(
        &api,
        json!({"path": "/v2/routes", "fault": {"malformed_body": true}}),
    )
    .await;
    let response = api.request(Method::GET, "/v2/routes").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], JSON_API);
    let text = response.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");

    // Both apply the request: a truncated purchase still buys.
    let wanted = api.get("/v2/numbers/available?limit=1").await.body["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    api.sim
        .add_fault(FaultRule::new("/v2/numbers/{id}", Fault::TruncatedBody).method("POST"))
        .unwrap();
    let bought = api
        .request(Method::POST, &format!("/v2/numbers/{wanted}"))
        .send()
        .await
        .unwrap();
    assert_eq!(bought.status(), 201);
    assert!(bought.bytes().await.is_err());
    assert!(api.account_numbers().await.contains(&wanted));
}

#[tokio::test]
async fn fault_rules_are_validated_listed_and_cleared() {
    let api = Api::start().await;
    for (rule, field) in [
        (
            json!({"path": "/v2/numbers", "fault": {"status": 200}}),
            "fault.status",
        ),
        (
            json!({"path": "v2/numbers", "fault": {"status": 503}}),
            "path",
        ),
        (
            json!({"path": "/v2/numbers", "fault": {"explode": true}}),
            "fault",
        ),
        (
            json!({"path": "/v2/numbers", "count": 0, "fault": {"status": 503}}),
            "count",
        ),
        (
            json!({"path": "/v2/numbers", "fault": {"drop": "sometimes"}}),
            "fault.drop",
        ),
    ] {
        api.control(Method::POST, "/__sim/faults", Some(rule))
            .await
            .invalid(field);
    }
    assert!(
        api.sim
            .add_fault(FaultRule::new(
                "/x",
                Fault::Status {
                    status: 302,
                    body: FaultBody::Empty
                }
            ))
            .is_err()
    );
    add(
        &api,
        json!({"path": "/v2/numbers", "count": 3, "fault": {"delay_ms": 1}}),
    )
    .await;
    let listed = api.control(Method::GET, "/__sim/faults", None).await;
    assert_eq!(listed.body["faults"][0]["count"], 3);
    assert_eq!(listed.body["faults"][0]["fault"], json!({"delay_ms": 1}));
    assert_eq!(
        api.control(Method::DELETE, "/__sim/faults", None)
            .await
            .status,
        204
    );
    assert!(api.sim.faults().is_empty());
}

#[tokio::test]
async fn the_request_log_records_and_clears() {
    let api = Api::start().await;
    api.get("/v2/numbers?limit=1").await;
    api.send(api.http.get(api.url("/v2/routes"))).await;
    let log = api.sim.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (
            log[0].method.as_str(),
            log[0].path.as_str(),
            log[0].query.as_deref()
        ),
        ("GET", "/v2/numbers", Some("limit=1"))
    );
    assert_eq!(log[1].status, Some(401));
    assert!(!log[0].has_body);
    assert_eq!(
        api.control(Method::DELETE, "/__sim/requests", None)
            .await
            .status,
        204
    );
    assert!(api.sim.requests().is_empty());
}

#[tokio::test]
async fn reset_restores_the_starting_account() {
    let api = Api::start().await;
    let before = api.account_numbers().await;
    let bought = api.buy("starts_with=1415").await;
    api.post("/v2/routes", json!({"data": {"type": "route", "attributes": {"route_type": "host", "value": "a.com", "alias": "a"}}})).await;
    api.sim
        .add_fault(FaultRule::new("/v2/cnams", Fault::TruncatedBody))
        .unwrap();
    assert_eq!(
        api.control(Method::POST, "/__sim/reset", None).await.status,
        204
    );
    assert_eq!(api.account_numbers().await, before);
    assert!(!before.contains(&bought));
    assert_eq!(
        api.get("/v2/routes").await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(api.sim.faults().is_empty());
    assert_eq!(api.sim.requests().len(), 2, "the log restarts at the reset");
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let api = Api::start().await;
    let url = api.url("/v2/numbers");
    api.sim.shutdown().await;
    assert!(api.http.get(url).send().await.is_err());
}

#[tokio::test]
async fn a_request_abandoned_during_a_delay_is_still_applied_once() {
    let api = Api::start().await;
    let from = api.account_numbers().await[0].clone();
    api.sim
        .add_fault(
            FaultRule::new("/v2.1/messages", Fault::Delay(Duration::from_millis(300)))
                .method("post"),
        )
        .unwrap();
    let outcome = api
        .request(Method::POST, "/v2.1/messages")
        .header("content-type", JSON_API)
        .body(json!({"to": "12065550123", "from": from, "body": "slow"}).to_string())
        .timeout(Duration::from_millis(50))
        .send()
        .await;
    assert!(outcome.is_err(), "the client gave up");
    api.eventually(|| async {
        api.sim
            .requests()
            .iter()
            .any(|r| r.method == "POST" && r.status == Some(202))
    })
    .await;
    let sends = api
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(sends, 1);
    let messages = api.get("/v2.1/messages?start_date=2020-01-01").await;
    assert_eq!(
        messages.body["data"].as_array().unwrap().len(),
        1,
        "the message exists"
    );
}

#[tokio::test]
async fn a_content_type_fault_relabels_a_normal_answer() {
    let api = Api::start().await;
    add(
        &api,
        json!({"method": "GET", "path": "/v2/routes", "fault": {"content_type": "text/plain"}}),
    )
    .await;
    let relabelled = api.get("/v2/routes").await;
    assert_eq!(relabelled.status, 200);
    assert_eq!(relabelled.content_type(), "text/plain");
    assert!(relabelled.body["data"].is_array(), "the body is unchanged");
    assert_eq!(api.get("/v2/routes").await.content_type(), JSON_API);
    let refused = api
        .control(
            Method::POST,
            "/__sim/faults",
            Some(json!({"path": "/v2/routes", "fault": {"content_type": ""}})),
        )
        .await;
    assert_eq!(refused.status, 422);
}
