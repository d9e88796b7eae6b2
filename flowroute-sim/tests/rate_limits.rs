//! The documented messaging rate limits, over HTTP: bursts, classes,
//! custom figures, the control plane, and what the request log shows.

mod common;

use std::time::Duration;

use common::Api;
use flowroute_sim::{Fault, FaultRule, RateLimits, RequestRecord, Simulator};
use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

const TO: &str = "12065550123";
const MEDIA: &str = "https://example.com/cat.png";

async fn limited(limits: RateLimits) -> Api {
    Api::with(Simulator::builder().rate_limits(limits)).await
}

/// `n` sends of `body` at once; their statuses, sorted.
async fn burst(api: &Api, n: usize, body: Value) -> Vec<u16> {
    let sends = (0..n).map(|_| api.post("/v2.1/messages", body.clone()));
    let mut statuses: Vec<u16> = join_all(sends).await.iter().map(|a| a.status).collect();
    statuses.sort_unstable();
    statuses
}

async fn sms(api: &Api) -> Value {
    let from = api.account_numbers().await[0].clone();
    json!({"to": TO, "from": from, "body": "hi"})
}

async fn mms(api: &Api) -> Value {
    let from = api.account_numbers().await[0].clone();
    json!({"to": TO, "from": from, "media_urls": [MEDIA]})
}

/// The message records on the account.
async fn mdr_count(api: &Api) -> usize {
    let list = api.get("/v2.1/messages?start_date=2000-01-01").await;
    list.body["data"].as_array().expect("data").len()
}

fn sends(log: &[RequestRecord]) -> Vec<&RequestRecord> {
    log.iter().filter(|r| r.send_class.is_some()).collect()
}

/// No window `(t - 1 s, t]` of the log holds more accepted sends of `class` than `figure`.
fn assert_windows_hold(log: &[RequestRecord], class: &str, figure: usize) {
    let accepted: Vec<u64> = log
        .iter()
        .filter(|r| r.send_class.as_deref() == Some(class) && !r.throttled)
        .map(|r| r.received_ms)
        .collect();
    for &t in &accepted {
        let within = accepted.iter().filter(|&&s| s <= t && s + 1000 > t).count();
        assert!(
            within <= figure,
            "{within} {class} sends in the second up to {t} ms"
        );
    }
}

#[tokio::test]
async fn a_burst_of_six_sms_lets_five_through_and_applies_none_of_the_sixth() {
    let api = Api::start().await;
    assert_eq!(api.sim.rate_limits(), RateLimits::documented());
    let body = sms(&api).await;
    assert_eq!(
        burst(&api, 6, body.clone()).await,
        [202, 202, 202, 202, 202, 429]
    );
    assert_eq!(
        mdr_count(&api).await,
        5,
        "the throttled send made no record"
    );

    let log = api.sim.requests();
    let refused: Vec<_> = log.iter().filter(|r| r.throttled).collect();
    assert_eq!(refused.len(), 1);
    let refused = refused[0];
    assert_eq!(refused.status, Some(429));
    assert_eq!(
        (refused.mdr_id.as_deref(), refused.fault.as_deref()),
        (None, None)
    );
    assert_eq!(refused.send_class.as_deref(), Some("sms"));
    assert_eq!(sends(&log).len(), 6);
    assert!(
        sends(&log)
            .iter()
            .all(|r| r.send_class.as_deref() == Some("sms"))
    );
    assert!(
        log.iter()
            .filter(|r| !r.throttled)
            .all(|r| r.send_class.is_none() || r.mdr_id.is_some())
    );
    assert_windows_hold(&log, "sms", 5);

    let again = api.post("/v2.1/messages", body.clone()).await;
    let detail = again.error(429);
    assert!(
        detail.as_str().unwrap().contains("5 SMS per second"),
        "{detail}"
    );
    let retry_after: u64 = again.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);

    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    assert_eq!(api.post("/v2.1/messages", body).await.status, 202);
    assert_eq!(mdr_count(&api).await, 6);
    assert_windows_hold(&api.sim.requests(), "sms", 5);
}

#[tokio::test]
async fn mms_has_a_budget_of_its_own() {
    let api = Api::start().await;
    let (sms, mms) = (sms(&api).await, mms(&api).await);
    assert_eq!(api.post("/v2.1/messages", mms.clone()).await.status, 202);
    // The MMS spent none of the SMS budget, and the SMS none of the MMS one.
    assert_eq!(burst(&api, 5, sms.clone()).await, [202; 5]);
    let second = api.post("/v2.1/messages", mms).await;
    let detail = second.error(429);
    assert!(
        detail.as_str().unwrap().contains("1 MMS per second"),
        "{detail}"
    );
    assert_eq!(api.post("/v2.1/messages", sms).await.status, 429);

    let log = api.sim.requests();
    let classes: Vec<(&str, bool)> = sends(&log)
        .iter()
        .map(|r| (r.send_class.as_deref().unwrap(), r.throttled))
        .collect();
    assert_eq!(classes[0], ("mms", false));
    assert_eq!(classes[6..], [("mms", true), ("sms", true)]);
    assert_windows_hold(&log, "mms", 1);
}

#[tokio::test]
async fn a_send_is_limited_as_the_class_it_is_recorded_as() {
    let api = limited(RateLimits::off()).await;
    let from = api.account_numbers().await[0].clone();
    for body in [
        json!({"to": TO, "from": from, "body": "text"}),
        json!({"to": TO, "from": from, "body": "text", "is_mms": true}),
        json!({"data": {"type": "message", "attributes": {"to": TO, "from": from, "media_urls": [MEDIA]}}}),
    ] {
        let sent = api.post("/v2.1/messages", body).await;
        assert_eq!(sent.status, 202, "{:#}", sent.body);
        let id = sent.body["data"]["id"].as_str().unwrap();
        let record = api.get(&format!("/v2.1/messages/{id}")).await;
        let is_mms = record.body["data"]["attributes"]["is_mms"]
            .as_bool()
            .unwrap();
        let logged = api
            .sim
            .requests()
            .into_iter()
            .rfind(|r| r.send_class.is_some());
        let class = logged.unwrap().send_class.unwrap();
        assert_eq!(class, if is_mms { "mms" } else { "sms" });
    }
}

#[tokio::test]
async fn with_the_limits_off_nothing_is_throttled() {
    let api = limited(RateLimits::off()).await;
    let body = sms(&api).await;
    assert_eq!(burst(&api, 20, body).await, [202; 20]);
    assert_eq!(burst(&api, 5, mms(&api).await).await, [202; 5]);
    let log = api.sim.requests();
    assert_eq!(sends(&log).len(), 25);
    assert!(log.iter().all(|r| !r.throttled));
}

#[tokio::test]
async fn custom_figures_are_enforced() {
    let api = limited(RateLimits::per_second(2, 3)).await;
    assert_eq!(burst(&api, 4, sms(&api).await).await, [202, 202, 429, 429]);
    assert_eq!(burst(&api, 4, mms(&api).await).await, [202, 202, 202, 429]);
    let log = api.sim.requests();
    assert_windows_hold(&log, "sms", 2);
    assert_windows_hold(&log, "mms", 3);
}

#[tokio::test]
async fn faults_and_authentication_come_first_and_validation_after() {
    let api = limited(RateLimits::per_second(1, 1)).await;
    let body = sms(&api).await;
    let stranger = api
        .http
        .post(api.url("/v2.1/messages"))
        .basic_auth("someone", Some("else"))
        .json(&body);
    assert_eq!(api.send(stranger).await.status, 401);
    api.sim
        .add_fault(FaultRule::new(
            "/v2.1/messages",
            Fault::RateLimit { retry_after: 7 },
        ))
        .unwrap();
    let faulted = api.post("/v2.1/messages", body.clone()).await;
    assert_eq!(faulted.headers["retry-after"], "7");
    // Neither spent the budget: this send is the first the limiter sees.
    assert_eq!(api.post("/v2.1/messages", body.clone()).await.status, 202);

    let log = api.sim.requests();
    let unjudged = &log[log.len() - 3..log.len() - 1];
    assert_eq!(unjudged[0].status, Some(401));
    assert_eq!(unjudged[1].fault.as_deref(), Some("rate_limit"));
    assert!(
        unjudged
            .iter()
            .all(|r| r.send_class.is_none() && !r.throttled)
    );

    // The limit is judged before the body is: an invalid send is throttled
    // like a valid one, and spends budget when let through.
    assert_eq!(
        api.post("/v2.1/messages", json!({"to": "1"})).await.status,
        429
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    api.post("/v2.1/messages", json!({"to": "1"}))
        .await
        .invalid("from");
    assert_eq!(api.post("/v2.1/messages", body).await.status, 429);
}

#[tokio::test]
async fn the_control_plane_reads_and_sets_the_limits_and_reset_restores_them() {
    let api = limited(RateLimits::per_second(3, 2)).await;
    let control =
        |method: Method, body: Option<Value>| api.control(method, "/__sim/rate-limits", body);
    let read = control(Method::GET, None).await;
    assert_eq!(
        (read.status, read.content_type()),
        (200, "application/json")
    );
    assert_eq!(read.body, json!({"off": false, "sms": 3, "mms": 2}));

    let off = control(Method::PUT, Some(json!({"off": true}))).await;
    assert_eq!(off.body, json!({"off": true, "sms": null, "mms": null}));
    assert_eq!(api.sim.rate_limits(), RateLimits::off());
    assert_eq!(burst(&api, 8, sms(&api).await).await, [202; 8]);

    for (body, figures) in [
        (json!({"sms": 7}), (7, 1)),
        (json!("sms=4,mms=3"), (4, 3)),
        (json!("documented"), (5, 1)),
        (json!({"off": false, "sms": 1, "mms": 1}), (1, 1)),
    ] {
        let set = control(Method::PUT, Some(body.clone())).await;
        assert_eq!(set.status, 200, "{body}: {:#}", set.body);
        assert_eq!(
            (set.body["sms"].as_u64(), set.body["mms"].as_u64()),
            (Some(figures.0), Some(figures.1))
        );
        assert_eq!(control(Method::GET, None).await.body, set.body);
    }
    for (body, says) in [
        (json!({"sms": 0}), "sms: must be an integer from 1"),
        (json!("fast"), "`fast`: expected off, documented"),
        (json!({"off": true, "mms": 2}), "off: true takes no"),
        (json!({"per_second": 3}), "per_second: unknown field"),
    ] {
        let refused = control(Method::PUT, Some(body)).await;
        let detail = refused.error(422);
        assert!(detail.as_str().unwrap().starts_with(says), "{detail}");
    }
    assert_eq!(control(Method::PUT, None).await.status, 400);
    assert_eq!(
        api.sim.rate_limits(),
        RateLimits::per_second(1, 1),
        "refusals change nothing"
    );

    // Spend the budget of one, then reset: the started figures are back
    // and nothing counted before still counts.
    let body = sms(&api).await;
    assert_eq!(burst(&api, 2, body.clone()).await, [202, 429]);
    api.sim.set_rate_limits(RateLimits::per_second(1, 5));
    assert_eq!(api.post("/v2.1/messages", body.clone()).await.status, 429);
    let reset = api.control(Method::POST, "/__sim/reset", None).await;
    assert_eq!(reset.status, 204);
    assert_eq!(api.sim.rate_limits(), RateLimits::per_second(3, 2));
    let body = sms(&api).await;
    assert_eq!(burst(&api, 4, body).await, [202, 202, 202, 429]);
}

#[tokio::test]
async fn the_log_shows_each_request_arrival_and_throttling_as_json() {
    let api = limited(RateLimits::per_second(1, 1)).await;
    let body = sms(&api).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(burst(&api, 2, body).await, [202, 429]);
    let page = api.control(Method::GET, "/__sim/requests", None).await;
    let records = page.body["requests"].as_array().unwrap();
    let first = &records[0];
    assert_eq!(
        (first["method"].as_str(), first["path"].as_str()),
        (Some("GET"), Some("/v2/numbers"))
    );
    assert_eq!(
        (&first["send_class"], &first["throttled"]),
        (&Value::Null, &json!(false))
    );
    let sends = &records[records.len() - 2..];
    let throttled: Vec<&Value> = sends.iter().map(|r| &r["throttled"]).collect();
    assert!(throttled.contains(&&json!(true)) && throttled.contains(&&json!(false)));
    assert!(sends.iter().all(|r| r["send_class"] == "sms"));
    // The sends came at least 50 ms after the look-up, on the simulator's clock.
    let at = |r: &Value| r["received_ms"].as_u64().unwrap();
    assert!(
        sends.iter().all(|r| at(r) >= at(first) + 50),
        "{records:#?}"
    );
}
