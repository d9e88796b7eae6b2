//! CNAM (caller-ID name) records: submit a name, amend it while it awaits
//! approval, assign it to a number once approved, list records by approval,
//! then clean up.
//!
//! ```sh
//! cargo run -p flowroute --example cnam
//! ```
//!
//! Without `FR_ACCESS_KEY`/`FR_SECRET_KEY` it runs against a simulator started
//! in-process, which approves the record at once. With them it uses your
//! account: submitting a name costs money and runs only with `FR_DEMO_SPEND=1`;
//! Flowroute reviews it for up to 48 hours, so the example deletes it again
//! without assigning it to your numbers.

mod common;

use common::{Target, run_example, skipped};
use flowroute::{Client, Error};
use futures_util::TryStreamExt;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    run_example("CNAM", run).await
}

async fn run(client: Client, target: &Target) -> Result<(), Box<dyn std::error::Error>> {
    let client = &client;
    let cnams = client.cnams();

    // Names are checked against Flowroute's rules before anything is sent.
    for name in ["BOB#LAW", "THE VERY LONG NAME INC"] {
        match cnams.create(name).await {
            Err(Error::InvalidInput { reason, .. }) => println!("✓ refused locally: {reason}"),
            other => return Err(format!("{name} should be refused, got {other:?}").into()),
        }
    }
    let record = match target.permit() {
        Ok(permit) => {
            let record = cnams.create("EXAMPLE CO").await?;
            permit.created(&record.id, format!("CNAM record {}", record.id));
            permit.spent_on(format!("CNAM record {}", record.id));
            println!(
                "✓ submitted “{}” as {} (approved: {})",
                record.value, record.id, record.is_approved
            );
            let record = cnams.update(&record.id, "EXAMPLE INC").await?;
            println!(
                "✓ amended {} to “{}” while it awaits review",
                record.id, record.value
            );
            Some((record, permit))
        }
        Err(refused) => {
            skipped("submitting a name", refused);
            None
        }
    };

    // Every number on a real account was there before this run.
    match (&record, target.simulator()) {
        (Some((record, _)), Some(sim)) => {
            let mut page = client.numbers().list().limit(1).page().await?;
            let number = page
                .items
                .pop()
                .ok_or("the account has no phone number")?
                .number;
            // Only approved records can be assigned: Flowroute answers 422.
            match cnams.assign(&number, &record.id).await {
                Err(e) if e.status().is_some_and(|s| s == 422) => {
                    let detail = e.api().and_then(|api| api.errors.first()?.detail.clone());
                    println!(
                        "✓ assigning before approval was refused: {}",
                        detail.map(|d| d.to_string()).unwrap_or_default()
                    );
                }
                Err(e) => return Err(e.into()),
                Ok(_) => return Err("Flowroute assigned a record still awaiting approval".into()),
            }
            sim.approve_cnam(record.id.as_str())?;
            cnams.assign(&number, &record.id).await?;
            let presented = cnams.get(&record.id).await?.numbers;
            let presented: Vec<String> = presented.iter().map(ToString::to_string).collect();
            println!("✓ approved, then presented by {}", presented.join(", "));
            cnams.unassign(&number).await?;
        }
        (Some(_), None) => skipped(
            "assigning the name",
            "Flowroute reviews it for up to 48 hours, and your numbers were there before this run",
        ),
        (None, _) => {}
    }

    // A filtered list, streamed across pages.
    let mut approved = std::pin::pin!(cnams.list().is_approved(true).max_items(5).items());
    while let Some(found) = approved.try_next().await? {
        let since = found
            .approved_at()
            .map(|t| t.format("%Y-%m-%d").to_string());
        println!(
            "✓ approved: “{}” ({}, since {})",
            found.value,
            found.id,
            since.unwrap_or_default()
        );
    }

    if let Some((record, permit)) = record {
        cnams.delete(&record.id).await?;
        permit.undone(&record.id);
        println!("✓ deleted record {}", record.id);
    }
    Ok(())
}
