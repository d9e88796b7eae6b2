//! The simulator handle and its builder.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api::{cnam, control};
use crate::ctx::{Config, Ctx};
use crate::faults::FaultRule;
use crate::limits::RateLimits;
use crate::records::{
    RequestPage, RequestRecord, SimError, SimulatedMessage, WebhookDelivery, WebhookPage,
};
use crate::ring::DEFAULT_LOG_CAPACITY;
use crate::state::Timing;
use crate::{app, server};

/// Access key (Basic-auth user name) the simulator accepts unless told otherwise.
pub const SIM_ACCESS_KEY: &str = "sim-access-key";
/// Secret key (Basic-auth password) the simulator accepts unless told otherwise.
pub const SIM_SECRET_KEY: &str = "sim-secret-key";
/// Seed of the inventory and of generated ids unless told otherwise.
pub const DEFAULT_SEED: u64 = 1;

/// Configures a [`Simulator`] before it starts.
#[derive(Clone)]
pub struct SimulatorBuilder {
    access_key: String,
    secret_key: String,
    seed: u64,
    callback_retry_interval: Duration,
    dlr_delay: Duration,
    cnam_approval_delay: Option<Duration>,
    cdr_export_delay: Duration,
    log_capacity: usize,
    idle_timeout: Duration,
    max_connections: usize,
    rate_limits: RateLimits,
    strict: bool,
    bind: SocketAddr,
}

impl std::fmt::Debug for SimulatorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimulatorBuilder")
            .field("access_key", &self.access_key)
            .field("seed", &self.seed)
            .field("callback_retry_interval", &self.callback_retry_interval)
            .field("dlr_delay", &self.dlr_delay)
            .field("cnam_approval_delay", &self.cnam_approval_delay)
            .field("cdr_export_delay", &self.cdr_export_delay)
            .field("log_capacity", &self.log_capacity)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_connections", &self.max_connections)
            .field("rate_limits", &self.rate_limits)
            .field("strict", &self.strict)
            .field("bind", &self.bind)
            .finish_non_exhaustive()
    }
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        SimulatorBuilder {
            access_key: SIM_ACCESS_KEY.into(),
            secret_key: SIM_SECRET_KEY.into(),
            seed: DEFAULT_SEED,
            callback_retry_interval: Duration::from_secs(30),
            dlr_delay: Duration::from_millis(100),
            cnam_approval_delay: None,
            cdr_export_delay: Duration::ZERO,
            log_capacity: DEFAULT_LOG_CAPACITY,
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
            rate_limits: RateLimits::documented(),
            strict: false,
            bind: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
        }
    }
}

impl SimulatorBuilder {
    /// The Basic-auth credentials to accept (default [`SIM_ACCESS_KEY`] / [`SIM_SECRET_KEY`]).
    pub fn credentials(
        mut self,
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Self {
        self.access_key = access_key.into();
        self.secret_key = secret_key.into();
        self
    }

    /// Seed of the number inventory and of every generated id (default [`DEFAULT_SEED`]).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Wait between webhook attempts (default 30 s, as Flowroute; tests use milliseconds).
    pub fn callback_retry_interval(mut self, interval: Duration) -> Self {
        self.callback_retry_interval = interval;
        self
    }

    /// Time from a send to its level 1 receipt, and from level 1 to level 2 (default 100 ms).
    pub fn dlr_delay(mut self, delay: Duration) -> Self {
        self.dlr_delay = delay;
        self
    }

    /// Approve new CNAM records automatically this long after creation
    /// (default: never; approve them through the control plane).
    pub fn cnam_approval_delay(mut self, delay: Duration) -> Self {
        self.cnam_approval_delay = Some(delay);
        self
    }

    /// Minimum age of a CDR export before an access completes it (default 0:
    /// the first access after the creating request).
    pub fn cdr_export_delay(mut self, delay: Duration) -> Self {
        self.cdr_export_delay = delay;
        self
    }

    /// Entries kept by the request log and, separately, by the webhook log
    /// (default [`DEFAULT_LOG_CAPACITY`]). When a log is full its oldest
    /// entry falls off and is counted in the pages' `dropped`; 0 keeps none.
    /// Each entry's texts are capped at [`MAX_RECORDED_BYTES`], so a full
    /// log's memory is bounded too.
    ///
    /// [`MAX_RECORDED_BYTES`]: crate::MAX_RECORDED_BYTES
    pub fn log_capacity(mut self, entries: usize) -> Self {
        self.log_capacity = entries;
        self
    }

    /// How long a connection may go without a complete request head before
    /// the simulator closes it (default 60 s): an idle keep-alive connection,
    /// or a client sending its head too slowly, does not hold a task and a
    /// read buffer forever.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Connections served at once (default 1024, at least 1). Further ones
    /// wait, unanswered, in the listener's backlog until one closes, so
    /// clients cannot make the simulator hold unbounded connection state.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// The message send rate limits to enforce (default
    /// [`RateLimits::documented`], Flowroute's 5 SMS and 1 MMS per second
    /// per access key); [`RateLimits::off`] for tests that send in bulks.
    /// A reset comes back to these.
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.rate_limits = limits;
        self
    }

    /// Strict mode (default off): where Flowroute's documentation and what
    /// its official clients send disagree, accept only the documented
    /// request and answer in the documented shape, for developing an SDK
    /// against the docs. Off, the simulator also accepts what the official
    /// clients send and answers as the strongest evidence of the real
    /// service shows; [Compatibility](crate#compatibility) lists every such
    /// case. A reset comes back to this setting.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Address to listen on (default `127.0.0.1:0`, an OS-assigned port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// Binds and starts serving on the current Tokio runtime.
    pub async fn start(self) -> std::io::Result<Simulator> {
        let listener = TcpListener::bind(self.bind).await?;
        let addr = listener.local_addr()?;
        let host = match addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let base_url = format!("http://{}", SocketAddr::new(host, addr.port()));
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("flowroute-sim/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(std::io::Error::other)?;
        let (shutdown, watcher) = watch::channel(false);
        let config = Config {
            access_key: self.access_key,
            secret_key: self.secret_key,
            seed: self.seed,
            callback_retry_interval: self.callback_retry_interval,
            dlr_delay: self.dlr_delay,
            timing: Timing {
                cnam_approval_delay: self.cnam_approval_delay,
                cdr_export_delay: self.cdr_export_delay,
            },
            log_capacity: self.log_capacity,
            idle_timeout: self.idle_timeout,
            max_connections: self.max_connections,
            rate_limits: self.rate_limits,
            strict: self.strict,
        };
        let ctx = Ctx::new(
            config,
            base_url,
            http,
            tokio::runtime::Handle::current(),
            watcher.clone(),
        );
        let router = app::router(ctx.clone());
        let server = tokio::spawn(server::serve(listener, ctx.clone(), router, watcher));
        Ok(Simulator {
            ctx,
            addr,
            shutdown,
            server: Some(server),
        })
    }
}

/// A running simulator. It stops when [`shutdown`](Simulator::shutdown) is
/// awaited or when it is dropped.
pub struct Simulator {
    ctx: Ctx,
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("base_url", &self.ctx.base_url)
            .field("access_key", &self.ctx.config.access_key)
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// Starts a simulator with the default settings on `127.0.0.1` and an OS-assigned port.
    pub async fn start() -> std::io::Result<Simulator> {
        Self::builder().start().await
    }

    /// A builder for other settings.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }

    /// `http://127.0.0.1:PORT`: the base URL to give a client instead of `https://api.flowroute.com`.
    pub fn base_url(&self) -> String {
        self.ctx.base_url.clone()
    }

    /// The address the simulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The access key it accepts.
    pub fn access_key(&self) -> &str {
        &self.ctx.config.access_key
    }

    /// The secret key it accepts.
    pub fn secret_key(&self) -> &str {
        &self.ctx.config.secret_key
    }

    /// Back to the starting account (same seed); pending faults, the request
    /// log and the webhook log are cleared, the builder's
    /// [rate limits](SimulatorBuilder::rate_limits) apply again with no send
    /// counted, and so does its [mode](SimulatorBuilder::strict). Same as
    /// `POST /__sim/reset`.
    pub fn reset(&self) {
        self.ctx.reset();
    }

    /// The message send rate limits in force. Same as `GET /__sim/rate-limits`.
    pub fn rate_limits(&self) -> RateLimits {
        self.ctx.limiter().limits()
    }

    /// Enforces other send rate limits from now on (until changed again or
    /// reset). Sends already counted in the last second keep counting
    /// against the new figures; turning the limits off forgets them. Same
    /// as `PUT /__sim/rate-limits`.
    pub fn set_rate_limits(&self, limits: RateLimits) {
        self.ctx.limiter().set(limits);
    }

    /// Whether strict mode is on (see [`SimulatorBuilder::strict`]). Same as
    /// `GET /__sim/strict`.
    pub fn is_strict(&self) -> bool {
        self.ctx.strict()
    }

    /// Turns strict mode on or off from now on (until changed again or
    /// reset). Same as `PUT /__sim/strict`.
    pub fn set_strict(&self, strict: bool) {
        self.ctx.set_strict(strict);
    }

    /// Injects a fault. Same as `POST /__sim/faults`; refused (422) while
    /// [`MAX_PENDING_FAULTS`](crate::MAX_PENDING_FAULTS) rules are pending.
    pub fn add_fault(&self, rule: FaultRule) -> Result<(), SimError> {
        rule.validate().map_err(|why| SimError::new(422, why))?;
        self.ctx
            .faults()
            .add(rule)
            .map_err(|why| SimError::new(422, why))
    }

    /// Faults not yet used up, with their remaining counts. Same as `GET /__sim/faults`.
    pub fn faults(&self) -> Vec<FaultRule> {
        self.ctx.faults().pending()
    }

    /// Drops every pending fault. Same as `DELETE /__sim/faults`.
    pub fn clear_faults(&self) {
        self.ctx.faults().clear();
    }

    /// The API requests the log still holds, oldest first: the newest
    /// [`log_capacity`](SimulatorBuilder::log_capacity) since the log was
    /// last cleared.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.ctx.requests()
    }

    /// Up to `limit` (1 to [`MAX_PAGE_LIMIT`](crate::MAX_PAGE_LIMIT)) logged
    /// requests with `seq` greater than `after`, oldest first; start with
    /// `after = 0` and continue from the page's `next`. Same as
    /// `GET /__sim/requests?after=…&limit=…`, including the 400 for a bad limit.
    pub fn requests_page(&self, after: u64, limit: usize) -> Result<RequestPage, SimError> {
        self.ctx
            .requests_page(after, limit)
            .map_err(|why| SimError::new(400, why))
    }

    /// Empties the request log. Same as `DELETE /__sim/requests`.
    pub fn clear_requests(&self) {
        self.ctx.clear_requests();
    }

    /// Delivers an SMS or MMS to a number on the account and returns its
    /// `mdr2-` id; it is POSTed to the `sms_callback` / `mms_callback` URL
    /// in force. Same as `POST /__sim/inbound`.
    pub fn inbound(&self, message: SimulatedMessage) -> Result<String, SimError> {
        let doc = control::inbound(&self.ctx, message)?;
        Ok(doc["data"]["id"].as_str().unwrap_or_default().to_string())
    }

    /// Approves a CNAM record now. Same as `POST /__sim/cnams/{id}/approve`.
    pub fn approve_cnam(&self, id: &str) -> Result<(), SimError> {
        Ok(cnam::approve(&self.ctx, id)?)
    }

    /// Rejects a CNAM record with a reason. Same as `POST /__sim/cnams/{id}/reject`.
    pub fn reject_cnam(&self, id: &str, reason: &str) -> Result<(), SimError> {
        Ok(cnam::reject(&self.ctx, id, reason)?)
    }

    /// The webhooks the log still holds (sent or being retried, with their
    /// attempts), oldest first: the newest
    /// [`log_capacity`](SimulatorBuilder::log_capacity) since the last reset.
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.ctx.webhook_deliveries()
    }

    /// Up to `limit` (1 to [`MAX_PAGE_LIMIT`](crate::MAX_PAGE_LIMIT)) logged
    /// webhooks with `id` greater than `after`, oldest first. Same as
    /// `GET /__sim/webhooks?after=…&limit=…`, including the 400 for a bad limit.
    pub fn webhook_deliveries_page(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<WebhookPage, SimError> {
        self.ctx
            .webhook_page(after, limit)
            .map_err(|why| SimError::new(400, why))
    }

    /// Stops accepting connections, closes open ones and abandons pending webhooks.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(server) = self.server.take() {
            // The serve loop never panics; a JoinError could only be a cancellation.
            let _ = server.await;
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
