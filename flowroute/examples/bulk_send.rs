//! Sending many messages: `send_all` paces them to Flowroute's 5 SMS a
//! second, reports each one's outcome under its key, and drives a progress bar.
//!
//! ```sh
//! cargo run -p flowroute --example bulk_send
//! ```
//!
//! Without `FR_ACCESS_KEY`/`FR_SECRET_KEY` it sends 25 SMS (two of them to
//! numbers that are refused before sending) to a simulator started
//! in-process, which enforces the same limits. With them it sends only with
//! `FR_DEMO_SPEND=1`: `FR_BULK_COUNT` SMS (default 3) to the phone in
//! `FR_MOBILE_NUMBER`, from the first number on the account.

mod common;

use common::{Target, run_example, skipped};
use flowroute::prelude::*;
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Instant;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    run_example("Bulk sending", run).await
}

/// The recipients: on the simulator, customers of a made-up shop, two of
/// them with numbers that are not phone numbers.
fn recipients(target: &Target) -> Result<Vec<(String, String)>, String> {
    if target.simulator().is_some() {
        return Ok((0..25)
            .map(|i| {
                let number = match i {
                    7 => "206-555".to_string(),
                    19 => "+1 (106) 555-0100".to_string(),
                    _ => format!("1206555{:04}", 100 + i),
                };
                (format!("customer-{i:02}"), number)
            })
            .collect());
    }
    let mobile = std::env::var("FR_MOBILE_NUMBER")
        .map_err(|_| "set FR_MOBILE_NUMBER to the phone to send to".to_string())?;
    let count: usize = std::env::var("FR_BULK_COUNT")
        .ok()
        .map_or(Ok(3), |n| n.parse())
        .map_err(|_| "FR_BULK_COUNT is not a count".to_string())?;
    Ok((0..count)
        .map(|i| (format!("message-{i}"), mobile.clone()))
        .collect())
}

async fn run(client: Client, target: &Target) -> Result<(), Box<dyn std::error::Error>> {
    let permit = match target.permit() {
        Ok(permit) => permit,
        Err(refused) => {
            skipped("sending", refused);
            return Ok(());
        }
    };
    let from = match client.numbers().list().items().try_next().await? {
        Some(first) => first.number,
        None => return Err("the account has no number to send from; buy one first".into()),
    };
    let recipients = recipients(target)?;
    let total = recipients.len();
    let messages = recipients.iter().map(|(key, to)| {
        let text = format!("Hi {key}, your order is ready.");
        (key.clone(), Message::sms(&from, to, text))
    });

    let bar = ProgressBar::new(total as u64).with_style(ProgressStyle::with_template(
        "{bar:30} {pos}/{len} {msg} [{elapsed}, about {eta} left]",
    )?);
    let started = Instant::now();
    let mut outcomes = client
        .messages()
        .send_all_keyed(messages.collect::<Vec<_>>());
    let progress = outcomes.progress();
    let mut failures = Vec::new();
    while let Some(outcome) = outcomes.next().await {
        match outcome.result {
            Ok(_) => {}
            Err(e) => failures.push((outcome.key, e)),
        }
        bar.set_message(format!(
            "{} sent, {} failed",
            progress.sent(),
            progress.failed()
        ));
        bar.inc(1);
    }
    bar.finish();
    permit.spent_on(format!("{} SMS", progress.sent()));

    let seconds = started.elapsed().as_secs_f64();
    let sent = progress.sent();
    println!(
        "✓ {sent} of {total} sent in {seconds:.1} s: one every {:.2} s, as Flowroute's 5 a second allows",
        seconds / sent.saturating_sub(1).max(1) as f64
    );
    for (key, error) in &failures {
        println!("✓ {key} not sent, and the rest went on: {error}");
    }
    if let Some(sim) = target.simulator() {
        let throttled = sim.requests().iter().filter(|r| r.throttled).count();
        println!("✓ the simulator, enforcing the same limits, answered 429 {throttled} times");
    }
    Ok(())
}
