//! Compressed answers: the client asks for gzip, the size cap bounds what a
//! gzip body expands to, and an MDR stream's bytes on the wire with and without.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use flowroute::{Client, Error};
use flowroute_sim::{SIM_ACCESS_KEY, SIM_SECRET_KEY, SimulatedMessage, Simulator};
use futures_util::TryStreamExt as _;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn a_small_gzip_expanding_past_the_limit_is_response_too_large() {
    const LIMIT: usize = 64 * 1024;
    // Valid JSON all the way, so only the size can fail it: 4 MiB of spaces.
    let mut json = b"{\"data\":[],\"links\":{}".to_vec();
    json.resize(json.len() + 4 * 1024 * 1024, b' ');
    json.push(b'}');
    let bomb = gzip(&json);
    assert!(
        bomb.len() < LIMIT / 4,
        "the wire size ({}) is under the cap",
        bomb.len()
    );
    let (server, _) = setup().await;
    server
        .mock_async(|when, then| {
            when.path("/v2/routes").header("accept-encoding", "gzip");
            then.status(200)
                .header("content-type", JSON_API)
                .header("content-encoding", "gzip")
                .body(bomb);
        })
        .await;
    let client = Client::builder()
        .credentials(ACCESS_KEY, SECRET_KEY)
        .base_url(server.base_url())
        .max_response_bytes(LIMIT)
        .build()
        .unwrap();
    let err = client.routes().list().page().await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: LIMIT, .. }),
        "{err:?}"
    );
}

/// Forwards loopback connections to `target`, counting the bytes it answers.
async fn counting_proxy(target: SocketAddr, answered: Arc<AtomicU64>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let answered = answered.clone();
            tokio::spawn(async move {
                let server = TcpStream::connect(target).await.unwrap();
                let (mut client_read, mut client_write) = client.into_split();
                let (mut server_read, mut server_write) = server.into_split();
                tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
                });
                let mut buffer = vec![0; 64 * 1024];
                while let Ok(n @ 1..) = server_read.read(&mut buffer).await {
                    answered.fetch_add(n as u64, Ordering::Relaxed);
                    if client_write.write_all(&buffer[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    addr
}

/// Run with `--nocapture` to see the numbers: the MDR stream's bytes on the
/// wire and records per second, gzip against identity, alternating.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mdr_stream_crosses_the_wire_compressed() {
    const RECORDS: u64 = 5_000;
    let sim = Simulator::builder().start().await.unwrap();
    let to = Client::builder()
        .credentials(SIM_ACCESS_KEY, SIM_SECRET_KEY)
        .base_url(sim.base_url())
        .build()
        .unwrap()
        .numbers()
        .list()
        .all()
        .await
        .unwrap()[0]
        .number
        .clone();
    for i in 0..RECORDS {
        sim.inbound(SimulatedMessage::sms(
            "12065550100",
            to.as_str(),
            format!("Message number {i}, hello are you there?"),
        ))
        .unwrap();
    }
    let answered = Arc::new(AtomicU64::new(0));
    let proxy = counting_proxy(sim.addr(), answered.clone()).await;
    let identity = reqwest::Client::builder()
        .no_gzip()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut bytes = [0u64; 2];
    for round in 0..4 {
        let compressed = round % 2 == 0;
        let mut builder = Client::builder()
            .credentials(SIM_ACCESS_KEY, SIM_SECRET_KEY)
            .base_url(format!("http://{proxy}"));
        if !compressed {
            builder = builder.http_client(identity.clone());
        }
        let client = builder.build().unwrap();
        answered.store(0, Ordering::Relaxed);
        let started = Instant::now();
        let start = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap();
        let items: Vec<_> = client
            .messages()
            .list(start)
            .limit(1000)
            .items()
            .try_collect()
            .await
            .unwrap();
        let elapsed = started.elapsed();
        assert_eq!(items.len() as u64, RECORDS);
        let wire = answered.load(Ordering::Relaxed);
        bytes[usize::from(compressed)] = wire;
        println!(
            "mdr stream, {}: {RECORDS} records, {wire} bytes on the wire ({} per 1,000-record page), {:.0} records/s",
            if compressed { "gzip" } else { "identity" },
            wire * 1000 / RECORDS,
            RECORDS as f64 / elapsed.as_secs_f64()
        );
    }
    let [identity_bytes, gzip_bytes] = bytes;
    assert!(
        gzip_bytes * 4 < identity_bytes,
        "gzip {gzip_bytes} bytes against identity {identity_bytes}"
    );
}
