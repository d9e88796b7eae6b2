//! `flowroute routes …`: inbound voice routes and each number's primary and
//! failover route.

use super::checked;
use crate::context::{Ctx, ListArgs};
use crate::exit::CliError;
use crate::output::single;
use clap::{ArgGroup, Subcommand, ValueEnum};
use flowroute::routes::{NewRoute, RouteType};
use flowroute::{PhoneNumber, RouteId};
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The routes on the account
    #[command(after_help = "Example:\n  flowroute routes list --type host")]
    List {
        /// Only routes of this type (host, number, uri, sip-reg)
        #[arg(long = "type", value_name = "TYPE")]
        route_type: Option<String>,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Create a route, to use as a number's primary or failover
    #[command(
        after_help = "Examples:\n  flowroute routes create host pbx.example.com:5060 --alias office\n  flowroute routes create number 12065550100 --alias \"my cell\""
    )]
    Create {
        /// Where calls go: host (name or IP, optional :port), number, or uri (sip:…)
        #[arg(value_enum)]
        kind: Kind,
        /// The host, number or SIP URI
        value: String,
        /// Your unique name for the route
        #[arg(long)]
        alias: String,
        /// The edge calls leave from (see `routes edge-strategies`)
        #[arg(long, value_name = "ID")]
        edge_strategy: Option<i32>,
    },
    /// Change a route; every number using it follows (asks first)
    #[command(
        group(ArgGroup::new("change").required(true).multiple(true).args(["alias", "to", "edge_strategy"])),
        after_help = "Example:\n  flowroute routes update 98765 --to host pbx2.example.com:5060"
    )]
    Update {
        /// The route's id
        route: String,
        /// A new alias
        #[arg(long)]
        alias: Option<String>,
        /// A new destination: KIND VALUE (host, number or uri)
        #[arg(long, num_args = 2, value_names = ["KIND", "VALUE"])]
        to: Option<Vec<String>>,
        /// A new edge strategy id
        #[arg(long, value_name = "ID")]
        edge_strategy: Option<i32>,
    },
    /// Delete a route no number uses any more (asks first)
    #[command(after_help = "Example:\n  flowroute routes delete 98765")]
    Delete {
        /// The route's id
        route: String,
    },
    /// Send a number's calls to a route (asks first)
    #[command(after_help = "Example:\n  flowroute routes set-primary 12065551234 98765")]
    SetPrimary {
        /// The number
        number: String,
        /// The route's id
        route: String,
    },
    /// Use a route when a number's primary route fails (asks first)
    #[command(after_help = "Example:\n  flowroute routes set-failover 12065551234 98766")]
    SetFailover {
        /// The number
        number: String,
        /// The route's id
        route: String,
    },
    /// Remove a number's primary route (asks first)
    #[command(after_help = "Example:\n  flowroute routes remove-primary 12065551234")]
    RemovePrimary {
        /// The number
        number: String,
    },
    /// Remove a number's failover route (asks first)
    #[command(after_help = "Example:\n  flowroute routes remove-failover 12065551234")]
    RemoveFailover {
        /// The number
        number: String,
    },
    /// The edges (points of presence) calls can leave from
    #[command(after_help = "Example:\n  flowroute routes edge-strategies")]
    EdgeStrategies,
}

/// The route types Flowroute creates.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    Host,
    Number,
    Uri,
}

impl Kind {
    fn route_type(self) -> RouteType {
        match self {
            Kind::Host => RouteType::Host,
            Kind::Number => RouteType::Number,
            Kind::Uri => RouteType::Uri,
        }
    }
}

pub async fn run(command: Command, ctx: &Ctx) -> Result<(), CliError> {
    let routes = ctx.client().routes();
    match command {
        Command::List { route_type, list } => {
            let mut r = routes.list();
            if let Some(t) = route_type {
                r = r.route_type(RouteType::from(t));
            }
            ctx.list(r, &list).await
        }
        Command::Create {
            kind,
            value,
            alias,
            edge_strategy,
        } => {
            let mut route = match kind {
                Kind::Host => NewRoute::host(value, alias),
                Kind::Number => NewRoute::number(value.as_str(), alias),
                Kind::Uri => NewRoute::uri(value, alias),
            };
            if let Some(id) = edge_strategy {
                route = route.edge_strategy_id(id);
            }
            ctx.output.one(&routes.create(route).await?)
        }
        Command::Update {
            route,
            alias,
            to,
            edge_strategy,
        } => {
            let id: RouteId = checked(&route)?;
            let destination = match to.as_deref() {
                Some([kind, value]) => {
                    let kind = Kind::from_str(kind, true).map_err(|_| {
                        CliError::usage(format!("--to: `{kind}` is not host, number or uri"))
                    })?;
                    Some((kind.route_type(), value.clone()))
                }
                _ => None,
            };
            ctx.confirm(&format!(
                "Change route {id}? Calls to every number using it follow the change."
            ))?;
            let mut update = routes.update(&id);
            if let Some(alias) = alias {
                update = update.alias(alias);
            }
            if let Some((route_type, value)) = destination {
                update = update.destination(route_type, value);
            }
            if let Some(edge) = edge_strategy {
                update = update.edge_strategy_id(edge);
            }
            ctx.output.one(&update.await?)
        }
        Command::Delete { route } => {
            let id: RouteId = checked(&route)?;
            ctx.confirm(&format!("Delete route {id}?"))?;
            routes.delete(&id).await?;
            ctx.output.done(
                single("deleted", id.as_str()),
                &format!("deleted route {id}"),
            )
        }
        Command::SetPrimary { number, route } => {
            let (number, id) = (
                checked::<PhoneNumber>(&number)?,
                checked::<RouteId>(&route)?,
            );
            ctx.confirm(&format!("Send calls to {number} to route {id}?"))?;
            routes.set_primary(&number, &id).await?;
            assigned(ctx, "primary_route", &number, Some(&id))
        }
        Command::SetFailover { number, route } => {
            let (number, id) = (
                checked::<PhoneNumber>(&number)?,
                checked::<RouteId>(&route)?,
            );
            ctx.confirm(&format!("Make route {id} the failover of {number}?"))?;
            routes.set_failover(&number, &id).await?;
            assigned(ctx, "failover_route", &number, Some(&id))
        }
        Command::RemovePrimary { number } => {
            let number: PhoneNumber = checked(&number)?;
            ctx.confirm(&format!("Remove the primary route of {number}?"))?;
            routes.remove_primary(&number).await?;
            assigned(ctx, "primary_route", &number, None)
        }
        Command::RemoveFailover { number } => {
            let number: PhoneNumber = checked(&number)?;
            ctx.confirm(&format!("Remove the failover route of {number}?"))?;
            routes.remove_failover(&number).await?;
            assigned(ctx, "failover_route", &number, None)
        }
        Command::EdgeStrategies => {
            let edges = routes.edge_strategies().await?;
            let mut list = ctx.output.list();
            for edge in &edges {
                list.push(edge)?;
            }
            list.finish().map(drop)
        }
    }
}

/// What a change of a number's routing reports.
fn assigned(
    ctx: &Ctx,
    which: &str,
    number: &PhoneNumber,
    route: Option<&RouteId>,
) -> Result<(), CliError> {
    let text = match route {
        Some(id) => format!("{number}: {} is now route {id}", which.replace('_', " ")),
        None => format!("{number}: {} removed", which.replace('_', " ")),
    };
    let record = json!({"number": number, which: route});
    ctx.output.done(record, &text)
}
