//! What every flow uses: a simulator with millisecond delays, a client on it,
//! and ways to wait for and read what the simulator did.

use flowroute::{ApiError, Client, Error, PhoneNumber};
use flowroute_sim::{RequestRecord, SIM_ACCESS_KEY, SIM_SECRET_KEY, Simulator, SimulatorBuilder};
use std::future::Future;
use std::time::Duration;

/// The longest any wait for the simulator's asynchronous work may take; the
/// work itself is a few multiples of the millisecond delays below.
pub(crate) const PATIENCE: Duration = Duration::from_secs(3);

pub(crate) fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A simulator whose receipts and webhook retries come within milliseconds.
pub(crate) fn fast_sim() -> SimulatorBuilder {
    Simulator::builder()
        .dlr_delay(ms(10))
        .callback_retry_interval(ms(50))
}

/// A started simulator and a client pointed at it.
pub(crate) struct Env {
    pub(crate) sim: Simulator,
    pub(crate) client: Client,
}

impl Env {
    pub(crate) async fn start() -> Env {
        let sim = fast_sim().start().await.expect("the simulator starts");
        let client = Client::builder()
            .credentials(SIM_ACCESS_KEY, SIM_SECRET_KEY)
            .base_url(sim.base_url())
            .build()
            .expect("a loopback base URL is accepted");
        Env { sim, client }
    }

    /// The numbers on the account now, in the simulator's order.
    pub(crate) async fn account_numbers(&self) -> Vec<PhoneNumber> {
        let numbers = self.client.numbers().list().all().await.unwrap();
        numbers.into_iter().map(|n| n.number).collect()
    }

    /// The first number of the starting account.
    pub(crate) async fn first_number(&self) -> PhoneNumber {
        self.account_numbers()
            .await
            .into_iter()
            .next()
            .expect("the account has a number")
    }
}

/// The error answer of a call that must fail with one.
#[track_caller]
pub(crate) fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> ApiError {
    match result {
        Err(Error::Api(e)) => *e,
        other => panic!("expected an error answer from the simulator, got {other:?}"),
    }
}

/// The `detail` of the first JSON:API error, as text.
pub(crate) fn detail(e: &ApiError) -> String {
    e.errors
        .first()
        .and_then(|d| d.detail.as_ref())
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// Polls `check` every few milliseconds until it gives a value; fails the
/// test, naming `what`, after [`PATIENCE`].
pub(crate) async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let poll = async {
        loop {
            if let Some(value) = check().await {
                return value;
            }
            tokio::time::sleep(ms(5)).await;
        }
    };
    match tokio::time::timeout(PATIENCE, poll).await {
        Ok(value) => value,
        Err(_) => panic!("timed out after {PATIENCE:?} waiting for {what}"),
    }
}

/// One query parameter of a logged request.
pub(crate) fn query_param(record: &RequestRecord, name: &str) -> Option<String> {
    record
        .query
        .as_deref()?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// `(limit, offset)` of every `GET path` in the log, in order.
pub(crate) fn pages_requested(
    sim: &Simulator,
    path: &str,
) -> Vec<(Option<String>, Option<String>)> {
    sim.requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == path)
        .map(|r| (query_param(r, "limit"), query_param(r, "offset")))
        .collect()
}
