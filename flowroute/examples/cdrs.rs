//! Call detail records: request an export of the last 7 days, follow it until
//! Flowroute has built it, then stream its calls as they download.
//!
//! ```sh
//! cargo run -p flowroute --example cdrs
//! ```
//!
//! Without `FR_ACCESS_KEY`/`FR_SECRET_KEY` it runs against a simulator started
//! in-process. With them it uses your account and only reads, downloading the
//! newest export already built, unless `FR_DEMO_SPEND=1`: then it requests a
//! new one (free, but it adds an export to the account), which can take
//! Flowroute a few minutes to build.

mod common;

use chrono::{Duration, Utc};
use common::{Permit, Target, run_example, skipped};
use flowroute::Client;
use flowroute::cdrs::{CdrExport, CdrExportStatus, CdrFilter};
use futures_util::TryStreamExt;
use std::process::ExitCode;

/// How many times to ask about the export before giving up.
const MAX_POLLS: u32 = 60;

#[tokio::main]
async fn main() -> ExitCode {
    run_example("CDRs", run).await
}

async fn run(client: Client, target: &Target) -> Result<(), Box<dyn std::error::Error>> {
    let client = &client;
    let cdrs = client.cdrs();
    let export = match target.permit() {
        Ok(permit) => Some(request_export(client, target, permit).await?),
        Err(refused) => {
            skipped("requesting an export", refused);
            // One already built costs nothing and changes nothing to read.
            let built = cdrs
                .list()
                .status(CdrExportStatus::Completed)
                .max_items(50)
                .all()
                .await?;
            built
                .into_iter()
                .filter(|e| e.download_url.is_some())
                .max_by(|a, b| a.requested_at.cmp(&b.requested_at))
        }
    };
    match export {
        Some(export) => download(client, &export).await?,
        None => skipped("downloading", "the account has no completed export to read"),
    }

    let completed = cdrs
        .list()
        .status(CdrExportStatus::Completed)
        .max_items(50)
        .all()
        .await?;
    println!("✓ {} completed export(s) on the account", completed.len());
    Ok(())
}

/// Asks Flowroute for an export of the last 7 days and waits until it is built.
async fn request_export(
    client: &Client,
    target: &Target,
    permit: Permit<'_>,
) -> Result<CdrExport, Box<dyn std::error::Error>> {
    let cdrs = client.cdrs();
    let now = Utc::now();
    let week = CdrFilter::new(now - Duration::days(7), now);
    let mut export = cdrs.create(week).await?;
    permit.created(
        &export.id,
        format!("CDR export {} (free; Flowroute expires it)", export.id),
    );
    println!(
        "✓ requested export {} of the calls since {}",
        export.id,
        (now - Duration::days(7)).format("%Y-%m-%d %H:%M")
    );

    let pause = match target.simulator() {
        Some(_) => std::time::Duration::from_millis(100),
        None => std::time::Duration::from_secs(5),
    };
    let mut polls = 0;
    while export.status != CdrExportStatus::Completed {
        if export.status == CdrExportStatus::Failed {
            return Err(format!("Flowroute could not build export {}", export.id).into());
        }
        if polls == MAX_POLLS {
            return Err(format!(
                "export {} is still {} after {polls} checks; try again later",
                export.id, export.status
            )
            .into());
        }
        polls += 1;
        tokio::time::sleep(pause).await;
        export = cdrs.get(&export.id).await?;
        println!("✓ check {polls}: export {} is {}", export.id, export.status);
    }
    Ok(export)
}

/// Streams the export's calls, printing the first few.
async fn download(client: &Client, export: &CdrExport) -> Result<(), Box<dyn std::error::Error>> {
    let cdrs = client.cdrs();
    let calls = export.num_calls.unwrap_or_default();
    let cost = export.total_cost.as_deref().unwrap_or("?");
    println!(
        "✓ export {} holds {calls} calls costing ${cost} in all\n",
        export.id
    );

    // The file is read as it downloads; memory stays flat however large it is.
    let mut records = std::pin::pin!(cdrs.download(export));
    println!(
        "  {:<20} {:<9} {:<12} {:>6} {:>10}",
        "started (UTC)", "direction", "to", "secs", "cost"
    );
    let mut total = 0;
    while let Some(call) = records.try_next().await? {
        total += 1;
        if total <= 5 {
            let started = call
                .start_time
                .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string());
            let direction = call.direction.as_ref().map(ToString::to_string);
            println!(
                "  {:<20} {:<9} {:<12} {:>6} {:>10}",
                started.unwrap_or_default(),
                direction.unwrap_or_default(),
                call.destination.as_deref().unwrap_or(""),
                call.duration.map_or(0, |d| d.as_secs()),
                call.total_cost.as_deref().unwrap_or(""),
            );
        }
    }
    if total > 5 {
        println!("  … and {} more", total - 5);
    }
    println!("\n✓ {total} call records downloaded");
    Ok(())
}
