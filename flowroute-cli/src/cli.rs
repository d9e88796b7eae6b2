//! The command line: global options and the command families.

use crate::commands::{cdrs, cnam, e911, messages, numbers, porting, routes, tools};
use crate::output::Format;
use clap::{Args, Parser, Subcommand};
use flowroute::messages::MessagingVersion;

const AFTER_HELP: &str = "\
Credentials, in this order:
  --profile NAME or FLOWROUTE_PROFILE   a profile of the credentials file
  FR_ACCESS_KEY and FR_SECRET_KEY       (Manage › Preferences › API Control)
  the file's [default] profile
FLOWROUTE_BASE_URL sends the requests elsewhere (a proxy, a simulator).

The credentials file is FLOWROUTE_CREDENTIALS, else
$XDG_CONFIG_HOME/flowroute/credentials, else ~/.config/flowroute/credentials:
  [default]
  access_key = \"12345678\"
  secret_key = \"…\"
  base_url = \"https://api.flowroute.com\"   # optional
It is refused unless only its owner may read and write it (chmod 600).

Exit codes: 0 done, 1 other failure, 2 usage (or a change not confirmed),
3 Flowroute refused the request (4xx), 4 Flowroute or the network failed
(5xx, connection, timeout), 5 an argument the SDK refused before sending.

Example:
  flowroute --sim numbers search --starts-with 206 --limit 3";

/// `flowroute`: numbers, routes, messages, E911, CNAM, porting and CDRs of a
/// Flowroute account, from the command line.
#[derive(Debug, Parser)]
#[command(name = "flowroute", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes, before or after its name.
#[derive(Debug, Args)]
pub struct Global {
    /// How to print records
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub output: Format,
    /// The credentials file's profile to use
    #[arg(long, global = true, env = crate::credentials::ENV_PROFILE, value_name = "NAME")]
    pub profile: Option<String>,
    /// Run against a simulator started in this process (a fresh account; nothing reaches Flowroute)
    #[arg(long, global = true)]
    pub sim: bool,
    /// Do changes without asking
    #[arg(long, short, global = true)]
    pub yes: bool,
    /// Print the request a command would send, and send nothing
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// The Messaging API version of the `messages` commands (2.2 returns prices)
    #[arg(
        long,
        global = true,
        env = "FLOWROUTE_MESSAGING_VERSION",
        value_name = "2.1|2.2",
        default_value = "2.1"
    )]
    pub messaging_version: MessagingVersion,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Numbers on the account, and Flowroute's inventory to buy from
    #[command(subcommand)]
    Numbers(numbers::Command),
    /// Inbound voice routes, and which route each number uses
    #[command(subcommand)]
    Routes(routes::Command),
    /// SMS and MMS: send, read records, set callback URLs
    #[command(subcommand)]
    Messages(messages::Command),
    /// E911 emergency addresses and their numbers
    #[command(subcommand)]
    E911(e911::Command),
    /// Caller-ID names (CNAM) and their numbers
    #[command(subcommand)]
    Cnam(cnam::Command),
    /// Portability checks and port orders
    #[command(subcommand)]
    Porting(porting::Command),
    /// Call detail record (CDR) exports
    #[command(subcommand)]
    Cdrs(cdrs::Command),
    /// Receive Flowroute's webhooks
    #[command(subcommand)]
    Webhooks(tools::WebhooksCommand),
    /// Every operation of Flowroute's API, with the command that runs it
    #[command(after_help = "Example:\n  flowroute operations --output csv")]
    Operations,
    /// Run the Flowroute API simulator
    #[command(after_help = "Example:\n  flowroute sim --port 8080")]
    Sim(tools::SimArgs),
    /// Print a shell completion script
    #[command(
        after_help = "Example:\n  flowroute completions bash > ~/.local/share/bash-completion/completions/flowroute"
    )]
    Completions(tools::CompletionsArgs),
}
