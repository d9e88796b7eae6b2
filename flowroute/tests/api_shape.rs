//! The shape of the public API a new program meets first: one prelude import,
//! numbers given as text anywhere, builders finished by `.await`, streams
//! without `pin!`, models that survive a trip through serde, and webhook
//! errors that convert with `?`. Every call goes to the simulator on loopback.

use flowroute::prelude::*;
use flowroute::webhooks::{self, Event, fixtures};
use flowroute_sim::{SIM_ACCESS_KEY, SIM_SECRET_KEY, Simulator};
use serde::{Serialize, de::DeserializeOwned};
use std::fmt::Debug;

async fn account() -> (Simulator, Client) {
    let sim = Simulator::start().await.unwrap();
    let client = Client::builder()
        .credentials(SIM_ACCESS_KEY, SIM_SECRET_KEY)
        .base_url(sim.base_url())
        .build()
        .unwrap();
    (sim, client)
}

/// A value decoded from Flowroute, written to JSON and read back, is equal to
/// itself: what a cache or a queue needs.
fn round_trips<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) {
    let json = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, value, "{json}");
}

#[tokio::test]
async fn a_program_needs_only_the_prelude() {
    let (sim, client) = account().await;
    // A stream straight from `items()`: no `pin!` before `try_next`.
    let mut numbers = client.numbers().list().items();
    let first = numbers
        .try_next()
        .await
        .unwrap()
        .expect("a starting number");
    let ours: PhoneNumber = first.number.clone();

    // Numbers as text, in any of the accepted forms, with no `parse()?`.
    let id: MessageId = client
        .messages()
        .send(Message::sms(&ours, "+1 (206) 555-0100", "hello"))
        .await
        .unwrap()
        .id;
    let since = Utc::now() - TimeDelta::hours(1);
    let sent: Vec<_> = client
        .messages()
        .list(since)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(sent.iter().any(|mdr| mdr.id == id), "{sent:?}");

    // `StatusCode` from the prelude matches `Error::status`.
    let missing = client
        .messages()
        .get("mdr2-00000000000000000000000000000000")
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(StatusCode::NOT_FOUND));
    sim.shutdown().await;
}

#[tokio::test]
async fn numbers_given_as_text_are_checked_before_anything_is_sent() {
    let (sim, client) = account().await;
    let before = sim.requests().len();

    let refused = client
        .messages()
        .send(Message::sms("12012673227", "555-0100", "hi"))
        .await
        .unwrap_err();
    match &refused {
        Error::InvalidInput { field, reason } => {
            assert_eq!(*field, "to", "{refused}");
            assert!(reason.contains("555-0100"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    let refused = client
        .messages()
        .send(Message::mms("not a number", "12065550100").body("x"))
        .await
        .unwrap_err();
    assert!(
        refused.to_string().starts_with("invalid from:"),
        "{refused}"
    );
    let refused = client
        .routes()
        .create(NewRoute::number("12", "cell"))
        .await
        .unwrap_err();
    assert!(
        refused.to_string().starts_with("invalid route value:"),
        "{refused}"
    );
    assert_eq!(sim.requests().len(), before, "nothing was sent");
    sim.shutdown().await;
}

#[tokio::test]
async fn international_numbers_go_where_flowroute_takes_them() {
    let (sim, client) = account().await;
    // The portability check takes E.164 numbers from anywhere, with their `+`.
    let report = client.porting().check(["+44 20 7946 0958"]).await.unwrap();
    assert_eq!(
        report.nonportable,
        [PhoneNumber::parse("+442079460958").unwrap()]
    );
    // Messages v2.1 and number routes are documented for North American
    // numbers only: refused before anything is sent, saying so.
    let before = sim.requests().len();
    let sms = client
        .messages()
        .send(Message::sms("12012673227", "+44 20 7946 0958", "hi"))
        .await
        .unwrap_err();
    assert!(
        sms.to_string().contains("not a North American number"),
        "{sms}"
    );
    let route = client
        .routes()
        .create(NewRoute::number("+442079460958", "London"))
        .await
        .unwrap_err();
    assert!(
        route.to_string().starts_with("invalid route value:"),
        "{route}"
    );
    assert_eq!(sim.requests().len(), before, "nothing was sent");

    // A number typed with punctuation goes out as Flowroute writes it.
    let route = client
        .routes()
        .create(NewRoute::number("+1 (206) 555-0100", "cell"))
        .await
        .unwrap();
    assert_eq!(route.value.as_deref(), Some("12065550100"));
    let moved = client
        .routes()
        .update(&route.id)
        .destination(RouteType::Number, "+1 206-555-0199")
        .await
        .unwrap();
    assert_eq!(moved.value.as_deref(), Some("12065550199"));
    sim.shutdown().await;
}

#[tokio::test]
async fn builders_are_finished_by_await_alone() {
    let (sim, client) = account().await;
    let offer = client.numbers().search().limit(1).page().await.unwrap();
    let number = &offer.items[0].number;
    let bought = client
        .numbers()
        .purchase(number)
        .messaging_enabled(true)
        .await
        .unwrap();
    assert_eq!(&bought.details.attributes.number, number);
    let renamed = client
        .numbers()
        .update(number)
        .alias("front desk")
        .await
        .unwrap();
    assert_eq!(
        renamed.details.attributes.alias.as_deref(),
        Some("front desk")
    );
    // A builder dropped without `.await` sends nothing.
    let before = sim.requests().len();
    drop(client.numbers().update(number).alias("never sent"));
    assert_eq!(sim.requests().len(), before);
    sim.shutdown().await;
}

#[tokio::test]
async fn models_decoded_from_flowroute_survive_serde() {
    let (sim, client) = account().await;
    let numbers = client.numbers().list().all().await.unwrap();
    round_trips(&numbers);
    let details = client.numbers().get(&numbers[0].number).await.unwrap();
    round_trips(&details);
    round_trips(&client.numbers().search().limit(3).all().await.unwrap());
    round_trips(&client.numbers().area_codes().limit(3).all().await.unwrap());
    round_trips(&client.routes().list().all().await.unwrap());
    round_trips(&client.routes().edge_strategies().await.unwrap());

    let id = client
        .messages()
        .send(Message::sms(&numbers[0].number, "12065550100", "hello"))
        .await
        .unwrap()
        .id;
    let mdr = client.messages().get(&id).await.unwrap();
    round_trips(&mdr);

    let address = client
        .e911s()
        .create(
            NewE911Address::new()
                .label("office")
                .first_name("Ada")
                .last_name("Lovelace")
                .street_number("645")
                .street_name("Harrison St")
                .city("San Francisco")
                .state("CA")
                .country(E911Country::Us)
                .zip("94107"),
        )
        .await
        .unwrap();
    round_trips(&address);
    round_trips(&client.cnams().create("ADA LOVELACE").await.unwrap());
    round_trips(&client.porting().check(["12065550100"]).await.unwrap());
    let end = Utc::now();
    let export = client
        .cdrs()
        .create(CdrFilter::new(end - TimeDelta::days(1), end))
        .await
        .unwrap();
    round_trips(&export);

    for body in [
        fixtures::inbound_sms("12065550100", "12012673227", "hi"),
        fixtures::inbound_mms(
            "12065550100",
            "12012673227",
            None,
            &["https://example.com/a.png"],
        ),
        fixtures::delivery_receipt(id.as_str(), "delivered"),
    ] {
        let event = webhooks::parse(body.to_string().as_bytes()).unwrap();
        round_trips(&event);
    }
    sim.shutdown().await;
}

#[test]
fn a_webhook_error_converts_with_the_question_mark() {
    fn handle(body: &[u8]) -> Result<Event, Error> {
        Ok(webhooks::parse(body)?)
    }
    let error = handle(b"").unwrap_err();
    assert!(matches!(error, Error::Webhook(_)), "{error:?}");
    assert_eq!(error.to_string(), "the webhook body is empty");
    assert!(!error.is_transient());
}
