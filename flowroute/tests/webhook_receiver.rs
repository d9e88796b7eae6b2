//! The axum receiver on a real loopback socket: what reaches the handler, what
//! Flowroute is answered, and the bounds that keep any client from holding the
//! server open (raw TCP clients, small configured timeouts).

use flowroute::webhooks::{self, Event, Receiver, fixtures};
use reqwest::StatusCode;
use serde_json::Value;
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio::time::{sleep, timeout};

const TOKEN: &str = "4f7d0c9e2b1a48f6a3c5d7e9b0f2a4c6";

/// What the handler saw, and how it should behave next.
#[derive(Default)]
struct Recorder {
    calls: Mutex<Vec<Event>>,
    fail: AtomicBool,
    panic: AtomicBool,
    /// When set, the handler signals `entered` and waits for `release`.
    hold: AtomicBool,
    entered: Notify,
    release: Notify,
}

impl Recorder {
    fn calls(&self) -> Vec<Event> {
        self.calls.lock().unwrap().clone()
    }

    fn receiver(self: &Arc<Self>) -> Receiver {
        let recorder = self.clone();
        Receiver::new(move |event: Event| {
            let recorder = recorder.clone();
            async move {
                recorder.calls.lock().unwrap().push(event);
                if recorder.hold.load(Ordering::SeqCst) {
                    recorder.entered.notify_one();
                    recorder.release.notified().await;
                }
                assert!(!recorder.panic.load(Ordering::SeqCst), "handler panics");
                if recorder.fail.load(Ordering::SeqCst) {
                    return Err("database unavailable");
                }
                Ok(())
            }
        })
    }
}

async fn listen() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    (listener, address)
}

fn run<S>(server: S) -> JoinHandle<()>
where
    S: IntoFuture<Output = ()>,
    S::IntoFuture: Send + 'static,
{
    tokio::spawn(server.into_future())
}

/// Serves `receiver` on 127.0.0.1 with the default bounds and returns its
/// base URL.
async fn serve(receiver: Receiver) -> String {
    let (listener, address) = listen().await;
    run(receiver.serve(listener));
    format!("http://{address}")
}

async fn post(url: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
    reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn post_json(url: &str, doc: &Value) -> StatusCode {
    post(url, doc.to_string()).await.status()
}

fn parsed(doc: &Value) -> Event {
    webhooks::parse(doc.to_string().as_bytes()).unwrap()
}

#[tokio::test]
async fn each_event_reaches_the_handler_once_and_is_answered_200() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    let mms = fixtures::inbound_mms(
        "12061232634",
        "12012673227",
        None,
        &["https://example.com/cat.png"],
    );
    let dlr = fixtures::delivery_receipt("mdr2-39cadeace66e11e7aff806cd7f24ba2d", "delivered");
    assert_eq!(post_json(&url, &sms).await, StatusCode::OK);
    assert_eq!(post_json(&url, &mms).await, StatusCode::OK);
    assert_eq!(post_json(&url, &dlr).await, StatusCode::OK);
    assert_eq!(recorder.calls(), [parsed(&sms), parsed(&mms), parsed(&dlr)]);
    assert!(matches!(recorder.calls()[1], Event::InboundMms(_)));
}

#[tokio::test]
async fn a_resend_is_acknowledged_without_reaching_the_handler_again() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    for _ in 0..5 {
        assert_eq!(post_json(&url, &sms).await, StatusCode::OK);
    }
    assert_eq!(recorder.calls(), [parsed(&sms)]);

    // Two receipts of one message are two events.
    let level2 = fixtures::delivery_receipt("mdr2-39cadeace66e11e7aff806cd7f24ba2d", "delivered");
    let mut level1 = level2.clone();
    level1["data"]["attributes"]["level"] = 1.into();
    for doc in [&level1, &level2, &level1, &level2] {
        assert_eq!(post_json(&url, doc).await, StatusCode::OK);
    }
    assert_eq!(recorder.calls().len(), 3);
}

#[tokio::test]
async fn without_dedupe_every_resend_reaches_the_handler() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver().without_dedupe()).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    assert_eq!(post_json(&url, &sms).await, StatusCode::OK);
    assert_eq!(post_json(&url, &sms).await, StatusCode::OK);
    assert_eq!(recorder.calls().len(), 2);
}

#[tokio::test]
async fn a_failing_handler_gets_500_and_the_resend_is_handled_again() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    recorder.fail.store(true, Ordering::SeqCst);
    let answer = post(&url, sms.to_string()).await;
    assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let text = answer.text().await.unwrap();
    assert!(
        !text.contains("database"),
        "the handler's error is logged, not sent: {text}"
    );
    assert_eq!(
        post_json(&url, &sms).await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    recorder.fail.store(false, Ordering::SeqCst);
    assert_eq!(post_json(&url, &sms).await, StatusCode::OK);
    assert_eq!(post_json(&url, &sms).await, StatusCode::OK);
    assert_eq!(
        recorder.calls(),
        [parsed(&sms), parsed(&sms), parsed(&sms)],
        "two failures and one success; the last resend is a repeat"
    );
}

#[tokio::test]
async fn a_panicking_handler_does_not_mark_the_event_handled() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    recorder.panic.store(true, Ordering::SeqCst);
    let dropped = reqwest::Client::new()
        .post(&url)
        .body(sms.to_string())
        .send()
        .await;
    assert!(dropped.is_err(), "the connection closes: {dropped:?}");
    recorder.panic.store(false, Ordering::SeqCst);
    assert_eq!(post_json(&url, &sms).await, StatusCode::OK);
    assert_eq!(recorder.calls().len(), 2);
}

#[tokio::test]
async fn a_resend_during_handling_is_answered_503_and_handled_only_once() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    recorder.hold.store(true, Ordering::SeqCst);
    let first = tokio::spawn({
        let (url, body) = (url.clone(), sms.to_string());
        async move { post(&url, body).await.status() }
    });
    recorder.entered.notified().await;
    let resend = post(&url, sms.to_string()).await;
    assert_eq!(resend.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(resend.headers()["retry-after"], "30");
    recorder.hold.store(false, Ordering::SeqCst);
    recorder.release.notify_one();
    assert_eq!(first.await.unwrap(), StatusCode::OK);
    assert_eq!(post_json(&url, &sms).await, StatusCode::OK);
    assert_eq!(recorder.calls().len(), 1);
}

#[tokio::test]
async fn a_body_that_is_not_a_webhook_gets_400_with_the_reason() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let answer = post(&url, r#"{"data":{"id":"x","type":"cdr_export"}}"#).await;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.text().await.unwrap(),
        "the webhook body is not a Flowroute webhook: at `data.type`: is `cdr_export`; expected `message` (an inbound SMS or MMS) or `delivery_receipt`"
    );
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello").to_string();
    let truncated = post(&url, sms[..sms.len() / 2].to_string()).await;
    assert_eq!(truncated.status(), StatusCode::BAD_REQUEST);
    assert!(truncated.text().await.unwrap().contains("truncated"));
    assert_eq!(post(&url, "").await.status(), StatusCode::BAD_REQUEST);
    assert!(recorder.calls().is_empty());
}

#[tokio::test]
async fn the_token_is_required_in_the_path_or_the_query() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver().token(TOKEN).unwrap()).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    let wrong = "4f7d0c9e2b1a48f6a3c5d7e9b0f2a4c7";
    for refused in [
        url.clone(),
        format!("{url}/?token={wrong}"),
        format!("{url}/{wrong}"),
        format!("{url}/{}", &TOKEN[1..]),
        format!("{url}/?token={TOKEN}x"),
        format!("{url}/?tok={TOKEN}"),
    ] {
        assert_eq!(
            post_json(&refused, &sms).await,
            StatusCode::NOT_FOUND,
            "{refused}"
        );
    }
    // Refused before the body is read: not 413.
    let large = post(&url, "x".repeat(2 * 1024 * 1024)).await;
    assert_eq!(large.status(), StatusCode::NOT_FOUND);
    assert!(recorder.calls().is_empty());
    assert_eq!(
        post_json(&format!("{url}/{TOKEN}"), &sms).await,
        StatusCode::OK
    );
    let dlr = fixtures::delivery_receipt("mdr2-39cadeace66e11e7aff806cd7f24ba2d", "delivered");
    assert_eq!(
        post_json(&format!("{url}/?token={TOKEN}"), &dlr).await,
        StatusCode::OK
    );
    assert_eq!(recorder.calls(), [parsed(&sms), parsed(&dlr)]);
}

#[tokio::test]
async fn without_a_token_only_the_root_is_served() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    assert_eq!(
        post_json(&format!("{url}/{TOKEN}"), &sms).await,
        StatusCode::NOT_FOUND
    );
    let get = reqwest::get(&url).await.unwrap();
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(recorder.calls().is_empty());
}

#[tokio::test]
async fn a_body_over_the_limit_gets_413() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver().body_limit(1024)).await;
    let sms = fixtures::inbound_sms("12061232634", "12012673227", &"x".repeat(2000));
    assert_eq!(post_json(&url, &sms).await, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(recorder.calls().is_empty());
}

#[tokio::test]
async fn the_default_limit_is_one_mebibyte() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let padded = |len: usize| {
        let mut body = fixtures::inbound_sms("12061232634", "12012673227", "Hello").to_string();
        body.push_str(&" ".repeat(len - body.len()));
        body
    };
    assert_eq!(
        post(&url, padded(1024 * 1024)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        post(&url, padded(1024 * 1024 + 1)).await.status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(recorder.calls().len(), 1);
}

#[tokio::test]
async fn events_without_an_id_are_never_taken_for_repeats() {
    let recorder = Arc::new(Recorder::default());
    let url = serve(recorder.receiver()).await;
    let mut first = fixtures::inbound_sms("12061232634", "12012673227", "one");
    let mut second = fixtures::inbound_sms("12061232634", "12012673227", "two");
    first["data"]["id"] = "".into();
    second["data"]["id"] = "".into();
    assert_eq!(post_json(&url, &first).await, StatusCode::OK);
    assert_eq!(post_json(&url, &second).await, StatusCode::OK);
    assert_eq!(recorder.calls(), [parsed(&first), parsed(&second)]);
}

/// The bound the tests configure: short, so that they run fast.
const BOUND: Duration = Duration::from_millis(300);

/// How long a test waits for what a bound promises: far above `BOUND`, so
/// that a server without the bound fails the test instead of hanging it.
const PATIENCE: Duration = Duration::from_secs(5);

/// Reads until the server closes the connection, and returns what it sent;
/// `None` when it is still open after `PATIENCE`.
async fn until_closed(stream: &mut (impl AsyncReadExt + Unpin)) -> Option<String> {
    let mut received = Vec::new();
    let mut buffer = [0; 1024];
    let read = timeout(PATIENCE, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&received).into_owned())
}

/// Writes `bytes` one at a time, one every 20 ms, until they run out or the
/// server closes the connection; returns how many were written.
fn drip(mut writer: tokio::net::tcp::OwnedWriteHalf, bytes: Vec<u8>) -> JoinHandle<usize> {
    tokio::spawn(async move {
        for (sent, byte) in bytes.into_iter().enumerate() {
            if writer.write_all(&[byte]).await.is_err() {
                return sent;
            }
            sleep(Duration::from_millis(20)).await;
        }
        usize::MAX
    })
}

fn request_head(path: &str, content_length: u64) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {content_length}\r\n\r\n"
    )
}

#[tokio::test]
async fn headers_sent_slowly_are_cut_off_by_the_header_read_timeout() {
    let recorder = Arc::new(Recorder::default());
    let (listener, address) = listen().await;
    run(recorder
        .receiver()
        .serve(listener)
        .header_read_timeout(BOUND));
    let (mut reader, writer) = TcpStream::connect(address).await.unwrap().into_split();
    // Headers that would take 20 s at this pace.
    let mut slow = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".to_vec();
    slow.extend(std::iter::repeat_n(b'a', 1000));
    let dripping = drip(writer, slow);
    assert!(
        until_closed(&mut reader).await.is_some(),
        "the connection is still open after {PATIENCE:?}"
    );
    let sent = dripping.await.unwrap();
    assert!(sent < 1000, "cut off after {sent} bytes");
    assert!(recorder.calls().is_empty());
}

#[tokio::test]
async fn a_body_sent_slowly_is_cut_off_by_the_request_timeout() {
    let recorder = Arc::new(Recorder::default());
    let (listener, address) = listen().await;
    run(recorder.receiver().serve(listener).request_timeout(BOUND));
    let body = fixtures::inbound_sms("12061232634", "12012673227", "Hello").to_string();
    let (mut reader, mut writer) = TcpStream::connect(address).await.unwrap().into_split();
    writer
        .write_all(request_head("/", body.len() as u64).as_bytes())
        .await
        .unwrap();
    let dripping = drip(writer, body.clone().into_bytes());
    let answer = until_closed(&mut reader).await;
    let answer = answer.unwrap_or_else(|| panic!("no answer after {PATIENCE:?}"));
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(dripping.await.unwrap() < body.len());
    assert!(recorder.calls().is_empty());
}

#[tokio::test]
async fn a_declared_length_over_the_limit_gets_413_before_the_body_is_read() {
    let recorder = Arc::new(Recorder::default());
    let (listener, address) = listen().await;
    run(recorder.receiver().serve(listener));
    let mut stream = TcpStream::connect(address).await.unwrap();
    let mut request = request_head("/", 2_147_483_648).into_bytes();
    request.extend_from_slice(b"{\"data\":{}");
    stream.write_all(&request).await.unwrap();
    let answer = until_closed(&mut stream).await;
    let answer = answer.unwrap_or_else(|| panic!("no answer after {PATIENCE:?}"));
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // One byte over the limit is refused the same way, on its head alone; at
    // the limit the body is read (and, being padding, refused as no webhook).
    let mut over = TcpStream::connect(address).await.unwrap();
    over.write_all(request_head("/", 1024 * 1024 + 1).as_bytes())
        .await
        .unwrap();
    let line = status_line(&mut over).await;
    assert!(line.starts_with("HTTP/1.1 413"), "{line}");
    let mut at = TcpStream::connect(address).await.unwrap();
    let mut request = request_head("/", 1024 * 1024).into_bytes();
    request.extend(std::iter::repeat_n(b' ', 1024 * 1024));
    at.write_all(&request).await.unwrap();
    let line = status_line(&mut at).await;
    assert!(line.starts_with("HTTP/1.1 400"), "{line}");
    assert!(recorder.calls().is_empty());
}

#[tokio::test]
async fn the_token_is_checked_before_the_declared_length() {
    let recorder = Arc::new(Recorder::default());
    let (listener, address) = listen().await;
    run(recorder.receiver().token(TOKEN).unwrap().serve(listener));
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(request_head("/wrong-token-0123456789", 2_147_483_648).as_bytes())
        .await
        .unwrap();
    let answer = until_closed(&mut stream).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(request_head(&format!("/{TOKEN}"), 2_147_483_648).as_bytes())
        .await
        .unwrap();
    let answer = until_closed(&mut stream).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

/// Reads the response up to and including `end`.
async fn read_until(stream: &mut TcpStream, end: &[u8]) -> String {
    let mut received = Vec::new();
    let mut byte = [0; 1];
    while !received.ends_with(end) {
        let read = timeout(PATIENCE, stream.read(&mut byte)).await;
        assert_eq!(read.expect("an answer").unwrap(), 1, "closed early");
        received.push(byte[0]);
    }
    String::from_utf8(received).unwrap()
}

async fn status_line(stream: &mut TcpStream) -> String {
    read_until(stream, b"\r\n").await
}

/// Reads one response whose head says `content-length: 0`.
async fn read_empty_response(stream: &mut TcpStream) -> String {
    let head = read_until(stream, b"\r\n\r\n").await;
    assert!(head.contains("content-length: 0\r\n"), "{head}");
    head
}

#[tokio::test]
async fn idle_connections_are_closed_after_the_header_read_timeout() {
    let recorder = Arc::new(Recorder::default());
    let (listener, address) = listen().await;
    run(recorder
        .receiver()
        .serve(listener)
        .header_read_timeout(BOUND));
    // A connection that never sends anything.
    let mut silent = TcpStream::connect(address).await.unwrap();
    // And a keep-alive connection after a delivery.
    let mut kept = TcpStream::connect(address).await.unwrap();
    let body = fixtures::inbound_sms("12061232634", "12012673227", "Hello").to_string();
    let request = format!("{}{body}", request_head("/", body.len() as u64));
    kept.write_all(request.as_bytes()).await.unwrap();
    let head = read_empty_response(&mut kept).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(recorder.calls().len(), 1);
    for (name, stream) in [("silent", &mut silent), ("kept alive", &mut kept)] {
        assert!(
            until_closed(stream).await.is_some(),
            "the {name} connection is still open after {PATIENCE:?}"
        );
    }
}

#[tokio::test]
async fn deliveries_get_through_while_idle_connections_hold_every_slot() {
    let recorder = Arc::new(Recorder::default());
    let (listener, address) = listen().await;
    run(recorder
        .receiver()
        .serve(listener)
        .header_read_timeout(BOUND)
        .max_connections(4));
    // Three times the cap in connections that send nothing and never close,
    // as an attacker would hold them.
    let mut idle = Vec::new();
    for _ in 0..12 {
        idle.push(TcpStream::connect(address).await.unwrap());
    }
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    let delivery = reqwest::Client::new()
        .post(format!("http://{address}/"))
        .body(sms.to_string())
        .timeout(PATIENCE)
        .send()
        .await
        .expect("the delivery is served");
    assert_eq!(delivery.status(), StatusCode::OK);
    assert_eq!(recorder.calls(), [parsed(&sms)]);
    for (i, stream) in idle.iter_mut().enumerate() {
        assert!(
            until_closed(stream).await.is_some(),
            "idle connection {i} is still open after {PATIENCE:?}"
        );
    }
}

#[tokio::test]
async fn at_the_connection_cap_the_next_connection_waits_for_a_free_slot() {
    let recorder = Arc::new(Recorder::default());
    let (listener, address) = listen().await;
    run(recorder
        .receiver()
        .serve(listener)
        .header_read_timeout(PATIENCE * 10)
        .max_connections(2));
    let held = [
        TcpStream::connect(address).await.unwrap(),
        TcpStream::connect(address).await.unwrap(),
    ];
    let mut third = TcpStream::connect(address).await.unwrap();
    let body = fixtures::inbound_sms("12061232634", "12012673227", "Hello").to_string();
    let request = format!("{}{body}", request_head("/", body.len() as u64));
    third.write_all(request.as_bytes()).await.unwrap();
    let mut byte = [0; 1];
    assert!(
        timeout(BOUND, third.read(&mut byte)).await.is_err(),
        "answered beyond the cap of 2 connections"
    );
    assert!(recorder.calls().is_empty());
    drop(held);
    let head = read_empty_response(&mut third).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(recorder.calls().len(), 1);
}

#[tokio::test]
async fn a_graceful_shutdown_lets_the_delivery_in_flight_finish() {
    let recorder = Arc::new(Recorder::default());
    let (listener, address) = listen().await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = run(recorder
        .receiver()
        .serve(listener)
        .with_graceful_shutdown(async {
            stopped.await.ok();
        }));
    recorder.hold.store(true, Ordering::SeqCst);
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    let in_flight = tokio::spawn({
        let (url, body) = (format!("http://{address}/"), sms.to_string());
        async move { post(&url, body).await.status() }
    });
    recorder.entered.notified().await;
    stop.send(()).unwrap();
    let refused = timeout(PATIENCE, async {
        while TcpStream::connect(address).await.is_ok() {
            sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(refused.is_ok(), "still accepting after {PATIENCE:?}");
    assert!(
        !server.is_finished(),
        "stopped before the delivery finished"
    );
    recorder.hold.store(false, Ordering::SeqCst);
    recorder.release.notify_one();
    assert_eq!(in_flight.await.unwrap(), StatusCode::OK);
    assert_eq!(recorder.calls(), [parsed(&sms)]);
    timeout(PATIENCE, server)
        .await
        .expect("the server stops once the delivery is answered")
        .unwrap();
}

#[tokio::test]
async fn a_graceful_shutdown_drops_what_outlives_the_shutdown_timeout() {
    let recorder = Arc::new(Recorder::default());
    let (listener, address) = listen().await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = run(recorder
        .receiver()
        .serve(listener)
        .shutdown_timeout(BOUND)
        .with_graceful_shutdown(async {
            stopped.await.ok();
        }));
    recorder.hold.store(true, Ordering::SeqCst);
    let sms = fixtures::inbound_sms("12061232634", "12012673227", "Hello");
    let in_flight = tokio::spawn({
        let (url, body) = (format!("http://{address}/"), sms.to_string());
        async move {
            reqwest::Client::new()
                .post(url)
                .body(body)
                .timeout(PATIENCE)
                .send()
                .await
        }
    });
    recorder.entered.notified().await;
    stop.send(()).unwrap();
    timeout(PATIENCE, server)
        .await
        .expect("the server stops after its shutdown timeout")
        .unwrap();
    let dropped = in_flight.await.unwrap();
    assert!(
        dropped.as_ref().is_err_and(|e| !e.is_timeout()),
        "the connection is closed, not left hanging: {dropped:?}"
    );
    // The handler never finished: the event is not taken for handled.
    assert_eq!(recorder.calls().len(), 1);
}
