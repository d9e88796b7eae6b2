//! Porting: ask which numbers could move to Flowroute, and list the
//! account's port orders.
//!
//! ```sh
//! cargo run -p flowroute --example porting
//! ```
//!
//! Without `FR_ACCESS_KEY`/`FR_SECRET_KEY` it runs against a simulator started
//! in-process. With them it uses your account; nothing here costs money or
//! changes the account (the check is a read), so it does the same with or
//! without `FR_DEMO_SPEND`. Check your own numbers by listing them in
//! `FR_PORT_NUMBERS`, separated by commas.

mod common;

use common::{Target, run_example};
use flowroute::{Client, Error, PhoneNumber};
use futures_util::TryStreamExt;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    run_example("Porting", run).await
}

async fn run(client: Client, _target: &Target) -> Result<(), Box<dyn std::error::Error>> {
    let client = &client;
    let porting = client.porting();

    // Numbers are read the way people write them; a bad one stops the check
    // before anything is sent.
    match porting.check(["+1 (425) 208-1174", "call me maybe"]).await {
        Err(Error::InvalidInput { field, reason }) => {
            println!("✓ refused locally: {field} {reason}")
        }
        other => return Err(format!("a malformed number should be refused, got {other:?}").into()),
    }

    let mut candidates: Vec<String> = match std::env::var("FR_PORT_NUMBERS") {
        Ok(list) => list.split(',').map(|n| n.trim().to_string()).collect(),
        Err(_) => ["+1 (425) 208-1174", "206.867.5309", "312-555-0142"]
            .map(String::from)
            .into(),
    };
    // A number already on Flowroute shows up as HyperNetwork-enabled.
    if let Some(mine) = client.numbers().list().limit(1).page().await?.items.pop() {
        candidates.push(mine.number.to_string());
    }
    let report = porting.check(&candidates).await?;
    let show = |numbers: &[PhoneNumber]| match numbers {
        [] => "none".to_string(),
        some => some
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    };
    println!("✓ checked {} numbers", candidates.len());
    println!("✓ portable: {}", show(&report.portable));
    println!("✓ not portable: {}", show(&report.nonportable));
    println!(
        "✓ already on Flowroute's HyperNetwork: {}",
        show(&report.hypernetwork_enabled)
    );

    // Port orders: their content is undocumented, so attributes stay as sent.
    let mut orders = std::pin::pin!(porting.orders().max_items(10).items());
    let mut count = 0;
    while let Some(order) = orders.try_next().await? {
        let status = order.attributes.get("status").and_then(|s| s.as_str());
        println!(
            "✓ port order {} ({})",
            order.id,
            status.unwrap_or("status not given")
        );
        count += 1;
    }
    println!("✓ {count} port order(s) on the account");
    Ok(())
}
