//! E911 addresses: build one, have Flowroute validate it, save it, assign it
//! to a number, list addresses and the numbers using one, then clean up.
//!
//! ```sh
//! cargo run -p flowroute --example e911
//! ```
//!
//! Without `FR_ACCESS_KEY`/`FR_SECRET_KEY` it runs against a simulator started
//! in-process. With them it uses your account: validation is free, but saving
//! an address costs money and runs only with `FR_DEMO_SPEND=1`; the example
//! address is deleted at the end and never assigned to your real numbers.

mod common;

use common::{Target, run_example, skipped};
use flowroute::e911::{E911AddressType, E911Country, NewE911Address};
use flowroute::{Client, Error};
use futures_util::TryStreamExt;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    run_example("E911", run).await
}

async fn run(client: Client, target: &Target) -> Result<(), Box<dyn std::error::Error>> {
    let client = &client;
    let e911s = client.e911s();
    let office = NewE911Address::new()
        .label(format!("examples/e911 {}", chrono::Utc::now().timestamp()))
        .first_name("Albus")
        .last_name("Rasputin, Jr.")
        .street_number("666")
        .street_name("Main St")
        .city("Seattle")
        .state("WA")
        .country(E911Country::Us)
        .zip("98101")
        .unit(E911AddressType::Suite, "333");

    // Every field is checked locally first; the first one missing is named.
    match e911s.validate(&office.clone().zip("")).await {
        Err(Error::InvalidInput { field, reason }) => {
            println!("✓ refused locally: {field} {reason}")
        }
        other => return Err(format!("an empty ZIP code should be refused, got {other:?}").into()),
    }
    // Flowroute's own refusals: 400 when it cannot find the address.
    match e911s
        .validate(&office.clone().street_name("Nowhere Rd"))
        .await
    {
        Err(e) if e.status().is_some_and(|s| s == 400) => {
            let detail = e.api().and_then(|api| api.errors.first()?.detail.as_ref());
            let detail = detail.map(ToString::to_string).unwrap_or_default();
            println!("✓ Nowhere Rd was refused by Flowroute: {detail}");
        }
        Err(e) => return Err(e.into()),
        Ok(()) => println!("– Flowroute found Nowhere Rd after all"),
    }
    e911s.validate(&office).await?;
    println!("✓ 666 Main St, Suite 333, Seattle is a valid emergency address");

    let saved = match target.permit() {
        Ok(permit) => {
            let saved = e911s.create(office).await?;
            permit.created(&saved.id, format!("E911 address {}", saved.id));
            permit.spent_on(format!("E911 address {}", saved.id));
            println!(
                "✓ saved as {}: {} {}, {}",
                saved.id, saved.street_number, saved.street_name, saved.city
            );
            let saved = e911s.update(&saved.id).first_name("Minerva").await?;
            println!(
                "✓ address {} now names {} {}",
                saved.id, saved.first_name, saved.last_name
            );
            Some((saved, permit))
        }
        Err(refused) => {
            skipped("saving an address", refused);
            None
        }
    };

    // Filters narrow the list; `max_items` caps it across pages.
    let mut listed = std::pin::pin!(
        e911s
            .list()
            .state("WA")
            .city("seattle")
            .max_items(5)
            .items()
    );
    while let Some(address) = listed.try_next().await? {
        println!("✓ on file in Seattle: {} ({})", address.label, address.id);
    }

    let Some((saved, permit)) = saved else {
        return Ok(());
    };
    // Every number on a real account was there before this run, and a
    // made-up address on one would misdirect its 911 calls.
    if target.simulator().is_some() {
        let mut page = client.numbers().list().limit(1).page().await?;
        let number = page
            .items
            .pop()
            .ok_or("the account has no phone number")?
            .number;
        e911s.assign(&number, &saved.id).await?;
        let mut users = std::pin::pin!(e911s.numbers(&saved.id).items());
        while let Some(user) = users.try_next().await? {
            let shown = user.number.map_or(user.id, |n| n.to_string());
            println!("✓ {shown} dials 911 from address {}", saved.id);
        }
        // An address in use cannot be deleted: take it off the number first.
        e911s.remove_from_number(&number).await?;
    } else {
        skipped(
            "assigning the address",
            "a made-up address on your number would misdirect 911 calls",
        );
    }
    e911s.delete(&saved.id).await?;
    permit.undone(&saved.id);
    println!("✓ deleted address {}", saved.id);
    Ok(())
}
