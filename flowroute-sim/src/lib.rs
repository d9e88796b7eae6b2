//! A stateful simulator of the Flowroute REST API, for tests and demos
//! without an account (in the spirit of stripe-mock or LocalStack).
//!
//! It answers every operation of the project's `openapi/flowroute.yaml` —
//! numbers, routes, messages, callbacks, E911, CNAM, porting, CDR exports —
//! with Flowroute's shapes, statuses and JSON:API error documents, and keeps
//! state: bought numbers stay bought, sent messages get delivery receipts,
//! and callbacks are really POSTed (with Flowroute's retries). A control
//! plane under `/__sim/` (and the same methods on [`Simulator`]) resets the
//! account, injects faults, sets the messaging rate limits and the mode,
//! shows the request log and simulates inbound messages.
//!
//! It serves Flowroute's own clients too: the official Python SDK's methods
//! and demos run against it with only the base URL and credentials changed
//! (see [Compatibility](#compatibility)).
//!
//! ```
//! use flowroute_sim::{SIM_ACCESS_KEY, SIM_SECRET_KEY, Simulator};
//!
//! #[tokio::main]
//! async fn main() -> std::io::Result<()> {
//!     let sim = Simulator::start().await?;
//!     // Point the `flowroute` crate, or any HTTP client, at this URL with
//!     // these Basic-auth credentials.
//!     println!("{} as {SIM_ACCESS_KEY}:{SIM_SECRET_KEY}", sim.base_url());
//!     // The control plane is here in process too: nothing was asked yet.
//!     assert!(sim.requests().is_empty());
//!     sim.shutdown().await;
//!     Ok(())
//! }
//! ```
//!
//! The same server runs standalone: `cargo run -p flowroute-sim -- --port 8080`
//! (the crate's README shows every flag and every control endpoint with a
//! `curl` example, for users of any language).
//!
//! # The account
//!
//! A fresh simulator (or one just reset) holds two numbers (the lowest
//! inventory numbers in area codes 201 and 206) on the built-in `sip-reg`
//! route `"0"`, and nothing else. The inventory has a few thousand numbers in
//! 26 area codes across 19 states and DC plus 7 toll-free codes, all derived from the
//! seed ([`SimulatorBuilder::seed`]); so are `mdr2-` ids.
//!
//! # Control plane
//!
//! Under `/__sim/`, without authentication; bodies are read as JSON whatever
//! their Content-Type, answers are `application/json`.
//!
//! | request | effect |
//! |---|---|
//! | `GET /__sim/` | this table as JSON: `{"endpoints":[{"method","path","does"}…]}` |
//! | `POST /__sim/reset` | back to the starting account; faults and logs cleared, configured rate limits restored (204) |
//! | `POST /__sim/faults` `{"method"?,"path","count"?,"fault"}` | inject a [`Fault`] (201, echoes the rule) |
//! | `GET /__sim/faults`, `DELETE /__sim/faults` | pending rules with remaining counts; clear them |
//! | `GET /__sim/rate-limits` | the [`RateLimits`] in force: `{"off":false,"sms":5,"mms":1}` (`null` figures when off) |
//! | `PUT /__sim/rate-limits` `{"off"?,"sms"?,"mms"?}` or `"off"`, `"documented"`, `"sms=N,mms=M"` | enforce other limits (200, answered as `GET`); a figure left out is the documented one |
//! | `GET /__sim/requests?after=SEQ&limit=N`, `DELETE /__sim/requests` | a [`RequestPage`] of the [`RequestRecord`] log; clear it |
//! | `GET /__sim/strict` | whether [strict mode](#compatibility) is on: `{"strict":false}` |
//! | `PUT /__sim/strict` `{"strict":bool}` or a bare boolean | turn strict mode on or off (200, answered as `GET`) |
//! | `POST /__sim/inbound` `{"from","to","body"?,"media_urls"?,"timestamp"?}` | an [`SimulatedMessage`] arrives, now or at a past `timestamp` (201, the MDR document) |
//! | `POST /__sim/cnams/{id}/approve` | approve a CNAM record (204) |
//! | `POST /__sim/cnams/{id}/reject` `{"reason"?}` | reject a CNAM record (204) |
//! | `GET /__sim/webhooks?after=ID&limit=N` | a [`WebhookPage`] of the [`WebhookDelivery`] log, with attempts |
//! | `GET /__sim/cdrs/{id}.csv.gz` | the download behind a completed CDR export |
//!
//! `fault` is one of `{"status":503,"body":"json"|"html"|"empty"}`,
//! `{"delay_ms":N}`, `{"drop":"before_request"|"after_request"}`,
//! `{"truncated_body":true}`, `{"malformed_body":true}`,
//! `{"rate_limit":{"retry_after":S}}`, `{"content_type":"text/plain"}`;
//! `path` is exact or a template such as `/v2/numbers/{id}`, and the rule
//! applies to the next `count` (default 1) matching API requests. At most
//! [`MAX_PENDING_FAULTS`] rules are pending at once, and a rule's method,
//! path and content type hold at most 2048 bytes each.
//!
//! # Rate limits
//!
//! As Flowroute does, the simulator answers a message send
//! (`POST /v2.1/messages`) `429 Too Many Requests` when its access key sends
//! too fast: by default ([`RateLimits::documented`]) beyond 5 SMS or 1 MMS
//! per second, each class with its own budget (a send is an MMS when it has
//! `media_urls` or says `is_mms`, as its record will). A send is accepted
//! only if fewer sends of its class than the figure were accepted in the
//! second before it, the half-open window `(t - 1 s, t]` of a monotonic
//! clock; refused sends do not count. The 429 has a JSON:API error document
//! and `Retry-After` in whole seconds, rounded up, until the oldest accepted
//! send leaves the window (so 1; its detail gives the milliseconds). A
//! throttled send is not applied: no message record, receipt or webhook.
//!
//! An injected fault comes first (and one that acts on the answer acts on a
//! 429 too), then authentication (a 401 spends nothing), then the limit,
//! then validation: an invalid send spends budget like a valid one, since
//! Flowroute defines its limits per endpoint and access key, as a gateway
//! in front of the API applies them.
//!
//! Choose the limits with [`SimulatorBuilder::rate_limits`] or
//! `--rate-limits off|documented|sms=N,mms=M`, change them with
//! [`Simulator::set_rate_limits`] or `PUT /__sim/rate-limits`; a reset
//! restores the builder's. The request log gives each send's `send_class`,
//! whether it was `throttled`, and its `received_ms`. The limiter keeps at
//! most a figure's worth of instants per class, for authenticated keys only.
//!
//! # Compatibility
//!
//! Flowroute's official clients do not always send what its docs show: the
//! Python SDK form-encodes the CNAM create, PATCHes a whole fetched E911
//! document back, names the singular `/relationships/cnam` path; its demos
//! send `"is_mms": "true"` and `"edge_strategy": "1"`; its README shows CDR
//! export list items wrapped in `{"data": …}`. For each such case the
//! simulator does what the real service most likely does, judged by the
//! evidence (a capture of the real service beats the docs, which beat SDK
//! code): by default it accepts what the official clients send and answers
//! in the shape the strongest evidence shows. In strict mode
//! ([`SimulatorBuilder::strict`], `--strict`, `PUT /__sim/strict`) it
//! accepts only the documented requests and answers in the documented
//! shapes, for developing an SDK against the docs. The crate's README
//! ("Compatibility") lists each case with its evidence and what strict mode
//! changes; in short, strict mode refuses
//!
//! - JSON bodies without `Content-Type` (415) and form-encoded ones (415);
//! - route `edge_strategy`, string `is_mms`, message lookup date-times
//!   without a zone, the wrapped account callback body, portability numbers
//!   without `+`, and an E911 update's `id`, `links`, `zip_code` and null
//!   address type (422);
//! - the singular `/v2/numbers/{id}/relationships/cnam[/{cnam_id}]` paths (404);
//!
//! and lists CDR exports as flat items.
//!
//! # Logs
//!
//! The request log and the webhook log each keep the newest
//! [`DEFAULT_LOG_CAPACITY`] entries (set with
//! [`SimulatorBuilder::log_capacity`] or `--log-capacity`); older ones fall
//! off. Each entry is numbered from 1 (`seq` of a request, `id` of a
//! webhook), and numbers are never reused, not even after a clear or reset.
//! An entry keeps no body, and at most [`MAX_RECORDED_BYTES`] of each text
//! (method, path, query, URL), marking itself `truncated` when cut; so a
//! full log takes bounded memory whatever its clients send.
//!
//! Both endpoints answer one page, oldest first:
//! `{"requests"|"deliveries": […], "next": N, "more": bool, "dropped": N, "capacity": N}`.
//! `after` (default 0) skips entries numbered up to it; `limit` (default
//! [`DEFAULT_PAGE_LIMIT`], 1 to [`MAX_PAGE_LIMIT`]) caps the page; any other
//! parameter, or a value out of range, is a 400. Read everything by starting
//! at `after=0` and passing each page's `next` as the following `after`
//! while `more` is true; a cursor stays valid as entries arrive and fall
//! off. `dropped` counts entries that fell off since the log was last
//! cleared (the webhook log: since the last reset); a reader missed some when
//! the first number it gets is above its `after` + 1.
//! [`Simulator::requests_page`] and [`Simulator::webhook_deliveries_page`]
//! do the same in process.
//!
//! # Connections
//!
//! Connection state is bounded as well: one that goes
//! [`idle_timeout`](SimulatorBuilder::idle_timeout) (default 60 s) without a
//! complete request head, whether idle between keep-alive requests or sent
//! slowly, is closed; and at most
//! [`max_connections`](SimulatorBuilder::max_connections) (default 1024)
//! are served at once, further ones waiting in the listener's backlog.
//! Outgoing, at most [`MAX_WEBHOOKS_IN_FLIGHT`] webhook POSTs are open at
//! once; further attempts wait for one to end.

#![deny(missing_docs, missing_debug_implementations)]
#![forbid(unsafe_code)]

mod api;
mod app;
mod body;
mod cdr_csv;
mod compat;
mod ctx;
mod error;
mod faults;
mod inventory;
mod limits;
mod messaging;
mod model;
mod prng;
mod query;
mod records;
mod render;
mod ring;
mod server;
mod sim;
mod state;
mod throttle;
mod validate;
mod version;

pub use ctx::MAX_WEBHOOKS_IN_FLIGHT;
pub use faults::MAX_PENDING_FAULTS;
pub use faults::{DropPoint, Fault, FaultBody, FaultRule};
pub use limits::{ParseRateLimitsError, RateLimits};
pub use records::{
    MAX_RECORDED_BYTES, RequestPage, RequestRecord, SimError, SimulatedMessage, WebhookDelivery,
    WebhookPage,
};
pub use ring::{DEFAULT_LOG_CAPACITY, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};
pub use sim::{DEFAULT_SEED, SIM_ACCESS_KEY, SIM_SECRET_KEY, Simulator, SimulatorBuilder};
