//! Tracing: one span per request with the operation, method, path template,
//! attempt and status, and nothing secret or personal in any event. Alone in
//! its binary because a thread-local subscriber races with other tests over
//! tracing's global callsite cache.

mod common;

use common::*;
use flowroute::PhoneNumber;
use flowroute::messages::Message;
use std::sync::Arc;

#[tokio::test]
async fn requests_are_traced_without_secrets_numbers_or_bodies() {
    use std::io::Write;
    #[derive(Clone, Default)]
    struct Capture(Arc<std::sync::Mutex<Vec<u8>>>);
    impl Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (server, client) = setup().await;
    server
        .mock_async(|when, then| {
            when.path("/v2.1/messages");
            then.status(202).body(
                r#"{"data":{"id":"mdr2-39cadeace66e11e7aff806cd7f24ba2d","type":"message"}}"#,
            );
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/v2/routes");
            then.status(503).body("{}");
        })
        .await;
    let from = PhoneNumber::parse("12012673227").unwrap();
    let to = PhoneNumber::parse("12065551234").unwrap();
    client
        .messages()
        .send(Message::sms(from, to, "hello"))
        .await
        .unwrap();
    client.routes().list().page().await.unwrap_err();

    let log = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("flowroute.request"), "{log}");
    assert!(
        log.contains("operation=\"send_a_message\"") || log.contains("operation=send_a_message"),
        "{log}"
    );
    assert!(
        log.contains("path=\"/v2.1/messages\"") || log.contains("path=/v2.1/messages"),
        "{log}"
    );
    assert!(log.contains("attempt=3"), "retries are traced: {log}");
    assert!(log.contains("status=503"), "{log}");
    for secret in [
        SECRET_KEY,
        AUTHORIZATION,
        "YWNjdDpzM2NyM3Q",
        "12065551234",
        "hello",
    ] {
        assert!(
            !log.contains(secret),
            "`{secret}` leaked into the trace:\n{log}"
        );
    }
}
