//! Webhooks: serve a `Receiver` (feature `receiver`), point the account's
//! `sms_callback` and `sms_dlr_callback` at it, and print each inbound SMS and
//! delivery receipt Flowroute POSTs there.
//!
//! ```sh
//! cargo run -p flowroute --example webhook_receiver --features receiver
//! ```
//!
//! Without `FR_ACCESS_KEY`/`FR_SECRET_KEY` it runs against a simulator started
//! in-process: it has the simulator deliver an inbound SMS, sends an SMS to
//! get its two receipts, and exits once the three events arrived.
//!
//! With them it listens on `0.0.0.0:8080` (or `FR_WEBHOOK_LISTEN`) until
//! Ctrl-C. Expose that port at a public https URL (a reverse proxy or a
//! tunnel) and put the URL in `FR_WEBHOOK_URL`: with `FR_DEMO_SPEND=1` too, the
//! example then registers it, with an unguessable token appended, as the
//! account's callbacks, and puts the previous callbacks back when it stops.
//! Without `FR_DEMO_SPEND=1` it changes nothing and prints the URL to register.

mod common;

use common::{Target, run_example, skipped};
use flowroute::Client;
use flowroute::messages::{CallbackType, Message};
use flowroute::webhooks::{Event, Receiver};
use flowroute_sim::{SimulatedMessage, Simulator};
use std::process::ExitCode;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

/// The callbacks this example takes over.
const KINDS: [CallbackType; 2] = [CallbackType::SmsCallback, CallbackType::SmsDlrCallback];

#[tokio::main]
async fn main() -> ExitCode {
    run_example("Webhook receiver", run).await
}

async fn run(client: Client, target: &Target) -> Result<(), Box<dyn std::error::Error>> {
    let client = &client;
    // The handler only passes events on; answering 200 tells Flowroute to stop resending.
    let (events_in, mut events) = unbounded_channel();
    let token = random_token();
    let receiver = Receiver::new(move |event: Event| {
        let sent = events_in.send(event);
        async move { sent.map_err(|_| "the example has stopped listening") }
    })
    .token(&token)?;

    let address = match target.simulator() {
        Some(_) => "127.0.0.1:0".to_string(),
        None => std::env::var("FR_WEBHOOK_LISTEN").unwrap_or_else(|_| "0.0.0.0:8080".into()),
    };
    let listener = tokio::net::TcpListener::bind(&address).await?;
    let local = listener.local_addr()?;
    // Every bound set: header and request timeouts, body limit, connection cap.
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        receiver
            .serve(listener)
            .with_graceful_shutdown(async {
                stopped.await.ok();
            })
            .await
    });
    println!("✓ receiver listening on http://{local}/");

    let public = match target.simulator() {
        Some(_) => Some(format!("http://{local}")),
        None => std::env::var("FR_WEBHOOK_URL").ok(),
    };
    let messages = client.messages();
    let mut previous = Vec::new();
    // The callbacks are account-wide: they take every inbound SMS and receipt
    // away from wherever they went before, until put back below.
    match (public, target.permit()) {
        (Some(base), Err(refused)) => {
            skipped("registering the callbacks", refused);
            let base = base.trim_end_matches('/');
            println!("  to receive webhooks here, register {base}/{token} yourself");
        }
        (Some(base), Ok(permit)) => {
            let base = base.trim_end_matches('/');
            let url = format!("{base}/{token}");
            for kind in KINDS {
                let before = match messages.account_callback(kind.clone()).await {
                    Ok(callback) => callback.callback_url,
                    Err(e) if e.status().is_some_and(|s| s == 404) => None,
                    Err(e) => return Err(e.into()),
                };
                // The old URL may hold its receiver's token: not printed.
                let was = if before.is_some() { "set" } else { "unset" };
                previous.push((kind.clone(), before));
                messages.set_account_callback(kind.clone(), &url).await?;
                permit.created(
                    &kind,
                    format!("the account's {kind}, set to {base}/<token> (it was {was})"),
                );
                println!("✓ {kind} → {base}/<token>");
            }
        }
        (None, _) => println!(
            "– callbacks left alone: expose http://{local}/ publicly and set FR_WEBHOOK_URL to that URL, or register <that URL>/{token} yourself"
        ),
    }

    let outcome = match target.simulator() {
        Some(sim) => converse(client, sim, &mut events).await,
        None => {
            println!("  waiting for webhooks; Ctrl-C to stop");
            loop {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => break Ok(()),
                    Some(event) = events.recv() => println!("{}", describe(&event)),
                }
            }
        }
    };
    // Only reached with a permit: `previous` is empty without one.
    if let Ok(permit) = target.permit() {
        for (kind, url) in previous {
            match url {
                Some(url) => messages.set_account_callback(kind.clone(), url).await?,
                None => messages.remove_account_callback(kind.clone()).await?,
            }
            permit.undone(&kind);
            println!("✓ {kind} put back as it was");
        }
    }
    // Flowroute no longer sends here: let a delivery in flight finish, then stop.
    let _ = stop.send(());
    server.await?;
    outcome
}

/// On the simulator: one inbound SMS and one sent SMS make three events.
async fn converse(
    client: &Client,
    sim: &Simulator,
    events: &mut UnboundedReceiver<Event>,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut page = client.numbers().list().limit(1).page().await?;
    let ours = page
        .items
        .pop()
        .ok_or("the account has no phone number")?
        .number;
    let customer = "12065550123";
    sim.inbound(SimulatedMessage::sms(
        customer,
        ours.as_str(),
        "Open today?",
    ))?;
    let reply = Message::sms(ours, customer, "Yes, until 6pm.");
    println!("✓ sent a reply: {}", client.messages().send(reply).await?);

    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    for received in 1..=3 {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(event)) => println!("{}", describe(&event)),
            _ => return Err(format!("only {} of 3 webhooks arrived in 10 s", received - 1).into()),
        }
    }
    Ok(())
}

/// One line per event.
fn describe(event: &Event) -> String {
    match event {
        Event::InboundSms(sms) => {
            let body = sms.body.as_deref().unwrap_or("");
            format!("✓ SMS {} from {} to {}: “{body}”", sms.id, sms.from, sms.to)
        }
        Event::InboundMms(mms) => {
            let media = mms.media.len();
            format!("✓ MMS {} from {} with {media} media", mms.id, mms.from)
        }
        Event::DeliveryReceipt(dlr) => {
            let level = dlr.level.unwrap_or_default();
            format!(
                "✓ receipt {level} for {}: {}",
                dlr.message_id,
                dlr.status.as_ref().map_or("no status", |s| s.as_str())
            )
        }
        other => format!("✓ another event about {}", other.message_id()),
    }
}

/// 32 hex digits for the callback URL. The standard library has no public
/// random generator, but `RandomState`'s keys come from the OS's; a service
/// would use a crate such as `getrandom`.
fn random_token() -> String {
    use std::hash::{BuildHasher, RandomState};
    let half = || RandomState::new().hash_one(std::time::SystemTime::now());
    format!("{:016x}{:016x}", half(), half())
}
