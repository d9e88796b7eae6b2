//! How every example picks its target: the real API when credentials are in the
//! environment (or `FLOWROUTE_BASE_URL` when set), otherwise a simulator started
//! in-process, so that each example runs on a fresh machine with no account.
#![allow(dead_code)] // each example uses its own subset

use flowroute::{Client, ENV_ACCESS_KEY, ENV_BASE_URL, ENV_SECRET_KEY};
use flowroute_sim::Simulator;
use std::fmt::Display;
use std::future::Future;
use std::process::ExitCode;

/// Where the example is talking to.
pub enum Target {
    /// A simulator started by this process; it stops when dropped.
    Simulator(Simulator),
    /// Flowroute (or whatever `FLOWROUTE_BASE_URL` names), with the user's account.
    Account,
}

impl Target {
    /// Whether steps that cost money (buying a number, sending a message) may run:
    /// always on the in-process simulator, elsewhere only with `FR_DEMO_SPEND=1`.
    pub fn may_spend(&self) -> bool {
        match self {
            Target::Simulator(_) => true,
            Target::Account => std::env::var("FR_DEMO_SPEND").is_ok_and(|v| v == "1"),
        }
    }

    /// A line saying where requests go.
    pub fn describe(&self, client: &Client) -> String {
        match self {
            Target::Simulator(_) => format!(
                "the built-in Flowroute simulator at {} (no account needed; set {ENV_ACCESS_KEY} and {ENV_SECRET_KEY} to use yours)",
                client.base_url()
            ),
            Target::Account => format!("{} with your account", client.base_url()),
        }
    }
}

/// The client for the chosen target.
async fn connect() -> Result<(Client, Target), Box<dyn std::error::Error>> {
    let has_credentials = [ENV_ACCESS_KEY, ENV_SECRET_KEY]
        .iter()
        .all(|k| std::env::var(k).is_ok_and(|v| !v.is_empty()));
    if has_credentials {
        return Ok((Client::from_env()?, Target::Account));
    }
    if std::env::var(ENV_BASE_URL).is_ok_and(|v| !v.is_empty()) {
        return Err(format!(
            "{ENV_BASE_URL} is set but {ENV_ACCESS_KEY}/{ENV_SECRET_KEY} are not; set them too"
        )
        .into());
    }
    let sim = Simulator::start().await?;
    let client = Client::builder()
        .credentials(flowroute_sim::SIM_ACCESS_KEY, flowroute_sim::SIM_SECRET_KEY)
        .base_url(sim.base_url())
        .build()?;
    Ok((client, Target::Simulator(sim)))
}

/// Runs an example: connects, says where requests go under `title`, and turns
/// a failure into one sentence and a non-zero exit.
pub async fn run_example<E, Fut>(
    title: &str,
    example: impl FnOnce(Client, Target) -> Fut,
) -> ExitCode
where
    E: Display,
    Fut: Future<Output = Result<(), E>>,
{
    let (client, target) = match connect().await {
        Ok(connected) => connected,
        Err(e) => {
            eprintln!("✗ could not start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{title} → {}\n", target.describe(&client));
    match example(client, target).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("✗ {failure}");
            ExitCode::FAILURE
        }
    }
}
