//! Where every request goes through: authentication and user agent are added in
//! one place, the answer's status is noted for error reporting, and the
//! generated client's outcome becomes this crate's `Result`.

use crate::attempts::{self, Attempt, Next};
use crate::error::{self, ApiError, DecodeError, Error, TimeLimit};
use crate::limits::{Limiter, NoPermit};
use crate::messages::MessagingVersion;
use crate::retry::{self, Clock, Failure, RetryPolicy};
use bytes::Bytes;
use flowroute_raw::{BoxFuture, Execute, OperationSpec, ResponseValue, types::ErrorDocument};
use reqwest::{
    Method, Request, Response, ResponseBuilderExt, StatusCode, Url, Version,
    header::{AUTHORIZATION, CONTENT_LENGTH, HeaderMap, HeaderValue, LOCATION, USER_AGENT},
};
use serde::de::DeserializeOwned;
use std::{cell::RefCell, fmt, future::Future, sync::Arc, time::Duration};
use tracing::Instrument;

/// The generated client's error for every operation (all share one error schema).
pub(crate) type RawError = flowroute_raw::Error<ErrorDocument>;

/// What the executor saw of one call, for building the error afterwards:
/// progenitor drops the status when an error body does not parse, and cannot
/// carry this crate's own failures (a body over the size limit).
#[derive(Debug, Default)]
struct Exchange {
    operation: Option<&'static str>,
    status: Option<StatusCode>,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    /// The error answer's body as received: progenitor hands back only what
    /// it parsed, which loses anything that is not a JSON:API document.
    error_body: Option<Bytes>,
    limits: Limits,
    too_large: Option<usize>,
    redirect: Option<Redirect>,
    reveal_bodies: bool,
    /// The client is read-only and the operation would change the account.
    refused_write: bool,
    /// The rate limiter had no permit before the deadline; nothing was sent.
    no_permit: Option<NoPermit>,
    attempts: u32,
}

/// The time limits one attempt ran under, to name the one that fired.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Limits {
    /// The connect timeout, when this crate built the HTTP client.
    pub(crate) connect: Option<Duration>,
    /// The limit on the whole attempt: the request timeout, or the deadline
    /// when less of it was left.
    pub(crate) attempt: Option<(TimeLimit, Duration)>,
}

/// A redirect the client refused to follow.
#[derive(Debug)]
enum Redirect {
    /// The server answered 3xx.
    Answered(StatusCode, Option<String>),
    /// A caller-supplied HTTP client followed one to this host.
    Followed(Option<String>),
}

// Why a task-local, and not a value handed back: progenitor calls the
// executor from inside the generated `send()` and accepts only a
// `reqwest::Result<Response>` from it, then builds its own `Error`, which
// drops what the caller's error needs: the status when an error body does not
// parse (`InvalidResponsePayload`), the body as received when it does
// (`ErrorResponse` keeps the parsed document only), and every failure of this
// crate's (a body over the size limit, a refused redirect, a read-only
// refusal), since a `reqwest::Error` cannot be constructed. `call` opens the
// scope, the executor writes into it, `call` reads it once the generated
// future is done: data flows one way, and nothing else shares it.
tokio::task_local! {
    static EXCHANGE: RefCell<Exchange>;
}

/// How requests are sent: retries, time limits and the largest answer read.
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) retry: RetryPolicy,
    pub(crate) request_timeout: Duration,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) deadline: Duration,
    pub(crate) max_response_bytes: usize,
    pub(crate) reveal_bodies: bool,
    pub(crate) read_only: bool,
    /// The Messaging API version `messages()` calls use.
    pub(crate) messaging_version: MessagingVersion,
    /// Shared by every clone of the client: the budget is the access key's.
    pub(crate) limiter: Arc<Limiter>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("retry", &self.retry)
            .field("request_timeout", &self.request_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("deadline", &self.deadline)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("reveal_bodies", &self.reveal_bodies)
            .field("read_only", &self.read_only)
            .field("messaging_version", &self.messaging_version)
            .field("limiter", &self.limiter)
            .finish_non_exhaustive()
    }
}

/// Adds the credentials and user agent to every request, and sends it as many
/// times as the retry policy allows within the deadline.
pub(crate) struct Transport {
    pub(crate) authorization: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    pub(crate) settings: Settings,
}

/// One attempt's failure that is not an HTTP answer.
enum AttemptError {
    Http(reqwest::Error),
    TooLarge {
        status: StatusCode,
        headers: HeaderMap,
        url: Url,
    },
}

impl Execute for Transport {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        mut request: Request,
        operation: &'static OperationSpec,
    ) -> BoxFuture<'a, reqwest::Result<Response>> {
        // Everything up to the first send is done here, outside the future:
        // the future then holds one request, not two, and stays small.
        note(|x| {
            x.operation = Some(operation.id);
            x.reveal_bodies = self.settings.reveal_bodies;
        });
        if self.settings.read_only && !retry::only_reads(operation) {
            note(|x| x.refused_write = true);
            // Nothing is sent; progenitor needs an answer to hand back,
            // and `recover` turns this one into the refusal.
            return Box::pin(std::future::ready(Ok(rebuild(
                StatusCode::FORBIDDEN,
                Version::HTTP_11,
                HeaderMap::new(),
                request.url().clone(),
                reqwest::Body::from(Bytes::new()),
            ))));
        }
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, self.authorization.clone());
        headers.insert(USER_AGENT, self.user_agent.clone());
        // The query serializer writes a space as `+`, which only form
        // decoding reads as a space; `%20` means a space to every server,
        // and is what Flowroute's own SDK sends. A literal `+` is `%2B`.
        if let Some(query) = request.url().query().filter(|q| q.contains('+')) {
            let query = query.replace('+', "%20");
            request.url_mut().set_query(Some(&query));
        }
        // RFC 9110 §8.6: a bodyless POST/PUT/PATCH should say so, and some
        // front ends answer 411 when it does not (a purchase, an assign).
        if request.body().is_none()
            && matches!(
                *request.method(),
                Method::POST | Method::PUT | Method::PATCH
            )
        {
            request
                .headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
        }
        let s = &self.settings;
        let bucket = s
            .limiter
            .bucket(operation, request.body().and_then(reqwest::Body::as_bytes));
        // Only a paced call can be refused a permit, and needs a URL to
        // answer the refusal with.
        let paced_url = bucket.map(|_| request.url().clone());
        let class = retry::idempotency(operation);
        // Copying a request for a retry that cannot happen is wasted work.
        // Every class may be retried after a 429, sends included.
        let may_retry = s.retry.max_attempts > 1;
        let started = s.clock.now();
        let mut original = Some(request);
        Box::pin(async move {
            let mut attempt = 1;
            loop {
                // Every attempt, a retry after a 429 included, waits for a
                // permit first, within what is left of the deadline.
                if let (Some(bucket), Some(url)) = (bucket, &paced_url) {
                    let remaining = s
                        .deadline
                        .saturating_sub(s.clock.now().saturating_duration_since(started));
                    let permit = Box::pin(s.limiter.acquire(bucket, remaining)).await;
                    if let Err(refusal) = permit {
                        note(|x| x.no_permit = Some(refusal));
                        // Nothing is sent; `recover` turns this answer into
                        // the refusal.
                        return Ok(rebuild(
                            StatusCode::TOO_MANY_REQUESTS,
                            Version::HTTP_11,
                            HeaderMap::new(),
                            url.clone(),
                            reqwest::Body::from(Bytes::new()),
                        ));
                    }
                }
                // Built in a block so that the request and its copy are gone
                // before the first await and take no room in the future.
                let (pending, last, span, sent) = {
                    let remaining = s
                        .deadline
                        .saturating_sub(s.clock.now().saturating_duration_since(started));
                    // A body that cannot be cloned (a stream) gets exactly one attempt.
                    let copy = (may_retry && attempt < s.retry.max_attempts)
                        .then(|| original.as_ref().and_then(Request::try_clone))
                        .flatten();
                    let last = copy.is_none();
                    let Some(mut request) = copy.or_else(|| original.take()) else {
                        unreachable!("the original request is kept until the last attempt")
                    };
                    let limit = if s.request_timeout <= remaining {
                        (TimeLimit::Request, s.request_timeout)
                    } else {
                        (TimeLimit::Deadline, s.deadline)
                    };
                    *request.timeout_mut() = Some(s.request_timeout.min(remaining));
                    note(|x| {
                        x.limits = Limits {
                            connect: s.connect_timeout,
                            attempt: Some(limit),
                        };
                        x.attempts = attempt;
                    });
                    let span = tracing::debug_span!(
                        "flowroute.request",
                        operation = operation.id,
                        method = operation.method,
                        path = operation.path,
                        attempt,
                        status = tracing::field::Empty,
                        duration_ms = tracing::field::Empty,
                    );
                    // Only a caller's HTTP client (no connect timeout of ours)
                    // can follow a redirect; ours refuses them.
                    let follows_redirects = s.connect_timeout.is_none();
                    let sent = s.clock.now();
                    let pending = send_once(
                        client,
                        request,
                        follows_redirects,
                        s.max_response_bytes,
                        span.clone(),
                    );
                    (pending, last, span, sent)
                };
                let outcome = pending.await;
                let failure = match &outcome {
                    Ok(r) => {
                        (!r.status().is_success()).then(|| Failure::Status(r.status().as_u16()))
                    }
                    Err(AttemptError::Http(e)) if e.is_connect() => Some(Failure::Connect),
                    // A redirect loop in a caller's HTTP client is not transient.
                    Err(AttemptError::Http(e)) if e.is_redirect() => None,
                    Err(AttemptError::Http(_)) => Some(Failure::Lost),
                    Err(AttemptError::TooLarge { .. }) => None,
                };
                if let Ok(r) = &outcome {
                    span.record("status", r.status().as_u16());
                }
                span.record(
                    "duration_ms",
                    s.clock.now().saturating_duration_since(sent).as_millis() as u64,
                );
                tracing::debug!(parent: &span, failure = ?failure, "attempt finished");
                // Read once: for the wait, and for the caller's error.
                let retry_after = match (&outcome, failure) {
                    (Ok(r), Some(_)) => error::retry_after_header(r.headers(), s.clock.wall()),
                    _ => None,
                };
                let next = attempts::decide(
                    &s.retry,
                    class,
                    Attempt {
                        number: attempt,
                        failure,
                        retry_after,
                        repeatable: !last,
                    },
                    s.clock.now().saturating_duration_since(started),
                    s.deadline,
                );
                let delay = match next {
                    Next::Retry(delay) => delay,
                    Next::Finish => return finish(outcome, retry_after, s.max_response_bytes),
                };
                // Not kept through the wait, so the future has no room for it.
                drop(outcome);
                tracing::debug!(parent: &span, delay_ms = delay.as_millis() as u64, "retrying");
                s.clock.sleep(delay).await;
                attempt += 1;
            }
        })
    }
}

/// One attempt: sends `request`, notes a redirect, reads the answer. Boxed on
/// its own, which keeps both it and the retry loop's future under 1 KiB: glibc's
/// malloc consolidates its free lists before any larger allocation, a few
/// thousand instructions that the SDK then adds to every call.
fn send_once<'a>(
    client: &'a reqwest::Client,
    request: Request,
    follows_redirects: bool,
    limit: usize,
    span: tracing::Span,
) -> BoxFuture<'a, Result<Response, AttemptError>> {
    let sent_url = follows_redirects.then(|| request.url().clone());
    // Handed over now, so that the future holds reqwest's small handle rather
    // than the request.
    let pending = span.in_scope(|| client.execute(request));
    Box::pin(
        async move {
            match pending.await {
                Ok(response) => {
                    refuse_redirect(&response, sent_url.as_ref());
                    read_bounded(response, limit).await
                }
                Err(e) => {
                    if e.is_redirect() {
                        note(|x| x.redirect = Some(Redirect::Followed(None)));
                    }
                    Err(AttemptError::Http(e))
                }
            }
        }
        .instrument(span),
    )
}

/// Reads the whole answer, refusing more than `limit` bytes, and hands back an
/// equivalent response: a lost or truncated body is then a failure of this
/// attempt (which may be retried), not of decoding later.
async fn read_bounded(mut response: Response, limit: usize) -> Result<Response, AttemptError> {
    let too_large = |response: &mut Response| AttemptError::TooLarge {
        status: response.status(),
        headers: std::mem::take(response.headers_mut()),
        url: response.url().clone(),
    };
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large(&mut response));
    }
    let capacity = response.content_length().unwrap_or(0).min(limit as u64) as usize;
    // Most answers arrive in one chunk, which is kept as it is; the bytes are
    // copied into one buffer only when a second chunk comes.
    let mut first = Bytes::new();
    let mut joined: Option<Vec<u8>> = None;
    while let Some(chunk) = response.chunk().await.map_err(AttemptError::Http)? {
        let received = joined.as_ref().map_or(first.len(), Vec::len);
        if received + chunk.len() > limit {
            return Err(too_large(&mut response));
        }
        match &mut joined {
            Some(body) => body.extend_from_slice(&chunk),
            None if first.is_empty() => first = chunk,
            None => {
                let mut body = Vec::with_capacity(capacity.max(received + chunk.len()));
                body.extend_from_slice(&first);
                body.extend_from_slice(&chunk);
                joined = Some(body);
            }
        }
    }
    let body = joined.map_or(first, Bytes::from);
    if !response.status().is_success() {
        note(|x| x.error_body = Some(body.clone()));
    }
    Ok(rebuild(
        response.status(),
        response.version(),
        std::mem::take(response.headers_mut()),
        response.url().clone(),
        body.into(),
    ))
}

/// Notes a redirect: a 3xx answer, or a caller's HTTP client that followed
/// one (its final URL is not `sent`, given for such clients only). The host is
/// kept, never the path.
fn refuse_redirect(response: &Response, sent: Option<&Url>) {
    let redirect = if response.status().is_redirection() {
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| Url::parse(v).ok())
            .and_then(|u| u.host_str().map(str::to_string));
        Redirect::Answered(response.status(), location)
    } else if sent.is_some_and(|sent| response.url() != sent) {
        Redirect::Followed(response.url().host_str().map(str::to_string))
    } else {
        return;
    };
    note(|x| x.redirect = Some(redirect));
}

fn rebuild(
    status: StatusCode,
    version: Version,
    headers: HeaderMap,
    url: Url,
    body: reqwest::Body,
) -> Response {
    let mut http = http::Response::new(body);
    *http.status_mut() = status;
    *http.version_mut() = version;
    *http.headers_mut() = headers;
    // Without its URL, reqwest parses a placeholder one for every response
    // (some 3,500 instructions a call); the URL only goes in through the
    // builder's extension.
    if let Some(extensions) = http::response::Builder::new().url(url).extensions_mut() {
        *http.extensions_mut() = std::mem::take(extensions);
    }
    Response::from(http)
}

/// Notes what the caller's error needs, and hands progenitor the final answer.
fn finish(
    outcome: Result<Response, AttemptError>,
    retry_after: Option<Duration>,
    limit: usize,
) -> reqwest::Result<Response> {
    match outcome {
        Ok(response) => {
            if !response.status().is_success() {
                let request_id = header(response.headers(), "x-request-id");
                note(|x| {
                    x.status = Some(response.status());
                    x.request_id = request_id;
                    x.retry_after = retry_after;
                });
            }
            Ok(response)
        }
        Err(AttemptError::Http(e)) => Err(e),
        Err(AttemptError::TooLarge {
            status,
            headers,
            url,
        }) => {
            note(|x| x.too_large = Some(limit));
            // progenitor can only fail on a body it fails to read: give it one.
            let refused = futures_util::stream::once(async {
                Err::<Vec<u8>, _>(std::io::Error::other("response body over the size limit"))
            });
            Ok(rebuild(
                status,
                Version::HTTP_11,
                headers,
                url,
                reqwest::Body::wrap_stream(refused),
            ))
        }
    }
}

pub(crate) fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Records into the current call's exchange, when there is one (a generated
/// client used directly, outside [`call`], has none).
fn note(f: impl FnOnce(&mut Exchange)) {
    let _ = EXCHANGE.try_with(|x| f(&mut x.borrow_mut()));
}

/// Awaits a generated `send()` and turns its outcome into this crate's terms.
pub(crate) async fn call<T, F>(send: F) -> Result<T, Error>
where
    T: DeserializeOwned,
    F: Future<Output = Result<ResponseValue<T>, RawError>>,
{
    call_with_status(send).await.map(|(_, value)| value)
}

/// Like [`call`], also returning the success status, for operations whose
/// success statuses mean different things (201 or 207 for a purchase).
pub(crate) async fn call_with_status<T, F>(send: F) -> Result<(StatusCode, T), Error>
where
    T: DeserializeOwned,
    F: Future<Output = Result<ResponseValue<T>, RawError>>,
{
    EXCHANGE
        .scope(RefCell::new(Exchange::default()), async {
            let sent = send.await;
            let redirect = EXCHANGE.with(|x| x.borrow_mut().redirect.take());
            if let Some(redirect) = redirect {
                // An answer from wherever a redirect led is not Flowroute's.
                let operation = EXCHANGE
                    .with(|x| x.borrow().operation)
                    .unwrap_or("an unknown operation");
                return Err(redirect_error(operation, redirect));
            }
            match sent {
                Ok(value) => Ok((value.status(), value.into_inner())),
                Err(e) => {
                    let exchange = EXCHANGE.with(|x| std::mem::take(&mut *x.borrow_mut()));
                    recover(e, exchange).await
                }
            }
        })
        .await
}

async fn recover<T: DeserializeOwned>(e: RawError, x: Exchange) -> Result<(StatusCode, T), Error> {
    let operation = x.operation.unwrap_or("an unknown operation");
    if x.refused_write {
        return Err(Error::config(format!(
            "the client is read-only (`read_only`), and {operation} would change the account; nothing was sent"
        )));
    }
    if let Some(refusal) = x.no_permit {
        return Err(refusal.into_error(operation, x.attempts));
    }
    if let Some(limit) = x.too_large {
        return Err(Error::ResponseTooLarge { operation, limit });
    }
    let limits = x.limits;
    let transport = |source: reqwest::Error| transport(operation, source, limits);
    match e {
        RawError::InvalidRequest(reason) => Err(Error::invalid_input("request", reason)),
        RawError::CommunicationError(source)
        | RawError::ResponseBodyError(source)
        | RawError::InvalidUpgrade(source) => Err(transport(source)),
        // The executor already noted this answer's request id and Retry-After.
        RawError::ErrorResponse(value) => {
            let body = x.error_body.clone().unwrap_or_default();
            Err(api_error(operation, value.status(), &body, x))
        }
        RawError::InvalidResponsePayload(body, serde_error) => match x.status {
            Some(status) => Err(api_error(operation, status, &body, x)),
            None => Err(decode_error::<T>(
                operation,
                &body,
                &serde_error.to_string(),
                x.reveal_bodies,
            )),
        },
        RawError::UnexpectedResponse(response) => {
            let status = response.status();
            let body = response.bytes().await.map_err(transport)?;
            if status.is_success() {
                // A success status the spec does not list (200 for a documented
                // 201, say): the body is still what the caller asked for.
                let body: &[u8] = if body.is_empty() { b"null" } else { &body };
                serde_json::from_slice(body)
                    .map(|value| (status, value))
                    .map_err(|e| {
                        decode_error::<T>(operation, body, &e.to_string(), x.reveal_bodies)
                    })
            } else {
                Err(api_error(operation, status, &body, x))
            }
        }
        RawError::Custom(reason) => Err(Error::Protocol { operation, reason }),
    }
}

/// The URL is dropped from transport errors, its host kept: the path and
/// query can hold phone numbers or a signature.
pub(crate) fn transport(operation: &'static str, source: reqwest::Error, limits: Limits) -> Error {
    if source.is_timeout() {
        let fired = match (source.is_connect(), limits.connect) {
            (true, Some(connect)) => Some((TimeLimit::Connect, connect)),
            _ => limits.attempt,
        };
        if let Some((limit, configured)) = fired {
            return Error::Timeout {
                operation,
                limit,
                configured,
            };
        }
    }
    Error::Transport {
        operation,
        host: source.url().and_then(|u| u.host_str()).map(str::to_string),
        source: source.without_url(),
    }
}

fn redirect_error(operation: &'static str, redirect: Redirect) -> Error {
    match redirect {
        Redirect::Answered(status, location_host) => Error::Redirect {
            operation,
            status,
            location_host,
        },
        Redirect::Followed(host) => Error::config(format!(
            "the HTTP client given with `http_client` followed a redirect{} during {operation}, \
             so the request may have been sent twice; build it with \
             `redirect(reqwest::redirect::Policy::none())`",
            host.map(|h| format!(" to {h}")).unwrap_or_default()
        )),
    }
}

fn api_error(operation: &'static str, status: StatusCode, body: &[u8], x: Exchange) -> Error {
    ApiError::from_answer(operation, status, body, x.request_id, x.retry_after)
}

/// Decodes again with path tracking, to say *where* the document went wrong.
fn decode_error<T: DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
    fallback: &str,
    reveal: bool,
) -> Error {
    let mut de = serde_json::Deserializer::from_slice(body);
    let (path, message) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => (e.path().to_string(), e.into_inner().to_string()),
        Ok(_) => (".".to_string(), fallback.to_string()),
    };
    let message = if reveal {
        message
    } else {
        error::mask_text(&message)
    };
    DecodeError::error(operation, path, message, body, reveal)
}
