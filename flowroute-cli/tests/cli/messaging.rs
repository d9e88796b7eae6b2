//! Messages: sending one, sending many, records and callbacks.

use crate::{NJ, Sim, WA, scratch, texts};
use predicates::prelude::*;

#[test]
fn a_message_is_sent_then_read_back() {
    let sim = Sim::start();
    let sent = sim.json(&[
        "messages",
        "send",
        "--from",
        WA,
        "--to",
        "12065550100",
        "--body",
        "hello",
    ]);
    let id = sent["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("mdr2-"), "{sent}");
    assert_eq!(sent["segments"], 1);
    let record = sim.json(&["messages", "get", &id]);
    assert_eq!(
        (record["body"].as_str(), record["direction"].as_str()),
        (Some("hello"), Some("outbound"))
    );
    let listed = sim.json(&["messages", "list", "--since", "1h", "--until", "now"]);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == id.as_str())
    );
    // Without --output json the id alone is printed, for scripts.
    let out = sim
        .cmd()
        .args([
            "messages",
            "send",
            "--from",
            WA,
            "--to",
            "12065550100",
            "--media",
            "https://example.com/cat.gif",
        ])
        .output()
        .unwrap();
    assert!(
        texts(&out).0.trim().starts_with("mdr2-"),
        "{}",
        texts(&out).1
    );
}

#[test]
fn callbacks_are_set_read_and_removed_for_the_account_and_a_number() {
    let sim = Sim::start();
    sim.json(&[
        "messages",
        "callbacks",
        "set",
        "sms",
        "https://example.com/sms",
    ]);
    let got = sim.json(&["messages", "callbacks", "get", "sms"]);
    assert_eq!(got["callback_url"], "https://example.com/sms");
    sim.json(&[
        "messages",
        "callbacks",
        "set",
        "dlr",
        "https://example.com/n",
        "--number",
        NJ,
    ]);
    let got = sim.json(&["messages", "callbacks", "get", "dlr", "--number", NJ]);
    assert_eq!(got["callback_url"], "https://example.com/n");
    sim.json(&["messages", "callbacks", "remove", "dlr", "--number", NJ]);
    sim.json(&["messages", "callbacks", "remove", "sms"]);
    sim.cmd()
        .args(["messages", "callbacks", "get", "sms"])
        .assert()
        .code(3);
}

#[test]
fn send_bulk_reports_each_recipient_and_fails_when_one_failed() {
    let sim = Sim::start();
    let file = scratch("recipients.txt");
    std::fs::write(
        &file,
        "# customers\n12065550100\n+1 206 555 0101, Ada\nnot a number\n",
    )
    .unwrap();
    let out = sim
        .cmd()
        .args([
            "messages",
            "send-bulk",
            "--from",
            WA,
            "--body",
            "We open at 9.",
            "--yes",
            "--output",
            "ndjson",
            "--to-file",
        ])
        .arg(&file)
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("sent 2 of 3") && stderr.contains("1 message(s) failed"),
        "{stderr}"
    );
    let mut rows: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    rows.sort_by_key(|r| r["line"].as_u64());
    assert_eq!(rows.len(), 3);
    assert!(rows[0]["id"].as_str().unwrap().starts_with("mdr2-"));
    assert_eq!(rows[1]["to"], "+1 206 555 0101");
    assert!(
        rows[2]["error"].as_str().unwrap().contains("invalid to"),
        "{:?}",
        rows[2]
    );
    let sends = sim.requests().iter().filter(|r| r.method == "POST").count();
    assert_eq!(sends, 2);
}

#[test]
fn send_bulk_asks_first_and_dry_runs_every_message() {
    let sim = Sim::start();
    let file = scratch("two.txt");
    std::fs::write(&file, "12065550100\n12065550101\n").unwrap();
    let args = [
        "messages",
        "send-bulk",
        "--from",
        WA,
        "--body",
        "hi",
        "--to-file",
    ];
    sim.cmd()
        .args(args)
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Send 2 message(s)"));
    let plan = sim.json(&[&args[..], &[file.to_str().unwrap(), "--dry-run"]].concat());
    assert_eq!(plan["requests"].as_array().unwrap().len(), 2);
    assert_eq!(plan["requests"][0]["body"]["body"], "hi");
    assert!(sim.requests().is_empty());
}

#[test]
fn messages_v2_2_are_sent_with_their_price_and_read_back() {
    let sim = Sim::start();
    let v = ["--messaging-version", "2.2"];
    let sent = sim.json(
        &[
            &[
                "messages",
                "send",
                "--from",
                WA,
                "--to",
                "12065550100",
                "--body",
                "hi",
            ][..],
            &v,
        ]
        .concat(),
    );
    assert_eq!(sent["version"], "2.2", "{sent}");
    assert!(sent["price"].is_object(), "{sent}");
    let id = sent["id"].as_str().unwrap();
    assert_eq!(
        sim.json(&[&["messages", "get", id][..], &v].concat())["body"],
        "hi"
    );
    let listed = sim.json(&[&["messages", "list", "--since", "1h"][..], &v].concat());
    assert!(listed.as_array().unwrap().iter().any(|m| m["id"] == id));
    sim.json(
        &[
            &[
                "messages",
                "callbacks",
                "set",
                "sms",
                "https://example.com/v22",
            ][..],
            &v,
        ]
        .concat(),
    );
    let got = sim.json(&[&["messages", "callbacks", "get", "sms"][..], &v].concat());
    assert_eq!(got["callback_url"], "https://example.com/v22");
    sim.json(&[&["messages", "callbacks", "remove", "sms"][..], &v].concat());
    let paths: Vec<String> = sim.requests().iter().map(|r| r.path.clone()).collect();
    assert!(paths.iter().all(|p| !p.starts_with("/v2.1")), "{paths:?}");
    assert!(
        paths
            .iter()
            .filter(|p| p.starts_with("/v2.2/messages"))
            .count()
            >= 6,
        "{paths:?}"
    );
}
