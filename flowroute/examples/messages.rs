//! SMS and MMS: build messages, send them, follow one through its delivery
//! receipts, send on Messages v2.2 and read its price, stream the message
//! records of the last day, and read the account's callback URLs.
//! `FR_MESSAGING_VERSION=2.2` runs the whole example on v2.2.
//!
//! ```sh
//! cargo run -p flowroute --example messages
//! ```
//!
//! Without `FR_ACCESS_KEY`/`FR_SECRET_KEY` it runs against a simulator started
//! in-process. With them it uses your account; sending then runs only with
//! `FR_DEMO_SPEND=1`, to the phone in `FR_MOBILE_NUMBER`, from the first number
//! on the account (or `FR_FROM_NUMBER`); sending changes nothing on that
//! number, and the run ends with what it was billed for.

mod common;

use chrono::{Duration, Utc};
use common::{Target, run_example, skipped};
use flowroute::messages::{CallbackType, Message, MessagingVersion};
use flowroute::{Client, Error, PhoneNumber};
use futures_util::TryStreamExt;
use std::process::ExitCode;

/// Where messages go when `FR_MOBILE_NUMBER` is unset (simulator only).
const SIMULATED_MOBILE: &str = "12065550100";

#[tokio::main]
async fn main() -> ExitCode {
    run_example("Messages", run).await
}

async fn run(client: Client, target: &Target) -> Result<(), Box<dyn std::error::Error>> {
    let client = &client;
    let messages = client.messages();
    let from = match std::env::var("FR_FROM_NUMBER") {
        Ok(number) => PhoneNumber::parse(&number)?,
        Err(_) => match client.numbers().list().limit(1).page().await?.items.pop() {
            Some(first) => first.number,
            None => return Err("the account has no number to send from; buy one first".into()),
        },
    };
    let mobile = std::env::var("FR_MOBILE_NUMBER").ok();
    let to = PhoneNumber::parse(mobile.as_deref().unwrap_or(SIMULATED_MOBILE))?;

    // Messages are checked before sending: an SMS needs text.
    let empty = Message::sms(from.clone(), to.clone(), "");
    match messages.send(empty).await {
        Err(Error::InvalidInput { field, reason }) => {
            println!("✓ refused locally: {field} {reason}")
        }
        other => return Err(format!("an empty SMS should be refused, got {other:?}").into()),
    }
    let text = "Rust says hi. ".repeat(14);
    let sms = Message::sms(from.clone(), to.clone(), text.trim_end());
    println!(
        "✓ {} characters make an SMS of {} segments",
        text.trim_end().len(),
        sms.segments()
    );

    match target.permit() {
        Err(refused) => skipped("sending", refused),
        Ok(_) if mobile.is_none() && target.simulator().is_none() => {
            skipped("sending", "set FR_MOBILE_NUMBER to the phone to send to")
        }
        Ok(permit) => {
            let id = messages.send(sms).await?;
            permit.spent_on(format!("an SMS to {to}"));
            println!("✓ sent an SMS {from} → {to}: {id}");
            let mms = Message::mms(from.clone(), to.clone())
                .body("and a picture")
                .media_url("http://s3.amazonaws.com/barkpost-assets/50+GIFs/37.gif");
            println!("✓ sent an MMS {from} → {to}: {}", messages.send(mms).await?);
            permit.spent_on(format!("an MMS to {to}"));

            // One setting switches the Messaging API version; v2.2 also says
            // what a message cost, exactly, by Flowroute's formula.
            let v2_2 = client.with_messaging_version(MessagingVersion::V2_2);
            let hello = Message::sms(&from, &to, "Hello from Messages v2.2");
            let sent = v2_2.messages().send(hello).await?;
            permit.spent_on(format!("an SMS to {to} (v2.2)"));
            match &sent.price {
                Some(price) => println!(
                    "✓ sent on v2.2 as {sent}: {} segment(s) at ${} + ${} = ${} (Flowroute charged ${})",
                    price.segment_count.unwrap_or_default(),
                    price.base_rate.unwrap_or_default(),
                    price.surcharge_rate.unwrap_or_default(),
                    price.expected_cost().unwrap_or_default(),
                    price.charged_cost.unwrap_or_default(),
                ),
                None => println!("✓ sent on v2.2 as {sent}, without a price"),
            }

            // Receipts arrive within moments on the simulator, seconds on Flowroute.
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            let mdr = messages.get(&id).await?;
            let cost = mdr.amount_display.unwrap_or_default();
            let status = mdr
                .status
                .as_ref()
                .map_or("without a status", |s| s.as_str());
            println!("✓ the SMS is {status} and cost {cost}");
            for dlr in &mdr.delivery_receipts {
                let status = dlr.status.as_ref().map_or("?", |s| s.as_str());
                println!(
                    "✓ its receipt level {}: {status}",
                    dlr.level.unwrap_or_default()
                );
            }
        }
    }

    // Message records in a time window, streamed across pages.
    let now = Utc::now();
    let recent = messages.list(now - Duration::days(1)).end(now);
    let mut recent = recent.max_items(5).items();
    while let Some(mdr) = recent.try_next().await? {
        let body: String = mdr.body.unwrap_or_default().chars().take(24).collect();
        println!(
            "✓ {} {} {} → {}: “{body}”",
            mdr.direction, mdr.message_type, mdr.from, mdr.to
        );
    }

    for kind in [CallbackType::SmsCallback, CallbackType::SmsDlrCallback] {
        match messages.account_callback(kind.clone()).await {
            Ok(callback) => {
                let url = callback.callback_url.unwrap_or_default();
                println!("✓ {kind} → {}", origin(&url))
            }
            Err(e) if e.status().is_some_and(|s| s == 404) => println!("✓ {kind}: none set"),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// A callback URL's scheme and host: its path often holds a secret token.
fn origin(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(url) => format!("{}://{}/…", url.scheme(), url.host_str().unwrap_or("?")),
        Err(_) => "(not a URL)".into(),
    }
}
