//! Every step of the official Python SDK's README, in order, with this SDK.
//!
//! ```sh
//! cargo run -p flowroute --example demo
//! ```
//!
//! Without `FR_ACCESS_KEY`/`FR_SECRET_KEY` it runs against a simulator started
//! in-process. With them it uses your account (or `FLOWROUTE_BASE_URL`); buying a
//! number and sending a message then run only with `FR_DEMO_SPEND=1`. The
//! destination of the message is `FR_MOBILE_NUMBER`.

mod common;

use chrono::{Duration, Utc};
use common::{Target, run_example};
use flowroute::messages::Message;
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

fn skipped(n: u32, name: &str, why: &str) {
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

async fn run(client: Client, target: Target) -> Result<(), Failure> {
    let (client, target) = (&client, &target);
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
            format!(
                "{} (${:.2} setup)",
                n.number,
                n.setup_cost.unwrap_or_default()
            )
        })),
    );

    let name = "purchase a phone number";
    let mut purchased = None;
    match (page.items.first(), target.may_spend()) {
        (None, _) => skipped(4, name, "the search found nothing to buy"),
        (Some(_), false) => skipped(
            4,
            name,
            "it costs money on a real account; set FR_DEMO_SPEND=1 to buy",
        ),
        (Some(candidate), true) => {
            let change = step(name, numbers.purchase(&candidate.number).send().await)?;
            done(4, name, format!("bought {}", change.details.number.number));
            purchased = Some(candidate.number.clone());
        }
    }

    let name = "list account phone numbers";
    let page = step(name, numbers.list().limit(3).page().await)?;
    done(5, name, list(page.items.iter().map(|n| &n.number)));
    let Some(number_id) = purchased.or_else(|| page.items.first().map(|n| n.number.clone())) else {
        return Err(Failure(
            "the account has no phone number to continue with; buy one first".into(),
        ));
    };

    let name = "list phone number details";
    let details = step(name, numbers.get(&number_id).await)?;
    done(
        6,
        name,
        format!(
            "{} in {}, {} (primary route {})",
            details.number.number,
            details.number.rate_center.as_deref().unwrap_or("?"),
            details
                .number
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

    let routes = client.routes();
    let name = "create an inbound route";
    let suffix = Utc::now().timestamp_subsec_nanos() % 1_000_000;
    let new_route = NewRoute::host(
        format!("demo{suffix}.sonsofodin.com"),
        format!("demo route {suffix}"),
    );
    let route = step(name, routes.create(new_route).await)?;
    done(
        7,
        name,
        format!(
            "route {} → {}",
            route.id,
            route.value.as_deref().unwrap_or("")
        ),
    );

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
    let primary = page.items.get(1).map_or(&route.id, |r| &r.id);
    let failover = page.items.get(2).map_or(&route.id, |r| &r.id);

    let name = "update primary voice route";
    step(name, routes.set_primary(&number_id, primary).await)?;
    done(9, name, format!("{number_id} → route {primary}"));

    let name = "update failover voice route";
    step(name, routes.set_failover(&number_id, failover).await)?;
    done(10, name, format!("{number_id} → route {failover}"));

    let messages = client.messages();
    let name = "send a message";
    let mut sent: Option<MessageId> = None;
    if !target.may_spend() {
        skipped(
            11,
            name,
            "it costs money on a real account; set FR_DEMO_SPEND=1 to send",
        );
    } else {
        let to = match (std::env::var("FR_MOBILE_NUMBER"), target) {
            (Ok(n), _) => n,
            (Err(_), Target::Simulator(_)) => SIMULATED_MOBILE.to_string(),
            (Err(_), Target::Account) => {
                return Err(Failure(
                    "send a message needs FR_MOBILE_NUMBER, the phone to send to".into(),
                ));
            }
        };
        let to = PhoneNumber::parse(&to).map_err(|e| Failure(format!("FR_MOBILE_NUMBER: {e}")))?;
        let mms = Message::mms(number_id.clone(), to.clone())
            .body("hello there")
            .media_url("http://s3.amazonaws.com/barkpost-assets/50+GIFs/37.gif");
        let id = step(name, messages.send(mms).await)?;
        done(11, name, format!("MMS to {to}: {id}"));
        sent = Some(id);
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
                .map(|m| format!("{} {} ({})", m.id, m.direction, m.status)),
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
                    mdr.id, mdr.from, mdr.to, mdr.status
                ),
            );
        }
    }
    println!("\nAll steps done.");
    Ok(())
}

fn more(has_next: bool) -> &'static str {
    if has_next { " (more available)" } else { "" }
}
