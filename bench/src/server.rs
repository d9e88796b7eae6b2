//! The loopback server: HTTP/1.1 with keep-alive and canned Flowroute answers,
//! hand-rolled on one tokio thread so that it costs a small fraction of what
//! the client under test spends per request.

use chrono::{DateTime, TimeZone, Utc};
use std::{
    collections::HashMap,
    fmt::Write as _,
    io::{self, BufRead},
    sync::{Arc, Mutex},
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// Message detail records the server holds, served page by page.
pub const MDR_TOTAL: u32 = 100_000;
/// The page size the stream scenarios ask for; its pages are built at start-up
/// so that no measured request pays for building one.
pub const MDR_PAGE: u32 = 1000;
/// The `limit` Flowroute applies when none is sent.
const DEFAULT_LIMIT: u32 = 10;

/// Serves on `127.0.0.1:port` (0: any free port) until standard input closes,
/// which is how the parent process ending ends the server too. The port is
/// printed on the first line of standard output.
pub fn serve(port: u16) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    let canned = Arc::new(Canned::new());
    let listener = runtime.block_on(TcpListener::bind(("127.0.0.1", port)))?;
    println!("{}", listener.local_addr()?.port());
    std::thread::spawn(|| {
        for _ in io::stdin().lock().lines() {}
        std::process::exit(0);
    });
    runtime.block_on(async move {
        loop {
            let (stream, _) = listener.accept().await?;
            let canned = Arc::clone(&canned);
            tokio::spawn(async move {
                // A client closing its connection mid-request is not the server's concern.
                let _ = connection(stream, &canned).await;
            });
        }
    })
}

async fn connection(mut stream: TcpStream, canned: &Canned) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    loop {
        let mut searched = 0;
        let head_end = loop {
            if let Some(at) = find(&buf[searched..], b"\r\n\r\n") {
                break searched + at + 4;
            }
            searched = buf.len().saturating_sub(3);
            if stream.read_buf(&mut buf).await? == 0 {
                return Ok(());
            }
        };
        let total = head_end + Request::parse(&buf[..head_end]).content_length;
        while buf.len() < total {
            if stream.read_buf(&mut buf).await? == 0 {
                return Ok(());
            }
        }
        let answer = canned.answer(&Request::parse(&buf[..head_end]));
        stream.write_all(&answer).await?;
        buf.drain(..total);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// What the server looks at in a request head.
struct Request<'a> {
    method: &'a [u8],
    path: &'a [u8],
    query: &'a [u8],
    content_length: usize,
    authorized: bool,
    accepts_json_api: bool,
    sends_json_api: bool,
}

impl<'a> Request<'a> {
    fn parse(head: &'a [u8]) -> Self {
        let mut lines = head.split(|&b| b == b'\n').map(|l| l.trim_ascii_end());
        let mut first = lines.next().unwrap_or_default().split(|&b| b == b' ');
        let method = first.next().unwrap_or_default();
        let target = first.next().unwrap_or_default();
        let (path, query) = match target.iter().position(|&b| b == b'?') {
            Some(at) => (&target[..at], &target[at + 1..]),
            None => (target, &b""[..]),
        };
        let mut request = Request {
            method,
            path,
            query,
            content_length: 0,
            authorized: false,
            accepts_json_api: false,
            sends_json_api: false,
        };
        for line in lines {
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                continue;
            };
            let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
            if name.eq_ignore_ascii_case(b"content-length") {
                request.content_length = std::str::from_utf8(value)
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
            } else if name.eq_ignore_ascii_case(b"authorization") {
                request.authorized = value.starts_with(b"Basic ");
            } else if name.eq_ignore_ascii_case(b"accept") {
                request.accepts_json_api = value == b"application/vnd.api+json";
            } else if name.eq_ignore_ascii_case(b"content-type") {
                request.sends_json_api = value == b"application/vnd.api+json";
            }
        }
        request
    }

    fn query_u32(&self, name: &str) -> Option<u32> {
        self.query.split(|&b| b == b'&').find_map(|pair| {
            let value = pair.strip_prefix(name.as_bytes())?.strip_prefix(b"=")?;
            std::str::from_utf8(value).ok()?.parse().ok()
        })
    }
}

/// Every answer, as the complete bytes written to the socket.
struct Canned {
    numbers: Answer,
    accepted: Answer,
    mdr_pages: Mutex<HashMap<(u32, u32), Answer>>,
    unauthorized: Answer,
    not_acceptable: Answer,
    unsupported: Answer,
    not_found: Answer,
}

type Answer = Arc<[u8]>;

impl Canned {
    fn new() -> Self {
        let pages = (0..MDR_TOTAL)
            .step_by(MDR_PAGE as usize)
            .map(|offset| ((offset, MDR_PAGE), mdr_page(offset, MDR_PAGE)))
            .collect();
        let error = |status: &str, title: &str| {
            let code = status.split(' ').next().unwrap_or_default();
            response(
                status,
                &format!(r#"{{"errors":[{{"detail":"{title}","status":{code}}}]}}"#),
            )
        };
        Canned {
            numbers: response("200 OK", &numbers_page()),
            accepted: response(
                "202 Accepted",
                r#"{"data":{"links":{"self":"https://api.flowroute.com/v2.1/messages/mdr2-39cadeace66e11e7aff806cd7f24ba2d"},"type":"message","id":"mdr2-39cadeace66e11e7aff806cd7f24ba2d"}}"#,
            ),
            mdr_pages: Mutex::new(pages),
            unauthorized: error("401 Unauthorized", "Authentication required"),
            not_acceptable: error("406 Not Acceptable", "Accept must be JSON:API"),
            unsupported: error(
                "415 Unsupported Media Type",
                "Content-Type must be JSON:API",
            ),
            not_found: error("404 Not Found", "Not found"),
        }
    }

    /// The answer to `request`: a client that leaves out the credentials or the
    /// JSON:API media types gets an error, so both clients are held to the same wire.
    fn answer(&self, request: &Request<'_>) -> Answer {
        let answer = if !request.authorized {
            &self.unauthorized
        } else if !request.accepts_json_api {
            &self.not_acceptable
        } else {
            match (request.method, request.path) {
                (b"GET", b"/v2/numbers") => &self.numbers,
                (b"POST", b"/v2.1/messages") if !request.sends_json_api => &self.unsupported,
                (b"POST", b"/v2.1/messages") => &self.accepted,
                (b"GET", b"/v2.1/messages") => {
                    let offset = request.query_u32("offset").unwrap_or(0);
                    let limit = request.query_u32("limit").unwrap_or(DEFAULT_LIMIT);
                    let mut pages = self.mdr_pages.lock().unwrap_or_else(|e| e.into_inner());
                    return Arc::clone(
                        pages
                            .entry((offset, limit))
                            .or_insert_with(|| mdr_page(offset, limit)),
                    );
                }
                _ => &self.not_found,
            }
        };
        Arc::clone(answer)
    }
}

fn response(status: &str, body: &str) -> Answer {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/vnd.api+json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
    .into()
}

/// A page of ten account numbers with a `next` link, the size `page()` gets by default.
fn numbers_page() -> String {
    let mut data = Vec::new();
    for i in 0..10 {
        let number = format!("120126{:05}", 73227 + i);
        data.push(serde_json::json!({
            "attributes": {
                "rate_center": "oradell",
                "value": number,
                "alias": null,
                "state": "nj",
                "number_type": "standard",
                "cnam_lookups_enabled": true,
            },
            "type": "number",
            "id": number,
            "links": {"self": format!("https://api.flowroute.com/v2/numbers/{number}")},
        }));
    }
    serde_json::json!({
        "data": data,
        "links": {
            "self": "https://api.flowroute.com/v2/numbers?limit=10&offset=0",
            "next": "https://api.flowroute.com/v2/numbers?limit=10&offset=10",
        },
    })
    .to_string()
}

/// Records `offset..offset + limit` (within [`MDR_TOTAL`]), alternating an
/// inbound SMS without receipts and an outbound one with two, as in
/// Flowroute's documented example; `links.next` on every page but the last.
fn mdr_page(offset: u32, limit: u32) -> Answer {
    let end = offset.saturating_add(limit).min(MDR_TOTAL);
    let base: DateTime<Utc> = Utc.with_ymd_and_hms(2017, 12, 1, 0, 0, 0).unwrap();
    let mut body = String::with_capacity((end.saturating_sub(offset) as usize) * 800 + 256);
    body.push_str(r#"{"data":["#);
    for i in offset..end {
        if i > offset {
            body.push(',');
        }
        let at = |seconds: i64| {
            let at = base + chrono::Duration::seconds(i64::from(i) * 7 + seconds);
            // Flowroute writes hundredths of a second, which strftime cannot.
            format!("{}.{:02}Z", at.format("%Y-%m-%dT%H:%M:%S"), i % 100)
        };
        let (direction, status, receipts) = if i % 2 == 0 {
            ("inbound", "delivered", String::new())
        } else {
            let dlr = at(1);
            (
                "outbound",
                "message buffered",
                format!(
                    r#"{{"status":"message buffered","status_code":1003,"status_code_description":"Message accepted by Carrier","timestamp":"{dlr}","level":2}},{{"status":"smsc submit","status_code":null,"status_code_description":"Message has been sent","timestamp":"{dlr}","level":1}}"#
                ),
            )
        };
        let _ = write!(
            body,
            r#"{{"attributes":{{"body":"Benchmark message number {i}, hello are you there?","status":"{status}","direction":"{direction}","amount_nanodollars":4000000,"to":"1206{:07}","message_encoding":0,"timestamp":"{}","delivery_receipts":[{receipts}],"amount_display":"$0.0040","from":"12012673227","is_mms":false,"message_type":"longcode"}},"type":"message","id":"mdr2-{:032x}"}}"#,
            i % 10_000_000,
            at(0),
            u128::from(i) * 0x9E37_79B9_7F4A_7C15,
        );
    }
    body.push(']');
    if end < MDR_TOTAL {
        let _ = write!(
            body,
            r#","links":{{"next":"https://api.flowroute.com/v2.1/messages?limit={limit}&start_date=2017-12-01T00%3A00%3A00%2B00%3A00&offset={end}"}}"#
        );
    }
    body.push('}');
    response("200 OK", &body)
}
