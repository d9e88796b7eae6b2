//! Changing the account: each family's writes, their confirmation, and dry runs.

use crate::{NJ, Sim, WA, no_secret, scratch, texts};
use predicates::prelude::*;

#[test]
fn a_number_is_bought_changed_and_released() {
    let sim = Sim::start();
    let found = sim.json(&["numbers", "search", "--starts-with", "206", "--limit", "1"]);
    let number = found[0]["number"].as_str().unwrap().to_string();
    let bought = sim.json(&["numbers", "buy", &number, "--cnam-lookups", "off"]);
    assert_eq!(bought["details"]["attributes"]["number"], number.as_str());
    assert_eq!(bought["messaging_provisioning_failed"], false);
    let changed = sim.json(&["numbers", "update", &number, "--alias", "front desk"]);
    assert_eq!(changed["details"]["attributes"]["alias"], "front desk");
    let listed = sim.json(&["numbers", "list", "--alias", "front desk"]);
    assert_eq!(listed[0]["number"], number.as_str());
    let released = sim.json(&["numbers", "release", &number]);
    assert_eq!(released["released"], number.as_str());
    assert_eq!(sim.json(&["numbers", "list"]).as_array().unwrap().len(), 2);
}

#[test]
fn changes_need_yes_without_a_terminal_and_send_nothing() {
    let sim = Sim::start();
    for args in [
        vec!["numbers", "buy", "12065550100"],
        vec!["numbers", "release", WA],
        vec!["routes", "set-primary", WA, "0"],
        vec!["routes", "delete", "0"],
        vec!["e911", "unassign", WA],
        vec!["messages", "callbacks", "remove", "sms"],
    ] {
        sim.cmd().args(&args).assert().code(2).stderr(
            predicate::str::contains("not confirmed").and(predicate::str::contains("--yes")),
        );
    }
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
}

#[test]
fn a_dry_run_prints_the_sdks_request_and_sends_nothing() {
    let sim = Sim::start();
    let out = sim
        .cmd()
        .args([
            "routes",
            "create",
            "host",
            "pbx.example.com:5060",
            "--alias",
            "office",
            "--dry-run",
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&out);
    assert!(out.status.success(), "{stderr}");
    no_secret(&stdout, &stderr);
    let base = sim.sim().base_url();
    assert!(
        stdout.starts_with(&format!("POST {base}/v2/routes\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains("Authorization: Basic <redacted>"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\"value\": \"pbx.example.com:5060\""),
        "{stdout}"
    );
    assert!(stderr.contains("nothing was sent"), "{stderr}");

    let plan = sim.json(&[
        "numbers",
        "buy",
        "12065550100",
        "--messaging",
        "on",
        "--dry-run",
    ]);
    let request = &plan["requests"][0];
    assert_eq!(plan["dry_run"], true);
    assert_eq!(request["method"], "POST");
    assert_eq!(
        request["url"],
        format!("{base}/v2/numbers/12065550100?messaging_enabled=true")
    );
    let plan = sim.json(&["routes", "set-primary", WA, "0", "--dry-run"]);
    assert_eq!(plan["requests"][0]["method"], "PATCH");
    assert_eq!(plan["requests"][0]["body"]["data"]["id"], "0");
    // A dry run checks like the real thing: an invalid number is refused.
    sim.cmd()
        .args(["numbers", "buy", "123", "--dry-run"])
        .assert()
        .code(5);
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
}

#[test]
fn routes_are_created_assigned_and_removed() {
    let sim = Sim::start();
    let route = sim.json(&[
        "routes",
        "create",
        "host",
        "pbx.example.com:5060",
        "--alias",
        "office",
    ]);
    let id = route["id"].as_str().unwrap().to_string();
    assert_eq!(route["route_type"], "host");
    let backup = sim.json(&[
        "routes",
        "create",
        "number",
        "+1 206 555 0100",
        "--alias",
        "cell",
    ]);
    let backup = backup["id"].as_str().unwrap().to_string();
    sim.json(&["routes", "set-primary", WA, &id]);
    sim.json(&["routes", "set-failover", WA, &backup]);
    let details = sim.json(&["numbers", "get", WA]);
    assert_eq!(details["primary_route"], id.as_str());
    assert_eq!(details["failover_route"], backup.as_str());
    let updated = sim.json(&[
        "routes",
        "update",
        &id,
        "--alias",
        "main office",
        "--to",
        "host",
        "pbx2.example.com",
    ]);
    assert_eq!(
        (updated["alias"].as_str(), updated["value"].as_str()),
        (Some("main office"), Some("pbx2.example.com"))
    );
    sim.json(&["routes", "remove-primary", WA]);
    sim.json(&["routes", "remove-failover", WA]);
    let listed = sim.json(&["routes", "list", "--type", "host"]);
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(sim.json(&["routes", "delete", &id])["deleted"], id.as_str());
    assert!(
        !sim.json(&["routes", "edge-strategies"])
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn e911_addresses_go_through_their_whole_life() {
    let sim = Sim::start();
    let address = [
        "--label",
        "office",
        "--first-name",
        "Ada",
        "--last-name",
        "Lovelace",
        "--street-number",
        "1218",
        "--street-name",
        "3rd Ave",
        "--city",
        "Seattle",
        "--state",
        "wa",
        "--zip",
        "98101",
    ];
    let valid = sim.json(&[&["e911", "validate"][..], &address].concat());
    assert_eq!(valid["valid"], true);
    let saved = sim.json(&[&["e911", "create"][..], &address].concat());
    let id = saved["id"].as_str().unwrap().to_string();
    assert_eq!(saved["state"], "WA");
    assert_eq!(sim.json(&["e911", "get", &id])["city"], "Seattle");
    assert_eq!(
        sim.json(&["e911", "list", "--city", "seattle"])[0]["id"],
        id.as_str()
    );
    let updated = sim.json(&["e911", "update", &id, "--street-number", "1220"]);
    assert_eq!(updated["street_number"], "1220");
    sim.json(&["e911", "assign", WA, &id]);
    assert_eq!(sim.json(&["e911", "numbers", &id])[0]["number"], WA);
    sim.json(&["e911", "unassign", WA]);
    assert_eq!(sim.json(&["e911", "delete", &id])["deleted"], id.as_str());
}

#[test]
fn cnam_records_are_created_approved_assigned_and_deleted() {
    let sim = Sim::start();
    let record = sim.json(&["cnam", "create", "ACME CORP"]);
    let id = record["id"].as_str().unwrap().to_string();
    assert_eq!(record["is_approved"], false);
    // Only a record awaiting approval can be renamed.
    assert_eq!(
        sim.json(&["cnam", "update", &id, "ACME INC"])["value"],
        "ACME INC"
    );
    sim.sim().approve_cnam(&id).unwrap();
    assert_eq!(
        sim.json(&["cnam", "list", "--approved", "true"])[0]["id"],
        id.as_str()
    );
    sim.json(&["cnam", "assign", NJ, &id]);
    assert_eq!(sim.json(&["cnam", "get", &id])["numbers"][0], NJ);
    sim.json(&["cnam", "unassign", NJ]);
    assert_eq!(sim.json(&["cnam", "delete", &id])["deleted"], id.as_str());
}

#[test]
fn a_cdr_export_is_requested_and_downloaded_as_csv() {
    let sim = Sim::start();
    let export = sim.json(&["cdrs", "create", "--since", "30d"]);
    let id = export["id"].as_str().unwrap().to_string();
    assert!(
        sim.json(&["cdrs", "list"])
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == id.as_str())
    );
    let file = scratch("calls.csv");
    sim.cmd()
        .args(["cdrs", "download", &id, "--wait", "-o"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote"));
    let csv = std::fs::read_to_string(&file).unwrap();
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("direction,start_time,end_time,destination")
    );
    let calls = sim.json(&["cdrs", "get", &id])["num_calls"]
        .as_u64()
        .unwrap();
    assert_eq!(lines.count() as u64, calls);
    assert!(!scratch("calls.csv.part").exists());
}
