//! Inbound voice routes: create routes with the `NewRoute` builders, list them
//! by type, rename one, point a number's calls at them, and delete them again.
//!
//! ```sh
//! cargo run -p flowroute --example routes
//! ```
//!
//! Without `FR_ACCESS_KEY`/`FR_SECRET_KEY` it runs against a simulator started
//! in-process. With them it uses your account and only lists, unless
//! `FR_DEMO_SPEND=1`: then it creates two routes to a host under example.com
//! (or `FR_DEMO_ROUTE_HOST`), renames one and deletes both, and leaves your
//! numbers' routing alone.

mod common;

use common::{Permit, Target, route_host, run_example, skipped};
use flowroute::Client;
use flowroute::routes::{NewRoute, RouteType};
use futures_util::TryStreamExt;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    run_example("Routes", run).await
}

async fn run(client: Client, target: &Target) -> Result<(), Box<dyn std::error::Error>> {
    let client = &client;
    let routes = client.routes();

    let edges = routes.edge_strategies().await?;
    let names: Vec<String> = edges
        .iter()
        .map(|e| format!("{} {}", e.id, e.name.as_deref().unwrap_or("?")))
        .collect();
    println!("✓ edge strategies: {}", names.join(", "));

    match target.permit() {
        Ok(permit) => {
            create_and_delete(client, target, permit, edges.first().map(|e| e.id)).await?
        }
        Err(refused) => skipped("creating, renaming and deleting routes", refused),
    }

    // A filtered list, streamed: pages are fetched as the loop reads them.
    let hosts = routes
        .list()
        .route_type(RouteType::Host)
        .limit(20)
        .max_items(5);
    let mut hosts = std::pin::pin!(hosts.items());
    while let Some(route) = hosts.try_next().await? {
        let alias = route.alias.as_deref().unwrap_or("no alias");
        println!("✓ host route {} ({alias})", route.id);
    }
    Ok(())
}

/// Creates two routes, renames one, routes a number to them on the in-process
/// simulator only, and deletes both: the account ends as it began.
async fn create_and_delete(
    client: &Client,
    target: &Target,
    permit: Permit<'_>,
    edge: Option<i32>,
) -> Result<(), Box<dyn std::error::Error>> {
    let routes = client.routes();
    // Aliases must be unique on the account.
    let tag = chrono::Utc::now().timestamp_subsec_micros();
    let host = route_host("sip");
    let mut office = NewRoute::host(format!("{host}:5060"), format!("office {tag}"));
    if let Some(edge) = edge {
        office = office.edge_strategy_id(edge);
    }
    let office = routes.create(office).await?;
    permit.created(&office.id, format!("route {} (office {tag})", office.id));
    let desk = NewRoute::uri(
        format!("sip:desk@{host};transport=tls"),
        format!("desk {tag}"),
    );
    let desk = routes.create(desk).await?;
    permit.created(&desk.id, format!("route {} (desk {tag})", desk.id));
    for route in [&office, &desk] {
        let to = route.value.as_deref().unwrap_or("?");
        println!("✓ created {} route {} → {to}", route.route_type, route.id);
    }

    let alias = format!("front desk {tag}");
    let renamed = routes.update(&desk.id).alias(&alias).await?;
    println!("✓ route {} is now “{alias}”", renamed.id);

    // Every number on a real account was there before this run: only the
    // simulator's are ours to route.
    if target.simulator().is_some() {
        let mut page = client.numbers().list().limit(1).page().await?;
        let number = page
            .items
            .pop()
            .ok_or("the account has no phone number")?
            .number;
        routes.set_primary(&number, &office.id).await?;
        routes.set_failover(&number, &desk.id).await?;
        println!(
            "✓ {number} rings route {} first, then {}",
            office.id, desk.id
        );

        // Flowroute refuses to delete a route in use: a 403 with its reasons.
        match routes.delete(&office.id).await {
            Err(e) if e.status().is_some_and(|s| s == 403) => {
                let title = e.api().and_then(|api| api.errors.first()?.title.clone());
                println!(
                    "✓ deleting it while in use was refused: {}",
                    title.unwrap_or_default()
                );
            }
            Err(e) => return Err(e.into()),
            Ok(()) => return Err("Flowroute deleted a route still in use".into()),
        }
        routes.remove_primary(&number).await?;
        routes.remove_failover(&number).await?;
        println!("✓ {number} has no primary or failover route now");
    } else {
        skipped(
            "routing a number",
            "every number on your account was there before this run",
        );
    }

    for route in [&office, &desk] {
        routes.delete(&route.id).await?;
        permit.undone(&route.id);
    }
    println!("✓ deleted routes {} and {}", office.id, desk.id);
    Ok(())
}
