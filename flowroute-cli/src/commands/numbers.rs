//! `flowroute numbers …`: the account's numbers and the inventory to buy from.

use super::{Switch, checked};
use crate::context::{Ctx, ListArgs};
use crate::exit::CliError;
use crate::output::single;
use clap::{ArgGroup, Args, Subcommand};
use flowroute::PhoneNumber;
use flowroute::numbers::{AvailableNumberType, SearchOrderBy};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search Flowroute's inventory for numbers to buy
    #[command(after_help = "Example:\n  flowroute numbers search --starts-with 206 --limit 3")]
    Search(SearchArgs),
    /// Area codes with numbers to buy
    #[command(after_help = "Example:\n  flowroute numbers area-codes --max-setup-cost 1 --all")]
    AreaCodes {
        /// Only area codes with a number whose setup cost is at most this (US dollars)
        #[arg(long, value_name = "USD")]
        max_setup_cost: Option<f64>,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Exchanges (NPA-NXX) with numbers to buy
    #[command(after_help = "Example:\n  flowroute numbers exchanges --area-code 206")]
    Exchanges {
        /// Only exchanges in this area code
        #[arg(long, value_name = "NPA")]
        area_code: Option<String>,
        /// Only exchanges with a number whose setup cost is at most this (US dollars)
        #[arg(long, value_name = "USD")]
        max_setup_cost: Option<f64>,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Pricing tiers with numbers to buy
    #[command(after_help = "Example:\n  flowroute numbers tiers")]
    Tiers {
        #[command(flatten)]
        list: ListArgs,
    },
    /// The numbers on the account
    #[command(
        after_help = "Example:\n  flowroute numbers list --starts-with 1206 --all --output csv"
    )]
    List {
        /// Only numbers starting with these digits
        #[arg(long, value_name = "DIGITS")]
        starts_with: Option<String>,
        /// Only numbers ending with these digits
        #[arg(long, value_name = "DIGITS")]
        ends_with: Option<String>,
        /// Only numbers containing these digits
        #[arg(long, value_name = "DIGITS")]
        contains: Option<String>,
        /// Only numbers with exactly this alias
        #[arg(long)]
        alias: Option<String>,
        #[command(flatten)]
        list: ListArgs,
    },
    /// One number with its routes, E911 address and CNAM record
    #[command(after_help = "Example:\n  flowroute numbers get 12065551234")]
    Get {
        /// The number, such as 12065551234 or +1 206 555 1234
        number: String,
    },
    /// Buy a number (charged to the account; asks first)
    #[command(after_help = "Example:\n  flowroute numbers buy 12065551234 --messaging on")]
    Buy {
        /// A number found with `numbers search`
        number: String,
        /// Enable SMS/MMS once bought (charged)
        #[arg(long, value_name = "on|off")]
        messaging: Option<Switch>,
        /// Look up callers' names on inbound calls (charged per lookup)
        #[arg(long, value_name = "on|off")]
        cnam_lookups: Option<Switch>,
    },
    /// Give a number back to Flowroute; it stops working at once (asks first)
    #[command(after_help = "Example:\n  flowroute numbers release 12065551234 --yes")]
    Release {
        /// The number to release
        number: String,
    },
    /// Change a number's alias, CNAM lookups or messaging (asks first)
    #[command(
        group(ArgGroup::new("change").required(true).multiple(true).args(["alias", "cnam_lookups", "messaging"])),
        after_help = "Example:\n  flowroute numbers update 12065551234 --alias \"front desk\" --messaging on"
    )]
    Update {
        /// The number to change
        number: String,
        /// A new alias (at most 64 characters)
        #[arg(long)]
        alias: Option<String>,
        /// Look up callers' names on inbound calls (charged per lookup)
        #[arg(long, value_name = "on|off")]
        cnam_lookups: Option<Switch>,
        /// Enable or disable SMS/MMS
        #[arg(long, value_name = "on|off")]
        messaging: Option<Switch>,
        /// With --messaging: e-mail the account contact when provisioning ends
        #[arg(long, requires = "messaging")]
        messaging_email: bool,
        /// With --messaging: a URL Flowroute calls when provisioning ends
        #[arg(long, value_name = "URL", requires = "messaging")]
        messaging_callback: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Numbers starting with these digits (country code 1 assumed unless +CC)
    #[arg(long, value_name = "DIGITS")]
    starts_with: Option<String>,
    /// Numbers containing these digits
    #[arg(long, value_name = "DIGITS")]
    contains: Option<String>,
    /// Numbers ending with these digits
    #[arg(long, value_name = "DIGITS")]
    ends_with: Option<String>,
    /// Numbers in this rate centre (needs --state)
    #[arg(long, requires = "state")]
    rate_center: Option<String>,
    /// Numbers in this state or province (two letters)
    #[arg(long)]
    state: Option<String>,
    /// Only toll-free or only long-code numbers
    #[arg(long = "type", value_name = "toll-free|longcode")]
    number_type: Option<String>,
    /// Numbers in this country (ISO 3166-1 alpha-2, such as US)
    #[arg(long)]
    country: Option<String>,
    /// Sort by this field, optionally `,desc` (such as monthly_cost,desc)
    #[arg(long, value_name = "FIELD")]
    order_by: Option<String>,
    #[command(flatten)]
    list: ListArgs,
}

pub async fn run(command: Command, ctx: &Ctx) -> Result<(), CliError> {
    let numbers = ctx.client().numbers();
    match command {
        Command::Search(a) => {
            let mut r = numbers.search();
            if let Some(v) = &a.starts_with {
                r = r.starts_with(v);
            }
            if let Some(v) = &a.contains {
                r = r.contains(v);
            }
            if let Some(v) = &a.ends_with {
                r = r.ends_with(v);
            }
            if let Some(v) = &a.rate_center {
                r = r.rate_center(v);
            }
            if let Some(v) = &a.state {
                r = r.state(v);
            }
            if let Some(v) = a.number_type {
                r = r.number_type(AvailableNumberType::from(v));
            }
            if let Some(v) = &a.country {
                r = r.iso_country(v);
            }
            if let Some(v) = a.order_by {
                r = r.order_by(SearchOrderBy::from(v));
            }
            ctx.list(r, &a.list).await
        }
        Command::AreaCodes {
            max_setup_cost,
            list,
        } => {
            let mut r = numbers.area_codes();
            if let Some(usd) = max_setup_cost {
                r = r.max_setup_cost(usd);
            }
            ctx.list(r, &list).await
        }
        Command::Exchanges {
            area_code,
            max_setup_cost,
            list,
        } => {
            let mut r = numbers.exchanges();
            if let Some(code) = &area_code {
                r = r.area_code(code);
            }
            if let Some(usd) = max_setup_cost {
                r = r.max_setup_cost(usd);
            }
            ctx.list(r, &list).await
        }
        Command::Tiers { list } => ctx.list(numbers.tiers(), &list).await,
        Command::List {
            starts_with,
            ends_with,
            contains,
            alias,
            list,
        } => {
            let mut r = numbers.list();
            if let Some(v) = &starts_with {
                r = r.starts_with(v);
            }
            if let Some(v) = &ends_with {
                r = r.ends_with(v);
            }
            if let Some(v) = &contains {
                r = r.contains(v);
            }
            if let Some(v) = &alias {
                r = r.alias(v);
            }
            ctx.list(r, &list).await
        }
        Command::Get { number } => ctx.output.one(&numbers.get(number.as_str()).await?),
        Command::Buy {
            number,
            messaging,
            cnam_lookups,
        } => {
            let number: PhoneNumber = checked(&number)?;
            ctx.confirm(&format!(
                "Buy {number}? Its setup and monthly costs are charged to the account."
            ))?;
            let mut purchase = numbers.purchase(&number);
            if let Some(on) = messaging {
                purchase = purchase.messaging_enabled(on.on());
            }
            if let Some(on) = cnam_lookups {
                purchase = purchase.cnam_lookups_enabled(on.on());
            }
            let change = purchase.await?;
            if change.messaging_provisioning_failed {
                eprintln!(
                    "warning: {number} was bought, but enabling messaging failed; run `flowroute numbers update {number} --messaging on`"
                );
            }
            ctx.output.one(&change)
        }
        Command::Release { number } => {
            let number: PhoneNumber = checked(&number)?;
            ctx.confirm(&format!(
                "Release {number}? It stops working at once and goes back to Flowroute."
            ))?;
            numbers.release(&number).await?;
            ctx.output.done(
                single("released", number.as_str()),
                &format!("released {number}"),
            )
        }
        Command::Update {
            number,
            alias,
            cnam_lookups,
            messaging,
            messaging_email,
            messaging_callback,
        } => {
            let number: PhoneNumber = checked(&number)?;
            ctx.confirm(&format!("Change {number}?"))?;
            let mut update = numbers.update(&number);
            if let Some(alias) = alias {
                update = update.alias(alias);
            }
            if let Some(on) = cnam_lookups {
                update = update.cnam_lookups_enabled(on.on());
            }
            if let Some(on) = messaging {
                update = update.messaging_enabled(on.on());
            }
            if messaging_email {
                update = update.messaging_email(true);
            }
            if let Some(url) = messaging_callback {
                update = update.messaging_callback_url(url);
            }
            ctx.output.one(&update.await?)
        }
    }
}
