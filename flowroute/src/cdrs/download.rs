//! Reading a completed export's file: finding its URL, fetching it from the
//! storage host under the client's time limits, and decoding it as it arrives.

use super::decoder::{RecordDecoder, Step};
use super::records::DOWNLOAD;
use super::{CdrExport, CdrExportStatus, CdrRecord, Cdrs};
use crate::urls::{is_loopback, redacted};
use crate::{
    CdrExportId, Client, Error, TimeLimit,
    error::{self, ApiError},
    retry::Clock,
    transport::{self, header},
};
use flowroute_raw::{ByteStream, ClientInfo};
use futures_core::Stream;
use futures_util::{StreamExt, stream};
use reqwest::{Url, header::LOCATION};
use std::{
    future::Future,
    pin::pin,
    sync::Arc,
    time::{Duration, Instant},
};

impl Cdrs {
    /// The calls of a completed export, read from its file as it downloads:
    /// memory stays bounded whatever the file's size or compression ratio.
    ///
    /// An export without a download URL is looked up again first (it may have
    /// completed since); one still `processing` or `failed` gives an error.
    /// The file comes from Flowroute's storage host (a pre-signed S3 link),
    /// fetched **without** your credentials, over https (plain http only on
    /// loopback). The storage host's redirects are followed, up to 5, each
    /// checked the same way; a relative one is resolved against the URL that
    /// gave it. It is gzip-compressed CSV, or plain CSV.
    ///
    /// Nothing is sent until the stream is polled. A row that does not fit its
    /// columns gives an [`Error::Decode`] naming the row (1 is the first after
    /// the header) in its place, and the rows after it still come; a failed
    /// connection or a damaged file ends the stream with an error. An error
    /// answer of the storage host (an expired link) is an [`Error::Api`]
    /// quoting the start of its body, with the link's query values (its
    /// signature) blanked.
    ///
    /// # Time limits
    ///
    /// A download is one call, under the limits of the client it is called
    /// on; each ends the stream with an [`Error::Timeout`] naming it:
    ///
    /// - the **deadline** ([`ClientBuilder::deadline`](crate::ClientBuilder::deadline))
    ///   bounds the whole download, from the first poll (the export's
    ///   look-up, if any, included) to the last row handed out. Rows decoded
    ///   from bytes already received are not handed out past it either. For
    ///   a very large export, give that one download a longer deadline:
    ///   `client.with_deadline(Duration::from_secs(3600)).cdrs().download(&export)`;
    /// - the **request timeout** ([`ClientBuilder::request_timeout`](crate::ClientBuilder::request_timeout),
    ///   or [`Client::with_request_timeout`]) bounds every wait for the
    ///   storage host: for the answer's headers (each redirect's too), for
    ///   each next piece of the file, and for the excerpt of an error body
    ///   (cut short, not failed, when it stalls). A host that never answers,
    ///   or falls silent, is cut off by it; one that drips bytes just often
    ///   enough, by the deadline;
    /// - the **connect timeout** bounds opening each connection.
    ///
    /// Time spent by your code between two polls counts towards the deadline
    /// but never as a silence of the storage host.
    ///
    /// # Memory
    ///
    /// The file is read one network chunk at a time, and the next one only
    /// once every row of the last is handed out; gzip is inflated 32 KiB at
    /// a time. A download holds about one network chunk, 32 KiB of text and
    /// one row (at most 1 MiB, past which the file is refused as damaged).
    ///
    /// Example: [`Cdrs`](Cdrs#example).
    pub fn download(
        &self,
        export: &CdrExport,
    ) -> impl Stream<Item = Result<CdrRecord, Error>> + Send + 'static {
        let source = match &export.download_url {
            Some(url) => Source::Url(url.clone()),
            None => Source::Id(export.id.clone()),
        };
        let start = Download::Start {
            client: self.client.clone(),
            source,
        };
        stream::unfold(start, next_record)
    }
}

enum Source {
    Url(String),
    Id(CdrExportId),
}

/// How long a download may go on, from the settings of the client it was
/// called on: the deadline ends the whole download, from the first poll to the
/// last row; the request timeout bounds every wait for the storage host.
struct Bounds {
    clock: Arc<dyn Clock>,
    started: Instant,
    request_timeout: Duration,
    connect_timeout: Option<Duration>,
    deadline: Duration,
}

/// What a wait for the network is bounded by.
#[derive(Clone, Copy)]
enum Wait {
    /// A wait for the storage host: its request timeout, within the deadline.
    Silence,
    /// Looking the export up again, a call with its own attempts and
    /// retries: the deadline only.
    Call,
}

impl Bounds {
    fn new(client: &Client) -> Bounds {
        let s = client.settings();
        Bounds {
            clock: Arc::clone(&s.clock),
            started: s.clock.now(),
            request_timeout: s.request_timeout,
            connect_timeout: s.connect_timeout,
            deadline: s.deadline,
        }
    }

    fn left(&self) -> Duration {
        let spent = self.clock.now().saturating_duration_since(self.started);
        self.deadline.saturating_sub(spent)
    }

    /// The limit a wait started now runs under, and how long it may take.
    fn limit(&self, wait: Wait) -> (TimeLimit, Duration) {
        let left = self.left();
        match wait {
            Wait::Silence if self.request_timeout <= left => {
                (TimeLimit::Request, self.request_timeout)
            }
            _ => (TimeLimit::Deadline, left),
        }
    }

    fn timeout(&self, limit: TimeLimit) -> Error {
        Error::Timeout {
            operation: DOWNLOAD,
            limit,
            configured: match limit {
                TimeLimit::Request => self.request_timeout,
                _ => self.deadline,
            },
        }
    }

    /// The deadline's error, once it has passed.
    fn expired(&self) -> Option<Error> {
        self.left()
            .is_zero()
            .then(|| self.timeout(TimeLimit::Deadline))
    }

    /// `future`'s outcome, or the timeout of the limit that ran out first.
    async fn within<F: Future>(&self, wait: Wait, future: F) -> Result<F::Output, Error> {
        if let Some(expired) = self.expired() {
            return Err(expired);
        }
        let (limit, allowed) = self.limit(wait);
        // Like the transport, which has reqwest time each attempt: the wait
        // runs on tokio's timer, the deadline's account on the client's
        // clock (a test clock that skips backoff sleeps must not also make
        // every wait time out at once).
        tokio::time::timeout(allowed, future)
            .await
            .map_err(|_| self.timeout(limit))
    }

    /// A reqwest error in this crate's terms; a connect timeout is named as such.
    fn transport(&self, error: reqwest::Error) -> Error {
        let limits = transport::Limits {
            connect: self.connect_timeout,
            attempt: Some(self.limit(Wait::Silence)),
        };
        transport::transport(DOWNLOAD, error, limits)
    }
}

enum Download {
    Start {
        client: Client,
        source: Source,
    },
    Reading {
        bounds: Bounds,
        body: ByteStream,
        decoder: Box<RecordDecoder>,
    },
    Done,
}

async fn next_record(mut state: Download) -> Option<(Result<CdrRecord, Error>, Download)> {
    loop {
        state = match state {
            Download::Done => return None,
            Download::Start { client, source } => {
                let bounds = Bounds::new(&client);
                match open(&client, &bounds, source).await {
                    Ok(body) => Download::Reading {
                        bounds,
                        body,
                        decoder: Box::new(RecordDecoder::new()),
                    },
                    Err(e) => return Some((Err(e), Download::Done)),
                }
            }
            Download::Reading {
                bounds,
                mut body,
                mut decoder,
            } => {
                // Checked at every row too: rows decoded from what already
                // arrived end by the deadline like the rest.
                if let Some(expired) = bounds.expired() {
                    return Some((Err(expired), Download::Done));
                }
                match decoder.next() {
                    Step::Item(item) => {
                        return Some((
                            item,
                            Download::Reading {
                                bounds,
                                body,
                                decoder,
                            },
                        ));
                    }
                    Step::Done => return None,
                    Step::Busy => tokio::task::yield_now().await,
                    // The next chunk is read only once every row of the last
                    // is out: the network waits for the caller, not memory.
                    Step::NeedInput => match bounds.within(Wait::Silence, body.next()).await {
                        Ok(Some(Ok(chunk))) => decoder.push(chunk),
                        Ok(Some(Err(e))) => decoder.fail(bounds.transport(e)),
                        Ok(None) => decoder.finish(),
                        Err(timeout) => return Some((Err(timeout), Download::Done)),
                    },
                }
                Download::Reading {
                    bounds,
                    body,
                    decoder,
                }
            }
        };
    }
}

/// Redirects followed at most: S3 redirects at most once or twice (to a
/// bucket's region); more is a loop.
const MAX_REDIRECTS: usize = 5;

/// Finds the file's URL and starts fetching it, following the storage host's
/// redirects; the body is read as it is polled.
async fn open(client: &Client, bounds: &Bounds, source: Source) -> Result<ByteStream, Error> {
    let url = match source {
        Source::Url(url) => url,
        Source::Id(id) => {
            let export = bounds.within(Wait::Call, client.cdrs().get(&id)).await??;
            match export.download_url {
                Some(url) => url,
                None => return Err(not_ready(&export)),
            }
        }
    };
    let mut url = check_download_url(&url)?;
    // The generated client's own reqwest client: the same pool and connect
    // timeout, but none of the headers our transport adds, so the
    // credentials meant for Flowroute never reach the storage host. Its
    // redirects are followed here, one checked hop at a time.
    let http = client.raw().client();
    for _ in 0..=MAX_REDIRECTS {
        let sent = http.get(url.clone()).send();
        let response = bounds
            .within(Wait::Silence, sent)
            .await?
            .map_err(|e| bounds.transport(e))?;
        // A caller's own HTTP client may have followed redirects itself.
        if response.url() != &url {
            check_redirect(&url, response.url().as_str())?;
        }
        let status = response.status();
        if status.is_success() {
            return Ok(ByteStream::new(Box::pin(response.bytes_stream())));
        }
        match response.headers().get(LOCATION) {
            Some(location) if status.is_redirection() => {
                url = check_redirect(&url, location.to_str().unwrap_or_default())?;
            }
            _ => return Err(storage_error(bounds, response, &url).await),
        }
    }
    Err(Error::Protocol {
        operation: DOWNLOAD,
        reason: format!(
            "the storage host {} redirected the download more than {MAX_REDIRECTS} times",
            host(&url)
        ),
    })
}

/// The storage host's error answer, quoting what of its body came in time,
/// without the secrets of the link `url` that it was the answer to.
async fn storage_error(bounds: &Bounds, response: reqwest::Response, url: &Url) -> Error {
    let status = response.status();
    let headers = response.headers();
    let request_id =
        header(headers, "x-amz-request-id").or_else(|| header(headers, "x-request-id"));
    let retry_after = error::retry_after_header(headers, bounds.clock.wall());
    let mut body = Vec::new();
    // The status is the error; a body that stalls only shortens the excerpt.
    let _ = bounds
        .within(Wait::Silence, first_bytes(response, &mut body))
        .await;
    let body = without_query_values(body, url);
    ApiError::from_answer(DOWNLOAD, status, &body, request_id, retry_after)
}

/// Enough of an error body to quote it, without reading an arbitrarily long one.
async fn first_bytes(response: reqwest::Response, out: &mut Vec<u8>) {
    const ENOUGH: usize = 4096;
    let mut body = pin!(response.bytes_stream());
    while out.len() < ENOUGH {
        match body.next().await {
            Some(Ok(chunk)) => {
                let room = ENOUGH - out.len();
                out.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            _ => break,
        }
    }
}

/// `body` with every value of `url`'s query blanked, as sent and decoded:
/// S3 quotes the request it refuses (a `SignatureDoesNotMatch` gives the
/// signature provided and the canonical query, a session token included).
fn without_query_values(mut body: Vec<u8>, url: &Url) -> Vec<u8> {
    let sent = url.query().unwrap_or_default().split('&').map(|pair| {
        pair.split_once('=')
            .map_or(pair, |(_, value)| value)
            .to_string()
    });
    let decoded = url.query_pairs().map(|(_, value)| value.into_owned());
    for secret in sent.chain(decoded) {
        // Short values (an expiry in seconds) are no secret, and blanking
        // them would blank unrelated text.
        if secret.len() >= 8 {
            body = blank(&body, secret.as_bytes());
        }
    }
    body
}

fn blank(text: &[u8], secret: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if rest.starts_with(secret) {
            out.extend_from_slice("…".as_bytes());
            rest = &rest[secret.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out
}

fn not_ready(export: &CdrExport) -> Error {
    let id = &export.id;
    match &export.status {
        CdrExportStatus::Completed => Error::Protocol {
            operation: DOWNLOAD,
            reason: format!("CDR export {id} is completed but has no download URL"),
        },
        CdrExportStatus::Failed => Error::invalid_input(
            "CDR export",
            format!("export {id} failed and has no file; request a new export"),
        ),
        other => Error::invalid_input(
            "CDR export",
            format!(
                "export {id} is `{other}` and has no file yet; wait until it is `completed` (poll `get`, or give a callback URL)"
            ),
        ),
    }
}

/// Why a URL may not be fetched, if it may not: one that is not https (or
/// loopback http, for a local simulator) would carry the call records in the
/// clear, and credentials in it would go to the storage host.
fn refusal(url: &Url) -> Option<String> {
    if !url.username().is_empty() || url.password().is_some() {
        return Some("carries credentials, and none are sent to the storage host".into());
    }
    match url.scheme() {
        "https" => None,
        "http" if is_loopback(url) => None,
        other => Some(format!(
            "has scheme `{other}`; only https is followed (and http on this machine)"
        )),
    }
}

/// The download URL comes from Flowroute: checked before anything is sent.
fn check_download_url(input: &str) -> Result<Url, Error> {
    let refuse = |why: String| Error::Protocol {
        operation: DOWNLOAD,
        reason: format!("the download URL `{}` {why}", redacted(input)),
    };
    let url = Url::parse(input).map_err(|e| refuse(format!("is not a URL: {e}")))?;
    match refusal(&url) {
        None => Ok(url),
        Some(why) => Err(refuse(why)),
    }
}

/// Where the storage host sent the download from `from`, checked like the
/// first URL. Errors name the hosts only: a Location's path and query are the
/// next pre-signed link.
fn check_redirect(from: &Url, location: &str) -> Result<Url, Error> {
    let refuse = |why: String| Error::Protocol {
        operation: DOWNLOAD,
        reason: format!(
            "the storage host {} redirected the download {why}",
            host(from)
        ),
    };
    let url = from
        .join(location)
        .map_err(|_| refuse("to a Location that is not a URL".into()))?;
    match refusal(&url) {
        None => Ok(url),
        Some(why) => Err(refuse(format!("to {}, which {why}", host(&url)))),
    }
}

fn host(url: &Url) -> &str {
    url.host_str().unwrap_or("(no host)")
}

/// Decodes a whole export file fed in chunks of `chunk` bytes; returns how many
/// records and errors came out. Panics if the decoder ever holds more than its
/// bound, or asks for input after the end: findings for the fuzzer.
#[cfg(feature = "__fuzz")]
pub(crate) fn decode_all(body: &[u8], chunk: usize) -> usize {
    let mut decoder = RecordDecoder::new();
    let mut pieces = body.chunks(chunk);
    let (mut count, mut finished) = (0, false);
    loop {
        match decoder.next() {
            Step::Item(_) => count += 1,
            Step::Busy => {}
            Step::NeedInput => {
                assert!(!finished, "asked for input after the end of the body");
                match pieces.next() {
                    Some(piece) => decoder.push(bytes::Bytes::copy_from_slice(piece)),
                    None => {
                        decoder.finish();
                        finished = true;
                    }
                }
            }
            Step::Done => return count,
        }
        assert!(decoder.held_bytes() <= RecordDecoder::held_bytes_limit(chunk));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_are_resolved_then_checked_like_the_first_url() {
        let from = Url::parse("http://127.0.0.1:9000/bucket/a.gz?X-Amz-Signature=s").unwrap();
        for (location, to) in [
            (
                "/other/b.gz?sig=2",
                "http://127.0.0.1:9000/other/b.gz?sig=2",
            ),
            ("b.gz", "http://127.0.0.1:9000/bucket/b.gz"),
            (
                "https://bucket.s3.example.com/a.gz",
                "https://bucket.s3.example.com/a.gz",
            ),
            ("http://localhost/a.gz", "http://localhost/a.gz"),
        ] {
            assert_eq!(check_redirect(&from, location).unwrap().as_str(), to);
        }
        for (location, why) in [
            // Scheme-relative: plain http, off this machine.
            ("//files.example.com/a.gz?sig=leak", "has scheme `http`"),
            ("ftp://files.example.com/a.gz", "has scheme `ftp`"),
            (
                "https://u:leak@files.example.com/a.gz",
                "carries credentials",
            ),
            ("http://[::1", "not a URL"),
        ] {
            let e = check_redirect(&from, location).unwrap_err().to_string();
            assert!(
                e.contains(why) && e.contains("127.0.0.1"),
                "{location}: {e}"
            );
            assert!(!e.contains("leak") && !e.contains("a.gz"), "{e}");
        }
    }

    #[test]
    fn every_query_value_of_the_link_is_blanked_as_sent_and_decoded() {
        let url = Url::parse("https://h/a.gz?X-Amz-Credential=AKIA%2F2019&X-Amz-Expires=259200&X-Amz-Signature=beb0e34b9").unwrap();
        let body = b"<C>AKIA%2F2019</C><D>AKIA/2019</D><S>beb0e34b9</S><E>259200</E>".to_vec();
        let shown = String::from_utf8(without_query_values(body, &url)).unwrap();
        assert_eq!(shown, "<C>…</C><D>…</D><S>…</S><E>259200</E>");
    }
}
