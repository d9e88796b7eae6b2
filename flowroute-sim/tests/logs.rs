//! The request and webhook logs are bounded rings read in pages: old entries
//! fall off (and are counted), a page never exceeds its limit, and a reader
//! following `next` sees every retained entry exactly once, in order.

mod common;

use std::collections::HashSet;

use common::{Answer, Api, Receiver};
use flowroute_sim::Simulator;
use reqwest::Method;
use serde_json::{Value, json};

const SENDER: &str = "12061232634";
/// The documented defaults, spelled out so a change to them shows up here.
const DEFAULT_CAPACITY: usize = 4096;
const DEFAULT_PAGE: usize = 500;
const MAX_PAGE: usize = 1000;

/// `n` API requests, each to its own path so that the log shows which ones
/// it kept; a few run at a time to keep the test quick.
async fn send_numbered(api: &Api, range: std::ops::Range<usize>) {
    let paths: Vec<String> = range.map(|i| format!("/v2/numbers/{i}")).collect();
    for chunk in paths.chunks(16) {
        let sends = chunk.iter().map(|p| api.get(p));
        for answer in futures_util::future::join_all(sends).await {
            assert_eq!(answer.status, 404);
        }
    }
}

/// The entries of a page answer, with the paging fields checked for type.
fn entries<'a>(answer: &'a Answer, key: &str) -> &'a Vec<Value> {
    assert_eq!(answer.status, 200, "{:#}", answer.body);
    assert!(answer.body["next"].is_u64(), "{:#}", answer.body);
    assert!(answer.body["more"].is_boolean(), "{:#}", answer.body);
    assert!(answer.body["dropped"].is_u64(), "{:#}", answer.body);
    answer.body[key].as_array().expect("entries")
}

/// Follows `next` from `after = 0` with pages of `limit`; every entry once.
async fn read_all(api: &Api, endpoint: &str, key: &str, limit: usize) -> Vec<Value> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let answer = api
            .control(
                Method::GET,
                &format!("{endpoint}?after={after}&limit={limit}"),
                None,
            )
            .await;
        let page = entries(&answer, key);
        assert!(page.len() <= limit, "a page of {} over {limit}", page.len());
        all.extend(page.iter().cloned());
        after = answer.body["next"].as_u64().unwrap();
        if !answer.body["more"].as_bool().unwrap() {
            return all;
        }
        assert_eq!(page.len(), limit, "only the last page is short");
    }
}

fn seqs(records: &[Value], key: &str) -> Vec<u64> {
    records
        .iter()
        .map(|r| r[key].as_u64().expect(key))
        .collect()
}

#[tokio::test]
async fn the_request_log_keeps_the_newest_default_capacity_entries() {
    let api = Api::start().await;
    let extra = 50;
    send_numbered(&api, 0..DEFAULT_CAPACITY + extra).await;

    assert_eq!(api.sim.requests().len(), DEFAULT_CAPACITY);
    let first = api.control(Method::GET, "/__sim/requests", None).await;
    assert_eq!(first.body["dropped"], extra);
    let all = read_all(&api, "/__sim/requests", "requests", MAX_PAGE).await;
    // The oldest `extra` fell off; numbering still counts them.
    let expected: Vec<u64> = (extra as u64 + 1..=(DEFAULT_CAPACITY + extra) as u64).collect();
    assert_eq!(seqs(&all, "seq"), expected);
}

#[tokio::test]
async fn pages_return_every_retained_request_once_in_order() {
    let api = Api::start().await;
    send_numbered(&api, 0..25).await;
    let log = api.sim.requests();
    let all = read_all(&api, "/__sim/requests", "requests", 7).await;
    let paths: Vec<&str> = all.iter().map(|r| r["path"].as_str().unwrap()).collect();
    let expected: Vec<&str> = log.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, expected);
    let numbers = seqs(&all, "seq");
    assert_eq!(numbers, (1..=25).collect::<Vec<u64>>());
    assert_eq!(
        paths.iter().collect::<HashSet<_>>().len(),
        25,
        "each request once"
    );

    // A reader that keeps its cursor gets only what came after it.
    send_numbered(&api, 100..103).await;
    let answer = api
        .control(Method::GET, "/__sim/requests?after=25&limit=7", None)
        .await;
    let page = entries(&answer, "requests");
    let paths: Vec<&str> = page.iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        ["/v2/numbers/100", "/v2/numbers/101", "/v2/numbers/102"]
    );
    assert_eq!(answer.body["next"], 28);
    assert_eq!(answer.body["more"], false);
    assert_eq!(answer.body["dropped"], 0);

    // Past the newest entry: an empty page that keeps the cursor.
    let answer = api
        .control(Method::GET, "/__sim/requests?after=28", None)
        .await;
    assert!(entries(&answer, "requests").is_empty());
    assert_eq!(answer.body["next"], 28);
}

#[tokio::test]
async fn request_pages_have_a_default_and_a_maximum_size() {
    let api = Api::start().await;
    send_numbered(&api, 0..DEFAULT_PAGE + 1).await;
    let answer = api.control(Method::GET, "/__sim/requests", None).await;
    assert_eq!(entries(&answer, "requests").len(), DEFAULT_PAGE);
    assert_eq!(answer.body["more"], true);
    assert_eq!(answer.body["next"], DEFAULT_PAGE);
    let answer = api
        .control(
            Method::GET,
            &format!("/__sim/requests?limit={MAX_PAGE}"),
            None,
        )
        .await;
    assert_eq!(entries(&answer, "requests").len(), DEFAULT_PAGE + 1);
    assert_eq!(answer.body["more"], false);

    for (query, names) in [
        ("limit=0", "limit"),
        (&format!("limit={}", MAX_PAGE + 1) as &str, "limit"),
        ("limit=ten", "limit"),
        ("after=-1", "after"),
        ("after=", "after"),
        ("afterr=3", "afterr"),
    ] {
        let answer = api
            .control(Method::GET, &format!("/__sim/requests?{query}"), None)
            .await;
        let detail = answer.error(400);
        assert!(
            detail.as_str().is_some_and(|d| d.contains(names)),
            "?{query}: {detail}"
        );
    }
}

#[tokio::test]
async fn long_request_lines_are_capped_in_the_log() {
    let api = Api::start().await;
    let long = "9".repeat(10_000);
    let answer = api
        .get(&format!("/v2/numbers/{long}?q={long}&limit=1"))
        .await;
    assert_eq!(answer.status, 404);
    api.get("/v2/numbers?limit=1").await;
    let answer = api.control(Method::GET, "/__sim/requests", None).await;
    let records = entries(&answer, "requests");
    let (capped, short) = (&records[0], &records[1]);
    let path = capped["path"].as_str().unwrap();
    let query = capped["query"].as_str().unwrap();
    assert!(path.len() <= 2048, "path kept {} bytes", path.len());
    assert!(query.len() <= 2048, "query kept {} bytes", query.len());
    assert!(path.starts_with("/v2/numbers/999"));
    assert_eq!(capped["truncated"], true);
    assert_eq!(short["query"], "limit=1");
    assert_eq!(short["truncated"], false);
}

/// Points the account's SMS callback at `receiver` and has `n` messages
/// arrive, each delivered once.
async fn inbound_deliveries(api: &Api, receiver: &Receiver, n: usize) {
    let to = api.account_numbers().await[0].clone();
    api.put(
        "/v2.1/messages/sms_callback",
        json!({"callback_url": receiver.url}),
    )
    .await;
    for i in 0..n {
        let arrived = api
            .control(
                Method::POST,
                "/__sim/inbound",
                Some(json!({"from": SENDER, "to": to, "body": format!("n{i}")})),
            )
            .await;
        assert_eq!(arrived.status, 201);
    }
    api.eventually(|| async { receiver.count() == n }).await;
}

#[tokio::test]
async fn webhook_pages_return_every_delivery_once_in_order() {
    let api = Api::start().await;
    let receiver = Receiver::start(0).await;
    inbound_deliveries(&api, &receiver, 12).await;
    api.eventually(|| async { api.sim.webhook_deliveries().iter().all(|d| d.delivered) })
        .await;

    let all = read_all(&api, "/__sim/webhooks", "deliveries", 5).await;
    let ids = seqs(&all, "id");
    assert_eq!(ids, (1..=12).collect::<Vec<u64>>());
    let expected: Vec<u64> = api.sim.webhook_deliveries().iter().map(|d| d.id).collect();
    assert_eq!(ids, expected);

    let answer = api
        .control(Method::GET, "/__sim/webhooks?after=10", None)
        .await;
    assert_eq!(seqs(entries(&answer, "deliveries"), "id"), [11, 12]);
    assert_eq!(answer.body["dropped"], 0);

    for query in ["limit=0", "limit=1001", "after=x"] {
        let answer = api
            .control(Method::GET, &format!("/__sim/webhooks?{query}"), None)
            .await;
        answer.error(400);
    }
}

#[tokio::test]
async fn pending_faults_are_capped() {
    let api = Api::start().await;
    let rule = json!({"path": "/never/matched", "count": 1, "fault": {"status": 503}});
    for _ in 0..1024 {
        let added = api
            .control(Method::POST, "/__sim/faults", Some(rule.clone()))
            .await;
        assert_eq!(added.status, 201);
    }
    let refused = api
        .control(Method::POST, "/__sim/faults", Some(rule.clone()))
        .await;
    let detail = refused.error(422);
    assert!(detail.to_string().contains("1024"), "{detail}");
    assert_eq!(api.sim.faults().len(), 1024);

    let long = json!({"path": format!("/{}", "x".repeat(5000)), "fault": {"status": 503}});
    api.control(Method::DELETE, "/__sim/faults", None).await;
    let refused = api.control(Method::POST, "/__sim/faults", Some(long)).await;
    refused.error(422);
    assert!(api.sim.faults().is_empty());
}

#[tokio::test]
async fn a_small_log_keeps_its_newest_entries_and_counts_the_rest() {
    let api = Api::with(Simulator::builder().log_capacity(5)).await;
    send_numbered(&api, 0..12).await;

    let kept: Vec<String> = api.sim.requests().into_iter().map(|r| r.path).collect();
    let expected: Vec<String> = (7..12).map(|i| format!("/v2/numbers/{i}")).collect();
    assert_eq!(kept, expected);
    let page = api.sim.requests_page(0, 2).unwrap();
    assert_eq!(
        page.requests.iter().map(|r| r.seq).collect::<Vec<_>>(),
        [8, 9]
    );
    assert_eq!((page.next, page.more, page.dropped), (9, true, 7));
    assert_eq!(page.capacity, 5);
    let answer = api
        .control(Method::GET, "/__sim/requests?after=9", None)
        .await;
    assert_eq!(seqs(entries(&answer, "requests"), "seq"), [10, 11, 12]);
    assert_eq!(answer.body["dropped"], 7);

    for limit in [0, MAX_PAGE + 1] {
        let refused = api.sim.requests_page(0, limit).unwrap_err();
        assert_eq!(refused.status(), 400);
        assert!(refused.message().contains("limit"), "{refused}");
    }

    // A clear empties the log and its dropped count; numbering carries on.
    api.sim.clear_requests();
    send_numbered(&api, 0..1).await;
    let page = api.sim.requests_page(0, MAX_PAGE).unwrap();
    assert_eq!(
        page.requests.iter().map(|r| r.seq).collect::<Vec<_>>(),
        [13]
    );
    assert_eq!(page.dropped, 0);
}

#[tokio::test]
async fn a_small_webhook_log_keeps_its_newest_deliveries() {
    let api = Api::with(Simulator::builder().log_capacity(3)).await;
    let receiver = Receiver::start(0).await;
    inbound_deliveries(&api, &receiver, 8).await;

    let kept: Vec<u64> = api.sim.webhook_deliveries().iter().map(|d| d.id).collect();
    assert_eq!(kept, [6, 7, 8]);
    let page = api.sim.webhook_deliveries_page(0, 2).unwrap();
    assert_eq!(
        page.deliveries.iter().map(|d| d.id).collect::<Vec<_>>(),
        [6, 7]
    );
    assert_eq!((page.next, page.more, page.dropped), (7, true, 5));
    let answer = api
        .control(Method::GET, "/__sim/webhooks?after=7", None)
        .await;
    assert_eq!(seqs(entries(&answer, "deliveries"), "id"), [8]);
    assert_eq!(answer.body["dropped"], 5);
    assert_eq!(
        api.sim.webhook_deliveries_page(0, 0).unwrap_err().status(),
        400
    );
}

#[tokio::test]
async fn a_zero_capacity_logs_nothing_but_counts() {
    let api = Api::with(Simulator::builder().log_capacity(0)).await;
    send_numbered(&api, 0..3).await;
    assert!(api.sim.requests().is_empty());
    let page = api.sim.requests_page(0, 10).unwrap();
    assert_eq!((page.requests.len(), page.dropped, page.next), (0, 3, 0));
}

#[tokio::test]
async fn long_webhook_urls_are_capped_in_the_log_only() {
    let api = Api::start().await;
    let receiver = Receiver::start(0).await;
    let to = api.account_numbers().await[0].clone();
    let url = format!("{}?pad={}", receiver.url, "p".repeat(5000));
    let set = api
        .put("/v2.1/messages/sms_callback", json!({"callback_url": url}))
        .await;
    assert!(set.status < 300, "{:#}", set.body);
    api.sim
        .inbound(flowroute_sim::SimulatedMessage::sms(SENDER, to, "long"))
        .unwrap();
    api.eventually(|| async { api.sim.webhook_deliveries().iter().any(|d| d.delivered) })
        .await;
    let delivery = &api.sim.webhook_deliveries()[0];
    assert!(delivery.truncated);
    assert_eq!(delivery.url.len(), flowroute_sim::MAX_RECORDED_BYTES);
    assert!(url.starts_with(&delivery.url));
    // Only the log's copy is cut: the webhook carries the whole URL.
    assert_eq!(
        receiver.bodies()[0]["data"]["attributes"]["message_callback_url"],
        url.as_str()
    );
}

#[tokio::test]
async fn the_control_plane_index_lists_every_endpoint_the_readme_documents() {
    let api = Api::start().await;
    let index = api.control(Method::GET, "/__sim/", None).await;
    assert_eq!(index.status, 200, "{:#}", index.body);
    assert_eq!(index.content_type(), "application/json");
    let without_slash = api.control(Method::GET, "/__sim", None).await;
    assert_eq!(without_slash.body, index.body);

    let readme = include_str!("../README.md");
    let endpoints = index.body["endpoints"].as_array().expect("endpoints");
    assert_eq!(endpoints.len(), 16, "{:#}", index.body);
    let crate_docs = include_str!("../src/lib.rs");
    for e in endpoints {
        let (method, path) = (e["method"].as_str().unwrap(), e["path"].as_str().unwrap());
        assert!(!e["does"].as_str().unwrap().is_empty());
        // Each endpoint has its own heading in the README.
        let heading = format!("### `{method} {path}`");
        assert!(readme.contains(&heading), "README.md lacks {heading}");
        // And the crate docs' table (a path may go on with its query).
        let named = [format!("`{method} {path}`"), format!("`{method} {path}?")];
        assert!(
            named.iter().any(|n| crate_docs.contains(n.as_str())),
            "lib.rs lacks {}",
            named[0]
        );
        // And the simulator routes it. With no such id, a 404 is the answer
        // of the endpoint itself; elsewhere it would be the router's.
        let concrete = path.replace("{id}", "1");
        let answer = api
            .control(
                Method::from_bytes(method.as_bytes()).unwrap(),
                &concrete,
                None,
            )
            .await;
        let unrouted = answer.status == 405 || (answer.status == 404 && !path.contains("{id}"));
        assert!(
            !unrouted,
            "{method} {concrete}: {} {:#}",
            answer.status, answer.body
        );
    }
}
