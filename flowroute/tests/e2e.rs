//! End to end: the `flowroute` client against a started `flowroute-sim`, over
//! real HTTP on 127.0.0.1. Each flow checks what the account looks like after
//! each step, not only that the calls succeed; the request log proves that the
//! flows together exercise every operation of the spec; the `receiver` feature
//! adds real webhooks (delivery receipts, inbound SMS, retries) POSTed by the
//! simulator to a `flowroute::webhooks::Receiver` served with axum.
//!
//! Every delay is a few milliseconds, so the whole file runs in well under 5 s.

use flowroute::cdrs::{CallDirection, CdrExportStatus, CdrFilter};
use flowroute::chrono::{DateTime, Duration as Days, Utc};
use flowroute::e911::{E911AddressType, E911Country, NewE911Address};
use flowroute::messages::{CallbackType, Message, MessageDirection};
use flowroute::routes::{NewRoute, RouteType};
use flowroute::{ApiError, Client, Error, PhoneNumber};
use flowroute_raw::{OPERATIONS, OperationSpec};
use flowroute_sim::{RequestRecord, SIM_ACCESS_KEY, SIM_SECRET_KEY, Simulator, SimulatorBuilder};
use futures_util::TryStreamExt;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::future::Future;
use std::time::Duration;

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

/// The longest any wait for the simulator's asynchronous work may take; the
/// work itself is a few multiples of the millisecond delays below.
const PATIENCE: Duration = Duration::from_secs(3);

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A simulator whose receipts and webhook retries come within milliseconds.
fn fast_sim() -> SimulatorBuilder {
    Simulator::builder()
        .dlr_delay(ms(10))
        .callback_retry_interval(ms(50))
}

/// A started simulator and a client pointed at it.
struct Env {
    sim: Simulator,
    client: Client,
}

impl Env {
    async fn start() -> Env {
        let sim = fast_sim().start().await.expect("the simulator starts");
        let client = Client::builder()
            .credentials(SIM_ACCESS_KEY, SIM_SECRET_KEY)
            .base_url(sim.base_url())
            .build()
            .expect("a loopback base URL is accepted");
        Env { sim, client }
    }

    /// The numbers on the account now, in the simulator's order.
    async fn account_numbers(&self) -> Vec<PhoneNumber> {
        let numbers = self.client.numbers().list().all().await.unwrap();
        numbers.into_iter().map(|n| n.number).collect()
    }

    /// The first number of the starting account.
    async fn first_number(&self) -> PhoneNumber {
        self.account_numbers()
            .await
            .into_iter()
            .next()
            .expect("the account has a number")
    }
}

/// The error answer of a call that must fail with one.
#[track_caller]
fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> ApiError {
    match result {
        Err(Error::Api(e)) => *e,
        other => panic!("expected an error answer from the simulator, got {other:?}"),
    }
}

/// The `detail` of the first JSON:API error, as text.
fn detail(e: &ApiError) -> String {
    e.errors
        .first()
        .and_then(|d| d.detail.as_ref())
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// Polls `check` every few milliseconds until it gives a value; fails the
/// test, naming `what`, after [`PATIENCE`].
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let poll = async {
        loop {
            if let Some(value) = check().await {
                return value;
            }
            tokio::time::sleep(ms(5)).await;
        }
    };
    match tokio::time::timeout(PATIENCE, poll).await {
        Ok(value) => value,
        Err(_) => panic!("timed out after {PATIENCE:?} waiting for {what}"),
    }
}

/// One query parameter of a logged request.
fn query_param(record: &RequestRecord, name: &str) -> Option<String> {
    record
        .query
        .as_deref()?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// `(limit, offset)` of every `GET path` in the log, in order.
fn pages_requested(sim: &Simulator, path: &str) -> Vec<(Option<String>, Option<String>)> {
    sim.requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == path)
        .map(|r| (query_param(r, "limit"), query_param(r, "offset")))
        .collect()
}

// ---------------------------------------------------------------------------
// Which operation a logged request is
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Flows. Each starts from a fresh account; the tests below run each on its own
// simulator, and the coverage test runs them all on one.
// ---------------------------------------------------------------------------

/// Inventory (area codes, exchanges, tiers, search), purchase, alias update and
/// release, each checked through the account list and the number's details.
async fn numbers_flow(env: &Env) {
    let numbers = env.client.numbers();
    let start = env.account_numbers().await;
    assert_eq!(
        start.len(),
        2,
        "a fresh account holds two numbers: {start:?}"
    );

    let area_codes = numbers.area_codes().limit(5).page().await.unwrap();
    assert!(!area_codes.items.is_empty(), "the inventory has area codes");
    for area in &area_codes.items {
        assert!(
            area.code.len() == 3 && area.code.bytes().all(|b| b.is_ascii_digit()),
            "{area:?}"
        );
    }
    let area = area_codes.items[0].code.clone();
    let exchanges = numbers
        .exchanges()
        .area_code(&area)
        .limit(5)
        .page()
        .await
        .unwrap();
    assert!(
        !exchanges.items.is_empty(),
        "area code {area} has exchanges"
    );
    for exchange in &exchanges.items {
        assert!(
            exchange.code.len() == 6 && exchange.code.starts_with(&area),
            "{exchange:?} is not an exchange of {area}"
        );
    }
    let tiers = numbers.tiers().all().await.unwrap();
    assert!(!tiers.is_empty(), "the inventory has pricing tiers");
    let tier_names: HashSet<&str> = tiers.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        tier_names.len(),
        tiers.len(),
        "tiers are distinct: {tiers:?}"
    );

    let exchange = exchanges.items[0].code.clone();
    let found = numbers
        .search()
        .starts_with(&exchange)
        .limit(3)
        .page()
        .await
        .unwrap();
    assert!(
        !found.items.is_empty(),
        "exchange {exchange} has numbers to buy"
    );
    for candidate in &found.items {
        assert!(
            candidate
                .number
                .as_str()
                .starts_with(&format!("1{exchange}")),
            "{candidate:?}"
        );
        assert!(
            !start.contains(&candidate.number),
            "{candidate:?} is already on the account"
        );
    }
    let pick = found.items[0].clone();
    let exact = || numbers.search().starts_with(pick.number.as_str()).all();
    assert_eq!(
        exact().await.unwrap().len(),
        1,
        "{} is in the inventory",
        pick.number
    );

    let bought = numbers.purchase(&pick.number).send().await.unwrap();
    let details = &bought.details;
    assert_eq!(details.number.number, pick.number);
    assert_eq!(details.number.status.as_deref(), Some("PURCHASED"));
    assert_eq!(details.number.setup_cost, pick.setup_cost);
    assert_eq!(details.number.monthly_cost, pick.monthly_cost);
    assert!(!bought.messaging_provisioning_failed);
    assert_eq!(
        details.primary_route.as_ref().map(|r| r.as_str()),
        Some("0"),
        "a bought number starts on the built-in sip-reg route"
    );
    let after_purchase = env.account_numbers().await;
    assert_eq!(after_purchase.len(), 3, "{after_purchase:?}");
    assert!(after_purchase.contains(&pick.number));
    assert!(
        exact().await.unwrap().is_empty(),
        "a bought number leaves the inventory"
    );

    let alias = "e2e main line";
    let updated = numbers
        .update(&pick.number)
        .alias(alias)
        .cnam_lookups_enabled(false)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.details.number.alias.as_deref(), Some(alias));
    assert_eq!(updated.details.number.cnam_lookups_enabled, Some(false));
    let fetched = numbers.get(&pick.number).await.unwrap();
    assert_eq!(
        fetched.number.alias.as_deref(),
        Some(alias),
        "the alias sticks"
    );
    assert_eq!(fetched.number.cnam_lookups_enabled, Some(false));
    let by_alias = numbers.list().alias(alias).all().await.unwrap();
    let by_alias: Vec<&PhoneNumber> = by_alias.iter().map(|n| &n.number).collect();
    assert_eq!(by_alias, vec![&pick.number], "the alias filter finds it");

    numbers.release(&pick.number).await.unwrap();
    assert_eq!(
        env.account_numbers().await,
        start,
        "release gives the number back"
    );
    let gone = api_error(numbers.get(&pick.number).await);
    assert_eq!(gone.status.as_u16(), 404);
    assert_eq!(gone.operation, "list_phone_number_details");
    assert_eq!(
        exact().await.unwrap().len(),
        1,
        "a released number is for sale again"
    );
}

/// Route creation, listing, update, assignment as primary and failover (seen
/// in the number's details), refusal to delete a route in use, removal and
/// deletion.
async fn routes_flow(env: &Env) {
    let routes = env.client.routes();
    let edges = routes.edge_strategies().await.unwrap();
    assert!(!edges.is_empty(), "there are edge strategies");
    assert!(edges.iter().all(|e| e.name.is_some()), "{edges:?}");
    let edge = edges[0].id;

    let initial = routes.list().all().await.unwrap();
    let builtin = initial
        .iter()
        .find(|r| r.id.as_str() == "0")
        .expect("route 0 exists");
    assert_eq!(builtin.route_type, RouteType::SipReg);

    let host = routes
        .create(NewRoute::host("pbx.example.com:5060", "e2e pbx").edge_strategy_id(edge))
        .await
        .unwrap();
    assert_eq!(host.route_type, RouteType::Host);
    assert_eq!(host.value.as_deref(), Some("pbx.example.com:5060"));
    assert_eq!(host.alias.as_deref(), Some("e2e pbx"));
    assert_eq!(host.edge_strategy_id, Some(edge));
    let cell = routes
        .create(NewRoute::number("12065550123".parse().unwrap(), "e2e cell"))
        .await
        .unwrap();
    assert_eq!(cell.route_type, RouteType::Number);
    assert_eq!(cell.value.as_deref(), Some("12065550123"));
    let desk = routes
        .create(NewRoute::uri("sip:desk@pbx.example.com", "e2e desk"))
        .await
        .unwrap();
    assert_eq!(desk.route_type, RouteType::Uri);
    let ids: HashSet<&str> = [&host, &cell, &desk, builtin]
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(ids.len(), 4, "every route has its own id");

    let listed = routes.list().all().await.unwrap();
    assert_eq!(listed.len(), initial.len() + 3);
    for created in [&host, &cell, &desk] {
        assert!(listed.contains(created), "{created:?} is listed as created");
    }
    let hosts = routes
        .list()
        .route_type(RouteType::Host)
        .all()
        .await
        .unwrap();
    assert_eq!(
        hosts,
        vec![host.clone()],
        "the type filter keeps only host routes"
    );

    let renamed = routes
        .update(&host.id)
        .alias("e2e pbx renamed")
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.alias.as_deref(), Some("e2e pbx renamed"));
    assert_eq!(
        renamed.value, host.value,
        "an alias change keeps the destination"
    );
    let moved = routes
        .update(&desk.id)
        .destination(RouteType::Uri, "sip:front@pbx.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(moved.value.as_deref(), Some("sip:front@pbx.example.com"));
    let listed = routes.list().all().await.unwrap();
    assert!(
        listed.contains(&renamed) && listed.contains(&moved),
        "updates stick: {listed:?}"
    );

    let number = env.first_number().await;
    routes.set_primary(&number, &host.id).await.unwrap();
    routes.set_failover(&number, &cell.id).await.unwrap();
    let details = env.client.numbers().get(&number).await.unwrap();
    assert_eq!(details.primary_route.as_ref(), Some(&host.id));
    assert_eq!(details.failover_route.as_ref(), Some(&cell.id));
    assert!(details.routes.contains(&renamed), "{:?}", details.routes);
    assert!(details.routes.contains(&cell), "{:?}", details.routes);

    let refused = api_error(routes.delete(&host.id).await);
    assert_eq!(
        refused.status.as_u16(),
        403,
        "a route in use is not deleted"
    );
    assert_eq!(refused.operation, "delete_a_voice_route");
    assert!(!detail(&refused).is_empty(), "{refused}");
    assert!(routes.list().all().await.unwrap().contains(&renamed));

    routes.remove_primary(&number).await.unwrap();
    routes.remove_failover(&number).await.unwrap();
    let details = env.client.numbers().get(&number).await.unwrap();
    assert_eq!(details.primary_route, None);
    assert_eq!(details.failover_route, None);
    assert!(details.routes.is_empty(), "{:?}", details.routes);

    for route in [&host, &cell, &desk] {
        routes.delete(&route.id).await.unwrap();
    }
    assert_eq!(
        routes.list().all().await.unwrap(),
        initial,
        "deleted routes are gone"
    );
}

/// The brief's first flow: buy a number, route it, send an SMS and an MMS from
/// it, and find the records by id and in a date range (not in another one).
async fn messaging_flow(env: &Env) {
    let numbers = env.client.numbers();
    let routes = env.client.routes();
    let messages = env.client.messages();

    let pick = numbers
        .search()
        .limit(1)
        .page()
        .await
        .unwrap()
        .items
        .remove(0);
    let bought = numbers
        .purchase(&pick.number)
        .messaging_enabled(true)
        .send()
        .await
        .unwrap();
    let number = bought.details.number.number.clone();
    assert_eq!(bought.details.number.messaging_enabled, Some(true));
    assert_eq!(number, pick.number);
    let primary = routes
        .create(NewRoute::host("sip.example.com", "e2e msg primary"))
        .await
        .unwrap();
    let failover = routes
        .create(NewRoute::number(
            "12065550100".parse().unwrap(),
            "e2e msg failover",
        ))
        .await
        .unwrap();
    routes.set_primary(&number, &primary.id).await.unwrap();
    routes.set_failover(&number, &failover.id).await.unwrap();
    let details = numbers.get(&number).await.unwrap();
    assert_eq!(details.primary_route.as_ref(), Some(&primary.id));
    assert_eq!(details.failover_route.as_ref(), Some(&failover.id));

    let before = Utc::now() - Days::seconds(1);
    let to: PhoneNumber = "12065550100".parse().unwrap();
    let body = "hello from the e2e test";
    let sms = messages
        .send(Message::sms(number.clone(), to.clone(), body))
        .await
        .unwrap();
    assert!(sms.as_str().starts_with("mdr2-"), "{sms}");
    let mms = messages
        .send(
            Message::mms(number.clone(), to.clone())
                .body("look")
                .media_url("https://media.example.com/cat.gif"),
        )
        .await
        .unwrap();
    assert_ne!(sms, mms, "every message gets its own id");
    let after = Utc::now() + Days::seconds(1);

    let record = messages.get(&sms).await.unwrap();
    assert_eq!(record.id, sms);
    assert_eq!((&record.from, &record.to), (&number, &to));
    assert_eq!(record.body.as_deref(), Some(body));
    assert_eq!(record.direction, MessageDirection::Outbound);
    assert!(!record.is_mms);
    assert_eq!(record.amount_nanodollars, 4_000_000, "one SMS segment");
    assert_eq!(record.amount_display.as_deref(), Some("$0.0040"));
    assert_eq!(record.message_encoding, Some(0));
    let stamped = record.timestamp.expect("the record has a time");
    assert!(
        before <= stamped && stamped <= after,
        "{stamped} is not the send time"
    );

    let delivered = eventually("the SMS's level 2 receipt in its record", || async {
        let record = messages.get(&sms).await.unwrap();
        (record.delivery_receipts.len() == 2).then_some(record)
    })
    .await;
    assert_eq!(delivered.status, "delivered");
    let levels: BTreeSet<Option<i32>> = delivered
        .delivery_receipts
        .iter()
        .map(|r| r.level)
        .collect();
    assert_eq!(levels, BTreeSet::from([Some(1), Some(2)]));

    let picture = messages.get(&mms).await.unwrap();
    assert!(picture.is_mms);
    assert_eq!(picture.body.as_deref(), Some("look"));
    assert_eq!(picture.media_ids.len(), 1, "{picture:?}");
    assert_eq!(picture.amount_nanodollars, 19_500_000, "one MMS");

    let in_window = messages.list(before).end(after).all().await.unwrap();
    let ids: Vec<&str> = in_window.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids.iter().filter(|id| **id == sms.as_str()).count(),
        1,
        "{ids:?}"
    );
    assert!(ids.contains(&mms.as_str()), "{ids:?}");
    let listed = in_window.iter().find(|m| m.id == sms).unwrap();
    assert_eq!(listed.body.as_deref(), Some(body));
    assert_eq!(listed.direction, MessageDirection::Outbound);
    let one_by_one = messages
        .list(before)
        .end(after)
        .limit(1)
        .all()
        .await
        .unwrap();
    let one_by_one: Vec<&str> = one_by_one.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        one_by_one, ids,
        "pages of one follow the next links to the same list"
    );
    let earlier = messages
        .list(before - Days::days(2))
        .end(before - Days::days(1))
        .all()
        .await
        .unwrap();
    assert!(
        earlier.iter().all(|m| m.id != sms && m.id != mms),
        "a window before the send excludes the messages: {earlier:?}"
    );
}

/// Account and number callback URLs: set, read back, removed (then 404).
/// The URLs point at a closed loopback port: nothing leaves the machine.
async fn callback_urls_flow(env: &Env) {
    let messages = env.client.messages();
    let sms_url = "http://127.0.0.1:9/e2e/sms";
    let dlr_url = "http://127.0.0.1:9/e2e/dlr";
    messages
        .set_account_callback(CallbackType::SmsCallback, sms_url)
        .await
        .unwrap();
    messages
        .set_account_callback(CallbackType::SmsDlrCallback, dlr_url)
        .await
        .unwrap();
    let sms = messages
        .account_callback(CallbackType::SmsCallback)
        .await
        .unwrap();
    assert_eq!(sms.callback_url.as_deref(), Some(sms_url));
    assert_eq!(sms.product.as_deref(), Some("sms"));
    let dlr = messages
        .account_callback(CallbackType::SmsDlrCallback)
        .await
        .unwrap();
    assert_eq!(dlr.callback_url.as_deref(), Some(dlr_url));
    assert_eq!(dlr.product.as_deref(), Some("dlr"));

    messages
        .remove_account_callback(CallbackType::SmsCallback)
        .await
        .unwrap();
    let removed = api_error(messages.account_callback(CallbackType::SmsCallback).await);
    assert_eq!(removed.status.as_u16(), 404, "a removed URL is gone");
    let kept = messages
        .account_callback(CallbackType::SmsDlrCallback)
        .await
        .unwrap();
    assert_eq!(
        kept.callback_url.as_deref(),
        Some(dlr_url),
        "the other URL stays"
    );

    let number = env.first_number().await;
    let own = "http://127.0.0.1:9/e2e/number-dlr";
    messages
        .set_number_callback(&number, CallbackType::DlrCallback, own)
        .await
        .unwrap();
    let read = messages
        .number_callback(&number, CallbackType::DlrCallback)
        .await
        .unwrap();
    assert_eq!(read.callback_url.as_deref(), Some(own));
    messages
        .remove_number_callback(&number, CallbackType::DlrCallback)
        .await
        .unwrap();
    let removed = api_error(
        messages
            .number_callback(&number, CallbackType::DlrCallback)
            .await,
    );
    assert_eq!(removed.status.as_u16(), 404);
    assert_eq!(removed.operation, "look_up_number_callback_url");
}

fn office() -> NewE911Address {
    NewE911Address::new()
        .label("E2E Office")
        .first_name("Albus")
        .last_name("Rasputin, Jr.")
        .street_number("666")
        .street_name("Main St")
        .city("Seattle")
        .state("wa")
        .country(E911Country::Us)
        .zip("98101")
        .unit(E911AddressType::Suite, "333")
}

/// E911: validate, create, find, update, assign to a number, list the
/// address's numbers, refuse deletion while assigned, remove, delete.
async fn e911_flow(env: &Env) {
    let e911s = env.client.e911s();
    e911s.validate(&office()).await.unwrap();
    let unknown_street = api_error(e911s.validate(&office().street_name("Nowhere Rd")).await);
    assert_eq!(
        unknown_street.status.as_u16(),
        400,
        "an address that cannot be geocoded"
    );

    let created = e911s.create(office()).await.unwrap();
    assert_eq!(created.label, "E2E Office");
    assert_eq!(
        (created.first_name.as_str(), created.last_name.as_str()),
        ("Albus", "Rasputin, Jr.")
    );
    assert_eq!(
        (
            created.street_number.as_str(),
            created.street_name.as_str(),
            created.city.as_str()
        ),
        ("666", "Main St", "Seattle")
    );
    assert_eq!(
        (created.state.as_str(), created.country.as_str()),
        ("WA", "US")
    );
    assert_eq!(created.zip, "98101");
    assert_eq!(created.address_type, Some(E911AddressType::Suite));
    assert_eq!(created.address_type_number.as_deref(), Some("333"));
    assert_eq!(e911s.get(&created.id).await.unwrap(), created);
    let found = e911s.list().label("e2e").state("WA").all().await.unwrap();
    assert_eq!(found, vec![created.clone()], "the filters find it");
    assert!(
        e911s
            .list()
            .city("Portland")
            .all()
            .await
            .unwrap()
            .is_empty()
    );

    let moved = e911s
        .update(&created.id)
        .label("E2E Office moved")
        .send()
        .await
        .unwrap();
    assert_eq!(moved.label, "E2E Office moved");
    assert_eq!(moved.city, "Seattle", "an update keeps the other fields");
    assert_eq!(
        e911s.get(&created.id).await.unwrap(),
        moved,
        "the update sticks"
    );

    let number = env.first_number().await;
    e911s.assign(&number, &created.id).await.unwrap();
    let users = e911s.numbers(&created.id).all().await.unwrap();
    let users: Vec<Option<&PhoneNumber>> = users.iter().map(|u| u.number.as_ref()).collect();
    assert_eq!(users, vec![Some(&number)], "the address lists its number");
    let details = env.client.numbers().get(&number).await.unwrap();
    assert_eq!(details.e911_address.as_ref(), Some(&created.id));

    let refused = e911s.delete(&created.id).await;
    match &refused {
        Err(Error::Api(e)) => {
            assert_eq!(e.status.as_u16(), 403);
            assert_eq!(e.operation, "delete_e911_address");
            assert!(
                detail(e).contains("still assigned"),
                "Flowroute's detail: {e}"
            );
        }
        other => panic!("deleting an assigned address must be refused with 403, got {other:?}"),
    }
    assert_eq!(
        e911s.get(&created.id).await.unwrap(),
        moved,
        "the refused delete kept it"
    );

    e911s.remove_from_number(&number).await.unwrap();
    assert!(e911s.numbers(&created.id).all().await.unwrap().is_empty());
    let details = env.client.numbers().get(&number).await.unwrap();
    assert_eq!(details.e911_address, None);
    e911s.delete(&created.id).await.unwrap();
    assert_eq!(api_error(e911s.get(&created.id).await).status.as_u16(), 404);
    assert!(e911s.list().all().await.unwrap().is_empty());
}

/// CNAM: create (pending), update while pending, assignment refused while
/// pending, approval in the simulator, assign, unassign, delete.
async fn cnam_flow(env: &Env) {
    let cnams = env.client.cnams();
    let created = cnams.create("E2E TEST CO").await.unwrap();
    assert_eq!(created.value, "E2E TEST CO");
    assert!(!created.is_approved);
    assert_eq!(created.approved_at(), None);
    assert!(
        created.created_at().is_some(),
        "{:?}",
        created.creation_datetime
    );
    let pending = cnams.list().is_approved(false).all().await.unwrap();
    assert_eq!(pending, vec![created.clone()]);
    assert!(
        cnams
            .list()
            .is_approved(true)
            .all()
            .await
            .unwrap()
            .is_empty()
    );

    let renamed = cnams.update(&created.id, "E2E TESTING CO").await.unwrap();
    assert_eq!(renamed.value, "E2E TESTING CO");
    assert_eq!(renamed.id, created.id);
    assert_eq!(
        cnams.get(&created.id).await.unwrap().value,
        "E2E TESTING CO"
    );

    let number = env.first_number().await;
    let refused = api_error(cnams.assign(&number, &created.id).await);
    assert_eq!(
        refused.status.as_u16(),
        422,
        "a pending record cannot be assigned"
    );
    assert_eq!(refused.operation, "assign_cnam_record_to_number");
    assert!(detail(&refused).contains("approved"), "{refused}");
    assert_eq!(
        env.client.numbers().get(&number).await.unwrap().cnam_preset,
        None
    );

    env.sim.approve_cnam(created.id.as_str()).unwrap();
    let approved = cnams.get(&created.id).await.unwrap();
    assert!(approved.is_approved);
    assert!(
        approved.approved_at().is_some(),
        "{:?}",
        approved.approval_datetime
    );
    assert!(approved.numbers.is_empty());

    let association = cnams.assign(&number, &created.id).await.unwrap();
    assert!(association.id.is_some(), "{association:?}");
    assert!(association.created_at().is_some(), "{association:?}");
    assert_eq!(
        cnams.get(&created.id).await.unwrap().numbers,
        vec![number.clone()]
    );
    let details = env.client.numbers().get(&number).await.unwrap();
    assert_eq!(details.cnam_preset.as_ref(), Some(&created.id));

    let removal = cnams.unassign(&number).await.unwrap();
    assert_eq!(removal.id, None);
    assert!(removal.created_at().is_some(), "{removal:?}");
    assert!(cnams.get(&created.id).await.unwrap().numbers.is_empty());
    assert_eq!(
        env.client.numbers().get(&number).await.unwrap().cnam_preset,
        None
    );

    cnams.delete(&created.id).await.unwrap();
    assert_eq!(api_error(cnams.get(&created.id).await).status.as_u16(), 404);
    assert!(cnams.list().all().await.unwrap().is_empty());
}

/// CDR export: create, poll until completed, list by status, download the
/// file and read typed records that agree with the export's totals.
async fn cdr_flow(env: &Env) {
    let cdrs = env.client.cdrs();
    let end = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
    let start = end - Days::days(7);
    let export = cdrs
        .create(CdrFilter::new(start, end))
        .send()
        .await
        .unwrap();
    assert_eq!(export.status, CdrExportStatus::Processing);
    assert_eq!(export.download_url, None, "no file before completion");
    assert!(
        export
            .filter_parameters
            .contains_key("start_call_start_time"),
        "{export:?}"
    );

    let done = eventually("the CDR export to complete", || async {
        let now = cdrs.get(&export.id).await.unwrap();
        (now.status == CdrExportStatus::Completed).then_some(now)
    })
    .await;
    assert_eq!(done.id, export.id);
    assert!(
        done.download_url.is_some() && done.expires_at.is_some(),
        "{done:?}"
    );
    let calls = done.num_calls.expect("a completed export counts its calls");

    let listed = cdrs.list().all().await.unwrap();
    assert!(listed.iter().any(|e| e.id == export.id), "{listed:?}");
    let completed = cdrs
        .list()
        .status(CdrExportStatus::Completed)
        .all()
        .await
        .unwrap();
    assert!(completed.iter().any(|e| e.id == export.id), "{completed:?}");
    let processing = cdrs
        .list()
        .status(CdrExportStatus::Processing)
        .all()
        .await
        .unwrap();
    assert!(
        processing.iter().all(|e| e.id != export.id),
        "{processing:?}"
    );

    let records: Vec<_> = cdrs.download(&done).try_collect().await.unwrap();
    assert!(!records.is_empty(), "the simulated account made calls");
    assert_eq!(records.len() as i64, calls, "the file holds num_calls rows");
    let own: Vec<String> = env
        .account_numbers()
        .await
        .iter()
        .map(|n| n.to_string())
        .collect();
    let mut billed_seconds = 0;
    for call in &records {
        let began = call.start_time.expect("start_time");
        assert!(
            start <= began && began <= end,
            "{began} is outside the window"
        );
        assert!(call.end_time.expect("end_time") >= began);
        let ours = match call.direction.as_ref().expect("direction") {
            CallDirection::Inbound => call.destination.clone(),
            CallDirection::Outbound => call
                .callerid
                .as_deref()
                .map(|c| c.trim_start_matches('+').into()),
            other => panic!("unexpected direction {other}"),
        };
        assert!(
            ours.is_some_and(|n| own.contains(&n)),
            "{call:?} is not on the account"
        );
        let (duration, billed) = (call.duration.unwrap(), call.billed_duration.unwrap());
        assert!(billed >= duration, "{call:?}");
        billed_seconds += billed.as_secs();
    }
    assert_eq!(
        done.billed_minutes,
        Some(billed_seconds.div_ceil(60) as i64)
    );
}

/// Portability: a number of the account is on the HyperNetwork and portable, a
/// fictional 555 number is not portable; the account has no port orders.
async fn porting_flow(env: &Env) {
    let number = env.first_number().await;
    let outside: PhoneNumber = "14252081174".parse().unwrap();
    let fictional: PhoneNumber = "12065550100".parse().unwrap();
    let report = env
        .client
        .porting()
        .check([&number, &outside, &fictional])
        .await
        .unwrap();
    assert!(
        report.portable.contains(&number) && report.portable.contains(&outside),
        "{report:?}"
    );
    assert!(report.hypernetwork_enabled.contains(&number), "{report:?}");
    assert_eq!(report.nonportable, vec![fictional], "{report:?}");
    assert!(
        env.client
            .porting()
            .orders()
            .all()
            .await
            .unwrap()
            .is_empty()
    );
}

// ---------------------------------------------------------------------------
// The flows as tests, and the coverage of the spec
// ---------------------------------------------------------------------------

#[tokio::test]
async fn numbers_are_found_bought_renamed_and_released() {
    numbers_flow(&Env::start().await).await;
}

#[tokio::test]
async fn routes_are_created_assigned_refused_deletion_while_in_use_and_deleted() {
    routes_flow(&Env::start().await).await;
}

#[tokio::test]
async fn a_bought_and_routed_number_sends_messages_found_by_id_and_by_date_range() {
    messaging_flow(&Env::start().await).await;
}

#[tokio::test]
async fn callback_urls_are_set_read_and_removed_for_the_account_and_a_number() {
    callback_urls_flow(&Env::start().await).await;
}

#[tokio::test]
async fn an_e911_address_cannot_be_deleted_while_assigned_and_can_be_after_removal() {
    e911_flow(&Env::start().await).await;
}

#[tokio::test]
async fn a_cnam_record_is_assignable_only_once_approved() {
    cnam_flow(&Env::start().await).await;
}

#[tokio::test]
async fn a_cdr_export_completes_and_downloads_as_typed_records() {
    cdr_flow(&Env::start().await).await;
}

#[tokio::test]
async fn portability_is_checked_and_port_orders_listed() {
    porting_flow(&Env::start().await).await;
}

#[tokio::test]
async fn the_flows_together_exercise_every_operation_of_the_spec() {
    let env = Env::start().await;
    let mut log: Vec<RequestRecord> = Vec::new();
    macro_rules! run {
        ($($flow:ident),+) => {$(
            $flow(&env).await;
            log.extend(env.sim.requests());
            // Back to the starting account; this also empties the request log.
            env.sim.reset();
        )+};
    }
    run!(
        numbers_flow,
        routes_flow,
        messaging_flow,
        callback_urls_flow,
        e911_flow,
        cnam_flow,
        cdr_flow,
        porting_flow
    );

    assert_eq!(OPERATIONS.len(), 48, "the spec's operations");
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

// ---------------------------------------------------------------------------
// Pagination against the simulator
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_capped_search_yields_exactly_the_cap_in_distinct_numbers_asking_only_for_what_is_left() {
    let env = Env::start().await;
    let found: Vec<_> = env
        .client
        .numbers()
        .search()
        .limit(7)
        .max_items(20)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found.len(), 20);
    let distinct: HashSet<&PhoneNumber> = found.iter().map(|n| &n.number).collect();
    assert_eq!(distinct.len(), 20, "no number twice across pages");
    let page = |limit: &str, offset: &str| (Some(limit.to_string()), Some(offset.to_string()));
    assert_eq!(
        pages_requested(&env.sim, "/v2/numbers/available"),
        vec![page("7", "0"), page("7", "7"), page("6", "14")],
        "three pages, the last one asking for the 6 still wanted"
    );
}

#[tokio::test]
async fn all_stops_at_the_last_page_without_asking_past_it() {
    let env = Env::start().await;
    let numbers = env.client.numbers().list().limit(1).all().await.unwrap();
    assert_eq!(numbers.len(), 2, "both numbers of the account");
    let page = |offset: &str| (Some("1".to_string()), Some(offset.to_string()));
    assert_eq!(
        pages_requested(&env.sim, "/v2/numbers"),
        vec![page("0"), page("1")],
        "the page at offset 1 has no next link, so offset 2 is never asked for"
    );

    let routes = env.client.routes();
    for alias in ["e2e page a", "e2e page b"] {
        routes
            .create(NewRoute::host("pbx.example.com", alias))
            .await
            .unwrap();
    }
    let all = routes.list().limit(2).all().await.unwrap();
    let ids: HashSet<&str> = all.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        (all.len(), ids.len()),
        (3, 3),
        "route 0 and the two created: {all:?}"
    );
    let page = |offset: &str| (Some("2".to_string()), Some(offset.to_string()));
    assert_eq!(
        pages_requested(&env.sim, "/v2/routes"),
        vec![page("0"), page("2")],
        "a short last page ends the list"
    );
}

// ---------------------------------------------------------------------------
// Real webhooks, received by flowroute::webhooks::Receiver
// ---------------------------------------------------------------------------

#[cfg(feature = "receiver")]
mod webhooks {
    use super::*;
    use axum::extract::Request;
    use axum::http::StatusCode;
    use axum::middleware::{self, Next};
    use axum::response::IntoResponse;
    use flowroute::MessageId;
    use flowroute::webhooks::{DeliveryReceiptEvent, Event, Receiver};
    use flowroute_sim::{InboundMessage as Arriving, WebhookDelivery};
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    type Seen = Arc<Mutex<Vec<Event>>>;
    /// Handler calls per receipt: (message id, level).
    type Attempts = Arc<Mutex<HashMap<(String, Option<i32>), u32>>>;

    /// Serves `app` on 127.0.0.1 and returns its base URL.
    async fn serve(app: axum::Router) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    }

    /// A receiver that records every event it is handed.
    async fn recording_receiver() -> (Seen, String) {
        let seen = Seen::default();
        let store = seen.clone();
        let app = Receiver::new(move |event: Event| {
            let store = store.clone();
            async move {
                store.lock().unwrap().push(event);
                Ok::<(), String>(())
            }
        })
        .into_router();
        (seen, serve(app).await)
    }

    /// The receipts of one message among the events, in arrival order.
    fn receipts(seen: &Seen, id: &MessageId) -> Vec<DeliveryReceiptEvent> {
        seen.lock()
            .unwrap()
            .iter()
            .filter_map(|event| match event {
                Event::DeliveryReceipt(r) if &r.message_id == id => Some(r.clone()),
                _ => None,
            })
            .collect()
    }

    /// Waits for both receipts of a message.
    async fn both_receipts(seen: &Seen, id: &MessageId) -> Vec<DeliveryReceiptEvent> {
        eventually(&format!("the level 1 and 2 receipts of {id}"), || {
            let got = receipts(seen, id);
            std::future::ready((got.len() >= 2).then_some(got))
        })
        .await
    }

    fn deliveries_of(sim: &Simulator, id: &MessageId) -> Vec<WebhookDelivery> {
        sim.webhook_deliveries()
            .into_iter()
            .filter(|d| d.mdr_id == id.as_str())
            .collect()
    }

    /// The simulator's webhook log once it holds `count` deliveries, all
    /// acknowledged: the handler runs before the answer reaches the simulator,
    /// so an event seen by the handler may not be recorded as delivered yet.
    async fn acknowledged(sim: &Simulator, count: usize) -> Vec<WebhookDelivery> {
        eventually(&format!("{count} acknowledged webhooks"), || {
            let all = sim.webhook_deliveries();
            let done = all.len() == count && all.iter().all(|d| d.delivered);
            std::future::ready(done.then_some(all))
        })
        .await
    }

    #[tokio::test]
    async fn delivery_receipts_of_a_sent_sms_reach_the_dlr_callback_at_levels_1_and_2() {
        let env = Env::start().await;
        let (seen, url) = recording_receiver().await;
        let messages = env.client.messages();
        messages
            .set_account_callback(CallbackType::SmsDlrCallback, &url)
            .await
            .unwrap();
        let from = env.first_number().await;
        let to: PhoneNumber = "12065550100".parse().unwrap();

        let id = messages
            .send(Message::sms(from.clone(), to.clone(), "ping"))
            .await
            .unwrap();
        let got = both_receipts(&seen, &id).await;
        assert_eq!(got.len(), 2, "one receipt per level: {got:?}");
        assert_eq!(
            (got[0].level, got[0].status.as_str()),
            (Some(1), "smsc submit")
        );
        assert_eq!(
            (got[1].level, got[1].status.as_str()),
            (Some(2), "delivered")
        );
        assert_eq!(got[1].status_code.as_deref(), Some("1000"));
        assert!(
            got.iter().all(|r| r.body.as_deref() == Some("ping")),
            "{got:?}"
        );
        assert!(got.iter().all(|r| r.timestamp.is_some()), "{got:?}");

        // A message's own dlr_callback wins over the account's URL.
        let own = format!("{url}?for=message");
        let message = Message::sms(from, to, "pong").dlr_callback(own.clone());
        let other = messages.send(message).await.unwrap();
        let got = both_receipts(&seen, &other).await;
        let levels: Vec<Option<i32>> = got.iter().map(|r| r.level).collect();
        assert_eq!(levels, vec![Some(1), Some(2)]);
        acknowledged(&env.sim, 4).await;
        for (message, expected) in [(&id, &url), (&other, &own)] {
            let deliveries = deliveries_of(&env.sim, message);
            assert_eq!(deliveries.len(), 2, "{deliveries:?}");
            for delivery in deliveries {
                assert_eq!((delivery.kind.as_str(), &delivery.url), ("dlr", expected));
                assert_eq!(delivery.attempts, vec![Some(200)], "{delivery:?}");
            }
        }
    }

    /// The first inbound message with this id among the events.
    async fn inbound(seen: &Seen, id: &str) -> Event {
        eventually(&format!("the inbound message {id}"), || {
            let found = seen.lock().unwrap().iter().find_map(|event| match event {
                Event::InboundSms(m) | Event::InboundMms(m) if m.id.as_str() == id => {
                    Some(event.clone())
                }
                _ => None,
            });
            std::future::ready(found)
        })
        .await
    }

    #[tokio::test]
    async fn inbound_sms_and_mms_reach_their_callback_urls_as_typed_events_the_numbers_url_first() {
        let env = Env::start().await;
        let token = "e2e-0123456789abcdef";
        let seen = Seen::default();
        let store = seen.clone();
        let app = Receiver::new(move |event: Event| {
            let store = store.clone();
            async move {
                store.lock().unwrap().push(event);
                Ok::<(), String>(())
            }
        })
        .token(token)
        .unwrap()
        .into_router();
        let url = format!("{}{token}", serve(app).await);
        let messages = env.client.messages();
        messages
            .set_account_callback(CallbackType::SmsCallback, &url)
            .await
            .unwrap();
        messages
            .set_account_callback(CallbackType::MmsCallback, &url)
            .await
            .unwrap();
        let numbers = env.account_numbers().await;
        let to = numbers[0].clone();

        let id = env
            .sim
            .inbound(Arriving::sms("12065550100", to.as_str(), "hi there"))
            .unwrap();
        let Event::InboundSms(sms) = inbound(&seen, &id).await else {
            panic!("an SMS without media is an InboundSms event");
        };
        assert_eq!(sms.from.as_str(), "12065550100");
        assert_eq!(sms.to, to);
        assert_eq!(sms.body.as_deref(), Some("hi there"));
        assert_eq!(sms.direction, MessageDirection::Inbound);
        assert_eq!(sms.status, "delivered");
        assert!(!sms.is_mms && sms.media.is_empty());
        assert_eq!(sms.message_callback_url.as_deref(), Some(url.as_str()));
        let record = messages.get(id.as_str()).await.unwrap();
        assert_eq!(record.direction, MessageDirection::Inbound);
        assert_eq!(record.body.as_deref(), Some("hi there"));

        let media = vec![
            "https://media.example.com/a/cat.png".to_string(),
            "https://media.example.com/b/clip.mp4".to_string(),
        ];
        let id = env
            .sim
            .inbound(Arriving::mms(
                "12065550100",
                to.as_str(),
                Some("look".into()),
                media.clone(),
            ))
            .unwrap();
        let Event::InboundMms(mms) = inbound(&seen, &id).await else {
            panic!("a message with media is an InboundMms event");
        };
        assert!(mms.is_mms);
        assert_eq!(mms.body.as_deref(), Some("look"));
        let urls: Vec<Option<&str>> = mms.media.iter().map(|m| m.url.as_deref()).collect();
        assert_eq!(
            urls,
            vec![Some(media[0].as_str()), Some(media[1].as_str())],
            "in order"
        );
        let types: Vec<Option<&str>> = mms.media.iter().map(|m| m.mime_type.as_deref()).collect();
        assert_eq!(types, vec![Some("image/png"), Some("video/mp4")]);
        assert_eq!(mms.media[0].file_name.as_deref(), Some("cat.png"));

        // A number's own URL wins over the account's.
        let other = numbers[1].clone();
        let own = format!("{url}?for=number");
        messages
            .set_number_callback(&other, CallbackType::SmsCallback, &own)
            .await
            .unwrap();
        let id = env
            .sim
            .inbound(Arriving::sms("12065550100", other.as_str(), "to the other"))
            .unwrap();
        let Event::InboundSms(sms) = inbound(&seen, &id).await else {
            panic!("an SMS without media is an InboundSms event");
        };
        assert_eq!(
            (sms.to.as_str(), sms.message_callback_url.as_deref()),
            (other.as_str(), Some(own.as_str()))
        );
        let urls: Vec<String> = acknowledged(&env.sim, 3)
            .await
            .into_iter()
            .map(|d| format!("{} {} {:?}", d.kind, d.url, d.attempts))
            .collect();
        assert_eq!(
            urls,
            vec![
                format!("sms {url} [Some(200)]"),
                format!("mms {url} [Some(200)]"),
                format!("sms {own} [Some(200)]"),
            ]
        );
    }

    #[tokio::test]
    async fn a_handler_that_fails_the_first_time_gets_the_retry_and_handles_each_receipt_once() {
        let env = Env::start().await;
        let calls: Attempts = Arc::default();
        let handled = Seen::default();
        let (count, store) = (calls.clone(), handled.clone());
        let app = Receiver::new(move |event: Event| {
            let (count, store) = (count.clone(), store.clone());
            async move {
                let Event::DeliveryReceipt(receipt) = &event else {
                    return Err(format!("unexpected {event:?}"));
                };
                let key = (receipt.message_id.to_string(), receipt.level);
                let attempt = {
                    let mut count = count.lock().unwrap();
                    let n = count.entry(key).or_default();
                    *n += 1;
                    *n
                };
                if attempt == 1 {
                    return Err("the database is down".to_string());
                }
                store.lock().unwrap().push(event);
                Ok(())
            }
        })
        .into_router();
        let url = serve(app).await;
        let messages = env.client.messages();
        messages
            .set_account_callback(CallbackType::SmsDlrCallback, &url)
            .await
            .unwrap();
        let from = env.first_number().await;
        let id = messages
            .send(Message::sms(
                from,
                "12065550100".parse().unwrap(),
                "retry me",
            ))
            .await
            .unwrap();

        both_receipts(&handled, &id).await;
        let delivered = eventually("both deliveries to be acknowledged", || {
            let deliveries = deliveries_of(&env.sim, &id);
            let done = deliveries.len() == 2 && deliveries.iter().all(|d| d.delivered);
            std::future::ready(done.then_some(deliveries))
        })
        .await;
        for delivery in delivered {
            assert_eq!(
                delivery.attempts,
                vec![Some(500), Some(200)],
                "{delivery:?}"
            );
        }
        // Longer than a retry interval: nothing more arrives once acknowledged.
        tokio::time::sleep(ms(120)).await;
        let levels: Vec<Option<i32>> = receipts(&handled, &id).iter().map(|r| r.level).collect();
        assert_eq!(
            levels,
            vec![Some(1), Some(2)],
            "each receipt handled exactly once"
        );
        let calls = calls.lock().unwrap().clone();
        assert_eq!(calls.len(), 2, "{calls:?}");
        assert!(
            calls.values().all(|n| *n == 2),
            "one failure and one success each: {calls:?}"
        );
    }

    #[tokio::test]
    async fn a_resend_after_a_lost_acknowledgement_is_acknowledged_without_handling_again() {
        let env = Env::start().await;
        let handled = Seen::default();
        let failed_once = Arc::new(AtomicBool::new(false));
        let store = handled.clone();
        let receiver = Receiver::new(move |event: Event| {
            let (store, failed_once) = (store.clone(), failed_once.clone());
            async move {
                if !failed_once.swap(true, Ordering::SeqCst) {
                    return Err("the database is down".to_string());
                }
                store.lock().unwrap().push(event);
                Ok::<(), String>(())
            }
        });
        // The first 200 the receiver gives never reaches Flowroute (a proxy
        // timing out, say): the simulator sees a 502 and sends the event again.
        let lost = Arc::new(AtomicBool::new(false));
        let lose_first_ack = move |request: Request, next: Next| {
            let lost = lost.clone();
            async move {
                let response = next.run(request).await;
                if response.status() == StatusCode::OK && !lost.swap(true, Ordering::SeqCst) {
                    return StatusCode::BAD_GATEWAY.into_response();
                }
                response
            }
        };
        let app = receiver
            .into_router()
            .layer(middleware::from_fn(lose_first_ack));
        let url = serve(app).await;
        env.client
            .messages()
            .set_account_callback(CallbackType::SmsCallback, &url)
            .await
            .unwrap();
        let to = env.first_number().await;
        let id = env
            .sim
            .inbound(Arriving::sms("12065550100", to.as_str(), "exactly once"))
            .unwrap();

        let delivery = eventually("the inbound SMS to be acknowledged", || {
            let done = env
                .sim
                .webhook_deliveries()
                .into_iter()
                .find(|d| d.mdr_id == id && d.delivered);
            std::future::ready(done)
        })
        .await;
        assert_eq!(delivery.kind, "sms");
        assert_eq!(
            delivery.attempts,
            vec![Some(500), Some(502), Some(200)],
            "handler failed, then handled but the answer was lost, then a repeat"
        );
        let handled = handled.lock().unwrap().clone();
        assert_eq!(handled.len(), 1, "handled exactly once: {handled:?}");
        assert!(
            matches!(&handled[0], Event::InboundSms(m) if m.id.as_str() == id),
            "{handled:?}"
        );
    }
}
