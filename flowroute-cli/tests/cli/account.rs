//! Reading the account: lists in every format, single records, the inventory.

use crate::{Sim, WA, texts};

#[test]
fn numbers_search_limits_and_filters_the_inventory() {
    let sim = Sim::start();
    let found = sim.json(&["numbers", "search", "--starts-with", "206", "--limit", "3"]);
    let found = found.as_array().unwrap();
    assert_eq!(found.len(), 3);
    for n in found {
        assert!(n["number"].as_str().unwrap().starts_with("1206"), "{n}");
        assert_eq!(n["state"], "wa");
    }
    let area_codes = sim.json(&["numbers", "area-codes", "--all"]);
    assert!(area_codes.as_array().unwrap().len() > 20, "{area_codes}");
    let exchanges = sim.json(&["numbers", "exchanges", "--area-code", "206"]);
    assert!(exchanges[0]["code"].as_str().unwrap().starts_with("206"));
    let tiers = sim.json(&["numbers", "tiers"]);
    assert!(!tiers.as_array().unwrap().is_empty());
}

#[test]
fn lists_stream_as_ndjson_and_csv_and_tables() {
    let sim = Sim::start();
    let out = sim
        .cmd()
        .args(["numbers", "list", "--output", "ndjson"])
        .output()
        .unwrap();
    let (stdout, _) = texts(&out);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["number"], WA);

    let out = sim
        .cmd()
        .args(["numbers", "list", "--output", "csv"])
        .output()
        .unwrap();
    let (stdout, _) = texts(&out);
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(rows.len(), 3, "{stdout}");
    assert!(rows[0].split(',').any(|c| c == "number"), "{stdout}");
    assert!(rows[2].contains(WA));

    let out = sim
        .cmd()
        .args(["numbers", "list", "--limit", "1"])
        .output()
        .unwrap();
    let (stdout, _) = texts(&out);
    assert!(stdout.starts_with("NUMBER"), "{stdout}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
}

#[test]
fn all_pages_through_a_list_longer_than_a_page() {
    let sim = Sim::start();
    // More than one page of the streams' 200 items: every item, no repeats.
    let out = sim
        .cmd()
        .args(["numbers", "search", "--all", "--output", "ndjson"])
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&out);
    assert!(out.status.success(), "{stderr}");
    let numbers: std::collections::BTreeSet<&str> = stdout.lines().collect();
    assert_eq!(numbers.len(), stdout.lines().count());
    assert!(numbers.len() > 200, "{}", numbers.len());
}

#[test]
fn a_number_reads_as_one_document() {
    let sim = Sim::start();
    let details = sim.json(&["numbers", "get", WA]);
    assert_eq!(details["attributes"]["number"], WA);
    assert_eq!(details["primary_route"], "0");
    let out = sim.cmd().args(["numbers", "get", WA]).output().unwrap();
    let (stdout, _) = texts(&out);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("attributes.number") && l.ends_with(WA))
    );
}

#[test]
fn porting_checks_and_lists_orders() {
    let sim = Sim::start();
    let report = sim.json(&["porting", "check", "12065550100", "+1 206 555 0101"]);
    let checked = ["portable", "nonportable"]
        .iter()
        .map(|k| report[k].as_array().unwrap().len())
        .sum::<usize>();
    assert!(checked >= 2, "{report}");
    let orders = sim.json(&["porting", "orders"]);
    assert!(orders.is_array());
}
