//! The coverage of the spec: which operation a logged request went to, and a
//! test that runs every flow on one simulator and checks each operation was
//! answered with a success.

use crate::support::*;
use flowroute::messages::CallbackType;
use flowroute_raw::{OPERATIONS, OperationSpec};
use flowroute_sim::RequestRecord;
use std::collections::{BTreeMap, BTreeSet};

/// The operation of the spec a request went to: same method, same number of
/// segments, literal segments equal and `{param}` segments matching any
/// non-empty segment. `{callback_type}` matches only the spec's callback
/// names, which is how Flowroute itself tells `/v2.1/messages/{callback_type}`
/// from `/v2.1/messages/{message_id}`. When several templates match (such as
/// `/v2/numbers/available` and `/v2/numbers/{number_id}`), the one with the
/// most literal segments wins; a tie is an ambiguity the spec must not have.
fn operation_of(method: &str, path: &str) -> Option<&'static OperationSpec> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut candidates: Vec<(usize, &'static OperationSpec)> = OPERATIONS
        .iter()
        .filter(|op| op.method == method)
        .filter_map(|op| {
            let template: Vec<&str> = op.path.trim_matches('/').split('/').collect();
            if template.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (expected, actual) in template.iter().zip(&segments) {
                match expected.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                    None if expected == actual => literal += 1,
                    None => return None,
                    Some(_) if actual.is_empty() => return None,
                    Some("callback_type") if CallbackType::from(*actual).is_unknown() => {
                        return None;
                    }
                    Some("callback_type") => literal += 1,
                    Some(_) => {}
                }
            }
            Some((literal, op))
        })
        .collect();
    candidates.sort_by_key(|(literal, _)| std::cmp::Reverse(*literal));
    if let [(a, first), (b, second), ..] = candidates.as_slice() {
        assert_ne!(
            a, b,
            "{method} {path} matches both {} and {} equally",
            first.id, second.id
        );
    }
    candidates.first().map(|(_, op)| *op)
}

#[test]
fn the_request_log_matcher_picks_the_most_specific_template() {
    let cases = [
        (
            "GET",
            "/v2/numbers/available",
            "search_for_purchasable_phone_numbers",
        ),
        (
            "GET",
            "/v2/numbers/12012673227",
            "list_phone_number_details",
        ),
        (
            "GET",
            "/v2.1/messages/sms_callback",
            "look_up_account_callback_url",
        ),
        (
            "GET",
            "/v2.1/messages/mdr2-39cadeace66e",
            "look_up_a_message_detail_record",
        ),
        (
            "DELETE",
            "/v2/numbers/12012673227/relationships/primary_route",
            "remove_primary_voice_route",
        ),
        (
            "DELETE",
            "/v2/numbers/12012673227/relationships/dlr_callback",
            "remove_number_callback_url",
        ),
        ("POST", "/v2/e911s/validate", "validate_e911_address"),
        ("GET", "/v2/routes/edge_strategies", "list_edge_strategies"),
    ];
    for (method, path, id) in cases {
        assert_eq!(
            operation_of(method, path).map(|op| op.id),
            Some(id),
            "{method} {path}"
        );
    }
    assert_eq!(operation_of("GET", "/v2/nothing/here"), None);
    assert_eq!(
        operation_of("PUT", "/v2.1/messages/mdr2-39cadeace66e"),
        None
    );
    assert_eq!(
        operation_of("GET", "/v2/numbers/12012673227/relationships/e911s"),
        None
    );
}

#[tokio::test]
async fn the_flows_together_exercise_every_operation_of_the_spec() {
    let env = Env::start().await;
    let mut log: Vec<RequestRecord> = Vec::new();
    macro_rules! run {
        ($($flow:path),+) => {$(
            $flow(&env).await;
            log.extend(env.sim.requests());
            // Back to the starting account; this also empties the request log.
            env.sim.reset();
        )+};
    }
    every_flow!(run);

    assert_eq!(OPERATIONS.len(), 54, "the spec's operations");
    let mut answered: BTreeMap<&str, BTreeSet<u16>> = BTreeMap::new();
    let mut unknown = Vec::new();
    for record in &log {
        match operation_of(&record.method, &record.path) {
            Some(op) => {
                answered.entry(op.id).or_default().extend(record.status);
            }
            None => unknown.push(format!("{} {}", record.method, record.path)),
        }
    }
    assert!(
        unknown.is_empty(),
        "requests to no operation of the spec: {unknown:#?}"
    );
    let never: Vec<String> = OPERATIONS
        .iter()
        .filter(|op| {
            !answered
                .get(op.id)
                .is_some_and(|statuses| statuses.iter().any(|s| (200..300).contains(s)))
        })
        .map(|op| {
            format!(
                "{} ({} {}): {:?}",
                op.id,
                op.method,
                op.path,
                answered.get(op.id)
            )
        })
        .collect();
    assert!(
        never.is_empty(),
        "operations never answered with a success by the simulator: {never:#?}"
    );
}
