//! Every step of the official Python SDK's README, in order, with this SDK.
//!
//! ```sh
//! cargo run -p flowroute --example demo
//! ```
//!
//! Without `FR_ACCESS_KEY`/`FR_SECRET_KEY` it runs against a simulator started
//! in-process. With them it uses your account (or `FLOWROUTE_BASE_URL`) and
//! only reads, saying which steps it skipped, unless `FR_DEMO_SPEND=1`. Then it
//! buys the cheapest number the search found, creates two routes to a host
//! under example.com (or `FR_DEMO_ROUTE_HOST`), makes them that number's
//! primary and failover routes, sends an MMS to `FR_MOBILE_NUMBER`, and ends
//! with what it left on the account and what it cost. It never changes a
//! number or route that was there before.

mod common;

use chrono::{Duration, Utc};
use common::{Target, cheapest, route_host, run_example};
use flowroute::messages::{Message, MessageStatus};
use flowroute::routes::NewRoute;
use flowroute::{Client, Error, MessageId, PhoneNumber};
use std::fmt::Display;
use std::process::ExitCode;

/// Where the message goes when `FR_MOBILE_NUMBER` is unset (simulator only).
const SIMULATED_MOBILE: &str = "12065550100";

#[tokio::main]
async fn main() -> ExitCode {
    run_example("Flowroute SDK demo", run).await
}

/// A failed step, said in a sentence.
struct Failure(String);

impl Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn step<T>(name: &str, result: Result<T, Error>) -> Result<T, Failure> {
    result.map_err(|e| Failure(format!("{name} failed: {e}")))
}

fn done(n: u32, name: &str, outcome: impl Display) {
    println!("✓ {n:>2}. {name:<34} {outcome}");
}

fn skipped(n: u32, name: &str, why: impl Display) {
    println!("– {n:>2}. {name:<34} skipped: {why}");
}

fn list(items: impl IntoIterator<Item = impl Display>) -> String {
    let shown: Vec<String> = items.into_iter().map(|i| i.to_string()).collect();
    if shown.is_empty() {
        "(none)".into()
    } else {
        shown.join(", ")
    }
}

async fn run(client: Client, target: &Target) -> Result<(), Failure> {
    let client = &client;
    let numbers = client.numbers();

    let name = "list available area codes";
    let page = step(
        name,
        numbers
            .area_codes()
            .max_setup_cost(3.25)
            .limit(3)
            .page()
            .await,
    )?;
    done(
        1,
        name,
        format!(
            "{}{}",
            list(page.items.iter().map(|a| &a.code)),
            more(page.has_next())
        ),
    );

    let name = "list available exchange codes";
    let page = step(
        name,
        numbers.exchanges().area_code("347").limit(3).page().await,
    )?;
    done(
        2,
        name,
        format!(
            "{}{}",
            list(page.items.iter().map(|e| &e.code)),
            more(page.has_next())
        ),
    );

    let name = "search purchasable numbers";
    let page = step(
        name,
        numbers
            .search()
            .starts_with("646")
            .contains("3")
            .ends_with("7")
            .limit(3)
            .page()
            .await,
    )?;
    done(
        3,
        name,
        list(page.items.iter().map(|n| {
            let price = |cost: Option<f64>| cost.map_or("?".into(), |c| format!("${c:.2}"));
            format!(
                "{} ({} setup, {}/month)",
                n.number,
                price(n.setup_cost),
                price(n.monthly_cost)
            )
        })),
    );

    let name = "purchase a phone number";
    let mut purchased = None;
    match (cheapest(&page.items), target.permit()) {
        (None, _) => skipped(4, name, "the search found no number with a price to buy"),
        (Some(_), Err(refused)) => skipped(4, name, refused),
        (Some((candidate, setup, monthly)), Ok(permit)) => {
            let change = step(name, numbers.purchase(&candidate.number).await)?;
            let bought = change.details.attributes.number;
            permit.bought(&bought, setup, monthly);
            done(
                4,
                name,
                format!(
                    "bought {bought}, the cheapest found (${setup:.2} setup, ${monthly:.2}/month)"
                ),
            );
            purchased = Some(bought);
        }
    }

    let name = "list account phone numbers";
    let page = step(name, numbers.list().limit(3).page().await)?;
    done(5, name, list(page.items.iter().map(|n| &n.number)));
    // Reading details is harmless, so an existing number serves when none was
    // bought; routing below only ever touches the number bought in this run.
    let number_id = purchased
        .clone()
        .or_else(|| page.items.first().map(|n| n.number.clone()));

    let name = "list phone number details";
    match &number_id {
        None => skipped(6, name, "the account has no phone number to look at"),
        Some(number_id) => {
            let details = step(name, numbers.get(number_id).await)?;
            done(
                6,
                name,
                format!(
                    "{} in {}, {} (primary route {})",
                    details.attributes.number,
                    details.attributes.rate_center.as_deref().unwrap_or("?"),
                    details
                        .attributes
                        .state
                        .as_deref()
                        .unwrap_or("?")
                        .to_uppercase(),
                    details
                        .primary_route
                        .as_ref()
                        .map_or("none".to_string(), |r| r.to_string())
                ),
            );
        }
    }

    let routes = client.routes();
    let name = "create an inbound route";
    let mut created = None;
    match (&purchased, target.permit()) {
        (_, Err(refused)) => skipped(7, name, refused),
        (None, Ok(_)) => skipped(7, name, "no number was bought in this run to route"),
        (Some(_), Ok(permit)) => {
            // Two routes of this run's own, so that failover is never the primary.
            let suffix = Utc::now().timestamp_subsec_nanos() % 1_000_000;
            let mut made = Vec::new();
            for role in ["primary", "failover"] {
                let host = route_host(&format!("demo{suffix}-{role}"));
                let new_route = NewRoute::host(&host, format!("demo {role} {suffix}"));
                let route = step(name, routes.create(new_route).await)?;
                permit.created(&route.id, format!("route {} → {host}", route.id));
                made.push(route);
            }
            done(
                7,
                name,
                list(
                    made.iter()
                        .map(|r| format!("route {} → {}", r.id, r.value.as_deref().unwrap_or(""))),
                ),
            );
            created = Some((made[0].id.clone(), made[1].id.clone()));
        }
    }

    let name = "list inbound routes";
    let page = step(name, routes.list().limit(3).page().await)?;
    done(
        8,
        name,
        list(
            page.items
                .iter()
                .map(|r| format!("{} ({})", r.id, r.route_type)),
        ),
    );

    let primary_name = "update primary voice route";
    let failover_name = "update failover voice route";
    match (&purchased, created, target.permit()) {
        (_, _, Err(refused)) => {
            skipped(9, primary_name, refused);
            skipped(10, failover_name, refused);
        }
        (Some(number), Some((primary, failover)), Ok(_)) => {
            step(primary_name, routes.set_primary(number, &primary).await)?;
            done(9, primary_name, format!("{number} → route {primary}"));
            step(failover_name, routes.set_failover(number, &failover).await)?;
            done(10, failover_name, format!("{number} → route {failover}"));
        }
        _ => {
            let why = "only a number bought in this run is routed, to routes made in this run";
            skipped(9, primary_name, why);
            skipped(10, failover_name, why);
        }
    }

    let messages = client.messages();
    let name = "send a message";
    let mut sent: Option<MessageId> = None;
    let mobile = match (std::env::var("FR_MOBILE_NUMBER"), target.simulator()) {
        (Ok(n), _) => Some(n),
        (Err(_), Some(_)) => Some(SIMULATED_MOBILE.to_string()),
        (Err(_), None) => None,
    };
    match (target.permit(), mobile, number_id) {
        (Err(refused), _, _) => skipped(11, name, refused),
        (Ok(_), None, _) => skipped(11, name, "set FR_MOBILE_NUMBER to the phone to send to"),
        (Ok(_), _, None) => skipped(11, name, "the account has no phone number to send from"),
        (Ok(permit), Some(to), Some(number_id)) => {
            let to =
                PhoneNumber::parse(&to).map_err(|e| Failure(format!("FR_MOBILE_NUMBER: {e}")))?;
            let mms = Message::mms(number_id, to.clone())
                .body("hello there")
                .media_url("http://s3.amazonaws.com/barkpost-assets/50+GIFs/37.gif");
            let message = step(name, messages.send(mms).await)?;
            permit.spent_on(format!("an MMS to {to}"));
            // Messages v2.2 says what the message cost.
            let price = message
                .price
                .as_ref()
                .and_then(|p| p.charged_cost)
                .map(|cost| format!(", charged ${cost}"))
                .unwrap_or_default();
            done(11, name, format!("MMS to {to}: {}{price}", message.id));
            sent = Some(message.id);
        }
    }

    let name = "look up a set of messages";
    let end = Utc::now() + Duration::minutes(1);
    let page = step(
        name,
        messages
            .list(end - Duration::days(30))
            .end(end)
            .limit(2)
            .page()
            .await,
    )?;
    done(
        12,
        name,
        list(
            page.items
                .iter()
                .map(|m| format!("{} {} ({})", m.id, m.direction, status(&m.status))),
        ),
    );

    let name = "look up a message detail record";
    match sent.or_else(|| page.items.first().map(|m| m.id.clone())) {
        None => skipped(13, name, "no message in the last 30 days to look up"),
        Some(id) => {
            let mdr = step(name, messages.get(&id).await)?;
            let cost = mdr
                .amount_display
                .clone()
                .unwrap_or_else(|| format!("{} nanodollars", mdr.amount_nanodollars));
            done(
                13,
                name,
                format!(
                    "{} {} → {}, {}, {cost}",
                    mdr.id,
                    mdr.from,
                    mdr.to,
                    status(&mdr.status)
                ),
            );
        }
    }
    println!("\nDone.");
    Ok(())
}

fn status(status: &Option<MessageStatus>) -> &str {
    status.as_ref().map_or("no status", MessageStatus::as_str)
}

fn more(has_next: bool) -> &'static str {
    if has_next { " (more available)" } else { "" }
}
