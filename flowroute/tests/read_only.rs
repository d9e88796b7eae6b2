//! A read-only client sends reads and the two checks sent as `POST`, and
//! refuses every change before anything leaves, whatever the calling code does.

use flowroute::messages::{CallbackType, Message};
use flowroute::routes::NewRoute;
use flowroute::{Client, Error, PhoneNumber};
use flowroute_sim::{SIM_ACCESS_KEY, SIM_SECRET_KEY, Simulator};

fn refused<T: std::fmt::Debug>(what: &str, result: Result<T, Error>) {
    match result {
        Err(Error::Config { reason }) => assert!(
            reason.contains("read-only") && reason.contains("nothing was sent"),
            "{what}: {reason}"
        ),
        other => panic!("{what}: expected the read-only refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_read_only_client_sends_only_what_changes_nothing() {
    let sim = Simulator::start().await.unwrap();
    let writer = Client::builder()
        .credentials(SIM_ACCESS_KEY, SIM_SECRET_KEY)
        .base_url(sim.base_url())
        .build()
        .unwrap();
    // An account with a number and a route, so that every refusal below is
    // a call that would have succeeded.
    let offer = writer.numbers().search().limit(1).page().await.unwrap();
    let number = offer.items[0].number.clone();
    writer.numbers().purchase(&number).await.unwrap();
    let route = writer
        .routes()
        .create(NewRoute::host("pbx.example.com", "office"))
        .await
        .unwrap();
    sim.clear_requests();

    for client in [
        writer.read_only(),
        Client::builder()
            .credentials(SIM_ACCESS_KEY, SIM_SECRET_KEY)
            .base_url(sim.base_url())
            .read_only(true)
            .build()
            .unwrap(),
    ] {
        let other: PhoneNumber = "12065550188".parse().unwrap();
        refused("purchase", client.numbers().purchase(&other).await);
        refused("release", client.numbers().release(&number).await);
        refused(
            "send",
            client
                .messages()
                .send(Message::sms(number.clone(), other.clone(), "hi"))
                .await,
        );
        refused(
            "create route",
            client
                .routes()
                .create(NewRoute::host("x.example.com", "x"))
                .await,
        );
        refused(
            "set primary",
            client.routes().set_primary(&number, &route.id).await,
        );
        refused("delete route", client.routes().delete(&route.id).await);
        refused("create cnam", client.cnams().create("EXAMPLE CO").await);
        refused(
            "set callback",
            client
                .messages()
                .set_account_callback(CallbackType::SmsCallback, "https://example.com/hook")
                .await,
        );
        refused("assign e911", client.e911s().assign(&number, "1").await);

        let numbers = client.numbers().list().all().await.unwrap();
        assert!(numbers.iter().any(|n| n.number == number));
        let routes = client.routes().list().all().await.unwrap();
        assert!(routes.iter().any(|r| r.id == route.id));
        client.porting().check([&other]).await.unwrap();
    }
    let sent: Vec<String> = sim
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        sent.iter()
            .all(|r| r.starts_with("GET ") || r == "POST /v2/portorders/portability"),
        "{sent:?}"
    );
    assert_eq!(sent.len(), 6, "{sent:?}");
}
