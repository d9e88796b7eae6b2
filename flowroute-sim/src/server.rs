//! The accept loop and the per-request pipeline. Connections are served by
//! hyper directly (not `axum::serve`) so that an injected fault can close a
//! connection without an answer: a service error makes hyper drop it.

use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use futures_util::StreamExt as _;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower::ServiceExt as _;

use crate::body::announces_body;
use crate::ctx::Ctx;
use crate::error::{ApiError, JSON_API};
use crate::faults::{DropPoint, Fault, FaultBody};
use crate::model::MdrId;
use crate::records::RequestRecord;
use crate::throttle;

/// The service error that makes hyper close the connection unanswered.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

/// Serves until `shutdown` turns true (or its sender goes away).
pub(crate) async fn serve(
    listener: TcpListener,
    ctx: Ctx,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    let (idle_timeout, max_connections) = (ctx.config.idle_timeout, ctx.config.max_connections);
    loop {
        tokio::select! {
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            }
            // At the cap, new connections wait in the backlog until one ends.
            accepted = listener.accept(), if connections.len() < max_connections => {
                let Ok((stream, _)) = accepted else {
                    // Out of descriptors or similar: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                };
                let ctx = ctx.clone();
                let router = router.clone();
                connections.spawn(async move {
                    let service = service_fn(move |request| handle(ctx.clone(), router.clone(), request));
                    // A dropped or failed connection only concerns its client.
                    // hyper runs the head timeout whenever it waits for a
                    // request, so it also ends idle keep-alive connections.
                    let _ = http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(idle_timeout)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

async fn call(router: Router, request: Request<Body>) -> Response {
    match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

async fn handle(ctx: Ctx, router: Router, request: Request<Incoming>) -> Result<Response, Dropped> {
    let request = request.map(Body::new);
    let path = request.uri().path().to_string();
    if path == "/__sim" || path.starts_with("/__sim/") {
        return Ok(finish(call(router, request).await));
    }
    let mut record = RequestRecord::unanswered(
        request.method().as_str(),
        &path,
        request.uri().query(),
        announces_body(request.headers()),
        ctx.millis_since_start(Instant::now()),
    );
    // Rules match the whole path, not the log's capped copy.
    let fault = ctx.faults().take(request.method().as_str(), &path);
    record.fault = fault.as_ref().map(Fault::label);
    match &fault {
        Some(Fault::Drop(DropPoint::BeforeRequest)) => {
            ctx.log_request(record);
            return Err(Dropped);
        }
        Some(Fault::Status { status, body }) => {
            let response = injected_status(*status, *body);
            record.status = Some(response.status().as_u16());
            ctx.log_request(record);
            return Ok(response);
        }
        Some(Fault::RateLimit { retry_after }) => {
            let response = ApiError::too_many_requests(
                "Rate limit exceeded for this endpoint; slow down.",
                *retry_after,
            )
            .into_response();
            record.status = Some(429);
            ctx.log_request(record);
            return Ok(response);
        }
        Some(Fault::Delay(delay)) => {
            // A slow server still does the work when its client gives up
            // waiting: read the request now and finish it in a task of its own,
            // which a closed connection does not cancel.
            let delay = *delay;
            let (parts, body) = request.into_parts();
            let Ok(body) = axum::body::to_bytes(body, MAX_DELAYED_BODY).await else {
                return Err(Dropped);
            };
            let request = Request::from_parts(parts, Body::from(body));
            let work = async move {
                // A shutdown during the pause drops the connection.
                if !ctx.pause(delay).await {
                    return Err(Dropped);
                }
                respond(ctx, router, request, record, None).await
            };
            return tokio::spawn(work).await.unwrap_or(Err(Dropped));
        }
        _ => {}
    }
    respond(ctx, router, request, record, fault).await
}

/// The largest body read ahead of a delay fault.
const MAX_DELAYED_BODY: usize = 16 * 1024 * 1024;

/// Serves the request (authorised or not; a message send within its rate
/// limit or not), logs it, and applies a fault that acts on the answer.
async fn respond(
    ctx: Ctx,
    router: Router,
    request: Request<Body>,
    mut record: RequestRecord,
    fault: Option<Fault>,
) -> Result<Response, Dropped> {
    let accepts_gzip = accepts_gzip(request.headers());
    // Authentication first: only a known access key has a send budget.
    let response = if authorized(&ctx, request.headers()) {
        match throttle::admit(&ctx, request, &mut record).await {
            Ok(request) => finish(call(router, request).await),
            Err(refused) => finish(refused),
        }
    } else {
        ApiError::unauthorized().into_response()
    };
    record.status = Some(response.status().as_u16());
    record.mdr_id = response.extensions().get::<MdrId>().map(|m| m.0.clone());
    ctx.log_request(record);
    match fault {
        Some(Fault::Drop(DropPoint::AfterRequest)) => Err(Dropped),
        Some(Fault::TruncatedBody) => Ok(truncate(response).await),
        Some(Fault::MalformedBody) => Ok(malform(response)),
        Some(Fault::ContentType(content_type)) => {
            let mut response = response;
            if let Ok(value) = HeaderValue::from_str(&content_type) {
                response.headers_mut().insert(header::CONTENT_TYPE, value);
            }
            Ok(response)
        }
        // Only a fault-free answer is compressed: a truncated or malformed
        // body stays the fault its rule describes.
        _ if accepts_gzip => Ok(gzip(response).await),
        _ => Ok(response),
    }
}

/// Whether the request's `Accept-Encoding` lists gzip (without `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let gzip = parts.next().is_some_and(|c| c.eq_ignore_ascii_case("gzip"));
            let weight = parts
                .find_map(|p| p.strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok());
            gzip && weight.is_some_and(|q| q > 0.0)
        })
}

/// Bodies under this many bytes go out as they are: gzip's header and trailer
/// would outweigh the saving.
const GZIP_MIN_BYTES: usize = 1024;

/// The answer gzip-compressed, as an HTTP API behind a compressing front end
/// serves clients that ask for it; a large JSON page shrinks about tenfold.
async fn gzip(response: Response) -> Response {
    use std::io::Write as _;
    if response.headers().contains_key(header::CONTENT_ENCODING) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if bytes.len() < GZIP_MIN_BYTES {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let compressed = encoder
        .write_all(&bytes)
        .and_then(|()| encoder.finish())
        .expect("writing to a Vec does not fail");
    parts
        .headers
        .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(compressed.len()));
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    Response::from_parts(parts, Body::from(compressed))
}

fn authorized(ctx: &Ctx, headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, encoded)) = value.split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Some(decoded) = BASE64
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
    else {
        return false;
    };
    decoded.split_once(':')
        == Some((
            ctx.config.access_key.as_str(),
            ctx.config.secret_key.as_str(),
        ))
}

/// Gives bodiless error statuses (the router's 405, an extractor's 400, …)
/// Flowroute's JSON:API error document, keeping headers such as `Allow`.
fn finish(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(JSON_API) || v.starts_with("application/json"));
    if is_json {
        return response;
    }
    let mut fresh = ApiError::for_status(status).into_response();
    if let Some(allow) = response.headers().get(header::ALLOW) {
        fresh.headers_mut().insert(header::ALLOW, allow.clone());
    }
    fresh
}

fn injected_status(status: u16, body: FaultBody) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    match body {
        FaultBody::Json => ApiError::for_status(status).into_response(),
        FaultBody::Html => {
            let reason = status.canonical_reason().unwrap_or("Error");
            let page = format!(
                "<html><head><title>{code} {reason}</title></head><body><h1>{code} {reason}</h1></body></html>",
                code = status.as_u16()
            );
            (
                status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                page,
            )
                .into_response()
        }
        FaultBody::Empty => status.into_response(),
    }
}

/// A bodiless answer has nothing to cut or garble, so such faults send a
/// 200 JSON:API answer instead of the 204.
fn with_some_body(parts: &mut axum::http::response::Parts, bytes: Bytes) -> Bytes {
    if parts.status == StatusCode::NO_CONTENT {
        parts.status = StatusCode::OK;
        parts
            .headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_API));
    }
    if bytes.is_empty() {
        Bytes::from_static(br#"{"data":null}"#)
    } else {
        bytes
    }
}

/// The real answer with `Content-Length` of the whole body, then the
/// connection cut after half of it.
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let full = with_some_body(&mut parts, bytes);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(full.len()));
    let half = full.slice(0..full.len() / 2);
    // The pause lets hyper flush the head and the first half before the
    // error makes it close the connection.
    let cut = async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "body truncated by an injected fault",
        ))
    };
    let chunks = futures_util::stream::iter([Ok(half)]).chain(futures_util::stream::once(cut));
    Response::from_parts(parts, Body::from_stream(chunks))
}

/// The real status with a body that is not JSON.
fn malform(response: Response) -> Response {
    let (mut parts, _) = response.into_parts();
    let body = with_some_body(&mut parts, Bytes::from_static(br#"{"data": {"id": "#));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
