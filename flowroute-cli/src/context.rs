//! What an API command runs with: the client (to Flowroute, to an in-process
//! simulator, or to the dry run's recorder), the output, and the rule for
//! confirming changes.

use crate::cli::Global;
use crate::credentials::{self, Credentials};
use crate::dry_run::{self, Recorder};
use crate::exit::CliError;
use crate::output::{Output, Row};
use clap::Args;
use flowroute::Client;
use flowroute::pagination::{ListRequest, Query};
use flowroute_sim::Simulator;
use std::io::{BufRead, IsTerminal};

/// Records a list shows without `--limit` or `--all`.
pub const DEFAULT_LIMIT: u64 = 20;

/// How much of a list to read.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The most records to show [default: 20]
    #[arg(long, value_name = "N", conflicts_with = "all")]
    pub limit: Option<u64>,
    /// Show every record, page after page
    #[arg(long)]
    pub all: bool,
}

pub struct Ctx {
    client: Client,
    pub output: Output,
    yes: bool,
    recorder: Option<Recorder>,
    /// Kept alive for the command's duration with `--sim`.
    _sim: Option<Simulator>,
}

impl Ctx {
    pub async fn new(global: &Global) -> Result<Ctx, CliError> {
        let (sim, credentials) = if global.sim {
            let sim = Simulator::start().await?;
            eprintln!(
                "using a simulator at {} (a fresh account; nothing reaches Flowroute)",
                sim.base_url()
            );
            let credentials = Credentials {
                access_key: sim.access_key().to_string(),
                secret_key: sim.secret_key().to_string(),
                base_url: Some(sim.base_url()),
            };
            (Some(sim), credentials)
        } else {
            let var = |name: &str| std::env::var(name).ok();
            (None, credentials::resolve(global.profile.as_deref(), var)?)
        };
        let mut builder = Client::builder()
            .credentials(credentials.access_key, credentials.secret_key)
            .user_agent(crate::USER_AGENT);
        if let Some(url) = credentials.base_url {
            builder = builder.base_url(url);
        }
        let mut client = builder.build()?;
        let recorder = if global.dry_run {
            Some(Recorder::start(client.base_url().as_str()).await?)
        } else {
            None
        };
        if let Some(recorder) = &recorder {
            client = recorder.client()?;
        }
        Ok(Ctx {
            client: client.with_messaging_version(global.messaging_version),
            output: Output::new(global.output),
            yes: global.yes,
            recorder,
            _sim: sim,
        })
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Whether requests go to the dry run's recorder.
    pub fn dry_run(&self) -> bool {
        self.recorder.is_some()
    }

    /// Asks before a change: on a terminal unless `--yes`; never on a dry
    /// run; without a terminal, only `--yes` lets it through.
    pub fn confirm(&self, question: &str) -> Result<(), CliError> {
        if self.yes || self.recorder.is_some() {
            return Ok(());
        }
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return Err(CliError::usage(format!(
                "not confirmed: {question} Nothing was sent. Pass --yes to do it without a terminal to ask on, or --dry-run to see the request"
            )));
        }
        eprint!("{question} [y/N] ");
        let mut answer = String::new();
        stdin.lock().read_line(&mut answer)?;
        match answer.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => Ok(()),
            _ => Err(CliError::other("not confirmed; nothing was sent")),
        }
    }

    /// Prints a list; see [`ListArgs`].
    pub async fn list<Q>(&self, request: ListRequest<Q>, args: &ListArgs) -> Result<(), CliError>
    where
        Q: Query,
        Q::Item: Row,
    {
        let limit = args.limit.unwrap_or(DEFAULT_LIMIT);
        let request = if args.all {
            request
        } else {
            request.max_items(limit)
        };
        let shown = self.output.pages(request.pages()).await?;
        if !args.all && shown as u64 == limit && std::io::stderr().is_terminal() {
            eprintln!("(showing at most {limit}; --limit N or --all for more)");
        }
        Ok(())
    }

    /// After the command: on a dry run, prints what it would have sent and
    /// stands for its outcome (the recorder's refusal ends every command).
    pub fn finish(&self, outcome: Result<(), CliError>) -> Result<(), CliError> {
        let Some(recorder) = &self.recorder else {
            return outcome;
        };
        let requests = recorder.requests();
        if requests.is_empty() {
            // Refused before any request (an invalid argument), or a
            // command that sends nothing.
            return outcome;
        }
        dry_run::print(&self.output, &requests)
    }
}
