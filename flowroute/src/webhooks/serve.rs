//! Serving the receiver on the open internet (feature `receiver`): every
//! bound a public endpoint needs, so that no client can hold it open.

use super::Receiver;
use axum::Router;
use axum::http::StatusCode;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::fmt;
use std::future::{Future, IntoFuture, Pending, pending};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tower_http::timeout::Timeout;

/// How long a connection may take to send a request's headers, counted from
/// when it is accepted or its previous response was sent. It is therefore
/// also how long an idle keep-alive connection stays open: 10 seconds.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a request may take from its headers to its answer (reading the
/// body and running your handler): 30 seconds.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How many connections are served at once: 256, far above what Flowroute's
/// deliveries need and far below the usual limit of 1024 open files.
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;

/// How long a graceful shutdown waits for requests in flight: 30 seconds.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// How long to wait before accepting again after an error that is not about
/// one connection, such as running out of file descriptors: retrying at once
/// would spin.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

/// Serves `app` on `listener` with every bound set (see [`Serve`]): the way
/// to serve a router that combines several receivers, or a receiver with
/// routes of your own. For a single [`Receiver`], [`Receiver::serve`] is the
/// same.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use flowroute::webhooks::{self, Dedupe, Event, Receiver};
/// use std::sync::Arc;
/// let seen = Arc::new(Dedupe::default()); // shared by both endpoints
/// let handle = |event: Event| async move { println!("{:?}", event.message_id()); Ok::<(), String>(()) };
/// let app = axum::Router::new()
///     .nest_service("/sms", Receiver::new(handle).token("sms-4f7d0c9e2b1a48f6a3c5")?.dedupe(seen.clone()).into_router())
///     .nest_service("/dlr", Receiver::new(handle).token("dlr-0b9e8d7c6f5a4e3d2c1b")?.dedupe(seen).into_router());
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
/// webhooks::serve(listener, app)
///     .with_graceful_shutdown(async { tokio::signal::ctrl_c().await.ok(); })
///     .await;
/// # Ok(()) }
/// ```
pub fn serve(listener: TcpListener, app: Router) -> Serve {
    Serve {
        listener,
        app,
        header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
        request_timeout: DEFAULT_REQUEST_TIMEOUT,
        max_connections: DEFAULT_MAX_CONNECTIONS,
        shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
        signal: pending(),
    }
}

impl Receiver {
    /// Serves this receiver on `listener` with every bound set (see
    /// [`Serve`]); `.await` it. Use this rather than `axum::serve`, which
    /// sets no timeout and no connection limit.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use flowroute::webhooks::{Event, Receiver};
    /// use std::time::Duration;
    /// let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
    /// Receiver::new(|event: Event| async move { println!("{:?}", event.message_id()); Ok::<(), String>(()) })
    ///     .token("4f7d0c9e2b1a48f6a3c5d7e9b0f2a4c6")?
    ///     .serve(listener)
    ///     .request_timeout(Duration::from_secs(10)) // any bound can be changed
    ///     .with_graceful_shutdown(async { tokio::signal::ctrl_c().await.ok(); })
    ///     .await;
    /// # Ok(()) }
    /// ```
    pub fn serve(self, listener: TcpListener) -> Serve {
        serve(listener, self.into_router())
    }
}

/// A receiver being served, with the bounds that keep any client from
/// holding it open; `.await` it to run it. Made by [`Receiver::serve`] or
/// [`serve`]. HTTP/1.1 only (what Flowroute sends; put a proxy in front for
/// TLS).
///
/// | bound | default | applies to | when it is reached |
/// |---|---|---|---|
/// | [`header_read_timeout`](Self::header_read_timeout) | 10 s | from accepting a connection, or from sending its last response, to the end of the next request's headers | the connection is closed: this closes clients that send their headers slowly and idle keep-alive connections alike |
/// | [`request_timeout`](Self::request_timeout) | 30 s | from the end of the headers to the answer: reading the body and running your handler | `408 Request Timeout` (and the connection is closed if its body was not read to the end); a handler still running is dropped and its event not marked handled, so Flowroute's resend is handled |
/// | [body limit](Receiver::body_limit) | 1 MiB | the request body | `413 Payload Too Large`: at once when the `Content-Length` says more (nothing is read), or as soon as a body without one goes past it |
/// | [`max_connections`](Self::max_connections) | 256 | connections open at once | the next connection waits, unaccepted, in the listening socket's queue until one closes; a connection that sends nothing holds its slot for at most `header_read_timeout`, so deliveries still get through behind clients holding idle connections |
/// | [`shutdown_timeout`](Self::shutdown_timeout) | 30 s | after the [shutdown signal](Self::with_graceful_shutdown): requests in flight | the remaining connections are dropped |
///
/// A graceful shutdown stops accepting at once (new connections are
/// refused), closes idle connections, lets requests in flight finish and
/// closes their connections after their answers, then returns.
///
/// A connection's time is therefore bounded by `header_read_timeout +
/// request_timeout` per request; one that keeps sending requests is served
/// like any client.
#[must_use = "a server does nothing until awaited"]
pub struct Serve<S = Pending<()>> {
    listener: TcpListener,
    app: Router,
    header_read_timeout: Duration,
    request_timeout: Duration,
    max_connections: usize,
    shutdown_timeout: Duration,
    signal: S,
}

impl<S> fmt::Debug for Serve<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Serve")
            .field("listener", &self.listener)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("max_connections", &self.max_connections)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .finish_non_exhaustive()
    }
}

impl<S> Serve<S> {
    /// How long a connection may take to send a request's headers, from when
    /// it is accepted or its previous response was sent (default 10 s). Also
    /// the idle timeout of keep-alive connections.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// How long a request may take from the end of its headers to its answer,
    /// body and handler included (default 30 s); then it is answered `408`.
    /// Keep it above your handler's slowest run.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// How many connections are served at once (default 256; at least 1);
    /// more wait to be accepted. Keep it below the process's open-files
    /// limit (`ulimit -n`), less what the rest of your program uses, or the
    /// accept loop runs out of descriptors instead.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// How long a graceful shutdown waits for requests in flight before
    /// dropping their connections (default 30 s).
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// Shuts down gracefully once `signal` completes (such as
    /// `tokio::signal::ctrl_c()`), within the
    /// [`shutdown_timeout`](Self::shutdown_timeout): the server then stops
    /// accepting, lets requests in flight finish, and the future returns.
    /// Without it the server runs until dropped.
    pub fn with_graceful_shutdown<F>(self, signal: F) -> Serve<F>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        Serve {
            listener: self.listener,
            app: self.app,
            header_read_timeout: self.header_read_timeout,
            request_timeout: self.request_timeout,
            max_connections: self.max_connections,
            shutdown_timeout: self.shutdown_timeout,
            signal,
        }
    }
}

impl<S> IntoFuture for Serve<S>
where
    S: Future<Output = ()> + Send + 'static,
{
    type Output = ();
    type IntoFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

impl<S> Serve<S>
where
    S: Future<Output = ()> + Send + 'static,
{
    async fn run(self) {
        let service = TowerToHyperService::new(Timeout::with_status_code(
            self.app,
            StatusCode::REQUEST_TIMEOUT,
            self.request_timeout,
        ));
        let mut http = http1::Builder::new();
        // hyper only keeps time with a timer: without one the header timeout
        // is silently off, which is how a bare `axum::serve` runs.
        http.timer(TokioTimer::new())
            .header_read_timeout(self.header_read_timeout);
        let slots = Arc::new(Semaphore::new(self.max_connections));
        let graceful = GracefulShutdown::new();
        let mut connections = JoinSet::new();
        let mut signal = std::pin::pin!(self.signal);
        loop {
            let (stream, slot) = tokio::select! {
                () = &mut signal => break,
                accepted = accept(&self.listener, &slots) => accepted,
            };
            let connection =
                graceful.watch(http.serve_connection(TokioIo::new(stream), service.clone()));
            connections.spawn(async move {
                // A client that goes away mid-request is its own business.
                let _ = connection.await;
                drop(slot);
            });
            while connections.try_join_next().is_some() {}
        }
        // Closing the listener refuses new connections at once, rather than
        // leaving them queued unanswered until the process exits.
        drop(self.listener);
        if tokio::time::timeout(self.shutdown_timeout, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!(
                connections = connections.len(),
                "webhook connections still open after the shutdown timeout were dropped"
            );
        }
        connections.shutdown().await;
    }
}

/// The next connection, once a slot is free: at the cap nothing is accepted,
/// so further clients wait in the kernel's queue, which costs this process
/// no file descriptor.
async fn accept(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> (TcpStream, OwnedSemaphorePermit) {
    let Ok(slot) = slots.clone().acquire_owned().await else {
        unreachable!("the semaphore is never closed");
    };
    loop {
        match listener.accept().await {
            Ok((stream, _)) => return (stream, slot),
            Err(e) if is_about_one_connection(&e) => {}
            Err(e) => {
                tracing::warn!(error = %e, "could not accept a webhook connection; retrying");
                tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
            }
        }
    }
}

fn is_about_one_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
    )
}
