//! Phone numbers: browse Flowroute's inventory with filters, buy a number,
//! stream the numbers on the account, and tell bad input from API refusals.
//!
//! ```sh
//! cargo run -p flowroute --example numbers
//! ```
//!
//! Without `FR_ACCESS_KEY`/`FR_SECRET_KEY` it runs against a simulator started
//! in-process. With them it uses your account and only reads, unless
//! `FR_DEMO_SPEND=1`: then it buys the cheapest number found, renames that
//! number (and no other), and ends with what it cost.

mod common;

use common::{Target, cheapest, run_example, skipped};
use flowroute::numbers::{AvailableNumberType, SearchOrderBy};
use flowroute::{Client, Error};
use futures_util::TryStreamExt;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    run_example("Numbers", run).await
}

async fn run(client: Client, target: &Target) -> Result<(), Box<dyn std::error::Error>> {
    let client = &client;
    let numbers = client.numbers();

    // `max_items` caps the whole list, across pages; `all()` collects it.
    let codes = numbers
        .area_codes()
        .max_setup_cost(1.0)
        .max_items(5)
        .all()
        .await?;
    let codes: Vec<&str> = codes.iter().map(|c| c.code.as_str()).collect();
    println!(
        "✓ area codes with numbers at ≤ $1.00 setup: {}",
        codes.join(", ")
    );

    let area_code = codes.first().copied().unwrap_or("206");
    let found = numbers
        .search()
        .starts_with(area_code)
        .number_type(AvailableNumberType::Longcode)
        .order_by(SearchOrderBy::MonthlyCost)
        .limit(3)
        .page()
        .await?;
    for n in &found.items {
        let monthly = n.monthly_cost.unwrap_or_default();
        let place = n.rate_center.as_deref().unwrap_or("?");
        println!("✓ for sale: {} in {place}, ${monthly:.2}/month", n.number);
    }
    if let Some(next) = found.next_offset {
        println!("  … more for sale (the next page starts at offset {next})");
    }

    match (cheapest(&found.items), target.permit()) {
        (None, _) => skipped("buying", "the search found no number with a price"),
        (Some(_), Err(refused)) => skipped("buying", refused),
        (Some((pick, setup, monthly)), Ok(permit)) => {
            let purchase = numbers.purchase(&pick.number).messaging_enabled(true);
            let change = purchase.await?;
            permit.bought(&pick.number, setup, monthly);
            let messaging = if change.messaging_provisioning_failed {
                "could not be enabled"
            } else {
                "enabled"
            };
            println!(
                "✓ bought {}, the cheapest found (messaging {messaging})",
                pick.number
            );
            // Renaming is a change too, but only of the number just bought.
            let renamed = numbers
                .update(&pick.number)
                .alias("examples/numbers")
                .await?;
            let alias = renamed.details.attributes.alias.unwrap_or_default();
            println!("✓ {} is now called “{alias}”", pick.number);
        }
    }

    // `items()` streams the list, fetching the next page only when needed.
    let mut mine = std::pin::pin!(numbers.list().limit(2).max_items(10).items());
    let mut first = None;
    while let Some(n) = mine.try_next().await? {
        let alias = n.alias.as_deref().unwrap_or("no alias");
        println!(
            "✓ on the account: {} ({}, {alias})",
            n.number, n.number_type
        );
        first.get_or_insert(n.number);
    }

    if let Some(number) = first {
        let details = numbers.get(&number).await?;
        let route = details
            .primary_route
            .map_or("none".into(), |r| r.to_string());
        let e911 = details
            .e911_address
            .map_or("none".into(), |id| id.to_string());
        println!("✓ {number}: primary route {route}, E911 address {e911}");
    }

    // Bad input is refused before anything is sent.
    match numbers.get("206-555-CALL").await {
        Err(Error::InvalidInput { field, reason }) => {
            println!("✓ refused locally: {field} {reason}")
        }
        Err(e) => return Err(e.into()),
        Ok(_) => return Err("a malformed number was looked up instead of refused".into()),
    }
    // Flowroute's refusals carry the HTTP status and its JSON:API errors.
    match numbers.get("12065550199").await {
        Err(e) if e.status().is_some_and(|s| s == 404) => {
            let detail = e.api().and_then(|api| api.errors.first()?.detail.as_ref());
            let detail = detail.map_or(String::new(), |d| format!(": {d}"));
            println!("✓ 12065550199 is not on the account (404{detail})");
        }
        Err(e) => return Err(e.into()),
        Ok(_) => println!("– 12065550199 is on your account after all"),
    }
    Ok(())
}
