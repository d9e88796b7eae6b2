//! CDR downloads under the same promises as every other call: the deadline
//! ends the whole download, the request timeout bounds every silence of the
//! storage host, memory stays flat whatever the file expands to, and the
//! storage host's redirects are checked like the first URL.
//!
//! The storage hosts are raw TCP servers on 127.0.0.1: a host that never
//! answers or drips a byte at a time is below what an HTTP mock can play.
//! Every test runs under [`bounded`], so a regression fails instead of hanging.

use flate2::{Compression, write::GzEncoder};
use flowroute::cdrs::{CallDirection, CdrExport, CdrRecord};
use flowroute::{Client, Error, TimeLimit};
use futures_util::StreamExt;
use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The pre-signed link's secret part: it must never show in an error.
const SIGNATURE: &str = "X-Amz-Signature=0123456789abcdef-secret";
const HEADER: &[u8] = b"direction,duration\n";
const ROW: &[u8] = b"Inbound,1\n";

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Fails the test if `f` outlives every limit a download has.
async fn bounded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .expect("the download outlived its deadline: nothing cut it off")
}

/// A storage host on 127.0.0.1. It serves `GET /v2/cdrs/exports/{id}` itself
/// (a completed export whose file is its own `/file?…`) and hands every other
/// request to its handler; it records each request's head.
struct Host {
    addr: SocketAddr,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Host {
    async fn start<F, Fut>(handle: F) -> Host
    where
        F: Fn(String, TcpStream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let (log, handle) = (Arc::clone(&heads), Arc::new(handle));
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let (log, handle) = (Arc::clone(&log), Arc::clone(&handle));
                tokio::spawn(async move {
                    let Some(head) = read_head(&mut stream).await else {
                        return;
                    };
                    let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
                    log.lock().unwrap().push(head);
                    if path.starts_with("/v2/cdrs/exports/") {
                        let url = format!("http://{addr}/file?{SIGNATURE}");
                        let body = serde_json::json!({"data": {"type": "cdrexport", "id": 1,
                            "attributes": {"status": "completed", "download_url": url}}})
                        .to_string();
                        respond(&mut stream, "200 OK", "", body.as_bytes()).await;
                    } else {
                        handle(path, stream).await;
                    }
                });
            }
        });
        Host { addr, heads }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The heads of the requests for anything but the export's description.
    fn file_requests(&self) -> Vec<String> {
        let heads = self.heads.lock().unwrap();
        heads
            .iter()
            .filter(|h| !h.contains("/v2/cdrs/exports/"))
            .cloned()
            .collect()
    }
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    String::from_utf8(head).ok()
}

/// A whole answer; every connection closes after one, so none is reused.
async fn respond(stream: &mut TcpStream, status: &str, headers: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n{headers}\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body).await;
}

/// Starts an answer whose body runs until the connection closes.
async fn start_body(stream: &mut TcpStream) -> bool {
    let head = "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n";
    stream.write_all(head.as_bytes()).await.is_ok()
}

/// Keeps the connection open, saying nothing, longer than any test runs.
async fn hold(stream: TcpStream) {
    tokio::time::sleep(Duration::from_secs(120)).await;
    drop(stream);
}

/// The file one byte at a time, `gap` apart, for ever.
async fn drip(mut stream: TcpStream, gap: Duration) {
    if !start_body(&mut stream).await {
        return;
    }
    let file = HEADER.iter().chain(ROW.iter().cycle());
    for byte in file {
        if stream.write_all(&[*byte]).await.is_err() {
            return;
        }
        tokio::time::sleep(gap).await;
    }
}

fn client(host: &Host, request_timeout: Duration, deadline: Duration) -> Client {
    Client::builder()
        .credentials("acct", "s3cr3t")
        .base_url(host.url(""))
        .request_timeout(request_timeout)
        .deadline(deadline)
        .build()
        .unwrap()
}

async fn export(client: &Client) -> CdrExport {
    client.cdrs().get("1").await.unwrap()
}

async fn download(client: &Client, export: &CdrExport) -> Vec<Result<CdrRecord, Error>> {
    bounded(client.cdrs().download(export).collect()).await
}

/// The results end with exactly this timeout, and only rows come before it.
fn assert_ends_with_timeout(
    results: &[Result<CdrRecord, Error>],
    limit: TimeLimit,
    configured: Duration,
) {
    let (last, rows) = results.split_last().expect("the download gave nothing");
    assert!(rows.iter().all(Result::is_ok), "{results:?}");
    match last {
        Err(Error::Timeout {
            operation,
            limit: fired,
            configured: value,
        }) => {
            assert_eq!(*operation, "download_cdr_export");
            assert_eq!((*fired, *value), (limit, configured), "{last:?}");
        }
        other => panic!("expected a timeout of the {limit}, got {other:?}"),
    }
    let text = last.as_ref().unwrap_err().to_string();
    assert!(!text.contains("secret"), "{text}");
}

#[tokio::test]
async fn a_storage_host_that_never_answers_is_cut_off_by_the_request_timeout() {
    let host = Host::start(|_, stream| hold(stream)).await;
    let client = client(&host, ms(300), Duration::from_secs(10));
    let export = export(&client).await;
    let results = download(&client, &export).await;
    assert_eq!(results.len(), 1, "{results:?}");
    assert_ends_with_timeout(&results, TimeLimit::Request, ms(300));
}

#[tokio::test]
async fn a_storage_host_that_falls_silent_mid_file_is_cut_off_by_the_request_timeout() {
    let host = Host::start(|_, mut stream| async move {
        if start_body(&mut stream).await {
            let _ = stream.write_all(&[HEADER, ROW, ROW].concat()).await;
            hold(stream).await;
        }
    })
    .await;
    let client = client(&host, ms(300), Duration::from_secs(10));
    let export = export(&client).await;
    let results = download(&client, &export).await;
    assert_eq!(results.len(), 3, "two rows, then the timeout: {results:?}");
    assert_ends_with_timeout(&results, TimeLimit::Request, ms(300));
}

#[tokio::test]
async fn a_storage_host_that_drips_a_byte_at_a_time_is_cut_off_by_the_deadline() {
    // Every gap (20 ms) is well within the request timeout: only the deadline
    // can end this download.
    let host = Host::start(|_, stream| drip(stream, ms(20))).await;
    let client = client(&host, ms(300), Duration::from_secs(1));
    let export = export(&client).await;
    let results = download(&client, &export).await;
    assert!(results.len() > 1, "rows came before the end: {results:?}");
    assert_ends_with_timeout(&results, TimeLimit::Deadline, Duration::from_secs(1));
}

#[tokio::test]
async fn a_download_obeys_the_limits_of_the_client_it_is_called_on() {
    let host = Host::start(|_, stream| drip(stream, ms(20))).await;
    let client = client(&host, ms(300), Duration::from_secs(1));
    let export = export(&client).await;

    let longer = client.with_deadline(Duration::from_secs(2));
    let results = download(&longer, &export).await;
    assert_ends_with_timeout(&results, TimeLimit::Deadline, Duration::from_secs(2));

    let silent = Host::start(|_, stream| hold(stream)).await;
    let client = self::client(&silent, ms(300), Duration::from_secs(10));
    let export = self::export(&client).await;
    let impatient = client.with_request_timeout(ms(150));
    let results = download(&impatient, &export).await;
    assert_ends_with_timeout(&results, TimeLimit::Request, ms(150));
}

#[tokio::test]
async fn the_error_body_of_a_failed_download_is_read_within_the_request_timeout() {
    // The storage host announces a long error body, sends its start, and stalls.
    let host = Host::start(|_, mut stream| async move {
        let head = "HTTP/1.1 403 Forbidden\r\ncontent-length: 100000\r\nconnection: close\r\n\
                    x-amz-request-id: 4442587FB7D0A2F9\r\n\r\n<Error><Code>AccessDenied</Code>";
        if stream.write_all(head.as_bytes()).await.is_ok() {
            hold(stream).await;
        }
    })
    .await;
    let client = client(&host, ms(300), Duration::from_secs(10));
    let export = export(&client).await;
    let results = download(&client, &export).await;
    assert_eq!(results.len(), 1, "{results:?}");
    let e = results[0].as_ref().unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(403), "{e:?}");
    let api = e.api().unwrap();
    assert_eq!(api.request_id.as_deref(), Some("4442587FB7D0A2F9"));
    assert!(
        api.body_excerpt
            .as_deref()
            .unwrap()
            .contains("AccessDenied"),
        "what came before the stall is quoted: {api:?}"
    );
}

#[tokio::test]
async fn the_error_body_of_a_failed_download_never_quotes_the_links_secrets() {
    // What S3 answers a link whose signature does not match: it quotes the
    // signature provided and the canonical query (a session token included).
    let host = Host::start(|_, mut stream| async move {
        let body = "<Error><Code>SignatureDoesNotMatch</Code>\
            <SignatureProvided>0123456789abcdef-secret</SignatureProvided>\
            <CanonicalQueryString>X-Amz-Signature=0123456789abcdef-secret</CanonicalQueryString></Error>";
        respond(&mut stream, "403 Forbidden", "", body.as_bytes()).await;
    })
    .await;
    let client = client(&host, ms(2000), Duration::from_secs(10));
    let export = export(&client).await;
    let results = download(&client, &export).await;
    let e = results[0].as_ref().unwrap_err();
    let excerpt = e.api().unwrap().body_excerpt.as_deref().unwrap();
    assert!(excerpt.contains("SignatureDoesNotMatch"), "{excerpt}");
    for shown in [e.to_string(), format!("{e:?}")] {
        assert!(!shown.contains("0123456789abcdef"), "{shown}");
    }
}

/// Redirects the file request to `location`, once.
async fn redirect_to(location: String) -> Host {
    Host::start(move |path, mut stream| {
        let location = location.clone();
        async move {
            if path.starts_with("/file") {
                let headers = format!("location: {location}\r\n");
                respond(&mut stream, "302 Found", &headers, b"").await;
            }
        }
    })
    .await
}

/// The host that redirects, and the error the download ended with.
async fn download_redirected_to(location: &str) -> (Host, Error) {
    let host = redirect_to(location.to_string()).await;
    let client = client(&host, ms(2000), Duration::from_secs(10));
    let export = export(&client).await;
    let mut results = download(&client, &export).await;
    assert_eq!(results.len(), 1, "{results:?}");
    let e = results.pop().unwrap().unwrap_err();
    (host, e)
}

#[tokio::test]
async fn a_redirect_to_plain_http_off_this_machine_is_refused_naming_only_the_host() {
    let location = format!("http://cdr-files.example.com/moved/a.gz?{SIGNATURE}");
    let (host, e) = download_redirected_to(&location).await;
    assert!(matches!(e, Error::Protocol { .. }), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("cdr-files.example.com") && text.contains("https"),
        "{text}"
    );
    for hidden in ["secret", "moved", "a.gz", "/file"] {
        assert!(!text.contains(hidden), "`{hidden}` in {text}");
        assert!(!format!("{e:?}").contains(hidden), "`{hidden}` in {e:?}");
    }
    assert_eq!(host.file_requests().len(), 1);
}

#[tokio::test]
async fn a_redirect_carrying_credentials_is_refused() {
    let (_, e) = download_redirected_to("http://user:hunter2@127.0.0.1:9/a.gz").await;
    assert!(matches!(e, Error::Protocol { .. }), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("credentials"), "{text}");
    assert!(
        !text.contains("hunter2") && !text.contains("user"),
        "{text}"
    );
}

#[tokio::test]
async fn redirects_to_loopback_http_absolute_or_relative_are_followed_without_credentials() {
    let file = Host::start(|path, mut stream| async move {
        match path.as_str() {
            // A relative Location, resolved against this host's URL.
            p if p.starts_with("/moved") => {
                respond(
                    &mut stream,
                    "307 Temporary Redirect",
                    "location: ../data/a.csv?sig=2\r\n",
                    b"",
                )
                .await;
            }
            p if p.starts_with("/data/a.csv") => {
                respond(&mut stream, "200 OK", "", &[HEADER, ROW, ROW].concat()).await;
            }
            _ => respond(&mut stream, "404 Not Found", "", b"").await,
        }
    })
    .await;
    let first = redirect_to(file.url("/moved/here?sig=1")).await;
    let client = client(&first, ms(2000), Duration::from_secs(10));
    let export = export(&client).await;
    let results = download(&client, &export).await;
    let rows: Vec<CdrRecord> = results.into_iter().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].direction, Some(CallDirection::Inbound));
    let followed = file.file_requests();
    assert_eq!(followed.len(), 2, "{followed:?}");
    assert!(
        followed[0].starts_with("GET /moved/here?sig=1 "),
        "{followed:?}"
    );
    assert!(
        followed[1].starts_with("GET /data/a.csv?sig=2 "),
        "{followed:?}"
    );
    for head in followed.iter().chain(&first.file_requests()) {
        let head = head.to_ascii_lowercase();
        assert!(!head.contains("authorization"), "{head}");
        assert!(!head.contains("referer"), "{head}");
    }
}

#[tokio::test]
async fn a_redirect_to_https_is_followed() {
    // A TCP listener that notes what the client opens with: a TLS ClientHello
    // (record type 22) means the redirect was followed over https.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let tls_port = listener.local_addr().unwrap().port();
    let opened = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut first = [0u8; 1];
        stream.read_exact(&mut first).await.unwrap();
        first[0]
    });
    let (_, e) = download_redirected_to(&format!("https://127.0.0.1:{tls_port}/a.gz?sig")).await;
    assert_eq!(bounded(opened).await.unwrap(), 22, "a TLS handshake began");
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
}

#[tokio::test]
async fn a_redirect_loop_stops_at_the_hop_limit() {
    let host = Host::start(|_, mut stream| async move {
        respond(&mut stream, "302 Found", "location: /file?again\r\n", b"").await;
    })
    .await;
    let client = client(&host, ms(2000), Duration::from_secs(10));
    let export = export(&client).await;
    let results = download(&client, &export).await;
    assert_eq!(results.len(), 1, "{results:?}");
    let e = results[0].as_ref().unwrap_err();
    assert!(matches!(e, Error::Protocol { .. }), "{e:?}");
    assert!(
        e.to_string()
            .contains("redirected the download more than 5 times"),
        "{e}"
    );
    assert_eq!(
        host.file_requests().len(),
        6,
        "the first request and 5 hops"
    );
}

// Memory: the download runs in a child process (this test binary, running
// only `memory_child`), so the peak it reports is the download's own and not
// that of the tests running beside it. The child's address space is capped at
// 2 GiB, so a regression fails fast instead of swapping the machine.

const CHILD_URL: &str = "FLOWROUTE_CDR_MEMORY_CHILD_URL";
/// The target of the issue: a download's peak RSS, runtime and all.
const PEAK_RSS_LIMIT_KIB: u64 = 64 * 1024;
/// Rows in one gzip member of the generated files: 4 MB of text.
const ROWS_PER_MEMBER: u64 = 400_000;

/// The file a memory test's storage host streams, generated as it is sent.
#[derive(Clone, Copy)]
enum File {
    /// A gzip file whose members each expand to 4 MB of short rows.
    Gzip { members: u64 },
    /// A plain CSV file of `rows` short rows.
    Plain { rows: u64 },
}

async fn serve(mut stream: TcpStream, file: File, member: Arc<Vec<u8>>) {
    if !start_body(&mut stream).await {
        return;
    }
    match file {
        File::Gzip { members } => {
            let _ = stream.write_all(&gzip(HEADER)).await;
            for _ in 0..members {
                if stream.write_all(&member).await.is_err() {
                    return;
                }
            }
        }
        File::Plain { rows } => {
            let _ = stream.write_all(HEADER).await;
            let block = ROW.repeat(6_400);
            let mut left = rows;
            while left > 0 {
                let n = left.min(6_400);
                let bytes = &block[..(n as usize) * ROW.len()];
                if stream.write_all(bytes).await.is_err() {
                    return;
                }
                left -= n;
            }
        }
    }
}

fn gzip(text: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(text).unwrap();
    gz.finish().unwrap()
}

/// Downloads `file` in a child process; returns its rows and peak RSS in KiB.
async fn measure(name: &str, file: File) -> (u64, u64) {
    let member = Arc::new(match file {
        File::Gzip { .. } => gzip(&ROW.repeat(ROWS_PER_MEMBER as usize)),
        File::Plain { .. } => Vec::new(),
    });
    let host = Host::start(move |_, stream| serve(stream, file, Arc::clone(&member))).await;
    let exe = std::env::current_exe().unwrap();
    let url = host.url("");
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 2097152 && exec \"$0\" \"$@\"")
            .arg(exe)
            .args(["memory_child", "--exact", "--ignored", "--nocapture"])
            .env(CHILD_URL, url)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the child failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with("MEASURED "))
        .unwrap_or_else(|| panic!("no measurement in:\n{stdout}"));
    let field = |name: &str| -> u64 {
        line.split_whitespace()
            .find_map(|f| f.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {line}"))
    };
    let (rows, peak) = (field("rows"), field("peak_rss_kib"));
    println!(
        "{name}: {rows} rows, peak RSS {:.1} MiB (before the download {:.1} MiB)",
        peak as f64 / 1024.0,
        field("rss_before_kib") as f64 / 1024.0
    );
    (rows, peak)
}

async fn assert_bounded(name: &str, file: File) {
    let expected = match file {
        File::Gzip { members } => members * ROWS_PER_MEMBER,
        File::Plain { rows } => rows,
    };
    let (rows, peak) = measure(name, file).await;
    assert_eq!(rows, expected, "every row came out");
    assert!(
        peak < PEAK_RSS_LIMIT_KIB,
        "{name}: peak RSS {peak} KiB is over {PEAK_RSS_LIMIT_KIB} KiB"
    );
}

#[tokio::test]
async fn a_gzip_file_expanding_to_128_mib_of_short_rows_is_read_in_bounded_memory() {
    // 34 members of 4 MB: 136 MB of text, 13.6 million rows.
    assert_bounded("gzip, 128 MiB expanded", File::Gzip { members: 34 }).await;
}

#[tokio::test]
async fn a_64_mib_plain_file_of_short_rows_is_read_in_bounded_memory() {
    let rows = (64 << 20) / ROW.len() as u64;
    assert_bounded("plain, 64 MiB", File::Plain { rows }).await;
}

/// The full size; about 6 minutes in a debug build (measured: 107.6
/// million rows, peak RSS 12.6 MiB). Run it with
/// `cargo test -p flowroute --all-features --test cdr_download_limits -- --ignored --nocapture one_gib`.
#[tokio::test]
#[ignore = "the full-size run, about 6 minutes in a debug build"]
async fn a_gzip_file_expanding_to_one_gib_of_short_rows_is_read_in_bounded_memory() {
    // 269 members of 4 MB: 1.076 GB of text, 107.6 million rows.
    assert_bounded("gzip, 1 GiB expanded", File::Gzip { members: 269 }).await;
}

/// Not a test of its own: the child process of the memory tests, which run it
/// with the storage host's URL in [`CHILD_URL`]; without it, it does nothing.
#[tokio::test]
#[ignore = "run by the memory tests in a child process"]
async fn memory_child() {
    let Ok(base_url) = std::env::var(CHILD_URL) else {
        return;
    };
    let client = Client::builder()
        .credentials("acct", "s3cr3t")
        .base_url(base_url)
        .build()
        .unwrap();
    let export = client.cdrs().get("1").await.unwrap();
    let rss_before = status_kib("VmRSS:");
    // A large export gets a deadline to match, as the download's docs say.
    let client = client.with_deadline(Duration::from_secs(1800));
    let mut records = std::pin::pin!(client.cdrs().download(&export));
    let mut rows = 0u64;
    while let Some(record) = records.next().await {
        let record = record.unwrap();
        assert_eq!(record.duration, Some(Duration::from_secs(1)));
        rows += 1;
    }
    println!(
        "MEASURED rows={rows} rss_before_kib={rss_before} peak_rss_kib={}",
        status_kib("VmHWM:")
    );
}

/// A `kB` field of `/proc/self/status`.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}
