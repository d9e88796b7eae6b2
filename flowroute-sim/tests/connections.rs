//! Connections cannot pile up: one that sits without a complete request
//! head (idle keep-alive, or a client sending its head slowly) is closed,
//! and connections beyond the cap wait to be accepted.

mod common;

use std::time::{Duration, Instant};

use common::Api;
use flowroute_sim::Simulator;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

const IDLE: Duration = Duration::from_millis(300);

/// Reads until the server closes the connection or `deadline` passes;
/// true when it closed. Answers to requests sent before are read past.
async fn closes_by(stream: &mut TcpStream, deadline: Instant) -> bool {
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at(deadline.into(), stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
        }
    }
}

#[tokio::test]
async fn a_connection_without_a_complete_request_head_is_closed() {
    let api = Api::with(Simulator::builder().idle_timeout(IDLE)).await;
    let addr = api.sim.addr();

    let opened = Instant::now();
    let silent = TcpStream::connect(addr).await.unwrap();
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /v2/routes HTTP/1.1\r\nHo")
        .await
        .unwrap();
    let mut kept_alive = TcpStream::connect(addr).await.unwrap();
    kept_alive
        .write_all(b"GET /__sim/faults HTTP/1.1\r\nHost: sim\r\n\r\n")
        .await
        .unwrap();

    let mut streams = [
        ("silent", silent),
        ("slow head", slow),
        ("idle keep-alive", kept_alive),
    ];
    // Not before the timeout…
    let early = opened + IDLE / 2;
    for (name, stream) in &mut streams {
        assert!(!closes_by(stream, early).await, "{name}: closed too early");
    }
    // …but soon after it.
    let late = Instant::now() + Duration::from_secs(5);
    for (name, stream) in &mut streams {
        assert!(
            closes_by(stream, late).await,
            "{name}: still open after 5 s"
        );
    }

    // A client that keeps sending requests is not disturbed.
    for _ in 0..3 {
        tokio::time::sleep(IDLE / 2).await;
        assert_eq!(api.get("/v2/routes").await.status, 200);
    }
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let api = Api::with(Simulator::builder().max_connections(2)).await;
    let addr = api.sim.addr();
    let holders = [
        TcpStream::connect(addr).await.unwrap(),
        TcpStream::connect(addr).await.unwrap(),
    ];
    // Let the simulator accept both before the third arrives.
    tokio::time::sleep(Duration::from_millis(100)).await;

    let waiting = api
        .request(reqwest::Method::GET, "/v2/routes")
        .timeout(Duration::from_millis(500))
        .send()
        .await;
    assert!(
        waiting.is_err_and(|e| e.is_timeout()),
        "a third connection is not served while two are open"
    );

    drop(holders);
    let served = api
        .request(reqwest::Method::GET, "/v2/routes")
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("served once a slot is free");
    assert_eq!(served.status(), 200);
}
