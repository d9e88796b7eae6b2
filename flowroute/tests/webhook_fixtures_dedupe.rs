//! The webhook test fixtures read back as the events they describe, and the
//! dedupe set that keeps a resent event from being handled twice.

use chrono::Utc;
use flowroute::webhooks::{self, Dedupe, Event, MessageDirection, WebhookError, fixtures};
use serde_json::{Value, json};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

fn parse_json(doc: &Value) -> Result<Event, WebhookError> {
    webhooks::parse(doc.to_string().as_bytes())
}

#[test]
fn fixtures_read_back_as_the_events_they_describe() {
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    let Event::InboundSms(read) = parse_json(&sms).unwrap() else {
        panic!("an SMS");
    };
    assert_eq!(read.from.as_str(), "12061232634");
    assert_eq!(read.to.as_str(), "12012673227");
    assert_eq!(read.body.as_deref(), Some("Hello"));
    assert_eq!(read.direction, MessageDirection::Inbound);
    assert_eq!(read.message_encoding, Some(0));
    assert!(read.id.as_str().starts_with("mdr2-"));
    assert_eq!(read.id.as_str().len(), 5 + 32);
    let age = Utc::now() - read.timestamp.expect("a readable timestamp");
    assert!(age.num_seconds().abs() < 60, "{age}");
    assert!(
        sms["data"]["attributes"]["timestamp"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );

    let unicode = fixtures::inbound_sms("12061232634", "12012673227", "héllo");
    assert_eq!(unicode["data"]["attributes"]["message_encoding"], 8);

    let mms = fixtures::inbound_mms(
        "12061232634",
        "12012673227",
        Some("look"),
        &[
            "https://example.com/a/cat.GIF?size=1",
            "https://example.com/clip",
        ],
    );
    let Event::InboundMms(read) = parse_json(&mms).unwrap() else {
        panic!("an MMS");
    };
    assert_eq!(read.body.as_deref(), Some("look"));
    assert!(read.is_mms);
    assert_eq!(read.media.len(), 2);
    assert_eq!(read.media[0].file_name.as_deref(), Some("cat.GIF"));
    assert_eq!(read.media[0].mime_type.as_deref(), Some("image/gif"));
    assert_eq!(
        read.media[0].url.as_deref(),
        Some("https://example.com/a/cat.GIF?size=1")
    );
    assert_eq!(read.media[1].file_name.as_deref(), Some("clip"));
    assert_eq!(
        read.media[1].mime_type.as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(
        mms["data"]["relationships"]["media"]["data"][1]["id"],
        mms["included"][1]["id"]
    );

    let dlr = fixtures::delivery_receipt("mdr2-39cadeace66e11e7aff806cd7f24ba2d", "delivered");
    let Event::DeliveryReceipt(read) = parse_json(&dlr).unwrap() else {
        panic!("a receipt");
    };
    assert_eq!(
        read.message_id.as_str(),
        "mdr2-39cadeace66e11e7aff806cd7f24ba2d"
    );
    assert_eq!(read.level, Some(2));
    assert_eq!(read.status, Some("delivered".into()));
    assert_eq!(read.status_code, None);
    assert!(read.timestamp.is_some());
}

#[test]
fn every_fixture_gets_a_fresh_id() {
    let ids: std::collections::HashSet<String> = (0..100)
        .map(|_| fixtures::inbound_sms("1", "2", "x")["data"]["id"].to_string())
        .chain(
            (0..100).map(|_| fixtures::inbound_mms("1", "2", None, &[])["data"]["id"].to_string()),
        )
        .collect();
    assert_eq!(ids.len(), 200);
}

fn key_of(doc: &Value) -> webhooks::DedupeKey {
    parse_json(doc).unwrap().dedupe_key()
}

#[test]
fn dedupe_keys_tell_kinds_and_receipts_apart() {
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "hi");
    let mut as_mms = sms.clone();
    as_mms["data"]["attributes"]["is_mms"] = json!(true);
    assert_eq!(key_of(&sms), key_of(&as_mms), "one message, one key");

    let id = "mdr2-39cadeace66e11e7aff806cd7f24ba2d";
    let delivered = fixtures::delivery_receipt(id, "delivered");
    let mut level1 = delivered.clone();
    level1["data"]["attributes"]["level"] = json!(1);
    let mut buffered = delivered.clone();
    buffered["data"]["attributes"]["status"] = json!("message buffered");
    let mut resent = delivered.clone();
    resent["data"]["attributes"]["timestamp"] = json!("2017-12-21T16:45:05.00Z");
    assert_ne!(key_of(&delivered), key_of(&level1));
    assert_ne!(key_of(&delivered), key_of(&buffered));
    assert_eq!(key_of(&delivered), key_of(&resent));

    let mut message = sms.clone();
    message["data"]["id"] = json!(id);
    assert_ne!(key_of(&message), key_of(&delivered));
    assert_eq!(parse_json(&message).unwrap().message_id().as_str(), id);
}

#[test]
fn dedupe_reports_a_key_once_until_its_time_to_live_is_over() {
    let dedupe = Dedupe::new(100, Duration::from_secs(600));
    let key = key_of(&fixtures::inbound_sms("1", "2", "x"));
    let t0 = Instant::now();
    assert!(dedupe.is_empty());
    assert!(dedupe.first_time(&key, t0));
    // Flowroute's four resends, 30 s apart.
    for resend in 1..=4 {
        assert!(!dedupe.first_time(&key, t0 + Duration::from_secs(30 * resend)));
    }
    assert!(!dedupe.first_time(&key, t0 + Duration::from_secs(599)));
    assert!(dedupe.first_time(&key, t0 + Duration::from_secs(600)));
    assert!(!dedupe.first_time(&key, t0 + Duration::from_secs(601)));
    assert_eq!(dedupe.len(), 1);
}

#[test]
fn dedupe_drops_expired_keys_as_time_moves_on() {
    let dedupe = Dedupe::new(100, Duration::from_secs(10));
    let t0 = Instant::now();
    for n in 0..50 {
        let key = key_of(&fixtures::inbound_sms("1", "2", &n.to_string()));
        assert!(dedupe.first_time(&key, t0));
    }
    assert_eq!(dedupe.len(), 50);
    let later = key_of(&fixtures::inbound_sms("1", "2", "later"));
    assert!(dedupe.first_time(&later, t0 + Duration::from_secs(10)));
    assert_eq!(dedupe.len(), 1, "the expired keys are gone");
}

#[test]
fn a_full_dedupe_forgets_its_oldest_key() {
    let dedupe = Dedupe::new(3, Duration::from_secs(600));
    let keys: Vec<_> = (0..4)
        .map(|n| key_of(&fixtures::inbound_sms("1", "2", &n.to_string())))
        .collect();
    let t0 = Instant::now();
    for (n, key) in keys.iter().enumerate() {
        assert!(dedupe.first_time(key, t0 + Duration::from_secs(n as u64)));
    }
    assert_eq!(dedupe.len(), 3);
    let now = t0 + Duration::from_secs(10);
    assert!(!dedupe.first_time(&keys[3], now));
    assert!(!dedupe.first_time(&keys[2], now));
    assert!(!dedupe.first_time(&keys[1], now));
    assert!(dedupe.first_time(&keys[0], now), "the oldest was evicted");
    assert!(
        dedupe.first_time(&keys[1], now),
        "re-adding the oldest evicted the next oldest"
    );
    assert_eq!(dedupe.len(), 3);
}

#[test]
fn a_forgotten_key_is_new_again() {
    let dedupe = Dedupe::default();
    let key = key_of(&fixtures::inbound_sms("1", "2", "x"));
    let now = Instant::now();
    assert!(dedupe.first_time(&key, now));
    dedupe.forget(&key);
    assert!(dedupe.first_time(&key, now));
    assert!(!dedupe.first_time(&key, now));
}

#[test]
fn dedupe_lets_exactly_one_of_many_threads_through() {
    let dedupe = Arc::new(Dedupe::default());
    let key = key_of(&fixtures::inbound_sms("1", "2", "x"));
    let barrier = Arc::new(Barrier::new(8));
    let now = Instant::now();
    let firsts: usize = (0..8)
        .map(|_| {
            let (dedupe, key, barrier) = (dedupe.clone(), key.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                usize::from(dedupe.first_time(&key, now))
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .sum();
    assert_eq!(firsts, 1);
}
