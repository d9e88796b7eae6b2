//! The client, its builder and its configuration. Credentials live here and
//! nowhere else; they are never printed.

use crate::limits::{Limiter, MemoryPermits, PermitStore, RateLimits};
use crate::messages::MessagingVersion;
use crate::{
    error::Error,
    retry::{Clock, RetryPolicy, TokioClock},
    transport::{Settings, Transport},
    urls::{is_loopback, redacted},
};
use base64::Engine as _;
use reqwest::{Url, header::HeaderValue};
use std::{fmt, sync::Arc, time::Duration};

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.flowroute.com";
/// Environment variable holding the API access key (the name the official SDK demos use).
pub const ENV_ACCESS_KEY: &str = "FR_ACCESS_KEY";
/// Environment variable holding the API secret key.
pub const ENV_SECRET_KEY: &str = "FR_SECRET_KEY";
/// Environment variable overriding the base URL (a simulator, a proxy).
pub const ENV_BASE_URL: &str = "FLOWROUTE_BASE_URL";

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for one attempt, from sending to the last byte of the answer.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time allowed for a whole call, retries and their waits included.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);
/// Default largest answer read: 16 MiB (a page of 200 message records is
/// about 200 KiB; anything near the limit is not a Flowroute answer).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// A Flowroute API client. Cheap to clone (one `Arc`), `Send + Sync`; clones
/// share one connection pool.
///
/// ```no_run
/// # async fn run() -> Result<(), flowroute::Error> {
/// let client = flowroute::Client::from_env()?;
/// let numbers = client.numbers().list().limit(5).page().await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) raw: flowroute_raw::Client,
    base_url: Url,
    access_key: String,
    /// The executor `raw` sends through, kept to derive per-call clients.
    transport: Arc<Transport>,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: [`ENV_ACCESS_KEY`],
    /// [`ENV_SECRET_KEY`] and, optionally, [`ENV_BASE_URL`].
    pub fn from_env() -> Result<Client, Error> {
        Client::from_vars(|name| std::env::var(name).ok())
    }

    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Client, Error> {
        let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let (access_key, secret_key) = (set(ENV_ACCESS_KEY), set(ENV_SECRET_KEY));
        let missing: Vec<&str> = [(ENV_ACCESS_KEY, &access_key), (ENV_SECRET_KEY, &secret_key)]
            .into_iter()
            .filter_map(|(name, value)| value.is_none().then_some(name))
            .collect();
        let (Some(access_key), Some(secret_key)) = (access_key, secret_key) else {
            return Err(Error::config(format!(
                "{} not set; Client::from_env needs {ENV_ACCESS_KEY} and {ENV_SECRET_KEY} (Manage › Preferences › API Control)",
                missing.join(" and ")
            )));
        };
        let mut builder = Client::builder().credentials(access_key, secret_key);
        if let Some(url) = set(ENV_BASE_URL) {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The generated low-level client, for anything this crate does not cover.
    /// It shares this client's connection pool, credentials and policies.
    pub fn raw(&self) -> &flowroute_raw::Client {
        &self.inner.raw
    }

    /// The limits this client's calls run under, for the calls that do not
    /// go through the generated client (a CDR download).
    pub(crate) fn settings(&self) -> &Settings {
        &self.inner.transport.settings
    }

    /// A client that retries by `policy`; it shares this one's connections.
    /// For one call: `client.with_retry_policy(RetryPolicy::none()).routes()…`.
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Client {
        self.with_settings(|s| s.retry = policy)
    }

    /// A client whose attempts each time out after `timeout`; it shares this one's connections.
    pub fn with_request_timeout(&self, timeout: Duration) -> Client {
        self.with_settings(|s| s.request_timeout = timeout)
    }

    /// A client that sends only requests that change nothing on the account
    /// (every `GET`, E911 validation, the portability check) and refuses the
    /// rest with [`Error::Config`] before sending anything; it shares this
    /// one's connections. For dry runs, dashboards and demos against a live
    /// account; see [`ClientBuilder::read_only`].
    pub fn read_only(&self) -> Client {
        self.with_settings(|s| s.read_only = true)
    }

    /// A client whose `messages()` calls use Messaging API `version`; it
    /// shares this one's connections and rate limits.
    pub fn with_messaging_version(&self, version: MessagingVersion) -> Client {
        self.with_settings(|s| s.messaging_version = version)
    }

    /// The Messaging API version of this client's `messages()` calls.
    pub fn messaging_version(&self) -> MessagingVersion {
        self.settings().messaging_version
    }

    /// A client whose calls, retries included, end after `deadline`; it shares
    /// this one's connections.
    pub fn with_deadline(&self, deadline: Duration) -> Client {
        self.with_settings(|s| s.deadline = deadline)
    }

    fn with_settings(&self, change: impl FnOnce(&mut Settings)) -> Client {
        let inner = &self.inner;
        let mut transport = Transport {
            authorization: inner.transport.authorization.clone(),
            user_agent: inner.transport.user_agent.clone(),
            settings: inner.transport.settings.clone(),
        };
        change(&mut transport.settings);
        let http = flowroute_raw::ClientInfo::client(&inner.raw).clone();
        Client::assemble(
            inner.base_url.clone(),
            inner.access_key.clone(),
            transport,
            http,
        )
    }

    fn assemble(
        base_url: Url,
        access_key: String,
        transport: Transport,
        http: reqwest::Client,
    ) -> Client {
        let transport = Arc::new(transport);
        let raw = flowroute_raw::Client::new_with_client(
            base_url.as_str().trim_end_matches('/'),
            http,
            flowroute_raw::Inner::with_executor(transport.clone()),
        );
        Client {
            inner: Arc::new(Inner {
                raw,
                base_url,
                access_key,
                transport,
            }),
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("access_key", &key_prefix(&self.inner.access_key))
            .field("secret_key", &"<redacted>")
            .field("settings", &self.inner.transport.settings)
            .finish()
    }
}

/// Configures a [`Client`]. Everything but the credentials has a default.
#[derive(Default)]
pub struct ClientBuilder {
    access_key: Option<String>,
    secret_key: Option<String>,
    base_url: Option<String>,
    allow_insecure_http: bool,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    retry: Option<RetryPolicy>,
    deadline: Option<Duration>,
    max_response_bytes: Option<usize>,
    reveal_bodies: bool,
    read_only: bool,
    rate_limits: Option<RateLimits>,
    messaging_version: MessagingVersion,
    permit_store: Option<Arc<dyn PermitStore>>,
    clock: Option<Arc<dyn Clock>>,
}

impl ClientBuilder {
    /// The API access key (the HTTP Basic user) and secret key (the password),
    /// from Manage › Preferences › API Control.
    pub fn credentials(
        mut self,
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Self {
        self.access_key = Some(access_key.into());
        self.secret_key = Some(secret_key.into());
        self
    }

    /// Where to send requests; default [`DEFAULT_BASE_URL`]. Must be `https`,
    /// unless the host is loopback (a local simulator) or
    /// [`allow_insecure_http`](Self::allow_insecure_http) is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Allows a plain `http` base URL on a non-loopback host. Credentials then
    /// cross the network unencrypted: only for trusted networks.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Time allowed to open a connection; default [`DEFAULT_CONNECT_TIMEOUT`].
    /// Ignored when [`http_client`](Self::http_client) is given.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for each attempt; default [`DEFAULT_REQUEST_TIMEOUT`].
    /// It applies to a client given with [`http_client`](Self::http_client) too.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// Time allowed for a whole call, retries and their waits included;
    /// default [`DEFAULT_DEADLINE`]. No call waits longer.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// When to send a failed request again; default [`RetryPolicy::default`].
    /// See [`retry`](crate::retry) for which operations are retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The largest answer read, in bytes; default [`DEFAULT_MAX_RESPONSE_BYTES`].
    /// A larger one is [`Error::ResponseTooLarge`], never an unbounded buffer.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Shows answers as received in [`Error::Decode`], instead of with
    /// digits and text masked; default off. Message records hold message
    /// text and phone numbers, and errors end up in logs: turn this on only
    /// to debug a decoding failure.
    pub fn reveal_bodies_in_errors(mut self, reveal: bool) -> Self {
        self.reveal_bodies = reveal;
        self
    }

    /// Makes the client read-only: operations that would change the account
    /// (buying, routing, sending, creating, deleting…) fail with
    /// [`Error::Config`] before any request; reads and the two checks sent as
    /// `POST` (E911 validation, portability) go through. Default off.
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    /// How many messages (and other calls) the client sends a second; default
    /// [`RateLimits::documented`], Flowroute's 5 SMS and 1 MMS a second. All
    /// clones of the client share the budget. See [`limits`](crate::limits).
    ///
    /// # Errors
    ///
    /// [`build`](Self::build) refuses a figure of 0 with [`Error::Config`].
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.rate_limits = Some(limits);
        self
    }

    /// The Messaging API version of `messages()` calls: default
    /// [`MessagingVersion::V2_1`], what Flowroute's official SDKs use; see
    /// [`MessagingVersion`] for what [`V2_2`](MessagingVersion::V2_2) changes.
    pub fn messaging_version(mut self, version: MessagingVersion) -> Self {
        self.messaging_version = version;
        self
    }

    /// Where the permits of the [`rate_limits`](Self::rate_limits) come from;
    /// default a [`MemoryPermits`] of this client's own, shared by its clones.
    /// Give every instance of a service one shared store (with the `redis`
    /// feature, `flowroute::redis::RedisPermits`) so that together they keep
    /// to the access key's limits. See [`limits`](crate::limits).
    pub fn permit_store(mut self, store: impl PermitStore + 'static) -> Self {
        self.permit_store = Some(Arc::new(store));
        self
    }

    /// Where backoff waits and deadlines read the time; default [`TokioClock`].
    /// Tests give a fake clock so that retries run instantly.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Replaces the `User-Agent`; default `flowroute-rs/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses this `reqwest::Client` (its pool, proxy, TLS and timeouts) instead
    /// of building one. Credentials and user agent are still added per request.
    ///
    /// Build it with `redirect(reqwest::redirect::Policy::none())`: reqwest
    /// follows redirects by default, which re-sends a request (a message, a
    /// purchase) to wherever the server points. A call whose client followed a
    /// redirect fails with [`Error::Config`] saying so, but by then the request
    /// went out twice.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let access_key = self.access_key.unwrap_or_default();
        let secret_key = self.secret_key.unwrap_or_default();
        if access_key.trim().is_empty() || secret_key.trim().is_empty() {
            return Err(Error::config(
                "the access key and the secret key are both required and must not be empty",
            ));
        }
        for (name, key) in [("access key", &access_key), ("secret key", &secret_key)] {
            if key.chars().any(|c| c.is_control() || c.is_whitespace()) {
                // A key read from a file often ends in a newline; sent as is,
                // every call would be a 401 with no hint why.
                return Err(Error::config(format!(
                    "the {name} contains whitespace or control characters; Flowroute keys have none"
                )));
            }
        }
        if access_key.contains(':') {
            return Err(Error::config(
                "the access key cannot contain `:` (HTTP Basic separates user and password with it)",
            ));
        }
        let base_url = parse_base_url(
            self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
            self.allow_insecure_http,
        )?;

        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("{access_key}:{secret_key}"));
        let mut authorization = HeaderValue::try_from(format!("Basic {token}"))
            .expect("base64 output is a valid header value");
        authorization.set_sensitive(true);
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| concat!("flowroute-rs/", env!("CARGO_PKG_VERSION")).to_string());
        let user_agent = HeaderValue::try_from(user_agent)
            .map_err(|_| Error::config("the user agent is not a valid header value"))?;

        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let custom_http = self.http.is_some();
        let http = match self.http {
            Some(http) => http,
            // The per-attempt timeout is set on each request, within the deadline.
            // Flowroute documents no redirects; following one would re-send
            // the body elsewhere, and a Referer would leak the path.
            None => with_tls(
                reqwest::Client::builder()
                    .connect_timeout(connect_timeout)
                    .redirect(reqwest::redirect::Policy::none())
                    .referer(false),
            )?
            .build()
            .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?,
        };
        let rate_limits = self.rate_limits.unwrap_or_default();
        rate_limits.check().map_err(Error::config)?;
        let clock = self.clock.unwrap_or_else(|| Arc::new(TokioClock));
        let settings = Settings {
            retry: self.retry.unwrap_or_default(),
            request_timeout: self.request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT),
            connect_timeout: (!custom_http).then_some(connect_timeout),
            deadline: self.deadline.unwrap_or(DEFAULT_DEADLINE),
            max_response_bytes: self
                .max_response_bytes
                .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            reveal_bodies: self.reveal_bodies,
            read_only: self.read_only,
            messaging_version: self.messaging_version,
            limiter: Arc::new(Limiter::new(
                rate_limits,
                self.permit_store
                    .unwrap_or_else(|| Arc::new(MemoryPermits::on(clock.clone()))),
                access_key.as_str().into(),
            )),
            clock,
        };
        let transport = Transport {
            authorization,
            user_agent,
            settings,
        };
        Ok(Client::assemble(base_url, access_key, transport, http))
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("access_key", &self.access_key.as_deref().map(key_prefix))
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .field("base_url", &self.base_url)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("user_agent", &self.user_agent)
            .field("custom_http_client", &self.http.is_some())
            .field("retry", &self.retry)
            .field("deadline", &self.deadline)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("reveal_bodies", &self.reveal_bodies)
            .field("read_only", &self.read_only)
            .field("rate_limits", &self.rate_limits)
            .field("messaging_version", &self.messaging_version)
            .field("permit_store", &self.permit_store)
            .finish_non_exhaustive()
    }
}

/// Enough of an access key to tell two apart in a log, not enough to use it.
/// The `rustls` feature alone: rustls with ring, given to this client only.
/// reqwest's `rustls-no-provider` otherwise looks for a process-wide provider
/// (and panics without one); installing ring process-wide would decide for the
/// whole program. The settings are reqwest's own for rustls: TLS 1.2 and 1.3,
/// the platform's verifier, HTTP/1.1 by ALPN (reqwest's `http2` is off).
#[cfg(all(
    feature = "rustls",
    not(feature = "rustls-aws-lc-rs"),
    not(feature = "native-tls")
))]
fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    use rustls_platform_verifier::BuilderVerifierExt as _;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_platform_verifier())
        .map_err(|e| Error::config(format!("cannot set up TLS: {e}")))?
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(builder.tls_backend_preconfigured(tls))
}

/// `rustls-aws-lc-rs` or `native-tls` (or no TLS at all): reqwest's default
/// backend for the features it was built with.
#[cfg(not(all(
    feature = "rustls",
    not(feature = "rustls-aws-lc-rs"),
    not(feature = "native-tls")
)))]
fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder)
}

pub(crate) fn key_prefix(key: &str) -> String {
    let prefix: String = key.chars().take(4).collect();
    format!("{prefix}…")
}

fn parse_base_url(input: &str, allow_insecure_http: bool) -> Result<Url, Error> {
    let shown = redacted(input);
    let url = Url::parse(input.trim())
        .map_err(|e| Error::config(format!("base URL `{shown}` is not a URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(
            "the base URL must not carry credentials; use `credentials(…)`",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "base URL `{shown}` must not have a query or fragment"
        )));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_insecure_http || is_loopback(&url) => Ok(url),
        "http" => Err(Error::config(format!(
            "base URL `{shown}` is plain http on a non-loopback host, which would send the credentials unencrypted; use https, or opt in with `allow_insecure_http(true)`"
        ))),
        other => Err(Error::config(format!(
            "base URL `{shown}` has scheme `{other}`; use https"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder() -> ClientBuilder {
        Client::builder().credentials("acct", "s3cr3t-value")
    }

    #[test]
    fn missing_or_empty_credentials_fail_at_construction() {
        for b in [
            Client::builder(),
            Client::builder().credentials("", "x"),
            Client::builder().credentials("a", " "),
        ] {
            let e = b.build().unwrap_err().to_string();
            assert!(
                e.contains("access key and the secret key are both required"),
                "{e}"
            );
        }
    }

    #[test]
    fn keys_with_whitespace_are_refused_instead_of_failing_every_call() {
        for (access, secret) in [
            ("acct", "s3cr3t\n"),
            ("acct ", "s3cr3t"),
            ("acct", "s3\tcr3t"),
        ] {
            let e = Client::builder()
                .credentials(access, secret)
                .build()
                .unwrap_err()
                .to_string();
            assert!(e.contains("whitespace or control characters"), "{e}");
            assert!(!e.contains("s3cr3t"), "{e}");
        }
    }

    #[test]
    fn plain_http_is_refused_unless_loopback_or_opted_in() {
        let e = builder()
            .base_url("http://api.example.com")
            .build()
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unencrypted") && e.contains("allow_insecure_http"),
            "{e}"
        );
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
        ] {
            assert!(builder().base_url(ok).build().is_ok(), "{ok}");
        }
        assert!(
            builder()
                .base_url("http://api.example.com")
                .allow_insecure_http(true)
                .build()
                .is_ok()
        );
        assert!(builder().base_url("ftp://x").build().is_err());
        assert!(builder().base_url("https://u:p@x").build().is_err());
        assert!(builder().base_url("not a url").build().is_err());
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let b = builder();
        let shown = format!("{b:?}");
        assert!(
            !shown.contains("s3cr3t-value") && shown.contains("<redacted>"),
            "{shown}"
        );
        let c = b.build().unwrap();
        let shown = format!("{c:?} {:?}", c.raw());
        assert!(!shown.contains("s3cr3t-value"), "{shown}");
        let token = base64::engine::general_purpose::STANDARD.encode("acct:s3cr3t-value");
        assert!(!shown.contains(&token), "{shown}");
        let c = Client::builder()
            .credentials("AKIA-long-access-key", "s3cr3t-value")
            .build()
            .unwrap();
        let shown = format!(
            "{c:?} {:?}",
            Client::builder().credentials("AKIA-long-access-key", "x")
        );
        assert!(!shown.contains("AKIA-long-access-key"), "{shown}");
        assert!(shown.contains("\"AKIA…\""), "{shown}");
    }

    #[test]
    fn from_env_names_only_what_is_missing() {
        let vars = |set: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                set.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let e = Client::from_vars(vars(&[(ENV_ACCESS_KEY, "acct")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("FR_SECRET_KEY not set"), "{e}");
        assert!(
            !e.contains("FR_ACCESS_KEY and FR_SECRET_KEY not set"),
            "{e}"
        );
        let e = Client::from_vars(vars(&[
            (ENV_ACCESS_KEY, "acct"),
            (ENV_SECRET_KEY, "s3cr3t-value"),
            (ENV_BASE_URL, "ftp://example.com"),
        ]))
        .unwrap_err()
        .to_string();
        assert!(e.contains("scheme `ftp`"), "{e}");
        assert!(
            !e.contains("set FR_ACCESS_KEY"),
            "a bad URL is not a missing key: {e}"
        );
    }

    #[test]
    fn default_base_url_is_production() {
        assert_eq!(
            builder().build().unwrap().base_url().as_str(),
            "https://api.flowroute.com/"
        );
    }
}
