//! `flowroute porting …`: which numbers can move to Flowroute, and the
//! account's port orders.

use crate::context::{Ctx, ListArgs};
use crate::exit::CliError;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check which numbers can be ported to Flowroute (saves nothing)
    #[command(after_help = "Example:\n  flowroute porting check 12065550100 \"+1 206 555 0101\"")]
    Check {
        /// The numbers to check
        #[arg(required = true)]
        numbers: Vec<String>,
    },
    /// The account's port orders
    #[command(after_help = "Example:\n  flowroute porting orders --all")]
    Orders {
        #[command(flatten)]
        list: ListArgs,
    },
}

pub async fn run(command: Command, ctx: &Ctx) -> Result<(), CliError> {
    let porting = ctx.client().porting();
    match command {
        Command::Check { numbers } => ctx.output.one(&porting.check(&numbers).await?),
        Command::Orders { list } => ctx.list(porting.orders(), &list).await,
    }
}
