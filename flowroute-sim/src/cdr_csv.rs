//! The content of a finished CDR export: a small, deterministic set of calls
//! on the account's numbers inside the requested window, as the gzip'd CSV
//! Flowroute serves. Columns are those of the CDR export file shown in
//! Flowroute's Python SDK README (cdr-results).

use std::io::Write;

use chrono::{Duration, Utc};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::Value;

use crate::model::{AccountNumber, CdrExport, CdrResult};
use crate::prng::Rng;

pub(crate) const COLUMNS: &[&str] = &[
    "direction",
    "start_time",
    "end_time",
    "destination",
    "number_alias",
    "callerid",
    "total_cost",
    "destination_name",
    "callerid_country",
    "line_information",
    "result",
    "call_fail_sip_code",
    "call_fail_reason",
    "duration",
    "billed_duration",
    "rate",
    "first_increment",
    "subsequent_increment",
    "cost_subtotal",
];

const INBOUND_RATE: f64 = 0.0015;
const OUTBOUND_RATE: f64 = 0.0098;
const CNAM_DIP: f64 = 0.0039;
const USF_SHARE: f64 = 0.13;
const INCREMENT: i64 = 6;

struct Call {
    start: chrono::NaiveDateTime,
    fields: Vec<String>,
    billed: i64,
    subtotal: f64,
    cnam_fee: f64,
    usf: f64,
}

fn strings(filters: &serde_json::Map<String, Value>, key: &str) -> Vec<String> {
    filters
        .get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(|s| s.trim_start_matches('+').to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Builds the result of `export` from the account's `numbers` as they are now;
/// the calls derive from `seed` and the export's id.
pub(crate) fn run<'a>(
    export: &CdrExport,
    numbers: impl Iterator<Item = &'a AccountNumber>,
    seed: u64,
) -> CdrResult {
    let completed_at = Utc::now();
    let mut rng = Rng::new(seed ^ export.id.unsigned_abs());
    let numbers: Vec<_> = numbers.collect();
    let span = (export.end - export.start)
        .num_seconds()
        .max(1)
        .unsigned_abs();
    let mut calls = Vec::new();
    for _ in 0..(3 + rng.below(8)) {
        let Some(own) = numbers.get(usize::try_from(rng.below(numbers.len() as u64)).unwrap_or(0))
        else {
            break;
        };
        let other = format!("1{}{:07}", 200 + rng.below(700), rng.below(10_000_000));
        let inbound = rng.below(2) == 0;
        let start = export.start + Duration::seconds(i64::try_from(rng.below(span)).unwrap_or(0));
        let duration = 5 + i64::try_from(rng.below(600)).unwrap_or(0);
        let billed = (duration + INCREMENT - 1) / INCREMENT * INCREMENT;
        let rate = if inbound { INBOUND_RATE } else { OUTBOUND_RATE };
        let subtotal = billed as f64 / 60.0 * rate;
        let cnam_fee = if inbound && own.cnam_lookups_enabled {
            CNAM_DIP
        } else {
            0.0
        };
        let usf = if inbound { 0.0 } else { subtotal * USF_SHARE };
        let (destination, callerid) = if inbound {
            (own.info.value.clone(), format!("+{other}"))
        } else {
            (other.clone(), format!("+{}", own.info.value))
        };
        let destination_name = if destination[1..].starts_with('8') {
            "UNITED STATES - TOLL FREE"
        } else {
            "UNITED STATES"
        };
        let end = start + Duration::seconds(duration);
        let fmt = |t: chrono::NaiveDateTime| format!("{}+00", t.format("%Y-%m-%d %H:%M:%S"));
        let fields = vec![
            if inbound { "Inbound" } else { "Outbound" }.to_string(),
            fmt(start),
            fmt(end),
            destination,
            own.alias.clone().unwrap_or_default(),
            callerid,
            format!("{:.8}", subtotal + cnam_fee + usf),
            destination_name.to_string(),
            if inbound { "UNITED STATES" } else { "N/A" }.to_string(),
            String::new(),
            "completed".to_string(),
            "200".to_string(),
            "OK".to_string(),
            duration.to_string(),
            billed.to_string(),
            format!("{rate:.6}"),
            INCREMENT.to_string(),
            INCREMENT.to_string(),
            format!("{subtotal:.8}"),
        ];
        calls.push(Call {
            start,
            fields,
            billed,
            subtotal,
            cnam_fee,
            usf,
        });
    }
    let filters = &export.filters;
    let destinations = strings(filters, "destination_numbers");
    let callerids = strings(filters, "callerid_numbers");
    let aliases = strings(filters, "number_aliases");
    let alias_parts = strings(filters, "number_aliases_contains");
    let min_duration = filters.get("duration_greater_than").and_then(Value::as_i64);
    calls.retain(|c| {
        (destinations.is_empty() || destinations.contains(&c.fields[3]))
            && (callerids.is_empty() || callerids.contains(&c.fields[5][1..].to_string()))
            && (aliases.is_empty() || aliases.contains(&c.fields[4]))
            && (alias_parts.is_empty()
                || alias_parts.iter().any(|p| c.fields[4].contains(p.as_str())))
            && min_duration.is_none_or(|min| c.fields[13].parse::<i64>().is_ok_and(|d| d > min))
    });
    calls.sort_by_key(|c| c.start);
    let mut csv = COLUMNS.join(",");
    for call in &calls {
        csv.push('\n');
        csv.push_str(
            &call
                .fields
                .iter()
                .map(|f| escape(f))
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    csv.push('\n');
    let billed_seconds: i64 = calls.iter().map(|c| c.billed).sum();
    CdrResult {
        completed_at,
        csv,
        num_calls: i64::try_from(calls.len()).unwrap_or(i64::MAX),
        billed_minutes: (billed_seconds + 59) / 60,
        call_subtotal: calls.iter().map(|c| c.subtotal).sum(),
        cnamlookup_fees: calls.iter().map(|c| c.cnam_fee).sum(),
        usf_fees: calls.iter().map(|c| c.usf).sum(),
    }
}

fn escape(field: &str) -> String {
    if field.contains([',', '"', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// The export file as served: gzip-compressed CSV.
pub(crate) fn gzip(csv: &str) -> std::io::Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(csv.as_bytes())?;
    encoder.finish()
}
