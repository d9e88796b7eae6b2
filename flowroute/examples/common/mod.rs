//! How every example picks its target and what it may change there.
//!
//! The target is the real API when both keys are in the environment (or
//! `FLOWROUTE_BASE_URL` when set), otherwise a simulator started in-process,
//! so that each example runs on a fresh machine with no account.
//!
//! On an account, an example only reads unless `FR_DEMO_SPEND=1`: every step
//! that would change the account asks [`Target::permit`] first and, refused,
//! says in one line what it skipped and why. With a permit it changes only
//! what it created in the same run and records it on the permit, and the run
//! ends with a summary of what it left on the account and what it cost.
#![allow(dead_code)] // each example uses its own subset

use flowroute::messages::MessagingVersion;
use flowroute::numbers::AvailableNumber;
use flowroute::{Client, ENV_ACCESS_KEY, ENV_BASE_URL, ENV_SECRET_KEY};
use flowroute_sim::Simulator;
use std::cell::RefCell;
use std::fmt::Display;
use std::process::ExitCode;

/// Set to `1` to let the examples change (and spend money on) an account.
pub const ENV_SPEND: &str = "FR_DEMO_SPEND";
/// A host of the user's own that the routes the examples create may point at.
pub const ENV_ROUTE_HOST: &str = "FR_DEMO_ROUTE_HOST";
/// `2.2` to run the examples' messaging on Messages v2.2 (default 2.1).
pub const ENV_MESSAGING_VERSION: &str = "FR_MESSAGING_VERSION";

/// Where the example is talking to, and what this run changed there.
pub struct Target {
    /// The simulator started by this process (it stops when dropped), or
    /// `None` for Flowroute (or whatever `FLOWROUTE_BASE_URL` names) with the
    /// user's account.
    sim: Option<Simulator>,
    /// Whether the user allowed changes with `FR_DEMO_SPEND=1`.
    spend: bool,
    ledger: RefCell<Ledger>,
}

/// Why a step that would change the account did not run.
#[derive(Debug, Clone, Copy)]
pub struct Refused;

impl Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "it would change your account; set {ENV_SPEND}=1 to allow that"
        )
    }
}

/// Leave to change the account, granted by [`Target::permit`]; whatever the
/// step creates, buys or removes is recorded on it for the summary.
#[derive(Clone, Copy)]
pub struct Permit<'a>(&'a RefCell<Ledger>);

/// What the run changed: things left on the account by key (an id, a phone
/// number, a setting), things created and removed again, and costs.
#[derive(Default)]
struct Ledger {
    left: Vec<(String, String)>,
    undone: Vec<String>,
    setup: f64,
    monthly: f64,
    unpriced: Vec<String>,
}

impl Target {
    /// The one gate for steps that change the account: always open on the
    /// in-process simulator, elsewhere only with `FR_DEMO_SPEND=1`.
    pub fn permit(&self) -> Result<Permit<'_>, Refused> {
        if self.sim.is_some() || self.spend {
            Ok(Permit(&self.ledger))
        } else {
            Err(Refused)
        }
    }

    /// The in-process simulator, when that is the target.
    pub fn simulator(&self) -> Option<&Simulator> {
        self.sim.as_ref()
    }

    /// A line saying where requests go and what the run may change.
    pub fn describe(&self, client: &Client) -> String {
        let target = match (&self.sim, self.spend) {
            (Some(_), _) => format!(
                "the built-in Flowroute simulator at {} (no account needed; set {ENV_ACCESS_KEY} and {ENV_SECRET_KEY} to use yours)",
                client.base_url()
            ),
            (None, false) => format!(
                "{} with your account, read-only ({ENV_SPEND}=1 allows changes)",
                client.base_url()
            ),
            (None, true) => format!(
                "{} with your account; {ENV_SPEND}=1: the run may buy and create, and changes only what it created",
                client.base_url()
            ),
        };
        format!(
            "{target}\n  messaging: Messages v{} ({ENV_MESSAGING_VERSION}=2.1 or 2.2)",
            client.messaging_version()
        )
    }

    /// What the run left on the account and what it cost.
    fn summary(&self) -> String {
        let ledger = self.ledger.borrow();
        let mut lines = Vec::new();
        if ledger.left.is_empty() {
            lines.push("Left on the account by this run: nothing".to_string());
        } else {
            lines.push("Left on the account by this run:".to_string());
            lines.extend(ledger.left.iter().map(|(_, what)| format!("  • {what}")));
        }
        if !ledger.undone.is_empty() {
            lines.push(format!(
                "Created or changed, then undone: {}",
                ledger.undone.join("; ")
            ));
        }
        let mut cost = format!(
            "Cost of this run, at the API's own prices: ${:.2} setup + ${:.2} a month",
            ledger.setup, ledger.monthly
        );
        if !ledger.unpriced.is_empty() {
            cost.push_str(&format!(
                ", plus Flowroute's charges for {} (the API does not quote them in advance)",
                ledger.unpriced.join(", ")
            ));
        }
        lines.push(cost);
        lines.join("\n")
    }
}

impl Permit<'_> {
    /// `what` now exists on the account because of this run, under `key`.
    pub fn created(&self, key: impl Display, what: impl Display) {
        let mut ledger = self.0.borrow_mut();
        ledger.left.push((key.to_string(), what.to_string()));
    }

    /// A number bought in this run, at the setup and monthly prices the
    /// search quoted.
    pub fn bought(&self, number: impl Display, setup: f64, monthly: f64) {
        self.created(
            &number,
            format!("number {number} (${setup:.2} setup, ${monthly:.2} a month)"),
        );
        let mut ledger = self.0.borrow_mut();
        ledger.setup += setup;
        ledger.monthly += monthly;
    }

    /// What was created (or changed) under `key` in this run is gone again.
    pub fn undone(&self, key: impl Display) {
        let key = key.to_string();
        let mut ledger = self.0.borrow_mut();
        if let Some(at) = ledger.left.iter().position(|(k, _)| *k == key) {
            let (_, what) = ledger.left.remove(at);
            ledger.undone.push(what);
        }
    }

    /// Something billed that the API does not price beforehand (messages,
    /// E911 and CNAM records).
    pub fn spent_on(&self, what: impl Display) {
        self.0.borrow_mut().unpriced.push(what.to_string());
    }
}

/// Prints the one line that says a step did not run and why.
pub fn skipped(step: &str, why: impl Display) {
    println!("– {step} skipped: {why}");
}

/// The cheapest number the search returned, with its setup and monthly
/// prices: lowest setup cost first, then lowest monthly cost. Numbers the API
/// quoted no price for are never picked.
pub fn cheapest(found: &[AvailableNumber]) -> Option<(&AvailableNumber, f64, f64)> {
    found
        .iter()
        .filter_map(|n| Some((n, n.setup_cost?, n.monthly_cost?)))
        .min_by(|(_, s1, m1), (_, s2, m2)| s1.total_cmp(s2).then(m1.total_cmp(m2)))
}

/// The host the routes an example creates point at: the user's own, or one
/// under example.com, which is reserved and reaches no one.
pub fn route_host(name: &str) -> String {
    match std::env::var(ENV_ROUTE_HOST) {
        Ok(host) if !host.trim().is_empty() => host.trim().to_string(),
        _ => format!("{name}.example.com"),
    }
}

/// The client for the chosen target.
/// The Messaging API version asked for with [`ENV_MESSAGING_VERSION`].
fn messaging_version() -> Result<MessagingVersion, Box<dyn std::error::Error>> {
    match std::env::var(ENV_MESSAGING_VERSION) {
        Ok(v) if !v.is_empty() => Ok(v
            .parse()
            .map_err(|e| format!("{ENV_MESSAGING_VERSION}: {e}"))?),
        _ => Ok(MessagingVersion::default()),
    }
}

async fn connect() -> Result<(Client, Target), Box<dyn std::error::Error>> {
    let (client, target) = connect_to_target().await?;
    // One setting switches every `messages()` call of the run.
    Ok((client.with_messaging_version(messaging_version()?), target))
}

async fn connect_to_target() -> Result<(Client, Target), Box<dyn std::error::Error>> {
    let set = |k: &str| std::env::var(k).is_ok_and(|v| !v.is_empty());
    let spend = std::env::var(ENV_SPEND).is_ok_and(|v| v == "1");
    let ledger = RefCell::default();
    match (set(ENV_ACCESS_KEY), set(ENV_SECRET_KEY)) {
        (true, true) => {
            let client = Client::from_env()?;
            // Without a permit, the SDK itself refuses any change, whatever
            // an example's code calls.
            let client = if spend { client } else { client.read_only() };
            return Ok((
                client,
                Target {
                    sim: None,
                    spend,
                    ledger,
                },
            ));
        }
        // Half the credentials is a mistake, not a request for the simulator.
        (true, false) => return Err(half_set(ENV_ACCESS_KEY, ENV_SECRET_KEY).into()),
        (false, true) => return Err(half_set(ENV_SECRET_KEY, ENV_ACCESS_KEY).into()),
        (false, false) => {}
    }
    if set(ENV_BASE_URL) {
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
    let target = Target {
        sim: Some(sim),
        spend,
        ledger,
    };
    Ok((client, target))
}

fn half_set(set: &str, missing: &str) -> String {
    format!(
        "{set} is set but {missing} is not: set both to use your account, or neither to use the built-in simulator"
    )
}

/// Runs an example: connects, says where requests go under `title`, ends
/// with what the run left on the account and what it cost, and turns a
/// failure into one sentence and a non-zero exit.
pub async fn run_example<E: Display>(
    title: &str,
    example: impl AsyncFnOnce(Client, &Target) -> Result<(), E>,
) -> ExitCode {
    let (client, target) = match connect().await {
        Ok(connected) => connected,
        Err(e) => {
            eprintln!("✗ could not start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{title} → {}\n", target.describe(&client));
    let outcome = example(client, &target).await;
    // Also after a failure: the user must learn what the run left behind.
    println!("\n{}", target.summary());
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("✗ {failure}");
            ExitCode::FAILURE
        }
    }
}
