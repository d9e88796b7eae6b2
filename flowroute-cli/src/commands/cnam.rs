//! `flowroute cnam …`: caller-ID name records and the numbers presenting them.

use super::checked;
use crate::context::{Ctx, ListArgs};
use crate::exit::CliError;
use crate::output::single;
use clap::Subcommand;
use flowroute::{CnamId, PhoneNumber};
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The CNAM records on the account
    #[command(after_help = "Example:\n  flowroute cnam list --approved true")]
    List {
        /// Only approved records (true), or only pending and rejected ones (false)
        #[arg(long, value_name = "true|false")]
        approved: Option<bool>,
        /// Only records whose name contains this
        #[arg(long)]
        value: Option<String>,
        #[command(flatten)]
        list: ListArgs,
    },
    /// One CNAM record, with the numbers presenting it
    #[command(after_help = "Example:\n  flowroute cnam get 22671")]
    Get {
        /// The record's id
        id: String,
    },
    /// Ask for a caller-ID name; Flowroute reviews it within 48 hours
    #[command(after_help = "Example:\n  flowroute cnam create \"ACME CORP\"")]
    Create {
        /// The name: 1 to 15 letters, digits, spaces and - _ . , @ + & ' / \"
        value: String,
    },
    /// Change a record's name; it is reviewed again (asks first)
    #[command(after_help = "Example:\n  flowroute cnam update 22671 \"ACME INC\"")]
    Update {
        /// The record's id
        id: String,
        /// The new name
        value: String,
    },
    /// Delete a CNAM record (asks first)
    #[command(after_help = "Example:\n  flowroute cnam delete 22671")]
    Delete {
        /// The record's id
        id: String,
    },
    /// Present an approved name on a number's outbound calls (asks first)
    #[command(after_help = "Example:\n  flowroute cnam assign 12065551234 22671")]
    Assign {
        /// The number
        number: String,
        /// The record's id
        id: String,
    },
    /// Stop presenting a name on a number's calls (asks first)
    #[command(after_help = "Example:\n  flowroute cnam unassign 12065551234")]
    Unassign {
        /// The number
        number: String,
    },
}

pub async fn run(command: Command, ctx: &Ctx) -> Result<(), CliError> {
    let cnams = ctx.client().cnams();
    match command {
        Command::List {
            approved,
            value,
            list,
        } => {
            let mut r = cnams.list();
            if let Some(approved) = approved {
                r = r.is_approved(approved);
            }
            if let Some(v) = &value {
                r = r.value(v);
            }
            ctx.list(r, &list).await
        }
        Command::Get { id } => {
            let id: CnamId = checked(&id)?;
            ctx.output.one(&cnams.get(&id).await?)
        }
        Command::Create { value } => ctx.output.one(&cnams.create(value).await?),
        Command::Update { id, value } => {
            let id: CnamId = checked(&id)?;
            ctx.confirm(&format!(
                "Rename CNAM record {id} to `{value}`? It is reviewed again."
            ))?;
            ctx.output.one(&cnams.update(&id, value).await?)
        }
        Command::Delete { id } => {
            let id: CnamId = checked(&id)?;
            ctx.confirm(&format!("Delete CNAM record {id}?"))?;
            cnams.delete(&id).await?;
            ctx.output.done(
                single("deleted", id.as_str()),
                &format!("deleted CNAM record {id}"),
            )
        }
        Command::Assign { number, id } => {
            let (number, id) = (checked::<PhoneNumber>(&number)?, checked::<CnamId>(&id)?);
            ctx.confirm(&format!("Present CNAM record {id} on calls from {number}?"))?;
            let association = cnams.assign(&number, &id).await?;
            let record = json!({"number": number, "cnam": id, "association": association});
            ctx.output.done(
                record,
                &format!("{number}: CNAM {id} requested (carriers take 5–7 business days)"),
            )
        }
        Command::Unassign { number } => {
            let number: PhoneNumber = checked(&number)?;
            ctx.confirm(&format!(
                "Stop presenting a CNAM record on calls from {number}?"
            ))?;
            let association = cnams.unassign(&number).await?;
            let record = json!({"number": number, "cnam": null, "association": association});
            ctx.output
                .done(record, &format!("{number}: CNAM removal requested"))
        }
    }
}
