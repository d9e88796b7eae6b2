//! One module per command family; each parses its arguments with clap and
//! calls the SDK.

pub mod cdrs;
pub mod cnam;
pub mod e911;
pub mod messages;
pub mod numbers;
pub mod porting;
pub mod routes;
pub mod tools;

mod bulk;
mod cdr_csv;

use crate::cli::{Cli, Command, Global};
use crate::context::Ctx;
use crate::exit::CliError;
use flowroute::IntoChecked;

pub async fn run(cli: Cli) -> Result<(), CliError> {
    let global = &cli.global;
    match cli.command {
        Command::Completions(args) => tools::completions(args, global),
        Command::Operations => tools::operations(global),
        Command::Sim(args) => tools::sim(args, global).await,
        Command::Webhooks(command) => tools::webhooks(command, global).await,
        Command::Numbers(command) => {
            api(global, async |ctx| numbers::run(command, ctx).await).await
        }
        Command::Routes(command) => api(global, async |ctx| routes::run(command, ctx).await).await,
        Command::Messages(command) => {
            api(global, async |ctx| messages::run(command, ctx).await).await
        }
        Command::E911(command) => api(global, async |ctx| e911::run(command, ctx).await).await,
        Command::Cnam(command) => api(global, async |ctx| cnam::run(command, ctx).await).await,
        Command::Porting(command) => {
            api(global, async |ctx| porting::run(command, ctx).await).await
        }
        Command::Cdrs(command) => api(global, async |ctx| cdrs::run(command, ctx).await).await,
    }
}

/// Runs a command of the API with its context, and a dry run's report.
async fn api(
    global: &Global,
    command: impl AsyncFnOnce(&Ctx) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let ctx = Ctx::new(global).await?;
    let outcome = command(&ctx).await;
    ctx.finish(outcome)
}

/// A number or id checked by the SDK's own rules before anything is asked
/// or sent; a malformed one is exit code 5.
pub fn checked<T>(value: &str) -> Result<T, CliError>
where
    for<'a> &'a str: IntoChecked<T>,
{
    Ok(value.into_checked()?)
}

/// `on`/`off` for a setting.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Switch {
    #[value(alias = "true", alias = "yes")]
    On,
    #[value(alias = "false", alias = "no")]
    Off,
}

impl Switch {
    pub fn on(self) -> bool {
        matches!(self, Switch::On)
    }
}
