//! `flowroute e911 …`: emergency addresses and the numbers using them.

use super::checked;
use crate::context::{Ctx, ListArgs};
use crate::exit::CliError;
use crate::output::single;
use clap::{Args, Subcommand};
use flowroute::e911::{E911AddressType, E911Country, NewE911Address, UpdateE911Address};
use flowroute::{E911Id, PhoneNumber};
use serde_json::json;

const ADDRESS_EXAMPLE: &str = "--label office --first-name Ada --last-name Lovelace --street-number 1218 --street-name \"3rd Ave\" --city Seattle --state WA --zip 98101";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The E911 addresses on the account
    #[command(after_help = "Example:\n  flowroute e911 list --city seattle")]
    List {
        /// Only addresses whose label contains this
        #[arg(long)]
        label: Option<String>,
        /// Only addresses whose street name contains this
        #[arg(long)]
        street_name: Option<String>,
        /// Only addresses whose city contains this
        #[arg(long)]
        city: Option<String>,
        /// Only addresses in this state or province (two letters)
        #[arg(long)]
        state: Option<String>,
        #[command(flatten)]
        list: ListArgs,
    },
    /// One E911 address
    #[command(after_help = "Example:\n  flowroute e911 get 20930")]
    Get {
        /// The address's id
        id: String,
    },
    /// Ask Flowroute whether an address is valid, saving nothing
    #[command(after_help = format!("Example:\n  flowroute e911 validate {ADDRESS_EXAMPLE}"))]
    Validate(AddressArgs),
    /// Save an address (Flowroute validates it first)
    #[command(after_help = format!("Example:\n  flowroute e911 create {ADDRESS_EXAMPLE}"))]
    Create(AddressArgs),
    /// Change an address; numbers using it follow (asks first)
    #[command(after_help = "Example:\n  flowroute e911 update 20930 --street-number 1220")]
    Update {
        /// The address's id
        id: String,
        #[command(flatten)]
        changes: ChangeArgs,
    },
    /// Delete an address no number uses any more (asks first)
    #[command(after_help = "Example:\n  flowroute e911 delete 20930")]
    Delete {
        /// The address's id
        id: String,
    },
    /// The numbers using an address
    #[command(after_help = "Example:\n  flowroute e911 numbers 20930")]
    Numbers {
        /// The address's id
        id: String,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Make an address a number's emergency address (charged; asks first)
    #[command(after_help = "Example:\n  flowroute e911 assign 12065551234 20930")]
    Assign {
        /// The number
        number: String,
        /// The address's id
        id: String,
    },
    /// Remove a number's emergency address, ending its E911 service (asks first)
    #[command(after_help = "Example:\n  flowroute e911 unassign 12065551234")]
    Unassign {
        /// The number
        number: String,
    },
}

/// A whole address; every field but the unit is required.
#[derive(Debug, Args)]
pub struct AddressArgs {
    /// Your name for the address
    #[arg(long)]
    label: String,
    /// First name of the person or business there
    #[arg(long)]
    first_name: String,
    /// Last name of the person or business there
    #[arg(long)]
    last_name: String,
    /// House or building number
    #[arg(long)]
    street_number: String,
    /// Street name, such as "Main St"
    #[arg(long)]
    street_name: String,
    /// City
    #[arg(long)]
    city: String,
    /// State or province (two letters)
    #[arg(long)]
    state: String,
    /// US or CA
    #[arg(long, default_value = "US")]
    country: String,
    /// ZIP or postal code
    #[arg(long)]
    zip: String,
    /// Kind of unit (Suite, Floor, Apartment…), with --unit
    #[arg(long, requires = "unit")]
    unit_type: Option<String>,
    /// Number or name of the unit
    #[arg(long, requires = "unit_type")]
    unit: Option<String>,
}

/// The fields to change; the others stay.
#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
pub struct ChangeArgs {
    /// A new label
    #[arg(long)]
    label: Option<String>,
    /// A new first name
    #[arg(long)]
    first_name: Option<String>,
    /// A new last name
    #[arg(long)]
    last_name: Option<String>,
    /// A new house or building number
    #[arg(long)]
    street_number: Option<String>,
    /// A new street name
    #[arg(long)]
    street_name: Option<String>,
    /// A new city
    #[arg(long)]
    city: Option<String>,
    /// A new state or province
    #[arg(long)]
    state: Option<String>,
    /// A new country (US or CA)
    #[arg(long)]
    country: Option<String>,
    /// A new ZIP or postal code
    #[arg(long)]
    zip: Option<String>,
    /// A new kind of unit, with --unit
    #[arg(long, requires = "unit")]
    unit_type: Option<String>,
    /// A new unit number or name
    #[arg(long, requires = "unit_type")]
    unit: Option<String>,
}

impl AddressArgs {
    fn address(self) -> NewE911Address {
        let address = NewE911Address::new()
            .label(self.label)
            .first_name(self.first_name)
            .last_name(self.last_name)
            .street_number(self.street_number)
            .street_name(self.street_name)
            .city(self.city)
            .state(self.state)
            .country(E911Country::from(self.country.to_ascii_uppercase()))
            .zip(self.zip);
        match (self.unit_type, self.unit) {
            (Some(kind), Some(unit)) => address.unit(E911AddressType::from(kind), unit),
            _ => address,
        }
    }
}

pub async fn run(command: Command, ctx: &Ctx) -> Result<(), CliError> {
    let e911s = ctx.client().e911s();
    match command {
        Command::List {
            label,
            street_name,
            city,
            state,
            list,
        } => {
            let mut r = e911s.list();
            if let Some(v) = label {
                r = r.label(v);
            }
            if let Some(v) = street_name {
                r = r.street_name(v);
            }
            if let Some(v) = city {
                r = r.city(v);
            }
            if let Some(v) = &state {
                r = r.state(v);
            }
            ctx.list(r, &list).await
        }
        Command::Get { id } => {
            let id: E911Id = checked(&id)?;
            ctx.output.one(&e911s.get(&id).await?)
        }
        Command::Validate(args) => {
            e911s.validate(&args.address()).await?;
            ctx.output.done(json!({"valid": true}), "valid")
        }
        Command::Create(args) => ctx.output.one(&e911s.create(args.address()).await?),
        Command::Update { id, changes: c } => {
            let id: E911Id = checked(&id)?;
            ctx.confirm(&format!(
                "Change E911 address {id}? Emergency calls of every number using it follow."
            ))?;
            let mut u = e911s.update(&id);
            type Set = fn(UpdateE911Address, String) -> UpdateE911Address;
            let fields: [(Option<String>, Set); 8] = [
                (c.label, |u, v| u.label(v)),
                (c.first_name, |u, v| u.first_name(v)),
                (c.last_name, |u, v| u.last_name(v)),
                (c.street_number, |u, v| u.street_number(v)),
                (c.street_name, |u, v| u.street_name(v)),
                (c.city, |u, v| u.city(v)),
                (c.state, |u, v| u.state(v)),
                (c.zip, |u, v| u.zip(v)),
            ];
            for (value, set) in fields {
                if let Some(v) = value {
                    u = set(u, v);
                }
            }
            if let Some(country) = c.country {
                u = u.country(E911Country::from(country.to_ascii_uppercase()));
            }
            if let (Some(kind), Some(unit)) = (c.unit_type, c.unit) {
                u = u.unit(E911AddressType::from(kind), unit);
            }
            ctx.output.one(&u.await?)
        }
        Command::Delete { id } => {
            let id: E911Id = checked(&id)?;
            ctx.confirm(&format!("Delete E911 address {id}?"))?;
            e911s.delete(&id).await?;
            ctx.output.done(
                single("deleted", id.as_str()),
                &format!("deleted E911 address {id}"),
            )
        }
        Command::Numbers { id, list } => ctx.list(e911s.numbers(id.as_str()), &list).await,
        Command::Assign { number, id } => {
            let (number, id) = (checked::<PhoneNumber>(&number)?, checked::<E911Id>(&id)?);
            ctx.confirm(&format!(
                "Make E911 address {id} the emergency address of {number}? Flowroute charges for it."
            ))?;
            e911s.assign(&number, &id).await?;
            let record = json!({"number": number, "e911": id});
            ctx.output
                .done(record, &format!("{number}: E911 address is now {id}"))
        }
        Command::Unassign { number } => {
            let number: PhoneNumber = checked(&number)?;
            ctx.confirm(&format!(
                "Remove the E911 address of {number}? Its emergency calls lose their address."
            ))?;
            e911s.remove_from_number(&number).await?;
            let record = json!({"number": number, "e911": null});
            ctx.output
                .done(record, &format!("{number}: E911 address removed"))
        }
    }
}
