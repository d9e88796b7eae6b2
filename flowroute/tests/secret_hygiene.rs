//! Secret hygiene over a whole demo run: the README's thirteen steps against a
//! simulator with known credentials, traced at TRACE level into a buffer, and
//! then every error variant the client can produce. Neither the secret key nor
//! the Basic credentials may appear in the trace, in the client and builder as
//! printed, or in any error as displayed or debugged; the message text and its
//! destination may not appear in the SDK's trace.
//!
//! Alone in its binary: the subscriber is process-wide, and a test without it
//! running alongside would race it over tracing's callsite cache.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use flowroute::chrono::{Duration as Days, Utc};
use flowroute::messages::Message;
use flowroute::retry::RetryPolicy;
use flowroute::routes::NewRoute;
use flowroute::{Client, ClientBuilder, Error, PhoneNumber};
use flowroute_sim::{Fault, FaultRule, Simulator};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::prelude::*;

const ACCESS_KEY: &str = "hygiene-access";
const SECRET_KEY: &str = "hygiene-Secret-9c4e1d77";
/// The secret of a client that gets a 401: just as secret.
const WRONG_SECRET: &str = "hygiene-Wrong-5b20aa31";
/// Not a number on the simulator's account, so it can only show up in a
/// trace by way of the message.
const DESTINATION: &str = "13125557788";
const BODY: &str = "meet at the blue door, 4417";
const MEDIA_URL: &str = "http://s3.amazonaws.com/barkpost-assets/50+GIFs/37.gif";

/// Everything that must never be printed: each secret, its Basic token, the
/// header value, and the secret encoded alone.
fn secrets() -> Vec<String> {
    let mut out = Vec::new();
    for secret in [SECRET_KEY, WRONG_SECRET] {
        let token = BASE64.encode(format!("{ACCESS_KEY}:{secret}"));
        out.push(secret.to_string());
        out.push(format!("Basic {token}"));
        out.push(token);
        out.push(BASE64.encode(secret));
    }
    out
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn is_sdk(target: &str) -> bool {
    ["flowroute", "flowroute_raw"]
        .iter()
        .any(|krate| target == *krate || target.starts_with(&format!("{krate}::")))
}

/// Two captures of every event and span (opened, entered, closed, with their
/// fields) at every level: one of every crate but `httpmock`, the other of
/// the SDK's own (`flowroute`, `flowroute_raw`) only.
///
/// Secrets are checked against the first. `httpmock` is left out of it
/// because it is not part of a client: it stands in for Flowroute's servers
/// (for the one error the simulator cannot cause), and at TRACE it prints
/// every request it receives, `Authorization` header included — as any server
/// that logs its requests would.
///
/// The message text and destination are checked against the second only:
/// what the HTTP stack under the SDK traces (hyper-util traces its connection
/// pool, and another version may trace more) is its own business, and an
/// application that records it chooses to, by target.
fn install_capture() -> (Capture, Capture) {
    let (all, sdk) = (Capture::default(), Capture::default());
    let subscriber = tracing_subscriber::registry()
        .with(
            layer(&all).with_filter(tracing_subscriber::filter::filter_fn(|meta| {
                !meta.target().starts_with("httpmock")
            })),
        )
        .with(
            layer(&sdk).with_filter(tracing_subscriber::filter::filter_fn(|meta| {
                is_sdk(meta.target())
            })),
        );
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    (all, sdk)
}

fn layer<S>(capture: &Capture) -> impl tracing_subscriber::Layer<S>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    let capture = capture.clone();
    tracing_subscriber::fmt::layer()
        .with_writer(move || capture.clone())
        .with_ansi(false)
        .with_span_events(FmtSpan::FULL)
}

fn builder(sim: &Simulator, secret: &str) -> ClientBuilder {
    Client::builder()
        .credentials(ACCESS_KEY, secret)
        .base_url(sim.base_url())
}

/// The demo's thirteen steps (`examples/demo.rs`), each required to succeed,
/// with this test's destination and text for the message.
async fn demo(client: &Client) {
    let numbers = client.numbers();
    let area_codes = numbers
        .area_codes()
        .max_setup_cost(3.25)
        .limit(3)
        .page()
        .await
        .unwrap();
    assert!(!area_codes.items.is_empty());
    numbers
        .exchanges()
        .area_code("347")
        .limit(3)
        .page()
        .await
        .unwrap();
    let found = numbers
        .search()
        .starts_with("646")
        .contains("3")
        .ends_with("7")
        .limit(3)
        .page()
        .await
        .unwrap();
    let candidate = found.items.first().expect("the search finds a number");
    let bought = numbers.purchase(&candidate.number).await.unwrap();
    let number = bought.details.attributes.number;
    let listed = numbers.list().limit(3).page().await.unwrap();
    assert!(!listed.items.is_empty());
    let details = numbers.get(&number).await.unwrap();
    assert_eq!(details.attributes.number, number);

    let routes = client.routes();
    // As the demo does: two routes of its own, never one for both roles.
    let primary = routes
        .create(NewRoute::host("primary.demo.example.com", "demo primary"))
        .await
        .unwrap();
    let failover = routes
        .create(NewRoute::host("failover.demo.example.com", "demo failover"))
        .await
        .unwrap();
    assert!(
        !routes
            .list()
            .limit(3)
            .page()
            .await
            .unwrap()
            .items
            .is_empty()
    );
    routes.set_primary(&number, &primary.id).await.unwrap();
    routes.set_failover(&number, &failover.id).await.unwrap();

    let messages = client.messages();
    let mms = Message::mms(number.clone(), PhoneNumber::parse(DESTINATION).unwrap())
        .body(BODY)
        .media_url(MEDIA_URL);
    let id = messages.send(mms).await.unwrap();
    let end = Utc::now() + Days::minutes(1);
    let listed = messages
        .list(end - Days::days(30))
        .end(end)
        .limit(2)
        .page()
        .await
        .unwrap();
    assert!(!listed.items.is_empty());
    let mdr = messages.get(&id).await.unwrap();
    assert_eq!(
        (mdr.to.as_str(), mdr.body.as_deref()),
        (DESTINATION, Some(BODY))
    );
}

/// One error of every variant the client produces, each made the way an
/// application meets it, all with the real (or a wrong) secret configured.
async fn every_error(sim: &Simulator, client: &Client) -> Vec<(&'static str, Error)> {
    let once = RetryPolicy::none();
    let mut errors = Vec::new();

    let wrong = builder(sim, WRONG_SECRET).build().unwrap();
    errors.push(("Api 401", wrong.numbers().list().page().await.unwrap_err()));

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nobody = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let unreachable = Client::builder()
        .credentials(ACCESS_KEY, SECRET_KEY)
        .base_url(nobody)
        .retry_policy(once.clone())
        .build()
        .unwrap();
    errors.push((
        "Transport",
        unreachable.routes().list().page().await.unwrap_err(),
    ));

    let slow = Fault::Delay(Duration::from_secs(3));
    sim.add_fault(FaultRule::new("/v2/routes", slow).method("GET"))
        .unwrap();
    let impatient = client
        .with_retry_policy(once.clone())
        .with_request_timeout(Duration::from_millis(200));
    errors.push((
        "Timeout",
        impatient.routes().list().page().await.unwrap_err(),
    ));

    sim.add_fault(FaultRule::new("/v2/routes", Fault::MalformedBody).method("GET"))
        .unwrap();
    errors.push(("Decode", client.routes().list().page().await.unwrap_err()));

    errors.push((
        "InvalidInput",
        client.numbers().get("555-0100").await.unwrap_err(),
    ));

    for (what, builder) in [
        (
            "Config (empty secret)",
            Client::builder().credentials(ACCESS_KEY, " "),
        ),
        (
            "Config (`:` in the access key)",
            Client::builder().credentials("acct:x", SECRET_KEY),
        ),
        (
            "Config (no access key)",
            Client::builder().credentials("", SECRET_KEY),
        ),
        (
            "Config (credentials in the base URL)",
            Client::builder()
                .credentials(ACCESS_KEY, SECRET_KEY)
                .base_url(format!("http://{ACCESS_KEY}:{SECRET_KEY}@127.0.0.1:1/")),
        ),
        (
            "Config (http to a remote host)",
            Client::builder()
                .credentials(ACCESS_KEY, SECRET_KEY)
                .base_url("http://api.example.com"),
        ),
    ] {
        errors.push((what, builder.build().unwrap_err()));
    }

    // The simulator pages correctly; a mock that answers every offset with
    // the same page makes the pagination's loop guard answer.
    let mock = httpmock::MockServer::start_async().await;
    mock.mock_async(|when, then| {
        when.path("/v2/routes");
        then.status(200).json_body(json!({
            "data": [{"id": "1", "type": "route",
                "attributes": {"alias": "a", "route_type": "host", "value": "h.example.com"}}],
            "links": {"next": "https://api.flowroute.com/v2/routes?offset=1"}}));
    })
    .await;
    let looping = Client::builder()
        .credentials(ACCESS_KEY, SECRET_KEY)
        .base_url(mock.base_url())
        .build()
        .unwrap();
    errors.push(("Protocol", looping.routes().list().all().await.unwrap_err()));

    let small = builder(sim, SECRET_KEY)
        .max_response_bytes(64)
        .build()
        .unwrap();
    errors.push((
        "ResponseTooLarge",
        small.routes().list().page().await.unwrap_err(),
    ));

    // A redirect whose Location carries a token: only its host may show.
    mock.mock_async(|when, then| {
        when.path("/v2/numbers");
        then.status(307).header(
            "location",
            format!("https://elsewhere.example/v2/numbers?token={SECRET_KEY}"),
        );
    })
    .await;
    errors.push((
        "Redirect",
        looping.numbers().list().page().await.unwrap_err(),
    ));
    errors
}

/// The variant's name, to check each error is the one it stands for.
fn variant(e: &Error) -> &'static str {
    match e {
        Error::Api(_) => "Api",
        Error::Transport { .. } => "Transport",
        Error::Timeout { .. } => "Timeout",
        Error::ResponseTooLarge { .. } => "ResponseTooLarge",
        Error::Decode(_) => "Decode",
        Error::InvalidInput { .. } => "InvalidInput",
        Error::Config { .. } => "Config",
        Error::Protocol { .. } => "Protocol",
        Error::Redirect { .. } => "Redirect",
        _ => "unknown",
    }
}

/// Display and Debug of the error and of every error in its source chain.
fn shown(e: &Error) -> String {
    let mut out = format!("{e}\n{e:?}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(&format!("\n{s}\n{s:?}"));
        source = s.source();
    }
    out
}

#[tokio::test]
async fn a_full_demo_run_leaks_no_secret_and_traces_no_message_content() {
    let (all, sdk) = install_capture();
    let sim = Simulator::builder()
        .credentials(ACCESS_KEY, SECRET_KEY)
        .start()
        .await
        .unwrap();
    let before_build = builder(&sim, SECRET_KEY);
    let mut printed = vec![("ClientBuilder".to_string(), format!("{before_build:?}"))];
    let client = before_build.build().unwrap();
    printed.push(("Client".into(), format!("{client:?}")));
    let derived = client
        .with_retry_policy(RetryPolicy::none())
        .with_deadline(Duration::from_secs(1));
    printed.push(("derived Client".into(), format!("{derived:?}")));
    // A prefix tells two accounts apart in a log; the whole key is not shown.
    assert!(!printed[1].1.contains(ACCESS_KEY), "{}", printed[1].1);
    assert!(
        printed[1].1.contains(&format!("\"{}…\"", &ACCESS_KEY[..4])),
        "{}",
        printed[1].1
    );

    demo(&client).await;
    let errors = every_error(&sim, &client).await;
    sim.shutdown().await;

    let mut variants: Vec<&str> = errors.iter().map(|(_, e)| variant(e)).collect();
    variants.dedup();
    assert_eq!(
        variants,
        [
            "Api",
            "Transport",
            "Timeout",
            "Decode",
            "InvalidInput",
            "Config",
            "Protocol",
            "ResponseTooLarge",
            "Redirect"
        ]
    );
    for (what, e) in &errors {
        assert!(what.starts_with(variant(e)), "{what}: {e:?}");
        printed.push((what.to_string(), shown(e)));
    }
    assert_eq!(errors[0].1.status().map(|s| s.as_u16()), Some(401));

    let trace = all.text();
    let sdk_trace = sdk.text();
    // The captures worked: every step of the demo is in them.
    for operation in [
        "list_available_area_codes",
        "list_available_exchange_codes",
        "search_for_purchasable_phone_numbers",
        "purchase_a_phone_number",
        "list_account_phone_numbers",
        "list_phone_number_details",
        "create_an_inbound_route",
        "list_inbound_routes",
        "update_primary_voice_route",
        "update_failover_voice_route",
        "send_a_message",
        "look_up_a_set_of_messages",
        "look_up_a_message_detail_record",
    ] {
        assert!(sdk_trace.contains(operation), "{operation} is not traced");
    }
    assert!(trace.len() > sdk_trace.len(), "other crates traced nothing");

    for secret in secrets() {
        assert!(
            !trace.contains(&secret),
            "`{secret}` is in the trace:\n{trace}"
        );
        for (what, text) in &printed {
            assert!(
                !text.contains(&secret),
                "`{secret}` is in the {what} as printed:\n{text}"
            );
        }
    }
    for content in [DESTINATION, BODY, MEDIA_URL] {
        assert!(
            !sdk_trace.contains(content),
            "`{content}` is in the SDK's trace:\n{sdk_trace}"
        );
    }
}

/// A base URL that does not parse is quoted in the `Config` error without
/// anything before an `@`, so credentials written into it by mistake stay out
/// of whatever logs the error.
#[test]
fn a_base_url_that_does_not_parse_is_not_quoted_with_its_credentials() {
    let e = Client::builder()
        .credentials(ACCESS_KEY, SECRET_KEY)
        .base_url(format!("http://{ACCESS_KEY}:{SECRET_KEY}@exa mple.com/"))
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Config { .. }), "{e:?}");
    assert!(!shown(&e).contains(SECRET_KEY), "{e}");
}
