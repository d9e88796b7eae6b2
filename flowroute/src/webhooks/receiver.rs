//! An axum endpoint that receives Flowroute's webhooks (feature `receiver`).

use super::{Claim, ClaimToken, Dedupe, DedupeKey, DedupeStore, Event, parse};
use crate::Error;
use axum::Router;
use axum::body::{Bytes, HttpBody};
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Query, RawPathParams, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use futures_util::FutureExt as _;
use std::fmt::{self, Display};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Inbound MMS webhooks carry media URLs, not media: 1 MiB is far above any
/// documented payload.
const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The shortest token accepted: 16 characters of the 66 allowed are over 96
/// bits, beyond guessing.
const MIN_TOKEN_LEN: usize = 16;

type HandlerFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;
type Handler = dyn Fn(Event) -> HandlerFuture + Send + Sync;

/// Receives Flowroute's webhooks: reads each POST into an [`Event`], drops
/// resends of events already handled, and passes the rest to your handler.
///
/// It answers `200 OK` only once your handler has succeeded, because that
/// answer is what stops Flowroute's resends:
///
/// | request | answer | handler called |
/// |---|---|---|
/// | token missing or wrong (when one is set) | 404 Not Found | no |
/// | body over the [limit](Self::body_limit) (by its `Content-Length`, before anything is read, or once read that far) | 413 Payload Too Large | no |
/// | not a Flowroute webhook (see [`parse`]) | 400 Bad Request, with the reason | no |
/// | a resend of an event already handled (same kind and message id; for a receipt, same level and status) | 200 OK | no |
/// | a resend while the first is still being handled | 503, `Retry-After: 30` | no |
/// | the [dedupe store](Self::dedupe) cannot be asked, and fails closed | 503, `Retry-After: 30` | no |
/// | handler returns `Ok` | 200 OK | yes |
/// | handler returns `Err` (or panics) | 500, the event is forgotten so the resend is handled | yes |
///
/// A body that cannot be parsed gets 400 rather than 500: it would fail the
/// same way on every resend, and a 4xx says the fault is in the request, not
/// in your service, to whoever reads the logs. (Flowroute documents resending
/// on any answer but 200, four times, so the body is still retried.)
///
/// A wrong token gets 404 rather than 401: with the token in the URL, a
/// wrong one is simply a URL that does not exist, and a scanner learns
/// nothing.
///
/// Serve it with [`Receiver::serve`], which bounds what a client can hold
/// open (see [`Serve`](super::Serve)), or mount its
/// [router](Self::into_router) in one of your own and serve that with
/// [`webhooks::serve`](super::serve()).
#[must_use]
pub struct Receiver {
    handler: Arc<Handler>,
    token: Option<String>,
    dedupe: Option<Arc<dyn DedupeStore>>,
    body_limit: usize,
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("dedupe", &self.dedupe)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}

/// A [`Receiver`] with the defaults: no token, a [`Dedupe::default`], a body
/// limit of 1 MiB.
pub fn receiver<H, Fut, E>(handler: H) -> Router
where
    H: Fn(Event) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: Display + 'static,
{
    Receiver::new(handler).into_router()
}

impl Receiver {
    /// A receiver passing each new event to `handler`, with a
    /// [`Dedupe::default`] and a body limit of 1 MiB. The handler's error is
    /// logged (with `tracing`) and answered with 500.
    pub fn new<H, Fut, E>(handler: H) -> Receiver
    where
        H: Fn(Event) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Display + 'static,
    {
        let handler = move |event: Event| -> HandlerFuture {
            let handled = handler(event);
            Box::pin(async move { handled.await.map_err(|e| e.to_string()) })
        };
        Receiver {
            handler: Arc::new(handler),
            token: None,
            dedupe: Some(Arc::new(Dedupe::default())),
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// Requires `token` in each request's URL: as the path segment after the
    /// router's root (`https://host/<token>`) or as `?token=<token>`.
    /// Compared in constant time.
    ///
    /// The token must be at least 16 characters of `A–Z a–z 0–9 - . _ ~`
    /// (which need no escaping in a URL); use a random one, such as 32 hex
    /// digits, and keep it out of logs.
    pub fn token(mut self, token: impl Into<String>) -> Result<Receiver, Error> {
        let token = token.into();
        if token.len() < MIN_TOKEN_LEN {
            return Err(Error::invalid_input(
                "token",
                format!(
                    "is {} characters; use at least {MIN_TOKEN_LEN} random ones",
                    token.len()
                ),
            ));
        }
        if let Some(bad) = token
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')))
        {
            return Err(Error::invalid_input(
                "token",
                format!(
                    "contains `{bad}`; use only A-Z a-z 0-9 - . _ ~ so it needs no escaping in a URL"
                ),
            ));
        }
        self.token = Some(token);
        Ok(self)
    }

    /// Uses `store` to recognise resends: an `Arc<Dedupe>` shared by the
    /// receivers of several callback URLs, a [`Dedupe`] of other bounds, or
    /// any [`DedupeStore`], such as the `redis` feature's
    /// `flowroute::redis::RedisDedupe`, shared by every instance behind one
    /// callback URL.
    pub fn dedupe(mut self, store: impl DedupeStore + 'static) -> Receiver {
        self.dedupe = Some(Arc::new(store));
        self
    }

    /// Passes every request to the handler, resends included (when the
    /// handler deduplicates on its own, in a database say).
    pub fn without_dedupe(mut self) -> Receiver {
        self.dedupe = None;
        self
    }

    /// The largest body accepted, in bytes (default 1 MiB); larger ones get
    /// 413: at once when their `Content-Length` says so, without reading
    /// anything, and otherwise as soon as the body read goes past it.
    pub fn body_limit(mut self, bytes: usize) -> Receiver {
        self.body_limit = bytes;
        self
    }

    /// The axum router: `POST /`, and with a token also `POST /<token>`.
    /// Mount it with `Router::nest_service` and serve the whole with
    /// [`webhooks::serve`](super::serve()): a bare `axum::serve` sets no
    /// timeout and no connection limit.
    pub fn into_router(self) -> Router {
        let has_token = self.token.is_some();
        let limit = self.body_limit;
        let inner = Arc::new(Inner {
            handler: self.handler,
            token: self.token,
            dedupe: self.dedupe,
            body_limit: limit,
        });
        let mut router = Router::new().route("/", post(at_root));
        if has_token {
            router = router.route("/{token}", post(at_token));
        }
        router.layer(DefaultBodyLimit::max(limit)).with_state(inner)
    }
}

struct Inner {
    handler: Arc<Handler>,
    token: Option<String>,
    dedupe: Option<Arc<dyn DedupeStore>>,
    body_limit: usize,
}

async fn at_root(State(inner): State<Arc<Inner>>, request: Request) -> Response {
    inner.receive(None, request).await
}

async fn at_token(
    State(inner): State<Arc<Inner>>,
    params: Result<RawPathParams, RawPathParamsRejection>,
    request: Request,
) -> Response {
    let token = params
        .ok()
        .and_then(|p| p.iter().next().map(|(_, value)| value.to_string()));
    inner.receive(token, request).await
}

impl Inner {
    async fn receive(&self, path_token: Option<String>, request: Request) -> Response {
        if let Some(expected) = &self.token {
            let query = Query::<Vec<(String, String)>>::try_from_uri(request.uri())
                .map(|Query(pairs)| pairs)
                .unwrap_or_default();
            let presented = path_token.iter().chain(
                query
                    .iter()
                    .filter(|(name, _)| name == "token")
                    .map(|(_, value)| value),
            );
            let mut accepted = false;
            for candidate in presented {
                accepted |= constant_time_eq(candidate.as_bytes(), expected.as_bytes());
            }
            if !accepted {
                return StatusCode::NOT_FOUND.into_response();
            }
        }
        // The limit layer only counts bytes as they come: a body declaring
        // 2 GiB and sending 10 bytes would be waited for until the client
        // gives up. hyper sets the size hint from `Content-Length`.
        let declared = request.body().size_hint().lower();
        if usize::try_from(declared).map_or(true, |declared| declared > self.body_limit) {
            return StatusCode::PAYLOAD_TOO_LARGE.into_response();
        }
        let body = match Bytes::from_request(request, &()).await {
            Ok(body) => body,
            Err(rejection) => return rejection.into_response(),
        };
        let event = match parse(&body) {
            Ok(event) => event,
            Err(e) => {
                tracing::warn!(error = %e, "rejected a webhook body");
                return (StatusCode::BAD_REQUEST, e.to_string()).into_response();
            }
        };
        let message_id = event.message_id().clone();
        if !event.unreadable_fields().is_empty() {
            // Paths only: the values may hold message text.
            tracing::warn!(%message_id, fields = ?event.unreadable_fields(), "a webhook field had an unexpected type and was left out");
        }
        let mut claim = None;
        // An event without an id cannot be told from another one; handling
        // it twice beats dropping a different event as its repeat.
        let dedupe = self
            .dedupe
            .as_ref()
            .filter(|_| !message_id.as_str().is_empty());
        if let Some(store) = dedupe {
            let key = event.dedupe_key();
            match store.claim(&key).await {
                Ok(Claim::First { token }) => {
                    claim = Some(Pending {
                        store: store.clone(),
                        key,
                        token,
                        settled: false,
                    });
                }
                Ok(Claim::Seen) => {
                    tracing::debug!(%message_id, "acknowledged a repeated webhook");
                    return StatusCode::OK.into_response();
                }
                Ok(Claim::InProgress) => {
                    tracing::debug!(%message_id, "a repeated webhook arrived while the first is handled");
                    return later("this event is being handled; send it again later");
                }
                Err(e) => {
                    tracing::warn!(%message_id, error = %e, "could not tell a resend from a new webhook; Flowroute will resend");
                    return later("this event cannot be handled now; send it again later");
                }
            }
        }
        match (self.handler)(event).await {
            Ok(()) => {
                if let Some(claim) = claim {
                    claim.settle(true).await;
                }
                StatusCode::OK.into_response()
            }
            Err(e) => {
                tracing::warn!(%message_id, error = %e, "the webhook handler failed; Flowroute will resend");
                // Forgotten before the answer, so that a resend is handled.
                if let Some(claim) = claim {
                    claim.settle(false).await;
                }
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the event could not be handled",
                )
                    .into_response()
            }
        }
    }
}

/// 503 with Flowroute's own resend interval.
fn later(reason: &'static str) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "30")],
        reason,
    )
        .into_response()
}

/// An event being handled. Unless settled, it is forgotten when dropped:
/// when the handler panics or the connection closes before it finishes
/// (axum then drops the future), so that Flowroute's resend is handled
/// rather than taken for a repeat.
struct Pending {
    store: Arc<dyn DedupeStore>,
    key: DedupeKey,
    token: ClaimToken,
    settled: bool,
}

impl Pending {
    /// Settles, in a task of its own when the store does not answer at once:
    /// the task ends even if this request is dropped meanwhile, since a
    /// success left unrecorded would be handled again.
    async fn settle(mut self, handled: bool) {
        self.settled = true;
        let mut settling = self.store.settle(&self.key, self.token, handled);
        let settled = match (&mut settling).now_or_never() {
            Some(settled) => settled,
            None => match tokio::spawn(settling).await {
                Ok(settled) => settled,
                Err(e) => {
                    tracing::warn!(error = %e, handled, "recording a webhook's outcome failed");
                    return;
                }
            },
        };
        if let Err(e) = settled {
            tracing::warn!(error = %e, handled, "could not record a webhook's outcome");
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let mut settling = self.store.settle(&self.key, self.token, false);
        let forgotten = match (&mut settling).now_or_never() {
            Some(forgotten) => forgotten,
            None => {
                // Outside a runtime the claim stays until a shared store's
                // lease ends it.
                if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                    runtime.spawn(async move {
                        if let Err(e) = settling.await {
                            tracing::warn!(error = %e, "could not forget an unhandled webhook");
                        }
                    });
                }
                return;
            }
        };
        if let Err(e) = forgotten {
            tracing::warn!(error = %e, "could not forget an unhandled webhook");
        }
    }
}

/// Compares without stopping at the first difference, so that the time taken
/// does not tell how much of a guess was right. Only the length can leak, and
/// it is fixed by configuration.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"abcdef", b"abcdef"));
        assert!(!constant_time_eq(b"abcdef", b"abcdeg"));
        assert!(!constant_time_eq(b"abcdef", b"Abcdef"));
        assert!(!constant_time_eq(b"abcdef", b"abcde"));
        assert!(!constant_time_eq(b"", b"a"));
    }

    #[test]
    fn tokens_must_be_long_and_url_safe() {
        let receiver = || Receiver::new(|_: Event| async { Ok::<(), String>(()) });
        assert!(receiver().token("0123456789abcdef").is_ok());
        let short = receiver().token("short").unwrap_err().to_string();
        assert!(short.contains("at least 16"), "{short}");
        let spaced = receiver()
            .token("0123456789 abcdef")
            .unwrap_err()
            .to_string();
        assert!(spaced.contains("contains ` `"), "{spaced}");
    }
}
