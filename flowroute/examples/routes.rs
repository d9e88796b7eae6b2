//! Inbound voice routes: create routes with the `NewRoute` builders, list them
//! by type, rename one, point a number's calls at them, and delete them again.
//!
//! ```sh
//! cargo run -p flowroute --example routes
//! ```
//!
//! Without `FR_ACCESS_KEY`/`FR_SECRET_KEY` it runs against a simulator started
//! in-process. With them it uses your account: the routes it creates are
//! deleted at the end, and it leaves your numbers' routing alone.

mod common;

use common::{Target, run_example};
use flowroute::Client;
use flowroute::routes::{NewRoute, RouteType};
use futures_util::TryStreamExt;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    run_example("Routes", run).await
}

async fn run(client: Client, target: Target) -> Result<(), Box<dyn std::error::Error>> {
    let (client, target) = (&client, &target);
    let routes = client.routes();

    let edges = routes.edge_strategies().await?;
    let names: Vec<String> = edges
        .iter()
        .map(|e| format!("{} {}", e.id, e.name.as_deref().unwrap_or("?")))
        .collect();
    println!("✓ edge strategies: {}", names.join(", "));

    // Aliases must be unique on the account.
    let tag = chrono::Utc::now().timestamp_subsec_micros();
    let mut office = NewRoute::host("sip.example.com:5060", format!("office {tag}"));
    if let Some(edge) = edges.first() {
        office = office.edge_strategy_id(edge.id);
    }
    let office = routes.create(office).await?;
    let desk = NewRoute::uri(
        "sip:desk@pbx.example.com;transport=tls",
        format!("desk {tag}"),
    );
    let desk = routes.create(desk).await?;
    for route in [&office, &desk] {
        let to = route.value.as_deref().unwrap_or("?");
        println!("✓ created {} route {} → {to}", route.route_type, route.id);
    }

    let alias = format!("front desk {tag}");
    let renamed = routes.update(&desk.id).alias(&alias).send().await?;
    println!("✓ route {} is now “{alias}”", renamed.id);

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

    if let Target::Simulator(_) = target {
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
        println!("– routing a number skipped: it would send your calls to example hosts");
    }

    routes.delete(&office.id).await?;
    routes.delete(&desk.id).await?;
    println!("✓ deleted routes {} and {}", office.id, desk.id);
    Ok(())
}
